/* test_http.c - common/dw_http against a small HTTP server on a unix socket
 * in a temporary directory (a thread of this test): answers, statuses,
 * the size cap, timeouts, headers and bodies, the kept connection. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "dw_http.h"
#include "dw_test.h"

#define MAX 1000 /* the handle's answer limit in these tests */

static char dir[64], sock_path[96];
static int listen_fd = -1;
static _Atomic int connections; /* accepted so far (by the server thread) */

static int send_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static int answer(int fd, int status, const char *body, size_t len)
{
	char head[128];

	snprintf(head, sizeof(head), "HTTP/1.1 %d X\r\nContent-Length: %zu\r\n\r\n", status, len);
	if (send_all(fd, head, strlen(head)) < 0)
		return -1;
	return send_all(fd, body, len);
}

/* One request on FD: 0 answered, -1 the connection is done. */
static int serve_one(int fd)
{
	static char req[8192], out[4 * MAX];
	size_t have = 0, need, clen = 0;
	char *end, *cl, *acc, *line_end, path[256], method[16];

	for (;;) {
		ssize_t r;

		req[have] = '\0';
		end = strstr(req, "\r\n\r\n");
		if (end != NULL)
			break;
		if (have + 1 >= sizeof(req))
			return -1;
		r = recv(fd, req + have, sizeof(req) - have - 1, 0);
		if (r <= 0)
			return -1;
		have += (size_t)r;
	}
	cl = strcasestr(req, "\r\nContent-Length: ");
	if (cl != NULL && cl < end)
		clen = strtoul(cl + 18, NULL, 10);
	need = (size_t)(end + 4 - req) + clen;
	while (have < need && have + 1 < sizeof(req)) {
		ssize_t r = recv(fd, req + have, sizeof(req) - have - 1, 0);

		if (r <= 0)
			return -1;
		have += (size_t)r;
	}
	req[have] = '\0';
	if (sscanf(req, "%15s %255s", method, path) != 2)
		return -1;
	if (strcmp(path, "/ok") == 0)
		return answer(fd, 200, "hello", 5);
	if (strcmp(path, "/empty") == 0)
		return answer(fd, 200, "", 0);
	if (strcmp(path, "/missing") == 0)
		return answer(fd, 404, "{\"message\":\"no such thing\"}", 27);
	if (strcmp(path, "/exact") == 0 || strcmp(path, "/big") == 0) {
		size_t n = strcmp(path, "/exact") == 0 ? MAX : 3 * MAX;

		memset(out, 'x', n);
		return answer(fd, 200, out, n);
	}
	if (strcmp(path, "/echo") == 0) {
		acc = strcasestr(req, "\r\nAccept: ");
		line_end = acc != NULL ? strstr(acc + 2, "\r\n") : NULL;
		snprintf(out, sizeof(out), "%s [%.*s] [%.*s]", method,
			 line_end ? (int)(line_end - acc - 10) : 0, line_end ? acc + 10 : "",
			 (int)clen, end + 4);
		return answer(fd, 200, out, strlen(out));
	}
	if (strcmp(path, "/slow") == 0) {
		/* no answer: wait for the client to give up and close */
		while (recv(fd, out, sizeof(out), 0) > 0)
			;
		return -1;
	}
	return answer(fd, 500, "", 0);
}

static void *server(void *arg)
{
	int fd;

	(void)arg;
	while ((fd = accept(listen_fd, NULL, NULL)) >= 0) {
		connections++;
		while (serve_one(fd) == 0)
			;
		close(fd);
	}
	return NULL;
}

