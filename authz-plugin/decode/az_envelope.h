/* az_envelope.h - the AuthZReq message dockerd sends (pkg/authorization.Request). */
#ifndef AZ_ENVELOPE_H
#define AZ_ENVELOPE_H

#include <stddef.h>

#include "az_eval.h"
#include "az_json.h"
#include "dw_attr.h"

struct az_envelope {
	struct az_jdoc doc;      /* the parsed message (strings point into the input) */
	char *strs;              /* NUL-terminated user, method and headers */
	char *body;              /* base64-decoded RequestBody (malloc'd) or NULL */
	struct az_request rq;    /* points into the input, strs and body */
};

/* Parse BUF (LEN bytes; must outlive ENV: rq.uri points into it).  0, or -1
 * with a reason in WHY (no input quoted).  Free ENV either way. */
DW_MUST_CHECK int az_envelope_parse(const char *buf, size_t len, struct az_envelope *env, char *why,
		      size_t whysz);
void az_envelope_free(struct az_envelope *env);

#endif
