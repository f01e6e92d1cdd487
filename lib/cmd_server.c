/* Server commands, as Redis 7.0: INFO, CLIENT, COMMAND, SLOWLOG, LATENCY,
 * MONITOR and SHUTDOWN, plus the hooks the pipeline calls after every
 * command (rkv_slowlog_push, rkv_monitor_feed).
 *
 * State that lives past one command (the slowlog, latency samples) hangs
 * off node->server, allocated on first use and freed by rkv_server_free().
 * Facts only the host knows (process id, port, CPU time, RSS, ...) come
 * from the host's INFO callback and are printed where Redis prints them.
 * See docs/server.md. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "replica.h"
#include "sentinel.h"
#include "config.h"
#include "persist.h"
#include "util.h"

/* ---------------------------------------------------------------------- */
/* State                                                                  */
/* ---------------------------------------------------------------------- */

#define SLOWLOG_ENTRY_MAX_ARGC	 32  /* Redis's SLOWLOG_ENTRY_MAX_ARGC */
#define SLOWLOG_ENTRY_MAX_STRING 128 /* Redis's SLOWLOG_ENTRY_MAX_STRING */
#define LATENCY_TS_LEN		 160 /* Redis's LATENCY_TS_LEN */

typedef struct slowlog_entry {
	struct slowlog_entry *next, *prev; /* newest first */
	long long id;
	long long time_s;
	long long duration_us;
	size_t argc;
	rkv_slice *argv; /* argv[] then the (trimmed) argument bytes */
	char addr[64];
	char name[64];
} slowlog_entry;

/* The latency events rkv records: Redis's "command" and "fast-command". */
enum { EV_COMMAND, EV_FAST_COMMAND, EV_COUNT };
static const char *const event_names[EV_COUNT] = {"command", "fast-command"};

typedef struct latency_series {
	bool used; /* has samples (RESET clears it) */
	int idx;   /* next slot */
	long long max;
	struct {
		long long time_s, latency_ms;
	} samples[LATENCY_TS_LEN];
} latency_series;

struct rkv_server {
	slowlog_entry *slow_head, *slow_tail;
	long long slow_len;
	long long slow_next_id;
	latency_series latency[EV_COUNT];
	size_t mem_peak; /* used_memory_peak */
};

static struct rkv_server *server_state(rkv_node *node)
{
	if (!node->server) {
		struct rkv_server *s =
		    rkv_malloc(rkv_node_alloc(node), sizeof(*s));

		if (!s)
			return NULL;
		memset(s, 0, sizeof(*s));
		node->server = s;
	}
	return node->server;
}

static void slowlog_entry_free(rkv_node *node, slowlog_entry *e)
{
	rkv_free(rkv_node_alloc(node), e->argv);
	rkv_free(rkv_node_alloc(node), e);
}

static void slowlog_reset(rkv_node *node)
{
	struct rkv_server *s = node->server;

	if (!s)
		return;
	while (s->slow_head) {
		slowlog_entry *e = s->slow_head;

		s->slow_head = e->next;
		slowlog_entry_free(node, e);
	}
	s->slow_tail = NULL;
	s->slow_len = 0;
}

void rkv_server_free(rkv_node *node)
{
	if (!node->server)
		return;
	slowlog_reset(node);
	rkv_free(rkv_node_alloc(node), node->server);
	node->server = NULL;
}

/* ---------------------------------------------------------------------- */
/* Shared helpers                                                         */
/* ---------------------------------------------------------------------- */

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static void add_bulk_str(rkv_conn *c, const char *s)
{
	rkv_resp_add_bulk(&c->obuf, s, strlen(s));
}

static void add_status_str(rkv_conn *c, const char *s)
{
	rkv_resp_add_status(&c->obuf, s, strlen(s));
}

/* The peer as Redis's getClientPeerId() shows it. */
static const char *peer_id(const rkv_conn *c)
{
	return c->addr[0] ? c->addr : "?:0";
}

/* Length of an argument as "%.128s" prints it (up to a NUL, at most 128). */
static int arg_print_len(const rkv_slice *a)
{
	const char *nul = memchr(a->ptr, '\0', a->len);
	size_t n = nul ? (size_t)(nul - a->ptr) : a->len;

	return (int)(n > 128 ? 128 : n);
}

/* Reply the text in out as a verbatim string ("txt"; a bulk in RESP2), or
 * an out-of-memory error if building it failed; frees out. */
static void reply_txt_free(rkv_conn *c, rkv_buf *out)
{
	if (out->oom)
		rkv_reply_oom(c);
	else
		rkv_resp_add_verbatim(&c->obuf, c->proto, "txt",
				      out->len ? rkv_buf_head(out) : "",
				      out->len);
	rkv_buf_free(out);
}

/* A reply of help lines, each a status, as Redis's addReplyHelp(). */
static void reply_help(rkv_conn *c, const char *container,
		       const char *const *lines)
{
	char head[96];
	size_t n = 0;

	while (lines[n])
		n++;
	rkv_resp_add_array(&c->obuf, (long long)n + 3);
	snprintf(head, sizeof(head),
		 "%s <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
		 container);
	add_status_str(c, head);
	for (size_t i = 0; i < n; i++)
		add_status_str(c, lines[i]);
	add_status_str(c, "HELP");
	add_status_str(c, "    Prints this help.");
}

/* A subcommand rkv implements: the handler the container dispatches to.
 * Existence and arity were checked by the pipeline against the command
 * table (rkv_subcommand); the arity is checked again here for callers that
 * bypass it. */
typedef struct sub_entry {
	const char *name;
	int arity;
	rkv_command_proc proc; /* NULL: reply the container's help lines */
} sub_entry;

/* Run the subcommand argv[1] of container (upper-case name) from subs; an
 * entry without a proc (HELP) replies the help lines. */
static void sub_dispatch(rkv_conn *c, const char *container,
			 const sub_entry *subs, size_t n,
			 const char *const *help, size_t argc,
			 const rkv_slice *argv)
{
	char lower[16];
	size_t j;

	for (j = 0; container[j] && j < sizeof(lower) - 1; j++)
		lower[j] = (char)(container[j] | 0x20);
	lower[j] = '\0';
	for (size_t i = 0; i < n; i++) {
		int ar = subs[i].arity;

		if (!rkv_arg_is(&argv[1], subs[i].name))
			continue;
		if ((ar > 0 && (size_t)ar != argc) ||
		    (ar < 0 && argc < (size_t)-ar)) {
			rkv_resp_add_errorf(
			    &c->obuf,
			    "wrong number of arguments for '%s|%s' command",
			    lower, subs[i].name);
			return;
		}
		if (subs[i].proc)
			subs[i].proc(c, argc, argv);
		else
			reply_help(c, container, help);
		return;
	}
	if (rkv_subcommand_lookup(rkv_command_lookup(lower, j), argv[1].ptr,
				  argv[1].len)) {
		/* Redis has it; rkv does not (CLIENT TRACKING, ...). */
		rkv_resp_add_errorf(&c->obuf,
				    "%s %.*s is not supported by rkv. Try %s "
				    "HELP.",
				    container, arg_print_len(&argv[1]),
				    argv[1].ptr, container);
		return;
	}
	rkv_resp_add_errorf(&c->obuf, "unknown subcommand '%.*s'. Try %s HELP.",
			    arg_print_len(&argv[1]), argv[1].ptr, container);
}

/* Count the words of a space-separated list. */
static size_t words_count(const char *s)
{
	size_t n = 0;

	while (*s) {
		while (*s == ' ')
			s++;
		if (!*s)
			break;
		n++;
		while (*s && *s != ' ')
			s++;
	}
	return n;
}

/* The next word of *s (advanced past it) in *len; NULL at the end. */
static const char *word_next(const char **s, size_t *len)
{
	const char *p = *s, *w;

	while (*p == ' ')
		p++;
	if (!*p)
		return NULL;
	w = p;
	while (*p && *p != ' ')
		p++;
	*len = (size_t)(p - w);
	*s = p;
	return w;
}

/* A set (RESP3) or array of status words from a space-separated list. */
static void add_word_set(rkv_conn *c, const char *words, bool status)
{
	const char *w;
	size_t len;

	rkv_resp_add_set(&c->obuf, c->proto, (long long)words_count(words));
	while ((w = word_next(&words, &len))) {
		if (status)
			rkv_resp_add_status(&c->obuf, w, len);
		else
			rkv_resp_add_bulk(&c->obuf, w, len);
	}
}

/* ---------------------------------------------------------------------- */
/* INFO                                                                   */
/* ---------------------------------------------------------------------- */

/* One field the host gave: offsets of "field\0value\0" in text. */
typedef struct info_field {
	size_t off;
	bool used;
} info_field;

struct rkv_info_writer {
	rkv_buf text;
	rkv_buf fields; /* info_field[] */
	bool oom;
};

int rkv_info_add(rkv_info_writer *w, const char *field, const char *value)
{
	info_field f;
	size_t fl, vl;

	if (!w || !field || !value || !*field || strpbrk(field, ":\r\n") ||
	    strpbrk(value, "\r\n"))
		return RKV_ERR_INVALID;
	fl = strlen(field) + 1;
	vl = strlen(value) + 1;
	f.off = w->text.len;
	f.used = false;
	rkv_buf_append(&w->text, field, fl);
	rkv_buf_append(&w->text, value, vl);
	rkv_buf_append(&w->fields, &f, sizeof(f));
	if (w->text.oom || w->fields.oom) {
		w->oom = true;
		return RKV_ERR_NOMEM;
	}
	return 0;
}

typedef struct info_ctx {
	rkv_conn *c;
	rkv_node *node;
	rkv_buf *out;
	rkv_info_writer w; /* the host's fields for the current section */
} info_ctx;

static info_field *host_fields(info_ctx *x, size_t *n)
{
	*n = x->w.fields.len / sizeof(info_field);
	if (*n == 0)
		return NULL; /* an empty buffer has no storage */
	return (info_field *)(void *)rkv_buf_head(&x->w.fields);
}

/* The host's value for name (marked used), or NULL. */
static const char *host_value(info_ctx *x, const char *name)
{
	size_t n;
	info_field *f = host_fields(x, &n);

	for (size_t i = 0; i < n; i++) {
		const char *fname = rkv_buf_head(&x->w.text) + f[i].off;

		if (strcmp(fname, name) == 0) {
			f[i].used = true;
			return fname + strlen(fname) + 1;
		}
	}
	return NULL;
}

static void info_line(info_ctx *x, const char *name, const char *value)
{
	rkv_buf_append(x->out, name, strlen(name));
	rkv_buf_append(x->out, ":", 1);
	rkv_buf_append(x->out, value, strlen(value));
	rkv_buf_append(x->out, "\r\n", 2);
}

/* A field the library knows; the host's value wins if it gave one. */
static __attribute__((format(printf, 3, 4))) void
kv(info_ctx *x, const char *name, const char *fmt, ...)
{
	const char *hv = host_value(x, name);
	char val[256];
	va_list ap;

	if (hv) {
		info_line(x, name, hv);
		return;
	}
	va_start(ap, fmt);
	vsnprintf(val, sizeof(val), fmt, ap);
	va_end(ap);
	info_line(x, name, val);
}

/* A field only the host knows: printed if it gave it. */
static void hostkv(info_ctx *x, const char *name)
{
	const char *hv = host_value(x, name);

	if (hv)
		info_line(x, name, hv);
}

/* Redis's bytesToHuman(). */
static void bytes_human(char *dst, size_t cap, unsigned long long n)
{
	double d = (double)n;

	if (n < 1024)
		snprintf(dst, cap, "%lluB", n);
	else if (n < 1024ULL * 1024)
		snprintf(dst, cap, "%.2fK", d / 1024);
	else if (n < 1024ULL * 1024 * 1024)
		snprintf(dst, cap, "%.2fM", d / (1024.0 * 1024));
	else if (n < 1024ULL * 1024 * 1024 * 1024)
		snprintf(dst, cap, "%.2fG", d / (1024.0 * 1024 * 1024));
	else if (n < 1024ULL * 1024 * 1024 * 1024 * 1024)
		snprintf(dst, cap, "%.2fT", d / (1024.0 * 1024 * 1024 * 1024));
	else if (n < 1024ULL * 1024 * 1024 * 1024 * 1024 * 1024)
		snprintf(dst, cap, "%.2fP",
			 d / (1024.0 * 1024 * 1024 * 1024 * 1024));
	else
		snprintf(dst, cap, "%lluB", n);
}

static void kv_human(info_ctx *x, const char *name, unsigned long long n)
{
	char h[32];

	bytes_human(h, sizeof(h), n);
	kv(x, name, "%s", h);
}

static void section_server(info_ctx *x)
{
	rkv_node *node = x->node;
	long long now = node->cmd_time_ms;
	long long up = (now - node->start_ms) / 1000;
	long long us = rkv_node_now_us(node);

	if (up < 0)
		up = 0;
	kv(x, "redis_version", "%s", RKV_REDIS_COMPAT_VERSION);
	kv(x, "rkv_version", "%s", RKV_VERSION_STRING);
	kv(x, "redis_git_sha1", "%s", "00000000");
	kv(x, "redis_git_dirty", "%d", 0);
	kv(x, "redis_build_id", "%s", "0");
	kv(x, "redis_mode", "%s", node->sentinel ? "sentinel" : "standalone");
	hostkv(x, "os");
	hostkv(x, "arch_bits");
	hostkv(x, "monotonic_clock");
	hostkv(x, "multiplexing_api");
	hostkv(x, "atomicvar_api");
	hostkv(x, "gcc_version");
	hostkv(x, "process_id");
	hostkv(x, "process_supervised");
	kv(x, "run_id", "%s", node->run_id);
	hostkv(x, "tcp_port");
	kv(x, "server_time_usec", "%lld", us);
	kv(x, "uptime_in_seconds", "%lld", up);
	kv(x, "uptime_in_days", "%lld", up / 86400);
	kv(x, "hz", "%d", node->set.hz);
	kv(x, "configured_hz", "%d", node->set.hz);
	/* Redis's LRU clock: seconds, 24 bits. */
	kv(x, "lru_clock", "%lld", (now / 1000) & ((1LL << 24) - 1));
	hostkv(x, "executable");
	hostkv(x, "config_file");
	kv(x, "io_threads_active", "%d", 0);
}

static void section_clients(info_ctx *x)
{
	rkv_node *node = x->node;
	size_t n = 0, maxin = 0, maxout = 0, blocked = 0;

	for (rkv_conn *c = node->conns; c; c = c->next) {
		if (c->flags & RKV_CONN_HOST)
			continue;
		n++;
		/* WAIT, and clients held by CLIENT PAUSE / FAILOVER. */
		blocked += (c->flags & RKV_CONN_BLOCKED) != 0;
		if (c->qbuf.len > maxin)
			maxin = c->qbuf.len;
		if (c->obuf.len > maxout)
			maxout = c->obuf.len;
	}
	kv(x, "connected_clients", "%zu", n);
	kv(x, "cluster_connections", "%d", 0);
	kv(x, "maxclients", "%lld", node->set.maxclients);
	kv(x, "client_recent_max_input_buffer", "%zu", maxin);
	kv(x, "client_recent_max_output_buffer", "%zu", maxout);
	kv(x, "blocked_clients", "%zu", blocked);
	kv(x, "tracking_clients", "%d", 0);
	kv(x, "clients_in_timeout_table", "%d", 0);
}

static void section_memory(info_ctx *x)
{
	rkv_node *node = x->node;
	struct rkv_server *s = node->server;
	unsigned long long used = node->mem.used;
	unsigned long long peak = s && s->mem_peak > used ? s->mem_peak : used;
	const char *rss = host_value(x, "used_memory_rss");
	long long maxmem = node->set.maxmemory;
	unsigned long long rssv = 0;

	if (s)
		s->mem_peak = peak;
	kv(x, "used_memory", "%llu", used);
	kv_human(x, "used_memory_human", used);
	if (rss) {
		long long v;

		if (rkv_string2ll(rss, strlen(rss), &v) && v > 0)
			rssv = (unsigned long long)v;
		info_line(x, "used_memory_rss", rss);
		kv_human(x, "used_memory_rss_human", rssv);
	}
	kv(x, "used_memory_peak", "%llu", peak);
	kv_human(x, "used_memory_peak_human", peak);
	kv(x, "used_memory_peak_perc", "%.2f%%",
	   peak ? 100.0 * (double)used / (double)peak : 100.0);
	hostkv(x, "total_system_memory");
	hostkv(x, "total_system_memory_human");
	kv(x, "maxmemory", "%lld", maxmem);
	kv_human(x, "maxmemory_human", (unsigned long long)maxmem);
	kv(x, "maxmemory_policy", "%s", "noeviction");
	if (rss && used)
		kv(x, "mem_fragmentation_ratio", "%.2f",
		   (double)rssv / (double)used);
	hostkv(x, "mem_allocator");
	kv(x, "lazyfree_pending_objects", "%d", 0);
	kv(x, "lazyfreed_objects", "%d", 0);
}

static void section_persistence(info_ctx *x)
{
	rkv_node *node = x->node;
	const struct rkv_bgsave *b = node->bgsave;
	/* Keys written so far (all of them once the commit is pending). */
	unsigned long long done = !b	    ? 0
				  : b->snap ? rkv_snapshot_keys(b->snap)
					    : b->keys_total;

	kv(x, "loading", "%d", 0);
	kv(x, "async_loading", "%d", 0);
	/* Without fork there is no copy-on-write: the cow fields report what
	 * takes its place, the memory the snapshots hold (old values copied
	 * before a change, the writer's buffers). */
	kv(x, "current_cow_peak", "%zu", b ? b->peak : 0);
	kv(x, "current_cow_size", "%zu", rkv_snapshot_memory_total(&node->ks));
	kv(x, "current_cow_size_age", "%d", 0);
	kv(x, "current_fork_perc", "%.2f",
	   b && b->keys_total ? 100.0 * (double)done / (double)b->keys_total
			      : 0.0);
	kv(x, "current_save_keys_processed", "%llu", done);
	kv(x, "current_save_keys_total", "%llu", b ? b->keys_total : 0);
	kv(x, "rdb_changes_since_last_save", "%lld", node->dirty);
	kv(x, "rdb_bgsave_in_progress", "%d", b != NULL);
	/* The start time until something is saved, as Redis. */
	kv(x, "rdb_last_save_time", "%lld", (long long)node->lastsave_s);
	kv(x, "rdb_last_bgsave_status", "%s",
	   node->bgsave_failed ? "err" : "ok");
	kv(x, "rdb_last_bgsave_time_sec", "%lld", node->bgsave_last_secs);
	kv(x, "rdb_current_bgsave_time_sec", "%lld",
	   b ? (long long)((rkv_node_now_us(node) - b->start_us) / 1000000)
	     : -1LL);
	kv(x, "rdb_saves", "%lld", node->rdb_saves);
	kv(x, "rdb_last_cow_size", "%zu", node->bgsave_last_peak);
	kv(x, "rdb_last_load_keys_expired", "%llu", node->load_keys_expired);
	kv(x, "rdb_last_load_keys_loaded", "%llu", node->load_keys_loaded);
	kv(x, "aof_enabled", "%d", 0);
	kv(x, "aof_rewrite_in_progress", "%d", 0);
	kv(x, "aof_rewrite_scheduled", "%d", 0);
	kv(x, "aof_last_rewrite_time_sec", "%d", -1);
	kv(x, "aof_current_rewrite_time_sec", "%d", -1);
	kv(x, "aof_last_bgrewrite_status", "%s", "ok");
	kv(x, "aof_rewrites", "%d", 0);
	kv(x, "aof_rewrites_consecutive_failures", "%d", 0);
	kv(x, "aof_last_write_status", "%s", "ok");
	kv(x, "aof_last_cow_size", "%d", 0);
	kv(x, "module_fork_in_progress", "%d", 0);
	kv(x, "module_fork_last_cow_size", "%d", 0);
}

static void section_stats(info_ctx *x)
{
	rkv_node *node = x->node;
	const struct rkv_stats *st = &node->stats;

	kv(x, "total_connections_received", "%lld", st->connections);
	kv(x, "total_commands_processed", "%lld", st->commands);
	kv(x, "instantaneous_ops_per_sec", "%d", 0);
	kv(x, "total_net_input_bytes", "%lld", st->net_input_bytes);
	kv(x, "total_net_output_bytes", "%lld", st->net_output_bytes);
	kv(x, "total_net_repl_input_bytes", "%d", 0);
	kv(x, "total_net_repl_output_bytes", "%d", 0);
	kv(x, "instantaneous_input_kbps", "%s", "0.00");
	kv(x, "instantaneous_output_kbps", "%s", "0.00");
	kv(x, "instantaneous_input_repl_kbps", "%s", "0.00");
	kv(x, "instantaneous_output_repl_kbps", "%s", "0.00");
	kv(x, "rejected_connections", "%lld", st->rejected_connections);
	kv(x, "sync_full", "%lld", x->node->repl.sync_full);
	kv(x, "sync_partial_ok", "%lld", x->node->repl.sync_partial_ok);
	kv(x, "sync_partial_err", "%lld", x->node->repl.sync_partial_err);
	kv(x, "expired_keys", "%lld", node->ks.expired_keys);
	kv(x, "expired_stale_perc", "%s", "0.00");
	kv(x, "expired_time_cap_reached_count", "%d", 0);
	kv(x, "expire_cycle_cpu_milliseconds", "%d", 0);
	kv(x, "evicted_keys", "%d", 0);
	kv(x, "evicted_clients", "%d", 0);
	kv(x, "total_eviction_exceeded_time", "%d", 0);
	kv(x, "current_eviction_exceeded_time", "%d", 0);
	kv(x, "keyspace_hits", "%lld", node->ks.hits);
	kv(x, "keyspace_misses", "%lld", node->ks.misses);
	kv(x, "pubsub_channels", "%zu", rkv_pubsub_channel_count(node));
	kv(x, "pubsub_patterns", "%zu", rkv_pubsub_pattern_count(node));
	kv(x, "pubsubshard_channels", "%d", 0);
	kv(x, "latest_fork_usec", "%d", 0);
	kv(x, "total_forks", "%d", 0);
	kv(x, "migrate_cached_sockets", "%d", 0);
	kv(x, "slave_expires_tracked_keys", "%d", 0);
	kv(x, "active_defrag_hits", "%d", 0);
	kv(x, "active_defrag_misses", "%d", 0);
	kv(x, "active_defrag_key_hits", "%d", 0);
	kv(x, "active_defrag_key_misses", "%d", 0);
	kv(x, "total_active_defrag_time", "%d", 0);
	kv(x, "current_active_defrag_time", "%d", 0);
	kv(x, "tracking_total_keys", "%d", 0);
	kv(x, "tracking_total_items", "%d", 0);
	kv(x, "tracking_total_prefixes", "%d", 0);
	kv(x, "unexpected_error_replies", "%d", 0);
	kv(x, "total_error_replies", "%lld", st->error_replies);
	kv(x, "dump_payload_sanitizations", "%d", 0);
	hostkv(x, "total_reads_processed");
	hostkv(x, "total_writes_processed");
	kv(x, "io_threaded_reads_processed", "%d", 0);
	kv(x, "io_threaded_writes_processed", "%d", 0);
}

static void section_replication(info_ctx *x)
{
	const rkv_repl *r = &x->node->repl;
	rkv_replica_status st;

	static const char *const states[] = {"wait_bgsave", "wait_bgsave",
					     "online"};
	int n = 0;

	if (rkv_replica_get_status(x->node, &st)) {
		kv(x, "role", "%s", "slave");
		kv(x, "master_host", "%s", st.host);
		kv(x, "master_port", "%d", st.port);
		kv(x, "master_link_status", "%s", st.link_up ? "up" : "down");
		kv(x, "master_last_io_seconds_ago", "%lld", st.last_io_s);
		kv(x, "master_sync_in_progress", "%d", st.sync_in_progress);
		kv(x, "slave_read_repl_offset", "%lld", st.read_offset);
		kv(x, "slave_repl_offset", "%lld", st.offset);
		if (st.sync_in_progress) {
			double perc = st.sync_total > 0
					  ? (double)st.sync_read * 100 /
						(double)st.sync_total
					  : 0;

			kv(x, "master_sync_total_bytes", "%lld", st.sync_total);
			kv(x, "master_sync_read_bytes", "%lld", st.sync_read);
			kv(x, "master_sync_left_bytes", "%lld",
			   st.sync_total - st.sync_read);
			kv(x, "master_sync_perc", "%.2f", perc);
			kv(x, "master_sync_last_io_seconds_ago", "%lld",
			   st.sync_last_io_s);
		}
		if (!st.link_up)
			kv(x, "master_link_down_since_seconds", "%lld",
			   st.down_since_s);
		kv(x, "slave_priority", "%lld",
		   rkv_config_ll(x->node, "replica-priority", 100));
		kv(x, "slave_read_only", "%d",
		   rkv_replica_deny_writes(x->node) ? 1 : 0);
		kv(x, "replica_announced", "%d",
		   rkv_config_yes(x->node, "replica-announced"));
	} else {
		kv(x, "role", "%s", "master");
	}
	for (const rkv_replica *s = r->replicas; s; s = s->next)
		n += !s->conn->closed;
	kv(x, "connected_slaves", "%d", n);
	if (r->min_to_write && r->min_max_lag) {
		rkv_repl_refresh_good(x->node);
		kv(x, "min_slaves_good_slaves", "%d", r->good_replicas);
	}
	n = 0;
	for (const rkv_replica *s = r->replicas; s; s = s->next) {
		char name[32];

		if (s->conn->closed)
			continue;
		snprintf(name, sizeof(name), "slave%d", n++);
		kv(x, name, "ip=%s,port=%d,state=%s,offset=%lld,lag=%lld",
		   s->ip, s->port, states[s->state], s->ack_off,
		   (long long)((x->node->cmd_time_ms - s->ack_ms) / 1000));
	}
	kv(x, "master_failover_state", "%s", rkv_failover_state_name(x->node));
	kv(x, "master_replid", "%s", r->replid);
	kv(x, "master_replid2", "%s", r->replid2);
	kv(x, "master_repl_offset", "%lld", r->offset);
	kv(x, "second_repl_offset", "%lld", r->second_offset);
	kv(x, "repl_backlog_active", "%d", r->backlog != NULL);
	kv(x, "repl_backlog_size", "%lld",
	   r->backlog ? r->backlog_size : rkv_repl_backlog_conf_size(x->node));
	kv(x, "repl_backlog_first_byte_offset", "%lld", r->first_byte);
	kv(x, "repl_backlog_histlen", "%lld", r->histlen);
}

static void section_cpu(info_ctx *x)
{
	hostkv(x, "used_cpu_sys");
	hostkv(x, "used_cpu_user");
	hostkv(x, "used_cpu_sys_children");
	hostkv(x, "used_cpu_user_children");
	hostkv(x, "used_cpu_sys_main_thread");
	hostkv(x, "used_cpu_user_main_thread");
}

static void section_empty(info_ctx *x)
{
	(void)x;
}

static void section_cluster(info_ctx *x)
{
	kv(x, "cluster_enabled", "%d", 0);
}

static void section_keyspace(info_ctx *x)
{
	rkv_keyspace *ks = &x->node->ks;

	for (int i = 0; i < ks->ndb; i++) {
		size_t keys = rkv_keyspace_size(ks, i);
		char name[32];

		if (!keys)
			continue;
		snprintf(name, sizeof(name), "db%d", i);
		kv(x, name, "keys=%zu,expires=%zu,avg_ttl=%lld", keys,
		   rkv_keyspace_expires(ks, i), ks->db[i].avg_ttl);
	}
}

