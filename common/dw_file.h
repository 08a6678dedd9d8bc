/* dw_file.h - files the daemons trust: policy, keys, state.
 *
 * Errors: a function returning int returns 0 or a negative errno
 * (ssize_t: the length, or a negative errno), unless it says otherwise. */
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

/* Write all LEN bytes of BUF to FD with write(2), retrying partial writes and
 * EINTR.  0, or -errno of the failing write (the bytes before it may have
 * been written).  Sockets: write(2) raises SIGPIPE on a closed peer, so a
 * caller writing to one must ignore SIGPIPE to get -EPIPE instead. */
int dw_write_all(int fd, const void *buf, size_t len);

#endif
