/* Unit tests: point-in-time snapshots (lib/snapshot.c). A snapshot is
 * started, the keyspace is mutated between its slices in every way that
 * can touch an entry (SET in place and reallocating, DEL, EXPIRE/PERSIST,
 * expiry by time lazily and actively, FLUSHDB, FLUSHALL, SWAPDB, COPY,
 * inserts that grow the tables and deletes that shrink them), and the file
 * it produced, loaded by the RDB reader, must equal the keyspace as it was
 * when the snapshot began. Memory is counted: every test ends with nothing
 * allocated. */
#include <check.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "keyspace.h"
#include "rdb.h"
#include "snapshot.h"
#include "util.h"
#include "check_main.h"

static rkv_mem mem;
static rkv_rand rng;

static void setup(void)
{
	rkv_mem_init(&mem, rkv_default_allocator());
	rkv_rand_seed(&rng, 11);
}

static void teardown(void)
{
	ck_assert_uint_eq(mem.used, 0);
}

static uint64_t rnd(void)
{
	return rkv_rand_next(&rng);
}

/* ---- The content of a keyspace, as sorted records ---- */

typedef struct rec {
	char *s;
	size_t n;
} rec;

typedef struct content {
	rec *r;
	size_t n, cap;
	int64_t now_ms; /* keys expired at or before it are left out */
	rkv_keyspace *ks;
	int db;
} content;

static void add_rec(rkv_dict_node *node, void *ud)
{
	content *c = ud;
	rkv_entry *e = (rkv_entry *)node;
	int64_t when = rkv_keyspace_get_expire(c->ks, c->db, e);
	char buf[RKV_LLSTR_SIZE];
	size_t vlen;
	const char *v = rkv_entry_str(e, buf, &vlen);
	rec *r;

	if (when >= 0 && when <= c->now_ms)
		return;
	if (c->n == c->cap) {
		c->cap = c->cap ? 2 * c->cap : 64;
		c->r = realloc(c->r, c->cap * sizeof(*c->r));
	}
	r = &c->r[c->n++];
	r->s = malloc(64 + e->klen + vlen);
	r->n = (size_t)snprintf(r->s, 64, "%d|%" PRId64 "|%u|", c->db, when,
				e->klen);
	memcpy(r->s + r->n, rkv_entry_key(e), e->klen);
	r->n += e->klen;
	memcpy(r->s + r->n, v, vlen);
	r->n += vlen;
}

static int cmp_rec(const void *a, const void *b)
{
	const rec *x = a, *y = b;
	int c = memcmp(x->s, y->s, x->n < y->n ? x->n : y->n);

	return c ? c : (x->n > y->n) - (x->n < y->n);
}

static content take(rkv_keyspace *ks, int64_t now_ms)
{
	content c = {NULL, 0, 0, now_ms, ks, 0};

	for (c.db = 0; c.db < ks->ndb; c.db++)
		rkv_dict_foreach(&ks->db[c.db].keys, add_rec, &c);
	if (c.n)
		qsort(c.r, c.n, sizeof(*c.r), cmp_rec);
	return c;
}

static size_t content_bytes(const content *c)
{
	size_t n = 0;

	for (size_t i = 0; i < c->n; i++)
		n += c->r[i].n;
	return n;
}

static void drop(content *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->r[i].s);
	free(c->r);
}

static void assert_same(const content *a, const content *b)
{
	ck_assert_uint_eq(a->n, b->n);
	for (size_t i = 0; i < a->n; i++) {
		ck_assert_uint_eq(a->r[i].n, b->r[i].n);
		ck_assert(memcmp(a->r[i].s, b->r[i].s, a->r[i].n) == 0);
	}
}

/* Load the file into a new keyspace (no key skipped as expired) and
 * compare it with the expected content. */
static void check_file(const rkv_buf *file, const content *want)
{
	rkv_keyspace ks;
	rkv_rdb_reader r;
	content got;

	ck_assert_int_eq(rkv_keyspace_init(&ks, 16, &mem.counted, &rng), 0);
	rkv_rdb_reader_init(&r, &ks, &mem.counted, 0);
	ck_assert_int_eq(rkv_rdb_reader_feed(&r, file->data, file->len), 1);
	ck_assert_int_eq(rkv_rdb_reader_finish(&r), 0);
	ck_assert(r.checksum_checked);
	rkv_rdb_reader_free(&r);
	got = take(&ks, INT64_MIN);
	assert_same(&got, want);
	drop(&got);
	rkv_keyspace_free(&ks);
}

