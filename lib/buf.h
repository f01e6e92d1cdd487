/* rkv_buf: a growable byte buffer (connection output, scratch space).
 *
 * Appends never fail visibly: on allocation failure the buffer sets a sticky
 * `oom` flag and ignores further appends, so a reply is either written whole
 * or the owner notices `oom` once, after the batch, and drops the connection.
 * This keeps every reply-writing path free of error plumbing. */
#ifndef RKV_BUF_H
#define RKV_BUF_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "alloc.h"

typedef struct rkv_buf {
	char *data;
	size_t len;   /* bytes in use, starting at data[start] */
	size_t start; /* bytes at the front already consumed (sent) */
	size_t cap;
	bool oom;
	const rkv_allocator *alloc;
} rkv_buf;

void rkv_buf_init(rkv_buf *b, const rkv_allocator *alloc);
void rkv_buf_free(rkv_buf *b);

/* Make room for `extra` more bytes at the end; false (and oom set) on failure.
 */
bool rkv_buf_grow(rkv_buf *b, size_t extra);

/* Pointer to the first unconsumed byte (NULL for a buffer never grown). */
static inline char *rkv_buf_head(rkv_buf *b)
{
	return b->data ? b->data + b->start : NULL;
}

/* Reserve n bytes at the end and return where to write them, or NULL. */
static inline char *rkv_buf_reserve(rkv_buf *b, size_t n)
{
	if (b->oom || (b->cap - b->start - b->len < n && !rkv_buf_grow(b, n)))
		return NULL;
	return b->data + b->start + b->len;
}

static inline void rkv_buf_append(rkv_buf *b, const void *p, size_t n)
{
	char *dst;

	if (n == 0)
		return; /* nothing to add (and no pointer arithmetic on NULL) */
	dst = rkv_buf_reserve(b, n);
	if (dst) {
		memcpy(dst, p, n);
		b->len += n;
	}
}

/* Drop n bytes from the front (they were sent or parsed). */
void rkv_buf_consume(rkv_buf *b, size_t n);

#endif
