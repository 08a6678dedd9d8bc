/* az_uri.c - parse RequestUri the way dockerd routes it (see az_uri.h). */
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>
#include <stdlib.h>
#include <string.h>

#include "az_routes.h"
#include "az_uri.h"
#include "dw_hex.h"

/* unescape's failures */
enum { UNESCAPE_BAD = -1, UNESCAPE_TOO_LONG = -2 };

/* Go url.unescape: PLUS_SPACE for query mode.  UNESCAPE_BAD on a bad
 * escape, UNESCAPE_TOO_LONG when OUT is too small; otherwise the decoded
 * length (OUT NUL-terminated). */
static ssize_t unescape(const char *in, size_t len, bool plus_space, char *out, size_t outsz)
{
	size_t i, o = 0;

	for (i = 0; i < len; i++) {
		char ch = in[i];
		if (ch == '%') {
			int h, l;
			if (len - i < 3)
				return UNESCAPE_BAD;
			h = dw_hex_digit(in[i + 1]);
			l = dw_hex_digit(in[i + 2]);
			if (h < 0 || l < 0)
				return UNESCAPE_BAD;
			ch = (char)(h * 16 + l);
			i += 2;
		} else if (ch == '+' && plus_space) {
			ch = ' ';
		}
		if (o + 1 >= outsz)
			return UNESCAPE_TOO_LONG;
		out[o++] = ch;
	}
	if (outsz == 0)
		return UNESCAPE_TOO_LONG;
	out[o] = '\0';
	return (ssize_t)o;
}

/* gorilla/mux cleanPath: path.Clean plus the trailing slash kept. */
static bool path_is_clean(const char *p, size_t len)
{
	size_t i;

	if (len == 0 || p[0] != '/')
		return false;
	for (i = 0; i < len; i++) {
		if (p[i] != '/')
			continue;
		if (i + 1 < len && p[i + 1] == '/')
			return false;
		if (i + 1 < len && p[i + 1] == '.' &&
		    (i + 2 == len || p[i + 2] == '/' ||
		     (p[i + 2] == '.' && (i + 3 == len || p[i + 3] == '/'))))
			return false;
	}
	return true;
}

int az_version_cmp(const char *a, const char *b)
{
	while (*a || *b) {
		long x = 0, y = 0;
		/* strconv.Atoi: a part that is not all digits counts as 0 */
		const char *ea = a, *eb = b;
		bool da = true, db = true;
		while (*ea && *ea != '.') {
			da = da && *ea >= '0' && *ea <= '9';
			ea++;
		}
		while (*eb && *eb != '.') {
			db = db && *eb >= '0' && *eb <= '9';
			eb++;
		}
		if (da && ea > a)
			x = strtol(a, NULL, 10);
		if (db && eb > b)
			y = strtol(b, NULL, 10);
		if (x != y)
			return x < y ? -1 : 1;
		a = *ea ? ea + 1 : ea;
		b = *eb ? eb + 1 : eb;
	}
	return 0;
}

static int fail(struct az_uri_err *err, enum az_uri_code code, size_t offset)
{
	err->code = code;
	err->offset = offset;
	return -1;
}

/* An unversioned path means the daemon's own maximum version.  A daemon
 * not known yet (not yet asked) is judged as the newest version the plugin
 * knows: every dockerd reads at least what 1.24 and later read, so the rules
 * that differ by version (the < 1.24 start body) do not apply to it on any
 * daemon.  A daemon newer than the plugin could read fields it does not know. */
static int version_for_unversioned(const struct az_daemon_info *d, struct az_uri *out,
				   struct az_uri_err *err, size_t offset)
{
	out->unversioned = true;
	if (!d || !d->known) {
		snprintf(out->version, sizeof(out->version), "%s", AZ_API_MAX);
		return 0;
	}
	if (az_version_cmp(d->api_max, AZ_API_MAX) > 0) {
		snprintf(err->daemon_version, sizeof(err->daemon_version), "%s", d->version);
		snprintf(err->daemon_api, sizeof(err->daemon_api), "%s", d->api_max);
		return fail(err, AZ_URI_DAEMON_NEWER, offset);
	}
	snprintf(out->version, sizeof(out->version), "%s", d->api_max);
	return 0;
}

