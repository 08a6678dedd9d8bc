/* test_uri.c - the RequestUri reader alone: what each refusal's code and
 * byte offset are, and what an accepted URI becomes (path, version). */
#include <stdio.h>
#include <string.h>

#include "az_uri.h"
#include "dw_test.h"

static const struct {
	const char *uri;
	enum az_uri_code code;
	size_t offset;
	const char *path, *version; /* accepted */
} cases[] = {
	{ "/v1.41/containers/create", AZ_URI_OK, 0, "/containers/create", "1.41" },
	{ "/containers/json", AZ_URI_OK, 0, "/containers/json", AZ_API_MAX },
	{ "http://d/v1.45/containers/json?all=1", AZ_URI_OK, 0, "/containers/json", "1.45" },
	{ "/v1.41/containers/a%62c/json", AZ_URI_OK, 0, "/containers/abc/json", "1.41" },
	{ "", AZ_URI_EMPTY, 0, NULL, NULL },
	{ "http:containers/create", AZ_URI_NOT_ABSOLUTE, 4, NULL, NULL },
	{ "http://d", AZ_URI_NO_PATH, 8, NULL, NULL },
	{ "http://d?x=1", AZ_URI_NO_PATH, 8, NULL, NULL },
	{ "/v1.41/containers/create%zz", AZ_URI_BAD_ESCAPE, 0, NULL, NULL },
	{ "/v1.41/containers/a%0ab", AZ_URI_CONTROL, 19, NULL, NULL },
	{ "http://d/v1.41/x%7fy", AZ_URI_CONTROL, 16, NULL, NULL },
	{ "//v1.41/containers/create", AZ_URI_NOT_CANONICAL, 0, NULL, NULL },
	{ "/v1.41/./containers/create", AZ_URI_NOT_CANONICAL, 0, NULL, NULL },
	{ "/v1.4111111111111111/containers/json", AZ_URI_VERSION_TOO_LONG, 2, NULL, NULL },
	{ "/v1.11/containers/json", AZ_URI_VERSION_TOO_OLD, 2, NULL, NULL },
	{ "/v1.56/containers/json", AZ_URI_VERSION_TOO_NEW, 2, NULL, NULL },
};

static void test_cases(void)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct az_uri u;
		struct az_uri_err e;
		int rc = az_uri_parse("GET", cases[i].uri, strlen(cases[i].uri), NULL, &u, &e);
		char why[256];

		CHECK_EQ_INT(rc, cases[i].code == AZ_URI_OK ? 0 : -1);
		CHECK_EQ_INT(e.code, cases[i].code);
		if (cases[i].code != AZ_URI_OK) {
			CHECK_EQ_INT(e.offset, cases[i].offset);
			az_uri_strerror(&e, &u, why, sizeof(why));
			CHECK(why[0] != '\0' && strstr(why, "no error") == NULL);
			continue;
		}
		CHECK_EQ_STR(u.path, cases[i].path);
		CHECK_EQ_STR(u.version, cases[i].version);
	}
}

/* A path that decodes past AZ_PATH_MAX is refused as too long, not cut. */
static void test_too_long(void)
{
	static char uri[AZ_PATH_MAX + 16];
	struct az_uri u;
	struct az_uri_err e;

	memset(uri, 'a', sizeof(uri) - 1);
	uri[0] = '/';
	uri[sizeof(uri) - 1] = '\0';
	CHECK_EQ_INT(az_uri_parse("GET", uri, strlen(uri), NULL, &u, &e), -1);
	CHECK_EQ_INT(e.code, AZ_URI_TOO_LONG);
}

/* Unversioned: the daemon's own version; a daemon newer than the plugin is
 * refused naming it. */
static void test_daemon(void)
{
	struct az_daemon_info d = { .known = true, .version = "26.1.5", .api_max = "1.45" };
	struct az_daemon_info nd = { .known = true, .version = "30.0.1", .api_max = "1.56" };
	struct az_uri u;
	struct az_uri_err e;
	char why[256];

	CHECK_EQ_INT(az_uri_parse("GET", "/containers/json", 16, &d, &u, &e), 0);
	CHECK_EQ_STR(u.version, "1.45");
	CHECK(u.unversioned);
	CHECK_EQ_INT(az_uri_parse("GET", "/containers/json", 16, &nd, &u, &e), -1);
	CHECK_EQ_INT(e.code, AZ_URI_DAEMON_NEWER);
	az_uri_strerror(&e, &u, why, sizeof(why));
	CHECK(strstr(why, "dockerd 30.0.1, which serves API 1.56") != NULL);
	/* versioned paths do not depend on the daemon */
	CHECK_EQ_INT(az_uri_parse("GET", "/v1.41/containers/json", 22, &nd, &u, &e), 0);
}

int main(void)
{
	test_cases();
	test_too_long();
	test_daemon();
	return dw_test_done();
}
