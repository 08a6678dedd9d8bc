/* test_json.c - az_json's interface: values, navigation, decoded escapes,
 * error kinds and offsets, limits.  (Which inputs it accepts is checked
 * against jansson by fuzz/fuzz_json.c and its replayed corpus.) */
#include <stdlib.h>
#include <string.h>

#include "az_json.h"
#include "dw_test.h"

static int parse(const char *s, struct az_jdoc *d, struct az_jerr *e)
{
	return az_json_parse(s, strlen(s), d, e);
}

static int str_is(az_jv v, const char *want)
{
	return az_jis(v, AZ_JSTR) && v->n == strlen(want) && memcmp(v->u.s, want, v->n) == 0;
}

/* Error kind and offset of S. */
static void check_err(const char *s, enum az_jerr_kind kind, size_t off)
{
	struct az_jdoc d;
	struct az_jerr e;

	CHECK_EQ_INT(parse(s, &d, &e), -1);
	CHECK_EQ_INT(e.kind, kind);
	CHECK_EQ_INT(e.offset, off);
	CHECK(d.nodes == NULL && d.strbuf == NULL); /* nothing left to free */
}

static void navigation(void)
{
	struct az_jdoc d;
	struct az_jerr e;
	az_jv r, hc, binds, el, k;
	size_t i, seen = 0;

	CHECK_EQ_INT(parse("{\"Env\":[\"A=1\",{\"x\":[1,[2,3]]},\"B=2\"],\"HostConfig\":"
			   "{\"Binds\":[\"/a:/b\"],\"Memory\":-5,\"Privileged\":true,\"N\":null,\"R\":1.5},"
			   "\"Last\":\"z\"}", &d, &e), 0);
	r = az_json_root(&d);
	CHECK(az_jis(r, AZ_JOBJ));
	CHECK_EQ_INT(az_jlen(r), 3);
	/* stepping over a nested value lands on the next element */
	el = az_jget(r, "Env");
	CHECK_EQ_INT(az_jlen(el), 3);
	AZ_JARR_FOREACH(el, i, k) {
		if (i == 0)
			CHECK(str_is(k, "A=1"));
		if (i == 1)
			CHECK(az_jis(k, AZ_JOBJ));
		if (i == 2)
			CHECK(str_is(k, "B=2"));
		seen++;
	}
	CHECK_EQ_INT(seen, 3);
	hc = az_jget(r, "HostConfig");
	binds = az_jget(hc, "Binds");
	CHECK(str_is(az_jfirst(binds), "/a:/b"));
	CHECK(az_jis(az_jget(hc, "Memory"), AZ_JINT) && az_jget(hc, "Memory")->u.i == -5);
	CHECK(az_jis(az_jget(hc, "Privileged"), AZ_JTRUE));
	CHECK(az_jis_null(az_jget(hc, "N")));
	CHECK(az_jis(az_jget(hc, "R"), AZ_JREAL));
	CHECK(az_jget(hc, "privileged") == NULL); /* exact keys: folding is az_gojson's */
	CHECK(str_is(az_jget(r, "Last"), "z"));
	CHECK(az_jget(binds, "x") == NULL);       /* not an object */
	CHECK(az_jget(NULL, "x") == NULL);
	CHECK_EQ_INT(az_jlen(NULL), 0);
	az_json_free(&d);
}

static void strings(void)
{
	struct az_jdoc d;
	struct az_jerr e;
	az_jv a;

	CHECK_EQ_INT(parse("[\"q\\\"b\\\\s\\/n\\nt\\t\", \"\\u00e9\\u20ac\", \"\\ud83d\\ude00\","
			   " \"plain\", \"caf\xc3\xa9\", \"\"]", &d, &e), 0);
	a = az_jfirst(az_json_root(&d));
	CHECK(str_is(a, "q\"b\\s/n\nt\t"));
	a = az_jnext(a);
	CHECK(str_is(a, "\xc3\xa9\xe2\x82\xac"));
	a = az_jnext(a);
	CHECK(str_is(a, "\xf0\x9f\x98\x80"));
	a = az_jnext(a);
	CHECK(str_is(a, "plain"));
	a = az_jnext(a);
	CHECK(str_is(a, "caf\xc3\xa9"));
	a = az_jnext(a);
	CHECK(str_is(a, ""));
	az_json_free(&d);
}

