/* Configuration directives: one table row per directive of Redis 7.0's
 * config.c (aliases included), values parsed and printed as Redis 7.0 does,
 * the CONFIG command, and the config-file rewrite (a pure string transform,
 * as Redis's rewriteConfig()).
 *
 * Every directive has a class saying what rkv does with it:
 *   APPLIED   the library acts on it (node->set, node->obuf_limit);
 *   HOST      stored as text, read and acted on by the host (port, bind...);
 *   ACCEPTED  not implemented, but any valid value asks for nothing rkv
 *             lacks: accepted, the caller is told so (RKV_CONFIG_UNSUPPORTED);
 *   REFUSED   only the default value is accepted: any other asks for a
 *             feature rkv does not have (appendonly yes, cluster-enabled yes).
 * Values other than the applied ones are kept as their CONFIG GET text in
 * node->config (NULL: the default). */
#include "config.h"

#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "replica.h"
#include "sentinel.h"
#include "util.h"

/* ---------------------------------------------------------------------- */
/* The table                                                              */
/* ---------------------------------------------------------------------- */

enum cfg_type { T_BOOL, T_NUM, T_ENUM, T_STR, T_SPECIAL };

enum cfg_class {
	C_APPLIED = RKV_CONFIG_APPLIED,
	C_HOST = RKV_CONFIG_HOST,
	C_ACCEPTED = RKV_CONFIG_ACCEPTED,
	C_REFUSED = RKV_CONFIG_REFUSED_VALUE
};

/* Row flags. */
#define F_IMMUTABLE 0x0001 /* CONFIG SET refuses it */
#define F_PROTECTED 0x0002 /* CONFIG SET needs enable-protected-configs */
#define F_HIDDEN    0x0004 /* CONFIG GET needs the exact name */
#define F_MULTI	    0x0008 /* takes several arguments */
#define F_NULL	    0x0010 /* string: "" means unset (EMPTY_STRING_IS_NULL) */
#define F_MEM	    0x0020 /* number: memory units accepted */
#define F_PCT	    0x0040 /* number: "N%" accepted, stored negative */
#define F_UNSIGNED  0x0080 /* number: bounds compared unsigned */
#define F_OCTAL	    0x0100 /* number: octal */
#define F_NORUNTIME 0x0200 /* rkv cannot change it at runtime yet */

/* Which setting an APPLIED row maps onto, or which special parser a
 * T_SPECIAL row uses. */
enum cfg_id {
	X_NONE,
	A_DATABASES,
	A_REQUIREPASS,
	A_MAXCLIENTS,
	A_TIMEOUT,
	A_HZ,
	A_MAXMEMORY,
	A_POLICY,
	A_QBUF,
	A_PMBL,
	A_DEBUGCMD,
	A_SLOWLOG_US,
	A_SLOWLOG_LEN,
	A_LATENCY,
	A_PROTCFG,
	A_MINREPL,    /* min-replicas-to-write (node->repl) */
	A_MINREPLLAG, /* min-replicas-max-lag */
	S_SAVE,
	S_COBL,
	S_BIND,
	S_OOMVALS,
	S_NOTIFY,
	S_REPLICAOF,
	S_LATPCT
};

typedef struct cfg_def {
	const char *name;
	const char *alias;
	unsigned char type, cls;
	unsigned short flags;
	unsigned char id;
	long long min, max; /* numbers; compared unsigned with F_UNSIGNED */
	const char *def;    /* default, as CONFIG GET prints it */
	/* T_ENUM: the names, as Redis lists them in its error; REFUSED rows:
	 * the feature other values ask for. */
	const char *extra;
} cfg_def;

#define YESNO "yes"
#define PROT  "no, yes, local"
#define UMAX  ((long long)UINT_MAX)
#define ULLM  ((long long)-1) /* ULLONG_MAX, compared unsigned */
#define SZMAX LONG_MAX

/* Shorthands for the rows. */
#define B(n, a, cls, fl, def)                                                  \
	{                                                                      \
		n, a, T_BOOL, cls, fl, X_NONE, 0, 0, def, NULL                 \
	}
#define BR(n, def, what)                                                       \
	{                                                                      \
		n, NULL, T_BOOL, C_REFUSED, 0, X_NONE, 0, 0, def, what         \
	}
#define I(n, a, cls, fl, id, lo, hi, def)                                      \
	{                                                                      \
		n, a, T_NUM, cls, fl, id, lo, hi, def, NULL                    \
	}
#define S(n, a, cls, fl, id, def)                                              \
	{                                                                      \
		n, a, T_STR, cls, fl, id, 0, 0, def, NULL                      \
	}
#define E(n, cls, fl, id, def, names)                                          \
	{                                                                      \
		n, NULL, T_ENUM, cls, fl, id, 0, 0, def, names                 \
	}
#define SP(n, a, cls, fl, id, def, what)                                       \
	{                                                                      \
		n, a, T_SPECIAL, cls, fl, id, 0, 0, def, what                  \
	}

#define AC C_ACCEPTED
#define HO C_HOST
#define AP C_APPLIED
#define IM F_IMMUTABLE

