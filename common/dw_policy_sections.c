/* dw_policy_sections.c - the value parsers of the "trusted", "pam" and
 * "forward" keys (dw_policy_keys.c says which key takes which), and those
 * sections.  Each parser checks every value it knows and reports all
 * problems; values it cannot accept leave the built-in default in place (the
 * whole load fails anyway when anything was reported). */
#include "dw_policy_priv.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dw_match.h"

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

int dw_get_networks(struct dw_vctx *c, const struct dw_where *w, const json_t *v,
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

/* A section of ROOT parsed by its key table alone. */
static int parse_section(struct dw_vctx *c, const json_t *root, const struct dw_policy_keys *t,
			 struct dw_policy *p)
{
	struct dw_where top, w;
	const json_t *sec = json_object_get(root, t->section);
	int r;

	if (!sec)
		return 0;
	dw_where_root(&top);
	dw_where_key(&w, &top, t->section);
	if ((r = dw_expect_object(c, &w, sec)) < 0)
		return r;
	return dw_keys_parse(c, &w, sec, t, 0, p);
}

int dw_policy_parse_trusted(struct dw_vctx *c, const json_t *root, struct dw_policy *p)
{
	return parse_section(c, root, &dw_policy_trusted_keys, p);
}

int dw_policy_parse_pam(struct dw_vctx *c, const json_t *root, struct dw_policy *p)
{
	return parse_section(c, root, &dw_policy_pam_keys, p);
}

/* Parse TARGET (LEN bytes): "" or SCHEME://HOST:PORT, HOST a name, an IPv4
 * address or [an IPv6 address].  NULL and *T filled, or why not, with Q
 * holding a quoted excerpt for the message. */
static const char *target_parse(const char *s, size_t len, struct dw_target *t, char *q,
				size_t qsz)
{
	static const struct {
		const char *name;
		enum dw_target_kind kind;
	} schemes[] = {
		{ "relp", DW_TARGET_RELP }, { "relp+tls", DW_TARGET_RELP_TLS }, { "tcp", DW_TARGET_TCP },
	};
	const char *sep = memmem(s, len, "://", 3);
	const char *host, *end = s + len, *colon, *hend, *hbeg;
	uint8_t addr[16];
	unsigned long port;
	size_t slen;

	memset(t, 0, sizeof(*t));
	if (len == 0)
		return NULL;
	if (!sep) {
		dw_quote(q, qsz, s, len);
		return "is not a URL (expected relp://HOST:PORT, relp+tls://HOST:PORT or tcp://HOST:PORT)";
	}
	slen = (size_t)(sep - s);
	for (size_t k = 0; k < sizeof(schemes) / sizeof(schemes[0]); k++)
		if (strlen(schemes[k].name) == slen && memcmp(schemes[k].name, s, slen) == 0)
			t->kind = schemes[k].kind;
	if (t->kind == DW_TARGET_NONE) {
		dw_quote(q, qsz, s, slen);
		return "is not a supported scheme (expected relp, relp+tls or tcp)";
	}
	host = sep + 3;
	dw_quote(q, qsz, s, len);
	if (host < end && *host == '[') {
		hend = memchr(host, ']', (size_t)(end - host));
		if (!hend || dw_addr_parse(host + 1, (size_t)(hend - host - 1), addr) < 0)
			return "has an invalid IPv6 address";
		hbeg = host + 1;
		colon = hend + 1 < end && hend[1] == ':' ? hend + 1 : NULL;
	} else {
		colon = memrchr(host, ':', (size_t)(end - host));
		hend = colon ? colon : end;
		hbeg = host;
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
	if ((size_t)(hend - hbeg) >= sizeof(t->host))
		return "has an invalid host name";
	memcpy(t->host, hbeg, (size_t)(hend - hbeg));
	snprintf(t->port, sizeof(t->port), "%lu", port);
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

int dw_get_target(struct dw_vctx *c, const struct dw_where *w, const json_t *v, char **out)
{
	struct dw_target t;
	char q[300];
	const char *why;

	if (!json_is_string(v))
		return get_string(c, w, v, out);
	why = target_parse(json_string_value(v), json_string_length(v), &t, q, sizeof(q));
	if (why) {
		dw_vctx_where_error(c, w, "%s %s", q, why);
		return -EINVAL;
	}
	return get_string(c, w, v, out);
}

int dw_get_path(struct dw_vctx *c, const struct dw_where *w, const json_t *v, bool empty_ok,
		char **out)
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

int dw_get_spool_max(struct dw_vctx *c, const struct dw_where *w, const json_t *v,
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

int dw_get_full_action(struct dw_vctx *c, const struct dw_where *w, const json_t *v,
		       enum dw_spool_full_action *out)
{
	char q[300];

	if (!json_is_string(v)) {
		dw_vctx_where_error(c, w, "expected a string, got %s", dw_json_type_desc(v));
		return -EINVAL;
	}
	if (dw_full_action_from_name(json_string_value(v), json_string_length(v), out) == 0)
		return 0;
	dw_vctx_where_error(c, w, "invalid value %s (expected drop_new or drop_oldest)",
			    dw_quote(q, sizeof(q), json_string_value(v), json_string_length(v)));
	return -EINVAL;
}

int dw_get_host_id(struct dw_vctx *c, const struct dw_where *w, const json_t *v, char **out)
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
	struct dw_where top, w, k;
	int r = parse_section(c, root, &dw_policy_forward_keys, p);
	const char *why;
	char q[300];

	/* the value dw_get_target accepted, kept parsed for the forwarder */
	if (r >= 0 && (why = target_parse(p->forward.target, strlen(p->forward.target),
					  &p->forward.dest, q, sizeof(q))) != NULL) {
		dw_where_root(&top);
		dw_where_key(&w, &top, "forward");
		dw_where_key(&k, &w, "target");
		dw_vctx_where_error(c, &k, "%s %s", q, why);
		r = -EINVAL;
	}

	/* librelp takes TLS without a client certificate for anonymous TLS,
	 * and without a CA it authenticates nobody: both ends must be known. */
	if (r >= 0 && strncmp(p->forward.target, "relp+tls://", 11) == 0 &&
	    (!p->forward.tls_ca[0] || !p->forward.tls_cert[0] || !p->forward.tls_key[0])) {
		dw_where_root(&top);
		dw_where_key(&w, &top, "forward");
		dw_where_key(&k, &w, "target");
		dw_vctx_where_error(c, &k, "relp+tls:// needs forward.tls_ca, forward.tls_cert and "
				    "forward.tls_key (the log host's CA, this host's certificate and key)");
		r = dw_worst(r, -EINVAL);
	}
	return r;
}
