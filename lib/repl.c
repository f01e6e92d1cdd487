/* The replication stream's shared state: IDs, offset, backlog (repl.h). */
#include "repl.h"

#include <string.h>

#include "node.h"
#include "rkv.h"
#include "util.h"

static const char no_id[] = "0000000000000000000000000000000000000000";

void rkv_repl_init(rkv_node *node)
{
	rkv_repl *r = &node->repl;

	memset(r, 0, sizeof(*r));
	rkv_rand_hex(&node->rng, r->replid, 20);
	memcpy(r->replid2, no_id, sizeof(no_id));
	r->second_offset = -1;
}

void rkv_repl_free(rkv_node *node)
{
	rkv_repl_backlog_free(node);
}

long long rkv_repl_backlog_conf_size(rkv_node *node)
{
	char v[32];
	long long size;

	if (rkv_node_config_get(node, "repl-backlog-size", v, sizeof(v)) < 0 ||
	    !rkv_string2ll(v, strlen(v), &size) || size < 1)
		size = 1048576;
	return size;
}

int rkv_repl_backlog_create(rkv_node *node)
{
	rkv_repl *r = &node->repl;
	long long size = rkv_repl_backlog_conf_size(node);

	if (r->backlog)
		return 0;
	r->backlog = rkv_malloc(rkv_node_alloc(node), (size_t)size);
	if (!r->backlog)
		return RKV_ERR_NOMEM;
	r->backlog_size = size;
	r->histlen = 0;
	r->idx = 0;
	r->first_byte = r->offset + 1;
	return 0;
}

void rkv_repl_backlog_free(rkv_node *node)
{
	rkv_repl *r = &node->repl;

	rkv_free(rkv_node_alloc(node), r->backlog);
	r->backlog = NULL;
	r->backlog_size = r->histlen = 0;
	r->idx = 0;
	r->first_byte = 0;
}

void rkv_repl_feed(rkv_node *node, const void *data, size_t len)
{
	rkv_repl *r = &node->repl;
	const char *p = data;

	r->offset += (long long)len;
	if (!r->backlog)
		return;
	if ((long long)len > r->backlog_size) { /* only the tail fits */
		p += len - (size_t)r->backlog_size;
		len = (size_t)r->backlog_size;
	}
	while (len > 0) {
		size_t room = (size_t)r->backlog_size - r->idx;
		size_t n = len < room ? len : room;

		memcpy(r->backlog + r->idx, p, n);
		r->idx = (r->idx + n) % (size_t)r->backlog_size;
		p += n;
		len -= n;
		r->histlen += (long long)n;
	}
	if (r->histlen > r->backlog_size)
		r->histlen = r->backlog_size;
	r->first_byte = r->offset - r->histlen + 1;
}

bool rkv_repl_can_continue(const rkv_node *node, const char *id,
			   long long off)
{
	const rkv_repl *r = &node->repl;

	if (strcmp(id, r->replid) != 0 &&
	    (strcmp(id, r->replid2) != 0 || off > r->second_offset))
		return false;
	return r->backlog && off >= r->first_byte &&
	       off <= r->first_byte + r->histlen;
}

long long rkv_repl_backlog_copy(const rkv_node *node, long long from,
				rkv_buf *out)
{
	const rkv_repl *r = &node->repl;
	long long skip = from - r->first_byte, n = r->histlen - skip;
	size_t start, first;

	if (!r->backlog || skip < 0 || n <= 0)
		return 0;
	/* The oldest byte is at idx - histlen (mod size). */
	start = (size_t)(((long long)r->idx - r->histlen + skip +
			  2 * r->backlog_size) %
			 r->backlog_size);
	first = (size_t)r->backlog_size - start;
	if ((long long)first >= n) {
		rkv_buf_append(out, r->backlog + start, (size_t)n);
	} else {
		rkv_buf_append(out, r->backlog + start, first);
		rkv_buf_append(out, r->backlog, (size_t)n - first);
	}
	return n;
}

void rkv_repl_shift_replid(rkv_node *node)
{
	rkv_repl *r = &node->repl;

	memcpy(r->replid2, r->replid, sizeof(r->replid));
	r->second_offset = r->offset + 1;
	rkv_rand_hex(&node->rng, r->replid, 20);
	rkv_node_logf(node, RKV_LOG_NOTICE,
		      "Setting secondary replication ID to %s, valid up to "
		      "offset: %lld. New replication ID is %s",
		      r->replid2, r->second_offset, r->replid);
}

void rkv_repl_adopt(rkv_node *node, const char *replid, long long offset)
{
	rkv_repl *r = &node->repl;

	memcpy(r->replid, replid, 40);
	r->replid[40] = '\0';
	memcpy(r->replid2, no_id, sizeof(no_id));
	r->second_offset = -1;
	r->offset = offset;
	if (r->backlog) {
		r->histlen = 0;
		r->idx = 0;
		r->first_byte = offset + 1;
	}
}

/* Master side (replicas attached) not built yet: the stream only feeds
 * the backlog. */
void rkv_repl_propagate_raw(rkv_node *node, const void *data, size_t len)
{
	rkv_repl_feed(node, data, len);
}

void rkv_repl_disconnect_replicas(rkv_node *node)
{
	(void)node;
}
