/* Databases, entries and expiry; see keyspace.h for the layout. */
#include "keyspace.h"

#include <string.h>

#include "rkv.h"
#include "util.h"

/* Keys sampled per round of active expiry in one database, and the share of
 * expired keys in a round (1 in EXPIRED_RATIO) above which the database gets
 * another round: Redis's ACTIVE_EXPIRE_CYCLE_KEYS_PER_LOOP and its 25%
 * acceptable-stale threshold at the default effort. */
#define SAMPLE_PER_ROUND 20
#define EXPIRED_RATIO	 4
/* Expired keys collected per round before deleting them (deletion cannot
 * happen inside a scan callback). */
#define ROUND_MAX_EXPIRED 64

static void entry_key(const rkv_dict_node *n, const char **key, size_t *len)
{
	const rkv_entry *e = (const rkv_entry *)n;

	*key = e->data;
	*len = e->klen;
}

static void expire_key(const rkv_dict_node *n, const char **key, size_t *len)
{
	const rkv_entry *e = ((const rkv_expire *)n)->entry;

	*key = e->data;
	*len = e->klen;
}

static const rkv_dict_type keys_type = {entry_key};
static const rkv_dict_type expires_type = {expire_key};

int rkv_keyspace_init(rkv_keyspace *ks, int ndb, const rkv_allocator *alloc,
		      rkv_rand *rng)
{
	uint8_t seed[16];

	memset(ks, 0, sizeof(*ks));
	if (ndb < 1)
		return RKV_ERR_INVALID;
	ks->db = rkv_malloc(alloc, (size_t)ndb * sizeof(*ks->db));
	if (!ks->db)
		return RKV_ERR_NOMEM;
	ks->ndb = ndb;
	ks->alloc = alloc;
	ks->rng = rng;
	/* One hash key for both dicts of a db: a key's hash is computed once
	 * and used in both. */
	rkv_rand_bytes(rng, seed, sizeof(seed));
	for (int i = 0; i < ndb; i++) {
		memset(&ks->db[i], 0, sizeof(ks->db[i]));
		rkv_dict_init(&ks->db[i].keys, &keys_type, alloc, seed);
		rkv_dict_init(&ks->db[i].expires, &expires_type, alloc, seed);
	}
	return 0;
}

void rkv_keyspace_free(rkv_keyspace *ks)
{
	if (!ks->db)
		return;
	rkv_keyspace_flush(ks, -1);
	for (int i = 0; i < ks->ndb; i++) {
		rkv_dict_free(&ks->db[i].keys);
		rkv_dict_free(&ks->db[i].expires);
	}
	rkv_free(ks->alloc, ks->db);
	ks->db = NULL;
}

long long rkv_entry_int(const rkv_entry *e)
{
	long long v;

	memcpy(&v, e->data + e->klen, sizeof(v));
	return v;
}

const char *rkv_entry_str(const rkv_entry *e, char *buf, size_t *len)
{
	if (e->enc == RKV_ENC_INT) {
		*len = rkv_ll2str(buf, rkv_entry_int(e));
		return buf;
	}
	*len = e->vlen;
	return e->data + e->klen;
}

static rkv_expire *find_expire(rkv_db *d, const rkv_entry *e, uint64_t hash)
{
	return (rkv_expire *)rkv_dict_find(&d->expires, e->data, e->klen, hash);
}

static void free_entry(rkv_keyspace *ks, rkv_db *d, rkv_entry *e, uint64_t hash)
{
	if (e->flags & RKV_ENTRY_EXPIRES)
		rkv_free(ks->alloc,
			 rkv_dict_unlink(&d->expires, e->data, e->klen, hash));
	rkv_free(ks->alloc, e);
}

/* The live entry for key (hash precomputed), deleting it if expired. */
static rkv_entry *find_live(rkv_keyspace *ks, rkv_db *d, const char *key,
			    size_t klen, uint64_t hash, int64_t now_ms)
{
	rkv_entry *e = (rkv_entry *)rkv_dict_find(&d->keys, key, klen, hash);

	if (e && (e->flags & RKV_ENTRY_EXPIRES) && !ks->keep_expired &&
	    find_expire(d, e, hash)->when_ms <= now_ms) {
		if (ks->hide_expired)
			return NULL;
		rkv_keyspace_touch(ks, (int)(d - ks->db), e);
		if (ks->expire_hook)
			ks->expire_hook((int)(d - ks->db), e, ks->expire_ud);
		rkv_dict_unlink(&d->keys, key, klen, hash);
		free_entry(ks, d, e, hash);
		ks->expired_keys++;
		e = NULL;
	}
	return e;
}

