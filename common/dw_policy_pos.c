/* dw_policy_pos.c - JSON pointer -> LINE:COL index for policy diagnostics.
 *
 * A second, position-only scan of text that jansson has already parsed.  It is
 * still written defensively (every read bounds-checked, nesting bounded): any
 * surprise makes the build fail with -EINVAL and callers fall back to
 * position-less messages, never to a crash. */
#include "dw_policy_pos.h"
#include "dw_hex.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The policy schema is at most five levels deep; below this depth values are
 * skipped without being indexed (their errors point at the nearest ancestor). */
#define POS_MAX_DEPTH 12
#define POS_PTR_MAX 2048

struct pos_ent {
	char *ptr;
	int line;
	int col;
};

struct dw_pos_index {
	struct pos_ent *v;
	size_t n;
	size_t cap;
};

struct scan {
	const char *s;
	size_t len;
	size_t i;
	int line;
	int col;  /* column of s[i] */
	struct dw_pos_index *idx;
	char ptr[POS_PTR_MAX];
};

static void adv(struct scan *sc)
{
	unsigned char b = (unsigned char)sc->s[sc->i++];

	if (b == '\n') {
		sc->line++;
		sc->col = 1;
	} else if ((b & 0xC0) != 0x80) {
		/* a UTF-8 lead byte or ASCII starts the next character */
		sc->col++;
	}
}

static int peek(const struct scan *sc)
{
	return sc->i < sc->len ? (unsigned char)sc->s[sc->i] : -1;
}

static void skip_ws(struct scan *sc)
{
	int c;

	while ((c = peek(sc)) == ' ' || c == '\t' || c == '\n' || c == '\r')
		adv(sc);
}

static int add_ent(struct scan *sc, int line, int col)
{
	struct dw_pos_index *idx = sc->idx;
	char *copy;

	if (idx->n == idx->cap) {
		size_t ncap = idx->cap ? idx->cap * 2 : 64;
		struct pos_ent *nv = realloc(idx->v, ncap * sizeof(*nv));

		if (!nv)
			return -ENOMEM;
		idx->v = nv;
		idx->cap = ncap;
	}
	copy = strdup(sc->ptr);
	if (!copy)
		return -ENOMEM;
	idx->v[idx->n].ptr = copy;
	idx->v[idx->n].line = line;
	idx->v[idx->n].col = col;
	idx->n++;
	return 0;
}

static int read_u16(struct scan *sc, uint32_t *out)
{
	uint32_t v = 0;

	for (int k = 0; k < 4; k++) {
		int h = dw_hex_digit(peek(sc));

		if (h < 0)
			return -EINVAL;
		v = v * 16 + (uint32_t)h;
		adv(sc);
	}
	*out = v;
	return 0;
}