static const cfg_def defs[] = {
    /* Booleans */
    B("rdbchecksum", NULL, AP, IM, "yes"),
    B("daemonize", NULL, HO, IM, "no"),
    B("io-threads-do-reads", NULL, AC, IM, "no"),
    B("always-show-logo", NULL, AC, IM, "no"),
    B("protected-mode", NULL, HO, 0, "yes"),
    B("rdbcompression", NULL, AP, 0, "yes"),
    B("rdb-del-sync-files", NULL, AC, 0, "no"),
    B("activerehashing", NULL, AC, 0, "yes"),
    B("stop-writes-on-bgsave-error", NULL, AP, 0, "yes"),
    B("set-proc-title", NULL, AC, IM, "yes"),
    B("dynamic-hz", NULL, AC, 0, "yes"),
    B("lazyfree-lazy-eviction", NULL, AC, 0, "no"),
    B("lazyfree-lazy-expire", NULL, AC, 0, "no"),
    B("lazyfree-lazy-server-del", NULL, AC, 0, "no"),
    B("lazyfree-lazy-user-del", NULL, AC, 0, "no"),
    B("lazyfree-lazy-user-flush", NULL, AC, 0, "no"),
    B("repl-disable-tcp-nodelay", NULL, AC, 0, "no"),
    B("repl-diskless-sync", NULL, AP, 0, "yes"),
    B("aof-rewrite-incremental-fsync", NULL, AC, 0, "yes"),
    B("no-appendfsync-on-rewrite", NULL, AC, 0, "no"),
    B("cluster-require-full-coverage", NULL, AC, 0, "yes"),
    B("rdb-save-incremental-fsync", NULL, AC, 0, "yes"),
    B("aof-load-truncated", NULL, AC, 0, "yes"),
    B("aof-use-rdb-preamble", NULL, AC, 0, "yes"),
    B("aof-timestamp-enabled", NULL, AC, 0, "no"),
    B("cluster-replica-no-failover", "cluster-slave-no-failover", AC, 0, "no"),
    B("replica-lazy-flush", "slave-lazy-flush", AC, 0, "no"),
    B("replica-serve-stale-data", "slave-serve-stale-data", AP, 0, "yes"),
    B("replica-read-only", "slave-read-only", AP, 0, "yes"),
    B("replica-ignore-maxmemory", "slave-ignore-maxmemory", AC, 0, "yes"),
    B("replica-ignore-disk-write-errors", NULL, AC, 0, "no"),
    B("jemalloc-bg-thread", NULL, AC, 0, "yes"),
    B("activedefrag", NULL, AC, 0, "no"),
    B("syslog-enabled", NULL, HO, IM, "no"),
    {"cluster-enabled", NULL, T_BOOL, C_REFUSED, IM, X_NONE, 0, 0, "no",
     "Redis Cluster"},
    BR("appendonly", "no", "AOF persistence"),
    B("cluster-allow-reads-when-down", NULL, AC, 0, "no"),
    B("cluster-allow-pubsubshard-when-down", NULL, AC, 0, "yes"),
    B("crash-log-enabled", NULL, AC, 0, "yes"),
    B("crash-memcheck-enabled", NULL, AC, 0, "yes"),
    B("use-exit-on-panic", NULL, AC, F_HIDDEN, "no"),
    B("disable-thp", NULL, AC, IM, "yes"),
    B("cluster-allow-replica-migration", NULL, AC, 0, "yes"),
    B("replica-announced", NULL, AC, 0, "yes"),
    B("latency-tracking", NULL, AC, 0, "yes"),
    B("aof-disable-auto-gc", NULL, AC, 0, "no"),
    B("tls-cluster", NULL, AC, 0, "no"),
    B("tls-replication", NULL, AC, 0, "no"),
    B("tls-prefer-server-ciphers", NULL, AC, 0, "no"),
    B("tls-session-caching", NULL, AC, 0, "yes"),

    /* Strings */
    {"aclfile", NULL, T_STR, C_REFUSED, IM, X_NONE, 0, 0, "", "ACL files"},
    S("unixsocket", NULL, HO, IM | F_NULL, X_NONE, ""),
    S("pidfile", NULL, HO, IM | F_NULL, X_NONE, ""),
    S("replica-announce-ip", "slave-announce-ip", AP, F_NULL, X_NONE, ""),
    S("masteruser", NULL, AP, F_NULL, X_NONE, ""),
    S("cluster-announce-ip", NULL, AC, F_NULL, X_NONE, ""),
    S("cluster-config-file", NULL, AC, IM, X_NONE, "nodes.conf"),
    S("cluster-announce-hostname", NULL, AC, F_NULL, X_NONE, ""),
    S("syslog-ident", NULL, HO, IM, X_NONE, "redis"),
    S("dbfilename", NULL, HO, F_PROTECTED, X_NONE, "dump.rdb"),
    S("appendfilename", NULL, AC, IM, X_NONE, "appendonly.aof"),
    S("appenddirname", NULL, AC, IM, X_NONE, "appendonlydir"),
    S("server_cpulist", NULL, AC, IM | F_NULL, X_NONE, ""),
    S("bio_cpulist", NULL, AC, IM | F_NULL, X_NONE, ""),
    S("aof_rewrite_cpulist", NULL, AC, IM | F_NULL, X_NONE, ""),
    S("bgsave_cpulist", NULL, AC, IM | F_NULL, X_NONE, ""),
    S("ignore-warnings", NULL, AC, 0, X_NONE, ""),
    S("proc-title-template", NULL, AC, 0, X_NONE,
      "{title} {listen-addr} {server-mode}"),
    S("bind-source-addr", NULL, AC, F_NULL, X_NONE, ""),
    S("logfile", NULL, HO, IM, X_NONE, ""),
    S("masterauth", NULL, AP, F_NULL, X_NONE, ""),
    S("requirepass", NULL, AP, F_NULL, A_REQUIREPASS, ""),
    S("dir", NULL, HO, F_PROTECTED | F_NORUNTIME, X_NONE, ""),
    S("tls-cert-file", NULL, AC, F_NULL, X_NONE, ""),
    S("tls-key-file", NULL, AC, F_NULL, X_NONE, ""),
    S("tls-key-file-pass", NULL, AC, F_NULL, X_NONE, ""),
    S("tls-client-cert-file", NULL, AC, F_NULL, X_NONE, ""),
    S("tls-client-key-file", NULL, AC, F_NULL, X_NONE, ""),
    S("tls-client-key-file-pass", NULL, AC, F_NULL, X_NONE, ""),
    S("tls-dh-params-file", NULL, AC, F_NULL, X_NONE, ""),
    S("tls-ca-cert-file", NULL, AC, F_NULL, X_NONE, ""),
    S("tls-ca-cert-dir", NULL, AC, F_NULL, X_NONE, ""),
    S("tls-protocols", NULL, AC, F_NULL, X_NONE, ""),
    S("tls-ciphers", NULL, AC, F_NULL, X_NONE, ""),
    S("tls-ciphersuites", NULL, AC, F_NULL, X_NONE, ""),

    /* Enums */
    E("supervised", HO, IM, X_NONE, "no", "upstart, systemd, auto, no"),
    E("syslog-facility", HO, IM, X_NONE, "local0",
      "user, local0, local1, local2, local3, local4, local5, local6, "
      "local7"),
    E("repl-diskless-load", AC, 0, X_NONE, "disabled",
      "disabled, on-empty-db, swapdb"),
    E("loglevel", HO, 0, X_NONE, "notice", "debug, verbose, notice, warning"),
    E("maxmemory-policy", AP, 0, A_POLICY, "noeviction",
      "volatile-lru, volatile-lfu, volatile-random, volatile-ttl, "
      "allkeys-lru, allkeys-lfu, allkeys-random, noeviction"),
    E("appendfsync", AC, 0, X_NONE, "everysec", "everysec, always, no"),
    E("oom-score-adj", AC, 0, X_NONE, "no", "no, yes, relative, absolute"),
    E("acl-pubsub-default", AC, 0, X_NONE, "resetchannels",
      "allchannels, resetchannels"),
    E("sanitize-dump-payload", AC, 0, X_NONE, "no", "no, yes, clients"),
    E("enable-protected-configs", AP, IM, A_PROTCFG, "no", PROT),
    E("enable-debug-command", AP, IM, A_DEBUGCMD, "no", PROT),
    E("enable-module-command", AC, IM, X_NONE, "no", PROT),
    E("cluster-preferred-endpoint-type", AC, 0, X_NONE, "ip",
      "ip, hostname, unknown-endpoint"),
    E("propagation-error-behavior", AC, 0, X_NONE, "ignore",
      "ignore, panic, panic-on-replicas"),
    E("shutdown-on-sigint", AC, 0, X_NONE, "default",
      "default, save, nosave, now, force"),
    E("shutdown-on-sigterm", AC, 0, X_NONE, "default",
      "default, save, nosave, now, force"),
    E("tls-auth-clients", AC, 0, X_NONE, "yes", "no, yes, optional"),

    /* Numbers */
    I("databases", NULL, AP, IM, A_DATABASES, 1, INT_MAX, "16"),
    I("port", NULL, HO, F_NORUNTIME, X_NONE, 0, 65535, "6379"),
    I("io-threads", NULL, AC, IM, X_NONE, 1, 128, "1"),
    I("auto-aof-rewrite-percentage", NULL, AC, 0, X_NONE, 0, INT_MAX, "100"),
    I("cluster-replica-validity-factor", "cluster-slave-validity-factor", AC, 0,
      X_NONE, 0, INT_MAX, "10"),
    I("list-max-listpack-size", "list-max-ziplist-size", AC, 0, X_NONE, INT_MIN,
      INT_MAX, "-2"),
    I("tcp-keepalive", NULL, HO, 0, X_NONE, 0, INT_MAX, "300"),
    I("cluster-migration-barrier", NULL, AC, 0, X_NONE, 0, INT_MAX, "1"),
    I("active-defrag-cycle-min", NULL, AC, 0, X_NONE, 1, 99, "1"),
    I("active-defrag-cycle-max", NULL, AC, 0, X_NONE, 1, 99, "25"),
    I("active-defrag-threshold-lower", NULL, AC, 0, X_NONE, 0, 1000, "10"),
    I("active-defrag-threshold-upper", NULL, AC, 0, X_NONE, 0, 1000, "100"),
    I("lfu-log-factor", NULL, AC, 0, X_NONE, 0, INT_MAX, "10"),
    I("lfu-decay-time", NULL, AC, 0, X_NONE, 0, INT_MAX, "1"),
    I("replica-priority", "slave-priority", AC, 0, X_NONE, 0, INT_MAX, "100"),
    I("repl-diskless-sync-delay", NULL, AP, 0, X_NONE, 0, INT_MAX, "5"),
    I("maxmemory-samples", NULL, AC, 0, X_NONE, 1, INT_MAX, "5"),
    I("maxmemory-eviction-tenacity", NULL, AC, 0, X_NONE, 0, 100, "10"),
    I("timeout", NULL, AP, 0, A_TIMEOUT, 0, INT_MAX, "0"),
    I("replica-announce-port", "slave-announce-port", AP, 0, X_NONE, 0, 65535,
      "0"),
    I("tcp-backlog", NULL, HO, IM, X_NONE, 0, INT_MAX, "511"),
    I("cluster-port", NULL, AC, IM, X_NONE, 0, 65535, "0"),
    I("cluster-announce-bus-port", NULL, AC, 0, X_NONE, 0, 65535, "0"),
    I("cluster-announce-port", NULL, AC, 0, X_NONE, 0, 65535, "0"),
    I("cluster-announce-tls-port", NULL, AC, 0, X_NONE, 0, 65535, "0"),
    I("repl-timeout", NULL, AP, 0, X_NONE, 1, INT_MAX, "60"),
    I("repl-ping-replica-period", "repl-ping-slave-period", AP, 0, X_NONE, 1,
      INT_MAX, "10"),
    I("list-compress-depth", NULL, AC, 0, X_NONE, 0, INT_MAX, "0"),
    I("rdb-key-save-delay", NULL, AC, F_HIDDEN, X_NONE, INT_MIN, INT_MAX, "0"),
    I("key-load-delay", NULL, AC, F_HIDDEN, X_NONE, INT_MIN, INT_MAX, "0"),
    I("active-expire-effort", NULL, AC, 0, X_NONE, 1, 10, "1"),
    I("hz", NULL, AP, 0, A_HZ, 0, INT_MAX, "10"),
    I("min-replicas-to-write", "min-slaves-to-write", AP, 0, A_MINREPL, 0,
      INT_MAX, "0"),
    I("min-replicas-max-lag", "min-slaves-max-lag", AP, 0, A_MINREPLLAG, 0,
      INT_MAX, "10"),
    I("watchdog-period", NULL, AC, F_HIDDEN, X_NONE, 0, INT_MAX, "0"),
    I("shutdown-timeout", NULL, AC, 0, X_NONE, 0, INT_MAX, "10"),
    I("repl-diskless-sync-max-replicas", NULL, AC, 0, X_NONE, 0, INT_MAX, "0"),
    I("socket-mark-id", NULL, AC, IM | F_UNSIGNED, X_NONE, 0, UMAX, "0"),
    I("maxclients", NULL, AP, F_UNSIGNED, A_MAXCLIENTS, 1, UMAX, "10000"),
    I("unixsocketperm", NULL, HO, IM | F_UNSIGNED | F_OCTAL, X_NONE, 0, 0777,
      "0"),
    I("active-defrag-max-scan-fields", NULL, AC, F_UNSIGNED, X_NONE, 1,
      LONG_MAX, "1000"),
    I("slowlog-max-len", NULL, AP, F_UNSIGNED, A_SLOWLOG_LEN, 0, LONG_MAX,
      "128"),
    I("acllog-max-len", NULL, AC, F_UNSIGNED, X_NONE, 0, LONG_MAX, "128"),
    I("busy-reply-threshold", "lua-time-limit", AC, 0, X_NONE, 0, LONG_MAX,
      "5000"),
    I("cluster-node-timeout", NULL, AC, 0, X_NONE, 0, LLONG_MAX, "15000"),
    I("slowlog-log-slower-than", NULL, AP, 0, A_SLOWLOG_US, -1, LLONG_MAX,
      "10000"),
    I("latency-monitor-threshold", NULL, AP, 0, A_LATENCY, 0, LLONG_MAX, "0"),
    I("proto-max-bulk-len", NULL, AP, F_MEM, A_PMBL, 1024 * 1024, LONG_MAX,
      "536870912"),
    I("stream-node-max-entries", NULL, AC, 0, X_NONE, 0, LLONG_MAX, "100"),
    I("repl-backlog-size", NULL, AP, F_MEM, X_NONE, 1, LLONG_MAX, "1048576"),
    I("maxmemory", NULL, AP, F_MEM | F_UNSIGNED, A_MAXMEMORY, 0, ULLM, "0"),
    I("cluster-link-sendbuf-limit", NULL, AC, F_MEM | F_UNSIGNED, X_NONE, 0,
      ULLM, "0"),
    I("hash-max-listpack-entries", "hash-max-ziplist-entries", AC, F_UNSIGNED,
      X_NONE, 0, SZMAX, "512"),
    I("set-max-intset-entries", NULL, AC, F_UNSIGNED, X_NONE, 0, SZMAX, "512"),
    I("zset-max-listpack-entries", "zset-max-ziplist-entries", AC, F_UNSIGNED,
      X_NONE, 0, SZMAX, "128"),
    I("active-defrag-ignore-bytes", NULL, AC, F_MEM | F_UNSIGNED, X_NONE, 1,
      LLONG_MAX, "104857600"),
    I("hash-max-listpack-value", "hash-max-ziplist-value", AC,
      F_MEM | F_UNSIGNED, X_NONE, 0, SZMAX, "64"),
    I("stream-node-max-bytes", NULL, AC, F_MEM | F_UNSIGNED, X_NONE, 0, SZMAX,
      "4096"),
    I("zset-max-listpack-value", "zset-max-ziplist-value", AC,
      F_MEM | F_UNSIGNED, X_NONE, 0, SZMAX, "64"),
    I("hll-sparse-max-bytes", NULL, AC, F_MEM | F_UNSIGNED, X_NONE, 0, SZMAX,
      "3000"),
    I("tracking-table-max-keys", NULL, AC, F_UNSIGNED, X_NONE, 0, SZMAX,
      "1000000"),
    I("client-query-buffer-limit", NULL, AP, F_MEM | F_UNSIGNED, A_QBUF,
      1024 * 1024, SZMAX, "1073741824"),
    {"maxmemory-clients", NULL, T_NUM, C_REFUSED, F_MEM | F_PCT, X_NONE, -100,
     SZMAX, "0", "client eviction"},
    I("repl-backlog-ttl", NULL, AP, 0, X_NONE, 0, LONG_MAX, "3600"),
    I("auto-aof-rewrite-min-size", NULL, AC, F_MEM, X_NONE, 0, LLONG_MAX,
      "67108864"),
    I("loading-process-events-interval-bytes", NULL, AC, F_HIDDEN, X_NONE, 1024,
      INT_MAX, "2097152"),
    {"tls-port", NULL, T_NUM, C_REFUSED, 0, X_NONE, 0, 65535, "0", "TLS"},
    I("tls-session-cache-size", NULL, AC, 0, X_NONE, 0, INT_MAX, "20480"),
    I("tls-session-cache-timeout", NULL, AC, 0, X_NONE, 0, INT_MAX, "300"),

    /* Special */
    SP("save", NULL, HO, F_MULTI, S_SAVE, "3600 1 300 100 60 10000", NULL),
    SP("client-output-buffer-limit", NULL, AP, F_MULTI, S_COBL,
       "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60",
       NULL),
    SP("oom-score-adj-values", NULL, AC, F_MULTI, S_OOMVALS, "0 200 800", NULL),
    SP("notify-keyspace-events", NULL, C_REFUSED, 0, S_NOTIFY, "",
       "keyspace notifications"),
    SP("bind", NULL, HO, F_MULTI | F_NORUNTIME, S_BIND, "* -::*", NULL),
    SP("replicaof", "slaveof", C_APPLIED, IM | F_MULTI, S_REPLICAOF, "",
       "replication"),
    SP("latency-tracking-info-percentiles", NULL, AC, F_MULTI, S_LATPCT,
       "50 99 99.9", NULL),
};

