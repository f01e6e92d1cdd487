/* Plain replay driver for the fuzz harnesses: no libFuzzer needed, builds with
 * any C compiler. Each argument is a file, or a directory whose files are
 * replayed (sorted by name, recursively, skipping names that start with '.').
 * Every file's bytes go through LLVMFuzzerTestOneInput() once, in an
 * exact-size heap buffer so that sanitizers see overreads.
 *
 *   fuzz-replay-request fuzz/corpus/request fuzz/regressions/request
 *
 * Prints "replayed N inputs". Exits 1 if an argument (or anything under it)
 * cannot be read; a harness failure aborts, after the name of the input is
 * printed (on SIGABRT; set FUZZ_REPLAY_VERBOSE=1 to print every name before
 * it runs, e.g. to find the input behind a sanitizer report). */
#define _POSIX_C_SOURCE 200809L

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz_common.h"

static unsigned long replayed;
static const char *volatile current; /* input being replayed */
static bool verbose;

static void on_abort(int sig)
{
	static const char pre[] = "fuzz-replay: failed on input: ";
	const char *path = current;

	if (path) {
		ssize_t r = write(STDERR_FILENO, pre, sizeof(pre) - 1);

		r = write(STDERR_FILENO, path, strlen(path));
		r = write(STDERR_FILENO, "\n", 1);
		(void)r;
	}
	signal(sig, SIG_DFL);
	raise(sig);
}

static int replay_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *data = NULL;
	size_t len = 0, cap = 0;

	if (!f) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return -1;
	}
	for (;;) {
		size_t n;

		if (cap - len < 4096) {
			uint8_t *nd;

			cap = cap ? cap * 2 : 8192;
			nd = realloc(data, cap);
			if (!nd) {
				fprintf(stderr, "%s: out of memory\n", path);
				free(data);
				fclose(f);
				return -1;
			}
			data = nd;
		}
		n = fread(data + len, 1, cap - len, f);
		len += n;
		if (n == 0)
			break;
	}
	if (ferror(f)) {
		fprintf(stderr, "%s: read error\n", path);
		free(data);
		fclose(f);
		return -1;
	}
	fclose(f);
	{
		/* Exact size: a read past the end is a heap overflow. */
		uint8_t *exact = (uint8_t *)fuzz_concat(data, len, NULL, 0);

		free(data);
		if (verbose)
			fprintf(stderr, "fuzz-replay: %s\n", path);
		current = path;
		LLVMFuzzerTestOneInput(exact, len);
		current = NULL;
		free(exact);
	}
	replayed++;
	return 0;
}

static int replay_path(const char *path);

static int replay_dir(const char *path)
{
	struct dirent **names;
	int n = scandir(path, &names, NULL, alphasort);
	int ret = 0;

	if (n < 0) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return -1;
	}
	for (int i = 0; i < n; i++) {
		const char *name = names[i]->d_name;

		if (name[0] != '.') {
			size_t plen = strlen(path), nlen = strlen(name);
			char *child = malloc(plen + nlen + 2);

			if (!child) {
				ret = -1;
			} else {
				memcpy(child, path, plen);
				child[plen] = '/';
				memcpy(child + plen + 1, name, nlen + 1);
				if (replay_path(child) < 0)
					ret = -1;
				free(child);
			}
		}
		free(names[i]);
	}
	free(names);
	return ret;
}

static int replay_path(const char *path)
{
	struct stat st;

	if (stat(path, &st) < 0) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return -1;
	}
	if (S_ISDIR(st.st_mode))
		return replay_dir(path);
	return replay_file(path);
}

int main(int argc, char **argv)
{
	int status = 0;
	const char *v = getenv("FUZZ_REPLAY_VERBOSE");
	struct sigaction sa;

	verbose = v && *v && strcmp(v, "0") != 0;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_abort;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGABRT, &sa, NULL);
	if (argc < 2) {
		fprintf(stderr, "usage: %s FILE|DIR...\n", argv[0]);
		return 2;
	}
	for (int i = 1; i < argc; i++)
		if (replay_path(argv[i]) < 0)
			status = 1;
	printf("replayed %lu inputs\n", replayed);
	return status;
}
