/* az_inspect.c - containers and volumes as dockerd describes them, judged by
 * the rules that judge create requests.
 *
 * An inspect document is what dockerd stored, so it reads like a create
 * body whose HostConfig is the inner object: messages name "HostConfig.X"
 * exactly as a denial of that create would.  Its Mounts are MountPoints
 * (Type, Source, Name, Driver), not mount.Mount: a bind's Source is the host
 * path; a volume's Source is dockerd's own directory for it, and the volume
 * itself is judged by az_judge_volume. */
#include <stdio.h>
#include <string.h>

#include "az_inspect.h"
#include "az_json.h"
#include "az_rules.h"

static const char *const top_fields[] = { "Config", "HostConfig", "Mounts" };
static const char *const cfg_fields[] = { "User", "Env", "Image" };
static const char *const mp_fields[] = { "Type", "Source" };
static const char *const vol_fields[] = { "Driver", "Options" };

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
		struct az_struct m = { .names = mp_fields, .n = 2 };
		const char *type, *src;
		size_t tlen, slen;
		char f[64], fs[80];

		snprintf(f, sizeof(f), "%s[%zu]", field, i);
		if (az_struct_read(c, e, f, &m) < 0 || az_str(c, m.val[0], f, &type, &tlen) < 0 ||
		    az_str(c, m.val[1], f, &src, &slen) < 0)
			return;
		if (!(tlen == 4 && memcmp(type, "bind", 4) == 0) || slen == 0)
			continue;
		snprintf(fs, sizeof(fs), "%s source", f);
		az_check_host_path(c, src, slen, fs);
	}
}

static void judge_container(struct az_ctx *c, az_jv root, const char *cgroupns_default)
{
	struct az_struct top = { .names = top_fields, .n = 3 };
	struct az_struct cfg = { .names = cfg_fields, .n = 3 };
	struct az_struct hc = { .names = az_hostcfg_fields, .n = az_hostcfg_nfields };
	int64_t mem, pids;
	bool pids_set;
	const char *img;
	size_t ilen;
	az_jv env;

	if (az_struct_read(c, root, "inspect", &top) < 0 ||
	    az_struct_read(c, top.val[0], "Config", &cfg) < 0 ||
	    az_struct_read(c, top.val[1], "HostConfig", &hc) < 0)
		return;
	if (cgroupns_default != NULL && az_jis(AZ_HCV(&hc, CGROUPNSMODE), AZ_JSTR) &&
	    AZ_HCV(&hc, CGROUPNSMODE)->n == strlen(cgroupns_default) &&
	    memcmp(AZ_HCV(&hc, CGROUPNSMODE)->u.s, cgroupns_default,
		   AZ_HCV(&hc, CGROUPNSMODE)->n) == 0)
		AZ_HCV(&hc, CGROUPNSMODE) = NULL; /* dockerd's default, not the request's */
	az_check_user(c, cfg.val[0], "User", true);
	if (az_arr(c, cfg.val[1], "Env", &env) < 0)
		return;
	az_check_env(c, env, "Env");
	if (az_str(c, cfg.val[2], "Image", &img, &ilen) < 0)
		return;
	if (ilen > 0)
		az_check_image(c, img, ilen, "Image");
	az_check_hostcfg(c, &hc, true);
	if (az_int(c, AZ_HCV(&hc, MEMORY), "HostConfig.Memory", &mem, NULL) < 0 ||
	    az_int(c, AZ_HCV(&hc, PIDSLIMIT), "HostConfig.PidsLimit", &pids, &pids_set) < 0)
		return;
	az_check_limits_required(c, mem, "HostConfig.Memory", pids_set, pids,
				 "HostConfig.PidsLimit");
	check_mountpoints(c, top.val[2], "Mounts");
}

void az_judge_container(const struct dw_policy *pol, const char *user, const char *json,
			size_t len, struct az_verdict *v)
{
	az_judge_container_defaults(pol, user, json, len, NULL, v);
}

void az_judge_container_defaults(const struct dw_policy *pol, const char *user, const char *json,
				 size_t len, const char *cgroupns_default, struct az_verdict *v)
{
	struct az_ctx c = { .pol = pol, .prof = dw_policy_authz_profile(pol, user), .v = v };
	struct az_jdoc doc;
	az_jv root;

	az_verdict_init(v);
	root = parse_object(&c, json, len, &doc, "container");
	if (root == NULL)
		return;
	judge_container(&c, root, cgroupns_default);
	az_json_free(&doc);
}

void az_judge_volume(const struct dw_policy *pol, const char *user, const char *json,
		     size_t len, struct az_verdict *v)
{
	struct az_ctx c = { .pol = pol, .prof = dw_policy_authz_profile(pol, user), .v = v };
	struct az_struct vol = { .names = vol_fields, .n = 2 };
	struct az_jdoc doc;
	const char *drv;
	size_t dlen;
	az_jv root, opts;

	az_verdict_init(v);
	root = parse_object(&c, json, len, &doc, "volume");
	if (root == NULL)
		return;
	if (az_struct_read(&c, root, "volume", &vol) < 0 ||
	    az_str(&c, vol.val[0], "Driver", &drv, &dlen) < 0 ||
	    az_obj(&c, vol.val[1], "Options", &opts) < 0)
		goto out;
	/* Options are the DriverOpts the volume was created with: name them so,
	 * and the finding reads as the denial of that create would have. */
	if (az_is_local_driver(drv, dlen))
		az_check_local_volume_opts(&c, opts, "DriverOpts");
out:
	az_json_free(&doc);
}
