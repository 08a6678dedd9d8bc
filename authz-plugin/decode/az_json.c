/* az_json.c - one-pass strict JSON reader into a flat node array.
 *
 * The parser is a loop over an explicit stack of open containers (no
 * recursion: nesting depth is input-controlled).  Plain string runs are
 * found 16 bytes at a time (SSE2, part of x86-64), 32 with AVX2 when the CPU
 * has it, since strings are most of a large body. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "az_cpu.h"
#include "az_json.h"

#define MAX_INPUT 0x7fffffffu /* offsets and node counts fit 32 bits */

struct parser {
	const char *b;
	size_t n;
	struct az_jdoc *doc;
	struct az_jerr *err;
};

static int fail(struct parser *p, enum az_jerr_kind kind, size_t off)
{
	p->err->kind = kind;
	p->err->offset = off;
	return -1;
}

static inline size_t skip_ws(const char *b, size_t i, size_t n)
{
	while (i < n && (b[i] == ' ' || b[i] == '\n' || b[i] == '\r' || b[i] == '\t'))
		i++;
	return i;
}

/* First index >= I holding '"', '\\', a control character or a non-ASCII
 * byte; N when there is none. */
static inline size_t scan_plain(const char *b, size_t i, size_t n)
{
#if defined(__SSE2__)
	const __m128i q = _mm_set1_epi8('"'), bs = _mm_set1_epi8('\\'), sp = _mm_set1_epi8(0x20);

	while (n - i >= 16) {
		__m128i x = _mm_loadu_si128((const __m128i *)(const void *)(b + i));
		/* signed compare: bytes >= 0x80 are negative, so below 0x20 too */
		__m128i m = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, q), _mm_cmpeq_epi8(x, bs)),
					 _mm_cmplt_epi8(x, sp));
		unsigned mask = (unsigned)_mm_movemask_epi8(m);
		if (mask)
			return i + (size_t)__builtin_ctz(mask);
		i += 16;
	}
#endif
	for (; i < n; i++) {
		unsigned char c = (unsigned char)b[i];
		if (c == '"' || c == '\\' || c < 0x20 || c >= 0x80)
			return i;
	}
	return n;
}

#ifdef AZ_AVX2
/* scan_plain, 32 bytes a step, for long strings (the envelope's 1.4 MB of
 * base64 is one string); stops at the first special byte or the last 32. */
AZ_TARGET_AVX2 static size_t scan_plain_avx2(const char *b, size_t i, size_t n)
{
	const __m256i q = _mm256_set1_epi8('"'), bs = _mm256_set1_epi8('\\');
	const __m256i sp = _mm256_set1_epi8(0x20);

	while (n - i >= 32) {
		__m256i x = _mm256_loadu_si256((const __m256i *)(const void *)(b + i));
		__m256i m = _mm256_or_si256(_mm256_or_si256(_mm256_cmpeq_epi8(x, q), _mm256_cmpeq_epi8(x, bs)),
					    _mm256_cmpgt_epi8(sp, x));
		unsigned mask = (unsigned)_mm256_movemask_epi8(m);
		if (mask)
			return i + (size_t)__builtin_ctz(mask);
		i += 32;
	}
	return i;
}

static size_t scan_plain_long(const char *b, size_t i, size_t n)
{
	if (n - i >= 256 && az_have_avx2()) {
		i = scan_plain_avx2(b, i, n);
		if (n - i >= 32)
			return i; /* stopped at a special byte */
	}
	return scan_plain(b, i, n);
}
#else
#define scan_plain_long scan_plain
#endif

