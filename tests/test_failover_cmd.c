/* Unit tests: CLIENT PAUSE / UNPAUSE and FAILOVER (lib/failover.c), with
 * in-process nodes wired by a fake network: every connection's send
 * callback captures its bytes and pump() delivers them to the other end
 * (the connect callback pairs an outbound connection with an accepted one
 * on the node listening on that port, or with a scripted fake server the
 * test answers by hand). The clock is the test's. */
#define _GNU_SOURCE /* memmem */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "node.h"
#include "repl.h"
#include "rkv.h"

#define MAX_EPS	  64
#define MAX_NODES 3
#define FAKE_PORT 7009

/* One end of a connection. */
typedef struct ep {
	rkv_node *node; /* NULL: the scripted fake server's end */
	rkv_conn *c;
	struct ep *peer; /* NULL: a test client (buf holds its replies) */
	char *buf;	 /* bytes c sent, not yet delivered */
	size_t len, cap;
	bool closed;	      /* the node's close callback fired */
	bool connect_pending; /* outbound: rkv_conn_connected() to call */
	bool freed;
} ep;

typedef struct net {
	rkv_node *nodes[MAX_NODES];
	int ports[MAX_NODES];
	char logs[MAX_NODES][1 << 16];
	size_t loglen[MAX_NODES];
	ep *eps[MAX_EPS];
	int neps;
	int next_port;
	ep *fake; /* the fake server's end, once connected to */
} net;

static net N;
static int64_t clock_us;
static rkv_node *A, *B;

static int node_index(rkv_node *n)
{
	for (int i = 0; i < MAX_NODES; i++)
		if (N.nodes[i] == n)
			return i;
	return -1;
}

static ep *ep_new(rkv_node *node)
{
	ep *e = calloc(1, sizeof(*e));

	ck_assert_ptr_nonnull(e);
	ck_assert_int_lt(N.neps, MAX_EPS);
	e->node = node;
	N.eps[N.neps++] = e;
	return e;
}

static void ep_append(ep *e, const void *data, size_t len)
{
	if (e->len + len + 1 > e->cap) {
		e->cap = (e->len + len + 1) * 2;
		e->buf = realloc(e->buf, e->cap);
		ck_assert_ptr_nonnull(e->buf);
	}
	memcpy(e->buf + e->len, data, len);
	e->len += len;
	e->buf[e->len] = '\0';
}

static int64_t on_send(rkv_node *n, rkv_conn *c, const uint8_t *data,
		       size_t len, void *ud)
{
	(void)n;
	(void)ud;
	ep_append(rkv_conn_user_data(c), data, len);
	return (int64_t)len;
}

static void on_close(rkv_node *n, rkv_conn *c, void *ud)
{
	ep *e = rkv_conn_user_data(c);

	(void)n;
	(void)ud;
	e->closed = true;
}

static void on_log(rkv_node *n, rkv_log_level level, const char *line, void *ud)
{
	int i = node_index(n);
	size_t l = strlen(line);

	(void)level;
	(void)ud;
	if (i >= 0 && N.loglen[i] + l + 2 < sizeof(N.logs[i])) {
		memcpy(N.logs[i] + N.loglen[i], line, l);
		N.loglen[i] += l;
		N.logs[i][N.loglen[i]++] = '\n';
		N.logs[i][N.loglen[i]] = '\0';
	}
}

static int64_t on_clock(rkv_node *n, void *ud)
{
	(void)n;
	(void)ud;
	return clock_us;
}

static int on_connect(rkv_node *n, rkv_conn *c, const char *host, int port,
		      void *ud)
{
	ep *out, *in;
	char addr[64];

	(void)ud;
	if (strcmp(host, "127.0.0.1") != 0)
		return -1;
	out = ep_new(n);
	out->c = c;
	rkv_conn_set_user_data(c, out);
	in = ep_new(NULL);
	if (port == FAKE_PORT) {
		N.fake = in;
	} else {
		int i;

		for (i = 0; i < MAX_NODES; i++)
			if (N.nodes[i] && N.ports[i] == port)
				break;
		if (i == MAX_NODES)
			return -1; /* connection refused */
		in->node = N.nodes[i];
		ck_assert_int_eq(rkv_conn_new(in->node, &in->c, in), 0);
		snprintf(addr, sizeof(addr), "127.0.0.1:%d", N.next_port++);
		rkv_conn_set_addr(in->c, addr);
	}
	out->peer = in;
	in->peer = out;
	out->connect_pending = true;
	return 0;
}

