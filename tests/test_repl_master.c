/* Unit tests: the master side of replication (lib/repl.c, lib/cmd_repl.c):
 * the stream's bytes (SELECT, MULTI/EXEC wrapping, expiry DELs, PING),
 * SYNC/PSYNC with the diskless $EOF: snapshot and its back-pressure, the
 * stream held until the first ACK, +CONTINUE from the backlog, REPLCONF,
 * WAIT, min-replicas-to-write, INFO and ROLE, repl-backlog-ttl. Each
 * connection's output is captured separately; the clock is the test's. */
#define _GNU_SOURCE /* memmem */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "test_host.h"
#include "node.h"
#include "repl.h"
#include "snapshot.h"
#include "rkv.h"

/* One connection's captured output; `block`: the send callback accepts
 * nothing (a replica that does not read). */
typedef struct peer {
	rkv_conn *c;
	char *out;
	size_t len, cap;
	bool block;
	bool closed;
} peer;

static rkv_node *node;
static int64_t clock_us;
static char logbuf[1 << 16];
static size_t loglen;

static int64_t on_send(rkv_node *n, rkv_conn *c, const uint8_t *data,
		       size_t len, void *ud)
{
	peer *p = rkv_conn_user_data(c);

	(void)n;
	(void)ud;
	if (p->block)
		return RKV_ERR_WOULDBLOCK;
	if (p->len + len + 1 > p->cap) {
		p->cap = (p->len + len + 1) * 2;
		p->out = realloc(p->out, p->cap);
		ck_assert_ptr_nonnull(p->out);
	}
	memcpy(p->out + p->len, data, len);
	p->len += len;
	p->out[p->len] = '\0';
	return (int64_t)len;
}

static void on_close(rkv_node *n, rkv_conn *c, void *ud)
{
	peer *p = rkv_conn_user_data(c);

	(void)n;
	(void)ud;
	p->closed = true;
}

static void on_log(rkv_node *n, rkv_log_level level, const char *line, void *ud)
{
	size_t l = strlen(line);

	(void)n;
	(void)level;
	(void)ud;
	if (loglen + l + 2 < sizeof(logbuf)) {
		memcpy(logbuf + loglen, line, l);
		loglen += l;
		logbuf[loglen++] = '\n';
		logbuf[loglen] = '\0';
	}
}

static int64_t on_clock(rkv_node *n, void *ud)
{
	(void)n;
	(void)ud;
	return clock_us;
}

static int cfg(const char *name, const char *value)
{
	return rkv_node_config_set(node, name, &value, 1, NULL, 0);
}

static rkv_test_counting counting = {0, 0, -1, false};

static void setup(void)
{
	rkv_callbacks *cbs;
	rkv_options *opts = rkv_test_counting_options(&counting);

	ck_assert_int_eq(rkv_callbacks_new(&cbs), 0);
	rkv_callbacks_set_send(cbs, on_send);
	rkv_callbacks_set_close(cbs, on_close);
	rkv_callbacks_set_log(cbs, on_log);
	rkv_callbacks_set_clock(cbs, on_clock);
	rkv_options_set_seed(opts, 7);
	rkv_options_set_enable_debug_command(opts, RKV_PROTECTED_YES);
	clock_us = 1700000000000000LL;
	loglen = 0;
	logbuf[0] = '\0';
	ck_assert_int_eq(rkv_node_new(&node, cbs, opts, NULL), 0);
	rkv_callbacks_free(cbs);
	rkv_options_free(opts);
	ck_assert_int_eq(cfg("repl-diskless-sync-delay", "0"), 0);
}

static void teardown(void)
{
	rkv_node_free(node);
}

static peer *connect_peer(const char *addr)
{
	peer *p = calloc(1, sizeof(*p));

	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(rkv_conn_new(node, &p->c, p), 0);
	rkv_conn_set_addr(p->c, addr);
	return p;
}

static void free_peer(peer *p)
{
	rkv_conn_free(p->c);
	free(p->out);
	free(p);
}

/* Forget what p received so far. */
static void drain(peer *p)
{
	p->len = 0;
	if (p->out)
		p->out[0] = '\0';
}

