/* spool.c - durable segment spool (see spool.h). */
#include "spool.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "dw_file.h"
#include "dw_record.h"

struct seg {
	uint64_t first;
	uint64_t bytes;
};

struct spool {
	char *dir;
	int dirfd;
	pthread_mutex_t mu;
	pthread_cond_t cond;
	struct seg *segs;
	size_t nsegs, segcap;
	int cur_fd;                 /* the last segment, open for append */
	uint64_t total, max_bytes, seg_max;
	enum dw_spool_full_action action;
	uint64_t durable_seq;
	uint64_t acked_seq;
	uint64_t evict_from, evict_to;
	bool woken;
};

#define SEG_FMT "seg-%020" PRIu64 ".log"

bool spool_line_seq(const char *line, size_t len, uint64_t *seq)
{
	size_t lim = len < 512 ? len : 512;
	const char *p = memmem(line, lim, " seq=", 5);
	size_t i, n = 0;
	if (!p)
		return false;
	p += 5;
	i = (size_t)(p - line);
	while (i + n < len && line[i + n] >= '0' && line[i + n] <= '9')
		n++;
	return dw_parse_u64(p, n, seq);
}

static void seg_name(char *out, size_t sz, uint64_t first)
{
	snprintf(out, sz, SEG_FMT, first);
}

/* A segment file name is exactly what seg_name() writes: "seg-", twenty
 * zero-padded digits, ".log".  Anything else in the spool directory is not
 * ours and is left alone. */
static bool parse_seg_name(const char *name, uint64_t *first)
{
	enum { DIGITS = 20, LEN = 4 + DIGITS + 4 };
	char canon[LEN + 1];
	size_t z = 0;
	uint64_t v;

	if (strnlen(name, LEN + 1) != LEN || memcmp(name, "seg-", 4) != 0 ||
	    memcmp(name + 4 + DIGITS, ".log", 4) != 0)
		return false;
	/* dw_parse_u64 takes canonical decimal only: skip the zero padding */
	while (z < DIGITS - 1 && name[4 + z] == '0')
		z++;
	if (!dw_parse_u64(name + 4 + z, DIGITS - z, &v))
		return false;
	/* one spelling per segment (rejects e.g. a padding of "+" or " ") */
	seg_name(canon, sizeof canon, v);
	if (memcmp(canon, name, LEN) != 0)
		return false;
	*first = v;
	return true;
}

/* The "state" file rotate() writes: "<stream hex> <seq> <head hex>\n". */
static bool parse_state(const char *buf, size_t len, struct chain_state *st)
{
	const char *end = buf + len, *sp1, *sp2;
	uint64_t seq;

	if (len > 0 && end[-1] == '\n')
		end--;
	sp1 = memchr(buf, ' ', (size_t)(end - buf));
	if (!sp1)
		return false;
	sp2 = memchr(sp1 + 1, ' ', (size_t)(end - sp1 - 1));
	if (!sp2)
		return false;
	if (dw_hex_decode(buf, (size_t)(sp1 - buf), st->stream, sizeof st->stream) != 0 ||
	    !dw_parse_u64(sp1 + 1, (size_t)(sp2 - sp1 - 1), &seq) ||
	    dw_hex_decode(sp2 + 1, (size_t)(end - sp2 - 1), st->head, sizeof st->head) != 0)
		return false;
	st->seq = seq;
	return true;
}

static int path_in(const struct spool *sp, const char *name, char *out, size_t sz)
{
	int n = snprintf(out, sz, "%s/%s", sp->dir, name);
	return n < 0 || (size_t)n >= sz ? -ENAMETOOLONG : 0;
}

static int cmp_seg(const void *a, const void *b)
{
	const struct seg *x = a, *y = b;
	return x->first < y->first ? -1 : x->first > y->first;
}

