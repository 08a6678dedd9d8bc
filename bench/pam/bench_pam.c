/* bench_pam.c - what pam_dockwarden.so adds to an account check.
 *
 * usage: bench_pam MODULE POLICY GUARDED_USER OTHER_USER [ITERATIONS]
 *
 * Times pam_start -> (PAM_RHOST, SSH_CONNECTION, SSH_AUTH_INFO_0 as sshd sets
 * them) -> pam_acct_mgmt -> pam_end, through the real libpam, for
 *   base:  account required pam_unix.so            (Debian's common-account)
 *   with:  the same, plus account required MODULE policy=POLICY
 * and reports medians and the overhead per check for a guarded user that is
 * allowed, one that is denied (untrusted network), and a user outside the
 * guarded groups (PAM_IGNORE path).  Runs alternate base/with so drift in
 * machine load hits both equally.  Besides wall-clock time it reports the
 * CPU time of the calling thread (user + kernel, CLOCK_THREAD_CPUTIME_ID):
 * on a loaded machine waiting for a CPU inflates wall time of both stacks
 * alike, and CPU time shows what the module itself costs.  Not a test:
 * prints numbers, and for each case the table rows bench/run-all collects
 * (median over the N interleaved runs, wall and CPU, against pam_unix alone). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <security/pam_appl.h>

static char dir[64];
static const struct pam_conv conv = { NULL, NULL };

static void write_service(const char *name, const char *body)
{
	char path[128];
	int fd;
	size_t len = strlen(body);

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || write(fd, body, len) != (ssize_t)len) {
		perror(path);
		exit(1);
	}
	close(fd);
}

/* The service files live in DIR; nothing else is ever put there. */
static void remove_dir(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf -- '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
}

