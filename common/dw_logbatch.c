/* dw_logbatch.c - batched syslog datagrams and audit user records.
 *
 * The records are byte for byte what dw_log_decision() produces through
 * glibc's syslog() and libaudit's audit_log_user_message():
 *   syslog: "<PRI>Mmm dd hh:mm:ss IDENT[PID]: dockwarden-COMPONENT: FIELDS"
 *   audit:  "op=dockwarden-COMPONENT FIELDS exe=EXE hostname=? addr=? terminal=? res=R"
 * (libaudit 3.0's format; a daemon has no terminal and authz has no peer
 * host or address).  tests/unit/test_log_e2e.sh compares both paths through
 * a real rsyslogd and auditd. */
#include <errno.h>
#include <libaudit.h>
#include <linux/netlink.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "dw_logbatch.h"

#define SYSLOG_PATH "/dev/log"
/* "<PRI>" + timestamp + tag + "dockwarden-COMPONENT: " around a line */
#define SYSLOG_REC_MAX (DW_LOG_LINE_BUF + 192)
/* the audit text: the line plus "op=..." and libaudit's trailer */
#define AUDIT_TEXT_MAX MAX_AUDIT_MESSAGE_LENGTH
#define AUDIT_REC_MAX NLMSG_SPACE(AUDIT_TEXT_MAX)
#define ACK_WAIT_MS 500 /* libaudit's own wait for one ACK */

struct dw_logbatch {
	char component[DW_COMPONENT_MAX + 1];
	char ident[64];
	char exe[2 * 4096 + 3];  /* "path" or hex, as libaudit writes it */
	int audit_fd, audit_type;
	int sock;                /* /dev/log, -1 until first needed */
	pid_t pid;
	size_t n;
	uint32_t seq;
	char *sys;               /* n syslog datagrams, back to back */
	size_t sys_len[DW_LOGBATCH_MAX];
	char *aud;               /* n netlink messages, back to back */
	size_t aud_used;
	char line[DW_LOG_LINE_BUF];
};

int dw_logbatch_new(struct dw_logbatch **out, const char *component, const char *ident,
		    int audit_fd, int audit_type)
{
	struct dw_logbatch *b = calloc(1, sizeof(*b));
	char path[4096];
	ssize_t pl;
	int rc = -ENOMEM;

	*out = NULL;
	if (!b)
		goto out;
	b->sock = -1;
	b->audit_fd = audit_fd;
	b->audit_type = audit_type;
	b->pid = getpid();
	if (strlen(component) > DW_COMPONENT_MAX || strlen(ident) >= sizeof(b->ident)) {
		rc = -EINVAL;
		goto out;
	}
	memcpy(b->component, component, strlen(component) + 1);
	memcpy(b->ident, ident, strlen(ident) + 1);
	pl = readlink("/proc/self/exe", path, sizeof(path) - 1);
	if (pl < 0) {
		snprintf(b->exe, sizeof(b->exe), "\"?\"");
	} else if (audit_value_needs_encoding(path, (unsigned int)pl)) {
		audit_encode_value(b->exe, path, (unsigned int)pl);
	} else {
		path[pl] = '\0';
		snprintf(b->exe, sizeof(b->exe), "\"%s\"", path);
	}
	b->sys = malloc((size_t)DW_LOGBATCH_MAX * SYSLOG_REC_MAX);
	b->aud = malloc((size_t)DW_LOGBATCH_MAX * AUDIT_REC_MAX);
	if (!b->sys || !b->aud)
		goto out;
	*out = b;
	b = NULL;
	rc = 0;
out:
	dw_logbatch_free(b);
	return rc;
}

void dw_logbatch_free(struct dw_logbatch *b)
{
	if (!b)
		return;
	if (b->sock >= 0)
		close(b->sock);
	free(b->sys);
	free(b->aud);
	free(b);
}

size_t dw_logbatch_count(const struct dw_logbatch *b)
{
	return b->n;
}

int dw_logbatch_add(struct dw_logbatch *b, int priority, enum dw_outcome outcome,
		    const struct dw_field *fields, size_t n)
{
	char stamp[32];
	struct tm tm;
	time_t now;
	struct nlmsghdr *nlh;
	int len, w;

	if (b->n == DW_LOGBATCH_MAX)
		return -ENOSPC;
	len = dw_log_line(b->component, fields, n, b->line, sizeof(b->line));
	if (len < 0)
		return len;

	/* glibc 2.36 syslog(3): "<%d>%s %s[%d]: " with "%h %e %T", C locale */
	now = time(NULL);
	localtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%b %e %H:%M:%S", &tm);
	w = snprintf(b->sys + b->n * SYSLOG_REC_MAX, SYSLOG_REC_MAX, "<%d>%s %s[%d]: dockwarden-%s: %s",
		     LOG_AUTHPRIV | (priority & LOG_PRIMASK), stamp, b->ident, (int)b->pid,
		     b->component, b->line);
	if (w < 0 || w >= SYSLOG_REC_MAX)
		return -EINVAL;
	b->sys_len[b->n] = (size_t)w;

	/* libaudit 3.0 audit_log_user_message(): text and its NUL, padded */
	nlh = (struct nlmsghdr *)(void *)(b->aud + b->aud_used);
	w = snprintf(NLMSG_DATA(nlh), AUDIT_TEXT_MAX,
		     "op=dockwarden-%s %s exe=%s hostname=? addr=? terminal=? res=%s", b->component,
		     b->line, b->exe, outcome == DW_OUTCOME_ALLOW ? "success" : "failed");
	if (w < 0 || w >= AUDIT_TEXT_MAX)
		return -EINVAL;
	memset(nlh, 0, sizeof(*nlh));
	nlh->nlmsg_len = NLMSG_SPACE((size_t)w + 1);
	nlh->nlmsg_type = (uint16_t)b->audit_type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = ++b->seq;
	memset((char *)NLMSG_DATA(nlh) + w, 0, nlh->nlmsg_len - NLMSG_HDRLEN - (size_t)w);
	b->aud_used += nlh->nlmsg_len;
	b->n++;
	return 0;
}

