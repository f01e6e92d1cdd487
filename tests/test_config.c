/* Unit tests: configuration directives (lib/config.c) through the public
 * API (rkv_node_config_*, rkv_config_*) and the CONFIG command as a client
 * sees it. Reply texts are Redis 7.0.15's (checked against redis-server;
 * tests/integration/config.txt compares many of them byte for byte). */
#define _GNU_SOURCE /* memmem */
#include <check.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "config.h"
#include "rkv.h"
#include "test_host.h"

typedef struct host {
	char out[1 << 17];
	size_t outlen;
	int closes;
	char log[1024];
	int logs;
	/* CONFIG REWRITE callback */
	const char *file; /* the "file" the rewrite reads */
	char rewritten[1 << 16];
	int rewrite_rc;
} host;

RKV_TEST_HOST_SEND(h_send, host)

static void h_close(rkv_node *node, rkv_conn *conn, void *ud)
{
	(void)node;
	(void)conn;
	((host *)ud)->closes++;
}

static void h_log(rkv_node *node, rkv_log_level level, const char *msg,
		  void *ud)
{
	host *h = ud;

	(void)node;
	(void)level;
	h->logs++;
	snprintf(h->log, sizeof(h->log), "%s", msg);
}

static int h_rewrite(rkv_node *node, char *err, size_t errlen, void *ud)
{
	host *h = ud;
	char *out;
	size_t len;
	int rc;

	if (h->rewrite_rc) {
		snprintf(err, errlen, "Permission denied");
		return h->rewrite_rc;
	}
	rc =
	    rkv_node_config_rewrite(node, h->file, strlen(h->file), &out, &len);
	ck_assert_int_eq(rc, 0);
	ck_assert_uint_lt(len, sizeof(h->rewritten));
	memcpy(h->rewritten, out, len + 1);
	rkv_node_config_free_text(node, out);
	return 0;
}

static host H;
static rkv_node *node;
static rkv_conn *conn;

static void make_node(bool with_rewrite)
{
	rkv_callbacks *cbs;

	memset(&H, 0, sizeof(H));
	ck_assert_int_eq(rkv_callbacks_new(&cbs), 0);
	rkv_callbacks_set_send(cbs, h_send);
	rkv_callbacks_set_close(cbs, h_close);
	rkv_callbacks_set_log(cbs, h_log);
	if (with_rewrite)
		rkv_callbacks_set_config_rewrite(cbs, h_rewrite);
	ck_assert_int_eq(rkv_node_new(&node, cbs, NULL, &H), 0);
	rkv_callbacks_free(cbs);
	conn = NULL;
}

static void setup(void)
{
	make_node(false);
}

static void teardown(void)
{
	rkv_conn_free(conn);
	rkv_node_free(node);
}

static void connect_client(void)
{
	ck_assert_int_eq(rkv_conn_new(node, &conn, &H), 0);
	rkv_conn_set_addr(conn, "127.0.0.1:5000");
}

/* Send one inline command, return the reply (NUL-terminated). */
static const char *cmd(const char *line)
{
	char buf[1024];

	if (!conn)
		connect_client();
	H.outlen = 0;
	snprintf(buf, sizeof(buf), "%s\r\n", line);
	rkv_conn_recv(conn, (const uint8_t *)buf, strlen(buf));
	H.out[H.outlen] = '\0';
	return H.out;
}

/* rkv_node_config_set() with the arguments of a config line. */
static int set_line(const char *line, char *err, size_t errlen)
{
	char **argv;
	size_t argc;
	int rc;

	ck_assert_int_eq(rkv_config_split(line, strlen(line), &argv, &argc), 0);
	ck_assert_uint_ge(argc, 1);
	rc = rkv_node_config_set(node, argv[0], (const char *const *)argv + 1,
				 argc - 1, err, errlen);
	rkv_config_split_free(argv, argc);
	return rc;
}

