/* The command table, dispatch, shared reply helpers and the
 * connection-level commands. Each table row names a command, its arity
 * (Redis convention: N exact, -N at least N, command name included), flags,
 * key positions and implementation. Rows are sorted by name and looked up
 * by binary search, case-insensitively. */
#include "commands.h"

#include <stdio.h>
#include <string.h>

#include "replica.h"
#include "sentinel.h"
#include "util.h"

bool rkv_arg_is(const rkv_slice *a, const char *lower)
{
	return rkv_caseeq(a->ptr, a->len, lower);
}

bool rkv_arg_ll(rkv_conn *c, const rkv_slice *a, long long *v)
{
	if (rkv_string2ll(a->ptr, a->len, v))
		return true;
	rkv_resp_add_errorf(&c->obuf,
			    "value is not an integer or out of range");
	return false;
}

void rkv_reply_arity(rkv_conn *c, const char *cmd_name)
{
	rkv_resp_add_errorf(
	    &c->obuf, "wrong number of arguments for '%s' command", cmd_name);
}

rkv_entry *rkv_lookup(rkv_conn *c, const rkv_slice *key)
{
	rkv_keyspace *ks = &c->node->ks;
	rkv_entry *e =
	    rkv_keyspace_lookup(ks, c->db, key->ptr, key->len, rkv_cmd_now(c));

	/* keyspace_hits/misses count read lookups, as Redis's lookupKeyRead
	 * (c->lastcmd is the command running now). */
	if (!c->lastcmd || !(c->lastcmd->flags & RKV_CMD_WRITE)) {
		if (e)
			ks->hits++;
		else
			ks->misses++;
	}
	return e;
}

void rkv_reply_oom(rkv_conn *c)
{
	rkv_resp_add_errorf(&c->obuf, "out of memory");
}

void rkv_reply_invalid_expire(rkv_conn *c, const char *cmd_name)
{
	rkv_resp_add_errorf(&c->obuf, "invalid expire time in '%s' command",
			    cmd_name);
}

void rkv_reply_entry(rkv_conn *c, const rkv_entry *e)
{
	char buf[RKV_LLSTR_SIZE];
	size_t len;
	const char *s = rkv_entry_str(e, buf, &len);

	rkv_resp_add_bulk(&c->obuf, s, len);
}

void rkv_cmd_ping(rkv_conn *c, size_t argc, const rkv_slice *argv)
{
	if (argc > 2) {
		rkv_reply_arity(c, "ping");
		return;
	}
	if ((c->nsub || c->npsub) && c->proto == 2) {
		/* RESP2 subscribed mode: replies must look like messages. */
		rkv_buf_append(&c->obuf, "*2\r\n$4\r\npong\r\n", 14);
		if (argc == 1)
			rkv_buf_append(&c->obuf, "$0\r\n\r\n", 6);
		else
			rkv_resp_add_bulk(&c->obuf, argv[1].ptr, argv[1].len);
		return;
	}
	if (argc == 1)
		rkv_buf_append(&c->obuf, "+PONG\r\n", 7);
	else
		rkv_resp_add_bulk(&c->obuf, argv[1].ptr, argv[1].len);
}

void rkv_cmd_echo(rkv_conn *c, size_t argc, const rkv_slice *argv)
{
	(void)argc;
	rkv_resp_add_bulk(&c->obuf, argv[1].ptr, argv[1].len);
}

void rkv_cmd_quit(rkv_conn *c, size_t argc, const rkv_slice *argv)
{
	(void)argc;
	(void)argv;
	rkv_reply_ok(c);
	c->closing = true;
}

void rkv_cmd_time(rkv_conn *c, size_t argc, const rkv_slice *argv)
{
	int64_t us = rkv_node_now_us(c->node);
	char sec[RKV_LLSTR_SIZE], usec[RKV_LLSTR_SIZE];
	size_t ns = rkv_ll2str(sec, us / 1000000);
	size_t nu = rkv_ll2str(usec, us % 1000000);

	(void)argc;
	(void)argv;
	rkv_resp_add_array(&c->obuf, 2);
	rkv_resp_add_bulk(&c->obuf, sec, ns);
	rkv_resp_add_bulk(&c->obuf, usec, nu);
}

static void add_bulk_cstr(rkv_conn *c, const char *s)
{
	rkv_resp_add_bulk(&c->obuf, s, strlen(s));
}

