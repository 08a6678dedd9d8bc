/* dw_http.h - HTTP over a unix socket with libcurl: one easy handle whose
 * connection is kept between requests, each answer in a buffer of bounded
 * size.  Used by dockwarden-authz (the dockerd it guards) and dockwarden
 * doctor (dockerd, authorization plugins); only they link libcurl
 * (dw_http_dep).  A handle is not shared between threads; redirects are
 * never followed. */
#ifndef DW_HTTP_H
#define DW_HTTP_H

#include <stdbool.h>
#include <stddef.h>

struct dw_http_opts {
	const char *unix_path;   /* the socket (not copied: must outlive the
				  * handle), or NULL: TCP to the URL's host */
	size_t first;            /* the answer buffer's first allocation, >= 1 */
	size_t max;              /* longest answer kept (bytes): a longer one is -EFBIG */
	long timeout_ms;         /* whole request, when the request gives none; 0: none */
	long connect_timeout_ms; /* connecting; 0: libcurl's default */
	bool no_proxy;           /* never a proxy, whatever the environment says */
};

struct dw_http_req {
	const char *method;          /* NULL: GET */
	const char *url;             /* on a unix socket "http://localhost/PATH" */
	const char *body;            /* NULL: none, else BODY_LEN bytes sent */
	size_t body_len;
	const char *const *headers;  /* N_HEADERS "Name: value" lines */
	size_t n_headers;
	long timeout_ms;             /* whole request; 0: the handle's timeout_ms */
};

struct dw_http {
	void *curl;              /* CURL *, its connection kept between requests */
	struct dw_http_opts o;
	char *body;              /* the last answer, NUL-terminated, LEN bytes;
				  * NULL after a failure */
	size_t len, cap;
	long status;             /* the last answer's HTTP status */
	bool too_big;            /* the last answer was over o.max */
	char err[256];           /* why the last call failed */
};

/* 0, or -ENOMEM (libcurl) or -EINVAL (O) with H->err set.  H can be given
 * to dw_http_free() either way. */
int dw_http_init(struct dw_http *h, const struct dw_http_opts *o);
void dw_http_free(struct dw_http *h);

/* One request.  0 when an HTTP answer came, whatever its status (H->status,
 * H->body non-NULL), else with H->err set (libcurl's text, or "out of
 * memory"): -ETIMEDOUT, -ECONNREFUSED, -EFBIG (answer over o.max), -ENOMEM,
 * -EINVAL (body too long), -EIO (anything else). */
int dw_http_request(struct dw_http *h, const struct dw_http_req *r);

/* The last answer (*LEN bytes, NUL-terminated), now the caller's to free;
 * H keeps no buffer.  NULL when there is none. */
char *dw_http_take(struct dw_http *h, size_t *len);

#endif
