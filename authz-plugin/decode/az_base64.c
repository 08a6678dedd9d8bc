/* az_base64.c - strict base64 decoding: AVX2 where the CPU has it (32
 * characters per step), a table otherwise and for the tail.
 *
 * A 1 MiB body is 1.4 MB of base64: the table loop took ~0.45 ms of the
 * ~1 ms budget for such a request.  The vector path only handles blocks of
 * plain alphabet characters; a block holding anything else ('=', an invalid
 * byte) is left to the table loop, which gives the verdict, so both paths
 * accept exactly the same inputs (tests/unit/test_base64.c compares them). */
#include <stdbool.h>
#include <stdint.h>

#include "az_base64.h"
#include "az_cpu.h"

/* 0..63 for the alphabet, 64 for '=', 255 for everything else. */
static const uint8_t dec[256] = {
	255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
	255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
	255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,  62, 255, 255, 255,  63,
	 52,  53,  54,  55,  56,  57,  58,  59,  60,  61, 255, 255, 255,  64, 255, 255,
	255,   0,   1,   2,   3,   4,   5,   6,   7,   8,   9,  10,  11,  12,  13,  14,
	 15,  16,  17,  18,  19,  20,  21,  22,  23,  24,  25, 255, 255, 255, 255, 255,
	255,  26,  27,  28,  29,  30,  31,  32,  33,  34,  35,  36,  37,  38,  39,  40,
	 41,  42,  43,  44,  45,  46,  47,  48,  49,  50,  51, 255, 255, 255, 255, 255,
	255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
	255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
	255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
	255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
	255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
	255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
	255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
	255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
};

#ifdef AZ_AVX2
/* Decode whole 32-character blocks of IN while at least 48 characters
 * remain before FULL (each store writes 32 bytes, 8 past the block's 24).
 * Returns the characters consumed (a multiple of 32); stops early at a
 * block holding anything outside the alphabet. */
AZ_TARGET_AVX2 static size_t decode_avx2(const unsigned char *in, size_t full, unsigned char *out)
{
	const __m256i shuf = _mm256_setr_epi8(2, 1, 0, 6, 5, 4, 10, 9, 8, 14, 13, 12, -1, -1, -1, -1,
					      2, 1, 0, 6, 5, 4, 10, 9, 8, 14, 13, 12, -1, -1, -1, -1);
	const __m256i pack = _mm256_setr_epi32(0, 1, 2, 4, 5, 6, 7, 7);
	size_t i = 0;

	while (full - i >= 48) {
		__m256i x = _mm256_loadu_si256((const __m256i *)(const void *)(in + i));
		/* signed compares: bytes >= 0x80 are negative and match no range */
		__m256i up = _mm256_and_si256(_mm256_cmpgt_epi8(x, _mm256_set1_epi8('A' - 1)),
					      _mm256_cmpgt_epi8(_mm256_set1_epi8('Z' + 1), x));
		__m256i lo = _mm256_and_si256(_mm256_cmpgt_epi8(x, _mm256_set1_epi8('a' - 1)),
					      _mm256_cmpgt_epi8(_mm256_set1_epi8('z' + 1), x));
		__m256i dg = _mm256_and_si256(_mm256_cmpgt_epi8(x, _mm256_set1_epi8('0' - 1)),
					      _mm256_cmpgt_epi8(_mm256_set1_epi8('9' + 1), x));
		__m256i pl = _mm256_cmpeq_epi8(x, _mm256_set1_epi8('+'));
		__m256i sl = _mm256_cmpeq_epi8(x, _mm256_set1_epi8('/'));
		__m256i ok = _mm256_or_si256(_mm256_or_si256(up, lo), _mm256_or_si256(dg, _mm256_or_si256(pl, sl)));
		__m256i shift, v;

		if ((uint32_t)_mm256_movemask_epi8(ok) != 0xffffffffu)
			break;
		/* 'A'..'Z' -> 0..25, 'a'..'z' -> 26..51, '0'..'9' -> 52..61, '+' 62, '/' 63 */
		shift = _mm256_or_si256(
			_mm256_or_si256(_mm256_and_si256(up, _mm256_set1_epi8(-65)),
					_mm256_and_si256(lo, _mm256_set1_epi8(-71))),
			_mm256_or_si256(_mm256_and_si256(dg, _mm256_set1_epi8(4)),
					_mm256_or_si256(_mm256_and_si256(pl, _mm256_set1_epi8(19)),
							_mm256_and_si256(sl, _mm256_set1_epi8(16)))));
		v = _mm256_add_epi8(x, shift);
		/* per 4 sextets a,b,c,d: (a<<6|b, c<<6|d), then a<<18|b<<12|c<<6|d */
		v = _mm256_maddubs_epi16(v, _mm256_set1_epi32(0x01400140));
		v = _mm256_madd_epi16(v, _mm256_set1_epi32(0x00011000));
		/* 3 bytes per 32-bit lane, most significant first; 24 bytes in all */
		v = _mm256_shuffle_epi8(v, shuf);
		v = _mm256_permutevar8x32_epi32(v, pack);
		_mm256_storeu_si256((__m256i *)(void *)(out + i / 4 * 3), v);
		i += 32;
	}
	return i;
}

#endif

ssize_t az_base64_decode(const char *in, size_t len, unsigned char *out)
{
	return az_base64_decode_ex(in, len, out, true);
}

ssize_t az_base64_decode_ex(const char *in, size_t len, unsigned char *out, bool vector)
{
	const unsigned char *p = (const unsigned char *)in;
	size_t i = 0, o = 0, full;
	unsigned pad = 0;

	if (len % 4 != 0)
		return -1;
	if (len == 0)
		return 0;
	if (p[len - 1] == '=')
		pad = p[len - 2] == '=' ? 2 : 1;
	full = len - (pad ? 4 : 0);
#ifdef AZ_AVX2
	if (vector && az_have_avx2()) {
		i = decode_avx2(p, full, out);
		o = i / 4 * 3;
	}
#else
	(void)vector;
#endif
	for (; i < full; i += 4) {
		uint32_t a = dec[p[i]], b = dec[p[i + 1]], c = dec[p[i + 2]], d = dec[p[i + 3]];
		if ((a | b | c | d) & 0xc0) /* 64 ('=') or 255 (invalid) */
			return -1;
		uint32_t v = a << 18 | b << 12 | c << 6 | d;
		out[o++] = (unsigned char)(v >> 16);
		out[o++] = (unsigned char)(v >> 8);
		out[o++] = (unsigned char)v;
	}
	if (pad) {
		uint32_t a = dec[p[i]], b = dec[p[i + 1]], c = dec[p[i + 2]];
		if ((a | b) & 0xc0)
			return -1;
		if (pad == 2) {
			if (b & 0x0f) /* non-canonical: stray bits */
				return -1;
			out[o++] = (unsigned char)(a << 2 | b >> 4);
		} else {
			if ((c & 0xc0) || (c & 0x03))
				return -1;
			out[o++] = (unsigned char)(a << 2 | b >> 4);
			out[o++] = (unsigned char)((b & 0x0f) << 4 | c >> 2);
		}
	}
	return (ssize_t)o;
}
