/* RESP parsing and writing; see resp.h for the input model.
 *
 * The request parser follows Redis 7.0's processMultibulkBuffer and
 * processInlineBuffer byte for byte in what it accepts and rejects (including
 * the leniencies: the two bytes after a bulk payload are skipped, not
 * checked), so rkv answers malformed input exactly as redis-server does. The
 * one deliberate difference: terminators are searched with memchr over the
 * whole buffer, where Redis's strchr stops at a NUL byte and would wait
 * forever on "PING\0...\r\n".
 *
 * The multibulk path is the hot path: a header is parsed with an inline digit
 * loop and only falls back to the general (Redis-ordered) checks when it is
 * not the plain "<digits>\r" form. */
#define _GNU_SOURCE /* memmem */
#include "resp.h"

#include <assert.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

enum { REQ_IDLE, REQ_MULTIBULK };

/* ---------------------------------------------------------------------- */
/* Request parser                                                         */
/* ---------------------------------------------------------------------- */

void rkv_req_parser_init(rkv_req_parser *p, const rkv_allocator *alloc)
{
	memset(p, 0, sizeof(*p));
	p->alloc = alloc;
	p->max_bulk = RKV_PROTO_MAX_BULK_DEFAULT;
	p->max_multibulk = RKV_PROTO_MAX_MULTIBULK;
	p->argv = p->argv_small;
	p->argoff = p->argoff_small;
	p->argcap = RKV_REQ_INLINE_ARGV;
	p->bulklen = -1;
}

static void req_release_argv(rkv_req_parser *p)
{
	if (p->argv != p->argv_small) {
		rkv_free(p->alloc, p->argv);
		rkv_free(p->alloc, p->argoff);
	}
	p->argv = p->argv_small;
	p->argoff = p->argoff_small;
	p->argcap = RKV_REQ_INLINE_ARGV;
}

void rkv_req_parser_free(rkv_req_parser *p)
{
	req_release_argv(p);
	rkv_free(p->alloc, p->scratch);
	p->scratch = NULL;
	p->scratch_cap = 0;
}

/* Room for one more argument. Grows by doubling, never by the announced
 * count: a client announcing *2147483647 gets no up-front allocation. */
static bool req_reserve_arg(rkv_req_parser *p)
{
	size_t cap;
	rkv_slice *argv;
	size_t *off;

	if (p->argc < p->argcap)
		return true;
	cap = p->argcap * 2;
	argv = rkv_malloc(p->alloc, cap * sizeof(*argv));
	off = rkv_malloc(p->alloc, cap * sizeof(*off));
	if (!argv || !off) {
		rkv_free(p->alloc, argv);
		rkv_free(p->alloc, off);
		return false;
	}
	memcpy(argv, p->argv, p->argc * sizeof(*argv));
	memcpy(off, p->argoff, p->argc * sizeof(*off));
	if (p->argv != p->argv_small) {
		rkv_free(p->alloc, p->argv);
		rkv_free(p->alloc, p->argoff);
	}
	p->argv = argv;
	p->argoff = off;
	p->argcap = cap;
	return true;
}

static int req_fail(rkv_req_parser *p, const char *msg, const char *reason)
{
	p->errmsg = msg;
	p->errreason = reason;
	return RKV_ERR_PROTO;
}

/* Outcomes of req_header(). */
enum { HDR_TOOBIG = -2, HDR_BADNUM = -1, HDR_AGAIN = 0, HDR_OK = 1 };

/* Parse a `*<n>` or `$<n>` header line at h[0..avail) whose first byte is
 * already known. HDR_OK sets *n and *hdrlen; HDR_BADNUM: the line is complete
 * but its number is not a valid long long; HDR_TOOBIG: the line's CR comes
 * (or can only come) after RKV_PROTO_INLINE_MAX bytes. Redis judges that
 * limit on the bytes it happens to have buffered; rkv judges the line itself,
 * so the outcome does not depend on how the input was split. */
