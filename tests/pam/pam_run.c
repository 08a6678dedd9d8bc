/* pam_run.c - pam_run SERVICE USER: what a local PAM application that does
 * not authenticate (cron, "login -f", su/runuser run by root) asks libpam:
 * pam_acct_mgmt, then pam_setcred + pam_open_session / pam_close_session
 * when the account is accepted.  Uses the real /etc/pam.d/SERVICE (the test
 * runs it in a mount namespace with its own /etc/pam.d).  Prints
 * "account=RESULT session=RESULT"; exit status 0 when both succeeded. */
#include <stdio.h>
#include <string.h>

#include <security/pam_appl.h>

/* Nothing here answers prompts: these applications do not authenticate. */
static int no_conv(int n, const struct pam_message **msg, struct pam_response **resp, void *data)
{
	(void)n;
	(void)msg;
	(void)resp;
	(void)data;
	return PAM_CONV_ERR;
}

int main(int argc, char **argv)
{
	const struct pam_conv conv = { no_conv, NULL };
	pam_handle_t *pamh = NULL;
	const char *session = "not-run";
	int r, acct, ret = 1;

	if (argc != 3) {
		fprintf(stderr, "usage: pam_run SERVICE USER\n");
		return 2;
	}
	r = pam_start(argv[1], argv[2], &conv, &pamh);
	if (r != PAM_SUCCESS) {
		fprintf(stderr, "pam_start: %s\n", pam_strerror(pamh, r));
		return 2;
	}
	(void)pam_set_item(pamh, PAM_TTY, "/dev/null");
	acct = pam_acct_mgmt(pamh, 0);
	r = acct;
	if (acct == PAM_SUCCESS) {
		r = pam_setcred(pamh, PAM_ESTABLISH_CRED);
		if (r == PAM_SUCCESS)
			r = pam_open_session(pamh, 0);
		session = pam_strerror(pamh, r);
		if (r == PAM_SUCCESS) {
			(void)pam_close_session(pamh, 0);
			(void)pam_setcred(pamh, PAM_DELETE_CRED);
			ret = 0;
		}
	}
	printf("account=%s session=%s\n", pam_strerror(pamh, acct), session);
	pam_end(pamh, r);
	return ret;
}
