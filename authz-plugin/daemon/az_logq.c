/* az_logq.c - bounded decision queue and its logger thread.
 *
 * The logger takes up to DW_LOGBATCH_MAX records at a time and writes them
 * with dw_logbatch: a few system calls per batch instead of seven per record
 * (syslog's send; libaudit's exe lookup, tty checks, send, poll and ACK reads),
 * which is what let it fall behind at ~15,000 decisions/s. */
#include <errno.h>
#include <libaudit.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include "az_logq.h"
#include "dw_log.h"
#include "dw_logbatch.h"

#define QCAP 4096
/* The logger drains every DRAIN_NS, or at once when the queue is half full:
 * request threads then never pay a wake-up (futex + context switch) each. */
#define DRAIN_NS 2000000L

struct rec {
	char user[64];
	char method[16];
	char path[256];
	char decision[8];
	char rule[96];     /* deny: one rule; warn: all warned rules, comma-joined */
	char reason[AZ_MSG_MAX];
	int deny;
};

struct az_logq {
	pthread_mutex_t lock;
	pthread_cond_t cond;       /* the logger: records are waiting */
	pthread_cond_t room;       /* request threads: the queue has room */
	struct timespec progress;  /* when the logger last took records */
	pthread_t thread;
	struct rec *ring;
	struct rec *taken;      /* the logger's copy of one batch */
	struct dw_logbatch *batch;
	size_t head, len;
	unsigned long long dropped;
	int stop;
};

static void add_rec(struct az_logq *q, const struct rec *r, unsigned long long dropped)
{
	char dr[32];
	struct dw_field f[7] = {
		{ "user", r->user }, { "method", r->method }, { "uri", r->path },
		{ "decision", r->decision }, { "rule", r->rule }, { "reason", r->reason },
		{ "dropped", dr },
	};

	snprintf(dr, sizeof(dr), "%llu", dropped);
	/* cannot fail: the batch is flushed at DW_LOGBATCH_MAX and the fields
	 * are ours (fixed keys, bounded values) */
	(void)dw_logbatch_add(q->batch, r->deny ? LOG_WARNING : LOG_INFO,
			      r->deny ? DW_OUTCOME_DENY : DW_OUTCOME_ALLOW, f, dropped ? 7 : 6);
}

/* *TS = now + NS (CLOCK_MONOTONIC, the clock both condition variables use). */
static void deadline_in(long ns, struct timespec *ts)
{
	clock_gettime(CLOCK_MONOTONIC, ts);
	ts->tv_nsec += ns;
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
}

/* Move up to one batch from the ring to q->taken (lock held), note the
 * progress and wake requests waiting for room.  Returns how many. */
static size_t take(struct az_logq *q, unsigned long long *dropped)
{
	size_t i, n = q->len < DW_LOGBATCH_MAX ? q->len : DW_LOGBATCH_MAX;

	/* cppcheck 2.10 takes q->len for 0 here: it cannot see that other
	 * threads fill the queue while the logger waits on the condition */
	// cppcheck-suppress knownConditionTrueFalse
	for (i = 0; i < n; i++) {
		q->taken[i] = q->ring[q->head];
		q->head = (q->head + 1) % QCAP;
	}
	q->len -= n;
	*dropped = q->dropped;
	q->dropped = 0;
	clock_gettime(CLOCK_MONOTONIC, &q->progress);
	pthread_cond_broadcast(&q->room);
	return n;
}

static void *logger(void *arg)
{
	struct az_logq *q = arg;
	unsigned long long dropped;
	size_t i, n;

	pthread_mutex_lock(&q->lock);
	for (;;) {
		if (q->len == 0 && !q->stop) {
			struct timespec ts;
			deadline_in(DRAIN_NS, &ts);
			pthread_cond_timedwait(&q->cond, &q->lock, &ts);
			continue;
		}
		if (q->len == 0 && q->stop)
			break;
		n = take(q, &dropped);
		pthread_mutex_unlock(&q->lock);
		/* the first record after a loss says how many were lost */
		for (i = 0; i < n; i++)
			add_rec(q, &q->taken[i], i == 0 ? dropped : 0);
		dw_logbatch_flush(q->batch, NULL, NULL);
		pthread_mutex_lock(&q->lock);
	}
	pthread_mutex_unlock(&q->lock);
	return NULL;
}

