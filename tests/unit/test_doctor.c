/* test_doctor.c - doctor's pure checks from hand-made facts: each check
 * passes on a good setting and flips on the broken one, no daemon needed
 * (tests/doctor/e2e_doctor.sh does the same through real daemons). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "checks.h"
#include "az_uri.h"
#include "doctor.h"
#include "dw_test.h"

static const struct dr_check *find(const char *id)
{
	for (size_t i = 0; i < dr_n_checks; i++)
		if (strcmp(dr_checks[i].id, id) == 0)
			return &dr_checks[i];
	return NULL;
}

/* Run check ID over F; the worst level it reported (-1 when none). */
static int run(const struct dr_facts *f, const char *id, char *ev, size_t evsz)
{
	const struct dr_check *ck = find(id);
	struct dr_report r = { 0 };
	int worst = -1;

	if (ck == NULL) {
		CHECK(!"check id in the table");
		return -1;
	}
	ck->fn(f, ck, &r);
	for (size_t i = 0; i < r.n; i++) {
		int l = r.v[i].level == DR_SKIP ? (int)DR_SKIP : (int)r.v[i].level;

		if (worst < 0 || (l != DR_SKIP && (worst == DR_SKIP || l > worst)))
			worst = l;
	}
	if (ev && r.n > 0)
		dr_strf(ev, evsz, "%s", r.v[0].evidence);
	dr_report_free(&r);
	return worst;
}

static char *argv_store[16];

/* A running dockerd with command line ARGS (NULL-terminated) and daemon.json JSON. */
static void dockerd(struct dr_facts *f, const char *json, const char *const *args)
{
	size_t n = 0;

	f->dockerd_pid = 4242;
	f->docker_socket = "/run/docker.sock";
	snprintf(f->daemon_json_path, sizeof(f->daemon_json_path), "/etc/docker/daemon.json");
	json_decref(f->daemon_json);
	f->daemon_json = json_loads(json, 0, NULL);
	argv_store[n++] = (char *)"/usr/sbin/dockerd";
	while (args && *args && n < 15)
		argv_store[n++] = (char *)*args++;
	argv_store[n] = NULL;
	f->argv = argv_store;
	f->argc = n;
}

static void info(struct dr_facts *f, const char *json)
{
	json_decref(f->info);
	f->info = json_loads(json, 0, NULL);
	CHECK(f->info != NULL);
}

