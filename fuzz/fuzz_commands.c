/* Fuzz harness for the command engine: arbitrary bytes as a client's input
 * to a node (parser, dispatch, every command's argument handling, the
 * keyspace and expiry).
 *
 * Input: one settings byte, then the bytes a client sends.
 *   bits 0-2  how far the fake wall clock moves between the two halves of
 *             the run (0..7 s), so TTLs set in the first half expire
 *   bit 3     one tick between the halves (active expiry)
 *
 * Besides crashes, sanitizer reports and leaks, a differential check: two
 * nodes with the same seed and clock get the same bytes, one whole and one
 * in pseudo-random pieces; everything they send back must be identical.
 * Pipelining must never change what a client sees. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "rkv.h"

typedef struct host {
	fuzz_log out;
	int64_t clock_us;
	bool closed;
} host;

static int64_t h_send(rkv_node *n, rkv_conn *c, const uint8_t *d, size_t len,
		      void *ud)
{
	(void)n;
	(void)c;
	fuzz_log_put(&((host *)ud)->out, d, len);
	return (int64_t)len;
}

static void h_close(rkv_node *n, rkv_conn *c, void *ud)
{
	(void)n;
	(void)c;
	((host *)ud)->closed = true;
}

static int64_t h_clock(rkv_node *n, void *ud)
{
	(void)n;
	return ((host *)ud)->clock_us;
}

/* Feed data in pieces chosen by the chunker; stop when the node closes the
 * connection. */
static void feed(rkv_conn *conn, host *h, const uint8_t *data, size_t size,
		 enum fuzz_split mode, uint64_t seed)
{
	fuzz_chunker ch;
	size_t off = 0;

	fuzz_chunker_init(&ch, mode, seed);
	while (off < size && !h->closed) {
		size_t n = fuzz_chunk_next(&ch, size - off);
		int r = rkv_conn_recv(conn, data + off, n);

		off += n;
		if (r == RKV_ERR_CLOSED)
			break;
		FUZZ_CHECK(r == 0 || r == RKV_ERR_NOMEM);
	}
}

static void run(const uint8_t *data, size_t size, uint8_t settings,
		enum fuzz_split mode, uint64_t seed, host *h)
{
	rkv_callbacks *cbs;
	rkv_options *opts;
	rkv_node *node;
	rkv_conn *conn;
	size_t half = size / 2;

	memset(h, 0, sizeof(*h));
	h->clock_us = 1700000000LL * 1000000;
	FUZZ_CHECK(rkv_callbacks_new(&cbs) == 0);
	rkv_callbacks_set_send(cbs, h_send);
	rkv_callbacks_set_close(cbs, h_close);
	rkv_callbacks_set_clock(cbs, h_clock);
	FUZZ_CHECK(rkv_options_new(&opts) == 0);
	rkv_options_set_seed(opts, 42);
	FUZZ_CHECK(fuzz_use_capped_allocator(opts) == 0);
	/* SETRANGE/APPEND can build values up to proto-max-bulk-len: keep
	 * that at its 1 MB minimum so an input cannot ask for 512 MB. */
	FUZZ_CHECK(rkv_options_set_proto_max_bulk_len(opts, 1 << 20) == 0);
	FUZZ_CHECK(rkv_node_new(&node, cbs, opts, h) == 0);
	rkv_callbacks_free(cbs);
	rkv_options_free(opts);
	FUZZ_CHECK(rkv_conn_new(node, &conn, NULL) == 0);

	feed(conn, h, data, half, mode, seed);
	h->clock_us += (int64_t)(settings & 7) * 1000000;
	if (settings & 8)
		rkv_node_tick(node, 100);
	feed(conn, h, data + half, size - half, mode, seed + 1);
	rkv_node_tick(node, 200);

	rkv_conn_free(conn);
	rkv_node_free(node);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	host whole, split;
	uint8_t settings;
	uint64_t seed;

	if (size == 0)
		return 0;
	settings = data[0];
	data++, size--;
	seed = fuzz_hash(data, size);
	/* The halves must be cut at the same place in both runs: only the
	 * pieces within each half differ. */
	run(data, size, settings, FUZZ_WHOLE, seed, &whole);
	run(data, size, settings, FUZZ_MIXED, seed, &split);
	/* INFO and CLIENT LIST/INFO report buffer sizes, and limits set by
	 * CONFIG (maxmemory, buffer limits) judge memory use, which depend on
	 * how the input was cut (in Redis too); a connection that becomes a
	 * replica (SYNC, PSYNC) gets the snapshot and stream at the pace of
	 * the node's background work and acks (REPLCONF, WAIT): compare only
	 * without them. */
	if (!fuzz_contains_nocase(data, size, "info") &&
	    !fuzz_contains_nocase(data, size, "client") &&
	    !fuzz_contains_nocase(data, size, "config") &&
	    !fuzz_contains_nocase(data, size, "sync") &&
	    !fuzz_contains_nocase(data, size, "replconf") &&
	    !fuzz_contains_nocase(data, size, "wait"))
		fuzz_log_expect_equal(&whole.out, &split.out, "whole",
				      "mixed-splits");
	fuzz_log_free(&whole.out);
	fuzz_log_free(&split.out);
	return 0;
}
