/* Private definitions of rkv_node and rkv_conn, shared by the modules that
 * serve connections (node.c: plumbing; commands.c: the command table). */
#ifndef RKV_NODE_H
#define RKV_NODE_H

#include <stdbool.h>
#include <stdint.h>

#include "alloc.h"
#include "buf.h"
#include "failover.h"
#include "keyspace.h"
#include "rand.h"
#include "repl.h"
#include "resp.h"
#include "rkv.h"

/* The Redis version rkv answers as (HELLO, INFO redis_version): the
 * protocol and behaviour it reproduces. */
#define RKV_REDIS_COMPAT_VERSION "7.0.15"

/* Redis's client-query-buffer-limit default: a client whose unparsed input
 * grows past this is disconnected. */
#define RKV_QUERY_BUFFER_LIMIT (1024LL * 1024 * 1024)

struct rkv_callbacks {
	rkv_send_cb send;
	rkv_connect_cb connect;
	rkv_close_cb close;
	rkv_log_cb log;
	rkv_event_cb event;
	rkv_clock_cb clock;
	rkv_keyspace_cb keyspace;
	rkv_config_rewrite_cb config_rewrite;
	rkv_info_cb info;
	rkv_save_cb save;
	rkv_rdb_open_cb rdb_open; /* RDB files (BGSAVE, save points) */
	rkv_write_cb rdb_write;
	rkv_rdb_close_cb rdb_close;
};

struct rkv_options {
	rkv_allocator alloc;
	uint64_t seed;
	long long proto_max_bulk_len;
	int databases;
	rkv_protected enable_debug;
	bool sentinel; /* rkv_options_set_sentinel() */
};

/* Settings the library acts on, changed by the options at creation and by
 * CONFIG SET (lib/config.c maps directive names onto them). */
struct rkv_settings {
	long long proto_max_bulk_len;
	long long query_buffer_limit; /* client-query-buffer-limit */
	int databases;
	rkv_protected enable_debug; /* enable-debug-command */
	char *requirepass;	    /* NULL: no password (node allocator) */
	size_t requirepass_len;
	long long maxclients;
	long long timeout_s; /* idle clients closed after this; 0: never */
	int hz;
	long long maxmemory;		  /* bytes; 0: no limit */
	long long slowlog_slower_than_us; /* -1: disabled */
	long long slowlog_max_len;
	long long latency_threshold_ms; /* latency-monitor-threshold */
};

/* Counters INFO stats reports. */
struct rkv_stats {
	long long commands;		/* total_commands_processed */
	long long connections;		/* total_connections_received */
	long long rejected_connections; /* maxclients refusals */
	long long net_input_bytes;	/* total_net_input_bytes */
	long long net_output_bytes;	/* total_net_output_bytes */
	long long error_replies;	/* total_error_replies */
	long long pubsub_messages;	/* messages delivered */
	long long client_qbuf_limit_disconnections;
	long long client_obuf_limit_disconnections;
};

/* A key some connection WATCHes: one per (db, key), listing its watchers. */
typedef struct rkv_watch rkv_watch;
typedef struct rkv_wkey {
	rkv_dict_node link; /* node->watched[db] */
	rkv_watch *watchers;
	size_t klen;
	char key[];
} rkv_wkey;

/* One connection watching one key: linked both from the key's watcher list
 * and from the connection's own list. */
struct rkv_watch {
	rkv_wkey *wk;
	rkv_conn *conn;
	int db;
	bool expired; /* the key was logically expired when WATCHed */
	rkv_watch *kprev, *knext; /* the key's watchers */
	rkv_watch *cnext;	  /* the connection's watches */
};

