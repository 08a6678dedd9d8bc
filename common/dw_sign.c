/* dw_sign.c - keys, signatures, chain links (see dw_sign.h). */
#include "dw_sign.h"
#include "dw_hex.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#define SK_TAG "dockwarden-ed25519-secret "
#define PK_TAG "dockwarden-ed25519-public "
#define KEYFILE_MAX 512

struct dw_sign_key {
	uint8_t sk[DW_SIGN_SK_BYTES];
	char id[DW_SIGN_KEYID_HEX + 1];
};

int dw_sign_init(void)
{
	return sodium_init() < 0 ? -EIO : 0;
}

static void key_id(const uint8_t pk[DW_SIGN_PK_BYTES], char id[DW_SIGN_KEYID_HEX + 1])
{
	uint8_t h[32];
	crypto_generichash(h, sizeof h, pk, DW_SIGN_PK_BYTES, NULL, 0);
	dw_hex_encode(h, DW_SIGN_KEYID_HEX / 2, id);
	id[DW_SIGN_KEYID_HEX] = '\0';
}

/* Read a small key file into BUF (NUL-terminated).  With SECRET, the file must
 * not be accessible to group or others and must belong to us or root. */
static int read_keyfile(const char *path, int secret, char *buf, size_t bufsz, size_t *len,
			char *why, size_t whysz)
{
	struct stat st;
	ssize_t n;
	int rc = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY);

	if (fd < 0) {
		rc = -errno;
		snprintf(why, whysz, "cannot open: %s", strerror(errno));
		goto out;
	}
	if (fstat(fd, &st) < 0) {
		rc = -errno;
		snprintf(why, whysz, "cannot stat: %s", strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		rc = -EINVAL;
		snprintf(why, whysz, "not a regular file");
		goto out;
	}
	if (secret && (st.st_mode & 077)) {
		rc = -EPERM;
		snprintf(why, whysz, "mode %04o lets group or others read the secret key, must be 0600",
			 (unsigned int)(st.st_mode & 07777));
		goto out;
	}
	if (secret && st.st_uid != 0 && st.st_uid != geteuid()) {
		rc = -EPERM;
		snprintf(why, whysz, "owned by uid %u, must be root", (unsigned int)st.st_uid);
		goto out;
	}
	n = read(fd, buf, bufsz - 1);
	if (n < 0) {
		rc = -errno;
		snprintf(why, whysz, "cannot read: %s", strerror(errno));
		goto out;
	}
	if ((size_t)n == bufsz - 1) {
		rc = -EINVAL;
		snprintf(why, whysz, "too large for a key file");
		goto out;
	}
	buf[n] = '\0';
	*len = (size_t)n;
out:
	if (fd >= 0)
		close(fd);
	return rc;
}

/* Decode "TAG<base64>\n" into OUT (exactly N bytes). */
static int parse_tagged(const char *text, size_t len, const char *tag, uint8_t *out, size_t n)
{
	size_t taglen = strlen(tag);
	size_t b64len, got = 0;
	const char *end = NULL;

	if (len < taglen || memcmp(text, tag, taglen) != 0)
		return -EINVAL;
	b64len = len - taglen;
	while (b64len > 0 && (text[taglen + b64len - 1] == '\n' || text[taglen + b64len - 1] == '\r'))
		b64len--;
	if (sodium_base642bin(out, n, text + taglen, b64len, NULL, &got, &end,
			      sodium_base64_VARIANT_ORIGINAL) != 0 ||
	    got != n || end != text + taglen + b64len)
		return -EINVAL;
	return 0;
}

int dw_sign_key_load(const char *path, int allow_insecure, struct dw_sign_key **out,
		     char *why, size_t whysz)
{
	char *buf = NULL;
	size_t len = 0;
	struct dw_sign_key *k = NULL;
	uint8_t pk[DW_SIGN_PK_BYTES];
	int rc;

	*out = NULL;
	buf = sodium_malloc(KEYFILE_MAX);
	k = sodium_malloc(sizeof *k);
	if (!buf || !k) {
		rc = -ENOMEM;
		snprintf(why, whysz, "out of memory");
		goto out;
	}
	rc = read_keyfile(path, !allow_insecure, buf, KEYFILE_MAX, &len, why, whysz);
	if (rc < 0)
		goto out;
	rc = parse_tagged(buf, len, SK_TAG, k->sk, sizeof k->sk);
	if (rc < 0) {
		snprintf(why, whysz, "not a dockwarden secret key (expected \"%s<base64>\")", SK_TAG);
		goto out;
	}
	crypto_sign_ed25519_sk_to_pk(pk, k->sk);
	key_id(pk, k->id);
	*out = k;
	k = NULL;
out:
	if (buf) {
		sodium_memzero(buf, KEYFILE_MAX);
		sodium_free(buf);
	}
	if (k)
		sodium_free(k); /* sodium_free wipes */
	return rc;
}

void dw_sign_key_free(struct dw_sign_key *k)
{
	if (k)
		sodium_free(k);
}

