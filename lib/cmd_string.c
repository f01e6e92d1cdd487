/* String commands: GET SET (NX XX GET EX PX EXAT PXAT KEEPTTL) SETNX SETEX
 * PSETEX GETSET GETDEL MGET MSET MSETNX INCR DECR INCRBY DECRBY APPEND
 * STRLEN GETRANGE SETRANGE GETEX INCRBYFLOAT OBJECT LCS, with Redis 7.0's
 * option rules, replies and error texts. */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>

#include "commands.h"
#include "util.h"

static bool store(rkv_conn *c, const rkv_slice *key, const char *val,
		  size_t vlen, bool keep_ttl, rkv_entry **out)
{
	if (rkv_keyspace_set(&c->node->ks, c->db, key->ptr, key->len, val, vlen,
			     keep_ttl, rkv_cmd_now(c), out) == 0) {
		rkv_modified(c, key);
		return true;
	}
	rkv_reply_oom(c);
	return false;
}

void rkv_cmd_get(rkv_conn *c, size_t argc, const rkv_slice *argv)
{
	rkv_entry *e = rkv_lookup(c, &argv[1]);

	(void)argc;
	if (e)
		rkv_reply_entry(c, e);
	else
		rkv_reply_null(c);
}

enum {
	SET_NX = 1 << 0,
	SET_XX = 1 << 1,
	SET_EX = 1 << 2,
	SET_PX = 1 << 3,
	SET_KEEPTTL = 1 << 4,
	SET_GET = 1 << 5,
	SET_EXAT = 1 << 6,
	SET_PXAT = 1 << 7,
	SET_PERSIST = 1 << 8
};
#define SET_ANY_EXPIRE (SET_EX | SET_PX | SET_EXAT | SET_PXAT)

/* Options of SET (from argv[3]) and GETEX (from argv[2]), accepted in any
 * order under Redis's rules: NX and XX exclude each other, KEEPTTL and
 * PERSIST exclude an expiry, two different expiry options exclude each
 * other (repeating one is allowed: the last wins). */
enum { FOR_SET = 1, FOR_GETEX = 2 };

static bool string_options(rkv_conn *c, size_t argc, const rkv_slice *argv,
			   int command, int *flags, const rkv_slice **expire)
{
	static const struct {
		const char *name;
		int flag, excludes, commands;
	} opts[] = {
	    {"nx", SET_NX, SET_XX, FOR_SET},
	    {"xx", SET_XX, SET_NX, FOR_SET},
	    {"get", SET_GET, 0, FOR_SET},
	    {"keepttl", SET_KEEPTTL, SET_PERSIST | SET_ANY_EXPIRE, FOR_SET},
	    {"persist", SET_PERSIST, SET_KEEPTTL | SET_ANY_EXPIRE, FOR_GETEX},
	    {"ex", SET_EX,
	     SET_KEEPTTL | SET_PERSIST | (SET_ANY_EXPIRE & ~SET_EX),
	     FOR_SET | FOR_GETEX},
	    {"px", SET_PX,
	     SET_KEEPTTL | SET_PERSIST | (SET_ANY_EXPIRE & ~SET_PX),
	     FOR_SET | FOR_GETEX},
	    {"exat", SET_EXAT,
	     SET_KEEPTTL | SET_PERSIST | (SET_ANY_EXPIRE & ~SET_EXAT),
	     FOR_SET | FOR_GETEX},
	    {"pxat", SET_PXAT,
	     SET_KEEPTTL | SET_PERSIST | (SET_ANY_EXPIRE & ~SET_PXAT),
	     FOR_SET | FOR_GETEX},
	};

	*flags = 0;
	*expire = NULL;
	for (size_t j = command == FOR_SET ? 3 : 2; j < argc; j++) {
		size_t k;

		for (k = 0; k < sizeof(opts) / sizeof(*opts); k++)
			if (rkv_arg_is(&argv[j], opts[k].name))
				break;
		if (k == sizeof(opts) / sizeof(*opts) ||
		    !(opts[k].commands & command) ||
		    (*flags & opts[k].excludes) ||
		    ((opts[k].flag & SET_ANY_EXPIRE) && j + 1 == argc)) {
			rkv_reply_syntax_error(c);
			return false;
		}
		*flags |= opts[k].flag;
		if (opts[k].flag & SET_ANY_EXPIRE)
			*expire = &argv[++j];
	}
	return true;
}