static void ep_free(ep *e)
{
	if (e->freed)
		return;
	e->freed = true;
	if (e->c)
		rkv_conn_free(e->c);
}

/* Deliver every byte in flight, connect what asked to, free what closed
 * (its peer sees the connection end), and let the nodes do their
 * background work; until nothing moves. */
static void pump(void)
{
	for (int round = 0; round < 10000; round++) {
		bool moved = false;

		for (int i = 0; i < N.neps; i++) {
			ep *e = N.eps[i], *p = e->peer;

			if (e->freed)
				continue;
			if (e->connect_pending) {
				e->connect_pending = false;
				rkv_conn_connected(e->c);
				moved = true;
			}
			if (!p || !e->len || !e->node)
				continue;
			if (p->freed || !p->c) {
				if (!p->c && !p->freed)
					continue; /* the fake server reads it */
				e->len = 0;
				continue;
			}
			{
				size_t n = e->len;
				char *data = malloc(n);

				ck_assert_ptr_nonnull(data);
				memcpy(data, e->buf, n);
				e->len = 0;
				rkv_conn_recv(p->c, (const uint8_t *)data, n);
				free(data);
				moved = true;
			}
		}
		for (int i = 0; i < N.neps; i++) {
			ep *e = N.eps[i];

			if (e->freed || !e->closed || e->len)
				continue;
			ep_free(e);
			if (e->peer && !e->peer->freed) {
				if (e->peer->c)
					rkv_conn_set_error(e->peer->c,
							   "Connection reset "
							   "by peer");
				ep_free(e->peer);
			}
			moved = true;
		}
		for (int i = 0; i < MAX_NODES; i++)
			if (N.nodes[i] &&
			    rkv_node_background(N.nodes[i], 1000) == 1)
				moved = true;
		if (!moved)
			return;
	}
	ck_abort_msg("the network never settles");
}

static rkv_node *make_node(int i, int port)
{
	rkv_callbacks *cbs;
	rkv_options *opts;
	rkv_node *n;
	char p[16];
	const char *v = p, *zero = "0";

	ck_assert_int_eq(rkv_callbacks_new(&cbs), 0);
	ck_assert_int_eq(rkv_options_new(&opts), 0);
	rkv_callbacks_set_send(cbs, on_send);
	rkv_callbacks_set_close(cbs, on_close);
	rkv_callbacks_set_log(cbs, on_log);
	rkv_callbacks_set_clock(cbs, on_clock);
	rkv_callbacks_set_connect(cbs, on_connect);
	rkv_options_set_seed(opts, (uint64_t)(11 + i));
	ck_assert_int_eq(rkv_node_new(&n, cbs, opts, NULL), 0);
	rkv_callbacks_free(cbs);
	rkv_options_free(opts);
	N.nodes[i] = n;
	N.ports[i] = port;
	snprintf(p, sizeof(p), "%d", port);
	ck_assert_int_eq(rkv_node_config_set(n, "port", &v, 1, NULL, 0), 0);
	ck_assert_int_eq(rkv_node_config_set(n, "repl-diskless-sync-delay",
					     &zero, 1, NULL, 0),
			 0);
	rkv_node_tick(n, clock_us / 1000);
	return n;
}

static void setup(void)
{
	memset(&N, 0, sizeof(N));
	N.next_port = 50000;
	clock_us = 1700000000000000LL;
	A = make_node(0, 7001);
	B = make_node(1, 7002);
}

static void teardown(void)
{
	for (int i = 0; i < N.neps; i++) {
		ep_free(N.eps[i]);
		free(N.eps[i]->buf);
		free(N.eps[i]);
	}
	for (int i = 0; i < MAX_NODES; i++)
		rkv_node_free(N.nodes[i]);
}

/* Advance the clock by ms, ticking every node every 100 ms. */
static void advance(int ms)
{
	for (int t = 0; t < ms; t += 100) {
		clock_us += (ms - t < 100 ? ms - t : 100) * 1000LL;
		for (int i = 0; i < MAX_NODES; i++)
			if (N.nodes[i])
				rkv_node_tick(N.nodes[i], clock_us / 1000);
		pump();
	}
}

static ep *client(rkv_node *n)
{
	ep *e = ep_new(n);

	ck_assert_int_eq(rkv_conn_new(n, &e->c, e), 0);
	rkv_conn_set_addr(e->c, "127.0.0.1:40000");
	return e;
}