#undef B
#undef BR
#undef I
#undef S
#undef E
#undef SP
#undef AC
#undef HO
#undef AP
#undef IM

#define NDEFS (sizeof(defs) / sizeof(defs[0]))

/* Directives only a config file knows, refused with what they ask for. */
static const struct {
	const char *name;
	const char *what;
} file_only[] = {
    {"rename-command", "renaming commands"},
    {"user", "ACL users"},
    {"loadmodule", "modules"},
    {"sentinel", "Sentinel mode"},
};

/* Redis 7.0 accepts and ignores these. */
static const char *const deprecated[] = {
    "list-max-ziplist-entries",
    "list-max-ziplist-value",
    "lua-replicate-commands",
};

struct rkv_config {
	char *val[NDEFS]; /* CONFIG GET text; NULL: the default */
	bool save_loaded; /* a file's first save line replaced the default */
};

size_t rkv_config_table_size(void)
{
	return NDEFS;
}

static bool streq_nocase(const char *a, const char *b)
{
	return rkv_strcasecmp(a, b) == 0;
}

/* The row named (or aliased) name, case-insensitive; *is_alias tells
 * which. */
static const cfg_def *lookup(const char *name, bool *is_alias)
{
	for (size_t i = 0; i < NDEFS; i++) {
		if (streq_nocase(name, defs[i].name)) {
			if (is_alias)
				*is_alias = false;
			return &defs[i];
		}
		if (defs[i].alias && streq_nocase(name, defs[i].alias)) {
			if (is_alias)
				*is_alias = true;
			return &defs[i];
		}
	}
	return NULL;
}

static size_t def_index(const cfg_def *d)
{
	return (size_t)(d - defs);
}

/* ---------------------------------------------------------------------- */
/* Small string helpers                                                   */
/* ---------------------------------------------------------------------- */

static char *xstrdup(rkv_node *node, const char *s, size_t len)
{
	char *p = rkv_malloc(rkv_node_alloc(node), len + 1);

	if (p) {
		memcpy(p, s, len);
		p[len] = '\0';
	}
	return p;
}

static __attribute__((format(printf, 3, 4))) void
seterr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || !errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

bool rkv_config_memtoull(const char *p, unsigned long long *out)
{
	const char *u = p;
	unsigned long long mul, val = 0;

	if (*u == '-')
		return false;
	while (*u >= '0' && *u <= '9')
		u++;
	if (*u == '\0' || streq_nocase(u, "b"))
		mul = 1;
	else if (streq_nocase(u, "k"))
		mul = 1000;
	else if (streq_nocase(u, "kb"))
		mul = 1024;
	else if (streq_nocase(u, "m"))
		mul = 1000 * 1000;
	else if (streq_nocase(u, "mb"))
		mul = 1024 * 1024;
	else if (streq_nocase(u, "g"))
		mul = 1000ULL * 1000 * 1000;
	else if (streq_nocase(u, "gb"))
		mul = 1024ULL * 1024 * 1024;
	else
		return false;
	for (const char *d = p; d < u; d++) {
		unsigned digit = (unsigned)(*d - '0');

		if (val > (ULLONG_MAX - digit) / 10)
			return false;
		val = val * 10 + digit;
	}
	if (val && mul > ULLONG_MAX / val)
		return false;
	*out = val * mul;
	return true;
}

size_t rkv_config_repr(char *dst, size_t cap, const char *s, size_t len)
{
	size_t n = 0;

#define PUT(ch)                                                                \
	do {                                                                   \
		if (n + 1 < cap)                                               \
			dst[n] = (ch);                                         \
		n++;                                                           \
	} while (0)
	PUT('"');
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)s[i];

		switch (ch) {
		case '\\':
		case '"':
			PUT('\\');
			PUT((char)ch);
			break;
		case '\n':
			PUT('\\');
			PUT('n');
			break;
		case '\r':
			PUT('\\');
			PUT('r');
			break;
		case '\t':
			PUT('\\');
			PUT('t');
			break;
		case '\a':
			PUT('\\');
			PUT('a');
			break;
		case '\b':
			PUT('\\');
			PUT('b');
			break;
		default:
			if (ch >= 0x20 && ch < 0x7f) {
				PUT((char)ch);
			} else {
				static const char hex[] = "0123456789abcdef";

				PUT('\\');
				PUT('x');
				PUT(hex[ch >> 4]);
				PUT(hex[ch & 15]);
			}
		}
	}
	PUT('"');
#undef PUT
	if (cap)
		dst[n < cap ? n : cap - 1] = '\0';
	return n;
}

/* A growable string on the node's allocator. */
typedef struct sbuf {
	rkv_node *node;
	char *p;
	size_t len, cap;
	bool oom;
} sbuf;

static void sb_add(sbuf *b, const char *s, size_t len)
{
	if (b->oom)
		return;
	if (b->len + len + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 64;
		char *np;

		while (cap < b->len + len + 1)
			cap *= 2;
		np = rkv_realloc(rkv_node_alloc(b->node), b->p, cap);
		if (!np) {
			b->oom = true;
			return;
		}
		b->p = np;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, len);
	b->len += len;
	b->p[b->len] = '\0';
}

static void sb_str(sbuf *b, const char *s)
{
	sb_add(b, s, strlen(s));
}

