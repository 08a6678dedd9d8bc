/* dw_policy_priv.h - private: shared by the policy loader's source files.
 *
 * Validation walks the jansson tree with a struct dw_vctx that collects every
 * problem (with its position from the pointer index); they are sorted by
 * position and handed to the caller's diag function once the walk is done, so
 * a file with several mistakes gets them all, in file order. */
#ifndef DW_POLICY_PRIV_H
#define DW_POLICY_PRIV_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dw_policy.h"
#include "dw_policy_pos.h"

#define DW_NAME_MAX 256       /* users, groups, audit keys, profiles */
#define DW_POLICY_MAX_SIZE (1024 * 1024)
#define DW_WHERE_MAX 1024

struct dw_diag_item {
	int line;
	int col;
	size_t seq;
	char *msg;
};

struct dw_vctx {
	const char *file;
	/* Positions are only needed for a diagnostic: the index over SRC is
	 * built on the first one (a valid file, the PAM module's every call,
	 * never pays for it). */
	const char *src;
	size_t srclen;
	struct dw_pos_index *pos;
	bool pos_tried;
	struct dw_diag_item *items;
	size_t n;
	size_t cap;
	bool oom;
};

/* Where a value is: its JSON pointer (for the position) and the dotted name
 * used in messages ("authz.rules.privileged"). */
struct dw_where {
	char ptr[DW_WHERE_MAX];
	char name[DW_WHERE_MAX];
};

void dw_where_root(struct dw_where *w);
/* W's child member KEY. */
void dw_where_key(struct dw_where *child, const struct dw_where *w, const char *key);

