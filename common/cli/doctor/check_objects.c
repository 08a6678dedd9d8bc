/* check_objects.c - every container and volume, judged as the authz plugin
 * would judge its creation now: one finding per object, with the rule
 * message a denial carries. */
#include <stdio.h>
#include <string.h>

#include "az_inspect.h"
#include "doctor.h"
#include "checks.h"

typedef void (*judge_fn)(const struct dw_policy *, const char *, const char *, size_t,
			 const char *, struct az_verdict *);

static void judge_volume(const struct dw_policy *pol, const char *user, const char *json,
			 size_t len, const char *unused, struct az_verdict *v)
{
	(void)unused;
	az_judge_volume(pol, user, json, len, v);
}

/* dockerd's default cgroup namespace mode: the setting, else what the
 * cgroup version gives (host on v1, private on v2). */
static const char *cgroupns_default(const struct dr_facts *f, char *buf, size_t sz)
{
	json_t *v = dr_setting(f, "default-cgroupns-mode", NULL);
	const char *ver = json_string_value(json_object_get(f->info, "CgroupVersion"));

	if (json_string_value(v) != NULL)
		dr_strf(buf, sz, "%s", json_string_value(v));
	else if (ver != NULL)
		dr_strf(buf, sz, "%s", strcmp(ver, "1") == 0 ? "host" : "private");
	else
		buf[0] = '\0';
	json_decref(v);
	return buf[0] ? buf : NULL;
}

static void judge_all(const struct dr_facts *f, const struct dr_check *ck, struct dr_report *r,
		      const struct dr_object *v, size_t n, judge_fn judge, const char *what)
{
	struct az_verdict vd;
	char cgns[32];
	const char *def = cgroupns_default(f, cgns, sizeof(cgns));

	if (f->pol == NULL) {
		dr_add(r, ck, DR_FAIL, NULL, NULL, "no policy to judge %ss by (out of memory)", what);
		return;
	}
	if (f->objects_err != 0) {
		dr_add(r, ck, DR_SKIP, NULL, NULL, "cannot list %ss: %s", what, f->objects_msg);
		return;
	}
	if (n == 0) {
		dr_add(r, ck, DR_PASS, NULL, NULL, "no %ss", what);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		judge(f->pol, NULL, v[i].json, v[i].len, def, &vd);
		if (vd.deny)
			dr_add(r, ck, DR_FAIL, v[i].name,
			       "recreate it within the policy (the plugin would deny it now)", "%s",
			       vd.msg);
		else if (vd.n_warn > 0)
			dr_add(r, ck, DR_WARN, v[i].name, "recreate it within the policy",
			       "%s: %s%s", az_rule_label(vd.warn_rule[0]), vd.warn_msg[0],
			       vd.n_warn > 1 ? " (and more)" : "");
		else
			dr_add(r, ck, DR_PASS, v[i].name, NULL, "allowed by the authz rules");
	}
}

void dr_check_containers(const struct dr_facts *f, const struct dr_check *ck,
			 struct dr_report *r)
{
	judge_all(f, ck, r, f->containers, f->n_containers, az_judge_container_defaults, "container");
}

void dr_check_volumes(const struct dr_facts *f, const struct dr_check *ck, struct dr_report *r)
{
	judge_all(f, ck, r, f->volumes, f->n_volumes, judge_volume, "volume");
}
