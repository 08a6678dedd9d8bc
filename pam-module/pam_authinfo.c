/* pam_authinfo.c - which methods sshd used: SSH_AUTH_INFO_0, and whether
 * PAM authentication ran in this handle.
 *
 * OpenSSH (auth2.c auth2_update_session_info) appends one line per successful
 * authentication method to the session info: "METHOD[/SUBMETHOD][ DETAILS]\n",
 * e.g. "publickey ssh-ed25519 AAAAC3...\n", "password\n",
 * "keyboard-interactive/pam\n".  With AuthenticationMethods requiring several
 * methods, every one of them has its line.  auth-pam.c do_pam_account() puts
 * the text into the PAM environment (expose_authinfo -> pam_putenv) right
 * before pam_acct_mgmt(), so the account phase sees it with pam_getenv().
 *
 * BUT (verified against sshd 9.2 in the e2e test, and in monitor.c): with
 * privilege separation the monitor runs the PAM account check right after
 * the method succeeds and BEFORE it calls auth2_update_session_info() for
 * it; keyboard-interactive even runs pam_acct_mgmt inside its PAM "thread"
 * before the method is recorded.  So at account time SSH_AUTH_INFO_0 lists
 * only the methods completed EARLIER (AuthenticationMethods a,b) and is
 * empty for an ordinary one-method login.  The current method therefore
 * comes from the PAM handle itself: sshd's password and keyboard-interactive
 * methods run pam_authenticate() on this very handle (pam_sm_authenticate of
 * this module leaves a marker), its publickey method does not.  No marker is
 * evidence of a key only when the auth line is known to be in the stack and
 * reached (dw_pamstack); PAM_AUTHTOK is no evidence at all, libpam clears it
 * when pam_authenticate() returns.  At session open (do_pam_session) sshd
 * exposes the complete list, the method that finished the login included.
 * ExposeAuthInfo plays no part: it only writes the list to a file for the
 * user's session (session.c); the PAM variable is always set (auth-pam.c
 * expose_authinfo, OpenSSH 9.2 and 10.0 alike).  See dw_pam_authinfo_set_current().
 * Only method names are used; the key material is never logged. */
#include <stdio.h>
#include <string.h>

#include "pam_dw.h"

/* Names stored inline (not as pointers), so the table is pure .rodata. */
static const struct {
	char name[24];
	unsigned int bit;
} known[] = {
	{ "publickey", DW_AUTH_PUBLICKEY },
	{ "password", DW_AUTH_PASSWORD },
	{ "keyboard-interactive", DW_AUTH_KBDINT },
	{ "hostbased", DW_AUTH_HOSTBASED },
	{ "gssapi-with-mic", DW_AUTH_GSSAPI },
	{ "gssapi-keyex", DW_AUTH_GSSAPI },
};

static bool method_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
	       c == '@' || c == '.' || c == '_';
}

/* Append NAME to the comma list in SUMMARY unless already there. */
static void summary_add(char *summary, size_t sz, const char *name, size_t len)
{
	size_t cur = strnlen(summary, sz);
	const char *p = summary;

	while (*p != '\0') {
		const char *comma = strchr(p, ',');
		size_t l = comma != NULL ? (size_t)(comma - p) : strlen(p);

		if (l == len && memcmp(p, name, len) == 0)
			return;
		if (comma == NULL)
			break;
		p = comma + 1;
	}
	if (cur + (cur > 0 ? 1 : 0) + len + 1 > sz)
		return;  /* summary is for logs only; methods bitmask is complete */
	if (cur > 0)
		summary[cur++] = ',';
	memcpy(summary + cur, name, len);
	summary[cur + len] = '\0';
}

