/* dw_pamstack.c - read a Linux-PAM service stack and judge what it does
 * with pam_dockwarden.so.  See dw_pamstack.h.
 *
 * The control semantics follow Linux-PAM 1.5 (pam_handlers.c, pam_dispatch.c):
 *   required  = [success=ok new_authtok_reqd=ok ignore=ignore default=bad]
 *   requisite = [success=ok new_authtok_reqd=ok ignore=ignore default=die]
 *   optional  = [success=ok new_authtok_reqd=ok default=ignore]
 *   sufficient= [success=done new_authtok_reqd=done default=ignore]
 * A jump N skips the next N modules of the same substack level (a nested
 * substack counts as one), "done" ends the current level. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dw_file.h"
#include "dw_pamstack.h"

static const char *const phase_names[DW_PAMSTACK_PHASES] = {
	"auth", "account", "session", "password",
};

static void problem(struct dw_pamstack *st, int err, const char *file, unsigned int line,
		    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void problem(struct dw_pamstack *st, int err, const char *file, unsigned int line,
		    const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	if (st->status < 0)
		return;  /* the first problem is the one to fix */
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	st->status = err;
	if (file == NULL)
		snprintf(st->problem, sizeof(st->problem), "%s", msg);
	else
		snprintf(st->problem, sizeof(st->problem), "%.200s:%u: %s", file, line, msg);
}

/* A name libpam would open as DIR/NAME: no '/', not "." or "..". */
static bool service_name_ok(const char *name)
{
	size_t len = strnlen(name, 128);

	return len > 0 && len < 128 && name[0] != '.' && strchr(name, '/') == NULL;
}

static int phase_of(const char *word)
{
	int k;

	if (word[0] == '-')
		word++;  /* "-session": silently skipped when the module is absent */
	for (k = 0; k < DW_PAMSTACK_PHASES; k++)
		if (strcasecmp(word, phase_names[k]) == 0)
			return k;
	return -1;
}

/* The next word of *S; a "[...]" control is one word even with spaces. */
static char *next_word(char **s)
{
	char *p = *s, *start;

	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '\0')
		return NULL;
	start = p;
	if (*p == '[') {
		while (*p != '\0' && *p != ']')
			p++;
		if (*p == ']')
			p++;
	} else {
		while (*p != '\0' && *p != ' ' && *p != '\t')
			p++;
	}
	if (*p != '\0')
		*p++ = '\0';
	*s = p;
	return start;
}

struct build {
	struct dw_pamstack *st;
	const char *dir;
	dw_pamstack_reader read;
	void *ctx;
};

static int add_entry(struct build *b, int phase, unsigned int level, int parent, bool substack,
		     const char *control, const char *module, const char *args,
		     const char *file, unsigned int line)
{
	struct dw_pamstack *st = b->st;
	struct dw_pamstack_entry *e;

	if (st->n >= DW_PAMSTACK_MAX_ENTRIES) {
		problem(st, -E2BIG, file, line, "more than %d stack lines", DW_PAMSTACK_MAX_ENTRIES);
		return -E2BIG;
	}
	if (st->n == st->cap) {
		size_t cap = st->cap == 0 ? 32 : st->cap * 2;
		struct dw_pamstack_entry *v = realloc(st->v, cap * sizeof(*v));

		if (v == NULL) {
			problem(st, -ENOMEM, file, line, "out of memory");
			return -ENOMEM;
		}
		st->v = v;
		st->cap = cap;
	}
	e = &st->v[st->n++];
	memset(e, 0, sizeof(*e));
	e->phase = (enum dw_pamstack_phase)phase;
	e->level = level;
	e->parent = parent;
	e->substack = substack;
	snprintf(e->control, sizeof(e->control), "%s", control);
	snprintf(e->module, sizeof(e->module), "%s", module);
	snprintf(e->args, sizeof(e->args), "%s", args);
	snprintf(e->file, sizeof(e->file), "%s", file);
	e->line = line;
	return 0;
}

/* ONLY: -1 for every phase (@include, the service itself), else one phase. */
static int parse_service(struct build *b, const char *name, int only, unsigned int level,
			 int parent, unsigned int depth, const char *from, unsigned int from_line);

