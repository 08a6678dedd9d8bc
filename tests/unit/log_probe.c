/* log_probe.c - logs decisions for test_log_e2e.sh, which checks what a real
 * rsyslogd and auditd received.
 * Usage: log_probe COMPONENT TAG            one deny via dw_log_decision
 *        log_probe COMPONENT TAG plain      one allow via dw_log_decision, as
 *                                           the authz plugin logs (no host/addr)
 *        log_probe COMPONENT TAG batch N    N allows via dw_logbatch, tags TAG-0..
 * (TAG makes the lines findable) */
#include <errno.h>
#include <libaudit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "dw_log.h"
#include "dw_logbatch.h"

static int batch(const char *component, const char *tag, const struct dw_field *fields, size_t nf,
		 int fd, long count)
{
	struct dw_logbatch *b;
	struct dw_field f[16];
	char t[128];
	size_t sf, af, sf_all = 0, af_all = 0;
	long i;
	int r;

	r = dw_logbatch_new(&b, component, "dockwarden-probe", fd, AUDIT_TRUSTED_APP);
	if (r < 0) {
		fprintf(stderr, "dw_logbatch_new: %s\n", strerror(-r));
		return 1;
	}
	memcpy(f, fields, nf * sizeof(*f));
	f[0].value = t;
	for (i = 0; i < count; i++) {
		snprintf(t, sizeof(t), "%s-%ld", tag, i);
		r = dw_logbatch_add(b, LOG_INFO, DW_OUTCOME_ALLOW, f, nf);
		if (r == -ENOSPC) {
			dw_logbatch_flush(b, &sf, &af);
			sf_all += sf;
			af_all += af;
			r = dw_logbatch_add(b, LOG_INFO, DW_OUTCOME_ALLOW, f, nf);
		}
		if (r < 0) {
			fprintf(stderr, "dw_logbatch_add: %s\n", strerror(-r));
			dw_logbatch_free(b);
			return 1;
		}
	}
	dw_logbatch_flush(b, &sf, &af);
	dw_logbatch_free(b);
	sf_all += sf;
	af_all += af;
	if (sf_all || af_all) {
		fprintf(stderr, "dw_logbatch: %zu syslog and %zu audit records not delivered\n", sf_all,
			af_all);
		return 1;
	}
	return 0;
}

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
	const size_t nf = sizeof(fields) / sizeof(fields[0]);
	const char *mode = argc > 3 ? argv[3] : "";
	int fd, r;

	if (argc < 3 || (strcmp(mode, "batch") == 0 && argc < 5)) {
		fprintf(stderr, "usage: log_probe COMPONENT TAG [plain | batch N]\n");
		return 2;
	}
	/* openlog is the caller's business: ident as a daemon would set it. */
	openlog("dockwarden-probe", LOG_PID, LOG_AUTHPRIV);
	fd = dw_audit_open();
	if (fd < 0) {
		fprintf(stderr, "dw_audit_open: %s\n", strerror(-fd));
		return 1;
	}
	if (strcmp(mode, "batch") == 0)
		r = batch(argv[1], argv[2], fields, nf, fd, atol(argv[4]));
	else if (strcmp(mode, "plain") == 0)
		r = dw_log_decision(argv[1], LOG_INFO, fd, AUDIT_TRUSTED_APP, NULL, "?",
				    DW_OUTCOME_ALLOW, fields, nf) < 0;
	else
		r = dw_log_decision(argv[1], LOG_WARNING, fd, AUDIT_TRUSTED_APP, "client.example",
				    "192.0.2.7", DW_OUTCOME_DENY, fields, nf) < 0;
	dw_audit_close(fd);
	closelog();
	if (r) {
		fprintf(stderr, "log_probe: logging failed\n");
		return 1;
	}
	return 0;
}
