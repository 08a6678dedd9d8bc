/* allowall.c - the floor: a minimal authz plugin that allows everything.
 * Same libmicrohttpd setup as dockwarden-authz (thread pool of 2, epoll), so
 * the difference measured is dockwarden's decoding, rules and logging.
 * allowall SOCKET_PATH  (runs until SIGTERM/SIGINT) */
#include <microhttpd.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

static enum MHD_Result handler(void *cls, struct MHD_Connection *conn, const char *url,
			       const char *method, const char *version, const char *upload_data,
			       size_t *upload_data_size, void **con_cls)
{
	static int marker;
	static const char act[] = "{\"Implements\":[\"authz\"]}", allow[] = "{\"Allow\":true}";
	const char *body = strcmp(url, "/Plugin.Activate") == 0 ? act : allow;
	struct MHD_Response *r;
	enum MHD_Result ret;

	if (!*con_cls) {
		*con_cls = &marker;
		return MHD_YES;
	}
	if (*upload_data_size) {
		*upload_data_size = 0; /* read and ignore */
		return MHD_YES;
	}
	r = MHD_create_response_from_buffer(strlen(body), (void *)body, MHD_RESPMEM_PERSISTENT);
	MHD_add_response_header(r, "Content-Type", "application/vnd.docker.plugins.v1.2+json");
	ret = MHD_queue_response(conn, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	return ret;
}

int main(int argc, char **argv)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct MHD_Daemon *d;
	sigset_t set;
	int fd, sig;

	if (argc != 2 || strlen(argv[1]) >= sizeof(sa.sun_path))
		return 2;
	strcpy(sa.sun_path, argv[1]);
	unlink(argv[1]);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	umask(0177);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 128) < 0) {
		perror("listen");
		return 1;
	}
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL, 0, NULL, NULL, handler,
			     NULL, MHD_OPTION_LISTEN_SOCKET, fd, MHD_OPTION_THREAD_POOL_SIZE,
			     (unsigned int)2, MHD_OPTION_END);
	if (!d)
		return 1;
	sigwait(&set, &sig);
	MHD_stop_daemon(d);
	unlink(argv[1]);
	return 0;
}
