/* dw_policy_keys.c - every key a policy file may hold, written once.
 *
 * One table per section gives each key's name, the kind of its value (which
 * names the parser that checks it and the JSON it is shown as), where in the
 * struct it lands, and its built-in default.  The tables drive the allowed
 * key sets, parsing, defaults, freeing and copying, the canonical JSON of
 * `dockwarden policy show`, and the key list the man page is checked
 * against: a key added here is everywhere at once.  What no single key can
 * say stays with its section (dw_policy_sections.c, dw_policy_authz.c): an
 * authz profile's merge, image lists, relp+tls needing its three files. */
#include "dw_policy_priv.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dw_match.h"

/* Built-in defaults (the CIS Docker Benchmark v1.6.0 paths, section 1.1, for
 * the watched paths).  packaging/policy.json spells out the same values;
 * test_policy proves they agree. */
static const char *const default_sensitive_paths[] = {
	"/", "/etc", "/boot", "/dev", "/proc", "/sys", "/root", "/usr", "/bin", "/sbin",
	"/lib*", "/var/lib/docker", "/var/lib/containerd", "/run", "/var/run",
	"/var/run/docker.sock", "/run/docker.sock", "/run/containerd/containerd.sock",
	"/var/log", NULL,
};
static const char *const default_docker_binaries[] = {
	"/usr/bin/dockerd", "/usr/sbin/dockerd", "/usr/bin/docker", "/usr/bin/containerd",
	"/usr/bin/containerd-shim*", "/usr/sbin/runc", "/usr/bin/runc",
	"/usr/bin/docker-proxy", "/usr/sbin/docker-proxy", "/usr/bin/docker-init",
	"/usr/sbin/docker-init", NULL,
};
static const char *const default_docker_paths[] = {
	"/usr/bin/dockerd", "/var/lib/docker", "/etc/docker",
	"/lib/systemd/system/docker.service", "/lib/systemd/system/docker.socket",
	"/etc/default/docker", "/etc/docker/daemon.json", "/etc/containerd/config.toml",
	"/usr/bin/containerd", "/usr/bin/containerd-shim", "/usr/bin/containerd-shim-runc-v1",
	"/usr/bin/containerd-shim-runc-v2", "/usr/bin/runc", "/usr/sbin/runc",
	"/run/containerd/containerd.sock", "/var/run/docker.sock", "/run/docker.sock", NULL,
};
static const char *const default_guarded_groups[] = { "docker", NULL };
static const char *const default_audit_keys[] = { "docker", NULL };
static const char *const default_caps[] = { "CAP_NET_BIND_SERVICE", NULL };

#define P(m) offsetof(struct dw_policy, m)
#define A(m) offsetof(struct dw_authz_profile, m)

/* In the order messages list them ("expected one of: ..."). */
static const struct dw_policy_key top_keys[] = {
	{ .name = "trusted", .kind = DW_KEY_OWN },
	{ .name = "sensitive_paths", .kind = DW_KEY_STRV, .item = DW_ITEM_SENSITIVE,
	  .off = P(sensitive_paths), .def_list = default_sensitive_paths },
	{ .name = "docker_binaries", .kind = DW_KEY_STRV, .item = DW_ITEM_PATTERN,
	  .off = P(docker_binaries), .def_list = default_docker_binaries },
	{ .name = "docker_paths", .kind = DW_KEY_STRV, .item = DW_ITEM_PATH,
	  .off = P(docker_paths), .def_list = default_docker_paths },
	{ .name = "authz", .kind = DW_KEY_OWN },
	{ .name = "pam", .kind = DW_KEY_OWN },
	{ .name = "forward", .kind = DW_KEY_OWN },
};

static const struct dw_policy_key trusted_keys[] = {
	{ .name = "users", .kind = DW_KEY_STRV, .item = DW_ITEM_NAME, .off = P(trusted_users) },
	{ .name = "groups", .kind = DW_KEY_STRV, .item = DW_ITEM_NAME, .off = P(trusted_groups) },
	{ .name = "networks", .kind = DW_KEY_CIDRV, .off = P(trusted_networks) },
};

