/* check_audit.c - auditd, the CIS 1.1.x watches in the kernel, the forwarder. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "doctor.h"
#include "checks.h"

#define DR_ACK_STALE_S 600 /* the sender retries TLS failures every 10 minutes */

void dr_check_auditd(const struct dr_facts *f, const struct dr_check *ck, struct dr_report *r)
{
	if (f->audit_err != 0 && f->auditd_pid == 0) {
		dr_add(r, ck, DR_FAIL, NULL, "run doctor as root (CAP_AUDIT_CONTROL)", "%s",
		       f->audit_msg);
		return;
	}
	if (f->auditd_pid > 0)
		dr_add(r, ck, DR_PASS, NULL, NULL, "auditd (pid %d) is registered with the kernel",
		       (int)f->auditd_pid);
	else
		dr_add(r, ck, f->fwd_active ? DR_FAIL : DR_WARN, NULL,
		       "apt-get install auditd; systemctl enable --now auditd",
		       "no audit daemon is registered with the kernel: audit records%s are not kept",
		       f->fwd_active ? " (and so not forwarded)" : "");
}

/* Is W loaded: a kernel watch on the same path and kind, with W's key and
 * at least W's permissions? */
static bool loaded(const struct dr_facts *f, const struct dr_want_rule *w)
{
	for (size_t i = 0; i < f->n_rules; i++) {
		const struct dr_arule *a = &f->rules[i];

		if (a->dir == w->dir && strcmp(a->path, w->path) == 0 &&
		    strcmp(a->key, w->key) == 0 && (a->perm & w->perm) == w->perm)
			return true;
	}
	return false;
}

/* One CIS 1.1.x section (ck->sarg: "1.1.3"): every shipped watch of it. */
void dr_check_watches(const struct dr_facts *f, const struct dr_check *ck, struct dr_report *r)
{
	char missing[DR_MSG] = "", present[DR_MSG] = "", absent[DR_MSG] = "";
	size_t nm = 0, np = 0, na = 0, om = 0, op = 0, oa = 0;

	if (f->audit_err != 0) {
		dr_add(r, ck, DR_SKIP, NULL, NULL, "the kernel's rules could not be read (see dw-auditd)");
		return;
	}
	for (size_t i = 0; i < f->n_want; i++) {
		const struct dr_want_rule *w = &f->want[i];
		char *buf;
		size_t *o, sz = DR_MSG;

		if (strcmp(w->cis, ck->sarg) != 0)
			continue;
		if (w->path_err == ENOENT) {
			buf = absent, o = &oa, na++;
		} else if (loaded(f, w)) {
			buf = present, o = &op, np++;
		} else {
			buf = missing, o = &om, nm++;
		}
		if (*o < sz)
			*o += (size_t)snprintf(buf + *o, sz - *o, "%s%s", *o ? " " : "", w->path);
	}
	if (nm > 0)
		dr_add(r, ck, DR_WARN, NULL,
		       "install packaging/audit/dockwarden.rules as /etc/audit/rules.d/dockwarden.rules; "
		       "augenrules --load",
		       "not watched (key docker): %s%s%s", missing, np ? "; watched: " : "", present);
	else if (np > 0)
		dr_add(r, ck, DR_PASS, NULL, NULL, "watched (key docker): %s%s%s", present,
		       na ? "; not on this host: " : "", absent);
	else if (na > 0)
		dr_add(r, ck, DR_SKIP, NULL, NULL, "not on this host: %s", absent);
	else
		dr_add(r, ck, DR_SKIP, NULL, NULL, "no shipped watch in section %s", ck->sarg);
}

void dr_check_forwarder(const struct dr_facts *f, const struct dr_check *ck, struct dr_report *r)
{
	bool target = f->pol && f->pol->forward.target && f->pol->forward.target[0];

	if (f->fwd_conf[0] == '\0') {
		dr_add(r, ck, DR_WARN, NULL,
		       "install packaging/audit/dockwarden-plugin.conf in /etc/audit/plugins.d "
		       "and set active = yes",
		       "no auditd plugin file runs dockwarden-audisp: Docker audit records stay on "
		       "this host, where root can rewrite them");
	} else if (!f->fwd_active) {
		dr_add(r, ck, DR_WARN, f->fwd_conf, "set active = yes in the file; restart auditd",
		       "dockwarden-audisp is configured but active = no");
	} else if (!target) {
		dr_add(r, ck, DR_FAIL, f->fwd_conf,
		       "set forward.target (relp://LOGHOST:2514) in the policy",
		       "dockwarden-audisp is active but the policy has no forward.target: it refuses "
		       "to run");
	} else {
		dr_add(r, ck, DR_PASS, f->fwd_conf, NULL, "active, forwarding to %s",
		       f->pol->forward.target);
	}
}

void dr_check_spool(const struct dr_facts *f, const struct dr_check *ck, struct dr_report *r)
{
	uint64_t backlog;
	long long age;

	if (!f->fwd_active) {
		dr_add(r, ck, DR_SKIP, NULL, NULL, "the forwarder is not active");
		return;
	}
	if (f->spool_err != 0) {
		dr_add(r, ck, DR_WARN, f->pol ? f->pol->forward.spool_dir : NULL,
		       "restart auditd and read dockwarden-audisp's log",
		       "spool unreadable: %s (the forwarder has not run?)", strerror(f->spool_err));
		return;
	}
	backlog = f->spool_durable_seq > f->spool_acked_seq
			  ? f->spool_durable_seq - f->spool_acked_seq : 0;
	age = f->spool_acked_mtime ? (long long)(f->now - f->spool_acked_mtime) : -1;
	if (backlog > 0 && (age < 0 || age > DR_ACK_STALE_S))
		dr_add(r, ck, DR_WARN, f->pol->forward.spool_dir,
		       "check that the log host is up and reachable (dockwarden-audisp logs each failure)",
		       "%llu records (%llu bytes in %llu segments) not acknowledged by the log host; "
		       "last acknowledgment %s%lld s ago",
		       (unsigned long long)backlog, (unsigned long long)f->spool_bytes,
		       (unsigned long long)f->spool_segments, age < 0 ? "never, " : "",
		       age < 0 ? 0 : age);
	else
		dr_add(r, ck, DR_PASS, f->pol->forward.spool_dir, NULL,
		       "%llu records waiting, last acknowledged seq %llu %lld s ago",
		       (unsigned long long)backlog, (unsigned long long)f->spool_acked_seq,
		       age < 0 ? 0 : age);
}
