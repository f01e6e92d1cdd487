/* RESP2/RESP3: incremental request parser, reply tokenizer, streamed bulk
 * payloads (RDB transfers) and the reply writer.
 *
 * Input model. Parsers never copy or own input. The caller keeps the bytes it
 * has not yet seen consumed in one contiguous buffer (a connection's query
 * buffer) and passes that whole buffer on each call, with new bytes appended.
 * A call reports through *consumed how many bytes at the front are finished
 * with; the rest must be passed again, unchanged, at the front of the next
 * call's buffer (the buffer may move in memory between calls). The parser
 * remembers how far it already scanned, so a request trickling in byte by byte
 * is not re-scanned, and the outcome does not depend on how the input was
 * split: one byte at a time gives the same results as all at once.
 *
 * Errors are values. A protocol violation puts the parser in a closed state
 * that returns the same error on every later call; the message is Redis's
 * exact reply text (request side) or hiredis's (reply side). */
#ifndef RKV_RESP_H
#define RKV_RESP_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include "buf.h"

/* Redis's PROTO_INLINE_MAX_SIZE: the longest inline request, and the longest
 * header line (`*<n>` / `$<n>`) scanned before a CR must have appeared. */
#define RKV_PROTO_INLINE_MAX 65536
/* Redis's default proto-max-bulk-len. */
#define RKV_PROTO_MAX_BULK_DEFAULT (512LL * 1024 * 1024)
/* Redis 7.0 accepts multibulk counts up to INT_MAX. */
#define RKV_PROTO_MAX_MULTIBULK INT_MAX
/* Redis's limits for a client that still has to authenticate: a connection
 * that has not sent AUTH cannot make the server buffer much. */
#define RKV_PROTO_UNAUTH_MAX_MULTIBULK 10
#define RKV_PROTO_UNAUTH_MAX_BULK      16384
/* Deepest reply nesting the tokenizer follows. Redis replies nest at most a
 * handful of levels (COMMAND DOCS is the deepest); 128 leaves room while
 * bounding the parser's fixed-size stack. */
#define RKV_RESP_MAX_DEPTH 128
/* Longest reply header or simple line (+, -, :, ',', '(' ...) buffered while
 * waiting for its CRLF. Real servers send short lines; a peer that streams a
 * line forever is cut off here. */
#define RKV_RESP_MAX_LINE (64 * 1024)

/* A byte range. */
typedef struct rkv_slice {
	const char *ptr;
	size_t len;
} rkv_slice;

/* Return values of the parse functions besides negative RKV_ERR_* codes. */
#define RKV_RESP_AGAIN 0 /* need more input */
#define RKV_RESP_DONE  1 /* one item parsed */

/* ---------------------------------------------------------------------- */
/* Request parser                                                         */
/* ---------------------------------------------------------------------- */

#define RKV_REQ_INLINE_ARGV 16

typedef struct rkv_req_parser {
	const rkv_allocator *alloc;
	long long max_bulk;	 /* proto-max-bulk-len */
	long long max_multibulk; /* largest `*<n>` accepted */
	bool unauthenticated;	 /* apply Redis's pre-AUTH limits */

	/* Result of the last RKV_RESP_DONE: argv[0..argc). The slices point
	 * into the caller's buffer (or into `scratch` for quoted inline
	 * arguments) and stay valid until the next call or until the buffer
	 * changes. */
	size_t argc;
	rkv_slice *argv;
	bool inline_request; /* the last request used the inline form */

	/* Error of the closed state: the reply text ("Protocol error: ...") and
	 * Redis's short reason for the log line ("invalid bulk length"). */
	const char *errmsg;
	const char *errreason;
	char errbuf[48];

	/* Private state. */
	int state;
	long long mb_left; /* bulks of the current request still to read */
	/* Length of the bulk being read, -1 before its header. */
	long long bulklen;
	/* Scan position, from the start of the current request. */
	size_t pos;
	/* Bytes of the current line known to hold no terminator. */
	size_t scanned;
	size_t argcap;
	size_t *argoff; /* argument offsets while a request is incomplete */
	rkv_slice argv_small[RKV_REQ_INLINE_ARGV];
	size_t argoff_small[RKV_REQ_INLINE_ARGV];
	char *scratch;
	size_t scratch_cap;
} rkv_req_parser;

