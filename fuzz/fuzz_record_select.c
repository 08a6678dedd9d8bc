/* fuzz_record_select.c - arbitrary bytes as the plugin's stdin: libauparse
 * feed mode, selection, and record building (escaping, parts) of whatever is
 * selected, then the record parser on the result.  Must never crash, and
 * every built record must parse back. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dw_policy.h"
#include "dw_record.h"
#include "feed.h"
#include "select.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct select_cfg cfg;
static struct dw_policy *policy;
static char *body;

static void on_event(void *ctx, const struct ap_rec *recs, size_t n)
{
	struct dw_rec_hdr h = { .host = "fuzz", .seq = 1, .type = DW_REC_EVENT, .time_us = 1,
				.keyid = "0123456789abcdef", .extra = "sel=key" };
	struct dw_rec r;
	(void)ctx;
	(void)select_event(&cfg, recs, n);
	for (size_t i = 0; i < n; i++) {
		size_t len = recs[i].len > DW_REC_RAW_MAX ? DW_REC_RAW_MAX : recs[i].len;
		long bl = dw_rec_body(body, DW_REC_LINE_MAX, &h, recs[i].text, len);
		if (bl < 0 || dw_rec_parse(body, (size_t)bl, &r) != DW_REC_OK || r.sig != NULL)
			abort(); /* everything we build must parse, never as signed */
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct feed *f;
	if (!policy) {
		if (dw_policy_load_default(&policy) < 0)
			abort();
		select_cfg_from_policy(&cfg, policy);
		body = malloc(DW_REC_LINE_MAX);
		if (!body)
			abort();
	}
	if (feed_new(on_event, NULL, &f) < 0)
		return 0;
	/* two pieces: events split across reads */
	feed_bytes(f, (const char *)data, size / 2);
	feed_bytes(f, (const char *)data + size / 2, size - size / 2);
	feed_flush(f);
	feed_free(f);
	return 0;
}
