/* az_state.c - judge what a request borrows from existing objects (see az_state.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "az_inspect.h"
#include "az_rules.h"
#include "az_state.h"

static const char *kind_name(enum az_obj_kind k)
{
	return k == AZ_OBJ_CONTAINER ? "container" : k == AZ_OBJ_VOLUME ? "volume" : "image";
}

int az_borrow(struct az_ctx *c, enum az_obj_kind kind, const char *name, size_t len,
	      struct az_jdoc *doc)
{
	char safe[96], why[160] = "";
	struct az_jerr err;
	char *json = NULL;
	size_t jlen = 0;
	int rc;

	az_sanitize(name, len, safe, sizeof(safe));
	if (!c->state) {
		az_reject(c, "cannot inspect %s %s: the plugin has no connection to dockerd",
			  kind_name(kind), safe);
		return -1;
	}
	if (c->borrows >= AZ_MAX_BORROWS) {
		az_reject(c, "the request names more than %d existing objects to inspect",
			  AZ_MAX_BORROWS);
		return -1;
	}
	c->borrows++;
	rc = c->state->inspect(c->state->arg, kind, name, len, &json, &jlen, why, sizeof(why));
	if (rc == -ENOENT)
		return 1;
	if (rc < 0) {
		az_reject(c, "cannot inspect %s %s: %s", kind_name(kind), safe,
			  why[0] ? why : strerror(-rc));
		return -1;
	}
	/* the document's strings point into JSON: it must live as long */
	rc = az_json_parse(json, jlen, doc, &err);
	if (rc == 0)
		az_json_adopt(doc, json);
	else
		free(json);
	if (rc < 0 || !az_jis(az_json_root(doc), AZ_JOBJ)) {
		if (rc == 0)
			az_json_free(doc);
		az_reject(c, "cannot read dockerd's inspect document of %s %s", kind_name(kind), safe);
		return -1;
	}
	return 0;
}

/* Judge the container document of NAME under SUBJECT (unless an outer
 * subject already names what the request asked for) in SCOPE.  0, or -1
 * after az_reject() when it could not be judged (missing, not inspected). */
static int judge_container_named(struct az_ctx *c, const char *name, size_t len,
				 const char *subject, enum az_judge_scope scope)
{
	const char *outer = c->subject;
	struct az_jdoc doc;
	char safe[96];
	int rc;

	rc = az_borrow(c, AZ_OBJ_CONTAINER, name, len, &doc);
	if (rc < 0)
		return -1;
	if (rc > 0) {
		az_sanitize(name, len, safe, sizeof(safe));
		az_reject(c, "no such container %s", safe);
		return -1;
	}
	/* the outermost subject names what the request asked for */
	if (!outer)
		c->subject = subject;
	az_judge_container_doc(c, az_json_root(&doc), scope);
	c->subject = outer;
	az_json_free(&doc);
	return 0;
}

int az_judge_target(struct az_ctx *c, const char *name, size_t len, const char *action,
		    struct az_jdoc *doc)
{
	const char *outer = c->subject;
	char subject[160], safe[96];
	int rc;

	az_sanitize(name, len, safe, sizeof(safe));
	rc = az_borrow(c, AZ_OBJ_CONTAINER, name, len, doc);
	if (rc > 0)
		az_reject(c, "no such container %s", safe);
	if (rc != 0)
		return -1;
	snprintf(subject, sizeof(subject), "%s container %s", action, safe);
	c->subject = subject;
	az_judge_container_doc(c, az_json_root(doc), AZ_JUDGE_HOST);
	c->subject = outer;
	return 0;
}

void az_check_volumes_from(struct az_ctx *c, az_jv list, const char *field)
{
	az_jv e;
	size_t i;

	if (c->in_inspect)
		return; /* the document's MountPoints already hold them */
	AZ_JARR_FOREACH(list, i, e) {
		char subject[192], safe[96];
		const char *s, *colon;
		size_t len;

		if (az_arr_str(c, e, i, field, &s, &len) < 0)
			return;
		/* "name[:mode]": volume/mounts parser's ParseVolumesFrom */
		colon = memchr(s, ':', len);
		if (colon)
			len = (size_t)(colon - s);
		az_sanitize(s, len, safe, sizeof(safe));
		snprintf(subject, sizeof(subject), "%s[%zu] container %s", field, i, safe);
		(void)judge_container_named(c, s, len, subject, AZ_JUDGE_MOUNTS);
	}
}

void az_check_container_mode(struct az_ctx *c, const char *key, const char *mode, size_t len,
			     const char *field)
{
	struct az_struct hc;
	struct az_jdoc doc;
	const char *name = mode + 10, *m;
	size_t nlen = len - 10, mlen;
	char safe[96], inner[160];
	int idx, rc;

	if (len <= 10 || strncasecmp(mode, "container:", 10) != 0)
		return;
	if (c->depth >= AZ_MAX_BORROW_DEPTH) {
		az_reject(c, "%s: container: modes nested deeper than %d", field, AZ_MAX_BORROW_DEPTH);
		return;
	}
	rc = az_borrow(c, AZ_OBJ_CONTAINER, name, nlen, &doc);
	az_sanitize(name, nlen, safe, sizeof(safe));
	if (rc > 0)
		az_reject(c, "%s joins container %s, which does not exist", field, safe);
	if (rc != 0)
		return;
	idx = az_schema_field(&az_schema_container_HostConfig, key, strlen(key));
	if (az_struct_read(c, az_jget(az_json_root(&doc), "HostConfig"), "HostConfig",
			   &az_schema_container_HostConfig, &hc) < 0 || idx < 0 ||
	    az_str(c, hc.val[idx], key, &m, &mlen) < 0)
		goto out;
	if (az_mode_is_host(m, mlen)) {
		az_flag(c, DW_RULE_HOST_NAMESPACES, "%s joins container %s, whose %s is host", field,
			safe, key);
	} else {
		snprintf(inner, sizeof(inner), "%s of container %s", key, safe);
		c->depth++;
		az_check_container_mode(c, key, m, mlen, inner);
		c->depth--;
	}
out:
	az_json_free(&doc);
}

void az_check_named_volume(struct az_ctx *c, const char *name, size_t len, const char *field)
{
	const char *outer = c->subject;
	struct az_jdoc doc;
	char subject[192], safe[96];
	int rc;

	rc = az_borrow(c, AZ_OBJ_VOLUME, name, len, &doc);
	if (rc != 0)
		return; /* a new volume: the request's own options, judged inline */
	az_sanitize(name, len, safe, sizeof(safe));
	snprintf(subject, sizeof(subject), "%s volume %s", field, safe);
	if (!outer)
		c->subject = subject;
	az_judge_volume_doc(c, az_json_root(&doc));
	c->subject = outer;
	az_json_free(&doc);
}
