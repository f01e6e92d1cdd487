/* Unit tests: number parsing/formatting with Redis's rules. */
#include <check.h>
#include <stdio.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "sha1.h"
#include "util.h"
#include "check_main.h"

static bool s2ll(const char *s, long long *v)
{
	return rkv_string2ll(s, strlen(s), v);
}

START_TEST(string2ll_accepts_redis_forms)
{
	long long v;

	ck_assert(s2ll("0", &v) && v == 0);
	ck_assert(s2ll("123", &v) && v == 123);
	ck_assert(s2ll("-1", &v) && v == -1);
	ck_assert(s2ll("9223372036854775807", &v) && v == LLONG_MAX);
	ck_assert(s2ll("-9223372036854775808", &v) && v == LLONG_MIN);
}
END_TEST

START_TEST(string2ll_rejects_what_redis_rejects)
{
	long long v;
	const char *bad[] = {"",
			     "+1",
			     "01",
			     "-0",
			     "-",
			     " 1",
			     "1 ",
			     "1a",
			     "0x1",
			     "9223372036854775808",
			     "-9223372036854775809",
			     "99999999999999999999"};

	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++)
		ck_assert_msg(!s2ll(bad[i], &v), "accepted '%s'", bad[i]);
}
END_TEST

START_TEST(ll2str_round_trips)
{
	long long vals[] = {0, 1, -1, 10, 99, LLONG_MAX, LLONG_MIN, 123456789};
	char buf[RKV_LLSTR_SIZE];

	for (size_t i = 0; i < sizeof(vals) / sizeof(*vals); i++) {
		long long back;
		size_t n = rkv_ll2str(buf, vals[i]);

		ck_assert(rkv_string2ll(buf, n, &back));
		ck_assert(back == vals[i]);
	}
}
END_TEST

START_TEST(caseeq_is_ascii_case_insensitive)
{
	ck_assert(rkv_caseeq("PiNg", 4, "ping"));
	ck_assert(!rkv_caseeq("pin", 3, "ping"));
	ck_assert(!rkv_caseeq("pings", 5, "ping"));
	ck_assert_int_eq(rkv_strcasecmp("LocalHost", "localhost"), 0);
	ck_assert_int_lt(rkv_strcasecmp("abc", "ABD"), 0);
	ck_assert_int_gt(rkv_strcasecmp("abcd", "ABC"), 0);
	ck_assert_int_lt(rkv_strcasecmp("", "a"), 0);
	ck_assert_int_ne(rkv_strcasecmp("\xc9", "\xe9"), 0); /* ASCII only */
	ck_assert(rkv_caseeq("", 0, ""));
}
END_TEST

static void sha1_hex(const void *d, size_t n, size_t repeat, char out[41])
{
	rkv_sha1 s;
	uint8_t md[20];

	rkv_sha1_init(&s);
	for (size_t i = 0; i < repeat; i++)
		rkv_sha1_update(&s, d, n);
	rkv_sha1_final(&s, md);
	for (int i = 0; i < 20; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
}

/* FIPS 180 / RFC 3174 test vectors. */
START_TEST(sha1_known_vectors)
{
	char hex[41];

	sha1_hex("", 0, 1, hex);
	ck_assert_str_eq(hex, "da39a3ee5e6b4b0d3255bfef95601890afd80709");
	sha1_hex("abc", 3, 1, hex);
	ck_assert_str_eq(hex, "a9993e364706816aba3e25717850c26c9cd0d89d");
	sha1_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56,
		 1, hex);
	ck_assert_str_eq(hex, "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
	sha1_hex("a", 1, 1000000, hex);
	ck_assert_str_eq(hex, "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
	sha1_hex(
	    "0123456701234567012345670123456701234567012345670123456701234567",
	    64, 10, hex);
	ck_assert_str_eq(hex, "dea356a2cddd90c7a7ecedc5ebb563934f460452");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("util");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, string2ll_accepts_redis_forms);
	tcase_add_test(tc, string2ll_rejects_what_redis_rejects);
	tcase_add_test(tc, ll2str_round_trips);
	tcase_add_test(tc, caseeq_is_ascii_case_insensitive);
	tcase_add_test(tc, sha1_known_vectors);
	suite_add_tcase(s, tc);
	return rkv_test_run(s);
}