static const char *get(const char *name)
{
	static char buf[512];

	ck_assert_int_ge(rkv_node_config_get(node, name, buf, sizeof(buf)), 0);
	return buf;
}

/* set_line() must fail with exactly this message. */
static void set_fails(const char *line, const char *msg)
{
	char err[256];

	ck_assert_int_eq(set_line(line, err, sizeof(err)), RKV_ERR_INVALID);
	ck_assert_str_eq(err, msg);
}

static void set_ok(const char *line)
{
	char err[256];
	int rc = set_line(line, err, sizeof(err));

	ck_assert_msg(rc == 0 || rc == RKV_CONFIG_UNSUPPORTED, "%s: %s", line,
		      err);
}

START_TEST(memory_units_as_redis)
{
	unsigned long long v;

	ck_assert(rkv_config_memtoull("0", &v) && v == 0);
	ck_assert(rkv_config_memtoull("100", &v) && v == 100);
	ck_assert(rkv_config_memtoull("1k", &v) && v == 1000);
	ck_assert(rkv_config_memtoull("1kb", &v) && v == 1024);
	ck_assert(rkv_config_memtoull("1KB", &v) && v == 1024);
	ck_assert(rkv_config_memtoull("2m", &v) && v == 2000000);
	ck_assert(rkv_config_memtoull("2mb", &v) && v == 2097152);
	ck_assert(rkv_config_memtoull("3g", &v) && v == 3000000000ULL);
	ck_assert(rkv_config_memtoull("3gb", &v) && v == 3221225472ULL);
	ck_assert(rkv_config_memtoull("5b", &v) && v == 5);
	ck_assert(!rkv_config_memtoull("-1", &v));
	ck_assert(!rkv_config_memtoull("1x", &v));
	ck_assert(!rkv_config_memtoull("1 mb", &v));
	ck_assert(!rkv_config_memtoull("99999999999999999999", &v));
	ck_assert(!rkv_config_memtoull("99999999999gb", &v));
}
END_TEST

START_TEST(split_like_sdssplitargs)
{
	char **argv;
	size_t argc;
	const char *line = "set \"a b\\n\\x41\" 'it\\'s'  plain\t";

	ck_assert_int_eq(rkv_config_split(line, strlen(line), &argv, &argc), 0);
	ck_assert_uint_eq(argc, 4);
	ck_assert_str_eq(argv[0], "set");
	ck_assert_str_eq(argv[1], "a b\nA");
	ck_assert_str_eq(argv[2], "it's");
	ck_assert_str_eq(argv[3], "plain");
	rkv_config_split_free(argv, argc);
	ck_assert_int_eq(rkv_config_split("   ", 3, &argv, &argc), 0);
	ck_assert_uint_eq(argc, 0);
	rkv_config_split_free(argv, argc);
	ck_assert_int_eq(rkv_config_split("a \"b", 4, &argv, &argc),
			 RKV_ERR_INVALID);
	ck_assert_int_eq(rkv_config_split("a \"b\"c", 6, &argv, &argc),
			 RKV_ERR_INVALID);
	ck_assert_int_eq(rkv_config_split("'x", 2, &argv, &argc),
			 RKV_ERR_INVALID);
}
END_TEST

START_TEST(repr_like_sdscatrepr)
{
	char buf[64];

	ck_assert_uint_eq(
	    rkv_config_repr(buf, sizeof(buf), "a \"b\"\\\n\x01", 8),
	    strlen("\"a \\\"b\\\"\\\\\\n\\x01\""));
	ck_assert_str_eq(buf, "\"a \\\"b\\\"\\\\\\n\\x01\"");
}
END_TEST

