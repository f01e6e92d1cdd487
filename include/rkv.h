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
	 * was given, else "nosave"; `conn` is the client). The library cannot
	 * exit: the host should stop serving and shut down as on SIGTERM
	 * (Redis logs "Redis is now ready to exit, bye bye..."). The client
	 * gets no reply; its connection is closed. Without an event callback
	 * SHUTDOWN fails with "ERR Errors trying to SHUTDOWN. Check logs.". */
	RKV_EVENT_SHUTDOWN = 2
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
 * (replica -> master links, sentinel -> instance links). Return 0 if the
 * attempt was started, or a negative value if it could not be. Used by the
 * replication and sentinel subsystems. */
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

/* The user_data the node was created with. */
RKV_API void *rkv_node_user_data(const rkv_node *node);

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

/* Record the peer address ("ip:port") shown in log lines and, later, CLIENT
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

#ifdef __cplusplus
}
#endif

#endif /* RKV_H */
