/* az_rules_hostcfg.c - rules over one decoded container.HostConfig. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "az_rules.h"

const char *const az_hostcfg_fields[] = {
	"Binds", "NetworkMode", "CapAdd", "Capabilities", "CgroupnsMode", "IpcMode",
	"PidMode", "Privileged", "SecurityOpt", "UTSMode", "UsernsMode", "Sysctls",
	"Memory", "CgroupParent", "Devices", "DeviceCgroupRules", "DeviceRequests",
	"OomKillDisable", "PidsLimit", "Mounts", "MaskedPaths", "ReadonlyPaths",
};
const size_t az_hostcfg_nfields = sizeof(az_hostcfg_fields) / sizeof(az_hostcfg_fields[0]);

/* moby's *Mode.IsHost(): "host" (PidMode also "host:…"); compared without
 * case to stay on the safe side of any future spelling. */
static void check_namespaces(struct az_ctx *c, const struct az_struct *hc, const char *prefix)
{
	static const char *const modes[] = {
		"NetworkMode", "PidMode", "IpcMode", "UTSMode", "UsernsMode", "CgroupnsMode",
	};
	size_t i, len;
	const char *s;
	char field[64];

	for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		snprintf(field, sizeof(field), "%s%s", prefix, modes[i]);
		if (az_str(c, az_struct_get(hc, modes[i]), field, &s, &len) < 0)
			return;
		if ((len == 4 && strncasecmp(s, "host", 4) == 0) ||
		    (len > 4 && strncasecmp(s, "host:", 5) == 0))
			az_flag(c, DW_RULE_HOST_NAMESPACES, "%s is host", field);
	}
}

static void check_devices(struct az_ctx *c, const struct az_struct *hc, const char *prefix)
{
	json_t *a;
	char field[64];

	snprintf(field, sizeof(field), "%sDevices", prefix);
	if (az_arr(c, az_struct_get(hc, "Devices"), field, &a) < 0)
		return;
	if (a && json_array_size(a) > 0) {
		/* PathOnHost is read with Go's folding like any struct field */
		static const char *const dn[] = { "PathOnHost" };
		struct az_struct d = { .names = dn, .n = 1 };
		const char *p = "";
		size_t len = 0;
		char safe[128];
		if (az_struct_read(c, json_array_get(a, 0), field, &d) < 0 ||
		    az_str(c, d.val[0], field, &p, &len) < 0)
			return;
		az_sanitize(p, len, safe, sizeof(safe));
		az_flag(c, DW_RULE_DEVICES, "%s[0] maps host device %s", field, safe);
	}
	snprintf(field, sizeof(field), "%sDeviceCgroupRules", prefix);
	if (az_arr(c, az_struct_get(hc, "DeviceCgroupRules"), field, &a) < 0)
		return;
	if (a && json_array_size(a) > 0)
		az_flag(c, DW_RULE_DEVICES, "%s is not empty", field);
	snprintf(field, sizeof(field), "%sDeviceRequests", prefix);
	if (az_arr(c, az_struct_get(hc, "DeviceRequests"), field, &a) < 0)
		return;
	if (a && json_array_size(a) > 0)
		az_flag(c, DW_RULE_DEVICES, "%s is not empty", field);
}

static void check_mounts_of(struct az_ctx *c, const struct az_struct *hc, const char *prefix)
{
	json_t *a;
	char field[64];
	size_t i;

	snprintf(field, sizeof(field), "%sBinds", prefix);
	if (az_arr(c, az_struct_get(hc, "Binds"), field, &a) < 0)
		return;
	for (i = 0; a && i < json_array_size(a); i++) {
		const char *s;
		size_t len;
		char f[96];
		if (az_arr_str(c, a, i, field, &s, &len) < 0)
			return;
		snprintf(f, sizeof(f), "%s[%zu]", field, i);
		az_check_bind_string(c, s, len, f);
	}
	snprintf(field, sizeof(field), "%sMounts", prefix);
	if (az_arr(c, az_struct_get(hc, "Mounts"), field, &a) < 0)
		return;
	if (a)
		az_check_mounts(c, a, field);
}

static void check_resources(struct az_ctx *c, const struct az_struct *hc, const char *prefix)
{
	bool b;
	const char *s;
	size_t len;
	char field[64];

	snprintf(field, sizeof(field), "%sOomKillDisable", prefix);
	if (az_bool(c, az_struct_get(hc, "OomKillDisable"), field, &b) < 0)
		return;
	if (b)
		az_flag(c, DW_RULE_RESOURCE_LIMITS, "%s is true", field);
	snprintf(field, sizeof(field), "%sCgroupParent", prefix);
	if (az_str(c, az_struct_get(hc, "CgroupParent"), field, &s, &len) < 0)
		return;
	if (len > 0)
		az_flag(c, DW_RULE_RESOURCE_LIMITS, "%s is set", field);
}

void az_check_hostcfg(struct az_ctx *c, const struct az_struct *hc, const char *prefix)
{
	bool b;
	json_t *v;
	char field[64];

	snprintf(field, sizeof(field), "%sPrivileged", prefix);
	if (az_bool(c, az_struct_get(hc, "Privileged"), field, &b) < 0)
		return;
	if (b)
		az_flag(c, DW_RULE_PRIVILEGED, "%s is true", field);
	check_namespaces(c, hc, prefix);
	snprintf(field, sizeof(field), "%sCapAdd", prefix);
	if (az_arr(c, az_struct_get(hc, "CapAdd"), field, &v) < 0)
		return;
	az_check_caps(c, v, field, false);
	snprintf(field, sizeof(field), "%sCapabilities", prefix);
	if (az_arr(c, az_struct_get(hc, "Capabilities"), field, &v) < 0)
		return;
	az_check_caps(c, v, field, true);
	check_mounts_of(c, hc, prefix);
	check_devices(c, hc, prefix);
	snprintf(field, sizeof(field), "%sSecurityOpt", prefix);
	if (az_arr(c, az_struct_get(hc, "SecurityOpt"), field, &v) < 0)
		return;
	az_check_security_opts(c, v, field);
	snprintf(field, sizeof(field), "%sMaskedPaths", prefix);
	if (az_arr(c, az_struct_get(hc, "MaskedPaths"), field, &v) < 0)
		return;
	az_check_masked(c, v, field, false);
	snprintf(field, sizeof(field), "%sReadonlyPaths", prefix);
	if (az_arr(c, az_struct_get(hc, "ReadonlyPaths"), field, &v) < 0)
		return;
	az_check_masked(c, v, field, true);
	check_resources(c, hc, prefix);
	snprintf(field, sizeof(field), "%sSysctls", prefix);
	if (az_obj(c, az_struct_get(hc, "Sysctls"), field, &v) < 0)
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
