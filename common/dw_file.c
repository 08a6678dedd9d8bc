/* dw_file.c - reading files the daemons trust, and replacing them safely.
 *
 * A policy or key file that another user can write is a policy that user
 * controls, so trust is checked on the open descriptor (no race between a
 * check and the open), symlinks are refused, and sizes are bounded.  Writes
 * go to a temp file that is renamed into place, so a crash never leaves a
 * half-written state or key file. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dw_file.h"
#include "dw_why.h"

#define DW_FILE_PATH_MAX 4096
#define DW_READ_CHUNK 65536

int dw_file_check_secure(int fd, int secret, char *why, size_t whysz)
{
	struct stat st;
	int ret;

	if (why && whysz)
		why[0] = '\0';
	if (fstat(fd, &st) != 0) {
		ret = -errno;
		dw_why(why, whysz, "cannot stat: %s", strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		ret = -EPERM;
		dw_why(why, whysz, "is not a regular file");
		goto out;
	}
	if (st.st_uid != 0) {
		ret = -EPERM;
		dw_why(why, whysz, "owned by uid %u, must be root", (unsigned int)st.st_uid);
		goto out;
	}
	if (st.st_mode & (S_IWGRP | S_IWOTH)) {
		ret = -EPERM;
		dw_why(why, whysz, "mode %04o is group- or world-writable, must not be",
			(unsigned int)(st.st_mode & 07777));
		goto out;
	}
	if (secret && (st.st_mode & (S_IRGRP | S_IROTH))) {
		ret = -EPERM;
		dw_why(why, whysz, "mode %04o is group- or world-readable, must be 0600 or stricter",
			(unsigned int)(st.st_mode & 07777));
		goto out;
	}
	ret = 0;
out:
	return ret;
}

/* Free a buffer that may hold a secret.  explicit_bzero(3) (glibc) is
 * never optimised away, the guarantee sodium_memzero gives; using it keeps
 * this file free of libsodium, so the PAM module that reads the policy
 * through it does not load libsodium on every pam_start. */
static void wipe_free(char *buf, size_t sz)
{
	if (buf) {
		explicit_bzero(buf, sz);
		free(buf);
	}
}

int dw_file_read(const char *path, size_t max, int check_secure, int secret, char **buf,
		 size_t *len, char *why, size_t whysz)
{
	struct stat st;
	char *data = NULL;
	size_t cap = 0, used = 0;
	int fd = -1, ret;

	if (why && whysz)
		why[0] = '\0';
	if (!path || !buf || !len || max >= SIZE_MAX - 1) {
		ret = -EINVAL;
		goto out;
	}
	*buf = NULL;
	*len = 0;
	/* O_NONBLOCK: opening a FIFO planted in place of the file must not
	 * hang a daemon; the fstat below then refuses anything not regular. */
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		ret = -errno;
		if (errno == ELOOP)
			dw_why(why, whysz, "is a symbolic link, refused");
		else
			dw_why(why, whysz, "cannot open: %s", strerror(errno));
		goto out;
	}
	if (check_secure) {
		ret = dw_file_check_secure(fd, secret, why, whysz);
		if (ret < 0)
			goto out;
	}
	if (fstat(fd, &st) != 0) {
		ret = -errno;
		dw_why(why, whysz, "cannot stat: %s", strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		ret = -EINVAL;
		dw_why(why, whysz, "is not a regular file");
		goto out;
	}
	if (st.st_size < 0 || (unsigned long long)st.st_size > max) {
		ret = -EFBIG;
		dw_why(why, whysz, "is %lld bytes, more than the limit of %zu",
			(long long)st.st_size, max);
		goto out;
	}

	/* Read until EOF: the file may change size under us, and the limit
	 * holds for what is read, not what fstat said. */
	cap = (size_t)st.st_size + 1;
	for (;;) {
		ssize_t r;

		if (used + 1 >= cap) {
			size_t ncap = cap > max / 2 ? max + 2 : cap * 2;
			char *nd;

			if (ncap <= cap) {
				ret = -EFBIG;
				goto out;
			}
			nd = malloc(ncap);
			if (!nd) {
				ret = -ENOMEM;
				goto out;
			}
			if (data)
				memcpy(nd, data, used);
			wipe_free(data, cap);
			data = nd;
			cap = ncap;
		} else if (!data) {
			data = malloc(cap);
			if (!data) {
				ret = -ENOMEM;
				goto out;
			}
		}
		r = read(fd, data + used, cap - 1 - used);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			ret = -errno;
			dw_why(why, whysz, "cannot read: %s", strerror(errno));
			goto out;
		}
		if (r == 0)
			break;
		used += (size_t)r;
		if (used > max) {
			ret = -EFBIG;
			dw_why(why, whysz, "grew beyond the limit of %zu bytes", max);
			goto out;
		}
	}
	if (!data) {
		data = malloc(1);
		if (!data) {
			ret = -ENOMEM;
			goto out;
		}
		cap = 1;
	}
	data[used] = '\0';
	*buf = data;
	*len = used;
	data = NULL;
	ret = 0;
