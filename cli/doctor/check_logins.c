/* check_logins.c - the policy, who may become root through a guarded group,
 * and whether sshd enforces the module and keys for them. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "doctor.h"
#include "checks.h"

void dr_check_policy(const struct dr_facts *f, const struct dr_check *ck, struct dr_report *r)
{
	if (f->pol_err != 0)
		dr_add(r, ck, DR_FAIL, f->policy_path,
		       "fix it: dockwarden policy check FILE",
		       "unusable (%s%s%s): pam_dockwarden denies every guarded user and the daemons "
		       "refuse to start", strerror(f->pol_err), f->pol_diag[0] ? ": " : "",
		       f->pol_diag);
	else if (f->pol_builtin)
		dr_add(r, ck, DR_PASS, f->policy_path, NULL,
		       "absent: the built-in default policy is in force (nobody trusted)");
	else
		dr_add(r, ck, DR_PASS, f->policy_path, NULL, "loaded");
}

/* CIS 1.1.2 (only trusted users control dockerd), as pam_dockwarden sees it. */
void dr_check_members(const struct dr_facts *f, const struct dr_check *ck, struct dr_report *r)
{
	size_t bad = 0, ok = 0;

	if (f->members_err != 0) {
		dr_add(r, ck, DR_FAIL, NULL, "make the group database readable", "%s", f->members_msg);
		return;
	}
	if (f->pol == NULL || f->pol->pam.guarded_groups.n == 0) {
		dr_add(r, ck, DR_WARN, NULL, "set pam.guarded_groups (default [\"docker\"])",
		       "no guarded groups: the module guards nobody");
		return;
	}
	for (size_t i = 0; i < f->n_members; i++) {
		const struct dr_member *m = &f->members[i];

		if (m->trusted) {
			ok++;
			continue;
		}
		bad++;
		dr_add(r, ck, DR_WARN, m->name,
		       "add the user to trusted.users (or a trusted group), or remove them from the group",
		       "untrusted member of guarded group %s: %s (%s)", m->group, m->name,
		       m->primary ? "primary group" : "supplementary");
	}
	if (bad == 0)
		dr_add(r, ck, DR_PASS, NULL, NULL, "%zu member%s of guarded groups, all trusted", ok,
		       ok == 1 ? "" : "s");
}

void dr_check_pam_stack(const struct dr_facts *f, const struct dr_check *ck, struct dr_report *r)
{
	const struct dr_pam_hit *h = &f->pam;
	const char *notes = h->notes[0] ? h->notes : "";

	if (!h->found)
		dr_add(r, ck, DR_FAIL, f->sshd_pam_path,
		       "pam-auth-update --enable dockwarden (or add \"account required "
		       "pam_dockwarden.so\" to the file)",
		       "no \"account required pam_dockwarden.so\" line: logins are not checked%s%s",
		       notes[0] ? "; " : "", notes);
	else if (strcmp(h->control, "optional") == 0 || strcmp(h->control, "sufficient") == 0)
		dr_add(r, ck, DR_FAIL, f->sshd_pam_path, "use \"required\"",
		       "pam_dockwarden.so at %s is \"%s\": its denials are not enforced", h->where,
		       h->control);
	else
		dr_add(r, ck, DR_PASS, f->sshd_pam_path, NULL, "account %s pam_dockwarden.so at %s",
		       h->control, h->where);
}

/* Every stack that holds the account line gives the module what it needs:
 * key evidence in sshd's (the auth and session lines), lines nothing skips. */
void dr_check_pam_evidence(const struct dr_facts *f, const struct dr_check *ck,
			   struct dr_report *r)
{
	const struct dr_pam_findings *pf = &f->pam_findings;
	size_t i;

	for (i = 0; i < pf->n; i++)
		dr_add(r, ck, DR_WARN, pf->v[i].where[0] ? pf->v[i].where : f->sshd_pam_path,
		       "see pam_dockwarden(8), SUPPORTED STACKS (pam-auth-update --enable dockwarden "
		       "writes one)",
		       "%s", pf->v[i].msg);
	if (pf->truncated)
		dr_add(r, ck, DR_WARN, f->sshd_pam_path, NULL, "more than %d findings: not all shown",
		       DR_PAM_FINDINGS_MAX);
	if (pf->n == 0)
		dr_add(r, ck, DR_PASS, f->sshd_pam_path, NULL,
		       "every stack holding pam_dockwarden's account line has what it needs");
}

void dr_check_password_auth(const struct dr_facts *f, const struct dr_check *ck,
			    struct dr_report *r)
{
	size_t asked = 0;
	bool pubkey = f->pol == NULL || f->pol->pam.require_publickey;

	for (size_t i = 0; i < f->n_members; i++) {
		const struct dr_member *m = &f->members[i];

		if (m->sshd_err[0]) {
			if (strcmp(m->sshd_err, "no sshd on this host") == 0) {
				dr_add(r, ck, DR_SKIP, NULL, NULL, "no sshd on this host");
				return;
			}
			dr_add(r, ck, DR_FAIL, m->name, "fix sshd_config (sshd -t)", "%s", m->sshd_err);
			continue;
		}
		asked++;
		if (strcmp(m->password_auth, "no") == 0)
			dr_add(r, ck, DR_PASS, m->name, NULL, "sshd: PasswordAuthentication no");
		else
			/* the module still refuses a password login when it requires a key;
			 * sshd refusing it first is the second line */
			dr_add(r, ck, pubkey ? DR_WARN : DR_FAIL, m->name,
			       "add \"Match Group docker\" + \"PasswordAuthentication no\" to sshd_config",
			       "sshd: PasswordAuthentication %s for this %s member%s", m->password_auth,
			       m->group, pubkey ? " (pam.require_publickey still refuses it)"
					       : " and pam.require_publickey is false");
	}
	if (f->n_members == 0)
		dr_add(r, ck, DR_SKIP, NULL, NULL, "no members in guarded groups");
	(void)asked;
}
