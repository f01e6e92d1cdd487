/* Unit tests: BGSAVE on the forkless snapshot, the `save` points, SAVE and
 * FLUSHALL through the RDB file callbacks, and the MISCONF refusal after a
 * failed background save; on an in-process node with a fake clock and a host
 * whose "files" are memory buffers. */
#include <check.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "rkv.h"
#include "test_host.h"

/* A host "file": the bytes written to it. */
typedef struct file {
	char *data;
	size_t len, cap;
} file;

typedef struct host {
	char out[1 << 16];
	size_t outlen;
	int64_t clock_us;
	char logs[1 << 14];
	size_t loglen;
	int opens, kept, discarded, writes;
	bool open_fails, close_fails;
	int write_fails_at; /* this write (1-based) fails; 0: none */
	file *open;	    /* the file being written, if any */
	bool async;	    /* accept RKV_RDB_COMMIT_ASYNC with RKV_RDB_PENDING */
	file *pending;	    /* the file whose commit is pending */
	file rdb;	    /* the last file kept ("renamed over dump.rdb") */
	int shutdowns;	    /* SHUTDOWN events */
	char shutdown_detail[16];
} host;

static host H;
static rkv_node *node;
static rkv_conn *conn;

RKV_TEST_HOST_SEND(h_send, host)
RKV_TEST_HOST_CLOCK(h_clock, host)

static void h_log(rkv_node *n, rkv_log_level level, const char *line,
		  void *ud)
{
	host *h = ud;
	int k;

	(void)n;
	(void)level;
	k = snprintf(h->logs + h->loglen, sizeof(h->logs) - h->loglen, "%s\n",
		     line);
	if (k > 0 && h->loglen + (size_t)k < sizeof(h->logs))
		h->loglen += (size_t)k;
}

static void h_event(rkv_node *n, const rkv_event *ev, void *ud)
{
	host *h = ud;

	(void)n;
	if (ev->type == RKV_EVENT_SHUTDOWN) {
		h->shutdowns++;
		snprintf(h->shutdown_detail, sizeof(h->shutdown_detail), "%s",
			 ev->detail);
	}
}

static int h_open(rkv_node *n, void **f, char *err, size_t errlen, void *ud)
{
	host *h = ud;

	(void)n;
	ck_assert_ptr_null(h->open); /* one file at a time */
	h->opens++;
	if (h->open_fails) {
		snprintf(err, errlen, "Permission denied");
		return -1;
	}
	h->open = calloc(1, sizeof(file));
	ck_assert_ptr_nonnull(h->open);
	*f = h->open;
	return 0;
}

static int h_write(const uint8_t *data, size_t len, void *ud)
{
	file *f = ud;

	ck_assert_ptr_eq(f, H.open);
	ck_assert_uint_gt(len, 0);
	if (++H.writes == H.write_fails_at)
		return -1;
	if (f->len + len > f->cap) {
		f->cap = (f->len + len) * 2;
		f->data = realloc(f->data, f->cap);
		ck_assert_ptr_nonnull(f->data);
	}
	memcpy(f->data + f->len, data, len);
	f->len += len;
	return 0;
}

/* Keep f as the RDB file, or drop it. */
static void settle(host *h, file *f, bool keep)
{
	if (keep) {
		free(h->rdb.data);
		h->rdb = *f;
		h->kept++;
	} else {
		free(f->data);
		h->discarded++;
	}
	free(f);
}

static int h_close(rkv_node *n, void *vf, int how, char *err, size_t errlen,
		   void *ud)
{
	host *h = ud;
	file *f = vf;

	(void)n;
	if (f == h->pending) { /* cancel the pending commit */
		ck_assert_int_eq(how, RKV_RDB_DISCARD);
		h->pending = NULL;
		settle(h, f, false);
		return 0;
	}
	ck_assert_ptr_eq(f, h->open);
	h->open = NULL;
	if (how == RKV_RDB_COMMIT_ASYNC && h->async) {
		h->pending = f;
		return RKV_RDB_PENDING;
	}
	if (how != RKV_RDB_DISCARD && h->close_fails) {
		snprintf(err, errlen, "No space left on device");
		settle(h, f, false);
		return -1;
	}
	settle(h, f, how != RKV_RDB_DISCARD);
	return 0;
}

