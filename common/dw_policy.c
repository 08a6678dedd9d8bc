/* dw_policy.c - policy lifetime: built-in defaults, loading a file or buffer,
 * reporting problems in file order, reference counting and the reload slot.
 * The section parsers live in dw_policy_sections.c and dw_policy_authz.c. */
#include "dw_policy_priv.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dw_file.h"
#include "dw_match.h"

static const char *const rule_names[DW_RULE_COUNT] = {
	[DW_RULE_PRIVILEGED] = "privileged",
	[DW_RULE_HOST_NAMESPACES] = "host_namespaces",
	[DW_RULE_CAPABILITIES] = "capabilities",
	[DW_RULE_HOST_MOUNTS] = "host_mounts",
	[DW_RULE_DEVICES] = "devices",
	[DW_RULE_SECURITY_OPTIONS] = "security_options",
	[DW_RULE_RESOURCE_LIMITS] = "resource_limits",
	[DW_RULE_SYSCTLS] = "sysctls",
	[DW_RULE_PLUGINS] = "plugins",
	[DW_RULE_TRUSTED_REGISTRIES] = "trusted_registries",
	[DW_RULE_ROOT_USER] = "root_user",
	[DW_RULE_SECRETS_IN_ENV] = "secrets_in_env",
	[DW_RULE_BUILDKIT] = "buildkit",
	[DW_RULE_TRUSTED_IMAGES] = "trusted_images",
	[DW_RULE_SWARM] = "swarm",
};

static const char *const mode_names[] = {
	[DW_MODE_OFF] = "off",
	[DW_MODE_WARN] = "warn",
	[DW_MODE_DENY] = "deny",
};

static const char *const empty_list[] = { NULL };

const char *dw_rule_name(enum dw_rule rule)
{
	if ((int)rule < 0 || rule >= DW_RULE_COUNT)
		return NULL;
	return rule_names[rule];
}

int dw_rule_from_name(const char *name, size_t len, enum dw_rule *out)
{
	for (int k = 0; k < DW_RULE_COUNT; k++) {
		if (strlen(rule_names[k]) == len && memcmp(rule_names[k], name, len) == 0) {
			*out = (enum dw_rule)k;
			return 0;
		}
	}
	return -ENOENT;
}

const char *dw_mode_name(enum dw_mode mode)
{
	if ((int)mode < 0 || mode > DW_MODE_DENY)
		return NULL;
	return mode_names[mode];
}

int dw_mode_from_name(const char *name, size_t len, enum dw_mode *out)
{
	for (int k = 0; k <= DW_MODE_DENY; k++) {
		if (strlen(mode_names[k]) == len && memcmp(mode_names[k], name, len) == 0) {
			*out = (enum dw_mode)k;
			return 0;
		}
	}
	return -ENOENT;
}

bool dw_strv_contains(const struct dw_strv *sv, const char *s)
{
	if (!sv || !s)
		return false;
	for (size_t k = 0; k < sv->n; k++)
		if (strcmp(sv->v[k], s) == 0)
			return true;
	return false;
}

int dw_policy_user_trusted(const struct dw_policy *p, const char *user, bool *by_name,
			   bool *by_group, const char **group)
{
	int rc;

	*by_group = false;
	*group = NULL;
	*by_name = dw_strv_contains(&p->trusted_users, user);
	/* an empty trusted.groups has no members: no NSS walk for it */
	if (*by_name || p->trusted_groups.n == 0)
		return 0;
	rc = dw_user_in_groups(user, &p->trusted_groups, by_group, group);
	if (rc < 0) {
		*by_group = false;
		*group = NULL;
	}
	return rc < 0 ? rc : 0;
}

static const struct dw_policy_keys *const policy_tables[] = {
	&dw_policy_top_keys, &dw_policy_trusted_keys, &dw_policy_pam_keys, &dw_policy_forward_keys,
};

static void policy_free(struct dw_policy *p)
{
	if (!p)
		return;
	free(p->source);
	for (size_t k = 0; k < sizeof(policy_tables) / sizeof(policy_tables[0]); k++)
		dw_keys_free(policy_tables[k], p);
	dw_authz_profile_free(&p->authz);
	for (size_t k = 0; k < p->n_authz_profiles; k++)
		dw_authz_profile_free(&p->authz_profiles[k]);
	free(p->authz_profiles);
	dw_strv_free(&p->image_lists);
	dw_strv_free(&p->image_keys);
	free(p);
}

static int dup_into(char **dst, const char *src)
{
	*dst = strdup(src);
	return *dst ? 0 : -ENOMEM;
}

/* A policy holding every built-in default, refcount 1. */
static int policy_new_default(const char *source, struct dw_policy **out)
{
	struct dw_policy *p = calloc(1, sizeof(*p));
	int r = -ENOMEM;

	*out = NULL;
	if (!p)
		return -ENOMEM;
	p->refs_ = 1;
	if (dup_into(&p->source, source) < 0 || dw_authz_profile_init_default(&p->authz) < 0 ||
	    dw_strv_from_list(&p->image_lists, empty_list) < 0 ||
	    dw_strv_from_list(&p->image_keys, empty_list) < 0)
		goto out;
	for (size_t k = 0; k < sizeof(policy_tables) / sizeof(policy_tables[0]); k++)
		if (dw_keys_default(policy_tables[k], p) < 0)
			goto out;
	*out = p;
	p = NULL;
	r = 0;
out:
	policy_free(p);
	return r;
}

int dw_policy_load_default(struct dw_policy **out)
{
	return policy_new_default("<built-in>", out);
}

