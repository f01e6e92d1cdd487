/* resp_bench: rkv's RESP request parser and reply tokenizer against the
 * hiredis reader, on the same bytes, delivered in the same chunks.
 *
 * Workloads (each a pipelined buffer of --size-mb MB, built once):
 *   SET-16     *3 SET <16-byte key> <16-byte value>           (requests)
 *   SET-1024   *3 SET <16-byte key> <1024-byte value>         (requests)
 *   MIX        60% GET <key>, 40% SET <key> <16..1024 bytes>  (requests)
 *   REPLY-MIX  +OK, $16 bulks, :<int>, $-1, *3 of $16 bulks   (replies)
 *   REPLY-1024 $1024 bulks                                    (replies)
 *
 * Each buffer is cut into --chunk byte pieces (16 KB, Redis's PROTO_IOBUF_LEN:
 * what one read() of a busy socket gives) and fed to
 *   rkv      through a query buffer handled exactly as lib/node.c's
 *            rkv_conn_recv() does: a chunk is parsed in place while nothing is
 *            pending; an incomplete tail is copied to the query buffer
 *            (rkv_buf), later chunks are appended to it and parsed there, and
 *            parsed bytes are consumed from its front (--rkv-host min-copy
 *            measures an alternative host that copies only what completes a
 *            pending request);
 *   hiredis  through redisReaderFeed() + redisReaderGetReply() +
 *            freeReplyObject() (a request is an array of bulks: hiredis parses
 *            it as it would a reply).
 * Every parsed request / token / reply object is folded into a checksum
 * (counts, lengths, first bytes, integers) that must equal the one computed
 * while generating the buffer; a mismatch aborts.
 *
 * Each workload is timed --rounds times per side (order alternating), and the
 * median is reported. Exit status is 0 unless the bench itself failed
 * (bad usage, out of memory, wrong results): whether the rkv/hiredis ratios
 * meet their targets is printed, not enforced. */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* resp.h brings lib/buf.h and lib/alloc.h (rkv_default_allocator). Those are
 * included from lib/ itself, so hiredis's own alloc.h (its include directory
 * is on the path too) cannot shadow rkv's. */
#include "resp.h"

#include <hiredis/hiredis.h>

#define MAX_ROUNDS 101
#define KEY_LEN	   16
#define POOL_LEN   (1 << 16)

/* ---------------------------------------------------------------------- */
/* Helpers                                                                */
/* ---------------------------------------------------------------------- */

static void die(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), noreturn));

