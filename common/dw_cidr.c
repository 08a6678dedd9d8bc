/* dw_cidr.c - IPv4/IPv6 addresses and networks in one 16-byte space.
 *
 * IPv4 is kept IPv4-mapped (::ffff:a.b.c.d) with its prefix + 96, so a
 * client that reaches sshd over an IPv6 socket as "::ffff:10.1.2.3" matches
 * "10.0.0.0/8" and vice versa, with one comparison and no family cases. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "dw_match.h"

static const uint8_t v4_mapped_prefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

/* Only what inet_pton can accept: hex digits, '.', ':'.  Spaces, zones
 * ("%eth0"), brackets and signs are refused here, explicitly. */
static bool addr_chars_ok(const char *s, size_t len, bool *has_colon)
{
	size_t i;

	*has_colon = false;
	for (i = 0; i < len; i++) {
		char c = s[i];

		if (c == ':')
			*has_colon = true;
		else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
			   (c >= 'A' && c <= 'F') || c == '.'))
			return false;
	}
	return true;
}

static int addr_parse(const char *s, size_t len, uint8_t out[16], bool *is_v6)
{
	char buf[INET6_ADDRSTRLEN];
	int ret;

	if (!s || !out || len == 0 || len >= sizeof(buf) || !addr_chars_ok(s, len, is_v6)) {
		ret = -EINVAL;
		goto out;
	}
	memcpy(buf, s, len);
	buf[len] = '\0';
	if (*is_v6) {
		if (inet_pton(AF_INET6, buf, out) != 1) {
			ret = -EINVAL;
			goto out;
		}
	} else {
		/* glibc's inet_pton(AF_INET) takes exactly four decimal parts
		 * without leading zeros: no "1.2.3", no "010.0.0.1". */
		memcpy(out, v4_mapped_prefix, sizeof(v4_mapped_prefix));
		if (inet_pton(AF_INET, buf, out + 12) != 1) {
			ret = -EINVAL;
			goto out;
		}
	}
	ret = 0;
out:
	return ret;
}

int dw_addr_parse(const char *s, size_t len, uint8_t out[16])
{
	bool is_v6;

	return addr_parse(s, len, out, &is_v6);
}

/* Decimal prefix: digits only, no sign, no leading zero except "0". */
static int prefix_parse(const char *s, size_t len, unsigned int max, unsigned int *out)
{
	unsigned int v = 0;
	size_t i;

	if (len == 0 || len > 3 || (len > 1 && s[0] == '0'))
		return -EINVAL;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
		v = v * 10 + (unsigned int)(s[i] - '0');
	}
	if (v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

static bool prefix_equal(const uint8_t a[16], const uint8_t b[16], unsigned int prefix)
{
	unsigned int bytes = prefix / 8, bits = prefix % 8;

	if (memcmp(a, b, bytes) != 0)
		return false;
	if (bits) {
		uint8_t mask = (uint8_t)(0xff << (8 - bits));

		if ((a[bytes] & mask) != (b[bytes] & mask))
			return false;
	}
	return true;
}

int dw_cidr_parse(const char *s, size_t len, struct dw_cidr *out)
{
	const char *slash;
	size_t alen;
	unsigned int prefix;
	uint8_t addr[16], zero[16] = {0};
	bool is_v6;
	int ret;

	if (!s || !out) {
		ret = -EINVAL;
		goto out;
	}
	slash = memchr(s, '/', len);
	alen = slash ? (size_t)(slash - s) : len;
	ret = addr_parse(s, alen, addr, &is_v6);
	if (ret < 0)
		goto out;
	if (slash) {
		ret = prefix_parse(slash + 1, len - alen - 1, is_v6 ? 128 : 32, &prefix);
		if (ret < 0)
			goto out;
		if (!is_v6)
			prefix += 96;
	} else {
		prefix = 128;
	}

	/* Host bits below the prefix: a typo, not a network.  Compare the
	 * address against itself with the host part cleared. */
	{
		uint8_t net[16];
		unsigned int i;

		memcpy(net, zero, sizeof(net));
		for (i = 0; i < 128; i++) {
			if (i < prefix && (addr[i / 8] & (0x80 >> (i % 8))))
				net[i / 8] |= (uint8_t)(0x80 >> (i % 8));
		}
		if (memcmp(net, addr, sizeof(net)) != 0) {
			ret = -EINVAL;
			goto out;
		}
	}
	memcpy(out->addr, addr, sizeof(out->addr));
	out->prefix = (uint8_t)prefix;
	ret = 0;
out:
	return ret;
}

bool dw_cidr_contains(const struct dw_cidr *net, const uint8_t addr[16])
{
	if (!net || !addr || net->prefix > 128)
		return false;
	return prefix_equal(net->addr, addr, net->prefix);
}

bool dw_cidrv_contains(const struct dw_cidrv *nets, const uint8_t addr[16])
{
	size_t i;

	if (!nets || !addr)
		return false;
	for (i = 0; i < nets->n; i++)
		if (dw_cidr_contains(&nets->v[i], addr))
			return true;
	return false;
}

int dw_cidr_format(const struct dw_cidr *net, char *out, size_t outsz)
{
	char buf[INET6_ADDRSTRLEN];
	unsigned int prefix;
	int n, ret;

	if (!net || !out || net->prefix > 128) {
		ret = -EINVAL;
		goto out;
	}
	prefix = net->prefix;
	if (prefix >= 96 && memcmp(net->addr, v4_mapped_prefix, sizeof(v4_mapped_prefix)) == 0) {
		if (!inet_ntop(AF_INET, net->addr + 12, buf, sizeof(buf))) {
			ret = -errno;
			goto out;
		}
		prefix -= 96;
	} else if (!inet_ntop(AF_INET6, net->addr, buf, sizeof(buf))) {
		ret = -errno;
		goto out;
	}
	n = snprintf(out, outsz, "%s/%u", buf, prefix);
	if (n < 0 || (size_t)n >= outsz) {
		ret = -ENOSPC;
		goto out;
	}
	ret = n;
out:
	return ret;
}
