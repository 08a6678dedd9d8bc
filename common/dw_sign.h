/* dw_sign.h - signing keys, Ed25519 signatures and the BLAKE2b hash chain of
 * the forwarded audit stream.  Shared by dockwarden-audisp (signs) and
 * `dockwarden verify` / `dockwarden keygen`.
 *
 * Key files are one line of text each:
 *   PREFIX.key  "dockwarden-ed25519-secret <base64 of the 64-byte secret key>\n"  (0600)
 *   PREFIX.pub  "dockwarden-ed25519-public <base64 of the 32-byte public key>\n"
 * The key id is the first 8 bytes of BLAKE2b-256(public key), 16 hex digits:
 * records name the key they were signed with, so a record signed with another
 * key is reported as forged rather than merely "modified".
 *
 * Error convention: 0 on success, negative errno on failure.
 */
#ifndef DW_SIGN_H
#define DW_SIGN_H

#include <stddef.h>
#include <stdint.h>
#include "dw_attr.h"
#include "dw_hex.h"

#define DW_SIGN_PK_BYTES 32
#define DW_SIGN_SK_BYTES 64
#define DW_SIGN_SIG_BYTES 64
#define DW_SIGN_SIG_HEX (DW_SIGN_SIG_BYTES * 2)
#define DW_SIGN_KEYID_HEX 16
#define DW_CHAIN_BYTES 32
#define DW_CHAIN_HEX (DW_CHAIN_BYTES * 2)

/* libsodium must be initialised once per process; safe to call repeatedly. */
int dw_sign_init(void);

/* A secret key lives in sodium_malloc'd, guarded memory; opaque. */
struct dw_sign_key;

/* Load PATH (a .key file).  Rejects files readable by group/other (-EPERM,
 * WHY set) unless ALLOW_INSECURE (tests).  -EINVAL for malformed content. */
DW_MUST_CHECK int dw_sign_key_load(const char *path, int allow_insecure, struct dw_sign_key **out,
		     char *why, size_t whysz);
void dw_sign_key_free(struct dw_sign_key *k);
/* The key id of K as 16 hex digits + NUL. */
const char *dw_sign_key_id(const struct dw_sign_key *k);
/* Ed25519 over MSG; writes 128 lowercase hex digits (no NUL) to HEX. */
void dw_sign_hex(const struct dw_sign_key *k, const void *msg, size_t len,
		 char hex[DW_SIGN_SIG_HEX]);

struct dw_pubkey {
	uint8_t pk[DW_SIGN_PK_BYTES];
	char id[DW_SIGN_KEYID_HEX + 1];
};
DW_MUST_CHECK int dw_pubkey_load(const char *path, struct dw_pubkey *out);
/* Parse the text of a .pub file (LEN bytes). */
DW_MUST_CHECK int dw_pubkey_parse(const char *text, size_t len, struct dw_pubkey *out);
/* 0 when SIGHEX (128 hex digits) is a valid signature of MSG by PK; -EBADMSG
 * otherwise (also for malformed hex). */
int dw_pubkey_verify_hex(const struct dw_pubkey *pk, const void *msg, size_t len,
			 const char *sighex);

/* Generate a key pair and write PREFIX.key (0600) and PREFIX.pub (0644).
 * Refuses to overwrite either file (-EEXIST).  The secret is wiped from
 * memory before returning. */
int dw_sign_keygen(const char *prefix, char *keyid_out, size_t keyid_outsz);

/* Chain link: OUT = BLAKE2b-256(PREV || BODY). */
void dw_chain_next(const uint8_t prev[DW_CHAIN_BYTES], const void *body, size_t len,
		   uint8_t out[DW_CHAIN_BYTES]);


#endif
