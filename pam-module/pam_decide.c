/* pam_decide.c - the account decision, as a pure function of gathered facts.
 *
 * No I/O here (no NSS, no DNS, no files), so every branch is unit tested
 * directly.  Checks run in a fixed order and the first failing one decides;
 * its name is the "rule" in the logs:
 *
 *   user       unknown user                         -> PAM_USER_UNKNOWN
 *   groups     group database unreadable            -> deny (fail closed)
 *   (not in a guarded group)                        -> PAM_IGNORE
 *   policy     policy missing/corrupt/insecure, bad module argument -> deny
 *   trust      neither in trusted.users nor in a trusted.groups group -> deny
 *   local      local login and pam.allow_local false -> deny
 *   origin     PAM_RHOST / SSH_CONNECTION malformed or contradictory -> deny
 *   hostname   host name origin, not resolvable or resolution disabled -> deny
 *   network    client address outside trusted.networks -> deny
 *   publickey  remote login without positive evidence of a key: no
 *              SSH_AUTH_INFO_0 (not sshd), a malformed one, PAM
 *              authentication (password/keyboard-interactive) ran for the
 *              current method, or nothing tells (no auth hook and no
 *              session check in the stack)                -> deny
 *   deferred   no auth hook, but an enforced session line: allowed for now,
 *              dw_pam_decide_session() decides             -> defer
 *   trusted_user / trusted_group                    -> allow
 *
 * Evidence of a key, in the account phase: SSH_AUTH_INFO_0 lists publickey
 * (a method completed before this one), or no PAM authentication ran in
 * this handle although the auth hook is in the stack and always reached
 * after a successful one.  At session open: SSH_AUTH_INFO_0, now complete.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "dw_match.h"
#include "pam_dw.h"

static void verdict(struct dw_pam_decision *d, enum dw_pam_verdict v, const char *rule,
		    bool by_origin, const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void verdict(struct dw_pam_decision *d, enum dw_pam_verdict v, const char *rule,
		    bool by_origin, const char *fmt, ...)
{
	va_list ap;

	d->verdict = v;
	d->rule = rule;
	d->by_origin = by_origin;
	va_start(ap, fmt);
	vsnprintf(d->reason, sizeof(d->reason), fmt, ap);
	va_end(ap);
}

/* 0 when the origin is acceptable, else the decision has been filled in. */
static int check_origin(const struct dw_pam_facts *f, struct dw_pam_decision *d)
{
	const struct dw_pam_origin *o = f->origin;
	const struct dw_policy *p = f->policy;
	size_t i;

	if (o == NULL) {
		verdict(d, DW_PAM_DENY, "origin", true, "origin unknown");
		return -1;
	}
	switch (o->kind) {
	case DW_ORIGIN_LOCAL:
		if (!p->pam.allow_local) {
			verdict(d, DW_PAM_DENY, "local", true,
				"local login and pam.allow_local is false");
			return -1;
		}
		return 0;
	case DW_ORIGIN_INVALID:
		verdict(d, DW_PAM_DENY, "origin", true, "%s",
			o->why != NULL ? o->why : "origin unparsable");
		return -1;
	case DW_ORIGIN_HOSTNAME:
		if (!p->pam.resolve_hostnames) {
			verdict(d, DW_PAM_DENY, "hostname", true,
				"origin is a host name, not an address, and pam.resolve_hostnames is false");
			return -1;
		}
		if (o->resolve_status < 0 || o->n_resolved == 0) {
			verdict(d, DW_PAM_DENY, "hostname", true,
				"host name could not be resolved completely (%s)",
				strerror(o->resolve_status < 0 ? -o->resolve_status : EHOSTUNREACH));
			return -1;
		}
		/* Every address the name stands for must be trusted: we do not
		 * know which one the client really used. */
		for (i = 0; i < o->n_resolved; i++) {
			if (!dw_cidrv_contains(&p->trusted_networks, o->resolved[i])) {
				verdict(d, DW_PAM_DENY, "network", true,
					"host name resolves to an address outside trusted.networks");
				return -1;
			}
		}
		return 0;
	case DW_ORIGIN_ADDR:
		if (!dw_cidrv_contains(&p->trusted_networks, o->addr)) {
			verdict(d, DW_PAM_DENY, "network", true,
				"client address %s is outside trusted.networks", o->text);
			return -1;
		}
		return 0;
	}
	verdict(d, DW_PAM_DENY, "origin", true, "origin unknown");
	return -1;
}

