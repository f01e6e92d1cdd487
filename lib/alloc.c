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

/* The prefix keeps the 16-byte alignment malloc guarantees. */
#define MEM_PREFIX 16

static void *mem_malloc(size_t n, void *ud)
{
	rkv_mem *m = ud;
	char *p;

	if (m->host.usable_size) {
		p = m->host.malloc(n, m->host.user_data);
		if (p)
			m->used += m->host.usable_size(p, m->host.user_data);
		return p;
	}
	if (n > (size_t)-1 - MEM_PREFIX)
		return NULL;
	p = m->host.malloc(n + MEM_PREFIX, m->host.user_data);
	if (!p)
		return NULL;
	*(size_t *)p = n;
	m->used += n;
	return p + MEM_PREFIX;
}

static void mem_free(void *ptr, void *ud)
{
	rkv_mem *m = ud;
	char *p = ptr;

	if (!p)
		return;
	if (m->host.usable_size) {
		m->used -= m->host.usable_size(p, m->host.user_data);
		m->host.free(p, m->host.user_data);
		return;
	}
	p -= MEM_PREFIX;
	m->used -= *(size_t *)p;
	m->host.free(p, m->host.user_data);
}

static void *mem_realloc(void *ptr, size_t n, void *ud)
{
	rkv_mem *m = ud;
	char *p = ptr, *q;
	size_t old;

	if (!p)
		return mem_malloc(n, ud);
	if (m->host.usable_size) {
		old = m->host.usable_size(p, m->host.user_data);
		q = m->host.realloc(p, n, m->host.user_data);
		if (q)
			m->used = m->used - old +
				  m->host.usable_size(q, m->host.user_data);
		return q;
	}
	if (n > (size_t)-1 - MEM_PREFIX)
		return NULL;
	p -= MEM_PREFIX;
	old = *(size_t *)p;
	q = m->host.realloc(p, n + MEM_PREFIX, m->host.user_data);
	if (!q)
		return NULL;
	*(size_t *)q = n;
	m->used = m->used - old + n;
	return q + MEM_PREFIX;
}

void rkv_mem_init(rkv_mem *m, const rkv_allocator *host)
{
	m->host = *host;
	m->used = 0;
	m->counted = (rkv_allocator){.malloc = mem_malloc,
				     .realloc = mem_realloc,
				     .free = mem_free,
				     .user_data = m};
}
