/* Unit tests: the public node/connection API as a host sees it. Every test
 * drives rkv only through include/rkv.h and observes what reaches the
 * callbacks. */
#define _GNU_SOURCE /* memmem */
#include <check.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rkv.h"
#include "check_main.h"
#include "test_host.h"

/* A fake host: records everything the node hands to its callbacks. */
typedef struct host {
	char out[65536];
	size_t outlen;
	int sends;
	size_t accept_max; /* bytes send() accepts per call; 0 = all */
	bool would_block;
	bool fail_send;
	int closes;
	rkv_conn *closed_conn;
	char log[4096];
	int logs;
	rkv_log_level last_level;
	int events;
	rkv_event_type last_event;
	char event_detail[256];
	int64_t clock_us;
} host;

static int64_t h_send(rkv_node *node, rkv_conn *conn, const uint8_t *data,
		      size_t len, void *ud)
{
	host *h = ud;
	size_t n = len;

	(void)node;
	(void)conn;
	if (h->fail_send)
		return RKV_ERR_CALLBACK;
	if (h->would_block)
		return RKV_ERR_WOULDBLOCK;
	if (h->accept_max && n > h->accept_max)
		n = h->accept_max;
	h->sends++;
	return rkv_test_capture(h->out, sizeof(h->out), &h->outlen, data, n);
}

static void h_close(rkv_node *node, rkv_conn *conn, void *ud)
{
	host *h = ud;

	(void)node;
	h->closes++;
	h->closed_conn = conn;
}

static void h_log(rkv_node *node, rkv_log_level level, const char *msg,
		  void *ud)
{
	host *h = ud;

	(void)node;
	h->logs++;
	h->last_level = level;
	snprintf(h->log, sizeof(h->log), "%s", msg);
}

static void h_event(rkv_node *node, const rkv_event *ev, void *ud)
{
	host *h = ud;

	(void)node;
	ck_assert_uint_ge(ev->size, sizeof(rkv_event));
	h->events++;
	h->last_event = ev->type;
	snprintf(h->event_detail, sizeof(h->event_detail), "%s", ev->detail);
}

RKV_TEST_HOST_CLOCK(h_clock, host)

static host H;
static rkv_node *node;
static rkv_conn *conn;

static void setup_with(const rkv_options *opts)
{
	rkv_callbacks *cbs;

	memset(&H, 0, sizeof(H));
	ck_assert_int_eq(rkv_callbacks_new(&cbs), 0);
	rkv_callbacks_set_send(cbs, h_send);
	rkv_callbacks_set_close(cbs, h_close);
	rkv_callbacks_set_log(cbs, h_log);
	rkv_callbacks_set_event(cbs, h_event);
	rkv_callbacks_set_clock(cbs, h_clock);
	ck_assert_int_eq(rkv_node_new(&node, cbs, opts, &H), 0);
	rkv_callbacks_free(cbs); /* the node keeps a copy */
	ck_assert_int_eq(rkv_conn_new(node, &conn, &H), 0);
}

static void setup(void)
{
	setup_with(NULL);
}

static void teardown(void)
{
	rkv_conn_free(conn);
	rkv_node_free(node);
}

static int feed(const char *s)
{
	return rkv_conn_recv(conn, (const uint8_t *)s, strlen(s));
}

static void assert_out(const char *expect)
{
	ck_assert_uint_eq(H.outlen, strlen(expect));
	ck_assert(memcmp(H.out, expect, H.outlen) == 0);
}

START_TEST(version_and_errors)
{
	ck_assert_str_eq(rkv_version(), RKV_VERSION_STRING);
	ck_assert_int_eq(rkv_version_number(), RKV_VERSION_NUMBER);
	ck_assert_str_eq(rkv_strerror(RKV_ERR_NOMEM), "out of memory");
	ck_assert_str_eq(rkv_strerror(RKV_ERR_CLOSED), "connection closed");
	ck_assert_str_eq(rkv_strerror(-12345), "unknown error");
	for (int code = RKV_ERR_LIMIT; code <= RKV_ERR_NOMEM; code++)
		ck_assert_str_ne(rkv_strerror(code), "unknown error");
}
END_TEST