/* 0: a key login (or keys not required), 1: defer to the session line,
 * -1: denied (D filled in). */
static int check_method(const struct dw_pam_facts *f, struct dw_pam_decision *d)
{
	const struct dw_pam_authinfo *a = f->auth;

	/* Keys are required for remote logins; a local login has no ssh key. */
	if (!f->policy->pam.require_publickey || f->origin->kind == DW_ORIGIN_LOCAL)
		return 0;
	if (a == NULL || !a->present) {
		verdict(d, DW_PAM_DENY, "publickey", false,
			"remote login without SSH_AUTH_INFO_0: no proof of a publickey login");
		return -1;
	}
	if (!a->valid) {
		verdict(d, DW_PAM_DENY, "publickey", false, "SSH_AUTH_INFO_0 is malformed");
		return -1;
	}
	/* A key listed for an earlier step (AuthenticationMethods) counts. */
	if (a->methods & DW_AUTH_PUBLICKEY)
		return 0;
	/* PAM authentication ran in this handle: the current method was a
	 * password or keyboard-interactive - unless an earlier step of
	 * AuthenticationMethods was one of those (password,publickey): then
	 * the marker may be that step's, and only the session can tell. */
	if (a->pam_authenticated && (a->methods & (DW_AUTH_PASSWORD | DW_AUTH_KBDINT)) &&
	    f->session_check_ok)
		return 1;
	if (a->pam_authenticated) {
		verdict(d, DW_PAM_DENY, "publickey", false,
			"authenticated by %s (password or keyboard-interactive through PAM), "
			"pam.require_publickey needs publickey", a->summary);
		return -1;
	}
	/* No PAM authentication seen: a key only if the hook would have seen it. */
	if (f->auth_hook_ok)
		return 0;
	if (f->session_check_ok)
		return 1;
	verdict(d, DW_PAM_DENY, "publickey", false,
		"no evidence of a key login (pam.require_publickey): %s",
		f->stack_missing != NULL && f->stack_missing[0] != '\0' ? f->stack_missing :
		"the PAM stack has neither the auth nor the session line");
	return -1;
}

void dw_pam_decide(const struct dw_pam_facts *f, struct dw_pam_decision *d)
{
	memset(d, 0, sizeof(*d));

	if (f->guarded_status == -ENOENT) {
		verdict(d, DW_PAM_USER_UNKNOWN, "user", false, "unknown user");
		return;
	}
	if (f->guarded_status < 0) {
		verdict(d, DW_PAM_DENY, "groups", false,
			"cannot tell whether the user is in a guarded group: %s",
			strerror(-f->guarded_status));
		return;
	}
	if (!f->guarded) {
		verdict(d, DW_PAM_IGNORE, "not_guarded", false, "not in a guarded group");
		return;
	}
	if (f->policy == NULL || f->policy_status < 0) {
		verdict(d, DW_PAM_DENY, "policy", false, "no usable policy: %s",
			f->policy_why != NULL ? f->policy_why :
			strerror(f->policy_status < 0 ? -f->policy_status : EINVAL));
		return;
	}
	if (!f->trusted_user && f->trusted_group_status < 0) {
		verdict(d, DW_PAM_DENY, "groups", false,
			"cannot read trusted group membership: %s",
			strerror(-f->trusted_group_status));
		return;
	}
	if (!f->trusted_user && !f->trusted_group) {
		verdict(d, DW_PAM_DENY, "trust", false,
			"member of guarded group %s but neither in trusted.users nor in a trusted.groups group",
			f->guarded_group != NULL ? f->guarded_group : "?");
		return;
	}
	if (check_origin(f, d) < 0)
		return;
	switch (check_method(f, d)) {
	case -1:
		return;
	case 1:
		verdict(d, DW_PAM_DEFER, "deferred", false,
			"the account phase cannot tell the method; the session line checks that sshd "
			"recorded a publickey one");
		return;
	default:
		break;
	}
	if (f->trusted_user)
		verdict(d, DW_PAM_ALLOW, "trusted_user", false, "trusted user, origin %s, method %s",
			f->origin->text, f->auth != NULL ? f->auth->summary : "none");
	else
		verdict(d, DW_PAM_ALLOW, "trusted_group", false,
			"member of trusted group %s, origin %s, method %s",
			f->trusted_group_name != NULL ? f->trusted_group_name : "?",
			f->origin->text, f->auth != NULL ? f->auth->summary : "none");
}

