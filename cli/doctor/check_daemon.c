/* check_daemon.c - dockerd's effective configuration (CIS 2.x and dw-*). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "az_uri.h"
#include "doctor.h"
#include "checks.h"

/* dockerd answered its API; otherwise one skip that points at dw-docker-api. */
static bool have_api(const struct dr_facts *f, const struct dr_check *ck, struct dr_report *r)
{
	if (f->info != NULL)
		return true;
	dr_add(r, ck, DR_SKIP, NULL, NULL, "dockerd's API did not answer (see dw-docker-api)");
	return false;
}

/* /info Swarm.LocalNodeState ("inactive", "active", ...), or NULL. */
static const char *swarm_state(const struct dr_facts *f)
{
	return json_string_value(json_object_get(json_object_get(f->info, "Swarm"),
						 "LocalNodeState"));
}

/* dockerd's command line is known (the daemon runs and /proc showed it). */
static bool have_cmdline(const struct dr_facts *f, const struct dr_check *ck, struct dr_report *r)
{
	if (f->argc > 0)
		return true;
	if (f->dockerd_pid <= 0)
		dr_add(r, ck, DR_SKIP, NULL, NULL, "no dockerd answers on %s", f->docker_socket);
	else
		dr_add(r, ck, DR_FAIL, NULL, "run doctor as root",
		       "cannot read /proc/%d/cmdline: %s", (int)f->dockerd_pid,
		       strerror(f->cmdline_err));
	return false;
}

void dr_check_api(const struct dr_facts *f, const struct dr_check *ck, struct dr_report *r)
{
	const char *v = json_string_value(json_object_get(f->version, "Version"));

	if (f->dockerd_pid <= 0 && (f->docker_err == ENOENT || f->docker_err == ECONNREFUSED)) {
		dr_add(r, ck, DR_SKIP, NULL, NULL, "%s", f->docker_msg);
		return;
	}
	if (f->info == NULL) {
		dr_add(r, ck, DR_FAIL, NULL,
		       "make dockerd answer (a configured authorization plugin must be running: "
		       "systemctl start dockwarden-authz.socket)",
		       "%s", f->docker_msg);
		return;
	}
	dr_add(r, ck, DR_PASS, NULL, NULL, "dockerd %s (pid %d) answers on %s", v ? v : "?",
	       (int)f->dockerd_pid, f->docker_socket);
}

void dr_check_daemon_json(const struct dr_facts *f, const struct dr_check *ck,
			  struct dr_report *r)
{
	if (f->daemon_json_err == 0)
		dr_add(r, ck, DR_PASS, f->daemon_json_path, NULL, "valid JSON object");
	else if (f->daemon_json_err == ENOENT)
		dr_add(r, ck, DR_PASS, f->daemon_json_path, NULL, "absent: dockerd's defaults apply");
	else if (f->daemon_json_err == EINVAL)
		dr_add(r, ck, DR_FAIL, f->daemon_json_path,
		       "fix the file: dockerd refuses to start with it, and the checks below "
		       "that read it could not",
		       "%s", f->daemon_json_msg);
	else
		dr_add(r, ck, DR_FAIL, f->daemon_json_path, "make it readable to root",
		       "cannot read: %s", strerror(f->daemon_json_err));
}

void dr_check_authz(const struct dr_facts *f, const struct dr_check *ck, struct dr_report *r)
{
	if (f->dockerd_pid <= 0) {
		dr_add(r, ck, DR_SKIP, NULL, NULL, "no dockerd answers on %s", f->docker_socket);
		return;
	}
	if (f->n_plugins == 0) {
		dr_add(r, ck, DR_FAIL, NULL,
		       "add \"authorization-plugins\": [\"dockwarden\"] to daemon.json and restart dockerd",
		       "dockerd uses no authorization plugin (no --authorization-plugin, no "
		       "authorization-plugins in %s%s): every Docker user is root on the host",
		       f->daemon_json_path, f->info ? ", none in /info" : "");
		return;
	}
	for (size_t i = 0; i < f->n_plugins; i++) {
		const struct dr_plugin *p = &f->plugins[i];

		if (p->err == 0)
			dr_add(r, ck, DR_PASS, p->name, NULL, "%s", p->msg);
		else if (p->err == EOPNOTSUPP)
			dr_add(r, ck, DR_WARN, p->name, "check it with docker plugin inspect", "%s",
			       p->msg);
		else if (strncmp(p->where, "docker plugin ", 14) == 0)
			dr_add(r, ck, DR_FAIL, p->name,
			       "docker plugin enable it (docker plugin inspect shows its state); dockerd "
			       "refuses every API call until it answers",
			       "configured but not answering: %s", p->msg);
		else
			dr_add(r, ck, DR_FAIL, p->name,
			       "start the plugin (systemctl start dockwarden-authz.socket); dockerd "
			       "refuses every API call until it answers",
			       "configured but not answering: %s", p->msg);
	}
}