/* The absolute expiry time in ms for an EX/PX/EXAT/PXAT argument, or false
 * after replying with Redis's error. */
static bool expire_ms(rkv_conn *c, const rkv_slice *arg, int flags,
		      const char *cmd, long long *ms)
{
	bool seconds = flags & (SET_EX | SET_EXAT);

	if (!rkv_arg_ll(c, arg, ms))
		return false;
	if (*ms <= 0 || (seconds && *ms > LLONG_MAX / 1000))
		goto invalid;
	if (seconds)
		*ms *= 1000;
	if (flags & (SET_EX | SET_PX)) {
		if (*ms > LLONG_MAX - rkv_cmd_now(c))
			goto invalid;
		*ms += rkv_cmd_now(c);
	}
	return true;
invalid:
	rkv_reply_invalid_expire(c, cmd);
	return false;
}

/* The common tail of SET, SETNX, SETEX and PSETEX. ok_reply/abort_reply
 * override +OK / null, as Redis's setGenericCommand allows. */
static void set_generic(rkv_conn *c, int flags, const rkv_slice *key,
			const rkv_slice *val, const rkv_slice *expire,
			const char *cmd, const char *ok_reply,
			const char *abort_reply)
{
	long long when = -1;
	rkv_entry *e;
	bool found;

	if (expire && !expire_ms(c, expire, flags, cmd, &when))
		return;
	e = rkv_lookup(c, key);
	if (flags & SET_GET) {
		if (e)
			rkv_reply_entry(c, e);
		else
			rkv_reply_null(c);
	}
	found = e != NULL;
	if (((flags & SET_NX) && found) || ((flags & SET_XX) && !found)) {
		if (flags & SET_GET)
			return;
		if (abort_reply)
			rkv_buf_append(rkv_out(c), abort_reply,
				       strlen(abort_reply));
		else
			rkv_reply_null(c);
		return;
	}
	if (!store(c, key, val->ptr, val->len, flags & SET_KEEPTTL, &e))
		return;
	if (when >= 0)
		rkv_keyspace_set_expire(&c->node->ks, c->db, e, when);
	if (!(flags & SET_GET))
		rkv_buf_append(rkv_out(c), ok_reply, strlen(ok_reply));
	if (when >= 0) {
		/* Replicas get the absolute time, as Redis 7.0 sends it. */
		char num[RKV_LLSTR_SIZE];
		rkv_slice p[5] = {{"SET", 3},
				  *key,
				  *val,
				  {"PXAT", 4},
				  {num, rkv_ll2str(num, when)}};

		rkv_propagate(c->node, c->db, 5, p);
	} else {
		rkv_slice p[3] = {{"SET", 3}, *key, *val};

		rkv_propagate(c->node, c->db, 3, p);
	}
}

void rkv_cmd_set(rkv_conn *c, size_t argc, const rkv_slice *argv)
{
	const rkv_slice *expire;
	int flags;

	if (!string_options(c, argc, argv, FOR_SET, &flags, &expire))
		return;
	set_generic(c, flags, &argv[1], &argv[2], expire, "set", "+OK\r\n",
		    NULL);
}

void rkv_cmd_setnx(rkv_conn *c, size_t argc, const rkv_slice *argv)
{
	(void)argc;
	set_generic(c, SET_NX, &argv[1], &argv[2], NULL, "setnx", ":1\r\n",
		    ":0\r\n");
}

void rkv_cmd_setex(rkv_conn *c, size_t argc, const rkv_slice *argv)
{
	(void)argc;
	set_generic(c, SET_EX, &argv[1], &argv[3], &argv[2], "setex", "+OK\r\n",
		    NULL);
}

void rkv_cmd_psetex(rkv_conn *c, size_t argc, const rkv_slice *argv)
{
	(void)argc;
	set_generic(c, SET_PX, &argv[1], &argv[3], &argv[2], "psetex",
		    "+OK\r\n", NULL);
}

void rkv_cmd_getset(rkv_conn *c, size_t argc, const rkv_slice *argv)
{
	rkv_entry *e = rkv_lookup(c, &argv[1]);

	if (e)
		rkv_reply_entry(c, e);
	else
		rkv_reply_null(c);
	/* The reply is already written from the old value: now replace it. */
	if (store(c, &argv[1], argv[2].ptr, argv[2].len, false, NULL))
		rkv_propagate(c->node, c->db, argc, argv);
}

