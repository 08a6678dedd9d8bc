/* az_daemon.h - learn which dockerd the plugin guards, without ever making
 * dockerd or a request wait for it.
 *
 * dockerd activates its authorization plugins before it serves its API, so
 * the plugin cannot ask at start.  A thread asks GET /version on dockerd's
 * socket, retrying until dockerd answers and then now and again (an upgrade
 * restarts dockerd, not the plugin); requests read the last answer. */
#ifndef AZ_DAEMON_H
#define AZ_DAEMON_H

#include "az_verdict.h"
#include "dw_attr.h"

struct az_daemon_watch;

/* Called from the watch thread when what is known changes (or a first
 * failure): a line for the log.  MSG is only valid during the call. */
typedef void (*az_daemon_log_fn)(void *arg, int prio, const char *msg);

/* Start watching dockerd at SOCK.  0, or a negative errno. */
int az_daemon_watch_start(struct az_daemon_watch **out, const char *sock, az_daemon_log_fn log,
			  void *log_arg);
/* A copy of what is known now (OUT->known false until dockerd answered). */
void az_daemon_watch_get(struct az_daemon_watch *w, struct az_daemon_info *out);
void az_daemon_watch_stop(struct az_daemon_watch *w);

/* Pure: read a GET /version answer (JSON, LEN bytes) into OUT.  0, or
 * -EINVAL when it is not one (no Version or ApiVersion string). */
DW_MUST_CHECK int az_daemon_parse_version(const char *json, size_t len, struct az_daemon_info *out);

#endif
