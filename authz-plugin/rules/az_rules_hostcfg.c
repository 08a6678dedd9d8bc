/* az_rules_hostcfg.c - rules over one decoded container.HostConfig. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "az_rules.h"
#include "az_state.h"

/* Field names for messages: "HostConfig.X" inside the HostConfig object, "X"
 * at the top level of a create body (compile-time strings: no formatting on
 * the request path unless something is reported). */
/* NOLINTNEXTLINE(bugprone-macro-parentheses): string-literal concatenation needs the bare argument */
#define FLD(name) (inner ? "HostConfig." name : name)

/* moby's *Mode.IsHost(): "host" (PidMode also "host:…"); compared without
 * case to stay on the safe side of any future spelling. */
bool az_mode_is_host(const char *s, size_t len)
{
	return (len == 4 && strncasecmp(s, "host", 4) == 0) ||
	       (len > 4 && strncasecmp(s, "host:", 5) == 0);
}

static void check_namespaces(struct az_ctx *c, const struct az_struct *hc, bool inner)
{
	/* JOINS: a mode dockerd lets name another container ("container:ID") */
	static const struct {
		const char *name, *inner;
		int idx;
		bool joins;
	} ns[] = {
		{ "NetworkMode", "HostConfig.NetworkMode", AZ_CONTAINER_HOSTCONFIG_NETWORKMODE, true },
		{ "PidMode", "HostConfig.PidMode", AZ_CONTAINER_HOSTCONFIG_PIDMODE, true },
		{ "IpcMode", "HostConfig.IpcMode", AZ_CONTAINER_HOSTCONFIG_IPCMODE, true },
		{ "UTSMode", "HostConfig.UTSMode", AZ_CONTAINER_HOSTCONFIG_UTSMODE, false },
		{ "UsernsMode", "HostConfig.UsernsMode", AZ_CONTAINER_HOSTCONFIG_USERNSMODE, false },
		{ "CgroupnsMode", "HostConfig.CgroupnsMode", AZ_CONTAINER_HOSTCONFIG_CGROUPNSMODE, false },
	};
	size_t i, len;
	const char *s;
	const char *field;

	for (i = 0; i < sizeof(ns) / sizeof(ns[0]); i++) {
		field = inner ? ns[i].inner : ns[i].name;
		if (az_str(c, hc->val[ns[i].idx], field, &s, &len) < 0)
			return;
		/* dockerd itself stores its default CgroupnsMode ("host" where
		 * cgroup v1 is mounted): in a stored configuration that value was
		 * not asked for; unknown default: not judged */
		if (c->in_inspect && ns[i].idx == AZ_CONTAINER_HOSTCONFIG_CGROUPNSMODE &&
		    (!c->cgroupns_default ||
		     (strlen(c->cgroupns_default) == len && memcmp(c->cgroupns_default, s, len) == 0)))
			continue;
		if (az_mode_is_host(s, len))
			az_flag(c, DW_RULE_HOST_NAMESPACES, "%s is host", field);
		else if (ns[i].joins)
			az_check_container_mode(c, ns[i].name, s, len, field);
	}
}

static void check_devices(struct az_ctx *c, const struct az_struct *hc, bool inner)
{
	az_jv a;
	const char *field;

	field = FLD("Devices");
	if (az_arr(c, AZ_HCV(hc, DEVICES), field, &a) < 0)
		return;
	if (az_jlen(a) > 0) {
		/* PathOnHost is read with Go's folding like any struct field */
		struct az_struct d;
		const char *p = "";
		size_t len = 0;
		char safe[128];
		if (az_struct_read(c, az_jfirst(a), field, &az_schema_container_DeviceMapping, &d) < 0 ||
		    az_str(c, d.val[AZ_CONTAINER_DEVICEMAPPING_PATHONHOST], field, &p, &len) < 0)
			return;
		az_sanitize(p, len, safe, sizeof(safe));
		az_flag(c, DW_RULE_DEVICES, "%s[0] maps host device %s", field, safe);
	}
	field = FLD("DeviceCgroupRules");
	if (az_arr(c, AZ_HCV(hc, DEVICECGROUPRULES), field, &a) < 0)
		return;
	if (az_jlen(a) > 0)
		az_flag(c, DW_RULE_DEVICES, "%s is not empty", field);
	field = FLD("DeviceRequests");
	if (az_arr(c, AZ_HCV(hc, DEVICEREQUESTS), field, &a) < 0)
		return;
	if (az_jlen(a) > 0)
		az_flag(c, DW_RULE_DEVICES, "%s is not empty", field);
}

