/* az_envelope.h - the AuthZReq message dockerd sends (pkg/authorization.Request). */
#ifndef AZ_ENVELOPE_H
#define AZ_ENVELOPE_H

#include <stddef.h>
#include <jansson.h>

#include "az_eval.h"

struct az_envelope {
	json_t *doc;
	char *body;              /* base64-decoded RequestBody (malloc'd) or NULL */
	struct az_request rq;    /* points into doc and body */
};

/* Parse BUF (LEN bytes).  0, or -1 with a reason in WHY (no input quoted). */
int az_envelope_parse(const char *buf, size_t len, struct az_envelope *env, char *why,
		      size_t whysz);
void az_envelope_free(struct az_envelope *env);

#endif