/* The host's asynchronous commit completes. */
static void commit_pending(bool ok)
{
	file *f = H.pending;

	ck_assert_ptr_nonnull(f);
	H.pending = NULL;
	settle(&H, f, ok);
	ck_assert_int_eq(
	    rkv_node_rdb_committed(node, ok, ok ? NULL : "Input/output error"),
	    0);
}

static void setup(void)
{
	rkv_callbacks *cbs;
	rkv_options *opts;

	memset(&H, 0, sizeof(H));
	H.clock_us = 1700000000LL * 1000000;
	ck_assert_int_eq(rkv_callbacks_new(&cbs), 0);
	rkv_callbacks_set_send(cbs, h_send);
	rkv_callbacks_set_clock(cbs, h_clock);
	rkv_callbacks_set_log(cbs, h_log);
	rkv_callbacks_set_event(cbs, h_event);
	rkv_callbacks_set_rdb_file(cbs, h_open, h_write, h_close);
	ck_assert_int_eq(rkv_options_new(&opts), 0);
	ck_assert_int_eq(
	    rkv_options_set_enable_debug_command(opts, RKV_PROTECTED_YES), 0);
	ck_assert_int_eq(rkv_node_new(&node, cbs, opts, &H), 0);
	rkv_callbacks_free(cbs);
	rkv_options_free(opts);
	ck_assert_int_eq(rkv_conn_new(node, &conn, &H), 0);
}

static void teardown(void)
{
	rkv_conn_free(conn);
	rkv_node_free(node);
	ck_assert_ptr_null(H.open); /* freeing the node closed its file */
	ck_assert_ptr_null(H.pending);
	free(H.rdb.data);
}

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

/* The value of INFO field name ("" when absent). */
static const char *info(const char *name)
{
	static char v[128];
	const char *p = strstr(cmd("INFO persistence"), name);
	size_t n = 0;

	v[0] = '\0';
	if (!p || p[strlen(name)] != ':')
		return v;
	p += strlen(name) + 1;
	while (p[n] != '\r' && n < sizeof(v) - 1)
		n++;
	memcpy(v, p, n);
	v[n] = '\0';
	return v;
}

static void digest(char out[64])
{
	snprintf(out, 64, "%s", cmd("DEBUG DIGEST"));
}

/* Load the kept file into the node (replacing its keyspace). */
static void load_kept(void)
{
	rkv_loader *l;

	ck_assert_int_eq(rkv_node_load_begin(node, &l), 0);
	ck_assert_int_eq(rkv_loader_feed(l, H.rdb.data, H.rdb.len), 1);
	ck_assert_int_eq(rkv_loader_end(l), 0);
	rkv_loader_free(l);
}

static void fill(int keys)
{
	char line[128];

	for (int db = 0; db < 3; db++) {
		snprintf(line, sizeof(line), "SELECT %d", db);
		expect(line, "+OK\r\n");
		snprintf(line, sizeof(line), "DEBUG POPULATE %d k 24", keys);
		expect(line, "+OK\r\n");
		expect("SET int 12345", "+OK\r\n");
		expect("SET ttl v PX 100000", "+OK\r\n");
	}
	expect("SELECT 0", "+OK\r\n");
}

/* Run the background save to its end, in steps of `budget` keys. */
static int finish(size_t budget)
{
	int steps = 0;

	while (rkv_node_background(node, budget) == 1)
		steps++;
	return steps;
}

