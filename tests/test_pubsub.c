/* Unit tests: pub/sub between several in-process connections of one node.
 * Each connection's output is captured separately, so a test sees exactly
 * what a subscriber and a publisher would read. Reply texts were checked
 * against redis-server 7.0.15 (see also tests/integration/pubsub.txt). */
#define _GNU_SOURCE /* memmem */
#include <check.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "commands.h"
#include "rkv.h"
#include "test_host.h"
#include "util.h"

#define NPEERS 8

/* One client of the fake host. */
typedef struct peer {
	rkv_conn *c;
	char *out; /* everything send accepted, not yet taken by a test */
	size_t outlen, outcap;
	bool block; /* send accepts nothing (a client that never reads) */
	int closes;
} peer;

typedef struct host {
	peer p[NPEERS];
	int closes;
	char log[1024];
	int warnings;
	int64_t clock_us;
} host;

static host H;
static rkv_node *node;

static int64_t h_send(rkv_node *n, rkv_conn *c, const uint8_t *data, size_t len,
		      void *ud)
{
	peer *p = rkv_conn_user_data(c);

	(void)n;
	(void)ud;
	if (p->block)
		return RKV_ERR_WOULDBLOCK;
	if (p->outlen + len > p->outcap) {
		size_t cap = (p->outlen + len) * 2;

		p->out = realloc(p->out, cap);
		ck_assert_ptr_nonnull(p->out);
		p->outcap = cap;
	}
	memcpy(p->out + p->outlen, data, len);
	p->outlen += len;
	return (int64_t)len;
}

static void h_close(rkv_node *n, rkv_conn *c, void *ud)
{
	peer *p = rkv_conn_user_data(c);

	(void)n;
	((host *)ud)->closes++;
	p->closes++;
}

static void h_log(rkv_node *n, rkv_log_level level, const char *msg, void *ud)
{
	host *h = ud;

	(void)n;
	if (level == RKV_LOG_WARNING) {
		h->warnings++;
		snprintf(h->log, sizeof(h->log), "%s", msg);
	}
}

RKV_TEST_HOST_CLOCK(h_clock, host)

static void start_node(const rkv_options *opts)
{
	rkv_callbacks *cbs;

	ck_assert_int_eq(rkv_callbacks_new(&cbs), 0);
	rkv_callbacks_set_send(cbs, h_send);
	rkv_callbacks_set_close(cbs, h_close);
	rkv_callbacks_set_log(cbs, h_log);
	rkv_callbacks_set_clock(cbs, h_clock);
	ck_assert_int_eq(rkv_node_new(&node, cbs, opts, &H), 0);
	rkv_callbacks_free(cbs);
	for (int i = 0; i < NPEERS; i++)
		ck_assert_int_eq(rkv_conn_new(node, &H.p[i].c, &H.p[i]), 0);
}

static void setup(void)
{
	memset(&H, 0, sizeof(H));
	H.clock_us = 1700000000LL * 1000000;
	start_node(NULL);
}

static void free_peer(int i)
{
	rkv_conn_free(H.p[i].c);
	H.p[i].c = NULL;
}

static void stop_node(void)
{
	for (int i = 0; i < NPEERS; i++)
		free_peer(i);
	rkv_node_free(node);
	node = NULL;
}

static void teardown(void)
{
	stop_node();
	for (int i = 0; i < NPEERS; i++)
		free(H.p[i].out);
}

/* Send an inline request on peer i; returns rkv_conn_recv()'s result. */
static int feed(int i, const char *req)
{
	return rkv_conn_recv(H.p[i].c, (const uint8_t *)req, strlen(req));
}

/* Send a multibulk request built from argv (binary-safe arguments). */
static int feedv(int i, int argc, const char *const *argv, const size_t *lens)
{
	char buf[4096];
	size_t n = (size_t)snprintf(buf, sizeof(buf), "*%d\r\n", argc);

	for (int j = 0; j < argc; j++) {
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "$%zu\r\n",
				      lens[j]);
		ck_assert_uint_lt(n + lens[j] + 2, sizeof(buf));
		memcpy(buf + n, argv[j], lens[j]);
		n += lens[j];
		memcpy(buf + n, "\r\n", 2);
		n += 2;
	}
	return rkv_conn_recv(H.p[i].c, (const uint8_t *)buf, n);
}

/* Peer i's output so far must be exactly expect[0..n); it is then
 * cleared. */
static void expect_outn(int i, const char *expect, size_t n)
{
	peer *p = &H.p[i];

	if (p->outlen != n || memcmp(p->out, expect, n) != 0)
		ck_abort_msg("peer %d: expected\n  %s\ngot\n  %.*s", i, expect,
			     (int)p->outlen, p->out ? p->out : "");
	p->outlen = 0;
}

static void expect_out(int i, const char *expect)
{
	expect_outn(i, expect, strlen(expect));
}

static void expect_none(int i)
{
	expect_out(i, "");
}

/* ---------------------------------------------------------------------- */

START_TEST(subscriber_receives_published_message)
{
	ck_assert_int_eq(feed(0, "SUBSCRIBE news\r\n"), 0);
	expect_out(0, "*3\r\n$9\r\nsubscribe\r\n$4\r\nnews\r\n:1\r\n");
	ck_assert_int_eq(feed(1, "PUBLISH news hello\r\n"), 0);
	expect_out(1, ":1\r\n");
	expect_out(0, "*3\r\n$7\r\nmessage\r\n$4\r\nnews\r\n$5\r\nhello\r\n");
	/* Another channel: nobody listens, nothing arrives. */
	ck_assert_int_eq(feed(1, "PUBLISH other x\r\n"), 0);
	expect_out(1, ":0\r\n");
	expect_none(0);
	ck_assert_uint_eq(H.p[0].c->nsub, 1);
	ck_assert_int_eq(node->stats.pubsub_messages, 1);
}
END_TEST

