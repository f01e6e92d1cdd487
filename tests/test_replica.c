/* Unit tests: the replica side (lib/replica.c) driven by a fake host: the
 * connect callback records the outbound connection, the test plays the
 * master's part byte by byte (handshake replies, an RDB made by another
 * node, the stream) and checks what the replica sends, applies and logs. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "node.h"
#include "repl.h"
#include "replica.h"
#include "rkv.h"

#define MARK "0123456789abcdef0123456789abcdef01234567"

typedef struct host {
	int64_t clock_us;
	rkv_conn *client; /* a client of the replica */
	rkv_conn *link;	  /* the outbound link the node asked for */
	int connects;
	char host[64];
	int port;
	bool link_closed;
	char out[1 << 16]; /* what the replica sent to its master */
	size_t outlen;
	char cout[1 << 16]; /* what it sent to the client */
	size_t coutlen;
	char log[1 << 16];
	size_t loglen;
} host;

static host h;
static rkv_node *node;

static int64_t capture(char *out, size_t cap, size_t *outlen,
		       const uint8_t *data, size_t len)
{
	ck_assert_uint_lt(*outlen + len, cap);
	memcpy(out + *outlen, data, len);
	*outlen += len;
	return (int64_t)len;
}

typedef struct sink {
	char *buf;
	size_t len, cap;
} sink;

static int sink_write(const uint8_t *data, size_t len, void *ud)
{
	sink *s = ud;

	if (s->len + len > s->cap) {
		s->cap = (s->len + len) * 2;
		s->buf = realloc(s->buf, s->cap);
		ck_assert_ptr_nonnull(s->buf);
	}
	memcpy(s->buf + s->len, data, len);
	s->len += len;
	return 0;
}

static int64_t on_send(rkv_node *n, rkv_conn *c, const uint8_t *data,
		       size_t len, void *ud)
{
	(void)n;
	(void)ud;
	if (c == h.link)
		return capture(h.out, sizeof(h.out), &h.outlen, data, len);
	return capture(h.cout, sizeof(h.cout), &h.coutlen, data, len);
}

static int on_connect(rkv_node *n, rkv_conn *c, const char *hostname, int port,
		      void *ud)
{
	(void)n;
	(void)ud;
	h.link = c;
	h.connects++;
	h.link_closed = false;
	snprintf(h.host, sizeof(h.host), "%s", hostname);
	h.port = port;
	h.outlen = 0;
	return 0;
}

static void on_close(rkv_node *n, rkv_conn *c, void *ud)
{
	(void)n;
	(void)ud;
	if (c == h.link)
		h.link_closed = true;
}

static void on_log(rkv_node *n, rkv_log_level level, const char *msg, void *ud)
{
	size_t len = strlen(msg);

	(void)n;
	(void)level;
	(void)ud;
	if (h.loglen + len + 2 < sizeof(h.log)) {
		memcpy(h.log + h.loglen, msg, len);
		h.loglen += len;
		h.log[h.loglen++] = '\n';
		h.log[h.loglen] = '\0';
	}
}

static int64_t on_clock(rkv_node *n, void *ud)
{
	(void)n;
	return ((host *)ud)->clock_us;
}

static void setup(void)
{
	rkv_callbacks *cbs;
	rkv_options *opts;

	memset(&h, 0, sizeof(h));
	h.clock_us = 1700000000000000LL;
	ck_assert_int_eq(rkv_callbacks_new(&cbs), 0);
	rkv_callbacks_set_send(cbs, on_send);
	rkv_callbacks_set_connect(cbs, on_connect);
	rkv_callbacks_set_close(cbs, on_close);
	rkv_callbacks_set_log(cbs, on_log);
	rkv_callbacks_set_clock(cbs, on_clock);
	ck_assert_int_eq(rkv_options_new(&opts), 0);
	rkv_options_set_seed(opts, 7);
	ck_assert_int_eq(rkv_node_new(&node, cbs, opts, &h), 0);
	rkv_callbacks_free(cbs);
	rkv_options_free(opts);
	ck_assert_int_eq(rkv_conn_new(node, &h.client, NULL), 0);
}

static void teardown(void)
{
	if (h.link)
		rkv_conn_free(h.link);
	rkv_conn_free(h.client);
	rkv_node_free(node);
}

