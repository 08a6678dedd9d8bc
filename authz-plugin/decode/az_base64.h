/* az_base64.h - strict standard base64 (Go's base64.StdEncoding output:
 * padded, no line breaks), decoded fast: a 1 MiB body is on dockerd's path. */
#ifndef AZ_BASE64_H
#define AZ_BASE64_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Decode IN (LEN bytes) into OUT (at least LEN / 4 * 3 bytes).  Returns the
 * decoded length, or -1 for anything that is not canonical padded base64. */
ssize_t az_base64_decode(const char *in, size_t len, unsigned char *out);
/* The same with the vector path allowed or not (tests compare the two). */
ssize_t az_base64_decode_ex(const char *in, size_t len, unsigned char *out, bool vector);

#endif
