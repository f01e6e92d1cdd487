/* Unit tests: the keyspace (lib/keyspace.c) — encodings, TTL and lazy
 * expiry, bounded active expiry, flush/swap, memory accounting, and a
 * randomized model check against a plain reference. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "keyspace.h"
#include "util.h"
#include "check_main.h"

static rkv_mem mem;
static rkv_rand rng;
static rkv_keyspace ks;

static void setup(void)
{
	rkv_mem_init(&mem, rkv_default_allocator());
	rkv_rand_seed(&rng, 42);
	ck_assert_int_eq(rkv_keyspace_init(&ks, 16, &mem.counted, &rng), 0);
}

static void teardown(void)
{
	rkv_keyspace_free(&ks);
	ck_assert_uint_eq(mem.used, 0); /* nothing leaked, nothing miscounted */
}

static int set(int db, const char *k, const char *v)
{
	return rkv_keyspace_set(&ks, db, k, strlen(k), v, strlen(v), false, 0,
				NULL);
}

static rkv_entry *get(int db, const char *k, int64_t now)
{
	return rkv_keyspace_lookup(&ks, db, k, strlen(k), now);
}

static void assert_value(int db, const char *k, const char *v, int64_t now)
{
	char buf[RKV_LLSTR_SIZE];
	size_t len;
	rkv_entry *e = get(db, k, now);
	const char *s;

	ck_assert_msg(e != NULL, "key %s missing", k);
	s = rkv_entry_str(e, buf, &len);
	ck_assert_uint_eq(len, strlen(v));
	ck_assert(memcmp(s, v, len) == 0);
}

START_TEST(strings_and_integer_encoding)
{
	ck_assert_int_eq(set(0, "a", "hello"), 0);
	ck_assert_int_eq(set(0, "n", "12345"), 0);
	ck_assert_int_eq(set(0, "z", "0123"), 0); /* not canonical: a string */
	ck_assert_int_eq(set(0, "big", "99999999999999999999"), 0);
	ck_assert_int_eq(set(0, "e", ""), 0);
	ck_assert_int_eq(get(0, "n", 0)->enc, RKV_ENC_INT);
	ck_assert_int_eq(rkv_entry_int(get(0, "n", 0)), 12345);
	ck_assert_int_eq(get(0, "z", 0)->enc, RKV_ENC_STR);
	ck_assert_int_eq(get(0, "big", 0)->enc, RKV_ENC_STR);
	assert_value(0, "a", "hello", 0);
	assert_value(0, "n", "12345", 0);
	assert_value(0, "z", "0123", 0);
	assert_value(0, "e", "", 0);
	ck_assert_ptr_null(get(1, "a", 0)); /* databases are separate */
	ck_assert_uint_eq(rkv_keyspace_size(&ks, 0), 5);
}
END_TEST

START_TEST(overwrite_in_place_and_reallocating)
{
	rkv_entry *e1, *e2;

	ck_assert_int_eq(
	    rkv_keyspace_set(&ks, 0, "k", 1, "aaaa", 4, false, 0, &e1), 0);
	ck_assert_int_eq(
	    rkv_keyspace_set(&ks, 0, "k", 1, "bbbb", 4, false, 0, &e2), 0);
	ck_assert_ptr_eq(e1, e2); /* same size: in place */
	assert_value(0, "k", "bbbb", 0);
	ck_assert_int_eq(rkv_keyspace_set(&ks, 0, "k", 1, "a much longer value",
					  19, false, 0, &e2),
			 0);
	assert_value(0, "k", "a much longer value", 0);
	ck_assert_int_eq(set(0, "k", "-7"), 0);
	ck_assert_int_eq(get(0, "k", 0)->enc, RKV_ENC_INT);
	ck_assert_int_eq(set(0, "k", "8"), 0);
	assert_value(0, "k", "8", 0);
	ck_assert_uint_eq(rkv_keyspace_size(&ks, 0), 1);
}
END_TEST

START_TEST(ttl_and_lazy_expiry)
{
	rkv_entry *e;

	set(0, "t", "v");
	e = get(0, "t", 1000);
	ck_assert_int_eq(rkv_keyspace_get_expire(&ks, 0, e), -1);
	ck_assert_int_eq(rkv_keyspace_set_expire(&ks, 0, e, 5000), 0);
	ck_assert_int_eq(rkv_keyspace_get_expire(&ks, 0, e), 5000);
	ck_assert_uint_eq(rkv_keyspace_expires(&ks, 0), 1);
	ck_assert_ptr_nonnull(get(0, "t", 4999));
	ck_assert_ptr_null(get(0, "t", 5000)); /* expired at its time */
	ck_assert_uint_eq(rkv_keyspace_size(&ks, 0), 0);
	ck_assert_uint_eq(rkv_keyspace_expires(&ks, 0), 0);
	ck_assert_int_eq(ks.expired_keys, 1);
}
END_TEST