START_TEST(confirmations_count_channels_and_patterns)
{
	/* A repeated channel is confirmed again without counting twice. */
	ck_assert_int_eq(feed(0, "SUBSCRIBE ch1 ch2 ch1\r\n"), 0);
	expect_out(0, "*3\r\n$9\r\nsubscribe\r\n$3\r\nch1\r\n:1\r\n"
		      "*3\r\n$9\r\nsubscribe\r\n$3\r\nch2\r\n:2\r\n"
		      "*3\r\n$9\r\nsubscribe\r\n$3\r\nch1\r\n:2\r\n");
	ck_assert_int_eq(feed(0, "PSUBSCRIBE c* c* x?\r\n"), 0);
	expect_out(0, "*3\r\n$10\r\npsubscribe\r\n$2\r\nc*\r\n:3\r\n"
		      "*3\r\n$10\r\npsubscribe\r\n$2\r\nc*\r\n:3\r\n"
		      "*3\r\n$10\r\npsubscribe\r\n$2\r\nx?\r\n:4\r\n");
	ck_assert_uint_eq(H.p[0].c->nsub, 2);
	ck_assert_uint_eq(H.p[0].c->npsub, 2);
	/* Binary-safe names, the empty one included. */
	{
		const char *argv[] = {"SUBSCRIBE", "", "a\0b\r\n"};
		size_t lens[] = {9, 0, 5};

		static const char e[] =
		    "*3\r\n$9\r\nsubscribe\r\n$0\r\n\r\n:1\r\n"
		    "*3\r\n$9\r\nsubscribe\r\n$5\r\na\0b\r\n\r\n:2\r\n";

		ck_assert_int_eq(feedv(2, 3, argv, lens), 0);
		expect_outn(2, e, sizeof(e) - 1);
	}
	{
		const char *argv[] = {"PUBLISH", "a\0b\r\n", "m"};
		size_t lens[] = {7, 5, 1};

		ck_assert_int_eq(feedv(1, 3, argv, lens), 0);
		expect_out(1, ":1\r\n");
		ck_assert_uint_eq(H.p[2].outlen, 35);
	}
}
END_TEST

START_TEST(patterns_deliver_pmessage_and_count_twice)
{
	ck_assert_int_eq(feed(0, "SUBSCRIBE ch1\r\n"), 0);
	ck_assert_int_eq(feed(0, "PSUBSCRIBE c* x?\r\n"), 0);
	ck_assert_int_eq(feed(2, "PSUBSCRIBE c[h]?\r\n"), 0);
	H.p[0].outlen = H.p[2].outlen = 0;
	/* Client 0 matches by channel and by pattern: counted twice. */
	ck_assert_int_eq(feed(1, "PUBLISH ch1 hello\r\n"), 0);
	expect_out(1, ":3\r\n");
	expect_out(0, "*3\r\n$7\r\nmessage\r\n$3\r\nch1\r\n$5\r\nhello\r\n"
		      "*4\r\n$8\r\npmessage\r\n$2\r\nc*\r\n$3\r\nch1\r\n"
		      "$5\r\nhello\r\n");
	expect_out(2, "*4\r\n$8\r\npmessage\r\n$5\r\nc[h]?\r\n$3\r\nch1\r\n"
		      "$5\r\nhello\r\n");
	ck_assert_int_eq(feed(1, "PUBLISH xy m\r\n"), 0);
	expect_out(1, ":1\r\n");
	expect_out(0, "*4\r\n$8\r\npmessage\r\n$2\r\nx?\r\n$2\r\nxy\r\n"
		      "$1\r\nm\r\n");
	expect_none(2);
	/* Patterns are case-sensitive. */
	ck_assert_int_eq(feed(1, "PUBLISH CH1 m\r\n"), 0);
	expect_out(1, ":0\r\n");
}
END_TEST

