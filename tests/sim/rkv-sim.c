/* rkv-sim: a deterministic simulation of a whole rkv deployment in one
 * process. N data nodes (a master and its replicas), M sentinels and K
 * clients run on a virtual network and a virtual clock, entirely through
 * the public API (include/rkv.h) and its callbacks. One PRNG seed decides
 * everything: the fault rates, every fault, every latency, every client
 * operation, every node's own seed. The same seed gives the same trace
 * hash.
 *
 * Faults: message delay, connection reset, partitions (symmetric and one
 * way) and healing, node crash and restart (from its last snapshot or
 * empty), slow consumers, pauses of a node (a stopped process), replica
 * tlink stalls longer than repl-timeout, sentinel crashes.
 *
 * Invariants (docs/simulation.md): (1) after healing and quiescence every
 * replica's digest equals its master's; (2) replication offsets never go
 * backwards under one replication ID; (3) a partial resync yields what a
 * full one would (a fresh replica, fully synced at the end, has the same
 * digest); (4) at most one node is believed master per epoch by a majority
 * of sentinels; (5) a write acknowledged by WAIT from every replica is never
 * lost; (6) memory stays bounded; (7) no API call fails unexpectedly (and
 * sanitizers see no error).
 *
 * usage: rkv-sim --seed S [--steps N] [--nodes 3] [--sentinels 3]
 *                [--clients 3] [--count C] [--trace] [--quiet] [--twice]
 *        rkv-sim --replay FILE
 * A step is one millisecond of virtual time. --count runs seeds S..S+C-1;
 * --twice runs each seed again and compares the trace hashes; --replay runs
 * each line of FILE as a set of arguments (the regression seeds).
 * Exit status 0 when every invariant held, 1 otherwise (each failing seed
 * prints a one-line reproduction command), 2 on bad usage. */
#define _GNU_SOURCE
#include <inttypes.h>
#include <malloc.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rkv.h"

#define MAX_NODES     7
#define MAX_SENTINELS 7
#define MAX_CLIENTS   8
#define MAX_HOSTS     (MAX_NODES + MAX_SENTINELS + MAX_CLIENTS + 1)
#define MAX_LINKS     512
#define WINDOW	      (64 * 1024) /* bytes in flight per direction */
#define DATA_PORT     7000
#define SENT_PORT     26000
#define TICK_DATA_MS  100 /* hz 10 */
#define TICK_SENT_MS  50  /* rkv-server ticks sentinels at 2 x hz */
#define SAMPLE_MS     100
#define QUIESCE_MS    120000
#define MEM_HARD_CAP  (256u << 20)

/* ------------------------------------------------------------------------ */
/* PRNG: xoshiro256**, seeded by splitmix64                                 */
/* ------------------------------------------------------------------------ */

typedef struct prng {
	uint64_t s[4];
} prng;

static uint64_t splitmix(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static void prng_seed(prng *r, uint64_t seed)
{
	for (int i = 0; i < 4; i++)
		r->s[i] = splitmix(&seed);
}

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static uint64_t prng_next(prng *r)
{
	uint64_t *s = r->s, res = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return res;
}

/* Uniform in [0, n). */
static uint64_t prng_below(prng *r, uint64_t n)
{
	return n ? prng_next(r) % n : 0;
}

/* Uniform in [0, 1). */
static double prng_unit(prng *r)
{
	return (double)(prng_next(r) >> 11) * (1.0 / 9007199254740992.0);
}

static bool chance(prng *r, double p)
{
	return prng_unit(r) < p;
}

/* ------------------------------------------------------------------------ */
/* The world                                                                */
/* ------------------------------------------------------------------------ */

enum host_kind { H_DATA, H_SENTINEL, H_CLIENT, H_WITNESS };

typedef struct host {
	int idx;
	enum host_kind kind;
	int port;
	rkv_node *node; /* NULL while crashed (and for clients) */
	bool dying;	/* inside rkv_node_free(): callbacks are ignored */
	int incarnation;
	int64_t paused_until; /* a stopped process: no tick, no input */
	int64_t restart_at;   /* crashed: when it comes back */
	bool restart_with_snapshot;
	int64_t tick_phase;
	int64_t next_snapshot;
	int64_t snapshot_every;
	char *conf; /* the configuration file (CONFIG REWRITE keeps it) */
	uint8_t *snap;
	size_t snaplen, snapcap;
	bool has_snap;
	/* Memory: bytes the node's allocator holds now, and the most ever. */
	size_t mem;
	/* Invariant 2, per incarnation. */
	char replid[41];
	long long offset;
	/* Restarted lacking an acknowledged write, not resynced since. */
	bool amnesic, served_amnesic;
	int64_t restarted_at;
} host;

enum msg_kind { M_CONNECTED, M_DATA, M_CLOSE, M_REFUSED };

typedef struct net_msg {
	enum msg_kind kind;
	int64_t at;
	uint8_t *data;
	size_t len;
	struct net_msg *next;
} net_msg;

struct tlink;
typedef struct link_end {
	struct tlink *l;
	int side;
} link_end;

/* A TCP connection: side 0 connected, side 1 accepted. Queue d holds what
 * travels toward side d, in order. */
typedef struct tlink {
	bool used;
	uint64_t gen; /* distinguishes reuses of this slot in the trace */
	host *h[2];
	rkv_conn *conn[2]; /* NULL on a client's side, or once freed */
	struct client *cl; /* side 0 is this simulated client */
	link_end ends[2];
	net_msg *head[2], *tail[2];
	int64_t last_at[2];
	size_t inflight[2];
	bool blocked[2];     /* side d's sender got a short write */
	bool closed_by[2];   /* side d closed (its conn freed or to be) */
	int64_t stall_until; /* a slow reader: side 1 -> 0 or 0 -> 1 */
	int stall_side;	     /* which side reads slowly */
} tlink;

enum op_kind { OP_NONE, OP_PLAIN, OP_ACK };

typedef struct client {
	int idx;
	host *h;
	tlink *l;
	host *target;
	bool connected;
	int expect;  /* replies outstanding */
	int got;     /* replies received for the current batch */
	int wait_at; /* index of the WAIT reply in the batch, -1 if none */
	enum op_kind op;
	char ack_key[64], ack_val[32];
	bool set_ok;
	long long wait_reply;
	int64_t deadline;
	int64_t issued_at;
	int64_t next_op_at;
	long long seq;
	uint8_t rbuf[1 << 16];
	size_t rlen;
} client;

typedef struct acked {
	char key[64], val[32];
	int64_t at;
	bool exempt; /* a node lacking it came back as a master (see check) */
} acked;

typedef struct epoch_obs {
	long long epoch;
	int port;
	uint32_t sentinels; /* bit per sentinel that reported it */
} epoch_obs;

typedef struct sim {
	uint64_t seed;
	int64_t steps;
	int nodes, sentinels, clients, quorum;
	bool trace, quiet;
	prng rng;
	int64_t now; /* virtual monotonic milliseconds */
	int64_t wall0_us;
	host hosts[MAX_HOSTS];
	int nhosts;
	client cls[MAX_CLIENTS];
	tlink links[MAX_LINKS];
	uint64_t link_gen;
	int link_hi; /* no link is used at or past this index */
	int next_eph;
	bool cut[MAX_HOSTS][MAX_HOSTS]; /* messages a -> b held */
	int64_t cut_heal_at;
	bool faults; /* off while healing */
	/* Fault rates per second of virtual time, drawn from the seed. */
	double r_crash, r_sentinel_crash, r_partition, r_reset, r_pause, r_slow,
	    r_stall;
	double lat_min, lat_max, spike_p;
	long long backlog_size;
	/* Invariants and figures. */
	acked *acks;
	size_t nacks, capacks;
	epoch_obs *obs;
	size_t nobs, capobs;
	int failures;
	char first_failure[512];
	uint64_t hash;
	long long ops, ops_ok, waits, failovers, crashes, restarts, partitions,
	    resets, pauses, stalls, sentinel_crashes, amnesia, exempt,
	    full_syncs, partial_syncs;
	char tracebuf[64][200]; /* the last lines of the trace */
	int tracepos;
} sim;

static sim *S; /* the current run, for callbacks that get no user data */

static void note_late_ack(acked *a, int64_t issued_at);
static void diff_keys(struct host *a, struct host *b);

/* ------------------------------------------------------------------------ */
/* Trace, hash and failures                                                 */
/* ------------------------------------------------------------------------ */

static void hash_bytes(const void *p, size_t n)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < n; i++) {
		S->hash ^= b[i];
		S->hash *= 0x100000001b3ULL;
	}
}

static void hash_u64(uint64_t v)
{
	hash_bytes(&v, sizeof(v));
}

/* A trace line: hashed, kept in a ring for failure reports, printed with
 * --trace. */