struct rkv_node {
	rkv_allocator host_alloc; /* the node struct itself */
	rkv_mem mem; /* everything else, counted (INFO used_memory) */
	struct rkv_callbacks cb;
	void *user_data;
	rkv_rand rng;
	rkv_keyspace ks;
	int64_t tick_ms;     /* last rkv_node_tick() time (monotonic) */
	int64_t cmd_time_ms; /* wall clock snapshot for the current batch */
	int64_t cmd_end_us;  /* when the last command ended (SLOWLOG timing) */
	uint64_t next_client_id;
	size_t nconns;
	long long dirty; /* writes since start (rdb_changes_since_last_save) */
	/* persist.c: LASTSAVE and INFO persistence. */
	int64_t lastsave_s; /* last successful save (Unix seconds) */
	long long rdb_saves;
	struct rkv_bgsave *bgsave;  /* the background save in progress */
	bool bgsave_scheduled;	    /* BGSAVE SCHEDULE / in EXEC: start soon */
	bool bgsave_failed;	    /* rdb_last_bgsave_status:err (MISCONF) */
	int64_t bgsave_try_s;	    /* last start (the 5 s retry delay) */
	long long bgsave_last_secs; /* rdb_last_bgsave_time_sec, -1: none */
	size_t bgsave_last_peak;    /* rdb_last_cow_size: snapshot memory */
	unsigned long long load_keys_loaded, load_keys_expired;
	long long propagated; /* commands through rkv_propagate() */
	struct rkv_settings set;
	struct rkv_stats stats;
	int64_t start_ms;  /* wall clock at creation (uptime) */
	rkv_conn *conns;   /* every live connection (CLIENT LIST) */
	rkv_conn *pending; /* connections with output to flush */
	rkv_dict *watched; /* per db: rkv_wkey by key */
	size_t nwatched;   /* watched keys, all dbs (0: skip the lookups) */
	size_t nmonitors;  /* connections in MONITOR mode */
	bool in_exec;	   /* running a transaction's queued commands */
	/* Running commands received from this node's master: rkv_propagate()
	 * emits nothing (the replica link feeds the master's bytes on
	 * verbatim with rkv_repl_propagate_raw()). */
	bool from_master;
	bool active_expire_off; /* DEBUG SET-ACTIVE-EXPIRE 0 */
	rkv_conn *host_conn;	/* the in-process API's connection (api.c) */
	char run_id[41];	/* INFO run_id: 40 hex chars from the seed */
	rkv_repl repl;		/* repl.c: IDs, offset, backlog */
	rkv_pause pause;	/* failover.c: CLIENT PAUSE, FAILOVER's pause */
	rkv_failover failover;	/* failover.c: FAILOVER's state */
	/* replica.c: the link to our master, NULL while a master. */
	struct rkv_mlink *mlink;
	/* Subsystem state, each owned by its own file. */
	struct rkv_pubsub *pubsub;     /* cmd_pubsub.c */
	struct rkv_server *server;     /* cmd_server.c: slowlog, latency */
	struct rkv_config *config;     /* config.c: directives kept as text */
	struct rkv_sentinel *sentinel; /* sentinel.c: NULL unless sentinel */
	/* Output buffer limits per client class (client-output-buffer-limit):
	 * 0 normal, 1 replica, 2 pubsub. 0 disables a limit. */
	struct {
		long long hard, soft, soft_seconds;
	} obuf_limit[3];
};

/* Connection flags. */
#define RKV_CONN_MULTI	    0x0001 /* in MULTI: commands are queued */
#define RKV_CONN_DIRTY_CAS  0x0002 /* a WATCHed key changed: EXEC fails */
#define RKV_CONN_DIRTY_EXEC 0x0004 /* a command was refused in MULTI */
#define RKV_CONN_MONITOR    0x0008 /* MONITOR: receives every command */
#define RKV_CONN_AUTHED	    0x0010 /* passed AUTH (or no password is set) */
#define RKV_CONN_NO_EVICT   0x0020 /* CLIENT NO-EVICT on */
#define RKV_CONN_PENDING    0x0040 /* on node->pending */
#define RKV_CONN_HOST	    0x0080 /* the in-process API's own connection */
#define RKV_CONN_REPLICA    0x0100 /* a replica of this node (c->replica) */
#define RKV_CONN_BLOCKED    0x0200 /* WAIT: no input processed until woken */
#define RKV_CONN_RESUME	    0x0400 /* woken: process its queued input */
#define RKV_CONN_OUTBOUND   0x1000 /* created by the node (connect callback) */
#define RKV_CONN_LINKUP	    0x2000 /* outbound: the host said it connected */
#define RKV_CONN_MASTER	    0x4000 /* our master's link, streaming (flags=M) */
/* Held by a client pause (with RKV_CONN_BLOCKED): its next command waits,
 * unparsed, in qbuf (failover.c). */
