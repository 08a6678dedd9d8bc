/* dw_minisign.c - minisign's key and signature files (see dw_minisign.h). */
#include "dw_minisign.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "dw_why.h"

#define UNTRUSTED "untrusted comment:"
#define TRUSTED "trusted comment: "
#define PK_BYTES (2 + 8 + 32)
#define SIG_BYTES (2 + 8 + 64)
#define SK_BYTES (2 + 2 + 2 + 32 + 8 + 8 + 8 + 64 + 32)
/* an encrypted key asking for more memory than this is refused, not tried */
#define SK_MEMLIMIT_MAX (4ULL << 30)

struct line {
	const char *s;
	size_t len;
};

/* Split TEXT into at most MAX lines (without "\n" or "\r\n").  Anything
 * after them other than empty lines is an error.  The number of lines, or
 * -1. */
static int split(const char *text, size_t len, struct line *out, int max)
{
	size_t pos = 0;
	int n = 0;

	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - text) : len, l = end - pos;

		if (l && text[pos + l - 1] == '\r')
			l--;
		if (n < max) {
			out[n].s = text + pos;
			out[n].len = l;
			n++;
		} else if (l) {
			return -EINVAL;
		}
		pos = end + 1;
	}
	return n;
}

static bool starts(const struct line *l, const char *prefix)
{
	size_t n = strlen(prefix);

	return l->len >= n && memcmp(l->s, prefix, n) == 0;
}

/* Exactly WANT bytes of base64 in L. */
static int b64(const struct line *l, uint8_t *bin, size_t want)
{
	size_t got = 0;
	const char *end = NULL;

	if (sodium_base642bin(bin, want, l->s, l->len, NULL, &got, &end,
			      sodium_base64_VARIANT_ORIGINAL) != 0)
		return -EINVAL;
	return got == want && end == l->s + l->len ? 0 : -1;
}

void dw_minisign_keyid_hex(const uint8_t keyid[8], char out[17])
{
	static const char hex[] = "0123456789ABCDEF";

	/* minisign prints the id as a little-endian 64-bit number */
	for (int i = 0; i < 8; i++) {
		out[2 * i] = hex[keyid[7 - i] >> 4];
		out[2 * i + 1] = hex[keyid[7 - i] & 15];
	}
	out[16] = '\0';
}

int dw_minisign_pk_parse(const char *text, size_t len, struct dw_minisign_pk *pk, char *err,
			 size_t errsz)
{
	struct line l[2];
	uint8_t bin[PK_BYTES];

	if (split(text, len, l, 2) != 2 || !starts(&l[0], UNTRUSTED)) {
		dw_why(err, errsz, "not a minisign public key (an \"untrusted comment:\" line, then the key)");
		return -EINVAL;
	}
	if (b64(&l[1], bin, sizeof(bin)) < 0 || memcmp(bin, "Ed", 2) != 0) {
		dw_why(err, errsz, "not a minisign public key: its second line is not an Ed25519 key");
		return -EINVAL;
	}
	memcpy(pk->keyid, bin + 2, 8);
	memcpy(pk->pk, bin + 10, 32);
	return 0;
}

void dw_minisign_sk_wipe(struct dw_minisign_sk *sk)
{
	sodium_memzero(sk, sizeof(*sk));
}

int dw_minisign_sk_parse(const char *text, size_t len, const char *password,
			 struct dw_minisign_sk *sk, char *err, size_t errsz)
{
	uint8_t bin[SK_BYTES], stream[8 + 64 + 32], chk[32], chk2[32], pk2[32], sk2[64];
	uint8_t *const kdf = bin + 2, *const salt = bin + 6, *const body = bin + 54;
	crypto_generichash_state h;
	struct line l[2];
	uint64_t ops = 0, mem = 0;
	int rc = -EINVAL;

