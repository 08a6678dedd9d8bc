/* test_base64.c - az_base64_decode: known vectors, refusals, and the AVX2
 * path against the table path on generated inputs (same verdict, same
 * bytes).  Outputs are allocated to the exact promised size, so a vector
 * store past it is an ASan report in the sanitizer build. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "az_base64.h"
#include "dw_test.h"

static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static uint64_t rng = 0x9e3779b97f4a7c15u;

static uint32_t next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 32);
}

/* Decode IN both ways into exact-size buffers; 1 when they agree. */
static int agree(const char *in, size_t len, ssize_t *res)
{
	size_t cap = len / 4 * 3;
	unsigned char *a = malloc(cap ? cap : 1), *b = malloc(cap ? cap : 1);
	ssize_t ra = az_base64_decode_ex(in, len, a, true);
	ssize_t rb = az_base64_decode_ex(in, len, b, false);
	int ok = ra == rb && (ra < 0 || memcmp(a, b, (size_t)ra) == 0);

	*res = ra;
	free(a);
	free(b);
	return ok;
}

static ssize_t dec(const char *s, unsigned char *out)
{
	return az_base64_decode(s, strlen(s), out);
}

int main(void)
{
	unsigned char out[64];
	size_t n, pos, round;
	ssize_t r;

	/* RFC 4648 section 10 */
	CHECK_EQ_INT(dec("", out), 0);
	CHECK(dec("Zg==", out) == 1 && memcmp(out, "f", 1) == 0);
	CHECK(dec("Zm8=", out) == 2 && memcmp(out, "fo", 2) == 0);
	CHECK(dec("Zm9v", out) == 3 && memcmp(out, "foo", 3) == 0);
	CHECK(dec("Zm9vYg==", out) == 4 && memcmp(out, "foob", 4) == 0);
	CHECK(dec("Zm9vYmE=", out) == 5 && memcmp(out, "fooba", 5) == 0);
	CHECK(dec("Zm9vYmFy", out) == 6 && memcmp(out, "foobar", 6) == 0);
	/* refused: length, padding in the middle, stray bits, other alphabets, whitespace */
	CHECK_EQ_INT(dec("Zm9", out), -1);
	CHECK_EQ_INT(dec("Zg=a", out), -1);
	CHECK_EQ_INT(dec("Zg==Zm9v", out), -1);
	CHECK_EQ_INT(dec("Zh==", out), -1);
	CHECK_EQ_INT(dec("Zm9=", out), -1);
	CHECK_EQ_INT(dec("Zm9v-_==", out), -1);
	CHECK_EQ_INT(dec("Zm9v\nYmFy", out), -1);
	CHECK_EQ_INT(dec("====", out), -1);

	/* long valid inputs of every length class, both paths */
	for (n = 0; n <= 1200; n += 4) {
		char *in = malloc(n + 1);
		size_t i;
		for (i = 0; i < n; i++)
			in[i] = alphabet[next_rand() % 64];
		if (n >= 4 && n % 8 == 4) {
			in[n - 1] = '=';
			in[n - 2] = alphabet[(next_rand() % 16) * 4]; /* canonical: low bits 0 */
		}
		in[n] = '\0';
		CHECK(agree(in, n, &r));
		CHECK_EQ_INT(r, n == 0 ? 0 : (ssize_t)(n / 4 * 3 - (n % 8 == 4 ? 1 : 0)));
		free(in);
	}
	/* one bad byte anywhere in a 256-character input: refused by both */
	for (pos = 0; pos < 256; pos++) {
		static const char bad[] = { '=', '-', '_', ' ', '\n', '\0', '.', (char)0x80, (char)0xff, '@', '[', '`', '{' };
		char in[257];
		size_t i;
		for (i = 0; i < 256; i++)
			in[i] = alphabet[next_rand() % 64];
		in[256] = '\0';
		in[pos] = bad[pos % sizeof(bad)];
		CHECK(agree(in, 256, &r));
		if (!(bad[pos % sizeof(bad)] == '=' && pos == 255))
			CHECK_EQ_INT(r, -1);
	}
	/* random bytes from a slightly larger alphabet: same verdicts */
	for (round = 0; round < 2000; round++) {
		char in[200];
		size_t len = (next_rand() % 50) * 4, i;
		for (i = 0; i < len; i++)
			in[i] = next_rand() % 97 == 0 ? (char)(next_rand() & 0xff) : alphabet[next_rand() % 64];
		CHECK(agree(in, len, &r));
	}
	return dw_test_done();
}
