/* dw_policy_authz.c - the "authz" section: rule modes, allow-lists and the
 * per-user profiles, and the lookup of the profile for a TLS user.
 *
 * The section itself is the default profile.  Each profile starts as a copy of
 * it (after the whole section is read) and overrides only what it names; in
 * "rules", only the rules it names.  A user may select at most one profile
 * (by profile name or by a "users" entry): ambiguity is a load error, so the
 * lookup order never decides anything. */
#include "dw_policy_priv.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const enum dw_mode default_modes[DW_RULE_COUNT] = {
	[DW_RULE_PRIVILEGED] = DW_MODE_DENY,
	[DW_RULE_HOST_NAMESPACES] = DW_MODE_DENY,
	[DW_RULE_CAPABILITIES] = DW_MODE_DENY,
	[DW_RULE_HOST_MOUNTS] = DW_MODE_DENY,
	[DW_RULE_DEVICES] = DW_MODE_DENY,
	[DW_RULE_SECURITY_OPTIONS] = DW_MODE_DENY,
	[DW_RULE_RESOURCE_LIMITS] = DW_MODE_DENY,
	[DW_RULE_SYSCTLS] = DW_MODE_DENY,
	[DW_RULE_PLUGINS] = DW_MODE_DENY,
	[DW_RULE_TRUSTED_REGISTRIES] = DW_MODE_OFF,
	[DW_RULE_ROOT_USER] = DW_MODE_WARN,
	[DW_RULE_SECRETS_IN_ENV] = DW_MODE_WARN,
	[DW_RULE_BUILDKIT] = DW_MODE_DENY,
	[DW_RULE_TRUSTED_IMAGES] = DW_MODE_OFF, /* needs a key and a list */
	[DW_RULE_SWARM] = DW_MODE_DENY,
};

void dw_rules_default(enum dw_mode rules[DW_RULE_COUNT])
{
	memcpy(rules, default_modes, sizeof(default_modes));
}

void dw_authz_profile_free(struct dw_authz_profile *ap)
{
	free(ap->name);
	ap->name = NULL;
	dw_keys_free(&dw_policy_authz_keys, ap);
}

int dw_authz_profile_init_default(struct dw_authz_profile *ap)
{
	int r = -ENOMEM;

	memset(ap, 0, sizeof(*ap));
	ap->name = strdup("default");
	if (!ap->name || dw_keys_default(&dw_policy_authz_keys, ap) < 0)
		goto out;
	r = 0;
out:
	if (r < 0)
		dw_authz_profile_free(ap);
	return r;
}

int dw_authz_profile_copy(struct dw_authz_profile *dst, const struct dw_authz_profile *src,
			  const char *name)
{
	int r = -ENOMEM;

	memset(dst, 0, sizeof(*dst));
	dst->name = strdup(name);
	if (!dst->name || dw_keys_copy(&dw_policy_authz_keys, dst, src) < 0)
		goto out;
	r = 0;
out:
	if (r < 0)
		dw_authz_profile_free(dst);
	return r;
}

int dw_get_rules(struct dw_vctx *c, const struct dw_where *w, const json_t *obj,
		 enum dw_mode rules[DW_RULE_COUNT])
{
	const char *names[DW_RULE_COUNT + 1];
	const char *key;
	json_t *val;
	char q[300];
	int r;

	if ((r = dw_expect_object(c, w, obj)) < 0)
		return r;
	for (int k = 0; k < DW_RULE_COUNT; k++)
		names[k] = dw_rule_name((enum dw_rule)k);
	names[DW_RULE_COUNT] = NULL;
	r = dw_check_keys(c, w, obj, names);
	json_object_foreach((json_t *)obj, key, val) {
		struct dw_where k;
		enum dw_rule rule;
		enum dw_mode mode;

		if (dw_rule_from_name(key, strlen(key), &rule) < 0)
			continue;  /* reported by dw_check_keys */
		dw_where_key(&k, w, key);
		if (!json_is_string(val)) {
			dw_vctx_where_error(c, &k, "expected \"deny\", \"warn\" or \"off\", got %s",
					    dw_json_type_desc(val));
			r = -EINVAL;
			continue;
		}
		if (dw_mode_from_name(json_string_value(val), json_string_length(val), &mode) < 0) {
			dw_vctx_where_error(c, &k, "invalid mode %s (expected deny, warn or off)",
					    dw_quote(q, sizeof(q), json_string_value(val),
						     json_string_length(val)));
			r = -EINVAL;
			continue;
		}
		rules[rule] = mode;
	}
	return r;
}

