/* pam_entry.c - the PAM entry points of pam_dockwarden.so.
 *
 *   account   gathers the facts (policy, groups, origin, ssh methods, what the
 *             service's PAM stack lets it know), asks dw_pam_decide(), logs
 *             the decision of a guarded user, and maps it to PAM_SUCCESS /
 *             PAM_PERM_DENIED / PAM_IGNORE / PAM_USER_UNKNOWN
 *   session   open: dw_pam_decide_session() checks sshd's complete method
 *             list (refusing with PAM_SESSION_ERR); open and close of
 *             guarded users are logged
 *   auth      PAM_IGNORE, leaving a marker that PAM authentication ran
 *   setcred, chauthtok: PAM_IGNORE (sshd runs "account" for every method;
 *             publickey logins never run "auth")
 *
 * Everything lives on the stack of one call; the policy is read per call
 * (there is no daemon to reload it, and no global state is allowed). */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>

#include <security/pam_ext.h>
#include <security/pam_modules.h>

#include "dw_match.h"
#include "dw_pamstack.h"
#include "dw_policy.h"
#include "pam_dw.h"

/* LOGIN_NAME_MAX on Linux; longer PAM_USER values are not user names. */
#define DW_PAM_USER_MAX 256
#define DW_PAM_ITEM_MAX 1024

struct dw_pam_run {
	struct dw_pam_args args;
	struct dw_policy *policy;    /* the configured policy, or NULL */
	struct dw_policy *fallback;  /* built-in default: decides who is guarded
				      * when the configured one is unusable */
	char policy_why[256];
	const char *user;
	const char *service;
	const char *tty;
	struct dw_pam_origin origin;
	struct dw_pam_authinfo auth;
	char stack_missing[384];
	struct dw_pam_facts facts;
	struct dw_pam_context ctx;
};

static void diag_first(void *ctx, const char *file, int line, int col, const char *msg)
{
	struct dw_pam_run *run = ctx;

	if (run->policy_why[0] != '\0')
		return;  /* the first problem is enough for a login log line */
	snprintf(run->policy_why, sizeof(run->policy_why), "%s:%d:%d: %s",
		 file != NULL ? file : "?", line, col, msg != NULL ? msg : "?");
}

/* A PAM string item bounded to MAX bytes; NULL when unset, empty, or
 * longer than MAX (callers treat over-long as unusable). */
static const char *get_str_item(pam_handle_t *pamh, int item, size_t max)
{
	const void *v = NULL;
	const char *s;

	if (pam_get_item(pamh, item, &v) != PAM_SUCCESS || v == NULL)
		return NULL;
	s = v;
	if (s[0] == '\0' || strnlen(s, max + 1) > max)
		return NULL;
	return s;
}

static void load_policy(struct dw_pam_run *run)
{
	int rc;

	if (run->args.status < 0) {
		run->facts.policy_status = run->args.status;
		snprintf(run->policy_why, sizeof(run->policy_why), "%s", run->args.why);
	} else {
		rc = dw_policy_load_file(run->args.policy,
					 DW_POLICY_CHECK_OWNER | DW_POLICY_MISSING_OK,
					 diag_first, run, &run->policy);
		if (rc < 0) {
			run->policy = NULL;
			run->facts.policy_status = rc;
			if (run->policy_why[0] == '\0')
				snprintf(run->policy_why, sizeof(run->policy_why), "%.200s: %s",
					 run->args.policy, strerror(-rc));
		}
	}
	if (run->policy == NULL) {
		rc = dw_policy_load_default(&run->fallback);
		if (rc < 0)
			run->fallback = NULL;
	}
	run->facts.policy = run->policy;
	run->facts.policy_why = run->policy_why[0] != '\0' ? run->policy_why : NULL;
}

/* What this service's stack lets the module know (see dw_pamstack.h).  A
 * stack that cannot be read completely gives no evidence. */
