/* DEBUG: the subcommands rkv supports, with Redis 7.0's replies. DIGEST and
 * DIGEST-VALUE compute exactly the values Redis 7.0 computes for the same
 * data, so an rkv node and a Redis node (a master and its replica, say) can
 * be compared directly. Also OBJECT, POPULATE, SET-ACTIVE-EXPIRE, SLEEP and
 * HELP; RELOAD replies an error until persistence exists. Gated by
 * enable-debug-command, as in Redis 7. */
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "sha1.h"
#include "util.h"

/* digest ^= SHA1(data) (Redis's xorDigest). */
static void xor_digest(uint8_t digest[20], const void *data, size_t len)
{
	rkv_sha1 s;
	uint8_t h[20];

	rkv_sha1_init(&s);
	rkv_sha1_update(&s, data, len);
	rkv_sha1_final(&s, h);
	for (int i = 0; i < 20; i++)
		digest[i] ^= h[i];
}

/* digest = SHA1(digest ^ SHA1(data)) (Redis's mixDigest): order matters. */
static void mix_digest(uint8_t digest[20], const void *data, size_t len)
{
	rkv_sha1 s;

	xor_digest(digest, data, len);
	rkv_sha1_init(&s);
	rkv_sha1_update(&s, digest, 20);
	rkv_sha1_final(&s, digest);
}

static void be32(uint8_t out[4], uint32_t v)
{
	out[0] = (uint8_t)(v >> 24);
	out[1] = (uint8_t)(v >> 16);
	out[2] = (uint8_t)(v >> 8);
	out[3] = (uint8_t)v;
}

/* Redis's xorObjectDigest for a value: its type, its (decoded) content,
 * and a marker when it has a TTL (the time itself is left out, so a replica
 * whose TTLs differ by clock skew still matches). */
static void value_digest(rkv_keyspace *ks, int db, const rkv_entry *e,
			 uint8_t digest[20])
{
	char buf[RKV_LLSTR_SIZE];
	uint8_t type[4];
	size_t len;
	const char *v = rkv_entry_str(e, buf, &len);

	be32(type, e->type);
	mix_digest(digest, type, sizeof(type));
	mix_digest(digest, v, len);
	if (rkv_keyspace_get_expire(ks, db, e) != -1)
		xor_digest(digest, "!!expire!!", 10);
}

typedef struct dataset {
	rkv_keyspace *ks;
	int db;
	uint8_t final[20];
} dataset;

static void key_digest(rkv_dict_node *n, void *ud)
{
	dataset *d = ud;
	const rkv_entry *e = (const rkv_entry *)n;
	uint8_t digest[20] = {0};

	mix_digest(digest, rkv_entry_key(e), e->klen);
	value_digest(d->ks, d->db, e, digest);
	/* Folded in by xorDigest (SHA1 of it), so key order is irrelevant. */
	xor_digest(d->final, digest, sizeof(digest));
}

static void reply_hex(rkv_conn *c, const uint8_t digest[20])
{
	static const char hexd[] = "0123456789abcdef";
	char hex[40];

	for (int i = 0; i < 20; i++) {
		hex[2 * i] = hexd[digest[i] >> 4];
		hex[2 * i + 1] = hexd[digest[i] & 15];
	}
	rkv_resp_add_status(rkv_out(c), hex, sizeof(hex));
}

/* Redis's islocalClient(): loopback peers (and in-process connections,
 * which have no address, like Redis's unix-socket clients). */
static bool local_client(const rkv_conn *c)
{
	return c->addr[0] == '\0' || strncmp(c->addr, "127.", 4) == 0 ||
	       strncmp(c->addr, "[::1]", 5) == 0 ||
	       strncmp(c->addr, "::1", 3) == 0;
}

/* Redis's addReplyHelp() for DEBUG, limited to the subcommands rkv has
 * (Redis's own lines, in its order). */
