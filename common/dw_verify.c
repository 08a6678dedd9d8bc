/* dw_verify.c - judge a stored signed stream (see dw_verify.h). */
#include "dw_verify.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "dw_record.h"

enum sig_state { SIG_NONE = 0, SIG_OK, SIG_BAD_OURS, SIG_BAD_OTHER };

enum ent_class {
	C_UNSET = 0,
	C_AUTH,          /* authentic, first copy */
	C_DUP,           /* identical copy of an earlier line */
	C_MODIFIED,
	C_FORGED,
	C_INSERTED,
	C_UNSEALED,
	C_UNVERIFIABLE,
};

struct ent {
	uint64_t seq;
	uint64_t time_us;
	uint64_t gap_from, gap_to, dropped; /* type=gap */
	uint64_t lineno;
	uint32_t file;
	uint8_t type;
	uint8_t sig;
	uint8_t cls;
	uint8_t h[DW_CHAIN_BYTES];
	uint8_t prev[DW_CHAIN_BYTES];
};

struct stream {
	char host[DW_REC_HOST_MAX + 1];
	char id[2 * DW_REC_STREAM_BYTES + 1];
	struct ent *e;
	size_t n, cap;
};

struct dw_verify {
	struct dw_verify_opts opts;
	struct stream *s;
	size_t ns, nscap;
	size_t last_stream;
	const char **files;
	size_t nfiles, filescap;
	struct dw_finding *f;
	size_t nf, nfcap;
	uint64_t records;
	bool finished;
};

static const char *const kind_names[DW_F_KIND_COUNT] = {
	[DW_F_DELETED] = "deleted", [DW_F_MODIFIED] = "modified", [DW_F_FORGED] = "forged",
	[DW_F_INSERTED] = "inserted", [DW_F_REORDERED] = "reordered", [DW_F_UNSEALED] = "unsealed",
	[DW_F_UNVERIFIABLE] = "unverifiable", [DW_F_DROPPED] = "dropped",
	[DW_F_TRUNCATED] = "truncated", [DW_N_DUPLICATE] = "duplicate", [DW_N_RESTART] = "restart",
	[DW_N_OPEN] = "open", [DW_N_STREAM] = "stream",
};

const char *dw_finding_kind_name(enum dw_finding_kind k)
{
	return (unsigned int)k < DW_F_KIND_COUNT ? kind_names[k] : "?";
}

bool dw_finding_is_failure(enum dw_finding_kind k)
{
	return k <= DW_F_TRUNCATED;
}

int dw_verify_new(const struct dw_verify_opts *opts, struct dw_verify **out)
{
	struct dw_verify *v = calloc(1, sizeof *v);
	if (!v)
		return -ENOMEM;
	v->opts = *opts;
	if (v->opts.now_us == 0) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		v->opts.now_us = (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
	}
	*out = v;
	return 0;
}

void dw_verify_free(struct dw_verify *v)
{
	if (!v)
		return;
	for (size_t i = 0; i < v->ns; i++)
		free(v->s[i].e);
	free(v->s);
	free(v->files);
	free(v->f);
	free(v);
}

static int grow(void **p, size_t *cap, size_t need, size_t elem)
{
	size_t nc;
	void *np;
	if (need <= *cap)
		return 0;
	nc = *cap ? *cap * 2 : 64;
	while (nc < need)
		nc *= 2;
	np = reallocarray(*p, nc, elem);
	if (!np)
		return -ENOMEM;
	*p = np;
	*cap = nc;
	return 0;
}

static struct dw_finding *add_finding(struct dw_verify *v, enum dw_finding_kind kind,
				      const struct stream *s, uint64_t from, uint64_t to,
				      uint32_t file, uint64_t line)
{
	struct dw_finding *f;
	/* Merge a run of the same kind on consecutive sequence numbers. */
	if (v->nf > 0 && s && from != 0) {
		f = &v->f[v->nf - 1];
		if (f->kind == kind && f->seq_to + 1 == from && strcmp(f->stream, s->id) == 0 &&
		    strcmp(f->host, s->host) == 0 && kind != DW_N_RESTART) {
			f->seq_to = to;
			return NULL;
		}
	}
	if (grow((void **)&v->f, &v->nfcap, v->nf + 1, sizeof *v->f) < 0)
		return NULL;
	f = &v->f[v->nf++];
	memset(f, 0, sizeof *f);
	f->kind = kind;
	if (s) {
		memcpy(f->host, s->host, sizeof f->host);
		memcpy(f->stream, s->id, sizeof f->stream);
	}
	f->seq_from = from;
	f->seq_to = to;
	f->file = file != UINT32_MAX && file < v->nfiles ? v->files[file] : NULL;
	f->line = line;
	return f;
}

