/* dw_policy.h - the dockwarden policy: one JSON file, one immutable object.
 *
 * A loaded policy is immutable and reference counted.  Daemons keep the current
 * policy in a struct dw_policy_slot and swap it on reload; a request takes a
 * reference with dw_policy_slot_get() and evaluates against that one object, so
 * no request ever sees a half-loaded policy.
 *
 * Error convention (whole library): 0 on success, negative errno on failure.
 */
#ifndef DW_POLICY_H
#define DW_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dw_slot.h"
#include "dw_attr.h"

enum dw_mode {
	DW_MODE_OFF = 0,
	DW_MODE_WARN = 1,  /* allow, but log the violation (audit mode) */
	DW_MODE_DENY = 2,
};

/* Rules of the authz plugin, in the order the man page (dockwarden-policy.5)
 * and the README's rules table list them. */
enum dw_rule {
	DW_RULE_PRIVILEGED = 0,
	DW_RULE_HOST_NAMESPACES,
	DW_RULE_CAPABILITIES,
	DW_RULE_HOST_MOUNTS,
	DW_RULE_DEVICES,
	DW_RULE_SECURITY_OPTIONS,
	DW_RULE_RESOURCE_LIMITS,
	DW_RULE_SYSCTLS,
	DW_RULE_PLUGINS,
	DW_RULE_TRUSTED_REGISTRIES,
	DW_RULE_ROOT_USER,
	DW_RULE_SECRETS_IN_ENV,
	DW_RULE_BUILDKIT,
	DW_RULE_TRUSTED_IMAGES,
	DW_RULE_SWARM,
	DW_RULE_COUNT
};

/* "privileged", "host_namespaces", ... ; NULL when out of range. */
const char *dw_rule_name(enum dw_rule rule);
/* 0 and *out set when NAME (LEN bytes) is a rule name; -ENOENT otherwise. */
int dw_rule_from_name(const char *name, size_t len, enum dw_rule *out);
/* "off" | "warn" | "deny". */
const char *dw_mode_name(enum dw_mode mode);
int dw_mode_from_name(const char *name, size_t len, enum dw_mode *out);

/* An owned, immutable list of NUL-terminated strings. */
struct dw_strv {
	char **v;
	size_t n;
};
bool dw_strv_contains(const struct dw_strv *sv, const char *s);

struct dw_policy;
/* Is USER trusted by P: named in trusted.users, or a member (primary or
 * supplementary) of a group in trusted.groups?  The group database is read
 * only when the name does not already tell.  Sets *BY_NAME, *BY_GROUP and
 * *GROUP (the matching name, pointing into P; NULL if none).  0, or the
 * group lookup's -ENOENT (unknown user) or -EIO, *BY_GROUP then false: a
 * fact that cannot be established is not trust. */
int dw_policy_user_trusted(const struct dw_policy *p, const char *user, bool *by_name,
			   bool *by_group, const char **group);

/* An IPv4 or IPv6 network.  IPv4 is stored IPv4-mapped (::ffff:a.b.c.d) with
 * prefix + 96, so one comparison serves both families. */
struct dw_cidr {
	uint8_t addr[16];  /* network address, host bits zero */
	uint8_t prefix;    /* 0..128 in the IPv6 space */
};
struct dw_cidrv {
	struct dw_cidr *v;
	size_t n;
};

/* Authz settings.  The "authz" section is the default profile; each entry of
 * "authz.profiles" starts as a copy of it and overrides what it names. */
struct dw_authz_profile {
	char *name;                          /* "default" for the section itself */
	struct dw_strv users;                /* TLS users that select it (besides NAME) */
	enum dw_mode rules[DW_RULE_COUNT];
	struct dw_strv allowed_capabilities; /* normalised: "CAP_NET_BIND_SERVICE" */
	struct dw_strv allowed_sysctls;      /* exact names, or prefixes ending in '*' */
	struct dw_strv trusted_registries;   /* "registry.example.com", "docker.io/library" */
	bool allow_custom_seccomp;           /* custom seccomp profile JSON accepted */
};

/* forward.target, as the policy loader parsed it: the one reading of it. */
enum dw_target_kind { DW_TARGET_NONE = 0, DW_TARGET_RELP, DW_TARGET_RELP_TLS, DW_TARGET_TCP };
struct dw_target {
	enum dw_target_kind kind;
	char host[256];  /* a host name, or an address (IPv6 without its brackets) */
	char port[6];    /* 1..65535 in decimal, without leading zeros */
};

enum dw_spool_full_action {
	DW_SPOOL_FULL_DROP_NEW = 0,   /* keep what is spooled, count and mark the gap */
	DW_SPOOL_FULL_DROP_OLDEST,    /* evict oldest unacknowledged, mark the gap */
};

