/* Point-in-time snapshots in slices, with copy-before-write; see
 * snapshot.h and docs/rdb.md. */
#include "snapshot.h"

#include <stdio.h>
#include <string.h>

#include "rkv.h"
#include "util.h"

/* An old value copied before a change, waiting for its database's
 * section. */
typedef struct pend {
	struct pend *next;
	int64_t expire_ms;
	uint32_t klen, vlen;
	char data[]; /* key, then value */
} pend;

enum { ST_HEADER, ST_KEYS, ST_DONE };

struct rkv_snapshot {
	rkv_keyspace *ks;
	int slot; /* -1 once released */
	int64_t now_ms;
	bool compression, checksum;
	bool has_aux;
	bool failed; /* an old value could not be copied or written */
	int state;
	rkv_rdb_aux aux;
	char redis_ver[32];
	char repl_id[41];
	rkv_rdb_writer w;
	/* The database whose section is being written, by its number at the
	 * moment of the snapshot ("logical"); sections are written in
	 * order, so logical databases below cur are finished. */
	int cur;
	bool started; /* cur's SELECTDB is written */
	bool scanned; /* cur's keys dict is scanned */
	unsigned long long cursor;
	int ndb;
	int *map;	 /* logical db -> its index in ks now; -1: flushed */
	size_t *size;	 /* keys of each logical db at the moment */
	size_t *expires; /* of which with a TTL */
	pend **head, **tail; /* old values per logical db */
	size_t held;	     /* bytes of pending copies */
	unsigned long long keys; /* keys written so far */
};

static inline bool owed(const rkv_keyspace *ks, const rkv_entry *e, int slot)
{
	return ((e->snap_marks ^ ks->snap_polarity) >> slot) & 1;
}

static inline void mark_done(const rkv_keyspace *ks, rkv_entry *e, int slot)
{
	uint8_t bit = (uint8_t)(1u << slot);

	e->snap_marks =
	    (uint8_t)((e->snap_marks & ~bit) | (ks->snap_polarity & bit));
}

static int logical_of(const rkv_snapshot *s, int db)
{
	for (int l = 0; l < s->ndb; l++)
		if (s->map[l] == db)
			return l;
	return -1;
}

/* Copy entry e (of ks's database db, owed to s) into s's pending list of
 * logical database l, and mark it done. */
static void push_old(rkv_snapshot *s, int db, int l, rkv_entry *e)
{
	rkv_keyspace *ks = s->ks;
	int64_t when = rkv_keyspace_get_expire(ks, db, e);
	char buf[RKV_LLSTR_SIZE];
	size_t vlen;
	const char *v;
	pend *p;

	mark_done(ks, e, s->slot);
	if (s->failed || l < 0 || l < s->cur ||
	    (when >= 0 && when <= s->now_ms))
		return; /* not part of the snapshot, or written already */
	v = rkv_entry_str(e, buf, &vlen);
	p = rkv_malloc(ks->alloc, sizeof(*p) + e->klen + vlen);
	if (!p) {
		s->failed = true;
		return;
	}
	p->next = NULL;
	p->expire_ms = when;
	p->klen = e->klen;
	p->vlen = (uint32_t)vlen;
	memcpy(p->data, e->data, e->klen);
	memcpy(p->data + e->klen, v, vlen);
	if (s->tail[l])
		s->tail[l]->next = p;
	else
		s->head[l] = p;
	s->tail[l] = p;
	s->held += sizeof(*p) + e->klen + vlen;
}

typedef struct flush_ctx {
	rkv_snapshot *s;
	int db, l;
} flush_ctx;

static void push_if_owed(rkv_dict_node *n, void *ud)
{
	flush_ctx *f = ud;
	rkv_entry *e = (rkv_entry *)n;

	if (owed(f->s->ks, e, f->s->slot))
		push_old(f->s, f->db, f->l, e);
}

static void before_change(rkv_keyspace *ks, int db, rkv_entry *e)
{
	for (int i = 0; i < RKV_SNAPSHOT_MAX; i++) {
		rkv_snapshot *s = ks->snaps[i];
		int l;

		if (!(ks->snap_active & (1u << i)))
			continue;
		if (e) {
			if (owed(ks, e, i))
				push_old(s, db, logical_of(s, db), e);
			continue;
		}
		/* Every key of db is about to go: copy those still owed. */
		l = logical_of(s, db);
		if (l < 0)
			continue;
		if (l >= s->cur) {
			flush_ctx f = {s, db, l};

			rkv_dict_foreach(&ks->db[db].keys, push_if_owed, &f);
		}
		s->map[l] = -1;
	}
}

