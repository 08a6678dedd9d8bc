/* az_dockerd.c - GETs to dockerd's API socket (see az_dockerd.h), through
 * common/dw_http. */
#include <curl/curl.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "az_dockerd.h"
#include "dw_http.h"

struct az_dockerd {
	struct dw_http http; /* on sock */
	char sock[108];
	struct timespec deadline;
};

int az_dockerd_open(struct az_dockerd **out, const char *sock)
{
	struct dw_http_opts o = { .first = 8192, .max = AZ_DOCKERD_ANSWER_MAX };
	struct az_dockerd *d;
	int rc;

	*out = NULL;
	if (strlen(sock) >= sizeof(d->sock))
		return -ENAMETOOLONG;
	d = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	snprintf(d->sock, sizeof(d->sock), "%s", sock);
	o.unix_path = d->sock;
	rc = dw_http_init(&d->http, &o);
	if (rc < 0) {
		free(d);
		return rc;
	}
	az_dockerd_deadline(d, 10000);
	*out = d;
	return 0;
}

void az_dockerd_close(struct az_dockerd *d)
{
	if (!d)
		return;
	dw_http_free(&d->http);
	free(d);
}

int az_dockerd_get(struct az_dockerd *d, const char *path, long timeout_ms, char **body,
		   size_t *len, long *status, char *why, size_t whysz)
{
	struct dw_http_req r = { .timeout_ms = timeout_ms };
	char url[1200];
	int rc = -1, err;

	*body = NULL;
	*len = 0;
	*status = 0;
	if (timeout_ms <= 0) {
		snprintf(why, whysz, "no time left to ask dockerd");
		goto out;
	}
	/* the host part is not used on a unix socket */
	if (snprintf(url, sizeof(url), "http://localhost%s", path) >= (int)sizeof(url)) {
		snprintf(why, whysz, "name too long");
		goto out;
	}
	r.url = url;
	err = dw_http_request(&d->http, &r);
	if (err < 0) {
		snprintf(why, whysz, "%s", err == -EFBIG ? "dockerd's answer is too large"
			 : err == -ETIMEDOUT ? "dockerd did not answer in time"
					     : d->http.err);
		goto out;
	}
	*status = d->http.status;
	*body = dw_http_take(&d->http, len);
	rc = 0;
out:
	return rc;
}

void az_dockerd_deadline(struct az_dockerd *d, long ms)
{
	clock_gettime(CLOCK_MONOTONIC, &d->deadline);
	d->deadline.tv_sec += ms / 1000;
	d->deadline.tv_nsec += (ms % 1000) * 1000000L;
	if (d->deadline.tv_nsec >= 1000000000L) {
		d->deadline.tv_sec++;
		d->deadline.tv_nsec -= 1000000000L;
	}
}

static long left_ms(const struct az_dockerd *d)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (long)(d->deadline.tv_sec - now.tv_sec) * 1000 +
	       (d->deadline.tv_nsec - now.tv_nsec) / 1000000L;
}

int az_dockerd_inspect(void *arg, enum az_obj_kind kind, const char *name, size_t len, char **json,
		       size_t *jlen, char *why, size_t whysz)
{
	struct az_dockerd *d = arg;
	char path[1100], *esc;
	long status;

	/* dockerd resolves names, ids and id prefixes itself; escape every
	 * byte that could change which path this is */
	esc = curl_easy_escape(d->http.curl, name, (int)len);
	if (!esc) {
		snprintf(why, whysz, "out of memory");
		return -ENOMEM;
	}
	snprintf(path, sizeof(path),
		 kind == AZ_OBJ_CONTAINER ? "/containers/%s/json" :
		 kind == AZ_OBJ_VOLUME	  ? "/volumes/%s" :
					    "/images/%s/json",
		 esc);
	curl_free(esc);
	if (az_dockerd_get(d, path, left_ms(d), json, jlen, &status, why, whysz) < 0)
		return -EIO;
	if (status == 200)
		return 0;
	free(*json);
	*json = NULL;
	if (status == 404)
		return -ENOENT;
	/* 403: an authorization plugin (ours or another) refused the inspect */
	snprintf(why, whysz, "dockerd answered HTTP %ld", status);
	return -EIO;
}
