/* az_images.h - the trusted_images rule: containers only from images on a
 * signed list (dw_imagelist.h).
 *
 * The lists the plugin loaded form one immutable, reference-counted set,
 * swapped whole on reload like the policy.  A list that could not be read or
 * verified is kept in the set as unusable, with why: a request it would
 * have to allow is denied naming that reason.
 *
 * What a reference resolves to is dockerd's to say: the rule inspects the
 * image (GET /images/{name}/json through az_state_ops) and looks up its ID
 * and each of its repo digests.  A service's image runs on whichever node
 * gets the task, resolved there: it must be pinned (NAME@sha256:...), and
 * that digest is what is looked up. */
#ifndef AZ_IMAGES_H
#define AZ_IMAGES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dw_imagelist.h"
#include "dw_slot.h"
#include "dw_attr.h"

struct az_ctx;
struct az_jnode;

struct az_image_src {
	char *path;                 /* the list file */
	bool ok;
	char why[400];              /* !ok: why it is not usable */
	struct dw_image_list list;  /* ok: its entries */
};

struct az_images {
	struct az_image_src *v;
	size_t n;
	unsigned refs_;
};

/* A set of N sources, all zeroed (the caller fills them); 0 or -ENOMEM. */
int az_images_new(size_t n, struct az_images **out);
struct az_images *az_images_ref(struct az_images *s);
void az_images_unref(struct az_images *s);

/* The current set, swapped on reload: a dw_slot (dw_slot.h) typed for
 * image-list sets. */
struct az_images_slot {
	struct dw_slot s;
};
int az_images_slot_init(struct az_images_slot *slot, struct az_images *s);
/* A reference to the current set (NULL when none); unref it. */
struct az_images *az_images_slot_get(struct az_images_slot *slot);
void az_images_slot_swap(struct az_images_slot *slot, struct az_images *s);
void az_images_slot_destroy(struct az_images_slot *slot);

struct dw_policy;
typedef void (*az_images_say_fn)(void *arg, int prio, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Read POL's image lists (az_images_load.c).  A list that fails to load and
 * was usable in PREV (may be NULL) keeps PREV's entries; one that never
 * loaded is in the set as unusable.  SAY (may be NULL) is told each outcome.
 * 0 and *OUT, or -ENOMEM: a bad list is not an error of the load. */
DW_MUST_CHECK int az_images_load(const struct dw_policy *pol, const struct az_images *prev, int check_secure,
		   struct az_images **out, az_images_say_fn say, void *arg);

/* The trusted_images rule on REF (LEN bytes), the image FIELD names, for a
 * container being made.  SERVICE: REF must be pinned to a digest, which is
 * looked up as it is. */
void az_check_trusted_image(struct az_ctx *c, const char *ref, size_t len, const char *field,
			    bool service);
/* The lookup itself, on dockerd's image inspect document ROOT: its Id and
 * each of its repo digests against C's lists.  SAFE names the image in
 * messages. */
void az_judge_image_doc(struct az_ctx *c, const struct az_jnode *root, const char *field,
			const char *safe);

#endif