/* Send an inline-free RESP command built from a space-separated line. */
static void send_cmd(peer *p, const char *line)
{
	char buf[4096], copy[1024], *argv[32], *tok, *save = NULL;
	size_t n = 0, argc = 0;

	snprintf(copy, sizeof(copy), "%s", line);
	for (tok = strtok_r(copy, " ", &save); tok;
	     tok = strtok_r(NULL, " ", &save))
		argv[argc++] = tok;
	n += (size_t)snprintf(buf + n, sizeof(buf) - n, "*%zu\r\n", argc);
	for (size_t i = 0; i < argc; i++)
		n +=
		    (size_t)snprintf(buf + n, sizeof(buf) - n, "$%zu\r\n%s\r\n",
				     strlen(argv[i]), argv[i]);
	rkv_conn_recv(p->c, (const uint8_t *)buf, n);
	/* The host's event loop goes on: replicas get the stream. */
	rkv_node_background(node, 1000);
}

/* The reply to one command (p's output drained first). */
static const char *call(peer *p, const char *line)
{
	drain(p);
	send_cmd(p, line);
	return p->out ? p->out : "";
}

static void finish_syncs(void)
{
	for (int i = 0; i < 100000 && rkv_node_background(node, 1000) == 1; i++)
		;
}

/* A replica attached with PSYNC ? -1 (capa eof psync2), its full sync
 * done and acknowledged: its output drained, streaming. */
static peer *attach_replica(const char *addr, int port)
{
	peer *s = connect_peer(addr);
	char line[64], ack[64];

	snprintf(line, sizeof(line), "REPLCONF listening-port %d", port);
	ck_assert_str_eq(call(s, line), "+OK\r\n");
	ck_assert_str_eq(call(s, "REPLCONF capa eof capa psync2"), "+OK\r\n");
	drain(s);
	send_cmd(s, "PSYNC ? -1");
	finish_syncs();
	ck_assert(strncmp(s->out, "+FULLRESYNC ", 12) == 0);
	snprintf(ack, sizeof(ack), "REPLCONF ACK %lld", node->repl.offset);
	drain(s);
	send_cmd(s, ack);
	return s;
}

static const char *const sel0 = "*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n";

START_TEST(no_replica_no_stream)
{
	peer *p = connect_peer("127.0.0.1:5000");

	ck_assert_str_eq(call(p, "SET a 1"), "+OK\r\n");
	ck_assert_int_eq(node->repl.offset, 0);
	ck_assert_ptr_null(node->repl.backlog);
	free_peer(p);
}
END_TEST

START_TEST(full_sync_eof_form)
{
	peer *p = connect_peer("127.0.0.1:5000");
	peer *s = connect_peer("127.0.0.1:6001");
	char old_id[41], want[128], mark[41];
	const char *rdb, *end;
	rkv_loader *l;
	rkv_node *other;
	rkv_callbacks *cbs;

	ck_assert_str_eq(call(p, "SET a 1"), "+OK\r\n");
	ck_assert_str_eq(call(p, "SELECT 3"), "+OK\r\n");
	ck_assert_str_eq(call(p, "SET b 2"), "+OK\r\n");
	memcpy(old_id, node->repl.replid, 41);
	ck_assert_str_eq(call(s, "REPLCONF listening-port 6380"), "+OK\r\n");
	ck_assert_str_eq(call(s, "REPLCONF capa eof capa psync2"), "+OK\r\n");
	drain(s);
	send_cmd(s, "PSYNC ? -1");
	finish_syncs();
	/* The first replica: backlog created with a new ID. */
	ck_assert_ptr_nonnull(node->repl.backlog);
	ck_assert_str_ne(node->repl.replid, old_id);
	snprintf(want, sizeof(want),
		 "+FULLRESYNC %s 0\r\n$EOF:", node->repl.replid);
	ck_assert(strncmp(s->out, want, strlen(want)) == 0);
	memcpy(mark, s->out + strlen(want), 40);
	mark[40] = '\0';
	rdb = s->out + strlen(want) + 42;
	end = s->out + s->len - 40;
	ck_assert(memcmp(end, mark, 40) == 0);
	ck_assert(memcmp(rdb, "REDIS0010", 9) == 0);
	/* The RDB loads, with its two keys and the replication AUX. */
	ck_assert_ptr_nonnull(memmem(rdb, (size_t)(end - rdb), "repl-id", 7));
	ck_assert_ptr_nonnull(
	    memmem(rdb, (size_t)(end - rdb), node->repl.replid, 40));
	ck_assert_int_eq(rkv_callbacks_new(&cbs), 0);
	ck_assert_int_eq(rkv_node_new(&other, cbs, NULL, NULL), 0);
	rkv_callbacks_free(cbs);
	ck_assert_int_eq(rkv_node_load_begin(other, &l), 0);
	ck_assert_int_ge(rkv_loader_feed(l, rdb, (size_t)(end - rdb)), 0);
	ck_assert_int_eq(rkv_loader_end(l), 0);
	rkv_loader_free(l);
	ck_assert_uint_eq(rkv_keyspace_size(&other->ks, 0), 1);
	ck_assert_uint_eq(rkv_keyspace_size(&other->ks, 3), 1);
	rkv_node_free(other);
	ck_assert_ptr_nonnull(strstr(logbuf, "Replica 127.0.0.1:6380 asks for "
					     "synchronization\n"));
	ck_assert_ptr_nonnull(strstr(logbuf, "Full resync requested by "
					     "replica 127.0.0.1:6380\n"));
	ck_assert_ptr_nonnull(strstr(logbuf, "Starting BGSAVE for SYNC with "
					     "target: replicas sockets\n"));
	ck_assert_ptr_nonnull(strstr(logbuf, "Synchronization with replica "
					     "127.0.0.1:6380 succeeded\n"));
	/* Writes after the snapshot wait for the first ACK. */
	drain(s);
	ck_assert_str_eq(call(p, "SET c 3"), "+OK\r\n");
	ck_assert_uint_eq(s->len, 0);
	send_cmd(s, "REPLCONF ACK 0");
	ck_assert_str_eq(s->out, "*2\r\n$6\r\nSELECT\r\n$1\r\n3\r\n"
				 "*3\r\n$3\r\nSET\r\n$1\r\nc\r\n$1\r\n3\r\n");
	ck_assert_int_eq(node->repl.offset, 23 + 27);
	ck_assert_int_eq(node->repl.sync_full, 1);
	free_peer(s);
	free_peer(p);
}
END_TEST