START_TEST(every_directive_has_its_default)
{
	size_t n = 0;

	for (const char *name; (name = rkv_config_name(n)); n++) {
		const char *canon, *def;
		rkv_config_class cls;
		int flags;
		char buf[512];

		ck_assert_int_eq(
		    rkv_config_describe(name, &canon, &cls, &flags, &def), 0);
		ck_assert_str_eq(canon, name);
		ck_assert(cls >= RKV_CONFIG_APPLIED &&
			  cls <= RKV_CONFIG_REFUSED_VALUE);
		ck_assert_int_eq(flags & RKV_CONFIG_ALIAS, 0);
		ck_assert_int_ge(
		    rkv_node_config_get(node, name, buf, sizeof(buf)), 0);
		ck_assert_msg(strcmp(buf, def) == 0, "%s: %s vs %s", name, buf,
			      def);
	}
	ck_assert_uint_eq(n, rkv_config_table_size());
	/* Redis 7.0.15's CONFIG GET * lists 192 names and aliases; the
	 * table also has the hidden ones. */
	ck_assert_uint_ge(n, 160);
}
END_TEST

START_TEST(aliases_and_describe)
{
	const char *canon;
	rkv_config_class cls;
	int flags;

	ck_assert_int_eq(
	    rkv_config_describe("SLAVE-read-only", &canon, &cls, &flags, NULL),
	    0);
	ck_assert_str_eq(canon, "replica-read-only");
	ck_assert_int_eq(cls, RKV_CONFIG_APPLIED);
	ck_assert(flags & RKV_CONFIG_ALIAS);
	ck_assert_int_eq(
	    rkv_config_describe("slaveof", &canon, &cls, &flags, NULL), 0);
	ck_assert_str_eq(canon, "replicaof");
	ck_assert_int_eq(cls, RKV_CONFIG_APPLIED);
	ck_assert(flags & RKV_CONFIG_IMMUTABLE);
	ck_assert(flags & RKV_CONFIG_MULTI_ARG);
	ck_assert_int_eq(rkv_config_describe("port", NULL, &cls, NULL, NULL),
			 0);
	ck_assert_int_eq(cls, RKV_CONFIG_HOST);
	ck_assert_int_eq(rkv_config_describe("hz", NULL, &cls, NULL, NULL), 0);
	ck_assert_int_eq(cls, RKV_CONFIG_APPLIED);
	ck_assert_int_eq(rkv_config_describe("nope", NULL, NULL, NULL, NULL),
			 RKV_ERR_INVALID);
	set_ok("slave-read-only no");
	ck_assert_str_eq(get("replica-read-only"), "no");
	ck_assert_str_eq(get("slave-read-only"), "no");
}
END_TEST

START_TEST(file_errors_worded_as_redis)
{
	set_fails("foo bar", "Bad directive or wrong number of arguments");
	set_fails("hz 1 2", "wrong number of arguments");
	set_fails("appendonly maybe", "argument must be 'yes' or 'no'");
	set_fails("maxmemory 12x", "argument must be a memory value");
	set_fails("timeout abc", "argument couldn't be parsed into an integer");
	set_fails("timeout -1",
		  "argument must be between 0 and 2147483647 inclusive");
	set_fails("maxclients 0",
		  "argument must be between 1 and 4294967295 inclusive");
	set_fails("maxmemory-clients 200%",
		  "percentage argument must be less or equal to 100");
	set_fails("maxmemory-policy bogus",
		  "argument(s) must be one of the following: volatile-lru, "
		  "volatile-lfu, volatile-random, volatile-ttl, allkeys-lru, "
		  "allkeys-lfu, allkeys-random, noeviction");
	set_fails("save 1 2 3", "Invalid save parameters");
	set_fails("client-output-buffer-limit master 1 2 3",
		  "Invalid client class specified in buffer limit "
		  "configuration.");
	set_fails("client-output-buffer-limit normal 1 2",
		  "Wrong number of arguments in buffer limit configuration.");
	set_fails("dbfilename a/b.rdb",
		  "dbfilename can't be a path, just a filename");
	set_fails("proto-max-bulk-len 1000",
		  "argument must be between 1048576 and 9223372036854775807 "
		  "inclusive");
}
END_TEST

