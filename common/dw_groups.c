/* dw_groups.c - which groups a user is in, through NSS (files, sssd, ldap).
 *
 * The reentrant calls are used so the PAM module and the plugin's threads
 * can ask at the same time.  "Not found" and "could not ask" are kept
 * apart: an unknown user is a normal answer, a broken database is an error
 * the caller must fail closed on. */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dw_match.h"

/* NSS buffers grow on ERANGE up to this; a larger entry is an error. */
#define DW_NSS_BUF_MAX (1024u * 1024u)
#define DW_NSS_BUF_START 1024u
/* NGROUPS_MAX is 65536 on Linux; more than that is nonsense. */
#define DW_GROUPS_MAX 65536

#define DW_NAME_MAX 256

/* getpwnam_r(3): 0 with a NULL result, or ENOENT/ESRCH/EBADF/EPERM, all mean
 * "no such user" depending on the NSS backend. */
static bool nss_not_found(int e)
{
	return e == 0 || e == ENOENT || e == ESRCH || e == EBADF || e == EPERM;
}

static int name_ok(const char *name)
{
	size_t len;

	if (!name)
		return -EINVAL;
	len = strnlen(name, DW_NAME_MAX + 1);
	if (len == 0 || len > DW_NAME_MAX)
		return -ENOENT;   /* no such name can exist */
	return 0;
}

/* The gid NSS gives NAME: a user's primary group (IS_GROUP false) or a
 * group's own gid (IS_GROUP true).  The _r buffer grows on ERANGE up to
 * DW_NSS_BUF_MAX.  -ENOENT when there is no such entry, -EIO when NSS failed. */
static int nss_gid(const char *name, bool is_group, gid_t *gid)
{
	struct passwd pw, *pwres = NULL;
	struct group gr, *grres = NULL;
	size_t sz = DW_NSS_BUF_START;
	char *buf = NULL;
	int ret, e;

	for (;;) {
		char *nb = realloc(buf, sz);

		if (!nb) {
			ret = -ENOMEM;
			goto out;
		}
		buf = nb;
		e = is_group ? getgrnam_r(name, &gr, buf, sz, &grres)
			     : getpwnam_r(name, &pw, buf, sz, &pwres);
		if (e != ERANGE)
			break;
		if (sz >= DW_NSS_BUF_MAX) {
			ret = -EIO;
			goto out;
		}
		sz *= 2;
	}
	if (grres) {
		*gid = gr.gr_gid;
		ret = 0;
	} else if (pwres) {
		*gid = pw.pw_gid;
		ret = 0;
	} else {
		ret = nss_not_found(e) ? -ENOENT : -EIO;
	}
out:
	free(buf);
	return ret;
}

int dw_user_gids(const char *user, gid_t **gids, size_t *n)
{
	gid_t primary, *list = NULL;
	int ret, count = 32;

	if (!gids || !n) {
		ret = -EINVAL;
		goto out;
	}
	*gids = NULL;
	*n = 0;
	ret = name_ok(user);
	if (ret < 0)
		goto out;
	ret = nss_gid(user, false, &primary);
	if (ret < 0)
		goto out;

	for (;;) {
		int want = count;
		gid_t *nl = realloc(list, (size_t)count * sizeof(*list));

		if (!nl) {
			ret = -ENOMEM;
			goto out;
		}
		list = nl;
		/* -1 means the list was too small; COUNT now holds the need. */
		if (getgrouplist(user, primary, list, &count) >= 0)
			break;
		if (count <= want)
			count = want * 2;
		if (count > DW_GROUPS_MAX) {
			ret = -EIO;
			goto out;
		}
	}
	if (count < 1) {
		/* getgrouplist always includes the primary gid. */
		ret = -EIO;
		goto out;
	}
	*gids = list;
	*n = (size_t)count;
	list = NULL;
	ret = 0;
out:
	free(list);
	return ret;
}

/* gid of group NAME; -ENOENT when there is no such group. */
static int lookup_group_gid(const char *name, gid_t *gid)
{
	int ret = name_ok(name);

	if (ret == 0)
		ret = nss_gid(name, true, gid);
	return ret;
}

int dw_user_in_groups(const char *user, const struct dw_strv *groups, bool *in,
		      const char **which)
{
	gid_t *gids = NULL;
	size_t n = 0, i, j;
	int ret;

	if (!in) {
		ret = -EINVAL;
		goto out;
	}
	*in = false;
	if (which)
		*which = NULL;
	ret = dw_user_gids(user, &gids, &n);
	if (ret < 0)
		goto out;
	if (!groups)
		goto out;
	for (i = 0; i < groups->n; i++) {
		gid_t g;

		ret = lookup_group_gid(groups->v[i], &g);
		if (ret == -ENOENT)
			continue;  /* a group that does not exist has no members */
		if (ret < 0)
			goto out;
		for (j = 0; j < n; j++) {
			if (gids[j] == g) {
				*in = true;
				if (which)
					*which = groups->v[i];
				goto out;
			}
		}
	}
	ret = 0;
out:
	free(gids);
	return ret;
}
