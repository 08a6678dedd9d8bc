/* dw_record.c - build and parse signed stream records (see dw_record.h). */
#include "dw_hex.h"
#include "dw_record.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static const char *const type_names[DW_REC_TYPE_COUNT] = {
	[DW_REC_EVENT] = "event", [DW_REC_START] = "start", [DW_REC_STOP] = "stop",
	[DW_REC_GAP] = "gap", [DW_REC_BEAT] = "beat",
};

const char *dw_rec_type_name(enum dw_rec_type t)
{
	return (unsigned int)t < DW_REC_TYPE_COUNT ? type_names[t] : "?";
}

bool dw_rec_host_valid(const char *s, size_t len)
{
	if (len == 0 || len > DW_REC_HOST_MAX)
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '.' || c == '_' || c == ':' || c == '-'))
			return false;
	}
	return true;
}

long dw_rec_escape(char *out, size_t outsz, const void *in, size_t len)
{
	static const char digits[] = "0123456789abcdef";
	const unsigned char *s = in;
	size_t o = 0;

	for (size_t i = 0; i < len; i++) {
		unsigned char c = s[i];
		if (c >= 0x20 && c < 0x7f && c != '\\') {
			if (o + 1 > outsz)
				return -ENOSPC;
			out[o++] = (char)c;
		} else if (c == '\\' || c == '\n') {
			if (o + 2 > outsz)
				return -ENOSPC;
			out[o++] = '\\';
			out[o++] = c == '\n' ? 'n' : '\\';
		} else {
			if (o + 4 > outsz)
				return -ENOSPC;
			out[o++] = '\\';
			out[o++] = 'x';
			out[o++] = digits[c >> 4];
			out[o++] = digits[c & 15];
		}
	}
	return (long)o;
}

long dw_rec_unescape(char *out, size_t outsz, const char *in, size_t len)
{
	size_t o = 0;
	for (size_t i = 0; i < len; i++) {
		char c = in[i];
		if (c == '\\') {
			if (i + 1 >= len)
				return -EINVAL;
			if (in[i + 1] == 'n' || in[i + 1] == '\\') {
				c = in[i + 1] == 'n' ? '\n' : '\\';
				i++;
			} else if (in[i + 1] == 'x' && i + 3 < len && dw_hex_digit_lower(in[i + 2]) >= 0 &&
				   dw_hex_digit_lower(in[i + 3]) >= 0) {
				c = (char)(dw_hex_digit_lower(in[i + 2]) << 4 | dw_hex_digit_lower(in[i + 3]));
				i += 3;
			} else {
				return -EINVAL;
			}
		}
		if (o >= outsz)
			return -ENOSPC;
		out[o++] = c;
	}
	return (long)o;
}

static bool all_hex_tail(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (dw_hex_digit_lower(p[i]) < 0)
			return false;
	return true;
}

long dw_rec_syslog_header(char *out, size_t outsz, uint64_t time_us, const char *syslog_host, long pid)
{
	char host[DW_REC_HOST_MAX + 1];
	size_t h = 0;
	struct tm tm;
	time_t sec = (time_t)(time_us / 1000000u);
	int n;

	/* RFC 5424 HOSTNAME is PRINTUSASCII without spaces; keep it simple. */
	for (const char *p = syslog_host; p && *p && h < DW_REC_HOST_MAX; p++)
		host[h++] = dw_rec_host_valid(p, 1) ? *p : '_';
	if (h == 0)
		host[h++] = '-';
	host[h] = '\0';
	gmtime_r(&sec, &tm);
	n = snprintf(out, outsz, "<%d>1 %04d-%02d-%02dT%02d:%02d:%02d.%06uZ %s dockwarden-audisp %ld dw1 - ",
		     DW_REC_PRI, tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
		     tm.tm_sec, (unsigned int)(time_us % 1000000u), host, pid);
	if (n < 0 || (size_t)n >= outsz)
		return -ENOSPC;
	return n;
}