static inline int req_header(rkv_req_parser *p, const char *h, size_t avail,
			     long long *n, size_t *hdrlen)
{
	const char *q = h + 1, *end = h + avail, *cr;

	/* Fast path: "<1-9><digits>\r?" with at most 18 digits. */
	if (q < end && *q >= '1' && *q <= '9') {
		unsigned long long v = (unsigned long long)(*q++ - '0');
		size_t room = (size_t)(end - q);
		const char *lim = q + (room < 17 ? room : 17);

		while (q < lim && *q >= '0' && *q <= '9')
			v = v * 10 + (unsigned long long)(*q++ - '0');
		if (q + 1 < end && *q == '\r') {
			*n = (long long)v;
			*hdrlen = (size_t)(q + 2 - h);
			p->scanned = 0;
			return HDR_OK;
		}
	}
	/* General path, in Redis's order: find the CR, wait for one more byte,
	 * then judge the number. */
	cr = memchr(h + p->scanned, '\r', avail - p->scanned);
	if (!cr) {
		p->scanned = avail;
		return avail > RKV_PROTO_INLINE_MAX ? HDR_TOOBIG : HDR_AGAIN;
	}
	if ((size_t)(cr - h) > RKV_PROTO_INLINE_MAX)
		return HDR_TOOBIG;
	p->scanned = (size_t)(cr - h);
	if (cr + 1 >= end)
		return HDR_AGAIN;
	p->scanned = 0;
	*hdrlen = (size_t)(cr + 2 - h);
	/* cr == h when the line itself starts with CR (a bulk header where
	 * '$' was expected): no number at all. */
	if (cr == h || !rkv_string2ll(h + 1, (size_t)(cr - (h + 1)), n))
		return HDR_BADNUM;
	return HDR_OK;
}

/* Start of a multibulk request at h[0..avail): read its count. */
static int req_multibulk_start(rkv_req_parser *p, const char *h, size_t avail,
			       size_t *skip)
{
	long long n = 0;
	size_t hdrlen = 0;
	int r = req_header(p, h, avail, &n, &hdrlen);

	if (r == HDR_AGAIN)
		return RKV_RESP_AGAIN;
	if (r == HDR_TOOBIG)
		return req_fail(p, "Protocol error: too big mbulk count string",
				"too big mbulk count string");
	if (r == HDR_BADNUM || n > p->max_multibulk)
		return req_fail(p, "Protocol error: invalid multibulk length",
				"invalid mbulk count");
	if (p->unauthenticated && n > RKV_PROTO_UNAUTH_MAX_MULTIBULK)
		return req_fail(
		    p, "Protocol error: unauthenticated multibulk length",
		    "unauth mbulk count");
	if (n <= 0) {
		/* "*0\r\n" and "*-1\r\n" are empty requests: skipped. */
		*skip = hdrlen;
		return RKV_RESP_DONE;
	}
	*skip = 0;
	p->state = REQ_MULTIBULK;
	p->mb_left = n;
	p->bulklen = -1;
	p->argc = 0;
	p->pos = hdrlen;
	return RKV_RESP_DONE;
}

/* Read bulk arguments of the current request, which starts at req. */
static int req_multibulk_args(rkv_req_parser *p, const char *req, size_t avail)
{
	size_t pos = p->pos;

	while (p->mb_left) {
		if (p->bulklen < 0) {
			const char *h = req + pos;
			size_t hlen = 0, left = avail - pos;
			long long n = 0;
			int r;

			if (left == 0)
				break;
			/* Redis finds the CR before it looks at the type
			 * byte, so the line is read whatever its first byte. */
			r = req_header(p, h, left, &n, &hlen);
			if (r == HDR_AGAIN)
				break;
			if (r == HDR_TOOBIG)
				return req_fail(
				    p,
				    "Protocol error: too big bulk count string",
				    "too big bulk count string");
			if (*h != '$') {
				/* As the reply will carry it: an error line
				 * cannot hold CR or LF (Redis turns them into
				 * spaces), and a NUL would end the C string. */
				char got =
				    (*h == '\r' || *h == '\n' || *h == '\0')
					? ' '
					: *h;

				snprintf(
				    p->errbuf, sizeof(p->errbuf),
				    "Protocol error: expected '$', got '%c'",
				    got);
				return req_fail(
				    p, p->errbuf,
				    "expected $ but got something else");
			}
			if (r == HDR_BADNUM || n < 0 || n > p->max_bulk)
				return req_fail(
				    p, "Protocol error: invalid bulk length",
				    "invalid bulk length");
			if (p->unauthenticated && n > RKV_PROTO_UNAUTH_MAX_BULK)
				return req_fail(p,
						"Protocol error: "
						"unauthenticated bulk length",
						"unauth bulk length");
			pos += hlen;
			p->bulklen = n;
		}
		/* Payload plus the two bytes that follow it (not checked, as
		 * Redis does not check them). */
		if (avail - pos < (size_t)p->bulklen + 2)
			break;
		if (!req_reserve_arg(p)) {
			p->pos = pos;
			return RKV_ERR_NOMEM;
		}
		p->argoff[p->argc] = pos;
		p->argv[p->argc].len = (size_t)p->bulklen;
		p->argc++;
		pos += (size_t)p->bulklen + 2;
		p->bulklen = -1;
		p->mb_left--;
	}
	p->pos = pos;
	if (p->mb_left)
		return RKV_RESP_AGAIN;
	for (size_t i = 0; i < p->argc; i++)
		p->argv[i].ptr = req + p->argoff[i];
	p->state = REQ_IDLE;
	return RKV_RESP_DONE;
}

