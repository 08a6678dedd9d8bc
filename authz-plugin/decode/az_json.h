/* az_json.h - a strict JSON reader for AuthZReq messages and request bodies.
 *
 * Why not jansson here: dockerd waits for the plugin on every API call, and a
 * 1 MiB containers/create body holds ~20,000 values.  A DOM with one
 * allocation per value, built by a lexer that reads one character at a time,
 * cost ~10 ms per request.  This reader makes one pass and writes a flat
 * array of nodes (one allocation, grown by doubling); strings point into the
 * input unless they contain escapes, which are decoded into one side buffer.
 *
 * It accepts exactly what jansson accepts with JSON_REJECT_DUPLICATES |
 * JSON_DECODE_ANY (the plugin's previous reader; fuzz_json checks the two
 * agree): RFC 8259 grammar, strict UTF-8 (no overlongs, no surrogates), no
 * \u0000, no lone surrogate escapes, integers within int64, reals that do not
 * overflow a double, nesting at most 2048 deep, no key twice in one object,
 * nothing but whitespace after the value. */
#ifndef AZ_JSON_H
#define AZ_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "dw_attr.h"

#define AZ_JSON_MAX_DEPTH 2048

enum az_jtype { AZ_JNULL, AZ_JFALSE, AZ_JTRUE, AZ_JINT, AZ_JREAL, AZ_JSTR, AZ_JARR, AZ_JOBJ };

/* One value.  An array's elements follow it in order; an object's members
 * follow it as key, value, key, value...  Read only through the functions
 * below. */
struct az_jnode {
	uint8_t type;   /* enum az_jtype */
	uint32_t n;     /* string: bytes; array: elements; object: members */
	uint32_t skip;  /* nodes in this value's subtree, itself included */
	uint32_t off;   /* input offset where the value starts */
	union {
		const char *s; /* string bytes (not NUL-terminated; may hold none) */
		int64_t i;     /* integer */
	} u;
};

typedef const struct az_jnode *az_jv; /* NULL: absent */

struct az_jdoc {
	struct az_jnode *nodes; /* nodes[0] is the root */
	size_t count, cap;
	char *strbuf;           /* decoded escaped strings */
	size_t strlen_used;
	char *input;            /* NULL, or the input when the document owns it
				 * (az_json_adopt): strings point into it */
};

enum az_jerr_kind {
	AZ_JERR_SYNTAX,      /* not JSON at OFFSET */
	AZ_JERR_TRUNCATED,   /* input ends inside the value */
	AZ_JERR_UTF8,        /* invalid UTF-8 at OFFSET */
	AZ_JERR_ESCAPE,      /* \u0000 or a lone surrogate at OFFSET */
	AZ_JERR_NUMBER,      /* integer outside int64 or real overflowing a double */
	AZ_JERR_DEPTH,       /* nested deeper than AZ_JSON_MAX_DEPTH */
	AZ_JERR_DUPLICATE,   /* key at OFFSET repeats an earlier key of its object */
	AZ_JERR_TRAILING,    /* something other than whitespace at OFFSET after the value */
	AZ_JERR_TOO_BIG,     /* input over 2 GiB */
	AZ_JERR_NOMEM,
};

struct az_jerr {
	enum az_jerr_kind kind;
	size_t offset; /* byte of the input where the problem is */
};

/* Parse BUF (LEN bytes, need not be NUL-terminated; must outlive DOC).
 * 0, or -1 with ERR filled (DOC then holds nothing to free). */
DW_MUST_CHECK int az_json_parse(const char *buf, size_t len, struct az_jdoc *doc, struct az_jerr *err);
void az_json_free(struct az_jdoc *doc);
/* DOC, parsed from BUF, takes BUF over (malloc'd): az_json_free frees it. */
static inline void az_json_adopt(struct az_jdoc *doc, char *buf)
{
	doc->input = buf;
}
/* A fixed text for ERR's kind ("invalid UTF-8", ...). */
const char *az_json_strerror(enum az_jerr_kind kind);

static inline az_jv az_json_root(const struct az_jdoc *doc)
{
	return doc->nodes;
}

static inline bool az_jis(az_jv v, enum az_jtype t)
{
	return v && v->type == t;
}

static inline bool az_jis_null(az_jv v)
{
	return v && v->type == AZ_JNULL;
}

/* Elements of an array, members of an object, bytes of a string; else 0. */
static inline size_t az_jlen(az_jv v)
{
	return v && (v->type == AZ_JSTR || v->type == AZ_JARR || v->type == AZ_JOBJ) ? v->n : 0;
}

/* Elements of V when it is an array, members when it is an object, else 0:
 * what the FOREACH macros count, so a string (whose n counts bytes) or a
 * number where an array or object belongs is walked as empty. */
static inline size_t az_jarr_len(az_jv v)
{
	return v && v->type == AZ_JARR ? v->n : 0;
}

static inline size_t az_jobj_len(az_jv v)
{
	return v && v->type == AZ_JOBJ ? v->n : 0;
}

/* First element of an array / first key of an object (when az_jlen > 0). */
static inline az_jv az_jfirst(az_jv v)
{
	return v ? v + 1 : NULL;
}

/* The node after V's subtree: the next element of V's array; for an object
 * member's value, the next member's key. */
static inline az_jv az_jnext(az_jv v)
{
	return v + v->skip;
}

/* The value of the object member whose key node is K. */
static inline az_jv az_jval(az_jv k)
{
	return k + 1;
}

/* Member KEY (exact match) of object OBJ, or NULL. */
az_jv az_jget(az_jv obj, const char *key);

/* Elements E (index I) of array A; keys K (index I) of object O.  A node of
 * another type (or NULL) has none. */
#define AZ_JARR_FOREACH(a, i, e) \
	for ((i) = 0, (e) = az_jfirst(a); (i) < az_jarr_len(a); (i)++, (e) = az_jnext(e))
#define AZ_JOBJ_FOREACH(o, i, k) \
	for ((i) = 0, (k) = az_jfirst(o); (i) < az_jobj_len(o); (i)++, (k) = az_jnext(az_jval(k)))

#endif
