/* az_cpu.h - the one place that decides whether the AVX2 paths exist
 * (x86-64 with GCC/clang: compiled with target("avx2")) and may run (the
 * CPU has it: libgcc reads CPUID once at start-up, so the check is a load). */
#ifndef AZ_CPU_H
#define AZ_CPU_H

#include <stdbool.h>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define AZ_AVX2 1
#define AZ_TARGET_AVX2 __attribute__((target("avx2")))

static inline bool az_have_avx2(void)
{
	return __builtin_cpu_supports("avx2");
}
#endif

#endif
