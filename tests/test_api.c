/* Unit tests: the in-process API (rkv_node_command, reply trees, the typed
 * fast paths, rkv_scan) and the keyspace-change callback. The node's private
 * state (node.h) is read to check counters the API must leave as a client's
 * command would. */
#include <check.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "check_main.h"
#include "node.h"
#include "rkv.h"
#include "test_host.h"

/* A fake host: a clock, a capturing send, a keyspace-change log. */
typedef struct host {
	int64_t clock_us;
	char out[65536];
	size_t outlen;
	char changes[4096]; /* "db:key " per change; "db:* " whole db */
	int nchanges;
	int closes;
} host;

RKV_TEST_HOST_CLOCK(h_clock, host)
RKV_TEST_HOST_SEND(h_send, host)

static void h_close(rkv_node *n, rkv_conn *c, void *ud)
{
	(void)n;
	(void)c;
	((host *)ud)->closes++;
}

static void h_keyspace(rkv_node *n, int db, const char *key, size_t klen,
		       void *ud)
{
	host *h = ud;
	size_t used = strlen(h->changes);

	(void)n;
	if (key)
		snprintf(h->changes + used, sizeof(h->changes) - used,
			 "%d:%.*s ", db, (int)klen, key);
	else
		snprintf(h->changes + used, sizeof(h->changes) - used, "%d:* ",
			 db);
	h->nchanges++;
}

static host H;
static rkv_node *node;

static void setup_with(const rkv_options *opts)
{
	rkv_callbacks *cbs;

	memset(&H, 0, sizeof(H));
	H.clock_us = 1700000000000LL * 1000;
	ck_assert_int_eq(rkv_callbacks_new(&cbs), 0);
	rkv_callbacks_set_send(cbs, h_send);
	rkv_callbacks_set_close(cbs, h_close);
	rkv_callbacks_set_clock(cbs, h_clock);
	rkv_callbacks_set_keyspace(cbs, h_keyspace);
	ck_assert_int_eq(rkv_node_new(&node, cbs, opts, &H), 0);
	rkv_callbacks_free(cbs);
}

static void setup(void)
{
	setup_with(NULL);
}

static void teardown(void)
{
	rkv_node_free(node);
	node = NULL;
}

static int64_t now_ms(void)
{
	return H.clock_us / 1000;
}

/* Run a command given as NUL-terminated words; the reply tree. */
static rkv_reply *cmdv(int db, size_t argc, const char *const *argv)
{
	rkv_reply *r = NULL;

	ck_assert_int_eq(rkv_node_command(node, db, argc, argv, NULL, &r), 0);
	ck_assert_ptr_nonnull(r);
	ck_assert_uint_eq(r->size, sizeof(rkv_reply));
	return r;
}

#define CMD(db, ...)                                                           \
	cmdv(db, sizeof((const char *[]){__VA_ARGS__}) / sizeof(char *),       \
	     (const char *[]){__VA_ARGS__})

/* Run a command and check the reply is a status/string/error with text. */
static void expect(rkv_reply *r, rkv_reply_type type, const char *text)
{
	ck_assert_int_eq(r->type, type);
	ck_assert_uint_eq(r->len, strlen(text));
	ck_assert_str_eq(r->str, text);
	rkv_reply_free(node, r);
}

static void expect_int(rkv_reply *r, long long v)
{
	ck_assert_int_eq(r->type, RKV_REPLY_INTEGER);
	ck_assert_int_eq(r->integer, v);
	rkv_reply_free(node, r);
}

static void expect_nil(rkv_reply *r)
{
	ck_assert_int_eq(r->type, RKV_REPLY_NIL);
	ck_assert_ptr_null(r->str);
	rkv_reply_free(node, r);
}

static void feed(rkv_conn *c, const char *s)
{
	rkv_conn_recv(c, (const uint8_t *)s, strlen(s));
}

static void assert_out(const char *expect_bytes)
{
	ck_assert_uint_eq(H.outlen, strlen(expect_bytes));
	ck_assert(memcmp(H.out, expect_bytes, H.outlen) == 0);
	H.outlen = 0;
}

/* ---------------------------------------------------------------------- */

START_TEST(command_reply_tree)
{
	rkv_reply *r;

	expect(CMD(0, "SET", "k", "v"), RKV_REPLY_STATUS, "OK");
	expect(CMD(0, "GET", "k"), RKV_REPLY_STRING, "v");
	expect_nil(CMD(0, "GET", "missing"));
	expect_int(CMD(0, "INCR", "n"), 1);
	expect_int(CMD(0, "incrby", "n", "41"), 42);
	r = CMD(0, "MGET", "k", "missing", "n");
	ck_assert_int_eq(r->type, RKV_REPLY_ARRAY);
	ck_assert_uint_eq(r->count, 3);
	ck_assert_int_eq(r->elements[0]->type, RKV_REPLY_STRING);
	ck_assert_str_eq(r->elements[0]->str, "v");
	ck_assert_int_eq(r->elements[1]->type, RKV_REPLY_NIL);
	ck_assert_str_eq(r->elements[2]->str, "42");
	rkv_reply_free(node, r);
	r = CMD(0, "KEYS", "nothing*");
	ck_assert_int_eq(r->type, RKV_REPLY_ARRAY);
	ck_assert_uint_eq(r->count, 0);
	ck_assert_ptr_null(r->elements);
	rkv_reply_free(node, r);
	/* The command counts as a processed command. */
	ck_assert_int_eq(node->stats.commands, 7);
}
END_TEST

START_TEST(command_binary_args_and_argvlen)
{
	const char *argv[] = {"SETxx", "a\0b", "v\r\nw"};
	const size_t lens[] = {3, 3, 4};
	const char *get[] = {"GET", "a\0b"};
	const size_t glens[] = {3, 3};
	const char *empty[] = {"SET", NULL, "e"};
	const size_t elens[] = {3, 0, 1};
	rkv_reply *r;

	ck_assert_int_eq(rkv_node_command(node, 0, 3, argv, lens, &r), 0);
	expect(r, RKV_REPLY_STATUS, "OK");
	ck_assert_int_eq(rkv_node_command(node, 0, 2, get, glens, &r), 0);
	ck_assert_int_eq(r->type, RKV_REPLY_STRING);
	ck_assert_uint_eq(r->len, 4);
	ck_assert(memcmp(r->str, "v\r\nw", 5) == 0); /* NUL-terminated */
	rkv_reply_free(node, r);
	/* A NULL argument with length 0 is the empty string. */
	ck_assert_int_eq(rkv_node_command(node, 0, 3, empty, elens, &r), 0);
	expect(r, RKV_REPLY_STATUS, "OK");
	ck_assert_int_eq(rkv_exists(node, 0, "", 0), 1);
}
END_TEST

