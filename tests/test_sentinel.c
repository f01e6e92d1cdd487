/* Unit tests: Sentinel mode (lib/sentinel.c) in one process. Three data
 * nodes (a master and two replicas) and a sentinel talk through a fake
 * network: the connect callback pairs an outbound connection with an
 * inbound one of the target node, sends are queued and delivered to the
 * peer's rkv_conn_recv() outside the callbacks, a virtual clock drives
 * every node. "Killing" a node drops its connections and refuses new ones.
 * The failover of the seed scenario (docs/sentinel.md) is checked event by
 * event, and the data path after it: a partial resync, nothing lost. */
#define _GNU_SOURCE
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "node.h"
#include "replica.h"
#include "rkv.h"

#define MAX_PEERS  8
#define MAX_PAIRS  256
#define MAX_EVENTS 512

typedef struct peer {
	rkv_node *node;
	int port;
	bool alive;
	char conf[1 << 14]; /* the sentinel's config file (CONFIG REWRITE) */
	int rewrites;
	char log[1 << 16];
	size_t loglen;
} peer;

struct pair;
typedef struct end {
	struct pair *p;
	int side; /* 0: the outbound (connecting) side, 1: the accepted one */
} end;

typedef struct pair {
	peer *from, *to;
	rkv_conn *conn[2];
	end ends[2];
	bool used;
} pair;

enum act_kind { ACT_CONNECTED, ACT_MSG, ACT_CLOSE };

typedef struct act {
	enum act_kind kind;
	pair *p;
	int to_side;
	char *data;
	size_t len;
	struct act *next;
} act;

static struct {
	int64_t mono_ms;
	int64_t wall_us;
	peer peers[MAX_PEERS];
	int npeers;
	pair pairs[MAX_PAIRS];
	act *head, *tail;
	int next_port;
	/* The sentinel's events, "name detail". */
	char *events[MAX_EVENTS];
	int nevents;
	/* A client of the sentinel (not on the fake network). */
	char cout[1 << 16];
	size_t coutlen;
} net;

static peer *peer_of(rkv_node *node)
{
	return rkv_node_user_data(node);
}

static void push(enum act_kind kind, pair *p, int to_side, const void *data,
		 size_t len)
{
	act *a = calloc(1, sizeof(*a));

	ck_assert_ptr_nonnull(a);
	a->kind = kind;
	a->p = p;
	a->to_side = to_side;
	if (len) {
		a->data = malloc(len);
		ck_assert_ptr_nonnull(a->data);
		memcpy(a->data, data, len);
		a->len = len;
	}
	if (net.tail)
		net.tail->next = a;
	else
		net.head = a;
	net.tail = a;
}

static int64_t on_send(rkv_node *node, rkv_conn *conn, const uint8_t *data,
		       size_t len, void *ud)
{
	end *e = rkv_conn_user_data(conn);

	(void)node;
	(void)ud;
	if (!e) {
		/* The test's own client of the sentinel. */
		ck_assert_uint_lt(net.coutlen + len, sizeof(net.cout));
		memcpy(net.cout + net.coutlen, data, len);
		net.coutlen += len;
		return (int64_t)len;
	}
	push(ACT_MSG, e->p, 1 - e->side, data, len);
	return (int64_t)len;
}

static void on_close(rkv_node *node, rkv_conn *conn, void *ud)
{
	end *e = rkv_conn_user_data(conn);

	(void)node;
	(void)ud;
	if (e)
		push(ACT_CLOSE, e->p, e->side, NULL, 0);
}

static int on_connect(rkv_node *node, rkv_conn *conn, const char *host,
		      int port, void *ud)
{
	peer *to = NULL;
	pair *p = NULL;
	char addr[64];

	(void)ud;
	ck_assert_str_eq(host, "127.0.0.1");
	for (int i = 0; i < net.npeers; i++)
		if (net.peers[i].port == port && net.peers[i].alive)
			to = &net.peers[i];
	if (!to)
		return -1; /* connection refused */
	for (int i = 0; i < MAX_PAIRS && !p; i++)
		if (!net.pairs[i].used)
			p = &net.pairs[i];
	ck_assert_ptr_nonnull(p);
	memset(p, 0, sizeof(*p));
	p->used = true;
	p->from = peer_of(node);
	p->to = to;
	p->ends[0] = (end){p, 0};
	p->ends[1] = (end){p, 1};
	p->conn[0] = conn;
	rkv_conn_set_user_data(conn, &p->ends[0]);
	ck_assert_int_eq(rkv_conn_new(to->node, &p->conn[1], &p->ends[1]), 0);
	snprintf(addr, sizeof(addr), "127.0.0.1:%d", net.next_port++);
	rkv_conn_set_addr(p->conn[1], addr);
	rkv_conn_set_laddr(conn, addr); /* the connecting side's address */
	push(ACT_CONNECTED, p, 0, NULL, 0);
	return 0;
}

/* Both ends of a pair go away (EOF seen by both hosts). */
static void pair_drop(pair *p)
{
	for (int s = 0; s < 2; s++) {
		if (!p->conn[s])
			continue;
		if (s == 0)
			rkv_conn_set_error(p->conn[s],
					   "Connection reset by peer");
		rkv_conn_free(p->conn[s]);
		p->conn[s] = NULL;
	}
	p->used = false;
}

static void pump(void)
{
	while (net.head) {
		act *a = net.head;

		net.head = a->next;
		if (!net.head)
			net.tail = NULL;
		if (a->p->used) {
			rkv_conn *c = a->p->conn[a->to_side];

			switch (a->kind) {
			case ACT_CONNECTED:
				if (c)
					rkv_conn_connected(c);
				break;
			case ACT_MSG:
				if (c)
					rkv_conn_recv(c,
						      (const uint8_t *)a->data,
						      a->len);
				break;
			case ACT_CLOSE:
				pair_drop(a->p);
				break;
			}
		}
		free(a->data);
		free(a);
	}
}

static void on_log(rkv_node *node, rkv_log_level level, const char *msg,
		   void *ud)
{
	peer *p = ud;
	int n;

	(void)node;
	(void)level;
	n = snprintf(p->log + p->loglen, sizeof(p->log) - p->loglen, "%s\n",
		     msg);
	if (n > 0 && (size_t)n < sizeof(p->log) - p->loglen)
		p->loglen += (size_t)n;
}

static void on_event(rkv_node *node, const rkv_event *ev, void *ud)
{
	char line[1200];

	(void)node;
	(void)ud;
	if (ev->type != RKV_EVENT_SENTINEL)
		return;
	ck_assert_int_lt(net.nevents, MAX_EVENTS);
	snprintf(line, sizeof(line), "%s %s", ev->name, ev->detail);
	net.events[net.nevents++] = strdup(line);
}

static int64_t on_clock(rkv_node *node, void *ud)
{
	(void)node;
	(void)ud;
	return net.wall_us;
}

