/* az_dockerd.c - GETs to dockerd's API socket (see az_dockerd.h). */
#include <curl/curl.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "az_dockerd.h"

struct az_dockerd {
	CURL *h;
	char sock[108];
	struct timespec deadline;
};

struct answer {
	char *buf;
	size_t len, cap;
	bool too_big;
};

static size_t on_data(char *p, size_t size, size_t n, void *arg)
{
	struct answer *a = arg;
	size_t add = size * n;

	if (add > AZ_DOCKERD_ANSWER_MAX - a->len) {
		a->too_big = true;
		return 0; /* curl stops with CURLE_WRITE_ERROR */
	}
	if (a->len + add + 1 > a->cap) {
		size_t cap = a->cap ? a->cap : 8192;
		char *nb;
		while (cap < a->len + add + 1)
			cap *= 2;
		nb = realloc(a->buf, cap);
		if (!nb)
			return 0;
		a->buf = nb;
		a->cap = cap;
	}
	memcpy(a->buf + a->len, p, add);
	a->len += add;
	a->buf[a->len] = '\0';
	return add;
}

int az_dockerd_open(struct az_dockerd **out, const char *sock)
{
	struct az_dockerd *d;

	*out = NULL;
	if (strlen(sock) >= sizeof(d->sock))
		return -ENAMETOOLONG;
	d = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	d->h = curl_easy_init();
	if (!d->h) {
		free(d);
		return -ENOMEM;
	}
	snprintf(d->sock, sizeof(d->sock), "%s", sock);
	az_dockerd_deadline(d, 10000);
	*out = d;
	return 0;
}

void az_dockerd_close(struct az_dockerd *d)
{
	if (!d)
		return;
	curl_easy_cleanup(d->h);
	free(d);
}

int az_dockerd_get(struct az_dockerd *d, const char *path, long timeout_ms, char **body,
		   size_t *len, long *status, char *why, size_t whysz)
{
	struct answer a = { 0 };
	char url[1200];
	CURLcode cc;
	int rc = -1;

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
	curl_easy_reset(d->h);
	curl_easy_setopt(d->h, CURLOPT_UNIX_SOCKET_PATH, d->sock);
	curl_easy_setopt(d->h, CURLOPT_URL, url);
	curl_easy_setopt(d->h, CURLOPT_TIMEOUT_MS, timeout_ms);
	curl_easy_setopt(d->h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(d->h, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(d->h, CURLOPT_WRITEDATA, &a);
	cc = curl_easy_perform(d->h);
	if (cc != CURLE_OK) {
		snprintf(why, whysz, "%s", a.too_big ? "dockerd's answer is too large"
			 : cc == CURLE_OPERATION_TIMEDOUT ? "dockerd did not answer in time"
							  : curl_easy_strerror(cc));
		goto out;
	}
	curl_easy_getinfo(d->h, CURLINFO_RESPONSE_CODE, status);
	*body = a.buf ? a.buf : strdup("");
	a.buf = NULL;
	if (!*body) {
		snprintf(why, whysz, "out of memory");
		goto out;
	}
	*len = a.len;
	rc = 0;
out:
	free(a.buf);
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
	esc = curl_easy_escape(d->h, name, (int)len);
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
