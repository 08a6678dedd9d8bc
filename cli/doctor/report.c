/* report.c - doctor results: collect, print as text or JSON, exit status. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "doctor.h"

const char *dr_level_name(enum dr_level l)
{
	static const char *const names[] = { "pass", "warn", "fail", "skip" };

	return (unsigned int)l < 4 ? names[l] : "fail";
}

void dr_add(struct dr_report *r, const struct dr_check *ck, enum dr_level level,
	    const char *object, const char *remedy, const char *fmt, ...)
{
	struct dr_result *res;
	va_list ap;
	int n;

	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 64;
		struct dr_result *v = realloc(r->v, cap * sizeof(*v));

		if (v == NULL) {
			r->err = -ENOMEM;
			return;
		}
		r->v = v;
		r->cap = cap;
	}
	res = &r->v[r->n];
	memset(res, 0, sizeof(*res));
	res->id = ck->id;
	res->title = ck->title;
	res->level = level;
	va_start(ap, fmt);
	n = vasprintf(&res->evidence, fmt, ap);
	va_end(ap);
	if (n < 0) {
		res->evidence = NULL;
		goto nomem;
	}
	if (object != NULL && (res->object = strdup(object)) == NULL)
		goto nomem;
	if (remedy != NULL && level != DR_PASS && level != DR_SKIP &&
	    (res->remedy = strdup(remedy)) == NULL)
		goto nomem;
	r->n++;
	return;
nomem:
	free(res->evidence);
	free(res->object);
	r->err = -ENOMEM;
}

void dr_report_free(struct dr_report *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->v[i].object);
		free(r->v[i].evidence);
		free(r->v[i].remedy);
	}
	free(r->v);
	memset(r, 0, sizeof(*r));
}

int dr_exit_status(const struct dr_report *r, bool strict)
{
	bool warn = false;

	/* An incomplete report cannot say that nothing failed. */
	if (r->err < 0)
		return 2;
	for (size_t i = 0; i < r->n; i++) {
		if (r->v[i].level == DR_FAIL)
			return 2;
		warn |= r->v[i].level == DR_WARN;
	}
	return strict && warn ? 1 : 0;
}

static void count(const struct dr_report *r, size_t n[4])
{
	memset(n, 0, 4 * sizeof(n[0]));
	for (size_t i = 0; i < r->n; i++)
		n[r->v[i].level]++;
}

void dr_print_text(FILE *out, const struct dr_report *r)
{
	static const char *const tag[] = { "PASS", "WARN", "FAIL", "SKIP" };
	size_t n[4];

	for (size_t i = 0; i < r->n; i++) {
		const struct dr_result *x = &r->v[i];

		fprintf(out, "%s %-18s %s", tag[x->level], x->id, x->title);
		if (x->object != NULL)
			fprintf(out, " [%s]", x->object);
		fprintf(out, ": %s\n", x->evidence);
		if (x->remedy != NULL)
			fprintf(out, "     %-18s remedy: %s\n", "", x->remedy);
	}
	count(r, n);
	fprintf(out, "%zu pass, %zu warn, %zu fail, %zu skip\n", n[DR_PASS], n[DR_WARN],
		n[DR_FAIL], n[DR_SKIP]);
	if (r->err < 0)
		fprintf(out, "report incomplete: %s\n", strerror(-r->err));
}

/* One object per result; see dockwarden(8) for the schema. */
int dr_print_json(FILE *out, const struct dr_report *r, const struct dr_facts *f)
{
	json_t *root = NULL, *checks, *sum;
	size_t n[4];
	int rc = -ENOMEM;
	const char *ver = NULL, *api = NULL;

	root = json_object();
	checks = json_array();
	sum = json_object();
	if (root == NULL || checks == NULL || sum == NULL) {
		json_decref(checks);
		json_decref(sum);
		goto out;
	}
	if (json_object_set_new(root, "checks", checks) < 0 ||
	    json_object_set_new(root, "summary", sum) < 0)
		goto out;
	for (size_t i = 0; i < r->n; i++) {
		const struct dr_result *x = &r->v[i];
		json_t *o = json_pack("{s:s, s:s, s:s}", "id", x->id, "title", x->title, "level",
				      dr_level_name(x->level));

		if (o == NULL || json_array_append_new(checks, o) < 0)
			goto out;
		if (json_object_set_new(o, x->level == DR_SKIP ? "reason" : "evidence",
					json_string(x->evidence)) < 0 ||
		    (x->object && json_object_set_new(o, "object", json_string(x->object)) < 0) ||
		    (x->remedy && json_object_set_new(o, "remedy", json_string(x->remedy)) < 0))
			goto out;
	}
	count(r, n);
	for (int l = 0; l < 4; l++)
		if (json_object_set_new(sum, dr_level_name((enum dr_level)l),
					json_integer((json_int_t)n[l])) < 0)
			goto out;
	if (f != NULL && f->version != NULL) {
		ver = json_string_value(json_object_get(f->version, "Version"));
		api = json_string_value(json_object_get(f->version, "ApiVersion"));
	}
	if (json_object_set_new(root, "docker",
				json_pack("{s:s?, s:s?}", "version", ver, "api_version", api)) < 0 ||
	    json_object_set_new(root, "complete", json_boolean(r->err == 0)) < 0 ||
	    json_object_set_new(root, "format", json_integer(1)) < 0)
		goto out;
	if (json_dumpf(root, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER) < 0)
		goto out;
	fputc('\n', out);
	rc = 0;
out:
	json_decref(root);
	return rc;
}

void dr_strf(char *out, size_t sz, const char *fmt, ...)
{
	va_list ap;

	if (sz == 0)
		return;
	va_start(ap, fmt);
	/* messages and paths are cut at the buffer's end, never overrun */
	if (vsnprintf(out, sz, fmt, ap) < 0)
		out[0] = '\0';
	va_end(ap);
}
