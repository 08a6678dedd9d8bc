/* pamstack.c - today's scan of sshd's PAM stack: does the account phase run
 * pam_dockwarden.so, and with which control?  /etc/pam.d/sshd is read
 * following "@include FILE" and "account include|substack FILE" like
 * Linux-PAM does.  (The scan itself is unchanged from the first doctor;
 * problems it meets are kept as notes for the report.) */
#include <errno.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "doctor.h"

#define DOCTOR_MAX_DEPTH 8
#define DOCTOR_LINE_MAX 4096

static void note(struct dr_pam_hit *hit, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note(struct dr_pam_hit *hit, const char *fmt, ...)
{
	size_t o = strlen(hit->notes);
	va_list ap;

	if (o + 3 >= sizeof(hit->notes))
		return;
	if (o > 0) {
		memcpy(hit->notes + o, "; ", 3);
		o += 2;
	}
	va_start(ap, fmt);
	vsnprintf(hit->notes + o, sizeof(hit->notes) - o, fmt, ap);
	va_end(ap);
}

/* Split the next whitespace-separated word of *S; a "[...]" control value
 * is one word even with spaces inside.  Returns NULL at the end. */
static char *next_word(char **s)
{
	char *p = *s, *start;

	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '\0')
		return NULL;
	start = p;
	if (*p == '[') {
		while (*p != '\0' && *p != ']')
			p++;
		if (*p == ']')
			p++;
	} else {
		while (*p != '\0' && *p != ' ' && *p != '\t')
			p++;
	}
	if (*p != '\0')
		*p++ = '\0';
	*s = p;
	return start;
}

static int scan_pam_file(const char *path, int depth, struct dr_pam_hit *hit);

static int scan_include(const char *from, const char *name, int depth, struct dr_pam_hit *hit)
{
	char dirbuf[DOCTOR_LINE_MAX], path[DOCTOR_LINE_MAX * 2];

	if (name[0] == '/') {
		dr_strf(path, sizeof(path), "%s", name);
	} else {
		dr_strf(dirbuf, sizeof(dirbuf), "%s", from);
		dr_strf(path, sizeof(path), "%s/%s", dirname(dirbuf), name);
	}
	return scan_pam_file(path, depth + 1, hit);
}

static int scan_pam_file(const char *path, int depth, struct dr_pam_hit *hit)
{
	char line[DOCTOR_LINE_MAX];
	FILE *f;
	int lineno = 0, rc = 0;

	if (depth > DOCTOR_MAX_DEPTH) {
		note(hit, "%s: includes nested deeper than %d, not followed", path, DOCTOR_MAX_DEPTH);
		return -ELOOP;
	}
	f = fopen(path, "re");
	if (f == NULL) {
		rc = -errno;
		note(hit, "cannot read %s: %s", path, strerror(-rc));
		return rc;
	}
	while (fgets(line, sizeof(line), f) != NULL && !hit->found) {
		char *s = line, *type, *control, *module, *hash;

		lineno++;
		line[strcspn(line, "\r\n")] = '\0';
		hash = strchr(line, '#');
		if (hash != NULL)
			*hash = '\0';
		type = next_word(&s);
		if (type == NULL)
			continue;
		if (strcmp(type, "@include") == 0) {
			module = next_word(&s);
			if (module != NULL)
				(void)scan_include(path, module, depth, hit);
			continue;
		}
		if (type[0] == '-')
			type++;  /* "-account": skip silently if the module is missing */
		if (strcmp(type, "account") != 0)
			continue;
		control = next_word(&s);
		module = next_word(&s);
		if (control == NULL || module == NULL)
			continue;
		if (strcmp(control, "include") == 0 || strcmp(control, "substack") == 0) {
			(void)scan_include(path, module, depth, hit);
			continue;
		}
		{
			const char *base = strrchr(module, '/');

			base = base != NULL ? base + 1 : module;
			if (strcmp(base, "pam_dockwarden.so") == 0) {
				hit->found = true;
				dr_strf(hit->where, sizeof(hit->where), "%s:%d", path, lineno);
				dr_strf(hit->control, sizeof(hit->control), "%s", control);
			}
		}
	}
	fclose(f);
	return rc;
}

void dr_scan_pam(const char *path, struct dr_pam_hit *hit)
{
	memset(hit, 0, sizeof(*hit));
	(void)scan_pam_file(path, 0, hit);
}