START_TEST(command_resp_bytes)
{
	const char *set[] = {"SET", "k", "hello"};
	const char *get[] = {"GET", "k"};
	const char *bad[] = {"GET"};
	char *out;
	size_t len;

	ck_assert_int_eq(
	    rkv_node_command_resp(node, 0, 3, set, NULL, &out, &len), 0);
	ck_assert_uint_eq(len, 5);
	ck_assert(memcmp(out, "+OK\r\n", 5) == 0);
	rkv_resp_free(node, out);
	ck_assert_int_eq(
	    rkv_node_command_resp(node, 0, 2, get, NULL, &out, &len), 0);
	ck_assert_uint_eq(len, 11);
	ck_assert(memcmp(out, "$5\r\nhello\r\n", 11) == 0);
	rkv_resp_free(node, out);
	ck_assert_int_eq(
	    rkv_node_command_resp(node, 0, 1, bad, NULL, &out, &len), 0);
	ck_assert_uint_eq(
	    len,
	    strlen("-ERR wrong number of arguments for 'get' command\r\n"));
	ck_assert(memcmp(out, "-ERR wrong number of arguments for 'get'", 40) ==
		  0);
	rkv_resp_free(node, out);
	rkv_resp_free(node, NULL);
	rkv_reply_free(node, NULL);
	/* Bad arguments. */
	ck_assert_int_eq(
	    rkv_node_command_resp(node, 0, 2, get, NULL, NULL, &len),
	    RKV_ERR_INVALID);
	ck_assert_int_eq(
	    rkv_node_command_resp(node, 0, 2, get, NULL, &out, NULL),
	    RKV_ERR_INVALID);
	ck_assert_int_eq(
	    rkv_node_command_resp(NULL, 0, 2, get, NULL, &out, &len),
	    RKV_ERR_INVALID);
	ck_assert_ptr_null(out);
}
END_TEST

START_TEST(command_errors_are_replies)
{
	const char *get[] = {"GET", "k"};
	const char *nul[] = {"GET", NULL};
	rkv_reply *r = (rkv_reply *)&r;

	expect(CMD(0, "NOPE", "a", "b"), RKV_REPLY_ERROR,
	       "ERR unknown command 'NOPE', with args beginning with: 'a' "
	       "'b' ");
	expect(CMD(0, "GET"), RKV_REPLY_ERROR,
	       "ERR wrong number of arguments for 'get' command");
	expect(CMD(0, "SET", "k", "v", "EX", "0"), RKV_REPLY_ERROR,
	       "ERR invalid expire time in 'set' command");
	ck_assert_int_eq(node->stats.error_replies, 3);
	/* Invalid calls: no reply, *out NULL. */
	ck_assert_int_eq(rkv_node_command(NULL, 0, 2, get, NULL, &r),
			 RKV_ERR_INVALID);
	ck_assert_ptr_null(r);
	ck_assert_int_eq(rkv_node_command(node, 0, 0, get, NULL, &r),
			 RKV_ERR_INVALID);
	ck_assert_int_eq(rkv_node_command(node, 0, 2, NULL, NULL, &r),
			 RKV_ERR_INVALID);
	ck_assert_int_eq(rkv_node_command(node, 0, 2, get, NULL, NULL),
			 RKV_ERR_INVALID);
	ck_assert_int_eq(rkv_node_command(node, 0, 2, nul, NULL, &r),
			 RKV_ERR_INVALID);
	ck_assert_int_eq(rkv_node_command(node, 16, 2, get, NULL, &r),
			 RKV_ERR_INVALID);
	ck_assert_int_eq(rkv_node_command(node, -2, 2, get, NULL, &r),
			 RKV_ERR_INVALID);
}
END_TEST

START_TEST(command_db_selection)
{
	rkv_reply *r;

	expect(CMD(3, "SET", "k", "three"), RKV_REPLY_STATUS, "OK");
	/* The selection persists: RKV_DB_SELECTED is db 3 now. */
	expect(CMD(RKV_DB_SELECTED, "GET", "k"), RKV_REPLY_STRING, "three");
	expect_nil(CMD(0, "GET", "k"));
	/* SELECT through the host connection moves it too. */
	expect(CMD(RKV_DB_SELECTED, "SELECT", "5"), RKV_REPLY_STATUS, "OK");
	expect(CMD(RKV_DB_SELECTED, "SET", "k", "five"), RKV_REPLY_STATUS,
	       "OK");
	ck_assert_int_eq(rkv_exists(node, 5, "k", 1), 1);
	expect(CMD(RKV_DB_SELECTED, "SELECT", "16"), RKV_REPLY_ERROR,
	       "ERR DB index is out of range");
	r = CMD(RKV_DB_SELECTED, "DBSIZE");
	expect_int(r, 1);
}
END_TEST

START_TEST(command_multi_exec)
{
	const char *get[] = {"GET", "a"};
	rkv_reply *r;

	expect(CMD(0, "MULTI"), RKV_REPLY_STATUS, "OK");
	expect(CMD(0, "SET", "a", "1"), RKV_REPLY_STATUS, "QUEUED");
	expect(CMD(RKV_DB_SELECTED, "INCR", "a"), RKV_REPLY_STATUS, "QUEUED");
	/* Another db while the transaction is open is refused. */
	ck_assert_int_eq(rkv_node_command(node, 1, 2, get, NULL, &r),
			 RKV_ERR_INVALID);
	expect(CMD(0, "MULTI"), RKV_REPLY_ERROR,
	       "ERR MULTI calls can not be nested");
	ck_assert_int_eq(rkv_exists(node, 0, "a", 1), 0); /* not run yet */
	r = CMD(0, "EXEC");
	ck_assert_int_eq(r->type, RKV_REPLY_ARRAY);
	ck_assert_uint_eq(r->count, 2);
	ck_assert_int_eq(r->elements[0]->type, RKV_REPLY_STATUS);
	ck_assert_str_eq(r->elements[0]->str, "OK");
	ck_assert_int_eq(r->elements[1]->type, RKV_REPLY_INTEGER);
	ck_assert_int_eq(r->elements[1]->integer, 2);
	rkv_reply_free(node, r);

	/* A refused command dooms the transaction. */
	expect(CMD(0, "MULTI"), RKV_REPLY_STATUS, "OK");
	expect(CMD(0, "NOPE"), RKV_REPLY_ERROR,
	       "ERR unknown command 'NOPE', with args beginning with: ");
	expect(CMD(0, "SET", "b", "1"), RKV_REPLY_STATUS, "QUEUED");
	expect(CMD(0, "EXEC"), RKV_REPLY_ERROR,
	       "EXECABORT Transaction discarded because of previous errors.");
	ck_assert_int_eq(rkv_exists(node, 0, "b", 1), 0);
	expect(CMD(0, "EXEC"), RKV_REPLY_ERROR, "ERR EXEC without MULTI");
	expect(CMD(0, "MULTI"), RKV_REPLY_STATUS, "OK");
	expect(CMD(0, "DISCARD"), RKV_REPLY_STATUS, "OK");
}
END_TEST

