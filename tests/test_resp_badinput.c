/* A catalog of malformed RESP input for lib/resp.c.
 *
 * Each row is an input (explicit length, so NUL bytes work), the parser it
 * goes to (request parser or reply tokenizer), the exact error expected, and
 * the state the parser must be left in: closed (the same error on every
 * later call) or still usable (it waits for more bytes; the row then says
 * what appending more bytes leads to).
 *
 * Request rows: every expected message was checked against redis-server
 * 7.0.15 (no --requirepass; --requirepass x for the UNAUTH rows) by sending
 * the bytes over a socket and reading the "-ERR ..." reply; the "usable"
 * rows got no reply and the connection stayed open. Reply rows use the
 * messages of lib/resp.c (hiredis's texts).
 *
 * Every row is also fed whole, one byte at a time and at pseudo-random
 * splits, through a host-like helper that moves its buffer before every
 * call: all must give the same result sequence. */
#define _GNU_SOURCE
#include <check.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "resp.h"

#include "resp_feed.h"
#include "check_main.h"
/* A string literal and its length (NUL bytes included). */
#define LIT(lit) lit, sizeof(lit) - 1

/* ====================================================================== */
/* The catalog                                                            */
/* ====================================================================== */

enum { K_REQ, K_REPLY };

#define F_UNAUTH 1u /* request parser: p->unauthenticated = true */
#define F_DEPTH3 2u /* reply tokenizer: p->max_depth = 3 */

typedef struct row {
	const char *name;
	int kind;
	unsigned flags;
	/* The input: in[0..in_len), then `fill` repeated fill_n times and
	 * `tail` (for the 64 KiB rows). */
	const char *in;
	size_t in_len;
	const char *fill;
	size_t fill_n;
	const char *tail;
	/* The error expected; NULL when the parser must still be usable,
	 * waiting for more input. */
	const char *msg;
	/* Requests / tokens delivered before the error or the wait. */
	size_t ok_before;
	/* Usable rows: bytes appended next, and the full result sequence for
	 * the input with them (the format of req_run / reply_run). */
	const char *more;
	size_t more_len;
	const char *after;
} row;

#define IN(lit)	  .in = (lit), .in_len = sizeof(lit) - 1
#define MORE(lit) .more = (lit), .more_len = sizeof(lit) - 1

#define MB "Protocol error: invalid multibulk length"
#define BL "Protocol error: invalid bulk length"
#define UQ "Protocol error: unbalanced quotes in request"

