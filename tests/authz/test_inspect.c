/* test_inspect.c - az_judge_container / az_judge_volume over inspect
 * documents shaped as dockerd 20.10 writes them: a container run with limits
 * passes; privileged, a sensitive bind (in Binds and as a MountPoint),
 * missing limits, root user and a bind-mount volume are judged with the
 * messages a denial carries; garbage is a "request" deny. */
#include <stdlib.h>
#include <string.h>

#include "az_inspect.h"
#include "dw_test.h"

#define MASKED "\"MaskedPaths\":[\"/proc/asound\",\"/proc/acpi\",\"/proc/kcore\",\"/proc/keys\"," \
	"\"/proc/latency_stats\",\"/proc/timer_list\",\"/proc/timer_stats\",\"/proc/sched_debug\"," \
	"\"/proc/scsi\",\"/sys/firmware\"],\"ReadonlyPaths\":[\"/proc/bus\",\"/proc/fs\",\"/proc/irq\"," \
	"\"/proc/sys\",\"/proc/sysrq-trigger\"]"

/* A container document with HostConfig members HC and Config.User USER. */
static char *doc(const char *user, const char *hc, const char *mounts)
{
	char *s = NULL;

	if (asprintf(&s, "{\"Id\":\"0123abcd\",\"Name\":\"/c\",\"Image\":\"sha256:9f\","
		     "\"Config\":{\"Hostname\":\"0123\",\"User\":\"%s\",\"Env\":[\"PATH=/bin\"],"
		     "\"Cmd\":[\"/bin/sleep\",\"300\"],\"Image\":\"dwt-bb\",\"Labels\":{}},"
		     "\"HostConfig\":{\"IpcMode\":\"private\","
		     "\"PidMode\":\"\",\"UTSMode\":\"\",\"UsernsMode\":\"\","
		     "\"CapAdd\":null,\"CapDrop\":null,\"SecurityOpt\":null,"
		     "\"CgroupParent\":\"\",\"Devices\":[],\"DeviceCgroupRules\":null,"
		     "\"DeviceRequests\":null,\"OomKillDisable\":false,%s,%s},"
		     "\"Mounts\":%s}", user, MASKED, hc, mounts) < 0)
		abort();
	return s;
}

static void judge(const struct dw_policy *p, char *d, struct az_verdict *v)
{
	az_judge_container(p, NULL, d, strlen(d), v);
	free(d);
}

#define LIMITS "\"Memory\":67108864,\"PidsLimit\":64"
#define PLAIN LIMITS ",\"NetworkMode\":\"default\",\"Privileged\":false,\"CgroupnsMode\":\"private\""

