/* Nodes and connections: the host-facing plumbing. Bytes come in through
 * rkv_conn_recv(), requests are parsed in place (zero-copy: when the query
 * buffer is empty the host's own buffer is parsed directly and only an
 * incomplete tail is copied), executed, and the batch's replies leave in one
 * send callback. */
#include "node.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "commands.h"
#include "config.h"
#include "replica.h"
#include "sentinel.h"

/* ---------------------------------------------------------------------- */
/* Callbacks and options                                                  */
/* ---------------------------------------------------------------------- */

int rkv_callbacks_new(rkv_callbacks **out)
{
	if (!out)
		return RKV_ERR_INVALID;
	*out = calloc(1, sizeof(**out));
	return *out ? 0 : RKV_ERR_NOMEM;
}

void rkv_callbacks_free(rkv_callbacks *cbs)
{
	free(cbs);
}

void rkv_callbacks_set_send(rkv_callbacks *cbs, rkv_send_cb cb)
{
	cbs->send = cb;
}

void rkv_callbacks_set_connect(rkv_callbacks *cbs, rkv_connect_cb cb)
{
	cbs->connect = cb;
}

void rkv_callbacks_set_close(rkv_callbacks *cbs, rkv_close_cb cb)
{
	cbs->close = cb;
}

void rkv_callbacks_set_log(rkv_callbacks *cbs, rkv_log_cb cb)
{
	cbs->log = cb;
}

void rkv_callbacks_set_event(rkv_callbacks *cbs, rkv_event_cb cb)
{
	cbs->event = cb;
}

void rkv_callbacks_set_keyspace(rkv_callbacks *cbs, rkv_keyspace_cb cb)
{
	cbs->keyspace = cb;
}

void rkv_callbacks_set_info(rkv_callbacks *cbs, rkv_info_cb cb)
{
	cbs->info = cb;
}

void rkv_callbacks_set_clock(rkv_callbacks *cbs, rkv_clock_cb cb)
{
	cbs->clock = cb;
}

void rkv_callbacks_set_save(rkv_callbacks *cbs, rkv_save_cb cb)
{
	cbs->save = cb;
}

void rkv_callbacks_set_rdb_file(rkv_callbacks *cbs, rkv_rdb_open_cb open,
				rkv_write_cb write, rkv_rdb_close_cb close)
{
	bool all = open && write && close;

	cbs->rdb_open = all ? open : NULL;
	cbs->rdb_write = all ? write : NULL;
	cbs->rdb_close = all ? close : NULL;
}

void rkv_callbacks_set_config_rewrite(rkv_callbacks *cbs,
				      rkv_config_rewrite_cb cb)
{
	cbs->config_rewrite = cb;
}

static void options_defaults(struct rkv_options *o)
{
	memset(o, 0, sizeof(*o));
	o->alloc = *rkv_default_allocator();
	o->proto_max_bulk_len = RKV_PROTO_MAX_BULK_DEFAULT;
	o->databases = RKV_DEFAULT_DATABASES;
}

int rkv_options_new(rkv_options **out)
{
	if (!out)
		return RKV_ERR_INVALID;
	*out = malloc(sizeof(**out));
	if (!*out)
		return RKV_ERR_NOMEM;
	options_defaults(*out);
	return 0;
}

void rkv_options_free(rkv_options *opts)
{
	free(opts);
}

int rkv_options_set_allocator(rkv_options *opts, const rkv_allocator *alloc)
{
	if (!opts || !alloc || !alloc->malloc || !alloc->realloc ||
	    !alloc->free)
		return RKV_ERR_INVALID;
	opts->alloc = *alloc;
	return 0;
}

void rkv_options_set_seed(rkv_options *opts, uint64_t seed)
{
	opts->seed = seed;
}

int rkv_options_set_enable_debug_command(rkv_options *opts, rkv_protected mode)
{
	if (!opts || (mode != RKV_PROTECTED_NO && mode != RKV_PROTECTED_YES &&
		      mode != RKV_PROTECTED_LOCAL))
		return RKV_ERR_INVALID;
	opts->enable_debug = mode;
	return 0;
}

int rkv_options_set_databases(rkv_options *opts, int count)
{
	/* Redis accepts 1..INT_MAX; a bound keeps the array allocation sane. */
	if (!opts || count < 1 || count > 1000000)
		return RKV_ERR_INVALID;
	opts->databases = count;
	return 0;
}

int rkv_options_set_proto_max_bulk_len(rkv_options *opts, long long bytes)
{
	/* Redis refuses proto-max-bulk-len below 1mb. */
	if (!opts || bytes < 1024 * 1024)
		return RKV_ERR_INVALID;
	opts->proto_max_bulk_len = bytes;
	return 0;
}

