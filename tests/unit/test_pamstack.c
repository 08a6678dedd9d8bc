/* test_pamstack.c - dw_pamstack: parsing stacks the way Linux-PAM does and
 * judging what they do with pam_dockwarden.so.  Files come from an
 * in-memory table through the reader callback; one case reads real files. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dw_pamstack.h"
#include "dw_test.h"

struct mem_file {
	const char *name;
	const char *text;
};

static const struct mem_file *files;

static int mem_read(void *ctx, const char *dir, const char *name, char **buf, size_t *len)
{
	const struct mem_file *f;

	(void)ctx;
	(void)dir;
	for (f = files; f->name != NULL; f++) {
		if (strcmp(f->name, name) == 0) {
			*buf = strdup(f->text);
			if (*buf == NULL)
				return -ENOMEM;
			*len = strlen(f->text);
			return 0;
		}
	}
	return -ENOENT;
}

/* Debian 12's common-* after pam-auth-update with the dockwarden profile. */
#define COMMON_AUTH                                                     \
	"auth\t[success=1 default=ignore]\tpam_unix.so nullok\n"        \
	"auth\trequisite\t\t\tpam_deny.so\n"                            \
	"auth\trequired\t\t\tpam_permit.so\n"                           \
	"auth\toptional\t\t\tpam_dockwarden.so\n"
#define COMMON_ACCOUNT                                                  \
	"account\t[success=1 new_authtok_reqd=done default=ignore]\tpam_unix.so\n" \
	"account\trequisite\t\t\tpam_deny.so\n"                         \
	"account\trequired\t\t\tpam_permit.so\n"                        \
	"account\trequired\t\t\tpam_dockwarden.so\n"
#define COMMON_SESSION                                                  \
	"session\t[default=1]\t\t\tpam_permit.so\n"                     \
	"session\trequisite\t\t\tpam_deny.so\n"                         \
	"session\trequired\t\t\tpam_permit.so\n"                        \
	"session\trequired\t\t\tpam_dockwarden.so\n"                    \
	"session\trequired\tpam_unix.so\n"
#define SSHD                                                            \
	"# comment\n@include common-auth\n"                             \
	"account    required     pam_nologin.so\n"                      \
	"@include common-account\n"                                     \
	"session [success=ok ignore=ignore module_unknown=ignore default=bad]        pam_selinux.so close\n" \
	"session    required     pam_loginuid.so\n"                     \
	"@include common-session\n"                                     \
	"session    required     pam_env.so user_readenv=1 envfile=/etc/default/locale\n" \
	"@include common-password\n"

static int build(const struct mem_file *fs, const char *service, struct dw_pamstack *st,
		 struct dw_pamstack_report *r)
{
	int rc;

	files = fs;
	rc = dw_pamstack_build("/etc/pam.d", service, mem_read, NULL, st);
	dw_pamstack_analyse(st, r);
	return rc;
}

static int count_findings;
static char last_finding[600];

static void on_finding(void *ctx, const char *file, unsigned int line, const char *msg)
{
	(void)ctx;
	count_findings++;
	if (file == NULL)
		snprintf(last_finding, sizeof(last_finding), "%s", msg);
	else
		snprintf(last_finding, sizeof(last_finding), "%s:%u: %s", file, line, msg);
	printf("    finding %s\n", last_finding);
}

