/* check_objects.c - every container and volume, judged as the authz plugin
 * would judge its creation now: one finding per object, with the rule
 * message a denial carries; and the trusted image lists and each
 * container's image by them. */
#include <stdio.h>
#include <string.h>

#include "az_images.h"
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

/* Each list the policy names, read and verified as the plugin reads it. */
void dr_check_image_lists(const struct dr_facts *f, const struct dr_check *ck,
			  struct dr_report *r)
{
	if (f->pol == NULL || f->images_err != 0) {
		dr_add(r, ck, DR_FAIL, NULL, NULL, "cannot read the image lists (out of memory)");
		return;
	}
	if (f->image_set == NULL) {
		dr_add(r, ck, DR_SKIP, NULL, NULL,
		       "the policy names no trusted image lists (authz.image_lists)");
		return;
	}
	for (size_t k = 0; k < f->image_set->n; k++) {
		const struct az_image_src *s = &f->image_set->v[k];
		size_t expired = 0;

		if (!s->ok) {
			dr_add(r, ck, DR_FAIL, s->path,
			       "fix it or sign it again (dockwarden image sign); the plugin denies "
			       "every image it would have to allow",
			       "%s", s->why);
			continue;
		}
		for (size_t i = 0; i < s->list.n; i++)
			if (s->list.v[i].expires != 0 && s->list.v[i].expires <= f->now)
				expired++;
		dr_add(r, ck, expired ? DR_WARN : DR_PASS, s->path,
		       expired ? "drop the expired entries or promote the images again" : NULL,
		       "%zu images (%zu expired), signed by key %s (%s)", s->list.n, expired,
		       s->list.keyid, s->list.trusted_comment);
	}
}

static const struct dr_object *image_of(const struct dr_facts *f, const char *id)
{
	for (size_t i = 0; id != NULL && i < f->n_images; i++)
		if (strcmp(f->images[i].name, id) == 0)
			return &f->images[i];
	return NULL;
}

/* Every container's image, by the trusted_images rule as if it were on: a
 * stopped container counts too, since `docker start` makes nothing new for
 * the rule to judge.  A FAIL where the default profile denies, else a WARN
 * of what turning the rule on would deny. */
void dr_check_container_images(const struct dr_facts *f, const struct dr_check *ck,
			       struct dr_report *r)
{
	enum dw_mode mode;
	struct az_verdict vd;

	if (f->pol == NULL || f->image_set == NULL) {
		dr_add(r, ck, DR_SKIP, NULL, NULL, "no trusted image lists to judge images by");
		return;
	}
	if (f->objects_err != 0) {
		dr_add(r, ck, DR_SKIP, NULL, NULL, "cannot list containers: %s", f->objects_msg);
		return;
	}
	if (f->n_containers == 0) {
		dr_add(r, ck, DR_PASS, NULL, NULL, "no containers");
		return;
	}
	mode = f->pol->authz.rules[DW_RULE_TRUSTED_IMAGES];
	for (size_t i = 0; i < f->n_containers; i++) {
		const struct dr_object *c = &f->containers[i];
		const struct dr_object *img = image_of(f, c->image);
		json_t *doc = json_loadb(c->json, c->len, 0, NULL);
		const char *ref = json_string_value(json_object_get(json_object_get(doc, "Config"),
								      "Image"));

		if (img == NULL) {
			dr_add(r, ck, DR_WARN, c->name, "remove the container or pull its image again",
			       "its image %s is no longer on this host: its digests cannot be checked",
			       c->image ? c->image : "(none)");
		} else {
			az_judge_image(f->image_set, f->now, ref ? ref : c->image, img->json, img->len,
				       &vd);
			if (!vd.deny)
				dr_add(r, ck, DR_PASS, c->name, NULL, "image %s is on a trusted list",
				       ref ? ref : c->image);
			else if (mode == DW_MODE_DENY)
				dr_add(r, ck, DR_FAIL, c->name,
				       "promote its image onto a list, or recreate it from one that is",
				       "%s", vd.msg);
			else
				dr_add(r, ck, DR_WARN, c->name,
				       "promote its image onto a list before turning trusted_images on",
				       "%s (trusted_images is %s in the default profile)", vd.msg,
				       dw_mode_name(mode));
		}
		json_decref(doc);
	}
}
