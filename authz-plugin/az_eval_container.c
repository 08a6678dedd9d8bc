/* az_eval_container.c - containers/create, start, update and exec create.
 *
 * containers/create decodes runconfig.ContainerConfigWrapper: container.Config
 * and (deprecated, still honoured) container.HostConfig are embedded at the
 * top level, next to the "HostConfig" object.  getHostConfig() uses the inner
 * object when present (taking Memory, MemorySwap, CpuShares, CpusetCpus and
 * VolumeDriver from the top level where the inner one leaves them zero), and
 * the top-level fields otherwise.  Host-escaping settings are checked in both
 * places; the required limits use the value getHostConfig() computes. */
#include <string.h>

#include "az_eval_priv.h"

/* container.HostConfig fields of OBJ: a HostConfig object, or the top level
 * of a create body (legacy fields) or of an update body (its Resources). */
static int read_hostcfg(struct az_ctx *c, az_jv obj, const char *where, struct az_struct *hc)
{
	return az_struct_read(c, obj, where, &az_schema_container_HostConfig, hc);
}

void az_eval_container_create(struct az_ctx *c, az_jv body)
{
	struct az_struct cfg, top, inner;
	int64_t mem_top, mem_in = 0, pids_top, pids_in = 0, mem;
	bool pids_top_set, pids_in_set = false, has_inner;
	const char *img;
	size_t ilen;
	az_jv env;

	if (az_struct_read(c, body, "body", &az_schema_body_containers_create, &cfg) < 0 ||
	    read_hostcfg(c, body, "body", &top) < 0)
		return;
	has_inner = cfg.val[AZ_BODY_CONTAINERS_CREATE_HOSTCONFIG] != NULL;
	if (has_inner &&
	    read_hostcfg(c, cfg.val[AZ_BODY_CONTAINERS_CREATE_HOSTCONFIG], "HostConfig", &inner) < 0)
		return;

	az_check_user(c, cfg.val[AZ_BODY_CONTAINERS_CREATE_USER], "User", true);
	if (az_arr(c, cfg.val[AZ_BODY_CONTAINERS_CREATE_ENV], "Env", &env) < 0)
		return;
	az_check_env(c, env, "Env");
	if (az_str(c, cfg.val[AZ_BODY_CONTAINERS_CREATE_IMAGE], "Image", &img, &ilen) < 0)
		return;
	if (ilen > 0)
		az_check_image(c, img, ilen, "Image");

	az_check_hostcfg(c, &top, false);
	if (has_inner)
		az_check_hostcfg(c, &inner, true);
	az_check_networking(c, cfg.val[AZ_BODY_CONTAINERS_CREATE_NETWORKINGCONFIG]);

	if (az_int(c, AZ_HCV(&top, MEMORY), "Memory", &mem_top, NULL) < 0 ||
	    az_int(c, AZ_HCV(&top, PIDSLIMIT), "PidsLimit", &pids_top, &pids_top_set) < 0)
		return;
	if (has_inner &&
	    (az_int(c, AZ_HCV(&inner, MEMORY), "HostConfig.Memory", &mem_in, NULL) < 0 ||
	     az_int(c, AZ_HCV(&inner, PIDSLIMIT), "HostConfig.PidsLimit", &pids_in,
		    &pids_in_set) < 0))
		return;
	if (has_inner) {
		mem = mem_in != 0 ? mem_in : mem_top;
		az_check_limits_required(c, mem, "HostConfig.Memory", pids_in_set, pids_in,
					 "HostConfig.PidsLimit");
	} else {
		az_check_limits_required(c, mem_top, "HostConfig.Memory", pids_top_set, pids_top,
					 "HostConfig.PidsLimit");
	}
}

/* API < 1.24: a start body is a whole HostConfig that replaces the one the
 * container was created with, so it must pass everything create must. */
void az_eval_container_start(struct az_ctx *c, az_jv body)
{
	struct az_struct hc;
	int64_t mem, pids;
	bool pids_set;

	if (read_hostcfg(c, body, "HostConfig", &hc) < 0)
		return;
	az_check_hostcfg(c, &hc, true);
	if (az_int(c, AZ_HCV(&hc, MEMORY), "HostConfig.Memory", &mem, NULL) < 0 ||
	    az_int(c, AZ_HCV(&hc, PIDSLIMIT), "HostConfig.PidsLimit", &pids, &pids_set) < 0)
		return;
	az_check_limits_required(c, mem, "HostConfig.Memory", pids_set, pids,
				 "HostConfig.PidsLimit");
}

/* container.UpdateConfig: Resources (+RestartPolicy).  Zero means "keep";
 * PidsLimit <= 0 is turned into "unlimited" by dockerd. */
void az_eval_container_update(struct az_ctx *c, az_jv body)
{
	struct az_struct hc;
	int64_t mem, pids;
	bool pids_set;

	if (read_hostcfg(c, body, "body", &hc) < 0)
		return;
	az_check_hostcfg(c, &hc, false);
	if (az_int(c, AZ_HCV(&hc, MEMORY), "Memory", &mem, NULL) < 0 ||
	    az_int(c, AZ_HCV(&hc, PIDSLIMIT), "PidsLimit", &pids, &pids_set) < 0)
		return;
	if (mem < 0)
		az_flag(c, DW_RULE_RESOURCE_LIMITS, "Memory %lld removes the memory limit",
			(long long)mem);
	if (pids_set && pids <= 0)
		az_flag(c, DW_RULE_RESOURCE_LIMITS, "PidsLimit %lld removes the pids limit",
			(long long)pids);
}

void az_eval_exec_create(struct az_ctx *c, az_jv body)
{
	struct az_struct ex;
	bool priv;
	az_jv env;

	if (az_struct_read(c, body, "body", &az_schema_container_ExecCreateRequest, &ex) < 0 ||
	    az_bool(c, ex.val[AZ_CONTAINER_EXECCREATEREQUEST_PRIVILEGED], "Privileged", &priv) < 0 ||
	    az_arr(c, ex.val[AZ_CONTAINER_EXECCREATEREQUEST_ENV], "Env", &env) < 0)
		return;
	if (priv)
		az_flag(c, DW_RULE_PRIVILEGED, "Privileged is true");
	az_check_user(c, ex.val[AZ_CONTAINER_EXECCREATEREQUEST_USER], "User", false);
	az_check_env(c, env, "Env");
}
