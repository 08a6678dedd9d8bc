/* dw_imagelist.h - signed lists of trusted images.
 *
 * A list is a text file, signed with minisign (dw_minisign.h) in LIST.minisig:
 *
 *   # comment lines and blank lines are ignored
 *   sha256:<64 hex digits> [expires=YYYY-MM-DD|YYYY-MM-DDTHH:MM:SSZ] [comment]
 *
 * one image per line: its image ID (`docker image inspect -f '{{.Id}}'`) or
 * one of its repo digests (the digest after "@").  The comment (who promoted
 * it, from which scan) is free printable text.  An entry is valid until its
 * expiry (UTC; a date means its start).
 *
 * dw_imagelist_parse is pure (code and line of the first problem);
 * dw_imagelist_load reads LIST, LIST.minisig and the public key and verifies
 * before it parses. */
#ifndef DW_IMAGELIST_H
#define DW_IMAGELIST_H

#include <stddef.h>
#include <stdint.h>

#include "dw_minisign.h"
#include "dw_attr.h"

#define DW_IMAGELIST_MAX_BYTES (16u << 20)
#define DW_IMAGELIST_COMMENT_MAX 200

struct dw_image_entry {
	uint8_t digest[32];
	int64_t expires; /* seconds since the epoch; 0: never */
	unsigned line;
	char comment[DW_IMAGELIST_COMMENT_MAX + 1];
};

struct dw_image_list {
	char *path;                         /* the list file */
	char keyid[17];                     /* the key that signed it */
	char trusted_comment[DW_MINISIGN_COMMENT_MAX + 1];
	struct dw_image_entry *v;           /* sorted by digest */
	size_t n;
};

/* Parse TEXT (LEN bytes) into L's entries.  0, or -EINVAL with the 1-based
 * line in *LINE and the reason in ERR; -ENOMEM. */
DW_MUST_CHECK int dw_imagelist_parse(const char *text, size_t len, struct dw_image_list *l, unsigned *line,
		       char *err, size_t errsz);

/* Read and verify LIST_PATH with the minisign public key file PUBKEY_PATH,
 * then parse it.  With CHECK_SECURE the three files must be root's and not
 * group- or world-writable (dw_file_check_secure).  0, or a negative errno
 * with ERR saying what and where. */
DW_MUST_CHECK int dw_imagelist_load(const char *list_path, const char *pubkey_path, int check_secure,
		      struct dw_image_list *l, char *err, size_t errsz);

void dw_imagelist_free(struct dw_image_list *l);

/* The entry for DIGEST ("sha256:" and 64 hex digits, LEN bytes), or NULL
 * (also when DIGEST is not of that form). */
const struct dw_image_entry *dw_imagelist_find(const struct dw_image_list *l, const char *digest,
					       size_t len);

/* "2027-01-31T00:00:00Z" of T into OUT (at least 21 bytes). */
void dw_imagelist_time(int64_t t, char *out, size_t outsz);

#endif