static int start_server(pthread_t *t)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };

	snprintf(dir, sizeof(dir), "/tmp/dw-test-http.XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(sock_path, sizeof(sock_path), "%s/s.sock", dir);
	snprintf(a.sun_path, sizeof(a.sun_path), "%s", sock_path);
	listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (listen_fd < 0 || bind(listen_fd, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    listen(listen_fd, 4) < 0)
		return -1;
	return pthread_create(t, NULL, server, NULL) == 0 ? 0 : -1;
}

static void test_answers(void)
{
	struct dw_http_opts o = { .unix_path = sock_path, .first = 16, .max = MAX,
				  .timeout_ms = 5000, .no_proxy = true };
	struct dw_http_req r = { .url = "http://localhost/ok" };
	const char *hdr[] = { "Accept: text/x-test", "Content-Type: application/json" };
	struct dw_http h;
	size_t len = 99;
	char *b;

	CHECK_EQ_INT(dw_http_init(&h, &o), 0);

	CHECK_EQ_INT(dw_http_request(&h, &r), 0);
	CHECK_EQ_INT(h.status, 200);
	CHECK_EQ_STR(h.body, "hello");
	CHECK_EQ_INT(h.len, 5);

	r.url = "http://localhost/missing";
	CHECK_EQ_INT(dw_http_request(&h, &r), 0);
	CHECK_EQ_INT(h.status, 404);
	CHECK_EQ_STR(h.body, "{\"message\":\"no such thing\"}");

	/* an answer of exactly the limit is kept, one over it is not */
	r.url = "http://localhost/exact";
	CHECK_EQ_INT(dw_http_request(&h, &r), 0);
	CHECK_EQ_INT(h.len, MAX);
	CHECK(h.body != NULL && h.body[MAX] == '\0' && h.body[MAX - 1] == 'x');
	r.url = "http://localhost/big";
	CHECK_EQ_INT(dw_http_request(&h, &r), -EFBIG);
	CHECK(h.too_big);
	CHECK(h.body == NULL && h.len == 0);
	CHECK(h.err[0] != '\0');

	/* the method, a body and headers go out as given */
	r.url = "http://localhost/echo";
	r.method = "POST";
	r.body = "{\"a\":1}";
	r.body_len = 7;
	r.headers = hdr;
	r.n_headers = 2;
	CHECK_EQ_INT(dw_http_request(&h, &r), 0);
	CHECK_EQ_STR(h.body, "POST [text/x-test] [{\"a\":1}]");
	/* and nothing of them stays for the next request (libcurl's own Accept) */
	r = (struct dw_http_req){ .url = "http://localhost/echo" };
	CHECK_EQ_INT(dw_http_request(&h, &r), 0);
	CHECK_EQ_STR(h.body, "GET [*/*] []");

	/* an empty answer is still a string; take hands it over */
	r.url = "http://localhost/empty";
	CHECK_EQ_INT(dw_http_request(&h, &r), 0);
	CHECK_EQ_STR(h.body, "");
	b = dw_http_take(&h, &len);
	CHECK_EQ_STR(b, "");
	CHECK_EQ_INT(len, 0);
	CHECK(h.body == NULL);
	free(b);
	r.url = "http://localhost/ok";
	CHECK_EQ_INT(dw_http_request(&h, &r), 0);
	b = dw_http_take(&h, &len);
	CHECK_EQ_STR(b, "hello");
	CHECK_EQ_INT(len, 5);
	free(b);
	CHECK(dw_http_take(&h, &len) == NULL);
	CHECK_EQ_INT(len, 0);

	/* every request above went over one connection (the over-limit
	 * answer closes it: the next one opens a second) */
	CHECK_EQ_INT(connections, 2);

	/* the request's timeout, else the handle's */
	r.url = "http://localhost/slow";
	r.timeout_ms = 200;
	CHECK_EQ_INT(dw_http_request(&h, &r), -ETIMEDOUT);
	CHECK(h.err[0] != '\0');
	dw_http_free(&h);
	CHECK(h.curl == NULL && h.body == NULL);

	o.timeout_ms = 200;
	CHECK_EQ_INT(dw_http_init(&h, &o), 0);
	r.timeout_ms = 0;
	CHECK_EQ_INT(dw_http_request(&h, &r), -ETIMEDOUT);
	dw_http_free(&h);
}

static void test_errors(void)
{
	char nowhere[160];
	struct dw_http_opts o = { .unix_path = nowhere, .first = 16, .max = MAX,
				  .timeout_ms = 2000 };
	struct dw_http_req r = { .url = "http://localhost/ok" };
	struct dw_http h;

	/* nothing listens there */
	snprintf(nowhere, sizeof(nowhere), "%s/none.sock", dir);
	CHECK_EQ_INT(dw_http_init(&h, &o), 0);
	CHECK_EQ_INT(dw_http_request(&h, &r), -ECONNREFUSED);
	CHECK(h.err[0] != '\0');
	CHECK(h.body == NULL);
	dw_http_free(&h);

	/* sizes that make no buffer */
	o.first = 0;
	CHECK_EQ_INT(dw_http_init(&h, &o), -EINVAL);
	CHECK(h.err[0] != '\0');
	dw_http_free(&h);
	o.first = 16;
	o.max = (size_t)-1;
	CHECK_EQ_INT(dw_http_init(&h, &o), -EINVAL);
	dw_http_free(&h);
}

int main(void)
{
	pthread_t t;

	if (start_server(&t) < 0) {
		perror("test_http: server");
		return 1;
	}
	test_answers();
	test_errors();
	shutdown(listen_fd, SHUT_RDWR);
	close(listen_fd);
	pthread_join(t, NULL);
	unlink(sock_path);
	rmdir(dir);
	return dw_test_done();
}
