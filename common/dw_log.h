/* dw_log.h - one decision format for every component, to syslog and audit.
 *
 * A decision is a list of key=value fields.  Formatting (dw_kv_format) is the
 * same for syslog and audit:  key=value when VALUE is made of safe characters
 * [A-Za-z0-9_./:@,+-], key="value" when it has spaces or other printable ASCII
 * except '"', '\\' and '\'' (the kernel wraps user records in msg='...'), and
 * key=HEX (audit's untrusted-string encoding: two upper-case hex digits per
 * byte) otherwise.  An empty value is key="", a NULL value key=?.  Keys are
 * [a-z_]+ (at most 64), anything else is -EINVAL.
 * Callers never pass secrets: no env values, credentials, or bodies.
 *
 * Errors: a function returning int returns 0 or a negative errno
 * (ssize_t: the length, or a negative errno), unless it says otherwise. */
#ifndef DW_LOG_H
#define DW_LOG_H

#include <stddef.h>

/* Leaves room in audit's MAX_AUDIT_MESSAGE_LENGTH (8970) for what
 * audit_log_user_message appends (exe=..., hostname, addr, terminal, res). */
#define DW_LOG_LINE_MAX 6144
/* A line buffer: the fields and a " truncated=yes" mark. */
#define DW_LOG_LINE_BUF (DW_LOG_LINE_MAX + 16)
#define DW_COMPONENT_MAX 32

struct dw_field {
	const char *key;    /* [a-z_]+ */
	const char *value;  /* NULL is written as "?" (audit's convention) */
};

/* Format FIELDS into OUT (always NUL-terminated when OUTSZ > 0).  Returns the
 * length written, or -ENOSPC when truncated (OUT holds a clean prefix). */
int dw_kv_format(char *out, size_t outsz, const struct dw_field *fields, size_t n);

/* Open the audit netlink socket; returns fd or -errno (e.g. no audit in the
 * kernel or not permitted — callers log and carry on with syslog alone). */
int dw_audit_open(void);
void dw_audit_close(int fd);

enum dw_outcome {
	DW_OUTCOME_DENY = 0,
	DW_OUTCOME_ALLOW = 1,
};

/* The fields of one decision as logged (dw_kv_format; when they do not fit,
 * the whole fields that do and " truncated=yes").  COMPONENT is checked
 * ([a-z_-]{1,32}).  LINESZ >= DW_LOG_LINE_BUF.  Length, or -EINVAL. */
int dw_log_line(const char *component, const struct dw_field *fields, size_t n, char *line,
		size_t linesz);

/* Log one decision: to syslog at PRIORITY (facility LOG_AUTHPRIV) as
 * "dockwarden-COMPONENT: <fields>", and, when AUDIT_FD >= 0, as an audit user
 * record of AUDIT_TYPE with "op=dockwarden-COMPONENT <fields>" and res=OUTCOME.
 * HOST/ADDR may be NULL.  Returns 0, or the audit write's -errno (syslog is
 * always attempted). */
int dw_log_decision(const char *component, int priority, int audit_fd, int audit_type,
		    const char *host, const char *addr, enum dw_outcome outcome,
		    const struct dw_field *fields, size_t n);

#endif
