/* The in-process API: commands run for the host on an internal connection
 * (node->host_conn), replies handed over as RESP bytes or as a parsed tree,
 * and typed fast paths (GET, SET, DEL, EXISTS, SCAN) straight on the
 * keyspace that propagate and signal exactly as the commands do. */
#include <stdint.h>
#include <string.h>

#include "api.h"
#include "commands.h"
#include "util.h"

/* ---------------------------------------------------------------------- */
/* Commands                                                               */
/* ---------------------------------------------------------------------- */

static bool valid_db(const rkv_node *node, int db)
{
	return db >= 0 && db < node->ks.ndb;
}

/* Commands that would leave the host connection receiving pushed output
 * between calls, which it has no way to deliver. (MONITOR refuses the host
 * connection itself, as a client that needs one reply per command.) */
static bool refused_command(const rkv_command *cmd)
{
	static const char *const names[] = {"subscribe", "psubscribe",
					    "ssubscribe"};

	for (size_t i = 0; i < sizeof(names) / sizeof(*names); i++)
		if (strcmp(cmd->name, names[i]) == 0)
			return true;
	return false;
}

/* Undo the modes a transaction may still have entered (EXEC of a queued
 * SUBSCRIBE or MONITOR) and keep the connection usable after QUIT/RESET. */
static void host_conn_restore(rkv_conn *c)
{
	rkv_node *node = c->node;

	if (c->nsub || c->npsub)
		rkv_pubsub_unsubscribe_all(c);
	if (c->flags & RKV_CONN_MONITOR) {
		c->flags &= ~(unsigned)RKV_CONN_MONITOR;
		node->nmonitors--;
	}
	if (c->flags & RKV_CONN_PENDING) {
		/* Output for the host connection is its reply: never send. */
		rkv_conn **pp = &node->pending;

		while (*pp != c)
			pp = &(*pp)->next_pending;
		*pp = c->next_pending;
		c->flags &= ~(unsigned)RKV_CONN_PENDING;
	}
	c->flags |= RKV_CONN_AUTHED;
	c->closing = c->closed = false;
}

#define SMALL_ARGV 16

/* Run the command; its reply is left in node->host_conn->obuf. */
static int run_command(rkv_node *node, int db, size_t argc,
		       const char *const *argv, const size_t *argvlen)
{
	rkv_slice small[SMALL_ARGV], *args = small;
	const rkv_command *cmd;
	rkv_conn *c;

	if (!node || !argv || argc == 0 ||
	    (db != RKV_DB_SELECTED && !valid_db(node, db)))
		return RKV_ERR_INVALID;
	for (size_t i = 0; i < argc; i++)
		if (!argv[i] && !(argvlen && argvlen[i] == 0))
			return RKV_ERR_INVALID;
	c = node->host_conn;
	if (!c) {
		c = node->host_conn = rkv_conn_new_host(node);
		if (!c)
			return RKV_ERR_NOMEM;
	}
	if (db != RKV_DB_SELECTED && db != c->db) {
		if (c->flags & RKV_CONN_MULTI)
			return RKV_ERR_INVALID;
		c->db = db;
	}
	if (argc > SMALL_ARGV) {
		if (argc > SIZE_MAX / sizeof(*args))
			return RKV_ERR_NOMEM;
		args = rkv_malloc(rkv_node_alloc(node), argc * sizeof(*args));
		if (!args)
			return RKV_ERR_NOMEM;
	}
	for (size_t i = 0; i < argc; i++) {
		args[i].ptr = argv[i] ? argv[i] : "";
		args[i].len = argvlen ? argvlen[i] : strlen(argv[i]);
	}
	rkv_buf_consume(&c->obuf, c->obuf.len);
	c->obuf.oom = false;
	c->flags |= RKV_CONN_AUTHED;
	rkv_node_snapshot_time(node);
	cmd = rkv_command_lookup(args[0].ptr, args[0].len);
	if (cmd && refused_command(cmd)) {
		rkv_resp_add_errorf(&c->obuf,
				    "'%s' command is not allowed from the "
				    "in-process API",
				    cmd->name);
		node->stats.error_replies++;
		if (c->flags & RKV_CONN_MULTI)
			c->flags |= RKV_CONN_DIRTY_EXEC;
	} else {
		rkv_command_execute(c, argc, args);
	}
	host_conn_restore(c);
	if (args != small)
		rkv_free(rkv_node_alloc(node), args);
	if (node->pending)
		rkv_node_flush_pending(node);
	if (c->obuf.oom) {
		rkv_buf_free(&c->obuf);
		c->obuf.oom = false;
		return RKV_ERR_NOMEM;
	}
	return 0;
}