START_TEST(command_watch_from_host_and_clients)
{
	rkv_conn *c;
	rkv_reply *r;

	ck_assert_int_eq(rkv_conn_new(node, &c, NULL), 0);
	/* A client's WATCH is broken by a typed write... */
	feed(c, "WATCH k\r\nMULTI\r\nGET k\r\n");
	assert_out("+OK\r\n+OK\r\n+QUEUED\r\n");
	ck_assert_int_eq(rkv_set(node, 0, "k", 1, "x", 1, 0), 0);
	feed(c, "EXEC\r\n");
	assert_out("*-1\r\n");
	/* ... and by a command through the host connection. */
	feed(c, "WATCH k\r\nMULTI\r\nGET k\r\n");
	assert_out("+OK\r\n+OK\r\n+QUEUED\r\n");
	expect_int(CMD(0, "DEL", "k"), 1);
	feed(c, "EXEC\r\n");
	assert_out("*-1\r\n");
	/* The host connection's own WATCH sees the client's write. */
	expect(CMD(0, "WATCH", "w"), RKV_REPLY_STATUS, "OK");
	expect(CMD(0, "MULTI"), RKV_REPLY_STATUS, "OK");
	expect(CMD(0, "INCR", "w"), RKV_REPLY_STATUS, "QUEUED");
	feed(c, "SET w 10\r\n");
	assert_out("+OK\r\n");
	r = CMD(0, "EXEC");
	expect_nil(r);
	rkv_conn_free(c);
}
END_TEST

START_TEST(host_conn_is_not_a_client)
{
	rkv_conn *c, *c2;
	size_t nconns;
	long long accepted;

	ck_assert_int_eq(rkv_conn_new(node, &c, NULL), 0);
	nconns = node->nconns;
	accepted = node->stats.connections;
	expect(CMD(0, "PING"), RKV_REPLY_STATUS, "PONG");
	ck_assert_ptr_nonnull(node->host_conn);
	ck_assert(node->host_conn->flags & RKV_CONN_HOST);
	ck_assert_uint_eq(node->nconns, nconns);
	ck_assert_int_eq(node->stats.connections, accepted);
	for (rkv_conn *i = node->conns; i; i = i->next)
		ck_assert_ptr_ne(i, node->host_conn);
	/* maxclients counts real clients only. */
	node->set.maxclients = 2;
	ck_assert_int_eq(rkv_conn_new(node, &c2, NULL), 0);
	ck_assert_int_eq(H.closes, 0);
	expect(CMD(0, "PING"), RKV_REPLY_STATUS, "PONG");
	rkv_conn_free(c2);
	rkv_conn_free(c);
	ck_assert_uint_eq(node->nconns, 0);
	/* Nothing the host connection produced went to send. */
	ck_assert_uint_eq(H.outlen, 0);
}
END_TEST

START_TEST(host_conn_is_always_authenticated)
{
	rkv_conn *c;

	node->set.requirepass = rkv_malloc(rkv_node_alloc(node), 6);
	memcpy(node->set.requirepass, "secret", 6);
	node->set.requirepass_len = 6;
	ck_assert_int_eq(rkv_conn_new(node, &c, NULL), 0);
	feed(c, "GET k\r\n");
	assert_out("-NOAUTH Authentication required.\r\n");
	expect(CMD(0, "SET", "k", "v"), RKV_REPLY_STATUS, "OK");
	/* RESET drops a client's authentication, not the host's. */
	expect(CMD(0, "RESET"), RKV_REPLY_STATUS, "RESET");
	expect(CMD(0, "GET", "k"), RKV_REPLY_STRING, "v");
	/* QUIT does not close it either. */
	expect(CMD(0, "QUIT"), RKV_REPLY_STATUS, "OK");
	expect(CMD(0, "GET", "k"), RKV_REPLY_STRING, "v");
	ck_assert_int_eq(H.closes, 0);
	rkv_conn_free(c);
}
END_TEST

START_TEST(push_commands_are_refused)
{
	expect(CMD(0, "SUBSCRIBE", "ch"), RKV_REPLY_ERROR,
	       "ERR 'subscribe' command is not allowed from the in-process "
	       "API");
	expect(CMD(0, "psubscribe", "p*"), RKV_REPLY_ERROR,
	       "ERR 'psubscribe' command is not allowed from the in-process "
	       "API");
	/* In a transaction the refusal dooms it, as a rejected command. */
	expect(CMD(0, "MULTI"), RKV_REPLY_STATUS, "OK");
	expect(CMD(0, "SUBSCRIBE", "ch"), RKV_REPLY_ERROR,
	       "ERR 'subscribe' command is not allowed from the in-process "
	       "API");
	expect(CMD(0, "EXEC"), RKV_REPLY_ERROR,
	       "EXECABORT Transaction discarded because of previous errors.");
	/* MONITOR refuses the host connection itself. */
	{
		rkv_reply *r = CMD(0, "MONITOR");

		ck_assert_int_eq(r->type, RKV_REPLY_ERROR);
		rkv_reply_free(node, r);
	}
	ck_assert_uint_eq(node->nmonitors, 0);
	ck_assert(!(node->host_conn->flags & RKV_CONN_MONITOR));
}
END_TEST

