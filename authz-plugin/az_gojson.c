/* az_gojson.c - Go encoding/json struct-field semantics over jansson values. */
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

int az_struct_read(struct az_ctx *c, json_t *obj, const char *where, struct az_struct *s)
{
	const char *key;
	json_t *val;
	const char *first[AZ_MAX_FIELDS];
	size_t i;

	memset(s->val, 0, sizeof(s->val));
	memset(first, 0, sizeof(first));
	if (!obj || json_is_null(obj))
		return 0;
	if (!json_is_object(obj)) {
		az_reject(c, "undecodable: %s is not a JSON object", where);
		return -1;
	}
	json_object_foreach(obj, key, val) {
		size_t klen = strlen(key); /* JSON_ALLOW_NUL is never set: no NUL in keys */
		for (i = 0; i < s->n; i++) {
			if (!az_go_fold_eq(key, klen, s->names[i]))
				continue;
			if (first[i]) {
				char a[64], b[64];
				az_sanitize(first[i], strlen(first[i]), a, sizeof(a));
				az_sanitize(key, klen, b, sizeof(b));
				az_reject(c, "ambiguous: keys \"%s\" and \"%s\" both set %s.%s",
					  a, b, where, s->names[i]);
				return -1;
			}
			first[i] = key;
			s->val[i] = json_is_null(val) ? NULL : val;
			break;
		}
	}
	return 0;
}

json_t *az_struct_get(const struct az_struct *s, const char *name)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (strcmp(s->names[i], name) == 0)
			return s->val[i];
	return NULL;
}

int az_bool(struct az_ctx *c, json_t *v, const char *field, bool *out)
{
	*out = false;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_boolean(v)) {
		az_reject(c, "undecodable: %s is not a boolean", field);
		return -1;
	}
	*out = json_is_true(v);
	return 0;
}

int az_str(struct az_ctx *c, json_t *v, const char *field, const char **out, size_t *len)
{
	*out = "";
	*len = 0;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_string(v)) {
		az_reject(c, "undecodable: %s is not a string", field);
		return -1;
	}
	*out = json_string_value(v);
	*len = json_string_length(v);
	return 0;
}

int az_int(struct az_ctx *c, json_t *v, const char *field, int64_t *out, bool *present)
{
	*out = 0;
	if (present)
		*present = false;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_integer(v)) {
		az_reject(c, "undecodable: %s is not an integer", field);
		return -1;
	}
	*out = (int64_t)json_integer_value(v);
	if (present)
		*present = true;
	return 0;
}

int az_arr(struct az_ctx *c, json_t *v, const char *field, json_t **out)
{
	*out = NULL;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_array(v)) {
		az_reject(c, "undecodable: %s is not a list", field);
		return -1;
	}
	*out = v;
	return 0;
}

int az_obj(struct az_ctx *c, json_t *v, const char *field, json_t **out)
{
	*out = NULL;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_object(v)) {
		az_reject(c, "undecodable: %s is not an object", field);
		return -1;
	}
	*out = v;
	return 0;
}

int az_arr_str(struct az_ctx *c, json_t *arr, size_t i, const char *field,
	       const char **out, size_t *len)
{
	json_t *e = json_array_get(arr, i);

	if (!json_is_string(e)) {
		az_reject(c, "undecodable: %s[%zu] is not a string", field, i);
		return -1;
	}
	*out = json_string_value(e);
	*len = json_string_length(e);
	return 0;
}
