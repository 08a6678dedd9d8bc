/* az_eval_body.c - the body of a request, as JSON dockerd will decode. */
#include <string.h>

#include "az_eval_priv.h"

json_t *az_body_parse(struct az_ctx *c, const struct az_request *rq)
{
	json_error_t err;
	json_t *doc;

	if (!rq->body || rq->body_len == 0) {
		az_reject(c, "request body not forwarded to the plugin "
			     "(missing Content-Type: application/json or over 1 MiB?)");
		return NULL;
	}
	/* Go's decoder would stop after the first value; a document with
	 * anything after it is refused instead of guessed at. */
	doc = json_loadb(rq->body, rq->body_len, JSON_REJECT_DUPLICATES, &err);
	if (!doc) {
		/* jansson's text quotes the input: report only the kind and offset */
		switch (json_error_code(&err)) {
		case json_error_duplicate_key:
			az_reject(c, "ambiguous: duplicate key in body at byte %d", err.position);
			break;
		case json_error_invalid_utf8:
			az_reject(c, "body is not valid UTF-8 (byte %d)", err.position);
			break;
		case json_error_premature_end_of_input:
			az_reject(c, "body is truncated JSON");
			break;
		case json_error_end_of_input_expected:
			az_reject(c, "body has data after the JSON document (byte %d)", err.position);
			break;
		default:
			az_reject(c, "body is not valid JSON (byte %d)", err.position);
			break;
		}
		return NULL;
	}
	if (!json_is_object(doc)) {
		az_reject(c, "body is not a JSON object");
		json_decref(doc);
		return NULL;
	}
	return doc;
}