/* ---- Random keyspaces and mutations ---- */

#define KEYS 600

static void rand_value(char *v, size_t *vlen)
{
	switch (rnd() % 4) {
	case 0: /* an integer, stored as RKV_ENC_INT */
		*vlen = (size_t)snprintf(
		    v, 32, "%lld", (long long)(rnd() % 2000000) - 1000000);
		break;
	case 1: /* a long compressible string */
		*vlen = 40 + rnd() % 300;
		for (size_t i = 0; i < *vlen; i++)
			v[i] = (char)('a' + (i / 7 + rnd() % 2) % 26);
		break;
	default: /* short, any bytes */
		*vlen = rnd() % 24;
		for (size_t i = 0; i < *vlen; i++)
			v[i] = (char)rnd();
	}
}

static void rand_set(rkv_keyspace *ks, int db, int64_t now, int key)
{
	char k[32], v[400];
	size_t klen = (size_t)snprintf(k, sizeof(k), "key:%d", key), vlen;
	rkv_entry *e;

	rand_value(v, &vlen);
	ck_assert_int_eq(
	    rkv_keyspace_set(ks, db, k, klen, v, vlen, rnd() % 4 == 0, now, &e),
	    0);
	if (rnd() % 3 == 0)
		ck_assert_int_eq(rkv_keyspace_set_expire(
				     ks, db, e, now + (int64_t)(rnd() % 3000)),
				 0);
}

/* An in-place overwrite: same encoding and length. */
static void overwrite_same_size(rkv_keyspace *ks, int db, rkv_entry *e,
				int64_t now)
{
	char buf[RKV_LLSTR_SIZE], v[400], k[64];
	size_t vlen;
	const char *old = rkv_entry_str(e, buf, &vlen);
	size_t klen = e->klen;

	if (klen > sizeof(k) || vlen > sizeof(v))
		return;
	memcpy(k, rkv_entry_key(e), klen);
	if (e->enc == RKV_ENC_INT) {
		vlen = (size_t)snprintf(v, sizeof(v), "%lld",
					rkv_entry_int(e) + 1);
	} else {
		memcpy(v, old, vlen);
		if (vlen)
			v[rnd() % vlen] ^= 0x20;
		if (vlen && rkv_string2ll(v, vlen, &(long long){0}))
			return;
	}
	ck_assert_int_eq(
	    rkv_keyspace_set(ks, db, k, klen, v, vlen, true, now, NULL), 0);
}

static rkv_entry *any_key(rkv_keyspace *ks, int db, int64_t now)
{
	char k[32];
	size_t klen =
	    (size_t)snprintf(k, sizeof(k), "key:%d", (int)(rnd() % KEYS));

	return rkv_keyspace_peek(ks, db, k, klen, now);
}

static void fill(rkv_keyspace *ks, int64_t now)
{
	for (int db = 0; db < 16; db++) {
		int n = db == 3 ? 0 : (int)(rnd() % (KEYS / 2));

		for (int i = 0; i < n; i++)
			rand_set(ks, db, now, (int)(rnd() % KEYS));
	}
}

