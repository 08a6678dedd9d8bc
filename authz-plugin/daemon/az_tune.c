/* az_tune.c - allocator settings for large requests.
 *
 * A 1 MiB body costs ~4 MB of short-lived buffers per request: the envelope
 * (1.4 MB of base64), the decoded body, the node array.  By default glibc
 * maps blocks over 128 kB with mmap and unmaps them on free, and trims the
 * heap once 128 kB lie free at its top, so every large request page-faulted
 * all of that memory in again: 4 of the 5 ms a 1 MiB decision took on these
 * VMs.  Blocks up to AZ_MAX_REQUEST-sized now come from the heap, and up to
 * 16 MB of free heap stays mapped per arena (the daemon has four threads):
 * bounded, and flat under load (tests/stress/authz_memory.sh). */
#include <malloc.h>

#include "az_tune.h"

void az_tune_malloc(void)
{
	mallopt(M_MMAP_THRESHOLD, 8 << 20);
	mallopt(M_TRIM_THRESHOLD, 16 << 20);
}