/* Compare a password in time independent of where it differs. */
static bool secret_eq(const char *a, size_t alen, const char *b, size_t blen)
{
	unsigned char diff = alen != blen;
	size_t n = alen < blen ? alen : blen;

	for (size_t i = 0; i < n; i++)
		diff |= (unsigned char)(a[i] ^ b[i]);
	return diff == 0;
}

/* The default user's check: user NULL or "default", and the requirepass
 * password (any password when none is set: the user is "nopass"). */
static bool auth_ok(rkv_node *node, const rkv_slice *user,
		    const rkv_slice *pass)
{
	if (user && !(user->len == 7 && memcmp(user->ptr, "default", 7) == 0))
		return false;
	if (!node->set.requirepass)
		return true;
	return secret_eq(pass->ptr, pass->len, node->set.requirepass,
			 node->set.requirepass_len);
}

static void reply_wrongpass(rkv_conn *c)
{
	rkv_resp_add_errorf(&c->obuf, "-WRONGPASS invalid username-password "
				      "pair or user is disabled.");
}

/* AUTH [username] password */
void rkv_cmd_auth(rkv_conn *c, size_t argc, const rkv_slice *argv)
{
	if (argc > 3) {
		rkv_reply_syntax_error(c);
		return;
	}
	if (argc == 2 && !c->node->set.requirepass) {
		rkv_resp_add_errorf(&c->obuf,
				    "AUTH <password> called without any "
				    "password configured for the default user. "
				    "Are you sure your configuration is "
				    "correct?");
		return;
	}
	if (!auth_ok(c->node, argc == 3 ? &argv[1] : NULL, &argv[argc - 1])) {
		reply_wrongpass(c);
		return;
	}
	c->flags |= RKV_CONN_AUTHED;
	rkv_reply_ok(c);
}

/* RESET: back to a fresh connection's state, as Redis's clearClientConnection
 * State(). */
void rkv_cmd_reset(rkv_conn *c, size_t argc, const rkv_slice *argv)
{
	(void)argc;
	(void)argv;
	rkv_multi_conn_free(c);
	rkv_pubsub_unsubscribe_all(c);
	if (c->flags & RKV_CONN_MONITOR) {
		c->flags &= ~(unsigned)RKV_CONN_MONITOR;
		c->node->nmonitors--;
	}
	c->flags &= ~(unsigned)RKV_CONN_NO_EVICT;
	if (c->node->set.requirepass)
		c->flags &= ~(unsigned)RKV_CONN_AUTHED;
	c->db = 0;
	c->proto = 2;
	c->name[0] = '\0';
	rkv_buf_append(&c->obuf, "+RESET\r\n", 8);
}

/* HELLO [protover [AUTH username password] [SETNAME clientname]] */
void rkv_cmd_hello(rkv_conn *c, size_t argc, const rkv_slice *argv)
{
	long long ver = 0;
	const rkv_slice *name = NULL, *user = NULL, *pass = NULL;
	size_t j = 2;

	if (argc >= 2) {
		if (!rkv_string2ll(argv[1].ptr, argv[1].len, &ver)) {
			rkv_resp_add_errorf(&c->obuf,
					    "Protocol version is not an "
					    "integer or out of range");
			return;
		}
		if (ver < 2 || ver > 3) {
			rkv_resp_add_errorf(
			    &c->obuf, "-NOPROTO unsupported protocol version");
			return;
		}
	}
	for (; j < argc; j++) {
		size_t more = argc - j - 1;

		if (rkv_arg_is(&argv[j], "auth") && more >= 2) {
			user = &argv[j + 1];
			pass = &argv[j + 2];
			j += 2;
		} else if (rkv_arg_is(&argv[j], "setname") && more >= 1) {
			name = &argv[++j];
			for (size_t i = 0; i < name->len; i++) {
				if (name->ptr[i] <= ' ' || name->ptr[i] > '~') {
					rkv_resp_add_errorf(
					    &c->obuf,
					    "Client names cannot contain "
					    "spaces, newlines or special "
					    "characters.");
					return;
				}
			}
		} else {
			rkv_resp_add_errorf(
			    &c->obuf, "Syntax error in HELLO option '%.*s'",
			    (int)(argv[j].len > 128 ? 128 : argv[j].len),
			    argv[j].ptr);
			return;
		}
	}
	if (user) {
		if (!auth_ok(c->node, user, pass)) {
			reply_wrongpass(c);
			return;
		}
		c->flags |= RKV_CONN_AUTHED;
	}
	if (!(c->flags & RKV_CONN_AUTHED)) {
		rkv_resp_add_errorf(
		    &c->obuf,
		    "-NOAUTH HELLO must be called with the client already "
		    "authenticated, otherwise the HELLO AUTH <user> <pass> "
		    "option can be used to authenticate the client and "
		    "select the RESP protocol version at the same time");
		return;
	}
	if (name)
		snprintf(c->name, sizeof(c->name), "%.*s", (int)name->len,
			 name->ptr);
	if (ver)
		c->proto = (int)ver;
	rkv_resp_add_map(&c->obuf, c->proto, 7);
	add_bulk_cstr(c, "server");
	add_bulk_cstr(c, "redis");
	add_bulk_cstr(c, "version");
	add_bulk_cstr(c, RKV_REDIS_COMPAT_VERSION);
	add_bulk_cstr(c, "proto");
	rkv_resp_add_integer(&c->obuf, c->proto);
	add_bulk_cstr(c, "id");
	rkv_resp_add_integer(&c->obuf, (long long)c->id);
	add_bulk_cstr(c, "mode");
	add_bulk_cstr(c, "standalone");
	add_bulk_cstr(c, "role");
	add_bulk_cstr(c, c->node->mlink ? "replica" : "master");
	add_bulk_cstr(c, "modules");
	rkv_resp_add_array(&c->obuf, 0);
}

