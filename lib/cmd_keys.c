/* Generic key and database commands: DBSIZE FLUSHDB FLUSHALL DEL UNLINK
 * EXISTS TYPE, the EXPIRE family, TTL and friends, PERSIST. Replies and error
 * texts are Redis 7.0's; writes are propagated in the form Redis 7.0
 * propagates them (relative expiries become PEXPIREAT with an absolute
 * time, an expiry in the past becomes a DEL). */
#include <limits.h>
#include <string.h>

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

/* Keys in db (-1: all), what a flush removes: Redis counts each as a change
 * (rdb_changes_since_last_save), the flush itself not. */
static long long keys_in(const rkv_keyspace *ks, int db)
{
	long long n = 0;

	for (int i = 0; i < ks->ndb; i++)
		if (db < 0 || i == db)
			n += (long long)rkv_keyspace_size(ks, i);
	return n;
}

void rkv_cmd_flushdb(rkv_conn *c, size_t argc, const rkv_slice *argv)
{
	long long removed;

	if (!flush_args_ok(c, argc, argv))
		return;
	removed = keys_in(&c->node->ks, c->db);
	rkv_signal_db(c->node, c->db, -1);
	rkv_keyspace_flush(&c->node->ks, c->db);
	rkv_signal_db_done(c->node, c->db);
	rkv_propagate(c->node, c->db, argc, argv);
	c->node->dirty += removed - 1;
	rkv_reply_ok(c);
}

void rkv_cmd_flushall(rkv_conn *c, size_t argc, const rkv_slice *argv)
{
	long long removed;

	if (!flush_args_ok(c, argc, argv))
		return;
	removed = keys_in(&c->node->ks, -1);
	rkv_signal_db(c->node, -1, -1);
	rkv_keyspace_flush(&c->node->ks, -1);
	rkv_signal_db_done(c->node, -1);
	rkv_propagate(c->node, c->db, argc, argv);
	c->node->dirty += removed - 1;
	rkv_persist_flushall(c->node);
	rkv_reply_ok(c);
}

/* DEL and UNLINK (freeing is synchronous in both). */
void rkv_cmd_del(rkv_conn *c, size_t argc, const rkv_slice *argv)
{
	long long n = 0;

	for (size_t i = 1; i < argc; i++)
		if (rkv_lookup(c, &argv[i]) &&
		    rkv_keyspace_delete(&c->node->ks, c->db, argv[i].ptr,
					argv[i].len)) {
			rkv_modified(c, &argv[i]);
			n++;
		}
	if (n) {
		rkv_propagate(c->node, c->db, argc, argv);
		c->node->dirty += n - 1; /* one change per key, as Redis */
	}
	rkv_resp_add_integer(rkv_out(c), n);
}

void rkv_cmd_exists(rkv_conn *c, size_t argc, const rkv_slice *argv)
{
	long long n = 0;

	for (size_t i = 1; i < argc; i++)
		n += rkv_lookup(c, &argv[i]) != NULL;
	rkv_resp_add_integer(rkv_out(c), n);
}

void rkv_cmd_type(rkv_conn *c, size_t argc, const rkv_slice *argv)
{
	rkv_entry *e = rkv_lookup(c, &argv[1]);

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
	e = rkv_lookup(c, &argv[1]);
	if (!e || !expire_allowed(flags, rkv_keyspace_get_expire(ks, c->db, e),
				  when)) {
		rkv_resp_add_integer(rkv_out(c), 0);
		return;
	}
	if (rkv_already_expired(c, when)) {
		/* Already expired: delete, and replicate a DEL. */
		rkv_slice del[2] = {{"DEL", 3}, argv[1]};

		rkv_keyspace_delete(ks, c->db, argv[1].ptr, argv[1].len);
		rkv_modified(c, &argv[1]);
		rkv_propagate(c->node, c->db, 2, del);
	} else {
		char num[RKV_LLSTR_SIZE];
		rkv_slice at[3] = {{"PEXPIREAT", 9}, argv[1], {num, 0}};

		if (rkv_keyspace_set_expire(ks, c->db, e, when) < 0) {
			rkv_reply_oom(c);
			return;
		}
		at[2].len = rkv_ll2str(num, when);
		rkv_modified(c, &argv[1]);
		rkv_propagate(c->node, c->db, 3, at);
	}
	rkv_resp_add_integer(rkv_out(c), 1);
	return;
invalid:
	rkv_reply_invalid_expire(c, name);
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
	rkv_entry *e = rkv_lookup(c, key);
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
	rkv_entry *e = rkv_lookup(c, &argv[1]);

	if (!e || !(e->flags & RKV_ENTRY_EXPIRES)) {
		rkv_resp_add_integer(rkv_out(c), 0);
		return;
	}
	rkv_keyspace_set_expire(&c->node->ks, c->db, e, -1);
	rkv_modified(c, &argv[1]);
	rkv_propagate(c->node, c->db, argc, argv);
	rkv_resp_add_integer(rkv_out(c), 1);
}

