/* Transactions: MULTI, EXEC, DISCARD, WATCH, UNWATCH, as Redis 7.0.
 *
 * MULTI puts the connection in a queueing state: commands are checked
 * (known, arity, auth) and copied into a queue, each answered +QUEUED; a
 * refused one flags the transaction so EXEC answers EXECABORT. EXEC runs
 * the queue back to back, so no other client's command interleaves.
 *
 * WATCH is optimistic locking: every key a client watches is entered in a
 * per-database dict (node->watched) listing its watchers. rkv_signal_key()
 * (called by every write, expiry and flush) flags the watchers, and EXEC of a
 * flagged client answers a null array. A key already logically expired when
 * watched only counts as changed if it is rewritten, and a key that expires
 * while watched counts as changed, both as Redis 7.0 does. */
#include <string.h>

#include "commands.h"

static const rkv_allocator *conn_alloc(rkv_conn *c)
{
	return rkv_node_alloc(c->node);
}

/* ---------------------------------------------------------------------- */
/* The queue                                                              */
/* ---------------------------------------------------------------------- */

static void multi_clear(rkv_conn *c)
{
	for (size_t i = 0; i < c->mcount; i++)
		rkv_free(conn_alloc(c), c->mqueue[i].argv);
	rkv_free(conn_alloc(c), c->mqueue);
	c->mqueue = NULL;
	c->mcount = c->mcap = 0;
	c->flags &= ~(unsigned)(RKV_CONN_MULTI | RKV_CONN_DIRTY_CAS |
				RKV_CONN_DIRTY_EXEC);
}

bool rkv_multi_queue(rkv_conn *c, const rkv_command *cmd, size_t argc,
		     const rkv_slice *argv)
{
	size_t bytes = argc * sizeof(rkv_slice);
	rkv_queued *q;
	char *p;

	for (size_t i = 0; i < argc; i++)
		bytes += argv[i].len;
	if (c->mcount == c->mcap) {
		size_t cap = c->mcap ? c->mcap * 2 : 4;
		rkv_queued *n =
		    rkv_realloc(conn_alloc(c), c->mqueue, cap * sizeof(*n));

		if (!n)
			return false;
		c->mqueue = n;
		c->mcap = cap;
	}
	q = &c->mqueue[c->mcount];
	q->argv = rkv_malloc(conn_alloc(c), bytes ? bytes : 1);
	if (!q->argv)
		return false;
	q->cmd = cmd;
	q->argc = argc;
	p = (char *)(q->argv + argc);
	for (size_t i = 0; i < argc; i++) {
		if (argv[i].len)
			memcpy(p, argv[i].ptr, argv[i].len);
		q->argv[i].ptr = p;
		q->argv[i].len = argv[i].len;
		p += argv[i].len;
	}
	c->mcount++;
	return true;
}

/* ---------------------------------------------------------------------- */
/* Watched keys                                                           */
/* ---------------------------------------------------------------------- */

static void unwatch_all(rkv_conn *c)
{
	rkv_node *node = c->node;
	rkv_watch *w = c->watches;

	while (w) {
		rkv_watch *next = w->cnext;
		rkv_wkey *wk = w->wk;

		if (w->kprev)
			w->kprev->knext = w->knext;
		else
			wk->watchers = w->knext;
		if (w->knext)
			w->knext->kprev = w->kprev;
		if (!wk->watchers) {
			rkv_dict *d = &node->watched[w->db];

			rkv_dict_unlink(d, wk->key, wk->klen,
					rkv_dict_hash(d, wk->key, wk->klen));
			rkv_free(conn_alloc(c), wk);
			node->nwatched--;
		}
		rkv_free(conn_alloc(c), w);
		w = next;
	}
	c->watches = NULL;
	c->nwatch = 0;
}

static bool watch_key(rkv_conn *c, const rkv_slice *key)
{
	rkv_node *node = c->node;
	rkv_dict *d = &node->watched[c->db];
	uint64_t h = rkv_dict_hash(d, key->ptr, key->len);
	rkv_wkey *wk;
	rkv_watch *w;

	for (w = c->watches; w; w = w->cnext)
		if (w->db == c->db && w->wk->klen == key->len &&
		    memcmp(w->wk->key, key->ptr, key->len) == 0)
			return true; /* already watched */
	w = rkv_malloc(conn_alloc(c), sizeof(*w));
	if (!w)
		return false;
	wk = (rkv_wkey *)rkv_dict_find(d, key->ptr, key->len, h);
	if (!wk) {
		wk = rkv_malloc(conn_alloc(c), sizeof(*wk) + key->len);
		if (!wk) {
			rkv_free(conn_alloc(c), w);
			return false;
		}
		memset(wk, 0, sizeof(*wk));
		wk->klen = key->len;
		if (key->len)
			memcpy(wk->key, key->ptr, key->len);
		if (rkv_dict_add(d, &wk->link, h) < 0) {
			rkv_free(conn_alloc(c), wk);
			rkv_free(conn_alloc(c), w);
			return false;
		}
		node->nwatched++;
	}
	w->wk = wk;
	w->conn = c;
	w->db = c->db;
	w->expired = rkv_keyspace_is_expired(&node->ks, c->db, key->ptr,
					     key->len, rkv_cmd_now(c));
	w->kprev = NULL;
	w->knext = wk->watchers;
	if (wk->watchers)
		wk->watchers->kprev = w;
	wk->watchers = w;
	w->cnext = c->watches;
	c->watches = w;
	c->nwatch++;
	return true;
}

