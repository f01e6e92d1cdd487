/* Unit tests: number parsing/formatting with Redis's rules. */
#include <check.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

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
	ck_assert(rkv_caseeq("", 0, ""));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("util");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, string2ll_accepts_redis_forms);
	tcase_add_test(tc, string2ll_rejects_what_redis_rejects);
	tcase_add_test(tc, ll2str_round_trips);
	tcase_add_test(tc, caseeq_is_ascii_case_insensitive);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
