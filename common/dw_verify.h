/* dw_verify.h - check a stored, signed audit stream (what `dockwarden verify`
 * does), as a library so that unit tests and fuzzers drive it directly.
 *
 * Feed every line of every log file with dw_verify_line(), then call
 * dw_verify_finish() and read the findings.  Records are grouped by
 * (host, stream) and judged by sequence number, hash chain and signatures:
 *
 *  A record is authentic when it carries a valid signature by the trusted key,
 *  or when the authentic record after it names its hash as "prev".  Trust thus
 *  flows backwards from every signature over the whole chain before it.
 *
 * Error convention: 0 on success, negative errno on failure.
 */
#ifndef DW_VERIFY_H
#define DW_VERIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "dw_sign.h"

enum dw_finding_kind {
	/* integrity findings: any of these makes the verdict "failed" */
	DW_F_DELETED = 0,   /* sequence numbers missing, no signed notice */
	DW_F_MODIFIED,      /* content differs from what the chain/signature vouches */
	DW_F_FORGED,        /* signed with a key that is not the trusted one */
	DW_F_INSERTED,      /* a line that is no valid record, or an unauthenticated
	                       second record claiming an authentic sequence number */
	DW_F_REORDERED,     /* authentic record stored out of sequence order */
	DW_F_UNSEALED,      /* tail after the last signature: cannot be authenticated
	                       (truncated before its seal, or appended) */
	DW_F_UNVERIFIABLE,  /* middle records cut off from any signature by a gap or
	                       a broken link */
	DW_F_DROPPED,       /* the sender reported a loss itself (signed gap record) */
	DW_F_TRUNCATED,     /* stream silent for longer than --max-age and not stopped */
	/* notes: reported, never a failure */
	DW_N_DUPLICATE,     /* identical record received again (resend after reconnect) */
	DW_N_RESTART,       /* the sender restarted (signed start record) */
	DW_N_OPEN,          /* last record is not a stop record: the sender is live, or
	                       records after the last one are missing and undetectable */
	DW_N_STREAM,        /* summary line per stream */
	DW_F_KIND_COUNT
};
const char *dw_finding_kind_name(enum dw_finding_kind k);
bool dw_finding_is_failure(enum dw_finding_kind k);

struct dw_finding {
	enum dw_finding_kind kind;
	char host[65];
	char stream[33];
	uint64_t seq_from, seq_to;   /* 0 when not about sequence numbers */
	const char *file;            /* NULL when not about one line */
	uint64_t line;
	char detail[160];
};

struct dw_verify;

struct dw_verify_opts {
	const struct dw_pubkey *pubkey;
	uint64_t max_age_s;           /* 0: do not judge silence */
	uint64_t now_us;              /* for max_age; 0 = current time */
};

int dw_verify_new(const struct dw_verify_opts *opts, struct dw_verify **out);
void dw_verify_free(struct dw_verify *v);
/* FILE must stay valid until dw_verify_free (it is kept in findings). */
int dw_verify_line(struct dw_verify *v, const char *file, uint64_t lineno, const char *line,
		   size_t len);
int dw_verify_finish(struct dw_verify *v);

size_t dw_verify_nfindings(const struct dw_verify *v);
const struct dw_finding *dw_verify_finding(const struct dw_verify *v, size_t i);
/* Number of failure findings (0 = everything verifies). */
size_t dw_verify_failures(const struct dw_verify *v);
uint64_t dw_verify_records(const struct dw_verify *v);

int dw_verify_report_text(const struct dw_verify *v, FILE *out);
int dw_verify_report_json(const struct dw_verify *v, FILE *out);

#endif
