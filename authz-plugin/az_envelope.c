/* az_envelope.c - decode dockerd's AuthZReq JSON. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "az_base64.h"
#include "az_envelope.h"

/* Fast path: a 1 MiB body arrives as a 1.4 MB base64 string, and lexing it
 * through jansson character by character costs milliseconds.  A small
 * scanner finds the top-level "RequestBody" string; when it is plain (no
 * escapes, as Go's encoder writes base64) jansson parses the envelope with
 * that value cut to "" and the base64 is decoded straight from the buffer.
 * Anything unusual (escaped key, escapes in the value, odd nesting) takes
 * the slow path: the whole envelope through jansson. */
static size_t skip_ws(const char *b, size_t i, size_t n)
{
	while (i < n && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r'))
		i++;
	return i;
}

/* I at an opening quote: index after the closing quote, or N when unterminated. */
static size_t skip_string(const char *b, size_t i, size_t n)
{
	for (i++; i < n; i++) {
		if (b[i] == '\\')
			i++;
		else if (b[i] == '"')
			return i + 1;
	}
	return n;
}

/* I at the start of a value: index after it (strings and nesting aware). */
static size_t skip_value(const char *b, size_t i, size_t n)
{
	int depth = 0;

	while (i < n) {
		char ch = b[i];
		if (ch == '"') {
			i = skip_string(b, i, n);
			if (depth == 0)
				return i;
			continue;
		}
		if (ch == '{' || ch == '[') {
			depth++;
		} else if (ch == '}' || ch == ']') {
			if (depth == 0)
				return i;
			if (--depth == 0)
				return i + 1;
		} else if (ch == ',' && depth == 0) {
			return i;
		}
		i++;
	}
	return n;
}

/* 1 and [*VS, *VE) = the raw characters of the top-level RequestBody string. */
static int find_body(const char *b, size_t n, size_t *vs, size_t *ve)
{
	static const char key[] = "\"RequestBody\"";
	size_t i = skip_ws(b, 0, n);

	if (i >= n || b[i] != '{')
		return 0;
	for (i++;;) {
		size_t ks;
		i = skip_ws(b, i, n);
		if (i >= n || b[i] != '"')
			return 0;
		ks = i;
		i = skip_string(b, i, n);
		i = skip_ws(b, i, n);
		if (i >= n || b[i] != ':')
			return 0;
		i = skip_ws(b, i + 1, n);
		if (i >= n)
			return 0;
		if (i - ks >= sizeof(key) - 1 && memcmp(b + ks, key, sizeof(key) - 1) == 0 &&
		    skip_ws(b, ks + sizeof(key) - 1, n) < n && b[i] == '"') {
			const char *q = memchr(b + i + 1, '"', n - i - 1);
			if (!q || memchr(b + i + 1, '\\', (size_t)(q - b - i - 1)))
				return 0;
			*vs = i + 1;
			*ve = (size_t)(q - b);
			return 1;
		}
		i = skip_ws(b, skip_value(b, i, n), n);
		if (i >= n || b[i] != ',')
			return 0;
		i++;
	}
}

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
	size_t n, vs = 0, ve = 0;
	char *small = NULL;
	const char *src = NULL; /* base64 text and length, from the buffer or the DOM */
	size_t srclen = 0;
	int rc = -1;

	memset(env, 0, sizeof(*env));
	if (len == 0) {
		/* What dockerd 20.10 sends when it retries a request a plugin
		 * restart cut off: the retry re-reads an already consumed body. */
		snprintf(why, whysz, "AuthZReq is empty");
		goto out;
	}
	if (find_body(buf, len, &vs, &ve)) {
		small = malloc(len - (ve - vs) + 1);
		if (!small) {
			snprintf(why, whysz, "out of memory");
			goto out;
		}
		memcpy(small, buf, vs);
		memcpy(small + vs, buf + ve, len - ve);
		env->doc = json_loadb(small, len - (ve - vs), JSON_REJECT_DUPLICATES, &err);
		src = buf + vs;
		srclen = ve - vs;
	} else {
		env->doc = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &err);
	}
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
	if (b64 && !json_is_null(b64) && !json_is_string(b64)) {
		snprintf(why, whysz, "AuthZReq RequestBody is not a base64 string");
		goto out;
	}
	if (!small && json_is_string(b64)) {
		src = json_string_value(b64);
		srclen = json_string_length(b64);
	}
	if (src && srclen > 0) {
		ssize_t bl;
		env->body = malloc(srclen / 4 * 3 + 1);
		if (!env->body) {
			snprintf(why, whysz, "out of memory");
			goto out;
		}
		bl = az_base64_decode(src, srclen, (unsigned char *)env->body);
		if (bl < 0) {
			snprintf(why, whysz, "AuthZReq RequestBody is not valid base64");
			goto out;
		}
		env->rq.body = bl ? env->body : NULL;
		env->rq.body_len = (size_t)bl;
	}
	env->rq.content_type = header(json_object_get(env->doc, "RequestHeaders"), "Content-Type");
	env->rq.content_length = header(json_object_get(env->doc, "RequestHeaders"), "Content-Length");
	rc = 0;
out:
	free(small);
	return rc;
}

void az_envelope_free(struct az_envelope *env)
{
	free(env->body);
	json_decref(env->doc);
	memset(env, 0, sizeof(*env));
}
