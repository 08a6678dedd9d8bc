/* test_verify.c - build a signed stream with the plugin's own chain code, then
 * edit, delete, swap, append, duplicate, truncate and forge lines and check
 * that verify names exactly what was done, with sequence numbers. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "chain.h"
#include "dw_record.h"
#include "dw_sign.h"
#include "dw_verify.h"

#define N 1000       /* records per generated stream: 1 start, events, 1 stop */
#define BATCH 50     /* the plugin signs the last record of every batch */

static int failures;
#define CHECK(cond, ...) do { if (!(cond)) { failures++; fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__); \
	fprintf(stderr, __VA_ARGS__); fputc('\n', stderr); } } while (0)

struct log {
	char **l;
	size_t n, cap;
};

static void log_push(struct log *g, const char *s, size_t len)
{
	if (g->n == g->cap) {
		g->cap = g->cap ? g->cap * 2 : 1024;
		g->l = realloc(g->l, g->cap * sizeof *g->l);
	}
	g->l[g->n++] = strndup(s, len);
}

static void log_free(struct log *g)
{
	for (size_t i = 0; i < g->n; i++)
		free(g->l[i]);
	free(g->l);
	memset(g, 0, sizeof *g);
}

static void log_copy(struct log *dst, const struct log *src)
{
	memset(dst, 0, sizeof *dst);
	for (size_t i = 0; i < src->n; i++)
		log_push(dst, src->l[i], strlen(src->l[i]));
}

/* Take the committed batch out of the chain as lines. */
static void drain(struct chain *c, struct log *g)
{
	const char *p = c->buf, *e = c->buf + c->len;
	chain_seal(c);
	e = c->buf + c->len;
	while (p < e) {
		const char *nl = memchr(p, '\n', (size_t)(e - p));
		log_push(g, p, (size_t)(nl - p));
		p = nl + 1;
	}
	chain_commit(c);
}

/* A stream of N records: start, events, stop; batches of BATCH. With
 * RESTART_AT, a crash (no stop) and a new start at that record. */
static void generate(const struct dw_sign_key *k, struct log *g, uint64_t restart_at, uint64_t gap_at)
{
	struct chain c;
	memset(&c, 0, sizeof c);
	memset(c.st.stream, 0xab, sizeof c.st.stream);
	chain_init(&c, k, "host-a", "host-a.example", 100000);
	c.pid = 1;
	chain_add(&c, DW_REC_START, "boot=b pid=1", "", 0, true);
	for (uint64_t seq = 2; seq < N; seq++) {
		char msg[160];
		if (seq == gap_at) {
			chain_add(&c, DW_REC_GAP, "from=201 to=250 reason=spool_full", "", 0, true);
			continue;
		}
		if (seq == restart_at) {
			drain(&c, g);
			chain_add(&c, DW_REC_START, "boot=b pid=2", "", 0, true);
			drain(&c, g);
			continue;
		}
		snprintf(msg, sizeof msg, "type=SYSCALL msg=audit(1700000000.000:%llu): exe=\"/usr/bin/dockerd\" key=\"docker\"\ntype=EOE",
			 (unsigned long long)seq);
		chain_add(&c, DW_REC_EVENT, "sel=key", msg, strlen(msg), false);
		if (seq % BATCH == 0)
			drain(&c, g);
	}
	chain_add(&c, DW_REC_STOP, "reason=eof", "", 0, true);
	drain(&c, g);
	chain_free(&c);
}

static size_t line_of(const struct log *g, uint64_t seq)
{
	for (size_t i = 0; i < g->n; i++) {
		struct dw_rec r;
		if (dw_rec_parse(g->l[i], strlen(g->l[i]), &r) == DW_REC_OK && r.seq == seq)
			return i;
	}
	fprintf(stderr, "no line with seq %llu\n", (unsigned long long)seq);
	exit(2);
}

