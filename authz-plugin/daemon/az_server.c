/* az_server.c - Plugin.Activate, AuthZPlugin.AuthZReq, AuthZPlugin.AuthZRes.
 *
 * Every answer to AuthZReq that is not a clean evaluation is a deny: a
 * malformed message gets {"Allow":false,"Err":...}, an oversized one a
 * closed connection.  Nothing on this path blocks on logging (az_logq). */
#include <errno.h>
#include <microhttpd.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "az_dockerd.h"
#include "az_envelope.h"
#include "az_eval.h"
#include "az_server.h"

/* largest Content-Length reserved up front (a 1 MiB body's envelope fits) */
#define AZ_RESERVE_MAX (2u << 20)
#define CT_PLUGIN "application/vnd.docker.plugins.v1.2+json"
#define DRAIN_MAX_MS 5000 /* longest a stop waits for requests in progress */
/* Requests that borrow from existing objects are judged on these threads,
 * which may wait for dockerd; the HTTP threads never do (see az_dockerd.h). */
#define STATE_WORKERS 4
#define STATE_DEADLINE_MS 10000 /* every inspect of one request within this */

struct upload;

/* A request waiting (suspended) for a state worker. */
struct state_job {
	struct state_job *next;
	struct MHD_Connection *conn;
	struct upload *up;
};

struct az_server {
	struct MHD_Daemon *d;
	struct dw_policy_slot *slot;
	struct az_images_slot *images;
	struct az_logq *logq;
	struct az_daemon_watch *daemon;
	const char *const *host_masked;
	size_t n_host_masked;
	atomic_int inflight;   /* requests between their headers and their answer */
	atomic_int kept_idle;  /* keep-alive connections between two requests */
	atomic_bool draining;  /* stopping: answers close their connection */
	/* state workers and their queue */
	pthread_t workers[STATE_WORKERS];
	size_t n_workers;
	pthread_mutex_t qlock;
	pthread_cond_t qcond;
	struct state_job *qhead, *qtail;
	bool qstop;
	char docker_sock[108];
};

/* Per connection (MHD socket context): whether it sits idle after an answer,
 * so that a stop can wait for the client to be done with it. */
struct conn_state {
	bool idle_after_answer;
};

/* CONN's conn_state (NULL if it could not be allocated). */
static struct conn_state *conn_state_of(struct MHD_Connection *conn)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);

	return ci ? ci->socket_context : NULL;
}

struct upload {
	char *buf;
	size_t len, cap;
	char *answer;       /* a state worker's reply, sent once the connection resumes */
	size_t answer_len;  /* ANSWER is malloc'd, or OOM_DENY */
};

static char oom_deny[] = "{\"Allow\":false,\"Msg\":\"dockwarden: denied: request: out of memory\","
			 "\"Err\":\"out of memory\"}";

static enum MHD_Result reply(struct az_server *s, struct MHD_Connection *conn, unsigned int status,
			     const char *json, size_t len)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(len, (void *)json,
								  MHD_RESPMEM_MUST_COPY);
	enum MHD_Result ret;

	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, CT_PLUGIN);
	/* While draining, clients must not reuse this connection: their next
	 * request then dials the socket and waits in the backlog for the next
	 * instance instead of being cut off by this one's stop. */
	if (atomic_load(&s->draining))
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONNECTION, "close");
	ret = MHD_queue_response(conn, status, r);
	MHD_destroy_response(r);
	return ret;
}

/* JSON string body of S: quotes, backslashes, control and non-ASCII bytes escaped. */
static size_t json_escape(const char *s, char *out, size_t outsz)
{
	size_t o = 0;

	for (; *s && o + 7 < outsz; s++) {
		unsigned char ch = (unsigned char)*s;
		if (ch == '"' || ch == '\\') {
			out[o++] = '\\';
			out[o++] = (char)ch;
		} else if (ch < 0x20 || ch >= 0x7f) {
			o += (size_t)snprintf(out + o, outsz - o, "\\u%04x", ch < 0x7f ? ch : '?');
		} else {
			out[o++] = (char)ch;
		}
	}
	out[o] = '\0';
	return o;
}