/* A -H value that listens on TCP: tcp://, or a bare host:port / :port. */
static bool is_tcp(const char *h)
{
	if (strncmp(h, "tcp://", 6) == 0)
		return true;
	if (strstr(h, "://") != NULL)
		return false; /* unix://, fd://, npipe:// */
	return strchr(h, ':') != NULL;
}

void dr_check_tcp_tls(const struct dr_facts *f, const struct dr_check *ck, struct dr_report *r)
{
	size_t n = 0, i, tcp = 0;
	const char **hosts;
	const char *from;
	bool verify;
	char list[DR_MSG] = "";
	size_t o = 0;

	if (!have_cmdline(f, ck, r))
		return;
	hosts = dr_setting_list(f, "host", 'H', "hosts", &n);
	if (hosts == NULL) {
		dr_add(r, ck, DR_FAIL, NULL, NULL, "out of memory");
		return;
	}
	verify = dr_setting_bool(f, "tlsverify", false, &from);
	for (i = 0; i < n; i++) {
		if (o < sizeof(list))
			o += (size_t)snprintf(list + o, sizeof(list) - o, "%s%s", i ? " " : "", hosts[i]);
		if (!is_tcp(hosts[i]))
			continue;
		tcp++;
		if (!verify)
			dr_add(r, ck, DR_FAIL, hosts[i],
			       "listen on unix sockets only, or add --tlsverify with --tlscacert, "
			       "--tlscert and --tlskey (client certificates)",
			       "dockerd listens on TCP without TLS client verification (tlsverify: %s): "
			       "anyone who reaches the port is root on this host",
			       from);
	}
	if (tcp == 0)
		dr_add(r, ck, DR_PASS, NULL, NULL, "no TCP listener (hosts: %s)",
		       n ? list : "the default unix socket");
	else if (verify)
		dr_add(r, ck, DR_PASS, NULL, NULL, "TCP with TLS client verification (hosts: %s)", list);
	free(hosts);
}

void dr_check_userns(const struct dr_facts *f, const struct dr_check *ck, struct dr_report *r)
{
	if (!have_api(f, ck, r))
		return;
	if (dr_secopt(f, "userns", NULL))
		dr_add(r, ck, DR_PASS, NULL, NULL, "/info SecurityOptions has name=userns");
	else
		dr_add(r, ck, DR_WARN, NULL,
		       "set \"userns-remap\": \"default\" in daemon.json (root in a container is then "
		       "an unprivileged uid on the host)",
		       "/info SecurityOptions has no name=userns: container root is host root");
}

void dr_check_icc(const struct dr_facts *f, const struct dr_check *ck, struct dr_report *r)
{
	json_t *br;
	const char *from;
	bool icc;

	if (!have_cmdline(f, ck, r))
		return;
	br = dr_setting(f, "bridge", NULL);
	if (br == NULL && f->argc > 0) {
		/* -b is --bridge's short form */
		for (size_t i = 1; i < f->argc; i++)
			if (strcmp(f->argv[i], "-b") == 0 && i + 1 < f->argc)
				br = json_string(f->argv[i + 1]);
			else if (strncmp(f->argv[i], "-b=", 3) == 0)
				br = json_string(f->argv[i] + 3);
	}
	if (json_string_value(br) && strcmp(json_string_value(br), "none") == 0) {
		dr_add(r, ck, DR_SKIP, NULL, NULL, "no default bridge (bridge: none)");
		json_decref(br);
		return;
	}
	json_decref(br);
	icc = dr_setting_bool(f, "icc", true, &from);
	if (icc)
		dr_add(r, ck, DR_WARN, NULL,
		       "set \"icc\": false in daemon.json; connect containers that talk through "
		       "user-defined networks",
		       "icc is true (%s): every container on the default bridge reaches every other", from);
	else
		dr_add(r, ck, DR_PASS, NULL, NULL, "icc is false (%s)", from);
}

void dr_check_live_restore(const struct dr_facts *f, const struct dr_check *ck,
			   struct dr_report *r)
{
	const char *swarm;

