/* dw_policy_sections.c - the "trusted", path-set, "pam" and "forward" parts of
 * a policy file.  Each parser checks every value it knows and reports all
 * problems; values it cannot accept leave the built-in default in place (the
 * whole load fails anyway when anything was reported). */
#include "dw_policy_priv.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dw_match.h"

/* Remember the worst result: -ENOMEM beats -EINVAL beats 0. */
static int worst(int a, int b)
{
	if (a == -ENOMEM || b == -ENOMEM)
		return -ENOMEM;
	return a < 0 ? a : b;
}

/* Why "addr/prefix" is not a network, or NULL when dw_cidr_parse should
 * accept it.  dw_cidr_parse stays the authority; this only explains. */
static const char *cidr_problem(const char *s, size_t len)
{
	const char *slash = memchr(s, '/', len);
	size_t alen = slash ? (size_t)(slash - s) : len;
	uint8_t addr[16];
	unsigned long prefix;
	bool v4 = memchr(s, ':', alen) == NULL;
	size_t plen;

	if (len == 0)
		return "empty";
	if (dw_addr_parse(s, alen, addr) < 0)
		return "malformed address";
	if (!slash)
		return NULL;
	plen = len - alen - 1;
	if (plen == 0 || plen > 3 || strspn(slash + 1, "0123456789") < plen)
		return "malformed prefix length";
	prefix = strtoul(slash + 1, NULL, 10);
	if (v4 && prefix > 32)
		return "prefix length above 32";
	if (prefix > 128)
		return "prefix length above 128";
	if (v4)
		prefix += 96;
	for (unsigned long bit = prefix; bit < 128; bit++)
		if (addr[bit / 8] & (0x80u >> (bit % 8)))
			return "host bits set";
	return NULL;
}

static int get_networks(struct dw_vctx *c, const struct dw_where *w, const json_t *v,
			struct dw_cidrv *out)
{
	struct dw_cidrv nv = { 0 };
	char q[300];
	size_t n;
	int r = 0;

	if (!json_is_array(v)) {
		dw_vctx_where_error(c, w, "expected an array, got %s", dw_json_type_desc(v));
		return -EINVAL;
	}
	n = json_array_size(v);
	nv.v = calloc(n + 1, sizeof(*nv.v));
	if (!nv.v)
		return -ENOMEM;
	for (size_t k = 0; k < n; k++) {
		const json_t *it = json_array_get(v, k);
		const char *s, *why;
		size_t len;

		if (!json_is_string(it)) {
			dw_vctx_item_error(c, w, k, "expected a string, got %s",
					   dw_json_type_desc(it));
			r = -EINVAL;
			continue;
		}
		s = json_string_value(it);
		len = json_string_length(it);
		why = cidr_problem(s, len);
		if (!why && dw_cidr_parse(s, len, &nv.v[nv.n]) < 0)
			why = "not a network";
		if (why) {
			dw_vctx_item_error(c, w, k, "invalid CIDR %s: %s",
					   dw_quote(q, sizeof(q), s, len), why);
			r = -EINVAL;
			continue;
		}
		nv.n++;
	}
	if (r == 0) {
		free(out->v);
		*out = nv;
		nv.v = NULL;
	}
	free(nv.v);
	return r;
}

static int parse_trusted(struct dw_vctx *c, const json_t *root, struct dw_policy *p)
{
	static const char *const keys[] = { "users", "groups", "networks", NULL };
	struct dw_where top, w, k;
	const json_t *sec = json_object_get(root, "trusted");
	const json_t *v;
	int r;

	if (!sec)
		return 0;
	dw_where_root(&top);
	dw_where_key(&w, &top, "trusted");
	if ((r = dw_expect_object(c, &w, sec)) < 0)
		return r;
	r = dw_check_keys(c, &w, sec, keys);
	if ((v = json_object_get(sec, "users"))) {
		dw_where_key(&k, &w, "users");
		r = worst(r, dw_get_strv(c, &k, v, DW_ITEM_NAME, &p->trusted_users));
	}
	if ((v = json_object_get(sec, "groups"))) {
		dw_where_key(&k, &w, "groups");
		r = worst(r, dw_get_strv(c, &k, v, DW_ITEM_NAME, &p->trusted_groups));
	}
	if ((v = json_object_get(sec, "networks"))) {
		dw_where_key(&k, &w, "networks");
		r = worst(r, get_networks(c, &k, v, &p->trusted_networks));
	}
	return r;
}