/* Which earlier profile (index < UPTO) USER already selects, or -1. */
static long selected_by(const struct dw_policy *p, size_t upto, const char *user)
{
	if (user == NULL)
		return -1;
	for (size_t i = 0; i < upto; i++) {
		if (strcmp(p->authz_profiles[i].name, user) == 0 ||
		    dw_strv_contains(&p->authz_profiles[i].users, user))
			return (long)i;
	}
	return -1;
}

/* Report users and profile names that would select two profiles.  Each
 * conflict is reported once, at the later of its two places. */
static int check_ambiguity(struct dw_vctx *c, const struct dw_where *w, struct dw_policy *p)
{
	char q[300];
	int r = 0;

	for (size_t i = 0; i < p->n_authz_profiles; i++) {
		const struct dw_authz_profile *ap = &p->authz_profiles[i];
		struct dw_where pw, uw;
		long other = selected_by(p, i, ap->name);

		dw_where_key(&pw, w, ap->name);
		if (other >= 0) {
			dw_vctx_where_error(c, &pw, "profile name %s is also a user of profile \"%s\"",
					    dw_quote(q, sizeof(q), ap->name, strlen(ap->name)),
					    p->authz_profiles[other].name);
			r = -EINVAL;
		}
		dw_where_key(&uw, &pw, "users");
		for (size_t u = 0; u < ap->users.n; u++) {
			other = selected_by(p, i, ap->users.v[u]);
			if (other < 0)
				continue;
			dw_vctx_item_error(c, &uw, u, "user %s already selects profile \"%s\"",
					   dw_quote(q, sizeof(q), ap->users.v[u], strlen(ap->users.v[u])),
					   p->authz_profiles[other].name);
			r = -EINVAL;
		}
	}
	return r;
}

static int parse_profiles(struct dw_vctx *c, const struct dw_where *w, const json_t *obj,
			  struct dw_policy *p)
{
	const char *name;
	json_t *val;
	char q[300];
	int r;

	if ((r = dw_expect_object(c, w, obj)) < 0)
		return r;
	p->authz_profiles = calloc(json_object_size(obj) + 1, sizeof(*p->authz_profiles));
	if (!p->authz_profiles)
		return -ENOMEM;
	json_object_foreach((json_t *)obj, name, val) {
		struct dw_authz_profile *ap = &p->authz_profiles[p->n_authz_profiles];
		size_t nlen = strlen(name);
		struct dw_where pw;
		const char *why;

		dw_where_key(&pw, w, name);
		why = strcmp(name, "default") == 0 ?
			"is reserved (the authz section itself is the default profile)" :
			dw_name_problem(name, nlen);
		if (why) {
			dw_vctx_error(c, pw.ptr, "\"%s\": profile name %s%s%s", w->name,
				      nlen ? dw_quote(q, sizeof(q), name, nlen) : "",
				      nlen ? " " : "", why);
			r = -EINVAL;
			continue;
		}
		if (dw_expect_object(c, &pw, val) < 0) {
			r = -EINVAL;
			continue;
		}
		if (dw_authz_profile_copy(ap, &p->authz, name) < 0)
			return -ENOMEM;
		p->n_authz_profiles++;
		r = dw_worst(r, dw_keys_parse(c, &pw, val, &dw_policy_authz_keys, DW_SCOPE_PROFILE, ap));
	}
	if (r == 0)
		r = check_ambiguity(c, w, p);
	return r;
}

/* "image_lists": [{"list": PATH, "pubkey": PATH}, ...] into the parallel
 * P->image_lists and P->image_keys. */
static int parse_image_lists(struct dw_vctx *c, const struct dw_where *w, const json_t *arr,
			     struct dw_policy *p)
{
	static const char *const keys[] = { "list", "pubkey", NULL };
	size_t n = json_array_size(arr), i;
	const json_t *e;
	int r = 0;

