/*
 * rkv: an embeddable library for replicated in-memory key-value stores that
 * speak the Redis protocol.
 *
 * The library does no I/O. The host owns every socket, timer, clock and file
 * and drives rkv with bytes and time:
 *
 *   - it creates one rkv_node (a server: later a master, replica or sentinel)
 *     from an rkv_callbacks set and an rkv_options set;
 *   - for each accepted client it creates an rkv_conn and feeds the bytes it
 *     reads with rkv_conn_recv(); replies leave through the `send` callback,
 *     one call per batch of input;
 *   - it calls rkv_node_tick() periodically with its monotonic time.
 *
 * Conventions:
 *   - Every handle is opaque. Every name is prefixed `rkv_` / `RKV_`.
 *   - Functions that can fail return 0 (or a non-negative count) on success
 *     and a negative RKV_ERR_* code on failure; rkv_strerror() names a code.
 *     Each function's comment lists the codes it can return.
 *   - The library keeps no global mutable state: all state hangs off a node,
 *     so any number of nodes can live in one process and one thread.
 *   - The library is not thread-safe per node: call a node and its
 *     connections from one thread at a time. Different nodes are independent.
 *   - Callbacks receive the `user_data` the node was created with. Callbacks
 *     must not free the node or a connection they are called for; defer that
 *     until the rkv call that invoked them has returned.
 *
 * ABI: callbacks and options are opaque objects with one setter per field, as
 * in nghttp2, so new callbacks and options never break existing binaries.
 * Structs the library hands to the host (rkv_event) start with a `size` field
 * and only ever grow at the end.
 */
#ifndef RKV_H
#define RKV_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(RKV_BUILDING_LIBRARY) && defined(__GNUC__)
#define RKV_API __attribute__((visibility("default")))
#else
#define RKV_API
#endif

/* ------------------------------------------------------------------------ */
/* Version                                                                  */
/* ------------------------------------------------------------------------ */

/* Version of the header the host was compiled against. */
#define RKV_VERSION_MAJOR  0
#define RKV_VERSION_MINOR  1
#define RKV_VERSION_PATCH  0
#define RKV_VERSION_STRING "0.1.0"
/* MAJOR * 10000 + MINOR * 100 + PATCH, for compile-time comparisons. */
#define RKV_VERSION_NUMBER                                                     \
	(RKV_VERSION_MAJOR * 10000 + RKV_VERSION_MINOR * 100 +                 \
	 RKV_VERSION_PATCH)

/* Version string of the library actually linked ("0.1.0"). Never NULL; the
 * string is static. */
RKV_API const char *rkv_version(void);

/* Version number of the library actually linked, encoded as
 * RKV_VERSION_NUMBER is. Compare with RKV_VERSION_NUMBER to detect a header /
 * library mismatch. */
RKV_API int rkv_version_number(void);

/* ------------------------------------------------------------------------ */
/* Errors                                                                   */
/* ------------------------------------------------------------------------ */

/* Error codes. All are negative; 0 means success. */
typedef enum rkv_error {
	/* An allocation failed. The object stays valid and unchanged. */
	RKV_ERR_NOMEM = -1,
	/* An argument is invalid (NULL where an object is required, a value out
	 * of range, an unknown option). */
	RKV_ERR_INVALID = -2,
	/* The peer violated the protocol; the connection is being closed after
	 * the error reply is sent. */
	RKV_ERR_PROTO = -3,
	/* The connection is closed or closing: no more input is processed. The
	 * host should close its transport and call rkv_conn_free(). */
	RKV_ERR_CLOSED = -4,
	/* Returned by a `send` callback that could not accept any byte now; the
	 * library keeps the output queued until rkv_conn_writable(). */
	RKV_ERR_WOULDBLOCK = -5,
	/* A host callback reported a failure other than RKV_ERR_WOULDBLOCK. */
	RKV_ERR_CALLBACK = -6,
	/* The operation is not valid in the object's current state. */
	RKV_ERR_STATE = -7,
	/* A configured limit would be exceeded. */
	RKV_ERR_LIMIT = -8
} rkv_error;

/* A short English description of an RKV_ERR_* code ("out of memory").
 * Unknown codes give "unknown error". Never NULL; the string is static. */
RKV_API const char *rkv_strerror(int code);

/* ------------------------------------------------------------------------ */
/* Memory                                                                   */
/* ------------------------------------------------------------------------ */

/* Allocator hooks. Every byte librkv allocates for a node comes from the
 * node's allocator. The three functions follow malloc/realloc/free semantics
 * (realloc(NULL, n) allocates; free(NULL) does nothing) and receive
 * `user_data`. `usable_size`, optional, returns the bytes an allocation
 * really occupies (as malloc_usable_size), so memory figures (INFO
 * used_memory, maxmemory) count real bytes; without it the requested sizes
 * are counted. The library copies the struct; the functions must stay valid
 * for the life of every node using them. Initialise it with designated
 * initializers or zero it first: fields may be added at the end. */
typedef struct rkv_allocator {
	void *(*malloc)(size_t size, void *user_data);
	void *(*realloc)(void *ptr, size_t size, void *user_data);
	void (*free)(void *ptr, void *user_data);
	void *user_data;
	size_t (*usable_size)(void *ptr, void *user_data);
} rkv_allocator;

/* ------------------------------------------------------------------------ */
/* Handles                                                                  */
/* ------------------------------------------------------------------------ */

/* A server instance: keyspace, command engine and (later) replication and
 * failover state. */
typedef struct rkv_node rkv_node;

/* One connection of a node: an accepted client, or (later) an outbound link
 * the node asked the host to open. */
typedef struct rkv_conn rkv_conn;

/* The set of host callbacks a node is created with (opaque, see setters). */
typedef struct rkv_callbacks rkv_callbacks;

/* The set of options a node is created with (opaque, see setters). */
typedef struct rkv_options rkv_options;

/* ------------------------------------------------------------------------ */
/* Callbacks                                                                */
/* ------------------------------------------------------------------------ */

/* Log levels, Redis's four verbosity levels. A host that prints Redis-style
 * log lines uses the marker in the comment after the pid/role/time. */
typedef enum rkv_log_level {
	RKV_LOG_DEBUG = 0,   /* '.' */
	RKV_LOG_VERBOSE = 1, /* '-' */
	RKV_LOG_NOTICE = 2,  /* '*' */
	RKV_LOG_WARNING = 3  /* '#' */
} rkv_log_level;

/* Kinds of structured events. The list grows as subsystems land; hosts must
 * ignore types they do not know. */