rkv_entry *rkv_keyspace_lookup(rkv_keyspace *ks, int db, const char *key,
			       size_t klen, int64_t now_ms)
{
	rkv_db *d = &ks->db[db];
	rkv_entry *e = find_live(ks, d, key, klen,
				 rkv_dict_hash(&d->keys, key, klen), now_ms);

	if (e)
		e->atime = (uint32_t)(now_ms / 1000);
	return e;
}

rkv_entry *rkv_keyspace_peek(rkv_keyspace *ks, int db, const char *key,
			     size_t klen, int64_t now_ms)
{
	rkv_db *d = &ks->db[db];

	return find_live(ks, d, key, klen, rkv_dict_hash(&d->keys, key, klen),
			 now_ms);
}

/* A string Redis would store as OBJ_ENCODING_INT. */
static bool as_int(const char *val, size_t vlen, long long *v)
{
	return vlen <= 20 && rkv_string2ll(val, vlen, v);
}

int rkv_keyspace_set(rkv_keyspace *ks, int db, const char *key, size_t klen,
		     const char *val, size_t vlen, bool keep_ttl,
		     int64_t now_ms, rkv_entry **out)
{
	rkv_db *d = &ks->db[db];
	uint64_t hash = rkv_dict_hash(&d->keys, key, klen);
	rkv_entry *old = find_live(ks, d, key, klen, hash, now_ms);
	long long iv;
	bool is_int = as_int(val, vlen, &iv);
	size_t vsize = is_int ? sizeof(iv) : vlen;
	rkv_entry *e;

	if (klen > UINT32_MAX || vlen > UINT32_MAX)
		return RKV_ERR_LIMIT;
	if (old)
		rkv_keyspace_touch(ks, db, old);
	/* Overwrite in place when the value keeps its encoding and size: the
	 * common case of a cache refreshing fixed-size values. */
	if (old && old->type == RKV_TYPE_STRING &&
	    old->enc == (is_int ? RKV_ENC_INT : RKV_ENC_STR) &&
	    (is_int || old->vlen == vlen)) {
		e = old;
	} else {
		e = rkv_malloc(ks->alloc, sizeof(*e) + klen + vsize);
		if (!e)
			return RKV_ERR_NOMEM;
		e->link.next = NULL;
		e->klen = (uint32_t)klen;
		e->type = RKV_TYPE_STRING;
		e->enc = is_int ? RKV_ENC_INT : RKV_ENC_STR;
		e->flags = old ? old->flags : 0;
		/* Snapshots in progress began before this entry. */
		e->snap_marks = ks->snap_polarity;
		memcpy(e->data, key, klen);
		if (!old && rkv_dict_add(&d->keys, &e->link, hash) < 0) {
			rkv_free(ks->alloc, e);
			return RKV_ERR_NOMEM;
		}
	}
	e->vlen = is_int ? 0 : (uint32_t)vlen;
	e->flags &= (uint8_t)~RKV_ENTRY_RAW;
	e->atime = (uint32_t)(now_ms / 1000);
	if (is_int)
		memcpy(e->data + klen, &iv, sizeof(iv));
	else if (vlen)
		memcpy(e->data + klen, val, vlen);
	if (old && old != e) {
		rkv_dict_replace(&d->keys, &old->link, &e->link, hash);
		if (old->flags & RKV_ENTRY_EXPIRES)
			find_expire(d, old, hash)->entry = e;
		rkv_free(ks->alloc, old);
	}
	if (!keep_ttl && (e->flags & RKV_ENTRY_EXPIRES)) {
		rkv_free(ks->alloc,
			 rkv_dict_unlink(&d->expires, key, klen, hash));
		e->flags &= (uint8_t)~RKV_ENTRY_EXPIRES;
	}
	if (out)
		*out = e;
	return 0;
}