static void section_sentinel(info_ctx *x)
{
	rkv_sentinel_info(x->node, x->out);
}

/* Redis 7.0's sections, in its order. */
static const struct info_section {
	const char *name, *title;
	void (*fn)(info_ctx *);
	bool dflt; /* in "default" (and so in "all") */
} info_sections[] = {
    {"server", "Server", section_server, true},
    {"clients", "Clients", section_clients, true},
    {"memory", "Memory", section_memory, true},
    {"persistence", "Persistence", section_persistence, true},
    {"stats", "Stats", section_stats, true},
    {"replication", "Replication", section_replication, true},
    {"cpu", "CPU", section_cpu, true},
    {"modules", "Modules", section_empty, true},
    {"cluster", "Cluster", section_cluster, true},
    {"keyspace", "Keyspace", section_keyspace, true},
    {"sentinel", "Sentinel", section_sentinel, true},
};

#define NSECTIONS (sizeof(info_sections) / sizeof(info_sections[0]))

/* A sentinel shows server, clients, stats, cpu and sentinel; other nodes
 * everything but sentinel (Redis's genRedisInfoString()). */
static bool section_in_mode(const rkv_node *node, void (*fn)(info_ctx *))
{
	if (!node->sentinel)
		return fn != section_sentinel;
	return fn == section_server || fn == section_clients ||
	       fn == section_stats || fn == section_cpu ||
	       fn == section_sentinel;
}

/* Write the sections wanted[] into out. */
static void info_render(rkv_conn *c, rkv_buf *out, const bool *wanted)
{
	rkv_node *node = c->node;
	info_ctx x = {c, node, out, {{0}, {0}, false}};
	int written = 0;

	rkv_buf_init(&x.w.text, rkv_node_alloc(node));
	rkv_buf_init(&x.w.fields, rkv_node_alloc(node));
	for (size_t i = 0; i < NSECTIONS; i++) {
		size_t n;
		info_field *f;

		if (!wanted[i] || !section_in_mode(node, info_sections[i].fn))
			continue;
		x.w.text.len = x.w.text.start = 0;
		x.w.fields.len = x.w.fields.start = 0;
		if (node->cb.info)
			node->cb.info(node, info_sections[i].name, &x.w,
				      node->user_data);
		if (written++)
			rkv_buf_append(out, "\r\n", 2);
		rkv_buf_append(out, "# ", 2);
		rkv_buf_append(out, info_sections[i].title,
			       strlen(info_sections[i].title));
		rkv_buf_append(out, "\r\n", 2);
		info_sections[i].fn(&x);
		/* The host's fields Redis has no place for: at the end. */
		f = host_fields(&x, &n);
		for (size_t j = 0; j < n; j++) {
			const char *name = rkv_buf_head(&x.w.text) + f[j].off;

			if (!f[j].used)
				info_line(&x, name, name + strlen(name) + 1);
		}
	}
	rkv_buf_free(&x.w.text);
	rkv_buf_free(&x.w.fields);
}

/* INFO [section ...] */
void rkv_cmd_info(rkv_conn *c, size_t argc, const rkv_slice *argv)
{
	bool wanted[NSECTIONS] = {false};
	rkv_buf out;

	if (argc == 1) {
		for (size_t i = 0; i < NSECTIONS; i++)
			wanted[i] = info_sections[i].dflt;
	}
	for (size_t a = 1; a < argc; a++) {
		bool all = rkv_arg_is(&argv[a], "all") ||
			   rkv_arg_is(&argv[a], "everything");
		bool dflt = rkv_arg_is(&argv[a], "default");

		for (size_t i = 0; i < NSECTIONS; i++) {
			if (all || (dflt && info_sections[i].dflt) ||
			    rkv_arg_is(&argv[a], info_sections[i].name))
				wanted[i] = true;
		}
		if (rkv_arg_is(&argv[a], "module_list"))
			wanted[7] = true;
	}
	rkv_buf_init(&out, rkv_node_alloc(c->node));
	info_render(c, &out, wanted);
	reply_txt_free(c, &out);
}

/* ---------------------------------------------------------------------- */
/* CLIENT                                                                 */
/* ---------------------------------------------------------------------- */

static const char *const client_help[] = {
    "GETNAME",
    "    Return the name of the current connection.",
    "ID",
    "    Return the ID of the current connection.",
    "INFO",
    "    Return information about the current client connection.",
    "KILL <ip:port>",
    "    Kill connection made from <ip:port>.",
    "KILL <option> <value> [<option> <value> [...]]",
    "    Kill connections. Options are:",
    "    * ADDR (<ip:port>|<unixsocket>:0)",
    "      Kill connections made from the specified address",
    "    * LADDR (<ip:port>|<unixsocket>:0)",
    "      Kill connections made to specified local address",
    "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
    "      Kill connections by type.",
    "    * USER <username>",
    "      Kill connections authenticated by <username>.",
    "    * SKIPME (YES|NO)",
    "      Skip killing current connection (default: yes).",
    "LIST [options ...]",
    "    Return information about client connections. Options:",
    "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
    "      Return clients of specified type.",
    "UNPAUSE",
    "    Stop the current client pause, resuming traffic.",
    "PAUSE <timeout> [WRITE|ALL]",
    "    Suspend all, or just write, clients for <timeout> milliseconds.",
    "REPLY (ON|OFF|SKIP)",
    "    Control the replies sent to the current connection.",
    "SETNAME <name>",
    "    Assign the name <name> to the current connection.",
    "NO-EVICT (ON|OFF)",
    "    Protect current client connection from eviction.",
    NULL};

/* Client types (CLIENT LIST TYPE, CLIENT KILL TYPE). */
enum { CT_NORMAL, CT_REPLICA, CT_PUBSUB, CT_MASTER };

/* Redis's getClientTypeByName(); -1 if unknown. */
static int client_type_by_name(const rkv_slice *a)
{
	if (rkv_arg_is(a, "normal"))
		return CT_NORMAL;
	if (rkv_arg_is(a, "slave") || rkv_arg_is(a, "replica"))
		return CT_REPLICA;
	if (rkv_arg_is(a, "pubsub"))
		return CT_PUBSUB;
	if (rkv_arg_is(a, "master"))
		return CT_MASTER;
	return -1;
}

/* Redis's getClientType(): monitors count as replicas. */
static int client_type(const rkv_conn *c)
{
	if (c->flags & RKV_CONN_MASTER)
		return CT_MASTER;
	if (c->flags & (RKV_CONN_MONITOR | RKV_CONN_REPLICA))
		return CT_REPLICA;
	if (c->nsub || c->npsub)
		return CT_PUBSUB;
	return CT_NORMAL;
}

/* A connection shown to CLIENT LIST / KILL: every one but the in-process
 * API's own. */
static bool client_visible(const rkv_conn *c)
{
	return !(c->flags & RKV_CONN_HOST) && !c->closed &&
	       (!(c->flags & RKV_CONN_OUTBOUND) ||
		(c->flags & RKV_CONN_MASTER));
}

/* Redis's getClientInfoString(), newline not included. */
static void client_info_line(rkv_conn *self, rkv_conn *c, const char *sub,
			     rkv_buf *out)
{
	int64_t now = self->node->cmd_time_ms;
	char flags[16], *p = flags, line[1024], cmd[64];
	size_t mmem = c->mcap * sizeof(rkv_queued);
	long long qfree =
	    (long long)(c->qbuf.cap - c->qbuf.start - c->qbuf.len);
	long long totmem;
	int n;

	if (c->flags & RKV_CONN_MASTER)
		*p++ = 'M';
	if (c->flags & RKV_CONN_MONITOR)
		*p++ = 'O';
	else if (c->flags & RKV_CONN_REPLICA)
		*p++ = 'S';
	if (c->nsub || c->npsub)
		*p++ = 'P';
	if (c->flags & RKV_CONN_MULTI)
		*p++ = 'x';
	if (c->flags & RKV_CONN_BLOCKED)
		*p++ = 'b';
	if (c->flags & RKV_CONN_DIRTY_CAS)
		*p++ = 'd';
	if (c->closing)
		*p++ = 'c';
	if (c->flags & RKV_CONN_NO_EVICT)
		*p++ = 'e';
	if (p == flags)
		*p++ = 'N';
	*p = '\0';
	for (size_t i = 0; i < c->mcount; i++)
		mmem += c->mqueue[i].argc * sizeof(rkv_slice);
	totmem = (long long)(sizeof(*c) + c->qbuf.cap + c->obuf.cap + mmem);
	if (!c->lastcmd)
		snprintf(cmd, sizeof(cmd), "NULL");
	else if (c == self && c->lastcmd->proc == rkv_cmd_client)
		/* Redis names the subcommand: the running one is known. */
		snprintf(cmd, sizeof(cmd), "client|%s", sub);
	else
		snprintf(cmd, sizeof(cmd), "%s", c->lastcmd->name);
	n = snprintf(
	    line, sizeof(line),
	    "id=%llu addr=%s laddr=%s fd=%d name=%s age=%lld idle=%lld "
	    "flags=%s db=%d sub=%zu psub=%zu ssub=0 multi=%lld qbuf=%zu "
	    "qbuf-free=%lld argv-mem=0 multi-mem=%zu rbs=%zu rbp=%zu obl=%zu "
	    "oll=0 omem=0 tot-mem=%lld events=%s cmd=%s user=default "
	    "redir=-1 resp=%d",
	    (unsigned long long)c->id, peer_id(c), c->laddr, c->fd, c->name,
	    (long long)(now - c->ctime_ms) / 1000,
	    (long long)(now - c->last_ms) / 1000, flags, c->db, c->nsub,
	    c->npsub, (c->flags & RKV_CONN_MULTI) ? (long long)c->mcount : -1LL,
	    c->qbuf.len, qfree, mmem, c->obuf.cap, c->obuf.cap, c->obuf.len,
	    totmem, c != self && c->obuf.len ? "rw" : "r", cmd, c->proto);
	if (n > 0)
		rkv_buf_append(out, line,
			       (size_t)n < sizeof(line) ? (size_t)n
							: sizeof(line) - 1);
}

void rkv_client_info_string(rkv_conn *c, char *out, size_t cap)
{
	rkv_buf b;

	rkv_buf_init(&b, rkv_node_alloc(c->node));
	client_info_line(c, c, "info", &b);
	snprintf(out, cap, "%.*s", (int)b.len, b.oom ? "" : rkv_buf_head(&b));
	rkv_buf_free(&b);
}

static void client_id(rkv_conn *c, size_t argc, const rkv_slice *argv)
{
	(void)argc;
	(void)argv;
	rkv_resp_add_integer(&c->obuf, (long long)c->id);
}

static bool valid_client_name(const rkv_slice *name)
{
	for (size_t i = 0; i < name->len; i++)
		if (name->ptr[i] < '!' || name->ptr[i] > '~')
			return false;
	return true;
}

static void client_setname(rkv_conn *c, size_t argc, const rkv_slice *argv)
{
	(void)argc;
	if (!valid_client_name(&argv[2])) {
		rkv_resp_add_errorf(&c->obuf,
				    "Client names cannot contain spaces, "
				    "newlines or special characters.");
		return;
	}
	if (argv[2].len >= sizeof(c->name)) {
		/* rkv keeps names in a fixed field. */
		rkv_resp_add_errorf(&c->obuf,
				    "Client names are limited to %zu bytes",
				    sizeof(c->name) - 1);
		return;
	}
	memcpy(c->name, argv[2].ptr, argv[2].len);
	c->name[argv[2].len] = '\0';
	rkv_reply_ok(c);
}

static void client_getname(rkv_conn *c, size_t argc, const rkv_slice *argv)
{
	(void)argc;
	(void)argv;
	if (c->name[0])
		add_bulk_str(c, c->name);
	else
		rkv_reply_null(c);
}

static void client_list(rkv_conn *c, size_t argc, const rkv_slice *argv)
{
	int type = -1;
	long long *ids = NULL;
	size_t nids = 0;
	rkv_buf out;

	if (argc == 4 && rkv_arg_is(&argv[2], "type")) {
		type = client_type_by_name(&argv[3]);
		if (type < 0) {
			rkv_resp_add_errorf(
			    &c->obuf, "Unknown client type '%.*s'",
			    arg_print_len(&argv[3]), argv[3].ptr);
			return;
		}
	} else if (argc > 3 && rkv_arg_is(&argv[2], "id")) {
		nids = argc - 3;
		ids = rkv_malloc(rkv_node_alloc(c->node), nids * sizeof(*ids));
		if (!ids) {
			rkv_reply_oom(c);
			return;
		}
		for (size_t i = 0; i < nids; i++) {
			if (!rkv_string2ll(argv[3 + i].ptr, argv[3 + i].len,
					   &ids[i])) {
				rkv_resp_add_errorf(&c->obuf,
						    "Invalid client ID");
				rkv_free(rkv_node_alloc(c->node), ids);
				return;
			}
		}
	} else if (argc != 2) {
		rkv_reply_syntax_error(c);
		return;
	}
	rkv_buf_init(&out, rkv_node_alloc(c->node));
	if (ids) {
		/* In the order given, as Redis. */
		for (size_t i = 0; i < nids; i++) {
			for (rkv_conn *o = c->node->conns; o; o = o->next) {
				if (client_visible(o) &&
				    o->id == (unsigned long long)ids[i]) {
					client_info_line(c, o, "list", &out);
					rkv_buf_append(&out, "\n", 1);
					break;
				}
			}
		}
	} else {
		/* Oldest first, as Redis's client list. */
		rkv_conn *o = c->node->conns;

		while (o && o->next)
			o = o->next;
		for (; o; o = o->prev) {
			if (!client_visible(o) ||
			    (type >= 0 && client_type(o) != type))
				continue;
			client_info_line(c, o, "list", &out);
			rkv_buf_append(&out, "\n", 1);
		}
	}
	reply_txt_free(c, &out);
	rkv_free(rkv_node_alloc(c->node), ids);
}

static void client_info(rkv_conn *c, size_t argc, const rkv_slice *argv)
{
	rkv_buf out;

	(void)argc;
	(void)argv;
	rkv_buf_init(&out, rkv_node_alloc(c->node));
	client_info_line(c, c, "info", &out);
	rkv_buf_append(&out, "\n", 1);
	reply_txt_free(c, &out);
}

/* Kill one client: another one now; the caller itself after its reply. */
static void client_kill_one(rkv_conn *self, rkv_conn *o)
{
	if (o == self)
		self->closing = true;
	else
		rkv_conn_kill(o);
}

static bool slice_eq_str(const rkv_slice *a, const char *s)
{
	size_t n = strlen(s);

	return a->len == n && memcmp(a->ptr, s, n) == 0;
}

static void client_kill(rkv_conn *c, size_t argc, const rkv_slice *argv)
{
	const rkv_slice *addr = NULL, *laddr = NULL, *user = NULL;
	long long id = 0, maxage = 0;
	int type = -1;
	bool skipme = true;
	long long killed = 0;
	rkv_conn *o, *next;

	if (argc == 3) {
		/* The old form: CLIENT KILL ip:port. */
		for (o = c->node->conns; o; o = o->next)
			if (client_visible(o) &&
			    slice_eq_str(&argv[2], peer_id(o)))
				break;
		if (!o) {
			rkv_resp_add_errorf(&c->obuf, "No such client");
			return;
		}
		rkv_reply_ok(c);
		client_kill_one(c, o);
		return;
	}
	for (size_t i = 2; i < argc; i += 2) {
		const rkv_slice *opt = &argv[i], *val;

		if (i + 1 >= argc) {
			rkv_reply_syntax_error(c);
			return;
		}
		val = &argv[i + 1];
		if (rkv_arg_is(opt, "id")) {
			if (!rkv_string2ll(val->ptr, val->len, &id) ||
			    id <= 0) {
				rkv_resp_add_errorf(&c->obuf,
						    "client-id should be "
						    "greater than 0");
				return;
			}
		} else if (rkv_arg_is(opt, "type")) {
			type = client_type_by_name(val);
			if (type < 0) {
				rkv_resp_add_errorf(
				    &c->obuf, "Unknown client type '%.*s'",
				    arg_print_len(val), val->ptr);
				return;
			}
		} else if (rkv_arg_is(opt, "addr")) {
			addr = val;
		} else if (rkv_arg_is(opt, "laddr")) {
			laddr = val;
		} else if (rkv_arg_is(opt, "user")) {
			if (!slice_eq_str(val, "default")) {
				rkv_resp_add_errorf(
				    &c->obuf, "No such user '%.*s'",
				    arg_print_len(val), val->ptr);
				return;
			}
			user = val;
		} else if (rkv_arg_is(opt, "skipme")) {
			if (rkv_arg_is(val, "yes")) {
				skipme = true;
			} else if (rkv_arg_is(val, "no")) {
				skipme = false;
			} else {
				rkv_reply_syntax_error(c);
				return;
			}
		} else if (rkv_arg_is(opt, "maxage")) {
			if (!rkv_string2ll(val->ptr, val->len, &maxage) ||
			    maxage <= 0) {
				/* Redis 7.0.15 answers a syntax error. */
				rkv_reply_syntax_error(c);
				return;
			}
		} else {
			rkv_reply_syntax_error(c);
			return;
		}
	}
	(void)user; /* every connection is the default user */
	for (o = c->node->conns; o; o = next) {
		next = o->next;
		if (!client_visible(o) || o->closing)
			continue;
		if (addr && !slice_eq_str(addr, peer_id(o)))
			continue;
		if (laddr && !slice_eq_str(laddr, o->laddr))
			continue;
		if (type >= 0 && client_type(o) != type)
			continue;
		if (id && o->id != (unsigned long long)id)
			continue;
		if (skipme && o == c)
			continue;
		if (maxage &&
		    (c->node->cmd_time_ms - o->ctime_ms) / 1000 < maxage)
			continue;
		client_kill_one(c, o);
		killed++;
	}
	rkv_resp_add_integer(&c->obuf, killed);
}

static void client_no_evict(rkv_conn *c, size_t argc, const rkv_slice *argv)
{
	(void)argc;
	if (rkv_arg_is(&argv[2], "on")) {
		c->flags |= RKV_CONN_NO_EVICT;
	} else if (rkv_arg_is(&argv[2], "off")) {
		c->flags &= ~(unsigned)RKV_CONN_NO_EVICT;
	} else {
		rkv_reply_syntax_error(c);
		return;
	}
	rkv_reply_ok(c);
}

static void client_reply(rkv_conn *c, size_t argc, const rkv_slice *argv)
{
	(void)argc;
	if (rkv_arg_is(&argv[2], "on")) {
		rkv_reply_ok(c);
	} else if (rkv_arg_is(&argv[2], "off") ||
		   rkv_arg_is(&argv[2], "skip")) {
		/* Suppressing replies needs pipeline support rkv lacks. */
		rkv_resp_add_errorf(&c->obuf,
				    "CLIENT REPLY OFF|SKIP is not supported");
	} else {
		rkv_reply_syntax_error(c);
	}
}

static const sub_entry client_subs[] = {
    {"id", 2, client_id},
    {"setname", 3, client_setname},
    {"getname", 2, client_getname},
    {"list", -2, client_list},
    {"info", 2, client_info},
    {"kill", -3, client_kill},
    {"no-evict", 3, client_no_evict},
    {"reply", 3, client_reply},
    {"pause", -3, rkv_client_pause},
    {"unpause", 2, rkv_client_unpause},
    {"help", 2, NULL},
};

void rkv_cmd_client(rkv_conn *c, size_t argc, const rkv_slice *argv)
{
	sub_dispatch(c, "CLIENT", client_subs, NELEM(client_subs), client_help,
		     argc, argv);
}

/* ---------------------------------------------------------------------- */
/* COMMAND                                                                */
/* ---------------------------------------------------------------------- */

/* Redis 7.0's metadata of each command of the table (generated from
 * COMMAND INFO / COMMAND DOCS of redis-server 7.0.15): docs, flags, ACL
 * categories, tips and key specs. A key spec is written
 * "flags;begin-search;find-keys", specs separated by '|':
 * "index N" / "keyword KW FROM" / "unknown", and "range LAST STEP LIMIT" /
 * "keynum IDX FIRST STEP" / "unknown", then ";notes" (may be empty).
 * Arity and key positions come from the command table itself. */
typedef struct cmd_meta {
	const char *name, *summary, *since, *group, *complexity;
	const char *flags, *acl, *tips, *specs;
} cmd_meta;

