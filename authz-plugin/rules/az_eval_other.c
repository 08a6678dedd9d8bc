/* az_eval_other.c - volume create, network connect and swarm services. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "az_eval_priv.h"

/* volume.CreateRequest.  Named volumes used later in Binds/Mounts are only
 * names: the bind options that make one a host mount are caught here. */
void az_eval_volume_create(struct az_ctx *c, az_jv body)
{
	struct az_struct v;
	const char *drv;
	size_t dlen;
	az_jv opts;

	if (az_struct_read(c, body, "body", &az_schema_volume_CreateRequest, &v) < 0 ||
	    az_str(c, v.val[AZ_VOLUME_CREATEREQUEST_DRIVER], "Driver", &drv, &dlen) < 0 ||
	    az_obj(c, v.val[AZ_VOLUME_CREATEREQUEST_DRIVEROPTS], "DriverOpts", &opts) < 0)
		return;
	if (az_is_local_driver(drv, dlen))
		az_check_local_volume_opts(c, opts, "DriverOpts");
}

/* network.ConnectRequest: the endpoint it gives the container is judged as
 * a create's NetworkingConfig endpoint is (from API 1.46 its DriverOpts
 * carry sysctls dockerd sets in the container's network namespace). */
void az_eval_network_connect(struct az_ctx *c, az_jv body)
{
	struct az_struct r;

	if (az_struct_read(c, body, "body", &az_schema_network_ConnectRequest, &r) < 0)
		return;
	(void)az_check_endpoint(c, r.val[AZ_NETWORK_CONNECTREQUEST_ENDPOINTCONFIG], "EndpointConfig");
}

static void check_networks(struct az_ctx *c, az_jv v, const char *field)
{
	az_jv a, e;
	size_t i;

	if (az_arr(c, v, field, &a) < 0)
		return;
	AZ_JARR_FOREACH(a, i, e) {
		struct az_struct n;
		const char *t;
		size_t tl;
		char f[96];
		snprintf(f, sizeof(f), "%s[%zu]", field, i);
		if (az_struct_read(c, e, f, &az_schema_swarm_NetworkAttachmentConfig, &n) < 0 ||
		    az_str(c, n.val[AZ_SWARM_NETWORKATTACHMENTCONFIG_TARGET], f, &t, &tl) < 0)
			return;
		if (tl == 4 && strncasecmp(t, "host", 4) == 0)
			az_flag(c, DW_RULE_HOST_NAMESPACES, "%s.Target is host", f);
	}
}

/* Seccomp / AppArmor: {"Mode": ...} */
static int read_mode(struct az_ctx *c, az_jv v, const struct az_schema *schema, int mode_idx,
		     const char *f, const char **s, size_t *len)
{
	struct az_struct m;

	if (az_struct_read(c, v, f, schema, &m) < 0)
		return -1;
	return az_str(c, m.val[mode_idx], f, s, len);
}

static void check_privileges(struct az_ctx *c, az_jv v)
{
	struct az_struct p, se;
	const char *base = "TaskTemplate.ContainerSpec.Privileges";
	const char *s;
	size_t len;
	bool dis;
	char f[96];

	if (az_struct_read(c, v, base, &az_schema_swarm_Privileges, &p) < 0)
		return;
	snprintf(f, sizeof(f), "%s.SELinuxContext", base);
	if (az_struct_read(c, p.val[AZ_SWARM_PRIVILEGES_SELINUXCONTEXT], f,
			   &az_schema_swarm_SELinuxContext, &se) < 0 ||
	    az_bool(c, se.val[AZ_SWARM_SELINUXCONTEXT_DISABLE], f, &dis) < 0 ||
	    az_str(c, se.val[AZ_SWARM_SELINUXCONTEXT_TYPE], f, &s, &len) < 0)
		return;
	if (dis)
		az_flag(c, DW_RULE_SECURITY_OPTIONS, "%s.Disable is true", f);
	if (len >= 5 && memmem(s, len, "spc_t", 5))
		az_flag(c, DW_RULE_SECURITY_OPTIONS, "%s.Type is spc_t", f);
	snprintf(f, sizeof(f), "%s.Seccomp", base);
	if (read_mode(c, p.val[AZ_SWARM_PRIVILEGES_SECCOMP], &az_schema_swarm_SeccompOpts,
		      AZ_SWARM_SECCOMPOPTS_MODE, f, &s, &len) < 0)
		return;
	if ((len == 10 && memcmp(s, "unconfined", 10) == 0) ||
	    (len == 6 && memcmp(s, "custom", 6) == 0 && !c->prof->allow_custom_seccomp))
		az_flag(c, DW_RULE_SECURITY_OPTIONS, "%s.Mode is %s", f, len == 6 ? "custom" : "unconfined");
	snprintf(f, sizeof(f), "%s.AppArmor", base);
	if (read_mode(c, p.val[AZ_SWARM_PRIVILEGES_APPARMOR], &az_schema_swarm_AppArmorOpts,
		      AZ_SWARM_APPARMOROPTS_MODE, f, &s, &len) < 0)
		return;
	if (len == 8 && memcmp(s, "disabled", 8) == 0)
		az_flag(c, DW_RULE_SECURITY_OPTIONS, "%s.Mode is disabled", f);
}