typedef enum rkv_event_type {
	/* A client sent bytes that violate RESP; the node replied with the
	 * error in `detail` and is closing the connection in `conn`. */
	RKV_EVENT_PROTOCOL_ERROR = 1,
	/* A client sent SHUTDOWN (name "shutdown"; detail "save" when SAVE
	 * was given, "nosave" when NOSAVE was, else "": the host saves if
	 * save points are configured; `conn` is the client). A node with RDB
	 * file callbacks (and no SAVE callback) has already saved by then
	 * (detail "nosave": nothing is left to save), or, when that save
	 * failed, refused the SHUTDOWN with Redis's error and sent no event. The library cannot
	 * exit: the host should stop serving and shut down as on SIGTERM
	 * (Redis logs "Redis is now ready to exit, bye bye..."). The client
	 * gets no reply; its connection is closed. Without an event callback
	 * SHUTDOWN fails with "ERR Errors trying to SHUTDOWN. Check logs.". */
	RKV_EVENT_SHUTDOWN = 2,
	/* Sentinel mode: one of Redis Sentinel's events. `name` is its type
	 * as Redis names it ("+sdown", "+odown", "+new-epoch",
	 * "+try-failover", "+vote-for-leader", "+elected-leader",
	 * "+failover-state-select-slave", "+selected-slave",
	 * "+failover-state-send-slaveof-noone",
	 * "+failover-state-wait-promotion", "+promoted-slave",
	 * "+failover-state-reconf-slaves", "+slave-reconf-sent",
	 * "+slave-reconf-inprog", "+slave-reconf-done", "+failover-end",
	 * "+switch-master", "+slave", "+convert-to-slave", "-sdown",
	 * "-odown", "+reboot", "+monitor", "+reset-master",
	 * "-failover-abort-no-good-slave", ...) and `detail` its message,
	 * exactly as Redis logs and PUBLISHes it on the channel named by the
	 * type ("master mymaster 127.0.0.1 6379", or for a replica
	 * "slave 127.0.0.1:6380 127.0.0.1 6380 @ mymaster 127.0.0.1 6379";
	 * "+switch-master": "mymaster <old ip> <old port> <new ip> <new
	 * port>"). The node has also logged "<name> <detail>" and published
	 * it to its subscribers. `conn` is NULL. */
	RKV_EVENT_SENTINEL = 3
} rkv_event_type;

/* A structured event. Valid only during the event callback. */
typedef struct rkv_event {
	/* sizeof(rkv_event) as the library was built; fields past what the
	 * host knows may exist. */
	size_t size;
	rkv_event_type type;
	/* Redis's name for the event where it has one ("+sdown"), else a short
	 * rkv name ("protocol-error"). NUL-terminated. */
	const char *name;
	/* Human-readable detail, NUL-terminated; may be "". */
	const char *detail;
	/* The connection concerned, or NULL. */
	rkv_conn *conn;
} rkv_event;

/* Send bytes on a connection. Return how many bytes of data[0..len) the
 * transport accepted (1..len), 0 or RKV_ERR_WOULDBLOCK if it accepted none
 * for now, or any other negative value if the connection failed (the node
 * then treats the connection as closed and calls the close callback). After
 * a short write the node calls send again with the rest, until everything is
 * accepted or send accepts nothing; bytes not accepted stay queued until the
 * host calls rkv_conn_writable() (a host waits for its socket to become
 * writable only after send accepted nothing). */
typedef int64_t (*rkv_send_cb)(rkv_node *node, rkv_conn *conn,
			       const uint8_t *data, size_t len,
			       void *user_data);

/* Ask the host to open an outbound TCP connection to host:port for `conn`
 * (replica -> master links, later sentinel -> instance links). The node
 * created `conn` (its conn_user_data is NULL: the host may attach its own
 * with rkv_conn_set_user_data() during this call). Return 0 if the attempt
 * was started, or a negative value if it could not be: the node then frees
 * `conn` itself, before this callback's caller returns, and the host must
 * not keep it.
 *
 * Once started, an outbound connection is the host's like an accepted one:
 *   - when the TCP connection is established, the host calls
 *     rkv_conn_connected(conn); the node then starts talking (send);
 *   - the host feeds what it reads with rkv_conn_recv() and calls
 *     rkv_conn_writable() as for any connection;
 *   - when the attempt fails or the connection breaks, the host may give
 *     the reason with rkv_conn_set_error() ("Connection refused") and then
 *     frees it with rkv_conn_free() (outside callbacks); the node logs the
 *     failure and retries later on its own (rkv_node_tick());
 *   - when the node is done with it (REPLICAOF NO ONE, a timeout, CLIENT
 *     KILL) the close callback fires, as for any connection; the host
 *     closes its socket and frees it with rkv_conn_free().
 * Without a connect callback REPLICAOF still records the master but no
 * link is ever opened. */
typedef int (*rkv_connect_cb)(rkv_node *node, rkv_conn *conn, const char *host,
			      int port, void *user_data);

/* Ask the host to close the transport of `conn`: the node is done with it
 * (QUIT, a protocol error, a send failure) and all output the node wanted to
 * deliver has been handed to `send`. The host closes its socket and later
 * calls rkv_conn_free(conn), outside of any rkv callback. Called at most once
 * per connection. */
typedef void (*rkv_close_cb)(rkv_node *node, rkv_conn *conn, void *user_data);

/* A log line, without prefix or newline, worded as Redis words it
 * (e.g. "Protocol error (invalid bulk length) from client: ..."). `msg` is
 * NUL-terminated and valid during the call only. */
typedef void (*rkv_log_cb)(rkv_node *node, rkv_log_level level, const char *msg,
			   void *user_data);

/* A structured event; see rkv_event. */
typedef void (*rkv_event_cb)(rkv_node *node, const rkv_event *event,
			     void *user_data);

/* The host's wall-clock time in microseconds since the Unix epoch. The node
 * reads it once per input batch and per tick (TTLs, TIME, SLOWLOG, INFO). A
 * simulator supplies virtual time here. Without it the node uses the last
 * now_ms given to rkv_node_tick() (as milliseconds since the epoch). */
typedef int64_t (*rkv_clock_cb)(rkv_node *node, void *user_data);

/* A write was applied to the keyspace: called after every change, with the
 * database and key changed (written, deleted, expired, renamed away or to).
 * key is NULL (klen 0) when a whole database changed at once (FLUSHDB,
 * SWAPDB) and db is -1 when every database did (FLUSHALL). The key bytes
 * are valid during the call only. An application embedding a replica uses
 * it to invalidate its own caches. The callback must not call back into the
 * node. */
typedef void (*rkv_keyspace_cb)(rkv_node *node, int db, const char *key,
				size_t klen, void *user_data);

/* CONFIG REWRITE: the host owns the configuration file. It reads the file,
 * passes its text to rkv_node_config_rewrite(), writes the result back
 * atomically (a temporary file renamed over the old one) and returns 0; on
 * failure it returns a negative value and writes the reason (as strerror()
 * words it: "Permission denied") into err[0..errlen), which the client sees
 * as "ERR Rewriting config file: <reason>". Without this callback CONFIG
 * REWRITE replies "ERR The server is running without a config file". The
 * callback may call rkv_node_config_rewrite() and rkv_node_config_get() on
 * the node, nothing else. */
