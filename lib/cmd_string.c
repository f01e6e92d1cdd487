/* String commands: GET SET (NX XX GET EX PX EXAT PXAT KEEPTTL) SETNX SETEX
 * PSETEX GETSET GETDEL MGET MSET MSETNX INCR DECR INCRBY DECRBY APPEND
 * STRLEN, with Redis 7.0's option rules, replies and error texts. */
#include <limits.h>
#include <string.h>

#include "commands.h"
#include "util.h"

static rkv_entry *lookup(rkv_conn *c, const rkv_slice *key)
{
	return rkv_keyspace_lookup(&c->node->ks, c->db, key->ptr, key->len,
				   rkv_cmd_now(c));
}

static bool store(rkv_conn *c, const rkv_slice *key, const char *val,
		  size_t vlen, bool keep_ttl, rkv_entry **out)
{
	if (rkv_keyspace_set(&c->node->ks, c->db, key->ptr, key->len, val, vlen,
			     keep_ttl, rkv_cmd_now(c), out) == 0)
		return true;
	rkv_resp_add_errorf(rkv_out(c), "out of memory");
	return false;
}

void rkv_cmd_get(rkv_conn *c, size_t argc, const rkv_slice *argv)
{
	rkv_entry *e = lookup(c, &argv[1]);

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
	SET_PXAT = 1 << 7
};
#define SET_ANY_EXPIRE (SET_EX | SET_PX | SET_EXAT | SET_PXAT)

/* SET's options, accepted in any order under Redis's rules: NX and XX
 * exclude each other, KEEPTTL excludes an expiry, two different expiry
 * options exclude each other (repeating one is allowed: the last wins). */
static bool set_options(rkv_conn *c, size_t argc, const rkv_slice *argv,
			int *flags, const rkv_slice **expire)
{
	static const struct {
		const char *name;
		int flag, excludes;
	} opts[] = {
	    {"nx", SET_NX, SET_XX},
	    {"xx", SET_XX, SET_NX},
	    {"get", SET_GET, 0},
	    {"keepttl", SET_KEEPTTL, SET_ANY_EXPIRE},
	    {"ex", SET_EX, SET_KEEPTTL | (SET_ANY_EXPIRE & ~SET_EX)},
	    {"px", SET_PX, SET_KEEPTTL | (SET_ANY_EXPIRE & ~SET_PX)},
	    {"exat", SET_EXAT, SET_KEEPTTL | (SET_ANY_EXPIRE & ~SET_EXAT)},
	    {"pxat", SET_PXAT, SET_KEEPTTL | (SET_ANY_EXPIRE & ~SET_PXAT)},
	};

	*flags = 0;
	*expire = NULL;
	for (size_t j = 3; j < argc; j++) {
		size_t k;

		for (k = 0; k < sizeof(opts) / sizeof(*opts); k++)
			if (rkv_arg_is(&argv[j], opts[k].name))
				break;
		if (k == sizeof(opts) / sizeof(*opts) ||
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
	rkv_resp_add_errorf(rkv_out(c), "invalid expire time in '%s' command",
			    cmd);
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
	e = lookup(c, key);
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

	if (!set_options(c, argc, argv, &flags, &expire))
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
	rkv_entry *e = lookup(c, &argv[1]);

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
	rkv_entry *e = lookup(c, &argv[1]);

	if (!e) {
		rkv_reply_null(c);
		return;
	}
	rkv_reply_entry(c, e);
	rkv_keyspace_delete(&c->node->ks, c->db, argv[1].ptr, argv[1].len);
	{
		rkv_slice del[2] = {{"DEL", 3}, argv[1]};

		(void)argc;
		rkv_propagate(c->node, c->db, 2, del);
	}
}

void rkv_cmd_mget(rkv_conn *c, size_t argc, const rkv_slice *argv)
{
	rkv_resp_add_array(rkv_out(c), (long long)argc - 1);
	for (size_t i = 1; i < argc; i++) {
		rkv_entry *e = lookup(c, &argv[i]);

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
			if (lookup(c, &argv[i])) {
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
	rkv_entry *e = lookup(c, key);
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
	rkv_entry *e = lookup(c, &argv[1]);
	const rkv_allocator *a = rkv_node_alloc(c->node);
	char buf[RKV_LLSTR_SIZE], *joined;
	const char *old = "";
	size_t oldlen = 0, total;

	if (e)
		old = rkv_entry_str(e, buf, &oldlen);
	total = oldlen + argv[2].len;
	if ((long long)total > c->node->proto_max_bulk_len) {
		rkv_resp_add_errorf(rkv_out(c),
				    "string exceeds maximum allowed "
				    "size (proto-max-bulk-len)");
		return;
	}
	joined = rkv_malloc(a, total ? total : 1);
	if (!joined) {
		rkv_resp_add_errorf(rkv_out(c), "out of memory");
		return;
	}
	memcpy(joined, old, oldlen);
	memcpy(joined + oldlen, argv[2].ptr, argv[2].len);
	if (store(c, &argv[1], joined, total, true, NULL)) {
		rkv_propagate(c->node, c->db, argc, argv);
		rkv_resp_add_integer(rkv_out(c), (long long)total);
	}
	rkv_free(a, joined);
}

void rkv_cmd_strlen(rkv_conn *c, size_t argc, const rkv_slice *argv)
{
	rkv_entry *e = lookup(c, &argv[1]);
	char buf[RKV_LLSTR_SIZE];
	size_t len = 0;

	(void)argc;
	if (e)
		rkv_entry_str(e, buf, &len);
	rkv_resp_add_integer(rkv_out(c), (long long)len);
}
