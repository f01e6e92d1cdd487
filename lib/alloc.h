/* Allocator plumbing: every allocation in librkv goes through an rkv_allocator
 * the host may supply (default: libc malloc/realloc/free). No global state: the
 * allocator travels with the object that owns the memory. */
#ifndef RKV_ALLOC_H
#define RKV_ALLOC_H

#include <stddef.h>

#include "rkv.h"

/* The allocator used when the host sets none. */
const rkv_allocator *rkv_default_allocator(void);

/* Memory accounting: `counted` is an allocator that forwards to `host` and
 * keeps `used` equal to the bytes currently allocated through it: real
 * bytes when the host allocator has usable_size, else the requested sizes
 * (kept in a 16-byte prefix, as Redis's zmalloc does without malloc_size).
 * `counted.user_data` points at the struct: it must not move after
 * rkv_mem_init(). */
typedef struct rkv_mem {
	rkv_allocator host;
	rkv_allocator counted;
	size_t used;
} rkv_mem;

void rkv_mem_init(rkv_mem *m, const rkv_allocator *host);

static inline void *rkv_malloc(const rkv_allocator *a, size_t n)
{
	return a->malloc(n, a->user_data);
}

static inline void *rkv_realloc(const rkv_allocator *a, void *p, size_t n)
{
	return a->realloc(p, n, a->user_data);
}

static inline void rkv_free(const rkv_allocator *a, void *p)
{
	if (p)
		a->free(p, a->user_data);
}

#endif