typedef int (*rkv_config_rewrite_cb)(rkv_node *node, char *err, size_t errlen,
				     void *user_data);

/* INFO: the host's own facts (process_id, tcp_port, used_cpu_sys, ...).
 * rkv_info_writer collects "field:value" lines for one INFO section; it is
 * valid only during the info callback. */
typedef struct rkv_info_writer rkv_info_writer;

/* Called once per INFO section the reply includes, with Redis's lower-case
 * section name ("server", "clients", "memory", "persistence", "stats",
 * "replication", "cpu", "keyspace", ...). The host adds the fields it knows
 * with rkv_info_add(). A field Redis shows in that section is printed at
 * Redis's position in it (process_id after gcc_version, ...); other fields
 * are appended at the end of the section. A field the library also knows
 * is overridden by the host's value. The callback must not call back into
 * the node except rkv_info_add(). */
typedef void (*rkv_info_cb)(rkv_node *node, const char *section,
			    rkv_info_writer *w, void *user_data);

/* Add "field:value" to the section being written. Both strings are copied;
 * neither may contain CR or LF, and field may not contain ':'.
 * Returns 0, RKV_ERR_INVALID (NULL, empty field or a forbidden byte) or
 * RKV_ERR_NOMEM. */
RKV_API int rkv_info_add(rkv_info_writer *w, const char *field,
			 const char *value);

/* SAVE: the host owns the files. It writes the keyspace to a temporary
 * file with rkv_node_save(), flushes it to disk, renames it over its RDB
 * file and returns 0; on failure it returns a negative value and may write
 * a reason into err[0..errlen) (logged as "Failed saving the DB: <reason>";
 * the client sees "ERR", as Redis replies). Without this callback SAVE
 * replies "ERR". The callback may call rkv_node_save(),
 * rkv_node_config_get() and rkv_node_dirty() on the node, nothing else. */
typedef int (*rkv_save_cb)(rkv_node *node, char *err, size_t errlen,
			   void *user_data);

/* Set the SAVE callback (optional; see rkv_save_cb). */
RKV_API void rkv_callbacks_set_save(rkv_callbacks *cbs, rkv_save_cb cb);

/* Create an empty callbacks set in *out, allocated with malloc (it is a
 * short-lived construction object, copied by rkv_node_new()).
 * Returns 0, RKV_ERR_INVALID (out is NULL) or RKV_ERR_NOMEM. */
RKV_API int rkv_callbacks_new(rkv_callbacks **out);

/* Free a callbacks set. NULL is ignored. */
RKV_API void rkv_callbacks_free(rkv_callbacks *cbs);

/* Set the send callback (required for a node that serves connections). */
RKV_API void rkv_callbacks_set_send(rkv_callbacks *cbs, rkv_send_cb cb);

/* Set the connect callback (required for replicas and sentinels). */
RKV_API void rkv_callbacks_set_connect(rkv_callbacks *cbs, rkv_connect_cb cb);

/* Set the close callback. */
RKV_API void rkv_callbacks_set_close(rkv_callbacks *cbs, rkv_close_cb cb);

/* Set the log callback. Without it the node logs nothing. */
RKV_API void rkv_callbacks_set_log(rkv_callbacks *cbs, rkv_log_cb cb);

/* Set the event callback. */
RKV_API void rkv_callbacks_set_event(rkv_callbacks *cbs, rkv_event_cb cb);

/* Set the wall-clock callback. */
RKV_API void rkv_callbacks_set_clock(rkv_callbacks *cbs, rkv_clock_cb cb);

/* Set the keyspace-change callback (optional). */
RKV_API void rkv_callbacks_set_keyspace(rkv_callbacks *cbs, rkv_keyspace_cb cb);

/* Set the CONFIG REWRITE callback (optional; see rkv_config_rewrite_cb). */
RKV_API void rkv_callbacks_set_config_rewrite(rkv_callbacks *cbs,
					      rkv_config_rewrite_cb cb);

/* Set the INFO callback (optional): without it INFO shows only what the
 * library knows. */
RKV_API void rkv_callbacks_set_info(rkv_callbacks *cbs, rkv_info_cb cb);

/* ------------------------------------------------------------------------ */
/* Options                                                                  */
/* ------------------------------------------------------------------------ */

/* Create an options set with every option at its default, in *out
 * (allocated with malloc; copied by rkv_node_new()).
 * Returns 0, RKV_ERR_INVALID (out is NULL) or RKV_ERR_NOMEM. */
RKV_API int rkv_options_new(rkv_options **out);

/* Free an options set. NULL is ignored. */
RKV_API void rkv_options_free(rkv_options *opts);

/* Use `alloc` for all memory of nodes created with these options (the struct
 * is copied). Default: libc malloc/realloc/free.
 * Returns 0 or RKV_ERR_INVALID (a function pointer is NULL). */
RKV_API int rkv_options_set_allocator(rkv_options *opts,
				      const rkv_allocator *alloc);

/* Seed of the node's pseudo-random generator (run IDs, replication IDs,
 * sampling). The same seed and the same inputs give the same behaviour.
 * Default: 0. */
RKV_API void rkv_options_set_seed(rkv_options *opts, uint64_t seed);

/* Values of the options that protect dangerous commands, as Redis 7's
 * enable-debug-command: never, always, or from local connections only
 * (loopback peers, and connections without an address). */
typedef enum rkv_protected {
	RKV_PROTECTED_NO = 0,
	RKV_PROTECTED_YES = 1,
	RKV_PROTECTED_LOCAL = 2
} rkv_protected;

/* `enable-debug-command`: whether clients may run DEBUG. Default
 * RKV_PROTECTED_NO, as Redis 7. Returns 0 or RKV_ERR_INVALID. */
RKV_API int rkv_options_set_enable_debug_command(rkv_options *opts,
						 rkv_protected mode);

/* `databases`: how many numbered databases the node has (SELECT 0..n-1).
 * Default 16, as Redis. Returns 0 or RKV_ERR_INVALID (below 1 or above
 * 1000000). */
RKV_API int rkv_options_set_databases(rkv_options *opts, int count);

/* `proto-max-bulk-len`: the largest bulk string a client may send, in bytes.
 * Default 512 MB, as Redis. Returns 0 or RKV_ERR_INVALID (below 1 MB, as Redis
 * refuses). */
RKV_API int rkv_options_set_proto_max_bulk_len(rkv_options *opts,
					       long long bytes);

