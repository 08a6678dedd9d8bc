/* http.c - libcurl over a unix socket, keep-alive between calls. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "doctor.h"
#include "http.h"

#define DR_HTTP_MAX (64u << 20) /* no dockerd answer we read comes close */

static size_t on_data(char *p, size_t sz, size_t nm, void *ctx)
{
	struct dr_http *h = ctx;
	size_t n = sz * nm;

	if (h->len + n + 1 > h->cap) {
		size_t cap = h->cap ? h->cap : 16384;
		char *b;

		while (cap < h->len + n + 1)
			cap *= 2;
		if (cap > DR_HTTP_MAX)
			return 0;
		b = realloc(h->body, cap);
		if (b == NULL)
			return 0;
		h->body = b;
		h->cap = cap;
	}
	memcpy(h->body + h->len, p, n);
	h->len += n;
	h->body[h->len] = '\0';
	return n;
}

int dr_http_init(struct dr_http *h, const char *unix_path, long timeout_ms)
{
	CURL *c;

	memset(h, 0, sizeof(*h));
	c = curl_easy_init();
	if (c == NULL) {
		dr_strf(h->err, sizeof(h->err), "cannot initialise libcurl");
		return -ENOMEM;
	}
	h->curl = c;
	if (unix_path != NULL)
		curl_easy_setopt(c, CURLOPT_UNIX_SOCKET_PATH, unix_path);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout_ms);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, h);
	/* only this host's sockets: never follow a redirect or use a proxy */
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_PROXY, "");
	return 0;
}

void dr_http_free(struct dr_http *h)
{
	if (h->curl != NULL)
		curl_easy_cleanup(h->curl);
	free(h->body);
	memset(h, 0, sizeof(*h));
}

int dr_http_do(struct dr_http *h, const char *method, const char *path, const char *body,
	       const char *accept)
{
	CURL *c = h->curl;
	struct curl_slist *hdr = NULL, *t;
	char url[2048], acc[256];
	CURLcode cc;
	int rc = 0;

	h->len = 0;
	h->status = 0;
	h->err[0] = '\0';
	if (h->body)
		h->body[0] = '\0';
	if (strncmp(path, "http", 4) == 0)
		dr_strf(url, sizeof(url), "%s", path);
	else
		dr_strf(url, sizeof(url), "http://localhost%s", path);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	if (body != NULL) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
		t = curl_slist_append(hdr, "Content-Type: application/json");
		if (t == NULL)
			return -ENOMEM;
		hdr = t;
	} else {
		curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
		curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	}
	if (accept != NULL) {
		dr_strf(acc, sizeof(acc), "Accept: %s", accept);
		t = curl_slist_append(hdr, acc);
		if (t == NULL) {
			rc = -ENOMEM;
			goto out;
		}
		hdr = t;
	}
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdr);
	cc = curl_easy_perform(c);
	if (cc != CURLE_OK) {
		dr_strf(h->err, sizeof(h->err), "%s", curl_easy_strerror(cc));
		rc = cc == CURLE_OPERATION_TIMEDOUT ? -ETIMEDOUT
		     : cc == CURLE_COULDNT_CONNECT ? -ECONNREFUSED : -EIO;
		goto out;
	}
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &h->status);
	if (h->body == NULL) {
		/* an empty answer: still a string for the caller */
		h->body = calloc(1, 1);
		h->cap = 1;
		if (h->body == NULL)
			rc = -ENOMEM;
	}
out:
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, (struct curl_slist *)NULL);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, (const char *)NULL);
	curl_slist_free_all(hdr);
	return rc;
}
