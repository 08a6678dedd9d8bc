/* az_logq.c - bounded decision queue and its logger thread. */
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
	pthread_cond_t cond;
	pthread_t thread;
	struct rec *ring;
	size_t head, len;
	unsigned long long dropped;
	int stop;
	int audit_fd;
};

static void write_rec(struct az_logq *q, const struct rec *r, unsigned long long dropped)
{
	char dr[32];
	struct dw_field f[7] = {
		{ "user", r->user }, { "method", r->method }, { "uri", r->path },
		{ "decision", r->decision }, { "rule", r->rule }, { "reason", r->reason },
		{ "dropped", dr },
	};

	snprintf(dr, sizeof(dr), "%llu", dropped);
	dw_log_decision("authz", r->deny ? LOG_WARNING : LOG_INFO, q->audit_fd, AUDIT_TRUSTED_APP,
			NULL, NULL, r->deny ? DW_OUTCOME_DENY : DW_OUTCOME_ALLOW, f,
			dropped ? 7 : 6);
}

static void *logger(void *arg)
{
	struct az_logq *q = arg;
	struct rec r;
	unsigned long long dropped;

	pthread_mutex_lock(&q->lock);
	for (;;) {
		if (q->len == 0 && !q->stop) {
			struct timespec ts;
			clock_gettime(CLOCK_MONOTONIC, &ts);
			ts.tv_nsec += DRAIN_NS;
			if (ts.tv_nsec >= 1000000000L) {
				ts.tv_sec++;
				ts.tv_nsec -= 1000000000L;
			}
			pthread_cond_timedwait(&q->cond, &q->lock, &ts);
			continue;
		}
		if (q->len == 0 && q->stop)
			break;
		r = q->ring[q->head];
		q->head = (q->head + 1) % QCAP;
		q->len--;
		dropped = q->dropped;
		q->dropped = 0;
		pthread_mutex_unlock(&q->lock);
		write_rec(q, &r, dropped);
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
	if (!q->ring) {
		free(q);
		return -ENOMEM;
	}
	q->audit_fd = audit_fd;
	pthread_mutex_init(&q->lock, NULL);
	{
		pthread_condattr_t ca;
		pthread_condattr_init(&ca);
		pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
		pthread_cond_init(&q->cond, &ca);
		pthread_condattr_destroy(&ca);
	}
	rc = pthread_create(&q->thread, NULL, logger, q);
	if (rc != 0) {
		free(q->ring);
		free(q);
		return -rc;
	}
	*out = q;
	return 0;
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
	if (q->len == QCAP) {
		q->dropped++;
		pthread_mutex_unlock(&q->lock);
		return;
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
	free(q->ring);
	free(q);
}
