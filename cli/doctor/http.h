/* http.h - the doctor's requests to dockerd and plugins (common/dw_http). */
#ifndef DW_DOCTOR_HTTP_H
#define DW_DOCTOR_HTTP_H

#include "dw_http.h"

/* A handle on UNIX_PATH (NULL: TCP, the URL's host), connecting and each
 * request bounded by TIMEOUT_MS.  0, or -errno with H->err set; free with
 * dw_http_free() either way. */
int dr_http_init(struct dw_http *h, const char *unix_path, long timeout_ms);
/* METHOD PATH on the socket (or URL when PATH starts with "http"); BODY may
 * be NULL.  0 when an HTTP answer came (any status: see H->status), else
 * -errno with H->err set.  H->body holds the answer, NUL-terminated. */
int dr_http_do(struct dw_http *h, const char *method, const char *path, const char *body,
	       const char *accept);

#endif
