/* main.c - dockwarden-audisp: an auditd plugin that selects Docker-related
 * audit events, signs them into a hash chain, spools them durably and lets
 * the sender thread deliver them to the log host.
 *
 * The reader (this thread) never touches the network: stdin -> libauparse ->
 * selection -> chain/signature -> spool (one write + fdatasync per batch).
 * So a slow or absent log host never backs up auditd's dispatcher queue;
 * only a full spool does, and that has a configured action instead.
 *
 * Signals only set flags: SIGHUP reloads the policy, SIGTERM/SIGINT (and EOF
 * on stdin) flush pending events, write a signed stop record, give the sender
 * a few seconds to deliver, and exit.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "alog.h"
#include "chain.h"
#include "dw_config.h"
#include "dw_policy.h"
#include "dw_record.h"
#include "dw_sign.h"
#include "feed.h"
#include "privs.h"
#include "select.h"
#include "sender.h"
#include "spool.h"

#define READ_CHUNK (256u * 1024u)
#define BEAT_SECS 60
#define AGE_EVERY_MS 500
#define DRAIN_MS 5000
#define DRAIN_MAX_MS 3600000    /* DW_AUDISP_DRAIN_MS cap: an hour */
#define SIGN_EVERY_MAX 1000000  /* --bench-sign-every cap */
#define BATCH_MAX (4u << 20) /* bytes of records per spool write */
#define BATCH_MS 50          /* longest a record waits for its batch's fsync */

static volatile sig_atomic_t got_term, got_hup;

static void on_signal(int sig)
{
	if (sig == SIGHUP)
		got_hup = 1;
	else
		got_term = 1;
}

struct app {
	const char *policy_path;
	struct dw_policy *policy;
	struct select_cfg sel;
	struct dw_sign_key *key;
	struct spool *spool;
	struct sender *sender;
	struct chain chain;
	char *scratch;            /* an event's records joined by '\n' */
	size_t scratch_cap;
	uint64_t dropped_events;  /* refused by a full spool (drop_new), not yet announced */
	uint64_t batch_events;
	uint64_t events_in, events_sel;
	time_t last_write;
	bool select_all;          /* bench: forward every event */
};

/* A whole-string decimal in [MIN, MAX], or false (sign, junk, overflow). */
static bool parse_long_in(const char *s, long min, long max, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < min || v > max)
		return false;
	*out = v;
	return true;
}

/* Milliseconds from environment knob NAME (tests and benchmarks), in
 * [1, MAX]; unset gives DEF, a bad value is logged and gives DEF. */
static int env_ms(const char *name, int def, int max)
{
	const char *v = getenv(name);
	long ms;

	if (!v)
		return def;
	if (!parse_long_in(v, 1, max, &ms)) {
		alog(LOG_WARNING, "ignoring %s=\"%.32s\": not a number of milliseconds in 1..%d; using %d",
		     name, v, max, def);
		return def;
	}
	return (int)ms;
}

static void policy_diag(void *ctx, const char *file, int line, int col, const char *msg)
{
	(void)ctx;
	alog(LOG_ERR, "%s:%d:%d: %s", file, line, col, msg);
}

static int load_policy(const char *path, struct dw_policy **out)
{
	return dw_policy_load_file(path, DW_POLICY_CHECK_OWNER | DW_POLICY_MISSING_OK, policy_diag,
				   NULL, out);
}

