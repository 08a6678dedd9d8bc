/* dw_match.h - matching primitives: host paths, networks, capabilities, groups.
 * All functions: 0 (or a non-negative length) on success, negative errno on failure. */
#ifndef DW_MATCH_H
#define DW_MATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "dw_policy.h"
#include "dw_attr.h"

#define DW_PATH_MAX 4096

/* Lexical normalisation of an absolute path: collapses "//", removes "." ,
 * resolves ".." (".." above "/" stays at "/"), drops a trailing '/'.
 * IN is LEN bytes (no NUL needed; an embedded NUL is -EINVAL).
 * Returns the length written to OUT (NUL-terminated), -EINVAL for a relative
 * or empty path, -ENAMETOOLONG when OUTSZ is too small. */
DW_MUST_CHECK ssize_t dw_path_normalize(const char *in, size_t len, char *out, size_t outsz);

/* Resolve symlinks on this host for a normalised absolute path: the longest
 * existing prefix is resolved with realpath(3), the non-existent rest is
 * appended lexically (a bind source that does not exist yet is still judged
 * by where it would be created).  Dangling symlinks are followed to where
 * their target would be created; more than 40 links is -ELOOP; below a
 * regular file the rest stays lexical.  Returns the length written, -EINVAL
 * for a relative path, -ENAMETOOLONG, or another -errno from lstat/readlink. */
DW_MUST_CHECK ssize_t dw_path_resolve(const char *path, char *out, size_t outsz);

enum dw_path_rel {
	DW_PATH_UNRELATED = 0,
	DW_PATH_EQUAL,   /* PATH is SENSITIVE */
	DW_PATH_INSIDE,  /* PATH is below SENSITIVE */
	DW_PATH_PARENT,  /* PATH is an ancestor of SENSITIVE (e.g. "/") */
};
/* Both arguments normalised.  SENSITIVE may end in '*' (e.g. "/lib*"), which
 * matches any final component starting with the prefix ("/lib", "/lib64",
 * and also "/libfoo" or "/library": over-matching fails closed); paths below
 * such a match are INSIDE, its directory ("/") and ancestors are PARENT.  A
 * '*' elsewhere is literal.  "/" is the PARENT of every other path, and every
 * other path is INSIDE a sensitive "/". */
enum dw_path_rel dw_path_relation(const char *path, const char *sensitive);

/* First sensitive entry related to PATH (normalised), or NULL.  A "/" entry
 * matches only "/" itself (EQUAL): every path is INSIDE "/", and counting
 * that would make every host path sensitive. */
const char *dw_path_find_sensitive(const struct dw_strv *sensitive, const char *path,
				   enum dw_path_rel *rel);

/* Parse "a.b.c.d", "x:y::z", "::ffff:a.b.c.d" (LEN bytes, no brackets, no
 * zone) into the 16-byte IPv6 form (IPv4 mapped).  -EINVAL when malformed. */
DW_MUST_CHECK int dw_addr_parse(const char *s, size_t len, uint8_t out[16]);
/* Parse "addr/prefix" or a bare address (full-length prefix).  Host bits set
 * below the prefix are -EINVAL (a typo, not a network). */
DW_MUST_CHECK int dw_cidr_parse(const char *s, size_t len, struct dw_cidr *out);
bool dw_cidr_contains(const struct dw_cidr *net, const uint8_t addr[16]);
bool dw_cidrv_contains(const struct dw_cidrv *nets, const uint8_t addr[16]);
/* Canonical text "10.0.0.0/8", "::1/128" (IPv4-mapped shown as IPv4 when
 * the prefix is >= 96).  Returns the length written, -ENOSPC when OUTSZ is
 * too small (64 bytes always suffice). */
int dw_cidr_format(const struct dw_cidr *net, char *out, size_t outsz);

/* Capability names as dockerd accepts them: case-insensitive, with or without
 * "CAP_"; "ALL" stays "ALL".  Writes "CAP_SYS_ADMIN".  -EINVAL for names with
 * characters other than [A-Za-z0-9_] or empty, or "CAP_" alone; -ENOSPC when
 * OUTSZ is too small. Returns length written. */
DW_MUST_CHECK ssize_t dw_cap_normalize(const char *in, size_t len, char *out, size_t outsz);

/* Groups of USER: primary and supplementary gids.  *GIDS malloc'd.
 * -ENOENT unknown user; -EIO when the databases cannot be read. */
int dw_user_gids(const char *user, gid_t **gids, size_t *n);
/* Is USER a member (primary or supplementary) of any group named in GROUPS?
 * Sets *WHICH to the matching name (pointer into GROUPS) when true.
 * Group names that do not exist never match.  -ENOENT unknown user, -EIO. */
int dw_user_in_groups(const char *user, const struct dw_strv *groups, bool *in,
		      const char **which);

#endif
