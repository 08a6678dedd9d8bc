/* az_rules_caps.c - capabilities, security options, masked paths, sysctls. */
#include <stdio.h>
#include <stdlib.h>
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

/* A release of dockerd, for "since when does it mask this". */
struct release {
	unsigned major, minor, patch;
};

/* dockerd's default MaskedPaths and ReadonlyPaths, each with the first
 * release of every branch that has it (none: all supported releases).
 * Source: moby oci/defaults.go DefaultLinuxSpec at v20.10.24, v23.0.8,
 * v24.0.7, v25.0.0, v28.0.2, v28.5.2, and daemon/pkg/oci/defaults.go at
 * docker-v29.7.2.  powercap: GHSA-jq35-85cj-fj4p; /proc/interrupts and each
 * CPU's thermal_throttle (THROTTLE, the paths this host has): GHSA-6fw5-f8r9-fgfm. */
static const struct default_path {
	const char *path;
	bool readonly, throttle;
	struct release since[3];
} default_paths[] = {
	{ .path = "/proc/asound" },
	{ .path = "/proc/acpi" },
	{ .path = "/proc/kcore" },
	{ .path = "/proc/keys" },
	{ .path = "/proc/latency_stats" },
	{ .path = "/proc/timer_list" },
	{ .path = "/proc/timer_stats" },
	{ .path = "/proc/sched_debug" },
	{ .path = "/proc/scsi" },
	{ .path = "/sys/firmware" },
	{ .path = "/sys/devices/virtual/powercap",
	  .since = { { 23, 0, 8 }, { 24, 0, 7 }, { 25, 0, 0 } } },
	{ .path = "/proc/interrupts", .since = { { 28, 0, 2 } } },
	{ .path = "/sys/devices/system/cpu/cpuN/thermal_throttle", .throttle = true,
	  .since = { { 28, 0, 2 } } },
	{ .path = "/proc/bus", .readonly = true },
	{ .path = "/proc/fs", .readonly = true },
	{ .path = "/proc/irq", .readonly = true },
	{ .path = "/proc/sys", .readonly = true },
	{ .path = "/proc/sysrq-trigger", .readonly = true },
};

static int release_cmp(const struct release *a, const struct release *b)
{
	if (a->major != b->major)
		return a->major < b->major ? -1 : 1;
	if (a->minor != b->minor)
		return a->minor < b->minor ? -1 : 1;
	return a->patch < b->patch ? -1 : a->patch > b->patch;
}

/* "26.1.5", "20.10.24+dfsg1": 0, else -1 (not a release we can place). */
static int release_parse(const char *s, struct release *r)
{
	char *end;

	r->major = (unsigned)strtoul(s, &end, 10);
	if (end == s || *end != '.')
		return -1;
	r->minor = (unsigned)strtoul(s = end + 1, &end, 10);
	if (end == s || *end != '.')
		return -1;
	r->patch = (unsigned)strtoul(s = end + 1, &end, 10);
	return end == s ? -1 : 0;
}

/* Does dockerd REL (NULL: not known, so the newest) mask D by default? */
static bool masks(const struct default_path *d, const struct release *rel)
{
	size_t n = 0;

	while (n < 3 && d->since[n].major)
		n++;
	if (n == 0 || !rel)
		return true;
	for (size_t k = 0; k < n; k++)
		if (d->since[k].major == rel->major && d->since[k].minor == rel->minor)
			return rel->patch >= d->since[k].patch;
	return release_cmp(rel, &d->since[n - 1]) >= 0;
}

static bool listed(struct az_ctx *c, az_jv list, const char *field, const char *want, bool *bad)
{
	size_t i;
	az_jv e;

	AZ_JARR_FOREACH(list, i, e) {
		const char *s;
		size_t len;
		if (az_arr_str(c, e, i, field, &s, &len) < 0) {
			*bad = true;
			return false;
		}
		if (len == strlen(want) && memcmp(s, want, len) == 0)
			return true;
	}
	return false;
}

/* A non-null MaskedPaths/ReadonlyPaths replaces dockerd's defaults: every
 * default of the dockerd in front must still be listed, else the list
 * unmasks what it masks (not known which dockerd: the newest's).  A stored
 * configuration is held to the defaults every supported dockerd had: dockerd
 * keeps the list it wrote at create, so a container made before an upgrade
 * lacks the newer paths, and `docker exec` into it must not fail on that. */
void az_check_masked(struct az_ctx *c, az_jv list, const char *field, bool readonly)
{
	struct release rel, *relp = NULL;
	bool bad = false;

	if (!list)
		return;
	if (c->daemon && c->daemon->known && release_parse(c->daemon->version, &rel) == 0)
		relp = &rel;
	for (size_t w = 0; w < sizeof(default_paths) / sizeof(default_paths[0]); w++) {
		const struct default_path *d = &default_paths[w];

		if (d->readonly != readonly || (c->in_inspect && d->since[0].major) || !masks(d, relp))
			continue;
		for (size_t h = 0; d->throttle && h < c->n_host_masked; h++) {
			if (!listed(c, list, field, c->host_masked[h], &bad)) {
				if (!bad)
					az_flag(c, DW_RULE_SECURITY_OPTIONS, "%s omits %s (unmasks it)", field,
						c->host_masked[h]);
				return;
			}
		}
		if (!d->throttle && !listed(c, list, field, d->path, &bad)) {
			if (!bad)
				az_flag(c, DW_RULE_SECURITY_OPTIONS, "%s omits %s (unmasks it)", field,
					d->path);
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
