/* az_server.h - the plugin protocol over HTTP (libmicrohttpd) on a unix socket.
 *
 * Errors: a function returning int returns 0 or a negative errno
 * (ssize_t: the length, or a negative errno), unless it says otherwise. */
#ifndef AZ_SERVER_H
#define AZ_SERVER_H

#include "az_daemon.h"
#include "az_images.h"
#include "az_logq.h"
#include "dw_policy.h"

/* Envelope cap: dockerd forwards bodies under 1 MiB, base64 makes 1.34 MiB,
 * plus headers.  Anything bigger is not from dockerd: the connection is closed. */
#define AZ_MAX_REQUEST (4u << 20)

struct az_server;

/* What the server answers with; every pointer must outlive the server. */
struct az_server_cfg {
	int listen_fd;
	struct dw_policy_slot *slot;        /* the current policy */
	struct az_images_slot *images;      /* the current trusted image lists */
	struct az_logq *logq;               /* where decisions are logged */
	struct az_daemon_watch *daemon;     /* what requests learn of dockerd (may be NULL) */
	const char *docker_sock;            /* where borrowed objects are asked about */
	const char *const *host_masked;     /* az_host_masked_paths(): N_HOST_MASKED paths */
	size_t n_host_masked;
};

int az_server_start(struct az_server **out, const struct az_server_cfg *cfg);
void az_server_stop(struct az_server *s);

#endif