/* The AuthZReq reply for a decision, into OUT.  Its length. */
static size_t decision_json(bool allow, const char *msg, const char *err, char *out, size_t outsz)
{
	char m[AZ_MSG_MAX * 6 + 8], e[AZ_MSG_MAX * 6 + 8];
	int n;

	json_escape(msg ? msg : "", m, sizeof(m));
	json_escape(err ? err : "", e, sizeof(e));
	n = snprintf(out, outsz, "{\"Allow\":%s,\"Msg\":\"%s\",\"Err\":\"%s\"}",
		     allow ? "true" : "false", m, e);
	return n < 0 ? 0 : (size_t)n < outsz ? (size_t)n : outsz - 1;
}

#define DECISION_MAX (AZ_MSG_MAX * 12 + 80)

/* The evaluation of a request before it is known whether it needs dockerd:
 * an inspect here is only noted, never made. */
struct probe {
	bool asked;
};

static int probe_inspect(void *arg, enum az_obj_kind kind, const char *name, size_t len,
			 char **json, size_t *jlen, char *why, size_t whysz)
{
	struct probe *p = arg;

	(void)kind, (void)name, (void)len, (void)json, (void)jlen;
	p->asked = true;
	snprintf(why, whysz, "not asked");
	return -EAGAIN;
}

/* Decide UP's AuthZReq with STATE: 0 with the reply in OUT (*OUTLEN) and
 * the decision logged, or 1 when the decision needs STATE to inspect
 * objects and STATE is the probe (nothing logged: the request goes to a
 * state worker). */
static int judge(struct az_server *s, const struct upload *up, const struct az_state_ops *state,
		 const struct probe *probe, char *out, size_t outsz, size_t *outlen)
{
	struct az_envelope env;
	struct az_verdict v;
	struct az_daemon_info di;
	struct dw_policy *pol;
	struct az_images *img;
	char why[160], path[256];

	if (az_envelope_parse(up->buf ? up->buf : "", up->len, &env, why, sizeof(why)) < 0) {
		char msg[AZ_MSG_MAX];
		az_envelope_free(&env);
		snprintf(msg, sizeof(msg), "dockwarden: denied: request: %s", why);
		az_verdict_init(&v);
		v.deny = true;
		v.rule = AZ_RULE_REQUEST;
		snprintf(v.msg, sizeof(v.msg), "%s", msg);
		az_logq_decision(s->logq, "?", "?", "?", &v);
		*outlen = decision_json(false, msg, why, out, outsz);
		return 0;
	}
	az_daemon_watch_get(s->daemon, &di);
	env.rq.daemon = &di;
	env.rq.state = state;
	pol = dw_policy_slot_get(s->slot);
	/* the lists' lock only when a profile can use them */
	img = dw_policy_rule_used(pol, DW_RULE_TRUSTED_IMAGES) ? az_images_slot_get(s->images) : NULL;
	env.rq.images = img;
	env.rq.now = (int64_t)time(NULL);
	env.rq.host_masked = s->host_masked;
	env.rq.n_host_masked = s->n_host_masked;
	az_evaluate(pol, &env.rq, &v, path, sizeof(path));
	az_images_unref(img);
	dw_policy_unref(pol);
	if (probe && probe->asked) {
		az_envelope_free(&env);
		return 1;
	}
	az_logq_decision(s->logq, env.rq.user, env.rq.method, path[0] ? path : "?", &v);
	*outlen = decision_json(!v.deny, v.deny ? v.msg : "", NULL, out, outsz);
	az_envelope_free(&env);
	return 0;
}

