/* az_rules.h - the rule checks, grouped by the part of a request they read.
 * Every function reports through az_flag()/az_reject() on CTX. */
#ifndef AZ_RULES_H
#define AZ_RULES_H

#include "az_json.h"

#include "az_gojson.h"
#include "az_schema_gen.h"
#include "az_verdict.h"
#include "az_images.h"

/* The value of container.HostConfig field X in a struct read with its schema. */
#define AZ_HCV(s, X) ((s)->val[AZ_CONTAINER_HOSTCONFIG_##X])

/* Host-escaping settings in one decoded HostConfig; INNER: its fields are
 * named "HostConfig.X" in messages (else "X": the top level of a create body). */
void az_check_hostcfg(struct az_ctx *c, const struct az_struct *hc, bool inner);
/* A namespace mode (NetworkMode, PidMode, ..., build networkmode) that joins the host's. */
bool az_mode_is_host(const char *s, size_t len);
/* Requires Memory > 0 and PidsLimit > 0 (dockerd drops PidsLimit <= 0). */
void az_check_limits_required(struct az_ctx *c, int64_t memory, const char *mem_field,
			      bool pids_set, int64_t pids, const char *pids_field);

/* az_rules_caps.c: one list of added capabilities (CapAdd, CapabilityAdd). */
void az_check_caps(struct az_ctx *c, az_jv list, const char *field);
/* az_rules_secopt.c: SecurityOpt strings, MaskedPaths/ReadonlyPaths lists. */
/* LABEL_DERIVED: "label=disable" is dockerd's own addition (it stores it
 * for privileged, host-pid and host-ipc containers), not to be reported again. */
void az_check_security_opts(struct az_ctx *c, az_jv list, const char *field, bool label_derived);
void az_check_masked(struct az_ctx *c, az_jv list, const char *field, bool readonly);
/* Sysctls map. */
void az_check_sysctls(struct az_ctx *c, az_jv map, const char *field);
/* The endpoint sysctls driver option's "name=value,..." list (API 1.46). */
void az_check_endpoint_sysctls(struct az_ctx *c, const char *list, size_t len, const char *field);
/* NetworkingConfig of a create body: endpoint settings that reach the host. */
void az_check_networking(struct az_ctx *c, az_jv nc);
/* One network.EndpointSettings, named FIELD in messages (API 1.46: the
 * endpoint sysctls in its DriverOpts): 0, or -1 after az_reject(). */
int az_check_endpoint(struct az_ctx *c, az_jv ep, const char *field);

/* az_rules_mounts.c */
/* A host path that will be mounted: FIELD names it ("HostConfig.Binds[0] source"). */
void az_check_host_path(struct az_ctx *c, const char *src, size_t len, const char *field);
/* "src:dst[:opts]" of Binds. */
void az_check_bind_string(struct az_ctx *c, const char *spec, size_t len, const char *field);
/* []mount.Mount of HostConfig.Mounts or a service's ContainerSpec.Mounts. */
void az_check_mounts(struct az_ctx *c, az_jv list, const char *field);
/* Options of the "local" volume driver (DriverOpts / DriverConfig.Options). */
void az_check_local_volume_opts(struct az_ctx *c, az_jv opts, const char *field);
/* Is DRIVER (LEN) the built-in local driver ("" defaults to it)? */
bool az_is_local_driver(const char *driver, size_t len);

/* az_rules_config.c: container.Config / exec / service container settings. */
void az_check_user(struct az_ctx *c, az_jv user, const char *field, bool empty_is_root);
void az_check_env(struct az_ctx *c, az_jv env, const char *field);
void az_check_image(struct az_ctx *c, const char *ref, size_t len, const char *field);

/* az_registry.c: reference.ParseNormalizedNamed's name part: "docker.io/library/busybox".
 * Returns 0, or -1 when REF is not a reference (an image ID, malformed). */
int az_image_normalize(const char *ref, size_t len, char *out, size_t outsz);
bool az_registry_trusted(const struct dw_strv *trusted, const char *normalized);

#endif