START_TEST(command_maxmemory)
{
	char v[16];
	size_t len;

	expect(CMD(0, "SET", "k", "v"), RKV_REPLY_STATUS, "OK");
	node->set.maxmemory = 1;
	expect(CMD(0, "SET", "k2", "v"), RKV_REPLY_ERROR,
	       "OOM command not allowed when used memory > 'maxmemory'.");
	ck_assert_int_eq(rkv_set(node, 0, "k2", 2, "v", 1, 0), RKV_ERR_LIMIT);
	ck_assert_int_eq(rkv_exists(node, 0, "k2", 2), 0);
	/* Reads and deletions go on. */
	expect(CMD(0, "GET", "k"), RKV_REPLY_STRING, "v");
	ck_assert_int_eq(rkv_get(node, 0, "k", 1, v, sizeof(v), &len), 1);
	ck_assert_int_eq(rkv_del(node, 0, "k", 1), 1);
	node->set.maxmemory = 0;
	ck_assert_int_eq(rkv_set(node, 0, "k2", 2, "v", 1, 0), 0);
}
END_TEST

START_TEST(command_many_arguments)
{
	const char *argv[41];
	char names[20][8];
	rkv_reply *r;

	argv[0] = "MSET";
	for (int i = 0; i < 20; i++) {
		snprintf(names[i], sizeof(names[i]), "key%d", i);
		argv[1 + 2 * i] = names[i];
		argv[2 + 2 * i] = names[i];
	}
	ck_assert_int_eq(rkv_node_command(node, 0, 41, argv, NULL, &r), 0);
	expect(r, RKV_REPLY_STATUS, "OK");
	ck_assert_uint_eq(rkv_keyspace_size(&node->ks, 0), 20);
	argv[0] = "MGET";
	for (int i = 0; i < 20; i++)
		argv[1 + i] = names[i];
	ck_assert_int_eq(rkv_node_command(node, 0, 21, argv, NULL, &r), 0);
	ck_assert_uint_eq(r->count, 20);
	ck_assert_str_eq(r->elements[19]->str, "key19");
	rkv_reply_free(node, r);
}
END_TEST

START_TEST(command_resp3)
{
	rkv_reply *r = CMD(0, "HELLO", "3");

	ck_assert_int_eq(r->type, RKV_REPLY_MAP);
	ck_assert_uint_eq(r->count, 14);
	ck_assert_str_eq(r->elements[0]->str, "server");
	ck_assert_str_eq(r->elements[1]->str, "redis");
	ck_assert_str_eq(r->elements[4]->str, "proto");
	ck_assert_int_eq(r->elements[5]->integer, 3);
	ck_assert_int_eq(r->elements[13]->type, RKV_REPLY_ARRAY);
	rkv_reply_free(node, r);
	/* RESP3 null; the protocol stays until changed. */
	expect_nil(CMD(0, "GET", "missing"));
	ck_assert_int_eq(node->host_conn->proto, 3);
}
END_TEST

static rkv_reply *parse(const char *resp)
{
	rkv_reply *r = NULL;

	ck_assert_int_eq(rkv_reply_parse(node, resp, strlen(resp), &r), 0);
	return r;
}

START_TEST(reply_tree_every_type)
{
	rkv_reply *r = parse("*14\r\n$3\r\nabc\r\n+OK\r\n-ERR bad\r\n:-7\r\n"
			     ",3.5\r\n_\r\n#t\r\n%1\r\n$1\r\nk\r\n:1\r\n"
			     "~2\r\n:1\r\n:2\r\n>1\r\n+msg\r\n=8\r\ntxt:some"
			     "\r\n(12345678901234567890\r\n!3\r\nERR\r\n"
			     "*-1\r\n");

	ck_assert_int_eq(r->type, RKV_REPLY_ARRAY);
	ck_assert_uint_eq(r->count, 14);
	ck_assert_int_eq(r->elements[0]->type, RKV_REPLY_STRING);
	ck_assert_str_eq(r->elements[0]->str, "abc");
	ck_assert_int_eq(r->elements[1]->type, RKV_REPLY_STATUS);
	ck_assert_int_eq(r->elements[2]->type, RKV_REPLY_ERROR);
	ck_assert_str_eq(r->elements[2]->str, "ERR bad");
	ck_assert_int_eq(r->elements[3]->integer, -7);
	ck_assert_int_eq(r->elements[4]->type, RKV_REPLY_DOUBLE);
	ck_assert(r->elements[4]->dval == 3.5);
	ck_assert_str_eq(r->elements[4]->str, "3.5");
	ck_assert_int_eq(r->elements[5]->type, RKV_REPLY_NIL);
	ck_assert_int_eq(r->elements[6]->type, RKV_REPLY_BOOL);
	ck_assert_int_eq(r->elements[6]->integer, 1);
	ck_assert_int_eq(r->elements[7]->type, RKV_REPLY_MAP);
	ck_assert_uint_eq(r->elements[7]->count, 2);
	ck_assert_str_eq(r->elements[7]->elements[0]->str, "k");
	ck_assert_int_eq(r->elements[7]->elements[1]->integer, 1);
	ck_assert_int_eq(r->elements[8]->type, RKV_REPLY_SET);
	ck_assert_int_eq(r->elements[8]->elements[1]->integer, 2);
	ck_assert_int_eq(r->elements[9]->type, RKV_REPLY_PUSH);
	ck_assert_str_eq(r->elements[9]->elements[0]->str, "msg");
	ck_assert_int_eq(r->elements[10]->type, RKV_REPLY_VERBATIM);
	ck_assert_str_eq(r->elements[10]->str, "some");
	ck_assert_str_eq(r->elements[10]->vtype, "txt");
	ck_assert_int_eq(r->elements[11]->type, RKV_REPLY_BIGNUM);
	ck_assert_str_eq(r->elements[11]->str, "12345678901234567890");
	ck_assert_int_eq(r->elements[12]->type, RKV_REPLY_ERROR);
	ck_assert_str_eq(r->elements[12]->str, "ERR");
	ck_assert_int_eq(r->elements[13]->type, RKV_REPLY_NIL);
	rkv_reply_free(node, r);
}
END_TEST

