/* Unit tests: DEBUG SLEEP (busy-waiting on the host's clock callback),
 * SET-ACTIVE-EXPIRE, OBJECT, POPULATE and HELP, and what the differential
 * script cannot reach for LCS (the memory guard, which needs CONFIG SET in
 * Redis, and RESP3 bytes). An in-process node with a capturing send
 * callback and a fake clock. */
#define _GNU_SOURCE /* memmem */
#include <check.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "node.h"
#include "rkv.h"
#include "test_host.h"

typedef struct host {
	char out[1 << 16];
	size_t outlen;
	int64_t clock_us;
	int64_t step_us; /* added to the clock at every read */
	long clock_reads;
	long back_at; /* at this read the clock jumps back 10 s (0: never) */
} host;

static host H;
static rkv_node *node;
static rkv_conn *conn;

RKV_TEST_HOST_SEND(h_send, host)

static int64_t h_clock(rkv_node *n, void *ud)
{
	host *h = ud;

	(void)n;
	h->clock_reads++;
	if (h->back_at && h->clock_reads == h->back_at)
		h->clock_us -= 10000000;
	h->clock_us += h->step_us;
	return h->clock_us;
}

static void start(bool with_clock, long long proto_max_bulk_len)
{
	rkv_callbacks *cbs;
	rkv_options *opts;

	memset(&H, 0, sizeof(H));
	H.clock_us = 1700000000LL * 1000000;
	ck_assert_int_eq(rkv_callbacks_new(&cbs), 0);
	rkv_callbacks_set_send(cbs, h_send);
	if (with_clock)
		rkv_callbacks_set_clock(cbs, h_clock);
	ck_assert_int_eq(rkv_options_new(&opts), 0);
	ck_assert_int_eq(
	    rkv_options_set_enable_debug_command(opts, RKV_PROTECTED_YES), 0);
	if (proto_max_bulk_len)
		ck_assert_int_eq(rkv_options_set_proto_max_bulk_len(
				     opts, proto_max_bulk_len),
				 0);
	ck_assert_int_eq(rkv_node_new(&node, cbs, opts, &H), 0);
	rkv_callbacks_free(cbs);
	rkv_options_free(opts);
	ck_assert_int_eq(rkv_conn_new(node, &conn, &H), 0);
}

static void setup(void)
{
	start(true, 0);
}

static void teardown(void)
{
	rkv_conn_free(conn);
	rkv_node_free(node);
}

/* Send one inline command; the reply is H.out[0..H.outlen), NUL-ended. */
static const char *cmd(const char *line)
{
	char buf[4096];
	int n = snprintf(buf, sizeof(buf), "%s\r\n", line);

	H.outlen = 0;
	ck_assert_int_eq(rkv_conn_recv(conn, (const uint8_t *)buf, (size_t)n),
			 0);
	ck_assert_uint_lt(H.outlen, sizeof(H.out));
	H.out[H.outlen] = '\0';
	return H.out;
}

static void expect(const char *line, const char *reply)
{
	ck_assert_str_eq(cmd(line), reply);
}

START_TEST(sleep_waits_for_the_clock)
{
	int64_t before;

	H.step_us = 1000; /* every read of the clock: 1 ms later */
	before = H.clock_us;
	expect("DEBUG SLEEP 0.25", "+OK\r\n");
	/* At least 250 ms of clock time went by, in about 250 reads. */
	ck_assert_int_ge(H.clock_us - before, 250000);
	ck_assert_int_lt(H.clock_us - before, 260000);
	ck_assert_int_ge(H.clock_reads, 250);
}
END_TEST

START_TEST(sleep_ignores_a_clock_going_back)
{
	int64_t before;

	H.step_us = 1000;
	H.back_at = H.clock_reads + 20; /* mid-sleep: 10 s back */
	before = H.clock_us;
	expect("DEBUG SLEEP 0.1", "+OK\r\n");
	/* Only forward steps count: 100 of them, not 10 s more. */
	ck_assert_int_ge(H.clock_us - (before - 10000000), 100000);
	ck_assert_int_lt(H.clock_us - (before - 10000000), 110000);
}
END_TEST

START_TEST(sleep_zero_junk_and_negative_return_at_once)
{
	long reads, baseline;

	H.step_us = 1000;
	/* What a command reads of the clock anyway (time snapshots). */
	reads = H.clock_reads;
	expect("PING", "+PONG\r\n");
	baseline = H.clock_reads - reads;
	reads = H.clock_reads;
	expect("DEBUG SLEEP 0", "+OK\r\n");
	expect("DEBUG SLEEP abc", "+OK\r\n");
	expect("DEBUG SLEEP -5", "+OK\r\n");
	expect("DEBUG SLEEP nan", "+OK\r\n");
	ck_assert_int_eq(H.clock_reads - reads, 4 * baseline);
	expect("DEBUG SLEEP",
	       "-ERR unknown subcommand or wrong number of arguments for "
	       "'SLEEP'. Try DEBUG HELP.\r\n");
}
END_TEST