/* Split an inline line into arguments with Redis's sdssplitargs() rules:
 * blanks separate arguments; "double quotes" take \n \r \t \b \a \xHH and
 * \<any> escapes; 'single quotes' take \' only; a closing quote must be
 * followed by a blank or the end of the line. Like Redis (which splits a C
 * string), a NUL byte ends the line. Arguments without quotes point into the
 * line; quoted ones are unescaped into `scratch`. Returns RKV_RESP_DONE,
 * SPLIT_UNBALANCED or RKV_ERR_NOMEM. */
enum { SPLIT_UNBALANCED = -100 }; /* distinct from every RKV_ERR_* */

static int req_split_inline(rkv_req_parser *p, const char *line, size_t len)
{
	const char *s = line, *end;
	const char *nul = memchr(line, '\0', len);
	char *out;

	if (nul)
		len = (size_t)(nul - line);
	end = line + len;
	if (p->scratch_cap < len) {
		char *sc = rkv_realloc(p->alloc, p->scratch, len);

		if (!sc)
			return RKV_ERR_NOMEM;
		p->scratch = sc;
		p->scratch_cap = len;
	}
	out = p->scratch;
	p->argc = 0;
	for (;;) {
		const char *tok;
		char *start = out;
		bool quoted = false, done = false;
		int inq = 0; /* 0, '"' or '\'' */

		while (s < end && rkv_is_space(*s))
			s++;
		if (s == end)
			return RKV_RESP_DONE;
		tok = s;
		while (!done) {
			char c = s < end ? *s : '\0';

			if (inq == '"' && c == '\\' && s + 3 < end &&
			    s[1] == 'x' && rkv_hex_val(s[2]) >= 0 &&
			    rkv_hex_val(s[3]) >= 0) {
				*out++ = (char)(rkv_hex_val(s[2]) * 16 +
						rkv_hex_val(s[3]));
				s += 3;
			} else if (inq == '"' && c == '\\' && s + 1 < end) {
				*out++ = rkv_unescape(*++s);
			} else if (inq == '\'' && c == '\\' && s + 1 < end &&
				   s[1] == '\'') {
				*out++ = '\'';
				s++;
			} else if (inq && c == inq) {
				/* A closing quote must end the argument. */
				if (s + 1 < end && !rkv_is_space(s[1]))
					return SPLIT_UNBALANCED;
				done = true;
			} else if (inq && s == end) {
				return SPLIT_UNBALANCED;
			} else if (inq) {
				*out++ = c;
			} else if (s == end || c == ' ' || c == '\n' ||
				   c == '\r' || c == '\t') {
				done = true;
			} else if (c == '"' || c == '\'') {
				inq = c;
				quoted = true;
			} else {
				*out++ = c;
			}
			if (s < end)
				s++;
		}
		if (!req_reserve_arg(p))
			return RKV_ERR_NOMEM;
		if (quoted) {
			p->argv[p->argc].ptr = start;
			p->argv[p->argc].len = (size_t)(out - start);
		} else {
			/* Unquoted: the bytes copied are exactly the input's.
			 */
			p->argv[p->argc].ptr = tok;
			p->argv[p->argc].len = (size_t)(out - start);
			out = start;
		}
		p->argc++;
	}
}