	if (!have_api(f, ck, r))
		return;
	swarm = swarm_state(f);
	if (swarm && strcmp(swarm, "active") == 0) {
		dr_add(r, ck, DR_SKIP, NULL, NULL, "swarm mode is active (live-restore does not apply)");
		return;
	}
	if (json_is_true(json_object_get(f->info, "LiveRestoreEnabled")))
		dr_add(r, ck, DR_PASS, NULL, NULL, "/info LiveRestoreEnabled is true");
	else
		dr_add(r, ck, DR_WARN, NULL, "set \"live-restore\": true in daemon.json",
		       "/info LiveRestoreEnabled is false: restarting dockerd (for an update or to "
		       "reload a setting) stops every container");
}

/* A swarm node runs the tasks its managers send: dockerd makes them itself,
 * and no authorization plugin is asked (the authz rule swarm). */
void dr_check_swarm(const struct dr_facts *f, const struct dr_check *ck, struct dr_report *r)
{
	const char *state;
	bool denied;

	if (!have_api(f, ck, r))
		return;
	state = swarm_state(f);
	if (state == NULL) {
		dr_add(r, ck, DR_FAIL, NULL, NULL, "/info has no Swarm.LocalNodeState");
		return;
	}
	if (strcmp(state, "inactive") == 0) {
		dr_add(r, ck, DR_PASS, NULL, NULL, "/info Swarm.LocalNodeState is inactive");
		return;
	}
	denied = f->pol->authz.rules[DW_RULE_SWARM] == DW_MODE_DENY;
	dr_add(r, ck, denied ? DR_FAIL : DR_WARN, NULL,
	       denied ? "docker swarm leave, or set authz.rules.swarm to off where swarm is meant to run"
		      : "leave the swarm unless this host is meant to run its tasks",
	       "/info Swarm.LocalNodeState is %s: tasks a manager sends run without passing any "
	       "authorization plugin%s", state,
	       denied ? " (the default profile denies swarm)" : "");
}

static void bool_setting(const struct dr_facts *f, const struct dr_check *ck, struct dr_report *r,
			 const char *name, bool def, bool want, const char *why, const char *remedy)
{
	const char *from;
	bool v;

	if (!have_cmdline(f, ck, r))
		return;
	v = dr_setting_bool(f, name, def, &from);
	if (v == want)
		dr_add(r, ck, DR_PASS, NULL, NULL, "%s is %s (%s)", name, v ? "true" : "false", from);
	else
		dr_add(r, ck, DR_WARN, NULL, remedy, "%s is %s (%s): %s", name, v ? "true" : "false",
		       from, why);
}

void dr_check_userland_proxy(const struct dr_facts *f, const struct dr_check *ck,
			     struct dr_report *r)
{
	bool_setting(f, ck, r, "userland-proxy", true, false,
		     "a root docker-proxy process per published port, where iptables NAT would do",
		     "set \"userland-proxy\": false in daemon.json");
}

void dr_check_nnp(const struct dr_facts *f, const struct dr_check *ck, struct dr_report *r)
{
	bool_setting(f, ck, r, "no-new-privileges", false, true,
		     "setuid binaries in containers can raise privileges",
		     "set \"no-new-privileges\": true in daemon.json");
}

void dr_check_seccomp(const struct dr_facts *f, const struct dr_check *ck, struct dr_report *r)
{
	const char *o = NULL;

	if (!have_api(f, ck, r))
		return;
	if (!dr_secopt(f, "seccomp", &o))
		dr_add(r, ck, DR_WARN, NULL,
		       "use a kernel and dockerd built with seccomp",
		       "/info SecurityOptions has no seccomp: containers may call any system call");
	else if (strstr(o, "profile=unconfined") != NULL)
		dr_add(r, ck, DR_FAIL, NULL, "remove \"seccomp-profile\": \"unconfined\" from daemon.json",
		       "%s: containers run without a system call filter", o);
	else
		dr_add(r, ck, DR_PASS, NULL, NULL, "%s", o);
}

void dr_check_apparmor(const struct dr_facts *f, const struct dr_check *ck, struct dr_report *r)
{
	if (!f->kernel_apparmor) {
		dr_add(r, ck, DR_SKIP, NULL, NULL, "the kernel has no AppArmor enabled");
		return;
	}
	if (!have_api(f, ck, r))
		return;
	if (dr_secopt(f, "apparmor", NULL))
		dr_add(r, ck, DR_PASS, NULL, NULL, "/info SecurityOptions has name=apparmor");
	else
		dr_add(r, ck, DR_WARN, NULL, "install apparmor and restart dockerd",
		       "the kernel has AppArmor but dockerd does not use it (no docker-default profile)");
}