int rkv_options_set_sentinel(rkv_options *opts, int enabled)
{
	if (!opts)
		return RKV_ERR_INVALID;
	opts->sentinel = enabled != 0;
	return 0;
}

int rkv_node_is_sentinel(const rkv_node *node)
{
	return node && node->sentinel ? 1 : 0;
}

/* ---------------------------------------------------------------------- */
/* Node                                                                   */
/* ---------------------------------------------------------------------- */

static void settings_defaults(rkv_node *node, const struct rkv_options *o)
{
	struct rkv_settings *s = &node->set;

	s->proto_max_bulk_len = o->proto_max_bulk_len;
	s->query_buffer_limit = RKV_QUERY_BUFFER_LIMIT;
	s->databases = o->databases;
	s->enable_debug = o->enable_debug;
	s->maxclients = 10000;
	s->hz = 10;
	s->slowlog_slower_than_us = 10000;
	s->slowlog_max_len = 128;
	/* client-output-buffer-limit normal 0 0 0 replica 256mb 64mb 60
	 * pubsub 32mb 8mb 60 */
	node->obuf_limit[1].hard = 256LL << 20;
	node->obuf_limit[1].soft = 64LL << 20;
	node->obuf_limit[1].soft_seconds = 60;
	node->obuf_limit[2].hard = 32LL << 20;
	node->obuf_limit[2].soft = 8LL << 20;
	node->obuf_limit[2].soft_seconds = 60;
}

static void wkey_key(const rkv_dict_node *n, const char **key, size_t *len)
{
	const rkv_wkey *wk = (const rkv_wkey *)n;

	*key = wk->key;
	*len = wk->klen;
}

static const rkv_dict_type wkey_type = {wkey_key};

static void propagate_expired(int db, const rkv_entry *e, void *ud);
static void signal_key(rkv_node *node, int db, const char *key, size_t klen,
		       bool expiring);
static int conn_flush(rkv_conn *c);

/* The keyspace deleted an expired key (lazily or actively): propagate the
 * DEL replicas need and tell watchers, as Redis's
 * deleteExpiredKeyAndPropagate(). Called before the entry is freed. */
static void key_expired(int db, const rkv_entry *e, void *ud)
{
	propagate_expired(db, e, ud);
	signal_key(ud, db, rkv_entry_key(e), e->klen, true);
}

int rkv_node_new(rkv_node **out, const rkv_callbacks *cbs,
		 const rkv_options *opts, void *user_data)
{
	struct rkv_options defaults;
	rkv_node *node;
	int rc;

	if (!out || !cbs)
		return RKV_ERR_INVALID;
	if (!opts) {
		options_defaults(&defaults);
		opts = &defaults;
	}
	node = rkv_malloc(&opts->alloc, sizeof(*node));
	if (!node)
		return RKV_ERR_NOMEM;
	memset(node, 0, sizeof(*node));
	node->host_alloc = opts->alloc;
	rkv_mem_init(&node->mem, &opts->alloc);
	node->cb = *cbs;
	node->user_data = user_data;
	rkv_rand_seed(&node->rng, opts->seed);
	node->next_client_id = 1;
	settings_defaults(node, opts);
	rc = rkv_keyspace_init(&node->ks, opts->databases, rkv_node_alloc(node),
			       &node->rng);
	if (rc < 0) {
		rkv_free(&opts->alloc, node);
		return rc;
	}
	node->ks.expire_hook = key_expired;
	node->ks.expire_ud = node;
	node->watched = rkv_malloc(rkv_node_alloc(node),
				   sizeof(rkv_dict) * (size_t)opts->databases);
	if (!node->watched) {
		rkv_keyspace_free(&node->ks);
		rkv_free(&opts->alloc, node);
		return RKV_ERR_NOMEM;
	}
	for (int i = 0; i < opts->databases; i++) {
		uint8_t seed[16];

		rkv_rand_bytes(&node->rng, seed, sizeof(seed));
		rkv_dict_init(&node->watched[i], &wkey_type,
			      rkv_node_alloc(node), seed);
	}
	rkv_rand_hex(&node->rng, node->run_id, 20);
	rkv_repl_init(node);
	node->start_ms = rkv_node_now_us(node) / 1000;
	node->lastsave_s = node->start_ms / 1000;
	node->bgsave_last_secs = -1;
	if (opts->sentinel && rkv_sentinel_init(node) < 0) {
		rkv_node_free(node);
		return RKV_ERR_NOMEM;
	}
	*out = node;
	return 0;
}

