/* Helpers shared by the RESP fuzz harnesses: a text result log, a
 * deterministic chunker that splits the input the way a socket might, and
 * exact-size buffer copies so that AddressSanitizer catches reads past the
 * bytes a parser was given and uses of a buffer the host has replaced.
 *
 * Everything here is static inline: each harness is one translation unit and
 * the header adds no symbols. */
#ifndef RKV_FUZZ_COMMON_H
#define RKV_FUZZ_COMMON_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <malloc.h>

#include "rkv.h"

/* The libFuzzer entry point, also called by driver.c. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Inputs up to this size (after the settings byte) are also fed one byte at
 * a time. */
#define FUZZ_BYTEWISE_MAX 4096

static inline _Noreturn void fuzz_fail(const char *what, const char *file,
				       int line)
{
	fprintf(stderr, "%s:%d: fuzz check failed: %s\n", file, line, what);
	fflush(stderr);
	abort();
}

/* An invariant; never compiled out (unlike assert). */
#define FUZZ_CHECK(cond)                                                       \
	do {                                                                   \
		if (!(cond))                                                   \
			fuzz_fail(#cond, __FILE__, __LINE__);                  \
	} while (0)

/* ---------------------------------------------------------------------- */
/* Memory                                                                 */
/* ---------------------------------------------------------------------- */

/* malloc that never returns NULL (a 0-byte request still gets a distinct
 * pointer, so parsers never see a NULL buffer). */
static inline void *fuzz_xmalloc(size_t n)
{
	void *p = malloc(n);

	if (!p && n == 0)
		p = malloc(1);
	if (!p) {
		fprintf(stderr, "fuzz: out of memory (%zu bytes)\n", n);
		abort();
	}
	return p;
}

/* A fresh exact-size buffer holding a[0..alen) followed by b[0..blen). */
static inline char *fuzz_concat(const void *a, size_t alen, const void *b,
				size_t blen)
{
	char *p = fuzz_xmalloc(alen + blen);

	if (alen)
		memcpy(p, a, alen);
	if (blen)
		memcpy(p + alen, b, blen);
	return p;
}

/* True if [ptr, ptr + len) lies within [base, base + size). Compared as
 * integers: the pointers may belong to unrelated objects. */
static inline bool fuzz_within(const void *ptr, size_t len, const void *base,
			       size_t size)
{
	uintptr_t p = (uintptr_t)ptr, b = (uintptr_t)base;

	if (!ptr || !base)
		return false;
	return p >= b && p - b <= size && len <= size - (p - b);
}

/* ---------------------------------------------------------------------- */
/* Result log                                                             */
/* ---------------------------------------------------------------------- */

/* A growable text log of everything a parser reported. Runs over the same
 * input with different splits must produce byte-identical logs. Text rather
 * than binary so that a mismatch can be printed and read. */
typedef struct fuzz_log {
	char *p;
	size_t len, cap;
} fuzz_log;

static inline void fuzz_log_reserve(fuzz_log *l, size_t n)
{
	if (l->cap - l->len < n) {
		size_t cap = l->cap ? l->cap : 256;
		char *np;

		while (cap - l->len < n)
			cap *= 2;
		np = realloc(l->p, cap);
		if (!np) {
			fprintf(stderr, "fuzz: out of memory (log)\n");
			abort();
		}
		l->p = np;
		l->cap = cap;
	}
}

static inline void fuzz_log_put(fuzz_log *l, const void *d, size_t n)
{
	if (n == 0)
		return;
	fuzz_log_reserve(l, n);
	memcpy(l->p + l->len, d, n);
	l->len += n;
}

static inline __attribute__((format(printf, 2, 3))) void
fuzz_log_printf(fuzz_log *l, const char *fmt, ...)
{
	char tmp[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	FUZZ_CHECK(n >= 0 && (size_t)n < sizeof(tmp));
	fuzz_log_put(l, tmp, (size_t)n);
}

/* "<len>:<bytes>" with bytes outside printable ASCII (and the backslash)
 * written as \xHH. The length prefix keeps the encoding unambiguous. */
static inline void fuzz_log_bytes(fuzz_log *l, const void *data, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *s = data;

	fuzz_log_printf(l, "%zu:", n);
	fuzz_log_reserve(l, 4 * n);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = s[i];

		if (c >= 0x20 && c < 0x7f && c != '\\') {
			l->p[l->len++] = (char)c;
		} else {
			l->p[l->len++] = '\\';
			l->p[l->len++] = 'x';
			l->p[l->len++] = hex[c >> 4];
			l->p[l->len++] = hex[c & 15];
		}
	}
}

static inline void fuzz_log_free(fuzz_log *l)
{
	free(l->p);
	l->p = NULL;
	l->len = l->cap = 0;
}

static inline void fuzz_log_dump(const char *name, const fuzz_log *l,
				 size_t from)
{
	size_t start = from > 2048 ? from - 2048 : 0;
	size_t end = l->len - start > 4096 ? start + 4096 : l->len;

	fprintf(stderr, "---- %s (bytes %zu..%zu of %zu) ----\n%.*s\n", name,
		start, end, l->len, (int)(end - start), l->p + start);
}

/* Abort unless `got` equals `want`, printing both around the first
 * difference. */
static inline void fuzz_log_expect_equal(const fuzz_log *want,
					 const fuzz_log *got,
					 const char *want_name,
					 const char *got_name)
{
	size_t i = 0, n = want->len < got->len ? want->len : got->len;

	if (want->len == got->len &&
	    (want->len == 0 || memcmp(want->p, got->p, want->len) == 0))
		return;
	while (i < n && want->p[i] == got->p[i])
		i++;
	fprintf(
	    stderr,
	    "fuzz: DIFFERENTIAL MISMATCH: %s and %s differ at log byte %zu\n",
	    want_name, got_name, i);
	fuzz_log_dump(want_name, want, i);
	fuzz_log_dump(got_name, got, i);
	fflush(stderr);
	abort();
}

/* ---------------------------------------------------------------------- */
/* Deterministic splitting                                                */
/* ---------------------------------------------------------------------- */

/* True if the ASCII word (lower case) occurs in d[0..n), ignoring case. */
static inline bool fuzz_contains_nocase(const uint8_t *d, size_t n,
					const char *word)
{
	size_t wl = strlen(word);

	for (size_t i = 0; i + wl <= n; i++) {
		size_t j = 0;

		while (j < wl && (d[i + j] | 0x20) == word[j])
			j++;
		if (j == wl)
			return true;
	}
	return false;
}

static inline uint64_t fuzz_hash(const uint8_t *d, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL; /* FNV-1a */

	for (size_t i = 0; i < n; i++) {
		h ^= d[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

static inline uint64_t fuzz_rand(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL); /* splitmix64 */

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

enum fuzz_split {
	FUZZ_WHOLE,   /* everything in one piece */
	FUZZ_SMALL,   /* pieces of 0..16 bytes */
	FUZZ_MIXED,   /* pieces of 0..1024 bytes, mostly small */
	FUZZ_BYTEWISE /* one byte at a time */
};

static inline const char *fuzz_split_name(enum fuzz_split s)
{
	switch (s) {
	case FUZZ_WHOLE:
		return "whole";
	case FUZZ_SMALL:
		return "small-splits";
	case FUZZ_MIXED:
		return "mixed-splits";
	case FUZZ_BYTEWISE:
		return "bytewise";
	}
	return "?";
}

typedef struct fuzz_chunker {
	enum fuzz_split mode;
	uint64_t rng;
	bool last_empty;
} fuzz_chunker;

static inline void fuzz_chunker_init(fuzz_chunker *c, enum fuzz_split mode,
				     uint64_t seed)
{
	c->mode = mode;
	c->rng = seed ^ ((uint64_t)mode * 0x2545f4914f6cdd1dULL);
	c->last_empty = false;
}

/* Size of the next piece, `left` bytes remaining. Random modes sometimes
 * return 0 (the host calls again with no new bytes), never twice in a row. */
static inline size_t fuzz_chunk_next(fuzz_chunker *c, size_t left)
{
	uint64_t r;
	size_t n;

	switch (c->mode) {
	case FUZZ_WHOLE:
		return left;
	case FUZZ_BYTEWISE:
		return left ? 1 : 0;
	case FUZZ_SMALL:
		r = fuzz_rand(&c->rng);
		n = (size_t)(r % 17);
		break;
	case FUZZ_MIXED:
	default:
		r = fuzz_rand(&c->rng);
		switch (r & 7) {
		case 0:
			n = 0;
			break;
		case 1:
		case 2:
		case 3:
			n = 1 + (size_t)((r >> 3) % 8);
			break;
		case 4:
		case 5:
			n = 9 + (size_t)((r >> 3) % 56);
			break;
		default:
			n = 65 + (size_t)((r >> 3) % 960);
			break;
		}
		break;
	}
	if (n == 0 && (c->last_empty || left == 0))
		n = 1;
	c->last_empty = n == 0;
	return n < left ? n : left;
}

/* A capped allocator for node-level harnesses: CONFIG SET can raise
 * proto-max-bulk-len or databases, so an input could ask for gigabytes;
 * past the cap allocations fail and the library must answer "out of
 * memory" instead. */
#define FUZZ_ALLOC_CAP (256u << 20)

static size_t fuzz_allocated;

static inline void *fuzz_cap_malloc(size_t n, void *ud)
{
	void *p;

	(void)ud;
	if (n > FUZZ_ALLOC_CAP - fuzz_allocated)
		return NULL;
	p = malloc(n ? n : 1);
	if (p)
		fuzz_allocated += malloc_usable_size(p);
	return p;
}

static inline void *fuzz_cap_realloc(void *old, size_t n, void *ud)
{
	size_t was = old ? malloc_usable_size(old) : 0;
	void *p;

	(void)ud;
	if (n > was && n - was > FUZZ_ALLOC_CAP - fuzz_allocated)
		return NULL;
	p = realloc(old, n ? n : 1);
	if (p)
		fuzz_allocated = fuzz_allocated - was + malloc_usable_size(p);
	return p;
}

static inline void fuzz_cap_free(void *p, void *ud)
{
	(void)ud;
	if (p)
		fuzz_allocated -= malloc_usable_size(p);
	free(p);
}

static inline size_t fuzz_cap_usable(void *p, void *ud)
{
	(void)ud;
	return malloc_usable_size(p);
}

/* Set the capped allocator on opts. */
static inline int fuzz_use_capped_allocator(rkv_options *opts)
{
	rkv_allocator a = {fuzz_cap_malloc, fuzz_cap_realloc, fuzz_cap_free,
			   NULL, fuzz_cap_usable};

	return rkv_options_set_allocator(opts, &a);
}

#endif
