/* gather_audit.c - the audit daemon, the rules loaded in the kernel, the
 * forwarder's configuration and its spool. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libaudit.h>

#include "doctor.h"

/* String-valued rule fields: their bytes follow one another in buf. */
static bool string_field(uint32_t f)
{
	return (f >= AUDIT_SUBJ_USER && f <= AUDIT_OBJ_LEV_HIGH) || f == AUDIT_WATCH ||
	       f == AUDIT_DIR || f == AUDIT_FILTERKEY || f == AUDIT_EXE;
}

static int add_rule(struct dr_facts *f, const struct audit_rule_data *d, size_t len)
{
	struct dr_arule a, *t;
	size_t off = 0;
	bool any = false;

	memset(&a, 0, sizeof(a));
	if (len < sizeof(*d) || d->field_count > AUDIT_MAX_FIELDS || sizeof(*d) + d->buflen > len)
		return -EPROTO;
	for (uint32_t i = 0; i < d->field_count; i++) {
		uint32_t fld = d->fields[i], v = d->values[i];

		if (fld == AUDIT_PERM)
			a.perm = v;
		if (!string_field(fld))
			continue;
		if (off + v > d->buflen)
			return -EPROTO;
		if (fld == AUDIT_WATCH || fld == AUDIT_DIR) {
			dr_strf(a.path, sizeof(a.path), "%.*s", (int)v, d->buf + off);
			a.dir = fld == AUDIT_DIR;
			any = true;
		} else if (fld == AUDIT_FILTERKEY) {
			dr_strf(a.key, sizeof(a.key), "%.*s", (int)v, d->buf + off);
		}
		off += v;
	}
	if (!any)
		return 0;
	t = realloc(f->rules, (f->n_rules + 1) * sizeof(*t));
	if (t == NULL)
		return -ENOMEM;
	f->rules = t;
	t[f->n_rules++] = a;
	return 0;
}

/* The next reply on FD that is not the ACK of a request: 0, or -errno (the
 * socket's, or the kernel's refusal). */
static int next_reply(int fd, struct audit_reply *rep)
{
	int rc;

	for (;;) {
		rc = audit_get_reply(fd, rep, GET_REPLY_BLOCKING, 0);
		if (rc <= 0)
			return rc < 0 ? rc : -EPROTO;
		if (rep->type != NLMSG_ERROR)
			return 0;
		if (rep->error->error != 0)
			return rep->error->error;
	}
}

static void read_kernel(struct dr_facts *f)
{
	struct audit_reply rep;
	int fd, rc;

	fd = audit_open();
	if (fd < 0) {
		f->audit_err = errno;
		dr_strf(f->audit_msg, sizeof(f->audit_msg), "audit netlink socket: %s",
			 strerror(errno));
		return;
	}
	if (audit_request_status(fd) < 0) {
		rc = -errno;
		goto fail;
	}
	do {
		if ((rc = next_reply(fd, &rep)) < 0)
			goto fail;
	} while (rep.type != AUDIT_GET);
	f->auditd_pid = (pid_t)rep.status->pid;
	if (audit_request_rules_list_data(fd) < 0) {
		rc = -errno;
		goto fail;
	}
	for (;;) {
		if ((rc = next_reply(fd, &rep)) < 0)
			goto fail;
		if (rep.type == NLMSG_DONE)
			break;
		if (rep.type == AUDIT_LIST_RULES && add_rule(f, rep.ruledata, (size_t)rep.len) < 0) {
			rc = -EPROTO;
			goto fail;
		}
	}
	audit_close(fd);
	return;
fail:
	f->audit_err = -rc;
	dr_strf(f->audit_msg, sizeof(f->audit_msg), "asking the kernel for audit status and rules: %s",
		 strerror(f->audit_err));
	audit_close(fd);
}

/* "KEY = VALUE" lines of an auditd plugin file. */
static bool conf_value(const char *line, const char *key, char *out, size_t sz)
{
	size_t n = strlen(key);
	const char *p = line;

	while (*p == ' ' || *p == '\t')
		p++;
	if (strncmp(p, key, n) != 0)
		return false;
	p += n;
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p != '=')
		return false;
	p++;
	while (*p == ' ' || *p == '\t')
		p++;
	dr_strf(out, sz, "%.*s", (int)strcspn(p, " \t\r\n#"), p);
	return true;
}

