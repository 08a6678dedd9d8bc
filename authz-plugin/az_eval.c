/* az_eval.c - route a request to the checks that apply to it. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "az_eval_priv.h"

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

static void eval_body_route(struct az_ctx *c, const struct az_request *rq, enum az_route r)
{
	struct az_jdoc doc;
	az_jv body;

	if (az_body_parse(c, rq, &doc) < 0)
		return;
	body = az_json_root(&doc);
	switch (r) {
	case AZ_R_CONTAINER_CREATE: az_eval_container_create(c, body); break;
	case AZ_R_CONTAINER_START: az_eval_container_start(c, body); break;
	case AZ_R_CONTAINER_UPDATE: az_eval_container_update(c, body); break;
	case AZ_R_EXEC_CREATE: az_eval_exec_create(c, body); break;
	case AZ_R_VOLUME_CREATE: az_eval_volume_create(c, body); break;
	case AZ_R_SERVICE_CREATE:
	case AZ_R_SERVICE_UPDATE: az_eval_service(c, body); break;
	default: break;
	}
	az_json_free(&doc);
}

void az_evaluate(const struct dw_policy *pol, const struct az_request *rq,
		 struct az_verdict *v, char *path_out, size_t path_outsz)
{
	struct az_ctx c = { .pol = pol, .prof = dw_policy_authz_profile(pol, rq->user), .v = v };
	struct az_uri u;

	az_verdict_init(v);
	if (path_out && path_outsz)
		path_out[0] = '\0';
	if (az_uri_parse(&c, rq->method, rq->uri, rq->uri_len, &u) < 0)
		return;
	if (path_out && path_outsz)
		snprintf(path_out, path_outsz, "%s", u.path);
	if (is_form_content_type(rq->content_type)) {
		az_reject(&c, "form-encoded body: dockerd would read parameters the plugin cannot see");
		return;
	}
	switch (u.route) {
	case AZ_R_OTHER:
		break;
	case AZ_R_CONTAINER_START:
		/* dockerd decodes a start body as a HostConfig only below API 1.24,
		 * and only when Content-Length is over 7 or unknown (chunked) */
		if (az_version_cmp(u.version, "1.24") >= 0)
			break;
		if (content_length(rq->content_length) >= 0 && content_length(rq->content_length) <= 7)
			break;
		eval_body_route(&c, rq, u.route);
		break;
	case AZ_R_CONTAINER_CREATE:
	case AZ_R_CONTAINER_UPDATE:
	case AZ_R_EXEC_CREATE:
	case AZ_R_VOLUME_CREATE:
	case AZ_R_SERVICE_CREATE:
	case AZ_R_SERVICE_UPDATE:
		eval_body_route(&c, rq, u.route);
		break;
	case AZ_R_PLUGIN_INSTALL:
		az_flag(&c, DW_RULE_PLUGINS, "POST %s installs or reconfigures a plugin", u.path);
		break;
	case AZ_R_GRPC:
		az_flag(&c, DW_RULE_HOST_NAMESPACES,
			"POST /grpc (BuildKit API) can run builds with host networking the plugin cannot inspect");
		break;
	case AZ_R_BUILD:
	case AZ_R_IMAGE_CREATE:
		az_eval_query(&c, &u);
		break;
	}
}
