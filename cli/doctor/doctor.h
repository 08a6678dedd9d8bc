/* doctor.h - dockwarden doctor: facts, checks, results.
 *
 * Two halves.  The gather_*.c files do all the I/O (dockerd's API over its
 * socket, /proc, daemon.json, file modes, the kernel's audit rules, group
 * and sshd settings) and store what they saw in struct dr_facts, errors
 * included.  The check_*.c files are pure: each judges facts into results,
 * so every check is tested from hand-made facts without a daemon
 * (tests/unit/test_doctor.c) as well as on a real host (tests/doctor/).
 * table.c lists the checks, OpenSSH-dispatch style: id, title, what facts
 * it needs, the function.
 *
 * Ids are stable: "cis-N.N" where the CIS Docker Benchmark (v1.6.0
 * numbering) has the check, "dw-..." otherwise. */
#ifndef DW_DOCTOR_H
#define DW_DOCTOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>
#include <time.h>

#include <jansson.h>

#include "dw_policy.h"

struct az_images;

/* The newest Docker API version the authz plugin decodes (generated from
 * authz-plugin/schema/moby-versions.tsv); newer requests are denied as
 * unsupported, so a newer dockerd is a finding. */
#include "az_schema_gen.h"
#define DR_API_KNOWN_MAX AZ_API_MAX

#define DR_MSG 512
#define DR_PATH 4096

enum dr_level { DR_PASS, DR_WARN, DR_FAIL, DR_SKIP };

/* Which facts a check reads: gather only what the selected checks need. */
enum {
	DR_NEED_POLICY = 1u << 0,
	DR_NEED_DOCKER = 1u << 1,   /* API, command line, daemon.json, plugins */
	DR_NEED_OBJECTS = 1u << 2,  /* every container and volume inspected */
	DR_NEED_FILES = 1u << 3,
	DR_NEED_AUDIT = 1u << 4,
	DR_NEED_LOGINS = 1u << 5,
};

/* ---- facts ---------------------------------------------------------- */

/* stat() of one path; ERR 0 or an errno (ENOENT: not on this host). */
struct dr_stat {
	char path[DR_PATH];
	int err;
	uid_t uid;
	gid_t gid;
	mode_t mode;    /* st_mode: type and permission bits */
};

/* One authorization plugin dockerd was told to use, and its probe. */
struct dr_plugin {
	char name[128];
	char where[DR_PATH];    /* the .sock, .spec or .json that names it; "" if none */
	char addr[DR_PATH];     /* "unix:///run/..." or "tcp://..." */
	int err;                /* 0: answered POST /Plugin.Activate */
	char msg[DR_MSG];       /* what went wrong, or the Implements list */
	bool implements_authz;
};
#define DR_MAX_PLUGINS 8

/* An inspect document (GET /containers/ID/json, GET /volumes/NAME). */
struct dr_object {
	char *name;
	char *json;
	size_t len;
	char *image;  /* a container's image ID ("sha256:..."), else NULL */
};

/* One watch loaded in the kernel (AUDIT_LIST_RULES). */
struct dr_arule {
	char path[DR_PATH];
	bool dir;               /* -F dir= (a tree), else -F path= / -w */
	uint32_t perm;          /* AUDIT_PERM_* bits; 0 = not given */
	char key[128];
};

/* One watch dockwarden ships (packaging/audit/dockwarden.rules). */
struct dr_want_rule {
	char cis[16];           /* "1.1.3": the section comment above it */
	char path[DR_PATH];
	bool dir;
	uint32_t perm;
	char key[128];
	int path_err;           /* lstat() of PATH on this host: 0 or errno */
};

struct dr_member {
	char name[64];
	char group[64];
	bool primary;
	bool trusted;
	/* sshd -T -C user=NAME,...: "yes"/"no"; "" when not asked or failed */
	char password_auth[16];
	char sshd_err[DR_MSG];
};

/* sshd's PAM stack (pamstack.c): is pam_dockwarden.so in its account
 * phase, and with which control. */
struct dr_pam_hit {
	char where[DR_PATH + 64];
	char control[128];
	bool found;
	char notes[DR_MSG];     /* a directory that cannot be listed */
};

/* What the stacks holding the account line lack (dw_pamstack_findings),
 * each once ("FILE:LINE" or "" for a service as a whole). */
