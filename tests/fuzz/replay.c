/*
** replay.c - run a fuzz target as an ordinary test: every file of its corpus,
** then a fixed, reproducible set of mutations of them (bit flips, byte
** changes, cuts, splices), so `make test` exercises each parser under the
** sanitizers without clang.  Prints TAP.
**
** Usage: fuzz_NAME CORPUS_DIR [MUTATIONS]
*/
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

enum { REPLAY_MAX_INPUT = 1 << 16, REPLAY_MAX_FILES = 256 };

static uint64_t rng = 0x9E3779B97F4A7C15ULL;

static uint64_t next_random(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

struct input {
	uint8_t *data;
	size_t size;
};

static size_t mutate(const struct input *seeds, int n, uint8_t *out)
{
	const struct input *a = &seeds[next_random() % (uint64_t)n], *b = &seeds[next_random() % (uint64_t)n];
	size_t size = a->size;
	memcpy(out, a->data, size);
	int steps = 1 + (int)(next_random() % 4);
	for (int i = 0; i < steps; i++) {
		switch (next_random() % 5) {
		case 0: /* flip a bit */
			if (size)
				out[next_random() % size] ^= (uint8_t)(1u << (next_random() % 8));
			break;
		case 1: /* an interesting byte */
			if (size) {
				static const uint8_t bytes[] = {0,   '"', ',', '\n', '\r', '-',
				                                '/', '{', '}', 0xff, 0xe5, '9'};
				out[next_random() % size] = bytes[next_random() % sizeof bytes];
			}
			break;
		case 2: /* cut */
			if (size)
				size = next_random() % size;
			break;
		case 3: /* splice in part of another seed */
			if (b->size && size < REPLAY_MAX_INPUT / 2) {
				size_t from = next_random() % b->size, len = b->size - from,
				       at = size ? next_random() % size : 0;
				if (len > REPLAY_MAX_INPUT / 2)
					len = REPLAY_MAX_INPUT / 2;
				memmove(out + at + len, out + at, size - at);
				memcpy(out + at, b->data + from, len);
				size += len;
			}
			break;
		default: /* duplicate a run */
			if (size && size < REPLAY_MAX_INPUT / 2) {
				size_t from = next_random() % size, len = 1 + next_random() % (size - from);
				memcpy(out + size, out + from, len);
				size += len;
			}
		}
	}
	return size;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: %s CORPUS_DIR [MUTATIONS]\n", argv[0]);
		return 2;
	}
	long mutations = argc > 2 ? atol(argv[2]) : 200000;
	struct input seeds[REPLAY_MAX_FILES];
	int n = 0;
	DIR *dir = opendir(argv[1]);
	if (!dir) {
		printf("1..1\nnot ok 1 - corpus %s missing\n", argv[1]);
		return 1;
	}
	for (struct dirent *e; (e = readdir(dir)) && n < REPLAY_MAX_FILES;) {
		if (e->d_name[0] == '.')
			continue;
		char path[4096];
		snprintf(path, sizeof path, "%s/%s", argv[1], e->d_name);
		FILE *f = fopen(path, "rb");
		if (!f)
			continue;
		seeds[n].data = malloc(REPLAY_MAX_INPUT);
		seeds[n].size = fread(seeds[n].data, 1, REPLAY_MAX_INPUT / 2, f);
		fclose(f);
		n++;
	}
	closedir(dir);
	printf("1..2\n");
	for (int i = 0; i < n; i++)
		LLVMFuzzerTestOneInput(seeds[i].data, seeds[i].size);
	printf("ok 1 - %d corpus files\n", n);
	fflush(stdout);
	uint8_t *buf = malloc(REPLAY_MAX_INPUT * 2);
	for (long i = 0; i < mutations && n > 0; i++) {
		size_t size = mutate(seeds, n, buf);
		LLVMFuzzerTestOneInput(buf, size);
	}
	printf("ok 2 - %ld mutations\n", mutations);
	free(buf);
	for (int i = 0; i < n; i++)
		free(seeds[i].data);
	return 0;
}
