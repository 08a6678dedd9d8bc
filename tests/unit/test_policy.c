/* test_policy.c - unit tests of the policy library: defaults, the shipped
 * file, profiles, reference counting and the reload slot under threads, the
 * ownership rule, missing files.
 * argv[1]: path of packaging/policy.json. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dw_policy.h"
#include "dw_test.h"

struct diags {
	int n;
	int line[16];
	int col[16];
	char msg[16][512];
};

static void collect(void *ctx, const char *file, int line, int col, const char *msg)
{
	struct diags *d = ctx;

	(void)file;
	if (d->n >= 16)
		return;
	d->line[d->n] = line;
	d->col[d->n] = col;
	snprintf(d->msg[d->n], sizeof(d->msg[0]), "%s", msg);
	d->n++;
}

static struct dw_policy *load_str(const char *text, struct diags *d)
{
	struct dw_policy *p = NULL;
	int r = dw_policy_load_buffer("t.json", text, strlen(text), collect, d, &p);

	CHECK((r == 0) == (p != NULL));
	return p;
}

static void test_names(void)
{
	enum dw_rule rule;
	enum dw_mode mode;

	for (int k = 0; k < DW_RULE_COUNT; k++) {
		const char *n = dw_rule_name((enum dw_rule)k);

		CHECK(n != NULL);
		CHECK_EQ_INT(dw_rule_from_name(n, strlen(n), &rule), 0);
		CHECK_EQ_INT(rule, k);
	}
	CHECK(dw_rule_name(DW_RULE_COUNT) == NULL);
	CHECK_EQ_STR(dw_rule_name(DW_RULE_HOST_MOUNTS), "host_mounts");
	CHECK_EQ_INT(dw_rule_from_name("privilegedX", 10, &rule), 0);
	CHECK_EQ_INT(rule, DW_RULE_PRIVILEGED);
	CHECK_EQ_INT(dw_rule_from_name("privilege", 9, &rule), -ENOENT);
	CHECK_EQ_INT(dw_rule_from_name("", 0, &rule), -ENOENT);
	CHECK_EQ_STR(dw_mode_name(DW_MODE_DENY), "deny");
	CHECK_EQ_STR(dw_mode_name(DW_MODE_WARN), "warn");
	CHECK_EQ_STR(dw_mode_name(DW_MODE_OFF), "off");
	CHECK(dw_mode_name((enum dw_mode)3) == NULL);
	CHECK_EQ_INT(dw_mode_from_name("warning", 4, &mode), 0);
	CHECK_EQ_INT(mode, DW_MODE_WARN);
	CHECK_EQ_INT(dw_mode_from_name("DENY", 4, &mode), -ENOENT);
}

static void test_defaults(void)
{
	struct dw_policy *p = NULL;

	CHECK_EQ_INT(dw_policy_load_default(&p), 0);
	if (!p)
		return;
	CHECK_EQ_STR(p->source, "<built-in>");
	CHECK_EQ_INT(p->trusted_users.n, 0);
	CHECK_EQ_INT(p->trusted_groups.n, 0);
	CHECK_EQ_INT(p->trusted_networks.n, 0);
	CHECK_EQ_INT(p->sensitive_paths.n, 19);
	CHECK(dw_strv_contains(&p->sensitive_paths, "/"));
	CHECK(dw_strv_contains(&p->sensitive_paths, "/lib*"));
	CHECK(dw_strv_contains(&p->sensitive_paths, "/run/containerd/containerd.sock"));
	CHECK(!dw_strv_contains(&p->sensitive_paths, "/home"));
	CHECK_EQ_INT(p->docker_binaries.n, 11);
	CHECK(dw_strv_contains(&p->docker_binaries, "/usr/bin/containerd-shim*"));
	CHECK_EQ_INT(p->docker_paths.n, 17);
	CHECK(dw_strv_contains(&p->docker_paths, "/etc/docker/daemon.json"));
	CHECK_EQ_STR(p->authz.name, "default");
	CHECK_EQ_INT(p->authz.rules[DW_RULE_PRIVILEGED], DW_MODE_DENY);
	CHECK_EQ_INT(p->authz.rules[DW_RULE_PLUGINS], DW_MODE_DENY);
	CHECK_EQ_INT(p->authz.rules[DW_RULE_TRUSTED_REGISTRIES], DW_MODE_OFF);
	CHECK_EQ_INT(p->authz.rules[DW_RULE_ROOT_USER], DW_MODE_WARN);
	CHECK_EQ_INT(p->authz.rules[DW_RULE_SECRETS_IN_ENV], DW_MODE_WARN);
	CHECK_EQ_INT(p->authz.rules[DW_RULE_BUILDKIT], DW_MODE_DENY);
	CHECK_EQ_INT(p->authz.allowed_capabilities.n, 1);
	CHECK(dw_strv_contains(&p->authz.allowed_capabilities, "CAP_NET_BIND_SERVICE"));
	CHECK_EQ_INT(p->authz.allowed_sysctls.n, 0);
	CHECK(!p->authz.allow_custom_seccomp);
	CHECK_EQ_INT(p->n_authz_profiles, 0);
	CHECK(dw_strv_contains(&p->pam.guarded_groups, "docker"));
	CHECK(p->pam.require_publickey);
	CHECK(p->pam.allow_local);
	CHECK(!p->pam.resolve_hostnames);
	CHECK_EQ_STR(p->forward.target, "");
	CHECK_EQ_INT(p->forward.dest.kind, DW_TARGET_NONE);
	CHECK_EQ_STR(p->forward.signing_key, "/etc/dockwarden/signing.key");
	CHECK_EQ_STR(p->forward.spool_dir, "/var/spool/dockwarden");
	CHECK_EQ_INT(p->forward.spool_max_mb, 512);
	CHECK_EQ_INT(p->forward.spool_full_action, DW_SPOOL_FULL_DROP_NEW);
	CHECK(dw_strv_contains(&p->forward.audit_keys, "docker"));
	CHECK_EQ_STR(p->forward.tls_ca, "");
	CHECK_EQ_STR(p->forward.host_id, "");
	CHECK(dw_policy_authz_profile(p, "alice") == &p->authz);
	dw_policy_unref(p);
}

/* The built-in default and the shipped file must be the same policy. */
static void test_builtin_equals_shipped(const char *shipped)
{
	struct dw_policy *b = NULL, *f = NULL;
	struct diags d = { 0 };
	char *jb = NULL, *jf = NULL;

	CHECK_EQ_INT(dw_policy_load_default(&b), 0);
	CHECK_EQ_INT(dw_policy_load_file(shipped, 0, collect, &d, &f), 0);
	CHECK_EQ_INT(d.n, 0);
	if (!b || !f)
		goto out;
	CHECK_EQ_STR(f->source, shipped);
	CHECK_EQ_INT(dw_policy_to_json(b, &jb), 0);
	CHECK_EQ_INT(dw_policy_to_json(f, &jf), 0);
	CHECK_EQ_STR(jf, jb);
out:
	free(jb);
	free(jf);
	dw_policy_unref(b);
	dw_policy_unref(f);
}

