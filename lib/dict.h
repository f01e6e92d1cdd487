/* rkv_dict: a chained hash table with incremental rehash and a SCAN cursor,
 * after Redis's dict.c.
 *
 * Intrusive: the table links caller-owned nodes that embed an rkv_dict_node
 * as their first member, so a keyspace entry (key, value, metadata) is one
 * allocation with no separate dict entry. The table learns a node's key
 * through the type's `key` function, and recomputes hashes when rehashing
 * rather than storing them (8 bytes per key saved).
 *
 * Incremental rehash: when the table grows or shrinks, a second table is
 * allocated and buckets move over a few at a time, on each operation and on
 * rkv_dict_rehash_steps() from the node's tick, so no single call pays for
 * rehashing millions of keys.
 *
 * SCAN: the cursor increments its bits in reverse order. Because table sizes
 * are powers of two, buckets of a smaller table map onto contiguous groups
 * of a larger one in reversed-bit order, so a scan started before a resize
 * never misses an element present for the whole scan (it may return some
 * twice). */
#ifndef RKV_DICT_H
#define RKV_DICT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "alloc.h"

typedef struct rkv_dict_node {
	struct rkv_dict_node *next;
} rkv_dict_node;

typedef struct rkv_dict_type {
	/* The key of a node. */
	void (*key)(const rkv_dict_node *node, const char **key, size_t *len);
} rkv_dict_type;

typedef struct rkv_dict {
	rkv_dict_node **table[2];
	int exp[2]; /* log2 of the table size; -1: no table */
	size_t used[2];
	long long rehash_idx;  /* next bucket of table 0 to move; -1: idle */
	unsigned pause_rehash; /* > 0 while a traversal needs stable tables */
	const rkv_dict_type *type;
	const rkv_allocator *alloc;
	uint8_t seed[16];
} rkv_dict;

/* Smallest table allocated (Redis's DICT_HT_INITIAL_SIZE). */
#define RKV_DICT_INITIAL_EXP 2
/* Shrink when fewer than 1 in 10 buckets is used (HASHTABLE_MIN_FILL). */
#define RKV_DICT_MIN_FILL 10

void rkv_dict_init(rkv_dict *d, const rkv_dict_type *type,
		   const rkv_allocator *alloc, const uint8_t seed[16]);

/* Free the bucket arrays; nodes are the caller's (see rkv_dict_clear). */
void rkv_dict_free(rkv_dict *d);

/* Unlink every node, passing each to free_node (may be NULL). */
void rkv_dict_clear(rkv_dict *d, void (*free_node)(rkv_dict_node *, void *),
		    void *ud);

static inline size_t rkv_dict_size(const rkv_dict *d)
{
	return d->used[0] + d->used[1];
}

/* Buckets allocated, for memory accounting and INFO. */
size_t rkv_dict_buckets(const rkv_dict *d);

uint64_t rkv_dict_hash(const rkv_dict *d, const char *key, size_t len);

/* The node with this key, or NULL. `hash` is rkv_dict_hash(d, key, len). */
rkv_dict_node *rkv_dict_find(rkv_dict *d, const char *key, size_t len,
			     uint64_t hash);

/* Link a node whose key is not in the table yet. Returns 0, or RKV_ERR_NOMEM
 * when the table has no buckets and none could be allocated (a failed
 * growth of an existing table is not an error: chains get longer). */
int rkv_dict_add(rkv_dict *d, rkv_dict_node *node, uint64_t hash);

/* Unlink and return the node with this key, or NULL. */
rkv_dict_node *rkv_dict_unlink(rkv_dict *d, const char *key, size_t len,
			       uint64_t hash);

/* Put `repl` where `old` is linked (same key, e.g. after the caller
 * reallocated the node). Returns false if old is not linked. */
bool rkv_dict_replace(rkv_dict *d, rkv_dict_node *old, rkv_dict_node *repl,
		      uint64_t hash);

/* Do up to n steps of incremental rehash (a step moves one bucket and skips
 * at most 10 empty ones). Returns true if rehashing is still in progress. */
bool rkv_dict_rehash_steps(rkv_dict *d, int n);

/* Start shrinking if the table is mostly empty. Returns true if it did. */
bool rkv_dict_shrink_if_needed(rkv_dict *d);

/* Call fn for every node of the bucket(s) the cursor designates and return
 * the next cursor (0 when the scan is complete). fn must not modify the
 * table. */
unsigned long long rkv_dict_scan(rkv_dict *d, unsigned long long cursor,
				 void (*fn)(rkv_dict_node *, void *), void *ud);

/* Call fn for every node. fn must not modify the table. */
void rkv_dict_foreach(rkv_dict *d, void (*fn)(rkv_dict_node *, void *),
		      void *ud);

/* A node chosen using the random values r1 (bucket) and r2 (chain position)
 * or NULL if empty. Like Redis, buckets are probed from r1 onward, so the
 * choice is only roughly uniform. */
rkv_dict_node *rkv_dict_random(rkv_dict *d, uint64_t r1, uint64_t r2);

#endif