#define W  RKV_CMD_WRITE
#define R  RKV_CMD_READONLY
#define F  RKV_CMD_FAST
#define NA RKV_CMD_NOAUTH
#define NM RKV_CMD_NOMONITOR
#define PS RKV_CMD_PUBSUB
#define TX RKV_CMD_TXN
#define D  RKV_CMD_DENYOOM
#define A  RKV_CMD_ADMIN
#define NS RKV_CMD_STALE

/* Subcommands as Redis 7.0 declares them (name, arity, flags), sorted. */
#define SUBS(a) a, sizeof(a) / sizeof(*a)
static const rkv_subcommand client_sub[] = {
    {"caching", 3, 0},	 {"getname", 2, 0},	 {"getredir", 2, 0},
    {"help", 2, 0},	 {"id", 2, 0},		 {"info", 2, 0},
    {"kill", -3, A},	 {"list", -2, A},	 {"no-evict", 3, A},
    {"pause", -3, A},	 {"reply", 3, 0},	 {"setname", 3, 0},
    {"tracking", -3, 0}, {"trackinginfo", 2, 0}, {"unblock", -3, A},
    {"unpause", 2, A},
};
static const rkv_subcommand command_sub[] = {
    {"count", 2, 0},	{"docs", -2, 0},
    {"getkeys", -4, 0}, {"getkeysandflags", -4, 0},
    {"help", 2, 0},	{"info", -2, 0},
    {"list", -2, 0},
};
static const rkv_subcommand config_sub[] = {
    {"get", -3, A},    {"help", 2, 0}, {"resetstat", 2, A},
    {"rewrite", 2, A}, {"set", -4, A},
};
static const rkv_subcommand latency_sub[] = {
    {"doctor", 2, A},  {"graph", 3, A},	 {"help", 2, 0},   {"histogram", -2, A},
    {"history", 3, A}, {"latest", 2, A}, {"reset", -2, A},
};
static const rkv_subcommand object_sub[] = {
    {"encoding", 3, R}, {"freq", 3, R},	    {"help", 2, 0},
    {"idletime", 3, R}, {"refcount", 3, R},
};
static const rkv_subcommand pubsub_sub[] = {
    {"channels", -2, 0}, {"help", 2, 0},	   {"numpat", 2, 0},
    {"numsub", -2, 0},	 {"shardchannels", -2, 0}, {"shardnumsub", -2, 0},
};
static const rkv_subcommand slowlog_sub[] = {
    {"get", -2, A},
    {"help", 2, 0},
    {"len", 2, A},
    {"reset", 2, A},
};

/* Redis 7.0's SENTINEL subcommands that rkv has (sentinel mode only). */
static const rkv_subcommand sentinel_sub[] = {
    {"ckquorum", 3, A},
    {"config", -3, A},
    {"failover", 3, A},
    {"flushconfig", 2, A},
    {"get-master-addr-by-name", 3, A},
    {"help", 2, 0},
    {"is-master-down-by-addr", 6, A},
    {"master", 3, A},
    {"masters", 2, A},
    {"monitor", 6, A},
    {"myid", 2, A},
    {"remove", 3, A},
    {"replicas", 3, A},
    {"reset", 3, A},
    {"sentinels", 3, A},
    {"set", -5, A},
    {"slaves", 3, A},
};

