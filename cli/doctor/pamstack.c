/* pamstack.c - sshd's PAM stack and every stack holding pam_dockwarden's
 * account line, read with dw_pamstack (as Linux-PAM reads them: @include,
 * include, substack): where the account line is, and what each stack lacks
 * for the module to work (its auth and session lines for key evidence in
 * sshd's stacks, nothing that skips its lines). */
#include <libgen.h>
#include <stdio.h>
#include <string.h>

#include "doctor.h"
#include "dw_pamstack.h"

struct walk {
	const char *dir, *sshd;
	bool require_key;
	struct dr_pam_findings *out;
};

static void add_finding(void *ctx, const char *file, unsigned int line, const char *msg)
{
	struct dr_pam_findings *out = ctx;
	char where[sizeof(out->v[0].where)];
	size_t i;

	if (file)
		dr_strf(where, sizeof(where), "%s:%u", file, line);
	else
		where[0] = '\0';
	/* a line of an include file (common-account) is found through every
	 * service that includes it: one finding */
	for (i = 0; i < out->n; i++)
		if (strcmp(out->v[i].where, where) == 0 && strcmp(out->v[i].msg, msg) == 0)
			return;
	if (out->n == DR_PAM_FINDINGS_MAX) {
		out->truncated = true;
		return;
	}
	dr_strf(out->v[out->n].where, sizeof(out->v[0].where), "%s", where);
	dr_strf(out->v[out->n].msg, sizeof(out->v[0].msg), "%s", msg);
	out->n++;
}

/* One service: its findings when it holds the account line (or MUST). */
static void scan_service(const struct walk *w, const char *service, bool require_key, bool must,
			 struct dr_pam_hit *hit)
{
	struct dw_pamstack st;
	struct dw_pamstack_report r;

	(void)dw_pamstack_load(w->dir, service, &st);
	dw_pamstack_analyse(&st, &r);
	if (hit && r.hook[DW_PAMSTACK_ACCOUNT].at >= 0) {
		const struct dw_pamstack_entry *e = &st.v[r.hook[DW_PAMSTACK_ACCOUNT].at];
		hit->found = true;
		dr_strf(hit->where, sizeof(hit->where), "%s:%u", e->file, e->line);
		dr_strf(hit->control, sizeof(hit->control), "%s", e->control);
	}
	if (r.hook[DW_PAMSTACK_ACCOUNT].at >= 0 || must)
		(void)dw_pamstack_findings(&st, &r, require_key, add_finding, w->out);
	dw_pamstack_free(&st);
}

static int walk_service(void *ctx, const char *service)
{
	const struct walk *w = ctx;

	/* common-*: Debian's include files, read through the services.  Key
	 * evidence matters where sshd logs in (its service is named after its
	 * binary: sshd, or a copy such as sshd-second); local services (su,
	 * login, cron) get the account checks. */
	if (strcmp(service, w->sshd) != 0 && strncmp(service, "common-", 7) != 0)
		scan_service(w, service, w->require_key && strncmp(service, "sshd", 4) == 0, false,
			     NULL);
	return 0;
}

void dr_scan_pam(const char *path, bool require_key, struct dr_pam_hit *hit,
		 struct dr_pam_findings *findings)
{
	char dirbuf[DR_PATH], basebuf[DR_PATH];
	struct walk w = { .require_key = require_key, .out = findings };
	int rc;

	memset(hit, 0, sizeof(*hit));
	memset(findings, 0, sizeof(*findings));
	dr_strf(dirbuf, sizeof(dirbuf), "%s", path);
	dr_strf(basebuf, sizeof(basebuf), "%s", path);
	w.dir = dirname(dirbuf);
	w.sshd = basename(basebuf);
	scan_service(&w, w.sshd, require_key, true, hit);
	rc = dw_pamstack_services(w.dir, walk_service, &w);
	if (rc < 0)
		dr_strf(hit->notes, sizeof(hit->notes), "cannot list %s: %s", w.dir, strerror(-rc));
}
