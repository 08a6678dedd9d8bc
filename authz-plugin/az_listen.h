/* az_listen.h - the listening unix socket: our own, or systemd's (fd 3). */
#ifndef AZ_LISTEN_H
#define AZ_LISTEN_H

#include <stdbool.h>
#include <stddef.h>

/* A socket passed by systemd (LISTEN_PID = us, LISTEN_FDS >= 1): fd 3, or -1. */
int az_listen_activated(void);
/* Bind PATH with mode 0600 (a stale socket file is replaced; the parent is
 * created 0700 when missing).  fd or -errno; WHY names the failing step. */
int az_listen_unix(const char *path, char *why, size_t whysz);

#endif
