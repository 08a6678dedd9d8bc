/* select.c - cheap selection of Docker-related audit events (see select.h). */
#include "select.h"

#include <fnmatch.h>
#include <stdio.h>
#include <string.h>

#include <libaudit.h>

#include "dw_match.h"
#include "dw_hex.h"

const char *select_reason_name(enum select_reason r)
{
	switch (r) {
	case SEL_NONE: return "none";
	case SEL_KEY: return "key";
	case SEL_EXE: return "exe";
	case SEL_PATH: return "path";
	case SEL_DOCKWARDEN: return "dockwarden";
	}
	return "?";
}

void select_cfg_from_policy(struct select_cfg *cfg, const struct dw_policy *p)
{
	cfg->keys = &p->forward.audit_keys;
	cfg->binaries = &p->docker_binaries;
	cfg->paths = &p->docker_paths;
}

/* The raw fields of an ENRICHED record end at 0x1d. */
static size_t raw_len(const char *text, size_t len)
{
	const char *gs = memchr(text, 0x1d, len);
	return gs ? (size_t)(gs - text) : len;
}

long ap_field_value(const char *text, size_t len, const char *name, char *out, size_t outsz)
{
	size_t nl = strlen(name);
	size_t i = 0;

	if (outsz == 0)
		return -1;
	len = raw_len(text, len);
	while (i + nl + 1 < len) {
		const char *hit = memmem(text + i, len - i, name, nl);
		size_t at, v, e;
		if (!hit)
			return -1;
		at = (size_t)(hit - text);
		i = at + 1;
		/* must be a whole field name: preceded by a space (or start) and
		 * followed by '=' */
		if ((at > 0 && text[at - 1] != ' ') || at + nl >= len || text[at + nl] != '=')
			continue;
		v = at + nl + 1;
		if (v < len && text[v] == '"') {
			const char *q = memchr(text + v + 1, '"', len - v - 1);
			size_t n;
			if (!q)
				return -1;
			n = (size_t)(q - (text + v + 1));
			if (n + 1 > outsz)
				return -1;
			memcpy(out, text + v + 1, n);
			out[n] = '\0';
			return (long)n;
		}
		e = v;
		while (e < len && text[e] != ' ' && text[e] != '\'' && text[e] != '\n')
			e++;
		if (e - v == 6 && memcmp(text + v, "(null)", 6) == 0)
			return -1;
		if (e == v)
			return -1;
		/* unquoted: the kernel's hex encoding of an untrusted string, or a
		 * plain token (numbers, "(none)") that we return as is */
		bool hex = (e - v) % 2 == 0;
		for (size_t k = v; k < e && hex; k++)
			hex = dw_hex_digit(text[k]) >= 0;
		if (hex) {
			size_t n = (e - v) / 2;
			if (n + 1 > outsz || dw_hex_decode(text + v, e - v, (uint8_t *)out, n) != 0)
				return -1;
			out[n] = '\0';
			return (long)n;
		}
		if (e - v + 1 > outsz)
			return -1;
		memcpy(out, text + v, e - v);
		out[e - v] = '\0';
		return (long)(e - v);
	}
	return -1;
}

static bool key_matches(const struct dw_strv *keys, const char *val, size_t n)
{
	/* several keys are joined by AUDIT_KEY_SEPARATOR */
	size_t s = 0;
	for (size_t i = 0; i <= n; i++) {
		if (i == n || val[i] == AUDIT_KEY_SEPARATOR) {
			for (size_t k = 0; k < keys->n; k++)
				if (strlen(keys->v[k]) == i - s && memcmp(keys->v[k], val + s, i - s) == 0)
					return true;
			s = i + 1;
		}
	}
	return false;
}

static bool exe_matches(const struct dw_strv *bins, const char *exe)
{
	for (size_t k = 0; k < bins->n; k++)
		if (fnmatch(bins->v[k], exe, 0) == 0)
			return true;
	return false;
}

static bool path_matches(const struct dw_strv *paths, const char *path)
{
	size_t pl = strlen(path);
	for (size_t k = 0; k < paths->n; k++) {
		const char *d = paths->v[k];
		size_t dl = strlen(d);
		if (pl >= dl && memcmp(path, d, dl) == 0 && (pl == dl || path[dl] == '/' ||
							    (dl == 1 && d[0] == '/')))
			return true;
		if (strpbrk(d, "*?[") && fnmatch(d, path, 0) == 0)
			return true;
	}
	return false;
}

static bool has_type(const char *text, size_t len, const char *type)
{
	/* "type=PATH " possibly after a "node=NAME " prefix */
	size_t tl = strlen(type);
	const char *t = memmem(text, len < 64 ? len : 64, "type=", 5);
	if (!t)
		return false;
	t += 5;
	return (size_t)(text + len - t) > tl && memcmp(t, type, tl) == 0 && t[tl] == ' ';
}

enum select_reason select_event(const struct select_cfg *cfg, const struct ap_rec *recs, size_t n)
{
	char val[DW_PATH_MAX + 1];
	char cwd[DW_PATH_MAX + 1] = "";
	char joined[2 * DW_PATH_MAX + 2];
	char norm[DW_PATH_MAX + 1];

	for (size_t i = 0; i < n; i++) {
		const char *t = recs[i].text;
		size_t len = raw_len(t, recs[i].len);
		long vl;

		if (memmem(t, len, "op=dockwarden-authz", 19) || memmem(t, len, "op=dockwarden-pam", 17))
			return SEL_DOCKWARDEN;
		if (cfg->keys->n && (vl = ap_field_value(t, len, "key", val, sizeof val)) > 0 &&
		    key_matches(cfg->keys, val, (size_t)vl))
			return SEL_KEY;
		if (cfg->binaries->n && ap_field_value(t, len, "exe", val, sizeof val) > 0 &&
		    exe_matches(cfg->binaries, val))
			return SEL_EXE;
		if (has_type(t, len, "CWD") && ap_field_value(t, len, "cwd", val, sizeof val) > 0)
			memcpy(cwd, val, sizeof cwd);
	}
	if (cfg->paths->n == 0)
		return SEL_NONE;
	for (size_t i = 0; i < n; i++) {
		const char *t = recs[i].text;
		size_t len = raw_len(t, recs[i].len);
		long vl;
		ssize_t nl;

		if (!has_type(t, len, "PATH"))
			continue;
		vl = ap_field_value(t, len, "name", val, sizeof val);
		if (vl <= 0)
			continue;
		if (val[0] == '/') {
			nl = dw_path_normalize(val, (size_t)vl, norm, sizeof norm);
		} else {
			if (cwd[0] != '/')
				continue;
			int jl = snprintf(joined, sizeof joined, "%s/%s", cwd, val);
			if (jl < 0 || (size_t)jl >= sizeof joined)
				continue;
			nl = dw_path_normalize(joined, (size_t)jl, norm, sizeof norm);
		}
		if (nl > 0 && path_matches(cfg->paths, norm))
			return SEL_PATH;
	}
	return SEL_NONE;
}