static int push_seg(struct spool *sp, uint64_t first, uint64_t bytes)
{
	if (sp->nsegs == sp->segcap) {
		size_t nc = sp->segcap ? sp->segcap * 2 : 16;
		struct seg *ns = reallocarray(sp->segs, nc, sizeof *ns);
		if (!ns)
			return -ENOMEM;
		sp->segs = ns;
		sp->segcap = nc;
	}
	sp->segs[sp->nsegs].first = first;
	sp->segs[sp->nsegs].bytes = bytes;
	sp->nsegs++;
	sp->total += bytes;
	return 0;
}

static int read_small(struct spool *sp, const char *name, char *buf, size_t sz)
{
	ssize_t n;
	int fd = openat(sp->dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sz - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return (int)n;
}

static int write_small(struct spool *sp, const char *name, const char *data, size_t len)
{
	char path[4096];
	int rc = path_in(sp, name, path, sizeof path);
	if (rc < 0)
		return rc;
	return dw_file_write_atomic(path, data, len, 0600);
}

/* Recover the chain state from the last complete line of segment FIRST,
 * cutting off a torn tail.  1: found, 0: segment has no complete line. */
static int recover_from_seg(struct spool *sp, size_t i, struct chain_state *st, char *why, size_t whysz)
{
	char name[64];
	struct stat stt;
	char *buf = NULL;
	size_t want, off;
	ssize_t n;
	int rc = 0, fd;
	struct dw_rec r;

	seg_name(name, sizeof name, sp->segs[i].first);
	fd = openat(sp->dirfd, name, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &stt) < 0) {
		rc = -errno;
		goto out;
	}
	want = (size_t)stt.st_size < 2 * (size_t)DW_REC_LINE_MAX ? (size_t)stt.st_size : 2 * (size_t)DW_REC_LINE_MAX;
	off = (size_t)stt.st_size - want;
	buf = malloc(want + 1);
	if (!buf) {
		rc = -ENOMEM;
		goto out;
	}
	n = pread(fd, buf, want, (off_t)off);
	if (n != (ssize_t)want) {
		rc = n < 0 ? -errno : -EIO;
		goto out;
	}
	/* cut a torn last line: it was never durable, never sent */
	size_t end = want;
	while (end > 0 && buf[end - 1] != '\n')
		end--;
	if (end != want) {
		if (ftruncate(fd, (off_t)(off + end)) < 0 || fsync(fd) < 0) {
			rc = -errno;
			goto out;
		}
		sp->total -= sp->segs[i].bytes;
		sp->segs[i].bytes = off + end;
		sp->total += sp->segs[i].bytes;
	}
	if (end == 0) {
		rc = 0;
		goto out;
	}
	size_t ls = end - 1;
	while (ls > 0 && buf[ls - 1] != '\n')
		ls--;
	if (ls == 0 && off > 0) {
		rc = -EINVAL;
		snprintf(why, whysz, "%s: last line longer than any record", name);
		goto out;
	}
	if (dw_rec_parse(buf + ls, end - 1 - ls, &r) != DW_REC_OK ||
	    dw_hex_decode(r.stream.p, r.stream.n, st->stream, sizeof st->stream) < 0) {
		rc = -EINVAL;
		snprintf(why, whysz, "%s: last line is not a valid record; refusing to continue the chain", name);
		goto out;
	}
	st->seq = r.seq;
	dw_chain_next(r.prev, r.body.p, r.body.n, st->head);
	rc = 1;
out:
	free(buf);
	close(fd);
	return rc;
}

