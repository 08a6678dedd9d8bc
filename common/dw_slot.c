/* dw_slot.c - the reload slot (see dw_slot.h). */
#include "dw_slot.h"

int dw_slot_init(struct dw_slot *s, void *initial, void *(*ref)(void *), void (*unref)(void *))
{
	int r = pthread_mutex_init(&s->lock, NULL);

	if (r != 0)
		return -r;
	s->cur = initial;
	s->ref = ref;
	s->unref = unref;
	return 0;
}

void *dw_slot_get(struct dw_slot *s)
{
	void *p;

	pthread_mutex_lock(&s->lock);
	p = s->ref(s->cur);
	pthread_mutex_unlock(&s->lock);
	return p;
}

void dw_slot_swap(struct dw_slot *s, void *next)
{
	void *old;

	pthread_mutex_lock(&s->lock);
	old = s->cur;
	s->cur = next;
	pthread_mutex_unlock(&s->lock);
	/* outside the lock: freeing a large object must not stall readers */
	s->unref(old);
}

void dw_slot_destroy(struct dw_slot *s)
{
	s->unref(s->cur);
	s->cur = NULL;
	pthread_mutex_destroy(&s->lock);
}