static void tick_ms(int64_t ms)
{
	h.clock_us += ms * 1000;
	rkv_node_tick(node, h.clock_us / 1000);
}

/* Run a client command; returns its reply (valid until the next call). */
static const char *cmd(const char *resp)
{
	h.coutlen = 0;
	rkv_conn_recv(h.client, (const uint8_t *)resp, strlen(resp));
	h.cout[h.coutlen] = '\0';
	return h.cout;
}

static void master_sends(const void *data, size_t len)
{
	rkv_conn_recv(h.link, data, len);
}

static void master_says(const char *s)
{
	master_sends(s, strlen(s));
}

static bool sent(const char *s)
{
	h.out[h.outlen] = '\0';
	return strstr(h.out, s) != NULL;
}

static bool logged(const char *s)
{
	return strstr(h.log, s) != NULL;
}

/* The RDB of a master holding n keys k<i> = v<i>. */
static char *master_rdb(int n, size_t *len)
{
	rkv_callbacks *cbs;
	rkv_node *m;
	sink sk = {NULL, 0, 0};

	ck_assert_int_eq(rkv_callbacks_new(&cbs), 0);
	ck_assert_int_eq(rkv_node_new(&m, cbs, NULL, NULL), 0);
	rkv_callbacks_free(cbs);
	for (int i = 0; i < n; i++) {
		char k[32], v[32];

		snprintf(k, sizeof(k), "k%d", i);
		snprintf(v, sizeof(v), "v%d", i);
		ck_assert_int_eq(rkv_set(m, 0, k, strlen(k), v, strlen(v), 0),
				 0);
	}
	ck_assert_int_eq(rkv_node_save(m, sink_write, &sk), 0);
	rkv_node_free(m);
	*len = sk.len;
	return sk.buf;
}

static const char *info_field(const char *field)
{
	static char val[128];
	const char *r = cmd("*2\r\n$4\r\nINFO\r\n$11\r\nreplication\r\n");
	const char *p = strstr(r, field);

	ck_assert_ptr_nonnull(p);
	p += strlen(field);
	ck_assert_int_eq(*p, ':');
	p++;
	size_t n = strcspn(p, "\r");
	snprintf(val, sizeof(val), "%.*s", (int)n, p);
	return val;
}

/* REPLICAOF, then the handshake up to PSYNC. */
static void handshake(void)
{
	ck_assert_str_eq(cmd("*3\r\n$9\r\nREPLICAOF\r\n$9\r\n127.0.0.1\r\n"
			     "$4\r\n6399\r\n"),
			 "+OK\r\n");
	ck_assert_ptr_nonnull(h.link);
	ck_assert_str_eq(h.host, "127.0.0.1");
	ck_assert_int_eq(h.port, 6399);
	ck_assert_int_eq(rkv_conn_is_outbound(h.link), 1);
	ck_assert_int_eq(rkv_conn_connected(h.link), 0);
	ck_assert(sent("*1\r\n$4\r\nPING\r\n"));
	master_says("+PONG\r\n");
	ck_assert(sent("$14\r\nlistening-port\r\n$4\r\n6379\r\n"));
	ck_assert(
	    sent("$4\r\ncapa\r\n$3\r\neof\r\n$4\r\ncapa\r\n$6\r\npsync2"));
	h.outlen = 0;
	master_says("+OK\r\n+OK\r\n");
	ck_assert(sent("PSYNC"));
}

/* The RDB in the EOF form, fed `step` bytes at a time. */
static void full_sync_eof(const char *id, long long off, int keys, size_t step)
{
	size_t rlen;
	char *rdb = master_rdb(keys, &rlen);
	char line[128];
	char *all = malloc(rlen + 40);

	snprintf(line, sizeof(line), "+FULLRESYNC %s %lld\r\n", id, off);
	master_says("\n"); /* a keepalive before the reply */
	master_says(line);
	master_says("\n\n"); /* keepalives */
	master_says("$EOF:" MARK "\r\n");
	memcpy(all, rdb, rlen);
	memcpy(all + rlen, MARK, 40);
	for (size_t i = 0; i < rlen + 40; i += step)
		master_sends(all + i,
			     i + step <= rlen + 40 ? step : rlen + 40 - i);
	free(all);
	free(rdb);
}

#define ID1 "1111111111111111111111111111111111111111"
#define ID2 "2222222222222222222222222222222222222222"