static void check_mounts_of(struct az_ctx *c, const struct az_struct *hc, bool inner)
{
	az_jv a, e;
	const char *field;
	size_t i;

	field = FLD("Binds");
	if (az_arr(c, AZ_HCV(hc, BINDS), field, &a) < 0)
		return;
	AZ_JARR_FOREACH(a, i, e) {
		const char *s;
		size_t len;
		char f[96];
		if (az_arr_str(c, e, i, field, &s, &len) < 0)
			return;
		snprintf(f, sizeof(f), "%s[%zu]", field, i);
		az_check_bind_string(c, s, len, f);
	}
	field = FLD("Mounts");
	if (az_arr(c, AZ_HCV(hc, MOUNTS), field, &a) < 0)
		return;
	if (a)
		az_check_mounts(c, a, field);
	field = FLD("VolumesFrom");
	if (az_arr(c, AZ_HCV(hc, VOLUMESFROM), field, &a) < 0)
		return;
	if (a)
		az_check_volumes_from(c, a, field);
}

static void check_resources(struct az_ctx *c, const struct az_struct *hc, bool inner)
{
	bool b;
	const char *s;
	size_t len;
	const char *field;

	field = FLD("OomKillDisable");
	if (az_bool(c, AZ_HCV(hc, OOMKILLDISABLE), field, &b) < 0)
		return;
	if (b)
		az_flag(c, DW_RULE_RESOURCE_LIMITS, "%s is true", field);
	field = FLD("CgroupParent");
	if (az_str(c, AZ_HCV(hc, CGROUPPARENT), field, &s, &len) < 0)
		return;
	if (len > 0)
		az_flag(c, DW_RULE_RESOURCE_LIMITS, "%s is set", field);
}

/* In a stored configuration, does dockerd's own label=disable come with
 * PRIVILEGED, a host PidMode or a host IpcMode (each reported by its rule)? */
static bool label_is_derived(struct az_ctx *c, const struct az_struct *hc, bool privileged)
{
	static const int modes[] = { AZ_CONTAINER_HOSTCONFIG_PIDMODE, AZ_CONTAINER_HOSTCONFIG_IPCMODE };
	size_t i;

	if (privileged)
		return true;
	for (i = 0; i < 2; i++) {
		az_jv m = hc->val[modes[i]];
		if (az_jis(m, AZ_JSTR) && az_mode_is_host(m->u.s, m->n))
			return true;
	}
	(void)c;
	return false;
}

