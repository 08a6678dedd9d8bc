/* table.c - every check doctor runs, in report order.
 *
 * Ids are stable (scripts select them with --only/--skip and read them in
 * --json): "cis-N.N" is the CIS Docker Benchmark v1.6.0 recommendation the
 * check implements; "dw-..." are dockwarden's own. */
#include "checks.h"

#define D DR_NEED_DOCKER
#define FL (DR_NEED_FILES | DR_NEED_DOCKER | DR_NEED_POLICY)
#define AU (DR_NEED_AUDIT | DR_NEED_POLICY)
#define LG (DR_NEED_LOGINS | DR_NEED_POLICY)
#define OB (DR_NEED_OBJECTS | DR_NEED_DOCKER | DR_NEED_POLICY)

const struct dr_check dr_checks[] = {
	/* policy */
	{ "dw-policy", "dockwarden policy loads", DR_NEED_POLICY, dr_check_policy, 0, NULL },
	/* daemon */
	{ "dw-docker-api", "dockerd answers its API", D, dr_check_api, 0, NULL },
	{ "dw-daemon-json", "daemon.json is valid", D, dr_check_daemon_json, 0, NULL },
	{ "cis-2.12", "authorization plugin configured and answering", D, dr_check_authz, 0, NULL },
	{ "cis-2.7", "no TCP listener without TLS client verification", D, dr_check_tcp_tls, 0, NULL },
	{ "cis-2.9", "user namespace remapping", D, dr_check_userns, 0, NULL },
	{ "cis-2.2", "no inter-container traffic on the default bridge (icc)", D, dr_check_icc, 0,
	  NULL },
	{ "cis-2.15", "live restore enabled", D, dr_check_live_restore, 0, NULL },
	{ "cis-2.16", "userland proxy disabled", D, dr_check_userland_proxy, 0, NULL },
	{ "cis-2.14", "containers cannot gain new privileges (no-new-privileges)", D, dr_check_nnp, 0,
	  NULL },
	{ "cis-2.17", "default seccomp profile", D, dr_check_seccomp, 0, NULL },
	{ "dw-apparmor", "AppArmor confines containers", D, dr_check_apparmor, 0, NULL },
	{ "dw-selinux", "SELinux labels containers", D, dr_check_selinux, 0, NULL },
	{ "dw-buildkit", "BuildKit entitlements restricted", D, dr_check_buildkit, 0, NULL },
	{ "dw-swarm", "not a swarm node (its tasks pass no authorization plugin)",
	  D | DR_NEED_POLICY, dr_check_swarm, 0, NULL },
	{ "dw-docker-version", "Docker API version known to dockwarden", D, dr_check_version, 0,
	  NULL },
	/* files */
	{ "cis-3.1", "docker.service owner and mode", FL, dr_check_file, DR_F_SERVICE, NULL },
	{ "cis-3.3", "docker.socket unit owner and mode", FL, dr_check_file, DR_F_SOCKET_UNIT, NULL },
	{ "cis-3.5", "/etc/docker owner and mode", FL, dr_check_file, DR_F_ETC_DOCKER, NULL },
	{ "cis-3.9", "TLS CA certificate owner and mode", FL, dr_check_file, DR_F_TLSCA, NULL },
	{ "cis-3.11", "TLS server certificate owner and mode", FL, dr_check_file, DR_F_TLSCERT,
	  NULL },
	{ "cis-3.13", "TLS server key owner and mode", FL, dr_check_file, DR_F_TLSKEY, NULL },
	{ "cis-3.15", "Docker socket owner and mode", FL, dr_check_file, DR_F_DOCKER_SOCK, NULL },
	{ "cis-3.17", "daemon.json owner and mode", FL, dr_check_file, DR_F_DAEMON_JSON, NULL },
	{ "cis-3.19", "/etc/default/docker owner and mode", FL, dr_check_file, DR_F_DEFAULT_DOCKER,
	  NULL },
	{ "cis-3.23", "containerd socket owner and mode", FL, dr_check_file, DR_F_CONTAINERD_SOCK,
	  NULL },
	{ "dw-file-policy", "policy file owner and mode", FL, dr_check_file, DR_F_POLICY, NULL },
	{ "dw-file-signing-key", "signing key 0600 root", FL, dr_check_file, DR_F_SIGNING_KEY, NULL },
	{ "dw-file-spool", "forwarder spool 0700 root", FL, dr_check_file, DR_F_SPOOL, NULL },
	{ "dw-file-authz-unit", "dockwarden-authz.socket owner and mode", FL, dr_check_file,
	  DR_F_AUTHZ_UNIT, NULL },
	/* audit and logging */
	{ "dw-auditd", "audit daemon running", AU, dr_check_auditd, 0, NULL },
	{ "cis-1.1.3", "audit watch: dockerd", AU, dr_check_watches, 0, "1.1.3" },
	{ "cis-1.1.4", "audit watch: containerd, shims, runc", AU, dr_check_watches, 0, "1.1.4" },
	{ "cis-1.1.5", "audit watch: /var/lib/docker", AU, dr_check_watches, 0, "1.1.5" },
	{ "cis-1.1.6", "audit watch: /etc/docker", AU, dr_check_watches, 0, "1.1.6" },
	{ "cis-1.1.7", "audit watch: docker.service and docker.socket", AU, dr_check_watches, 0,
	  "1.1.7" },
	{ "cis-1.1.8", "audit watch: containerd.sock, docker.sock", AU, dr_check_watches, 0,
	  "1.1.8" },
	{ "cis-1.1.10", "audit watch: /etc/default/docker", AU, dr_check_watches, 0, "1.1.10" },
	{ "cis-1.1.11", "audit watch: /etc/docker/daemon.json", AU, dr_check_watches, 0, "1.1.11" },
	{ "cis-1.1.12", "audit watch: /etc/containerd/config.toml", AU, dr_check_watches, 0,
	  "1.1.12" },
	{ "cis-1.1.13", "audit watch: /etc/sysconfig/docker", AU, dr_check_watches, 0, "1.1.13" },
	{ "cis-1.1.14", "audit watch: the docker CLI", AU, dr_check_watches, 0, "1.1.14" },
	{ "dw-forwarder", "audit records forwarded to a log host", AU, dr_check_forwarder, 0, NULL },
	{ "dw-spool", "forwarder spool drained", AU, dr_check_spool, 0, NULL },
	/* logins */
	{ "cis-1.1.2", "only trusted users in guarded groups", LG, dr_check_members, 0, NULL },
	{ "dw-pam-sshd", "sshd's PAM stack enforces pam_dockwarden", LG, dr_check_pam_stack, 0,
	  NULL },
	{ "dw-pam-evidence", "PAM stacks give pam_dockwarden what it needs", LG,
	  dr_check_pam_evidence, 0, NULL },
	{ "dw-ssh-password", "no sshd password logins for guarded users", LG, dr_check_password_auth,
	  0, NULL },
	/* containers and volumes */
	{ "dw-container", "existing container within the authz rules", OB, dr_check_containers, 0,
	  NULL },
	{ "dw-volume", "existing volume within the authz rules", OB, dr_check_volumes, 0, NULL },
	{ "dw-image-lists", "trusted image lists read and verified", DR_NEED_POLICY,
	  dr_check_image_lists, 0, NULL },
	{ "dw-container-image", "existing container's image on a trusted list", OB,
	  dr_check_container_images, 0, NULL },
};
const size_t dr_n_checks = sizeof(dr_checks) / sizeof(dr_checks[0]);