static const row rows[] = {
    /* ---------------- request parser: multibulk count ---------------- */
    {"mb-leading-zero", K_REQ, 0, IN("*01\r\n"), .msg = MB},
    {"mb-plus-sign", K_REQ, 0, IN("*+1\r\n"), .msg = MB},
    {"mb-int-max-plus-1", K_REQ, 0, IN("*2147483648\r\n"), .msg = MB},
    {"mb-junk-before-cr", K_REQ, 0, IN("*1x\r\n"), .msg = MB},
    /* The count line runs to the first CR: "1\n$4" is not a number. */
    {"mb-lf-only", K_REQ, 0, IN("*1\n$4\r\nPING\r\n"), .msg = MB},
    {"mb-empty", K_REQ, 0, IN("*\r\n"), .msg = MB},
    {"mb-space-before", K_REQ, 0, IN("* 1\r\n"), .msg = MB},
    {"mb-space-after", K_REQ, 0, IN("*1 \r\n"), .msg = MB},
    {"mb-minus-zero", K_REQ, 0, IN("*-0\r\n"), .msg = MB},
    {"mb-overflow", K_REQ, 0, IN("*99999999999999999999\r\n"), .msg = MB},
    {"mb-after-two-requests", K_REQ, 0,
     IN("PING\r\n*1\r\n$4\r\nPING\r\n*x\r\n"), .msg = MB, .ok_before = 2},
    /* ---------------- request parser: bulk length ---------------- */
    {"bulk-minus-one", K_REQ, 0, IN("*1\r\n$-1\r\n"), .msg = BL},
    {"bulk-plus-sign", K_REQ, 0, IN("*1\r\n$+4\r\nPING\r\n"), .msg = BL},
    {"bulk-trailing-space", K_REQ, 0, IN("*1\r\n$4 \r\nPING\r\n"), .msg = BL},
    {"bulk-over-proto-max", K_REQ, 0, IN("*1\r\n$536870913\r\n"), .msg = BL},
    {"bulk-empty", K_REQ, 0, IN("*1\r\n$\r\n"), .msg = BL},
    {"bulk-leading-zero", K_REQ, 0, IN("*1\r\n$04\r\nPING\r\n"), .msg = BL},
    {"bulk-minus-zero", K_REQ, 0, IN("*1\r\n$-0\r\n"), .msg = BL},
    {"bulk-overflow", K_REQ, 0, IN("*1\r\n$9223372036854775808\r\n"),
     .msg = BL},
    {"bulk-hex", K_REQ, 0, IN("*1\r\n$0x4\r\nPING\r\n"), .msg = BL},
    /* ---------------- request parser: type byte ---------------- */
    {"expected-dollar-X", K_REQ, 0, IN("*1\r\nX4\r\n"),
     .msg = "Protocol error: expected '$', got 'X'"},
    {"expected-dollar-colon", K_REQ, 0, IN("*2\r\n$4\r\nECHO\r\n:1\r\n"),
     .msg = "Protocol error: expected '$', got ':'"},
    {"expected-dollar-star", K_REQ, 0,
     IN("*3\r\n$3\r\nSET\r\n$1\r\na\r\n*1\r\n"),
     .msg = "Protocol error: expected '$', got '*'"},
    /* Redis maps CR and LF in an error message to spaces. (Lib 7a9bed5
     * put the raw byte in errmsg.) The CR row also has req_header() call
     * rkv_string2ll() with a length of SIZE_MAX (the CR is the header's
     * first byte): clang -fsanitize=undefined reports a pointer overflow
     * in util.c; run with UBSAN_OPTIONS=halt_on_error=1 to make it fail. */
    {"expected-dollar-cr", K_REQ, 0, IN("*1\r\n\r\n"),
     .msg = "Protocol error: expected '$', got ' '"},
    {"expected-dollar-lf", K_REQ, 0, IN("*1\r\n\n\r\n"),
     .msg = "Protocol error: expected '$', got ' '"},
    /* A payload one byte longer than announced: the two bytes skipped
     * after it are "b\r", the next header starts at "\n". */
    {"expected-dollar-after-payload-slip", K_REQ, 0,
     IN("*2\r\n$1\r\nab\r\n$1\r\nb\r\n"),
     .msg = "Protocol error: expected '$', got ' '"},
    /* ---------------- request parser: inline quoting ---------------- */
    {"inline-unterminated-dq", K_REQ, 0, IN("SET a \"b\r\n"), .msg = UQ},
    {"inline-char-after-dq", K_REQ, 0, IN("PING \"a\"b\r\n"), .msg = UQ},
    {"inline-unterminated-sq", K_REQ, 0, IN("PING 'a\r\n"), .msg = UQ},
    {"inline-char-after-sq", K_REQ, 0, IN("PING 'a'b\r\n"), .msg = UQ},
    {"inline-escaped-dq-close", K_REQ, 0, IN("PING \"a\\\"\r\n"), .msg = UQ},
    {"inline-escaped-sq-close", K_REQ, 0, IN("PING 'a\\'\r\n"), .msg = UQ},
    {"inline-after-good-line", K_REQ, 0, IN("ECHO \"ok\"\r\nGET \"k\"\"\r\n"),
     .msg = UQ, .ok_before = 1},
    /* ---------------- request parser: 64 KiB limits ---------------- */
    {"too-big-inline", K_REQ, 0, IN(""), .fill = "a", .fill_n = 65537,
     .msg = "Protocol error: too big inline request"},
    {"too-big-mbulk-count", K_REQ, 0, IN("*"), .fill = "1", .fill_n = 65536,
     .msg = "Protocol error: too big mbulk count string"},
    {"too-big-bulk-count", K_REQ, 0, IN("*1\r\n$"), .fill = "1",
     .fill_n = 65536, .msg = "Protocol error: too big bulk count string"},
    {"inline-at-limit-waits", K_REQ, 0, IN(""), .fill = "a", .fill_n = 65536,
     MORE("a"), .after = "ERR Protocol error: too big inline request"},
    {"mbulk-count-at-limit-waits", K_REQ, 0, IN("*"), .fill = "1",
     .fill_n = 65535, MORE("1"),
     .after = "ERR Protocol error: too big mbulk count string"},
    /* ---------------- request parser: unauthenticated ---------------- */
    {"unauth-multibulk", K_REQ, F_UNAUTH, IN("*11\r\n"),
     .msg = "Protocol error: unauthenticated multibulk length"},
    {"unauth-bulk", K_REQ, F_UNAUTH, IN("*1\r\n$16385\r\n"),
     .msg = "Protocol error: unauthenticated bulk length"},
    {"unauth-invalid-multibulk-first", K_REQ, F_UNAUTH, IN("*2147483648\r\n"),
     .msg = MB},
    {"unauth-invalid-bulk-first", K_REQ, F_UNAUTH, IN("*1\r\n$536870913\r\n"),
     .msg = BL},
    {"unauth-multibulk-at-limit", K_REQ, F_UNAUTH, IN("*10\r\n"),
     MORE("$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n"
	  "$1\r\nf\r\n$1\r\ng\r\n$1\r\nh\r\n$1\r\ni\r\n$1\r\nj\r\n"),
     .after = "M[a][b][c][d][e][f][g][h][i][j]\nAGAIN 0"},
    {"unauth-bulk-at-limit", K_REQ, F_UNAUTH, IN("*1\r\n$16384\r\n"),
     MORE("abc"), .after = "AGAIN 15"},
    /* ---------------- request parser: incomplete, still usable -------- */
    {"wait-args", K_REQ, 0, IN("*3\r\n$3\r\nSET\r\n"),
     MORE("$1\r\nk\r\n$1\r\nv\r\n"), .after = "M[SET][k][v]\nAGAIN 0"},
    {"wait-lf-after-bulk-len", K_REQ, 0, IN("*1\r\n$4\r"), MORE("\nPING\r\n"),
     .after = "M[PING]\nAGAIN 0"},
    {"wait-lf-after-count", K_REQ, 0, IN("*5\r"), MORE("\n"),
     .after = "AGAIN 4"},
    {"wait-inline", K_REQ, 0, IN("PING"), MORE("\r\n"),
     .after = "I[PING]\nAGAIN 0"},
    {"wait-int-max-args", K_REQ, 0, IN("*2147483647\r\n"),
     MORE("$4\r\nPING\r\n"), .after = "AGAIN 23"},
    {"wait-bulk-at-proto-max", K_REQ, 0, IN("*1\r\n$536870912\r\n"),
     MORE("abc"), .after = "AGAIN 19"},
    {"wait-after-empty-requests", K_REQ, 0,
     IN("*-2147483649\r\n*0\r\n\r\n*1\r\n"), MORE("$1\r\nx\r\n"),
     .after = "M[x]\nAGAIN 0"},
    {"wait-then-error", K_REQ, 0, IN("*1\r\n$4"), MORE("x\r\n"),
     .after = "ERR " BL},

    /* ---------------- reply tokenizer ---------------- */
    {"int-alpha", K_REPLY, 0, IN(":abc\r\n"), .msg = "Bad integer value"},
    {"int-empty", K_REPLY, 0, IN(":\r\n"), .msg = "Bad integer value"},
    {"int-leading-zero", K_REPLY, 0, IN(":01\r\n"), .msg = "Bad integer value"},
    {"int-overflow", K_REPLY, 0, IN(":9223372036854775808\r\n"),
     .msg = "Bad integer value"},
    {"int-inside-array", K_REPLY, 0, IN("*2\r\n:1\r\n:x\r\n"),
     .msg = "Bad integer value", .ok_before = 2},
    {"bulk-len-alpha", K_REPLY, 0, IN("$abc\r\n"),
     .msg = "Bad bulk string length"},
    {"bulk-len-minus-two", K_REPLY, 0, IN("$-2\r\n"),
     .msg = "Bad bulk string length"},
    {"bloberr-null", K_REPLY, 0, IN("!-1\r\n"),
     .msg = "Bad bulk string length"},
    {"bulk-len-over-max", K_REPLY, 0, IN("$536870913\r\n"),
     .msg = "Bad bulk string length"},
    {"bulk-no-crlf", K_REPLY, 0, IN("$3\r\nabcXY"),
     .msg = "Protocol error: bulk string not terminated by CRLF"},
    {"bulk-cr-only", K_REPLY, 0, IN("$3\r\nabc\r\r"),
     .msg = "Protocol error: bulk string not terminated by CRLF"},
    {"array-alpha", K_REPLY, 0, IN("*x\r\n"), .msg = "Bad multi-bulk length"},
    {"array-minus-two", K_REPLY, 0, IN("*-2\r\n"),
     .msg = "Bad multi-bulk length"},
    {"map-null", K_REPLY, 0, IN("%-1\r\n"), .msg = "Bad multi-bulk length"},
    {"push-null", K_REPLY, 0, IN(">-1\r\n"), .msg = "Bad multi-bulk length"},
    {"attr-alpha", K_REPLY, 0, IN("|x\r\n"), .msg = "Bad multi-bulk length"},
    {"array-out-of-range", K_REPLY, 0, IN("*3000000000\r\n"),
     .msg = "Multi-bulk length out of range"},
    {"map-out-of-range", K_REPLY, 0, IN("%1500000000\r\n"),
     .msg = "Multi-bulk length out of range"},
    {"double-junk", K_REPLY, 0, IN(",1.5x\r\n"), .msg = "Bad double value"},
    {"double-empty", K_REPLY, 0, IN(",\r\n"), .msg = "Bad double value"},
    {"double-space", K_REPLY, 0, IN(", 1\r\n"), .msg = "Bad double value"},
    {"bool-x", K_REPLY, 0, IN("#x\r\n"), .msg = "Bad bool value"},
    {"bool-tt", K_REPLY, 0, IN("#tt\r\n"), .msg = "Bad bool value"},
    {"bool-empty", K_REPLY, 0, IN("#\r\n"), .msg = "Bad bool value"},
    {"nil-x", K_REPLY, 0, IN("_x\r\n"), .msg = "Bad nil value"},
    {"bignum-alpha", K_REPLY, 0, IN("(12a\r\n"), .msg = "Bad bignum value"},
    {"bignum-empty", K_REPLY, 0, IN("(\r\n"), .msg = "Bad bignum value"},
    {"bignum-minus", K_REPLY, 0, IN("(-\r\n"), .msg = "Bad bignum value"},
    {"type-at", K_REPLY, 0, IN("@foo\r\n"),
     .msg = "Protocol error, got \"@\" as reply type byte"},
    {"type-ctrl", K_REPLY, 0, IN("\x01\r\n"),
     .msg = "Protocol error, got \"\\x01\" as reply type byte"},
    {"type-nul", K_REPLY, 0, IN("\0\r\n"),
     .msg = "Protocol error, got \"\\x00\" as reply type byte"},
    {"type-quote", K_REPLY, 0, IN("\"x\r\n"),
     .msg = "Protocol error, got \"\\\"\" as reply type byte"},
    {"type-after-reply", K_REPLY, 0, IN("+OK\r\n~0\r\n?\r\n"),
     .msg = "Protocol error, got \"?\" as reply type byte", .ok_before = 2},
    {"verbatim-short", K_REPLY, 0, IN("=3\r\nabc\r\n"),
     .msg = "Verbatim string 4 bytes of content type are missing or "
	    "incorrectly encoded."},
    {"verbatim-no-colon", K_REPLY, 0, IN("=5\r\ntxt;x\r\n"),
     .msg = "Verbatim string 4 bytes of content type are missing or "
	    "incorrectly encoded."},
    {"depth-3", K_REPLY, F_DEPTH3, IN("*1\r\n*1\r\n*1\r\n*1\r\n:1\r\n"),
     .msg = "No support for nested multi bulk replies with depth > 3",
     .ok_before = 3},
    {"depth-default", K_REPLY, 0, IN(""), .fill = "*1\r\n",
     .fill_n = RKV_RESP_MAX_DEPTH + 1,
     .msg = "No support for nested multi bulk replies with depth > 128",
     .ok_before = RKV_RESP_MAX_DEPTH},
    /* max_line (65536) bounds the content between type byte and CR. */
    {"too-big-reply-line", K_REPLY, 0, IN("+"), .fill = "a", .fill_n = 65537,
     .msg = "Protocol error: too big reply line"},
    {"too-big-reply-line-complete", K_REPLY, 0, IN(":1\r\n+"), .fill = "a",
     .fill_n = 65537, .tail = "\r\n",
     .msg = "Protocol error: too big reply line", .ok_before = 1},
    {"wait-status", K_REPLY, 0, IN("+OK"), MORE("\r\n"),
     .after = "+ d0 end n0 [OK] idle\nAGAIN 0"},
    {"wait-bulk-payload", K_REPLY, 0, IN("$5\r\nhel"), MORE("lo\r\n"),
     .after = "$ d0 end n5 [hello] idle\nAGAIN 0"},
    {"wait-array-element", K_REPLY, 0, IN("*2\r\n:1\r\n"), MORE(":2\r\n"),
     .ok_before = 2, .after = "* d0 n2\n: d1 n1\n: d1 end n2 idle\nAGAIN 0"},
    {"wait-bad-type-line", K_REPLY, 0, IN("@abc"), MORE("\r\n"),
     .after = "ERR Protocol error, got \"@\" as reply type byte"},
    {"wait-reply-line-at-limit", K_REPLY, 0, IN("+"), .fill = "a",
     .fill_n = 65536, MORE("a"),
     .after = "ERR Protocol error: too big reply line"},
};