START_TEST(stream_forms)
{
	peer *p = connect_peer("127.0.0.1:5000");
	peer *s = attach_replica("127.0.0.1:6001", 6380);

	ck_assert_str_eq(call(p, "SET k v"), "+OK\r\n");
	ck_assert_str_eq(s->out, "*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n"
				 "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n");
	/* One write in a transaction: not wrapped (Redis 7.0). */
	drain(s);
	call(p, "MULTI");
	call(p, "SET k w");
	call(p, "GET k");
	call(p, "EXEC");
	ck_assert_str_eq(s->out, "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nw\r\n");
	/* Several, in two dbs: SELECT before MULTI, then inside. */
	drain(s);
	call(p, "MULTI");
	call(p, "SET x 1");
	call(p, "SELECT 5");
	call(p, "INCR y");
	ck_assert_str_eq(call(p, "EXEC"), "*3\r\n+OK\r\n+OK\r\n:1\r\n");
	ck_assert_str_eq(s->out, "*1\r\n$5\r\nMULTI\r\n"
				 "*3\r\n$3\r\nSET\r\n$1\r\nx\r\n$1\r\n1\r\n"
				 "*2\r\n$6\r\nSELECT\r\n$1\r\n5\r\n"
				 "*2\r\n$4\r\nINCR\r\n$1\r\ny\r\n"
				 "*1\r\n$4\r\nEXEC\r\n");
	/* A transaction without writes: nothing. */
	drain(s);
	call(p, "MULTI");
	call(p, "GET y");
	call(p, "EXEC");
	ck_assert_uint_eq(s->len, 0);
	/* Expiry: SET PX is sent as PXAT; the expired key's DEL follows. */
	call(p, "SET e 1 PX 100");
	ck_assert_ptr_nonnull(strstr(s->out, "$4\r\nPXAT\r\n"));
	drain(s);
	clock_us += 200000;
	rkv_node_tick(node, clock_us / 1000);
	ck_assert_ptr_nonnull(strstr(s->out, "*2\r\n$3\r\nDEL\r\n$1\r\ne\r\n"));
	/* Offsets: the backlog holds the whole stream. */
	ck_assert_int_eq(node->repl.histlen, node->repl.offset);
	free_peer(s);
	free_peer(p);
}
END_TEST

