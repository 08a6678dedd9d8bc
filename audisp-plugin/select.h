/* select.h - which audit events are Docker-related.
 *
 * An event is forwarded when any of its records
 *  - carries an audit key listed in forward.audit_keys (key="docker", or the
 *    kernel's hex encoding of several keys separated by 0x01),
 *  - names an executable (exe=) matching a docker_binaries pattern (fnmatch),
 *  - names a path (PATH name=, relative names joined to the CWD record) equal
 *    to or below a docker_paths entry, or matching it as an fnmatch pattern,
 *  - is a decision record of dockwarden's own authz plugin or PAM module
 *    (op=dockwarden-authz / op=dockwarden-pam).
 * Only the raw part of an ENRICHED record (before 0x1d) is looked at.
 * The work is a few memmem/fnmatch calls per record: everything else is
 * dropped cheaply.
 */
#ifndef DW_AUDISP_SELECT_H
#define DW_AUDISP_SELECT_H

#include <stdbool.h>
#include <stddef.h>

#include "dw_policy.h"

struct ap_rec {
	const char *text;
	size_t len;
};

enum select_reason {
	SEL_NONE = 0,
	SEL_KEY,
	SEL_EXE,
	SEL_PATH,
	SEL_DOCKWARDEN,
};
const char *select_reason_name(enum select_reason r);

/* The sets come from the policy (borrowed; the policy must outlive the call). */
struct select_cfg {
	const struct dw_strv *keys;
	const struct dw_strv *binaries;
	const struct dw_strv *paths;
};
void select_cfg_from_policy(struct select_cfg *cfg, const struct dw_policy *p);

enum select_reason select_event(const struct select_cfg *cfg, const struct ap_rec *recs,
				size_t n);

/* Exposed for tests: decode the value of field NAME in one record (raw part).
 * Quoted values are returned without quotes; hex-encoded values are decoded.
 * Returns the length written to OUT (NUL-terminated), or -1 when absent,
 * "(null)", or too long. */
long ap_field_value(const char *text, size_t len, const char *name, char *out, size_t outsz);

#endif
