/* test_authz_cases.c - table-driven decoder and rule tests (suite 'unit').
 *
 * Each line of the case file is a JSON object:
 *   name      what the case shows
 *   method    HTTP method (default POST), uri: RequestUri
 *   body      a JSON value sent as the body, or
 *   body_raw  the body's exact text (duplicate keys, odd spellings), or
 *   body_b64  the body's bytes in base64 (invalid UTF-8); none = not forwarded
 *   headers   RequestHeaders (default {"Content-Type":"application/json"})
 *   user      TLS user (default "")
 *   policy    policy JSON (default: the built-in policy)
 *   envelope_raw  the whole AuthZReq text instead of one built from the above
 *   expect    "allow" | "warn" | "deny" | "bad-envelope" (the daemon answers Err)
 *   msg       for deny: the exact Msg; for warn: the exact first warning
 *   daemon    what the plugin learnt of dockerd: {"version": "26.1.5", "api": "1.45"}
 *             (default: not known)
 *   objects   existing objects dockerd reports: {"containers": {NAME: INSPECT, ...},
 *             "volumes": {...}, "images": {...}}; container "abc" (a plain container with
 *             limits) exists unless given; anything else is missing (404)
 *   image_lists  the trusted image lists loaded: [{"path": P, "text": LIST} (parsed as
 *             a verified list's text) or {"path": P, "broken": WHY}]
 *   now       the decision's time, seconds since the epoch (default 1800000000,
 *             2027-01-15T08:00:00Z)
 *   dockerd_down  true: every inspect fails as if dockerd's socket were gone
 *   host_masked  what dockerd also masks on this host (each CPU's thermal_throttle):
 *             an array of paths (default none)
 * "@TMP@" in a body is replaced by a scratch directory holding symlinks
 * link-etc -> /etc, link-root -> /, link-ok -> TMP/data (a plain directory).
 * The request goes through the same envelope decoding as the daemon's. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <jansson.h>
#include <sodium.h>

#include "az_envelope.h"
#include "az_eval.h"
#include "az_images.h"
#include "dw_policy.h"

static char tmpdir[64];

static void setup_tmp(void)
{
	char p[128];

	snprintf(tmpdir, sizeof(tmpdir), "/tmp/dwt-authz-unit.XXXXXX");
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		exit(99);
	}
	snprintf(p, sizeof(p), "%s/link-etc", tmpdir);
	if (symlink("/etc", p) < 0)
		exit(99);
	snprintf(p, sizeof(p), "%s/link-root", tmpdir);
	if (symlink("/", p) < 0)
		exit(99);
	snprintf(p, sizeof(p), "%s/data", tmpdir);
	if (mkdir(p, 0700) < 0)
		exit(99);
	snprintf(p, sizeof(p), "%s/link-ok", tmpdir);
	if (symlink("data", p) < 0)
		exit(99);
}

static void cleanup_tmp(void)
{
	const char *names[] = { "link-etc", "link-root", "link-ok" };
	char p[128];
	size_t i;

	for (i = 0; i < 3; i++) {
		snprintf(p, sizeof(p), "%s/%s", tmpdir, names[i]);
		unlink(p);
	}
	snprintf(p, sizeof(p), "%s/data", tmpdir);
	rmdir(p);
	rmdir(tmpdir);
}

/* S with every "@TMP@" replaced; malloc'd. */
static char *subst(const char *s, size_t len, size_t *outlen)
{
	size_t cap = len * 4 + 64, o = 0, i;
	char *out = malloc(cap);

	for (i = 0; out && i < len; i++) {
		if (len - i >= 5 && memcmp(s + i, "@TMP@", 5) == 0) {
			size_t tl = strlen(tmpdir);
			if (o + tl >= cap)
				break;
			memcpy(out + o, tmpdir, tl);
			o += tl;
			i += 4;
		} else {
			if (o + 1 >= cap)
				break;
			out[o++] = s[i];
		}
	}
	*outlen = o;
	return out;
}

/* The objects of the case being run, as the state provider serves them. */
struct case_state {
	json_t *objects;
	bool down;
};

static const char plain_container[] =
	"{\"Id\":\"abc0123\",\"Name\":\"/abc\",\"Config\":{\"User\":\"1000\",\"Image\":\"busybox\"},"
	"\"HostConfig\":{\"NetworkMode\":\"default\",\"Privileged\":false,\"Memory\":67108864,"
	"\"PidsLimit\":64,\"Binds\":null,\"VolumesFrom\":null},\"Mounts\":[]}";

