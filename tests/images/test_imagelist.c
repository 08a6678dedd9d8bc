/* test_imagelist.c - minisign files and trusted image lists (suite 'unit').
 *
 * DATA (argv[1]) holds keys and a signature made by minisign 0.11 itself
 * (a.pub/a.key, other.pub, good.list signed with a.key and the trusted
 * comment "team a, ci run 99"), so what is checked is interoperability,
 * not our writer agreeing with our reader. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "dw_file.h"
#include "dw_imagelist.h"
#include "dw_minisign.h"

static int fails;

#define CHECK(cond, ...)                                   \
	do {                                               \
		if (!(cond)) {                             \
			fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__); \
			fprintf(stderr, __VA_ARGS__);      \
			fputc('\n', stderr);               \
			fails++;                           \
		}                                          \
	} while (0)

static char *slurp(const char *dir, const char *name, size_t *len)
{
	char path[512], why[200];
	char *buf = NULL;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (dw_file_read(path, 1 << 20, 0, 0, &buf, len, why, sizeof(why)) < 0) {
		fprintf(stderr, "cannot read %s: %s\n", path, why);
		exit(99);
	}
	return buf;
}

static void pk_of(const char *dir, const char *name, struct dw_minisign_pk *pk)
{
	char err[200];
	size_t n;
	char *t = slurp(dir, name, &n);

	if (dw_minisign_pk_parse(t, n, pk, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s: %s\n", name, err);
		exit(99);
	}
	free(t);
}

static void test_verify(const char *dir)
{
	struct dw_minisign_pk pk, other;
	size_t ln, sn, pn;
	char *list = slurp(dir, "good.list", &ln), *sig = slurp(dir, "good.list.minisig", &sn);
	char *pub = slurp(dir, "a.pub", &pn);
	char tc[200], err[300], id[17];
	int rc;

	pk_of(dir, "a.pub", &pk);
	pk_of(dir, "other.pub", &other);
	/* minisign names the key in the public key's comment line */
	dw_minisign_keyid_hex(pk.keyid, id);
	CHECK(strstr(pub, id) != NULL, "key id %s not in a.pub's comment: %s", id, pub);

	rc = dw_minisign_verify(&pk, sig, sn, (uint8_t *)list, ln, tc, sizeof(tc), err, sizeof(err));
	CHECK(rc == 0, "minisign's signature: %d %s", rc, err);
	CHECK(strcmp(tc, "team a, ci run 99") == 0, "trusted comment %s", tc);

	/* one byte of the list changed */
	list[ln / 2] ^= 1;
	rc = dw_minisign_verify(&pk, sig, sn, (uint8_t *)list, ln, NULL, 0, err, sizeof(err));
	CHECK(rc == -EBADMSG && strstr(err, "does not verify"), "changed byte: %d %s", rc, err);
	list[ln / 2] ^= 1;

	/* another key */
	rc = dw_minisign_verify(&other, sig, sn, (uint8_t *)list, ln, NULL, 0, err, sizeof(err));
	CHECK(rc == -EKEYREJECTED && strstr(err, id), "other key: %d %s", rc, err);

	/* the trusted comment edited */
	{
		char *p = strstr(sig, "ci run 99");
		p[7] = '8';
		rc = dw_minisign_verify(&pk, sig, sn, (uint8_t *)list, ln, NULL, 0, err, sizeof(err));
		CHECK(rc == -EBADMSG && strstr(err, "trusted comment"), "edited comment: %d %s", rc, err);
		p[7] = '9';
	}
	/* not a signature at all; a truncated one */
	rc = dw_minisign_verify(&pk, list, ln, (uint8_t *)list, ln, NULL, 0, err, sizeof(err));
	CHECK(rc == -EBADMSG, "a list as signature: %d", rc);
	rc = dw_minisign_verify(&pk, sig, sn / 2, (uint8_t *)list, ln, NULL, 0, err, sizeof(err));
	CHECK(rc == -EBADMSG, "half a signature: %d", rc);
	rc = dw_minisign_pk_parse(sig, sn, &other, err, sizeof(err));
	CHECK(rc == -EINVAL, "a signature as public key: %d", rc);
	free(list);
	free(sig);
	free(pub);
}

static void test_sign(const char *dir)
{
	struct dw_minisign_pk pk;
	struct dw_minisign_sk sk;
	size_t kn, ln;
	char *key = slurp(dir, "a.key", &kn), *list = slurp(dir, "good.list", &ln);
	char out[2048], tc[200], err[300];
	int rc;

	pk_of(dir, "a.pub", &pk);
	rc = dw_minisign_sk_parse(key, kn, NULL, &sk, err, sizeof(err));
	CHECK(rc == 0, "minisign's unencrypted key: %d %s", rc, err);
	CHECK(memcmp(sk.keyid, pk.keyid, 8) == 0, "secret and public key ids differ");
	rc = dw_minisign_sign(&sk, (uint8_t *)list, ln, "promoted by ci", out, sizeof(out), err,
			      sizeof(err));
	CHECK(rc == 0, "sign: %d %s", rc, err);
	rc = dw_minisign_verify(&pk, out, strlen(out), (uint8_t *)list, ln, tc, sizeof(tc), err,
				sizeof(err));
	CHECK(rc == 0 && strcmp(tc, "promoted by ci") == 0, "own signature: %d %s", rc, err);
	rc = dw_minisign_sign(&sk, (uint8_t *)list, ln, "two\nlines", out, sizeof(out), err,
			      sizeof(err));
	CHECK(rc == -EINVAL, "a two-line trusted comment: %d", rc);
	dw_minisign_sk_wipe(&sk);
	/* a corrupted secret key is refused, not used */
	key[strlen("untrusted comment:")] = 'x';
	key[kn - 10] = key[kn - 10] == 'A' ? 'B' : 'A';
	rc = dw_minisign_sk_parse(key, kn, NULL, &sk, err, sizeof(err));
	CHECK(rc < 0, "corrupt secret key accepted");
	free(key);
	free(list);
}

