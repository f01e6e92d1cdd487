/* Fuzz harness for the reply tokenizer, rkv_reply_next(), and the streamed
 * bulk reader, rkv_bulk_stream_begin() / rkv_bulk_stream_feed().
 *
 * Input: one settings byte, then the bytes a server sends.
 *   bit 7 clear: reply mode. max_depth = (bits 0-6) + 1, i.e. 1..128. The
 *                rest is tokenized until the input runs out or an error.
 *   bit 7 set:   bulk mode. bits 0-1 pick the length limit passed to
 *                rkv_bulk_stream_begin(): 512 MB, 64, 0, LLONG_MAX. bit 2
 *                makes the sink fail after a number of payload bytes derived
 *                from a hash of the input. The rest is a `$<len>\r\n` or
 *                `$EOF:<mark>\r\n` header and payload.
 *
 * Reply mode is fed the way a host does it: unconsumed bytes stay in one
 * contiguous buffer, new bytes are appended and rkv_reply_next() is called
 * on the whole buffer until it stops returning RKV_RESP_DONE. Bulk mode does
 * that for the header; payload bytes then go to rkv_bulk_stream_feed() only
 * once each (the stream keeps what it needs), and whatever follows the
 * payload is the leftover. Every call gets a freshly malloc'd exact-size copy
 * so ASan catches reads past `len` and stale pointers.
 *
 * Differential check: the result log (tokens; or sink output, leftover and
 * status) must be byte-identical whether the input arrives whole, in
 * pseudo-random pieces, or one byte at a time (inputs up to 4 KiB). With a
 * failing sink, whether the sink's error comes back must not depend on the
 * split either (it fails once more than K bytes were delivered, which
 * happens iff the payload seen is longer than K), and the bytes it saw must
 * be a prefix of the payload. */
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "resp.h"

/* ---------------------------------------------------------------------- */
/* Reply mode                                                             */
/* ---------------------------------------------------------------------- */

static bool valid_type(int t)
{
	return t && strchr("+-:$*%~|>_,#(=!", t) != NULL;
}

static void check_token(const rkv_reply_parser *p, const rkv_resp_token *tok,
			const char *buf, size_t consumed)
{
	FUZZ_CHECK(valid_type((int)tok->type));
	FUZZ_CHECK(tok->depth <= p->max_depth);
	FUZZ_CHECK(p->depth <= p->max_depth);
	FUZZ_CHECK(consumed >= 3); /* type byte and CRLF at least */
	FUZZ_CHECK((unsigned char)buf[0] == (unsigned)tok->type);
	if (tok->end)
		FUZZ_CHECK(rkv_reply_parser_idle(p));
	if (tok->str.ptr)
		FUZZ_CHECK(fuzz_within(tok->str.ptr, tok->str.len, buf,
				       consumed));
	else
		FUZZ_CHECK(tok->str.len == 0);
	FUZZ_CHECK(tok->fmt[3] == '\0');
	switch (tok->type) {
	case RKV_RESP_BULK:
	case RKV_RESP_BLOBERR:
		FUZZ_CHECK(tok->n >= -1 && tok->n <= p->max_bulk);
		if (tok->n >= 0)
			FUZZ_CHECK(tok->str.len == (size_t)tok->n);
		break;
	case RKV_RESP_VERBATIM:
		FUZZ_CHECK(tok->n >= 4 && tok->str.len == (size_t)tok->n - 4);
		FUZZ_CHECK(strlen(tok->fmt) <= 3);
		break;
	case RKV_RESP_BOOL:
		FUZZ_CHECK(tok->n == 0 || tok->n == 1);
		break;
	case RKV_RESP_ARRAY:
	case RKV_RESP_MAP:
	case RKV_RESP_SET:
	case RKV_RESP_ATTRIBUTE:
	case RKV_RESP_PUSH:
		FUZZ_CHECK(tok->n >= -1 && tok->n <= p->max_elements);
		break;
	case RKV_RESP_DOUBLE:
		FUZZ_CHECK(tok->str.len > 0);
		break;
	default:
		break;
	}
}