/* The host's side of CONFIG REWRITE: the "file" is p->conf. */
static int on_rewrite(rkv_node *node, char *err, size_t errlen, void *ud)
{
	peer *p = ud;
	char *text = NULL;
	size_t len = 0;

	(void)err;
	(void)errlen;
	ck_assert_int_eq(rkv_node_config_rewrite(node, p->conf, strlen(p->conf),
						 &text, &len),
			 0);
	ck_assert_uint_lt(len, sizeof(p->conf));
	memcpy(p->conf, text, len + 1);
	rkv_node_config_free_text(node, text);
	p->rewrites++;
	return 0;
}

/* Apply a config text's lines to a node, as a host loading its file. */
static void load_conf(peer *p, const char *text)
{
	const char *line = text;

	while (*line) {
		const char *nl = strchr(line, '\n');
		size_t n = nl ? (size_t)(nl - line) : strlen(line);
		char **argv;
		size_t argc;
		char err[256];

		ck_assert_int_eq(rkv_config_split(line, n, &argv, &argc), 0);
		if (argc && argv[0][0] != '#')
			ck_assert_msg(rkv_node_config_set(
					  p->node, argv[0],
					  (const char *const *)argv + 1,
					  argc - 1, err, sizeof(err)) >= 0,
				      "%.*s: %s", (int)n, line, err);
		rkv_config_split_free(argv, argc);
		line += n + (nl ? 1 : 0);
	}
}

static peer *add_peer(int port, bool sentinel, uint64_t seed)
{
	peer *p = &net.peers[net.npeers++];
	rkv_callbacks *cbs;
	rkv_options *opts;
	char v[16];
	const char *argv[1] = {v};

	memset(p, 0, sizeof(*p));
	ck_assert_int_eq(rkv_callbacks_new(&cbs), 0);
	rkv_callbacks_set_send(cbs, on_send);
	rkv_callbacks_set_close(cbs, on_close);
	rkv_callbacks_set_connect(cbs, on_connect);
	rkv_callbacks_set_log(cbs, on_log);
	rkv_callbacks_set_event(cbs, on_event);
	rkv_callbacks_set_clock(cbs, on_clock);
	if (sentinel)
		rkv_callbacks_set_config_rewrite(cbs, on_rewrite);
	ck_assert_int_eq(rkv_options_new(&opts), 0);
	rkv_options_set_seed(opts, seed);
	ck_assert_int_eq(rkv_options_set_sentinel(opts, sentinel), 0);
	ck_assert_int_eq(rkv_node_new(&p->node, cbs, opts, p), 0);
	rkv_options_free(opts);
	rkv_callbacks_free(cbs);
	p->port = port;
	p->alive = true;
	snprintf(v, sizeof(v), "%d", port);
	ck_assert_int_ge(rkv_node_config_set(p->node, "port", argv, 1, NULL, 0),
			 0);
	rkv_node_tick(p->node, net.mono_ms);
	return p;
}

static void setup(void)
{
	memset(&net, 0, sizeof(net));
	net.mono_ms = 1000000;
	net.wall_us = 1609769879000000LL; /* 04 Jan 2021 */
	net.next_port = 50000;
}

static void teardown(void)
{
	pump();
	for (int i = 0; i < MAX_PAIRS; i++)
		if (net.pairs[i].used)
			pair_drop(&net.pairs[i]);
	pump();
	for (int i = 0; i < net.npeers; i++)
		rkv_node_free(net.peers[i].node);
	for (int i = 0; i < net.nevents; i++)
		free(net.events[i]);
}

/* Advance the virtual clock by ms, ticking every node every 100 ms. */
static void advance(int64_t ms)
{
	for (int64_t t = 0; t < ms; t += 100) {
		net.mono_ms += 100;
		net.wall_us += 100000;
		for (int i = 0; i < net.npeers; i++)
			if (net.peers[i].alive)
				rkv_node_tick(net.peers[i].node, net.mono_ms);
		pump();
		for (int i = 0; i < net.npeers; i++)
			if (net.peers[i].alive)
				rkv_node_background(net.peers[i].node, 1000);
		pump();
	}
}

/* Kill a node: its connections drop, new ones are refused. */
static void kill_peer(peer *p)
{
	p->alive = false;
	for (int i = 0; i < MAX_PAIRS; i++)
		if (net.pairs[i].used &&
		    (net.pairs[i].from == p || net.pairs[i].to == p))
			pair_drop(&net.pairs[i]);
	pump();
}

static rkv_reply *cmd(peer *p, const char *a0, const char *a1, const char *a2,
		      const char *a3)
{
	const char *argv[4] = {a0, a1, a2, a3};
	size_t argc = a3 ? 4 : a2 ? 3 : a1 ? 2 : 1;
	rkv_reply *r = NULL;

	ck_assert_int_eq(rkv_node_command(p->node, 0, argc, argv, NULL, &r), 0);
	pump();
	return r;
}

static void cmd_ok(peer *p, const char *a0, const char *a1, const char *a2,
		   const char *a3)
{
	rkv_reply *r = cmd(p, a0, a1, a2, a3);

	ck_assert_msg(r->type == RKV_REPLY_STATUS, "%s: %s", a0,
		      r->str ? r->str : "?");
	rkv_reply_free(p->node, r);
}

/* The RESP bytes of argv[0..argc) run on p (rkv_node_command_resp())
 * equal expect. */
static void resp_is(peer *p, size_t argc, const char *const *argv,
		    const char *expect)
{
	char *resp;
	size_t len;

	ck_assert_int_eq(
	    rkv_node_command_resp(p->node, 0, argc, argv, NULL, &resp, &len),
	    0);
	ck_assert_msg(len == strlen(expect) && memcmp(resp, expect, len) == 0,
		      "got '%.*s', want '%s'", (int)len, resp, expect);
	rkv_resp_free(p->node, resp);
}

static bool has_event(const char *line)
{
	for (int i = 0; i < net.nevents; i++)
		if (strcmp(net.events[i], line) == 0)
			return true;
	return false;
}

static bool link_up(peer *p)
{
	rkv_replica_status st;

	return rkv_replica_get_status(p->node, &st) && st.link_up;
}

static const char *const seed_sequence[] = {
    "+sdown master mymaster 127.0.0.1 63791",
    "+odown master mymaster 127.0.0.1 63791 #quorum 1/1",
    "+new-epoch 1",
    "+try-failover master mymaster 127.0.0.1 63791",
    "+vote-for-leader %s 1",
    "+elected-leader master mymaster 127.0.0.1 63791",
    "+failover-state-select-slave master mymaster 127.0.0.1 63791",
    "+selected-slave slave 127.0.0.1:63792 127.0.0.1 63792 @ mymaster "
    "127.0.0.1 63791",
    "+failover-state-send-slaveof-noone slave 127.0.0.1:63792 127.0.0.1 "
    "63792 @ mymaster 127.0.0.1 63791",
    "+failover-state-wait-promotion slave 127.0.0.1:63792 127.0.0.1 63792 "
    "@ mymaster 127.0.0.1 63791",
    "+promoted-slave slave 127.0.0.1:63792 127.0.0.1 63792 @ mymaster "
    "127.0.0.1 63791",
    "+failover-state-reconf-slaves master mymaster 127.0.0.1 63791",
    "+slave-reconf-sent slave 127.0.0.1:63793 127.0.0.1 63793 @ mymaster "
    "127.0.0.1 63791",
    "+slave-reconf-inprog slave 127.0.0.1:63793 127.0.0.1 63793 @ mymaster "
    "127.0.0.1 63791",
    "+slave-reconf-done slave 127.0.0.1:63793 127.0.0.1 63793 @ mymaster "
    "127.0.0.1 63791",
    "+failover-end master mymaster 127.0.0.1 63791",
    "+switch-master mymaster 127.0.0.1 63791 127.0.0.1 63792",
    "+slave slave 127.0.0.1:63793 127.0.0.1 63793 @ mymaster 127.0.0.1 "
    "63792",
    "+slave slave 127.0.0.1:63791 127.0.0.1 63791 @ mymaster 127.0.0.1 "
    "63792",
    "+sdown slave 127.0.0.1:63791 127.0.0.1 63791 @ mymaster 127.0.0.1 "
    "63792",
};

