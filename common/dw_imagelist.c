/* dw_imagelist.c - signed lists of trusted images (see dw_imagelist.h). */
#include "dw_imagelist.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "dw_file.h"
#include "dw_hex.h"
#include "dw_why.h"

#define DIGEST_PREFIX "sha256:"
#define DIGEST_LEN (7 + 64)

/* "sha256:" and 64 lowercase hex digits (moby's digest form) into OUT. */
static int parse_digest(const char *s, size_t len, uint8_t out[32])
{
	if (len != DIGEST_LEN || memcmp(s, DIGEST_PREFIX, 7) != 0)
		return -EINVAL;
	for (size_t i = 7; i < len; i++)
		if (dw_hex_digit_lower(s[i]) < 0)
			return -EINVAL;
	return dw_hex_decode(s + 7, len - 7, out, 32);
}

static int digits(const char *s, size_t n, int *out)
{
	*out = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
		*out = *out * 10 + (s[i] - '0');
	}
	return 0;
}

/* "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM:SSZ", UTC, a real date and time. */
static int parse_time(const char *s, size_t len, int64_t *out)
{
	struct tm tm = { 0 }, back;
	int y, mo, d, h = 0, mi = 0, se = 0;
	time_t t;

	if (len != 10 && len != 20)
		return -EINVAL;
	if (s[4] != '-' || s[7] != '-' || digits(s, 4, &y) || digits(s + 5, 2, &mo) ||
	    digits(s + 8, 2, &d))
		return -EINVAL;
	if (len == 20 && (s[10] != 'T' || s[13] != ':' || s[16] != ':' || s[19] != 'Z' ||
			  digits(s + 11, 2, &h) || digits(s + 14, 2, &mi) || digits(s + 17, 2, &se)))
		return -EINVAL;
	if (y < 1970 || mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || se > 59)
		return -EINVAL;
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = se;
	t = timegm(&tm);
	/* 2027-02-30 normalises to March: not a date */
	if (t == (time_t)-1 || !gmtime_r(&t, &back) || back.tm_mday != d || back.tm_mon != mo - 1)
		return -EINVAL;
	*out = (int64_t)t;
	return 0;
}

void dw_imagelist_time(int64_t t, char *out, size_t outsz)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!gmtime_r(&tt, &tm) || !strftime(out, outsz, "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(out, outsz, "%lld", (long long)t);
}

static int by_digest(const void *a, const void *b)
{
	return memcmp(((const struct dw_image_entry *)a)->digest,
		      ((const struct dw_image_entry *)b)->digest, 32);
}

static bool blank(char c)
{
	return c == ' ' || c == '\t';
}

/* One entry line (not blank, not a comment) into E; 0 or -1 with ERR. */
static int parse_entry(const char *s, size_t len, struct dw_image_entry *e, char *err,
		       size_t errsz)
{
	size_t i = 0, tok;

	while (i < len && !blank(s[i]))
		i++;
	if (parse_digest(s, i, e->digest) < 0) {
		dw_why(err, errsz, "expected an image digest (\"sha256:\" and 64 lowercase hex digits) "
				"at the start of the line");
		return -EINVAL;
	}
	while (i < len && blank(s[i]))
		i++;
	/* cppcheck-suppress knownConditionTrueFalse */
	if (len - i >= 8 && memcmp(s + i, "expires=", 8) == 0) {
		for (tok = i + 8; tok < len && !blank(s[tok]); tok++)
			;
		if (parse_time(s + i + 8, tok - i - 8, &e->expires) < 0 || e->expires == 0) {
			dw_why(err, errsz, "expires= wants a UTC date, YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ");
			return -EINVAL;
		}
		for (i = tok; i < len && blank(s[i]); i++)
			;
	}
	if (len - i > DW_IMAGELIST_COMMENT_MAX) {
		dw_why(err, errsz, "the comment is longer than %d bytes", DW_IMAGELIST_COMMENT_MAX);
		return -EINVAL;
	}
	for (size_t k = i; k < len; k++)
		if ((unsigned char)s[k] < 0x20 && s[k] != '\t') {
			dw_why(err, errsz, "the comment holds a control character");
			return -EINVAL;
		}
	memcpy(e->comment, s + i, len - i);
	e->comment[len - i] = '\0';
	return 0;
}

