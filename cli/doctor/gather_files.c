/* gather_files.c - stat() of every file the cis-3.x and dw-file checks judge. */
#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "doctor.h"
#include "dw_config.h"

static void stat_into(struct dr_stat *s, const char *path)
{
	struct stat st;

	dr_strf(s->path, sizeof(s->path), "%s", path);
	if (path[0] == '\0') {
		s->err = ENOENT;
		return;
	}
	/* the target: a symlink's own mode means nothing */
	if (stat(path, &st) < 0) {
		s->err = errno;
		return;
	}
	s->err = 0;
	s->uid = st.st_uid;
	s->gid = st.st_gid;
	s->mode = st.st_mode;
}

/* The first of PATHS that exists (unit files live in one of several places). */
static void stat_first(struct dr_stat *s, const char *const *paths, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		stat_into(s, paths[i]);
		if (s->err != ENOENT)
			return;
	}
	stat_into(s, paths[0]);
}

static void stat_setting(struct dr_facts *f, struct dr_stat *s, const char *name)
{
	json_t *v = dr_setting(f, name, NULL);

	stat_into(s, json_string_value(v) ? json_string_value(v) : "");
	json_decref(v);
}

void dr_gather_files(struct dr_facts *f, const struct dr_options *o)
{
	static const char *const service[] = { "/etc/systemd/system/docker.service",
					       "/lib/systemd/system/docker.service",
					       "/usr/lib/systemd/system/docker.service" };
	static const char *const sockunit[] = { "/etc/systemd/system/docker.socket",
						"/lib/systemd/system/docker.socket",
						"/usr/lib/systemd/system/docker.socket" };
	static const char *const authz[] = { "/etc/systemd/system/dockwarden-authz.socket",
					     "/lib/systemd/system/dockwarden-authz.socket",
					     "/usr/lib/systemd/system/dockwarden-authz.socket" };
	struct group *gr;

	stat_first(&f->files[DR_F_SERVICE], service, 3);
	stat_first(&f->files[DR_F_SOCKET_UNIT], sockunit, 3);
	stat_first(&f->files[DR_F_AUTHZ_UNIT], authz, 3);
	stat_into(&f->files[DR_F_ETC_DOCKER], "/etc/docker");
	stat_setting(f, &f->files[DR_F_TLSCA], "tlscacert");
	stat_setting(f, &f->files[DR_F_TLSCERT], "tlscert");
	stat_setting(f, &f->files[DR_F_TLSKEY], "tlskey");
	stat_into(&f->files[DR_F_DOCKER_SOCK], o->docker_socket);
	stat_into(&f->files[DR_F_DAEMON_JSON],
		  f->daemon_json_path[0] ? f->daemon_json_path : "/etc/docker/daemon.json");
	stat_into(&f->files[DR_F_DEFAULT_DOCKER], "/etc/default/docker");
	stat_into(&f->files[DR_F_CONTAINERD_SOCK], "/run/containerd/containerd.sock");
	stat_into(&f->files[DR_F_POLICY], f->policy_path ? f->policy_path : DW_DEFAULT_POLICY);
	stat_into(&f->files[DR_F_SIGNING_KEY], f->pol ? f->pol->forward.signing_key : "");
	stat_into(&f->files[DR_F_SPOOL], f->pol ? f->pol->forward.spool_dir : "");
	errno = 0;
	gr = getgrnam("docker");
	f->docker_gid = gr ? gr->gr_gid : (gid_t)-1;
}
