/* dw_path.c - host paths: lexical normalisation, symlink resolution on this
 * host, and how a path relates to a sensitive path (equal, inside, parent).
 *
 * Why both steps: dockerd receives bind sources as text, so "/etc/../etc/"
 * and "/etc" must compare equal (normalisation), and a symlink "/tmp/x" ->
 * "/etc" must be judged as "/etc" (resolution).  A parent of a sensitive path
 * (e.g. "/") exposes it too, so relations are three-way, not a boolean. */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dw_match.h"

/* Linux's limit on symlinks followed while resolving one path (SYMLOOP_MAX
 * is 40 in the kernel); more is a loop or an attack. */
#define DW_SYMLINK_MAX 40

/* Find the component that ends at END (exclusive) scanning backwards from
 * END in IN; returns its start.  Slashes before END are skipped first. */
static size_t prev_component(const char *in, size_t end, size_t *comp_end)
{
	while (end > 0 && in[end - 1] == '/')
		end--;
	*comp_end = end;
	while (end > 0 && in[end - 1] != '/')
		end--;
	return end;
}

/* "/" into OUT: 1 (its length), or -ENAMETOOLONG. */
static ssize_t put_root(char *out, size_t outsz)
{
	if (outsz < 2)
		return -ENAMETOOLONG;
	out[0] = '/';
	out[1] = '\0';
	return 1;
}

/* Normalising right to left needs no scratch memory: a ".." seen first
 * simply skips the next real component to its left, and a second pass with
 * the same walk writes the kept components into place. */
ssize_t dw_path_normalize(const char *in, size_t len, char *out, size_t outsz)
{
	ssize_t ret;
	size_t total = 0, pass, pos = 0;

	if (!in || !out || len == 0 || in[0] != '/') {
		ret = -EINVAL;
		goto out;
	}
	if (memchr(in, '\0', len)) {
		ret = -EINVAL;
		goto out;
	}

	for (pass = 0; pass < 2; pass++) {
		size_t end = len, skip = 0;

		if (pass == 1) {
			if (total == 0) {
				/* Everything collapsed: the root itself. */
				ret = put_root(out, outsz);
				goto out;
			}
			if (total + 1 > outsz) {
				ret = -ENAMETOOLONG;
				goto out;
			}
			pos = total;
			out[total] = '\0';
		}
		while (end > 0) {
			size_t cend, cstart = prev_component(in, end, &cend);
			size_t clen = cend - cstart;

			end = cstart;
			if (clen == 0 || (clen == 1 && in[cstart] == '.'))
				continue;
			if (clen == 2 && in[cstart] == '.' && in[cstart + 1] == '.') {
				skip++;
				continue;
			}
			if (skip > 0) {
				skip--;
				continue;
			}
			if (pass == 0) {
				total += 1 + clen;
			} else {
				pos -= clen;
				memcpy(out + pos, in + cstart, clen);
				out[--pos] = '/';
			}
		}
	}
	ret = (ssize_t)total;
out:
	return ret;
}

/* Drop the last component of RES (length *RLEN; "" stands for "/"). */
static void pop_component(char *res, size_t *rlen)
{
	while (*rlen > 0 && res[*rlen - 1] != '/')
		(*rlen)--;
	if (*rlen > 0)
		(*rlen)--;   /* the '/' before it */
	res[*rlen] = '\0';
}

/* A component-by-component walk like realpath(3), except that a missing
 * component does not fail: from there on the rest is taken lexically,
 * because dockerd creates a missing bind source (MkdirAll) where it would
 * be.  Dangling symlinks are followed too (their target is where dockerd
 * would create the directory), which realpath(3) alone would hide. */
ssize_t dw_path_resolve(const char *path, char *out, size_t outsz)
{
	ssize_t ret;
	char rest[DW_PATH_MAX + 1];  /* what is left to walk */
	char res[DW_PATH_MAX + 1];   /* resolved so far; "" is "/" */
	char link[DW_PATH_MAX + 1];
	size_t rlen = 0, pos = 0, restlen, links = 0;
	size_t missing_at = 0;       /* res length at which it stopped existing */
	bool exists = true;

	if (!path || !out) {
		ret = -EINVAL;
		goto out;
	}
	restlen = strnlen(path, DW_PATH_MAX + 1);
	if (restlen > DW_PATH_MAX) {
		ret = -ENAMETOOLONG;
		goto out;
	}
	if (restlen == 0 || path[0] != '/') {
		ret = -EINVAL;
		goto out;
	}
	memcpy(rest, path, restlen);
	rest[restlen] = '\0';
	res[0] = '\0';

	while (pos < restlen) {
		size_t cstart, clen;
		struct stat st;

		while (pos < restlen && rest[pos] == '/')
			pos++;
		if (pos >= restlen)
			break;
		cstart = pos;
		while (pos < restlen && rest[pos] != '/')
			pos++;
		clen = pos - cstart;

		if (clen == 1 && rest[cstart] == '.')
			continue;
		if (clen == 2 && rest[cstart] == '.' && rest[cstart + 1] == '.') {
			/* RES has no symlinks in it, so ".." is lexical here. */
			pop_component(res, &rlen);
			if (!exists && rlen < missing_at)
				exists = true;
			continue;
		}
		if (rlen + 1 + clen > DW_PATH_MAX) {
			ret = -ENAMETOOLONG;
			goto out;
		}
		res[rlen++] = '/';
		memcpy(res + rlen, rest + cstart, clen);
		rlen += clen;
		res[rlen] = '\0';
		if (!exists)
			continue;

		if (lstat(res, &st) != 0) {
			if (errno == ENOENT || errno == ENOTDIR) {
				exists = false;
				missing_at = rlen;
				continue;
			}
			ret = -errno;
			goto out;
		}
		if (S_ISLNK(st.st_mode)) {
			ssize_t tl;
			size_t remain = restlen - pos;

			if (++links > DW_SYMLINK_MAX) {
				ret = -ELOOP;
				goto out;
			}
			tl = readlink(res, link, sizeof(link) - 1);
			if (tl < 0) {
				ret = -errno;
				goto out;
			}
			if (tl == 0) {
				ret = -ENOENT;
				goto out;
			}
			/* New walk: the link target, then what was left. */
			if ((size_t)tl + remain > DW_PATH_MAX) {
				ret = -ENAMETOOLONG;
				goto out;
			}
			memcpy(link + tl, rest + pos, remain);
			restlen = (size_t)tl + remain;
			memcpy(rest, link, restlen);
			rest[restlen] = '\0';
			pos = 0;
			if (rest[0] == '/') {
				rlen = 0;
				res[0] = '\0';
			} else {
				pop_component(res, &rlen);
			}
			continue;
		}
		if (!S_ISDIR(st.st_mode) && pos < restlen) {
			/* Not a directory but more follows: nothing below it can
			 * exist, keep the rest lexically (fail closed: it still
			 * compares as inside this file's path). */
			exists = false;
			missing_at = rlen;
		}
	}

	if (rlen == 0) {
		ret = put_root(out, outsz);
		goto out;
	}
	if (rlen + 1 > outsz) {
		ret = -ENAMETOOLONG;
		goto out;
	}
	memcpy(out, res, rlen + 1);
	ret = (ssize_t)rlen;
out:
	return ret;
}