static int parse_text(struct build *b, const char *path, char *text, int only,
		      unsigned int level, int parent, unsigned int depth)
{
	char *line = text, *next;
	unsigned int lineno = 0, first;
	int rc = 0;

	for (; line != NULL && rc == 0; line = next) {
		char *s, *w, *control, *module, *hash;
		int phase;

		lineno++;
		first = lineno;
		/* a backslash before the newline continues the line */
		next = line;
		for (;;) {
			char *nl = strchr(next, '\n');

			if (nl == NULL) {
				next = NULL;
				break;
			}
			if (nl > line && nl[-1] == '\\') {
				nl[-1] = ' ';
				*nl = ' ';
				lineno++;
				next = nl + 1;
				continue;
			}
			*nl = '\0';
			next = nl + 1;
			break;
		}
		hash = strchr(line, '#');
		if (hash != NULL)
			*hash = '\0';
		s = line;
		w = next_word(&s);
		if (w == NULL)
			continue;
		if (strcmp(w, "@include") == 0) {
			module = next_word(&s);
			if (module == NULL)
				continue;
			rc = parse_service(b, module, only, level, parent, depth + 1, path, first);
			continue;
		}
		phase = phase_of(w);
		if (phase < 0 || (only >= 0 && phase != only))
			continue;  /* libpam skips unknown types too (and logs them) */
		control = next_word(&s);
		module = next_word(&s);
		if (control == NULL || module == NULL)
			continue;
		while (*s == ' ' || *s == '\t')
			s++;
		if (strcasecmp(control, "include") == 0) {
			rc = parse_service(b, module, phase, level, parent, depth + 1, path, first);
		} else if (strcasecmp(control, "substack") == 0) {
			int me = (int)b->st->n;

			rc = add_entry(b, phase, level, parent, true, control, module, "", path, first);
			if (rc == 0)
				rc = parse_service(b, module, phase, level + 1, me, depth + 1, path, first);
		} else {
			rc = add_entry(b, phase, level, parent, false, control, module, s, path, first);
		}
	}
	return rc;
}

static int parse_service(struct build *b, const char *name, int only, unsigned int level,
			 int parent, unsigned int depth, const char *from, unsigned int from_line)
{
	char path[512];
	char *text = NULL;
	size_t len = 0;
	int rc;

	if (!service_name_ok(name)) {
		problem(b->st, -EINVAL, from, from_line, "\"%.64s\" is not a service name", name);
		return -EINVAL;
	}
	snprintf(path, sizeof(path), "%s/%s", b->dir, name);
	if (depth > DW_PAMSTACK_MAX_DEPTH) {
		problem(b->st, -ELOOP, from, from_line, "includes nested deeper than %d at %s",
			DW_PAMSTACK_MAX_DEPTH, path);
		return -ELOOP;
	}
	rc = b->read(b->ctx, b->dir, name, &text, &len);
	if (rc < 0) {
		problem(b->st, rc, from, from_line, "cannot read %s: %s", path, strerror(-rc));
		goto out;
	}
	if (strlen(text) != len) {
		problem(b->st, -EINVAL, path, 0, "NUL byte in the file");
		rc = -EINVAL;
		goto out;
	}
	rc = parse_text(b, path, text, only, level, parent, depth);
out:
	free(text);
	return rc;
}

int dw_pamstack_build(const char *dir, const char *service, dw_pamstack_reader read,
		      void *ctx, struct dw_pamstack *st)
{
	struct build b = { st, dir, read, ctx };

	memset(st, 0, sizeof(*st));
	snprintf(st->service, sizeof(st->service), "%s", service != NULL ? service : "");
	if (service == NULL || !service_name_ok(service)) {
		problem(st, -EINVAL, NULL, 0, "\"%.64s\" is not a service name",
			service != NULL ? service : "(none)");
		return -EINVAL;
	}
	return parse_service(&b, service, -1, 0, -1, 0, NULL, 0);
}

static int read_file(void *ctx, const char *dir, const char *name, char **buf, size_t *len)
{
	char path[512];

	(void)ctx;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	/* Ownership is not checked: libpam does not either, and what matters
	 * here is the text libpam runs. */
	return dw_file_read(path, DW_PAMSTACK_FILE_MAX, 0, 0, buf, len, NULL, 0);
}

int dw_pamstack_load(const char *dir, const char *service, struct dw_pamstack *st)
{
	return dw_pamstack_build(dir, service, read_file, NULL, st);
}

void dw_pamstack_free(struct dw_pamstack *st)
{
	free(st->v);
	st->v = NULL;
	st->n = st->cap = 0;
}

