/* Pub/sub: SUBSCRIBE, UNSUBSCRIBE, PSUBSCRIBE, PUNSUBSCRIBE, PUBLISH and
 * PUBSUB, as Redis 7.0 (see docs/pubsub.md).
 *
 * Layout. A channel or pattern with at least one subscriber is a `target`,
 * linked in one of the node's dicts (channels, patterns) and holding its
 * subscribers in subscription order. Each subscription is a `sub`: one
 * allocation linked three ways: in its target's subscriber list, in its
 * connection's dict (is this client subscribed to X?) and in its
 * connection's ordered list (UNSUBSCRIBE without arguments, RESET, freeing
 * the connection). Patterns are also kept in a list in creation order, which
 * PUBLISH walks to match them. Every dict of one node shares one hash seed,
 * so a name is hashed once for the connection's dict and the node's.
 *
 * Delivery appends the message to the receiver's output buffer in the
 * receiver's protocol (a RESP2 array or a RESP3 push), marks it pending (the
 * node flushes it when the current call returns) and enforces the pubsub
 * output limit, which may kill the receiver. Killing never unlinks
 * anything: the connection stays listed until the host frees it, so the
 * lists being walked stay intact. */
#include <string.h>

#include "commands.h"
#include "sentinel.h"
#include "util.h"

typedef struct ps_sub ps_sub;

/* A channel or a pattern that has subscribers. */
typedef struct ps_target {
	rkv_dict_node link;	       /* node's channels or patterns dict */
	ps_sub *head, *tail;	       /* subscribers, oldest first */
	size_t nsubs;		       /* length of that list */
	struct ps_target *prev, *next; /* patterns only: creation order */
	size_t len;
	char name[];
} ps_target;

/* One connection's subscription to one target. */
struct ps_sub {
	rkv_dict_node link; /* the connection's channels or patterns */
	ps_target *t;
	rkv_conn *conn;
	ps_sub *prev, *next;   /* t's subscribers */
	ps_sub *cprev, *cnext; /* the connection's list, oldest first */
};

struct rkv_pubsub {
	rkv_dict channels;		/* ps_target by channel name */
	rkv_dict patterns;		/* ps_target by pattern */
	ps_target *pat_head, *pat_tail; /* every pattern, creation order */
	uint8_t seed[16];		/* of every pubsub dict of the node */
};

/* One side (channels or patterns) of a connection's subscriptions. */
struct ps_side {
	rkv_dict subs; /* ps_sub by name */
	ps_sub *head, *tail;
};

struct rkv_conn_pubsub {
	struct ps_side side[2]; /* [0] channels, [1] patterns */
};

enum { CHANNELS = 0, PATTERNS = 1 };

static void target_key(const rkv_dict_node *n, const char **key, size_t *len)
{
	const ps_target *t = (const ps_target *)n;

	*key = t->name;
	*len = t->len;
}

static void sub_key(const rkv_dict_node *n, const char **key, size_t *len)
{
	const ps_target *t = ((const ps_sub *)n)->t;

	*key = t->name;
	*len = t->len;
}

static const rkv_dict_type target_type = {target_key};
static const rkv_dict_type sub_type = {sub_key};

static const rkv_allocator *node_alloc(rkv_node *node)
{
	return rkv_node_alloc(node);
}

static rkv_dict *node_dict(struct rkv_pubsub *ps, int kind)
{
	return kind == PATTERNS ? &ps->patterns : &ps->channels;
}

/* The node's pub/sub state, created on first use; NULL on OOM. */
static struct rkv_pubsub *node_ps(rkv_node *node)
{
	struct rkv_pubsub *ps = node->pubsub;

	if (ps)
		return ps;
	ps = rkv_malloc(node_alloc(node), sizeof(*ps));
	if (!ps)
		return NULL;
	memset(ps, 0, sizeof(*ps));
	rkv_rand_bytes(&node->rng, ps->seed, sizeof(ps->seed));
	rkv_dict_init(&ps->channels, &target_type, node_alloc(node), ps->seed);
	rkv_dict_init(&ps->patterns, &target_type, node_alloc(node), ps->seed);
	node->pubsub = ps;
	return ps;
}