/* Offsets in struct dw_authz_profile: the section is the default profile.
 * image_lists fills struct dw_policy (dw_policy_authz.c). */
static const struct dw_policy_key authz_keys[] = {
	{ .name = "users", .kind = DW_KEY_STRV, .item = DW_ITEM_NAME, .off = A(users),
	  .scope = DW_SCOPE_PROFILE },
	{ .name = "rules", .kind = DW_KEY_RULES, .off = A(rules),
	  .scope = DW_SCOPE_SECTION | DW_SCOPE_PROFILE },
	{ .name = "allowed_capabilities", .kind = DW_KEY_STRV, .item = DW_ITEM_CAP,
	  .off = A(allowed_capabilities), .def_list = default_caps,
	  .scope = DW_SCOPE_SECTION | DW_SCOPE_PROFILE },
	{ .name = "allowed_sysctls", .kind = DW_KEY_STRV, .item = DW_ITEM_SYSCTL,
	  .off = A(allowed_sysctls), .scope = DW_SCOPE_SECTION | DW_SCOPE_PROFILE },
	{ .name = "trusted_registries", .kind = DW_KEY_STRV, .item = DW_ITEM_REGISTRY,
	  .off = A(trusted_registries), .scope = DW_SCOPE_SECTION | DW_SCOPE_PROFILE },
	{ .name = "allow_custom_seccomp", .kind = DW_KEY_BOOL, .off = A(allow_custom_seccomp),
	  .def_num = false, .scope = DW_SCOPE_SECTION | DW_SCOPE_PROFILE },
	{ .name = "profiles", .kind = DW_KEY_OWN, .scope = DW_SCOPE_SECTION },
	{ .name = "image_lists", .kind = DW_KEY_OWN, .scope = DW_SCOPE_SECTION },
};

static const struct dw_policy_key pam_keys[] = {
	{ .name = "guarded_groups", .kind = DW_KEY_STRV, .item = DW_ITEM_NAME,
	  .off = P(pam.guarded_groups), .def_list = default_guarded_groups },
	{ .name = "require_publickey", .kind = DW_KEY_BOOL, .off = P(pam.require_publickey),
	  .def_num = true },
	{ .name = "allow_local", .kind = DW_KEY_BOOL, .off = P(pam.allow_local), .def_num = true },
	{ .name = "resolve_hostnames", .kind = DW_KEY_BOOL, .off = P(pam.resolve_hostnames),
	  .def_num = false },
};

static const struct dw_policy_key forward_keys[] = {
	{ .name = "target", .kind = DW_KEY_TARGET, .off = P(forward.target), .def = "" },
	{ .name = "signing_key", .kind = DW_KEY_PATH, .off = P(forward.signing_key),
	  .def = "/etc/dockwarden/signing.key" },
	{ .name = "spool_dir", .kind = DW_KEY_PATH, .off = P(forward.spool_dir),
	  .def = "/var/spool/dockwarden" },
	{ .name = "spool_max_mb", .kind = DW_KEY_SPOOL_MB, .off = P(forward.spool_max_mb),
	  .def_num = 512 },
	{ .name = "spool_full_action", .kind = DW_KEY_FULL_ACTION,
	  .off = P(forward.spool_full_action), .def_num = DW_SPOOL_FULL_DROP_NEW },
	{ .name = "audit_keys", .kind = DW_KEY_STRV, .item = DW_ITEM_NAME,
	  .off = P(forward.audit_keys), .def_list = default_audit_keys },
	{ .name = "tls_ca", .kind = DW_KEY_PATH_OR_EMPTY, .off = P(forward.tls_ca), .def = "" },
	{ .name = "tls_cert", .kind = DW_KEY_PATH_OR_EMPTY, .off = P(forward.tls_cert), .def = "" },
	{ .name = "tls_key", .kind = DW_KEY_PATH_OR_EMPTY, .off = P(forward.tls_key), .def = "" },
	{ .name = "host_id", .kind = DW_KEY_HOST_ID, .off = P(forward.host_id), .def = "" },
};