static void test_debian_profile(void)
{
	const struct mem_file fs[] = {
		{ "sshd", SSHD }, { "common-auth", COMMON_AUTH }, { "common-account", COMMON_ACCOUNT },
		{ "common-session", COMMON_SESSION }, { "common-password", "password required pam_unix.so\n" },
		{ NULL, NULL },
	};
	struct dw_pamstack st;
	struct dw_pamstack_report r;
	char buf[512];

	CHECK_EQ_INT(build(fs, "sshd", &st, &r), 0);
	CHECK(r.auth_hook_ok);
	CHECK(r.session_check_ok);
	/* Debian's pam_unix account line ends the stack on an expired
	 * password (new_authtok_reqd=done), before the Additional block */
	CHECK(!r.account_ok);
	CHECK_EQ_INT(r.env_forge, -1);
	CHECK(r.hook[DW_PAMSTACK_AUTH].at >= 0);
	if (r.hook[DW_PAMSTACK_AUTH].at >= 0) {
		CHECK_EQ_STR(st.v[r.hook[DW_PAMSTACK_AUTH].at].file, "/etc/pam.d/common-auth");
		CHECK_EQ_INT(st.v[r.hook[DW_PAMSTACK_AUTH].at].line, 4);
	}
	if (r.hook[DW_PAMSTACK_SESSION].at >= 0)
		CHECK_EQ_INT(st.v[r.hook[DW_PAMSTACK_SESSION].at].line, 4);
	CHECK_EQ_INT(dw_pamstack_missing(&st, &r, buf, sizeof(buf)), 0);
	/* the enforced session line decides when that line ends the stack */
	count_findings = 0;
	CHECK_EQ_INT(dw_pamstack_findings(&st, &r, true, on_finding, NULL), 0);
	dw_pamstack_free(&st);
}

/* The same without the session line: the skip is a finding, with its fix. */
static void test_debian_no_session(void)
{
	const struct mem_file fs[] = {
		{ "sshd", SSHD }, { "common-auth", COMMON_AUTH }, { "common-account", COMMON_ACCOUNT },
		{ "common-session", "session required pam_unix.so\n" },
		{ "common-password", "password required pam_unix.so\n" },
		{ NULL, NULL },
	};
	struct dw_pamstack st;
	struct dw_pamstack_report r;

	CHECK_EQ_INT(build(fs, "sshd", &st, &r), 0);
	CHECK(!r.session_check_ok);
	last_finding[0] = '\0';
	CHECK(dw_pamstack_findings(&st, &r, false, on_finding, NULL) >= 1);
	CHECK(strstr(last_finding, "/etc/pam.d/common-account:1: ") == last_finding);
	CHECK(strstr(last_finding, "password has expired") != NULL);
	CHECK(strstr(last_finding, "add \"session required pam_dockwarden.so\"") != NULL);
	dw_pamstack_free(&st);
}

static void test_account_only(void)
{
	const struct mem_file fs[] = {
		{ "svc", "auth required pam_unix.so\n"
			 "account required /usr/lib/x86_64-linux-gnu/security/pam_dockwarden.so policy=/etc/p.json\n"
			 "account required pam_unix.so\nsession required pam_unix.so\n" },
		{ NULL, NULL },
	};
	struct dw_pamstack st;
	struct dw_pamstack_report r;
	char buf[512];

	CHECK_EQ_INT(build(fs, "svc", &st, &r), 0);
	CHECK(!r.auth_hook_ok);
	CHECK(!r.session_check_ok);
	CHECK(r.account_ok);
	CHECK(dw_pamstack_missing(&st, &r, buf, sizeof(buf)) > 0);
	CHECK(strstr(buf, "no auth line and no session line in service svc") != NULL);
	CHECK(strchr(buf, '"') == NULL);  /* audit would hex-encode it */
	count_findings = 0;
	CHECK_EQ_INT(dw_pamstack_findings(&st, &r, true, on_finding, NULL), 2);
	CHECK(strstr(last_finding, "svc:0: no \"session required pam_dockwarden.so\"") != NULL);
	/* without require_publickey the account line is all the module needs */
	CHECK_EQ_INT(dw_pamstack_findings(&st, &r, false, on_finding, NULL), 0);
	dw_pamstack_free(&st);
}