static void check_container_spec(struct az_ctx *c, az_jv v)
{
	struct az_struct cs;
	const char *base = "TaskTemplate.ContainerSpec";
	const char *img;
	size_t ilen;
	az_jv a;

	if (az_struct_read(c, v, base, &az_schema_swarm_ContainerSpec, &cs) < 0)
		return;
	if (az_str(c, cs.val[AZ_SWARM_CONTAINERSPEC_IMAGE], "TaskTemplate.ContainerSpec.Image", &img,
		   &ilen) < 0)
		return;
	if (ilen > 0)
		az_check_image(c, img, ilen, "TaskTemplate.ContainerSpec.Image");
	az_check_trusted_image(c, img, ilen, "TaskTemplate.ContainerSpec.Image", true);
	az_check_user(c, cs.val[AZ_SWARM_CONTAINERSPEC_USER], "TaskTemplate.ContainerSpec.User", true);
	if (az_arr(c, cs.val[AZ_SWARM_CONTAINERSPEC_ENV], "TaskTemplate.ContainerSpec.Env", &a) < 0)
		return;
	az_check_env(c, a, "TaskTemplate.ContainerSpec.Env");
	check_privileges(c, cs.val[AZ_SWARM_CONTAINERSPEC_PRIVILEGES]);
	if (az_arr(c, cs.val[AZ_SWARM_CONTAINERSPEC_MOUNTS], "TaskTemplate.ContainerSpec.Mounts", &a) < 0)
		return;
	if (a)
		az_check_mounts(c, a, "TaskTemplate.ContainerSpec.Mounts");
	if (az_obj(c, cs.val[AZ_SWARM_CONTAINERSPEC_SYSCTLS], "TaskTemplate.ContainerSpec.Sysctls", &a) < 0)
		return;
	az_check_sysctls(c, a, "TaskTemplate.ContainerSpec.Sysctls");
	if (az_arr(c, cs.val[AZ_SWARM_CONTAINERSPEC_CAPABILITYADD],
		   "TaskTemplate.ContainerSpec.CapabilityAdd", &a) < 0)
		return;
	az_check_caps(c, a, "TaskTemplate.ContainerSpec.CapabilityAdd");
}

static void check_limits(struct az_ctx *c, az_jv v)
{
	struct az_struct r, l;
	int64_t mem, pids;
	bool pids_set;

	if (az_struct_read(c, v, "TaskTemplate.Resources", &az_schema_swarm_ResourceRequirements, &r) < 0 ||
	    az_struct_read(c, r.val[AZ_SWARM_RESOURCEREQUIREMENTS_LIMITS], "TaskTemplate.Resources.Limits",
			   &az_schema_swarm_Limit, &l) < 0 ||
	    az_int(c, l.val[AZ_SWARM_LIMIT_MEMORYBYTES], "TaskTemplate.Resources.Limits.MemoryBytes", &mem,
		   NULL) < 0 ||
	    az_int(c, l.val[AZ_SWARM_LIMIT_PIDS], "TaskTemplate.Resources.Limits.Pids", &pids, &pids_set) < 0)
		return;
	az_check_limits_required(c, mem, "TaskTemplate.Resources.Limits.MemoryBytes", pids_set, pids,
				 "TaskTemplate.Resources.Limits.Pids");
}

/* swarm.ServiceSpec of services/create and services/{id}/update (an update
 * carries the whole new spec). */
void az_eval_service(struct az_ctx *c, az_jv body)
{
	struct az_struct sp, tt;
	const char *rt;
	size_t rl;

	if (az_struct_read(c, body, "body", &az_schema_swarm_ServiceSpec, &sp) < 0 ||
	    az_struct_read(c, sp.val[AZ_SWARM_SERVICESPEC_TASKTEMPLATE], "TaskTemplate",
			   &az_schema_swarm_TaskSpec, &tt) < 0)
		return;
	check_container_spec(c, tt.val[AZ_SWARM_TASKSPEC_CONTAINERSPEC]);
	check_limits(c, tt.val[AZ_SWARM_TASKSPEC_RESOURCES]);
	check_networks(c, tt.val[AZ_SWARM_TASKSPEC_NETWORKS], "TaskTemplate.Networks");
	check_networks(c, sp.val[AZ_SWARM_SERVICESPEC_NETWORKS], "Networks");
	if (az_str(c, tt.val[AZ_SWARM_TASKSPEC_RUNTIME], "TaskTemplate.Runtime", &rt, &rl) < 0)
		return;
	if ((rl == 6 && strncasecmp(rt, "plugin", 6) == 0) || tt.val[AZ_SWARM_TASKSPEC_PLUGINSPEC])
		az_flag(c, DW_RULE_PLUGINS, "TaskTemplate.PluginSpec installs a plugin on swarm nodes");
}