START_TEST(ping_and_timeout)
{
	peer *s = attach_replica("127.0.0.1:6001", 6380);
	long long off;

	rkv_node_tick(node, clock_us / 1000); /* the period starts */
	drain(s);
	off = node->repl.offset;
	clock_us += 9 * 1000000LL;
	rkv_node_tick(node, clock_us / 1000);
	ck_assert_uint_eq(s->len, 0);
	clock_us += 1000000LL;
	rkv_node_tick(node, clock_us / 1000);
	ck_assert_str_eq(s->out, "*1\r\n$4\r\nPING\r\n");
	ck_assert_int_eq(node->repl.offset, off + 14);
	/* No ACK for repl-timeout (60 s): dropped. */
	clock_us += 61 * 1000000LL;
	rkv_node_tick(node, clock_us / 1000);
	ck_assert(s->closed);
	ck_assert_ptr_nonnull(strstr(logbuf, "Disconnecting timedout replica "
					     "(streaming sync): "
					     "127.0.0.1:6380\n"));
	free_peer(s);
}
END_TEST

START_TEST(partial_resync)
{
	peer *p = connect_peer("127.0.0.1:5000");
	peer *s = attach_replica("127.0.0.1:6001", 6380);
	peer *s2;
	char line[128], want[256];
	long long off;

	call(p, "SET a 1");
	off = node->repl.offset;
	free_peer(s);
	ck_assert_ptr_nonnull(strstr(logbuf, "Connection with replica "
					     "127.0.0.1:6380 lost.\n"));
	call(p, "SET b 2");
	/* Continue from off + 1: the bytes of SET b 2. */
	s2 = connect_peer("127.0.0.1:6002");
	call(s2, "REPLCONF listening-port 6380");
	call(s2, "REPLCONF capa eof capa psync2");
	snprintf(line, sizeof(line), "PSYNC %s %lld", node->repl.replid,
		 off + 1);
	call(s2, line);
	snprintf(want, sizeof(want),
		 "+CONTINUE %s\r\n*3\r\n$3\r\nSET\r\n$1\r\nb\r\n$1\r\n2\r\n",
		 node->repl.replid);
	ck_assert_str_eq(s2->out, want);
	snprintf(want, sizeof(want),
		 "Partial resynchronization request from 127.0.0.1:6380 "
		 "accepted. Sending 27 bytes of backlog starting from offset "
		 "%lld.\n",
		 off + 1);
	ck_assert_ptr_nonnull(strstr(logbuf, want));
	ck_assert_int_eq(node->repl.sync_partial_ok, 1);
	/* Online at once: the next write streams. */
	drain(s2);
	call(p, "SET c 3");
	ck_assert_str_eq(s2->out, "*3\r\n$3\r\nSET\r\n$1\r\nc\r\n$1\r\n3\r\n");
	free_peer(s2);
	/* Without capa psync2: +CONTINUE alone; an offset past the end, a
	 * bad ID or a non-number: full resync. */
	s2 = connect_peer("127.0.0.1:6003");
	snprintf(line, sizeof(line), "PSYNC %s %lld", node->repl.replid,
		 node->repl.offset + 1);
	ck_assert_str_eq(call(s2, line), "+CONTINUE\r\n");
	free_peer(s2);
	s2 = connect_peer("127.0.0.1:6004");
	snprintf(line, sizeof(line), "PSYNC %s %lld", node->repl.replid,
		 node->repl.offset + 2);
	call(s2, line);
	ck_assert(strncmp(s2->out, "+FULLRESYNC", 11) == 0);
	ck_assert_ptr_nonnull(strstr(logbuf, "for lack of backlog"));
	free_peer(s2);
	s2 = connect_peer("127.0.0.1:6005");
	call(s2, "PSYNC 0123456789012345678901234567890123456789 1");
	ck_assert(strncmp(s2->out, "+FULLRESYNC", 11) == 0);
	ck_assert_ptr_nonnull(strstr(logbuf, "Replication ID mismatch"));
	free_peer(s2);
	s2 = connect_peer("127.0.0.1:6006");
	snprintf(line, sizeof(line), "PSYNC %s x", node->repl.replid);
	ck_assert_str_eq(call(s2, line),
			 "-ERR value is not an integer or out of range\r\n");
	ck_assert_ptr_nonnull(strstr(logbuf, "Replica 127.0.0.1:<unknown-"
					     "replica-port> asks for "
					     "synchronization but with a "
					     "wrong offset\n"));
	free_peer(s2);
	/* Our ID with more after it is not our ID. */
	s2 = connect_peer("127.0.0.1:6007");
	snprintf(line, sizeof(line), "PSYNC %s0 %lld", node->repl.replid,
		 node->repl.offset + 1);
	call(s2, line);
	ck_assert(strncmp(s2->out, "+FULLRESYNC", 11) == 0);
	free_peer(s2);
	ck_assert_int_eq(node->repl.sync_partial_err, 3);
	free_peer(p);
}
END_TEST