START_TEST(invalid_arguments)
{
	rkv_node *n;
	rkv_options *o;
	rkv_allocator bad = {0};

	ck_assert_int_eq(rkv_node_new(&n, NULL, NULL, NULL), RKV_ERR_INVALID);
	ck_assert_int_eq(rkv_node_new(NULL, NULL, NULL, NULL), RKV_ERR_INVALID);
	ck_assert_int_eq(rkv_callbacks_new(NULL), RKV_ERR_INVALID);
	ck_assert_int_eq(rkv_conn_recv(NULL, NULL, 0), RKV_ERR_INVALID);
	ck_assert_int_eq(rkv_conn_recv(conn, NULL, 1), RKV_ERR_INVALID);
	ck_assert_int_eq(rkv_options_new(&o), 0);
	ck_assert_int_eq(rkv_options_set_allocator(o, &bad), RKV_ERR_INVALID);
	ck_assert_int_eq(rkv_options_set_proto_max_bulk_len(o, 1000),
			 RKV_ERR_INVALID);
	ck_assert_int_eq(rkv_options_set_proto_max_bulk_len(o, 1 << 20), 0);
	rkv_options_free(o);
}
END_TEST

START_TEST(pipelined_batch_is_one_send)
{
	ck_assert_int_eq(
	    feed("PING\r\n*2\r\n$4\r\nECHO\r\n$2\r\nhi\r\nping x\r\n"), 0);
	ck_assert_int_eq(H.sends, 1);
	assert_out("+PONG\r\n$2\r\nhi\r\n$1\r\nx\r\n");
	ck_assert_uint_eq(rkv_conn_pending_output(conn), 0);
}
END_TEST

START_TEST(fragmented_request_answers_once_complete)
{
	const char *req = "*2\r\n$4\r\nECHO\r\n$5\r\nhello\r\n";

	for (size_t i = 0; req[i]; i++) {
		ck_assert_int_eq(
		    rkv_conn_recv(conn, (const uint8_t *)req + i, 1), 0);
		ck_assert_int_eq(H.sends, req[i + 1] ? 0 : 1);
	}
	assert_out("$5\r\nhello\r\n");
}
END_TEST

START_TEST(would_block_keeps_output_until_writable)
{
	H.would_block = true;
	ck_assert_int_eq(feed("PING\r\nPING\r\n"), 0);
	ck_assert_uint_eq(rkv_conn_pending_output(conn), 14);
	ck_assert_uint_eq(H.outlen, 0);
	H.would_block = false;
	H.accept_max = 5; /* short writes */
	ck_assert_int_eq(rkv_conn_writable(conn), 0);
	assert_out("+PONG\r\n+PONG\r\n");
	ck_assert_uint_eq(rkv_conn_pending_output(conn), 0);
}
END_TEST

START_TEST(quit_replies_then_closes)
{
	ck_assert_int_eq(feed("QUIT\r\nPING\r\n"), RKV_ERR_CLOSED);
	assert_out("+OK\r\n"); /* nothing after QUIT is executed */
	ck_assert_int_eq(H.closes, 1);
	ck_assert_ptr_eq(H.closed_conn, conn);
	ck_assert_int_eq(feed("PING\r\n"), RKV_ERR_CLOSED);
	ck_assert_int_eq(rkv_conn_writable(conn), RKV_ERR_CLOSED);
	ck_assert_int_eq(H.closes, 1);
}
END_TEST

START_TEST(close_waits_for_output_to_drain)
{
	H.would_block = true;
	ck_assert_int_eq(feed("QUIT\r\n"), RKV_ERR_CLOSED);
	ck_assert_int_eq(H.closes, 0);
	H.would_block = false;
	ck_assert_int_eq(rkv_conn_writable(conn), RKV_ERR_CLOSED);
	assert_out("+OK\r\n");
	ck_assert_int_eq(H.closes, 1);
}
END_TEST

START_TEST(send_failure_closes)
{
	H.fail_send = true;
	ck_assert_int_eq(feed("PING\r\n"), RKV_ERR_CLOSED);
	ck_assert_int_eq(H.closes, 1);
}
END_TEST

START_TEST(protocol_error_reply_log_event_close)
{
	ck_assert_int_eq(rkv_conn_set_addr(conn, "127.0.0.1:6000"), 0);
	ck_assert_int_eq(feed("PING\r\n*1\r\n$-5\r\nPING\r\n"), RKV_ERR_CLOSED);
	assert_out("+PONG\r\n-ERR Protocol error: invalid bulk length\r\n");
	ck_assert_int_eq(H.closes, 1);
	ck_assert_int_eq(H.events, 1);
	ck_assert_int_eq(H.last_event, RKV_EVENT_PROTOCOL_ERROR);
	ck_assert_str_eq(H.event_detail, "Protocol error: invalid bulk length");
	ck_assert_int_eq(H.last_level, RKV_LOG_VERBOSE);
	ck_assert_msg(strstr(H.log,
			     "Protocol error (invalid bulk length) from "
			     "client: id=1 addr=127.0.0.1:6000") == H.log,
		      "log: %s", H.log);
	ck_assert_ptr_nonnull(strstr(
	    H.log, "Query buffer during protocol error: '*1..$-5..PING..'"));
}
END_TEST

