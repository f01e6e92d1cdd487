/* A point-in-time snapshot of the whole keyspace as an RDB file, produced
 * in slices of bounded work while the keyspace keeps changing, without
 * fork. docs/rdb.md ("Point-in-time snapshot") describes the design.
 *
 * Copy-before-write: each snapshot in progress owns one of 8 slots; an
 * entry's snap_marks bit for the slot says whether the snapshot still owes
 * it. The keyspace calls the snapshots' hook before changing or freeing an
 * owed entry, which copies the old value into the snapshot's pending list
 * of its database; pending copies are written when that database's
 * section is. */
#ifndef RKV_SNAPSHOT_H
#define RKV_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "keyspace.h"
#include "rdb.h"

/* Snapshots that may be in progress at once on one keyspace. */
#define RKV_SNAPSHOT_MAX 8

typedef struct rkv_snapshot rkv_snapshot;

/* Fix the moment: the snapshot will hold exactly the keys of ks live at
 * now_ms (keys whose expiry time is at or before now_ms are left out), as
 * they are now, whatever happens to ks afterwards. aux (may be NULL) gives
 * the header's AUX fields; it is copied. Nothing is written yet.
 * Returns the snapshot, or NULL when out of memory or when
 * RKV_SNAPSHOT_MAX snapshots are already in progress on ks. The snapshot
 * must be freed (rkv_snapshot_free) before ks is. */
rkv_snapshot *rkv_snapshot_begin(rkv_keyspace *ks, int64_t now_ms,
				 bool compression, bool checksum,
				 const rkv_rdb_aux *aux);

/* Append the next part of the file to out: the header on the first call,
 * then the keys, visiting at most about `budget` entries and buckets (a
 * bucket's chain is finished once started), and the EOF and checksum at
 * the end. Returns 0 when more remains, 1 when the file is complete (later
 * calls return 1 and append nothing), or RKV_ERR_NOMEM (the snapshot is
 * failed: free it). */
int rkv_snapshot_next(rkv_snapshot *snap, rkv_buf *out, size_t budget);

/* Keys written into the file so far. */
unsigned long long rkv_snapshot_keys(const rkv_snapshot *snap);

/* True once rkv_snapshot_next() has returned 1. */
bool rkv_snapshot_done(const rkv_snapshot *snap);

/* Bytes the snapshot holds: its old-value copies still to be written, its
 * writer's scratch memory and the structure itself. */
size_t rkv_snapshot_memory(const rkv_snapshot *snap);

/* Bytes held by all the snapshots in progress on ks (for INFO). */
size_t rkv_snapshot_memory_total(const rkv_keyspace *ks);

/* Release the snapshot and its slot. Freeing a snapshot that is not done
 * visits every key of ks once to clear its marks (O(keys)). NULL is fine. */
void rkv_snapshot_free(rkv_snapshot *snap);

#endif
