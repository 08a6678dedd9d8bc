/* sender.c - deliver the spool over RELP or plain TCP (see sender.h). */
#include "sender.h"

#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <librelp.h>

#include "alog.h"
#include "dw_file.h"

#define BATCH_RECORDS 4096
#define RELP_WINDOW 1024
#define RELP_TIMEOUT_S 10
#define BACKOFF_MIN_MS 100
#define BACKOFF_MAX_MS 30000
#define TLS_FAIL_FACTOR 20
/* A batch short of BATCH_RECORDS starts at least this long after the one
 * before: a trickle of events then costs a few connections a second, not
 * one per event (each RELP/TLS session also leaks 16 bytes in librelp 1.11). */
#define BATCH_GAP_MS 250

struct sender {
	struct spool *sp;
	pthread_t thread;
	pthread_mutex_t mu;
	struct target target;
	atomic_bool stop;
	atomic_llong deadline_ms;
	atomic_int relp_errors;  /* errors librelp reported on the current session */
	relpEngine_t *engine;
	int max_backoff_ms;
	bool down_logged;
	bool tls_refusal_logged;
	/* Set by librelp's error callback (on the sender thread, inside
	 * relpCltConnect) when TLS with the log host failed, and why. */
	bool tls_failed;
	char tls_why[200];
};

void target_from_policy(const struct dw_policy *pol, struct target *t)
{
	t->dest = pol->forward.dest;
	snprintf(t->tls_ca, sizeof t->tls_ca, "%s", pol->forward.tls_ca);
	snprintf(t->tls_cert, sizeof t->tls_cert, "%s", pol->forward.tls_cert);
	snprintf(t->tls_key, sizeof t->tls_key, "%s", pol->forward.tls_key);
}

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static bool past_deadline(struct sender *s)
{
	return atomic_load(&s->stop) && now_ms() >= atomic_load(&s->deadline_ms);
}

/* Say once per outage that log host T is unreachable (over PROTO). */
static void log_host_down(struct sender *s, const struct target *t, const char *proto)
{
	if (!s->down_logged)
		alog(LOG_WARNING, "log host %s:%s not reachable over %s; spooling and retrying",
		     t->dest.host, t->dest.port, proto);
	s->down_logged = true;
}

/* Sleep MS; once asked to stop, no later than the drain deadline.  (Not
 * earlier: a retry loop draining to a refusing log host would otherwise
 * reconnect as fast as it can until the deadline.) */
static void nap(struct sender *s, int ms)
{
	const struct timespec tick = { 0, 20 * 1000000L };
	long long until = now_ms() + ms;

	for (;;) {
		long long end = until;

		if (atomic_load(&s->stop) && atomic_load(&s->deadline_ms) < end)
			end = atomic_load(&s->deadline_ms);
		if (now_ms() >= end)
			break;
		nanosleep(&tick, NULL);
	}
}

static void on_relp_err(void *usr, char *objinfo, char *errmsg, relpRetVal code)
{
	struct sender *s = usr;

	(void)objinfo;
	if (!s)
		return;
	atomic_fetch_add(&s->relp_errors, 1);
	switch (code) {
	case RELP_RET_ERR_TLS_SETUP:
	case RELP_RET_AUTH_ERR_FP:
	case RELP_RET_AUTH_ERR_NAME:
	case RELP_RET_AUTH_NO_CERT:
	case RELP_RET_AUTH_CERT_INVL:
	case RELP_RET_ERR_TLS_HANDS:
	case RELP_RET_ERR_TLS:
		s->tls_failed = true;
		snprintf(s->tls_why, sizeof(s->tls_why), "%s", errmsg ? errmsg : "TLS error");
		break;
	default:
		break;
	}
}

/* librelp calls its debug hook unconditionally; it must not be NULL. */
static void relp_dbg(char *fmt, ...)
{
	(void)fmt;
}