START_TEST(unsubscribe_variants)
{
	/* Nothing subscribed: one reply with a null name and 0. */
	ck_assert_int_eq(feed(0, "UNSUBSCRIBE\r\n"), 0);
	expect_out(0, "*3\r\n$11\r\nunsubscribe\r\n$-1\r\n:0\r\n");
	ck_assert_int_eq(feed(0, "PUNSUBSCRIBE\r\n"), 0);
	expect_out(0, "*3\r\n$12\r\npunsubscribe\r\n$-1\r\n:0\r\n");
	ck_assert_int_eq(feed(0, "UNSUBSCRIBE x y\r\n"), 0);
	expect_out(0, "*3\r\n$11\r\nunsubscribe\r\n$1\r\nx\r\n:0\r\n"
		      "*3\r\n$11\r\nunsubscribe\r\n$1\r\ny\r\n:0\r\n");
	ck_assert_int_eq(feed(0, "SUBSCRIBE a b c\r\n"), 0);
	ck_assert_int_eq(feed(0, "PSUBSCRIBE p1 p2\r\n"), 0);
	H.p[0].outlen = 0;
	/* Named: known and unknown alike are confirmed. */
	ck_assert_int_eq(feed(0, "UNSUBSCRIBE b nope\r\n"), 0);
	expect_out(0, "*3\r\n$11\r\nunsubscribe\r\n$1\r\nb\r\n:4\r\n"
		      "*3\r\n$11\r\nunsubscribe\r\n$4\r\nnope\r\n:4\r\n");
	ck_assert_int_eq(feed(0, "PUNSUBSCRIBE nope p1\r\n"), 0);
	expect_out(0, "*3\r\n$12\r\npunsubscribe\r\n$4\r\nnope\r\n:4\r\n"
		      "*3\r\n$12\r\npunsubscribe\r\n$2\r\np1\r\n:3\r\n");
	/* All channels, oldest first; the pattern stays. */
	ck_assert_int_eq(feed(0, "UNSUBSCRIBE\r\n"), 0);
	expect_out(0, "*3\r\n$11\r\nunsubscribe\r\n$1\r\na\r\n:2\r\n"
		      "*3\r\n$11\r\nunsubscribe\r\n$1\r\nc\r\n:1\r\n");
	ck_assert_int_eq(feed(0, "UNSUBSCRIBE\r\n"), 0);
	expect_out(0, "*3\r\n$11\r\nunsubscribe\r\n$-1\r\n:1\r\n");
	/* Still in subscribed mode through the pattern. */
	ck_assert_int_eq(feed(0, "GET k\r\n"), 0);
	ck_assert_int_eq(H.p[0].out[0], '-');
	H.p[0].outlen = 0;
	ck_assert_int_eq(feed(0, "PUNSUBSCRIBE\r\n"), 0);
	expect_out(0, "*3\r\n$12\r\npunsubscribe\r\n$2\r\np2\r\n:0\r\n");
	ck_assert_ptr_null(H.p[0].c->ps);
	ck_assert_int_eq(feed(0, "GET k\r\n"), 0);
	expect_out(0, "$-1\r\n");
	ck_assert_uint_eq(rkv_pubsub_channel_count(node), 0);
	ck_assert_uint_eq(rkv_pubsub_pattern_count(node), 0);
}
END_TEST

START_TEST(resp3_uses_push_messages)
{
	ck_assert_int_eq(feed(0, "HELLO 3\r\n"), 0);
	H.p[0].outlen = 0;
	ck_assert_int_eq(feed(0, "UNSUBSCRIBE\r\n"), 0);
	expect_out(0, ">3\r\n$11\r\nunsubscribe\r\n_\r\n:0\r\n");
	ck_assert_int_eq(feed(0, "PUNSUBSCRIBE\r\n"), 0);
	expect_out(0, ">3\r\n$12\r\npunsubscribe\r\n_\r\n:0\r\n");
	ck_assert_int_eq(feed(0, "SUBSCRIBE ch\r\n"), 0);
	expect_out(0, ">3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:1\r\n");
	ck_assert_int_eq(feed(0, "PSUBSCRIBE c*\r\n"), 0);
	expect_out(0, ">3\r\n$10\r\npsubscribe\r\n$2\r\nc*\r\n:2\r\n");
	/* Publishing to itself: Redis 7.0 writes the pushes before the
	 * command's own reply. */
	ck_assert_int_eq(feed(0, "PUBLISH ch self\r\n"), 0);
	expect_out(0, ">3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$4\r\nself\r\n"
		      ">4\r\n$8\r\npmessage\r\n$2\r\nc*\r\n$2\r\nch\r\n"
		      "$4\r\nself\r\n:2\r\n");
	/* No command restriction in RESP3, and PING is the plain one. */
	ck_assert_int_eq(feed(0, "GET k\r\nPING\r\nPING x\r\n"), 0);
	expect_out(0, "_\r\n+PONG\r\n$1\r\nx\r\n");
	/* Mixed protocols: each receiver gets its own form. */
	ck_assert_int_eq(feed(2, "SUBSCRIBE ch\r\n"), 0);
	H.p[2].outlen = 0;
	ck_assert_int_eq(feed(1, "PUBLISH ch m\r\n"), 0);
	expect_out(1, ":3\r\n");
	expect_out(0, ">3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$1\r\nm\r\n"
		      ">4\r\n$8\r\npmessage\r\n$2\r\nc*\r\n$2\r\nch\r\n"
		      "$1\r\nm\r\n");
	expect_out(2, "*3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$1\r\nm\r\n");
	ck_assert_int_eq(feed(0, "UNSUBSCRIBE ch zz\r\n"), 0);
	expect_out(0, ">3\r\n$11\r\nunsubscribe\r\n$2\r\nch\r\n:1\r\n"
		      ">3\r\n$11\r\nunsubscribe\r\n$2\r\nzz\r\n:1\r\n");
}
END_TEST

START_TEST(resp2_subscribed_mode_restricts_commands)
{
	ck_assert_int_eq(feed(0, "SUBSCRIBE ch\r\n"), 0);
	H.p[0].outlen = 0;
	ck_assert_int_eq(feed(0, "GET k\r\n"), 0);
	expect_out(0, "-ERR Can't execute 'get': only (P|S)SUBSCRIBE / "
		      "(P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in "
		      "this context\r\n");
	ck_assert_int_eq(feed(0, "PUBLISH ch x\r\n"), 0);
	expect_out(0, "-ERR Can't execute 'publish': only (P|S)SUBSCRIBE / "
		      "(P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in "
		      "this context\r\n");
	ck_assert_int_eq(feed(0, "PING\r\nPING hi\r\n"), 0);
	expect_out(0, "*2\r\n$4\r\npong\r\n$0\r\n\r\n"
		      "*2\r\n$4\r\npong\r\n$2\r\nhi\r\n");
	ck_assert_int_eq(feed(0, "PING a b\r\n"), 0);
	expect_out(0, "-ERR wrong number of arguments for 'ping' command\r\n");
	ck_assert_int_eq(feed(0, "UNSUBSCRIBE\r\n"), 0);
	H.p[0].outlen = 0;
	ck_assert_int_eq(feed(0, "PING\r\nGET k\r\n"), 0);
	expect_out(0, "+PONG\r\n$-1\r\n");
}
END_TEST