static int top_strv(struct dw_vctx *c, const json_t *root, const char *key,
		    enum dw_item_kind kind, struct dw_strv *out)
{
	struct dw_where top, w;
	const json_t *v = json_object_get(root, key);

	if (!v)
		return 0;
	dw_where_root(&top);
	dw_where_key(&w, &top, key);
	return dw_get_strv(c, &w, v, kind, out);
}

int dw_policy_parse_shared(struct dw_vctx *c, const json_t *root, struct dw_policy *p)
{
	int r = parse_trusted(c, root, p);

	r = worst(r, top_strv(c, root, "sensitive_paths", DW_ITEM_SENSITIVE, &p->sensitive_paths));
	r = worst(r, top_strv(c, root, "docker_binaries", DW_ITEM_PATTERN, &p->docker_binaries));
	r = worst(r, top_strv(c, root, "docker_paths", DW_ITEM_PATH, &p->docker_paths));
	return r;
}

int dw_policy_parse_pam(struct dw_vctx *c, const json_t *root, struct dw_policy *p)
{
	static const char *const keys[] = {
		"guarded_groups", "require_publickey", "allow_local", "resolve_hostnames", NULL,
	};
	struct dw_where top, w, k;
	const json_t *sec = json_object_get(root, "pam");
	const json_t *v;
	int r;

	if (!sec)
		return 0;
	dw_where_root(&top);
	dw_where_key(&w, &top, "pam");
	if ((r = dw_expect_object(c, &w, sec)) < 0)
		return r;
	r = dw_check_keys(c, &w, sec, keys);
	if ((v = json_object_get(sec, "guarded_groups"))) {
		dw_where_key(&k, &w, "guarded_groups");
		r = worst(r, dw_get_strv(c, &k, v, DW_ITEM_NAME, &p->pam.guarded_groups));
	}
	if ((v = json_object_get(sec, "require_publickey"))) {
		dw_where_key(&k, &w, "require_publickey");
		r = worst(r, dw_get_bool(c, &k, v, &p->pam.require_publickey));
	}
	if ((v = json_object_get(sec, "allow_local"))) {
		dw_where_key(&k, &w, "allow_local");
		r = worst(r, dw_get_bool(c, &k, v, &p->pam.allow_local));
	}
	if ((v = json_object_get(sec, "resolve_hostnames"))) {
		dw_where_key(&k, &w, "resolve_hostnames");
		r = worst(r, dw_get_bool(c, &k, v, &p->pam.resolve_hostnames));
	}
	return r;
}

/* Why TARGET is not "" or SCHEME://HOST:PORT, or NULL.  Q holds a quoted
 * excerpt for the message. */