int rkv_node_command_resp(rkv_node *node, int db, size_t argc,
			  const char *const *argv, const size_t *argvlen,
			  char **out, size_t *outlen)
{
	rkv_conn *c;
	int rc;

	if (!out || !outlen)
		return RKV_ERR_INVALID;
	*out = NULL;
	*outlen = 0;
	rc = run_command(node, db, argc, argv, argvlen);
	if (rc < 0)
		return rc;
	c = node->host_conn;
	if (c->obuf.len == 0)
		return 0;
	/* Hand the buffer over whole: the reply is never copied. */
	if (c->obuf.start)
		memmove(c->obuf.data, rkv_buf_head(&c->obuf), c->obuf.len);
	*out = c->obuf.data;
	*outlen = c->obuf.len;
	c->obuf.data = NULL;
	c->obuf.len = c->obuf.start = c->obuf.cap = 0;
	return 0;
}

void rkv_resp_free(rkv_node *node, char *resp)
{
	if (node && resp)
		rkv_free(rkv_node_alloc(node), resp);
}

/* ---------------------------------------------------------------------- */
/* Reply trees                                                            */
/* ---------------------------------------------------------------------- */

/* A tree lives in one allocation: the reply structs (the root first), then
 * the element pointer arrays, then the strings. Pass one measures, pass two
 * fills. */
typedef struct tree_build {
	bool fill;
	size_t nreplies, nptrs, nbytes; /* measured or used */
	rkv_reply *replies;
	rkv_reply **ptrs;
	char *bytes;
} tree_build;

static rkv_reply *new_reply(tree_build *t)
{
	rkv_reply *r = t->fill ? &t->replies[t->nreplies] : NULL;

	t->nreplies++;
	if (r) {
		memset(r, 0, sizeof(*r));
		r->size = sizeof(*r);
	}
	return r;
}

static void set_str(tree_build *t, rkv_reply *r, const rkv_slice *s)
{
	if (r) {
		char *dst = t->bytes + t->nbytes;

		if (s->len)
			memcpy(dst, s->ptr, s->len);
		dst[s->len] = '\0';
		r->str = dst;
		r->len = s->len;
	}
	t->nbytes += s->len + 1;
}

static void set_elements(tree_build *t, rkv_reply *r, size_t count)
{
	if (r && count) {
		r->elements = t->ptrs + t->nptrs;
		r->count = count;
	}
	t->nptrs += count;
}

/* One pass over the first reply in buf[0..len). Returns 0 or RKV_ERR_PROTO
 * (the bytes are not one complete reply: cannot happen for the node's own
 * output). */