static __attribute__((format(printf, 2, 3))) void sb_fmt(sbuf *b,
							 const char *fmt, ...)
{
	char tmp[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = rkv_vfmt(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n > 0)
		sb_add(b, tmp, (size_t)n);
}

static void sb_repr(sbuf *b, const char *s, size_t len)
{
	size_t need = rkv_config_repr(NULL, 0, s, len);
	char *tmp;

	if (b->oom)
		return;
	tmp = rkv_malloc(rkv_node_alloc(b->node), need + 1);
	if (!tmp) {
		b->oom = true;
		return;
	}
	rkv_config_repr(tmp, need + 1, s, len);
	sb_add(b, tmp, need);
	rkv_free(rkv_node_alloc(b->node), tmp);
}

static void sb_free(sbuf *b)
{
	rkv_free(rkv_node_alloc(b->node), b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}

/* ---------------------------------------------------------------------- */
/* Splitting a line as Redis's sdssplitargs()                             */
/* ---------------------------------------------------------------------- */

/* Split line[0..len) into arguments with Redis's quoting rules. The
 * callback `add` receives each argument; returns false on unbalanced
 * quotes. `tmp` has room for len bytes (an argument is never longer). */
static bool split_args(const char *line, size_t len, char *tmp,
		       bool (*add)(void *ud, const char *s, size_t n), void *ud)
{
	const char *p = line, *end = line + len;

	for (;;) {
		while (p < end && rkv_is_space(*p))
			p++;
		if (p >= end)
			return true;
		size_t n = 0;
		bool inq = false, insq = false, done = false;

		while (!done) {
			char c = p < end ? *p : '\0';
			char c1 = p + 1 < end ? p[1] : '\0';

			if (inq) {
				if (c == '\\' && c1 == 'x' && p + 3 < end &&
				    rkv_hex_val(p[2]) >= 0 &&
				    rkv_hex_val(p[3]) >= 0) {
					tmp[n++] =
					    (char)(rkv_hex_val(p[2]) * 16 +
						   rkv_hex_val(p[3]));
					p += 3;
				} else if (c == '\\' && c1) {
					p++;
					tmp[n++] = rkv_unescape(c1);
				} else if (c == '"') {
					/* The closing quote must be followed
					 * by a space or nothing at all. */
					if (c1 && !rkv_is_space(c1))
						return false;
					done = true;
				} else if (!c) {
					return false; /* unterminated */
				} else {
					tmp[n++] = c;
				}
			} else if (insq) {
				if (c == '\\' && c1 == '\'') {
					p++;
					tmp[n++] = '\'';
				} else if (c == '\'') {
					if (c1 && !rkv_is_space(c1))
						return false;
					done = true;
				} else if (!c) {
					return false;
				} else {
					tmp[n++] = c;
				}
			} else {
				switch (c) {
				case ' ':
				case '\n':
				case '\r':
				case '\t':
				case '\0':
					done = true;
					break;
				case '"':
					inq = true;
					break;
				case '\'':
					insq = true;
					break;
				default:
					tmp[n++] = c;
				}
			}
			if (p < end)
				p++;
		}
		if (!add(ud, tmp, n))
			return false;
	}
}

/* Collected arguments, each NUL-terminated, on malloc or the node. */
typedef struct argvec {
	rkv_node *node; /* NULL: libc malloc (rkv_config_split) */
	char **v;
	size_t n, cap;
	bool oom;
} argvec;

static void *av_alloc(argvec *a, void *p, size_t n)
{
	if (a->node)
		return rkv_realloc(rkv_node_alloc(a->node), p, n);
	return realloc(p, n);
}

static void av_free_ptr(argvec *a, void *p)
{
	if (a->node)
		rkv_free(rkv_node_alloc(a->node), p);
	else
		free(p);
}

static bool av_add(void *ud, const char *s, size_t n)
{
	argvec *a = ud;
	char *copy;

	if (a->n == a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 8;
		char **nv = av_alloc(a, a->v, cap * sizeof(*nv));

		if (!nv) {
			a->oom = true;
			return false;
		}
		a->v = nv;
		a->cap = cap;
	}
	copy = av_alloc(a, NULL, n + 1);
	if (!copy) {
		a->oom = true;
		return false;
	}
	memcpy(copy, s, n);
	copy[n] = '\0';
	a->v[a->n++] = copy;
	return true;
}

static void av_free(argvec *a)
{
	for (size_t i = 0; i < a->n; i++)
		av_free_ptr(a, a->v[i]);
	av_free_ptr(a, a->v);
	a->v = NULL;
	a->n = a->cap = 0;
}

/* Returns 0, RKV_ERR_INVALID (unbalanced quotes) or RKV_ERR_NOMEM. */
static int av_split(argvec *a, const char *line, size_t len)
{
	char *tmp = av_alloc(a, NULL, len + 1);
	bool ok;

	if (!tmp)
		return RKV_ERR_NOMEM;
	ok = split_args(line, len, tmp, av_add, a);
	av_free_ptr(a, tmp);
	if (!ok) {
		int rc = a->oom ? RKV_ERR_NOMEM : RKV_ERR_INVALID;

		av_free(a);
		return rc;
	}
	return 0;
}

int rkv_config_split(const char *line, size_t len, char ***argv, size_t *argc)
{
	argvec a = {0};
	int rc;

	if (!line || !argv || !argc)
		return RKV_ERR_INVALID;
	rc = av_split(&a, line, len);
	if (rc < 0)
		return rc;
	if (!a.v) {
		a.v = malloc(sizeof(char *));
		if (!a.v)
			return RKV_ERR_NOMEM;
	}
	*argv = a.v;
	*argc = a.n;
	return 0;
}

void rkv_config_split_free(char **argv, size_t argc)
{
	if (!argv)
		return;
	for (size_t i = 0; i < argc; i++)
		free(argv[i]);
	free(argv);
}

/* ---------------------------------------------------------------------- */
/* Parsing values                                                         */
/* ---------------------------------------------------------------------- */

/* A value checked and normalized, not yet applied (CONFIG SET sets all or
 * nothing: every value is checked before any is applied). */
typedef struct pending {
	const cfg_def *d;
	char *text;	  /* normalized CONFIG GET text (node allocator) */
	long long num;	  /* numbers, booleans (1/0), enum index */
	bool unsupported; /* ACCEPTED class: tell the caller */
} pending;

/* How the value arrives: from a config file line (immutable directives
 * allowed, save lines accumulate) or from CONFIG SET. */
enum set_mode { MODE_FILE, MODE_RUNTIME };

static bool parse_yesno(const char *s, long long *v)
{
	if (streq_nocase(s, "yes"))
		*v = 1;
	else if (streq_nocase(s, "no"))
		*v = 0;
	else
		return false;
	return true;
}

/* The index of s in an enum's ", "-separated list, or -1; the canonical
 * name is copied to name. */
static int enum_find(const char *list, const char *s, char *name,
		     size_t namelen)
{
	int idx = 0;
	const char *p = list;

	while (*p) {
		const char *e = strstr(p, ", ");
		size_t n = e ? (size_t)(e - p) : strlen(p);

		if (strlen(s) == n) {
			size_t i;

			for (i = 0; i < n; i++) {
				char c = s[i];

				if (c >= 'A' && c <= 'Z')
					c = (char)(c - 'A' + 'a');
				if (c != p[i])
					break;
			}
			if (i == n) {
				snprintf(name, namelen, "%.*s", (int)n, p);
				return idx;
			}
		}
		idx++;
		if (!e)
			break;
		p = e + 2;
	}
	return -1;
}

/* Redis's numericParseString() and numericBoundaryCheck(). */
static bool parse_number(const cfg_def *d, const char *s, long long *out,
			 char *err, size_t errlen)
{
	long long v = 0;
	bool ok = false;
	size_t len = strlen(s);

	if (d->flags & F_MEM) {
		unsigned long long u;

		if (rkv_config_memtoull(s, &u)) {
			v = (long long)u;
			ok = true;
		}
	}
	if (!ok && (d->flags & F_PCT) && len > 1 && s[len - 1] == '%' &&
	    rkv_string2ll(s, len - 1, &v) && v >= 0) {
		v = -v;
		ok = true;
	}
	if (!ok && (d->flags & F_OCTAL)) {
		char *end;
		unsigned long long u;

		if (*s && *s != '-') {
			u = strtoull(s, &end, 8);
			if (*end == '\0') {
				v = (long long)u;
				ok = true;
			}
		}
		if (!ok) {
			seterr(err, errlen,
			       "argument couldn't be parsed as an octal "
			       "number");
			return false;
		}
	}
	if (!ok && !(d->flags & (F_MEM | F_PCT)) && rkv_string2ll(s, len, &v))
		ok = true;
	if (!ok) {
		if ((d->flags & F_MEM) && (d->flags & F_PCT))
			seterr(err, errlen,
			       "argument must be a memory or percent value");
		else if (d->flags & F_MEM)
			seterr(err, errlen, "argument must be a memory value");
		else
			seterr(err, errlen,
			       "argument couldn't be parsed into an integer");
		return false;
	}
	if (d->flags & F_UNSIGNED) {
		unsigned long long u = (unsigned long long)v;
		unsigned long long lo = (unsigned long long)d->min;
		unsigned long long hi = (unsigned long long)d->max;

		if (u < lo || u > hi) {
			if (d->flags & F_OCTAL)
				seterr(err, errlen,
				       "argument must be between %llo and "
				       "%llo inclusive",
				       lo, hi);
			else
				seterr(err, errlen,
				       "argument must be between %llu and "
				       "%llu inclusive",
				       lo, hi);
			return false;
		}
	} else if ((d->flags & F_PCT) && v < 0) {
		if (v < d->min) {
			seterr(err, errlen,
			       "percentage argument must be less or equal to "
			       "%lld",
			       -d->min);
			return false;
		}
	} else if (v < d->min || v > d->max) {
		seterr(err, errlen,
		       "argument must be between %lld and %lld inclusive",
		       d->min, d->max);
		return false;
	}
	*out = v;
	return true;
}

static void format_number(const cfg_def *d, long long v, char *buf, size_t len)
{
	if ((d->flags & F_PCT) && v < 0)
		snprintf(buf, len, "%lld%%", -v);
	else if (d->flags & F_OCTAL)
		snprintf(buf, len, "%llo", (unsigned long long)v);
	else if (d->flags & F_UNSIGNED)
		snprintf(buf, len, "%llu", (unsigned long long)v);
	else
		snprintf(buf, len, "%lld", v);
}

/* Redis's getClientTypeByName() for the three classes with limits. */
static int cobl_class(const char *s)
{
	if (streq_nocase(s, "normal"))
		return 0;
	if (streq_nocase(s, "slave") || streq_nocase(s, "replica"))
		return 1;
	if (streq_nocase(s, "pubsub"))
		return 2;
	return -1;
}

/* Parse client-output-buffer-limit arguments into lim[class] (classes
 * given are marked in *mask). */
static bool parse_cobl(char *const *argv, size_t argc, long long lim[3][3],
		       unsigned *mask, char *err, size_t errlen)
{
	*mask = 0;
	if (!argc || argc % 4) {
		seterr(err, errlen,
		       "Wrong number of arguments in buffer limit "
		       "configuration.");
		return false;
	}
	for (size_t j = 0; j < argc; j += 4) {
		int cls = cobl_class(argv[j]);
		unsigned long long hard, soft;
		long long secs;

		if (cls < 0) {
			seterr(err, errlen,
			       "Invalid client class specified in buffer "
			       "limit configuration.");
			return false;
		}
		if (!rkv_config_memtoull(argv[j + 1], &hard) ||
		    !rkv_config_memtoull(argv[j + 2], &soft) ||
		    !rkv_string2ll(argv[j + 3], strlen(argv[j + 3]), &secs) ||
		    secs < 0) {
			seterr(err, errlen,
			       "Error in hard, soft or soft_seconds setting in "
			       "buffer limit configuration.");
			return false;
		}
		lim[cls][0] = (long long)hard;
		lim[cls][1] = (long long)soft;
		lim[cls][2] = secs;
		*mask |= 1u << cls;
	}
	return true;
}

/* Join argv with spaces into a new string (node allocator). */
static char *join_args(rkv_node *node, char *const *argv, size_t argc)
{
	sbuf b = {node, NULL, 0, 0, false};

	sb_add(&b, "", 0);
	for (size_t i = 0; i < argc; i++) {
		if (i)
			sb_add(&b, " ", 1);
		sb_str(&b, argv[i]);
	}
	if (b.oom) {
		sb_free(&b);
		return NULL;
	}
	return b.p;
}

static void refused_msg(const cfg_def *d, char *err, size_t errlen)
{
	seterr(err, errlen,
	       "rkv does not support %s yet: only the default '%s%s%s' is "
	       "accepted",
	       d->extra, d->name, d->def[0] ? " " : "",
	       d->def[0] ? d->def : " \"\"");
}

static const char *current_text(rkv_node *node, const cfg_def *d, char *buf,
				size_t len);

/* The special directives: check argv, produce the normalized text. */
static int parse_special(rkv_node *node, const cfg_def *d, char *const *argv,
			 size_t argc, enum set_mode mode, pending *pd,
			 char *err, size_t errlen)
{
	switch (d->id) {
	case S_SAVE: {
		bool reset = false;

		if (argc == 1 && argv[0][0] == '\0') {
			/* save "": no save points, even in a file. */
			argc = 0;
			reset = true;
		}
		if (argc & 1)
			goto bad_save;
		for (size_t j = 0; j < argc; j++) {
			char *end;
			long long v = strtoll(argv[j], &end, 10);

			if (*end != '\0' || ((j & 1) == 0 && v < 1) ||
			    ((j & 1) == 1 && v < 0))
				goto bad_save;
		}
		/* Normalize each number as Redis prints it. */
		sbuf b = {node, NULL, 0, 0, false};

		sb_add(&b, "", 0);
		if (mode == MODE_FILE && node->config->save_loaded && !reset) {
			char cur[1024];
			const char *c = current_text(node, d, cur, sizeof(cur));

			sb_str(&b, c);
		}
		for (size_t j = 0; j < argc; j++)
			sb_fmt(&b, "%s%lld", b.len ? " " : "",
			       strtoll(argv[j], NULL, 10));
		if (b.oom) {
			sb_free(&b);
			return RKV_ERR_NOMEM;
		}
		pd->text = b.p;
		return 0;
	bad_save:
		seterr(err, errlen, "Invalid save parameters");
		return RKV_ERR_INVALID;
	}
	case S_COBL: {
		long long lim[3][3];
		unsigned mask;

		if (!parse_cobl(argv, argc, lim, &mask, err, errlen))
			return RKV_ERR_INVALID;
		pd->text = join_args(node, argv, argc);
		return pd->text ? 0 : RKV_ERR_NOMEM;
	}
	case S_BIND:
		if (argc > 16) {
			seterr(err, errlen,
			       "Too many bind addresses specified.");
			return RKV_ERR_INVALID;
		}
		if (argc == 1 && argv[0][0] == '\0')
			argc = 0;
		/* The addresses are kept (and rewritten) space-separated, as
		 * Redis keeps them: one that is empty or holds a space, a
		 * quote, a backslash or a control byte could not be read back
		 * (a quote opens a quoted token), and names no address. */
		for (size_t i = 0; i < argc; i++) {
			bool ok = argv[i][0] != '\0';

			for (const char *p = argv[i]; *p; p++)
				if ((unsigned char)*p <= ' ' ||
				    (unsigned char)*p == 0x7f || *p == '"' ||
				    *p == '\'' || *p == '\\')
					ok = false;
			if (!ok) {
				seterr(err, errlen, "Invalid bind address");
				return RKV_ERR_INVALID;
			}
		}
		pd->text = join_args(node, argv, argc);
		return pd->text ? 0 : RKV_ERR_NOMEM;
	case S_OOMVALS: {
		char buf[64];
		size_t off = 0;

		if (argc != 3) {
			seterr(err, errlen, "wrong number of arguments");
			return RKV_ERR_INVALID;
		}
		for (size_t j = 0; j < 3; j++) {
			long long v;

			if (!rkv_string2ll(argv[j], strlen(argv[j]), &v) ||
			    v < -2000 || v > 2000) {
				seterr(err, errlen,
				       "Invalid oom-score-adj-values");
				return RKV_ERR_INVALID;
			}
			off += (size_t)snprintf(buf + off, sizeof(buf) - off,
						"%s%lld", j ? " " : "", v);
		}
		pd->text = xstrdup(node, buf, off);
		return pd->text ? 0 : RKV_ERR_NOMEM;
	}
	case S_LATPCT: {
		sbuf b = {node, NULL, 0, 0, false};

		if (argc == 1 && argv[0][0] == '\0')
			argc = 0;
		sb_add(&b, "", 0);
		for (size_t j = 0; j < argc; j++) {
			char *end, num[64];
			double v = strtod(argv[j], &end);
			int n;

			if (*end != '\0' || end == argv[j] || v < 0.0 ||
			    v > 100.0) {
				sb_free(&b);
				seterr(err, errlen,
				       "latency-tracking-info-percentiles "
				       "parameters should sit between "
				       "[0.0,100.0]");
				return RKV_ERR_INVALID;
			}
			n = snprintf(num, sizeof(num), "%f", v);
			/* Redis's trimDoubleString(): no trailing zeros. */
			while (n > 1 && num[n - 1] == '0')
				n--;
			if (n > 1 && num[n - 1] == '.')
				n--;
			sb_fmt(&b, "%s%.*s", j ? " " : "", n, num);
		}
		if (b.oom) {
			sb_free(&b);
			return RKV_ERR_NOMEM;
		}
		pd->text = b.p;
		return 0;
	}
	case S_NOTIFY: {
		static const char classes[] = "Ag$lshzxeKEtmdn";

		for (const char *p = argv[0]; *p; p++) {
			if (!strchr(classes, *p)) {
				seterr(err, errlen,
				       "Invalid event class character. Use "
				       "'Ag$lshzxeKEtmdn'.");
				return RKV_ERR_INVALID;
			}
		}
		if (argv[0][0]) {
			refused_msg(d, err, errlen);
			return RKV_ERR_INVALID;
		}
		pd->text = xstrdup(node, "", 0);
		return pd->text ? 0 : RKV_ERR_NOMEM;
	}
	case S_REPLICAOF: {
		long long port;

		if (argc != 2) {
			seterr(err, errlen, "wrong number of arguments");
			return RKV_ERR_INVALID;
		}
		if (streq_nocase(argv[0], "no") &&
		    streq_nocase(argv[1], "one")) {
			pd->text = xstrdup(node, "", 0);
			return pd->text ? 0 : RKV_ERR_NOMEM;
		}
		if (!rkv_string2ll(argv[1], strlen(argv[1]), &port) ||
		    port < 0 || port > 65535) {
			seterr(err, errlen, "Invalid master port");
			return RKV_ERR_INVALID;
		}
		pd->text = join_args(node, argv, argc);
		return pd->text ? 0 : RKV_ERR_NOMEM;
	}
	}
	seterr(err, errlen, "internal error");
	return RKV_ERR_INVALID;
}

/* Redis's validateProcTitleTemplate(): sdstemplate() syntax ("{{" is a
 * literal brace, "{name}" a variable among Redis's), and a non-empty
 * expansion ({title}, {server-mode}, {unixsocket} and {config-file} may
 * expand to nothing). */
static bool valid_title_template(const char *t)
{
	static const char *const vars[] = {
	    "title",	"listen-addr", "server-mode", "port",
	    "tls-port", "unixsocket",  "config-file"};
	bool nonempty = false;

	while (*t) {
		const char *sv = strchr(t, '{'), *ev;
		size_t i, n;

		if (!sv)
			return true; /* literal text follows */
		if (sv > t)
			nonempty = true;
		sv++;
		if (!*sv)
			return false;
		if (*sv == '{') {
			nonempty = true;
			t = sv + 1;
			continue;
		}
		ev = strchr(sv, '}');
		if (!ev)
			return false;
		n = (size_t)(ev - sv);
		for (i = 0; i < sizeof(vars) / sizeof(*vars); i++)
			if (strlen(vars[i]) == n && !memcmp(vars[i], sv, n))
				break;
		if (i == sizeof(vars) / sizeof(*vars))
			return false;
		if (i == 1 || i == 3 || i == 4)
			nonempty = true;
		t = ev + 1;
	}
	return nonempty;
}

/* Redis's isValidAnnouncedHostname(). */
static bool valid_hostname(const char *s, char *err, size_t errlen)
{
	if (strlen(s) >= 256) {
		seterr(err, errlen,
		       "Hostnames must be less than 256 characters");
		return false;
	}
	for (; *s; s++) {
		char c = *s;

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '-' || c == '.')) {
			seterr(err, errlen,
			       "Hostnames may only contain alphanumeric "
			       "characters, hyphens or dots");
			return false;
		}
	}
	return true;
}

