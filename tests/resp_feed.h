/* Shared by the RESP test suites (test_resp.c, test_resp_badinput.c):
 * growable strings for serialized results, a host-like feeder that hands a
 * parser its input whole, one byte at a time or at pseudo-random splits
 * (moving its buffer before every call, so stale pointers are caught), a
 * failing allocator, and the request- and reply-parser equivalence
 * checks. Included by each suite's single translation unit. */
#ifndef RKV_TEST_RESP_FEED_H
#define RKV_TEST_RESP_FEED_H

#include <check.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "resp.h"

/* Not every suite uses every helper. */
#pragma GCC diagnostic ignored "-Wunused-function"

/* ====================================================================== */
/* Small helpers                                                          */
/* ====================================================================== */

static void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		abort();
	return p;
}

/* A growable, NUL-terminated string. */
typedef struct strb {
	char *p;
	size_t len, cap;
} strb;

static void sb_add(strb *s, const void *d, size_t n)
{
	if (s->len + n + 1 > s->cap) {
		size_t cap = s->cap ? s->cap : 64;

		while (cap < s->len + n + 1)
			cap *= 2;
		s->p = realloc(s->p, cap);
		if (!s->p)
			abort();
		s->cap = cap;
	}
	if (n)
		memcpy(s->p + s->len, d, n);
	s->len += n;
	s->p[s->len] = '\0';
}

static void sb_adds(strb *s, const char *str)
{
	sb_add(s, str, strlen(str));
}

__attribute__((format(printf, 2, 3))) static void sb_addf(strb *s,
							  const char *fmt, ...)
{
	char tmp[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	ck_assert(n >= 0 && (size_t)n < sizeof(tmp));
	sb_add(s, tmp, (size_t)n);
}

/* Bytes in a readable, unambiguous form: printable ASCII as is, except
 * '[', ']' and '\\', which (like every other byte) become \xHH. */
static void sb_add_esc(strb *s, const char *d, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)d[i];

		if (c >= 0x20 && c < 0x7f && c != '[' && c != ']' && c != '\\')
			sb_add(s, &d[i], 1);
		else
			sb_addf(s, "\\x%02x", c);
	}
}

static char *sb_take(strb *s)
{
	char *p;

	if (!s->p)
		sb_add(s, "", 0);
	p = s->p;
	s->p = NULL;
	s->len = s->cap = 0;
	return p;
}

/* String equality for results that may be many KiB long: on a mismatch the
 * message shows where they first differ (a Check failure message must stay
 * short: a long one makes the runner itself exit). */