static void debug_help(rkv_conn *c)
{
	static const char *const help[] = {
	    "DEBUG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
	    "DIGEST",
	    "    Output a hex signature representing the current DB content.",
	    "DIGEST-VALUE <key> [<key> ...]",
	    "    Output a hex signature of the values of all the specified "
	    "keys.",
	    "OBJECT <key>",
	    "    Show low level info about `key` and associated value.",
	    "POPULATE <count> [<prefix>] [<size>]",
	    "    Create <count> string keys named key:<num>. If <prefix> is "
	    "specified then",
	    "    it is used instead of the 'key' prefix. These are not "
	    "propagated to",
	    "    replicas. Cluster slots are not respected so keys not "
	    "belonging to the",
	    "    current node can be created in cluster mode.",
	    "SET-ACTIVE-EXPIRE <0|1>",
	    "    Setting it to 0 disables expiring keys in background when "
	    "they "
	    "are not",
	    "    accessed (otherwise the Redis behavior). Setting it to 1 "
	    "reenables back the",
	    "    default.",
	    "SLEEP <seconds>",
	    "    Stop the server for <seconds>. Decimals allowed.",
	    "HELP",
	    "    Prints this help.",
	};
	size_t n = sizeof(help) / sizeof(*help);

	rkv_resp_add_array(rkv_out(c), (long long)n);
	for (size_t i = 0; i < n; i++)
		rkv_resp_add_status(rkv_out(c), help[i], strlen(help[i]));
}

/* C's atoi() over a counted argument, as Redis applies it to
 * SET-ACTIVE-EXPIRE: leading blanks, a sign, digits, the rest ignored. */
static long long arg_atoi(const rkv_slice *a)
{
	size_t i = 0;
	bool neg = false;
	unsigned long long v = 0;

	while (i < a->len &&
	       (a->ptr[i] == ' ' || (a->ptr[i] >= '\t' && a->ptr[i] <= '\r')))
		i++;
	if (i < a->len && (a->ptr[i] == '+' || a->ptr[i] == '-'))
		neg = a->ptr[i++] == '-';
	for (; i < a->len && a->ptr[i] >= '0' && a->ptr[i] <= '9'; i++) {
		v = v * 10 + (unsigned)(a->ptr[i] - '0');
		if (v > (unsigned long long)LLONG_MAX)
			return neg ? LLONG_MIN : LLONG_MAX;
	}
	return neg ? -(long long)v : (long long)v;
}

/* DEBUG SLEEP seconds: Redis parses the argument with strtod() and no
 * error check (junk is 0 seconds) and blocks the whole server. The library
 * has no sleep of its own: it busy-waits on the host's clock callback
 * (rkv_node_now_us()) until that much clock time has passed, counting only
 * forward steps of the clock, so the host's clock must advance. A node
 * without a clock callback returns at once. */
static void debug_sleep(rkv_conn *c, const rkv_slice *arg)
{
	char buf[128];
	size_t n = arg->len < sizeof(buf) - 1 ? arg->len : sizeof(buf) - 1;
	double secs, us;
	int64_t wait_us, waited = 0, last;

	memcpy(buf, arg->ptr, n);
	buf[n] = '\0';
	secs = strtod(buf, NULL);
	us = secs * 1000000.0;
	/* NaN and negative times sleep not at all (nanosleep() refuses
	 * them in Redis); huge ones are capped. */
	if (!(us > 0))
		wait_us = 0;
	else if (us >= (double)INT64_MAX)
		wait_us = INT64_MAX;
	else
		wait_us = (int64_t)us;
	if (wait_us > 0 && c->node->cb.clock) {
		last = rkv_node_now_us(c->node);
		while (waited < wait_us) {
			int64_t now = rkv_node_now_us(c->node);

			if (now > last)
				waited += now - last;
			last = now;
		}
	}
	rkv_reply_ok(c);
}

/* "value is out of range, must be positive" for anything but an integer
 * >= 0 (Redis's getPositiveLongFromObjectOrReply()). */
static bool arg_positive(rkv_conn *c, const rkv_slice *a, long long *v)
{
	if (rkv_string2ll(a->ptr, a->len, v) && *v >= 0)
		return true;
	rkv_resp_add_errorf(rkv_out(c),
			    "value is out of range, must be positive");
	return false;
}

/* DEBUG POPULATE count [prefix] [size], as Redis 7.0: keys "prefix:N"
 * (prefix "key" by default; the name is built by snprintf() into a
 * 128-byte buffer, so a prefix stops at a NUL byte and the name at 127
 * bytes), values "value:N", or, given a size, that text truncated or
 * padded with zero bytes to size bytes. Existing (live) keys are left
 * alone. Each created key is signalled (WATCH) but, as in Redis, not
 * propagated to replicas. */