static void before_swap(rkv_keyspace *ks, int a, int b)
{
	for (int i = 0; i < RKV_SNAPSHOT_MAX; i++) {
		rkv_snapshot *s = ks->snaps[i];

		if (!(ks->snap_active & (1u << i)))
			continue;
		for (int l = 0; l < s->ndb; l++) {
			if (s->map[l] == a)
				s->map[l] = b;
			else if (s->map[l] == b)
				s->map[l] = a;
		}
	}
}

static void release_slot(rkv_snapshot *s)
{
	if (s->slot < 0)
		return;
	s->ks->snap_active &= (uint8_t) ~(1u << s->slot);
	s->ks->snaps[s->slot] = NULL;
	s->slot = -1;
}

rkv_snapshot *rkv_snapshot_begin(rkv_keyspace *ks, int64_t now_ms,
				 bool compression, bool checksum,
				 const rkv_rdb_aux *aux)
{
	const rkv_allocator *a = ks->alloc;
	size_t n = (size_t)ks->ndb;
	rkv_snapshot *s;
	int slot = -1;

	for (int i = 0; i < RKV_SNAPSHOT_MAX && slot < 0; i++)
		if (!(ks->snap_active & (1u << i)))
			slot = i;
	if (slot < 0)
		return NULL;
	s = rkv_malloc(a, sizeof(*s));
	if (!s)
		return NULL;
	memset(s, 0, sizeof(*s));
	s->map = rkv_malloc(a, n * sizeof(*s->map));
	s->size = rkv_malloc(a, n * sizeof(*s->size));
	s->expires = rkv_malloc(a, n * sizeof(*s->expires));
	s->head = rkv_malloc(a, n * sizeof(*s->head));
	s->tail = rkv_malloc(a, n * sizeof(*s->tail));
	if (!s->map || !s->size || !s->expires || !s->head || !s->tail) {
		s->slot = -1;
		s->ks = ks;
		s->state = ST_DONE;
		rkv_snapshot_free(s);
		return NULL;
	}
	s->ks = ks;
	s->slot = slot;
	s->now_ms = now_ms;
	s->compression = compression;
	s->checksum = checksum;
	s->ndb = ks->ndb;
	if (aux) {
		s->has_aux = true;
		s->aux = *aux;
		if (aux->redis_ver) {
			snprintf(s->redis_ver, sizeof(s->redis_ver), "%s",
				 aux->redis_ver);
			s->aux.redis_ver = s->redis_ver;
		}
		if (aux->repl_id) {
			snprintf(s->repl_id, sizeof(s->repl_id), "%s",
				 aux->repl_id);
			s->aux.repl_id = s->repl_id;
		}
	}
	for (int l = 0; l < s->ndb; l++) {
		s->map[l] = l;
		s->size[l] = rkv_keyspace_size(ks, l);
		s->expires[l] = rkv_keyspace_expires(ks, l);
		s->head[l] = s->tail[l] = NULL;
	}
	/* Every entry has bit `slot` equal to the polarity's (the slot is
	 * free, so clean): flipping it makes them all owed, while entries
	 * created from now on get the new polarity, done. */
	ks->snap_polarity ^= (uint8_t)(1u << slot);
	ks->snaps[slot] = s;
	ks->before_change = before_change;
	ks->before_swap = before_swap;
	ks->snap_active |= (uint8_t)(1u << slot);
	return s;
}

typedef struct scan_ctx {
	rkv_snapshot *s;
	int db;
	size_t visited;
	int rc;
} scan_ctx;

static void scan_one(rkv_dict_node *n, void *ud)
{
	scan_ctx *c = ud;
	rkv_snapshot *s = c->s;
	rkv_entry *e = (rkv_entry *)n;
	int64_t when;

	c->visited++;
	/* Visited twice across a rehash, or created after the moment. */
	if (!owed(s->ks, e, s->slot))
		return;
	mark_done(s->ks, e, s->slot);
	when = rkv_keyspace_get_expire(s->ks, c->db, e);
	if (when >= 0 && when <= s->now_ms)
		return;
	if (c->rc == 0)
		c->rc = rkv_rdb_write_entry(&s->w, s->ks, c->db, e);
	s->keys++;
}

static int write_pending(rkv_snapshot *s, int l, size_t *work, size_t budget)
{
	/* At least one, so that any budget makes progress. */
	while (s->head[l]) {
		pend *p = s->head[l];
		int rc = rkv_rdb_write_string(&s->w, p->data, p->klen,
					      p->data + p->klen, p->vlen,
					      p->expire_ms);

		if (rc < 0)
			return rc;
		s->keys++;
		s->head[l] = p->next;
		if (!s->head[l])
			s->tail[l] = NULL;
		s->held -= sizeof(*p) + p->klen + p->vlen;
		rkv_free(s->ks->alloc, p);
		if (++*work >= budget)
			break;
	}
	return 0;
}

