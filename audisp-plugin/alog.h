/* alog.h - the plugin's own diagnostics: syslog (daemon facility) and stderr. */
#ifndef DW_AUDISP_ALOG_H
#define DW_AUDISP_ALOG_H

#include <syslog.h>

void alog_init(void);
void alog(int prio, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
