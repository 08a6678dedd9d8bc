/* facts.c - the facts' lifetime, and the policy as the components load it. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "az_images.h"
#include "doctor.h"

void dr_facts_init(struct dr_facts *f)
{
	memset(f, 0, sizeof(*f));
	f->now = time(NULL);
	f->docker_gid = (gid_t)-1;
	f->docker_socket = "/var/run/docker.sock";
	for (size_t i = 0; i < DR_F_COUNT; i++)
		f->files[i].err = ENOENT;
}

static void free_objects(struct dr_object *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].name);
		free(v[i].json);
		free(v[i].image);
	}
	free(v);
}

void dr_facts_free(struct dr_facts *f)
{
	if (f->pol)
		dw_policy_unref(f->pol);
	json_decref(f->info);
	json_decref(f->version);
	json_decref(f->daemon_json);
	if (f->argc > 0)
		free(f->argv[0]);
	free(f->argv);
	free_objects(f->containers, f->n_containers);
	free_objects(f->volumes, f->n_volumes);
	free_objects(f->images, f->n_images);
	az_images_unref(f->image_set);
	free(f->rules);
	free(f->want);
	free(f->members);
	memset(f, 0, sizeof(*f));
}

static void keep_diag(void *ctx, const char *file, int line, int col, const char *msg)
{
	struct dr_facts *f = ctx;
	size_t o = strlen(f->pol_diag);

	if (o + 4 < sizeof(f->pol_diag))
		dr_strf(f->pol_diag + o, sizeof(f->pol_diag) - o, "%s%s:%d:%d: %s", o ? "; " : "",
			 file, line, col, msg);
}

/* The same flags as pam_dockwarden.so: what the doctor sees is what the
 * module sees at login.  An unusable file leaves the built-in default in
 * F->pol, so the other checks still run (and say what the default does). */
void dr_gather_policy(struct dr_facts *f, const struct dr_options *o)
{
	int rc;

	f->policy_path = o->policy_path;
	rc = dw_policy_load_file(o->policy_path, DW_POLICY_CHECK_OWNER | DW_POLICY_MISSING_OK,
				 keep_diag, f, &f->pol);
	if (rc < 0) {
		f->pol_err = -rc;
		f->pol = NULL;
		if (dw_policy_load_default(&f->pol) < 0)
			f->pol = NULL;
		return;
	}
	f->pol_builtin = f->pol->source != NULL && strcmp(f->pol->source, o->policy_path) != 0;
	/* the image lists as the plugin reads them at start: each verified, a
	 * bad one kept in the set as unusable with why */
	if (f->pol->image_lists.n > 0 &&
	    az_images_load(f->pol, NULL, 1, &f->image_set, NULL, NULL) < 0)
		f->images_err = ENOMEM;
}