void az_check_hostcfg(struct az_ctx *c, const struct az_struct *hc, bool inner)
{
	bool b;
	az_jv v;
	const char *field;

	field = FLD("Privileged");
	if (az_bool(c, AZ_HCV(hc, PRIVILEGED), field, &b) < 0)
		return;
	if (b)
		az_flag(c, DW_RULE_PRIVILEGED, "%s is true", field);
	check_namespaces(c, hc, inner);
	field = FLD("CapAdd");
	if (az_arr(c, AZ_HCV(hc, CAPADD), field, &v) < 0)
		return;
	az_check_caps(c, v, field);
	/* HostConfig.Capabilities (API 1.40 only) is read by no supported dockerd
	 * (29.3 on refuses it): the schema walk denies it as unknown */
	check_mounts_of(c, hc, inner);
	check_devices(c, hc, inner);
	field = FLD("SecurityOpt");
	if (az_arr(c, AZ_HCV(hc, SECURITYOPT), field, &v) < 0)
		return;
	az_check_security_opts(c, v, field, c->in_inspect && label_is_derived(c, hc, b));
	field = FLD("MaskedPaths");
	if (az_arr(c, AZ_HCV(hc, MASKEDPATHS), field, &v) < 0)
		return;
	az_check_masked(c, v, field, false);
	field = FLD("ReadonlyPaths");
	if (az_arr(c, AZ_HCV(hc, READONLYPATHS), field, &v) < 0)
		return;
	az_check_masked(c, v, field, true);
	check_resources(c, hc, inner);
	/* API 1.43: handed to the OCI runtime, which acts on some annotations
	 * (runtime-specific hooks and options the plugin cannot weigh) */
	field = FLD("Annotations");
	if (az_obj(c, AZ_HCV(hc, ANNOTATIONS), field, &v) < 0)
		return;
	if (az_jlen(v) > 0)
		az_flag(c, DW_RULE_SECURITY_OPTIONS, "%s is set (passed to the OCI runtime)", field);
	field = FLD("Sysctls");
	if (az_obj(c, AZ_HCV(hc, SYSCTLS), field, &v) < 0)
		return;
	az_check_sysctls(c, v, field);
}

void az_check_limits_required(struct az_ctx *c, int64_t memory, const char *mem_field,
			      bool pids_set, int64_t pids, const char *pids_field)
{
	if (memory <= 0)
		az_flag(c, DW_RULE_RESOURCE_LIMITS, "%s is not set (a memory limit is required)",
			mem_field);
	if (!pids_set || pids <= 0)
		az_flag(c, DW_RULE_RESOURCE_LIMITS, "%s is not set (a pids limit is required)",
			pids_field);
}

#define ENDPOINT_SYSCTLS "com.docker.network.endpoint.sysctls"

int az_check_endpoint(struct az_ctx *c, az_jv epv, const char *field)
{
	struct az_struct ep;
	az_jv opts, v;
	char f[224];

	if (az_struct_read(c, epv, field, &az_schema_network_EndpointSettings, &ep) < 0)
		return -1;
	snprintf(f, sizeof(f), "%s.DriverOpts", field);
	if (az_obj(c, ep.val[AZ_NETWORK_ENDPOINTSETTINGS_DRIVEROPTS], f, &opts) < 0)
		return -1;
	v = az_jget(opts, ENDPOINT_SYSCTLS);
	if (!v)
		return 0;
	if (!az_jis(v, AZ_JSTR)) {
		az_reject(c, "undecodable: %s values must be strings", f);
		return -1;
	}
	snprintf(f, sizeof(f), "%s.DriverOpts[" ENDPOINT_SYSCTLS "]", field);
	az_check_endpoint_sysctls(c, v->u.s, v->n, f);
	return 0;
}

void az_check_networking(struct az_ctx *c, az_jv nc)
{
	struct az_struct n;
	az_jv eps, k;
	size_t i;

	if (az_struct_read(c, nc, "NetworkingConfig", &az_schema_network_NetworkingConfig, &n) < 0 ||
	    az_obj(c, n.val[AZ_NETWORK_NETWORKINGCONFIG_ENDPOINTSCONFIG],
		   "NetworkingConfig.EndpointsConfig", &eps) < 0)
		return;
	AZ_JOBJ_FOREACH(eps, i, k) {
		char f[192], net[64];

		az_sanitize(k->u.s, k->n, net, sizeof(net));
		snprintf(f, sizeof(f), "NetworkingConfig.EndpointsConfig[%s]", net);
		if (az_check_endpoint(c, az_jval(k), f) < 0)
			return;
	}
}
