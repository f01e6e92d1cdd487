/* Persistence: the whole keyspace saved synchronously as RDB bytes handed to
 * the host in chunks (rkv_node_save), BGSAVE on lib/snapshot's point-in-time
 * snapshot worked forward in slices, the `save` points, a chunked loader
 * that swaps a new keyspace in atomically (rkv_loader), and the SAVE,
 * BGSAVE, LASTSAVE and DEBUG RELOAD commands. */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "node.h"
#include "rdb.h"
#include "rkv.h"
#include "persist.h"
#include "replica.h"
#include "snapshot.h"
#include "util.h"

/* ---- Save ---- */

struct save_ctx {
	rkv_node *node;
	rkv_rdb_writer *w;
	rkv_buf *out;
	rkv_write_cb cb;
	void *ud;
	int db;
	int err; /* first error: the rest of the walk does nothing */
};

static void save_flush(struct save_ctx *s)
{
	if (s->err || s->out->len == 0)
		return;
	if (s->cb((const uint8_t *)rkv_buf_head(s->out), s->out->len, s->ud) <
	    0)
		s->err = RKV_ERR_CALLBACK;
	rkv_buf_consume(s->out, s->out->len);
}

static void save_check(struct save_ctx *s, int rc)
{
	if (!s->err && (rc < 0 || s->out->oom))
		s->err = rc < 0 ? rc : RKV_ERR_NOMEM;
	if (s->out->len >= RKV_SAVE_CHUNK)
		save_flush(s);
}

static void save_one(rkv_dict_node *n, void *ud)
{
	struct save_ctx *s = ud;

	if (s->err)
		return;
	save_check(s, rkv_rdb_write_entry(s->w, &s->node->ks, s->db,
					  (const rkv_entry *)n));
}

static bool config_yes(rkv_node *node, const char *name)
{
	char v[8];

	return rkv_node_config_get(node, name, v, sizeof(v)) >= 0 &&
	       strcmp(v, "yes") == 0;
}

/* The header's AUX fields for a file written now. */
static void fill_aux(rkv_node *node, rkv_rdb_aux *aux, int64_t now_s)
{
	memset(aux, 0, sizeof(*aux));
	aux->ctime = now_s;
	aux->used_mem = (long long)node->mem.used;
	rkv_replica_fill_aux(node, aux);
}

/* A successful save of everything up to `dirty_before` changes ago. */
static void saved(rkv_node *node, long long dirty_before, int64_t now_s)
{
	node->dirty =
	    node->dirty > dirty_before ? node->dirty - dirty_before : 0;
	node->lastsave_s = now_s;
	/* Redis's rdbSave() clears a failed BGSAVE's status too. */
	node->bgsave_failed = false;
}

int rkv_node_save(rkv_node *node, rkv_write_cb cb, void *ud)
{
	rkv_rdb_writer w;
	rkv_buf out;
	rkv_rdb_aux aux;
	rkv_keyspace *ks;
	struct save_ctx s;
	int64_t now_s;

	if (!node || !cb)
		return RKV_ERR_INVALID;
	ks = &node->ks;
	now_s = rkv_node_now_us(node) / 1000000;
	fill_aux(node, &aux, now_s);
	rkv_buf_init(&out, rkv_node_alloc(node));
	s = (struct save_ctx){node, &w, &out, cb, ud, 0, 0};
	save_check(&s,
		   rkv_rdb_writer_begin(&w, &out, rkv_node_alloc(node),
					config_yes(node, "rdbcompression"),
					config_yes(node, "rdbchecksum"), &aux));
	for (s.db = 0; s.db < ks->ndb && !s.err; s.db++) {
		if (rkv_keyspace_size(ks, s.db) == 0)
			continue;
		save_check(&s, rkv_rdb_write_select(
				   &w, s.db, rkv_keyspace_size(ks, s.db),
				   rkv_keyspace_expires(ks, s.db)));
		rkv_dict_foreach(&ks->db[s.db].keys, save_one, &s);
	}
	if (!s.err)
		save_check(&s, rkv_rdb_writer_end(&w));
	save_flush(&s);
	rkv_rdb_writer_free(&w);
	rkv_buf_free(&out);
	if (s.err)
		return s.err;
	saved(node, node->dirty, now_s);
	return 0;
}

