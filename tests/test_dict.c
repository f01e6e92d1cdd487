/* Unit tests: the hash table (lib/dict.c) — membership against a reference,
 * incremental rehash both ways, the SCAN guarantee under resizing, random
 * picks, replace, and allocation failure. */
#include <check.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dict.h"
#include "check_main.h"

typedef struct tnode {
	rkv_dict_node link; /* first member: the dict links it */
	unsigned id;
	unsigned char klen;
	char key[23];
} tnode;

static void tkey(const rkv_dict_node *n, const char **key, size_t *len)
{
	const tnode *t = (const tnode *)n;

	*key = t->key;
	*len = t->klen;
}

static const rkv_dict_type ttype = {tkey};
static const uint8_t seed[16] = {1, 2,	3,  4,	5,  6,	7,  8,
				 9, 10, 11, 12, 13, 14, 15, 16};

#define N 20000
static tnode nodes[N];
static rkv_dict d;

static void setup(void)
{
	for (unsigned i = 0; i < N; i++) {
		nodes[i].id = i;
		nodes[i].klen = (unsigned char)snprintf(
		    nodes[i].key, sizeof(nodes[i].key), "key:%u", i);
	}
	rkv_dict_init(&d, &ttype, rkv_default_allocator(), seed);
}

static void teardown(void)
{
	rkv_dict_free(&d);
}

static uint64_t h(unsigned i)
{
	return rkv_dict_hash(&d, nodes[i].key, nodes[i].klen);
}

static void add(unsigned i)
{
	ck_assert_int_eq(rkv_dict_add(&d, &nodes[i].link, h(i)), 0);
}

static bool has(unsigned i)
{
	rkv_dict_node *n = rkv_dict_find(&d, nodes[i].key, nodes[i].klen, h(i));

	ck_assert(n == NULL || n == &nodes[i].link);
	return n != NULL;
}

static void del(unsigned i)
{
	ck_assert_ptr_eq(rkv_dict_unlink(&d, nodes[i].key, nodes[i].klen, h(i)),
			 &nodes[i].link);
}

START_TEST(membership_matches_reference)
{
	static bool in[N];
	unsigned long long x = 88172645463325252ULL;

	memset(in, 0, sizeof(in));
	for (int step = 0; step < 200000; step++) {
		unsigned i;

		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		i = (unsigned)(x % N);
		if (in[i]) {
			ck_assert(has(i));
			if (x & 0x100) {
				del(i);
				in[i] = false;
			}
		} else {
			ck_assert(!has(i));
			add(i);
			in[i] = true;
		}
		if (step % 1000 == 0)
			rkv_dict_shrink_if_needed(&d);
	}
	size_t count = 0;

	for (unsigned i = 0; i < N; i++) {
		ck_assert(has(i) == in[i]);
		count += in[i];
	}
	ck_assert_uint_eq(rkv_dict_size(&d), count);
}
END_TEST

START_TEST(grows_and_shrinks_incrementally)
{
	for (unsigned i = 0; i < N; i++)
		add(i);
	while (rkv_dict_rehash_steps(&d, 100))
		;
	ck_assert_uint_ge(rkv_dict_buckets(&d), N);
	for (unsigned i = 0; i < N - 10; i++)
		del(i);
	ck_assert(rkv_dict_shrink_if_needed(&d));
	/* Lookups stay correct while the shrink is in progress. */
	for (unsigned i = 0; i < N; i++)
		ck_assert(has(i) == (i >= N - 10));
	while (rkv_dict_rehash_steps(&d, 100))
		;
	ck_assert_uint_le(rkv_dict_buckets(&d), 16);
	ck_assert_uint_eq(rkv_dict_size(&d), 10);
}
END_TEST

typedef struct seen {
	unsigned char count[N];
} seen;

static void mark(rkv_dict_node *n, void *ud)
{
	seen *s = ud;

	s->count[((tnode *)n)->id]++;
}

START_TEST(full_scan_returns_each_once_without_resize)
{
	static seen s;
	unsigned long long cur = 0;

	memset(&s, 0, sizeof(s));
	for (unsigned i = 0; i < 5000; i++)
		add(i);
	while (rkv_dict_rehash_steps(&d, 100))
		;
	do
		cur = rkv_dict_scan(&d, cur, mark, &s);
	while (cur);
	for (unsigned i = 0; i < N; i++)
		ck_assert_uint_eq(s.count[i], i < 5000);
}
END_TEST

/* Keys 0..999 stay for the whole scan; others come and go, making the
 * table grow and shrink mid-scan. Every stable key must be returned. */
