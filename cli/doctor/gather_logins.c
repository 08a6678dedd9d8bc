/* gather_logins.c - who is in a guarded group, is each one trusted, what
 * sshd would allow them, and today's scan of sshd's PAM stack.
 *
 * Members are primary (passwd gid) and supplementary (group member list),
 * as the PAM module counts them. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "doctor.h"
#include "dw_match.h"

extern char **environ;

/* As pam_dockwarden.so decides it; an unreadable group database counts as
 * "not trusted", and the member is reported. */
static bool is_trusted(const struct dw_policy *p, const char *user)
{
	const char *which;
	bool by_name, by_group;

	(void)dw_policy_user_trusted(p, user, &by_name, &by_group, &which);
	return by_name || by_group;
}

static int add_member(struct dr_facts *f, const char *group, const char *user, bool primary)
{
	struct dr_member *t;

	for (size_t i = 0; i < f->n_members; i++)
		if (strcmp(f->members[i].name, user) == 0 && strcmp(f->members[i].group, group) == 0)
			return 0;
	t = realloc(f->members, (f->n_members + 1) * sizeof(*t));
	if (t == NULL)
		return -ENOMEM;
	f->members = t;
	t += f->n_members++;
	memset(t, 0, sizeof(*t));
	dr_strf(t->name, sizeof(t->name), "%s", user);
	dr_strf(t->group, sizeof(t->group), "%s", group);
	t->primary = primary;
	t->trusted = is_trusted(f->pol, user);
	return 0;
}

static int read_group(struct dr_facts *f, const char *name)
{
	struct group *gr;
	struct passwd *pw;
	char **mem = NULL;
	size_t n = 0, i;
	gid_t gid;
	int rc = 0;

	errno = 0;
	gr = getgrnam(name);
	if (gr == NULL)
		return errno != 0 && errno != ENOENT ? -errno : 0; /* no such group: nobody */
	gid = gr->gr_gid;
	/* getgrnam's buffer is overwritten by later lookups: copy the members. */
	while (gr->gr_mem != NULL && gr->gr_mem[n] != NULL)
		n++;
	mem = calloc(n + 1, sizeof(*mem));
	if (mem == NULL)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		mem[i] = strdup(gr->gr_mem[i]);
		if (mem[i] == NULL) {
			rc = -ENOMEM;
			goto out;
		}
	}
	setpwent();
	while (rc == 0 && (pw = getpwent()) != NULL)
		if (pw->pw_gid == gid)
			rc = add_member(f, name, pw->pw_name, true);
	endpwent();
	for (i = 0; rc == 0 && i < n; i++)
		rc = add_member(f, name, mem[i], false);
out:
	for (i = 0; i < n; i++)
		free(mem[i]);
	free(mem);
	return rc;
}

/* sshd -T for USER connecting from a remote address outside any Match on
 * the local host (192.0.2.1, TEST-NET-1): what a login from elsewhere gets. */
static void sshd_settings(const char *config, struct dr_member *m)
{
	char spec[256], buf[65536];
	char *argv[8];
	int pipefd[2], st = 0, k = 0;
	size_t len = 0;
	ssize_t n;
	posix_spawn_file_actions_t fa;
	pid_t pid;
	char *p;

	dr_strf(spec, sizeof(spec), "user=%s,host=client.invalid,addr=192.0.2.1", m->name);
	argv[k++] = (char *)"/usr/sbin/sshd";
	argv[k++] = (char *)"-T";
	argv[k++] = (char *)"-C";
	argv[k++] = spec;
	if (config != NULL) {
		argv[k++] = (char *)"-f";
		argv[k++] = (char *)config;
	}
	argv[k] = NULL;
	if (access(argv[0], X_OK) < 0) {
		dr_strf(m->sshd_err, sizeof(m->sshd_err), "no sshd on this host");
		return;
	}
	if (pipe2(pipefd, O_CLOEXEC) < 0) {
		dr_strf(m->sshd_err, sizeof(m->sshd_err), "pipe: %s", strerror(errno));
		return;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, pipefd[1], 1);
	posix_spawn_file_actions_adddup2(&fa, pipefd[1], 2); /* its complaint, for the report */
	st = posix_spawn(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(pipefd[1]);
	if (st != 0) {
		dr_strf(m->sshd_err, sizeof(m->sshd_err), "cannot run sshd: %s", strerror(st));
		close(pipefd[0]);
		return;
	}
	while (len + 1 < sizeof(buf) && (n = read(pipefd[0], buf + len, sizeof(buf) - 1 - len)) > 0)
		len += (size_t)n;
	buf[len] = '\0';
	close(pipefd[0]);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		dr_strf(m->sshd_err, sizeof(m->sshd_err), "sshd -T -C %s%s%s failed: %.*s", spec,
			config ? " -f " : "", config ? config : "", (int)strcspn(buf, "\n"), buf);
		return;
	}
	if (strncmp(buf, "passwordauthentication ", 23) == 0) {
		p = buf;
	} else {
		p = strstr(buf, "\npasswordauthentication ");
		p = p ? p + 1 : NULL;
	}
	if (p == NULL) {
		dr_strf(m->sshd_err, sizeof(m->sshd_err), "sshd -T printed no passwordauthentication");
		return;
	}
	p += 23;
	dr_strf(m->password_auth, sizeof(m->password_auth), "%.*s", (int)strcspn(p, "\n"), p);
}

void dr_gather_logins(struct dr_facts *f, const struct dr_options *o)
{
	int rc;

	f->sshd_pam_path = o->sshd_pam;
	f->sshd_config = o->sshd_config;
	dr_scan_pam(o->sshd_pam, f->pol ? f->pol->pam.require_publickey : true, &f->pam,
		    &f->pam_findings);
	if (f->pol == NULL)
		return;
	for (size_t g = 0; g < f->pol->pam.guarded_groups.n; g++) {
		rc = read_group(f, f->pol->pam.guarded_groups.v[g]);
		if (rc < 0) {
			f->members_err = -rc;
			dr_strf(f->members_msg, sizeof(f->members_msg), "cannot read group %s: %s",
				 f->pol->pam.guarded_groups.v[g], strerror(-rc));
			return;
		}
	}
	for (size_t i = 0; i < f->n_members; i++)
		sshd_settings(f->sshd_config, &f->members[i]);
}