int rkv_node_resize_databases(rkv_node *node, int n)
{
	rkv_keyspace ks;
	rkv_dict *watched;
	int rc;

	if (n < 1 || node->nconns > 0 || node->nwatched)
		return RKV_ERR_STATE;
	for (int i = 0; i < node->ks.ndb; i++)
		if (rkv_keyspace_size(&node->ks, i))
			return RKV_ERR_STATE;
	watched =
	    rkv_malloc(rkv_node_alloc(node), sizeof(rkv_dict) * (size_t)n);
	if (!watched)
		return RKV_ERR_NOMEM;
	rc = rkv_keyspace_init(&ks, n, rkv_node_alloc(node), &node->rng);
	if (rc < 0) {
		rkv_free(rkv_node_alloc(node), watched);
		return rc;
	}
	for (int i = 0; i < node->ks.ndb; i++)
		rkv_dict_free(&node->watched[i]);
	rkv_free(rkv_node_alloc(node), node->watched);
	for (int i = 0; i < n; i++) {
		uint8_t seed[16];

		rkv_rand_bytes(&node->rng, seed, sizeof(seed));
		rkv_dict_init(&watched[i], &wkey_type, rkv_node_alloc(node),
			      seed);
	}
	node->watched = watched;
	ks.expire_hook = node->ks.expire_hook;
	ks.expire_ud = node->ks.expire_ud;
	rkv_keyspace_free(&node->ks);
	node->ks = ks;
	node->set.databases = n;
	return 0;
}

void rkv_node_free(rkv_node *node)
{
	if (!node)
		return;
	rkv_bgsave_abort(node);
	rkv_conn_free(node->host_conn);
	while (node->conns)
		rkv_conn_free(node->conns);
	rkv_replica_free(node);
	rkv_sentinel_free(node);
	rkv_pubsub_free(node);
	rkv_server_free(node);
	rkv_config_free(node);
	for (int i = 0; i < node->ks.ndb; i++)
		rkv_dict_free(&node->watched[i]);
	rkv_free(rkv_node_alloc(node), node->watched);
	rkv_free(rkv_node_alloc(node), node->set.requirepass);
	rkv_keyspace_free(&node->ks);
	rkv_repl_free(node);
	rkv_free(&node->host_alloc, node);
}

/* Keys sampled by active expiry per tick. At hz 10 that is 2000 keys a
 * second, Redis's ACTIVE_EXPIRE_CYCLE_KEYS_PER_LOOP (20) times the 16
 * databases and its "fast cycle" headroom, counted in work, not time. */
#define ACTIVE_EXPIRE_BUDGET 200
/* Buckets rehashed per table per tick (Redis rehashes for 1 ms). */
#define REHASH_STEPS_PER_TICK 100

static void propagate_expired(int db, const rkv_entry *e, void *ud)
{
	rkv_node *node = ud;
	rkv_slice argv[2] = {{"DEL", 3}, {rkv_entry_key(e), e->klen}};
	long long dirty = node->dirty;

	/* A replica never deletes keys on its own account: its master's DEL
	 * comes in the stream (Redis keeps replicas' stream its master's). */
	if (node->mlink)
		return;
	/* An expiry is replicated as a DEL but is not a change the save
	 * points count, as in Redis. */
	rkv_propagate(node, db, 2, argv);
	node->dirty = dirty;
}

/* Idle timeouts and the output soft limits, as Redis's clientsCron(). */
static void clients_cron(rkv_node *node)
{
	int64_t now = node->cmd_time_ms;
	rkv_conn *next;

	for (rkv_conn *c = node->conns; c; c = next) {
		next = c->next;
		if (c->closing ||
		    (c->flags & (RKV_CONN_HOST | RKV_CONN_OUTBOUND)))
			continue;
		if (node->set.timeout_s > 0 && !c->nsub && !c->npsub &&
		    !(c->flags & (RKV_CONN_MONITOR | RKV_CONN_REPLICA |
				  RKV_CONN_BLOCKED)) &&
		    now - c->last_ms > node->set.timeout_s * 1000) {
			rkv_node_logf(node, RKV_LOG_VERBOSE,
				      "Closing idle client");
			rkv_conn_kill(c);
			continue;
		}
		if (c->obuf.len)
			rkv_conn_check_obuf(c);
	}
}

