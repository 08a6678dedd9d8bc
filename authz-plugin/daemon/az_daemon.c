/* az_daemon.c - GET /version from the guarded dockerd (see az_daemon.h). */
#include <errno.h>
#include <jansson.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include "az_daemon.h"
#include "az_dockerd.h"

#define ASK_TIMEOUT_MS 5000    /* one question; dockerd answers /version at once */
#define RETRY_FAST_S 1         /* until dockerd first answers... */
#define RETRY_FAST_FOR_S 60    /* ...for its first minute of starting up */
#define RETRY_SLOW_S 10
#define RECHECK_S 60           /* once known */

struct az_daemon_watch {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	bool stopping;
	struct az_daemon_info info;   /* under LOCK */
	char sock[108];
	struct az_dockerd *conn;  /* the watch thread's own */
	az_daemon_log_fn log;
	void *log_arg;
};

int az_daemon_parse_version(const char *json, size_t len, struct az_daemon_info *out)
{
	json_t *root = json_loadb(json, len, JSON_REJECT_DUPLICATES, NULL);
	const char *v, *a;
	int rc = -EINVAL;

	memset(out, 0, sizeof(*out));
	if (!root)
		goto out;
	v = json_string_value(json_object_get(root, "Version"));
	a = json_string_value(json_object_get(root, "ApiVersion"));
	if (!v || !a || !a[0] || strlen(v) >= sizeof(out->version) ||
	    strlen(a) >= sizeof(out->api_max))
		goto out;
	snprintf(out->version, sizeof(out->version), "%s", v);
	snprintf(out->api_max, sizeof(out->api_max), "%s", a);
	out->known = true;
	rc = 0;
out:
	json_decref(root);
	return rc;
}

/* One question.  0 and OUT filled, or -1 with WHY. */
static int ask(struct az_dockerd *d, struct az_daemon_info *out, char *why, size_t whysz)
{
	char *body = NULL;
	size_t len;
	long status;
	int rc = -1;

	/* unversioned: the daemon's own version */
	if (az_dockerd_get(d, "/version", ASK_TIMEOUT_MS, &body, &len, &status, why, whysz) < 0)
		goto out;
	if (status != 200) {
		/* e.g. 403: this dockerd's authorization plugins refused it */
		snprintf(why, whysz, "HTTP status %ld", status);
		goto out;
	}
	if (az_daemon_parse_version(body, len, out) < 0) {
		snprintf(why, whysz, "the answer is not a /version document");
		goto out;
	}
	rc = 0;
out:
	free(body);
	return rc;
}

static void say(struct az_daemon_watch *w, int prio, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void say(struct az_daemon_watch *w, int prio, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (w->log)
		w->log(w->log_arg, prio, msg);
}

static void *watch(void *arg)
{
	struct az_daemon_watch *w = arg;
	struct timespec t0, now;
	bool failed_before = false;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	pthread_mutex_lock(&w->lock);
	while (!w->stopping) {
		struct az_daemon_info got, had = w->info;
		char why[160];
		struct timespec until;
		int rc, wait_s;

		pthread_mutex_unlock(&w->lock);
		rc = ask(w->conn, &got, why, sizeof(why));
		if (rc == 0 && (!had.known || strcmp(had.version, got.version) != 0 ||
				strcmp(had.api_max, got.api_max) != 0))
			say(w, LOG_INFO, "guarding dockerd %s (API %s) on %s", got.version, got.api_max,
			    w->sock);
		if (rc < 0 && !failed_before)
			say(w, had.known ? LOG_WARNING : LOG_INFO,
			    "dockerd on %s does not answer GET /version yet (%s): retrying", w->sock,
			    why);
		failed_before = rc < 0;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (rc == 0)
			wait_s = RECHECK_S;
		else if (had.known || now.tv_sec - t0.tv_sec > RETRY_FAST_FOR_S)
			wait_s = RETRY_SLOW_S;
		else
			wait_s = RETRY_FAST_S;
		pthread_mutex_lock(&w->lock);
		/* what was known stays known while dockerd restarts */
		if (rc == 0)
			w->info = got;
		clock_gettime(CLOCK_MONOTONIC, &until);
		until.tv_sec += wait_s;
		while (!w->stopping && pthread_cond_timedwait(&w->wake, &w->lock, &until) == 0)
			;
	}
	pthread_mutex_unlock(&w->lock);
	return NULL;
}

int az_daemon_watch_start(struct az_daemon_watch **out, const char *sock, az_daemon_log_fn log,
			  void *log_arg)
{
	struct az_daemon_watch *w;
	pthread_condattr_t ca;
	int rc;

	*out = NULL;
	if (strlen(sock) >= sizeof(w->sock))
		return -ENAMETOOLONG;
	w = calloc(1, sizeof(*w));
	if (!w)
		return -ENOMEM;
	snprintf(w->sock, sizeof(w->sock), "%s", sock);
	rc = az_dockerd_open(&w->conn, sock);
	if (rc < 0) {
		free(w);
		return rc;
	}
	w->log = log;
	w->log_arg = log_arg;
	pthread_mutex_init(&w->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&w->wake, &ca);
	pthread_condattr_destroy(&ca);
	rc = -pthread_create(&w->thread, NULL, watch, w);
	if (rc < 0) {
		pthread_cond_destroy(&w->wake);
		pthread_mutex_destroy(&w->lock);
		az_dockerd_close(w->conn);
		free(w);
		return rc;
	}
	*out = w;
	return 0;
}

void az_daemon_watch_get(struct az_daemon_watch *w, struct az_daemon_info *out)
{
	if (!w) {
		memset(out, 0, sizeof(*out));
		return;
	}
	pthread_mutex_lock(&w->lock);
	*out = w->info;
	pthread_mutex_unlock(&w->lock);
}

void az_daemon_watch_stop(struct az_daemon_watch *w)
{
	if (!w)
		return;
	pthread_mutex_lock(&w->lock);
	w->stopping = true;
	pthread_cond_signal(&w->wake);
	pthread_mutex_unlock(&w->lock);
	/* a question in progress ends within ASK_TIMEOUT_MS */
	pthread_join(w->thread, NULL);
	pthread_cond_destroy(&w->wake);
	pthread_mutex_destroy(&w->lock);
	az_dockerd_close(w->conn);
	free(w);
}