START_TEST(full_sync_eof_form_then_stream)
{
	char ack[64];
	static const char set[] = "*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\nb\r\n";

	handshake();
	ck_assert(logged("Trying a partial resynchronization (request "));
	full_sync_eof(ID1, 100, 50, 7);
	ck_assert(logged("Full resync from master: " ID1 ":100"));
	ck_assert(logged("MASTER <-> REPLICA sync: Finished with success"));
	ck_assert_str_eq(cmd("*1\r\n$6\r\nDBSIZE\r\n"), ":50\r\n");
	ck_assert_str_eq(info_field("role"), "slave");
	ck_assert_str_eq(info_field("master_link_status"), "up");
	ck_assert_str_eq(info_field("master_replid"), ID1);
	ck_assert_str_eq(info_field("master_repl_offset"), "100");
	ck_assert(sent("$8\r\nREPLCONF\r\n$3\r\nACK\r\n$3\r\n100\r\n"));
	/* The stream: applied, counted, no reply to the master. */
	h.outlen = 0;
	master_says(set);
	ck_assert_uint_eq(h.outlen, 0);
	ck_assert_str_eq(cmd("*2\r\n$3\r\nGET\r\n$1\r\na\r\n"), "$1\r\nb\r\n");
	snprintf(ack, sizeof(ack), "%lld", 100LL + (long long)strlen(set));
	ck_assert_str_eq(info_field("master_repl_offset"), ack);
	ck_assert_str_eq(info_field("slave_repl_offset"), ack);
	/* The backlog holds exactly the applied bytes. */
	ck_assert_int_eq(node->repl.histlen, (long long)strlen(set));
	/* Clients cannot write. */
	ck_assert_str_eq(cmd("*3\r\n$3\r\nSET\r\n$1\r\nx\r\n$1\r\ny\r\n"),
			 "-READONLY You can't write against a read only "
			 "replica.\r\n");
	/* CLIENT LIST shows the master with flags=M. */
	ck_assert_ptr_nonnull(
	    strstr(cmd("*2\r\n$6\r\nCLIENT\r\n$4\r\nLIST\r\n"), "flags=M"));
}
END_TEST

START_TEST(full_sync_sized_form_with_stream_in_same_read)
{
	size_t rlen;
	char *rdb = master_rdb(10, &rlen);
	static const char set[] = "*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\nb\r\n";
	char *all = malloc(rlen + 256);
	int n;

	handshake();
	n = snprintf(all, 256, "+FULLRESYNC " ID1 " 5\r\n$%zu\r\n", rlen);
	memcpy(all + n, rdb, rlen);
	memcpy(all + n + rlen, set, strlen(set));
	master_sends(all, (size_t)n + rlen + strlen(set));
	ck_assert_str_eq(cmd("*1\r\n$6\r\nDBSIZE\r\n"), ":11\r\n");
	ck_assert_int_eq(node->repl.offset, 5 + (long long)strlen(set));
	free(all);
	free(rdb);
}
END_TEST

START_TEST(multi_counts_at_exec_and_getack)
{
	static const char multi[] = "*1\r\n$5\r\nMULTI\r\n";
	static const char set[] = "*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\nb\r\n";
	static const char exec[] = "*1\r\n$4\r\nEXEC\r\n";
	static const char getack[] =
	    "*3\r\n$8\r\nREPLCONF\r\n$6\r\nGETACK\r\n$1\r\n*\r\n";
	long long total =
	    (long long)(strlen(multi) + strlen(set) + strlen(exec));
	char want[64];

	handshake();
	full_sync_eof(ID1, 0, 1, 4096);
	master_says(multi);
	master_says(set);
	ck_assert_int_eq(node->repl.offset, 0);
	master_says(exec);
	ck_assert_int_eq(node->repl.offset, total);
	ck_assert_str_eq(cmd("*2\r\n$3\r\nGET\r\n$1\r\na\r\n"), "$1\r\nb\r\n");
	h.outlen = 0;
	master_says(getack);
	snprintf(want, sizeof(want), "$3\r\nACK\r\n$2\r\n%lld\r\n", total);
	ck_assert(sent(want));
	ck_assert_int_eq(node->repl.offset, total + (long long)strlen(getack));
	/* ACK every second from the tick. */
	h.outlen = 0;
	tick_ms(1100);
	ck_assert(sent("REPLCONF"));
}
END_TEST

