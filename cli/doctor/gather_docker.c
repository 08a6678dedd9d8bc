/* gather_docker.c - what dockerd says and how it was started.
 *
 * The dockerd that answers on the socket is found by SO_PEERCRED on a
 * connection to it, so its /proc/PID/cmdline and the daemon.json it was
 * given (--config-file) are the ones in force, not a guess from a process
 * list.  Authorization plugins are probed before the API is used: dockerd
 * retries an unreachable plugin for 30 s on every call, and refuses the call
 * in the end. */
#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "doctor.h"
#include "http.h"

#define DR_API_TIMEOUT_MS 10000
#define DR_PLUGIN_TIMEOUT_MS 3000

static pid_t peer_pid(const char *path, int *err)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct ucred cr;
	socklen_t len = sizeof(cr);
	pid_t pid = 0;
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		*err = ENAMETOOLONG;
		return 0;
	}
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		*err = errno;
		return 0;
	}
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &len) < 0)
		*err = errno;
	else
		pid = cr.pid;
	close(fd);
	return pid;
}

/* Read a small file whole; -errno. */
static int slurp(const char *path, char **buf, size_t *len)
{
	FILE *fp = fopen(path, "re");
	size_t cap = 4096, n = 0;
	char *b = NULL, *t;
	int rc = 0;

	if (fp == NULL)
		return -errno;
	for (;;) {
		t = realloc(b, cap + 1);
		if (t == NULL) {
			rc = -ENOMEM;
			goto out;
		}
		b = t;
		n += fread(b + n, 1, cap - n, fp);
		if (n < cap)
			break;
		cap *= 2;
		if (cap > (16u << 20)) {
			rc = -EFBIG;
			goto out;
		}
	}
	if (ferror(fp)) {
		rc = -EIO;
		goto out;
	}
	b[n] = '\0';
	*buf = b;
	*len = n;
	b = NULL;
out:
	free(b);
	fclose(fp);
	return rc;
}

static bool comm_is(pid_t pid, const char *name)
{
	char path[64], *b = NULL;
	size_t l;
	bool is;

	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	if (slurp(path, &b, &l) < 0)
		return false;
	b[strcspn(b, "\n")] = '\0';
	is = strcmp(b, name) == 0;
	free(b);
	return is;
}

/* With systemd socket activation (docker.socket, dockerd -H fd://) the
 * socket's peer is systemd, which created it: then the dockerd is the one
 * process named dockerd (several: refuse to guess). */
static pid_t activated_dockerd(pid_t peer)
{
	struct dirent *e;
	pid_t found = 0;
	int n = 0;
	DIR *d;

	if (peer <= 0 || comm_is(peer, "dockerd"))
		return peer;
	d = opendir("/proc");
	if (d == NULL)
		return peer;
	while ((e = readdir(d)) != NULL) {
		char *end;
		long v = strtol(e->d_name, &end, 10);
		pid_t p = *end == '\0' && v > 0 && v < (1L << 22) ? (pid_t)v : 0;

		if (p > 0 && comm_is(p, "dockerd")) {
			found = p;
			n++;
		}
	}
	closedir(d);
	return n == 1 ? found : peer;
}

static void read_cmdline(struct dr_facts *f)
{
	char path[64], *buf = NULL;
	size_t len = 0, n = 0, i;
	int rc;

	dr_strf(path, sizeof(path), "/proc/%d/cmdline", (int)f->dockerd_pid);
	rc = slurp(path, &buf, &len);
	if (rc < 0) {
		f->cmdline_err = -rc;
		return;
	}
	for (i = 0; i < len; i++)
		n += buf[i] == '\0';
	f->argv = calloc(n + 1, sizeof(char *));
	if (f->argv == NULL) {
		f->cmdline_err = ENOMEM;
		free(buf);
		return;
	}
	/* argv[0] owns the buffer; the others point into it */
	for (i = 0; i < len && f->argc < n; i += strlen(buf + i) + 1)
		f->argv[f->argc++] = buf + i;
	if (f->argc == 0)
		free(buf);
}