static void daemon_checks(void)
{
	struct dr_facts f;
	char ev[DR_MSG];
	const char *tcp[] = { "-H", "unix:///run/docker.sock", "--host=tcp://127.0.0.1:2375", NULL };
	const char *tls[] = { "-H", "tcp://0.0.0.0:2376", "--tlsverify", NULL };
	const char *icc[] = { "--icc=false", NULL };

	dr_facts_init(&f);
	dockerd(&f, "{\"live-restore\": true, \"userland-proxy\": false, \"no-new-privileges\": true,"
		    "\"builder\": {\"entitlements\": {\"network-host\": false, \"device\": false}}}", NULL);
	info(&f, "{\"LiveRestoreEnabled\": true, \"SecurityOptions\": [\"name=seccomp,profile=default\","
		 "\"name=userns\"], \"Swarm\": {\"LocalNodeState\": \"inactive\"}}");
	CHECK_EQ_INT(run(&f, "cis-2.15", NULL, 0), DR_PASS);
	CHECK_EQ_INT(run(&f, "cis-2.16", NULL, 0), DR_PASS);
	CHECK_EQ_INT(run(&f, "cis-2.14", NULL, 0), DR_PASS);
	CHECK_EQ_INT(run(&f, "cis-2.17", NULL, 0), DR_PASS);
	CHECK_EQ_INT(run(&f, "cis-2.9", NULL, 0), DR_PASS);
	CHECK_EQ_INT(run(&f, "dw-buildkit", NULL, 0), DR_PASS);
	CHECK_EQ_INT(run(&f, "cis-2.7", NULL, 0), DR_PASS);
	CHECK_EQ_INT(run(&f, "cis-2.2", NULL, 0), DR_WARN);   /* icc defaults to true */
	CHECK_EQ_INT(run(&f, "dw-apparmor", NULL, 0), DR_SKIP); /* kernel without AppArmor */
	f.kernel_apparmor = true;
	CHECK_EQ_INT(run(&f, "dw-apparmor", NULL, 0), DR_WARN);

	/* each setting broken */
	dockerd(&f, "{\"live-restore\": false, \"no-new-privileges\": false,"
		    "\"builder\": {\"entitlements\": {\"security-insecure\": true}}}", tcp);
	info(&f, "{\"LiveRestoreEnabled\": false, \"SecurityOptions\": "
		 "[\"name=seccomp,profile=unconfined\", \"name=apparmor\"]}");
	CHECK_EQ_INT(run(&f, "cis-2.15", NULL, 0), DR_WARN);
	CHECK_EQ_INT(run(&f, "cis-2.16", NULL, 0), DR_WARN);  /* default: true */
	CHECK_EQ_INT(run(&f, "cis-2.14", NULL, 0), DR_WARN);
	CHECK_EQ_INT(run(&f, "cis-2.17", NULL, 0), DR_FAIL);
	CHECK_EQ_INT(run(&f, "cis-2.9", NULL, 0), DR_WARN);
	CHECK_EQ_INT(run(&f, "dw-apparmor", NULL, 0), DR_PASS);
	CHECK_EQ_INT(run(&f, "dw-buildkit", ev, sizeof(ev)), DR_FAIL);
	CHECK(strstr(ev, "security-insecure allowed (set)") != NULL);
	CHECK_EQ_INT(run(&f, "cis-2.7", ev, sizeof(ev)), DR_FAIL);
	CHECK(strstr(ev, "without TLS client verification") != NULL);
	dockerd(&f, "{}", tls);
	CHECK_EQ_INT(run(&f, "cis-2.7", NULL, 0), DR_PASS);
	dockerd(&f, "{\"hosts\": [\"unix:///x.sock\", \"0.0.0.0:2375\"]}", NULL);
	CHECK_EQ_INT(run(&f, "cis-2.7", NULL, 0), DR_FAIL);   /* daemon.json hosts, bare host:port */
	dockerd(&f, "{}", icc);
	CHECK_EQ_INT(run(&f, "cis-2.2", NULL, 0), DR_PASS);
	dockerd(&f, "{\"bridge\": \"none\"}", NULL);
	CHECK_EQ_INT(run(&f, "cis-2.2", NULL, 0), DR_SKIP);

	/* the plugin: none, dead, answering */
	CHECK_EQ_INT(run(&f, "cis-2.12", NULL, 0), DR_FAIL);
	f.n_plugins = 1;
	snprintf(f.plugins[0].name, sizeof(f.plugins[0].name), "dockwarden");
	f.plugins[0].err = ECONNREFUSED;
	CHECK_EQ_INT(run(&f, "cis-2.12", NULL, 0), DR_FAIL);
	f.plugins[0].err = 0;
	f.plugins[0].implements_authz = true;
	CHECK_EQ_INT(run(&f, "cis-2.12", NULL, 0), DR_PASS);

	/* version */
	f.version = json_pack("{s:s, s:s}", "Version", "20.10.24", "ApiVersion", "1.41");
	CHECK_EQ_INT(run(&f, "dw-docker-version", NULL, 0), DR_PASS);
	json_decref(f.version);
	f.version = json_pack("{s:s, s:s}", "Version", "99.0", "ApiVersion", "1.56");
	CHECK_EQ_INT(run(&f, "dw-docker-version", NULL, 0), DR_WARN);
	CHECK(az_version_cmp("1.41", "1.55") < 0 && az_version_cmp("1.9", "1.10") < 0 &&
	      az_version_cmp("1.55", "1.55") == 0);

	/* no dockerd: skips, not failures */
	f.argv = NULL;
	f.argc = 0;
	f.dockerd_pid = 0;
	CHECK_EQ_INT(run(&f, "cis-2.7", NULL, 0), DR_SKIP);
	CHECK_EQ_INT(run(&f, "cis-2.12", NULL, 0), DR_SKIP);
	f.plugins[0].err = 0;
	json_decref(f.daemon_json);
	f.daemon_json = NULL;
	json_decref(f.info);
	f.info = NULL;
	dr_facts_free(&f);
}

static void file_checks(void)
{
	struct dr_facts f;

	dr_facts_init(&f);
	f.docker_gid = 999;
	f.files[DR_F_DOCKER_SOCK] = (struct dr_stat){ "/run/docker.sock", 0, 0, 999, S_IFSOCK | 0660 };
	CHECK_EQ_INT(run(&f, "cis-3.15", NULL, 0), DR_PASS);
	f.files[DR_F_DOCKER_SOCK].mode = S_IFSOCK | 0666;
	CHECK_EQ_INT(run(&f, "cis-3.15", NULL, 0), DR_FAIL);
	f.files[DR_F_DOCKER_SOCK].mode = S_IFSOCK | 0660;
	f.files[DR_F_DOCKER_SOCK].gid = 100;                  /* "users" can drive dockerd */
	CHECK_EQ_INT(run(&f, "cis-3.15", NULL, 0), DR_FAIL);
	f.files[DR_F_SIGNING_KEY] = (struct dr_stat){ "/etc/dockwarden/signing.key", 0, 0, 0,
						      S_IFREG | 0600 };
	CHECK_EQ_INT(run(&f, "dw-file-signing-key", NULL, 0), DR_PASS);
	f.files[DR_F_SIGNING_KEY].mode = S_IFREG | 0640;
	CHECK_EQ_INT(run(&f, "dw-file-signing-key", NULL, 0), DR_FAIL);
	f.files[DR_F_DAEMON_JSON] = (struct dr_stat){ "/etc/docker/daemon.json", 0, 1000, 0,
						      S_IFREG | 0644 };
	CHECK_EQ_INT(run(&f, "cis-3.17", NULL, 0), DR_FAIL); /* not root's */
	CHECK_EQ_INT(run(&f, "cis-3.13", NULL, 0), DR_SKIP); /* no TLS key configured */
	dr_facts_free(&f);
}