#define RKV_CONN_POSTPONED 0x8000

/* What an outbound connection's owner (replica.c) is told. */
typedef struct rkv_link_ops {
	/* The host established the connection. */
	void (*connected)(rkv_conn *c);
	/* Bytes received while the connection is not (yet) a master stream:
	 * returns how many were used (the rest, if the connection became
	 * RKV_CONN_MASTER meanwhile, runs through the command pipeline), or a
	 * negative value to drop the link. */
	long long (*recv)(rkv_conn *c, const char *data, size_t len);
	/* The connection is gone (closed or freed); called once. */
	void (*lost)(rkv_conn *c);
} rkv_link_ops;

/* A command queued by MULTI: its argv copied into one allocation. */
typedef struct rkv_queued {
	const struct rkv_command *cmd;
	size_t argc;
	rkv_slice *argv; /* argv[] then the argument bytes */
} rkv_queued;

struct rkv_conn {
	rkv_node *node;
	void *user_data;
	uint64_t id;
	int proto;    /* RESP version: 2 or 3 */
	int db;	      /* selected database */
	bool closing; /* close once the output is handed to send */
	bool closed;  /* the close callback has fired */
	rkv_req_parser parser;
	rkv_buf qbuf; /* input not yet parsed */
	rkv_buf obuf; /* output not yet accepted by send */
	char addr[64];
	char laddr[64]; /* local address (CLIENT LIST laddr=), may be "" */
	int fd;		/* the host's descriptor (CLIENT LIST fd=), or -1 */
	char name[64];
	unsigned flags;			   /* RKV_CONN_* */
	rkv_conn *prev, *next;		   /* node->conns */
	rkv_conn *next_pending;		   /* node->pending */
	int64_t ctime_ms;		   /* created (wall clock) */
	int64_t last_ms;		   /* last command (wall clock) */
	const struct rkv_command *lastcmd; /* CLIENT LIST cmd= */
	rkv_queued *mqueue;		   /* MULTI's queue */
	size_t mcount, mcap;
	rkv_watch *watches; /* keys this connection WATCHes */
	size_t nwatch;
	size_t nsub, npsub;	     /* channels and patterns subscribed */
	struct rkv_conn_pubsub *ps;  /* cmd_pubsub.c: this client's channels */
	int64_t obuf_soft_since_ms;  /* over the soft limit since; 0: not */
	struct rkv_replica *replica; /* repl.c: set by SYNC / PSYNC */
	long long woff; /* stream offset after its last write (WAIT) */
	/* WAIT in progress (RKV_CONN_BLOCKED): on node->repl.waiting. */
	long long wait_off, wait_num;
	int64_t wait_deadline_ms; /* 0: no timeout */
	rkv_conn *wait_next;
	rkv_conn *pause_next;	  /* held by a pause: node->pause's list */
	const rkv_link_ops *link; /* outbound: its owner; NULL once lost */
	char conn_err[128];	  /* outbound: rkv_conn_set_error() */
	void *link_data;	  /* outbound: its owner's state */
};

/* Create an outbound connection owned by ops and ask the host to open it
 * (connect callback). Returns the connection, or NULL with *rc set
 * (RKV_ERR_NOMEM, RKV_ERR_STATE: no connect callback, RKV_ERR_CALLBACK: the
 * callback refused; the connection is then already freed). */
rkv_conn *rkv_conn_new_outbound(rkv_node *node, const rkv_link_ops *ops,
				const char *host, int port, int *rc);

/* Hand c's queued output to the host now. */
int rkv_conn_flush(rkv_conn *c);

