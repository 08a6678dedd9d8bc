/* test_cidr.c - addresses and networks, IPv4, IPv6 and IPv4-mapped. */
#include <errno.h>
#include <string.h>

#include "dw_match.h"
#include "dw_test.h"

/* Malformed input, each must be -EINVAL for both parsers. */
static const char *const bad_addrs[] = {
	"", "1.2.3", "1.2.3.4.5", "::g", " 1.2.3.4", "1.2.3.4 ", "256.1.1.1", "1.2.3.-1",
	"01.2.3.4", "1..2.3", "1.2.3.4.", ".1.2.3.4", "[::1]", "fe80::1%eth0", "fe80::1%1",
	":::", "1:2:3:4:5:6:7:8:9", "::1::", "0x1.2.3.4", "+1.2.3.4", "localhost",
	"1.2.3.4\n", "::ffff:1.2.3", "::ffff:256.0.0.1", "12345::",
};

/* Malformed only as networks. */
static const char *const bad_cidrs[] = {
	"1.2.3.4/",   "1.2.3.4/33", "1.2.3.4/-1", "1.2.3.4/08", "1.2.3.4/+8", "1.2.3.4/ 8",
	"1.2.3.4/8 ", "1.2.3.4//8", "1.2.3.4/8/8", "1.2.3.4/1000", "::/129", "::/0128",
	"::1/",       "/8",         "1.2.3.4/x",  "10.0.0.1/8",  /* host bits set */
	"11.0.0.0/7", "::1/127",    "fe80::1/64", "192.168.1.128/24", "0.0.0.1/0",
	"1.2.3.4/00", "::ffff:0:0/95",
};

struct cidr_case {
	const char *in;
	const char *canon;    /* dw_cidr_format output */
	uint8_t prefix;       /* in the 128-bit space */
};

static const struct cidr_case good_cidrs[] = {
	{"10.0.0.0/8", "10.0.0.0/8", 104},
	{"0.0.0.0/0", "0.0.0.0/0", 96},
	{"1.2.3.4/32", "1.2.3.4/32", 128},
	{"1.2.3.4", "1.2.3.4/32", 128},
	{"192.168.1.0/24", "192.168.1.0/24", 120},
	{"::/0", "::/0", 0},
	{"::1/128", "::1/128", 128},
	{"::1", "::1/128", 128},
	{"2001:db8::/32", "2001:db8::/32", 32},
	{"2001:DB8::/32", "2001:db8::/32", 32},
	{"fe80::/10", "fe80::/10", 10},
	{"2001:db8:0:0:0:0:0:1/128", "2001:db8::1/128", 128},
	/* IPv4-mapped text is the same network as the IPv4 one. */
	{"::ffff:10.0.0.0/104", "10.0.0.0/8", 104},
	{"::ffff:10.1.2.3", "10.1.2.3/32", 128},
	{"::ffff:0:0/96", "0.0.0.0/0", 96},
	/* Shorter than 96 with the mapped bits: plain IPv6. */
	{"::fffe:0:0/95", "::fffe:0:0/95", 95},
	{"10.0.0.0/7", "10.0.0.0/7", 103},
};