static int tree_pass(tree_build *t, const char *buf, size_t len)
{
	struct {
		rkv_reply *agg;
		size_t left;
	} stack[RKV_RESP_MAX_DEPTH + 1];
	unsigned sp = 0;
	long skip_depth = -1; /* inside an attribute deeper than this */
	rkv_reply_parser p;
	size_t off = 0;

	rkv_reply_parser_init(&p);
	p.max_bulk = LLONG_MAX;
	p.max_elements = LLONG_MAX;
	p.max_line = len;
	t->nreplies = t->nptrs = t->nbytes = 0;
	if (len == 0) {
		/* No reply at all: a nil. */
		rkv_reply *r = new_reply(t);

		if (r)
			r->type = RKV_REPLY_NIL;
		return 0;
	}
	for (;;) {
		rkv_resp_token tok;
		size_t used;
		rkv_reply *r;
		int rc = rkv_reply_next(&p, buf + off, len - off, &used, &tok);

		if (rc != RKV_RESP_DONE)
			return RKV_ERR_PROTO;
		off += used;
		if (skip_depth >= 0) {
			if ((long)tok.depth > skip_depth)
				continue;
			skip_depth = -1;
		}
		if (tok.type == RKV_RESP_ATTRIBUTE) {
			if (tok.n > 0)
				skip_depth = (long)tok.depth;
			continue;
		}
		r = new_reply(t);
		if (r && sp > 0)
			stack[sp - 1].agg->elements[stack[sp - 1].agg->count -
						    stack[sp - 1].left] = r;
		if (sp > 0)
			stack[sp - 1].left--;
		switch (tok.type) {
		case RKV_RESP_STATUS:
			if (r)
				r->type = RKV_REPLY_STATUS;
			set_str(t, r, &tok.str);
			break;
		case RKV_RESP_ERROR:
		case RKV_RESP_BLOBERR:
			if (r)
				r->type = RKV_REPLY_ERROR;
			set_str(t, r, &tok.str);
			break;
		case RKV_RESP_INTEGER:
		case RKV_RESP_BOOL:
			if (r) {
				r->type = tok.type == RKV_RESP_BOOL
					      ? RKV_REPLY_BOOL
					      : RKV_REPLY_INTEGER;
				r->integer = tok.n;
			}
			break;
		case RKV_RESP_DOUBLE:
			if (r) {
				r->type = RKV_REPLY_DOUBLE;
				r->dval = tok.d;
			}
			set_str(t, r, &tok.str);
			break;
		case RKV_RESP_BIGNUM:
			if (r)
				r->type = RKV_REPLY_BIGNUM;
			set_str(t, r, &tok.str);
			break;
		case RKV_RESP_VERBATIM:
			if (r) {
				r->type = RKV_REPLY_VERBATIM;
				memcpy(r->vtype, tok.fmt, sizeof(r->vtype));
			}
			set_str(t, r, &tok.str);
			break;
		case RKV_RESP_NULL:
			if (r)
				r->type = RKV_REPLY_NIL;
			break;
		case RKV_RESP_BULK:
			if (r)
				r->type = tok.n < 0 ? RKV_REPLY_NIL
						    : RKV_REPLY_STRING;
			if (tok.n >= 0)
				set_str(t, r, &tok.str);
			break;
		case RKV_RESP_ARRAY:
		case RKV_RESP_MAP:
		case RKV_RESP_SET:
		case RKV_RESP_PUSH: {
			size_t count = tok.n < 0 ? 0 : (size_t)tok.n;

			if (tok.type == RKV_RESP_MAP)
				count *= 2;
			if (r)
				r->type =
				    tok.n < 0 ? RKV_REPLY_NIL
				    : tok.type == RKV_RESP_ARRAY
					? RKV_REPLY_ARRAY
				    : tok.type == RKV_RESP_MAP ? RKV_REPLY_MAP
				    : tok.type == RKV_RESP_SET ? RKV_REPLY_SET
							       : RKV_REPLY_PUSH;
			if (tok.n < 0)
				break;
			set_elements(t, r, count);
			if (count) {
				if (sp > RKV_RESP_MAX_DEPTH)
					return RKV_ERR_PROTO;
				stack[sp].agg = r;
				stack[sp].left = count;
				sp++;
			}
			break;
		}
		default:
			return RKV_ERR_PROTO;
		}
		while (sp > 0 && stack[sp - 1].left == 0)
			sp--;
		if (sp == 0)
			return 0;
	}
}

