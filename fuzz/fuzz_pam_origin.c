/* fuzz_pam_origin.c - libFuzzer target: the PAM module's parsers of what the
 * client controls or sshd forwards: PAM_RHOST, SSH_CONNECTION and
 * SSH_AUTH_INFO_0 (pam-module/pam_origin.c, pam_authinfo.c), and the pure
 * decision over the parsed facts (pam_decide.c).
 *
 * Input: up to three NUL-separated fields RHOST \0 SSH_CONNECTION \0
 * AUTH_INFO.  A missing field is passed as NULL (the item was not set); an
 * empty one as "".  Properties checked besides "no crash, no sanitizer
 * report": an INVALID origin carries a reason; every text field the module
 * logs is NUL-terminated inside its array; a deny always names its rule;
 * an unparsable origin or auth-info is never allowed. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pam_dw.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct dw_policy *policy;

static void init(void)
{
	/* Everybody trusted by name, so only origin and method decide. */
	static const char json[] =
		"{\"trusted\":{\"users\":[\"fuzz\"],\"networks\":[\"10.0.0.0/8\",\"::1/128\"]},"
		"\"pam\":{\"guarded_groups\":[\"docker\"],\"require_publickey\":true,"
		"\"allow_local\":false}}";

	if (policy == NULL &&
	    dw_policy_load_buffer("fuzz", json, sizeof(json) - 1, NULL, NULL, &policy) < 0)
		abort();
}

/* Next field of the input (from *OFF) as a fresh NUL-terminated heap
 * string, or NULL when the input has no more fields. */
static char *next_field(const uint8_t *data, size_t size, size_t *off)
{
	const uint8_t *nul;
	size_t len;
	char *s;

	if (*off > size)
		return NULL;
	nul = memchr(data + *off, '\0', size - *off);
	len = nul ? (size_t)(nul - (data + *off)) : size - *off;
	s = malloc(len + 1);
	if (s == NULL)
		abort();
	memcpy(s, data + *off, len);
	s[len] = '\0';
	*off += len + 1;
	return s;
}

static void must_be_terminated(const char *s, size_t sz)
{
	if (memchr(s, '\0', sz) == NULL)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t off = 0;
	char *rhost, *sshconn, *info;
	struct dw_pam_origin origin;
	struct dw_pam_authinfo auth;
	struct dw_pam_facts f;
	struct dw_pam_decision d;
	int pass;

	init();
	rhost = next_field(data, size, &off);
	sshconn = next_field(data, size, &off);
	info = next_field(data, size, &off);

	dw_pam_origin_parse(rhost, sshconn, &origin);
	must_be_terminated(origin.text, sizeof(origin.text));
	must_be_terminated(origin.host, sizeof(origin.host));
	if (origin.kind == DW_ORIGIN_INVALID && (origin.why == NULL || origin.why[0] == '\0'))
		abort();

	dw_pam_authinfo_parse(info, &auth);
	for (pass = 0; pass < 2; pass++) {
		if (pass == 1)
			dw_pam_authinfo_set_current(&auth,
						    (enum dw_pam_auth_seen)(size % 4),
						    rhost == NULL);
		must_be_terminated(auth.summary, sizeof(auth.summary));

		memset(&f, 0, sizeof(f));
		f.policy = policy;
		f.guarded = true;
		f.guarded_group = "docker";
		f.trusted_user = true;
		f.origin = &origin;
		f.auth = &auth;
		/* the input decides which stack evidence there is */
		f.auth_hook_ok = rhost == NULL;
		f.session_check_ok = info != NULL && info[0] == 'p';
		f.stack_missing = "";
		dw_pam_decide_session(&f, &d);
		must_be_terminated(d.reason, sizeof(d.reason));
		if (d.verdict == DW_PAM_ALLOW && !(auth.valid && (auth.methods & DW_AUTH_PUBLICKEY)))
			abort(); /* a session is confirmed only with a key on record */
		dw_pam_decide(&f, &d);
		must_be_terminated(d.reason, sizeof(d.reason));
		if (d.verdict == DW_PAM_DENY && (d.rule == NULL || d.rule[0] == '\0'))
			abort();
		if (d.verdict == DW_PAM_ALLOW &&
		    (origin.kind == DW_ORIGIN_INVALID || (auth.present && !auth.valid)))
			abort(); /* fail closed */
	}

	free(rhost);
	free(sshconn);
	free(info);
	return 0;
}