static void on_relp_generic_err(char *objinfo, char *errmsg, relpRetVal code)
{
	(void)objinfo;
	(void)errmsg;
	(void)code;
}

/* Whether relp+tls:// to T can authenticate the log host; says why not once.
 * librelp authenticates the server only with a client certificate of our own
 * (without one it runs anonymous TLS) and a CA to check the server's chain
 * against: anything less would hand the records to whoever answers. */
static bool tls_usable(struct sender *s, const struct target *t)
{
	const char *why = NULL;

	if (!t->tls_ca[0] || !t->tls_cert[0] || !t->tls_key[0])
		why = "forward.tls_ca, forward.tls_cert and forward.tls_key must all be set";
	if (why && !s->tls_refusal_logged)
		alog(LOG_ERR, "not connecting to %s:%s over RELP/TLS: %s; records stay spooled",
		     t->dest.host, t->dest.port, why);
	s->tls_refusal_logged = why != NULL;
	return why == NULL;
}

/* A batch's failures (a batch otherwise returns the seq it got acknowledged) */
enum { BATCH_FAILED = -1, BATCH_TLS_FAILED = -2 };

/* One RELP batch: connect, send, close.  Returns the seq acknowledged by this
 * batch (0 = none), BATCH_FAILED, or BATCH_TLS_FAILED when TLS with the log
 * host failed. */
static long long relp_batch(struct sender *s, const struct target *t, struct spool_reader *rd,
			    uint64_t acked)
{
	relpClt_t *clt = NULL;
	uint64_t last = 0, seq;
	const char *line;
	size_t len;
	int n = 0, rc;
	long long result = BATCH_FAILED;

	atomic_store(&s->relp_errors, 0);
	if (t->dest.kind == DW_TARGET_RELP_TLS && !tls_usable(s, t))
		return BATCH_FAILED;
	if (relpEngineCltConstruct(s->engine, &clt) != RELP_RET_OK)
		return BATCH_FAILED;
	relpCltSetUsrPtr(clt, s);
	relpCltSetTimeout(clt, RELP_TIMEOUT_S);
	relpCltSetConnTimeout(clt, RELP_TIMEOUT_S);
	relpCltSetWindowSize(clt, RELP_WINDOW);
	if (t->dest.kind == DW_TARGET_RELP_TLS) {
		if (relpCltEnableTLS(clt) != RELP_RET_OK)
			goto out;
		/* "name": the chain must lead to tls_ca AND the certificate must
		 * name the host we dialled (CN or a DNS subjectAltName).  librelp
		 * 1.11's GnuTLS backend (Debian's default) does not check the
		 * chain at all in "certvalid" mode, and its OpenSSL backend leaks
		 * the peer certificate on every connection. */
		if (relpCltSetCACert(clt, (char *)t->tls_ca) != RELP_RET_OK ||
		    relpCltSetAuthMode(clt, (char *)"name") != RELP_RET_OK ||
		    relpCltAddPermittedPeer(clt, (char *)t->dest.host) != RELP_RET_OK ||
		    relpCltSetOwnCert(clt, (char *)t->tls_cert) != RELP_RET_OK ||
		    relpCltSetPrivKey(clt, (char *)t->tls_key) != RELP_RET_OK)
			goto out;
	}
	s->tls_failed = false;
	if (relpCltConnect(clt, 0, (unsigned char *)t->dest.port, (unsigned char *)t->dest.host) != RELP_RET_OK) {
		if (s->tls_failed) {
			/* Not an outage but a log host we must not trust (or our
			 * own TLS setup): say so, and retry rarely. */
			if (!s->down_logged)
				alog(LOG_ERR, "TLS with log host %s:%s failed: %s; records stay spooled",
				     t->dest.host, t->dest.port, s->tls_why);
			s->down_logged = true;
			result = BATCH_TLS_FAILED;
		} else {
			log_host_down(s, t, "RELP");
		}
		goto out;
	}
	if (spool_reader_seek(s->sp, rd, acked) < 0)
		goto out;
	while (n < BATCH_RECORDS && !past_deadline(s)) {
		rc = spool_reader_next(s->sp, rd, &line, &len, &seq);
		if (rc < 0) {
			alog(LOG_ERR, "reading the spool: %s", strerror(-rc));
			goto out;
		}
		if (rc == 0)
			break;
		if (relpCltSendSyslog(clt, (unsigned char *)line, len) != RELP_RET_OK)
			goto out;
		last = seq;
		n++;
	}
	/* Closing waits for the reply to "close", which comes after the replies
	 * to every frame before it: a clean close acknowledges the batch. */
	relpEngineCltDestruct(s->engine, &clt);
	clt = NULL;
	if (atomic_load(&s->relp_errors) == 0) {
		result = (long long)last;
		if (s->down_logged)
			alog(LOG_NOTICE, "log host %s:%s reachable again", t->dest.host, t->dest.port);
		s->down_logged = false;
	}
out:
	if (clt)
		relpEngineCltDestruct(s->engine, &clt);
	return result;
}

