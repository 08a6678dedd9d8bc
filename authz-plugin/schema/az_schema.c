/* az_schema.c - key lookup and the unknown-key walk over generated schemas. */
#include <stdio.h>
#include <string.h>

#include "az_schema.h"

#define FOLD_MAX 64 /* longer than any field name: such a key selects nothing */

/* Go's foldName: ASCII upper-cased; U+212A and U+017F to K and S (the only
 * non-ASCII runes whose fold orbit holds an ASCII letter).  Any other
 * non-ASCII byte cannot fold into an ASCII field name: -1. */
static int fold(const char *k, size_t klen, char *out)
{
	const unsigned char *u = (const unsigned char *)k;
	size_t i = 0, o = 0;

	while (i < klen) {
		if (o >= FOLD_MAX - 1)
			return -1;
		if (u[i] < 0x80) {
			out[o++] = (char)(u[i] >= 'a' && u[i] <= 'z' ? u[i] - 32 : u[i]);
			i++;
		} else if (klen - i >= 3 && u[i] == 0xe2 && u[i + 1] == 0x84 && u[i + 2] == 0xaa) {
			out[o++] = 'K';
			i += 3;
		} else if (klen - i >= 2 && u[i] == 0xc5 && u[i + 1] == 0xbf) {
			out[o++] = 'S';
			i += 2;
		} else {
			return -1;
		}
	}
	out[o] = '\0';
	return (int)o;
}

int az_schema_field(const struct az_schema *s, const char *key, size_t klen)
{
	char f[FOLD_MAX];
	size_t lo = 0, hi = s->n;

	/* Go prefers an exact match, but no two fields of one struct fold equal
	 * (the generator refuses such a table), so the fold decides alone. */
	if (fold(key, klen, f) < 0)
		return -1;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int r = strcmp(f, s->folded[mid]);
		if (r == 0)
			return s->by_fold[mid];
		if (r < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return -1;
}

static int check_struct(struct az_ctx *c, az_jv obj, const struct az_schema *s, const char *where)
{
	az_jv k, seen[AZ_SCHEMA_MAX_FIELDS];
	size_t m;
	char f[160], a[64], b[64];

	if (!az_jis(obj, AZ_JOBJ)) {
		az_reject(c, "undecodable: %s is not a JSON object", where[0] ? where : "body");
		return -1;
	}
	memset(seen, 0, sizeof(az_jv) * s->n);
	AZ_JOBJ_FOREACH(obj, m, k) {
		int i = az_schema_field(s, k->u.s, k->n);
		if (i < 0) {
			az_sanitize(k->u.s, k->n, a, sizeof(a));
			az_reject(c, "unknown field %s%s%s in %s: no dockerd release dockwarden knows "
				     "reads it (a newer one might)",
				  where, where[0] ? "." : "", a, s->name);
			return -1;
		}
		snprintf(f, sizeof(f), "%s%s%s", where, where[0] ? "." : "", s->fields[i].key);
		if (seen[i]) {
			az_sanitize(seen[i]->u.s, seen[i]->n, a, sizeof(a));
			az_sanitize(k->u.s, k->n, b, sizeof(b));
			az_reject(c, "ambiguous: keys \"%s\" and \"%s\" both set %s", a, b, f);
			return -1;
		}
		seen[i] = k;
		if (az_schema_check(c, az_jval(k), s->fields[i].type, f) < 0)
			return -1;
	}
	return 0;
}

int az_schema_check(struct az_ctx *c, az_jv v, const struct az_type *t, const char *where)
{
	char f[160];
	az_jv e;
	size_t i;

	if (!v || az_jis_null(v))
		return 0; /* Go leaves the zero value */
	switch (t->kind) {
	case AZ_K_STRUCT:
		return check_struct(c, v, t->sub, where);
	case AZ_K_ARRAY:
		if (!az_jis(v, AZ_JARR)) {
			az_reject(c, "undecodable: %s is not a list", where);
			return -1;
		}
		if (t->elem->kind < AZ_K_ARRAY)
			return 0;
		AZ_JARR_FOREACH(v, i, e) {
			snprintf(f, sizeof(f), "%s[%zu]", where, i);
			if (az_schema_check(c, e, t->elem, f) < 0)
				return -1;
		}
		return 0;
	case AZ_K_MAP:
		if (!az_jis(v, AZ_JOBJ)) {
			az_reject(c, "undecodable: %s is not an object", where);
			return -1;
		}
		if (t->elem->kind < AZ_K_ARRAY)
			return 0;
		AZ_JOBJ_FOREACH(v, i, e) {
			char k[64];
			az_sanitize(e->u.s, e->n, k, sizeof(k));
			snprintf(f, sizeof(f), "%s[%s]", where, k);
			if (az_schema_check(c, az_jval(e), t->elem, f) < 0)
				return -1;
		}
		return 0;
	default:
		/* scalars: the rules type-check what they read, dockerd the rest */
		return 0;
	}
}