static size_t put_utf8(uint32_t cp, char *o)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xC0 | (cp >> 6));
		o[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xE0 | (cp >> 12));
		o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		o[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	o[0] = (char)(0xF0 | (cp >> 18));
	o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	o[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	o[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

/* Decode an escape after the backslash into OUT (>= 4 bytes); returns bytes. */
static int read_escape(struct scan *sc, char *out)
{
	static const char from[] = "\"\\/bfnrt";
	static const char to[] = "\"\\/\b\f\n\r\t";
	int c = peek(sc);
	const char *hit;
	uint32_t cp, lo;

	if (c < 0)
		return -EINVAL;
	adv(sc);
	if (c != 'u') {
		hit = strchr(from, c);
		if (!hit || c == 0)
			return -EINVAL;
		out[0] = to[hit - from];
		return 1;
	}
	if (read_u16(sc, &cp) < 0)
		return -EINVAL;
	if (cp >= 0xD800 && cp <= 0xDBFF) {
		if (peek(sc) != '\\')
			return -EINVAL;
		adv(sc);
		if (peek(sc) != 'u')
			return -EINVAL;
		adv(sc);
		if (read_u16(sc, &lo) < 0 || lo < 0xDC00 || lo > 0xDFFF)
			return -EINVAL;
		cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
	}
	return (int)put_utf8(cp, out);
}

/* Scan a string at s[i] == '"'.  With KEY, its decoded bytes go there
 * (KEY_MAX bytes, longer keys are -ENAMETOOLONG after the whole scan). */
static int scan_string(struct scan *sc, char *key, size_t key_max, size_t *klen)
{
	size_t n = 0;
	int too_long = 0;
	int c;

	adv(sc); /* opening quote */
	while ((c = peek(sc)) != '"') {
		char tmp[4];
		int w = 1;

		if (c < 0)
			return -EINVAL;
		if (c == '\\') {
			adv(sc);
			w = read_escape(sc, tmp);
			if (w < 0)
				return w;
		} else {
			tmp[0] = (char)c;
			adv(sc);
		}
		if (key && n + (size_t)w <= key_max) {
			memcpy(key + n, tmp, (size_t)w);
			n += (size_t)w;
		} else if (key) {
			too_long = 1;
		}
	}
	adv(sc); /* closing quote */
	if (klen)
		*klen = n;
	return too_long ? -ENAMETOOLONG : 0;
}

static int scan_value(struct scan *sc, int depth);

static int scan_object(struct scan *sc, int depth)
{
	size_t base = strlen(sc->ptr);
	char key[POS_PTR_MAX];
	int r;

	adv(sc); /* '{' */
	skip_ws(sc);
	if (peek(sc) == '}') {
		adv(sc);
		return 0;
	}
	for (;;) {
		size_t klen = 0;
		int line, col, indexed;

		skip_ws(sc);
		line = sc->line;
		col = sc->col;
		if (peek(sc) != '"')
			return -EINVAL;
		r = scan_string(sc, key, sizeof(key), &klen);
		if (r == -EINVAL)
			return r;
		/* a key too long for a pointer is scanned but not indexed */
		indexed = r == 0 && depth < POS_MAX_DEPTH &&
			  dw_ptr_append(sc->ptr, sizeof(sc->ptr), key, klen) == 0;
		if (indexed && (r = add_ent(sc, line, col)) < 0)
			return r;
		skip_ws(sc);
		if (peek(sc) != ':')
			return -EINVAL;
		adv(sc);
		skip_ws(sc);
		r = scan_value(sc, indexed ? depth + 1 : POS_MAX_DEPTH);
		sc->ptr[base] = '\0';
		if (r < 0)
			return r;
		skip_ws(sc);
		if (peek(sc) == '}') {
			adv(sc);
			return 0;
		}
		if (peek(sc) != ',')
			return -EINVAL;
		adv(sc);
	}
}

static int scan_array(struct scan *sc, int depth)
{
	size_t base = strlen(sc->ptr);
	size_t n = 0;
	int r;

	adv(sc); /* '[' */
	skip_ws(sc);
	if (peek(sc) == ']') {
		adv(sc);
		return 0;
	}
	for (;;) {
		int indexed;

		skip_ws(sc);
		indexed = depth < POS_MAX_DEPTH &&
			  dw_ptr_append_index(sc->ptr, sizeof(sc->ptr), n) == 0;
		if (indexed && (r = add_ent(sc, sc->line, sc->col)) < 0)
			return r;
		r = scan_value(sc, indexed ? depth + 1 : POS_MAX_DEPTH);
		sc->ptr[base] = '\0';
		if (r < 0)
			return r;
		n++;
		skip_ws(sc);
		if (peek(sc) == ']') {
			adv(sc);
			return 0;
		}
		if (peek(sc) != ',')
			return -EINVAL;
		adv(sc);
	}
}

/* Past the indexed depth: skip a whole container without recursion. */
static int skip_container(struct scan *sc)
{
	size_t open = 0;
	int c;

	do {
		c = peek(sc);
		if (c < 0)
			return -EINVAL;
		if (c == '"') {
			int r = scan_string(sc, NULL, 0, NULL);

			if (r < 0)
				return r;
			continue;
		}
		if (c == '{' || c == '[')
			open++;
		else if (c == '}' || c == ']')
			open--;
		adv(sc);
	} while (open > 0);
	return 0;
}

static int scan_value(struct scan *sc, int depth)
{
	int c = peek(sc);

	if (c == '{' || c == '[') {
		if (depth >= POS_MAX_DEPTH)
			return skip_container(sc);
		return c == '{' ? scan_object(sc, depth) : scan_array(sc, depth);
	}
	if (c == '"')
		return scan_string(sc, NULL, 0, NULL);
	if (c < 0)
		return -EINVAL;
	/* number, true, false, null */
	while ((c = peek(sc)) >= 0 && !strchr(",]} \t\r\n", c))
		adv(sc);
	return 0;
}

static int ent_cmp(const void *a, const void *b)
{
	return strcmp(((const struct pos_ent *)a)->ptr, ((const struct pos_ent *)b)->ptr);
}

int dw_pos_index_build(const char *buf, size_t len, struct dw_pos_index **out)
{
	struct scan *sc = NULL;
	struct dw_pos_index *idx = NULL;
	int r;

	*out = NULL;
	idx = calloc(1, sizeof(*idx));
	sc = calloc(1, sizeof(*sc));
	if (!idx || !sc) {
		r = -ENOMEM;
		goto out;
	}
	sc->s = buf;
	sc->len = len;
	sc->line = 1;
	sc->col = 1;
	sc->idx = idx;
	skip_ws(sc);
	r = add_ent(sc, sc->line, sc->col);  /* the root, pointer "" */
	if (r < 0)
		goto out;
	r = scan_value(sc, 0);
	if (r < 0)
		goto out;
	qsort(idx->v, idx->n, sizeof(idx->v[0]), ent_cmp);
	*out = idx;
	idx = NULL;
out:
	dw_pos_index_free(idx);
	free(sc);
	return r;
}

void dw_pos_index_free(struct dw_pos_index *idx)
{
	if (!idx)
		return;
	for (size_t k = 0; k < idx->n; k++)
		free(idx->v[k].ptr);
	free(idx->v);
	free(idx);
}

int dw_pos_index_lookup(const struct dw_pos_index *idx, const char *ptr,
			int *line, int *col)
{
	char buf[POS_PTR_MAX];
	size_t n = strnlen(ptr, sizeof(buf));

	*line = 0;
	*col = 0;
	if (!idx)
		return -ENOENT;
	/* an over-long pointer is looked up through its ancestors */
	if (n == sizeof(buf))
		n = sizeof(buf) - 1;
	memcpy(buf, ptr, n);
	buf[n] = '\0';
	for (;;) {
		struct pos_ent key = { .ptr = buf };
		const struct pos_ent *hit = bsearch(&key, idx->v, idx->n,
						    sizeof(idx->v[0]), ent_cmp);
		char *slash;

		if (hit) {
			*line = hit->line;
			*col = hit->col;
			return 0;
		}
		if (buf[0] == '\0')
			return -ENOENT;
		slash = strrchr(buf, '/');
		if (!slash)
			return -ENOENT;
		*slash = '\0';
	}
}

int dw_ptr_append(char *buf, size_t bufsz, const char *key, size_t klen)
{
	size_t n = strnlen(buf, bufsz);
	size_t need = 1;

	for (size_t k = 0; k < klen; k++)
		need += (key[k] == '~' || key[k] == '/') ? 2 : 1;
	if (n >= bufsz || need >= bufsz - n)
		return -ENAMETOOLONG;
	buf[n++] = '/';
	for (size_t k = 0; k < klen; k++) {
		if (key[k] == '~' || key[k] == '/') {
			buf[n++] = '~';
			buf[n++] = key[k] == '~' ? '0' : '1';
		} else {
			buf[n++] = key[k];
		}
	}
	buf[n] = '\0';
	return 0;
}

int dw_ptr_append_index(char *buf, size_t bufsz, size_t idx)
{
	char num[24];
	int w = snprintf(num, sizeof(num), "%zu", idx);

	if (w < 0)
		return -EINVAL;
	return dw_ptr_append(buf, bufsz, num, (size_t)w);
}