int rkv_node_tick(rkv_node *node, int64_t now_ms)
{
	if (!node)
		return RKV_ERR_INVALID;
	node->tick_ms = now_ms;
	rkv_node_snapshot_time(node);
	/* An expired pause ends (its held clients run at the flush below);
	 * while clients are paused the dataset stays still: no active
	 * expiry, as Redis. */
	if (!node->active_expire_off && !node->mlink && !rkv_paused(node))
		rkv_keyspace_active_expire(&node->ks, node->cmd_time_ms,
					   ACTIVE_EXPIRE_BUDGET);
	rkv_keyspace_upkeep(&node->ks, REHASH_STEPS_PER_TICK);
	clients_cron(node);
	rkv_failover_cron(node);
	rkv_replica_cron(node);
	rkv_sentinel_cron(node);
	rkv_persist_cron(node);
	rkv_repl_cron(node);
	rkv_node_flush_pending(node);
	return 0;
}

void rkv_node_snapshot_time(rkv_node *node)
{
	node->cmd_end_us = rkv_node_now_us(node);
	node->cmd_time_ms = node->cmd_end_us / 1000;
}

void rkv_propagate(rkv_node *node, int db, size_t argc, const rkv_slice *argv)
{
	node->dirty++;
	node->propagated++;
	/* The replication stream (repl.c); nothing while no replica ever
	 * attached. */
	if (node->repl.backlog || node->repl.replicas)
		rkv_repl_propagate(node, db, argc, argv);
}

void *rkv_node_user_data(const rkv_node *node)
{
	return node->user_data;
}

void rkv_node_logf(rkv_node *node, rkv_log_level level, const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	if (!node->cb.log)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	node->cb.log(node, level, line, node->user_data);
}

int64_t rkv_node_now_us(rkv_node *node)
{
	if (node->cb.clock)
		return node->cb.clock(node, node->user_data);
	return node->tick_ms * 1000;
}

/* ---------------------------------------------------------------------- */
/* Connections                                                            */
/* ---------------------------------------------------------------------- */

/* A fresh connection, not yet on node->conns nor counted. */
static rkv_conn *conn_create(rkv_node *node, void *conn_user_data)
{
	rkv_conn *c = rkv_malloc(rkv_node_alloc(node), sizeof(*c));

	if (!c)
		return NULL;
	memset(c, 0, sizeof(*c));
	c->node = node;
	c->user_data = conn_user_data;
	c->id = node->next_client_id++;
	c->proto = 2;
	c->fd = -1;
	rkv_req_parser_init(&c->parser, rkv_node_alloc(node));
	c->parser.max_bulk = node->set.proto_max_bulk_len;
	rkv_buf_init(&c->qbuf, rkv_node_alloc(node));
	rkv_buf_init(&c->obuf, rkv_node_alloc(node));
	c->ctime_ms = c->last_ms = rkv_node_now_us(node) / 1000;
	if (!node->set.requirepass)
		c->flags |= RKV_CONN_AUTHED;
	return c;
}

int rkv_conn_new(rkv_node *node, rkv_conn **out, void *conn_user_data)
{
	rkv_conn *c;

	if (!node || !out)
		return RKV_ERR_INVALID;
	c = conn_create(node, conn_user_data);
	if (!c)
		return RKV_ERR_NOMEM;
	c->next = node->conns;
	if (node->conns)
		node->conns->prev = c;
	node->conns = c;
	node->nconns++;
	node->stats.connections++;
	*out = c;
	if ((long long)node->nconns > node->set.maxclients) {
		/* Redis's refusal: the error, then the close. */
		static const char err[] =
		    "-ERR max number of clients reached\r\n";

		node->stats.rejected_connections++;
		node->stats.connections--;
		rkv_buf_append(&c->obuf, err, sizeof(err) - 1);
		c->closing = true;
		conn_flush(c);
	}
	return 0;
}

rkv_conn *rkv_conn_new_outbound(rkv_node *node, const rkv_link_ops *ops,
				const char *host, int port, int *rc)
{
	rkv_conn *c;

	if (!node->cb.connect) {
		*rc = RKV_ERR_STATE;
		return NULL;
	}
	c = conn_create(node, NULL);
	if (!c) {
		*rc = RKV_ERR_NOMEM;
		return NULL;
	}
	c->flags |= RKV_CONN_OUTBOUND | RKV_CONN_AUTHED;
	c->link = ops;
	snprintf(c->addr, sizeof(c->addr), "%s:%d", host, port);
	c->next = node->conns;
	if (node->conns)
		node->conns->prev = c;
	node->conns = c;
	node->nconns++;
	if (node->cb.connect(node, c, host, port, node->user_data) < 0) {
		c->link = NULL; /* no "lost": the caller hears *rc */
		rkv_conn_free(c);
		*rc = RKV_ERR_CALLBACK;
		return NULL;
	}
	*rc = 0;
	return c;
}