long long rkv_node_dirty(rkv_node *node)
{
	return node ? node->dirty : 0;
}

int64_t rkv_node_lastsave(rkv_node *node)
{
	return node ? node->lastsave_s : 0;
}

/* ---- RDB files through the host's callbacks ---- */

static bool has_rdb_file(const rkv_node *node)
{
	return node->cb.rdb_open != NULL;
}

struct file_ctx {
	rkv_write_cb write;
	void *file;
};

static int file_write(const uint8_t *data, size_t len, void *ud)
{
	struct file_ctx *f = ud;

	return f->write(data, len, f->file);
}

int rkv_node_save_rdb(rkv_node *node, char *err, size_t errlen)
{
	char why[256] = "";
	void *file = NULL;
	int rc;

	if (!node)
		return RKV_ERR_INVALID;
	if (!has_rdb_file(node)) {
		snprintf(err, errlen, "no RDB file callbacks");
		return RKV_ERR_STATE;
	}
	/* This file supersedes the one a background save is writing. */
	rkv_bgsave_abort(node);
	if (node->cb.rdb_open(node, &file, why, sizeof(why), node->user_data) <
	    0) {
		snprintf(err, errlen, "%s", why[0] ? why : "open failed");
		rkv_node_logf(node, RKV_LOG_WARNING,
			      "Failed opening the RDB file for saving: %s",
			      err);
		return RKV_ERR_CALLBACK;
	}
	rc = rkv_node_save(node, file_write,
			   &(struct file_ctx){node->cb.rdb_write, file});
	if (rc < 0) {
		node->cb.rdb_close(node, file, RKV_RDB_DISCARD, why,
				   sizeof(why), node->user_data);
		snprintf(err, errlen, "%s",
			 rc == RKV_ERR_CALLBACK ? "write failed"
						: rkv_strerror(rc));
	} else if (node->cb.rdb_close(node, file, RKV_RDB_COMMIT, why,
				      sizeof(why), node->user_data) < 0) {
		rc = RKV_ERR_CALLBACK;
		snprintf(err, errlen, "%s", why[0] ? why : "close failed");
	}
	if (rc < 0) {
		rkv_node_logf(node, RKV_LOG_WARNING,
			      "Write error saving DB on disk: %s", err);
		return rc;
	}
	rkv_node_logf(node, RKV_LOG_NOTICE, "DB saved on disk");
	return 0;
}

/* ---- BGSAVE ---- */

/* Keys a tick works forward when the host does not call
 * rkv_node_background() (at hz 10: 10,000 keys a second). */
#define BGSAVE_TICK_BUDGET 1000
/* Redis's CONFIG_BGSAVE_RETRY_DELAY: after a failure, save points and a
 * scheduled BGSAVE wait this long (seconds). */
#define BGSAVE_RETRY_DELAY 5

static void bgsave_free(rkv_node *node)
{
	struct rkv_bgsave *b = node->bgsave;

	rkv_snapshot_free(b->snap);
	rkv_buf_free(&b->out);
	rkv_free(rkv_node_alloc(node), b);
	node->bgsave = NULL;
}

static bool config_yes(rkv_node *node, const char *name);