#define NSEQ ((int)(sizeof(seed_sequence) / sizeof(*seed_sequence)))

static peer *m, *r1, *r2, *s;

/* The seed's topology: 63791 master, 63792 and 63793 its replicas with
 * keys, a sentinel monitoring it with quorum 1 and down-after 10 s. */
static void seed_topology(bool with_replicas)
{
	char key[32], val[32];

	m = add_peer(63791, false, 11);
	cmd_ok(m, "CONFIG", "SET", "repl-diskless-sync-delay", "0");
	if (with_replicas) {
		/* Seeds such that 63792's run ID sorts first: with equal
		 * priority and offset the smaller run ID is promoted. */
		r1 = add_peer(63792, false, 1);
		r2 = add_peer(63793, false, 3);
		ck_assert_int_lt(strcmp(r1->node->run_id, r2->node->run_id), 0);
		cmd_ok(r1, "REPLICAOF", "127.0.0.1", "63791", NULL);
		cmd_ok(r2, "REPLICAOF", "127.0.0.1", "63791", NULL);
	}
	for (int i = 0; i < 18; i++) {
		snprintf(key, sizeof(key), "key:%d", i);
		snprintf(val, sizeof(val), "%lld", 3301000000LL + i);
		cmd_ok(m, "SET", key, val, NULL);
	}
	advance(2000);
	if (with_replicas) {
		ck_assert(link_up(r1));
		ck_assert(link_up(r2));
	}
	s = add_peer(26379, true, 42);
	{
		const char *mon[5] = {"monitor", "mymaster", "127.0.0.1",
				      "63791", "1"};
		const char *dam[3] = {"down-after-milliseconds", "mymaster",
				      "10000"};
		char err[256];

		ck_assert_int_eq(rkv_node_config_set(s->node, "sentinel", mon,
						     5, err, sizeof(err)),
				 0);
		ck_assert_int_eq(rkv_node_config_set(s->node, "sentinel", dam,
						     3, err, sizeof(err)),
				 0);
	}
}

START_TEST(test_seed_failover)
{
	char key[32], val[32], expect[256], myid[64];
	rkv_conn *client;
	rkv_reply *r;
	long long full_before;
	int first = -1, k;

	seed_topology(true);
	/* The sentinel learns the replicas from the master's INFO. */
	advance(3000);
	ck_assert(has_event("+slave slave 127.0.0.1:63792 127.0.0.1 63792 @ "
			    "mymaster 127.0.0.1 63791"));
	ck_assert(has_event("+slave slave 127.0.0.1:63793 127.0.0.1 63793 @ "
			    "mymaster 127.0.0.1 63791"));
	/* A client of the sentinel subscribes to +switch-master. */
	ck_assert_int_eq(rkv_conn_new(s->node, &client, NULL), 0);
	{
		static const char sub[] =
		    "*2\r\n$9\r\nSUBSCRIBE\r\n$14\r\n+switch-master\r\n";

		ck_assert_int_eq(rkv_conn_recv(client, (const uint8_t *)sub,
					       sizeof(sub) - 1),
				 0);
	}
	/* More writes, replicated, then the master dies. */
	for (int i = 18; i < 40; i++) {
		snprintf(key, sizeof(key), "key:%d", i);
		snprintf(val, sizeof(val), "v%d", i);
		cmd_ok(m, "SET", key, val, NULL);
	}
	advance(12000);
	ck_assert_int_eq(r1->node->repl.offset, m->node->repl.offset);
	ck_assert_int_eq(r2->node->repl.offset, m->node->repl.offset);
	full_before = r1->node->repl.sync_full;
	kill_peer(m);
	for (k = 0; k < 600 && !has_event(seed_sequence[NSEQ - 1]); k++)
		advance(100);
	ck_assert_msg(has_event(seed_sequence[NSEQ - 1]),
		      "no +sdown of the old master as a replica; log:\n%s",
		      s->log);

	/* The seed's event sequence, in order (other events may come in
	 * between: +role-change, link errors). */
	r = cmd(s, "SENTINEL", "MYID", NULL, NULL);
	ck_assert_int_eq(r->type, RKV_REPLY_STRING);
	snprintf(myid, sizeof(myid), "%s", r->str);
	rkv_reply_free(s->node, r);
	k = 0;
	for (int i = 0; i < NSEQ; i++) {
		snprintf(expect, sizeof(expect), seed_sequence[i], myid);
		while (k < net.nevents && strcmp(net.events[k], expect) != 0)
			k++;
		ck_assert_msg(k < net.nevents,
			      "event '%s' missing or out of order; log:\n%s",
			      expect, s->log);
		if (first < 0)
			first = k;
		k++;
	}
	/* Nothing about the failover before the master died. */
	ck_assert(strstr(s->log, "+sdown master mymaster 127.0.0.1 63791\n"));
	/* The log lines are the events, "<type> <detail>". */
	ck_assert(strstr(s->log, "+switch-master mymaster 127.0.0.1 63791 "
				 "127.0.0.1 63792\n"));

	/* 63792 is the master, 63793 follows it with a partial resync. */
	ck_assert_int_eq(rkv_node_is_replica(r1->node), 0);
	ck_assert(link_up(r2));
	r = cmd(r2, "ROLE", NULL, NULL, NULL);
	ck_assert_int_eq(r->type, RKV_REPLY_ARRAY);
	ck_assert_str_eq(r->elements[1]->str, "127.0.0.1");
	ck_assert_int_eq(r->elements[2]->integer, 63792);
	rkv_reply_free(r2->node, r);
	ck_assert_int_eq(r1->node->repl.sync_full, full_before);
	ck_assert_int_ge(r1->node->repl.sync_partial_ok, 1);
	ck_assert_msg(strstr(r2->log, "Successful partial resynchronization "
				      "with master."),
		      "%s", r2->log);
	ck_assert(strstr(r1->log, "Partial resynchronization request from "
				  "127.0.0.1:63793 accepted."));
	/* The promotion and the reconfiguration came from the sentinel's
	 * transactions (MULTI ... CONFIG REWRITE ... EXEC). */
	ck_assert(strstr(r1->log, "MASTER MODE enabled (user request from"));
	ck_assert(strstr(r2->log, "REPLICAOF 127.0.0.1:63792 enabled (user "
				  "request from"));
	ck_assert(strstr(r1->log, "name=sentinel-"));

	/* No data lost; the new master's writes reach the other replica. */
	r = cmd(r1, "DBSIZE", NULL, NULL, NULL);
	ck_assert_int_eq(r->integer, 40);
	rkv_reply_free(r1->node, r);
	cmd_ok(r1, "SET", "after", "failover", NULL);
	advance(1000);
	r = cmd(r2, "GET", "after", NULL, NULL);
	ck_assert_int_eq(r->type, RKV_REPLY_STRING);
	ck_assert_str_eq(r->str, "failover");
	rkv_reply_free(r2->node, r);
	r = cmd(r2, "GET", "key:0", NULL, NULL);
	ck_assert_str_eq(r->str, "3301000000");
	rkv_reply_free(r2->node, r);
	r = cmd(r2, "DBSIZE", NULL, NULL, NULL);
	ck_assert_int_eq(r->integer, 41);
	rkv_reply_free(r2->node, r);

	/* The sentinel's view and its subscribers. */
	r = cmd(s, "SENTINEL", "GET-MASTER-ADDR-BY-NAME", "mymaster", NULL);
	ck_assert_int_eq(r->type, RKV_REPLY_ARRAY);
	ck_assert_str_eq(r->elements[0]->str, "127.0.0.1");
	ck_assert_str_eq(r->elements[1]->str, "63792");
	rkv_reply_free(s->node, r);
	{
		static const char msg[] =
		    "*3\r\n$7\r\nmessage\r\n$14\r\n+switch-master\r\n"
		    "$40\r\nmymaster 127.0.0.1 63791 127.0.0.1 63792\r\n";

		ck_assert_msg(
		    memmem(net.cout, net.coutlen, msg, sizeof(msg) - 1) != NULL,
		    "%.*s", (int)net.coutlen, net.cout);
	}
	rkv_conn_free(client);
}
END_TEST