static void log_token(fuzz_log *log, const rkv_resp_token *tok,
		      size_t end_off)
{
	uint64_t dbits;

	memcpy(&dbits, &tok->d, sizeof(dbits));
	fuzz_log_printf(log,
			"TOK end_at=%zu type=%c depth=%u end=%d n=%lld d=%016llx(%s) str=",
			end_off, (char)tok->type, tok->depth, (int)tok->end,
			tok->n, (unsigned long long)dbits,
			isnan(tok->d) ? "nan" : isinf(tok->d) ? "inf" : "num");
	fuzz_log_bytes(log, tok->str.ptr, tok->str.len);
	fuzz_log_printf(log, " fmt=");
	fuzz_log_bytes(log, tok->fmt, sizeof(tok->fmt));
	fuzz_log_put(log, "\n", 1);
}

static void run_reply(unsigned max_depth, const uint8_t *data, size_t size,
		      enum fuzz_split mode, uint64_t seed, fuzz_log *log)
{
	rkv_reply_parser p;
	fuzz_chunker ch;
	char *buf = fuzz_xmalloc(0);
	size_t len = 0, off = 0, fed = 0;
	bool stop = false;

	rkv_reply_parser_init(&p);
	p.max_depth = max_depth;
	fuzz_chunker_init(&ch, mode, seed);
	do {
		size_t n = fuzz_chunk_next(&ch, size - fed);
		char *nb = fuzz_concat(buf, len, data + fed, n);

		free(buf);
		buf = nb;
		len += n;
		fed += n;
		for (;;) {
			rkv_resp_token tok;
			size_t consumed = (size_t)-1;
			int r;

			memset(&tok, 0xa5, sizeof(tok));
			r = rkv_reply_next(&p, buf, len, &consumed, &tok);
			FUZZ_CHECK(consumed <= len);
			if (r == RKV_RESP_DONE) {
				FUZZ_CHECK(p.errmsg == NULL);
				check_token(&p, &tok, buf, consumed);
				log_token(log, &tok, off + consumed);
				nb = fuzz_concat(buf + consumed, len - consumed,
						 NULL, 0);
				free(buf);
				buf = nb;
				len -= consumed;
				off += consumed;
				continue;
			}
			FUZZ_CHECK(consumed == 0);
			if (r == RKV_RESP_AGAIN) {
				FUZZ_CHECK(p.errmsg == NULL);
				break;
			}
			FUZZ_CHECK(r == RKV_ERR_PROTO);
			FUZZ_CHECK(p.errmsg != NULL);
			fuzz_log_printf(log, "ERR at=%zu msg=", off);
			fuzz_log_bytes(log, p.errmsg, strlen(p.errmsg));
			fuzz_log_put(log, "\n", 1);
			{
				/* Closed: the same error on every later call. */
				char *msg = fuzz_concat(p.errmsg,
							strlen(p.errmsg) + 1,
							NULL, 0);
				size_t c2 = (size_t)-1;

				r = rkv_reply_next(&p, buf, len, &c2, &tok);
				FUZZ_CHECK(r == RKV_ERR_PROTO && c2 == 0);
				FUZZ_CHECK(strcmp(p.errmsg, msg) == 0);
				c2 = (size_t)-1;
				r = rkv_reply_next(&p, "+OK\r\n", 5, &c2, &tok);
				FUZZ_CHECK(r == RKV_ERR_PROTO && c2 == 0);
				FUZZ_CHECK(strcmp(p.errmsg, msg) == 0);
				free(msg);
			}
			stop = true;
			break;
		}
	} while (!stop && fed < size);
	if (!stop)
		fuzz_log_printf(log, "END at=%zu pending=%zu idle=%d depth=%u\n",
				off, len, (int)rkv_reply_parser_idle(&p),
				p.depth);
	free(buf);
}