int rkv_node_bgsave(rkv_node *node, char *err, size_t errlen)
{
	struct rkv_bgsave *b;
	rkv_rdb_aux aux;
	char why[256] = "";
	int64_t now_us;

	if (!node)
		return RKV_ERR_INVALID;
	if (node->bgsave) {
		snprintf(err, errlen, "Background save already in progress");
		return RKV_ERR_STATE;
	}
	if (!has_rdb_file(node)) {
		snprintf(err, errlen, "no RDB file callbacks");
		return RKV_ERR_STATE;
	}
	now_us = rkv_node_now_us(node);
	node->bgsave_try_s = now_us / 1000000;
	b = rkv_malloc(rkv_node_alloc(node), sizeof(*b));
	if (!b)
		goto nomem;
	memset(b, 0, sizeof(*b));
	rkv_buf_init(&b->out, rkv_node_alloc(node));
	fill_aux(node, &aux, now_us / 1000000);
	b->snap = rkv_snapshot_begin(&node->ks, now_us / 1000,
				     config_yes(node, "rdbcompression"),
				     config_yes(node, "rdbchecksum"), &aux);
	if (!b->snap) {
		rkv_free(rkv_node_alloc(node), b);
		goto nomem;
	}
	if (node->cb.rdb_open(node, &b->file, why, sizeof(why),
			      node->user_data) < 0) {
		node->bgsave = b; /* for bgsave_free */
		bgsave_free(node);
		node->bgsave_failed = true;
		snprintf(err, errlen, "%s", why[0] ? why : "open failed");
		rkv_node_logf(node, RKV_LOG_WARNING,
			      "Can't save in background: %s", err);
		return RKV_ERR_CALLBACK;
	}
	b->start_us = now_us;
	b->dirty_before = node->dirty;
	for (int db = 0; db < node->ks.ndb; db++)
		b->keys_total += rkv_keyspace_size(&node->ks, db);
	node->bgsave = b;
	node->bgsave_scheduled = false;
	node->rdb_saves++; /* counted when it starts, as Redis counts forks */
	rkv_node_logf(node, RKV_LOG_NOTICE, "Background saving started");
	return 0;
nomem:
	node->bgsave_failed = true;
	snprintf(err, errlen, "%s", rkv_strerror(RKV_ERR_NOMEM));
	rkv_node_logf(node, RKV_LOG_WARNING, "Can't save in background: %s",
		      err);
	return RKV_ERR_NOMEM;
}

/* The background save is over, its file committed (ok) or discarded: the
 * outcome recorded as Redis's backgroundSaveDoneHandler() records it. */
static void bgsave_finish(rkv_node *node, bool ok, const char *reason)
{
	struct rkv_bgsave *b = node->bgsave;
	int64_t now_us = rkv_node_now_us(node);

	node->bgsave_last_secs = (now_us - b->start_us) / 1000000;
	node->bgsave_last_peak = b->peak;
	if (ok) {
		saved(node, b->dirty_before, now_us / 1000000);
		rkv_node_logf(node, RKV_LOG_NOTICE, "DB saved on disk");
		rkv_node_logf(node, RKV_LOG_NOTICE,
			      "Background saving terminated with success");
	} else {
		node->bgsave_failed = true;
		rkv_node_logf(node, RKV_LOG_WARNING,
			      "Write error saving DB on disk: %s", reason);
		rkv_node_logf(node, RKV_LOG_WARNING, "Background saving error");
	}
	bgsave_free(node);
}

/* The file is complete: commit it, perhaps asynchronously. */
static void bgsave_commit(rkv_node *node)
{
	struct rkv_bgsave *b = node->bgsave;
	char why[256] = "";
	int rc = node->cb.rdb_close(node, b->file, RKV_RDB_COMMIT_ASYNC, why,
				    sizeof(why), node->user_data);

	if (rc == RKV_RDB_PENDING) {
		/* Nothing more to write: the snapshot's memory goes now. */
		b->committing = true;
		rkv_snapshot_free(b->snap);
		b->snap = NULL;
		rkv_buf_free(&b->out);
		return;
	}
	bgsave_finish(node, rc >= 0, why[0] ? why : "close failed");
}

/* The save failed before its file was complete. */
static void bgsave_fail(rkv_node *node, const char *reason)
{
	node->cb.rdb_close(node, node->bgsave->file, RKV_RDB_DISCARD, NULL, 0,
			   node->user_data);
	bgsave_finish(node, false, reason);
}