static void debug_populate(rkv_conn *c, size_t argc, const rkv_slice *argv)
{
	rkv_keyspace *ks = &c->node->ks;
	const char *prefix = "key";
	size_t plen = 3;
	long long count, size = 0;
	char *val = NULL;

	if (!arg_positive(c, &argv[2], &count))
		return;
	if (argc == 5 && !arg_positive(c, &argv[4], &size))
		return;
	if (argc >= 4) {
		const char *nul = memchr(argv[3].ptr, '\0', argv[3].len);

		prefix = argv[3].ptr;
		plen = nul ? (size_t)(nul - prefix) : argv[3].len;
	}
	if (size > 0) {
		if ((unsigned long long)size > UINT32_MAX) {
			rkv_reply_oom(c);
			return;
		}
		val = rkv_malloc(rkv_node_alloc(c->node), (size_t)size);
		if (!val) {
			rkv_reply_oom(c);
			return;
		}
		memset(val, 0, (size_t)size);
	}
	for (long long j = 0; j < count; j++) {
		char key[128], num[64];
		size_t klen, nlen;
		const char *v = num;
		size_t vlen;

		/* snprintf(buf, 128, "%s:%lu", prefix, j) */
		klen = plen < sizeof(key) - 1 ? plen : sizeof(key) - 1;
		memcpy(key, prefix, klen);
		nlen = (size_t)snprintf(num, sizeof(num), ":%lld", j);
		if (nlen > sizeof(key) - 1 - klen)
			nlen = sizeof(key) - 1 - klen;
		memcpy(key + klen, num, nlen);
		klen += nlen;
		if (rkv_keyspace_lookup(ks, c->db, key, klen, rkv_cmd_now(c)))
			continue;
		vlen = (size_t)snprintf(num, sizeof(num), "value:%lld", j);
		if (val) {
			memcpy(val, num,
			       (size_t)size < vlen ? (size_t)size : vlen);
			v = val;
			vlen = (size_t)size;
		}
		if (rkv_keyspace_set(ks, c->db, key, klen, v, vlen, false,
				     rkv_cmd_now(c), NULL) != 0) {
			rkv_free(rkv_node_alloc(c->node), val);
			rkv_reply_oom(c);
			return;
		}
		rkv_signal_key(c->node, c->db, key, klen);
	}
	rkv_free(rkv_node_alloc(c->node), val);
	rkv_reply_ok(c);
}

/* Redis's rdbSaveLen(): the length prefix of an RDB string. */
static size_t rdb_len_size(uint64_t len)
{
	if (len < (1 << 6))
		return 1;
	if (len < (1 << 14))
		return 2;
	if (len <= UINT32_MAX)
		return 5;
	return 9;
}

/* Redis's rdbEncodeInteger(): bytes of the integer encoding, 0 if the
 * value does not fit 32 bits. */
static size_t rdb_int_size(long long v)
{
	if (v >= -(1 << 7) && v <= (1 << 7) - 1)
		return 2;
	if (v >= -(1 << 15) && v <= (1 << 15) - 1)
		return 3;
	if (v >= INT32_MIN && v <= INT32_MAX)
		return 5;
	return 0;
}

/* What rdbSavedObjectLen() reports for a string value: an integer
 * encoding when the value is a canonical integer of 32 bits (at most 11
 * characters for a raw string), else a length prefix and the bytes.
 * Approximation: Redis compresses strings over 20 bytes with LZF when
 * rdbcompression is on (the default) and reports the compressed size when
 * it is smaller; rkv has no LZF and reports the uncompressed size. */
static size_t rdb_string_size(const rkv_entry *e)
{
	char buf[RKV_LLSTR_SIZE];
	size_t len, n;
	const char *s = rkv_entry_str(e, buf, &len);
	long long v;

	if ((e->enc == RKV_ENC_INT || len <= 11) && rkv_string2ll(s, len, &v) &&
	    (n = rdb_int_size(v)) > 0)
		return n;
	return rdb_len_size(len) + len;
}

/* Redis's LRU_CLOCK_MAX: its LRU clock has 24 bits of seconds. */
#define LRU_CLOCK_MAX ((1 << 24) - 1)

/* DEBUG OBJECT key: Redis's status line. The address is the entry's; lru
 * is the entry's last access in Redis's 24-bit seconds clock. The key is
 * found even when logically expired (Redis's dictFind()). */
static void debug_object(rkv_conn *c, const rkv_slice *key)
{
	rkv_entry *e = rkv_keyspace_peek(&c->node->ks, c->db, key->ptr,
					 key->len, INT64_MIN);
	const char *enc;
	long long lru, clock, idle;
	int refcount;
	char line[256];
	int n;

	if (!e) {
		rkv_resp_add_errorf(rkv_out(c), "no such key");
		return;
	}
	enc = rkv_object_encoding(e);
	refcount = rkv_object_refcount(e);
	lru = (long long)e->atime & LRU_CLOCK_MAX;
	clock = (rkv_cmd_now(c) / 1000) & LRU_CLOCK_MAX;
	/* Redis's estimateObjectIdleTime(), in seconds. */
	idle = clock >= lru ? clock - lru : clock + (LRU_CLOCK_MAX - lru);
	n = snprintf(line, sizeof(line),
		     "Value at:%p refcount:%d encoding:%s serializedlength:%zu "
		     "lru:%lld lru_seconds_idle:%lld",
		     (void *)e, refcount, enc, rdb_string_size(e), lru, idle);
	if (n < 0)
		n = 0;
	if ((size_t)n >= sizeof(line))
		n = sizeof(line) - 1;
	rkv_resp_add_status(rkv_out(c), line, (size_t)n);
}