/* Sentinel mode, as redis-sentinel: the node monitors the masters named by
 * `sentinel monitor <name> <ip> <port> <quorum>` configuration lines
 * (rkv_node_config_set(node, "sentinel", ...), or SENTINEL MONITOR), their
 * replicas and the other sentinels, over outbound connections it asks the
 * host for (connect callback), and runs Redis Sentinel's failover. Only
 * Sentinel's commands exist (PING, INFO, ROLE, SENTINEL, SUBSCRIBE,
 * CLIENT, ...); the others are unknown commands, as in redis-sentinel.
 * Events come as RKV_EVENT_SENTINEL and log lines. docs/sentinel.md.
 * Default: off. Returns 0 or RKV_ERR_INVALID (opts NULL). */
RKV_API int rkv_options_set_sentinel(rkv_options *opts, int enabled);

/* ------------------------------------------------------------------------ */
/* Node                                                                     */
/* ------------------------------------------------------------------------ */

/* Create a node in *out. `cbs` and `opts` are copied (either may be freed
 * right after); `opts` may be NULL for the defaults. `user_data` is passed to
 * every callback.
 * Returns 0, RKV_ERR_INVALID (out or cbs NULL) or RKV_ERR_NOMEM. */
RKV_API int rkv_node_new(rkv_node **out, const rkv_callbacks *cbs,
			 const rkv_options *opts, void *user_data);

/* Free a node. Connections of the node still registered are freed with it
 * (their handles become invalid; no close callback fires), so a host should
 * normally free them first with rkv_conn_free(). NULL is ignored. */
RKV_API void rkv_node_free(rkv_node *node);

/* Advance the node's timers to `now_ms`, the host's monotonic time in
 * milliseconds (only differences matter). Call it about every 100 ms (Redis's
 * default hz 10); it does a bounded amount of work per call (expiry, timeouts,
 * replication and failover timers). Time going backwards is tolerated.
 * Returns 0. */
RKV_API int rkv_node_tick(rkv_node *node, int64_t now_ms);

/* 1 while the node is a replica (REPLICAOF host port, or the replicaof
 * directive), 0 while it is a master (or node is NULL). Hosts use it for
 * Redis's role letter in log lines ("S" / "M"). */
RKV_API int rkv_node_is_replica(const rkv_node *node);

/* 1 if the node runs in sentinel mode (rkv_options_set_sentinel()), else
 * 0 (also for NULL). Hosts use it for Redis's role letter "X". */
RKV_API int rkv_node_is_sentinel(const rkv_node *node);

/* The user_data the node was created with. */
RKV_API void *rkv_node_user_data(const rkv_node *node);

/* ------------------------------------------------------------------------ */
/* Configuration                                                            */
/* ------------------------------------------------------------------------ */

/* Every directive of Redis 7.0's redis.conf is known to the node (aliases
 * such as slave-read-only / replica-read-only included), with Redis's
 * types, units, defaults and error messages. Each belongs to a class: */
typedef enum rkv_config_class {
	/* The library acts on it (databases, requirepass, maxclients,
	 * timeout, hz, maxmemory, client-output-buffer-limit, ...). */
	RKV_CONFIG_APPLIED = 1,
	/* Stored as text by the library, acted on by the host (port, bind,
	 * protected-mode, daemonize, pidfile, logfile, loglevel, dir,
	 * tcp-keepalive, tcp-backlog, unixsocket, supervised, syslog-*). */
	RKV_CONFIG_HOST = 2,
	/* Not implemented, but any valid value asks for nothing rkv lacks
	 * (lazyfree-*, activerehashing, save points until RDB lands, ...):
	 * accepted, stored, and reported as RKV_CONFIG_UNSUPPORTED. */
	RKV_CONFIG_ACCEPTED = 3,
	/* Only the default value is accepted; any other asks for a feature
	 * rkv does not have (appendonly yes, cluster-enabled yes,
	 * notify-keyspace-events, tls-port, aclfile, min-replicas-to-write,
	 * maxmemory-clients). */
	RKV_CONFIG_REFUSED_VALUE = 4
} rkv_config_class;

/* rkv_node_config_set() succeeded, but rkv does not implement the
 * directive: `err` holds a one-line warning for the host to log. */
#define RKV_CONFIG_UNSUPPORTED 1

/* Flags reported by rkv_config_describe(). */
#define RKV_CONFIG_IMMUTABLE 0x1 /* CONFIG SET refuses it */
#define RKV_CONFIG_MULTI_ARG 0x2 /* takes several arguments (save, bind) */
#define RKV_CONFIG_HIDDEN    0x4 /* CONFIG GET patterns skip it */
#define RKV_CONFIG_ALIAS     0x8 /* the name asked about is an alias */

/* Set one directive as a configuration file line `name argv[0] ...
 * argv[argc-1]` sets it (the host calls it for each line of its file and
 * each --name value option, in order). Immutable directives are allowed
 * (databases only while the node has no connection and no key). A
 * multi-argument directive given one non-empty argument has it split on
 * spaces, as Redis does for "--save '900 1'"; successive `save` calls
 * accumulate points, the first replacing the default, as successive save
 * lines do. `include` is the host's business and is refused here.
 * The strings are only read during the call. `err` (may be NULL when
 * errlen is 0) receives a message worded as Redis words its config errors
 * ("argument must be 'yes' or 'no'", "Bad directive or wrong number of
 * arguments") or, for RKV_CONFIG_UNSUPPORTED, the warning.
 * Returns 0, RKV_CONFIG_UNSUPPORTED, RKV_ERR_INVALID (unknown directive,
 * bad value, refused value: nothing changed) or RKV_ERR_NOMEM. */
RKV_API int rkv_node_config_set(rkv_node *node, const char *name,
				const char *const *argv, size_t argc,
				char *err, size_t errlen);

/* The current value of a directive (or alias), as CONFIG GET prints it,
 * copied NUL-terminated into buf[0..len) (truncated if short; buf may be
 * NULL when len is 0). Returns the full length of the value (as snprintf)
 * or RKV_ERR_INVALID (unknown name). */
RKV_API int rkv_node_config_get(rkv_node *node, const char *name, char *buf,
				size_t len);

/* Iterate the directives: the canonical name of the index-th one (0, 1,
 * ...), NULL past the last. The strings are static. */
RKV_API const char *rkv_config_name(size_t index);

/* Describe a directive or alias: its canonical name, class, flags
 * (RKV_CONFIG_*) and default value (as CONFIG GET prints it). Any output
 * pointer may be NULL; strings are static.
 * Returns 0 or RKV_ERR_INVALID (unknown name). */
RKV_API int rkv_config_describe(const char *name, const char **canonical,
				rkv_config_class *cls, int *flags,
				const char **default_value);

/* Split one configuration line into arguments with Redis's quoting rules
 * (sdssplitargs: "double quotes" with \n \xHH escapes, 'single quotes',
 * blanks between arguments). *argv is an array of *argc NUL-terminated
 * strings allocated with malloc; release it with rkv_config_split_free().
 * A blank line gives *argc 0.
 * Returns 0, RKV_ERR_INVALID (unbalanced quotes: Redis's "Unbalanced quotes
 * in configuration line") or RKV_ERR_NOMEM. */