/* Check argv for directive d and fill pd (text allocated on success).
 * Returns 0, RKV_ERR_INVALID (err set) or RKV_ERR_NOMEM. */
static int parse_value(rkv_node *node, const cfg_def *d, char *const *argv,
		       size_t argc, enum set_mode mode, pending *pd, char *err,
		       size_t errlen)
{
	char buf[128];
	const char *text = buf;

	memset(pd, 0, sizeof(*pd));
	pd->d = d;
	if (!(d->flags & F_MULTI) && argc != 1) {
		seterr(err, errlen, "wrong number of arguments");
		return RKV_ERR_INVALID;
	}
	switch (d->type) {
	case T_BOOL:
		if (!parse_yesno(argv[0], &pd->num)) {
			seterr(err, errlen, "argument must be 'yes' or 'no'");
			return RKV_ERR_INVALID;
		}
		snprintf(buf, sizeof(buf), "%s", pd->num ? "yes" : "no");
		break;
	case T_NUM:
		if (!parse_number(d, argv[0], &pd->num, err, errlen))
			return RKV_ERR_INVALID;
		format_number(d, pd->num, buf, sizeof(buf));
		break;
	case T_ENUM: {
		int idx = enum_find(d->extra, argv[0], buf, sizeof(buf));

		if (idx < 0) {
			seterr(err, errlen,
			       "argument(s) must be one of the following: %s",
			       d->extra);
			return RKV_ERR_INVALID;
		}
		pd->num = idx;
		break;
	}
	case T_STR:
		text = argv[0];
		if (streq_nocase(d->name, "dbfilename") && strchr(text, '/')) {
			seterr(err, errlen,
			       "dbfilename can't be a path, just a filename");
			return RKV_ERR_INVALID;
		}
		if ((streq_nocase(d->name, "appendfilename") ||
		     streq_nocase(d->name, "appenddirname")) &&
		    strchr(text, '/')) {
			seterr(err, errlen, "%s can't be a path, just a %s",
			       d->name,
			       d->name[6] == 'f' ? "filename" : "dirname");
			return RKV_ERR_INVALID;
		}
		if (streq_nocase(d->name, "proc-title-template") &&
		    !valid_title_template(text)) {
			seterr(err, errlen,
			       "template format is invalid or contains unknown "
			       "variables");
			return RKV_ERR_INVALID;
		}
		if (streq_nocase(d->name, "cluster-announce-hostname") &&
		    !valid_hostname(text, err, errlen))
			return RKV_ERR_INVALID;
		break;
	case T_SPECIAL:
		return parse_special(node, d, argv, argc, mode, pd, err,
				     errlen);
	}
	if (d->cls == C_REFUSED && strcmp(text, d->def) != 0) {
		refused_msg(d, err, errlen);
		return RKV_ERR_INVALID;
	}
	if (d->id == A_POLICY && strcmp(text, "noeviction") != 0) {
		seterr(err, errlen,
		       "rkv supports only maxmemory-policy noeviction for now "
		       "(key eviction is not implemented yet)");
		return RKV_ERR_INVALID;
	}
	pd->text = xstrdup(node, text, strlen(text));
	return pd->text ? 0 : RKV_ERR_NOMEM;
}

/* ---------------------------------------------------------------------- */
/* Current values                                                         */
/* ---------------------------------------------------------------------- */

static const char *const protected_names[] = {"no", "yes", "local"};

/* The CONFIG GET text of d, in buf when it must be formatted. */
static const char *current_text(rkv_node *node, const cfg_def *d, char *buf,
				size_t len)
{
	const struct rkv_settings *s = &node->set;
	struct rkv_config *cfg = node->config;

	switch (d->id) {
	case A_DATABASES:
		snprintf(buf, len, "%d", s->databases);
		return buf;
	case A_REQUIREPASS:
		/* NUL-terminated: it is the text CONFIG SET parsed. */
		return s->requirepass ? s->requirepass : "";
	case A_MAXCLIENTS:
		snprintf(buf, len, "%lld", s->maxclients);
		return buf;
	case A_TIMEOUT:
		snprintf(buf, len, "%lld", s->timeout_s);
		return buf;
	case A_HZ:
		snprintf(buf, len, "%d", s->hz);
		return buf;
	case A_MINREPL:
		snprintf(buf, len, "%d", node->repl.min_to_write);
		return buf;
	case A_MINREPLLAG:
		snprintf(buf, len, "%d", node->repl.min_max_lag);
		return buf;
	case A_MAXMEMORY:
		snprintf(buf, len, "%llu", (unsigned long long)s->maxmemory);
		return buf;
	case A_QBUF:
		snprintf(buf, len, "%lld", s->query_buffer_limit);
		return buf;
	case A_PMBL:
		snprintf(buf, len, "%lld", s->proto_max_bulk_len);
		return buf;
	case A_DEBUGCMD:
		return (unsigned)s->enable_debug < 3
			   ? protected_names[s->enable_debug]
			   : "no";
	case A_SLOWLOG_US:
		snprintf(buf, len, "%lld", s->slowlog_slower_than_us);
		return buf;
	case A_SLOWLOG_LEN:
		snprintf(buf, len, "%lld", s->slowlog_max_len);
		return buf;
	case A_LATENCY:
		snprintf(buf, len, "%lld", s->latency_threshold_ms);
		return buf;
	case S_REPLICAOF:
		rkv_replica_config_text(node, buf, len);
		return buf;
	case S_COBL:
		snprintf(buf, len,
			 "normal %lld %lld %lld slave %lld %lld %lld pubsub "
			 "%lld %lld %lld",
			 node->obuf_limit[0].hard, node->obuf_limit[0].soft,
			 node->obuf_limit[0].soft_seconds,
			 node->obuf_limit[1].hard, node->obuf_limit[1].soft,
			 node->obuf_limit[1].soft_seconds,
			 node->obuf_limit[2].hard, node->obuf_limit[2].soft,
			 node->obuf_limit[2].soft_seconds);
		return buf;
	default:
		break;
	}
	if (cfg && cfg->val[def_index(d)])
		return cfg->val[def_index(d)];
	return d->def;
}

/* ---------------------------------------------------------------------- */
/* Applying                                                               */
/* ---------------------------------------------------------------------- */

static int config_init(rkv_node *node)
{
	if (node->config)
		return 0;
	node->config = rkv_malloc(rkv_node_alloc(node), sizeof(*node->config));
	if (!node->config)
		return RKV_ERR_NOMEM;
	memset(node->config, 0, sizeof(*node->config));
	return 0;
}

void rkv_config_free(rkv_node *node)
{
	if (!node->config)
		return;
	for (size_t i = 0; i < NDEFS; i++)
		rkv_free(rkv_node_alloc(node), node->config->val[i]);
	rkv_free(rkv_node_alloc(node), node->config);
	node->config = NULL;
}

static void pending_free(rkv_node *node, pending *pd)
{
	rkv_free(rkv_node_alloc(node), pd->text);
	pd->text = NULL;
}

static bool keyspace_empty(rkv_node *node)
{
	for (int i = 0; i < node->ks.ndb; i++)
		if (rkv_keyspace_size(&node->ks, i))
			return false;
	return true;
}

/* Checks that need the node's state, done before anything is applied. */
static int check_state(rkv_node *node, const pending *pd, char *err,
		       size_t errlen)
{
	if (pd->d->id == A_DATABASES && pd->num != node->set.databases &&
	    (node->nconns > 0 || !keyspace_empty(node))) {
		seterr(err, errlen,
		       "rkv can change databases only before the first "
		       "connection, while the keyspace is empty");
		return RKV_ERR_INVALID;
	}
	return 0;
}