#define DR_PAM_FINDINGS_MAX 48
struct dr_pam_findings {
	size_t n;
	bool truncated;
	struct {
		char where[DR_PATH + 16];
		char msg[DR_MSG];
	} v[DR_PAM_FINDINGS_MAX];
};

/* NOLINTNEXTLINE(clang-analyzer-optin.performance.Padding): grouped by source for reading; one per run */
struct dr_facts {
	time_t now;                 /* when the facts were read */

	/* policy */
	const char *policy_path;
	struct dw_policy *pol;      /* the file's, or the built-in default */
	int pol_err;                /* 0, or why the file is unusable */
	bool pol_builtin;           /* file absent: built-in default */
	char pol_diag[DR_MSG];

	/* dockerd */
	const char *docker_socket;
	int docker_err;             /* connecting or talking to dockerd; 0 = fine */
	char docker_msg[DR_MSG];    /* curl's or dockerd's own words */
	json_t *info;               /* GET /info; NULL when not answered */
	json_t *version;            /* GET /version */
	pid_t dockerd_pid;          /* the socket's peer (SO_PEERCRED); 0 unknown */
	char **argv;                /* /proc/PID/cmdline */
	size_t argc;
	int cmdline_err;
	char daemon_json_path[DR_PATH];
	json_t *daemon_json;        /* NULL when absent or broken */
	int daemon_json_err;        /* 0, ENOENT (defaults apply), or why unusable */
	char daemon_json_msg[DR_MSG];
	struct dr_plugin plugins[DR_MAX_PLUGINS];
	size_t n_plugins;
	bool kernel_apparmor;       /* /sys/module/apparmor/parameters/enabled is Y */
	bool kernel_selinux;        /* selinuxfs mounted, enforcing or permissive */

	/* containers and volumes */
	int objects_err;
	char objects_msg[DR_MSG];
	struct dr_object *containers, *volumes;
	size_t n_containers, n_volumes;
	/* the policy's trusted image lists, and each container image's inspect
	 * document (GET /images/ID/json, named by ID): read only when the
	 * policy names lists */
	struct az_images *image_set;  /* NULL: none named, or out of memory */
	int images_err;               /* loading the lists: 0 or ENOMEM */
	struct dr_object *images;
	size_t n_images;

	/* files (indexes: enum dr_file_id) */
	struct dr_stat files[16];
	gid_t docker_gid;           /* the "docker" group; (gid_t)-1 if none */

	/* audit and forwarding */
	pid_t auditd_pid;           /* registered with the kernel; 0 none */
	int audit_err;              /* reading the status or the rules */
	char audit_msg[DR_MSG];
	struct dr_arule *rules;
	size_t n_rules;
	struct dr_want_rule *want;
	size_t n_want;
	char fwd_conf[DR_PATH];     /* the plugins.d file naming dockwarden-audisp; "" none */
	bool fwd_active;
	int spool_err;
	uint64_t spool_bytes, spool_segments;
	uint64_t spool_durable_seq, spool_acked_seq;
	time_t spool_acked_mtime;   /* when the log host last acknowledged; 0 never */

	/* logins */
	int members_err;
	char members_msg[DR_MSG];
	struct dr_member *members;  /* every member of every guarded group */
	size_t n_members;
	const char *sshd_pam_path;
	struct dr_pam_hit pam;
	struct dr_pam_findings pam_findings;
	const char *sshd_config;    /* NULL: sshd's default */
};

/* Files judged by the cis-3.x and dw-file checks. */
enum dr_file_id {
	DR_F_SERVICE,     /* docker.service */
	DR_F_SOCKET_UNIT, /* docker.socket */
	DR_F_ETC_DOCKER,
	DR_F_TLSCA,
	DR_F_TLSCERT,
	DR_F_TLSKEY,
	DR_F_DOCKER_SOCK,
	DR_F_DAEMON_JSON,
	DR_F_DEFAULT_DOCKER,
	DR_F_CONTAINERD_SOCK,
	DR_F_POLICY,
	DR_F_SIGNING_KEY,
	DR_F_SPOOL,
	DR_F_AUTHZ_UNIT,
	DR_F_COUNT
};

