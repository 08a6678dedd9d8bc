/* cmd_policy.c - `dockwarden policy check FILE...` and `dockwarden policy show`.
 *
 * check: every problem on stderr as FILE:LINE:COL: message (FILE: message when
 * the problem is the file itself), "FILE: ok" on stdout for a valid file; exit
 * 0 only when every file is valid.  Like the daemons, it refuses files that
 * are not root-owned or are group/world-writable, unless --no-owner-check.
 * show: the effective policy (defaults filled in) as canonical JSON. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "dw_config.h"
#include "dw_policy.h"

static void print_diag(void *ctx, const char *file, int line, int col, const char *msg)
{
	(void)ctx;
	if (line > 0)
		fprintf(stderr, "%s:%d:%d: %s\n", file, line, col, msg);
	else
		fprintf(stderr, "%s: %s\n", file, msg);
}

static void policy_usage(FILE *out)
{
	fprintf(out, "usage: dockwarden policy check [--no-owner-check] FILE...\n"
		     "       dockwarden policy show [--policy FILE] [--no-owner-check]\n");
}

static int bad_usage(const char *why, const char *arg)
{
	fprintf(stderr, "dockwarden policy: %s%s%s\n", why, arg ? ": " : "", arg ? arg : "");
	policy_usage(stderr);
	return 2;
}

static int policy_check(int argc, char **argv)
{
	unsigned int flags = DW_POLICY_CHECK_OWNER;
	int first = argc, status = 0;

	for (int k = 1; k < argc; k++) {
		if (strcmp(argv[k], "--") == 0) {
			first = k + 1;
			break;
		}
		if (strcmp(argv[k], "--no-owner-check") == 0) {
			flags &= ~(unsigned int)DW_POLICY_CHECK_OWNER;
			continue;
		}
		if (argv[k][0] == '-' && argv[k][1] != '\0')
			return bad_usage("unknown option", argv[k]);
		first = k;
		break;
	}
	if (first >= argc)
		return bad_usage("no FILE given", NULL);
	for (int k = first; k < argc; k++) {
		struct dw_policy *p = NULL;

		if (dw_policy_load_file(argv[k], flags, print_diag, NULL, &p) < 0) {
			status = 1;
			continue;
		}
		printf("%s: ok\n", argv[k]);
		dw_policy_unref(p);
	}
	return status;
}

static int policy_show(int argc, char **argv)
{
	unsigned int flags = DW_POLICY_CHECK_OWNER | DW_POLICY_MISSING_OK;
	const char *path = DW_DEFAULT_POLICY;
	struct dw_policy *p = NULL;
	char *json = NULL;
	int r;

	for (int k = 1; k < argc; k++) {
		if (strcmp(argv[k], "--no-owner-check") == 0) {
			flags &= ~(unsigned int)DW_POLICY_CHECK_OWNER;
		} else if (strcmp(argv[k], "--policy") == 0 && k + 1 < argc) {
			path = argv[++k];
			flags &= ~(unsigned int)DW_POLICY_MISSING_OK;
		} else if (strncmp(argv[k], "--policy=", 9) == 0 && argv[k][9]) {
			path = argv[k] + 9;
			flags &= ~(unsigned int)DW_POLICY_MISSING_OK;
		} else {
			return bad_usage("unexpected argument", argv[k]);
		}
	}
	if (dw_policy_load_file(path, flags, print_diag, NULL, &p) < 0)
		return 1;
	r = dw_policy_to_json(p, &json);
	dw_policy_unref(p);
	if (r < 0) {
		fprintf(stderr, "dockwarden policy show: %s\n", strerror(-r));
		return 1;
	}
	printf("%s\n", json);
	free(json);
	return 0;
}

int cmd_policy(int argc, char **argv)
{
	if (argc < 2)
		return bad_usage("missing subcommand", NULL);
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		policy_usage(stdout);
		return 0;
	}
	if (strcmp(argv[1], "check") == 0)
		return policy_check(argc - 1, argv + 1);
	if (strcmp(argv[1], "show") == 0)
		return policy_show(argc - 1, argv + 1);
	return bad_usage("unknown subcommand", argv[1]);
}
