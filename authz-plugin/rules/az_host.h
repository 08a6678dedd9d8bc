/* az_host.h - facts about this host that decide a rule: what dockerd masks
 * in a container besides its fixed list.
 *
 * From 28.0.2 dockerd also masks each CPU's thermal_throttle directory that
 * exists (moby oci/defaults.go defaultLinuxMaskedPaths: one os.Stat per
 * possible CPU); a custom MaskedPaths must keep those too.  The plugin and
 * the doctor read them once, at start: CPUs are not added to a running
 * host's sysfs often enough to matter, and a rule must not do I/O. */
#ifndef AZ_HOST_H
#define AZ_HOST_H

#include <glob.h>

#include "dw_attr.h"

/* The paths into G (G->gl_pathv, G->gl_pathc; globfree() it).  0, also
 * when there are none; -ENOMEM; -EIO when sysfs cannot be read. */
DW_MUST_CHECK int az_host_masked_paths(glob_t *g);

#endif