/* Where in the raw path the Nth decoded byte came from ("%XX" is three). */
static size_t raw_offset(const char *path, size_t plen, size_t n)
{
	size_t i = 0;

	for (; n > 0 && i < plen; n--)
		i += path[i] == '%' ? 3 : 1;
	return i < plen ? i : plen;
}

int az_uri_parse(const char *method, const char *uri, size_t len,
		 const struct az_daemon_info *daemon, struct az_uri *out, struct az_uri_err *err)
{
	char dec[AZ_PATH_MAX];
	const char *path = uri, *q;
	size_t plen, i, vlen = 0, at;
	ssize_t dlen;
	const char *rest;

	memset(out, 0, sizeof(*out));
	memset(err, 0, sizeof(*err));
	if (len == 0)
		return fail(err, AZ_URI_EMPTY, 0);
	/* Absolute-form request target: Go takes the path after the authority. */
	if (uri[0] != '/') {
		size_t s = 0;
		while (s < len && ((uri[s] >= 'a' && uri[s] <= 'z') || (uri[s] >= 'A' && uri[s] <= 'Z') ||
				   (s > 0 && ((uri[s] >= '0' && uri[s] <= '9') || uri[s] == '+' ||
					      uri[s] == '-' || uri[s] == '.'))))
			s++;
		if (s == 0 || s + 3 > len || memcmp(uri + s, "://", 3) != 0)
			return fail(err, AZ_URI_NOT_ABSOLUTE, s);
		path = uri + s + 3;
		while (path < uri + len && *path != '/' && *path != '?')
			path++;
		if (path == uri + len || *path != '/')
			return fail(err, AZ_URI_NO_PATH, (size_t)(path - uri));
	}
	at = (size_t)(path - uri);
	q = memchr(path, '?', (size_t)(uri + len - path));
	plen = (size_t)((q ? q : uri + len) - path);
	if (q) {
		out->query = q + 1;
		out->query_len = (size_t)(uri + len - q - 1);
	} else {
		out->query = "";
	}
	dlen = unescape(path, plen, false, dec, sizeof(dec));
	if (dlen < 0)
		return fail(err, dlen == UNESCAPE_TOO_LONG ? AZ_URI_TOO_LONG : AZ_URI_BAD_ESCAPE, at);
	for (i = 0; i < (size_t)dlen; i++)
		if ((unsigned char)dec[i] < 0x20 || dec[i] == 0x7f)
			return fail(err, AZ_URI_CONTROL, at + raw_offset(path, plen, i));
	/* mux answers these with a redirect; never evaluate a look-alike */
	if (!path_is_clean(dec, (size_t)dlen))
		return fail(err, AZ_URI_NOT_CANONICAL, at);
	rest = dec;
	if (dec[0] == '/' && dec[1] == 'v') {
		const char *e = dec + 2;
		while ((*e >= '0' && *e <= '9') || *e == '.')
			e++;
		if (e > dec + 2 && *e == '/') {
			vlen = (size_t)(e - dec - 2);
			rest = e;
		}
	}
	if (vlen >= sizeof(out->version))
		return fail(err, AZ_URI_VERSION_TOO_LONG, at + 2);
	if (vlen) {
		memcpy(out->version, dec + 2, vlen);
		out->version[vlen] = '\0';
	} else if (version_for_unversioned(daemon, out, err, at) < 0) {
		return -1;
	}
	if (az_version_cmp(out->version, AZ_API_MIN) < 0)
		return fail(err, AZ_URI_VERSION_TOO_OLD, at + 2);
	if (az_version_cmp(out->version, AZ_API_MAX) > 0)
		return fail(err, AZ_URI_VERSION_TOO_NEW, at + 2);
	memmove(out->path, rest, strlen(rest) + 1);
	out->route = az_route_find(method, out->path);
	return 0;
}