static int req_inline(rkv_req_parser *p, const char *h, size_t avail,
		      size_t *used)
{
	const char *nl = memchr(h + p->scanned, '\n', avail - p->scanned);
	size_t linelen;
	int r;

	/* The limit is on the line, wherever the input was split. */
	if (nl ? (size_t)(nl - h) > RKV_PROTO_INLINE_MAX
	       : avail > RKV_PROTO_INLINE_MAX)
		return req_fail(p, "Protocol error: too big inline request",
				"too big inline request");
	if (!nl) {
		p->scanned = avail;
		return RKV_RESP_AGAIN;
	}
	p->scanned = 0;
	linelen = (size_t)(nl - h);
	*used = linelen + 1;
	if (linelen && h[linelen - 1] == '\r')
		linelen--;
	r = req_split_inline(p, h, linelen);
	if (r == SPLIT_UNBALANCED)
		return req_fail(p,
				"Protocol error: unbalanced quotes in request",
				"unbalanced quotes in inline request");
	return r;
}

int rkv_req_parse(rkv_req_parser *p, const char *buf, size_t len,
		  size_t *consumed)
{
	size_t start = 0;
	int r = RKV_RESP_AGAIN;

	*consumed = 0;
	if (p->errmsg)
		return RKV_ERR_PROTO;
	if (p->state == REQ_IDLE && p->argcap > 1024)
		req_release_argv(p); /* a huge request is over: shrink back */
	for (;;) {
		const char *h = buf + start;
		size_t avail = len - start, skip = 0;

		if (p->state == REQ_IDLE) {
			if (avail == 0)
				break;
			p->inline_request = *h != '*';
			if (p->inline_request) {
				r = req_inline(p, h, avail, &skip);
				if (r != RKV_RESP_DONE)
					break;
				if (p->argc == 0) {
					start += skip; /* empty line */
					continue;
				}
				*consumed = start + skip;
				return RKV_RESP_DONE;
			}
			r = req_multibulk_start(p, h, avail, &skip);
			if (r != RKV_RESP_DONE)
				break;
			if (skip) {
				start += skip;
				continue;
			}
		}
		r = req_multibulk_args(p, h, avail);
		if (r == RKV_RESP_DONE)
			*consumed = start + p->pos;
		else
			*consumed = start;
		return r;
	}
	*consumed = start;
	return r == RKV_RESP_DONE ? RKV_RESP_AGAIN : r;
}

/* ---------------------------------------------------------------------- */
/* Reply tokenizer                                                        */
/* ---------------------------------------------------------------------- */

void rkv_reply_parser_init(rkv_reply_parser *p)
{
	memset(p, 0, sizeof(*p));
	p->max_bulk = RKV_PROTO_MAX_BULK_DEFAULT;
	p->max_elements = RKV_PROTO_MAX_MULTIBULK;
	p->max_line = RKV_RESP_MAX_LINE;
	p->max_depth = RKV_RESP_MAX_DEPTH;
}

static int reply_fail(rkv_reply_parser *p, const char *msg)
{
	if (!p->errmsg)
		p->errmsg = msg;
	return RKV_ERR_PROTO;
}

/* The message hiredis gives for an unknown type byte, with the byte quoted
 * as sdscatrepr() quotes it. */
static int reply_bad_type(rkv_reply_parser *p, unsigned char c)
{
	char repr[8];

	if (c == '"' || c == '\\')
		snprintf(repr, sizeof(repr), "\\%c", c);
	else if (c == '\n')
		snprintf(repr, sizeof(repr), "\\n");
	else if (c == '\r')
		snprintf(repr, sizeof(repr), "\\r");
	else if (c == '\t')
		snprintf(repr, sizeof(repr), "\\t");
	else if (c == '\a')
		snprintf(repr, sizeof(repr), "\\a");
	else if (c == '\b')
		snprintf(repr, sizeof(repr), "\\b");
	else if (c >= 0x20 && c < 0x7f)
		snprintf(repr, sizeof(repr), "%c", c);
	else
		snprintf(repr, sizeof(repr), "\\x%02x", c);
	snprintf(p->errbuf, sizeof(p->errbuf),
		 "Protocol error, got \"%s\" as reply type byte", repr);
	return reply_fail(p, p->errbuf);
}