static int recover(struct spool *sp, struct chain_state *st, bool *fresh, char *why, size_t whysz)
{
	DIR *d;
	struct dirent *de;
	char buf[256];
	int rc = 0, dfd, got;

	dfd = dup(sp->dirfd);
	if (dfd < 0)
		return -errno;
	d = fdopendir(dfd);
	if (!d) {
		close(dfd);
		return -errno;
	}
	while ((de = readdir(d))) {
		uint64_t first;
		struct stat stt;
		if (!parse_seg_name(de->d_name, &first))
			continue;
		if (fstatat(sp->dirfd, de->d_name, &stt, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISREG(stt.st_mode))
			continue;
		rc = push_seg(sp, first, (uint64_t)stt.st_size);
		if (rc < 0)
			break;
	}
	closedir(d);
	if (rc < 0)
		return rc;
	if (sp->nsegs > 1) /* qsort(NULL, 0, ...) is undefined: an empty spool has no array */
		qsort(sp->segs, sp->nsegs, sizeof *sp->segs, cmp_seg);

	if (read_small(sp, "acked", buf, sizeof buf) > 0) {
		size_t n = strcspn(buf, "\n");
		if (!dw_parse_u64(buf, n, &sp->acked_seq))
			sp->acked_seq = 0;
	}
	*fresh = true;
	while (sp->nsegs > 0) {
		rc = recover_from_seg(sp, sp->nsegs - 1, st, why, whysz);
		if (rc < 0)
			return rc;
		if (rc == 1) {
			*fresh = false;
			break;
		}
		/* empty newest segment (rotated, then nothing durable): drop it */
		seg_name(buf, sizeof buf, sp->segs[sp->nsegs - 1].first);
		unlinkat(sp->dirfd, buf, 0);
		sp->total -= sp->segs[sp->nsegs - 1].bytes;
		sp->nsegs--;
	}
	if (*fresh && (got = read_small(sp, "state", buf, sizeof buf)) > 0) {
		if (parse_state(buf, (size_t)got, st)) {
			*fresh = false;
		} else {
			snprintf(why, whysz, "state file is malformed; refusing to continue the chain");
			return -EINVAL;
		}
	}
	sp->durable_seq = *fresh ? 0 : st->seq;
	if (sp->acked_seq > sp->durable_seq)
		sp->acked_seq = sp->durable_seq; /* stale ack from a wiped spool */
	return 0;
}

static int open_current(struct spool *sp)
{
	char name[64];
	seg_name(name, sizeof name, sp->segs[sp->nsegs - 1].first);
	if (sp->cur_fd >= 0)
		close(sp->cur_fd);
	sp->cur_fd = openat(sp->dirfd, name, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (sp->cur_fd < 0)
		return -errno;
	/* the new name must survive a crash too */
	if (fsync(sp->dirfd) < 0)
		return -errno;
	return 0;
}

int spool_open(const char *dir, uint64_t max_bytes, enum dw_spool_full_action action,
	       struct spool **out, struct chain_state *st, bool *fresh, char *why, size_t whysz)
{
	struct spool *sp = calloc(1, sizeof *sp);
	int rc;

	if (!sp)
		return -ENOMEM;
	sp->dirfd = -1;
	sp->cur_fd = -1;
	pthread_mutex_init(&sp->mu, NULL);
	pthread_cond_init(&sp->cond, NULL);
	sp->dir = strdup(dir);
	if (!sp->dir) {
		rc = -ENOMEM;
		goto out;
	}
	if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
		rc = -errno;
		snprintf(why, whysz, "cannot create %s: %s", dir, strerror(errno));
		goto out;
	}
	sp->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (sp->dirfd < 0) {
		rc = -errno;
		snprintf(why, whysz, "cannot open %s: %s", dir, strerror(errno));
		goto out;
	}
	spool_set_limits(sp, max_bytes, action);
	memset(st, 0, sizeof *st);
	rc = recover(sp, st, fresh, why, whysz);
	if (rc < 0) {
		if (!why[0])
			snprintf(why, whysz, "cannot recover the spool in %s: %s", dir, strerror(-rc));
		goto out;
	}
	if (sp->nsegs > 0) {
		rc = open_current(sp);
		if (rc < 0) {
			snprintf(why, whysz, "cannot open the spool segment: %s", strerror(-rc));
			goto out;
		}
	}
	*out = sp;
	sp = NULL;
out:
	if (sp)
		spool_close(sp);
	return rc < 0 ? rc : 0;
}

void spool_close(struct spool *sp)
{
	if (!sp)
		return;
	if (sp->cur_fd >= 0)
		close(sp->cur_fd);
	if (sp->dirfd >= 0)
		close(sp->dirfd);
	pthread_mutex_destroy(&sp->mu);
	pthread_cond_destroy(&sp->cond);
	free(sp->segs);
	free(sp->dir);
	free(sp);
}

void spool_set_limits(struct spool *sp, uint64_t max_bytes, enum dw_spool_full_action action)
{
	pthread_mutex_lock(&sp->mu);
	sp->max_bytes = max_bytes;
	sp->action = action;
	/* several segments, so that eviction and trimming free space gradually */
	sp->seg_max = max_bytes / 8;
	if (sp->seg_max > 16u << 20)
		sp->seg_max = 16u << 20;
	if (sp->seg_max < 64u << 10)
		sp->seg_max = 64u << 10;
	pthread_mutex_unlock(&sp->mu);
}

/* Start a new segment whose first record will be FIRST.  Saves BEFORE (the
 * state at the end of the old segment) so that recovery works even when the
 * old segments are all acknowledged and deleted. */
static int rotate(struct spool *sp, uint64_t first, const struct chain_state *before)
{
	char line[256], sh[2 * DW_REC_STREAM_BYTES + 1], hh[DW_CHAIN_HEX + 1];
	int n, rc;

	dw_hex_encode(before->stream, sizeof before->stream, sh);
	sh[sizeof sh - 1] = '\0';
	dw_hex_encode(before->head, sizeof before->head, hh);
	hh[sizeof hh - 1] = '\0';
	n = snprintf(line, sizeof line, "%s %" PRIu64 " %s\n", sh, before->seq, hh);
	rc = write_small(sp, "state", line, (size_t)n);
	if (rc < 0)
		return rc;
	rc = push_seg(sp, first, 0);
	if (rc < 0)
		return rc;
	return open_current(sp);
}

static void evict_oldest(struct spool *sp)
{
	char name[64];
	uint64_t from = sp->segs[0].first, to = sp->segs[1].first - 1;
	seg_name(name, sizeof name, from);
	unlinkat(sp->dirfd, name, 0);
	sp->total -= sp->segs[0].bytes;
	memmove(sp->segs, sp->segs + 1, (sp->nsegs - 1) * sizeof *sp->segs);
	sp->nsegs--;
	if (to > sp->acked_seq) {
		if (from <= sp->acked_seq)
			from = sp->acked_seq + 1;
		if (sp->evict_from == 0)
			sp->evict_from = from;
		sp->evict_to = to;
	}
}

int spool_append(struct spool *sp, const char *buf, size_t len, uint64_t first, uint64_t last,
		 const struct chain_state *before)
{
	int rc = 0;

	pthread_mutex_lock(&sp->mu);
	if (sp->nsegs == 0 || sp->segs[sp->nsegs - 1].bytes >= sp->seg_max) {
		rc = rotate(sp, first, before);
		if (rc < 0)
			goto out;
	}
	while (sp->total + len > sp->max_bytes) {
		if (sp->action == DW_SPOOL_FULL_DROP_NEW) {
			rc = -ENOSPC;
			goto out;
		}
		if (sp->nsegs == 1) {
			if (sp->segs[0].bytes == 0) {
				rc = -ENOSPC; /* a single batch larger than the whole spool */
				goto out;
			}
			rc = rotate(sp, first, before);
			if (rc < 0)
				goto out;
		}
		evict_oldest(sp);
	}
	pthread_mutex_unlock(&sp->mu);
	/* The write and the fsync happen outside the lock: the sender only reads
	 * up to durable_seq, which we publish afterwards. */
	rc = dw_write_all(sp->cur_fd, buf, len);
	if (rc == 0 && fdatasync(sp->cur_fd) < 0)
		rc = -errno;
	pthread_mutex_lock(&sp->mu);
	if (rc < 0)
		goto out;
	sp->segs[sp->nsegs - 1].bytes += len;
	sp->total += len;
	sp->durable_seq = last;
	pthread_cond_broadcast(&sp->cond);
out:
	pthread_mutex_unlock(&sp->mu);
	return rc;
}

bool spool_take_evicted(struct spool *sp, uint64_t *from, uint64_t *to)
{
	bool any;
	pthread_mutex_lock(&sp->mu);
	any = sp->evict_from != 0;
	*from = sp->evict_from;
	*to = sp->evict_to;
	sp->evict_from = sp->evict_to = 0;
	pthread_mutex_unlock(&sp->mu);
	return any;
}

uint64_t spool_durable_seq(struct spool *sp)
{
	uint64_t v;
	pthread_mutex_lock(&sp->mu);
	v = sp->durable_seq;
	pthread_mutex_unlock(&sp->mu);
	return v;
}

uint64_t spool_acked_seq(struct spool *sp)
{
	uint64_t v;
	pthread_mutex_lock(&sp->mu);
	v = sp->acked_seq;
	pthread_mutex_unlock(&sp->mu);
	return v;
}

uint64_t spool_bytes(struct spool *sp)
{
	uint64_t v;
	pthread_mutex_lock(&sp->mu);
	v = sp->total;
	pthread_mutex_unlock(&sp->mu);
	return v;
}

uint64_t spool_wait(struct spool *sp, uint64_t after, int timeout_ms)
{
	struct timespec ts;
	uint64_t v;
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += timeout_ms / 1000;
	ts.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&sp->mu);
	while (sp->durable_seq <= after && !sp->woken)
		if (pthread_cond_timedwait(&sp->cond, &sp->mu, &ts) != 0)
			break;
	sp->woken = false;
	v = sp->durable_seq;
	pthread_mutex_unlock(&sp->mu);
	return v;
}

