/* test_pam_module.c - pam_dockwarden.so through the real Linux-PAM.
 *
 * Like Linux-PAM's own tests/tst-pam_*-retval.c: a service file is generated
 * in a private directory and opened with pam_start_confdir(); the module is
 * loaded by absolute path from the build tree; PAM_RHOST and the PAM
 * environment (SSH_CONNECTION, SSH_AUTH_INFO_0) are set the way sshd sets
 * them before pam_acct_mgmt().
 *
 * Each stack line is followed by pam_debug.so returning PAM_CRED_INSUFFICIENT,
 * reached only when our module returned PAM_IGNORE; so the value
 * pam_acct_mgmt() returns tells exactly what the module returned:
 *   account [success=done ignore=ignore default=die] MODULE policy=FILE
 *   account required pam_debug.so acct=cred_insufficient
 *
 * The test users/groups (dwt_u_*, dwt_docker, dwt_admins; dwt_u_erin and
 * dwt_u_frank in the real "docker" group) are created by
 * run_pam_module.sh, which also removes them.
 *
 * syslog(3) is interposed by this executable (export_dynamic), so the
 * module's log lines are captured and checked: one line per decision about
 * a guarded user, none otherwise.  audit_open(3) is interposed to report
 * "no audit in this kernel", which both libpam and the module handle by
 * carrying on: unit tests write nothing to the real audit log (the audit
 * records are checked by the e2e test through a real auditd). */
/* The syslog() interposers below must define the real symbols, not the
 * fortify wrappers <syslog.h> would turn them into. */
#undef _FORTIFY_SOURCE

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include <security/pam_appl.h>

/* PAM_CRED_INSUFFICIENT from pam_debug.so: the module said PAM_IGNORE. */
#define IGNORED PAM_CRED_INSUFFICIENT

/* ---- syslog capture ---- */

#define MAX_LINES 64
static char captured[MAX_LINES][2048];
static int captured_prio[MAX_LINES];
static int n_captured;