#define ck_assert_same(got, want)                                              \
	assert_same_at((got), (want), #got, __FILE__, __LINE__)

static void assert_same_at(const char *got, const char *want, const char *what,
			   const char *file, int line)
{
	size_t i = 0, from;

	if (got && want && strcmp(got, want) == 0)
		return;
	if (!got || !want)
		ck_abort_msg("%s:%d: %s is %s, want %.200s", file, line, what,
			     got ? got : "NULL", want ? want : "NULL");
	while (got[i] && got[i] == want[i])
		i++;
	from = i > 60 ? i - 60 : 0;
	ck_abort_msg("%s:%d: %s differs at byte %zu: got '%s%.160s', "
		     "want '%s%.160s'",
		     file, line, what, i, from ? "..." : "", got + from,
		     from ? "..." : "", want + from);
}

/* Fixed-seed linear congruential generator (15 useful bits). */
static uint32_t lcg(uint32_t *s)
{
	*s = *s * 1103515245u + 12345u;
	return (*s >> 16) & 0x7fff;
}

/* How a feeding helper splits its input. */
enum { FEED_ALL, FEED_BYTE, FEED_RANDOM };

typedef struct feeder {
	int mode;
	uint32_t rng;
} feeder;

static feeder feeder_make(int mode, uint32_t seed)
{
	feeder f = {mode, seed * 2654435761u + 1};

	return f;
}

static size_t feeder_next(feeder *f, size_t left)
{
	size_t k;

	if (f->mode == FEED_ALL)
		return left;
	if (f->mode == FEED_BYTE)
		k = 1;
	else if (lcg(&f->rng) % 8 == 0)
		k = 1 + lcg(&f->rng) % 300;
	else
		k = 1 + lcg(&f->rng) % 7;
	return k < left ? k : left;
}

/* Host buffer of unconsumed bytes. Up to HB_EXACT_MAX bytes it is moved to a
 * fresh exact-size allocation before every parser call (so ASan/valgrind see
 * any read past the bytes given, and any use of an old buffer); larger ones
 * are moved every 256 calls to keep byte-at-a-time feeding of 64 KiB inputs
 * linear. The old block is poisoned before it is freed. */
#define HB_EXACT_MAX 8192

typedef struct hostbuf {
	char *data;
	size_t len, cap;
	unsigned long calls;
} hostbuf;

static void hb_replace(hostbuf *h, size_t cap)
{
	char *n = xmalloc(cap);

	if (h->len)
		memcpy(n, h->data, h->len);
	if (h->data) {
		memset(h->data, 0xA5, h->cap ? h->cap : 1);
		free(h->data);
	}
	h->data = n;
	h->cap = cap;
}

static void hb_append(hostbuf *h, const char *p, size_t n)
{
	if (h->len + n > h->cap)
		hb_replace(h, h->len + n <= HB_EXACT_MAX ? h->len + n
							 : 2 * (h->len + n));
	if (n)
		memcpy(h->data + h->len, p, n);
	h->len += n;
}

static void hb_move(hostbuf *h)
{
	if (h->len <= HB_EXACT_MAX || ++h->calls % 256 == 0)
		hb_replace(h, h->len);
}

static void hb_drop(hostbuf *h, size_t n)
{
	ck_assert_uint_le(n, h->len);
	if (n == 0)
		return;
	memmove(h->data, h->data + n, h->len - n);
	h->len -= n;
	memset(h->data + h->len, 0xA5, n);
}

static void hb_free(hostbuf *h)
{
	free(h->data);
	memset(h, 0, sizeof(*h));
}

static bool within(const char *p, size_t n, const char *base, size_t blen)
{
	return base && p >= base && p <= base + blen &&
	       n <= (size_t)(base + blen - p);
}

/* ====================================================================== */
/* Test allocator: counts live blocks, fails on demand                     */
/* ====================================================================== */

typedef struct talloc {
	long budget;	    /* successes left before failing; < 0: unlimited */
	bool failing;	    /* fail every request while set */
	unsigned flaky_pct; /* fail this % of requests (never twice in a row) */
	uint32_t rng;
	bool last_failed;
	long live, calls, failures;
} talloc;

static bool ta_fail(talloc *t)
{
	bool fail = false;

	t->calls++;
	if (t->failing || t->budget == 0)
		fail = true;
	else if (t->flaky_pct && !t->last_failed &&
		 lcg(&t->rng) % 100 < t->flaky_pct)
		fail = true;
	if (!fail && t->budget > 0)
		t->budget--;
	t->last_failed = fail;
	if (fail)
		t->failures++;
	return fail;
}

static void *ta_malloc(size_t n, void *ud)
{
	talloc *t = ud;
	void *p;

	if (ta_fail(t))
		return NULL;
	p = xmalloc(n);
	t->live++;
	return p;
}

static void *ta_realloc(void *p, size_t n, void *ud)
{
	talloc *t = ud;
	void *q;

	if (ta_fail(t))
		return NULL;
	q = realloc(p, n ? n : 1);
	if (!q)
		abort();
	if (!p)
		t->live++;
	return q;
}

static void ta_free(void *p, void *ud)
{
	talloc *t = ud;

	if (p) {
		t->live--;
		free(p);
	}
}

static rkv_allocator ta_make(talloc *t)
{
	rkv_allocator a = {ta_malloc, ta_realloc, ta_free, t};

	memset(t, 0, sizeof(*t));
	t->budget = -1;
	t->rng = 12345;
	return a;
}

/* ====================================================================== */
/* Request feeding helper                                                 */
/* ====================================================================== */

typedef struct req_cfg {
	long long max_bulk;	 /* 0: default */
	long long max_multibulk; /* 0: default */
	bool unauth;
	unsigned flaky_pct; /* inject allocation failures, retry on NOMEM */
} req_cfg;

static const req_cfg req_default;

/* Feed in[0..n) through a fresh parser the way a host does and return the
 * result sequence: one line per request ("M" or "I" for multibulk/inline,
 * then each argument as [escaped bytes]), then "ERR <message>" or
 * "AGAIN <bytes left unconsumed>". */
static char *req_run(const char *in, size_t n, const req_cfg *cfg, feeder f)
{
	rkv_req_parser p;
	talloc ta;
	rkv_allocator a = ta_make(&ta);
	hostbuf hb = {0};
	strb out = {0};
	size_t off = 0;
	bool stop = false;
	long nomem = 0;

	ta.flaky_pct = cfg->flaky_pct;
	rkv_req_parser_init(&p, &a);
	if (cfg->max_bulk)
		p.max_bulk = cfg->max_bulk;
	if (cfg->max_multibulk)
		p.max_multibulk = cfg->max_multibulk;
	p.unauthenticated = cfg->unauth;
	do {
		size_t k = feeder_next(&f, n - off);

		hb_append(&hb, in + off, k);
		off += k;
		for (;;) {
			size_t consumed = (size_t)-1;
			int r;

			hb_move(&hb);
			r = rkv_req_parse(&p, hb.data, hb.len, &consumed);
			ck_assert_uint_le(consumed, hb.len);
			if (r == RKV_ERR_NOMEM && cfg->flaky_pct) {
				ck_assert_msg(!rkv_req_parser_closed(&p),
					      "NOMEM closed the parser");
				ck_assert_int_lt(++nomem, 100000);
				hb_drop(&hb, consumed);
				continue; /* retry, as allowed */
			}
			if (r == RKV_RESP_DONE) {
				ck_assert_uint_ge(p.argc, 1);
				sb_adds(&out, p.inline_request ? "I" : "M");
				for (size_t i = 0; i < p.argc; i++) {
					const rkv_slice *s = &p.argv[i];

					ck_assert_msg(
					    within(s->ptr, s->len, hb.data,
						   hb.len) ||
						within(s->ptr, s->len,
						       p.scratch,
						       p.scratch_cap),
					    "argv[%zu] outside the buffer", i);
					sb_adds(&out, "[");
					sb_add_esc(&out, s->ptr, s->len);
					sb_adds(&out, "]");
				}
				sb_adds(&out, "\n");
				ck_assert_uint_gt(consumed, 0);
				hb_drop(&hb, consumed);
				continue;
			}
			if (r == RKV_RESP_AGAIN) {
				ck_assert_ptr_null(p.errmsg);
				hb_drop(&hb, consumed);
				break;
			}
			ck_assert_int_eq(r, RKV_ERR_PROTO);
			ck_assert_ptr_nonnull(p.errmsg);
			ck_assert(rkv_req_parser_closed(&p));
			sb_addf(&out, "ERR %s", p.errmsg);
			{
				/* Closed: the same error on every later call.
				 */
				const char *msg = p.errmsg;
				size_t c2 = 7;

				ck_assert_int_eq(
				    rkv_req_parse(&p, hb.data, hb.len, &c2),
				    RKV_ERR_PROTO);
				ck_assert_uint_eq(c2, 0);
				ck_assert_same(p.errmsg, msg);
			}
			stop = true;
			break;
		}
	} while (!stop && off < n);
	if (!stop)
		sb_addf(&out, "AGAIN %zu", hb.len);
	if (cfg->flaky_pct)
		ck_assert_int_gt(ta.failures, 0);
	rkv_req_parser_free(&p);
	ck_assert_int_eq(ta.live, 0);
	hb_free(&hb);
	return sb_take(&out);
}

#define NSEEDS 6

/* A parser run over `in` fed as `f` says, serialized to a string. */
typedef char *(*run_fn)(const char *in, size_t n, const void *cfg, feeder f);

/* The result all at once (checked against `expect` when given) must equal
 * the result one byte at a time and at NSEEDS random splittings. */
static void equiv_check(run_fn run, const char *in, size_t n, const void *cfg,
			const char *expect)
{
	char *ref = run(in, n, cfg, feeder_make(FEED_ALL, 0));
	char *got;

	if (expect)
		ck_assert_same(ref, expect);
	got = run(in, n, cfg, feeder_make(FEED_BYTE, 0));
	ck_assert_same(got, ref);
	free(got);
	for (uint32_t seed = 1; seed <= NSEEDS; seed++) {
		got = run(in, n, cfg, feeder_make(FEED_RANDOM, seed));
		ck_assert_same(got, ref);
		free(got);
	}
	free(ref);
}

static char *req_run_any(const char *in, size_t n, const void *cfg, feeder f)
{
	return req_run(in, n, cfg, f);
}

static void req_equiv_cfg(const char *in, size_t n, const req_cfg *cfg,
			  const char *expect)
{
	equiv_check(req_run_any, in, n, cfg, expect);
}

/* ====================================================================== */
/* Reply feeding helper                                                   */
/* ====================================================================== */

typedef struct reply_cfg {
	unsigned max_depth;		  /* 0: default */
	long long max_bulk, max_elements; /* 0: default */
	size_t max_line;		  /* 0: default */
} reply_cfg;

static const reply_cfg reply_default;

static void tok_serialize(strb *out, const rkv_resp_token *t, bool idle)
{
	sb_addf(out, "%c d%u%s n%lld", (char)t->type, t->depth,
		t->end ? " end" : "", t->n);
	if (t->str.ptr) {
		sb_adds(out, " [");
		sb_add_esc(out, t->str.ptr, t->str.len);
		sb_adds(out, "]");
	}
	if (t->type == RKV_RESP_DOUBLE)
		sb_addf(out, " f%.17g", t->d);
	if (t->type == RKV_RESP_VERBATIM)
		sb_addf(out, " fmt=%s", t->fmt);
	sb_adds(out, idle ? " idle\n" : "\n");
}

static void reply_apply_cfg(rkv_reply_parser *p, const reply_cfg *cfg)
{
	rkv_reply_parser_init(p);
	if (cfg->max_depth)
		p->max_depth = cfg->max_depth;
	if (cfg->max_bulk)
		p->max_bulk = cfg->max_bulk;
	if (cfg->max_elements)
		p->max_elements = cfg->max_elements;
	if (cfg->max_line)
		p->max_line = cfg->max_line;
}

/* Feed in[0..n) through a fresh tokenizer; one line per token, then
 * "ERR <message>" or "AGAIN <bytes left>". */
static char *reply_run(const char *in, size_t n, const reply_cfg *cfg, feeder f)
{
	rkv_reply_parser p;
	hostbuf hb = {0};
	strb out = {0};
	size_t off = 0;
	bool stop = false;

	reply_apply_cfg(&p, cfg);
	do {
		size_t k = feeder_next(&f, n - off);

		hb_append(&hb, in + off, k);
		off += k;
		for (;;) {
			rkv_resp_token tok;
			size_t consumed = (size_t)-1;
			int r;

			hb_move(&hb);
			memset(&tok, 0x5A, sizeof(tok));
			r = rkv_reply_next(&p, hb.data, hb.len, &consumed,
					   &tok);
			if (r == RKV_RESP_DONE) {
				ck_assert_uint_gt(consumed, 0);
				ck_assert_uint_le(consumed, hb.len);
				if (tok.str.ptr)
					ck_assert(within(tok.str.ptr,
							 tok.str.len, hb.data,
							 consumed));
				if (tok.end)
					ck_assert(rkv_reply_parser_idle(&p));
				tok_serialize(&out, &tok,
					      rkv_reply_parser_idle(&p));
				hb_drop(&hb, consumed);
				continue;
			}
			ck_assert_uint_eq(consumed, 0);
			if (r == RKV_RESP_AGAIN) {
				ck_assert_ptr_null(p.errmsg);
				break;
			}
			ck_assert_int_eq(r, RKV_ERR_PROTO);
			ck_assert_ptr_nonnull(p.errmsg);
			sb_addf(&out, "ERR %s", p.errmsg);
			{
				const char *msg = p.errmsg;
				size_t c2 = 7;

				ck_assert_int_eq(rkv_reply_next(&p, hb.data,
								hb.len, &c2,
								&tok),
						 RKV_ERR_PROTO);
				ck_assert_uint_eq(c2, 0);
				ck_assert_same(p.errmsg, msg);
			}
			stop = true;
			break;
		}
	} while (!stop && off < n);
	if (!stop)
		sb_addf(&out, "AGAIN %zu", hb.len);
	hb_free(&hb);
	return sb_take(&out);
}

static char *reply_run_any(const char *in, size_t n, const void *cfg, feeder f)
{
	return reply_run(in, n, cfg, f);
}

static void reply_equiv_cfg(const char *in, size_t n, const reply_cfg *cfg,
			    const char *expect)
{
	equiv_check(reply_run_any, in, n, cfg, expect);
}

#endif