START_TEST(classes_accept_warn_refuse)
{
	char err[256];

	/* ACCEPTED: stored, the caller is told rkv does not implement it. */
	ck_assert_int_eq(set_line("lazyfree-lazy-expire yes", err, sizeof(err)),
			 RKV_CONFIG_UNSUPPORTED);
	ck_assert_str_eq(err, "'lazyfree-lazy-expire yes' is not supported by "
			      "rkv yet; accepted because it asks for nothing "
			      "rkv lacks");
	ck_assert_str_eq(get("lazyfree-lazy-expire"), "yes");
	ck_assert_int_eq(set_line("appendonly no", err, sizeof(err)), 0);
	/* REFUSED values: a clear message, nothing changed. */
	set_fails("appendonly yes",
		  "rkv does not support AOF persistence yet: only the default "
		  "'appendonly no' is accepted");
	ck_assert_str_eq(get("appendonly"), "no");
	set_fails("cluster-enabled yes",
		  "rkv does not support Redis Cluster yet: only the default "
		  "'cluster-enabled no' is accepted");
	/* replicaof is applied: the node becomes a replica. */
	set_ok("replicaof 127.0.0.1 6379");
	ck_assert_str_eq(get("replicaof"), "127.0.0.1 6379");
	set_ok("slaveof no one");
	ck_assert_str_eq(get("replicaof"), "");
	set_fails("maxmemory-policy allkeys-lru",
		  "rkv supports only maxmemory-policy noeviction for now (key "
		  "eviction is not implemented yet)");
	set_ok("maxmemory-policy noeviction");
	set_fails("rename-command FLUSHALL \"\"",
		  "'rename-command' is not supported by rkv yet (renaming "
		  "commands)");
	/* Redis 7.0 ignores these deprecated names. */
	ck_assert_int_eq(
	    set_line("list-max-ziplist-entries 512", err, sizeof(err)), 0);
	/* HOST: stored as text for the host. */
	ck_assert_int_eq(set_line("port 7777", err, sizeof(err)), 0);
	ck_assert_str_eq(get("port"), "7777");
	ck_assert_int_eq(set_line("bind 127.0.0.1 -::1", err, sizeof(err)), 0);
	ck_assert_str_eq(get("bind"), "127.0.0.1 -::1");
	/* One quoted argument is split as several addresses, as CONFIG SET
	 * splits it; an empty address among others names nothing and could
	 * not survive CONFIG REWRITE, so it is refused. */
	set_ok("bind \"127.0.0.2 ::1\"");
	ck_assert_str_eq(get("bind"), "127.0.0.2 ::1");
	set_fails("bind 127.0.0.1 \"\"", "Invalid bind address");
	/* A quote inside an address would open a quoted token when the
	 * rewritten line is read back (fuzz_config). */
	set_fails("bind 127.0.0.1 \"a'b\"", "Invalid bind address");
	ck_assert_str_eq(get("bind"), "127.0.0.2 ::1");
}
END_TEST

START_TEST(multi_arg_values)
{
	/* save lines accumulate, the first replacing the default. */
	ck_assert_str_eq(get("save"), "3600 1 300 100 60 10000");
	set_ok("save 900 1");
	ck_assert_str_eq(get("save"), "900 1");
	set_ok("save \"300 10\"");
	ck_assert_str_eq(get("save"), "900 1 300 10");
	set_ok("save \"\"");
	ck_assert_str_eq(get("save"), "");
	set_ok("client-output-buffer-limit replica 1mb 512kb 10");
	set_ok("client-output-buffer-limit \"normal 1k 2 3\"");
	ck_assert_str_eq(get("client-output-buffer-limit"),
			 "normal 1000 2 3 slave 1048576 524288 10 pubsub "
			 "33554432 8388608 60");
	set_ok("latency-tracking-info-percentiles 50 99.50 100");
	ck_assert_str_eq(get("latency-tracking-info-percentiles"),
			 "50 99.5 100");
	set_ok("oom-score-adj-values 0 200 800");
}
END_TEST

