/* alog.c - see alog.h.  auditd does not read a plugin's stderr, so syslog is
 * where an operator finds these; tests read stderr. */
#include "alog.h"

#include <stdarg.h>
#include <stdio.h>

void alog_init(void)
{
	openlog("dockwarden-audisp", LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

void alog(int prio, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	syslog(prio, "%s", msg);
	fprintf(stderr, "dockwarden-audisp: %s\n", msg);
}
