/* dw_hex.h - hex digits and strings, for the parsers that decode %XX,
 * \uXXXX, audit's hex-encoded fields, digests and keys: the one decoder. */
#ifndef DW_HEX_H
#define DW_HEX_H

#include <stddef.h>
#include <stdint.h>

#include "dw_attr.h"

/* The value of hex digit C (either case), or -1. */
static inline int dw_hex_digit(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* The same, lowercase digits only: for forms with one spelling (digests,
 * the signed records' escapes), where "AB" is not "ab". */
static inline int dw_hex_digit_lower(int c)
{
	return c >= 'A' && c <= 'F' ? -1 : dw_hex_digit(c);
}

/* Lowercase hex of IN's N bytes into OUT (2N bytes, no NUL). */
void dw_hex_encode(const uint8_t *in, size_t n, char *out);
/* 0 when IN (INLEN = 2N hex digits, either case) decodes into OUT (N bytes);
 * -EINVAL otherwise (OUT then partly written). */
DW_MUST_CHECK int dw_hex_decode(const char *in, size_t inlen, uint8_t *out, size_t n);

#endif