START_TEST(test_old_master_converted)
{
	peer *old;
	int k;

	seed_topology(true);
	advance(3000);
	kill_peer(m);
	for (k = 0; k < 600 && !has_event(seed_sequence[NSEQ - 1]); k++)
		advance(100);
	ck_assert(has_event(seed_sequence[NSEQ - 1]));
	/* 63791 comes back as a master (a restarted, empty node): the
	 * sentinel turns it into a replica of the new master. */
	old = m;
	old->alive = true;
	for (k = 0; k < 300 && !has_event("+convert-to-slave slave "
					  "127.0.0.1:63791 127.0.0.1 63791 @ "
					  "mymaster 127.0.0.1 63792");
	     k++)
		advance(100);
	ck_assert_msg(has_event("-sdown slave 127.0.0.1:63791 127.0.0.1 63791 "
				"@ mymaster 127.0.0.1 63792"),
		      "%s", s->log);
	ck_assert_msg(has_event("+convert-to-slave slave 127.0.0.1:63791 "
				"127.0.0.1 63791 @ mymaster 127.0.0.1 63792"),
		      "%s", s->log);
	/* It wrote the sentinel's hellos while it was a master: ahead of
	 * the new master's history, it needs a full sync (the new master
	 * waits repl-diskless-sync-delay, 5 s, before it starts). */
	for (k = 0; k < 200 && !link_up(old); k++)
		advance(100);
	ck_assert(link_up(old));
	advance(1000);
	ck_assert_int_eq(old->node->repl.offset, r1->node->repl.offset);
}
END_TEST

START_TEST(test_no_good_slave)
{
	static const char *const seq[] = {
	    "+sdown master mymaster 127.0.0.1 63791",
	    "+odown master mymaster 127.0.0.1 63791 #quorum 1/1",
	    "+new-epoch 1",
	    "+try-failover master mymaster 127.0.0.1 63791",
	    "+elected-leader master mymaster 127.0.0.1 63791",
	    "+failover-state-select-slave master mymaster 127.0.0.1 63791",
	    "-failover-abort-no-good-slave master mymaster 127.0.0.1 63791",
	};
	int k = 0;

	seed_topology(false);
	advance(3000);
	kill_peer(m);
	advance(15000);
	for (size_t i = 0; i < sizeof(seq) / sizeof(*seq); i++) {
		while (k < net.nevents && strcmp(net.events[k], seq[i]) != 0)
			k++;
		ck_assert_msg(k < net.nevents, "'%s' missing; log:\n%s", seq[i],
			      s->log);
	}
	/* The next attempt waits twice the failover timeout. */
	ck_assert(strstr(s->log, "Next failover delay: I will not start a "
				 "failover before "));
	ck_assert(!has_event("+switch-master mymaster 127.0.0.1 63791 "
			     "127.0.0.1 63792"));
}
END_TEST

static void sentinel_conf(peer *p, const char *opt, const char *a1,
			  const char *a2, const char *a3, const char *a4)
{
	const char *argv[5] = {opt, a1, a2, a3, a4};
	size_t argc = a4 ? 5 : a3 ? 4 : a2 ? 3 : 2;
	char err[256];

	ck_assert_msg(rkv_node_config_set(p->node, "sentinel", argv, argc, err,
					  sizeof(err)) == 0,
		      "%s", err);
}

static int count_events(const char *prefix)
{
	int n = 0;

	for (int i = 0; i < net.nevents; i++)
		if (strncmp(net.events[i], prefix, strlen(prefix)) == 0)
			n++;
	return n;
}

/* Two sentinels, quorum 2: they find each other through hello messages
 * on the instances' __sentinel__:hello channel; ODOWN needs the other's
 * is-master-down-by-addr answer; exactly one is elected and fails over,
 * and the other adopts the new master from the leader's hellos. */
