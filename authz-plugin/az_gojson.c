/* az_gojson.c - Go encoding/json struct-field semantics over az_json values. */
#include <string.h>

#include "az_gojson.h"

static char lower(char ch)
{
	return (ch >= 'A' && ch <= 'Z') ? (char)(ch + 32) : ch;
}

bool az_go_fold_eq(const char *k, size_t klen, const char *name)
{
	size_t i = 0;
	const unsigned char *u = (const unsigned char *)k;

	for (; *name; name++) {
		char n = lower(*name);
		if (i >= klen)
			return false;
		/* U+212A KELVIN SIGN (e2 84 aa) folds to k, U+017F (c5 bf) to s */
		if (n == 'k' && klen - i >= 3 && u[i] == 0xe2 && u[i + 1] == 0x84 && u[i + 2] == 0xaa) {
			i += 3;
			continue;
		}
		if (n == 's' && klen - i >= 2 && u[i] == 0xc5 && u[i + 1] == 0xbf) {
			i += 2;
			continue;
		}
		if (lower(k[i]) != n)
			return false;
		i++;
	}
	return i == klen;
}

int az_struct_read(struct az_ctx *c, az_jv obj, const char *where, struct az_struct *s)
{
	az_jv k, first[AZ_MAX_FIELDS];
	size_t i, m;

	memset(s->val, 0, sizeof(s->val));
	memset(first, 0, sizeof(first));
	if (!obj || az_jis_null(obj))
		return 0;
	if (!az_jis(obj, AZ_JOBJ)) {
		az_reject(c, "undecodable: %s is not a JSON object", where);
		return -1;
	}
	AZ_JOBJ_FOREACH(obj, m, k) {
		/* a different ASCII first letter cannot fold equal: skip the call */
		unsigned char k0 = k->n ? (unsigned char)k->u.s[0] : 0;
		for (i = 0; i < s->n; i++) {
			if (k0 < 0x80 && (k0 | 0x20) != ((unsigned char)s->names[i][0] | 0x20))
				continue;
			if (!az_go_fold_eq(k->u.s, k->n, s->names[i]))
				continue;
			if (first[i]) {
				char a[64], b[64];
				az_sanitize(first[i]->u.s, first[i]->n, a, sizeof(a));
				az_sanitize(k->u.s, k->n, b, sizeof(b));
				az_reject(c, "ambiguous: keys \"%s\" and \"%s\" both set %s.%s",
					  a, b, where, s->names[i]);
				return -1;
			}
			first[i] = k;
			s->val[i] = az_jis_null(az_jval(k)) ? NULL : az_jval(k);
			break;
		}
	}
	return 0;
}

az_jv az_struct_get(const struct az_struct *s, const char *name)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (strcmp(s->names[i], name) == 0)
			return s->val[i];
	return NULL;
}

int az_bool(struct az_ctx *c, az_jv v, const char *field, bool *out)
{
	*out = false;
	if (!v || az_jis_null(v))
		return 0;
	if (!az_jis(v, AZ_JTRUE) && !az_jis(v, AZ_JFALSE)) {
		az_reject(c, "undecodable: %s is not a boolean", field);
		return -1;
	}
	*out = v->type == AZ_JTRUE;
	return 0;
}

int az_str(struct az_ctx *c, az_jv v, const char *field, const char **out, size_t *len)
{
	*out = "";
	*len = 0;
	if (!v || az_jis_null(v))
		return 0;
	if (!az_jis(v, AZ_JSTR)) {
		az_reject(c, "undecodable: %s is not a string", field);
		return -1;
	}
	*out = v->u.s;
	*len = v->n;
	return 0;
}

int az_int(struct az_ctx *c, az_jv v, const char *field, int64_t *out, bool *present)
{
	*out = 0;
	if (present)
		*present = false;
	if (!v || az_jis_null(v))
		return 0;
	if (!az_jis(v, AZ_JINT)) {
		az_reject(c, "undecodable: %s is not an integer", field);
		return -1;
	}
	*out = v->u.i;
	if (present)
		*present = true;
	return 0;
}

int az_arr(struct az_ctx *c, az_jv v, const char *field, az_jv *out)
{
	*out = NULL;
	if (!v || az_jis_null(v))
		return 0;
	if (!az_jis(v, AZ_JARR)) {
		az_reject(c, "undecodable: %s is not a list", field);
		return -1;
	}
	*out = v;
	return 0;
}

int az_obj(struct az_ctx *c, az_jv v, const char *field, az_jv *out)
{
	*out = NULL;
	if (!v || az_jis_null(v))
		return 0;
	if (!az_jis(v, AZ_JOBJ)) {
		az_reject(c, "undecodable: %s is not an object", field);
		return -1;
	}
	*out = v;
	return 0;
}

int az_arr_str(struct az_ctx *c, az_jv e, size_t i, const char *field,
	       const char **out, size_t *len)
{
	if (!az_jis(e, AZ_JSTR)) {
		az_reject(c, "undecodable: %s[%zu] is not a string", field, i);
		return -1;
	}
	*out = e->u.s;
	*len = e->n;
	return 0;
}