void rkv_cmd_getdel(rkv_conn *c, size_t argc, const rkv_slice *argv)
{
	rkv_entry *e = rkv_lookup(c, &argv[1]);
	rkv_slice del[2] = {{"DEL", 3}, argv[1]}; /* replicated as a DEL */

	(void)argc;
	if (!e) {
		rkv_reply_null(c);
		return;
	}
	rkv_reply_entry(c, e);
	rkv_keyspace_delete(&c->node->ks, c->db, argv[1].ptr, argv[1].len);
	rkv_modified(c, &argv[1]);
	rkv_propagate(c->node, c->db, 2, del);
}

void rkv_cmd_mget(rkv_conn *c, size_t argc, const rkv_slice *argv)
{
	rkv_resp_add_array(rkv_out(c), (long long)argc - 1);
	for (size_t i = 1; i < argc; i++) {
		rkv_entry *e = rkv_lookup(c, &argv[i]);

		if (e)
			rkv_reply_entry(c, e);
		else
			rkv_reply_null(c);
	}
}

static void mset_generic(rkv_conn *c, size_t argc, const rkv_slice *argv,
			 bool nx, const char *name)
{
	if (argc % 2 == 0) {
		rkv_reply_arity(c, name);
		return;
	}
	if (nx) {
		for (size_t i = 1; i < argc; i += 2) {
			if (rkv_lookup(c, &argv[i])) {
				rkv_resp_add_integer(rkv_out(c), 0);
				return;
			}
		}
	}
	for (size_t i = 1; i < argc; i += 2)
		if (!store(c, &argv[i], argv[i + 1].ptr, argv[i + 1].len, false,
			   NULL))
			return;
	rkv_propagate(c->node, c->db, argc, argv);
	/* Redis counts one change per key set (rdb_changes_since_last_save). */
	c->node->dirty += (long long)(argc - 1) / 2 - 1;
	if (nx)
		rkv_resp_add_integer(rkv_out(c), 1);
	else
		rkv_reply_ok(c);
}

void rkv_cmd_mset(rkv_conn *c, size_t argc, const rkv_slice *argv)
{
	mset_generic(c, argc, argv, false, "mset");
}

void rkv_cmd_msetnx(rkv_conn *c, size_t argc, const rkv_slice *argv)
{
	mset_generic(c, argc, argv, true, "msetnx");
}

static void incr_generic(rkv_conn *c, const rkv_slice *key, long long incr,
			 size_t argc, const rkv_slice *argv)
{
	rkv_entry *e = rkv_lookup(c, key);
	long long value = 0;
	char num[RKV_LLSTR_SIZE];

	if (e) {
		char buf[RKV_LLSTR_SIZE];
		size_t len;
		const char *s = rkv_entry_str(e, buf, &len);
		rkv_slice v = {s, len};

		if (!rkv_arg_ll(c, &v, &value))
			return;
	}
	if ((incr < 0 && value < 0 && incr < LLONG_MIN - value) ||
	    (incr > 0 && value > 0 && incr > LLONG_MAX - value)) {
		rkv_resp_add_errorf(rkv_out(c),
				    "increment or decrement would overflow");
		return;
	}
	value += incr;
	if (!store(c, key, num, rkv_ll2str(num, value), true, NULL))
		return;
	rkv_propagate(c->node, c->db, argc, argv);
	rkv_resp_add_integer(rkv_out(c), value);
}

void rkv_cmd_incr(rkv_conn *c, size_t argc, const rkv_slice *argv)
{
	incr_generic(c, &argv[1], 1, argc, argv);
}

void rkv_cmd_decr(rkv_conn *c, size_t argc, const rkv_slice *argv)
{
	incr_generic(c, &argv[1], -1, argc, argv);
}

void rkv_cmd_incrby(rkv_conn *c, size_t argc, const rkv_slice *argv)
{
	long long incr;

	if (rkv_arg_ll(c, &argv[2], &incr))
		incr_generic(c, &argv[1], incr, argc, argv);
}

void rkv_cmd_decrby(rkv_conn *c, size_t argc, const rkv_slice *argv)
{
	long long incr;

	if (!rkv_arg_ll(c, &argv[2], &incr))
		return;
	if (incr == LLONG_MIN) {
		rkv_resp_add_errorf(rkv_out(c), "decrement would overflow");
		return;
	}
	incr_generic(c, &argv[1], -incr, argc, argv);
}

