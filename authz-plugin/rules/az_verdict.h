/* az_verdict.h - the outcome of evaluating one request.
 *
 * Rules report violations through az_flag(); the profile's mode for the rule
 * decides whether it is ignored (off), remembered as a warning (warn) or
 * denies (deny).  All rules are evaluated; the first deny writes Msg.
 * Decoding problems (az_reject) deny whatever the modes say: the plugin
 * cannot judge a request it cannot read the way dockerd reads it. */
#ifndef AZ_VERDICT_H
#define AZ_VERDICT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dw_policy.h"

struct az_images;

#define AZ_MSG_MAX 512
#define AZ_WARN_MAX 4
#define AZ_RULE_REQUEST (-1) /* pseudo rule of decoding problems */
#define AZ_RULE_NONE (-2)    /* no rule denied */

struct az_verdict {
	bool deny;
	int rule;                 /* enum dw_rule, AZ_RULE_REQUEST or AZ_RULE_NONE */
	char msg[AZ_MSG_MAX];     /* "dockwarden: denied: RULE: FIELD ..." */
	size_t n_warn;            /* warnings seen (may exceed AZ_WARN_MAX) */
	int warn_rule[AZ_WARN_MAX];
	char warn_msg[AZ_WARN_MAX][160];
};

/* What the plugin learnt of the dockerd it guards (GET /version); the
 * rules never depend on it but for unversioned paths. */
struct az_daemon_info {
	bool known;
	char version[32];  /* "26.1.5" */
	char api_max[16];  /* "1.45": what an unversioned path means */
};

struct az_state_ops;
struct az_jnode;

struct az_ctx {
	const struct dw_policy *pol;
	const struct dw_authz_profile *prof;
	const struct az_daemon_info *daemon; /* NULL: not known */
	const struct az_state_ops *state;    /* NULL: objects cannot be inspected (denied) */
	const struct az_images *images;      /* trusted image lists; NULL: none loaded */
	int64_t now;                         /* the decision's time (expiry of list entries) */
	/* what dockerd from 28.0.2 also masks on this host (each CPU's
	 * thermal_throttle: az_host.h); none when N_HOST_MASKED is 0 */
	const char *const *host_masked;
	size_t n_host_masked;
	struct az_verdict *v;
	/* while judging a borrowed object: what it is, for messages
	 * ("exec into container web-1"), and how many were inspected */
	const char *subject;
	unsigned borrows, depth;
	bool in_inspect;                     /* reading an inspect document, not a request */
	const char *cgroupns_default;        /* in_inspect: dockerd's own CgroupnsMode, if known */
	const struct az_jnode *target;       /* the container the route acts on (NULL: none) */
};

void az_verdict_init(struct az_verdict *v);

/* A violation of RULE; FMT describes the field ("HostConfig.Privileged is true").
 * Inside a borrowed object the message reads "SUBJECT (DETAIL)". */
void az_flag(struct az_ctx *c, enum dw_rule rule, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* The request cannot be evaluated: deny regardless of rule modes. */
void az_reject(struct az_ctx *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Name of v->rule / a warn rule for logs: "privileged", "request", "none". */
const char *az_rule_label(int rule);

/* Copy untrusted bytes S (LEN) for a message: printable ASCII kept, others
 * '?', at most OUTSZ-1 bytes ("..." appended when cut). */
void az_sanitize(const char *s, size_t len, char *out, size_t outsz);

#endif
