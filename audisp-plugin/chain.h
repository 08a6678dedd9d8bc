/* chain.h - turn selected events into signed stream records, in batches.
 *
 * The chain state (stream id, last sequence number, chain head) advances with
 * every record appended to the batch.  A batch is what the reader thread
 * commits to the spool with one write and one fdatasync (group commit); the
 * last record of every batch is signed, and so is every sign_every-th record
 * and every control record (start/stop/gap/beat).  A signature covers the
 * whole chain before it, so verify needs only a few Ed25519 checks.
 *
 * If the spool refuses a batch (full, drop_new), chain_rollback() returns the
 * state to the batch start: dropped events never consume sequence numbers and
 * the loss is announced by a signed gap record with dropped=N.
 *
 * Errors: a function returning int returns 0 or a negative errno
 * (ssize_t: the length, or a negative errno), unless it says otherwise. */
#ifndef DW_AUDISP_CHAIN_H
#define DW_AUDISP_CHAIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dw_record.h"
#include "dw_sign.h"

struct chain_state {
	uint8_t stream[DW_REC_STREAM_BYTES];
	uint64_t seq;                  /* last sequence number used (0: none) */
	uint8_t head[DW_CHAIN_BYTES];  /* h(seq) */
};

struct chain {
	struct chain_state st;
	struct chain_state batch_start;
	const struct dw_sign_key *key; /* borrowed */
	char host[DW_REC_HOST_MAX + 1];
	char syslog_host[DW_REC_HOST_MAX + 1];
	long pid;
	unsigned int sign_every;       /* 1 = every record */
	unsigned int since_sig;
	bool unsigned_mode;            /* bench baseline only: no hash, no signature */

	/* the batch: complete lines, except the last one, which is still open
	 * for a signature */
	char *buf;
	size_t len, cap;
	size_t open_body_off, open_body_len; /* body of the open last line */
	bool open;
	size_t nrec;
	uint64_t first_seq;            /* first seq in the batch */
};

void chain_init(struct chain *c, const struct dw_sign_key *key, const char *host,
		const char *syslog_host, unsigned int sign_every);
void chain_free(struct chain *c);

/* Append one record (TYPE, EXTRA "k=v ..." or NULL, raw MSG of LEN bytes).
 * Long event texts are split into parts (extra "part=i/n").  FORCE_SIGN signs
 * it right away.  -ENOMEM/-ENOSPC on failure (state unchanged). */
int chain_add(struct chain *c, enum dw_rec_type type, const char *extra, const void *msg,
	      size_t len, bool force_sign);
/* Close the batch: sign its open last record, terminate it.  The bytes to
 * commit are c->buf[0..c->len). */
void chain_seal(struct chain *c);
/* The batch was committed: start a new one. */
void chain_commit(struct chain *c);
/* The batch was not committed: forget it and restore the state. */
void chain_rollback(struct chain *c);

#endif
