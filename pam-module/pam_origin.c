/* pam_origin.c - where a login comes from: PAM_RHOST and sshd's SSH_CONNECTION.
 *
 * sshd sets PAM_RHOST to the client address (or, with UseDNS yes, to the
 * client's verified host name) and puts "SSH_CONNECTION=caddr cport saddr
 * sport" into the PAM environment before any module runs.  Other services
 * set PAM_RHOST only, and local logins set neither.
 *
 * Rules (fail closed):
 *  - neither set (or both empty): a local login;
 *  - a value that is set but malformed: INVALID (never "local");
 *  - both numeric and different: INVALID (someone rewrote one of them);
 *  - SSH_CONNECTION's numeric address wins over a host name in PAM_RHOST:
 *    it is what sshd actually saw, so no DNS is needed;
 *  - a host name alone is resolved only if the policy allows it.
 * IPv4-mapped IPv6 (::ffff:a.b.c.d) and IPv4 are the same address here
 * (dw_addr_parse stores IPv4 mapped), so "10.0.0.0/8" covers both. */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "dw_match.h"
#include "pam_dw.h"

static void format_addr(const uint8_t addr[16], char *out, size_t outsz)
{
	static const uint8_t v4mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

	if (memcmp(addr, v4mapped, sizeof(v4mapped)) == 0) {
		if (inet_ntop(AF_INET, addr + 12, out, (socklen_t)outsz) != NULL)
			return;
	} else if (inet_ntop(AF_INET6, addr, out, (socklen_t)outsz) != NULL) {
		return;
	}
	snprintf(out, outsz, "?");
}

/* Parse one address of LEN bytes, accepting the forms people and programs
 * write in PAM_RHOST: "[::1]" and a zone suffix "fe80::1%eth0" (the zone
 * does not change which network the address is in). */
static int parse_addr(const char *s, size_t len, uint8_t out[16])
{
	const char *pct;

	if (len >= 2 && s[0] == '[' && s[len - 1] == ']') {
		s++;
		len -= 2;
	}
	pct = memchr(s, '%', len);
	if (pct != NULL && memchr(s, ':', (size_t)(pct - s)) != NULL)
		len = (size_t)(pct - s);
	if (len == 0)
		return -EINVAL;
	return dw_addr_parse(s, len, out);
}

/* RFC 1123 host name: labels of [A-Za-z0-9-], 1..63 long, not starting or
 * ending with '-'; an optional final dot. */
static bool is_hostname(const char *s, size_t len)
{
	size_t i, label = 0;

	if (len == 0 || len > DW_PAM_HOST_MAX)
		return false;
	for (i = 0; i < len; i++) {
		char c = s[i];

		if (c == '.') {
			if (label == 0 && !(i == len - 1 && i > 0))
				return false;
			if (label > 0 && s[i - 1] == '-')
				return false;
			label = 0;
			continue;
		}
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '-'))
			return false;
		if (c == '-' && label == 0)
			return false;
		if (++label > 63)
			return false;
	}
	return s[len - 1] != '-';
}

static bool is_port(const char *s, size_t len)
{
	unsigned long v = 0;
	size_t i;

	if (len == 0 || len > 5)
		return false;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	return v >= 1 && v <= 65535;
}

/* "caddr cport saddr sport", exactly four fields separated by one space. */
static int parse_ssh_connection(const char *s, size_t len, uint8_t client[16])
{
	const char *field[4];
	size_t flen[4];
	size_t i, n = 0, start = 0;
	uint8_t server[16];

	for (i = 0; i <= len; i++) {
		if (i == len || s[i] == ' ') {
			if (n == 4 || i == start)
				return -EINVAL;
			field[n] = s + start;
			flen[n] = i - start;
			n++;
			start = i + 1;
		}
	}
	if (n != 4)
		return -EINVAL;
	if (!is_port(field[1], flen[1]) || !is_port(field[3], flen[3]))
		return -EINVAL;
	if (dw_addr_parse(field[2], flen[2], server) < 0)
		return -EINVAL;
	return dw_addr_parse(field[0], flen[0], client);
}

static void set_invalid(struct dw_pam_origin *out, const char *why, const char *shown, size_t len)
{
	out->kind = DW_ORIGIN_INVALID;
	out->why = why;
	if (len > 64)
		len = 64;  /* logs show a bounded prefix; dw_kv_format escapes it */
	memcpy(out->text, shown, len);
	out->text[len] = '\0';
}

