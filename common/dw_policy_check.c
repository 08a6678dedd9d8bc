/* dw_policy_check.c - generic validators for policy values: types, names,
 * paths, lists, unknown keys, and the error collector they report into. */
#include "dw_policy_priv.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dw_match.h"

/* Linux capabilities as of 6.x (capability.h), plus dockerd's "ALL".  A name
 * outside this list is a typo that would silently never match. */
static const char *const known_caps[] = {
	"ALL", "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER",
	"CAP_FSETID", "CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP",
	"CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST",
	"CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER",
	"CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE",
	"CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE",
	"CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD",
	"CAP_LEASE", "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP",
	"CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM",
	"CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF",
	"CAP_CHECKPOINT_RESTORE", NULL,
};

void dw_where_root(struct dw_where *w)
{
	w->ptr[0] = '\0';
	w->name[0] = '\0';
}

void dw_where_key(struct dw_where *child, const struct dw_where *w, const char *key)
{
	/* Truncation only costs precision: the position falls back to an
	 * ancestor, the name is cut.  Keys reaching here are schema keys or
	 * profile names bounded by DW_NAME_MAX. */
	memcpy(child->ptr, w->ptr, sizeof(child->ptr));
	(void)dw_ptr_append(child->ptr, sizeof(child->ptr), key, strlen(key));
	int n = w->name[0] ?
		snprintf(child->name, sizeof(child->name), "%s.%s", w->name, key) :
		snprintf(child->name, sizeof(child->name), "%s", key);

	if (n < 0)
		child->name[0] = '\0';
}

static void vctx_add(struct dw_vctx *c, const char *ptr, char *msg)
{
	struct dw_diag_item *it;

	if (!msg) {
		c->oom = true;
		return;
	}
	if (c->n == c->cap) {
		size_t ncap = c->cap ? c->cap * 2 : 16;
		struct dw_diag_item *nv = realloc(c->items, ncap * sizeof(*nv));

		if (!nv) {
			free(msg);
			c->oom = true;
			return;
		}
		c->items = nv;
		c->cap = ncap;
	}
	if (!c->pos_tried) {
		c->pos_tried = true;
		/* NULL on a scanner surprise: messages lose positions only */
		if (c->src && dw_pos_index_build(c->src, c->srclen, &c->pos) == -ENOMEM)
			c->oom = true;
	}
	it = &c->items[c->n];
	(void)dw_pos_index_lookup(c->pos, ptr, &it->line, &it->col);
	it->seq = c->n;
	it->msg = msg;
	c->n++;
}

static char *vfmt(const char *prefix, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
static char *vfmt(const char *prefix, const char *fmt, va_list ap)
{
	char *body = NULL, *msg = NULL;

	if (vasprintf(&body, fmt, ap) < 0)
		return NULL;
	if (asprintf(&msg, "%s%s", prefix, body) < 0)
		msg = NULL;
	free(body);
	return msg;
}

void dw_vctx_error(struct dw_vctx *c, const char *ptr, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vctx_add(c, ptr, vfmt("", fmt, ap));
	va_end(ap);
}

void dw_vctx_where_error(struct dw_vctx *c, const struct dw_where *w, const char *fmt, ...)
{
	char prefix[DW_WHERE_MAX + 8];
	va_list ap;

	snprintf(prefix, sizeof(prefix), "\"%s\": ", w->name);
	va_start(ap, fmt);
	vctx_add(c, w->ptr, vfmt(prefix, fmt, ap));
	va_end(ap);
}

void dw_vctx_item_error(struct dw_vctx *c, const struct dw_where *w, size_t idx,
			const char *fmt, ...)
{
	char prefix[DW_WHERE_MAX + 32];
	char ptr[DW_WHERE_MAX];
	va_list ap;

	memcpy(ptr, w->ptr, sizeof(ptr));
	(void)dw_ptr_append_index(ptr, sizeof(ptr), idx);
	snprintf(prefix, sizeof(prefix), "\"%s\"[%zu]: ", w->name, idx);
	va_start(ap, fmt);
	vctx_add(c, ptr, vfmt(prefix, fmt, ap));
	va_end(ap);
}

const char *dw_json_type_desc(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT: return "an object";
	case JSON_ARRAY: return "an array";
	case JSON_STRING: return "a string";
	case JSON_INTEGER: return "an integer";
	case JSON_REAL: return "a real number";
	case JSON_TRUE: return "true";
	case JSON_FALSE: return "false";
	case JSON_NULL: return "null";
	}
	return "an unknown value";
}