START_TEST(test_two_sentinels)
{
	peer *s1, *s2;
	char id1[64], id2[64], vote[160];
	int k;
	rkv_reply *r;

	m = add_peer(63791, false, 11);
	cmd_ok(m, "CONFIG", "SET", "repl-diskless-sync-delay", "0");
	r1 = add_peer(63792, false, 1);
	r2 = add_peer(63793, false, 3);
	cmd_ok(r1, "REPLICAOF", "127.0.0.1", "63791", NULL);
	cmd_ok(r2, "REPLICAOF", "127.0.0.1", "63791", NULL);
	cmd_ok(m, "SET", "k", "v", NULL);
	advance(2000);
	s1 = add_peer(26379, true, 42);
	s2 = add_peer(26380, true, 43);
	r = cmd(s1, "SENTINEL", "MYID", NULL, NULL);
	snprintf(id1, sizeof(id1), "%s", r->str);
	rkv_reply_free(s1->node, r);
	r = cmd(s2, "SENTINEL", "MYID", NULL, NULL);
	snprintf(id2, sizeof(id2), "%s", r->str);
	rkv_reply_free(s2->node, r);
	sentinel_conf(s1, "monitor", "mymaster", "127.0.0.1", "63791", "2");
	sentinel_conf(s2, "monitor", "mymaster", "127.0.0.1", "63791", "2");
	/* s2 notices the outage later than s1. */
	sentinel_conf(s1, "down-after-milliseconds", "mymaster", "5000", NULL,
		      NULL);
	sentinel_conf(s2, "down-after-milliseconds", "mymaster", "8000", NULL,
		      NULL);
	sentinel_conf(s1, "failover-timeout", "mymaster", "5000", NULL, NULL);
	sentinel_conf(s2, "failover-timeout", "mymaster", "5000", NULL, NULL);
	advance(5000);
	snprintf(vote, sizeof(vote),
		 "+sentinel sentinel %s 127.0.0.1 26380 @ mymaster 127.0.0.1 "
		 "63791",
		 id2);
	ck_assert_msg(has_event(vote), "%s", s1->log);
	snprintf(vote, sizeof(vote),
		 "+sentinel sentinel %s 127.0.0.1 26379 @ mymaster 127.0.0.1 "
		 "63791",
		 id1);
	ck_assert_msg(has_event(vote), "%s", s2->log);
	r = cmd(s1, "SENTINEL", "CKQUORUM", "mymaster", NULL);
	ck_assert_str_eq(r->str, "OK 2 usable Sentinels. Quorum and failover "
				 "authorization can be reached");
	rkv_reply_free(s1->node, r);
	kill_peer(m);
	/* s1 alone says SDOWN: no ODOWN yet. */
	advance(7000);
	ck_assert_int_eq(count_events("+sdown master mymaster"), 1);
	ck_assert_int_eq(count_events("+odown"), 0);
	for (k = 0; k < 900 && count_events("+switch-master") < 2; k++)
		advance(100);
	/* The leader's switch, then the other's from its hello. */
	ck_assert_msg(count_events("+switch-master mymaster 127.0.0.1 63791 "
				   "127.0.0.1 63792") == 2,
		      "%s\n---\n%s", s1->log, s2->log);
	ck_assert_int_eq(count_events("+config-update-from sentinel "), 1);
	ck_assert(strstr(s1->log, "+odown master mymaster 127.0.0.1 63791 "
				  "#quorum 2/2\n"));
	/* One leader, with the other's vote in its epoch. */
	ck_assert_int_eq(count_events("+elected-leader"), 1);
	if (strstr(s1->log, "+elected-leader")) {
		ck_assert(!strstr(s2->log, "+elected-leader"));
		snprintf(vote, sizeof(vote), "+vote-for-leader %s ", id1);
		ck_assert_msg(strstr(s2->log, vote), "%s", s2->log);
	} else {
		snprintf(vote, sizeof(vote), "+vote-for-leader %s ", id2);
		ck_assert_msg(strstr(s1->log, vote), "%s", s1->log);
	}
	advance(3000);
	ck_assert_int_eq(rkv_node_is_replica(r1->node), 0);
	ck_assert(link_up(r2));
}
END_TEST

/* RELIABILITY 28: a sentinel restarted after voting still has its vote
 * for that epoch (saved before the reply). */
START_TEST(test_vote_survives_restart)
{
	const char *ask[6] = {"SENTINEL",  "IS-MASTER-DOWN-BY-ADDR",
			      "127.0.0.1", "63791",
			      "7",	   NULL};
	char saved[1 << 14];
	peer *again;

	seed_topology(false);
	advance(1000);
	ask[5] = "aaaa";
	resp_is(s, 6, ask, "*3\r\n:0\r\n$4\r\naaaa\r\n:7\r\n");
	ck_assert(strstr(s->conf, "sentinel leader-epoch mymaster 7\n"));
	ck_assert(strstr(s->conf, "sentinel current-epoch 7\n"));
	/* The process dies; a new one loads the file. */
	snprintf(saved, sizeof(saved), "%s", s->conf);
	kill_peer(s);
	again = add_peer(26380, true, 99);
	load_conf(again, saved);
	advance(1000);
	ask[5] = "bbbb";
	resp_is(again, 6, ask, "*3\r\n:0\r\n$1\r\n*\r\n:7\r\n");
	/* A later epoch gets a vote. */
	ask[4] = "8";
	resp_is(again, 6, ask, "*3\r\n:0\r\n$4\r\nbbbb\r\n:8\r\n");
	/* The ID survived too. */
	{
		rkv_reply *r1r = cmd(again, "SENTINEL", "MYID", NULL, NULL);

		ck_assert(strstr(saved, r1r->str));
		rkv_reply_free(again->node, r1r);
	}
}
END_TEST

/* RELIABILITY 32: a clock jump (or a stalled process) makes the sentinel
 * act on nothing for 30 s. */
START_TEST(test_tilt)
{
	seed_topology(true);
	advance(3000);
	kill_peer(m);
	/* The process stalls 5 s: ticks resume after a jump. */
	net.mono_ms += 5000;
	net.wall_us += 5000000;
	advance(100);
	ck_assert(has_event("+tilt #tilt mode entered"));
	advance(20000);
	/* Down for 25 s (> 10 s down-after), but in TILT: no SDOWN. */
	ck_assert(!has_event("+sdown master mymaster 127.0.0.1 63791"));
	{
		rkv_reply *r = cmd(s, "INFO", "sentinel", NULL, NULL);

		ck_assert(strstr(r->str, "sentinel_tilt:1\r\n"));
		rkv_reply_free(s->node, r);
	}
	advance(11000);
	ck_assert(has_event("-tilt #tilt mode exited"));
	ck_assert(has_event("+sdown master mymaster 127.0.0.1 63791"));
}
END_TEST

/* RELIABILITY 27: below quorum, no failover. Two sentinels with quorum 2,
 * one of them dead: the master is SDOWN but never ODOWN. */
START_TEST(test_below_quorum)
{
	peer *s2;

	seed_topology(true);
	s2 = add_peer(26380, true, 43);
	{
		const char *mon[5] = {"monitor", "mymaster", "127.0.0.1",
				      "63791", "2"};
		char err[128];

		ck_assert_int_eq(rkv_node_config_set(s2->node, "sentinel", mon,
						     5, err, sizeof(err)),
				 0);
	}
	{
		const char *set[5] = {"SENTINEL", "SET", "mymaster", "quorum",
				      "2"};
		rkv_reply *r = NULL;

		ck_assert_int_eq(rkv_node_command(s->node, 0, 5, set, NULL, &r),
				 0);
		ck_assert_int_eq(r->type, RKV_REPLY_STATUS);
		rkv_reply_free(s->node, r);
	}
	advance(5000);
	ck_assert_int_eq(count_events("+sentinel sentinel "), 2);
	kill_peer(s2);
	kill_peer(m);
	advance(30000);
	ck_assert(has_event("+sdown master mymaster 127.0.0.1 63791"));
	ck_assert_int_eq(count_events("+odown"), 0);
	ck_assert_int_eq(count_events("+try-failover"), 0);
	{
		rkv_reply *r = cmd(s, "SENTINEL", "CKQUORUM", "mymaster", NULL);

		ck_assert_int_eq(r->type, RKV_REPLY_ERROR);
		ck_assert_str_eq(r->str,
				 "NOQUORUM 1 usable Sentinels. Not enough "
				 "available Sentinels to reach the specified "
				 "quorum for this master. Not enough available "
				 "Sentinels to reach the majority and "
				 "authorize a failover");
		rkv_reply_free(s->node, r);
	}
	ck_assert_int_eq(rkv_node_is_replica(r1->node), 1);
}
END_TEST