static const cmd_meta cmd_metas[] = {
    {"append", "Append a value to a key", "2.0.0", "string",
     "O(1). The amortized time complexity is O(1) assuming the appended value "
     "is small and the already present value is of any size, since the dynamic "
     "string library used by Redis will double the free space available on "
     "every reallocation.",
     "write denyoom fast", "@write @string @fast", "",
     "RW insert;index 1;range 0 1 0;"},
    {"auth", "Authenticate to the server", "1.0.0", "connection",
     "O(N) where N is the number of passwords defined for the user",
     "noscript loading stale fast no_auth allow_busy", "@fast @connection", "",
     ""},
    {"client", "A container for client connection commands", "2.4.0",
     "connection", "Depends on subcommand.", "", "@slow", "", ""},
    {"command", "Get array of Redis command details", "2.8.13", "server",
     "O(N) where N is the total number of Redis commands", "loading stale",
     "@slow @connection", "nondeterministic_output_order", ""},
    {"config", "A container for server configuration commands", "2.0.0",
     "server", "Depends on subcommand.", "", "@slow", "", ""},
    {"copy", "Copy a key", "6.2.0", "generic",
     "O(N) worst case for collections, where N is the number of nested items. "
     "O(1) for string values.",
     "write denyoom", "@keyspace @write @slow", "",
     "RO access;index 1;range 0 1 0;|OW update;index 2;range 0 1 0;"},
    {"dbsize", "Return the number of keys in the selected database", "1.0.0",
     "server", "O(1)", "readonly fast", "@keyspace @read @fast",
     "request_policy:all_shards response_policy:agg_sum", ""},
    {"debug", "A container for debugging commands", "1.0.0", "server",
     "Depends on subcommand.", "admin noscript loading stale",
     "@admin @slow @dangerous", "", ""},
    {"decr", "Decrement the integer value of a key by one", "1.0.0", "string",
     "O(1)", "write denyoom fast", "@write @string @fast", "",
     "RW access update;index 1;range 0 1 0;"},
    {"decrby", "Decrement the integer value of a key by the given number",
     "1.0.0", "string", "O(1)", "write denyoom fast", "@write @string @fast",
     "", "RW access update;index 1;range 0 1 0;"},
    {"del", "Delete a key", "1.0.0", "generic",
     "O(N) where N is the number of keys that will be removed. When a key to "
     "remove holds a value other than a string, the individual complexity for "
     "this key is O(M) where M is the number of elements in the list, set, "
     "sorted set or hash. Removing a single key that holds a string value is "
     "O(1).",
     "write", "@keyspace @write @slow",
     "request_policy:multi_shard response_policy:agg_sum",
     "RM delete;index 1;range -1 1 0;"},
    {"discard", "Discard all commands issued after MULTI", "2.0.0",
     "transactions", "O(N), when N is the number of queued commands",
     "noscript loading stale fast allow_busy", "@fast @transaction", "", ""},
    {"echo", "Echo the given string", "1.0.0", "connection", "O(1)",
     "loading stale fast", "@fast @connection", "", ""},
    {"exec", "Execute all commands issued after MULTI", "1.2.0", "transactions",
     "Depends on commands in the transaction",
     "noscript loading stale skip_slowlog", "@slow @transaction", "", ""},
    {"exists", "Determine if a key exists", "1.0.0", "generic",
     "O(N) where N is the number of keys to check.", "readonly fast",
     "@keyspace @read @fast",
     "request_policy:multi_shard response_policy:agg_sum",
     "RO;index 1;range -1 1 0;"},
    {"expire", "Set a key's time to live in seconds", "1.0.0", "generic",
     "O(1)", "write fast", "@keyspace @write @fast", "",
     "RW update;index 1;range 0 1 0;"},
    {"expireat", "Set the expiration for a key as a UNIX timestamp", "1.2.0",
     "generic", "O(1)", "write fast", "@keyspace @write @fast", "",
     "RW update;index 1;range 0 1 0;"},
    {"expiretime", "Get the expiration Unix timestamp for a key", "7.0.0",
     "generic", "O(1)", "readonly fast", "@keyspace @read @fast", "",
     "RO access;index 1;range 0 1 0;"},
    {"failover",
     "Start a coordinated failover between this server and one of its "
     "replicas.",
     "6.2.0", "server", "O(1)", "admin noscript stale",
     "@admin @slow @dangerous", "", ""},
    {"flushall", "Remove all keys from all databases", "1.0.0", "server",
     "O(N) where N is the total number of keys in all databases", "write",
     "@keyspace @write @slow @dangerous",
     "request_policy:all_shards response_policy:all_succeeded", ""},
    {"flushdb", "Remove all keys from the current database", "1.0.0", "server",
     "O(N) where N is the number of keys in the selected database", "write",
     "@keyspace @write @slow @dangerous",
     "request_policy:all_shards response_policy:all_succeeded", ""},
    {"get", "Get the value of a key", "1.0.0", "string", "O(1)",
     "readonly fast", "@read @string @fast", "",
     "RO access;index 1;range 0 1 0;"},
    {"getdel", "Get the value of a key and delete the key", "6.2.0", "string",
     "O(1)", "write fast", "@write @string @fast", "",
     "RW access delete;index 1;range 0 1 0;"},
    {"getex", "Get the value of a key and optionally set its expiration",
     "6.2.0", "string", "O(1)", "write fast", "@write @string @fast", "",
     "RW access update;index 1;range 0 1 0;RW and UPDATE because it changes "
     "the TTL"},
    {"getrange", "Get a substring of the string stored at a key", "2.4.0",
     "string",
     "O(N) where N is the length of the returned string. The complexity is "
     "ultimately determined by the returned length, but because creating a "
     "substring from an existing string is very cheap, it can be considered "
     "O(1) for small strings.",
     "readonly", "@read @string @slow", "", "RO access;index 1;range 0 1 0;"},
    {"getset", "Set the string value of a key and return its old value",
     "1.0.0", "string", "O(1)", "write denyoom fast", "@write @string @fast",
     "", "RW access update;index 1;range 0 1 0;"},
    {"hello", "Handshake with Redis", "6.0.0", "connection", "O(1)",
     "noscript loading stale fast no_auth allow_busy", "@fast @connection", "",
     ""},
    {"incr", "Increment the integer value of a key by one", "1.0.0", "string",
     "O(1)", "write denyoom fast", "@write @string @fast", "",
     "RW access update;index 1;range 0 1 0;"},
    {"incrby", "Increment the integer value of a key by the given amount",
     "1.0.0", "string", "O(1)", "write denyoom fast", "@write @string @fast",
     "", "RW access update;index 1;range 0 1 0;"},
    {"incrbyfloat", "Increment the float value of a key by the given amount",
     "2.6.0", "string", "O(1)", "write denyoom fast", "@write @string @fast",
     "", "RW access update;index 1;range 0 1 0;"},
    {"info", "Get information and statistics about the server", "1.0.0",
     "server", "O(1)", "loading stale", "@slow @dangerous",
     "nondeterministic_output request_policy:all_shards "
     "response_policy:special",
     ""},
    {"keys", "Find all keys matching the given pattern", "1.0.0", "generic",
     "O(N) with N being the number of keys in the database, under the "
     "assumption that the key names in the database and the given pattern have "
     "limited length.",
     "readonly", "@keyspace @read @slow @dangerous",
     "request_policy:all_shards nondeterministic_output_order", ""},
    {"latency", "A container for latency diagnostics commands", "2.8.13",
     "server", "Depends on subcommand.", "", "@slow", "", ""},
    {"lcs", "Find longest common substring", "7.0.0", "string",
     "O(N*M) where N and M are the lengths of s1 and s2, respectively",
     "readonly", "@read @string @slow", "", "RO access;index 1;range 1 1 0;"},
    {"mget", "Get the values of all the given keys", "1.0.0", "string",
     "O(N) where N is the number of keys to retrieve.", "readonly fast",
     "@read @string @fast", "request_policy:multi_shard",
     "RO access;index 1;range -1 1 0;"},
    {"monitor", "Listen for all requests received by the server in real time",
     "1.0.0", "server", "", "admin noscript loading stale",
     "@admin @slow @dangerous", "", ""},
    {"move", "Move a key to another database", "1.0.0", "generic", "O(1)",
     "write fast", "@keyspace @write @fast", "",
     "RW access update;index 1;range 0 1 0;"},
    {"mset", "Set multiple keys to multiple values", "1.0.1", "string",
     "O(N) where N is the number of keys to set.", "write denyoom",
     "@write @string @slow",
     "request_policy:multi_shard response_policy:all_succeeded",
     "OW update;index 1;range -1 2 0;"},
    {"msetnx",
     "Set multiple keys to multiple values, only if none of the keys exist",
     "1.0.1", "string", "O(N) where N is the number of keys to set.",
     "write denyoom", "@write @string @slow",
     "request_policy:multi_shard response_policy:agg_min",
     "OW insert;index 1;range -1 2 0;"},
    {"multi", "Mark the start of a transaction block", "1.2.0", "transactions",
     "O(1)", "noscript loading stale fast allow_busy", "@fast @transaction", "",
     ""},
    {"object", "A container for object introspection commands", "2.2.3",
     "generic", "Depends on subcommand.", "", "@slow", "", ""},
    {"persist", "Remove the expiration from a key", "2.2.0", "generic", "O(1)",
     "write fast", "@keyspace @write @fast", "",
     "RW update;index 1;range 0 1 0;"},
    {"pexpire", "Set a key's time to live in milliseconds", "2.6.0", "generic",
     "O(1)", "write fast", "@keyspace @write @fast", "",
     "RW update;index 1;range 0 1 0;"},
    {"pexpireat",
     "Set the expiration for a key as a UNIX timestamp specified in "
     "milliseconds",
     "2.6.0", "generic", "O(1)", "write fast", "@keyspace @write @fast", "",
     "RW update;index 1;range 0 1 0;"},
    {"pexpiretime",
     "Get the expiration Unix timestamp for a key in milliseconds", "7.0.0",
     "generic", "O(1)", "readonly fast", "@keyspace @read @fast", "",
     "RO access;index 1;range 0 1 0;"},
    {"ping", "Ping the server", "1.0.0", "connection", "O(1)", "fast",
     "@fast @connection",
     "request_policy:all_shards response_policy:all_succeeded", ""},
    {"psetex", "Set the value and expiration in milliseconds of a key", "2.6.0",
     "string", "O(1)", "write denyoom", "@write @string @slow", "",
     "OW update;index 1;range 0 1 0;"},
    {"psubscribe",
     "Listen for messages published to channels matching the given patterns",
     "2.0.0", "pubsub",
     "O(N) where N is the number of patterns the client is already subscribed "
     "to.",
     "pubsub noscript loading stale", "@pubsub @slow", "", ""},
    {"pttl", "Get the time to live for a key in milliseconds", "2.6.0",
     "generic", "O(1)", "readonly fast", "@keyspace @read @fast",
     "nondeterministic_output", "RO access;index 1;range 0 1 0;"},
    {"publish", "Post a message to a channel", "2.0.0", "pubsub",
     "O(N+M) where N is the number of clients subscribed to the receiving "
     "channel and M is the total number of subscribed patterns (by any "
     "client).",
     "pubsub loading stale fast", "@pubsub @fast", "", ""},
    {"pubsub", "A container for Pub/Sub commands", "2.8.0", "pubsub",
     "Depends on subcommand.", "", "@slow", "", ""},
    {"punsubscribe",
     "Stop listening for messages posted to channels matching the given "
     "patterns",
     "2.0.0", "pubsub",
     "O(N+M) where N is the number of patterns the client is already "
     "subscribed and M is the number of total patterns subscribed in the "
     "system (by any client).",
     "pubsub noscript loading stale", "@pubsub @slow", "", ""},
    {"quit", "Close the connection", "1.0.0", "connection", "O(1)",
     "noscript loading stale fast no_auth allow_busy", "@fast @connection", "",
     ""},
    {"randomkey", "Return a random key from the keyspace", "1.0.0", "generic",
     "O(1)", "readonly", "@keyspace @read @slow",
     "request_policy:all_shards nondeterministic_output", ""},
    {"rename", "Rename a key", "1.0.0", "generic", "O(1)", "write",
     "@keyspace @write @slow", "",
     "RW access delete;index 1;range 0 1 0;|OW update;index 2;range 0 1 0;"},
    {"renamenx", "Rename a key, only if the new key does not exist", "1.0.0",
     "generic", "O(1)", "write fast", "@keyspace @write @fast", "",
     "RW access delete;index 1;range 0 1 0;|OW insert;index 2;range 0 1 0;"},
    {"reset", "Reset the connection", "6.2.0", "connection", "O(1)",
     "noscript loading stale fast no_auth allow_busy", "@fast @connection", "",
     ""},
    {"scan", "Incrementally iterate the keys space", "2.8.0", "generic",
     "O(1) for every call. O(N) for a complete iteration, including enough "
     "command calls for the cursor to return back to 0. N is the number of "
     "elements inside the collection.",
     "readonly", "@keyspace @read @slow",
     "nondeterministic_output request_policy:special", ""},
    {"select", "Change the selected database for the current connection",
     "1.0.0", "connection", "O(1)", "loading stale fast", "@fast @connection",
     "", ""},
    {"set", "Set the string value of a key", "1.0.0", "string", "O(1)",
     "write denyoom", "@write @string @slow", "",
     "RW access update variable_flags;index 1;range 0 1 0;RW and ACCESS due to "
     "the optional `GET` argument"},
    {"setex", "Set the value and expiration of a key", "2.0.0", "string",
     "O(1)", "write denyoom", "@write @string @slow", "",
     "OW update;index 1;range 0 1 0;"},
    {"setnx", "Set the value of a key, only if the key does not exist", "1.0.0",
     "string", "O(1)", "write denyoom fast", "@write @string @fast", "",
     "OW insert;index 1;range 0 1 0;"},
    {"setrange",
     "Overwrite part of a string at key starting at the specified offset",
     "2.2.0", "string",
     "O(1), not counting the time taken to copy the new string in place. "
     "Usually, this string is very small so the amortized complexity is O(1). "
     "Otherwise, complexity is O(M) with M being the length of the value "
     "argument.",
     "write denyoom", "@write @string @slow", "",
     "RW update;index 1;range 0 1 0;"},
    {"shutdown",
     "Synchronously save the dataset to disk and then shut down the server",
     "1.0.0", "server",
     "O(N) when saving, where N is the total number of keys in all databases "
     "when saving data, otherwise O(1)",
     "admin noscript loading stale no_multi allow_busy",
     "@admin @slow @dangerous", "", ""},
    {"slowlog", "A container for slow log commands", "2.2.12", "server",
     "Depends on subcommand.", "", "@slow", "", ""},
    {"strlen", "Get the length of the value stored in a key", "2.2.0", "string",
     "O(1)", "readonly fast", "@read @string @fast", "",
     "RO;index 1;range 0 1 0;"},
    {"subscribe", "Listen for messages published to the given channels",
     "2.0.0", "pubsub",
     "O(N) where N is the number of channels to subscribe to.",
     "pubsub noscript loading stale", "@pubsub @slow", "", ""},
    {"substr", "Get a substring of the string stored at a key", "1.0.0",
     "string",
     "O(N) where N is the length of the returned string. The complexity is "
     "ultimately determined by the returned length, but because creating a "
     "substring from an existing string is very cheap, it can be considered "
     "O(1) for small strings.",
     "readonly", "@read @string @slow", "", "RO access;index 1;range 0 1 0;"},
    {"swapdb", "Swaps two Redis databases", "4.0.0", "server",
     "O(N) where N is the count of clients watching or blocking on keys from "
     "both databases.",
     "write fast", "@keyspace @write @fast @dangerous", "", ""},
    {"time", "Return the current server time", "2.6.0", "server", "O(1)",
     "loading stale fast", "@fast", "nondeterministic_output", ""},
    {"touch",
     "Alters the last access time of a key(s). Returns the number of existing "
     "keys specified.",
     "3.2.1", "generic",
     "O(N) where N is the number of keys that will be touched.",
     "readonly fast", "@keyspace @read @fast",
     "request_policy:multi_shard response_policy:agg_sum",
     "RO;index 1;range -1 1 0;"},
    {"ttl", "Get the time to live for a key in seconds", "1.0.0", "generic",
     "O(1)", "readonly fast", "@keyspace @read @fast",
     "nondeterministic_output", "RO access;index 1;range 0 1 0;"},
    {"type", "Determine the type stored at key", "1.0.0", "generic", "O(1)",
     "readonly fast", "@keyspace @read @fast", "", "RO;index 1;range 0 1 0;"},
    {"unlink",
     "Delete a key asynchronously in another thread. Otherwise it is just as "
     "DEL, but non blocking.",
     "4.0.0", "generic",
     "O(1) for each key removed regardless of its size. Then the command does "
     "O(N) work in a different thread in order to reclaim memory, where N is "
     "the number of allocations the deleted objects where composed of.",
     "write fast", "@keyspace @write @fast",
     "request_policy:multi_shard response_policy:agg_sum",
     "RM delete;index 1;range -1 1 0;"},
    {"unsubscribe", "Stop listening for messages posted to the given channels",
     "2.0.0", "pubsub",
     "O(N) where N is the number of clients already subscribed to a channel.",
     "pubsub noscript loading stale", "@pubsub @slow", "", ""},
    {"unwatch", "Forget about all watched keys", "2.2.0", "transactions",
     "O(1)", "noscript loading stale fast allow_busy", "@fast @transaction", "",
     ""},
    {"watch",
     "Watch the given keys to determine execution of the MULTI/EXEC block",
     "2.2.0", "transactions", "O(1) for every key.",
     "noscript loading stale fast allow_busy", "@fast @transaction", "",
     "RO;index 1;range -1 1 0;"},

};

/* COMMAND DOCS of each table command (same order as cmd_metas), as
 * redis-server 7.0.15 sends it in RESP3: the value map only. RESP2 clients
 * get it converted (maps flattened, sets as arrays). */
