/* check_objects.c - every container and volume, judged as the authz plugin
 * would judge its creation now: one finding per object, with the rule
 * message a denial carries. */
#include <stdio.h>

#include "az_inspect.h"
#include "doctor.h"
#include "checks.h"

typedef void (*judge_fn)(const struct dw_policy *, const char *, const char *, size_t,
			 struct az_verdict *);

static void judge_all(const struct dr_facts *f, const struct dr_check *ck, struct dr_report *r,
		      const struct dr_object *v, size_t n, judge_fn judge, const char *what)
{
	struct az_verdict vd;

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
		judge(f->pol, NULL, v[i].json, v[i].len, &vd);
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
	judge_all(f, ck, r, f->containers, f->n_containers, az_judge_container, "container");
}

void dr_check_volumes(const struct dr_facts *f, const struct dr_check *ck, struct dr_report *r)
{
	judge_all(f, ck, r, f->volumes, f->n_volumes, az_judge_volume, "volume");
}
