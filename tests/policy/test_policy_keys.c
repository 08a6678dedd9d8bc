/* test_policy_keys.c MANPAGE - every key of the policy's key tables is
 * documented in dockwarden-policy(5), named in bold (a ".B" or ".BR" line)
 * as SECTION.KEY (KEY at the top level and for a key only an authz profile
 * takes), and the man page puts in bold no SECTION.KEY the tables do not
 * know. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dw_policy.h"

struct ctx {
	char *man;
	int missing;
	char known[64][64];
	size_t n_known;
};

/* Is NAME a word of a ".B" or ".BR" line of MAN? */
static bool documented(const char *man, const char *name)
{
	size_t n = strlen(name);

	for (const char *p = man; (p = strstr(p, "\n.B")) != NULL; p++) {
		const char *end = strchr(p + 1, '\n');
		const char *w = p + 4;

		if (p[3] != ' ' && p[3] != 'R')
			continue;
		if (!end)
			end = p + strlen(p);
		for (; (w = strstr(w, name)) != NULL && w < end; w += n)
			if ((w[-1] == ' ' || w[-1] == '"') && (w[n] == ' ' || w[n] == '"' || w[n] == '\n'))
				return true;
	}
	return false;
}

static void check(void *arg, const char *section, const char *key, bool profile_only)
{
	struct ctx *c = arg;
	char want[200];

	if (section && !profile_only)
		snprintf(want, sizeof(want), "%s.%s", section, key);
	else
		snprintf(want, sizeof(want), "%s", key);
	if (!documented(c->man, want)) {
		fprintf(stderr, "not documented: %s (no .B or .BR line names it)\n", want);
		c->missing++;
	}
	if (section && c->n_known < 64)
		snprintf(c->known[c->n_known++], sizeof(c->known[0]), "%s.%s", section, key);
}

/* ".B pam.NAME" lines naming a key the tables do not have */
static int unknown_documented(struct ctx *c)
{
	static const char *const sections[] = { "trusted", "authz", "pam", "forward" };
	int bad = 0;

	for (const char *p = c->man; (p = strstr(p, "\n.B ")) != NULL; p++) {
		const char *s = p + 4;
		size_t n = strcspn(s, " \n");

		for (size_t k = 0; k < sizeof(sections) / sizeof(sections[0]); k++) {
			size_t sl = strlen(sections[k]);
			bool found = false;

			if (n <= sl + 1 || strncmp(s, sections[k], sl) != 0 || s[sl] != '.')
				continue;
			for (size_t i = 0; i < c->n_known; i++)
				found |= strlen(c->known[i]) == n && strncmp(c->known[i], s, n) == 0;
			if (!found) {
				fprintf(stderr, "documented but not a key: %.*s\n", (int)n, s);
				bad++;
			}
		}
	}
	return bad;
}

int main(int argc, char **argv)
{
	struct ctx c = { 0 };
	FILE *f;
	long len;
	int bad;

	if (argc != 2 || !(f = fopen(argv[1], "r"))) {
		fprintf(stderr, "usage: test_policy_keys MANPAGE (readable)\n");
		return 2;
	}
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	rewind(f);
	c.man = calloc(1, (size_t)len + 2);
	c.man[0] = '\n';
	if (fread(c.man + 1, 1, (size_t)len, f) != (size_t)len) {
		fprintf(stderr, "cannot read %s\n", argv[1]);
		return 2;
	}
	fclose(f);
	dw_policy_keys_foreach(check, &c);
	bad = c.missing + unknown_documented(&c);
	printf("%zu section keys checked against %s: %d problems\n", c.n_known, argv[1], bad);
	free(c.man);
	return bad ? 1 : 0;
}