START_TEST(unknown_command_and_arity)
{
	ck_assert_int_eq(feed("NOPE a b\r\nECHO\r\nPING a b\r\nTIME x\r\n"), 0);
	assert_out("-ERR unknown command 'NOPE', with args beginning with: 'a' "
		   "'b' \r\n"
		   "-ERR wrong number of arguments for 'echo' command\r\n"
		   "-ERR wrong number of arguments for 'ping' command\r\n"
		   "-ERR wrong number of arguments for 'time' command\r\n");
}
END_TEST

START_TEST(unknown_command_args_truncated_like_redis)
{
	char req[600], expect[400];
	char big[201];

	memset(big, 'a', 200);
	big[200] = '\0';
	snprintf(req, sizeof(req), "x %s %s\r\n", big, big);
	ck_assert_int_eq(feed(req), 0);
	/* Redis 7.0 quotes arguments until 128 bytes of them are written:
	 * the first is cut to 128 - 0 bytes, and the loop stops. */
	snprintf(
	    expect, sizeof(expect),
	    "-ERR unknown command 'x', with args beginning with: '%.128s' \r\n",
	    big);
	assert_out(expect);
}
END_TEST

START_TEST(hello_switches_protocol)
{
	ck_assert_int_eq(feed("HELLO 4\r\nHELLO x\r\nHELLO 3 FOO\r\n"), 0);
	assert_out("-NOPROTO unsupported protocol version\r\n"
		   "-ERR Protocol version is not an integer or out of range\r\n"
		   "-ERR Syntax error in HELLO option 'FOO'\r\n");
	H.outlen = 0;
	ck_assert_int_eq(feed("HELLO 3 SETNAME app\r\n"), 0);
	ck_assert(memcmp(H.out, "%7\r\n$6\r\nserver\r\n$5\r\nredis\r\n", 26) ==
		  0);
	ck_assert_ptr_nonnull(
	    memmem(H.out, H.outlen, "$5\r\nproto\r\n:3\r\n", 15));
	ck_assert_ptr_nonnull(
	    memmem(H.out, H.outlen, "$2\r\nid\r\n:1\r\n", 12));
	H.outlen = 0;
	ck_assert_int_eq(feed("HELLO 2\r\n"), 0);
	ck_assert(memcmp(H.out, "*14\r\n", 5) == 0);
}
END_TEST

START_TEST(debug_is_gated_like_redis)
{
	rkv_options *o;

	/* Default: refused, with Redis 7's text. */
	ck_assert_int_eq(feed("DEBUG DIGEST\r\n"), 0);
	ck_assert_ptr_nonnull(strstr(H.out,
				     "-ERR DEBUG command not allowed. If "
				     "the enable-debug-command option "
				     "is set to \"local\""));
	/* "local": loopback peers only. */
	teardown();
	ck_assert_int_eq(rkv_options_new(&o), 0);
	ck_assert_int_eq(rkv_options_set_enable_debug_command(o, 7),
			 RKV_ERR_INVALID);
	ck_assert_int_eq(
	    rkv_options_set_enable_debug_command(o, RKV_PROTECTED_LOCAL), 0);
	setup_with(o);
	rkv_options_free(o);
	rkv_conn_set_addr(conn, "10.1.2.3:5000");
	ck_assert_int_eq(feed("DEBUG DIGEST\r\n"), 0);
	ck_assert(memcmp(H.out, "-ERR DEBUG command not allowed", 30) == 0);
	H.outlen = 0;
	rkv_conn_set_addr(conn, "127.0.0.1:5000");
	ck_assert_int_eq(feed("DEBUG DIGEST\r\n"), 0);
	assert_out("+0000000000000000000000000000000000000000\r\n");
}
END_TEST

START_TEST(time_uses_host_clock)
{
	H.clock_us = 1700000000123456LL;
	ck_assert_int_eq(feed("TIME\r\n"), 0);
	assert_out("*2\r\n$10\r\n1700000000\r\n$6\r\n123456\r\n");
}
END_TEST