void rkv_cmd_append(rkv_conn *c, size_t argc, const rkv_slice *argv)
{
	rkv_entry *e = rkv_lookup(c, &argv[1]);
	const rkv_allocator *a = rkv_node_alloc(c->node);
	char buf[RKV_LLSTR_SIZE], *joined;
	const char *old = "";
	size_t oldlen = 0, total;

	bool existed = e != NULL;

	if (e)
		old = rkv_entry_str(e, buf, &oldlen);
	total = oldlen + argv[2].len;
	if ((long long)total > c->node->set.proto_max_bulk_len) {
		rkv_resp_add_errorf(rkv_out(c),
				    "string exceeds maximum allowed "
				    "size (proto-max-bulk-len)");
		return;
	}
	joined = rkv_malloc(a, total ? total : 1);
	if (!joined) {
		rkv_reply_oom(c);
		return;
	}
	memcpy(joined, old, oldlen);
	memcpy(joined + oldlen, argv[2].ptr, argv[2].len);
	if (store(c, &argv[1], joined, total, true, &e)) {
		/* Redis appends to a raw copy of an existing value; a new
		 * key keeps the usual encoding of its value. */
		if (existed)
			e->flags |= RKV_ENTRY_RAW;
		rkv_propagate(c->node, c->db, argc, argv);
		rkv_resp_add_integer(rkv_out(c), (long long)total);
	}
	rkv_free(a, joined);
}

void rkv_cmd_strlen(rkv_conn *c, size_t argc, const rkv_slice *argv)
{
	rkv_entry *e = rkv_lookup(c, &argv[1]);
	char buf[RKV_LLSTR_SIZE];
	size_t len = 0;

	(void)argc;
	if (e)
		rkv_entry_str(e, buf, &len);
	rkv_resp_add_integer(rkv_out(c), (long long)len);
}

/* GETRANGE key start end (and SUBSTR) */
void rkv_cmd_getrange(rkv_conn *c, size_t argc, const rkv_slice *argv)
{
	long long start, end;
	char buf[RKV_LLSTR_SIZE];
	size_t len;
	const char *s;
	rkv_entry *e;

	(void)argc;
	if (!rkv_arg_ll(c, &argv[2], &start) || !rkv_arg_ll(c, &argv[3], &end))
		return;
	e = rkv_lookup(c, &argv[1]);
	if (!e) {
		rkv_resp_add_bulk(rkv_out(c), "", 0);
		return;
	}
	s = rkv_entry_str(e, buf, &len);
	if (start < 0 && end < 0 && start > end) {
		rkv_resp_add_bulk(rkv_out(c), "", 0);
		return;
	}
	if (start < 0)
		start += (long long)len;
	if (end < 0)
		end += (long long)len;
	if (start < 0)
		start = 0;
	if (end < 0)
		end = 0;
	if ((unsigned long long)end >= len)
		end = (long long)len - 1;
	if (start > end || len == 0)
		rkv_resp_add_bulk(rkv_out(c), "", 0);
	else
		rkv_resp_add_bulk(rkv_out(c), s + start,
				  (size_t)(end - start + 1));
}

static bool length_ok(rkv_conn *c, long long size, long long append)
{
	long long total = size + append;

	if (total <= c->node->set.proto_max_bulk_len && total >= size &&
	    total >= append)
		return true;
	rkv_resp_add_errorf(rkv_out(c), "string exceeds maximum allowed size "
					"(proto-max-bulk-len)");
	return false;
}

