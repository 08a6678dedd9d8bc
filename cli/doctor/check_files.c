/* check_files.c - owner and mode of the files that control dockerd and
 * dockwarden (CIS 3.x; dw-file-* for dockwarden's own). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "doctor.h"
#include "checks.h"

struct file_rule {
	mode_t forbid;          /* permission bits that must be clear */
	bool docker_group;      /* group "docker" is fine (the API socket) */
	bool dir;
	enum dr_level bad;      /* level when a rule is broken */
	const char *absent;     /* reason to skip when the file does not exist */
	const char *remedy;
};

static const struct file_rule rules[DR_F_COUNT] = {
	[DR_F_SERVICE] = { 022, false, false, DR_FAIL, "no docker.service unit on this host",
			   "chown root:root FILE; chmod 644 FILE" },
	[DR_F_SOCKET_UNIT] = { 022, false, false, DR_FAIL, "no docker.socket unit on this host",
			       "chown root:root FILE; chmod 644 FILE" },
	[DR_F_AUTHZ_UNIT] = { 022, false, false, DR_FAIL,
			      "no dockwarden-authz.socket unit (package not installed)",
			      "chown root:root FILE; chmod 644 FILE" },
	[DR_F_ETC_DOCKER] = { 022, false, true, DR_FAIL, "no /etc/docker on this host",
			      "chown root:root /etc/docker; chmod 755 /etc/docker" },
	[DR_F_TLSCA] = { 0222, false, false, DR_FAIL, "dockerd has no --tlscacert",
			 "chown root:root FILE; chmod 444 FILE" },
	[DR_F_TLSCERT] = { 0222, false, false, DR_FAIL, "dockerd has no --tlscert",
			   "chown root:root FILE; chmod 444 FILE" },
	[DR_F_TLSKEY] = { 0077, false, false, DR_FAIL, "dockerd has no --tlskey",
			  "chown root:root FILE; chmod 400 FILE" },
	[DR_F_DOCKER_SOCK] = { 0007, true, false, DR_FAIL, "no Docker socket at this path",
			       "chown root:docker FILE; chmod 660 FILE (docker.socket: SocketMode=0660)" },
	[DR_F_DAEMON_JSON] = { 022, false, false, DR_FAIL, "no daemon.json: dockerd's defaults apply",
			       "chown root:root FILE; chmod 644 FILE" },
	[DR_F_DEFAULT_DOCKER] = { 022, false, false, DR_FAIL, "no /etc/default/docker on this host",
				  "chown root:root FILE; chmod 644 FILE" },
	[DR_F_CONTAINERD_SOCK] = { 0007, false, false, DR_FAIL, "no containerd socket on this host",
				   "chown root:root FILE; chmod 660 FILE" },
	[DR_F_POLICY] = { 022, false, false, DR_FAIL,
			  "no policy file: the built-in default policy applies",
			  "chown root:root FILE; chmod 644 FILE (the components refuse it otherwise)" },
	[DR_F_SIGNING_KEY] = { 0077, false, false, DR_FAIL, "forward.signing_key is not set",
			       "chown root:root FILE; chmod 600 FILE; the key may have leaked: "
			       "dockwarden keygen a new one" },
	[DR_F_SPOOL] = { 0077, false, true, DR_FAIL,
			 "no spool yet (dockwarden-audisp creates it at its first start)",
			 "chown root:root DIR; chmod 700 DIR" },
};

/* The remedy with FILE/DIR replaced by the path. */
static void remedy_for(const struct file_rule *fr, const char *path, char *out, size_t sz)
{
	const char *s = fr->remedy;
	size_t o = 0;

	while (*s && o + 1 < sz) {
		size_t k = strncmp(s, "FILE", 4) == 0 ? 4 : strncmp(s, "DIR", 3) == 0 ? 3 : 0;

		if (k) {
			o += (size_t)snprintf(out + o, sz - o, "%s", path);
			if (o >= sz)
				o = sz - 1;
			s += k;
		} else {
			out[o++] = *s++;
		}
	}
	out[o] = '\0';
}

void dr_check_file(const struct dr_facts *f, const struct dr_check *ck, struct dr_report *r)
{
	const struct dr_stat *s = &f->files[ck->arg];
	const struct file_rule *fr = &rules[ck->arg];
	char why[256] = "", rem[DR_PATH + 256];
	size_t o = 0;
	mode_t perm = s->mode & 07777;
	bool forwarding = f->pol && f->pol->forward.target && f->pol->forward.target[0];

	remedy_for(fr, s->path, rem, sizeof(rem));
	if (s->err == ENOENT) {
		if (ck->arg == DR_F_SIGNING_KEY && forwarding && s->path[0])
			dr_add(r, ck, DR_FAIL, s->path, "dockwarden keygen PREFIX; set forward.signing_key",
			       "forward.target is set but the signing key %s does not exist: "
			       "dockwarden-audisp cannot start", s->path);
		else if (ck->arg == DR_F_SIGNING_KEY && forwarding)
			dr_add(r, ck, DR_FAIL, NULL, "dockwarden keygen PREFIX; set forward.signing_key",
			       "forward.target is set but forward.signing_key is not");
		else
			dr_add(r, ck, DR_SKIP, s->path[0] ? s->path : NULL, NULL, "%s", fr->absent);
		return;
	}
	if (s->err != 0) {
		dr_add(r, ck, DR_FAIL, s->path, "make it readable to root to be judged",
		       "cannot stat: %s", strerror(s->err));
		return;
	}
	if (fr->dir && !S_ISDIR(s->mode))
		o += (size_t)snprintf(why + o, sizeof(why) - o, "not a directory; ");
	if (s->uid != 0)
		o += (size_t)snprintf(why + o, sizeof(why) - o, "owned by uid %u, not root; ",
				      (unsigned int)s->uid);
	/* the API socket's group is root-equivalent: only docker (or root) */
	if (fr->docker_group && s->gid != 0 && s->gid != f->docker_gid && (perm & 060) != 0 &&
	    o < sizeof(why))
		o += (size_t)snprintf(why + o, sizeof(why) - o,
				      "group %u, not docker, can use it; ", (unsigned int)s->gid);
	if ((perm & fr->forbid) != 0 && o < sizeof(why))
		o += (size_t)snprintf(why + o, sizeof(why) - o, "mode %04o allows %04o; ",
				      (unsigned int)perm, (unsigned int)(perm & fr->forbid));
	if (o == 0) {
		dr_add(r, ck, DR_PASS, s->path, NULL, "owner %u:%u, mode %04o", (unsigned int)s->uid,
		       (unsigned int)s->gid, (unsigned int)perm);
		return;
	}
	if (o >= sizeof(why))
		o = sizeof(why) - 1;
	why[o >= 2 ? o - 2 : o] = '\0'; /* the last "; " */
	dr_add(r, ck, fr->bad, s->path, rem, "%s (owner %u:%u, mode %04o)", why,
	       (unsigned int)s->uid, (unsigned int)s->gid, (unsigned int)perm);
}