START_TEST(bgsave_is_a_point_in_time_file)
{
	char before[64], after[64], line[64];
	int steps = 0;

	fill(2000);
	digest(before);
	expect("BGSAVE", "+Background saving started\r\n");
	ck_assert_int_eq(rkv_node_bgsave_in_progress(node), 1);
	ck_assert_str_eq(info("rdb_bgsave_in_progress"), "1");
	ck_assert_str_eq(info("current_save_keys_total"), "6006");
	ck_assert(strstr(H.logs, "Background saving started\n"));
	/* Writes, deletes and a SWAPDB between slices change nothing in the
	 * file; they count as changes after it. */
	for (int i = 0; rkv_node_background(node, 50) == 1; i++) {
		snprintf(line, sizeof(line), "SET k:%d changed", i % 2000);
		expect(line, "+OK\r\n");
		snprintf(line, sizeof(line), "DEL k:%d", (i * 7 + 3) % 2000);
		cmd(line);
		if (i == 10)
			expect("SWAPDB 1 2", "+OK\r\n");
		if (i == 20)
			expect("FLUSHDB", "+OK\r\n");
		if (i == 5) {
			ck_assert_str_eq(info("rdb_bgsave_in_progress"), "1");
			ck_assert_int_gt(atoi(info("current_cow_size")), 0);
			ck_assert_int_gt(
			    atoi(info("current_save_keys_processed")), 0);
		}
		steps++;
	}
	ck_assert_int_gt(steps, 50); /* it was sliced */
	ck_assert_int_eq(rkv_node_bgsave_in_progress(node), 0);
	ck_assert_int_eq(H.kept, 1);
	ck_assert_int_eq(H.discarded, 0);
	ck_assert_str_eq(info("rdb_bgsave_in_progress"), "0");
	ck_assert_str_eq(info("rdb_last_bgsave_status"), "ok");
	ck_assert_str_eq(info("rdb_saves"), "1");
	ck_assert_str_eq(info("rdb_last_bgsave_time_sec"), "0");
	ck_assert_int_gt(atoi(info("rdb_last_cow_size")), 0);
	ck_assert_str_eq(info("current_cow_size"), "0");
	/* Changes made during the save are still unsaved. */
	ck_assert_int_ge(rkv_node_dirty(node), steps);
	ck_assert(strstr(H.logs,
			 "Background saving terminated with success\n"));
	ck_assert(memcmp(H.rdb.data, "REDIS0010", 9) == 0);
	load_kept();
	digest(after);
	ck_assert_str_eq(before, after);
}
END_TEST

/* A keyspace loaded after a snapshot flipped its slot's polarity: the next
 * snapshot in that slot must still see every loaded key (it once saw none:
 * a replica's full sync after a BGSAVE served its own replicas an empty
 * RDB). */
START_TEST(snapshot_after_a_load_sees_every_key)
{
	char before[64], after[64];

	fill(500);
	digest(before);
	for (int round = 0; round < 3; round++) {
		expect("BGSAVE", "+Background saving started\r\n");
		finish(100);
		ck_assert_int_eq(H.kept, round + 1);
		load_kept();
		digest(after);
		ck_assert_str_eq(before, after);
	}
}
END_TEST