static void gather_stack(struct dw_pam_run *run)
{
	struct dw_pamstack st;
	struct dw_pamstack_report r;

	run->facts.stack_missing = run->stack_missing;
	if (run->service == NULL) {
		snprintf(run->stack_missing, sizeof(run->stack_missing),
			 "no PAM_SERVICE, so the PAM stack cannot be read");
		return;
	}
	(void)dw_pamstack_load(run->args.pamdir, run->service, &st);
	dw_pamstack_analyse(&st, &r);
	if (st.status < 0)
		r.auth_hook_ok = r.session_check_ok = false;
	run->facts.auth_hook_ok = r.auth_hook_ok;
	run->facts.session_check_ok = r.session_check_ok;
	(void)dw_pamstack_missing(&st, &r, run->stack_missing, sizeof(run->stack_missing));
	dw_pamstack_free(&st);
}

enum gather_what {
	GATHER_GROUPS,   /* policy and group membership: session close */
	GATHER_SESSION,  /* and origin, sshd's methods, the stack: session open */
	GATHER_ACCOUNT,  /* and PAM auth marker, trust: account */
	/* the account's facts at session open (the account line did not run):
	 * sshd's methods are complete by then, so none is "current" */
	GATHER_ACCOUNT_LATE,
};

/* Fill RUN for USER with WHAT.  Returns PAM_SUCCESS, or PAM_USER_UNKNOWN /
 * PAM_SERVICE_ERR when there is nobody to decide about. */
static int gather(pam_handle_t *pamh, int argc, const char **argv, enum gather_what what,
		  struct dw_pam_run *run)
{
	const bool full = what == GATHER_ACCOUNT || what == GATHER_ACCOUNT_LATE;
	const struct dw_policy *guard;
	const char *rhost, *sshconn, *info;
	int rc;

	memset(run, 0, sizeof(*run));
	if (pamh == NULL)
		return PAM_SERVICE_ERR;
	dw_pam_args_parse(argc, argv, &run->args);

	run->user = get_str_item(pamh, PAM_USER, DW_PAM_USER_MAX);
	run->service = get_str_item(pamh, PAM_SERVICE, DW_PAM_ITEM_MAX);
	run->tty = get_str_item(pamh, PAM_TTY, DW_PAM_ITEM_MAX);
	if (run->user == NULL)
		return PAM_USER_UNKNOWN;

	load_policy(run);
	guard = run->policy != NULL ? run->policy : run->fallback;
	if (guard == NULL) {
		run->facts.guarded_status = -ENOMEM;
	} else {
		rc = dw_user_in_groups(run->user, &guard->pam.guarded_groups,
				       &run->facts.guarded, &run->facts.guarded_group);
		run->facts.guarded_status = rc < 0 ? rc : 0;
	}

	/* PAM_RHOST may hold anything a service put there: bound it, but an
	 * over-long value must not read as "local", so keep a marker. */
	rhost = NULL;
	{
		const void *v = NULL;

		if (pam_get_item(pamh, PAM_RHOST, &v) == PAM_SUCCESS && v != NULL)
			rhost = v;
	}
	sshconn = pam_getenv(pamh, "SSH_CONNECTION");
	dw_pam_origin_parse(rhost, sshconn, &run->origin);
	run->facts.origin = &run->origin;