START_TEST(applied_settings_act)
{
	/* databases: only before the first connection. */
	set_ok("databases 4");
	ck_assert_str_eq(get("databases"), "4");
	ck_assert_str_eq(cmd("SELECT 3"), "+OK\r\n");
	ck_assert_str_eq(cmd("SELECT 4"), "-ERR DB index is out of range\r\n");
	set_fails("databases 8", "rkv can change databases only before the "
				 "first connection, while the keyspace is "
				 "empty");
	set_ok("databases 4"); /* unchanged: fine */
	/* hz is clamped as Redis does. */
	set_ok("hz 1000");
	ck_assert_str_eq(get("hz"), "500");
	set_ok("hz 0");
	ck_assert_str_eq(get("hz"), "1");
	/* maxmemory: OOM refusals. */
	set_ok("maxmemory 1");
	ck_assert_str_eq(cmd("SET k v"),
			 "-OOM command not allowed when used memory > "
			 "'maxmemory'.\r\n");
	set_ok("maxmemory 0");
	ck_assert_str_eq(cmd("SELECT 0"), "+OK\r\n");
	ck_assert_str_eq(cmd("SET k v"), "+OK\r\n");
	/* requirepass: new connections must AUTH. */
	set_ok("requirepass secret");
	rkv_conn_free(conn);
	conn = NULL;
	ck_assert_str_eq(cmd("GET k"), "-NOAUTH Authentication required.\r\n");
	ck_assert_str_eq(cmd("AUTH secret"), "+OK\r\n");
	ck_assert_str_eq(cmd("GET k"), "$1\r\nv\r\n");
	ck_assert_str_eq(get("requirepass"), "secret");
	/* Clearing the password frees connections that never AUTHed. */
	rkv_conn_free(conn);
	conn = NULL;
	ck_assert_str_eq(cmd("GET k"), "-NOAUTH Authentication required.\r\n");
	set_ok("requirepass \"\"");
	ck_assert_str_eq(cmd("GET k"), "$1\r\nv\r\n");
}
END_TEST

START_TEST(config_get_patterns_and_aliases)
{
	ck_assert_str_eq(cmd("CONFIG GET maxmemory"),
			 "*2\r\n$9\r\nmaxmemory\r\n$1\r\n0\r\n");
	/* The name is echoed as given. */
	ck_assert_str_eq(cmd("CONFIG GET MaxMemory"),
			 "*2\r\n$9\r\nMaxMemory\r\n$1\r\n0\r\n");
	ck_assert_str_eq(cmd("CONFIG GET *slave-read*"),
			 "*2\r\n$15\r\nslave-read-only\r\n$3\r\nyes\r\n");
	ck_assert_str_eq(cmd("CONFIG GET nosuch"), "*0\r\n");
	/* Hidden directives need their exact name. */
	ck_assert_str_eq(cmd("CONFIG GET key-load-d*"), "*0\r\n");
	ck_assert_str_eq(cmd("CONFIG GET key-load-delay"),
			 "*2\r\n$14\r\nkey-load-delay\r\n$1\r\n0\r\n");
	ck_assert_str_eq(cmd("CONFIG GET hz hz h?"),
			 "*2\r\n$2\r\nhz\r\n$2\r\n10\r\n");
	/* Redis 7.0.15's CONFIG GET * has 192 names (aliases included). */
	cmd("CONFIG GET *");
	ck_assert(strncmp(H.out, "*384\r\n", 6) == 0);
	/* RESP3: a map. */
	cmd("HELLO 3");
	ck_assert_str_eq(cmd("CONFIG GET timeout"),
			 "%1\r\n$7\r\ntimeout\r\n$1\r\n0\r\n");
}
END_TEST