const char *dw_quote(char *buf, size_t bufsz, const char *s, size_t len)
{
	size_t o = 0;
	size_t shown = len > 64 ? 64 : len;

	/* worst case per byte is 4 ("\xNN"), plus quotes, "..." and NUL */
	if (bufsz < 4 * 64 + 8) {
		if (bufsz)
			buf[0] = '\0';
		return buf;
	}
	buf[o++] = '"';
	/* cppcheck 2.10 judges both conditions below from one caller's LEN of 0
	 * and calls them always false; for the other callers they are not. */
	/* cppcheck-suppress knownConditionTrueFalse */
	for (size_t k = 0; k < shown; k++) {
		unsigned char b = (unsigned char)s[k];

		if (b < 0x20 || b >= 0x7f || b == '"' || b == '\\')
			o += (size_t)snprintf(buf + o, bufsz - o, "\\x%02x", b);
		else
			buf[o++] = (char)b;
	}
	/* cppcheck-suppress knownConditionTrueFalse */
	if (shown < len) {
		memcpy(buf + o, "...", 3);
		o += 3;
	}
	buf[o++] = '"';
	buf[o] = '\0';
	return buf;
}

int dw_expect_object(struct dw_vctx *c, const struct dw_where *w, const json_t *v)
{
	if (json_is_object(v))
		return 0;
	dw_vctx_where_error(c, w, "expected an object, got %s", dw_json_type_desc(v));
	return -EINVAL;
}

static bool in_list(const char *const *list, const char *s)
{
	for (size_t k = 0; list[k]; k++)
		if (strcmp(list[k], s) == 0)
			return true;
	return false;
}

int dw_check_keys(struct dw_vctx *c, const struct dw_where *w, const json_t *obj,
		  const char *const *allowed)
{
	char expected[1024] = "";
	char q[300];
	const char *key;
	json_t *val;
	size_t o = 0;
	int r = 0;

	for (size_t k = 0; allowed[k] && o < sizeof(expected); k++)
		o += (size_t)snprintf(expected + o, sizeof(expected) - o, "%s%s",
				      k ? ", " : "", allowed[k]);
	json_object_foreach((json_t *)obj, key, val) {
		char ptr[DW_WHERE_MAX];

		if (in_list(allowed, key))
			continue;
		memcpy(ptr, w->ptr, sizeof(ptr));
		(void)dw_ptr_append(ptr, sizeof(ptr), key, strlen(key));
		dw_quote(q, sizeof(q), key, strlen(key));
		if (w->name[0])
			dw_vctx_error(c, ptr, "unknown key %s in \"%s\" (expected one of: %s)",
				      q, w->name, expected);
		else
			dw_vctx_error(c, ptr, "unknown key %s at top level (expected one of: %s)",
				      q, expected);
		r = -EINVAL;
	}
	return r;
}

int dw_worst(int a, int b)
{
	if (a == -ENOMEM || b == -ENOMEM)
		return -ENOMEM;
	return a < 0 ? a : b;
}

int dw_get_bool(struct dw_vctx *c, const struct dw_where *w, const json_t *v, bool *out)
{
	if (!json_is_boolean(v)) {
		dw_vctx_where_error(c, w, "expected true or false, got %s", dw_json_type_desc(v));
		return -EINVAL;
	}
	*out = json_is_true(v);
	return 0;
}

static bool has_ctl(const char *s, size_t len)
{
	for (size_t k = 0; k < len; k++)
		if ((unsigned char)s[k] < 0x20 || s[k] == 0x7f)
			return true;
	return false;
}

static bool only_chars(const char *s, size_t len, const char *extra)
{
	for (size_t k = 0; k < len; k++) {
		char ch = s[k];

		if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		    (ch >= '0' && ch <= '9') || (ch && strchr(extra, ch)))
			continue;
		return false;
	}
	return true;
}

const char *dw_name_problem(const char *s, size_t len)
{
	if (len == 0)
		return "must not be empty";
	if (has_ctl(s, len))
		return "contains a control character";
	if (len > DW_NAME_MAX)
		return "longer than 256 bytes";
	return NULL;
}

static const char *path_problem(enum dw_item_kind kind, const char *s, size_t len,
				char *buf, size_t bufsz)
{
	ssize_t n;

	if (s[0] != '/')
		return "is not an absolute path";
	if (kind == DW_ITEM_SENSITIVE && memchr(s, '*', len - 1))
		return "may contain '*' only as its last character";
	n = dw_path_normalize(s, len, buf, bufsz);
	if (n == -ENAMETOOLONG)
		return "longer than 4096 bytes";
	if (n < 0)
		return "is not a valid path";
	return NULL;
}

/* Check S (LEN bytes) as KIND.  0 and *OUT (the stored form) when valid;
 * -EINVAL with *WHY set; -ENOMEM. */
