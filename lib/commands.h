/* The command engine's shared pieces: the table row, and the helpers every
 * command family uses to read arguments and write Redis's replies. Each
 * family (connection, keys, strings, ...) lives in its own cmd_*.c file; the
 * table in commands.c lists them all. */
#ifndef RKV_COMMANDS_H
#define RKV_COMMANDS_H

#include <stdbool.h>
#include <stddef.h>

#include "node.h"

/* Command flags (a subset of Redis's, growing as needed). */
#define RKV_CMD_WRITE	  0x01	/* may modify the keyspace */
#define RKV_CMD_READONLY  0x02	/* reads the keyspace */
#define RKV_CMD_FAST	  0x04	/* O(1) or O(log N) */
#define RKV_CMD_NOAUTH	  0x08	/* allowed before AUTH (auth, hello, quit) */
#define RKV_CMD_PUBSUB	  0x10	/* allowed in RESP2 subscribed mode */
#define RKV_CMD_TXN	  0x20	/* runs in MULTI instead of being queued */
#define RKV_CMD_DENYOOM	  0x40	/* refused when over maxmemory */
#define RKV_CMD_ADMIN	  0x80	/* administrative: not shown to MONITOR */
#define RKV_CMD_NOMONITOR 0x100 /* never shown to MONITOR (AUTH, HELLO) */
#define RKV_CMD_LOADING	  0x200 /* allowed while loading (later) */
#define RKV_CMD_STALE	  0x400 /* allowed on a stale replica (later) */
#define RKV_CMD_NOMULTI	  0x800 /* refused inside MULTI (SYNC, PSYNC) */
/* Not a write, but may be replicated (PUBLISH): held by CLIENT PAUSE
 * WRITE, as Redis's CMD_MAY_REPLICATE. */
#define RKV_CMD_MAY_REPLICATE 0x1000

typedef void (*rkv_command_proc)(rkv_conn *c, size_t argc,
				 const rkv_slice *argv);

/* A subcommand of a container command (CLIENT LIST, CONFIG GET, ...), as
 * Redis 7.0 declares them: the pipeline checks its existence and arity
 * (counted from the container's name) before the command runs, so errors
 * are the same inside and outside MULTI. */
typedef struct rkv_subcommand {
	const char *name; /* lower case */
	int arity;
	unsigned flags;
} rkv_subcommand;

typedef struct rkv_command {
	const char *name; /* lower case */
	int arity; /* N: exactly N arguments; -N: at least N (name included) */
	unsigned flags;
	/* Key positions, as COMMAND INFO reports them: first, last (-1: the
	 * last argument) and step; 0, 0, 0 for no keys. */
	int first_key, last_key, key_step;
	rkv_command_proc proc;
	const rkv_subcommand *sub; /* sorted by name; NULL: no subcommands */
	size_t nsub;
} rkv_command;

/* The subcommand of cmd named name[0..len), case-insensitive, or NULL. */
const rkv_subcommand *rkv_subcommand_lookup(const rkv_command *cmd,
					    const char *name, size_t len);

/* "container|sub" as Redis's fullname, or the command's name (sub NULL),
 * into buf (at least 64 bytes). */
const char *rkv_command_fullname(const rkv_command *cmd,
				 const rkv_subcommand *sub, char *buf,
				 size_t cap);

/* The command named name[0..len), case-insensitive, or NULL. */
const rkv_command *rkv_command_lookup(const char *name, size_t len);

/* True if the table is sorted by name (a unit test checks it). */
bool rkv_command_table_sorted(void);

/* The command table itself (COMMAND, COMMAND COUNT, COMMAND INFO). */
const rkv_command *rkv_command_table(size_t *count);

/* Run a command whose checks passed (EXEC runs its queue through it):
 * the implementation, then statistics, SLOWLOG and MONITOR. */
void rkv_command_call(rkv_conn *c, const rkv_command *cmd, size_t argc,
		      const rkv_slice *argv);