/* RELIABILITY 27: the other sentinels' is-master-down-by-addr replies
 * about the old master do not count for the new one. Two sentinels,
 * quorum 2, fail over; then the other sentinel and the new master die at
 * once: the survivor sees +sdown of the new master within 5 s of its last
 * reply about the old one, but no +odown and no new failover. */
START_TEST(test_no_stale_odown_after_switch)
{
	peer *s1, *s2;
	int k, tries;

	m = add_peer(63791, false, 11);
	cmd_ok(m, "CONFIG", "SET", "repl-diskless-sync-delay", "0");
	r1 = add_peer(63792, false, 1);
	r2 = add_peer(63793, false, 3);
	cmd_ok(r1, "REPLICAOF", "127.0.0.1", "63791", NULL);
	cmd_ok(r2, "REPLICAOF", "127.0.0.1", "63791", NULL);
	advance(2000);
	s1 = add_peer(26379, true, 42);
	s2 = add_peer(26380, true, 43);
	for (int i = 0; i < 2; i++) {
		peer *p = i ? s2 : s1;

		sentinel_conf(p, "monitor", "mymaster", "127.0.0.1", "63791",
			      "2");
		sentinel_conf(p, "down-after-milliseconds", "mymaster", "2000",
			      NULL, NULL);
		sentinel_conf(p, "failover-timeout", "mymaster", "5000", NULL,
			      NULL);
	}
	advance(5000);
	ck_assert_int_eq(count_events("+sentinel sentinel "), 2);
	kill_peer(m);
	for (k = 0; k < 300 && count_events("+switch-master") < 2; k++)
		advance(100);
	ck_assert_msg(count_events("+switch-master mymaster 127.0.0.1 63791 "
				   "127.0.0.1 63792") == 2,
		      "%s\n---\n%s", s1->log, s2->log);
	ck_assert_int_eq(count_events("+odown"), 2);
	tries = count_events("+try-failover");
	kill_peer(s2);
	kill_peer(r1);
	advance(4000);
	ck_assert_msg(strstr(s1->log, "+sdown master mymaster 127.0.0.1 "
				      "63792\n"),
		      "%s", s1->log);
	advance(6000);
	ck_assert_msg(!strstr(s1->log, "+odown master mymaster 127.0.0.1 "
				       "63792"),
		      "%s", s1->log);
	ck_assert_int_eq(count_events("+odown"), 2);
	ck_assert_int_eq(count_events("+try-failover"), tries);
}
END_TEST

/* A newer configuration learned while our failover ran wins over it: the
 * failover ends at once keeping the newer master; it neither announces its
 * promoted replica under the newer epoch in hellos nor switches to it when
 * it would have ended (the other sentinels, at that same epoch, would never
 * correct it). Found by rkv-sim (seeds 20462, 21885 and 3000937): the
 * sentinels stayed split for good. */
START_TEST(test_superseded_failover_keeps_newer_config)
{
	char hello[256], port[16];
	rkv_reply *r;
	int k;

	seed_topology(true);
	advance(3000);
	ck_assert(has_event("+slave slave 127.0.0.1:63793 127.0.0.1 63793 @ "
			    "mymaster 127.0.0.1 63791"));
	kill_peer(m);
	advance(5000);
	/* r2 dies later: the reconfiguration waits for it until its own
	 * SDOWN, so the failover stays in progress after the promotion. */
	kill_peer(r2);
	for (k = 0; k < 200 && !has_event("+promoted-slave slave "
					  "127.0.0.1:63792 127.0.0.1 63792 @ "
					  "mymaster 127.0.0.1 63791");
	     k++)
		advance(100);
	ck_assert_msg(k < 200, "%s", s->log);
	ck_assert_int_eq(count_events("+failover-end master"), 0);
	/* Another sentinel announces that, at epoch 2, the master is 63791
	 * (on r1's hello channel, every 100 ms: the sentinel's pub/sub link
	 * to r1 may be reconnecting). */
	snprintf(hello, sizeof(hello),
		 "127.0.0.1,26380,%040d,2,mymaster,127.0.0.1,63791,2", 7);
	for (k = 0; k < 30 && !has_event("+new-epoch 2"); k++) {
		r = cmd(r1, "PUBLISH", "__sentinel__:hello", hello, NULL);
		rkv_reply_free(r1->node, r);
		advance(100);
	}
	ck_assert_msg(has_event("+new-epoch 2"), "%s", s->log);
	/* Our failover ended there, keeping the newer configuration; nothing
	 * switches to our promoted replica later either. */
	ck_assert(strstr(s->log, "Failover of epoch 1 for mymaster superseded "
				 "by configuration epoch 2: keeping "
				 "127.0.0.1:63791"));
	advance(20000);
	ck_assert_int_eq(count_events("+switch-master"), 0);
	ck_assert_int_eq(count_events("+failover-end"), 0);
	r = cmd(s, "SENTINEL", "GET-MASTER-ADDR-BY-NAME", "mymaster", NULL);
	ck_assert_int_eq(r->type, RKV_REPLY_ARRAY);
	ck_assert_str_eq(r->elements[1]->str, "63791");
	rkv_reply_free(s->node, r);
	r = cmd(s, "SENTINEL", "MASTER", "mymaster", NULL);
	for (size_t i = 0; i + 1 < r->count; i += 2)
		if (!strcmp(r->elements[i]->str, "config-epoch"))
			snprintf(port, sizeof(port), "%s",
				 r->elements[i + 1]->str);
	rkv_reply_free(s->node, r);
	ck_assert_str_eq(port, "2");
}
END_TEST

