/* fuzz_authz.c - libFuzzer target: the authz request decoder and policy evaluation.
 *
 * Input: either a whole AuthZReq envelope (starts with '{'), decoded as the
 * daemon decodes it, or "METHOD URI\nBODY" (BODY forwarded as RequestBody
 * with Content-Type application/json), which reaches the body decoder and the
 * rules directly.  Evaluated against the built-in default policy and against
 * a permissive profile, so both deny and warn paths run. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "az_envelope.h"
#include "az_eval.h"
#include "dw_policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct dw_policy *pol_default, *pol_warn;

static void init(void)
{
	static const char warn[] =
		"{\"authz\":{\"rules\":{\"privileged\":\"warn\",\"host_mounts\":\"warn\","
		"\"capabilities\":\"warn\",\"trusted_registries\":\"deny\"},"
		"\"trusted_registries\":[\"registry.example.com\"]}}";

	if (pol_default)
		return;
	if (dw_policy_load_default(&pol_default) < 0 ||
	    dw_policy_load_buffer("fuzz", warn, sizeof(warn) - 1, NULL, NULL, &pol_warn) < 0)
		abort();
}

static void evaluate(const struct az_request *rq)
{
	struct az_verdict v;
	char path[256];

	az_evaluate(pol_default, rq, &v, path, sizeof(path));
	if (v.deny && strncmp(v.msg, "dockwarden: denied: ", 20) != 0)
		abort(); /* every deny must carry a well-formed message */
	az_evaluate(pol_warn, rq, &v, NULL, 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	init();
	if (size > 0 && data[0] == '{') {
		struct az_envelope env;
		char why[160];
		if (az_envelope_parse((const char *)data, size, &env, why, sizeof(why)) == 0)
			evaluate(&env.rq);
		az_envelope_free(&env);
	} else {
		const char *nl = memchr(data, '\n', size);
		const char *sp = memchr(data, ' ', nl ? (size_t)(nl - (const char *)data) : size);
		char method[16];
		struct az_request rq = { .user = "", .content_type = "application/json" };
		size_t ml;

		if (!nl || !sp || (ml = (size_t)(sp - (const char *)data)) >= sizeof(method))
			return 0;
		memcpy(method, data, ml);
		method[ml] = '\0';
		rq.method = method;
		rq.uri = sp + 1;
		rq.uri_len = (size_t)(nl - sp - 1);
		rq.body = nl + 1;
		rq.body_len = size - (size_t)(nl + 1 - (const char *)data);
		evaluate(&rq);
	}
	return 0;
}
