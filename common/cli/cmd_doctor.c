/* cmd_doctor.c - dockwarden doctor [--policy FILE] [--sshd-pam FILE]
 *
 * Answers the two questions an admin has after installing pam_dockwarden:
 *  1. Who can become root through a guarded group (default "docker") but is
 *     not trusted by the policy?  Members are primary (passwd gid) and
 *     supplementary (group member list), as the PAM module counts them.
 *  2. Does sshd's PAM stack actually run the module in the account phase,
 *     and does every stack of the same directory that runs it have what the
 *     module needs (dw_pamstack: the auth and session lines, nothing that
 *     skips them), with file and line?
 * Exit status: 0 nothing to report, 1 findings, 2 bad usage. */
#include <errno.h>
#include <grp.h>
#include <libgen.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "dw_config.h"
#include "dw_match.h"
#include "dw_pamstack.h"
#include "dw_policy.h"

#define DOCTOR_LINE_MAX 4096

static void print_diag(void *ctx, const char *file, int line, int col, const char *msg)
{
	(void)ctx;
	printf("  %s:%d:%d: %s\n", file, line, col, msg);
}

static bool is_trusted(const struct dw_policy *p, const char *user)
{
	const char *which = NULL;
	bool in = false;

	if (dw_strv_contains(&p->trusted_users, user))
		return true;
	/* An unreadable group database counts as "not trusted": report it. */
	if (dw_user_in_groups(user, &p->trusted_groups, &in, &which) < 0)
		return false;
	return in;
}

static int report_member(const struct dw_policy *p, const char *group, const char *user,
			 const char *how)
{
	if (is_trusted(p, user))
		return 0;
	printf("  untrusted member of guarded group %s: %s (%s)\n", group, user, how);
	return 1;
}

/* Untrusted members of one guarded group; returns the number found. */
static int check_group(const struct dw_policy *p, const char *name)
{
	struct group *gr;
	struct passwd *pw;
	gid_t gid;
	char **mem = NULL;
	size_t n = 0, i;
	int findings = 0;

	errno = 0;
	gr = getgrnam(name);
	if (gr == NULL) {
		if (errno != 0 && errno != ENOENT) {
			printf("  cannot read group %s: %s\n", name, strerror(errno));
			return 1;
		}
		printf("  guarded group %s does not exist on this host\n", name);
		return 0;
	}
	gid = gr->gr_gid;
	/* getgrnam's buffer is overwritten by later lookups: copy the members. */
	while (gr->gr_mem != NULL && gr->gr_mem[n] != NULL)
		n++;
	if (n > 0) {
		mem = calloc(n, sizeof(*mem));
		if (mem == NULL) {
			printf("  out of memory\n");
			return 1;
		}
		for (i = 0; i < n; i++) {
			mem[i] = strdup(gr->gr_mem[i]);
			if (mem[i] == NULL) {
				printf("  out of memory\n");
				findings = 1;
				goto out;
			}
		}
	}

	setpwent();
	while ((pw = getpwent()) != NULL) {
		if (pw->pw_gid == gid)
			findings += report_member(p, name, pw->pw_name, "primary group");
	}
	endpwent();
	for (i = 0; i < n; i++)
		findings += report_member(p, name, mem[i], "supplementary");
out:
	for (i = 0; mem != NULL && i < n; i++)
		free(mem[i]);
	free(mem);
	return findings;
}

/* A line of an included file (common-account) shows up in every service
 * that includes it: its finding is printed and counted once. */
#define DOCTOR_SEEN_MAX 64

struct finding_seen {
	char where[DOCTOR_SEEN_MAX][DOCTOR_LINE_MAX / 8];
	size_t n;
	int repeats;   /* findings of this service already printed for another */
};

static void print_finding(void *ctx, const char *file, unsigned int line, const char *msg)
{
	struct finding_seen *seen = ctx;
	char where[DOCTOR_LINE_MAX / 8];
	size_t i;

	if (file == NULL) {
		printf("  %s\n", msg);
		return;
	}
	snprintf(where, sizeof(where), "%s:%u", file, line);
	for (i = 0; line > 0 && i < seen->n; i++) {
		if (strcmp(seen->where[i], where) == 0) {
			printf("  %s: as above\n", where);
			seen->repeats++;
			return;
		}
	}
	if (line > 0 && seen->n < DOCTOR_SEEN_MAX)
		memcpy(seen->where[seen->n++], where, sizeof(where));
	printf("  %s: %s\n", where, msg);
}

/* One service's stack (dw_pamstack): is the module in the account phase,
 * enforced, and - with require_publickey - does it have what tells a key
 * from a password?  MUST_HOLD: report a stack without the account line. */