long dw_rec_body(char *out, size_t outsz, const struct dw_rec_hdr *hdr, const void *msg, size_t len)
{
	char stream[DW_REC_STREAM_BYTES * 2 + 1], prev[DW_CHAIN_HEX + 1];
	long e;
	int n;

	dw_hex_encode(hdr->stream, sizeof hdr->stream, stream);
	stream[sizeof stream - 1] = '\0';
	dw_hex_encode(hdr->prev, sizeof hdr->prev, prev);
	prev[sizeof prev - 1] = '\0';
	n = snprintf(out, outsz, "dw1 host=%s stream=%s seq=%llu prev=%s type=%s time=%llu.%06u key=%s%s%s msg=",
		     hdr->host, stream, (unsigned long long)hdr->seq, prev, dw_rec_type_name(hdr->type),
		     (unsigned long long)(hdr->time_us / 1000000u), (unsigned int)(hdr->time_us % 1000000u),
		     hdr->keyid, hdr->extra && *hdr->extra ? " " : "", hdr->extra ? hdr->extra : "");
	if (n < 0 || (size_t)n >= outsz)
		return -ENOSPC;
	e = dw_rec_escape(out + n, outsz - (size_t)n, msg, len);
	if (e < 0)
		return e;
	e += n;
	/* Event text could end in something that looks like a signature field;
	 * escape its last character so that a parser never mistakes it for one. */
	if (e > n + 5 + DW_SIGN_SIG_HEX && memcmp(out + e - DW_SIGN_SIG_HEX - 5, " sig=", 5) == 0 &&
	    all_hex_tail(out + e - DW_SIGN_SIG_HEX, DW_SIGN_SIG_HEX)) {
		static const char digits[] = "0123456789abcdef";
		unsigned char c = (unsigned char)out[e - 1];
		if ((size_t)e + 3 > outsz)
			return -ENOSPC;
		out[e - 1] = '\\';
		out[e++] = 'x';
		out[e++] = digits[c >> 4];
		out[e++] = digits[c & 15];
	}
	return e;
}

const char *dw_rec_parse_strerror(enum dw_rec_parse_err e)
{
	switch (e) {
	case DW_REC_OK: return "ok";
	case DW_REC_ERR_NOT_SYSLOG: return "not an RFC 5424 syslog line";
	case DW_REC_ERR_NOT_DW: return "not a dockwarden record (MSG does not start with \"dw1 \")";
	case DW_REC_ERR_FIELD: return "malformed record header field";
	case DW_REC_ERR_SIG: return "malformed signature field";
	case DW_REC_ERR_BYTES: return "non-printable bytes in the record";
	}
	return "?";
}

