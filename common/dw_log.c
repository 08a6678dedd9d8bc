/* dw_log.c - one decision line for syslog and for the audit trail.
 *
 * The same key=value text goes to both so that the log host can correlate
 * them, and so that a hostile value (a path with spaces, quotes or control
 * characters chosen by a Docker user) can never forge extra fields: such a
 * value is quoted or hex-encoded the way auditd encodes untrusted strings. */
#include <errno.h>
#include <libaudit.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>

#include "dw_log.h"

#define DW_KEY_MAX 64

enum value_class { VALUE_PLAIN, VALUE_QUOTED, VALUE_HEX };

static bool is_safe(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '.' || c == '/' || c == ':' || c == '@' || c == ',' ||
	       c == '+' || c == '-';
}

/* Quotable: printable ASCII except '"' and '\\' (they would end or escape the
 * quotes) and '\'' (the kernel wraps user messages in msg='...'). */
static bool is_quotable(unsigned char c)
{
	return c >= 0x20 && c <= 0x7e && c != '"' && c != '\\' && c != '\'';
}

static enum value_class classify(const char *v, size_t len)
{
	enum value_class cls = VALUE_PLAIN;
	size_t i;

	if (len == 0)
		return VALUE_QUOTED;   /* key="" rather than a bare key= */
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)v[i];

		if (is_safe(c))
			continue;
		if (!is_quotable(c))
			return VALUE_HEX;
		cls = VALUE_QUOTED;
	}
	return cls;
}

static bool key_ok(const char *key, size_t *len)
{
	size_t i, n;

	if (!key)
		return false;
	n = strnlen(key, DW_KEY_MAX + 1);
	if (n == 0 || n > DW_KEY_MAX)
		return false;
	for (i = 0; i < n; i++)
		if (!((key[i] >= 'a' && key[i] <= 'z') || key[i] == '_'))
			return false;
	*len = n;
	return true;
}

int dw_kv_format(char *out, size_t outsz, const struct dw_field *fields, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t pos = 0, i;
	int ret;

	if (!out) {
		ret = -EINVAL;
		goto out;
	}
	if (outsz == 0) {
		ret = -ENOSPC;
		goto out;
	}
	out[0] = '\0';
	if (n > 0 && !fields) {
		ret = -EINVAL;
		goto out;
	}
	for (i = 0; i < n; i++) {
		const char *v = fields[i].value ? fields[i].value : "?";
		size_t klen = 0, vlen, need, p, j;
		enum value_class cls;

		if (!key_ok(fields[i].key, &klen)) {
			ret = -EINVAL;
			goto out;
		}
		/* A value longer than the buffer cannot fit anyway: bound the scan. */
		vlen = strnlen(v, outsz);
		if (vlen >= outsz) {
			ret = -ENOSPC;
			goto out;
		}
		/* NULL is audit's unknown, written bare as "?" (not quoted). */
		cls = fields[i].value ? classify(v, vlen) : VALUE_PLAIN;
		need = (pos ? 1 : 0) + klen + 1 +
		       (cls == VALUE_HEX ? 2 * vlen : vlen + (cls == VALUE_QUOTED ? 2 : 0));
		if (need >= outsz - pos) {
			/* Keep the clean prefix of whole fields written so far. */
			out[pos] = '\0';
			ret = -ENOSPC;
			goto out;
		}
		p = pos;
		if (p)
			out[p++] = ' ';
		memcpy(out + p, fields[i].key, klen);
		p += klen;
		out[p++] = '=';
		switch (cls) {
		case VALUE_PLAIN:
			memcpy(out + p, v, vlen);
			p += vlen;
			break;
		case VALUE_QUOTED:
			out[p++] = '"';
			memcpy(out + p, v, vlen);
			p += vlen;
			out[p++] = '"';
			break;
		case VALUE_HEX:
			for (j = 0; j < vlen; j++) {
				unsigned char c = (unsigned char)v[j];

				out[p++] = hex[c >> 4];
				out[p++] = hex[c & 0x0f];
			}
			break;
		}
		out[p] = '\0';
		pos = p;
	}
	ret = (int)pos;
out:
	return ret;
}

int dw_audit_open(void)
{
	int fd = audit_open();

	if (fd < 0)
		return errno ? -errno : -EIO;
	return fd;
}

void dw_audit_close(int fd)
{
	if (fd >= 0)
		audit_close(fd);
}

static bool component_ok(const char *c)
{
	size_t i, n;

	if (!c)
		return false;
	n = strnlen(c, DW_COMPONENT_MAX + 1);
	if (n == 0 || n > DW_COMPONENT_MAX)
		return false;
	for (i = 0; i < n; i++)
		if (!((c[i] >= 'a' && c[i] <= 'z') || c[i] == '-' || c[i] == '_'))
			return false;
	return true;
}

/* Host/address go into audit's own hostname=/addr= fields unencoded, so
 * only plain values pass; anything else becomes "?". */
static const char *audit_safe(const char *s)
{
	size_t i, n;

	if (!s)
		return NULL;
	n = strnlen(s, 256);
	if (n == 0 || n >= 256)
		return NULL;
	for (i = 0; i < n; i++)
		if (!is_safe((unsigned char)s[i]))
			return NULL;
	return s;
}

int dw_log_line(const char *component, const struct dw_field *fields, size_t n, char *line,
		size_t linesz)
{
	static const char trunc_mark[] = " truncated=yes";
	int len;

	if (!component_ok(component) || linesz < DW_LOG_LINE_BUF)
		return -EINVAL; /* a caller bug, not data: nothing to log */
	len = dw_kv_format(line, DW_LOG_LINE_MAX, fields, n);
	if (len == -ENOSPC) {
		/* Log the whole fields that fit and say that more was cut. */
		size_t l = strnlen(line, DW_LOG_LINE_MAX);

		memcpy(line + l, trunc_mark, sizeof(trunc_mark));
		len = (int)(l + sizeof(trunc_mark) - 1);
	}
	return len;
}

int dw_log_decision(const char *component, int priority, int audit_fd, int audit_type,
		    const char *host, const char *addr, enum dw_outcome outcome,
		    const struct dw_field *fields, size_t n)
{
	char line[DW_LOG_LINE_BUF];
	char msg[DW_LOG_LINE_BUF + 64];
	int len, ret;

	len = dw_log_line(component, fields, n, line, sizeof(line));
	if (len < 0) {
		ret = len;
		goto out;
	}

	syslog(LOG_AUTHPRIV | (priority & LOG_PRIMASK), "dockwarden-%s: %s", component, line);

	ret = 0;
	if (audit_fd >= 0) {
		int r;

		r = snprintf(msg, sizeof(msg), "op=dockwarden-%s %s", component, line);
		if (r < 0 || (size_t)r >= sizeof(msg)) {
			ret = -ENOSPC;
			goto out;
		}
		/* addr "?" rather than NULL: libaudit would otherwise resolve
		 * HOST through DNS, which must never happen on a request path. */
		errno = 0;
		r = audit_log_user_message(audit_fd, audit_type, msg, audit_safe(host),
					   audit_safe(addr) ? addr : "?", NULL,
					   outcome == DW_OUTCOME_ALLOW ? 1 : 0);
		if (r <= 0)
			ret = errno > 0 ? -errno : (r < 0 ? r : -EIO);
	}
out:
	return ret;
}