START_TEST(reply_tree_nesting_and_attributes)
{
	rkv_reply *r;
	char deep[4096];
	size_t n = 0;

	/* Attributes are dropped wherever they appear. */
	r = parse("|1\r\n+key\r\n*1\r\n:1\r\n*2\r\n|1\r\n+a\r\n+b\r\n:5\r\n"
		  ":6\r\n");
	ck_assert_int_eq(r->type, RKV_REPLY_ARRAY);
	ck_assert_uint_eq(r->count, 2);
	ck_assert_int_eq(r->elements[0]->integer, 5);
	ck_assert_int_eq(r->elements[1]->integer, 6);
	rkv_reply_free(node, r);
	/* Only the first reply is taken; nothing at all is a nil. */
	r = parse(":1\r\n:2\r\n");
	expect_int(r, 1);
	ck_assert_int_eq(rkv_reply_parse(node, "", 0, &r), 0);
	expect_nil(r);
	ck_assert_int_eq(rkv_reply_parse(node, "*2\r\n:1\r\n", 8, &r),
			 RKV_ERR_STATE);
	ck_assert_ptr_null(r);
	/* Deep nesting: 100 levels of one-element arrays. */
	for (int i = 0; i < 100; i++)
		n += (size_t)snprintf(deep + n, sizeof(deep) - n, "*1\r\n");
	snprintf(deep + n, sizeof(deep) - n, "$2\r\nhi\r\n");
	r = parse(deep);
	{
		const rkv_reply *e = r;

		for (int i = 0; i < 100; i++) {
			ck_assert_int_eq(e->type, RKV_REPLY_ARRAY);
			ck_assert_uint_eq(e->count, 1);
			e = e->elements[0];
		}
		ck_assert_str_eq(e->str, "hi");
	}
	rkv_reply_free(node, r);
}
END_TEST

/* ---------------------------------------------------------------------- */
/* Typed fast paths                                                       */
/* ---------------------------------------------------------------------- */

START_TEST(typed_get_set)
{
	char buf[8];
	size_t len = 99;

	ck_assert_int_eq(rkv_get(node, 0, "k", 1, buf, sizeof(buf), &len), 0);
	ck_assert_uint_eq(len, 0);
	ck_assert_int_eq(rkv_set(node, 0, "k", 1, "value", 5, 0), 0);
	ck_assert_int_eq(rkv_get(node, 0, "k", 1, buf, sizeof(buf), &len), 1);
	ck_assert_uint_eq(len, 5);
	ck_assert(memcmp(buf, "value", 5) == 0);
	/* Too small a buffer: the start is copied, the full length given. */
	ck_assert_int_eq(rkv_set(node, 0, "k", 1, "0123456789abc", 13, 0), 0);
	memset(buf, 0, sizeof(buf));
	ck_assert_int_eq(rkv_get(node, 0, "k", 1, buf, sizeof(buf), &len), 1);
	ck_assert_uint_eq(len, 13);
	ck_assert(memcmp(buf, "01234567", 8) == 0);
	ck_assert_int_eq(rkv_get(node, 0, "k", 1, NULL, 0, &len), 1);
	ck_assert_uint_eq(len, 13);
	ck_assert_int_eq(rkv_get(node, 0, "k", 1, NULL, 0, NULL), 1);
	/* An integer-encoded value is formatted. */
	ck_assert_int_eq(rkv_set(node, 0, "n", 1, "-12345", 6, 0), 0);
	ck_assert_int_eq(rkv_get(node, 0, "n", 1, buf, sizeof(buf), &len), 1);
	ck_assert_uint_eq(len, 6);
	ck_assert(memcmp(buf, "-12345", 6) == 0);
	expect_int(CMD(0, "INCR", "n"), -12344);
	ck_assert_int_eq(rkv_get(node, 0, "n", 1, buf, sizeof(buf), &len), 1);
	ck_assert(memcmp(buf, "-12344", 6) == 0);
	/* Commands see typed writes and the other way round. */
	expect(CMD(0, "OBJECT", "ENCODING", "n"), RKV_REPLY_STRING, "int");
	ck_assert_int_eq(rkv_set(node, 2, "b\0in", 4, "x\0y", 3, 0), 0);
	{
		const char *argv[] = {"GET", "b\0in"};
		const size_t lens[] = {3, 4};
		rkv_reply *r;

		ck_assert_int_eq(rkv_node_command(node, 2, 2, argv, lens, &r),
				 0);
		ck_assert_uint_eq(r->len, 3);
		ck_assert(memcmp(r->str, "x\0y", 3) == 0);
		rkv_reply_free(node, r);
	}
	/* Empty key and empty value, NULL pointers with length 0. */
	ck_assert_int_eq(rkv_set(node, 0, NULL, 0, NULL, 0, 0), 0);
	ck_assert_int_eq(rkv_get(node, 0, "", 0, buf, sizeof(buf), &len), 1);
	ck_assert_uint_eq(len, 0);
}
END_TEST

START_TEST(typed_reads_count_hits_and_misses)
{
	long long hits = node->ks.hits, misses = node->ks.misses;

	ck_assert_int_eq(rkv_set(node, 0, "k", 1, "v", 1, 0), 0);
	ck_assert_int_eq(rkv_get(node, 0, "k", 1, NULL, 0, NULL), 1);
	ck_assert_int_eq(rkv_exists(node, 0, "k", 1), 1);
	ck_assert_int_eq(rkv_get(node, 0, "x", 1, NULL, 0, NULL), 0);
	ck_assert_int_eq(rkv_exists(node, 0, "x", 1), 0);
	/* Writes are not reads: SET and DEL count nothing. */
	ck_assert_int_eq(rkv_del(node, 0, "k", 1), 1);
	ck_assert_int_eq(node->ks.hits, hits + 2);
	ck_assert_int_eq(node->ks.misses, misses + 2);
}
END_TEST

START_TEST(typed_invalid_arguments)
{
	char buf[4];
	size_t len;

	ck_assert_int_eq(rkv_get(NULL, 0, "k", 1, buf, 4, &len),
			 RKV_ERR_INVALID);
	ck_assert_int_eq(rkv_get(node, -1, "k", 1, buf, 4, &len),
			 RKV_ERR_INVALID);
	ck_assert_int_eq(rkv_get(node, 16, "k", 1, buf, 4, &len),
			 RKV_ERR_INVALID);
	ck_assert_int_eq(rkv_get(node, 0, NULL, 1, buf, 4, &len),
			 RKV_ERR_INVALID);
	ck_assert_int_eq(rkv_get(node, 0, "k", 1, NULL, 4, &len),
			 RKV_ERR_INVALID);
	ck_assert_int_eq(rkv_set(NULL, 0, "k", 1, "v", 1, 0), RKV_ERR_INVALID);
	ck_assert_int_eq(rkv_set(node, 16, "k", 1, "v", 1, 0), RKV_ERR_INVALID);
	ck_assert_int_eq(rkv_set(node, 0, NULL, 1, "v", 1, 0), RKV_ERR_INVALID);
	ck_assert_int_eq(rkv_set(node, 0, "k", 1, NULL, 1, 0), RKV_ERR_INVALID);
	ck_assert_int_eq(rkv_set(node, 0, "k", 1, "v", 1, -1), RKV_ERR_INVALID);
	ck_assert_int_eq(rkv_set(node, 0, "k", 1, "v", 1, INT64_MAX),
			 RKV_ERR_INVALID);
	ck_assert_int_eq(rkv_del(NULL, 0, "k", 1), RKV_ERR_INVALID);
	ck_assert_int_eq(rkv_del(node, 99, "k", 1), RKV_ERR_INVALID);
	ck_assert_int_eq(rkv_del(node, 0, NULL, 1), RKV_ERR_INVALID);
	ck_assert_int_eq(rkv_exists(NULL, 0, "k", 1), RKV_ERR_INVALID);
	ck_assert_int_eq(rkv_exists(node, -1, "k", 1), RKV_ERR_INVALID);
	ck_assert_int_eq(rkv_exists(node, 0, NULL, 1), RKV_ERR_INVALID);
	/* Nothing was written, nothing propagated. */
	ck_assert_uint_eq(rkv_keyspace_size(&node->ks, 0), 0);
	ck_assert_int_eq(node->propagated, 0);
	ck_assert_int_eq(H.nchanges, 0);
}
END_TEST