/* Sorted by name (checked by a unit test). */
static const rkv_command command_table[] = {
    {"append", 3, W | D, 1, 1, 1, rkv_cmd_append},
    {"auth", -2, NA | NM | F, 0, 0, 0, rkv_cmd_auth},
    {"bgsave", -1, A, 0, 0, 0, rkv_cmd_bgsave},
    {"client", -2, 0, 0, 0, 0, rkv_cmd_client, SUBS(client_sub)},
    {"command", -1, 0, 0, 0, 0, rkv_cmd_command, SUBS(command_sub)},
    {"config", -2, A, 0, 0, 0, rkv_cmd_config, SUBS(config_sub)},
    {"copy", -3, W | D, 1, 2, 1, rkv_cmd_copy},
    {"dbsize", 1, R | F, 0, 0, 0, rkv_cmd_dbsize},
    {"debug", -2, A, 0, 0, 0, rkv_cmd_debug},
    {"decr", 2, W | F | D, 1, 1, 1, rkv_cmd_decr},
    {"decrby", 3, W | F | D, 1, 1, 1, rkv_cmd_decrby},
    {"del", -2, W, 1, -1, 1, rkv_cmd_del},
    {"discard", 1, TX | F, 0, 0, 0, rkv_cmd_discard},
    {"echo", 2, F, 0, 0, 0, rkv_cmd_echo},
    {"exec", 1, TX, 0, 0, 0, rkv_cmd_exec},
    {"exists", -2, R | F, 1, -1, 1, rkv_cmd_exists},
    {"expire", -3, W | F, 1, 1, 1, rkv_cmd_expire},
    {"expireat", -3, W | F, 1, 1, 1, rkv_cmd_expireat},
    {"expiretime", 2, R | F, 1, 1, 1, rkv_cmd_expiretime},
    {"failover", -1, A | NS, 0, 0, 0, rkv_cmd_failover},
    {"flushall", -1, W, 0, 0, 0, rkv_cmd_flushall},
    {"flushdb", -1, W, 0, 0, 0, rkv_cmd_flushdb},
    {"get", 2, R | F, 1, 1, 1, rkv_cmd_get},
    {"getdel", 2, W | F, 1, 1, 1, rkv_cmd_getdel},
    {"getex", -2, W | F | D, 1, 1, 1, rkv_cmd_getex},
    {"getrange", 4, R, 1, 1, 1, rkv_cmd_getrange},
    {"getset", 3, W | F | D, 1, 1, 1, rkv_cmd_getset},
    {"hello", -1, NA | NM | F, 0, 0, 0, rkv_cmd_hello},
    {"incr", 2, W | F | D, 1, 1, 1, rkv_cmd_incr},
    {"incrby", 3, W | F | D, 1, 1, 1, rkv_cmd_incrby},
    {"incrbyfloat", 3, W | F | D, 1, 1, 1, rkv_cmd_incrbyfloat},
    {"info", -1, 0, 0, 0, 0, rkv_cmd_info},
    {"keys", 2, R, 0, 0, 0, rkv_cmd_keys},
    {"lastsave", 1, F, 0, 0, 0, rkv_cmd_lastsave},
    {"latency", -2, A, 0, 0, 0, rkv_cmd_latency, SUBS(latency_sub)},
    {"lcs", -3, R, 1, 2, 1, rkv_cmd_lcs},
    {"mget", -2, R | F, 1, -1, 1, rkv_cmd_mget},
    {"monitor", 1, A, 0, 0, 0, rkv_cmd_monitor},
    {"move", 3, W | F, 1, 1, 1, rkv_cmd_move},
    {"mset", -3, W | D, 1, -1, 2, rkv_cmd_mset},
    {"msetnx", -3, W | D, 1, -1, 2, rkv_cmd_msetnx},
    {"multi", 1, TX | F, 0, 0, 0, rkv_cmd_multi},
    {"object", -2, R, 2, 2, 1, rkv_cmd_object, SUBS(object_sub)},
    {"persist", 2, W | F, 1, 1, 1, rkv_cmd_persist},
    {"pexpire", -3, W | F, 1, 1, 1, rkv_cmd_pexpire},
    {"pexpireat", -3, W | F, 1, 1, 1, rkv_cmd_pexpireat},
    {"pexpiretime", 2, R | F, 1, 1, 1, rkv_cmd_pexpiretime},
    {"ping", -1, PS | F, 0, 0, 0, rkv_cmd_ping},
    {"psetex", 4, W | D, 1, 1, 1, rkv_cmd_psetex},
    {"psubscribe", -2, PS, 0, 0, 0, rkv_cmd_psubscribe},
    {"psync", -3, A | NM | RKV_CMD_NOMULTI, 0, 0, 0, rkv_cmd_psync},
    {"pttl", 2, R | F, 1, 1, 1, rkv_cmd_pttl},
    {"publish", 3, F | RKV_CMD_MAY_REPLICATE, 0, 0, 0, rkv_cmd_publish},
    {"pubsub", -2, 0, 0, 0, 0, rkv_cmd_pubsub, SUBS(pubsub_sub)},
    {"punsubscribe", -1, PS, 0, 0, 0, rkv_cmd_punsubscribe},
    {"quit", -1, NA | PS | TX | F, 0, 0, 0, rkv_cmd_quit},
    {"randomkey", 1, R, 0, 0, 0, rkv_cmd_randomkey},
    {"rename", 3, W, 1, 2, 1, rkv_cmd_rename},
    {"renamenx", 3, W | F, 1, 2, 1, rkv_cmd_renamenx},
    {"replconf", -1, A | NM, 0, 0, 0, rkv_cmd_replconf},
    {"replicaof", 3, A | NS, 0, 0, 0, rkv_cmd_replicaof},
    {"reset", 1, NA | PS | TX | F, 0, 0, 0, rkv_cmd_reset},
    {"role", 1, F, 0, 0, 0, rkv_cmd_role},
    {"save", 1, A, 0, 0, 0, rkv_cmd_save},
    {"scan", -2, R, 0, 0, 0, rkv_cmd_scan},
    {"select", 2, F, 0, 0, 0, rkv_cmd_select},
    {"sentinel", -2, A, 0, 0, 0, rkv_cmd_sentinel, SUBS(sentinel_sub)},
    {"set", -3, W | D, 1, 1, 1, rkv_cmd_set},
    {"setex", 4, W | D, 1, 1, 1, rkv_cmd_setex},
    {"setnx", 3, W | F | D, 1, 1, 1, rkv_cmd_setnx},
    {"setrange", 4, W | D, 1, 1, 1, rkv_cmd_setrange},
    {"shutdown", -1, A, 0, 0, 0, rkv_cmd_shutdown},
    {"slaveof", 3, A | NS, 0, 0, 0, rkv_cmd_replicaof},
    {"slowlog", -2, A, 0, 0, 0, rkv_cmd_slowlog, SUBS(slowlog_sub)},
    {"strlen", 2, R | F, 1, 1, 1, rkv_cmd_strlen},
    {"subscribe", -2, PS, 0, 0, 0, rkv_cmd_subscribe},
    {"substr", 4, R, 1, 1, 1, rkv_cmd_getrange},
    {"swapdb", 3, W | F, 0, 0, 0, rkv_cmd_swapdb},
    {"sync", 1, A | NM | RKV_CMD_NOMULTI, 0, 0, 0, rkv_cmd_sync},
    {"time", 1, F, 0, 0, 0, rkv_cmd_time},
    {"touch", -2, R | F, 1, -1, 1, rkv_cmd_touch},
    {"ttl", 2, R | F, 1, 1, 1, rkv_cmd_ttl},
    {"type", 2, R | F, 1, 1, 1, rkv_cmd_type},
    {"unlink", -2, W | F, 1, -1, 1, rkv_cmd_del},
    {"unsubscribe", -1, PS, 0, 0, 0, rkv_cmd_unsubscribe},
    {"unwatch", 1, F, 0, 0, 0, rkv_cmd_unwatch},
    {"wait", 3, 0, 0, 0, 0, rkv_cmd_wait},
    {"watch", -2, TX | F, 1, -1, 1, rkv_cmd_watch},
};