/* The connection's subscription state, created on first use; NULL on OOM. */
static struct rkv_conn_pubsub *conn_ps(rkv_conn *c, struct rkv_pubsub *ps)
{
	struct rkv_conn_pubsub *cps = c->ps;

	if (cps)
		return cps;
	cps = rkv_malloc(node_alloc(c->node), sizeof(*cps));
	if (!cps)
		return NULL;
	memset(cps, 0, sizeof(*cps));
	for (int k = 0; k < 2; k++)
		rkv_dict_init(&cps->side[k].subs, &sub_type,
			      node_alloc(c->node), ps->seed);
	c->ps = cps;
	return cps;
}

/* Drop the connection's state once it has no subscription left. */
static void conn_ps_release(rkv_conn *c)
{
	struct rkv_conn_pubsub *cps = c->ps;

	if (!cps || c->nsub || c->npsub)
		return;
	for (int k = 0; k < 2; k++)
		rkv_dict_free(&cps->side[k].subs);
	rkv_free(node_alloc(c->node), cps);
	c->ps = NULL;
}

static uint64_t ps_hash(struct rkv_pubsub *ps, const char *name, size_t len)
{
	/* Every pubsub dict has the same seed: any of them hashes for all. */
	return rkv_dict_hash(&ps->channels, name, len);
}

static size_t *conn_count(rkv_conn *c, int kind)
{
	return kind == PATTERNS ? &c->npsub : &c->nsub;
}

/* ---------------------------------------------------------------------- */
/* Subscribing and unsubscribing                                          */
/* ---------------------------------------------------------------------- */

/* Subscribe c to name (a channel or a pattern). Returns 1 if added, 0 if
 * already subscribed, RKV_ERR_NOMEM. */
static int subscribe(rkv_conn *c, int kind, const char *name, size_t len)
{
	rkv_node *node = c->node;
	struct rkv_pubsub *ps = node_ps(node);
	struct rkv_conn_pubsub *cps;
	struct ps_side *side;
	rkv_dict *nd;
	ps_target *t;
	ps_sub *s;
	uint64_t h;

	if (!ps || !(cps = conn_ps(c, ps)))
		return RKV_ERR_NOMEM;
	side = &cps->side[kind];
	h = ps_hash(ps, name, len);
	if (rkv_dict_find(&side->subs, name, len, h))
		return 0;
	s = rkv_malloc(node_alloc(node), sizeof(*s));
	if (!s)
		goto oom;
	nd = node_dict(ps, kind);
	t = (ps_target *)rkv_dict_find(nd, name, len, h);
	if (!t) {
		t = rkv_malloc(node_alloc(node), sizeof(*t) + len);
		if (!t)
			goto oom;
		memset(t, 0, sizeof(*t));
		t->len = len;
		if (len)
			memcpy(t->name, name, len);
		if (rkv_dict_add(nd, &t->link, h) < 0) {
			rkv_free(node_alloc(node), t);
			goto oom;
		}
		if (kind == PATTERNS) {
			t->prev = ps->pat_tail;
			if (ps->pat_tail)
				ps->pat_tail->next = t;
			else
				ps->pat_head = t;
			ps->pat_tail = t;
		}
	}
	memset(s, 0, sizeof(*s));
	s->t = t;
	s->conn = c;
	if (rkv_dict_add(&side->subs, &s->link, h) < 0) {
		if (!t->nsubs) {
			/* Undo the target just created. */
			s->t = NULL;
			rkv_dict_unlink(nd, name, len, h);
			if (kind == PATTERNS) {
				if (t->prev)
					t->prev->next = NULL;
				else
					ps->pat_head = NULL;
				ps->pat_tail = t->prev;
			}
			rkv_free(node_alloc(node), t);
		}
		goto oom;
	}
	s->prev = t->tail;
	if (t->tail)
		t->tail->next = s;
	else
		t->head = s;
	t->tail = s;
	t->nsubs++;
	s->cprev = side->tail;
	if (side->tail)
		side->tail->cnext = s;
	else
		side->head = s;
	side->tail = s;
	(*conn_count(c, kind))++;
	return 1;
oom:
	rkv_free(node_alloc(node), s);
	conn_ps_release(c);
	return RKV_ERR_NOMEM;
}

/* Remove one subscription (the connection's state is kept even if this was
 * its last one: callers release it once done). */
