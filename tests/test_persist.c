/* Unit tests: the persistence API (rkv_node_save, rkv_loader) and the SAVE,
 * LASTSAVE and DEBUG RELOAD commands, on an in-process node with a
 * capturing send callback and a fake clock. */
#include <check.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "node.h"
#include "snapshot.h"
#include "rkv.h"
#include "test_host.h"

typedef struct host {
	char out[1 << 16];
	size_t outlen;
	int64_t clock_us;
	int keyspace_calls, keyspace_db;
	int save_calls;
	int save_rc;
} host;

static host H;
static rkv_node *node;
static rkv_conn *conn, *conn2;

/* The bytes saved: the whole file, and its chunks' sizes. */
typedef struct sink {
	char *data;
	size_t len, cap;
	int chunks;
	size_t max_chunk;
	int fail_at; /* this chunk (1-based) fails; 0: none */
} sink;

static sink S;

RKV_TEST_HOST_SEND(h_send, host)
RKV_TEST_HOST_CLOCK(h_clock, host)

static void h_keyspace(rkv_node *n, int db, const char *key, size_t klen,
		       void *ud)
{
	host *h = ud;

	(void)n;
	(void)klen;
	if (!key) {
		h->keyspace_calls++;
		h->keyspace_db = db;
	}
}

static int sink_write(const uint8_t *data, size_t len, void *ud)
{
	sink *s = ud;

	s->chunks++;
	if (s->fail_at && s->chunks == s->fail_at)
		return -1;
	if (len > s->max_chunk)
		s->max_chunk = len;
	if (s->len + len > s->cap) {
		s->cap = (s->len + len) * 2;
		s->data = realloc(s->data, s->cap);
		ck_assert_ptr_nonnull(s->data);
	}
	memcpy(s->data + s->len, data, len);
	s->len += len;
	return 0;
}

static void sink_reset(void)
{
	free(S.data);
	memset(&S, 0, sizeof(S));
}

static int h_save(rkv_node *n, char *err, size_t errlen, void *ud)
{
	host *h = ud;

	h->save_calls++;
	if (h->save_rc < 0) {
		snprintf(err, errlen, "Permission denied");
		return h->save_rc;
	}
	sink_reset();
	return rkv_node_save(n, sink_write, &S) < 0 ? -1 : 0;
}

static void start(const rkv_options *o)
{
	rkv_callbacks *cbs;
	rkv_options *opts = NULL;

	memset(&H, 0, sizeof(H));
	H.clock_us = 1700000000LL * 1000000;
	ck_assert_int_eq(rkv_callbacks_new(&cbs), 0);
	rkv_callbacks_set_send(cbs, h_send);
	rkv_callbacks_set_clock(cbs, h_clock);
	rkv_callbacks_set_keyspace(cbs, h_keyspace);
	rkv_callbacks_set_save(cbs, h_save);
	if (!o) {
		ck_assert_int_eq(rkv_options_new(&opts), 0);
		o = opts;
	}
	ck_assert_int_eq(rkv_options_set_enable_debug_command(
			     (rkv_options *)o, RKV_PROTECTED_YES),
			 0);
	ck_assert_int_eq(rkv_node_new(&node, cbs, o, &H), 0);
	rkv_callbacks_free(cbs);
	rkv_options_free(opts);
	ck_assert_int_eq(rkv_conn_new(node, &conn, &H), 0);
	ck_assert_int_eq(rkv_conn_new(node, &conn2, &H), 0);
}

static void setup(void)
{
	memset(&S, 0, sizeof(S));
	start(NULL);
}

static void stop(void)
{
	rkv_conn_free(conn);
	rkv_conn_free(conn2);
	rkv_node_free(node);
}

static void teardown(void)
{
	stop();
	sink_reset();
}