static void read_plugins_dir(struct dr_facts *f, const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		char path[DR_PATH], line[1024], val[DR_PATH], active[16] = "no";
		size_t nl = strlen(e->d_name);
		bool ours = false;
		FILE *fp;

		if (nl < 6 || strcmp(e->d_name + nl - 5, ".conf") != 0)
			continue;
		dr_strf(path, sizeof(path), "%s/%s", dir, e->d_name);
		fp = fopen(path, "re");
		if (fp == NULL)
			continue;
		while (fgets(line, sizeof(line), fp) != NULL) {
			if (conf_value(line, "path", val, sizeof(val))) {
				const char *b = strrchr(val, '/');

				ours = strcmp(b ? b + 1 : val, "dockwarden-audisp") == 0;
			}
			(void)conf_value(line, "active", active, sizeof(active));
		}
		fclose(fp);
		if (ours && (f->fwd_conf[0] == '\0' || strcmp(active, "yes") == 0)) {
			dr_strf(f->fwd_conf, sizeof(f->fwd_conf), "%s", path);
			f->fwd_active = strcmp(active, "yes") == 0;
		}
	}
	closedir(d);
}

/* The seq of the last complete line of segment PATH; 0 if none. */
static uint64_t last_seq(const char *path)
{
	char buf[16384], *p, *end, *s;
	uint64_t seq = 0;
	struct stat st;
	ssize_t n;
	off_t at;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);

	if (fd < 0)
		return 0;
	if (fstat(fd, &st) < 0)
		goto out;
	at = st.st_size > (off_t)sizeof(buf) - 1 ? st.st_size - (off_t)sizeof(buf) + 1 : 0;
	n = pread(fd, buf, sizeof(buf) - 1, at);
	if (n <= 0)
		goto out;
	buf[n] = '\0';
	end = strrchr(buf, '\n');
	if (end == NULL)
		goto out;
	*end = '\0';
	p = strrchr(buf, '\n');
	p = p ? p + 1 : buf;
	s = strstr(p, " seq=");
	if (s != NULL)
		seq = strtoull(s + 5, NULL, 10);
out:
	close(fd);
	return seq;
}

static void read_spool(struct dr_facts *f, const char *dir)
{
	char path[DR_PATH], newest[256] = "", buf[64];
	struct dirent *e;
	struct stat st;
	DIR *d;
	FILE *fp;

	d = opendir(dir);
	if (d == NULL) {
		f->spool_err = errno;
		return;
	}
	while ((e = readdir(d)) != NULL) {
		if (strncmp(e->d_name, "seg-", 4) != 0)
			continue;
		dr_strf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (stat(path, &st) < 0)
			continue;
		f->spool_segments++;
		f->spool_bytes += (uint64_t)st.st_size;
		/* fixed-width sequence numbers: names sort as numbers */
		if (strcmp(e->d_name, newest) > 0)
			dr_strf(newest, sizeof(newest), "%s", e->d_name);
	}
	closedir(d);
	if (newest[0]) {
		dr_strf(path, sizeof(path), "%s/%s", dir, newest);
		f->spool_durable_seq = last_seq(path);
	}
	dr_strf(path, sizeof(path), "%s/acked", dir);
	fp = fopen(path, "re");
	if (fp != NULL) {
		if (fgets(buf, sizeof(buf), fp) != NULL)
			f->spool_acked_seq = strtoull(buf, NULL, 10);
		if (fstat(fileno(fp), &st) == 0)
			f->spool_acked_mtime = st.st_mtime;
		fclose(fp);
	}
}

void dr_gather_audit(struct dr_facts *f, const struct dr_options *o)
{
	struct stat st;
	size_t i;

	read_kernel(f);
	if (dr_parse_want_rules(dr_shipped_audit_rules, &f->want, &f->n_want) < 0) {
		f->audit_err = ENOMEM;
		dr_strf(f->audit_msg, sizeof(f->audit_msg), "out of memory");
	}
	for (i = 0; i < f->n_want; i++)
		f->want[i].path_err = stat(f->want[i].path, &st) < 0 ? errno : 0;
	read_plugins_dir(f, o->audit_plugins_dir);
	if (f->pol != NULL && f->pol->forward.spool_dir != NULL && f->pol->forward.spool_dir[0])
		read_spool(f, f->pol->forward.spool_dir);
	else
		f->spool_err = ENOENT;
}