static void test_skips(void)
{
	const struct mem_file fs[] = {
		{ "suff", "auth sufficient pam_unix.so\nauth optional pam_dockwarden.so\n" },
		{ "jump2", "auth [success=2 default=ignore] pam_unix.so\nauth requisite pam_deny.so\n"
			   "auth optional pam_dockwarden.so\n" },
		{ "jump1", "auth [success=1 default=ignore] pam_unix.so\nauth requisite pam_deny.so\n"
			   "auth optional pam_dockwarden.so\n" },
		{ "done", "auth [success=done default=ignore] pam_unix.so\nauth optional pam_dockwarden.so\n" },
		/* a substack counts as one module for a jump, and its "done"
		 * ends only the substack */
		{ "sub", "auth substack inner\nauth optional pam_dockwarden.so\n" },
		{ "inner", "auth sufficient pam_unix.so\nauth requisite pam_deny.so\n" },
		{ "jumpsub", "auth [success=1 default=ignore] pam_unix.so\nauth substack inner\n"
			     "auth optional pam_dockwarden.so\n" },
		{ "inside", "auth substack inner2\n" },
		{ "inner2", "auth sufficient pam_unix.so\nauth optional pam_dockwarden.so\n" },
		/* the hook first: reached whatever follows */
		{ "first", "auth optional pam_dockwarden.so\nauth sufficient pam_unix.so\n" },
		{ NULL, NULL },
	};
	const struct {
		const char *svc;
		bool ok;
		unsigned int skip_line;
	} cases[] = {
		{ "suff", false, 1 }, { "jump2", false, 1 }, { "jump1", true, 0 }, { "done", false, 1 },
		{ "sub", true, 0 }, { "jumpsub", true, 0 }, { "inside", false, 1 }, { "first", true, 0 },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct dw_pamstack st;
		struct dw_pamstack_report r;
		int sk;

		CHECK_EQ_INT(build(fs, cases[i].svc, &st, &r), 0);
		sk = r.hook[DW_PAMSTACK_AUTH].skipped_by;
		if (r.auth_hook_ok != cases[i].ok)
			fprintf(stderr, "case %s\n", cases[i].svc);
		CHECK(r.auth_hook_ok == cases[i].ok);
		if (!cases[i].ok) {
			CHECK(sk >= 0);
			if (sk >= 0)
				CHECK_EQ_INT(st.v[sk].line, cases[i].skip_line);
		}
		dw_pamstack_free(&st);
	}
}

static void test_session(void)
{
	const struct mem_file fs[] = {
		{ "opt", "session optional pam_dockwarden.so\n" },
		{ "req", "session requisite pam_dockwarden.so\n" },
		{ "envfirst", "session required pam_env.so user_readenv=1\nsession required pam_dockwarden.so\n" },
		{ "envauth", "auth required pam_env.so user_readenv=1\nsession required pam_dockwarden.so\n" },
		{ "envsafe", "session required pam_env.so user_readenv=0\nsession required pam_dockwarden.so\n" },
		{ "optsub", "session optional substack s2\n" },
		{ "s2", "session required pam_dockwarden.so\n" },
		{ NULL, NULL },
	};
	const struct {
		const char *svc;
		bool ok;
	} cases[] = {
		{ "opt", false }, { "req", true }, { "envfirst", false }, { "envauth", false },
		{ "envsafe", true }, { "optsub", false },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct dw_pamstack st;
		struct dw_pamstack_report r;

		CHECK_EQ_INT(build(fs, cases[i].svc, &st, &r), 0);
		if (r.session_check_ok != cases[i].ok)
			fprintf(stderr, "case %s\n", cases[i].svc);
		CHECK(r.session_check_ok == cases[i].ok);
		dw_pamstack_free(&st);
	}
}

