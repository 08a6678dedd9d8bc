/* pam_stress.c - many concurrent account checks through the real libpam and
 * the built pam_dockwarden.so: 1,000 concurrent account checks, no leak,
 * consistent answers.
 *
 * Usage: pam_stress CONFDIR SERVICE ALLOWED_USER DENIED_USER OTHER_USER THREADS ROUNDS
 *
 * Each round starts THREADS threads that wait on one barrier and then each
 * run pam_start_confdir -> pam_acct_mgmt -> pam_end for one of the three
 * users (round-robin), as sshd would: PAM_RHOST 127.0.0.1, SSH_CONNECTION
 * and SSH_AUTH_INFO_0 "publickey ..." in the PAM environment.  Every answer
 * must equal the expected one: PAM_SUCCESS for the trusted guarded user,
 * PAM_PERM_DENIED for the untrusted guarded user, and the stack's result for
 * a user the module ignores (measured once, serially, before the rounds).
 *
 * Leaks: under ASan (sanitize run) LeakSanitizer checks at exit; under
 * valgrind memcheck does; in a plain build the bytes in use on the heap
 * (mallinfo2) must not grow from round 2 to the last round by more than a
 * bound that a leak of a few bytes per check would exceed. */
#include <malloc.h>
#include <pthread.h>
#include <security/pam_appl.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif
#ifndef UNDER_ASAN
#define UNDER_ASAN 0
#endif

static const char *confdir, *service;
static const char *users[3];
static int expected[3];
static pthread_barrier_t barrier;
static atomic_int wrong, pam_errors;

static int no_conv(int n, const struct pam_message **msg, struct pam_response **resp, void *ctx)
{
	(void)n; (void)msg; (void)resp; (void)ctx;
	return PAM_CONV_ERR;  /* the account phase must not need a conversation */
}

/* One account check as sshd runs it; returns the pam_acct_mgmt result, or
 * -1 when the handle could not be set up. */
static int check(const char *user)
{
	const struct pam_conv conv = { no_conv, NULL };
	pam_handle_t *h = NULL;
	int r;

	if (pam_start_confdir(service, user, &conv, confdir, &h) != PAM_SUCCESS)
		return -1;
	if (pam_set_item(h, PAM_RHOST, "127.0.0.1") != PAM_SUCCESS ||
	    pam_putenv(h, "SSH_CONNECTION=127.0.0.1 40022 127.0.0.1 22") != PAM_SUCCESS ||
	    pam_putenv(h, "SSH_AUTH_INFO_0=publickey ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIStress\n") !=
		    PAM_SUCCESS) {
		pam_end(h, PAM_SYSTEM_ERR);
		return -1;
	}
	r = pam_acct_mgmt(h, PAM_SILENT);
	pam_end(h, r);
	return r;
}

static void *worker(void *arg)
{
	size_t which = (size_t)(uintptr_t)arg % 3;
	int r;

	pthread_barrier_wait(&barrier);
	r = check(users[which]);
	if (r < 0)
		atomic_fetch_add(&pam_errors, 1);
	else if (r != expected[which]) {
		if (atomic_fetch_add(&wrong, 1) < 5)
			fprintf(stderr, "FAIL: %s: pam_acct_mgmt %d (%s), expected %d (%s)\n",
				users[which], r, pam_strerror(NULL, r), expected[which],
				pam_strerror(NULL, expected[which]));
	}
	return NULL;
}

/* Bytes malloc has handed out and not taken back, over all arenas.  More
 * precise than the resident set, which 1,000 threads' arenas make noisy. */
static long heap_in_use(void)
{
	struct mallinfo2 mi = mallinfo2();

	return (long)mi.uordblks;
}

int main(int argc, char **argv)
{
	long threads, rounds, round, heap_round2 = -1, heap_last = -1;
	pthread_t *tids;
	pthread_attr_t attr;
	int failures = 0;

	if (argc != 8) {
		fprintf(stderr, "usage: %s CONFDIR SERVICE ALLOWED DENIED OTHER THREADS ROUNDS\n", argv[0]);
		return 2;
	}
	confdir = argv[1];
	service = argv[2];
	users[0] = argv[3];
	users[1] = argv[4];
	users[2] = argv[5];
	threads = strtol(argv[6], NULL, 10);
	rounds = strtol(argv[7], NULL, 10);
	if (threads < 3 || threads > 5000 || rounds < 1 || rounds > 1000)
		return 2;

	expected[0] = PAM_SUCCESS;
	expected[1] = PAM_PERM_DENIED;
	expected[2] = check(users[2]);  /* whatever the stack says when we ignore */
	for (int i = 0; i < 2; i++) {
		int r = check(users[i]);
		if (r != expected[i]) {
			fprintf(stderr, "FAIL: serial check of %s: %d (%s), expected %d\n", users[i], r,
				r >= 0 ? pam_strerror(NULL, r) : "setup", expected[i]);
			return 1;
		}
	}
	if (expected[2] < 0 || expected[2] == PAM_SUCCESS) {
		/* The stack is "account required module": an ignored user must not
		 * come out as allowed by this module alone. */
		fprintf(stderr, "FAIL: ignored user %s: result %d\n", users[2], expected[2]);
		return 1;
	}

	tids = calloc((size_t)threads, sizeof(*tids));
	if (!tids)
		return 2;
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, UNDER_ASAN ? 1u << 20 : 256u << 10);
	for (round = 1; round <= rounds; round++) {
		long started = 0;
		pthread_barrier_init(&barrier, NULL, (unsigned)threads);
		for (long t = 0; t < threads; t++) {
			if (pthread_create(&tids[t], &attr, worker, (void *)(uintptr_t)t) != 0) {
				fprintf(stderr, "FAIL: pthread_create %ld\n", t);
				return 1;  /* the others wait on the barrier forever: exit */
			}
			started++;
		}
		for (long t = 0; t < started; t++)
			pthread_join(tids[t], NULL);
		pthread_barrier_destroy(&barrier);
		heap_last = heap_in_use();
		if (round == 2)
			heap_round2 = heap_last;
		printf("round %ld: %ld concurrent checks, heap in use %ld bytes\n", round, threads,
		       heap_last);
	}
	pthread_attr_destroy(&attr);
	free(tids);

	if (atomic_load(&wrong) || atomic_load(&pam_errors)) {
		fprintf(stderr, "FAIL: %d wrong answers, %d PAM setup errors in %ld checks\n",
			atomic_load(&wrong), atomic_load(&pam_errors), threads * rounds);
		failures++;
	}
	/* 16 KiB over (ROUNDS-2)*THREADS checks: with the defaults (1000 x 5)
	 * a leak of 6 bytes per check fails. */
	if (!UNDER_ASAN && rounds >= 3 && heap_last - heap_round2 > 16384) {
		fprintf(stderr, "FAIL: heap in use grew %ld bytes from round 2 to round %ld\n",
			heap_last - heap_round2, rounds);
		failures++;
	}
	printf("%ld checks, %d wrong, %d setup errors; allowed=%d denied=%d ignored-user=%d\n",
	       threads * rounds, atomic_load(&wrong), atomic_load(&pam_errors), expected[0],
	       expected[1], expected[2]);
	return failures ? 1 : 0;
}
