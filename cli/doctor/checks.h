/* checks.h - the pure check functions the table in table.c lists. */
#ifndef DW_DOCTOR_CHECKS_H
#define DW_DOCTOR_CHECKS_H

#include "doctor.h"

#define DR_CHECK_FN(name) \
	void name(const struct dr_facts *f, const struct dr_check *ck, struct dr_report *r)

/* check_daemon.c */
DR_CHECK_FN(dr_check_api);
DR_CHECK_FN(dr_check_daemon_json);
DR_CHECK_FN(dr_check_authz);
DR_CHECK_FN(dr_check_tcp_tls);
DR_CHECK_FN(dr_check_userns);
DR_CHECK_FN(dr_check_icc);
DR_CHECK_FN(dr_check_live_restore);
DR_CHECK_FN(dr_check_swarm);
DR_CHECK_FN(dr_check_userland_proxy);
DR_CHECK_FN(dr_check_nnp);
DR_CHECK_FN(dr_check_seccomp);
DR_CHECK_FN(dr_check_apparmor);
DR_CHECK_FN(dr_check_selinux);
DR_CHECK_FN(dr_check_buildkit);
DR_CHECK_FN(dr_check_version);
/* check_files.c: ck->arg is an enum dr_file_id */
DR_CHECK_FN(dr_check_file);
/* check_audit.c: dr_check_watches' ck->sarg is a CIS section ("1.1.3") */
DR_CHECK_FN(dr_check_auditd);
DR_CHECK_FN(dr_check_watches);
DR_CHECK_FN(dr_check_forwarder);
DR_CHECK_FN(dr_check_spool);
/* check_logins.c */
DR_CHECK_FN(dr_check_policy);
DR_CHECK_FN(dr_check_members);
DR_CHECK_FN(dr_check_pam_stack);
DR_CHECK_FN(dr_check_pam_evidence);
DR_CHECK_FN(dr_check_password_auth);
/* check_objects.c */
DR_CHECK_FN(dr_check_containers);
DR_CHECK_FN(dr_check_volumes);
DR_CHECK_FN(dr_check_image_lists);
DR_CHECK_FN(dr_check_container_images);

#endif