static void audit_checks(void)
{
	struct dr_facts f;
	struct dr_arule loaded = { .path = "/etc/docker", .dir = true, .perm = 10, .key = "docker" };

	dr_facts_init(&f);
	CHECK_EQ_INT(dr_parse_want_rules(dr_shipped_audit_rules, &f.want, &f.n_want), 0);
	CHECK(f.n_want > 20);
	for (size_t i = 0; i < f.n_want; i++)
		f.want[i].path_err = strcmp(f.want[i].path, "/etc/docker") == 0 ? 0 : ENOENT;
	CHECK_EQ_INT(run(&f, "cis-1.1.6", NULL, 0), DR_WARN);
	CHECK_EQ_INT(run(&f, "cis-1.1.13", NULL, 0), DR_SKIP); /* not on this host */
	f.rules = malloc(sizeof(loaded));
	if (f.rules != NULL) {
		f.rules[0] = loaded;
		f.n_rules = 1;
	}
	CHECK_EQ_INT(run(&f, "cis-1.1.6", NULL, 0), DR_PASS);
	f.rules[0].perm = 2;                                /* w only: a weaker watch */
	CHECK_EQ_INT(run(&f, "cis-1.1.6", NULL, 0), DR_WARN);
	CHECK_EQ_INT(run(&f, "dw-auditd", NULL, 0), DR_WARN);
	f.fwd_active = true;
	CHECK_EQ_INT(run(&f, "dw-auditd", NULL, 0), DR_FAIL);
	f.auditd_pid = 77;
	CHECK_EQ_INT(run(&f, "dw-auditd", NULL, 0), DR_PASS);
	dr_facts_free(&f);
}

static void login_checks(void)
{
	struct dr_facts f;
	struct dw_policy *p = NULL;

	dr_facts_init(&f);
	CHECK_EQ_INT(dw_policy_load_default(&p), 0);
	f.pol = p;
	f.members = calloc(1, sizeof(*f.members));
	if (f.members == NULL)
		return;
	f.n_members = 1;
	snprintf(f.members[0].name, sizeof(f.members[0].name), "alice");
	snprintf(f.members[0].group, sizeof(f.members[0].group), "docker");
	CHECK_EQ_INT(run(&f, "cis-1.1.2", NULL, 0), DR_WARN);
	f.members[0].trusted = true;
	CHECK_EQ_INT(run(&f, "cis-1.1.2", NULL, 0), DR_PASS);
	snprintf(f.members[0].password_auth, sizeof(f.members[0].password_auth), "yes");
	CHECK_EQ_INT(run(&f, "dw-ssh-password", NULL, 0), DR_WARN);
	snprintf(f.members[0].password_auth, sizeof(f.members[0].password_auth), "no");
	CHECK_EQ_INT(run(&f, "dw-ssh-password", NULL, 0), DR_PASS);
	f.pam.found = true;
	snprintf(f.pam.control, sizeof(f.pam.control), "optional");
	CHECK_EQ_INT(run(&f, "dw-pam-sshd", NULL, 0), DR_FAIL);
	snprintf(f.pam.control, sizeof(f.pam.control), "required");
	CHECK_EQ_INT(run(&f, "dw-pam-sshd", NULL, 0), DR_PASS);
	dr_facts_free(&f);
}

static void report_and_exit(void)
{
	static const struct dr_check ck = { "dw-x", "x", 0, NULL, 0, NULL };
	struct dr_report r = { 0 };

	dr_add(&r, &ck, DR_PASS, NULL, "ignored on pass", "fine");
	CHECK(r.v[0].remedy == NULL);
	CHECK_EQ_INT(dr_exit_status(&r, true), 0);
	dr_add(&r, &ck, DR_WARN, "obj", "do this", "meh");
	CHECK_EQ_INT(dr_exit_status(&r, false), 0);
	CHECK_EQ_INT(dr_exit_status(&r, true), 1);
	dr_add(&r, &ck, DR_FAIL, NULL, NULL, "bad");
	CHECK_EQ_INT(dr_exit_status(&r, false), 2);
	dr_report_free(&r);
	/* ids are unique */
	for (size_t i = 0; i < dr_n_checks; i++)
		for (size_t j = i + 1; j < dr_n_checks; j++)
			CHECK(strcmp(dr_checks[i].id, dr_checks[j].id) != 0);
}

int main(void)
{
	daemon_checks();
	file_checks();
	audit_checks();
	login_checks();
	report_and_exit();
	return dw_test_done();
}