const char *dw_sign_key_id(const struct dw_sign_key *k)
{
	return k->id;
}

void dw_sign_hex(const struct dw_sign_key *k, const void *msg, size_t len, char hex[DW_SIGN_SIG_HEX])
{
	uint8_t sig[DW_SIGN_SIG_BYTES];
	crypto_sign_detached(sig, NULL, msg, len, k->sk);
	dw_hex_encode(sig, sizeof sig, hex);
}

int dw_pubkey_parse(const char *text, size_t len, struct dw_pubkey *out)
{
	int rc = parse_tagged(text, len, PK_TAG, out->pk, sizeof out->pk);
	if (rc == 0)
		key_id(out->pk, out->id);
	return rc;
}

int dw_pubkey_load(const char *path, struct dw_pubkey *out)
{
	char buf[KEYFILE_MAX];
	char why[128];
	size_t len = 0;
	int rc = read_keyfile(path, 0, buf, sizeof buf, &len, why, sizeof why);
	if (rc < 0)
		return rc;
	return dw_pubkey_parse(buf, len, out);
}

int dw_pubkey_verify_hex(const struct dw_pubkey *pk, const void *msg, size_t len, const char *sighex)
{
	uint8_t sig[DW_SIGN_SIG_BYTES];
	if (dw_hex_decode(sighex, DW_SIGN_SIG_HEX, sig, sizeof sig) < 0)
		return -EBADMSG;
	if (crypto_sign_verify_detached(sig, msg, len, pk->pk) != 0)
		return -EBADMSG;
	return 0;
}

/* Write all of BUF to a new file PATH (O_EXCL: never overwrite) and fsync. */
static int write_new(const char *path, const char *buf, size_t len, mode_t mode)
{
	int rc = 0;
	size_t off = 0;
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode);

	if (fd < 0)
		return -errno;
	if (fchmod(fd, mode) < 0) { /* umask must not widen or narrow what we promise */
		rc = -errno;
		goto out;
	}
	while (off < len) {
		ssize_t n = write(fd, buf + off, len - off);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			rc = -errno;
			goto out;
		}
		off += (size_t)n;
	}
	if (fsync(fd) < 0)
		rc = -errno;
out:
	close(fd);
	if (rc < 0)
		unlink(path);
	return rc;
}

int dw_sign_keygen(const char *prefix, char *keyid_out, size_t keyid_outsz)
{
	char keypath[4096], pubpath[4096];
	uint8_t pk[DW_SIGN_PK_BYTES];
	uint8_t *sk = NULL;
	char *text = NULL;
	const size_t textsz = KEYFILE_MAX;
	char id[DW_SIGN_KEYID_HEX + 1];
	int n, rc = 0;
	struct stat st;

	if (snprintf(keypath, sizeof keypath, "%s.key", prefix) >= (int)sizeof keypath ||
	    snprintf(pubpath, sizeof pubpath, "%s.pub", prefix) >= (int)sizeof pubpath)
		return -ENAMETOOLONG;
	/* Check both first so that we never leave half a pair behind. */
	if (lstat(keypath, &st) == 0 || lstat(pubpath, &st) == 0)
		return -EEXIST;
	sk = sodium_malloc(DW_SIGN_SK_BYTES);
	text = sodium_malloc(textsz);
	if (!sk || !text) {
		rc = -ENOMEM;
		goto out;
	}
	crypto_sign_keypair(pk, sk);
	n = snprintf(text, textsz, "%s", SK_TAG);
	sodium_bin2base64(text + n, textsz - (size_t)n, sk, DW_SIGN_SK_BYTES,
			  sodium_base64_VARIANT_ORIGINAL);
	n += (int)strlen(text + n);
	text[n++] = '\n';
	rc = write_new(keypath, text, (size_t)n, 0600);
	if (rc < 0)
		goto out;
	n = snprintf(text, textsz, "%s", PK_TAG);
	sodium_bin2base64(text + n, textsz - (size_t)n, pk, sizeof pk, sodium_base64_VARIANT_ORIGINAL);
	n += (int)strlen(text + n);
	text[n++] = '\n';
	rc = write_new(pubpath, text, (size_t)n, 0644);
	if (rc < 0) {
		unlink(keypath);
		goto out;
	}
	key_id(pk, id);
	if (keyid_out && keyid_outsz > 0)
		snprintf(keyid_out, keyid_outsz, "%s", id);
out:
	if (sk)
		sodium_free(sk); /* wipes */
	if (text)
		sodium_free(text);
	return rc;
}

void dw_chain_next(const uint8_t prev[DW_CHAIN_BYTES], const void *body, size_t len,
		   uint8_t out[DW_CHAIN_BYTES])
{
	crypto_generichash_state st;
	crypto_generichash_init(&st, NULL, 0, DW_CHAIN_BYTES);
	crypto_generichash_update(&st, prev, DW_CHAIN_BYTES);
	crypto_generichash_update(&st, body, len);
	crypto_generichash_final(&st, out, DW_CHAIN_BYTES);
}