#undef W
#undef R
#undef F
#undef SUBS
#undef NA
#undef NM
#undef PS
#undef TX
#undef D
#undef A
#undef NS

/* Compare name[0..len) case-insensitively with a lower-case word. */
static int name_cmp(const char *name, size_t len, const char *word)
{
	size_t i;

	for (i = 0; i < len && word[i]; i++) {
		unsigned char a = (unsigned char)name[i], b;

		if (a >= 'A' && a <= 'Z')
			a = (unsigned char)(a - 'A' + 'a');
		b = (unsigned char)word[i];
		if (a != b)
			return a < b ? -1 : 1;
	}
	if (i < len)
		return 1;
	return word[i] ? -1 : 0;
}

const rkv_command *rkv_command_lookup(const char *name, size_t len)
{
	size_t lo = 0, hi = sizeof(command_table) / sizeof(*command_table);

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int r = name_cmp(name, len, command_table[mid].name);

		if (r == 0)
			return &command_table[mid];
		if (r < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

/* Length of s[0..len) as C's "%.128s" prints it: up to a NUL, at most 128. */
static int cstr_len(const char *s, size_t len, size_t max)
{
	const char *nul = memchr(s, '\0', len);

	if (nul)
		len = (size_t)(nul - s);
	return (int)(len < max ? len : max);
}

/* "ERR unknown command 'x', with args beginning with: 'a' 'b' " as Redis
 * 7.0 words it: the arguments are quoted until 128 bytes are used. */
static void reply_unknown_command(rkv_conn *c, size_t argc,
				  const rkv_slice *argv)
{
	char args[160];
	size_t used = 0;

	args[0] = '\0';
	for (size_t i = 1; i < argc && used < 128; i++) {
		int n = snprintf(args + used, sizeof(args) - used, "'%.*s' ",
				 cstr_len(argv[i].ptr, argv[i].len, 128 - used),
				 argv[i].ptr);
		if (n < 0)
			break;
		used += (size_t)n;
		if (used >= sizeof(args))
			used = sizeof(args) - 1;
	}
	rkv_resp_add_errorf(
	    &c->obuf, "unknown command '%.*s', with args beginning with: %s",
	    cstr_len(argv[0].ptr, argv[0].len, 128), argv[0].ptr, args);
}

/* Refuse a command before it runs; inside MULTI this also dooms the
 * transaction (Redis's rejectCommand()). */
static void reject(rkv_conn *c)
{
	if (c->flags & RKV_CONN_MULTI)
		c->flags |= RKV_CONN_DIRTY_EXEC;
}

void rkv_command_call(rkv_conn *c, const rkv_command *cmd, size_t argc,
		      const rkv_slice *argv)
{
	rkv_node *node = c->node;
	size_t mark = c->obuf.len;
	int64_t start;
	bool timed = node->set.slowlog_slower_than_us >= 0 ||
		     node->set.latency_threshold_ms > 0;
	const rkv_command *outer = c->lastcmd;
	bool queued = node->in_exec;
	bool hide = node->ks.hide_expired;
	long long off = node->repl.offset;

	/* lastcmd is the running command (CLIENT LIST cmd=, read lookups);
	 * a transaction's queued commands leave EXEC there. */
	c->lastcmd = cmd;
	/* One clock read per command: a command starts when the previous one
	 * of the batch ended (the batch's first, at the batch's snapshot). */
	start = node->cmd_end_us;
	/* A replica's client reads do not delete expired keys (see
	 * keyspace.h); its master's stream runs with keep_expired instead. */
	node->ks.hide_expired =
	    (node->mlink || (node->pause.type && rkv_paused(node))) &&
	    !(cmd->flags & RKV_CMD_WRITE);
	cmd->proc(c, argc, argv);
	node->ks.hide_expired = hide;
	if (!queued && node->repl.unit_ops)
		rkv_repl_unit_end(node); /* EXEC's writes, wrapped */
	if (node->repl.offset != off)
		c->woff = node->repl.offset; /* what WAIT waits for */
	if (timed) {
		int64_t end = rkv_node_now_us(node);

		node->cmd_end_us = end;
		rkv_slowlog_push(c, argc, argv, end - start);
	}
	if (queued)
		c->lastcmd = outer;
	node->stats.commands++;
	if (c->obuf.len > mark && rkv_buf_head(&c->obuf)[mark] == '-')
		node->stats.error_replies++;
	if (node->nmonitors &&
	    !(cmd->flags & (RKV_CMD_ADMIN | RKV_CMD_NOMONITOR)))
		rkv_monitor_feed(c, argc, argv);
}

/* Whether a command may come in a master's replication stream. */
static bool from_master_ok(const rkv_command *cmd)
{
	return (cmd->flags &
		(RKV_CMD_WRITE | RKV_CMD_READONLY | RKV_CMD_MAY_REPLICATE)) ||
	       cmd->proc == rkv_cmd_select || cmd->proc == rkv_cmd_ping ||
	       cmd->proc == rkv_cmd_multi || cmd->proc == rkv_cmd_exec ||
	       cmd->proc == rkv_cmd_discard;
}

void rkv_command_execute(rkv_conn *c, size_t argc, const rkv_slice *argv)
{
	rkv_node *node = c->node;
	const rkv_command *cmd = c->lastcmd;
	const rkv_subcommand *sub = NULL;
	char fullname[64];

	c->last_ms = node->cmd_time_ms;
	/* Clients repeat commands (pipelines, benchmarks): try the last one
	 * before the table. */
	if (!cmd || name_cmp(argv[0].ptr, argv[0].len, cmd->name) != 0)
		cmd = rkv_command_lookup(argv[0].ptr, argv[0].len);
	if (cmd && rkv_sentinel_hides(node, cmd))
		cmd = NULL; /* Redis's CMD_SENTINEL / CMD_ONLY_SENTINEL */
	if (!cmd) {
		reply_unknown_command(c, argc, argv);
		node->stats.error_replies++;
		reject(c);
		return;
	}
	if ((cmd->arity > 0 && (size_t)cmd->arity != argc) ||
	    (cmd->arity < 0 && argc < (size_t)-cmd->arity)) {
		if (cmd->proc == rkv_cmd_exec) {
			/* Redis's execCommandAbort(): the transaction ends. */
			rkv_multi_conn_free(c);
			rkv_resp_add_errorf(
			    &c->obuf,
			    "-EXECABORT Transaction discarded because of: "
			    "wrong number of arguments for '%s' command",
			    cmd->name);
			node->stats.error_replies++;
			return;
		}
		rkv_reply_arity(c, cmd->name);
		node->stats.error_replies++;
		reject(c);
		return;
	}
	if (cmd->nsub && argc >= 2) {
		sub = rkv_subcommand_lookup(cmd, argv[1].ptr, argv[1].len);
		if (!sub) {
			char upper[32];
			size_t i;

			for (i = 0; cmd->name[i] && i < sizeof(upper) - 1; i++)
				upper[i] = (char)(cmd->name[i] - 'a' + 'A');
			upper[i] = '\0';
			rkv_resp_add_errorf(
			    &c->obuf,
			    "unknown subcommand '%.*s'. Try %s "
			    "HELP.",
			    cstr_len(argv[1].ptr, argv[1].len, 128),
			    argv[1].ptr, upper);
			node->stats.error_replies++;
			reject(c);
			return;
		}
		if ((sub->arity > 0 && (size_t)sub->arity != argc) ||
		    (sub->arity < 0 && argc < (size_t)-sub->arity)) {
			rkv_reply_arity(c,
					rkv_command_fullname(cmd, sub, fullname,
							     sizeof(fullname)));
			node->stats.error_replies++;
			reject(c);
			return;
		}
	}
	if (!(c->flags & RKV_CONN_AUTHED) && !(cmd->flags & RKV_CMD_NOAUTH)) {
		rkv_resp_add_errorf(&c->obuf,
				    "-NOAUTH Authentication required.");
		node->stats.error_replies++;
		reject(c);
		return;
	}
	if (c->flags & RKV_CONN_MASTER) {
		/* Our master's stream: applied whatever the local limits
		 * (Redis's obey_client). Only what a master's stream holds is
		 * run: data commands, SELECT, PING and transactions; a
		 * SYNC, MONITOR, SUBSCRIBE, WAIT, REPLICAOF, SHUTDOWN... would
		 * turn the link into something else (logged as an error sent
		 * to the master, which gets no reply). */
		if (!from_master_ok(cmd)) {
			rkv_resp_add_errorf(
			    &c->obuf,
			    "-ERR '%s' is not accepted from "
			    "the master",
			    rkv_command_fullname(cmd, sub, fullname,
						 sizeof(fullname)));
			node->stats.error_replies++;
			reject(c);
			return;
		}
		if ((c->flags & RKV_CONN_MULTI) &&
		    !(cmd->flags & RKV_CMD_TXN)) {
			if (!rkv_multi_queue(c, cmd, argc, argv))
				reject(c);
			return;
		}
		rkv_command_call(c, cmd, argc, argv);
		return;
	}
	if (node->set.maxmemory && (cmd->flags & RKV_CMD_DENYOOM) &&
	    (long long)node->mem.used > node->set.maxmemory) {
		/* maxmemory-policy noeviction: writes that may grow memory
		 * are refused; reads and deletions go on. */
		rkv_resp_add_errorf(&c->obuf,
				    "-OOM command not allowed when used memory "
				    "> 'maxmemory'.");
		node->stats.error_replies++;
		reject(c);
		return;
	}
	if (node->bgsave_failed &&
	    ((cmd->flags & RKV_CMD_WRITE) || cmd->proc == rkv_cmd_ping) &&
	    rkv_persist_deny_writes(node)) {
		rkv_resp_add_errorf(
		    &c->obuf,
		    "-MISCONF Redis is configured to save RDB snapshots, but "
		    "it's currently unable to persist to disk. Commands that "
		    "may modify the data set are disabled, because this "
		    "instance is configured to report errors during writes if "
		    "RDB snapshotting fails (stop-writes-on-bgsave-error "
		    "option). Please check the Redis logs for details about "
		    "the RDB error.");
		node->stats.error_replies++;
		reject(c);
		return;
	}
	if (node->repl.min_to_write && (cmd->flags & RKV_CMD_WRITE) &&
	    rkv_repl_deny_write(node)) {
		rkv_resp_add_errorf(&c->obuf, "-NOREPLICAS Not enough good "
					      "replicas to write.");
		node->stats.error_replies++;
		reject(c);
		return;
	}
	if (node->mlink && (cmd->flags & RKV_CMD_WRITE) &&
	    rkv_replica_deny_writes(node)) {
		rkv_resp_add_errorf(&c->obuf, "-READONLY You can't write "
					      "against a read only replica.");
		node->stats.error_replies++;
		reject(c);
		return;
	}
	if ((c->nsub || c->npsub) && c->proto == 2 &&
	    !(cmd->flags & RKV_CMD_PUBSUB)) {
		rkv_resp_add_errorf(
		    &c->obuf,
		    "Can't execute '%s': only (P|S)SUBSCRIBE / "
		    "(P|S)UNSUBSCRIBE / PING / QUIT / RESET are "
		    "allowed in this context",
		    rkv_command_fullname(cmd, sub, fullname, sizeof(fullname)));
		node->stats.error_replies++;
		reject(c);
		return;
	}
	if ((c->flags & RKV_CONN_MULTI) && (cmd->flags & RKV_CMD_NOMULTI)) {
		rkv_resp_add_errorf(&c->obuf,
				    "Command not allowed inside a transaction");
		node->stats.error_replies++;
		reject(c);
		return;
	}
	if (node->mlink &&
	    !(cmd->flags & (RKV_CMD_STALE | RKV_CMD_ADMIN | RKV_CMD_NOAUTH)) &&
	    cmd->proc != rkv_cmd_info && rkv_replica_stale(node)) {
		rkv_resp_add_errorf(&c->obuf,
				    "-MASTERDOWN Link with MASTER is down and "
				    "replica-serve-stale-data is set to 'no'.");
		node->stats.error_replies++;
		reject(c);
		return;
	}
	/* Clients paused (CLIENT PAUSE, FAILOVER): the command waits in the
	 * query buffer (conn_process keeps it) until the pause ends. */
	if (node->pause.type && rkv_pause_hold(c, cmd))
		return;
	if ((c->flags & RKV_CONN_MULTI) && !(cmd->flags & RKV_CMD_TXN)) {
		if (rkv_multi_queue(c, cmd, argc, argv)) {
			rkv_buf_append(&c->obuf, "+QUEUED\r\n", 9);
		} else {
			rkv_reply_oom(c);
			reject(c);
		}
		return;
	}
	rkv_command_call(c, cmd, argc, argv);
}

const rkv_subcommand *rkv_subcommand_lookup(const rkv_command *cmd,
					    const char *name, size_t len)
{
	size_t lo = 0, hi = cmd->nsub;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int r = name_cmp(name, len, cmd->sub[mid].name);

		if (r == 0)
			return &cmd->sub[mid];
		if (r < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

const char *rkv_command_fullname(const rkv_command *cmd,
				 const rkv_subcommand *sub, char *buf,
				 size_t cap)
{
	if (!sub)
		return cmd->name;
	snprintf(buf, cap, "%s|%s", cmd->name, sub->name);
	return buf;
}

const rkv_command *rkv_command_table(size_t *count)
{
	*count = sizeof(command_table) / sizeof(*command_table);
	return command_table;
}

/* For tests: the table must stay sorted for the binary search. */
bool rkv_command_table_sorted(void)
{
	size_t n = sizeof(command_table) / sizeof(*command_table);

	for (size_t i = 0; i < n; i++) {
		const rkv_command *cmd = &command_table[i];

		if (i && strcmp(command_table[i - 1].name, cmd->name) >= 0)
			return false;
		for (size_t j = 1; j < cmd->nsub; j++)
			if (strcmp(cmd->sub[j - 1].name, cmd->sub[j].name) >= 0)
				return false;
	}
	return true;
}