static const char *const cmd_docs[] = {
    /* append */
    "%5\r\n$7\r\nsummary\r\n$23\r\nAppend a value to a key\r\n$5\r\nsin"
    "ce\r\n$5\r\n2.0.0\r\n$5\r\ngroup\r\n$6\r\nstring\r\n$10\r\ncomplex"
    "ity\r\n$233\r\nO(1). The amortized time complexity is O(1) assumin"
    "g the appended value is small and the already present value is of "
    "any size, since the dynamic string library used by Redis will doub"
    "le the free space available on every reallocation.\r\n$9\r\nargume"
    "nts\r\n*2\r\n%3\r\n$4\r\nname\r\n$3\r\nkey\r\n$4\r\ntype\r\n$3\r\n"
    "key\r\n$14\r\nkey_spec_index\r\n:0\r\n%2\r\n$4\r\nname\r\n$5\r\nva"
    "lue\r\n$4\r\ntype\r\n$6\r\nstring\r\n",
    /* auth */
    "%6\r\n$7\r\nsummary\r\n$26\r\nAuthenticate to the server\r\n$5\r\n"
    "since\r\n$5\r\n1.0.0\r\n$5\r\ngroup\r\n$10\r\nconnection\r\n$10\r\n"
    "complexity\r\n$60\r\nO(N) where N is the number of passwords defin"
    "ed for the user\r\n$7\r\nhistory\r\n~1\r\n*2\r\n$5\r\n6.0.0\r\n$40"
    "\r\nAdded ACL style (username and password).\r\n$9\r\narguments\r\n"
    "*2\r\n%4\r\n$4\r\nname\r\n$8\r\nusername\r\n$4\r\ntype\r\n$6\r\nst"
    "ring\r\n$5\r\nsince\r\n$5\r\n6.0.0\r\n$5\r\nflags\r\n~1\r\n+option"
    "al\r\n%2\r\n$4\r\nname\r\n$8\r\npassword\r\n$4\r\ntype\r\n$6\r\nst"
    "ring\r\n",
    /* client */
    "%5\r\n$7\r\nsummary\r\n$42\r\nA container for client connection co"
    "mmands\r\n$5\r\nsince\r\n$5\r\n2.4.0\r\n$5\r\ngroup\r\n$10\r\nconn"
    "ection\r\n$10\r\ncomplexity\r\n$22\r\nDepends on subcommand.\r\n$1"
    "1\r\nsubcommands\r\n%16\r\n$14\r\nclient|unpause\r\n%4\r\n$7\r\nsu"
    "mmary\r\n$45\r\nResume processing of clients that were paused\r\n$"
    "5\r\nsince\r\n$5\r\n6.2.0\r\n$5\r\ngroup\r\n$10\r\nconnection\r\n$"
    "10\r\ncomplexity\r\n$44\r\nO(N) Where N is the number of paused cl"
    "ients\r\n$14\r\nclient|setname\r\n%5\r\n$7\r\nsummary\r\n$31\r\nSe"
    "t the current connection name\r\n$5\r\nsince\r\n$5\r\n2.6.9\r\n$5\r"
    "\ngroup\r\n$10\r\nconnection\r\n$10\r\ncomplexity\r\n$4\r\nO(1)\r\n"
    "$9\r\narguments\r\n*1\r\n%2\r\n$4\r\nname\r\n$15\r\nconnection-nam"
    "e\r\n$4\r\ntype\r\n$6\r\nstring\r\n$15\r\nclient|getredir\r\n%4\r\n"
    "$7\r\nsummary\r\n$55\r\nGet tracking notifications redirection cli"
    "ent ID if any\r\n$5\r\nsince\r\n$5\r\n6.0.0\r\n$5\r\ngroup\r\n$10\r"
    "\nconnection\r\n$10\r\ncomplexity\r\n$4\r\nO(1)\r\n$11\r\nclient|k"
    "ill\r\n%6\r\n$7\r\nsummary\r\n$31\r\nKill the connection of a clie"
    "nt\r\n$5\r\nsince\r\n$5\r\n2.4.0\r\n$5\r\ngroup\r\n$10\r\nconnecti"
    "on\r\n$10\r\ncomplexity\r\n$48\r\nO(N) where N is the number of cl"
    "ient connections\r\n$7\r\nhistory\r\n~5\r\n*2\r\n$6\r\n2.8.12\r\n$"
    "24\r\nAdded new filter format.\r\n*2\r\n$6\r\n2.8.12\r\n$12\r\n`ID"
    "` option.\r\n*2\r\n$5\r\n3.2.0\r\n$41\r\nAdded `master` type in fo"
    "r `TYPE` option.\r\n*2\r\n$5\r\n5.0.0\r\n$91\r\nReplaced `slave` `"
    "TYPE` with `replica`. `slave` still supported for backward compati"
    "bility.\r\n*2\r\n$5\r\n6.2.0\r\n$15\r\n`LADDR` option.\r\n$9\r\nar"
    "guments\r\n*1\r\n%3\r\n$4\r\nname\r\n$6\r\nfilter\r\n$4\r\ntype\r\n"
    "$5\r\noneof\r\n$9\r\narguments\r\n*2\r\n%3\r\n$4\r\nname\r\n$7\r\n"
    "ip:port\r\n$4\r\ntype\r\n$6\r\nstring\r\n$16\r\ndeprecated_since\r"
    "\n$6\r\n2.8.12\r\n%4\r\n$4\r\nname\r\n$10\r\nnew-format\r\n$4\r\nt"
    "ype\r\n$5\r\noneof\r\n$5\r\nflags\r\n~1\r\n+multiple\r\n$9\r\nargu"
    "ments\r\n*6\r\n%5\r\n$4\r\nname\r\n$9\r\nclient-id\r\n$4\r\ntype\r"
    "\n$7\r\ninteger\r\n$5\r\ntoken\r\n$2\r\nID\r\n$5\r\nsince\r\n$6\r\n"
    "2.8.12\r\n$5\r\nflags\r\n~1\r\n+optional\r\n%6\r\n$4\r\nname\r\n$2"
    "6\r\nnormal_master_slave_pubsub\r\n$4\r\ntype\r\n$5\r\noneof\r\n$5"
    "\r\ntoken\r\n$4\r\nTYPE\r\n$5\r\nsince\r\n$6\r\n2.8.12\r\n$5\r\nfl"
    "ags\r\n~1\r\n+optional\r\n$9\r\narguments\r\n*5\r\n%3\r\n$4\r\nnam"
    "e\r\n$6\r\nnormal\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$5\r\ntoke"
    "n\r\n$6\r\nNORMAL\r\n%4\r\n$4\r\nname\r\n$6\r\nmaster\r\n$4\r\ntyp"
    "e\r\n$10\r\npure-token\r\n$5\r\ntoken\r\n$6\r\nMASTER\r\n$5\r\nsin"
    "ce\r\n$5\r\n3.2.0\r\n%3\r\n$4\r\nname\r\n$5\r\nslave\r\n$4\r\ntype"
    "\r\n$10\r\npure-token\r\n$5\r\ntoken\r\n$5\r\nSLAVE\r\n%4\r\n$4\r\n"
    "name\r\n$7\r\nreplica\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$5\r\n"
    "token\r\n$7\r\nREPLICA\r\n$5\r\nsince\r\n$5\r\n5.0.0\r\n%3\r\n$4\r"
    "\nname\r\n$6\r\npubsub\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$5\r\n"
    "token\r\n$6\r\nPUBSUB\r\n%4\r\n$4\r\nname\r\n$8\r\nusername\r\n$4\r"
    "\ntype\r\n$6\r\nstring\r\n$5\r\ntoken\r\n$4\r\nUSER\r\n$5\r\nflags"
    "\r\n~1\r\n+optional\r\n%4\r\n$4\r\nname\r\n$7\r\nip:port\r\n$4\r\n"
    "type\r\n$6\r\nstring\r\n$5\r\ntoken\r\n$4\r\nADDR\r\n$5\r\nflags\r"
    "\n~1\r\n+optional\r\n%5\r\n$4\r\nname\r\n$7\r\nip:port\r\n$4\r\nty"
    "pe\r\n$6\r\nstring\r\n$5\r\ntoken\r\n$5\r\nLADDR\r\n$5\r\nsince\r\n"
    "$5\r\n6.2.0\r\n$5\r\nflags\r\n~1\r\n+optional\r\n%4\r\n$4\r\nname\r"
    "\n$6\r\nyes/no\r\n$4\r\ntype\r\n$6\r\nstring\r\n$5\r\ntoken\r\n$6\r"
    "\nSKIPME\r\n$5\r\nflags\r\n~1\r\n+optional\r\n$14\r\nclient|getnam"
    "e\r\n%4\r\n$7\r\nsummary\r\n$31\r\nGet the current connection name"
    "\r\n$5\r\nsince\r\n$5\r\n2.6.9\r\n$5\r\ngroup\r\n$10\r\nconnection"
    "\r\n$10\r\ncomplexity\r\n$4\r\nO(1)\r\n$14\r\nclient|unblock\r\n%5"
    "\r\n$7\r\nsummary\r\n$74\r\nUnblock a client blocked in a blocking"
    " command from a different connection\r\n$5\r\nsince\r\n$5\r\n5.0.0"
    "\r\n$5\r\ngroup\r\n$10\r\nconnection\r\n$10\r\ncomplexity\r\n$52\r"
    "\nO(log N) where N is the number of client connections\r\n$9\r\nar"
    "guments\r\n*2\r\n%2\r\n$4\r\nname\r\n$9\r\nclient-id\r\n$4\r\ntype"
    "\r\n$7\r\ninteger\r\n%4\r\n$4\r\nname\r\n$13\r\ntimeout_error\r\n$"
    "4\r\ntype\r\n$5\r\noneof\r\n$5\r\nflags\r\n~1\r\n+optional\r\n$9\r"
    "\narguments\r\n*2\r\n%3\r\n$4\r\nname\r\n$7\r\ntimeout\r\n$4\r\nty"
    "pe\r\n$10\r\npure-token\r\n$5\r\ntoken\r\n$7\r\nTIMEOUT\r\n%3\r\n$"
    "4\r\nname\r\n$5\r\nerror\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$5\r"
    "\ntoken\r\n$5\r\nERROR\r\n$11\r\nclient|info\r\n%4\r\n$7\r\nsummar"
    "y\r\n$56\r\nReturns information about the current client connectio"
    "n.\r\n$5\r\nsince\r\n$5\r\n6.2.0\r\n$5\r\ngroup\r\n$10\r\nconnecti"
    "on\r\n$10\r\ncomplexity\r\n$4\r\nO(1)\r\n$12\r\nclient|reply\r\n%5"
    "\r\n$7\r\nsummary\r\n$48\r\nInstruct the server whether to reply t"
    "o commands\r\n$5\r\nsince\r\n$5\r\n3.2.0\r\n$5\r\ngroup\r\n$10\r\n"
    "connection\r\n$10\r\ncomplexity\r\n$4\r\nO(1)\r\n$9\r\narguments\r"
    "\n*1\r\n%3\r\n$4\r\nname\r\n$11\r\non_off_skip\r\n$4\r\ntype\r\n$5"
    "\r\noneof\r\n$9\r\narguments\r\n*3\r\n%3\r\n$4\r\nname\r\n$2\r\non"
    "\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$5\r\ntoken\r\n$2\r\nON\r\n"
    "%3\r\n$4\r\nname\r\n$3\r\noff\r\n$4\r\ntype\r\n$10\r\npure-token\r"
    "\n$5\r\ntoken\r\n$3\r\nOFF\r\n%3\r\n$4\r\nname\r\n$4\r\nskip\r\n$4"
    "\r\ntype\r\n$10\r\npure-token\r\n$5\r\ntoken\r\n$4\r\nSKIP\r\n$12\r"
    "\nclient|pause\r\n%6\r\n$7\r\nsummary\r\n$51\r\nStop processing co"
    "mmands from clients for some time\r\n$5\r\nsince\r\n$6\r\n2.9.50\r"
    "\n$5\r\ngroup\r\n$10\r\nconnection\r\n$10\r\ncomplexity\r\n$4\r\nO"
    "(1)\r\n$7\r\nhistory\r\n~1\r\n*2\r\n$5\r\n6.2.0\r\n$61\r\n`CLIENT "
    "PAUSE WRITE` mode added along with the `mode` option.\r\n$9\r\narg"
    "uments\r\n*2\r\n%2\r\n$4\r\nname\r\n$7\r\ntimeout\r\n$4\r\ntype\r\n"
    "$7\r\ninteger\r\n%5\r\n$4\r\nname\r\n$4\r\nmode\r\n$4\r\ntype\r\n$"
    "5\r\noneof\r\n$5\r\nsince\r\n$5\r\n6.2.0\r\n$5\r\nflags\r\n~1\r\n+"
    "optional\r\n$9\r\narguments\r\n*2\r\n%3\r\n$4\r\nname\r\n$5\r\nwri"
    "te\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$5\r\ntoken\r\n$5\r\nWRIT"
    "E\r\n%3\r\n$4\r\nname\r\n$3\r\nall\r\n$4\r\ntype\r\n$10\r\npure-to"
    "ken\r\n$5\r\ntoken\r\n$3\r\nALL\r\n$15\r\nclient|tracking\r\n%5\r\n"
    "$7\r\nsummary\r\n$61\r\nEnable or disable server assisted client s"
    "ide caching support\r\n$5\r\nsince\r\n$5\r\n6.0.0\r\n$5\r\ngroup\r"
    "\n$10\r\nconnection\r\n$10\r\ncomplexity\r\n$55\r\nO(1). Some opti"
    "ons may introduce additional complexity.\r\n$9\r\narguments\r\n*7\r"
    "\n%3\r\n$4\r\nname\r\n$6\r\nstatus\r\n$4\r\ntype\r\n$5\r\noneof\r\n"
    "$9\r\narguments\r\n*2\r\n%3\r\n$4\r\nname\r\n$2\r\non\r\n$4\r\ntyp"
    "e\r\n$10\r\npure-token\r\n$5\r\ntoken\r\n$2\r\nON\r\n%3\r\n$4\r\nn"
    "ame\r\n$3\r\noff\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$5\r\ntoken"
    "\r\n$3\r\nOFF\r\n%4\r\n$4\r\nname\r\n$9\r\nclient-id\r\n$4\r\ntype"
    "\r\n$7\r\ninteger\r\n$5\r\ntoken\r\n$8\r\nREDIRECT\r\n$5\r\nflags\r"
    "\n~1\r\n+optional\r\n%4\r\n$4\r\nname\r\n$6\r\nprefix\r\n$4\r\ntyp"
    "e\r\n$6\r\nstring\r\n$5\r\ntoken\r\n$6\r\nPREFIX\r\n$5\r\nflags\r\n"
    "~3\r\n+optional\r\n+multiple\r\n+multiple_token\r\n%4\r\n$4\r\nnam"
    "e\r\n$5\r\nbcast\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$5\r\ntoken"
    "\r\n$5\r\nBCAST\r\n$5\r\nflags\r\n~1\r\n+optional\r\n%4\r\n$4\r\nn"
    "ame\r\n$5\r\noptin\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$5\r\ntok"
    "en\r\n$5\r\nOPTIN\r\n$5\r\nflags\r\n~1\r\n+optional\r\n%4\r\n$4\r\n"
    "name\r\n$6\r\noptout\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$5\r\nt"
    "oken\r\n$6\r\nOPTOUT\r\n$5\r\nflags\r\n~1\r\n+optional\r\n%4\r\n$4"
    "\r\nname\r\n$6\r\nnoloop\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$5\r"
    "\ntoken\r\n$6\r\nNOLOOP\r\n$5\r\nflags\r\n~1\r\n+optional\r\n$14\r"
    "\nclient|caching\r\n%5\r\n$7\r\nsummary\r\n$66\r\nInstruct the ser"
    "ver about tracking or not keys in the next request\r\n$5\r\nsince\r"
    "\n$5\r\n6.0.0\r\n$5\r\ngroup\r\n$10\r\nconnection\r\n$10\r\ncomple"
    "xity\r\n$4\r\nO(1)\r\n$9\r\narguments\r\n*1\r\n%3\r\n$4\r\nname\r\n"
    "$4\r\nmode\r\n$4\r\ntype\r\n$5\r\noneof\r\n$9\r\narguments\r\n*2\r"
    "\n%3\r\n$4\r\nname\r\n$3\r\nyes\r\n$4\r\ntype\r\n$10\r\npure-token"
    "\r\n$5\r\ntoken\r\n$3\r\nYES\r\n%3\r\n$4\r\nname\r\n$2\r\nno\r\n$4"
    "\r\ntype\r\n$10\r\npure-token\r\n$5\r\ntoken\r\n$2\r\nNO\r\n$11\r\n"
    "client|list\r\n%6\r\n$7\r\nsummary\r\n$34\r\nGet the list of clien"
    "t connections\r\n$5\r\nsince\r\n$5\r\n2.4.0\r\n$5\r\ngroup\r\n$10\r"
    "\nconnection\r\n$10\r\ncomplexity\r\n$48\r\nO(N) where N is the nu"
    "mber of client connections\r\n$7\r\nhistory\r\n~6\r\n*2\r\n$6\r\n2"
    ".8.12\r\n$31\r\nAdded unique client `id` field.\r\n*2\r\n$5\r\n5.0"
    ".0\r\n$29\r\nAdded optional `TYPE` filter.\r\n*2\r\n$5\r\n6.0.0\r\n"
    "$19\r\nAdded `user` field.\r\n*2\r\n$5\r\n6.2.0\r\n$85\r\nAdded `a"
    "rgv-mem`, `tot-mem`, `laddr` and `redir` fields and the optional `"
    "ID` filter.\r\n*2\r\n$5\r\n7.0.0\r\n$50\r\nAdded `resp`, `multi-me"
    "m`, `rbs` and `rbp` fields.\r\n*2\r\n$5\r\n7.0.3\r\n$19\r\nAdded `"
    "ssub` field.\r\n$9\r\narguments\r\n*2\r\n%6\r\n$4\r\nname\r\n$28\r"
    "\nnormal_master_replica_pubsub\r\n$4\r\ntype\r\n$5\r\noneof\r\n$5\r"
    "\ntoken\r\n$4\r\nTYPE\r\n$5\r\nsince\r\n$5\r\n5.0.0\r\n$5\r\nflags"
    "\r\n~1\r\n+optional\r\n$9\r\narguments\r\n*4\r\n%3\r\n$4\r\nname\r"
    "\n$6\r\nnormal\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$5\r\ntoken\r"
    "\n$6\r\nNORMAL\r\n%3\r\n$4\r\nname\r\n$6\r\nmaster\r\n$4\r\ntype\r"
    "\n$10\r\npure-token\r\n$5\r\ntoken\r\n$6\r\nMASTER\r\n%3\r\n$4\r\n"
    "name\r\n$7\r\nreplica\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$5\r\n"
    "token\r\n$7\r\nREPLICA\r\n%3\r\n$4\r\nname\r\n$6\r\npubsub\r\n$4\r"
    "\ntype\r\n$10\r\npure-token\r\n$5\r\ntoken\r\n$6\r\nPUBSUB\r\n%6\r"
    "\n$4\r\nname\r\n$2\r\nid\r\n$4\r\ntype\r\n$5\r\nblock\r\n$5\r\ntok"
    "en\r\n$2\r\nID\r\n$5\r\nsince\r\n$5\r\n6.2.0\r\n$5\r\nflags\r\n~1\r"
    "\n+optional\r\n$9\r\narguments\r\n*1\r\n%3\r\n$4\r\nname\r\n$9\r\n"
    "client-id\r\n$4\r\ntype\r\n$7\r\ninteger\r\n$5\r\nflags\r\n~1\r\n+"
    "multiple\r\n$15\r\nclient|no-evict\r\n%5\r\n$7\r\nsummary\r\n$51\r"
    "\nSet client eviction mode for the current connection\r\n$5\r\nsin"
    "ce\r\n$5\r\n7.0.0\r\n$5\r\ngroup\r\n$10\r\nconnection\r\n$10\r\nco"
    "mplexity\r\n$4\r\nO(1)\r\n$9\r\narguments\r\n*1\r\n%3\r\n$4\r\nnam"
    "e\r\n$7\r\nenabled\r\n$4\r\ntype\r\n$5\r\noneof\r\n$9\r\narguments"
    "\r\n*2\r\n%3\r\n$4\r\nname\r\n$2\r\non\r\n$4\r\ntype\r\n$10\r\npur"
    "e-token\r\n$5\r\ntoken\r\n$2\r\nON\r\n%3\r\n$4\r\nname\r\n$3\r\nof"
    "f\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$5\r\ntoken\r\n$3\r\nOFF\r"
    "\n$19\r\nclient|trackinginfo\r\n%4\r\n$7\r\nsummary\r\n$87\r\nRetu"
    "rn information about server assisted client side caching for the c"
    "urrent connection\r\n$5\r\nsince\r\n$5\r\n6.2.0\r\n$5\r\ngroup\r\n"
    "$10\r\nconnection\r\n$10\r\ncomplexity\r\n$4\r\nO(1)\r\n$9\r\nclie"
    "nt|id\r\n%4\r\n$7\r\nsummary\r\n$48\r\nReturns the client ID for t"
    "he current connection\r\n$5\r\nsince\r\n$5\r\n5.0.0\r\n$5\r\ngroup"
    "\r\n$10\r\nconnection\r\n$10\r\ncomplexity\r\n$4\r\nO(1)\r\n$11\r\n"
    "client|help\r\n%4\r\n$7\r\nsummary\r\n$49\r\nShow helpful text abo"
    "ut the different subcommands\r\n$5\r\nsince\r\n$5\r\n5.0.0\r\n$5\r"
    "\ngroup\r\n$10\r\nconnection\r\n$10\r\ncomplexity\r\n$4\r\nO(1)\r\n",
    /* command */
    "%5\r\n$7\r\nsummary\r\n$34\r\nGet array of Redis command details\r"
    "\n$5\r\nsince\r\n$6\r\n2.8.13\r\n$5\r\ngroup\r\n$6\r\nserver\r\n$1"
    "0\r\ncomplexity\r\n$50\r\nO(N) where N is the total number of Redi"
    "s commands\r\n$11\r\nsubcommands\r\n%7\r\n$13\r\ncommand|count\r\n"
    "%4\r\n$7\r\nsummary\r\n$34\r\nGet total number of Redis commands\r"
    "\n$5\r\nsince\r\n$6\r\n2.8.13\r\n$5\r\ngroup\r\n$6\r\nserver\r\n$1"
    "0\r\ncomplexity\r\n$4\r\nO(1)\r\n$12\r\ncommand|list\r\n%5\r\n$7\r"
    "\nsummary\r\n$35\r\nGet an array of Redis command names\r\n$5\r\ns"
    "ince\r\n$5\r\n7.0.0\r\n$5\r\ngroup\r\n$6\r\nserver\r\n$10\r\ncompl"
    "exity\r\n$50\r\nO(N) where N is the total number of Redis commands"
    "\r\n$9\r\narguments\r\n*1\r\n%5\r\n$4\r\nname\r\n$8\r\nfilterby\r\n"
    "$4\r\ntype\r\n$5\r\noneof\r\n$5\r\ntoken\r\n$8\r\nFILTERBY\r\n$5\r"
    "\nflags\r\n~1\r\n+optional\r\n$9\r\narguments\r\n*3\r\n%3\r\n$4\r\n"
    "name\r\n$11\r\nmodule-name\r\n$4\r\ntype\r\n$6\r\nstring\r\n$5\r\n"
    "token\r\n$6\r\nMODULE\r\n%3\r\n$4\r\nname\r\n$8\r\ncategory\r\n$4\r"
    "\ntype\r\n$6\r\nstring\r\n$5\r\ntoken\r\n$6\r\nACLCAT\r\n%3\r\n$4\r"
    "\nname\r\n$7\r\npattern\r\n$4\r\ntype\r\n$7\r\npattern\r\n$5\r\nto"
    "ken\r\n$7\r\nPATTERN\r\n$12\r\ncommand|info\r\n%6\r\n$7\r\nsummary"
    "\r\n$78\r\nGet array of specific Redis command details, or all whe"
    "n no argument is given.\r\n$5\r\nsince\r\n$6\r\n2.8.13\r\n$5\r\ngr"
    "oup\r\n$6\r\nserver\r\n$10\r\ncomplexity\r\n$49\r\nO(N) where N is"
    " the number of commands to look up\r\n$7\r\nhistory\r\n~1\r\n*2\r\n"
    "$5\r\n7.0.0\r\n$66\r\nAllowed to be called with no argument to get"
    " info on all commands.\r\n$9\r\narguments\r\n*1\r\n%3\r\n$4\r\nnam"
    "e\r\n$12\r\ncommand-name\r\n$4\r\ntype\r\n$6\r\nstring\r\n$5\r\nfl"
    "ags\r\n~2\r\n+optional\r\n+multiple\r\n$12\r\ncommand|docs\r\n%5\r"
    "\n$7\r\nsummary\r\n$49\r\nGet array of specific Redis command docu"
    "mentation\r\n$5\r\nsince\r\n$5\r\n7.0.0\r\n$5\r\ngroup\r\n$6\r\nse"
    "rver\r\n$10\r\ncomplexity\r\n$49\r\nO(N) where N is the number of "
    "commands to look up\r\n$9\r\narguments\r\n*1\r\n%3\r\n$4\r\nname\r"
    "\n$12\r\ncommand-name\r\n$4\r\ntype\r\n$6\r\nstring\r\n$5\r\nflags"
    "\r\n~2\r\n+optional\r\n+multiple\r\n$15\r\ncommand|getkeys\r\n%4\r"
    "\n$7\r\nsummary\r\n$39\r\nExtract keys given a full Redis command\r"
    "\n$5\r\nsince\r\n$6\r\n2.8.13\r\n$5\r\ngroup\r\n$6\r\nserver\r\n$1"
    "0\r\ncomplexity\r\n$54\r\nO(N) where N is the number of arguments "
    "to the command\r\n$23\r\ncommand|getkeysandflags\r\n%4\r\n$7\r\nsu"
    "mmary\r\n$56\r\nExtract keys and access flags given a full Redis c"
    "ommand\r\n$5\r\nsince\r\n$5\r\n7.0.0\r\n$5\r\ngroup\r\n$6\r\nserve"
    "r\r\n$10\r\ncomplexity\r\n$54\r\nO(N) where N is the number of arg"
    "uments to the command\r\n$12\r\ncommand|help\r\n%4\r\n$7\r\nsummar"
    "y\r\n$49\r\nShow helpful text about the different subcommands\r\n$"
    "5\r\nsince\r\n$5\r\n5.0.0\r\n$5\r\ngroup\r\n$6\r\nserver\r\n$10\r\n"
    "complexity\r\n$4\r\nO(1)\r\n",
    /* config */
    "%5\r\n$7\r\nsummary\r\n$45\r\nA container for server configuration"
    " commands\r\n$5\r\nsince\r\n$5\r\n2.0.0\r\n$5\r\ngroup\r\n$6\r\nse"
    "rver\r\n$10\r\ncomplexity\r\n$22\r\nDepends on subcommand.\r\n$11\r"
    "\nsubcommands\r\n%5\r\n$10\r\nconfig|get\r\n%6\r\n$7\r\nsummary\r\n"
    "$42\r\nGet the values of configuration parameters\r\n$5\r\nsince\r"
    "\n$5\r\n2.0.0\r\n$5\r\ngroup\r\n$6\r\nserver\r\n$10\r\ncomplexity\r"
    "\n$62\r\nO(N) when N is the number of configuration parameters pro"
    "vided\r\n$7\r\nhistory\r\n~1\r\n*2\r\n$5\r\n7.0.0\r\n$65\r\nAdded "
    "the ability to pass multiple pattern parameters in one call\r\n$9\r"
    "\narguments\r\n*1\r\n%4\r\n$4\r\nname\r\n$9\r\nparameter\r\n$4\r\n"
    "type\r\n$5\r\nblock\r\n$5\r\nflags\r\n~1\r\n+multiple\r\n$9\r\narg"
    "uments\r\n*1\r\n%2\r\n$4\r\nname\r\n$9\r\nparameter\r\n$4\r\ntype\r"
    "\n$6\r\nstring\r\n$16\r\nconfig|resetstat\r\n%4\r\n$7\r\nsummary\r"
    "\n$32\r\nReset the stats returned by INFO\r\n$5\r\nsince\r\n$5\r\n"
    "2.0.0\r\n$5\r\ngroup\r\n$6\r\nserver\r\n$10\r\ncomplexity\r\n$4\r\n"
    "O(1)\r\n$14\r\nconfig|rewrite\r\n%4\r\n$7\r\nsummary\r\n$63\r\nRew"
    "rite the configuration file with the in memory configuration\r\n$5"
    "\r\nsince\r\n$5\r\n2.8.0\r\n$5\r\ngroup\r\n$6\r\nserver\r\n$10\r\n"
    "complexity\r\n$4\r\nO(1)\r\n$10\r\nconfig|set\r\n%6\r\n$7\r\nsumma"
    "ry\r\n$48\r\nSet configuration parameters to the given values\r\n$"
    "5\r\nsince\r\n$5\r\n2.0.0\r\n$5\r\ngroup\r\n$6\r\nserver\r\n$10\r\n"
    "complexity\r\n$62\r\nO(N) when N is the number of configuration pa"
    "rameters provided\r\n$7\r\nhistory\r\n~1\r\n*2\r\n$5\r\n7.0.0\r\n$"
    "57\r\nAdded the ability to set multiple parameters in one call.\r\n"
    "$9\r\narguments\r\n*1\r\n%4\r\n$4\r\nname\r\n$15\r\nparameter_valu"
    "e\r\n$4\r\ntype\r\n$5\r\nblock\r\n$5\r\nflags\r\n~1\r\n+multiple\r"
    "\n$9\r\narguments\r\n*2\r\n%2\r\n$4\r\nname\r\n$9\r\nparameter\r\n"
    "$4\r\ntype\r\n$6\r\nstring\r\n%2\r\n$4\r\nname\r\n$5\r\nvalue\r\n$"
    "4\r\ntype\r\n$6\r\nstring\r\n$11\r\nconfig|help\r\n%4\r\n$7\r\nsum"
    "mary\r\n$49\r\nShow helpful text about the different subcommands\r"
    "\n$5\r\nsince\r\n$5\r\n5.0.0\r\n$5\r\ngroup\r\n$6\r\nserver\r\n$10"
    "\r\ncomplexity\r\n$4\r\nO(1)\r\n",
    /* copy */
    "%5\r\n$7\r\nsummary\r\n$10\r\nCopy a key\r\n$5\r\nsince\r\n$5\r\n6"
    ".2.0\r\n$5\r\ngroup\r\n$7\r\ngeneric\r\n$10\r\ncomplexity\r\n$95\r"
    "\nO(N) worst case for collections, where N is the number of nested"
    " items. O(1) for string values.\r\n$9\r\narguments\r\n*4\r\n%3\r\n"
    "$4\r\nname\r\n$6\r\nsource\r\n$4\r\ntype\r\n$3\r\nkey\r\n$14\r\nke"
    "y_spec_index\r\n:0\r\n%3\r\n$4\r\nname\r\n$11\r\ndestination\r\n$4"
    "\r\ntype\r\n$3\r\nkey\r\n$14\r\nkey_spec_index\r\n:1\r\n%4\r\n$4\r"
    "\nname\r\n$14\r\ndestination-db\r\n$4\r\ntype\r\n$7\r\ninteger\r\n"
    "$5\r\ntoken\r\n$2\r\nDB\r\n$5\r\nflags\r\n~1\r\n+optional\r\n%4\r\n"
    "$4\r\nname\r\n$7\r\nreplace\r\n$4\r\ntype\r\n$10\r\npure-token\r\n"
    "$5\r\ntoken\r\n$7\r\nREPLACE\r\n$5\r\nflags\r\n~1\r\n+optional\r\n",
    /* dbsize */
    "%4\r\n$7\r\nsummary\r\n$50\r\nReturn the number of keys in the sel"
    "ected database\r\n$5\r\nsince\r\n$5\r\n1.0.0\r\n$5\r\ngroup\r\n$6\r"
    "\nserver\r\n$10\r\ncomplexity\r\n$4\r\nO(1)\r\n",
    /* debug */
    "%5\r\n$7\r\nsummary\r\n$34\r\nA container for debugging commands\r"
    "\n$5\r\nsince\r\n$5\r\n1.0.0\r\n$5\r\ngroup\r\n$6\r\nserver\r\n$10"
    "\r\ncomplexity\r\n$22\r\nDepends on subcommand.\r\n$9\r\ndoc_flags"
    "\r\n~1\r\n+syscmd\r\n",
    /* decr */
    "%5\r\n$7\r\nsummary\r\n$43\r\nDecrement the integer value of a key"
    " by one\r\n$5\r\nsince\r\n$5\r\n1.0.0\r\n$5\r\ngroup\r\n$6\r\nstri"
    "ng\r\n$10\r\ncomplexity\r\n$4\r\nO(1)\r\n$9\r\narguments\r\n*1\r\n"
    "%3\r\n$4\r\nname\r\n$3\r\nkey\r\n$4\r\ntype\r\n$3\r\nkey\r\n$14\r\n"
    "key_spec_index\r\n:0\r\n",
    /* decrby */
    "%5\r\n$7\r\nsummary\r\n$56\r\nDecrement the integer value of a key"
    " by the given number\r\n$5\r\nsince\r\n$5\r\n1.0.0\r\n$5\r\ngroup\r"
    "\n$6\r\nstring\r\n$10\r\ncomplexity\r\n$4\r\nO(1)\r\n$9\r\nargumen"
    "ts\r\n*2\r\n%3\r\n$4\r\nname\r\n$3\r\nkey\r\n$4\r\ntype\r\n$3\r\nk"
    "ey\r\n$14\r\nkey_spec_index\r\n:0\r\n%2\r\n$4\r\nname\r\n$9\r\ndec"
    "rement\r\n$4\r\ntype\r\n$7\r\ninteger\r\n",
    /* del */
    "%5\r\n$7\r\nsummary\r\n$12\r\nDelete a key\r\n$5\r\nsince\r\n$5\r\n"
    "1.0.0\r\n$5\r\ngroup\r\n$7\r\ngeneric\r\n$10\r\ncomplexity\r\n$288"
    "\r\nO(N) where N is the number of keys that will be removed. When "
    "a key to remove holds a value other than a string, the individual "
    "complexity for this key is O(M) where M is the number of elements "
    "in the list, set, sorted set or hash. Removing a single key that h"
    "olds a string value is O(1).\r\n$9\r\narguments\r\n*1\r\n%4\r\n$4\r"
    "\nname\r\n$3\r\nkey\r\n$4\r\ntype\r\n$3\r\nkey\r\n$14\r\nkey_spec_"
    "index\r\n:0\r\n$5\r\nflags\r\n~1\r\n+multiple\r\n",
    /* discard */
    "%4\r\n$7\r\nsummary\r\n$39\r\nDiscard all commands issued after MU"
    "LTI\r\n$5\r\nsince\r\n$5\r\n2.0.0\r\n$5\r\ngroup\r\n$12\r\ntransac"
    "tions\r\n$10\r\ncomplexity\r\n$45\r\nO(N), when N is the number of"
    " queued commands\r\n",
    /* echo */
    "%5\r\n$7\r\nsummary\r\n$21\r\nEcho the given string\r\n$5\r\nsince"
    "\r\n$5\r\n1.0.0\r\n$5\r\ngroup\r\n$10\r\nconnection\r\n$10\r\ncomp"
    "lexity\r\n$4\r\nO(1)\r\n$9\r\narguments\r\n*1\r\n%2\r\n$4\r\nname\r"
    "\n$7\r\nmessage\r\n$4\r\ntype\r\n$6\r\nstring\r\n",
    /* exec */
    "%4\r\n$7\r\nsummary\r\n$39\r\nExecute all commands issued after MU"
    "LTI\r\n$5\r\nsince\r\n$5\r\n1.2.0\r\n$5\r\ngroup\r\n$12\r\ntransac"
    "tions\r\n$10\r\ncomplexity\r\n$38\r\nDepends on commands in the tr"
    "ansaction\r\n",
    /* exists */
    "%6\r\n$7\r\nsummary\r\n$25\r\nDetermine if a key exists\r\n$5\r\ns"
    "ince\r\n$5\r\n1.0.0\r\n$5\r\ngroup\r\n$7\r\ngeneric\r\n$10\r\ncomp"
    "lexity\r\n$44\r\nO(N) where N is the number of keys to check.\r\n$"
    "7\r\nhistory\r\n~1\r\n*2\r\n$5\r\n3.0.3\r\n$33\r\nAccepts multiple"
    " `key` arguments.\r\n$9\r\narguments\r\n*1\r\n%4\r\n$4\r\nname\r\n"
    "$3\r\nkey\r\n$4\r\ntype\r\n$3\r\nkey\r\n$14\r\nkey_spec_index\r\n:"
    "0\r\n$5\r\nflags\r\n~1\r\n+multiple\r\n",
    /* expire */
    "%6\r\n$7\r\nsummary\r\n$35\r\nSet a key's time to live in seconds\r"
    "\n$5\r\nsince\r\n$5\r\n1.0.0\r\n$5\r\ngroup\r\n$7\r\ngeneric\r\n$1"
    "0\r\ncomplexity\r\n$4\r\nO(1)\r\n$7\r\nhistory\r\n~1\r\n*2\r\n$5\r"
    "\n7.0.0\r\n$41\r\nAdded options: `NX`, `XX`, `GT` and `LT`.\r\n$9\r"
    "\narguments\r\n*3\r\n%3\r\n$4\r\nname\r\n$3\r\nkey\r\n$4\r\ntype\r"
    "\n$3\r\nkey\r\n$14\r\nkey_spec_index\r\n:0\r\n%2\r\n$4\r\nname\r\n"
    "$7\r\nseconds\r\n$4\r\ntype\r\n$7\r\ninteger\r\n%5\r\n$4\r\nname\r"
    "\n$9\r\ncondition\r\n$4\r\ntype\r\n$5\r\noneof\r\n$5\r\nsince\r\n$"
    "5\r\n7.0.0\r\n$5\r\nflags\r\n~1\r\n+optional\r\n$9\r\narguments\r\n"
    "*4\r\n%3\r\n$4\r\nname\r\n$2\r\nnx\r\n$4\r\ntype\r\n$10\r\npure-to"
    "ken\r\n$5\r\ntoken\r\n$2\r\nNX\r\n%3\r\n$4\r\nname\r\n$2\r\nxx\r\n"
    "$4\r\ntype\r\n$10\r\npure-token\r\n$5\r\ntoken\r\n$2\r\nXX\r\n%3\r"
    "\n$4\r\nname\r\n$2\r\ngt\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$5\r"
    "\ntoken\r\n$2\r\nGT\r\n%3\r\n$4\r\nname\r\n$2\r\nlt\r\n$4\r\ntype\r"
    "\n$10\r\npure-token\r\n$5\r\ntoken\r\n$2\r\nLT\r\n",
    /* expireat */
    "%6\r\n$7\r\nsummary\r\n$48\r\nSet the expiration for a key as a UN"
    "IX timestamp\r\n$5\r\nsince\r\n$5\r\n1.2.0\r\n$5\r\ngroup\r\n$7\r\n"
    "generic\r\n$10\r\ncomplexity\r\n$4\r\nO(1)\r\n$7\r\nhistory\r\n~1\r"
    "\n*2\r\n$5\r\n7.0.0\r\n$41\r\nAdded options: `NX`, `XX`, `GT` and "
    "`LT`.\r\n$9\r\narguments\r\n*3\r\n%3\r\n$4\r\nname\r\n$3\r\nkey\r\n"
    "$4\r\ntype\r\n$3\r\nkey\r\n$14\r\nkey_spec_index\r\n:0\r\n%2\r\n$4"
    "\r\nname\r\n$17\r\nunix-time-seconds\r\n$4\r\ntype\r\n$9\r\nunix-t"
    "ime\r\n%5\r\n$4\r\nname\r\n$9\r\ncondition\r\n$4\r\ntype\r\n$5\r\n"
    "oneof\r\n$5\r\nsince\r\n$5\r\n7.0.0\r\n$5\r\nflags\r\n~1\r\n+optio"
    "nal\r\n$9\r\narguments\r\n*4\r\n%3\r\n$4\r\nname\r\n$2\r\nnx\r\n$4"
    "\r\ntype\r\n$10\r\npure-token\r\n$5\r\ntoken\r\n$2\r\nNX\r\n%3\r\n"
    "$4\r\nname\r\n$2\r\nxx\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$5\r\n"
    "token\r\n$2\r\nXX\r\n%3\r\n$4\r\nname\r\n$2\r\ngt\r\n$4\r\ntype\r\n"
    "$10\r\npure-token\r\n$5\r\ntoken\r\n$2\r\nGT\r\n%3\r\n$4\r\nname\r"
    "\n$2\r\nlt\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$5\r\ntoken\r\n$2"
    "\r\nLT\r\n",
    /* expiretime */
    "%5\r\n$7\r\nsummary\r\n$43\r\nGet the expiration Unix timestamp fo"
    "r a key\r\n$5\r\nsince\r\n$5\r\n7.0.0\r\n$5\r\ngroup\r\n$7\r\ngene"
    "ric\r\n$10\r\ncomplexity\r\n$4\r\nO(1)\r\n$9\r\narguments\r\n*1\r\n"
    "%3\r\n$4\r\nname\r\n$3\r\nkey\r\n$4\r\ntype\r\n$3\r\nkey\r\n$14\r\n"
    "key_spec_index\r\n:0\r\n",
    /* failover */
    "%5\r\n$7\r\nsummary\r\n$73\r\nStart a coordinated failover betwe"
    "en this server and one of its replicas.\r\n$5\r\nsince\r\n$5\r\n"
    "6.2.0\r\n$5\r\ngroup\r\n$6\r\nserver\r\n$10\r\ncomplexity\r\n$4"
    "\r\nO(1)\r\n$9\r\narguments\r\n*3\r\n%5\r\n$4\r\nname\r\n$6\r\nt"
    "arget\r\n$4\r\ntype\r\n$5\r\nblock\r\n$5\r\ntoken\r\n$2\r\nTO\r"
    "\n$5\r\nflags\r\n~1\r\n+optional\r\n$9\r\narguments\r\n*3\r\n%2"
    "\r\n$4\r\nname\r\n$4\r\nhost\r\n$4\r\ntype\r\n$6\r\nstring\r\n%2"
    "\r\n$4\r\nname\r\n$4\r\nport\r\n$4\r\ntype\r\n$7\r\ninteger\r\n%"
    "4\r\n$4\r\nname\r\n$5\r\nforce\r\n$4\r\ntype\r\n$10\r\npure-toke"
    "n\r\n$5\r\ntoken\r\n$5\r\nFORCE\r\n$5\r\nflags\r\n~1\r\n+optiona"
    "l\r\n%4\r\n$4\r\nname\r\n$5\r\nabort\r\n$4\r\ntype\r\n$10\r\npur"
    "e-token\r\n$5\r\ntoken\r\n$5\r\nABORT\r\n$5\r\nflags\r\n~1\r\n+o"
    "ptional\r\n%4\r\n$4\r\nname\r\n$12\r\nmilliseconds\r\n$4\r\ntype"
    "\r\n$7\r\ninteger\r\n$5\r\ntoken\r\n$7\r\nTIMEOUT\r\n$5\r\nflags"
    "\r\n~1\r\n+optional\r\n",
    /* flushall */
    "%6\r\n$7\r\nsummary\r\n$34\r\nRemove all keys from all databases\r"
    "\n$5\r\nsince\r\n$5\r\n1.0.0\r\n$5\r\ngroup\r\n$6\r\nserver\r\n$10"
    "\r\ncomplexity\r\n$57\r\nO(N) where N is the total number of keys "
    "in all databases\r\n$7\r\nhistory\r\n~2\r\n*2\r\n$5\r\n4.0.0\r\n$4"
    "1\r\nAdded the `ASYNC` flushing mode modifier.\r\n*2\r\n$5\r\n6.2."
    "0\r\n$40\r\nAdded the `SYNC` flushing mode modifier.\r\n$9\r\nargu"
    "ments\r\n*1\r\n%4\r\n$4\r\nname\r\n$5\r\nasync\r\n$4\r\ntype\r\n$5"
    "\r\noneof\r\n$5\r\nflags\r\n~1\r\n+optional\r\n$9\r\narguments\r\n"
    "*2\r\n%4\r\n$4\r\nname\r\n$5\r\nasync\r\n$4\r\ntype\r\n$10\r\npure"
    "-token\r\n$5\r\ntoken\r\n$5\r\nASYNC\r\n$5\r\nsince\r\n$5\r\n4.0.0"
    "\r\n%4\r\n$4\r\nname\r\n$4\r\nsync\r\n$4\r\ntype\r\n$10\r\npure-to"
    "ken\r\n$5\r\ntoken\r\n$4\r\nSYNC\r\n$5\r\nsince\r\n$5\r\n6.2.0\r\n",
    /* flushdb */
    "%6\r\n$7\r\nsummary\r\n$41\r\nRemove all keys from the current dat"
    "abase\r\n$5\r\nsince\r\n$5\r\n1.0.0\r\n$5\r\ngroup\r\n$6\r\nserver"
    "\r\n$10\r\ncomplexity\r\n$59\r\nO(N) where N is the number of keys"
    " in the selected database\r\n$7\r\nhistory\r\n~2\r\n*2\r\n$5\r\n4."
    "0.0\r\n$41\r\nAdded the `ASYNC` flushing mode modifier.\r\n*2\r\n$"
    "5\r\n6.2.0\r\n$40\r\nAdded the `SYNC` flushing mode modifier.\r\n$"
    "9\r\narguments\r\n*1\r\n%4\r\n$4\r\nname\r\n$5\r\nasync\r\n$4\r\nt"
    "ype\r\n$5\r\noneof\r\n$5\r\nflags\r\n~1\r\n+optional\r\n$9\r\nargu"
    "ments\r\n*2\r\n%4\r\n$4\r\nname\r\n$5\r\nasync\r\n$4\r\ntype\r\n$1"
    "0\r\npure-token\r\n$5\r\ntoken\r\n$5\r\nASYNC\r\n$5\r\nsince\r\n$5"
    "\r\n4.0.0\r\n%4\r\n$4\r\nname\r\n$4\r\nsync\r\n$4\r\ntype\r\n$10\r"
    "\npure-token\r\n$5\r\ntoken\r\n$4\r\nSYNC\r\n$5\r\nsince\r\n$5\r\n"
    "6.2.0\r\n",
    /* get */
    "%5\r\n$7\r\nsummary\r\n$22\r\nGet the value of a key\r\n$5\r\nsinc"
    "e\r\n$5\r\n1.0.0\r\n$5\r\ngroup\r\n$6\r\nstring\r\n$10\r\ncomplexi"
    "ty\r\n$4\r\nO(1)\r\n$9\r\narguments\r\n*1\r\n%3\r\n$4\r\nname\r\n$"
    "3\r\nkey\r\n$4\r\ntype\r\n$3\r\nkey\r\n$14\r\nkey_spec_index\r\n:0"
    "\r\n",
    /* getdel */
    "%5\r\n$7\r\nsummary\r\n$41\r\nGet the value of a key and delete th"
    "e key\r\n$5\r\nsince\r\n$5\r\n6.2.0\r\n$5\r\ngroup\r\n$6\r\nstring"
    "\r\n$10\r\ncomplexity\r\n$4\r\nO(1)\r\n$9\r\narguments\r\n*1\r\n%3"
    "\r\n$4\r\nname\r\n$3\r\nkey\r\n$4\r\ntype\r\n$3\r\nkey\r\n$14\r\nk"
    "ey_spec_index\r\n:0\r\n",
    /* getex */
    "%5\r\n$7\r\nsummary\r\n$56\r\nGet the value of a key and optionall"
    "y set its expiration\r\n$5\r\nsince\r\n$5\r\n6.2.0\r\n$5\r\ngroup\r"
    "\n$6\r\nstring\r\n$10\r\ncomplexity\r\n$4\r\nO(1)\r\n$9\r\nargumen"
    "ts\r\n*2\r\n%3\r\n$4\r\nname\r\n$3\r\nkey\r\n$4\r\ntype\r\n$3\r\nk"
    "ey\r\n$14\r\nkey_spec_index\r\n:0\r\n%4\r\n$4\r\nname\r\n$10\r\nex"
    "piration\r\n$4\r\ntype\r\n$5\r\noneof\r\n$5\r\nflags\r\n~1\r\n+opt"
    "ional\r\n$9\r\narguments\r\n*5\r\n%3\r\n$4\r\nname\r\n$7\r\nsecond"
    "s\r\n$4\r\ntype\r\n$7\r\ninteger\r\n$5\r\ntoken\r\n$2\r\nEX\r\n%3\r"
    "\n$4\r\nname\r\n$12\r\nmilliseconds\r\n$4\r\ntype\r\n$7\r\ninteger"
    "\r\n$5\r\ntoken\r\n$2\r\nPX\r\n%3\r\n$4\r\nname\r\n$17\r\nunix-tim"
    "e-seconds\r\n$4\r\ntype\r\n$9\r\nunix-time\r\n$5\r\ntoken\r\n$4\r\n"
    "EXAT\r\n%3\r\n$4\r\nname\r\n$22\r\nunix-time-milliseconds\r\n$4\r\n"
    "type\r\n$9\r\nunix-time\r\n$5\r\ntoken\r\n$4\r\nPXAT\r\n%3\r\n$4\r"
    "\nname\r\n$7\r\npersist\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$5\r"
    "\ntoken\r\n$7\r\nPERSIST\r\n",
    /* getrange */
    "%5\r\n$7\r\nsummary\r\n$45\r\nGet a substring of the string stored"
    " at a key\r\n$5\r\nsince\r\n$5\r\n2.4.0\r\n$5\r\ngroup\r\n$6\r\nst"
    "ring\r\n$10\r\ncomplexity\r\n$231\r\nO(N) where N is the length of"
    " the returned string. The complexity is ultimately determined by t"
    "he returned length, but because creating a substring from an exist"
    "ing string is very cheap, it can be considered O(1) for small stri"
    "ngs.\r\n$9\r\narguments\r\n*3\r\n%3\r\n$4\r\nname\r\n$3\r\nkey\r\n"
    "$4\r\ntype\r\n$3\r\nkey\r\n$14\r\nkey_spec_index\r\n:0\r\n%2\r\n$4"
    "\r\nname\r\n$5\r\nstart\r\n$4\r\ntype\r\n$7\r\ninteger\r\n%2\r\n$4"
    "\r\nname\r\n$3\r\nend\r\n$4\r\ntype\r\n$7\r\ninteger\r\n",
    /* getset */
    "%8\r\n$7\r\nsummary\r\n$54\r\nSet the string value of a key and re"
    "turn its old value\r\n$5\r\nsince\r\n$5\r\n1.0.0\r\n$5\r\ngroup\r\n"
    "$6\r\nstring\r\n$10\r\ncomplexity\r\n$4\r\nO(1)\r\n$9\r\ndoc_flags"
    "\r\n~1\r\n+deprecated\r\n$16\r\ndeprecated_since\r\n$5\r\n6.2.0\r\n"
    "$11\r\nreplaced_by\r\n$30\r\n`SET` with the `!GET` argument\r\n$9\r"
    "\narguments\r\n*2\r\n%3\r\n$4\r\nname\r\n$3\r\nkey\r\n$4\r\ntype\r"
    "\n$3\r\nkey\r\n$14\r\nkey_spec_index\r\n:0\r\n%2\r\n$4\r\nname\r\n"
    "$5\r\nvalue\r\n$4\r\ntype\r\n$6\r\nstring\r\n",
    /* hello */
    "%6\r\n$7\r\nsummary\r\n$20\r\nHandshake with Redis\r\n$5\r\nsince\r"
    "\n$5\r\n6.0.0\r\n$5\r\ngroup\r\n$10\r\nconnection\r\n$10\r\ncomple"
    "xity\r\n$4\r\nO(1)\r\n$7\r\nhistory\r\n~1\r\n*2\r\n$5\r\n6.2.0\r\n"
    "$109\r\n`protover` made optional; when called without arguments th"
    "e command reports the current connection's context.\r\n$9\r\nargum"
    "ents\r\n*1\r\n%4\r\n$4\r\nname\r\n$9\r\narguments\r\n$4\r\ntype\r\n"
    "$5\r\nblock\r\n$5\r\nflags\r\n~1\r\n+optional\r\n$9\r\narguments\r"
    "\n*3\r\n%2\r\n$4\r\nname\r\n$8\r\nprotover\r\n$4\r\ntype\r\n$7\r\n"
    "integer\r\n%5\r\n$4\r\nname\r\n$17\r\nusername_password\r\n$4\r\nt"
    "ype\r\n$5\r\nblock\r\n$5\r\ntoken\r\n$4\r\nAUTH\r\n$5\r\nflags\r\n"
    "~1\r\n+optional\r\n$9\r\narguments\r\n*2\r\n%2\r\n$4\r\nname\r\n$8"
    "\r\nusername\r\n$4\r\ntype\r\n$6\r\nstring\r\n%2\r\n$4\r\nname\r\n"
    "$8\r\npassword\r\n$4\r\ntype\r\n$6\r\nstring\r\n%4\r\n$4\r\nname\r"
    "\n$10\r\nclientname\r\n$4\r\ntype\r\n$6\r\nstring\r\n$5\r\ntoken\r"
    "\n$7\r\nSETNAME\r\n$5\r\nflags\r\n~1\r\n+optional\r\n",
    /* incr */
    "%5\r\n$7\r\nsummary\r\n$43\r\nIncrement the integer value of a key"
    " by one\r\n$5\r\nsince\r\n$5\r\n1.0.0\r\n$5\r\ngroup\r\n$6\r\nstri"
    "ng\r\n$10\r\ncomplexity\r\n$4\r\nO(1)\r\n$9\r\narguments\r\n*1\r\n"
    "%3\r\n$4\r\nname\r\n$3\r\nkey\r\n$4\r\ntype\r\n$3\r\nkey\r\n$14\r\n"
    "key_spec_index\r\n:0\r\n",
    /* incrby */
    "%5\r\n$7\r\nsummary\r\n$56\r\nIncrement the integer value of a key"
    " by the given amount\r\n$5\r\nsince\r\n$5\r\n1.0.0\r\n$5\r\ngroup\r"
    "\n$6\r\nstring\r\n$10\r\ncomplexity\r\n$4\r\nO(1)\r\n$9\r\nargumen"
    "ts\r\n*2\r\n%3\r\n$4\r\nname\r\n$3\r\nkey\r\n$4\r\ntype\r\n$3\r\nk"
    "ey\r\n$14\r\nkey_spec_index\r\n:0\r\n%2\r\n$4\r\nname\r\n$9\r\ninc"
    "rement\r\n$4\r\ntype\r\n$7\r\ninteger\r\n",
    /* incrbyfloat */
    "%5\r\n$7\r\nsummary\r\n$54\r\nIncrement the float value of a key b"
    "y the given amount\r\n$5\r\nsince\r\n$5\r\n2.6.0\r\n$5\r\ngroup\r\n"
    "$6\r\nstring\r\n$10\r\ncomplexity\r\n$4\r\nO(1)\r\n$9\r\narguments"
    "\r\n*2\r\n%3\r\n$4\r\nname\r\n$3\r\nkey\r\n$4\r\ntype\r\n$3\r\nkey"
    "\r\n$14\r\nkey_spec_index\r\n:0\r\n%2\r\n$4\r\nname\r\n$9\r\nincre"
    "ment\r\n$4\r\ntype\r\n$6\r\ndouble\r\n",
    /* info */
    "%6\r\n$7\r\nsummary\r\n$47\r\nGet information and statistics about"
    " the server\r\n$5\r\nsince\r\n$5\r\n1.0.0\r\n$5\r\ngroup\r\n$6\r\n"
    "server\r\n$10\r\ncomplexity\r\n$4\r\nO(1)\r\n$7\r\nhistory\r\n~1\r"
    "\n*2\r\n$5\r\n7.0.0\r\n$52\r\nAdded support for taking multiple se"
    "ction arguments.\r\n$9\r\narguments\r\n*1\r\n%3\r\n$4\r\nname\r\n$"
    "7\r\nsection\r\n$4\r\ntype\r\n$6\r\nstring\r\n$5\r\nflags\r\n~2\r\n"
    "+optional\r\n+multiple\r\n",
    /* keys */
    "%5\r\n$7\r\nsummary\r\n$40\r\nFind all keys matching the given pat"
    "tern\r\n$5\r\nsince\r\n$5\r\n1.0.0\r\n$5\r\ngroup\r\n$7\r\ngeneric"
    "\r\n$10\r\ncomplexity\r\n$152\r\nO(N) with N being the number of k"
    "eys in the database, under the assumption that the key names in th"
    "e database and the given pattern have limited length.\r\n$9\r\narg"
    "uments\r\n*1\r\n%2\r\n$4\r\nname\r\n$7\r\npattern\r\n$4\r\ntype\r\n"
    "$7\r\npattern\r\n",
    /* latency */
    "%5\r\n$7\r\nsummary\r\n$44\r\nA container for latency diagnostics "
    "commands\r\n$5\r\nsince\r\n$6\r\n2.8.13\r\n$5\r\ngroup\r\n$6\r\nse"
    "rver\r\n$10\r\ncomplexity\r\n$22\r\nDepends on subcommand.\r\n$11\r"
    "\nsubcommands\r\n%7\r\n$17\r\nlatency|histogram\r\n%5\r\n$7\r\nsum"
    "mary\r\n$79\r\nReturn the cumulative distribution of latencies of "
    "a subset of commands or all.\r\n$5\r\nsince\r\n$5\r\n7.0.0\r\n$5\r"
    "\ngroup\r\n$6\r\nserver\r\n$10\r\ncomplexity\r\n$80\r\nO(N) where "
    "N is the number of commands with latency information being retriev"
    "ed.\r\n$9\r\narguments\r\n*1\r\n%3\r\n$4\r\nname\r\n$7\r\ncommand\r"
    "\n$4\r\ntype\r\n$6\r\nstring\r\n$5\r\nflags\r\n~2\r\n+optional\r\n"
    "+multiple\r\n$15\r\nlatency|history\r\n%5\r\n$7\r\nsummary\r\n$47\r"
    "\nReturn timestamp-latency samples for the event.\r\n$5\r\nsince\r"
    "\n$6\r\n2.8.13\r\n$5\r\ngroup\r\n$6\r\nserver\r\n$10\r\ncomplexity"
    "\r\n$4\r\nO(1)\r\n$9\r\narguments\r\n*1\r\n%2\r\n$4\r\nname\r\n$5\r"
    "\nevent\r\n$4\r\ntype\r\n$6\r\nstring\r\n$14\r\nlatency|doctor\r\n"
    "%4\r\n$7\r\nsummary\r\n$48\r\nReturn a human readable latency anal"
    "ysis report.\r\n$5\r\nsince\r\n$6\r\n2.8.13\r\n$5\r\ngroup\r\n$6\r"
    "\nserver\r\n$10\r\ncomplexity\r\n$4\r\nO(1)\r\n$13\r\nlatency|rese"
    "t\r\n%5\r\n$7\r\nsummary\r\n$42\r\nReset latency data for one or m"
    "ore events.\r\n$5\r\nsince\r\n$6\r\n2.8.13\r\n$5\r\ngroup\r\n$6\r\n"
    "server\r\n$10\r\ncomplexity\r\n$4\r\nO(1)\r\n$9\r\narguments\r\n*1"
    "\r\n%3\r\n$4\r\nname\r\n$5\r\nevent\r\n$4\r\ntype\r\n$6\r\nstring\r"
    "\n$5\r\nflags\r\n~2\r\n+optional\r\n+multiple\r\n$13\r\nlatency|gr"
    "aph\r\n%5\r\n$7\r\nsummary\r\n$37\r\nReturn a latency graph for th"
    "e event.\r\n$5\r\nsince\r\n$6\r\n2.8.13\r\n$5\r\ngroup\r\n$6\r\nse"
    "rver\r\n$10\r\ncomplexity\r\n$4\r\nO(1)\r\n$9\r\narguments\r\n*1\r"
    "\n%2\r\n$4\r\nname\r\n$5\r\nevent\r\n$4\r\ntype\r\n$6\r\nstring\r\n"
    "$14\r\nlatency|latest\r\n%4\r\n$7\r\nsummary\r\n$49\r\nReturn the "
    "latest latency samples for all events.\r\n$5\r\nsince\r\n$6\r\n2.8"
    ".13\r\n$5\r\ngroup\r\n$6\r\nserver\r\n$10\r\ncomplexity\r\n$4\r\nO"
    "(1)\r\n$12\r\nlatency|help\r\n%4\r\n$7\r\nsummary\r\n$50\r\nShow h"
    "elpful text about the different subcommands.\r\n$5\r\nsince\r\n$6\r"
    "\n2.8.13\r\n$5\r\ngroup\r\n$6\r\nserver\r\n$10\r\ncomplexity\r\n$4"
    "\r\nO(1)\r\n",
    /* lcs */
    "%5\r\n$7\r\nsummary\r\n$29\r\nFind longest common substring\r\n$5\r"
    "\nsince\r\n$5\r\n7.0.0\r\n$5\r\ngroup\r\n$6\r\nstring\r\n$10\r\nco"
    "mplexity\r\n$63\r\nO(N*M) where N and M are the lengths of s1 and "
    "s2, respectively\r\n$9\r\narguments\r\n*6\r\n%3\r\n$4\r\nname\r\n$"
    "4\r\nkey1\r\n$4\r\ntype\r\n$3\r\nkey\r\n$14\r\nkey_spec_index\r\n:"
    "0\r\n%3\r\n$4\r\nname\r\n$4\r\nkey2\r\n$4\r\ntype\r\n$3\r\nkey\r\n"
    "$14\r\nkey_spec_index\r\n:0\r\n%4\r\n$4\r\nname\r\n$3\r\nlen\r\n$4"
    "\r\ntype\r\n$10\r\npure-token\r\n$5\r\ntoken\r\n$3\r\nLEN\r\n$5\r\n"
    "flags\r\n~1\r\n+optional\r\n%4\r\n$4\r\nname\r\n$3\r\nidx\r\n$4\r\n"
    "type\r\n$10\r\npure-token\r\n$5\r\ntoken\r\n$3\r\nIDX\r\n$5\r\nfla"
    "gs\r\n~1\r\n+optional\r\n%4\r\n$4\r\nname\r\n$3\r\nlen\r\n$4\r\nty"
    "pe\r\n$7\r\ninteger\r\n$5\r\ntoken\r\n$11\r\nMINMATCHLEN\r\n$5\r\n"
    "flags\r\n~1\r\n+optional\r\n%4\r\n$4\r\nname\r\n$12\r\nwithmatchle"
    "n\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$5\r\ntoken\r\n$12\r\nWITH"
    "MATCHLEN\r\n$5\r\nflags\r\n~1\r\n+optional\r\n",
    /* mget */
    "%5\r\n$7\r\nsummary\r\n$36\r\nGet the values of all the given keys"
    "\r\n$5\r\nsince\r\n$5\r\n1.0.0\r\n$5\r\ngroup\r\n$6\r\nstring\r\n$"
    "10\r\ncomplexity\r\n$47\r\nO(N) where N is the number of keys to r"
    "etrieve.\r\n$9\r\narguments\r\n*1\r\n%4\r\n$4\r\nname\r\n$3\r\nkey"
    "\r\n$4\r\ntype\r\n$3\r\nkey\r\n$14\r\nkey_spec_index\r\n:0\r\n$5\r"
    "\nflags\r\n~1\r\n+multiple\r\n",
    /* monitor */
    "%3\r\n$7\r\nsummary\r\n$59\r\nListen for all requests received by "
    "the server in real time\r\n$5\r\nsince\r\n$5\r\n1.0.0\r\n$5\r\ngro"
    "up\r\n$6\r\nserver\r\n",
    /* move */
    "%5\r\n$7\r\nsummary\r\n$30\r\nMove a key to another database\r\n$5"
    "\r\nsince\r\n$5\r\n1.0.0\r\n$5\r\ngroup\r\n$7\r\ngeneric\r\n$10\r\n"
    "complexity\r\n$4\r\nO(1)\r\n$9\r\narguments\r\n*2\r\n%3\r\n$4\r\nn"
    "ame\r\n$3\r\nkey\r\n$4\r\ntype\r\n$3\r\nkey\r\n$14\r\nkey_spec_ind"
    "ex\r\n:0\r\n%2\r\n$4\r\nname\r\n$2\r\ndb\r\n$4\r\ntype\r\n$7\r\nin"
    "teger\r\n",
    /* mset */
    "%5\r\n$7\r\nsummary\r\n$36\r\nSet multiple keys to multiple values"
    "\r\n$5\r\nsince\r\n$5\r\n1.0.1\r\n$5\r\ngroup\r\n$6\r\nstring\r\n$"
    "10\r\ncomplexity\r\n$42\r\nO(N) where N is the number of keys to s"
    "et.\r\n$9\r\narguments\r\n*1\r\n%4\r\n$4\r\nname\r\n$9\r\nkey_valu"
    "e\r\n$4\r\ntype\r\n$5\r\nblock\r\n$5\r\nflags\r\n~1\r\n+multiple\r"
    "\n$9\r\narguments\r\n*2\r\n%3\r\n$4\r\nname\r\n$3\r\nkey\r\n$4\r\n"
    "type\r\n$3\r\nkey\r\n$14\r\nkey_spec_index\r\n:0\r\n%2\r\n$4\r\nna"
    "me\r\n$5\r\nvalue\r\n$4\r\ntype\r\n$6\r\nstring\r\n",
    /* msetnx */
    "%5\r\n$7\r\nsummary\r\n$68\r\nSet multiple keys to multiple values"
    ", only if none of the keys exist\r\n$5\r\nsince\r\n$5\r\n1.0.1\r\n"
    "$5\r\ngroup\r\n$6\r\nstring\r\n$10\r\ncomplexity\r\n$42\r\nO(N) wh"
    "ere N is the number of keys to set.\r\n$9\r\narguments\r\n*1\r\n%4"
    "\r\n$4\r\nname\r\n$9\r\nkey_value\r\n$4\r\ntype\r\n$5\r\nblock\r\n"
    "$5\r\nflags\r\n~1\r\n+multiple\r\n$9\r\narguments\r\n*2\r\n%3\r\n$"
    "4\r\nname\r\n$3\r\nkey\r\n$4\r\ntype\r\n$3\r\nkey\r\n$14\r\nkey_sp"
    "ec_index\r\n:0\r\n%2\r\n$4\r\nname\r\n$5\r\nvalue\r\n$4\r\ntype\r\n"
    "$6\r\nstring\r\n",
    /* multi */
    "%4\r\n$7\r\nsummary\r\n$37\r\nMark the start of a transaction bloc"
    "k\r\n$5\r\nsince\r\n$5\r\n1.2.0\r\n$5\r\ngroup\r\n$12\r\ntransacti"
    "ons\r\n$10\r\ncomplexity\r\n$4\r\nO(1)\r\n",
    /* object */
    "%5\r\n$7\r\nsummary\r\n$45\r\nA container for object introspection"
    " commands\r\n$5\r\nsince\r\n$5\r\n2.2.3\r\n$5\r\ngroup\r\n$7\r\nge"
    "neric\r\n$10\r\ncomplexity\r\n$22\r\nDepends on subcommand.\r\n$11"
    "\r\nsubcommands\r\n%5\r\n$15\r\nobject|encoding\r\n%5\r\n$7\r\nsum"
    "mary\r\n$47\r\nInspect the internal encoding of a Redis object\r\n"
    "$5\r\nsince\r\n$5\r\n2.2.3\r\n$5\r\ngroup\r\n$7\r\ngeneric\r\n$10\r"
    "\ncomplexity\r\n$4\r\nO(1)\r\n$9\r\narguments\r\n*1\r\n%3\r\n$4\r\n"
    "name\r\n$3\r\nkey\r\n$4\r\ntype\r\n$3\r\nkey\r\n$14\r\nkey_spec_in"
    "dex\r\n:0\r\n$11\r\nobject|freq\r\n%5\r\n$7\r\nsummary\r\n$62\r\nG"
    "et the logarithmic access frequency counter of a Redis object\r\n$"
    "5\r\nsince\r\n$5\r\n4.0.0\r\n$5\r\ngroup\r\n$7\r\ngeneric\r\n$10\r"
    "\ncomplexity\r\n$4\r\nO(1)\r\n$9\r\narguments\r\n*1\r\n%3\r\n$4\r\n"
    "name\r\n$3\r\nkey\r\n$4\r\ntype\r\n$3\r\nkey\r\n$14\r\nkey_spec_in"
    "dex\r\n:0\r\n$11\r\nobject|help\r\n%4\r\n$7\r\nsummary\r\n$49\r\nS"
    "how helpful text about the different subcommands\r\n$5\r\nsince\r\n"
    "$5\r\n6.2.0\r\n$5\r\ngroup\r\n$7\r\ngeneric\r\n$10\r\ncomplexity\r"
    "\n$4\r\nO(1)\r\n$15\r\nobject|idletime\r\n%5\r\n$7\r\nsummary\r\n$"
    "51\r\nGet the time since a Redis object was last accessed\r\n$5\r\n"
    "since\r\n$5\r\n2.2.3\r\n$5\r\ngroup\r\n$7\r\ngeneric\r\n$10\r\ncom"
    "plexity\r\n$4\r\nO(1)\r\n$9\r\narguments\r\n*1\r\n%3\r\n$4\r\nname"
    "\r\n$3\r\nkey\r\n$4\r\ntype\r\n$3\r\nkey\r\n$14\r\nkey_spec_index\r"
    "\n:0\r\n$15\r\nobject|refcount\r\n%5\r\n$7\r\nsummary\r\n$52\r\nGe"
    "t the number of references to the value of the key\r\n$5\r\nsince\r"
    "\n$5\r\n2.2.3\r\n$5\r\ngroup\r\n$7\r\ngeneric\r\n$10\r\ncomplexity"
    "\r\n$4\r\nO(1)\r\n$9\r\narguments\r\n*1\r\n%3\r\n$4\r\nname\r\n$3\r"
    "\nkey\r\n$4\r\ntype\r\n$3\r\nkey\r\n$14\r\nkey_spec_index\r\n:0\r\n",
    /* persist */
    "%5\r\n$7\r\nsummary\r\n$32\r\nRemove the expiration from a key\r\n"
    "$5\r\nsince\r\n$5\r\n2.2.0\r\n$5\r\ngroup\r\n$7\r\ngeneric\r\n$10\r"
    "\ncomplexity\r\n$4\r\nO(1)\r\n$9\r\narguments\r\n*1\r\n%3\r\n$4\r\n"
    "name\r\n$3\r\nkey\r\n$4\r\ntype\r\n$3\r\nkey\r\n$14\r\nkey_spec_in"
    "dex\r\n:0\r\n",
    /* pexpire */
    "%6\r\n$7\r\nsummary\r\n$40\r\nSet a key's time to live in millisec"
    "onds\r\n$5\r\nsince\r\n$5\r\n2.6.0\r\n$5\r\ngroup\r\n$7\r\ngeneric"
    "\r\n$10\r\ncomplexity\r\n$4\r\nO(1)\r\n$7\r\nhistory\r\n~1\r\n*2\r"
    "\n$5\r\n7.0.0\r\n$41\r\nAdded options: `NX`, `XX`, `GT` and `LT`.\r"
    "\n$9\r\narguments\r\n*3\r\n%3\r\n$4\r\nname\r\n$3\r\nkey\r\n$4\r\n"
    "type\r\n$3\r\nkey\r\n$14\r\nkey_spec_index\r\n:0\r\n%2\r\n$4\r\nna"
    "me\r\n$12\r\nmilliseconds\r\n$4\r\ntype\r\n$7\r\ninteger\r\n%5\r\n"
    "$4\r\nname\r\n$9\r\ncondition\r\n$4\r\ntype\r\n$5\r\noneof\r\n$5\r"
    "\nsince\r\n$5\r\n7.0.0\r\n$5\r\nflags\r\n~1\r\n+optional\r\n$9\r\n"
    "arguments\r\n*4\r\n%3\r\n$4\r\nname\r\n$2\r\nnx\r\n$4\r\ntype\r\n$"
    "10\r\npure-token\r\n$5\r\ntoken\r\n$2\r\nNX\r\n%3\r\n$4\r\nname\r\n"
    "$2\r\nxx\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$5\r\ntoken\r\n$2\r"
    "\nXX\r\n%3\r\n$4\r\nname\r\n$2\r\ngt\r\n$4\r\ntype\r\n$10\r\npure-"
    "token\r\n$5\r\ntoken\r\n$2\r\nGT\r\n%3\r\n$4\r\nname\r\n$2\r\nlt\r"
    "\n$4\r\ntype\r\n$10\r\npure-token\r\n$5\r\ntoken\r\n$2\r\nLT\r\n",
    /* pexpireat */
    "%6\r\n$7\r\nsummary\r\n$74\r\nSet the expiration for a key as a UN"
    "IX timestamp specified in milliseconds\r\n$5\r\nsince\r\n$5\r\n2.6"
    ".0\r\n$5\r\ngroup\r\n$7\r\ngeneric\r\n$10\r\ncomplexity\r\n$4\r\nO"
    "(1)\r\n$7\r\nhistory\r\n~1\r\n*2\r\n$5\r\n7.0.0\r\n$41\r\nAdded op"
    "tions: `NX`, `XX`, `GT` and `LT`.\r\n$9\r\narguments\r\n*3\r\n%3\r"
    "\n$4\r\nname\r\n$3\r\nkey\r\n$4\r\ntype\r\n$3\r\nkey\r\n$14\r\nkey"
    "_spec_index\r\n:0\r\n%2\r\n$4\r\nname\r\n$22\r\nunix-time-millisec"
    "onds\r\n$4\r\ntype\r\n$9\r\nunix-time\r\n%5\r\n$4\r\nname\r\n$9\r\n"
    "condition\r\n$4\r\ntype\r\n$5\r\noneof\r\n$5\r\nsince\r\n$5\r\n7.0"
    ".0\r\n$5\r\nflags\r\n~1\r\n+optional\r\n$9\r\narguments\r\n*4\r\n%"
    "3\r\n$4\r\nname\r\n$2\r\nnx\r\n$4\r\ntype\r\n$10\r\npure-token\r\n"
    "$5\r\ntoken\r\n$2\r\nNX\r\n%3\r\n$4\r\nname\r\n$2\r\nxx\r\n$4\r\nt"
    "ype\r\n$10\r\npure-token\r\n$5\r\ntoken\r\n$2\r\nXX\r\n%3\r\n$4\r\n"
    "name\r\n$2\r\ngt\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$5\r\ntoken"
    "\r\n$2\r\nGT\r\n%3\r\n$4\r\nname\r\n$2\r\nlt\r\n$4\r\ntype\r\n$10\r"
    "\npure-token\r\n$5\r\ntoken\r\n$2\r\nLT\r\n",
    /* pexpiretime */
    "%5\r\n$7\r\nsummary\r\n$59\r\nGet the expiration Unix timestamp fo"
    "r a key in milliseconds\r\n$5\r\nsince\r\n$5\r\n7.0.0\r\n$5\r\ngro"
    "up\r\n$7\r\ngeneric\r\n$10\r\ncomplexity\r\n$4\r\nO(1)\r\n$9\r\nar"
    "guments\r\n*1\r\n%3\r\n$4\r\nname\r\n$3\r\nkey\r\n$4\r\ntype\r\n$3"
    "\r\nkey\r\n$14\r\nkey_spec_index\r\n:0\r\n",
    /* ping */
    "%5\r\n$7\r\nsummary\r\n$15\r\nPing the server\r\n$5\r\nsince\r\n$5"
    "\r\n1.0.0\r\n$5\r\ngroup\r\n$10\r\nconnection\r\n$10\r\ncomplexity"
    "\r\n$4\r\nO(1)\r\n$9\r\narguments\r\n*1\r\n%3\r\n$4\r\nname\r\n$7\r"
    "\nmessage\r\n$4\r\ntype\r\n$6\r\nstring\r\n$5\r\nflags\r\n~1\r\n+o"
    "ptional\r\n",
    /* psetex */
    "%5\r\n$7\r\nsummary\r\n$53\r\nSet the value and expiration in mill"
    "iseconds of a key\r\n$5\r\nsince\r\n$5\r\n2.6.0\r\n$5\r\ngroup\r\n"
    "$6\r\nstring\r\n$10\r\ncomplexity\r\n$4\r\nO(1)\r\n$9\r\narguments"
    "\r\n*3\r\n%3\r\n$4\r\nname\r\n$3\r\nkey\r\n$4\r\ntype\r\n$3\r\nkey"
    "\r\n$14\r\nkey_spec_index\r\n:0\r\n%2\r\n$4\r\nname\r\n$12\r\nmill"
    "iseconds\r\n$4\r\ntype\r\n$7\r\ninteger\r\n%2\r\n$4\r\nname\r\n$5\r"
    "\nvalue\r\n$4\r\ntype\r\n$6\r\nstring\r\n",
    /* psubscribe */
    "%5\r\n$7\r\nsummary\r\n$69\r\nListen for messages published to cha"
    "nnels matching the given patterns\r\n$5\r\nsince\r\n$5\r\n2.0.0\r\n"
    "$5\r\ngroup\r\n$6\r\npubsub\r\n$10\r\ncomplexity\r\n$75\r\nO(N) wh"
    "ere N is the number of patterns the client is already subscribed t"
    "o.\r\n$9\r\narguments\r\n*1\r\n%4\r\n$4\r\nname\r\n$7\r\npattern\r"
    "\n$4\r\ntype\r\n$5\r\nblock\r\n$5\r\nflags\r\n~1\r\n+multiple\r\n$"
    "9\r\narguments\r\n*1\r\n%2\r\n$4\r\nname\r\n$7\r\npattern\r\n$4\r\n"
    "type\r\n$7\r\npattern\r\n",
    /* pttl */
    "%6\r\n$7\r\nsummary\r\n$46\r\nGet the time to live for a key in mi"
    "lliseconds\r\n$5\r\nsince\r\n$5\r\n2.6.0\r\n$5\r\ngroup\r\n$7\r\ng"
    "eneric\r\n$10\r\ncomplexity\r\n$4\r\nO(1)\r\n$7\r\nhistory\r\n~1\r"
    "\n*2\r\n$5\r\n2.8.0\r\n$19\r\nAdded the -2 reply.\r\n$9\r\nargumen"
    "ts\r\n*1\r\n%3\r\n$4\r\nname\r\n$3\r\nkey\r\n$4\r\ntype\r\n$3\r\nk"
    "ey\r\n$14\r\nkey_spec_index\r\n:0\r\n",
    /* publish */
    "%5\r\n$7\r\nsummary\r\n$27\r\nPost a message to a channel\r\n$5\r\n"
    "since\r\n$5\r\n2.0.0\r\n$5\r\ngroup\r\n$6\r\npubsub\r\n$10\r\ncomp"
    "lexity\r\n$141\r\nO(N+M) where N is the number of clients subscrib"
    "ed to the receiving channel and M is the total number of subscribe"
    "d patterns (by any client).\r\n$9\r\narguments\r\n*2\r\n%2\r\n$4\r"
    "\nname\r\n$7\r\nchannel\r\n$4\r\ntype\r\n$6\r\nstring\r\n%2\r\n$4\r"
    "\nname\r\n$7\r\nmessage\r\n$4\r\ntype\r\n$6\r\nstring\r\n",
    /* pubsub */
    "%5\r\n$7\r\nsummary\r\n$32\r\nA container for Pub/Sub commands\r\n"
    "$5\r\nsince\r\n$5\r\n2.8.0\r\n$5\r\ngroup\r\n$6\r\npubsub\r\n$10\r"
    "\ncomplexity\r\n$22\r\nDepends on subcommand.\r\n$11\r\nsubcommand"
    "s\r\n%6\r\n$11\r\npubsub|help\r\n%4\r\n$7\r\nsummary\r\n$49\r\nSho"
    "w helpful text about the different subcommands\r\n$5\r\nsince\r\n$"
    "5\r\n6.2.0\r\n$5\r\ngroup\r\n$6\r\npubsub\r\n$10\r\ncomplexity\r\n"
    "$4\r\nO(1)\r\n$13\r\npubsub|numpat\r\n%4\r\n$7\r\nsummary\r\n$54\r"
    "\nGet the count of unique patterns pattern subscriptions\r\n$5\r\n"
    "since\r\n$5\r\n2.8.0\r\n$5\r\ngroup\r\n$6\r\npubsub\r\n$10\r\ncomp"
    "lexity\r\n$4\r\nO(1)\r\n$15\r\npubsub|channels\r\n%5\r\n$7\r\nsumm"
    "ary\r\n$20\r\nList active channels\r\n$5\r\nsince\r\n$5\r\n2.8.0\r"
    "\n$5\r\ngroup\r\n$6\r\npubsub\r\n$10\r\ncomplexity\r\n$131\r\nO(N)"
    " where N is the number of active channels, and assuming constant t"
    "ime pattern matching (relatively short channels and patterns)\r\n$"
    "9\r\narguments\r\n*1\r\n%3\r\n$4\r\nname\r\n$7\r\npattern\r\n$4\r\n"
    "type\r\n$7\r\npattern\r\n$5\r\nflags\r\n~1\r\n+optional\r\n$13\r\n"
    "pubsub|numsub\r\n%5\r\n$7\r\nsummary\r\n$41\r\nGet the count of su"
    "bscribers for channels\r\n$5\r\nsince\r\n$5\r\n2.8.0\r\n$5\r\ngrou"
    "p\r\n$6\r\npubsub\r\n$10\r\ncomplexity\r\n$75\r\nO(N) for the NUMS"
    "UB subcommand, where N is the number of requested channels\r\n$9\r"
    "\narguments\r\n*1\r\n%3\r\n$4\r\nname\r\n$7\r\nchannel\r\n$4\r\nty"
    "pe\r\n$6\r\nstring\r\n$5\r\nflags\r\n~2\r\n+optional\r\n+multiple\r"
    "\n$20\r\npubsub|shardchannels\r\n%5\r\n$7\r\nsummary\r\n$26\r\nLis"
    "t active shard channels\r\n$5\r\nsince\r\n$5\r\n7.0.0\r\n$5\r\ngro"
    "up\r\n$6\r\npubsub\r\n$10\r\ncomplexity\r\n$131\r\nO(N) where N is"
    " the number of active shard channels, and assuming constant time p"
    "attern matching (relatively short shard channels).\r\n$9\r\nargume"
    "nts\r\n*1\r\n%3\r\n$4\r\nname\r\n$7\r\npattern\r\n$4\r\ntype\r\n$7"
    "\r\npattern\r\n$5\r\nflags\r\n~1\r\n+optional\r\n$18\r\npubsub|sha"
    "rdnumsub\r\n%5\r\n$7\r\nsummary\r\n$47\r\nGet the count of subscri"
    "bers for shard channels\r\n$5\r\nsince\r\n$5\r\n7.0.0\r\n$5\r\ngro"
    "up\r\n$6\r\npubsub\r\n$10\r\ncomplexity\r\n$86\r\nO(N) for the SHA"
    "RDNUMSUB subcommand, where N is the number of requested shard chan"
    "nels\r\n$9\r\narguments\r\n*1\r\n%3\r\n$4\r\nname\r\n$12\r\nshardc"
    "hannel\r\n$4\r\ntype\r\n$6\r\nstring\r\n$5\r\nflags\r\n~2\r\n+opti"
    "onal\r\n+multiple\r\n",
    /* punsubscribe */
    "%5\r\n$7\r\nsummary\r\n$74\r\nStop listening for messages posted t"
    "o channels matching the given patterns\r\n$5\r\nsince\r\n$5\r\n2.0"
    ".0\r\n$5\r\ngroup\r\n$6\r\npubsub\r\n$10\r\ncomplexity\r\n$153\r\n"
    "O(N+M) where N is the number of patterns the client is already sub"
    "scribed and M is the number of total patterns subscribed in the sy"
    "stem (by any client).\r\n$9\r\narguments\r\n*1\r\n%3\r\n$4\r\nname"
    "\r\n$7\r\npattern\r\n$4\r\ntype\r\n$7\r\npattern\r\n$5\r\nflags\r\n"
    "~2\r\n+optional\r\n+multiple\r\n",
    /* quit */
    "%4\r\n$7\r\nsummary\r\n$20\r\nClose the connection\r\n$5\r\nsince\r"
    "\n$5\r\n1.0.0\r\n$5\r\ngroup\r\n$10\r\nconnection\r\n$10\r\ncomple"
    "xity\r\n$4\r\nO(1)\r\n",
    /* randomkey */
    "%4\r\n$7\r\nsummary\r\n$37\r\nReturn a random key from the keyspac"
    "e\r\n$5\r\nsince\r\n$5\r\n1.0.0\r\n$5\r\ngroup\r\n$7\r\ngeneric\r\n"
    "$10\r\ncomplexity\r\n$4\r\nO(1)\r\n",
    /* rename */
    "%5\r\n$7\r\nsummary\r\n$12\r\nRename a key\r\n$5\r\nsince\r\n$5\r\n"
    "1.0.0\r\n$5\r\ngroup\r\n$7\r\ngeneric\r\n$10\r\ncomplexity\r\n$4\r"
    "\nO(1)\r\n$9\r\narguments\r\n*2\r\n%3\r\n$4\r\nname\r\n$3\r\nkey\r"
    "\n$4\r\ntype\r\n$3\r\nkey\r\n$14\r\nkey_spec_index\r\n:0\r\n%3\r\n"
    "$4\r\nname\r\n$6\r\nnewkey\r\n$4\r\ntype\r\n$3\r\nkey\r\n$14\r\nke"
    "y_spec_index\r\n:1\r\n",
    /* renamenx */
    "%6\r\n$7\r\nsummary\r\n$48\r\nRename a key, only if the new key do"
    "es not exist\r\n$5\r\nsince\r\n$5\r\n1.0.0\r\n$5\r\ngroup\r\n$7\r\n"
    "generic\r\n$10\r\ncomplexity\r\n$4\r\nO(1)\r\n$7\r\nhistory\r\n~1\r"
    "\n*2\r\n$5\r\n3.2.0\r\n$86\r\nThe command no longer returns an err"
    "or when source and destination names are the same.\r\n$9\r\nargume"
    "nts\r\n*2\r\n%3\r\n$4\r\nname\r\n$3\r\nkey\r\n$4\r\ntype\r\n$3\r\n"
    "key\r\n$14\r\nkey_spec_index\r\n:0\r\n%3\r\n$4\r\nname\r\n$6\r\nne"
    "wkey\r\n$4\r\ntype\r\n$3\r\nkey\r\n$14\r\nkey_spec_index\r\n:1\r\n",
    /* reset */
    "%4\r\n$7\r\nsummary\r\n$20\r\nReset the connection\r\n$5\r\nsince\r"
    "\n$5\r\n6.2.0\r\n$5\r\ngroup\r\n$10\r\nconnection\r\n$10\r\ncomple"
    "xity\r\n$4\r\nO(1)\r\n",
    /* scan */
    "%6\r\n$7\r\nsummary\r\n$36\r\nIncrementally iterate the keys space"
    "\r\n$5\r\nsince\r\n$5\r\n2.8.0\r\n$5\r\ngroup\r\n$7\r\ngeneric\r\n"
    "$10\r\ncomplexity\r\n$169\r\nO(1) for every call. O(N) for a compl"
    "ete iteration, including enough command calls for the cursor to re"
    "turn back to 0. N is the number of elements inside the collection."
    "\r\n$7\r\nhistory\r\n~1\r\n*2\r\n$5\r\n6.0.0\r\n$28\r\nAdded the `"
    "TYPE` subcommand.\r\n$9\r\narguments\r\n*4\r\n%2\r\n$4\r\nname\r\n"
    "$6\r\ncursor\r\n$4\r\ntype\r\n$7\r\ninteger\r\n%4\r\n$4\r\nname\r\n"
    "$7\r\npattern\r\n$4\r\ntype\r\n$7\r\npattern\r\n$5\r\ntoken\r\n$5\r"
    "\nMATCH\r\n$5\r\nflags\r\n~1\r\n+optional\r\n%4\r\n$4\r\nname\r\n$"
    "5\r\ncount\r\n$4\r\ntype\r\n$7\r\ninteger\r\n$5\r\ntoken\r\n$5\r\n"
    "COUNT\r\n$5\r\nflags\r\n~1\r\n+optional\r\n%5\r\n$4\r\nname\r\n$4\r"
    "\ntype\r\n$4\r\ntype\r\n$6\r\nstring\r\n$5\r\ntoken\r\n$4\r\nTYPE\r"
    "\n$5\r\nsince\r\n$5\r\n6.0.0\r\n$5\r\nflags\r\n~1\r\n+optional\r\n",
    /* select */
    "%5\r\n$7\r\nsummary\r\n$55\r\nChange the selected database for the"
    " current connection\r\n$5\r\nsince\r\n$5\r\n1.0.0\r\n$5\r\ngroup\r"
    "\n$10\r\nconnection\r\n$10\r\ncomplexity\r\n$4\r\nO(1)\r\n$9\r\nar"
    "guments\r\n*1\r\n%2\r\n$4\r\nname\r\n$5\r\nindex\r\n$4\r\ntype\r\n"
    "$7\r\ninteger\r\n",
    /* set */
    "%6\r\n$7\r\nsummary\r\n$29\r\nSet the string value of a key\r\n$5\r"
    "\nsince\r\n$5\r\n1.0.0\r\n$5\r\ngroup\r\n$6\r\nstring\r\n$10\r\nco"
    "mplexity\r\n$4\r\nO(1)\r\n$7\r\nhistory\r\n~4\r\n*2\r\n$6\r\n2.6.1"
    "2\r\n$44\r\nAdded the `EX`, `PX`, `NX` and `XX` options.\r\n*2\r\n"
    "$5\r\n6.0.0\r\n$27\r\nAdded the `KEEPTTL` option.\r\n*2\r\n$5\r\n6"
    ".2.0\r\n$42\r\nAdded the `GET`, `EXAT` and `PXAT` option.\r\n*2\r\n"
    "$5\r\n7.0.0\r\n$55\r\nAllowed the `NX` and `GET` options to be use"
    "d together.\r\n$9\r\narguments\r\n*5\r\n%3\r\n$4\r\nname\r\n$3\r\n"
    "key\r\n$4\r\ntype\r\n$3\r\nkey\r\n$14\r\nkey_spec_index\r\n:0\r\n%"
    "2\r\n$4\r\nname\r\n$5\r\nvalue\r\n$4\r\ntype\r\n$6\r\nstring\r\n%5"
    "\r\n$4\r\nname\r\n$9\r\ncondition\r\n$4\r\ntype\r\n$5\r\noneof\r\n"
    "$5\r\nsince\r\n$6\r\n2.6.12\r\n$5\r\nflags\r\n~1\r\n+optional\r\n$"
    "9\r\narguments\r\n*2\r\n%3\r\n$4\r\nname\r\n$2\r\nnx\r\n$4\r\ntype"
    "\r\n$10\r\npure-token\r\n$5\r\ntoken\r\n$2\r\nNX\r\n%3\r\n$4\r\nna"
    "me\r\n$2\r\nxx\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$5\r\ntoken\r"
    "\n$2\r\nXX\r\n%5\r\n$4\r\nname\r\n$3\r\nget\r\n$4\r\ntype\r\n$10\r"
    "\npure-token\r\n$5\r\ntoken\r\n$3\r\nGET\r\n$5\r\nsince\r\n$5\r\n6"
    ".2.0\r\n$5\r\nflags\r\n~1\r\n+optional\r\n%4\r\n$4\r\nname\r\n$10\r"
    "\nexpiration\r\n$4\r\ntype\r\n$5\r\noneof\r\n$5\r\nflags\r\n~1\r\n"
    "+optional\r\n$9\r\narguments\r\n*5\r\n%4\r\n$4\r\nname\r\n$7\r\nse"
    "conds\r\n$4\r\ntype\r\n$7\r\ninteger\r\n$5\r\ntoken\r\n$2\r\nEX\r\n"
    "$5\r\nsince\r\n$6\r\n2.6.12\r\n%4\r\n$4\r\nname\r\n$12\r\nmillisec"
    "onds\r\n$4\r\ntype\r\n$7\r\ninteger\r\n$5\r\ntoken\r\n$2\r\nPX\r\n"
    "$5\r\nsince\r\n$6\r\n2.6.12\r\n%4\r\n$4\r\nname\r\n$17\r\nunix-tim"
    "e-seconds\r\n$4\r\ntype\r\n$9\r\nunix-time\r\n$5\r\ntoken\r\n$4\r\n"
    "EXAT\r\n$5\r\nsince\r\n$5\r\n6.2.0\r\n%4\r\n$4\r\nname\r\n$22\r\nu"
    "nix-time-milliseconds\r\n$4\r\ntype\r\n$9\r\nunix-time\r\n$5\r\nto"
    "ken\r\n$4\r\nPXAT\r\n$5\r\nsince\r\n$5\r\n6.2.0\r\n%4\r\n$4\r\nnam"
    "e\r\n$7\r\nkeepttl\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$5\r\ntok"
    "en\r\n$7\r\nKEEPTTL\r\n$5\r\nsince\r\n$5\r\n6.0.0\r\n",
    /* setex */
    "%5\r\n$7\r\nsummary\r\n$37\r\nSet the value and expiration of a ke"
    "y\r\n$5\r\nsince\r\n$5\r\n2.0.0\r\n$5\r\ngroup\r\n$6\r\nstring\r\n"
    "$10\r\ncomplexity\r\n$4\r\nO(1)\r\n$9\r\narguments\r\n*3\r\n%3\r\n"
    "$4\r\nname\r\n$3\r\nkey\r\n$4\r\ntype\r\n$3\r\nkey\r\n$14\r\nkey_s"
    "pec_index\r\n:0\r\n%2\r\n$4\r\nname\r\n$7\r\nseconds\r\n$4\r\ntype"
    "\r\n$7\r\ninteger\r\n%2\r\n$4\r\nname\r\n$5\r\nvalue\r\n$4\r\ntype"
    "\r\n$6\r\nstring\r\n",
    /* setnx */
    "%5\r\n$7\r\nsummary\r\n$54\r\nSet the value of a key, only if the "
    "key does not exist\r\n$5\r\nsince\r\n$5\r\n1.0.0\r\n$5\r\ngroup\r\n"
    "$6\r\nstring\r\n$10\r\ncomplexity\r\n$4\r\nO(1)\r\n$9\r\narguments"
    "\r\n*2\r\n%3\r\n$4\r\nname\r\n$3\r\nkey\r\n$4\r\ntype\r\n$3\r\nkey"
    "\r\n$14\r\nkey_spec_index\r\n:0\r\n%2\r\n$4\r\nname\r\n$5\r\nvalue"
    "\r\n$4\r\ntype\r\n$6\r\nstring\r\n",
    /* setrange */
    "%5\r\n$7\r\nsummary\r\n$66\r\nOverwrite part of a string at key st"
    "arting at the specified offset\r\n$5\r\nsince\r\n$5\r\n2.2.0\r\n$5"
    "\r\ngroup\r\n$6\r\nstring\r\n$10\r\ncomplexity\r\n$215\r\nO(1), no"
    "t counting the time taken to copy the new string in place. Usually"
    ", this string is very small so the amortized complexity is O(1). O"
    "therwise, complexity is O(M) with M being the length of the value "
    "argument.\r\n$9\r\narguments\r\n*3\r\n%3\r\n$4\r\nname\r\n$3\r\nke"
    "y\r\n$4\r\ntype\r\n$3\r\nkey\r\n$14\r\nkey_spec_index\r\n:0\r\n%2\r"
    "\n$4\r\nname\r\n$6\r\noffset\r\n$4\r\ntype\r\n$7\r\ninteger\r\n%2\r"
    "\n$4\r\nname\r\n$5\r\nvalue\r\n$4\r\ntype\r\n$6\r\nstring\r\n",
    /* shutdown */
    "%6\r\n$7\r\nsummary\r\n$68\r\nSynchronously save the dataset to di"
    "sk and then shut down the server\r\n$5\r\nsince\r\n$5\r\n1.0.0\r\n"
    "$5\r\ngroup\r\n$6\r\nserver\r\n$10\r\ncomplexity\r\n$103\r\nO(N) w"
    "hen saving, where N is the total number of keys in all databases w"
    "hen saving data, otherwise O(1)\r\n$7\r\nhistory\r\n~1\r\n*2\r\n$5"
    "\r\n7.0.0\r\n$47\r\nAdded the `NOW`, `FORCE` and `ABORT` modifiers"
    ".\r\n$9\r\narguments\r\n*4\r\n%4\r\n$4\r\nname\r\n$11\r\nnosave_sa"
    "ve\r\n$4\r\ntype\r\n$5\r\noneof\r\n$5\r\nflags\r\n~1\r\n+optional\r"
    "\n$9\r\narguments\r\n*2\r\n%3\r\n$4\r\nname\r\n$6\r\nnosave\r\n$4\r"
    "\ntype\r\n$10\r\npure-token\r\n$5\r\ntoken\r\n$6\r\nNOSAVE\r\n%3\r"
    "\n$4\r\nname\r\n$4\r\nsave\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$"
    "5\r\ntoken\r\n$4\r\nSAVE\r\n%5\r\n$4\r\nname\r\n$3\r\nnow\r\n$4\r\n"
    "type\r\n$10\r\npure-token\r\n$5\r\ntoken\r\n$3\r\nNOW\r\n$5\r\nsin"
    "ce\r\n$5\r\n7.0.0\r\n$5\r\nflags\r\n~1\r\n+optional\r\n%5\r\n$4\r\n"
    "name\r\n$5\r\nforce\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$5\r\nto"
    "ken\r\n$5\r\nFORCE\r\n$5\r\nsince\r\n$5\r\n7.0.0\r\n$5\r\nflags\r\n"
    "~1\r\n+optional\r\n%5\r\n$4\r\nname\r\n$5\r\nabort\r\n$4\r\ntype\r"
    "\n$10\r\npure-token\r\n$5\r\ntoken\r\n$5\r\nABORT\r\n$5\r\nsince\r"
    "\n$5\r\n7.0.0\r\n$5\r\nflags\r\n~1\r\n+optional\r\n",
    /* slowlog */
    "%5\r\n$7\r\nsummary\r\n$33\r\nA container for slow log commands\r\n"
    "$5\r\nsince\r\n$6\r\n2.2.12\r\n$5\r\ngroup\r\n$6\r\nserver\r\n$10\r"
    "\ncomplexity\r\n$22\r\nDepends on subcommand.\r\n$11\r\nsubcommand"
    "s\r\n%4\r\n$11\r\nslowlog|len\r\n%4\r\n$7\r\nsummary\r\n$25\r\nGet"
    " the slow log's length\r\n$5\r\nsince\r\n$6\r\n2.2.12\r\n$5\r\ngro"
    "up\r\n$6\r\nserver\r\n$10\r\ncomplexity\r\n$4\r\nO(1)\r\n$12\r\nsl"
    "owlog|help\r\n%4\r\n$7\r\nsummary\r\n$49\r\nShow helpful text abou"
    "t the different subcommands\r\n$5\r\nsince\r\n$5\r\n6.2.0\r\n$5\r\n"
    "group\r\n$6\r\nserver\r\n$10\r\ncomplexity\r\n$4\r\nO(1)\r\n$13\r\n"
    "slowlog|reset\r\n%4\r\n$7\r\nsummary\r\n$35\r\nClear all entries f"
    "rom the slow log\r\n$5\r\nsince\r\n$6\r\n2.2.12\r\n$5\r\ngroup\r\n"
    "$6\r\nserver\r\n$10\r\ncomplexity\r\n$52\r\nO(N) where N is the nu"
    "mber of entries in the slowlog\r\n$11\r\nslowlog|get\r\n%6\r\n$7\r"
    "\nsummary\r\n$26\r\nGet the slow log's entries\r\n$5\r\nsince\r\n$"
    "6\r\n2.2.12\r\n$5\r\ngroup\r\n$6\r\nserver\r\n$10\r\ncomplexity\r\n"
    "$46\r\nO(N) where N is the number of entries returned\r\n$7\r\nhis"
    "tory\r\n~1\r\n*2\r\n$5\r\n4.0.0\r\n$52\r\nAdded client IP address,"
    " port and name to the reply.\r\n$9\r\narguments\r\n*1\r\n%3\r\n$4\r"
    "\nname\r\n$5\r\ncount\r\n$4\r\ntype\r\n$7\r\ninteger\r\n$5\r\nflag"
    "s\r\n~1\r\n+optional\r\n",
    /* strlen */
    "%5\r\n$7\r\nsummary\r\n$43\r\nGet the length of the value stored i"
    "n a key\r\n$5\r\nsince\r\n$5\r\n2.2.0\r\n$5\r\ngroup\r\n$6\r\nstri"
    "ng\r\n$10\r\ncomplexity\r\n$4\r\nO(1)\r\n$9\r\narguments\r\n*1\r\n"
    "%3\r\n$4\r\nname\r\n$3\r\nkey\r\n$4\r\ntype\r\n$3\r\nkey\r\n$14\r\n"
    "key_spec_index\r\n:0\r\n",
    /* subscribe */
    "%5\r\n$7\r\nsummary\r\n$51\r\nListen for messages published to the"
    " given channels\r\n$5\r\nsince\r\n$5\r\n2.0.0\r\n$5\r\ngroup\r\n$6"
    "\r\npubsub\r\n$10\r\ncomplexity\r\n$55\r\nO(N) where N is the numb"
    "er of channels to subscribe to.\r\n$9\r\narguments\r\n*1\r\n%3\r\n"
    "$4\r\nname\r\n$7\r\nchannel\r\n$4\r\ntype\r\n$6\r\nstring\r\n$5\r\n"
    "flags\r\n~1\r\n+multiple\r\n",
    /* substr */
    "%8\r\n$7\r\nsummary\r\n$45\r\nGet a substring of the string stored"
    " at a key\r\n$5\r\nsince\r\n$5\r\n1.0.0\r\n$5\r\ngroup\r\n$6\r\nst"
    "ring\r\n$10\r\ncomplexity\r\n$231\r\nO(N) where N is the length of"
    " the returned string. The complexity is ultimately determined by t"
    "he returned length, but because creating a substring from an exist"
    "ing string is very cheap, it can be considered O(1) for small stri"
    "ngs.\r\n$9\r\ndoc_flags\r\n~1\r\n+deprecated\r\n$16\r\ndeprecated_"
    "since\r\n$5\r\n2.0.0\r\n$11\r\nreplaced_by\r\n$10\r\n`GETRANGE`\r\n"
    "$9\r\narguments\r\n*3\r\n%3\r\n$4\r\nname\r\n$3\r\nkey\r\n$4\r\nty"
    "pe\r\n$3\r\nkey\r\n$14\r\nkey_spec_index\r\n:0\r\n%2\r\n$4\r\nname"
    "\r\n$5\r\nstart\r\n$4\r\ntype\r\n$7\r\ninteger\r\n%2\r\n$4\r\nname"
    "\r\n$3\r\nend\r\n$4\r\ntype\r\n$7\r\ninteger\r\n",
    /* swapdb */
    "%5\r\n$7\r\nsummary\r\n$25\r\nSwaps two Redis databases\r\n$5\r\ns"
    "ince\r\n$5\r\n4.0.0\r\n$5\r\ngroup\r\n$6\r\nserver\r\n$10\r\ncompl"
    "exity\r\n$86\r\nO(N) where N is the count of clients watching or b"
    "locking on keys from both databases.\r\n$9\r\narguments\r\n*2\r\n%"
    "2\r\n$4\r\nname\r\n$6\r\nindex1\r\n$4\r\ntype\r\n$7\r\ninteger\r\n"
    "%2\r\n$4\r\nname\r\n$6\r\nindex2\r\n$4\r\ntype\r\n$7\r\ninteger\r\n",
    /* time */
    "%4\r\n$7\r\nsummary\r\n$30\r\nReturn the current server time\r\n$5"
    "\r\nsince\r\n$5\r\n2.6.0\r\n$5\r\ngroup\r\n$6\r\nserver\r\n$10\r\n"
    "complexity\r\n$4\r\nO(1)\r\n",
    /* touch */
    "%5\r\n$7\r\nsummary\r\n$87\r\nAlters the last access time of a key"
    "(s). Returns the number of existing keys specified.\r\n$5\r\nsince"
    "\r\n$5\r\n3.2.1\r\n$5\r\ngroup\r\n$7\r\ngeneric\r\n$10\r\ncomplexi"
    "ty\r\n$56\r\nO(N) where N is the number of keys that will be touch"
    "ed.\r\n$9\r\narguments\r\n*1\r\n%4\r\n$4\r\nname\r\n$3\r\nkey\r\n$"
    "4\r\ntype\r\n$3\r\nkey\r\n$14\r\nkey_spec_index\r\n:0\r\n$5\r\nfla"
    "gs\r\n~1\r\n+multiple\r\n",
    /* ttl */
    "%6\r\n$7\r\nsummary\r\n$41\r\nGet the time to live for a key in se"
    "conds\r\n$5\r\nsince\r\n$5\r\n1.0.0\r\n$5\r\ngroup\r\n$7\r\ngeneri"
    "c\r\n$10\r\ncomplexity\r\n$4\r\nO(1)\r\n$7\r\nhistory\r\n~1\r\n*2\r"
    "\n$5\r\n2.8.0\r\n$19\r\nAdded the -2 reply.\r\n$9\r\narguments\r\n"
    "*1\r\n%3\r\n$4\r\nname\r\n$3\r\nkey\r\n$4\r\ntype\r\n$3\r\nkey\r\n"
    "$14\r\nkey_spec_index\r\n:0\r\n",
    /* type */
    "%5\r\n$7\r\nsummary\r\n$32\r\nDetermine the type stored at key\r\n"
    "$5\r\nsince\r\n$5\r\n1.0.0\r\n$5\r\ngroup\r\n$7\r\ngeneric\r\n$10\r"
    "\ncomplexity\r\n$4\r\nO(1)\r\n$9\r\narguments\r\n*1\r\n%3\r\n$4\r\n"
    "name\r\n$3\r\nkey\r\n$4\r\ntype\r\n$3\r\nkey\r\n$14\r\nkey_spec_in"
    "dex\r\n:0\r\n",
    /* unlink */
    "%5\r\n$7\r\nsummary\r\n$93\r\nDelete a key asynchronously in anoth"
    "er thread. Otherwise it is just as DEL, but non blocking.\r\n$5\r\n"
    "since\r\n$5\r\n4.0.0\r\n$5\r\ngroup\r\n$7\r\ngeneric\r\n$10\r\ncom"
    "plexity\r\n$207\r\nO(1) for each key removed regardless of its siz"
    "e. Then the command does O(N) work in a different thread in order "
    "to reclaim memory, where N is the number of allocations the delete"
    "d objects where composed of.\r\n$9\r\narguments\r\n*1\r\n%4\r\n$4\r"
    "\nname\r\n$3\r\nkey\r\n$4\r\ntype\r\n$3\r\nkey\r\n$14\r\nkey_spec_"
    "index\r\n:0\r\n$5\r\nflags\r\n~1\r\n+multiple\r\n",
    /* unsubscribe */
    "%5\r\n$7\r\nsummary\r\n$56\r\nStop listening for messages posted t"
    "o the given channels\r\n$5\r\nsince\r\n$5\r\n2.0.0\r\n$5\r\ngroup\r"
    "\n$6\r\npubsub\r\n$10\r\ncomplexity\r\n$70\r\nO(N) where N is the "
    "number of clients already subscribed to a channel.\r\n$9\r\nargume"
    "nts\r\n*1\r\n%3\r\n$4\r\nname\r\n$7\r\nchannel\r\n$4\r\ntype\r\n$6"
    "\r\nstring\r\n$5\r\nflags\r\n~2\r\n+optional\r\n+multiple\r\n",
    /* unwatch */
    "%4\r\n$7\r\nsummary\r\n$29\r\nForget about all watched keys\r\n$5\r"
    "\nsince\r\n$5\r\n2.2.0\r\n$5\r\ngroup\r\n$12\r\ntransactions\r\n$1"
    "0\r\ncomplexity\r\n$4\r\nO(1)\r\n",
    /* watch */
    "%5\r\n$7\r\nsummary\r\n$67\r\nWatch the given keys to determine ex"
    "ecution of the MULTI/EXEC block\r\n$5\r\nsince\r\n$5\r\n2.2.0\r\n$"
    "5\r\ngroup\r\n$12\r\ntransactions\r\n$10\r\ncomplexity\r\n$19\r\nO"
    "(1) for every key.\r\n$9\r\narguments\r\n*1\r\n%4\r\n$4\r\nname\r\n"
    "$3\r\nkey\r\n$4\r\ntype\r\n$3\r\nkey\r\n$14\r\nkey_spec_index\r\n:"
    "0\r\n$5\r\nflags\r\n~1\r\n+multiple\r\n",

};