static bool parse_double(const char *s, size_t len, double *out)
{
	char tmp[328]; /* MAX_LONG_DOUBLE_CHARS-ish, as hiredis */
	char *eptr;

	if (len == 0 || len >= sizeof(tmp) || rkv_is_space(s[0]))
		return false;
	memcpy(tmp, s, len);
	tmp[len] = '\0';
	if (rkv_caseeq(s, len, "inf") || rkv_caseeq(s, len, "+inf")) {
		*out = INFINITY;
	} else if (rkv_caseeq(s, len, "-inf")) {
		*out = -INFINITY;
	} else if (rkv_caseeq(s, len, "nan") || rkv_caseeq(s, len, "-nan")) {
		*out = NAN;
	} else {
		*out = strtod(tmp, &eptr);
		if (eptr != tmp + len || !isfinite(*out))
			return false;
	}
	return true;
}

/* A token that is a complete element has been read: count it against the
 * open aggregates, closing those it completes. */
static void reply_element_done(rkv_reply_parser *p, rkv_resp_token *tok)
{
	for (;;) {
		if (p->depth == 0) {
			tok->end = true;
			return;
		}
		if (--p->stack[p->depth - 1].left > 0)
			return;
		p->depth--;
		/* An attribute is metadata about the element that follows it:
		 * closing it completes nothing. */
		if (p->stack[p->depth].attr)
			return;
	}
}

int rkv_reply_next(rkv_reply_parser *p, const char *buf, size_t len,
		   size_t *consumed, rkv_resp_token *tok)
{
	const char *cr, *line, *end = buf + len;
	size_t linelen, hdr;
	long long n = 0;
	unsigned char type;

	*consumed = 0;
	if (p->errmsg)
		return RKV_ERR_PROTO;
	if (len == 0)
		return RKV_RESP_AGAIN;
	/* The header line: up to the first CR LF. */
	for (cr = buf + 1 + p->scanned;; cr++) {
		cr = memchr(cr, '\r', (size_t)(end - cr));
		if (!cr || cr + 1 >= end) {
			/* Judged on the line, not on what is buffered: fail
			 * once the line's CR can no longer come within
			 * max_line bytes of content. */
			size_t shortest = (size_t)((cr ? cr : end) - buf) - 1;

			if (shortest > p->max_line)
				return reply_fail(
				    p, "Protocol error: too big reply line");
			p->scanned = shortest;
			return RKV_RESP_AGAIN;
		}
		if (cr[1] == '\n')
			break;
	}
	if ((size_t)(cr - buf) - 1 > p->max_line)
		return reply_fail(p, "Protocol error: too big reply line");
	type = (unsigned char)buf[0];
	line = buf + 1;
	linelen = (size_t)(cr - line);
	hdr = linelen + 3;
	memset(tok, 0, sizeof(*tok));
	tok->type = (rkv_resp_type)type;
	tok->depth = p->depth;
	switch (type) {
	case '+':
	case '-':
		tok->str.ptr = line;
		tok->str.len = linelen;
		break;
	case ':':
		if (!rkv_string2ll(line, linelen, &tok->n))
			return reply_fail(p, "Bad integer value");
		break;
	case ',':
		if (!parse_double(line, linelen, &tok->d))
			return reply_fail(p, "Bad double value");
		tok->str.ptr = line;
		tok->str.len = linelen;
		break;
	case '_':
		if (linelen != 0)
			return reply_fail(p, "Bad nil value");
		break;
	case '#':
		if (linelen != 1 || (line[0] != 't' && line[0] != 'f'))
			return reply_fail(p, "Bad bool value");
		tok->n = line[0] == 't';
		break;
	case '(':
		for (size_t i = 0; i < linelen; i++)
			if ((line[i] < '0' || line[i] > '9') &&
			    !(i == 0 && line[0] == '-' && linelen > 1))
				return reply_fail(p, "Bad bignum value");
		if (linelen == 0)
			return reply_fail(p, "Bad bignum value");
		tok->str.ptr = line;
		tok->str.len = linelen;
		break;
	case '$':
	case '!':
	case '=':
		if (!rkv_string2ll(line, linelen, &n) || n < -1 ||
		    n > p->max_bulk || (n == -1 && type != '$'))
			return reply_fail(p, "Bad bulk string length");
		tok->n = n;
		if (n >= 0) {
			if ((size_t)(end - buf) - hdr < (size_t)n + 2) {
				/* The line is known good; only the payload is
				 * missing. Rescan from the CR next time. */
				p->scanned = linelen;
				return RKV_RESP_AGAIN;
			}
			if (buf[hdr + (size_t)n] != '\r' ||
			    buf[hdr + (size_t)n + 1] != '\n')
				return reply_fail(p,
						  "Protocol error: bulk string "
						  "not terminated by CRLF");
			tok->str.ptr = buf + hdr;
			tok->str.len = (size_t)n;
			if (type == '=') {
				if (n < 4 || tok->str.ptr[3] != ':')
					return reply_fail(
					    p, "Verbatim string 4 bytes of "
					       "content type are missing or "
					       "incorrectly encoded.");
				memcpy(tok->fmt, tok->str.ptr, 3);
				tok->str.ptr += 4;
				tok->str.len -= 4;
			}
			hdr += (size_t)n + 2;
		}
		break;
	case '*':
	case '%':
	case '~':
	case '|':
	case '>': {
		long long k;

		if (!rkv_string2ll(line, linelen, &n) || n < -1 ||
		    (n == -1 && type != '*'))
			return reply_fail(p, "Bad multi-bulk length");
		k = (type == '%' || type == '|') ? 2 : 1;
		if (n > p->max_elements / k)
			return reply_fail(p, "Multi-bulk length out of range");
		tok->n = n;
		if (n > 0) {
			if (p->depth >= p->max_depth) {
				snprintf(p->errbuf, sizeof(p->errbuf),
					 "No support for nested multi bulk "
					 "replies with depth > %u",
					 p->max_depth);
				return reply_fail(p, p->errbuf);
			}
			p->stack[p->depth].left = n * k;
			p->stack[p->depth].attr = type == '|';
			p->depth++;
			p->scanned = 0;
			*consumed = hdr;
			return RKV_RESP_DONE;
		}
		break;
	}
	default:
		return reply_bad_type(p, type);
	}
	p->scanned = 0;
	*consumed = hdr;
	if (type != '|')
		reply_element_done(p, tok);
	return RKV_RESP_DONE;
}

