/* az_verdict.c - collect violations into one decision. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "az_verdict.h"

void az_verdict_init(struct az_verdict *v)
{
	memset(v, 0, sizeof(*v));
	v->rule = AZ_RULE_NONE;
}

const char *az_rule_label(int rule)
{
	if (rule == AZ_RULE_REQUEST)
		return "request";
	if (rule < 0)
		return "none";
	return dw_rule_name((enum dw_rule)rule);
}

/* FMT with AP into OUT, as "SUBJECT (DETAIL)" inside a borrowed object. */
static void describe(const char *subject, char *out, size_t outsz, const char *fmt, va_list ap)
	__attribute__((format(printf, 4, 0)));
static void describe(const char *subject, char *out, size_t outsz, const char *fmt, va_list ap)
{
	char detail[AZ_MSG_MAX];

	if (!subject) {
		vsnprintf(out, outsz, fmt, ap);
		return;
	}
	vsnprintf(detail, sizeof(detail), fmt, ap);
	/* cut, never failed: a long subject leaves the detail shorter */
	if (snprintf(out, outsz, "%s (%s)", subject, detail) < 0)
		out[0] = '\0';
}

static void deny_with(struct az_verdict *v, const char *subject, int rule, const char *fmt,
		      va_list ap) __attribute__((format(printf, 4, 0)));
static void deny_with(struct az_verdict *v, const char *subject, int rule, const char *fmt,
		      va_list ap)
{
	char detail[AZ_MSG_MAX - 64];

	if (v->deny)
		return; /* the first deny decides the message */
	describe(subject, detail, sizeof(detail), fmt, ap);
	v->deny = true;
	v->rule = rule;
	/* labels are short (< 24 bytes): the message always fits */
	if (snprintf(v->msg, sizeof(v->msg), "dockwarden: denied: %.24s: %s", az_rule_label(rule),
		     detail) < 0)
		v->msg[0] = '\0';
}

void az_flag(struct az_ctx *c, enum dw_rule rule, const char *fmt, ...)
{
	va_list ap;
	enum dw_mode mode = c->prof->rules[rule];

	if (mode == DW_MODE_OFF)
		return;
	va_start(ap, fmt);
	if (mode == DW_MODE_DENY) {
		deny_with(c->v, c->subject, (int)rule, fmt, ap);
	} else {
		size_t i = c->v->n_warn++;
		if (i < AZ_WARN_MAX) {
			c->v->warn_rule[i] = (int)rule;
			describe(c->subject, c->v->warn_msg[i], sizeof(c->v->warn_msg[i]), fmt, ap);
		}
	}
	va_end(ap);
}

void az_reject(struct az_ctx *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	deny_with(c->v, c->subject, AZ_RULE_REQUEST, fmt, ap);
	va_end(ap);
}

void az_sanitize(const char *s, size_t len, char *out, size_t outsz)
{
	size_t i, o = 0;

	if (outsz == 0)
		return;
	for (i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (o + 1 >= outsz)
			break;
		/* no quotes: audit wraps user messages in msg='...' */
		out[o++] = (ch >= 0x20 && ch < 0x7f && ch != '"' && ch != '\\' && ch != '\'') ? (char)ch : '?';
	}
	if (i < len && outsz > 4) {
		o = o > outsz - 4 ? outsz - 4 : o;
		memcpy(out + o, "...", 3);
		o += 3;
	}
	out[o] = '\0';
}