void az_uri_strerror(const struct az_uri_err *err, const struct az_uri *u, char *buf, size_t sz)
{
	switch (err->code) {
	case AZ_URI_EMPTY:
		snprintf(buf, sz, "empty request URI");
		break;
	case AZ_URI_NOT_ABSOLUTE:
		snprintf(buf, sz, "request URI is not an absolute path or URL");
		break;
	case AZ_URI_NO_PATH:
		snprintf(buf, sz, "request URI has no path");
		break;
	case AZ_URI_BAD_ESCAPE:
		snprintf(buf, sz, "request path has a bad percent-escape");
		break;
	case AZ_URI_TOO_LONG:
		snprintf(buf, sz, "request path is longer than %d bytes", AZ_PATH_MAX - 1);
		break;
	case AZ_URI_CONTROL:
		snprintf(buf, sz, "request path has control characters (byte %zu)", err->offset);
		break;
	case AZ_URI_NOT_CANONICAL:
		snprintf(buf, sz, "request path is not canonical");
		break;
	case AZ_URI_VERSION_TOO_LONG:
		snprintf(buf, sz, "API version in the path is too long");
		break;
	case AZ_URI_VERSION_TOO_OLD:
		snprintf(buf, sz, "API version %s is older than any dockerd serves (%s is the oldest)",
			 u->version, AZ_API_MIN);
		break;
	case AZ_URI_VERSION_TOO_NEW:
		snprintf(buf, sz, "API version %s is newer than dockwarden knows (it reads API %s to %s): "
				  "upgrade dockwarden", u->version, AZ_API_MIN, AZ_API_MAX);
		break;
	case AZ_URI_DAEMON_NEWER:
		snprintf(buf, sz, "unversioned request to dockerd %s, which serves API %s: dockwarden "
				  "reads API %s to %s; upgrade dockwarden",
			 err->daemon_version, err->daemon_api, AZ_API_MIN, AZ_API_MAX);
		break;
	case AZ_URI_OK:
	default:
		snprintf(buf, sz, "request URI: no error");
		break;
	}
}

/* One raw "key=value" pair of a query (still escaped). */
struct qpair {
	const char *key, *val;
	size_t klen, vlen;
};

/* The next pair after *S (up to END) that url.ParseQuery keeps: a pair
 * holding ';' is dropped, an empty one skipped.  false at the end. */
static bool next_pair(const char **s, const char *end, struct qpair *p)
{
	while (*s < end) {
		const char *b = *s;
		const char *amp = memchr(b, '&', (size_t)(end - b));
		const char *pe = amp ? amp : end;
		const char *eq = memchr(b, '=', (size_t)(pe - b));

		*s = amp ? amp + 1 : end;
		if (pe == b || memchr(b, ';', (size_t)(pe - b)))
			continue;
		p->key = b;
		p->klen = (size_t)((eq ? eq : pe) - b);
		p->val = eq ? eq + 1 : pe;
		p->vlen = (size_t)(pe - p->val);
		return true;
	}
	return false;
}

int az_query_get(const struct az_uri *u, const char *key, char *out, size_t outsz)
{
	const char *s = u->query, *end = u->query + u->query_len;
	struct qpair p;
	char kbuf[256];

	while (next_pair(&s, end, &p)) {
		ssize_t kl = unescape(p.key, p.klen, true, kbuf, sizeof(kbuf)), vl;

		if (kl < 0 || (size_t)kl != strlen(key) || strcmp(kbuf, key) != 0)
			continue;
		/* a bad escape in the value drops the pair */
		vl = unescape(p.val, p.vlen, true, out, outsz);
		if (vl >= 0)
			return 1;
		if (vl == UNESCAPE_TOO_LONG)
			return -1; /* too long: the caller denies */
	}
	return 0;
}

int az_query_check(struct az_ctx *c, const struct az_uri *u, const struct az_schema *schema,
		   const char *what)
{
	const char *s = u->query, *end = u->query + u->query_len;
	struct qpair p;
	char kbuf[256], safe[96];

	while (next_pair(&s, end, &p)) {
		ssize_t kl = unescape(p.key, p.klen, true, kbuf, sizeof(kbuf));
		size_t i;

		if (kl == UNESCAPE_TOO_LONG) {
			az_reject(c, "a query parameter name of the %s is too long", what);
			return -1;
		}
		if (kl <= 0)
			continue; /* a bad escape drops the pair too */
		for (i = 0; i < schema->n; i++)
			if (strlen(schema->fields[i].key) == (size_t)kl &&
			    memcmp(schema->fields[i].key, kbuf, (size_t)kl) == 0)
				break;
		if (i == schema->n) {
			az_sanitize(kbuf, (size_t)kl, safe, sizeof(safe));
			az_reject(c, "unknown query parameter %s of the %s: no dockerd release "
				     "dockwarden knows reads it (a newer one might)",
				  safe, what);
			return -1;
		}
	}
	return 0;
}