static void read_daemon_json(struct dr_facts *f)
{
	const char *p = "/etc/docker/daemon.json";
	json_error_t je;
	json_t *v;

	if (f->dockerd_pid > 0) {
		json_t *cf = dr_setting(f, "config-file", NULL);

		if (json_string_value(cf) != NULL && json_string_value(cf)[0] != '\0')
			dr_strf(f->daemon_json_path, sizeof(f->daemon_json_path), "%s",
				 json_string_value(cf));
		json_decref(cf);
	}
	if (f->daemon_json_path[0] == '\0')
		dr_strf(f->daemon_json_path, sizeof(f->daemon_json_path), "%s", p);
	v = json_load_file(f->daemon_json_path, JSON_REJECT_DUPLICATES, &je);
	if (v == NULL) {
		struct stat st;

		f->daemon_json_err = stat(f->daemon_json_path, &st) < 0 ? errno : EINVAL;
		if (f->daemon_json_err == EINVAL)
			dr_strf(f->daemon_json_msg, sizeof(f->daemon_json_msg), "%s:%d:%d: %s",
				 f->daemon_json_path, je.line, je.column, je.text);
		return;
	}
	if (!json_is_object(v)) {
		f->daemon_json_err = EINVAL;
		dr_strf(f->daemon_json_msg, sizeof(f->daemon_json_msg), "%s: not a JSON object",
			 f->daemon_json_path);
		json_decref(v);
		return;
	}
	f->daemon_json = v;
}

/* Where dockerd finds plugin NAME (pkg/plugins discovery order). */
static void locate_plugin(struct dr_plugin *p)
{
	static const char *const dirs[] = { "/run/docker/plugins", "/etc/docker/plugins",
					    "/usr/lib/docker/plugins" };
	static const char *const exts[] = { ".spec", ".json" };
	char path[DR_PATH], *buf = NULL;
	size_t len, d, e;
	struct stat st;

	dr_strf(path, sizeof(path), "/run/docker/plugins/%s.sock", p->name);
	if (stat(path, &st) == 0 && S_ISSOCK(st.st_mode)) {
		dr_strf(p->where, sizeof(p->where), "%s", path);
		dr_strf(p->addr, sizeof(p->addr), "unix://%s", path);
		return;
	}
	for (d = 0; d < 3; d++) {
		for (e = 0; e < 2; e++) {
			dr_strf(path, sizeof(path), "%s/%s%s", dirs[d], p->name, exts[e]);
			if (slurp(path, &buf, &len) < 0)
				continue;
			dr_strf(p->where, sizeof(p->where), "%s", path);
			if (e == 1) {
				json_t *j = json_loads(buf, 0, NULL);
				const char *a = json_string_value(json_object_get(j, "Addr"));

				dr_strf(p->addr, sizeof(p->addr), "%s", a ? a : "");
				json_decref(j);
			} else {
				buf[strcspn(buf, "\r\n")] = '\0';
				dr_strf(p->addr, sizeof(p->addr), "%s", buf);
			}
			free(buf);
			return;
		}
	}
}

/* POST /Plugin.Activate at P->addr: does it answer, as an authz plugin? */
static void activate_plugin(struct dr_plugin *p)
{
	struct dw_http h;
	const char *url = "/Plugin.Activate";
	char tcpurl[DR_PATH];
	json_t *j = NULL, *impl, *e;
	size_t i;
	int rc;

	p->err = 0;
	if (strncmp(p->addr, "unix://", 7) == 0) {
		rc = dr_http_init(&h, p->addr + 7, DR_PLUGIN_TIMEOUT_MS);
	} else if (strncmp(p->addr, "tcp://", 6) == 0) {
		dr_strf(tcpurl, sizeof(tcpurl), "http://%s/Plugin.Activate", p->addr + 6);
		url = tcpurl;
		rc = dr_http_init(&h, NULL, DR_PLUGIN_TIMEOUT_MS);
	} else {
		p->err = EINVAL;
		dr_strf(p->msg, sizeof(p->msg), "%s: address \"%s\" is neither unix:// nor tcp://",
			 p->where, p->addr);
		return;
	}
	if (rc == 0)
		rc = dr_http_do(&h, "POST", url, "", "application/vnd.docker.plugins.v1.2+json");
	if (rc < 0) {
		p->err = -rc;
		dr_strf(p->msg, sizeof(p->msg), "POST /Plugin.Activate on %s: %s", p->addr, h.err);
		goto out;
	}
	if (h.status != 200) {
		p->err = EPROTO;
		dr_strf(p->msg, sizeof(p->msg), "POST /Plugin.Activate on %s: HTTP %ld", p->addr,
			 h.status);
		goto out;
	}
	j = json_loads(h.body, 0, NULL);
	impl = json_object_get(j, "Implements");
	json_array_foreach(impl, i, e)
		if (json_is_string(e) && strcmp(json_string_value(e), "authz") == 0)
			p->implements_authz = true;
	dr_strf(p->msg, sizeof(p->msg), "answered on %s: %.200s", p->addr, h.body);
	if (!p->implements_authz)
		p->err = EPROTO;
out:
	json_decref(j);
	dw_http_free(&h);
}