static void test_addr(void)
{
	uint8_t a[16];
	static const uint8_t v4[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 10, 1, 2, 3};
	static const uint8_t v6[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
	size_t i;

	CHECK_EQ_INT(dw_addr_parse("10.1.2.3", 8, a), 0);
	CHECK(memcmp(a, v4, 16) == 0);
	CHECK_EQ_INT(dw_addr_parse("::ffff:10.1.2.3", 15, a), 0);
	CHECK(memcmp(a, v4, 16) == 0);
	CHECK_EQ_INT(dw_addr_parse("::FFFF:a01:203", 14, a), 0);
	CHECK(memcmp(a, v4, 16) == 0);
	CHECK_EQ_INT(dw_addr_parse("2001:db8::1", 11, a), 0);
	CHECK(memcmp(a, v6, 16) == 0);
	/* Explicit length: trailing bytes beyond LEN are not looked at. */
	CHECK_EQ_INT(dw_addr_parse("10.1.2.3garbage", 8, a), 0);
	CHECK(memcmp(a, v4, 16) == 0);
	/* ... and an embedded NUL within LEN is malformed. */
	CHECK_EQ_INT(dw_addr_parse("10.1.2.3\0", 9, a), -EINVAL);
	CHECK_EQ_INT(dw_addr_parse(NULL, 0, a), -EINVAL);
	/* Longer than any address text. */
	CHECK_EQ_INT(dw_addr_parse("0000:0000:0000:0000:0000:ffff:255.255.255.255", 45, a), 0);
	CHECK_EQ_INT(dw_addr_parse("00000:0000:0000:0000:0000:ffff:255.255.255.255", 46, a),
		     -EINVAL);

	for (i = 0; i < sizeof(bad_addrs) / sizeof(bad_addrs[0]); i++) {
		struct dw_cidr c;
		int r = dw_addr_parse(bad_addrs[i], strlen(bad_addrs[i]), a);

		if (r != -EINVAL)
			fprintf(stderr, "bad address \"%s\"\n", bad_addrs[i]);
		CHECK_EQ_INT(r, -EINVAL);
		r = dw_cidr_parse(bad_addrs[i], strlen(bad_addrs[i]), &c);
		if (r != -EINVAL)
			fprintf(stderr, "bad cidr \"%s\"\n", bad_addrs[i]);
		CHECK_EQ_INT(r, -EINVAL);
	}
}

static void test_cidr_parse_format(void)
{
	char buf[64];
	size_t i;

	for (i = 0; i < sizeof(good_cidrs) / sizeof(good_cidrs[0]); i++) {
		const struct cidr_case *c = &good_cidrs[i];
		struct dw_cidr net;
		int r = dw_cidr_parse(c->in, strlen(c->in), &net);

		if (r != 0)
			fprintf(stderr, "good cidr \"%s\"\n", c->in);
		CHECK_EQ_INT(r, 0);
		if (r == 0) {
			CHECK_EQ_INT(net.prefix, c->prefix);
			r = dw_cidr_format(&net, buf, sizeof(buf));
			CHECK_EQ_INT(r, (int)strlen(c->canon));
			CHECK_EQ_STR(buf, c->canon);
		}
	}
	for (i = 0; i < sizeof(bad_cidrs) / sizeof(bad_cidrs[0]); i++) {
		struct dw_cidr net;
		int r = dw_cidr_parse(bad_cidrs[i], strlen(bad_cidrs[i]), &net);

		if (r != -EINVAL)
			fprintf(stderr, "bad cidr \"%s\"\n", bad_cidrs[i]);
		CHECK_EQ_INT(r, -EINVAL);
	}

	/* Format into a buffer too small, and an impossible prefix. */
	{
		struct dw_cidr net;

		CHECK_EQ_INT(dw_cidr_parse("10.0.0.0/8", 10, &net), 0);
		CHECK_EQ_INT(dw_cidr_format(&net, buf, 11), 10);
		CHECK_EQ_INT(dw_cidr_format(&net, buf, 10), -ENOSPC);
		net.prefix = 129;
		CHECK_EQ_INT(dw_cidr_format(&net, buf, sizeof(buf)), -EINVAL);
	}
}

struct contains_case {
	const char *net;
	const char *addr;
	bool want;
};

static const struct contains_case contains_cases[] = {
	{"10.0.0.0/8", "10.1.2.3", true},
	{"10.0.0.0/8", "10.255.255.255", true},
	{"10.0.0.0/8", "11.0.0.0", false},
	{"10.0.0.0/8", "9.255.255.255", false},
	/* Mapped address inside an IPv4 network and vice versa. */
	{"10.0.0.0/8", "::ffff:10.1.2.3", true},
	{"10.0.0.0/8", "::ffff:11.1.2.3", false},
	{"::ffff:10.0.0.0/104", "10.1.2.3", true},
	{"::ffff:10.0.0.0/104", "11.1.2.3", false},
	/* A v4 address is not in a v6 network that only shares the bits. */
	{"::/96", "10.1.2.3", false},
	{"::a01:203/128", "10.1.2.3", false},
	{"1.2.3.4/32", "1.2.3.4", true},
	{"1.2.3.4/32", "1.2.3.5", false},
	{"1.2.3.4", "1.2.3.4", true},
	{"0.0.0.0/0", "255.255.255.255", true},
	{"0.0.0.0/0", "::1", false},      /* /0 in IPv4 is all of IPv4, no more */
	{"::/0", "::1", true},
	{"::/0", "10.1.2.3", true},       /* /0 in IPv6 is everything */
	{"::1/128", "::1", true},
	{"::1/128", "::2", false},
	{"::1", "::1", true},
	{"2001:db8::/32", "2001:db8:ffff::1", true},
	{"2001:db8::/32", "2001:db9::1", false},
	{"192.168.1.128/25", "192.168.1.200", true},
	{"192.168.1.128/25", "192.168.1.127", false},
	{"fe80::/10", "febf::1", true},
	{"fe80::/10", "fec0::1", false},
};

static void test_contains(void)
{
	size_t i;
	struct dw_cidr nets[2];
	struct dw_cidrv v = {nets, 2}, none = {NULL, 0};
	uint8_t a[16];

	for (i = 0; i < sizeof(contains_cases) / sizeof(contains_cases[0]); i++) {
		const struct contains_case *c = &contains_cases[i];
		struct dw_cidr net;
		bool got;

		CHECK_EQ_INT(dw_cidr_parse(c->net, strlen(c->net), &net), 0);
		CHECK_EQ_INT(dw_addr_parse(c->addr, strlen(c->addr), a), 0);
		got = dw_cidr_contains(&net, a);
		if (got != c->want)
			fprintf(stderr, "contains \"%s\" \"%s\"\n", c->net, c->addr);
		CHECK_EQ_INT(got, c->want);
	}

	CHECK_EQ_INT(dw_cidr_parse("10.0.0.0/8", 10, &nets[0]), 0);
	CHECK_EQ_INT(dw_cidr_parse("2001:db8::/32", 13, &nets[1]), 0);
	CHECK_EQ_INT(dw_addr_parse("2001:db8::5", 11, a), 0);
	CHECK(dw_cidrv_contains(&v, a));
	CHECK_EQ_INT(dw_addr_parse("10.9.9.9", 8, a), 0);
	CHECK(dw_cidrv_contains(&v, a));
	CHECK_EQ_INT(dw_addr_parse("192.0.2.1", 9, a), 0);
	CHECK(!dw_cidrv_contains(&v, a));
	CHECK(!dw_cidrv_contains(&none, a));
	CHECK(!dw_cidrv_contains(NULL, a));
	CHECK(!dw_cidr_contains(NULL, a));
	/* A corrupt prefix never matches (fail closed). */
	nets[0].prefix = 200;
	CHECK_EQ_INT(dw_addr_parse("10.9.9.9", 8, a), 0);
	CHECK(!dw_cidr_contains(&nets[0], a));
}

int main(void)
{
	test_addr();
	test_cidr_parse_format();
	test_contains();
	return dw_test_done();
}