START_TEST(set_drops_or_keeps_ttl)
{
	rkv_entry *e;

	set(0, "t", "v");
	rkv_keyspace_set_expire(&ks, 0, get(0, "t", 0), 5000);
	/* KEEPTTL through a reallocation: the expiry follows the entry. */
	ck_assert_int_eq(
	    rkv_keyspace_set(&ks, 0, "t", 1, "longer value", 12, true, 0, &e),
	    0);
	ck_assert_int_eq(rkv_keyspace_get_expire(&ks, 0, e), 5000);
	ck_assert_ptr_null(get(0, "t", 6000));
	set(0, "t", "v");
	rkv_keyspace_set_expire(&ks, 0, get(0, "t", 0), 5000);
	set(0, "t", "w"); /* a plain SET clears the TTL */
	ck_assert_uint_eq(rkv_keyspace_expires(&ks, 0), 0);
	ck_assert_ptr_nonnull(get(0, "t", 6000));
	/* PERSIST */
	rkv_keyspace_set_expire(&ks, 0, get(0, "t", 0), 5000);
	rkv_keyspace_set_expire(&ks, 0, get(0, "t", 0), -1);
	ck_assert_int_eq(rkv_keyspace_get_expire(&ks, 0, get(0, "t", 0)), -1);
	ck_assert_uint_eq(rkv_keyspace_expires(&ks, 0), 0);
}
END_TEST

static void count_expired(int db, const rkv_entry *e, void *ud)
{
	(void)e;
	ck_assert_int_eq(db, 3);
	(*(int *)ud)++;
}

START_TEST(active_expiry_is_bounded_and_complete)
{
	char k[32];
	int told = 0;
	size_t total = 0, calls = 0;

	for (int i = 0; i < 5000; i++) {
		snprintf(k, sizeof(k), "ttl:%d", i);
		set(3, k, "x");
		rkv_keyspace_set_expire(&ks, 3, get(3, k, 0), 1000 + i % 7);
		snprintf(k, sizeof(k), "keep:%d", i);
		set(3, k, "y");
	}
	ks.expire_hook = count_expired;
	ks.expire_ud = &told;
	while (rkv_keyspace_expires(&ks, 3) > 0) {
		size_t n = rkv_keyspace_active_expire(&ks, 2000, 100);

		/* Bounded: a pass samples about `budget` keys (a bucket's
		 * chain may overshoot a little). */
		ck_assert_uint_le(n, 100 + 16);
		total += n;
		ck_assert_uint_lt(++calls, 1000);
	}
	ck_assert_uint_eq(total, 5000);
	ck_assert_int_eq(told, 5000);
	ck_assert_uint_eq(rkv_keyspace_size(&ks, 3), 5000); /* no TTL: kept */
	ck_assert_int_eq(ks.expired_keys, 5000);
}
END_TEST

START_TEST(active_expiry_leaves_live_keys_and_estimates_ttl)
{
	char k[32];

	for (int i = 0; i < 1000; i++) {
		snprintf(k, sizeof(k), "k%d", i);
		set(0, k, "v");
		rkv_keyspace_set_expire(&ks, 0, get(0, k, 0), 100000);
	}
	for (int i = 0; i < 50; i++)
		ck_assert_uint_eq(
		    rkv_keyspace_active_expire(&ks, 50000, 100), 0);
	ck_assert_uint_eq(rkv_keyspace_size(&ks, 0), 1000);
	ck_assert_int_gt(ks.db[0].avg_ttl, 40000);
	ck_assert_int_le(ks.db[0].avg_ttl, 50000);
}
END_TEST

START_TEST(flush_and_swap)
{
	set(0, "a", "1");
	set(1, "b", "2");
	rkv_keyspace_set_expire(&ks, 1, get(1, "b", 0), 9000);
	rkv_keyspace_swap(&ks, 0, 1);
	ck_assert_ptr_null(get(0, "a", 0));
	assert_value(0, "b", "2", 0);
	ck_assert_int_eq(rkv_keyspace_get_expire(&ks, 0, get(0, "b", 0)), 9000);
	assert_value(1, "a", "1", 0);
	rkv_keyspace_flush(&ks, 0);
	ck_assert_uint_eq(rkv_keyspace_size(&ks, 0), 0);
	ck_assert_uint_eq(rkv_keyspace_size(&ks, 1), 1);
	rkv_keyspace_flush(&ks, -1);
	ck_assert_uint_eq(rkv_keyspace_size(&ks, 1), 0);
}
END_TEST