/* Apply a checked value; takes pd->text. Only databases can fail (OOM). */
static int apply(rkv_node *node, pending *pd, enum set_mode mode)
{
	const cfg_def *d = pd->d;
	struct rkv_settings *s = &node->set;
	size_t idx = def_index(d);
	long long v = pd->num;

	switch (d->id) {
	case A_DATABASES:
		if (v != s->databases) {
			int rc = rkv_node_resize_databases(node, (int)v);

			if (rc < 0) {
				pending_free(node, pd);
				return rc;
			}
		}
		break;
	case A_REQUIREPASS:
		rkv_free(rkv_node_alloc(node), s->requirepass);
		if (pd->text[0]) {
			s->requirepass_len = strlen(pd->text);
			s->requirepass = pd->text;
			pd->text = NULL;
		} else {
			/* No password: as Redis's authRequired(), nobody
			 * needs AUTH any more. */
			s->requirepass = NULL;
			s->requirepass_len = 0;
			for (rkv_conn *c = node->conns; c; c = c->next)
				c->flags |= RKV_CONN_AUTHED;
		}
		break;
	case A_MAXCLIENTS:
		s->maxclients = v;
		break;
	case A_TIMEOUT:
		s->timeout_s = v;
		break;
	case A_MINREPL:
		node->repl.min_to_write = (int)v;
		break;
	case A_MINREPLLAG:
		node->repl.min_max_lag = (int)v;
		break;
	case A_HZ:
		/* Redis clamps to CONFIG_MIN_HZ..CONFIG_MAX_HZ. */
		s->hz = v < 1 ? 1 : v > 500 ? 500 : (int)v;
		break;
	case A_MAXMEMORY:
		s->maxmemory = v;
		if (v && (unsigned long long)v < node->mem.used)
			rkv_node_logf(
			    node, RKV_LOG_WARNING,
			    "WARNING: the new maxmemory value set via CONFIG "
			    "SET (%llu) is smaller than the current memory "
			    "usage (%zu). This will result in key eviction "
			    "and/or the inability to accept new write "
			    "commands depending on the maxmemory-policy.",
			    (unsigned long long)v, (size_t)node->mem.used);
		break;
	case A_QBUF:
		s->query_buffer_limit = v;
		break;
	case A_PMBL:
		s->proto_max_bulk_len = v;
		for (rkv_conn *c = node->conns; c; c = c->next)
			c->parser.max_bulk = v;
		break;
	case A_DEBUGCMD:
		s->enable_debug = (rkv_protected)v;
		break;
	case A_SLOWLOG_US:
		s->slowlog_slower_than_us = v;
		break;
	case A_SLOWLOG_LEN:
		s->slowlog_max_len = v;
		break;
	case A_LATENCY:
		s->latency_threshold_ms = v;
		break;
	case S_REPLICAOF: {
		char *sp = strchr(pd->text, ' ');

		if (!pd->text[0] || !sp) {
			rkv_replica_config(node, NULL, 0);
		} else {
			*sp = '\0';
			rkv_replica_config(node, pd->text, atoi(sp + 1));
			*sp = ' ';
		}
		break;
	}
	case S_COBL: {
		long long lim[3][3];
		unsigned mask;
		argvec a = {node, NULL, 0, 0, false};

		/* Already checked: re-split the normalized text. */
		if (av_split(&a, pd->text, strlen(pd->text)) == 0) {
			if (parse_cobl(a.v, a.n, lim, &mask, NULL, 0)) {
				for (int k = 0; k < 3; k++) {
					if (!(mask & (1u << k)))
						continue;
					node->obuf_limit[k].hard = lim[k][0];
					node->obuf_limit[k].soft = lim[k][1];
					node->obuf_limit[k].soft_seconds =
					    lim[k][2];
				}
			}
			av_free(&a);
		}
		break;
	}
	default:
		break;
	}
	if (d->id == S_SAVE && mode == MODE_FILE)
		node->config->save_loaded = true;
	if (d->id != A_REQUIREPASS) {
		rkv_free(rkv_node_alloc(node), node->config->val[idx]);
		node->config->val[idx] = pd->text;
		pd->text = NULL;
	}
	pending_free(node, pd);
	return 0;
}

static void unsupported_msg(rkv_node *node, const cfg_def *d, char *err,
			    size_t errlen)
{
	char buf[256];
	const char *v = current_text(node, d, buf, sizeof(buf));

	seterr(err, errlen,
	       "'%s %.*s' is not supported by rkv yet; accepted because it "
	       "asks for nothing rkv lacks",
	       d->name, v[0] ? 100 : 2, v[0] ? v : "\"\"");
}

/* ---------------------------------------------------------------------- */
/* Public API                                                             */
/* ---------------------------------------------------------------------- */

/* `user default on nopass [sanitize-payload] ~* &* +@all`: the default
 * user as Redis 7.0's CONFIG REWRITE writes it (every sentinel.conf a
 * redis-sentinel saved has it), which is what rkv's default user is. */
static bool is_default_user_line(const char *const *argv, size_t argc)
{
	static const char *const want[] = {"default", "on", "nopass",
					   "~*",      "&*", "+@all"};
	size_t j = 0;

	for (size_t i = 0; i < argc; i++) {
		if (j == 3 && streq_nocase(argv[i], "sanitize-payload"))
			continue;
		if (j == 6 || strcmp(argv[i], want[j]) != 0)
			return false;
		j++;
	}
	return j == 6;
}

int rkv_node_config_set(rkv_node *node, const char *name,
			const char *const *argv, size_t argc, char *err,
			size_t errlen)
{
	const cfg_def *d;
	argvec split = {node, NULL, 0, 0, false};
	char *const *args = (char *const *)argv;
	pending pd;
	int rc;

	seterr(err, errlen, "%s", "");
	if (!node || !name || (argc && !argv)) {
		seterr(err, errlen, "invalid arguments");
		return RKV_ERR_INVALID;
	}
	if (node->sentinel && streq_nocase(name, "sentinel"))
		return rkv_sentinel_config(node, argv, argc, err, errlen);
	if (streq_nocase(name, "user") && is_default_user_line(argv, argc))
		return 0;
	d = lookup(name, NULL);
	if (!d) {
		for (size_t i = 0; i < sizeof(deprecated) / sizeof(*deprecated);
		     i++)
			if (streq_nocase(name, deprecated[i]))
				return 0;
		for (size_t i = 0; i < sizeof(file_only) / sizeof(*file_only);
		     i++) {
			if (streq_nocase(name, file_only[i].name)) {
				seterr(err, errlen,
				       "'%s' is not supported by rkv yet (%s)",
				       file_only[i].name, file_only[i].what);
				return RKV_ERR_INVALID;
			}
		}
		seterr(err, errlen,
		       "Bad directive or wrong number of arguments");
		return RKV_ERR_INVALID;
	}
	rc = config_init(node);
	if (rc < 0)
		return rc;
	/* As Redis: a multi-argument directive given as one non-empty
	 * argument is split on spaces ("--save '900 1 300 10'"). */
	if ((d->flags & F_MULTI) && argc == 1 && argv[0][0]) {
		rc = av_split(&split, argv[0], strlen(argv[0]));
		if (rc == RKV_ERR_INVALID) {
			seterr(err, errlen,
			       "Unbalanced quotes in configuration line");
			return rc;
		}
		if (rc < 0)
			return rc;
		args = split.v;
		argc = split.n;
	}
	rc = parse_value(node, d, args, argc, MODE_FILE, &pd, err, errlen);
	av_free(&split);
	if (rc < 0)
		return rc;
	rc = check_state(node, &pd, err, errlen);
	if (rc < 0) {
		pending_free(node, &pd);
		return rc;
	}
	rc = apply(node, &pd, MODE_FILE);
	if (rc < 0)
		return rc;
	if (d->cls == C_ACCEPTED) {
		unsupported_msg(node, d, err, errlen);
		return RKV_CONFIG_UNSUPPORTED;
	}
	return 0;
}

int rkv_node_config_get(rkv_node *node, const char *name, char *buf, size_t len)
{
	const cfg_def *d;
	char tmp[512];
	const char *v;
	size_t n;

	if (!node || !name || (!buf && len))
		return RKV_ERR_INVALID;
	d = lookup(name, NULL);
	if (!d)
		return RKV_ERR_INVALID;
	v = current_text(node, d, tmp, sizeof(tmp));
	n = strlen(v);
	if (len) {
		size_t c = n < len ? n : len - 1;

		memcpy(buf, v, c);
		buf[c] = '\0';
	}
	return n > INT_MAX ? INT_MAX : (int)n;
}

const char *rkv_config_name(size_t index)
{
	return index < NDEFS ? defs[index].name : NULL;
}

int rkv_config_describe(const char *name, const char **canonical,
			rkv_config_class *cls, int *flags,
			const char **default_value)
{
	bool alias;
	const cfg_def *d = name ? lookup(name, &alias) : NULL;
	int f = 0;

	if (!d)
		return RKV_ERR_INVALID;
	if (canonical)
		*canonical = d->name;
	if (cls)
		*cls = (rkv_config_class)d->cls;
	if (d->flags & F_IMMUTABLE)
		f |= RKV_CONFIG_IMMUTABLE;
	if (d->flags & F_MULTI)
		f |= RKV_CONFIG_MULTI_ARG;
	if (d->flags & F_HIDDEN)
		f |= RKV_CONFIG_HIDDEN;
	if (alias)
		f |= RKV_CONFIG_ALIAS;
	if (flags)
		*flags = f;
	if (default_value)
		*default_value = d->def;
	return 0;
}

/* ---------------------------------------------------------------------- */
/* Rewrite                                                                */
/* ---------------------------------------------------------------------- */

#define REWRITE_SIGNATURE "# Generated by CONFIG REWRITE"

typedef struct rline {
	char *text; /* node allocator */
	int def;    /* table index of the directive, or -1 */
	bool used;  /* replaced by a new value already */
} rline;

typedef struct rstate {
	rkv_node *node;
	rline *lines;
	size_t n, cap;
	bool needs_signature;
	bool processed[NDEFS];
	bool oom;
} rstate;

static void rs_append(rstate *st, char *text, int def)
{
	if (!text) {
		st->oom = true;
		return;
	}
	if (st->n == st->cap) {
		size_t cap = st->cap ? st->cap * 2 : 64;
		rline *nl = rkv_realloc(rkv_node_alloc(st->node), st->lines,
					cap * sizeof(*nl));

		if (!nl) {
			rkv_free(rkv_node_alloc(st->node), text);
			st->oom = true;
			return;
		}
		st->lines = nl;
		st->cap = cap;
	}
	st->lines[st->n].text = text;
	st->lines[st->n].def = def;
	st->lines[st->n].used = false;
	st->n++;
}

/* Redis's rewriteConfigRewriteLine(): reuse the directive's next line of
 * the old file, else append the new line when forced. Takes `line`. */
static void rs_line(rstate *st, const cfg_def *d, char *line, bool force)
{
	int idx = (int)def_index(d);

	st->processed[idx] = true;
	if (!line) {
		st->oom = true;
		return;
	}
	for (size_t i = 0; i < st->n; i++) {
		if (st->lines[i].def == idx && !st->lines[i].used) {
			rkv_free(rkv_node_alloc(st->node), st->lines[i].text);
			st->lines[i].text = line;
			st->lines[i].used = true;
			return;
		}
	}
	if (!force) {
		rkv_free(rkv_node_alloc(st->node), line);
		return;
	}
	if (st->needs_signature) {
		char *sig = xstrdup(st->node, REWRITE_SIGNATURE,
				    strlen(REWRITE_SIGNATURE));

		rs_append(st, sig, -1);
		st->needs_signature = false;
	}
	rs_append(st, line, idx);
	if (!st->oom)
		st->lines[st->n - 1].used = true;
}