/* A legacy plugin (a .sock, .spec or .json dockerd finds by name) is probed
 * now, before dockerd's API is asked; a managed one ("vendor/name:tag") once
 * dockerd has said where it runs (probe_managed). */
static void probe_plugin(struct dr_plugin *p)
{
	if (strchr(p->name, '/') != NULL || strchr(p->name, ':') != NULL) {
		p->err = EOPNOTSUPP;
		dr_strf(p->msg, sizeof(p->msg), "a managed plugin: dockerd's GET /plugins not asked");
		return;
	}
	locate_plugin(p);
	if (p->addr[0] == '\0') {
		p->err = ENOENT;
		dr_strf(p->msg, sizeof(p->msg),
			 "no %s.sock in /run/docker/plugins and no %s.spec/.json in /etc/docker/plugins "
			 "or /usr/lib/docker/plugins", p->name, p->name);
		return;
	}
	activate_plugin(p);
}

/* Does managed plugin E (an entry of GET /plugins) go by NAME?  dockerd
 * names them "vendor/name:tag" and takes a NAME without a tag as ":latest". */
static bool managed_is(json_t *e, const char *name)
{
	const char *n = json_string_value(json_object_get(e, "Name"));
	size_t len = strlen(name);

	if (n == NULL)
		return false;
	if (strcmp(n, name) == 0)
		return true;
	return strchr(name, ':') == NULL && strncmp(n, name, len) == 0 && strcmp(n + len, ":latest") == 0;
}

/* A managed plugin P, by what dockerd reports of it (GET /plugins: LIST):
 * enabled, and answering on the socket dockerd gave it.  dockerd puts that
 * socket in PLUGIN_EXEC_ROOT/ID/SOCKET whatever its --exec-root (moby
 * daemon/daemon_linux.go getPluginExecRoot, plugin/manager_linux.go, the
 * same from v20.10.24 to docker-v29.7.2). */
#define PLUGIN_EXEC_ROOT "/run/docker/plugins"
static void probe_managed(struct dr_plugin *p, json_t *list)
{
	const char *id, *sock, *name;
	json_t *e;
	size_t i;

	json_array_foreach(list, i, e) {
		if (!managed_is(e, p->name))
			continue;
		name = json_string_value(json_object_get(e, "Name")); /* managed_is: not NULL */
		id = json_string_value(json_object_get(e, "Id"));
		sock = json_string_value(json_object_get(
			json_object_get(json_object_get(e, "Config"), "Interface"), "Socket"));
		dr_strf(p->where, sizeof(p->where), "docker plugin %s", name);
		if (!json_is_true(json_object_get(e, "Enabled"))) {
			p->err = ENODEV;
			dr_strf(p->msg, sizeof(p->msg), "managed plugin %s is installed but disabled",
				 name);
		} else if (id == NULL || sock == NULL || strchr(id, '/') != NULL ||
			   strchr(sock, '/') != NULL) {
			p->err = EPROTO;
			dr_strf(p->msg, sizeof(p->msg), "dockerd's GET /plugins gives %s no Id and socket",
				 name);
		} else {
			dr_strf(p->addr, sizeof(p->addr), "unix://" PLUGIN_EXEC_ROOT "/%s/%s", id, sock);
			activate_plugin(p);
		}
		return;
	}
	p->err = ENOENT;
	dr_strf(p->msg, sizeof(p->msg), "no managed plugin %s in dockerd's GET /plugins", p->name);
}

static void add_plugin(struct dr_facts *f, const char *name)
{
	for (size_t i = 0; i < f->n_plugins; i++)
		if (strcmp(f->plugins[i].name, name) == 0)
			return;
	if (f->n_plugins == DR_MAX_PLUGINS || name[0] == '\0')
		return;
	dr_strf(f->plugins[f->n_plugins].name, sizeof(f->plugins[0].name), "%s", name);
	probe_plugin(&f->plugins[f->n_plugins++]);
}