static void unsubscribe(rkv_conn *c, int kind, ps_sub *s)
{
	rkv_node *node = c->node;
	struct rkv_pubsub *ps = node->pubsub;
	struct ps_side *side = &c->ps->side[kind];
	ps_target *t = s->t;
	uint64_t h = ps_hash(ps, t->name, t->len);

	rkv_dict_unlink(&side->subs, t->name, t->len, h);
	if (s->cprev)
		s->cprev->cnext = s->cnext;
	else
		side->head = s->cnext;
	if (s->cnext)
		s->cnext->cprev = s->cprev;
	else
		side->tail = s->cprev;
	if (s->prev)
		s->prev->next = s->next;
	else
		t->head = s->next;
	if (s->next)
		s->next->prev = s->prev;
	else
		t->tail = s->prev;
	(*conn_count(c, kind))--;
	rkv_free(node_alloc(node), s);
	if (--t->nsubs)
		return;
	/* The last subscriber left: the channel or pattern is gone. */
	{
		rkv_dict *nd = node_dict(ps, kind);

		rkv_dict_unlink(nd, t->name, t->len, h);
		if (kind == PATTERNS) {
			if (t->prev)
				t->prev->next = t->next;
			else
				ps->pat_head = t->next;
			if (t->next)
				t->next->prev = t->prev;
			else
				ps->pat_tail = t->prev;
		}
		rkv_free(node_alloc(node), t);
		if (rkv_dict_size(nd) == 0)
			rkv_dict_free(nd);
		else
			rkv_dict_shrink_if_needed(nd);
	}
}

/* The connection's subscription to name, or NULL. */
static ps_sub *find_sub(rkv_conn *c, int kind, const char *name, size_t len)
{
	rkv_dict *d;

	if (!c->ps)
		return NULL;
	d = &c->ps->side[kind].subs;
	if (rkv_dict_size(d) == 0)
		return NULL;
	return (ps_sub *)rkv_dict_find(d, name, len,
				       ps_hash(c->node->pubsub, name, len));
}

/* Leave every channel (or pattern) of c without replying. */
static void drop_all(rkv_conn *c, int kind)
{
	while (c->ps && c->ps->side[kind].head)
		unsubscribe(c, kind, c->ps->side[kind].head);
}

void rkv_pubsub_unsubscribe_all(rkv_conn *c)
{
	drop_all(c, CHANNELS);
	drop_all(c, PATTERNS);
	conn_ps_release(c);
}

void rkv_pubsub_conn_free(rkv_conn *c)
{
	rkv_pubsub_unsubscribe_all(c);
}

static void free_target(rkv_dict_node *n, void *ud)
{
	rkv_free(ud, n);
}

void rkv_pubsub_free(rkv_node *node)
{
	struct rkv_pubsub *ps = node->pubsub;

	if (!ps)
		return;
	/* Every connection was freed first, which emptied both dicts. */
	rkv_dict_clear(&ps->channels, free_target, (void *)node_alloc(node));
	rkv_dict_clear(&ps->patterns, free_target, (void *)node_alloc(node));
	rkv_free(node_alloc(node), ps);
	node->pubsub = NULL;
}

/* ---------------------------------------------------------------------- */
/* Replies                                                                */
/* ---------------------------------------------------------------------- */

static const struct {
	const char *text;
	size_t len;
} kind_word[2][2] = {
    /* [kind][unsubscribe] */
    {{"$9\r\nsubscribe\r\n", 15}, {"$11\r\nunsubscribe\r\n", 18}},
    {{"$10\r\npsubscribe\r\n", 17}, {"$12\r\npunsubscribe\r\n", 19}},
};

/* [p]subscribe / [p]unsubscribe confirmation: kind word, the name (NULL:
 * a null, when there was nothing to leave), the client's subscriptions. */
static void reply_confirm(rkv_conn *c, int kind, bool unsub, const char *name,
			  size_t len)
{
	rkv_resp_add_push(&c->obuf, c->proto, 3);
	rkv_buf_append(&c->obuf, kind_word[kind][unsub].text,
		       kind_word[kind][unsub].len);
	if (name)
		rkv_resp_add_bulk(&c->obuf, name, len);
	else
		rkv_resp_add_null(&c->obuf, c->proto);
	rkv_resp_add_integer(&c->obuf, (long long)(c->nsub + c->npsub));
}

