/* dw_policy_json.c - the effective policy as canonical JSON: every key, with
 * defaults filled in, profiles fully merged, keys sorted, two-space indent.
 * Loading this output again yields the same policy (and the same output).
 * The keys and their forms come from the tables in dw_policy_keys.c. */
#include "dw_policy_priv.h"

#include <errno.h>
#include <stdlib.h>

/* Set KEY of OBJ to V, taking V's reference; a NULL V (failed allocation)
 * is remembered in *BAD. */
static void put(json_t *obj, const char *key, json_t *v, bool *bad)
{
	if (!v || json_object_set_new(obj, key, v) < 0)
		*bad = true;
}

/* A new object holding T's keys of BASE (those in SCOPE). */
static json_t *keys_json(const struct dw_policy_keys *t, unsigned scope, const void *base,
			 bool *bad)
{
	json_t *o = json_object();

	if (!o || dw_keys_json(o, t, scope, base) < 0) {
		json_decref(o);
		*bad = true;
		return NULL;
	}
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
	json_t *o = keys_json(&dw_policy_authz_keys, DW_SCOPE_SECTION, &p->authz, bad);
	json_t *profiles = json_object();

	if (!o || !profiles) {
		json_decref(o);
		json_decref(profiles);
		*bad = true;
		return NULL;
	}
	for (size_t k = 0; k < p->n_authz_profiles; k++)
		put(profiles, p->authz_profiles[k].name,
		    keys_json(&dw_policy_authz_keys, DW_SCOPE_PROFILE, &p->authz_profiles[k], bad),
		    bad);
	put(o, "profiles", profiles, bad);
	put(o, "image_lists", image_lists_json(p, bad), bad);
	return o;
}

int dw_policy_to_json(const struct dw_policy *p, char **out)
{
	json_t *root = json_object();
	bool bad = !root || dw_keys_json(root, &dw_policy_top_keys, 0, p) < 0;
	int r = -ENOMEM;

	*out = NULL;
	if (bad)
		goto out;
	put(root, "trusted", keys_json(&dw_policy_trusted_keys, 0, p, &bad), &bad);
	put(root, "authz", authz_json(p, &bad), &bad);
	put(root, "pam", keys_json(&dw_policy_pam_keys, 0, p, &bad), &bad);
	put(root, "forward", keys_json(&dw_policy_forward_keys, 0, p, &bad), &bad);
	if (bad)
		goto out;
	*out = json_dumps(root, JSON_SORT_KEYS | JSON_INDENT(2));
	r = *out ? 0 : -ENOMEM;
out:
	json_decref(root);
	return r;
}