/* Only the master expires keys: its stream sees a key whose TTL passed on
 * the replica's clock as still there (clock skew), as Redis. */
START_TEST(master_stream_sees_keys_expired_locally)
{
	char set[128];
	static const char incr[] = "*2\r\n$4\r\nINCR\r\n$1\r\nk\r\n";
	long long at = h.clock_us / 1000 + 1000;
	rkv_entry *e;
	char buf[32];
	size_t len;

	handshake();
	full_sync_eof(ID1, 0, 1, 4096);
	snprintf(set, sizeof(set),
		 "*5\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\n5\r\n$4\r\nPXAT\r\n"
		 "$13\r\n%lld\r\n",
		 at);
	master_says(set);
	h.clock_us += 2000 * 1000; /* the replica's clock passes the TTL */
	tick_ms(0);
	master_says(incr);
	e = rkv_keyspace_peek(&node->ks, 0, "k", 1, INT64_MIN);
	ck_assert_ptr_nonnull(e);
	ck_assert(memcmp(rkv_entry_str(e, buf, &len), "6", 1) == 0);
	ck_assert_uint_eq(len, 1);
	/* No active expiry on a replica. */
	tick_ms(100);
	ck_assert_ptr_nonnull(
	    rkv_keyspace_peek(&node->ks, 0, "k", 1, INT64_MIN));
	/* Nothing of the replica's own went into the stream. */
	ck_assert_int_eq(node->repl.offset,
			 (long long)(strlen(set) + strlen(incr)));
	/* A command the replica cannot run: logged loudly, still counted. */
	master_says("*2\r\n$7\r\nNOSUCHC\r\n$1\r\nx\r\n");
	ck_assert(logged("== CRITICAL == This replica is sending an error to "
			 "its master: 'ERR unknown command 'NOSUCHC'"));
	ck_assert_int_eq(node->repl.offset,
			 (long long)(strlen(set) + strlen(incr) + 24));
}
END_TEST

/* Client reads on a replica see an expired key as missing but do not delete
 * it (Redis's expireIfNeeded() on a replica): the master's DEL does, and the
 * replica's stream stays the master's byte for byte. */
START_TEST(client_reads_hide_expired_keys_without_deleting)
{
	char set[128];
	static const char del[] = "*2\r\n$3\r\nDEL\r\n$1\r\nk\r\n";
	long long at = h.clock_us / 1000 + 1000;
	char buf[16];
	size_t vlen;

	handshake();
	full_sync_eof(ID1, 0, 0, 4096);
	snprintf(set, sizeof(set),
		 "*5\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\n5\r\n$4\r\nPXAT\r\n"
		 "$13\r\n%lld\r\n",
		 at);
	master_says(set);
	ck_assert_str_eq(cmd("*2\r\n$3\r\nGET\r\n$1\r\nk\r\n"), "$1\r\n5\r\n");
	h.clock_us += 2000 * 1000; /* past the TTL on the replica's clock */
	tick_ms(0);
	ck_assert_str_eq(cmd("*2\r\n$3\r\nGET\r\n$1\r\nk\r\n"), "$-1\r\n");
	ck_assert_str_eq(cmd("*2\r\n$6\r\nEXISTS\r\n$1\r\nk\r\n"), ":0\r\n");
	ck_assert_str_eq(cmd("*2\r\n$3\r\nTTL\r\n$1\r\nk\r\n"), ":-2\r\n");
	/* Every key is volatile: RANDOMKEY returns the kept one, as Redis. */
	ck_assert_str_eq(cmd("*1\r\n$9\r\nRANDOMKEY\r\n"), "$1\r\nk\r\n");
	ck_assert_int_eq(rkv_get(node, 0, "k", 1, buf, sizeof(buf), &vlen), 0);
	ck_assert_int_eq(rkv_exists(node, 0, "k", 1), 0);
	/* Still there: DBSIZE counts it, and nothing went into the stream. */
	ck_assert_str_eq(cmd("*1\r\n$6\r\nDBSIZE\r\n"), ":1\r\n");
	ck_assert_int_eq(node->ks.expired_keys, 0);
	ck_assert_int_eq(node->repl.offset, (long long)strlen(set));
	/* A writable replica's client write replaces it (deleting the
	 * expired key first, as Redis's forced expiry for writes); the write
	 * stays local: no stream of its own. */
	ck_assert_str_eq(cmd("*4\r\n$6\r\nCONFIG\r\n$3\r\nSET\r\n"
			     "$17\r\nreplica-read-only\r\n$2\r\nno\r\n"),
			 "+OK\r\n");
	ck_assert_str_eq(cmd("*3\r\n$6\r\nAPPEND\r\n$1\r\nk\r\n$1\r\n7\r\n"),
			 ":1\r\n");
	ck_assert_str_eq(cmd("*2\r\n$3\r\nGET\r\n$1\r\nk\r\n"), "$1\r\n7\r\n");
	ck_assert_int_eq(node->ks.expired_keys, 1);
	ck_assert_int_eq(node->repl.offset, (long long)strlen(set));
	/* The master's DEL removes it. */
	master_says(del);
	ck_assert_str_eq(cmd("*1\r\n$6\r\nDBSIZE\r\n"), ":0\r\n");
	ck_assert_int_eq(node->repl.offset,
			 (long long)(strlen(set) + strlen(del)));
}
END_TEST

