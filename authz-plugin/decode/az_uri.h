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

#include "az_schema.h"
#include "az_verdict.h"

#define AZ_PATH_MAX 4096
/* AZ_API_MIN, AZ_API_MAX: the API versions this plugin reads requests of,
 * from schema/moby-versions.tsv (the oldest any supported dockerd serves,
 * the newest one it models). */
#include "az_schema_gen.h"
#include "dw_attr.h"

struct az_route_def;

struct az_uri {
	char path[AZ_PATH_MAX];   /* decoded, version prefix removed: "/containers/create" */
	char version[16];         /* "1.41"; the daemon's own (else AZ_API_MAX) when unversioned */
	bool unversioned;         /* the path had no "/vX.Y" prefix */
	const char *query;        /* raw query (after '?'), not NUL-terminated */
	size_t query_len;
	const struct az_route_def *route; /* NULL: no rule reads this route */
};

/* Why a RequestUri is not read, and where (a byte of the URI). */
enum az_uri_code {
	AZ_URI_OK = 0,
	AZ_URI_EMPTY,
	AZ_URI_NOT_ABSOLUTE,       /* neither "/path" nor "scheme://host/path" */
	AZ_URI_NO_PATH,            /* "scheme://host" alone */
	AZ_URI_BAD_ESCAPE,         /* a '%' not followed by two hex digits */
	AZ_URI_TOO_LONG,           /* decoded path over AZ_PATH_MAX - 1 bytes */
	AZ_URI_CONTROL,            /* a control character, decoded */
	AZ_URI_NOT_CANONICAL,      /* mux would redirect it: "//", ".", ".." */
	AZ_URI_VERSION_TOO_LONG,
	AZ_URI_VERSION_TOO_OLD,    /* below AZ_API_MIN */
	AZ_URI_VERSION_TOO_NEW,    /* above AZ_API_MAX */
	AZ_URI_DAEMON_NEWER,       /* unversioned, and the dockerd serves above AZ_API_MAX */
};

struct az_uri_err {
	enum az_uri_code code;
	size_t offset;
	char daemon_version[32];   /* AZ_URI_DAEMON_NEWER: that dockerd and its API */
	char daemon_api[16];
};

/* Read URI (LEN bytes) of a METHOD request as dockerd's router would, an
 * unversioned path as DAEMON's own version (NULL or not known: AZ_API_MAX).
 * 0, or -1 with ERR saying why dockerd would not route it the same way. */
DW_MUST_CHECK int az_uri_parse(const char *method, const char *uri, size_t len,
			       const struct az_daemon_info *daemon, struct az_uri *out,
			       struct az_uri_err *err);
/* ERR (of the parse that filled U) as a message for the verdict. */
void az_uri_strerror(const struct az_uri_err *err, const struct az_uri *u, char *buf, size_t sz);

/* Go's r.FormValue(KEY) on the query: 1 and OUT set when present, 0 when
 * absent, -1 when the value does not fit OUTSZ. */
int az_query_get(const struct az_uri *u, const char *key, char *out, size_t outsz);

/* Every query parameter of U must be one SCHEMA lists (exact names, as
 * r.FormValue reads them); WHAT names the route.  0, or -1 after
 * az_reject() naming the first unknown one. */
int az_query_check(struct az_ctx *c, const struct az_uri *u, const struct az_schema *schema,
		   const char *what);

/* moby api/types/versions.compare: dotted numbers, missing parts are 0. */
int az_version_cmp(const char *a, const char *b);

#endif
