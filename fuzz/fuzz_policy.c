/* fuzz_policy.c - libFuzzer target: the policy file loader.
 *
 * Input: the bytes of a policy file (it comes from disk, written by an
 * administrator or a configuration tool, and the PAM module reads it inside
 * every login).  Properties checked besides "no crash, no sanitizer report":
 *  - a rejected file reports at least one problem, each with a message and a
 *    LINE:COL that lies inside the input (or 0:0 when it has no position);
 *  - an accepted file has a canonical JSON form that loads again and prints
 *    the same canonical JSON (what `dockwarden policy check --print` shows is
 *    what the components enforce);
 *  - profile lookup never returns NULL. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dw_policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct diag_count {
	size_t n;
	int max_line;
};

static void count_diag(void *ctx, const char *file, int line, int col, const char *msg)
{
	struct diag_count *c = ctx;

	if (file == NULL || msg == NULL || msg[0] == '\0' || line < 0 || col < 0 ||
	    (line == 0) != (col == 0) || line > c->max_line)
		abort();
	c->n++;
}

static int count_lines(const uint8_t *data, size_t size)
{
	int lines = 1;
	size_t i;

	for (i = 0; i < size; i++)
		if (data[i] == '\n')
			lines++;
	return lines;
}

static void check_roundtrip(const struct dw_policy *p)
{
	struct dw_policy *again = NULL;
	char *json = NULL, *json2 = NULL;

	if (dw_policy_to_json(p, &json) < 0)
		abort();
	if (dw_policy_load_buffer("canonical", json, strlen(json), NULL, NULL, &again) < 0)
		abort(); /* the canonical form of a valid policy must be valid */
	if (dw_policy_to_json(again, &json2) < 0 || strcmp(json, json2) != 0)
		abort(); /* and must be a fixed point */
	if (dw_policy_authz_profile(p, NULL) == NULL || dw_policy_authz_profile(p, "") == NULL ||
	    dw_policy_authz_profile(p, "alice") == NULL)
		abort();
	free(json);
	free(json2);
	dw_policy_unref(again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct diag_count c = { 0, count_lines(data, size) };
	struct dw_policy *p = NULL;
	/* The loader takes a buffer and a length; copy so that reads past SIZE
	 * are caught by ASan instead of landing in libFuzzer's own memory. */
	char *buf = malloc(size ? size : 1);
	int r;

	if (buf == NULL)
		return 0;
	memcpy(buf, data, size);
	r = dw_policy_load_buffer("fuzz.json", buf, size, count_diag, &c, &p);
	if (r == 0) {
		if (p == NULL || c.n != 0)
			abort();
		check_roundtrip(p);
		dw_policy_unref(p);
	} else if (r == -EINVAL && c.n == 0) {
		abort(); /* rejected without saying why */
	}
	free(buf);
	return 0;
}