_Static_assert(NELEM(cmd_docs) == NELEM(cmd_metas), "one docs per meta");

/* Redis 7.0's metadata of the subcommands the command table declares
 * (generated as cmd_metas; key positions are Redis's own). */
typedef struct subcmd_meta {
	const char *fullname;
	int arity, first_key, last_key, key_step;
	const char *flags, *acl, *tips, *specs;
} subcmd_meta;

static const subcmd_meta sub_metas[] = {
    {"client|caching", 3, 0, 0, 0, "noscript loading stale",
     "@slow @connection", "", ""},
    {"client|getname", 2, 0, 0, 0, "noscript loading stale",
     "@slow @connection", "", ""},
    {"client|getredir", 2, 0, 0, 0, "noscript loading stale",
     "@slow @connection", "", ""},
    {"client|help", 2, 0, 0, 0, "loading stale", "@slow @connection", "", ""},
    {"client|id", 2, 0, 0, 0, "noscript loading stale", "@slow @connection", "",
     ""},
    {"client|info", 2, 0, 0, 0, "noscript loading stale", "@slow @connection",
     "nondeterministic_output", ""},
    {"client|kill", -3, 0, 0, 0, "admin noscript loading stale",
     "@admin @slow @dangerous @connection", "", ""},
    {"client|list", -2, 0, 0, 0, "admin noscript loading stale",
     "@admin @slow @dangerous @connection", "nondeterministic_output", ""},
    {"client|no-evict", 3, 0, 0, 0, "admin noscript loading stale",
     "@admin @slow @dangerous @connection", "", ""},
    {"client|pause", -3, 0, 0, 0, "admin noscript loading stale",
     "@admin @slow @dangerous @connection", "", ""},
    {"client|reply", 3, 0, 0, 0, "noscript loading stale", "@slow @connection",
     "", ""},
    {"client|setname", 3, 0, 0, 0, "noscript loading stale",
     "@slow @connection", "", ""},
    {"client|tracking", -3, 0, 0, 0, "noscript loading stale",
     "@slow @connection", "", ""},
    {"client|trackinginfo", 2, 0, 0, 0, "noscript loading stale",
     "@slow @connection", "", ""},
    {"client|unblock", -3, 0, 0, 0, "admin noscript loading stale",
     "@admin @slow @dangerous @connection", "", ""},
    {"client|unpause", 2, 0, 0, 0, "admin noscript loading stale",
     "@admin @slow @dangerous @connection", "", ""},
    {"command|count", 2, 0, 0, 0, "loading stale", "@slow @connection", "", ""},
    {"command|docs", -2, 0, 0, 0, "loading stale", "@slow @connection",
     "nondeterministic_output_order", ""},
    {"command|getkeys", -4, 0, 0, 0, "loading stale", "@slow @connection", "",
     ""},
    {"command|getkeysandflags", -4, 0, 0, 0, "loading stale",
     "@slow @connection", "", ""},
    {"command|help", 2, 0, 0, 0, "loading stale", "@slow @connection", "", ""},
    {"command|info", -2, 0, 0, 0, "loading stale", "@slow @connection",
     "nondeterministic_output_order", ""},
    {"command|list", -2, 0, 0, 0, "loading stale", "@slow @connection",
     "nondeterministic_output_order", ""},
    {"config|get", -3, 0, 0, 0, "admin noscript loading stale",
     "@admin @slow @dangerous", "", ""},
    {"config|help", 2, 0, 0, 0, "loading stale", "@slow", "", ""},
    {"config|resetstat", 2, 0, 0, 0, "admin noscript loading stale",
     "@admin @slow @dangerous", "", ""},
    {"config|rewrite", 2, 0, 0, 0, "admin noscript loading stale",
     "@admin @slow @dangerous", "", ""},
    {"config|set", -4, 0, 0, 0, "admin noscript loading stale",
     "@admin @slow @dangerous",
     "request_policy:all_nodes response_policy:all_succeeded", ""},
    {"latency|doctor", 2, 0, 0, 0, "admin noscript loading stale",
     "@admin @slow @dangerous",
     "nondeterministic_output request_policy:all_nodes response_policy:special",
     ""},
    {"latency|graph", 3, 0, 0, 0, "admin noscript loading stale",
     "@admin @slow @dangerous",
     "nondeterministic_output request_policy:all_nodes response_policy:special",
     ""},
    {"latency|help", 2, 0, 0, 0, "loading stale", "@slow", "", ""},
    {"latency|histogram", -2, 0, 0, 0, "admin noscript loading stale",
     "@admin @slow @dangerous",
     "nondeterministic_output request_policy:all_nodes response_policy:special",
     ""},
    {"latency|history", 3, 0, 0, 0, "admin noscript loading stale",
     "@admin @slow @dangerous",
     "nondeterministic_output request_policy:all_nodes response_policy:special",
     ""},
    {"latency|latest", 2, 0, 0, 0, "admin noscript loading stale",
     "@admin @slow @dangerous",
     "nondeterministic_output request_policy:all_nodes response_policy:special",
     ""},
    {"latency|reset", -2, 0, 0, 0, "admin noscript loading stale",
     "@admin @slow @dangerous",
     "request_policy:all_nodes response_policy:all_succeeded", ""},
    {"object|encoding", 3, 2, 2, 1, "readonly", "@keyspace @read @slow",
     "nondeterministic_output", "RO;index 2;range 0 1 0;"},
    {"object|freq", 3, 2, 2, 1, "readonly", "@keyspace @read @slow",
     "nondeterministic_output", "RO;index 2;range 0 1 0;"},
    {"object|help", 2, 0, 0, 0, "loading stale", "@keyspace @slow", "", ""},
    {"object|idletime", 3, 2, 2, 1, "readonly", "@keyspace @read @slow",
     "nondeterministic_output", "RO;index 2;range 0 1 0;"},
    {"object|refcount", 3, 2, 2, 1, "readonly", "@keyspace @read @slow",
     "nondeterministic_output", "RO;index 2;range 0 1 0;"},
    {"pubsub|channels", -2, 0, 0, 0, "pubsub loading stale", "@pubsub @slow",
     "", ""},
    {"pubsub|help", 2, 0, 0, 0, "loading stale", "@slow", "", ""},
    {"pubsub|numpat", 2, 0, 0, 0, "pubsub loading stale", "@pubsub @slow", "",
     ""},
    {"pubsub|numsub", -2, 0, 0, 0, "pubsub loading stale", "@pubsub @slow", "",
     ""},
    {"pubsub|shardchannels", -2, 0, 0, 0, "pubsub loading stale",
     "@pubsub @slow", "", ""},
    {"pubsub|shardnumsub", -2, 0, 0, 0, "pubsub loading stale", "@pubsub @slow",
     "", ""},
    {"slowlog|get", -2, 0, 0, 0, "admin loading stale",
     "@admin @slow @dangerous",
     "request_policy:all_nodes nondeterministic_output", ""},
    {"slowlog|help", 2, 0, 0, 0, "loading stale", "@slow", "", ""},
    {"slowlog|len", 2, 0, 0, 0, "admin loading stale",
     "@admin @slow @dangerous",
     "request_policy:all_nodes response_policy:agg_sum nondeterministic_output",
     ""},
    {"slowlog|reset", 2, 0, 0, 0, "admin loading stale",
     "@admin @slow @dangerous",
     "request_policy:all_nodes response_policy:all_succeeded", ""},

};