void dw_pam_decide_unaccounted(const struct dw_pam_facts *f, struct dw_pam_decision *d)
{
	struct dw_pam_facts g = *f;
	size_t n;

	/* This is the session line: what the methods were is its question
	 * (dw_pam_decide_session, on sshd's complete record), asked next. */
	g.session_check_ok = true;
	dw_pam_decide(&g, d);
	if (d->verdict != DW_PAM_ALLOW && d->verdict != DW_PAM_DENY)
		return;
	n = strlen(d->reason);
	if (n < sizeof(d->reason))
		snprintf(d->reason + n, sizeof(d->reason) - n,
			 "; decided at session open: the account line did not run (a module "
			 "before it ended the account stack)");
}

void dw_pam_decide_session(const struct dw_pam_facts *f, struct dw_pam_decision *d)
{
	const struct dw_pam_authinfo *a = f->auth;

	memset(d, 0, sizeof(*d));
	/* Only a guarded sshd login the account phase let through under
	 * require_publickey is checked again; everything else was decided
	 * (and logged) there.  Without an enforcing session line a refusal
	 * here would not hold, so it is not claimed. */
	if (f->guarded_status != 0 || !f->guarded || f->policy == NULL || f->policy_status < 0 ||
	    !f->policy->pam.require_publickey || f->origin == NULL ||
	    f->origin->kind == DW_ORIGIN_LOCAL || a == NULL || !a->present ||
	    !f->session_check_ok) {
		verdict(d, DW_PAM_IGNORE, "session", false, "nothing to check at session open");
		return;
	}
	if (!a->valid) {
		verdict(d, DW_PAM_DENY, "publickey", false,
			"SSH_AUTH_INFO_0 is malformed at session open");
		return;
	}
	if (!(a->methods & DW_AUTH_PUBLICKEY)) {
		verdict(d, DW_PAM_DENY, "publickey", false,
			"sshd recorded %s for this login, pam.require_publickey needs publickey",
			a->summary);
		return;
	}
	/* The account phase saw the earlier methods only.  It deferred when
	 * they held no key and either there is no auth hook or one of them went
	 * through PAM (its marker hides whether the last one did): the key is
	 * then the last method, and this is the decision to log. */
	if (!(a->earlier & DW_AUTH_PUBLICKEY) &&
	    (!f->auth_hook_ok || (a->earlier & (DW_AUTH_PASSWORD | DW_AUTH_KBDINT)))) {
		verdict(d, DW_PAM_ALLOW, "publickey_session", false,
			"sshd recorded %s for this login, checked at session open (no auth line)",
			a->summary);
		return;
	}
	verdict(d, DW_PAM_IGNORE, "session", false, "key login, decided in the account phase");
}