struct dw_policy {
	char *source;                  /* file path, or "<built-in>" */

	/* shared sets */
	struct dw_strv trusted_users;
	struct dw_strv trusted_groups;
	struct dw_cidrv trusted_networks;
	struct dw_strv sensitive_paths;   /* absolute, normalised; may end in '*' (e.g. "/lib*") */
	struct dw_strv docker_binaries;   /* absolute paths; fnmatch(3) patterns allowed */
	struct dw_strv docker_paths;      /* absolute paths watched for the forwarder */

	/* authz */
	struct dw_authz_profile authz;    /* default profile */
	struct dw_authz_profile *authz_profiles;
	size_t n_authz_profiles;
	/* "authz.image_lists": signed lists of trusted images (dw_imagelist.h),
	 * list file and minisign public key of each, in parallel */
	struct dw_strv image_lists;
	struct dw_strv image_keys;

	/* pam */
	struct {
		struct dw_strv guarded_groups;
		bool require_publickey;
		bool allow_local;
		bool resolve_hostnames;
	} pam;

	/* forward */
	struct {
		char *target;              /* "relp://host:port", "relp+tls://…", "tcp://…"; "" = none */
		struct dw_target dest;     /* the same, parsed by the loader */
		char *signing_key;
		char *spool_dir;
		uint32_t spool_max_mb;     /* 1..1048576 */
		enum dw_spool_full_action spool_full_action;
		struct dw_strv audit_keys;
		char *tls_ca;              /* "" when unset */
		char *tls_cert;
		char *tls_key;
		char *host_id;             /* "" = derive from /etc/machine-id */
	} forward;

	/* private */
	unsigned int refs_;
};

/* One problem found while loading.  LINE/COL are 1-based; 0 when unknown
 * (e.g. the file could not be opened). */
typedef void (*dw_diag_fn)(void *ctx, const char *file, int line, int col,
			   const char *msg);

enum {
	/* Refuse a file that is not a regular file owned by root, or that is
	 * group- or world-writable (daemons and the PAM module set this). */
	DW_POLICY_CHECK_OWNER = 1u << 0,
	/* A missing file (ENOENT) yields the built-in default instead of an error. */
	DW_POLICY_MISSING_OK = 1u << 1,
};

/* Load PATH.  Every problem is reported through DIAG (may be NULL) as
 * FILE:LINE:COL; returns 0 and *OUT (refcount 1) only when there was none.
 * -EINVAL: invalid content; -EPERM: insecure ownership/mode; other -errno: I/O. */
DW_MUST_CHECK int dw_policy_load_file(const char *path, unsigned int flags, dw_diag_fn diag,
			void *ctx, struct dw_policy **out);
/* Same from memory; NAME is used in diagnostics. */
DW_MUST_CHECK int dw_policy_load_buffer(const char *name, const char *buf, size_t len,
			  dw_diag_fn diag, void *ctx, struct dw_policy **out);
/* The built-in secure default (equal in effect to packaging/policy.json). */
DW_MUST_CHECK int dw_policy_load_default(struct dw_policy **out);

struct dw_policy *dw_policy_ref(struct dw_policy *p);
void dw_policy_unref(struct dw_policy *p);

/* Every key a policy file may hold, in the order of its section's table:
 * FN gets the section (NULL at the top level), the key, and whether it may
 * appear only in an authz profile (authz.profiles.NAME.KEY). */
void dw_policy_keys_foreach(void (*fn)(void *arg, const char *section, const char *key,
				       bool profile_only),
			    void *arg);

/* The effective policy as canonical JSON (all defaults filled in, keys sorted,
 * two-space indent).  Caller frees *OUT with free(). */
int dw_policy_to_json(const struct dw_policy *p, char **out);

/* Is RULE other than off in the default profile or any profile? */
bool dw_policy_rule_used(const struct dw_policy *p, enum dw_rule rule);

/* Profile for TLS user USER (NULL or "" = no user): a profile whose name or
 * users list matches, else the default profile.  Never NULL. */
const struct dw_authz_profile *dw_policy_authz_profile(const struct dw_policy *p,
						       const char *user);

/* A slot holding the current policy, swapped atomically on reload: a
 * dw_slot (dw_slot.h) typed for policies. */
struct dw_policy_slot {
	struct dw_slot s;
};
int dw_policy_slot_init(struct dw_policy_slot *s, struct dw_policy *initial);
/* A new reference to the current policy; release with dw_policy_unref(). */
struct dw_policy *dw_policy_slot_get(struct dw_policy_slot *s);
/* Install NEXT (the slot takes the caller's reference); the old policy is
 * released once its last request drops it. */
void dw_policy_slot_swap(struct dw_policy_slot *s, struct dw_policy *next);
void dw_policy_slot_destroy(struct dw_policy_slot *s);

#endif
