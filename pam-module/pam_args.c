/* pam_args.c - the module arguments of a PAM stack line: policy=FILE, debug.
 *
 * An argument we do not understand is a configuration mistake by the admin;
 * silently ignoring it could mean running with a policy they did not intend,
 * so it is recorded and guarded users are denied (fail closed). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "dw_config.h"
#include "pam_dw.h"

static void set_error(struct dw_pam_args *args, const char *what, const char *arg)
{
	args->status = -EINVAL;
	/* %.64s: an argument is admin input, but keep the sentence bounded. */
	snprintf(args->why, sizeof(args->why), "%s: \"%.64s\"", what, arg);
}

void dw_pam_args_parse(int argc, const char **argv, struct dw_pam_args *args)
{
	static const char policy_key[] = "policy=";
	int i;

	memset(args, 0, sizeof(*args));
	snprintf(args->policy, sizeof(args->policy), "%s", DW_DEFAULT_POLICY);

	for (i = 0; argv != NULL && i < argc; i++) {
		const char *a = argv[i];
		size_t len;

		if (a == NULL)
			continue;
		len = strnlen(a, DW_PAM_PATH_MAX + sizeof(policy_key));
		if (len == 5 && memcmp(a, "debug", 5) == 0) {
			args->debug = true;
		} else if (len >= sizeof(policy_key) - 1 &&
			   memcmp(a, policy_key, sizeof(policy_key) - 1) == 0) {
			const char *path = a + sizeof(policy_key) - 1;
			size_t plen = len - (sizeof(policy_key) - 1);

			if (plen == 0 || path[0] != '/')
				set_error(args, "policy= needs an absolute path", a);
			else if (plen >= sizeof(args->policy))
				set_error(args, "policy= path too long", a);
			else {
				memcpy(args->policy, path, plen);
				args->policy[plen] = '\0';
			}
		} else {
			set_error(args, "unknown module argument", a);
		}
	}
}