static const char *target_problem(const char *s, size_t len, char *q, size_t qsz)
{
	static const char *const schemes[] = { "relp", "relp+tls", "tcp" };
	const char *sep = memmem(s, len, "://", 3);
	const char *host, *end = s + len, *colon, *hend;
	uint8_t addr[16];
	unsigned long port;
	size_t slen;
	bool known = false;

	if (len == 0)
		return NULL;
	if (!sep) {
		dw_quote(q, qsz, s, len);
		return "is not a URL (expected relp://HOST:PORT, relp+tls://HOST:PORT or tcp://HOST:PORT)";
	}
	slen = (size_t)(sep - s);
	for (size_t k = 0; k < sizeof(schemes) / sizeof(schemes[0]); k++)
		known |= strlen(schemes[k]) == slen && memcmp(schemes[k], s, slen) == 0;
	if (!known) {
		dw_quote(q, qsz, s, slen);
		return "is not a supported scheme (expected relp, relp+tls or tcp)";
	}
	host = sep + 3;
	dw_quote(q, qsz, s, len);
	if (host < end && *host == '[') {
		hend = memchr(host, ']', (size_t)(end - host));
		if (!hend || dw_addr_parse(host + 1, (size_t)(hend - host - 1), addr) < 0)
			return "has an invalid IPv6 address";
		colon = hend + 1 < end && hend[1] == ':' ? hend + 1 : NULL;
	} else {
		colon = memrchr(host, ':', (size_t)(end - host));
		hend = colon ? colon : end;
		/* memchr over the set without its NUL: a NUL byte is not a member.
		 * NOLINTs: clang-tidy takes the set for a string being copied. */
		if (hend == host || hend - host > 253 ||
		    !memchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", host[0], 62)) // NOLINT(bugprone-not-null-terminated-result)
			return "has an invalid host name";
		for (const char *h = host; h < hend; h++)
			if (!memchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-",
				    *h, 64)) // NOLINT(bugprone-not-null-terminated-result)
				return "has an invalid host name";
	}
	if (!colon)
		return "has no port (expected SCHEME://HOST:PORT)";
	if (end - colon - 1 < 1 || end - colon - 1 > 5 ||
	    strspn(colon + 1, "0123456789") < (size_t)(end - colon - 1))
		return "has an invalid port (expected 1-65535)";
	port = strtoul(colon + 1, NULL, 10);
	if (port < 1 || port > 65535)
		return "has an invalid port (expected 1-65535)";
	return NULL;
}

static int get_string(struct dw_vctx *c, const struct dw_where *w, const json_t *v,
		      char **out)
{
	char *dup;

	if (!json_is_string(v)) {
		dw_vctx_where_error(c, w, "expected a string, got %s", dw_json_type_desc(v));
		return -EINVAL;
	}
	dup = strndup(json_string_value(v), json_string_length(v));
	if (!dup)
		return -ENOMEM;
	free(*out);
	*out = dup;
	return 0;
}

static int get_target(struct dw_vctx *c, const struct dw_where *w, const json_t *v, char **out)
{
	char q[300];
	const char *why;

	if (!json_is_string(v))
		return get_string(c, w, v, out);
	why = target_problem(json_string_value(v), json_string_length(v), q, sizeof(q));
	if (why) {
		dw_vctx_where_error(c, w, "%s %s", q, why);
		return -EINVAL;
	}
	return get_string(c, w, v, out);
}

/* An absolute path; with EMPTY_OK also "" (unset). */
static int get_path(struct dw_vctx *c, const struct dw_where *w, const json_t *v,
		    bool empty_ok, char **out)
{
	char *norm = NULL;
	int r;

	if (empty_ok && json_is_string(v) && json_string_length(v) == 0)
		return get_string(c, w, v, out);
	r = dw_check_item(c, w, (size_t)-1, DW_ITEM_PATH, v, &norm);
	if (r < 0)
		return r;
	free(*out);
	*out = norm;
	return 0;
}

static int get_spool_max(struct dw_vctx *c, const struct dw_where *w, const json_t *v,
			 uint32_t *out)
{
	json_int_t n;

	if (!json_is_integer(v) || (n = json_integer_value(v)) < 1 || n > 1048576) {
		if (json_is_integer(v))
			dw_vctx_where_error(c, w, "must be an integer between 1 and 1048576, got %lld",
					    (long long)json_integer_value(v));
		else
			dw_vctx_where_error(c, w, "must be an integer between 1 and 1048576, got %s",
					    dw_json_type_desc(v));
		return -EINVAL;
	}
	*out = (uint32_t)n;
	return 0;
}

static int get_full_action(struct dw_vctx *c, const struct dw_where *w, const json_t *v,
			   enum dw_spool_full_action *out)
{
	const char *s = json_string_value(v);
	char q[300];