static int fail(rkv_snapshot *s)
{
	s->failed = true;
	return RKV_ERR_NOMEM;
}

int rkv_snapshot_next(rkv_snapshot *snap, rkv_buf *out, size_t budget)
{
	rkv_snapshot *s = snap;
	size_t work = 0;
	int rc;

	if (s->failed)
		return RKV_ERR_NOMEM;
	if (s->state == ST_DONE)
		return 1;
	if (s->state == ST_HEADER) {
		if (rkv_rdb_writer_begin(&s->w, out, s->ks->alloc,
					 s->compression, s->checksum,
					 s->has_aux ? &s->aux : NULL) < 0)
			return fail(s);
		s->state = ST_KEYS;
	}
	s->w.out = out;
	while (s->cur < s->ndb && work < budget) {
		int l = s->cur;

		work++;
		if (s->size[l] == 0) { /* nothing of it can be owed */
			s->cur++;
			continue;
		}
		if (!s->started) {
			if (rkv_rdb_write_select(&s->w, l, s->size[l],
						 s->expires[l]) < 0)
				return fail(s);
			s->started = true;
		}
		if (s->head[l]) {
			if (write_pending(s, l, &work, budget) < 0)
				return fail(s);
			continue;
		}
		if (s->map[l] >= 0 && !s->scanned) {
			scan_ctx c = {s, s->map[l], 0, 0};

			s->cursor = rkv_dict_scan(&s->ks->db[c.db].keys,
						  s->cursor, scan_one, &c);
			work += c.visited;
			if (c.rc < 0)
				return fail(s);
			if (s->cursor == 0)
				s->scanned = true;
			continue;
		}
		/* Scanned and nothing pending: no entry of l is owed any
		 * more, so nothing more can be pushed for it. */
		s->cur++;
		s->started = s->scanned = false;
		s->cursor = 0;
	}
	if (s->cur < s->ndb)
		return 0;
	release_slot(s);
	rc = rkv_rdb_writer_end(&s->w);
	if (rc < 0)
		return fail(s);
	s->state = ST_DONE;
	return 1;
}

unsigned long long rkv_snapshot_keys(const rkv_snapshot *snap)
{
	return snap->keys;
}

bool rkv_snapshot_done(const rkv_snapshot *snap)
{
	return snap->state == ST_DONE;
}

size_t rkv_snapshot_memory(const rkv_snapshot *snap)
{
	size_t n = sizeof(*snap) +
		   (size_t)snap->ndb *
		       (sizeof(*snap->map) + sizeof(*snap->size) +
			sizeof(*snap->expires) + 2 * sizeof(*snap->head));

	if (snap->w.htab)
		n += RKV_LZF_HSIZE * sizeof(*snap->w.htab);
	return n + snap->held + snap->w.scratch_cap;
}

size_t rkv_snapshot_memory_total(const rkv_keyspace *ks)
{
	size_t n = 0;

	for (int i = 0; i < RKV_SNAPSHOT_MAX; i++)
		if ((ks->snap_active & (1u << i)) && ks->snaps[i])
			n += rkv_snapshot_memory(ks->snaps[i]);
	return n;
}

typedef struct clear_ctx {
	rkv_keyspace *ks;
	int slot;
} clear_ctx;

static void clear_mark(rkv_dict_node *n, void *ud)
{
	clear_ctx *c = ud;

	mark_done(c->ks, (rkv_entry *)n, c->slot);
}

void rkv_snapshot_free(rkv_snapshot *snap)
{
	const rkv_allocator *a;

	if (!snap)
		return;
	a = snap->ks->alloc;
	if (snap->slot >= 0) {
		/* Unfinished: leave every entry done for the slot, so the
		 * next snapshot using it starts clean. */
		clear_ctx c = {snap->ks, snap->slot};

		for (int i = 0; i < snap->ks->ndb; i++)
			rkv_dict_foreach(&snap->ks->db[i].keys, clear_mark, &c);
		release_slot(snap);
	}
	if (snap->head)
		for (int l = 0; l < snap->ndb; l++)
			while (snap->head[l]) {
				pend *p = snap->head[l];

				snap->head[l] = p->next;
				rkv_free(a, p);
			}
	rkv_rdb_writer_free(&snap->w);
	rkv_free(a, snap->map);
	rkv_free(a, snap->size);
	rkv_free(a, snap->expires);
	rkv_free(a, snap->head);
	rkv_free(a, snap->tail);
	rkv_free(a, snap);
}