static const char *cmdc(rkv_conn *c, const char *line)
{
	char buf[4096];
	int n = snprintf(buf, sizeof(buf), "%s\r\n", line);

	H.outlen = 0;
	ck_assert_int_eq(rkv_conn_recv(c, (const uint8_t *)buf, (size_t)n), 0);
	ck_assert_uint_lt(H.outlen, sizeof(H.out));
	H.out[H.outlen] = '\0';
	return H.out;
}

static const char *cmd(const char *line)
{
	return cmdc(conn, line);
}

static void expect(const char *line, const char *reply)
{
	ck_assert_str_eq(cmd(line), reply);
}

static void digest(char out[64])
{
	snprintf(out, 64, "%s", cmd("DEBUG DIGEST"));
}

/* Keys in three databases, some with TTLs, int-encoded and long values. */
static void fill(void)
{
	char line[256];

	for (int db = 0; db < 3; db++) {
		snprintf(line, sizeof(line), "SELECT %d", db);
		expect(line, "+OK\r\n");
		snprintf(line, sizeof(line), "DEBUG POPULATE 3000 k%d 40", db);
		expect(line, "+OK\r\n");
		expect("SET int 12345", "+OK\r\n");
		expect("SET ttl v PX 100000", "+OK\r\n");
	}
	expect("SELECT 0", "+OK\r\n");
}

/* Load S's bytes in pieces of step bytes (the whole file when 0). */
static int load(size_t step, rkv_loader **out)
{
	rkv_loader *l;
	int rc = 0;

	ck_assert_int_eq(rkv_node_load_begin(node, &l), 0);
	for (size_t off = 0; off < S.len && rc == 0;) {
		size_t n = step && S.len - off > step ? step : S.len - off;

		rc = rkv_loader_feed(l, S.data + off, n);
		off += n;
	}
	if (rc >= 0)
		rc = rkv_loader_end(l);
	*out = l;
	return rc;
}

START_TEST(round_trip_in_chunks)
{
	char before[64], after[64];
	rkv_loader *l;
	unsigned long long loaded, expired;

	fill();
	ck_assert_int_gt(rkv_node_dirty(node), 0);
	digest(before);
	H.clock_us += 5000000;
	ck_assert_int_eq(rkv_node_save(node, sink_write, &S), 0);
	ck_assert_int_eq(rkv_node_dirty(node), 0);
	ck_assert_int_eq(rkv_node_lastsave(node), 1700000005);
	expect("LASTSAVE", ":1700000005\r\n");
	/* Bounded chunks, several of them. */
	ck_assert_int_gt(S.chunks, 2);
	ck_assert_uint_le(S.max_chunk, RKV_SAVE_CHUNK + 1024);
	ck_assert(memcmp(S.data, "REDIS0010", 9) == 0);

	/* Without save points FLUSHALL saves nothing (with them it would save
	 * the empty keyspace, as Redis: test_bgsave.c). */
	expect("CONFIG SET save \"\"", "+OK\r\n");
	expect("FLUSHALL", "+OK\r\n");
	ck_assert_int_eq(H.save_calls, 0);
	ck_assert_int_eq(load(7, &l), 0);
	ck_assert_str_eq(rkv_loader_error(l), "");
	rkv_loader_stats(l, &loaded, &expired);
	ck_assert_uint_eq(loaded, 3 * 3002);
	ck_assert_uint_eq(expired, 0);
	rkv_loader_free(l);
	digest(after);
	ck_assert_str_eq(before, after);
	expect("PTTL ttl", ":95000\r\n"); /* 5 s went by */
	expect("OBJECT ENCODING int", "$3\r\nint\r\n");
	ck_assert(strstr(cmd("INFO persistence"),
			 "rdb_last_load_keys_loaded:9006\r\n"));
}
END_TEST

START_TEST(expired_keys_are_skipped)
{
	rkv_loader *l;
	unsigned long long loaded, expired;

	expect("SET a 1 PX 1000", "+OK\r\n");
	expect("SET b 2", "+OK\r\n");
	ck_assert_int_eq(rkv_node_save(node, sink_write, &S), 0);
	H.clock_us += 2000000;
	ck_assert_int_eq(load(0, &l), 0);
	rkv_loader_stats(l, &loaded, &expired);
	ck_assert_uint_eq(loaded, 1);
	ck_assert_uint_eq(expired, 1);
	rkv_loader_free(l);
	expect("DBSIZE", ":1\r\n");
}
END_TEST