/* Record a problem at pointer PTR. */
void dw_vctx_error(struct dw_vctx *c, const char *ptr, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Record a problem about array item IDX of W: "\"W\"[IDX]: ...". */
void dw_vctx_item_error(struct dw_vctx *c, const struct dw_where *w, size_t idx,
			const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* Record a problem about W itself: "\"W\": ...". */
void dw_vctx_where_error(struct dw_vctx *c, const struct dw_where *w, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* "a string", "an array", ... for messages. */
const char *dw_json_type_desc(const json_t *v);
/* Quote untrusted text for a message: "..." with control and non-ASCII bytes
 * as \xNN, cut after 64 characters with "...". */
const char *dw_quote(char *buf, size_t bufsz, const char *s, size_t len);

/* 0 when V is an object, else reports and -EINVAL. */
int dw_expect_object(struct dw_vctx *c, const struct dw_where *w, const json_t *v);
/* Report every key of OBJ that is not in ALLOWED (NULL-terminated);
 * -EINVAL when there was one. */
int dw_check_keys(struct dw_vctx *c, const struct dw_where *w, const json_t *obj,
		  const char *const *allowed);
int dw_get_bool(struct dw_vctx *c, const struct dw_where *w, const json_t *v, bool *out);

enum dw_item_kind {
	DW_ITEM_NAME,        /* user, group, audit key: non-empty, no control chars */
	DW_ITEM_PATH,        /* absolute path, stored normalised */
	DW_ITEM_SENSITIVE,   /* absolute path, may end in '*', stored normalised */
	DW_ITEM_PATTERN,     /* absolute fnmatch(3) pattern, stored as written */
	DW_ITEM_CAP,         /* capability name, stored "CAP_X" */
	DW_ITEM_SYSCTL,      /* sysctl name or prefix ending in '*' */
	DW_ITEM_REGISTRY,    /* registry host or repository prefix */
};

/* Why NAME (LEN bytes) is not a valid user/group/key/profile name, or NULL:
 * non-empty, no control characters, at most DW_NAME_MAX bytes. */
const char *dw_name_problem(const char *s, size_t len);
/* Validate one string; *OUT (malloc'd) is the stored form.  Reports through
 * the item-error form when IDX != (size_t)-1, else the member form. */
int dw_check_item(struct dw_vctx *c, const struct dw_where *w, size_t idx,
		  enum dw_item_kind kind, const json_t *v, char **out);
/* An array of KIND strings; replaces *OUT only on success. */
int dw_get_strv(struct dw_vctx *c, const struct dw_where *w, const json_t *v,
		enum dw_item_kind kind, struct dw_strv *out);

/* -ENOMEM beats -EINVAL beats 0: the result of checking several values. */
int dw_worst(int a, int b);

/* Value parsers (dw_policy_sections.c, dw_policy_authz.c): check V at W,
 * report what is wrong, and replace *OUT only on success.  0, -EINVAL
 * (reported) or -ENOMEM. */
int dw_get_networks(struct dw_vctx *c, const struct dw_where *w, const json_t *v,
		    struct dw_cidrv *out);
/* An absolute path, stored normalised; with EMPTY_OK also "" (unset). */
int dw_get_path(struct dw_vctx *c, const struct dw_where *w, const json_t *v, bool empty_ok,
		char **out);
/* "" or relp://, relp+tls:// or tcp://HOST:PORT. */
int dw_get_target(struct dw_vctx *c, const struct dw_where *w, const json_t *v, char **out);
int dw_get_spool_max(struct dw_vctx *c, const struct dw_where *w, const json_t *v,
		     uint32_t *out);
int dw_get_full_action(struct dw_vctx *c, const struct dw_where *w, const json_t *v,
		       enum dw_spool_full_action *out);
/* The RFC 5424 HOSTNAME field: printable ASCII, no spaces, at most 255. */
int dw_get_host_id(struct dw_vctx *c, const struct dw_where *w, const json_t *v, char **out);
/* {"RULE": "deny"|"warn"|"off", ...}: sets only the rules it names. */
int dw_get_rules(struct dw_vctx *c, const struct dw_where *w, const json_t *obj,
		 enum dw_mode rules[DW_RULE_COUNT]);
void dw_rules_default(enum dw_mode rules[DW_RULE_COUNT]);

const char *dw_full_action_name(enum dw_spool_full_action a);
int dw_full_action_from_name(const char *s, size_t len, enum dw_spool_full_action *out);

/* The key tables (dw_policy_keys.c).  A key's KIND names its value's
 * parser, its JSON form and how it is freed and copied. */
enum dw_key_kind {
	DW_KEY_STRV,           /* struct dw_strv of ITEM strings */
	DW_KEY_CIDRV,          /* struct dw_cidrv */
	DW_KEY_BOOL,           /* bool */
	DW_KEY_PATH,           /* char *: an absolute path */
	DW_KEY_PATH_OR_EMPTY,  /* char *: an absolute path, or "" */
	DW_KEY_TARGET,         /* char *: dw_get_target's */
	DW_KEY_SPOOL_MB,       /* uint32_t: 1..1048576 */
	DW_KEY_FULL_ACTION,    /* enum dw_spool_full_action */
	DW_KEY_HOST_ID,        /* char *: dw_get_host_id's */
	DW_KEY_RULES,          /* enum dw_mode[DW_RULE_COUNT] */
	DW_KEY_OWN,            /* a section, or a key its section parser reads itself */
};

/* Where an authz key may appear (0 elsewhere: everywhere). */
#define DW_SCOPE_SECTION 0x1u  /* the authz section itself (the default profile) */
#define DW_SCOPE_PROFILE 0x2u  /* an entry of authz.profiles */

struct dw_policy_key {
	const char *name;
	enum dw_key_kind kind;
	enum dw_item_kind item;       /* DW_KEY_STRV: what each entry is */
	size_t off;                   /* in the struct the section fills */
	unsigned scope;               /* DW_SCOPE_*; 0: everywhere */
	const char *def;              /* strings: the default ("" when NULL) */
	const char *const *def_list;  /* lists: the default entries (NULL: none) */
	long def_num;                 /* bool, number, enum: the default */
};

struct dw_policy_keys {
	const char *section;          /* NULL: the top level */
	const struct dw_policy_key *v;
	size_t n;
};

/* Offsets in struct dw_policy, except authz's in struct dw_authz_profile. */
extern const struct dw_policy_keys dw_policy_top_keys;
extern const struct dw_policy_keys dw_policy_trusted_keys;
extern const struct dw_policy_keys dw_policy_authz_keys;
extern const struct dw_policy_keys dw_policy_pam_keys;
extern const struct dw_policy_keys dw_policy_forward_keys;

/* Report OBJ's keys not in T (those in SCOPE) and parse each one present
 * into BASE.  0, -EINVAL (reported) or -ENOMEM. */
int dw_keys_parse(struct dw_vctx *c, const struct dw_where *w, const json_t *obj,
		  const struct dw_policy_keys *t, unsigned scope, void *base);
/* BASE (zeroed) gets T's defaults; 0 or -ENOMEM. */
int dw_keys_default(const struct dw_policy_keys *t, void *base);
/* DST (zeroed) gets SRC's values; 0 or -ENOMEM. */
int dw_keys_copy(const struct dw_policy_keys *t, void *dst, const void *src);
void dw_keys_free(const struct dw_policy_keys *t, void *base);
/* Set T's keys (those in SCOPE) of OBJ from BASE; 0 or -ENOMEM. */
int dw_keys_json(json_t *obj, const struct dw_policy_keys *t, unsigned scope, const void *base);

/* strv helpers */
void dw_strv_free(struct dw_strv *sv);
int dw_strv_from_list(struct dw_strv *sv, const char *const *list);
int dw_strv_copy(struct dw_strv *dst, const struct dw_strv *src);

/* Section parsers: fill P from ROOT's section, report problems into C.
 * Return 0, -EINVAL (reported) or -ENOMEM. */
int dw_policy_parse_trusted(struct dw_vctx *c, const json_t *root, struct dw_policy *p);
int dw_policy_parse_pam(struct dw_vctx *c, const json_t *root, struct dw_policy *p);
int dw_policy_parse_forward(struct dw_vctx *c, const json_t *root, struct dw_policy *p);
int dw_policy_parse_authz(struct dw_vctx *c, const json_t *root, struct dw_policy *p);

/* Authz defaults and lifetime (dw_policy_authz.c). */
int dw_authz_profile_init_default(struct dw_authz_profile *ap);
int dw_authz_profile_copy(struct dw_authz_profile *dst, const struct dw_authz_profile *src,
			  const char *name);
void dw_authz_profile_free(struct dw_authz_profile *ap);

#endif
