/* Private definitions of rkv_node and rkv_conn, shared by the modules that
 * serve connections (node.c: plumbing; commands.c: the command table). */
#ifndef RKV_NODE_H
#define RKV_NODE_H

#include <stdbool.h>
#include <stdint.h>

#include "alloc.h"
#include "buf.h"
#include "keyspace.h"
#include "rand.h"
#include "resp.h"
#include "rkv.h"

/* The Redis version rkv answers as (HELLO, later INFO): the protocol and
 * behaviour it reproduces. */
#define RKV_REDIS_COMPAT_VERSION "7.0.0"

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
};

struct rkv_options {
	rkv_allocator alloc;
	uint64_t seed;
	long long proto_max_bulk_len;
	int databases;
	rkv_protected enable_debug;
};

struct rkv_node {
	rkv_allocator host_alloc; /* the node struct itself */
	rkv_mem mem; /* everything else, counted (INFO used_memory) */
	struct rkv_callbacks cb;
	void *user_data;
	rkv_rand rng;
	rkv_keyspace ks;
	long long proto_max_bulk_len;
	int64_t tick_ms;     /* last rkv_node_tick() time (monotonic) */
	int64_t cmd_time_ms; /* wall clock snapshot for the current batch */
	uint64_t next_client_id;
	size_t nconns;
	long long dirty; /* writes since start (rdb_changes_since_last_save) */
	rkv_protected enable_debug; /* enable-debug-command */
};

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
	char name[64];
};

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

/* The one hook every applied write goes through, with the command as it
 * must be replayed (db, argv). Replication consumes it. */
void rkv_propagate(rkv_node *node, int db, size_t argc, const rkv_slice *argv);

#endif
