/* fuzz_imagelist.c - trusted image lists and minisign files
 * (common/dw_imagelist.c, dw_minisign.c): the input as a list, as a public
 * key, as a secret key (without a password, so no scrypt is run) and as a
 * signature of a fixed text by a fixed key.  Must never crash, and the
 * parsers' results must hold what they promise (sorted, bounded). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "dw_imagelist.h"
#include "dw_minisign.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* tests/images/data/a.pub (a test-only key) */
static const char PUB[] = "untrusted comment: minisign public key D0E420C32D6EEDDF\n"
			  "RWTf7W4twyDk0O4IxVRsNkMgiEoPDh8kNbmKNmUFkVdUKKckO8NZTAXI\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct dw_minisign_pk fixed;
	static int ready;
	const char *s = (const char *)data;
	struct dw_image_list l = { 0 };
	struct dw_minisign_pk pk;
	struct dw_minisign_sk sk;
	char err[300], tc[64];
	unsigned line;

	if (!ready) {
		if (sodium_init() < 0 || dw_minisign_pk_parse(PUB, sizeof(PUB) - 1, &fixed, err,
							      sizeof(err)) < 0)
			abort();
		ready = 1;
	}
	if (dw_imagelist_parse(s, size, &l, &line, err, sizeof(err)) == 0) {
		for (size_t i = 1; i < l.n; i++)
			if (memcmp(l.v[i - 1].digest, l.v[i].digest, 32) >= 0)
				abort(); /* sorted, no duplicates */
		for (size_t i = 0; i < l.n; i++)
			if (strlen(l.v[i].comment) > DW_IMAGELIST_COMMENT_MAX)
				abort();
		dw_imagelist_free(&l);
	} else if (l.v || l.n || line == 0) {
		abort(); /* a refusal leaves nothing and names a line */
	}
	if (dw_minisign_pk_parse(s, size, &pk, err, sizeof(err)) != 0 && err[0] == '\0')
		abort(); /* a refusal says why */
	if (dw_minisign_sk_parse(s, size, NULL, &sk, err, sizeof(err)) == 0)
		dw_minisign_sk_wipe(&sk);
	if (dw_minisign_verify(&fixed, s, size, (const uint8_t *)"x", 1, tc, sizeof(tc), err,
			       sizeof(err)) == 0)
		abort(); /* nobody but the key's holder signs "x" */
	return 0;
}