START_TEST(config_set_is_atomic)
{
	ck_assert_str_eq(cmd("CONFIG SET timeout 5 maxmemory 1mb"), "+OK\r\n");
	ck_assert_str_eq(get("timeout"), "5");
	ck_assert_str_eq(get("maxmemory"), "1048576");
	ck_assert_str_eq(cmd("CONFIG SET timeout 7 maxmemory 12x"),
			 "-ERR CONFIG SET failed (possibly related to argument "
			 "'maxmemory') - argument must be a memory value\r\n");
	ck_assert_str_eq(get("timeout"), "5");
	ck_assert_str_eq(cmd("CONFIG SET timeout 7 foo 1"),
			 "-ERR Unknown option or number of arguments for "
			 "CONFIG SET - 'foo'\r\n");
	ck_assert_str_eq(cmd("CONFIG SET hz 5 hz 6"),
			 "-ERR CONFIG SET failed (possibly related to argument "
			 "'hz') - duplicate parameter\r\n");
	ck_assert_str_eq(cmd("CONFIG SET databases 2"),
			 "-ERR CONFIG SET failed (possibly related to argument "
			 "'databases') - can't set immutable config\r\n");
	ck_assert_str_eq(cmd("CONFIG SET dir /tmp"),
			 "-ERR CONFIG SET failed (possibly related to argument "
			 "'dir') - can't set protected config\r\n");
	ck_assert_str_eq(cmd("CONFIG SET appendonly yes"),
			 "-ERR CONFIG SET failed (possibly related to argument "
			 "'appendonly') - rkv does not support AOF persistence "
			 "yet: only the default 'appendonly no' is "
			 "accepted\r\n");
	ck_assert_str_eq(cmd("CONFIG SET port 1234"),
			 "-ERR CONFIG SET failed (possibly related to argument "
			 "'port') - rkv cannot change port at runtime yet\r\n");
	ck_assert_str_eq(cmd("CONFIG SET timeout"),
			 "-ERR wrong number of arguments for 'config|set' "
			 "command\r\n");
	ck_assert_str_eq(cmd("CONFIG SET timeout 1 hz"),
			 "-ERR syntax error\r\n");
	ck_assert_str_eq(cmd("CONFIG SET client-output-buffer-limit "
			     "\"pubsub 64mb 16mb 90\""),
			 "+OK\r\n");
	ck_assert_str_eq(get("client-output-buffer-limit"),
			 "normal 0 0 0 slave 268435456 67108864 60 pubsub "
			 "67108864 16777216 90");
	ck_assert_str_eq(cmd("CONFIG SET save \"\""), "+OK\r\n");
	ck_assert_str_eq(get("save"), "");
	/* An accepted-but-unsupported directive is logged. */
	H.logs = 0;
	ck_assert_str_eq(cmd("CONFIG SET activerehashing no"), "+OK\r\n");
	ck_assert_int_eq(H.logs, 1);
	ck_assert(strstr(H.log, "not supported by rkv yet"));
}
END_TEST

START_TEST(config_subcommands)
{
	ck_assert_str_eq(cmd("CONFIG FOO"),
			 "-ERR unknown subcommand 'FOO'. Try CONFIG HELP.\r\n");
	ck_assert_str_eq(cmd("CONFIG GET"),
			 "-ERR wrong number of arguments for 'config|get' "
			 "command\r\n");
	ck_assert_str_eq(
	    cmd("CONFIG REWRITE"),
	    "-ERR The server is running without a config file\r\n");
	cmd("CONFIG HELP");
	ck_assert(strncmp(H.out, "*11\r\n+CONFIG <subcommand>", 25) == 0);
	cmd("SET a 1");
	cmd("GET a");
	cmd("GET b");
	cmd("NOSUCH");
	ck_assert_str_eq(cmd("CONFIG RESETSTAT"), "+OK\r\n");
	ck_assert_str_eq(
	    cmd("CONFIG RESETSTAT x"),
	    "-ERR wrong number of arguments for 'config|resetstat' "
	    "command\r\n");
}
END_TEST

