/* test_path.c - host path normalisation, symlink resolution, relations. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <string.h>
#include <unistd.h>

#include "dw_match.h"
#include "dw_test.h"

struct norm_case {
	const char *in;
	ssize_t want;        /* length, or -errno */
	const char *out;
};

static const struct norm_case norm_cases[] = {
	{"/", 1, "/"},
	{"//", 1, "/"},
	{"///", 1, "/"},
	{"///x", 2, "/x"},
	{"/a/./b", 4, "/a/b"},
	{"/a/../..", 1, "/"},
	{"/../etc", 4, "/etc"},
	{"/../../../../etc/passwd", 11, "/etc/passwd"},
	{"/etc/", 4, "/etc"},
	{"/etc//", 4, "/etc"},
	{"/etc/.", 4, "/etc"},
	{"/etc/..", 1, "/"},
	{"/etc/../", 1, "/"},
	{"/./././", 1, "/"},
	{"/var//run/./docker.sock", 20, "/var/run/docker.sock"},
	{"/a/b/c/../../d", 4, "/a/d"},
	{"/a/b/../../../../c", 2, "/c"},
	{"/...", 4, "/..."},          /* "..." is a name, not a parent */
	{"/..a/b..", 8, "/..a/b.."},
	{"/.hidden/./x", 10, "/.hidden/x"},
	{"/lib*", 5, "/lib*"},
	{"", -EINVAL, NULL},
	{"etc", -EINVAL, NULL},
	{"./etc", -EINVAL, NULL},
	{"../etc", -EINVAL, NULL},
	{" /etc", -EINVAL, NULL},
};

static void test_normalize(void)
{
	char out[DW_PATH_MAX];
	size_t i;

	for (i = 0; i < sizeof(norm_cases) / sizeof(norm_cases[0]); i++) {
		const struct norm_case *c = &norm_cases[i];
		ssize_t r = dw_path_normalize(c->in, strlen(c->in), out, sizeof(out));

		if (r != c->want)
			fprintf(stderr, "case \"%s\"\n", c->in);
		CHECK_EQ_INT(r, c->want);
		if (c->out && r >= 0) {
			CHECK_EQ_STR(out, c->out);
			CHECK_EQ_INT(strlen(out), r);
		}
	}

	/* Explicit length: only LEN bytes count, no NUL needed. */
	CHECK_EQ_INT(dw_path_normalize("/etc/passwd", 4, out, sizeof(out)), 4);
	CHECK_EQ_STR(out, "/etc");
	/* Embedded NUL is an error, not a truncation. */
	CHECK_EQ_INT(dw_path_normalize("/etc\0/x", 7, out, sizeof(out)), -EINVAL);
	CHECK_EQ_INT(dw_path_normalize(NULL, 1, out, sizeof(out)), -EINVAL);

	/* Output buffer exactly big enough, and one byte short. */
	CHECK_EQ_INT(dw_path_normalize("/etc/", 5, out, 5), 4);
	CHECK_EQ_STR(out, "/etc");
	CHECK_EQ_INT(dw_path_normalize("/etc/", 5, out, 4), -ENAMETOOLONG);
	CHECK_EQ_INT(dw_path_normalize("//", 2, out, 2), 1);
	CHECK_EQ_INT(dw_path_normalize("//", 2, out, 1), -ENAMETOOLONG);
	CHECK_EQ_INT(dw_path_normalize("/", 1, out, 0), -ENAMETOOLONG);

	/* Long input that collapses: only the result must fit. */
	{
		char *big = malloc(3 * DW_PATH_MAX);
		size_t n = 0;

		CHECK(big != NULL);
		if (big) {
			big[n++] = '/';
			while (n + 2 < 3 * DW_PATH_MAX) {
				big[n++] = '.';
				big[n++] = '/';
			}
			big[n++] = 'x';
			CHECK_EQ_INT(dw_path_normalize(big, n, out, sizeof(out)), 2);
			CHECK_EQ_STR(out, "/x");
			/* A result longer than the buffer. */
			memset(big, 'a', 3 * DW_PATH_MAX);
			big[0] = '/';
			CHECK_EQ_INT(dw_path_normalize(big, 3 * DW_PATH_MAX, out, sizeof(out)),
				     -ENAMETOOLONG);
			free(big);
		}
	}
}

