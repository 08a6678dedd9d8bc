/* test_log.c - the key=value decision format, byte for byte. */
#include <errno.h>
#include <string.h>
#include <syslog.h>

#include "dw_log.h"
#include "dw_test.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

struct fmt_case {
	struct dw_field f[3];
	size_t n;
	const char *want;
};

static const struct fmt_case cases[] = {
	{{{"user", "alice"}}, 1, "user=alice"},
	{{{"user", "alice"}, {"decision", "deny"}, {"rule", "host_mounts"}},
	 3,
	 "user=alice decision=deny rule=host_mounts"},
	/* Every safe character stays bare. */
	{{{"path", "/var/run/docker.sock"}}, 1, "path=/var/run/docker.sock"},
	{{{"v", "AZaz09_./:@,+-"}}, 1, "v=AZaz09_./:@,+-"},
	{{{"addr", "::ffff:10.1.2.3"}}, 1, "addr=::ffff:10.1.2.3"},
	/* Spaces and other printable ASCII: quoted. */
	{{{"why", "source /etc is sensitive"}}, 1, "why=\"source /etc is sensitive\""},
	{{{"v", "a=b"}}, 1, "v=\"a=b\""},
	{{{"v", "x;y|z&(1)<2>!#$%*?[]^`{}~"}}, 1, "v=\"x;y|z&(1)<2>!#$%*?[]^`{}~\""},
	{{{"v", ""}}, 1, "v=\"\""},
	/* '"', '\\', '\'', control and non-ASCII bytes: audit hex. */
	{{{"v", "a\"b"}}, 1, "v=612262"},
	{{{"v", "a\\b"}}, 1, "v=615C62"},
	{{{"v", "it's"}}, 1, "v=69742773"},
	{{{"v", "a\nb"}}, 1, "v=610A62"},
	{{{"v", "tab\there"}}, 1, "v=7461620968657265"},
	{{{"v", "\x7f"}}, 1, "v=7F"},
	{{{"v", "caf\xc3\xa9"}}, 1, "v=636166C3A9"},
	/* A forged field cannot appear: the whole value is one token. */
	{{{"user", "bob decision=allow"}}, 1, "user=\"bob decision=allow\""},
	{{{"user", "bob\" decision=\"allow"}}, 1, "user=626F6222206465636973696F6E3D22616C6C6F77"},
	/* NULL is audit's "?". */
	{{{"user", NULL}, {"rule", "privileged"}}, 2, "user=? rule=privileged"},
	{{{NULL, NULL}}, 0, ""},
};

static void test_format(void)
{
	char out[256];
	size_t i;

	for (i = 0; i < N(cases); i++) {
		int r = dw_kv_format(out, sizeof(out), cases[i].f, cases[i].n);

		CHECK_EQ_INT(r, (int)strlen(cases[i].want));
		CHECK_EQ_STR(out, cases[i].want);
	}
}

static void test_errors(void)
{
	static const struct dw_field two[] = {{"user", "alice"}, {"rule", "privileged"}};
	char out[64];
	int r;

	/* Exact fit: 10 chars + NUL. */
	r = dw_kv_format(out, 11, two, 1);
	CHECK_EQ_INT(r, 10);
	CHECK_EQ_STR(out, "user=alice");
	/* One short: -ENOSPC, and a clean (empty) prefix. */
	memset(out, 'X', sizeof(out));
	r = dw_kv_format(out, 10, two, 1);
	CHECK_EQ_INT(r, -ENOSPC);
	CHECK_EQ_STR(out, "");
	/* Truncated in the second field: the first stays whole. */
	memset(out, 'X', sizeof(out));
	r = dw_kv_format(out, 20, two, 2);
	CHECK_EQ_INT(r, -ENOSPC);
	CHECK_EQ_STR(out, "user=alice");
	r = dw_kv_format(out, 26, two, 2);   /* 26 chars need 27 bytes */
	CHECK_EQ_INT(r, -ENOSPC);
	CHECK_EQ_STR(out, "user=alice");
	r = dw_kv_format(out, 27, two, 2);
	CHECK_EQ_INT(r, 26);
	CHECK_EQ_STR(out, "user=alice rule=privileged");
	/* Hex doubles the length: counted before writing. */
	{
		static const struct dw_field hx[] = {{"v", "\n\n\n\n"}};

		r = dw_kv_format(out, 10, hx, 1);   /* needs 2 + 8 + NUL */
		CHECK_EQ_INT(r, -ENOSPC);
		CHECK_EQ_STR(out, "");
		r = dw_kv_format(out, 11, hx, 1);
		CHECK_EQ_INT(r, 10);
		CHECK_EQ_STR(out, "v=0A0A0A0A");
	}
	/* A value far longer than the buffer. */
	{
		static char big[4096];
		struct dw_field f[] = {{"v", big}};

		memset(big, 'a', sizeof(big) - 1);
		r = dw_kv_format(out, sizeof(out), f, 1);
		CHECK_EQ_INT(r, -ENOSPC);
		CHECK_EQ_STR(out, "");
	}
	r = dw_kv_format(out, 0, two, 1);
	CHECK_EQ_INT(r, -ENOSPC);
	r = dw_kv_format(NULL, 10, two, 1);
	CHECK_EQ_INT(r, -EINVAL);
	r = dw_kv_format(out, sizeof(out), NULL, 1);
	CHECK_EQ_INT(r, -EINVAL);
	/* Keys are [a-z_]+: anything else is a caller bug. */
	{
		static const struct dw_field bad[][1] = {
			{{"User", "x"}}, {{"a b", "x"}}, {{"", "x"}}, {{NULL, "x"}},
			{{"k=v", "x"}},  {{"key1", "x"}},
		};
		size_t i;

		for (i = 0; i < N(bad); i++)
			CHECK_EQ_INT(dw_kv_format(out, sizeof(out), bad[i], 1), -EINVAL);
	}
}

static void test_decision_args(void)
{
	static const struct dw_field f[] = {{"user", "alice"}};

	/* Component names are [a-z_-]: refused before anything is logged. */
	CHECK_EQ_INT(dw_log_decision(NULL, LOG_INFO, -1, 0, NULL, NULL, DW_OUTCOME_DENY, f, 1),
		     -EINVAL);
	CHECK_EQ_INT(dw_log_decision("", LOG_INFO, -1, 0, NULL, NULL, DW_OUTCOME_DENY, f, 1),
		     -EINVAL);
	CHECK_EQ_INT(dw_log_decision("authz plugin", LOG_INFO, -1, 0, NULL, NULL, DW_OUTCOME_DENY,
				     f, 1),
		     -EINVAL);
	/* Bad fields are reported, not logged half-way. */
	{
		static const struct dw_field bad[] = {{"Bad", "x"}};

		CHECK_EQ_INT(dw_log_decision("authz", LOG_INFO, -1, 0, NULL, NULL,
					     DW_OUTCOME_DENY, bad, 1),
			     -EINVAL);
	}
	/* No audit fd: returns 0 (syslog is fire-and-forget). */
	CHECK_EQ_INT(dw_log_decision("unit-test", LOG_DEBUG, -1, 0, NULL, NULL, DW_OUTCOME_ALLOW,
				     f, 1),
		     0);
	dw_audit_close(-1);   /* closing "no fd" is a no-op */
}

int main(void)
{
	/* LOG_DEBUG is masked out so the test leaves no line in the host's log. */
	setlogmask(LOG_UPTO(LOG_INFO));
	test_format();
	test_errors();
	test_decision_args();
	return dw_test_done();
}