static const char old_conf[] = "# My redis.conf\n"
			       "port 6379\n"
			       "\n"
			       "# comment kept\n"
			       "slave-read-only yes\n"
			       "include /etc/redis/other.conf\n"
			       "hz 10\n"
			       "hz 20\n"
			       "no-such-directive 1\n"
			       "maxmemory 1gb\n";

START_TEST(rewrite_keeps_comments_and_updates_in_place)
{
	char *out;
	size_t len;

	set_ok("hz 20");
	set_ok("maxmemory 100mb");
	set_ok("timeout 30");
	set_ok("slave-read-only no");
	ck_assert_int_eq(rkv_node_config_rewrite(node, old_conf,
						 strlen(old_conf), &out, &len),
			 0);
	ck_assert_uint_eq(strlen(out), len);
	ck_assert_str_eq(out, "# My redis.conf\n"
			      "port 6379\n"
			      "\n"
			      "# comment kept\n"
			      "replica-read-only no\n"
			      "include /etc/redis/other.conf\n"
			      "hz 20\n"
			      "\n"
			      "# ??? no-such-directive 1\n"
			      "maxmemory 100mb\n"
			      "\n"
			      "# Generated by CONFIG REWRITE\n"
			      "timeout 30\n"
			      "save 3600 1\n"
			      "save 300 100\n"
			      "save 60 10000\n"
			      "latency-tracking-info-percentiles 50 99 "
			      "99.9\n");
	rkv_node_config_free_text(node, out);
	/* Rewriting the result again changes nothing. */
	{
		char *again, *again2;

		ck_assert_int_eq(rkv_node_config_rewrite(node, old_conf,
							 strlen(old_conf), &out,
							 &len),
				 0);
		ck_assert_int_eq(
		    rkv_node_config_rewrite(node, out, len, &again, NULL), 0);
		ck_assert_int_eq(rkv_node_config_rewrite(
				     node, again, strlen(again), &again2, NULL),
				 0);
		ck_assert_str_eq(again, again2);
		rkv_node_config_free_text(node, out);
		rkv_node_config_free_text(node, again);
		rkv_node_config_free_text(node, again2);
	}
	/* No old file: only what differs from the defaults (save always). */
	ck_assert_int_eq(rkv_node_config_rewrite(node, NULL, 0, &out, &len), 0);
	ck_assert(strstr(out, "# Generated by CONFIG REWRITE\n") == out);
	ck_assert(strstr(out, "\nhz 20\n"));
	ck_assert(strstr(out, "\nreplica-read-only no\n"));
	ck_assert(!strstr(out, "port"));
	rkv_node_config_free_text(node, out);
}
END_TEST

START_TEST(rewrite_quotes_strings_and_formats_memory)
{
	char *out;

	set_ok("requirepass \"a b\\\"c\"");
	set_ok("client-output-buffer-limit pubsub 64mb 16mb 90");
	set_ok("proto-max-bulk-len 1000000000");
	set_ok("logfile \"\"");
	ck_assert_int_eq(rkv_node_config_rewrite(node, "", 0, &out, NULL), 0);
	ck_assert(strstr(out, "requirepass \"a b\\\"c\"\n"));
	ck_assert(strstr(out, "client-output-buffer-limit pubsub 64mb 16mb "
			      "90\n"));
	ck_assert(!strstr(out, "client-output-buffer-limit normal"));
	ck_assert(strstr(out, "proto-max-bulk-len 1000000000\n"));
	ck_assert(!strstr(out, "logfile"));
	rkv_node_config_free_text(node, out);
	/* Long values are neither truncated nor split. */
	{
		char pass[3000], line[3100];
		const char *argv1[1] = {pass};

		memset(pass, 'p', sizeof(pass) - 1);
		pass[sizeof(pass) - 1] = '\0';
		ck_assert_int_eq(
		    rkv_node_config_set(node, "requirepass", argv1, 1, NULL, 0),
		    0);
		ck_assert_int_eq(
		    rkv_node_config_get(node, "requirepass", NULL, 0),
		    (int)strlen(pass));
		ck_assert_int_eq(
		    rkv_node_config_rewrite(node, "", 0, &out, NULL), 0);
		snprintf(line, sizeof(line), "requirepass \"%s\"\n", pass);
		ck_assert(strstr(out, line));
		rkv_node_config_free_text(node, out);
	}
}
END_TEST