/* A replica keeps them (Redis's rdbLoad skips them only when iAmMaster()):
 * its master's DEL removes them later; dropping them would leave it without
 * keys its master and the other replicas still have if it is promoted. */
START_TEST(replica_keeps_expired_keys_on_load)
{
	rkv_loader *l;
	unsigned long long loaded, expired;

	expect("SET a 1 PX 1000", "+OK\r\n");
	expect("SET b 2", "+OK\r\n");
	ck_assert_int_eq(rkv_node_save(node, sink_write, &S), 0);
	H.clock_us += 2000000;
	expect("REPLICAOF 127.0.0.1 1", "+OK\r\n"); /* no connect callback */
	ck_assert_int_eq(load(0, &l), 0);
	rkv_loader_stats(l, &loaded, &expired);
	ck_assert_uint_eq(loaded, 2);
	ck_assert_uint_eq(expired, 0);
	rkv_loader_free(l);
	expect("DBSIZE", ":2\r\n");
	expect("EXISTS a", ":0\r\n"); /* hidden from reads */
}
END_TEST

START_TEST(failed_load_leaves_keyspace_and_watchers)
{
	char before[64];
	rkv_loader *l;
	size_t full;

	fill();
	ck_assert_int_eq(rkv_node_save(node, sink_write, &S), 0);
	full = S.len;
	expect("SET extra 1", "+OK\r\n");
	digest(before);
	ck_assert_str_eq(cmdc(conn2, "WATCH extra"), "+OK\r\n");
	H.keyspace_calls = 0;

	/* Truncated. */
	S.len = full - 10;
	ck_assert_int_eq(load(100, &l), RKV_ERR_PROTO);
	ck_assert_str_eq(rkv_loader_error(l),
			 "Short read or OOM loading DB. Unrecoverable error, "
			 "aborting now.");
	ck_assert_int_eq(rkv_loader_end(l), RKV_ERR_STATE);
	rkv_loader_free(l);
	/* A flipped byte: the checksum fails (or the parse). */
	S.len = full;
	S.data[full / 2] ^= 0x5a;
	ck_assert_int_lt(load(4096, &l), 0);
	ck_assert_str_ne(rkv_loader_error(l), "");
	rkv_loader_free(l);
	S.data[full / 2] ^= 0x5a;
	/* Not a file at all; abandoned without end. */
	ck_assert_int_eq(rkv_node_load_begin(node, &l), 0);
	ck_assert_int_eq(rkv_loader_feed(l, "NOTREDIS0010", 12), RKV_ERR_PROTO);
	ck_assert_int_eq(rkv_loader_feed(l, "x", 1), RKV_ERR_PROTO);
	rkv_loader_free(l);
	ck_assert_int_eq(rkv_node_load_begin(node, &l), 0);
	rkv_loader_free(l);

	ck_assert_str_eq(cmd("DEBUG DIGEST"), before);
	ck_assert_int_eq(H.keyspace_calls, 0);
	ck_assert_str_eq(cmdc(conn2, "MULTI"), "+OK\r\n");
	ck_assert_str_eq(cmdc(conn2, "PING"), "+QUEUED\r\n");
	ck_assert_str_eq(cmdc(conn2, "EXEC"), "*1\r\n+PONG\r\n");

	/* A successful load: the watcher's EXEC fails (extra is gone), the
	 * keyspace callback hears of every database. */
	ck_assert_str_eq(cmdc(conn2, "WATCH extra"), "+OK\r\n");
	ck_assert_int_eq(load(0, &l), 0);
	rkv_loader_free(l);
	ck_assert_int_eq(H.keyspace_calls, 1);
	ck_assert_int_eq(H.keyspace_db, -1);
	expect("EXISTS extra", ":0\r\n");
	ck_assert_str_eq(cmdc(conn2, "MULTI"), "+OK\r\n");
	ck_assert_str_eq(cmdc(conn2, "PING"), "+QUEUED\r\n");
	ck_assert_str_eq(cmdc(conn2, "EXEC"), "*-1\r\n");
}
END_TEST

