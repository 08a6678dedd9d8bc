/* chain.c - records, hash chain and batch signatures (see chain.h). */
#include "chain.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void chain_init(struct chain *c, const struct dw_sign_key *key, const char *host,
		const char *syslog_host, unsigned int sign_every)
{
	struct chain_state st = c->st; /* the caller may have recovered it already */
	memset(c, 0, sizeof *c);
	c->st = st;
	c->batch_start = st;
	c->key = key;
	snprintf(c->host, sizeof c->host, "%s", host);
	snprintf(c->syslog_host, sizeof c->syslog_host, "%s", syslog_host);
	c->pid = 0;
	c->sign_every = sign_every ? sign_every : 1;
}

void chain_free(struct chain *c)
{
	free(c->buf);
	c->buf = NULL;
	c->cap = c->len = 0;
}

static int reserve(struct chain *c, size_t more)
{
	size_t need = c->len + more, nc;
	char *nb;
	if (need <= c->cap)
		return 0;
	nc = c->cap ? c->cap : 65536;
	while (nc < need)
		nc *= 2;
	nb = realloc(c->buf, nc);
	if (!nb)
		return -ENOMEM;
	c->buf = nb;
	c->cap = nc;
	return 0;
}

/* Terminate the open last line, signing it when SIGN. */
static void close_open(struct chain *c, bool sign)
{
	if (!c->open)
		return;
	if (sign && !c->unsigned_mode) {
		memcpy(c->buf + c->len, " sig=", 5);
		dw_sign_hex(c->key, c->buf + c->open_body_off, c->open_body_len, c->buf + c->len + 5);
		c->len += 5 + DW_SIGN_SIG_HEX;
		c->since_sig = 0;
	}
	c->buf[c->len++] = '\n';
	c->open = false;
}

static uint64_t now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static int add_one(struct chain *c, enum dw_rec_type type, const char *extra, const void *msg,
		   size_t len, bool force_sign, uint64_t t)
{
	struct dw_rec_hdr h;
	long hl, bl;
	/* worst case: header + fixed body fields + 4x escaped msg + sig + newline */
	size_t need = 512 + (extra ? strlen(extra) : 0) + 4 * len + 3 + 6 + DW_SIGN_SIG_HEX + 1;
	int rc;

	/* one slot for the previous line's signature and newline */
	rc = reserve(c, need + 6 + DW_SIGN_SIG_HEX + 1);
	if (rc < 0)
		return rc;
	close_open(c, c->since_sig >= c->sign_every);
	if (c->len == 0)
		c->first_seq = c->st.seq + 1;

	memset(&h, 0, sizeof h);
	h.host = c->host;
	memcpy(h.stream, c->st.stream, sizeof h.stream);
	h.seq = c->st.seq + 1;
	if (!c->unsigned_mode)
		memcpy(h.prev, c->st.head, sizeof h.prev);
	h.type = type;
	h.time_us = t;
	h.keyid = c->unsigned_mode ? "0000000000000000" : dw_sign_key_id(c->key);
	h.extra = extra;

	hl = dw_rec_syslog_header(c->buf + c->len, c->cap - c->len, t, c->syslog_host, c->pid);
	if (hl < 0)
		return (int)hl;
	bl = dw_rec_body(c->buf + c->len + hl, c->cap - c->len - (size_t)hl, &h, msg, len);
	if (bl < 0)
		return (int)bl;
	c->open_body_off = c->len + (size_t)hl;
	c->open_body_len = (size_t)bl;
	c->len += (size_t)hl + (size_t)bl;
	c->open = true;
	c->nrec++;
	c->since_sig++;
	c->st.seq = h.seq;
	if (!c->unsigned_mode)
		dw_chain_next(c->st.head, c->buf + c->open_body_off, c->open_body_len, c->st.head);
	if (force_sign || type != DW_REC_EVENT || c->sign_every == 1)
		close_open(c, true);
	return 0;
}

int chain_add(struct chain *c, enum dw_rec_type type, const char *extra, const void *msg,
	      size_t len, bool force_sign)
{
	uint64_t t = now_us();
	size_t parts = len > DW_REC_RAW_MAX ? (len + DW_REC_RAW_MAX - 1) / DW_REC_RAW_MAX : 1;
	const char *m = msg;
	int rc = 0;

	if (parts == 1)
		return add_one(c, type, extra, msg, len, force_sign, t);
	for (size_t i = 0; i < parts && rc == 0; i++) {
		char ex[256];
		size_t off = i * DW_REC_RAW_MAX;
		size_t n = len - off < DW_REC_RAW_MAX ? len - off : DW_REC_RAW_MAX;
		snprintf(ex, sizeof ex, "%s%spart=%zu/%zu", extra ? extra : "", extra ? " " : "", i + 1, parts);
		rc = add_one(c, type, ex, m + off, n, force_sign, t);
	}
	return rc;
}

void chain_seal(struct chain *c)
{
	close_open(c, true);
}

void chain_commit(struct chain *c)
{
	c->len = 0;
	c->nrec = 0;
	c->open = false;
	c->batch_start = c->st;
}

void chain_rollback(struct chain *c)
{
	c->st = c->batch_start;
	c->len = 0;
	c->nrec = 0;
	c->open = false;
}