	if (!json_is_array(arr)) {
		dw_vctx_where_error(c, w, "expected an array of {\"list\", \"pubkey\"}, got %s",
				    dw_json_type_desc(arr));
		return -EINVAL;
	}
	dw_strv_free(&p->image_lists);
	dw_strv_free(&p->image_keys);
	p->image_lists.v = calloc(n + 1, sizeof(char *));
	p->image_keys.v = calloc(n + 1, sizeof(char *));
	if (!p->image_lists.v || !p->image_keys.v)
		return -ENOMEM;
	json_array_foreach((json_t *)arr, i, e) {
		struct dw_where iw, kw;
		const json_t *list, *key;
		char idx[24];
		int q;

		snprintf(idx, sizeof(idx), "%zu", i);
		dw_where_key(&iw, w, idx);
		if ((q = dw_expect_object(c, &iw, e)) < 0 || (q = dw_check_keys(c, &iw, e, keys)) < 0) {
			r = dw_worst(r, q);
			continue;
		}
		list = json_object_get(e, "list");
		key = json_object_get(e, "pubkey");
		if (!list || !key) {
			dw_vctx_where_error(c, &iw, "needs both \"list\" (the list file; its signature is "
						    "LIST.minisig) and \"pubkey\" (minisign public key)");
			r = dw_worst(r, -EINVAL);
			continue;
		}
		dw_where_key(&kw, &iw, "list");
		q = dw_check_item(c, &kw, (size_t)-1, DW_ITEM_PATH, list, &p->image_lists.v[p->image_lists.n]);
		if (q < 0) {
			r = dw_worst(r, q);
			continue;
		}
		p->image_lists.n++;
		dw_where_key(&kw, &iw, "pubkey");
		q = dw_check_item(c, &kw, (size_t)-1, DW_ITEM_PATH, key, &p->image_keys.v[p->image_keys.n]);
		if (q < 0) {
			free(p->image_lists.v[--p->image_lists.n]);
			p->image_lists.v[p->image_lists.n] = NULL;
			r = dw_worst(r, q);
			continue;
		}
		p->image_keys.n++;
	}
	return r;
}

/* A profile with trusted_images on needs a list: say so at load rather
 * than deny every container at run time. */
static int check_image_rule(struct dw_vctx *c, const struct dw_where *w, const struct dw_policy *p)
{
	struct dw_where k;

	if (p->image_lists.n || !dw_policy_rule_used(p, DW_RULE_TRUSTED_IMAGES))
		return 0;
	dw_where_key(&k, w, "image_lists");
	dw_vctx_where_error(c, &k, "the trusted_images rule is on but no image list is given "
				   "(authz.image_lists: [{\"list\": ..., \"pubkey\": ...}])");
	return -EINVAL;
}

int dw_policy_parse_authz(struct dw_vctx *c, const json_t *root, struct dw_policy *p)
{
	struct dw_where top, w, pw, lw;
	const json_t *sec = json_object_get(root, "authz");
	const json_t *profiles, *lists;
	int r;

	if (!sec)
		return 0;
	dw_where_root(&top);
	dw_where_key(&w, &top, "authz");
	if ((r = dw_expect_object(c, &w, sec)) < 0)
		return r;
	/* profiles and image_lists are read below, into P itself */
	r = dw_keys_parse(c, &w, sec, &dw_policy_authz_keys, DW_SCOPE_SECTION, &p->authz);
	if (r == -ENOMEM)
		return r;
	if ((lists = json_object_get(sec, "image_lists"))) {
		dw_where_key(&lw, &w, "image_lists");
		r = dw_worst(r, parse_image_lists(c, &lw, lists, p));
	}
	profiles = json_object_get(sec, "profiles");
	if (profiles) {
		dw_where_key(&pw, &w, "profiles");
		r = dw_worst(r, parse_profiles(c, &pw, profiles, p));
	}
	if (r == 0)
		r = check_image_rule(c, &w, p);
	return r;
}

bool dw_policy_rule_used(const struct dw_policy *p, enum dw_rule rule)
{
	if (p->authz.rules[rule] != DW_MODE_OFF)
		return true;
	for (size_t i = 0; i < p->n_authz_profiles; i++)
		if (p->authz_profiles[i].rules[rule] != DW_MODE_OFF)
			return true;
	return false;
}

const struct dw_authz_profile *dw_policy_authz_profile(const struct dw_policy *p,
						       const char *user)
{
	if (!user || !user[0])
		return &p->authz;
	for (size_t i = 0; i < p->n_authz_profiles; i++)
		if (strcmp(p->authz_profiles[i].name, user) == 0)
			return &p->authz_profiles[i];
	for (size_t i = 0; i < p->n_authz_profiles; i++)
		if (dw_strv_contains(&p->authz_profiles[i].users, user))
			return &p->authz_profiles[i];
	return &p->authz;
}
