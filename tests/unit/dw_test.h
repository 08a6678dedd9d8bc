/* dw_test.h - minimal assertions for unit tests (shared by all unit tests).
 *
 *   CHECK(cond)            CHECK_EQ_INT(got, want)      CHECK_EQ_STR(got, want)
 *   return dw_test_done(); at the end of main(): prints "N passed, M failed",
 *                          exit status 1 when anything failed.
 * A failed check prints file:line and the values, and the test carries on. */
#ifndef DW_TEST_H
#define DW_TEST_H

#include <stdio.h>
#include <string.h>

static unsigned int dw_test_passed __attribute__((unused));
static unsigned int dw_test_failed __attribute__((unused));

#define DW_TEST_RESULT_(ok, ...)                                              \
	do {                                                                  \
		if (ok) {                                                     \
			dw_test_passed++;                                     \
		} else {                                                      \
			dw_test_failed++;                                     \
			fprintf(stderr, "%s:%d: FAIL: ", __FILE__, __LINE__); \
			fprintf(stderr, __VA_ARGS__);                         \
			fputc('\n', stderr);                                  \
		}                                                             \
	} while (0)

#define CHECK(cond) DW_TEST_RESULT_(!!(cond), "%s", #cond)

#define CHECK_EQ_INT(got, want)                                                    \
	do {                                                                       \
		long long g_ = (long long)(got), w_ = (long long)(want);           \
		DW_TEST_RESULT_(g_ == w_, "%s == %lld, expected %s == %lld", #got, \
				g_, #want, w_);                                    \
	} while (0)

#define CHECK_EQ_STR(got, want)                                                  \
	do {                                                                     \
		const char *g_ = (got), *w_ = (want);                            \
		DW_TEST_RESULT_(g_ && w_ && strcmp(g_, w_) == 0,                 \
				"%s == \"%s\", expected \"%s\"", #got,           \
				g_ ? g_ : "(null)", w_ ? w_ : "(null)");         \
	} while (0)

static inline int dw_test_done(void)
{
	printf("%u passed, %u failed\n", dw_test_passed, dw_test_failed);
	return dw_test_failed ? 1 : 0;
}

#endif
