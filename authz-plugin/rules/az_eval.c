/* az_eval.c - one request: its route (az_routes.c), then the part of the
 * request that route's settings are in. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "az_eval_priv.h"
#include "az_routes.h"
#include "az_state.h"

/* Go's ParseForm reads parameters from the body for these content types:
 * parameters the plugin never sees (dockerd forwards only JSON bodies). */
static bool is_form_content_type(const char *ct)
{
	static const char *const forms[] = { "application/x-www-form-urlencoded", "multipart/form-data" };
	size_t i, n;

	if (!ct)
		return false;
	while (*ct == ' ' || *ct == '\t')
		ct++;
	n = strcspn(ct, "; \t");
	for (i = 0; i < 2; i++)
		if (n == strlen(forms[i]) && strncasecmp(ct, forms[i], n) == 0)
			return true;
	return false;
}

/* Content-Length as dockerd's net/http saw it; -1 when absent or unreadable. */
static long long content_length(const char *s)
{
	char *end;
	long long v;

	if (!s || !isdigit((unsigned char)s[0]))
		return -1;
	v = strtoll(s, &end, 10);
	return *end ? -1 : v;
}

/* Does dockerd decode this request's body?  Below BODY_BELOW only; the
 * v1.23 start handler also skips a body of Content-Length 7 or less (and
 * decodes one of unknown length: chunked). */
static bool body_is_read(const struct az_route_def *r, const struct az_request *rq,
			 const struct az_uri *u)
{
	long long cl;

	if (!r->body_below)
		return true;
	if (az_version_cmp(u->version, r->body_below) >= 0)
		return false;
	cl = content_length(rq->content_length);
	return cl < 0 || cl > 7;
}

static void eval_body(struct az_ctx *c, const struct az_request *rq, const struct az_route_def *r)
{
	struct az_jdoc doc;

	if (az_body_parse(c, rq, &doc) < 0)
		return;
	/* no rule reads a body with a key no dockerd release we know reads */
	if (az_schema_check(c, az_json_root(&doc), r->schema, "") == 0)
		r->on_body(c, az_json_root(&doc));
	az_json_free(&doc);
}

/* The "{name}" part of U's path for route R. */
static void target_name(const struct az_route_def *r, const struct az_uri *u, const char **name,
			size_t *len)
{
	size_t lp = strlen(r->prefix), n = strlen(u->path);

	*name = u->path + lp;
	*len = n - lp - strlen(r->suffix);
}

void az_evaluate(const struct dw_policy *pol, const struct az_request *rq,
		 struct az_verdict *v, char *path_out, size_t path_outsz)
{
	struct az_ctx c = { .pol = pol, .prof = dw_policy_authz_profile(pol, rq->user),
			    .daemon = rq->daemon, .state = rq->state,
			    .images = rq->images, .now = rq->now, .host_masked = rq->host_masked,
			    .n_host_masked = rq->n_host_masked, .v = v };
	const struct az_route_def *r;
	struct az_jdoc target;
	struct az_uri u;
	struct az_uri_err uerr;

	az_verdict_init(v);
	if (path_out && path_outsz)
		path_out[0] = '\0';
	if (az_uri_parse(rq->method, rq->uri, rq->uri_len, rq->daemon, &u, &uerr) < 0) {
		char why[256];
		az_uri_strerror(&uerr, &u, why, sizeof(why));
		az_reject(&c, "%s", why);
		return;
	}
	if (path_out && path_outsz)
		snprintf(path_out, path_outsz, "%s", u.path);
	if (is_form_content_type(rq->content_type)) {
		az_reject(&c, "form-encoded body: dockerd would read parameters the plugin cannot see");
		return;
	}
	r = u.route;
	if (!r)
		return;
	if (r->target) {
		const char *name;
		size_t len;
		target_name(r, &u, &name, &len);
		if (az_judge_target(&c, name, len, r->target, &target) < 0)
			return;
		c.target = az_json_root(&target);
	}
	switch (r->kind) {
	case AZ_RK_BODY:
		if (body_is_read(r, rq, &u))
			eval_body(&c, rq, r);
		break;
	case AZ_RK_QUERY:
		if (az_query_check(&c, &u, r->query, r->what) == 0)
			r->on_query(&c, &u);
		break;
	case AZ_RK_FIXED:
		r->on_query(&c, &u);
		break;
	case AZ_RK_TARGET:
		break;
	}
	if (c.target)
		az_json_free(&target);
}
