/* dw_logbatch.h - many decisions to syslog and audit in a few system calls.
 *
 * dw_log_decision() costs four system calls per decision (syslog's send; and
 * libaudit's tty check, send and wait for the kernel's ACK), and the audit
 * send sleeps whenever the kernel's audit backlog is over its limit.  The
 * authz plugin makes tens of thousands of decisions a second, more than one
 * thread logs that way.  A batch writes exactly the same records: the syslog
 * datagrams go out with one sendmmsg(), the audit records as one netlink
 * message train (the kernel takes each message of it in turn, and applies
 * its backlog penalty once per train), and their ACKs come back with one
 * recvmmsg().  Not thread-safe: one batch per logging thread. */
#ifndef DW_LOGBATCH_H
#define DW_LOGBATCH_H

#include <stddef.h>

#include "dw_log.h"

#define DW_LOGBATCH_MAX 64 /* records per batch */

struct dw_logbatch;

/* A batch for COMPONENT's records: syslog tag IDENT (as given to openlog),
 * facility LOG_AUTHPRIV; audit records of AUDIT_TYPE on AUDIT_FD (-1: none).
 * 0 or -errno. */
int dw_logbatch_new(struct dw_logbatch **out, const char *component, const char *ident,
		    int audit_fd, int audit_type);
void dw_logbatch_free(struct dw_logbatch *b);

/* Add one decision (see dw_log_decision).  -ENOSPC when the batch is full
 * (flush first), -EINVAL for a field dw_log_line() refuses. */
int dw_logbatch_add(struct dw_logbatch *b, int priority, enum dw_outcome outcome,
		    const struct dw_field *fields, size_t n);

/* Records waiting in the batch. */
size_t dw_logbatch_count(const struct dw_logbatch *b);

/* Send everything added, then empty the batch.  *SYSLOG_FAILED and
 * *AUDIT_FAILED (may be NULL) count the records that could not be handed
 * over (no syslog socket, audit refused or never acknowledged). */
void dw_logbatch_flush(struct dw_logbatch *b, size_t *syslog_failed, size_t *audit_failed);

#endif