START_TEST(bgsave_replies_as_redis)
{
	fill(100);
	expect("BGSAVE now", "-ERR syntax error\r\n");
	expect("BGSAVE SCHEDULE x", "-ERR syntax error\r\n");
	expect("BGSAVE", "+Background saving started\r\n");
	expect("BGSAVE",
	       "-ERR Background save already in progress\r\n");
	expect("BGSAVE SCHEDULE",
	       "-ERR Background save already in progress\r\n");
	expect("SAVE", "-ERR Background save already in progress\r\n");
	finish(1000000);
	/* SCHEDULE with nothing running starts at once, as Redis. */
	expect("BGSAVE schedule", "+Background saving started\r\n");
	finish(1000000);
	ck_assert_int_eq(H.kept, 2);
	/* In a transaction it is scheduled, and starts on a later tick. */
	expect("MULTI", "+OK\r\n");
	expect("SET a 1", "+QUEUED\r\n");
	expect("BGSAVE", "+QUEUED\r\n");
	expect("SET b 2", "+QUEUED\r\n");
	expect("EXEC",
	       "*3\r\n+OK\r\n+Background saving scheduled\r\n+OK\r\n");
	ck_assert_int_eq(rkv_node_bgsave_in_progress(node), 0);
	rkv_node_tick(node, 1000);
	ck_assert_int_eq(rkv_node_bgsave_in_progress(node), 1);
	finish(1000000);
	ck_assert_int_eq(H.kept, 3);
	expect("SAVE", "+OK\r\n");
	ck_assert_int_eq(H.kept, 4);
	ck_assert_str_eq(info("rdb_saves"), "4");
	ck_assert_int_eq(rkv_node_dirty(node), 0);
}
END_TEST

START_TEST(ticks_alone_finish_it)
{
	int ticks = 0;

	fill(3000);
	expect("BGSAVE", "+Background saving started\r\n");
	H.clock_us += 3000000;
	while (rkv_node_bgsave_in_progress(node)) {
		ck_assert_int_lt(++ticks, 1000);
		ck_assert_int_eq(rkv_node_tick(node, ticks * 100), 0);
	}
	ck_assert_int_gt(ticks, 3);
	ck_assert_int_eq(H.kept, 1);
	ck_assert_str_eq(info("rdb_last_bgsave_time_sec"), "3");
	expect("LASTSAVE", ":1700000003\r\n");
}
END_TEST

START_TEST(failed_bgsave_refuses_writes)
{
	fill(3000);
	H.write_fails_at = 2;
	expect("BGSAVE", "+Background saving started\r\n");
	finish(100);
	ck_assert_int_eq(H.kept, 0);
	ck_assert_int_eq(H.discarded, 1);
	ck_assert_str_eq(info("rdb_last_bgsave_status"), "err");
	ck_assert(strstr(H.logs, "Background saving error\n"));
	/* Redis's MISCONF: writes and PING refused, reads go on. */
	ck_assert(strncmp(cmd("SET x 1"),
			  "-MISCONF Redis is configured to save RDB snapshots, "
			  "but it's currently unable to persist to disk. ",
			  80) == 0);
	ck_assert(strncmp(cmd("PING"), "-MISCONF ", 9) == 0);
	expect("GET int", "$5\r\n12345\r\n");
	expect("MULTI", "+OK\r\n");
	ck_assert(strncmp(cmd("DEL int"), "-MISCONF ", 9) == 0);
	ck_assert(strncmp(cmd("EXEC"), "-EXECABORT ", 11) == 0);
	/* Without save points, or with the option off, writes go on. */
	expect("CONFIG SET stop-writes-on-bgsave-error no", "+OK\r\n");
	expect("SET x 1", "+OK\r\n");
	expect("CONFIG SET stop-writes-on-bgsave-error yes", "+OK\r\n");
	expect("CONFIG SET save \"\"", "+OK\r\n");
	expect("SET x 2", "+OK\r\n");
	expect("CONFIG SET save \"60 1\"", "+OK\r\n");
	ck_assert(strncmp(cmd("SET x 3"), "-MISCONF ", 9) == 0);
	/* A successful save clears the error. */
	H.write_fails_at = 0;
	expect("SAVE", "+OK\r\n");
	ck_assert_str_eq(info("rdb_last_bgsave_status"), "ok");
	expect("SET x 4", "+OK\r\n");
}
END_TEST

