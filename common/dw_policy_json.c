/* dw_policy_json.c - the effective policy as canonical JSON: every key, with
 * defaults filled in, profiles fully merged, keys sorted, two-space indent.
 * Loading this output again yields the same policy (and the same output). */
#include "dw_policy_priv.h"

#include <errno.h>
#include <stdlib.h>

#include "dw_match.h"

/* Set KEY of OBJ to V, taking V's reference; a NULL V (failed allocation)
 * is remembered in *BAD. */
static void put(json_t *obj, const char *key, json_t *v, bool *bad)
{
	if (!v || json_object_set_new(obj, key, v) < 0)
		*bad = true;
}

static json_t *strv_json(const struct dw_strv *sv)
{
	json_t *a = json_array();

	for (size_t k = 0; a && k < sv->n; k++) {
		if (json_array_append_new(a, json_string(sv->v[k])) < 0) {
			json_decref(a);
			return NULL;
		}
	}
	return a;
}

static json_t *cidrv_json(const struct dw_cidrv *nv)
{
	json_t *a = json_array();
	char buf[64];

	for (size_t k = 0; a && k < nv->n; k++) {
		if (dw_cidr_format(&nv->v[k], buf, sizeof(buf)) < 0 ||
		    json_array_append_new(a, json_string(buf)) < 0) {
			json_decref(a);
			return NULL;
		}
	}
	return a;
}

static json_t *profile_json(const struct dw_authz_profile *ap, bool with_users, bool *bad)
{
	json_t *o = json_object();
	json_t *rules = json_object();

	if (!o || !rules) {
		json_decref(o);
		json_decref(rules);
		*bad = true;
		return NULL;
	}
	for (int k = 0; k < DW_RULE_COUNT; k++)
		put(rules, dw_rule_name((enum dw_rule)k), json_string(dw_mode_name(ap->rules[k])), bad);
	put(o, "rules", rules, bad);
	if (with_users)
		put(o, "users", strv_json(&ap->users), bad);
	put(o, "allowed_capabilities", strv_json(&ap->allowed_capabilities), bad);
	put(o, "allowed_sysctls", strv_json(&ap->allowed_sysctls), bad);
	put(o, "trusted_registries", strv_json(&ap->trusted_registries), bad);
	put(o, "allow_custom_seccomp", json_boolean(ap->allow_custom_seccomp), bad);
	return o;
}

static json_t *image_lists_json(const struct dw_policy *p, bool *bad)
{
	json_t *a = json_array();

	for (size_t k = 0; a && k < p->image_lists.n; k++) {
		json_t *e = json_pack("{s:s, s:s}", "list", p->image_lists.v[k], "pubkey",
				      p->image_keys.v[k]);
		if (!e || json_array_append_new(a, e) < 0) {
			json_decref(a);
			a = NULL;
		}
	}
	if (!a)
		*bad = true;
	return a;
}

static json_t *authz_json(const struct dw_policy *p, bool *bad)
{
	json_t *o = profile_json(&p->authz, false, bad);
	json_t *profiles = json_object();

	if (!o || !profiles) {
		json_decref(o);
		json_decref(profiles);
		*bad = true;
		return NULL;
	}
	for (size_t k = 0; k < p->n_authz_profiles; k++)
		put(profiles, p->authz_profiles[k].name,
		    profile_json(&p->authz_profiles[k], true, bad), bad);
	put(o, "profiles", profiles, bad);
	put(o, "image_lists", image_lists_json(p, bad), bad);
	return o;
}

static json_t *trusted_json(const struct dw_policy *p, bool *bad)
{
	json_t *o = json_object();

	if (!o) {
		*bad = true;
		return NULL;
	}
	put(o, "users", strv_json(&p->trusted_users), bad);
	put(o, "groups", strv_json(&p->trusted_groups), bad);
	put(o, "networks", cidrv_json(&p->trusted_networks), bad);
	return o;
}

static json_t *pam_json(const struct dw_policy *p, bool *bad)
{
	json_t *o = json_object();

	if (!o) {
		*bad = true;
		return NULL;
	}
	put(o, "guarded_groups", strv_json(&p->pam.guarded_groups), bad);
	put(o, "require_publickey", json_boolean(p->pam.require_publickey), bad);
	put(o, "allow_local", json_boolean(p->pam.allow_local), bad);
	put(o, "resolve_hostnames", json_boolean(p->pam.resolve_hostnames), bad);
	return o;
}

static json_t *forward_json(const struct dw_policy *p, bool *bad)
{
	json_t *o = json_object();

	if (!o) {
		*bad = true;
		return NULL;
	}
	put(o, "target", json_string(p->forward.target), bad);
	put(o, "signing_key", json_string(p->forward.signing_key), bad);
	put(o, "spool_dir", json_string(p->forward.spool_dir), bad);
	put(o, "spool_max_mb", json_integer(p->forward.spool_max_mb), bad);
	put(o, "spool_full_action",
	    json_string(p->forward.spool_full_action == DW_SPOOL_FULL_DROP_OLDEST ?
			"drop_oldest" : "drop_new"), bad);
	put(o, "audit_keys", strv_json(&p->forward.audit_keys), bad);
	put(o, "tls_ca", json_string(p->forward.tls_ca), bad);
	put(o, "tls_cert", json_string(p->forward.tls_cert), bad);
	put(o, "tls_key", json_string(p->forward.tls_key), bad);
	put(o, "host_id", json_string(p->forward.host_id), bad);
	return o;
}

int dw_policy_to_json(const struct dw_policy *p, char **out)
{
	json_t *root = json_object();
	bool bad = !root;
	int r = -ENOMEM;

	*out = NULL;
	if (bad)
		goto out;
	put(root, "trusted", trusted_json(p, &bad), &bad);
	put(root, "sensitive_paths", strv_json(&p->sensitive_paths), &bad);
	put(root, "docker_binaries", strv_json(&p->docker_binaries), &bad);
	put(root, "docker_paths", strv_json(&p->docker_paths), &bad);
	put(root, "authz", authz_json(p, &bad), &bad);
	put(root, "pam", pam_json(p, &bad), &bad);
	put(root, "forward", forward_json(p, &bad), &bad);
	if (bad)
		goto out;
	*out = json_dumps(root, JSON_SORT_KEYS | JSON_INDENT(2));
	r = *out ? 0 : -ENOMEM;
out:
	json_decref(root);
	return r;
}
