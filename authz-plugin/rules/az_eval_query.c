/* az_eval_query.c - routes judged by their query parameters (r.FormValue)
 * or by what the route itself does. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "az_eval_priv.h"
#include "az_routes.h"
#include "az_state.h"

#define BUILDKIT_REMEDY                                                                      \
	"allow the buildkit rule only once daemon.json sets builder.entitlements "            \
	"network-host and device to false and leaves security-insecure unset"

/* Query parameter KEY into VAL: 1 present, 0 absent, -1 after az_reject(). */
static int query(struct az_ctx *c, const struct az_uri *u, const char *key, char *val, size_t valsz)
{
	int r = az_query_get(u, key, val, valsz);

	if (r < 0)
		az_reject(c, "query parameter %s is too long", key);
	return r;
}

/* The classic builder runs each step in a container with these settings
 * (builder-next reads none of them: version=2 is judged as BuildKit). */
void az_eval_build(struct az_ctx *c, const struct az_uri *u)
{
	char val[1024], safe[128];
	int r;

	r = query(c, u, "version", val, sizeof(val));
	if (r < 0)
		return;
	if (r > 0 && strcmp(val, "2") == 0) {
		az_flag(c, DW_RULE_BUILDKIT,
			"POST /build?version=2 is a BuildKit build, whose containers the plugin "
			"cannot inspect; " BUILDKIT_REMEDY);
		return;
	}
	r = query(c, u, "networkmode", val, sizeof(val));
	if (r < 0)
		return;
	if (r > 0 && az_mode_is_host(val, strlen(val))) {
		az_sanitize(val, strlen(val), safe, sizeof(safe));
		az_flag(c, DW_RULE_HOST_NAMESPACES, "build networkmode is %s", safe);
	} else if (r > 0) {
		/* the build's containers join X's network namespace */
		az_check_container_mode(c, "NetworkMode", val, strlen(val), "build networkmode");
	}
	r = query(c, u, "cgroupparent", val, sizeof(val));
	if (r < 0)
		return;
	if (r > 0 && val[0])
		az_flag(c, DW_RULE_RESOURCE_LIMITS, "build cgroupparent is set");
	/* dockerd 20.10 and 23.0 give the build's containers these options
	 * (24.0 on refuses them on Linux); the plugin does not weigh them */
	r = query(c, u, "securityopt", val, sizeof(val));
	if (r < 0)
		return;
	if (r > 0) {
		az_sanitize(val, strlen(val), safe, sizeof(safe));
		az_flag(c, DW_RULE_SECURITY_OPTIONS, "build securityopt %s is set", safe);
	}
}

void az_eval_image_pull(struct az_ctx *c, const struct az_uri *u)
{
	char val[1024];
	int r = query(c, u, "fromImage", val, sizeof(val));

	if (r > 0 && val[0])
		az_check_image(c, val, strlen(val), "fromImage");
}

void az_eval_plugin(struct az_ctx *c, const struct az_uri *u)
{
	az_flag(c, DW_RULE_PLUGINS, "POST %s installs or reconfigures a plugin", u->path);
}

/* Swarm tasks are made by dockerd's own executor from what a manager sends
 * (moby daemon/cluster/executor/container: the backend, not the API), so no
 * authorization plugin sees them: a node that joins a swarm, or starts one
 * others can join as managers with its tokens, runs containers nobody here
 * judges. */
void az_eval_swarm(struct az_ctx *c, const struct az_uri *u)
{
	az_flag(c, DW_RULE_SWARM, "POST %s (%s) makes this dockerd a swarm node: tasks a manager "
		"sends it run without passing any authorization plugin", u->path, u->route->what);
}

void az_eval_buildkit(struct az_ctx *c, const struct az_uri *u)
{
	az_flag(c, DW_RULE_BUILDKIT, "POST %s (%s) runs builds the plugin cannot inspect; "
		BUILDKIT_REMEDY, u->path, u->route->what);
}
