/* Unit tests: AUTH with requirepass, transactions and WATCH edge cases the
 * differential suite cannot reach (a password on the node, time under the
 * test's control, connections freed with state). The plain transaction
 * replies are compared with a real redis-server by
 * tests/integration/multi_auth.txt. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "commands.h"
#include "test_host.h"

#define NCONN 3

static int64_t clock_us = 1700000000000000LL;
static char out[NCONN][8192];
static size_t outlen[NCONN];
static rkv_node *node;
static rkv_conn *conn[NCONN];
static int keyspace_calls;

static int64_t capture(rkv_node *n, rkv_conn *c, const uint8_t *d, size_t len,
		       void *ud)
{
	int i = (int)(intptr_t)rkv_conn_user_data(c);

	(void)n;
	(void)ud;
	return rkv_test_capture(out[i], sizeof(out[i]), &outlen[i], d, len);
}

static void on_keyspace(rkv_node *n, int db, const char *key, size_t klen,
			void *ud)
{
	(void)n;
	(void)db;
	(void)key;
	(void)klen;
	(void)ud;
	keyspace_calls++;
}

static void setup(void)
{
	rkv_callbacks *cbs;

	rkv_callbacks_new(&cbs);
	rkv_callbacks_set_send(cbs, capture);
	rkv_callbacks_set_clock(cbs, rkv_test_clock_at);
	rkv_callbacks_set_keyspace(cbs, on_keyspace);
	ck_assert_int_eq(rkv_node_new(&node, cbs, NULL, &clock_us), 0);
	rkv_callbacks_free(cbs);
	for (intptr_t i = 0; i < NCONN; i++) {
		ck_assert_int_eq(rkv_conn_new(node, &conn[i], (void *)i), 0);
		outlen[i] = 0;
	}
	keyspace_calls = 0;
}

static void teardown(void)
{
	for (int i = 0; i < NCONN; i++)
		rkv_conn_free(conn[i]);
	rkv_node_free(node);
}

/* Send one inline command on client i and return its reply text. */
static const char *cmd(int i, const char *line)
{
	char req[512];
	int n = snprintf(req, sizeof(req), "%s\r\n", line);

	outlen[i] = 0;
	rkv_conn_recv(conn[i], (const uint8_t *)req, (size_t)n);
	out[i][outlen[i]] = '\0';
	return out[i];
}

static void set_password(const char *pw)
{
	size_t n = strlen(pw);

	node->set.requirepass = rkv_malloc(rkv_node_alloc(node), n);
	memcpy(node->set.requirepass, pw, n);
	node->set.requirepass_len = n;
}

START_TEST(requirepass_gates_commands_until_auth)
{
	rkv_conn *c;

	set_password("s3cret");
	/* Connections made after the password is set start unauthenticated. */
	ck_assert_int_eq(rkv_conn_new(node, &c, (void *)(intptr_t)0), 0);
	rkv_conn_free(conn[0]);
	conn[0] = c;
	ck_assert_str_eq(cmd(0, "PING"),
			 "-NOAUTH Authentication required.\r\n");
	ck_assert_str_eq(cmd(0, "SET k v"),
			 "-NOAUTH Authentication required.\r\n");
	/* Unknown commands and arity are checked first, as Redis does. */
	ck_assert_str_eq(cmd(0, "NOPE"), "-ERR unknown command 'NOPE', with "
					 "args beginning with: \r\n");
	ck_assert_str_eq(
	    cmd(0, "HELLO 3"),
	    "-NOAUTH HELLO must be called with the client already "
	    "authenticated, otherwise the HELLO AUTH <user> <pass> option can "
	    "be used to authenticate the client and select the RESP protocol "
	    "version at the same time\r\n");
	ck_assert_str_eq(cmd(0, "AUTH wrong"),
			 "-WRONGPASS invalid username-password pair or user is "
			 "disabled.\r\n");
	ck_assert_str_eq(cmd(0, "AUTH s3cre"),
			 "-WRONGPASS invalid username-password pair or user is "
			 "disabled.\r\n");
	ck_assert_str_eq(cmd(0, "AUTH bob s3cret"),
			 "-WRONGPASS invalid username-password pair or user is "
			 "disabled.\r\n");
	ck_assert_str_eq(cmd(0, "AUTH default s3cret"), "+OK\r\n");
	ck_assert_str_eq(cmd(0, "PING"), "+PONG\r\n");
	/* RESET logs the client out again. */
	ck_assert_str_eq(cmd(0, "RESET"), "+RESET\r\n");
	ck_assert_str_eq(cmd(0, "GET k"),
			 "-NOAUTH Authentication required.\r\n");
	ck_assert_str_eq(cmd(0, "AUTH s3cret"), "+OK\r\n");
	/* HELLO AUTH authenticates and switches protocol at once. */
	ck_assert_str_eq(cmd(0, "RESET"), "+RESET\r\n");
	ck_assert_str_eq(cmd(0, "HELLO 3 AUTH default nope"),
			 "-WRONGPASS invalid username-password pair or user is "
			 "disabled.\r\n");
	ck_assert_ptr_nonnull(
	    strstr(cmd(0, "HELLO 3 AUTH default s3cret"), "proto"));
	ck_assert_str_eq(cmd(0, "GET missing"), "_\r\n");
	/* Clients made before the password was set stay authenticated. */
	ck_assert_str_eq(cmd(1, "PING"), "+PONG\r\n");
}
END_TEST