static enum MHD_Result authz_req(struct az_server *s, struct MHD_Connection *conn,
				 struct upload *up)
{
	struct probe probe = { .asked = false };
	const struct az_state_ops ops = { .inspect = probe_inspect, .arg = &probe };
	struct state_job *job;
	char out[DECISION_MAX];
	size_t n;

	if (up->answer) /* back from a state worker */
		return reply(s, conn, MHD_HTTP_OK, up->answer, up->answer_len);
	if (judge(s, up, &ops, &probe, out, sizeof(out), &n) == 0)
		return reply(s, conn, MHD_HTTP_OK, out, n);
	job = calloc(1, sizeof(*job));
	if (!job)
		return MHD_NO;
	job->conn = conn;
	job->up = up;
	/* suspended before the job is visible: a worker resumes only what
	 * is suspended */
	MHD_suspend_connection(conn);
	pthread_mutex_lock(&s->qlock);
	if (s->qtail)
		s->qtail->next = job;
	else
		s->qhead = job;
	s->qtail = job;
	pthread_cond_signal(&s->qcond);
	pthread_mutex_unlock(&s->qlock);
	return MHD_YES;
}

static void *state_worker(void *arg)
{
	struct az_server *s = arg;
	struct az_dockerd *d = NULL;
	struct az_state_ops ops = { .inspect = az_dockerd_inspect };
	char out[DECISION_MAX];

	if (az_dockerd_open(&d, s->docker_sock) == 0)
		ops.arg = d;
	for (;;) {
		struct state_job *job;
		size_t n = 0;

		pthread_mutex_lock(&s->qlock);
		while (!s->qhead && !s->qstop)
			pthread_cond_wait(&s->qcond, &s->qlock);
		job = s->qhead;
		if (job) {
			s->qhead = job->next;
			if (!s->qhead)
				s->qtail = NULL;
		}
		pthread_mutex_unlock(&s->qlock);
		if (!job)
			break; /* stopping, and nothing left */
		if (d)
			az_dockerd_deadline(d, STATE_DEADLINE_MS);
		/* without a connection (ENOMEM) every inspect is refused: deny */
		(void)judge(s, job->up, d ? &ops : NULL, NULL, out, sizeof(out), &n);
		job->up->answer = malloc(n + 1);
		if (job->up->answer) {
			memcpy(job->up->answer, out, n + 1);
			job->up->answer_len = n;
		} else {
			job->up->answer = oom_deny;
			job->up->answer_len = sizeof(oom_deny) - 1;
		}
		MHD_resume_connection(job->conn);
		free(job);
	}
	az_dockerd_close(d);
	return NULL;
}

static int grow(struct upload *up, size_t cap)
{
	char *nb = realloc(up->buf, cap);

	if (!nb)
		return -1;
	up->buf = nb;
	up->cap = cap;
	return 0;
}

/* Size the buffer from Content-Length at once: a 1 MiB body's 1.4 MB
 * envelope would otherwise be copied through seven doublings.  Capped, since
 * the header is only a claim; a buffer that proves too small still grows. */
static void reserve_for(struct upload *up, const char *content_length)
{
	char *end;
	unsigned long long n;

	if (!content_length || content_length[0] < '0' || content_length[0] > '9')
		return;
	errno = 0;
	n = strtoull(content_length, &end, 10);
	if (errno || *end || n == 0 || n > AZ_RESERVE_MAX)
		return;
	(void)grow(up, (size_t)n + 1); /* best effort: failure leaves growth to later */
}

