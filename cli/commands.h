/* commands.h - the dockwarden CLI's subcommands.
 *
 * Each subcommand is one file cmd_NAME.c with one entry point taking the
 * argument vector from its own name on (argv[0] == "NAME") and returning the
 * process exit status: 0 success, 1 a finding or failure, 2 bad usage.
 * To add one: declare it here, add a row to the table in dockwarden.c, and
 * add its file to cli/meson.build's dockwarden_cli_sources. */
#ifndef DW_CLI_COMMANDS_H
#define DW_CLI_COMMANDS_H

/* dockwarden policy check|show */
int cmd_policy(int argc, char **argv);

/* dockwarden keygen PREFIX */
int cmd_keygen(int argc, char **argv);
/* dockwarden verify --pubkey FILE [--json] [--max-age S] LOGFILE... */
int cmd_verify(int argc, char **argv);

/* dockwarden doctor [--json] [--only ID...] [--skip ID...] [--strict] ...
 * (cli/doctor: exit 0 nothing failed, 1 warnings with --strict, 2 a failure) */
int cmd_doctor(int argc, char **argv);

/* dockwarden image verify|list --pubkey KEY LIST, image sign --seckey KEY LIST
 * (trusted image lists signed in minisign's format) */
int cmd_image(int argc, char **argv);

#endif