/* Send a command (space-separated words) without waiting for a reply. */
static void send_cmd(ep *e, const char *line)
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
	rkv_conn_recv(e->c, (const uint8_t *)buf, n);
	pump();
}

static void drain(ep *e)
{
	e->len = 0;
	if (e->buf)
		e->buf[0] = '\0';
}

static const char *out(ep *e)
{
	return e->buf && e->len ? e->buf : "";
}

/* The reply to one command. */
static const char *call(ep *e, const char *line)
{
	drain(e);
	send_cmd(e, line);
	return out(e);
}

/* A field of INFO replication / stats of n ("" if absent). */
static const char *info(rkv_node *n, const char *section, const char *field)
{
	static char val[256];
	ep *e = client(n);
	char cmd[64], key[96];
	const char *p, *end;

	snprintf(cmd, sizeof(cmd), "INFO %s", section);
	call(e, cmd);
	snprintf(key, sizeof(key), "\r\n%s:", field);
	p = strstr(out(e), key);
	val[0] = '\0';
	if (p) {
		p += strlen(key);
		end = strstr(p, "\r\n");
		snprintf(val, sizeof(val), "%.*s", (int)(end - p), p);
	}
	rkv_conn_free(e->c);
	e->freed = true;
	return val;
}

static bool logged(rkv_node *n, const char *line)
{
	return strstr(N.logs[node_index(n)], line) != NULL;
}

/* B becomes a replica of A, synced and acknowledged. */
static void replicate_b_from_a(void)
{
	ep *b = client(B);
	char off[32];

	ck_assert_str_eq(call(b, "REPLICAOF 127.0.0.1 7001"), "+OK\r\n");
	for (int i = 0;
	     i < 50 &&
	     strcmp(info(B, "replication", "master_link_status"), "up") != 0;
	     i++)
		advance(100);
	ck_assert_str_eq(info(B, "replication", "master_link_status"), "up");
	advance(1100); /* B's once-a-second ACK */
	snprintf(off, sizeof(off), "%lld", A->repl.offset);
	ck_assert_str_eq(info(B, "replication", "master_repl_offset"), off);
}

/* ---------------------------------------------------------------------- */
/* CLIENT PAUSE                                                           */
/* ---------------------------------------------------------------------- */

START_TEST(pause_errors)
{
	ep *c = client(A);

	ck_assert_str_eq(call(c, "CLIENT PAUSE"),
			 "-ERR wrong number of arguments for 'client|pause' "
			 "command\r\n");
	ck_assert_str_eq(call(c, "CLIENT PAUSE x"),
			 "-ERR timeout is not an integer or out of range\r\n");
	ck_assert_str_eq(call(c, "CLIENT PAUSE -1"),
			 "-ERR timeout is negative\r\n");
	ck_assert_str_eq(call(c, "CLIENT PAUSE 10 foo"),
			 "-ERR CLIENT PAUSE mode must be WRITE or ALL\r\n");
	ck_assert_str_eq(call(c, "CLIENT PAUSE x foo"),
			 "-ERR CLIENT PAUSE mode must be WRITE or ALL\r\n");
	ck_assert_str_eq(call(c, "CLIENT PAUSE 10 write extra"),
			 "-ERR unknown subcommand or wrong number of arguments "
			 "for 'PAUSE'. Try CLIENT HELP.\r\n");
	ck_assert_str_eq(call(c, "CLIENT UNPAUSE x"),
			 "-ERR wrong number of arguments for 'client|unpause' "
			 "command\r\n");
	ck_assert_str_eq(call(c, "CLIENT UNPAUSE"), "+OK\r\n");
	ck_assert(strstr(call(c, "CLIENT HELP"),
			 "+UNPAUSE\r\n+    Stop the current client pause, "
			 "resuming traffic.\r\n+PAUSE <timeout> [WRITE|ALL]\r\n"
			 "+    Suspend all, or just write, clients for "
			 "<timeout> milliseconds.\r\n"));
	/* CLIENT PAUSE 0 pauses nothing. */
	ck_assert_str_eq(call(c, "CLIENT PAUSE 0"), "+OK\r\n");
	ck_assert_str_eq(call(c, "PING"), "+PONG\r\n");
}
END_TEST

