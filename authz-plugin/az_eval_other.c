/* az_eval_other.c - volume create and swarm services. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "az_eval_priv.h"

static const char *const volume_fields[] = { "Driver", "DriverOpts" };

/* volume.VolumeCreateBody.  Named volumes used later in Binds/Mounts are only
 * names: the bind options that make one a host mount are caught here. */
void az_eval_volume_create(struct az_ctx *c, az_jv body)
{
	struct az_struct v = { .names = volume_fields, .n = 2 };
	const char *drv;
	size_t dlen;
	az_jv opts;

	if (az_struct_read(c, body, "body", &v) < 0 || az_str(c, v.val[0], "Driver", &drv, &dlen) < 0 ||
	    az_obj(c, v.val[1], "DriverOpts", &opts) < 0)
		return;
	if (az_is_local_driver(drv, dlen))
		az_check_local_volume_opts(c, opts, "DriverOpts");
}

static const char *const spec_fields[] = { "TaskTemplate", "Networks" };
static const char *const task_fields[] = { "ContainerSpec", "Resources", "Networks", "Runtime",
					   "PluginSpec" };
static const char *const cspec_fields[] = { "Image", "User", "Env", "Privileges", "Mounts",
					    "Sysctls", "CapabilityAdd" };
static const char *const priv_fields[] = { "SELinuxContext", "Seccomp", "AppArmor" };
static const char *const selinux_fields[] = { "Disable", "Type" };
static const char *const mode_fields[] = { "Mode" };
static const char *const res_fields[] = { "Limits" };
static const char *const lim_fields[] = { "MemoryBytes", "Pids" };
static const char *const net_fields[] = { "Target" };

static void check_networks(struct az_ctx *c, az_jv v, const char *field)
{
	az_jv a, e;
	size_t i;

	if (az_arr(c, v, field, &a) < 0)
		return;
	AZ_JARR_FOREACH(a, i, e) {
		struct az_struct n = { .names = net_fields, .n = 1 };
		const char *t;
		size_t tl;
		char f[96];
		snprintf(f, sizeof(f), "%s[%zu]", field, i);
		if (az_struct_read(c, e, f, &n) < 0 || az_str(c, n.val[0], f, &t, &tl) < 0)
			return;
		if (tl == 4 && strncasecmp(t, "host", 4) == 0)
			az_flag(c, DW_RULE_HOST_NAMESPACES, "%s.Target is host", f);
	}
}

static void check_privileges(struct az_ctx *c, az_jv v)
{
	struct az_struct p = { .names = priv_fields, .n = 3 };
	struct az_struct se = { .names = selinux_fields, .n = 2 };
	struct az_struct m = { .names = mode_fields, .n = 1 };
	const char *base = "TaskTemplate.ContainerSpec.Privileges";
	const char *s;
	size_t len;
	bool dis;
	char f[96];

	if (az_struct_read(c, v, base, &p) < 0)
		return;
	snprintf(f, sizeof(f), "%s.SELinuxContext", base);
	if (az_struct_read(c, p.val[0], f, &se) < 0 || az_bool(c, se.val[0], f, &dis) < 0 ||
	    az_str(c, se.val[1], f, &s, &len) < 0)
		return;
	if (dis)
		az_flag(c, DW_RULE_SECURITY_OPTIONS, "%s.Disable is true", f);
	if (len >= 5 && memmem(s, len, "spc_t", 5))
		az_flag(c, DW_RULE_SECURITY_OPTIONS, "%s.Type is spc_t", f);
	snprintf(f, sizeof(f), "%s.Seccomp", base);
	if (az_struct_read(c, p.val[1], f, &m) < 0 || az_str(c, m.val[0], f, &s, &len) < 0)
		return;
	if ((len == 10 && memcmp(s, "unconfined", 10) == 0) ||
	    (len == 6 && memcmp(s, "custom", 6) == 0 && !c->prof->allow_custom_seccomp))
		az_flag(c, DW_RULE_SECURITY_OPTIONS, "%s.Mode is %s", f, len == 6 ? "custom" : "unconfined");
	snprintf(f, sizeof(f), "%s.AppArmor", base);
	if (az_struct_read(c, p.val[2], f, &m) < 0 || az_str(c, m.val[0], f, &s, &len) < 0)
		return;
	if (len == 8 && memcmp(s, "disabled", 8) == 0)
		az_flag(c, DW_RULE_SECURITY_OPTIONS, "%s.Mode is disabled", f);
}