static void subscribe_cmd(rkv_conn *c, int kind, size_t argc,
			  const rkv_slice *argv)
{
	for (size_t i = 1; i < argc; i++) {
		if (subscribe(c, kind, argv[i].ptr, argv[i].len) < 0) {
			rkv_reply_oom(c);
			return;
		}
		reply_confirm(c, kind, false, argv[i].ptr, argv[i].len);
	}
}

static void unsubscribe_cmd(rkv_conn *c, int kind, size_t argc,
			    const rkv_slice *argv)
{
	if (argc == 1) {
		/* Everything, oldest first; a reply even if there was none. */
		if (!c->ps || !c->ps->side[kind].head) {
			reply_confirm(c, kind, true, NULL, 0);
			return;
		}
		while (c->ps->side[kind].head) {
			ps_sub *s = c->ps->side[kind].head;
			ps_target *t = s->t;

			rkv_resp_add_push(&c->obuf, c->proto, 3);
			rkv_buf_append(&c->obuf, kind_word[kind][1].text,
				       kind_word[kind][1].len);
			rkv_resp_add_bulk(&c->obuf, t->name, t->len);
			unsubscribe(c, kind, s); /* may free t */
			rkv_resp_add_integer(&c->obuf,
					     (long long)(c->nsub + c->npsub));
		}
	} else {
		for (size_t i = 1; i < argc; i++) {
			ps_sub *s = find_sub(c, kind, argv[i].ptr, argv[i].len);

			if (s)
				unsubscribe(c, kind, s);
			reply_confirm(c, kind, true, argv[i].ptr, argv[i].len);
		}
	}
	conn_ps_release(c);
}

void rkv_cmd_subscribe(rkv_conn *c, size_t argc, const rkv_slice *argv)
{
	subscribe_cmd(c, CHANNELS, argc, argv);
}

void rkv_cmd_psubscribe(rkv_conn *c, size_t argc, const rkv_slice *argv)
{
	subscribe_cmd(c, PATTERNS, argc, argv);
}

void rkv_cmd_unsubscribe(rkv_conn *c, size_t argc, const rkv_slice *argv)
{
	unsubscribe_cmd(c, CHANNELS, argc, argv);
}

void rkv_cmd_punsubscribe(rkv_conn *c, size_t argc, const rkv_slice *argv)
{
	unsubscribe_cmd(c, PATTERNS, argc, argv);
}

/* ---------------------------------------------------------------------- */
/* Publishing                                                             */
/* ---------------------------------------------------------------------- */

/* Append one message to a subscriber, as Redis's addReplyPubsubMessage() /
 * addReplyPubsubPatMessage(): "message" channel payload, or "pmessage"
 * pattern channel payload. A connection that is closing (QUIT, killed)
 * takes no more output but still counts as a receiver, as in Redis. */
static void deliver(rkv_conn *r, const ps_target *pat, const char *ch,
		    size_t clen, const char *msg, size_t mlen)
{
	rkv_buf *b = &r->obuf;

	if (r->closing)
		return;
	if (pat) {
		rkv_resp_add_push(b, r->proto, 4);
		rkv_buf_append(b, "$8\r\npmessage\r\n", 14);
		rkv_resp_add_bulk(b, pat->name, pat->len);
	} else {
		rkv_resp_add_push(b, r->proto, 3);
		rkv_buf_append(b, "$7\r\nmessage\r\n", 13);
	}
	rkv_resp_add_bulk(b, ch, clen);
	rkv_resp_add_bulk(b, msg, mlen);
	r->node->stats.pubsub_messages++;
	rkv_conn_mark_pending(r);
	rkv_conn_check_obuf(r); /* may kill r: it stays linked */
}

/* Deliver to the channel's subscribers, then to every matching pattern's;
 * returns the receivers (a client subscribed both ways counts twice). */
