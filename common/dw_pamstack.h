/* dw_pamstack.h - what a Linux-PAM service stack does with pam_dockwarden.so.
 *
 * A service file (/etc/pam.d/SERVICE) is read the way Linux-PAM reads it:
 * "@include FILE" inlines every phase of FILE, "TYPE include FILE" inlines
 * the TYPE lines of FILE, "TYPE substack FILE" inlines them one level down
 * (a "done" or jump in there ends only the substack), "-TYPE" lines count
 * like TYPE lines.  Included names are services of the same directory.
 *
 * Loading (dw_pamstack_load) is the only I/O; dw_pamstack_build takes a
 * reader callback so the parser is tested on text in memory, and
 * dw_pamstack_analyse is pure.  Used by pam_dockwarden.so at login (is the
 * auth hook there, so that "no PAM authentication" means a key?) and by
 * "dockwarden doctor" (what is missing, with file and line). */
#ifndef DW_PAMSTACK_H
#define DW_PAMSTACK_H

#include <stdbool.h>
#include <stddef.h>

enum dw_pamstack_phase {
	DW_PAMSTACK_AUTH = 0,
	DW_PAMSTACK_ACCOUNT,
	DW_PAMSTACK_SESSION,
	DW_PAMSTACK_PASSWORD,
	DW_PAMSTACK_PHASES,
};

/* Bounds: a service with more lines or deeper includes is not something a
 * distribution ships; it is refused (-E2BIG / -ELOOP) rather than guessed. */
#define DW_PAMSTACK_MAX_ENTRIES 512
#define DW_PAMSTACK_MAX_DEPTH 8
#define DW_PAMSTACK_FILE_MAX (256 * 1024)

struct dw_pamstack_entry {
	enum dw_pamstack_phase phase;
	unsigned int level;      /* substack nesting: 0 for the service itself */
	int parent;              /* index of the enclosing substack entry, -1 at level 0 */
	bool substack;           /* "TYPE substack FILE": its lines follow, level + 1 */
	char control[160];       /* "required", "[success=1 default=ignore]" */
	char module[256];        /* as written; the file name for a substack */
	char args[512];
	char file[256];          /* where the line is */
	unsigned int line;
};

struct dw_pamstack {
	struct dw_pamstack_entry *v;
	size_t n, cap;
	char service[128];
	int status;              /* 0, or the first error (-errno) */
	char problem[512];       /* that error as "FILE:LINE: sentence" (just the
				  * sentence when the service file itself is the problem) */
};

/* Read the text of service NAME in DIR.  *BUF is malloc'd, NUL-terminated. */
typedef int (*dw_pamstack_reader)(void *ctx, const char *dir, const char *name,
				  char **buf, size_t *len);

/* Build ST (zeroed first) from service SERVICE of DIR read through READ.
 * Returns 0 or the first error (also in ST->status / ST->problem): -EINVAL
 * for a service name with '/' or a leading '.', -ENOENT for a missing file,
 * -ELOOP, -E2BIG, -ENOMEM.  Entries found before an error are kept. */
int dw_pamstack_build(const char *dir, const char *service, dw_pamstack_reader read,
		      void *ctx, struct dw_pamstack *st);
/* dw_pamstack_build() reading files from DIR. */
int dw_pamstack_load(const char *dir, const char *service, struct dw_pamstack *st);
void dw_pamstack_free(struct dw_pamstack *st);

/* Is MODULE (a path as written in a stack) pam_dockwarden.so? */
bool dw_pamstack_is_ours(const char *module);

/* One phase's pam_dockwarden.so line. */
struct dw_pamstack_hook {
	int at;           /* index of the first pam_dockwarden.so entry, -1: none */
	int skipped_by;   /* an earlier entry that can end the phase with success,
			   * or jump over the hook (sufficient, done, success=N): -1 none */
	bool enforced;    /* it and every enclosing substack are required/requisite */
};

struct dw_pamstack_report {
	struct dw_pamstack_hook hook[DW_PAMSTACK_PHASES];
	/* pam_env.so user_readenv=1 in the auth stack (sshd runs its setcred
	 * before the session) or in the session stack before our line: the
	 * user's ~/.pam_environment could then set SSH_AUTH_INFO_0.  -1 none. */
	int env_forge;
	/* Evidence the module can use at account time: the auth line runs
	 * after every successful PAM authentication, so "no PAM authentication
	 * in this handle" means sshd accepted a method without PAM (a key). */
	bool auth_hook_ok;
	/* The session line is enforced, always reached, and reads an
	 * SSH_AUTH_INFO_0 only sshd can have set: it can refuse a login whose
	 * recorded methods hold no publickey. */
	bool session_check_ok;
	/* The account line is enforced and always reached. */
	bool account_ok;
};

/* Pure: what ST does with the module.  ST->status is not looked at: a
 * partial stack gives a partial answer, and callers treat a load error as
 * "no evidence". */
void dw_pamstack_analyse(const struct dw_pamstack *st, struct dw_pamstack_report *r);

/* Findings of R about ST, one sentence each, through FN (file and line of
 * the entry concerned; ST's service and line 0 for the service as a whole;
 * NULL when MSG names its place itself).  REQUIRE_KEY: the policy
 * has pam.require_publickey (only then are auth and session lines needed).
 * Returns the number of findings. */
typedef void (*dw_pamstack_finding_fn)(void *ctx, const char *file, unsigned int line,
				       const char *msg);
int dw_pamstack_findings(const struct dw_pamstack *st, const struct dw_pamstack_report *r,
			 bool require_key, dw_pamstack_finding_fn fn, void *ctx);

/* What is missing for key evidence, as one short sentence for a login log
 * line and audit record, without double quotes (""/0 when auth_hook_ok or
 * session_check_ok).  Returns the length. */
size_t dw_pamstack_missing(const struct dw_pamstack *st, const struct dw_pamstack_report *r,
			   char *buf, size_t sz);

/* Call FN for every service file in DIR (sorted; dot files and dpkg/ucf
 * leftovers skipped) until it returns non-zero; returns that, 0, or -errno
 * when DIR cannot be read.  Symlinked stack files are read by libpam but
 * refused by dw_pamstack_load (O_NOFOLLOW): they show up as problems. */
typedef int (*dw_pamstack_service_fn)(void *ctx, const char *service);
int dw_pamstack_services(const char *dir, dw_pamstack_service_fn fn, void *ctx);

#endif