#define NROWS (sizeof(rows) / sizeof(rows[0]))

static char *row_input(const row *r, size_t *len)
{
	strb s = {0};

	sb_add(&s, r->in, r->in_len);
	for (size_t i = 0; i < r->fill_n; i++)
		sb_adds(&s, r->fill);
	if (r->tail)
		sb_adds(&s, r->tail);
	*len = s.len;
	return sb_take(&s);
}

static req_cfg row_req_cfg(const row *r)
{
	req_cfg c = req_default;

	c.unauth = (r->flags & F_UNAUTH) != 0;
	return c;
}

static reply_cfg row_reply_cfg(const row *r)
{
	reply_cfg c = reply_default;

	if (r->flags & F_DEPTH3)
		c.max_depth = 3;
	return c;
}

/* The final part of a result sequence: the first line that starts with
 * "ERR " or "AGAIN " (request and token lines never do, and have no raw
 * newlines in them; an error message may). *before gets the number of
 * request / token lines in front of it. */
static const char *result_tail(const char *res, size_t *before)
{
	const char *q = res;

	*before = 0;
	while (strncmp(q, "ERR ", 4) != 0 && strncmp(q, "AGAIN ", 6) != 0) {
		q = strchr(q, '\n');
		ck_assert_ptr_nonnull(q);
		q++;
		(*before)++;
	}
	return q;
}

