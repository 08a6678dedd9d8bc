/* az_state.h - objects a request borrows from: existing containers and
 * volumes, judged by their configuration as dockerd reports it.
 *
 * Exec, start, attach, docker cp and update act on a container that already
 * exists; a create can take another container's mounts (VolumesFrom), join
 * its namespaces (container:X) or mount an existing named volume.  What
 * those objects are is known only to dockerd, so the rules ask it (through
 * az_state_ops: the daemon's provider does GET /containers/{name}/json and
 * /volumes/{name}; the unit tests serve documents from their case file).
 * Names resolve exactly as dockerd resolves them (names, ids, id prefixes)
 * because dockerd does it.  An object that cannot be inspected is a deny. */
#ifndef AZ_STATE_H
#define AZ_STATE_H

#include <stddef.h>

#include "az_json.h"
#include "az_verdict.h"

enum az_obj_kind { AZ_OBJ_CONTAINER, AZ_OBJ_VOLUME, AZ_OBJ_IMAGE };

/* At most this many objects are inspected for one request. */
#define AZ_MAX_BORROWS 16
/* container:X chains followed at most this deep. */
#define AZ_MAX_BORROW_DEPTH 4

struct az_state_ops {
	/* dockerd's inspect document of NAME (LEN bytes): 0 and *JSON (malloc'd,
	 * *JLEN bytes), -ENOENT when dockerd has no such object, or another
	 * negative errno with WHY saying what failed (timeout, unreachable). */
	int (*inspect)(void *arg, enum az_obj_kind kind, const char *name, size_t len, char **json,
		       size_t *jlen, char *why, size_t whysz);
	void *arg;
};

/* Inspect NAME and parse its document into DOC (the caller frees it).
 * WHAT names the object in messages ("container web-1").  0 and DOC, 1
 * when dockerd has no such object (nothing reported), -1 after az_reject(). */
int az_borrow(struct az_ctx *c, enum az_obj_kind kind, const char *name, size_t len,
	      struct az_jdoc *doc);

/* The container NAME that ACTION ("exec into", "start") acts on: its
 * host-escaping settings, as a create of it would be judged now.  0 and its
 * document in DOC (the caller frees it), or -1 after az_reject(). */
int az_judge_target(struct az_ctx *c, const char *name, size_t len, const char *action,
		    struct az_jdoc *doc);
/* HostConfig.VolumesFrom ("name[:ro|:rw]" each): the containers' mounts. */
void az_check_volumes_from(struct az_ctx *c, az_jv list, const char *field);
/* MODE ("container:X") of namespace field KEY (a container.HostConfig key:
 * "NetworkMode", "PidMode", "IpcMode"): X's own mode of that namespace. */
void az_check_container_mode(struct az_ctx *c, const char *key, const char *mode, size_t len,
			     const char *field);
/* An existing named volume NAME mounted by FIELD (new ones are fine: dockerd
 * creates them with the options the request itself carries). */
void az_check_named_volume(struct az_ctx *c, const char *name, size_t len, const char *field);

#endif