START_TEST(pause_write_holds_writes)
{
	ep *w = client(A), *r = client(A), *ctl = client(A);
	const char *pipeline = "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\n1\r\n"
			       "*2\r\n$3\r\nGET\r\n$1\r\nk\r\n"
			       "*2\r\n$4\r\nINCR\r\n$1\r\nk\r\n";

	ck_assert_str_eq(call(ctl, "CLIENT PAUSE 10000 WRITE"), "+OK\r\n");
	/* The SET is held with everything after it; reads go on. */
	rkv_conn_recv(w->c, (const uint8_t *)pipeline, strlen(pipeline));
	pump();
	ck_assert_str_eq(out(w), "");
	ck_assert_str_eq(call(r, "GET k"), "$-1\r\n");
	ck_assert_str_eq(call(r, "PUBLISH ch x"), ""); /* may replicate */
	ck_assert_str_eq(info(A, "clients", "blocked_clients"), "2");
	ck_assert(strstr(call(ctl, "CLIENT LIST"), "flags=b db=0"));
	ck_assert(strstr(out(ctl), "cmd=set"));
	/* Errors found before the pause check answer at once. */
	ck_assert_str_eq(call(ctl, "SET k"),
			 "-ERR wrong number of arguments for 'set' "
			 "command\r\n");
	advance(2000);
	ck_assert_str_eq(out(w), "");
	ck_assert_str_eq(call(ctl, "CLIENT UNPAUSE"), "+OK\r\n");
	/* In order, with the GET between. */
	ck_assert_str_eq(out(w), "+OK\r\n$1\r\n1\r\n:2\r\n");
	ck_assert_str_eq(out(r), ":0\r\n");
	ck_assert_str_eq(info(A, "clients", "blocked_clients"), "0");
}
END_TEST

START_TEST(pause_all_timeout_order)
{
	ep *c1 = client(A), *c2 = client(A), *ctl = client(A);

	ck_assert_str_eq(call(ctl, "CLIENT PAUSE 1000 ALL"), "+OK\r\n");
	send_cmd(c1, "SET k 1");
	send_cmd(c2, "SET k 2");
	ck_assert_str_eq(call(ctl, "PING"), ""); /* everything waits */
	drain(ctl);
	/* A later, shorter and looser pause does not shorten it (the
	 * in-process API's connection is never paused). */
	{
		const char *argv[] = {"CLIENT", "PAUSE", "100", "WRITE"};
		rkv_reply *rep;

		ck_assert_int_eq(
		    rkv_node_command(A, RKV_DB_SELECTED, 4, argv, NULL, &rep),
		    0);
		rkv_reply_free(A, rep);
	}
	advance(900);
	ck_assert_str_eq(out(c1), "");
	ck_assert_str_eq(out(ctl), "");
	advance(200); /* the tick ends it: held clients run, oldest first */
	ck_assert_str_eq(out(c1), "+OK\r\n");
	ck_assert_str_eq(out(c2), "+OK\r\n");
	ck_assert_str_eq(out(ctl), "+PONG\r\n");
	ck_assert_str_eq(call(ctl, "GET k"), "$1\r\n2\r\n");
}
END_TEST

START_TEST(pause_multi_exec)
{
	ep *c = client(A), *q = client(A), *ctl = client(A);

	ck_assert_str_eq(call(q, "MULTI"), "+OK\r\n");
	ck_assert_str_eq(call(q, "SET a 1"), "+QUEUED\r\n");
	ck_assert_str_eq(call(ctl, "CLIENT PAUSE 10000 WRITE"), "+OK\r\n");
	/* A write is held before it is queued; an EXEC with writes too. */
	ck_assert_str_eq(call(c, "MULTI"), "+OK\r\n");
	ck_assert_str_eq(call(c, "SET b 1"), "");
	ck_assert_str_eq(call(q, "EXEC"), "");
	ck_assert_str_eq(call(ctl, "MULTI"), "+OK\r\n");
	ck_assert_str_eq(call(ctl, "GET a"), "+QUEUED\r\n");
	ck_assert_str_eq(call(ctl, "EXEC"), "*1\r\n$-1\r\n");
	ck_assert_str_eq(call(ctl, "CLIENT UNPAUSE"), "+OK\r\n");
	ck_assert_str_eq(out(c), "+QUEUED\r\n");
	ck_assert_str_eq(out(q), "*1\r\n+OK\r\n");
}
END_TEST