/* SETRANGE key offset value */
void rkv_cmd_setrange(rkv_conn *c, size_t argc, const rkv_slice *argv)
{
	const rkv_allocator *a = rkv_node_alloc(c->node);
	const rkv_slice *v = &argv[3];
	char buf[RKV_LLSTR_SIZE], *joined;
	const char *old = "";
	size_t oldlen = 0, total;
	long long offset;
	rkv_entry *e;

	if (!rkv_arg_ll(c, &argv[2], &offset))
		return;
	if (offset < 0) {
		rkv_resp_add_errorf(rkv_out(c), "offset is out of range");
		return;
	}
	e = rkv_lookup(c, &argv[1]);
	if (e)
		old = rkv_entry_str(e, buf, &oldlen);
	if (v->len == 0) {
		rkv_resp_add_integer(rkv_out(c), (long long)oldlen);
		return;
	}
	if (!length_ok(c, offset, (long long)v->len))
		return;
	total = (size_t)offset + v->len;
	if (total < oldlen)
		total = oldlen;
	joined = rkv_malloc(a, total);
	if (!joined) {
		rkv_reply_oom(c);
		return;
	}
	memcpy(joined, old, oldlen);
	if ((size_t)offset > oldlen)
		memset(joined + oldlen, 0, (size_t)offset - oldlen);
	memcpy(joined + offset, v->ptr, v->len);
	if (store(c, &argv[1], joined, total, true, &e)) {
		e->flags |= RKV_ENTRY_RAW;
		rkv_propagate(c->node, c->db, argc, argv);
		rkv_resp_add_integer(rkv_out(c), (long long)total);
	}
	rkv_free(a, joined);
}

/* GETEX key [EX seconds | PX ms | EXAT ts | PXAT ms-ts | PERSIST] */
void rkv_cmd_getex(rkv_conn *c, size_t argc, const rkv_slice *argv)
{
	rkv_keyspace *ks = &c->node->ks;
	const rkv_slice *expire;
	long long when = 0;
	int flags;
	rkv_entry *e;

	if (!string_options(c, argc, argv, FOR_GETEX, &flags, &expire))
		return;
	e = rkv_lookup(c, &argv[1]);
	if (!e) {
		rkv_reply_null(c);
		return;
	}
	if (expire && !expire_ms(c, expire, flags, "getex", &when))
		return;
	rkv_reply_entry(c, e);
	if ((flags & (SET_EXAT | SET_PXAT)) && rkv_already_expired(c, when)) {
		rkv_slice del[2] = {{"DEL", 3}, argv[1]};

		rkv_keyspace_delete(ks, c->db, argv[1].ptr, argv[1].len);
		rkv_modified(c, &argv[1]);
		rkv_propagate(c->node, c->db, 2, del);
	} else if (expire) {
		char num[RKV_LLSTR_SIZE];
		rkv_slice at[3] = {{"PEXPIREAT", 9}, argv[1], {num, 0}};

		rkv_keyspace_set_expire(ks, c->db, e, when);
		at[2].len = rkv_ll2str(num, when);
		rkv_modified(c, &argv[1]);
		rkv_propagate(c->node, c->db, 3, at);
	} else if ((flags & SET_PERSIST) && (e->flags & RKV_ENTRY_EXPIRES)) {
		rkv_slice p[2] = {{"PERSIST", 7}, argv[1]};

		rkv_keyspace_set_expire(ks, c->db, e, -1);
		rkv_modified(c, &argv[1]);
		rkv_propagate(c->node, c->db, 2, p);
	}
}

/* Redis's OBJ_ENCODING_EMBSTR_SIZE_LIMIT: longer strings are "raw". */
#define EMBSTR_SIZE_LIMIT 44

/* Redis shares the integers 0..9999 (OBJ_SHARED_INTEGERS) when no maxmemory
 * is set, and reports their refcount as OBJ_SHARED_REFCOUNT. */
#define SHARED_INTEGERS 10000

const char *rkv_object_encoding(const rkv_entry *e)
{
	if (e->flags & RKV_ENTRY_RAW)
		return "raw";
	if (e->enc == RKV_ENC_INT)
		return "int";
	return e->vlen <= EMBSTR_SIZE_LIMIT ? "embstr" : "raw";
}

int rkv_object_refcount(const rkv_entry *e)
{
	long long v = e->enc == RKV_ENC_INT && !(e->flags & RKV_ENTRY_RAW)
			  ? rkv_entry_int(e)
			  : -1;

	return v >= 0 && v < SHARED_INTEGERS ? INT_MAX : 1;
}

