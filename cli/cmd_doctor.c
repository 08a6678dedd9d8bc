/* cmd_doctor.c - dockwarden doctor: the host's Docker security posture.
 *
 *   dockwarden doctor [--json] [--only ID...] [--skip ID...] [--strict]
 *                     [--docker-socket PATH] [--policy FILE] [--sshd-pam FILE]
 *                     [--sshd-config FILE] [--audit-plugins-dir DIR]
 *
 * Gathers the facts the selected checks need (doctor/gather_*.c), runs the
 * checks of doctor/table.c over them and prints one result per check, or
 * per object for containers, volumes, files and users.
 * Exit status: 0 nothing failed, 1 warnings only and --strict, 2 a failure
 * (or bad usage, or a report that could not be completed). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "doctor/doctor.h"
#include "dw_config.h"

static void usage(FILE *out)
{
	fprintf(out,
		"usage: dockwarden doctor [--json] [--only ID...] [--skip ID...] [--strict]\n"
		"                         [--docker-socket PATH] [--policy FILE] [--sshd-pam FILE]\n"
		"                         [--sshd-config FILE] [--audit-plugins-dir DIR]\n"
		"       dockwarden doctor --list\n");
}

/* Does selector SEL name check ID: equal, or a prefix up to a '.' or '-'
 * ("cis-1.1" selects cis-1.1.3, not cis-1.10). */
static bool selects(const char *sel, const char *id)
{
	size_t n = strlen(sel);

	return strncmp(sel, id, n) == 0 && (id[n] == '\0' || id[n] == '.' || id[n] == '-');
}

static bool any_selects(char **v, size_t n, const char *id)
{
	for (size_t i = 0; i < n; i++)
		if (selects(v[i], id))
			return true;
	return false;
}

/* Collect the ID operands after --only/--skip (space or comma separated). */
static int take_ids(int argc, char **argv, int *i, char ***v, size_t *n)
{
	while (*i + 1 < argc && argv[*i + 1][0] != '-') {
		char *s = argv[++*i], *tok, *save = NULL;

		for (tok = strtok_r(s, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
			char **t = realloc(*v, (*n + 1) * sizeof(**v));

			if (t == NULL)
				return -1;
			*v = t;
			t[(*n)++] = tok;
		}
	}
	return 0;
}

int cmd_doctor(int argc, char **argv)
{
	struct dr_options o = {
		.policy_path = DW_DEFAULT_POLICY,
		.docker_socket = "/var/run/docker.sock",
		.sshd_pam = "/etc/pam.d/sshd",
		.sshd_config = NULL,
		.audit_plugins_dir = "/etc/audit/plugins.d",
	};
	struct dr_facts f;
	struct dr_report rep = { 0 };
	char **only = NULL, **skip = NULL;
	size_t n_only = 0, n_skip = 0, k;
	unsigned int needs = 0;
	bool json = false, strict = false, *run = NULL;
	int i, rc = 2;

	dr_facts_init(&f);
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		bool more = i + 1 < argc;

		if (strcmp(a, "--json") == 0) {
			json = true;
		} else if (strcmp(a, "--strict") == 0) {
			strict = true;
		} else if (strcmp(a, "--only") == 0 || strcmp(a, "--skip") == 0) {
			bool is_only = a[2] == 'o';
			size_t before = is_only ? n_only : n_skip;

			if (take_ids(argc, argv, &i, is_only ? &only : &skip,
				     is_only ? &n_only : &n_skip) < 0) {
				fprintf(stderr, "dockwarden doctor: out of memory\n");
				goto out;
			}
			if ((is_only ? n_only : n_skip) == before) {
				fprintf(stderr, "dockwarden doctor: %s needs at least one check id\n", a);
				goto usage;
			}
		} else if (strcmp(a, "--docker-socket") == 0 && more) {
			o.docker_socket = argv[++i];
		} else if (strcmp(a, "--policy") == 0 && more) {
			o.policy_path = argv[++i];
		} else if (strcmp(a, "--sshd-pam") == 0 && more) {
			o.sshd_pam = argv[++i];
		} else if (strcmp(a, "--sshd-config") == 0 && more) {
			o.sshd_config = argv[++i];
		} else if (strcmp(a, "--audit-plugins-dir") == 0 && more) {
			o.audit_plugins_dir = argv[++i];
		} else if (strcmp(a, "--list") == 0) {
			for (k = 0; k < dr_n_checks; k++)
				printf("%-20s %s\n", dr_checks[k].id, dr_checks[k].title);
			rc = 0;
			goto out;
		} else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			usage(stdout);
			rc = 0;
			goto out;
		} else {
			fprintf(stderr, "dockwarden doctor: unknown or incomplete option \"%s\"\n", a);
			goto usage;
		}
	}
	/* an id that selects nothing is a typo: say so rather than check less */
	for (k = 0; k < n_only + n_skip; k++) {
		const char *sel = k < n_only ? only[k] : skip[k - n_only];
		size_t c;

		for (c = 0; c < dr_n_checks && !selects(sel, dr_checks[c].id); c++)
			;
		if (c == dr_n_checks) {
			fprintf(stderr, "dockwarden doctor: no check has the id \"%s\" "
					"(dockwarden doctor --list)\n", sel);
			goto usage;
		}
	}

	run = calloc(dr_n_checks, sizeof(*run));
	if (run == NULL) {
		fprintf(stderr, "dockwarden doctor: out of memory\n");
		goto out;
	}
	for (k = 0; k < dr_n_checks; k++) {
		run[k] = (n_only == 0 || any_selects(only, n_only, dr_checks[k].id)) &&
			 !any_selects(skip, n_skip, dr_checks[k].id);
		if (run[k])
			needs |= dr_checks[k].needs;
	}

	/* in dependency order: files and audit read the policy and dockerd's settings */
	if (needs & (DR_NEED_POLICY | DR_NEED_OBJECTS | DR_NEED_AUDIT | DR_NEED_LOGINS | DR_NEED_FILES))
		dr_gather_policy(&f, &o);
	if (needs & (DR_NEED_DOCKER | DR_NEED_OBJECTS | DR_NEED_FILES))
		dr_gather_docker(&f, &o, (needs & DR_NEED_OBJECTS) != 0);
	if (needs & DR_NEED_FILES)
		dr_gather_files(&f, &o);
	if (needs & DR_NEED_AUDIT)
		dr_gather_audit(&f, &o);
	if (needs & DR_NEED_LOGINS)
		dr_gather_logins(&f, &o);

	for (k = 0; k < dr_n_checks; k++)
		if (run[k])
			dr_checks[k].fn(&f, &dr_checks[k], &rep);

	if (json) {
		if (dr_print_json(stdout, &rep, &f) < 0) {
			fprintf(stderr, "dockwarden doctor: cannot write the JSON report\n");
			goto out;
		}
	} else {
		dr_print_text(stdout, &rep);
	}
	rc = fflush(stdout) == 0 ? dr_exit_status(&rep, strict) : 2;
	goto out;
usage:
	usage(stderr);
	rc = 2;
out:
	free(run);
	free(only);
	free(skip);
	dr_report_free(&rep);
	dr_facts_free(&f);
	return rc;
}
