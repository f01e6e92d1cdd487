/* Fuzz harness for the replica side (lib/replica.c): arbitrary bytes from a
 * "master" on a replica's link.
 *
 * Input: a settings byte, then the master's bytes. Settings bit 0: start
 * right after PSYNC was sent (the input is PSYNC's reply, an RDB, the
 * stream), else after a full sync of an empty dataset (the input is the
 * stream). Bits 1-3 pick the split: whole, pieces of 1 + (bits) * 7 bytes.
 *
 * Checks: no crash; the replica never answers the master except REPLCONF
 * (ACK) commands; the backlog invariant first_byte + histlen == offset + 1
 * holds whenever the backlog exists; everything allocated is freed with the
 * node (a counting allocator). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "node.h"
#include "repl.h"

struct host {
	rkv_conn *link;
	bool closed;
	long live;
};

static void *c_malloc(size_t n, void *ud)
{
	void *p = malloc(n ? n : 1);

	if (p)
		((struct host *)ud)->live++;
	return p;
}

static void *c_realloc(void *p, size_t n, void *ud)
{
	void *q = realloc(p, n ? n : 1);

	if (q && !p)
		((struct host *)ud)->live++;
	return q;
}

static void c_free(void *p, void *ud)
{
	if (p)
		((struct host *)ud)->live--;
	free(p);
}

/* What the replica may send its master: PING, AUTH, REPLCONF, PSYNC
 * before streaming; REPLCONF ACK after. Each batch starts a command. */
static int64_t on_send(rkv_node *n, rkv_conn *c, const uint8_t *data,
		       size_t len, void *ud)
{
	(void)n;
	(void)c;
	(void)ud;
	FUZZ_CHECK(len > 0 && data[0] == '*');
	return (int64_t)len;
}

static int on_connect(rkv_node *n, rkv_conn *c, const char *host, int port,
		      void *ud)
{
	(void)n;
	(void)host;
	(void)port;
	((struct host *)ud)->link = c;
	((struct host *)ud)->closed = false;
	return 0;
}

static void on_close(rkv_node *n, rkv_conn *c, void *ud)
{
	(void)n;
	if (c == ((struct host *)ud)->link)
		((struct host *)ud)->closed = true;
}

static int64_t on_clock(rkv_node *n, void *ud)
{
	(void)n;
	(void)ud;
	return 1700000000000000LL;
}

static void check_backlog(rkv_node *node)
{
	const rkv_repl *r = &node->repl;

	if (r->backlog)
		FUZZ_CHECK(r->first_byte + r->histlen == r->offset + 1);
}

static void feed(struct host *h, rkv_node *node, const uint8_t *data,
		 size_t size, size_t step)
{
	for (size_t off = 0; off < size && h->link && !h->closed;) {
		size_t n = step && size - off > step ? step : size - off;
		uint8_t *copy = fuzz_xmalloc(n);

		memcpy(copy, data + off, n);
		rkv_conn_recv(h->link, copy, n);
		free(copy);
		check_backlog(node);
		off += n;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char rdb_empty[] =
	    "+FULLRESYNC 0123456789012345678901234567890123456789 0\r\n"
	    "$EOF:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n"
	    "REDIS0010\xff\0\0\0\0\0\0\0\0"
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
	struct host h = {NULL, false, 0};
	rkv_allocator a = {c_malloc, c_realloc, c_free, &h, NULL};
	const char *replicaof[3] = {"REPLICAOF", "127.0.0.1", "6379"};
	rkv_callbacks *cbs;
	rkv_options *opts;
	rkv_node *node;
	rkv_reply *r;
	uint8_t settings;
	size_t step;

	if (size < 1)
		return 0;
	settings = data[0];
	data++;
	size--;
	step = (settings >> 1) & 7 ? 1 + (size_t)((settings >> 1) & 7) * 7 : 0;
	if (rkv_callbacks_new(&cbs) < 0 || rkv_options_new(&opts) < 0)
		abort();
	rkv_callbacks_set_send(cbs, on_send);
	rkv_callbacks_set_connect(cbs, on_connect);
	rkv_callbacks_set_close(cbs, on_close);
	rkv_callbacks_set_clock(cbs, on_clock);
	rkv_options_set_allocator(opts, &a);
	FUZZ_CHECK(rkv_node_new(&node, cbs, opts, &h) == 0);
	rkv_callbacks_free(cbs);
	rkv_options_free(opts);
	FUZZ_CHECK(rkv_node_command(node, 0, 3, replicaof, NULL, &r) == 0);
	rkv_reply_free(node, r);
	FUZZ_CHECK(h.link != NULL);
	FUZZ_CHECK(rkv_conn_connected(h.link) == 0);
	rkv_conn_recv(h.link, (const uint8_t *)"+PONG\r\n+OK\r\n+OK\r\n", 17);
	if (!(settings & 1)) {
		rkv_conn_recv(h.link, (const uint8_t *)rdb_empty,
			      sizeof(rdb_empty) - 1);
		FUZZ_CHECK(node->mlink && (h.link->flags & RKV_CONN_MASTER));
	}
	feed(&h, node, data, size, step);
	rkv_node_tick(node, 2000);
	check_backlog(node);
	if (h.link)
		rkv_conn_free(h.link);
	rkv_node_free(node);
	FUZZ_CHECK(h.live == 0);
	return 0;
}