static int case_inspect(void *arg, enum az_obj_kind kind, const char *name, size_t len,
			char **json, size_t *jlen, char *why, size_t whysz)
{
	struct case_state *st = arg;
	json_t *set = json_object_get(st->objects, kind == AZ_OBJ_CONTAINER ? "containers" :
						   kind == AZ_OBJ_VOLUME    ? "volumes" :
									      "images");
	json_t *o;
	char key[256];

	if (st->down) {
		snprintf(why, whysz, "Couldn't connect to server");
		return -ECONNREFUSED;
	}
	snprintf(key, sizeof(key), "%.*s", (int)len, name);
	o = json_object_get(set, key);
	if (!o && kind == AZ_OBJ_CONTAINER && strcmp(key, "abc") == 0 &&
	    !json_object_get(set, "abc")) {
		*json = strdup(plain_container);
		*jlen = strlen(plain_container);
		return *json ? 0 : -ENOMEM;
	}
	if (!o)
		return -ENOENT;
	*json = json_dumps(o, JSON_COMPACT);
	*jlen = *json ? strlen(*json) : 0;
	return *json ? 0 : -ENOMEM;
}

/* The case's image_lists as a loaded set; NULL when it names none. */
static struct az_images *case_images(const char *name, json_t *lists, int *fail)
{
	struct az_images *s = NULL;
	json_t *e;
	size_t i;

	if (!json_is_array(lists))
		return NULL;
	if (az_images_new(json_array_size(lists), &s) < 0)
		exit(99);
	json_array_foreach(lists, i, e) {
		struct az_image_src *src = &s->v[i];
		json_t *text = json_object_get(e, "text");
		const char *broken = json_string_value(json_object_get(e, "broken"));
		char err[200];
		unsigned line;

		src->path = strdup(json_string_value(json_object_get(e, "path")));
		if (broken) {
			snprintf(src->why, sizeof(src->why), "%s", broken);
			continue;
		}
		if (dw_imagelist_parse(json_string_value(text), json_string_length(text), &src->list,
				       &line, err, sizeof(err)) < 0) {
			fprintf(stderr, "FAIL %s: image list %zu line %u: %s\n", name, i, line, err);
			*fail = 1;
			continue;
		}
		src->list.path = strdup(src->path);
		src->ok = true;
	}
	return s;
}