/* A watched key, live when watched, has logically expired since. */
static bool watched_key_expired(rkv_conn *c)
{
	for (rkv_watch *w = c->watches; w; w = w->cnext)
		if (!w->expired &&
		    rkv_keyspace_is_expired(&c->node->ks, w->db, w->wk->key,
					    w->wk->klen, rkv_cmd_now(c)))
			return true;
	return false;
}

void rkv_multi_conn_free(rkv_conn *c)
{
	multi_clear(c);
	unwatch_all(c);
}

/* ---------------------------------------------------------------------- */
/* Commands                                                               */
/* ---------------------------------------------------------------------- */

void rkv_cmd_multi(rkv_conn *c, size_t argc, const rkv_slice *argv)
{
	(void)argc;
	(void)argv;
	if (c->flags & RKV_CONN_MULTI) {
		rkv_resp_add_errorf(&c->obuf, "MULTI calls can not be nested");
		return;
	}
	c->flags |= RKV_CONN_MULTI;
	rkv_reply_ok(c);
}

void rkv_cmd_discard(rkv_conn *c, size_t argc, const rkv_slice *argv)
{
	(void)argc;
	(void)argv;
	if (!(c->flags & RKV_CONN_MULTI)) {
		rkv_resp_add_errorf(&c->obuf, "DISCARD without MULTI");
		return;
	}
	rkv_multi_conn_free(c);
	rkv_reply_ok(c);
}

void rkv_cmd_exec(rkv_conn *c, size_t argc, const rkv_slice *argv)
{
	rkv_node *node = c->node;
	rkv_queued *q;
	size_t n;

	(void)argc;
	(void)argv;
	if (!(c->flags & RKV_CONN_MULTI)) {
		rkv_resp_add_errorf(&c->obuf, "EXEC without MULTI");
		return;
	}
	if (c->flags & RKV_CONN_DIRTY_EXEC) {
		rkv_resp_add_errorf(&c->obuf,
				    "-EXECABORT Transaction discarded because "
				    "of previous errors.");
		rkv_multi_conn_free(c);
		return;
	}
	if ((c->flags & RKV_CONN_DIRTY_CAS) || watched_key_expired(c)) {
		rkv_resp_add_null_array(&c->obuf, c->proto);
		rkv_multi_conn_free(c);
		return;
	}
	/* Take the queue: commands run now must not see the MULTI state, and
	 * watches end with the transaction. */
	q = c->mqueue;
	n = c->mcount;
	c->mqueue = NULL;
	c->mcount = c->mcap = 0;
	c->flags &= ~(unsigned)RKV_CONN_MULTI;
	unwatch_all(c);
	rkv_resp_add_array(&c->obuf, n);
	node->in_exec = true;
	for (size_t i = 0; i < n; i++) {
		rkv_command_call(c, q[i].cmd, q[i].argc, q[i].argv);
		rkv_free(conn_alloc(c), q[i].argv);
	}
	node->in_exec = false;
	rkv_free(conn_alloc(c), q);
	c->flags &= ~(unsigned)(RKV_CONN_DIRTY_CAS | RKV_CONN_DIRTY_EXEC);
}

void rkv_cmd_watch(rkv_conn *c, size_t argc, const rkv_slice *argv)
{
	if (c->flags & RKV_CONN_MULTI) {
		rkv_resp_add_errorf(&c->obuf,
				    "WATCH inside MULTI is not allowed");
		return;
	}
	/* A client already failed needs no more watches (Redis 7.0). */
	if (!(c->flags & RKV_CONN_DIRTY_CAS)) {
		for (size_t i = 1; i < argc; i++) {
			if (!watch_key(c, &argv[i])) {
				rkv_reply_oom(c);
				return;
			}
		}
	}
	rkv_reply_ok(c);
}

void rkv_cmd_unwatch(rkv_conn *c, size_t argc, const rkv_slice *argv)
{
	(void)argc;
	(void)argv;
	unwatch_all(c);
	c->flags &= ~(unsigned)RKV_CONN_DIRTY_CAS;
	rkv_reply_ok(c);
}
