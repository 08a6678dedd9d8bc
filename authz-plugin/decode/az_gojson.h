/* az_gojson.h - read a parsed JSON document (az_json) the way Go's encoding/json fills a struct.
 *
 * Struct fields: a key selects the field whose name it equals, else the field
 * it equals under Go's folding (ASCII case, plus U+212A KELVIN SIGN = k and
 * U+017F LATIN SMALL LONG S = s).  Two different keys of one object selecting
 * the same field would make the result depend on Go's last-wins merging: the
 * request is denied as ambiguous instead.  Null is absent, a value of the
 * wrong type is undecodable (dockerd rejects it too).
 * Map values (Labels, Sysctls, DriverOpts, Options) keep exact keys. */
#ifndef AZ_GOJSON_H
#define AZ_GOJSON_H

#include <stdbool.h>
#include <stdint.h>
#include "az_json.h"

#include "az_schema.h"
#include "az_verdict.h"

/* The fields of one Go struct, filled from one JSON object: VAL[I] is the
 * value of SCHEMA->fields[I] (index names from az_schema_gen.h). */
struct az_struct {
	const struct az_schema *schema;
	az_jv val[AZ_SCHEMA_MAX_FIELDS]; /* NULL when absent or null */
};

/* Fill S from OBJ as Go decodes it into a SCHEMA struct (NULL/null = all
 * absent).  Keys SCHEMA does not have are skipped: the route's schema walk
 * (az_schema_check) has refused them before any rule reads.  Reading a
 * create body with container.HostConfig picks its legacy top-level fields.
 * WHERE names the object in messages ("HostConfig").  0, or -1 after
 * az_reject(). */
int az_struct_read(struct az_ctx *c, az_jv obj, const char *where, const struct az_schema *schema,
		   struct az_struct *s);

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