/* ---------------------------------------------------------------------- */
/* Bulk mode                                                              */
/* ---------------------------------------------------------------------- */

#define SINK_ERROR (-42)

typedef struct bulk_ctx {
	const rkv_bulk_stream *s;
	const char *feed_buf; /* buffer of the feed call in progress */
	size_t feed_len;
	fuzz_log out; /* payload bytes, concatenated */
	long long fail_after; /* fail once more than this was delivered; -1 */
} bulk_ctx;

static int sink(void *ud, const char *data, size_t len)
{
	bulk_ctx *c = ud;

	/* From the bytes being fed, or from the stream's held-back tail. */
	FUZZ_CHECK(len > 0);
	FUZZ_CHECK(fuzz_within(data, len, c->feed_buf, c->feed_len) ||
		   fuzz_within(data, len, c->s->tail, sizeof(c->s->tail)));
	fuzz_log_put(&c->out, data, len);
	if (c->fail_after >= 0 && c->out.len > (size_t)c->fail_after)
		return SINK_ERROR;
	return 0;
}

enum bulk_phase { PH_HEADER, PH_PAYLOAD, PH_DONE, PH_SINK_FAILED };

typedef struct bulk_run {
	rkv_bulk_stream s;
	bulk_ctx ctx;
	enum bulk_phase phase;
	fuzz_log leftover;
	size_t payload_start; /* stream offset of the first payload byte */
	size_t done_at; /* stream offset just after the payload (and mark) */
	size_t fed_payload; /* bytes given to feed so far */
} bulk_run;

/* Feed data[0..n), payload-phase bytes, as a fresh exact-size copy. */
static void bulk_feed(bulk_run *b, const char *data, size_t n)
{
	char *copy;
	size_t consumed = (size_t)-1;
	long long total0 = b->s.total;
	int r;

	if (b->phase == PH_DONE) {
		fuzz_log_put(&b->leftover, data, n);
		return;
	}
	if (b->phase != PH_PAYLOAD)
		return;
	copy = fuzz_concat(data, n, NULL, 0);
	b->ctx.feed_buf = copy;
	b->ctx.feed_len = n;
	r = rkv_bulk_stream_feed(&b->s, copy, n, &consumed, sink, &b->ctx);
	FUZZ_CHECK(consumed <= n);
	FUZZ_CHECK(b->s.total >= total0);
	if (r == SINK_ERROR) {
		/* The sink's code comes back as is; nothing more is fed. */
		FUZZ_CHECK(b->ctx.fail_after >= 0);
		FUZZ_CHECK(b->ctx.out.len > (size_t)b->ctx.fail_after);
		b->phase = PH_SINK_FAILED;
	} else {
		FUZZ_CHECK((size_t)b->s.total == b->ctx.out.len);
		FUZZ_CHECK(b->s.tail_len < RKV_EOF_MARK_SIZE);
	}
	if (r == RKV_RESP_AGAIN) {
		FUZZ_CHECK(consumed == n);
		FUZZ_CHECK(!b->s.done);
		b->fed_payload += n;
	} else if (r == RKV_RESP_DONE) {
		FUZZ_CHECK(b->s.done);
		b->fed_payload += consumed;
		b->done_at = b->payload_start + b->fed_payload;
		b->phase = PH_DONE;
		fuzz_log_put(&b->leftover, copy + consumed, n - consumed);
		{
			/* Done stays done and takes nothing more. */
			size_t c2 = (size_t)-1;

			r = rkv_bulk_stream_feed(&b->s, copy, n, &c2, sink,
						 &b->ctx);
			FUZZ_CHECK(r == RKV_RESP_DONE && c2 == 0);
		}
	} else {
		FUZZ_CHECK(r == SINK_ERROR);
	}
	b->ctx.feed_buf = NULL;
	b->ctx.feed_len = 0;
	free(copy);
}

