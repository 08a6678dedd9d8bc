/* az_listen.c - create or inherit the plugin's listening socket. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "az_listen.h"

int az_listen_activated(char *why, size_t whysz)
{
	const char *pid = getenv("LISTEN_PID"), *fds = getenv("LISTEN_FDS");
	int fl, type = 0, listening = 0, rc;
	socklen_t len;

	if (!pid || !fds || strtol(pid, NULL, 10) != (long)getpid()) {
		rc = -ENOENT; /* not socket-activated */
		goto out;
	}
	/* From here on the service manager meant to pass a socket: anything
	 * unusable is an error, never a silent fallback to a path of our own
	 * (which would take over the system's plugin socket). */
	if (strtol(fds, NULL, 10) < 1) {
		snprintf(why, whysz, "LISTEN_FDS=%s passes no socket", fds);
		rc = -EBADF;
		goto out;
	}
	fl = fcntl(3, F_GETFD);
	len = sizeof(type);
	if (fl < 0 || getsockopt(3, SOL_SOCKET, SO_TYPE, &type, &len) < 0 || type != SOCK_STREAM) {
		snprintf(why, whysz, "socket-activated fd 3 is not a stream socket");
		rc = -EBADF;
		goto out;
	}
	len = sizeof(listening);
	if (getsockopt(3, SOL_SOCKET, SO_ACCEPTCONN, &listening, &len) < 0 || !listening) {
		snprintf(why, whysz, "socket-activated fd 3 is not listening");
		rc = -EBADF;
		goto out;
	}
	fcntl(3, F_SETFD, fl | FD_CLOEXEC);
	unsetenv("LISTEN_PID");
	unsetenv("LISTEN_FDS");
	unsetenv("LISTEN_FDNAMES");
	rc = 3;
out:
	return rc;
}

/* Is a server listening on the unix socket PATH?  A stale socket file
 * (ECONNREFUSED) may be replaced; a live one belongs to someone else. */
static bool socket_in_use(const struct sockaddr_un *sa)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	bool used = false;

	if (fd < 0)
		goto out;
	used = connect(fd, (const struct sockaddr *)sa, sizeof(*sa)) == 0;
	close(fd);
out:
	return used;
}

int az_listen_unix(const char *path, char *why, size_t whysz)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct stat st;
	char dir[sizeof(sa.sun_path)];
	char *slash;
	mode_t old;
	int fd = -1, rc;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		snprintf(why, whysz, "socket path too long");
		rc = -ENAMETOOLONG;
		goto out;
	}
	strcpy(sa.sun_path, path);
	strcpy(dir, path);
	slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
			rc = -errno;
			snprintf(why, whysz, "mkdir %s: %s", dir, strerror(errno));
			goto out;
		}
	}
	if (lstat(path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode)) {
			snprintf(why, whysz, "%s exists and is not a socket", path);
			rc = -EEXIST;
			goto out;
		}
		if (socket_in_use(&sa)) {
			snprintf(why, whysz, "%s is in use by another process", path);
			rc = -EADDRINUSE;
			goto out;
		}
		unlink(path); /* stale socket of a previous run */
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		rc = -errno;
		snprintf(why, whysz, "socket: %s", strerror(errno));
		goto out;
	}
	old = umask(0177); /* the socket is born 0600: no window with a wider mode */
	rc = bind(fd, (struct sockaddr *)&sa, sizeof(sa));
	umask(old);
	/* A full backlog makes connect() on a unix socket fail at once with
	 * EAGAIN (dockerd's Go client gives up): let the kernel queue as many
	 * as it allows while the workers catch up. */
	if (rc < 0 || listen(fd, SOMAXCONN) < 0) {
		rc = -errno;
		snprintf(why, whysz, "bind/listen %s: %s", path, strerror(errno));
		goto out;
	}
	rc = fd;
	fd = -1;
out:
	if (fd >= 0)
		close(fd);
	return rc;
}