static void tracef(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void tracef(const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	int n;

	n = snprintf(line, sizeof(line), "%8" PRId64 " ", S->now);
	va_start(ap, fmt);
	vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
	va_end(ap);
	hash_bytes(line, strlen(line));
	snprintf(S->tracebuf[S->tracepos], sizeof(S->tracebuf[0]), "%s", line);
	S->tracepos = (S->tracepos + 1) % 64;
	if (S->trace)
		printf("%s\n", line);
}

static void failf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void failf(const char *fmt, ...)
{
	char line[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (!S->failures++)
		snprintf(S->first_failure, sizeof(S->first_failure), "%s",
			 line);
	tracef("INVARIANT VIOLATED: %s", line);
	if (!S->quiet || S->failures <= 3)
		fprintf(stderr, "seed %" PRIu64 " t=%" PRId64 ": %s\n", S->seed,
			S->now, line);
}

/* An API call that must not fail. */
#define MUST(call)                                                             \
	do {                                                                   \
		int rc_ = (call);                                              \
		if (rc_ < 0)                                                   \
			failf("%s:%d: %s: %s", __FILE__, __LINE__, #call,      \
			      rkv_strerror(rc_));                              \
	} while (0)

static void *xcalloc(size_t n, size_t sz)
{
	void *p = calloc(n, sz);

	if (!p) {
		fprintf(stderr, "rkv-sim: out of memory\n");
		exit(3);
	}
	return p;
}

static void *xrealloc(void *p, size_t sz)
{
	p = realloc(p, sz);
	if (!p) {
		fprintf(stderr, "rkv-sim: out of memory\n");
		exit(3);
	}
	return p;
}

static const char *host_name(const host *h)
{
	static char buf[4][32];
	static int i;

	i = (i + 1) % 4;
	switch (h->kind) {
	case H_DATA:
		snprintf(buf[i], sizeof(buf[i]), "n%d", h->port - DATA_PORT);
		break;
	case H_SENTINEL:
		snprintf(buf[i], sizeof(buf[i]), "s%d", h->port - SENT_PORT);
		break;
	case H_CLIENT:
		snprintf(buf[i], sizeof(buf[i]), "c%d", h->idx);
		break;
	case H_WITNESS:
		snprintf(buf[i], sizeof(buf[i]), "witness");
		break;
	}
	return buf[i];
}

static bool host_up(const host *h)
{
	return h->kind == H_CLIENT || h->node != NULL;
}

static bool host_running(const host *h)
{
	return h->node && S->now >= h->paused_until;
}

/* ------------------------------------------------------------------------ */
/* Allocator hooks: each node's bytes are counted (invariant 6)             */
/* ------------------------------------------------------------------------ */

static void *a_malloc(size_t n, void *ud)
{
	host *h = ud;
	void *p = malloc(n);

	if (p) {
		h->mem += malloc_usable_size(p);
	}
	return p;
}

static void *a_realloc(void *old, size_t n, void *ud)
{
	host *h = ud;
	size_t before = old ? malloc_usable_size(old) : 0;
	void *p = realloc(old, n);

	if (p) {
		h->mem = h->mem - before + malloc_usable_size(p);
	}
	return p;
}

static void a_free(void *p, void *ud)
{
	host *h = ud;

	if (p)
		h->mem -= malloc_usable_size(p);
	free(p);
}

/* ------------------------------------------------------------------------ */
/* The network                                                              */
/* ------------------------------------------------------------------------ */

static int64_t latency(void)
{
	int64_t ms = (int64_t)(S->lat_min +
			       prng_unit(&S->rng) * (S->lat_max - S->lat_min));

	if (S->faults && chance(&S->rng, S->spike_p))
		ms += 20 + (int64_t)prng_below(&S->rng, 400); /* a delay */
	return ms < 1 ? 1 : ms;
}

/* Queue a message toward side `to` of l, after every earlier one. */
static void enqueue(tlink *l, int to, enum msg_kind kind, const void *data,
		    size_t len)
{
	net_msg *m = xcalloc(1, sizeof(*m));
	int64_t at = S->now + latency();

	if (at < l->last_at[to])
		at = l->last_at[to]; /* TCP keeps order */
	l->last_at[to] = at;
	m->kind = kind;
	m->at = at;
	if (len) {
		m->data = xrealloc(NULL, len);
		memcpy(m->data, data, len);
		m->len = len;
	}
	if (l->tail[to])
		l->tail[to]->next = m;
	else
		l->head[to] = m;
	l->tail[to] = m;
}

static tlink *link_alloc(host *from, host *to)
{
	for (int i = 0; i < MAX_LINKS; i++) {
		tlink *l = &S->links[i];

		if (l->used)
			continue;
		memset(l, 0, sizeof(*l));
		l->used = true;
		if (i >= S->link_hi)
			S->link_hi = i + 1; /* loops stop there */
		l->gen = ++S->link_gen;
		l->h[0] = from;
		l->h[1] = to;
		l->ends[0] = (link_end){l, 0};
		l->ends[1] = (link_end){l, 1};
		return l;
	}
	failf("more than %d connections", MAX_LINKS);
	return NULL;
}

static void link_release_if_done(tlink *l)
{
	if (!l->used)
		return;
	if ((l->conn[0] || (l->cl && !l->closed_by[0])) || l->conn[1])
		return;
	for (int d = 0; d < 2; d++)
		while (l->head[d]) {
			net_msg *m = l->head[d];

			l->head[d] = m->next;
			free(m->data);
			free(m);
		}
	l->tail[0] = l->tail[1] = NULL;
	l->used = false;
}

/* Side s of l is gone (closed by its owner, or its process died): the
 * peer reads EOF after whatever is still in flight toward it. */
static void link_side_gone(tlink *l, int s)
{
	if (l->closed_by[s])
		return;
	l->closed_by[s] = true;
	enqueue(l, 1 - s, M_CLOSE, NULL, 0);
}

/* The owner of side s learns its connection is gone: free its conn. */
static void link_drop_side(tlink *l, int s, const char *why)
{
	if (s == 1 || !l->cl) {
		if (l->conn[s]) {
			rkv_conn *c = l->conn[s];

			l->conn[s] = NULL;
			if (why)
				rkv_conn_set_error(c, why);
			rkv_conn_free(c);
		}
	} else {
		client *cl = l->cl;

		cl->l = NULL;
		cl->connected = false;
		cl->expect = 0;
		cl->rlen = 0;
		cl->op = OP_NONE;
		cl->next_op_at =
		    S->now + 50 + (int64_t)prng_below(&S->rng, 200);
	}
	link_side_gone(l, s);
	link_release_if_done(l);
}

/* A connection reset: both sides learn at once. */
static void link_reset(tlink *l)
{
	tracef("reset %s-%s #%" PRIu64, host_name(l->h[0]), host_name(l->h[1]),
	       l->gen);
	for (int s = 0; s < 2 && l->used; s++)
		if (!l->closed_by[s])
			link_drop_side(l, s, "Connection reset by peer");
}

static int64_t on_send(rkv_node *node, rkv_conn *conn, const uint8_t *data,
		       size_t len, void *ud)
{
	link_end *e = rkv_conn_user_data(conn);
	host *h = ud;
	tlink *l;
	size_t room, n;

	(void)node;
	if (h->dying || !e)
		return (int64_t)len; /* the host connection has no transport */
	l = e->l;
	if (l->closed_by[1 - e->side])
		return (
		    int64_t)len; /* the peer is gone; its EOF is on the way */
	room = WINDOW > l->inflight[1 - e->side]
		   ? WINDOW - l->inflight[1 - e->side]
		   : 0;
	n = len < room ? len : room;
	if (!n) {
		l->blocked[e->side] = true;
		return 0;
	}
	l->inflight[1 - e->side] += n;
	enqueue(l, 1 - e->side, M_DATA, data, n);
	if (n < len)
		l->blocked[e->side] = true;
	return (int64_t)n;
}

static void on_close(rkv_node *node, rkv_conn *conn, void *ud)
{
	link_end *e = rkv_conn_user_data(conn);
	host *h = ud;

	(void)node;
	if (h->dying || !e)
		return;
	/* Freed by the main loop (not inside a callback). */
	link_side_gone(e->l, e->side);
}

static bool reachable(const host *a, const host *b)
{
	return !S->cut[a->idx][b->idx] && !S->cut[b->idx][a->idx];
}

static host *host_by_port(int port)
{
	for (int i = 0; i < S->nhosts; i++)
		if (S->hosts[i].kind != H_CLIENT && S->hosts[i].port == port)
			return &S->hosts[i];
	return NULL;
}

/* Open a connection from `from` to the node listening on port. Returns the
 * tlink; its side 0 conn is set by the caller (a node's outbound conn) or
 * it is a client's. The handshake completes later (M_CONNECTED), or fails
 * (M_REFUSED): refused at once when nothing listens, timed out when the
 * path is cut. */
static tlink *net_connect(host *from, int port, rkv_conn *conn)
{
	host *to = host_by_port(port);
	tlink *l;
	char addr[64];

	l = link_alloc(from, to ? to : from);
	if (!l)
		return NULL;
	l->conn[0] = conn;
	if (conn)
		rkv_conn_set_user_data(conn, &l->ends[0]);
	snprintf(addr, sizeof(addr), "127.0.0.1:%d",
		 40000 + S->next_eph++ % 20000);
	if (conn)
		rkv_conn_set_laddr(conn, addr);
	if (!to || !to->node || to->dying) {
		enqueue(l, 0, M_REFUSED, "Connection refused",
			sizeof("Connection refused"));
		l->closed_by[1] = true;
		return l;
	}
	if (!reachable(from, to)) {
		l->closed_by[1] = true;
		l->last_at[0] =
		    S->now + 1000 + (int64_t)prng_below(&S->rng, 2000);
		enqueue(l, 0, M_REFUSED, "Connection timed out",
			sizeof("Connection timed out"));
		return l;
	}
	if (rkv_conn_new(to->node, &l->conn[1], &l->ends[1]) < 0) {
		l->closed_by[1] = true;
		enqueue(l, 0, M_REFUSED, "Connection reset by peer",
			sizeof("Connection reset by peer"));
		return l;
	}
	rkv_conn_set_addr(l->conn[1], addr);
	enqueue(l, 0, M_CONNECTED, NULL, 0);
	tracef("connect %s->%s #%" PRIu64, host_name(from), host_name(to),
	       l->gen);
	return l;
}

static int on_connect(rkv_node *node, rkv_conn *conn, const char *hostname,
		      int port, void *ud)
{
	host *h = ud;

	(void)node;
	if (h->dying || strcmp(hostname, "127.0.0.1") != 0)
		return -1;
	return net_connect(h, port, conn) ? 0 : -1;
}

/* ------------------------------------------------------------------------ */
/* Node callbacks                                                           */
/* ------------------------------------------------------------------------ */

static void on_log(rkv_node *node, rkv_log_level level, const char *text,
		   void *ud)
{
	host *h = ud;

	(void)node;
	if (h->dying)
		return;
	/* Syncs served: full (a snapshot) or partial (from the backlog). */
	if (strstr(text, "Starting BGSAVE for SYNC"))
		S->full_syncs++;
	if (strstr(text, "bytes of backlog starting from"))
		S->partial_syncs++;
	if (h->amnesic && (strstr(text, "Starting BGSAVE for SYNC") ||
			   strstr(text, "bytes of backlog starting from")))
		h->served_amnesic = true; /* checked outside the callback */
	if (strstr(text, "Successful partial resynchronization") ||
	    strstr(text, "MASTER <-> REPLICA sync: Finished with success"))
		h->amnesic = false;
	(void)level;
	tracef("%s log %s", host_name(h), text);
}

static void on_event(rkv_node *node, const rkv_event *ev, void *ud)
{
	host *h = ud;

	(void)node;
	if (h->dying || ev->type != RKV_EVENT_SENTINEL)
		return;
	if (strcmp(ev->name, "+failover-end") == 0)
		S->failovers++;
	tracef("%s event %s %s", host_name(h), ev->name, ev->detail);
}

static void on_keyspace(rkv_node *node, int db, const char *key, size_t klen,
			void *ud)
{
	host *h = ud;

	(void)node;
	if (!h->dying)
		tracef("%s changed db%d %.*s", host_name(h), db, (int)klen,
		       key ? key : "*");
}

static int64_t on_clock(rkv_node *node, void *ud)
{
	(void)node;
	(void)ud;
	return S->wall0_us + S->now * 1000;
}

static int on_rewrite(rkv_node *node, char *err, size_t errlen, void *ud)
{
	host *h = ud;
	char *text = NULL;
	size_t len = 0;
	int rc;

	rc = rkv_node_config_rewrite(node, h->conf, strlen(h->conf), &text,
				     &len);
	if (rc < 0) {
		snprintf(err, errlen, "%s", rkv_strerror(rc));
		return -1;
	}
	free(h->conf);
	h->conf = xrealloc(NULL, len + 1);
	memcpy(h->conf, text, len);
	h->conf[len] = '\0';
	rkv_node_config_free_text(node, text);
	return 0;
}

/* Apply a configuration text as a host loading its file. */
static void apply_conf(host *h)
{
	const char *line = h->conf;

	while (*line) {
		const char *nl = strchr(line, '\n');
		size_t n = nl ? (size_t)(nl - line) : strlen(line);
		char **argv;
		size_t argc;
		char err[256];

		if (rkv_config_split(line, n, &argv, &argc) < 0) {
			failf("%s: unreadable config line '%.*s'", host_name(h),
			      (int)n, line);
		} else {
			if (argc && argv[0][0] != '#' &&
			    rkv_node_config_set(h->node, argv[0],
						(const char *const *)argv + 1,
						argc - 1, err, sizeof(err)) < 0)
				failf("%s: config '%.*s': %s", host_name(h),
				      (int)n, line, err);
			rkv_config_split_free(argv, argc);
		}
		line += n + (nl ? 1 : 0);
	}
}

static int snap_write(const uint8_t *data, size_t len, void *ud)
{
	host *h = ud;

	if (h->snaplen + len > h->snapcap) {
		h->snapcap = (h->snaplen + len) * 2;
		h->snap = xrealloc(h->snap, h->snapcap);
	}
	memcpy(h->snap + h->snaplen, data, len);
	h->snaplen += len;
	return 0;
}

static void take_snapshot(host *h)
{
	h->snaplen = 0;
	MUST(rkv_node_save(h->node, snap_write, h));
	h->has_snap = true;
	tracef("%s snapshot %zu bytes", host_name(h), h->snaplen);
}

static void node_start(host *h, bool from_snapshot)
{
	rkv_callbacks *cbs;
	rkv_options *opts;
	/* No usable_size hook: the node then counts requested sizes, which
	 * do not depend on the state of malloc's heap (INFO's used_memory is
	 * in the trace). */
	rkv_allocator al = {.malloc = a_malloc,
			    .realloc = a_realloc,
			    .free = a_free,
			    .user_data = h};

	h->incarnation++;
	h->replid[0] = '\0';
	h->offset = 0;
	MUST(rkv_callbacks_new(&cbs));
	rkv_callbacks_set_send(cbs, on_send);
	rkv_callbacks_set_close(cbs, on_close);
	rkv_callbacks_set_connect(cbs, on_connect);
	rkv_callbacks_set_log(cbs, on_log);
	rkv_callbacks_set_event(cbs, on_event);
	rkv_callbacks_set_clock(cbs, on_clock);
	rkv_callbacks_set_keyspace(cbs, on_keyspace);
	rkv_callbacks_set_config_rewrite(cbs, on_rewrite);
	MUST(rkv_options_new(&opts));
	MUST(rkv_options_set_allocator(opts, &al));
	rkv_options_set_seed(opts, S->seed * 1000003ULL +
				       (uint64_t)h->idx * 101 +
				       (uint64_t)h->incarnation);
	MUST(rkv_options_set_enable_debug_command(opts, RKV_PROTECTED_YES));
	MUST(rkv_options_set_sentinel(opts, h->kind == H_SENTINEL));
	MUST(rkv_node_new(&h->node, cbs, opts, h));
	rkv_options_free(opts);
	rkv_callbacks_free(cbs);
	apply_conf(h);
	if (from_snapshot && h->has_snap) {
		rkv_loader *ld = NULL;

		MUST(rkv_node_load_begin(h->node, &ld));
		if (ld) {
			if (rkv_loader_feed(ld, h->snap, h->snaplen) < 0 ||
			    rkv_loader_end(ld) < 0)
				failf("%s: its own snapshot does not load: %s",
				      host_name(h), rkv_loader_error(ld));
			rkv_loader_free(ld);
		}
	}
	rkv_node_tick(h->node, S->now);
	tracef("%s start #%d%s", host_name(h), h->incarnation,
	       h->kind == H_SENTINEL ? " from its config"
	       : !from_snapshot	     ? " empty"
	       : h->has_snap	     ? " from its last snapshot"
				     : " empty (no snapshot yet)");
}

/* A crash: the process is gone with its memory; its peers read EOF. */
static void node_crash(host *h)
{
	for (int i = 0; i < S->link_hi; i++) {
		tlink *l = &S->links[i];

		if (!l->used)
			continue;
		for (int s = 0; s < 2; s++)
			if (l->h[s] == h && !(s == 0 && l->cl) &&
			    !l->closed_by[s]) {
				l->conn[s] = NULL; /* freed with the node */
				link_side_gone(l, s);
				l->closed_by[s] = true;
			} else if (l->h[s] == h && l->conn[s]) {
				l->conn[s] = NULL;
			}
		link_release_if_done(l);
	}
	h->dying = true;
	rkv_node_free(h->node);
	h->node = NULL;
	h->dying = false;
	h->paused_until = 0;
	if (h->mem)
		failf("%s: %zu bytes still allocated after rkv_node_free",
		      host_name(h), h->mem);
	tracef("%s crash", host_name(h));
}

/* ------------------------------------------------------------------------ */
/* Commands through the host connection                                     */
/* ------------------------------------------------------------------------ */

static rkv_reply *cmdv(host *h, size_t argc, const char *const *argv)
{
	rkv_reply *r = NULL;

	MUST(rkv_node_command(h->node, 0, argc, argv, NULL, &r));
	return r;
}

#define CMD(h, ...)                                                            \
	cmdv((h), sizeof((const char *[]){__VA_ARGS__}) / sizeof(char *),      \
	     (const char *const[]){__VA_ARGS__})

/* The value of "field:" in an INFO text, copied into buf. */
static bool info_field(const char *info, const char *field, char *buf,
		       size_t len)
{
	size_t fl = strlen(field);

	for (const char *p = info; p && *p;) {
		if (strncmp(p, field, fl) == 0 && p[fl] == ':') {
			const char *v = p + fl + 1;
			size_t n = strcspn(v, "\r\n");

			if (n >= len)
				n = len - 1;
			memcpy(buf, v, n);
			buf[n] = '\0';
			return true;
		}
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return false;
}

typedef struct repl_state {
	bool master;
	int master_port;
	bool link_up;
	char replid[41];
	long long offset;
} repl_state;

static bool repl_state_of(host *h, repl_state *st)
{
	rkv_reply *r = CMD(h, "INFO", "replication");
	char v[64];

	memset(st, 0, sizeof(*st));
	if (!r)
		return false;
	if (r->type != RKV_REPLY_STRING) {
		rkv_reply_free(h->node, r);
		return false;
	}
	st->master = info_field(r->str, "role", v, sizeof(v)) &&
		     strcmp(v, "master") == 0;
	if (info_field(r->str, "master_port", v, sizeof(v)))
		st->master_port = atoi(v);
	st->link_up = info_field(r->str, "master_link_status", v, sizeof(v)) &&
		      strcmp(v, "up") == 0;
	info_field(r->str, "master_replid", st->replid, sizeof(st->replid));
	if (info_field(r->str, "master_repl_offset", v, sizeof(v)))
		st->offset = atoll(v);
	rkv_reply_free(h->node, r);
	return true;
}

static bool digest_of(host *h, char *out, size_t len)
{
	rkv_reply *r = CMD(h, "DEBUG", "DIGEST");
	bool ok =
	    r && (r->type == RKV_REPLY_STATUS || r->type == RKV_REPLY_STRING);

	if (ok)
		snprintf(out, len, "%s", r->str);
	if (r)
		rkv_reply_free(h->node, r);
	return ok;
}

static long long dbsize_of(host *h)
{
	rkv_reply *r = CMD(h, "DBSIZE");
	long long n = r && r->type == RKV_REPLY_INTEGER ? r->integer : -1;

	if (r)
		rkv_reply_free(h->node, r);
	return n;
}

/* The master as a sentinel sees it: its port and config epoch, and how
 * many replicas and other sentinels it knows (known may be NULL). */
static bool sentinel_view2(host *s, int *port, long long *epoch, int *known)
{
	rkv_reply *r = CMD(s, "SENTINEL", "MASTER", "mymaster");
	bool ok = false;

	*port = 0;
	*epoch = -1;
	if (known)
		*known = 0;
	if (r && r->type == RKV_REPLY_ARRAY) {
		for (size_t i = 0; i + 1 < r->count; i += 2) {
			const rkv_reply *k = r->elements[i],
					*v = r->elements[i + 1];

			if (!k->str || !v->str)
				continue;
			if (strcmp(k->str, "port") == 0)
				*port = atoi(v->str);
			else if (strcmp(k->str, "config-epoch") == 0)
				*epoch = atoll(v->str);
			else if (known &&
				 (strcmp(k->str, "num-slaves") == 0 ||
				  strcmp(k->str, "num-other-sentinels") == 0))
				*known += atoi(v->str);
		}
		ok = *port > 0;
	}
	if (r)
		rkv_reply_free(s->node, r);
	return ok;
}

static bool sentinel_view(host *s, int *port, long long *epoch)
{
	return sentinel_view2(s, port, epoch, NULL);
}

/* ------------------------------------------------------------------------ */
/* Clients                                                                  */
/* ------------------------------------------------------------------------ */

/* One reply at p[0..n): its length, 0 if incomplete, -1 if malformed. Its
 * type byte and, for integers, value are stored; for errors and statuses
 * the first bytes of the text. */
static long resp_one(const uint8_t *p, size_t n, char *type, long long *ival,
		     char *text, size_t tlen)
{
	const uint8_t *nl = memchr(p, '\n', n);
	long hdr, total;
	long long v;

	if (!n)
		return 0;
	if (!nl)
		return 0;
	hdr = (long)(nl - p) + 1;
	if (hdr < 3 || p[hdr - 2] != '\r')
		return -1;
	*type = (char)p[0];
	v = strtoll((const char *)p + 1, NULL, 10);
	if (text && tlen) {
		size_t tl =
		    (size_t)hdr - 3 < tlen - 1 ? (size_t)hdr - 3 : tlen - 1;

		memcpy(text, p + 1, tl);
		text[tl] = '\0';
	}
	switch (p[0]) {
	case '+':
	case '-':
		return hdr;
	case ':':
		*ival = v;
		return hdr;
	case '$':
		if (v < 0)
			return hdr;
		total = hdr + (long)v + 2;
		return (size_t)total <= n ? total : 0;
	case '*':
		total = hdr;
		*ival = v;
		for (long long i = 0; i < v; i++) {
			char t;
			long long iv;
			long e = resp_one(p + total, n - (size_t)total, &t, &iv,
					  NULL, 0);

			if (e <= 0)
				return e;
			total += e;
		}
		return total;
	default:
		return -1;
	}
}

static size_t resp_cmd(char *out, size_t cap, int argc, const char **argv)
{
	size_t n = (size_t)snprintf(out, cap, "*%d\r\n", argc);

	for (int i = 0; i < argc && n < cap; i++)
		n += (size_t)snprintf(out + n, cap - n, "$%zu\r\n%s\r\n",
				      strlen(argv[i]), argv[i]);
	return n;
}

static void client_send(client *c, const char *buf, size_t len)
{
	tlink *l = c->l;

	/* Client requests are small: the window never fills. */
	l->inflight[1] += len;
	enqueue(l, 1, M_DATA, buf, len);
}

static void client_drop(client *c, const char *why)
{
	if (!c->l)
		return;
	tracef("%s drop: %s", host_name(c->h), why);
	link_drop_side(c->l, 0, NULL);
}

/* Which node a majority... a random live sentinel names as master. */
static host *client_resolve(client *c)
{
	host *cand[MAX_SENTINELS];
	int n = 0, port;
	long long epoch;

	(void)c;
	for (int i = 0; i < S->nhosts; i++)
		if (S->hosts[i].kind == H_SENTINEL &&
		    host_running(&S->hosts[i]))
			cand[n++] = &S->hosts[i];
	if (!n)
		return NULL;
	if (!sentinel_view(cand[prng_below(&S->rng, (uint64_t)n)], &port,
			   &epoch))
		return NULL;
	return host_by_port(port);
}

static void client_issue(client *c)
{
	char buf[2048], k[48], v[32];
	size_t n = 0;
	int nrep = 0;
	double r = prng_unit(&S->rng);
	char nrepl[16], tmo[16];

	snprintf(nrepl, sizeof(nrepl), "%d", S->nodes - 1);
	snprintf(tmo, sizeof(tmo), "%d", 50 + (int)prng_below(&S->rng, 950));
	snprintf(k, sizeof(k), "k:%d", (int)prng_below(&S->rng, 64));
	snprintf(v, sizeof(v), "%lld", c->seq);
	c->op = OP_PLAIN;
	c->wait_at = -1;
	if (r < 0.30) {
		const char *a[] = {"SET", k, v};

		n += resp_cmd(buf + n, sizeof(buf) - n, 3, a);
		nrep++;
	} else if (r < 0.45) {
		char ck[48];
		const char *a[] = {"INCR", ck};

		snprintf(ck, sizeof(ck), "c:%d", (int)prng_below(&S->rng, 16));
		n += resp_cmd(buf + n, sizeof(buf) - n, 2, a);
		nrep++;
	} else if (r < 0.52) {
		const char *a[] = {"DEL", k};

		n += resp_cmd(buf + n, sizeof(buf) - n, 2, a);
		nrep++;
	} else if (r < 0.60) {
		char ms[16];
		const char *a[] = {"PEXPIRE", k, ms};

		/* Half of them short: they expire while the stream is in
		 * flight to a slow replica. */
		snprintf(ms, sizeof(ms), "%d",
			 chance(&S->rng, 0.5)
			     ? 1 + (int)prng_below(&S->rng, 300)
			     : 100 + (int)prng_below(&S->rng, 5000));
		n += resp_cmd(buf + n, sizeof(buf) - n, 3, a);
		nrep++;
	} else if (r < 0.70) {
		char ck[48];
		const char *m[] = {"MULTI"}, *a[] = {"SET", k, v},
			   *b[] = {"INCR", ck}, *d[] = {"DEL", "k:0"},
			   *e[] = {"EXEC"};

		snprintf(ck, sizeof(ck), "c:%d", (int)prng_below(&S->rng, 16));
		n += resp_cmd(buf + n, sizeof(buf) - n, 1, m);
		n += resp_cmd(buf + n, sizeof(buf) - n, 3, a);
		n += resp_cmd(buf + n, sizeof(buf) - n, 2, b);
		if (chance(&S->rng, 0.3))
			n += resp_cmd(buf + n, sizeof(buf) - n, 2, d), nrep++;
		n += resp_cmd(buf + n, sizeof(buf) - n, 1, e);
		nrep += 4;
	} else {
		/* A write to its own key, acknowledged only if WAIT says
		 * every replica has it (invariant 5). */
		const char *a[] = {"SET", c->ack_key, c->ack_val};

		c->op = OP_ACK;
		snprintf(c->ack_key, sizeof(c->ack_key), "ack:%d:%lld", c->idx,
			 c->seq);
		snprintf(c->ack_val, sizeof(c->ack_val), "v%lld", c->seq);
		n += resp_cmd(buf + n, sizeof(buf) - n, 3, a);
		nrep++;
	}
	if (c->op == OP_ACK || chance(&S->rng, 0.25)) {
		const char *w[] = {"WAIT", nrepl, tmo};

		n += resp_cmd(buf + n, sizeof(buf) - n, 3, w);
		c->wait_at = nrep++;
	}
	c->seq++;
	c->expect = nrep;
	c->got = 0;
	c->set_ok = false;
	c->wait_reply = -1;
	c->deadline = S->now + 5000;
	c->issued_at = S->now;
	S->ops++;
	client_send(c, buf, n);
}

static void client_reply(client *c, char type, long long ival, const char *text)
{
	int i = c->got++;

	if (type == '-' && strncmp(text, "READONLY", 8) != 0 &&
	    strncmp(text, "NOREPLICAS", 10) != 0 &&
	    strncmp(text, "MASTERDOWN", 10) != 0 &&
	    strncmp(text, "EXECABORT", 9) != 0 &&
	    strncmp(text, "WRONGTYPE", 9) != 0 &&
	    strncmp(text, "ERR value is not an integer", 27) != 0 &&
	    strncmp(text, "ERR increment or decrement", 26) != 0)
		tracef("%s unexpected error: %s", host_name(c->h), text);
	if (type == '-' && (strncmp(text, "READONLY", 8) == 0 ||
			    strncmp(text, "MASTERDOWN", 10) == 0))
		c->target = NULL; /* ask the sentinels again */
	if (i == 0 && c->op == OP_ACK)
		c->set_ok = type == '+';
	if (i == c->wait_at) {
		if (type != ':')
			tracef("%s WAIT answered '%c%s'", host_name(c->h), type,
			       text);
		else
			c->wait_reply = ival;
		S->waits++;
	}
	if (c->got < c->expect)
		return;
	S->ops_ok++;
	if (c->op == OP_ACK && c->set_ok && c->wait_reply >= S->nodes - 1) {
		acked *a;

		if (S->nacks == S->capacks) {
			S->capacks = S->capacks ? S->capacks * 2 : 256;
			S->acks =
			    xrealloc(S->acks, S->capacks * sizeof(*S->acks));
		}
		a = &S->acks[S->nacks++];
		memset(a, 0, sizeof(*a));
		snprintf(a->key, sizeof(a->key), "%s", c->ack_key);
		snprintf(a->val, sizeof(a->val), "%s", c->ack_val);
		a->at = S->now;
		tracef("%s acked %s by %s", host_name(c->h), a->key,
		       host_name(c->target));
		note_late_ack(a, c->issued_at);
	}
	c->op = OP_NONE;
	c->expect = 0;
	c->next_op_at = S->now + (int64_t)prng_below(&S->rng, 20);
	if (!c->target)
		client_drop(c, "target is not a master");
}

static void client_recv(client *c, const uint8_t *data, size_t len)
{
	if (c->rlen + len > sizeof(c->rbuf)) {
		client_drop(c, "reply buffer overflow");
		return;
	}
	memcpy(c->rbuf + c->rlen, data, len);
	c->rlen += len;
	while (c->rlen && c->l) {
		char type = 0, text[128];
		long long iv = 0;
		long n =
		    resp_one(c->rbuf, c->rlen, &type, &iv, text, sizeof(text));

		if (n == 0)
			break;
		if (n < 0 || !c->expect) {
			failf("%s: unexpected bytes from %s: '%.40s'",
			      host_name(c->h), host_name(c->target), c->rbuf);
			client_drop(c, "protocol error");
			return;
		}
		memmove(c->rbuf, c->rbuf + n, c->rlen - (size_t)n);
		c->rlen -= (size_t)n;
		client_reply(c, type, iv, text);
	}
}

static void client_step(client *c)
{
	if (c->l && c->expect && S->now > c->deadline) {
		client_drop(c, "reply timeout");
		return;
	}
	if (!S->faults && !c->expect && c->l) {
		client_drop(c, "healing: the workload stops");
		return;
	}
	if (!S->faults || S->now < c->next_op_at)
		return;
	if (!c->l) {
		c->target = client_resolve(c);
		if (!c->target) {
			c->next_op_at = S->now + 100;
			return;
		}
		c->l = net_connect(c->h, c->target->port, NULL);
		if (c->l)
			c->l->cl = c;
		c->connected = false;
		return;
	}
	if (c->connected && !c->expect)
		client_issue(c);
}

/* ------------------------------------------------------------------------ */
/* Delivery                                                                 */
/* ------------------------------------------------------------------------ */

static void deliver(tlink *l, int to, net_msg *m)
{
	hash_u64(l->gen);
	hash_u64((uint64_t)to);
	hash_u64((uint64_t)m->kind);
	hash_bytes(m->data, m->len);
	if (m->kind == M_DATA)
		l->inflight[to] -= m->len;
	if (l->closed_by[to])
		return; /* its owner closed it: nobody reads */
	if (to == 0 && l->cl) {
		client *c = l->cl;

		switch (m->kind) {
		case M_CONNECTED:
			c->connected = true;
			break;
		case M_DATA:
			client_recv(c, m->data, m->len);
			break;
		case M_CLOSE:
		case M_REFUSED:
			tracef("%s lost its connection to %s", host_name(c->h),
			       host_name(l->h[1]));
			link_drop_side(l, 0, NULL);
			break;
		}
		return;
	}
	if (!l->conn[to])
		return;
	switch (m->kind) {
	case M_CONNECTED:
		MUST(rkv_conn_connected(l->conn[to]));
		break;
	case M_DATA:
		if (rkv_conn_recv(l->conn[to], m->data, m->len) < 0 &&
		    l->conn[to] && !l->closed_by[to])
			link_side_gone(l, to);
		break;
	case M_CLOSE:
		link_drop_side(l, to, "Connection reset by peer");
		break;
	case M_REFUSED:
		link_drop_side(l, to, m->len ? (const char *)m->data : NULL);
		break;
	}
}

static void deliver_due(void)
{
	for (int i = 0; i < S->link_hi; i++) {
		tlink *l = &S->links[i];

		for (int to = 1; to >= 0 && l->used; to--) {
			host *from = l->h[1 - to], *dst = l->h[to];

			while (l->used && l->head[to] &&
			       l->head[to]->at <= S->now) {
				net_msg *m = l->head[to];

				if (dst->node && S->now < dst->paused_until)
					break; /* stopped: the kernel buffers */
				if (m->kind != M_REFUSED &&
				    S->cut[from->idx][dst->idx])
					break; /* cut: TCP retransmits */
				if (m->kind == M_DATA &&
				    l->stall_until > S->now &&
				    (l->stall_side == to || l->stall_side == 2))
					break; /* a slow reader */
				l->head[to] = m->next;
				if (!l->head[to])
					l->tail[to] = NULL;
				deliver(l, to, m);
				free(m->data);
				free(m);
			}
		}
	}
}

/* Conns whose node asked to close them (close callback), and blocked
 * senders whose window has room again: both outside any callback. */
static void sweep(void)
{
	for (int i = 0; i < S->link_hi; i++) {
		tlink *l = &S->links[i];

		for (int s = 0; s < 2 && l->used; s++) {
			if (l->closed_by[s] && l->conn[s]) {
				rkv_conn *c = l->conn[s];

				l->conn[s] = NULL;
				rkv_conn_free(c);
				link_release_if_done(l);
				continue;
			}
			if (l->blocked[s] && l->conn[s] &&
			    l->inflight[1 - s] < WINDOW / 2 &&
			    host_running(l->h[s])) {
				l->blocked[s] = false;
				rkv_conn_writable(l->conn[s]);
			}
		}
	}
}

/* ------------------------------------------------------------------------ */
/* Faults                                                                   */
/* ------------------------------------------------------------------------ */

static host *pick_host(enum host_kind kind, bool up)
{
	host *cand[MAX_HOSTS];
	int n = 0;

	for (int i = 0; i < S->nhosts; i++)
		if (S->hosts[i].kind == kind && (host_up(&S->hosts[i]) == up))
			cand[n++] = &S->hosts[i];
	return n ? cand[prng_below(&S->rng, (uint64_t)n)] : NULL;
}

static tlink *pick_link(bool data_only)
{
	int cand[MAX_LINKS], n = 0;

	for (int i = 0; i < S->link_hi; i++) {
		tlink *l = &S->links[i];

		if (!l->used || l->closed_by[0] || l->closed_by[1])
			continue;
		if (data_only &&
		    (l->h[0]->kind != H_DATA || l->h[1]->kind != H_DATA))
			continue;
		cand[n++] = i;
	}
	return n ? &S->links[cand[prng_below(&S->rng, (uint64_t)n)]] : NULL;
}

static int count_kind(enum host_kind kind, bool up)
{
	int n = 0;

	for (int i = 0; i < S->nhosts; i++)
		n += S->hosts[i].kind == kind && host_up(&S->hosts[i]) == up;
	return n;
}

static bool per_second(double rate)
{
	return chance(&S->rng, rate / 1000.0);
}

static void fault_partition(void)
{
	bool side[MAX_HOSTS];
	bool oneway = chance(&S->rng, 0.3);
	int na = 0;

	for (int i = 0; i < S->nhosts; i++)
		na += side[i] = chance(&S->rng, 0.4);
	if (!na || na == S->nhosts)
		return;
	for (int a = 0; a < S->nhosts; a++)
		for (int b = 0; b < S->nhosts; b++)
			if (side[a] && !side[b]) {
				S->cut[a][b] = true;
				if (!oneway)
					S->cut[b][a] = true;
			}
	S->cut_heal_at = S->now + 300 + (int64_t)prng_below(&S->rng, 15000);
	S->partitions++;
	{
		char names[256] = "";
		size_t n = 0;

		for (int i = 0; i < S->nhosts; i++)
			if (side[i])
				n += (size_t)snprintf(names + n,
						      sizeof(names) - n, "%s ",
						      host_name(&S->hosts[i]));
		tracef("partition%s {%s} until %" PRId64,
		       oneway ? " one-way (outbound only)" : "", names,
		       S->cut_heal_at);
	}
}

static void heal_partition(void)
{
	memset(S->cut, 0, sizeof(S->cut));
	S->cut_heal_at = 0;
	tracef("partition healed");
}

/* An acknowledged write can be lost by Redis's design when a node that
 * restarted without it (no snapshot, or an older one) serves a resync as a
 * master before it resynced itself: a master that comes back before its
 * failover, or a replica promoted before it synced. Writes such a node
 * lacks when it serves one are not held against invariant 5 (they are
 * counted as exempt); every other loss is a violation. */
static bool lacks(host *h, const acked *a)
{
	return rkv_exists(h->node, 0, a->key, strlen(a->key)) != 1;
}

static void exempt_missing(host *h)
{
	for (size_t i = 0; i < S->nacks; i++) {
		acked *a = &S->acks[i];

		if (!a->exempt && lacks(h, a)) {
			a->exempt = true;
			S->exempt++;
			tracef("%s served a resync without %s: exempt",
			       host_name(h), a->key);
		}
	}
}

static void note_amnesia(host *h)
{
	h->restarted_at = S->now;
	h->amnesic = false;
	for (size_t i = 0; i < S->nacks && !h->amnesic; i++)
		h->amnesic = !S->acks[i].exempt && lacks(h, &S->acks[i]);
	S->amnesia += h->amnesic;
}

/* A write acknowledged after a restart of a node that it lacks: the WAIT's
 * reply was in flight across the restart. */
static void note_late_ack(acked *a, int64_t issued_at)
{
	for (int i = 0; i < S->nhosts; i++) {
		host *h = &S->hosts[i];

		if (h->kind == H_DATA && h->node &&
		    h->restarted_at >= issued_at && lacks(h, a))
			h->amnesic = true;
	}
}

static void restart(host *h, bool with_snapshot)
{
	node_start(h, with_snapshot);
	S->restarts++;
	if (h->kind == H_DATA)
		note_amnesia(h);
}

static void inject_faults(void)
{
	host *h;
	tlink *l;

	if (per_second(S->r_crash) &&
	    count_kind(H_DATA, false) < S->nodes - 1 &&
	    (h = pick_host(H_DATA, true))) {
		node_crash(h);
		h->restart_at =
		    S->now + 200 + (int64_t)prng_below(&S->rng, 12000);
		h->restart_with_snapshot = chance(&S->rng, 0.7);
		S->crashes++;
	}
	if (per_second(S->r_sentinel_crash) &&
	    count_kind(H_SENTINEL, false) < (S->sentinels + 1) / 2 &&
	    (h = pick_host(H_SENTINEL, true))) {
		node_crash(h);
		h->restart_at =
		    S->now + 500 + (int64_t)prng_below(&S->rng, 8000);
		S->sentinel_crashes++;
	}
	if (!S->cut_heal_at && per_second(S->r_partition))
		fault_partition();
	if (per_second(S->r_reset) && (l = pick_link(false))) {
		link_reset(l);
		S->resets++;
	}
	if (per_second(S->r_pause)) {
		h = pick_host(chance(&S->rng, 0.75) ? H_DATA : H_SENTINEL,
			      true);
		if (h && h->paused_until <= S->now) {
			h->paused_until =
			    S->now + 100 + (int64_t)prng_below(&S->rng, 6000);
			tracef("%s paused until %" PRId64, host_name(h),
			       h->paused_until);
			S->pauses++;
		}
	}
	if (per_second(S->r_slow) && (l = pick_link(false)) &&
	    l->stall_until <= S->now) {
		l->stall_until =
		    S->now + 100 + (int64_t)prng_below(&S->rng, 8000);
		l->stall_side = (int)prng_below(&S->rng, 2);
		tracef("slow reader %s on #%" PRIu64 " until %" PRId64,
		       host_name(l->h[l->stall_side]), l->gen, l->stall_until);
		S->stalls++;
	}
	if (per_second(S->r_stall) && (l = pick_link(true)) &&
	    l->stall_until <= S->now) {
		/* A replication tlink goes silent past repl-timeout (5 s). */
		l->stall_until =
		    S->now + 5000 + (int64_t)prng_below(&S->rng, 4000);
		l->stall_side = 2;
		tracef("tlink %s-%s #%" PRIu64 " silent until %" PRId64,
		       host_name(l->h[0]), host_name(l->h[1]), l->gen,
		       l->stall_until);
		S->stalls++;
	}
}

static void scheduled(void)
{
	if (S->cut_heal_at && S->now >= S->cut_heal_at)
		heal_partition();
	for (int i = 0; i < S->nhosts; i++) {
		host *h = &S->hosts[i];

		if (h->kind != H_CLIENT && h->kind != H_WITNESS && !h->node &&
		    h->restart_at && S->now >= h->restart_at) {
			h->restart_at = 0;
			restart(h, h->kind == H_SENTINEL ||
				       h->restart_with_snapshot);
		}
	}
}

/* ------------------------------------------------------------------------ */
/* Continuous invariants                                                    */
/* ------------------------------------------------------------------------ */

static int majority(void)
{
	return S->sentinels / 2 + 1;
}

/* Invariant 2: under one replication ID a node's offset only grows (a
 * restart is a new incarnation: it may resume from an older snapshot). */
static void check_offsets(host *h, repl_state *st)
{
	if (!repl_state_of(h, st) || !st->replid[0])
		return;
	if (strcmp(st->replid, h->replid) == 0 && st->offset < h->offset)
		failf("invariant 2: %s offset went back under %s: %lld -> %lld",
		      host_name(h), st->replid, h->offset, st->offset);
	memcpy(h->replid, st->replid, sizeof(h->replid));
	h->offset = st->offset;
}

/* Invariant 4: at most one master per epoch for a majority of sentinels. */
static void check_epochs(host *s, int sbit)
{
	int port;
	long long epoch;
	epoch_obs *o = NULL;

	if (!sentinel_view(s, &port, &epoch))
		return;
	for (size_t i = 0; i < S->nobs; i++)
		if (S->obs[i].epoch == epoch && S->obs[i].port == port)
			o = &S->obs[i];
	if (!o) {
		if (S->nobs == S->capobs) {
			S->capobs = S->capobs ? S->capobs * 2 : 16;
			S->obs = xrealloc(S->obs, S->capobs * sizeof(*S->obs));
		}
		o = &S->obs[S->nobs++];
		o->epoch = epoch;
		o->port = port;
		o->sentinels = 0;
	}
	if (o->sentinels & (1u << sbit))
		return;
	o->sentinels |= 1u << sbit;
	tracef("s%d believes n%d is master at epoch %lld", sbit,
	       port - DATA_PORT, epoch);
	if (__builtin_popcount(o->sentinels) < majority())
		return;
	for (size_t i = 0; i < S->nobs; i++)
		if (S->obs[i].epoch == epoch && S->obs[i].port != port &&
		    __builtin_popcount(S->obs[i].sentinels) >= majority())
			failf("invariant 4: epoch %lld has two masters for a "
			      "majority of sentinels: n%d and n%d",
			      epoch, S->obs[i].port - DATA_PORT,
			      port - DATA_PORT);
}

/* Invariant 1, continuously: a replica at its master's offset under its
 * ID (both read at this instant) has its master's digest. */
static void check_in_step(host *const *data, const repl_state *st, int n)
{
	char md[64], d[64];

	for (int i = 0; i < n; i++) {
		host *m = data[i];
		bool have_md = false;

		if (!st[i].master)
			continue;
		for (int j = 0; j < n; j++) {
			if (j == i || st[j].master ||
			    st[j].master_port != m->port || !st[j].link_up ||
			    st[j].offset != st[i].offset ||
			    strcmp(st[j].replid, st[i].replid) != 0)
				continue;
			if (!have_md && !digest_of(m, md, sizeof(md)))
				return;
			have_md = true;
			if (digest_of(data[j], d, sizeof(d)) &&
			    strcmp(d, md) != 0) {
				failf(
				    "invariant 1: %s at its master %s's offset "
				    "%lld has digest %s, the master %s",
				    host_name(data[j]), host_name(m),
				    st[i].offset, d, md);
				diff_keys(data[j], m);
			}
		}
	}
}

static void sample(bool digests)
{
	host *data[MAX_HOSTS];
	repl_state st[MAX_HOSTS];
	int n = 0;

	for (int i = 0; i < S->nhosts; i++) {
		host *h = &S->hosts[i];

		if (!host_running(h))
			continue;
		if (h->kind == H_DATA) {
			check_offsets(h, &st[n]);
			data[n++] = h;
		} else if (h->kind == H_SENTINEL) {
			check_epochs(h, h->port - SENT_PORT);
		}
		if (h->node && h->mem > MEM_HARD_CAP)
			failf("invariant 6: %s holds %zu bytes", host_name(h),
			      h->mem);
	}
	if (digests)
		check_in_step(data, st,
			      n); /* SHA1 over every key: not always */
}

/* ------------------------------------------------------------------------ */
/* The world: set-up, one step, quiescence, the final checks                */
/* ------------------------------------------------------------------------ */

static host *add_host(enum host_kind kind, int port)
{
	host *h = &S->hosts[S->nhosts];

	memset(h, 0, sizeof(*h));
	h->idx = S->nhosts++;
	h->kind = kind;
	h->port = port;
	h->tick_phase = (int64_t)prng_below(&S->rng, TICK_DATA_MS);
	return h;
}

static void set_conf(host *h, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void set_conf(host *h, const char *fmt, ...)
{
	char buf[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	free(h->conf);
	h->conf = strdup(buf);
}

static void world_init(void)
{
	const char *sizes[] = {"16kb", "64kb", "256kb", "1mb"};
	int bl = (int)prng_below(&S->rng, 4);

	S->now = 1000;
	S->wall0_us = 1764000000000000LL;
	S->faults = true;
	/* This seed's weather. */
	S->r_crash = prng_unit(&S->rng) * 0.15;
	S->r_sentinel_crash = prng_unit(&S->rng) * 0.1;
	S->r_partition = prng_unit(&S->rng) * 0.15;
	S->r_reset = prng_unit(&S->rng) * 0.5;
	S->r_pause = prng_unit(&S->rng) * 0.2;
	S->r_slow = prng_unit(&S->rng) * 0.2;
	S->r_stall = prng_unit(&S->rng) * 0.05;
	S->lat_min = 0.2 + prng_unit(&S->rng) * 2;
	S->lat_max = S->lat_min + prng_unit(&S->rng) * 10;
	S->spike_p = prng_unit(&S->rng) * 0.01;
	S->backlog_size = 16384LL << (2 * bl);
	tracef("weather: crash %.3f/s sentinel-crash %.3f/s partition %.3f/s "
	       "reset %.3f/s pause %.3f/s slow %.3f/s stall %.3f/s latency "
	       "%.1f-%.1f ms spikes %.4f backlog %s",
	       S->r_crash, S->r_sentinel_crash, S->r_partition, S->r_reset,
	       S->r_pause, S->r_slow, S->r_stall, S->lat_min, S->lat_max,
	       S->spike_p, sizes[bl]);
	for (int i = 0; i < S->nodes; i++) {
		host *h = add_host(H_DATA, DATA_PORT + i);
		char rep[64] = "";

		if (i)
			snprintf(rep, sizeof(rep), "replicaof 127.0.0.1 %d\n",
				 DATA_PORT);
		set_conf(h,
			 "port %d\nsave \"\"\nrepl-diskless-sync-delay 0\n"
			 "repl-timeout 5\nrepl-ping-replica-period 1\n"
			 "repl-backlog-size %s\n"
			 "client-output-buffer-limit replica 4mb 1mb 10\n%s",
			 h->port, sizes[bl], rep);
		h->snapshot_every = 1000 + (int64_t)prng_below(&S->rng, 9000);
		h->next_snapshot = S->now + h->snapshot_every;
		node_start(h, false);
	}
	for (int i = 0; i < S->sentinels; i++) {
		host *h = add_host(H_SENTINEL, SENT_PORT + i);

		set_conf(h,
			 "port %d\nsentinel monitor mymaster 127.0.0.1 %d %d\n"
			 "sentinel down-after-milliseconds mymaster 1000\n"
			 "sentinel failover-timeout mymaster 6000\n"
			 "sentinel parallel-syncs mymaster 1\n",
			 h->port, DATA_PORT, S->quorum);
		h->tick_phase %= TICK_SENT_MS;
		node_start(h, false);
	}
	for (int i = 0; i < S->clients; i++) {
		client *c = &S->cls[i];

		memset(c, 0, sizeof(*c));
		c->idx = i;
		c->h = add_host(H_CLIENT, 0);
		c->h->idx = S->nhosts - 1;
	}
}

static void step(void)
{
	S->now++;
	if (S->faults)
		inject_faults();
	scheduled();
	deliver_due();
	sweep();
	for (int i = 0; i < S->nhosts; i++) {
		host *h = &S->hosts[i];
		int64_t period =
		    h->kind == H_SENTINEL ? TICK_SENT_MS : TICK_DATA_MS;

		if (!host_running(h))
			continue;
		if ((S->now + h->tick_phase) % period == 0)
			rkv_node_tick(h->node, S->now);
		rkv_node_background(h->node, 1000);
		if (h->kind == H_DATA && S->now >= h->next_snapshot) {
			take_snapshot(h);
			h->next_snapshot = S->now + h->snapshot_every;
		}
	}
	sweep();
	for (int i = 0; i < S->nhosts; i++)
		if (S->hosts[i].served_amnesic && S->hosts[i].node) {
			S->hosts[i].served_amnesic = false;
			exempt_missing(&S->hosts[i]);
		}
	for (int i = 0; i < S->clients; i++)
		client_step(&S->cls[i]);
	if (S->now % SAMPLE_MS == 0)
		sample(S->now % (3 * SAMPLE_MS) == 0);
}

/* Everything heals: partitions, pauses, slow readers; crashed processes
 * come back; the workload stops. */
static void heal_all(void)
{
	S->faults = false;
	heal_partition();
	for (int i = 0; i < S->link_hi; i++)
		S->links[i].stall_until = 0;
	for (int i = 0; i < S->nhosts; i++) {
		host *h = &S->hosts[i];

		h->paused_until = 0;
		if ((h->kind == H_DATA || h->kind == H_SENTINEL) && !h->node) {
			h->restart_at = 0;
			restart(h, h->kind == H_SENTINEL ||
				       h->restart_with_snapshot);
		}
	}
	tracef("healed: the workload stops");
}

/* One master named by every sentinel, every other node its replica with
 * the link up; with in_sync, also at the master's offset under its ID.
 * Returns the master or NULL. */
static host *converged(bool in_sync)
{
	host *m = NULL;
	repl_state ms;

	for (int i = 0; i < S->nhosts; i++) {
		host *s = &S->hosts[i];
		int port;
		long long epoch;

		if (s->kind != H_SENTINEL)
			continue;
		if (!sentinel_view(s, &port, &epoch))
			return NULL;
		if (m && m->port != port)
			return NULL;
		m = host_by_port(port);
		if (!m || !m->node)
			return NULL;
	}
	if (!m || !repl_state_of(m, &ms) || !ms.master)
		return NULL;
	for (int i = 0; i < S->nhosts; i++) {
		host *h = &S->hosts[i];
		repl_state st;

		if (h->kind != H_DATA || h == m)
			continue;
		if (!repl_state_of(h, &st) || st.master ||
		    st.master_port != m->port || !st.link_up)
			return NULL;
		if (in_sync && (st.offset != ms.offset ||
				strcmp(st.replid, ms.replid) != 0))
			return NULL;
	}
	return m;
}

static void describe_state(void)
{
	for (int i = 0; i < S->nhosts; i++) {
		host *h = &S->hosts[i];
		repl_state st;
		int port;
		long long epoch;

		if (!h->node)
			continue;
		if (h->kind == H_DATA && repl_state_of(h, &st))
			fprintf(stderr,
				"  %s: %s master_port=%d tlink=%s replid=%s "
				"offset=%lld keys=%lld\n",
				host_name(h), st.master ? "master" : "replica",
				st.master_port, st.link_up ? "up" : "down",
				st.replid, st.offset, dbsize_of(h));
		if (h->kind == H_SENTINEL && sentinel_view(h, &port, &epoch))
			fprintf(stderr, "  %s: master n%d epoch %lld\n",
				host_name(h), port - DATA_PORT, epoch);
	}
}

static bool has_key(const rkv_reply *keys, const rkv_reply *k)
{
	for (size_t i = 0; i < keys->count; i++)
		if (keys->elements[i]->len == k->len &&
		    memcmp(keys->elements[i]->str, k->str, k->len) == 0)
			return true;
	return false;
}

static int64_t epoch_clock(rkv_node *node, void *ud)
{
	(void)node;
	(void)ud;
	return 1000000; /* 1970: no TTL has passed */
}

static int probe_feed(const uint8_t *data, size_t len, void *ud)
{
	return rkv_loader_feed(ud, data, len) < 0 ? -1 : 0;
}

/* Every key of h, expired ones included: its snapshot loaded into a probe
 * node whose clock says 1970. Freed with rkv_reply_free(*probe, r). */
static rkv_reply *all_keys(host *h, rkv_node **probe)
{
	rkv_callbacks *cbs;
	rkv_options *opts;
	rkv_loader *ld = NULL;
	rkv_reply *r = NULL;
	const char *argv[] = {"KEYS", "*"};

	*probe = NULL;
	if (rkv_callbacks_new(&cbs) < 0)
		return NULL;
	rkv_callbacks_set_clock(cbs, epoch_clock);
	if (rkv_options_new(&opts) == 0) {
		if (rkv_node_new(probe, cbs, opts, NULL) == 0 &&
		    rkv_node_load_begin(*probe, &ld) == 0) {
			if (rkv_node_save(h->node, probe_feed, ld) == 0 &&
			    rkv_loader_end(ld) == 0)
				rkv_node_command(*probe, 0, 2, argv, NULL, &r);
			rkv_loader_free(ld);
		}
		rkv_options_free(opts);
	}
	rkv_callbacks_free(cbs);
	return r;
}

/* Print the keys one node has and the other lacks (a failure report). */
static void diff_keys(host *a, host *b)
{
	rkv_node *pa, *pb;
	rkv_reply *ka = all_keys(a, &pa), *kb = all_keys(b, &pb);
	int shown = 0;

	for (int pass = 0; pass < 2 && ka && kb; pass++) {
		rkv_reply *x = pass ? kb : ka, *y = pass ? ka : kb;
		host *hx = pass ? b : a, *hy = pass ? a : b;
		rkv_node *px = pass ? pb : pa;

		for (size_t i = 0; i < x->count && shown < 8; i++) {
			const char *argv[] = {"PEXPIRETIME",
					      x->elements[i]->str};
			rkv_reply *pt = NULL;

			if (has_key(y, x->elements[i]))
				continue;
			rkv_node_command(px, 0, 2, argv, NULL, &pt);
			fprintf(stderr,
				"  %s has %s (expires at %lld, now %lld), %s "
				"does not\n",
				host_name(hx), x->elements[i]->str,
				pt ? pt->integer : -9,
				(long long)(S->wall0_us / 1000 + S->now),
				host_name(hy));
			if (pt)
				rkv_reply_free(px, pt);
			shown++;
		}
	}
	if (ka)
		rkv_reply_free(pa, ka);
	if (kb)
		rkv_reply_free(pb, kb);
	rkv_node_free(pa);
	rkv_node_free(pb);
}

/* Every data node and the witness at the master's offset under its ID. */
static bool all_at_offset(host *m)
{
	repl_state ms, st;

	if (!repl_state_of(m, &ms) || !ms.master)
		return false;
	for (int i = 0; i < S->nhosts; i++) {
		host *h = &S->hosts[i];

		if ((h->kind != H_DATA && h->kind != H_WITNESS) || h == m)
			continue;
		if (!h->node || !repl_state_of(h, &st) || !st.link_up ||
		    st.offset != ms.offset || strcmp(st.replid, ms.replid) != 0)
			return false;
	}
	return true;
}

/* Invariants 1 and 3 at one instant with every offset equal: each
 * replica's digest, and a fresh node's fully synced from the master (what a
 * full resync gives), equal the master's. Returns the fresh node's memory,
 * 0 on failure. */
static size_t check_digests(host *m)
{
	host *w = add_host(H_WITNESS, DATA_PORT + 99);
	int64_t until = S->now + 30000;
	char md[64], d[64];

	set_conf(w,
		 "port %d\nsave \"\"\nrepl-backlog-size %lld\n"
		 "replicaof 127.0.0.1 %d\n",
		 w->port, S->backlog_size, m->port);
	node_start(w, false);
	while (S->now < until) {
		step();
		if (S->now % 37 == 0 && all_at_offset(m))
			break;
	}
	if (S->now >= until) {
		failf("invariant 3: a fresh replica of n%d and the others did "
		      "not reach one offset in 30 s",
		      m->port - DATA_PORT);
		describe_state();
		return 0;
	}
	if (!digest_of(m, md, sizeof(md))) {
		failf("DEBUG DIGEST failed on the master");
		return 0;
	}
	for (int i = 0; i < S->nhosts; i++) {
		host *h = &S->hosts[i];

		if ((h->kind != H_DATA && h->kind != H_WITNESS) || h == m)
			continue;
		if (!digest_of(h, d, sizeof(d)) || strcmp(d, md) != 0)
			failf("invariant %d: %s digest %s, master n%d has %s "
			      "(%lld vs %lld keys)",
			      h == w ? 3 : 1, host_name(h), d,
			      m->port - DATA_PORT, md, dbsize_of(h),
			      dbsize_of(m)),
			    diff_keys(h, m);
	}
	return S->failures ? 0 : w->mem;
}

/* Faults and the workload start once every replica is in sync and every
 * sentinel knows every replica and every other sentinel. */
static void warm_up(void)
{
	int64_t until = S->now + 60000;

	S->faults = false;
	while (S->now < until) {
		bool all = true;

		step();
		if (S->now % 100)
			continue;
		for (int i = 0; i < S->nhosts && all; i++) {
			int port, known;
			long long epoch;

			if (S->hosts[i].kind == H_SENTINEL)
				all = sentinel_view2(&S->hosts[i], &port,
						     &epoch, &known) &&
				      known == S->nodes - 1 + S->sentinels - 1;
		}
		if (all && converged(true)) {
			tracef("warmed up: faults and workload start");
			S->faults = true;
			for (int i = 0; i < S->clients; i++)
				S->cls[i].next_op_at = S->now;
			return;
		}
	}
	failf("warm-up: the sentinels did not learn the topology in 60 s");
	describe_state();
}

static void final_checks(void)
{
	host *m = NULL;
	int64_t until = S->now + QUIESCE_MS, stable_since = 0;
	host *last = NULL;
	size_t wmem;

	int64_t next = S->now;

	/* The topology holds still for 3 s, then every offset is equal (the
	 * master's PINGs move it: sampled at uneven instants). */
	while (S->now < until) {
		step();
		if (S->now < next)
			continue;
		next = S->now + 100 + (int64_t)prng_below(&S->rng, 400);
		m = converged(false);
		if (m != last || !m)
			stable_since = S->now;
		last = m;
		if (m && S->now - stable_since >= 3000 && converged(true))
			break;
	}
	if (!m || S->now >= until) {
		failf("after healing, no single master with every replica in "
		      "sync within %d s",
		      QUIESCE_MS / 1000);
		describe_state();
		return;
	}
	tracef("quiescent: master n%d", m->port - DATA_PORT);
	/* Invariant 5: every write WAIT acknowledged from every replica. */
	for (size_t i = 0; i < S->nacks; i++) {
		acked *a = &S->acks[i];
		rkv_reply *r;

		if (a->exempt)
			continue;
		r = CMD(m, "GET", a->key);
		if (!r || r->type != RKV_REPLY_STRING || strcmp(r->str, a->val))
			failf("invariant 5: %s (acknowledged at t=%" PRId64
			      ") is lost on master n%d",
			      a->key, a->at, m->port - DATA_PORT);
		if (r)
			rkv_reply_free(m->node, r);
	}
	/* Invariants 1, 3 and 6. */
	wmem = check_digests(m);
	for (int i = 0; wmem && i < S->nhosts; i++) {
		host *h = &S->hosts[i];
		size_t bound = wmem + (size_t)S->backlog_size + (2u << 20);

		if (h->kind == H_DATA && h->mem > bound)
			failf(
			    "invariant 6: %s holds %zu bytes at rest, a fresh "
			    "replica %zu (bound %zu)",
			    host_name(h), h->mem, wmem, bound);
		if (h->kind == H_SENTINEL && h->mem > (4u << 20))
			failf("invariant 6: sentinel %s holds %zu bytes",
			      host_name(h), h->mem);
	}
	for (int i = 0; i < S->link_hi; i++) {
		tlink *l = &S->links[i];

		for (int s = 0; s < 2 && l->used; s++)
			if (l->conn[s] &&
			    rkv_conn_pending_output(l->conn[s]) > (1u << 20))
				failf("invariant 6: %zu bytes pending on a "
				      "connection of %s at rest",
				      rkv_conn_pending_output(l->conn[s]),
				      host_name(l->h[s]));
	}
}

static void world_free(void)
{
	for (int i = 0; i < S->nhosts; i++) {
		host *h = &S->hosts[i];

		if (h->node) {
			for (int j = 0; j < MAX_LINKS; j++)
				for (int s = 0; s < 2; s++)
					if (S->links[j].h[s] == h)
						S->links[j].conn[s] = NULL;
			h->dying = true;
			rkv_node_free(h->node);
			h->node = NULL;
			if (h->mem)
				failf("%s: %zu bytes still allocated after "
				      "rkv_node_free",
				      host_name(h), h->mem);
		}
		free(h->conf);
		free(h->snap);
	}
	for (int i = 0; i < S->link_hi; i++)
		for (int d = 0; d < 2; d++)
			while (S->links[i].head[d]) {
				net_msg *m = S->links[i].head[d];

				S->links[i].head[d] = m->next;
				free(m->data);
				free(m);
			}
	free(S->acks);
	free(S->obs);
}

/* ------------------------------------------------------------------------ */
/* Main                                                                     */
/* ------------------------------------------------------------------------ */

static char repro[256];

static void on_fatal(int sig)
{
	/* write(2) only: a crash inside the library (invariant 7). */
	ssize_t rc = write(2, "\nrkv-sim: fatal signal; reproduce with:\n", 40);

	rc = write(2, repro, strlen(repro));
	(void)rc;
	signal(sig, SIG_DFL);
	raise(sig);
}

static int run_one(sim *s)
{
	S = s;
	prng_seed(&s->rng, s->seed);
	s->hash = 0xcbf29ce484222325ULL;
	world_init();
	warm_up();
	for (int64_t i = 0; i < s->steps && !s->failures; i++)
		step();
	if (!s->failures) {
		heal_all();
		final_checks();
	}
	if (s->failures) {
		fprintf(stderr,
			"seed %" PRIu64 " FAILED: %s\n  last trace lines:\n",
			s->seed, s->first_failure);
		for (int i = 0; i < 64; i++) {
			const char *line = s->tracebuf[(s->tracepos + i) % 64];

			if (line[0])
				fprintf(stderr, "    %s\n", line);
		}
		fprintf(stderr, "  trace-hash %016" PRIx64 "\n%s", s->hash,
			repro);
	}
	world_free();
	return s->failures ? 1 : 0;
}

static void usage(void)
{
	fprintf(
	    stderr,
	    "usage: rkv-sim --seed S [--steps N] [--nodes 3] [--sentinels 3] "
	    "[--clients 3] [--count C] [--trace] [--quiet]\n"
	    "       rkv-sim --replay FILE   (one set of arguments per line)\n");
	exit(2);
}

static long long arg_ll(const char *v, long long lo, long long hi)
{
	char *endp;
	long long n;

	if (!v)
		usage();
	n = strtoll(v, &endp, 10);
	if (*endp || n < lo || n > hi) {
		fprintf(stderr, "rkv-sim: bad number '%s' (%lld..%lld)\n", v,
			lo, hi);
		exit(2);
	}
	return n;
}

typedef struct run_args {
	long long seed, count, steps, nodes, sentinels, clients;
	bool trace, quiet, twice;
	const char *replay;
} run_args;

static void parse_args(int argc, char **argv, run_args *ra)
{
	*ra = (run_args){.seed = -1,
			 .count = 1,
			 .steps = 20000,
			 .nodes = 3,
			 .sentinels = 3,
			 .clients = 3};
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "--seed"))
			ra->seed = arg_ll(v, 0, INT64_MAX), i++;
		else if (!strcmp(a, "--steps"))
			ra->steps = arg_ll(v, 0, 100000000), i++;
		else if (!strcmp(a, "--nodes"))
			ra->nodes = arg_ll(v, 2, MAX_NODES), i++;
		else if (!strcmp(a, "--sentinels"))
			ra->sentinels = arg_ll(v, 1, MAX_SENTINELS), i++;
		else if (!strcmp(a, "--clients"))
			ra->clients = arg_ll(v, 0, MAX_CLIENTS), i++;
		else if (!strcmp(a, "--count"))
			ra->count = arg_ll(v, 1, 100000000), i++;
		else if (!strcmp(a, "--replay") && v)
			ra->replay = v, i++;
		else if (!strcmp(a, "--trace"))
			ra->trace = true;
		else if (!strcmp(a, "--quiet"))
			ra->quiet = true;
		else if (!strcmp(a, "--twice"))
			ra->twice = true;
		else
			usage();
	}
	if (ra->seed < 0 && !ra->replay)
		usage();
}

/* --twice: the same seed again gives the same trace hash. */
static bool same_again(const sim *s)
{
	sim *again = xcalloc(1, sizeof(*again));
	bool same;

	again->seed = s->seed;
	again->steps = s->steps;
	again->nodes = s->nodes;
	again->sentinels = s->sentinels;
	again->clients = s->clients;
	again->quorum = s->quorum;
	again->quiet = true;
	again->trace = s->trace;
	same = run_one(again) == 0 && again->hash == s->hash;
	if (!same)
		fprintf(stderr,
			"seed %" PRIu64
			" FAILED: not deterministic: trace-hash "
			"%016" PRIx64 ", then %016" PRIx64 "\n%s",
			s->seed, s->hash, again->hash, repro);
	free(again);
	S = (sim *)s;
	return same;
}

/* Run ra's seeds; returns how many failed. */
static int run_seeds(const run_args *ra)
{
	int failed = 0;

	for (long long k = 0; k < ra->count; k++) {
		sim *s = xcalloc(1, sizeof(*s));

		s->seed = (uint64_t)(ra->seed + k);
		s->steps = ra->steps;
		s->nodes = (int)ra->nodes;
		s->sentinels = (int)ra->sentinels;
		s->clients = (int)ra->clients;
		s->quorum = (int)ra->sentinels / 2 + 1;
		s->trace = ra->trace;
		s->quiet = ra->quiet;
		snprintf(repro, sizeof(repro),
			 "reproduce: rkv-sim --seed %" PRIu64
			 " --steps %lld --nodes %lld --sentinels %lld "
			 "--clients %lld --trace\n",
			 s->seed, ra->steps, ra->nodes, ra->sentinels,
			 ra->clients);
		if (run_one(s)) {
			failed++;
		} else if (ra->twice && !same_again(s)) {
			failed++;
		} else if (!ra->quiet || ra->count == 1) {
			printf(
			    "seed %" PRIu64 ": ok, %lld ops (%lld done, %lld "
			    "WAITs), %zu acknowledged by every replica (%lld "
			    "exempt; %lld restarts lacked one), %lld "
			    "failovers, "
			    "%lld full and %lld partial resyncs, %lld crashes, "
			    "%lld sentinel crashes, %lld partitions, %lld "
			    "resets, %lld pauses, %lld stalls; trace-hash "
			    "%016" PRIx64 "\n",
			    s->seed, s->ops, s->ops_ok, s->waits, s->nacks,
			    s->exempt, s->amnesia, s->failovers, s->full_syncs,
			    s->partial_syncs, s->crashes, s->sentinel_crashes,
			    s->partitions, s->resets, s->pauses, s->stalls,
			    s->hash);
		}
		free(s);
	}
	if (ra->count > 1)
		printf("%lld seeds from %lld: %lld passed, %d failed\n",
		       ra->count, ra->seed, ra->count - failed, failed);
	return failed;
}

/* --replay FILE: each line holds one run's arguments; '#' starts a
 * comment (the bug the line's seed found). */
static int replay(const char *path)
{
	FILE *f = fopen(path, "r");
	char line[1024];
	int failed = 0, runs = 0;

	if (!f) {
		fprintf(stderr, "rkv-sim: cannot open %s\n", path);
		exit(2);
	}
	while (fgets(line, sizeof(line), f)) {
		char *argv[32], *save = NULL, *hash = strchr(line, '#');
		int argc = 0;
		run_args ra;

		if (hash)
			*hash = '\0';
		for (char *t = strtok_r(line, " \t\r\n", &save); t && argc < 32;
		     t = strtok_r(NULL, " \t\r\n", &save))
			argv[argc++] = t;
		if (!argc)
			continue;
		parse_args(argc, argv, &ra);
		if (ra.replay)
			usage();
		failed += run_seeds(&ra);
		runs++;
	}
	fclose(f);
	printf("%s: %d lines replayed, %d failed\n", path, runs, failed);
	return failed;
}

int main(int argc, char **argv)
{
	run_args ra;
	int failed;

	parse_args(argc - 1, argv + 1, &ra);
	signal(SIGSEGV, on_fatal);
	signal(SIGABRT, on_fatal);
	signal(SIGBUS, on_fatal);
	signal(SIGFPE, on_fatal);
	setvbuf(stdout, NULL, _IOLBF, 0);
	failed = ra.replay ? replay(ra.replay) : run_seeds(&ra);
	return failed ? 1 : 0;
}