/* One slice: returns true while there is more to write. */
static bool bgsave_step(rkv_node *node, size_t budget)
{
	struct rkv_bgsave *b = node->bgsave;
	int rc;
	size_t mem;

	if (b->committing)
		return false;
	rc = rkv_snapshot_next(b->snap, &b->out, budget ? budget : 1);
	mem = rkv_snapshot_memory(b->snap) + b->out.cap;
	if (mem > b->peak)
		b->peak = mem;
	if (rc >= 0 && b->out.oom)
		rc = RKV_ERR_NOMEM;
	if (rc >= 0 && b->out.len > 0 &&
	    (rc == 1 || b->out.len >= RKV_SAVE_CHUNK)) {
		if (node->cb.rdb_write((const uint8_t *)rkv_buf_head(&b->out),
				       b->out.len, b->file) < 0) {
			bgsave_fail(node, "write failed");
			return false;
		}
		rkv_buf_consume(&b->out, b->out.len);
	}
	if (rc < 0) {
		bgsave_fail(node, rkv_strerror(rc));
		return false;
	}
	if (rc == 1) {
		bgsave_commit(node);
		return false;
	}
	return true;
}

int rkv_node_rdb_committed(rkv_node *node, int ok, const char *err)
{
	if (!node)
		return RKV_ERR_INVALID;
	if (!node->bgsave || !node->bgsave->committing)
		return RKV_ERR_STATE;
	bgsave_finish(node, ok != 0, err && *err ? err : "commit failed");
	return 0;
}

int rkv_node_background(rkv_node *node, size_t budget)
{
	int more;

	if (!node)
		return RKV_ERR_INVALID;
	/* A FAILOVER waiting for its target's ACK (failover.c): once per
	 * event-loop iteration, as Redis's beforeSleep(). */
	if (node->failover.state == RKV_FAILOVER_WAIT_SYNC)
		rkv_failover_cron(node);
	/* Replicas' full syncs (repl.c), then the BGSAVE. */
	more = node->repl.replicas ? rkv_repl_background(node, budget) : 0;
	if (!node->bgsave)
		return more;
	return bgsave_step(node, budget) || more ? 1 : 0;
}

int rkv_node_bgsave_in_progress(const rkv_node *node)
{
	return node && node->bgsave ? 1 : 0;
}

void rkv_bgsave_abort(rkv_node *node)
{
	if (!node->bgsave)
		return;
	rkv_node_logf(node, RKV_LOG_NOTICE,
		      "Background saving stopped before it completed");
	node->cb.rdb_close(node, node->bgsave->file, RKV_RDB_DISCARD, NULL, 0,
			   node->user_data);
	bgsave_free(node);
}

/* The `save` directive's points into pts[i] = {seconds, changes}. */
static int save_points(rkv_node *node, long long pts[][2], int max)
{
	char v[512];
	const char *p = v;
	int n = 0;

	if (rkv_node_config_get(node, "save", v, sizeof(v)) < 0)
		return 0;
	while (n < max) {
		long long w[2];

		for (int k = 0; k < 2; k++) {
			const char *start;

			while (*p == ' ')
				p++;
			start = p;
			while (*p && *p != ' ')
				p++;
			if (p == start ||
			    !rkv_string2ll(start, (size_t)(p - start), &w[k]))
				return n;
		}
		pts[n][0] = w[0];
		pts[n][1] = w[1];
		n++;
	}
	return n;
}

void rkv_persist_cron(rkv_node *node)
{
	long long pts[16][2];
	int64_t now_s;
	bool may_try;
	char err[256];
	int n;

	if (node->bgsave) {
		bgsave_step(node, BGSAVE_TICK_BUDGET);
		return;
	}
	if (!has_rdb_file(node))
		return;
	now_s = rkv_node_now_us(node) / 1000000;
	may_try = !node->bgsave_failed ||
		  now_s - node->bgsave_try_s > BGSAVE_RETRY_DELAY;
	if (!may_try)
		return;
	if (node->bgsave_scheduled) {
		rkv_node_bgsave(node, err, sizeof(err));
		return;
	}
	n = save_points(node, pts, 16);
	for (int i = 0; i < n; i++) {
		if (node->dirty < pts[i][1] ||
		    now_s - node->lastsave_s <= pts[i][0])
			continue;
		rkv_node_logf(node, RKV_LOG_NOTICE,
			      "%lld changes in %lld seconds. Saving...",
			      pts[i][1], pts[i][0]);
		rkv_node_bgsave(node, err, sizeof(err));
		return;
	}
}

