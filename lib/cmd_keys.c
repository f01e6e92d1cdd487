/* Generic key and database commands: DBSIZE FLUSHDB FLUSHALL DEL UNLINK
 * EXISTS TYPE, the EXPIRE family, TTL and friends, PERSIST. Replies and error
 * texts are Redis 7.0's; writes are propagated in the form Redis 7.0
 * propagates them (relative expiries become PEXPIREAT with an absolute
 * time, an expiry in the past becomes a DEL). */
#include <limits.h>

#include "commands.h"
#include "util.h"

void rkv_cmd_dbsize(rkv_conn *c, size_t argc, const rkv_slice *argv)
{
	(void)argc;
	(void)argv;
	rkv_resp_add_integer(rkv_out(c),
			     (long long)rkv_keyspace_size(&c->node->ks, c->db));
}

/* [ASYNC|SYNC]: both are accepted; freeing is synchronous either way. */
static bool flush_args_ok(rkv_conn *c, size_t argc, const rkv_slice *argv)
{
	if (argc == 1 || (argc == 2 && (rkv_arg_is(&argv[1], "sync") ||
					rkv_arg_is(&argv[1], "async"))))
		return true;
	rkv_reply_syntax_error(c);
	return false;
}

void rkv_cmd_flushdb(rkv_conn *c, size_t argc, const rkv_slice *argv)
{
	if (!flush_args_ok(c, argc, argv))
		return;
	rkv_keyspace_flush(&c->node->ks, c->db);
	rkv_propagate(c->node, c->db, argc, argv);
	rkv_reply_ok(c);
}

void rkv_cmd_flushall(rkv_conn *c, size_t argc, const rkv_slice *argv)
{
	if (!flush_args_ok(c, argc, argv))
		return;
	rkv_keyspace_flush(&c->node->ks, -1);
	rkv_propagate(c->node, c->db, argc, argv);
	rkv_reply_ok(c);
}

static rkv_entry *lookup(rkv_conn *c, const rkv_slice *key)
{
	return rkv_keyspace_lookup(&c->node->ks, c->db, key->ptr, key->len,
				   rkv_cmd_now(c));
}

/* DEL and UNLINK (freeing is synchronous in both). */
void rkv_cmd_del(rkv_conn *c, size_t argc, const rkv_slice *argv)
{
	long long n = 0;

	for (size_t i = 1; i < argc; i++)
		if (lookup(c, &argv[i]) &&
		    rkv_keyspace_delete(&c->node->ks, c->db, argv[i].ptr,
					argv[i].len))
			n++;
	if (n)
		rkv_propagate(c->node, c->db, argc, argv);
	rkv_resp_add_integer(rkv_out(c), n);
}

void rkv_cmd_exists(rkv_conn *c, size_t argc, const rkv_slice *argv)
{
	long long n = 0;

	for (size_t i = 1; i < argc; i++)
		n += lookup(c, &argv[i]) != NULL;
	rkv_resp_add_integer(rkv_out(c), n);
}

void rkv_cmd_type(rkv_conn *c, size_t argc, const rkv_slice *argv)
{
	rkv_entry *e = lookup(c, &argv[1]);

	(void)argc;
	if (!e)
		rkv_resp_add_status(rkv_out(c), "none", 4);
	else
		rkv_resp_add_status(rkv_out(c), "string", 6);
}

enum { EXPIRE_NX = 1, EXPIRE_XX = 2, EXPIRE_GT = 4, EXPIRE_LT = 8 };

static bool expire_flags(rkv_conn *c, size_t argc, const rkv_slice *argv,
			 int *flags)
{
	static const struct {
		const char *name;
		int flag;
	} opts[] = {{"nx", EXPIRE_NX},
		    {"xx", EXPIRE_XX},
		    {"gt", EXPIRE_GT},
		    {"lt", EXPIRE_LT}};

	*flags = 0;
	for (size_t j = 3; j < argc; j++) {
		size_t k;

		for (k = 0; k < sizeof(opts) / sizeof(*opts); k++)
			if (rkv_arg_is(&argv[j], opts[k].name))
				break;
		if (k == sizeof(opts) / sizeof(*opts)) {
			rkv_resp_add_errorf(rkv_out(c),
					    "Unsupported option %.*s",
					    (int)argv[j].len, argv[j].ptr);
			return false;
		}
		*flags |= opts[k].flag;
	}
	if ((*flags & EXPIRE_NX) &&
	    (*flags & (EXPIRE_XX | EXPIRE_GT | EXPIRE_LT))) {
		rkv_resp_add_errorf(rkv_out(c),
				    "NX and XX, GT or LT options at "
				    "the same time are not compatible");
		return false;
	}
	if ((*flags & EXPIRE_GT) && (*flags & EXPIRE_LT)) {
		rkv_resp_add_errorf(rkv_out(c), "GT and LT options at the same "
						"time are not compatible");
		return false;
	}
	return true;
}

/* Whether the NX/XX/GT/LT conditions allow replacing `current` (-1: no
 * TTL, which counts as infinite for GT and LT) by `when`. */
