/* test_groups.c - user -> groups through NSS, checked against the group
 * file read independently here.
 *
 * Usage: test_groups                      (facts of this host)
 *        test_groups USER COUNT [-]GROUP... (USER has COUNT gids, is in each
 *                                          GROUP and not in each -GROUP; see
 *                                          test_groups_root.sh) */
#include <errno.h>
#include <grp.h>
#include <stdlib.h>
#include <string.h>

#include "dw_match.h"
#include "dw_test.h"

static bool has_gid(const gid_t *g, size_t n, gid_t want)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (g[i] == want)
			return true;
	return false;
}

/* Expected groups of USER from /etc/passwd and /etc/group, parsed by hand
 * (not through NSS): the primary gid, and every group listing USER. */
static int file_gids(const char *user, gid_t *out, size_t max, size_t *n)
{
	char line[4096];
	FILE *f;
	size_t ulen = strlen(user);
	bool found = false;

	*n = 0;
	f = fopen("/etc/passwd", "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		char *name = strtok(line, ":"), *gid;

		if (!name || strcmp(name, user) != 0)
			continue;
		strtok(NULL, ":");          /* password */
		strtok(NULL, ":");          /* uid */
		gid = strtok(NULL, ":");
		if (gid && *n < max) {
			out[(*n)++] = (gid_t)strtoul(gid, NULL, 10);
			found = true;
		}
		break;
	}
	fclose(f);
	if (!found)
		return -ENOENT;
	f = fopen("/etc/group", "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		char *gid, *members, *m;

		strtok(line, ":");
		strtok(NULL, ":");
		gid = strtok(NULL, ":");
		members = strtok(NULL, ":\n");
		if (!gid || !members)
			continue;
		for (m = strtok(members, ",\n"); m; m = strtok(NULL, ",\n")) {
			if (strlen(m) == ulen && strcmp(m, user) == 0 && *n < max) {
				out[(*n)++] = (gid_t)strtoul(gid, NULL, 10);
				break;
			}
		}
	}
	fclose(f);
	return 0;
}

/* Every user of /etc/passwd: NSS must report at least the file groups,
 * and the primary gid first. */
static void test_against_files(void)
{
	char line[4096];
	FILE *f = fopen("/etc/passwd", "re");
	int users = 0;

	CHECK(f != NULL);
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *name = strtok(line, ":");
		gid_t want[256], *got = NULL;
		size_t nwant = 0, ngot = 0, i;

		if (!name || name[0] == '#' || name[0] == '+' || name[0] == '-')
			continue;
		CHECK_EQ_INT(file_gids(name, want, 256, &nwant), 0);
		CHECK_EQ_INT(dw_user_gids(name, &got, &ngot), 0);
		CHECK(ngot >= 1);
		if (ngot >= 1 && nwant >= 1)
			CHECK_EQ_INT(got[0], want[0]);
		for (i = 0; i < nwant; i++) {
			if (!has_gid(got, ngot, want[i]))
				fprintf(stderr, "user %s misses gid %u\n", name, (unsigned)want[i]);
			CHECK(has_gid(got, ngot, want[i]));
		}
		free(got);
		users++;
	}
	fclose(f);
	CHECK(users >= 3);   /* root, daemon, nobody at least */
}

static void test_facts(void)
{
	gid_t *g = (gid_t *)1;
	size_t n = 7;
	bool in = true;
	const char *which = "stale";
	char *root_only[] = {"root"};
	char *missing_then_root[] = {"dwt-no-such-group", "root"};
	char *missing_only[] = {"dwt-no-such-group", ""};
	char *primary_nobody[] = {"daemon", "nogroup"};
	struct dw_strv sv;

	CHECK_EQ_INT(dw_user_gids("root", &g, &n), 0);
	CHECK(n >= 1 && g[0] == 0);
	free(g);

	CHECK_EQ_INT(dw_user_gids("dwt-no-such-user", &g, &n), -ENOENT);
	CHECK(g == NULL && n == 0);
	CHECK_EQ_INT(dw_user_gids("", &g, &n), -ENOENT);
	CHECK_EQ_INT(dw_user_gids(NULL, &g, &n), -EINVAL);
	CHECK_EQ_INT(dw_user_gids("root", NULL, &n), -EINVAL);

	sv.v = root_only;
	sv.n = 1;
	CHECK_EQ_INT(dw_user_in_groups("root", &sv, &in, &which), 0);
	CHECK(in);
	CHECK_EQ_STR(which, "root");
	CHECK_EQ_INT(dw_user_in_groups("nobody", &sv, &in, &which), 0);
	CHECK(!in);
	CHECK(which == NULL);

	/* A group that does not exist never matches, and does not stop the
	 * search. */
	sv.v = missing_then_root;
	sv.n = 2;
	CHECK_EQ_INT(dw_user_in_groups("root", &sv, &in, &which), 0);
	CHECK(in);
	CHECK_EQ_STR(which, "root");
	sv.v = missing_only;
	CHECK_EQ_INT(dw_user_in_groups("root", &sv, &in, &which), 0);
	CHECK(!in);

	/* Primary group membership counts (nobody's primary is nogroup). */
	sv.v = primary_nobody;
	CHECK_EQ_INT(dw_user_in_groups("nobody", &sv, &in, &which), 0);
	CHECK(in == (getgrnam("nogroup") != NULL));
	if (in)
		CHECK_EQ_STR(which, "nogroup");
	CHECK_EQ_INT(dw_user_in_groups("daemon", &sv, &in, &which), 0);
	CHECK(in);
	CHECK_EQ_STR(which, "daemon");

	/* Unknown user: an error, not "not a member". */
	in = true;
	CHECK_EQ_INT(dw_user_in_groups("dwt-no-such-user", &sv, &in, &which), -ENOENT);
	CHECK(!in);
	CHECK_EQ_INT(dw_user_in_groups("root", &sv, NULL, NULL), -EINVAL);
	CHECK_EQ_INT(dw_user_in_groups("root", NULL, &in, NULL), 0);
	CHECK(!in);
}

/* USER has exactly COUNT gids, is in every named group, and is not in
 * those written "-NAME" (which must exist: they test a real non-member). */
static void test_user(const char *user, long count, int ngroups, char **groups)
{
	gid_t *g = NULL;
	size_t n = 0;
	int i;

	CHECK_EQ_INT(dw_user_gids(user, &g, &n), 0);
	CHECK_EQ_INT(n, count);
	for (i = 0; i < ngroups; i++) {
		bool neg = groups[i][0] == '-';
		const char *name = groups[i] + (neg ? 1 : 0);
		struct group *gr = getgrnam(name);
		char *one[1] = {(char *)name};
		struct dw_strv sv = {one, 1};
		bool in = !neg;
		const char *which = NULL;

		CHECK(gr != NULL);
		if (gr)
			CHECK(has_gid(g, n, gr->gr_gid) == !neg);
		CHECK_EQ_INT(dw_user_in_groups(user, &sv, &in, &which), 0);
		if (in == neg)
			fprintf(stderr, "group %s\n", groups[i]);
		CHECK(in == !neg);
		CHECK(neg ? which == NULL : which == name);
	}
	free(g);
}

int main(int argc, char **argv)
{
	if (argc > 3) {
		test_user(argv[1], strtol(argv[2], NULL, 10), argc - 3, argv + 3);
		return dw_test_done();
	}
	test_facts();
	test_against_files();
	return dw_test_done();
}