static uint32_t file_index(struct dw_verify *v, const char *file)
{
	if (v->nfiles > 0 && v->files[v->nfiles - 1] == file)
		return (uint32_t)(v->nfiles - 1);
	for (size_t i = 0; i < v->nfiles; i++)
		if (v->files[i] == file)
			return (uint32_t)i;
	if (grow((void **)&v->files, &v->filescap, v->nfiles + 1, sizeof *v->files) < 0)
		return UINT32_MAX;
	v->files[v->nfiles] = file;
	return (uint32_t)v->nfiles++;
}

static struct stream *find_stream(struct dw_verify *v, const struct dw_rec *r)
{
	struct stream *s;
	for (size_t k = 0; k < v->ns; k++) {
		size_t i = (v->last_stream + k) % v->ns;
		s = &v->s[i];
		if (memcmp(s->id, r->stream.p, r->stream.n) == 0 && strlen(s->host) == r->host.n &&
		    memcmp(s->host, r->host.p, r->host.n) == 0) {
			v->last_stream = i;
			return s;
		}
	}
	if (grow((void **)&v->s, &v->nscap, v->ns + 1, sizeof *v->s) < 0)
		return NULL;
	s = &v->s[v->ns];
	memset(s, 0, sizeof *s);
	memcpy(s->host, r->host.p, r->host.n);
	memcpy(s->id, r->stream.p, r->stream.n);
	v->last_stream = v->ns++;
	return s;
}

int dw_verify_line(struct dw_verify *v, const char *file, uint64_t lineno, const char *line, size_t len)
{
	struct dw_rec r;
	enum dw_rec_parse_err pe;
	struct stream *s;
	struct ent *e;
	uint32_t fi = file_index(v, file);
	struct dw_str val;

	if (v->finished)
		return -EINVAL;
	if (len > 0 && line[len - 1] == '\r')
		len--;
	if (len == 0)
		return 0; /* blank lines carry nothing; deleting a record shows as a gap */
	v->records++;
	pe = dw_rec_parse(line, len, &r);
	if (pe != DW_REC_OK) {
		struct dw_finding *f = add_finding(v, DW_F_INSERTED, NULL, 0, 0, fi, lineno);
		if (!f)
			return -ENOMEM;
		snprintf(f->detail, sizeof f->detail, "%s", dw_rec_parse_strerror(pe));
		return 0;
	}
	s = find_stream(v, &r);
	if (!s || grow((void **)&s->e, &s->cap, s->n + 1, sizeof *s->e) < 0)
		return -ENOMEM;
	e = &s->e[s->n++];
	memset(e, 0, sizeof *e);
	e->seq = r.seq;
	e->time_us = r.time_us;
	e->lineno = lineno;
	e->file = fi;
	e->type = (uint8_t)r.type;
	memcpy(e->prev, r.prev, sizeof e->prev);
	dw_chain_next(r.prev, r.body.p, r.body.n, e->h);
	if (r.sig) {
		if (memcmp(r.keyid.p, v->opts.pubkey->id, DW_SIGN_KEYID_HEX) != 0)
			e->sig = SIG_BAD_OTHER;
		else if (dw_pubkey_verify_hex(v->opts.pubkey, r.body.p, r.body.n, r.sig) == 0)
			e->sig = SIG_OK;
		else
			e->sig = SIG_BAD_OURS;
	}
	if (r.type == DW_REC_GAP) {
		if (dw_rec_extra_get(&r, "from", &val))
			dw_parse_u64(val.p, val.n, &e->gap_from);
		if (dw_rec_extra_get(&r, "to", &val))
			dw_parse_u64(val.p, val.n, &e->gap_to);
		if (dw_rec_extra_get(&r, "dropped", &val))
			dw_parse_u64(val.p, val.n, &e->dropped);
	}
	return 0;
}

static int cmp_idx(const void *a, const void *b, void *base)
{
	const struct ent *e = base;
	const struct ent *x = &e[*(const size_t *)a], *y = &e[*(const size_t *)b];
	size_t ia = *(const size_t *)a, ib = *(const size_t *)b;
	if (x->seq != y->seq)
		return x->seq < y->seq ? -1 : 1;
	return ia < ib ? -1 : ia > ib ? 1 : 0;
}