START_TEST(test_sentinel_commands)
{
	rkv_reply *r;
	const char *get[2] = {"GET", "x"};
	const char *pub[3] = {"PUBLISH", "a", "b"};

	seed_topology(true);
	advance(3000);
	ck_assert_int_eq(rkv_node_is_sentinel(s->node), 1);
	ck_assert_int_eq(rkv_node_is_sentinel(m->node), 0);
	resp_is(s, 2, get,
		"-ERR unknown command 'GET', with args "
		"beginning with: 'x' \r\n");
	resp_is(s, 3, pub,
		"-ERR Only HELLO messages are accepted by "
		"Sentinel instances.\r\n");
	/* SENTINEL is unknown outside sentinel mode. */
	r = cmd(m, "SENTINEL", "MASTERS", NULL, NULL);
	ck_assert_int_eq(r->type, RKV_REPLY_ERROR);
	ck_assert(strstr(r->str, "unknown command 'SENTINEL'"));
	rkv_reply_free(m->node, r);
	r = cmd(m, "COMMAND", "INFO", "sentinel", NULL);
	ck_assert_int_eq(r->elements[0]->type, RKV_REPLY_NIL);
	rkv_reply_free(m->node, r);
	/* A sentinel has only its own commands. */
	r = cmd(s, "COMMAND", "INFO", "get", "sentinel");
	ck_assert_int_eq(r->elements[0]->type, RKV_REPLY_NIL);
	ck_assert_int_eq(r->elements[1]->type, RKV_REPLY_ARRAY);
	rkv_reply_free(s->node, r);

	r = cmd(s, "PING", NULL, NULL, NULL);
	ck_assert_str_eq(r->str, "PONG");
	rkv_reply_free(s->node, r);
	r = cmd(s, "ROLE", NULL, NULL, NULL);
	ck_assert_int_eq(r->count, 2);
	ck_assert_str_eq(r->elements[0]->str, "sentinel");
	ck_assert_str_eq(r->elements[1]->elements[0]->str, "mymaster");
	rkv_reply_free(s->node, r);
	r = cmd(s, "INFO", NULL, NULL, NULL);
	ck_assert(strstr(r->str, "redis_mode:sentinel\r\n"));
	ck_assert(strstr(r->str, "# Sentinel\r\nsentinel_masters:1\r\n"
				 "sentinel_tilt:0\r\n"));
	ck_assert(strstr(r->str, "master0:name=mymaster,status=ok,address="
				 "127.0.0.1:63791,slaves=2,sentinels=1\r\n"));
	ck_assert(!strstr(r->str, "# Keyspace"));
	ck_assert(!strstr(r->str, "# Replication"));
	rkv_reply_free(s->node, r);
	r = cmd(s, "SENTINEL", "MASTER", "mymaster", NULL);
	ck_assert_int_eq(r->type, RKV_REPLY_ARRAY);
	ck_assert_str_eq(r->elements[0]->str, "name");
	ck_assert_str_eq(r->elements[1]->str, "mymaster");
	ck_assert_str_eq(r->elements[8]->str, "flags");
	ck_assert_str_eq(r->elements[9]->str, "master");
	rkv_reply_free(s->node, r);
	r = cmd(s, "SENTINEL", "REPLICAS", "mymaster", NULL);
	ck_assert_int_eq(r->count, 2);
	ck_assert_str_eq(r->elements[0]->elements[1]->str, "127.0.0.1:63792");
	rkv_reply_free(s->node, r);
	r = cmd(s, "SENTINEL", "MASTER", "nosuch", NULL);
	ck_assert_str_eq(r->str, "ERR No such master with that name");
	rkv_reply_free(s->node, r);
	r = cmd(s, "SENTINEL", "CKQUORUM", "mymaster", NULL);
	ck_assert_str_eq(r->str, "OK 1 usable Sentinels. Quorum and failover "
				 "authorization can be reached");
	rkv_reply_free(s->node, r);
	r = cmd(s, "SENTINEL", "GET-MASTER-ADDR-BY-NAME", "nosuch", NULL);
	ck_assert_int_eq(r->type, RKV_REPLY_NIL);
	rkv_reply_free(s->node, r);
	{
		const char *a[6] = {"SENTINEL",	 "IS-MASTER-DOWN-BY-ADDR",
				    "127.0.0.1", "63791",
				    "5",	 "abcd"};

		resp_is(s, 6, a, "*3\r\n:0\r\n$4\r\nabcd\r\n:5\r\n");
		/* One vote per epoch. */
		a[5] = "efgh";
		resp_is(s, 6, a, "*3\r\n:0\r\n$4\r\nabcd\r\n:5\r\n");
	}
	ck_assert(has_event("+new-epoch 5"));
	ck_assert(has_event("+vote-for-leader abcd 5"));
	r = cmd(s, "SENTINEL", "FOO", NULL, NULL);
	ck_assert_str_eq(r->str,
			 "ERR unknown subcommand 'FOO'. Try SENTINEL HELP.");
	rkv_reply_free(s->node, r);
	r = cmd(s, "SENTINEL", "RESET", "*", NULL);
	ck_assert_int_eq(r->integer, 1);
	rkv_reply_free(s->node, r);
	ck_assert(has_event("+reset-master master mymaster 127.0.0.1 63791"));
	/* A forced failover (no vote needed). */
	advance(12000);
	r = cmd(s, "SENTINEL", "FAILOVER", "mymaster", NULL);
	ck_assert_msg(r->type == RKV_REPLY_STATUS, "%s", r->str);
	rkv_reply_free(s->node, r);
	for (int k = 0; k < 300 && !has_event("+switch-master mymaster "
					      "127.0.0.1 63791 127.0.0.1 "
					      "63792");
	     k++)
		advance(100);
	ck_assert_msg(has_event("+switch-master mymaster 127.0.0.1 63791 "
				"127.0.0.1 63792"),
		      "%s", s->log);
}
END_TEST

START_TEST(test_config_rewrite)
{
	char *text = NULL;
	size_t len = 0;
	const char *old = "port 26379\nsentinel monitor mymaster 127.0.0.1 "
			  "63791 1\nsentinel down-after-milliseconds "
			  "mymaster 10000\n";

	seed_topology(true);
	advance(3000);
	ck_assert_int_eq(
	    rkv_node_config_rewrite(s->node, old, strlen(old), &text, &len), 0);
	ck_assert_msg(strstr(text, "sentinel monitor mymaster 127.0.0.1 63791 "
				   "1\n"),
		      "%s", text);
	ck_assert(strstr(text, "sentinel down-after-milliseconds mymaster "
			       "10000\n"));
	ck_assert(strstr(text, "sentinel known-replica mymaster 127.0.0.1 "
			       "63792\n"));
	ck_assert(strstr(text, "sentinel current-epoch 0\n"));
	ck_assert(strstr(text, "sentinel myid "));
	/* The old sentinel lines are replaced, not repeated. */
	ck_assert_ptr_eq(
	    strstr(strstr(text, "sentinel monitor") + 1, "sentinel monitor"),
	    NULL);
	rkv_node_config_free_text(s->node, text);
	{
		const char *bad[2] = {"myid", "short"};
		char err[128];

		ck_assert_int_eq(rkv_node_config_set(s->node, "sentinel", bad,
						     2, err, sizeof(err)),
				 RKV_ERR_INVALID);
		ck_assert_str_eq(err, "Malformed Sentinel id in myid option.");
		ck_assert_int_eq(rkv_node_config_set(m->node, "sentinel", bad,
						     2, err, sizeof(err)),
				 RKV_ERR_INVALID);
	}
}
END_TEST

/* sentinel.conf errors, with redis-sentinel 7.0.15's messages (checked by
 * tests/integration/test_sentinel_badinput.py against the real one). */