/* One random change. `big` allows the rare whole-db operations. */
static void mutate(rkv_keyspace *ks, int64_t now, bool big)
{
	int db = (int)(rnd() % 16);
	unsigned op = (unsigned)(rnd() % (big ? 100 : 94));
	rkv_entry *e;
	char k[32];
	size_t klen;

	if (op < 30) {
		rand_set(ks, db, now, (int)(rnd() % KEYS));
	} else if (op < 45) {
		if ((e = any_key(ks, db, now)))
			overwrite_same_size(ks, db, e, now);
	} else if (op < 58) {
		klen = (size_t)snprintf(k, sizeof(k), "key:%d",
					(int)(rnd() % KEYS));
		rkv_keyspace_delete(ks, db, k, klen);
	} else if (op < 68) {
		if ((e = any_key(ks, db, now)))
			rkv_keyspace_set_expire(
			    ks, db, e,
			    rnd() % 3 ? now + (int64_t)(rnd() % 2000) : -1);
	} else if (op < 74) {
		klen = (size_t)snprintf(k, sizeof(k), "key:%d",
					(int)(rnd() % KEYS));
		rkv_keyspace_lookup(ks, db, k, klen, now); /* lazy expiry */
	} else if (op < 78) {
		rkv_keyspace_active_expire(ks, now, 50);
	} else if (op < 84) {
		/* COPY onto a key that may exist, in another db or not. */
		if ((e = any_key(ks, db, now))) {
			klen = (size_t)snprintf(k, sizeof(k), "key:%d",
						(int)(rnd() % KEYS));
			int dst = (int)(rnd() % 16);

			if (dst != db || klen != e->klen ||
			    memcmp(k, rkv_entry_key(e), klen))
				ck_assert_int_eq(rkv_keyspace_copy(ks, db, e,
								   dst, k, klen,
								   now, NULL),
						 0);
		}
	} else if (op < 88) {
		/* New keys: tables grow and rehash. */
		for (int i = 0; i < 200; i++) {
			klen = (size_t)snprintf(k, sizeof(k), "new:%d",
						(int)(rnd() % 4000));
			ck_assert_int_eq(rkv_keyspace_set(ks, db, k, klen, "x",
							  1, false, now, NULL),
					 0);
		}
	} else if (op < 94) {
		/* Deletes and upkeep: tables shrink. */
		for (int i = 0; i < 100; i++) {
			klen = (size_t)snprintf(k, sizeof(k), "key:%d",
						(int)(rnd() % KEYS));
			rkv_keyspace_delete(ks, db, k, klen);
		}
		rkv_keyspace_upkeep(ks, 20);
	} else if (op < 97) {
		rkv_keyspace_swap(ks, db, (int)(rnd() % 16));
	} else if (op < 99) {
		rkv_keyspace_flush(ks, db);
	} else {
		rkv_keyspace_flush(ks, -1);
	}
	if (rnd() % 4 == 0)
		rkv_keyspace_upkeep(ks, 1);
}

/* ---- Tests ---- */

typedef struct run {
	rkv_snapshot *snap;
	rkv_buf out;
	content want;
	int rc;
} run;

static void run_begin(run *r, rkv_keyspace *ks, int64_t now)
{
	r->want = take(ks, now);
	r->snap = rkv_snapshot_begin(ks, now, rnd() % 2, true, NULL);
	ck_assert_ptr_nonnull(r->snap);
	rkv_buf_init(&r->out, &mem.counted);
	r->rc = 0;
}

static void run_step(run *r, size_t budget)
{
	if (r->rc == 1)
		return;
	r->rc = rkv_snapshot_next(r->snap, &r->out, budget);
	ck_assert_int_ge(r->rc, 0);
}

static void run_end(run *r)
{
	ck_assert_int_eq(r->rc, 1);
	ck_assert(rkv_snapshot_done(r->snap));
	check_file(&r->out, &r->want);
	rkv_snapshot_free(r->snap);
	rkv_buf_free(&r->out);
	drop(&r->want);
}

START_TEST(point_in_time)
{
	rkv_keyspace ks;
	int64_t now = 1700000000000;

	rkv_rand_seed(&rng, 100 + (uint64_t)_i);
	ck_assert_int_eq(rkv_keyspace_init(&ks, 16, &mem.counted, &rng), 0);
	fill(&ks, now);
	now += 500; /* some keys are already expired at the moment */
	{
		run r;
		size_t budget = 1 + rnd() % 60;
		bool big = _i % 4 != 0;
		size_t bound;

		run_begin(&r, &ks, now);
		/* Pending copies never exceed the snapshot's own keys. */
		bound = rkv_snapshot_memory(r.snap) + content_bytes(&r.want) +
			r.want.n * 64 + 200000;
		while (r.rc != 1) {
			int n = (int)(rnd() % 8);

			for (int i = 0; i < n; i++)
				mutate(&ks, now, big);
			now += (int64_t)(rnd() % 20);
			ck_assert_uint_le(rkv_snapshot_memory_total(&ks),
					  bound);
			run_step(&r, budget);
		}
		ck_assert_uint_eq(ks.snap_active, 0);
		ck_assert_uint_eq(rkv_snapshot_memory_total(&ks), 0);
		run_end(&r);
	}
	rkv_keyspace_free(&ks);
}
END_TEST

