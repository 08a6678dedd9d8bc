/* pam_report.c - every decision about a guarded user goes on record, once:
 * syslog (LOG_AUTHPRIV, via libdockwarden's one decision format) and the
 * Linux audit log, from where the forwarder ships it to the log host.
 *
 * Audit record types (libaudit.h 3.0.9):
 *   allow                  AUDIT_USER_ACCT            (1101, "user system access authorization")
 *   deny, origin the cause AUDIT_ANOM_LOGIN_LOCATION  (2104, "login from forbidden location")
 *   deny, any other cause  AUDIT_ANOM_LOGIN_ACCT      (2103, "login attempted to watched acct")
 * Session open/close is syslog only: libpam itself already writes the
 * USER_START/USER_END audit records for every session.
 *
 * The audit socket is opened per decision and closed again: a PAM module
 * must not keep descriptors or other state in the host process. */
#include <libaudit.h>
#include <syslog.h>

#include "dw_log.h"
#include "pam_dw.h"

static const char *origin_addr(const struct dw_pam_origin *o)
{
	return o != NULL && o->kind == DW_ORIGIN_ADDR ? o->text : NULL;
}

static const char *origin_host(const struct dw_pam_origin *o)
{
	if (o == NULL)
		return NULL;
	if (o->host[0] != '\0')
		return o->host;
	return o->kind == DW_ORIGIN_HOSTNAME ? o->text : NULL;
}

int dw_pam_audit_type(const struct dw_pam_decision *d)
{
	if (d->verdict == DW_PAM_ALLOW)
		return AUDIT_USER_ACCT;
	return d->by_origin ? AUDIT_ANOM_LOGIN_LOCATION : AUDIT_ANOM_LOGIN_ACCT;
}

void dw_pam_report_decision(const struct dw_pam_context *c, const struct dw_pam_decision *d)
{
	const bool allow = d->verdict == DW_PAM_ALLOW;
	const struct dw_field fields[] = {
		{ "user", c->user },
		{ "service", c->service },
		{ "origin", c->origin != NULL ? c->origin->text : NULL },
		{ "method", c->auth != NULL ? c->auth->summary : NULL },
		{ "group", c->guarded_group },
		{ "decision", allow ? "allow" : "deny" },
		{ "rule", d->rule },
		{ "phase", c->phase },
		{ "reason", d->reason },
	};
	int type = dw_pam_audit_type(d), fd;

	/* Without audit (no kernel support, not permitted) syslog still has
	 * the record; dw_log_decision always attempts syslog. */
	fd = dw_audit_open();
	(void)dw_log_decision("pam", allow ? LOG_NOTICE : LOG_WARNING, fd, type,
			      origin_host(c->origin), origin_addr(c->origin),
			      allow ? DW_OUTCOME_ALLOW : DW_OUTCOME_DENY,
			      fields, sizeof(fields) / sizeof(fields[0]));
	if (fd >= 0)
		dw_audit_close(fd);
}

void dw_pam_report_session(const struct dw_pam_context *c, const char *event)
{
	const struct dw_field fields[] = {
		{ "user", c->user },
		{ "service", c->service },
		{ "origin", c->origin != NULL ? c->origin->text : NULL },
		{ "tty", c->tty },
		{ "group", c->guarded_group },
		{ "session", event },
	};

	(void)dw_log_decision("pam", LOG_INFO, -1, 0, origin_host(c->origin),
			      origin_addr(c->origin), DW_OUTCOME_ALLOW,
			      fields, sizeof(fields) / sizeof(fields[0]));
}
