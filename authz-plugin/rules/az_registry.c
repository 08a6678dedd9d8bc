/* az_registry.c - image names as reference.ParseNormalizedNamed reads them.
 *
 * "busybox" -> "docker.io/library/busybox", "me/app" -> "docker.io/me/app",
 * "index.docker.io/x" -> "docker.io/library/x", "reg:5000/a/b" stays.  The
 * first component is a registry when it holds '.' or ':', is "localhost", or
 * has upper-case letters.  Tag and digest are dropped: trust is per name. */
#include <stdio.h>
#include <string.h>

#include "az_rules.h"

static bool valid_char(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
	       ch == '.' || ch == '_' || ch == '-' || ch == '/' || ch == ':' || ch == '@';
}

int az_image_normalize(const char *ref, size_t len, char *out, size_t outsz)
{
	char name[512];
	const char *at, *slash, *lastslash, *colon;
	size_t nlen, i, dl;
	const char *domain = "docker.io", *rest;
	int w;
	bool is_domain;

	if (len == 0 || len >= sizeof(name))
		return -1;
	for (i = 0; i < len; i++)
		if (!valid_char(ref[i]))
			return -1;
	if (len >= 7 && memcmp(ref, "sha256:", 7) == 0)
		return -1; /* an image ID names no registry */
	at = memchr(ref, '@', len);
	nlen = at ? (size_t)(at - ref) : len;
	memcpy(name, ref, nlen);
	name[nlen] = '\0';
	lastslash = strrchr(name, '/');
	colon = strrchr(name, ':');
	if (colon && (!lastslash || colon > lastslash))
		name[colon - name] = '\0'; /* drop the tag */
	if (name[0] == '\0')
		return -1;
	slash = strchr(name, '/');
	rest = name;
	if (slash) {
		dl = (size_t)(slash - name);
		is_domain = memchr(name, '.', dl) || memchr(name, ':', dl) ||
			    (dl == 9 && memcmp(name, "localhost", 9) == 0);
		for (i = 0; i < dl && !is_domain; i++)
			is_domain = name[i] >= 'A' && name[i] <= 'Z';
		if (is_domain) {
			name[dl] = '\0';
			domain = name;
			rest = name + dl + 1;
		}
	}
	if (strcmp(domain, "index.docker.io") == 0)
		domain = "docker.io";
	if (strcmp(domain, "docker.io") == 0 && !strchr(rest, '/'))
		w = snprintf(out, outsz, "docker.io/library/%s", rest);
	else
		w = snprintf(out, outsz, "%s/%s", domain, rest);
	return (w < 0 || (size_t)w >= outsz) ? -1 : 0;
}

bool az_registry_trusted(const struct dw_strv *trusted, const char *normalized)
{
	size_t i;

	for (i = 0; i < trusted->n; i++) {
		const char *t = trusted->v[i];
		size_t tl = strlen(t);
		while (tl > 0 && t[tl - 1] == '/')
			tl--;
		if (strncmp(normalized, t, tl) == 0 &&
		    (normalized[tl] == '\0' || normalized[tl] == '/'))
			return true;
	}
	return false;
}