#undef P
#undef A

#define N(t) (sizeof(t) / sizeof((t)[0]))
const struct dw_policy_keys dw_policy_top_keys = { NULL, top_keys, N(top_keys) };
const struct dw_policy_keys dw_policy_trusted_keys = { "trusted", trusted_keys, N(trusted_keys) };
const struct dw_policy_keys dw_policy_authz_keys = { "authz", authz_keys, N(authz_keys) };
const struct dw_policy_keys dw_policy_pam_keys = { "pam", pam_keys, N(pam_keys) };
const struct dw_policy_keys dw_policy_forward_keys = { "forward", forward_keys, N(forward_keys) };
#undef N

static const char *const full_action_names[] = {
	[DW_SPOOL_FULL_DROP_NEW] = "drop_new",
	[DW_SPOOL_FULL_DROP_OLDEST] = "drop_oldest",
};

const char *dw_full_action_name(enum dw_spool_full_action a)
{
	return (unsigned)a < sizeof(full_action_names) / sizeof(full_action_names[0]) ?
		full_action_names[a] : NULL;
}

int dw_full_action_from_name(const char *s, size_t len, enum dw_spool_full_action *out)
{
	for (size_t k = 0; k < sizeof(full_action_names) / sizeof(full_action_names[0]); k++)
		if (strlen(full_action_names[k]) == len && memcmp(full_action_names[k], s, len) == 0) {
			*out = (enum dw_spool_full_action)k;
			return 0;
		}
	return -ENOENT;
}

static bool in_scope(const struct dw_policy_key *k, unsigned scope)
{
	return scope == 0 || (k->scope & scope) != 0;
}

#define AT(base, k, type) ((type *)(void *)((char *)(base) + (k)->off))
#define CAT(base, k, type) ((const type *)(const void *)((const char *)(base) + (k)->off))

static int dup_into(char **dst, const char *src)
{
	char *d = strdup(src);

	if (!d)
		return -ENOMEM;
	free(*dst);
	*dst = d;
	return 0;
}

int dw_keys_parse(struct dw_vctx *c, const struct dw_where *w, const json_t *obj,
		  const struct dw_policy_keys *t, unsigned scope, void *base)
{
	const char *names[32];
	size_t n = 0;
	int r;

	for (size_t i = 0; i < t->n && n + 1 < sizeof(names) / sizeof(names[0]); i++)
		if (in_scope(&t->v[i], scope))
			names[n++] = t->v[i].name;
	names[n] = NULL;
	r = dw_check_keys(c, w, obj, names);
	for (size_t i = 0; i < t->n; i++) {
		const struct dw_policy_key *k = &t->v[i];
		const json_t *v = json_object_get(obj, k->name);
		struct dw_where kw;
		int q = 0;

		if (!v || !in_scope(k, scope))
			continue;
		dw_where_key(&kw, w, k->name);
		switch (k->kind) {
		case DW_KEY_STRV:
			q = dw_get_strv(c, &kw, v, k->item, AT(base, k, struct dw_strv));
			break;
		case DW_KEY_CIDRV:
			q = dw_get_networks(c, &kw, v, AT(base, k, struct dw_cidrv));
			break;
		case DW_KEY_BOOL:
			q = dw_get_bool(c, &kw, v, AT(base, k, bool));
			break;
		case DW_KEY_PATH:
		case DW_KEY_PATH_OR_EMPTY:
			q = dw_get_path(c, &kw, v, k->kind == DW_KEY_PATH_OR_EMPTY, AT(base, k, char *));
			break;
		case DW_KEY_TARGET:
			q = dw_get_target(c, &kw, v, AT(base, k, char *));
			break;
		case DW_KEY_SPOOL_MB:
			q = dw_get_spool_max(c, &kw, v, AT(base, k, uint32_t));
			break;
		case DW_KEY_FULL_ACTION:
			q = dw_get_full_action(c, &kw, v, AT(base, k, enum dw_spool_full_action));
			break;
		case DW_KEY_HOST_ID:
			q = dw_get_host_id(c, &kw, v, AT(base, k, char *));
			break;
		case DW_KEY_RULES:
			q = dw_get_rules(c, &kw, v, AT(base, k, enum dw_mode));
			break;
		case DW_KEY_OWN:
			break;
		}
		r = dw_worst(r, q);
	}
	return r;
}

