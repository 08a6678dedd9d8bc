/* dw_http.c - libcurl over a unix socket (see dw_http.h). */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "dw_http.h"

static size_t on_data(char *p, size_t size, size_t n, void *arg)
{
	struct dw_http *h = arg;
	size_t add = size * n, cap;
	char *b;

	if (add > h->o.max - h->len) {
		h->too_big = true;
		return 0; /* curl stops with CURLE_WRITE_ERROR */
	}
	if (h->len + add + 1 > h->cap) {
		cap = h->cap ? h->cap : h->o.first;
		while (cap < h->len + add + 1)
			cap *= 2;
		b = realloc(h->body, cap);
		if (b == NULL)
			return 0;
		h->body = b;
		h->cap = cap;
	}
	memcpy(h->body + h->len, p, add);
	h->len += add;
	h->body[h->len] = '\0';
	return add;
}

int dw_http_init(struct dw_http *h, const struct dw_http_opts *o)
{
	int rc = 0;

	memset(h, 0, sizeof(*h));
	/* o.max + 1 bytes, doubled, must not overflow */
	if (o->first == 0 || o->max == 0 || o->max > SIZE_MAX / 4) {
		snprintf(h->err, sizeof(h->err), "invalid answer buffer sizes");
		rc = -EINVAL;
		goto out;
	}
	h->o = *o;
	h->curl = curl_easy_init();
	if (h->curl == NULL) {
		snprintf(h->err, sizeof(h->err), "cannot initialise libcurl");
		rc = -ENOMEM;
		goto out;
	}
out:
	return rc;
}

void dw_http_free(struct dw_http *h)
{
	if (h->curl != NULL)
		curl_easy_cleanup(h->curl);
	free(h->body);
	memset(h, 0, sizeof(*h));
}

static int curl_errno(CURLcode cc, bool too_big)
{
	if (too_big)
		return -EFBIG;
	if (cc == CURLE_OPERATION_TIMEDOUT)
		return -ETIMEDOUT;
	if (cc == CURLE_COULDNT_CONNECT)
		return -ECONNREFUSED;
	return -EIO;
}

int dw_http_request(struct dw_http *h, const struct dw_http_req *r)
{
	CURL *c = h->curl;
	struct curl_slist *hdr = NULL, *t;
	CURLcode cc;
	size_t i;
	int rc = 0;

	h->len = 0;
	h->status = 0;
	h->too_big = false;
	h->err[0] = '\0';
	if (h->body != NULL)
		h->body[0] = '\0';
	if (r->body != NULL && r->body_len > (size_t)LONG_MAX) {
		snprintf(h->err, sizeof(h->err), "request body too long");
		rc = -EINVAL;
		goto out;
	}
	for (i = 0; i < r->n_headers; i++) {
		t = curl_slist_append(hdr, r->headers[i]);
		if (t == NULL) {
			snprintf(h->err, sizeof(h->err), "out of memory");
			rc = -ENOMEM;
			goto out;
		}
		hdr = t;
	}
	/* every option from scratch; the connection stays */
	curl_easy_reset(c);
	if (h->o.unix_path != NULL)
		curl_easy_setopt(c, CURLOPT_UNIX_SOCKET_PATH, h->o.unix_path);
	curl_easy_setopt(c, CURLOPT_URL, r->url);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, r->timeout_ms ? r->timeout_ms : h->o.timeout_ms);
	if (h->o.connect_timeout_ms != 0)
		curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, h->o.connect_timeout_ms);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, h);
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	if (h->o.no_proxy)
		curl_easy_setopt(c, CURLOPT_PROXY, "");
	if (r->method != NULL)
		curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, r->method);
	if (r->body != NULL) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, r->body);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)r->body_len);
	}
	if (hdr != NULL)
		curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdr);
	cc = curl_easy_perform(c);
	/* neither the header list nor the caller's body outlives this call */
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, (struct curl_slist *)NULL);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, (const char *)NULL);
	if (cc != CURLE_OK) {
		snprintf(h->err, sizeof(h->err), "%s", curl_easy_strerror(cc));
		rc = curl_errno(cc, h->too_big);
		goto out;
	}
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &h->status);
	if (h->body == NULL) {
		/* an empty answer: still a string for the caller */
		h->body = calloc(1, 1);
		if (h->body == NULL) {
			snprintf(h->err, sizeof(h->err), "out of memory");
			rc = -ENOMEM;
			goto out;
		}
		h->cap = 1;
	}
out:
	curl_slist_free_all(hdr);
	if (rc < 0) {
		/* no partial answer, and no buffer of up to o.max kept for it */
		free(h->body);
		h->body = NULL;
		h->len = 0;
		h->cap = 0;
	}
	return rc;
}

char *dw_http_take(struct dw_http *h, size_t *len)
{
	char *b = h->body;

	if (len != NULL)
		*len = b != NULL ? h->len : 0;
	h->body = NULL;
	h->len = 0;
	h->cap = 0;
	return b;
}
