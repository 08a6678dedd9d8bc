/* cmd_verify.c - dockwarden verify --pubkey FILE [--json] [--max-age SECS] LOGFILE...
 *
 * Reads what rsyslog stored on the log host (template "%rawmsg%\n": one
 * RFC 5424 message per line) and reports gaps, modified, forged, inserted,
 * reordered and unsealed records, duplicates and restarts.
 * Exit status: 0 everything verifies, 1 findings, 2 usage or I/O error. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "dw_sign.h"
#include "dw_verify.h"

/* Lines longer than this cannot come from the forwarder. */
#define VERIFY_LINE_MAX (1u << 20)

static void verify_usage(FILE *out)
{
	fprintf(out, "usage: dockwarden verify --pubkey FILE [--json] [--max-age SECONDS] LOGFILE...\n");
}

static int feed_file(struct dw_verify *v, const char *path)
{
	FILE *fp = strcmp(path, "-") == 0 ? stdin : fopen(path, "re");
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	uint64_t lineno = 0;
	int rc = 0;

	if (!fp)
		return -errno;
	while ((n = getline(&line, &cap, fp)) >= 0) {
		lineno++;
		if (n > 0 && line[n - 1] == '\n')
			n--;
		if ((size_t)n > VERIFY_LINE_MAX)
			n = VERIFY_LINE_MAX; /* judged (and rejected) on its prefix */
		rc = dw_verify_line(v, path, lineno, line, (size_t)n);
		if (rc < 0)
			break;
	}
	if (rc == 0 && ferror(fp))
		rc = -EIO;
	free(line);
	if (fp != stdin)
		fclose(fp);
	return rc;
}

int cmd_verify(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "pubkey", required_argument, NULL, 'k' },
		{ "json", no_argument, NULL, 'j' },
		{ "max-age", required_argument, NULL, 'a' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *pubpath = NULL;
	bool json = false;
	struct dw_verify_opts vo = { 0 };
	struct dw_pubkey pk;
	struct dw_verify *v = NULL;
	int c, rc, status = 2;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'k':
			pubpath = optarg;
			break;
		case 'j':
			json = true;
			break;
		case 'a': {
			char *end = NULL;
			errno = 0;
			unsigned long long a = strtoull(optarg, &end, 10);
			if (errno || !end || *end || optarg[0] == '\0' || optarg[0] == '-') {
				fprintf(stderr, "dockwarden verify: --max-age wants seconds, got \"%s\"\n", optarg);
				return 2;
			}
			vo.max_age_s = a;
			break;
		}
		case 'h':
			verify_usage(stdout);
			return 0;
		default:
			verify_usage(stderr);
			return 2;
		}
	}
	if (!pubpath || optind >= argc) {
		verify_usage(stderr);
		return 2;
	}
	if (dw_sign_init() < 0) {
		fprintf(stderr, "dockwarden verify: cannot initialise libsodium\n");
		return 2;
	}
	rc = dw_pubkey_load(pubpath, &pk);
	if (rc < 0) {
		fprintf(stderr, "dockwarden verify: %s: %s\n", pubpath,
			rc == -EINVAL ? "not a dockwarden public key" : strerror(-rc));
		return 2;
	}
	vo.pubkey = &pk;
	if (dw_verify_new(&vo, &v) < 0) {
		fprintf(stderr, "dockwarden verify: out of memory\n");
		return 2;
	}
	for (int i = optind; i < argc; i++) {
		rc = feed_file(v, argv[i]);
		if (rc < 0) {
			fprintf(stderr, "dockwarden verify: %s: %s\n", argv[i], strerror(-rc));
			goto out;
		}
	}
	rc = dw_verify_finish(v);
	if (rc < 0) {
		fprintf(stderr, "dockwarden verify: %s\n", strerror(-rc));
		goto out;
	}
	rc = json ? dw_verify_report_json(v, stdout) : dw_verify_report_text(v, stdout);
	if (rc < 0 || fflush(stdout) != 0) {
		fprintf(stderr, "dockwarden verify: cannot write the report\n");
		goto out;
	}
	status = dw_verify_failures(v) ? 1 : 0;
out:
	dw_verify_free(v);
	return status;
}
