/* test_select.c - selection on recorded streams, through libauparse feed mode.
 *   test_select STREAM      events with serial 100-199 must be forwarded, all
 *                           others not (tests/audisp/data/docker-stream.log:
 *                           keys, hex multi-keys, exe patterns, relative and
 *                           hex-encoded paths, dockwarden decision records,
 *                           node= prefixes, ENRICHED, interleaved events,
 *                           garbage and an over-long record)
 *   test_select --samples DIR  public sample logs: no crash; the two
 *                           Docker events in them are found */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dw_policy.h"
#include "feed.h"
#include "select.h"

static struct select_cfg cfg;
static int failures, events, selected;
static char found[4096];

static unsigned long serial_of(const struct ap_rec *r)
{
	const char *p = memmem(r->text, r->len, "msg=audit(", 10);
	const char *colon = p ? memchr(p, ':', r->len - (size_t)(p - r->text)) : NULL;
	return colon ? strtoul(colon + 1, NULL, 10) : 0;
}

static void on_stream(void *ctx, const struct ap_rec *r, size_t n)
{
	unsigned long s = serial_of(&r[0]);
	enum select_reason why = select_event(&cfg, r, n);
	bool want = s >= 100 && s < 200;
	(void)ctx;
	events++;
	if ((why != SEL_NONE) != want) {
		failures++;
		fprintf(stderr, "FAIL: event %lu: selected=%s, expected %s\n", s, select_reason_name(why),
			want ? "forwarded" : "dropped");
	}
	if (why != SEL_NONE)
		selected++;
}

static void on_sample(void *ctx, const struct ap_rec *r, size_t n)
{
	enum select_reason why = select_event(&cfg, r, n);
	(void)ctx;
	events++;
	if (why != SEL_NONE) {
		selected++;
		size_t l = strlen(found);
		snprintf(found + l, sizeof found - l, "%lu:%s ", serial_of(&r[0]), select_reason_name(why));
	}
}

static int feed_file(const char *path, feed_event_fn fn)
{
	struct feed *f;
	char buf[1000]; /* odd size: records split across reads */
	ssize_t n;
	int fd = open(path, O_RDONLY);
	if (fd < 0 || feed_new(fn, NULL, &f) < 0)
		return -1;
	while ((n = read(fd, buf, sizeof buf)) > 0)
		feed_bytes(f, buf, (size_t)n);
	feed_flush(f);
	feed_free(f);
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	struct dw_policy *p;
	if (dw_policy_load_default(&p) < 0)
		return 2;
	select_cfg_from_policy(&cfg, p);
	if (argc == 2) {
		if (feed_file(argv[1], on_stream) < 0)
			return 2;
		/* 14 forwarded + 9 dropped events are in the file */
		if (events != 23 || selected != 14) {
			failures++;
			fprintf(stderr, "FAIL: %d events, %d selected; expected 23 and 14\n", events, selected);
		}
	} else if (argc == 3 && strcmp(argv[1], "--samples") == 0) {
		DIR *d = opendir(argv[2]);
		struct dirent *de;
		char path[4096];
		if (!d)
			return 2;
		while ((de = readdir(d))) {
			if (de->d_name[0] == '.' || strstr(de->d_name, ".md"))
				continue;
			snprintf(path, sizeof path, "%s/%s", argv[2], de->d_name);
			if (feed_file(path, on_sample) < 0)
				return 2;
		}
		closedir(d);
		/* the real dockerd event (exe) and the openEuler key="docker" event */
		if (!strstr(found, "339749193:exe") || !strstr(found, "8097:key") || selected != 2) {
			failures++;
			fprintf(stderr, "FAIL: samples: %d of %d events selected: %s\n", selected, events, found);
		}
		if (events < 100) {
			failures++;
			fprintf(stderr, "FAIL: only %d events parsed from the samples\n", events);
		}
	} else {
		return 2;
	}
	dw_policy_unref(p);
	printf("%d events, %d selected, %d failures\n", events, selected, failures);
	return failures ? 1 : 0;
}