bool rkv_persist_deny_writes(rkv_node *node)
{
	long long pts[1][2];

	return node->bgsave_failed &&
	       config_yes(node, "stop-writes-on-bgsave-error") &&
	       save_points(node, pts, 1) > 0;
}

/* SAVE's work: the host's SAVE callback, else the RDB file callbacks.
 * Returns 0 or -1 (logged). */
static int save_now(rkv_node *node)
{
	char err[256] = "";

	if (node->cb.save) {
		if (node->cb.save(node, err, sizeof(err), node->user_data) <
		    0) {
			rkv_node_logf(node, RKV_LOG_WARNING,
				      "Failed saving the DB: %s",
				      err[0] ? err : "unknown error");
			return -1;
		}
		node->bgsave_failed = false;
		rkv_node_logf(node, RKV_LOG_NOTICE, "DB saved on disk");
		return 0;
	}
	if (has_rdb_file(node))
		return rkv_node_save_rdb(node, err, sizeof(err)) < 0 ? -1 : 0;
	return -1;
}

int rkv_persist_shutdown(rkv_node *node, bool save, bool nosave, bool force)
{
	long long pts[1][2];
	char err[256];

	if (node->cb.save || !has_rdb_file(node))
		return 0;
	if (node->bgsave) {
		rkv_node_logf(node, RKV_LOG_WARNING,
			      "There is a child saving an .rdb. Killing it!");
		rkv_bgsave_abort(node);
	}
	if (nosave || (!save && save_points(node, pts, 1) == 0))
		return 1;
	rkv_node_logf(node, RKV_LOG_NOTICE,
		      "Saving the final RDB snapshot before exiting.");
	if (rkv_node_save_rdb(node, err, sizeof(err)) == 0)
		return 1;
	if (force) {
		rkv_node_logf(node, RKV_LOG_WARNING,
			      "Error trying to save the DB. Exit anyway.");
		return 1;
	}
	rkv_node_logf(node, RKV_LOG_WARNING,
		      "Error trying to save the DB, can't exit.");
	return -1;
}

void rkv_persist_flushall(rkv_node *node)
{
	/* Redis 7.0 counts the FLUSHALL as a change, then saves: no change
	 * is left unsaved. */
	long long pts[1][2];

	rkv_bgsave_abort(node);
	if (save_points(node, pts, 1) > 0)
		save_now(node);
}

/* ---- Load ---- */

struct rkv_loader {
	rkv_node *node;
	rkv_keyspace ks; /* the new keyspace being filled */
	rkv_rdb_reader r;
	int ndb;
	bool ended;
	int rc; /* the last feed's result */
	char err[RKV_RDB_ERRLEN];
};

int rkv_node_load_begin(rkv_node *node, rkv_loader **out)
{
	rkv_loader *l;
	int rc;

	if (!node || !out)
		return RKV_ERR_INVALID;
	l = rkv_malloc(rkv_node_alloc(node), sizeof(*l));
	if (!l)
		return RKV_ERR_NOMEM;
	memset(l, 0, sizeof(*l));
	l->node = node;
	l->ndb = node->ks.ndb;
	rc =
	    rkv_keyspace_init(&l->ks, l->ndb, rkv_node_alloc(node), &node->rng);
	if (rc < 0) {
		rkv_free(rkv_node_alloc(node), l);
		return rc;
	}
	rkv_rdb_reader_init(&l->r, &l->ks, rkv_node_alloc(node),
			    rkv_node_now_us(node) / 1000);
	if (node->set.proto_max_bulk_len > 0)
		l->r.max_string =
		    (unsigned long long)node->set.proto_max_bulk_len;
	/* As Redis (rdbLoad's iAmMaster()): only a master drops keys whose
	 * TTL has passed. A replica (loading its master's sync or its own
	 * file) keeps them until its master's DEL, or it would lack keys its
	 * master and the other replicas still have. */
	if (node->mlink)
		l->r.now_ms = INT64_MIN;
	*out = l;
	return 0;
}

