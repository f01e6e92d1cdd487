/* Fuzz harness for the incremental request parser, rkv_req_parse().
 *
 * Input: one settings byte, then the bytes a client sends.
 *   bit 0     unauthenticated (Redis's pre-AUTH limits)
 *   bits 1-2  max_bulk: default, 64, 1, 4096
 *   bit 3     max_multibulk: default, 16
 *   bits 4-7  unused by the parser (they still change the split points,
 *             which derive from a hash of the whole input)
 *
 * The stream is parsed the way a host does it: the unconsumed bytes are kept
 * in one contiguous buffer, new bytes are appended, rkv_req_parse() is called
 * on the whole buffer until it stops returning RKV_RESP_DONE, and *consumed
 * bytes are dropped from the front. Every call gets a freshly malloc'd
 * exact-size copy, so reading past `len` or through a pointer kept from an
 * earlier buffer is an ASan report.
 *
 * Differential check: the result log (each request's argv, the error, the
 * stream offsets) must be byte-identical whether the input arrives whole, in
 * pseudo-random pieces, one byte at a time (inputs up to 4 KiB), or with an
 * allocator that fails at random (RKV_ERR_NOMEM must leave the parser
 * unchanged, so retrying the same call gives the same outcome; this pass
 * is skipped when the environment variable RKV_FUZZ_NO_FAILING_ALLOC is set
 * to a non-empty value other than "0"). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "fuzz_common.h"
#include "resp.h"

typedef struct req_settings {
	bool unauthenticated;
	long long max_bulk;
	long long max_multibulk;
} req_settings;

/* An allocator that fails about one call in four (never twice in a row, so
 * retries make progress). */
typedef struct flaky_alloc {
	uint64_t rng;
	bool last_failed;
	unsigned long failures;
} flaky_alloc;

static bool flaky_fail(flaky_alloc *f)
{
	bool fail = !f->last_failed && (fuzz_rand(&f->rng) & 3) == 0;

	f->last_failed = fail;
	if (fail)
		f->failures++;
	return fail;
}

static void *flaky_malloc(size_t n, void *ud)
{
	return flaky_fail(ud) ? NULL : malloc(n ? n : 1);
}

static void *flaky_realloc(void *ptr, size_t n, void *ud)
{
	return flaky_fail(ud) ? NULL : realloc(ptr, n ? n : 1);
}

static void flaky_free(void *ptr, void *ud)
{
	(void)ud;
	free(ptr);
}

/* The host's view of the connection: unconsumed bytes and where they start
 * in the stream. */
typedef struct host_buf {
	char *p;
	size_t len;
	size_t off; /* stream offset of p[0] */
} host_buf;

/* Replace the buffer by a fresh copy without its first `n` bytes, followed by
 * extra[0..elen). */
static void host_replace(host_buf *h, size_t n, const void *extra, size_t elen)
{
	char *np;

	FUZZ_CHECK(n <= h->len);
	np = fuzz_concat(h->p + n, h->len - n, extra, elen);
	free(h->p);
	h->p = np;
	h->len = h->len - n + elen;
	h->off += n;
}

static void check_argv(const rkv_req_parser *p, const host_buf *h,
		       size_t consumed)
{
	FUZZ_CHECK(p->argc >= 1);
	FUZZ_CHECK(p->argv != NULL);
	for (size_t i = 0; i < p->argc; i++) {
		const rkv_slice *a = &p->argv[i];
		/* Within the request just consumed, or (quoted inline
		 * arguments) within the scratch space. */
		bool in_buf = fuzz_within(a->ptr, a->len, h->p, consumed);
		bool in_scratch = p->inline_request && p->scratch &&
				  fuzz_within(a->ptr, a->len, p->scratch,
					      p->scratch_cap);

		FUZZ_CHECK(in_buf || in_scratch);
	}
}

static void log_request(fuzz_log *log, const rkv_req_parser *p,
			size_t end_off)
{
	fuzz_log_printf(log, "REQ end=%zu inline=%d argc=%zu", end_off,
			(int)p->inline_request, p->argc);
	for (size_t i = 0; i < p->argc; i++) {
		fuzz_log_put(log, " ", 1);
		fuzz_log_bytes(log, p->argv[i].ptr, p->argv[i].len);
	}
	fuzz_log_put(log, "\n", 1);
}

/* Parse data[0..size) split according to `mode`; the outcome goes to `log`.
 * With `flaky`, allocations fail at random and failed calls are retried. */
static void run(const req_settings *st, const uint8_t *data, size_t size,
		enum fuzz_split mode, uint64_t seed, bool flaky, fuzz_log *log)
{
	flaky_alloc fa = { seed ^ 0x5eed, false, 0 };
	const rkv_allocator flaky_allocator = { flaky_malloc, flaky_realloc,
						flaky_free, &fa };
	rkv_req_parser p;
	host_buf h = { fuzz_xmalloc(0), 0, 0 };
	fuzz_chunker ch;
	size_t fed = 0;
	bool stop = false;

	rkv_req_parser_init(&p, flaky ? &flaky_allocator
				      : rkv_default_allocator());
	p.unauthenticated = st->unauthenticated;
	p.max_bulk = st->max_bulk;
	p.max_multibulk = st->max_multibulk;
	fuzz_chunker_init(&ch, mode, seed);

