/* fuzz_replay_main.c - run a libFuzzer target over stored inputs, as a test.
 *
 * Usage: REPLAY DIR|FILE...  Feeds every regular file (directories are read
 * one level deep) to LLVMFuzzerTestOneInput.  A crash or sanitizer report
 * fails the test; finding no input at all fails it too, so a missing corpus
 * is never a silent pass. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define REPLAY_MAX_INPUT (16u << 20)

static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	size_t n;

	if (!f) {
		perror(path);
		return -1;
	}
	buf = malloc(REPLAY_MAX_INPUT);
	if (!buf) {
		fclose(f);
		return -1;
	}
	n = fread(buf, 1, REPLAY_MAX_INPUT, f);
	fclose(f);
	LLVMFuzzerTestOneInput(buf, n);
	free(buf);
	return 0;
}

int main(int argc, char **argv)
{
	size_t count = 0;
	int i, rc = 0;

	for (i = 1; i < argc; i++) {
		struct stat st;
		if (stat(argv[i], &st) < 0) {
			perror(argv[i]);
			return 1;
		}
		if (S_ISDIR(st.st_mode)) {
			DIR *d = opendir(argv[i]);
			struct dirent *e;
			if (!d) {
				perror(argv[i]);
				return 1;
			}
			while ((e = readdir(d))) {
				char p[4096];
				struct stat fst;
				snprintf(p, sizeof(p), "%s/%s", argv[i], e->d_name);
				if (stat(p, &fst) < 0 || !S_ISREG(fst.st_mode))
					continue;
				if (run_file(p) < 0)
					rc = 1;
				count++;
			}
			closedir(d);
		} else {
			if (run_file(argv[i]) < 0)
				rc = 1;
			count++;
		}
	}
	printf("%zu inputs replayed\n", count);
	return (rc || count == 0) ? 1 : 0;
}
