/* The default allocator: libc. */
#include "alloc.h"

#include <stdlib.h>

static void *libc_malloc(size_t n, void *ud)
{
	(void)ud;
	return malloc(n ? n : 1);
}

static void *libc_realloc(void *p, size_t n, void *ud)
{
	(void)ud;
	return realloc(p, n ? n : 1);
}

static void libc_free(void *p, void *ud)
{
	(void)ud;
	free(p);
}

static const rkv_allocator libc_allocator = { libc_malloc, libc_realloc,
					      libc_free, NULL };

const rkv_allocator *rkv_default_allocator(void)
{
	return &libc_allocator;
}