static void errors(void)
{
	char *deep;
	size_t i;
	struct az_jdoc d;
	struct az_jerr e;

	check_err("", AZ_JERR_TRUNCATED, 0);
	check_err("{\"a\":", AZ_JERR_TRUNCATED, 5);
	check_err("{\"a\" 1}", AZ_JERR_SYNTAX, 5);
	check_err("[1,]", AZ_JERR_SYNTAX, 3);
	check_err("[01]", AZ_JERR_SYNTAX, 2);
	check_err("{\"a\":1} {", AZ_JERR_TRAILING, 8);
	check_err("{\"a\":1,\"b\":2,\"a\":3}", AZ_JERR_DUPLICATE, 13);
	check_err("{\"a\":1,\"\\u0061\":2}", AZ_JERR_DUPLICATE, 7);
	check_err("[\"\xc0\xaf\"]", AZ_JERR_UTF8, 2);
	check_err("[\"\xed\xa0\x80\"]", AZ_JERR_UTF8, 2);
	check_err("[\"a\\u0000\"]", AZ_JERR_ESCAPE, 3);
	check_err("[\"\\udc00\"]", AZ_JERR_ESCAPE, 2);
	check_err("[\"\\ud800x\"]", AZ_JERR_ESCAPE, 2);
	check_err("[\"a\x01\"]", AZ_JERR_SYNTAX, 3);
	check_err("[9223372036854775808]", AZ_JERR_NUMBER, 1);
	check_err("[-9223372036854775809]", AZ_JERR_NUMBER, 1);
	check_err("[1e999]", AZ_JERR_NUMBER, 1);
	/* the limits themselves are accepted */
	CHECK_EQ_INT(parse("[9223372036854775807,-9223372036854775808,1e-999]", &d, &e), 0);
	CHECK(az_jfirst(az_json_root(&d))->u.i == INT64_MAX);
	az_json_free(&d);

	/* 2048 nested values are accepted, 2049 are not (jansson's limit) */
	deep = malloc(2 * 2049 + 1);
	for (i = 0; i < 2048; i++) {
		deep[i] = '[';
		deep[2048 + i] = ']';
	}
	CHECK_EQ_INT(az_json_parse(deep, 4096, &d, &e), 0);
	CHECK_EQ_INT(d.count, 2048);
	CHECK_EQ_INT(az_json_root(&d)->skip, 2048);
	az_json_free(&d);
	for (i = 0; i < 2049; i++) {
		deep[i] = '[';
		deep[2049 + i] = ']';
	}
	CHECK_EQ_INT(az_json_parse(deep, 4098, &d, &e), -1);
	CHECK_EQ_INT(e.kind, AZ_JERR_DEPTH);
	CHECK_EQ_INT(e.offset, 2048);
	free(deep);
}

/* Objects over 16 keys are checked with a hash table: every key distinct
 * passes, one repeat anywhere is found. */
static void big_objects(void)
{
	size_t n = 5000, i, len;
	char *buf = malloc(n * 24 + 64);
	struct az_jdoc d;
	struct az_jerr e;

	for (int dup = 0; dup < 2; dup++) {
		len = 0;
		buf[len++] = '{';
		for (i = 0; i < n; i++)
			len += (size_t)sprintf(buf + len, "%s\"k%zu\":%zu", i ? "," : "",
					       dup && i == n - 1 ? (size_t)1234 : i, i);
		buf[len++] = '}';
		if (!dup) {
			CHECK_EQ_INT(az_json_parse(buf, len, &d, &e), 0);
			CHECK_EQ_INT(az_jlen(az_json_root(&d)), n);
			CHECK(az_jis(az_jget(az_json_root(&d), "k4999"), AZ_JINT));
			az_json_free(&d);
		} else {
			CHECK_EQ_INT(az_json_parse(buf, len, &d, &e), -1);
			CHECK_EQ_INT(e.kind, AZ_JERR_DUPLICATE);
			CHECK(e.offset > 0 && buf[e.offset] == '"' && memcmp(buf + e.offset, "\"k1234\"", 7) == 0 &&
			      e.offset > len / 2);
		}
	}
	free(buf);
}

int main(void)
{
	navigation();
	strings();
	errors();
	big_objects();
	return dw_test_done();
}
