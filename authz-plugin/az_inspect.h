/* az_inspect.h - judge existing containers and volumes by the plugin's rules.
 *
 * `dockwarden doctor` asks dockerd for every container and volume and wants
 * the answer the plugin would have given had the object been created now:
 * the same rule functions, the same profile lookup, the same messages
 * ("dockwarden: denied: RULE: ...").  The input is dockerd's own document:
 * GET /containers/{id}/json or GET /volumes/{name}. */
#ifndef AZ_INSPECT_H
#define AZ_INSPECT_H

#include <stddef.h>

#include "az_verdict.h"
#include "dw_policy.h"

/* A container inspect document (JSON, LEN bytes, need not be NUL-terminated):
 * Config.User, Config.Env, Config.Image, HostConfig (host-escaping settings
 * and the required limits) and Mounts (bind sources).  USER selects the authz
 * profile (NULL or "" = the default profile).  Never fails: a document that
 * cannot be read is a deny of rule "request", as a request would be. */
void az_judge_container(const struct dw_policy *pol, const char *user, const char *json,
			size_t len, struct az_verdict *v);

/* The same, knowing dockerd's default cgroup namespace mode CGROUPNS_DEFAULT
 * ("host" on cgroup v1 hosts or with default-cgroupns-mode host; NULL when
 * unknown).  dockerd writes its default into HostConfig.CgroupnsMode of every
 * container created without one, so an inspect document holding the default
 * cannot say whether the request asked for it; the plugin allowed such a
 * request (an empty mode), so it is judged as empty.  The daemon-wide
 * setting is the doctor's own finding. */
void az_judge_container_defaults(const struct dw_policy *pol, const char *user, const char *json,
				 size_t len, const char *cgroupns_default, struct az_verdict *v);

/* A volume inspect document: a local-driver volume's Options as they were
 * given to volume create (a bind of a sensitive host path, a host device). */
void az_judge_volume(const struct dw_policy *pol, const char *user, const char *json,
		     size_t len, struct az_verdict *v);

#endif