RKV_API int rkv_config_split(const char *line, size_t len, char ***argv,
			     size_t *argc);

/* Free what rkv_config_split() returned. NULL is ignored. */
RKV_API void rkv_config_split_free(char **argv, size_t argc);

/* CONFIG REWRITE's text transform, as Redis's rewriteConfig(): from the old
 * file's text old[0..oldlen) (may be NULL with oldlen 0), produce the new
 * text in *out (NUL-terminated, length in *outlen if outlen is not NULL).
 * Comments, blank lines and directives the node does not own (include,
 * rename-command...) are kept; each directive's lines are updated in place
 * with its current value (an alias line takes the canonical name); lines
 * of a directive that now has fewer values are blanked; directives whose
 * value differs from the default and that have no line yet are appended
 * under "# Generated by CONFIG REWRITE". Unknown directives are kept as
 * "# ??? <line>" comments. *out is allocated with the node's allocator:
 * free it with rkv_node_config_free_text().
 * Returns 0, RKV_ERR_INVALID or RKV_ERR_NOMEM. */
RKV_API int rkv_node_config_rewrite(rkv_node *node, const char *old,
				    size_t oldlen, char **out, size_t *outlen);

/* Free a text returned by rkv_node_config_rewrite(). NULL is ignored. */
RKV_API void rkv_node_config_free_text(rkv_node *node, char *text);

/* ------------------------------------------------------------------------ */
/* Connections                                                              */
/* ------------------------------------------------------------------------ */

/* Register a newly accepted client connection of `node` in *out.
 * `conn_user_data` is the host's per-connection pointer (its socket, say),
 * readable with rkv_conn_user_data(). When the node already has `maxclients`
 * connections it refuses this one as Redis does: "-ERR max number of clients
 * reached" is handed to `send` and the close callback fires before this
 * function returns (the host then frees *out as for any closed connection).
 * Returns 0, RKV_ERR_INVALID or RKV_ERR_NOMEM. */
RKV_API int rkv_conn_new(rkv_node *node, rkv_conn **out, void *conn_user_data);

/* Free a connection: the host's transport is gone. Pending output is
 * discarded. Must not be called from inside an rkv callback. NULL is ignored.
 */
RKV_API void rkv_conn_free(rkv_conn *conn);

/* Feed `len` bytes the host read from the connection. The node parses every
 * complete request in them (bytes of an incomplete request are kept until
 * more arrive), executes the commands and hands all replies of the batch to
 * the `send` callback in one call.
 * Returns 0; RKV_ERR_CLOSED if the connection is closed or closing (QUIT, a
 * protocol error: the error reply has been queued and the close callback
 * fires once it is sent); RKV_ERR_NOMEM if buffering failed (the connection is
 * then closed too); RKV_ERR_INVALID. */
RKV_API int rkv_conn_recv(rkv_conn *conn, const uint8_t *data, size_t len);

/* The transport can take more bytes: hand queued output to `send` again.
 * Returns 0, RKV_ERR_CLOSED (the connection is closed, or closing and now
 * drained: the close callback has fired), RKV_ERR_NOMEM (a reply could not
 * be buffered earlier: the connection is closed) or RKV_ERR_INVALID. */
RKV_API int rkv_conn_writable(rkv_conn *conn);

/* Bytes of output queued on the connection and not yet accepted by `send`. */
RKV_API size_t rkv_conn_pending_output(const rkv_conn *conn);

/* Record the peer address ("ip:port") shown in log lines and in CLIENT
 * LIST. The string is copied (at most 63 bytes are kept).
 * Returns 0 or RKV_ERR_INVALID. */
RKV_API int rkv_conn_set_addr(rkv_conn *conn, const char *addr);

/* Record the connection's local address ("ip:port", the listening side),
 * shown by CLIENT LIST / CLIENT INFO (laddr=) and matched by CLIENT KILL
 * LADDR. Optional: without it CLIENT LIST shows "laddr=". The string is
 * copied (at most 63 bytes are kept).
 * Returns 0 or RKV_ERR_INVALID (conn or laddr NULL). */
RKV_API int rkv_conn_set_laddr(rkv_conn *conn, const char *laddr);

/* Record the host's descriptor of the connection, shown by CLIENT LIST /
 * CLIENT INFO (fd=); informative only, the library never uses it.
 * Optional: without it CLIENT LIST shows "fd=-1".
 * Returns 0 or RKV_ERR_INVALID (conn NULL). */
RKV_API int rkv_conn_set_fd(rkv_conn *conn, int fd);

/* The conn_user_data given to rkv_conn_new(). */
RKV_API void *rkv_conn_user_data(const rkv_conn *conn);

/* Replace the host's per-connection pointer (rkv_conn_user_data()): for
 * outbound connections, which the node creates with NULL. Returns 0 or
 * RKV_ERR_INVALID (conn NULL). */
RKV_API int rkv_conn_set_user_data(rkv_conn *conn, void *conn_user_data);

/* The host established the outbound connection `conn` (see rkv_connect_cb):
 * the node starts its protocol on it (output goes to `send` before this
 * returns). Must not be called from inside an rkv callback.
 * Returns 0; RKV_ERR_INVALID (conn NULL, or not an outbound connection);
 * RKV_ERR_STATE (already connected); RKV_ERR_CLOSED (the node no longer
 * wants it: the close callback has fired). */
RKV_API int rkv_conn_connected(rkv_conn *conn);

/* Record why an outbound connection failed (the connect error, or why it
 * broke), as strerror() words it; the node logs it when the host frees the
 * connection ("Error condition on socket for SYNC: Connection refused").
 * The string is copied (at most 127 bytes). Optional.
 * Returns 0 or RKV_ERR_INVALID (conn or reason NULL). */
RKV_API int rkv_conn_set_error(rkv_conn *conn, const char *reason);

/* 1 if `conn` was created by the node (an outbound connection it asked the
 * host to open with the connect callback), 0 for an accepted one. */
RKV_API int rkv_conn_is_outbound(const rkv_conn *conn);

/* The node a connection belongs to. */
RKV_API rkv_node *rkv_conn_node(const rkv_conn *conn);

/* The connection's client ID (as CLIENT ID shows): unique per node, starting
 * at 1, never reused. */
RKV_API uint64_t rkv_conn_id(const rkv_conn *conn);

/* ------------------------------------------------------------------------ */
/* Pub/sub                                                                  */
/* ------------------------------------------------------------------------ */

