/* test_record.c - record format, escaping, keys and key files. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dw_record.h"
#include "dw_sign.h"

static int failures;
#define CHECK(cond, ...) do { if (!(cond)) { failures++; fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__); \
	fprintf(stderr, __VA_ARGS__); fputc('\n', stderr); } } while (0)

int main(void)
{
	char dir[] = "/tmp/dwt-record-XXXXXX", prefix[64], path[96], why[160], id[17];
	char body[DW_REC_LINE_MAX], line[DW_REC_LINE_MAX + 256], raw[256], back[256];
	struct dw_sign_key *k = NULL;
	struct dw_pubkey pk;
	struct dw_rec r;
	struct dw_rec_hdr h;
	struct stat st;
	long n, hl, bl;

	if (dw_sign_init() < 0 || !mkdtemp(dir))
		return 2;
	snprintf(prefix, sizeof prefix, "%s/k", dir);
	CHECK(dw_sign_keygen(prefix, id, sizeof id) == 0, "keygen");
	CHECK(dw_sign_keygen(prefix, NULL, 0) == -EEXIST, "keygen must refuse to overwrite");
	snprintf(path, sizeof path, "%s.key", prefix);
	CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600, "secret key mode %o", st.st_mode & 0777);
	CHECK(dw_sign_key_load(path, 0, &k, why, sizeof why) == 0, "load key: %s", why);
	CHECK(strcmp(dw_sign_key_id(k), id) == 0, "key id");
	chmod(path, 0640);
	struct dw_sign_key *k2 = NULL;
	CHECK(dw_sign_key_load(path, 0, &k2, why, sizeof why) == -EPERM, "group-readable key accepted");
	snprintf(path, sizeof path, "%s.pub", prefix);
	CHECK(dw_pubkey_load(path, &pk) == 0 && strcmp(pk.id, id) == 0, "load pub");
	CHECK(dw_pubkey_parse("dockwarden-ed25519-public AAAA\n", 31, &pk) == -EINVAL, "short pub accepted");
	CHECK(dw_pubkey_load(path, &pk) == 0, "reload pub");

	/* escaping: every byte value survives */
	for (int i = 0; i < 256; i++)
		raw[i] = (char)i;
	n = dw_rec_escape(body, sizeof body, raw, 256);
	CHECK(n > 0 && dw_rec_unescape(back, sizeof back, body, (size_t)n) == 256 && memcmp(back, raw, 256) == 0,
	      "escape roundtrip");
	for (long i = 0; i < n; i++)
		CHECK(body[i] >= 0x20 && body[i] < 0x7f, "escaped byte %02x", (unsigned char)body[i]);
	CHECK(dw_rec_escape(body, 3, "\x1d", 1) == -ENOSPC, "escape overflow");

	/* build + parse */
	memset(&h, 0, sizeof h);
	h.host = "web-01";
	memset(h.stream, 0x11, sizeof h.stream);
	h.seq = 42;
	memset(h.prev, 0x22, sizeof h.prev);
	h.type = DW_REC_EVENT;
	h.time_us = 1700000000123456ull;
	h.keyid = dw_sign_key_id(k);
	h.extra = "sel=key part=1/2";
	const char *msg = "type=SYSCALL msg=audit(1:2): key=\"docker\"\nnext\x1d" "ENRICHED";
	hl = dw_rec_syslog_header(line, sizeof line, h.time_us, "web 01", 77);
	bl = dw_rec_body(line + hl, sizeof line - (size_t)hl, &h, msg, strlen(msg));
	CHECK(hl > 0 && bl > 0, "build");
	const char *want_hdr = "<86>1 2023-11-14T22:13:20.123456Z web_01 dockwarden-audisp 77 dw1 - dw1 host=web-01 ";
	CHECK(strncmp(line, want_hdr, strlen(want_hdr)) == 0, "header: %.90s", line);
	dw_sign_hex(k, line + hl, (size_t)bl, line + hl + bl + 5);
	memcpy(line + hl + bl, " sig=", 5);
	size_t total = (size_t)(hl + bl) + 5 + DW_SIGN_SIG_HEX;
	CHECK(dw_rec_parse(line, total, &r) == DW_REC_OK, "parse");
	CHECK(r.seq == 42 && r.type == DW_REC_EVENT && r.time_us == h.time_us && r.sig, "fields");
	CHECK(r.host.n == 6 && memcmp(r.host.p, "web-01", 6) == 0, "host");
	CHECK(r.extra.n == 16 && memcmp(r.extra.p, "sel=key part=1/2", 16) == 0, "extra '%.*s'", (int)r.extra.n, r.extra.p);
	CHECK(r.body.n == (size_t)bl && dw_pubkey_verify_hex(&pk, r.body.p, r.body.n, r.sig) == 0, "signature");
	n = dw_rec_unescape(back, sizeof back, r.msg.p, r.msg.n);
	CHECK(n == (long)strlen(msg) && memcmp(back, msg, (size_t)n) == 0, "msg roundtrip");
	line[hl + 40] ^= 1;
	CHECK(dw_rec_parse(line, total, &r) != DW_REC_OK || dw_pubkey_verify_hex(&pk, r.body.p, r.body.n, r.sig) != 0,
	      "flipped byte verifies");

	/* event text that ends like a signature never parses as signed */
	char fake[300];
	snprintf(fake, sizeof fake, "x sig=%0128d", 0);
	bl = dw_rec_body(body, sizeof body, &h, fake, strlen(fake));
	CHECK(bl > 0 && dw_rec_parse(body, (size_t)bl, &r) == DW_REC_OK && r.sig == NULL, "fake sig tail parsed as signature");

	/* " sig=" followed by non-hex text at the signature's position is text */
	char odd[300];
	snprintf(odd, sizeof odd, "x sig=%0127dz", 0);
	bl = dw_rec_body(body, sizeof body, &h, odd, strlen(odd));
	CHECK(bl > 0 && dw_rec_parse(body, (size_t)bl, &r) == DW_REC_OK && r.sig == NULL, "sig look-alike rejected");

	/* malformed lines */
	CHECK(dw_rec_parse("hello", 5, &r) == DW_REC_ERR_NOT_SYSLOG, "garbage");
	CHECK(dw_rec_parse("<1>1 a b c d e f g", 18, &r) == DW_REC_ERR_NOT_DW, "not dw");
	CHECK(dw_rec_parse("dw1 host=a stream=00 seq=1", 26, &r) == DW_REC_ERR_FIELD, "short stream");
	const char *lead0 = "dw1 host=a stream=11111111111111111111111111111111 seq=01 prev=2222222222222222222222222222222222222222222222222222222222222222 type=event time=1.000000 key=0123456789abcdef msg=x";
	CHECK(dw_rec_parse(lead0, strlen(lead0), &r) == DW_REC_ERR_FIELD, "leading zero seq accepted");

	dw_sign_key_free(k);
	snprintf(path, sizeof path, "rm -rf %s", dir);
	if (system(path) != 0)
		failures++;
	printf("test_record: %d failures\n", failures);
	return failures ? 1 : 0;
}