START_TEST(watch_of_a_key_the_load_creates_fails)
{
	rkv_loader *l;

	expect("SET k v", "+OK\r\n");
	ck_assert_int_eq(rkv_node_save(node, sink_write, &S), 0);
	expect("DEL k", ":1\r\n");
	ck_assert_str_eq(cmdc(conn2, "WATCH k"), "+OK\r\n");
	ck_assert_int_eq(load(0, &l), 0);
	rkv_loader_free(l);
	ck_assert_str_eq(cmdc(conn2, "MULTI"), "+OK\r\n");
	ck_assert_str_eq(cmdc(conn2, "EXEC"), "*-1\r\n");
}
END_TEST

START_TEST(write_callback_failure_aborts_the_save)
{
	fill();
	S.fail_at = 2;
	ck_assert_int_eq(rkv_node_save(node, sink_write, &S), RKV_ERR_CALLBACK);
	ck_assert_int_eq(S.chunks, 2);
	ck_assert_int_gt(rkv_node_dirty(node), 0);
	ck_assert_int_eq(rkv_node_lastsave(node), 1700000000);
	ck_assert_int_eq(rkv_node_save(NULL, sink_write, &S), RKV_ERR_INVALID);
	ck_assert_int_eq(rkv_node_save(node, NULL, &S), RKV_ERR_INVALID);
	ck_assert_int_eq(rkv_node_load_begin(node, NULL), RKV_ERR_INVALID);
	ck_assert_int_eq(rkv_loader_feed(NULL, "", 0), RKV_ERR_INVALID);
	ck_assert_int_eq(rkv_loader_end(NULL), RKV_ERR_INVALID);
	rkv_loader_free(NULL);
}
END_TEST

START_TEST(save_command_uses_the_host_callback)
{
	expect("SET a 1", "+OK\r\n");
	H.clock_us += 3000000;
	expect("SAVE", "+OK\r\n");
	ck_assert_int_eq(H.save_calls, 1);
	ck_assert_int_gt(S.len, 9);
	expect("LASTSAVE", ":1700000003\r\n");
	ck_assert(strstr(cmd("INFO persistence"),
			 "rdb_changes_since_last_save:0\r\n"
			 "rdb_bgsave_in_progress:0\r\n"
			 "rdb_last_save_time:1700000003\r\n"));
	H.save_rc = -1;
	expect("SAVE", "-ERR\r\n");
	expect("SAVE x",
	       "-ERR wrong number of arguments for 'save' command\r\n");
}
END_TEST

START_TEST(save_without_callback_is_an_error)
{
	rkv_callbacks *cbs;
	rkv_node *n;
	rkv_conn *c;

	ck_assert_int_eq(rkv_callbacks_new(&cbs), 0);
	rkv_callbacks_set_send(cbs, h_send);
	ck_assert_int_eq(rkv_node_new(&n, cbs, NULL, &H), 0);
	rkv_callbacks_free(cbs);
	ck_assert_int_eq(rkv_conn_new(n, &c, &H), 0);
	ck_assert_str_eq(cmdc(c, "SAVE"), "-ERR\r\n");
	rkv_conn_free(c);
	rkv_node_free(n);
}
END_TEST

START_TEST(debug_reload_keeps_the_dataset)
{
	char before[64];

	fill();
	digest(before);
	expect("DEBUG RELOAD", "+OK\r\n");
	ck_assert_str_eq(cmd("DEBUG DIGEST"), before);
	ck_assert_int_eq(rkv_node_dirty(node), 0);
}
END_TEST

/* A snapshot in progress when a load swaps the keyspace still holds the
 * keyspace as it was when the snapshot began. */