START_TEST(concurrent_snapshots)
{
	rkv_keyspace ks;
	int64_t now = 1700000000000;
	int nrun = 2 + _i % 2;
	run r[3];
	int begun = 0, done = 0;

	rkv_rand_seed(&rng, 200 + (uint64_t)_i);
	ck_assert_int_eq(rkv_keyspace_init(&ks, 16, &mem.counted, &rng), 0);
	fill(&ks, now);
	while (done < nrun) {
		if (begun < nrun && (begun == 0 || rnd() % 30 == 0))
			run_begin(&r[begun++], &ks, now);
		for (int i = 0; i < 1 + (int)(rnd() % 6); i++)
			mutate(&ks, now, true);
		now += (int64_t)(rnd() % 20);
		done = 0;
		for (int i = 0; i < begun; i++) {
			run_step(&r[i], 1 + rnd() % 40);
			done += r[i].rc == 1;
		}
		if (begun < nrun)
			done = 0;
	}
	for (int i = 0; i < nrun; i++)
		run_end(&r[i]);
	ck_assert_uint_eq(ks.snap_active, 0);
	rkv_keyspace_free(&ks);
}
END_TEST

/* Eight at once, begun at different moments; a ninth is refused; a
 * snapshot freed half-way leaves its slot clean for the next one. */
START_TEST(eight_slots_and_abort)
{
	rkv_keyspace ks;
	int64_t now = 1700000000000;
	run r[8];
	rkv_snapshot *half;
	rkv_buf tmp;

	ck_assert_int_eq(rkv_keyspace_init(&ks, 16, &mem.counted, &rng), 0);
	fill(&ks, now);
	rkv_buf_init(&tmp, &mem.counted);
	half = rkv_snapshot_begin(&ks, now, true, true, NULL);
	for (int i = 0; i < 5; i++) {
		ck_assert_int_eq(rkv_snapshot_next(half, &tmp, 10), 0);
		mutate(&ks, now, false);
	}
	rkv_snapshot_free(half); /* unfinished */
	ck_assert_uint_eq(ks.snap_active, 0);
	for (int i = 0; i < 8; i++) {
		run_begin(&r[i], &ks, now);
		for (int j = 0; j < 20; j++)
			mutate(&ks, now, true);
		for (int j = 0; j <= i; j++)
			run_step(&r[j], 7);
	}
	ck_assert_uint_eq(ks.snap_active, 0xff);
	ck_assert_ptr_null(rkv_snapshot_begin(&ks, now, true, true, NULL));
	for (bool all = false; !all;) {
		all = true;
		mutate(&ks, now, true);
		for (int i = 0; i < 8; i++) {
			run_step(&r[i], 1 + rnd() % 30);
			all = all && r[i].rc == 1;
		}
	}
	for (int i = 0; i < 8; i++)
		run_end(&r[i]);
	rkv_buf_free(&tmp);
	rkv_keyspace_free(&ks);
}
END_TEST

/* One slot used again and again (its polarity flips each time): each
 * snapshot equals its own moment, also when one begins while another
 * finishes and after one is abandoned half-way. */
START_TEST(slot_reuse)
{
	rkv_keyspace ks;
	int64_t now = 1700000000000;

	ck_assert_int_eq(rkv_keyspace_init(&ks, 16, &mem.counted, &rng), 0);
	fill(&ks, now);
	for (int round = 0; round < 6; round++) {
		run r;

		run_begin(&r, &ks, now);
		if (round == 3) {
			for (int i = 0; i < 30; i++) {
				run_step(&r, 5);
				mutate(&ks, now, true);
			}
			rkv_snapshot_free(r.snap);
			rkv_buf_free(&r.out);
			drop(&r.want);
			continue;
		}
		while (r.rc != 1) {
			mutate(&ks, now, true);
			now += 3;
			run_step(&r, 1 + rnd() % 50);
		}
		run_end(&r);
		ck_assert_uint_eq(ks.snap_active, 0);
	}
	rkv_keyspace_free(&ks);
}
END_TEST

/* Without changes, memory stays at the fixed overhead; each changed key
 * adds one copy, released once written. No snapshot: no hook is set and
 * a change costs nothing. */