START_TEST(sleep_without_a_clock_returns_at_once)
{
	teardown();
	start(false, 0);
	expect("DEBUG SLEEP 1000000", "+OK\r\n");
	ck_assert_int_eq(H.clock_reads, 0);
}
END_TEST

START_TEST(set_active_expire_switches_background_expiry)
{
	int64_t t = H.clock_us / 1000;

	expect("DEBUG SET-ACTIVE-EXPIRE 0", "+OK\r\n");
	ck_assert(node->active_expire_off);
	expect("SET k v PX 100", "+OK\r\n");
	H.clock_us += 1000000;
	for (int i = 0; i < 20; i++)
		rkv_node_tick(node, t + 1000 + i);
	/* Not deleted in the background: DBSIZE still counts it. */
	expect("DBSIZE", ":1\r\n");
	ck_assert_uint_eq(rkv_keyspace_size(&node->ks, 0), 1);
	expect("DEBUG SET-ACTIVE-EXPIRE 1", "+OK\r\n");
	ck_assert(!node->active_expire_off);
	for (int i = 0; i < 20 && rkv_keyspace_size(&node->ks, 0); i++)
		rkv_node_tick(node, t + 2000 + i);
	expect("DBSIZE", ":0\r\n");
	/* Redis reads the argument with atoi(). */
	expect("DEBUG SET-ACTIVE-EXPIRE abc", "+OK\r\n");
	ck_assert(node->active_expire_off);
	expect("DEBUG SET-ACTIVE-EXPIRE 2", "+OK\r\n");
	ck_assert(!node->active_expire_off);
	expect("DEBUG SET-ACTIVE-EXPIRE \" -0x1\"", "+OK\r\n");
	ck_assert(node->active_expire_off);
	expect("DEBUG SET-ACTIVE-EXPIRE \"  -7z\"", "+OK\r\n");
	ck_assert(!node->active_expire_off);
	expect("DEBUG SET-ACTIVE-EXPIRE",
	       "-ERR unknown subcommand or wrong number of arguments for "
	       "'SET-ACTIVE-EXPIRE'. Try DEBUG HELP.\r\n");
}
END_TEST

/* serializedlength as redis-server 7.0.15 reports it (DEBUG OBJECT). */
static const struct {
	const char *value;
	const char *encoding;
	int refcount;
	int serializedlength;
} objects[] = {
    {"0", "int", 2147483647, 2},
    {"5", "int", 2147483647, 2},
    {"127", "int", 2147483647, 2},
    {"128", "int", 2147483647, 3},
    {"-128", "int", 1, 2},
    {"-129", "int", 1, 3},
    {"32767", "int", 1, 3},
    {"32768", "int", 1, 5},
    {"-32768", "int", 1, 3},
    {"-32769", "int", 1, 5},
    {"2147483647", "int", 1, 5},
    {"2147483648", "int", 1, 11},
    {"-2147483648", "int", 1, 5},
    {"-2147483649", "int", 1, 12},
    {"9223372036854775807", "int", 1, 20},
    {"012", "embstr", 1, 4},
    {"+1", "embstr", 1, 3},
    {"x", "embstr", 1, 2},
    {"\"\"", "embstr", 1, 1},
    {"aaaaaaaaaaaaaaaaaaaa", "embstr", 1, 21},
};

START_TEST(object_line)
{
	char line[256], want[128];
	const char *r;

	for (size_t i = 0; i < sizeof(objects) / sizeof(*objects); i++) {
		snprintf(line, sizeof(line), "SET k %s", objects[i].value);
		expect(line, "+OK\r\n");
		r = cmd("DEBUG OBJECT k");
		ck_assert_msg(strncmp(r, "+Value at:0x", 12) == 0, "%s", r);
		snprintf(want, sizeof(want),
			 " refcount:%d encoding:%s serializedlength:%d lru:",
			 objects[i].refcount, objects[i].encoding,
			 objects[i].serializedlength);
		ck_assert_msg(strstr(r, want), "%s: %s", objects[i].value, r);
	}
	/* A raw string holding a short integer is integer-encoded in RDB. */
	expect("DEL k", ":1\r\n");
	expect("SETRANGE r 0 99", ":2\r\n");
	ck_assert_ptr_nonnull(
	    strstr(cmd("DEBUG OBJECT r"), "encoding:raw serializedlength:2 "));
	expect("DEBUG OBJECT nokey", "-ERR no such key\r\n");
}
END_TEST

START_TEST(object_lru_and_idle_time)
{
	long long now_s = H.clock_us / 1000000;
	char want[128];

	expect("SET k v", "+OK\r\n");
	H.clock_us += 7 * 1000000;
	snprintf(want, sizeof(want), " lru:%lld lru_seconds_idle:7\r\n",
		 now_s & ((1 << 24) - 1));
	ck_assert_ptr_nonnull(strstr(cmd("DEBUG OBJECT k"), want));
	/* DEBUG OBJECT is no access: the idle time keeps growing. */
	H.clock_us += 1000000;
	ck_assert_ptr_nonnull(
	    strstr(cmd("DEBUG OBJECT k"), " lru_seconds_idle:8\r\n"));
	/* A logically expired key is still found (Redis's dictFind). */
	expect("SET e v PX 10", "+OK\r\n");
	H.clock_us += 1000000;
	ck_assert(strncmp(cmd("DEBUG OBJECT e"), "+Value at:", 10) == 0);
}
END_TEST