/* A PEXPIREAT (or GETEX PXAT) whose time has passed on the replica's clock
 * when it arrives sets the TTL: only a master deletes at once (Redis's
 * checkAlreadyExpired()). Found by rkv-sim (seed 1099, 5 nodes): a replica
 * that deleted the key, then was promoted, never sent the DEL, and its
 * replicas kept the key forever. */
START_TEST(stream_expire_in_the_past_keeps_the_key)
{
	char at[128], getex[160];
	static const char set[] = "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\n5\r\n";
	static const char set2[] = "*3\r\n$3\r\nSET\r\n$1\r\nj\r\n$1\r\n6\r\n";
	long long past = h.clock_us / 1000 - 5000;

	handshake();
	full_sync_eof(ID1, 0, 0, 4096);
	master_says(set);
	master_says(set2);
	snprintf(at, sizeof(at),
		 "*3\r\n$9\r\nPEXPIREAT\r\n$1\r\nk\r\n$13\r\n%lld\r\n", past);
	master_says(at);
	snprintf(getex, sizeof(getex),
		 "*4\r\n$5\r\nGETEX\r\n$1\r\nj\r\n$4\r\nPXAT\r\n"
		 "$13\r\n%lld\r\n",
		 past);
	master_says(getex);
	/* Both kept (hidden from reads), until the master's DEL. */
	ck_assert_str_eq(cmd("*1\r\n$6\r\nDBSIZE\r\n"), ":2\r\n");
	ck_assert_str_eq(cmd("*2\r\n$3\r\nGET\r\n$1\r\nk\r\n"), "$-1\r\n");
	ck_assert_int_eq(node->ks.expired_keys, 0);
	/* Promoted, it is the master: its expiry deletes them and streams
	 * the DELs its own replicas need. */
	ck_assert_str_eq(cmd("*3\r\n$9\r\nREPLICAOF\r\n$2\r\nNO\r\n$3\r\nONE\r\n"),
			 "+OK\r\n");
	ck_assert_str_eq(cmd("*2\r\n$6\r\nEXISTS\r\n$1\r\nk\r\n"), ":0\r\n");
	ck_assert_str_eq(cmd("*2\r\n$6\r\nEXISTS\r\n$1\r\nj\r\n"), ":0\r\n");
	ck_assert_str_eq(cmd("*1\r\n$6\r\nDBSIZE\r\n"), ":0\r\n");
	ck_assert_int_eq(node->ks.expired_keys, 2);
}
END_TEST

/* A master's stream holds data commands, SELECT, PING and transactions.
 * Anything that would turn the link into something else (a replica of
 * ours, a monitor, a subscriber, a blocked WAIT) is refused and logged;
 * nothing goes back to the master. */
