/* az_dockerd.h - questions to the guarded dockerd over its API socket
 * (libcurl, CURLOPT_UNIX_SOCKET_PATH), each bounded in time.
 *
 * The plugin's own questions pass through dockerd's authorization too:
 * dockerd asks the plugin about each of them while the plugin waits for
 * the answer.  They are GETs no rule needs dockerd for, so the plugin
 * answers them at once on its HTTP threads (see az_server.c): never on the
 * thread that waits.
 *
 * Errors: a function returning int returns 0 or a negative errno
 * (ssize_t: the length, or a negative errno), unless it says otherwise. */
#ifndef AZ_DOCKERD_H
#define AZ_DOCKERD_H

#include <stddef.h>

#include "az_state.h"

#define AZ_DOCKERD_ANSWER_MAX (4u << 20) /* an inspect document is a few kB */

/* One connection to dockerd, kept between questions; not shared between threads. */
struct az_dockerd;

int az_dockerd_open(struct az_dockerd **out, const char *sock);
void az_dockerd_close(struct az_dockerd *d);

/* GET PATH ("/version"): 0 with *BODY (malloc'd, NUL-terminated, *LEN
 * bytes) and *STATUS, or -1 with WHY (no answer within TIMEOUT_MS,
 * unreachable, too large). */
int az_dockerd_get(struct az_dockerd *d, const char *path, long timeout_ms, char **body,
		   size_t *len, long *status, char *why, size_t whysz);

/* az_state_ops.inspect over D (ARG): GET /containers/{name}/json or
 * /volumes/{name}, within what is left of the deadline az_dockerd_deadline set. */
int az_dockerd_inspect(void *arg, enum az_obj_kind kind, const char *name, size_t len, char **json,
		       size_t *jlen, char *why, size_t whysz);
/* Every inspect for the next request must be answered within MS from now. */
void az_dockerd_deadline(struct az_dockerd *d, long ms);

#endif
