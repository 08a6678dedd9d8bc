/* az_rules_mounts.c - host_mounts: Binds, Mounts, local-driver volume options.
 *
 * A host path is judged twice: as written (normalised: ".", "..", "//",
 * trailing "/") and after resolving symlinks on this host, because the
 * kernel follows symlinks when dockerd bind-mounts.  Equal to, inside, or a
 * parent of a sensitive path is a violation.  (A symlink swapped between this
 * check and dockerd's mount is outside what a plugin can see.) */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "az_rules.h"
#include "az_state.h"
#include "dw_match.h"

static void report(struct az_ctx *c, const char *field, const char *shown, const char *resolved,
		   enum dw_path_rel rel, const char *sensitive)
{
	char via[DW_PATH_MAX + 32] = "";

	if (resolved && strcmp(resolved, shown) != 0)
		snprintf(via, sizeof(via), " (resolves to %s)", resolved);
	if (rel == DW_PATH_PARENT)
		az_flag(c, DW_RULE_HOST_MOUNTS, "%s %s%s is a parent of sensitive host path %s",
			field, shown, via, sensitive);
	else
		az_flag(c, DW_RULE_HOST_MOUNTS, "%s %s%s is a sensitive host path", field, shown, via);
}

void az_check_host_path(struct az_ctx *c, const char *src, size_t len, const char *field)
{
	char norm[DW_PATH_MAX], res[DW_PATH_MAX], safe[256];
	const char *hit;
	enum dw_path_rel rel = DW_PATH_UNRELATED;
	ssize_t r;

	az_sanitize(src, len, safe, sizeof(safe));
	if (len == 0 || src[0] != '/') {
		az_flag(c, DW_RULE_HOST_MOUNTS, "%s %s is not an absolute host path", field, safe);
		return;
	}
	r = dw_path_normalize(src, len, norm, sizeof(norm));
	if (r < 0) {
		az_flag(c, DW_RULE_HOST_MOUNTS, "%s %s cannot be normalised", field, safe);
		return;
	}
	hit = dw_path_find_sensitive(&c->pol->sensitive_paths, norm, &rel);
	if (hit) {
		report(c, field, safe, NULL, rel, hit);
		return;
	}
	r = dw_path_resolve(norm, res, sizeof(res));
	if (r < 0) {
		az_flag(c, DW_RULE_HOST_MOUNTS, "%s %s cannot be resolved on the host (%s)", field,
			safe, strerror((int)-r));
		return;
	}
	hit = dw_path_find_sensitive(&c->pol->sensitive_paths, res, &rel);
	if (hit)
		report(c, field, safe, res, rel, hit);
}

/* linuxValidMountMode over ','-separated modes: each one of rwModes,
 * linuxLabelModes, linuxPropagationModes, the copy mode and
 * linuxConsistencyModes.  Source: moby volume/mounts/linux_parser.go at
 * v20.10.24 and v28.5.2, daemon/volume/mounts/linux_parser.go at
 * docker-v29.7.2 (the same sets). */
static bool valid_mode(const char *s, size_t len)
{
	static const char *const modes[] = {
		"rw", "ro", "z", "Z", "nocopy", "shared", "rshared", "slave", "rslave",
		"private", "rprivate", "consistent", "cached", "delegated",
	};
	size_t start = 0, i, m;

	if (len == 0)
		return false;
	for (i = 0; i <= len; i++) {
		if (i < len && s[i] != ',')
			continue;
		for (m = 0; m < sizeof(modes) / sizeof(modes[0]); m++)
			if (strlen(modes[m]) == i - start && memcmp(modes[m], s + start, i - start) == 0)
				break;
		if (m == sizeof(modes) / sizeof(modes[0]))
			return false;
		start = i + 1;
	}
	return true;
}

void az_check_bind_string(struct az_ctx *c, const char *spec, size_t len, const char *field)
{
	const char *p1 = memchr(spec, ':', len);
	const char *p2 = p1 ? memchr(p1 + 1, ':', len - (size_t)(p1 + 1 - spec)) : NULL;
	size_t srclen;
	char f[128];

	if (!p1)
		return; /* "/dst": an anonymous volume */
	if (!p2 && valid_mode(p1 + 1, len - (size_t)(p1 + 1 - spec)))
		return; /* "/dst:ro": an anonymous volume with a mode */
	srclen = (size_t)(p1 - spec);
	if (srclen == 0)
		return;
	if (spec[0] != '/') {
		/* a named volume: what it is, if it exists, is dockerd's to say */
		if (!c->in_inspect)
			az_check_named_volume(c, spec, srclen, field);
		return;
	}
	snprintf(f, sizeof(f), "%s source", field);
	az_check_host_path(c, spec, srclen, f);
}

bool az_is_local_driver(const char *driver, size_t len)
{
	return len == 0 || (len == 5 && strncasecmp(driver, "local", 5) == 0);
}

/* One option NAME of the comma-separated list O: its value (VLEN), or NULL.
 * With VAL NULL, whether the bare flag NAME is in O. */
static const char *mount_option(const char *o, size_t len, const char *name, size_t *vlen,
				bool *flag)
{
	size_t start = 0, i, nl = strlen(name);

	*flag = false;
	for (i = 0; i <= len; i++) {
		const char *item = o + start;
		size_t n = i - start;

		if (i < len && o[i] != ',')
			continue;
		start = i + 1;
		if (n == nl && memcmp(item, name, nl) == 0)
			*flag = true;
		else if (n > nl && memcmp(item, name, nl) == 0 && item[nl] == '=') {
			*vlen = n - nl - 1;
			return item + nl + 1;
		}
	}
	return NULL;
}