/* ---------------------------------------------------------------------- */
/* Streamed bulk payloads                                                 */
/* ---------------------------------------------------------------------- */

int rkv_bulk_stream_begin(rkv_bulk_stream *s, const char *buf, size_t len,
			  long long max_len, size_t *consumed)
{
	const char *cr;
	long long n;
	size_t scanned = s->scanned <= len ? s->scanned : 0;

	*consumed = 0;
	if (s->errmsg)
		return RKV_ERR_PROTO;
	cr = memchr(buf + scanned, '\r', len - scanned);
	if (cr ? (size_t)(cr - buf) > RKV_PROTO_INLINE_MAX
	       : len > RKV_PROTO_INLINE_MAX) {
		s->errmsg = "Protocol error: too big bulk count string";
		return RKV_ERR_PROTO;
	}
	if (!cr || cr + 1 >= buf + len) {
		s->scanned = cr ? (size_t)(cr - buf) : len;
		return RKV_RESP_AGAIN;
	}
	memset(s, 0, sizeof(*s));
	if (buf[0] != '$') {
		s->errmsg = "Protocol error: expected '$' before bulk payload";
		return RKV_ERR_PROTO;
	}
	*consumed = (size_t)(cr - buf) + 2;
	if ((size_t)(cr - buf) == 5 + RKV_EOF_MARK_SIZE &&
	    memcmp(buf, "$EOF:", 5) == 0) {
		s->eof_form = true;
		memcpy(s->mark, buf + 5, RKV_EOF_MARK_SIZE);
		return RKV_RESP_DONE;
	}
	if (!rkv_string2ll(buf + 1, (size_t)(cr - buf - 1), &n) || n < 0 ||
	    n > max_len) {
		*consumed = 0;
		s->errmsg = "Protocol error: invalid bulk length";
		return RKV_ERR_PROTO;
	}
	s->left = n;
	s->done = n == 0;
	return RKV_RESP_DONE;
}

