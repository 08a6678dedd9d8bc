/* feed.c - libauparse feed mode wrapper (see feed.h). */
#include "feed.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <auparse.h>

struct feed {
	auparse_state_t *au;
	feed_event_fn fn;
	void *ctx;
	struct ap_rec *recs;
	size_t cap;
};

static void on_event(auparse_state_t *au, auparse_cb_event_t type, void *user)
{
	struct feed *f = user;
	size_t n = 0;

	if (type != AUPARSE_CB_EVENT_READY)
		return;
	if (auparse_first_record(au) <= 0)
		return;
	do {
		const char *t = auparse_get_record_text(au);
		if (!t)
			continue;
		if (n == f->cap) {
			size_t nc = f->cap ? f->cap * 2 : 16;
			struct ap_rec *nr = reallocarray(f->recs, nc, sizeof *nr);
			if (!nr)
				break; /* forward what we have rather than nothing */
			f->recs = nr;
			f->cap = nc;
		}
		f->recs[n].text = t;
		f->recs[n].len = strlen(t); /* auparse NUL-terminates each record it stores */
		n++;
	} while (auparse_next_record(au) > 0);
	if (n > 0)
		f->fn(f->ctx, f->recs, n);
}

int feed_new(feed_event_fn fn, void *ctx, struct feed **out)
{
	struct feed *f = calloc(1, sizeof *f);
	if (!f)
		return -ENOMEM;
	f->au = auparse_init(AUSOURCE_FEED, 0);
	if (!f->au) {
		free(f);
		return -ENOMEM;
	}
	f->fn = fn;
	f->ctx = ctx;
	auparse_add_callback(f->au, on_event, f, NULL);
	*out = f;
	return 0;
}

void feed_free(struct feed *f)
{
	if (!f)
		return;
	auparse_destroy(f->au);
	free(f->recs);
	free(f);
}

int feed_bytes(struct feed *f, const char *buf, size_t len)
{
	return auparse_feed(f->au, buf, len) == 0 ? 0 : -EIO;
}

void feed_age(struct feed *f)
{
	auparse_feed_age_events(f->au);
}

void feed_flush(struct feed *f)
{
	auparse_flush_feed(f->au);
}