START_TEST(reset_leaves_everything_silently)
{
	ck_assert_int_eq(feed(0, "SUBSCRIBE a b\r\nPSUBSCRIBE p*\r\n"), 0);
	ck_assert_int_eq(feed(2, "PSUBSCRIBE p*\r\n"), 0);
	H.p[0].outlen = H.p[2].outlen = 0;
	ck_assert_int_eq(feed(0, "RESET\r\n"), 0);
	expect_out(0, "+RESET\r\n");
	ck_assert_uint_eq(H.p[0].c->nsub, 0);
	ck_assert_uint_eq(H.p[0].c->npsub, 0);
	ck_assert_ptr_null(H.p[0].c->ps);
	ck_assert_int_eq(feed(1, "PUBLISH a x\r\nPUBSUB NUMSUB a b\r\n"
				 "PUBSUB NUMPAT\r\nPUBLISH pq y\r\n"),
			 0);
	expect_out(1, ":0\r\n*4\r\n$1\r\na\r\n:0\r\n$1\r\nb\r\n:0\r\n"
		      ":1\r\n:1\r\n");
	expect_none(0);
	expect_out(2, "*4\r\n$8\r\npmessage\r\n$2\r\np*\r\n$2\r\npq\r\n"
		      "$1\r\ny\r\n");
	ck_assert_int_eq(feed(0, "GET k\r\n"), 0);
	expect_out(0, "$-1\r\n");
}
END_TEST

START_TEST(freeing_a_connection_drops_its_subscriptions)
{
	ck_assert_int_eq(feed(0, "SUBSCRIBE a b\r\nPSUBSCRIBE p*\r\n"), 0);
	ck_assert_int_eq(feed(2, "SUBSCRIBE b\r\nPSUBSCRIBE p* q*\r\n"), 0);
	ck_assert_uint_eq(rkv_pubsub_channel_count(node), 2);
	ck_assert_uint_eq(rkv_pubsub_pattern_count(node), 2);
	free_peer(0);
	ck_assert_uint_eq(rkv_pubsub_channel_count(node), 1);
	ck_assert_uint_eq(rkv_pubsub_pattern_count(node), 2);
	ck_assert_int_eq(feed(1, "PUBLISH a x\r\nPUBLISH b x\r\n"
				 "PUBLISH pp x\r\n"),
			 0);
	expect_out(1, ":0\r\n:1\r\n:1\r\n");
	free_peer(2);
	ck_assert_uint_eq(rkv_pubsub_channel_count(node), 0);
	ck_assert_uint_eq(rkv_pubsub_pattern_count(node), 0);
	ck_assert_int_eq(feed(1, "PUBSUB CHANNELS\r\nPUBSUB NUMPAT\r\n"), 0);
	expect_out(1, "*0\r\n:0\r\n");
	ck_assert_int_eq(H.closes, 0); /* freeing is no close */
}
END_TEST

/* Sort the bulk elements of a flat array reply in place (PUBSUB CHANNELS
 * lists channels in hash order, as Redis). Returns the count. */
static int sorted_bulks(const char *reply, size_t len, char out[][32])
{
	int n = 0;
	const char *p = reply, *end = reply + len;

	ck_assert_int_eq(*p, '*');
	n = atoi(p + 1);
	p = strstr(p, "\r\n") + 2;
	for (int i = 0; i < n; i++) {
		int l;

		ck_assert(p < end && *p == '$');
		l = atoi(p + 1);
		p = strstr(p, "\r\n") + 2;
		ck_assert_int_lt(l, 32);
		memcpy(out[i], p, (size_t)l);
		out[i][l] = '\0';
		p += l + 2;
	}
	ck_assert(p == end);
	qsort(out, (size_t)n, 32, (int (*)(const void *, const void *))strcmp);
	return n;
}

START_TEST(pubsub_introspection)
{
	char ch[8][32];

	ck_assert_int_eq(feed(1, "PUBSUB CHANNELS\r\nPUBSUB NUMPAT\r\n"
				 "PUBSUB NUMSUB\r\nPUBSUB NUMSUB x\r\n"),
			 0);
	expect_out(1, "*0\r\n:0\r\n*0\r\n*2\r\n$1\r\nx\r\n:0\r\n");
	ck_assert_int_eq(feed(0, "SUBSCRIBE ch1 ch2 other\r\n"), 0);
	ck_assert_int_eq(feed(2, "SUBSCRIBE ch1\r\nPSUBSCRIBE a* b*\r\n"), 0);
	ck_assert_int_eq(feed(3, "PSUBSCRIBE a*\r\n"), 0);
	ck_assert_int_eq(feed(1, "PUBSUB CHANNELS\r\n"), 0);
	ck_assert_int_eq(sorted_bulks(H.p[1].out, H.p[1].outlen, ch), 3);
	ck_assert_str_eq(ch[0], "ch1");
	ck_assert_str_eq(ch[1], "ch2");
	ck_assert_str_eq(ch[2], "other");
	H.p[1].outlen = 0;
	ck_assert_int_eq(feed(1, "PUBSUB CHANNELS *1\r\n"), 0);
	expect_out(1, "*1\r\n$3\r\nch1\r\n");
	ck_assert_int_eq(feed(1, "pubsub channels nomatch*\r\n"), 0);
	expect_out(1, "*0\r\n");
	ck_assert_int_eq(feed(1, "PUBSUB NUMSUB ch1 ch2 zz\r\n"), 0);
	expect_out(1, "*6\r\n$3\r\nch1\r\n:2\r\n$3\r\nch2\r\n:1\r\n"
		      "$2\r\nzz\r\n:0\r\n");
	/* NUMPAT counts distinct patterns (Redis 7.0). */
	ck_assert_int_eq(feed(1, "PUBSUB NUMPAT\r\n"), 0);
	expect_out(1, ":2\r\n");
	ck_assert_int_eq(feed(1, "PUBSUB SHARDCHANNELS\r\n"
				 "PUBSUB SHARDNUMSUB a\r\n"),
			 0);
	expect_out(1, "*0\r\n*2\r\n$1\r\na\r\n:0\r\n");
	/* RESP3 gets the same flat array. */
	ck_assert_int_eq(feed(4, "HELLO 3\r\n"), 0);
	H.p[4].outlen = 0;
	ck_assert_int_eq(feed(4, "PUBSUB NUMSUB ch2\r\n"), 0);
	expect_out(4, "*2\r\n$3\r\nch2\r\n:1\r\n");
}
END_TEST

