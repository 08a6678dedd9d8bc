/* az_rules_caps.c - capabilities, security options, masked paths, sysctls. */
#include <stdio.h>
#include <string.h>

#include "az_rules.h"
#include "dw_match.h"

void az_check_caps(struct az_ctx *c, az_jv list, const char *field)
{
	size_t i;
	az_jv e;

	AZ_JARR_FOREACH(list, i, e) {
		const char *s;
		size_t len;
		char norm[64], safe[64];
		if (az_arr_str(c, e, i, field, &s, &len) < 0)
			return;
		az_sanitize(s, len, safe, sizeof(safe));
		/* dockerd upper-cases with Unicode rules ("ſys_admin" is SYS_ADMIN);
		 * anything outside [A-Za-z0-9_] is refused rather than guessed */
		if (dw_cap_normalize(s, len, norm, sizeof(norm)) < 0) {
			az_flag(c, DW_RULE_CAPABILITIES, "%s[%zu] %s is not a capability name",
				field, i, safe);
			continue;
		}
		if (strcmp(norm, "ALL") == 0) {
			az_flag(c, DW_RULE_CAPABILITIES, "%s[%zu] ALL adds every capability", field, i);
			continue;
		}
		if (dw_strv_contains(&c->prof->allowed_capabilities, norm))
			continue;
		az_flag(c, DW_RULE_CAPABILITIES, "%s[%zu] %s is not allowed", field, i, norm);
	}
}

/* daemon.parseSecurityOpt: "disable" alone is label=disable; "k=v" or the
 * deprecated "k:v" (split on the first separator). */
static void check_one_secopt(struct az_ctx *c, const char *s, size_t len, const char *field, size_t i,
			     bool label_derived)
{
	const char *eq = memchr(s, '=', len);
	const char *sep = eq ? eq : memchr(s, ':', len);
	char key[32], val[256];
	size_t kl, vl;

	if (len == 7 && memcmp(s, "disable", 7) == 0) {
		if (label_derived)
			return;
		az_flag(c, DW_RULE_SECURITY_OPTIONS, "%s[%zu] disables SELinux labels", field, i);
		return;
	}
	if (!sep)
		return; /* no-new-privileges, or invalid (dockerd refuses) */
	kl = (size_t)(sep - s);
	vl = len - kl - 1;
	az_sanitize(s, kl, key, sizeof(key));
	az_sanitize(sep + 1, vl, val, sizeof(val));
	if (strcmp(key, "seccomp") == 0) {
		if (vl == 10 && memcmp(sep + 1, "unconfined", 10) == 0)
			az_flag(c, DW_RULE_SECURITY_OPTIONS, "%s[%zu] seccomp is unconfined", field, i);
		else if (!(vl == 7 && memcmp(sep + 1, "builtin", 7) == 0) && vl > 0 &&
			 !c->prof->allow_custom_seccomp)
			az_flag(c, DW_RULE_SECURITY_OPTIONS,
				"%s[%zu] sets a custom seccomp profile", field, i);
	} else if (strcmp(key, "apparmor") == 0) {
		if (vl == 10 && memcmp(sep + 1, "unconfined", 10) == 0)
			az_flag(c, DW_RULE_SECURITY_OPTIONS, "%s[%zu] apparmor is unconfined", field, i);
	} else if (strcmp(key, "label") == 0) {
		if (vl == 7 && memcmp(sep + 1, "disable", 7) == 0 && label_derived)
			return;
		if ((vl == 7 && memcmp(sep + 1, "disable", 7) == 0) || strstr(val, "spc_t"))
			az_flag(c, DW_RULE_SECURITY_OPTIONS, "%s[%zu] label %s disables SELinux confinement",
				field, i, val);
	} else if (strcmp(key, "systempaths") == 0) {
		if (vl == 10 && memcmp(sep + 1, "unconfined", 10) == 0)
			az_flag(c, DW_RULE_SECURITY_OPTIONS, "%s[%zu] systempaths is unconfined", field, i);
	}
}

void az_check_security_opts(struct az_ctx *c, az_jv list, const char *field, bool label_derived)
{
	size_t i;
	az_jv e;

	AZ_JARR_FOREACH(list, i, e) {
		const char *s;
		size_t len;
		if (az_arr_str(c, e, i, field, &s, &len) < 0)
			return;
		check_one_secopt(c, s, len, field, i, label_derived);
	}
}

/* A non-null MaskedPaths/ReadonlyPaths replaces Docker's defaults: every
 * default must still be listed, else the list unmasks host information. */
void az_check_masked(struct az_ctx *c, az_jv list, const char *field, bool readonly)
{
	static const char *const masked[] = {
		"/proc/asound", "/proc/acpi", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
		"/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi",
		"/sys/firmware",
	};
	static const char *const ro[] = {
		"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger",
	};
	const char *const *want = readonly ? ro : masked;
	size_t nwant = readonly ? sizeof(ro) / sizeof(ro[0]) : sizeof(masked) / sizeof(masked[0]);
	size_t w, i;
	az_jv e;

	if (!list)
		return;
	for (w = 0; w < nwant; w++) {
		bool found = false;
		AZ_JARR_FOREACH(list, i, e) {
			const char *s;
			size_t len;
			if (az_arr_str(c, e, i, field, &s, &len) < 0)
				return;
			if (len == strlen(want[w]) && memcmp(s, want[w], len) == 0)
				found = true;
		}
		if (!found) {
			az_flag(c, DW_RULE_SECURITY_OPTIONS, "%s omits %s (unmasks it)", field, want[w]);
			return;
		}
	}
}

/* NAME (LEN bytes, not terminated) is allowed exactly or by a "prefix*" entry. */
static bool sysctl_allowed(const struct dw_strv *allow, const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < allow->n; i++) {
		const char *a = allow->v[i];
		size_t al = strlen(a);
		if (al > 0 && a[al - 1] == '*') {
			if (len >= al - 1 && memcmp(name, a, al - 1) == 0)
				return true;
		} else if (len == al && memcmp(name, a, al) == 0) {
			return true;
		}
	}
	return false;
}

void az_check_sysctls(struct az_ctx *c, az_jv map, const char *field)
{
	size_t i;
	az_jv k;

	AZ_JOBJ_FOREACH(map, i, k) {
		char safe[128];
		if (!az_jis(az_jval(k), AZ_JSTR)) {
			az_reject(c, "undecodable: %s values must be strings", field);
			return;
		}
		if (sysctl_allowed(&c->prof->allowed_sysctls, k->u.s, k->n))
			continue;
		az_sanitize(k->u.s, k->n, safe, sizeof(safe));
		az_flag(c, DW_RULE_SYSCTLS, "%s %s is not allowed", field, safe);
	}
}

/* API 1.46: EndpointsConfig.*.DriverOpts["com.docker.network.endpoint.sysctls"]
 * is "name=value,name=value" with IFNAME standing for the interface. */
void az_check_endpoint_sysctls(struct az_ctx *c, const char *list, size_t len, const char *field)
{
	size_t start = 0, i;

	for (i = 0; i <= len; i++) {
		const char *item = list + start, *eq;
		size_t n;
		char safe[128];

		if (i < len && list[i] != ',')
			continue;
		n = i - start;
		start = i + 1;
		if (n == 0)
			continue;
		eq = memchr(item, '=', n);
		if (eq)
			n = (size_t)(eq - item);
		if (sysctl_allowed(&c->prof->allowed_sysctls, item, n))
			continue;
		az_sanitize(item, n, safe, sizeof(safe));
		az_flag(c, DW_RULE_SYSCTLS, "%s %s is not allowed", field, safe);
	}
}
