/* test_file.c - trusted file reads and atomic writes, on real temp files. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dw_file.h"
#include "dw_test.h"

static char dir[64];

static void path_of(char *out, size_t sz, const char *name)
{
	snprintf(out, sz, "%s/%s", dir, name);
}

/* Number of entries in DIR other than "." and ".."; temp files show up here. */
static int count_entries(void)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

static int check_path(const char *name, int secret, char *why, size_t whysz)
{
	char p[128];
	int fd, r;

	path_of(p, sizeof(p), name);
	fd = open(p, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	r = dw_file_check_secure(fd, secret, why, whysz);
	close(fd);
	return r;
}

static void test_write_read(void)
{
	static const char data[] = "{\"authz\": {}}\n";
	static const char bin[] = {'a', '\0', 'b', '\n'};
	char p[128], why[256];
	char *buf = NULL;
	size_t len = 0;
	struct stat st;
	mode_t old = umask(077);

	path_of(p, sizeof(p), "policy.json");
	CHECK_EQ_INT(dw_file_write_atomic(p, data, sizeof(data) - 1, 0644), 0);
	umask(old);
	CHECK_EQ_INT(count_entries(), 1);
	/* MODE is exact: the umask (077 above) does not narrow it. */
	CHECK_EQ_INT(stat(p, &st), 0);
	CHECK_EQ_INT(st.st_mode & 07777, 0644);

	CHECK_EQ_INT(dw_file_read(p, 1024, 0, 0, &buf, &len, why, sizeof(why)), 0);
	CHECK_EQ_INT(len, sizeof(data) - 1);
	CHECK(buf && memcmp(buf, data, len) == 0 && buf[len] == '\0');
	free(buf);
	buf = NULL;

	/* Overwrite: contents replaced, still exactly one file. */
	CHECK_EQ_INT(dw_file_write_atomic(p, bin, sizeof(bin), 0600), 0);
	CHECK_EQ_INT(count_entries(), 1);
	CHECK_EQ_INT(stat(p, &st), 0);
	CHECK_EQ_INT(st.st_mode & 07777, 0600);
	CHECK_EQ_INT(dw_file_read(p, 1024, 0, 1, &buf, &len, why, sizeof(why)), 0);
	CHECK_EQ_INT(len, 4);   /* embedded NUL kept, length explicit */
	CHECK(buf && memcmp(buf, bin, 4) == 0 && buf[4] == '\0');
	free(buf);
	buf = NULL;

	/* Empty file: "" with length 0. */
	path_of(p, sizeof(p), "empty");
	CHECK_EQ_INT(dw_file_write_atomic(p, NULL, 0, 0600), 0);
	CHECK_EQ_INT(dw_file_read(p, 10, 0, 0, &buf, &len, why, sizeof(why)), 0);
	CHECK_EQ_INT(len, 0);
	CHECK(buf && buf[0] == '\0');
	free(buf);
	buf = NULL;
	CHECK_EQ_INT(unlink(p), 0);
}

static void test_limits(void)
{
	char p[128], why[256], data[100];
	char *buf = (char *)1;
	size_t len = 7;

	memset(data, 'x', sizeof(data));
	path_of(p, sizeof(p), "hundred");
	CHECK_EQ_INT(dw_file_write_atomic(p, data, sizeof(data), 0600), 0);
	CHECK_EQ_INT(dw_file_read(p, 99, 0, 0, &buf, &len, why, sizeof(why)), -EFBIG);
	CHECK(buf == NULL);
	CHECK(strstr(why, "limit") != NULL);
	CHECK_EQ_INT(dw_file_read(p, 100, 0, 0, &buf, &len, why, sizeof(why)), 0);
	CHECK_EQ_INT(len, 100);
	free(buf);
	buf = NULL;
	CHECK_EQ_INT(dw_file_read(p, 0, 0, 0, &buf, &len, why, sizeof(why)), -EFBIG);
	CHECK_EQ_INT(unlink(p), 0);

	path_of(p, sizeof(p), "missing");
	CHECK_EQ_INT(dw_file_read(p, 100, 0, 0, &buf, &len, why, sizeof(why)), -ENOENT);
	CHECK(strstr(why, "cannot open") != NULL);
	CHECK_EQ_INT(dw_file_read(NULL, 100, 0, 0, &buf, &len, NULL, 0), -EINVAL);
}

static void test_refusals(void)
{
	char p[128], t[128], why[256];
	char *buf = NULL;
	size_t len;

	/* A symlink is refused (O_NOFOLLOW), even to a good file. */
	path_of(t, sizeof(t), "policy.json");
	path_of(p, sizeof(p), "link.json");
	CHECK_EQ_INT(symlink(t, p), 0);
	CHECK_EQ_INT(dw_file_read(p, 1024, 0, 0, &buf, &len, why, sizeof(why)), -ELOOP);
	CHECK(strstr(why, "symbolic link") != NULL);
	CHECK_EQ_INT(unlink(p), 0);

	/* A FIFO neither hangs nor reads. */
	path_of(p, sizeof(p), "fifo");
	CHECK_EQ_INT(mkfifo(p, 0600), 0);
	CHECK_EQ_INT(dw_file_read(p, 1024, 0, 0, &buf, &len, why, sizeof(why)), -EINVAL);
	CHECK(strstr(why, "not a regular file") != NULL);
	CHECK_EQ_INT(dw_file_read(p, 1024, 1, 0, &buf, &len, why, sizeof(why)), -EPERM);
	CHECK_EQ_INT(unlink(p), 0);

	/* A directory. */
	path_of(p, sizeof(p), "sub");
	CHECK_EQ_INT(mkdir(p, 0700), 0);
	CHECK_EQ_INT(dw_file_read(p, 1024, 1, 0, &buf, &len, why, sizeof(why)), -EPERM);
	CHECK(strstr(why, "not a regular file") != NULL);
	CHECK_EQ_INT(check_path("sub", 0, why, sizeof(why)), -EPERM);
	/* Writing onto a directory fails and leaves no temp file behind. */
	CHECK_EQ_INT(dw_file_write_atomic(p, "x", 1, 0600), -EISDIR);
	CHECK_EQ_INT(count_entries(), 2);   /* policy.json and sub */
	CHECK_EQ_INT(rmdir(p), 0);

	/* Into a directory that does not exist. */
	path_of(p, sizeof(p), "nodir/file");
	CHECK_EQ_INT(dw_file_write_atomic(p, "x", 1, 0600), -ENOENT);
	CHECK_EQ_INT(dw_file_write_atomic("", "x", 1, 0600), -EINVAL);
	path_of(p, sizeof(p), "trailing/");
	CHECK_EQ_INT(dw_file_write_atomic(p, "x", 1, 0600), -EISDIR);
	CHECK_EQ_INT(count_entries(), 1);
}

struct mode_case {
	unsigned int mode;
	int secret;
	int want;
	const char *why;   /* substring of WHY */
};

static const struct mode_case mode_cases[] = {
	{0644, 0, 0, ""},
	{0600, 0, 0, ""},
	{0444, 0, 0, ""},
	{0664, 0, -EPERM, "group- or world-writable"},
	{0646, 0, -EPERM, "group- or world-writable"},
	{0666, 0, -EPERM, "group- or world-writable"},
	{0600, 1, 0, ""},
	{0400, 1, 0, ""},
	{0640, 1, -EPERM, "group- or world-readable"},
	{0604, 1, -EPERM, "group- or world-readable"},
	{0644, 1, -EPERM, "group- or world-readable"},
	{0620, 1, -EPERM, "group- or world-writable"},
};

static void test_secure(void)
{
	char p[128], why[256];
	char *buf = NULL;
	size_t len, i;

	path_of(p, sizeof(p), "policy.json");
	if (geteuid() != 0) {
		/* Files we create are ours, not root's: always refused. */
		snprintf(why, sizeof(why), "x");
		CHECK_EQ_INT(check_path("policy.json", 0, why, sizeof(why)), -EPERM);
		CHECK(strstr(why, "must be root") != NULL);
		return;
	}
	for (i = 0; i < sizeof(mode_cases) / sizeof(mode_cases[0]); i++) {
		const struct mode_case *c = &mode_cases[i];

		CHECK_EQ_INT(chmod(p, c->mode), 0);
		snprintf(why, sizeof(why), "stale");
		CHECK_EQ_INT(check_path("policy.json", c->secret, why, sizeof(why)), c->want);
		if (c->want == 0)
			CHECK_EQ_STR(why, "");
		else
			CHECK(strstr(why, c->why) != NULL);
		/* dw_file_read applies the same rules. */
		CHECK_EQ_INT(dw_file_read(p, 1024, 1, c->secret, &buf, &len, why, sizeof(why)),
			     c->want);
		free(buf);
		buf = NULL;
	}
	/* Owned by someone else. */
	CHECK_EQ_INT(chmod(p, 0644), 0);
	CHECK_EQ_INT(chown(p, 1000, 0), 0);
	CHECK_EQ_INT(check_path("policy.json", 0, why, sizeof(why)), -EPERM);
	CHECK_EQ_STR(why, "owned by uid 1000, must be root");
	CHECK_EQ_INT(dw_file_read(p, 1024, 1, 0, &buf, &len, why, sizeof(why)), -EPERM);
	CHECK(buf == NULL);
	/* Without CHECK_SECURE the owner does not matter. */
	CHECK_EQ_INT(dw_file_read(p, 1024, 0, 0, &buf, &len, why, sizeof(why)), 0);
	free(buf);
	/* Group ownership is fine as long as the group cannot write. */
	CHECK_EQ_INT(chown(p, 0, 1000), 0);
	CHECK_EQ_INT(check_path("policy.json", 0, why, sizeof(why)), 0);
	/* WHY is optional and bounded. */
	CHECK_EQ_INT(chown(p, 1000, 0), 0);
	CHECK_EQ_INT(check_path("policy.json", 0, NULL, 0), -EPERM);
	CHECK_EQ_INT(check_path("policy.json", 0, why, 6), -EPERM);
	CHECK_EQ_STR(why, "owned");
	CHECK_EQ_INT(dw_file_check_secure(-1, 0, why, sizeof(why)), -EBADF);
}

int main(void)
{
	char tmpl[] = "/tmp/dwt-file-XXXXXX", p[128];

	if (!mkdtemp(tmpl)) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(dir, sizeof(dir), "%s", tmpl);
	test_write_read();
	test_limits();
	test_refusals();
	test_secure();
	path_of(p, sizeof(p), "policy.json");
	unlink(p);
	CHECK_EQ_INT(count_entries(), 0);
	CHECK_EQ_INT(rmdir(dir), 0);
	return dw_test_done();
}