static const subcmd_meta *sub_meta_of(const char *fullname)
{
	for (size_t i = 0; i < NELEM(sub_metas); i++)
		if (strcmp(sub_metas[i].fullname, fullname) == 0)
			return &sub_metas[i];
	return NULL;
}

static const cmd_meta *meta_of(const rkv_command *cmd)
{
	for (size_t i = 0; i < NELEM(cmd_metas); i++)
		if (strcmp(cmd_metas[i].name, cmd->name) == 0)
			return &cmd_metas[i];
	return NULL;
}

/* A table command rkv has no metadata for: flags from the table. */
static const cmd_meta *meta_or_default(const rkv_command *cmd, cmd_meta *tmp)
{
	const cmd_meta *m = meta_of(cmd);

	if (m)
		return m;
	memset(tmp, 0, sizeof(*tmp));
	tmp->name = cmd->name;
	tmp->summary = tmp->since = tmp->group = tmp->complexity = "";
	tmp->flags = (cmd->flags & RKV_CMD_WRITE)      ? "write"
		     : (cmd->flags & RKV_CMD_READONLY) ? "readonly"
						       : "";
	tmp->acl = (cmd->flags & RKV_CMD_FAST) ? "@fast" : "@slow";
	tmp->tips = "";
	tmp->specs = "";
	return tmp;
}

