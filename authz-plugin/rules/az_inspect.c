/* az_inspect.c - containers and volumes as dockerd describes them, judged by
 * the rules that judge create requests.
 *
 * An inspect document is what dockerd stored, so it reads like a create
 * body whose HostConfig is the inner object: messages name "HostConfig.X"
 * exactly as a denial of that create would.  Its Mounts are MountPoints
 * (Type, Source, Name, Driver), the container's effective mounts, those it
 * took through VolumesFrom included: a bind's Source is the host path; a
 * volume is judged by its own document.  dockerd writes these documents with
 * exact keys, so they are read by name (az_jget), not with Go's folding. */
#include <stdio.h>
#include <string.h>

#include "az_inspect.h"
#include "az_images.h"
#include "az_rules.h"
#include "az_state.h"

/* Parse JSON into DOC and return its root object, or NULL after az_reject(). */
static az_jv parse_object(struct az_ctx *c, const char *json, size_t len, struct az_jdoc *doc,
			  const char *what)
{
	struct az_jerr err;
	az_jv root;

	if (az_json_parse(json, len, doc, &err) < 0) {
		az_reject(c, "undecodable: %s inspect document: %s at byte %zu", what,
			  az_json_strerror(err.kind), err.offset);
		return NULL;
	}
	root = az_json_root(doc);
	if (!az_jis(root, AZ_JOBJ)) {
		az_reject(c, "undecodable: %s inspect document is not a JSON object", what);
		az_json_free(doc);
		return NULL;
	}
	return root;
}

static void check_mountpoints(struct az_ctx *c, az_jv list, const char *field)
{
	size_t i;
	az_jv e;

	if (az_arr(c, list, field, &list) < 0)
		return;
	AZ_JARR_FOREACH(list, i, e) {
		az_jv type = az_jget(e, "Type"), src = az_jget(e, "Source");
		char f[64], fs[80];

		snprintf(f, sizeof(f), "%s[%zu]", field, i);
		if (az_jis(type, AZ_JSTR) && type->n == 6 && memcmp(type->u.s, "volume", 6) == 0) {
			az_jv name = az_jget(e, "Name");
			/* a volume's Source is dockerd's own directory for it */
			if (c->state && az_jis(name, AZ_JSTR) && name->n > 0)
				az_check_named_volume(c, name->u.s, name->n, f);
			continue;
		}
		if (!az_jis(type, AZ_JSTR) || type->n != 4 || memcmp(type->u.s, "bind", 4) != 0 ||
		    !az_jis(src, AZ_JSTR) || src->n == 0)
			continue;
		snprintf(fs, sizeof(fs), "%s source", f);
		az_check_host_path(c, src->u.s, src->n, fs);
	}
}

void az_judge_container_doc(struct az_ctx *c, az_jv root, enum az_judge_scope scope)
{
	struct az_struct hc;
	az_jv cfg = az_jget(root, "Config"), env, user = NULL;
	bool was = c->in_inspect;
	int64_t mem, pids;
	bool pids_set;
	const char *img;
	size_t ilen;

	c->in_inspect = true;
	if (scope == AZ_JUDGE_MOUNTS) {
		check_mountpoints(c, az_jget(root, "Mounts"), "Mounts");
		goto out;
	}
	if (az_struct_read(c, az_jget(root, "HostConfig"), "HostConfig",
			   &az_schema_container_HostConfig, &hc) < 0)
		goto out;
	az_check_hostcfg(c, &hc, true);
	check_mountpoints(c, az_jget(root, "Mounts"), "Mounts");
	if (scope != AZ_JUDGE_ALL)
		goto out;
	if (az_jis(cfg, AZ_JOBJ))
		user = az_jget(cfg, "User");
	az_check_user(c, user, "User", true);
	if (az_arr(c, az_jis(cfg, AZ_JOBJ) ? az_jget(cfg, "Env") : NULL, "Env", &env) < 0)
		goto out;
	az_check_env(c, env, "Env");
	if (az_str(c, az_jis(cfg, AZ_JOBJ) ? az_jget(cfg, "Image") : NULL, "Image", &img, &ilen) < 0)
		goto out;
	if (ilen > 0)
		az_check_image(c, img, ilen, "Image");
	if (az_int(c, AZ_HCV(&hc, MEMORY), "HostConfig.Memory", &mem, NULL) < 0 ||
	    az_int(c, AZ_HCV(&hc, PIDSLIMIT), "HostConfig.PidsLimit", &pids, &pids_set) < 0)
		goto out;
	az_check_limits_required(c, mem, "HostConfig.Memory", pids_set, pids, "HostConfig.PidsLimit");
out:
	c->in_inspect = was;
}

void az_judge_volume_doc(struct az_ctx *c, az_jv root)
{
	const char *drv;
	size_t dlen;
	az_jv opts;

	if (az_str(c, az_jget(root, "Driver"), "Driver", &drv, &dlen) < 0 ||
	    az_obj(c, az_jget(root, "Options"), "Options", &opts) < 0)
		return;
	/* Options are the DriverOpts the volume was created with: named so, the
	 * finding reads as the denial of that create would have */
	if (az_is_local_driver(drv, dlen))
		az_check_local_volume_opts(c, opts, "DriverOpts");
}

void az_judge_container_defaults(const struct dw_policy *pol, const char *user, const char *json,
				 size_t len, const char *cgroupns_default, struct az_verdict *v)
{
	struct az_ctx c = { .pol = pol, .prof = dw_policy_authz_profile(pol, user), .v = v,
			    .cgroupns_default = cgroupns_default };
	struct az_jdoc doc;
	az_jv root;

	az_verdict_init(v);
	root = parse_object(&c, json, len, &doc, "container");
	if (root == NULL)
		return;
	az_judge_container_doc(&c, root, AZ_JUDGE_ALL);
	az_json_free(&doc);
}

void az_judge_container(const struct dw_policy *pol, const char *user, const char *json,
			size_t len, struct az_verdict *v)
{
	az_judge_container_defaults(pol, user, json, len, NULL, v);
}

void az_judge_volume(const struct dw_policy *pol, const char *user, const char *json,
		     size_t len, struct az_verdict *v)
{
	struct az_ctx c = { .pol = pol, .prof = dw_policy_authz_profile(pol, user), .v = v };
	struct az_jdoc doc;
	az_jv root;

	az_verdict_init(v);
	root = parse_object(&c, json, len, &doc, "volume");
	if (root == NULL)
		return;
	az_judge_volume_doc(&c, root);
	az_json_free(&doc);
}

void az_judge_image(const struct az_images *set, int64_t now, const char *ref, const char *json,
		    size_t len, struct az_verdict *v)
{
	struct dw_authz_profile prof = { .name = NULL };
	struct az_ctx c = { .prof = &prof, .v = v, .images = set, .now = now };
	struct az_jdoc doc;
	char safe[256];
	az_jv root;

	prof.rules[DW_RULE_TRUSTED_IMAGES] = DW_MODE_DENY;
	az_verdict_init(v);
	root = parse_object(&c, json, len, &doc, "image");
	if (root == NULL)
		return;
	az_sanitize(ref, strlen(ref), safe, sizeof(safe));
	az_judge_image_doc(&c, root, "image", safe);
	az_json_free(&doc);
}