int rkv_loader_feed(rkv_loader *l, const void *data, size_t len)
{
	if (!l || (!data && len))
		return RKV_ERR_INVALID;
	if (l->ended)
		return RKV_ERR_STATE;
	if (l->rc < 0 || l->rc == 1 || len == 0)
		return l->rc;
	l->rc = rkv_rdb_reader_feed(&l->r, data, len);
	return l->rc;
}

static void set_error(rkv_loader *l, int rc)
{
	const char *m = rkv_rdb_reader_error(&l->r);

	if (!*m)
		m = rc == RKV_ERR_NOMEM ? "Out of memory loading the DB"
					: rkv_strerror(rc);
	snprintf(l->err, sizeof(l->err), "%s", m);
}

static void mark_new(rkv_dict_node *n, void *ud)
{
	((rkv_entry *)n)->snap_marks = *(const uint8_t *)ud;
}

int rkv_loader_end(rkv_loader *l)
{
	rkv_node *node;
	rkv_keyspace old;
	int rc;

	if (!l)
		return RKV_ERR_INVALID;
	if (l->ended)
		return RKV_ERR_STATE;
	l->ended = true;
	node = l->node;
	rc = rkv_rdb_reader_finish(&l->r);
	if (rc < 0) {
		set_error(l, rc);
		return rc;
	}
	if (node->ks.ndb != l->ndb) {
		snprintf(l->err, sizeof(l->err),
			 "The number of databases changed during the load");
		return RKV_ERR_STATE;
	}
	/* Watched keys present before and after the swap are touched, then
	 * the host is told of a FLUSHALL-like change. */
	rkv_signal_db(node, -1, -1);
	/* Snapshots in progress (BGSAVE, full syncs) see a FLUSHALL: they copy
	 * what they still need of the old keys first, and treat every loaded
	 * key as created after they began. */
	for (int db = 0; db < node->ks.ndb; db++)
		rkv_keyspace_touch(&node->ks, db, NULL);
	old = node->ks;
	/* The loaded entries carry the loader's polarity. Every snapshot slot
	 * must see them as done: the active ones as created after they began,
	 * the free ones as clean (or the next snapshot in a slot whose
	 * polarity an earlier snapshot flipped would skip them all). */
	if (l->ks.snap_polarity != old.snap_polarity)
		for (int db = 0; db < l->ks.ndb; db++)
			rkv_dict_foreach(&l->ks.db[db].keys, mark_new,
					 &old.snap_polarity);
	l->ks.snap_active = old.snap_active;
	l->ks.snap_polarity = old.snap_polarity;
	l->ks.before_change = old.before_change;
	l->ks.before_swap = old.before_swap;
	memcpy(l->ks.snaps, old.snaps, sizeof(old.snaps));
	l->ks.expire_hook = old.expire_hook;
	l->ks.expire_ud = old.expire_ud;
	l->ks.expired_keys = old.expired_keys;
	l->ks.hits = old.hits;
	l->ks.misses = old.misses;
	node->ks = l->ks;
	memset(&l->ks, 0, sizeof(l->ks));
	l->ks.alloc = old.alloc;
	rkv_keyspace_free(&old);
	rkv_signal_db(node, -1, -1);
	rkv_signal_db_done(node, -1);
	node->load_keys_loaded = l->r.keys_loaded;
	node->load_keys_expired = l->r.keys_expired;
	rkv_replica_loaded(node, l->r.repl_id, l->r.repl_offset,
			   l->r.repl_stream_db);
	return 0;
}