int dw_imagelist_parse(const char *text, size_t len, struct dw_image_list *l, unsigned *line,
		       char *err, size_t errsz)
{
	size_t pos = 0, cap = 0;
	unsigned ln = 0;
	int rc = -EINVAL;

	l->v = NULL;
	l->n = 0;
	*line = 0;
	while (pos < len) {
		const char *s = text + pos, *nl = memchr(s, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - s) : len - pos, b = 0;

		pos += n + (nl ? 1 : 0);
		ln++;
		/* cppcheck-suppress knownConditionTrueFalse */
		if (n && s[n - 1] == '\r')
			n--;
		if (memchr(s, '\0', n)) {
			dw_why(err, errsz, "the line holds a NUL byte");
			goto out;
		}
		while (b < n && blank(s[b]))
			b++;
		if (b == n || s[b] == '#')
			continue;
		if (l->n == cap) {
			size_t nc = cap ? cap * 2 : 64;
			struct dw_image_entry *nv = reallocarray(l->v, nc, sizeof(*nv));
			if (!nv) {
				rc = -ENOMEM;
				dw_why(err, errsz, "out of memory");
				goto out;
			}
			l->v = nv;
			cap = nc;
		}
		memset(&l->v[l->n], 0, sizeof(l->v[l->n]));
		if (parse_entry(s + b, n - b, &l->v[l->n], err, errsz) < 0)
			goto out;
		l->v[l->n].line = ln;
		l->n++;
	}
	if (l->n)
		qsort(l->v, l->n, sizeof(*l->v), by_digest);
	for (size_t i = 1; i < l->n; i++)
		if (by_digest(&l->v[i - 1], &l->v[i]) == 0) {
			ln = l->v[i].line > l->v[i - 1].line ? l->v[i].line : l->v[i - 1].line;
			dw_why(err, errsz, "the image is listed twice (also on line %u)",
			    l->v[i].line + l->v[i - 1].line - ln);
			goto out;
		}
	rc = 0;
out:
	if (rc < 0) {
		*line = ln;
		free(l->v);
		l->v = NULL;
		l->n = 0;
	}
	return rc;
}

int dw_imagelist_load(const char *list_path, const char *pubkey_path, int check_secure,
		      struct dw_image_list *l, char *err, size_t errsz)
{
	char *list = NULL, *sig = NULL, *pkt = NULL, *sigpath = NULL, why[256] = "";
	size_t llen = 0, slen = 0, plen = 0;
	struct dw_minisign_pk pk;
	unsigned line = 0;
	int rc;

	memset(l, 0, sizeof(*l));
	if (asprintf(&sigpath, "%s.minisig", list_path) < 0) {
		sigpath = NULL;
		rc = -ENOMEM;
		dw_why(err, errsz, "out of memory");
		goto out;
	}
	rc = dw_file_read(pubkey_path, 4096, check_secure, 0, &pkt, &plen, why, sizeof(why));
	if (rc < 0) {
		dw_why(err, errsz, "public key %s: %s", pubkey_path, why[0] ? why : strerror(-rc));
		goto out;
	}
	rc = dw_minisign_pk_parse(pkt, plen, &pk, why, sizeof(why));
	if (rc < 0) {
		dw_why(err, errsz, "public key %s: %s", pubkey_path, why);
		goto out;
	}
	rc = dw_file_read(list_path, DW_IMAGELIST_MAX_BYTES, check_secure, 0, &list, &llen, why,
			  sizeof(why));
	if (rc < 0) {
		dw_why(err, errsz, "%s: %s", list_path, why[0] ? why : strerror(-rc));
		goto out;
	}
	rc = dw_file_read(sigpath, 8192, check_secure, 0, &sig, &slen, why, sizeof(why));
	if (rc < 0) {
		dw_why(err, errsz, "%s (the list's signature): %s", sigpath, why[0] ? why : strerror(-rc));
		goto out;
	}
	rc = dw_minisign_verify(&pk, sig, slen, (const uint8_t *)list, llen, l->trusted_comment,
				sizeof(l->trusted_comment), why, sizeof(why));
	if (rc < 0) {
		dw_why(err, errsz, "%s: %s", list_path, why);
		goto out;
	}
	rc = dw_imagelist_parse(list, llen, l, &line, why, sizeof(why));
	if (rc < 0) {
		dw_why(err, errsz, "%s:%u: %s", list_path, line, why);
		goto out;
	}
	dw_minisign_keyid_hex(pk.keyid, l->keyid);
	l->path = strdup(list_path);
	if (!l->path) {
		rc = -ENOMEM;
		dw_why(err, errsz, "out of memory");
	}
out:
	if (rc < 0)
		dw_imagelist_free(l);
	free(list);
	free(sig);
	free(pkt);
	free(sigpath);
	return rc;
}

void dw_imagelist_free(struct dw_image_list *l)
{
	free(l->v);
	free(l->path);
	l->v = NULL;
	l->path = NULL;
	l->n = 0;
}

const struct dw_image_entry *dw_imagelist_find(const struct dw_image_list *l, const char *digest,
					       size_t len)
{
	struct dw_image_entry key;

	memset(&key, 0, sizeof(key));
	if (!l->n || parse_digest(digest, len, key.digest) < 0)
		return NULL;
	return bsearch(&key, l->v, l->n, sizeof(*l->v), by_digest);
}