START_TEST(pause_stops_expiry)
{
	ep *c = client(A);

	ck_assert_str_eq(call(c, "SET e 1 PX 100"), "+OK\r\n");
	ck_assert_str_eq(call(c, "CLIENT PAUSE 100000 WRITE"), "+OK\r\n");
	advance(1000);
	/* Logically expired, but neither the read nor the active cycle
	 * deletes it while clients are paused. */
	ck_assert_str_eq(call(c, "GET e"), "$-1\r\n");
	ck_assert_str_eq(call(c, "DBSIZE"), ":1\r\n");
	ck_assert_str_eq(info(A, "stats", "expired_keys"), "0");
	ck_assert_str_eq(call(c, "CLIENT UNPAUSE"), "+OK\r\n");
	ck_assert_str_eq(call(c, "GET e"), "$-1\r\n");
	ck_assert_str_eq(info(A, "stats", "expired_keys"), "1");
	ck_assert_str_eq(call(c, "DBSIZE"), ":0\r\n");
}
END_TEST

START_TEST(paused_replica_holds_its_master)
{
	ep *a = client(A), *b = client(B);

	replicate_b_from_a();
	ck_assert_str_eq(call(b, "CLIENT PAUSE 10000 WRITE"), "+OK\r\n");
	ck_assert_str_eq(call(a, "SET k v"), "+OK\r\n");
	advance(300);
	/* Read but not applied, as Redis's paused master client. */
	ck_assert_str_eq(call(b, "GET k"), "$-1\r\n");
	ck_assert_str_eq(call(b, "CLIENT UNPAUSE"), "+OK\r\n");
	ck_assert_str_eq(call(b, "GET k"), "$1\r\nv\r\n");
}
END_TEST

START_TEST(wait_getack_after_pause)
{
	ep *a = client(A), *ctl = client(A);
	long long off;

	replicate_b_from_a();
	ck_assert_str_eq(call(a, "SET k v"), "+OK\r\n");
	ck_assert_str_eq(call(ctl, "CLIENT PAUSE 100000 WRITE"), "+OK\r\n");
	off = A->repl.offset;
	/* WAIT runs (not a write) and blocks; its GETACK waits for the end
	 * of the pause: the stream does not move meanwhile. */
	ck_assert_str_eq(call(a, "WAIT 1 0"), "");
	ck_assert_int_eq(A->repl.offset, off);
	ck_assert_str_eq(call(ctl, "CLIENT UNPAUSE"), "+OK\r\n");
	ck_assert_int_gt(A->repl.offset, off); /* REPLCONF GETACK * */
	advance(100);
	ck_assert_str_eq(out(a), ":1\r\n");
}
END_TEST

/* ---------------------------------------------------------------------- */
/* FAILOVER                                                               */
/* ---------------------------------------------------------------------- */

