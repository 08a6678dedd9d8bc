/* pam_dw.h - internals of pam_dockwarden.so, shared by its small files and
 * by the unit tests.  Nothing here is exported from the module (the version
 * script keeps only pam_sm_*), and nothing here holds state between calls:
 * every PAM call gathers its facts, decides, logs and forgets. */
#ifndef PAM_DW_H
#define PAM_DW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dw_policy.h"

/* ---- module arguments (pam_args.c) ---- */

#define DW_PAM_PATH_MAX 4096

/* Where libpam reads service stacks.  pamdir= is for PAM applications that
 * use pam_start_confdir(); the module cannot ask libpam which it used. */
#define DW_PAM_DEFAULT_PAMDIR "/etc/pam.d"

struct dw_pam_args {
	char policy[DW_PAM_PATH_MAX];  /* policy=FILE, else DW_DEFAULT_POLICY */
	char pamdir[DW_PAM_PATH_MAX];  /* pamdir=DIR, else DW_PAM_DEFAULT_PAMDIR */
	bool debug;
	int status;                    /* 0, or -EINVAL for a bad argument */
	char why[160];                 /* the bad argument, as a sentence */
};

/* Parse the module arguments of the PAM stack line (policy=, pamdir=, debug).  Never fails hard: a bad
 * argument is recorded in ARGS->status/why and makes guarded users denied. */
void dw_pam_args_parse(int argc, const char **argv, struct dw_pam_args *args);

/* ---- origin of the login (pam_origin.c) ---- */

/* DNS names are at most 253 characters; anything longer in PAM_RHOST is
 * not a host name we could check, so it is refused rather than truncated. */
#define DW_PAM_HOST_MAX 253
/* SSH_CONNECTION is "ADDR PORT ADDR PORT": two addresses of at most 45
 * characters plus ports; sshd itself caps each address at 50. */
#define DW_PAM_SSHCONN_MAX 160
#define DW_PAM_MAX_RESOLVED 16

enum dw_pam_origin_kind {
	DW_ORIGIN_LOCAL = 0,   /* neither PAM_RHOST nor SSH_CONNECTION */
	DW_ORIGIN_ADDR,        /* a numeric client address */
	DW_ORIGIN_HOSTNAME,    /* a host name only (e.g. sshd with UseDNS yes) */
	DW_ORIGIN_INVALID,     /* unparsable or contradictory: denied */
};

struct dw_pam_origin {
	enum dw_pam_origin_kind kind;
	uint8_t addr[16];                 /* ADDR: IPv6 form, IPv4 mapped */
	char text[DW_PAM_HOST_MAX + 1];   /* for logs: address, host name, or "local" */
	char host[DW_PAM_HOST_MAX + 1];   /* PAM_RHOST when it is a host name, else "" */
	const char *why;                  /* INVALID: a static sentence */
	/* HOSTNAME after dw_pam_origin_resolve(): */
	int resolve_status;               /* 0, or -errno / -EHOSTUNREACH */
	size_t n_resolved;
	uint8_t resolved[DW_PAM_MAX_RESOLVED][16];
};

/* RHOST: the PAM_RHOST item (may be NULL or "").  SSH_CONNECTION: sshd's
 * "client_addr client_port server_addr server_port" from the PAM environment
 * (may be NULL).  Fills OUT; never fails (INVALID carries the reason). */
void dw_pam_origin_parse(const char *rhost, const char *ssh_connection,
			 struct dw_pam_origin *out);
/* Resolve a HOSTNAME origin with getaddrinfo(3) (only when the policy says
 * pam.resolve_hostnames).  Sets and returns O->resolve_status. */
int dw_pam_origin_resolve(struct dw_pam_origin *o);

/* ---- how sshd authenticated the user (pam_authinfo.c) ---- */

/* sshd writes one line per successful method; a few lines in practice.  A
 * value larger than this is not something sshd wrote: refused. */
#define DW_PAM_AUTHINFO_MAX 65536

enum {
	DW_AUTH_PUBLICKEY = 1u << 0,
	DW_AUTH_PASSWORD = 1u << 1,
	DW_AUTH_KBDINT = 1u << 2,
	DW_AUTH_HOSTBASED = 1u << 3,
	DW_AUTH_GSSAPI = 1u << 4,
	DW_AUTH_OTHER = 1u << 5,
};

struct dw_pam_authinfo {
	bool present;       /* SSH_AUTH_INFO_0 was set */
	bool valid;         /* and every line parsed */
	unsigned int methods;    /* methods listed in SSH_AUTH_INFO_0 */
	unsigned int earlier;    /* methods of every line but the last */
	bool pam_authenticated;  /* PAM authentication ran in this handle */
	char summary[96];   /* "publickey", "password,publickey", "none", "?" */
};

/* What the auth hook saw of a PAM authentication in this handle. */
enum dw_pam_auth_seen {
	DW_PAM_AUTH_NOT_SEEN = 0,  /* no PAM authentication reached the hook */
	DW_PAM_AUTH_SEEN,          /* one did; its sshd method unknown */
	DW_PAM_AUTH_SEEN_PASSWORD, /* sshd's password method */
	DW_PAM_AUTH_SEEN_KBDINT,   /* sshd's keyboard-interactive method */
};

