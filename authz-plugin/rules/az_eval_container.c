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

/* The host settings of a create body (runconfig's getHostConfig): the
 * legacy top-level fields and the inner HostConfig object, both judged;
 * the required limits on the merged value. */
static void judge_wrapper_hostcfg(struct az_ctx *c, az_jv body, const struct az_struct *cfg)
{
	struct az_struct top, inner;
	int64_t mem_top, mem_in = 0, pids_top, pids_in = 0, mem;
	bool pids_top_set, pids_in_set = false, has_inner;
	az_jv in = cfg->val[AZ_BODY_CONTAINERS_CREATE_HOSTCONFIG];

	has_inner = in != NULL;
	if (read_hostcfg(c, body, "body", &top) < 0 ||
	    (has_inner && read_hostcfg(c, in, "HostConfig", &inner) < 0))
		return;
	az_check_hostcfg(c, &top, false);
	if (has_inner)
		az_check_hostcfg(c, &inner, true);
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

void az_eval_container_create(struct az_ctx *c, az_jv body)
{
	struct az_struct cfg;
	const char *img;
	size_t ilen;
	az_jv env;

	if (az_struct_read(c, body, "body", &az_schema_body_containers_create, &cfg) < 0)
		return;
	az_check_user(c, cfg.val[AZ_BODY_CONTAINERS_CREATE_USER], "User", true);
	if (az_arr(c, cfg.val[AZ_BODY_CONTAINERS_CREATE_ENV], "Env", &env) < 0)
		return;
	az_check_env(c, env, "Env");
	if (az_str(c, cfg.val[AZ_BODY_CONTAINERS_CREATE_IMAGE], "Image", &img, &ilen) < 0)
		return;
	if (ilen > 0)
		az_check_image(c, img, ilen, "Image");
	az_check_trusted_image(c, img, ilen, "Image", false);
	judge_wrapper_hostcfg(c, body, &cfg);
	az_check_networking(c, cfg.val[AZ_BODY_CONTAINERS_CREATE_NETWORKINGCONFIG]);
}

/* API < 1.24 (dockerd 20.10-24.0): a start body is decoded as a create body
 * (runconfig DecodeHostConfig) whose host settings replace the container's,
 * so they must pass everything create's must. */
void az_eval_container_start(struct az_ctx *c, az_jv body)
{
	struct az_struct cfg;

	if (az_struct_read(c, body, "body", &az_schema_body_containers_create, &cfg) < 0)
		return;
	judge_wrapper_hostcfg(c, body, &cfg);
}

/* container.UpdateConfig: Resources (+RestartPolicy).  Zero means "keep";
 * PidsLimit <= 0 is turned into "unlimited" by dockerd.  The container
 * (c->target, judged already) must have both limits once the update is
 * applied: a limit it lacks is not "kept" by an update that leaves it out. */
void az_eval_container_update(struct az_ctx *c, az_jv body)
{
	struct az_struct hc, cur;
	int64_t mem, pids, cur_mem = 0, cur_pids = 0;
	bool pids_set, cur_pids_set = false;

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
	if (!c->target)
		return;
	if (read_hostcfg(c, az_jget(c->target, "HostConfig"), "HostConfig", &cur) < 0 ||
	    az_int(c, AZ_HCV(&cur, MEMORY), "HostConfig.Memory", &cur_mem, NULL) < 0 ||
	    az_int(c, AZ_HCV(&cur, PIDSLIMIT), "HostConfig.PidsLimit", &cur_pids, &cur_pids_set) < 0)
		return;
	if (mem == 0 && cur_mem <= 0)
		az_flag(c, DW_RULE_RESOURCE_LIMITS,
			"Memory is not set and the container has no memory limit (one is required)");
	if (!pids_set && (!cur_pids_set || cur_pids <= 0))
		az_flag(c, DW_RULE_RESOURCE_LIMITS,
			"PidsLimit is not set and the container has no pids limit (one is required)");
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