/* OBJECT ENCODING|REFCOUNT|IDLETIME|FREQ key */
void rkv_cmd_object(rkv_conn *c, size_t argc, const rkv_slice *argv)
{
	const rkv_slice *sub = &argv[1];
	rkv_entry *e;

	static const char *const subs[] = {"encoding", "refcount", "idletime",
					   "freq"};
	size_t k;

	for (k = 0; k < sizeof(subs) / sizeof(*subs); k++)
		if (rkv_arg_is(sub, subs[k]))
			break;
	if (k == sizeof(subs) / sizeof(*subs)) {
		rkv_resp_add_errorf(
		    rkv_out(c), "unknown subcommand '%.*s'. Try OBJECT HELP.",
		    (int)(sub->len > 128 ? 128 : sub->len), sub->ptr);
		return;
	}
	if (argc != 3) {
		rkv_resp_add_errorf(rkv_out(c),
				    "wrong number of arguments for 'object|%s' "
				    "command",
				    subs[k]);
		return;
	}
	/* OBJECT does not count as an access (Redis's LOOKUP_NOTOUCH). */
	e = rkv_keyspace_peek(&c->node->ks, c->db, argv[2].ptr, argv[2].len,
			      rkv_cmd_now(c));
	if (!e) {
		rkv_reply_null(c);
		return;
	}
	if (rkv_arg_is(sub, "encoding")) {
		const char *enc = rkv_object_encoding(e);

		rkv_resp_add_bulk(rkv_out(c), enc, strlen(enc));
	} else if (rkv_arg_is(sub, "refcount")) {
		rkv_resp_add_integer(rkv_out(c), rkv_object_refcount(e));
	} else if (rkv_arg_is(sub, "idletime")) {
		long long idle = rkv_cmd_now(c) / 1000 - (long long)e->atime;

		rkv_resp_add_integer(rkv_out(c), idle > 0 ? idle : 0);
	} else {
		rkv_resp_add_errorf(rkv_out(c),
				    "An LFU maxmemory policy is not selected, "
				    "access frequency not tracked. Please note "
				    "that when switching between policies at "
				    "runtime LRU and LFU data will take some "
				    "time to adjust.");
	}
}

/* Redis's MAX_LONG_DOUBLE_CHARS. */
#define LD_CHARS (5 * 1024)

/* Redis's string2ld(): strtold over the whole string, no leading blank, no
 * overflow to infinity, no NaN. */
static bool parse_ld(const char *s, size_t len, long double *out)
{
	char buf[LD_CHARS], *eptr;
	long double v;

	if (len == 0 || len >= sizeof(buf))
		return false;
	memcpy(buf, s, len);
	buf[len] = '\0';
	errno = 0;
	v = strtold(buf, &eptr);
	if (buf[0] == ' ' || (buf[0] >= '\t' && buf[0] <= '\r') ||
	    (size_t)(eptr - buf) != len ||
	    (errno == ERANGE &&
	     (v == HUGE_VALL || v == -HUGE_VALL || v == 0)) ||
	    errno == EINVAL || isnan(v))
		return false;
	*out = v;
	return true;
}

/* Redis's ld2string(LD_STR_HUMAN): "%.17Lf" without trailing zeros (nor a
 * trailing '.'), "-0" as "0". Returns the length, 0 if it does not fit. */
static size_t format_ld(char *buf, size_t cap, long double v)
{
	int n = snprintf(buf, cap, "%.17Lf", v);
	size_t l;

	if (n < 0 || (size_t)n + 1 > cap)
		return 0;
	l = (size_t)n;
	if (memchr(buf, '.', l)) {
		while (buf[l - 1] == '0')
			l--;
		if (buf[l - 1] == '.')
			l--;
	}
	if (l == 2 && buf[0] == '-' && buf[1] == '0') {
		buf[0] = '0';
		l = 1;
	}
	return l;
}

/* INCRBYFLOAT key increment */
void rkv_cmd_incrbyfloat(rkv_conn *c, size_t argc, const rkv_slice *argv)
{
	rkv_entry *e = rkv_lookup(c, &argv[1]);
	long double value = 0, incr;
	char buf[LD_CHARS];
	size_t len;

	(void)argc;
	if (e) {
		char ibuf[RKV_LLSTR_SIZE];
		const char *v = rkv_entry_str(e, ibuf, &len);

		if (e->enc == RKV_ENC_INT)
			value = (long double)rkv_entry_int(e);
		else if (!parse_ld(v, len, &value))
			goto not_float;
	}
	if (!parse_ld(argv[2].ptr, argv[2].len, &incr))
		goto not_float;
	value += incr;
	if (isnan(value) || isinf(value)) {
		rkv_resp_add_errorf(rkv_out(c),
				    "increment would produce NaN or Infinity");
		return;
	}
	len = format_ld(buf, sizeof(buf), value);
	if (!store(c, &argv[1], buf, len, true, NULL))
		return;
	rkv_resp_add_bulk(rkv_out(c), buf, len);
	{
		/* Replicated as the resulting value, as Redis does, so float
		 * formatting can never make a replica diverge. */
		rkv_slice p[4] = {
		    {"SET", 3}, argv[1], {buf, len}, {"KEEPTTL", 7}};

		rkv_propagate(c->node, c->db, 4, p);
	}
	return;
not_float:
	rkv_resp_add_errorf(rkv_out(c), "value is not a valid float");
}

