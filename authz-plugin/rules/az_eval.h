/* az_eval.h - decide one AuthZReq: the request as dockerd will act on it,
 * checked against the caller's profile. */
#ifndef AZ_EVAL_H
#define AZ_EVAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "az_state.h"
#include "az_verdict.h"
#include "dw_policy.h"

struct az_request {
	const char *user;          /* "" when dockerd did not authenticate the client */
	const char *method;
	const char *uri;           /* RequestUri as sent by the client */
	size_t uri_len;
	const char *body;          /* decoded RequestBody; NULL when not forwarded */
	size_t body_len;
	const char *content_type;  /* RequestHeaders Content-Type, NULL if none */
	const char *content_length;/* RequestHeaders Content-Length, NULL if none */
	const struct az_daemon_info *daemon; /* NULL: not known (yet) */
	const struct az_state_ops *state;    /* inspects existing objects; NULL: none (denied) */
	const struct az_images *images;      /* trusted image lists; NULL: none loaded */
	int64_t now;                         /* seconds since the epoch, for list expiry */
	const char *const *host_masked;      /* az_host_masked_paths()'s; may be NULL with */
	size_t n_host_masked;                /* N_HOST_MASKED 0: none on this host */
};

/* Fill V.  Never fails: anything it cannot read is a deny with a reason.
 * PATH_OUT (may be NULL) receives the decoded request path for logs. */
void az_evaluate(const struct dw_policy *pol, const struct az_request *rq,
		 struct az_verdict *v, char *path_out, size_t path_outsz);

#endif