	if (split(text, len, l, 2) != 2 || !starts(&l[0], UNTRUSTED) ||
	    b64(&l[1], bin, sizeof(bin)) < 0 || memcmp(bin, "Ed", 2) != 0 ||
	    memcmp(bin + 4, "B2", 2) != 0) {
		dw_why(err, errsz, "not a minisign secret key");
		goto out;
	}
	for (int i = 7; i >= 0; i--) {
		ops = ops << 8 | bin[38 + i];
		mem = mem << 8 | bin[46 + i];
	}
	if (memcmp(kdf, "Sc", 2) == 0) {
		if (!password) {
			dw_why(err, errsz, "the secret key is encrypted: a password is needed");
			rc = -EACCES;
			goto out;
		}
		if (mem > SK_MEMLIMIT_MAX) {
			dw_why(err, errsz, "the secret key asks for %llu MiB to derive its key: refused",
			    (unsigned long long)(mem >> 20));
			goto out;
		}
		if (crypto_pwhash_scryptsalsa208sha256(stream, sizeof(stream), password,
						       strlen(password), salt, ops, (size_t)mem) != 0) {
			dw_why(err, errsz, "cannot derive the key from the password (out of memory?)");
			rc = -ENOMEM;
			goto out;
		}
		for (size_t i = 0; i < sizeof(stream); i++)
			body[i] ^= stream[i];
	} else if (kdf[0] != 0 || kdf[1] != 0) {
		dw_why(err, errsz, "the secret key uses an unknown key derivation");
		goto out;
	}
	/* the check: BLAKE2b-256 of "Ed" | key id | secret key (minisign 0.11
	 * leaves it zero in a key made without a password, -W) */
	crypto_generichash_init(&h, NULL, 0, sizeof(chk));
	crypto_generichash_update(&h, bin, 2);
	crypto_generichash_update(&h, body, 8 + 64);
	crypto_generichash_final(&h, chk, sizeof(chk));
	memset(chk2, 0, sizeof(chk2));
	if (sodium_memcmp(chk, body + 72, sizeof(chk)) != 0 &&
	    (memcmp(kdf, "Sc", 2) == 0 || sodium_memcmp(chk2, body + 72, sizeof(chk2)) != 0)) {
		dw_why(err, errsz, memcmp(kdf, "Sc", 2) == 0 ? "wrong password for the secret key"
							  : "the secret key is corrupt");
		rc = -EACCES;
		goto out;
	}
	/* and the key itself: its second half is the public key of its seed */
	crypto_sign_seed_keypair(pk2, sk2, body + 8);
	if (sodium_memcmp(sk2, body + 8, sizeof(sk2)) != 0) {
		dw_why(err, errsz, "the secret key is corrupt");
		rc = -EACCES;
		goto out;
	}
	memcpy(sk->keyid, body, 8);
	memcpy(sk->sk, body + 8, 64);
	rc = 0;
out:
	sodium_memzero(bin, sizeof(bin));
	sodium_memzero(stream, sizeof(stream));
	sodium_memzero(sk2, sizeof(sk2));
	sodium_memzero(&h, sizeof(h));
	return rc;
}