START_TEST(noauth_inside_multi_dooms_the_transaction)
{
	rkv_conn *c;

	ck_assert_str_eq(cmd(0, "MULTI"), "+OK\r\n");
	set_password("pw");
	ck_assert_int_eq(rkv_conn_new(node, &c, (void *)(intptr_t)1), 0);
	rkv_conn_free(conn[1]);
	conn[1] = c;
	ck_assert_str_eq(cmd(1, "MULTI"),
			 "-NOAUTH Authentication required.\r\n");
	/* conn 0 was authenticated before: its queue works. */
	ck_assert_str_eq(cmd(0, "SET a 1"), "+QUEUED\r\n");
	ck_assert_str_eq(cmd(0, "EXEC"), "*1\r\n+OK\r\n");
}
END_TEST

START_TEST(watch_of_a_key_already_expired)
{
	/* The key is logically expired when watched: its lazy deletion by
	 * another client's read is no change, so EXEC runs (Redis 7.0). */
	ck_assert_str_eq(cmd(0, "SET e v PX 10"), "+OK\r\n");
	clock_us += 20 * 1000;
	ck_assert_str_eq(cmd(0, "WATCH e"), "+OK\r\n");
	ck_assert_str_eq(cmd(1, "GET e"), "$-1\r\n"); /* deletes it */
	ck_assert_str_eq(cmd(0, "MULTI"), "+OK\r\n");
	ck_assert_str_eq(cmd(0, "GET e"), "+QUEUED\r\n");
	ck_assert_str_eq(cmd(0, "EXEC"), "*1\r\n$-1\r\n");
	/* ... but writing it again is a change. */
	ck_assert_str_eq(cmd(0, "SET e v PX 10"), "+OK\r\n");
	clock_us += 20 * 1000;
	ck_assert_str_eq(cmd(0, "WATCH e"), "+OK\r\n");
	ck_assert_str_eq(cmd(1, "SET e new"), "+OK\r\n");
	ck_assert_str_eq(cmd(0, "MULTI"), "+OK\r\n");
	ck_assert_str_eq(cmd(0, "GET e"), "+QUEUED\r\n");
	ck_assert_str_eq(cmd(0, "EXEC"), "*-1\r\n");
}
END_TEST

START_TEST(active_expiry_of_a_watched_key_fails_exec)
{
	ck_assert_str_eq(cmd(0, "SET t v PX 100"), "+OK\r\n");
	ck_assert_str_eq(cmd(0, "WATCH t"), "+OK\r\n");
	clock_us += 200 * 1000;
	for (int i = 0; i < 10 && rkv_keyspace_size(&node->ks, 0); i++)
		rkv_node_tick(node, i);
	ck_assert_uint_eq(rkv_keyspace_size(&node->ks, 0), 0);
	ck_assert_str_eq(cmd(0, "MULTI"), "+OK\r\n");
	ck_assert_str_eq(cmd(0, "PING"), "+QUEUED\r\n");
	ck_assert_str_eq(cmd(0, "EXEC"), "*-1\r\n");
}
END_TEST

START_TEST(watches_are_shared_and_released)
{
	/* Two clients watch the same key; one frees its connection with the
	 * watch and a queued transaction still held (no leak: valgrind). */
	ck_assert_str_eq(cmd(0, "WATCH a b c"), "+OK\r\n");
	ck_assert_str_eq(cmd(1, "WATCH b a"), "+OK\r\n");
	ck_assert_str_eq(cmd(1, "WATCH a"), "+OK\r\n"); /* twice: once */
	ck_assert_uint_eq(node->nwatched, 3);
	ck_assert_uint_eq(conn[1]->nwatch, 2);
	ck_assert_str_eq(cmd(1, "MULTI"), "+OK\r\n");
	ck_assert_str_eq(cmd(1, "SET q 1"), "+QUEUED\r\n");
	rkv_conn_free(conn[1]);
	ck_assert_int_eq(rkv_conn_new(node, &conn[1], (void *)(intptr_t)1), 0);
	ck_assert_uint_eq(node->nwatched, 3);
	ck_assert_str_eq(cmd(2, "SET b 1"), "+OK\r\n");
	ck_assert_str_eq(cmd(0, "MULTI"), "+OK\r\n");
	ck_assert_str_eq(cmd(0, "EXEC"), "*-1\r\n");
	ck_assert_uint_eq(node->nwatched, 0); /* EXEC unwatched */
}
END_TEST

START_TEST(keyspace_callback_sees_every_change)
{
	cmd(0, "SET a 1");
	cmd(0, "INCR a");
	cmd(0, "SETNX a 5"); /* no change */
	cmd(0, "DEL a nosuch");
	ck_assert_int_eq(keyspace_calls, 3);
	cmd(0, "MSET x 1 y 2");
	cmd(0, "FLUSHALL");
	ck_assert_int_eq(keyspace_calls, 6);
}
END_TEST

START_TEST(exec_propagates_each_write_and_counts_commands)
{
	long long before = node->propagated;
	long long cmds = node->stats.commands;

	cmd(0, "MULTI");
	cmd(0, "SET a 1");
	cmd(0, "GET a");
	cmd(0, "INCR a");
	ck_assert_str_eq(cmd(0, "EXEC"), "*3\r\n+OK\r\n$1\r\n1\r\n:2\r\n");
	ck_assert_int_eq(node->propagated - before, 2);
	/* MULTI, the three queued commands and EXEC. */
	ck_assert_int_eq(node->stats.commands - cmds, 5);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("multi");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, requirepass_gates_commands_until_auth);
	tcase_add_test(tc, noauth_inside_multi_dooms_the_transaction);
	tcase_add_test(tc, watch_of_a_key_already_expired);
	tcase_add_test(tc, active_expiry_of_a_watched_key_fails_exec);
	tcase_add_test(tc, watches_are_shared_and_released);
	tcase_add_test(tc, keyspace_callback_sees_every_change);
	tcase_add_test(tc, exec_propagates_each_write_and_counts_commands);
	suite_add_tcase(s, tc);
	return rkv_test_run(s);
}