static bool expire_allowed(int flags, long long current, long long when)
{
	if ((flags & EXPIRE_NX) && current != -1)
		return false;
	if ((flags & EXPIRE_XX) && current == -1)
		return false;
	if ((flags & EXPIRE_GT) && (current == -1 || when <= current))
		return false;
	if ((flags & EXPIRE_LT) && current != -1 && when >= current)
		return false;
	return true;
}

/* EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT key time [NX|XX|GT|LT] */
static void expire_generic(rkv_conn *c, size_t argc, const rkv_slice *argv,
			   long long basetime, bool seconds, const char *name)
{
	rkv_keyspace *ks = &c->node->ks;
	long long when;
	int flags;
	rkv_entry *e;

	if (!expire_flags(c, argc, argv, &flags) ||
	    !rkv_arg_ll(c, &argv[2], &when))
		return;
	if (seconds) {
		if (when > LLONG_MAX / 1000 || when < LLONG_MIN / 1000)
			goto invalid;
		when *= 1000;
	}
	if (when > LLONG_MAX - basetime)
		goto invalid;
	when += basetime;
	e = lookup(c, &argv[1]);
	if (!e || !expire_allowed(flags, rkv_keyspace_get_expire(ks, c->db, e),
				  when)) {
		rkv_resp_add_integer(rkv_out(c), 0);
		return;
	}
	if (when <= rkv_cmd_now(c)) {
		/* Already expired: delete, and replicate a DEL. */
		rkv_slice del[2] = {{"DEL", 3}, argv[1]};

		rkv_keyspace_delete(ks, c->db, argv[1].ptr, argv[1].len);
		rkv_propagate(c->node, c->db, 2, del);
	} else {
		char num[RKV_LLSTR_SIZE];
		rkv_slice at[3] = {{"PEXPIREAT", 9}, argv[1], {num, 0}};

		if (rkv_keyspace_set_expire(ks, c->db, e, when) < 0) {
			rkv_resp_add_errorf(rkv_out(c), "out of memory");
			return;
		}
		at[2].len = rkv_ll2str(num, when);
		rkv_propagate(c->node, c->db, 3, at);
	}
	rkv_resp_add_integer(rkv_out(c), 1);
	return;
invalid:
	rkv_resp_add_errorf(rkv_out(c), "invalid expire time in '%s' command",
			    name);
}

void rkv_cmd_expire(rkv_conn *c, size_t argc, const rkv_slice *argv)
{
	expire_generic(c, argc, argv, rkv_cmd_now(c), true, "expire");
}

void rkv_cmd_pexpire(rkv_conn *c, size_t argc, const rkv_slice *argv)
{
	expire_generic(c, argc, argv, rkv_cmd_now(c), false, "pexpire");
}

void rkv_cmd_expireat(rkv_conn *c, size_t argc, const rkv_slice *argv)
{
	expire_generic(c, argc, argv, 0, true, "expireat");
}

void rkv_cmd_pexpireat(rkv_conn *c, size_t argc, const rkv_slice *argv)
{
	expire_generic(c, argc, argv, 0, false, "pexpireat");
}

/* TTL, PTTL, EXPIRETIME, PEXPIRETIME: -2 without the key, -1 without a
 * TTL; seconds are rounded as Redis rounds them. */
static void ttl_generic(rkv_conn *c, const rkv_slice *key, bool ms,
			bool absolute)
{
	rkv_entry *e = lookup(c, key);
	long long t;

	if (!e) {
		rkv_resp_add_integer(rkv_out(c), -2);
		return;
	}
	t = rkv_keyspace_get_expire(&c->node->ks, c->db, e);
	if (t == -1) {
		rkv_resp_add_integer(rkv_out(c), -1);
		return;
	}
	if (!absolute)
		t -= rkv_cmd_now(c);
	if (t < 0)
		t = 0;
	rkv_resp_add_integer(rkv_out(c), ms ? t : (t + 500) / 1000);
}

void rkv_cmd_ttl(rkv_conn *c, size_t argc, const rkv_slice *argv)
{
	(void)argc;
	ttl_generic(c, &argv[1], false, false);
}

void rkv_cmd_pttl(rkv_conn *c, size_t argc, const rkv_slice *argv)
{
	(void)argc;
	ttl_generic(c, &argv[1], true, false);
}

void rkv_cmd_expiretime(rkv_conn *c, size_t argc, const rkv_slice *argv)
{
	(void)argc;
	ttl_generic(c, &argv[1], false, true);
}

void rkv_cmd_pexpiretime(rkv_conn *c, size_t argc, const rkv_slice *argv)
{
	(void)argc;
	ttl_generic(c, &argv[1], true, true);
}

void rkv_cmd_persist(rkv_conn *c, size_t argc, const rkv_slice *argv)
{
	rkv_entry *e = lookup(c, &argv[1]);

	if (!e || !(e->flags & RKV_ENTRY_EXPIRES)) {
		rkv_resp_add_integer(rkv_out(c), 0);
		return;
	}
	rkv_keyspace_set_expire(&c->node->ks, c->db, e, -1);
	rkv_propagate(c->node, c->db, argc, argv);
	rkv_resp_add_integer(rkv_out(c), 1);
}
