/* az_envelope.c - decode dockerd's AuthZReq JSON.
 *
 * A 1 MiB body arrives as a 1.4 MB base64 string inside this envelope:
 * az_json finds its end 16 bytes at a time and the base64 is decoded straight
 * from the input buffer. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "az_base64.h"
#include "az_envelope.h"

/* A string member of the envelope, or NULL (absent, not a string). */
static az_jv str_member(az_jv doc, const char *key)
{
	az_jv v = az_jget(doc, key);

	return az_jis(v, AZ_JSTR) ? v : NULL;
}

/* http.Header maps a canonical name ("Content-Type") to a list of values;
 * dockerd's plugin client flattens it to the first value.  Compare names
 * without case anyway. */
static az_jv header(az_jv hdrs, const char *name)
{
	size_t i, nl = strlen(name);
	az_jv k;

	AZ_JOBJ_FOREACH(hdrs, i, k)
		if (k->n == nl && strncasecmp(k->u.s, name, nl) == 0 && az_jis(az_jval(k), AZ_JSTR))
			return az_jval(k);
	return NULL;
}

/* NUL-terminated copy of string node V into the envelope's string area
 * (sized for all of them); "" for NULL.  NULL when V holds a NUL byte. */
static const char *copy_str(struct az_envelope *env, size_t *used, az_jv v)
{
	char *dst = env->strs + *used;

	if (!v)
		return NULL;
	if (memchr(v->u.s, '\0', v->n))
		return NULL;
	memcpy(dst, v->u.s, v->n);
	dst[v->n] = '\0';
	*used += (size_t)v->n + 1;
	return dst;
}

int az_envelope_parse(const char *buf, size_t len, struct az_envelope *env, char *why,
		      size_t whysz)
{
	struct az_jerr err;
	az_jv root, user, method, uri, b64, hdrs, ct, cl;
	size_t used = 0;
	int rc = -1;

	memset(env, 0, sizeof(*env));
	if (len == 0) {
		/* What dockerd 20.10 sends when it retries a request a plugin
		 * restart cut off: the retry re-reads an already consumed body. */
		snprintf(why, whysz, "AuthZReq is empty");
		goto out;
	}
	if (az_json_parse(buf, len, &env->doc, &err) < 0) {
		snprintf(why, whysz, "AuthZReq is not JSON (%s at byte %zu)",
			 az_json_strerror(err.kind), err.offset);
		goto out;
	}
	root = az_json_root(&env->doc);
	if (!az_jis(root, AZ_JOBJ)) {
		snprintf(why, whysz, "AuthZReq is not a JSON object");
		goto out;
	}
	user = str_member(root, "User");
	method = str_member(root, "RequestMethod");
	uri = str_member(root, "RequestUri");
	hdrs = az_jget(root, "RequestHeaders");
	if (hdrs && !az_jis_null(hdrs) && !az_jis(hdrs, AZ_JOBJ)) {
		/* dockerd sends an http.Header map: anything else is not its */
		snprintf(why, whysz, "AuthZReq RequestHeaders is not a JSON object");
		goto out;
	}
	ct = header(hdrs, "Content-Type");
	cl = header(hdrs, "Content-Length");
	if (!method || !uri || method->n == 0) {
		snprintf(why, whysz, "AuthZReq lacks RequestMethod or RequestUri");
		goto out;
	}
	env->strs = malloc(az_jlen(user) + az_jlen(method) + az_jlen(ct) + az_jlen(cl) + 4);
	if (!env->strs) {
		snprintf(why, whysz, "out of memory");
		goto out;
	}
	env->rq.user = copy_str(env, &used, user);
	if (!env->rq.user)
		env->rq.user = "";
	env->rq.method = copy_str(env, &used, method);
	if (!env->rq.method) {
		snprintf(why, whysz, "AuthZReq lacks RequestMethod or RequestUri");
		goto out;
	}
	env->rq.uri = uri->u.s;
	env->rq.uri_len = uri->n;
	env->rq.content_type = copy_str(env, &used, ct);
	env->rq.content_length = copy_str(env, &used, cl);
	b64 = az_jget(root, "RequestBody");
	if (b64 && !az_jis_null(b64) && !az_jis(b64, AZ_JSTR)) {
		snprintf(why, whysz, "AuthZReq RequestBody is not a base64 string");
		goto out;
	}
	if (az_jlen(b64) > 0) {
		ssize_t bl;
		env->body = malloc(b64->n / 4 * 3 + 1);
		if (!env->body) {
			snprintf(why, whysz, "out of memory");
			goto out;
		}
		bl = az_base64_decode(b64->u.s, b64->n, (unsigned char *)env->body);
		if (bl < 0) {
			snprintf(why, whysz, "AuthZReq RequestBody is not valid base64");
			goto out;
		}
		env->rq.body = bl ? env->body : NULL;
		env->rq.body_len = (size_t)bl;
	}
	rc = 0;
out:
	return rc;
}

void az_envelope_free(struct az_envelope *env)
{
	free(env->body);
	free(env->strs);
	az_json_free(&env->doc);
	memset(env, 0, sizeof(*env));
}
