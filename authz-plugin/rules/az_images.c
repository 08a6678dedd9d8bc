/* az_images.c - the trusted_images rule and the list set (see az_images.h). */
#include "az_images.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "az_rules.h"
#include "az_state.h"

int az_images_new(size_t n, struct az_images **out)
{
	struct az_images *s = calloc(1, sizeof(*s));

	if (s && n)
		s->v = calloc(n, sizeof(*s->v));
	if (!s || (n && !s->v)) {
		free(s);
		return -ENOMEM;
	}
	s->n = n;
	s->refs_ = 1;
	*out = s;
	return 0;
}

struct az_images *az_images_ref(struct az_images *s)
{
	if (s)
		__atomic_add_fetch(&s->refs_, 1, __ATOMIC_RELAXED);
	return s;
}

void az_images_unref(struct az_images *s)
{
	if (!s || __atomic_sub_fetch(&s->refs_, 1, __ATOMIC_ACQ_REL) != 0)
		return;
	for (size_t i = 0; i < s->n; i++) {
		free(s->v[i].path);
		dw_imagelist_free(&s->v[i].list);
	}
	free(s->v);
	free(s);
}

static void *slot_ref(void *s)
{
	return az_images_ref(s);
}

static void slot_unref(void *s)
{
	az_images_unref(s);
}

int az_images_slot_init(struct az_images_slot *slot, struct az_images *s)
{
	return dw_slot_init(&slot->s, s, slot_ref, slot_unref);
}

struct az_images *az_images_slot_get(struct az_images_slot *slot)
{
	return dw_slot_get(&slot->s);
}

void az_images_slot_swap(struct az_images_slot *slot, struct az_images *s)
{
	dw_slot_swap(&slot->s, s);
}

void az_images_slot_destroy(struct az_images_slot *slot)
{
	dw_slot_destroy(&slot->s);
}

/* What the lists say of the digests D[0..N): 1 allowed (an entry not
 * expired), 0 not (*EXPIRED: the newest expired entry, *WHERE its list). */
static int lookup(const struct az_images *set, int64_t now, const char *const *d,
		  const size_t *dl, size_t n, const struct dw_image_entry **expired,
		  const char **where)
{
	*expired = NULL;
	for (size_t k = 0; set && k < set->n; k++) {
		const struct az_image_src *src = &set->v[k];
		if (!src->ok)
			continue;
		for (size_t i = 0; i < n; i++) {
			const struct dw_image_entry *e = dw_imagelist_find(&src->list, d[i], dl[i]);
			if (!e)
				continue;
			if (!e->expires || e->expires > now)
				return 1;
			if (!*expired || e->expires > (*expired)->expires) {
				*expired = e;
				*where = src->path;
			}
		}
	}
	return 0;
}

/* The first unusable list's reason, for a message ("" when all are usable). */
static const char *unusable(const struct az_images *set, char *buf, size_t bufsz)
{
	buf[0] = '\0';
	for (size_t k = 0; set && k < set->n; k++)
		if (!set->v[k].ok) {
			snprintf(buf, bufsz, "; unusable list %.180s", set->v[k].why);
			break;
		}
	return buf;
}

static void deny(struct az_ctx *c, const char *field, const char *what, const char *id,
		 const struct dw_image_entry *expired, const char *where)
{
	char until[32], more[200];

	if (!c->images || c->images->n == 0) {
		az_flag(c, DW_RULE_TRUSTED_IMAGES, "%s %s: no trusted image list is loaded", field,
			what);
		return;
	}
	if (expired) {
		dw_imagelist_time(expired->expires, until, sizeof(until));
		az_flag(c, DW_RULE_TRUSTED_IMAGES, "%s %s (%s): its entry in %s expired at %s", field,
			what, id, where, until);
		return;
	}
	az_flag(c, DW_RULE_TRUSTED_IMAGES, "%s %s (%s) is on no trusted image list%s", field, what,
		id, unusable(c->images, more, sizeof(more)));
}

/* A service: the digest REF is pinned to, judged as it is. */
static void check_pinned(struct az_ctx *c, const char *ref, size_t len, const char *field,
			 const char *safe)
{
	const struct dw_image_entry *expired = NULL;
	const char *at = NULL, *where = NULL, *d;
	char id[80];
	size_t dl;

	for (size_t i = len; i > 0; i--)
		if (ref[i - 1] == '@') {
			at = ref + i - 1;
			break;
		}
	if (!at || ref + len - at - 1 != 71) {
		az_flag(c, DW_RULE_TRUSTED_IMAGES, "%s %s is not pinned to a digest (NAME@sha256:...): a "
			"service's tag is resolved later, on the node that runs it", field, safe);
		return;
	}
	d = at + 1;
	dl = 71;
	az_sanitize(d, dl, id, sizeof(id));
	if (lookup(c->images, c->now, &d, &dl, 1, &expired, &where) == 1)
		return;
	deny(c, field, safe, id, expired, where);
}

void az_judge_image_doc(struct az_ctx *c, az_jv root, const char *field, const char *safe)
{
	const struct dw_image_entry *expired = NULL;
	const char *d[1 + 64], *where = NULL;
	size_t dl[1 + 64], n = 0, i;
	char id[80];
	az_jv v, e;

	v = az_jget(root, "Id");
	if (!az_jis(v, AZ_JSTR)) {
		az_reject(c, "dockerd's inspect document of image %s has no Id", safe);
		return;
	}
	d[n] = v->u.s;
	dl[n++] = v->n;
	az_sanitize(v->u.s, v->n, id, sizeof(id));
	/* "name@sha256:..." each: the digest after the '@' */
	v = az_jget(root, "RepoDigests");
	AZ_JARR_FOREACH(v, i, e) {
		const char *at;
		if (n == sizeof(d) / sizeof(d[0]))
			break;
		if (!az_jis(e, AZ_JSTR) || !(at = memrchr(e->u.s, '@', e->n)))
			continue;
		d[n] = at + 1;
		dl[n++] = e->n - (size_t)(at + 1 - e->u.s);
	}
	if (lookup(c->images, c->now, d, dl, n, &expired, &where) != 1)
		deny(c, field, safe, id, expired, where);
}

void az_check_trusted_image(struct az_ctx *c, const char *ref, size_t len, const char *field,
			    bool service)
{
	char safe[256];
	struct az_jdoc doc;
	int rc;

	if (c->in_inspect || c->prof->rules[DW_RULE_TRUSTED_IMAGES] == DW_MODE_OFF)
		return;
	az_sanitize(ref, len, safe, sizeof(safe));
	if (service) {
		check_pinned(c, ref, len, field, safe);
		return;
	}
	rc = az_borrow(c, AZ_OBJ_IMAGE, ref, len, &doc);
	if (rc < 0)
		return;
	if (rc > 0) {
		az_flag(c, DW_RULE_TRUSTED_IMAGES, "%s %s is not on this host: pull it first (only a "
			"local image's digests can be checked)", field, safe);
		return;
	}
	az_judge_image_doc(c, az_json_root(&doc), field, safe);
	az_json_free(&doc);
}