START_TEST(pubsub_errors_and_help)
{
	size_t nl = 0;

	ck_assert_int_eq(feed(1, "PUBSUB foo\r\n"), 0);
	expect_out(1, "-ERR unknown subcommand 'foo'. Try PUBSUB HELP.\r\n");
	ck_assert_int_eq(feed(1, "pubsub NUMPAT x\r\n"), 0);
	expect_out(1, "-ERR wrong number of arguments for 'pubsub|numpat' "
		      "command\r\n");
	ck_assert_int_eq(feed(1, "PUBSUB HELP x\r\n"), 0);
	expect_out(1, "-ERR wrong number of arguments for 'pubsub|help' "
		      "command\r\n");
	ck_assert_int_eq(feed(1, "PUBSUB Channels a b\r\n"), 0);
	expect_out(1, "-ERR unknown subcommand or wrong number of arguments "
		      "for 'Channels'. Try PUBSUB HELP.\r\n");
	ck_assert_int_eq(feed(1, "PUBSUB\r\n"), 0);
	expect_out(1,
		   "-ERR wrong number of arguments for 'pubsub' command\r\n");
	ck_assert_int_eq(feed(1, "PUBLISH a\r\nSUBSCRIBE\r\nPSUBSCRIBE\r\n"),
			 0);
	expect_out(1,
		   "-ERR wrong number of arguments for 'publish' command\r\n"
		   "-ERR wrong number of arguments for 'subscribe' command\r\n"
		   "-ERR wrong number of arguments for 'psubscribe' "
		   "command\r\n");
	ck_assert_int_eq(feed(1, "PUBSUB help\r\n"), 0);
	ck_assert(memcmp(H.p[1].out,
			 "*14\r\n+PUBSUB <subcommand> [<arg> [value] [opt] "
			 "...]. Subcommands are:\r\n+CHANNELS [<pattern>]\r\n",
			 70) == 0);
	for (size_t i = 0; i < H.p[1].outlen; i++)
		nl += H.p[1].out[i] == '\n';
	ck_assert_uint_eq(nl, 15);
	ck_assert(memcmp(H.p[1].out + H.p[1].outlen - 24,
			 "+    Prints this help.\r\n", 24) == 0);
}
END_TEST

START_TEST(subscribe_inside_multi)
{
	ck_assert_int_eq(feed(0, "MULTI\r\nSUBSCRIBE q\r\nEXEC\r\n"), 0);
	expect_out(0, "+OK\r\n+QUEUED\r\n"
		      "*1\r\n*3\r\n$9\r\nsubscribe\r\n$1\r\nq\r\n:1\r\n");
	ck_assert_int_eq(feed(1, "PUBLISH q m\r\n"), 0);
	expect_out(1, ":1\r\n");
	expect_out(0, "*3\r\n$7\r\nmessage\r\n$1\r\nq\r\n$1\r\nm\r\n");
}
END_TEST

START_TEST(node_publish_api)
{
	ck_assert_int_eq(rkv_node_publish(NULL, "a", 1, "b", 1),
			 RKV_ERR_INVALID);
	ck_assert_int_eq(rkv_node_publish(node, NULL, 1, "b", 1),
			 RKV_ERR_INVALID);
	ck_assert_int_eq(rkv_node_publish(node, "a", 1, NULL, 1),
			 RKV_ERR_INVALID);
	ck_assert_int_eq(rkv_node_publish(node, "a", 1, "b", 1), 0);
	ck_assert_int_eq(feed(0, "SUBSCRIBE a\r\nPSUBSCRIBE *\r\n"), 0);
	ck_assert_int_eq(feed(2, "HELLO 3\r\nSUBSCRIBE a\r\n"), 0);
	H.p[0].outlen = H.p[2].outlen = 0;
	/* Delivered (handed to send) before the call returns. */
	ck_assert_int_eq(rkv_node_publish(node, "a", 1, "hi", 2), 3);
	expect_out(0, "*3\r\n$7\r\nmessage\r\n$1\r\na\r\n$2\r\nhi\r\n"
		      "*4\r\n$8\r\npmessage\r\n$1\r\n*\r\n$1\r\na\r\n"
		      "$2\r\nhi\r\n");
	expect_out(2, ">3\r\n$7\r\nmessage\r\n$1\r\na\r\n$2\r\nhi\r\n");
	/* NULL with length 0 is the empty string. */
	ck_assert_int_eq(rkv_node_publish(node, NULL, 0, NULL, 0), 1);
	expect_out(0, "*4\r\n$8\r\npmessage\r\n$1\r\n*\r\n$0\r\n\r\n"
		      "$0\r\n\r\n");
	ck_assert_int_eq(node->propagated, 0); /* the API does not replicate */
}
END_TEST