static char *esc(const char *s)
{
	strb b = {0};

	sb_add_esc(&b, s, strlen(s));
	return sb_take(&b);
}

/* The result sequence all at once, then the same one byte at a time and at
 * random splits; returns the reference result. */
static char *row_run(const row *r, const char *in, size_t len)
{
	if (r->kind == K_REQ) {
		req_cfg c = row_req_cfg(r);

		req_equiv_cfg(in, len, &c, NULL);
		return req_run(in, len, &c, feeder_make(FEED_ALL, 0));
	} else {
		reply_cfg c = row_reply_cfg(r);

		reply_equiv_cfg(in, len, &c, NULL);
		return reply_run(in, len, &c, feeder_make(FEED_ALL, 0));
	}
}

/* The outcome and state, by direct calls on one parser. Returns the
 * result code of the last call on in[0..len) and leaves the parser state
 * in *rp / *yp for the caller's further checks. */
static int direct_req(const row *r, rkv_req_parser *p, const char *in,
		      size_t len, size_t *off)
{
	size_t ok = 0, used;
	int rc;

	rkv_req_parser_init(p, rkv_default_allocator());
	p->unauthenticated = (r->flags & F_UNAUTH) != 0;
	*off = 0;
	while ((rc = rkv_req_parse(p, in + *off, len - *off, &used)) ==
	       RKV_RESP_DONE) {
		*off += used;
		ok++;
	}
	*off += used;
	ck_assert_msg(ok == r->ok_before, "%s: %zu requests before, want %zu",
		      r->name, ok, r->ok_before);
	return rc;
}