static const char profiles_json[] =
	"{ \"authz\": {\n"
	"  \"rules\": { \"root_user\": \"deny\", \"trusted_registries\": \"deny\" },\n"
	"  \"allowed_capabilities\": [\"net_bind_service\", \"chown\"],\n"
	"  \"allowed_sysctls\": [\"net.core.*\"],\n"
	"  \"trusted_registries\": [\"registry.example.com\"],\n"
	"  \"profiles\": {\n"
	"    \"ops-admin\": { \"users\": [\"alice\", \"bob\"],\n"
	"                   \"rules\": { \"privileged\": \"off\", \"host_mounts\": \"warn\" },\n"
	"                   \"allowed_capabilities\": [\"sys_admin\"],\n"
	"                   \"allow_custom_seccomp\": true },\n"
	"    \"ci\": { \"users\": [\"jenkins\"], \"trusted_registries\": [] }\n"
	"} } }\n";

static void test_profiles(void)
{
	struct diags d = { 0 };
	struct dw_policy *p = load_str(profiles_json, &d);
	const struct dw_authz_profile *ops, *ci;
	char *j1 = NULL, *j2 = NULL;
	struct dw_policy *again = NULL;

	CHECK_EQ_INT(d.n, 0);
	if (!p)
		return;
	CHECK_EQ_INT(p->n_authz_profiles, 2);
	/* selection: by name, by users list, else the default */
	ops = dw_policy_authz_profile(p, "ops-admin");
	CHECK_EQ_STR(ops->name, "ops-admin");
	CHECK(dw_policy_authz_profile(p, "alice") == ops);
	CHECK(dw_policy_authz_profile(p, "bob") == ops);
	ci = dw_policy_authz_profile(p, "jenkins");
	CHECK_EQ_STR(ci->name, "ci");
	CHECK(dw_policy_authz_profile(p, "ci") == ci);
	CHECK(dw_policy_authz_profile(p, "mallory") == &p->authz);
	CHECK(dw_policy_authz_profile(p, "") == &p->authz);
	CHECK(dw_policy_authz_profile(p, NULL) == &p->authz);
	CHECK(dw_policy_authz_profile(p, "Alice") == &p->authz);

	/* the section: normalised capabilities, its own rules over defaults */
	CHECK_EQ_INT(p->authz.allowed_capabilities.n, 2);
	CHECK_EQ_STR(p->authz.allowed_capabilities.v[0], "CAP_NET_BIND_SERVICE");
	CHECK_EQ_STR(p->authz.allowed_capabilities.v[1], "CAP_CHOWN");
	CHECK_EQ_INT(p->authz.rules[DW_RULE_ROOT_USER], DW_MODE_DENY);
	CHECK_EQ_INT(p->authz.rules[DW_RULE_PRIVILEGED], DW_MODE_DENY);

	/* inheritance: a profile overrides only what it names */
	CHECK_EQ_INT(ops->rules[DW_RULE_PRIVILEGED], DW_MODE_OFF);
	CHECK_EQ_INT(ops->rules[DW_RULE_HOST_MOUNTS], DW_MODE_WARN);
	CHECK_EQ_INT(ops->rules[DW_RULE_ROOT_USER], DW_MODE_DENY);         /* from section */
	CHECK_EQ_INT(ops->rules[DW_RULE_TRUSTED_REGISTRIES], DW_MODE_DENY);
	CHECK_EQ_INT(ops->rules[DW_RULE_DEVICES], DW_MODE_DENY);           /* built-in */
	CHECK_EQ_INT(ops->allowed_capabilities.n, 1);
	CHECK_EQ_STR(ops->allowed_capabilities.v[0], "CAP_SYS_ADMIN");
	CHECK_EQ_INT(ops->allowed_sysctls.n, 1);                           /* inherited */
	CHECK_EQ_STR(ops->allowed_sysctls.v[0], "net.core.*");
	CHECK(dw_strv_contains(&ops->trusted_registries, "registry.example.com"));
	CHECK(ops->allow_custom_seccomp);
	CHECK(!p->authz.allow_custom_seccomp);
	CHECK_EQ_INT(ci->trusted_registries.n, 0);                         /* overridden */
	CHECK_EQ_INT(ci->allowed_capabilities.n, 2);
	CHECK_EQ_INT(ci->rules[DW_RULE_PRIVILEGED], DW_MODE_DENY);
	CHECK(!ci->allow_custom_seccomp);

	/* canonical output loads back to the same policy */
	CHECK_EQ_INT(dw_policy_to_json(p, &j1), 0);
	if (j1) {
		again = load_str(j1, &d);
		CHECK(again != NULL);
		CHECK_EQ_INT(d.n, 0);
	}
	if (again) {
		CHECK_EQ_INT(dw_policy_to_json(again, &j2), 0);
		CHECK_EQ_STR(j2, j1);
		CHECK(dw_policy_authz_profile(again, "bob")->rules[DW_RULE_PRIVILEGED] == DW_MODE_OFF);
	}
	free(j1);
	free(j2);
	dw_policy_unref(again);
	dw_policy_unref(p);
}