static void check_container_spec(struct az_ctx *c, az_jv v)
{
	struct az_struct cs = { .names = cspec_fields, .n = 7 };
	const char *base = "TaskTemplate.ContainerSpec";
	const char *img;
	size_t ilen;
	az_jv a;

	if (az_struct_read(c, v, base, &cs) < 0)
		return;
	if (az_str(c, cs.val[0], "TaskTemplate.ContainerSpec.Image", &img, &ilen) < 0)
		return;
	if (ilen > 0)
		az_check_image(c, img, ilen, "TaskTemplate.ContainerSpec.Image");
	az_check_user(c, cs.val[1], "TaskTemplate.ContainerSpec.User", true);
	if (az_arr(c, cs.val[2], "TaskTemplate.ContainerSpec.Env", &a) < 0)
		return;
	az_check_env(c, a, "TaskTemplate.ContainerSpec.Env");
	check_privileges(c, cs.val[3]);
	if (az_arr(c, cs.val[4], "TaskTemplate.ContainerSpec.Mounts", &a) < 0)
		return;
	if (a)
		az_check_mounts(c, a, "TaskTemplate.ContainerSpec.Mounts");
	if (az_obj(c, cs.val[5], "TaskTemplate.ContainerSpec.Sysctls", &a) < 0)
		return;
	az_check_sysctls(c, a, "TaskTemplate.ContainerSpec.Sysctls");
	if (az_arr(c, cs.val[6], "TaskTemplate.ContainerSpec.CapabilityAdd", &a) < 0)
		return;
	az_check_caps(c, a, "TaskTemplate.ContainerSpec.CapabilityAdd", false);
}

static void check_limits(struct az_ctx *c, az_jv v)
{
	struct az_struct r = { .names = res_fields, .n = 1 };
	struct az_struct l = { .names = lim_fields, .n = 2 };
	int64_t mem, pids;
	bool pids_set;

	if (az_struct_read(c, v, "TaskTemplate.Resources", &r) < 0 ||
	    az_struct_read(c, r.val[0], "TaskTemplate.Resources.Limits", &l) < 0 ||
	    az_int(c, l.val[0], "TaskTemplate.Resources.Limits.MemoryBytes", &mem, NULL) < 0 ||
	    az_int(c, l.val[1], "TaskTemplate.Resources.Limits.Pids", &pids, &pids_set) < 0)
		return;
	az_check_limits_required(c, mem, "TaskTemplate.Resources.Limits.MemoryBytes", pids_set, pids,
				 "TaskTemplate.Resources.Limits.Pids");
}

/* swarm.ServiceSpec of services/create and services/{id}/update (an update
 * carries the whole new spec). */
void az_eval_service(struct az_ctx *c, az_jv body)
{
	struct az_struct sp = { .names = spec_fields, .n = 2 };
	struct az_struct tt = { .names = task_fields, .n = 5 };
	const char *rt;
	size_t rl;

	if (az_struct_read(c, body, "body", &sp) < 0 ||
	    az_struct_read(c, sp.val[0], "TaskTemplate", &tt) < 0)
		return;
	check_container_spec(c, tt.val[0]);
	check_limits(c, tt.val[1]);
	check_networks(c, tt.val[2], "TaskTemplate.Networks");
	check_networks(c, sp.val[1], "Networks");
	if (az_str(c, tt.val[3], "TaskTemplate.Runtime", &rt, &rl) < 0)
		return;
	if ((rl == 6 && strncasecmp(rt, "plugin", 6) == 0) || tt.val[4])
		az_flag(c, DW_RULE_PLUGINS, "TaskTemplate.PluginSpec installs a plugin on swarm nodes");
}