static long long publish(rkv_node *node, const char *ch, size_t clen,
			 const char *msg, size_t mlen)
{
	struct rkv_pubsub *ps = node->pubsub;
	long long receivers = 0;

	if (!ps)
		return 0;
	if (rkv_dict_size(&ps->channels)) {
		ps_target *t = (ps_target *)rkv_dict_find(
		    &ps->channels, ch, clen, ps_hash(ps, ch, clen));

		for (ps_sub *s = t ? t->head : NULL; s; s = s->next) {
			deliver(s->conn, NULL, ch, clen, msg, mlen);
			receivers++;
		}
	}
	for (ps_target *t = ps->pat_head; t; t = t->next) {
		if (!rkv_glob_match(t->name, t->len, ch, clen, false))
			continue;
		for (ps_sub *s = t->head; s; s = s->next) {
			deliver(s->conn, t, ch, clen, msg, mlen);
			receivers++;
		}
	}
	return receivers;
}

long long rkv_pubsub_publish(rkv_node *node, const char *ch, size_t clen,
			     const char *msg, size_t mlen)
{
	return publish(node, ch, clen, msg, mlen);
}

void rkv_cmd_publish(rkv_conn *c, size_t argc, const rkv_slice *argv)
{
	rkv_node *node = c->node;
	long long dirty = node->dirty;
	long long n;

	if (rkv_sentinel_publish(c, argc, argv))
		return;
	n = publish(node, argv[1].ptr, argv[1].len, argv[2].ptr, argv[2].len);

	/* Replicas deliver it to their own subscribers; a publish is no
	 * change of the data set, as in Redis (forceCommandPropagation()). */
	rkv_propagate(node, c->db, argc, argv);
	node->dirty = dirty;
	rkv_resp_add_integer(&c->obuf, n);
}

int rkv_node_publish(rkv_node *node, const char *channel, size_t clen,
		     const char *msg, size_t mlen)
{
	long long n;

	if (!node || (!channel && clen) || (!msg && mlen))
		return RKV_ERR_INVALID;
	if (!channel)
		channel = "";
	if (!msg)
		msg = "";
	rkv_node_snapshot_time(node);
	n = publish(node, channel, clen, msg, mlen);
	rkv_node_flush_pending(node);
	return n > 0x7fffffff ? 0x7fffffff : (int)n;
}

size_t rkv_pubsub_channel_count(const rkv_node *node)
{
	return node->pubsub ? rkv_dict_size(&node->pubsub->channels) : 0;
}

size_t rkv_pubsub_pattern_count(const rkv_node *node)
{
	return node->pubsub ? rkv_dict_size(&node->pubsub->patterns) : 0;
}

/* ---------------------------------------------------------------------- */
/* PUBSUB                                                                 */
/* ---------------------------------------------------------------------- */

/* Length of s[0..len) as C's "%.128s" prints it: up to a NUL, at most max. */
static int cstr_len(const char *s, size_t len, size_t max)
{
	const char *nul = memchr(s, '\0', len);

	if (nul)
		len = (size_t)(nul - s);
	return (int)(len < max ? len : max);
}

struct channel_list {
	rkv_conn *c;
	const rkv_slice *pat; /* NULL: every channel */
	long long n;
	bool write;
};

static void channel_list_one(rkv_dict_node *n, void *ud)
{
	struct channel_list *cl = ud;
	const ps_target *t = (const ps_target *)n;

	if (cl->pat &&
	    !rkv_glob_match(cl->pat->ptr, cl->pat->len, t->name, t->len, false))
		return;
	cl->n++;
	if (cl->write)
		rkv_resp_add_bulk(&cl->c->obuf, t->name, t->len);
}

/* PUBSUB CHANNELS [pattern]: active channels, in the dict's order. */
static void pubsub_channels(rkv_conn *c, const rkv_slice *pat)
{
	struct rkv_pubsub *ps = c->node->pubsub;
	struct channel_list cl = {c, pat, 0, false};

	if (!ps || rkv_dict_size(&ps->channels) == 0) {
		rkv_resp_add_array(&c->obuf, 0);
		return;
	}
	/* Count, then write: the array length comes first. */
	rkv_dict_foreach(&ps->channels, channel_list_one, &cl);
	rkv_resp_add_array(&c->obuf, cl.n);
	cl.n = 0;
	cl.write = true;
	rkv_dict_foreach(&ps->channels, channel_list_one, &cl);
}