static int emit(rkv_bulk_stream *s, rkv_bulk_sink sink, void *ud, const char *p,
		size_t n)
{
	if (n == 0)
		return 0;
	s->total += (long long)n;
	return sink(ud, p, n);
}

/* EOF form: payload is everything before the mark. The last bytes seen are
 * held back (never more than the mark's length - 1) until it is known they
 * do not begin the mark, so the outcome is the same however input is
 * split. */
static int bulk_feed_eof(rkv_bulk_stream *s, const char *buf, size_t len,
			 size_t *consumed, rkv_bulk_sink sink, void *ud)
{
	const size_t M = RKV_EOF_MARK_SIZE, tl = s->tail_len;
	char win[2 * RKV_EOF_MARK_SIZE];
	size_t wlen = tl + (len < M - 1 ? len : M - 1);
	const char *hit;
	int r;

	/* A mark straddling the held-back tail and the new bytes. */
	memcpy(win, s->tail, tl);
	memcpy(win + tl, buf, wlen - tl);
	hit = memmem(win, wlen, s->mark, M);
	if (hit) {
		/* The window holds fewer than M bytes of buf, so a mark in it
		 * starts in the tail. */
		size_t k = (size_t)(hit - win);

		assert(k < tl);
		if ((r = emit(s, sink, ud, s->tail, k)) < 0)
			return r;
		*consumed = k + M - tl;
		s->done = true;
		return RKV_RESP_DONE;
	}
	hit = memmem(buf, len, s->mark, M);
	if (hit) {
		size_t k = (size_t)(hit - buf);

		if ((r = emit(s, sink, ud, s->tail, tl)) < 0 ||
		    (r = emit(s, sink, ud, buf, k)) < 0)
			return r;
		*consumed = k + M;
		s->done = true;
		return RKV_RESP_DONE;
	}
	*consumed = len;
	if (len >= M - 1) {
		if ((r = emit(s, sink, ud, s->tail, tl)) < 0 ||
		    (r = emit(s, sink, ud, buf, len - (M - 1))) < 0)
			return r;
		memcpy(s->tail, buf + len - (M - 1), M - 1);
		s->tail_len = M - 1;
	} else {
		size_t keep = tl + len < M - 1 ? tl + len : M - 1;
		size_t out = tl + len - keep; /* <= tl */

		if ((r = emit(s, sink, ud, s->tail, out)) < 0)
			return r;
		memmove(s->tail, s->tail + out, tl - out);
		memcpy(s->tail + tl - out, buf, len);
		s->tail_len = keep;
	}
	return RKV_RESP_AGAIN;
}

int rkv_bulk_stream_feed(rkv_bulk_stream *s, const char *buf, size_t len,
			 size_t *consumed, rkv_bulk_sink sink, void *user_data)
{
	size_t n;
	int r;

	*consumed = 0;
	if (s->done)
		return RKV_RESP_DONE;
	if (s->eof_form)
		return bulk_feed_eof(s, buf, len, consumed, sink, user_data);
	n = (unsigned long long)s->left < len ? (size_t)s->left : len;
	if ((r = emit(s, sink, user_data, buf, n)) < 0)
		return r;
	s->left -= (long long)n;
	*consumed = n;
	s->done = s->left == 0;
	return s->done ? RKV_RESP_DONE : RKV_RESP_AGAIN;
}

/* ---------------------------------------------------------------------- */
/* Reply writer                                                           */
/* ---------------------------------------------------------------------- */

/* "<type><n>\r\n" */
static inline void add_header(rkv_buf *b, char type, long long n)
{
	char *p = rkv_buf_reserve(b, RKV_LLSTR_SIZE + 3);
	size_t k;

	if (!p)
		return;
	p[0] = type;
	k = 1 + rkv_ll2str(p + 1, n);
	p[k++] = '\r';
	p[k++] = '\n';
	b->len += k;
}

static inline void add_line(rkv_buf *b, char type, const char *s, size_t len)
{
	char *p = rkv_buf_reserve(b, len + 3);

	if (!p)
		return;
	p[0] = type;
	memcpy(p + 1, s, len);
	p[len + 1] = '\r';
	p[len + 2] = '\n';
	b->len += len + 3;
}

