/* dw_minisign.h - minisign's key and signature files (Ed25519, libsodium).
 *
 * dockwarden reads and writes the formats of minisign 0.11 (Frank Denis,
 * jedisct1/minisign, src/minisign.h and minisign.c), so a list signed in a
 * build pipeline with `minisign -S` verifies here and one signed with
 * `dockwarden image sign` verifies with `minisign -V`:
 *
 *   public key   "untrusted comment: ..." line, then base64 of
 *                "Ed" | key id (8) | public key (32)
 *   secret key   "untrusted comment: ..." line, then base64 of
 *                "Ed" | kdf "Sc" or 0,0 | "B2" | salt (32) | opslimit (8, LE)
 *                | memlimit (8, LE) | [key id (8) | secret key (64) |
 *                BLAKE2b-256 check (32)], the bracket XORed with an
 *                scrypt stream of the password when kdf is "Sc"
 *   signature    "untrusted comment: ..." line, base64 of
 *                "ED" (BLAKE2b-512 of the file signed) or "Ed" (the file
 *                itself) | key id (8) | signature (64); then
 *                "trusted comment: TEXT" and base64 of the global signature
 *                over signature (64) | TEXT
 *
 * Parsers return 0 or a negative errno and say why in ERR (ERRSZ bytes).
 * Nothing here reads files: the caller passes the bytes. */
#ifndef DW_MINISIGN_H
#define DW_MINISIGN_H

#include <stddef.h>
#include <stdint.h>
#include "dw_attr.h"

#define DW_MINISIGN_COMMENT_MAX 1024 /* trusted comment, as minisign's COMMENTMAXBYTES */

struct dw_minisign_pk {
	uint8_t keyid[8];
	uint8_t pk[32];
};

struct dw_minisign_sk {
	uint8_t keyid[8];
	uint8_t sk[64]; /* wipe with dw_minisign_sk_wipe() */
};

/* "A1B2C3D4E5F60718": the key id as minisign prints it (16 hex + NUL). */
void dw_minisign_keyid_hex(const uint8_t keyid[8], char out[17]);

DW_MUST_CHECK int dw_minisign_pk_parse(const char *text, size_t len, struct dw_minisign_pk *pk, char *err,
			 size_t errsz);

/* PASSWORD (NUL-terminated) is used only when the key is encrypted; NULL
 * then is an error saying a password is needed (-EACCES). */
DW_MUST_CHECK int dw_minisign_sk_parse(const char *text, size_t len, const char *password,
			 struct dw_minisign_sk *sk, char *err, size_t errsz);
void dw_minisign_sk_wipe(struct dw_minisign_sk *sk);

/* Verify signature file SIG (SIGLEN bytes) of MSG (MSGLEN) with PK.  0 and
 * the trusted comment in TC (TCSZ bytes, may be NULL); -EBADMSG when the
 * signature is malformed or does not verify, -EKEYREJECTED when it was made
 * by another key (ERR names both key ids). */
DW_MUST_CHECK int dw_minisign_verify(const struct dw_minisign_pk *pk, const char *sig, size_t siglen,
		       const uint8_t *msg, size_t msglen, char *tc, size_t tcsz, char *err,
		       size_t errsz);

/* A prehashed ("ED") signature file of MSG with trusted comment TC (one
 * line, printable), NUL-terminated in OUT (OUTSZ bytes, at least 512 plus
 * TC's length).  0 or -ENOSPC / -EINVAL. */
int dw_minisign_sign(const struct dw_minisign_sk *sk, const uint8_t *msg, size_t msglen,
		     const char *tc, char *out, size_t outsz, char *err, size_t errsz);

#endif
