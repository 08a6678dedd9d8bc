/* dw_hex.h - one hex digit, for the parsers that decode %XX, \uXXXX, audit's
 * hex-encoded fields and hex keys. */
#ifndef DW_HEX_H
#define DW_HEX_H

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

#endif