static enum MHD_Result handler(void *cls, struct MHD_Connection *conn, const char *url,
			       const char *method, const char *version, const char *upload_data,
			       size_t *upload_data_size, void **con_cls)
{
	struct az_server *s = cls;
	struct upload *up = *con_cls;
	static const char activate[] = "{\"Implements\":[\"authz\"]}";
	static const char allow[] = "{\"Allow\":true}";
	static const char notfound[] = "{\"Err\":\"not found\"}";

	if (!up) {
		struct conn_state *cs = conn_state_of(conn);

		up = calloc(1, sizeof(*up));
		if (!up)
			return MHD_NO;
		*con_cls = up;
		reserve_for(up, MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
							    MHD_HTTP_HEADER_CONTENT_LENGTH));
		atomic_fetch_add(&s->inflight, 1);
		if (cs && cs->idle_after_answer) {
			cs->idle_after_answer = false;
			atomic_fetch_sub(&s->kept_idle, 1);
		}
		return MHD_YES;
	}
	if (*upload_data_size) {
		size_t n = *upload_data_size;
		if (strcmp(url, "/AuthZPlugin.AuthZReq") != 0) {
			/* AuthZRes carries the API response; the answer is always
			 * "allow" (decisions are made on requests): not kept */
			*upload_data_size = 0;
			return MHD_YES;
		}
		if (n > AZ_MAX_REQUEST - up->len)
			return MHD_NO; /* not from dockerd: close the connection */
		if (up->len + n + 1 > up->cap) {
			size_t cap = up->cap ? up->cap : 16384;
			while (cap < up->len + n + 1)
				cap *= 2;
			if (grow(up, cap) < 0)
				return MHD_NO;
		}
		memcpy(up->buf + up->len, upload_data, n);
		up->len += n;
		up->buf[up->len] = '\0';
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (strcmp(method, "POST") != 0)
		return reply(s, conn, MHD_HTTP_METHOD_NOT_ALLOWED, notfound, sizeof(notfound) - 1);
	if (strcmp(url, "/AuthZPlugin.AuthZReq") == 0)
		return authz_req(s, conn, up);
	if (strcmp(url, "/AuthZPlugin.AuthZRes") == 0)
		return reply(s, conn, MHD_HTTP_OK, allow, sizeof(allow) - 1);
	if (strcmp(url, "/Plugin.Activate") == 0)
		return reply(s, conn, MHD_HTTP_OK, activate, sizeof(activate) - 1);
	return reply(s, conn, MHD_HTTP_NOT_FOUND, notfound, sizeof(notfound) - 1);
}

static void completed(void *cls, struct MHD_Connection *conn, void **con_cls,
		      enum MHD_RequestTerminationCode toe)
{
	struct az_server *s = cls;
	struct upload *up = *con_cls;

	if (up) {
		struct conn_state *cs = conn_state_of(conn);

		free(up->buf);
		if (up->answer != oom_deny)
			free(up->answer);
		free(up);
		*con_cls = NULL;
		if (cs && toe == MHD_REQUEST_TERMINATED_COMPLETED_OK && !cs->idle_after_answer) {
			cs->idle_after_answer = true;
			atomic_fetch_add(&s->kept_idle, 1);
		}
		atomic_fetch_sub(&s->inflight, 1);
	}
}

static void connection_event(void *cls, struct MHD_Connection *conn, void **socket_context,
			     enum MHD_ConnectionNotificationCode code)
{
	struct az_server *s = cls;
	struct conn_state *cs = *socket_context;

	(void)conn;
	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		/* NULL on ENOMEM: the connection works, a stop just cannot wait for it */
		*socket_context = calloc(1, sizeof(struct conn_state));
		return;
	}
	if (cs) {
		if (cs->idle_after_answer)
			atomic_fetch_sub(&s->kept_idle, 1);
		free(cs);
		*socket_context = NULL;
	}
}

static void stop_workers(struct az_server *s)
{
	size_t i;

	pthread_mutex_lock(&s->qlock);
	s->qstop = true;
	pthread_cond_broadcast(&s->qcond);
	pthread_mutex_unlock(&s->qlock);
	/* each finishes the jobs queued (bounded by STATE_DEADLINE_MS each) */
	for (i = 0; i < s->n_workers; i++)
		pthread_join(s->workers[i], NULL);
	s->n_workers = 0;
}