/* Is the missing range [from,to] inside a sender's signed gap notice? */
static bool covered_by_gap(const struct stream *s, uint64_t from, uint64_t to)
{
	for (size_t i = 0; i < s->n; i++) {
		const struct ent *e = &s->e[i];
		if (e->type == DW_REC_GAP && e->cls == C_AUTH && e->gap_from > 0 &&
		    e->gap_from <= from && to <= e->gap_to)
			return true;
	}
	return false;
}

static int judge_stream(struct dw_verify *v, struct stream *s)
{
	size_t *idx = NULL;
	size_t n = s->n, i, j;
	uint64_t last_signed = 0, max_seen, prev_seq;
	const uint8_t *expected = NULL;
	uint64_t expected_seq = 0;
	const struct ent *last_auth = NULL;
	uint64_t nauth = 0, nsig = 0;
	struct dw_finding *f;
	int rc = 0;

	if (n == 0)
		return 0;
	idx = malloc(n * sizeof *idx);
	if (!idx)
		return -ENOMEM;
	for (i = 0; i < n; i++)
		idx[i] = i;
	qsort_r(idx, n, sizeof *idx, cmp_idx, s->e);

	/* Pass 1, descending: authenticity flows from signatures backwards. */
	i = n;
	while (i > 0) {
		size_t hi = i, lo = i - 1;
		uint64_t seq = s->e[idx[lo]].seq;
		const uint8_t *next_expected = NULL;
		while (lo > 0 && s->e[idx[lo - 1]].seq == seq)
			lo--;
		for (j = lo; j < hi; j++) {
			struct ent *e = &s->e[idx[j]];
			bool have_exp = expected && expected_seq == seq + 1;
			if (e->sig == SIG_OK)
				nsig++;
			if (e->sig == SIG_OK && seq > last_signed)
				last_signed = seq;
			/* identical to an earlier copy in this slot? */
			for (size_t k = lo; k < j; k++) {
				const struct ent *o = &s->e[idx[k]];
				if (memcmp(o->h, e->h, sizeof e->h) == 0) {
					e->cls = C_DUP;
					break;
				}
			}
			if (e->cls == C_DUP)
				continue;
			if (e->sig == SIG_OK || (have_exp && memcmp(e->h, expected, sizeof e->h) == 0)) {
				e->cls = C_AUTH;
				if (!next_expected)
					next_expected = e->prev;
			}
		}
		/* copies of an authentic record are duplicates; of others, their class */
		expected = next_expected;
		expected_seq = seq;
		i = lo;
	}

	/* Pass 2, ascending: classify what is not authentic, find gaps. */
	prev_seq = 0;
	expected = NULL;
	for (i = 0; i < n;) {
		size_t lo = i, hi = i;
		uint64_t seq = s->e[idx[lo]].seq;
		bool slot_auth = false;
		const uint8_t *vouched = NULL;
		while (hi < n && s->e[idx[hi]].seq == seq)
			hi++;
		for (j = lo; j < hi; j++)
			if (s->e[idx[j]].cls == C_AUTH)
				slot_auth = true;
		/* what the authentic successor says this slot's hash should be */
		if (hi < n && s->e[idx[hi]].seq == seq + 1) {
			for (j = hi; j < n && s->e[idx[j]].seq == seq + 1; j++)
				if (s->e[idx[j]].cls == C_AUTH) {
					vouched = s->e[idx[j]].prev;
					break;
				}
		}
		if (seq > prev_seq + 1) {
			uint64_t from = prev_seq + 1, to = seq - 1;
			enum dw_finding_kind k = covered_by_gap(s, from, to) ? DW_F_DROPPED : DW_F_DELETED;
			f = add_finding(v, k, s, from, to, UINT32_MAX, 0);
			if (f)
				snprintf(f->detail, sizeof f->detail, k == DW_F_DROPPED ?
					 "records missing; the sender's signed gap record says it dropped them (spool full)" :
					 "records missing from the stored log");
		}
		for (j = lo; j < hi; j++) {
			struct ent *e = &s->e[idx[j]];
			enum dw_finding_kind k;
			const char *why;
			if (e->cls == C_AUTH) {
				nauth++;
				last_auth = e;
				continue;
			}
			if (e->cls == C_DUP) {
				/* a copy of a non-authentic record is as bad as its original,
				 * which is already reported */
				bool of_auth = false;
				for (size_t k2 = lo; k2 < j; k2++)
					if (s->e[idx[k2]].cls == C_AUTH &&
					    memcmp(s->e[idx[k2]].h, e->h, sizeof e->h) == 0)
						of_auth = true;
				if (of_auth) {
					f = add_finding(v, DW_N_DUPLICATE, s, seq, seq, e->file, e->lineno);
					if (f)
						snprintf(f->detail, sizeof f->detail,
							 "identical record received again (resent after a reconnect)");
				}
				continue;
			}
			if (slot_auth) {
				e->cls = C_INSERTED;
				k = DW_F_INSERTED;
				why = "a second, unauthenticated record claims this sequence number";
			} else if (e->sig == SIG_BAD_OTHER) {
				e->cls = C_FORGED;
				k = DW_F_FORGED;
				why = "signed with a key that is not the trusted key";
			} else if (e->sig == SIG_BAD_OURS) {
				e->cls = C_MODIFIED;
				k = DW_F_MODIFIED;
				why = "signature does not match the content";
			} else if (vouched) {
				e->cls = C_MODIFIED;
				k = DW_F_MODIFIED;
				why = "content does not match the hash chain";
			} else if (seq > last_signed) {
				e->cls = C_UNSEALED;
				k = DW_F_UNSEALED;
				why = "after the last signature: not yet sealed, appended, or the log was truncated";
			} else {
				e->cls = C_UNVERIFIABLE;
				k = DW_F_UNVERIFIABLE;
				why = "no signature reaches this record (the chain is broken after it)";
			}
			f = add_finding(v, k, s, seq, seq, e->file, e->lineno);
			if (f)
				snprintf(f->detail, sizeof f->detail, "%s", why);
		}
		prev_seq = seq;
		i = hi;
	}

	/* Restarts and sender-reported losses, ascending. */
	for (i = 0; i < n; i++) {
		const struct ent *e = &s->e[idx[i]];
		if (e->cls != C_AUTH)
			continue;
		if (e->type == DW_REC_START) {
			bool clean = false, first = e->seq == 1;
			for (j = i; j > 0; j--) {
				const struct ent *p = &s->e[idx[j - 1]];
				if (p->seq + 1 < e->seq)
					break;
				if (p->seq + 1 == e->seq && p->cls == C_AUTH) {
					clean = p->type == DW_REC_STOP;
					break;
				}
			}
			f = add_finding(v, DW_N_RESTART, s, e->seq, e->seq, e->file, e->lineno);
			if (f)
				snprintf(f->detail, sizeof f->detail, "%s",
					 first ? "stream created" :
					 clean ? "sender restarted after a clean stop" :
					 "sender restarted without a stop record (killed, crashed or host rebooted)");
		} else if (e->type == DW_REC_GAP && e->dropped > 0) {
			f = add_finding(v, DW_F_DROPPED, s, e->seq, e->seq, e->file, e->lineno);
			if (f)
				snprintf(f->detail, sizeof f->detail,
					 "the sender dropped %llu new events because its spool was full",
					 (unsigned long long)e->dropped);
		}
	}

	/* Order in the files: authentic records must appear in sequence order. */
	max_seen = 0;
	for (i = 0; i < n; i++) {
		const struct ent *e = &s->e[i];
		if (e->cls != C_AUTH)
			continue;
		if (e->seq < max_seen) {
			f = add_finding(v, DW_F_REORDERED, s, e->seq, e->seq, e->file, e->lineno);
			if (f)
				snprintf(f->detail, sizeof f->detail,
					 "stored after seq %llu", (unsigned long long)max_seen);
		} else {
			max_seen = e->seq;
		}
	}

	/* The tail. */
	if (last_auth && last_auth->type != DW_REC_STOP) {
		uint64_t age = v->opts.now_us > last_auth->time_us ? (v->opts.now_us - last_auth->time_us) / 1000000u : 0;
		bool stale = v->opts.max_age_s > 0 && age > v->opts.max_age_s;
		f = add_finding(v, stale ? DW_F_TRUNCATED : DW_N_OPEN, s, last_auth->seq, last_auth->seq,
				last_auth->file, last_auth->lineno);
		if (f)
			snprintf(f->detail, sizeof f->detail, stale ?
				 "no stop record and silent for %llu s (> --max-age): truncated, or the sender is down" :
				 "no stop record after this one (last record %llu s old): the sender is live, "
				 "or records after it were removed",
				 (unsigned long long)age);
	}
	f = add_finding(v, DW_N_STREAM, s, 0, 0, UINT32_MAX, 0);
	if (f) {
		uint64_t lo = s->e[idx[0]].seq, hi = s->e[idx[n - 1]].seq;
		snprintf(f->detail, sizeof f->detail,
			 "seq %llu-%llu: %zu lines, %llu authentic records, %llu valid signatures",
			 (unsigned long long)lo, (unsigned long long)hi, n, (unsigned long long)nauth,
			 (unsigned long long)nsig);
	}
	free(idx);
	return rc;
}