/* Length of the well-formed UTF-8 sequence at S (S[0] >= 0x80, N bytes
 * available): no overlong forms, no surrogates, nothing above U+10FFFF. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	unsigned char c = s[0];

	if (c >= 0xc2 && c <= 0xdf)
		return n >= 2 && (s[1] & 0xc0) == 0x80 ? 2 : 0;
	if (c >= 0xe0 && c <= 0xef) {
		if (n < 3 || (s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80)
			return 0;
		if ((c == 0xe0 && s[1] < 0xa0) || (c == 0xed && s[1] > 0x9f))
			return 0;
		return 3;
	}
	if (c >= 0xf0 && c <= 0xf4) {
		if (n < 4 || (s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80 || (s[3] & 0xc0) != 0x80)
			return 0;
		if ((c == 0xf0 && s[1] < 0x90) || (c == 0xf4 && s[1] > 0x8f))
			return 0;
		return 4;
	}
	return 0;
}

static int hex4(const char *s, unsigned *out)
{
	unsigned v = 0;
	int k;

	for (k = 0; k < 4; k++) {
		char c = s[k];
		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (unsigned)(c - 'A' + 10);
		else
			return -1;
	}
	*out = v;
	return 0;
}

static size_t put_utf8(char *w, unsigned cp)
{
	if (cp < 0x80) {
		w[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		w[0] = (char)(0xc0 | cp >> 6);
		w[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		w[0] = (char)(0xe0 | cp >> 12);
		w[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		w[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	w[0] = (char)(0xf0 | cp >> 18);
	w[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	w[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	w[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* The escape at B[I] ('\\'): decoded into W; *I past it, *WL bytes written. */
static int unescape_one(struct parser *p, size_t *i, char *w, size_t *wl)
{
	const char *b = p->b;
	size_t at = *i, n = p->n;
	unsigned cp, lo;

	if (n - at < 2)
		return fail(p, AZ_JERR_TRUNCATED, n);
	switch (b[at + 1]) {
	case '"': w[0] = '"'; break;
	case '\\': w[0] = '\\'; break;
	case '/': w[0] = '/'; break;
	case 'b': w[0] = '\b'; break;
	case 'f': w[0] = '\f'; break;
	case 'n': w[0] = '\n'; break;
	case 'r': w[0] = '\r'; break;
	case 't': w[0] = '\t'; break;
	case 'u':
		if (n - at < 6)
			return fail(p, AZ_JERR_TRUNCATED, n);
		if (hex4(b + at + 2, &cp) < 0)
			return fail(p, AZ_JERR_SYNTAX, at);
		if (cp == 0 || (cp >= 0xdc00 && cp <= 0xdfff))
			return fail(p, AZ_JERR_ESCAPE, at);
		if (cp >= 0xd800 && cp <= 0xdbff) {
			if (n - at < 12)
				return fail(p, n - at < 7 || b[at + 6] == '\\' ? AZ_JERR_TRUNCATED : AZ_JERR_ESCAPE,
					    n - at < 7 ? n : at);
			if (b[at + 6] != '\\' || b[at + 7] != 'u')
				return fail(p, AZ_JERR_ESCAPE, at);
			if (hex4(b + at + 8, &lo) < 0)
				return fail(p, AZ_JERR_SYNTAX, at + 6);
			if (lo < 0xdc00 || lo > 0xdfff)
				return fail(p, AZ_JERR_ESCAPE, at);
			cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
			*i = at + 12;
		} else {
			*i = at + 6;
		}
		*wl = put_utf8(w, cp);
		return 0;
	default:
		return fail(p, AZ_JERR_SYNTAX, at);
	}
	*i = at + 2;
	*wl = 1;
	return 0;
}

/* A string with escapes: [START, I) is plain, B[I] is the first '\\'.
 * Decoded into the side buffer (never longer than the input). */
static int string_escaped(struct parser *p, struct az_jnode *nd, size_t start, size_t i,
			  size_t *end)
{
	struct az_jdoc *d = p->doc;
	const char *b = p->b;
	size_t n = p->n;
	char *w0, *w;

	if (!d->strbuf) {
		d->strbuf = malloc(n);
		if (!d->strbuf)
			return fail(p, AZ_JERR_NOMEM, start);
	}
	w0 = w = d->strbuf + d->strlen_used;
	memcpy(w, b + start, i - start);
	w += i - start;
	for (;;) {
		unsigned char c;
		size_t run, wl;
		if (i >= n)
			return fail(p, AZ_JERR_TRUNCATED, n);
		c = (unsigned char)b[i];
		if (c == '"')
			break;
		if (c == '\\') {
			if (unescape_one(p, &i, w, &wl) < 0)
				return -1;
			w += wl;
			continue;
		}
		if (c < 0x20)
			return fail(p, AZ_JERR_SYNTAX, i);
		if (c >= 0x80) {
			run = utf8_len((const unsigned char *)b + i, n - i);
			if (!run)
				return fail(p, AZ_JERR_UTF8, i);
		} else {
			run = scan_plain(b, i, n) - i;
		}
		memcpy(w, b + i, run);
		w += run;
		i += run;
	}
	nd->u.s = w0;
	nd->n = (uint32_t)(w - w0);
	d->strlen_used += (size_t)(w - w0);
	*end = i + 1;
	return 0;
}