/* Publish msg[0..mlen) on channel[0..clen) to the node's own subscribers, as
 * if a client had sent PUBLISH: clients SUBSCRIBEd to the channel get a
 * "message" and clients PSUBSCRIBEd to a matching pattern a "pmessage", each
 * in its own protocol (RESP2 array or RESP3 push), and their output is handed
 * to `send` before this returns. Both buffers are binary-safe, are only read
 * during the call and may be NULL when their length is 0. Unlike the PUBLISH
 * command, the message is not propagated to replicas. A subscriber over its
 * pubsub output buffer limit is closed (close callback) but still counted.
 * Must not be called from inside an rkv callback.
 * Returns the number of receivers (>= 0; a client subscribed through the
 * channel and a pattern, or through several patterns, counts once per
 * subscription, as Redis counts) or RKV_ERR_INVALID (node NULL, or a NULL
 * buffer with a non-zero length). */
RKV_API int rkv_node_publish(rkv_node *node, const char *channel, size_t clen,
			     const char *msg, size_t mlen);

/* ------------------------------------------------------------------------ */
/* In-process API                                                           */
/* ------------------------------------------------------------------------ */

/* A host that embeds rkv can use the node's keyspace directly, without RESP
 * bytes or a connection of its own:
 *
 *   - rkv_node_command() / rkv_node_command_resp() run any command as a
 *     client would, on the node's internal "host connection";
 *   - rkv_get(), rkv_set(), rkv_del(), rkv_exists() and rkv_scan() are typed
 *     fast paths for strings.
 *
 * Writes of both kinds are propagated (replication), fire the keyspace
 * callback and fail the transactions of clients WATCHing the keys, exactly
 * as the equivalent command from a client. Each call reads the host's clock
 * first (the clock callback, else the last rkv_node_tick() time), so TTLs
 * use the host's time.
 *
 * Databases: every function takes `db`, 0 .. databases-1 (a value outside is
 * RKV_ERR_INVALID). rkv_node_command() also accepts RKV_DB_SELECTED: the
 * database the host connection has selected (0 at first, then whatever its
 * last `db` argument or SELECT chose: the host connection keeps its
 * selection between calls, like a client).
 *
 * None of these may be called from inside an rkv callback (the keyspace
 * callback included). */

/* rkv_node_command()'s `db` for "the host connection's selected database". */
#define RKV_DB_SELECTED (-1)

/* Types of a parsed reply (RESP2 and RESP3). */
typedef enum rkv_reply_type {
	RKV_REPLY_STRING = 1, /* bulk string: str/len */
	RKV_REPLY_STATUS,     /* simple string ("OK"): str/len */
	RKV_REPLY_ERROR,      /* error, code included ("ERR ..."): str/len */
	RKV_REPLY_INTEGER,    /* integer */
	RKV_REPLY_DOUBLE,     /* RESP3 double: dval, and its text in str/len */
	RKV_REPLY_NIL,	      /* RESP2 null bulk / null array, RESP3 null */
	RKV_REPLY_BOOL,	      /* RESP3 boolean: integer is 0 or 1 */
	RKV_REPLY_ARRAY,      /* elements[0..count) */
	RKV_REPLY_MAP,	      /* elements: key, value, key, value ... */
	RKV_REPLY_SET,	      /* elements[0..count) */
	RKV_REPLY_PUSH,	      /* elements[0..count) */
	RKV_REPLY_VERBATIM,   /* str/len (after the "txt:" prefix), vtype */
	RKV_REPLY_BIGNUM      /* RESP3 big number: its digits in str/len */
} rkv_reply_type;

/* A parsed reply: a tree whose aggregates hold pointers to their elements.
 * The whole tree is owned by the caller until rkv_reply_free() of its root;
 * every pointer inside (elements, str) stays valid until then. Strings are
 * NUL-terminated (str[len] == 0) and may contain NUL bytes. RESP3 attributes
 * are dropped. Fields past `size` may be added in later versions; the tree
 * is built by the library only. */
typedef struct rkv_reply {
	size_t size; /* sizeof(rkv_reply) as the library was built */
	rkv_reply_type type;
	long long integer; /* INTEGER; BOOL: 0 or 1 */
	double dval;	   /* DOUBLE */
	/* STRING, STATUS, ERROR, DOUBLE, VERBATIM, BIGNUM; NULL otherwise */
	const char *str;
	size_t len;
	char vtype[4]; /* VERBATIM: the format ("txt", "mkd"), else "" */
	/* ARRAY, MAP (2 per pair), SET, PUSH; NULL and 0 otherwise */
	struct rkv_reply **elements;
	size_t count;
} rkv_reply;

/* Run one command on the node's host connection, as a client would: the
 * same command table, arity and unknown-command errors, MULTI/EXEC/WATCH
 * rules, maxmemory (OOM) rule, propagation and key-change signals. The
 * host connection is always authenticated (requirepass does not apply to
 * it) and is not a client: it is not counted in connected_clients or
 * maxclients, and CLIENT LIST / CLIENT KILL / timeouts do not see it, and
 * CLIENT PAUSE and FAILOVER's pause never hold its commands (the call is
 * synchronous; writes made while a FAILOVER waits delay it). It
 * speaks RESP2 until a HELLO 3 through it. SUBSCRIBE, PSUBSCRIBE and
 * SSUBSCRIBE are refused ("ERR 'subscribe' command is not allowed from the
 * in-process API"), and MONITOR answers an error: the host connection has
 * no way to receive pushed messages.
 *
 * argv[0..argc) are the command name and arguments, argvlen[i] the length
 * of argv[i] (the bytes need not be NUL-terminated; they are not kept after
 * the call), as hiredis's redisCommandArgv(). argvlen may be NULL when every
 * argument is a NUL-terminated string. db is a database index or
 * RKV_DB_SELECTED (see above); while a MULTI is open on the host connection,
 * db must be RKV_DB_SELECTED or the selected database (queued commands run
 * at EXEC in the database selected then).
 *
 * On success *out is the reply tree (an error reply is a success: type
 * RKV_REPLY_ERROR), to be freed with rkv_reply_free(). Its memory comes from
 * the node's allocator and counts in the node's used memory until freed.
 * Returns 0; RKV_ERR_INVALID (node, out or argv NULL, argc 0, bad db, or a
 * MULTI is open and db differs), RKV_ERR_NOMEM (the host connection, the
 * reply or the tree could not be allocated; *out is NULL. The command may
 * have run: only its reply is lost). */
RKV_API int rkv_node_command(rkv_node *node, int db, size_t argc,
			     const char *const *argv, const size_t *argvlen,
			     rkv_reply **out);

/* As rkv_node_command(), but the reply is handed over as the RESP bytes a
 * client would have received: *out (not NUL-terminated) of *outlen bytes,
 * owned by the caller until rkv_resp_free(). Returns the same codes. */
RKV_API int rkv_node_command_resp(rkv_node *node, int db, size_t argc,
				  const char *const *argv,
				  const size_t *argvlen, char **out,
				  size_t *outlen);

/* Free a reply tree returned by rkv_node_command(), given its root and the
 * node it came from (the node must still exist). NULL is ignored. */
RKV_API void rkv_reply_free(rkv_node *node, rkv_reply *reply);