/* Parse SSH_AUTH_INFO_0 (NULL when not set). */
void dw_pam_authinfo_parse(const char *info, struct dw_pam_authinfo *out);
/* Which sshd method ran pam_authenticate, told by the conversation sshd set
 * for it (HAS_CONV: PAM_CONV is set; HAS_APPDATA: its appdata_ptr is not
 * NULL).  OpenSSH's password method converses through a static
 * { sshpam_passwd_conv, NULL }; keyboard-interactive through sshpam_conv,
 * whose appdata_ptr is its context (auth-pam.c sshpam_auth_passwd and
 * sshpam_thread, V_9_2_P1 to V_10_5_P1).  Only a label for the log: the
 * decision uses no more than "PAM authentication ran". */
enum dw_pam_auth_seen dw_pam_auth_seen_by_conv(bool has_conv, bool has_appdata);
/* Record whether PAM authentication ran in this PAM handle (the current
 * method was password or keyboard-interactive) and name the current method
 * in the summary: sshd's method as SEEN tells it ("password",
 * "keyboard-interactive"), "pam-auth" when it does not or when an earlier
 * step already used PAM (the marker may be that step's); without PAM
 * authentication "publickey" when NO_PAM_IS_KEY (the auth hook is in the
 * stack, so sshd used a method without PAM), else "unknown" (nothing tells a
 * key from a password). */
void dw_pam_authinfo_set_current(struct dw_pam_authinfo *a, enum dw_pam_auth_seen seen,
				 bool no_pam_is_key);

/* pam_set_data() name of the marker pam_sm_authenticate leaves. */
#define DW_PAM_AUTH_MARKER "dockwarden-pam-authenticated"
/* ... and of the one pam_sm_acct_mgmt leaves once it decided: a session
 * opened without it is one whose account line never ran. */
#define DW_PAM_ACCOUNT_MARKER "dockwarden-pam-account-decided"

/* ---- the decision (pam_decide.c): pure, no I/O ---- */

struct dw_pam_facts {
	/* Policy in force; NULL when it could not be loaded (POLICY_STATUS < 0,
	 * POLICY_WHY says why). */
	const struct dw_policy *policy;
	int policy_status;
	const char *policy_why;

	/* Membership of a guarded group: 0, -ENOENT (unknown user), other -errno. */
	int guarded_status;
	bool guarded;
	const char *guarded_group;

	bool trusted_user;
	int trusted_group_status;   /* 0 or -errno */
	bool trusted_group;
	const char *trusted_group_name;

	const struct dw_pam_origin *origin;
	const struct dw_pam_authinfo *auth;

	/* What the service's PAM stack (dw_pamstack) lets the module know:
	 * the auth hook runs after every successful PAM authentication, and
	 * the session line can refuse the login.  STACK_MISSING: why neither
	 * holds, for the log ("" when one does). */
	bool auth_hook_ok;
	bool session_check_ok;
	const char *stack_missing;
};

enum dw_pam_verdict {
	DW_PAM_ALLOW = 0,
	DW_PAM_DENY,
	DW_PAM_IGNORE,        /* not a guarded user */
	DW_PAM_USER_UNKNOWN,
	DW_PAM_DEFER,         /* account: allowed so far, the session line decides
			       * whether the login was by key (nothing is logged yet) */
};

struct dw_pam_decision {
	enum dw_pam_verdict verdict;
	const char *rule;     /* which check decided: see pam_decide.c */
	bool by_origin;       /* denied because of where the login came from */
	char reason[384];
};

/* The account decision. */
void dw_pam_decide(const struct dw_pam_facts *f, struct dw_pam_decision *d);
/* At session open, when the account line did not run in this handle (a
 * module before it ended the stack, as Debian's common-account does for an
 * expired password: pam_unix's new_authtok_reqd=done): the account
 * decision, made now, its reason saying so. */
void dw_pam_decide_unaccounted(const struct dw_pam_facts *f, struct dw_pam_decision *d);
/* At session open: ALLOW (the deferred key login is confirmed: log it),
 * DENY (refuse the session: log it), or IGNORE (nothing more to decide). */
void dw_pam_decide_session(const struct dw_pam_facts *f, struct dw_pam_decision *d);

/* ---- logging (pam_report.c) ---- */

struct dw_pam_context {
	const char *user;
	const char *service;
	const char *tty;
	const char *phase;   /* "account" or "session": where a decision was made */
	const struct dw_pam_origin *origin;
	const struct dw_pam_authinfo *auth;
	const char *guarded_group;
};

/* Log one account decision for a guarded user: syslog LOG_AUTHPRIV and an
 * audit record (AUDIT_USER_ACCT on allow; AUDIT_ANOM_LOGIN_LOCATION when the
 * origin was the reason for a deny, else AUDIT_ANOM_LOGIN_ACCT). */
void dw_pam_report_decision(const struct dw_pam_context *c, const struct dw_pam_decision *d);
/* The audit record type for decision D (see above). */
int dw_pam_audit_type(const struct dw_pam_decision *d);
/* Log a session open ("open") or close ("close") of a guarded user (syslog). */
void dw_pam_report_session(const struct dw_pam_context *c, const char *event);

#endif
