/* az_images_load.c - read the policy's image lists into a set (the one file
 * of az_core that reads files of its own: the lists, their signatures and
 * keys, as the policy loader reads the policy). */
#include "az_images.h"

#include <errno.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>

#include "dw_policy.h"

/* PREV's source for LIST when it was usable, else NULL. */
static const struct az_image_src *usable_before(const struct az_images *prev, const char *list)
{
	for (size_t k = 0; prev && k < prev->n; k++)
		if (prev->v[k].ok && strcmp(prev->v[k].path, list) == 0)
			return &prev->v[k];
	return NULL;
}

static int copy_list(struct dw_image_list *dst, const struct dw_image_list *src)
{
	*dst = *src;
	dst->v = NULL;
	dst->path = strdup(src->path);
	if (src->n) {
		dst->v = calloc(src->n, sizeof(*dst->v));
		if (dst->v)
			memcpy(dst->v, src->v, src->n * sizeof(*dst->v));
	}
	if (!dst->path || (src->n && !dst->v)) {
		dw_imagelist_free(dst);
		return -ENOMEM;
	}
	return 0;
}

int az_images_load(const struct dw_policy *pol, const struct az_images *prev, int check_secure,
		   struct az_images **out, az_images_say_fn say, void *arg)
{
	struct az_images *s = NULL;
	int rc;

	rc = az_images_new(pol->image_lists.n, &s);
	if (rc < 0)
		return rc;
	for (size_t k = 0; k < pol->image_lists.n; k++) {
		struct az_image_src *src = &s->v[k];
		const struct az_image_src *old;
		char why[sizeof(src->why)] = "";

		src->path = strdup(pol->image_lists.v[k]);
		if (!src->path) {
			rc = -ENOMEM;
			goto out;
		}
		rc = dw_imagelist_load(pol->image_lists.v[k], pol->image_keys.v[k], check_secure,
				       &src->list, why, sizeof(why));
		if (rc == -ENOMEM)
			goto out;
		if (rc == 0) {
			src->ok = true;
			if (say)
				say(arg, LOG_INFO, "image list %s: %zu images, signed by key %s (%s)",
				    src->path, src->list.n, src->list.keyid, src->list.trusted_comment);
			continue;
		}
		old = usable_before(prev, src->path);
		if (old) {
			if (copy_list(&src->list, &old->list) < 0) {
				rc = -ENOMEM;
				goto out;
			}
			src->ok = true;
			if (say)
				say(arg, LOG_ERR, "image list not reloaded, keeping the previous one "
				    "(%zu images): %s", src->list.n, why);
			continue;
		}
		snprintf(src->why, sizeof(src->why), "%s", why);
		if (say)
			say(arg, LOG_ERR, "image list unusable (containers it would allow are denied): %s",
			    why);
	}
	rc = 0;
	*out = s;
	s = NULL;
out:
	az_images_unref(s);
	return rc;
}