START_TEST(back_pressure)
{
	peer *p = connect_peer("127.0.0.1:5000");
	peer *s = connect_peer("127.0.0.1:6001");
	int64_t before;

	/* ~3.5 MB of RDB. */
	ck_assert_int_eq(cfg("rdbcompression", "no"), 0);
	ck_assert_str_eq(call(p, "DEBUG POPULATE 30000 key 100"), "+OK\r\n");
	call(s, "REPLCONF capa eof");
	s->block = true;
	send_cmd(s, "PSYNC ? -1");
	for (int i = 0; i < 1000; i++)
		rkv_node_background(node, 1000);
	/* The snapshot waits for the socket: about 1 MB queued, not 3. */
	ck_assert_uint_lt(rkv_conn_pending_output(s->c), 1200 * 1024);
	ck_assert_int_eq(rkv_node_background(node, 1000), 0);
	/* Writes meanwhile are held, not sent. */
	before = (int64_t)rkv_conn_pending_output(s->c);
	call(p, "SET key:1 changed");
	ck_assert_int_eq((int64_t)rkv_conn_pending_output(s->c), before);
	s->block = false;
	for (int i = 0; i < 100000; i++) {
		rkv_conn_writable(s->c);
		if (rkv_node_background(node, 1000) == 0 &&
		    node->repl.replicas->state == RKV_REPLICA_ONLINE)
			break;
	}
	rkv_conn_writable(s->c);
	ck_assert_int_eq(node->repl.replicas->state, RKV_REPLICA_ONLINE);
	ck_assert_uint_gt(s->len, 3000000);
	drain(s);
	send_cmd(s, "REPLCONF ACK 1");
	ck_assert_ptr_nonnull(strstr(s->out, "changed"));
	free_peer(s);
	free_peer(p);
}
END_TEST

START_TEST(wait_and_min_replicas)
{
	peer *p = connect_peer("127.0.0.1:5000");
	peer *s;
	char ack[64];

	ck_assert_str_eq(call(p, "WAIT 0 0"), ":0\r\n");
	/* No replica: the timeout answers, from the tick. */
	call(p, "WAIT 1 100");
	ck_assert_uint_eq(p->len, 0);
	send_cmd(p, "PING"); /* queued behind the WAIT */
	ck_assert_uint_eq(p->len, 0);
	clock_us += 150000;
	rkv_node_tick(node, clock_us / 1000);
	ck_assert_str_eq(p->out, ":0\r\n+PONG\r\n");
	ck_assert_str_eq(call(p, "WAIT x 1"),
			 "-ERR value is not an integer or out of range\r\n");
	ck_assert_str_eq(call(p, "WAIT 1 x"), "-ERR timeout is not an integer "
					      "or out of range\r\n");
	ck_assert_str_eq(call(p, "WAIT 1 -1"), "-ERR timeout is negative\r\n");
	/* A replica acknowledging the write wakes the WAIT. */
	s = attach_replica("127.0.0.1:6001", 6380);
	call(p, "SET a 1");
	drain(s);
	call(p, "WAIT 1 0");
	ck_assert_uint_eq(p->len, 0);
	ck_assert_str_eq(s->out, "*3\r\n$8\r\nREPLCONF\r\n$6\r\nGETACK\r\n"
				 "$1\r\n*\r\n");
	snprintf(ack, sizeof(ack), "REPLCONF ACK %lld", node->repl.offset);
	send_cmd(s, ack);
	ck_assert_str_eq(p->out, ":1\r\n");
	ck_assert_uint_eq(s->len, 37); /* no reply to the ACK */
	/* min-replicas-to-write */
	ck_assert_int_eq(cfg("min-replicas-to-write", "2"), 0);
	ck_assert_str_eq(call(p, "SET a 2"), "-NOREPLICAS Not enough good "
					     "replicas to write.\r\n");
	ck_assert_str_eq(call(p, "GET a"), "$1\r\n1\r\n");
	ck_assert_int_eq(cfg("min-replicas-to-write", "1"), 0);
	ck_assert_str_eq(call(p, "SET a 2"), "+OK\r\n");
	/* Lag over min-replicas-max-lag: refused. */
	clock_us += 11 * 1000000LL;
	rkv_node_tick(node, clock_us / 1000);
	ck_assert_str_eq(call(p, "SET a 3"), "-NOREPLICAS Not enough good "
					     "replicas to write.\r\n");
	free_peer(s);
	free_peer(p);
}
END_TEST

