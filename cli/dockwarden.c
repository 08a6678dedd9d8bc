/* dockwarden.c - the admin CLI: dispatch to one subcommand by name. */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "dw_config.h"

struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *usage;   /* one line per form, each starting with the name */
};

static const struct command commands[] = {
	{ "policy", cmd_policy,
	  "policy check [--no-owner-check] FILE...\n"
	  "policy show [--policy FILE] [--no-owner-check]" },
	{ "keygen", cmd_keygen, "keygen PREFIX" },
	{ "verify", cmd_verify, "verify --pubkey FILE [--json] [--max-age SECONDS] LOGFILE..." },
	{ "doctor", cmd_doctor,
	  "doctor [--json] [--only ID...] [--skip ID...] [--strict] [--docker-socket PATH]\n"
	  "doctor --list" },
	{ "image", cmd_image,
	  "image verify --pubkey KEY LIST\n"
	  "image list --pubkey KEY LIST\n"
	  "image sign --seckey KEY [--comment TEXT] LIST" },
};

static void usage(FILE *out)
{
	fprintf(out, "usage: dockwarden COMMAND [ARGS...]\n"
		     "       dockwarden --help | --version\n\ncommands:\n");
	for (size_t k = 0; k < sizeof(commands) / sizeof(commands[0]); k++) {
		const char *u = commands[k].usage;

		/* indent every line of the command's usage */
		while (*u) {
			size_t n = strcspn(u, "\n");

			fprintf(out, "  dockwarden %.*s\n", (int)n, u);
			u += n + (u[n] == '\n');
		}
	}
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(stdout);
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("dockwarden %s\n", DW_VERSION);
		return 0;
	}
	for (size_t k = 0; k < sizeof(commands) / sizeof(commands[0]); k++)
		if (strcmp(argv[1], commands[k].name) == 0)
			return commands[k].run(argc - 1, argv + 1);
	fprintf(stderr, "dockwarden: unknown command \"%s\"\n", argv[1]);
	usage(stderr);
	return 2;
}