/* forward.host_id, else /etc/machine-id. */
static int host_id(const struct dw_policy *p, char *out, size_t outsz)
{
	char buf[128];
	ssize_t n;
	int fd;

	if (p->forward.host_id && p->forward.host_id[0]) {
		snprintf(out, outsz, "%s", p->forward.host_id);
		return dw_rec_host_valid(out, strlen(out)) ? 0 : -EINVAL;
	}
	fd = open("/etc/machine-id", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return -EINVAL;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	if (strlen(buf) >= outsz)
		return -EINVAL;
	memcpy(out, buf, strlen(buf) + 1);
	return dw_rec_host_valid(out, strlen(out)) ? 0 : -EINVAL;
}

static void on_event(void *ctx, const struct ap_rec *recs, size_t n)
{
	struct app *a = ctx;
	enum select_reason why;
	size_t need = 0, off = 0;
	char extra[32];

	a->events_in++;
	why = a->select_all ? SEL_KEY : select_event(&a->sel, recs, n);
	if (why == SEL_NONE)
		return;
	a->events_sel++;
	for (size_t i = 0; i < n; i++)
		need += recs[i].len + 1;
	if (need > a->scratch_cap) {
		char *nb = realloc(a->scratch, need);
		if (!nb) {
			a->dropped_events++;
			alog(LOG_ERR, "out of memory: event dropped");
			return;
		}
		a->scratch = nb;
		a->scratch_cap = need;
	}
	for (size_t i = 0; i < n; i++) {
		memcpy(a->scratch + off, recs[i].text, recs[i].len);
		off += recs[i].len;
		if (i + 1 < n)
			a->scratch[off++] = '\n';
	}
	snprintf(extra, sizeof extra, "sel=%s", select_reason_name(why));
	if (chain_add(&a->chain, DW_REC_EVENT, extra, a->scratch, off, false) < 0) {
		a->dropped_events++;
		alog(LOG_ERR, "cannot format an event: dropped");
		return;
	}
	a->batch_events++;
}

/* Announce losses before anything else in the batch. */
static void add_gap_notices(struct app *a)
{
	uint64_t from, to;
	char extra[96];

	if (spool_take_evicted(a->spool, &from, &to)) {
		snprintf(extra, sizeof extra, "from=%llu to=%llu reason=spool_full",
			 (unsigned long long)from, (unsigned long long)to);
		alog(LOG_WARNING, "spool full: dropped unsent records %llu-%llu (drop_oldest)",
		     (unsigned long long)from, (unsigned long long)to);
		chain_add(&a->chain, DW_REC_GAP, extra, "", 0, true);
	}
}

/* Commit the batch to the spool (one write, one fdatasync). */
static void commit(struct app *a)
{
	int rc;
	struct chain_state before = a->chain.batch_start;

	add_gap_notices(a);
	if (a->chain.len == 0 && a->chain.nrec == 0)
		return;
	chain_seal(&a->chain);
	rc = spool_append(a->spool, a->chain.buf, a->chain.len, a->chain.first_seq, a->chain.st.seq,
			  &before);
	if (rc == 0) {
		chain_commit(&a->chain);
		a->batch_events = 0;
		a->last_write = time(NULL);
		if (a->dropped_events > 0) {
			/* there was room again: say what was lost, signed */
			char extra[64];
			snprintf(extra, sizeof extra, "dropped=%llu reason=spool_full",
				 (unsigned long long)a->dropped_events);
			if (chain_add(&a->chain, DW_REC_GAP, extra, "", 0, true) == 0) {
				chain_seal(&a->chain);
				before = a->chain.batch_start;
				if (spool_append(a->spool, a->chain.buf, a->chain.len, a->chain.first_seq,
						 a->chain.st.seq, &before) == 0) {
					chain_commit(&a->chain);
					alog(LOG_WARNING, "spool full: %llu events were dropped (drop_new)",
					     (unsigned long long)a->dropped_events);
					a->dropped_events = 0;
				} else {
					chain_rollback(&a->chain);
				}
			}
		}
		return;
	}
	chain_rollback(&a->chain);
	a->dropped_events += a->batch_events;
	a->batch_events = 0;
	if (rc != -ENOSPC)
		alog(LOG_ERR, "cannot write the spool: %s; events dropped", strerror(-rc));
}

static void control_record(struct app *a, enum dw_rec_type type, const char *extra)
{
	commit(a);
	if (chain_add(&a->chain, type, extra, "", 0, true) == 0)
		commit(a);
}

static void reload(struct app *a)
{
	struct dw_policy *np = NULL;
	struct target t;

	if (load_policy(a->policy_path, &np) < 0) {
		alog(LOG_ERR, "reload: %s rejected; the previous policy stays in force", a->policy_path);
		return;
	}
	target_from_policy(np, &t);
	sender_set_target(a->sender, &t);
	spool_set_limits(a->spool, (uint64_t)np->forward.spool_max_mb << 20, np->forward.spool_full_action);
	select_cfg_from_policy(&a->sel, np);
	dw_policy_unref(a->policy);
	a->policy = np;
	alog(LOG_NOTICE, "policy reloaded from %s (signing key and spool directory apply at restart)",
	     a->policy_path);
}

static int boot_id(char *out, size_t outsz)
{
	int fd = open("/proc/sys/kernel/random/boot_id", O_RDONLY | O_CLOEXEC);
	ssize_t n;
	snprintf(out, outsz, "unknown");
	if (fd < 0)
		return -errno;
	n = read(fd, out, outsz - 1);
	close(fd);
	if (n <= 0)
		return -EIO;
	out[n] = '\0';
	out[strcspn(out, "\n")] = '\0';
	return 0;
}

static void usage(FILE *o)
{
	fprintf(o, "usage: dockwarden-audisp [--policy FILE]\n"
		   "  Run by auditd from /etc/audit/plugins.d/dockwarden.conf; reads audit\n"
		   "  records on stdin (format = string).\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "policy", required_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		/* benchmarks only, not for production */
		{ "bench-sign-every", required_argument, NULL, 'S' },
		{ "bench-unsigned", no_argument, NULL, 'U' },
		{ "bench-select-all", no_argument, NULL, 'A' },
		{ NULL, 0, NULL, 0 },
	};
	struct app a;
	struct feed *feed = NULL;
	struct chain_state st;
	struct target t;
	struct sigaction sa;
	char why[512] = "", host[DW_REC_HOST_MAX + 1], syslog_host[256], extra[256], boot[64];
	unsigned int sign_every = 256;
	bool unsigned_mode = false, fresh = false;
	char *buf = NULL;
	long optval;
	int c, rc, status = 1;

	memset(&a, 0, sizeof a);
	a.policy_path = DW_DEFAULT_POLICY;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'p': a.policy_path = optarg; break;
		case 'h': usage(stdout); return 0;
		case 'V': printf("dockwarden-audisp %s\n", DW_VERSION); return 0;
		case 'S':
			if (!parse_long_in(optarg, 1, SIGN_EVERY_MAX, &optval)) {
				fprintf(stderr, "dockwarden-audisp: --bench-sign-every wants a number in 1..%d\n",
					SIGN_EVERY_MAX);
				return 2;
			}
			sign_every = (unsigned int)optval;
			break;
		case 'U': unsigned_mode = true; break;
		case 'A': a.select_all = true; break;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	alog_init();

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	if (dw_sign_init() < 0) {
		alog(LOG_ERR, "cannot initialise libsodium");
		goto out;
	}
	if (load_policy(a.policy_path, &a.policy) < 0) {
		alog(LOG_ERR, "cannot load the policy %s; refusing to run", a.policy_path);
		goto out;
	}
	select_cfg_from_policy(&a.sel, a.policy);
	if (host_id(a.policy, host, sizeof host) < 0) {
		alog(LOG_ERR, "no usable host id: set forward.host_id ([A-Za-z0-9._:-], <= 64) or /etc/machine-id");
		goto out;
	}
	target_from_policy(a.policy, &t);
	if (t.dest.kind == DW_TARGET_NONE)
		alog(LOG_WARNING, "forward.target is empty: records are signed and spooled, not sent");
	if (!unsigned_mode) {
		rc = dw_sign_key_load(a.policy->forward.signing_key, 0, &a.key, why, sizeof why);
		if (rc < 0) {
			alog(LOG_ERR, "signing key %s: %s (create one with: dockwarden keygen PREFIX)",
			     a.policy->forward.signing_key, why);
			goto out;
		}
	}
	why[0] = '\0';
	rc = spool_open(a.policy->forward.spool_dir, (uint64_t)a.policy->forward.spool_max_mb << 20,
			a.policy->forward.spool_full_action, &a.spool, &st, &fresh, why, sizeof why);
	if (rc < 0) {
		alog(LOG_ERR, "spool %s: %s", a.policy->forward.spool_dir, why[0] ? why : strerror(-rc));
		goto out;
	}
	if (fresh) {
		randombytes_buf(st.stream, sizeof st.stream);
		st.seq = 0;
		memset(st.head, 0, sizeof st.head);
	}
	if (gethostname(syslog_host, sizeof syslog_host) < 0)
		snprintf(syslog_host, sizeof syslog_host, "-");
	syslog_host[sizeof syslog_host - 1] = '\0';
	a.chain.st = st;
	chain_init(&a.chain, a.key, host, syslog_host, sign_every);
	a.chain.pid = (long)getpid();
	a.chain.unsigned_mode = unsigned_mode;

	rc = sender_start(a.spool, &t, &a.sender);
	if (rc < 0) {
		alog(LOG_ERR, "cannot start the sender: %s", strerror(-rc));
		goto out;
	}
	rc = privs_drop();
	if (rc < 0)
		alog(LOG_WARNING, "could not drop all privileges: %s", strerror(-rc));

	boot_id(boot, sizeof boot);
	snprintf(extra, sizeof extra, "boot=%s pid=%ld version=%s", boot, (long)getpid(), DW_VERSION);
	control_record(&a, DW_REC_START, extra);
	alog(LOG_INFO, "started: host=%s seq=%llu target=%s", host, (unsigned long long)a.chain.st.seq,
	     a.policy->forward.target);

	rc = feed_new(on_event, &a, &feed);
	buf = malloc(READ_CHUNK);
	if (rc < 0 || !buf) {
		alog(LOG_ERR, "out of memory");
		goto stop;
	}
	a.last_write = time(NULL);
	struct timespec last_age, batch_t0;
	clock_gettime(CLOCK_MONOTONIC, &last_age);
	batch_t0 = last_age;
	for (;;) {
		struct pollfd p = { .fd = STDIN_FILENO, .events = POLLIN };
		struct timespec now;
		int pr;

		if (got_term)
			break;
		if (got_hup) {
			got_hup = 0;
			reload(&a);
		}
		pr = poll(&p, 1, AGE_EVERY_MS);
		if (pr < 0 && errno != EINTR) {
			alog(LOG_ERR, "poll: %s", strerror(errno));
			break;
		}
		if (pr > 0) {
			ssize_t n = read(STDIN_FILENO, buf, READ_CHUNK);
			if (n < 0 && errno != EINTR && errno != EAGAIN) {
				alog(LOG_ERR, "read: %s", strerror(errno));
				break;
			}
			if (n == 0)
				break; /* auditd closed the pipe */
			if (n > 0 && feed_bytes(feed, buf, (size_t)n) < 0)
				alog(LOG_WARNING, "libauparse rejected input");
		}
		clock_gettime(CLOCK_MONOTONIC, &now);
		/* Group commit: while auditd has more for us right now, keep
		 * reading (up to BATCH_MAX bytes or BATCH_MS), so that one
		 * fdatasync covers many events. */
		if (pr > 0 && a.chain.len < BATCH_MAX &&
		    (now.tv_sec - batch_t0.tv_sec) * 1000 + (now.tv_nsec - batch_t0.tv_nsec) / 1000000 < BATCH_MS) {
			struct pollfd q = { .fd = STDIN_FILENO, .events = POLLIN };
			if (poll(&q, 1, 0) > 0 && (q.revents & POLLIN))
				continue;
		}
		batch_t0 = now;
		if (pr == 0 || (now.tv_sec - last_age.tv_sec) * 1000 + (now.tv_nsec - last_age.tv_nsec) / 1000000 >= AGE_EVERY_MS) {
			feed_age(feed);
			last_age = now;
		}
		commit(&a);
		if (time(NULL) - a.last_write >= BEAT_SECS)
			control_record(&a, DW_REC_BEAT, NULL);
	}
stop:
	if (feed) {
		feed_flush(feed);
		commit(&a);
	}
	snprintf(extra, sizeof extra, "events=%llu selected=%llu reason=%s",
		 (unsigned long long)a.events_in, (unsigned long long)a.events_sel,
		 got_term ? "signal" : "eof");
	control_record(&a, DW_REC_STOP, extra);
	{
		/* tests and benchmarks may wait longer for the log host */
		sender_stop(a.sender, env_ms("DW_AUDISP_DRAIN_MS", DRAIN_MS, DRAIN_MAX_MS));
	}
	a.sender = NULL;
	alog(LOG_INFO, "stopped: %llu events read, %llu forwarded, last seq %llu, acknowledged %llu",
	     (unsigned long long)a.events_in, (unsigned long long)a.events_sel,
	     (unsigned long long)a.chain.st.seq, (unsigned long long)spool_acked_seq(a.spool));
	status = 0;
out:
	feed_free(feed);
	free(buf);
	free(a.scratch);
	if (a.sender)
		sender_stop(a.sender, 0);
	chain_free(&a.chain);
	spool_close(a.spool);
	dw_sign_key_free(a.key);
	if (a.policy)
		dw_policy_unref(a.policy);
	return status;
}