/* How a kind's value is held: what defaults, freeing and copying go by. */
enum held { HELD_NOTHING, HELD_STRV, HELD_CIDRV, HELD_BOOL, HELD_STRING, HELD_U32, HELD_ACTION,
	    HELD_RULES };

static enum held held(enum dw_key_kind kind)
{
	switch (kind) {
	case DW_KEY_STRV:
		return HELD_STRV;
	case DW_KEY_CIDRV:
		return HELD_CIDRV;
	case DW_KEY_BOOL:
		return HELD_BOOL;
	case DW_KEY_PATH:
	case DW_KEY_PATH_OR_EMPTY:
	case DW_KEY_TARGET:
	case DW_KEY_HOST_ID:
		return HELD_STRING;
	case DW_KEY_SPOOL_MB:
		return HELD_U32;
	case DW_KEY_FULL_ACTION:
		return HELD_ACTION;
	case DW_KEY_RULES:
		return HELD_RULES;
	case DW_KEY_OWN:
		break;
	}
	return HELD_NOTHING;
}

/* The size of a value held by plain copy; 0 for those that own memory. */
static size_t plain_size(enum held h)
{
	switch (h) {
	case HELD_BOOL:
		return sizeof(bool);
	case HELD_U32:
		return sizeof(uint32_t);
	case HELD_ACTION:
		return sizeof(enum dw_spool_full_action);
	case HELD_RULES:
		return DW_RULE_COUNT * sizeof(enum dw_mode);
	case HELD_NOTHING:
	case HELD_STRV:
	case HELD_CIDRV:
	case HELD_STRING:
		break;
	}
	return 0;
}

int dw_keys_default(const struct dw_policy_keys *t, void *base)
{
	static const char *const empty[] = { NULL };

	for (size_t i = 0; i < t->n; i++) {
		const struct dw_policy_key *k = &t->v[i];
		struct dw_cidrv *nv;
		int r = 0;

		switch (held(k->kind)) {
		case HELD_STRV:
			r = dw_strv_from_list(AT(base, k, struct dw_strv), k->def_list ? k->def_list : empty);
			break;
		case HELD_CIDRV:
			nv = AT(base, k, struct dw_cidrv);
			nv->n = 0;
			nv->v = calloc(1, sizeof(*nv->v));
			r = nv->v ? 0 : -ENOMEM;
			break;
		case HELD_BOOL:
			*AT(base, k, bool) = k->def_num != 0;
			break;
		case HELD_STRING:
			r = dup_into(AT(base, k, char *), k->def ? k->def : "");
			break;
		case HELD_U32:
			*AT(base, k, uint32_t) = (uint32_t)k->def_num;
			break;
		case HELD_ACTION:
			*AT(base, k, enum dw_spool_full_action) = (enum dw_spool_full_action)k->def_num;
			break;
		case HELD_RULES:
			dw_rules_default(AT(base, k, enum dw_mode));
			break;
		case HELD_NOTHING:
			break;
		}
		if (r < 0)
			return r;
	}
	return 0;
}

int dw_keys_copy(const struct dw_policy_keys *t, void *dst, const void *src)
{
	for (size_t i = 0; i < t->n; i++) {
		const struct dw_policy_key *k = &t->v[i];
		const struct dw_cidrv *snv;
		struct dw_cidrv *dnv;
		enum held h = held(k->kind);
		int r = 0;

		switch (h) {
		case HELD_STRV:
			r = dw_strv_copy(AT(dst, k, struct dw_strv), CAT(src, k, struct dw_strv));
			break;
		case HELD_CIDRV:
			snv = CAT(src, k, struct dw_cidrv);
			dnv = AT(dst, k, struct dw_cidrv);
			dnv->v = calloc(snv->n + 1, sizeof(*dnv->v));
			if (!dnv->v)
				return -ENOMEM;
			memcpy(dnv->v, snv->v, snv->n * sizeof(*dnv->v));
			dnv->n = snv->n;
			break;
		case HELD_STRING:
			*AT(dst, k, char *) = NULL;
			r = dup_into(AT(dst, k, char *), *CAT(src, k, char *));
			break;
		default:
			memcpy((char *)dst + k->off, (const char *)src + k->off, plain_size(h));
			break;
		}
		if (r < 0)
			return r;
	}
	return 0;
}

