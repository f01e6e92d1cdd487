/* The replica side of replication (Redis 7.0, PSYNC2): the link to our
 * master as a state machine driven by the host's connect/send callbacks and
 * rkv_node_tick(): connect, PING, AUTH, REPLCONF, PSYNC, the RDB of a full
 * sync loaded atomically, then the master's stream applied through the
 * command pipeline. docs/replication.md ("Replica side") describes it. */
#ifndef RKV_REPLICA_H
#define RKV_REPLICA_H

#include <stdbool.h>
#include <stddef.h>

#include "resp.h"

typedef struct rkv_node rkv_node;
typedef struct rkv_conn rkv_conn;

/* The link's states, in handshake order. */
enum rkv_replica_state {
	RKV_REPL_NONE = 0,   /* no master */
	RKV_REPL_CONNECT,    /* waiting to (re)connect */
	RKV_REPL_CONNECTING, /* the host is connecting */
	RKV_REPL_PING,	     /* PING sent */
	RKV_REPL_AUTH,	     /* AUTH, REPLCONFs sent: reading their replies */
	RKV_REPL_PORT,
	RKV_REPL_IP,
	RKV_REPL_CAPA,
	RKV_REPL_PSYNC,	   /* PSYNC sent */
	RKV_REPL_TRANSFER, /* receiving the RDB */
	RKV_REPL_CONNECTED /* streaming */
};

/* What INFO replication shows of a replica. */
typedef struct rkv_replica_status {
	const char *host;
	int port;
	bool link_up;
	long long last_io_s;	  /* -1 when no link */
	bool sync_in_progress;	  /* receiving the RDB */
	long long sync_total;	  /* its size (-1: EOF form, unknown) */
	long long sync_read;	  /* bytes of it read */
	long long sync_last_io_s; /* since the last of them */
	long long read_offset;	  /* slave_read_repl_offset */
	long long offset;	  /* slave_repl_offset */
	long long down_since_s;	  /* -1: never up */
} rkv_replica_status;

/* Fill *st; false when the node is not a replica. */
bool rkv_replica_get_status(rkv_node *node, rkv_replica_status *st);

/* A replica whose own link is not up refuses its sub-replicas' SYNC/PSYNC
 * ("-NOMASTERLINK Can't SYNC while not connected with my master"). */
bool rkv_replica_sync_refused(rkv_node *node);

/* READONLY: writes from clients must be refused (a replica with
 * replica-read-only yes). */
bool rkv_replica_deny_writes(rkv_node *node);

/* replica-serve-stale-data no and the link is down: commands without the
 * stale flag get MASTERDOWN. */
bool rkv_replica_stale(rkv_node *node);

/* Config `replicaof host port` (from the file: the link is opened by the
 * next tick) or `replicaof no one` (host NULL). Returns 0 or
 * RKV_ERR_NOMEM. */
int rkv_replica_config(rkv_node *node, const char *host, int port);

/* CONFIG GET replicaof: "host port" or "". */
void rkv_replica_config_text(rkv_node *node, char *buf, size_t len);

/* Free the replica state (node freed, after its connections). */
void rkv_replica_free(rkv_node *node);

/* Once per tick: connect / retry, timeouts, REPLCONF ACK every second. */
void rkv_replica_cron(rkv_node *node);

/* Run one command of the master's stream (raw[0..rawlen) are its bytes):
 * no reply goes back except REPLCONF GETACK's ACK; once applied (a MULTI's
 * commands at its EXEC), its bytes go on to rkv_repl_propagate_raw(). */
void rkv_replica_exec(rkv_conn *c, size_t argc, const rkv_slice *argv,
		      const char *raw, size_t rawlen);

/* len bytes of the stream were read on the master link. */
void rkv_replica_read(rkv_conn *c, size_t len);

/* The master sent bytes that are not RESP: drop the link. */
void rkv_replica_protocol_error(rkv_conn *c, const char *reason);

/* ROLE on a replica: ["slave", host, port, state, offset] as Redis 7.0
 * (state connect/connecting/handshake/sync/connected; offset -1 while the
 * link is down). Returns false (nothing written) on a master. */
bool rkv_replica_role_reply(rkv_conn *c);

/* Stop being a replica, as REPLICAOF NO ONE (without its log line):
 * the link is dropped, a new replication ID drawn (the old one stays
 * valid as the secondary ID) and sub-replicas are disconnected. Nothing
 * happens on a master. */
void rkv_replica_unset_master(rkv_node *node);

/* A master failing over (lib/failover.c) becomes a replica of the target
 * at once, with its own history as the cached master; its PSYNC carries
 * FAILOVER. Returns 0 or RKV_ERR_NOMEM. */
int rkv_replica_failover_to(rkv_node *node, const char *host, int port);

/* REPLICAOF / SLAVEOF. */
void rkv_cmd_replicaof(rkv_conn *c, size_t argc, const rkv_slice *argv);

/* cmd_server.c: Redis's getClientInfoString() of c, for log lines. */
void rkv_client_info_string(rkv_conn *c, char *out, size_t cap);

/* persist.c: a replica's RDB records its master's history (AUX repl-id,
 * repl-offset, repl-stream-db), so that a restarted replica continues
 * with a partial resync. */
struct rkv_rdb_aux;
void rkv_replica_fill_aux(rkv_node *node, struct rkv_rdb_aux *aux);

/* persist.c: an RDB was loaded (not a full sync's); a replica takes the
 * history it records (id "" when none) as its cached master. */
void rkv_replica_loaded(rkv_node *node, const char *id, long long offset,
			int stream_db);

#endif