START_TEST(populate_signals_but_does_not_propagate)
{
	long long propagated = node->propagated, dirty = node->dirty;

	expect("WATCH key:1", "+OK\r\n");
	expect("DEBUG POPULATE 3", "+OK\r\n");
	ck_assert_int_eq(node->propagated, propagated);
	ck_assert_int_eq(node->dirty, dirty);
	expect("GET key:2", "$7\r\nvalue:2\r\n");
	/* key:1 was created: the WATCH fails the transaction. */
	expect("MULTI", "+OK\r\n");
	expect("PING", "+QUEUED\r\n");
	expect("EXEC", "*-1\r\n");
	/* A NUL byte ends the prefix, as Redis's "%s" does. */
	expect("DEBUG POPULATE 1 \"ab\\x00cd\" 9", "+OK\r\n");
	expect("GET ab:0", "$9\r\nvalue:0\x00\x00\r\n");
	expect("DEBUG POPULATE 1 p 4294967296", "-ERR out of memory\r\n");
}
END_TEST

START_TEST(help_lists_supported_subcommands)
{
	const char *r = cmd("DEBUG HELP");
	const char *head = "*20\r\n+DEBUG <subcommand> [<arg> [value] [opt] "
			   "...]. Subcommands are:\r\n+DIGEST\r\n";

	ck_assert(strncmp(r, head, strlen(head)) == 0);
	ck_assert_ptr_nonnull(strstr(r, "+SLEEP <seconds>\r\n"));
	ck_assert_ptr_nonnull(strstr(r, "+HELP\r\n+    Prints this help.\r\n"));
	/* DEBUG RELOAD (lib/persist.c) keeps the dataset. */
	expect("SET k v", "+OK\r\n");
	char before[64];
	snprintf(before, sizeof(before), "%s", cmd("DEBUG DIGEST"));
	expect("DEBUG RELOAD", "+OK\r\n");
	ck_assert_str_eq(cmd("DEBUG DIGEST"), before);
	expect("GET k", "$1\r\nv\r\n");
}
END_TEST

START_TEST(lcs_memory_guard)
{
	char line[2048];

	teardown();
	start(true, 1048576);
	/* (1000 + 1) * (261 + 1) cells of 4 bytes: over 1 MB. */
	snprintf(line, sizeof(line), "SETRANGE a 999 x");
	expect(line, ":1000\r\n");
	expect("SETRANGE b 260 x", ":261\r\n");
	expect("LCS a b LEN", "-ERR Insufficient memory, transient memory for "
			      "LCS exceeds proto-max-bulk-len\r\n");
	expect("LCS b a IDX", "-ERR Insufficient memory, transient memory for "
			      "LCS exceeds proto-max-bulk-len\r\n");
	/* 261 cells fewer fit. */
	expect("SETRANGE c 259 x", ":260\r\n");
	expect("LCS a c LEN", ":260\r\n");
	/* The option errors come first. */
	expect("LCS a b IDX LEN", "-ERR If you want both the length and "
				  "indexes, please just use IDX.\r\n");
}
END_TEST

START_TEST(lcs_resp3)
{
	expect("SET a ohmytext", "+OK\r\n");
	expect("SET b mynewtext", "+OK\r\n");
	ck_assert_int_eq(strncmp(cmd("HELLO 3"), "%7\r\n", 4), 0);
	expect("LCS a b IDX MINMATCHLEN 4 WITHMATCHLEN",
	       "%2\r\n$7\r\nmatches\r\n*1\r\n*3\r\n*2\r\n:4\r\n:7\r\n*2\r\n:"
	       "5\r\n:8\r\n:4\r\n$3\r\nlen\r\n:6\r\n");
	expect("LCS a b", "$6\r\nmytext\r\n");
	expect("LCS x y IDX",
	       "%2\r\n$7\r\nmatches\r\n*0\r\n$3\r\nlen\r\n:0\r\n");
}
END_TEST

static Suite *debug_suite(void)
{
	Suite *s = suite_create("debug");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, sleep_waits_for_the_clock);
	tcase_add_test(tc, sleep_ignores_a_clock_going_back);
	tcase_add_test(tc, sleep_zero_junk_and_negative_return_at_once);
	tcase_add_test(tc, sleep_without_a_clock_returns_at_once);
	tcase_add_test(tc, set_active_expire_switches_background_expiry);
	tcase_add_test(tc, object_line);
	tcase_add_test(tc, object_lru_and_idle_time);
	tcase_add_test(tc, populate_signals_but_does_not_propagate);
	tcase_add_test(tc, help_lists_supported_subcommands);
	tcase_add_test(tc, lcs_memory_guard);
	tcase_add_test(tc, lcs_resp3);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return rkv_test_run(debug_suite());
}
