/* az_envelope.c - decode dockerd's AuthZReq JSON. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sodium.h>

#include "az_envelope.h"

static const char *str_member(json_t *doc, const char *key, size_t *len)
{
	json_t *v = json_object_get(doc, key);

	if (!json_is_string(v)) {
		*len = 0;
		return NULL;
	}
	*len = json_string_length(v);
	return json_string_value(v);
}

/* http.Header keys are canonical ("Content-Type"); compare without case anyway. */
static const char *header(json_t *hdrs, const char *name)
{
	const char *key;
	json_t *val;

	if (!json_is_object(hdrs))
		return NULL;
	json_object_foreach(hdrs, key, val) {
		if (strcasecmp(key, name) == 0 && json_is_string(val))
			return json_string_value(val);
	}
	return NULL;
}

int az_envelope_parse(const char *buf, size_t len, struct az_envelope *env, char *why,
		      size_t whysz)
{
	json_error_t err;
	json_t *b64;
	size_t n;
	int rc = -1;

	memset(env, 0, sizeof(*env));
	env->doc = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &err);
	if (!env->doc || !json_is_object(env->doc)) {
		snprintf(why, whysz, "AuthZReq is not a JSON object (byte %d)", env->doc ? 0 : err.position);
		goto out;
	}
	env->rq.user = str_member(env->doc, "User", &n);
	if (!env->rq.user || memchr(env->rq.user, '\0', n))
		env->rq.user = "";
	env->rq.method = str_member(env->doc, "RequestMethod", &n);
	env->rq.uri = str_member(env->doc, "RequestUri", &env->rq.uri_len);
	if (!env->rq.method || !env->rq.uri || n == 0 || memchr(env->rq.method, '\0', n)) {
		snprintf(why, whysz, "AuthZReq lacks RequestMethod or RequestUri");
		goto out;
	}
	b64 = json_object_get(env->doc, "RequestBody");
	if (b64 && !json_is_null(b64)) {
		const char *s = json_string_value(b64);
		size_t sl = json_string_length(b64), bl = 0;
		const char *end = NULL;
		if (!s) {
			snprintf(why, whysz, "AuthZReq RequestBody is not a base64 string");
			goto out;
		}
		env->body = malloc(sl / 4 * 3 + 3);
		if (!env->body) {
			snprintf(why, whysz, "out of memory");
			goto out;
		}
		if (sodium_base642bin((unsigned char *)env->body, sl / 4 * 3 + 3, s, sl, NULL, &bl, &end,
				      sodium_base64_VARIANT_ORIGINAL) != 0 ||
		    end != s + sl) {
			snprintf(why, whysz, "AuthZReq RequestBody is not valid base64");
			goto out;
		}
		env->rq.body = bl ? env->body : NULL;
		env->rq.body_len = bl;
	}
	env->rq.content_type = header(json_object_get(env->doc, "RequestHeaders"), "Content-Type");
	env->rq.content_length = header(json_object_get(env->doc, "RequestHeaders"), "Content-Length");
	rc = 0;
out:
	return rc;
}

void az_envelope_free(struct az_envelope *env)
{
	free(env->body);
	json_decref(env->doc);
	memset(env, 0, sizeof(*env));
}