START_TEST(typed_ttl_uses_host_clock)
{
	char buf[8];
	size_t len;
	rkv_reply *r;

	ck_assert_int_eq(rkv_set(node, 0, "k", 1, "v", 1, 1500), 0);
	/* Stored as an absolute time from the host's clock, as SET PX. */
	r = CMD(0, "PEXPIRETIME", "k");
	expect_int(r, now_ms() + 1500);
	H.clock_us += 1499 * 1000;
	ck_assert_int_eq(rkv_exists(node, 0, "k", 1), 1);
	H.clock_us += 1000;
	ck_assert_int_eq(rkv_get(node, 0, "k", 1, buf, sizeof(buf), &len), 0);
	ck_assert_int_eq(node->ks.expired_keys, 1);
	/* SET without a TTL drops the old one, as SET does. */
	ck_assert_int_eq(rkv_set(node, 0, "t", 1, "v", 1, 10000), 0);
	ck_assert_int_eq(rkv_set(node, 0, "t", 1, "w", 1, 0), 0);
	expect_int(CMD(0, "PTTL", "t"), -1);
	/* A typed write replaces a TTL set by a command too. */
	expect_int(CMD(0, "EXPIRE", "t", "100"), 1);
	ck_assert_int_eq(rkv_set(node, 0, "t", 1, "x", 1, 2000), 0);
	expect_int(CMD(0, "PTTL", "t"), 2000);
}
END_TEST

START_TEST(typed_writes_propagate_and_signal)
{
	long long p = node->propagated, dirty = node->dirty;
	char buf[4];

	ck_assert_int_eq(rkv_set(node, 0, "a", 1, "1", 1, 0), 0);
	ck_assert_int_eq(node->propagated, p + 1);
	ck_assert_int_eq(rkv_set(node, 1, "b", 1, "2", 1, 100), 0);
	ck_assert_int_eq(node->propagated, p + 2);
	ck_assert_int_eq(rkv_del(node, 0, "a", 1), 1);
	ck_assert_int_eq(node->propagated, p + 3);
	/* Misses and reads propagate nothing. */
	ck_assert_int_eq(rkv_del(node, 0, "a", 1), 0);
	ck_assert_int_eq(rkv_exists(node, 1, "b", 1), 1);
	ck_assert_int_eq(rkv_get(node, 1, "b", 1, buf, sizeof(buf), NULL), 1);
	ck_assert_int_eq(node->propagated, p + 3);
	ck_assert_int_eq(node->dirty, dirty + 3);
	/* A lazily expired key is propagated as a DEL and signalled. */
	H.clock_us += 200 * 1000;
	ck_assert_int_eq(rkv_del(node, 1, "b", 1), 0);
	ck_assert_int_eq(node->propagated, p + 4);
	ck_assert_str_eq(H.changes, "0:a 1:b 0:a 1:b ");
}
END_TEST

START_TEST(typed_huge_values)
{
	size_t big = 16u << 20, len;
	char *v = malloc(big), *back = malloc(big);
	const char *get[] = {"GET", "huge"};
	rkv_reply *r;
	char *resp;

	ck_assert_ptr_nonnull(v);
	ck_assert_ptr_nonnull(back);
	for (size_t i = 0; i < big; i++)
		v[i] = (char)(i * 7);
	ck_assert_int_eq(rkv_set(node, 0, "huge", 4, v, big, 0), 0);
	ck_assert_int_eq(rkv_get(node, 0, "huge", 4, NULL, 0, &len), 1);
	ck_assert_uint_eq(len, big);
	ck_assert_int_eq(rkv_get(node, 0, "huge", 4, back, big, &len), 1);
	ck_assert(memcmp(v, back, big) == 0);
	ck_assert_int_eq(rkv_node_command(node, 0, 2, get, NULL, &r), 0);
	ck_assert_int_eq(r->type, RKV_REPLY_STRING);
	ck_assert_uint_eq(r->len, big);
	ck_assert(memcmp(r->str, v, big) == 0);
	rkv_reply_free(node, r);
	ck_assert_int_eq(
	    rkv_node_command_resp(node, 0, 2, get, NULL, &resp, &len), 0);
	ck_assert_uint_eq(len, big + 13); /* "$16777216\r\n" ... "\r\n" */
	ck_assert(memcmp(resp + 11, v, big) == 0);
	rkv_resp_free(node, resp);
	/* The host connection keeps no huge buffer between calls. */
	ck_assert_uint_le(node->host_conn->obuf.cap, 65536);
	free(v);
	free(back);
}
END_TEST

/* ---------------------------------------------------------------------- */
/* rkv_scan                                                               */
/* ---------------------------------------------------------------------- */

#define NKEYS 1000

typedef struct seen {
	int count[NKEYS * 2];
	int calls;
	int other;
} seen;

static void on_key(rkv_node *n, int db, const char *key, size_t klen, void *ud)
{
	seen *s = ud;
	char tmp[32];
	int i;

	ck_assert_ptr_eq(n, node);
	ck_assert_int_eq(db, 0);
	ck_assert_uint_lt(klen, sizeof(tmp));
	memcpy(tmp, key, klen);
	tmp[klen] = '\0';
	s->calls++;
	if (sscanf(tmp, "key:%d", &i) == 1 && i >= 0 && i < NKEYS * 2)
		s->count[i]++;
	else
		s->other++;
}