START_TEST(test_config_errors)
{
	static const struct {
		const char *line, *err; /* err NULL: accepted */
	} cases[] = {
	    {"monitor cm 127.0.0.1 7000 0", "Quorum must be 1 or greater."},
	    {"monitor cm 127.0.0.1 7000 x", "Quorum must be 1 or greater."},
	    {"monitor cm 127.0.0.1 70000 1", "Invalid port number."},
	    {"monitor cm 127.0.0.1", "Unrecognized sentinel configuration "
				     "statement."},
	    {"monitor cm 127.0.0.1 7000 1", NULL},
	    {"monitor cm 127.0.0.1 7001 1", "Duplicate master name."},
	    {"down-after-milliseconds nosuch 1000",
	     "No such master with specified name."},
	    {"down-after-milliseconds cm 0",
	     "negative or zero time parameter."},
	    {"known-replica cm 127.0.0.1 -1", "Invalid port number."},
	    {"resolve-hostnames maybe",
	     "Please specify yes or no for the resolve-hostnames option."},
	    {"deny-scripts-reconfig x",
	     "Please specify yes or no for the deny-scripts-reconfig options."},
	    {"resolve-hostnames yes", NULL},
	    {"announce-ip", "Unrecognized sentinel configuration statement."},
	    {"announce-ip 10.0.0.1", NULL},
	    {"master-reboot-down-after-period cm -1",
	     "negative time parameter."},
	    {"master-reboot-down-after-period cm 0", NULL},
	};
	static const char *const user[] = {
	    "default", "on", "nopass", "sanitize-payload", "~*", "&*", "+@all"};
	static const char *const alice[] = {"alice", "on", "nopass",
					    "~*",    "&*", "+@all"};
	char err[128];

	s = add_peer(26379, true, 42);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char buf[128], *argv[8], *save = NULL;
		size_t argc = 0;

		snprintf(buf, sizeof(buf), "%s", cases[i].line);
		for (char *t = strtok_r(buf, " ", &save); t && argc < 8;
		     t = strtok_r(NULL, " ", &save))
			argv[argc++] = t;
		err[0] = 0;
		int rc = rkv_node_config_set(s->node, "sentinel",
					     (const char *const *)argv, argc,
					     err, sizeof(err));
		if (!cases[i].err) {
			ck_assert_msg(rc == 0, "%s: %s", cases[i].line, err);
			continue;
		}
		ck_assert_msg(rc == RKV_ERR_INVALID, "%s accepted",
			      cases[i].line);
		ck_assert_msg(!strcmp(err, cases[i].err), "%s: '%s'",
			      cases[i].line, err);
	}
	/* The default user line Redis's CONFIG REWRITE writes is accepted;
	   another user is still refused. */
	ck_assert_int_eq(
	    rkv_node_config_set(s->node, "user", user, 7, err, sizeof(err)), 0);
	ck_assert_int_eq(
	    rkv_node_config_set(s->node, "user", user, 6, err, sizeof(err)),
	    RKV_ERR_INVALID);
	ck_assert_int_eq(
	    rkv_node_config_set(s->node, "user", alice, 6, err, sizeof(err)),
	    RKV_ERR_INVALID);
}
END_TEST

/* SENTINEL CONFIG GET/SET and HELP, replies as redis-sentinel 7.0.15's
 * (compared byte for byte by tests/integration/test_sentinel_config.py). */
START_TEST(test_sentinel_config_cmd)
{
	rkv_reply *r;
	char *text = NULL;
	size_t len = 0;

	seed_topology(false);
	r = cmd(s, "SENTINEL", "CONFIG", "GET", "*");
	ck_assert_int_eq(r->count, 12);
	ck_assert_str_eq(r->elements[0]->str, "resolve-hostnames");
	ck_assert_str_eq(r->elements[1]->str, "no");
	ck_assert_str_eq(r->elements[7]->str, "0"); /* announce-port */
	rkv_reply_free(s->node, r);
	r = cmd(s, "SENTINEL", "CONFIG", "SET", "announce-ip");
	ck_assert_int_eq(r->type, RKV_REPLY_ERROR);
	rkv_reply_free(s->node, r);
	{
		const char *argv[5] = {"SENTINEL", "CONFIG", "SET",
				       "announce-port", "70000"};

		ck_assert_int_eq(
		    rkv_node_command(s->node, 0, 5, argv, NULL, &r), 0);
		ck_assert_str_eq(r->str, "ERR Invalid value '70000' to "
					 "SENTINEL CONFIG SET "
					 "'announce-port'");
		rkv_reply_free(s->node, r);
		argv[3] = "nosuch";
		ck_assert_int_eq(
		    rkv_node_command(s->node, 0, 5, argv, NULL, &r), 0);
		ck_assert_str_eq(r->str, "ERR Invalid argument 'nosuch' to "
					 "SENTINEL CONFIG SET");
		rkv_reply_free(s->node, r);
		argv[3] = "announce-ip";
		argv[4] = "10.1.2.3";
		ck_assert_int_eq(
		    rkv_node_command(s->node, 0, 5, argv, NULL, &r), 0);
		ck_assert_str_eq(r->str, "OK");
		rkv_reply_free(s->node, r);
		argv[3] = "announce-port";
		argv[4] = "4567";
		ck_assert_int_eq(
		    rkv_node_command(s->node, 0, 5, argv, NULL, &r), 0);
		ck_assert_str_eq(r->str, "OK");
		rkv_reply_free(s->node, r);
	}
	r = cmd(s, "SENTINEL", "CONFIG", "GET", "ANNOUNCE-*");
	ck_assert_int_eq(r->count, 6);
	ck_assert_str_eq(r->elements[3]->str, "10.1.2.3");
	ck_assert_str_eq(r->elements[5]->str, "4567");
	rkv_reply_free(s->node, r);
	ck_assert_int_eq(rkv_node_config_rewrite(s->node, "", 0, &text, &len),
			 0);
	ck_assert_msg(strstr(text, "sentinel announce-ip 10.1.2.3\n") &&
			  strstr(text, "sentinel announce-port 4567\n"),
		      "%s", text);
	rkv_node_config_free_text(s->node, text);
	r = cmd(s, "SENTINEL", "CONFIG", "GET", NULL);
	ck_assert_str_eq(r->str, "ERR Only SENTINEL CONFIG GET <option> / SET "
				 "<option> <value> are supported.");
	rkv_reply_free(s->node, r);
	r = cmd(s, "SENTINEL", "HELP", NULL, NULL);
	ck_assert_int_eq(r->count, 49);
	ck_assert_str_eq(r->elements[48]->str, "    Prints this help.");
	rkv_reply_free(s->node, r);
}
END_TEST

static Suite *sentinel_suite(void)
{
	Suite *su = suite_create("sentinel");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_seed_failover);
	tcase_add_test(tc, test_old_master_converted);
	tcase_add_test(tc, test_no_good_slave);
	tcase_add_test(tc, test_two_sentinels);
	tcase_add_test(tc, test_sentinel_commands);
	tcase_add_test(tc, test_vote_survives_restart);
	tcase_add_test(tc, test_tilt);
	tcase_add_test(tc, test_below_quorum);
	tcase_add_test(tc, test_no_stale_odown_after_switch);
	tcase_add_test(tc, test_superseded_failover_keeps_newer_config);
	tcase_add_test(tc, test_config_rewrite);
	tcase_add_test(tc, test_config_errors);
	tcase_add_test(tc, test_sentinel_config_cmd);
	suite_add_tcase(su, tc);
	return su;
}

int main(void)
{
	return rkv_test_run(sentinel_suite());
}