struct rel_case {
	const char *path;
	const char *sensitive;
	enum dw_path_rel want;
};

static const struct rel_case rel_cases[] = {
	{"/", "/", DW_PATH_EQUAL},
	{"/etc", "/", DW_PATH_INSIDE},
	{"/", "/etc", DW_PATH_PARENT},
	{"/etc", "/etc", DW_PATH_EQUAL},
	{"/etc/ssh", "/etc", DW_PATH_INSIDE},
	{"/etc2", "/etc", DW_PATH_UNRELATED},
	{"/et", "/etc", DW_PATH_UNRELATED},
	{"/home", "/etc", DW_PATH_UNRELATED},
	{"/var", "/var/run", DW_PATH_PARENT},
	{"/var/run", "/var/run", DW_PATH_EQUAL},
	{"/var/runner", "/var/run", DW_PATH_UNRELATED},
	{"/var/run/docker.sock", "/var/run", DW_PATH_INSIDE},
	{"/var", "/var/run/docker.sock", DW_PATH_PARENT},
	{"/var/lib", "/var/lib/docker", DW_PATH_PARENT},
	{"/var/lib/dockerx", "/var/lib/docker", DW_PATH_UNRELATED},
	/* '*' suffix: prefix match of the final component. */
	{"/lib", "/lib*", DW_PATH_EQUAL},
	{"/lib64", "/lib*", DW_PATH_EQUAL},
	{"/lib32", "/lib*", DW_PATH_EQUAL},
	{"/libfoo", "/lib*", DW_PATH_EQUAL},
	{"/lib/x86_64-linux-gnu", "/lib*", DW_PATH_INSIDE},
	{"/lib64/ld-linux-x86-64.so.2", "/lib*", DW_PATH_INSIDE},
	{"/", "/lib*", DW_PATH_PARENT},
	{"/li", "/lib*", DW_PATH_UNRELATED},
	{"/usr/lib", "/lib*", DW_PATH_UNRELATED},
	{"/etc", "/lib*", DW_PATH_UNRELATED},
	{"/usr/lib/x86_64-linux-gnu", "/usr/lib/x86*", DW_PATH_EQUAL},
	{"/usr/lib", "/usr/lib/x86*", DW_PATH_PARENT},
	{"/usr", "/usr/lib/x86*", DW_PATH_PARENT},
	{"/usr/lib/i386", "/usr/lib/x86*", DW_PATH_UNRELATED},
	{"/usr/lib/x86_64-linux-gnu/libc.so.6", "/usr/lib/x86*", DW_PATH_INSIDE},
	{"/usrx/lib/x86", "/usr/lib/x86*", DW_PATH_UNRELATED},
	/* "/srv/" followed by "*": everything in /srv. */
	{"/srv/a", "/srv/*", DW_PATH_EQUAL},
	{"/srv", "/srv/*", DW_PATH_PARENT},
	{"/srv2", "/srv/*", DW_PATH_UNRELATED},
	/* A '*' not at the end is literal. */
	{"/a*b", "/a*b", DW_PATH_EQUAL},
	{"/axb", "/a*b", DW_PATH_UNRELATED},
	/* Not absolute: never related (fail closed happens at normalisation). */
	{"etc", "/etc", DW_PATH_UNRELATED},
	{"", "/", DW_PATH_UNRELATED},
};

static void test_relation(void)
{
	size_t i;

	for (i = 0; i < sizeof(rel_cases) / sizeof(rel_cases[0]); i++) {
		const struct rel_case *c = &rel_cases[i];
		enum dw_path_rel r = dw_path_relation(c->path, c->sensitive);

		if (r != c->want)
			fprintf(stderr, "case \"%s\" vs \"%s\"\n", c->path, c->sensitive);
		CHECK_EQ_INT(r, c->want);
	}
	CHECK_EQ_INT(dw_path_relation(NULL, "/"), DW_PATH_UNRELATED);
	CHECK_EQ_INT(dw_path_relation("/", NULL), DW_PATH_UNRELATED);
}