static int item_check(enum dw_item_kind kind, const char *s, size_t len,
		      const char **why, char **out)
{
	char buf[DW_PATH_MAX];
	const char *stored = NULL;

	*why = NULL;
	if (len == 0 || has_ctl(s, len)) {
		*why = dw_name_problem(s, len);
		return -EINVAL;
	}
	switch (kind) {
	case DW_ITEM_NAME:
		*why = dw_name_problem(s, len);
		break;
	case DW_ITEM_PATTERN:
		if (s[0] != '/')
			*why = "is not an absolute path";
		break;
	case DW_ITEM_SENSITIVE:
	case DW_ITEM_PATH:
		*why = path_problem(kind, s, len, buf, sizeof(buf));
		stored = buf;
		break;
	case DW_ITEM_CAP:
		if (dw_cap_normalize(s, len, buf, sizeof(buf)) < 0)
			*why = "is not a capability name";
		else if (!in_list(known_caps, buf))
			*why = "is not a known capability";
		stored = buf;
		break;
	case DW_ITEM_SYSCTL:
		if (!only_chars(s, len - 1, "._-/") || !only_chars(s + len - 1, 1, "._-/*"))
			*why = "is not a sysctl name (letters, digits, '.', '_', '-', '/', and '*' at the end)";
		break;
	case DW_ITEM_REGISTRY:
		if (len > DW_NAME_MAX || !only_chars(s, len, "._-/:") ||
		    memmem(s, len, "://", 3) || s[0] == '/' || s[len - 1] == '/')
			*why = "is not a registry host or repository prefix (e.g. \"registry.example.com\" or \"docker.io/library\")";
		break;
	}
	if (*why)
		return -EINVAL;
	*out = stored ? strdup(stored) : strndup(s, len);
	return *out ? 0 : -ENOMEM;
}

int dw_check_item(struct dw_vctx *c, const struct dw_where *w, size_t idx,
		  enum dw_item_kind kind, const json_t *v, char **out)
{
	const char *why;
	char q[300];
	int r;

	*out = NULL;
	if (!json_is_string(v)) {
		if (idx == (size_t)-1)
			dw_vctx_where_error(c, w, "expected a string, got %s", dw_json_type_desc(v));
		else
			dw_vctx_item_error(c, w, idx, "expected a string, got %s",
					   dw_json_type_desc(v));
		return -EINVAL;
	}
	r = item_check(kind, json_string_value(v), json_string_length(v), &why, out);
	if (r != -EINVAL)
		return r;
	/* an empty value is named by its place alone: "" says nothing */
	if (json_string_length(v) == 0)
		q[0] = '\0';
	else
		dw_quote(q, sizeof(q), json_string_value(v), json_string_length(v));
	if (idx == (size_t)-1)
		dw_vctx_where_error(c, w, "%s%s%s", q, q[0] ? " " : "", why);
	else
		dw_vctx_item_error(c, w, idx, "%s%s%s", q, q[0] ? " " : "", why);
	return -EINVAL;
}

int dw_get_strv(struct dw_vctx *c, const struct dw_where *w, const json_t *v,
		enum dw_item_kind kind, struct dw_strv *out)
{
	struct dw_strv sv = { 0 };
	size_t n;
	int r = 0;

	if (!json_is_array(v)) {
		dw_vctx_where_error(c, w, "expected an array, got %s", dw_json_type_desc(v));
		return -EINVAL;
	}
	n = json_array_size(v);
	sv.v = calloc(n + 1, sizeof(char *));
	if (!sv.v)
		return -ENOMEM;
	for (size_t k = 0; k < n; k++) {
		char *item = NULL;
		int q = dw_check_item(c, w, k, kind, json_array_get(v, k), &item);

		if (q == -ENOMEM) {
			r = q;
			goto out;
		}
		if (q < 0) {
			r = -EINVAL;
			continue;
		}
		sv.v[sv.n++] = item;
	}
	if (r == 0) {
		dw_strv_free(out);
		*out = sv;
		sv = (struct dw_strv){ 0 };
	}
out:
	dw_strv_free(&sv);
	return r;
}

void dw_strv_free(struct dw_strv *sv)
{
	if (!sv->v)
		return;
	for (size_t k = 0; k < sv->n; k++)
		free(sv->v[k]);
	free(sv->v);
	sv->v = NULL;
	sv->n = 0;
}

int dw_strv_from_list(struct dw_strv *sv, const char *const *list)
{
	size_t n = 0;

	while (list[n])
		n++;
	sv->n = 0;
	sv->v = calloc(n + 1, sizeof(char *));
	if (!sv->v)
		return -ENOMEM;
	for (size_t k = 0; k < n; k++) {
		sv->v[k] = strdup(list[k]);
		if (!sv->v[k]) {
			dw_strv_free(sv);
			return -ENOMEM;
		}
		sv->n++;
	}
	return 0;
}

int dw_strv_copy(struct dw_strv *dst, const struct dw_strv *src)
{
	dst->n = 0;
	dst->v = calloc(src->n + 1, sizeof(char *));
	if (!dst->v)
		return -ENOMEM;
	for (size_t k = 0; k < src->n; k++) {
		dst->v[k] = strdup(src->v[k]);
		if (!dst->v[k]) {
			dw_strv_free(dst);
			return -ENOMEM;
		}
		dst->n++;
	}
	return 0;
}