START_TEST(info_role_backlog_ttl)
{
	peer *p = connect_peer("127.0.0.1:5000");
	peer *s = attach_replica("127.0.0.1:6001", 6380);
	char id[41], ack[64];

	call(p, "SET a 1");
	snprintf(ack, sizeof(ack), "REPLCONF ACK %lld", node->repl.offset);
	send_cmd(s, ack);
	call(p, "INFO replication");
	ck_assert_ptr_nonnull(strstr(p->out, "connected_slaves:1\r\n"));
	snprintf(ack, sizeof(ack),
		 "slave0:ip=127.0.0.1,port=6380,state=online,offset=%lld,"
		 "lag=0\r\n",
		 node->repl.offset);
	ck_assert_ptr_nonnull(strstr(p->out, ack));
	call(p, "ROLE");
	snprintf(ack, sizeof(ack),
		 "*3\r\n$6\r\nmaster\r\n:%lld\r\n*1\r\n*3\r\n$9\r\n127.0.0.1"
		 "\r\n$4\r\n6380\r\n",
		 node->repl.offset);
	ck_assert(strncmp(p->out, ack, strlen(ack)) == 0);
	/* repl-backlog-ttl after the last replica left: a new history. */
	free_peer(s);
	memcpy(id, node->repl.replid, 41);
	ck_assert_int_eq(cfg("repl-backlog-ttl", "5"), 0);
	clock_us += 2 * 1000000LL;
	rkv_node_tick(node, clock_us / 1000);
	ck_assert_ptr_nonnull(node->repl.backlog);
	clock_us += 4 * 1000000LL;
	rkv_node_tick(node, clock_us / 1000);
	ck_assert_ptr_null(node->repl.backlog);
	ck_assert_str_ne(node->repl.replid, id);
	ck_assert_ptr_nonnull(strstr(logbuf, "Replication backlog freed after "
					     "5 seconds without connected "
					     "replicas.\n"));
	free_peer(p);
}
END_TEST

START_TEST(old_sync_len_form)
{
	peer *p = connect_peer("127.0.0.1:5000");
	peer *s = connect_peer("127.0.0.1:6001");
	size_t n;

	call(p, "SET a 1");
	send_cmd(s, "SYNC");
	finish_syncs();
	ck_assert(s->out[0] == '$');
	n = strtoul(s->out + 1, NULL, 10);
	ck_assert(memcmp(strstr(s->out, "\r\n") + 2, "REDIS0010", 9) == 0);
	ck_assert_uint_eq(s->len,
			  (size_t)(strstr(s->out, "\r\n") + 2 - s->out) + n);
	/* Streaming at once, no ACK needed. */
	drain(s);
	call(p, "SET b 2");
	ck_assert_str_eq(s->out, "*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n"
				 "*3\r\n$3\r\nSET\r\n$1\r\nb\r\n$1\r\n2\r\n");
	free_peer(s);
	free_peer(p);
}
END_TEST

START_TEST(replconf_errors)
{
	peer *p = connect_peer("127.0.0.1:5000");

	ck_assert_str_eq(call(p, "REPLCONF"), "+OK\r\n");
	ck_assert_str_eq(call(p, "REPLCONF listening-port"),
			 "-ERR syntax error\r\n");
	ck_assert_str_eq(call(p, "REPLCONF foo bar"),
			 "-ERR Unrecognized REPLCONF option: foo\r\n");
	ck_assert_str_eq(call(p, "REPLCONF ACK 5"), "");
	/* SYNC and PSYNC: not in MULTI, not after pending output. */
	call(p, "MULTI");
	ck_assert_str_eq(call(p, "PSYNC ? -1"),
			 "-ERR Command not allowed inside a transaction\r\n");
	ck_assert_str_eq(call(p, "SYNC"),
			 "-ERR Command not allowed inside a transaction\r\n");
	ck_assert_str_eq(call(p, "EXEC"),
			 "-EXECABORT Transaction discarded because of "
			 "previous errors.\r\n");
	drain(p);
	{
		static const char two[] = "*1\r\n$4\r\nPING\r\n*3\r\n$5\r\n"
					  "PSYNC\r\n$1\r\n?\r\n$2\r\n-1\r\n";

		rkv_conn_recv(p->c, (const uint8_t *)two, sizeof(two) - 1);
	}
	ck_assert_str_eq(p->out, "+PONG\r\n-ERR SYNC and PSYNC are invalid "
				 "with pending output\r\n");
	ck_assert_ptr_null(node->repl.replicas);
	free_peer(p);
}
END_TEST

