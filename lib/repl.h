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
#include "resp.h"

typedef struct rkv_node rkv_node;
typedef struct rkv_conn rkv_conn;
typedef struct rkv_replica rkv_replica; /* repl.c: one attached replica */

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
	/* Set by the replica side (lib/replica) while this node follows a
	 * master: it then forwards its master's stream verbatim and generates
	 * no PING, no backlog-TTL expiry and no min-replicas refusal. */
	bool is_replica;
	/* Master side: the attached replicas and the stream's state. */
	rkv_replica *replicas;
	size_t nreplicas;
	int stream_db;	 /* db of the stream's last SELECT, -1: none */
	rkv_buf scratch; /* one command's RESP form (reused) */
	rkv_buf unit;	 /* a transaction's writes, until EXEC ends */
	size_t unit_ops; /* commands in unit */
	int64_t no_replicas_since_ms; /* repl-backlog-ttl; 0: replicas */
	int64_t last_ping_ms;	      /* last PING into the stream */
	int64_t last_cron_ms;	      /* last once-a-second work */
	int min_to_write;	      /* min-replicas-to-write */
	int min_max_lag;	      /* min-replicas-max-lag (seconds) */
	int good_replicas;	      /* online, lag <= min_max_lag */
	long long sync_full, sync_partial_ok, sync_partial_err;
	/* WAIT: connections blocked until replicas acknowledge. */
	rkv_conn *waiting;
	bool unflushed;	     /* stream appended to replicas, not yet sent */
	bool getack_pending; /* a GETACK waits for clients' pause to end */
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
bool rkv_repl_can_continue(const rkv_node *node, const char *id, long long off);

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

/* ---- Master side (replicas attached to this node) ---- */

/* A replica's state, as INFO's slaveN state= names them. */
enum {
	RKV_REPLICA_WAIT_START, /* full sync: waiting for its snapshot */
	RKV_REPLICA_SNAPSHOT,	/* full sync: RDB being sent (wait_bgsave) */
	RKV_REPLICA_ONLINE	/* receiving the stream */
};

struct rkv_replica {
	rkv_conn *conn;
	rkv_replica *next;
	int state;
	bool eof_capa;	  /* REPLCONF capa eof: the $EOF: form */
	bool psync2_capa; /* REPLCONF capa psync2: +CONTINUE <replid> */
	bool old_sync;	  /* SYNC: no +FULLRESYNC, $<len> form */
	bool wait_ack;	  /* RDB sent: stream held until the first ACK */
	bool snap_failed; /* no snapshot slot yet (logged once): retried */
	int port;	  /* REPLCONF listening-port */
	char ip[64];	  /* REPLCONF ip-address, else the peer's */
	long long ack_off;
	int64_t ack_ms;	  /* last REPLCONF ACK (wall clock ms) */
	int64_t since_ms; /* asked for a full sync at */
	struct rkv_snapshot *snap;
	char eofmark[41];
	rkv_buf held; /* stream since the snapshot's moment, not yet sent */
	rkv_buf rdb;  /* $<len> form: the whole file before it is sent */
};

/* The write hook (rkv_propagate's body): the command as it must be
 * replayed, in db. Emits SELECT when the stream's db changes; inside EXEC
 * the writes are held and wrapped in MULTI ... EXEC when more than one
 * (rkv_repl_unit_end). Does nothing while no replica ever attached (no
 * backlog) or when the command came from this node's master. */
void rkv_repl_propagate(rkv_node *node, int db, size_t argc,
			const rkv_slice *argv);

/* The end of an execution unit (EXEC returned): emit the held writes. */
void rkv_repl_unit_end(rkv_node *node);

/* A replica connection is being freed: forget it. */
void rkv_repl_replica_gone(rkv_conn *c);

/* Work the replicas' full syncs forward by about budget keys each (no
 * more while a replica has ~1 MB of output pending), and hand the stream
 * appended since the last call to the replicas' send callback (once per
 * event-loop iteration: one send for many writes). Returns 1 while some
 * sync can make progress now, else 0. */
int rkv_repl_background(rkv_node *node, size_t budget);

/* Marks pending the online replicas holding stream bytes not yet sent, so
 * that the next rkv_node_flush_pending() sends them. */
void rkv_repl_stream_pending(rkv_node *node);

/* Once per tick: delayed full syncs, PING into the stream, timeouts, the
 * good-replicas count, repl-backlog-ttl, WAIT timeouts. */
void rkv_repl_cron(rkv_node *node);

/* Count the good replicas (online, acknowledged within
 * min-replicas-max-lag seconds) into node->repl.good_replicas. */
void rkv_repl_refresh_good(rkv_node *node);

/* min-replicas-to-write is set and too few replicas are good. */
bool rkv_repl_deny_write(rkv_node *node);

/* The connection's name in replication logs, as Redis's
 * replicationGetSlaveName(): "ip:listening-port". */
const char *rkv_replica_name(const rkv_conn *c, char *buf, size_t cap);

/* Start the full syncs whose repl-diskless-sync-delay has passed. */
void rkv_repl_start_syncs(rkv_node *node);

/* Replica s sent REPLCONF ACK (ack_off and ack_ms updated). */
void rkv_repl_acked(rkv_node *node, rkv_replica *s);

/* A connection blocked in WAIT is being freed. */
void rkv_repl_wait_gone(rkv_conn *c);

/* Replicas whose acknowledged offset is at least off. */
long long rkv_repl_acked_count(rkv_node *node, long long off);

/* Ask every replica for an ACK (REPLCONF GETACK * into the stream). */
void rkv_repl_getack(rkv_node *node);

/* Commands (cmd_repl.c). */
void rkv_cmd_psync(rkv_conn *, size_t, const rkv_slice *);
void rkv_cmd_sync(rkv_conn *, size_t, const rkv_slice *);
void rkv_cmd_replconf(rkv_conn *, size_t, const rkv_slice *);
void rkv_cmd_wait(rkv_conn *, size_t, const rkv_slice *);
void rkv_cmd_role(rkv_conn *, size_t, const rkv_slice *);

#endif