START_TEST(memory_bounded_and_reported)
{
	rkv_keyspace ks;
	int64_t now = 1000;
	rkv_snapshot *s;
	rkv_buf out;
	size_t base, after;
	char k[32];

	ck_assert_int_eq(rkv_keyspace_init(&ks, 16, &mem.counted, &rng), 0);
	for (int i = 0; i < 1000; i++) {
		size_t klen = (size_t)snprintf(k, sizeof(k), "k%d", i);

		ck_assert_int_eq(rkv_keyspace_set(&ks, i % 2, k, klen,
						  "0123456789", 10, false, now,
						  NULL),
				 0);
	}
	/* The no-snapshot path: the hooks are never set nor needed. */
	ck_assert_uint_eq(ks.snap_active, 0);
	ck_assert_ptr_null(ks.before_change);
	rkv_keyspace_delete(&ks, 0, "k0", 2);
	rkv_keyspace_flush(&ks, 5);
	rkv_keyspace_swap(&ks, 5, 6);
	ck_assert_uint_eq(rkv_snapshot_memory_total(&ks), 0);

	rkv_buf_init(&out, &mem.counted);
	s = rkv_snapshot_begin(&ks, now, false, true, NULL);
	base = rkv_snapshot_memory(s);
	ck_assert_uint_eq(rkv_snapshot_memory_total(&ks), base);
	ck_assert_int_eq(rkv_snapshot_next(s, &out, 1), 0);
	ck_assert_uint_eq(rkv_snapshot_memory(s), base);
	/* db 1 is not written yet: overwriting 100 of its keys holds 100
	 * copies, changing them again holds no more. */
	for (int round = 0; round < 2; round++)
		for (int i = 1; i < 200; i += 2) {
			size_t klen = (size_t)snprintf(k, sizeof(k), "k%d", i);

			ck_assert_int_eq(rkv_keyspace_set(&ks, 1, k, klen, "x",
							  1, false, now, NULL),
					 0);
		}
	after = rkv_snapshot_memory(s);
	ck_assert_uint_gt(after, base + 100 * 14);
	ck_assert_uint_lt(after, base + 100 * 64);
	/* FLUSHDB of the db being written: its keys not written yet are
	 * copied; a slice writes at most `budget` of the copies. */
	rkv_keyspace_flush(&ks, 0);
	after = rkv_snapshot_memory(s);
	ck_assert_uint_gt(after, base + 100 * 64 + 400 * 14);
	for (int i = 0; i < 5; i++) {
		size_t m;

		ck_assert_int_eq(rkv_snapshot_next(s, &out, 10), 0);
		m = rkv_snapshot_memory(s);
		ck_assert_uint_lt(m, after);
		ck_assert_uint_le(after - m, 10 * 64);
		after = m;
	}
	ck_assert_int_eq(rkv_snapshot_next(s, &out, 1), 0); /* progress */
	ck_assert_uint_lt(rkv_snapshot_memory(s), after);
	while (rkv_snapshot_next(s, &out, 50) == 0)
		;
	ck_assert_uint_eq(rkv_snapshot_memory(s), base);
	ck_assert_uint_eq(rkv_snapshot_memory_total(&ks), 0);
	rkv_snapshot_free(s);
	rkv_buf_free(&out);
	rkv_keyspace_free(&ks);
}
END_TEST

/* A snapshot of an unchanged keyspace holds what a dump holds, in as many
 * bytes (keys come in scan order rather than table order). */
START_TEST(unchanged_equals_dump)
{
	rkv_keyspace ks;
	int64_t now = 1700000000000;
	rkv_buf a, b;
	rkv_snapshot *s;

	ck_assert_int_eq(rkv_keyspace_init(&ks, 16, &mem.counted, &rng), 0);
	fill(&ks, now);
	rkv_buf_init(&a, &mem.counted);
	rkv_buf_init(&b, &mem.counted);
	ck_assert_int_eq(
	    rkv_rdb_dump_keyspace(&ks, &a, &mem.counted, true, true, NULL), 0);
	s = rkv_snapshot_begin(&ks, 0, true, true, NULL);
	while (rkv_snapshot_next(s, &b, 13) == 0)
		;
	rkv_snapshot_free(s);
	ck_assert_uint_eq(a.len, b.len);
	{
		content want = take(&ks, 0);

		check_file(&a, &want);
		check_file(&b, &want);
		drop(&want);
	}
	rkv_buf_free(&a);
	rkv_buf_free(&b);
	rkv_keyspace_free(&ks);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("snapshot");
	TCase *tc = tcase_create("snapshot");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, point_in_time, 0, 24);
	tcase_add_loop_test(tc, concurrent_snapshots, 0, 8);
	tcase_add_test(tc, eight_slots_and_abort);
	tcase_add_test(tc, slot_reuse);
	tcase_add_test(tc, memory_bounded_and_reported);
	tcase_add_test(tc, unchanged_equals_dump);
	suite_add_tcase(s, tc);
	return rkv_test_run(s);
}