static int syslog_connect(struct dw_logbatch *b)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };

	if (b->sock >= 0)
		close(b->sock);
	b->sock = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (b->sock < 0)
		return -errno;
	memcpy(sa.sun_path, SYSLOG_PATH, sizeof(SYSLOG_PATH));
	if (connect(b->sock, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int e = errno;
		close(b->sock);
		b->sock = -1;
		return -e;
	}
	return 0;
}

/* Records [0, n) to syslog; the number not handed over. */
static size_t send_syslog(struct dw_logbatch *b)
{
	struct mmsghdr mm[DW_LOGBATCH_MAX];
	struct iovec iov[DW_LOGBATCH_MAX];
	size_t i, done = 0;
	int attempts = 0;

	memset(mm, 0, sizeof(mm));
	for (i = 0; i < b->n; i++) {
		iov[i].iov_base = b->sys + i * SYSLOG_REC_MAX;
		iov[i].iov_len = b->sys_len[i];
		mm[i].msg_hdr.msg_iov = &iov[i];
		mm[i].msg_hdr.msg_iovlen = 1;
	}
	while (done < b->n) {
		int r;
		if (b->sock < 0 && (attempts++ > 1 || syslog_connect(b) < 0))
			break;
		r = sendmmsg(b->sock, mm + done, (unsigned int)(b->n - done), MSG_NOSIGNAL);
		if (r > 0) {
			done += (size_t)r;
			continue;
		}
		if (r < 0 && errno == EINTR)
			continue;
		/* the syslog daemon went away or was restarted: reconnect once,
		 * as glibc's syslog() does */
		close(b->sock);
		b->sock = -1;
	}
	return b->n - done;
}

/* Records [0, n) to the kernel's audit queue; the number refused or never
 * acknowledged. */
static size_t send_audit(struct dw_logbatch *b)
{
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	struct mmsghdr mm[DW_LOGBATCH_MAX];
	struct iovec iov[DW_LOGBATCH_MAX];
	/* an ACK is an nlmsgerr echoing our header only (NLM_F_CAPPED) */
	char acks[DW_LOGBATCH_MAX][NLMSG_SPACE(sizeof(struct nlmsgerr)) + 64];
	uint32_t first = b->seq - (uint32_t)b->n + 1;
	size_t i, ok = 0, got = 0;
	ssize_t r;

	if (b->audit_fd < 0)
		return 0;
	do
		r = sendto(b->audit_fd, b->aud, b->aud_used, 0, (struct sockaddr *)&kernel, sizeof(kernel));
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return b->n;
	memset(mm, 0, sizeof(mm));
	for (i = 0; i < DW_LOGBATCH_MAX; i++) {
		iov[i].iov_base = acks[i];
		iov[i].iov_len = sizeof(acks[i]);
		mm[i].msg_hdr.msg_iov = &iov[i];
		mm[i].msg_hdr.msg_iovlen = 1;
	}
	/* The kernel answers while it handles the send, so the ACKs are
	 * normally queued already; wait a little only when they are not. */
	while (got < b->n) {
		int k = recvmmsg(b->audit_fd, mm, (unsigned int)(b->n - got), MSG_DONTWAIT, NULL);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0 && errno == EAGAIN) {
			struct pollfd p = { .fd = b->audit_fd, .events = POLLIN };
			if (poll(&p, 1, ACK_WAIT_MS) <= 0)
				break;
			continue;
		}
		if (k <= 0)
			break;
		for (i = 0; i < (size_t)k; i++) {
			const struct nlmsghdr *h = (const void *)acks[i];
			const struct nlmsgerr *e = NLMSG_DATA(h);
			if (mm[i].msg_len < NLMSG_SPACE(sizeof(int)) || h->nlmsg_type != NLMSG_ERROR ||
			    h->nlmsg_seq - first >= b->n)
				continue; /* not one of ours (a late ACK of an old batch) */
			got++;
			if (e->error == 0)
				ok++;
		}
	}
	return b->n - ok;
}

void dw_logbatch_flush(struct dw_logbatch *b, size_t *syslog_failed, size_t *audit_failed)
{
	size_t sf = 0, af = 0;

	if (b->n > 0) {
		sf = send_syslog(b);
		af = send_audit(b);
	}
	if (syslog_failed)
		*syslog_failed = sf;
	if (audit_failed)
		*audit_failed = af;
	b->n = 0;
	b->aud_used = 0;
}
