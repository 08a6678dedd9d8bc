/* dw_record.h - the signed record format of the forwarded audit stream.
 *
 * One audit event = one RFC 5424 message = one line on the log host:
 *
 *   <86>1 2024-05-01T12:00:00.123456Z HOST dockwarden-audisp PID dw1 - BODY[ sig=HEX128]
 *
 * The syslog header is transport only (not signed; rsyslog may rewrite it in
 * other templates).  BODY is what the hash chain and the signatures cover:
 *
 *   dw1 host=ID stream=HEX32 seq=N prev=HEX64 type=T time=SEC.USEC key=KEYID[ k=v ...] msg=TEXT
 *
 * - host: the sending host's id ([A-Za-z0-9._:-], at most 64).
 * - stream: 16 random bytes chosen when the spool is created; sequence numbers
 *   count from 1 within a stream and continue across plugin restarts.
 * - prev: the chain head before this record, h(n-1); h(0) is all zeros and
 *   h(n) = BLAKE2b-256(h(n-1) || BODY(n)).
 * - type: event (an audit event), start (the plugin started), stop (clean
 *   shutdown), gap (the sender itself dropped records: spool full), beat
 *   (idle heartbeat).
 * - key: id of the signing key.  Extra k=v fields (no spaces) sit before msg.
 * - msg: the event text, its records joined by "\n"; '\\' and bytes outside
 *   0x20..0x7e escaped as \\\\, \\n, \\xHH.  Always the last field of BODY.
 * - sig: Ed25519 over BODY, 128 hex digits.  Not every event carries one: the
 *   plugin signs the last record of each batch it writes (and every
 *   DW_REC_SIGN_EVERY-th); a signature vouches for the whole chain before it.
 */
#ifndef DW_RECORD_H
#define DW_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dw_sign.h"

#define DW_REC_STREAM_BYTES 16
#define DW_REC_HOST_MAX 64
/* Raw event text per record; a longer event is split into parts (part=i/n). */
#define DW_REC_RAW_MAX 16384
/* Longest line the format allows (raw escaped 4x, plus header and sig). */
#define DW_REC_LINE_MAX (4 * DW_REC_RAW_MAX + 2048)
#define DW_REC_PRI 86 /* facility authpriv (10), severity info (6) */

enum dw_rec_type {
	DW_REC_EVENT = 0,
	DW_REC_START,
	DW_REC_STOP,
	DW_REC_GAP,
	DW_REC_BEAT,
	DW_REC_TYPE_COUNT
};
const char *dw_rec_type_name(enum dw_rec_type t);

/* What the writer puts in a header. */
struct dw_rec_hdr {
	const char *host;                     /* validated with dw_rec_host_valid() */
	uint8_t stream[DW_REC_STREAM_BYTES];
	uint64_t seq;
	uint8_t prev[DW_CHAIN_BYTES];
	enum dw_rec_type type;
	uint64_t time_us;                     /* wall clock, microseconds */
	const char *keyid;                    /* 16 hex digits */
	const char *extra;                    /* "k=v k=v" without msg, or NULL */
};

bool dw_rec_host_valid(const char *s, size_t len);

/* Escape LEN raw bytes into OUT; returns the length written or -ENOSPC. */
long dw_rec_escape(char *out, size_t outsz, const void *in, size_t len);
/* Reverse of dw_rec_escape; returns the length written or -EINVAL/-ENOSPC. */
long dw_rec_unescape(char *out, size_t outsz, const char *in, size_t len);

/* Write "<86>1 TS HOST dockwarden-audisp PID dw1 - " (the transport header)
 * into OUT; returns length or -ENOSPC.  SYSLOG_HOST is sanitised. */
long dw_rec_syslog_header(char *out, size_t outsz, uint64_t time_us, const char *syslog_host,
			  long pid);
/* Write BODY for HDR and MSG (raw, LEN bytes; escaped here) into OUT.
 * Returns the body length, or -ENOSPC. */
long dw_rec_body(char *out, size_t outsz, const struct dw_rec_hdr *hdr, const void *msg,
		 size_t len);

/* A parsed line: pointers into the caller's buffer. */
struct dw_str {
	const char *p;
	size_t n;
};
struct dw_rec {
	struct dw_str body;      /* what the chain and signature cover */
	struct dw_str host;
	struct dw_str stream;    /* 32 hex digits */
	uint64_t seq;
	uint8_t prev[DW_CHAIN_BYTES];
	enum dw_rec_type type;
	uint64_t time_us;
	struct dw_str keyid;
	struct dw_str extra;     /* the k=v fields between key= and msg=, may be empty */
	struct dw_str msg;       /* escaped */
	const char *sig;         /* 128 hex digits, or NULL when unsigned */
};

enum dw_rec_parse_err {
	DW_REC_OK = 0,
	DW_REC_ERR_NOT_SYSLOG,   /* no RFC 5424 header and no "dw1 " */
	DW_REC_ERR_NOT_DW,       /* MSG does not start with "dw1 " */
	DW_REC_ERR_FIELD,        /* a header field missing, out of order or malformed */
	DW_REC_ERR_SIG,          /* a "sig=" that is not 128 hex digits */
	DW_REC_ERR_BYTES,        /* bytes outside printable ASCII in the body */
};
const char *dw_rec_parse_strerror(enum dw_rec_parse_err e);

/* Parse one line (LEN bytes, no trailing newline).  Accepts a full RFC 5424
 * line as rsyslog stores %rawmsg%, or a bare BODY[ sig=...] line. */
enum dw_rec_parse_err dw_rec_parse(const char *line, size_t len, struct dw_rec *out);

/* Value of extra field NAME in R (e.g. "from"), or false. */
bool dw_rec_extra_get(const struct dw_rec *r, const char *name, struct dw_str *val);
/* Parse a decimal uint64 of exactly LEN bytes. */
bool dw_parse_u64(const char *p, size_t len, uint64_t *out);

#endif