void vsyslog(int prio, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
void syslog(int prio, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void __vsyslog_chk(int prio, int flag, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));
void __syslog_chk(int prio, int flag, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int audit_open(void);

void vsyslog(int prio, const char *fmt, va_list ap)
{
	if (n_captured < MAX_LINES) {
		vsnprintf(captured[n_captured], sizeof(captured[0]), fmt, ap);
		captured_prio[n_captured] = prio;
		n_captured++;
	}
}

void syslog(int prio, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsyslog(prio, fmt, ap);
	va_end(ap);
}

void __vsyslog_chk(int prio, int flag, const char *fmt, va_list ap)
{
	vsyslog(prio, fmt, ap);
}

void __syslog_chk(int prio, int flag, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsyslog(prio, fmt, ap);
	va_end(ap);
}

int audit_open(void)
{
	errno = EPROTONOSUPPORT;
	return -1;
}

/* ---- fixture ---- */

static char dir[64];
static const char *module;
static int failures, checks;

static const struct pam_conv conv = { NULL, NULL };

static const char *trusted_json =
	"\"trusted\": {\"users\": [\"dwt_u_alice\", \"dwt_u_erin\"], \"groups\": [\"dwt_admins\"],"
	" \"networks\": [\"127.0.0.0/8\", \"::1/128\", \"10.20.0.0/16\"]}";

static void write_file(const char *name, const char *content, mode_t mode)
{
	char path[256];
	int fd;
	size_t len = strlen(content);

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || write(fd, content, len) != (ssize_t)len || fchmod(fd, mode) < 0) {
		perror(path);
		exit(99);
	}
	close(fd);
}

/* A policy file NAME.json with PAM_SECTION, and a service NAME using it. */
static void make_service(const char *name, const char *policy_body, mode_t mode,
			 const char *module_args)
{
	char buf[4096], svc[4096];

	if (policy_body != NULL) {
		snprintf(buf, sizeof(buf), "%s.json", name);
		write_file(buf, policy_body, mode);
	}
	{
		/* each phase: our module, then the PAM_IGNORE sentinel */
		static const char *const phases[][2] = {
			{ "auth", "auth=cred_insufficient cred=cred_insufficient" },
			{ "account", "acct=cred_insufficient" },
			{ "password", "prechauthtok=cred_insufficient chauthtok=cred_insufficient" },
			{ "session", "open_session=cred_insufficient close_session=cred_insufficient" },
		};
		size_t k, off = 0;

		svc[0] = '\0';
		/* pamdir=: the module reads this stack to know its auth line is
		 * there (libpam does not say which directory it used) */
		for (k = 0; k < sizeof(phases) / sizeof(phases[0]); k++)
			off += (size_t)snprintf(svc + off, sizeof(svc) - off,
						"%s [success=done ignore=ignore default=die] %s %s pamdir=%s\n"
						"%s required pam_debug.so %s\n",
						phases[k][0], module, module_args, dir, phases[k][0],
						phases[k][1]);
	}
	write_file(name, svc, 0644);
}

static void policy_service(const char *name, const char *pam_section, bool with_trusted)
{
	char body[2048], args[512];

	snprintf(body, sizeof(body), "{%s%s \"pam\": {%s}}\n", with_trusted ? trusted_json : "",
		 with_trusted ? "," : "", pam_section);
	snprintf(args, sizeof(args), "policy=%s/%s.json", dir, name);
	make_service(name, body, 0644, args);
}

static int count_lines(const char *needle)
{
	int i, n = 0;

	for (i = 0; i < n_captured; i++)
		if (strstr(captured[i], needle) != NULL)
			n++;
	return n;
}

/* Lines of ours not logged to facility LOG_AUTHPRIV. */
static int count_wrong_facility(void)
{
	int i, n = 0;

	for (i = 0; i < n_captured; i++)
		if (strstr(captured[i], "dockwarden-pam") != NULL &&
		    (captured_prio[i] & LOG_FACMASK) != LOG_AUTHPRIV)
			n++;
	return n;
}

static void dump_lines(void)
{
	int i;

	for (i = 0; i < n_captured; i++)
		fprintf(stderr, "    syslog: %s\n", captured[i]);
}

struct acase {
	const char *name;
	const char *service;
	const char *user;        /* NULL: no PAM_USER */
	const char *rhost;       /* NULL: not set */
	const char *sshconn;     /* NULL: not set */
	const char *authinfo;    /* NULL: not set */
	int expect;
	const char *rule;        /* expected rule= in the one log line; NULL: no log line */
	int pamauth;             /* PAM authentication in this handle, as sshd's password
				  * and keyboard-interactive methods do: 0 none (publickey),
				  * 1 pam_authenticate() through the stack.  (PAM_AUTHTOK, the
				  * other signal, can only be set by a module, not from here.) */
};

static const char *ret_name(int r)
{
	return r == IGNORED ? "PAM_IGNORE (pam_debug sentinel)" : pam_strerror(NULL, r);
}

static pam_handle_t *start(const char *service, const char *user, const char *rhost,
			   const char *sshconn, const char *authinfo, int pamauth)
{
	pam_handle_t *pamh = NULL;
	char env[80000];
	int r;

	r = pam_start_confdir(service, user, &conv, dir, &pamh);
	if (r != PAM_SUCCESS) {
		fprintf(stderr, "pam_start_confdir(%s): %s\n", service, pam_strerror(pamh, r));
		exit(99);
	}
	if (rhost != NULL && pam_set_item(pamh, PAM_RHOST, rhost) != PAM_SUCCESS)
		exit(99);
	if (sshconn != NULL) {
		snprintf(env, sizeof(env), "SSH_CONNECTION=%s", sshconn);
		if (pam_putenv(pamh, env) != PAM_SUCCESS)
			exit(99);
	}
	if (authinfo != NULL) {
		snprintf(env, sizeof(env), "SSH_AUTH_INFO_0=%s", authinfo);
		if (pam_putenv(pamh, env) != PAM_SUCCESS)
			exit(99);
	}
	if (pamauth == 1 && pam_authenticate(pamh, 0) != IGNORED) {
		fprintf(stderr, "pam_authenticate did not reach the pam_debug sentinel\n");
		exit(99);
	}
	return pamh;
}

static void run_case(const struct acase *c)
{
	pam_handle_t *pamh;
	char needle[256];
	int r, ok = 1;

	n_captured = 0;
	pamh = start(c->service, c->user, c->rhost, c->sshconn, c->authinfo, c->pamauth);
	r = pam_acct_mgmt(pamh, 0);
	pam_end(pamh, r);

	checks++;
	if (r != c->expect) {
		fprintf(stderr, "FAIL %s: pam_acct_mgmt = %s, want %s\n", c->name, ret_name(r),
			ret_name(c->expect));
		ok = 0;
	}
	if (c->rule != NULL) {
		const bool allow = c->expect == PAM_SUCCESS;

		snprintf(needle, sizeof(needle), "decision=%s", allow ? "allow" : "deny");
		if (count_lines("dockwarden-pam") != 1 || count_lines(needle) != 1) {
			fprintf(stderr, "FAIL %s: want exactly one dockwarden-pam line with %s\n",
				c->name, needle);
			ok = 0;
		}
		snprintf(needle, sizeof(needle), "rule=%s", c->rule);
		if (count_lines(needle) != 1) {
			fprintf(stderr, "FAIL %s: no log line with %s\n", c->name, needle);
			ok = 0;
		}
		if (c->user != NULL) {
			snprintf(needle, sizeof(needle), "user=%s", c->user);
			if (count_lines(needle) != 1) {
				fprintf(stderr, "FAIL %s: no log line with %s\n", c->name, needle);
				ok = 0;
			}
		}
		snprintf(needle, sizeof(needle), "service=%s", c->service);
		if (count_lines(needle) != 1) {
			fprintf(stderr, "FAIL %s: no log line with %s\n", c->name, needle);
			ok = 0;
		}
		if (count_wrong_facility() != 0) {
			fprintf(stderr, "FAIL %s: logged to a facility other than LOG_AUTHPRIV\n", c->name);
			ok = 0;
		}
	} else if (count_lines("dockwarden-pam") != 0) {
		fprintf(stderr, "FAIL %s: want no dockwarden-pam log line\n", c->name);
		ok = 0;
	}
	if (c->user != NULL && c->user[0] != '\0' && c->expect == PAM_USER_UNKNOWN &&
	    count_lines(c->user) != 0) {
		fprintf(stderr, "FAIL %s: unknown user name was logged\n", c->name);
		ok = 0;
	}
	if (!ok) {
		dump_lines();
		failures++;
	} else {
		printf("ok %s\n", c->name);
	}
}

/* SSH_AUTH_INFO_0 lines: methods completed before the current one */
#define PK "publickey ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBb8bqnK1oYl3XkE0KaJ5eUQ6pZrxmkNN0lSk8Jq2YQe\n"
#define PW "password\n"
#define KI "keyboard-interactive/pam\n"
#define IN4 "127.0.0.1"
#define OUT4 "192.0.2.10"
#define C_IN4 "10.20.5.6 50122 10.20.0.1 22"
#define C_OUT4 "198.51.100.7 50122 10.20.0.1 22"
#define C_IN6 "::1 41000 ::1 22"
#define C_OUT6 "2001:db8::5 41000 2001:db8::1 22"

static void other_phases(void)
{
	pam_handle_t *pamh;
	int r;

	/* auth, setcred, chauthtok: PAM_IGNORE for anyone */
	n_captured = 0;
	pamh = start("base", "dwt_u_alice", IN4, NULL, PK, 0);
	r = pam_authenticate(pamh, 0);
	checks++;
	if (r != IGNORED) {
		fprintf(stderr, "FAIL auth: %s\n", ret_name(r));
		failures++;
	}
	r = pam_setcred(pamh, PAM_ESTABLISH_CRED);
	checks++;
	if (r != IGNORED) {
		fprintf(stderr, "FAIL setcred: %s\n", ret_name(r));
		failures++;
	}
	r = pam_chauthtok(pamh, 0);
	checks++;
	if (r != IGNORED) {
		fprintf(stderr, "FAIL chauthtok: %s\n", ret_name(r));
		failures++;
	}
	/* session of a guarded user whose account line did not run in this
	 * handle: the account decision is made (and logged) at session open */
	r = pam_open_session(pamh, 0);
	checks++;
	if (r != PAM_SUCCESS || count_lines("session=open") != 1 ||
	    count_lines("decision=allow rule=trusted_user phase=session") != 1 ||
	    count_lines("the account line did not run") != 1) {
		fprintf(stderr, "FAIL session open without account: %s\n", ret_name(r));
		dump_lines();
		failures++;
	}
	r = pam_close_session(pamh, 0);
	checks++;
	if (r != PAM_SUCCESS || count_lines("session=close") != 1) {
		fprintf(stderr, "FAIL session close: %s\n", ret_name(r));
		dump_lines();
		failures++;
	}
	pam_end(pamh, r);
	if (count_lines("dockwarden-pam") != 3) {
		fprintf(stderr, "FAIL: auth/setcred/chauthtok/session: want 3 dockwarden-pam lines\n");
		dump_lines();
		failures++;
	}

	/* after the account line, session open only logs the session */
	n_captured = 0;
	pamh = start("base", "dwt_u_alice", IN4, NULL, PK, 0);
	r = pam_acct_mgmt(pamh, 0);
	checks++;
	if (r != PAM_SUCCESS) {
		fprintf(stderr, "FAIL account of alice: %s\n", ret_name(r));
		failures++;
	}
	r = pam_open_session(pamh, 0);
	checks++;
	if (r != PAM_SUCCESS || count_lines("decision=") != 1 || count_lines("phase=account") != 1 ||
	    count_lines("session=open") != 1) {
		fprintf(stderr, "FAIL session open after account: %s\n", ret_name(r));
		dump_lines();
		failures++;
	}
	pam_end(pamh, r);

	/* an untrusted guarded user whose account line was skipped (as
	 * pam_unix's new_authtok_reqd=done skips it for an expired password)
	 * gets no session */
	n_captured = 0;
	pamh = start("base", "dwt_u_carol", IN4, NULL, PK, 0);
	r = pam_open_session(pamh, 0);
	checks++;
	if (r != PAM_SESSION_ERR || count_lines("decision=deny rule=trust phase=session") != 1 ||
	    count_lines("session=open") != 0) {
		fprintf(stderr, "FAIL session of carol without account: %s\n", ret_name(r));
		dump_lines();
		failures++;
	}
	pam_end(pamh, r);

	/* session of a user outside the guarded groups: ignored, not logged */
	n_captured = 0;
	pamh = start("base", "dwt_u_dave", IN4, NULL, PW, 0);
	r = pam_open_session(pamh, 0);
	checks++;
	if (r != IGNORED || count_lines("dockwarden-pam") != 0) {
		fprintf(stderr, "FAIL session of dave: %s\n", ret_name(r));
		dump_lines();
		failures++;
	}
	r = pam_close_session(pamh, 0);
	pam_end(pamh, r);
	printf("ok other phases\n");
}

/* The expired-password user on Debian's account stack: pam_acct_mgmt ends
 * before our line (PAM_NEW_AUTHTOK_REQD), and the session line refuses. */
static void skipped_account(void)
{
	pam_handle_t *pamh;
	int r;

	n_captured = 0;
	pamh = start("debacct", "dwt_u_gina", IN4, NULL, PK, 0);
	r = pam_acct_mgmt(pamh, 0);
	checks++;
	if (r != PAM_NEW_AUTHTOK_REQD || count_lines("decision=") != 0) {
		fprintf(stderr, "FAIL debacct account of gina: %s (want the stack to end before us)\n",
			ret_name(r));
		dump_lines();
		failures++;
	}
	r = pam_open_session(pamh, 0);
	checks++;
	if (r != PAM_SESSION_ERR || count_lines("user=dwt_u_gina") != 1 ||
	    count_lines("decision=deny rule=trust phase=session") != 1) {
		fprintf(stderr, "FAIL debacct session of gina: %s\n", ret_name(r));
		dump_lines();
		failures++;
	}
	pam_end(pamh, r);
	printf("ok skipped account line: session refused\n");
}

int main(int argc, char **argv)
{
	char big[70000], longhost[600];
	const char *bad_args[1];
	const struct acase *c;
	size_t i;

	if (argc != 2 || argv[1][0] != '/') {
		fprintf(stderr, "usage: %s /abs/path/pam_dockwarden.so\n", argv[0]);
		return 99;
	}
	if (geteuid() != 0) {
		fprintf(stderr, "SKIP: needs root (policy files must be root-owned)\n");
		return 77;
	}
	module = argv[1];
	snprintf(dir, sizeof(dir), "/tmp/dwt-pam-unit.XXXXXX");
	if (mkdtemp(dir) == NULL || chmod(dir, 0755) < 0) {
		perror("mkdtemp");
		return 99;
	}

	/* libpam reads "other" when it builds a handle: keep it quiet */
	write_file("other", "account required pam_deny.so\n", 0644);
	policy_service("base", "\"guarded_groups\": [\"dwt_docker\", \"docker\"], "
		       "\"require_publickey\": true, \"allow_local\": true", true);
	policy_service("nolocal", "\"guarded_groups\": [\"dwt_docker\"], \"allow_local\": false", true);
	policy_service("nokeys", "\"guarded_groups\": [\"dwt_docker\"], \"require_publickey\": false", true);
	policy_service("resolve", "\"guarded_groups\": [\"dwt_docker\"], \"resolve_hostnames\": true", true);
	/* default guarded group ("docker"), nobody trusted */
	policy_service("empty", "\"require_publickey\": true", false);
	{
		char args[512];

		snprintf(args, sizeof(args), "policy=%s/absent.json", dir);
		make_service("missing", NULL, 0644, args);
		snprintf(args, sizeof(args), "policy=%s/corrupt.json", dir);
		make_service("corrupt", "{\"trusted\": {\"users\": [\"dwt_u_erin\"", 0644, args);
		snprintf(args, sizeof(args), "policy=%s/badkey.json", dir);
		make_service("badkey", "{\"pam\": {\"guarded_groupz\": [\"docker\"]}}\n", 0644, args);
		snprintf(args, sizeof(args), "policy=%s/insecure.json", dir);
		write_file("insecure.json", "{}\n", 0666);
		make_service("insecure", NULL, 0644, args);
		snprintf(args, sizeof(args), "policy=%s/base.json debug", dir);
		make_service("debug", NULL, 0644, args);
		snprintf(args, sizeof(args), "policy=%s/base.json bogus", dir);
		make_service("badarg", NULL, 0644, args);
		make_service("relarg", NULL, 0644, "policy=base.json");
	}
	(void)bad_args;
	{
		/* the account line alone: a missing PAM auth marker proves nothing */
		char svc[4096];

		snprintf(svc, sizeof(svc),
			 "auth required pam_debug.so auth=cred_insufficient\n"
			 "account [success=done ignore=ignore default=die] %s policy=%s/base.json pamdir=%s\n"
			 "account required pam_debug.so acct=cred_insufficient\n",
			 module, dir, dir);
		write_file("acctonly", svc, 0644);
	}
	{
		/* Debian's common-account, our line added by pam-auth-update:
		 * pam_unix's new_authtok_reqd=done ends the stack for an expired
		 * password before our line */
		char svc[4096];

		snprintf(svc, sizeof(svc),
			 "account [success=1 new_authtok_reqd=done default=ignore] pam_unix.so\n"
			 "account requisite pam_deny.so\n"
			 "account required pam_permit.so\n"
			 "account required %s policy=%s/base.json pamdir=%s\n"
			 "session required %s policy=%s/base.json pamdir=%s\n",
			 module, dir, dir, module, dir, dir);
		write_file("debacct", svc, 0644);
	}

	memset(big, 'A', sizeof(big) - 1);
	memcpy(big, "publickey ssh-ed25519 ", 22);
	big[sizeof(big) - 1] = '\0';
	memset(longhost, 'h', sizeof(longhost) - 1);
	longhost[sizeof(longhost) - 1] = '\0';

	{
		const struct acase cases[] = {
			/* trusted user (by name), inside networks, by key: every origin form */
			{ "trusted/v4 rhost/key", "base", "dwt_u_alice", IN4, NULL, PK, PAM_SUCCESS, "trusted_user", 0 },
			{ "trusted/v6 rhost/key", "base", "dwt_u_alice", "::1", NULL, PK, PAM_SUCCESS, "trusted_user", 0 },
			{ "trusted/mapped rhost/key", "base", "dwt_u_alice", "::ffff:10.20.0.9", NULL, PK, PAM_SUCCESS, "trusted_user", 0 },
			{ "trusted/sshconn v4 only/key", "base", "dwt_u_alice", NULL, C_IN4, PK, PAM_SUCCESS, "trusted_user", 0 },
			{ "trusted/sshconn v6 only/key", "base", "dwt_u_alice", NULL, C_IN6, PK, PAM_SUCCESS, "trusted_user", 0 },
			{ "trusted/rhost+sshconn agree/key", "base", "dwt_u_alice", "10.20.5.6", C_IN4, PK, PAM_SUCCESS, "trusted_user", 0 },
			{ "trusted/empty rhost+sshconn/key", "base", "dwt_u_alice", "", C_IN4, PK, PAM_SUCCESS, "trusted_user", 0 },
			{ "trusted/key+password lines", "base", "dwt_u_alice", IN4, NULL, PW PK, PAM_SUCCESS, "trusted_user", 0 },
			/* trusted via group dwt_admins */
			{ "trusted group/v4/key", "base", "dwt_u_bob", IN4, NULL, PK, PAM_SUCCESS, "trusted_group", 0 },
			{ "trusted group/v6 out/key", "base", "dwt_u_bob", "2001:db8::5", NULL, PK, PAM_PERM_DENIED, "network", 0 },
			{ "trusted group/v4/password", "base", "dwt_u_bob", IN4, NULL, "", PAM_PERM_DENIED, "publickey", 1 },
			/* trusted, wrong method */
			{ "trusted/v4/password", "base", "dwt_u_alice", IN4, NULL, "", PAM_PERM_DENIED, "publickey", 1 },
			{ "trusted/v4/kbdint", "base", "dwt_u_alice", IN4, NULL, "", PAM_PERM_DENIED, "publickey", 1 },
			/* what sshd 9.2 really passes for a one-method key login: empty */
			{ "trusted/v4/sshd key login, empty authinfo", "base", "dwt_u_alice", IN4, NULL, "", PAM_SUCCESS, "trusted_user", 0 },
			/* the same without the auth line: no evidence, refused */
			{ "account line only/key login, empty authinfo", "acctonly", "dwt_u_alice", IN4, NULL, "", PAM_PERM_DENIED, "publickey", 0 },
			{ "account line only/key listed earlier", "acctonly", "dwt_u_alice", IN4, NULL, PK, PAM_SUCCESS, "trusted_user", 0 },
			{ "account line only/untrusted", "acctonly", "dwt_u_carol", IN4, NULL, "", PAM_PERM_DENIED, "trust", 0 },
			{ "account line only/not guarded", "acctonly", "dwt_u_dave", IN4, NULL, "", IGNORED, NULL, 0 },
			{ "trusted/password first, key now", "base", "dwt_u_alice", IN4, NULL, PW, PAM_SUCCESS, "trusted_user", 0 },
			{ "trusted/key first, password now", "base", "dwt_u_alice", IN4, NULL, PK, PAM_SUCCESS, "trusted_user", 1 },
			{ "trusted/kbdint first, kbdint now", "base", "dwt_u_alice", IN4, NULL, KI, PAM_PERM_DENIED, "publickey", 1 },
			{ "trusted/v4/no authinfo", "base", "dwt_u_alice", IN4, NULL, NULL, PAM_PERM_DENIED, "publickey", 0 },
			{ "trusted/v4/over-long authinfo", "base", "dwt_u_alice", IN4, NULL, big, PAM_PERM_DENIED, "publickey", 0 },
			{ "trusted/v4/malformed authinfo", "base", "dwt_u_alice", IN4, NULL, "Publickey x\n", PAM_PERM_DENIED, "publickey", 0 },
			/* trusted, wrong place */
			{ "trusted/v4 out/key", "base", "dwt_u_alice", OUT4, NULL, PK, PAM_PERM_DENIED, "network", 0 },
			{ "trusted/v6 out/key", "base", "dwt_u_alice", "2001:db8::1", NULL, PK, PAM_PERM_DENIED, "network", 0 },
			{ "trusted/mapped out/key", "base", "dwt_u_alice", "::ffff:192.0.2.1", NULL, PK, PAM_PERM_DENIED, "network", 0 },
			{ "trusted/sshconn v4 out/key", "base", "dwt_u_alice", NULL, C_OUT4, PK, PAM_PERM_DENIED, "network", 0 },
			{ "trusted/sshconn v6 out/key", "base", "dwt_u_alice", NULL, C_OUT6, PK, PAM_PERM_DENIED, "network", 0 },
			{ "trusted/v4 out/password", "base", "dwt_u_alice", OUT4, NULL, "", PAM_PERM_DENIED, "network", 1 },
			{ "trusted/rhost vs sshconn differ", "base", "dwt_u_alice", IN4, C_IN4, PK, PAM_PERM_DENIED, "origin", 0 },
			{ "trusted/malformed sshconn", "base", "dwt_u_alice", NULL, "10.20.5.6 x", PK, PAM_PERM_DENIED, "origin", 0 },
			{ "trusted/over-long rhost", "base", "dwt_u_alice", longhost, NULL, PK, PAM_PERM_DENIED, "origin", 0 },
			{ "trusted/garbage rhost", "base", "dwt_u_alice", "a b\x01", NULL, PK, PAM_PERM_DENIED, "origin", 0 },
			{ "trusted/hostname rhost", "base", "dwt_u_alice", "localhost", NULL, PK, PAM_PERM_DENIED, "hostname", 0 },
			{ "trusted/hostname rhost resolved", "resolve", "dwt_u_alice", "localhost", NULL, PK, PAM_SUCCESS, "trusted_user", 0 },
			/* local logins */
			{ "trusted/local/allow_local", "base", "dwt_u_alice", NULL, NULL, NULL, PAM_SUCCESS, "trusted_user", 0 },
			{ "trusted/local/empty rhost", "base", "dwt_u_alice", "", NULL, NULL, PAM_SUCCESS, "trusted_user", 0 },
			{ "trusted/local/no allow_local", "nolocal", "dwt_u_alice", NULL, NULL, NULL, PAM_PERM_DENIED, "local", 0 },
			{ "untrusted/local", "base", "dwt_u_carol", NULL, NULL, NULL, PAM_PERM_DENIED, "trust", 0 },
			/* keys not required */
			{ "nokeys/trusted/password", "nokeys", "dwt_u_alice", IN4, NULL, "", PAM_SUCCESS, "trusted_user", 1 },
			{ "nokeys/trusted/kbdint", "nokeys", "dwt_u_alice", NULL, C_IN6, "", PAM_SUCCESS, "trusted_user", 1 },
			{ "nokeys/trusted/out", "nokeys", "dwt_u_alice", OUT4, NULL, "", PAM_PERM_DENIED, "network", 1 },
			/* untrusted guarded user (primary group dwt_docker) */
			{ "untrusted/v4/key", "base", "dwt_u_carol", IN4, NULL, PK, PAM_PERM_DENIED, "trust", 0 },
			{ "untrusted/v6/key", "base", "dwt_u_carol", "::1", NULL, PK, PAM_PERM_DENIED, "trust", 0 },
			{ "untrusted/out/password", "base", "dwt_u_carol", OUT4, NULL, "", PAM_PERM_DENIED, "trust", 1 },
			{ "untrusted/sshconn/kbdint", "base", "dwt_u_carol", NULL, C_IN4, "", PAM_PERM_DENIED, "trust", 1 },
			/* the real docker group */
			{ "docker/trusted/key", "base", "dwt_u_erin", IN4, NULL, PK, PAM_SUCCESS, "trusted_user", 0 },
			{ "docker/trusted/password", "base", "dwt_u_erin", IN4, NULL, "", PAM_PERM_DENIED, "publickey", 1 },
			{ "docker/untrusted/key", "base", "dwt_u_frank", IN4, NULL, PK, PAM_PERM_DENIED, "trust", 0 },
			/* not guarded: ignored and not logged, whatever the origin or method */
			{ "not guarded/out/password", "base", "dwt_u_dave", OUT4, NULL, "", IGNORED, NULL, 1 },
			{ "not guarded/local", "base", "dwt_u_dave", NULL, NULL, NULL, IGNORED, NULL, 0 },
			{ "not guarded/garbage origin", "base", "dwt_u_dave", "a b", "x", NULL, IGNORED, NULL, 0 },
			{ "not guarded/root", "base", "root", IN4, NULL, "", IGNORED, NULL, 1 },
			{ "docker member, not guarded by policy", "nolocal", "dwt_u_erin", OUT4, NULL, "", IGNORED, NULL, 1 },
			/* missing policy: built-in default (docker guarded, nobody trusted) */
			{ "missing policy/docker member", "missing", "dwt_u_erin", IN4, NULL, PK, PAM_PERM_DENIED, "trust", 0 },
			{ "missing policy/dwt_docker member", "missing", "dwt_u_alice", IN4, NULL, PK, IGNORED, NULL, 0 },
			{ "empty trusted lists", "empty", "dwt_u_erin", IN4, NULL, PK, PAM_PERM_DENIED, "trust", 0 },
			/* unusable policy or arguments: guarded users denied, others untouched */
			{ "corrupt policy/docker member", "corrupt", "dwt_u_erin", IN4, NULL, PK, PAM_PERM_DENIED, "policy", 0 },
			{ "corrupt policy/other user", "corrupt", "dwt_u_dave", IN4, NULL, PK, IGNORED, NULL, 0 },
			{ "unknown key/docker member", "badkey", "dwt_u_erin", IN4, NULL, PK, PAM_PERM_DENIED, "policy", 0 },
			{ "insecure policy/docker member", "insecure", "dwt_u_erin", IN4, NULL, PK, PAM_PERM_DENIED, "policy", 0 },
			{ "bad argument/guarded", "badarg", "dwt_u_erin", IN4, NULL, PK, PAM_PERM_DENIED, "policy", 0 },
			{ "relative policy/guarded", "relarg", "dwt_u_erin", IN4, NULL, PK, PAM_PERM_DENIED, "policy", 0 },
			{ "debug argument", "debug", "dwt_u_alice", IN4, NULL, PK, PAM_SUCCESS, "trusted_user", 0 },
			/* users that do not exist */
			{ "unknown user", "base", "dwt_u_nobody", IN4, NULL, PK, PAM_USER_UNKNOWN, NULL, 0 },
			{ "no PAM_USER", "base", NULL, IN4, NULL, PK, PAM_USER_UNKNOWN, NULL, 0 },
			{ "empty PAM_USER", "base", "", IN4, NULL, PK, PAM_USER_UNKNOWN, NULL, 0 },
			{ "over-long PAM_USER", "base", longhost, IN4, NULL, PK, PAM_USER_UNKNOWN, NULL, 0 },
		};

		for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
			c = &cases[i];
			run_case(c);
		}
	}
	other_phases();
	skipped_account();

	{
		char cmd[128];

		snprintf(cmd, sizeof(cmd), "rm -rf -- '%s'", dir);
		if (system(cmd) != 0)
			fprintf(stderr, "warning: could not remove %s\n", dir);
	}
	printf("%d checks, %d failures\n", checks, failures);
	return failures == 0 ? 0 : 1;
}