void dr_check_selinux(const struct dr_facts *f, const struct dr_check *ck, struct dr_report *r)
{
	if (!f->kernel_selinux) {
		dr_add(r, ck, DR_SKIP, NULL, NULL, "the kernel has no SELinux enabled");
		return;
	}
	if (!have_api(f, ck, r))
		return;
	if (dr_secopt(f, "selinux", NULL))
		dr_add(r, ck, DR_PASS, NULL, NULL, "/info SecurityOptions has name=selinux");
	else
		dr_add(r, ck, DR_WARN, NULL, "set \"selinux-enabled\": true in daemon.json",
		       "SELinux is enabled but dockerd does not label containers");
}

/* builder.entitlements: BuildKit's only guard on what a build may do (the
 * authz plugin sees no builds run through BuildKit's session API). */
void dr_check_buildkit(const struct dr_facts *f, const struct dr_check *ck, struct dr_report *r)
{
	static const struct {
		const char *name;
		bool def;       /* allowed when not set */
		enum dr_level level;
		const char *what;
	} ents[] = {
		{ "network-host", true, DR_WARN, "builds may use the host's network namespace" },
		{ "security-insecure", false, DR_FAIL, "builds may run privileged (RUN --security=insecure)" },
		{ "device", true, DR_WARN, "builds may use host devices" },
	};
	json_t *e;
	enum dr_level worst = DR_PASS;
	char ev[DR_MSG], rem[DR_MSG];
	size_t o = 0, ro = 0;

	if (f->dockerd_pid <= 0) {
		dr_add(r, ck, DR_SKIP, NULL, NULL, "no dockerd answers on %s", f->docker_socket);
		return;
	}
	if (f->daemon_json_err != 0 && f->daemon_json_err != ENOENT) {
		dr_add(r, ck, DR_SKIP, NULL, NULL, "daemon.json could not be read (see dw-daemon-json)");
		return;
	}
	e = json_object_get(json_object_get(f->daemon_json, "builder"), "entitlements");
	ev[0] = rem[0] = '\0';
	for (size_t i = 0; i < sizeof(ents) / sizeof(ents[0]); i++) {
		json_t *v = json_object_get(e, ents[i].name);
		bool allowed = json_is_boolean(v) ? json_is_true(v) : ents[i].def;

		if (o < sizeof(ev))
			o += (size_t)snprintf(ev + o, sizeof(ev) - o, "%s%s %s (%s)%s%s",
					      i ? "; " : "", ents[i].name,
					      allowed ? "allowed" : "denied",
					      json_is_boolean(v) ? "set" : "default",
					      allowed ? ": " : "", allowed ? ents[i].what : "");
		if (!allowed)
			continue;
		if (ents[i].level > worst)
			worst = ents[i].level;
		if (ro < sizeof(rem))
			ro += (size_t)snprintf(rem + ro, sizeof(rem) - ro, "%s\"%s\": false",
					       ro ? ", " : "set builder.entitlements ", ents[i].name);
	}
	if (ro < sizeof(rem))
		dr_strf(rem + ro, sizeof(rem) - ro, " in daemon.json");
	dr_add(r, ck, worst, NULL, rem, "%s", ev);
}

void dr_check_version(const struct dr_facts *f, const struct dr_check *ck, struct dr_report *r)
{
	const char *v, *api, *min;

	if (f->version == NULL) {
		dr_add(r, ck, DR_SKIP, NULL, NULL, "dockerd's API did not answer (see dw-docker-api)");
		return;
	}
	v = json_string_value(json_object_get(f->version, "Version"));
	api = json_string_value(json_object_get(f->version, "ApiVersion"));
	min = json_string_value(json_object_get(f->version, "MinAPIVersion"));
	if (api == NULL) {
		dr_add(r, ck, DR_FAIL, NULL, NULL, "/version has no ApiVersion");
		return;
	}
	if (az_version_cmp(api, DR_API_KNOWN_MAX) > 0)
		dr_add(r, ck, DR_WARN, NULL,
		       "upgrade dockwarden to a release that knows this API version",
		       "Docker %s serves API %s; dockwarden knows up to %s: the plugin denies "
		       "requests of newer versions as unsupported", v ? v : "?", api, DR_API_KNOWN_MAX);
	else
		dr_add(r, ck, DR_PASS, NULL, NULL, "Docker %s, API %s (min %s); dockwarden knows up to %s",
		       v ? v : "?", api, min ? min : "?", DR_API_KNOWN_MAX);
}