START_TEST(config_rewrite_through_callback)
{
	rkv_node_free(node);
	make_node(true);
	H.file = "# keep me\nhz 10\n";
	ck_assert_str_eq(cmd("CONFIG SET hz 42"), "+OK\r\n");
	ck_assert_str_eq(cmd("CONFIG REWRITE"), "+OK\r\n");
	ck_assert(strncmp(H.rewritten, "# keep me\nhz 42\n", 16) == 0);
	H.rewrite_rc = -1;
	ck_assert_str_eq(cmd("CONFIG REWRITE"),
			 "-ERR Rewriting config file: Permission denied\r\n");
}
END_TEST

START_TEST(allocation_failures_leave_no_leak)
{
	rkv_test_counting b = {0, 0, -1, false};
	rkv_options *o = rkv_test_counting_options(&b);
	rkv_callbacks *cbs;
	rkv_node *n;
	bool done_set = false, done_rw = false;

	ck_assert_int_eq(rkv_callbacks_new(&cbs), 0);
	ck_assert_int_eq(rkv_node_new(&n, cbs, o, NULL), 0);
	for (long budget_n = 0; !(done_set && done_rw); budget_n++) {
		long base = b.live;
		const char *args[] = {"900 1 300 10"};
		char *out = NULL;
		int rc;

		ck_assert_msg(budget_n < 100000, "set %d rewrite %d", done_set,
			      done_rw);
		if (!done_set) {
			b.fail_after = b.total + budget_n;
			rc = rkv_node_config_set(n, "save", args, 1, NULL, 0);
			ck_assert(rc == 0 || rc == RKV_ERR_NOMEM);
			if (rc != RKV_ERR_NOMEM)
				done_set = true;
		}
		b.fail_after = b.total + budget_n;
		rc = rkv_node_config_rewrite(n, old_conf, strlen(old_conf),
					     &out, NULL);
		ck_assert(rc == 0 || rc == RKV_ERR_NOMEM);
		if (rc == 0) {
			ck_assert(strstr(out, "save 900 1\nsave 300 10\n"));
			done_rw = true;
			rkv_node_config_free_text(n, out);
		}
		b.fail_after = -1;
		/* Only the node's config state may have grown (once). */
		ck_assert_int_le(b.live, base + 2);
	}
	rkv_node_free(n);
	ck_assert_int_eq(b.live, 0);
	rkv_options_free(o);
	rkv_callbacks_free(cbs);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("config");
	TCase *tc = tcase_create("config");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, memory_units_as_redis);
	tcase_add_test(tc, split_like_sdssplitargs);
	tcase_add_test(tc, repr_like_sdscatrepr);
	tcase_add_test(tc, every_directive_has_its_default);
	tcase_add_test(tc, aliases_and_describe);
	tcase_add_test(tc, file_errors_worded_as_redis);
	tcase_add_test(tc, classes_accept_warn_refuse);
	tcase_add_test(tc, multi_arg_values);
	tcase_add_test(tc, applied_settings_act);
	tcase_add_test(tc, config_get_patterns_and_aliases);
	tcase_add_test(tc, config_set_is_atomic);
	tcase_add_test(tc, config_subcommands);
	tcase_add_test(tc, rewrite_keeps_comments_and_updates_in_place);
	tcase_add_test(tc, rewrite_quotes_strings_and_formats_memory);
	tcase_add_test(tc, config_rewrite_through_callback);
	tcase_add_test(tc, allocation_failures_leave_no_leak);
	suite_add_tcase(s, tc);
	return rkv_test_run(s);
}