/* The string whose opening quote is at B[AT]: *END past its closing quote. */
static int string_value(struct parser *p, struct az_jnode *nd, size_t at, size_t *end)
{
	const char *b = p->b;
	size_t n = p->n, start = at + 1, i = scan_plain_long(b, start, n);

	for (;;) {
		unsigned char c;
		size_t l;
		if (i >= n)
			return fail(p, AZ_JERR_TRUNCATED, n);
		c = (unsigned char)b[i];
		if (c == '"') {
			nd->u.s = b + start;
			nd->n = (uint32_t)(i - start);
			*end = i + 1;
			return 0;
		}
		if (c == '\\')
			return string_escaped(p, nd, start, i, end);
		if (c < 0x20)
			return fail(p, AZ_JERR_SYNTAX, i);
		l = utf8_len((const unsigned char *)b + i, n - i);
		if (!l)
			return fail(p, AZ_JERR_UTF8, i);
		i = scan_plain(b, i + l, n);
	}
}

static inline bool digit(char c)
{
	return c >= '0' && c <= '9';
}

/* The number at B[AT]: integer (within int64) or real (not overflowing). */
static int number_value(struct parser *p, struct az_jnode *nd, size_t at, size_t *end)
{
	const char *b = p->b;
	size_t n = p->n, i = at, k;
	bool neg = false, real = false;
	uint64_t acc = 0, lim;

	if (b[i] == '-') {
		neg = true;
		if (++i >= n)
			return fail(p, AZ_JERR_TRUNCATED, n);
	}
	if (b[i] == '0')
		i++;
	else if (digit(b[i]))
		while (i < n && digit(b[i]))
			i++;
	else
		return fail(p, AZ_JERR_SYNTAX, i);
	if (i < n && b[i] == '.') {
		real = true;
		if (++i >= n)
			return fail(p, AZ_JERR_TRUNCATED, n);
		if (!digit(b[i]))
			return fail(p, AZ_JERR_SYNTAX, i);
		while (i < n && digit(b[i]))
			i++;
	}
	if (i < n && (b[i] == 'e' || b[i] == 'E')) {
		real = true;
		if (++i < n && (b[i] == '+' || b[i] == '-'))
			i++;
		if (i >= n)
			return fail(p, AZ_JERR_TRUNCATED, n);
		if (!digit(b[i]))
			return fail(p, AZ_JERR_SYNTAX, i);
		while (i < n && digit(b[i]))
			i++;
	}
	*end = i;
	if (real) {
		/* strtod needs a terminated copy; reals are rare in requests */
		char small[64], *tmp = i - at < sizeof(small) ? small : malloc(i - at + 1);
		double v;
		if (!tmp)
			return fail(p, AZ_JERR_NOMEM, at);
		memcpy(tmp, b + at, i - at);
		tmp[i - at] = '\0';
		errno = 0;
		v = strtod(tmp, NULL);
		if (tmp != small)
			free(tmp);
		if (errno == ERANGE && isinf(v))
			return fail(p, AZ_JERR_NUMBER, at);
		nd->type = AZ_JREAL;
		return 0;
	}
	lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	for (k = at + (neg ? 1 : 0); k < i; k++) {
		uint64_t dgt = (uint64_t)(b[k] - '0');
		if (acc > (lim - dgt) / 10)
			return fail(p, AZ_JERR_NUMBER, at);
		acc = acc * 10 + dgt;
	}
	nd->type = AZ_JINT;
	nd->u.i = neg ? (int64_t)(0 - acc) : (int64_t)acc;
	return 0;
}

static int literal(struct parser *p, size_t at, const char *word, size_t wl, size_t *end)
{
	size_t have = p->n - at;

	if (have < wl && memcmp(p->b + at, word, have) == 0)
		return fail(p, AZ_JERR_TRUNCATED, p->n);
	if (have < wl || memcmp(p->b + at, word, wl) != 0)
		return fail(p, AZ_JERR_SYNTAX, at);
	*end = at + wl;
	return 0;
}

