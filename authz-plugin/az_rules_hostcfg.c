/* az_rules_hostcfg.c - rules over one decoded container.HostConfig. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "az_rules.h"

/* Field names for messages: "HostConfig.X" inside the HostConfig object, "X"
 * at the top level of a create body (compile-time strings: no formatting on
 * the request path unless something is reported). */
/* NOLINTNEXTLINE(bugprone-macro-parentheses): string-literal concatenation needs the bare argument */
#define FLD(name) (inner ? "HostConfig." name : name)

const char *const az_hostcfg_fields[] = {
	"Binds", "NetworkMode", "CapAdd", "Capabilities", "CgroupnsMode", "IpcMode",
	"PidMode", "Privileged", "SecurityOpt", "UTSMode", "UsernsMode", "Sysctls",
	"Memory", "CgroupParent", "Devices", "DeviceCgroupRules", "DeviceRequests",
	"OomKillDisable", "PidsLimit", "Mounts", "MaskedPaths", "ReadonlyPaths",
};
const size_t az_hostcfg_nfields = sizeof(az_hostcfg_fields) / sizeof(az_hostcfg_fields[0]);
_Static_assert(sizeof(az_hostcfg_fields) / sizeof(az_hostcfg_fields[0]) == AZ_HC_COUNT,
	       "az_hostcfg_fields and enum az_hc_field must list the same fields");

/* moby's *Mode.IsHost(): "host" (PidMode also "host:…"); compared without
 * case to stay on the safe side of any future spelling. */
bool az_mode_is_host(const char *s, size_t len)
{
	return (len == 4 && strncasecmp(s, "host", 4) == 0) ||
	       (len > 4 && strncasecmp(s, "host:", 5) == 0);
}

static void check_namespaces(struct az_ctx *c, const struct az_struct *hc, bool inner)
{
	static const char *const modes[] = {
		"NetworkMode", "PidMode", "IpcMode", "UTSMode", "UsernsMode", "CgroupnsMode",
	};
	static const enum az_hc_field idx[] = {
		AZ_HC_NETWORKMODE, AZ_HC_PIDMODE, AZ_HC_IPCMODE, AZ_HC_UTSMODE, AZ_HC_USERNSMODE,
		AZ_HC_CGROUPNSMODE,
	};
	static const char *const modes_inner[] = {
		"HostConfig.NetworkMode", "HostConfig.PidMode", "HostConfig.IpcMode",
		"HostConfig.UTSMode", "HostConfig.UsernsMode", "HostConfig.CgroupnsMode",
	};
	size_t i, len;
	const char *s;
	const char *field;

	for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		field = inner ? modes_inner[i] : modes[i];
		if (az_str(c, hc->val[idx[i]], field, &s, &len) < 0)
			return;
		if (az_mode_is_host(s, len))
			az_flag(c, DW_RULE_HOST_NAMESPACES, "%s is host", field);
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
		static const char *const dn[] = { "PathOnHost" };
		struct az_struct d = { .names = dn, .n = 1 };
		const char *p = "";
		size_t len = 0;
		char safe[128];
		if (az_struct_read(c, az_jfirst(a), field, &d) < 0 ||
		    az_str(c, d.val[0], field, &p, &len) < 0)
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
	az_check_caps(c, v, field, false);
	field = FLD("Capabilities");
	if (az_arr(c, AZ_HCV(hc, CAPABILITIES), field, &v) < 0)
		return;
	az_check_caps(c, v, field, true);
	check_mounts_of(c, hc, inner);
	check_devices(c, hc, inner);
	field = FLD("SecurityOpt");
	if (az_arr(c, AZ_HCV(hc, SECURITYOPT), field, &v) < 0)
		return;
	az_check_security_opts(c, v, field);
	field = FLD("MaskedPaths");
	if (az_arr(c, AZ_HCV(hc, MASKEDPATHS), field, &v) < 0)
		return;
	az_check_masked(c, v, field, false);
	field = FLD("ReadonlyPaths");
	if (az_arr(c, AZ_HCV(hc, READONLYPATHS), field, &v) < 0)
		return;
	az_check_masked(c, v, field, true);
	check_resources(c, hc, inner);
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
