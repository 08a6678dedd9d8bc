/* dw_why.h - a library's one way of saying why it failed: a sentence into
 * the caller's WHY buffer (WHYSZ bytes; NULL or 0: nothing said). */
#ifndef DW_WHY_H
#define DW_WHY_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

__attribute__((format(printf, 3, 4))) static inline void dw_why(char *why, size_t whysz,
								const char *fmt, ...)
{
	va_list ap;

	if (!why || whysz == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(why, whysz, fmt, ap);
	va_end(ap);
}

#endif