static void test_find_sensitive(void)
{
	char *list[] = {"/etc", "/lib*", "/var/run/docker.sock"};
	struct dw_strv sv = {list, 3};
	struct dw_strv empty = {NULL, 0};
	enum dw_path_rel rel = DW_PATH_EQUAL;
	const char *hit;

	hit = dw_path_find_sensitive(&sv, "/etc/shadow", &rel);
	CHECK_EQ_STR(hit, "/etc");
	CHECK_EQ_INT(rel, DW_PATH_INSIDE);
	hit = dw_path_find_sensitive(&sv, "/lib64", &rel);
	CHECK_EQ_STR(hit, "/lib*");
	CHECK_EQ_INT(rel, DW_PATH_EQUAL);
	hit = dw_path_find_sensitive(&sv, "/var/run", &rel);
	CHECK_EQ_STR(hit, "/var/run/docker.sock");
	CHECK_EQ_INT(rel, DW_PATH_PARENT);
	/* "/" is the parent of the first entry. */
	hit = dw_path_find_sensitive(&sv, "/", &rel);
	CHECK_EQ_STR(hit, "/etc");
	CHECK_EQ_INT(rel, DW_PATH_PARENT);
	hit = dw_path_find_sensitive(&sv, "/home/user/data", &rel);
	CHECK(hit == NULL);
	CHECK_EQ_INT(rel, DW_PATH_UNRELATED);
	rel = DW_PATH_EQUAL;
	CHECK(dw_path_find_sensitive(&empty, "/etc", &rel) == NULL);
	CHECK_EQ_INT(rel, DW_PATH_UNRELATED);
	CHECK(dw_path_find_sensitive(NULL, "/etc", NULL) == NULL);
	CHECK(dw_path_find_sensitive(&sv, "/etc", NULL) != NULL);
	{
		/* "/" protects only the root itself. */
		char *withroot[] = {"/", "/etc"};
		struct dw_strv rv = {withroot, 2};
		hit = dw_path_find_sensitive(&rv, "/", &rel);
		CHECK_EQ_STR(hit, "/");
		CHECK_EQ_INT(rel, DW_PATH_EQUAL);
		hit = dw_path_find_sensitive(&rv, "/home/user/data", &rel);
		CHECK(hit == NULL);
		CHECK_EQ_INT(rel, DW_PATH_UNRELATED);
		hit = dw_path_find_sensitive(&rv, "/etc/passwd", &rel);
		CHECK_EQ_STR(hit, "/etc");
		CHECK_EQ_INT(rel, DW_PATH_INSIDE);
	}
}

/* A private directory of symlinks to resolve through. */
static char base[512];

static void mk_link(const char *target, const char *name)
{
	char p[PATH_MAX];

	snprintf(p, sizeof(p), "%s/%s", base, name);
	CHECK_EQ_INT(symlink(target, p), 0);
}

static void check_resolve(const char *rel, ssize_t want, const char *want_out)
{
	char in[PATH_MAX], out[DW_PATH_MAX];
	ssize_t r;

	if (rel[0] == '/')
		snprintf(in, sizeof(in), "%s", rel);
	else
		snprintf(in, sizeof(in), "%s/%s", base, rel);
	r = dw_path_resolve(in, out, sizeof(out));
	if (r != want)
		fprintf(stderr, "resolve \"%s\"\n", in);
	CHECK_EQ_INT(r, want);
	if (want_out && r >= 0) {
		CHECK_EQ_STR(out, want_out);
		CHECK_EQ_INT(strlen(out), r);
	}
}