	if (!json_is_string(v)) {
		dw_vctx_where_error(c, w, "expected a string, got %s", dw_json_type_desc(v));
		return -EINVAL;
	}
	if (strcmp(s, "drop_new") == 0 && json_string_length(v) == 8) {
		*out = DW_SPOOL_FULL_DROP_NEW;
		return 0;
	}
	if (strcmp(s, "drop_oldest") == 0 && json_string_length(v) == 11) {
		*out = DW_SPOOL_FULL_DROP_OLDEST;
		return 0;
	}
	dw_vctx_where_error(c, w, "invalid value %s (expected drop_new or drop_oldest)",
			    dw_quote(q, sizeof(q), s, json_string_length(v)));
	return -EINVAL;
}

static int get_host_id(struct dw_vctx *c, const struct dw_where *w, const json_t *v,
		       char **out)
{
	const char *s = json_string_value(v);
	size_t len = json_string_length(v);
	bool ok = json_is_string(v) && len <= 255;

	/* it becomes the RFC 5424 HOSTNAME field: PRINTUSASCII, 1*255 */
	for (size_t k = 0; ok && k < len; k++)
		ok = s[k] > 32 && s[k] < 127;
	if (json_is_string(v) && !ok) {
		dw_vctx_where_error(c, w, "must be printable ASCII without spaces, at most 255 characters");
		return -EINVAL;
	}
	return get_string(c, w, v, out);
}

int dw_policy_parse_forward(struct dw_vctx *c, const json_t *root, struct dw_policy *p)
{
	static const char *const keys[] = {
		"target", "signing_key", "spool_dir", "spool_max_mb", "spool_full_action",
		"audit_keys", "tls_ca", "tls_cert", "tls_key", "host_id", NULL,
	};
	struct dw_where top, w, k;
	const json_t *sec = json_object_get(root, "forward");
	const json_t *v;
	int r;

	if (!sec)
		return 0;
	dw_where_root(&top);
	dw_where_key(&w, &top, "forward");
	if ((r = dw_expect_object(c, &w, sec)) < 0)
		return r;
	r = dw_check_keys(c, &w, sec, keys);
#define FIELD(name) ((v = json_object_get(sec, name)) && (dw_where_key(&k, &w, name), 1))
	if (FIELD("target"))
		r = worst(r, get_target(c, &k, v, &p->forward.target));
	if (FIELD("signing_key"))
		r = worst(r, get_path(c, &k, v, false, &p->forward.signing_key));
	if (FIELD("spool_dir"))
		r = worst(r, get_path(c, &k, v, false, &p->forward.spool_dir));
	if (FIELD("spool_max_mb"))
		r = worst(r, get_spool_max(c, &k, v, &p->forward.spool_max_mb));
	if (FIELD("spool_full_action"))
		r = worst(r, get_full_action(c, &k, v, &p->forward.spool_full_action));
	if (FIELD("audit_keys"))
		r = worst(r, dw_get_strv(c, &k, v, DW_ITEM_NAME, &p->forward.audit_keys));
	if (FIELD("tls_ca"))
		r = worst(r, get_path(c, &k, v, true, &p->forward.tls_ca));
	if (FIELD("tls_cert"))
		r = worst(r, get_path(c, &k, v, true, &p->forward.tls_cert));
	if (FIELD("tls_key"))
		r = worst(r, get_path(c, &k, v, true, &p->forward.tls_key));
	if (FIELD("host_id"))
		r = worst(r, get_host_id(c, &k, v, &p->forward.host_id));
	/* librelp takes TLS without a client certificate for anonymous TLS,
	 * and without a CA it authenticates nobody: both ends must be known. */
	if (r >= 0 && strncmp(p->forward.target, "relp+tls://", 11) == 0 &&
	    (!p->forward.tls_ca[0] || !p->forward.tls_cert[0] || !p->forward.tls_key[0])) {
		dw_where_key(&k, &w, "target");
		dw_vctx_where_error(c, &k, "relp+tls:// needs forward.tls_ca, forward.tls_cert and "
				    "forward.tls_key (the log host's CA, this host's certificate and key)");
		r = worst(r, -EINVAL);
	}
#undef FIELD
	return r;
}
