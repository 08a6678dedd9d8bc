/* audit_rules.c - the watches dockwarden ships, read from the rules file's
 * text (compiled in from packaging/audit/dockwarden.rules, so the doctor
 * compares with exactly what the package installs). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/audit.h>

#include "doctor.h"

static uint32_t perm_bits(const char *s, size_t n)
{
	uint32_t p = 0;

	for (size_t i = 0; i < n; i++)
		p |= s[i] == 'r' ? AUDIT_PERM_READ : s[i] == 'w' ? AUDIT_PERM_WRITE
		   : s[i] == 'x' ? AUDIT_PERM_EXEC : s[i] == 'a' ? AUDIT_PERM_ATTR : 0;
	return p;
}

/* The value of OPT ("path=", "-k") in LINE, copied to OUT; false if absent. */
static bool field(const char *line, const char *opt, char *out, size_t sz)
{
	const char *p = strstr(line, opt);
	size_t n;

	if (p == NULL)
		return false;
	p += strlen(opt);
	while (*p == ' ')
		p++;
	n = strcspn(p, " \t\r\n");
	if (n == 0 || n >= sz)
		return false;
	memcpy(out, p, n);
	out[n] = '\0';
	return true;
}

int dr_parse_want_rules(const char *text, struct dr_want_rule **out, size_t *n)
{
	struct dr_want_rule *v = NULL, *t;
	char cis[16] = "", line[DR_PATH + 256], perm[16];
	const char *s = text;
	size_t k = 0;
	int rc = 0;

	while (*s) {
		size_t len = strcspn(s, "\n");
		struct dr_want_rule w;

		dr_strf(line, sizeof(line), "%.*s", (int)len, s);
		s += len + (s[len] == '\n');
		if (strncmp(line, "## 1.", 5) == 0) {
			dr_strf(cis, sizeof(cis), "%.*s", (int)strcspn(line + 3, " "), line + 3);
			continue;
		}
		memset(&w, 0, sizeof(w));
		dr_strf(w.cis, sizeof(w.cis), "%s", cis);
		if (strncmp(line, "-w ", 3) == 0) {
			if (!field(line, "-w ", w.path, sizeof(w.path)))
				continue;
			if (field(line, "-p ", perm, sizeof(perm)))
				w.perm = perm_bits(perm, strlen(perm));
		} else if (strncmp(line, "-a ", 3) == 0) {
			if (field(line, "-F dir=", w.path, sizeof(w.path)))
				w.dir = true;
			else if (!field(line, "-F path=", w.path, sizeof(w.path)))
				continue;
			if (field(line, "-F perm=", perm, sizeof(perm)))
				w.perm = perm_bits(perm, strlen(perm));
		} else {
			continue;
		}
		if (!field(line, "-k ", w.key, sizeof(w.key)) &&
		    !field(line, "-F key=", w.key, sizeof(w.key)))
			w.key[0] = '\0';
		t = realloc(v, (k + 1) * sizeof(*v));
		if (t == NULL) {
			rc = -ENOMEM;
			goto out;
		}
		v = t;
		v[k++] = w;
	}
	*out = v;
	*n = k;
	v = NULL;
out:
	free(v);
	return rc;
}
