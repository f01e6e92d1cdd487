/* Growable byte buffer; see buf.h. */
#include "buf.h"

void rkv_buf_init(rkv_buf *b, const rkv_allocator *alloc)
{
	memset(b, 0, sizeof(*b));
	b->alloc = alloc;
}

void rkv_buf_free(rkv_buf *b)
{
	rkv_free(b->alloc, b->data);
	b->data = NULL;
	b->len = b->start = b->cap = 0;
}

bool rkv_buf_grow(rkv_buf *b, size_t extra)
{
	size_t need, cap;
	char *p;

	if (b->oom)
		return false;
	/* Reclaim the consumed front first when that alone makes room. */
	if (b->start && b->cap - b->len >= extra) {
		memmove(b->data, b->data + b->start, b->len);
		b->start = 0;
		return true;
	}
	if (extra > (size_t)-1 / 2 - b->len) {
		b->oom = true;
		return false;
	}
	need = b->len + extra;
	cap = b->cap ? b->cap : 256;
	while (cap < need)
		cap *= 2;
	if (b->start) {
		memmove(b->data, b->data + b->start, b->len);
		b->start = 0;
	}
	p = rkv_realloc(b->alloc, b->data, cap);
	if (!p) {
		b->oom = true;
		return false;
	}
	b->data = p;
	b->cap = cap;
	return true;
}

void rkv_buf_consume(rkv_buf *b, size_t n)
{
	if (n >= b->len) {
		b->start = b->len = 0;
		return;
	}
	b->start += n;
	b->len -= n;
}
