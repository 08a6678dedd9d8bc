/* cmd_keygen.c - dockwarden keygen PREFIX: a signing key pair for the audit
 * forwarder.  PREFIX.key (secret, 0600) goes to forward.signing_key on the
 * Docker host; PREFIX.pub goes to the log host for `dockwarden verify`. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "dw_sign.h"

int cmd_keygen(int argc, char **argv)
{
	char id[DW_SIGN_KEYID_HEX + 1] = "";
	int rc;

	if (argc != 2 || argv[1][0] == '\0' || argv[1][0] == '-') {
		fprintf(stderr, "usage: dockwarden keygen PREFIX   (writes PREFIX.key and PREFIX.pub)\n");
		return 2;
	}
	if (dw_sign_init() < 0) {
		fprintf(stderr, "dockwarden keygen: cannot initialise libsodium\n");
		return 1;
	}
	rc = dw_sign_keygen(argv[1], id, sizeof id);
	if (rc == -EEXIST) {
		fprintf(stderr, "dockwarden keygen: %s.key or %s.pub already exists; not overwriting\n",
			argv[1], argv[1]);
		return 1;
	}
	if (rc < 0) {
		fprintf(stderr, "dockwarden keygen: cannot write %s.key/%s.pub: %s\n", argv[1], argv[1],
			strerror(-rc));
		return 1;
	}
	printf("secret key: %s.key (mode 0600; keep it on the Docker host only)\n"
	       "public key: %s.pub (copy it to the log host for dockwarden verify)\n"
	       "key id:     %s\n", argv[1], argv[1], id);
	return 0;
}