START_TEST(publish_is_propagated_but_no_change)
{
	ck_assert_int_eq(feed(1, "PUBLISH a b\r\n"), 0);
	ck_assert_int_eq(node->propagated, 1);
	ck_assert_int_eq(node->dirty, 0);
}
END_TEST

START_TEST(output_limit_kills_only_the_slow_subscriber)
{
	char req[256];
	int killed_at = -1;

	/* client-output-buffer-limit pubsub 4096 0 0 */
	node->obuf_limit[2].hard = 4096;
	node->obuf_limit[2].soft = 0;
	ck_assert_int_eq(feed(0, "SUBSCRIBE ch\r\n"), 0); /* never drains */
	ck_assert_int_eq(feed(2, "SUBSCRIBE ch\r\n"), 0);
	ck_assert_int_eq(feed(3, "PSUBSCRIBE c*\r\n"), 0);
	H.p[0].outlen = H.p[2].outlen = H.p[3].outlen = 0;
	H.p[0].block = true;
	for (int i = 0; i < 200; i++) {
		/* A 100-byte payload: each message is about 130 bytes. */
		snprintf(req, sizeof(req), "PUBLISH ch %0100d\r\n", i);
		ck_assert_int_eq(feed(1, req), 0);
		if (H.p[0].closes && killed_at < 0)
			killed_at = i;
	}
	ck_assert_int_ge(killed_at, 25);
	ck_assert_int_le(killed_at, 40);
	ck_assert_int_eq(H.p[0].closes, 1);
	ck_assert_int_eq(H.closes, 1);
	ck_assert_uint_eq(rkv_conn_pending_output(H.p[0].c), 0);
	ck_assert_ptr_nonnull(strstr(H.log, "scheduled to be closed ASAP for "
					    "overcoming of output buffer "
					    "limits."));
	ck_assert_int_eq(node->stats.client_obuf_limit_disconnections, 1);
	/* The publisher got every reply; the killed client is still counted
	 * until the host frees it, as Redis counts a client closed ASAP. */
	ck_assert_uint_eq(H.p[1].outlen, 200 * 4);
	ck_assert(memcmp(H.p[1].out + 199 * 4, ":3\r\n", 4) == 0);
	/* The other subscribers got all 200 messages. */
	ck_assert_uint_eq(H.p[2].outlen, 200 * (4 + 13 + 8 + 6 + 100 + 2));
	ck_assert_uint_eq(H.p[3].outlen, 200 * (4 + 14 + 8 + 8 + 6 + 100 + 2));
	ck_assert_int_eq(feed(0, "PING\r\n"), RKV_ERR_CLOSED);
	free_peer(0);
	ck_assert_int_eq(feed(1, "PUBLISH ch x\r\n"), 0);
	ck_assert(memcmp(H.p[1].out + 200 * 4, ":2\r\n", 4) == 0);
}
END_TEST

START_TEST(soft_limit_uses_host_time)
{
	char req[256];

	node->obuf_limit[2].hard = 0;
	node->obuf_limit[2].soft = 1000;
	node->obuf_limit[2].soft_seconds = 5;
	ck_assert_int_eq(feed(0, "SUBSCRIBE ch\r\n"), 0);
	H.p[0].block = true;
	for (int i = 0; i < 20; i++) {
		snprintf(req, sizeof(req), "PUBLISH ch %0100d\r\n", i);
		ck_assert_int_eq(feed(1, req), 0);
	}
	ck_assert_int_eq(H.p[0].closes, 0); /* over, but not for long */
	H.clock_us += 6 * 1000000;
	ck_assert_int_eq(feed(1, "PUBLISH ch x\r\n"), 0);
	ck_assert_int_eq(H.p[0].closes, 1);
}
END_TEST

START_TEST(receiver_drains_when_writable)
{
	ck_assert_int_eq(feed(0, "SUBSCRIBE ch\r\n"), 0);
	H.p[0].outlen = 0;
	H.p[0].block = true;
	ck_assert_int_eq(feed(1, "PUBLISH ch a\r\nPUBLISH ch b\r\n"), 0);
	ck_assert_uint_eq(rkv_conn_pending_output(H.p[0].c), 2 * 32);
	H.p[0].block = false;
	ck_assert_int_eq(rkv_conn_writable(H.p[0].c), 0);
	expect_out(0, "*3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$1\r\na\r\n"
		      "*3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$1\r\nb\r\n");
}
END_TEST

START_TEST(quitting_subscriber_gets_no_more_messages)
{
	H.p[0].block = true;
	ck_assert_int_eq(feed(0, "SUBSCRIBE ch\r\nQUIT\r\n"), RKV_ERR_CLOSED);
	ck_assert_int_eq(feed(1, "PUBLISH ch a\r\n"), 0);
	expect_out(1, ":1\r\n");
	H.p[0].block = false;
	ck_assert_int_eq(rkv_conn_writable(H.p[0].c), RKV_ERR_CLOSED);
	expect_out(0, "*3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:1\r\n+OK\r\n");
	ck_assert_int_eq(H.p[0].closes, 1);
}
END_TEST

/* A model of the subscriptions checked against random operations on every
 * connection: PUBLISH counts, NUMSUB, NUMPAT and the per-client counters. */