	do {
		size_t n = fuzz_chunk_next(&ch, size - fed);
		unsigned retries = 0;

		host_replace(&h, 0, data + fed, n);
		fed += n;
		for (;;) {
			size_t consumed = (size_t)-1;
			int r = rkv_req_parse(&p, h.p, h.len, &consumed);

			FUZZ_CHECK(consumed <= h.len);
			if (r == RKV_ERR_NOMEM) {
				/* The parser is unchanged: retry the same
				 * call, with the bytes at a new address. */
				FUZZ_CHECK(flaky);
				FUZZ_CHECK(!rkv_req_parser_closed(&p));
				FUZZ_CHECK(++retries < 10000);
				host_replace(&h, consumed, NULL, 0);
				continue;
			}
			if (r == RKV_RESP_DONE) {
				FUZZ_CHECK(consumed > 0);
				FUZZ_CHECK(!rkv_req_parser_closed(&p));
				check_argv(&p, &h, consumed);
				log_request(log, &p, h.off + consumed);
				host_replace(&h, consumed, NULL, 0);
				continue;
			}
			if (r == RKV_RESP_AGAIN) {
				FUZZ_CHECK(!rkv_req_parser_closed(&p));
				host_replace(&h, consumed, NULL, 0);
				break;
			}
			FUZZ_CHECK(r == RKV_ERR_PROTO);
			FUZZ_CHECK(rkv_req_parser_closed(&p));
			FUZZ_CHECK(p.errmsg != NULL && p.errreason != NULL);
			fuzz_log_printf(log, "ERR at=%zu msg=", h.off + consumed);
			fuzz_log_bytes(log, p.errmsg, strlen(p.errmsg));
			fuzz_log_printf(log, " reason=");
			fuzz_log_bytes(log, p.errreason, strlen(p.errreason));
			fuzz_log_put(log, "\n", 1);
			{
				/* Closed: the same error on every later call,
				 * whatever the buffer, and nothing consumed. */
				const char *msg = p.errmsg;
				char *copy = fuzz_concat(msg, strlen(msg) + 1,
							 NULL, 0);
				size_t c2 = (size_t)-1;

				host_replace(&h, consumed, NULL, 0);
				r = rkv_req_parse(&p, h.p, h.len, &c2);
				FUZZ_CHECK(r == RKV_ERR_PROTO);
				FUZZ_CHECK(c2 == 0);
				FUZZ_CHECK(p.errmsg != NULL &&
					   strcmp(p.errmsg, copy) == 0);
				c2 = (size_t)-1;
				r = rkv_req_parse(&p, "*1\r\n$4\r\nPING\r\n", 14,
						  &c2);
				FUZZ_CHECK(r == RKV_ERR_PROTO);
				FUZZ_CHECK(c2 == 0);
				FUZZ_CHECK(strcmp(p.errmsg, copy) == 0);
				free(copy);
			}
			stop = true;
			break;
		}
	} while (!stop && fed < size);

	if (!stop)
		fuzz_log_printf(log, "END at=%zu pending=%zu\n", h.off, h.len);
	rkv_req_parser_free(&p);
	free(h.p);
}

/* The failing-allocator pass runs unless RKV_FUZZ_NO_FAILING_ALLOC is set
 * (to a non-empty value other than "0"): a way to keep fuzzing the rest while
 * a known out-of-memory bug is open. */
static bool failing_alloc_enabled(void)
{
	static int enabled = -1;

	if (enabled < 0) {
		const char *e = getenv("RKV_FUZZ_NO_FAILING_ALLOC");

		enabled = !(e && *e && strcmp(e, "0") != 0);
	}
	return enabled;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const long long bulk_limits[4] = { RKV_PROTO_MAX_BULK_DEFAULT,
						  64, 1, 4096 };
	req_settings st;
	const uint8_t *body;
	size_t n;
	uint64_t seed;
	fuzz_log want = { 0 }, got = { 0 };
	static const enum fuzz_split splits[] = { FUZZ_SMALL, FUZZ_MIXED,
						  FUZZ_BYTEWISE };

	if (size == 0)
		return 0;
	st.unauthenticated = data[0] & 1;
	st.max_bulk = bulk_limits[(data[0] >> 1) & 3];
	st.max_multibulk = (data[0] & 8) ? 16 : RKV_PROTO_MAX_MULTIBULK;
	body = data + 1;
	n = size - 1;
	seed = fuzz_hash(data, size);

	run(&st, body, n, FUZZ_WHOLE, seed, false, &want);
	for (size_t i = 0; i < sizeof(splits) / sizeof(splits[0]); i++) {
		if (splits[i] == FUZZ_BYTEWISE && n > FUZZ_BYTEWISE_MAX)
			continue;
		got.len = 0;
		run(&st, body, n, splits[i], seed, false, &got);
		fuzz_log_expect_equal(&want, &got, "whole",
				      fuzz_split_name(splits[i]));
	}
	if (failing_alloc_enabled()) {
		got.len = 0;
		run(&st, body, n, FUZZ_MIXED, seed ^ 0xa110c, true, &got);
		fuzz_log_expect_equal(&want, &got, "whole",
				      "mixed-splits+failing-alloc");
	}

	fuzz_log_free(&want);
	fuzz_log_free(&got);
	return 0;
}