START_TEST(master_link_refuses_non_stream_commands)
{
	static const char *const bad[] = {
	    "*1\r\n$4\r\nSYNC\r\n",
	    "*3\r\n$5\r\nPSYNC\r\n$1\r\n?\r\n$2\r\n-1\r\n",
	    "*1\r\n$7\r\nMONITOR\r\n",
	    "*2\r\n$9\r\nSUBSCRIBE\r\n$1\r\nc\r\n",
	    "*3\r\n$4\r\nWAIT\r\n$1\r\n1\r\n$1\r\n0\r\n",
	    "*3\r\n$9\r\nREPLICAOF\r\n$2\r\nNO\r\n$3\r\nONE\r\n",
	    "*1\r\n$4\r\nQUIT\r\n",
	};
	static const char set[] = "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n";
	long long off = 0;

	handshake();
	full_sync_eof(ID1, 0, 0, 4096);
	h.outlen = 0;
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		master_says(bad[i]);
		off += (long long)strlen(bad[i]);
		ck_assert_int_eq(node->repl.offset, off);
	}
	ck_assert(logged("is not accepted from the master"));
	ck_assert_int_eq(rkv_node_is_replica(node), 1);
	master_says(set);
	ck_assert_str_eq(cmd("*2\r\n$3\r\nGET\r\n$1\r\nk\r\n"), "$1\r\nv\r\n");
	tick_ms(1100); /* the link still acknowledges, as a replica's */
	h.out[h.outlen] = '\0';
	ck_assert_int_eq(h.out[0], '*');
	ck_assert(strstr(h.out, "ACK") != NULL);
	ck_assert(strstr(h.out, "FULLRESYNC") == NULL);
}
END_TEST

START_TEST(reconnect_partial_resync_and_promotion)
{
	static const char set[] = "*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\nb\r\n";
	char want[128];
	rkv_conn *old;

	handshake();
	full_sync_eof(ID1, 10, 3, 100);
	master_says(set);
	/* The link breaks: the host frees it. */
	old = h.link;
	h.link = NULL;
	rkv_conn_free(old);
	ck_assert(logged("Connection with master lost."));
	ck_assert_str_eq(info_field("master_link_status"), "down");
	tick_ms(100);
	ck_assert_ptr_nonnull(h.link);
	ck_assert(logged("Reconnecting to MASTER 127.0.0.1:6399"));
	ck_assert_int_eq(rkv_conn_connected(h.link), 0);
	master_says("+PONG\r\n+OK\r\n+OK\r\n");
	snprintf(want, sizeof(want), "$40\r\n%s\r\n$2\r\n%lld\r\n", ID1,
		 10 + (long long)strlen(set) + 1);
	ck_assert(sent(want));
	master_says("+CONTINUE " ID2 "\r\n");
	ck_assert(logged("Successful partial resynchronization with master."));
	ck_assert(logged("Master replication ID changed to " ID2));
	ck_assert_str_eq(info_field("master_replid"), ID2);
	ck_assert_str_eq(info_field("master_replid2"), ID1);
	ck_assert_str_eq(info_field("master_link_status"), "up");
	ck_assert_str_eq(cmd("*2\r\n$3\r\nGET\r\n$1\r\na\r\n"), "$1\r\nb\r\n");
	/* Promotion. */
	ck_assert_str_eq(
	    cmd("*3\r\n$9\r\nREPLICAOF\r\n$2\r\nNO\r\n$3\r\nONE\r\n"),
	    "+OK\r\n");
	ck_assert(h.link_closed);
	snprintf(want, sizeof(want),
		 "Setting secondary replication ID to %s, valid up to offset: "
		 "%lld. New replication ID is ",
		 ID2, 10 + (long long)strlen(set) + 1);
	ck_assert(logged(want));
	ck_assert(logged("MASTER MODE enabled (user request from 'id="));
	ck_assert_str_eq(info_field("role"), "master");
	ck_assert_str_eq(cmd("*3\r\n$3\r\nSET\r\n$1\r\nx\r\n$1\r\ny\r\n"),
			 "+OK\r\n");
	ck_assert_int_eq(rkv_node_is_replica(node), 0);
}
END_TEST

START_TEST(truncated_rdb_keeps_the_data_and_retries)
{
	size_t rlen;
	char *rdb = master_rdb(20, &rlen);
	char line[64];
	rkv_conn *old;

	/* Data before: one key. */
	ck_assert_str_eq(cmd("*3\r\n$3\r\nSET\r\n$3\r\nold\r\n$1\r\n1\r\n"),
			 "+OK\r\n");
	handshake();
	snprintf(line, sizeof(line), "+FULLRESYNC " ID1 " 0\r\n$%zu\r\n", rlen);
	master_says(line);
	master_sends(rdb, rlen / 2);
	ck_assert_str_eq(info_field("master_sync_in_progress"), "1");
	old = h.link;
	h.link = NULL;
	rkv_conn_set_error(old, "Connection reset by peer");
	rkv_conn_free(old);
	ck_assert(logged("Error condition on socket for SYNC: Connection "
			 "reset by peer"));
	ck_assert_str_eq(cmd("*1\r\n$6\r\nDBSIZE\r\n"), ":1\r\n");
	/* A retry after the backoff. */
	tick_ms(100);
	ck_assert_ptr_null(h.link);
	tick_ms(1000);
	ck_assert_ptr_nonnull(h.link);
	free(rdb);
}
END_TEST