int dw_verify_finish(struct dw_verify *v)
{
	int rc = 0;
	if (v->finished)
		return 0;
	v->finished = true;
	for (size_t i = 0; i < v->ns && rc == 0; i++)
		rc = judge_stream(v, &v->s[i]);
	return rc;
}

size_t dw_verify_nfindings(const struct dw_verify *v)
{
	return v->nf;
}

const struct dw_finding *dw_verify_finding(const struct dw_verify *v, size_t i)
{
	return i < v->nf ? &v->f[i] : NULL;
}

size_t dw_verify_failures(const struct dw_verify *v)
{
	size_t n = 0;
	for (size_t i = 0; i < v->nf; i++)
		if (dw_finding_is_failure(v->f[i].kind))
			n++;
	return n;
}

uint64_t dw_verify_records(const struct dw_verify *v)
{
	return v->records;
}

int dw_verify_report_text(const struct dw_verify *v, FILE *out)
{
	size_t fails = dw_verify_failures(v);
	for (size_t i = 0; i < v->nf; i++) {
		const struct dw_finding *f = &v->f[i];
		fprintf(out, "%-12s ", dw_finding_kind_name(f->kind));
		if (f->host[0])
			fprintf(out, "host=%s stream=%s ", f->host, f->stream);
		if (f->seq_from) {
			if (f->seq_to != f->seq_from)
				fprintf(out, "seq %llu-%llu ", (unsigned long long)f->seq_from,
					(unsigned long long)f->seq_to);
			else
				fprintf(out, "seq %llu ", (unsigned long long)f->seq_from);
		}
		if (f->file)
			fprintf(out, "(%s:%llu) ", f->file, (unsigned long long)f->line);
		fprintf(out, "%s\n", f->detail);
	}
	fprintf(out, "%s: %llu lines, %zu streams, %zu findings\n", fails ? "FAILED" : "OK",
		(unsigned long long)v->records, v->ns, fails);
	return ferror(out) ? -EIO : 0;
}