START_TEST(failover_errors)
{
	ep *a = client(A), *b = client(B);

	ck_assert_str_eq(call(a, "FAILOVER"),
			 "-ERR FAILOVER requires connected replicas.\r\n");
	ck_assert_str_eq(call(a, "FAILOVER ABORT"),
			 "-ERR No failover in progress.\r\n");
	ck_assert_str_eq(call(a, "FAILOVER foo"), "-ERR syntax error\r\n");
	ck_assert_str_eq(call(a, "FAILOVER ABORT TIMEOUT 10"),
			 "-ERR syntax error\r\n");
	ck_assert_str_eq(call(a, "FAILOVER TIMEOUT 0"),
			 "-ERR FAILOVER timeout must be greater than 0\r\n");
	ck_assert_str_eq(call(a, "FAILOVER TIMEOUT x"),
			 "-ERR value is not an integer or out of range\r\n");
	ck_assert_str_eq(call(a, "FAILOVER TO h x"),
			 "-ERR value is not an integer or out of range\r\n");
	ck_assert_str_eq(call(a, "FAILOVER TO h"), "-ERR syntax error\r\n");
	ck_assert_str_eq(call(a, "FAILOVER TIMEOUT 10 TIMEOUT 20"),
			 "-ERR syntax error\r\n");
	ck_assert_str_eq(call(a, "FAILOVER FORCE"),
			 "-ERR FAILOVER requires connected replicas.\r\n");
	replicate_b_from_a();
	ck_assert_str_eq(call(b, "FAILOVER"),
			 "-ERR FAILOVER is not valid when server is a "
			 "replica.\r\n");
	ck_assert_str_eq(call(a, "FAILOVER FORCE TIMEOUT 10"),
			 "-ERR FAILOVER with force option requires both a "
			 "timeout and target HOST and IP.\r\n");
	ck_assert_str_eq(call(a, "FAILOVER TO 127.0.0.1 7002 FORCE"),
			 "-ERR FAILOVER with force option requires both a "
			 "timeout and target HOST and IP.\r\n");
	ck_assert_str_eq(call(a, "FAILOVER TO 127.0.0.1 1"),
			 "-ERR FAILOVER target HOST and PORT is not a "
			 "replica.\r\n");
	ck_assert_str_eq(call(a, "FAILOVER TO 127.0.0.2 7002"),
			 "-ERR FAILOVER target HOST and PORT is not a "
			 "replica.\r\n");
	/* B never acknowledges this write: the failover waits. */
	ck_assert_str_eq(call(b, "CLIENT PAUSE 100000 WRITE"), "+OK\r\n");
	ck_assert_str_eq(call(a, "SET k v"), "+OK\r\n");
	ck_assert_str_eq(call(a, "FAILOVER TO 127.0.0.1 7002"), "+OK\r\n");
	ck_assert(logged(A, "FAILOVER requested to 127.0.0.1:7002."));
	ck_assert_str_eq(info(A, "replication", "master_failover_state"),
			 "waiting-for-sync");
	ck_assert_str_eq(call(a, "FAILOVER"),
			 "-ERR FAILOVER already in progress.\r\n");
	ck_assert_str_eq(call(a, "REPLICAOF NO ONE"),
			 "-ERR REPLICAOF not allowed while failing over.\r\n");
	ck_assert_str_eq(call(a, "FAILOVER ABORT"), "+OK\r\n");
	ck_assert(logged(A, "FAILOVER to 127.0.0.1:7002 aborted: Failover "
			    "manually aborted"));
	ck_assert_str_eq(info(A, "replication", "master_failover_state"),
			 "no-failover");
	ck_assert_str_eq(call(a, "SET k w"), "+OK\r\n");
	/* A replica whose full sync has not started yet is not online. */
	{
		ep *s = client(A);
		const char *five = "5";

		ck_assert_int_eq(rkv_node_config_set(A,
						     "repl-diskless-sync-delay",
						     &five, 1, NULL, 0),
				 0);
		ck_assert_str_eq(call(s, "REPLCONF listening-port 7009"),
				 "+OK\r\n");
		ck_assert_str_eq(call(s, "REPLCONF capa eof"), "+OK\r\n");
		send_cmd(s, "PSYNC ? -1");
		ck_assert_str_eq(call(a, "FAILOVER TO 127.0.0.1 7009"),
				 "-ERR FAILOVER target replica is not "
				 "online.\r\n");
	}
}
END_TEST

START_TEST(failover_rkv_to_rkv)
{
	ep *a = client(A), *w = client(A), *b;
	char old_id[41], sync_full_a[32];

	replicate_b_from_a();
	ck_assert_str_eq(call(a, "SET k1 v1"), "+OK\r\n");
	ck_assert_str_eq(call(a, "INCR n"), ":1\r\n");
	snprintf(old_id, sizeof(old_id), "%s", A->repl.replid);
	snprintf(sync_full_a, sizeof(sync_full_a), "%s",
		 info(A, "stats", "sync_full"));
	ck_assert_str_eq(call(a, "FAILOVER"), "+OK\r\n");
	ck_assert(logged(A, "FAILOVER requested to any replica."));
	ck_assert_str_eq(info(A, "replication", "master_failover_state"),
			 "waiting-for-sync");
	/* Writes wait; reads go on. */
	ck_assert_str_eq(call(w, "SET k2 v2"), "");
	ck_assert_str_eq(call(a, "GET k1"), "$2\r\nv1\r\n");
	ck_assert_str_eq(call(a, "CLIENT UNPAUSE"), "+OK\r\n");
	ck_assert_str_eq(out(w), ""); /* not the failover's pause */
	advance(1500); /* B acknowledges everything: the switch */
	ck_assert(logged(A, "Failover target 127.0.0.1:7002 is synced, "
			    "failing over."));
	ck_assert(logged(B, "Failover request received for replid "));
	ck_assert(logged(B, "MASTER MODE enabled (failover request from "));
	ck_assert(logged(A, "Successful partial resynchronization with "
			    "master."));
	ck_assert_str_eq(info(A, "replication", "role"), "slave");
	ck_assert_str_eq(info(A, "replication", "master_port"), "7002");
	ck_assert_str_eq(info(A, "replication", "master_link_status"), "up");
	ck_assert_str_eq(info(A, "replication", "master_failover_state"),
			 "no-failover");
	ck_assert_str_eq(info(B, "replication", "role"), "master");
	ck_assert_str_eq(info(B, "replication", "master_replid2"), old_id);
	ck_assert_str_eq(info(A, "replication", "master_replid2"), old_id);
	/* No full resync anywhere. */
	ck_assert_str_eq(info(B, "stats", "sync_full"), "0");
	ck_assert_str_eq(info(B, "stats", "sync_partial_ok"), "1");
	ck_assert_str_eq(info(A, "stats", "sync_full"), sync_full_a);
	/* The held write ran once A was a replica: refused. */
	ck_assert_str_eq(out(w),
			 "-READONLY You can't write against a read only "
			 "replica.\r\n");
	/* Nothing acknowledged was lost, and the new master streams. */
	b = client(B);
	ck_assert_str_eq(call(b, "GET k1"), "$2\r\nv1\r\n");
	ck_assert_str_eq(call(b, "GET n"), "$1\r\n1\r\n");
	ck_assert_str_eq(call(b, "SET k3 v3"), "+OK\r\n");
	advance(200);
	ck_assert_str_eq(call(a, "GET k3"), "$2\r\nv3\r\n");
	ck_assert_str_eq(info(B, "replication", "second_repl_offset"),
			 info(A, "replication", "second_repl_offset"));
}
END_TEST