START_TEST(scan_covers_every_key)
{
	static seen s;
	int64_t cursor = 0;
	int steps = 0;
	char key[32];

	memset(&s, 0, sizeof(s));
	ck_assert_int_eq(rkv_scan(node, 0, 0, on_key, &s), 0); /* empty */
	ck_assert_int_eq(s.calls, 0);
	for (int i = 0; i < NKEYS; i++) {
		int n = snprintf(key, sizeof(key), "key:%d", i);

		ck_assert_int_eq(rkv_set(node, 0, key, (size_t)n, "v", 1, 0),
				 0);
	}
	/* Writes between steps (the table grows) lose no key present for the
	 * whole scan. */
	do {
		cursor = rkv_scan(node, 0, (uint64_t)cursor, on_key, &s);
		ck_assert_int_ge(cursor, 0);
		if (steps < 50) {
			int i = NKEYS + steps * 10;

			for (int j = 0; j < 10; j++) {
				int n =
				    snprintf(key, sizeof(key), "key:%d", i + j);

				rkv_set(node, 0, key, (size_t)n, "v", 1, 0);
			}
		}
		steps++;
	} while (cursor != 0);
	for (int i = 0; i < NKEYS; i++)
		ck_assert_int_ge(s.count[i], 1);
	ck_assert_int_eq(s.other, 0);
	ck_assert_int_gt(steps, 10); /* a few buckets per step, not all */
	ck_assert_int_eq(rkv_scan(NULL, 0, 0, on_key, &s), RKV_ERR_INVALID);
	ck_assert_int_eq(rkv_scan(node, 16, 0, on_key, &s), RKV_ERR_INVALID);
	ck_assert_int_eq(rkv_scan(node, 0, 0, NULL, &s), RKV_ERR_INVALID);
}
END_TEST

START_TEST(scan_skips_expired_keys)
{
	static seen s;
	int64_t cursor = 0;

	memset(&s, 0, sizeof(s));
	ck_assert_int_eq(rkv_set(node, 0, "key:1", 5, "v", 1, 0), 0);
	ck_assert_int_eq(rkv_set(node, 0, "key:2", 5, "v", 1, 10), 0);
	H.clock_us += 20 * 1000;
	do
		cursor = rkv_scan(node, 0, (uint64_t)cursor, on_key, &s);
	while (cursor > 0);
	ck_assert_int_eq(cursor, 0);
	ck_assert_int_eq(s.count[1], 1);
	ck_assert_int_eq(s.count[2], 0);
	/* Skipped, not deleted: scanning changes nothing. */
	ck_assert_uint_eq(rkv_keyspace_size(&node->ks, 0), 2);
	ck_assert_int_eq(H.nchanges, 2);
}
END_TEST

/* ---------------------------------------------------------------------- */
/* The keyspace-change callback                                           */
/* ---------------------------------------------------------------------- */

START_TEST(keyspace_callback_sequence)
{
	rkv_conn *c;

	ck_assert_int_eq(rkv_conn_new(node, &c, NULL), 0);
	/* Client writes, in its selected db. */
	feed(c, "SET a 1\r\nSELECT 2\r\nSET b 2\r\nGET b\r\nDEL nope\r\n"
		"MSET x 1 y 2\r\n");
	ck_assert_str_eq(H.changes, "0:a 2:b 2:x 2:y ");
	H.changes[0] = '\0';
	/* API writes: typed and commands; reads signal nothing. */
	ck_assert_int_eq(rkv_set(node, 1, "c", 1, "3", 1, 50), 0);
	ck_assert_int_eq(rkv_exists(node, 1, "c", 1), 1);
	ck_assert_int_eq(rkv_del(node, 2, "x", 1), 1);
	ck_assert_int_eq(rkv_del(node, 2, "x", 1), 0);
	expect_int(CMD(0, "INCR", "a"), 2);
	expect(CMD(0, "RENAME", "a", "a2"), RKV_REPLY_STATUS, "OK");
	expect_int(CMD(0, "EXISTS", "a2"), 1);
	ck_assert_str_eq(H.changes, "1:c 2:x 0:a 0:a 0:a2 ");
	H.changes[0] = '\0';
	/* Active expiry on a tick once the host's time passed the TTL. */
	H.clock_us += 100 * 1000;
	ck_assert_int_eq(rkv_node_tick(node, 100), 0);
	ck_assert_str_eq(H.changes, "1:c ");
	H.changes[0] = '\0';
	/* Whole databases: FLUSHDB (client in db 2), SWAPDB, FLUSHALL. */
	feed(c, "FLUSHDB\r\n");
	expect(CMD(0, "SWAPDB", "0", "3"), RKV_REPLY_STATUS, "OK");
	expect(CMD(0, "FLUSHALL"), RKV_REPLY_STATUS, "OK");
	ck_assert_str_eq(H.changes, "2:* 0:* 3:* -1:* ");
	rkv_conn_free(c);
}
END_TEST

/* ---------------------------------------------------------------------- */
/* Allocation failures                                                    */
/* ---------------------------------------------------------------------- */

START_TEST(typed_reads_do_not_allocate)
{
	rkv_test_counting cnt = {0, 0, -1, false};
	char buf[8];
	int64_t cursor = 0;
	static seen s;

	rkv_test_restart_counting(&cnt, teardown, setup_with);
	ck_assert_int_eq(rkv_set(node, 0, "k", 1, "12", 2, 0), 0);
	ck_assert_int_eq(rkv_set(node, 0, "key:3", 5, "v", 1, 0), 0);
	cnt.fail_after = cnt.total; /* any allocation from here fails */
	ck_assert_int_eq(rkv_get(node, 0, "k", 1, buf, sizeof(buf), NULL), 1);
	ck_assert_int_eq(rkv_get(node, 0, "zz", 2, buf, sizeof(buf), NULL), 0);
	ck_assert_int_eq(rkv_exists(node, 0, "k", 1), 1);
	memset(&s, 0, sizeof(s));
	do
		cursor = rkv_scan(node, 0, (uint64_t)cursor, on_key, &s);
	while (cursor > 0);
	ck_assert_int_eq(s.count[3], 1);
	ck_assert_int_eq(rkv_del(node, 0, "k", 1), 1);
	/* A write needs memory: it fails cleanly. */
	ck_assert_int_eq(rkv_set(node, 0, "n", 1, "v", 1, 0), RKV_ERR_NOMEM);
	ck_assert_int_eq(rkv_exists(node, 0, "n", 1), 0);
	cnt.fail_after = -1;
	teardown();
	ck_assert_int_eq(cnt.live, 0);
	setup();
}
END_TEST