/* LCS: Redis 7.0's lcsCommand. The classic dynamic-programming table of
 * uint32 cells, (alen+1) * (blen+1) of them, is built once; the walk back
 * from its corner yields the LCS (backwards) and the matching ranges, in
 * the order Redis emits them (from the end of the strings). */
typedef struct lcs_walk {
	const char *a, *b;
	uint32_t alen, blen;
	const uint32_t *lcs;
	long long minmatchlen;
	bool withmatchlen;
} lcs_walk;

#define LCS_AT(w, i, j) ((w)->lcs[(size_t)(j) + (size_t)(i) * ((w)->blen + 1)])

/* Walk the table from (alen, blen). result (may be NULL) gets the LCS,
 * written backwards from result[len-1]; out (may be NULL) gets one reply
 * element per range of at least minmatchlen. Returns the ranges counted,
 * so a first pass without out sizes the array. The logic, quirks included,
 * is Redis's. */
static long long lcs_ranges(const lcs_walk *w, char *result, rkv_buf *out)
{
	uint32_t i = w->alen, j = w->blen, idx = LCS_AT(w, w->alen, w->blen);
	uint32_t arange_start = w->alen, arange_end = 0, brange_start = 0,
		 brange_end = 0;
	long long ranges = 0;

	while (i > 0 && j > 0) {
		bool emit_range = false;

		if (w->a[i - 1] == w->b[j - 1]) {
			if (result)
				result[idx - 1] = w->a[i - 1];
			if (arange_start == w->alen) {
				arange_start = i - 1;
				arange_end = i - 1;
				brange_start = j - 1;
				brange_end = j - 1;
			} else if (arange_start == i && brange_start == j) {
				/* Contiguous: extend the range backwards. */
				arange_start--;
				brange_start--;
			} else {
				emit_range = true;
			}
			/* A range reaching the start of either string is
			 * complete: the loop ends right after. */
			if (arange_start == 0 || brange_start == 0)
				emit_range = true;
			idx--;
			i--;
			j--;
		} else {
			uint32_t lcs1 = LCS_AT(w, i - 1, j);
			uint32_t lcs2 = LCS_AT(w, i, j - 1);

			if (lcs1 > lcs2)
				i--;
			else
				j--;
			if (arange_start != w->alen)
				emit_range = true;
		}
		if (emit_range) {
			uint32_t match_len = arange_end - arange_start + 1;

			if (w->minmatchlen == 0 ||
			    match_len >= w->minmatchlen) {
				if (out) {
					rkv_resp_add_array(out,
							   2 + w->withmatchlen);
					rkv_resp_add_array(out, 2);
					rkv_resp_add_integer(out, arange_start);
					rkv_resp_add_integer(out, arange_end);
					rkv_resp_add_array(out, 2);
					rkv_resp_add_integer(out, brange_start);
					rkv_resp_add_integer(out, brange_end);
					if (w->withmatchlen)
						rkv_resp_add_integer(out,
								     match_len);
				}
				ranges++;
			}
			arange_start = w->alen; /* restart at the next match */
		}
	}
	return ranges;
}

