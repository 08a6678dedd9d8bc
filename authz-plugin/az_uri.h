/* az_uri.h - RequestUri as dockerd's router reads it.
 *
 * dockerd (Go net/http + gorilla/mux) takes the request-target as the client
 * sent it: an absolute path or an absolute URI ("http://h/containers/create"),
 * percent-decodes the path, redirects (never handles) paths that are not
 * clean, matches routes on the decoded path with and without a "/vX.Y"
 * prefix, and reads query parameters with url.ParseQuery (a pair holding ';'
 * or a bad escape is dropped; '+' is a space; the first value wins). */
#ifndef AZ_URI_H
#define AZ_URI_H

#include <stdbool.h>
#include <stddef.h>

#include "az_verdict.h"

#define AZ_PATH_MAX 4096
#define AZ_API_CURRENT "1.41"  /* dockerd 20.10: api.DefaultVersion */
#define AZ_API_MIN "1.12"      /* dockerd 20.10: api.MinVersion */

enum az_route {
	AZ_R_OTHER = 0,
	AZ_R_CONTAINER_CREATE,
	AZ_R_CONTAINER_START,
	AZ_R_CONTAINER_UPDATE,
	AZ_R_EXEC_CREATE,
	AZ_R_VOLUME_CREATE,
	AZ_R_SERVICE_CREATE,
	AZ_R_SERVICE_UPDATE,
	AZ_R_PLUGIN_INSTALL,
	AZ_R_IMAGE_CREATE,
	AZ_R_BUILD,
	AZ_R_GRPC,
};

struct az_uri {
	char path[AZ_PATH_MAX];   /* decoded, version prefix removed: "/containers/create" */
	char version[16];         /* "1.41"; the current version when unversioned */
	const char *query;        /* raw query (after '?'), not NUL-terminated */
	size_t query_len;
	enum az_route route;
};

/* 0, or -1 after az_reject() when dockerd would not route it the same way. */
int az_uri_parse(struct az_ctx *c, const char *method, const char *uri, size_t len,
		 struct az_uri *out);

/* Go's r.FormValue(KEY) on the query: 1 and OUT set when present, 0 when
 * absent, -1 when the value does not fit OUTSZ. */
int az_query_get(const struct az_uri *u, const char *key, char *out, size_t outsz);

/* moby api/types/versions.compare: dotted numbers, missing parts are 0. */
int az_version_cmp(const char *a, const char *b);

#endif