static void test_normalised_values(void)
{
	struct diags d = { 0 };
	struct dw_policy *p = load_str(
		"{\"sensitive_paths\": [\"/etc/\", \"//var//lib/./docker/../containerd\", \"/lib*\"],"
		" \"trusted\": {\"networks\": [\"10.1.0.0/16\", \"::1\"]},"
		" \"forward\": {\"spool_dir\": \"/var/spool//dw/\", \"spool_full_action\": \"drop_oldest\"}}",
		&d);

	CHECK_EQ_INT(d.n, 0);
	if (!p)
		return;
	CHECK_EQ_INT(p->sensitive_paths.n, 3);
	CHECK_EQ_STR(p->sensitive_paths.v[0], "/etc");
	CHECK_EQ_STR(p->sensitive_paths.v[1], "/var/lib/containerd");
	CHECK_EQ_STR(p->sensitive_paths.v[2], "/lib*");
	CHECK_EQ_INT(p->trusted_networks.n, 2);
	CHECK_EQ_INT(p->trusted_networks.v[0].prefix, 96 + 16);
	CHECK_EQ_INT(p->trusted_networks.v[1].prefix, 128);
	CHECK_EQ_STR(p->forward.spool_dir, "/var/spool/dw");
	CHECK_EQ_INT(p->forward.spool_full_action, DW_SPOOL_FULL_DROP_OLDEST);
	/* untouched sections keep their defaults */
	CHECK_EQ_INT(p->forward.spool_max_mb, 512);
	CHECK_EQ_INT(p->docker_paths.n, 17);
	dw_policy_unref(p);
}

