/* feed.h - complete audit events from a byte stream, via libauparse in feed
 * mode (AUSOURCE_FEED): records are grouped into events by their serial,
 * completed by EOE or by aging (auparse_feed_age_events), and flushed at EOF.
 * node= prefixes and ENRICHED records are handled by libauparse itself.
 *
 * Errors: a function returning int returns 0 or a negative errno
 * (ssize_t: the length, or a negative errno), unless it says otherwise. */
#ifndef DW_AUDISP_FEED_H
#define DW_AUDISP_FEED_H

#include <stddef.h>

#include "select.h"

/* Called once per complete event; RECS are valid only during the call. */
typedef void (*feed_event_fn)(void *ctx, const struct ap_rec *recs, size_t n);

struct feed;

int feed_new(feed_event_fn fn, void *ctx, struct feed **out);
void feed_free(struct feed *f);
/* Hand LEN bytes (any split, partial lines included) to libauparse. */
int feed_bytes(struct feed *f, const char *buf, size_t len);
/* Complete events whose EOE never came (timeout aging). */
void feed_age(struct feed *f);
/* End of input: complete everything that is pending. */
void feed_flush(struct feed *f);

#endif