static void pubsub_numsub(rkv_conn *c, size_t argc, const rkv_slice *argv)
{
	struct rkv_pubsub *ps = c->node->pubsub;

	rkv_resp_add_array(&c->obuf, (long long)(argc - 2) * 2);
	for (size_t j = 2; j < argc; j++) {
		ps_target *t = NULL;

		if (ps && rkv_dict_size(&ps->channels))
			t = (ps_target *)rkv_dict_find(
			    &ps->channels, argv[j].ptr, argv[j].len,
			    ps_hash(ps, argv[j].ptr, argv[j].len));
		rkv_resp_add_bulk(&c->obuf, argv[j].ptr, argv[j].len);
		rkv_resp_add_integer(&c->obuf, t ? (long long)t->nsubs : 0);
	}
}

static const char *const pubsub_help[] = {
    "PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "CHANNELS [<pattern>]",
    "    Return the currently active channels matching a <pattern> "
    "(default: '*').",
    "NUMPAT",
    "    Return number of subscriptions to patterns.",
    "NUMSUB [<channel> ...]",
    "    Return the number of subscribers for the specified channels, "
    "excluding",
    "    pattern subscriptions(default: no channels).",
    "SHARDCHANNELS [<pattern>]",
    "    Return the currently active shard level channels matching a "
    "<pattern> (default: '*').",
    "SHARDNUMSUB [<shardchannel> ...]",
    "    Return the number of subscribers for the specified shard level "
    "channel(s)",
    "HELP",
    "    Prints this help.",
};

/* Subcommands and their arity, as Redis 7.0's command table. */
static const struct {
	const char *name;
	int arity;
} pubsub_subs[] = {
    {"channels", -2}, {"help", 2},	     {"numpat", 2},
    {"numsub", -2},   {"shardchannels", -2}, {"shardnumsub", -2},
};

/* PUBSUB <subcommand> ... */
void rkv_cmd_pubsub(rkv_conn *c, size_t argc, const rkv_slice *argv)
{
	const rkv_slice *sub = &argv[1];
	size_t i, n = sizeof(pubsub_subs) / sizeof(*pubsub_subs);
	int arity;

	for (i = 0; i < n; i++)
		if (rkv_arg_is(sub, pubsub_subs[i].name))
			break;
	if (i == n) {
		rkv_resp_add_errorf(&c->obuf,
				    "unknown subcommand '%.*s'. Try PUBSUB "
				    "HELP.",
				    cstr_len(sub->ptr, sub->len, 128),
				    sub->ptr);
		return;
	}
	arity = pubsub_subs[i].arity;
	if ((arity > 0 && (size_t)arity != argc) ||
	    (arity < 0 && argc < (size_t)-arity)) {
		rkv_resp_add_errorf(
		    &c->obuf,
		    "wrong number of arguments for 'pubsub|%s' command",
		    pubsub_subs[i].name);
		return;
	}
	if (rkv_arg_is(sub, "help")) {
		n = sizeof(pubsub_help) / sizeof(*pubsub_help);
		rkv_resp_add_array(&c->obuf, (long long)n);
		for (i = 0; i < n; i++)
			rkv_resp_add_status(&c->obuf, pubsub_help[i],
					    strlen(pubsub_help[i]));
	} else if (rkv_arg_is(sub, "channels") && argc <= 3) {
		pubsub_channels(c, argc == 3 ? &argv[2] : NULL);
	} else if (rkv_arg_is(sub, "numsub")) {
		pubsub_numsub(c, argc, argv);
	} else if (rkv_arg_is(sub, "numpat")) {
		rkv_resp_add_integer(
		    &c->obuf, (long long)rkv_pubsub_pattern_count(c->node));
	} else if (rkv_arg_is(sub, "shardchannels") && argc <= 3) {
		/* No sharded channels (SSUBSCRIBE is not implemented). */
		rkv_resp_add_array(&c->obuf, 0);
	} else if (rkv_arg_is(sub, "shardnumsub")) {
		rkv_resp_add_array(&c->obuf, (long long)(argc - 2) * 2);
		for (size_t j = 2; j < argc; j++) {
			rkv_resp_add_bulk(&c->obuf, argv[j].ptr, argv[j].len);
			rkv_resp_add_integer(&c->obuf, 0);
		}
	} else {
		rkv_resp_add_errorf(&c->obuf,
				    "unknown subcommand or wrong number of "
				    "arguments for '%.*s'. Try PUBSUB HELP.",
				    cstr_len(sub->ptr, sub->len, 128),
				    sub->ptr);
	}
}