/* forward.target, parsed once by the loader: what the forwarder connects to. */
static void test_target_parsed(void)
{
	static const struct {
		const char *target;
		enum dw_target_kind kind;
		const char *host, *port;
	} cases[] = {
		{ "", DW_TARGET_NONE, "", "" },
		{ "relp://loghost.example:2514", DW_TARGET_RELP, "loghost.example", "2514" },
		{ "tcp://10.0.0.1:0514", DW_TARGET_TCP, "10.0.0.1", "514" },
		{ "relp://[fd00::1]:20514", DW_TARGET_RELP, "fd00::1", "20514" },
		{ "relp://a-b.c:65535", DW_TARGET_RELP, "a-b.c", "65535" },
	};
	char text[512];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct diags d = { 0 };
		struct dw_policy *p;

		snprintf(text, sizeof(text), "{\"forward\": {\"target\": \"%s\"}}", cases[i].target);
		p = load_str(text, &d);
		CHECK_EQ_INT(d.n, 0);
		if (!p)
			continue;
		CHECK_EQ_STR(p->forward.target, cases[i].target);
		CHECK_EQ_INT(p->forward.dest.kind, cases[i].kind);
		CHECK_EQ_STR(p->forward.dest.host, cases[i].host);
		CHECK_EQ_STR(p->forward.dest.port, cases[i].port);
		dw_policy_unref(p);
	}
}

/* Diagnostics: all reported, in file order, with positions; no policy. */
static void test_diagnostics(void)
{
	struct diags d = { 0 };
	struct dw_policy *p = load_str(
		"{\n"
		"  \"pam\": {\"allow_local\": \"no\"},\n"
		"  \"trusted\": {\"networks\": [\"10.0.0.1/8\"]}\n"
		"}\n", &d);

	CHECK(p == NULL);
	CHECK_EQ_INT(d.n, 2);
	CHECK_EQ_INT(d.line[0], 2);
	CHECK_EQ_INT(d.col[0], 11);
	CHECK_EQ_STR(d.msg[0], "\"pam.allow_local\": expected true or false, got a string");
	CHECK_EQ_INT(d.line[1], 3);
	CHECK_EQ_INT(d.col[1], 28);
	CHECK_EQ_STR(d.msg[1], "\"trusted.networks\"[0]: invalid CIDR \"10.0.0.1/8\": host bits set");
	/* no diag function: still refused */
	CHECK_EQ_INT(dw_policy_load_buffer("x", "{\"x\":1}", 7, NULL, NULL, &p), -EINVAL);
	CHECK(p == NULL);
	/* an embedded NUL is not JSON */
	CHECK_EQ_INT(dw_policy_load_buffer("x", "{}\0{}", 5, NULL, NULL, &p), -EINVAL);
}

/* --- reference counting and the reload slot under concurrency --- */

#define N_READERS 4
#define N_SWAPS 300

struct race {
	struct dw_policy_slot slot;
	volatile int stop;
	unsigned long reads[N_READERS];
	unsigned long bad;
	pthread_mutex_t bad_lock;
};

struct reader_arg {
	struct race *race;
	int id;
};

static struct dw_policy *versioned(unsigned int v)
{
	char text[128];
	struct dw_policy *p = NULL;
	int n = snprintf(text, sizeof(text),
			 "{\"forward\": {\"spool_max_mb\": %u, \"host_id\": \"v%u\"}}", v, v);

	if (dw_policy_load_buffer("race", text, (size_t)n, NULL, NULL, &p) < 0)
		return NULL;
	return p;
}