/* Parse a decimal integer word of a spec; advances *s. */
static long long spec_int(const char **s)
{
	const char *w;
	size_t len;
	long long v = 0;

	w = word_next(s, &len);
	if (w && !rkv_string2ll(w, len, &v))
		v = 0;
	return v;
}

static void add_pair_int(rkv_conn *c, const char *k, long long v)
{
	add_bulk_str(c, k);
	rkv_resp_add_integer(&c->obuf, v);
}

/* A key spec's "type" and the head of its "spec" map of n fields. */
static void add_spec_type(rkv_conn *c, const char *type, long long n)
{
	add_bulk_str(c, type);
	add_bulk_str(c, "spec");
	rkv_resp_add_map(&c->obuf, c->proto, n);
}

/* The begin_search or find_keys map (name) of a key spec, up to its type;
 * returns the spec's first word (its type, length in *wl), advancing *p. */
static const char *add_search_head(rkv_conn *c, const char *name,
				   const char **p, size_t *wl)
{
	add_bulk_str(c, name);
	rkv_resp_add_map(&c->obuf, c->proto, 2);
	add_bulk_str(c, "type");
	return word_next(p, wl);
}

static bool word_is(const char *w, size_t wl, const char *lit)
{
	return w && wl == strlen(lit) && memcmp(w, lit, wl) == 0;
}

/* One key spec "flags;bs;fk;notes" (spec[0..len)). */
static void add_key_spec(rkv_conn *c, const char *spec, size_t len)
{
	char buf[256], *bs, *fk, *notes;
	const char *p, *w;
	size_t wl;

	if (len >= sizeof(buf))
		len = sizeof(buf) - 1;
	memcpy(buf, spec, len);
	buf[len] = '\0';
	bs = strchr(buf, ';');
	fk = bs ? strchr(bs + 1, ';') : NULL;
	notes = fk ? strchr(fk + 1, ';') : NULL;
	if (!bs || !fk || !notes)
		return;
	*bs++ = '\0';
	*fk++ = '\0';
	*notes++ = '\0';
	rkv_resp_add_map(&c->obuf, c->proto, *notes ? 4 : 3);
	if (*notes) {
		add_bulk_str(c, "notes");
		add_bulk_str(c, notes);
	}
	add_bulk_str(c, "flags");
	add_word_set(c, buf, true);
	p = bs;
	w = add_search_head(c, "begin_search", &p, &wl);
	if (word_is(w, wl, "index")) {
		add_spec_type(c, "index", 1);
		add_pair_int(c, "index", spec_int(&p));
	} else if (word_is(w, wl, "keyword")) {
		const char *kw = word_next(&p, &wl);

		add_spec_type(c, "keyword", 2);
		add_bulk_str(c, "keyword");
		rkv_resp_add_bulk(&c->obuf, kw ? kw : "", kw ? wl : 0);
		add_pair_int(c, "startfrom", spec_int(&p));
	} else {
		add_spec_type(c, "unknown", 0);
	}
	p = fk;
	w = add_search_head(c, "find_keys", &p, &wl);
	if (word_is(w, wl, "range")) {
		add_spec_type(c, "range", 3);
		add_pair_int(c, "lastkey", spec_int(&p));
		add_pair_int(c, "keystep", spec_int(&p));
		add_pair_int(c, "limit", spec_int(&p));
	} else if (word_is(w, wl, "keynum")) {
		add_spec_type(c, "keynum", 3);
		add_pair_int(c, "keynumidx", spec_int(&p));
		add_pair_int(c, "firstkey", spec_int(&p));
		add_pair_int(c, "keystep", spec_int(&p));
	} else {
		add_spec_type(c, "unknown", 0);
	}
}

static void add_key_specs(rkv_conn *c, const char *specs)
{
	long long n = *specs ? 1 : 0;

	for (const char *p = specs; *p; p++)
		n += *p == '|';
	rkv_resp_add_set(&c->obuf, c->proto, n);
	while (*specs) {
		const char *end = strchr(specs, '|');
		size_t len = end ? (size_t)(end - specs) : strlen(specs);

		add_key_spec(c, specs, len);
		specs += len;
		if (*specs == '|')
			specs++;
	}
}

/* A subcommand's COMMAND INFO entry. */
static void add_sub_info(rkv_conn *c, const rkv_command *cmd,
			 const rkv_subcommand *sub)
{
	char name[64];
	const subcmd_meta *m;

	rkv_command_fullname(cmd, sub, name, sizeof(name));
	m = sub_meta_of(name);
	rkv_resp_add_array(&c->obuf, 10);
	add_bulk_str(c, name);
	rkv_resp_add_integer(&c->obuf, sub->arity);
	add_word_set(c, m ? m->flags : "", true);
	rkv_resp_add_integer(&c->obuf, m ? m->first_key : 0);
	rkv_resp_add_integer(&c->obuf, m ? m->last_key : 0);
	rkv_resp_add_integer(&c->obuf, m ? m->key_step : 0);
	add_word_set(c, m ? m->acl : "", true);
	add_word_set(c, m ? m->tips : "", false);
	add_key_specs(c, m ? m->specs : "");
	rkv_resp_add_set(&c->obuf, c->proto, 0);
}

/* Redis 7.0's COMMAND INFO entry of one command. */
static void add_command_info(rkv_conn *c, const rkv_command *cmd)
{
	cmd_meta tmp;
	const cmd_meta *m = meta_or_default(cmd, &tmp);
	rkv_resp_add_array(&c->obuf, 10);
	add_bulk_str(c, cmd->name);
	rkv_resp_add_integer(&c->obuf, cmd->arity);
	add_word_set(c, m->flags, true);
	rkv_resp_add_integer(&c->obuf, cmd->first_key);
	rkv_resp_add_integer(&c->obuf, cmd->last_key);
	rkv_resp_add_integer(&c->obuf, cmd->key_step);
	add_word_set(c, m->acl, true);
	add_word_set(c, m->tips, false);
	add_key_specs(c, m->specs);
	if (cmd->nsub) {
		rkv_resp_add_array(&c->obuf, (long long)cmd->nsub);
		for (size_t i = 0; i < cmd->nsub; i++)
			add_sub_info(c, cmd, &cmd->sub[i]);
	} else {
		rkv_resp_add_set(&c->obuf, c->proto, 0);
	}
}

/* Write a RESP3 blob of our own tables in the connection's protocol. The
 * blob holds only maps, sets, arrays, bulks, integers and statuses. */
static void add_resp3_blob(rkv_conn *c, const char *p)
{
	rkv_buf *b = &c->obuf;

	if (c->proto >= 3) {
		rkv_buf_append(b, p, strlen(p));
		return;
	}
	while (*p) {
		const char *eol = strstr(p, "\r\n");
		long long n = 0;

		if (!eol)
			return;
		rkv_string2ll(p + 1, (size_t)(eol - p - 1), &n);
		if (*p == '%') {
			rkv_resp_add_array(b, 2 * n);
		} else if (*p == '~') {
			rkv_resp_add_array(b, n);
		} else if (*p == '$') {
			rkv_buf_append(b, p,
				       (size_t)(eol - p) + 2 + (size_t)n + 2);
			p = eol + 2 + n + 2;
			continue;
		} else {
			rkv_buf_append(b, p, (size_t)(eol - p) + 2);
		}
		p = eol + 2;
	}
}

static void add_command_docs(rkv_conn *c, const rkv_command *cmd)
{
	const cmd_meta *m = meta_of(cmd);

	add_bulk_str(c, cmd->name);
	if (m) {
		add_resp3_blob(c, cmd_docs[m - cmd_metas]);
		return;
	}
	rkv_resp_add_map(&c->obuf, c->proto, 0);
}

/* The commands that exist for this node: sentinel mode has its own set
 * (Redis builds its table by mode). */
static const rkv_command *visible(rkv_conn *c, const rkv_command *cmd)
{
	return cmd && !rkv_sentinel_hides(c->node, cmd) ? cmd : NULL;
}

static const rkv_command *lookup_visible(rkv_conn *c, const rkv_slice *a)
{
	return visible(c, rkv_command_lookup(a->ptr, a->len));
}

static size_t count_visible(rkv_conn *c)
{
	size_t n, v = 0;
	const rkv_command *t = rkv_command_table(&n);

	for (size_t i = 0; i < n; i++)
		v += visible(c, &t[i]) != NULL;
	return v;
}

static void command_all(rkv_conn *c)
{
	size_t n;
	const rkv_command *t = rkv_command_table(&n);

	rkv_resp_add_array(&c->obuf, (long long)count_visible(c));
	for (size_t i = 0; i < n; i++)
		if (visible(c, &t[i]))
			add_command_info(c, &t[i]);
}

static void command_count(rkv_conn *c, size_t argc, const rkv_slice *argv)
{
	(void)argc;
	(void)argv;
	rkv_resp_add_integer(&c->obuf, (long long)count_visible(c));
}