START_TEST(garbage_rdb_is_refused)
{
	handshake();
	master_says("+FULLRESYNC " ID1 " 0\r\n$10\r\nNOTANRDB!!");
	ck_assert(logged("Failed trying to load the MASTER synchronization DB "
			 "from socket"));
	ck_assert(h.link_closed);
	ck_assert_str_eq(info_field("master_link_status"), "down");
}
END_TEST

START_TEST(replicaof_errors_and_same_master)
{
	ck_assert_str_eq(cmd("*3\r\n$9\r\nREPLICAOF\r\n$9\r\n127.0.0.1\r\n"
			     "$5\r\n99999\r\n"),
			 "-ERR Invalid master port\r\n");
	ck_assert_str_eq(cmd("*3\r\n$7\r\nSLAVEOF\r\n$9\r\n127.0.0.1\r\n"
			     "$3\r\nabc\r\n"),
			 "-ERR Invalid master port\r\n");
	ck_assert_str_eq(cmd("*3\r\n$9\r\nREPLICAOF\r\n$2\r\nno\r\n"
			     "$3\r\none\r\n"),
			 "+OK\r\n");
	ck_assert_str_eq(cmd("*3\r\n$9\r\nREPLICAOF\r\n$9\r\n127.0.0.1\r\n"
			     "$4\r\n6399\r\n"),
			 "+OK\r\n");
	ck_assert_str_eq(cmd("*3\r\n$9\r\nREPLICAOF\r\n$9\r\n127.0.0.1\r\n"
			     "$4\r\n6399\r\n"),
			 "+OK Already connected to specified master\r\n");
	ck_assert_str_eq(cmd("*3\r\n$6\r\nCONFIG\r\n$3\r\nGET\r\n$9\r\n"
			     "replicaof\r\n"),
			 "*2\r\n$9\r\nreplicaof\r\n$14\r\n127.0.0.1 6399\r\n");
	ck_assert_str_eq(info_field("master_link_status"), "down");
	ck_assert_str_eq(info_field("master_link_down_since_seconds"), "-1");
	ck_assert_ptr_nonnull(strstr(cmd("*2\r\n$5\r\nHELLO\r\n$1\r\n2\r\n"),
				     "$4\r\nrole\r\n$7\r\nreplica\r\n"));
	/* ROLE's reply on a replica (the master side's ROLE calls it). */
	ck_assert(rkv_replica_role_reply(h.client));
	ck_assert_int_eq(h.client->obuf.len, 59);
	ck_assert(memcmp(rkv_buf_head(&h.client->obuf),
			 "*5\r\n$5\r\nslave\r\n$9\r\n127.0.0.1\r\n:6399\r\n"
			 "$10\r\nconnecting\r\n:-1\r\n",
			 59) == 0);
	h.client->obuf.len = 0;
}
END_TEST

START_TEST(config_replicaof_connects_on_tick_with_auth)
{
	const char *a1[] = {"127.0.0.1", "7000"};
	const char *a2[] = {"secret"};

	ck_assert_int_ge(
	    rkv_node_config_set(node, "masterauth", a2, 1, NULL, 0), 0);
	ck_assert_int_eq(rkv_node_config_set(node, "replicaof", a1, 2, NULL, 0),
			 0);
	ck_assert_ptr_null(h.link);
	tick_ms(100);
	ck_assert_ptr_nonnull(h.link);
	ck_assert_int_eq(h.port, 7000);
	ck_assert(logged("Connecting to MASTER 127.0.0.1:7000"));
	ck_assert_int_eq(rkv_conn_connected(h.link), 0);
	master_says("+PONG\r\n");
	ck_assert(sent("*2\r\n$4\r\nAUTH\r\n$6\r\nsecret\r\n"));
	h.outlen = 0;
	master_says("+OK\r\n+OK\r\n+OK\r\n");
	/* No cached master at startup: PSYNC ? -1. */
	ck_assert(sent("*3\r\n$5\r\nPSYNC\r\n$1\r\n?\r\n$2\r\n-1\r\n"));
	ck_assert(logged("Partial resynchronization not possible (no cached "
			 "master)"));
}
END_TEST

