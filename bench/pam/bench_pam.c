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
 * machine load hits both equally.  Not a test: prints numbers. */
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

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static double one(const char *service, const char *user, const char *rhost, const char *authinfo,
		  int *ret)
{
	pam_handle_t *pamh = NULL;
	double t0 = now_us();
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
	return now_us() - t0;
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

static void run(const char *label, const char *user, const char *rhost, const char *authinfo,
		int expect_with, int n)
{
	double *base = calloc((size_t)n, sizeof(double));
	double *with = calloc((size_t)n, sizeof(double));
	int i, r;

	if (base == NULL || with == NULL)
		exit(1);
	for (i = 0; i < 50; i++) {  /* warm up: page cache, NSS, dlopen paths */
		one("base", user, rhost, authinfo, &r);
		one("with", user, rhost, authinfo, &r);
	}
	for (i = 0; i < n; i++) {
		base[i] = one("base", user, rhost, authinfo, &r);
		if (r != PAM_SUCCESS) {
			fprintf(stderr, "%s: base stack returned %s\n", label, pam_strerror(NULL, r));
			exit(1);
		}
		with[i] = one("with", user, rhost, authinfo, &r);
		if (r != expect_with) {
			fprintf(stderr, "%s: stack with module returned %s, want %s\n", label,
				pam_strerror(NULL, r), pam_strerror(NULL, expect_with));
			exit(1);
		}
	}
	qsort(base, (size_t)n, sizeof(double), cmp);
	qsort(with, (size_t)n, sizeof(double), cmp);
	printf("%-34s base median %7.1f us p90 %7.1f | with median %7.1f us p90 %7.1f | overhead median %7.1f us\n",
	       label, pct(base, n, 0.5), pct(base, n, 0.9), pct(with, n, 0.5), pct(with, n, 0.9),
	       pct(with, n, 0.5) - pct(base, n, 0.5));
	free(base);
	free(with);
}

int main(int argc, char **argv)
{
	char svc[8192];
	int n;

	if (argc < 5 || argv[1][0] != '/' || argv[2][0] != '/') {
		fprintf(stderr, "usage: %s /abs/pam_dockwarden.so /abs/policy.json GUARDED_USER OTHER_USER [N]\n",
			argv[0]);
		return 2;
	}
	n = argc > 5 ? atoi(argv[5]) : 2000;
	if (n < 10)
		n = 10;
	snprintf(dir, sizeof(dir), "/tmp/dwt-pam-bench.XXXXXX");
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	write_service("base", "account required pam_unix.so\n");
	snprintf(svc, sizeof(svc), "account required pam_unix.so\naccount required %s policy=%s\n",
		 argv[1], argv[2]);
	write_service("with", svc);
	/* the module returns PAM_IGNORE for OTHER_USER; pam_unix decides */

	printf("pam_start -> pam_acct_mgmt -> pam_end, %d runs each, alternating\n", n);
	/* SSH_AUTH_INFO_0 is empty at account time for a one-method sshd login
	 * (see pam-module/pam_authinfo.c); no PAM auth ran: a key login. */
	run("guarded, allowed (key login)", argv[3], "127.0.0.1", "SSH_AUTH_INFO_0=", PAM_SUCCESS, n);
	run("guarded, allowed (key listed)", argv[3], "127.0.0.1",
	    "SSH_AUTH_INFO_0=publickey ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBb8bqnK1oYl3XkE0KaJ5eUQ6pZrxmkNN0lSk8Jq2YQe\n",
	    PAM_SUCCESS, n);
	run("guarded, denied (network)", argv[3], "192.0.2.1", "SSH_AUTH_INFO_0=", PAM_PERM_DENIED, n);
	run("not guarded (PAM_IGNORE)", argv[4], "192.0.2.1", "SSH_AUTH_INFO_0=", PAM_SUCCESS, n);

	{
		char cmd[128];

		snprintf(cmd, sizeof(cmd), "rm -rf -- '%s'", dir);
		if (system(cmd) != 0)
			fprintf(stderr, "could not remove %s\n", dir);
	}
	return 0;
}
