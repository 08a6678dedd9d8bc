/* azbench_eval.c - in-process cost of one AuthZReq decision (no HTTP):
 * envelope JSON + base64 + body decoding + rules, against the default policy.
 * azbench_eval ENVELOPE_FILE ITERATIONS  -> one JSON line with p50/p99 in us. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "az_envelope.h"
#include "az_eval.h"
#include "az_tune.h"
#include "dw_policy.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	struct dw_policy *pol;
	char *buf;
	size_t len;
	long n, i;
	double *lat;
	FILE *f;
	int denied = 0;

	az_tune_malloc(); /* as the daemon does */
	if (argc != 3 || dw_policy_load_default(&pol) < 0)
		return 2;
	n = atol(argv[2]);
	f = fopen(argv[1], "rb");
	if (!f || n < 1)
		return 2;
	buf = malloc(8u << 20);
	len = fread(buf, 1, 8u << 20, f);
	fclose(f);
	lat = malloc((size_t)n * sizeof(double));
	for (i = 0; i < n; i++) {
		struct az_envelope env;
		struct az_verdict v;

		az_verdict_init(&v);
		char why[160];
		double t0 = now();
		if (az_envelope_parse(buf, len, &env, why, sizeof(why)) == 0)
			az_evaluate(pol, &env.rq, &v, NULL, 0);
		az_envelope_free(&env);
		lat[i] = now() - t0;
		denied = v.deny;
	}
	qsort(lat, (size_t)n, sizeof(double), cmp);
	printf("{\"bytes\":%zu,\"iterations\":%ld,\"denied\":%d,\"p50_us\":%.1f,\"p99_us\":%.1f}\n", len,
	       n, denied, lat[n / 2], lat[n * 99 / 100]);
	dw_policy_unref(pol);
	return 0;
}
