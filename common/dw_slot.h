/* dw_slot.h - the current version of a reference-counted object (a policy,
 * a set of image lists), swapped whole on reload.
 *
 * A reader takes its own reference with dw_slot_get() and uses that object
 * for the whole request, so a reload never changes anything under it; the
 * old object is freed when its last reader drops it.  The lock is held only
 * to copy the pointer and take the reference. */
#ifndef DW_SLOT_H
#define DW_SLOT_H

#include <pthread.h>

struct dw_slot {
	pthread_mutex_t lock;
	void *cur;
	void *(*ref)(void *obj);   /* a new reference to OBJ (NULL stays NULL) */
	void (*unref)(void *obj);  /* drop one (NULL: nothing) */
};

/* INITIAL (may be NULL) becomes current; the slot takes the caller's
 * reference.  0, or a negative errno from pthread_mutex_init. */
int dw_slot_init(struct dw_slot *s, void *initial, void *(*ref)(void *), void (*unref)(void *));
/* A new reference to the current object (NULL when none): the caller drops it. */
void *dw_slot_get(struct dw_slot *s);
/* NEXT becomes current (the slot takes the caller's reference); the slot's
 * reference to the old one is dropped outside the lock. */
void dw_slot_swap(struct dw_slot *s, void *next);
void dw_slot_destroy(struct dw_slot *s);

#endif