int az_server_start(struct az_server **out, const struct az_server_cfg *cfg)
{
	struct az_server *s = calloc(1, sizeof(*s));
	int listen_fd = cfg->listen_fd;
	size_t i;

	if (!s)
		return -ENOMEM;
	s->slot = cfg->slot;
	s->images = cfg->images;
	s->logq = cfg->logq;
	s->daemon = cfg->daemon;
	s->host_masked = cfg->host_masked;
	s->n_host_masked = cfg->n_host_masked;
	snprintf(s->docker_sock, sizeof(s->docker_sock), "%s", cfg->docker_sock);
	pthread_mutex_init(&s->qlock, NULL);
	pthread_cond_init(&s->qcond, NULL);
	for (i = 0; i < STATE_WORKERS; i++) {
		if (pthread_create(&s->workers[i], NULL, state_worker, s) != 0)
			break;
		s->n_workers++;
	}
	if (s->n_workers == 0) {
		pthread_cond_destroy(&s->qcond);
		pthread_mutex_destroy(&s->qlock);
		free(s);
		return -EAGAIN;
	}
	/* MHD_USE_ITC: lets az_server_stop() quiesce the daemon and take the
	 * listening socket back before stopping it (see there). */
	/* MHD_ALLOW_SUSPEND_RESUME: requests that wait for dockerd are parked
	 * off the HTTP threads (authz_req) */
	s->d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC |
					MHD_ALLOW_SUSPEND_RESUME,
				0, NULL, NULL,
				handler, s,
				MHD_OPTION_LISTEN_SOCKET, listen_fd,
				MHD_OPTION_THREAD_POOL_SIZE, (unsigned int)2,
				MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)30,
				MHD_OPTION_CONNECTION_LIMIT, (unsigned int)512,
				MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(128 * 1024),
				MHD_OPTION_NOTIFY_COMPLETED, completed, s,
				MHD_OPTION_NOTIFY_CONNECTION, connection_event, s,
				MHD_OPTION_END);
	if (!s->d) {
		stop_workers(s);
		pthread_cond_destroy(&s->qcond);
		pthread_mutex_destroy(&s->qlock);
		free(s);
		return -EIO;
	}
	*out = s;
	return 0;
}

void az_server_stop(struct az_server *s)
{
	const struct timespec tick = {.tv_sec = 0, .tv_nsec = 5 * 1000 * 1000};
	MHD_socket lfd;
	int waited;

	if (!s)
		return;
	/* The listening socket may be shared (systemd socket activation, or a
	 * holder keeping it across restarts): stopping MHD with the socket still
	 * its own would shut it down and make dockerd's next dial fail with
	 * "connection refused".  Quiesce first: MHD stops accepting and hands the
	 * socket back; connections queued in the backlog wait for the next
	 * instance.  Only our descriptor is closed, after the threads are gone. */
	lfd = MHD_quiesce_daemon(s->d);
	/* Let requests in progress finish, and let clients finish with their
	 * keep-alive connections: every answer now says "Connection: close".
	 * dockerd 20.10 retries a request cut off mid-way, or sent on a
	 * connection we close under it, with an empty body (moby pkg/plugins
	 * callWithRetry re-reads a consumed body), which can only be denied. */
	atomic_store(&s->draining, true);
	for (waited = 0; (atomic_load(&s->inflight) > 0 || atomic_load(&s->kept_idle) > 0) &&
			 waited < DRAIN_MAX_MS;
	     waited += 5)
		nanosleep(&tick, NULL);
	/* workers resume the connections they hold: before MHD is gone */
	stop_workers(s);
	MHD_stop_daemon(s->d);
	if (lfd != MHD_INVALID_SOCKET)
		close(lfd);
	pthread_cond_destroy(&s->qcond);
	pthread_mutex_destroy(&s->qlock);
	free(s);
}