START_TEST(memory_accounting_per_key)
{
	char k[17], v[17];
	size_t before = mem.used, per_key;
	const int n = 100000;

	for (int i = 0; i < n; i++) {
		snprintf(k, sizeof(k), "key:%012d", i);
		snprintf(v, sizeof(v), "val:%012d", i);
		ck_assert_int_eq(
		    rkv_keyspace_set(&ks, 0, k, 16, v, 16, false, 0, NULL), 0);
	}
	per_key = (mem.used - before) / (size_t)n;
	/* 24-byte header + 32 bytes of key and value in one allocation, plus
	 * the bucket array: well under Redis 7.0's 127 B/key. */
	ck_assert_msg(per_key <= 100, "%zu bytes per key", per_key);
	ck_assert_uint_ge(per_key, 56);
	rkv_keyspace_flush(&ks, 0);
	rkv_keyspace_upkeep(&ks, 1000);
}
END_TEST

/* Random operations on a small key space with a moving clock, checked
 * against a reference table after every step. */
START_TEST(model_check)
{
	enum { NK = 64 };
	struct ref {
		bool present;
		char val[24];
		int64_t when; /* -1: no TTL */
	} ref[NK];
	int64_t now = 1000;
	unsigned long long x = 0x9e3779b97f4a7c15ULL;

	memset(ref, 0, sizeof(ref));
	for (int step = 0; step < 50000; step++) {
		char k[8];
		unsigned i, op;

		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		i = (unsigned)(x % NK);
		op = (unsigned)((x >> 8) % 10);
		snprintf(k, sizeof(k), "k%u", i);
		if (ref[i].present && ref[i].when >= 0 && ref[i].when <= now)
			ref[i].present = false; /* expired for the model */
		if (op < 3) {
			int len = snprintf(ref[i].val, sizeof(ref[i].val),
					   (x >> 20) & 1 ? "%llu" : "v%llu",
					   (x >> 24) % 100000);
			bool keep = (x >> 21) & 1;

			ck_assert_int_eq(
			    rkv_keyspace_set(&ks, 0, k, strlen(k), ref[i].val,
					     (size_t)len, keep, now, NULL),
			    0);
			if (!ref[i].present || !keep)
				ref[i].when = -1;
			ref[i].present = true;
		} else if (op < 5) {
			/* As DEL does: a lookup expires the key first. */
			bool live = get(0, k, now) != NULL;

			ck_assert(live == ref[i].present);
			ck_assert(rkv_keyspace_delete(&ks, 0, k, strlen(k)) ==
				  live);
			ref[i].present = false;
		} else if (op < 7) {
			rkv_entry *e = get(0, k, now);

			ck_assert(!!e == ref[i].present);
			if (e) {
				int64_t when =
				    (x >> 30) & 1
					? now + (int64_t)((x >> 32) % 50)
					: -1;

				ck_assert_int_eq(
				    rkv_keyspace_set_expire(&ks, 0, e, when),
				    0);
				ref[i].when = when;
			}
		} else if (op < 8) {
			now += (int64_t)((x >> 40) % 10);
			rkv_keyspace_active_expire(&ks, now, 10);
		} else {
			rkv_entry *e = get(0, k, now);

			ck_assert(!!e == ref[i].present);
			if (e) {
				assert_value(0, k, ref[i].val, now);
				ck_assert_int_eq(
				    rkv_keyspace_get_expire(&ks, 0, e),
				    ref[i].when);
			}
		}
		if (step % 97 == 0)
			rkv_keyspace_upkeep(&ks, 1);
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("keyspace");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, strings_and_integer_encoding);
	tcase_add_test(tc, overwrite_in_place_and_reallocating);
	tcase_add_test(tc, ttl_and_lazy_expiry);
	tcase_add_test(tc, set_drops_or_keeps_ttl);
	tcase_add_test(tc, active_expiry_is_bounded_and_complete);
	tcase_add_test(tc, active_expiry_leaves_live_keys_and_estimates_ttl);
	tcase_add_test(tc, flush_and_swap);
	tcase_add_test(tc, memory_accounting_per_key);
	tcase_add_test(tc, model_check);
	suite_add_tcase(s, tc);
	return rkv_test_run(s);
}
