/* az_rules_config.c - root_user, secrets_in_env, trusted_registries. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "az_rules.h"

/* "0", "root", "0:…", "root:…": uid 0 in the container; with EMPTY_IS_ROOT
 * also "" (containers: the image's user, root unless the image says
 * otherwise; exec: "" is the container's user, judged at create). */
void az_check_user(struct az_ctx *c, az_jv user, const char *field, bool empty_is_root)
{
	const char *s;
	size_t len, ul;
	const char *colon;

	if (az_str(c, user, field, &s, &len) < 0)
		return;
	colon = memchr(s, ':', len);
	ul = colon ? (size_t)(colon - s) : len;
	if (len == 0 && empty_is_root)
		az_flag(c, DW_RULE_ROOT_USER, "%s is empty (the image default user, usually root)", field);
	else if ((ul == 1 && s[0] == '0') || (ul == 4 && memcmp(s, "root", 4) == 0))
		az_flag(c, DW_RULE_ROOT_USER, "%s is root", field);
}

/* Does S (LEN bytes) contain WORD (upper-case ASCII letters) in any case?
 * ASCII folding as strncasecmp in the C locale; & 0xdf upper-cases letters
 * and maps no other byte into 'A'..'Z'.  (Env can hold ~20,000 entries in a
 * 1 MiB body: this runs once per entry and word.) */
static bool contains_ci(const char *s, size_t len, const char *word, size_t wl)
{
	size_t i, j;

	for (i = 0; i + wl <= len; i++) {
		if ((s[i] & 0xdf) != word[0])
			continue;
		for (j = 1; j < wl && (s[i + j] & 0xdf) == word[j]; j++)
			;
		if (j == wl)
			return true;
	}
	return false;
}

/* Names only: values never reach a message or a log. */
void az_check_env(struct az_ctx *c, az_jv env, const char *field)
{
	size_t i;
	az_jv e;

	AZ_JARR_FOREACH(env, i, e) {
		const char *s, *eq;
		size_t len, nl;
		char name[96];
		if (az_arr_str(c, e, i, field, &s, &len) < 0)
			return;
		eq = memchr(s, '=', len);
		nl = eq ? (size_t)(eq - s) : len;
		if (contains_ci(s, nl, "PASSWORD", 8) || contains_ci(s, nl, "SECRET", 6) ||
		    contains_ci(s, nl, "TOKEN", 5) ||
		    (nl >= 4 && s[nl - 4] == '_' && contains_ci(s + nl - 3, 3, "KEY", 3))) {
			az_sanitize(s, nl, name, sizeof(name));
			az_flag(c, DW_RULE_SECRETS_IN_ENV, "%s[%zu] name %s looks like a secret", field, i,
				name);
		}
	}
}

void az_check_image(struct az_ctx *c, const char *ref, size_t len, const char *field)
{
	char norm[512], safe[256];

	if (c->prof->rules[DW_RULE_TRUSTED_REGISTRIES] == DW_MODE_OFF ||
	    c->prof->trusted_registries.n == 0)
		return; /* an empty list means the rule is not configured */
	az_sanitize(ref, len, safe, sizeof(safe));
	if (az_image_normalize(ref, len, norm, sizeof(norm)) < 0) {
		az_flag(c, DW_RULE_TRUSTED_REGISTRIES, "%s %s is not a registry reference", field, safe);
		return;
	}
	if (!az_registry_trusted(&c->prof->trusted_registries, norm))
		az_flag(c, DW_RULE_TRUSTED_REGISTRIES, "%s %s is not from a trusted registry", field,
			norm);
}