out:
	wipe_free(data, cap);
	if (fd >= 0)
		close(fd);
	return ret;
}

int dw_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	size_t off = 0;
	int ret = 0;

	/* write(2) may write fewer than LEN bytes (a signal, a socket or pipe
	 * buffer, a nearly full disk) or fail with EINTR before writing any:
	 * neither is an error, so keep going until all LEN bytes are out. */
	while (off < len) {
		ssize_t w = write(fd, p + off, len - off);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			ret = -errno;
			goto out;
		}
		off += (size_t)w;
	}
out:
	return ret;
}

int dw_file_write_atomic(const char *path, const void *data, size_t len, unsigned int mode)
{
	char tmp[DW_FILE_PATH_MAX + 16];
	char dir[DW_FILE_PATH_MAX + 1];
	const char *slash, *base;
	size_t plen, dlen;
	int fd = -1, dfd = -1, ret, n;
	bool created = false;

	if (!path || (!data && len > 0) || (mode & ~07777u)) {
		ret = -EINVAL;
		goto out;
	}
	plen = strnlen(path, DW_FILE_PATH_MAX + 1);
	if (plen == 0 || plen > DW_FILE_PATH_MAX) {
		ret = plen ? -ENAMETOOLONG : -EINVAL;
		goto out;
	}
	slash = memrchr(path, '/', plen);
	if (slash) {
		dlen = (size_t)(slash - path);
		base = slash + 1;
		if (dlen == 0) {
			dir[0] = '/';
			dir[1] = '\0';
		} else {
			memcpy(dir, path, dlen);
			dir[dlen] = '\0';
		}
	} else {
		base = path;
		dir[0] = '.';
		dir[1] = '\0';
	}
	if (*base == '\0') {
		ret = -EISDIR;
		goto out;
	}
	/* ".NAME.XXXXXX" next to NAME: same filesystem, so rename is atomic. */
	n = snprintf(tmp, sizeof(tmp), "%.*s.%s.XXXXXX", (int)(base - path), path, base);
	if (n < 0 || (size_t)n >= sizeof(tmp)) {
		ret = -ENAMETOOLONG;
		goto out;
	}
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		goto out;
	}
	created = true;
	if (fchmod(fd, (mode_t)mode) != 0) {
		ret = -errno;
		goto out;
	}
	ret = dw_write_all(fd, data, len);
	if (ret < 0)
		goto out;
	if (fsync(fd) != 0) {
		ret = -errno;
		goto out;
	}
	ret = close(fd);
	fd = -1;
	if (ret != 0) {
		ret = -errno;
		goto out;
	}
	if (rename(tmp, path) != 0) {
		ret = -errno;
		goto out;
	}
	created = false;
	/* The rename is durable only once the directory entry is. */
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0) {
		ret = -errno;
		goto out;
	}
	if (fsync(dfd) != 0) {
		ret = -errno;
		goto out;
	}
	ret = 0;
out:
	if (fd >= 0)
		close(fd);
	if (dfd >= 0)
		close(dfd);
	if (created)
		unlink(tmp);
	return ret;
}