/* Stream data[0..size) through begin/feed, split according to `mode`. With
 * fail_after >= 0 the sink fails once more than that many payload bytes were
 * delivered. Returns the payload bytes delivered, to be freed by the
 * caller. */
static fuzz_log run_bulk(long long max_len, long long fail_after,
			 const uint8_t *data, size_t size, enum fuzz_split mode,
			 uint64_t seed, fuzz_log *log)
{
	bulk_run b;
	fuzz_chunker ch;
	char *hbuf = fuzz_xmalloc(0); /* header bytes not yet consumed */
	size_t hlen = 0, fed = 0;
	const char *status = "header-pending";

	memset(&b, 0, sizeof(b));
	b.ctx.s = &b.s;
	b.ctx.fail_after = fail_after;
	b.phase = PH_HEADER;
	fuzz_chunker_init(&ch, mode, seed);
	do {
		size_t n = fuzz_chunk_next(&ch, size - fed);
		const char *chunk = (const char *)data + fed;

		fed += n;
		if (b.phase != PH_HEADER) {
			bulk_feed(&b, chunk, n);
			continue;
		}
		{
			char *nb = fuzz_concat(hbuf, hlen, chunk, n);
			size_t consumed = (size_t)-1;
			int r;

			free(hbuf);
			hbuf = nb;
			hlen += n;
			r = rkv_bulk_stream_begin(&b.s, hbuf, hlen, max_len,
						  &consumed);
			FUZZ_CHECK(consumed <= hlen);
			if (r == RKV_RESP_AGAIN) {
				FUZZ_CHECK(consumed == 0 && b.s.errmsg == NULL);
				continue;
			}
			if (r == RKV_ERR_PROTO) {
				size_t c2 = (size_t)-1;
				const char *msg = b.s.errmsg;

				FUZZ_CHECK(consumed == 0 && msg != NULL);
				fuzz_log_printf(log, "BEGIN-ERR msg=");
				fuzz_log_bytes(log, msg, strlen(msg));
				fuzz_log_put(log, "\n", 1);
				r = rkv_bulk_stream_begin(&b.s, hbuf, hlen,
							  max_len, &c2);
				FUZZ_CHECK(r == RKV_ERR_PROTO && c2 == 0);
				FUZZ_CHECK(b.s.errmsg == msg);
				status = "header-error";
				break;
			}
			FUZZ_CHECK(r == RKV_RESP_DONE);
			FUZZ_CHECK(consumed >= 3 && hbuf[0] == '$');
			FUZZ_CHECK(b.s.errmsg == NULL && b.s.total == 0);
			fuzz_log_printf(log,
					"BEGIN hdr=%zu eof_form=%d left=%lld done=%d mark=",
					consumed, (int)b.s.eof_form, b.s.left,
					(int)b.s.done);
			fuzz_log_bytes(log, b.s.eof_form ? b.s.mark : "",
				       b.s.eof_form ? sizeof(b.s.mark) : 0);
			fuzz_log_put(log, "\n", 1);
			b.phase = PH_PAYLOAD;
			b.payload_start = consumed;
			/* What came with the header is the first payload. */
			bulk_feed(&b, hbuf + consumed, hlen - consumed);
		}
	} while (fed < size && b.phase != PH_SINK_FAILED);

	if (b.phase == PH_SINK_FAILED) {
		/* How much was delivered before the failure depends on the
		 * split; that it failed does not. */
		fuzz_log_printf(log, "STATUS sink-error\n");
	} else {
		if (b.phase == PH_PAYLOAD)
			status = "payload-pending";
		else if (b.phase == PH_DONE)
			status = "done";
		fuzz_log_printf(log, "STATUS %s total=%lld left=%lld", status,
				b.s.total, b.s.left);
		/* Held-back bytes matter only while the payload is open. */
		if (b.phase == PH_DONE)
			fuzz_log_printf(log, " done_at=%zu", b.done_at);
		else
			fuzz_log_printf(log, " tail_len=%zu", b.s.tail_len);
		fuzz_log_printf(log, "\nPAYLOAD ");
		fuzz_log_bytes(log, b.ctx.out.p, b.ctx.out.len);
		fuzz_log_printf(log, "\nLEFTOVER ");
		fuzz_log_bytes(log, b.leftover.p, b.leftover.len);
		fuzz_log_put(log, "\n", 1);
	}
	fuzz_log_free(&b.leftover);
	free(hbuf);
	return b.ctx.out;
}

