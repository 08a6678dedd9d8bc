/* az_server.h - the plugin protocol over HTTP (libmicrohttpd) on a unix socket. */
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

/* SLOT and IMAGES: the current policy and trusted image lists.
 * DAEMON (may be NULL): what requests learn of the guarded dockerd.
 * DOCKER_SOCK: where requests that borrow from existing objects ask dockerd
 * about them. */
int az_server_start(struct az_server **out, int listen_fd, struct dw_policy_slot *slot,
		    struct az_images_slot *images, struct az_logq *logq, struct az_daemon_watch *daemon, const char *docker_sock);
void az_server_stop(struct az_server *s);

#endif
