/* az_routes.c - the route table (see az_routes.h).
 *
 * Paths and methods from moby's routers (api/server/router/{container,volume,
 * swarm,plugin,image,build,session,grpc}); "{name}" is gorilla/mux's
 * "{name:.*}", which may hold slashes.  Routes are matched on the decoded path
 * without its "/vX.Y" prefix. */
#include <string.h>

#include "az_eval_priv.h"
#include "az_routes.h"
#include "az_schema_gen.h"

static const struct az_route_def routes[] = {
	{ .method = "POST", .prefix = "/containers/create", .kind = AZ_RK_BODY,
	  .schema = &az_type_body_containers_create,
	  .on_body = az_eval_container_create, .what = "container create" },
	/* below 1.24 a start body is a HostConfig that replaces the created one */
	/* below 1.24 (20.10-24.0) a start body is a create body whose settings
	 * replace the created ones */
	{ .method = "POST", .prefix = "/containers/", .suffix = "/start", .kind = AZ_RK_BODY,
	  .body_below = "1.24", .schema = &az_type_body_containers_create,
	  .on_body = az_eval_container_start, .what = "container start", .target = "start" },
	{ .method = "POST", .prefix = "/containers/", .suffix = "/restart", .kind = AZ_RK_TARGET,
	  .what = "container restart", .target = "restart" },
	{ .method = "POST", .prefix = "/containers/", .suffix = "/attach", .kind = AZ_RK_TARGET,
	  .what = "container attach", .target = "attach to" },
	{ .method = "GET", .prefix = "/containers/", .suffix = "/attach/ws", .kind = AZ_RK_TARGET,
	  .what = "container attach", .target = "attach to" },
	{ .method = "GET", .prefix = "/containers/", .suffix = "/archive", .kind = AZ_RK_TARGET,
	  .what = "copy from a container", .target = "copy files out of" },
	{ .method = "HEAD", .prefix = "/containers/", .suffix = "/archive", .kind = AZ_RK_TARGET,
	  .what = "stat in a container", .target = "copy files out of" },
	{ .method = "PUT", .prefix = "/containers/", .suffix = "/archive", .kind = AZ_RK_TARGET,
	  .what = "copy into a container", .target = "copy files into" },
	{ .method = "POST", .prefix = "/containers/", .suffix = "/update", .kind = AZ_RK_BODY,
	  .schema = &az_type_container_UpdateConfig,
	  .on_body = az_eval_container_update, .what = "container update", .target = "update" },
	{ .method = "POST", .prefix = "/containers/", .suffix = "/exec", .kind = AZ_RK_BODY,
	  .schema = &az_type_container_ExecCreateRequest,
	  .on_body = az_eval_exec_create, .what = "exec create", .target = "exec into" },
	{ .method = "POST", .prefix = "/volumes/create", .kind = AZ_RK_BODY,
	  .schema = &az_type_volume_CreateRequest,
	  .on_body = az_eval_volume_create, .what = "volume create" },
	{ .method = "POST", .prefix = "/networks/", .suffix = "/connect", .kind = AZ_RK_BODY,
	  .schema = &az_type_network_ConnectRequest,
	  .on_body = az_eval_network_connect, .what = "network connect" },
	{ .method = "POST", .prefix = "/services/create", .kind = AZ_RK_BODY,
	  .schema = &az_type_body_services_create,
	  .on_body = az_eval_service, .what = "service create" },
	{ .method = "POST", .prefix = "/services/", .suffix = "/update", .kind = AZ_RK_BODY,
	  .schema = &az_type_body_services_create,
	  .on_body = az_eval_service, .what = "service update" },
	{ .method = "POST", .prefix = "/swarm/init", .kind = AZ_RK_FIXED,
	  .on_query = az_eval_swarm, .what = "swarm init" },
	{ .method = "POST", .prefix = "/swarm/join", .kind = AZ_RK_FIXED,
	  .on_query = az_eval_swarm, .what = "swarm join" },
	{ .method = "POST", .prefix = "/plugins/pull", .kind = AZ_RK_FIXED,
	  .on_query = az_eval_plugin, .what = "plugin install" },
	{ .method = "POST", .prefix = "/plugins/create", .kind = AZ_RK_FIXED,
	  .on_query = az_eval_plugin, .what = "plugin create" },
	{ .method = "POST", .prefix = "/plugins/", .suffix = "/enable", .kind = AZ_RK_FIXED,
	  .on_query = az_eval_plugin, .what = "plugin enable" },
	{ .method = "POST", .prefix = "/plugins/", .suffix = "/set", .kind = AZ_RK_FIXED,
	  .on_query = az_eval_plugin, .what = "plugin configuration" },
	{ .method = "POST", .prefix = "/plugins/", .suffix = "/upgrade", .kind = AZ_RK_FIXED,
	  .on_query = az_eval_plugin, .what = "plugin upgrade" },
	{ .method = "POST", .prefix = "/images/create", .kind = AZ_RK_QUERY,
	  .query = &az_schema_query_images_create,
	  .on_query = az_eval_image_pull, .what = "image pull" },
	{ .method = "POST", .prefix = "/build", .kind = AZ_RK_QUERY,
	  .query = &az_schema_query_build,
	  .on_query = az_eval_build, .what = "build" },
	/* BuildKit: the session carries the build's files and secrets, /grpc
	 * (buildx) the whole BuildKit API */
	{ .method = "POST", .prefix = "/session", .kind = AZ_RK_FIXED,
	  .on_query = az_eval_buildkit, .what = "BuildKit session" },
	{ .method = "POST", .prefix = "/grpc", .kind = AZ_RK_FIXED,
	  .on_query = az_eval_buildkit, .what = "BuildKit gRPC API" },
};

static bool matches(const struct az_route_def *r, const char *path, size_t n)
{
	size_t lp = strlen(r->prefix), ls;

	if (!r->suffix)
		return n == lp && memcmp(path, r->prefix, n) == 0;
	ls = strlen(r->suffix);
	return n >= lp + ls && memcmp(path, r->prefix, lp) == 0 &&
	       memcmp(path + n - ls, r->suffix, ls) == 0;
}

const struct az_route_def *az_route_find(const char *method, const char *path)
{
	size_t i, n = strlen(path);

	for (i = 0; i < sizeof(routes) / sizeof(routes[0]); i++)
		if (strcmp(method, routes[i].method) == 0 && matches(&routes[i], path, n))
			return &routes[i];
	return NULL;
}
