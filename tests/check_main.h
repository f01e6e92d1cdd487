/* The runner every Check suite ends with: run all tests, report Check's
 * summary line, exit non-zero on any failure. */
#ifndef RKV_TEST_CHECK_MAIN_H
#define RKV_TEST_CHECK_MAIN_H

#include <check.h>
#include <stdlib.h>

static inline int rkv_test_run(Suite *s)
{
	SRunner *sr = srunner_create(s);
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

#endif