static int direct_reply(const row *r, rkv_reply_parser *p, const char *in,
			size_t len, size_t *off)
{
	rkv_resp_token t;
	size_t ok = 0, used;
	int rc;

	rkv_reply_parser_init(p);
	if (r->flags & F_DEPTH3)
		p->max_depth = 3;
	*off = 0;
	while ((rc = rkv_reply_next(p, in + *off, len - *off, &used, &t)) ==
	       RKV_RESP_DONE) {
		*off += used;
		ok++;
	}
	ck_assert_uint_eq(used, 0);
	ck_assert_msg(ok == r->ok_before, "%s: %zu tokens before, want %zu",
		      r->name, ok, r->ok_before);
	return rc;
}

START_TEST(catalog_row)
{
	const row *r = &rows[_i];
	size_t len, off;
	char *in = row_input(r, &len);
	char *res = row_run(r, in, len);
	size_t before;
	const char *last = result_tail(res, &before);

	/* 1. The result sequence (whole == bytewise == random splits was
	 *    checked by row_run): the expected error, or a wait. */
	char want[200];

	snprintf(want, sizeof(want), "ERR %s", r->msg ? r->msg : "");
	if (r->msg && strcmp(last, want) != 0) {
		char msg[300];
		char *e = esc(last);

		snprintf(msg, sizeof(msg), "%s: got '%s', want '%s'", r->name,
			 e, want);
		free(e);
		free(res);
		free(in);
		ck_abort_msg("%s", msg);
	} else if (!r->msg) {
		ck_assert_msg(strncmp(last, "AGAIN ", 6) == 0,
			      "%s: got '%s', want a wait", r->name, last);
	}
	ck_assert_msg(before == r->ok_before,
		      "%s: %zu results before, want %zu", r->name, before,
		      r->ok_before);

	/* 2. The state afterwards, by direct calls. */
	if (r->kind == K_REQ) {
		rkv_req_parser p;
		int rc = direct_req(r, &p, in, len, &off);
		size_t used = 99;

		if (r->msg) {
			const char *msg;

			ck_assert_int_eq(rc, RKV_ERR_PROTO);
			ck_assert(rkv_req_parser_closed(&p));
			ck_assert_same(p.errmsg, r->msg);
			ck_assert_ptr_nonnull(p.errreason);
			msg = p.errmsg;
			/* Closed: the same error, nothing consumed, whatever
			 * comes next. */
			ck_assert_int_eq(
			    rkv_req_parse(&p, in + off, len - off, &used),
			    RKV_ERR_PROTO);
			ck_assert_uint_eq(used, 0);
			ck_assert_int_eq(
			    rkv_req_parse(&p, "PING\r\n", 6, &used),
			    RKV_ERR_PROTO);
			ck_assert_uint_eq(used, 0);
			ck_assert_same(p.errmsg, msg);
		} else {
			ck_assert_int_eq(rc, RKV_RESP_AGAIN);
			ck_assert(!rkv_req_parser_closed(&p));
			ck_assert_ptr_null(p.errmsg);
			ck_assert_int_eq(
			    rkv_req_parse(&p, in + off, len - off, &used),
			    RKV_RESP_AGAIN);
			ck_assert_uint_eq(used, 0);
		}
		rkv_req_parser_free(&p);
	} else {
		rkv_reply_parser p;
		rkv_resp_token t;
		int rc = direct_reply(r, &p, in, len, &off);
		size_t used = 99;

		if (r->msg) {
			ck_assert_int_eq(rc, RKV_ERR_PROTO);
			ck_assert_same(p.errmsg, r->msg);
			ck_assert_int_eq(
			    rkv_reply_next(&p, in + off, len - off, &used, &t),
			    RKV_ERR_PROTO);
			ck_assert_uint_eq(used, 0);
			ck_assert_int_eq(
			    rkv_reply_next(&p, "+OK\r\n", 5, &used, &t),
			    RKV_ERR_PROTO);
			ck_assert_uint_eq(used, 0);
			ck_assert_same(p.errmsg, r->msg);
		} else {
			ck_assert_int_eq(rc, RKV_RESP_AGAIN);
			ck_assert_ptr_null(p.errmsg);
			ck_assert_int_eq(
			    rkv_reply_next(&p, in + off, len - off, &used, &t),
			    RKV_RESP_AGAIN);
		}
	}

	/* 3. Usable rows: what the following bytes lead to, again the same
	 *    however the whole is split. */
	if (!r->msg) {
		strb all = {0};
		char *res2;

		ck_assert_ptr_nonnull(r->more);
		sb_add(&all, in, len);
		sb_add(&all, r->more, r->more_len);
		res2 = row_run(r, all.p, all.len);
		ck_assert_msg(strcmp(res2, r->after) == 0,
			      "%s: with more bytes got '%.200s', want '%s'",
			      r->name, res2, r->after);
		free(res2);
		free(all.p);
	}
	free(res);
	free(in);
}
END_TEST

