/* az_gojson.h - read a parsed JSON document (az_json) the way Go's encoding/json fills a struct.
 *
 * Struct fields: a key selects the field whose name it equals, else the field
 * it equals under Go's folding (ASCII case, plus U+212A KELVIN SIGN = k and
 * U+017F LATIN SMALL LONG S = s).  Two different keys of one object selecting
 * the same field would make the result depend on Go's last-wins merging: the
 * request is denied as ambiguous instead.  Unknown keys are ignored, null is
 * absent, a value of the wrong type is undecodable (dockerd rejects it too).
 * Map values (Labels, Sysctls, DriverOpts, Options) keep exact keys. */
#ifndef AZ_GOJSON_H
#define AZ_GOJSON_H

#include <stdbool.h>
#include <stdint.h>
#include "az_json.h"

#include "az_verdict.h"

#define AZ_MAX_FIELDS 64

/* The fields of one Go struct, filled from one JSON object. */
struct az_struct {
	const char *const *names;  /* Go field names (JSON names) */
	size_t n;
	az_jv val[AZ_MAX_FIELDS]; /* NULL when absent or null */
};

/* Go's field-name equality for key K (KLEN bytes) and ASCII NAME. */
bool az_go_fold_eq(const char *k, size_t klen, const char *name);

/* Fill S from OBJ (NULL/null = all absent).  WHERE names the object in
 * messages ("HostConfig").  0, or -1 after az_reject(). */
int az_struct_read(struct az_ctx *c, az_jv obj, const char *where, struct az_struct *s);
/* The value of field NAME (must be one of S's names); NULL when absent. */
az_jv az_struct_get(const struct az_struct *s, const char *name);

/* Typed reads of a field value V (NULL = absent).  FIELD names it in messages.
 * 0 on success (absent gives false/""/0 and *present=false), -1 after az_reject(). */
int az_bool(struct az_ctx *c, az_jv v, const char *field, bool *out);
int az_str(struct az_ctx *c, az_jv v, const char *field, const char **out, size_t *len);
int az_int(struct az_ctx *c, az_jv v, const char *field, int64_t *out, bool *present);
/* Arrays and objects: *OUT NULL when absent. */
int az_arr(struct az_ctx *c, az_jv v, const char *field, az_jv *out);
int az_obj(struct az_ctx *c, az_jv v, const char *field, az_jv *out);
/* Element E (index I) of a []string: -1 after az_reject() when not a string. */
int az_arr_str(struct az_ctx *c, az_jv e, size_t i, const char *field,
	       const char **out, size_t *len);

#endif