int rkv_reply_parse(rkv_node *node, const char *buf, size_t len,
		    rkv_reply **out)
{
	tree_build t = {0};
	size_t total;
	char *block;

	*out = NULL;
	if (tree_pass(&t, buf, len) < 0)
		return RKV_ERR_STATE;
	if (t.nreplies > (SIZE_MAX / 2) / sizeof(rkv_reply) ||
	    t.nptrs > (SIZE_MAX / 2) / sizeof(rkv_reply *) ||
	    t.nbytes > SIZE_MAX / 4)
		return RKV_ERR_NOMEM;
	total = t.nreplies * sizeof(rkv_reply) + t.nptrs * sizeof(rkv_reply *) +
		t.nbytes;
	block = rkv_malloc(rkv_node_alloc(node), total);
	if (!block)
		return RKV_ERR_NOMEM;
	t.fill = true;
	t.replies = (rkv_reply *)(void *)block;
	t.ptrs = (rkv_reply **)(void *)(block + t.nreplies * sizeof(rkv_reply));
	t.bytes = block + t.nreplies * sizeof(rkv_reply) +
		  t.nptrs * sizeof(rkv_reply *);
	tree_pass(&t, buf, len);
	*out = t.replies;
	return 0;
}

int rkv_node_command(rkv_node *node, int db, size_t argc,
		     const char *const *argv, const size_t *argvlen,
		     rkv_reply **out)
{
	rkv_conn *c;
	int rc;

	if (!out)
		return RKV_ERR_INVALID;
	*out = NULL;
	rc = run_command(node, db, argc, argv, argvlen);
	if (rc < 0)
		return rc;
	c = node->host_conn;
	rc = rkv_reply_parse(node, rkv_buf_head(&c->obuf), c->obuf.len, out);
	rkv_buf_consume(&c->obuf, c->obuf.len);
	if (c->obuf.cap > 65536)
		rkv_buf_free(&c->obuf); /* keep no huge buffer around */
	return rc;
}

void rkv_reply_free(rkv_node *node, rkv_reply *reply)
{
	if (node && reply)
		rkv_free(rkv_node_alloc(node), reply);
}

/* ---------------------------------------------------------------------- */
/* Typed fast paths                                                       */
/* ---------------------------------------------------------------------- */

/* Common checks and the time snapshot. */
static int typed_begin(rkv_node *node, int db, const char **key, size_t klen)
{
	if (!node || !valid_db(node, db) || (!*key && klen))
		return RKV_ERR_INVALID;
	if (!*key)
		*key = "";
	rkv_node_snapshot_time(node);
	return 0;
}

/* A read lookup (GET, EXISTS): counted in keyspace_hits/misses as a read
 * command's lookup is. */
static rkv_entry *read_lookup(rkv_node *node, int db, const char *key,
			      size_t klen)
{
	rkv_entry *e;

	/* On a replica, or while clients are paused, an expired key is
	 * missing but kept, as for a client's read (see keyspace.h). */
	node->ks.hide_expired = node->mlink != NULL || rkv_paused(node);
	e = rkv_keyspace_lookup(&node->ks, db, key, klen, node->cmd_time_ms);
	node->ks.hide_expired = false;
	if (e)
		node->ks.hits++;
	else
		node->ks.misses++;
	return e;
}

static void typed_end(rkv_node *node)
{
	if (node->pending)
		rkv_node_flush_pending(node);
}

int rkv_get(rkv_node *node, int db, const char *key, size_t klen, char *buf,
	    size_t cap, size_t *vlen)
{
	char num[RKV_LLSTR_SIZE];
	const char *s;
	rkv_entry *e;
	size_t len;
	int rc = typed_begin(node, db, &key, klen);

	if (rc < 0)
		return rc;
	if (!buf && cap)
		return RKV_ERR_INVALID;
	e = read_lookup(node, db, key, klen);
	typed_end(node);
	if (vlen)
		*vlen = 0;
	if (!e)
		return 0;
	if (e->type != RKV_TYPE_STRING)
		return RKV_ERR_STATE;
	s = rkv_entry_str(e, num, &len);
	if (cap && len)
		memcpy(buf, s, len < cap ? len : cap);
	if (vlen)
		*vlen = len;
	return 1;
}

