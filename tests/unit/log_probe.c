/* log_probe.c - logs one decision through dw_log_decision, for
 * test_log_e2e.sh, which checks what a real rsyslogd and auditd received.
 * Usage: log_probe COMPONENT TAG   (TAG makes the lines findable) */
#include <errno.h>
#include <libaudit.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>

#include "dw_log.h"

int main(int argc, char **argv)
{
	const struct dw_field fields[] = {
		{"tag", argc > 2 ? argv[2] : "none"},
		{"user", "alice"},
		{"decision", "deny"},
		{"rule", "host_mounts"},
		{"why", "source /etc is a sensitive host path"},
		{"path", "/tmp/a\"b"},
		{"reason", NULL},
	};
	int fd, r;

	if (argc < 3) {
		fprintf(stderr, "usage: log_probe COMPONENT TAG\n");
		return 2;
	}
	/* openlog is the caller's business: ident as a daemon would set it. */
	openlog("dockwarden-probe", LOG_PID, LOG_AUTHPRIV);
	fd = dw_audit_open();
	if (fd < 0) {
		fprintf(stderr, "dw_audit_open: %s\n", strerror(-fd));
		return 1;
	}
	r = dw_log_decision(argv[1], LOG_WARNING, fd, AUDIT_TRUSTED_APP, "client.example",
			    "192.0.2.7", DW_OUTCOME_DENY, fields, sizeof(fields) / sizeof(fields[0]));
	dw_audit_close(fd);
	closelog();
	if (r < 0) {
		fprintf(stderr, "dw_log_decision: %s\n", strerror(-r));
		return 1;
	}
	return 0;
}
