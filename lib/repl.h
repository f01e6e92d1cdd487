/* The replication stream's state, shared by both roles (Redis 7.0, PSYNC2):
 * the replication ID and the secondary ID with the offset it is valid up
 * to, the master offset, and the circular backlog of the stream's last
 * bytes. A master produces the stream from its writes; a replica feeds it
 * with what its master sent (and so serves sub-replicas and PSYNC after a
 * promotion). docs/replication.md describes it.
 *
 * Invariants (../RELIABILITY.md):
 *   - offset counts the bytes of the stream so far (fully applied commands
 *     only on a replica);
 *   - when the backlog is active: first_byte + histlen == offset + 1 and it
 *     holds the last histlen bytes of the stream;
 *   - a PSYNC <id> <off> may continue iff (id == replid, or id == replid2
 *     and off <= second_offset) and first_byte <= off <= offset + 1. */
#ifndef RKV_REPL_H
#define RKV_REPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"

typedef struct rkv_node rkv_node;

typedef struct rkv_repl {
	char replid[41];	 /* master_replid */
	char replid2[41];	 /* master_replid2, "000...0" when none */
	long long offset;	 /* master_repl_offset */
	long long second_offset; /* second_repl_offset, -1 when none */
	/* The backlog: a circular buffer of `size` bytes, NULL when none. */
	char *backlog;
	long long backlog_size; /* repl-backlog-size when created */
	long long histlen;	/* valid bytes in it */
	long long first_byte;	/* stream offset of its oldest byte */
	size_t idx;		/* where the next byte goes */
} rkv_repl;

/* Set up the state for a node: a new replication ID from the node's PRNG,
 * offset 0, no secondary ID, no backlog. */
void rkv_repl_init(rkv_node *node);

/* Free the backlog. */
void rkv_repl_free(rkv_node *node);

/* Create the backlog if there is none (Redis creates it when the first
 * replica attaches, and on a replica once it is synced): repl-backlog-size
 * bytes, empty, starting at offset + 1. Returns 0 or RKV_ERR_NOMEM. */
int rkv_repl_backlog_create(rkv_node *node);

/* repl-backlog-size as configured now (the backlog keeps the size it was
 * created with). */
long long rkv_repl_backlog_conf_size(rkv_node *node);

/* Drop the backlog (repl-backlog-ttl expired with no replicas). */
void rkv_repl_backlog_free(rkv_node *node);

/* Append len bytes to the stream: the offset grows by len and the backlog,
 * if any, keeps them. The caller sends them to the replicas. */
void rkv_repl_feed(rkv_node *node, const void *data, size_t len);

/* The PSYNC rule above for (id, off): returns true when the stream from off
 * on is in the backlog and belongs to this history. */
bool rkv_repl_can_continue(const rkv_node *node, const char *id,
			   long long off);

/* Append the stream's bytes from offset `from` to the end (what a +CONTINUE
 * sends) to out; the caller checked rkv_repl_can_continue(). Returns the
 * number of bytes appended. */
long long rkv_repl_backlog_copy(const rkv_node *node, long long from,
				rkv_buf *out);

/* Promotion (REPLICAOF NO ONE, failover): the current ID becomes the
 * secondary one, valid up to offset + 1, and a new ID is drawn; logs
 * Redis's "Setting secondary replication ID to <old>, valid up to offset:
 * <n>. New replication ID is <new>". */
void rkv_repl_shift_replid(rkv_node *node);

/* After a full sync: take the master's ID and offset, forget the secondary
 * ID, and restart the backlog (empty, from offset + 1) if there is one. */
void rkv_repl_adopt(rkv_node *node, const char *replid, long long offset);

/* Send bytes of the stream on: feed them (rkv_repl_feed) and append them to
 * every attached replica that receives the stream. A master calls it for
 * its own writes (through rkv_propagate); a replica calls it with the exact
 * bytes of each command it applied from its master, so sub-replicas get the
 * same stream with the same offsets. */
void rkv_repl_propagate_raw(rkv_node *node, const void *data, size_t len);

/* Disconnect every attached replica (after this node full-synced from its
 * own master, its history changed: sub-replicas must resync). */
void rkv_repl_disconnect_replicas(rkv_node *node);

#endif
