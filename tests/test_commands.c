/* Unit tests: the command engine's table and the node's timers. Reply
 * texts are checked byte for byte against a real redis-server by the
 * integration suite (tests/integration/differential.c). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "check_main.h"
#include "test_host.h"

START_TEST(table_is_sorted_for_binary_search)
{
	ck_assert(rkv_command_table_sorted());
	ck_assert_ptr_nonnull(rkv_command_lookup("GET", 3));
	ck_assert_ptr_nonnull(rkv_command_lookup("unlink", 6));
	ck_assert_ptr_nonnull(rkv_command_lookup("APPEND", 6));
	ck_assert_ptr_null(rkv_command_lookup("ge", 2));
	ck_assert_ptr_null(rkv_command_lookup("gets", 4));
	ck_assert_ptr_null(rkv_command_lookup("", 0));
	ck_assert_str_eq(rkv_command_lookup("SeT", 3)->name, "set");
}
END_TEST

static int64_t clock_us;

START_TEST(ticks_expire_keys_and_count_writes)
{
	rkv_callbacks *cbs;
	rkv_node *node;
	rkv_conn *conn;
	char req[64];

	rkv_callbacks_new(&cbs);
	rkv_callbacks_set_send(cbs, rkv_test_sink);
	rkv_callbacks_set_clock(cbs, rkv_test_clock_at);
	ck_assert_int_eq(rkv_node_new(&node, cbs, NULL, &clock_us), 0);
	rkv_callbacks_free(cbs);
	ck_assert_int_eq(rkv_conn_new(node, &conn, NULL), 0);
	clock_us = 1000000000LL * 1000;
	for (int i = 0; i < 1000; i++) {
		int n = snprintf(req, sizeof(req), "SET key:%d v PX %d\r\n", i,
				 1000 + i);

		ck_assert_int_eq(
		    rkv_conn_recv(conn, (const uint8_t *)req, (size_t)n), 0);
	}
	ck_assert_int_eq(
	    rkv_conn_recv(conn, (const uint8_t *)"SET keep v\r\n", 12), 0);
	ck_assert_uint_eq(rkv_keyspace_size(&node->ks, 0), 1001);
	ck_assert_int_eq(node->dirty, 1001);
	clock_us += 10 * 1000 * 1000; /* every TTL has passed */
	for (int t = 0; t < 100 && rkv_keyspace_expires(&node->ks, 0); t++)
		rkv_node_tick(node, t * 100);
	/* No client touched the keys: the ticks alone expired them, and
	 * each expiry went through the propagate hook (as a DEL). */
	ck_assert_uint_eq(rkv_keyspace_size(&node->ks, 0), 1);
	ck_assert_int_eq(node->ks.expired_keys, 1000);
	ck_assert_int_eq(node->propagated, 2001);
	ck_assert_int_eq(node->dirty, 1001); /* expiry is not a change */
	rkv_conn_free(conn);
	rkv_node_free(node);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("commands");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, table_is_sorted_for_binary_search);
	tcase_add_test(tc, ticks_expire_keys_and_count_writes);
	suite_add_tcase(s, tc);
	return rkv_test_run(s);
}
