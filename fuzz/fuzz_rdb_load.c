/* Fuzz harness for the streaming RDB reader (lib/rdb.c).
 *
 * Input: the bytes of an RDB file (no settings byte, so real files are
 * seeds as they are). The file is loaded into a fresh keyspace whole, in
 * pseudo-random pieces (exact-size copies, so ASan sees reads past a
 * chunk), and one byte at a time (inputs up to 4 KiB).
 *
 * Checks: the outcome (status, error text, keys loaded and an
 * order-independent digest of the content) is identical whatever the split;
 * an error has a message; a successful load dumped again with the writer
 * (with and without compression) loads back to the same content; all memory
 * goes through a counting allocator and is all freed. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "fuzz_common.h"
#include "keyspace.h"
#include "rdb.h"
#include "util.h"

#define NOW_MS 1700000000000ll

struct digest_ctx {
	rkv_keyspace *ks;
	int db;
	uint64_t sum;
};

static void digest_one(rkv_dict_node *n, void *ud)
{
	struct digest_ctx *d = ud;
	const rkv_entry *e = (const rkv_entry *)n;
	char buf[RKV_LLSTR_SIZE];
	size_t vlen;
	const char *v = rkv_entry_str(e, buf, &vlen);
	int64_t exp = rkv_keyspace_get_expire(d->ks, d->db, e);
	uint64_t h = fuzz_hash((const uint8_t *)rkv_entry_key(e), e->klen);

	h = h * 31 + fuzz_hash((const uint8_t *)v, vlen);
	h = h * 31 + (uint64_t)exp;
	h = h * 31 + (uint64_t)d->db;
	d->sum += fuzz_hash((const uint8_t *)&h, sizeof(h));
}

static uint64_t digest(rkv_keyspace *ks)
{
	struct digest_ctx d = {ks, 0, 0};

	for (d.db = 0; d.db < ks->ndb; d.db++)
		rkv_dict_foreach(&ks->db[d.db].keys, digest_one, &d);
	return d.sum;
}

/* Load data[0..size) split as `mode` says; log the outcome. On success the
 * keyspace is returned in *out (else it is freed). */
static void load(const rkv_allocator *a, rkv_rand *rng, const uint8_t *data,
		 size_t size, enum fuzz_split mode, fuzz_log *log,
		 rkv_keyspace *ks, bool *ok)
{
	rkv_rdb_reader r;
	fuzz_chunker ch;
	size_t off = 0;
	int rc = 0;

	FUZZ_CHECK(rkv_keyspace_init(ks, 16, a, rng) == 0);
	rkv_rdb_reader_init(&r, ks, a, NOW_MS);
	fuzz_chunker_init(&ch, mode, fuzz_hash(data, size));
	while (rc == 0 && off < size) {
		size_t n = fuzz_chunk_next(&ch, size - off);
		char *piece = fuzz_concat(data + off, n, NULL, 0);

		rc = rkv_rdb_reader_feed(&r, piece, n);
		free(piece);
		off += n;
	}
	if (rc >= 0)
		rc = rkv_rdb_reader_finish(&r);
	FUZZ_CHECK(rc == 0 || rc == RKV_ERR_PROTO || rc == RKV_ERR_NOMEM);
	FUZZ_CHECK((rc == 0) == (rkv_rdb_reader_error(&r)[0] == '\0'));
	fuzz_log_printf(log, "rc=%d err=%s loaded=%llu expired=%llu", rc,
			rkv_rdb_reader_error(&r), r.keys_loaded,
			r.keys_expired);
	if (rc == 0)
		fuzz_log_printf(log, " digest=%llx",
				(unsigned long long)digest(ks));
	rkv_rdb_reader_free(&r);
	*ok = rc == 0;
	if (!*ok)
		rkv_keyspace_free(ks);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	rkv_mem mem;
	rkv_rand rng;
	static const enum fuzz_split modes[] = {FUZZ_WHOLE, FUZZ_MIXED,
						FUZZ_SMALL, FUZZ_BYTEWISE};
	fuzz_log first = {0};
	rkv_keyspace ks;
	bool ok = false;

	rkv_mem_init(&mem, rkv_default_allocator());
	rkv_rand_seed(&rng, 1);
	for (size_t m = 0; m < sizeof(modes) / sizeof(modes[0]); m++) {
		fuzz_log log = {0};
		rkv_keyspace k;
		bool k_ok;

		if (modes[m] == FUZZ_BYTEWISE && size > FUZZ_BYTEWISE_MAX)
			continue;
		load(&mem.counted, &rng, data, size, modes[m], &log, &k, &k_ok);
		if (m == 0) {
			first = log;
			ks = k;
			ok = k_ok;
			continue;
		}
		fuzz_log_expect_equal(&first, &log, fuzz_split_name(FUZZ_WHOLE),
				      fuzz_split_name(modes[m]));
		fuzz_log_free(&log);
		if (k_ok)
			rkv_keyspace_free(&k);
	}
	if (ok) {
		uint64_t want = digest(&ks);

		for (int compression = 0; compression < 2; compression++) {
			rkv_buf out;
			rkv_keyspace back;
			fuzz_log log = {0};
			bool back_ok;

			rkv_buf_init(&out, &mem.counted);
			FUZZ_CHECK(rkv_rdb_dump_keyspace(
				       &ks, &out, &mem.counted, compression,
				       true, NULL) == 0);
			load(&mem.counted, &rng,
			     (const uint8_t *)rkv_buf_head(&out), out.len,
			     FUZZ_WHOLE, &log, &back, &back_ok);
			FUZZ_CHECK(back_ok);
			FUZZ_CHECK(digest(&back) == want);
			rkv_keyspace_free(&back);
			rkv_buf_free(&out);
			fuzz_log_free(&log);
		}
		rkv_keyspace_free(&ks);
	}
	fuzz_log_free(&first);
	FUZZ_CHECK(mem.used == 0);
	return 0;
}