static void *reader(void *argp)
{
	struct reader_arg *a = argp;
	struct race *rc = a->race;

	while (!__atomic_load_n(&rc->stop, __ATOMIC_ACQUIRE)) {
		struct dw_policy *p = dw_policy_slot_get(&rc->slot);
		char want[32];

		snprintf(want, sizeof(want), "v%u", p ? p->forward.spool_max_mb : 0);
		/* the object must be whole and alive while we hold it */
		if (!p || strcmp(p->forward.host_id, want) != 0 ||
		    __atomic_load_n(&p->refs_, __ATOMIC_RELAXED) < 1) {
			pthread_mutex_lock(&rc->bad_lock);
			rc->bad++;
			pthread_mutex_unlock(&rc->bad_lock);
		}
		__atomic_add_fetch(&rc->reads[a->id], 1, __ATOMIC_RELAXED);
		dw_policy_unref(p);
	}
	return NULL;
}

static bool all_reading(struct race *rc, int n)
{
	for (int k = 0; k < n; k++)
		if (__atomic_load_n(&rc->reads[k], __ATOMIC_RELAXED) == 0)
			return false;
	return true;
}

static void test_slot_threads(void)
{
	struct race rc = { .stop = 0 };
	struct reader_arg args[N_READERS];
	pthread_t th[N_READERS];
	struct dw_policy *held, *p;
	int started = 0;

	pthread_mutex_init(&rc.bad_lock, NULL);
	CHECK_EQ_INT(dw_policy_slot_init(&rc.slot, versioned(1)), 0);
	for (int k = 0; k < N_READERS; k++) {
		args[k] = (struct reader_arg){ .race = &rc, .id = k };
		if (pthread_create(&th[k], NULL, reader, &args[k]) == 0)
			started++;
	}
	CHECK_EQ_INT(started, N_READERS);
	/* swap only once every reader is running, so swaps really race reads */
	for (int spins = 0; spins < 5000 && !all_reading(&rc, started); spins++)
		usleep(1000);
	CHECK(all_reading(&rc, started));
	for (unsigned int v = 2; v < 2 + N_SWAPS; v++) {
		struct dw_policy *next = versioned(v);

		CHECK(next != NULL);
		if (next)
			dw_policy_slot_swap(&rc.slot, next);
		if (v % 50 == 0)
			usleep(1000);
	}
	__atomic_store_n(&rc.stop, 1, __ATOMIC_RELEASE);
	for (int k = 0; k < started; k++)
		pthread_join(th[k], NULL);
	CHECK_EQ_INT(rc.bad, 0);
	for (int k = 0; k < started; k++)
		CHECK(rc.reads[k] > 0);

	/* the last version is current, held once by the slot */
	p = dw_policy_slot_get(&rc.slot);
	CHECK(p != NULL);
	if (p) {
		CHECK_EQ_INT(p->forward.spool_max_mb, 1 + N_SWAPS);
		CHECK_EQ_INT(p->refs_, 2);
	}
	/* a request holding the old policy keeps it whole across a swap */
	held = p;
	dw_policy_slot_swap(&rc.slot, versioned(7));
	if (held) {
		CHECK_EQ_INT(held->refs_, 1);
		CHECK_EQ_STR(held->forward.host_id, "v301");
		dw_policy_unref(held);
	}
	p = dw_policy_slot_get(&rc.slot);
	CHECK(p && p->forward.spool_max_mb == 7);
	CHECK(dw_policy_ref(p) == p);
	CHECK(p && p->refs_ == 3);
	dw_policy_unref(p);
	dw_policy_unref(p);
	CHECK(dw_policy_ref(NULL) == NULL);
	dw_policy_unref(NULL);
	dw_policy_slot_destroy(&rc.slot);
	pthread_mutex_destroy(&rc.bad_lock);
}

/* --- files: ownership rule, missing file --- */

static void write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	CHECK(fd >= 0);
	if (fd < 0)
		return;
	CHECK_EQ_INT(write(fd, text, strlen(text)), (long long)strlen(text));
	close(fd);
}

