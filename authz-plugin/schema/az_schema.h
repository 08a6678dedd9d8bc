/* az_schema.h - the request objects every supported dockerd decodes, as
 * tables generated from schema/moby-fields.tsv (scripts/gen-az-schema.py).
 *
 * A schema lists every JSON key one Go struct reads in any supported dockerd
 * release (the union: a request is judged by what any dockerd that could
 * serve it would read), with embedded structs' fields promoted as Go does.
 * Field I of schema S is S->fields[I]; the generated header names each
 * index (AZ_<PKG>_<STRUCT>_<KEY>, e.g. AZ_CONTAINER_HOSTCONFIG_PRIVILEGED). */
#ifndef AZ_SCHEMA_H
#define AZ_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "az_json.h"
#include "az_verdict.h"

enum az_kind {
	AZ_K_ANY = 0,  /* interface{}, json.RawMessage, a custom UnmarshalJSON: not walked */
	AZ_K_BOOL,
	AZ_K_STRING,
	AZ_K_INT,
	AZ_K_FLOAT,
	AZ_K_ARRAY,    /* ELEM */
	AZ_K_MAP,      /* string keys, ELEM values */
	AZ_K_STRUCT,   /* SUB */
};

struct az_schema;

struct az_type {
	enum az_kind kind;
	const struct az_type *elem;
	const struct az_schema *sub;
};

struct az_field {
	const char *key;           /* JSON key as Go's struct tag (or field name) spells it */
	const struct az_type *type;
	const char *since, *until; /* API versions of the first and last release that read it
				    * (until NULL: still read) */
};

struct az_schema {
	const char *name;              /* "container.HostConfig" */
	const struct az_field *fields;
	size_t n;
	const char *const *folded;     /* FOLDED[i]: fields[BY_FOLD[i]].key folded, sorted */
	const uint16_t *by_fold;
};

#define AZ_SCHEMA_MAX_FIELDS 128

/* Go's encoding/json field selection: the index of the field KEY (KLEN
 * bytes) selects in S (exact or case-folded: ASCII case, U+212A KELVIN SIGN
 * = K, U+017F LATIN SMALL LONG S = S), or -1 when S has no such field. */
int az_schema_field(const struct az_schema *s, const char *key, size_t klen);

/* Walk V as a value of type T: every object key must select a field of its
 * struct (else the request is denied naming the key: no supported dockerd
 * reads it, so a newer one may), no two keys may select one field, and
 * structs, lists and maps must have the JSON type dockerd decodes.  WHERE
 * names V in messages ("HostConfig").  0, or -1 after az_reject(). */
int az_schema_check(struct az_ctx *c, az_jv v, const struct az_type *t, const char *where);

#endif
