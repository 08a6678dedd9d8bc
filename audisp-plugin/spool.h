/* spool.h - the durable on-disk spool between the reader and the sender.
 *
 * Layout of forward.spool_dir (0700):
 *   seg-<first seq, 20 digits>.log  append-only segments of complete lines,
 *                                   exactly what is sent (RFC 5424 + "\n")
 *   acked                           "<seq>\n": every record <= seq was
 *                                   acknowledged by the log host
 *   state                           "<stream hex> <seq> <head hex>\n": chain
 *                                   state at the last segment rotation
 * The chain state after a restart comes from the last complete line of the
 * newest segment (a torn last line, from a crash mid-write, is cut off: it
 * was never durable and never sent), else from "state".
 *
 * Writer (reader thread): spool_append() writes a batch with one write() and
 * one fdatasync() before the sender may see it (group commit), so nothing is
 * sent that a power cut could take back and re-number.
 * Sender thread: spool_reader_*() read durable lines; spool_ack() records
 * what the log host acknowledged and deletes fully acknowledged segments.
 * Bounded by max_bytes: drop_new refuses batches (-ENOSPC) while full;
 * drop_oldest deletes the oldest segments and reports the unacknowledged
 * sequence range it lost (spool_take_evicted) for a signed gap record.
 *
 * Errors: a function returning int returns 0 or a negative errno
 * (ssize_t: the length, or a negative errno), unless it says otherwise. */
#ifndef DW_AUDISP_SPOOL_H
#define DW_AUDISP_SPOOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "chain.h"
#include "dw_policy.h"

struct spool;

/* Open (creating if needed) DIR; recover the chain state into *ST.  *FRESH is
 * true when there was no previous state (a new stream must be created). */
int spool_open(const char *dir, uint64_t max_bytes, enum dw_spool_full_action action,
	       struct spool **out, struct chain_state *st, bool *fresh, char *why, size_t whysz);
void spool_close(struct spool *sp);
void spool_set_limits(struct spool *sp, uint64_t max_bytes, enum dw_spool_full_action action);

/* Append a sealed batch holding records FIRST..LAST; BEFORE is the chain state
 * before the batch (saved as "state" when a segment is rotated).  -ENOSPC:
 * refused (drop_new and full); other -errno: I/O error. */
int spool_append(struct spool *sp, const char *buf, size_t len, uint64_t first, uint64_t last,
		 const struct chain_state *before);
/* Unacknowledged records evicted by drop_oldest since the last call. */
bool spool_take_evicted(struct spool *sp, uint64_t *from, uint64_t *to);

uint64_t spool_durable_seq(struct spool *sp);
uint64_t spool_acked_seq(struct spool *sp);
uint64_t spool_bytes(struct spool *sp);
/* Wait until durable seq > AFTER or TIMEOUT_MS passed or spool_wake(). */
uint64_t spool_wait(struct spool *sp, uint64_t after, int timeout_ms);
void spool_wake(struct spool *sp);

/* The sender's read position. */
struct spool_reader {
	int fd;
	uint64_t seg_first;  /* segment being read */
	uint64_t off;        /* file offset of buf[0] */
	char *buf;
	size_t len, pos, cap;
	uint64_t last_seq;   /* seq of the last line returned */
};
void spool_reader_init(struct spool_reader *r);
void spool_reader_free(struct spool_reader *r);
/* Position R at the first record after AFTER. */
int spool_reader_seek(struct spool *sp, struct spool_reader *r, uint64_t after);
/* Next durable line (without "\n") into *LINE and *LEN, its seq into *SEQ.
 * 1: got one; 0: none durable yet; -errno: error. */
int spool_reader_next(struct spool *sp, struct spool_reader *r, const char **line, size_t *len,
		      uint64_t *seq);

/* Everything <= SEQ is acknowledged: persist, delete what is no longer needed. */
int spool_ack(struct spool *sp, uint64_t seq);

/* Parse " seq=N" from a spool line (exposed for tests). */
bool spool_line_seq(const char *line, size_t len, uint64_t *seq);

#endif