/* MULTI's queue: append a copy of the command. Returns false on OOM. */
bool rkv_multi_queue(rkv_conn *c, const rkv_command *cmd, size_t argc,
		     const rkv_slice *argv);

/* The key `key` of the connection's db changed (rkv_signal_key()). */
static inline void rkv_modified(rkv_conn *c, const rkv_slice *key)
{
	rkv_signal_key(c->node, c->db, key->ptr, key->len);
}

static inline rkv_buf *rkv_out(rkv_conn *c)
{
	return &c->obuf;
}

static inline void rkv_reply_ok(rkv_conn *c)
{
	rkv_buf_append(&c->obuf, "+OK\r\n", 5);
}

static inline void rkv_reply_null(rkv_conn *c)
{
	rkv_resp_add_null(&c->obuf, c->proto);
}

static inline void rkv_reply_syntax_error(rkv_conn *c)
{
	rkv_resp_add_error(&c->obuf, "syntax error", 12);
}

/* The wall-clock time (ms) commands of this batch see. */
static inline int64_t rkv_cmd_now(const rkv_conn *c)
{
	return c->node->cmd_time_ms;
}

/* Whether an absolute expire time `when` (ms) makes a write delete its key
 * at once (Redis's checkAlreadyExpired): only on a master. A replica keeps
 * the key with its TTL until the master's DEL, or it would lack a key its
 * master and the other replicas still have. */
static inline bool rkv_already_expired(const rkv_conn *c, long long when)
{
	return when <= c->node->cmd_time_ms && !c->node->mlink;
}

/* True if a equals the lower-case word, ignoring ASCII case. */
bool rkv_arg_is(const rkv_slice *a, const char *lower);

/* Parse a as a long long; on failure reply "ERR value is not an integer or
 * out of range" and return false. */
bool rkv_arg_ll(rkv_conn *c, const rkv_slice *a, long long *v);

/* The arity error for cmd_name: "ERR wrong number of arguments for 'x'
 * command". */
void rkv_reply_arity(rkv_conn *c, const char *cmd_name);

/* The live entry for key in the connection's database (expiring it if its
 * time has passed), counted as an access. */
rkv_entry *rkv_lookup(rkv_conn *c, const rkv_slice *key);

/* "ERR out of memory": a write could not allocate; nothing changed. */
void rkv_reply_oom(rkv_conn *c);

/* "ERR invalid expire time in 'x' command". */
void rkv_reply_invalid_expire(rkv_conn *c, const char *cmd_name);

/* Reply with an entry's string value as a bulk string. */
void rkv_reply_entry(rkv_conn *c, const rkv_entry *e);

/* Command families. */
void rkv_cmd_ping(rkv_conn *, size_t, const rkv_slice *);
void rkv_cmd_echo(rkv_conn *, size_t, const rkv_slice *);
void rkv_cmd_quit(rkv_conn *, size_t, const rkv_slice *);
void rkv_cmd_hello(rkv_conn *, size_t, const rkv_slice *);
void rkv_cmd_time(rkv_conn *, size_t, const rkv_slice *);
void rkv_cmd_select(rkv_conn *, size_t, const rkv_slice *);