/* An int argument, as Redis's getIntFromObjectOrReply: `err` for any
 * failure when given; otherwise the integer error for a non-number and the
 * range error for a number outside int. */
static bool arg_int(rkv_conn *c, const rkv_slice *a, int *v, const char *err)
{
	long long ll;
	bool number = rkv_string2ll(a->ptr, a->len, &ll);

	if (number && ll >= INT_MIN && ll <= INT_MAX) {
		*v = (int)ll;
		return true;
	}
	if (err)
		rkv_resp_add_errorf(rkv_out(c), "%s", err);
	else if (number)
		rkv_resp_add_errorf(rkv_out(c),
				    "value is out of range, value must between "
				    "%d and %d",
				    INT_MIN, INT_MAX);
	else
		rkv_resp_add_errorf(rkv_out(c),
				    "value is not an integer or out of range");
	return false;
}

/* A SCAN cursor as Redis reads it, with strtoul(): an optional sign
 * (negative values wrap), decimal digits, nothing else; no leading blank,
 * no overflow; the empty string is cursor 0. */
static bool parse_cursor(const rkv_slice *a, unsigned long long *cursor)
{
	const char *p = a->ptr, *end = a->ptr + a->len;
	bool neg = false;
	unsigned long long v = 0;

	*cursor = 0;
	if (p == end)
		return true;
	if (*p == '+' || *p == '-')
		neg = *p++ == '-';
	if (p == end)
		return false;
	for (; p < end; p++) {
		unsigned d = (unsigned)(*p - '0');

		if (d > 9 || v > (~0ULL - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*cursor = neg ? 0 - v : v;
	return true;
}

static bool valid_db(rkv_conn *c, int id)
{
	if (id >= 0 && id < c->node->ks.ndb)
		return true;
	rkv_resp_add_errorf(rkv_out(c), "DB index is out of range");
	return false;
}

static bool same_key(const rkv_slice *a, const rkv_slice *b)
{
	return a->len == b->len && memcmp(a->ptr, b->ptr, a->len) == 0;
}

void rkv_cmd_select(rkv_conn *c, size_t argc, const rkv_slice *argv)
{
	int id;

	(void)argc;
	if (!arg_int(c, &argv[1], &id, NULL) || !valid_db(c, id))
		return;
	c->db = id;
	rkv_reply_ok(c);
}

/* RENAME / RENAMENX key newkey */
static void rename_generic(rkv_conn *c, size_t argc, const rkv_slice *argv,
			   bool nx)
{
	rkv_keyspace *ks = &c->node->ks;
	rkv_entry *e = rkv_lookup(c, &argv[1]);

	if (!e) {
		rkv_resp_add_errorf(rkv_out(c), "no such key");
		return;
	}
	if (same_key(&argv[1], &argv[2])) {
		rkv_buf_append(rkv_out(c), nx ? ":0\r\n" : "+OK\r\n",
			       nx ? 4 : 5);
		return;
	}
	if (nx && rkv_lookup(c, &argv[2])) {
		rkv_resp_add_integer(rkv_out(c), 0);
		return;
	}
	if (rkv_keyspace_copy(ks, c->db, e, c->db, argv[2].ptr, argv[2].len,
			      rkv_cmd_now(c), NULL) < 0) {
		rkv_reply_oom(c);
		return;
	}
	rkv_keyspace_delete(ks, c->db, argv[1].ptr, argv[1].len);
	rkv_modified(c, &argv[1]);
	rkv_modified(c, &argv[2]);
	rkv_propagate(c->node, c->db, argc, argv);
	rkv_buf_append(rkv_out(c), nx ? ":1\r\n" : "+OK\r\n", nx ? 4 : 5);
}

void rkv_cmd_rename(rkv_conn *c, size_t argc, const rkv_slice *argv)
{
	rename_generic(c, argc, argv, false);
}

void rkv_cmd_renamenx(rkv_conn *c, size_t argc, const rkv_slice *argv)
{
	rename_generic(c, argc, argv, true);
}

/* MOVE key db */
void rkv_cmd_move(rkv_conn *c, size_t argc, const rkv_slice *argv)
{
	rkv_keyspace *ks = &c->node->ks;
	int dst;
	rkv_entry *e;

	if (!arg_int(c, &argv[2], &dst, NULL) || !valid_db(c, dst))
		return;
	if (dst == c->db) {
		rkv_resp_add_errorf(rkv_out(c), "source and destination "
						"objects are the same");
		return;
	}
	e = rkv_lookup(c, &argv[1]);
	if (!e || rkv_keyspace_lookup(ks, dst, argv[1].ptr, argv[1].len,
				      rkv_cmd_now(c))) {
		rkv_resp_add_integer(rkv_out(c), 0);
		return;
	}
	if (rkv_keyspace_copy(ks, c->db, e, dst, argv[1].ptr, argv[1].len,
			      rkv_cmd_now(c), NULL) < 0) {
		rkv_reply_oom(c);
		return;
	}
	rkv_keyspace_delete(ks, c->db, argv[1].ptr, argv[1].len);
	rkv_modified(c, &argv[1]);
	rkv_signal_key(c->node, dst, argv[1].ptr, argv[1].len);
	rkv_propagate(c->node, c->db, argc, argv);
	rkv_resp_add_integer(rkv_out(c), 1);
}

/* COPY source destination [DB destination-db] [REPLACE] */
void rkv_cmd_copy(rkv_conn *c, size_t argc, const rkv_slice *argv)
{
	rkv_keyspace *ks = &c->node->ks;
	int dst = c->db;
	bool replace = false;
	rkv_entry *e;

	for (size_t j = 3; j < argc; j++) {
		if (rkv_arg_is(&argv[j], "replace")) {
			replace = true;
		} else if (rkv_arg_is(&argv[j], "db") && j + 1 < argc) {
			if (!arg_int(c, &argv[j + 1], &dst, NULL))
				return;
			if (!valid_db(c, dst))
				return;
			j++;
		} else {
			rkv_reply_syntax_error(c);
			return;
		}
	}
	if (dst == c->db && same_key(&argv[1], &argv[2])) {
		rkv_resp_add_errorf(rkv_out(c), "source and destination "
						"objects are the same");
		return;
	}
	e = rkv_lookup(c, &argv[1]);
	if (!e ||
	    (!replace && rkv_keyspace_lookup(ks, dst, argv[2].ptr, argv[2].len,
					     rkv_cmd_now(c)))) {
		rkv_resp_add_integer(rkv_out(c), 0);
		return;
	}
	if (rkv_keyspace_copy(ks, c->db, e, dst, argv[2].ptr, argv[2].len,
			      rkv_cmd_now(c), NULL) < 0) {
		rkv_reply_oom(c);
		return;
	}
	rkv_signal_key(c->node, dst, argv[2].ptr, argv[2].len);
	rkv_propagate(c->node, c->db, argc, argv);
	rkv_resp_add_integer(rkv_out(c), 1);
}

/* SWAPDB index1 index2 */
void rkv_cmd_swapdb(rkv_conn *c, size_t argc, const rkv_slice *argv)
{
	int a, b;

	if (!arg_int(c, &argv[1], &a, "invalid first DB index") ||
	    !arg_int(c, &argv[2], &b, "invalid second DB index"))
		return;
	if (a < 0 || a >= c->node->ks.ndb || b < 0 || b >= c->node->ks.ndb) {
		rkv_resp_add_errorf(rkv_out(c), "DB index is out of range");
		return;
	}
	rkv_signal_db(c->node, a, b);
	rkv_keyspace_swap(&c->node->ks, a, b);
	rkv_signal_db_done(c->node, a);
	if (b != a)
		rkv_signal_db_done(c->node, b);
	rkv_propagate(c->node, c->db, argc, argv);
	rkv_reply_ok(c);
}

void rkv_cmd_touch(rkv_conn *c, size_t argc, const rkv_slice *argv)
{
	rkv_cmd_exists(c, argc, argv);
}

void rkv_cmd_randomkey(rkv_conn *c, size_t argc, const rkv_slice *argv)
{
	rkv_entry *e = rkv_keyspace_random(&c->node->ks, c->db, rkv_cmd_now(c));

	(void)argc;
	(void)argv;
	if (e)
		rkv_resp_add_bulk(rkv_out(c), rkv_entry_key(e), e->klen);
	else
		rkv_reply_null(c);
}

/* Keys collected by KEYS and SCAN before the reply is written (its length
 * comes first). */
typedef struct collect {
	rkv_conn *c;
	const rkv_slice *pattern; /* NULL: every key */
	const rkv_entry **keys;
	size_t n, cap;
	bool oom;
} collect;

static void collect_key(rkv_dict_node *node, void *ud)
{
	collect *k = ud;
	const rkv_entry *e = (const rkv_entry *)node;

	if (k->pattern && !rkv_glob_match(k->pattern->ptr, k->pattern->len,
					  e->data, e->klen, false))
		return;
	if (k->n == k->cap) {
		size_t cap = k->cap ? k->cap * 2 : 64;
		const rkv_entry **keys = rkv_realloc(
		    rkv_node_alloc(k->c->node), k->keys, cap * sizeof(*keys));

		if (!keys) {
			k->oom = true;
			return;
		}
		k->keys = keys;
		k->cap = cap;
	}
	k->keys[k->n++] = e;
}

/* Reply with the collected keys that are still live (expired ones are
 * skipped, as Redis's KEYS and SCAN skip them), then free the list. */
static void reply_collected(collect *k, int64_t now)
{
	rkv_conn *c = k->c;
	rkv_keyspace *ks = &c->node->ks;
	size_t live = 0;

	for (size_t i = 0; i < k->n; i++) {
		int64_t when = rkv_keyspace_get_expire(ks, c->db, k->keys[i]);

		if (when < 0 || when > now)
			k->keys[live++] = k->keys[i];
	}
	rkv_resp_add_array(rkv_out(c), (long long)live);
	for (size_t i = 0; i < live; i++)
		rkv_resp_add_bulk(rkv_out(c), rkv_entry_key(k->keys[i]),
				  k->keys[i]->klen);
	rkv_free(rkv_node_alloc(c->node), k->keys);
}

static bool match_all(const rkv_slice *pattern)
{
	return pattern->len == 1 && pattern->ptr[0] == '*';
}

void rkv_cmd_keys(rkv_conn *c, size_t argc, const rkv_slice *argv)
{
	collect k = {c,	   match_all(&argv[1]) ? NULL : &argv[1], NULL, 0, 0,
		     false};

	(void)argc;
	rkv_dict_foreach(&c->node->ks.db[c->db].keys, collect_key, &k);
	if (k.oom) {
		rkv_free(rkv_node_alloc(c->node), k.keys);
		rkv_reply_oom(c);
		return;
	}
	reply_collected(&k, rkv_cmd_now(c));
}

/* SCAN cursor [MATCH pattern] [COUNT count] [TYPE type] */
void rkv_cmd_scan(rkv_conn *c, size_t argc, const rkv_slice *argv)
{
	collect k = {c, NULL, NULL, 0, 0, false};
	const rkv_slice *type = NULL;
	unsigned long long cursor = 0;
	long long count = 10, iterations;
	char num[RKV_LLSTR_SIZE];

	if (!parse_cursor(&argv[1], &cursor)) {
		rkv_resp_add_errorf(rkv_out(c), "invalid cursor");
		return;
	}
	for (size_t j = 2; j < argc; j += 2) {
		if (j + 1 == argc) {
			rkv_reply_syntax_error(c);
			return;
		}
		if (rkv_arg_is(&argv[j], "count")) {
			if (!rkv_arg_ll(c, &argv[j + 1], &count))
				return;
			if (count < 1) {
				rkv_reply_syntax_error(c);
				return;
			}
		} else if (rkv_arg_is(&argv[j], "match")) {
			k.pattern =
			    match_all(&argv[j + 1]) ? NULL : &argv[j + 1];
		} else if (rkv_arg_is(&argv[j], "type")) {
			type = &argv[j + 1];
		} else {
			rkv_reply_syntax_error(c);
			return;
		}
	}
	/* Redis's count*10 bound on empty buckets visited, saturated: a huge
	 * COUNT just means "scan to the end", without overflow. */
	iterations = count > LLONG_MAX / 10 ? LLONG_MAX : count * 10;
	do {
		cursor = rkv_dict_scan(&c->node->ks.db[c->db].keys, cursor,
				       collect_key, &k);
	} while (cursor && iterations-- > 0 && k.n < (size_t)count && !k.oom);
	if (k.oom) {
		rkv_free(rkv_node_alloc(c->node), k.keys);
		rkv_reply_oom(c);
		return;
	}
	/* Only strings exist yet: a TYPE filter other than string matches
	 * nothing (the scan still advances, as in Redis). */
	if (type && !rkv_arg_is(type, "string"))
		k.n = 0;
	rkv_resp_add_array(rkv_out(c), 2);
	rkv_resp_add_bulk(rkv_out(c), num, rkv_ull2str(num, cursor));
	reply_collected(&k, rkv_cmd_now(c));
}