START_TEST(open_and_close_failures)
{
	fill(10);
	H.open_fails = true;
	expect("BGSAVE", "-ERR\r\n");
	ck_assert(strstr(H.logs,
			 "Can't save in background: Permission denied\n"));
	ck_assert_str_eq(info("rdb_last_bgsave_status"), "err");
	ck_assert_int_eq(rkv_node_bgsave_in_progress(node), 0);
	H.open_fails = false;
	H.close_fails = true;
	expect("BGSAVE", "+Background saving started\r\n");
	finish(1000);
	ck_assert(strstr(H.logs, "Write error saving DB on disk: No space "
				 "left on device\n"));
	ck_assert_str_eq(info("rdb_last_bgsave_status"), "err");
	expect("SAVE", "-ERR\r\n");
	H.close_fails = false;
	expect("SAVE", "+OK\r\n");
	ck_assert_str_eq(info("rdb_last_bgsave_status"), "ok");
}
END_TEST

START_TEST(save_points_start_bgsave)
{
	expect("CONFIG SET save \"10 2 100 1\"", "+OK\r\n");
	expect("SET a 1", "+OK\r\n");
	expect("SET b 1", "+OK\r\n");
	H.clock_us += 10 * 1000000LL;
	rkv_node_tick(node, 100);
	/* "more than <seconds>", as Redis compares. */
	ck_assert_int_eq(rkv_node_bgsave_in_progress(node), 0);
	H.clock_us += 1000000;
	rkv_node_tick(node, 200);
	ck_assert(strstr(H.logs, "2 changes in 10 seconds. Saving...\n"));
	while (rkv_node_bgsave_in_progress(node))
		rkv_node_tick(node, 300);
	ck_assert_int_eq(H.kept, 1);
	ck_assert_int_eq(rkv_node_dirty(node), 0);
	/* After a failure, the next try waits 5 s. */
	expect("SET c 1", "+OK\r\n");
	expect("SET d 1", "+OK\r\n");
	H.write_fails_at = H.writes + 1;
	H.clock_us += 11 * 1000000LL;
	rkv_node_tick(node, 400);
	while (rkv_node_bgsave_in_progress(node))
		rkv_node_tick(node, 500);
	ck_assert_int_eq(H.discarded, 1);
	H.clock_us += 5 * 1000000LL;
	rkv_node_tick(node, 600);
	ck_assert_int_eq(rkv_node_bgsave_in_progress(node), 0);
	H.clock_us += 1000000;
	rkv_node_tick(node, 700);
	ck_assert_int_eq(rkv_node_bgsave_in_progress(node), 1);
	finish(1000);
	ck_assert_int_eq(H.kept, 2);
	ck_assert_str_eq(info("rdb_last_bgsave_status"), "ok");
}
END_TEST

START_TEST(flushall_stops_bgsave_and_saves_empty)
{
	fill(1000);
	expect("BGSAVE", "+Background saving started\r\n");
	rkv_node_background(node, 10);
	expect("FLUSHALL", "+OK\r\n");
	/* The save in progress is dropped, then the empty keyspace saved
	 * (save points are set: the default). */
	ck_assert_int_eq(H.discarded, 1);
	ck_assert_int_eq(H.kept, 1);
	ck_assert_int_eq(rkv_node_bgsave_in_progress(node), 0);
	ck_assert_str_eq(info("rdb_changes_since_last_save"), "0");
	expect("SET k 1", "+OK\r\n");
	load_kept();
	expect("DBSIZE", ":0\r\n");
	/* The node freed during a save discards its file (teardown). */
	fill(100);
	expect("BGSAVE", "+Background saving started\r\n");
}
END_TEST

