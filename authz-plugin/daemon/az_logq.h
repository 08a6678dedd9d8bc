/* az_logq.h - decision logging off the request path.
 *
 * syslog and the audit netlink write can block (a stalled rsyslogd, a full
 * audit backlog) and dockerd waits on the plugin with no timeout.  Request
 * threads put a fixed-size record in a bounded queue; one logger thread
 * writes syslog (LOG_AUTHPRIV) and audit in batches.  A request that finds
 * the queue full waits for room while the logger is making progress (so
 * under load requests go at the pace decisions can be logged: none is lost);
 * only when the logger has finished nothing for AZ_LOGQ_STALL_MS (a stalled
 * log daemon) is the record dropped and counted, and the count is logged
 * with the next record.  A stalled daemon thus costs each request at most
 * one short wait, never dockerd's liveness.
 *
 * Errors: a function returning int returns 0 or a negative errno
 * (ssize_t: the length, or a negative errno), unless it says otherwise. */
#ifndef AZ_LOGQ_H
#define AZ_LOGQ_H

#include "az_verdict.h"

#define AZ_LOGQ_STALL_MS 1000

struct az_logq;

int az_logq_start(struct az_logq **out, int audit_fd);
/* Queue the decision for USER METHOD PATH (never bodies or query values). */
void az_logq_decision(struct az_logq *q, const char *user, const char *method, const char *path,
		      const struct az_verdict *v);
/* Drain, stop the thread, free. */
void az_logq_stop(struct az_logq *q);

#endif