int rkv_keyspace_copy(rkv_keyspace *ks, int src, const rkv_entry *e, int dst,
		      const char *newkey, size_t newklen, int64_t now_ms,
		      rkv_entry **out)
{
	int64_t when = rkv_keyspace_get_expire(ks, src, e);
	char buf[RKV_LLSTR_SIZE];
	size_t vlen;
	const char *v = rkv_entry_str(e, buf, &vlen);
	rkv_entry *copy;
	int rc;

	/* Only strings exist so far: a copy is a SET of the same bytes. The
	 * other types will copy their own encodings here. */
	rc = rkv_keyspace_set(ks, dst, newkey, newklen, v, vlen, false, now_ms,
			      &copy);
	if (rc < 0)
		return rc;
	copy->flags |= e->flags & RKV_ENTRY_RAW; /* the encoding is copied */
	if (when >= 0 &&
	    (rc = rkv_keyspace_set_expire(ks, dst, copy, when)) < 0) {
		rkv_keyspace_delete(ks, dst, newkey, newklen);
		return rc;
	}
	if (out)
		*out = copy;
	return 0;
}

rkv_entry *rkv_keyspace_random(rkv_keyspace *ks, int db, int64_t now_ms)
{
	rkv_db *d = &ks->db[db];
	rkv_entry *e = NULL;

	/* Redis gives up after 100 expired picks when every key is volatile;
	 * bounded the same way here. A replica, which keeps expired keys
	 * until its master's DEL, then returns the last one picked. */
	for (int tries = 0; tries < 100 && rkv_dict_size(&d->keys); tries++) {
		rkv_entry *live;

		e = (rkv_entry *)rkv_dict_random(
		    &d->keys, rkv_rand_next(ks->rng), rkv_rand_next(ks->rng));
		live = rkv_keyspace_lookup(ks, db, e->data, e->klen, now_ms);
		if (live)
			return live;
	}
	if (e && ks->hide_expired &&
	    rkv_dict_size(&d->keys) == rkv_dict_size(&d->expires))
		return e;
	return NULL;
}

bool rkv_keyspace_delete(rkv_keyspace *ks, int db, const char *key, size_t klen)
{
	rkv_db *d = &ks->db[db];
	uint64_t hash = rkv_dict_hash(&d->keys, key, klen);
	rkv_entry *e;

	if (ks->snap_active &&
	    (e = (rkv_entry *)rkv_dict_find(&d->keys, key, klen, hash)))
		ks->before_change(ks, db, e);
	e = (rkv_entry *)rkv_dict_unlink(&d->keys, key, klen, hash);
	if (!e)
		return false;
	free_entry(ks, d, e, hash);
	return true;
}

int rkv_keyspace_set_expire(rkv_keyspace *ks, int db, rkv_entry *e,
			    int64_t when_ms)
{
	rkv_db *d = &ks->db[db];
	uint64_t hash = rkv_dict_hash(&d->keys, e->data, e->klen);
	rkv_expire *x;

	rkv_keyspace_touch(ks, db, e);
	if (e->flags & RKV_ENTRY_EXPIRES) {
		if (when_ms >= 0) {
			find_expire(d, e, hash)->when_ms = when_ms;
		} else {
			rkv_free(ks->alloc,
				 rkv_dict_unlink(&d->expires, e->data, e->klen,
						 hash));
			e->flags &= (uint8_t)~RKV_ENTRY_EXPIRES;
		}
		return 0;
	}
	if (when_ms < 0)
		return 0;
	x = rkv_malloc(ks->alloc, sizeof(*x));
	if (!x)
		return RKV_ERR_NOMEM;
	x->entry = e;
	x->when_ms = when_ms;
	if (rkv_dict_add(&d->expires, &x->link, hash) < 0) {
		rkv_free(ks->alloc, x);
		return RKV_ERR_NOMEM;
	}
	e->flags |= RKV_ENTRY_EXPIRES;
	return 0;
}

int64_t rkv_keyspace_get_expire(rkv_keyspace *ks, int db, const rkv_entry *e)
{
	rkv_db *d = &ks->db[db];

	if (!(e->flags & RKV_ENTRY_EXPIRES))
		return -1;
	return find_expire(d, e, rkv_dict_hash(&d->keys, e->data, e->klen))
	    ->when_ms;
}

static void free_entry_node(rkv_dict_node *n, void *ud)
{
	rkv_free(ud, n);
}