START_TEST(asynchronous_commit)
{
	fill(500);
	H.async = true;
	expect("BGSAVE", "+Background saving started\r\n");
	ck_assert_int_eq(finish(100000), 0);
	/* Written, commit pending: still in progress, but no work left. */
	ck_assert_ptr_nonnull(H.pending);
	ck_assert_int_eq(rkv_node_bgsave_in_progress(node), 1);
	ck_assert_int_eq(rkv_node_background(node, 100), 0);
	ck_assert_str_eq(info("rdb_bgsave_in_progress"), "1");
	ck_assert_str_eq(info("current_save_keys_processed"), "1506");
	ck_assert_str_eq(info("current_cow_size"), "0");
	expect("BGSAVE", "-ERR Background save already in progress\r\n");
	expect("SET during 1", "+OK\r\n");
	commit_pending(true);
	ck_assert_int_eq(rkv_node_rdb_committed(node, 1, NULL), RKV_ERR_STATE);
	ck_assert_int_eq(rkv_node_bgsave_in_progress(node), 0);
	ck_assert_int_eq(H.kept, 1);
	ck_assert_int_eq(rkv_node_dirty(node), 1);
	ck_assert_str_eq(info("rdb_last_bgsave_status"), "ok");
	/* A failed commit. */
	expect("BGSAVE", "+Background saving started\r\n");
	finish(100000);
	commit_pending(false);
	ck_assert_str_eq(info("rdb_last_bgsave_status"), "err");
	ck_assert(strstr(H.logs, "Write error saving DB on disk: Input/output "
				 "error\n"));
	expect("SAVE", "+OK\r\n"); /* clears MISCONF */
	/* FLUSHALL while a commit pends: the host cancels it before the
	 * empty keyspace's file is written, so the older file cannot land
	 * over the newer one. */
	expect("BGSAVE", "+Background saving started\r\n");
	finish(100000);
	ck_assert_ptr_nonnull(H.pending);
	expect("FLUSHALL", "+OK\r\n");
	ck_assert_ptr_null(H.pending);
	ck_assert_int_eq(H.discarded, 2);
	ck_assert_int_eq(H.kept, 3);
	load_kept();
	expect("DBSIZE", ":0\r\n");
	/* The node freed while a commit pends cancels it (teardown). */
	expect("SET k v", "+OK\r\n");
	expect("BGSAVE", "+Background saving started\r\n");
	finish(100000);
	ck_assert_ptr_nonnull(H.pending);
}
END_TEST

/* rdb_changes_since_last_save moves as redis-server 7.0.15's does for the
 * same commands (one change per key set or deleted, flushes count keys). */
START_TEST(changes_counted_as_redis)
{
	static const struct {
		const char *cmd;
		const char *changes;
	} steps[] = {
	    {"MSET a 1 b 2 c 3", "3"},	{"DEL a b c x", "6"},
	    {"FLUSHDB", "6"},		{"SET a 1", "7"},
	    {"SETNX a 2", "7"},		{"MSETNX a 1 z 2", "7"},
	    {"MSETNX y 1 z 2", "9"},	{"FLUSHALL", "12"},
	    {"EXPIRE nokey 10", "12"},
	};

	expect("CONFIG SET save \"\"", "+OK\r\n");
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		cmd(steps[i].cmd);
		ck_assert_str_eq(info("rdb_changes_since_last_save"),
				 steps[i].changes);
	}
}
END_TEST

/* SHUTDOWN from a connection of its own (it closes when the node agrees);
 * returns the reply ("" when none). */
static const char *shutdown_via(const char *line)
{
	char buf[128];
	int n = snprintf(buf, sizeof(buf), "%s\r\n", line);
	rkv_conn *c;

	ck_assert_int_eq(rkv_conn_new(node, &c, &H), 0);
	H.outlen = 0;
	rkv_conn_recv(c, (const uint8_t *)buf, (size_t)n);
	H.out[H.outlen] = '\0';
	rkv_conn_free(c);
	return H.out;
}