void rkv_resp_add_status(rkv_buf *b, const char *s, size_t len)
{
	add_line(b, '+', s, len);
}

void rkv_resp_add_error(rkv_buf *b, const char *msg, size_t len)
{
	size_t pre = (len && msg[0] == '-') ? 0 : 5;
	char *p = rkv_buf_reserve(b, pre + len + 2);

	if (!p)
		return;
	memcpy(p, "-ERR ", pre);
	memcpy(p + pre, msg, len);
	/* An error is one line: a CR or LF inside would split the reply. */
	for (size_t i = pre; i < pre + len; i++)
		if (p[i] == '\r' || p[i] == '\n')
			p[i] = ' ';
	memcpy(p + pre + len, "\r\n", 2);
	b->len += pre + len + 2;
}

void rkv_resp_add_errorf(rkv_buf *b, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = rkv_vfmt(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	rkv_resp_add_error(b, msg, n < 0 ? 0 : (size_t)n);
}

void rkv_resp_add_integer(rkv_buf *b, long long v)
{
	add_header(b, ':', v);
}

void rkv_resp_add_bulk(rkv_buf *b, const char *s, size_t len)
{
	char *p = rkv_buf_reserve(b, len + RKV_LLSTR_SIZE + 5);
	size_t n;

	if (!p)
		return;
	p[0] = '$';
	n = 1 + rkv_ull2str(p + 1, len);
	p[n++] = '\r';
	p[n++] = '\n';
	memcpy(p + n, s, len);
	n += len;
	p[n++] = '\r';
	p[n++] = '\n';
	b->len += n;
}

void rkv_resp_add_null(rkv_buf *b, int proto)
{
	if (proto >= 3)
		rkv_buf_append(b, "_\r\n", 3);
	else
		rkv_buf_append(b, "$-1\r\n", 5);
}

void rkv_resp_add_null_array(rkv_buf *b, int proto)
{
	if (proto >= 3)
		rkv_buf_append(b, "_\r\n", 3);
	else
		rkv_buf_append(b, "*-1\r\n", 5);
}

void rkv_resp_add_array(rkv_buf *b, long long n)
{
	add_header(b, '*', n);
}

void rkv_resp_add_map(rkv_buf *b, int proto, long long pairs)
{
	if (proto >= 3)
		add_header(b, '%', pairs);
	else
		add_header(b, '*', pairs * 2);
}

void rkv_resp_add_set(rkv_buf *b, int proto, long long n)
{
	add_header(b, proto >= 3 ? '~' : '*', n);
}

void rkv_resp_add_push(rkv_buf *b, int proto, long long n)
{
	add_header(b, proto >= 3 ? '>' : '*', n);
}

void rkv_resp_add_attribute(rkv_buf *b, int proto, long long pairs)
{
	if (proto >= 3)
		add_header(b, '|', pairs);
}

void rkv_resp_add_double(rkv_buf *b, int proto, double d)
{
	char num[64];
	int n;

	if (isinf(d))
		n = snprintf(num, sizeof(num), "%s", d > 0 ? "inf" : "-inf");
	else
		n = snprintf(num, sizeof(num), "%.17g", d);
	if (proto >= 3)
		add_line(b, ',', num, (size_t)n);
	else
		rkv_resp_add_bulk(b, num, (size_t)n);
}

void rkv_resp_add_bool(rkv_buf *b, int proto, bool v)
{
	if (proto >= 3)
		rkv_buf_append(b, v ? "#t\r\n" : "#f\r\n", 4);
	else
		rkv_buf_append(b, v ? ":1\r\n" : ":0\r\n", 4);
}

void rkv_resp_add_bignum(rkv_buf *b, int proto, const char *s, size_t len)
{
	if (proto >= 3)
		add_line(b, '(', s, len);
	else
		rkv_resp_add_bulk(b, s, len);
}

void rkv_resp_add_verbatim(rkv_buf *b, int proto, const char *fmt,
			   const char *s, size_t len)
{
	if (proto < 3) {
		rkv_resp_add_bulk(b, s, len);
		return;
	}
	add_header(b, '=', (long long)len + 4);
	rkv_buf_append(b, fmt, 3);
	rkv_buf_append(b, ":", 1);
	rkv_buf_append(b, s, len);
	rkv_buf_append(b, "\r\n", 2);
}