static void test_owner_check(const char *dir)
{
	char path[512];
	struct diags d = { 0 };
	struct dw_policy *p = NULL;
	const char *prefix = "refusing insecure policy file: ";

	snprintf(path, sizeof(path), "%s/policy.json", dir);
	write_file(path, "{\"pam\": {\"allow_local\": false}}\n");
	CHECK_EQ_INT(chmod(path, 0644), 0);

	/* root-owned, 0644: accepted with the check on */
	CHECK_EQ_INT(dw_policy_load_file(path, DW_POLICY_CHECK_OWNER, collect, &d, &p), 0);
	CHECK(p && !p->pam.allow_local);
	dw_policy_unref(p);
	p = NULL;

	/* owned by nobody */
	CHECK_EQ_INT(chown(path, 65534, 65534), 0);
	CHECK_EQ_INT(dw_policy_load_file(path, DW_POLICY_CHECK_OWNER, collect, &d, &p), -EPERM);
	CHECK(p == NULL);
	CHECK_EQ_INT(d.n, 1);
	CHECK_EQ_INT(d.line[0], 0);
	CHECK(strncmp(d.msg[0], prefix, strlen(prefix)) == 0);
	CHECK(strstr(d.msg[0], "65534") != NULL);
	/* without the check the same file loads */
	CHECK_EQ_INT(dw_policy_load_file(path, 0, collect, &d, &p), 0);
	dw_policy_unref(p);
	p = NULL;

	/* root-owned but group-writable */
	d.n = 0;
	CHECK_EQ_INT(chown(path, 0, 0), 0);
	CHECK_EQ_INT(chmod(path, 0664), 0);
	CHECK_EQ_INT(dw_policy_load_file(path, DW_POLICY_CHECK_OWNER, collect, &d, &p), -EPERM);
	CHECK(p == NULL);
	CHECK_EQ_INT(d.n, 1);
	CHECK(strncmp(d.msg[0], prefix, strlen(prefix)) == 0);
	CHECK(strlen(d.msg[0]) > strlen(prefix) + 5);
	/* world-writable */
	d.n = 0;
	CHECK_EQ_INT(chmod(path, 0646), 0);
	CHECK_EQ_INT(dw_policy_load_file(path, DW_POLICY_CHECK_OWNER, collect, &d, &p), -EPERM);
	CHECK_EQ_INT(d.n, 1);
	unlink(path);
}

static void test_missing_file(const char *dir)
{
	char path[512];
	struct diags d = { 0 };
	struct dw_policy *p = NULL, *b = NULL;
	char *jp = NULL, *jb = NULL;

	snprintf(path, sizeof(path), "%s/absent.json", dir);
	CHECK_EQ_INT(dw_policy_load_file(path, DW_POLICY_CHECK_OWNER, collect, &d, &p), -ENOENT);
	CHECK(p == NULL);
	CHECK_EQ_INT(d.n, 1);
	CHECK_EQ_INT(d.line[0], 0);
	CHECK(strstr(d.msg[0], "No such file") != NULL);

	d.n = 0;
	CHECK_EQ_INT(dw_policy_load_file(path, DW_POLICY_CHECK_OWNER | DW_POLICY_MISSING_OK,
					 collect, &d, &p), 0);
	CHECK_EQ_INT(d.n, 0);
	CHECK(p != NULL);
	CHECK_EQ_INT(dw_policy_load_default(&b), 0);
	if (p && b) {
		CHECK_EQ_STR(p->source, "<built-in>");
		CHECK_EQ_INT(dw_policy_to_json(p, &jp), 0);
		CHECK_EQ_INT(dw_policy_to_json(b, &jb), 0);
		CHECK_EQ_STR(jp, jb);
	}
	free(jp);
	free(jb);
	dw_policy_unref(p);
	dw_policy_unref(b);

	/* MISSING_OK covers absence only: a bad file is still an error */
	snprintf(path, sizeof(path), "%s/bad.json", dir);
	write_file(path, "{\"pam\": 1}");
	d.n = 0;
	p = NULL;
	CHECK_EQ_INT(dw_policy_load_file(path, DW_POLICY_MISSING_OK, collect, &d, &p), -EINVAL);
	CHECK(p == NULL);
	CHECK_EQ_INT(d.n, 1);
	unlink(path);
}

int main(int argc, char **argv)
{
	char dir[] = "/tmp/dw-test-policy-XXXXXX";

	if (argc < 2) {
		fprintf(stderr, "usage: test_policy PACKAGING_POLICY_JSON\n");
		return 2;
	}
	test_names();
	test_defaults();
	test_builtin_equals_shipped(argv[1]);
	test_profiles();
	test_normalised_values();
	test_target_parsed();
	test_diagnostics();
	test_slot_threads();
	if (!mkdtemp(dir)) {
		CHECK(!"mkdtemp");
	} else {
		test_owner_check(dir);
		test_missing_file(dir);
		rmdir(dir);
	}
	return dw_test_done();
}
