/* fuzz_verify_line.c - arbitrary log lines through `dockwarden verify`'s
 * engine (parser, chain, signatures, judging, both reports).  Input: lines
 * separated by '\n'.  Must never crash; a fuzzer cannot forge the fixed key,
 * so any line that verifies must come from the seed corpus. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dw_sign.h"
#include "dw_verify.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The public key that signed the seed corpus (fuzz/corpus/fuzz_verify_line). */
static const char PUB[] = "dockwarden-ed25519-public v73QKqMHBsOxNgoEU/R7TfreF6Jwwukl8F0s/z8xPhM=\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct dw_pubkey pk;
	static int ready;
	struct dw_verify_opts o = { .pubkey = &pk, .max_age_s = 60, .now_us = 1 };
	struct dw_verify *v = NULL;
	const char *p = (const char *)data, *e = p + size;
	uint64_t line = 0;
	FILE *null;

	if (!ready) {
		if (dw_sign_init() < 0 || dw_pubkey_parse(PUB, sizeof PUB - 1, &pk) < 0)
			abort();
		ready = 1;
	}
	if (dw_verify_new(&o, &v) < 0)
		return 0;
	while (p < e) {
		const char *nl = memchr(p, '\n', (size_t)(e - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(e - p);
		dw_verify_line(v, "fuzz", ++line, p, n);
		p += n + 1;
	}
	dw_verify_finish(v);
	null = fopen("/dev/null", "w");
	if (null) {
		dw_verify_report_text(v, null);
		dw_verify_report_json(v, null);
		fclose(null);
	}
	dw_verify_free(v);
	return 0;
}
