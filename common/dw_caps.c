/* dw_caps.c - capability names the way dockerd reads them.
 *
 * dockerd (moby oci/caps NormalizeLegacyCapabilities) upper-cases each name
 * and adds "CAP_" unless it already has it or is "ALL".  The plugin must see
 * the same name dockerd will act on, or "sys_admin" would slip past an
 * allow-list written as "SYS_ADMIN".  Note "CAP_ALL" is not "ALL" for dockerd
 * (it rejects it as unknown), so it is not "ALL" here either. */
#include <errno.h>
#include <string.h>

#include "dw_match.h"

ssize_t dw_cap_normalize(const char *in, size_t len, char *out, size_t outsz)
{
	static const char prefix[] = "CAP_";
	const size_t plen = sizeof(prefix) - 1;
	bool has_prefix, is_all;
	size_t i, total, o = 0;
	ssize_t ret;

	if (!in || !out || len == 0) {
		ret = -EINVAL;
		goto out;
	}
	/* ASCII names only: Go's Unicode upper-casing of anything else could
	 * differ from ours, so refuse rather than guess. */
	for (i = 0; i < len; i++) {
		char c = in[i];

		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		      (c >= '0' && c <= '9') || c == '_')) {
			ret = -EINVAL;
			goto out;
		}
	}
	has_prefix = len >= plen && strncasecmp(in, prefix, plen) == 0;
	is_all = len == 3 && strncasecmp(in, "ALL", 3) == 0;
	if (has_prefix && len == plen) {
		ret = -EINVAL;   /* "CAP_" names nothing */
		goto out;
	}
	total = len + ((has_prefix || is_all) ? 0 : plen);
	if (total + 1 > outsz) {
		ret = -ENOSPC;
		goto out;
	}
	if (!has_prefix && !is_all) {
		memcpy(out, prefix, plen);
		o = plen;
	}
	for (i = 0; i < len; i++) {
		char c = in[i];

		out[o++] = (c >= 'a' && c <= 'z') ? (char)(c - 'a' + 'A') : c;
	}
	out[o] = '\0';
	ret = (ssize_t)o;
out:
	return ret;
}