int az_logq_start(struct az_logq **out, int audit_fd)
{
	struct az_logq *q = calloc(1, sizeof(*q));
	int rc;

	if (!q)
		return -ENOMEM;
	q->ring = calloc(QCAP, sizeof(*q->ring));
	q->taken = calloc(DW_LOGBATCH_MAX, sizeof(*q->taken));
	rc = q->ring && q->taken ? dw_logbatch_new(&q->batch, "authz", "dockwarden-authz", audit_fd,
						   AUDIT_TRUSTED_APP) : -ENOMEM;
	if (rc < 0) {
		free(q->ring);
		free(q->taken);
		free(q);
		return rc;
	}
	pthread_mutex_init(&q->lock, NULL);
	{
		pthread_condattr_t ca;
		pthread_condattr_init(&ca);
		pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
		pthread_cond_init(&q->cond, &ca);
		pthread_cond_init(&q->room, &ca);
		pthread_condattr_destroy(&ca);
	}
	clock_gettime(CLOCK_MONOTONIC, &q->progress);
	rc = pthread_create(&q->thread, NULL, logger, q);
	if (rc != 0) {
		dw_logbatch_free(q->batch);
		free(q->ring);
		free(q->taken);
		free(q);
		return -rc;
	}
	*out = q;
	return 0;
}

/* Milliseconds since T (CLOCK_MONOTONIC). */
static long ms_since(const struct timespec *t)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (long)(now.tv_sec - t->tv_sec) * 1000 + (now.tv_nsec - t->tv_nsec) / 1000000;
}

/* Wait (lock held) until the logger makes room, at most 10 ms at a time so
 * a stall is noticed. */
static void wait_room(struct az_logq *q)
{
	struct timespec ts;

	deadline_in(10000000L, &ts);
	pthread_cond_timedwait(&q->room, &q->lock, &ts);
}

static void cpy(char *dst, size_t sz, const char *src)
{
	snprintf(dst, sz, "%s", src ? src : "");
}

void az_logq_decision(struct az_logq *q, const char *user, const char *method, const char *path,
		      const struct az_verdict *v)
{
	struct rec *r;

	pthread_mutex_lock(&q->lock);
	while (q->len == QCAP) {
		if (ms_since(&q->progress) >= AZ_LOGQ_STALL_MS || q->stop) {
			q->dropped++;
			pthread_mutex_unlock(&q->lock);
			return;
		}
		pthread_cond_signal(&q->cond);
		wait_room(q);
	}
	r = &q->ring[(q->head + q->len) % QCAP];
	q->len++;
	cpy(r->user, sizeof(r->user), user);
	cpy(r->method, sizeof(r->method), method);
	cpy(r->path, sizeof(r->path), path);
	r->deny = v->deny;
	cpy(r->decision, sizeof(r->decision), v->deny ? "deny" : (v->n_warn ? "warn" : "allow"));
	if (v->deny) {
		cpy(r->rule, sizeof(r->rule), az_rule_label(v->rule));
		cpy(r->reason, sizeof(r->reason), v->msg);
	} else if (v->n_warn) {
		/* every warning: rules comma-joined, reasons "; "-joined */
		size_t i, ro = 0, mo = 0, n = v->n_warn < AZ_WARN_MAX ? v->n_warn : AZ_WARN_MAX;
		r->rule[0] = r->reason[0] = '\0';
		/* cppcheck 2.10 wrongly takes n_warn for 0 on this branch */
		// cppcheck-suppress knownConditionTrueFalse
		for (i = 0; i < n; i++) {
			int w1 = snprintf(r->rule + ro, sizeof(r->rule) - ro, "%s%s", i ? "," : "",
					  az_rule_label(v->warn_rule[i]));
			int w2 = snprintf(r->reason + mo, sizeof(r->reason) - mo, "%s%s", i ? "; " : "",
					  v->warn_msg[i]);
			ro = w1 > 0 && (size_t)w1 < sizeof(r->rule) - ro ? ro + (size_t)w1 : sizeof(r->rule) - 1;
			mo = w2 > 0 && (size_t)w2 < sizeof(r->reason) - mo ? mo + (size_t)w2 : sizeof(r->reason) - 1;
		}
	} else {
		cpy(r->rule, sizeof(r->rule), "none");
		r->reason[0] = '\0';
	}
	if (q->len == QCAP / 2)
		pthread_cond_signal(&q->cond);
	pthread_mutex_unlock(&q->lock);
}

void az_logq_stop(struct az_logq *q)
{
	if (!q)
		return;
	pthread_mutex_lock(&q->lock);
	q->stop = 1;
	pthread_cond_signal(&q->cond);
	pthread_mutex_unlock(&q->lock);
	pthread_join(q->thread, NULL);
	pthread_mutex_destroy(&q->lock);
	pthread_cond_destroy(&q->cond);
	pthread_cond_destroy(&q->room);
	dw_logbatch_free(q->batch);
	free(q->ring);
	free(q->taken);
	free(q);
}
