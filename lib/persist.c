/* Persistence: the whole keyspace saved synchronously as RDB bytes handed to
 * the host in chunks (rkv_node_save), a chunked loader that swaps a new
 * keyspace in atomically (rkv_loader), and the SAVE, LASTSAVE and DEBUG
 * RELOAD commands. BGSAVE's point-in-time snapshot is lib/snapshot's. */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "node.h"
#include "rdb.h"
#include "rkv.h"

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
	memset(&aux, 0, sizeof(aux));
	aux.ctime = now_s;
	aux.used_mem = (long long)node->mem.used;
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
	node->dirty = 0;
	node->lastsave_s = now_s;
	node->rdb_saves++;
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
	l->ks.snap_active = old.snap_active;
	l->ks.snap_polarity = old.snap_polarity;
	l->ks.before_change = old.before_change;
	l->ks.before_swap = old.before_swap;
	memcpy(l->ks.snaps, old.snaps, sizeof(old.snaps));
	if (old.snap_active)
		for (int db = 0; db < l->ks.ndb; db++)
			rkv_dict_foreach(&l->ks.db[db].keys, mark_new,
					 &l->ks.snap_polarity);
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
	rkv_node *node = c->node;
	char err[256] = "";

	(void)argc;
	(void)argv;
	if (!node->cb.save ||
	    node->cb.save(node, err, sizeof(err), node->user_data) < 0) {
		if (node->cb.save)
			rkv_node_logf(node, RKV_LOG_WARNING,
				      "Failed saving the DB: %s",
				      err[0] ? err : "unknown error");
		rkv_resp_add_error(rkv_out(c), "-ERR", 4);
		return;
	}
	rkv_node_logf(node, RKV_LOG_NOTICE, "DB saved on disk");
	rkv_reply_ok(c);
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