/* LCS key1 key2 [LEN] [IDX] [MINMATCHLEN len] [WITHMATCHLEN] */
void rkv_cmd_lcs(rkv_conn *c, size_t argc, const rkv_slice *argv)
{
	char abuf[RKV_LLSTR_SIZE], bbuf[RKV_LLSTR_SIZE];
	const rkv_entry *ea = rkv_lookup(c, &argv[1]);
	const rkv_entry *eb = rkv_lookup(c, &argv[2]);
	size_t alen = 0, blen = 0;
	const char *a = ea ? rkv_entry_str(ea, abuf, &alen) : "";
	const char *b = eb ? rkv_entry_str(eb, bbuf, &blen) : "";
	bool getlen = false, getidx = false, withmatchlen = false;
	long long minmatchlen = 0;
	unsigned long long cells, bytes;
	uint32_t *lcs;
	rkv_buf *out = rkv_out(c);
	lcs_walk w;

	/* Every key holds a string so far: no WRONGTYPE check to make
	 * ("The specified keys must contain string values" in Redis). */
	for (size_t j = 3; j < argc; j++) {
		if (rkv_arg_is(&argv[j], "idx")) {
			getidx = true;
		} else if (rkv_arg_is(&argv[j], "len")) {
			getlen = true;
		} else if (rkv_arg_is(&argv[j], "withmatchlen")) {
			withmatchlen = true;
		} else if (rkv_arg_is(&argv[j], "minmatchlen") &&
			   j + 1 < argc) {
			if (!rkv_arg_ll(c, &argv[j + 1], &minmatchlen))
				return;
			if (minmatchlen < 0)
				minmatchlen = 0;
			j++;
		} else {
			rkv_reply_syntax_error(c);
			return;
		}
	}
	if (getidx && getlen) {
		rkv_resp_add_errorf(out, "If you want both the length and "
					 "indexes, please just use IDX.");
		return;
	}
	if (alen >= UINT32_MAX - 1 || blen >= UINT32_MAX - 1) {
		rkv_resp_add_errorf(out, "String too long for LCS");
		return;
	}
	/* Redis's guard: the table may not exceed proto-max-bulk-len. */
	cells = (unsigned long long)(alen + 1) * (blen + 1);
	bytes = cells * sizeof(uint32_t);
	lcs = NULL;
	if (bytes < SIZE_MAX && bytes / cells == sizeof(uint32_t)) {
		if (bytes >
		    (unsigned long long)c->node->set.proto_max_bulk_len) {
			rkv_resp_add_errorf(
			    out, "Insufficient memory, transient memory for "
				 "LCS exceeds proto-max-bulk-len");
			return;
		}
		lcs = rkv_malloc(rkv_node_alloc(c->node), (size_t)bytes);
	}
	if (!lcs) {
		rkv_resp_add_errorf(out, "Insufficient memory, failed "
					 "allocating transient memory for LCS");
		return;
	}
	w = (lcs_walk){a,   b,		 (uint32_t)alen, (uint32_t)blen,
		       lcs, minmatchlen, withmatchlen};
	for (uint32_t i = 0; i <= w.alen; i++) {
		uint32_t *row = &lcs[(size_t)i * (w.blen + 1)];

		for (uint32_t j = 0; j <= w.blen; j++) {
			if (i == 0 || j == 0) {
				row[j] = 0;
			} else if (a[i - 1] == b[j - 1]) {
				row[j] = LCS_AT(&w, i - 1, j - 1) + 1;
			} else {
				uint32_t lcs1 = LCS_AT(&w, i - 1, j);
				uint32_t lcs2 = row[j - 1];

				row[j] = lcs1 > lcs2 ? lcs1 : lcs2;
			}
		}
	}
	if (getidx) {
		rkv_resp_add_map(out, c->proto, 2);
		rkv_resp_add_bulk(out, "matches", 7);
		rkv_resp_add_array(out, lcs_ranges(&w, NULL, NULL));
		lcs_ranges(&w, NULL, out);
		rkv_resp_add_bulk(out, "len", 3);
		rkv_resp_add_integer(out, LCS_AT(&w, w.alen, w.blen));
	} else if (getlen) {
		rkv_resp_add_integer(out, LCS_AT(&w, w.alen, w.blen));
	} else {
		/* The bulk string is built in place in the output buffer. */
		uint32_t len = LCS_AT(&w, w.alen, w.blen);
		char hdr[RKV_LLSTR_SIZE + 3], *dst;
		size_t n;

		hdr[0] = '$';
		n = 1 + rkv_ull2str(hdr + 1, len);
		hdr[n++] = '\r';
		hdr[n++] = '\n';
		rkv_buf_append(out, hdr, n);
		dst = rkv_buf_reserve(out, (size_t)len + 2);
		if (dst) {
			lcs_ranges(&w, dst, NULL);
			dst[len] = '\r';
			dst[len + 1] = '\n';
			out->len += (size_t)len + 2;
		}
	}
	rkv_free(rkv_node_alloc(c->node), lcs);
}