void rkv_cmd_dbsize(rkv_conn *, size_t, const rkv_slice *);
void rkv_cmd_flushdb(rkv_conn *, size_t, const rkv_slice *);
void rkv_cmd_flushall(rkv_conn *, size_t, const rkv_slice *);
void rkv_cmd_del(rkv_conn *, size_t, const rkv_slice *);
void rkv_cmd_exists(rkv_conn *, size_t, const rkv_slice *);
void rkv_cmd_type(rkv_conn *, size_t, const rkv_slice *);
void rkv_cmd_expire(rkv_conn *, size_t, const rkv_slice *);
void rkv_cmd_pexpire(rkv_conn *, size_t, const rkv_slice *);
void rkv_cmd_expireat(rkv_conn *, size_t, const rkv_slice *);
void rkv_cmd_pexpireat(rkv_conn *, size_t, const rkv_slice *);
void rkv_cmd_ttl(rkv_conn *, size_t, const rkv_slice *);
void rkv_cmd_pttl(rkv_conn *, size_t, const rkv_slice *);
void rkv_cmd_expiretime(rkv_conn *, size_t, const rkv_slice *);
void rkv_cmd_pexpiretime(rkv_conn *, size_t, const rkv_slice *);
void rkv_cmd_persist(rkv_conn *, size_t, const rkv_slice *);
void rkv_cmd_rename(rkv_conn *, size_t, const rkv_slice *);
void rkv_cmd_renamenx(rkv_conn *, size_t, const rkv_slice *);
void rkv_cmd_move(rkv_conn *, size_t, const rkv_slice *);
void rkv_cmd_copy(rkv_conn *, size_t, const rkv_slice *);
void rkv_cmd_swapdb(rkv_conn *, size_t, const rkv_slice *);
void rkv_cmd_touch(rkv_conn *, size_t, const rkv_slice *);
void rkv_cmd_randomkey(rkv_conn *, size_t, const rkv_slice *);
void rkv_cmd_keys(rkv_conn *, size_t, const rkv_slice *);
void rkv_cmd_scan(rkv_conn *, size_t, const rkv_slice *);

void rkv_cmd_get(rkv_conn *, size_t, const rkv_slice *);
void rkv_cmd_set(rkv_conn *, size_t, const rkv_slice *);
void rkv_cmd_setnx(rkv_conn *, size_t, const rkv_slice *);
void rkv_cmd_setex(rkv_conn *, size_t, const rkv_slice *);
void rkv_cmd_psetex(rkv_conn *, size_t, const rkv_slice *);
void rkv_cmd_getset(rkv_conn *, size_t, const rkv_slice *);
void rkv_cmd_getdel(rkv_conn *, size_t, const rkv_slice *);
void rkv_cmd_mget(rkv_conn *, size_t, const rkv_slice *);
void rkv_cmd_mset(rkv_conn *, size_t, const rkv_slice *);
void rkv_cmd_msetnx(rkv_conn *, size_t, const rkv_slice *);
void rkv_cmd_incr(rkv_conn *, size_t, const rkv_slice *);
void rkv_cmd_decr(rkv_conn *, size_t, const rkv_slice *);
void rkv_cmd_incrby(rkv_conn *, size_t, const rkv_slice *);
void rkv_cmd_decrby(rkv_conn *, size_t, const rkv_slice *);
void rkv_cmd_incrbyfloat(rkv_conn *, size_t, const rkv_slice *);
void rkv_cmd_append(rkv_conn *, size_t, const rkv_slice *);
void rkv_cmd_strlen(rkv_conn *, size_t, const rkv_slice *);
void rkv_cmd_getrange(rkv_conn *, size_t, const rkv_slice *);
void rkv_cmd_setrange(rkv_conn *, size_t, const rkv_slice *);
void rkv_cmd_getex(rkv_conn *, size_t, const rkv_slice *);
void rkv_cmd_object(rkv_conn *, size_t, const rkv_slice *);
/* OBJECT ENCODING's name for e ("int", "embstr" or "raw") and OBJECT
 * REFCOUNT's value (INT_MAX for a shared integer 0..9999, else 1), as
 * Redis 7.0 reports them (cmd_string.c; DEBUG OBJECT uses them too). */
const char *rkv_object_encoding(const rkv_entry *e);
int rkv_object_refcount(const rkv_entry *e);

void rkv_cmd_debug(rkv_conn *, size_t, const rkv_slice *);
/* persist.c */
void rkv_cmd_save(rkv_conn *, size_t, const rkv_slice *);
void rkv_cmd_lastsave(rkv_conn *, size_t, const rkv_slice *);
void rkv_cmd_bgsave(rkv_conn *, size_t, const rkv_slice *);
/* DEBUG RELOAD: save the keyspace in memory and load it back. Returns 0 or
 * an RKV_ERR_* code with the reason in err. */