/* Free RESP bytes returned by rkv_node_command_resp(), with the node they
 * came from (the node must still exist). NULL is ignored. */
RKV_API void rkv_resp_free(rkv_node *node, char *resp);

/* GET: copy the string value of key[0..klen) of db into buf[0..cap) and
 * store its full length in *vlen (may be NULL). When *vlen > cap only the
 * first cap bytes were copied: call again with a buffer of *vlen bytes
 * (buf may be NULL when cap is 0, to ask for the length). Integer-encoded
 * values are formatted ("42"). No NUL is added. Allocation-free.
 * The lookup is GET's: counted in keyspace_hits/keyspace_misses, and an
 * expired key is deleted (propagated as DEL, signalled) as by a client's
 * GET.
 * Returns 1 (found), 0 (no such key; *vlen = 0), RKV_ERR_INVALID (node or
 * key NULL, bad db, buf NULL with cap > 0) or RKV_ERR_STATE (the key holds a
 * value that is not a string: GET's WRONGTYPE). */
RKV_API int rkv_get(rkv_node *node, int db, const char *key, size_t klen,
		    char *buf, size_t cap, size_t *vlen);

/* SET key value [PX ttl_ms]: store a string value (copied) under key,
 * replacing any value of any type and, as SET does, dropping any TTL the
 * key had. ttl_ms > 0 gives it a TTL of ttl_ms milliseconds from the host's
 * current time; 0 means no TTL. Replicated as "SET key value" or
 * "SET key value PXAT <absolute ms>", as Redis 7.0 replicates SET.
 * Returns 0; RKV_ERR_INVALID (node NULL, key or val NULL with a non-zero
 * length, bad db, ttl_ms < 0 or too large); RKV_ERR_LIMIT (maxmemory is set
 * and the node's used memory exceeds it: the OOM rule of SET, nothing
 * changed; or the key or value is longer than 2^32 - 1 bytes);
 * RKV_ERR_NOMEM (nothing changed, except that when the TTL itself could not
 * be stored the key has been deleted, so that a key never outlives the TTL
 * asked for). */
RKV_API int rkv_set(rkv_node *node, int db, const char *key, size_t klen,
		    const char *val, size_t vlen, int64_t ttl_ms);

/* DEL key. Allocation-free. Returns 1 (deleted), 0 (no such key),
 * RKV_ERR_INVALID (node or key NULL, bad db). */
RKV_API int rkv_del(rkv_node *node, int db, const char *key, size_t klen);

/* EXISTS key. Allocation-free; a read lookup as rkv_get()'s. Returns 1, 0
 * or RKV_ERR_INVALID (node or key NULL, bad db). */
RKV_API int rkv_exists(rkv_node *node, int db, const char *key, size_t klen);

/* Called by rkv_scan() for each key; the key bytes are valid during the
 * call only. It must not call into the node. */
typedef void (*rkv_scan_cb)(rkv_node *node, int db, const char *key,
			    size_t klen, void *user_data);

/* One SCAN step over db: calls fn for the live keys of a few buckets of the
 * table (at least 10 keys when the database has them, as SCAN's default
 * COUNT) and returns the cursor to pass next; 0 when the scan is complete.
 * Start with cursor 0. The guarantees are SCAN's: a key present for the
 * whole scan is reported at least once (possibly more, if the table was
 * resized in between), whatever writes happen between calls. Keys whose
 * TTL has passed are skipped (not deleted). Allocation-free.
 * Returns the next cursor (>= 0) or RKV_ERR_INVALID (node or fn NULL, bad
 * db). */
RKV_API int64_t rkv_scan(rkv_node *node, int db, uint64_t cursor,
			 rkv_scan_cb fn, void *user_data);

/* ------------------------------------------------------------------------ */
/* Persistence                                                              */
/* ------------------------------------------------------------------------ */

/* The size of the chunks rkv_node_save() hands to its write callback: each
 * chunk is at most about this long (a single value longer than it comes in
 * one chunk of its own size). */
#define RKV_SAVE_CHUNK (64 * 1024)

/* Receives the next len bytes (len > 0) of an RDB file being produced. data
 * is valid during the call only. Returns 0 to go on, a negative value to
 * abort the save. The callback must not call into the node. */
typedef int (*rkv_write_cb)(const uint8_t *data, size_t len, void *ud);

/* Save the node's whole keyspace, synchronously, as an RDB version 10 file
 * (Redis 7.0's format, honouring the rdbcompression and rdbchecksum
 * directives), passed to cb in chunks of about RKV_SAVE_CHUNK bytes. ud is
 * passed to cb unchanged. On success the node's count of changes since the
 * last save (rdb_changes_since_last_save) restarts at 0 and its last save
 * time (LASTSAVE, rdb_last_save_time) becomes the host's current time.
 * The keyspace is not changed. May be called from the save callback.
 * Returns 0; RKV_ERR_INVALID (node or cb NULL); RKV_ERR_CALLBACK (cb
 * returned a negative value: the save stopped there); RKV_ERR_NOMEM. */
RKV_API int rkv_node_save(rkv_node *node, rkv_write_cb cb, void *ud);

/* RDB files the node writes itself: BGSAVE, the `save <seconds> <changes>`
 * points, SAVE and FLUSHALL's save when no SAVE callback is set, and
 * rkv_node_save_rdb(). The host owns the files, through three callbacks:
 *
 * open: start a new file (a temporary one: the real one must stay intact
 *   until close commits the new one); store the host's handle for it in
 *   *file. Returns 0, or a negative value with a reason in err[0..errlen)
 *   (the save then fails and logs it).
 * write: rkv_write_cb, called with the handle as ud: the next chunk (about
 *   RKV_SAVE_CHUNK bytes; BGSAVE hands them over while the node serves).
 * close: `how` is one of RKV_RDB_COMMIT, RKV_RDB_COMMIT_ASYNC and
 *   RKV_RDB_DISCARD, below. The node opens one file at a time, except that
 *   a file being committed asynchronously may still be pending.
 *
 * The callbacks must not call into the node. */
typedef int (*rkv_rdb_open_cb)(rkv_node *node, void **file, char *err,
			       size_t errlen, void *user_data);

/* The file is complete: flush it to disk and rename it over the RDB file
 * before returning; return 0, or a negative value with a reason in err. */
#define RKV_RDB_COMMIT 1
/* The same, for a background save: the host may instead start the flush and
 * rename elsewhere (a thread) and return RKV_RDB_PENDING; it then calls
 * rkv_node_rdb_committed() from its event loop when they are done. The
 * background save stays in progress until then. */
#define RKV_RDB_COMMIT_ASYNC 2
/* The save was abandoned (a write failed, out of memory, FLUSHALL, a newer
 * synchronous save, the node is being freed): discard the temporary file.
 * For a file whose asynchronous commit is pending, the host must first
 * finish or cancel that commit, so that an older file can never be renamed
 * over a newer one. The return value is ignored. */
