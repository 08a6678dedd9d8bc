/* az_server.c - Plugin.Activate, AuthZPlugin.AuthZReq, AuthZPlugin.AuthZRes.
 *
 * Every answer to AuthZReq that is not a clean evaluation is a deny: a
 * malformed message gets {"Allow":false,"Err":...}, an oversized one a
 * closed connection.  Nothing on this path blocks on logging (az_logq). */
#include <errno.h>
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "az_envelope.h"
#include "az_eval.h"
#include "az_server.h"

#define CT_PLUGIN "application/vnd.docker.plugins.v1.2+json"

struct az_server {
	struct MHD_Daemon *d;
	struct dw_policy_slot *slot;
	struct az_logq *logq;
};

struct upload {
	char *buf;
	size_t len, cap;
};

static enum MHD_Result reply(struct MHD_Connection *conn, unsigned int status, const char *json,
			     size_t len)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(len, (void *)json,
								  MHD_RESPMEM_MUST_COPY);
	enum MHD_Result ret;

	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, CT_PLUGIN);
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

static enum MHD_Result reply_decision(struct MHD_Connection *conn, bool allow, const char *msg,
				      const char *err)
{
	char m[AZ_MSG_MAX * 6 + 8], e[AZ_MSG_MAX * 6 + 8], out[sizeof(m) + sizeof(e) + 64];
	int n;

	json_escape(msg ? msg : "", m, sizeof(m));
	json_escape(err ? err : "", e, sizeof(e));
	n = snprintf(out, sizeof(out), "{\"Allow\":%s,\"Msg\":\"%s\",\"Err\":\"%s\"}",
		     allow ? "true" : "false", m, e);
	return reply(conn, MHD_HTTP_OK, out, (size_t)n);
}

static enum MHD_Result authz_req(struct az_server *s, struct MHD_Connection *conn,
				 const struct upload *up)
{
	struct az_envelope env;
	struct az_verdict v;
	struct dw_policy *pol;
	char why[160], path[256];
	enum MHD_Result ret;

	if (az_envelope_parse(up->buf ? up->buf : "", up->len, &env, why, sizeof(why)) < 0) {
		char msg[AZ_MSG_MAX];
		az_envelope_free(&env);
		snprintf(msg, sizeof(msg), "dockwarden: denied: request: %s", why);
		az_verdict_init(&v);
		v.deny = true;
		v.rule = AZ_RULE_REQUEST;
		snprintf(v.msg, sizeof(v.msg), "%s", msg);
		az_logq_decision(s->logq, "?", "?", "?", &v);
		return reply_decision(conn, false, msg, why);
	}
	pol = dw_policy_slot_get(s->slot);
	az_evaluate(pol, &env.rq, &v, path, sizeof(path));
	dw_policy_unref(pol);
	az_logq_decision(s->logq, env.rq.user, env.rq.method, path[0] ? path : "?", &v);
	ret = reply_decision(conn, !v.deny, v.deny ? v.msg : "", NULL);
	az_envelope_free(&env);
	return ret;
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
		up = calloc(1, sizeof(*up));
		if (!up)
			return MHD_NO;
		*con_cls = up;
		return MHD_YES;
	}
	if (*upload_data_size) {
		size_t n = *upload_data_size;
		if (n > AZ_MAX_REQUEST - up->len)
			return MHD_NO; /* not from dockerd: close the connection */
		if (up->len + n + 1 > up->cap) {
			size_t cap = up->cap ? up->cap : 16384;
			char *nb;
			while (cap < up->len + n + 1)
				cap *= 2;
			nb = realloc(up->buf, cap);
			if (!nb)
				return MHD_NO;
			up->buf = nb;
			up->cap = cap;
		}
		memcpy(up->buf + up->len, upload_data, n);
		up->len += n;
		up->buf[up->len] = '\0';
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (strcmp(method, "POST") != 0)
		return reply(conn, MHD_HTTP_METHOD_NOT_ALLOWED, notfound, sizeof(notfound) - 1);
	if (strcmp(url, "/AuthZPlugin.AuthZReq") == 0)
		return authz_req(s, conn, up);
	if (strcmp(url, "/AuthZPlugin.AuthZRes") == 0)
		return reply(conn, MHD_HTTP_OK, allow, sizeof(allow) - 1);
	if (strcmp(url, "/Plugin.Activate") == 0)
		return reply(conn, MHD_HTTP_OK, activate, sizeof(activate) - 1);
	return reply(conn, MHD_HTTP_NOT_FOUND, notfound, sizeof(notfound) - 1);
}

static void completed(void *cls, struct MHD_Connection *conn, void **con_cls,
		      enum MHD_RequestTerminationCode toe)
{
	struct upload *up = *con_cls;

	if (up) {
		free(up->buf);
		free(up);
		*con_cls = NULL;
	}
}

int az_server_start(struct az_server **out, int listen_fd, struct dw_policy_slot *slot,
		    struct az_logq *logq)
{
	struct az_server *s = calloc(1, sizeof(*s));

	if (!s)
		return -ENOMEM;
	s->slot = slot;
	s->logq = logq;
	/* MHD_USE_ITC: lets az_server_stop() quiesce the daemon and take the
	 * listening socket back before stopping it (see there). */
	s->d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC,
				0, NULL, NULL,
				handler, s,
				MHD_OPTION_LISTEN_SOCKET, listen_fd,
				MHD_OPTION_THREAD_POOL_SIZE, (unsigned int)2,
				MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)30,
				MHD_OPTION_CONNECTION_LIMIT, (unsigned int)512,
				MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(128 * 1024),
				MHD_OPTION_NOTIFY_COMPLETED, completed, s,
				MHD_OPTION_END);
	if (!s->d) {
		free(s);
		return -EIO;
	}
	*out = s;
	return 0;
}

void az_server_stop(struct az_server *s)
{
	MHD_socket lfd;

	if (!s)
		return;
	/* The listening socket may be shared (systemd socket activation, or a
	 * holder keeping it across restarts): stopping MHD with the socket still
	 * its own would shut it down and make dockerd's next dial fail with
	 * "connection refused".  Quiesce first: MHD stops accepting and hands the
	 * socket back; connections queued in the backlog wait for the next
	 * instance.  Only our descriptor is closed, after the threads are gone. */
	lfd = MHD_quiesce_daemon(s->d);
	MHD_stop_daemon(s->d);
	if (lfd != MHD_INVALID_SOCKET)
		close(lfd);
	free(s);
}