static int push(struct parser *p, enum az_jtype type, size_t at, uint32_t *idx)
{
	struct az_jdoc *d = p->doc;
	struct az_jnode *nd;

	if (d->count == d->cap) {
		size_t nc = d->cap * 2;
		struct az_jnode *nn = realloc(d->nodes, nc * sizeof(*nn));
		if (!nn)
			return fail(p, AZ_JERR_NOMEM, at);
		d->nodes = nn;
		d->cap = nc;
	}
	*idx = (uint32_t)d->count;
	nd = &d->nodes[d->count++];
	nd->type = (uint8_t)type;
	nd->n = 0;
	nd->skip = 1;
	nd->off = (uint32_t)at;
	nd->u.i = 0;
	return 0;
}

static bool key_eq(const struct az_jnode *a, const struct az_jnode *b)
{
	return a->n == b->n && memcmp(a->u.s, b->u.s, a->n) == 0;
}

/* No key twice in the object at node OBJ (closed: all members present). */
static int check_duplicates(struct parser *p, uint32_t obj)
{
	const struct az_jnode *nodes = p->doc->nodes, *k, *o = &nodes[obj];
	uint32_t i, j, *table = NULL;
	size_t mask, cap;
	int rc = -1;

	if (o->n < 2)
		return 0;
	if (o->n <= 16) {
		const struct az_jnode *keys[16];
		for (i = 0, k = o + 1; i < o->n; i++, k = az_jnext(k + 1)) {
			for (j = 0; j < i; j++)
				if (key_eq(keys[j], k))
					return fail(p, AZ_JERR_DUPLICATE, k->off);
			keys[i] = k;
		}
		return 0;
	}
	for (cap = 32; cap < (size_t)o->n * 2; cap *= 2)
		;
	mask = cap - 1;
	table = calloc(cap, sizeof(*table));
	if (!table)
		return fail(p, AZ_JERR_NOMEM, 0);
	for (i = 0, k = o + 1; i < o->n; i++, k = az_jnext(k + 1)) {
		uint64_t h = 1469598103934665603u;
		size_t c;
		for (c = 0; c < k->n; c++)
			h = (h ^ (unsigned char)k->u.s[c]) * 1099511628211u;
		for (c = (size_t)h & mask; table[c]; c = (c + 1) & mask) {
			if (key_eq(&nodes[table[c] - 1], k)) {
				fail(p, AZ_JERR_DUPLICATE, k->off);
				goto out;
			}
		}
		table[c] = (uint32_t)(k - nodes) + 1;
	}
	rc = 0;
out:
	free(table);
	return rc;
}

