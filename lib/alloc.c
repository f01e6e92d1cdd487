/* The default allocator: libc. */
#include "alloc.h"

#include <stdlib.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

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

#ifdef __GLIBC__
static size_t libc_usable_size(void *p, void *ud)
{
	(void)ud;
	return malloc_usable_size(p);
}
#endif

static const rkv_allocator libc_allocator = {
	.malloc = libc_malloc,
	.realloc = libc_realloc,
	.free = libc_free,
#ifdef __GLIBC__
	.usable_size = libc_usable_size,
#endif
};

const rkv_allocator *rkv_default_allocator(void)
{
	return &libc_allocator;
}