bool dw_parse_u64(const char *p, size_t len, uint64_t *out)
{
	uint64_t v = 0;
	if (len == 0 || len > 20 || (len > 1 && p[0] == '0'))
		return false; /* canonical decimal only: one spelling per number */
	for (size_t i = 0; i < len; i++) {
		if (p[i] < '0' || p[i] > '9')
			return false;
		uint64_t d = (uint64_t)(p[i] - '0');
		if (v > (UINT64_MAX - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*out = v;
	return true;
}

/* Cursor over BODY: expects "NAME=" at *pos and returns the value up to the
 * next space (or END). */
static bool take_field(const char *s, size_t end, size_t *pos, const char *name, struct dw_str *val)
{
	size_t nl = strlen(name);
	size_t i = *pos;
	if (end - i < nl + 1 || memcmp(s + i, name, nl) != 0 || s[i + nl] != '=')
		return false;
	i += nl + 1;
	val->p = s + i;
	while (i < end && s[i] != ' ')
		i++;
	val->n = (size_t)(s + i - val->p);
	if (i < end)
		i++; /* the space */
	*pos = i;
	return true;
}

static bool all_hex(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (dw_hex_digit_lower(p[i]) < 0)
			return false;
	return true;
}

static bool parse_time(const struct dw_str *v, uint64_t *us)
{
	const char *dot = memchr(v->p, '.', v->n);
	uint64_t sec, frac;
	if (!dot || (size_t)(v->p + v->n - dot) != 7)
		return false;
	if (!dw_parse_u64(v->p, (size_t)(dot - v->p), &sec) || sec > UINT64_MAX / 1000000u - 1)
		return false;
	/* six digits, leading zeros allowed here */
	frac = 0;
	for (int i = 1; i <= 6; i++) {
		if (dot[i] < '0' || dot[i] > '9')
			return false;
		frac = frac * 10 + (uint64_t)(dot[i] - '0');
	}
	*us = sec * 1000000u + frac;
	return true;
}

enum dw_rec_parse_err dw_rec_parse(const char *line, size_t len, struct dw_rec *r)
{
	size_t start = 0, end, pos;
	struct dw_str v;
	int t;

	memset(r, 0, sizeof *r);
	if (len >= 4 && memcmp(line, "dw1 ", 4) == 0) {
		start = 0;
	} else {
		/* <PRI>1 TIMESTAMP HOSTNAME APP PROCID MSGID SD MSG: skip 7 tokens. */
		size_t i = 0;
		int spaces = 0;
		if (len < 2 || line[0] != '<')
			return DW_REC_ERR_NOT_SYSLOG;
		while (i < len && spaces < 7) {
			if (line[i] == ' ')
				spaces++;
			i++;
		}
		if (spaces < 7)
			return DW_REC_ERR_NOT_SYSLOG;
		start = i;
		if (len - start < 4 || memcmp(line + start, "dw1 ", 4) != 0)
			return DW_REC_ERR_NOT_DW;
	}
	for (size_t i = start; i < len; i++)
		if ((unsigned char)line[i] < 0x20 || (unsigned char)line[i] > 0x7e)
			return DW_REC_ERR_BYTES;

	/* Signature: fixed width at the end. */
	end = len;
	/* A signature is " sig=" and exactly 128 lowercase hex digits at the very
	 * end.  Anything else there is event text (the writer escapes text that
	 * would look like a signature, see dw_rec_body). */
	if (len - start > 5 + DW_SIGN_SIG_HEX &&
	    memcmp(line + len - DW_SIGN_SIG_HEX - 5, " sig=", 5) == 0 &&
	    all_hex(line + len - DW_SIGN_SIG_HEX, DW_SIGN_SIG_HEX)) {
		r->sig = line + len - DW_SIGN_SIG_HEX;
		end = len - DW_SIGN_SIG_HEX - 5;
	}
	r->body.p = line + start;
	r->body.n = end - start;

	pos = start + 4;
	if (!take_field(line, end, &pos, "host", &r->host) || !dw_rec_host_valid(r->host.p, r->host.n))
		return DW_REC_ERR_FIELD;
	if (!take_field(line, end, &pos, "stream", &r->stream) || r->stream.n != 2 * DW_REC_STREAM_BYTES ||
	    !all_hex(r->stream.p, r->stream.n))
		return DW_REC_ERR_FIELD;
	if (!take_field(line, end, &pos, "seq", &v) || !dw_parse_u64(v.p, v.n, &r->seq) || r->seq == 0)
		return DW_REC_ERR_FIELD;
	if (!take_field(line, end, &pos, "prev", &v) || dw_hex_decode(v.p, v.n, r->prev, DW_CHAIN_BYTES) < 0)
		return DW_REC_ERR_FIELD;
	if (!take_field(line, end, &pos, "type", &v))
		return DW_REC_ERR_FIELD;
	for (t = 0; t < DW_REC_TYPE_COUNT; t++)
		if (strlen(type_names[t]) == v.n && memcmp(type_names[t], v.p, v.n) == 0)
			break;
	if (t == DW_REC_TYPE_COUNT)
		return DW_REC_ERR_FIELD;
	r->type = (enum dw_rec_type)t;
	if (!take_field(line, end, &pos, "time", &v) || !parse_time(&v, &r->time_us))
		return DW_REC_ERR_FIELD;
	if (!take_field(line, end, &pos, "key", &r->keyid) || r->keyid.n != DW_SIGN_KEYID_HEX ||
	    !all_hex(r->keyid.p, r->keyid.n))
		return DW_REC_ERR_FIELD;
	/* Extra fields up to " msg=" (msg is last; it may contain anything). */
	r->extra.p = line + pos;
	while (true) {
		if (end - pos >= 4 && memcmp(line + pos, "msg=", 4) == 0)
			break;
		const char *eq = NULL;
		size_t i = pos;
		while (i < end && line[i] != ' ') {
			if (line[i] == '=' && !eq)
				eq = line + i;
			i++;
		}
		if (!eq || eq == line + pos || i >= end)
			return DW_REC_ERR_FIELD; /* not k=v, or ran off the end without msg= */
		pos = i + 1;
	}
	r->extra.n = pos > (size_t)(r->extra.p - line) ? pos - (size_t)(r->extra.p - line) : 0;
	if (r->extra.n > 0)
		r->extra.n--; /* trailing space */
	r->msg.p = line + pos + 4;
	r->msg.n = end - pos - 4;
	return DW_REC_OK;
}

bool dw_rec_extra_get(const struct dw_rec *r, const char *name, struct dw_str *val)
{
	size_t nl = strlen(name);
	const char *p = r->extra.p, *e = r->extra.p + r->extra.n;
	while (p < e) {
		const char *sp = memchr(p, ' ', (size_t)(e - p));
		const char *fe = sp ? sp : e;
		if ((size_t)(fe - p) > nl && memcmp(p, name, nl) == 0 && p[nl] == '=') {
			val->p = p + nl + 1;
			val->n = (size_t)(fe - val->p);
			return true;
		}
		p = fe + 1;
	}
	return false;
}