bool dw_pamstack_is_ours(const char *module)
{
	const char *base = strrchr(module, '/');

	base = base != NULL ? base + 1 : module;
	return strcmp(base, "pam_dockwarden.so") == 0;
}

static bool module_is(const char *module, const char *name)
{
	const char *base = strrchr(module, '/');

	base = base != NULL ? base + 1 : module;
	return strcmp(base, name) == 0;
}

/* What CONTROL can do on the way to a later line: 0 nothing, -1 end the
 * level (done, sufficient), N > 0 the largest jump it names. */
static int control_skip(const char *control)
{
	char buf[160], *s, *tok, *save = NULL;
	int jump = 0;

	if (strcasecmp(control, "sufficient") == 0)
		return -1;
	if (control[0] != '[')
		return 0;  /* required, requisite, optional: go on after success */
	snprintf(buf, sizeof(buf), "%s", control + 1);
	s = strchr(buf, ']');
	if (s != NULL)
		*s = '\0';
	for (tok = strtok_r(buf, " \t", &save); tok != NULL; tok = strtok_r(NULL, " \t", &save)) {
		const char *eq = strchr(tok, '=');
		const char *act = eq != NULL ? eq + 1 : "";

		if (strcasecmp(act, "done") == 0)
			return -1;
		if (isdigit((unsigned char)act[0])) {
			long n = strtol(act, NULL, 10);

			if (n > jump)
				jump = n > 1000 ? 1000 : (int)n;
		}
	}
	return jump;
}

static bool control_enforces(const char *control)
{
	return strcasecmp(control, "required") == 0 || strcasecmp(control, "requisite") == 0;
}

/* Is entry A (or a substack enclosing it) the entry at index ANC? */
static bool within(const struct dw_pamstack *st, int a, int anc)
{
	while (a >= 0) {
		if (a == anc)
			return true;
		a = st->v[a].parent;
	}
	return false;
}

/* An earlier entry of the phase that can keep the stack from reaching entry
 * AT after success, or -1. */
static int find_skipper(const struct dw_pamstack *st, int at)
{
	int i;

	for (i = 0; i < at; i++) {
		const struct dw_pamstack_entry *e = &st->v[i];
		int skip, j, left;

		if (e->phase != st->v[at].phase || e->substack)
			continue;
		/* only lines of AT's own level or of a level enclosing it */
		if (e->parent >= 0 && !within(st, at, e->parent))
			continue;
		skip = control_skip(e->control);
		if (skip < 0)
			return i;
		if (skip == 0)
			continue;
		/* count the next SKIP modules of E's level; AT inside one of
		 * them (itself or a substack holding it) is jumped over */
		left = skip;
		for (j = i + 1; j < (int)st->n && left > 0; j++) {
			if (st->v[j].phase != e->phase)
				continue;
			if (st->v[j].level < e->level)
				break;
			if (st->v[j].level > e->level)
				continue;  /* inside a substack counted already */
			if (within(st, at, j))
				return i;
			left--;
		}
	}
	return -1;
}

static bool enforced(const struct dw_pamstack *st, int at)
{
	int a;

	for (a = at; a >= 0; a = st->v[a].parent)
		if (!control_enforces(st->v[a].control))
			return false;
	return true;
}

static bool user_env(const struct dw_pamstack_entry *e)
{
	return module_is(e->module, "pam_env.so") && strstr(e->args, "user_readenv=1") != NULL;
}

void dw_pamstack_analyse(const struct dw_pamstack *st, struct dw_pamstack_report *r)
{
	const struct dw_pamstack_hook *h;
	size_t i;
	int k;

	memset(r, 0, sizeof(*r));
	r->env_forge = -1;
	for (k = 0; k < DW_PAMSTACK_PHASES; k++) {
		r->hook[k].at = -1;
		r->hook[k].skipped_by = -1;
	}
	for (i = 0; i < st->n; i++) {
		const struct dw_pamstack_entry *e = &st->v[i];

		if (!e->substack && dw_pamstack_is_ours(e->module) && r->hook[e->phase].at < 0)
			r->hook[e->phase].at = (int)i;
	}
	for (k = 0; k < DW_PAMSTACK_PHASES; k++) {
		if (r->hook[k].at < 0)
			continue;
		r->hook[k].skipped_by = find_skipper(st, r->hook[k].at);
		r->hook[k].enforced = enforced(st, r->hook[k].at);
	}
	for (i = 0; i < st->n && r->env_forge < 0; i++) {
		const struct dw_pamstack_entry *e = &st->v[i];

		if (!user_env(e))
			continue;
		if (e->phase == DW_PAMSTACK_AUTH ||
		    (e->phase == DW_PAMSTACK_SESSION &&
		     (r->hook[DW_PAMSTACK_SESSION].at < 0 || (int)i < r->hook[DW_PAMSTACK_SESSION].at)))
			r->env_forge = (int)i;
	}
	h = &r->hook[DW_PAMSTACK_AUTH];
	r->auth_hook_ok = h->at >= 0 && h->skipped_by < 0;
	h = &r->hook[DW_PAMSTACK_SESSION];
	r->session_check_ok = h->at >= 0 && h->skipped_by < 0 && h->enforced && r->env_forge < 0;
	h = &r->hook[DW_PAMSTACK_ACCOUNT];
	r->account_ok = h->at >= 0 && h->skipped_by < 0 && h->enforced;
}