int dw_minisign_verify(const struct dw_minisign_pk *pk, const char *sig, size_t siglen,
		       const uint8_t *msg, size_t msglen, char *tc, size_t tcsz, char *err,
		       size_t errsz)
{
	uint8_t s[SIG_BYTES], global[64], hash[64], buf[64 + DW_MINISIGN_COMMENT_MAX];
	const uint8_t *signed_msg = msg;
	size_t signed_len = msglen, tclen;
	char want[17], got[17];
	struct line l[4];

	if (split(sig, siglen, l, 4) != 4 || !starts(&l[0], UNTRUSTED) || !starts(&l[2], TRUSTED) ||
	    b64(&l[1], s, sizeof(s)) < 0 || b64(&l[3], global, sizeof(global)) < 0 ||
	    (memcmp(s, "Ed", 2) != 0 && memcmp(s, "ED", 2) != 0)) {
		dw_why(err, errsz, "not a minisign signature");
		return -EBADMSG;
	}
	if (memcmp(s + 2, pk->keyid, 8) != 0) {
		dw_minisign_keyid_hex(pk->keyid, want);
		dw_minisign_keyid_hex(s + 2, got);
		dw_why(err, errsz, "signed by key %s, not by the trusted key %s", got, want);
		return -EKEYREJECTED;
	}
	if (s[1] == 'D') {
		crypto_generichash(hash, sizeof(hash), msg, msglen, NULL, 0);
		signed_msg = hash;
		signed_len = sizeof(hash);
	}
	if (crypto_sign_verify_detached(s + 10, signed_msg, signed_len, pk->pk) != 0) {
		dw_why(err, errsz, "the signature does not verify: the file is not what key %s signed",
		    (dw_minisign_keyid_hex(pk->keyid, want), want));
		return -EBADMSG;
	}
	tclen = l[2].len - strlen(TRUSTED);
	if (tclen > DW_MINISIGN_COMMENT_MAX) {
		dw_why(err, errsz, "the trusted comment is longer than %d bytes", DW_MINISIGN_COMMENT_MAX);
		return -EBADMSG;
	}
	memcpy(buf, s + 10, 64);
	memcpy(buf + 64, l[2].s + strlen(TRUSTED), tclen);
	if (crypto_sign_verify_detached(global, buf, 64 + tclen, pk->pk) != 0) {
		dw_why(err, errsz, "the trusted comment's signature does not verify");
		return -EBADMSG;
	}
	if (tc && tcsz) {
		size_t n = tclen < tcsz - 1 ? tclen : tcsz - 1;
		memcpy(tc, l[2].s + strlen(TRUSTED), n);
		tc[n] = '\0';
	}
	return 0;
}

int dw_minisign_sign(const struct dw_minisign_sk *sk, const uint8_t *msg, size_t msglen,
		     const char *tc, char *out, size_t outsz, char *err, size_t errsz)
{
	uint8_t s[SIG_BYTES], global[64], hash[64], buf[64 + DW_MINISIGN_COMMENT_MAX];
	char b1[sodium_base64_ENCODED_LEN(SIG_BYTES, sodium_base64_VARIANT_ORIGINAL)];
	char b2[sodium_base64_ENCODED_LEN(64, sodium_base64_VARIANT_ORIGINAL)];
	size_t tclen = strlen(tc);
	int n, rc = -EINVAL;

	for (size_t i = 0; i < tclen; i++)
		if ((unsigned char)tc[i] < 0x20 && tc[i] != '\t') {
			dw_why(err, errsz, "the trusted comment must be one line of printable text");
			goto out;
		}
	if (tclen > DW_MINISIGN_COMMENT_MAX) {
		dw_why(err, errsz, "the trusted comment is longer than %d bytes", DW_MINISIGN_COMMENT_MAX);
		goto out;
	}
	crypto_generichash(hash, sizeof(hash), msg, msglen, NULL, 0);
	s[0] = 'E';
	s[1] = 'D'; /* prehashed: BLAKE2b-512 of MSG is what is signed */
	memcpy(s + 2, sk->keyid, 8);
	crypto_sign_detached(s + 10, NULL, hash, sizeof(hash), sk->sk);
	memcpy(buf, s + 10, 64);
	for (size_t i = 0; i < tclen; i++) /* bytes, not a C string: no NUL signed */
		buf[64 + i] = (uint8_t)tc[i];
	crypto_sign_detached(global, NULL, buf, 64 + tclen, sk->sk);
	sodium_bin2base64(b1, sizeof(b1), s, sizeof(s), sodium_base64_VARIANT_ORIGINAL);
	sodium_bin2base64(b2, sizeof(b2), global, sizeof(global), sodium_base64_VARIANT_ORIGINAL);
	n = snprintf(out, outsz, "untrusted comment: signature from dockwarden image sign\n%s\n"
				 TRUSTED "%s\n%s\n", b1, tc, b2);
	if (n < 0 || (size_t)n >= outsz) {
		dw_why(err, errsz, "signature buffer too small");
		rc = -ENOSPC;
		goto out;
	}
	rc = 0;
out:
	sodium_memzero(buf, sizeof(buf));
	return rc;
}
