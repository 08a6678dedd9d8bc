/* test_pam_parts.c - the pure parts of pam_dockwarden: module arguments,
 * origin parsing (PAM_RHOST / SSH_CONNECTION), SSH_AUTH_INFO_0 parsing, the
 * decision function and the audit record type it maps to. */
#include <errno.h>
#include <libaudit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dw_match.h"
#include "pam_dw.h"

static int failures;
static int checks;

#define CHECK(cond, ...)                                                     \
	do {                                                                 \
		checks++;                                                    \
		if (!(cond)) {                                               \
			failures++;                                          \
			fprintf(stderr, "FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond); \
			fprintf(stderr, __VA_ARGS__);                        \
			fputc('\n', stderr);                                 \
		}                                                            \
	} while (0)

static void test_args(void)
{
	struct dw_pam_args a;
	const char *ok[] = { "debug", "policy=/tmp/p.json" };
	const char *rel[] = { "policy=p.json" };
	const char *unknown[] = { "debgu" };
	const char *empty[] = { "policy=" };
	const char *nulls[] = { NULL, "debug" };

	dw_pam_args_parse(2, ok, &a);
	CHECK(a.status == 0 && a.debug && strcmp(a.policy, "/tmp/p.json") == 0, "%s", a.policy);
	dw_pam_args_parse(0, NULL, &a);
	CHECK(a.status == 0 && !a.debug && strcmp(a.policy, "/etc/dockwarden/policy.json") == 0,
	      "%s", a.policy);
	dw_pam_args_parse(1, rel, &a);
	CHECK(a.status == -EINVAL && strstr(a.why, "absolute") != NULL, "%s", a.why);
	dw_pam_args_parse(1, unknown, &a);
	CHECK(a.status == -EINVAL && strstr(a.why, "debgu") != NULL, "%s", a.why);
	dw_pam_args_parse(1, empty, &a);
	CHECK(a.status == -EINVAL, "empty policy=");
	dw_pam_args_parse(2, nulls, &a);
	CHECK(a.status == 0 && a.debug, "NULL argv entry");
	CHECK(strcmp(a.pamdir, "/etc/pam.d") == 0, "%s", a.pamdir);
	{
		const char *dir[] = { "pamdir=/tmp/pd" };
		const char *reldir[] = { "pamdir=pd" };

		dw_pam_args_parse(1, dir, &a);
		CHECK(a.status == 0 && strcmp(a.pamdir, "/tmp/pd") == 0, "%s", a.pamdir);
		dw_pam_args_parse(1, reldir, &a);
		CHECK(a.status == -EINVAL && strstr(a.why, "pamdir=pd") != NULL, "%s", a.why);
	}
}

static void expect_addr(const char *rhost, const char *sshconn, const char *text)
{
	struct dw_pam_origin o;

	dw_pam_origin_parse(rhost, sshconn, &o);
	CHECK(o.kind == DW_ORIGIN_ADDR && strcmp(o.text, text) == 0,
	      "rhost=%s sshconn=%s: kind %d text %s (want %s)", rhost ? rhost : "(null)",
	      sshconn ? sshconn : "(null)", (int)o.kind, o.text, text);
}

static void expect_kind(const char *rhost, const char *sshconn, enum dw_pam_origin_kind kind)
{
	struct dw_pam_origin o;

	dw_pam_origin_parse(rhost, sshconn, &o);
	CHECK(o.kind == kind, "rhost=%.40s sshconn=%.40s: kind %d (want %d) %s",
	      rhost ? rhost : "(null)", sshconn ? sshconn : "(null)", (int)o.kind, (int)kind,
	      o.why ? o.why : "");
	if (kind == DW_ORIGIN_INVALID)
		CHECK(o.why != NULL && strlen(o.text) <= 64, "invalid origin needs a reason");
}

static void test_origin(void)
{
	char longname[400];
	struct dw_pam_origin o;

	expect_kind(NULL, NULL, DW_ORIGIN_LOCAL);
	expect_kind("", NULL, DW_ORIGIN_LOCAL);
	expect_kind("", "", DW_ORIGIN_LOCAL);
	expect_addr("127.0.0.1", NULL, "127.0.0.1");
	expect_addr("::1", NULL, "::1");
	expect_addr("[::1]", NULL, "::1");
	expect_addr("::ffff:10.20.3.4", NULL, "10.20.3.4");
	expect_addr("fe80::1%eth0", NULL, "fe80::1");
	expect_addr("2001:db8::7", NULL, "2001:db8::7");
	expect_addr(NULL, "10.20.1.2 50000 10.20.0.1 22", "10.20.1.2");
	expect_addr("", "::1 41000 ::1 22220", "::1");
	expect_addr("127.0.0.1", "127.0.0.1 5000 127.0.0.1 22", "127.0.0.1");
	/* IPv4-mapped in one, plain IPv4 in the other: the same client */
	expect_addr("::ffff:127.0.0.1", "127.0.0.1 5000 127.0.0.1 22", "127.0.0.1");
	/* sshd with UseDNS yes: host name in PAM_RHOST, address in SSH_CONNECTION */
	dw_pam_origin_parse("client.example.net", "192.0.2.9 5000 192.0.2.1 22", &o);
	CHECK(o.kind == DW_ORIGIN_ADDR && strcmp(o.text, "192.0.2.9") == 0 &&
	      strcmp(o.host, "client.example.net") == 0, "%s / %s", o.text, o.host);

	expect_kind("client.example.net", NULL, DW_ORIGIN_HOSTNAME);
	expect_kind("localhost", NULL, DW_ORIGIN_HOSTNAME);
	expect_kind("localhost.", NULL, DW_ORIGIN_HOSTNAME);
	expect_kind("bad host", NULL, DW_ORIGIN_INVALID);
	expect_kind("-bad.example", NULL, DW_ORIGIN_INVALID);
	expect_kind("a..b", NULL, DW_ORIGIN_INVALID);
	expect_kind("1.2.3.4.5", NULL, DW_ORIGIN_HOSTNAME); /* not an address: a name, resolved only if allowed */
	expect_kind("::1::2", NULL, DW_ORIGIN_INVALID);
	expect_kind("tty1:0", NULL, DW_ORIGIN_INVALID);
	expect_kind("127.0.0.1", "10.0.0.1 5000 10.0.0.2 22", DW_ORIGIN_INVALID);
	expect_kind(NULL, "10.0.0.1 5000 10.0.0.2", DW_ORIGIN_INVALID);
	expect_kind(NULL, "10.0.0.1 5000 10.0.0.2 22 x", DW_ORIGIN_INVALID);
	expect_kind(NULL, "10.0.0.1  5000 10.0.0.2 22", DW_ORIGIN_INVALID);
	expect_kind(NULL, "10.0.0.1 0 10.0.0.2 22", DW_ORIGIN_INVALID);
	expect_kind(NULL, "10.0.0.1 65536 10.0.0.2 22", DW_ORIGIN_INVALID);
	expect_kind(NULL, "host 5000 10.0.0.2 22", DW_ORIGIN_INVALID);
	expect_kind(NULL, " ", DW_ORIGIN_INVALID);
	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	expect_kind(longname, NULL, DW_ORIGIN_INVALID);
	expect_kind(NULL, longname, DW_ORIGIN_INVALID);
	/* 63-character labels are fine, 64 are not */
	memset(longname, 'b', 63);
	strcpy(longname + 63, ".example");
	expect_kind(longname, NULL, DW_ORIGIN_HOSTNAME);
	memset(longname, 'b', 64);
	strcpy(longname + 64, ".example");
	expect_kind(longname, NULL, DW_ORIGIN_INVALID);

	/* Resolution of a host name (from /etc/hosts: no network needed). */
	dw_pam_origin_parse("localhost", NULL, &o);
	CHECK(dw_pam_origin_resolve(&o) == 0 && o.n_resolved >= 1, "resolve localhost: %d",
	      o.resolve_status);
	dw_pam_origin_parse("127.0.0.1", NULL, &o);
	CHECK(dw_pam_origin_resolve(&o) == -EINVAL, "resolve of an address origin");
}

static void expect_auth(const char *info, bool present, bool valid, unsigned int methods,
			const char *summary)
{
	struct dw_pam_authinfo a;

	dw_pam_authinfo_parse(info, &a);
	CHECK(a.present == present && a.valid == valid && a.methods == methods &&
	      strcmp(a.summary, summary) == 0,
	      "info=%.40s: present %d valid %d methods %#x summary %s", info ? info : "(null)",
	      a.present, a.valid, a.methods, a.summary);
}

static void test_authinfo(void)
{
	char *big;

	expect_auth(NULL, false, false, 0, "none");
	expect_auth("", true, true, 0, "none");
	expect_auth("publickey ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIK\n", true, true,
		    DW_AUTH_PUBLICKEY, "publickey");
	expect_auth("password\n", true, true, DW_AUTH_PASSWORD, "password");
	expect_auth("keyboard-interactive/pam\n", true, true, DW_AUTH_KBDINT,
		    "keyboard-interactive");
	expect_auth("publickey ssh-ed25519 AAAA\npassword\n", true, true,
		    DW_AUTH_PUBLICKEY | DW_AUTH_PASSWORD, "publickey,password");
	expect_auth("password\npublickey ssh-rsa AAAA", true, true,
		    DW_AUTH_PUBLICKEY | DW_AUTH_PASSWORD, "password,publickey");
	expect_auth("publickey ssh-ed25519 A\npublickey ssh-rsa B\n", true, true,
		    DW_AUTH_PUBLICKEY, "publickey");
	expect_auth("hostbased ssh-ed25519 AAAA\n", true, true, DW_AUTH_HOSTBASED, "hostbased");
	expect_auth("gssapi-with-mic\n", true, true, DW_AUTH_GSSAPI, "gssapi-with-mic");
	expect_auth("something-new\n", true, true, DW_AUTH_OTHER, "something-new");
	expect_auth("publickey-ish x\n", true, true, DW_AUTH_OTHER, "publickey-ish");
	expect_auth("PUBLICKEY ssh-ed25519 AAAA\n", true, false, 0, "?");
	expect_auth(" publickey\n", true, false, 0, "?");
	expect_auth("publickey x\n\x01garbage\n", true, false, DW_AUTH_PUBLICKEY, "?");
	big = malloc(DW_PAM_AUTHINFO_MAX + 2);
	CHECK(big != NULL, "malloc");
	if (big != NULL) {
		memset(big, 'p', DW_PAM_AUTHINFO_MAX + 1);
		memcpy(big, "publickey ", 10);
		big[DW_PAM_AUTHINFO_MAX + 1] = '\0';
		expect_auth(big, true, false, 0, "?");
		free(big);
	}
}

/* A policy built by hand: the decision must not depend on the parser. */
struct fixture {
	struct dw_policy p;
	struct dw_cidr nets[3];
	struct dw_pam_origin origin;
	struct dw_pam_authinfo auth;
	struct dw_pam_facts f;
};

static void fixture_init(struct fixture *x)
{
	static const char *nets[] = { "127.0.0.0/8", "::1/128", "10.20.0.0/16" };
	size_t i;

	memset(x, 0, sizeof(*x));
	for (i = 0; i < 3; i++)
		CHECK(dw_cidr_parse(nets[i], strlen(nets[i]), &x->nets[i]) == 0, "%s", nets[i]);
	x->p.trusted_networks.v = x->nets;
	x->p.trusted_networks.n = 3;
	x->p.pam.require_publickey = true;
	x->p.pam.allow_local = true;
	x->p.pam.resolve_hostnames = false;
	dw_pam_origin_parse("10.20.1.1", NULL, &x->origin);
	dw_pam_authinfo_parse("publickey ssh-ed25519 AAAA\n", &x->auth);
	x->f.policy = &x->p;
	x->f.guarded = true;
	x->f.guarded_group = "docker";
	x->f.trusted_user = true;
	x->f.origin = &x->origin;
	x->f.auth = &x->auth;
	/* the stack of the pam-auth-update profile: auth, account, session */
	x->f.auth_hook_ok = true;
	x->f.session_check_ok = true;
	x->f.stack_missing = "";
}

static void expect_decision(const struct fixture *x, enum dw_pam_verdict v, const char *rule,
			    int audit_type, const char *what)
{
	struct dw_pam_decision d;

	dw_pam_decide(&x->f, &d);
	CHECK(d.verdict == v && strcmp(d.rule, rule) == 0 && d.reason[0] != '\0',
	      "%s: verdict %d rule %s (want %d %s) reason %s", what, (int)d.verdict, d.rule,
	      (int)v, rule, d.reason);
	if (v == DW_PAM_ALLOW || v == DW_PAM_DENY)
		CHECK(dw_pam_audit_type(&d) == audit_type, "%s: audit type %d want %d", what,
		      dw_pam_audit_type(&d), audit_type);
}

static void test_decide(void)
{
	struct fixture x;

	fixture_init(&x);
	expect_decision(&x, DW_PAM_ALLOW, "trusted_user", AUDIT_USER_ACCT, "trusted user");

	fixture_init(&x);
	x.f.trusted_user = false;
	x.f.trusted_group = true;
	x.f.trusted_group_name = "docker-admins";
	expect_decision(&x, DW_PAM_ALLOW, "trusted_group", AUDIT_USER_ACCT, "trusted group");

	fixture_init(&x);
	x.f.trusted_user = false;
	expect_decision(&x, DW_PAM_DENY, "trust", AUDIT_ANOM_LOGIN_ACCT, "untrusted");

	fixture_init(&x);
	x.f.trusted_user = false;
	x.f.trusted_group_status = -EIO;
	expect_decision(&x, DW_PAM_DENY, "groups", AUDIT_ANOM_LOGIN_ACCT, "trusted groups unreadable");

	fixture_init(&x);
	x.f.guarded = false;
	expect_decision(&x, DW_PAM_IGNORE, "not_guarded", 0, "not guarded");

	fixture_init(&x);
	x.f.guarded_status = -ENOENT;
	expect_decision(&x, DW_PAM_USER_UNKNOWN, "user", 0, "unknown user");

	fixture_init(&x);
	x.f.guarded_status = -EIO;
	expect_decision(&x, DW_PAM_DENY, "groups", AUDIT_ANOM_LOGIN_ACCT, "group db unreadable");

	fixture_init(&x);
	x.f.policy = NULL;
	x.f.policy_status = -EINVAL;
	x.f.policy_why = "p.json:1:2: bad";
	expect_decision(&x, DW_PAM_DENY, "policy", AUDIT_ANOM_LOGIN_ACCT, "corrupt policy");

	fixture_init(&x);
	dw_pam_origin_parse("192.0.2.1", NULL, &x.origin);
	expect_decision(&x, DW_PAM_DENY, "network", AUDIT_ANOM_LOGIN_LOCATION, "outside network");

	fixture_init(&x);
	dw_pam_origin_parse("::ffff:10.20.9.9", NULL, &x.origin);
	expect_decision(&x, DW_PAM_ALLOW, "trusted_user", AUDIT_USER_ACCT, "mapped inside");

	fixture_init(&x);
	dw_pam_origin_parse("2001:db8::1", NULL, &x.origin);
	expect_decision(&x, DW_PAM_DENY, "network", AUDIT_ANOM_LOGIN_LOCATION, "v6 outside");

	fixture_init(&x);
	dw_pam_origin_parse("bad host", NULL, &x.origin);
	expect_decision(&x, DW_PAM_DENY, "origin", AUDIT_ANOM_LOGIN_LOCATION, "invalid origin");

	fixture_init(&x);
	dw_pam_origin_parse(NULL, NULL, &x.origin);
	dw_pam_authinfo_parse(NULL, &x.auth);
	expect_decision(&x, DW_PAM_ALLOW, "trusted_user", AUDIT_USER_ACCT, "local allowed, no key needed");
	x.p.pam.allow_local = false;
	expect_decision(&x, DW_PAM_DENY, "local", AUDIT_ANOM_LOGIN_LOCATION, "local refused");

	fixture_init(&x);
	dw_pam_origin_parse("localhost", NULL, &x.origin);
	expect_decision(&x, DW_PAM_DENY, "hostname", AUDIT_ANOM_LOGIN_LOCATION, "host name, no resolving");
	x.p.pam.resolve_hostnames = true;
	x.origin.resolve_status = -EHOSTUNREACH;
	expect_decision(&x, DW_PAM_DENY, "hostname", AUDIT_ANOM_LOGIN_LOCATION, "unresolvable");
	CHECK(dw_pam_origin_resolve(&x.origin) == 0, "resolve localhost");
	expect_decision(&x, DW_PAM_ALLOW, "trusted_user", AUDIT_USER_ACCT, "resolved inside");
	x.p.trusted_networks.n = 1;  /* 127.0.0.0/8 only; ::1 (if resolved) is then outside */
	if (x.origin.n_resolved > 1)
		expect_decision(&x, DW_PAM_DENY, "network", AUDIT_ANOM_LOGIN_LOCATION,
				"one resolved address outside");
	x.p.trusted_networks.n = 0;
	expect_decision(&x, DW_PAM_DENY, "network", AUDIT_ANOM_LOGIN_LOCATION, "no trusted networks");

	/* sshd 9.2: SSH_AUTH_INFO_0 lists only EARLIER methods; the current
	 * one shows as PAM authentication in the handle (or its absence). */
	fixture_init(&x);
	dw_pam_authinfo_parse("", &x.auth);
	dw_pam_authinfo_set_current(&x.auth, DW_PAM_AUTH_NOT_SEEN, true);
	expect_decision(&x, DW_PAM_ALLOW, "trusted_user", AUDIT_USER_ACCT, "key login, empty info");
	CHECK(strcmp(x.auth.summary, "publickey") == 0, "%s", x.auth.summary);
	dw_pam_authinfo_parse("", &x.auth);
	dw_pam_authinfo_set_current(&x.auth, DW_PAM_AUTH_SEEN, true);
	expect_decision(&x, DW_PAM_DENY, "publickey", AUDIT_ANOM_LOGIN_ACCT, "password/kbdint login");
	CHECK(strcmp(x.auth.summary, "pam-auth") == 0, "%s", x.auth.summary);
	x.p.pam.require_publickey = false;
	expect_decision(&x, DW_PAM_ALLOW, "trusted_user", AUDIT_USER_ACCT, "password, keys not required");

	fixture_init(&x);
	dw_pam_authinfo_parse("password\n", &x.auth);
	dw_pam_authinfo_set_current(&x.auth, DW_PAM_AUTH_NOT_SEEN, true);
	expect_decision(&x, DW_PAM_ALLOW, "trusted_user", AUDIT_USER_ACCT, "password then key");
	CHECK(strcmp(x.auth.summary, "password,publickey") == 0, "%s", x.auth.summary);
	dw_pam_authinfo_parse("keyboard-interactive/pam\n", &x.auth);
	dw_pam_authinfo_set_current(&x.auth, DW_PAM_AUTH_SEEN, true);
	expect_decision(&x, DW_PAM_DEFER, "deferred", 0, "kbdint then ?, session decides");
	x.f.session_check_ok = false;
	expect_decision(&x, DW_PAM_DENY, "publickey", AUDIT_ANOM_LOGIN_ACCT, "kbdint then password");
	x.f.session_check_ok = true;
	CHECK(strcmp(x.auth.summary, "keyboard-interactive,pam-auth") == 0, "%s", x.auth.summary);
	dw_pam_authinfo_parse("publickey ssh-ed25519 AAAA\n", &x.auth);
	dw_pam_authinfo_set_current(&x.auth, DW_PAM_AUTH_SEEN, true);
	expect_decision(&x, DW_PAM_ALLOW, "trusted_user", AUDIT_USER_ACCT, "key then password");
	dw_pam_authinfo_parse(NULL, &x.auth);
	dw_pam_authinfo_set_current(&x.auth, DW_PAM_AUTH_NOT_SEEN, true);
	expect_decision(&x, DW_PAM_DENY, "publickey", AUDIT_ANOM_LOGIN_ACCT, "no auth info: not sshd");
	CHECK(strcmp(x.auth.summary, "none") == 0, "%s", x.auth.summary);
	dw_pam_authinfo_parse("publickey x\n\x02\n", &x.auth);
	dw_pam_authinfo_set_current(&x.auth, DW_PAM_AUTH_NOT_SEEN, true);
	expect_decision(&x, DW_PAM_DENY, "publickey", AUDIT_ANOM_LOGIN_ACCT, "malformed auth info");
	CHECK(strcmp(x.auth.summary, "?") == 0, "%s", x.auth.summary);
	dw_pam_authinfo_parse("password\npublickey ssh-ed25519 AAAA\n", &x.auth);
	dw_pam_authinfo_set_current(&x.auth, DW_PAM_AUTH_SEEN, true);
	expect_decision(&x, DW_PAM_ALLOW, "trusted_user", AUDIT_USER_ACCT, "password+publickey listed");

	/* Order: trust is judged before origin, origin before method. */
	fixture_init(&x);
	x.f.trusted_user = false;
	dw_pam_origin_parse("192.0.2.1", NULL, &x.origin);
	dw_pam_authinfo_parse("", &x.auth);
	dw_pam_authinfo_set_current(&x.auth, DW_PAM_AUTH_SEEN, true);
	expect_decision(&x, DW_PAM_DENY, "trust", AUDIT_ANOM_LOGIN_ACCT, "all wrong");
	x.f.trusted_user = true;
	expect_decision(&x, DW_PAM_DENY, "network", AUDIT_ANOM_LOGIN_LOCATION, "origin and method wrong");
}

/* The current method in the summary, and the decision that goes with it,
 * from SSH_AUTH_INFO_0 (NULL: not sshd) and what the auth hook saw. */
static void test_current_method(void)
{
	static const struct {
		const char *info;
		enum dw_pam_auth_seen seen;
		const char *summary;
		enum dw_pam_verdict verdict;
		const char *rule;
	} t[] = {
		/* the hook names the method when no earlier step used PAM */
		{ "", DW_PAM_AUTH_SEEN_PASSWORD, "password", DW_PAM_DENY, "publickey" },
		{ "", DW_PAM_AUTH_SEEN_KBDINT, "keyboard-interactive", DW_PAM_DENY, "publickey" },
		{ "", DW_PAM_AUTH_SEEN, "pam-auth", DW_PAM_DENY, "publickey" },
		{ "publickey ssh-ed25519 AAAA\n", DW_PAM_AUTH_SEEN_PASSWORD, "publickey,password",
		  DW_PAM_ALLOW, "trusted_user" },
		/* after a PAM step the marker may be that step's */
		{ "password\n", DW_PAM_AUTH_SEEN_KBDINT, "password,pam-auth", DW_PAM_DEFER, "deferred" },
		/* not sshd: the kind of PAM authentication is not told */
		{ NULL, DW_PAM_AUTH_SEEN_PASSWORD, "pam-auth", DW_PAM_DENY, "publickey" },
	};
	struct fixture x;
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		fixture_init(&x);
		dw_pam_authinfo_parse(t[i].info, &x.auth);
		dw_pam_authinfo_set_current(&x.auth, t[i].seen, true);
		CHECK(strcmp(x.auth.summary, t[i].summary) == 0, "row %zu: summary %s, want %s", i,
		      x.auth.summary, t[i].summary);
		expect_decision(&x, t[i].verdict, t[i].rule,
				t[i].verdict == DW_PAM_ALLOW  ? AUDIT_USER_ACCT
				: t[i].verdict == DW_PAM_DENY ? AUDIT_ANOM_LOGIN_ACCT
							      : 0,
				t[i].summary);
	}
	CHECK(dw_pam_auth_seen_by_conv(true, false) == DW_PAM_AUTH_SEEN_PASSWORD &&
	      dw_pam_auth_seen_by_conv(true, true) == DW_PAM_AUTH_SEEN_KBDINT &&
	      dw_pam_auth_seen_by_conv(false, false) == DW_PAM_AUTH_SEEN, "seen by conv");
}

/* What the stack lets the module know decides what "no PAM auth" means. */
static void test_evidence(void)
{
	struct fixture x;
	struct dw_pam_decision d;

	/* account line only: nothing tells a key from a password */
	fixture_init(&x);
	x.f.auth_hook_ok = false;
	x.f.session_check_ok = false;
	x.f.stack_missing = "no auth line and no session line in service sshd";
	dw_pam_authinfo_parse("", &x.auth);
	dw_pam_authinfo_set_current(&x.auth, DW_PAM_AUTH_NOT_SEEN, x.f.auth_hook_ok);
	CHECK(strcmp(x.auth.summary, "unknown") == 0, "%s", x.auth.summary);
	dw_pam_decide(&x.f, &d);
	CHECK(d.verdict == DW_PAM_DENY && strcmp(d.rule, "publickey") == 0 &&
	      strstr(d.reason, "no evidence of a key login") != NULL &&
	      strstr(d.reason, "no auth line and no session line in service sshd") != NULL,
	      "account only: %d %s %s", (int)d.verdict, d.rule, d.reason);
	/* a key listed for an earlier step is evidence on its own */
	dw_pam_authinfo_parse("publickey ssh-ed25519 AAAA\n", &x.auth);
	dw_pam_authinfo_set_current(&x.auth, DW_PAM_AUTH_NOT_SEEN, false);
	expect_decision(&x, DW_PAM_ALLOW, "trusted_user", AUDIT_USER_ACCT, "earlier key, no hook");
	/* untrusted or outside: denied for that, whatever the stack */
	dw_pam_authinfo_parse("", &x.auth);
	x.f.trusted_user = false;
	expect_decision(&x, DW_PAM_DENY, "trust", AUDIT_ANOM_LOGIN_ACCT, "untrusted, no hook");

	/* account + session: the session decides */
	fixture_init(&x);
	x.f.auth_hook_ok = false;
	dw_pam_authinfo_parse("", &x.auth);
	dw_pam_authinfo_set_current(&x.auth, DW_PAM_AUTH_NOT_SEEN, false);
	expect_decision(&x, DW_PAM_DEFER, "deferred", 0, "no hook, session check");
	x.p.pam.require_publickey = false;
	expect_decision(&x, DW_PAM_ALLOW, "trusted_user", AUDIT_USER_ACCT, "no hook, keys not required");

	/* hook present, marker maybe from an earlier password step */
	fixture_init(&x);
	dw_pam_authinfo_parse("password\n", &x.auth);
	dw_pam_authinfo_set_current(&x.auth, DW_PAM_AUTH_SEEN, true);
	expect_decision(&x, DW_PAM_DEFER, "deferred", 0, "password then ?, session check");
	x.f.session_check_ok = false;
	expect_decision(&x, DW_PAM_DENY, "publickey", AUDIT_ANOM_LOGIN_ACCT, "password then ?, no session");
}

static void expect_session(const struct fixture *x, const char *info, enum dw_pam_verdict v,
			   const char *rule, const char *what)
{
	struct dw_pam_authinfo a;
	struct dw_pam_facts f = x->f;
	struct dw_pam_decision d;

	dw_pam_authinfo_parse(info, &a);
	f.auth = &a;
	dw_pam_decide_session(&f, &d);
	CHECK(d.verdict == v && strcmp(d.rule, rule) == 0 && d.reason[0] != '\0',
	      "%s: verdict %d rule %s (want %d %s) reason %s", what, (int)d.verdict, d.rule,
	      (int)v, rule, d.reason);
}

/* At session open sshd lists every method, the last one included. */
static void test_session_decide(void)
{
	struct fixture x;

	fixture_init(&x);
	/* profile stack: the account phase decided key logins, logged them */
	expect_session(&x, "publickey ssh-ed25519 AAAA\n", DW_PAM_IGNORE, "session", "key, hook");
	expect_session(&x, "password\n", DW_PAM_DENY, "publickey", "password got through");
	expect_session(&x, "hostbased ssh-ed25519 AAAA\n", DW_PAM_DENY, "publickey", "hostbased");
	expect_session(&x, "publickey x\n\x01\n", DW_PAM_DENY, "publickey", "malformed");
	expect_session(&x, "publickey ssh-ed25519 AAAA\npassword\n", DW_PAM_IGNORE, "session",
		       "key then password, decided at account");
	expect_session(&x, "password\npublickey ssh-ed25519 AAAA\n", DW_PAM_ALLOW,
		       "publickey_session", "password then key, deferred");
	/* account + session: every key login was deferred to here */
	x.f.auth_hook_ok = false;
	expect_session(&x, "publickey ssh-ed25519 AAAA\n", DW_PAM_ALLOW, "publickey_session",
		       "key, no hook");
	expect_session(&x, "keyboard-interactive/pam\n", DW_PAM_DENY, "publickey", "kbdint, no hook");
	expect_session(&x, "publickey ssh-ed25519 AAAA\npassword\n", DW_PAM_IGNORE, "session",
		       "earlier key, allowed at account");
	/* nothing to check: not sshd, local, not guarded, keys not required,
	 * or a session line that could not enforce a refusal */
	expect_session(&x, NULL, DW_PAM_IGNORE, "session", "not sshd");
	x.f.session_check_ok = false;
	expect_session(&x, "password\n", DW_PAM_IGNORE, "session", "session not enforced");
	x.f.session_check_ok = true;
	x.f.guarded = false;
	expect_session(&x, "password\n", DW_PAM_IGNORE, "session", "not guarded");
	x.f.guarded = true;
	x.p.pam.require_publickey = false;
	expect_session(&x, "password\n", DW_PAM_IGNORE, "session", "keys not required");
	x.p.pam.require_publickey = true;
	dw_pam_origin_parse(NULL, NULL, &x.origin);
	expect_session(&x, "password\n", DW_PAM_IGNORE, "session", "local");
}

int main(void)
{
	test_args();
	test_origin();
	test_authinfo();
	test_decide();
	test_current_method();
	test_evidence();
	test_session_decide();
	printf("%d checks, %d failures\n", checks, failures);
	return failures == 0 ? 0 : 1;
}