static long long tcp_batch(struct sender *s, const struct target *t, struct spool_reader *rd,
			   uint64_t acked)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *ai = NULL, *a;
	int fd = -1, n = 0, rc;
	uint64_t last = 0, seq;
	const char *line;
	size_t len;
	char hdr[32];
	long long result = BATCH_FAILED;

	if (getaddrinfo(t->dest.host, t->dest.port, &hints, &ai) != 0)
		goto out;
	for (a = ai; a; a = a->ai_next) {
		fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
		if (fd < 0)
			continue;
		if (connect(fd, a->ai_addr, a->ai_addrlen) == 0)
			break;
		close(fd);
		fd = -1;
	}
	if (fd < 0) {
		log_host_down(s, t, "TCP");
		goto out;
	}
	if (spool_reader_seek(s->sp, rd, acked) < 0)
		goto out;
	while (n < BATCH_RECORDS && !past_deadline(s)) {
		rc = spool_reader_next(s->sp, rd, &line, &len, &seq);
		if (rc <= 0)
			break;
		int hn = snprintf(hdr, sizeof hdr, "%zu ", len); /* RFC 6587 octet counting */
		/* write(2), not send(MSG_NOSIGNAL): main() ignores SIGPIPE before
		 * the sender starts, so a closed peer is -EPIPE here, not a kill */
		if (dw_write_all(fd, hdr, (size_t)hn) < 0 || dw_write_all(fd, line, len) < 0)
			goto out;
		last = seq;
		n++;
	}
	/* the peer read everything when it closes after our half-close */
	if (shutdown(fd, SHUT_WR) < 0)
		goto out;
	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		char junk[256];
		if (poll(&p, 1, RELP_TIMEOUT_S * 1000) <= 0)
			goto out;
		ssize_t r = read(fd, junk, sizeof junk);
		if (r == 0)
			break;
		if (r < 0 && errno != EINTR)
			goto out;
	}
	result = (long long)last;
	s->down_logged = false;
out:
	if (fd >= 0)
		close(fd);
	if (ai)
		freeaddrinfo(ai);
	return result;
}