void rkv_keyspace_flush(rkv_keyspace *ks, int db)
{
	for (int i = 0; i < ks->ndb; i++) {
		if (db >= 0 && i != db)
			continue;
		rkv_keyspace_touch(ks, i, NULL);
		rkv_dict_clear(&ks->db[i].expires, free_entry_node,
			       (void *)ks->alloc);
		rkv_dict_clear(&ks->db[i].keys, free_entry_node,
			       (void *)ks->alloc);
		ks->db[i].avg_ttl = 0;
		ks->db[i].expire_cursor = 0;
	}
}

void rkv_keyspace_swap(rkv_keyspace *ks, int a, int b)
{
	rkv_db tmp;

	if (ks->snap_active)
		ks->before_swap(ks, a, b);
	tmp = ks->db[a];
	ks->db[a] = ks->db[b];
	ks->db[b] = tmp;
}

typedef struct sample {
	int64_t now_ms;
	size_t sampled;
	size_t nexpired;
	long long ttl_sum;
	size_t ttl_n;
	rkv_entry *expired[ROUND_MAX_EXPIRED];
} sample;

static void sample_one(rkv_dict_node *n, void *ud)
{
	sample *s = ud;
	rkv_expire *x = (rkv_expire *)n;

	s->sampled++;
	if (x->when_ms <= s->now_ms) {
		if (s->nexpired < ROUND_MAX_EXPIRED)
			s->expired[s->nexpired++] = x->entry;
	} else {
		s->ttl_sum += x->when_ms - s->now_ms;
		s->ttl_n++;
	}
}

/* Rounds of sampling in one database while they keep finding many expired
 * keys. Returns keys deleted; *budget is decreased by the keys sampled. */
static size_t expire_db(rkv_keyspace *ks, int db, int64_t now_ms,
			size_t *budget)
{
	rkv_db *d = &ks->db[db];
	size_t deleted = 0;
	sample s;

	do {
		memset(&s, 0, sizeof(s));
		s.now_ms = now_ms;
		if (rkv_dict_size(&d->expires) == 0)
			break;
		do {
			d->expire_cursor = rkv_dict_scan(
			    &d->expires, d->expire_cursor, sample_one, &s);
		} while (d->expire_cursor && s.sampled < SAMPLE_PER_ROUND &&
			 s.sampled < *budget && s.nexpired < ROUND_MAX_EXPIRED);
		for (size_t i = 0; i < s.nexpired; i++) {
			rkv_entry *e = s.expired[i];

			if (ks->expire_hook)
				ks->expire_hook(db, e, ks->expire_ud);
			rkv_keyspace_delete(ks, db, e->data, e->klen);
			deleted++;
		}
		ks->expired_keys += (long long)s.nexpired;
		if (s.ttl_n) {
			long long avg = s.ttl_sum / (long long)s.ttl_n;

			/* Redis's running estimate: a sample weighs 2%. */
			d->avg_ttl = d->avg_ttl
					 ? (d->avg_ttl / 50) * 49 + avg / 50
					 : avg;
		}
		*budget -= s.sampled < *budget ? s.sampled : *budget;
	} while (*budget && s.nexpired * EXPIRED_RATIO > s.sampled);
	return deleted;
}

bool rkv_keyspace_is_expired(rkv_keyspace *ks, int db, const char *key,
			     size_t klen, int64_t now_ms)
{
	rkv_db *d = &ks->db[db];
	uint64_t hash = rkv_dict_hash(&d->keys, key, klen);
	rkv_entry *e = (rkv_entry *)rkv_dict_find(&d->keys, key, klen, hash);

	return e && (e->flags & RKV_ENTRY_EXPIRES) &&
	       find_expire(d, e, hash)->when_ms <= now_ms;
}

size_t rkv_keyspace_active_expire(rkv_keyspace *ks, int64_t now_ms,
				  size_t budget)
{
	size_t deleted = 0;

	for (int i = 0; i < ks->ndb && budget; i++)
		deleted += expire_db(ks, i, now_ms, &budget);
	return deleted;
}

void rkv_keyspace_upkeep(rkv_keyspace *ks, int steps)
{
	for (int i = 0; i < ks->ndb; i++) {
		rkv_db *d = &ks->db[i];

		if (!rkv_dict_rehash_steps(&d->keys, steps))
			rkv_dict_shrink_if_needed(&d->keys);
		if (!rkv_dict_rehash_steps(&d->expires, steps))
			rkv_dict_shrink_if_needed(&d->expires);
	}
}