START_TEST(load_during_a_snapshot)
{
	char before[64];
	rkv_snapshot *snap;
	rkv_buf out;
	rkv_loader *l;
	int rc;

	expect("SET other 1", "+OK\r\n");
	ck_assert_int_eq(rkv_node_save(node, sink_write, &S), 0);
	expect("DEL other", ":1\r\n");
	fill();
	digest(before);
	snap =
	    rkv_snapshot_begin(&node->ks, H.clock_us / 1000, true, true, NULL);
	ck_assert_ptr_nonnull(snap);
	rkv_buf_init(&out, rkv_node_alloc(node));
	ck_assert_int_eq(rkv_snapshot_next(snap, &out, 100), 0);
	ck_assert_int_eq(load(0, &l), 0);
	rkv_loader_free(l);
	expect("DBSIZE", ":1\r\n");
	while ((rc = rkv_snapshot_next(snap, &out, 100)) == 0)
		;
	ck_assert_int_eq(rc, 1);
	rkv_snapshot_free(snap);
	/* The snapshot's file has the keyspace of before the load. */
	sink_reset();
	sink_write((const uint8_t *)rkv_buf_head(&out), out.len, &S);
	rkv_buf_free(&out);
	ck_assert_int_eq(load(1000, &l), 0);
	rkv_loader_free(l);
	ck_assert_str_eq(cmd("DEBUG DIGEST"), before);
}
END_TEST

/* Every allocation failure during a save or a load is an error that leaves
 * the keyspace as it was, and nothing leaks. */
START_TEST(allocation_failures)
{
	/* Static: the node (freed by teardown) keeps using it. */
	static rkv_test_counting cnt;
	char before[64];
	int ok_save = 0, ok_load = 0;

	cnt = (rkv_test_counting){0, 0, -1, false};
	rkv_test_restart_counting(&cnt, stop, start);
	fill();
	digest(before);
	for (long i = 0; i < 400 && !ok_save; i++) {
		sink_reset();
		cnt.fail_after = cnt.total + i;
		cnt.fail_once = true;
		int rc = rkv_node_save(node, sink_write, &S);
		cnt.fail_after = -1;
		ck_assert(rc == 0 || rc == RKV_ERR_NOMEM);
		ok_save = rc == 0;
	}
	ck_assert(ok_save);
	for (long i = 0; i < 20000 && !ok_load; i += 1 + i / 8) {
		rkv_loader *l = NULL;
		int rc;

		cnt.fail_after = cnt.total + i;
		cnt.fail_once = true;
		rc = rkv_node_load_begin(node, &l);
		if (rc == 0) {
			rc = rkv_loader_feed(l, S.data, S.len);
			if (rc >= 0)
				rc = rkv_loader_end(l);
		}
		cnt.fail_after = -1;
		rkv_loader_free(l);
		ck_assert_msg(rc == 0 || rc == RKV_ERR_NOMEM, "rc %d", rc);
		ok_load = rc == 0;
		ck_assert_str_eq(cmd("DEBUG DIGEST"), before);
	}
	ck_assert(ok_load);
}
END_TEST

static Suite *persist_suite(void)
{
	Suite *s = suite_create("persist");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, round_trip_in_chunks);
	tcase_add_test(tc, expired_keys_are_skipped);
	tcase_add_test(tc, replica_keeps_expired_keys_on_load);
	tcase_add_test(tc, failed_load_leaves_keyspace_and_watchers);
	tcase_add_test(tc, watch_of_a_key_the_load_creates_fails);
	tcase_add_test(tc, write_callback_failure_aborts_the_save);
	tcase_add_test(tc, save_command_uses_the_host_callback);
	tcase_add_test(tc, save_without_callback_is_an_error);
	tcase_add_test(tc, debug_reload_keeps_the_dataset);
	tcase_add_test(tc, load_during_a_snapshot);
	tcase_add_test(tc, allocation_failures);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return rkv_test_run(persist_suite());
}