static void *run(void *arg)
{
	struct sender *s = arg;
	struct spool_reader rd;
	int backoff = BACKOFF_MIN_MS;
	long long last_batch = 0;

	spool_reader_init(&rd);
	for (;;) {
		uint64_t acked = spool_acked_seq(s->sp);
		uint64_t durable;
		struct target t;
		long long got;

		if (atomic_load(&s->stop) && (past_deadline(s) || spool_durable_seq(s->sp) <= acked))
			break;
		durable = spool_wait(s->sp, acked, 200);
		if (durable <= acked)
			continue;
		pthread_mutex_lock(&s->mu);
		t = s->target;
		pthread_mutex_unlock(&s->mu);
		if (t.dest.kind == DW_TARGET_NONE) {
			if (atomic_load(&s->stop))
				break; /* nowhere to drain to: it stays spooled */
			nap(s, 500);
			continue;
		}
		if (!atomic_load(&s->stop) && durable - acked < BATCH_RECORDS &&
		    now_ms() - last_batch < BATCH_GAP_MS)
			nap(s, (int)(BATCH_GAP_MS - (now_ms() - last_batch)));
		last_batch = now_ms();
		got = t.dest.kind == DW_TARGET_TCP ? tcp_batch(s, &t, &rd, acked) : relp_batch(s, &t, &rd, acked);
		if (got < 0) {
			/* TLS authentication failed.  That will not mend by
			 * itself, and librelp 1.11 leaks each failed TLS session
			 * (about 50 kB): retry at TLS_FAIL_FACTOR times the
			 * longest backoff (10 minutes by default). */
			if (got == BATCH_TLS_FAILED)
				backoff = s->max_backoff_ms * TLS_FAIL_FACTOR;
			nap(s, backoff);
			backoff = backoff * 2 > s->max_backoff_ms ? s->max_backoff_ms : backoff * 2;
			continue;
		}
		backoff = BACKOFF_MIN_MS;
		if (got > 0) {
			int rc = spool_ack(s->sp, (uint64_t)got);
			if (rc < 0)
				alog(LOG_ERR, "cannot record the acknowledgement: %s", strerror(-rc));
		}
	}
	spool_reader_free(&rd);
	return NULL;
}

int sender_start(struct spool *sp, const struct target *t, struct sender **out)
{
	struct sender *s = calloc(1, sizeof *s);
	const char *env = getenv("DW_AUDISP_MAX_BACKOFF_MS"); /* tests only */
	char *end;
	long ms;
	int rc;

	if (!s)
		return -ENOMEM;
	s->sp = sp;
	s->target = *t;
	s->max_backoff_ms = BACKOFF_MAX_MS;
	if (env) {
		errno = 0;
		ms = strtol(env, &end, 10);
		if (errno == 0 && end != env && *end == '\0' && ms >= BACKOFF_MIN_MS && ms <= BACKOFF_MAX_MS)
			s->max_backoff_ms = (int)ms;
		else
			alog(LOG_WARNING, "ignoring DW_AUDISP_MAX_BACKOFF_MS=\"%.32s\": not a number in %d..%d; using %d",
			     env, BACKOFF_MIN_MS, BACKOFF_MAX_MS, BACKOFF_MAX_MS);
	}
	pthread_mutex_init(&s->mu, NULL);
	if (relpEngineConstruct(&s->engine) != RELP_RET_OK) {
		rc = -ENOMEM;
		goto fail;
	}
	relpEngineSetDbgprint(s->engine, relp_dbg);
	relpEngineSetOnErr(s->engine, on_relp_err);
	relpEngineSetOnGenericErr(s->engine, on_relp_generic_err);
	relpEngineSetEnableCmd(s->engine, (unsigned char *)"syslog", eRelpCmdState_Required);
	rc = -pthread_create(&s->thread, NULL, run, s);
	if (rc < 0)
		goto fail;
	*out = s;
	return 0;
fail:
	if (s->engine)
		relpEngineDestruct(&s->engine);
	pthread_mutex_destroy(&s->mu);
	free(s);
	return rc;
}

void sender_set_target(struct sender *s, const struct target *t)
{
	pthread_mutex_lock(&s->mu);
	s->target = *t;
	pthread_mutex_unlock(&s->mu);
}

void sender_stop(struct sender *s, int drain_ms)
{
	if (!s)
		return;
	atomic_store(&s->deadline_ms, now_ms() + drain_ms);
	atomic_store(&s->stop, true);
	spool_wake(s->sp);
	pthread_join(s->thread, NULL);
	relpEngineDestruct(&s->engine);
	pthread_mutex_destroy(&s->mu);
	free(s);
}