	if (what != GATHER_GROUPS) {
		info = pam_getenv(pamh, "SSH_AUTH_INFO_0");
		dw_pam_authinfo_parse(info, &run->auth);
		run->facts.auth = &run->auth;
		/* The stack is read only when its answer is needed: a guarded
		 * remote sshd login under require_publickey. */
		if (run->policy != NULL && run->policy->pam.require_publickey &&
		    run->facts.guarded_status == 0 && run->facts.guarded &&
		    run->origin.kind != DW_ORIGIN_LOCAL && run->auth.present)
			gather_stack(run);
	}
	if (full) {
		const void *marker = NULL;
		enum dw_pam_auth_seen seen = DW_PAM_AUTH_NOT_SEEN;

		/* Did PAM authentication run in this handle?  Our own auth hook
		 * leaves a marker.  (PAM_AUTHTOK tells nothing: libpam clears
		 * it when pam_authenticate returns.) */
		if (pam_get_data(pamh, DW_PAM_AUTH_MARKER, &marker) != PAM_SUCCESS)
			marker = NULL;
		if (marker != NULL) {
			seen = *(const enum dw_pam_auth_seen *)marker;
			if (seen == DW_PAM_AUTH_NOT_SEEN || seen > DW_PAM_AUTH_SEEN_KBDINT)
				seen = DW_PAM_AUTH_SEEN;
		}
		if (what == GATHER_ACCOUNT)
			dw_pam_authinfo_set_current(&run->auth, seen, run->facts.auth_hook_ok);

		if (run->policy != NULL && run->facts.guarded_status == 0 && run->facts.guarded) {
			/* a second NSS walk only when it can change the answer
			 * (dw_pam_decide looks at groups only for a user not
			 * trusted by name) */
			rc = dw_policy_user_trusted(run->policy, run->user, &run->facts.trusted_user,
						    &run->facts.trusted_group,
						    &run->facts.trusted_group_name);
			run->facts.trusted_group_status = rc < 0 ? rc : 0;
			if (run->origin.kind == DW_ORIGIN_HOSTNAME &&
			    run->policy->pam.resolve_hostnames)
				(void)dw_pam_origin_resolve(&run->origin);
		}
	}

	run->ctx.user = run->user;
	run->ctx.service = run->service;
	run->ctx.tty = run->tty;
	run->ctx.phase = what == GATHER_ACCOUNT ? "account" : "session";
	run->ctx.origin = &run->origin;
	run->ctx.auth = what != GATHER_GROUPS ? &run->auth : NULL;
	run->ctx.guarded_group = run->facts.guarded_group;
	return PAM_SUCCESS;
}

static void release(struct dw_pam_run *run)
{
	if (run->policy != NULL)
		dw_policy_unref(run->policy);
	if (run->fallback != NULL)
		dw_policy_unref(run->fallback);
	run->policy = NULL;
	run->fallback = NULL;
}

static const char account_marker[] = "1";

PAM_EXTERN int pam_sm_acct_mgmt(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	struct dw_pam_run run;
	struct dw_pam_decision d;
	int ret;

	ret = gather(pamh, argc, argv, GATHER_ACCOUNT, &run);
	if (ret != PAM_SUCCESS) {
		if (run.args.debug)
			pam_syslog(pamh, LOG_DEBUG, "no usable PAM_USER: %s", pam_strerror(pamh, ret));
		goto out;
	}
	dw_pam_decide(&run.facts, &d);
	/* the session line then knows this phase ran (see session()) */
	(void)pam_set_data(pamh, DW_PAM_ACCOUNT_MARKER, (void *)(uintptr_t)account_marker, NULL);
	switch (d.verdict) {
	case DW_PAM_ALLOW:
		ret = PAM_SUCCESS;
		break;
	case DW_PAM_DEFER:
		/* The decision is the session's, and so is its record. */
		if (run.args.debug)
			pam_syslog(pamh, LOG_DEBUG, "%s: %s", d.rule, d.reason);
		ret = PAM_SUCCESS;
		goto out;
	case DW_PAM_IGNORE:
		ret = PAM_IGNORE;
		break;
	case DW_PAM_USER_UNKNOWN:
		ret = PAM_USER_UNKNOWN;
		break;
	case DW_PAM_DENY:
	default:
		ret = PAM_PERM_DENIED;
		break;
	}
	if (ret == PAM_SUCCESS || ret == PAM_PERM_DENIED)
		dw_pam_report_decision(&run.ctx, &d);
	else if (run.args.debug)
		/* Unknown users are not logged by name: a mistyped password
		 * in the user field must not end up in the logs. */
		pam_syslog(pamh, LOG_DEBUG, "%s (%s)", d.rule, d.reason);
out:
	release(&run);
	return ret;
}