void spool_wake(struct spool *sp)
{
	pthread_mutex_lock(&sp->mu);
	sp->woken = true;
	pthread_cond_broadcast(&sp->cond);
	pthread_mutex_unlock(&sp->mu);
}

void spool_reader_init(struct spool_reader *r)
{
	memset(r, 0, sizeof *r);
	r->fd = -1;
}

void spool_reader_free(struct spool_reader *r)
{
	if (r->fd >= 0)
		close(r->fd);
	free(r->buf);
	spool_reader_init(r);
}

/* Open the segment that holds SEQ (or the first one after it). Under mu. */
static int reader_open_for(struct spool *sp, struct spool_reader *r, uint64_t seq)
{
	char name[64];
	size_t i = 0;
	if (r->fd >= 0)
		close(r->fd);
	r->fd = -1;
	r->len = r->pos = 0;
	r->off = 0;
	if (sp->nsegs == 0)
		return 0;
	while (i + 1 < sp->nsegs && sp->segs[i + 1].first <= seq)
		i++;
	seg_name(name, sizeof name, sp->segs[i].first);
	r->fd = openat(sp->dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (r->fd < 0)
		return -errno;
	r->seg_first = sp->segs[i].first;
	return 0;
}

int spool_reader_seek(struct spool *sp, struct spool_reader *r, uint64_t after)
{
	int rc;
	pthread_mutex_lock(&sp->mu);
	rc = reader_open_for(sp, r, after + 1);
	pthread_mutex_unlock(&sp->mu);
	r->last_seq = after;
	return rc;
}

/* Durable size of segment FIRST, and the first seq of the next one (0: none). */
static void seg_limits(struct spool *sp, uint64_t first, uint64_t *durable, uint64_t *next)
{
	*durable = 0;
	*next = 0;
	for (size_t i = 0; i < sp->nsegs; i++) {
		if (sp->segs[i].first == first) {
			*durable = sp->segs[i].bytes;
			if (i + 1 < sp->nsegs)
				*next = sp->segs[i + 1].first;
			return;
		}
		if (sp->segs[i].first > first) {
			*next = sp->segs[i].first; /* ours was evicted */
			return;
		}
	}
}

int spool_reader_next(struct spool *sp, struct spool_reader *r, const char **line, size_t *len,
		      uint64_t *seq)
{
	for (;;) {
		uint64_t durable, next;
		char *nl;

		/* a complete line in the buffer? */
		if (r->fd >= 0 && r->pos < r->len &&
		    (nl = memchr(r->buf + r->pos, '\n', r->len - r->pos))) {
			const char *l = r->buf + r->pos;
			size_t n = (size_t)(nl - l);
			uint64_t s;
			r->pos += n + 1;
			if (!spool_line_seq(l, n, &s) || s <= r->last_seq)
				continue; /* already sent (seek landed mid-segment) */
			r->last_seq = s;
			*line = l;
			*len = n;
			*seq = s;
			return 1;
		}
		pthread_mutex_lock(&sp->mu);
		if (r->fd < 0) {
			int rc = reader_open_for(sp, r, r->last_seq + 1);
			pthread_mutex_unlock(&sp->mu);
			if (rc < 0)
				return rc;
			if (r->fd < 0)
				return 0;
			continue;
		}
		seg_limits(sp, r->seg_first, &durable, &next);
		pthread_mutex_unlock(&sp->mu);
		uint64_t have = r->off + r->len;
		if (durable == 0 && next != 0) {
			/* our segment was evicted: move on */
			close(r->fd);
			r->fd = -1;
			continue;
		}
		if (have < durable) {
			/* compact and read more, at most up to the durable size */
			if (r->pos > 0) {
				memmove(r->buf, r->buf + r->pos, r->len - r->pos);
				r->off += r->pos;
				r->len -= r->pos;
				r->pos = 0;
			}
			if (r->cap - r->len < 65536) {
				size_t nc = r->cap ? r->cap * 2 : 1u << 20;
				if (nc < r->len + 65536)
					nc = r->len + 65536;
				char *nb = realloc(r->buf, nc);
				if (!nb)
					return -ENOMEM;
				r->buf = nb;
				r->cap = nc;
			}
			size_t want = r->cap - r->len;
			if (want > durable - have)
				want = (size_t)(durable - have);
			ssize_t n = pread(r->fd, r->buf + r->len, want, (off_t)have);
			if (n < 0)
				return -errno;
			if (n == 0)
				return -EIO; /* shorter than we wrote: truncated under us */
			r->len += (size_t)n;
			continue;
		}
		if (next != 0) {
			/* this segment is complete; go to the next one */
			close(r->fd);
			r->fd = -1;
			continue;
		}
		return 0;
	}
}

int spool_ack(struct spool *sp, uint64_t seq)
{
	char line[32], name[64];
	int n, rc;

	pthread_mutex_lock(&sp->mu);
	if (seq <= sp->acked_seq) {
		pthread_mutex_unlock(&sp->mu);
		return 0;
	}
	sp->acked_seq = seq;
	/* delete closed segments whose every record is acknowledged */
	while (sp->nsegs > 1 && sp->segs[1].first - 1 <= seq) {
		seg_name(name, sizeof name, sp->segs[0].first);
		unlinkat(sp->dirfd, name, 0);
		sp->total -= sp->segs[0].bytes;
		memmove(sp->segs, sp->segs + 1, (sp->nsegs - 1) * sizeof *sp->segs);
		sp->nsegs--;
	}
	pthread_mutex_unlock(&sp->mu);
	n = snprintf(line, sizeof line, "%" PRIu64 "\n", seq);
	rc = write_small(sp, "acked", line, (size_t)n);
	return rc;
}