/* Allocations made by n INCRs of an existing counter (replies drained). */
static long incr_allocs(peer *p, int n)
{
	long before = counting.total;

	for (int i = 0; i < n; i++) {
		drain(p);
		send_cmd(p, "INCR ctr");
	}
	return counting.total - before;
}

START_TEST(propagation_allocates_nothing)
{
	peer *p = connect_peer("127.0.0.1:5000");
	peer *s, *s2;

	call(p, "SET ctr 1");
	incr_allocs(p, 100); /* warm up */
	ck_assert_int_eq(incr_allocs(p, 1000), 0);
	s = attach_replica("127.0.0.1:6001", 6380);
	s2 = attach_replica("127.0.0.1:6002", 6381);
	incr_allocs(p, 100);
	/* Two replicas streaming: still none per write. */
	ck_assert_int_eq(incr_allocs(p, 1000), 0);
	drain(s);
	incr_allocs(p, 1);
	ck_assert_str_eq(s->out, "*2\r\n$4\r\nINCR\r\n$3\r\nctr\r\n");
	free_peer(s2);
	free_peer(s);
	free_peer(p);
}
END_TEST

START_TEST(continue_through_secondary_id)
{
	peer *p = connect_peer("127.0.0.1:5000");
	peer *s = attach_replica("127.0.0.1:6001", 6380);
	char old[41], line[128], want[128];
	long long off;

	call(p, "SET a 1");
	memcpy(old, node->repl.replid, 41);
	off = node->repl.offset;
	free_peer(s);
	/* A promotion: the old ID stays valid up to off + 1. */
	rkv_repl_shift_replid(node);
	call(p, "SET b 2");
	s = connect_peer("127.0.0.1:6002");
	call(s, "REPLCONF capa psync2");
	snprintf(line, sizeof(line), "PSYNC %s %lld", old, off + 1);
	snprintf(want, sizeof(want), "+CONTINUE %s\r\n", node->repl.replid);
	ck_assert(strncmp(call(s, line), want, strlen(want)) == 0);
	/* The new ID's stream: SELECT again, then SET b 2. */
	ck_assert_str_eq(s->out + strlen(want),
			 "*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n"
			 "*3\r\n$3\r\nSET\r\n$1\r\nb\r\n$1\r\n2\r\n");
	free_peer(s);
	/* Past the offset the old ID is valid up to: full resync. */
	s = connect_peer("127.0.0.1:6003");
	snprintf(line, sizeof(line), "PSYNC %s %lld", old, off + 2);
	ck_assert(strncmp(call(s, line), "+FULLRESYNC", 11) == 0);
	ck_assert_ptr_nonnull(strstr(logbuf, "Requested offset for second ID "
					     "was"));
	free_peer(s);
	free_peer(p);
}
END_TEST

START_TEST(replica_output_limit)
{
	peer *p = connect_peer("127.0.0.1:5000");
	peer *s = attach_replica("127.0.0.1:6001", 6380);
	char big[1024];

	ck_assert_int_eq(cfg("client-output-buffer-limit", "replica 65536 0 0"),
			 0);
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	s->block = true;
	for (int i = 0; i < 100 && !s->closed; i++) {
		char line[1100];

		snprintf(line, sizeof(line), "SET k%d %s", i, big);
		call(p, line);
	}
	ck_assert(s->closed);
	ck_assert_ptr_nonnull(strstr(logbuf, "scheduled to be closed ASAP for "
					     "overcoming of output buffer "
					     "limits."));
	free_peer(s);
	ck_assert_ptr_null(node->repl.replicas);
	free_peer(p);
}
END_TEST

