/* dw_policy.c - policy lifetime: built-in defaults, loading a file or buffer,
 * reporting problems in file order, reference counting and the reload slot.
 * The section parsers live in dw_policy_sections.c and dw_policy_authz.c. */
#include "dw_policy_priv.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dw_file.h"

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
};

static const char *const mode_names[] = {
	[DW_MODE_OFF] = "off",
	[DW_MODE_WARN] = "warn",
	[DW_MODE_DENY] = "deny",
};

/* Built-in defaults (SPEC §1, §2 host_mounts, §4 CIS paths).  packaging/
 * policy.json spells out the same values; test_policy proves they agree. */
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

static void policy_free(struct dw_policy *p)
{
	if (!p)
		return;
	free(p->source);
	dw_strv_free(&p->trusted_users);
	dw_strv_free(&p->trusted_groups);
	free(p->trusted_networks.v);
	dw_strv_free(&p->sensitive_paths);
	dw_strv_free(&p->docker_binaries);
	dw_strv_free(&p->docker_paths);
	dw_authz_profile_free(&p->authz);
	for (size_t k = 0; k < p->n_authz_profiles; k++)
		dw_authz_profile_free(&p->authz_profiles[k]);
	free(p->authz_profiles);
	dw_strv_free(&p->image_lists);
	dw_strv_free(&p->image_keys);
	dw_strv_free(&p->pam.guarded_groups);
	dw_strv_free(&p->forward.audit_keys);
	free(p->forward.target);
	free(p->forward.signing_key);
	free(p->forward.spool_dir);
	free(p->forward.tls_ca);
	free(p->forward.tls_cert);
	free(p->forward.tls_key);
	free(p->forward.host_id);
	free(p);
}

static int dup_into(char **dst, const char *s)
{
	*dst = strdup(s);
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
	p->trusted_networks.v = calloc(1, sizeof(struct dw_cidr));
	p->pam.require_publickey = true;
	p->pam.allow_local = true;
	p->pam.resolve_hostnames = false;
	p->forward.spool_max_mb = 512;
	p->forward.spool_full_action = DW_SPOOL_FULL_DROP_NEW;
	if (!p->trusted_networks.v || dup_into(&p->source, source) < 0 ||
	    dw_strv_from_list(&p->trusted_users, empty_list) < 0 ||
	    dw_strv_from_list(&p->trusted_groups, empty_list) < 0 ||
	    dw_strv_from_list(&p->sensitive_paths, default_sensitive_paths) < 0 ||
	    dw_strv_from_list(&p->docker_binaries, default_docker_binaries) < 0 ||
	    dw_strv_from_list(&p->docker_paths, default_docker_paths) < 0 ||
	    dw_authz_profile_init_default(&p->authz) < 0 ||
	    dw_strv_from_list(&p->image_lists, empty_list) < 0 ||
	    dw_strv_from_list(&p->image_keys, empty_list) < 0 ||
	    dw_strv_from_list(&p->pam.guarded_groups, default_guarded_groups) < 0 ||
	    dw_strv_from_list(&p->forward.audit_keys, default_audit_keys) < 0 ||
	    dup_into(&p->forward.target, "") < 0 ||
	    dup_into(&p->forward.signing_key, "/etc/dockwarden/signing.key") < 0 ||
	    dup_into(&p->forward.spool_dir, "/var/spool/dockwarden") < 0 ||
	    dup_into(&p->forward.tls_ca, "") < 0 || dup_into(&p->forward.tls_cert, "") < 0 ||
	    dup_into(&p->forward.tls_key, "") < 0 || dup_into(&p->forward.host_id, "") < 0)
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
	static const char *const keys[] = {
		"trusted", "sensitive_paths", "docker_binaries", "docker_paths",
		"authz", "pam", "forward", NULL,
	};
	struct dw_where top;
	int r, q;

	dw_where_root(&top);
	if (!json_is_object(root)) {
		dw_vctx_error(c, "", "expected an object at top level, got %s",
			      dw_json_type_desc(root));
		return -EINVAL;
	}
	r = dw_check_keys(c, &top, root, keys);
	/* every section is checked even after a failure, to report everything */
	q = dw_policy_parse_shared(c, root, p);
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

int dw_policy_slot_init(struct dw_policy_slot *s, struct dw_policy *initial)
{
	int r = pthread_mutex_init(&s->lock, NULL);

	if (r != 0)
		return -r;
	s->cur = initial;
	return 0;
}

struct dw_policy *dw_policy_slot_get(struct dw_policy_slot *s)
{
	struct dw_policy *p;

	pthread_mutex_lock(&s->lock);
	p = dw_policy_ref(s->cur);
	pthread_mutex_unlock(&s->lock);
	return p;
}

void dw_policy_slot_swap(struct dw_policy_slot *s, struct dw_policy *next)
{
	struct dw_policy *old;

	pthread_mutex_lock(&s->lock);
	old = s->cur;
	s->cur = next;
	pthread_mutex_unlock(&s->lock);
	/* outside the lock: freeing a large policy must not stall readers */
	dw_policy_unref(old);
}

void dw_policy_slot_destroy(struct dw_policy_slot *s)
{
	dw_policy_unref(s->cur);
	s->cur = NULL;
	pthread_mutex_destroy(&s->lock);
}
