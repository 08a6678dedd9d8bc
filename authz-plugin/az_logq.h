/* az_logq.h - decision logging off the request path.
 *
 * syslog(3) and the audit netlink write can block (a stalled rsyslogd, a full
 * audit backlog) and dockerd waits on the plugin with no timeout.  Request
 * threads put a fixed-size record in a bounded queue; one logger thread
 * writes syslog (LOG_AUTHPRIV) and audit.  When the queue is full the record
 * is dropped and counted; the count is logged with the next record. */
#ifndef AZ_LOGQ_H
#define AZ_LOGQ_H

#include "az_verdict.h"

struct az_logq;

int az_logq_start(struct az_logq **out, int audit_fd);
/* Queue the decision for USER METHOD PATH (never bodies or query values). */
void az_logq_decision(struct az_logq *q, const char *user, const char *method, const char *path,
		      const struct az_verdict *v);
/* Drain, stop the thread, free. */
void az_logq_stop(struct az_logq *q);

#endif
