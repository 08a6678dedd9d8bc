/* http.c - the doctor's HTTP: dw_http with its limits, JSON bodies and Accept. */
#include <errno.h>
#include <string.h>

#include "doctor.h"
#include "http.h"

#define DR_HTTP_MAX (64u << 20) /* no dockerd answer we read comes close */

int dr_http_init(struct dw_http *h, const char *unix_path, long timeout_ms)
{
	const struct dw_http_opts o = {
		.unix_path = unix_path,
		.first = 16384,
		.max = DR_HTTP_MAX - 1, /* and its NUL: a buffer of at most DR_HTTP_MAX */
		.timeout_ms = timeout_ms,
		.connect_timeout_ms = timeout_ms,
		.no_proxy = true, /* only this host's sockets */
	};

	return dw_http_init(h, &o);
}

int dr_http_do(struct dw_http *h, const char *method, const char *path, const char *body,
	       const char *accept)
{
	const char *hdr[2];
	char url[2048], acc[256];
	struct dw_http_req r = { .method = method, .url = url, .headers = hdr };
	int rc;

	if (strncmp(path, "http", 4) == 0)
		dr_strf(url, sizeof(url), "%s", path);
	else
		dr_strf(url, sizeof(url), "http://localhost%s", path);
	if (body != NULL) {
		r.body = body;
		r.body_len = strlen(body);
		hdr[r.n_headers++] = "Content-Type: application/json";
	}
	if (accept != NULL) {
		dr_strf(acc, sizeof(acc), "Accept: %s", accept);
		hdr[r.n_headers++] = acc;
	}
	rc = dw_http_request(h, &r);
	/* an answer over the limit is an I/O error like any other here */
	return rc == -EFBIG ? -EIO : rc;
}