int rkv_set(rkv_node *node, int db, const char *key, size_t klen,
	    const char *val, size_t vlen, int64_t ttl_ms)
{
	int64_t when = -1;
	rkv_entry *e;
	int rc = typed_begin(node, db, &key, klen);

	if (rc < 0)
		return rc;
	if ((!val && vlen) || ttl_ms < 0)
		return RKV_ERR_INVALID;
	if (!val)
		val = "";
	if (ttl_ms > 0) {
		if (ttl_ms > INT64_MAX - node->cmd_time_ms)
			return RKV_ERR_INVALID;
		when = node->cmd_time_ms + ttl_ms;
	}
	if (node->set.maxmemory &&
	    (long long)node->mem.used > node->set.maxmemory)
		return RKV_ERR_LIMIT; /* SET is deny-oom */
	rc = rkv_keyspace_set(&node->ks, db, key, klen, val, vlen, false,
			      node->cmd_time_ms, &e);
	if (rc < 0)
		return rc;
	if (when >= 0 && rkv_keyspace_set_expire(&node->ks, db, e, when) < 0) {
		/* The value is in but its TTL is not: take the key out rather
		 * than keep it forever. */
		rkv_slice del[2] = {{"DEL", 3}, {key, klen}};

		rkv_keyspace_delete(&node->ks, db, key, klen);
		rkv_signal_key(node, db, key, klen);
		rkv_propagate(node, db, 2, del);
		typed_end(node);
		return RKV_ERR_NOMEM;
	}
	rkv_signal_key(node, db, key, klen);
	if (when >= 0) {
		/* Replicas get the absolute time, as Redis 7.0 sends it. */
		char num[RKV_LLSTR_SIZE];
		rkv_slice p[5] = {{"SET", 3},
				  {key, klen},
				  {val, vlen},
				  {"PXAT", 4},
				  {num, rkv_ll2str(num, when)}};

		rkv_propagate(node, db, 5, p);
	} else {
		rkv_slice p[3] = {{"SET", 3}, {key, klen}, {val, vlen}};

		rkv_propagate(node, db, 3, p);
	}
	typed_end(node);
	return 0;
}

int rkv_del(rkv_node *node, int db, const char *key, size_t klen)
{
	rkv_slice p[2];
	int rc = typed_begin(node, db, &key, klen);

	if (rc < 0)
		return rc;
	if (!rkv_keyspace_lookup(&node->ks, db, key, klen, node->cmd_time_ms) ||
	    !rkv_keyspace_delete(&node->ks, db, key, klen)) {
		typed_end(node);
		return 0;
	}
	rkv_signal_key(node, db, key, klen);
	p[0] = (rkv_slice){"DEL", 3};
	p[1] = (rkv_slice){key, klen};
	rkv_propagate(node, db, 2, p);
	typed_end(node);
	return 1;
}

int rkv_exists(rkv_node *node, int db, const char *key, size_t klen)
{
	rkv_entry *e;
	int rc = typed_begin(node, db, &key, klen);

	if (rc < 0)
		return rc;
	e = read_lookup(node, db, key, klen);
	typed_end(node);
	return e != NULL;
}

typedef struct scan_state {
	rkv_node *node;
	int db;
	rkv_scan_cb fn;
	void *ud;
	size_t n;
} scan_state;

static void scan_key(rkv_dict_node *dn, void *ud)
{
	scan_state *s = ud;
	const rkv_entry *e = (const rkv_entry *)dn;
	int64_t when = rkv_keyspace_get_expire(&s->node->ks, s->db, e);

	if (when >= 0 && when <= s->node->cmd_time_ms)
		return; /* logically gone: SCAN skips it too */
	s->fn(s->node, s->db, rkv_entry_key(e), e->klen, s->ud);
	s->n++;
}

/* SCAN's default COUNT and its bound on buckets visited per call. */
#define SCAN_COUNT 10

int64_t rkv_scan(rkv_node *node, int db, uint64_t cursor, rkv_scan_cb fn,
		 void *user_data)
{
	scan_state s = {node, db, fn, user_data, 0};
	unsigned long long v = cursor;
	int iterations = SCAN_COUNT * 10;

	if (!node || !fn || !valid_db(node, db))
		return RKV_ERR_INVALID;
	rkv_node_snapshot_time(node);
	do {
		v = rkv_dict_scan(&node->ks.db[db].keys, v, scan_key, &s);
	} while (v && iterations-- > 0 && s.n < SCAN_COUNT);
	/* A cursor is below the table size, so it fits. */
	return (int64_t)(v & (unsigned long long)INT64_MAX);
}
