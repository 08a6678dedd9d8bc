/* az_main.c - dockwarden-authz: options, policy (re)loading, signals.
 *
 * Signals are blocked in every thread and taken synchronously with
 * sigwaitinfo() on the main thread: SIGHUP reloads the policy (a bad file is
 * logged and the old policy stays) and the trusted image lists it names (a
 * list that no longer verifies is logged and its previous version stays),
 * SIGTERM/SIGINT stop cleanly. */
#include <curl/curl.h>
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "az_daemon.h"
#include "az_host.h"
#include "az_images.h"
#include "az_listen.h"
#include "az_logq.h"
#include "az_server.h"
#include "az_tune.h"
#include "az_uri.h"
#include "dw_config.h"
#include "dw_log.h"
#include "dw_policy.h"

#define DEFAULT_SOCKET "/run/docker/plugins/dockwarden.sock"
#define DEFAULT_DOCKER_SOCKET "/run/docker.sock"

static bool to_stderr = true;

static void say(int prio, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(int prio, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsyslog(prio, fmt, ap);
	va_end(ap);
	if (to_stderr) {
		va_start(ap, fmt);
		fputs("dockwarden-authz: ", stderr);
		vfprintf(stderr, fmt, ap);
		fputc('\n', stderr);
		va_end(ap);
	}
}

static void daemon_log(void *arg, int prio, const char *msg)
{
	say(prio, "%s", msg);
}

static void images_say(void *arg, int prio, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void images_say(void *arg, int prio, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	(void)arg;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	say(prio, "%s", msg);
}

/* POL's image lists, PREV's kept where a list no longer loads. */
static int load_images(const struct dw_policy *pol, struct az_images_slot *slot,
		       struct az_images **out)
{
	struct az_images *prev = slot ? az_images_slot_get(slot) : NULL;
	int rc = az_images_load(pol, prev, 1, out, images_say, NULL);

	az_images_unref(prev);
	if (rc < 0)
		say(LOG_ERR, "image lists: %s", strerror(-rc));
	return rc;
}

static void diag(void *ctx, const char *file, int line, int col, const char *msg)
{
	say(LOG_ERR, "%s:%d:%d: %s", file, line, col, msg);
}

static int load_policy(const char *path, struct dw_policy **out)
{
	int rc = dw_policy_load_file(path, DW_POLICY_CHECK_OWNER | DW_POLICY_MISSING_OK, diag, NULL,
				     out);
	if (rc < 0)
		say(LOG_ERR, "policy %s rejected: %s", path, strerror(-rc));
	return rc;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: dockwarden-authz [--socket PATH] [--policy FILE] [--docker-socket PATH]\n"
		"                        [--foreground]\n"
		"Docker authorization plugin (dockerd --authorization-plugin=dockwarden).\n"
		"  --socket PATH   listen here (default " DEFAULT_SOCKET "; systemd socket\n"
		"                  activation via LISTEN_FDS takes precedence)\n"
		"  --policy FILE   policy file (default " DW_DEFAULT_POLICY "; missing = built-in)\n"
		"  --docker-socket PATH\n"
		"                  the guarded dockerd's API socket, asked for its version\n"
		"                  (default " DEFAULT_DOCKER_SOCKET ")\n"
		"  --foreground    do not detach; also log to stderr\n"
		"Signals: SIGHUP reloads the policy, SIGTERM/SIGINT stop.  Version " DW_VERSION "\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "policy", required_argument, NULL, 'p' },
		{ "docker-socket", required_argument, NULL, 'd' },
		{ "foreground", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *sock = DEFAULT_SOCKET, *policy = DW_DEFAULT_POLICY;
	const char *docker_sock = DEFAULT_DOCKER_SOCKET;
	struct az_daemon_watch *dwatch = NULL;
	bool fg = false, own_socket = false;
	struct dw_policy *pol = NULL;
	struct dw_policy_slot slot;
	struct az_images_slot islot;
	struct az_images *images = NULL;
	struct az_logq *logq = NULL;
	struct az_server *srv = NULL;
	struct az_server_cfg cfg;
	glob_t host_masked = { 0 };
	sigset_t set;
	char why[256];
	int opt, fd, audit_fd, err = -1, rc = 1;

	while ((opt = getopt_long(argc, argv, "s:p:d:fh", opts, NULL)) != -1) {
		switch (opt) {
		case 's': sock = optarg; break;
		case 'p': policy = optarg; break;
		case 'd': docker_sock = optarg; break;
		case 'f': fg = true; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	az_tune_malloc();
	openlog("dockwarden-authz", LOG_PID, LOG_AUTHPRIV);
	if (load_policy(policy, &pol) < 0)
		return 1;
	if (load_images(pol, NULL, &images) < 0) {
		dw_policy_unref(pol);
		return 1;
	}
	/* what dockerd also masks on this host: a custom MaskedPaths must keep it */
	if ((err = az_host_masked_paths(&host_masked)) < 0) {
		say(LOG_ERR, "cannot read /sys/devices/system/cpu: %s", strerror(-err));
		goto out;
	}
	fd = az_listen_activated(why, sizeof(why));
	if (fd < 0 && fd != -ENOENT) {
		say(LOG_ERR, "cannot use the socket passed by the service manager: %s", why);
		goto out;
	}
	if (fd < 0) {
		fd = az_listen_unix(sock, why, sizeof(why));
		if (fd < 0) {
			say(LOG_ERR, "cannot listen: %s", why);
			goto out;
		}
		own_socket = true;
	}
	if (!fg && daemon(0, 0) < 0) {
		say(LOG_ERR, "daemon: %s", strerror(errno));
		goto out;
	}
	to_stderr = fg;
	/* before any thread exists, so every thread inherits the mask */
	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	dw_policy_slot_init(&slot, pol);
	pol = NULL;
	az_images_slot_init(&islot, images);
	images = NULL;
	audit_fd = dw_audit_open();
	if (audit_fd < 0)
		say(LOG_WARNING, "audit unavailable (%s): decisions go to syslog only",
		    strerror(-audit_fd));
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if (az_daemon_watch_start(&dwatch, docker_sock, daemon_log, NULL) < 0)
		say(LOG_WARNING, "cannot watch dockerd on %s: unversioned requests are read as API %s",
		    docker_sock, AZ_API_MAX);
	cfg = (struct az_server_cfg){ .listen_fd = fd, .slot = &slot, .images = &islot,
				      .daemon = dwatch, .docker_sock = docker_sock,
				      .host_masked = (const char *const *)host_masked.gl_pathv,
				      .n_host_masked = host_masked.gl_pathc };
	if (az_logq_start(&logq, audit_fd) == 0) {
		cfg.logq = logq;
		err = az_server_start(&srv, &cfg);
	}
	if (!logq || err < 0) {
		say(LOG_ERR, "cannot start the HTTP server");
		goto stop;
	}
	say(LOG_INFO, "listening on %s (policy %s)", own_socket ? sock : "socket-activated fd 3",
	    policy);
	for (;;) {
		int sig = sigwaitinfo(&set, NULL);
		if (sig == SIGHUP) {
			struct dw_policy *next = NULL;
			struct az_images *inext = NULL;
			if (load_policy(policy, &next) == 0 && load_images(next, &islot, &inext) == 0) {
				dw_policy_slot_swap(&slot, next);
				az_images_slot_swap(&islot, inext);
				say(LOG_INFO, "policy %s reloaded", policy);
			} else {
				dw_policy_unref(next);
				say(LOG_ERR, "reload failed: keeping the previous policy");
			}
		} else if (sig == SIGTERM || sig == SIGINT) {
			break;
		}
	}
	say(LOG_INFO, "stopping");
	rc = 0;
stop:
	az_server_stop(srv);
	az_daemon_watch_stop(dwatch);
	curl_global_cleanup();
	az_logq_stop(logq);
	if (audit_fd >= 0)
		dw_audit_close(audit_fd);
	dw_policy_slot_destroy(&slot);
	az_images_slot_destroy(&islot);
out:
	if (own_socket)
		unlink(sock);
	globfree(&host_masked);
	az_images_unref(images);
	dw_policy_unref(pol);
	closelog();
	return rc;
}
