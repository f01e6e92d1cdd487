/* The keyspace: numbered databases of keys with typed values and optional
 * expiry times, independent of any protocol.
 *
 * Memory per key is a first-class goal. A key, its metadata and a string
 * value live in one allocation (rkv_entry), linked directly into the
 * database's dict (no separate dict entry). A string that is a canonical
 * integer (as Redis's OBJ_ENCODING_INT accepts) is stored as 8 bytes. Keys
 * with a TTL also have a small node in the database's `expires` dict, so
 * active expiry samples only keys that can expire.
 *
 * Expiry: lazily on access (a lookup of an expired key deletes it), and
 * actively by rkv_keyspace_active_expire(), bounded in work (keys sampled)
 * rather than in time, since the library reads no clock: like Redis's
 * activeExpireCycle it samples keys with a TTL and keeps going in a database
 * while more than a quarter of a sample was expired.
 *
 * Time is passed in by the caller (milliseconds, the node's wall clock). */
#ifndef RKV_KEYSPACE_H
#define RKV_KEYSPACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dict.h"
#include "rand.h"

#define RKV_DEFAULT_DATABASES 16

/* Value types. */
enum { RKV_TYPE_STRING = 0 };

/* Value encodings. */
enum {
	RKV_ENC_INT = 1, /* a long long, 8 bytes */
	RKV_ENC_STR = 2	 /* vlen bytes */
};

/* Entry flags. */
#define RKV_ENTRY_EXPIRES 0x01 /* has a node in the db's expires dict */
/* The value was last built in place (APPEND, SETRANGE): Redis holds such a
 * string with the "raw" encoding whatever its length. Cleared by a set. */
#define RKV_ENTRY_RAW 0x02

typedef struct rkv_entry {
	rkv_dict_node link; /* the db's keys dict */
	uint32_t klen;
	uint32_t vlen; /* RKV_ENC_STR: value length */
	uint8_t type;
	uint8_t enc;
	uint8_t flags;
	/* Snapshot marks (lib/snapshot.c): bit i equal to bit i of the
	 * keyspace's snap_polarity means snapshot slot i has serialized the
	 * entry or need not (it was created after the snapshot began). */
	uint8_t snap_marks;
	uint32_t atime; /* seconds of the last access (OBJECT IDLETIME) */
	char data[]; /* key bytes, then the value (8 bytes for RKV_ENC_INT) */
} rkv_entry;

typedef struct rkv_expire {
	rkv_dict_node link; /* the db's expires dict */
	rkv_entry *entry;
	int64_t when_ms; /* absolute Unix time in ms */
} rkv_expire;

typedef struct rkv_db {
	rkv_dict keys;
	rkv_dict expires;
	unsigned long long expire_cursor; /* active expiry's scan position */
	long long avg_ttl; /* running estimate, ms, as INFO keyspace shows */
} rkv_db;

typedef struct rkv_keyspace {
	rkv_db *db;
	int ndb;
	const rkv_allocator *alloc;
	rkv_rand *rng;
	long long expired_keys; /* INFO stats: expired_keys */
	long long hits, misses; /* keyspace_hits / keyspace_misses */
	/* Told of each key expiry deletes (lazily on access or actively),
	 * before the entry is freed, so the node can propagate a DEL and
	 * signal watchers. May be NULL. */
	void (*expire_hook)(int db, const rkv_entry *e, void *ud);
	void *expire_ud;
	/* Set while a replica applies its master's stream: keys whose TTL
	 * has passed on this clock are still live (only the master expires
	 * keys; its DEL follows), as Redis's expireIfNeeded() for its master
	 * client. */
	bool keep_expired;
	/* Set on a replica while a client's read runs: a key whose TTL has
	 * passed is reported missing but kept (the master's DEL follows; the
	 * stream to chained replicas stays the master's), as Redis's
	 * expireIfNeeded() on a replica. A write deletes it as usual. */
	bool hide_expired;
	/* Copy-before-write for point-in-time snapshots (lib/snapshot.c).
	 * snap_active is the bitmask of snapshot slots in progress; while it
	 * is 0 the hooks are never called (one branch per change). Otherwise
	 * before_change is called before an entry's value, expiry or
	 * existence changes (e NULL: before every key of db is deleted), and
	 * before_swap before two databases are exchanged. */
	uint8_t snap_active;
	uint8_t snap_polarity; /* see rkv_entry.snap_marks */
	void (*before_change)(struct rkv_keyspace *ks, int db, rkv_entry *e);
	void (*before_swap)(struct rkv_keyspace *ks, int a, int b);
	struct rkv_snapshot *snaps[8]; /* by slot */
} rkv_keyspace;

