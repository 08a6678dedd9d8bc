/* az_routes.h - the API routes whose requests the rules read, one table.
 *
 * Like OpenSSH's monitor dispatch table: each entry says which requests it
 * takes (method, path pattern), what part of the request carries the
 * settings (body, query), from which API version dockerd reads that part,
 * and which function judges it.  A route not in the table carries no host
 * settings: it is allowed (its logging still happens). */
#ifndef AZ_ROUTES_H
#define AZ_ROUTES_H

#include <stdbool.h>

#include "az_json.h"
#include "az_schema.h"
#include "az_verdict.h"

struct az_uri;

enum az_route_kind {
	AZ_RK_BODY,   /* the JSON body is a request object: ON_BODY judges it */
	AZ_RK_QUERY,  /* the settings are query parameters: ON_QUERY judges them */
	AZ_RK_FIXED,  /* the route itself is what a rule is about: ON_QUERY flags it */
	AZ_RK_TARGET, /* only the container it acts on (TARGET) is judged */
};

struct az_route_def {
	const char *method;
	const char *prefix;       /* the whole path, or what comes before "{name}" */
	const char *suffix;       /* NULL: PREFIX is the whole path; else after "{name}" */
	enum az_route_kind kind;
	const char *body_below;   /* AZ_RK_BODY: dockerd decodes the body only below this API
				   * version (NULL: at every version) */
	const struct az_type *schema;      /* AZ_RK_BODY: what the body decodes into */
	const struct az_schema *query;     /* AZ_RK_QUERY: the parameters dockerd reads */
	void (*on_body)(struct az_ctx *c, az_jv body);
	void (*on_query)(struct az_ctx *c, const struct az_uri *u);
	const char *what;         /* for messages and docs: "container create" */
	const char *target;       /* the route acts on the existing container "{name}": that
				   * container is judged, ACTION named ("exec into") */
};

/* The entry for METHOD and decoded PATH, or NULL. */
const struct az_route_def *az_route_find(const char *method, const char *path);

#endif