START_TEST(announce_and_stale_data)
{
	const char *ip[] = {"10.0.0.1"}, *port[] = {"7777"}, *no[] = {"no"};

	ck_assert_int_ge(
	    rkv_node_config_set(node, "replica-announce-ip", ip, 1, NULL, 0),
	    0);
	ck_assert_int_ge(rkv_node_config_set(node, "replica-announce-port",
					     port, 1, NULL, 0),
			 0);
	ck_assert_int_ge(rkv_node_config_set(node, "replica-serve-stale-data",
					     no, 1, NULL, 0),
			 0);
	ck_assert_str_eq(cmd("*3\r\n$9\r\nREPLICAOF\r\n$9\r\n127.0.0.1\r\n"
			     "$4\r\n6399\r\n"),
			 "+OK\r\n");
	/* The link is down: stale data is refused, INFO still answers. */
	ck_assert_str_eq(cmd("*2\r\n$3\r\nGET\r\n$1\r\na\r\n"),
			 "-MASTERDOWN Link with MASTER is down and "
			 "replica-serve-stale-data is set to 'no'.\r\n");
	ck_assert_str_eq(info_field("role"), "slave");
	ck_assert_int_eq(rkv_conn_connected(h.link), 0);
	master_says("+PONG\r\n");
	ck_assert(sent("$14\r\nlistening-port\r\n$4\r\n7777\r\n"));
	ck_assert(sent("$10\r\nip-address\r\n$8\r\n10.0.0.1\r\n"));
	h.outlen = 0;
	/* Errors to REPLCONF are not critical; PSYNC follows the third. */
	master_says("-ERR unknown\r\n+OK\r\n");
	ck_assert(!sent("PSYNC"));
	master_says("+OK\r\n");
	ck_assert(sent("PSYNC"));
	ck_assert(logged("(Non critical) Master does not understand REPLCONF "
			 "listening-port: -ERR unknown"));
	full_sync_eof(ID1, 0, 3, 64);
	ck_assert_str_eq(cmd("*2\r\n$3\r\nGET\r\n$2\r\nk1\r\n"),
			 "$2\r\nv1\r\n");
}
END_TEST

START_TEST(handshake_timeout)
{
	const char *a1[] = {"127.0.0.1", "7000"};
	const char *t[] = {"5"};

	ck_assert_int_ge(
	    rkv_node_config_set(node, "repl-timeout", t, 1, NULL, 0), 0);
	ck_assert_int_eq(rkv_node_config_set(node, "replicaof", a1, 2, NULL, 0),
			 0);
	tick_ms(100);
	ck_assert_int_eq(rkv_conn_connected(h.link), 0);
	tick_ms(6000);
	ck_assert(logged("Timeout connecting to the MASTER..."));
	ck_assert(h.link_closed);
}
END_TEST

static Suite *replica_suite(void)
{
	Suite *s = suite_create("replica");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, full_sync_eof_form_then_stream);
	tcase_add_test(tc, full_sync_sized_form_with_stream_in_same_read);
	tcase_add_test(tc, multi_counts_at_exec_and_getack);
	tcase_add_test(tc, master_stream_sees_keys_expired_locally);
	tcase_add_test(tc, client_reads_hide_expired_keys_without_deleting);
	tcase_add_test(tc, stream_expire_in_the_past_keeps_the_key);
	tcase_add_test(tc, master_link_refuses_non_stream_commands);
	tcase_add_test(tc, reconnect_partial_resync_and_promotion);
	tcase_add_test(tc, truncated_rdb_keeps_the_data_and_retries);
	tcase_add_test(tc, garbage_rdb_is_refused);
	tcase_add_test(tc, replicaof_errors_and_same_master);
	tcase_add_test(tc, config_replicaof_connects_on_tick_with_auth);
	tcase_add_test(tc, announce_and_stale_data);
	tcase_add_test(tc, handshake_timeout);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return rkv_test_run(replica_suite());
}