void rkv_req_parser_init(rkv_req_parser *p, const rkv_allocator *alloc);
void rkv_req_parser_free(rkv_req_parser *p);

/* Parse the next request from buf[0..len).
 * Returns RKV_RESP_DONE (request in p->argc/p->argv, argc >= 1),
 * RKV_RESP_AGAIN (need more bytes), RKV_ERR_PROTO (p->errmsg; the parser is
 * closed) or RKV_ERR_NOMEM (the parser is unchanged; retrying is allowed).
 * *consumed is always set: the bytes at the front that are done with (a
 * parsed request, empty requests skipped on the way). */
int rkv_req_parse(rkv_req_parser *p, const char *buf, size_t len,
		  size_t *consumed);

/* True once the parser has hit a protocol error. */
static inline bool rkv_req_parser_closed(const rkv_req_parser *p)
{
	return p->errmsg != NULL;
}

/* ---------------------------------------------------------------------- */
/* Reply tokenizer                                                        */
/* ---------------------------------------------------------------------- */

/* Reply types, by their RESP type byte. */
typedef enum rkv_resp_type {
	RKV_RESP_STATUS = '+',
	RKV_RESP_ERROR = '-',
	RKV_RESP_INTEGER = ':',
	RKV_RESP_BULK = '$',
	RKV_RESP_ARRAY = '*',
	RKV_RESP_MAP = '%',
	RKV_RESP_SET = '~',
	RKV_RESP_ATTRIBUTE = '|',
	RKV_RESP_PUSH = '>',
	RKV_RESP_NULL = '_',
	RKV_RESP_DOUBLE = ',',
	RKV_RESP_BOOL = '#',
	RKV_RESP_BIGNUM = '(',
	RKV_RESP_VERBATIM = '=',
	RKV_RESP_BLOBERR = '!'
} rkv_resp_type;

/* One token of a reply. Aggregates are reported in pre-order: the aggregate
 * token (with its element count) and then its elements, one token each. */
typedef struct rkv_resp_token {
	rkv_resp_type type;
	unsigned depth; /* 0 for a top-level token */
	bool end;	/* this token completes a top-level reply */
	/* INTEGER: the value. BOOL: 0 or 1. BULK/BLOBERR/VERBATIM: payload
	 * length. Aggregates: element count (map/attribute: pairs). -1 is a
	 * RESP2 null bulk or null array. */
	long long n;
	double d; /* DOUBLE */
	/* STATUS/ERROR/BULK/BLOBERR/BIGNUM/DOUBLE text; VERBATIM text after
	 * its "xxx:" prefix. Points into the caller's buffer. */
	rkv_slice str;
	char fmt[4]; /* VERBATIM format, NUL-terminated ("txt") */
} rkv_resp_token;

typedef struct rkv_reply_parser {
	long long max_bulk;
	long long max_elements;
	size_t max_line;
	unsigned max_depth; /* <= RKV_RESP_MAX_DEPTH */

	const char *errmsg; /* set once closed */
	char errbuf[96];

	/* Private state. */
	unsigned depth;
	size_t scanned;
	struct {
		long long left; /* elements still to come (pairs count twice) */
		bool attr;
	} stack[RKV_RESP_MAX_DEPTH];
} rkv_reply_parser;

void rkv_reply_parser_init(rkv_reply_parser *p);

/* Read the next token from buf[0..len). Returns RKV_RESP_DONE (*tok filled,
 * *consumed = its length), RKV_RESP_AGAIN (*consumed = 0) or RKV_ERR_PROTO
 * (p->errmsg; closed). */
int rkv_reply_next(rkv_reply_parser *p, const char *buf, size_t len,
		   size_t *consumed, rkv_resp_token *tok);

