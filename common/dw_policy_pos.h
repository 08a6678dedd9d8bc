/* dw_policy_pos.h - private: where each JSON value of a policy file starts.
 *
 * jansson keeps no source positions for values, only for syntax errors.  To
 * report semantic errors as FILE:LINE:COL we scan the text jansson already
 * accepted once more and remember, for every value, its JSON pointer (RFC 6901,
 * e.g. "/trusted/networks/2") and the 1-based line and column where its key
 * (object members) or the value itself (array items, the root) starts.
 * Columns count characters like jansson does (a UTF-8 sequence is one column). */
#ifndef DW_POLICY_POS_H
#define DW_POLICY_POS_H

#include <stddef.h>

struct dw_pos_index;

/* Build the index for BUF (LEN bytes).  -EINVAL when BUF is not the JSON
 * jansson accepted (should not happen), -ENOMEM. */
int dw_pos_index_build(const char *buf, size_t len, struct dw_pos_index **out);
void dw_pos_index_free(struct dw_pos_index *idx);

/* Position of the value at PTR; when PTR is not indexed (IDX NULL, or too
 * deep), the nearest indexed ancestor's.  0 when found, -ENOENT otherwise
 * (*LINE and *COL then 0). */
int dw_pos_index_lookup(const struct dw_pos_index *idx, const char *ptr,
			int *line, int *col);

/* Append "/" and KEY (KLEN bytes) escaped per RFC 6901 ('~' -> "~0",
 * '/' -> "~1") to the NUL-terminated pointer in BUF.  -ENAMETOOLONG when it
 * does not fit (BUF unchanged). */
int dw_ptr_append(char *buf, size_t bufsz, const char *key, size_t klen);
/* Append "/" and the decimal index. */
int dw_ptr_append_index(char *buf, size_t bufsz, size_t idx);

#endif
