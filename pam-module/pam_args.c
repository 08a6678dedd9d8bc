/* pam_args.c - the module arguments of a PAM stack line: policy=FILE,
 * pamdir=DIR, debug.
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
	if (args->status < 0)
		return;  /* the first bad argument is the one to report */
	args->status = -EINVAL;
	/* %.64s: an argument is admin input, but keep the sentence bounded. */
	snprintf(args->why, sizeof(args->why), "%s: \"%.64s\"", what, arg);
}

/* KEY=PATH with A being KEY=...: an absolute path into OUT (OUTSZ bytes).
 * Returns false when A is not KEY=... at all. */
static bool path_arg(struct dw_pam_args *args, const char *a, size_t len, const char *key,
		     char *out, size_t outsz)
{
	size_t klen = strlen(key), plen;
	const char *path;

	if (len < klen || memcmp(a, key, klen) != 0)
		return false;
	path = a + klen;
	plen = len - klen;
	if (plen == 0 || path[0] != '/') {
		set_error(args, "needs an absolute path", a);
	} else if (plen >= outsz) {
		set_error(args, "path too long", a);
	} else {
		memcpy(out, path, plen);
		out[plen] = '\0';
	}
	return true;
}

void dw_pam_args_parse(int argc, const char **argv, struct dw_pam_args *args)
{
	int i;

	memset(args, 0, sizeof(*args));
	snprintf(args->policy, sizeof(args->policy), "%s", DW_DEFAULT_POLICY);
	snprintf(args->pamdir, sizeof(args->pamdir), "%s", DW_PAM_DEFAULT_PAMDIR);

	for (i = 0; argv != NULL && i < argc; i++) {
		const char *a = argv[i];
		size_t len;

		if (a == NULL)
			continue;
		len = strnlen(a, DW_PAM_PATH_MAX + 16);
		if (len == 5 && memcmp(a, "debug", 5) == 0)
			args->debug = true;
		else if (path_arg(args, a, len, "policy=", args->policy, sizeof(args->policy)))
			continue;
		else if (path_arg(args, a, len, "pamdir=", args->pamdir, sizeof(args->pamdir)))
			continue;
		else
			set_error(args, "unknown module argument", a);
	}
}