int az_json_parse(const char *buf, size_t len, struct az_jdoc *doc, struct az_jerr *err)
{
	struct parser p = { .b = buf, .n = len, .doc = doc, .err = err };
	uint32_t stack[AZ_JSON_MAX_DEPTH];
	size_t depth = 0, i, end = 0;
	uint32_t idx;
	int rc = -1;

	memset(doc, 0, sizeof(*doc));
	if (len > MAX_INPUT) {
		fail(&p, AZ_JERR_TOO_BIG, 0);
		goto out;
	}
	/* a guess that saves most regrowing; doubling covers the rest */
	doc->cap = len / 32 + 16;
	doc->nodes = malloc(doc->cap * sizeof(*doc->nodes));
	if (!doc->nodes) {
		fail(&p, AZ_JERR_NOMEM, 0);
		goto out;
	}
	i = skip_ws(buf, 0, len);
value:
	if (i >= len) {
		fail(&p, AZ_JERR_TRUNCATED, len);
		goto out;
	}
	if (depth + 1 > AZ_JSON_MAX_DEPTH) { /* as jansson counts: the value itself included */
		fail(&p, AZ_JERR_DEPTH, i);
		goto out;
	}
	switch (buf[i]) {
	case '{':
	case '[': {
		bool is_obj = buf[i] == '{';
		if (push(&p, is_obj ? AZ_JOBJ : AZ_JARR, i, &idx) < 0)
			goto out;
		stack[depth++] = idx;
		i = skip_ws(buf, i + 1, len);
		if (i < len && buf[i] == (is_obj ? '}' : ']')) {
			i++;
			depth--;
			goto after;
		}
		if (is_obj)
			goto key;
		goto value;
	}
	case '"':
		if (push(&p, AZ_JSTR, i, &idx) < 0 || string_value(&p, &doc->nodes[idx], i, &end) < 0)
			goto out;
		break;
	case 't':
		if (push(&p, AZ_JTRUE, i, &idx) < 0 || literal(&p, i, "true", 4, &end) < 0)
			goto out;
		break;
	case 'f':
		if (push(&p, AZ_JFALSE, i, &idx) < 0 || literal(&p, i, "false", 5, &end) < 0)
			goto out;
		break;
	case 'n':
		if (push(&p, AZ_JNULL, i, &idx) < 0 || literal(&p, i, "null", 4, &end) < 0)
			goto out;
		break;
	default:
		if (buf[i] != '-' && !digit(buf[i])) {
			fail(&p, AZ_JERR_SYNTAX, i);
			goto out;
		}
		if (push(&p, AZ_JINT, i, &idx) < 0 || number_value(&p, &doc->nodes[idx], i, &end) < 0)
			goto out;
		break;
	}
	i = end;
after:
	/* a value ended at I; it is an element or member of stack[depth - 1] */
	if (depth == 0) {
		i = skip_ws(buf, i, len);
		if (i != len) {
			fail(&p, AZ_JERR_TRAILING, i);
			goto out;
		}
		rc = 0;
		goto out;
	}
	{
		struct az_jnode *parent = &doc->nodes[stack[depth - 1]];
		bool is_obj = parent->type == AZ_JOBJ;
		parent->n++;
		i = skip_ws(buf, i, len);
		if (i >= len) {
			fail(&p, AZ_JERR_TRUNCATED, len);
			goto out;
		}
		if (buf[i] == ',') {
			i = skip_ws(buf, i + 1, len);
			if (is_obj)
				goto key;
			goto value;
		}
		if (buf[i] != (is_obj ? '}' : ']')) {
			fail(&p, AZ_JERR_SYNTAX, i);
			goto out;
		}
		i++;
		parent->skip = (uint32_t)(doc->count - stack[depth - 1]);
		if (is_obj && check_duplicates(&p, stack[depth - 1]) < 0)
			goto out;
		depth--;
		goto after;
	}
key:
	if (i >= len) {
		fail(&p, AZ_JERR_TRUNCATED, len);
		goto out;
	}
	if (buf[i] != '"') {
		fail(&p, AZ_JERR_SYNTAX, i);
		goto out;
	}
	if (push(&p, AZ_JSTR, i, &idx) < 0 || string_value(&p, &doc->nodes[idx], i, &end) < 0)
		goto out;
	i = skip_ws(buf, end, len);
	if (i >= len) {
		fail(&p, AZ_JERR_TRUNCATED, len);
		goto out;
	}
	if (buf[i] != ':') {
		fail(&p, AZ_JERR_SYNTAX, i);
		goto out;
	}
	i = skip_ws(buf, i + 1, len);
	goto value;
out:
	if (rc < 0)
		az_json_free(doc);
	return rc;
}

void az_json_free(struct az_jdoc *doc)
{
	free(doc->nodes);
	free(doc->strbuf);
	free(doc->input);
	memset(doc, 0, sizeof(*doc));
}

az_jv az_jget(az_jv obj, const char *key)
{
	size_t i, kl = strlen(key);
	az_jv k;

	if (!az_jis(obj, AZ_JOBJ))
		return NULL;
	AZ_JOBJ_FOREACH(obj, i, k)
		if (k->n == kl && memcmp(k->u.s, key, kl) == 0)
			return az_jval(k);
	return NULL;
}

const char *az_json_strerror(enum az_jerr_kind kind)
{
	switch (kind) {
	case AZ_JERR_SYNTAX: return "syntax error";
	case AZ_JERR_TRUNCATED: return "truncated";
	case AZ_JERR_UTF8: return "invalid UTF-8";
	case AZ_JERR_ESCAPE: return "\\u0000 or a lone surrogate escape";
	case AZ_JERR_NUMBER: return "number out of range";
	case AZ_JERR_DEPTH: return "nested too deep";
	case AZ_JERR_DUPLICATE: return "duplicate key";
	case AZ_JERR_TRAILING: return "data after the document";
	case AZ_JERR_TOO_BIG: return "too large";
	case AZ_JERR_NOMEM: return "out of memory";
	}
	return "error";
}