void dw_pam_authinfo_parse(const char *info, struct dw_pam_authinfo *out)
{
	size_t len, pos = 0;
	unsigned int prev = 0;  /* bits of the line before the current one */

	memset(out, 0, sizeof(*out));
	if (info == NULL) {
		strcpy(out->summary, "none");
		return;
	}
	out->present = true;
	len = strnlen(info, DW_PAM_AUTHINFO_MAX + 1);
	if (len > DW_PAM_AUTHINFO_MAX) {
		strcpy(out->summary, "?");
		return;
	}
	out->valid = true;
	while (pos < len) {
		const char *line = info + pos;
		const char *nl = memchr(line, '\n', len - pos);
		size_t llen = nl != NULL ? (size_t)(nl - line) : len - pos;
		size_t mlen = 0, k;
		unsigned int bit = DW_AUTH_OTHER;

		pos += llen + (nl != NULL ? 1 : 0);
		if (llen == 0)
			continue;
		while (mlen < llen && line[mlen] != ' ' && line[mlen] != '/')
			mlen++;
		if (mlen == 0 || mlen > 64) {
			out->valid = false;
			continue;
		}
		for (k = 0; k < mlen; k++) {
			if (!method_char(line[k]))
				break;
		}
		if (k != mlen) {
			out->valid = false;
			continue;
		}
		for (k = 0; k < sizeof(known) / sizeof(known[0]); k++) {
			if (strnlen(known[k].name, sizeof(known[k].name)) == mlen &&
			    memcmp(known[k].name, line, mlen) == 0) {
				bit = known[k].bit;
				break;
			}
		}
		out->methods |= bit;
		out->earlier |= prev;
		prev = bit;
		summary_add(out->summary, sizeof(out->summary), line, mlen);
	}
	if (!out->valid)
		strcpy(out->summary, "?");
	else if (out->summary[0] == '\0')
		strcpy(out->summary, "none");
}

/* The current method's name for each kind the auth hook tells apart
 * (inline, not pointers: pure .rodata, like known[]). */
static const char seen_name[][24] = {
	[DW_PAM_AUTH_NOT_SEEN] = "none",
	[DW_PAM_AUTH_SEEN] = "pam-auth",
	[DW_PAM_AUTH_SEEN_PASSWORD] = "password",
	[DW_PAM_AUTH_SEEN_KBDINT] = "keyboard-interactive",
};

enum dw_pam_auth_seen dw_pam_auth_seen_by_conv(bool has_conv, bool has_appdata)
{
	if (!has_conv)
		return DW_PAM_AUTH_SEEN;
	return has_appdata ? DW_PAM_AUTH_SEEN_KBDINT : DW_PAM_AUTH_SEEN_PASSWORD;
}

void dw_pam_authinfo_set_current(struct dw_pam_authinfo *a, enum dw_pam_auth_seen seen,
				 bool no_pam_is_key)
{
	const char *cur;
	size_t len;

	a->pam_authenticated = seen != DW_PAM_AUTH_NOT_SEEN;
	if (!a->valid && a->present)
		return;  /* summary stays "?" */
	if (!a->present) {
		/* not sshd: either PAM auth ran (e.g. login, su) or nothing did */
		snprintf(a->summary, sizeof(a->summary), "%s",
			 a->pam_authenticated ? "pam-auth" : "none");
		return;
	}
	/* sshd: its methods without PAM auth are publickey and, when an admin
	 * enables them, hostbased and gssapi (named "publickey" here too; the
	 * session line sees the real name).  Without the auth hook in the
	 * stack, "no PAM auth seen" proves nothing: the method is unknown. */
	if (!a->pam_authenticated)
		cur = no_pam_is_key ? "publickey" : "unknown";
	else if ((a->methods & (DW_AUTH_PASSWORD | DW_AUTH_KBDINT)) != 0 ||
		 seen > DW_PAM_AUTH_SEEN_KBDINT)
		cur = "pam-auth";  /* the marker may be the earlier step's */
	else
		cur = seen_name[seen];
	if (strcmp(a->summary, "none") == 0)
		a->summary[0] = '\0';
	len = strlen(cur);
	summary_add(a->summary, sizeof(a->summary), cur, len);
}