static const struct {
	const char *text;
	unsigned line;
	const char *why;
} bad_lists[] = {
	{ "sha256:abc\n", 1, "expected an image digest" },
	{ "# ok\n\nsha256:A1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1\n", 3,
	  "lowercase" },
	{ "sha512:a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1\n", 1, "digest" },
	{ "busybox:latest\n", 1, "digest" },
	{ "sha256:a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1 expires=2027-02-30\n",
	  1, "expires=" },
	{ "sha256:a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1 expires=tomorrow\n",
	  1, "expires=" },
	{ "sha256:a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1 expires=2027-01-01T25:00:00Z\n",
	  1, "expires=" },
	{ "sha256:a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1 a\n"
	  "sha256:b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2\n"
	  "sha256:a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1 again\n",
	  3, "listed twice (also on line 1)" },
	{ "sha256:a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1 bell\a\n", 1,
	  "control character" },
};

static void test_parse(void)
{
	const char good[] =
		"# team a\r\n"
		"  sha256:a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1 "
		"expires=2027-06-01 scan 4711\n"
		"sha256:b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2\t"
		"expires=2027-06-01T12:30:00Z\n"
		"sha256:0000000000000000000000000000000000000000000000000000000000000000";
	struct dw_image_list l = { 0 };
	const struct dw_image_entry *e;
	char err[200], t[32];
	unsigned line;
	int rc;

	rc = dw_imagelist_parse(good, sizeof(good) - 1, &l, &line, err, sizeof(err));
	CHECK(rc == 0 && l.n == 3, "good list: %d line %u %s (n %zu)", rc, line, err, l.n);
	e = dw_imagelist_find(&l, "sha256:a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1", 71);
	CHECK(e && e->line == 2 && strcmp(e->comment, "scan 4711") == 0, "entry a1");
	if (e) {
		dw_imagelist_time(e->expires, t, sizeof(t));
		CHECK(strcmp(t, "2027-06-01T00:00:00Z") == 0, "expiry %s", t);
	}
	e = dw_imagelist_find(&l, "sha256:b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2", 71);
	CHECK(e && e->expires == 1811853000 && e->comment[0] == '\0', "entry b2");
	CHECK(dw_imagelist_find(&l, "sha256:0000000000000000000000000000000000000000000000000000000000000000", 71) &&
		      dw_imagelist_find(&l, "sha256:0000000000000000000000000000000000000000000000000000000000000000", 71)->expires == 0,
	      "entry without expiry, at the end without a newline");
	CHECK(!dw_imagelist_find(&l, "sha256:c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3", 71),
	      "unlisted found");
	CHECK(!dw_imagelist_find(&l, "sha256:a1a1", 11), "a prefix found");
	CHECK(!dw_imagelist_find(&l, "SHA256:a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1", 71),
	      "wrong case found");
	dw_imagelist_free(&l);

	rc = dw_imagelist_parse("", 0, &l, &line, err, sizeof(err));
	CHECK(rc == 0 && l.n == 0, "an empty list is a list");
	rc = dw_imagelist_parse("sha256:a\0b\n", 11, &l, &line, err, sizeof(err));
	CHECK(rc == -EINVAL && line == 1 && strstr(err, "NUL"), "NUL: %d %s", rc, err);
	for (size_t i = 0; i < sizeof(bad_lists) / sizeof(bad_lists[0]); i++) {
		rc = dw_imagelist_parse(bad_lists[i].text, strlen(bad_lists[i].text), &l, &line, err,
					sizeof(err));
		CHECK(rc == -EINVAL && line == bad_lists[i].line && strstr(err, bad_lists[i].why),
		      "bad list %zu: rc %d line %u (want %u) %s", i, rc, line, bad_lists[i].line, err);
		CHECK(l.n == 0 && l.v == NULL, "bad list %zu left entries", i);
	}
}

static void test_load(const char *dir)
{
	struct dw_image_list l;
	char list[512], pub[512], err[400];
	int rc;

	snprintf(list, sizeof(list), "%s/good.list", dir);
	snprintf(pub, sizeof(pub), "%s/a.pub", dir);
	rc = dw_imagelist_load(list, pub, 0, &l, err, sizeof(err));
	CHECK(rc == 0 && l.n == 2 && strcmp(l.trusted_comment, "team a, ci run 99") == 0 &&
		      strcmp(l.path, list) == 0,
	      "load: %d %s", rc, err);
	dw_imagelist_free(&l);
	snprintf(pub, sizeof(pub), "%s/other.pub", dir);
	rc = dw_imagelist_load(list, pub, 0, &l, err, sizeof(err));
	CHECK(rc == -EKEYREJECTED && strstr(err, "good.list: signed by key"), "other key: %d %s", rc,
	      err);
	snprintf(list, sizeof(list), "%s/no-such.list", dir);
	rc = dw_imagelist_load(list, pub, 0, &l, err, sizeof(err));
	CHECK(rc == -ENOENT && strstr(err, "no-such.list"), "missing list: %d %s", rc, err);
}

int main(int argc, char **argv)
{
	if (argc != 2 || sodium_init() < 0) {
		fprintf(stderr, "usage: %s DATA_DIR\n", argv[0]);
		return 99;
	}
	test_verify(argv[1]);
	test_sign(argv[1]);
	test_parse();
	test_load(argv[1]);
	if (fails)
		fprintf(stderr, "%d failures\n", fails);
	else
		printf("imagelist: all checks passed\n");
	return fails ? 1 : 0;
}