static int diag_cmp(const void *a, const void *b)
{
	const struct dw_diag_item *x = a, *y = b;

	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	if (x->col != y->col)
		return x->col < y->col ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Hand the collected problems to DIAG in file order, then free them. */
static void vctx_flush(struct dw_vctx *c, dw_diag_fn diag, void *ctx)
{
	if (c->n > 1)
		qsort(c->items, c->n, sizeof(c->items[0]), diag_cmp);
	for (size_t k = 0; k < c->n; k++) {
		if (diag)
			diag(ctx, c->file, c->items[k].line, c->items[k].col, c->items[k].msg);
		free(c->items[k].msg);
	}
	free(c->items);
	c->items = NULL;
	c->n = c->cap = 0;
}

static int parse_root(struct dw_vctx *c, const json_t *root, struct dw_policy *p)
{
	struct dw_where top;
	int r, q;

	dw_where_root(&top);
	if (!json_is_object(root)) {
		dw_vctx_error(c, "", "expected an object at top level, got %s",
			      dw_json_type_desc(root));
		return -EINVAL;
	}
	/* the top level's own keys; then every section, even after a failure,
	 * to report everything */
	r = dw_keys_parse(c, &top, root, &dw_policy_top_keys, 0, p);
	q = dw_policy_parse_trusted(c, root, p);
	r = r == -ENOMEM ? r : (q < 0 ? q : r);
	q = dw_policy_parse_authz(c, root, p);
	r = r == -ENOMEM ? r : (q < 0 ? q : r);
	q = dw_policy_parse_pam(c, root, p);
	r = r == -ENOMEM ? r : (q < 0 ? q : r);
	q = dw_policy_parse_forward(c, root, p);
	r = r == -ENOMEM ? r : (q < 0 ? q : r);
	return r;
}

int dw_policy_load_buffer(const char *name, const char *buf, size_t len,
			  dw_diag_fn diag, void *ctx, struct dw_policy **out)
{
	struct dw_vctx c = { 0 };
	struct dw_policy *p = NULL;
	json_error_t jerr;
	json_t *root;
	int r;

	*out = NULL;
	if (!name)
		name = "<buffer>";
	c.file = name;
	c.src = buf;
	c.srclen = len;
	root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root) {
		/* jansson's own position; an empty file says column 0, which
		 * would read as "no position", so it becomes column 1 */
		if (diag)
			diag(ctx, name, jerr.line > 0 ? jerr.line : 0,
			     jerr.line > 0 ? (jerr.column > 0 ? jerr.column : 1) : 0, jerr.text);
		return -EINVAL;
	}
	r = policy_new_default(name, &p);
	if (r < 0)
		goto out;
	r = parse_root(&c, root, p);
	if (r == 0 && (c.oom || c.n > 0))
		r = c.oom ? -ENOMEM : -EINVAL;
	if (r == 0) {
		*out = p;
		p = NULL;
	}
out:
	vctx_flush(&c, diag, ctx);
	if (r == -ENOMEM && diag)
		diag(ctx, name, 0, 0, "out of memory");
	policy_free(p);
	dw_pos_index_free(c.pos);
	json_decref(root);
	return r;
}

static void file_diag(dw_diag_fn diag, void *ctx, const char *path, int err,
		      const char *why)
{
	char msg[512];

	if (!diag)
		return;
	if (err == -EPERM)
		snprintf(msg, sizeof(msg), "refusing insecure policy file: %s",
			 why[0] ? why : "insecure ownership or mode");
	else if (err == -EFBIG)
		snprintf(msg, sizeof(msg), "larger than %d bytes", DW_POLICY_MAX_SIZE);
	else if (err == -ELOOP)
		snprintf(msg, sizeof(msg), "is a symbolic link (not followed)");
	else
		snprintf(msg, sizeof(msg), "cannot read: %s", strerror(-err));
	diag(ctx, path, 0, 0, msg);
}

int dw_policy_load_file(const char *path, unsigned int flags, dw_diag_fn diag,
			void *ctx, struct dw_policy **out)
{
	char why[256] = "";
	char *buf = NULL;
	size_t len = 0;
	int r;

	*out = NULL;
	r = dw_file_read(path, DW_POLICY_MAX_SIZE, (flags & DW_POLICY_CHECK_OWNER) != 0, 0,
			 &buf, &len, why, sizeof(why));
	if (r == -ENOENT && (flags & DW_POLICY_MISSING_OK)) {
		r = dw_policy_load_default(out);
		goto out;
	}
	if (r < 0) {
		file_diag(diag, ctx, path, r, why);
		goto out;
	}
	r = dw_policy_load_buffer(path, buf, len, diag, ctx, out);
out:
	free(buf);
	return r;
}

struct dw_policy *dw_policy_ref(struct dw_policy *p)
{
	if (p)
		__atomic_add_fetch(&p->refs_, 1, __ATOMIC_RELAXED);
	return p;
}

void dw_policy_unref(struct dw_policy *p)
{
	/* acq_rel: the thread freeing must see every other holder's reads done */
	if (p && __atomic_sub_fetch(&p->refs_, 1, __ATOMIC_ACQ_REL) == 0)
		policy_free(p);
}

static void *slot_ref(void *p)
{
	return dw_policy_ref(p);
}

static void slot_unref(void *p)
{
	dw_policy_unref(p);
}

int dw_policy_slot_init(struct dw_policy_slot *s, struct dw_policy *initial)
{
	return dw_slot_init(&s->s, initial, slot_ref, slot_unref);
}

struct dw_policy *dw_policy_slot_get(struct dw_policy_slot *s)
{
	return dw_slot_get(&s->s);
}

void dw_policy_slot_swap(struct dw_policy_slot *s, struct dw_policy *next)
{
	dw_slot_swap(&s->s, next);
}

void dw_policy_slot_destroy(struct dw_policy_slot *s)
{
	dw_slot_destroy(&s->s);
}