START_TEST(failover_timeout_aborts)
{
	ep *a = client(A), *w = client(A), *b = client(B);

	replicate_b_from_a();
	ck_assert_str_eq(call(b, "CLIENT PAUSE 100000 WRITE"), "+OK\r\n");
	ck_assert_str_eq(call(a, "SET k v"), "+OK\r\n");
	ck_assert_str_eq(call(a, "FAILOVER TIMEOUT 500"), "+OK\r\n");
	ck_assert_str_eq(call(w, "SET k w"), "");
	advance(300);
	ck_assert_str_eq(info(A, "replication", "master_failover_state"),
			 "waiting-for-sync");
	advance(300);
	ck_assert(logged(A, "FAILOVER to any replica aborted: Replica never "
			    "caught up before timeout"));
	ck_assert_str_eq(info(A, "replication", "master_failover_state"),
			 "no-failover");
	ck_assert_str_eq(info(A, "replication", "role"), "master");
	ck_assert_str_eq(out(w), "+OK\r\n"); /* unpaused */
}
END_TEST

START_TEST(failover_force_full_sync)
{
	ep *a = client(A), *b = client(B);

	replicate_b_from_a();
	/* B lags: it holds its master's writes. */
	ck_assert_str_eq(call(b, "CLIENT PAUSE 100000 WRITE"), "+OK\r\n");
	ck_assert_str_eq(call(a, "SET k v"), "+OK\r\n");
	ck_assert_str_eq(call(a, "FAILOVER TO 127.0.0.1 7002 FORCE TIMEOUT "
				 "300"),
			 "+OK\r\n");
	advance(400);
	ck_assert(logged(A, "FAILOVER to 127.0.0.1:7002 time out exceeded, "
			    "failing over."));
	/* B cannot continue A's longer history: A resyncs in full from
	 * it (the failover ends there too). */
	ck_assert(logged(B, "MASTER MODE enabled (failover request from "));
	ck_assert(logged(B, "Requested offset for second ID was"));
	ck_assert(logged(A, "Full resync from master: "));
	ck_assert_str_eq(info(A, "replication", "master_failover_state"),
			 "no-failover");
	ck_assert_str_eq(info(B, "replication", "role"), "master");
	advance(500);
	ck_assert_str_eq(info(A, "replication", "master_link_status"), "up");
	ck_assert_str_eq(call(a, "GET k"), "$-1\r\n"); /* B's data */
}
END_TEST