static void del_line(struct log *g, size_t i)
{
	free(g->l[i]);
	memmove(g->l + i, g->l + i + 1, (g->n - i - 1) * sizeof *g->l);
	g->n--;
}

static void ins_line(struct log *g, size_t at, const char *s)
{
	log_push(g, s, strlen(s));
	char *last = g->l[g->n - 1];
	memmove(g->l + at + 1, g->l + at, (g->n - 1 - at) * sizeof *g->l);
	g->l[at] = last;
}

static struct dw_verify *run(const struct log *g, const struct dw_pubkey *pk, uint64_t max_age,
			     uint64_t now_us)
{
	struct dw_verify_opts o = { .pubkey = pk, .max_age_s = max_age, .now_us = now_us };
	struct dw_verify *v = NULL;
	if (dw_verify_new(&o, &v) < 0)
		exit(2);
	for (size_t i = 0; i < g->n; i++)
		dw_verify_line(v, "log", i + 1, g->l[i], strlen(g->l[i]));
	dw_verify_finish(v);
	return v;
}

/* Exactly the failure findings listed (kind, from, to ...), 0-terminated by kind -1. */
static void expect(const char *name, struct dw_verify *v, ...)
{
	va_list ap;
	size_t want = 0;
	va_start(ap, v);
	for (;;) {
		int kind = va_arg(ap, int);
		if (kind < 0)
			break;
		uint64_t from = va_arg(ap, uint64_t), to = va_arg(ap, uint64_t);
		bool found = false;
		for (size_t i = 0; i < dw_verify_nfindings(v); i++) {
			const struct dw_finding *f = dw_verify_finding(v, i);
			if ((int)f->kind == kind && f->seq_from == from && f->seq_to == to)
				found = true;
		}
		CHECK(found, "%s: expected %s %llu-%llu", name, dw_finding_kind_name(kind),
		      (unsigned long long)from, (unsigned long long)to);
		if (dw_finding_is_failure(kind))
			want++;
	}
	va_end(ap);
	CHECK(dw_verify_failures(v) == want, "%s: %zu failure findings, expected %zu", name,
	      dw_verify_failures(v), want);
	if (failures)
		dw_verify_report_text(v, stderr);
	dw_verify_free(v);
}

static void tamper_msg(struct log *g, uint64_t seq)
{
	size_t i = line_of(g, seq);
	char *p = strstr(g->l[i], "dockerd");
	p[0] = 'D'; /* one byte */
}

