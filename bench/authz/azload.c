/* azload.c - keep-alive HTTP load over a unix socket, with latency percentiles.
 *
 * azload --socket PATH --request FILE [--threads N] [--count N | --seconds S]
 *        [--expect CODE]
 * FILE holds one complete HTTP/1.1 request (keep-alive); each thread opens one
 * connection and sends it back to back, timing every round trip.  Prints one
 * JSON line: requests, errors, rps, p50/p90/p99 in microseconds. */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define MAX_SAMPLES (4u << 20)
#define RBUF (1u << 20)

static const char *sock_path;
static char *req;
static size_t req_len;
static long count_per_thread = 0;
static double seconds = 0;
static int expect = 200;

struct worker {
	pthread_t t;
	double *lat;
	size_t n;
	long errors;
};

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int connect_unix(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", sock_path);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

/* One exchange; returns the HTTP status or -1. */
static int exchange(int fd, char *buf)
{
	size_t off = 0, got = 0, need = 0;
	char *hend = NULL;

	while (off < req_len) {
		ssize_t w = write(fd, req + off, req_len - off);
		if (w <= 0)
			return -1;
		off += (size_t)w;
	}
	for (;;) {
		ssize_t r = read(fd, buf + got, RBUF - 1 - got);
		if (r <= 0)
			return -1;
		got += (size_t)r;
		buf[got] = '\0';
		if (!hend) {
			char *cl;
			hend = strstr(buf, "\r\n\r\n");
			if (!hend)
				continue;
			cl = strcasestr(buf, "\r\ncontent-length:");
			if (!cl || cl > hend)
				return -1;
			need = (size_t)(hend + 4 - buf) + strtoul(cl + 17, NULL, 10);
		}
		if (got >= need)
			return atoi(buf + 9);
	}
}

static void *run(void *arg)
{
	struct worker *w = arg;
	char *buf = malloc(RBUF);
	int fd = connect_unix();
	double end = now() + seconds;
	long i;

	for (i = 0; buf && fd >= 0; i++) {
		double t0, t1;
		int st;
		if (count_per_thread ? i >= count_per_thread : now() >= end)
			break;
		t0 = now();
		st = exchange(fd, buf);
		t1 = now();
		if (st != expect) {
			w->errors++;
			close(fd);
			fd = connect_unix();
			continue;
		}
		if (w->n < MAX_SAMPLES)
			w->lat[w->n++] = (t1 - t0) * 1e6;
	}
	if (fd < 0)
		w->errors++;
	else
		close(fd);
	free(buf);
	return NULL;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "socket", required_argument, NULL, 's' }, { "request", required_argument, NULL, 'r' },
		{ "threads", required_argument, NULL, 't' }, { "count", required_argument, NULL, 'c' },
		{ "seconds", required_argument, NULL, 'S' }, { "expect", required_argument, NULL, 'e' },
		{ NULL, 0, NULL, 0 },
	};
	const char *reqfile = NULL;
	int threads = 1, opt, i;
	struct worker *w = NULL;
	double *all = NULL, t0, el;
	int status = 1, started;
	size_t n = 0;
	long errors = 0;
	FILE *f;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case 's': sock_path = optarg; break;
		case 'r': reqfile = optarg; break;
		case 't': threads = atoi(optarg); break;
		case 'c': count_per_thread = atol(optarg); break;
		case 'S': seconds = atof(optarg); break;
		case 'e': expect = atoi(optarg); break;
		default: return 2;
		}
	}
	if (!sock_path || !reqfile || threads < 1 || (!count_per_thread && seconds <= 0)) {
		fprintf(stderr, "usage: azload --socket P --request F [--threads N] (--count N|--seconds S) [--expect C]\n");
		return 2;
	}
	f = fopen(reqfile, "rb");
	if (!f) {
		perror(reqfile);
		return 1;
	}
	req = malloc(8u << 20);
	w = calloc((size_t)threads, sizeof(*w));
	if (!req || !w) {
		fprintf(stderr, "azload: out of memory\n");
		fclose(f);
		goto out;
	}
	req_len = fread(req, 1, 8u << 20, f);
	fclose(f);
	for (i = 0; i < threads; i++) {
		w[i].lat = malloc(MAX_SAMPLES * sizeof(double));
		if (!w[i].lat) {
			fprintf(stderr, "azload: out of memory\n");
			goto out;
		}
	}
	t0 = now();
	for (started = 0; started < threads; started++)
		if (pthread_create(&w[started].t, NULL, run, &w[started]) != 0) {
			fprintf(stderr, "azload: pthread_create failed\n");
			break;
		}
	for (i = 0; i < started; i++)
		pthread_join(w[i].t, NULL);
	if (started < threads)
		goto out;
	el = now() - t0;
	for (i = 0; i < threads; i++)
		n += w[i].n;
	all = malloc((n ? n : 1) * sizeof(double));
	if (!all) {
		fprintf(stderr, "azload: out of memory\n");
		goto out;
	}
	n = 0;
	for (i = 0; i < threads; i++) {
		memcpy(all + n, w[i].lat, w[i].n * sizeof(double));
		n += w[i].n;
		errors += w[i].errors;
	}
	qsort(all, n, sizeof(double), cmp);
	printf("{\"requests\":%zu,\"errors\":%ld,\"threads\":%d,\"seconds\":%.3f,\"rps\":%.0f,"
	       "\"p50_us\":%.1f,\"p90_us\":%.1f,\"p99_us\":%.1f}\n",
	       n, errors, threads, el, (double)n / el, n ? all[n / 2] : 0, n ? all[n * 9 / 10] : 0,
	       n ? all[n * 99 / 100] : 0);
	status = errors ? 1 : 0;
out:
	for (i = 0; w && i < threads; i++)
		free(w[i].lat);
	free(w);
	free(all);
	free(req);
	return status;
}