/* ---- results -------------------------------------------------------- */

struct dr_result {
	const char *id;
	const char *title;
	enum dr_level level;
	char *object;     /* a container, volume, file or user; NULL for the host */
	char *evidence;   /* what was seen; for skip, the reason */
	char *remedy;     /* NULL on pass and skip */
};

struct dr_report {
	struct dr_result *v;
	size_t n, cap;
	int err;          /* -ENOMEM once an add failed: the report is incomplete */
};

struct dr_check;
/* Add one result of check CK.  REMEDY only for warn/fail (may be NULL). */
void dr_add(struct dr_report *r, const struct dr_check *ck, enum dr_level level,
	    const char *object, const char *remedy, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));
void dr_report_free(struct dr_report *r);
/* 0 nothing failed (1 with STRICT and a warning), 2 a failure. */
int dr_exit_status(const struct dr_report *r, bool strict);
void dr_print_text(FILE *out, const struct dr_report *r);
int dr_print_json(FILE *out, const struct dr_report *r, const struct dr_facts *f);
const char *dr_level_name(enum dr_level l);
/* snprintf() into a fixed buffer, cut at its end (messages, paths). */
void dr_strf(char *out, size_t sz, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* ---- the table ------------------------------------------------------ */

typedef void (*dr_check_fn)(const struct dr_facts *f, const struct dr_check *ck,
			    struct dr_report *r);

/* NOLINTNEXTLINE(clang-analyzer-optin.performance.Padding): fields in the order the table reads best */
struct dr_check {
	const char *id;
	const char *title;
	unsigned int needs;     /* DR_NEED_* */
	dr_check_fn fn;
	int arg;                /* per-row argument (a file id, an audit section) */
	const char *sarg;
};

extern const struct dr_check dr_checks[];
extern const size_t dr_n_checks;

/* ---- pure helpers shared by checks ---------------------------------- */

/* dockerd's effective setting NAME ("icc"), command line first (--icc,
 * --icc=false, --icc false), then daemon.json.  Returns the JSON value
 * (a new reference the caller releases; strings for command-line values),
 * NULL when set nowhere (dockerd's default applies). */
json_t *dr_setting(const struct dr_facts *f, const char *name, const char **from);
/* Same for a boolean with default DEF; *FROM names where it came from. */
bool dr_setting_bool(const struct dr_facts *f, const char *name, bool def, const char **from);
/* Every value of a repeatable setting ("host" / -H, "authorization-plugin"):
 * NULL-terminated, caller frees the array (strings point into F). */
const char **dr_setting_list(const struct dr_facts *f, const char *flag, char shortopt,
			     const char *json_key, size_t *n);
/* Does /info SecurityOptions hold an entry "name=NAME[,...]"?  *OPTS gets it. */
bool dr_secopt(const struct dr_facts *f, const char *name, const char **opts);
/* Compare dotted versions: <0, 0, >0. */

/* Parse the shipped audit rules text (what dockwarden.rules holds) into
 * watches; lines that are not path/dir watches are ignored. */
int dr_parse_want_rules(const char *text, struct dr_want_rule **out, size_t *n);
extern const char dr_shipped_audit_rules[];

/* ---- gathering ------------------------------------------------------ */

struct dr_options {
	const char *policy_path;
	const char *docker_socket;
	const char *sshd_pam;
	const char *sshd_config;
	const char *audit_plugins_dir;
};

void dr_facts_init(struct dr_facts *f);
void dr_facts_free(struct dr_facts *f);
void dr_gather_policy(struct dr_facts *f, const struct dr_options *o);
void dr_gather_docker(struct dr_facts *f, const struct dr_options *o, bool objects);
void dr_gather_files(struct dr_facts *f, const struct dr_options *o);
void dr_gather_audit(struct dr_facts *f, const struct dr_options *o);
void dr_gather_logins(struct dr_facts *f, const struct dr_options *o);
/* pamstack.c: sshd's PAM stack (PATH) into HIT, and what every stack of its
 * directory that holds the account line lacks into FINDINGS (auth and
 * session lines asked for in sshd's stacks when REQUIRE_KEY). */
void dr_scan_pam(const char *path, bool require_key, struct dr_pam_hit *hit,
		 struct dr_pam_findings *findings);

#endif