int rkv_node_reload(rkv_node *node, char *err, size_t errlen);

/* persist.c. Once per tick: the save points, a scheduled BGSAVE and one
 * step of the one in progress (Redis's serverCron part). */
void rkv_persist_cron(rkv_node *node);

/* Stop the background save in progress, if any, discarding its file
 * (node freed, FLUSHALL). */
void rkv_bgsave_abort(rkv_node *node);

/* True when writes (and PING) must be refused with MISCONF: the last
 * background save failed, save points are set and
 * stop-writes-on-bgsave-error is yes (Redis's writeCommandsDeniedByDiskError).
 */
bool rkv_persist_deny_writes(rkv_node *node);

/* SHUTDOWN's save, for a node with RDB file callbacks (and no SAVE
 * callback): stop a BGSAVE, and save when SAVE was given or save points are
 * set, unless NOSAVE. Returns 1 when it saved, 0 when there was nothing to
 * do here (the host decides), -1 when the save failed and FORCE was not
 * given (logged: "Error trying to save the DB, can't exit."). */
int rkv_persist_shutdown(rkv_node *node, bool save, bool nosave, bool force);

/* FLUSHALL's persistence, as Redis 7.0's: stop the background save and,
 * when save points are set, save the (now empty) keyspace. */
void rkv_persist_flushall(rkv_node *node);
void rkv_cmd_lcs(rkv_conn *, size_t, const rkv_slice *);

void rkv_cmd_auth(rkv_conn *, size_t, const rkv_slice *);
void rkv_cmd_reset(rkv_conn *, size_t, const rkv_slice *);

/* multi.c */
void rkv_cmd_multi(rkv_conn *, size_t, const rkv_slice *);
void rkv_cmd_exec(rkv_conn *, size_t, const rkv_slice *);
void rkv_cmd_discard(rkv_conn *, size_t, const rkv_slice *);
void rkv_cmd_watch(rkv_conn *, size_t, const rkv_slice *);
void rkv_cmd_unwatch(rkv_conn *, size_t, const rkv_slice *);

/* cmd_pubsub.c */
void rkv_cmd_subscribe(rkv_conn *, size_t, const rkv_slice *);
void rkv_cmd_unsubscribe(rkv_conn *, size_t, const rkv_slice *);
void rkv_cmd_psubscribe(rkv_conn *, size_t, const rkv_slice *);
void rkv_cmd_punsubscribe(rkv_conn *, size_t, const rkv_slice *);
void rkv_cmd_publish(rkv_conn *, size_t, const rkv_slice *);
void rkv_cmd_pubsub(rkv_conn *, size_t, const rkv_slice *);
/* RESET: leave every channel and pattern without replying. */
void rkv_pubsub_unsubscribe_all(rkv_conn *c);
/* Channels and patterns with at least one subscriber (INFO). */
size_t rkv_pubsub_channel_count(const rkv_node *node);
size_t rkv_pubsub_pattern_count(const rkv_node *node);

/* cmd_server.c */
void rkv_cmd_info(rkv_conn *, size_t, const rkv_slice *);
void rkv_cmd_client(rkv_conn *, size_t, const rkv_slice *);
void rkv_cmd_command(rkv_conn *, size_t, const rkv_slice *);
void rkv_cmd_slowlog(rkv_conn *, size_t, const rkv_slice *);
void rkv_cmd_latency(rkv_conn *, size_t, const rkv_slice *);
void rkv_cmd_monitor(rkv_conn *, size_t, const rkv_slice *);
void rkv_cmd_shutdown(rkv_conn *, size_t, const rkv_slice *);

/* config.c */
void rkv_cmd_config(rkv_conn *, size_t, const rkv_slice *);

#endif
