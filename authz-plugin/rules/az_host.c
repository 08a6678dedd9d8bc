/* az_host.c - facts about this host that decide a rule (see az_host.h). */
#include "az_host.h"

#include <errno.h>
#include <string.h>

int az_host_masked_paths(glob_t *g)
{
	int rc;

	memset(g, 0, sizeof(*g));
	rc = glob("/sys/devices/system/cpu/cpu[0-9]*/thermal_throttle", GLOB_ONLYDIR, NULL, g);
	if (rc == 0 || rc == GLOB_NOMATCH)
		return 0;
	globfree(g);
	memset(g, 0, sizeof(*g));
	return rc == GLOB_NOSPACE ? -ENOMEM : -EIO;
}