static json_t *get_json(struct dr_facts *f, struct dw_http *h, const char *path)
{
	json_error_t je;
	json_t *v;
	int rc = dr_http_do(h, "GET", path, NULL, NULL);

	if (rc < 0) {
		f->docker_err = -rc;
		dr_strf(f->docker_msg, sizeof(f->docker_msg), "GET %s on %s: %s", path,
			 f->docker_socket, h->err);
		return NULL;
	}
	v = json_loadb(h->body, h->len, 0, &je);
	if (h->status != 200) {
		const char *m = json_string_value(json_object_get(v, "message"));

		f->docker_err = EPROTO;
		dr_strf(f->docker_msg, sizeof(f->docker_msg), "GET %s: HTTP %ld: %.300s", path,
			 h->status, m ? m : h->body);
		json_decref(v);
		return NULL;
	}
	if (v == NULL) {
		f->docker_err = EPROTO;
		dr_strf(f->docker_msg, sizeof(f->docker_msg), "GET %s: not JSON: %s", path, je.text);
	}
	return v;
}

static int add_object(struct dr_object **v, size_t *n, const char *name, char *json, size_t len)
{
	struct dr_object *t = realloc(*v, (*n + 1) * sizeof(**v));

	if (t == NULL)
		return -ENOMEM;
	*v = t;
	t[*n].name = strdup(name);
	if (t[*n].name == NULL)
		return -ENOMEM;
	t[*n].json = json;
	t[*n].len = len;
	t[*n].image = NULL;
	(*n)++;
	return 0;
}

static bool have_image(const struct dr_facts *f, const char *id)
{
	for (size_t i = 0; i < f->n_images; i++)
		if (strcmp(f->images[i].name, id) == 0)
			return true;
	return false;
}

/* GET /images/ID/json for each distinct image of a container: the digests
 * the trusted_images rule looks up.  An image gone since (404) is left out;
 * the check then says it cannot tell. */
static int gather_images(struct dr_facts *f, struct dw_http *h)
{
	char path[512];
	int rc;

	for (size_t i = 0; i < f->n_containers; i++) {
		const char *id = f->containers[i].image;
		char *copy;

		if (id == NULL || have_image(f, id))
			continue;
		dr_strf(path, sizeof(path), "/images/%s/json", id);
		rc = dr_http_do(h, "GET", path, NULL, NULL);
		if (rc == 0 && h->status == 404)
			continue;
		if (rc < 0 || h->status != 200) {
			f->objects_err = rc < 0 ? -rc : EPROTO;
			dr_strf(f->objects_msg, sizeof(f->objects_msg), "GET %s: %s", path,
				 rc < 0 ? h->err : h->body);
			return -1;
		}
		copy = malloc(h->len + 1);
		if (copy == NULL || add_object(&f->images, &f->n_images, id, copy, h->len) < 0) {
			free(copy);
			f->objects_err = ENOMEM;
			return -1;
		}
		memcpy(copy, h->body, h->len + 1);
	}
	return 0;
}

static void gather_objects(struct dr_facts *f, struct dw_http *h)
{
	json_t *list = NULL, *vols = NULL, *e;
	char path[512];
	size_t i;
	int rc = 0;

	list = get_json(f, h, "/containers/json?all=1");
	if (list == NULL)
		goto fail;
	json_array_foreach(list, i, e) {
		const char *id = json_string_value(json_object_get(e, "Id"));
		const char *nm = json_string_value(json_array_get(json_object_get(e, "Names"), 0));
		const char *img = json_string_value(json_object_get(e, "ImageID"));
		char *copy;

		if (id == NULL)
			continue;
		dr_strf(path, sizeof(path), "/containers/%s/json", id);
		rc = dr_http_do(h, "GET", path, NULL, NULL);
		if (rc == 0 && h->status == 404)
			continue; /* removed since the list */
		if (rc < 0 || h->status != 200) {
			f->objects_err = rc < 0 ? -rc : EPROTO;
			dr_strf(f->objects_msg, sizeof(f->objects_msg), "GET %s: %s", path,
				 rc < 0 ? h->err : h->body);
			goto out;
		}
		copy = malloc(h->len + 1);
		if (copy == NULL || add_object(&f->containers, &f->n_containers,
					       nm ? nm + (nm[0] == '/') : id, copy, h->len) < 0) {
			free(copy);
			f->objects_err = ENOMEM;
			goto out;
		}
		memcpy(copy, h->body, h->len + 1);
		if (img != NULL && f->image_set != NULL &&
		    (f->containers[f->n_containers - 1].image = strdup(img)) == NULL) {
			f->objects_err = ENOMEM;
			goto out;
		}
	}
	if (f->image_set != NULL && gather_images(f, h) < 0)
		goto out;
	/* GET /volumes returns each volume as GET /volumes/NAME would */
	vols = get_json(f, h, "/volumes");
	if (vols == NULL)
		goto fail;
	json_array_foreach(json_object_get(vols, "Volumes"), i, e) {
		const char *nm = json_string_value(json_object_get(e, "Name"));
		char *s = json_dumps(e, JSON_COMPACT);

		if (s == NULL || add_object(&f->volumes, &f->n_volumes, nm ? nm : "?", s,
					    strlen(s)) < 0) {
			free(s);
			f->objects_err = ENOMEM;
			goto out;
		}
	}
	goto out;
fail:
	f->objects_err = f->docker_err;
	dr_strf(f->objects_msg, sizeof(f->objects_msg), "%s", f->docker_msg);
out:
	json_decref(list);
	json_decref(vols);
}