/* Fail the k-th allocation of a sequence of API calls for every k until the
 * sequence runs without failure: each call must either work or return
 * RKV_ERR_NOMEM, and nothing may leak. */
static void api_sequence(void)
{
	const char *mset[19] = {"MSET"};
	const char *exec[] = {"EXEC"};
	rkv_reply *r;
	char *resp;
	size_t len;
	int rc;

	for (int i = 1; i < 19; i++)
		mset[i] = i % 2 ? "key" : "value";
	rkv_set(node, 0, "a", 1, "v", 1, 1000);
	rc = rkv_node_command(node, 0, 19, mset, NULL, &r);
	ck_assert(rc == 0 || rc == RKV_ERR_NOMEM);
	if (rc == 0)
		rkv_reply_free(node, r);
	else
		ck_assert_ptr_null(r);
	r = NULL;
	if (rkv_node_command(node, 0, 1, (const char *[]){"MULTI"}, NULL, &r) ==
	    0)
		rkv_reply_free(node, r);
	if (rkv_node_command(node, RKV_DB_SELECTED, 2,
			     (const char *[]){"INCR", "n"}, NULL, &r) == 0)
		rkv_reply_free(node, r);
	if (rkv_node_command(node, RKV_DB_SELECTED, 1, exec, NULL, &r) == 0)
		rkv_reply_free(node, r);
	rc = rkv_node_command_resp(node, RKV_DB_SELECTED, 2,
				   (const char *[]){"GET", "a"}, NULL, &resp,
				   &len);
	ck_assert(rc == 0 || rc == RKV_ERR_NOMEM);
	if (rc == 0)
		rkv_resp_free(node, resp);
	else
		ck_assert_ptr_null(resp);
}

START_TEST(allocation_failures_are_clean)
{
	rkv_test_counting cnt = {0, 0, -1, false};
	bool completed = false;
	long k;

	for (k = 0; !completed; k++) {
		long base;

		rkv_test_restart_counting(&cnt, teardown, setup_with);
		base = cnt.total;
		cnt.fail_after = base + k;
		api_sequence();
		completed = cnt.total < base + k; /* no failure was injected */
		cnt.fail_after = -1;
		/* The node still works after the failures. */
		expect(CMD(0, "SET", "after", "1"), RKV_REPLY_STATUS, "OK");
		teardown();
		ck_assert_int_eq(cnt.live, 0);
		ck_assert_int_lt(k, 1000);
	}
	ck_assert_int_gt(k, 8); /* every allocation of the sequence failed */
	setup();
}
END_TEST

/* A failed SET with a TTL never leaves the new value without its TTL. */
START_TEST(set_with_ttl_failure_keeps_no_immortal_value)
{
	rkv_test_counting cnt = {0, 0, -1, false};
	bool done = false;
	int nomem = 0, deleted = 0;

	for (long k = 0; !done; k++) {
		char buf[8];
		size_t len;
		int rc;

		rkv_test_restart_counting(&cnt, teardown, setup_with);
		ck_assert_int_eq(rkv_set(node, 0, "k", 1, "old", 3, 0), 0);
		cnt.fail_after = cnt.total + k;
		rc = rkv_set(node, 0, "k", 1, "new", 3, 1000);
		cnt.fail_after = -1;
		if (rc == 0) {
			done = true;
			expect_int(CMD(0, "PTTL", "k"), 1000);
		} else {
			ck_assert_int_eq(rc, RKV_ERR_NOMEM);
			nomem++;
			rc = rkv_get(node, 0, "k", 1, buf, sizeof(buf), &len);
			if (rc == 1) {
				ck_assert_uint_eq(len, 3);
				ck_assert(memcmp(buf, "old", 3) == 0);
			} else {
				ck_assert_int_eq(rc, 0);
				deleted++;
			}
		}
		teardown();
		ck_assert_int_eq(cnt.live, 0);
		ck_assert_int_lt(k, 100);
	}
	/* Both the value's and the TTL's allocation failed once. */
	ck_assert_int_ge(nomem, 2);
	ck_assert_int_ge(deleted, 1);
	setup();
}
END_TEST

START_TEST(reply_memory_is_counted)
{
	size_t before;
	rkv_reply *r;

	expect(CMD(0, "SET", "k", "v"), RKV_REPLY_STATUS, "OK");
	before = node->mem.used;
	r = CMD(0, "GET", "k");
	ck_assert_uint_gt(node->mem.used, before);
	rkv_reply_free(node, r);
	ck_assert_uint_le(node->mem.used, before);
}
END_TEST

static Suite *api_suite(void)
{
	Suite *s = suite_create("api");
	TCase *tc = tcase_create("api");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, command_reply_tree);
	tcase_add_test(tc, command_binary_args_and_argvlen);
	tcase_add_test(tc, command_resp_bytes);
	tcase_add_test(tc, command_errors_are_replies);
	tcase_add_test(tc, command_db_selection);
	tcase_add_test(tc, command_multi_exec);
	tcase_add_test(tc, command_watch_from_host_and_clients);
	tcase_add_test(tc, host_conn_is_not_a_client);
	tcase_add_test(tc, host_conn_is_always_authenticated);
	tcase_add_test(tc, push_commands_are_refused);
	tcase_add_test(tc, command_maxmemory);
	tcase_add_test(tc, command_many_arguments);
	tcase_add_test(tc, command_resp3);
	tcase_add_test(tc, reply_tree_every_type);
	tcase_add_test(tc, reply_tree_nesting_and_attributes);
	tcase_add_test(tc, typed_get_set);
	tcase_add_test(tc, typed_reads_count_hits_and_misses);
	tcase_add_test(tc, typed_invalid_arguments);
	tcase_add_test(tc, typed_ttl_uses_host_clock);
	tcase_add_test(tc, typed_writes_propagate_and_signal);
	tcase_add_test(tc, typed_huge_values);
	tcase_add_test(tc, scan_covers_every_key);
	tcase_add_test(tc, scan_skips_expired_keys);
	tcase_add_test(tc, keyspace_callback_sequence);
	tcase_add_test(tc, typed_reads_do_not_allocate);
	tcase_add_test(tc, allocation_failures_are_clean);
	tcase_add_test(tc, set_with_ttl_failure_keeps_no_immortal_value);
	tcase_add_test(tc, reply_memory_is_counted);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return rkv_test_run(api_suite());
}