static void test_syntax(void)
{
	const struct mem_file fs[] = {
		/* "account include" takes only the account lines of the file */
		{ "inc", "account include both\nAUTH Optional pam_dockwarden.so\n" },
		{ "both", "auth sufficient pam_unix.so\naccount required pam_dockwarden.so\n" },
		/* continuation lines, comments, "-session" */
		{ "cont", "# auth optional pam_dockwarden.so\n"
			  "auth optional \\\n  pam_dockwarden.so # trailing\n"
			  "-session required pam_dockwarden.so\n" },
		{ "loop", "@include loop\n" },
		{ "missing", "auth required pam_unix.so\n@include nothere\n" },
		{ "badname", "@include ../etc/shadow\n" },
		{ NULL, NULL },
	};
	struct dw_pamstack st;
	struct dw_pamstack_report r;

	CHECK_EQ_INT(build(fs, "inc", &st, &r), 0);
	CHECK_EQ_INT(st.n, 2);
	CHECK(r.auth_hook_ok);  /* the "auth sufficient" of "both" was not taken */
	CHECK(r.account_ok);
	dw_pamstack_free(&st);

	CHECK_EQ_INT(build(fs, "cont", &st, &r), 0);
	CHECK_EQ_INT(st.n, 2);
	CHECK(r.auth_hook_ok);
	CHECK(r.session_check_ok);
	if (r.hook[DW_PAMSTACK_SESSION].at >= 0)
		CHECK_EQ_INT(st.v[r.hook[DW_PAMSTACK_SESSION].at].line, 4);
	dw_pamstack_free(&st);

	CHECK_EQ_INT(build(fs, "loop", &st, &r), -ELOOP);
	CHECK(strstr(st.problem, "/etc/pam.d/loop:1: includes nested deeper") != NULL);
	dw_pamstack_free(&st);

	CHECK_EQ_INT(build(fs, "missing", &st, &r), -ENOENT);
	CHECK(strstr(st.problem, "/etc/pam.d/missing:2: cannot read /etc/pam.d/nothere") != NULL);
	CHECK_EQ_INT(st.n, 1);
	dw_pamstack_free(&st);

	CHECK_EQ_INT(build(fs, "badname", &st, &r), -EINVAL);
	dw_pamstack_free(&st);
	CHECK_EQ_INT(build(fs, "../x", &st, &r), -EINVAL);
	dw_pamstack_free(&st);
	CHECK_EQ_INT(build(fs, "nosuch", &st, &r), -ENOENT);
	count_findings = 0;
	CHECK(dw_pamstack_findings(&st, &r, true, on_finding, NULL) >= 2);
	dw_pamstack_free(&st);
}

static int collect(void *ctx, const char *service)
{
	int *n = ctx;

	if (strcmp(service, "a") == 0 || strcmp(service, "b") == 0)
		(*n)++;
	else
		*n += 100;
	return 0;
}

/* Real files: dw_pamstack_load and dw_pamstack_services. */
static void test_files(void)
{
	char dir[] = "/tmp/dwt-pamstack.XXXXXX", path[128];
	struct dw_pamstack st;
	struct dw_pamstack_report r;
	FILE *f;
	int n = 0;

	if (mkdtemp(dir) == NULL) {
		CHECK(!"mkdtemp");
		return;
	}
	snprintf(path, sizeof(path), "%s/a", dir);
	f = fopen(path, "w");
	if (f != NULL) {
		fputs("@include b\naccount required pam_dockwarden.so\n", f);
		fclose(f);
	}
	snprintf(path, sizeof(path), "%s/b", dir);
	f = fopen(path, "w");
	if (f != NULL) {
		fputs("auth optional pam_dockwarden.so\n", f);
		fclose(f);
	}
	snprintf(path, sizeof(path), "%s/a.dpkg-old", dir);
	f = fopen(path, "w");
	if (f != NULL)
		fclose(f);
	CHECK_EQ_INT(dw_pamstack_load(dir, "a", &st), 0);
	dw_pamstack_analyse(&st, &r);
	CHECK(r.auth_hook_ok);
	CHECK(r.account_ok);
	dw_pamstack_free(&st);
	CHECK_EQ_INT(dw_pamstack_services(dir, collect, &n), 0);
	CHECK_EQ_INT(n, 2);
	snprintf(path, sizeof(path), "rm -rf -- '%s'", dir);
	CHECK_EQ_INT(system(path), 0);
	CHECK_EQ_INT(dw_pamstack_services(dir, collect, &n), -ENOENT);
}

int main(void)
{
	test_debian_profile();
	test_debian_no_session();
	test_account_only();
	test_skips();
	test_session();
	test_syntax();
	test_files();
	return dw_test_done();
}