/* True between replies (no aggregate open). */
static inline bool rkv_reply_parser_idle(const rkv_reply_parser *p)
{
	return p->depth == 0;
}

/* ---------------------------------------------------------------------- */
/* Streamed bulk payloads                                                 */
/* ---------------------------------------------------------------------- */

/* Redis's RDB_EOF_MARK_SIZE. */
#define RKV_EOF_MARK_SIZE 40

/* A bulk payload consumed in chunks, never buffered whole: an RDB transfer
 * in the `$<len>\r\n<bytes>` form (no trailing CRLF) or the diskless
 * `$EOF:<40-byte mark>\r\n<bytes><mark>` form. */
typedef struct rkv_bulk_stream {
	bool eof_form;
	bool done;
	long long left;	 /* length form: payload bytes still to come */
	long long total; /* payload bytes delivered so far */
	char mark[RKV_EOF_MARK_SIZE];
	char tail[RKV_EOF_MARK_SIZE - 1]; /* held back: may start the mark */
	size_t tail_len;
	size_t scanned;
	const char *errmsg;
} rkv_bulk_stream;

/* Receives payload bytes in order; returns 0 or a negative code to stop. */
typedef int (*rkv_bulk_sink)(void *user_data, const char *data, size_t len);

/* Parse the header line at the front of buf[0..len). Returns RKV_RESP_DONE
 * (*consumed = header length), RKV_RESP_AGAIN (*consumed = 0) or
 * RKV_ERR_PROTO (s->errmsg). max_len bounds the length form. */
int rkv_bulk_stream_begin(rkv_bulk_stream *s, const char *buf, size_t len,
			  long long max_len, size_t *consumed);

/* Feed bytes that follow the header. Payload bytes go to `sink`. Returns
 * RKV_RESP_DONE when the payload (and mark) ended, with *consumed at the
 * first byte after it; RKV_RESP_AGAIN when all of buf was used
 * (*consumed = len); or the sink's negative code. Unlike the parsers, the
 * stream keeps what it needs: buf need not be passed again. */
int rkv_bulk_stream_feed(rkv_bulk_stream *s, const char *buf, size_t len,
			 size_t *consumed, rkv_bulk_sink sink, void *user_data);

/* ---------------------------------------------------------------------- */
/* Reply writer                                                           */
/* ---------------------------------------------------------------------- */

/* Each appends one reply (or aggregate header) to `b`, in the form of the
 * connection's protocol `proto` (2 or 3) where the two differ. */
void rkv_resp_add_status(rkv_buf *b, const char *s, size_t len);
/* "-ERR <msg>\r\n", or "<msg>\r\n" as is when msg starts with '-' (an error
 * code of its own: "-WRONGTYPE ..."). CR and LF in msg become spaces. */
void rkv_resp_add_error(rkv_buf *b, const char *msg, size_t len);
void rkv_resp_add_errorf(rkv_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void rkv_resp_add_integer(rkv_buf *b, long long v);
void rkv_resp_add_bulk(rkv_buf *b, const char *s, size_t len);
void rkv_resp_add_null(rkv_buf *b, int proto);
void rkv_resp_add_null_array(rkv_buf *b, int proto);
void rkv_resp_add_array(rkv_buf *b, long long n);
void rkv_resp_add_map(rkv_buf *b, int proto, long long pairs);
void rkv_resp_add_set(rkv_buf *b, int proto, long long n);
void rkv_resp_add_push(rkv_buf *b, int proto, long long n);
/* RESP3 only: RESP2 clients never see attributes, so nothing is written. */
void rkv_resp_add_attribute(rkv_buf *b, int proto, long long pairs);
void rkv_resp_add_double(rkv_buf *b, int proto, double d);
void rkv_resp_add_bool(rkv_buf *b, int proto, bool v);
void rkv_resp_add_bignum(rkv_buf *b, int proto, const char *s, size_t len);
/* fmt is the 3-byte format ("txt", "mkd"). RESP2: a plain bulk string. */
void rkv_resp_add_verbatim(rkv_buf *b, int proto, const char *fmt,
			   const char *s, size_t len);

#endif