static char *fmt_line(rkv_node *node, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static char *fmt_line(rkv_node *node, const char *fmt, ...)
{
	char tmp[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = rkv_vfmt(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	return n < 0 ? NULL : xstrdup(node, tmp, (size_t)n);
}

/* "name value" of any length. */
static char *kv_line(rkv_node *node, const char *name, const char *v)
{
	sbuf b = {node, NULL, 0, 0, false};

	sb_str(&b, name);
	sb_add(&b, " ", 1);
	sb_str(&b, v);
	if (b.oom) {
		sb_free(&b);
		return NULL;
	}
	return b.p;
}

/* Redis's rewriteConfigFormatMemory(). */
static void format_memory(char *buf, size_t len, long long bytes)
{
	const long long gb = 1024LL * 1024 * 1024, mb = 1024 * 1024, kb = 1024;

	if (bytes && bytes % gb == 0)
		snprintf(buf, len, "%lldgb", bytes / gb);
	else if (bytes && bytes % mb == 0)
		snprintf(buf, len, "%lldmb", bytes / mb);
	else if (bytes && bytes % kb == 0)
		snprintf(buf, len, "%lldkb", bytes / kb);
	else
		snprintf(buf, len, "%lld", bytes);
}

static char *string_line(rkv_node *node, const char *name, const char *v)
{
	sbuf b = {node, NULL, 0, 0, false};

	sb_str(&b, name);
	sb_add(&b, " ", 1);
	sb_repr(&b, v, strlen(v));
	if (b.oom) {
		sb_free(&b);
		return NULL;
	}
	return b.p;
}

/* The new line(s) for one directive, as Redis's rewrite functions. */
static void rewrite_def(rstate *st, const cfg_def *d)
{
	rkv_node *node = st->node;
	char buf[512];
	const char *v = current_text(node, d, buf, sizeof(buf));
	bool force = strcmp(v, d->def) != 0;

	switch (d->type) {
	case T_BOOL:
	case T_ENUM:
		rs_line(st, d, kv_line(node, d->name, v), force);
		return;
	case T_NUM:
		if ((d->flags & F_MEM) && v[0] != '-' &&
		    v[strlen(v) - 1] != '%') {
			char mem[64];

			format_memory(mem, sizeof(mem), strtoll(v, NULL, 10));
			rs_line(st, d, fmt_line(node, "%s %s", d->name, mem),
				force);
		} else {
			rs_line(st, d, kv_line(node, d->name, v), force);
		}
		return;
	case T_STR:
		if ((d->flags & F_NULL || streq_nocase(d->name, "dir")) &&
		    v[0] == '\0') {
			/* Unset: no line at all (old ones are removed). */
			st->processed[def_index(d)] = true;
			return;
		}
		if (d->flags & F_NULL || streq_nocase(d->name, "dir"))
			force = true;
		rs_line(st, d, string_line(node, d->name, v), force);
		return;
	case T_SPECIAL:
		break;
	}
	switch (d->id) {
	case S_SAVE: {
		argvec a = {node, NULL, 0, 0, false};

		if (!v[0]) {
			rs_line(st, d, fmt_line(node, "save \"\""), true);
		} else if (av_split(&a, v, strlen(v)) == 0) {
			for (size_t j = 0; j + 1 < a.n; j += 2)
				rs_line(st, d,
					fmt_line(node, "save %s %s", a.v[j],
						 a.v[j + 1]),
					true);
			av_free(&a);
		} else {
			st->oom = true;
		}
		st->processed[def_index(d)] = true;
		return;
	}
	case S_COBL: {
		static const long long defaults[3][3] = {
		    {0, 0, 0},
		    {256LL << 20, 64LL << 20, 60},
		    {32LL << 20, 8LL << 20, 60}};
		static const char *const names[3] = {"normal", "replica",
						     "pubsub"};

		for (int k = 0; k < 3; k++) {
			char hard[64], soft[64];
			bool f =
			    node->obuf_limit[k].hard != defaults[k][0] ||
			    node->obuf_limit[k].soft != defaults[k][1] ||
			    node->obuf_limit[k].soft_seconds != defaults[k][2];

			format_memory(hard, sizeof(hard),
				      node->obuf_limit[k].hard);
			format_memory(soft, sizeof(soft),
				      node->obuf_limit[k].soft);
			rs_line(st, d,
				fmt_line(node, "%s %s %s %s %lld", d->name,
					 names[k], hard, soft,
					 node->obuf_limit[k].soft_seconds),
				f);
		}
		return;
	}
	case S_BIND:
		if (!force) {
			st->processed[def_index(d)] = true;
			return;
		}
		rs_line(st, d, kv_line(node, "bind", v[0] ? v : "\"\""), true);
		return;
	case S_REPLICAOF:
		if (!v[0]) {
			st->processed[def_index(d)] = true;
			return;
		}
		rs_line(st, d, kv_line(node, d->name, v), true);
		return;
	case S_NOTIFY:
		rs_line(st, d, string_line(node, d->name, v), force);
		return;
	case S_LATPCT:
		rs_line(st, d, kv_line(node, d->name, v[0] ? v : "\"\""), true);
		return;
	default:
		rs_line(st, d, kv_line(node, d->name, v), force);
		return;
	}
}

static bool is_file_only(const char *name)
{
	if (streq_nocase(name, "include"))
		return true;
	for (size_t i = 0; i < sizeof(file_only) / sizeof(*file_only); i++)
		if (streq_nocase(name, file_only[i].name))
			return true;
	return false;
}

/* Load the old file's lines into st, as Redis's rewriteConfigReadOldFile().
 */
static void rs_read_old(rstate *st, const char *old, size_t oldlen)
{
	const char *p = old, *end = old + oldlen;

	/* As Redis's sdssplitlen(content, "\n"): the text after the last
	 * newline is a line too, even empty (an empty file has no line). */
	while (p && oldlen && !st->oom) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		const char *s = p, *e = le;
		argvec a = {st->node, NULL, 0, 0, false};
		int rc;

		p = nl ? nl + 1 : NULL;
		/* sdstrim(line, "\r\n\t ") */
		while (s < e && (*s == ' ' || *s == '\t' || *s == '\r'))
			s++;
		while (e > s &&
		       (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
			e--;
		if (s == e || *s == '#') {
			if (st->needs_signature &&
			    (size_t)(e - s) == strlen(REWRITE_SIGNATURE) &&
			    memcmp(s, REWRITE_SIGNATURE, (size_t)(e - s)) == 0)
				st->needs_signature = false;
			rs_append(st, xstrdup(st->node, s, (size_t)(e - s)),
				  -1);
			continue;
		}
		rc = av_split(&a, s, (size_t)(e - s));
		if (rc == RKV_ERR_NOMEM) {
			st->oom = true;
			break;
		}
		if (rc == 0 && a.n && st->node->sentinel &&
		    streq_nocase(a.v[0], "sentinel")) {
			/* The sentinel's state is written anew at the end. */
			av_free(&a);
			continue;
		}
		if (rc < 0 || a.n == 0 ||
		    (!lookup(a.v[0], NULL) && !is_file_only(a.v[0]))) {
			/* Unparsable or unknown: kept as a comment. */
			sbuf b = {st->node, NULL, 0, 0, false};

			sb_str(&b, "# ??? ");
			sb_add(&b, s, (size_t)(e - s));
			rs_append(st, b.oom ? NULL : b.p, -1);
			if (b.oom)
				sb_free(&b);
		} else {
			const cfg_def *d = lookup(a.v[0], NULL);

			rs_append(st, xstrdup(st->node, s, (size_t)(e - s)),
				  d ? (int)def_index(d) : -1);
		}
		av_free(&a);
	}
}

int rkv_node_config_rewrite(rkv_node *node, const char *old, size_t oldlen,
			    char **out, size_t *outlen)
{
	rstate *st;
	sbuf b;
	bool was_empty = false;
	int rc = 0;

	if (!node || !out || (!old && oldlen))
		return RKV_ERR_INVALID;
	*out = NULL;
	if (outlen)
		*outlen = 0;
	st = rkv_malloc(rkv_node_alloc(node), sizeof(*st));
	if (!st)
		return RKV_ERR_NOMEM;
	memset(st, 0, sizeof(*st));
	st->node = node;
	st->needs_signature = true;
	if (old)
		rs_read_old(st, old, oldlen);
	for (size_t i = 0; i < NDEFS && !st->oom; i++)
		rewrite_def(st, &defs[i]);
	/* Remove the old lines of rewritten directives that got no new value
	 * (rewriteConfigRemoveOrphaned()). */
	for (size_t i = 0; i < st->n && !st->oom; i++) {
		rline *l = &st->lines[i];

		if (l->def >= 0 && !l->used && st->processed[l->def])
			l->text[0] = '\0';
	}
	b = (sbuf){node, NULL, 0, 0, false};
	sb_add(&b, "", 0);
	for (size_t i = 0; i < st->n && !st->oom; i++) {
		/* Every run of empty lines becomes one empty line. */
		if (st->lines[i].text[0] == '\0') {
			if (was_empty)
				continue;
			was_empty = true;
		} else {
			was_empty = false;
		}
		sb_str(&b, st->lines[i].text);
		sb_add(&b, "\n", 1);
	}
	if (node->sentinel && !st->oom) {
		/* Redis's rewriteConfigSentinelOption(): the sentinel's state,
		 * after the other directives. */
		rkv_buf sl;

		rkv_buf_init(&sl, rkv_node_alloc(node));
		if (st->needs_signature) {
			sb_str(&b, REWRITE_SIGNATURE);
			sb_add(&b, "\n", 1);
		}
		rkv_sentinel_rewrite(node, &sl);
		if (sl.oom)
			b.oom = true;
		else if (sl.len)
			sb_add(&b, rkv_buf_head(&sl), sl.len);
		rkv_buf_free(&sl);
	}
	if (st->oom || b.oom) {
		sb_free(&b);
		rc = RKV_ERR_NOMEM;
	} else {
		*out = b.p;
		if (outlen)
			*outlen = b.len;
	}
	for (size_t i = 0; i < st->n; i++)
		rkv_free(rkv_node_alloc(node), st->lines[i].text);
	rkv_free(rkv_node_alloc(node), st->lines);
	rkv_free(rkv_node_alloc(node), st);
	return rc;
}

void rkv_node_config_free_text(rkv_node *node, char *text)
{
	if (node && text)
		rkv_free(rkv_node_alloc(node), text);
}

/* ---------------------------------------------------------------------- */
/* The CONFIG command                                                     */
/* ---------------------------------------------------------------------- */

static bool local_client(const rkv_conn *c)
{
	return c->addr[0] == '\0' || strncmp(c->addr, "127.", 4) == 0 ||
	       strncmp(c->addr, "[::1]", 5) == 0 ||
	       strncmp(c->addr, "::1", 3) == 0;
}

static bool protected_allowed(rkv_conn *c)
{
	char buf[16];
	const cfg_def *d = lookup("enable-protected-configs", NULL);
	const char *v = current_text(c->node, d, buf, sizeof(buf));

	return strcmp(v, "yes") == 0 ||
	       (strcmp(v, "local") == 0 && local_client(c));
}

/* A NUL-terminated copy of an argument (node allocator). */
static char *arg_dup(rkv_node *node, const rkv_slice *a)
{
	return xstrdup(node, a->ptr, a->len);
}

static void config_set(rkv_conn *c, size_t argc, const rkv_slice *argv)
{
	rkv_node *node = c->node;
	size_t count, i;
	pending *pds = NULL;
	char **names = NULL, **values = NULL;
	char err[256] = "";
	const char *err_name = NULL, *invalid_name = NULL;
	bool failed = false;

	if (argc & 1) {
		rkv_reply_syntax_error(c);
		return;
	}
	if (config_init(node) < 0) {
		rkv_reply_oom(c);
		return;
	}
	count = (argc - 2) / 2;
	pds = rkv_malloc(rkv_node_alloc(node), count * sizeof(*pds));
	names = rkv_malloc(rkv_node_alloc(node), count * sizeof(*names));
	values = rkv_malloc(rkv_node_alloc(node), count * sizeof(*values));
	if (!pds || !names || !values)
		goto oom;
	memset(pds, 0, count * sizeof(*pds));
	memset(names, 0, count * sizeof(*names));
	memset(values, 0, count * sizeof(*values));
	for (i = 0; i < count; i++) {
		names[i] = arg_dup(node, &argv[2 + 2 * i]);
		values[i] = arg_dup(node, &argv[3 + 2 * i]);
		if (!names[i] || !values[i])
			goto oom;
	}
	/* First pass: names (Redis reports the first unknown one before
	 * anything else), immutability, duplicates. */
	for (i = 0; i < count; i++) {
		const cfg_def *d = lookup(names[i], NULL);

		if (!d) {
			if (!invalid_name)
				invalid_name = names[i];
			failed = true;
			continue;
		}
		if (failed)
			continue;
		if (d->flags & F_IMMUTABLE) {
			snprintf(err, sizeof(err),
				 "can't set immutable config");
			err_name = names[i];
			failed = true;
			continue;
		}
		if ((d->flags & F_PROTECTED) && !protected_allowed(c)) {
			snprintf(err, sizeof(err),
				 "can't set protected config");
			err_name = names[i];
			failed = true;
			continue;
		}
		for (size_t j = 0; j < i; j++) {
			if (pds[j].d == d) {
				snprintf(err, sizeof(err),
					 "duplicate parameter");
				err_name = names[i];
				failed = true;
				break;
			}
		}
		pds[i].d = d;
	}
	/* Second pass: every value checked before any is applied. */
	for (i = 0; i < count && !failed; i++) {
		const cfg_def *d = pds[i].d;
		argvec a = {node, NULL, 0, 0, false};
		char *one[1] = {values[i]};
		char *const *args = one;
		size_t n = 1;
		int rc;

		if (d->flags & F_MULTI) {
			rc = av_split(&a, values[i], strlen(values[i]));
			if (rc == RKV_ERR_NOMEM)
				goto oom;
			if (rc < 0) {
				snprintf(err, sizeof(err),
					 "Unbalanced quotes in configuration "
					 "line");
				err_name = names[i];
				failed = true;
				break;
			}
			args = a.v;
			n = a.n;
		}
		rc = parse_value(node, d, args, n, MODE_RUNTIME, &pds[i], err,
				 sizeof(err));
		av_free(&a);
		if (rc == RKV_ERR_NOMEM)
			goto oom;
		if (rc == 0 && (d->flags & F_NORUNTIME)) {
			char cur[512];

			if (strcmp(pds[i].text,
				   current_text(node, d, cur, sizeof(cur)))) {
				snprintf(err, sizeof(err),
					 "rkv cannot change %s at runtime "
					 "yet",
					 d->name);
				rc = RKV_ERR_INVALID;
			}
		}
		if (rc == 0)
			rc = check_state(node, &pds[i], err, sizeof(err));
		if (rc < 0) {
			err_name = names[i];
			failed = true;
		}
	}
	if (failed) {
		if (invalid_name)
			rkv_resp_add_errorf(&c->obuf,
					    "Unknown option or number of "
					    "arguments for CONFIG SET - '%s'",
					    invalid_name);
		else
			rkv_resp_add_errorf(&c->obuf,
					    "CONFIG SET failed (possibly "
					    "related to argument '%s') - %s",
					    err_name, err);
		goto done;
	}
	for (i = 0; i < count; i++) {
		const cfg_def *d = pds[i].d;

		apply(node, &pds[i], MODE_RUNTIME);
		if (d->cls == C_ACCEPTED) {
			unsupported_msg(node, d, err, sizeof(err));
			rkv_node_logf(node, RKV_LOG_WARNING, "%s", err);
		}
	}
	rkv_reply_ok(c);
	goto done;
oom:
	rkv_reply_oom(c);
done:
	for (i = 0; i < count; i++) {
		if (pds)
			pending_free(node, &pds[i]);
		if (names)
			rkv_free(rkv_node_alloc(node), names[i]);
		if (values)
			rkv_free(rkv_node_alloc(node), values[i]);
	}
	rkv_free(rkv_node_alloc(node), pds);
	rkv_free(rkv_node_alloc(node), names);
	rkv_free(rkv_node_alloc(node), values);
}

static bool has_glob(const rkv_slice *a)
{
	for (size_t i = 0; i < a->len; i++)
		if (a->ptr[i] == '*' || a->ptr[i] == '?' || a->ptr[i] == '[')
			return true;
	return false;
}

/* One CONFIG GET match: the name as matched and its row. */
typedef struct gmatch {
	const char *name;	/* the table's name or alias */
	const rkv_slice *given; /* an exact request: its own spelling */
	const cfg_def *d;
} gmatch;

static bool gm_has(const gmatch *m, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (streq_nocase(m[i].name, name))
			return true;
	return false;
}

static void config_get(rkv_conn *c, size_t argc, const rkv_slice *argv)
{
	rkv_node *node = c->node;
	/* At most every name and alias once. */
	gmatch m[2 * NDEFS];
	size_t n = 0;

	for (size_t i = 2; i < argc; i++) {
		const rkv_slice *a = &argv[i];

		if (!has_glob(a)) {
			char name[128];
			bool alias;
			const cfg_def *d;

			if (a->len >= sizeof(name) || memchr(a->ptr, 0, a->len))
				continue;
			memcpy(name, a->ptr, a->len);
			name[a->len] = '\0';
			d = lookup(name, &alias);
			if (!d || gm_has(m, n, name))
				continue;
			m[n].name = alias ? d->alias : d->name;
			m[n].given = a;
			m[n].d = d;
			n++;
			continue;
		}
		for (size_t k = 0; k < NDEFS; k++) {
			const cfg_def *d = &defs[k];
			const char *nm[2] = {d->name, d->alias};

			if (d->flags & F_HIDDEN)
				continue;
			for (int j = 0; j < 2; j++) {
				if (!nm[j] || gm_has(m, n, nm[j]))
					continue;
				if (rkv_glob_match(a->ptr, a->len, nm[j],
						   strlen(nm[j]), true)) {
					m[n].name = nm[j];
					m[n].given = NULL;
					m[n].d = d;
					n++;
				}
			}
		}
	}
	rkv_resp_add_map(&c->obuf, c->proto, (long long)n);
	for (size_t i = 0; i < n; i++) {
		char buf[512];
		const char *v = current_text(node, m[i].d, buf, sizeof(buf));

		if (m[i].given)
			rkv_resp_add_bulk(&c->obuf, m[i].given->ptr,
					  m[i].given->len);
		else
			rkv_resp_add_bulk(&c->obuf, m[i].name,
					  strlen(m[i].name));
		rkv_resp_add_bulk(&c->obuf, v, strlen(v));
	}
}

static void config_resetstat(rkv_conn *c)
{
	rkv_node *node = c->node;

	memset(&node->stats, 0, sizeof(node->stats));
	node->ks.hits = node->ks.misses = node->ks.expired_keys = 0;
	rkv_reply_ok(c);
}

static void config_rewrite(rkv_conn *c)
{
	rkv_node *node = c->node;
	char err[256] = "";
	int rc;

	if (!node->cb.config_rewrite) {
		rkv_resp_add_errorf(&c->obuf,
				    "The server is running without a config "
				    "file");
		return;
	}
	rc = node->cb.config_rewrite(node, err, sizeof(err), node->user_data);
	if (rc < 0) {
		if (!err[0])
			snprintf(err, sizeof(err), "%s", rkv_strerror(rc));
		rkv_node_logf(node, RKV_LOG_WARNING,
			      "CONFIG REWRITE failed: %s", err);
		rkv_resp_add_errorf(&c->obuf, "Rewriting config file: %s", err);
		return;
	}
	rkv_node_logf(node, RKV_LOG_WARNING,
		      "CONFIG REWRITE executed with success.");
	rkv_reply_ok(c);
}

static void config_help(rkv_conn *c)
{
	static const char *const help[] = {
	    "CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
	    "GET <pattern>",
	    ("    Return parameters matching the glob-like <pattern> and "
	     "their values."),
	    "SET <directive> <value>",
	    "    Set the configuration <directive> to <value>.",
	    "RESETSTAT",
	    "    Reset statistics reported by the INFO command.",
	    "REWRITE",
	    "    Rewrite the configuration file.",
	    "HELP",
	    "    Prints this help.",
	};
	size_t n = sizeof(help) / sizeof(*help);

	rkv_resp_add_array(&c->obuf, (long long)n);
	for (size_t i = 0; i < n; i++)
		rkv_resp_add_status(&c->obuf, help[i], strlen(help[i]));
}

void rkv_cmd_config(rkv_conn *c, size_t argc, const rkv_slice *argv)
{
	const rkv_slice *sub = &argv[1];
	const char *name = NULL;
	bool arity_ok = false;

	if (rkv_arg_is(sub, "get")) {
		name = "get";
		arity_ok = argc >= 3;
	} else if (rkv_arg_is(sub, "set")) {
		name = "set";
		arity_ok = argc >= 4;
	} else if (rkv_arg_is(sub, "resetstat")) {
		name = "resetstat";
		arity_ok = argc == 2;
	} else if (rkv_arg_is(sub, "rewrite")) {
		name = "rewrite";
		arity_ok = argc == 2;
	} else if (rkv_arg_is(sub, "help")) {
		name = "help";
		arity_ok = argc == 2;
	}
	if (!name) {
		rkv_resp_add_errorf(
		    &c->obuf, "unknown subcommand '%.*s'. Try CONFIG HELP.",
		    (int)(sub->len > 128 ? 128 : sub->len), sub->ptr);
		return;
	}
	if (!arity_ok) {
		rkv_resp_add_errorf(
		    &c->obuf,
		    "wrong number of arguments for 'config|%s' command", name);
		return;
	}
	if (!strcmp(name, "get"))
		config_get(c, argc, argv);
	else if (!strcmp(name, "set"))
		config_set(c, argc, argv);
	else if (!strcmp(name, "resetstat"))
		config_resetstat(c);
	else if (!strcmp(name, "rewrite"))
		config_rewrite(c);
	else
		config_help(c);
}

long long rkv_config_ll(rkv_node *node, const char *name, long long dflt)
{
	char v[32];
	long long n;

	if (rkv_node_config_get(node, name, v, sizeof(v)) < 0 ||
	    !rkv_string2ll(v, strlen(v), &n))
		return dflt;
	return n;
}

bool rkv_config_yes(rkv_node *node, const char *name)
{
	char v[8];

	return rkv_node_config_get(node, name, v, sizeof(v)) >= 0 &&
	       strcmp(v, "yes") == 0;
}
