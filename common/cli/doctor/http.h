/* http.h - small HTTP-over-unix-socket client for dockerd and plugins (libcurl). */
#ifndef DW_DOCTOR_HTTP_H
#define DW_DOCTOR_HTTP_H

#include <stddef.h>

struct dr_http {
	void *curl;          /* CURL *, reused: one keep-alive connection */
	char *body;
	size_t len, cap;
	long status;
	char err[256];
};

/* 0, or -errno with H->err set. */
int dr_http_init(struct dr_http *h, const char *unix_path, long timeout_ms);
void dr_http_free(struct dr_http *h);
/* METHOD PATH on the socket (or URL when PATH starts with "http"); BODY may
 * be NULL.  0 when an HTTP answer came (any status: see H->status), else
 * -errno with H->err set.  H->body holds the answer, NUL-terminated. */
int dr_http_do(struct dr_http *h, const char *method, const char *path, const char *body,
	       const char *accept);

#endif