/* overlay's lowerdir (':'-separated), upperdir and workdir are host paths. */
static void check_overlay_dirs(struct az_ctx *c, const char *o, size_t len, const char *field)
{
	static const char *const dirs[] = { "lowerdir", "upperdir", "workdir" };
	size_t d;

	for (d = 0; d < 3; d++) {
		const char *v;
		size_t vlen = 0, s = 0, i;
		bool flag;
		char f[256];

		v = mount_option(o, len, dirs[d], &vlen, &flag);
		if (!v)
			continue;
		for (i = 0; i <= vlen; i++) {
			if (i < vlen && v[i] != ':')
				continue;
			if (i > s) {
				snprintf(f, sizeof(f), "%s o %s", field, dirs[d]);
				az_check_host_path(c, v + s, i - s, f);
			}
			s = i + 1;
		}
	}
}

/* The local driver mounts DEVICE with TYPE and options O (mount(2) through
 * the kernel): with "bind"/"rbind" in O, DEVICE is a host path bound in;
 * an absolute DEVICE of any type is a host path or a host block device;
 * an overlay's directories are host paths whatever DEVICE says. */
void az_check_local_volume_opts(struct az_ctx *c, az_jv opts, const char *field)
{
	az_jv dev, o, k;
	size_t i;
	bool bind = false, rbind = false;
	size_t vlen;
	char f[224];

	if (!opts)
		return;
	AZ_JOBJ_FOREACH(opts, i, k) {
		if (!az_jis(az_jval(k), AZ_JSTR)) {
			az_reject(c, "undecodable: %s values must be strings", field);
			return;
		}
	}
	/* a map: exact keys; the parser refused a key given twice */
	dev = az_jget(opts, "device");
	o = az_jget(opts, "o");
	if (o) {
		(void)mount_option(o->u.s, o->n, "bind", &vlen, &bind);
		(void)mount_option(o->u.s, o->n, "rbind", &vlen, &rbind);
		snprintf(f, sizeof(f), "%s", field);
		check_overlay_dirs(c, o->u.s, o->n, f);
	}
	if (az_jlen(dev) == 0)
		return;
	snprintf(f, sizeof(f), "%s device", field);
	if (dev->u.s[0] == '/') {
		az_check_host_path(c, dev->u.s, dev->n, f);
	} else if (bind || rbind) {
		char safe[128];
		az_sanitize(dev->u.s, dev->n, safe, sizeof(safe));
		az_flag(c, DW_RULE_HOST_MOUNTS, "%s %s is not an absolute host path", f, safe);
	}
}

static void check_volume_mount(struct az_ctx *c, az_jv vo, const char *field)
{
	struct az_struct v, d;
	char f[192];
	const char *name;
	size_t nlen;
	az_jv opts;

	snprintf(f, sizeof(f), "%s.VolumeOptions", field);
	if (az_struct_read(c, vo, f, &az_schema_mount_VolumeOptions, &v) < 0)
		return;
	snprintf(f, sizeof(f), "%s.VolumeOptions.DriverConfig", field);
	if (az_struct_read(c, v.val[AZ_MOUNT_VOLUMEOPTIONS_DRIVERCONFIG], f, &az_schema_mount_Driver,
			   &d) < 0 ||
	    az_str(c, d.val[AZ_MOUNT_DRIVER_NAME], f, &name, &nlen) < 0)
		return;
	snprintf(f, sizeof(f), "%s.VolumeOptions.DriverConfig.Options", field);
	if (az_obj(c, d.val[AZ_MOUNT_DRIVER_OPTIONS], f, &opts) < 0)
		return;
	if (az_is_local_driver(name, nlen))
		az_check_local_volume_opts(c, opts, f);
}

void az_check_mounts(struct az_ctx *c, az_jv list, const char *field)
{
	size_t i;
	az_jv e;

	AZ_JARR_FOREACH(list, i, e) {
		struct az_struct m;
		const char *type, *src;
		size_t tlen, slen;
		char f[96], fs[112];

		snprintf(f, sizeof(f), "%s[%zu]", field, i);
		if (az_struct_read(c, e, f, &az_schema_mount_Mount, &m) < 0 ||
		    az_str(c, m.val[AZ_MOUNT_MOUNT_TYPE], f, &type, &tlen) < 0 ||
		    az_str(c, m.val[AZ_MOUNT_MOUNT_SOURCE], f, &src, &slen) < 0)
			return;
		if (tlen == 5 && memcmp(type, "tmpfs", 5) == 0)
			continue;
		if (tlen == 6 && memcmp(type, "volume", 6) == 0) {
			check_volume_mount(c, m.val[AZ_MOUNT_MOUNT_VOLUMEOPTIONS], f);
			if (slen > 0 && !c->in_inspect)
				az_check_named_volume(c, src, slen, f);
			continue;
		}
		/* API 1.48: Source is an image reference, mounted read-only */
		if (tlen == 5 && memcmp(type, "image", 5) == 0) {
			snprintf(fs, sizeof(fs), "%s source", f);
			if (slen > 0)
				az_check_image(c, src, slen, fs);
			az_check_trusted_image(c, src, slen, fs, false);
			continue;
		}
		/* "bind", and any type dockerd would refuse, is judged as a bind */
		if (slen == 0)
			continue;
		snprintf(fs, sizeof(fs), "%s source", f);
		az_check_host_path(c, src, slen, fs);
	}
}