START_TEST(shutdown_saves_first)
{
	fill(100);
	/* A failed final save: no exit, Redis's error. */
	H.open_fails = true;
	ck_assert_str_eq(shutdown_via("SHUTDOWN"),
			 "-ERR Errors trying to SHUTDOWN. Check logs.\r\n");
	ck_assert_int_eq(H.shutdowns, 0);
	ck_assert(strstr(H.logs, "Saving the final RDB snapshot before "
				 "exiting.\nFailed opening the RDB file for "
				 "saving: Permission denied\nError trying to "
				 "save the DB, can't exit.\n"));
	/* NOSAVE needs no file; a BGSAVE in progress is stopped. */
	H.open_fails = false;
	expect("BGSAVE", "+Background saving started\r\n");
	ck_assert_str_eq(shutdown_via("SHUTDOWN NOSAVE"), "");
	ck_assert_int_eq(H.shutdowns, 1);
	ck_assert_str_eq(H.shutdown_detail, "nosave");
	ck_assert_int_eq(H.discarded, 1);
	ck_assert_int_eq(H.kept, 0);
	ck_assert(strstr(H.logs,
			 "There is a child saving an .rdb. Killing it!\n"));
}
END_TEST

START_TEST(shutdown_saves_the_final_state)
{
	fill(100);
	ck_assert_str_eq(shutdown_via("SHUTDOWN"), "");
	ck_assert_int_eq(H.shutdowns, 1);
	ck_assert_str_eq(H.shutdown_detail, "nosave"); /* saved already */
	ck_assert_int_eq(H.kept, 1);
	/* FORCE exits even when the save fails. */
	H.open_fails = true;
	shutdown_via("SHUTDOWN FORCE");
	ck_assert_int_eq(H.shutdowns, 2);
	ck_assert(strstr(H.logs, "Error trying to save the DB. Exit anyway.\n"));
	/* Without save points nothing is saved, unless SAVE. */
	H.open_fails = false;
	expect("CONFIG SET save \"\"", "+OK\r\n");
	shutdown_via("SHUTDOWN");
	ck_assert_int_eq(H.kept, 1);
	shutdown_via("SHUTDOWN SAVE");
	ck_assert_int_eq(H.kept, 2);
	ck_assert_int_eq(H.shutdowns, 4);
}
END_TEST

START_TEST(no_file_callbacks)
{
	rkv_callbacks *cbs;
	rkv_options *opts;
	rkv_node *n;
	char err[128];

	ck_assert_int_eq(rkv_callbacks_new(&cbs), 0);
	ck_assert_int_eq(rkv_options_new(&opts), 0);
	ck_assert_int_eq(rkv_node_new(&n, cbs, opts, NULL), 0);
	ck_assert_int_eq(rkv_node_bgsave(n, err, sizeof(err)), RKV_ERR_STATE);
	ck_assert_int_eq(rkv_node_save_rdb(n, err, sizeof(err)),
			 RKV_ERR_STATE);
	ck_assert_int_eq(rkv_node_background(n, 100), 0);
	ck_assert_int_eq(rkv_node_background(NULL, 100), RKV_ERR_INVALID);
	rkv_node_free(n);
	rkv_callbacks_free(cbs);
	rkv_options_free(opts);
	expect("CONFIG SET save \"\"", "+OK\r\n");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("bgsave");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, bgsave_is_a_point_in_time_file);
	tcase_add_test(tc, snapshot_after_a_load_sees_every_key);
	tcase_add_test(tc, bgsave_replies_as_redis);
	tcase_add_test(tc, ticks_alone_finish_it);
	tcase_add_test(tc, failed_bgsave_refuses_writes);
	tcase_add_test(tc, open_and_close_failures);
	tcase_add_test(tc, save_points_start_bgsave);
	tcase_add_test(tc, flushall_stops_bgsave_and_saves_empty);
	tcase_add_test(tc, asynchronous_commit);
	tcase_add_test(tc, changes_counted_as_redis);
	tcase_add_test(tc, shutdown_saves_first);
	tcase_add_test(tc, shutdown_saves_the_final_state);
	tcase_add_test(tc, no_file_callbacks);
	suite_add_tcase(s, tc);
	return rkv_test_run(s);
}
