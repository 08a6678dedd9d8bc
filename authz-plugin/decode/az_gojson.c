/* az_gojson.c - Go encoding/json struct-field semantics over az_json values. */
#include <string.h>

#include "az_gojson.h"

int az_struct_read(struct az_ctx *c, az_jv obj, const char *where, const struct az_schema *schema,
		   struct az_struct *s)
{
	az_jv k, first[AZ_SCHEMA_MAX_FIELDS];
	size_t m;

	s->schema = schema;
	memset(s->val, 0, sizeof(az_jv) * schema->n);
	memset(first, 0, sizeof(az_jv) * schema->n);
	if (!obj || az_jis_null(obj))
		return 0;
	if (!az_jis(obj, AZ_JOBJ)) {
		az_reject(c, "undecodable: %s is not a JSON object", where);
		return -1;
	}
	AZ_JOBJ_FOREACH(obj, m, k) {
		int i = az_schema_field(schema, k->u.s, k->n);
		if (i < 0)
			continue;
		if (first[i]) {
			char a[64], b[64];
			az_sanitize(first[i]->u.s, first[i]->n, a, sizeof(a));
			az_sanitize(k->u.s, k->n, b, sizeof(b));
			az_reject(c, "ambiguous: keys \"%s\" and \"%s\" both set %s.%s", a, b, where,
				  schema->fields[i].key);
			return -1;
		}
		first[i] = k;
		s->val[i] = az_jis_null(az_jval(k)) ? NULL : az_jval(k);
	}
	return 0;
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