/* Relation of PATH (length PLEN) to BASE (length BLEN), both normalised and
 * with the root written as the empty string, so "/" is an ancestor of all. */
static enum dw_path_rel plain_relation(const char *path, size_t plen, const char *base,
				       size_t blen)
{
	if (plen == blen && memcmp(path, base, plen) == 0)
		return DW_PATH_EQUAL;
	if (plen > blen && memcmp(path, base, blen) == 0 && path[blen] == '/')
		return DW_PATH_INSIDE;
	if (blen > plen && memcmp(path, base, plen) == 0 && base[plen] == '/')
		return DW_PATH_PARENT;
	return DW_PATH_UNRELATED;
}

static size_t root_as_empty(const char *s, size_t len)
{
	return (len == 1 && s[0] == '/') ? 0 : len;
}

/* A trailing '*' makes the final component of SENSITIVE a prefix:
 * "/lib*" is every entry of "/" whose name starts with "lib" ("/lib",
 * "/lib64", "/lib32", and also "/libfoo" or "/library": the policy says
 * what it wants to protect, and over-matching fails closed).  Anything
 * below such an entry is INSIDE; the directory holding them ("/" here) and
 * its ancestors are PARENT.  A '*' anywhere else is a literal character. */
enum dw_path_rel dw_path_relation(const char *path, const char *sensitive)
{
	size_t plen, slen, dlen, flen, cstart, cend;
	const char *fprefix;
	enum dw_path_rel rel;

	if (!path || !sensitive)
		return DW_PATH_UNRELATED;
	plen = strnlen(path, DW_PATH_MAX + 1);
	slen = strnlen(sensitive, DW_PATH_MAX + 1);
	if (plen == 0 || plen > DW_PATH_MAX || slen == 0 || slen > DW_PATH_MAX ||
	    path[0] != '/' || sensitive[0] != '/')
		return DW_PATH_UNRELATED;
	plen = root_as_empty(path, plen);

	if (sensitive[slen - 1] != '*')
		return plain_relation(path, plen, sensitive, root_as_empty(sensitive, slen));

	/* Split "/dir/pre*" into the directory "/dir" and the prefix "pre". */
	dlen = slen - 1;
	while (dlen > 0 && sensitive[dlen - 1] != '/')
		dlen--;
	fprefix = sensitive + dlen;
	flen = slen - 1 - dlen;
	dlen--;   /* drop the '/' before the final component; "" is the root */

	rel = plain_relation(path, plen, sensitive, dlen);
	if (rel == DW_PATH_EQUAL || rel == DW_PATH_PARENT)
		return DW_PATH_PARENT;
	if (rel == DW_PATH_UNRELATED)
		return DW_PATH_UNRELATED;

	/* PATH is below the directory: look at its next component. */
	cstart = dlen + 1;
	cend = cstart;
	while (cend < plen && path[cend] != '/')
		cend++;
	if (cend - cstart < flen || memcmp(path + cstart, fprefix, flen) != 0)
		return DW_PATH_UNRELATED;
	return cend == plen ? DW_PATH_EQUAL : DW_PATH_INSIDE;
}

const char *dw_path_find_sensitive(const struct dw_strv *sensitive, const char *path,
				   enum dw_path_rel *rel)
{
	const char *found = NULL;
	enum dw_path_rel r = DW_PATH_UNRELATED;
	size_t i;

	if (!sensitive || !path)
		goto out;
	for (i = 0; i < sensitive->n; i++) {
		r = dw_path_relation(path, sensitive->v[i]);
		/* A sensitive "/" protects the root itself: its subtrees have
		 * entries of their own, else nothing could ever be mounted. */
		if (r == DW_PATH_INSIDE && strcmp(sensitive->v[i], "/") == 0)
			continue;
		if (r != DW_PATH_UNRELATED) {
			found = sensitive->v[i];
			goto out;
		}
	}
	r = DW_PATH_UNRELATED;
out:
	if (rel)
		*rel = r;
	return found;
}