static void report_entry(const struct dw_pamstack *st, int i, dw_pamstack_finding_fn fn,
			 void *ctx, const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void report_entry(const struct dw_pamstack *st, int i, dw_pamstack_finding_fn fn,
			 void *ctx, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (i >= 0)
		fn(ctx, st->v[i].file, st->v[i].line, msg);
	else
		fn(ctx, st->service, 0, msg);
}

int dw_pamstack_findings(const struct dw_pamstack *st, const struct dw_pamstack_report *r,
			 bool require_key, dw_pamstack_finding_fn fn, void *ctx)
{
	const struct dw_pamstack_hook *a = &r->hook[DW_PAMSTACK_AUTH];
	const struct dw_pamstack_hook *c = &r->hook[DW_PAMSTACK_ACCOUNT];
	const struct dw_pamstack_hook *s = &r->hook[DW_PAMSTACK_SESSION];
	int n = 0;

	if (st->status < 0) {
		fn(ctx, NULL, 0, st->problem);
		n++;
	}
	if (c->at < 0) {
		report_entry(st, -1, fn, ctx,
			     "no \"account required pam_dockwarden.so\" line: logins are not checked");
		return n + 1;
	}
	if (!c->enforced) {
		report_entry(st, c->at, fn, ctx,
			     "account line is \"%s\" (or in a substack that is not required): "
			     "its denials are not enforced (use \"required\")", st->v[c->at].control);
		n++;
	}
	/* An enforced, always reached session line makes the account decision
	 * itself when the account line did not run: a skip is then covered. */
	if (c->skipped_by >= 0 && !(s->at >= 0 && s->enforced && s->skipped_by < 0)) {
		const struct dw_pamstack_entry *e = &st->v[c->skipped_by];

		/* Debian's common-account has this: sshd accepts
		 * PAM_NEW_AUTHTOK_REQD, makes the user change the password and
		 * then starts the session, without our account check. */
		if (strstr(e->control, "new_authtok_reqd=done") != NULL)
			report_entry(st, c->skipped_by, fn, ctx,
				     "\"%s %s\" ends the account stack for a user whose password has "
				     "expired, before pam_dockwarden.so at %s:%u: sshd accepts that answer "
				     "and lets such a user in after a password change, unchecked (add "
				     "\"session required pam_dockwarden.so\": it decides then)",
				     e->control, e->module, st->v[c->at].file, st->v[c->at].line);
		else
			report_entry(st, c->skipped_by, fn, ctx,
				     "\"%s %s\" can end the account stack before pam_dockwarden.so at %s:%u "
				     "(add \"session required pam_dockwarden.so\": it decides then)",
				     e->control, e->module, st->v[c->at].file, st->v[c->at].line);
		n++;
	}
	if (!require_key)
		return n;
	if (a->at >= 0 && a->skipped_by >= 0) {
		report_entry(st, a->skipped_by, fn, ctx,
			     "\"%s %s\" can end the auth stack before pam_dockwarden.so at %s:%u: "
			     "a password login would look like a key login (move the auth line up "
			     "or make that line \"required\")",
			     st->v[a->skipped_by].control, st->v[a->skipped_by].module,
			     st->v[a->at].file, st->v[a->at].line);
		n++;
	}
	if (s->at >= 0 && !s->enforced) {
		report_entry(st, s->at, fn, ctx,
			     "session line is \"%s\": it cannot refuse a login whose methods hold no "
			     "publickey (use \"required\")", st->v[s->at].control);
		n++;
	}
	if (s->at >= 0 && s->skipped_by >= 0) {
		report_entry(st, s->skipped_by, fn, ctx,
			     "\"%s %s\" can end the session stack before pam_dockwarden.so at %s:%u",
			     st->v[s->skipped_by].control, st->v[s->skipped_by].module,
			     st->v[s->at].file, st->v[s->at].line);
		n++;
	}
	if (r->env_forge >= 0) {
		report_entry(st, r->env_forge, fn, ctx,
			     "pam_env.so user_readenv=1 runs before the session line: a user's "
			     "~/.pam_environment could set SSH_AUTH_INFO_0 (put pam_dockwarden.so first)");
		n++;
	}
	if (a->at < 0) {
		report_entry(st, -1, fn, ctx,
			     "no \"auth optional pam_dockwarden.so\" line after the auth modules: "
			     "the account phase cannot tell a key from a password%s",
			     r->session_check_ok ? " (the session line decides instead)" :
			     ", so guarded users are refused");
		n++;
	}
	if (s->at < 0) {
		report_entry(st, -1, fn, ctx,
			     "no \"session required pam_dockwarden.so\" line: sshd's record of the "
			     "methods is never checked%s",
			     r->auth_hook_ok ? " (the auth line still tells keys from passwords)" : "");
		n++;
	}
	return n;
}

size_t dw_pamstack_missing(const struct dw_pamstack *st, const struct dw_pamstack_report *r,
			   char *buf, size_t sz)
{
	const struct dw_pamstack_hook *a = &r->hook[DW_PAMSTACK_AUTH];
	const struct dw_pamstack_hook *s = &r->hook[DW_PAMSTACK_SESSION];
	char auth[300], sess[300];
	int len;

	if (sz == 0)
		return 0;
	buf[0] = '\0';
	if (r->auth_hook_ok || r->session_check_ok)
		return 0;
	if (st->status < 0) {
		len = snprintf(buf, sz, "PAM stack of %.64s unreadable (%.300s)", st->service, st->problem);
		return len < 0 ? 0 : strnlen(buf, sz);
	}
	if (a->at < 0)
		snprintf(auth, sizeof(auth), "no auth line");
	else
		snprintf(auth, sizeof(auth), "auth line %.60s:%u can be skipped by %.60s:%u",
			 st->v[a->at].file, st->v[a->at].line,
			 st->v[a->skipped_by].file, st->v[a->skipped_by].line);
	if (s->at < 0)
		snprintf(sess, sizeof(sess), "no session line");
	else if (!s->enforced)
		snprintf(sess, sizeof(sess), "session line %.60s:%u is not required",
			 st->v[s->at].file, st->v[s->at].line);
	else if (s->skipped_by >= 0)
		snprintf(sess, sizeof(sess), "session line %.60s:%u can be skipped by %.60s:%u",
			 st->v[s->at].file, st->v[s->at].line,
			 st->v[s->skipped_by].file, st->v[s->skipped_by].line);
	else
		snprintf(sess, sizeof(sess), "pam_env user_readenv=1 at %.60s:%u precedes the session line",
			 st->v[r->env_forge].file, st->v[r->env_forge].line);
	/* no double quotes: the sentence goes into audit records, where a
	 * value with one is written in hex */
	len = snprintf(buf, sz, "%s and %s in service %.64s; add the lines auth optional "
		       "pam_dockwarden.so (after the auth modules) and session required "
		       "pam_dockwarden.so, e.g. with pam-auth-update --enable dockwarden",
		       auth, sess, st->service);
	return len < 0 ? 0 : strnlen(buf, sz);
}

int dw_pamstack_services(const char *dir, dw_pamstack_service_fn fn, void *ctx)
{
	struct dirent **names = NULL;
	int n, i, rc = 0;

	n = scandir(dir, &names, NULL, alphasort);
	if (n < 0)
		return -errno;
	for (i = 0; i < n; i++) {
		const char *name = names[i]->d_name;
		size_t len = strlen(name);

		/* what dpkg and editors leave next to a service file */
		if (name[0] == '.' || (len > 0 && name[len - 1] == '~') ||
		    strstr(name, ".dpkg-") != NULL || strstr(name, ".ucf-") != NULL)
			continue;
		if (names[i]->d_type != DT_REG && names[i]->d_type != DT_LNK &&
		    names[i]->d_type != DT_UNKNOWN)
			continue;
		if (rc == 0)
			rc = fn(ctx, name);
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return rc;
}