int rkv_conn_set_user_data(rkv_conn *c, void *conn_user_data)
{
	if (!c)
		return RKV_ERR_INVALID;
	c->user_data = conn_user_data;
	return 0;
}

int rkv_conn_set_error(rkv_conn *c, const char *reason)
{
	if (!c || !reason)
		return RKV_ERR_INVALID;
	snprintf(c->conn_err, sizeof(c->conn_err), "%s", reason);
	return 0;
}

int rkv_conn_is_outbound(const rkv_conn *c)
{
	return c && (c->flags & RKV_CONN_OUTBOUND) ? 1 : 0;
}

int rkv_conn_connected(rkv_conn *c)
{
	if (!c || !(c->flags & RKV_CONN_OUTBOUND))
		return RKV_ERR_INVALID;
	if (c->closing || !c->link)
		return RKV_ERR_CLOSED;
	if (c->flags & RKV_CONN_LINKUP)
		return RKV_ERR_STATE;
	c->flags |= RKV_CONN_LINKUP;
	rkv_node_snapshot_time(c->node);
	c->link->connected(c);
	conn_flush(c);
	if (c->node->pending)
		rkv_node_flush_pending(c->node);
	return c->closing ? RKV_ERR_CLOSED : 0;
}

/* The owner of an outbound connection hears that it is gone, once. */
static void conn_link_lost(rkv_conn *c)
{
	const rkv_link_ops *ops = c->link;

	if (!ops)
		return;
	c->link = NULL;
	ops->lost(c);
}

rkv_conn *rkv_conn_new_host(rkv_node *node)
{
	rkv_conn *c = conn_create(node, NULL);

	if (c)
		c->flags |= RKV_CONN_HOST | RKV_CONN_AUTHED;
	return c;
}

void rkv_conn_free(rkv_conn *c)
{
	rkv_node *node;

	if (!c)
		return;
	node = c->node;
	conn_link_lost(c);
	rkv_multi_conn_free(c);
	rkv_pubsub_conn_free(c);
	if (c->replica)
		rkv_repl_replica_gone(c);
	if (c->flags & RKV_CONN_POSTPONED)
		rkv_pause_conn_gone(c);
	if (c->flags & RKV_CONN_BLOCKED)
		rkv_repl_wait_gone(c);
	if (c->flags & RKV_CONN_MONITOR)
		node->nmonitors--;
	if (c->flags & RKV_CONN_PENDING) {
		rkv_conn **pp = &node->pending;

		while (*pp != c)
			pp = &(*pp)->next_pending;
		*pp = c->next_pending;
	}
	if (c->flags & RKV_CONN_HOST) {
		/* Off the list and uncounted (rkv_conn_new_host()). */
		if (node->host_conn == c)
			node->host_conn = NULL;
	} else {
		if (c->prev)
			c->prev->next = c->next;
		else
			node->conns = c->next;
		if (c->next)
			c->next->prev = c->prev;
		node->nconns--;
	}
	rkv_req_parser_free(&c->parser);
	rkv_buf_free(&c->qbuf);
	rkv_buf_free(&c->obuf);
	rkv_free(rkv_node_alloc(node), c);
}

int rkv_conn_set_addr(rkv_conn *c, const char *addr)
{
	if (!c || !addr)
		return RKV_ERR_INVALID;
	snprintf(c->addr, sizeof(c->addr), "%s", addr);
	return 0;
}

int rkv_conn_set_laddr(rkv_conn *c, const char *laddr)
{
	if (!c || !laddr)
		return RKV_ERR_INVALID;
	snprintf(c->laddr, sizeof(c->laddr), "%s", laddr);
	return 0;
}

int rkv_conn_set_fd(rkv_conn *c, int fd)
{
	if (!c)
		return RKV_ERR_INVALID;
	c->fd = fd;
	return 0;
}

void *rkv_conn_user_data(const rkv_conn *c)
{
	return c->user_data;
}

rkv_node *rkv_conn_node(const rkv_conn *c)
{
	return c->node;
}

uint64_t rkv_conn_id(const rkv_conn *c)
{
	return c->id;
}

size_t rkv_conn_pending_output(const rkv_conn *c)
{
	return c->obuf.len;
}

static void conn_mark_closed(rkv_conn *c)
{
	if (c->closed)
		return;
	c->closed = c->closing = true;
	conn_link_lost(c);
	if (c->node->cb.close)
		c->node->cb.close(c->node, c, c->node->user_data);
}