void dw_keys_free(const struct dw_policy_keys *t, void *base)
{
	for (size_t i = 0; i < t->n; i++) {
		const struct dw_policy_key *k = &t->v[i];

		switch (held(k->kind)) {
		case HELD_STRV:
			dw_strv_free(AT(base, k, struct dw_strv));
			break;
		case HELD_CIDRV:
			free(AT(base, k, struct dw_cidrv)->v);
			*AT(base, k, struct dw_cidrv) = (struct dw_cidrv){ 0 };
			break;
		case HELD_STRING:
			free(*AT(base, k, char *));
			*AT(base, k, char *) = NULL;
			break;
		default:
			break;
		}
	}
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

static json_t *rules_json(const enum dw_mode *rules)
{
	json_t *o = json_object();

	for (int k = 0; o && k < DW_RULE_COUNT; k++)
		if (json_object_set_new(o, dw_rule_name((enum dw_rule)k),
					json_string(dw_mode_name(rules[k]))) < 0) {
			json_decref(o);
			return NULL;
		}
	return o;
}

int dw_keys_json(json_t *obj, const struct dw_policy_keys *t, unsigned scope, const void *base)
{
	for (size_t i = 0; i < t->n; i++) {
		const struct dw_policy_key *k = &t->v[i];
		json_t *v = NULL;

		if (!in_scope(k, scope) || k->kind == DW_KEY_OWN)
			continue;
		switch (k->kind) {
		case DW_KEY_STRV:
			v = strv_json(CAT(base, k, struct dw_strv));
			break;
		case DW_KEY_CIDRV:
			v = cidrv_json(CAT(base, k, struct dw_cidrv));
			break;
		case DW_KEY_BOOL:
			v = json_boolean(*CAT(base, k, bool));
			break;
		case DW_KEY_PATH:
		case DW_KEY_PATH_OR_EMPTY:
		case DW_KEY_TARGET:
		case DW_KEY_HOST_ID:
			v = json_string(*CAT(base, k, char *));
			break;
		case DW_KEY_SPOOL_MB:
			v = json_integer(*CAT(base, k, uint32_t));
			break;
		case DW_KEY_FULL_ACTION:
			v = json_string(dw_full_action_name(*CAT(base, k, enum dw_spool_full_action)));
			break;
		case DW_KEY_RULES:
			v = rules_json(CAT(base, k, enum dw_mode));
			break;
		case DW_KEY_OWN:
			break;
		}
		if (!v || json_object_set_new(obj, k->name, v) < 0)
			return -ENOMEM;
	}
	return 0;
}

void dw_policy_keys_foreach(void (*fn)(void *arg, const char *section, const char *key,
				       bool profile_only),
			    void *arg)
{
	static const struct dw_policy_keys *const all[] = {
		&dw_policy_top_keys, &dw_policy_trusted_keys, &dw_policy_authz_keys,
		&dw_policy_pam_keys, &dw_policy_forward_keys,
	};

	for (size_t s = 0; s < sizeof(all) / sizeof(all[0]); s++)
		for (size_t i = 0; i < all[s]->n; i++) {
			const struct dw_policy_key *k = &all[s]->v[i];
			/* a section's own key is listed by its section's table */
			if (all[s] == &dw_policy_top_keys && k->kind == DW_KEY_OWN)
				continue;
			fn(arg, all[s]->section, k->name, k->scope == DW_SCOPE_PROFILE);
		}
}
