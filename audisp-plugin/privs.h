/* privs.h - give up what the forwarder does not need once its files are open.
 *
 * auditd starts plugins as root.  The forwarder needs no capability at all
 * after start: its spool, key and policy files belong to root (uid 0 reaches
 * them through plain owner permissions), and it connects out to an
 * unprivileged port.  So it keeps uid 0 (the spool stays root-owned and
 * SIGHUP can re-read root-only files) but empties every capability set and
 * the bounding set, and sets no_new_privs: a compromised forwarder cannot
 * override file permissions, load modules, change audit rules or regain
 * privileges through exec. */
#ifndef DW_AUDISP_PRIVS_H
#define DW_AUDISP_PRIVS_H

/* 0, or -errno (the caller logs and carries on: a forwarder that cannot drop
 * privileges still forwards). */
int privs_drop(void);

#endif
