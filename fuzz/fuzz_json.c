/* fuzz_json.c - libFuzzer target: az_json against jansson, differentially.
 *
 * authz-plugin/decode/az_json.c replaced jansson on the plugin's hot path and
 * promises to accept exactly what jansson accepts with
 * JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, and to read the same values.
 * Any input where the two disagree (one accepts, the other refuses, or the
 * trees differ) aborts.  One known jansson 2.14 quirk is allowed: it drops a
 * NUL byte that directly follows a number or a literal ("[1\0]" parses as
 * [1], "null\0" as null); az_json refuses those, as Go's decoder does. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "az_json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* B's member with the key of key node K (jansson keys are C strings: a key
 * holding NUL never parses there, so it matches nothing).  The copy is on the
 * heap: same() recurses up to 2048 deep. */
static json_t *member(json_t *b, az_jv k)
{
	char *key = malloc(k->n + 1u);
	json_t *m = NULL;

	if (key && !memchr(k->u.s, '\0', k->n)) {
		memcpy(key, k->u.s, k->n);
		key[k->n] = '\0';
		m = json_object_get(b, key);
	}
	free(key);
	return m;
}

static int same(az_jv a, json_t *b);

/* Same value?  Object members are compared by key, in any order. */
static int same(az_jv a, json_t *b)
{
	size_t i;
	az_jv e;

	switch (a->type) {
	case AZ_JNULL: return json_is_null(b);
	case AZ_JTRUE: return json_is_true(b);
	case AZ_JFALSE: return json_is_false(b);
	case AZ_JINT: return json_is_integer(b) && json_integer_value(b) == a->u.i;
	case AZ_JREAL: return json_is_real(b);
	case AZ_JSTR:
		return json_is_string(b) && json_string_length(b) == a->n &&
		       memcmp(json_string_value(b), a->u.s, a->n) == 0;
	case AZ_JARR:
		if (!json_is_array(b) || json_array_size(b) != a->n)
			return 0;
		AZ_JARR_FOREACH(a, i, e)
			if (!same(e, json_array_get(b, i)))
				return 0;
		return 1;
	case AZ_JOBJ:
		if (!json_is_object(b) || json_object_size(b) != a->n)
			return 0;
		AZ_JOBJ_FOREACH(a, i, e) {
			json_t *m = member(b, e);
			if (!m || !same(az_jval(e), m))
				return 0;
		}
		return 1;
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct az_jdoc doc;
	struct az_jerr err;
	json_error_t jerr;
	/* a private copy: reads past SIZE are caught by ASan */
	char *buf = malloc(size ? size : 1);
	json_t *j;
	int ours;

	if (!buf)
		return 0;
	memcpy(buf, data, size);
	ours = az_json_parse(buf, size, &doc, &err);
	j = json_loadb(buf, size, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &jerr);
	if (ours < 0 && j && (err.kind == AZ_JERR_SYNTAX || err.kind == AZ_JERR_TRAILING) &&
	    err.offset > 0 && err.offset < size && buf[err.offset] == '\0' &&
	    ((buf[err.offset - 1] >= '0' && buf[err.offset - 1] <= '9') ||
	     (buf[err.offset - 1] >= 'a' && buf[err.offset - 1] <= 'z'))) {
		json_decref(j); /* the jansson quirk above */
		j = NULL;
	}
	if ((ours == 0) != (j != NULL)) {
		fprintf(stderr, "fuzz_json: az_json %s (%s at %zu), jansson %s (%s)\n",
			ours == 0 ? "accepts" : "refuses", ours == 0 ? "-" : az_json_strerror(err.kind),
			ours == 0 ? (size_t)0 : err.offset, j ? "accepts" : "refuses", j ? "-" : jerr.text);
		abort();
	}
	if (ours == 0 && !same(az_json_root(&doc), j)) {
		fprintf(stderr, "fuzz_json: az_json and jansson read different values\n");
		abort();
	}
	if (ours == 0)
		az_json_free(&doc);
	json_decref(j);
	free(buf);
	return 0;
}