void dr_gather_docker(struct dr_facts *f, const struct dr_options *o, bool objects)
{
	struct dw_http h = { 0 };
	const char **names = NULL;
	json_t *auth, *managed = NULL;
	size_t n, i;
	int err = 0;
	bool dead = false;

	f->docker_socket = o->docker_socket;
	f->kernel_apparmor = false;
	{
		char *b = NULL;
		size_t l;

		if (slurp("/sys/module/apparmor/parameters/enabled", &b, &l) == 0)
			f->kernel_apparmor = b != NULL && b[0] == 'Y';
		free(b);
		f->kernel_selinux = access("/sys/fs/selinux/enforce", F_OK) == 0;
	}
	f->dockerd_pid = activated_dockerd(peer_pid(f->docker_socket, &err));
	if (f->dockerd_pid > 0 && comm_is(f->dockerd_pid, "dockerd"))
		read_cmdline(f);
	else if (f->dockerd_pid > 0)
		f->cmdline_err = ESRCH; /* the peer is not dockerd: its arguments say nothing */
	read_daemon_json(f);
	if (f->dockerd_pid <= 0) {
		f->docker_err = err ? err : ESRCH;
		dr_strf(f->docker_msg, sizeof(f->docker_msg), "no dockerd answers on %s: %s",
			 f->docker_socket, strerror(f->docker_err));
		goto out;
	}

	names = dr_setting_list(f, "authorization-plugin", 0, "authorization-plugins", &n);
	for (i = 0; names != NULL && i < n; i++)
		add_plugin(f, names[i]);
	for (i = 0; i < f->n_plugins; i++)
		dead |= f->plugins[i].err != 0 && f->plugins[i].err != EOPNOTSUPP;
	if (dead) {
		f->docker_err = EACCES;
		dr_strf(f->docker_msg, sizeof(f->docker_msg),
			 "API not asked: dockerd (pid %d) refuses every call while an authorization "
			 "plugin it uses does not answer", (int)f->dockerd_pid);
		goto out;
	}

	if (dr_http_init(&h, f->docker_socket, DR_API_TIMEOUT_MS) < 0) {
		f->docker_err = ENOMEM;
		dr_strf(f->docker_msg, sizeof(f->docker_msg), "%s", h.err);
		goto out;
	}
	f->version = get_json(f, &h, "/version");
	if (f->version != NULL)
		f->info = get_json(f, &h, "/info");
	if (f->info == NULL)
		goto out;
	/* managed (v2) plugins dockerd uses are only in /info */
	auth = json_object_get(json_object_get(f->info, "Plugins"), "Authorization");
	for (i = 0; i < json_array_size(auth); i++) {
		const char *nm = json_string_value(json_array_get(auth, i));

		if (nm != NULL)
			add_plugin(f, nm);
	}
	for (i = 0; i < f->n_plugins; i++) {
		if (f->plugins[i].err != EOPNOTSUPP)
			continue;
		if (managed == NULL && (managed = get_json(f, &h, "/plugins")) == NULL)
			goto out;
		probe_managed(&f->plugins[i], managed);
	}
	if (objects)
		gather_objects(f, &h);
out:
	if (objects && f->objects_err == 0 && f->info == NULL) {
		f->objects_err = f->docker_err;
		dr_strf(f->objects_msg, sizeof(f->objects_msg), "%s", f->docker_msg);
	}
	free(names);
	json_decref(managed);
	dw_http_free(&h);
}
