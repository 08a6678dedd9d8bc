/* az_listen.h - the listening unix socket: our own, or systemd's (fd 3). */
#ifndef AZ_LISTEN_H
#define AZ_LISTEN_H

#include <stdbool.h>
#include <stddef.h>

/* The socket passed by systemd (LISTEN_PID = us): fd 3.  -ENOENT when not
 * socket-activated; -EBADF (WHY set) when activated but fd 3 is not a
 * listening stream socket. */
int az_listen_activated(char *why, size_t whysz);
/* Bind PATH with mode 0600 (a stale socket file is replaced, a live one is
 * -EADDRINUSE; the parent is created 0700 when missing).  fd or -errno; WHY
 * names the failing step. */
int az_listen_unix(const char *path, char *why, size_t whysz);

#endif
