/* settings.c - dockerd's effective settings from what the facts hold.
 *
 * dockerd refuses to start when one setting is given both as a flag and in
 * daemon.json, so whichever is present is the effective value; absent from
 * both, dockerd's default applies (the caller knows it). */
#include <stdlib.h>
#include <string.h>

#include "doctor.h"

/* argv[i] is "--NAME" or "--NAME=...": the value part, "" for a bare flag. */
static const char *flag_value(const char *arg, const char *name)
{
	size_t n = strlen(name);

	if (strncmp(arg, "--", 2) != 0 || strncmp(arg + 2, name, n) != 0)
		return NULL;
	if (arg[2 + n] == '\0')
		return "";
	if (arg[2 + n] == '=')
		return arg + 3 + n;
	return NULL;
}

json_t *dr_setting(const struct dr_facts *f, const char *name, const char **from)
{
	json_t *v;

	for (size_t i = 1; i < f->argc; i++) {
		const char *val = flag_value(f->argv[i], name);

		if (val == NULL)
			continue;
		if (*val == '\0' && strchr(f->argv[i], '=') == NULL && i + 1 < f->argc)
			val = f->argv[i + 1];
		if (from)
			*from = "command line";
		return json_string(val);
	}
	v = f->daemon_json ? json_object_get(f->daemon_json, name) : NULL;
	if (v == NULL)
		return NULL;
	if (from)
		*from = f->daemon_json_path;
	return json_incref(v);
}

bool dr_setting_bool(const struct dr_facts *f, const char *name, bool def, const char **from)
{
	json_t *v;
	bool b = def;

	if (from)
		*from = "default";
	for (size_t i = 1; i < f->argc; i++) {
		const char *val = flag_value(f->argv[i], name);

		if (val == NULL)
			continue;
		if (from)
			*from = "command line";
		/* pflag booleans: a bare flag is true, else only "=VALUE" */
		return *val == '\0' || strcmp(val, "true") == 0 || strcmp(val, "1") == 0;
	}
	v = f->daemon_json ? json_object_get(f->daemon_json, name) : NULL;
	if (json_is_boolean(v)) {
		b = json_is_true(v);
		if (from)
			*from = f->daemon_json_path;
	}
	return b;
}

const char **dr_setting_list(const struct dr_facts *f, const char *flag, char shortopt,
			     const char *json_key, size_t *n)
{
	json_t *arr = f->daemon_json ? json_object_get(f->daemon_json, json_key) : NULL;
	size_t cap = f->argc + json_array_size(arr) + 1, k = 0;
	const char **out = calloc(cap, sizeof(*out));

	*n = 0;
	if (out == NULL)
		return NULL;
	for (size_t i = 1; i < f->argc; i++) {
		const char *a = f->argv[i], *val = flag_value(a, flag);

		if (val == NULL && shortopt && a[0] == '-' && a[1] == shortopt)
			val = a[2] == '=' ? a + 3 : a + 2;
		if (val == NULL)
			continue;
		if (*val == '\0' && i + 1 < f->argc)
			val = f->argv[++i];
		out[k++] = val;
	}
	if (json_is_string(arr)) {
		out[k++] = json_string_value(arr);
	} else {
		size_t i;
		json_t *e;

		json_array_foreach(arr, i, e)
			if (json_is_string(e))
				out[k++] = json_string_value(e);
	}
	out[k] = NULL;
	*n = k;
	return out;
}

bool dr_secopt(const struct dr_facts *f, const char *name, const char **opts)
{
	json_t *so = f->info ? json_object_get(f->info, "SecurityOptions") : NULL;
	size_t i, n = strlen(name);
	json_t *e;

	json_array_foreach(so, i, e) {
		const char *s = json_string_value(e);

		if (s == NULL || strncmp(s, "name=", 5) != 0 || strncmp(s + 5, name, n) != 0 ||
		    (s[5 + n] != '\0' && s[5 + n] != ','))
			continue;
		if (opts)
			*opts = s;
		return true;
	}
	return false;
}