START_TEST(more_replicas_than_snapshots)
{
	peer *p = connect_peer("127.0.0.1:5000");
	peer *s[RKV_SNAPSHOT_MAX + 1];
	int n = RKV_SNAPSHOT_MAX + 1, waiting = 0, online = 0;

	ck_assert_str_eq(call(p, "DEBUG POPULATE 20000 key 100"), "+OK\r\n");
	ck_assert_int_eq(cfg("rdbcompression", "no"), 0);
	for (int i = 0; i < n; i++) {
		char addr[32];

		snprintf(addr, sizeof(addr), "127.0.0.1:%d", 7000 + i);
		s[i] = connect_peer(addr);
		call(s[i], "REPLCONF capa eof");
		s[i]->block = true;
		send_cmd(s[i], "PSYNC ? -1");
	}
	for (rkv_replica *r = node->repl.replicas; r; r = r->next)
		waiting += r->state == RKV_REPLICA_WAIT_START;
	ck_assert_int_eq(waiting, 1);
	ck_assert_ptr_nonnull(strstr(logbuf, "will retry"));
	for (int i = 0; i < n; i++)
		s[i]->block = false;
	for (int round = 0; round < 100000 && online < n; round++) {
		clock_us += 1000;
		rkv_node_tick(node, clock_us / 1000);
		for (int i = 0; i < n; i++)
			rkv_conn_writable(s[i]->c);
		online = 0;
		for (rkv_replica *r = node->repl.replicas; r; r = r->next)
			online += r->state == RKV_REPLICA_ONLINE;
	}
	ck_assert_int_eq(online, n);
	for (int i = 0; i < n; i++) {
		ck_assert(!s[i]->closed);
		free_peer(s[i]);
	}
	free_peer(p);
}
END_TEST

START_TEST(backlog_resized)
{
	peer *p = connect_peer("127.0.0.1:5000");
	peer *s = attach_replica("127.0.0.1:6001", 6380);
	char line[200];
	long long off;
	rkv_buf all;

	for (int i = 0; i < 1000; i++) {
		snprintf(line, sizeof(line), "SET key%d value%d", i, i);
		call(p, line);
	}
	rkv_buf_init(&all, rkv_node_alloc(node));
	rkv_repl_backlog_copy(node, node->repl.first_byte, &all);
	ck_assert_int_eq((long long)all.len, node->repl.offset);
	/* Smaller: the tail stays. */
	ck_assert_int_eq(cfg("repl-backlog-size", "16384"), 0);
	clock_us += 1000000;
	rkv_node_tick(node, clock_us / 1000);
	off = node->repl.offset;
	ck_assert_int_eq(node->repl.backlog_size, 16384);
	ck_assert_int_gt(off, 16384);
	ck_assert_int_eq(node->repl.histlen, 16384);
	ck_assert_int_eq(node->repl.first_byte + node->repl.histlen, off + 1);
	{
		rkv_buf tail;

		rkv_buf_init(&tail, rkv_node_alloc(node));
		rkv_repl_backlog_copy(node, node->repl.first_byte, &tail);
		ck_assert(memcmp(rkv_buf_head(&tail),
				 rkv_buf_head(&all) + all.len - tail.len,
				 tail.len) == 0);
		rkv_buf_free(&tail);
	}
	/* And it goes on working: wraps, continues. */
	for (int i = 0; i < 1000; i++) {
		snprintf(line, sizeof(line), "SET key%d value%d", i, i);
		call(p, line);
	}
	ck_assert_int_eq(node->repl.histlen, 16384);
	ck_assert_int_eq(node->repl.first_byte + node->repl.histlen,
			 node->repl.offset + 1);
	rkv_buf_free(&all);
	free_peer(s);
	free_peer(p);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("repl_master");
	TCase *tc = tcase_create("master");

	(void)sel0;
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, no_replica_no_stream);
	tcase_add_test(tc, full_sync_eof_form);
	tcase_add_test(tc, stream_forms);
	tcase_add_test(tc, ping_and_timeout);
	tcase_add_test(tc, partial_resync);
	tcase_add_test(tc, back_pressure);
	tcase_add_test(tc, wait_and_min_replicas);
	tcase_add_test(tc, info_role_backlog_ttl);
	tcase_add_test(tc, old_sync_len_form);
	tcase_add_test(tc, replconf_errors);
	tcase_add_test(tc, propagation_allocates_nothing);
	tcase_add_test(tc, continue_through_secondary_id);
	tcase_add_test(tc, replica_output_limit);
	tcase_add_test(tc, more_replicas_than_snapshots);
	tcase_add_test(tc, backlog_resized);
	suite_add_tcase(s, tc);
	return rkv_test_run(s);
}