START_TEST(failover_target_rejects)
{
	ep *a = client(A), *w = client(A), *s = client(A);
	char line[256], id[41];
	long long off;

	/* A fake replica announcing port 7009, the scripted server. */
	ck_assert_str_eq(call(s, "REPLCONF listening-port 7009"), "+OK\r\n");
	ck_assert_str_eq(call(s, "REPLCONF capa eof capa psync2"), "+OK\r\n");
	drain(s);
	send_cmd(s, "PSYNC ? -1");
	advance(100);
	ck_assert(strncmp(out(s), "+FULLRESYNC ", 12) == 0);
	ck_assert_str_eq(call(a, "SET k v"), "+OK\r\n");
	snprintf(id, sizeof(id), "%s", A->repl.replid);
	off = A->repl.offset;
	ck_assert_str_eq(call(a, "FAILOVER TO 127.0.0.1 7009"), "+OK\r\n");
	ck_assert_str_eq(call(w, "SET k w"), ""); /* held */
	snprintf(line, sizeof(line), "REPLCONF ACK %lld", off);
	send_cmd(s, line);
	/* Once demoted (failover-in-progress) a new write is refused at
	 * once: READONLY is checked before the pause, as in Redis. */
	ck_assert_str_eq(call(a, "SET k x"),
			 "-READONLY You can't write against a read only "
			 "replica.\r\n");
	ck_assert(logged(A, "Failover target 127.0.0.1:7009 is synced, "
			    "failing over."));
	ck_assert_ptr_nonnull(N.fake);
	ck_assert_str_eq(info(A, "replication", "master_failover_state"),
			 "failover-in-progress");
	/* The handshake, then PSYNC <our id> <offset + 1> FAILOVER. */
	rkv_conn_recv(N.fake->peer->c, (const uint8_t *)"+PONG\r\n", 7);
	pump();
	rkv_conn_recv(N.fake->peer->c, (const uint8_t *)"+OK\r\n+OK\r\n", 10);
	pump();
	snprintf(line, sizeof(line),
		 "*4\r\n$5\r\nPSYNC\r\n$40\r\n%s\r\n$%d\r\n%lld\r\n$8\r\n"
		 "FAILOVER\r\n",
		 id, snprintf(NULL, 0, "%lld", off + 1), off + 1);
	ck_assert_ptr_nonnull(strstr(N.fake->peer->buf, line));
	rkv_conn_recv(N.fake->peer->c, (const uint8_t *)"-ERR nope\r\n", 11);
	pump();
	ck_assert(logged(A, "Master does not support PSYNC or is in error "
			    "state (reply: -ERR nope)"));
	ck_assert(logged(A, "FAILOVER to 127.0.0.1:7009 aborted: Failover "
			    "target rejected psync request"));
	/* A master again, with a new history continuing the old one. */
	ck_assert_str_eq(info(A, "replication", "role"), "master");
	ck_assert_str_eq(info(A, "replication", "master_replid2"), id);
	ck_assert_str_eq(info(A, "replication", "master_failover_state"),
			 "no-failover");
	ck_assert_str_eq(out(w), "+OK\r\n");
}
END_TEST

START_TEST(psync_failover_refusals)
{
	ep *a = client(A), *b = client(B), *x = client(B), *y = client(A);

	ck_assert_str_eq(call(a, "PSYNC abc 1 FAILOVER"),
			 "-ERR PSYNC FAILOVER can't be sent to a master.\r\n");
	ck_assert(logged(A, "Failover request received for replid abc."));
	replicate_b_from_a();
	ck_assert_str_eq(call(x, "PSYNC abc 1 FAILOVER"),
			 "-ERR PSYNC FAILOVER replid must match my "
			 "replid.\r\n");
	ck_assert_str_eq(info(B, "replication", "role"), "slave");
	/* A master failing over serves no new replica. */
	ck_assert_str_eq(call(b, "CLIENT PAUSE 100000 WRITE"), "+OK\r\n");
	ck_assert_str_eq(call(a, "SET k v"), "+OK\r\n");
	ck_assert_str_eq(call(a, "FAILOVER"), "+OK\r\n");
	ck_assert_str_eq(call(y, "PSYNC ? -1"),
			 "-NOMASTERLINK Can't SYNC while failing over\r\n");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("failover_cmd");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, pause_errors);
	tcase_add_test(tc, pause_write_holds_writes);
	tcase_add_test(tc, pause_all_timeout_order);
	tcase_add_test(tc, pause_multi_exec);
	tcase_add_test(tc, pause_stops_expiry);
	tcase_add_test(tc, paused_replica_holds_its_master);
	tcase_add_test(tc, wait_getack_after_pause);
	tcase_add_test(tc, failover_errors);
	tcase_add_test(tc, failover_rkv_to_rkv);
	tcase_add_test(tc, failover_timeout_aborts);
	tcase_add_test(tc, failover_force_full_sync);
	tcase_add_test(tc, failover_target_rejects);
	tcase_add_test(tc, psync_failover_refusals);
	suite_add_tcase(s, tc);
	return rkv_test_run(s);
}