/* The catalog is as large as promised and every message is well formed. */
START_TEST(catalog_shape)
{
	size_t req = 0, reply = 0, errors = 0;

	for (size_t i = 0; i < NROWS; i++) {
		req += rows[i].kind == K_REQ;
		reply += rows[i].kind == K_REPLY;
		errors += rows[i].msg != NULL;
		ck_assert(rows[i].msg || rows[i].after);
		if (rows[i].kind == K_REQ && rows[i].msg)
			ck_assert_msg(
			    strncmp(rows[i].msg, "Protocol error: ", 16) == 0,
			    "%s", rows[i].name);
		for (size_t j = 0; j < i; j++)
			ck_assert_msg(strcmp(rows[i].name, rows[j].name) != 0,
				      "duplicate row %s", rows[i].name);
	}
	ck_assert_uint_ge(NROWS, 30);
	ck_assert_uint_ge(errors, 30);
	ck_assert_uint_ge(req, 30);
	ck_assert_uint_ge(reply, 30);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("resp_badinput");
	TCase *tc = tcase_create("catalog");

	tcase_set_timeout(tc, 600);
	tcase_add_test(tc, catalog_shape);
	tcase_add_loop_test(tc, catalog_row, 0, (int)NROWS);
	suite_add_tcase(s, tc);
	return rkv_test_run(s);
}