static int session(pam_handle_t *pamh, int argc, const char **argv, const char *event)
{
	const bool open = strcmp(event, "open") == 0;
	const void *marker = NULL;
	struct dw_pam_run run;
	struct dw_pam_decision d;
	bool accounted;
	int ret;

	/* A session whose account line never ran (a module before it ended
	 * the account stack) gets the account decision now, with every fact
	 * the account phase would have gathered. */
	accounted = pam_get_data(pamh, DW_PAM_ACCOUNT_MARKER, &marker) == PAM_SUCCESS &&
		    marker != NULL;
	ret = gather(pamh, argc, argv,
		     !open ? GATHER_GROUPS : accounted ? GATHER_SESSION : GATHER_ACCOUNT_LATE, &run);
	if (ret != PAM_SUCCESS) {
		ret = PAM_IGNORE;
		goto out;
	}
	/* A session of a user we cannot classify is logged too: better one
	 * line too many than a guarded login without a trace.  Logging never
	 * fails the session; only the method check at open does. */
	if (run.facts.guarded_status == 0 && !run.facts.guarded) {
		ret = PAM_IGNORE;
		goto out;
	}
	if (run.facts.guarded_status == -ENOENT) {
		ret = PAM_IGNORE;
		goto out;
	}
	ret = PAM_SUCCESS;
	if (open && !accounted) {
		dw_pam_decide_unaccounted(&run.facts, &d);
		if (d.verdict == DW_PAM_ALLOW || d.verdict == DW_PAM_DENY)
			dw_pam_report_decision(&run.ctx, &d);
		if (d.verdict != DW_PAM_ALLOW && d.verdict != DW_PAM_DEFER) {
			ret = PAM_SESSION_ERR;
			goto out;
		}
	}
	if (open) {
		dw_pam_decide_session(&run.facts, &d);
		if (d.verdict == DW_PAM_ALLOW || d.verdict == DW_PAM_DENY)
			dw_pam_report_decision(&run.ctx, &d);
		if (d.verdict == DW_PAM_DENY) {
			/* sshd then runs no shell, command or subsystem
			 * (session.c: "PAM session not opened, exiting") */
			ret = PAM_SESSION_ERR;
			goto out;
		}
	}
	dw_pam_report_session(&run.ctx, event);
out:
	release(&run);
	return ret;
}

PAM_EXTERN int pam_sm_open_session(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	return session(pamh, argc, argv, "open");
}

PAM_EXTERN int pam_sm_close_session(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	return session(pamh, argc, argv, "close");
}

/* Authentication is not ours to decide, but that it happened in this handle
 * tells the account phase that the user typed a password (or answered
 * keyboard-interactive prompts) rather than presenting a key: sshd runs
 * pam_authenticate only for those methods.  Put "auth optional
 * pam_dockwarden.so" after the auth stack (@include common-auth), so only a
 * successful authentication reaches it; the account phase checks the stack
 * (dw_pamstack) before it takes a missing marker for a key.  The marker also
 * says which of sshd's two PAM methods ran (dw_pam_auth_seen_by_conv), so
 * the log names it. */
PAM_EXTERN int pam_sm_authenticate(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	/* read-only markers, one per kind, so the handle holds no allocation */
	static const enum dw_pam_auth_seen marker[] = {
		DW_PAM_AUTH_NOT_SEEN, DW_PAM_AUTH_SEEN, DW_PAM_AUTH_SEEN_PASSWORD,
		DW_PAM_AUTH_SEEN_KBDINT,
	};
	const void *item = NULL;
	const struct pam_conv *conv;
	enum dw_pam_auth_seen seen;

	if (pamh == NULL)
		return PAM_IGNORE;
	if (pam_get_item(pamh, PAM_CONV, &item) != PAM_SUCCESS)
		item = NULL;
	conv = item;
	seen = dw_pam_auth_seen_by_conv(conv != NULL, conv != NULL && conv->appdata_ptr != NULL);
	(void)pam_set_data(pamh, DW_PAM_AUTH_MARKER, (void *)(uintptr_t)&marker[seen], NULL);
	return PAM_IGNORE;
}

PAM_EXTERN int pam_sm_setcred(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	return PAM_IGNORE;
}

PAM_EXTERN int pam_sm_chauthtok(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	return PAM_IGNORE;
}
