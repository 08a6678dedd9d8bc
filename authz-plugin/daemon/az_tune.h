/* az_tune.h - process-wide settings the plugin's speed depends on. */
#ifndef AZ_TUNE_H
#define AZ_TUNE_H

/* Keep large request buffers mapped between requests (see az_tune.c).
 * Called once, before any thread starts, by the daemon and its benchmark. */
void az_tune_malloc(void);

#endif