const char *rkv_loader_error(const rkv_loader *l)
{
	if (!l)
		return "";
	return l->err[0] ? l->err : rkv_rdb_reader_error(&l->r);
}

void rkv_loader_stats(const rkv_loader *l, unsigned long long *loaded,
		      unsigned long long *expired)
{
	if (loaded)
		*loaded = l ? l->r.keys_loaded : 0;
	if (expired)
		*expired = l ? l->r.keys_expired : 0;
}

void rkv_loader_free(rkv_loader *l)
{
	if (!l)
		return;
	rkv_rdb_reader_free(&l->r);
	if (l->ks.db)
		rkv_keyspace_free(&l->ks);
	rkv_free(rkv_node_alloc(l->node), l);
}

/* ---- Commands ---- */

void rkv_cmd_save(rkv_conn *c, size_t argc, const rkv_slice *argv)
{
	(void)argc;
	(void)argv;
	if (c->node->bgsave) {
		rkv_resp_add_errorf(rkv_out(c),
				    "Background save already in progress");
		return;
	}
	if (save_now(c->node) < 0) {
		rkv_resp_add_error(rkv_out(c), "-ERR", 4);
		return;
	}
	c->node->rdb_saves++; /* SAVE and BGSAVE count; FLUSHALL's does not */
	rkv_reply_ok(c);
}

/* BGSAVE [SCHEDULE], as Redis 7.0's bgsaveCommand(): inside a transaction
 * the save is scheduled (it starts after EXEC), so that the snapshot never
 * holds half a transaction. */
void rkv_cmd_bgsave(rkv_conn *c, size_t argc, const rkv_slice *argv)
{
	rkv_node *node = c->node;
	char err[256] = "";

	if (argc > 1 && (argc != 2 || !rkv_arg_is(&argv[1], "schedule"))) {
		rkv_reply_syntax_error(c);
		return;
	}
	if (node->bgsave) {
		rkv_resp_add_errorf(rkv_out(c),
				    "Background save already in progress");
	} else if (node->in_exec) {
		node->bgsave_scheduled = true;
		rkv_resp_add_status(rkv_out(c), "Background saving scheduled",
				    27);
	} else if (!has_rdb_file(node)) {
		rkv_resp_add_errorf(rkv_out(c),
				    "Background saving is not available: the "
				    "host gave no RDB file");
	} else if (rkv_node_bgsave(node, err, sizeof(err)) == 0) {
		rkv_resp_add_status(rkv_out(c), "Background saving started",
				    25);
	} else {
		rkv_resp_add_error(rkv_out(c), "-ERR", 4);
	}
}

void rkv_cmd_lastsave(rkv_conn *c, size_t argc, const rkv_slice *argv)
{
	(void)argc;
	(void)argv;
	rkv_resp_add_integer(rkv_out(c), (long long)c->node->lastsave_s);
}

static int append_cb(const uint8_t *data, size_t len, void *ud)
{
	rkv_buf *b = ud;

	rkv_buf_append(b, data, len);
	return b->oom ? -1 : 0;
}

int rkv_node_reload(rkv_node *node, char *err, size_t errlen)
{
	rkv_buf b;
	rkv_loader *l = NULL;
	int rc;

	rkv_buf_init(&b, rkv_node_alloc(node));
	rc = rkv_node_save(node, append_cb, &b);
	if (rc == RKV_ERR_CALLBACK)
		rc = RKV_ERR_NOMEM;
	if (rc == 0)
		rc = rkv_node_load_begin(node, &l);
	if (rc == 0) {
		rc = rkv_loader_feed(l, rkv_buf_head(&b), b.len);
		if (rc >= 0)
			rc = rkv_loader_end(l);
		snprintf(err, errlen, "%s", rkv_loader_error(l));
	}
	if (rc < 0 && err[0] == '\0')
		snprintf(err, errlen, "%s", rkv_strerror(rc));
	rkv_loader_free(l);
	rkv_buf_free(&b);
	return rc < 0 ? rc : 0;
}