static int run_case(json_t *tc, struct dw_policy *defpol, size_t lineno)
{
	struct case_state st = { .objects = json_object_get(tc, "objects"),
				 .down = json_is_true(json_object_get(tc, "dockerd_down")) };
	const struct az_state_ops ops = { .inspect = case_inspect, .arg = &st };
	const char *name = json_string_value(json_object_get(tc, "name"));
	const char *expect = json_string_value(json_object_get(tc, "expect"));
	const char *msg = json_string_value(json_object_get(tc, "msg"));
	json_t *pj = json_object_get(tc, "policy");
	json_t *env = json_object(), *hdrs = json_object_get(tc, "headers");
	struct dw_policy *pol = defpol;
	struct az_envelope e;
	struct az_verdict v;
	struct az_daemon_info daemon = { .known = false };
	const char *masked[16];
	size_t n_masked, k;
	json_t *hm;
	struct az_images *images;
	char *raw = NULL, *envtxt = NULL, why[160];
	size_t rawlen = 0;
	int fail = 0;

	if (!name || !expect) {
		fprintf(stderr, "line %zu: case needs name and expect\n", lineno);
		return 1;
	}
	if (pj) {
		char *ptxt = json_dumps(pj, 0);
		if (dw_policy_load_buffer(name, ptxt, strlen(ptxt), NULL, NULL, &pol) < 0) {
			fprintf(stderr, "FAIL %s: test policy does not load\n", name);
			free(ptxt);
			json_decref(env);
			return 1;
		}
		free(ptxt);
	}
	if (json_object_get(tc, "body")) {
		char *t = json_dumps(json_object_get(tc, "body"), JSON_ENCODE_ANY | JSON_COMPACT);
		raw = subst(t, strlen(t), &rawlen);
		free(t);
	} else if (json_object_get(tc, "body_raw")) {
		json_t *b = json_object_get(tc, "body_raw");
		raw = subst(json_string_value(b), json_string_length(b), &rawlen);
	}
	json_object_set_new(env, "User", json_string(json_string_value(json_object_get(tc, "user"))
							   ? json_string_value(json_object_get(tc, "user")) : ""));
	json_object_set_new(env, "UserAuthNMethod", json_string(""));
	json_object_set_new(env, "RequestMethod",
			    json_string(json_object_get(tc, "method")
					? json_string_value(json_object_get(tc, "method")) : "POST"));
	json_object_set(env, "RequestUri", json_object_get(tc, "uri"));
	if (raw) {
		size_t b64len = sodium_base64_ENCODED_LEN(rawlen, sodium_base64_VARIANT_ORIGINAL);
		char *b64 = malloc(b64len);
		sodium_bin2base64(b64, b64len, (unsigned char *)raw, rawlen,
				  sodium_base64_VARIANT_ORIGINAL);
		json_object_set_new(env, "RequestBody", json_string(b64));
		free(b64);
	} else if (json_object_get(tc, "body_b64")) {
		json_object_set(env, "RequestBody", json_object_get(tc, "body_b64"));
	}
	if (hdrs)
		json_object_set(env, "RequestHeaders", hdrs);
	else
		json_object_set_new(env, "RequestHeaders",
				    json_pack("{s:s}", "Content-Type", "application/json"));
	if (json_is_string(json_object_get(tc, "envelope_raw")))
		envtxt = strdup(json_string_value(json_object_get(tc, "envelope_raw")));
	else
		envtxt = json_dumps(env, JSON_COMPACT);
	if (strcmp(expect, "bad-envelope") == 0) {
		if (az_envelope_parse(envtxt, strlen(envtxt), &e, why, sizeof(why)) == 0) {
			fprintf(stderr, "FAIL %s: envelope accepted\n", name);
			fail = 1;
		}
		az_envelope_free(&e);
		goto out;
	}
	if (az_envelope_parse(envtxt, strlen(envtxt), &e, why, sizeof(why)) < 0) {
		fprintf(stderr, "FAIL %s: envelope: %s\n", name, why);
		fail = 1;
		goto out;
	}
	if (json_is_object(json_object_get(tc, "daemon"))) {
		json_t *d = json_object_get(tc, "daemon");
		daemon.known = true;
		const char *dv = json_string_value(json_object_get(d, "version"));
		const char *da = json_string_value(json_object_get(d, "api"));
		snprintf(daemon.version, sizeof(daemon.version), "%s", dv ? dv : "");
		snprintf(daemon.api_max, sizeof(daemon.api_max), "%s", da ? da : "");
		e.rq.daemon = &daemon;
	}
	e.rq.state = &ops;
	images = case_images(name, json_object_get(tc, "image_lists"), &fail);
	e.rq.images = images;
	e.rq.now = json_is_integer(json_object_get(tc, "now")) ?
			   (int64_t)json_integer_value(json_object_get(tc, "now")) : 1800000000;
	n_masked = 0;
	json_array_foreach(json_object_get(tc, "host_masked"), k, hm)
		if (json_is_string(hm) && n_masked < sizeof(masked) / sizeof(masked[0]))
			masked[n_masked++] = json_string_value(hm);
	e.rq.host_masked = masked;
	e.rq.n_host_masked = n_masked;
	az_evaluate(pol, &e.rq, &v, NULL, 0);
	az_images_unref(images);
	if (strcmp(expect, "deny") == 0) {
		if (!v.deny || (msg && strcmp(msg, v.msg) != 0)) {
			fprintf(stderr, "FAIL %s\n  want deny: %s\n  got %s: %s\n", name, msg ? msg : "*",
				v.deny ? "deny" : "allow", v.deny ? v.msg : (v.n_warn ? v.warn_msg[0] : ""));
			fail = 1;
		}
	} else if (strcmp(expect, "warn") == 0) {
		if (v.deny || v.n_warn == 0 || (msg && strcmp(msg, v.warn_msg[0]) != 0)) {
			fprintf(stderr, "FAIL %s\n  want warn: %s\n  got %s: %s\n", name, msg ? msg : "*",
				v.deny ? "deny" : (v.n_warn ? "warn" : "allow"),
				v.deny ? v.msg : (v.n_warn ? v.warn_msg[0] : ""));
			fail = 1;
		}
	} else {
		if (v.deny || v.n_warn) {
			fprintf(stderr, "FAIL %s\n  want allow\n  got %s: %s\n", name,
				v.deny ? "deny" : "warn", v.deny ? v.msg : v.warn_msg[0]);
			fail = 1;
		}
	}
	az_envelope_free(&e);
out:
	free(envtxt);
	free(raw);
	json_decref(env);
	if (pol != defpol)
		dw_policy_unref(pol);
	return fail;
}

int main(int argc, char **argv)
{
	struct dw_policy *pol;
	FILE *f;
	char *line = NULL;
	size_t cap = 0, lineno = 0, n = 0;
	int fails = 0, a;

	if (argc < 2) {
		fprintf(stderr, "usage: %s CASES.jsonl...\n", argv[0]);
		return 2;
	}
	if (sodium_init() < 0 || dw_policy_load_default(&pol) < 0) {
		fprintf(stderr, "cannot initialise\n");
		return 99;
	}
	setup_tmp();
	for (a = 1; a < argc; a++) {
		f = fopen(argv[a], "r");
		if (!f) {
			perror(argv[a]);
			return 99;
		}
		lineno = 0;
		while (getline(&line, &cap, f) > 0) {
			json_error_t err;
			json_t *tc;
			lineno++;
			if (line[0] == '#' || line[0] == '\n')
				continue;
			tc = json_loads(line, JSON_REJECT_DUPLICATES, &err);
			if (!tc) {
				fprintf(stderr, "%s:%zu: bad case: %s\n", argv[a], lineno, err.text);
				fails++;
				continue;
			}
			fails += run_case(tc, pol, lineno);
			n++;
			json_decref(tc);
		}
		fclose(f);
	}
	free(line);
	cleanup_tmp();
	dw_policy_unref(pol);
	printf("%zu cases, %d failed\n", n, fails);
	return fails ? 1 : 0;
}