/* Tell the snapshots in progress that entry e of db (or every entry of db
 * when e is NULL) is about to change. Callers that modify an entry in
 * place outside the keyspace functions must call this first. */
static inline void rkv_keyspace_touch(rkv_keyspace *ks, int db, rkv_entry *e)
{
	if (ks->snap_active)
		ks->before_change(ks, db, e);
}

/* Returns 0 or RKV_ERR_NOMEM. */
int rkv_keyspace_init(rkv_keyspace *ks, int ndb, const rkv_allocator *alloc,
		      rkv_rand *rng);
void rkv_keyspace_free(rkv_keyspace *ks);

static inline const char *rkv_entry_key(const rkv_entry *e)
{
	return e->data;
}

/* The string value of e. For RKV_ENC_INT it is formatted into buf (at least
 * RKV_LLSTR_SIZE bytes); the result is valid until e or buf changes. */
const char *rkv_entry_str(const rkv_entry *e, char *buf, size_t *len);

/* The integer value of an RKV_ENC_INT entry. */
long long rkv_entry_int(const rkv_entry *e);

/* Look a key up for reading or writing. An expired key is deleted first
 * (and counted in expired_keys) and NULL is returned. */
rkv_entry *rkv_keyspace_lookup(rkv_keyspace *ks, int db, const char *key,
			       size_t klen, int64_t now_ms);

/* As rkv_keyspace_lookup(), without counting as an access (OBJECT's
 * LOOKUP_NOTOUCH): atime is left alone. */
rkv_entry *rkv_keyspace_peek(rkv_keyspace *ks, int db, const char *key,
			     size_t klen, int64_t now_ms);

/* Set key to a string value, replacing any live value (an expired one is
 * deleted first, as a lookup would). The TTL is dropped unless keep_ttl.
 * *out (may be NULL) gets the new entry.
 * Returns 0, RKV_ERR_NOMEM or RKV_ERR_LIMIT (key or value over 4 GB); on
 * error the keyspace is unchanged. */
int rkv_keyspace_set(rkv_keyspace *ks, int db, const char *key, size_t klen,
		     const char *val, size_t vlen, bool keep_ttl,
		     int64_t now_ms, rkv_entry **out);

/* Put a copy of entry e of db src (value and TTL) under key newkey in db
 * dst, replacing whatever newkey holds there. e stays valid and in place
 * (newkey must differ from e's key when src == dst). *out (may be NULL)
 * gets the copy. Returns 0 or RKV_ERR_NOMEM (nothing changed). */
int rkv_keyspace_copy(rkv_keyspace *ks, int src, const rkv_entry *e, int dst,
		      const char *newkey, size_t newklen, int64_t now_ms,
		      rkv_entry **out);

/* A random live key of db, or NULL when it has none (Redis's RANDOMKEY:
 * expired keys met on the way are deleted). */
rkv_entry *rkv_keyspace_random(rkv_keyspace *ks, int db, int64_t now_ms);

/* Delete a key. Returns true if it existed. */
bool rkv_keyspace_delete(rkv_keyspace *ks, int db, const char *key,
			 size_t klen);

/* Set or clear (when_ms < 0) the expiry time of an entry of db.
 * Returns 0 or RKV_ERR_NOMEM. */
int rkv_keyspace_set_expire(rkv_keyspace *ks, int db, rkv_entry *e,
			    int64_t when_ms);

/* The entry's expiry time in ms, or -1 if it has none. */
int64_t rkv_keyspace_get_expire(rkv_keyspace *ks, int db, const rkv_entry *e);

static inline size_t rkv_keyspace_size(const rkv_keyspace *ks, int db)
{
	return rkv_dict_size(&ks->db[db].keys);
}

static inline size_t rkv_keyspace_expires(const rkv_keyspace *ks, int db)
{
	return rkv_dict_size(&ks->db[db].expires);
}

/* Delete every key of db, or of every db when db < 0. */
void rkv_keyspace_flush(rkv_keyspace *ks, int db);

/* Exchange the contents of two databases. */
void rkv_keyspace_swap(rkv_keyspace *ks, int a, int b);

/* One active expiry pass: sample at most `budget` keys with a TTL across the
 * databases, deleting those expired at now_ms (each told to expire_hook).
 * Returns the keys deleted. */
size_t rkv_keyspace_active_expire(rkv_keyspace *ks, int64_t now_ms,
				  size_t budget);

/* True if key exists in db with an expiry time at or before now_ms (it is
 * logically gone but not deleted yet). Changes nothing. */
bool rkv_keyspace_is_expired(rkv_keyspace *ks, int db, const char *key,
			     size_t klen, int64_t now_ms);

/* Bounded background upkeep: incremental rehash and shrinking of the
 * tables. */
void rkv_keyspace_upkeep(rkv_keyspace *ks, int steps);

#endif