static void scan_under_churn(bool grow)
{
	static seen s;
	unsigned long long cur = 0;
	unsigned next = 1000, calls = 0;

	memset(&s, 0, sizeof(s));
	for (unsigned i = 0; i < (grow ? 1000 : 12000); i++)
		add(i);
	while (rkv_dict_rehash_steps(&d, 100))
		;
	do {
		cur = rkv_dict_scan(&d, cur, mark, &s);
		calls++;
		if (grow && next < N) {
			for (int k = 0; k < 40 && next < N; k++)
				add(next++);
		} else if (!grow && next < 12000) {
			for (int k = 0; k < 200 && next < 12000; k++)
				del(next++);
			rkv_dict_shrink_if_needed(&d);
		}
		rkv_dict_rehash_steps(&d, 3);
	} while (cur);
	for (unsigned i = 0; i < 1000; i++)
		ck_assert_msg(s.count[i] >= 1, "key %u missed", i);
	ck_assert_uint_gt(calls, 10);
}

START_TEST(scan_misses_nothing_while_growing)
{
	scan_under_churn(true);
}
END_TEST

START_TEST(scan_misses_nothing_while_shrinking)
{
	scan_under_churn(false);
}
END_TEST

START_TEST(replace_relinks_in_place)
{
	static tnode copy;

	for (unsigned i = 0; i < 100; i++)
		add(i);
	copy = nodes[42];
	ck_assert(rkv_dict_replace(&d, &nodes[42].link, &copy.link, h(42)));
	ck_assert_ptr_eq(rkv_dict_find(&d, copy.key, copy.klen, h(42)),
			 &copy.link);
	ck_assert(!rkv_dict_replace(&d, &nodes[500].link, &copy.link, h(500)));
	ck_assert_uint_eq(rkv_dict_size(&d), 100);
}
END_TEST

START_TEST(random_returns_members)
{
	unsigned long long x = 1;
	static seen s;

	ck_assert_ptr_null(rkv_dict_random(&d, 1, 2));
	memset(&s, 0, sizeof(s));
	for (unsigned i = 0; i < 64; i++)
		add(i * 3);
	for (int k = 0; k < 20000; k++) {
		rkv_dict_node *n;

		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		n = rkv_dict_random(&d, x >> 11, x >> 33);
		ck_assert_ptr_nonnull(n);
		ck_assert_uint_eq(((tnode *)n)->id % 3, 0);
		s.count[((tnode *)n)->id] = 1;
	}
	/* Roughly uniform: every member shows up. */
	for (unsigned i = 0; i < 64; i++)
		ck_assert(s.count[i * 3]);
}
END_TEST

static int freed;
static void count_free(rkv_dict_node *n, void *ud)
{
	(void)n;
	(void)ud;
	freed++;
}

START_TEST(clear_visits_every_node)
{
	for (unsigned i = 0; i < 3000; i++)
		add(i);
	freed = 0;
	rkv_dict_clear(&d, count_free, NULL);
	ck_assert_int_eq(freed, 3000);
	ck_assert_uint_eq(rkv_dict_size(&d), 0);
	ck_assert(!has(1));
}
END_TEST

static void *no_malloc(size_t n, void *ud)
{
	(void)n;
	(void)ud;
	return NULL;
}
static void *no_realloc(void *p, size_t n, void *ud)
{
	(void)p;
	(void)n;
	(void)ud;
	return NULL;
}
static void plain_free(void *p, void *ud)
{
	(void)ud;
	free(p);
}

START_TEST(allocation_failure_is_reported)
{
	rkv_allocator none = {no_malloc, no_realloc, plain_free, NULL};
	rkv_dict e;

	rkv_dict_init(&e, &ttype, &none, seed);
	ck_assert_int_eq(
	    rkv_dict_add(&e, &nodes[0].link, rkv_dict_hash(&e, "key:0", 5)),
	    RKV_ERR_NOMEM);
	ck_assert_uint_eq(rkv_dict_size(&e), 0);
	rkv_dict_free(&e);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("dict");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, membership_matches_reference);
	tcase_add_test(tc, grows_and_shrinks_incrementally);
	tcase_add_test(tc, full_scan_returns_each_once_without_resize);
	tcase_add_test(tc, scan_misses_nothing_while_growing);
	tcase_add_test(tc, scan_misses_nothing_while_shrinking);
	tcase_add_test(tc, replace_relinks_in_place);
	tcase_add_test(tc, random_returns_members);
	tcase_add_test(tc, clear_visits_every_node);
	tcase_add_test(tc, allocation_failure_is_reported);
	suite_add_tcase(s, tc);
	return rkv_test_run(s);
}