START_TEST(client_ids_are_unique)
{
	rkv_conn *c2;

	ck_assert_int_eq(rkv_conn_new(node, &c2, NULL), 0);
	ck_assert_uint_eq(rkv_conn_id(conn), 1);
	ck_assert_uint_eq(rkv_conn_id(c2), 2);
	ck_assert_ptr_eq(rkv_conn_node(c2), node);
	ck_assert_ptr_eq(rkv_conn_user_data(conn), &H);
	ck_assert_ptr_eq(rkv_node_user_data(node), &H);
	rkv_conn_free(c2);
}
END_TEST

START_TEST(allocator_hooks_see_every_allocation)
{
	rkv_test_counting cnt = {0, 0, -1, false};

	rkv_test_restart_counting(&cnt, teardown, setup_with);
	/* An incomplete request buffered across calls, an argv that outgrows
	 * the parser's inline array, and quoted inline arguments. */
	ck_assert_int_eq(feed("*3\r\n$4\r\nECHO\r\n$1\r\nx"), 0);
	ck_assert_int_eq(feed("\r\n$1\r\n"), 0);
	ck_assert_int_eq(feed("y\r\n"), 0);
	ck_assert_int_eq(
	    feed("x a b c d e f g h i j k l m n o p q r s t u\r\n"), 0);
	ck_assert_int_eq(feed("PING \"quoted\"\r\n"), 0);
	ck_assert_ptr_nonnull(memmem(H.out, H.outlen, "$6\r\nquoted\r\n", 12));
	ck_assert_int_gt(cnt.total, 2);
	teardown();
	ck_assert_int_eq(cnt.live, 0);
	setup(); /* for the fixture's teardown */
}
END_TEST

START_TEST(allocation_failure_closes_connection_cleanly)
{
	rkv_test_counting cnt = {0, 0, -1, false};

	rkv_test_restart_counting(&cnt, teardown, setup_with);
	cnt.fail_after = cnt.total; /* every further allocation fails */
	ck_assert_int_eq(feed("*2\r\n$4\r\nECHO\r\n$3\r\nab"), RKV_ERR_NOMEM);
	ck_assert_int_eq(H.closes, 1);
	ck_assert_int_eq(feed("PING\r\n"), RKV_ERR_CLOSED);
	teardown();
	ck_assert_int_eq(cnt.live, 0);
	setup();
}
END_TEST

START_TEST(nodes_are_independent)
{
	rkv_callbacks *cbs;
	rkv_node *n2;
	rkv_conn *c2;
	host h2;

	memset(&h2, 0, sizeof(h2));
	ck_assert_int_eq(rkv_callbacks_new(&cbs), 0);
	rkv_callbacks_set_send(cbs, h_send);
	ck_assert_int_eq(rkv_node_new(&n2, cbs, NULL, &h2), 0);
	rkv_callbacks_free(cbs);
	ck_assert_int_eq(rkv_conn_new(n2, &c2, NULL), 0);
	ck_assert_uint_eq(rkv_conn_id(c2), 1); /* ids are per node */
	ck_assert_int_eq(rkv_conn_recv(c2, (const uint8_t *)"ECHO b\r\n", 8),
			 0);
	ck_assert_int_eq(feed("ECHO a\r\n"), 0);
	assert_out("$1\r\na\r\n");
	ck_assert_uint_eq(h2.outlen, 7);
	ck_assert(memcmp(h2.out, "$1\r\nb\r\n", 7) == 0);
	ck_assert_int_eq(rkv_node_tick(n2, 1000), 0);
	rkv_conn_free(c2);
	rkv_node_free(n2);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("node");
	TCase *tc = tcase_create("api");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, version_and_errors);
	tcase_add_test(tc, invalid_arguments);
	tcase_add_test(tc, pipelined_batch_is_one_send);
	tcase_add_test(tc, fragmented_request_answers_once_complete);
	tcase_add_test(tc, would_block_keeps_output_until_writable);
	tcase_add_test(tc, quit_replies_then_closes);
	tcase_add_test(tc, close_waits_for_output_to_drain);
	tcase_add_test(tc, send_failure_closes);
	tcase_add_test(tc, protocol_error_reply_log_event_close);
	tcase_add_test(tc, unknown_command_and_arity);
	tcase_add_test(tc, unknown_command_args_truncated_like_redis);
	tcase_add_test(tc, hello_switches_protocol);
	tcase_add_test(tc, time_uses_host_clock);
	tcase_add_test(tc, debug_is_gated_like_redis);
	tcase_add_test(tc, client_ids_are_unique);
	tcase_add_test(tc, allocator_hooks_see_every_allocation);
	tcase_add_test(tc, allocation_failure_closes_connection_cleanly);
	tcase_add_test(tc, nodes_are_independent);
	suite_add_tcase(s, tc);
	return rkv_test_run(s);
}
