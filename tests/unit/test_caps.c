/* test_caps.c - capability names as dockerd normalises them. */
#include <errno.h>
#include <string.h>

#include "dw_match.h"
#include "dw_test.h"

struct cap_case {
	const char *in;
	ssize_t want;      /* length, or -errno */
	const char *out;
};

static const struct cap_case cases[] = {
	{"sys_admin", 13, "CAP_SYS_ADMIN"},
	{"SYS_ADMIN", 13, "CAP_SYS_ADMIN"},
	{"CAP_SYS_ADMIN", 13, "CAP_SYS_ADMIN"},
	{"cap_sys_admin", 13, "CAP_SYS_ADMIN"},
	{"Cap_Sys_Admin", 13, "CAP_SYS_ADMIN"},
	{"NET_BIND_SERVICE", 20, "CAP_NET_BIND_SERVICE"},
	{"all", 3, "ALL"},
	{"ALL", 3, "ALL"},
	{"All", 3, "ALL"},
	{"CAP_ALL", 7, "CAP_ALL"},   /* dockerd: unknown capability, not ALL */
	{"allx", 8, "CAP_ALLX"},
	{"capx", 8, "CAP_CAPX"},     /* "CAP" without '_' is not the prefix */
	{"cap", 7, "CAP_CAP"},
	{"CAP_CAP_X", 9, "CAP_CAP_X"},
	{"_", 5, "CAP__"},
	{"bpf", 7, "CAP_BPF"},
	{"", -EINVAL, NULL},
	{"CAP_", -EINVAL, NULL},
	{"cap_", -EINVAL, NULL},
	{"SYS ADMIN", -EINVAL, NULL},
	{" SYS_ADMIN", -EINVAL, NULL},
	{"SYS_ADMIN ", -EINVAL, NULL},
	{"SYS-ADMIN", -EINVAL, NULL},
	{"sys_admin\n", -EINVAL, NULL},
	{"\xc5\xbf" "ys_admin", -EINVAL, NULL},  /* U+017F upper-cases to 'S' in Go */
};

int main(void)
{
	char out[64];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct cap_case *c = &cases[i];
		ssize_t r = dw_cap_normalize(c->in, strlen(c->in), out, sizeof(out));

		if (r != c->want)
			fprintf(stderr, "case \"%s\"\n", c->in);
		CHECK_EQ_INT(r, c->want);
		if (c->out && r >= 0)
			CHECK_EQ_STR(out, c->out);
	}
	/* Explicit lengths: bytes beyond LEN are ignored, a NUL within is bad. */
	CHECK_EQ_INT(dw_cap_normalize("chown,kill", 5, out, sizeof(out)), 9);
	CHECK_EQ_STR(out, "CAP_CHOWN");
	CHECK_EQ_INT(dw_cap_normalize("chown\0", 6, out, sizeof(out)), -EINVAL);
	CHECK_EQ_INT(dw_cap_normalize(NULL, 3, out, sizeof(out)), -EINVAL);
	/* Output buffer: exact fit and one short. */
	CHECK_EQ_INT(dw_cap_normalize("kill", 4, out, 9), 8);
	CHECK_EQ_STR(out, "CAP_KILL");
	CHECK_EQ_INT(dw_cap_normalize("kill", 4, out, 8), -ENOSPC);
	CHECK_EQ_INT(dw_cap_normalize("all", 3, out, 4), 3);
	CHECK_EQ_INT(dw_cap_normalize("all", 3, out, 3), -ENOSPC);
	return dw_test_done();
}