/* ---------------------------------------------------------------------- */
/* Entry point                                                            */
/* ---------------------------------------------------------------------- */

static const enum fuzz_split splits[] = { FUZZ_WHOLE, FUZZ_SMALL, FUZZ_MIXED,
					  FUZZ_BYTEWISE };
#define NSPLITS (sizeof(splits) / sizeof(splits[0]))

static void fuzz_reply(unsigned depth, const uint8_t *body, size_t n,
		       uint64_t seed)
{
	fuzz_log want = { 0 }, got = { 0 };

	for (size_t i = 0; i < NSPLITS; i++) {
		fuzz_log *log = i == 0 ? &want : &got;

		if (splits[i] == FUZZ_BYTEWISE && n > FUZZ_BYTEWISE_MAX)
			continue;
		log->len = 0;
		run_reply(depth, body, n, splits[i], seed, log);
		if (i > 0)
			fuzz_log_expect_equal(&want, &got, "whole",
					      fuzz_split_name(splits[i]));
	}
	fuzz_log_free(&want);
	fuzz_log_free(&got);
}

/* fail_after < 0: plain differential. Otherwise the same with a sink that
 * fails, plus: what the failing sink saw is a prefix of the real payload. */
static void fuzz_bulk(long long max_len, long long fail_after,
		      const uint8_t *body, size_t n, uint64_t seed)
{
	fuzz_log want = { 0 }, got = { 0 }, payload = { 0 }, scratch = { 0 };

	if (fail_after >= 0)
		payload = run_bulk(max_len, -1, body, n, FUZZ_WHOLE, seed,
				   &scratch);
	for (size_t i = 0; i < NSPLITS; i++) {
		fuzz_log *log = i == 0 ? &want : &got;
		fuzz_log out;

		if (splits[i] == FUZZ_BYTEWISE && n > FUZZ_BYTEWISE_MAX)
			continue;
		log->len = 0;
		out = run_bulk(max_len, fail_after, body, n, splits[i], seed,
			       log);
		if (fail_after >= 0) {
			FUZZ_CHECK(out.len <= payload.len);
			FUZZ_CHECK(out.len == 0 ||
				   memcmp(out.p, payload.p, out.len) == 0);
		}
		fuzz_log_free(&out);
		if (i > 0)
			fuzz_log_expect_equal(&want, &got, "whole",
					      fuzz_split_name(splits[i]));
	}
	fuzz_log_free(&want);
	fuzz_log_free(&got);
	fuzz_log_free(&payload);
	fuzz_log_free(&scratch);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const long long limits[4] = { RKV_PROTO_MAX_BULK_DEFAULT, 64, 0,
					     LLONG_MAX };
	uint64_t seed;

	if (size == 0)
		return 0;
	seed = fuzz_hash(data, size);
	if (data[0] & 0x80) {
		long long max_len = limits[data[0] & 3];
		long long fail_after = -1;

		if (data[0] & 4)
			fail_after = (long long)((seed >> 8) % size);
		fuzz_bulk(max_len, fail_after, data + 1, size - 1, seed);
	} else {
		fuzz_reply((unsigned)(data[0] & 0x7f) + 1, data + 1, size - 1,
			   seed);
	}
	return 0;
}