/* The in-process API's connection (node->host_conn, created by api.c):
 * flagged RKV_CONN_HOST and authenticated, but not on node->conns and not
 * counted in nconns (connected_clients, maxclients) nor in
 * stats.connections. rkv_conn_free() accepts it. NULL on OOM. */
rkv_conn *rkv_conn_new_host(rkv_node *node);

/* Log a formatted line through the host's log callback. */
void rkv_node_logf(rkv_node *node, rkv_log_level level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The host's wall-clock time in microseconds. */
int64_t rkv_node_now_us(rkv_node *node);

/* The allocator for everything a node owns. */
static inline const rkv_allocator *rkv_node_alloc(rkv_node *node)
{
	return &node->mem.counted;
}

/* Take the wall-clock snapshot commands of a batch see, as Redis's
 * commandTimeSnapshot(): one time per batch keeps a MULTI or a pipeline
 * consistent. */
void rkv_node_snapshot_time(rkv_node *node);

/* Execute one parsed request on a connection, appending the reply to
 * conn->obuf. */
void rkv_command_execute(rkv_conn *conn, size_t argc, const rkv_slice *argv);

/* Queue output on a connection other than the one being served (PUBLISH,
 * MONITOR): the node flushes it when the current call returns. */
void rkv_conn_mark_pending(rkv_conn *c);

/* Flush every connection marked pending. */
void rkv_node_flush_pending(rkv_node *node);

/* Wake a connection blocked (RKV_CONN_BLOCKED) by WAIT, its reply already
 * in its output: the input it received meanwhile is processed when the
 * node flushes its pending connections (not from inside this call). */
void rkv_conn_unblock(rkv_conn *c);

/* Close a connection from inside the library (CLIENT KILL, output limits):
 * no more input is processed, queued output is dropped, the host's close
 * callback fires. */
void rkv_conn_kill(rkv_conn *c);

/* A key of db was modified (written, deleted, expired): WATCHers of it
 * get their transaction failed, and the host's keyspace callback is told.
 * Every write command calls it for each key it changes, after the change,
 * as Redis's signalModifiedKey(). */
void rkv_signal_key(rkv_node *node, int db, const char *key, size_t klen);

/* A whole database is about to be emptied (db2 < 0) or exchanged with db2
 * (SWAPDB): watched keys present in either get their WATCHers failed.
 * db < 0: every database (FLUSHALL). Call before the change; the keyspace
 * callback is told afterwards with rkv_signal_db_done(). */
void rkv_signal_db(rkv_node *node, int db, int db2);
void rkv_signal_db_done(rkv_node *node, int db);

/* cmd_pubsub.c: PUBLISH from inside the library (sentinel events): the
 * receivers' output is flushed with the node's pending connections.
 * Returns the number of receivers. */
long long rkv_pubsub_publish(rkv_node *node, const char *ch, size_t clen,
			     const char *msg, size_t mlen);

/* Hooks the subsystems implement (each in its own file). */
void rkv_pubsub_conn_free(rkv_conn *c); /* drop c's subscriptions */
void rkv_pubsub_free(rkv_node *node);
void rkv_server_free(rkv_node *node);
void rkv_config_free(rkv_node *node);
/* MONITOR: feed a command about to run to every monitor. */
void rkv_monitor_feed(rkv_conn *c, size_t argc, const rkv_slice *argv);
/* SLOWLOG / LATENCY: a command took duration_us. */
void rkv_slowlog_push(rkv_conn *c, size_t argc, const rkv_slice *argv,
		      int64_t duration_us);
/* multi.c: drop c's queued transaction and watched keys (connection
 * freed, RESET, EXEC arity abort). */
void rkv_multi_conn_free(rkv_conn *c);

/* Enforce the output buffer limits of c's class after output was added;
 * kills c (and logs as Redis) when a limit is passed. Returns false if c
 * was killed. */
bool rkv_conn_check_obuf(rkv_conn *c);

/* The one hook every applied write goes through, with the command as it
 * must be replayed (db, argv). Replication consumes it. */
void rkv_propagate(rkv_node *node, int db, size_t argc, const rkv_slice *argv);

#endif