/* Hand queued output to the host. */
static int conn_flush(rkv_conn *c)
{
	rkv_node *node = c->node;

	if (c->obuf.oom) {
		/* A reply could not be buffered whole: the stream is broken. */
		c->obuf.len = 0;
		conn_mark_closed(c);
		return RKV_ERR_NOMEM;
	}
	while (c->obuf.len && !c->closed) {
		int64_t n;

		if (!node->cb.send) {
			conn_mark_closed(c);
			break;
		}
		n = node->cb.send(node, c,
				  (const uint8_t *)rkv_buf_head(&c->obuf),
				  c->obuf.len, node->user_data);
		if (n == RKV_ERR_WOULDBLOCK || n == 0)
			return 0;
		if (n < 0 || (uint64_t)n > c->obuf.len) {
			conn_mark_closed(c);
			break;
		}
		node->stats.net_output_bytes += n;
		rkv_buf_consume(&c->obuf, (size_t)n);
	}
	if (c->closing && c->obuf.len == 0)
		conn_mark_closed(c);
	return c->closed ? RKV_ERR_CLOSED : 0;
}

int rkv_conn_flush(rkv_conn *c)
{
	return conn_flush(c);
}

void rkv_conn_mark_pending(rkv_conn *c)
{
	if (c->flags & RKV_CONN_PENDING)
		return;
	c->flags |= RKV_CONN_PENDING;
	c->next_pending = c->node->pending;
	c->node->pending = c;
}

static long long conn_process(rkv_conn *c, const char *in, size_t len);

void rkv_node_flush_pending(rkv_node *node)
{
	while (node->pending) {
		rkv_conn *c = node->pending;

		node->pending = c->next_pending;
		c->flags &= ~(unsigned)RKV_CONN_PENDING;
		if ((c->flags & RKV_CONN_RESUME) && !c->closing) {
			/* Woken from WAIT: run what arrived meanwhile. */
			long long used;

			c->flags &= ~(unsigned)RKV_CONN_RESUME;
			rkv_node_snapshot_time(node);
			used = conn_process(c, rkv_buf_head(&c->qbuf),
					    c->qbuf.len);
			if (used > 0)
				rkv_buf_consume(&c->qbuf, (size_t)used);
			else if (used < 0)
				c->closing = true;
		}
		if (!c->closed)
			conn_flush(c);
	}
}

void rkv_conn_unblock(rkv_conn *c)
{
	c->flags &= ~(unsigned)RKV_CONN_BLOCKED;
	c->flags |= RKV_CONN_RESUME;
	rkv_conn_mark_pending(c);
}

void rkv_conn_kill(rkv_conn *c)
{
	if (c->closed)
		return;
	c->closing = true;
	c->obuf.len = 0;
	rkv_buf_free(&c->qbuf);
	conn_mark_closed(c);
}

/* The client class whose output limits apply to c: 0 normal, 1 replica,
 * 2 pubsub. */
static int conn_class(const rkv_conn *c)
{
	if (c->flags & RKV_CONN_REPLICA)
		return 1;
	return (c->nsub || c->npsub) ? 2 : 0;
}

bool rkv_conn_check_obuf(rkv_conn *c)
{
	rkv_node *node = c->node;
	int cls = conn_class(c);
	long long used = (long long)c->obuf.len;
	long long hard = node->obuf_limit[cls].hard;
	long long soft = node->obuf_limit[cls].soft;
	bool over = false;

	if (c->flags & RKV_CONN_HOST)
		return true;
	if (hard && used >= hard)
		over = true;
	if (soft && used >= soft) {
		if (!c->obuf_soft_since_ms)
			c->obuf_soft_since_ms =
			    node->cmd_time_ms ? node->cmd_time_ms : 1;
		else if (node->cmd_time_ms - c->obuf_soft_since_ms >
			 node->obuf_limit[cls].soft_seconds * 1000)
			over = true;
	} else {
		c->obuf_soft_since_ms = 0;
	}
	if (!over)
		return true;
	rkv_node_logf(node, RKV_LOG_WARNING,
		      "Client id=%llu addr=%s name=%s scheduled to be closed "
		      "ASAP for overcoming of output buffer limits.",
		      (unsigned long long)c->id, c->addr[0] ? c->addr : "?",
		      c->name);
	node->stats.client_obuf_limit_disconnections++;
	rkv_conn_kill(c);
	return false;
}

/* ---------------------------------------------------------------------- */
/* Key change signals (WATCH, the host's keyspace callback)               */
/* ---------------------------------------------------------------------- */

/* Flag the watchers of wk. `expiring`: the key is being deleted by expiry
 * (it is still in the keyspace while the hook runs). */