/* Does cmd (with its acl words) belong to category cat (no '@')? */
static bool in_category(const char *acl, const rkv_slice *cat)
{
	const char *w;
	size_t len;

	while ((w = word_next(&acl, &len))) {
		char word[32];

		if (len < 2 || len - 1 >= sizeof(word) || w[0] != '@')
			continue;
		memcpy(word, w + 1, len - 1);
		word[len - 1] = '\0';
		if (rkv_caseeq(cat->ptr, cat->len, word))
			return true;
	}
	return false;
}

static void command_list(rkv_conn *c, size_t argc, const rkv_slice *argv)
{
	size_t n, total = 0;
	const rkv_command *t = rkv_command_table(&n);
	int mode = 0; /* 0 all, 1 pattern, 2 aclcat, 3 module */
	const rkv_slice *arg = NULL;
	rkv_buf names;

	if (argc == 5 && rkv_arg_is(&argv[2], "filterby")) {
		arg = &argv[4];
		if (rkv_arg_is(&argv[3], "pattern"))
			mode = 1;
		else if (rkv_arg_is(&argv[3], "aclcat"))
			mode = 2;
		else if (rkv_arg_is(&argv[3], "module"))
			mode = 3;
	}
	if (argc != 2 && mode == 0) {
		rkv_reply_syntax_error(c);
		return;
	}
	/* Names first (count unknown up front), then the reply. */
	rkv_buf_init(&names, rkv_node_alloc(c->node));
	for (size_t i = 0; i < n && mode != 3; i++) {
		cmd_meta tmp;
		const cmd_meta *m = meta_or_default(&t[i], &tmp);
		const char *nm = t[i].name;

		if (!visible(c, &t[i]))
			continue;
		if (mode == 0 ||
		    (mode == 1 && rkv_glob_match(arg->ptr, arg->len, nm,
						 strlen(nm), true)) ||
		    (mode == 2 && in_category(m->acl, arg))) {
			rkv_buf_append(&names, nm, strlen(nm) + 1);
			total++;
		}
		for (size_t j = 0; j < t[i].nsub; j++) {
			char full[64];
			const subcmd_meta *sm;

			rkv_command_fullname(&t[i], &t[i].sub[j], full,
					     sizeof(full));
			sm = sub_meta_of(full);
			if (mode == 0 ||
			    (mode == 1 &&
			     rkv_glob_match(arg->ptr, arg->len, full,
					    strlen(full), true)) ||
			    (mode == 2 && sm && in_category(sm->acl, arg))) {
				rkv_buf_append(&names, full, strlen(full) + 1);
				total++;
			}
		}
	}
	if (names.oom) {
		rkv_reply_oom(c);
	} else {
		const char *p = total ? rkv_buf_head(&names) : "";

		rkv_resp_add_array(&c->obuf, (long long)total);
		for (size_t i = 0; i < total; i++) {
			add_bulk_str(c, p);
			p += strlen(p) + 1;
		}
	}
	rkv_buf_free(&names);
}

static void command_info(rkv_conn *c, size_t argc, const rkv_slice *argv)
{
	if (argc == 2) {
		command_all(c);
		return;
	}
	rkv_resp_add_array(&c->obuf, (long long)argc - 2);
	for (size_t i = 2; i < argc; i++) {
		const rkv_command *cmd = lookup_visible(c, &argv[i]);

		if (cmd)
			add_command_info(c, cmd);
		else
			rkv_reply_null(c);
	}
}

static void command_docs(rkv_conn *c, size_t argc, const rkv_slice *argv)
{
	size_t n, found = 0;
	const rkv_command *t = rkv_command_table(&n);

	if (argc == 2) {
		rkv_resp_add_map(&c->obuf, c->proto,
				 (long long)count_visible(c));
		for (size_t i = 0; i < n; i++)
			if (visible(c, &t[i]))
				add_command_docs(c, &t[i]);
		return;
	}
	for (size_t i = 2; i < argc; i++)
		found += lookup_visible(c, &argv[i]) != NULL;
	rkv_resp_add_map(&c->obuf, c->proto, (long long)found);
	for (size_t i = 2; i < argc; i++) {
		const rkv_command *cmd = lookup_visible(c, &argv[i]);

		if (cmd)
			add_command_docs(c, cmd);
	}
}

static void command_getkeys(rkv_conn *c, size_t argc, const rkv_slice *argv)
{
	const rkv_command *cmd = lookup_visible(c, &argv[2]);
	size_t targc = argc - 2;
	long long first, last, n = 0;

	if (!cmd) {
		rkv_resp_add_errorf(&c->obuf, "Invalid command specified");
		return;
	}
	if (cmd->first_key == 0) {
		rkv_resp_add_errorf(&c->obuf,
				    "The command has no key arguments");
		return;
	}
	if ((cmd->arity > 0 && (size_t)cmd->arity != targc) ||
	    (cmd->arity < 0 && targc < (size_t)-cmd->arity)) {
		rkv_resp_add_errorf(
		    &c->obuf,
		    "Invalid number of arguments specified for command");
		return;
	}
	first = cmd->first_key;
	last = cmd->last_key < 0 ? (long long)targc + cmd->last_key
				 : cmd->last_key;
	if (last >= (long long)targc)
		last = (long long)targc - 1;
	for (long long i = first; i <= last; i += cmd->key_step)
		n++;
	if (n == 0) {
		rkv_resp_add_errorf(&c->obuf,
				    "Invalid arguments specified for command");
		return;
	}
	rkv_resp_add_array(&c->obuf, n);
	for (long long i = first; i <= last; i += cmd->key_step)
		rkv_resp_add_bulk(&c->obuf, argv[2 + i].ptr, argv[2 + i].len);
}

static const char *const command_help[] = {
    "(no subcommand)",
    "    Return details about all Redis commands.",
    "COUNT",
    "    Return the total number of commands in this Redis server.",
    "LIST",
    "    Return a list of all commands in this Redis server.",
    "INFO [<command-name> ...]",
    "    Return details about multiple Redis commands.",
    "    If no command names are given, documentation details for all",
    "    commands are returned.",
    "DOCS [<command-name> ...]",
    "    Return documentation details about multiple Redis commands.",
    "    If no command names are given, documentation details for all",
    "    commands are returned.",
    "GETKEYS <full-command>",
    "    Return the keys from a full Redis command.",
    NULL};

static const sub_entry command_subs[] = {
    {"count", 2, command_count},      {"list", -2, command_list},
    {"info", -2, command_info},	      {"docs", -2, command_docs},
    {"getkeys", -4, command_getkeys}, {"help", 2, NULL},
};

void rkv_cmd_command(rkv_conn *c, size_t argc, const rkv_slice *argv)
{
	if (argc == 1) {
		command_all(c);
		return;
	}
	sub_dispatch(c, "COMMAND", command_subs, NELEM(command_subs),
		     command_help, argc, argv);
}

/* ---------------------------------------------------------------------- */
/* SLOWLOG and LATENCY: fed after every command                           */
/* ---------------------------------------------------------------------- */

/* Redis's latencyAddSample(): one sample per second per event (the
 * highest wins), in a ring of LATENCY_TS_LEN. */
static void latency_add(struct rkv_server *s, int ev, long long now_s,
			long long ms)
{
	latency_series *ts = &s->latency[ev];
	int prev = (ts->idx + LATENCY_TS_LEN - 1) % LATENCY_TS_LEN;

	if (!ts->used) {
		memset(ts, 0, sizeof(*ts));
		ts->used = true;
	}
	if (ms > ts->max)
		ts->max = ms;
	if (ts->samples[prev].time_s == now_s) {
		if (ms > ts->samples[prev].latency_ms)
			ts->samples[prev].latency_ms = ms;
		return;
	}
	ts->samples[ts->idx].time_s = now_s;
	ts->samples[ts->idx].latency_ms = ms;
	ts->idx = (ts->idx + 1) % LATENCY_TS_LEN;
}

/* Is argument i of the command hidden ("(redacted)"), as Redis 7.0 does
 * for AUTH and HELLO ... AUTH passwords? */
static bool redacted(const rkv_command *cmd, size_t argc, const rkv_slice *argv,
		     size_t i)
{
	if (!cmd || i == 0)
		return false;
	if (cmd->proc == rkv_cmd_auth)
		return true;
	if (cmd->proc == rkv_cmd_hello) {
		for (size_t j = 2; j + 2 < argc; j++)
			if (rkv_arg_is(&argv[j], "auth") &&
			    (i == j + 1 || i == j + 2))
				return true;
	}
	return false;
}

static void slowlog_add(rkv_conn *c, struct rkv_server *s,
			const rkv_command *cmd, size_t argc,
			const rkv_slice *argv, int64_t duration_us)
{
	rkv_node *node = c->node;
	size_t slargc =
	    argc > SLOWLOG_ENTRY_MAX_ARGC ? SLOWLOG_ENTRY_MAX_ARGC : argc;
	size_t bytes = slargc * sizeof(rkv_slice);
	slowlog_entry *e;
	char *p;

	for (size_t j = 0; j < slargc; j++)
		bytes += (argv[j].len > SLOWLOG_ENTRY_MAX_STRING
			      ? SLOWLOG_ENTRY_MAX_STRING
			      : argv[j].len) +
			 48;
	e = rkv_malloc(rkv_node_alloc(node), sizeof(*e));
	if (!e)
		return;
	memset(e, 0, sizeof(*e));
	e->argv = rkv_malloc(rkv_node_alloc(node), bytes);
	if (!e->argv) {
		rkv_free(rkv_node_alloc(node), e);
		return;
	}
	p = (char *)(e->argv + slargc);
	for (size_t j = 0; j < slargc; j++) {
		size_t len;

		if (slargc != argc && j == slargc - 1) {
			len = (size_t)snprintf(p, 48, "... (%d more arguments)",
					       (int)(argc - slargc + 1));
		} else if (redacted(cmd, argc, argv, j)) {
			len = 10;
			memcpy(p, "(redacted)", len);
		} else if (argv[j].len > SLOWLOG_ENTRY_MAX_STRING) {
			memcpy(p, argv[j].ptr, SLOWLOG_ENTRY_MAX_STRING);
			len = SLOWLOG_ENTRY_MAX_STRING;
			len += (size_t)snprintf(
			    p + len, 48, "... (%lu more bytes)",
			    (unsigned long)(argv[j].len -
					    SLOWLOG_ENTRY_MAX_STRING));
		} else {
			len = argv[j].len;
			if (len)
				memcpy(p, argv[j].ptr, len);
		}
		e->argv[j].ptr = p;
		e->argv[j].len = len;
		p += len;
	}
	e->argc = slargc;
	e->id = s->slow_next_id++;
	e->time_s = node->cmd_time_ms / 1000;
	e->duration_us = duration_us;
	snprintf(e->addr, sizeof(e->addr), "%s", peer_id(c));
	snprintf(e->name, sizeof(e->name), "%s", c->name);
	e->next = s->slow_head;
	if (s->slow_head)
		s->slow_head->prev = e;
	else
		s->slow_tail = e;
	s->slow_head = e;
	s->slow_len++;
	while (s->slow_len > node->set.slowlog_max_len && s->slow_tail) {
		slowlog_entry *t = s->slow_tail;

		s->slow_tail = t->prev;
		if (s->slow_tail)
			s->slow_tail->next = NULL;
		else
			s->slow_head = NULL;
		slowlog_entry_free(node, t);
		s->slow_len--;
	}
}

void rkv_slowlog_push(rkv_conn *c, size_t argc, const rkv_slice *argv,
		      int64_t duration_us)
{
	rkv_node *node = c->node;
	const rkv_command *cmd = c->lastcmd; /* the command that ran */
	long long thr = node->set.latency_threshold_ms;
	bool slow = node->set.slowlog_slower_than_us >= 0 &&
		    duration_us >= node->set.slowlog_slower_than_us &&
		    !(cmd && cmd->proc == rkv_cmd_exec); /* skip_slowlog */
	bool spike = thr > 0 && duration_us / 1000 >= thr;
	struct rkv_server *s;

	if (duration_us < 0)
		duration_us = 0;
	if (node->server && node->mem.used > node->server->mem_peak)
		node->server->mem_peak = node->mem.used;
	if (!slow && !spike)
		return;
	s = server_state(node);
	if (!s)
		return;
	if (spike)
		latency_add(s,
			    cmd && (cmd->flags & RKV_CMD_FAST) ? EV_FAST_COMMAND
							       : EV_COMMAND,
			    node->cmd_time_ms / 1000, duration_us / 1000);
	if (slow)
		slowlog_add(c, s, cmd, argc, argv, duration_us);
}

static const char *const slowlog_help[] = {
    "GET [<count>]",
    "    Return top <count> entries from the slowlog (default: 10, -1 mean "
    "all).",
    "    Entries are made of:",
    "    id, timestamp, time in microseconds, arguments array, client IP "
    "and port,",
    "    client name",
    "LEN",
    "    Return the length of the slowlog.",
    "RESET",
    "    Reset the slowlog.",
    NULL};

static void slowlog_get(rkv_conn *c, size_t argc, const rkv_slice *argv)
{
	struct rkv_server *s = c->node->server;
	long long count = 10, n;
	slowlog_entry *e;

	if (argc > 3) {
		rkv_resp_add_errorf(&c->obuf,
				    "unknown subcommand or wrong number of "
				    "arguments for '%.*s'. Try SLOWLOG HELP.",
				    arg_print_len(&argv[1]), argv[1].ptr);
		return;
	}
	if (argc == 3 &&
	    (!rkv_string2ll(argv[2].ptr, argv[2].len, &count) || count < -1)) {
		rkv_resp_add_errorf(
		    &c->obuf, "count should be greater than or equal to -1");
		return;
	}
	n = s ? s->slow_len : 0;
	if (count >= 0 && count < n)
		n = count;
	rkv_resp_add_array(&c->obuf, n);
	for (e = s ? s->slow_head : NULL; e && n > 0; e = e->next, n--) {
		rkv_resp_add_array(&c->obuf, 6);
		rkv_resp_add_integer(&c->obuf, e->id);
		rkv_resp_add_integer(&c->obuf, e->time_s);
		rkv_resp_add_integer(&c->obuf, e->duration_us);
		rkv_resp_add_array(&c->obuf, (long long)e->argc);
		for (size_t j = 0; j < e->argc; j++)
			rkv_resp_add_bulk(&c->obuf, e->argv[j].ptr,
					  e->argv[j].len);
		add_bulk_str(c, e->addr);
		add_bulk_str(c, e->name);
	}
}

static void slowlog_len(rkv_conn *c, size_t argc, const rkv_slice *argv)
{
	(void)argc;
	(void)argv;
	rkv_resp_add_integer(&c->obuf,
			     c->node->server ? c->node->server->slow_len : 0);
}

static void slowlog_reset_cmd(rkv_conn *c, size_t argc, const rkv_slice *argv)
{
	(void)argc;
	(void)argv;
	slowlog_reset(c->node);
	rkv_reply_ok(c);
}

static const sub_entry slowlog_subs[] = {
    {"get", -2, slowlog_get},
    {"len", 2, slowlog_len},
    {"reset", 2, slowlog_reset_cmd},
    {"help", 2, NULL},
};

void rkv_cmd_slowlog(rkv_conn *c, size_t argc, const rkv_slice *argv)
{
	sub_dispatch(c, "SLOWLOG", slowlog_subs, NELEM(slowlog_subs),
		     slowlog_help, argc, argv);
}

static const char *const latency_help[] = {
    "DOCTOR",
    "    Return a human readable latency analysis report.",
    "HISTORY <event>",
    "    Return time-latency samples for the <event> class.",
    "LATEST",
    "    Return the latest latency samples for all events.",
    "RESET [<event> ...]",
    "    Reset latency data of one or more <event> classes.",
    "    (default: reset all data for all event classes)",
    NULL};

static int event_by_name(const rkv_slice *a)
{
	for (int i = 0; i < EV_COUNT; i++)
		if (a->len == strlen(event_names[i]) &&
		    memcmp(a->ptr, event_names[i], a->len) == 0)
			return i;
	return -1;
}

static void latency_latest(rkv_conn *c, size_t argc, const rkv_slice *argv)
{
	struct rkv_server *s = c->node->server;
	long long n = 0;

	(void)argc;
	(void)argv;
	for (int i = 0; s && i < EV_COUNT; i++)
		n += s->latency[i].used;
	rkv_resp_add_array(&c->obuf, n);
	for (int i = 0; s && i < EV_COUNT; i++) {
		latency_series *ts = &s->latency[i];
		int last = (ts->idx + LATENCY_TS_LEN - 1) % LATENCY_TS_LEN;

		if (!ts->used)
			continue;
		rkv_resp_add_array(&c->obuf, 4);
		add_bulk_str(c, event_names[i]);
		rkv_resp_add_integer(&c->obuf, ts->samples[last].time_s);
		rkv_resp_add_integer(&c->obuf, ts->samples[last].latency_ms);
		rkv_resp_add_integer(&c->obuf, ts->max);
	}
}

static void latency_history(rkv_conn *c, size_t argc, const rkv_slice *argv)
{
	struct rkv_server *s = c->node->server;
	int ev = event_by_name(&argv[2]);
	latency_series *ts;
	long long n = 0;

	(void)argc;
	if (!s || ev < 0 || !s->latency[ev].used) {
		rkv_resp_add_array(&c->obuf, 0);
		return;
	}
	ts = &s->latency[ev];
	for (int j = 0; j < LATENCY_TS_LEN; j++)
		n += ts->samples[j].time_s != 0;
	rkv_resp_add_array(&c->obuf, n);
	for (int j = 0; j < LATENCY_TS_LEN; j++) {
		int k = (ts->idx + j) % LATENCY_TS_LEN;

		if (ts->samples[k].time_s == 0)
			continue;
		rkv_resp_add_array(&c->obuf, 2);
		rkv_resp_add_integer(&c->obuf, ts->samples[k].time_s);
		rkv_resp_add_integer(&c->obuf, ts->samples[k].latency_ms);
	}
}

static void latency_reset(rkv_conn *c, size_t argc, const rkv_slice *argv)
{
	struct rkv_server *s = c->node->server;
	long long n = 0;

	for (int i = 0; s && i < EV_COUNT; i++) {
		bool pick = argc == 2;

		for (size_t j = 2; j < argc && !pick; j++)
			pick = event_by_name(&argv[j]) == i;
		if (pick && s->latency[i].used) {
			memset(&s->latency[i], 0, sizeof(s->latency[i]));
			n++;
		}
	}
	rkv_resp_add_integer(&c->obuf, n);
}

/* Redis's LATENCY DOCTOR: the report header and one line per event, as
 * latency.c's createLatencyReport(); its advice list is shortened to the
 * two items that apply to command events. */
static void latency_doctor(rkv_conn *c, size_t argc, const rkv_slice *argv)
{
	struct rkv_server *s = c->node->server;
	long long now_s = c->node->cmd_time_ms / 1000;
	rkv_buf out;
	char line[512];
	int num = 0;

	(void)argc;
	(void)argv;
	if (c->node->set.latency_threshold_ms <= 0) {
		static const char off[] =
		    "I'm sorry, Dave, I can't do that. Latency monitoring is "
		    "disabled in this Redis instance. You may use \"CONFIG SET "
		    "latency-monitor-threshold <milliseconds>.\" in order to "
		    "enable it. If we weren't in a deep space mission I'd "
		    "suggest to take a look at "
		    "https://redis.io/topics/latency-monitor.\n";

		rkv_resp_add_verbatim(&c->obuf, c->proto, "txt", off,
				      sizeof(off) - 1);
		return;
	}
	rkv_buf_init(&out, rkv_node_alloc(c->node));
	for (int i = 0; s && i < EV_COUNT; i++) {
		latency_series *ts = &s->latency[i];
		long long sum = 0, samples = 0, min_t = 0, avg, mad = 0;
		long long period;
		int len;

		if (!ts->used)
			continue;
		for (int j = 0; j < LATENCY_TS_LEN; j++) {
			if (!ts->samples[j].time_s)
				continue;
			samples++;
			sum += ts->samples[j].latency_ms;
			if (!min_t || ts->samples[j].time_s < min_t)
				min_t = ts->samples[j].time_s;
		}
		if (!samples)
			continue;
		avg = sum / samples;
		for (int j = 0; j < LATENCY_TS_LEN; j++) {
			long long d;

			if (!ts->samples[j].time_s)
				continue;
			d = ts->samples[j].latency_ms - avg;
			mad += d < 0 ? -d : d;
		}
		mad /= samples;
		period = now_s - min_t;
		if (period <= 0)
			period = 1;
		if (num++ == 0) {
			static const char head[] =
			    "Dave, I have observed latency spikes in this "
			    "Redis instance. You don't mind talking about "
			    "it, do you Dave?\n\n";

			rkv_buf_append(&out, head, sizeof(head) - 1);
		}
		len = snprintf(line, sizeof(line),
			       "%d. %s: %lld latency spikes (average %lldms, "
			       "mean deviation %lldms, period %.2f sec). Worst "
			       "all time event %lldms.\n",
			       num, event_names[i], samples, avg, mad,
			       (double)period / (double)samples, ts->max);
		if (len > 0)
			rkv_buf_append(&out, line, (size_t)len);
	}
	if (num == 0) {
		static const char none[] =
		    "Dave, no latency spike was observed during the lifetime "
		    "of this Redis instance, not in the slightest bit. I "
		    "honestly think you ought to sit down calmly, take a "
		    "stress pill, and think things over.\n";

		rkv_buf_append(&out, none, sizeof(none) - 1);
	} else {
		static const char advice[] =
		    "\nI have a few advices for you:\n\n"
		    "- Check your Slow Log to understand what are the "
		    "commands you are running which are too slow to execute. "
		    "Please check https://redis.io/commands/slowlog for more "
		    "information.\n"
		    "- Deleting, expiring or evicting (because of maxmemory "
		    "policy) large objects is a blocking operation. If you "
		    "have very large objects that are often deleted, "
		    "expired, or evicted, try to fragment those objects into "
		    "multiple smaller objects.\n";

		rkv_buf_append(&out, advice, sizeof(advice) - 1);
	}
	reply_txt_free(c, &out);
}

static const sub_entry latency_subs[] = {
    {"latest", 2, latency_latest},
    {"history", 3, latency_history},
    {"reset", -2, latency_reset},
    {"doctor", 2, latency_doctor},
    {"help", 2, NULL},
};

void rkv_cmd_latency(rkv_conn *c, size_t argc, const rkv_slice *argv)
{
	sub_dispatch(c, "LATENCY", latency_subs, NELEM(latency_subs),
		     latency_help, argc, argv);
}

/* ---------------------------------------------------------------------- */
/* MONITOR                                                                */
/* ---------------------------------------------------------------------- */

void rkv_cmd_monitor(rkv_conn *c, size_t argc, const rkv_slice *argv)
{
	(void)argc;
	(void)argv;
	if (c->node->in_exec || (c->flags & RKV_CONN_HOST)) {
		/* A client that needs one reply per command cannot. */
		rkv_resp_add_errorf(
		    &c->obuf, "MONITOR isn't allowed for DENY BLOCKING client");
		return;
	}
	if (c->flags & RKV_CONN_MONITOR)
		return; /* Redis ignores it silently: no reply */
	c->flags |= RKV_CONN_MONITOR;
	c->node->nmonitors++;
	rkv_reply_ok(c);
}

/* Append p[0..len) as Redis's sdscatrepr() quotes it (rkv_config_repr). */
static void cat_repr(rkv_buf *b, const char *p, size_t len)
{
	size_t need = rkv_config_repr(NULL, 0, p, len);
	char *dst = rkv_buf_reserve(b, need + 1); /* + its NUL */

	if (dst) {
		rkv_config_repr(dst, need + 1, p, len);
		b->len += need;
	}
}

void rkv_monitor_feed(rkv_conn *c, size_t argc, const rkv_slice *argv)
{
	rkv_node *node = c->node;
	int64_t us = rkv_node_now_us(node);
	rkv_buf line;
	char head[128];
	int n;
	rkv_conn *next;

	rkv_buf_init(&line, rkv_node_alloc(node));
	n = snprintf(head, sizeof(head), "+%lld.%06lld [%d %s] ",
		     (long long)(us / 1000000), (long long)(us % 1000000),
		     c->db, peer_id(c));
	rkv_buf_append(&line, head, (size_t)n);
	for (size_t j = 0; j < argc; j++) {
		cat_repr(&line, argv[j].ptr, argv[j].len);
		if (j != argc - 1)
			rkv_buf_append(&line, " ", 1);
	}
	rkv_buf_append(&line, "\r\n", 2);
	for (rkv_conn *m = node->conns; m && !line.oom; m = next) {
		next = m->next;
		if (!(m->flags & RKV_CONN_MONITOR) || m->closing)
			continue;
		rkv_buf_append(&m->obuf, rkv_buf_head(&line), line.len);
		if (m != c)
			rkv_conn_mark_pending(m);
		rkv_conn_check_obuf(m);
	}
	rkv_buf_free(&line);
}

/* ---------------------------------------------------------------------- */
/* SHUTDOWN                                                               */
/* ---------------------------------------------------------------------- */

/* SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] [ABORT] */
void rkv_cmd_shutdown(rkv_conn *c, size_t argc, const rkv_slice *argv)
{
	rkv_node *node = c->node;
	bool nosave = false, save = false, now = false, force = false;
	bool abort_ = false;

	for (size_t i = 1; i < argc; i++) {
		if (rkv_arg_is(&argv[i], "nosave"))
			nosave = true;
		else if (rkv_arg_is(&argv[i], "save"))
			save = true;
		else if (rkv_arg_is(&argv[i], "now"))
			now = true;
		else if (rkv_arg_is(&argv[i], "force"))
			force = true;
		else if (rkv_arg_is(&argv[i], "abort"))
			abort_ = true;
		else {
			rkv_reply_syntax_error(c);
			return;
		}
	}
	if ((abort_ && (nosave || save || now || force)) || (nosave && save)) {
		rkv_reply_syntax_error(c);
		return;
	}
	if (abort_) {
		/* rkv shuts down at once: nothing is ever in progress. */
		rkv_resp_add_errorf(&c->obuf, "No shutdown in progress.");
		return;
	}
	if (!now && node->in_exec) {
		rkv_resp_add_errorf(&c->obuf,
				    "SHUTDOWN without NOW or ABORT isn't "
				    "allowed for DENY BLOCKING client");
		return;
	}
	rkv_node_logf(node, RKV_LOG_WARNING, "User requested shutdown...");
	if (!node->cb.event) {
		rkv_node_logf(node, RKV_LOG_WARNING,
			      "The host handles no shutdown event: SHUTDOWN "
			      "refused.");
		rkv_resp_add_errorf(&c->obuf,
				    "Errors trying to SHUTDOWN. Check logs.");
		return;
	}
	/* A node that writes its own files saves first (Redis's
	 * prepareForShutdown()); when that fails it does not exit. */
	switch (rkv_persist_shutdown(node, save, nosave, force)) {
	case -1:
		rkv_resp_add_errorf(&c->obuf,
				    "Errors trying to SHUTDOWN. Check logs.");
		return;
	case 1:
		save = false;
		nosave = true; /* saved: the host has nothing left to save */
		break;
	default:
		break;
	}
	{
		rkv_event ev = {sizeof(ev), RKV_EVENT_SHUTDOWN, "shutdown",
				save	 ? "save"
				: nosave ? "nosave"
					 : "",
				c};

		node->cb.event(node, &ev, node->user_data);
	}
	/* As when Redis exits: no reply, the connection closes. */
	c->closing = true;
}
