/* dw_file.h - files the daemons trust: policy, keys, state. */
#ifndef DW_FILE_H
#define DW_FILE_H

#include <stddef.h>

/* Check an open FD: regular file, owned by root (uid 0), not group- or
 * world-writable; with SECRET also not group/world readable.
 * 0, or -EPERM with a human sentence in WHY ("owned by uid 1000, must be root"). */
int dw_file_check_secure(int fd, int secret, char *why, size_t whysz);

/* Read a whole file (at most MAX bytes, else -EFBIG) opened with O_NOFOLLOW
 * and O_CLOEXEC; *BUF is malloc'd and NUL-terminated, *LEN excludes the NUL.
 * With CHECK_SECURE the dw_file_check_secure() rules apply (-EPERM, WHY set). */
int dw_file_read(const char *path, size_t max, int check_secure, int secret,
		 char **buf, size_t *len, char *why, size_t whysz);

/* Write LEN bytes to PATH atomically (temp file in the same directory, fsync,
 * rename, fsync of the directory) with MODE. */
int dw_file_write_atomic(const char *path, const void *data, size_t len, unsigned int mode);

#endif