static void fail_watchers(rkv_wkey *wk, int db, const char *key, size_t klen,
			  rkv_node *node, bool expiring)
{
	rkv_watch *w = wk->watchers;

	while (w) {
		rkv_watch *next = w->knext;
		rkv_conn *c = w->conn;

		if (w->expired) {
			/* Expired when WATCHed: its deletion is no change
			 * (Redis 7.0 touchWatchedKey()). */
			if (expiring || !rkv_keyspace_peek(&node->ks, db, key,
							   klen, INT64_MIN)) {
				w->expired = false;
				w = next;
				continue;
			}
		}
		c->flags |= RKV_CONN_DIRTY_CAS;
		w = next;
	}
}

static void signal_key(rkv_node *node, int db, const char *key, size_t klen,
		       bool expiring)
{
	if (node->nwatched) {
		rkv_dict *d = &node->watched[db];
		rkv_wkey *wk = (rkv_wkey *)rkv_dict_find(
		    d, key, klen, rkv_dict_hash(d, key, klen));

		if (wk)
			fail_watchers(wk, db, key, klen, node, expiring);
	}
	if (node->cb.keyspace)
		node->cb.keyspace(node, db, key, klen, node->user_data);
}

void rkv_signal_key(rkv_node *node, int db, const char *key, size_t klen)
{
	signal_key(node, db, key, klen, false);
}

struct touch_db {
	rkv_node *node;
	int db, db2;
};

static void touch_if_present(rkv_dict_node *n, void *ud)
{
	struct touch_db *t = ud;
	rkv_wkey *wk = (rkv_wkey *)n;
	rkv_keyspace *ks = &t->node->ks;
	rkv_dict *k1 = &ks->db[t->db].keys;

	if (rkv_dict_find(k1, wk->key, wk->klen,
			  rkv_dict_hash(k1, wk->key, wk->klen)) ||
	    (t->db2 >= 0 &&
	     rkv_dict_find(
		 &ks->db[t->db2].keys, wk->key, wk->klen,
		 rkv_dict_hash(&ks->db[t->db2].keys, wk->key, wk->klen)))) {
		for (rkv_watch *w = wk->watchers; w; w = w->knext)
			w->conn->flags |= RKV_CONN_DIRTY_CAS;
	}
}

static void signal_one_db(rkv_node *node, int db, int db2)
{
	struct touch_db t = {node, db, db2};

	rkv_dict_foreach(&node->watched[db], touch_if_present, &t);
}

void rkv_signal_db(rkv_node *node, int db, int db2)
{
	if (!node->nwatched)
		return;
	if (db < 0) {
		for (int i = 0; i < node->ks.ndb; i++)
			signal_one_db(node, i, -1);
		return;
	}
	signal_one_db(node, db, db2);
	if (db2 >= 0)
		signal_one_db(node, db2, db);
}

void rkv_signal_db_done(rkv_node *node, int db)
{
	if (node->cb.keyspace)
		node->cb.keyspace(node, db, NULL, 0, node->user_data);
}

int rkv_conn_writable(rkv_conn *c)
{
	if (!c)
		return RKV_ERR_INVALID;
	if (c->closed)
		return RKV_ERR_CLOSED;
	return conn_flush(c);
}

/* Copy n printable-or-dot bytes of the query buffer for the log. */
static void printable(char *dst, const char *src, size_t n)
{
	for (size_t i = 0; i < n; i++)
		dst[i] = (src[i] >= 0x20 && src[i] < 0x7f) ? src[i] : '.';
	dst[n] = '\0';
}

static void conn_protocol_error(rkv_conn *c, const char *at, size_t left)
{
	rkv_node *node = c->node;
	const char *msg = c->parser.errmsg;
	char dump[160];

	rkv_resp_add_error(&c->obuf, msg, strlen(msg));
	c->closing = true;
	/* Redis's log line, with the first bytes of the offending input. */
	printable(dump, at, left < 128 ? left : 128);
	rkv_node_logf(
	    node, RKV_LOG_VERBOSE,
	    "Protocol error (%s) from client: id=%llu addr=%s name=%s. "
	    "Query buffer during protocol error: '%s'",
	    c->parser.errreason, (unsigned long long)c->id,
	    c->addr[0] ? c->addr : "?", c->name, dump);
	if (node->cb.event) {
		rkv_event ev = {sizeof(ev), RKV_EVENT_PROTOCOL_ERROR,
				"protocol-error", msg, c};

		node->cb.event(node, &ev, node->user_data);
	}
}

/* Parse and run every complete request in in[0..len); returns the bytes
 * used (the rest is an incomplete request) or a negative code. */