START_TEST(random_operations_match_a_model)
{
	static const char *names[] = {"a", "b", "c", "ab", "ba", "abc"};
	static const char *pats[] = {"a*", "*b", "?", "*", "[ab]", "x*"};
	bool sub[NPEERS][6] = {{false}}, psub[NPEERS][6] = {{false}};
	unsigned seed = 12345;
	char req[128];

	for (int step = 0; step < 4000; step++) {
		int p, k, op;

		seed = seed * 1103515245u + 12345u;
		/* The last peer never subscribes: it asks PUBSUB NUMSUB. */
		p = (int)((seed >> 8) % (NPEERS - 1));
		k = (int)((seed >> 16) % 6);
		op = (int)((seed >> 20) % 8);
		H.p[p].outlen = 0;
		if (op == 0) {
			snprintf(req, sizeof(req), "SUBSCRIBE %s\r\n",
				 names[k]);
			sub[p][k] = true;
		} else if (op == 1) {
			snprintf(req, sizeof(req), "UNSUBSCRIBE %s\r\n",
				 names[k]);
			sub[p][k] = false;
		} else if (op == 2) {
			snprintf(req, sizeof(req), "PSUBSCRIBE %s\r\n",
				 pats[k]);
			psub[p][k] = true;
		} else if (op == 3) {
			snprintf(req, sizeof(req), "PUNSUBSCRIBE %s\r\n",
				 pats[k]);
			psub[p][k] = false;
		} else if (op == 4 && step % 7 == 0) {
			snprintf(req, sizeof(req), "RESET\r\n");
			memset(sub[p], 0, sizeof(sub[p]));
			memset(psub[p], 0, sizeof(psub[p]));
		} else if (op == 5 && step % 3 == 0) {
			snprintf(req, sizeof(req), "UNSUBSCRIBE\r\n");
			memset(sub[p], 0, sizeof(sub[p]));
		} else if (op == 6 && step % 3 == 0) {
			snprintf(req, sizeof(req), "PUNSUBSCRIBE\r\n");
			memset(psub[p], 0, sizeof(psub[p]));
		} else {
			/* Publish through the API: a subscribed RESP2 peer
			 * could not. */
			int expect = 0;
			size_t nsub = 0;
			char numsub[64];

			for (int q = 0; q < NPEERS; q++) {
				expect += sub[q][k];
				nsub += sub[q][k];
				for (int j = 0; j < 6; j++)
					expect += psub[q][j] &&
						  rkv_glob_match(
						      pats[j], strlen(pats[j]),
						      names[k],
						      strlen(names[k]), false);
			}
			ck_assert_int_eq(rkv_node_publish(node, names[k],
							  strlen(names[k]), "m",
							  1),
					 expect);
			snprintf(req, sizeof(req), "PUBSUB NUMSUB %s\r\n",
				 names[k]);
			snprintf(numsub, sizeof(numsub),
				 "*2\r\n$%zu\r\n%s\r\n:%zu\r\n",
				 strlen(names[k]), names[k], nsub);
			ck_assert_int_eq(feed(NPEERS - 1, req), 0);
			expect_out(NPEERS - 1, numsub);
			continue;
		}
		ck_assert_int_eq(feed(p, req), 0);
		{
			size_t ns = 0, np = 0;

			for (int j = 0; j < 6; j++) {
				ns += sub[p][j];
				np += psub[p][j];
			}
			ck_assert_uint_eq(H.p[p].c->nsub, ns);
			ck_assert_uint_eq(H.p[p].c->npsub, np);
			ck_assert(!!H.p[p].c->ps == !!(ns + np));
		}
	}
	/* Distinct channels and patterns. */
	{
		size_t nch = 0, npat = 0;

		for (int j = 0; j < 6; j++) {
			bool any = false, anyp = false;

			for (int q = 0; q < NPEERS; q++) {
				any |= sub[q][j];
				anyp |= psub[q][j];
			}
			nch += any;
			npat += anyp;
		}
		ck_assert_uint_eq(rkv_pubsub_channel_count(node), nch);
		ck_assert_uint_eq(rkv_pubsub_pattern_count(node), npat);
	}
}
END_TEST

START_TEST(many_channels_grow_and_shrink)
{
	char req[256];

	for (int i = 0; i < 2000; i++) {
		snprintf(req, sizeof(req), "SUBSCRIBE ch:%d\r\n", i);
		ck_assert_int_eq(feed(i % 2, req), 0);
	}
	ck_assert_uint_eq(rkv_pubsub_channel_count(node), 2000);
	ck_assert_int_eq(feed(2, "PUBLISH ch:1999 x\r\nPUBLISH ch:2000 x\r\n"),
			 0);
	expect_out(2, ":1\r\n:0\r\n");
	H.p[0].outlen = 0;
	ck_assert_int_eq(feed(0, "UNSUBSCRIBE\r\n"), 0);
	ck_assert_uint_eq(rkv_pubsub_channel_count(node), 1000);
	ck_assert_int_eq(feed(2, "PUBSUB NUMSUB ch:0 ch:1\r\n"), 0);
	expect_out(2, "*4\r\n$4\r\nch:0\r\n:0\r\n$4\r\nch:1\r\n:1\r\n");
	for (int i = 1; i < 2000; i += 2) {
		snprintf(req, sizeof(req), "UNSUBSCRIBE ch:%d\r\n", i);
		ck_assert_int_eq(feed(1, req), 0);
	}
	ck_assert_uint_eq(rkv_pubsub_channel_count(node), 0);
	ck_assert_ptr_null(H.p[1].c->ps);
}
END_TEST

/* ---------------------------------------------------------------------- */
/* Allocation                                                             */
/* ---------------------------------------------------------------------- */

