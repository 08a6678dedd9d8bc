/* sender.h - the sender thread: drains the spool to the log host.
 *
 * RELP (librelp): records are sent with relpCltSendSyslog() in batches; a
 * batch counts as acknowledged only when the session is then closed cleanly
 * (librelp's close waits for the server's reply to "close", which rsyslog
 * sends after the replies to every earlier frame) and librelp reported no
 * error on the session in between.  Only then does spool_ack() advance.
 * Anything else (connect failure, broken session, timeout) restarts from the
 * last acknowledged record after a backoff: records may arrive twice, never
 * zero times, and verify recognises the copies by sequence number.
 *
 * Plain TCP (tcp://, RFC 6587 octet counting) has no acknowledgements; a
 * batch counts as delivered when it was written and the peer closed the
 * connection after our shutdown(SHUT_WR) (it read to the end).  Weaker: a
 * collector that crashes after reading loses what it had not stored.
 *
 * Reconnect backoff doubles from 100 ms up to 30 s (DW_AUDISP_MAX_BACKOFF_MS
 * lowers the cap for tests).
 *
 * Errors: a function returning int returns 0 or a negative errno
 * (ssize_t: the length, or a negative errno), unless it says otherwise. */
#ifndef DW_AUDISP_SENDER_H
#define DW_AUDISP_SENDER_H

#include <stdbool.h>

#include "dw_policy.h"
#include "spool.h"

/* Where the sender delivers: forward.target as the policy loader parsed
 * it, and the TLS files (copied: a reload must not free them under the
 * sender thread). */
struct target {
	struct dw_target dest;
	char tls_ca[4096], tls_cert[4096], tls_key[4096];
};

/* The target POL names. */
void target_from_policy(const struct dw_policy *pol, struct target *t);

struct sender;

int sender_start(struct spool *sp, const struct target *t, struct sender **out);
/* Replace the target (policy reload); takes effect at the next connection. */
void sender_set_target(struct sender *s, const struct target *t);
/* Ask the thread to deliver what is spooled for at most DRAIN_MS, then stop;
 * joins it. */
void sender_stop(struct sender *s, int drain_ms);

#endif
