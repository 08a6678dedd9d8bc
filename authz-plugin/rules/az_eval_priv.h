/* az_eval_priv.h - shared by the az_eval*.c files only. */
#ifndef AZ_EVAL_PRIV_H
#define AZ_EVAL_PRIV_H

#include "az_json.h"

#include "az_eval.h"
#include "az_rules.h"
#include "az_uri.h"

/* The body, a JSON object, into DOC (caller frees it): 0, or -1 after az_reject(). */
int az_body_parse(struct az_ctx *c, const struct az_request *rq, struct az_jdoc *doc);

void az_eval_container_create(struct az_ctx *c, az_jv body);
void az_eval_container_start(struct az_ctx *c, az_jv body);
void az_eval_container_update(struct az_ctx *c, az_jv body);
void az_eval_exec_create(struct az_ctx *c, az_jv body);
void az_eval_volume_create(struct az_ctx *c, az_jv body);
void az_eval_network_connect(struct az_ctx *c, az_jv body);
void az_eval_service(struct az_ctx *c, az_jv body);
/* Routes judged by their query or by the route itself (az_eval_query.c). */
void az_eval_build(struct az_ctx *c, const struct az_uri *u);
void az_eval_image_pull(struct az_ctx *c, const struct az_uri *u);
void az_eval_plugin(struct az_ctx *c, const struct az_uri *u);
void az_eval_buildkit(struct az_ctx *c, const struct az_uri *u);
void az_eval_swarm(struct az_ctx *c, const struct az_uri *u);

#endif