int main(void)
{
	struct dw_policy *p = NULL;
	struct az_verdict v;
	const char *vol;

	CHECK_EQ_INT(dw_policy_load_default(&p), 0);
	if (p == NULL)
		return dw_test_done();

	judge(p, doc("1000", PLAIN ",\"Binds\":null", "[]"), &v);
	CHECK(!v.deny);
	CHECK_EQ_INT(v.n_warn, 0);

	judge(p, doc("1000", LIMITS ",\"Privileged\":true", "[]"), &v);
	CHECK(v.deny);
	CHECK_EQ_STR(v.msg, "dockwarden: denied: privileged: HostConfig.Privileged is true");

	judge(p, doc("1000", LIMITS ",\"Binds\":[\"/etc:/x\"]",
		     "[{\"Type\":\"bind\",\"Source\":\"/etc\",\"Destination\":\"/x\",\"Mode\":\"\","
		     "\"RW\":true,\"Propagation\":\"rprivate\"}]"), &v);
	CHECK(v.deny);
	CHECK_EQ_STR(v.msg, "dockwarden: denied: host_mounts: HostConfig.Binds[0] source /etc is a "
			    "sensitive host path");

	/* A MountPoint alone (Binds cleared): still judged by its Source. */
	judge(p, doc("1000", LIMITS,
		     "[{\"Type\":\"bind\",\"Source\":\"/var/run/docker.sock\",\"Destination\":\"/s\"}]"),
	      &v);
	CHECK(v.deny);
	CHECK_EQ_STR(v.msg, "dockwarden: denied: host_mounts: Mounts[0] source /var/run/docker.sock "
			    "is a sensitive host path");

	/* A named volume's Source is dockerd's directory: not a host mount. */
	judge(p, doc("1000", LIMITS,
		     "[{\"Type\":\"volume\",\"Name\":\"v\",\"Source\":\"/var/lib/docker/volumes/v/_data\","
		     "\"Destination\":\"/v\",\"Driver\":\"local\"}]"), &v);
	CHECK(!v.deny);

	judge(p, doc("1000", "\"Memory\":0,\"PidsLimit\":null", "[]"), &v);
	CHECK(v.deny);
	CHECK_EQ_STR(v.msg, "dockwarden: denied: resource_limits: HostConfig.Memory is not set "
			    "(a memory limit is required)");

	judge(p, doc("", PLAIN, "[]"), &v);
	CHECK(!v.deny);
	CHECK_EQ_INT(v.n_warn, 1);
	CHECK_EQ_STR(v.warn_msg[0], "User is empty (the image default user, usually root)");

	judge(p, doc("1000", LIMITS ",\"NetworkMode\":\"host\"", "[]"), &v);
	CHECK(v.deny);
	CHECK_EQ_STR(v.msg, "dockwarden: denied: host_namespaces: HostConfig.NetworkMode is host");

	/* CgroupnsMode host: dockerd's own default on cgroup v1 hosts, written into
	 * every container created without one; judged as the request's only when
	 * it differs from that default */
	{
		char *d = doc("1000", LIMITS ",\"NetworkMode\":\"default\",\"Privileged\":false,"
			      "\"CgroupnsMode\":\"host\"", "[]");

		az_judge_container_defaults(p, NULL, d, strlen(d), "host", &v);
		CHECK(!v.deny);
		az_judge_container_defaults(p, NULL, d, strlen(d), "private", &v);
		CHECK(v.deny);
		CHECK_EQ_STR(v.msg, "dockwarden: denied: host_namespaces: HostConfig.CgroupnsMode is host");
		/* default not known (the plugin judging a borrowed container): not judged */
		az_judge_container(p, NULL, d, strlen(d), &v);
		CHECK(!v.deny);
		free(d);
	}
	az_judge_container(p, NULL, "{\"Config\":", 10, &v);
	CHECK(v.deny);
	CHECK_EQ_INT(v.rule, AZ_RULE_REQUEST);

	vol = "{\"CreatedAt\":\"2026-01-01T00:00:00Z\",\"Driver\":\"local\",\"Labels\":{},"
	      "\"Mountpoint\":\"/var/lib/docker/volumes/evil/_data\",\"Name\":\"evil\","
	      "\"Options\":{\"device\":\"/etc\",\"o\":\"bind\",\"type\":\"none\"},\"Scope\":\"local\"}";
	az_judge_volume(p, NULL, vol, strlen(vol), &v);
	CHECK(v.deny);
	CHECK_EQ_STR(v.msg, "dockwarden: denied: host_mounts: DriverOpts device /etc is a sensitive "
			    "host path");
	vol = "{\"Driver\":\"local\",\"Name\":\"plain\",\"Options\":null,\"Scope\":\"local\"}";
	az_judge_volume(p, NULL, vol, strlen(vol), &v);
	CHECK(!v.deny);
	CHECK_EQ_INT(v.n_warn, 0);
	/* another driver's options mean nothing to the local driver's rules */
	vol = "{\"Driver\":\"nfs\",\"Name\":\"n\",\"Options\":{\"device\":\"/etc\"}}";
	az_judge_volume(p, NULL, vol, strlen(vol), &v);
	CHECK(!v.deny);

	dw_policy_unref(p);
	return dw_test_done();
}