static long long conn_process(rkv_conn *c, const char *in, size_t len)
{
	size_t off = 0;

	if (len == 0) /* nothing to parse (in may be NULL) */
		return 0;
	while (!c->closing && !(c->flags & RKV_CONN_BLOCKED)) {
		size_t used, start = off;
		int r = rkv_req_parse(&c->parser, in + off, len - off, &used);

		off += used;
		if (r == RKV_RESP_DONE) {
			if (c->flags & RKV_CONN_MASTER) {
				if (c->node->pause.type &&
				    rkv_pause_hold_master(c, c->parser.argc,
							  c->parser.argv)) {
					off = start; /* held: kept in qbuf */
					break;
				}
				rkv_replica_exec(c, c->parser.argc,
						 c->parser.argv, in + start,
						 off - start);
			} else {
				rkv_command_execute(c, c->parser.argc,
						    c->parser.argv);
				if (c->flags & RKV_CONN_POSTPONED) {
					/* Held by a client pause: the command
					 * runs again, from qbuf, when the
					 * pause ends. */
					off = start;
					break;
				}
			}
			continue;
		}
		if (r == RKV_ERR_PROTO && (c->flags & RKV_CONN_MASTER))
			rkv_replica_protocol_error(c, c->parser.errreason);
		else if (r == RKV_ERR_PROTO)
			conn_protocol_error(c, in + off, len - off);
		else if (r == RKV_ERR_NOMEM)
			return RKV_ERR_NOMEM;
		break;
	}
	return (long long)off;
}

int rkv_conn_recv(rkv_conn *c, const uint8_t *data, size_t len)
{
	long long used;

	if (!c || (!data && len))
		return RKV_ERR_INVALID;
	if (c->closing)
		return RKV_ERR_CLOSED;
	c->node->stats.net_input_bytes += (long long)len;
	rkv_node_snapshot_time(c->node);
	if (c->link && !(c->flags & RKV_CONN_MASTER)) {
		/* An outbound link in its handshake: its owner reads it. */
		long long n = c->link->recv(c, (const char *)data, len);

		if (n < 0 && !c->closed) {
			c->closing = true;
			c->obuf.len = 0;
			conn_mark_closed(c);
		}
		if (n < 0 || c->closing || !(c->flags & RKV_CONN_MASTER) ||
		    (size_t)n >= len) {
			conn_flush(c);
			if (c->node->pending)
				rkv_node_flush_pending(c->node);
			return c->closing ? RKV_ERR_CLOSED : 0;
		}
		data += n;
		len -= (size_t)n;
	}
	if (c->flags & RKV_CONN_MASTER)
		rkv_replica_read(c, len);
	if (c->qbuf.len == 0) {
		/* Common case: parse the host's buffer in place, keep only an
		 * incomplete tail. */
		used = conn_process(c, (const char *)data, len);
		if (used >= 0 && (size_t)used < len && !c->closing)
			rkv_buf_append(&c->qbuf, data + used,
				       len - (size_t)used);
	} else {
		rkv_buf_append(&c->qbuf, data, len);
		used = c->qbuf.oom ? RKV_ERR_NOMEM
				   : conn_process(c, rkv_buf_head(&c->qbuf),
						  c->qbuf.len);
		if (used > 0)
			rkv_buf_consume(&c->qbuf, (size_t)used);
	}
	if (used < 0 || c->qbuf.oom) {
		c->closing = true;
		conn_flush(c);
		conn_mark_closed(c);
		return RKV_ERR_NOMEM;
	}
	if ((long long)c->qbuf.len > c->node->set.query_buffer_limit) {
		rkv_node_logf(c->node, RKV_LOG_WARNING,
			      "Closing client that reached max query buffer "
			      "length: id=%llu addr=%s",
			      (unsigned long long)c->id,
			      c->addr[0] ? c->addr : "?");
		c->closing = true;
		c->obuf.len = 0;
	}
	if (c->closing)
		rkv_buf_free(&c->qbuf);
	else if (c->obuf.len > 65536)
		rkv_conn_check_obuf(c);
	if (c->node->pending)
		rkv_node_flush_pending(c->node);
	/* A write waiting in the replicas' stream (sent once per event-loop
	   iteration by rkv_repl_background()): the reply waits for it and
	   goes out after it, as Redis's beforeSleep() writes the replicas
	   first. Otherwise a client could see the reply to a write that a
	   kill -9 of this master then loses. */
	if (c->node->repl.unflushed && c->obuf.len && !c->closing)
		rkv_conn_mark_pending(c);
	else
		conn_flush(c);
	return c->closing ? RKV_ERR_CLOSED : 0;
}