int dw_verify_report_json(const struct dw_verify *v, FILE *out)
{
	json_t *root = json_object(), *arr = json_array();
	int rc = 0;
	if (!root || !arr) {
		rc = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < v->nf; i++) {
		const struct dw_finding *f = &v->f[i];
		json_t *o = json_pack("{s:s, s:b, s:s}", "kind", dw_finding_kind_name(f->kind),
				      "failure", dw_finding_is_failure(f->kind), "detail", f->detail);
		if (!o) {
			rc = -ENOMEM;
			goto out;
		}
		if (f->host[0]) {
			json_object_set_new(o, "host", json_string(f->host));
			json_object_set_new(o, "stream", json_string(f->stream));
		}
		if (f->seq_from) {
			json_object_set_new(o, "seq_from", json_integer((json_int_t)f->seq_from));
			json_object_set_new(o, "seq_to", json_integer((json_int_t)f->seq_to));
		}
		if (f->file) {
			json_object_set_new(o, "file", json_string(f->file));
			json_object_set_new(o, "line", json_integer((json_int_t)f->line));
		}
		json_array_append_new(arr, o);
	}
	json_object_set_new(root, "ok", json_boolean(dw_verify_failures(v) == 0));
	json_object_set_new(root, "lines", json_integer((json_int_t)v->records));
	json_object_set_new(root, "streams", json_integer((json_int_t)v->ns));
	json_object_set_new(root, "failures", json_integer((json_int_t)dw_verify_failures(v)));
	json_object_set_new(root, "findings", arr);
	arr = NULL;
	if (json_dumpf(root, out, JSON_INDENT(2)) < 0)
		rc = -EIO;
	fputc('\n', out);
out:
	json_decref(arr);
	json_decref(root);
	return rc;
}