int main(void)
{
	char dir[] = "/tmp/dwt-verify-XXXXXX", prefix[64], path[80], why[128];
	struct dw_sign_key *k = NULL, *other = NULL;
	struct dw_pubkey pk;
	struct log base = { 0 }, g, forged = { 0 };
	size_t i;

	if (dw_sign_init() < 0 || !mkdtemp(dir))
		return 2;
	snprintf(prefix, sizeof prefix, "%s/k", dir);
	if (dw_sign_keygen(prefix, NULL, 0) < 0)
		return 2;
	snprintf(path, sizeof path, "%s.key", prefix);
	if (dw_sign_key_load(path, 0, &k, why, sizeof why) < 0)
		return 2;
	snprintf(path, sizeof path, "%s.pub", prefix);
	if (dw_pubkey_load(path, &pk) < 0)
		return 2;
	snprintf(prefix, sizeof prefix, "%s/o", dir);
	snprintf(path, sizeof path, "%s.key", prefix);
	if (dw_sign_keygen(prefix, NULL, 0) < 0 || dw_sign_key_load(path, 0, &other, why, sizeof why) < 0)
		return 2;

	generate(k, &base, 0, 0);
	CHECK(base.n == N, "generated %zu lines", base.n);

	/* clean */
	expect("clean", run(&base, &pk, 0, 0), DW_N_RESTART, (uint64_t)1, (uint64_t)1, -1);

	/* a deleted record: named, and the unsigned records before it (back to
	 * the previous signature) can no longer be authenticated */
	log_copy(&g, &base);
	del_line(&g, line_of(&g, 503));
	expect("delete", run(&g, &pk, 0, 0), DW_F_DELETED, (uint64_t)503, (uint64_t)503,
	       DW_F_UNVERIFIABLE, (uint64_t)501, (uint64_t)502, -1);
	log_free(&g);

	/* a deleted range */
	log_copy(&g, &base);
	for (i = 0; i < 20; i++)
		del_line(&g, line_of(&g, 301 + i));
	expect("delete range", run(&g, &pk, 0, 0), DW_F_DELETED, (uint64_t)301, (uint64_t)320, -1);
	log_free(&g);

	/* one byte edited in an unsigned record */
	log_copy(&g, &base);
	tamper_msg(&g, 610);
	/* the records before it, back to the previous signature, hang on the
	 * broken link and are named as unverifiable */
	expect("modify", run(&g, &pk, 0, 0), DW_F_MODIFIED, (uint64_t)610, (uint64_t)610,
	       DW_F_UNVERIFIABLE, (uint64_t)601, (uint64_t)609, -1);
	log_free(&g);

	/* edited signed record (end of batch) */
	log_copy(&g, &base);
	tamper_msg(&g, 650);
	expect("modify signed", run(&g, &pk, 0, 0), DW_F_MODIFIED, (uint64_t)650, (uint64_t)650,
	       DW_F_UNVERIFIABLE, (uint64_t)601, (uint64_t)649, -1);
	log_free(&g);

	/* two lines swapped */
	log_copy(&g, &base);
	i = line_of(&g, 300);
	char *t = g.l[i];
	g.l[i] = g.l[i + 1];
	g.l[i + 1] = t;
	expect("swap", run(&g, &pk, 0, 0), DW_F_REORDERED, (uint64_t)300, (uint64_t)300, -1);
	log_free(&g);

	/* garbage lines inserted */
	log_copy(&g, &base);
	ins_line(&g, 10, "<86>1 2024-01-01T00:00:00Z h dockwarden-audisp 1 dw1 - hello");
	ins_line(&g, 20, "random text");
	{
		struct dw_verify *v = run(&g, &pk, 0, 0);
		size_t ins = 0;
		for (i = 0; i < dw_verify_nfindings(v); i++) {
			const struct dw_finding *f = dw_verify_finding(v, i);
			if (f->kind == DW_F_INSERTED && (f->line == 11 || f->line == 21))
				ins++;
		}
		CHECK(ins == 2 && dw_verify_failures(v) == 2, "garbage: %zu inserted at lines 11/21, %zu failures",
		      ins, dw_verify_failures(v));
		dw_verify_free(v);
	}
	log_free(&g);

	/* forged records: a whole stream signed by another key, appended */
	generate(other, &forged, 0, 0);
	log_copy(&g, &base);
	for (i = 0; i < 5; i++) {
		/* same stream id and host: they claim seqs 1001.. of our stream */
		char *l = forged.l[i];
		char *s = strstr(l, " seq=");
		char rebuilt[4096];
		unsigned long long sq = strtoull(s + 5, NULL, 10);
		snprintf(rebuilt, sizeof rebuilt, "%.*s seq=%llu%s", (int)(s - l), l, sq + 1000,
			 strchr(s + 5, ' '));
		log_push(&g, rebuilt, strlen(rebuilt));
	}
	expect("forged", run(&g, &pk, 0, 0), DW_F_FORGED, (uint64_t)1001, (uint64_t)1001,
	       DW_F_UNSEALED, (uint64_t)1002, (uint64_t)1005, -1);
	log_free(&g);

	/* a second, unauthenticated record claiming an authentic seq */
	log_copy(&g, &base);
	i = line_of(&g, 700);
	ins_line(&g, i + 1, g.l[i]);
	tamper_msg(&g, 700); /* the first line with seq 700: the original... */
	{
		/* ...so put the original back first and tamper the copy */
		log_free(&g);
		log_copy(&g, &base);
		i = line_of(&g, 700);
		char copy[4096];
		snprintf(copy, sizeof copy, "%s", g.l[i]);
		*strstr(copy, "dockerd") = 'X';
		ins_line(&g, i + 1, copy);
	}
	expect("insert second", run(&g, &pk, 0, 0), DW_F_INSERTED, (uint64_t)700, (uint64_t)700, -1);
	log_free(&g);

	/* duplicates after a reconnect: not tampering */
	log_copy(&g, &base);
	i = line_of(&g, 420);
	for (uint64_t s = 400; s <= 420; s++)
		ins_line(&g, i + 1 + (s - 400), base.l[line_of(&base, s)]);
	expect("duplicates", run(&g, &pk, 0, 0), DW_N_DUPLICATE, (uint64_t)400, (uint64_t)420, -1);
	log_free(&g);

	/* truncated tail, cut inside a batch: the unsealed rest is named */
	log_copy(&g, &base);
	while (g.n > 970)
		del_line(&g, g.n - 1);
	expect("truncate", run(&g, &pk, 0, 0), DW_F_UNSEALED, (uint64_t)951, (uint64_t)970,
	       DW_N_OPEN, (uint64_t)950, (uint64_t)950, -1);
	log_free(&g);

	/* cut exactly after a signature: only visible as "open", or with
	 * --max-age as truncated */
	log_copy(&g, &base);
	while (g.n > 950)
		del_line(&g, g.n - 1);
	expect("truncate at seal", run(&g, &pk, 0, 0), DW_N_OPEN, (uint64_t)950, (uint64_t)950, -1);
	expect("truncate max-age", run(&g, &pk, 3600, (uint64_t)4102444800 * 1000000u),
	       DW_F_TRUNCATED, (uint64_t)950, (uint64_t)950, -1);
	log_free(&g);

	/* records deleted from a segment boundary on (after a signature) */
	log_copy(&g, &base);
	for (i = 0; i < 50; i++)
		del_line(&g, line_of(&g, 201 + i));
	expect("delete after seal", run(&g, &pk, 0, 0), DW_F_DELETED, (uint64_t)201, (uint64_t)250, -1);
	log_free(&g);

	/* the same range announced by the sender's signed gap record
	 * (drop_oldest evicted it): reported as dropped, not deleted */
	generate(k, &g, 0, 260);
	for (i = 0; i < 50; i++)
		del_line(&g, line_of(&g, 201 + i));
	expect("dropped", run(&g, &pk, 0, 0), DW_F_DROPPED, (uint64_t)201, (uint64_t)250, -1);
	log_free(&g);

	/* restart without stop (SIGKILL): a note, not a failure */
	log_free(&forged);
	generate(k, &forged, 500, 0);
	expect("restart", run(&forged, &pk, 0, 0), DW_N_RESTART, (uint64_t)1, (uint64_t)1,
	       DW_N_RESTART, (uint64_t)500, (uint64_t)500, -1);

	/* the wrong public key: every signature fails as forged */
	{
		struct dw_pubkey wrong = pk;
		memcpy(wrong.id, "0123456789abcdef", 16);
		struct dw_verify *v = run(&base, &wrong, 0, 0);
		CHECK(dw_verify_failures(v) > 0, "wrong key: no failure");
		dw_verify_free(v);
	}

	log_free(&forged);
	log_free(&base);
	dw_sign_key_free(k);
	dw_sign_key_free(other);
	snprintf(path, sizeof path, "rm -rf %s", dir);
	if (system(path) != 0)
		failures++;
	if (failures)
		fprintf(stderr, "%d failures\n", failures);
	else
		printf("test_verify: all checks passed\n");
	return failures ? 1 : 0;
}