static double now_us(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

/* One check; wall-clock time returned, CPU time in *CPU. */
static double one(const char *service, const char *user, const char *rhost, const char *authinfo,
		  int *ret, double *cpu)
{
	pam_handle_t *pamh = NULL;
	double t0 = now_us(CLOCK_MONOTONIC), c0 = now_us(CLOCK_THREAD_CPUTIME_ID);
	int r;

	r = pam_start_confdir(service, user, &conv, dir, &pamh);
	if (r != PAM_SUCCESS) {
		fprintf(stderr, "pam_start_confdir: %s\n", pam_strerror(pamh, r));
		exit(1);
	}
	pam_set_item(pamh, PAM_RHOST, rhost);
	pam_putenv(pamh, authinfo);
	r = pam_acct_mgmt(pamh, 0);
	pam_end(pamh, r);
	*ret = r;
	*cpu = now_us(CLOCK_THREAD_CPUTIME_ID) - c0;
	return now_us(CLOCK_MONOTONIC) - t0;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double pct(double *v, int n, double p)
{
	int i = (int)(p * (n - 1) + 0.5);

	return v[i];
}

#define MAX_STACKS 8   /* base + the module + up to 6 reference modules */

/* Time N checks on each of NSTACKS services ("base", "with", "ref1", ...),
 * interleaved.  Only "with" (the module under test) must return EXPECT_WITH;
 * reference modules are reported, their answer counted but not judged. */
static void run(const char *label, const char *user, const char *rhost, const char *authinfo,
		int expect_with, int n, int nstacks, char names[][80])
{
	static const char *const svc[MAX_STACKS] = {
		"base", "with", "ref1", "ref2", "ref3", "ref4", "ref5", "ref6"
	};
	double *wall[MAX_STACKS], *cpu[MAX_STACKS];
	int differ[MAX_STACKS] = { 0 };
	double c;
	int i, k, r;

	for (k = 0; k < nstacks; k++) {
		wall[k] = calloc((size_t)n, sizeof(double));
		cpu[k] = calloc((size_t)n, sizeof(double));
		if (wall[k] == NULL || cpu[k] == NULL)
			exit(1);
	}
	for (i = 0; i < 50; i++)  /* warm up: page cache, NSS, dlopen paths */
		for (k = 0; k < nstacks; k++)
			one(svc[k], user, rhost, authinfo, &r, &c);
	for (i = 0; i < n; i++) {
		for (k = 0; k < nstacks; k++) {
			wall[k][i] = one(svc[k], user, rhost, authinfo, &r, &cpu[k][i]);
			if (k == 0 && r != PAM_SUCCESS) {
				fprintf(stderr, "%s: base stack returned %s\n", label,
					pam_strerror(NULL, r));
				exit(1);
			}
			if (k == 1 && r != expect_with) {
				fprintf(stderr, "%s: stack with module returned %s, want %s\n", label,
					pam_strerror(NULL, r), pam_strerror(NULL, expect_with));
				exit(1);
			}
			if (r != expect_with)
				differ[k]++;
		}
	}
	printf("%s\n", label);
	for (k = 0; k < nstacks; k++) {
		qsort(wall[k], (size_t)n, sizeof(double), cmp);
		qsort(cpu[k], (size_t)n, sizeof(double), cmp);
	}
	for (k = 0; k < nstacks; k++) {
		printf("  %-30s wall median %7.1f us p90 %7.1f", names[k], pct(wall[k], n, 0.5),
		       pct(wall[k], n, 0.9));
		if (k > 0)
			printf(" (+%6.1f)", pct(wall[k], n, 0.5) - pct(wall[0], n, 0.5));
		else
			printf("          ");
		printf(" | cpu median %7.1f us p90 %7.1f", pct(cpu[k], n, 0.5), pct(cpu[k], n, 0.9));
		if (k > 0)
			printf(" (+%6.1f)", pct(cpu[k], n, 0.5) - pct(cpu[0], n, 0.5));
		if (k > 1 && differ[k] > 0)
			printf(" [answer differs %d/%d]", differ[k], n);
		printf("\n");
	}
	/* table rows for bench/run-all (six tab-separated fields, see
	 * bench/README.md): each stack with a module against pam_unix alone,
	 * measured interleaved in this same loop */
	for (k = 1; k < nstacks; k++) {
		double w = pct(wall[k], n, 0.5), w0 = pct(wall[0], n, 0.5);
		double c1 = pct(cpu[k], n, 0.5), c0 = pct(cpu[0], n, 0.5);

		printf("account check pam_unix %s: %s, wall\t%.1f\tus/check\t%s\t%.1f\t%.2f\n",
		       names[k], label, w, names[0], w0, w / w0);
		printf("account check pam_unix %s: %s, CPU\t%.1f\tus/check\t%s\t%.1f\t%.2f\n",
		       names[k], label, c1, names[0], c0, c1 / c0);
	}
	fflush(stdout);
	for (k = 0; k < nstacks; k++) {
		free(wall[k]);
		free(cpu[k]);
	}
}

int main(int argc, char **argv)
{
	char svc[8192];
	char names[MAX_STACKS][80];
	int n, k, nstacks;

	if (argc < 5 || argv[1][0] != '/' || argv[2][0] != '/' || argc > 6 + MAX_STACKS - 2) {
		fprintf(stderr, "usage: %s /abs/pam_dockwarden.so /abs/policy.json GUARDED_USER OTHER_USER"
			" [N [/abs/reference_module.so...]]\n", argv[0]);
		return 2;
	}
	n = argc > 5 ? atoi(argv[5]) : 2000;
	if (n < 10)
		n = 10;
	nstacks = argc > 6 ? argc - 4 : 2;
	snprintf(dir, sizeof(dir), "/tmp/dwt-pam-bench.XXXXXX");
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	atexit(remove_dir);  /* also when a run fails and exits early */
	write_service("base", "account required pam_unix.so\n");
	snprintf(names[0], sizeof(names[0]), "pam_unix alone");
	/* the module under test, then reference modules (another build of it,
	 * or an empty module: what loading any module costs) */
	for (k = 1; k < nstacks; k++) {
		const char *mod = argv[k == 1 ? 1 : 4 + k];
		const char *slash = strrchr(mod, '/');
		char name[8];

		if (mod[0] != '/') {
			fprintf(stderr, "%s: module paths must be absolute\n", mod);
			return 2;
		}
		/* The module under test with its auth line and pamdir=, so that
		 * "no PAM auth ran" is evidence of a key (it reads this stack);
		 * reference builds as before (an older one knows no pamdir=). */
		if (k == 1)
			snprintf(svc, sizeof(svc),
				 "auth optional %s policy=%s pamdir=%s\n"
				 "account required pam_unix.so\naccount required %s policy=%s pamdir=%s\n",
				 mod, argv[2], dir, mod, argv[2], dir);
		else
			snprintf(svc, sizeof(svc), "account required pam_unix.so\naccount required %s policy=%s\n",
				 mod, argv[2]);
		snprintf(name, sizeof(name), k == 1 ? "with" : "ref%d", k - 1);
		write_service(name, svc);
		snprintf(names[k], sizeof(names[k]), "+ %.26s", slash != NULL ? slash + 1 : mod);
	}
	/* the module returns PAM_IGNORE for OTHER_USER; pam_unix decides */

	printf("pam_start -> pam_acct_mgmt -> pam_end, %d runs each, interleaved; (+x): over pam_unix alone\n", n);
	/* SSH_AUTH_INFO_0 is empty at account time for a one-method sshd login
	 * (see pam-module/pam_authinfo.c); no PAM auth ran and the auth line
	 * is in the stack: a key login. */
	run("guarded, allowed (key login)", argv[3], "127.0.0.1", "SSH_AUTH_INFO_0=", PAM_SUCCESS, n, nstacks, names);
	run("guarded, allowed (key listed)", argv[3], "127.0.0.1",
	    "SSH_AUTH_INFO_0=publickey ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBb8bqnK1oYl3XkE0KaJ5eUQ6pZrxmkNN0lSk8Jq2YQe\n",
	    PAM_SUCCESS, n, nstacks, names);
	run("guarded, denied (network)", argv[3], "192.0.2.1", "SSH_AUTH_INFO_0=", PAM_PERM_DENIED, n, nstacks, names);
	run("not guarded (PAM_IGNORE)", argv[4], "192.0.2.1", "SSH_AUTH_INFO_0=", PAM_SUCCESS, n, nstacks, names);

	return 0;
}
