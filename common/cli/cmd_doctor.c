/* cmd_doctor.c - dockwarden doctor [--policy FILE] [--sshd-pam FILE]
 *
 * Answers the two questions an admin has after installing pam_dockwarden:
 *  1. Who can become root through a guarded group (default "docker") but is
 *     not trusted by the policy?  Members are primary (passwd gid) and
 *     supplementary (group member list), as the PAM module counts them.
 *  2. Does sshd's PAM stack actually run the module in the account phase?
 *     /etc/pam.d/sshd is read following "@include FILE" and
 *     "account include|substack FILE" like Linux-PAM does.
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
#include "dw_policy.h"

#define DOCTOR_MAX_DEPTH 8
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

struct pam_hit {
	char where[DOCTOR_LINE_MAX + 64];
	char control[128];
	bool found;
};

/* Split the next whitespace-separated word of *S; a "[...]" control value
 * is one word even with spaces inside.  Returns NULL at the end. */
static char *next_word(char **s)
{
	char *p = *s, *start;

	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '\0')
		return NULL;
	start = p;
	if (*p == '[') {
		while (*p != '\0' && *p != ']')
			p++;
		if (*p == ']')
			p++;
	} else {
		while (*p != '\0' && *p != ' ' && *p != '\t')
			p++;
	}
	if (*p != '\0')
		*p++ = '\0';
	*s = p;
	return start;
}

static int scan_pam_file(const char *path, int depth, struct pam_hit *hit);

static int scan_include(const char *from, const char *name, int depth, struct pam_hit *hit)
{
	char dirbuf[DOCTOR_LINE_MAX], path[DOCTOR_LINE_MAX * 2];

	if (name[0] == '/') {
		snprintf(path, sizeof(path), "%s", name);
	} else {
		snprintf(dirbuf, sizeof(dirbuf), "%s", from);
		snprintf(path, sizeof(path), "%s/%s", dirname(dirbuf), name);
	}
	return scan_pam_file(path, depth + 1, hit);
}

static int scan_pam_file(const char *path, int depth, struct pam_hit *hit)
{
	char line[DOCTOR_LINE_MAX];
	FILE *f;
	int lineno = 0, rc = 0;

	if (depth > DOCTOR_MAX_DEPTH) {
		printf("  %s: includes nested deeper than %d, not followed\n", path, DOCTOR_MAX_DEPTH);
		return -ELOOP;
	}
	f = fopen(path, "re");
	if (f == NULL) {
		rc = -errno;
		printf("  cannot read %s: %s\n", path, strerror(-rc));
		return rc;
	}
	while (fgets(line, sizeof(line), f) != NULL && !hit->found) {
		char *s = line, *type, *control, *module, *hash;

		lineno++;
		line[strcspn(line, "\r\n")] = '\0';
		hash = strchr(line, '#');
		if (hash != NULL)
			*hash = '\0';
		type = next_word(&s);
		if (type == NULL)
			continue;
		if (strcmp(type, "@include") == 0) {
			module = next_word(&s);
			if (module != NULL)
				(void)scan_include(path, module, depth, hit);
			continue;
		}
		if (type[0] == '-')
			type++;  /* "-account": skip silently if the module is missing */
		if (strcmp(type, "account") != 0)
			continue;
		control = next_word(&s);
		module = next_word(&s);
		if (control == NULL || module == NULL)
			continue;
		if (strcmp(control, "include") == 0 || strcmp(control, "substack") == 0) {
			(void)scan_include(path, module, depth, hit);
			continue;
		}
		{
			const char *base = strrchr(module, '/');

			base = base != NULL ? base + 1 : module;
			if (strcmp(base, "pam_dockwarden.so") == 0) {
				hit->found = true;
				snprintf(hit->where, sizeof(hit->where), "%s:%d", path, lineno);
				snprintf(hit->control, sizeof(hit->control), "%s", control);
			}
		}
	}
	fclose(f);
	return rc;
}

/* Is the module in the account stack, with a control that enforces it? */
static int check_pam(const char *path)
{
	struct pam_hit hit;

	memset(&hit, 0, sizeof(hit));
	printf("sshd PAM stack %s:\n", path);
	(void)scan_pam_file(path, 0, &hit);
	if (!hit.found) {
		printf("  no \"account required pam_dockwarden.so\" line: logins are not checked\n");
		return 1;
	}
	if (strcmp(hit.control, "optional") == 0 || strcmp(hit.control, "sufficient") == 0) {
		printf("  pam_dockwarden.so at %s is \"%s\": its denials are not enforced "
		       "(use \"required\")\n", hit.where, hit.control);
		return 1;
	}
	printf("  account %s pam_dockwarden.so at %s\n", hit.control, hit.where);
	return 0;
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

	findings += check_pam(pam_path);

	dw_policy_unref(p);
	if (findings == 0)
		printf("nothing to report\n");
	else
		printf("%d finding%s\n", findings, findings == 1 ? "" : "s");
	return findings == 0 ? 0 : 1;
}
