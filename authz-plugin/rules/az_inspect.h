/* az_inspect.h - judge existing containers and volumes by the plugin's rules.
 *
 * The input is dockerd's own document (GET /containers/{id}/json, GET
 * /volumes/{name}).  Two uses, one evaluation: `dockwarden doctor` wants the
 * answer the plugin would give were the object created now (every rule),
 * and the plugin judges what a request borrows from an object (the
 * host-escaping rules only: exec into a container without a memory limit
 * escapes nothing).  Messages are a denial's ("dockwarden: denied: RULE: ..."). */
#ifndef AZ_INSPECT_H
#define AZ_INSPECT_H

#include <stddef.h>
#include <stdint.h>

#include "az_json.h"
#include "az_verdict.h"
#include "dw_policy.h"

enum az_judge_scope {
	AZ_JUDGE_MOUNTS, /* its effective mounts only: what VolumesFrom takes from it */
	AZ_JUDGE_HOST,  /* host-escaping settings: privileges, namespaces, mounts, devices */
	AZ_JUDGE_ALL,   /* also required limits, root user, secrets in env, registries */
};

/* A container inspect document (JSON, LEN bytes, need not be NUL-terminated)
 * for USER's profile (NULL or "" = the default), every rule (AZ_JUDGE_ALL).
 * Never fails: a document that cannot be read is a deny of rule "request". */
void az_judge_container(const struct dw_policy *pol, const char *user, const char *json,
			size_t len, struct az_verdict *v);
/* The same, knowing dockerd's default cgroup namespace mode CGROUPNS_DEFAULT
 * ("host" on cgroup v1 hosts or with default-cgroupns-mode host, else
 * "private"): a stored CgroupnsMode equal to it was not asked for.  NULL:
 * not known, CgroupnsMode not judged. */
void az_judge_container_defaults(const struct dw_policy *pol, const char *user, const char *json,
				 size_t len, const char *cgroupns_default, struct az_verdict *v);
/* A volume inspect document: a local-driver volume's Options (a bind of a
 * sensitive host path, an overlay of one, a host device). */
void az_judge_volume(const struct dw_policy *pol, const char *user, const char *json,
		     size_t len, struct az_verdict *v);

/* An image inspect document (GET /images/{id}/json), REF naming it, by the
 * trusted_images rule as if it were on: is its Id or a repo digest on a
 * usable list of SET at NOW (seconds since the epoch)?  The doctor asks this
 * of each container's image, also before the rule is turned on. */
struct az_images;
void az_judge_image(const struct az_images *set, int64_t now, const char *ref, const char *json,
		    size_t len, struct az_verdict *v);

/* The same on parsed documents, reporting through C. */
void az_judge_container_doc(struct az_ctx *c, az_jv root, enum az_judge_scope scope);
void az_judge_volume_doc(struct az_ctx *c, az_jv root);

#endif