static void die(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs("resp_bench: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* xorshift64*: deterministic, so every run builds the same bytes. */
static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t rnd(void)
{
	uint64_t x = rng_state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	rng_state = x;
	return x * 0x2545f4914f6cdd1dULL;
}

static uint64_t rnd_below(uint64_t n)
{
	return (rnd() >> 11) % n;
}

/* Random printable bytes that values are cut from. */
static char value_pool[POOL_LEN + 1024];

static void pool_init(void)
{
	static const char alpha[] =
	    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

	for (size_t i = 0; i < sizeof(value_pool); i++)
		value_pool[i] = alpha[rnd_below(sizeof(alpha) - 1)];
}

/* ---------------------------------------------------------------------- */
/* Checksums: both sides fold what they parsed into the same numbers      */
/* ---------------------------------------------------------------------- */

typedef struct acc {
	uint64_t items; /* requests, or top-level replies */
	uint64_t nodes; /* arguments, or reply elements (aggregates included) */
	uint64_t sum;
} acc;

static inline uint64_t first_byte(const char *s, size_t len)
{
	return len ? (unsigned char)s[0] : 0;
}

/* Request: argc, then each argument's length and first byte. */
static inline void acc_request_argc(acc *a, size_t argc)
{
	a->items++;
	a->sum += argc;
}

static inline void acc_request_arg(acc *a, const char *s, size_t len)
{
	a->nodes++;
	a->sum += len + first_byte(s, len);
}

/* Reply elements, one value per kind (RESP2 only: what hiredis 0.14 reads). */
static inline void acc_status(acc *a, const char *s, size_t len)
{
	a->nodes++;
	a->sum += 1 + len + first_byte(s, len);
}

static inline void acc_error(acc *a, const char *s, size_t len)
{
	a->nodes++;
	a->sum += 8 + len + first_byte(s, len);
}

static inline void acc_integer(acc *a, long long v)
{
	a->nodes++;
	a->sum += 2 + (uint64_t)v;
}

static inline void acc_bulk(acc *a, const char *s, size_t len)
{
	a->nodes++;
	a->sum += 3 + len + first_byte(s, len);
}

static inline void acc_nil(acc *a)
{
	a->nodes++;
	a->sum += 5;
}

static inline void acc_array(acc *a, long long n)
{
	a->nodes++;
	a->sum += 6 + (uint64_t)n;
}

static bool acc_eq(const acc *x, const acc *y)
{
	return x->items == y->items && x->nodes == y->nodes && x->sum == y->sum;
}

/* ---------------------------------------------------------------------- */
/* Workload generation                                                    */
/* ---------------------------------------------------------------------- */

typedef struct gbuf {
	char *p;
	size_t len, cap;
} gbuf;

static char *gb_room(gbuf *g, size_t n)
{
	if (g->cap - g->len < n) {
		size_t cap = g->cap ? g->cap : 1 << 20;
		char *p;

		while (cap - g->len < n)
			cap *= 2;
		p = realloc(g->p, cap);
		if (!p)
			die("out of memory building a workload (%zu bytes)",
			    cap);
		g->p = p;
		g->cap = cap;
	}
	return g->p + g->len;
}

static void gb_put(gbuf *g, const void *s, size_t n)
{
	memcpy(gb_room(g, n), s, n);
	g->len += n;
}

static void gb_str(gbuf *g, const char *s)
{
	gb_put(g, s, strlen(s));
}

/* "<type><n>\r\n" */
static void gb_hdr(gbuf *g, char type, long long n)
{
	char tmp[32];
	int k = snprintf(tmp, sizeof(tmp), "%c%lld\r\n", type, n);

	gb_put(g, tmp, (size_t)k);
}

static void gb_bulk(gbuf *g, const char *s, size_t len)
{
	gb_hdr(g, '$', (long long)len);
	gb_put(g, s, len);
	gb_put(g, "\r\n", 2);
}

/* "key:" + 12 digits. */
static void make_key(char key[KEY_LEN])
{
	uint64_t v = rnd_below(1000000000000ULL);

	memcpy(key, "key:", 4);
	for (int i = KEY_LEN - 1; i >= 4; i--, v /= 10)
		key[i] = (char)('0' + v % 10);
}

static const char *make_value(size_t len)
{
	(void)len; /* the pool has 1024 bytes of slack past POOL_LEN */
	return value_pool + rnd_below(POOL_LEN);
}

typedef struct workload {
	const char *name;
	const char *what;
	bool reply;    /* replies (rkv_reply_next) rather than requests */
	double target; /* rkv/hiredis speed ratio wanted; 0: none */
	char *buf;
	size_t len;
	acc expect;
	double t_rkv[MAX_ROUNDS], t_hi[MAX_ROUNDS];
	int n_rkv, n_hi;
	/* rkv's query buffer on its last pass: see recv_stats. */
	uint64_t st_in_place, st_queued, st_copied;
} workload;

/* One request of argc arguments. */
static void gen_request(gbuf *g, acc *e, size_t argc, const char **argv,
			const size_t *lens)
{
	gb_hdr(g, '*', (long long)argc);
	acc_request_argc(e, argc);
	for (size_t i = 0; i < argc; i++) {
		gb_bulk(g, argv[i], lens[i]);
		acc_request_arg(e, argv[i], lens[i]);
	}
}

static void gen_set(gbuf *g, acc *e, size_t vlen)
{
	char key[KEY_LEN];
	const char *argv[3] = {"SET", key, make_value(vlen)};
	size_t lens[3] = {3, KEY_LEN, vlen};

	make_key(key);
	gen_request(g, e, 3, argv, lens);
}

static void gen_get(gbuf *g, acc *e)
{
	char key[KEY_LEN];
	const char *argv[2] = {"GET", key};
	size_t lens[2] = {3, KEY_LEN};

	make_key(key);
	gen_request(g, e, 2, argv, lens);
}

/* A value length in 16..1024, log-uniform: small values are the common case,
 * as in caches and session stores. */
static size_t mix_value_len(void)
{
	size_t lo = (size_t)16 << rnd_below(6); /* 16 .. 512 */

	return lo + rnd_below(lo + 1); /* lo .. 2*lo: 16 .. 1024 */
}

enum { W_SET16, W_SET1024, W_MIX, W_REPLY_MIX, W_REPLY_1024, W_COUNT };

static void gen_workload(workload *w, int kind, size_t size)
{
	gbuf g = {0};
	acc *e = &w->expect;

	memset(e, 0, sizeof(*e));
	while (g.len < size) {
		switch (kind) {
		case W_SET16:
			gen_set(&g, e, 16);
			break;
		case W_SET1024:
			gen_set(&g, e, 1024);
			break;
		case W_MIX:
			if (rnd_below(100) < 60)
				gen_get(&g, e);
			else
				gen_set(&g, e, mix_value_len());
			break;
		case W_REPLY_MIX: {
			uint64_t r = rnd_below(100);

			e->items++;
			if (r < 30) { /* SET */
				gb_str(&g, "+OK\r\n");
				acc_status(e, "OK", 2);
			} else if (r < 60) { /* GET hit */
				const char *v = make_value(16);

				gb_bulk(&g, v, 16);
				acc_bulk(e, v, 16);
			} else if (r < 75) { /* INCR, DEL, EXISTS... */
				long long n = (long long)rnd_below(1000000);

				gb_hdr(&g, ':', n);
				acc_integer(e, n);
			} else if (r < 85) { /* GET miss */
				gb_str(&g, "$-1\r\n");
				acc_nil(e);
			} else { /* MGET k1 k2 k3 */
				gb_str(&g, "*3\r\n");
				acc_array(e, 3);
				for (int i = 0; i < 3; i++) {
					const char *v = make_value(16);

					gb_bulk(&g, v, 16);
					acc_bulk(e, v, 16);
				}
			}
			break;
		}
		case W_REPLY_1024: {
			const char *v = make_value(1024);

			e->items++;
			gb_bulk(&g, v, 1024);
			acc_bulk(e, v, 1024);
			break;
		}
		}
	}
	w->buf = g.p;
	w->len = g.len;
}

/* ---------------------------------------------------------------------- */
/* rkv side                                                               */
/* ---------------------------------------------------------------------- */

/* lib/node.c's conn_process() minus the command execution: parse the
 * complete requests in in[0..len), return the bytes used. `stop`: return as
 * soon as that many bytes are used (SIZE_MAX: never; only the min-copy host
 * sets it). */
static size_t rkv_req_process(void *parser, const char *in, size_t len,
			      size_t stop, acc *a)
{
	rkv_req_parser *p = parser;
	size_t off = 0;

	for (;;) {
		size_t used;
		int r = rkv_req_parse(p, in + off, len - off, &used);

		off += used;
		if (r == RKV_RESP_DONE) {
			acc_request_argc(a, p->argc);
			for (size_t i = 0; i < p->argc; i++)
				acc_request_arg(a, p->argv[i].ptr,
						p->argv[i].len);
			if (off >= stop)
				return off;
			continue;
		}
		if (r != RKV_RESP_AGAIN)
			die("rkv_req_parse failed: %d (%s)", r,
			    p->errmsg ? p->errmsg : "?");
		return off;
	}
}

/* Same for replies: the complete tokens in in[0..len). */
static size_t rkv_reply_process(void *parser, const char *in, size_t len,
				size_t stop, acc *a)
{
	rkv_reply_parser *p = parser;
	size_t off = 0;

	for (;;) {
		rkv_resp_token t;
		size_t used;
		int r = rkv_reply_next(p, in + off, len - off, &used, &t);

		off += used;
		if (r != RKV_RESP_DONE) {
			if (r != RKV_RESP_AGAIN)
				die("rkv_reply_next failed: %d (%s)", r,
				    p->errmsg ? p->errmsg : "?");
			return off;
		}
		switch (t.type) {
		case RKV_RESP_STATUS:
			acc_status(a, t.str.ptr, t.str.len);
			break;
		case RKV_RESP_ERROR:
			acc_error(a, t.str.ptr, t.str.len);
			break;
		case RKV_RESP_INTEGER:
			acc_integer(a, t.n);
			break;
		case RKV_RESP_BULK:
			if (t.n < 0)
				acc_nil(a);
			else
				acc_bulk(a, t.str.ptr, t.str.len);
			break;
		case RKV_RESP_ARRAY:
			if (t.n < 0)
				acc_nil(a);
			else
				acc_array(a, t.n);
			break;
		default:
			die("unexpected reply type '%c'", (char)t.type);
		}
		if (t.end)
			a->items++;
		if (off >= stop)
			return off;
	}
}

typedef size_t (*process_fn)(void *parser, const char *in, size_t len,
			     size_t stop, acc *a);

/* How the host treats its query buffer. */
enum {
	/* Exactly lib/node.c's rkv_conn_recv(): while bytes are pending, each
	 * new chunk is appended whole to the query buffer and parsed there. */
	HOST_NODE,
	/* An alternative measured for comparison (--rkv-host min-copy): while
	 * bytes are pending, append the new chunk in growing pieces (256 B,
	 * 512 B, ...) only until the pending request is complete, then parse
	 * the rest of the chunk in place. */
	HOST_MIN_COPY,
};

static int rkv_host = HOST_NODE;

/* --read-copy: a chunk-sized buffer each chunk is first copied into, as read()
 * copies socket data into the program's buffer (leaving it in the cache);
 * NULL: the parsers read the chunks where they were generated. */
static char *read_buf;

/* Where the chunk at buf[0..n) is handed over from. */
static inline const char *deliver(const char *buf, size_t n)
{
	if (!read_buf)
		return buf;
	memcpy(read_buf, buf, n);
	return read_buf;
}

/* How rkv's chunks were handled (filled in on every pass, printed once). */
typedef struct recv_stats {
	uint64_t in_place; /* chunks that arrived with nothing pending */
	uint64_t queued;   /* chunks that arrived with a request pending */
	uint64_t copied;   /* bytes copied into the query buffer */
} recv_stats;

static recv_stats rkv_stats;

static inline void qb_append(rkv_buf *qb, const char *data, size_t n)
{
	rkv_buf_append(qb, data, n);
	if (qb->oom)
		die("out of memory in the query buffer");
	rkv_stats.copied += n;
}

/* Parse in place, keep the incomplete tail. */
static inline __attribute__((always_inline)) void
recv_in_place(rkv_buf *qb, const char *data, size_t n, process_fn process,
	      void *parser, acc *a)
{
	size_t used = process(parser, data, n, SIZE_MAX, a);

	if (used < n)
		qb_append(qb, data + used, n - used);
}

/* The host's side of rkv_conn_recv(): one chunk arrives. `qb` is the
 * connection's query buffer. */
static inline __attribute__((always_inline)) void
rkv_recv(rkv_buf *qb, const char *data, size_t n, process_fn process,
	 void *parser, acc *a)
{
	size_t used, pending, taken, step;

	if (qb->len == 0) {
		rkv_stats.in_place++;
		recv_in_place(qb, data, n, process, parser, a);
		return;
	}
	rkv_stats.queued++;
	if (rkv_host == HOST_NODE) {
		qb_append(qb, data, n);
		used = process(parser, rkv_buf_head(qb), qb->len, SIZE_MAX, a);
		if (used > 0)
			rkv_buf_consume(qb, used);
		return;
	}
	/* HOST_MIN_COPY */
	pending = qb->len;
	for (taken = 0, step = 256;; step *= 2) {
		size_t k = n - taken < step ? n - taken : step;

		qb_append(qb, data + taken, k);
		taken += k;
		used = process(parser, rkv_buf_head(qb), qb->len, pending, a);
		if (used >= pending) {
			/* The pending bytes are done with; what is left in the
			 * query buffer is data[used - pending .. taken): parse
			 * from the chunk itself instead. */
			size_t at = used - pending;

			rkv_buf_consume(qb, qb->len);
			recv_in_place(qb, data + at, n - at, process, parser,
				      a);
			return;
		}
		rkv_buf_consume(qb, used);
		pending -= used;
		if (taken == n)
			return;
	}
}

/* Kept out of line so a profiler can single them out
 * (valgrind --toggle-collect='bench_rkv_*'). */
__attribute__((noinline)) static void
bench_rkv_requests(const char *buf, size_t len, size_t chunk, acc *a)
{
	rkv_req_parser p;
	rkv_buf qb;

	rkv_req_parser_init(&p, rkv_default_allocator());
	rkv_buf_init(&qb, rkv_default_allocator());
	for (size_t off = 0; off < len;) {
		size_t n = len - off < chunk ? len - off : chunk;

		rkv_recv(&qb, deliver(buf + off, n), n, rkv_req_process, &p, a);
		off += n;
	}
	if (qb.len)
		die("rkv: %zu bytes left unparsed", qb.len);
	rkv_buf_free(&qb);
	rkv_req_parser_free(&p);
}

__attribute__((noinline)) static void
bench_rkv_replies(const char *buf, size_t len, size_t chunk, acc *a)
{
	rkv_reply_parser p;
	rkv_buf qb;

	rkv_reply_parser_init(&p);
	rkv_buf_init(&qb, rkv_default_allocator());
	for (size_t off = 0; off < len;) {
		size_t n = len - off < chunk ? len - off : chunk;

		rkv_recv(&qb, deliver(buf + off, n), n, rkv_reply_process, &p,
			 a);
		off += n;
	}
	if (qb.len || !rkv_reply_parser_idle(&p))
		die("rkv: %zu bytes left unparsed", qb.len);
	rkv_buf_free(&qb);
}

/* ---------------------------------------------------------------------- */
/* hiredis side                                                           */
/* ---------------------------------------------------------------------- */

static void hi_walk(const redisReply *r, acc *a)
{
	switch (r->type) {
	case REDIS_REPLY_STATUS:
		acc_status(a, r->str, r->len);
		break;
	case REDIS_REPLY_ERROR:
		acc_error(a, r->str, r->len);
		break;
	case REDIS_REPLY_INTEGER:
		acc_integer(a, r->integer);
		break;
	case REDIS_REPLY_STRING:
		acc_bulk(a, r->str, r->len);
		break;
	case REDIS_REPLY_NIL:
		acc_nil(a);
		break;
	case REDIS_REPLY_ARRAY:
		acc_array(a, (long long)r->elements);
		for (size_t i = 0; i < r->elements; i++)
			hi_walk(r->element[i], a);
		break;
	default:
		die("unexpected hiredis reply type %d", r->type);
	}
}

/* One reader for the whole buffer, as one connection. `requests`: fold the
 * arrays as requests (argc + arguments) rather than as replies. */
__attribute__((noinline)) static void
bench_hiredis(const char *buf, size_t len, size_t chunk, bool requests, acc *a)
{
	redisReader *rd = redisReaderCreate();

	if (!rd)
		die("redisReaderCreate failed");
	for (size_t off = 0; off < len;) {
		size_t n = len - off < chunk ? len - off : chunk;
		void *obj;

		if (redisReaderFeed(rd, deliver(buf + off, n), n) != REDIS_OK)
			die("redisReaderFeed: %s", rd->errstr);
		off += n;
		for (;;) {
			const redisReply *r;

			if (redisReaderGetReply(rd, &obj) != REDIS_OK)
				die("redisReaderGetReply: %s", rd->errstr);
			if (!obj)
				break;
			r = obj;
			if (requests) {
				if (r->type != REDIS_REPLY_ARRAY)
					die("hiredis: a request that is not an "
					    "array");
				acc_request_argc(a, r->elements);
				for (size_t i = 0; i < r->elements; i++)
					acc_request_arg(a, r->element[i]->str,
							r->element[i]->len);
			} else {
				a->items++;
				hi_walk(r, a);
			}
			freeReplyObject(obj);
		}
	}
	/* (ridx is not checked: after a last GetReply that found no data,
	 * hiredis leaves an empty item open.) */
	if (rd->len - rd->pos)
		die("hiredis: %zu bytes left unparsed", rd->len - rd->pos);
	redisReaderFree(rd);
}

/* ---------------------------------------------------------------------- */
/* Driver                                                                 */
/* ---------------------------------------------------------------------- */

enum { SIDE_RKV = 1, SIDE_HIREDIS = 2 };

static void check(const workload *w, const acc *got, const char *side)
{
	if (!acc_eq(got, &w->expect))
		die("%s on %s: parsed %llu items / %llu nodes / sum %llu, "
		    "generated %llu / %llu / %llu",
		    side, w->name, (unsigned long long)got->items,
		    (unsigned long long)got->nodes,
		    (unsigned long long)got->sum,
		    (unsigned long long)w->expect.items,
		    (unsigned long long)w->expect.nodes,
		    (unsigned long long)w->expect.sum);
}

static void run_side(workload *w, int side, size_t chunk)
{
	acc a = {0};
	double t0, t;

	memset(&rkv_stats, 0, sizeof(rkv_stats));
	t0 = now();
	if (side == SIDE_RKV) {
		if (w->reply)
			bench_rkv_replies(w->buf, w->len, chunk, &a);
		else
			bench_rkv_requests(w->buf, w->len, chunk, &a);
	} else {
		bench_hiredis(w->buf, w->len, chunk, !w->reply, &a);
	}
	t = now() - t0;
	check(w, &a, side == SIDE_RKV ? "rkv" : "hiredis");
	if (side == SIDE_RKV) {
		w->t_rkv[w->n_rkv++] = t;
		w->st_in_place = rkv_stats.in_place;
		w->st_queued = rkv_stats.queued;
		w->st_copied = rkv_stats.copied;
	} else {
		w->t_hi[w->n_hi++] = t;
	}
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(double *v, int n)
{
	if (n == 0)
		return 0;
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void usage(FILE *f)
{
	static const char text[] =
	    "usage: resp_bench [options]\n"
	    "  --size-mb N      MB per workload buffer (default 64)\n"
	    "  --rounds N       timed rounds per side (default 7)\n"
	    "  --chunk BYTES    bytes per simulated read() (default 16384)\n"
	    "  --only SIDE      rkv, hiredis or both (default both)\n"
	    "  --workload LIST  comma-separated subset of\n"
	    "                   SET-16,SET-1024,MIX,REPLY-MIX,REPLY-1024\n"
	    "  --rkv-host MODE  node: query buffer as lib/node.c (default)\n"
	    "                   min-copy: copy only what completes a pending\n"
	    "                   request, parse the rest in place\n"
	    "  --read-copy 0|1  1: copy each chunk into a read buffer first, "
	    "as\n"
	    "                   read() would (both sides; default 0)\n"
	    "  --help\n";

	fputs(text, f);
}

static long long parse_num(const char *opt, const char *s, long long lo,
			   long long hi)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi)
		die("%s: expected a number in %lld..%lld, got '%s'", opt, lo,
		    hi, s);
	return v;
}

static bool in_list(const char *list, const char *name)
{
	size_t n = strlen(name);

	for (const char *s = list; *s;) {
		const char *e = strchr(s, ',');
		size_t k = e ? (size_t)(e - s) : strlen(s);

		if (k == n && strncmp(s, name, n) == 0)
			return true;
		s += k + (e ? 1 : 0);
	}
	return false;
}

int main(int argc, char **argv)
{
	workload ws[W_COUNT] = {
	    [W_SET16] = {.name = "SET-16",
			 .what = "SET, 16-byte key and value",
			 .target = 3.0},
	    [W_SET1024] = {.name = "SET-1024",
			   .what = "SET, 16-byte key, 1024-byte value",
			   .target = 2.0},
	    [W_MIX] = {.name = "MIX",
		       .what = "60% GET / 40% SET, values 16..1024 B"},
	    [W_REPLY_MIX] = {.name = "REPLY-MIX",
			     .reply = true,
			     .what = "+OK $16 :int $-1 *3-of-$16"},
	    [W_REPLY_1024] = {.name = "REPLY-1024",
			      .reply = true,
			      .what = "$1024 bulks"},
	};
	long long size_mb = 64, rounds = 7, chunk = 16384, read_copy = 0;
	int sides = SIDE_RKV | SIDE_HIREDIS;
	const char *only_w = NULL;
	bool sel[W_COUNT];
	int met = 0, missed = 0;

	for (int i = 1; i < argc; i++) {
		const char *o = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(o, "--help") || !strcmp(o, "-h")) {
			usage(stdout);
			return 0;
		}
		if (!v) {
			usage(stderr);
			die("%s: unknown option or missing value", o);
		}
		i++;
		if (!strcmp(o, "--size-mb")) {
			size_mb = parse_num(o, v, 1, 4096);
		} else if (!strcmp(o, "--rounds")) {
			rounds = parse_num(o, v, 1, MAX_ROUNDS);
		} else if (!strcmp(o, "--chunk")) {
			chunk = parse_num(o, v, 1, 1LL << 30);
		} else if (!strcmp(o, "--only")) {
			if (!strcmp(v, "rkv"))
				sides = SIDE_RKV;
			else if (!strcmp(v, "hiredis"))
				sides = SIDE_HIREDIS;
			else if (!strcmp(v, "both"))
				sides = SIDE_RKV | SIDE_HIREDIS;
			else
				die("--only: rkv, hiredis or both");
		} else if (!strcmp(o, "--rkv-host")) {
			if (!strcmp(v, "node"))
				rkv_host = HOST_NODE;
			else if (!strcmp(v, "min-copy"))
				rkv_host = HOST_MIN_COPY;
			else
				die("--rkv-host: node or min-copy");
		} else if (!strcmp(o, "--read-copy")) {
			read_copy = parse_num(o, v, 0, 1);
		} else if (!strcmp(o, "--workload")) {
			only_w = v;
		} else {
			usage(stderr);
			die("unknown option %s", o);
		}
	}
	for (int k = 0; k < W_COUNT; k++)
		sel[k] = !only_w || in_list(only_w, ws[k].name);
	if (only_w) {
		int any = 0;

		for (int k = 0; k < W_COUNT; k++)
			any += sel[k];
		if (!any)
			die("--workload: none of '%s' is a workload", only_w);
	}

	printf("resp_bench: rkv RESP parsers vs hiredis %d.%d.%d reader\n",
	       HIREDIS_MAJOR, HIREDIS_MINOR, HIREDIS_PATCH);
	printf("buffers %lld MB, chunks %lld B, %lld rounds per side (median), "
	       "rkv host %s, read-copy %s, compiler %s%s\n",
	       size_mb, chunk, rounds,
	       rkv_host == HOST_NODE ? "node.c" : "min-copy",
	       read_copy ? "on" : "off", __VERSION__,
#ifdef __OPTIMIZE__
	       ""
#else
	       " [NOT OPTIMIZED: numbers are meaningless]"
#endif
	);

	if (read_copy && !(read_buf = malloc((size_t)chunk)))
		die("out of memory");
	pool_init();
	for (int k = 0; k < W_COUNT; k++) {
		/* Generate every buffer (selected or not) so the bytes of a
		 * workload do not depend on which others were selected. */
		gen_workload(&ws[k], k, (size_t)size_mb << 20);
		if (!sel[k]) {
			free(ws[k].buf);
			ws[k].buf = NULL;
		}
	}

	for (int k = 0; k < W_COUNT; k++) {
		workload *w = &ws[k];

		if (!sel[k])
			continue;
		fflush(stdout);
		fprintf(stderr, "  %-10s %7.1f MB, %9llu %s ...", w->name,
			(double)w->len / (1 << 20),
			(unsigned long long)w->expect.items,
			w->reply ? "replies" : "requests");
		for (long long r = 0; r < rounds; r++) {
			/* Alternate who goes first: neither side always runs
			 * on caches the other warmed (or evicted). */
			bool rkv_first = r % 2 == 0;

			if (sides & (rkv_first ? SIDE_RKV : SIDE_HIREDIS))
				run_side(w, rkv_first ? SIDE_RKV : SIDE_HIREDIS,
					 (size_t)chunk);
			if (sides & (rkv_first ? SIDE_HIREDIS : SIDE_RKV))
				run_side(w, rkv_first ? SIDE_HIREDIS : SIDE_RKV,
					 (size_t)chunk);
		}
		fprintf(stderr, " done\n");
	}

	printf("\n%-10s %-38s %7s %10s | %9s %11s | %9s %11s | %6s\n",
	       "workload", "content", "MB", "items", "rkv MB/s", "rkv items/s",
	       "hir MB/s", "hir items/s", "ratio");
	for (int k = 0; k < W_COUNT; k++) {
		workload *w = &ws[k];
		double mb = (double)w->len / (1 << 20);
		double items = (double)w->expect.items;
		double tr = median(w->t_rkv, w->n_rkv);
		double th = median(w->t_hi, w->n_hi);
		char cr[2][32] = {"-", "-"}, ch[2][32] = {"-", "-"};
		char ratio[16] = "-";

		if (!sel[k])
			continue;
		if (tr > 0) {
			snprintf(cr[0], sizeof(cr[0]), "%.0f", mb / tr);
			snprintf(cr[1], sizeof(cr[1]), "%.3gM",
				 items / tr / 1e6);
		}
		if (th > 0) {
			snprintf(ch[0], sizeof(ch[0]), "%.0f", mb / th);
			snprintf(ch[1], sizeof(ch[1]), "%.3gM",
				 items / th / 1e6);
		}
		if (tr > 0 && th > 0)
			snprintf(ratio, sizeof(ratio), "%.2fx", th / tr);
		printf("%-10s %-38s %7.1f %10llu | %9s %11s | %9s %11s | %6s\n",
		       w->name, w->what, mb,
		       (unsigned long long)w->expect.items, cr[0], cr[1], ch[0],
		       ch[1], ratio);
	}
	printf("(medians; items = requests or top-level replies; "
	       "ratio = rkv speed / hiredis speed)\n");
	if (sides & SIDE_RKV) {
		printf(
		    "\nrkv query buffer (%s host, last pass): chunks that "
		    "arrived with nothing / something pending, bytes copied\n",
		    rkv_host == HOST_NODE ? "node.c" : "min-copy");
		for (int k = 0; k < W_COUNT; k++) {
			const workload *w = &ws[k];

			if (sel[k])
				printf("  %-10s %8llu / %8llu chunks, %7.2f MB "
				       "copied (%.1f%% of input)\n",
				       w->name,
				       (unsigned long long)w->st_in_place,
				       (unsigned long long)w->st_queued,
				       (double)w->st_copied / (1 << 20),
				       100.0 * (double)w->st_copied /
					   (double)w->len);
		}
	}
	printf("\n");
	for (int k = 0; k < W_COUNT; k++) {
		workload *w = &ws[k];
		double tr, th;

		if (!sel[k])
			continue;
		/* median() sorted the samples already; sorting again is
		 * harmless. */
		tr = median(w->t_rkv, w->n_rkv);
		th = median(w->t_hi, w->n_hi);
		if (tr <= 0 || th <= 0) {
			printf("ratio %s: n/a (only one side measured)\n",
			       w->name);
			continue;
		}
		if (w->target > 0) {
			bool ok = th / tr >= w->target;

			printf("ratio %s: %.2fx (target >= %gx) %s\n", w->name,
			       th / tr, w->target, ok ? "MET" : "NOT MET");
			if (ok)
				met++;
			else
				missed++;
		} else {
			printf("ratio %s: %.2fx (no target)\n", w->name,
			       th / tr);
		}
	}
	if (met + missed)
		printf("targets: %d met, %d not met\n", met, missed);
	for (int k = 0; k < W_COUNT; k++)
		free(ws[k].buf);
	free(read_buf);
	return 0;
}