#define RKV_RDB_DISCARD 0
/* close's return for RKV_RDB_COMMIT_ASYNC: the commit goes on. */
#define RKV_RDB_PENDING 1

/* See rkv_rdb_open_cb. */
typedef int (*rkv_rdb_close_cb)(rkv_node *node, void *file, int how,
				char *err, size_t errlen, void *user_data);

/* Set the RDB file callbacks (all three, or all NULL for none). Without them
 * BGSAVE replies an error and save points never fire. */
RKV_API void rkv_callbacks_set_rdb_file(rkv_callbacks *cbs,
					rkv_rdb_open_cb open,
					rkv_write_cb write,
					rkv_rdb_close_cb close);

/* Save the keyspace synchronously into a file of the RDB file callbacks
 * (open, write every chunk, close), as SAVE does without a SAVE callback.
 * A background save in progress is stopped first (this file supersedes
 * it). Logs "DB saved on disk" or the failure. Returns 0; RKV_ERR_INVALID (node
 * NULL); RKV_ERR_STATE (no RDB file callbacks); RKV_ERR_CALLBACK (a callback
 * failed; its reason is in err[0..errlen)); RKV_ERR_NOMEM. */
RKV_API int rkv_node_save_rdb(rkv_node *node, char *err, size_t errlen);

/* Start a background save, as BGSAVE does: the keyspace as it is now is
 * written, in slices, into a file of the RDB file callbacks while the node
 * keeps serving (no fork: writes to keys not yet written copy the old value
 * first). rkv_node_background() and rkv_node_tick() advance it. Logs
 * "Background saving started". Returns 0; RKV_ERR_INVALID (node NULL);
 * RKV_ERR_STATE (a background save is in progress, or no RDB file
 * callbacks); RKV_ERR_CALLBACK (open failed: reason in err);
 * RKV_ERR_NOMEM. */
RKV_API int rkv_node_bgsave(rkv_node *node, char *err, size_t errlen);

/* Work the background save and replicas' full syncs forward by about
 * `budget` keys, handing finished chunks to the write callback (a full
 * sync's to the replica's send, no more while ~1 MB is pending there);
 * when the file is complete, close it. It also hands the replication
 * stream written since the last call to the replicas (one send each for
 * all the writes of an event-loop iteration, as Redis before it sleeps;
 * without calls the tick does it), and checks whether a FAILOVER's
 * target has caught up. A host calls this from its event loop
 * between batches (each call's cost is bounded by budget: 1000 keys of
 * small strings take well under a millisecond). rkv_node_tick() also does
 * one step. While replicas are attached, the reply to a write waits for
 * this call and is sent after the stream that carries the write (so a
 * client never sees +OK for a write a crash of this node then loses before
 * any replica got it): a host with replicas calls it every event-loop
 * iteration, not only from its timer. Returns 1 while background work remains, 0 when there is none
 * (a pending asynchronous commit is not work for the node), RKV_ERR_INVALID
 * for a NULL node. */
RKV_API int rkv_node_background(rkv_node *node, size_t budget);

/* The host finished the asynchronous commit it accepted with
 * RKV_RDB_PENDING: ok non-zero when the file is on disk under its name,
 * else err (may be NULL) says why. The background save ends as it would
 * have with a synchronous commit (status, logs, LASTSAVE).
 * Returns 0; RKV_ERR_INVALID (node NULL); RKV_ERR_STATE (no commit was
 * pending). */
RKV_API int rkv_node_rdb_committed(rkv_node *node, int ok, const char *err);

/* 1 while a background save is in progress (its commit included), else
 * 0. */
RKV_API int rkv_node_bgsave_in_progress(const rkv_node *node);

/* Changes to the keyspace since the last successful save (or since the
 * node started): what `save <seconds> <changes>` points compare with.
 * Returns 0 for a NULL node. */
RKV_API long long rkv_node_dirty(rkv_node *node);

/* The time of the last successful save (or of the node's creation), in
 * Unix seconds, as LASTSAVE replies. Returns 0 for a NULL node. */
RKV_API int64_t rkv_node_lastsave(rkv_node *node);

/* A load in progress: RDB bytes are fed in chunks into a new keyspace that
 * replaces the node's only when the whole file was read successfully. */
typedef struct rkv_loader rkv_loader;

/* Start loading an RDB file (versions 1 to 10, as Redis 7.0 writes them)
 * into node. Keys whose expiry time has passed by the host's current time
 * are skipped, as a Redis master does. The node keeps serving its current
 * keyspace meanwhile. *out receives a loader allocated with the node's
 * allocator: free it with rkv_loader_free() before freeing the node; the
 * node's number of databases must not change while it lives. Returns 0,
 * RKV_ERR_INVALID (node or out NULL) or RKV_ERR_NOMEM. */
RKV_API int rkv_node_load_begin(rkv_node *node, rkv_loader **out);

/* Feed the next len bytes of the file (split anywhere; data is not kept
 * beyond the call). Returns 0 when more input is wanted, 1 when the file is
 * complete (bytes after its end are ignored), or an error: RKV_ERR_PROTO (a
 * corrupt or unsupported file, see rkv_loader_error()), RKV_ERR_NOMEM,
 * RKV_ERR_INVALID (loader NULL, or data NULL with len > 0). After an error
 * further feeds return it again. */
RKV_API int rkv_loader_feed(rkv_loader *loader, const void *data, size_t len);

/* The input ended: if the whole file was read without error, the node's
 * keyspace is replaced by the loaded one (the old one is freed). Clients
 * WATCHing a key present in the old or the new keyspace get their
 * transaction failed, and the keyspace callback is called once with db -1
 * and key NULL, as for FLUSHALL. On any error the node's keyspace is left
 * exactly as it was. Returns 0; RKV_ERR_PROTO (a corrupt or truncated file;
 * the text is in rkv_loader_error(), e.g. "Short read or OOM loading DB.
 * Unrecoverable error, aborting now."); RKV_ERR_NOMEM; RKV_ERR_STATE
 * (already ended, or the number of databases changed); RKV_ERR_INVALID
 * (loader NULL). */
RKV_API int rkv_loader_end(rkv_loader *loader);

/* Why the load failed, "" when it has not. Never NULL for a non-NULL
 * loader; valid until the loader is freed. */
RKV_API const char *rkv_loader_error(const rkv_loader *loader);

/* Keys loaded and keys skipped as expired so far. Either pointer may be
 * NULL. */
RKV_API void rkv_loader_stats(const rkv_loader *loader,
			      unsigned long long *loaded,
			      unsigned long long *expired);

/* Free a loader; a load not ended is abandoned (the node's keyspace is
 * unchanged). NULL is ignored. */
RKV_API void rkv_loader_free(rkv_loader *loader);

#ifdef __cplusplus
}
#endif

#endif /* RKV_H */