void dw_pam_origin_parse(const char *rhost, const char *ssh_connection,
			 struct dw_pam_origin *out)
{
	size_t rlen = rhost != NULL ? strnlen(rhost, DW_PAM_HOST_MAX + 3) : 0;
	size_t slen = ssh_connection != NULL ? strnlen(ssh_connection, DW_PAM_SSHCONN_MAX + 1) : 0;
	uint8_t raddr[16], saddr[16];
	bool have_r = rlen > 0, have_s = slen > 0;
	bool r_is_addr = false, r_is_name = false;

	memset(out, 0, sizeof(*out));

	if (!have_r && !have_s) {
		out->kind = DW_ORIGIN_LOCAL;
		snprintf(out->text, sizeof(out->text), "local");
		return;
	}

	if (have_s) {
		if (slen > DW_PAM_SSHCONN_MAX) {
			set_invalid(out, "SSH_CONNECTION is too long", ssh_connection, slen);
			return;
		}
		if (parse_ssh_connection(ssh_connection, slen, saddr) < 0) {
			set_invalid(out, "SSH_CONNECTION is malformed", ssh_connection, slen);
			return;
		}
	}

	if (have_r) {
		/* +2: the brackets of "[v6]" are allowed on top of a full name. */
		if (rlen > DW_PAM_HOST_MAX + 2) {
			set_invalid(out, "PAM_RHOST is too long", rhost, rlen);
			return;
		}
		if (parse_addr(rhost, rlen, raddr) == 0)
			r_is_addr = true;
		else if (is_hostname(rhost, rlen))
			r_is_name = true;
		else {
			set_invalid(out, "PAM_RHOST is neither an address nor a host name", rhost, rlen);
			return;
		}
	}

	if (r_is_addr && have_s && memcmp(raddr, saddr, 16) != 0) {
		set_invalid(out, "PAM_RHOST and SSH_CONNECTION name different clients", rhost, rlen);
		return;
	}

	if (r_is_name) {
		memcpy(out->host, rhost, rlen);
		out->host[rlen] = '\0';
	}
	if (have_s || r_is_addr) {
		out->kind = DW_ORIGIN_ADDR;
		memcpy(out->addr, have_s ? saddr : raddr, 16);
		format_addr(out->addr, out->text, sizeof(out->text));
		return;
	}
	out->kind = DW_ORIGIN_HOSTNAME;
	memcpy(out->text, rhost, rlen);
	out->text[rlen] = '\0';
}

int dw_pam_origin_resolve(struct dw_pam_origin *o)
{
	struct addrinfo hints, *res = NULL, *ai;
	int rc;

	if (o->kind != DW_ORIGIN_HOSTNAME) {
		o->resolve_status = -EINVAL;
		goto out;
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_ADDRCONFIG;
	rc = getaddrinfo(o->host, NULL, &hints, &res);
	if (rc != 0) {
		o->resolve_status = rc == EAI_SYSTEM ? -errno : -EHOSTUNREACH;
		if (o->resolve_status == 0)
			o->resolve_status = -EHOSTUNREACH;
		goto out;
	}
	o->n_resolved = 0;
	o->resolve_status = 0;
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		uint8_t *dst;

		if (o->n_resolved == DW_PAM_MAX_RESOLVED) {
			/* More addresses than we check: we cannot vouch for the
			 * ones we did not look at. */
			o->resolve_status = -E2BIG;
			break;
		}
		dst = o->resolved[o->n_resolved];
		if (ai->ai_family == AF_INET) {
			const struct sockaddr_in *sin = (const struct sockaddr_in *)(const void *)ai->ai_addr;

			memset(dst, 0, 10);
			dst[10] = 0xff;
			dst[11] = 0xff;
			memcpy(dst + 12, &sin->sin_addr, 4);
		} else if (ai->ai_family == AF_INET6) {
			const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)(const void *)ai->ai_addr;

			memcpy(dst, &sin6->sin6_addr, 16);
		} else {
			continue;
		}
		o->n_resolved++;
	}
	if (o->resolve_status == 0 && o->n_resolved == 0)
		o->resolve_status = -EHOSTUNREACH;
out:
	if (res != NULL)
		freeaddrinfo(res);
	return o->resolve_status;
}