static void test_resolve(void)
{
	char tmpl[] = "/tmp/dwt-path-XXXXXX";
	char want[PATH_MAX], p[PATH_MAX], parent[PATH_MAX], out[DW_PATH_MAX];
	int i;

	char rp[PATH_MAX];

	CHECK(mkdtemp(tmpl) != NULL);
	CHECK(realpath(tmpl, rp) != NULL);  /* /tmp itself may be a link */
	CHECK(strlen(rp) < sizeof(base));
	memcpy(base, rp, strnlen(rp, sizeof(base) - 1));

	snprintf(p, sizeof(p), "%s/dir", base);
	CHECK_EQ_INT(mkdir(p, 0700), 0);
	snprintf(p, sizeof(p), "%s/file", base);
	{
		FILE *f = fopen(p, "w");

		CHECK(f != NULL);
		if (f)
			fclose(f);
	}
	mk_link("/etc", "to-etc");
	mk_link("/", "to-root");
	mk_link("dir", "rel-dir");
	mk_link("..", "up");
	mk_link("/etc/dwt-path-does-not-exist", "dangling");
	mk_link("nowhere/../to-etc", "via-missing");
	mk_link("loop-b", "loop-a");
	mk_link("loop-a", "loop-b");
	mk_link("self", "self");
	/* A chain c0 -> c1 -> ... -> c40 -> dir: 41 links, one too many. */
	for (i = 0; i <= 40; i++) {
		char name[32], target[32];

		snprintf(name, sizeof(name), "c%d", i);
		if (i == 40)
			snprintf(target, sizeof(target), "dir");
		else
			snprintf(target, sizeof(target), "c%d", i + 1);
		mk_link(target, name);
	}

	check_resolve("/", 1, "/");
	check_resolve("/etc", 4, "/etc");
	snprintf(want, sizeof(want), "%s/dir", base);
	check_resolve("dir", (ssize_t)strlen(want), want);
	check_resolve("rel-dir", (ssize_t)strlen(want), want);
	check_resolve("c1", (ssize_t)strlen(want), want);   /* 40 links: allowed */
	check_resolve("c0", -ELOOP, NULL);                  /* 41: too many */
	check_resolve("to-etc", 4, "/etc");
	check_resolve("to-etc/passwd", 11, "/etc/passwd");
	check_resolve("to-root", 1, "/");
	check_resolve("to-root/etc/../etc", 4, "/etc");
	check_resolve("to-etc/dwt-missing/deeper", 23, "/etc/dwt-missing/deeper");
	/* A dangling link is judged by where dockerd would create it. */
	check_resolve("dangling", 28, "/etc/dwt-path-does-not-exist");
	check_resolve("dangling/sub", 32, "/etc/dwt-path-does-not-exist/sub");
	/* ".." back out of a missing directory resolves again from there. */
	check_resolve("via-missing", 4, "/etc");
	check_resolve("loop-a", -ELOOP, NULL);
	check_resolve("self", -ELOOP, NULL);
	snprintf(parent, sizeof(parent), "%s", base);
	*strrchr(parent, '/') = '\0';
	if (parent[0] == '\0')
		snprintf(parent, sizeof(parent), "/");
	check_resolve("up", (ssize_t)strlen(parent), parent);
	snprintf(want, sizeof(want), "%s/missing/a/b", base);
	check_resolve("missing/a/b", (ssize_t)strlen(want), want);
	/* Below a regular file nothing exists: kept lexically. */
	snprintf(want, sizeof(want), "%s/file/x", base);
	check_resolve("file/x", (ssize_t)strlen(want), want);

	CHECK_EQ_INT(dw_path_resolve("etc", out, sizeof(out)), -EINVAL);
	CHECK_EQ_INT(dw_path_resolve("", out, sizeof(out)), -EINVAL);
	CHECK_EQ_INT(dw_path_resolve(NULL, out, sizeof(out)), -EINVAL);
	CHECK_EQ_INT(dw_path_resolve("/etc", out, 4), -ENAMETOOLONG);
	CHECK_EQ_INT(dw_path_resolve("/etc", out, 5), 4);

	/* Clean up. */
	{
		static const char *names[] = {"to-etc", "to-root", "rel-dir", "up", "dangling",
					      "via-missing", "loop-a", "loop-b", "self", "file"};
		size_t k;

		for (k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
			snprintf(p, sizeof(p), "%s/%s", base, names[k]);
			CHECK_EQ_INT(unlink(p), 0);
		}
		for (i = 0; i <= 40; i++) {
			snprintf(p, sizeof(p), "%s/c%d", base, i);
			CHECK_EQ_INT(unlink(p), 0);
		}
		snprintf(p, sizeof(p), "%s/dir", base);
		CHECK_EQ_INT(rmdir(p), 0);
		CHECK_EQ_INT(rmdir(base), 0);
	}
}

int main(void)
{
	test_normalize();
	test_relation();
	test_find_sensitive();
	test_resolve();
	return dw_test_done();
}