void rkv_cmd_debug(rkv_conn *c, size_t argc, const rkv_slice *argv)
{
	rkv_keyspace *ks = &c->node->ks;

	if (!(c->node->set.enable_debug == RKV_PROTECTED_YES ||
	      (c->node->set.enable_debug == RKV_PROTECTED_LOCAL &&
	       local_client(c)))) {
		rkv_resp_add_errorf(
		    rkv_out(c),
		    "DEBUG command not allowed. If the enable-debug-command "
		    "option is set to \"local\", you can run it from a local "
		    "connection, otherwise you need to set this option in the "
		    "configuration file, and then restart the server.");
		return;
	}
	if (rkv_arg_is(&argv[1], "digest") && argc == 2) {
		dataset d = {ks, 0, {0}};

		for (d.db = 0; d.db < ks->ndb; d.db++) {
			uint8_t id[4];

			if (rkv_keyspace_size(ks, d.db) == 0)
				continue;
			be32(id, (uint32_t)d.db);
			mix_digest(d.final, id, sizeof(id));
			rkv_dict_foreach(&ks->db[d.db].keys, key_digest, &d);
		}
		reply_hex(c, d.final);
	} else if (rkv_arg_is(&argv[1], "digest-value")) {
		rkv_resp_add_array(rkv_out(c), (long long)argc - 2);
		for (size_t j = 2; j < argc; j++) {
			uint8_t digest[20] = {0};
			/* Logically expired keys count too, as in Redis. */
			rkv_entry *e = rkv_keyspace_peek(
			    ks, c->db, argv[j].ptr, argv[j].len, INT64_MIN);

			if (e)
				value_digest(ks, c->db, e, digest);
			reply_hex(c, digest);
		}
	} else if (rkv_arg_is(&argv[1], "help") && argc == 2) {
		debug_help(c);
	} else if (rkv_arg_is(&argv[1], "object") && argc == 3) {
		debug_object(c, &argv[2]);
	} else if (rkv_arg_is(&argv[1], "populate") && argc >= 3 && argc <= 5) {
		debug_populate(c, argc, argv);
	} else if (rkv_arg_is(&argv[1], "set-active-expire") && argc == 3) {
		c->node->active_expire_off = arg_atoi(&argv[2]) == 0;
		rkv_reply_ok(c);
	} else if (rkv_arg_is(&argv[1], "sleep") && argc == 3) {
		debug_sleep(c, &argv[2]);
	} else if (rkv_arg_is(&argv[1], "reload")) {
		char err[256] = "";

		for (size_t j = 2; j < argc; j++) {
			if (!rkv_arg_is(&argv[j], "merge") &&
			    !rkv_arg_is(&argv[j], "noflush") &&
			    !rkv_arg_is(&argv[j], "nosave")) {
				rkv_resp_add_errorf(
				    rkv_out(c),
				    "DEBUG RELOAD only supports the "
				    "MERGE, NOFLUSH and NOSAVE "
				    "options.");
				return;
			}
		}
		/* In memory: the keyspace is saved into a buffer and loaded
		 * back, as Redis's DEBUG RELOAD does through its file. */
		if (rkv_node_reload(c->node, err, sizeof(err)) < 0) {
			rkv_node_logf(c->node, RKV_LOG_WARNING,
				      "DEBUG RELOAD failed: %s", err);
			rkv_resp_add_errorf(rkv_out(c), "Error trying to "
							"load the RDB dump");
			return;
		}
		rkv_node_logf(c->node, RKV_LOG_NOTICE,
			      "DB reloaded by DEBUG RELOAD");
		rkv_reply_ok(c);
	} else {
		rkv_resp_add_errorf(
		    rkv_out(c),
		    "unknown subcommand or wrong number of "
		    "arguments for '%.*s'. Try DEBUG HELP.",
		    (int)(argv[1].len > 128 ? 128 : argv[1].len), argv[1].ptr);
	}
}