START_TEST(subscriptions_free_everything)
{
	rkv_test_counting cnt = {0, 0, -1, false};
	long base;

	rkv_test_restart_counting(&cnt, stop_node, start_node);
	/* Warm the output buffers so they do not count as growth. */
	for (int i = 0; i < NPEERS; i++)
		ck_assert_int_eq(feed(i, "PING\r\n"), 0);
	base = cnt.live;
	ck_assert_int_eq(feed(0, "SUBSCRIBE a b c\r\nPSUBSCRIBE x* y*\r\n"), 0);
	ck_assert_int_eq(feed(1, "SUBSCRIBE a\r\nPSUBSCRIBE x*\r\n"), 0);
	ck_assert_int_gt(cnt.live, base);
	ck_assert_int_eq(feed(0, "UNSUBSCRIBE\r\nPUNSUBSCRIBE\r\n"), 0);
	ck_assert_int_eq(feed(1, "RESET\r\n"), 0);
	/* Only the node's (empty) pubsub state stays. */
	ck_assert_int_le(cnt.live, base + 1);
	ck_assert_int_eq(feed(2, "SUBSCRIBE q\r\nPSUBSCRIBE q*\r\n"), 0);
	stop_node(); /* frees the subscribed connection, then the node */
	ck_assert_int_eq(cnt.live, 0);
	start_node(NULL); /* for the fixture's teardown */
}
END_TEST

START_TEST(allocation_failures_leave_consistent_state)
{
	/* Fail the k-th allocation of a subscribe sequence, for every k: the
	 * reply is an error (or, if a reply could not be buffered, the
	 * connection closes), nothing leaks, and the state stays usable. */
	int oom_replies = 0, clean = 0;

	for (long k = 0; k < 40; k++) {
		rkv_test_counting cnt = {0, 0, -1, false};

		rkv_test_restart_counting(&cnt, stop_node, start_node);
		ck_assert_int_eq(feed(1, "PSUBSCRIBE z*\r\n"), 0);
		/* Output buffers allocated: the error replies fit. */
		ck_assert_int_eq(feed(0, "PING\r\n"), 0);
		ck_assert_int_eq(feed(2, "PING\r\n"), 0);
		H.p[0].outlen = H.p[1].outlen = H.p[2].outlen = 0;
		cnt.fail_after = cnt.total + k; /* that one fails */
		cnt.fail_once = true;
		feed(0, "SUBSCRIBE a b\r\nPSUBSCRIBE x* z*\r\n");
		cnt.fail_after = -1;
		if (!H.p[0].c->closing) {
			if (memmem(H.p[0].out, H.p[0].outlen,
				   "-ERR out of memory\r\n", 20))
				oom_replies++;
			else
				clean++;
		}
		/* Whatever succeeded is visible and consistent: only
		 * client 0 has channels; z* is client 1's too. */
		ck_assert_uint_eq(rkv_pubsub_channel_count(node),
				  H.p[0].c->nsub);
		ck_assert_uint_le(H.p[0].c->npsub, 2);
		ck_assert(!!H.p[0].c->ps ==
			  !!(H.p[0].c->nsub + H.p[0].c->npsub));
		ck_assert_int_eq(rkv_node_publish(node, "a", 1, "m", 1),
				 (int)(H.p[0].c->nsub >= 1));
		if (H.p[0].c->closing) {
			stop_node();
			ck_assert_int_eq(cnt.live, 0);
			start_node(NULL);
			continue;
		}
		ck_assert_int_eq(feed(0, "RESET\r\nSUBSCRIBE a\r\n"), 0);
		ck_assert_int_eq(feed(2, "PUBLISH a m\r\nPUBLISH zz m\r\n"), 0);
		expect_out(2, ":1\r\n:1\r\n");
		stop_node();
		ck_assert_int_eq(cnt.live, 0);
		start_node(NULL);
	}
	/* Both the failure paths and the no-failure case were reached. */
	ck_assert_int_ge(oom_replies, 8);
	ck_assert_int_ge(clean, 1);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("pubsub");
	TCase *tc = tcase_create("pubsub");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, subscriber_receives_published_message);
	tcase_add_test(tc, confirmations_count_channels_and_patterns);
	tcase_add_test(tc, patterns_deliver_pmessage_and_count_twice);
	tcase_add_test(tc, unsubscribe_variants);
	tcase_add_test(tc, resp3_uses_push_messages);
	tcase_add_test(tc, resp2_subscribed_mode_restricts_commands);
	tcase_add_test(tc, reset_leaves_everything_silently);
	tcase_add_test(tc, freeing_a_connection_drops_its_subscriptions);
	tcase_add_test(tc, pubsub_introspection);
	tcase_add_test(tc, pubsub_errors_and_help);
	tcase_add_test(tc, subscribe_inside_multi);
	tcase_add_test(tc, node_publish_api);
	tcase_add_test(tc, publish_is_propagated_but_no_change);
	tcase_add_test(tc, output_limit_kills_only_the_slow_subscriber);
	tcase_add_test(tc, soft_limit_uses_host_time);
	tcase_add_test(tc, receiver_drains_when_writable);
	tcase_add_test(tc, quitting_subscriber_gets_no_more_messages);
	tcase_add_test(tc, random_operations_match_a_model);
	tcase_add_test(tc, many_channels_grow_and_shrink);
	tcase_add_test(tc, subscriptions_free_everything);
	tcase_add_test(tc, allocation_failures_leave_consistent_state);
	suite_add_tcase(s, tc);
	return rkv_test_run(s);
}
