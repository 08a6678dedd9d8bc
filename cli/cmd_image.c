/* cmd_image.c - dockwarden image verify|list|sign: trusted image lists
 * (dw_imagelist.h) as the authz plugin reads them.
 *
 *   verify --pubkey KEY LIST       does LIST.minisig verify, does LIST parse
 *   list   --pubkey KEY LIST       the same, then each entry (expired ones marked)
 *   sign   --seckey KEY [--comment TEXT] LIST
 *                                  write LIST.minisig with a minisign secret key
 *                                  (its password, if any, from the terminal or
 *                                  the first line of standard input)
 *
 * Exit 0, 1 when the list does not verify or parse (or cannot be signed),
 * 2 for bad usage.  minisign itself signs and verifies the same files. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "commands.h"
#include "dw_file.h"
#include "dw_imagelist.h"
#include "dw_minisign.h"

static int usage(void)
{
	fprintf(stderr, "usage: dockwarden image verify --pubkey KEY LIST\n"
			"       dockwarden image list --pubkey KEY LIST\n"
			"       dockwarden image sign --seckey KEY [--comment TEXT] LIST\n");
	return 2;
}

static int verify_or_list(const char *pub, const char *list, int show)
{
	struct dw_image_list l;
	char err[512], t[32];
	time_t now = time(NULL);
	int rc;

	rc = dw_imagelist_load(list, pub, 0, &l, err, sizeof(err));
	if (rc < 0) {
		fprintf(stderr, "dockwarden image: %s\n", err);
		return 1;
	}
	printf("%s: %zu images, signed by key %s (trusted comment: %s)\n", list, l.n, l.keyid,
	       l.trusted_comment);
	for (size_t i = 0; show && i < l.n; i++) {
		const struct dw_image_entry *e = &l.v[i];
		char hex[65];

		sodium_bin2hex(hex, sizeof(hex), e->digest, sizeof(e->digest));
		t[0] = '\0';
		if (e->expires)
			dw_imagelist_time(e->expires, t, sizeof(t));
		printf("line %u\tsha256:%s\t%s%s%s\t%s\n", e->line, hex, e->expires ? "expires " : "never",
		       e->expires ? t : "", e->expires && e->expires <= now ? " (EXPIRED)" : "",
		       e->comment);
	}
	dw_imagelist_free(&l);
	return 0;
}

/* One line of password from the terminal (echo off) or standard input into
 * BUF; 0 or -1. */
static int read_password(char *buf, size_t bufsz)
{
	struct termios old, quiet;
	int tty = isatty(STDIN_FILENO), rc = -1;
	size_t n;

	if (tty) {
		fputs("password for the secret key: ", stderr);
		if (tcgetattr(STDIN_FILENO, &old) < 0)
			return -1;
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
	}
	if (fgets(buf, (int)bufsz, stdin)) {
		n = strlen(buf);
		if (n && buf[n - 1] == '\n')
			buf[--n] = '\0';
		rc = 0;
	}
	if (tty) {
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
		fputc('\n', stderr);
	}
	return rc;
}

static int sign(const char *seckey, const char *comment, const char *list)
{
	char *key = NULL, *msg = NULL, *sigpath = NULL, why[256] = "", err[256] = "", tc[1100];
	char pw[1024], out[4096];
	struct dw_minisign_sk sk;
	size_t klen = 0, mlen = 0;
	const char *base;
	int rc, status = 1;

	memset(&sk, 0, sizeof(sk));
	if (dw_file_read(seckey, 8192, 0, 1, &key, &klen, why, sizeof(why)) < 0 ||
	    dw_file_read(list, DW_IMAGELIST_MAX_BYTES, 0, 0, &msg, &mlen, why, sizeof(why)) < 0) {
		fprintf(stderr, "dockwarden image sign: %s\n", why[0] ? why : strerror(errno));
		goto out;
	}
	rc = dw_minisign_sk_parse(key, klen, NULL, &sk, err, sizeof(err));
	if (rc == -EACCES && strstr(err, "password is needed")) {
		if (read_password(pw, sizeof(pw)) < 0) {
			fprintf(stderr, "dockwarden image sign: no password given\n");
			goto out;
		}
		rc = dw_minisign_sk_parse(key, klen, pw, &sk, err, sizeof(err));
		sodium_memzero(pw, sizeof(pw));
	}
	if (rc < 0) {
		fprintf(stderr, "dockwarden image sign: %s: %s\n", seckey, err);
		goto out;
	}
	base = strrchr(list, '/');
	base = base ? base + 1 : list;
	if (comment)
		snprintf(tc, sizeof(tc), "%s", comment);
	else /* what minisign writes by default */
		snprintf(tc, sizeof(tc), "timestamp:%lld\tfile:%s\thashed", (long long)time(NULL), base);
	if (dw_minisign_sign(&sk, (const uint8_t *)msg, mlen, tc, out, sizeof(out), err,
			     sizeof(err)) < 0) {
		fprintf(stderr, "dockwarden image sign: %s\n", err);
		goto out;
	}
	if (asprintf(&sigpath, "%s.minisig", list) < 0) {
		sigpath = NULL;
		goto out;
	}
	rc = dw_file_write_atomic(sigpath, out, strlen(out), 0644);
	if (rc < 0) {
		fprintf(stderr, "dockwarden image sign: cannot write %s: %s\n", sigpath, strerror(-rc));
		goto out;
	}
	{
		char id[17];
		dw_minisign_keyid_hex(sk.keyid, id);
		printf("%s: signed by key %s (trusted comment: %s)\n", sigpath, id, tc);
	}
	status = 0;
out:
	dw_minisign_sk_wipe(&sk);
	if (key)
		sodium_memzero(key, klen);
	free(key);
	free(msg);
	free(sigpath);
	return status;
}

int cmd_image(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "pubkey", required_argument, NULL, 'p' },
		{ "seckey", required_argument, NULL, 's' },
		{ "comment", required_argument, NULL, 'c' },
		{ NULL, 0, NULL, 0 },
	};
	const char *pub = NULL, *sec = NULL, *comment = NULL, *verb;
	int opt;

	if (argc < 2)
		return usage();
	verb = argv[1];
	optind = 2;
	while ((opt = getopt_long(argc, argv, "p:s:c:", opts, NULL)) != -1) {
		switch (opt) {
		case 'p': pub = optarg; break;
		case 's': sec = optarg; break;
		case 'c': comment = optarg; break;
		default: return usage();
		}
	}
	if (optind != argc - 1)
		return usage();
	if (sodium_init() < 0) {
		fprintf(stderr, "dockwarden image: cannot initialise libsodium\n");
		return 1;
	}
	if ((strcmp(verb, "verify") == 0 || strcmp(verb, "list") == 0) && pub && !sec && !comment)
		return verify_or_list(pub, argv[optind], verb[0] == 'l');
	if (strcmp(verb, "sign") == 0 && sec && !pub)
		return sign(sec, comment, argv[optind]);
	return usage();
}