static int check_pam_service(const char *dir, const char *service, bool require_key,
			     bool must_hold, struct finding_seen *seen)
{
	struct dw_pamstack st;
	struct dw_pamstack_report r;
	int findings = 0;

	(void)dw_pamstack_load(dir, service, &st);
	dw_pamstack_analyse(&st, &r);
	if (r.hook[DW_PAMSTACK_ACCOUNT].at < 0 && !must_hold)
		goto out;
	printf("PAM stack %s/%s:\n", dir, service);
	if (r.hook[DW_PAMSTACK_ACCOUNT].at >= 0) {
		const struct dw_pamstack_entry *e = &st.v[r.hook[DW_PAMSTACK_ACCOUNT].at];

		printf("  account %s pam_dockwarden.so at %s:%u\n", e->control, e->file, e->line);
	}
	seen->repeats = 0;
	findings = dw_pamstack_findings(&st, &r, require_key, print_finding, seen);
	findings -= seen->repeats;
out:
	dw_pamstack_free(&st);
	return findings;
}

struct pam_dir_walk {
	const char *dir;
	const char *skip;   /* the service checked already */
	bool require_key;
	int findings;
	struct finding_seen *seen;
};

static int walk_service(void *ctx, const char *service)
{
	struct pam_dir_walk *w = ctx;

	/* common-*: Debian's include files, read through the services.  Key
	 * evidence matters only where sshd logs in (its service is named after
	 * its binary: sshd, or a copy such as sshd-second); local services
	 * (su, login, cron) get the account checks. */
	if (strcmp(service, w->skip) != 0 && strncmp(service, "common-", 7) != 0)
		w->findings += check_pam_service(w->dir, service,
						 w->require_key && strncmp(service, "sshd", 4) == 0,
						 false, w->seen);
	return 0;
}

/* sshd's stack must hold the account line; every other service of the
 * same directory that holds it must have what the module needs too. */
static int check_pam(const char *path, bool require_key)
{
	char dirbuf[DOCTOR_LINE_MAX], basebuf[DOCTOR_LINE_MAX];
	struct pam_dir_walk w;
	int rc;

	snprintf(dirbuf, sizeof(dirbuf), "%s", path);
	snprintf(basebuf, sizeof(basebuf), "%s", path);
	w.dir = dirname(dirbuf);
	w.skip = basename(basebuf);
	w.require_key = require_key;
	w.seen = calloc(1, sizeof(*w.seen));
	if (w.seen == NULL) {
		printf("  out of memory\n");
		return 1;
	}
	w.findings = check_pam_service(w.dir, w.skip, require_key, true, w.seen);
	rc = dw_pamstack_services(w.dir, walk_service, &w);
	if (rc < 0) {
		printf("  cannot list %s: %s\n", w.dir, strerror(-rc));
		w.findings++;
	}
	free(w.seen);
	return w.findings;
}

static void usage(void)
{
	fprintf(stderr, "usage: dockwarden doctor [--policy FILE] [--sshd-pam FILE]\n");
}

int cmd_doctor(int argc, char **argv)
{
	const char *policy_path = DW_DEFAULT_POLICY, *pam_path = "/etc/pam.d/sshd";
	struct dw_policy *p = NULL;
	int i, rc, findings = 0;
	size_t g;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--policy") == 0 && i + 1 < argc) {
			policy_path = argv[++i];
		} else if (strcmp(argv[i], "--sshd-pam") == 0 && i + 1 < argc) {
			pam_path = argv[++i];
		} else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			usage();
			return 0;
		} else {
			usage();
			return 2;
		}
	}

	/* The same flags as pam_dockwarden.so: what the doctor sees is what
	 * the module sees at login. */
	printf("policy %s:\n", policy_path);
	rc = dw_policy_load_file(policy_path, DW_POLICY_CHECK_OWNER | DW_POLICY_MISSING_OK,
				 print_diag, NULL, &p);
	if (rc < 0) {
		printf("  unusable (%s): pam_dockwarden denies every guarded user\n", strerror(-rc));
		findings++;
		rc = dw_policy_load_default(&p);
		if (rc < 0) {
			printf("  cannot load the built-in default policy: %s\n", strerror(-rc));
			return 1;
		}
		printf("  guarded groups below are the built-in default's\n");
	} else if (p->source != NULL && strcmp(p->source, policy_path) != 0) {
		printf("  file absent: built-in default in force (nobody trusted)\n");
	} else {
		printf("  loaded\n");
	}

	printf("guarded groups:");
	for (g = 0; g < p->pam.guarded_groups.n; g++)
		printf(" %s", p->pam.guarded_groups.v[g]);
	printf("%s\n", p->pam.guarded_groups.n == 0 ? " (none: the module guards nobody)" : "");
	for (g = 0; g < p->pam.guarded_groups.n; g++)
		findings += check_group(p, p->pam.guarded_groups.v[g]);

	findings += check_pam(pam_path, p->pam.require_publickey);

	dw_policy_unref(p);
	if (findings == 0)
		printf("nothing to report\n");
	else
		printf("%d finding%s\n", findings, findings == 1 ? "" : "s");
	return findings == 0 ? 0 : 1;
}
