/* az_eval_body.c - the body of a request, as JSON dockerd will decode. */
#include <string.h>

#include "az_eval_priv.h"

int az_body_parse(struct az_ctx *c, const struct az_request *rq, struct az_jdoc *doc)
{
	struct az_jerr err;

	if (!rq->body || rq->body_len == 0) {
		az_reject(c, "request body not forwarded to the plugin "
			     "(missing Content-Type: application/json or over 1 MiB?)");
		return -1;
	}
	/* Go's decoder would stop after the first value; a document with
	 * anything after it is refused instead of guessed at. */
	if (az_json_parse(rq->body, rq->body_len, doc, &err) < 0) {
		switch (err.kind) {
		case AZ_JERR_DUPLICATE:
			az_reject(c, "ambiguous: duplicate key in body at byte %zu", err.offset);
			break;
		case AZ_JERR_UTF8:
			az_reject(c, "body is not valid UTF-8 (byte %zu)", err.offset);
			break;
		case AZ_JERR_TRUNCATED:
			az_reject(c, "body is truncated JSON");
			break;
		case AZ_JERR_TRAILING:
			az_reject(c, "body has data after the JSON document (byte %zu)", err.offset);
			break;
		default:
			az_reject(c, "body is not valid JSON (%s at byte %zu)",
				  az_json_strerror(err.kind), err.offset);
			break;
		}
		return -1;
	}
	if (!az_jis(az_json_root(doc), AZ_JOBJ)) {
		az_reject(c, "body is not a JSON object");
		az_json_free(doc);
		return -1;
	}
	return 0;
}
