/* Sentinel mode: Redis 7.0's redis-sentinel as a state machine driven by
 * rkv_node_tick() and the bytes of outbound links (sentinel.h).
 *
 * Each monitored instance (a master, the replicas its INFO lists, the other
 * sentinels the configuration names) has one command link: an outbound
 * rkv_conn opened through the host's connect callback. Commands are
 * pipelined on it and their replies matched in order with a small queue of
 * what each reply answers (PING, INFO, a transaction's parts, a vote).
 *
 * The timers, flags, event names and log lines are Redis's (sentinel.c):
 * PING every second, INFO every 10 s (every second for the replicas of a
 * master that is down or failing over), SDOWN after down-after-milliseconds
 * without a valid PING reply, ODOWN at quorum, a failover run by the leader
 * of the epoch: select a replica, SLAVEOF NO ONE, wait for its INFO to say
 * master, re-point the other replicas parallel-syncs at a time, then switch
 * the monitored address. Time is rkv_node_tick()'s monotonic now_ms only;
 * the one random draw (the failover start desync) comes from the node's
 * seeded generator. */
#define _GNU_SOURCE /* memmem */
#include "sentinel.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "node.h"
#include "util.h"

/* Redis's SRI_* flags. */
#define SRI_MASTER		 (1 << 0)
#define SRI_SLAVE		 (1 << 1)
#define SRI_SENTINEL		 (1 << 2)
#define SRI_S_DOWN		 (1 << 3)
#define SRI_O_DOWN		 (1 << 4)
#define SRI_MASTER_DOWN		 (1 << 5)
#define SRI_FAILOVER_IN_PROGRESS (1 << 6)
#define SRI_PROMOTED		 (1 << 7)
#define SRI_RECONF_SENT		 (1 << 8)
#define SRI_RECONF_INPROG	 (1 << 9)
#define SRI_RECONF_DONE		 (1 << 10)
#define SRI_FORCE_FAILOVER	 (1 << 11)

/* Redis's timing constants (milliseconds). */
#define PING_PERIOD		  1000
#define INFO_PERIOD		  10000
#define ASK_PERIOD		  1000
#define PUBLISH_PERIOD		  2000
#define DEFAULT_DOWN_AFTER	  30000
#define TILT_TRIGGER		  2000
#define TILT_PERIOD		  (PING_PERIOD * 30)
#define DEFAULT_SLAVE_PRIORITY	  100
#define SLAVE_RECONF_TIMEOUT	  10000
#define DEFAULT_PARALLEL_SYNCS	  1
#define MIN_LINK_RECONNECT_PERIOD 15000
#define DEFAULT_FAILOVER_TIMEOUT  (60 * 3 * 1000)
#define MAX_PENDING_COMMANDS	  100
#define ELECTION_TIMEOUT	  10000
#define MAX_DESYNC		  1000

enum fo_state {
	FO_NONE = 0,
	FO_WAIT_START,
	FO_SELECT_SLAVE,
	FO_SEND_SLAVEOF_NOONE,
	FO_WAIT_PROMOTION,
	FO_RECONF_SLAVES,
	FO_UPDATE_CONFIG
};

/* What a pending reply answers. */
enum reply_kind {
	R_DISCARD = 0, /* AUTH, CLIENT SETNAME, a transaction's parts */
	R_PING,
	R_INFO,
	R_ASK,	  /* SENTINEL is-master-down-by-addr */
	R_PUBLISH /* a hello */
};

#define HELLO_CHANNEL "__sentinel__:hello"
/* Hello messages received and not yet processed (they may change the
 * instances, so they wait for the timer, outside any link's callback). */
#define HELLO_QUEUE   32
#define HELLO_MAX_LEN 512

/* Replies a link may wait for: Redis stops sending periodic commands at
 * MAX_PENDING_COMMANDS; the rest is room for a transaction and a vote. */
#define REPLY_QUEUE  128
#define NAME_MAX_LEN 128
#define IP_MAX_LEN   64

typedef struct sri sri;
struct sri {
	int flags;
	char name[NAME_MAX_LEN]; /* master: its name; others: "ip:port" */
	char runid[41];		 /* "" until known */
	unsigned long long config_epoch;
	char ip[IP_MAX_LEN];
	int port;
	sri *master; /* replicas and sentinels: their master */
	sri *next;   /* siblings, in insertion order */
	rkv_node *node;

	/* The command link. */
	rkv_conn *cc;
	bool disconnected;
	int pending;
	unsigned char q[REPLY_QUEUE];
	unsigned qhead, qlen;
	int cur_kind; /* the reply being read (aggregates) */
	long long ask_down, ask_epoch;
	char ask_leader[NAME_MAX_LEN];
	int ask_elem;
	rkv_buf in;
	rkv_reply_parser rp;
	int64_t cc_conn_time, last_reconn_time;
	/* The pub/sub link (masters and replicas): hello messages. */
	rkv_conn *pc;
	rkv_buf pin;
	rkv_reply_parser prp;
	int pelem;
	bool pmsg;
	int64_t pc_conn_time, pc_last_activity;
	int64_t last_pub_time, last_hello_time;
	int64_t act_ping_time, last_ping_time, last_pong_time, last_avail_time;

	int64_t last_master_down_reply_time;
	int64_t s_down_since_time, o_down_since_time;
	int64_t down_after_period;
	int64_t info_refresh;
	int role_reported;
	int64_t role_reported_time, slave_conf_change_time;

	/* Master. */
	sri *slaves, *sentinels;
	int quorum, parallel_syncs;
	char *auth_pass, *auth_user;

	/* Replica. */
	int64_t master_link_down_time;
	int slave_priority;
	int64_t slave_reconf_sent_time;
	char slave_master_host[IP_MAX_LEN];
	int slave_master_port;
	bool slave_master_link_up;
	long long slave_repl_offset;
	bool replica_announced;

	/* Failover (master), vote (sentinel). */
	char leader[NAME_MAX_LEN]; /* "" none */
	unsigned long long leader_epoch, failover_epoch;
	enum fo_state failover_state;
	int64_t failover_state_change_time, failover_start_time;
	int64_t failover_timeout, failover_delay_logged;
	sri *promoted_slave;
};

struct rkv_sentinel {
	char myid[41];
	bool myid_set; /* read from the configuration */
	bool started;  /* the first tick logged the ID and +monitor */
	unsigned long long current_epoch;
	sri *masters;
	bool tilt;
	int64_t tilt_start_time, previous_time;
	char hello[HELLO_QUEUE][HELLO_MAX_LEN];
	unsigned nhello;
	/* SENTINEL CONFIG options (announce-ip/port go into the hellos,
	   sentinel-user/pass authenticate to the other sentinels). */
	char *announce_ip, *sentinel_user, *sentinel_pass;
	int announce_port;
	bool resolve_hostnames, announce_hostnames;
};

static void link_connected(rkv_conn *c);
static long long link_recv(rkv_conn *c, const char *data, size_t len);
static void link_lost(rkv_conn *c);
static long long plink_recv(rkv_conn *c, const char *data, size_t len);
static void plink_lost(rkv_conn *c);

static const rkv_link_ops link_ops = {link_connected, link_recv, link_lost};
static const rkv_link_ops plink_ops = {link_connected, plink_recv, plink_lost};

static const rkv_allocator *salloc(rkv_node *node)
{
	return rkv_node_alloc(node);
}

static int64_t now_ms(rkv_node *node)
{
	return node->tick_ms;
}

static bool parse_ll(const char *s, long long *v)
{
	return rkv_string2ll(s, strlen(s), v);
}

static const char *type_str(const sri *ri)
{
	if (ri->flags & SRI_MASTER)
		return "master";
	if (ri->flags & SRI_SLAVE)
		return "slave";
	return "sentinel";
}

/* Redis's announceSentinelAddrAndPort(): "ip:port", "[ip6]:port". */
static void addr_name(char *out, size_t cap, const char *ip, int port)
{
	if (strchr(ip, ':'))
		snprintf(out, cap, "[%s]:%d", ip, port);
	else
		snprintf(out, cap, "%s:%d", ip, port);
}

/* ---------------------------------------------------------------------- */
/* Events                                                                 */
/* ---------------------------------------------------------------------- */

/* Redis's sentinelEvent(): a format starting with "@" is prefixed with the
 * instance ("master mymaster 127.0.0.1 6379", or for a replica or sentinel
 * "slave 127.0.0.1:6380 127.0.0.1 6380 @ mymaster 127.0.0.1 6379"). The
 * line is logged as "<type> <msg>", given to the event callback and
 * PUBLISHed on the channel named by the type. */
static __attribute__((format(printf, 5, 6))) void
sentinel_event(rkv_node *node, rkv_log_level level, const char *type,
	       const sri *ri, const char *fmt, ...)
{
	char msg[1024];
	size_t n = 0;
	va_list ap;

	msg[0] = '\0';
	if (ri && fmt[0] == '@') {
		if (ri->master)
			n = (size_t)snprintf(
			    msg, sizeof(msg), "%s %s %s %d @ %s %s %d",
			    type_str(ri), ri->name, ri->ip, ri->port,
			    ri->master->name, ri->master->ip, ri->master->port);
		else
			n = (size_t)snprintf(msg, sizeof(msg), "%s %s %s %d",
					     type_str(ri), ri->name, ri->ip,
					     ri->port);
		if (n >= sizeof(msg))
			n = sizeof(msg) - 1;
		fmt += 1;
	}
	if (fmt[0]) {
		va_start(ap, fmt);
		vsnprintf(msg + n, sizeof(msg) - n, fmt, ap);
		va_end(ap);
	}
	rkv_node_logf(node, level, "%s %s", type, msg);
	if (node->cb.event) {
		rkv_event ev;

		memset(&ev, 0, sizeof(ev));
		ev.size = sizeof(ev);
		ev.type = RKV_EVENT_SENTINEL;
		ev.name = type;
		ev.detail = msg;
		node->cb.event(node, &ev, node->user_data);
	}
	if (level != RKV_LOG_DEBUG)
		rkv_pubsub_publish(node, type, strlen(type), msg, strlen(msg));
}

/* Redis's sentinelFlushConfig(): the state that must survive a restart
 * (epochs, votes, known replicas, the master's address) is written to the
 * configuration file at once, through the host's CONFIG REWRITE
 * callback. Without it the state lives in memory only. */
static void flush_config(rkv_node *node)
{
	char err[256];

	if (!node->cb.config_rewrite)
		return;
	err[0] = '\0';
	if (node->cb.config_rewrite(node, err, sizeof(err), node->user_data) <
	    0)
		rkv_node_logf(node, RKV_LOG_WARNING,
			      "WARNING: Sentinel was not able to save the new "
			      "configuration on disk!!!: %s",
			      err[0] ? err : "unknown error");
	else
		rkv_node_logf(node, RKV_LOG_NOTICE,
			      "Sentinel new configuration saved on disk");
}

/* ---------------------------------------------------------------------- */
/* Instances                                                              */
/* ---------------------------------------------------------------------- */

static void link_close(sri *ri);

static sri *instance_new(rkv_node *node, const char *name, int flags,
			 const char *ip, int port, int quorum, sri *master)
{
	sri *ri = rkv_malloc(salloc(node), sizeof(*ri));
	int64_t now = now_ms(node);

	if (!ri)
		return NULL;
	memset(ri, 0, sizeof(*ri));
	ri->node = node;
	ri->flags = flags;
	snprintf(ri->ip, sizeof(ri->ip), "%s", ip);
	ri->port = port;
	/* Masters by their name, sentinels by their run ID (when known),
	 * replicas by their address. */
	if ((flags & (SRI_MASTER | SRI_SENTINEL)) && name)
		snprintf(ri->name, sizeof(ri->name), "%s", name);
	else
		addr_name(ri->name, sizeof(ri->name), ip, port);
	ri->master = master;
	ri->disconnected = true;
	ri->last_avail_time = now;
	ri->act_ping_time = now;
	ri->last_pong_time = now;
	rkv_buf_init(&ri->in, salloc(node));
	rkv_reply_parser_init(&ri->rp);
	rkv_buf_init(&ri->pin, salloc(node));
	rkv_reply_parser_init(&ri->prp);
	ri->down_after_period =
	    master ? master->down_after_period : DEFAULT_DOWN_AFTER;
	ri->quorum = quorum;
	ri->parallel_syncs = DEFAULT_PARALLEL_SYNCS;
	ri->failover_timeout = DEFAULT_FAILOVER_TIMEOUT;
	ri->slave_priority = DEFAULT_SLAVE_PRIORITY;
	ri->replica_announced = true;
	ri->role_reported = flags & (SRI_MASTER | SRI_SLAVE);
	ri->role_reported_time = now;
	ri->slave_conf_change_time = now;
	return ri;
}

static void instance_free(sri *ri);

static void list_free(sri **list)
{
	sri *next;

	for (sri *ri = *list; ri; ri = next) {
		next = ri->next;
		instance_free(ri);
	}
	*list = NULL;
}

static void instance_free(sri *ri)
{
	rkv_node *node = ri->node;

	link_close(ri);
	list_free(&ri->slaves);
	list_free(&ri->sentinels);
	rkv_buf_free(&ri->in);
	rkv_buf_free(&ri->pin);
	rkv_free(salloc(node), ri->auth_pass);
	rkv_free(salloc(node), ri->auth_user);
	rkv_free(salloc(node), ri);
}

static void list_append(sri **list, sri *ri)
{
	while (*list)
		list = &(*list)->next;
	*list = ri;
}

static sri *list_find_addr(sri *list, const char *ip, int port)
{
	for (sri *ri = list; ri; ri = ri->next)
		if (ri->port == port && rkv_strcasecmp(ri->ip, ip) == 0)
			return ri;
	return NULL;
}

static size_t list_len(const sri *list)
{
	size_t n = 0;

	for (; list; list = list->next)
		n++;
	return n;
}

static sri *master_by_name(struct rkv_sentinel *s, const char *name, size_t len)
{
	for (sri *ri = s->masters; ri; ri = ri->next)
		if (strlen(ri->name) == len && memcmp(ri->name, name, len) == 0)
			return ri;
	return NULL;
}

static char *dup_str(rkv_node *node, const char *s)
{
	size_t n = strlen(s);
	char *p = rkv_malloc(salloc(node), n + 1);

	if (p)
		memcpy(p, s, n + 1);
	return p;
}

/* ---------------------------------------------------------------------- */
/* Links                                                                  */
/* ---------------------------------------------------------------------- */

static void link_reset_reader(sri *ri)
{
	ri->qhead = ri->qlen = 0;
	ri->pending = 0;
	ri->cur_kind = -1;
	ri->in.len = ri->in.start = 0;
	rkv_reply_parser_init(&ri->rp);
}

static void conn_drop(rkv_conn *c)
{
	if (c) {
		c->link = NULL;
		c->link_data = NULL;
		rkv_conn_kill(c);
	}
}

/* Redis's instanceLinkCloseConnection() for the command link. */
static void link_close_cc(sri *ri)
{
	rkv_conn *c = ri->cc;

	ri->cc = NULL;
	ri->disconnected = true;
	link_reset_reader(ri);
	conn_drop(c);
}

/* ... and for the pub/sub link. */
static void link_close_pc(sri *ri)
{
	rkv_conn *c = ri->pc;

	ri->pc = NULL;
	ri->disconnected = true;
	ri->pin.len = ri->pin.start = 0;
	rkv_reply_parser_init(&ri->prp);
	conn_drop(c);
}

static void link_close(sri *ri)
{
	link_close_cc(ri);
	link_close_pc(ri);
}

static void link_connected(rkv_conn *c)
{
	/* Commands were queued as the link was asked for (as hiredis does);
	 * the node flushes them now. */
	(void)c;
}

static void link_lost(rkv_conn *c)
{
	sri *ri = c->link_data;

	if (!ri || ri->cc != c)
		return;
	c->link_data = NULL;
	ri->cc = NULL;
	ri->disconnected = true;
	link_reset_reader(ri);
}

static void plink_lost(rkv_conn *c)
{
	sri *ri = c->link_data;

	if (!ri || ri->pc != c)
		return;
	c->link_data = NULL;
	ri->pc = NULL;
	ri->disconnected = true;
	ri->pin.len = ri->pin.start = 0;
	rkv_reply_parser_init(&ri->prp);
}

/* Hand the links' queued commands to the host, once connected. */
static void link_flush(sri *ri)
{
	if (ri->cc && (ri->cc->flags & RKV_CONN_LINKUP) && ri->cc->obuf.len)
		rkv_conn_flush(ri->cc);
	if (ri->pc && (ri->pc->flags & RKV_CONN_LINKUP) && ri->pc->obuf.len)
		rkv_conn_flush(ri->pc);
}

static void conn_cmd(rkv_conn *c, size_t argc, const char *const *argv)
{
	rkv_resp_add_array(&c->obuf, (long long)argc);
	for (size_t i = 0; i < argc; i++)
		rkv_resp_add_bulk(&c->obuf, argv[i], strlen(argv[i]));
}

/* Queue a command whose reply is of `kind`. */
static bool link_cmd(sri *ri, int kind, size_t argc, const char *const *argv)
{
	if (!ri->cc || ri->qlen >= REPLY_QUEUE)
		return false;
	conn_cmd(ri->cc, argc, argv);
	ri->q[(ri->qhead + ri->qlen) % REPLY_QUEUE] = (unsigned char)kind;
	ri->qlen++;
	ri->pending++;
	return true;
}

static void send_ping(sri *ri)
{
	static const char *const argv[1] = {"PING"};
	int64_t now = now_ms(ri->node);

	if (!link_cmd(ri, R_PING, 1, argv))
		return;
	ri->last_ping_time = now;
	/* The first unanswered PING times the outage. */
	if (ri->act_ping_time == 0)
		ri->act_ping_time = now;
}

static const sri *auth_source(const sri *ri)
{
	return ri->flags & SRI_MASTER ? ri : ri->master;
}

/* AUTH (when configured) and CLIENT SETNAME on a new link. */
static void link_greet(sri *ri, rkv_conn *c, const char *kind)
{
	const sri *m = auth_source(ri);
	char name[64];
	const char *setname[3] = {"CLIENT", "SETNAME", name};

	struct rkv_sentinel *s = ri->node->sentinel;
	/* Other sentinels: sentinel-user/pass, as Redis. */
	const char *user =
	    ri->flags & SRI_SENTINEL ? s->sentinel_user : m->auth_user;
	const char *pass =
	    ri->flags & SRI_SENTINEL ? s->sentinel_pass : m->auth_pass;

	if (pass) {
		const char *a3[3] = {"AUTH", user, pass};
		const char *a2[2] = {"AUTH", pass};

		if (c == ri->cc)
			link_cmd(ri, R_DISCARD, user ? 3 : 2, user ? a3 : a2);
		else
			conn_cmd(c, user ? 3 : 2, user ? a3 : a2);
	}
	snprintf(name, sizeof(name), "sentinel-%.8s-%s",
		 ri->node->sentinel->myid, kind);
	if (c == ri->cc)
		link_cmd(ri, R_DISCARD, 3, setname);
	else
		conn_cmd(c, 3, setname);
}

/* Redis's sentinelReconnectInstance(): the command link, and for masters
 * and replicas the pub/sub link subscribed to the hello channel. */
static void link_reconnect(sri *ri)
{
	rkv_node *node = ri->node;
	int64_t now = now_ms(node);
	int rc;

	if (!ri->disconnected || ri->port == 0)
		return;
	if (ri->last_reconn_time && now - ri->last_reconn_time < PING_PERIOD)
		return;
	ri->last_reconn_time = now;
	if (!ri->cc) {
		link_reset_reader(ri);
		ri->cc = rkv_conn_new_outbound(node, &link_ops, ri->ip,
					       ri->port, &rc);
		if (!ri->cc) {
			sentinel_event(node, RKV_LOG_DEBUG,
				       "-cmd-link-reconnection", ri, "@ #%s",
				       rc == RKV_ERR_STATE
					   ? "no connect callback"
					   : "Failed to establish connection");
		} else {
			ri->cc->link_data = ri;
			ri->cc_conn_time = now;
			link_greet(ri, ri->cc, "cmd");
			/* A PING at once on a new link. */
			send_ping(ri);
		}
	}
	if ((ri->flags & (SRI_MASTER | SRI_SLAVE)) && !ri->pc) {
		ri->pin.len = ri->pin.start = 0;
		rkv_reply_parser_init(&ri->prp);
		ri->pc = rkv_conn_new_outbound(node, &plink_ops, ri->ip,
					       ri->port, &rc);
		if (!ri->pc) {
			sentinel_event(node, RKV_LOG_DEBUG,
				       "-pubsub-link-reconnection", ri, "@ #%s",
				       rc == RKV_ERR_STATE
					   ? "no connect callback"
					   : "Failed to establish connection");
		} else {
			static const char *const subscribe[2] = {"SUBSCRIBE",
								 HELLO_CHANNEL};

			ri->pc->link_data = ri;
			ri->pc_conn_time = ri->pc_last_activity = now;
			link_greet(ri, ri->pc, "pubsub");
			conn_cmd(ri->pc, 2, subscribe);
		}
	}
	/* hiredis queues until connected: the link counts as up as soon as
	 * both connections are asked for. */
	if (ri->cc && ((ri->flags & SRI_SENTINEL) || ri->pc))
		ri->disconnected = false;
}

/* ---------------------------------------------------------------------- */
/* INFO                                                                   */
/* ---------------------------------------------------------------------- */

static void abort_failover(sri *ri);
static int send_slaveof(sri *ri, const char *host, int port);
static void failover_state_machine(sri *m);

/* Redis's sentinelMasterLooksSane(). */
static bool master_looks_sane(const sri *m)
{
	return (m->flags & SRI_MASTER) && m->role_reported == SRI_MASTER &&
	       !(m->flags & (SRI_S_DOWN | SRI_O_DOWN)) &&
	       now_ms(m->node) - m->info_refresh < INFO_PERIOD * 2;
}

/* Redis's sentinelRedisInstanceNoDownFor(). */
static bool no_down_for(const sri *ri, int64_t ms)
{
	int64_t most_recent = ri->s_down_since_time;

	if (ri->o_down_since_time > most_recent)
		most_recent = ri->o_down_since_time;
	return most_recent == 0 || now_ms(ri->node) - most_recent > ms;
}

/* A "slaveN:" line of a master's INFO: ip=..,port=.. (or the old
 * "ip,port,state" form). */
static bool parse_slave_line(const char *v, char *ip, size_t ipcap, int *port)
{
	const char *p;
	long long n;

	if (strstr(v, "ip=")) {
		const char *e;

		p = strstr(v, "ip=") + 3;
		e = strchr(p, ',');
		if (!e || (size_t)(e - p) >= ipcap)
			return false;
		memcpy(ip, p, (size_t)(e - p));
		ip[e - p] = '\0';
		p = strstr(v, "port=");
		if (!p)
			return false;
		p += 5;
		e = strchr(p, ',');
		if (!rkv_string2ll(p, e ? (size_t)(e - p) : strlen(p), &n))
			return false;
	} else {
		const char *c1 = strchr(v, ','), *c2;

		if (!c1 || (size_t)(c1 - v) >= ipcap)
			return false;
		memcpy(ip, v, (size_t)(c1 - v));
		ip[c1 - v] = '\0';
		c2 = strchr(c1 + 1, ',');
		if (!c2 || !rkv_string2ll(c1 + 1, (size_t)(c2 - c1 - 1), &n))
			return false;
	}
	if (n <= 0 || n > 65535)
		return false;
	*port = (int)n;
	return true;
}

static bool starts(const char *l, const char *prefix, const char **rest)
{
	size_t n = strlen(prefix);

	if (strncmp(l, prefix, n) != 0)
		return false;
	*rest = l + n;
	return true;
}

/* One line of INFO; updates *role. */
static void info_line(sri *ri, const char *l, int *role)
{
	rkv_node *node = ri->node;
	const char *v;
	long long n;

	if (starts(l, "run_id:", &v) && strlen(v) >= 40) {
		if (memcmp(ri->runid, v, 40) != 0) {
			if (ri->runid[0])
				sentinel_event(node, RKV_LOG_NOTICE, "+reboot",
					       ri, "@");
			memcpy(ri->runid, v, 40);
			ri->runid[40] = '\0';
		}
	} else if ((ri->flags & SRI_MASTER) && strncmp(l, "slave", 5) == 0 &&
		   l[5] >= '0' && l[5] <= '9' && strchr(l, ':')) {
		char ip[IP_MAX_LEN];
		int port;

		if (parse_slave_line(strchr(l, ':') + 1, ip, sizeof(ip),
				     &port) &&
		    !list_find_addr(ri->slaves, ip, port)) {
			sri *s = instance_new(node, NULL, SRI_SLAVE, ip, port,
					      ri->quorum, ri);

			if (s) {
				list_append(&ri->slaves, s);
				sentinel_event(node, RKV_LOG_NOTICE, "+slave",
					       s, "@");
				flush_config(node);
			}
		}
	} else if (starts(l, "master_link_down_since_seconds:", &v)) {
		if (rkv_string2ll(v, strlen(v), &n))
			ri->master_link_down_time = n * 1000;
	} else if (strcmp(l, "role:master") == 0) {
		*role = SRI_MASTER;
	} else if (strcmp(l, "role:slave") == 0) {
		*role = SRI_SLAVE;
	} else if (*role == SRI_SLAVE) {
		if (starts(l, "master_host:", &v)) {
			if (rkv_strcasecmp(ri->slave_master_host, v) != 0) {
				snprintf(ri->slave_master_host,
					 sizeof(ri->slave_master_host), "%.*s",
					 IP_MAX_LEN - 1, v);
				ri->slave_conf_change_time = now_ms(node);
			}
		} else if (starts(l, "master_port:", &v)) {
			if (rkv_string2ll(v, strlen(v), &n) &&
			    n != ri->slave_master_port) {
				ri->slave_master_port = (int)n;
				ri->slave_conf_change_time = now_ms(node);
			}
		} else if (starts(l, "master_link_status:", &v)) {
			ri->slave_master_link_up = strcmp(v, "up") == 0;
		} else if (starts(l, "slave_priority:", &v)) {
			if (rkv_string2ll(v, strlen(v), &n))
				ri->slave_priority = (int)n;
		} else if (starts(l, "slave_repl_offset:", &v)) {
			if (rkv_string2ll(v, strlen(v), &n))
				ri->slave_repl_offset = n;
		} else if (starts(l, "replica_announced:", &v)) {
			ri->replica_announced = strcmp(v, "1") == 0;
		}
	}
}

/* Redis's sentinelRefreshInstanceInfo(): learn from INFO, then act. */
static void refresh_info(sri *ri, const char *info, size_t len)
{
	rkv_node *node = ri->node;
	int64_t now = now_ms(node);
	int role = 0;
	char line[1024];
	size_t i = 0;

	ri->master_link_down_time = 0;
	while (i < len) {
		const char *nl = memchr(info + i, '\n', len - i);
		size_t e = nl ? (size_t)(nl - info) : len;
		size_t ll = e - i;

		if (ll && info[e - 1] == '\r')
			ll--;
		if (ll < sizeof(line)) {
			memcpy(line, info + i, ll);
			line[ll] = '\0';
			info_line(ri, line, &role);
		}
		i = e + 1;
	}
	ri->info_refresh = now;

	if (role != ri->role_reported) {
		ri->role_reported_time = now;
		ri->role_reported = role;
		if (role == SRI_SLAVE)
			ri->slave_conf_change_time = now;
		sentinel_event(node, RKV_LOG_VERBOSE,
			       (ri->flags & (SRI_MASTER | SRI_SLAVE)) == role
				   ? "+role-change"
				   : "-role-change",
			       ri, "@ new reported role is %s",
			       role == SRI_MASTER ? "master" : "slave");
	}
	if (node->sentinel->tilt)
		return;

	/* A replica turned master. */
	if ((ri->flags & SRI_SLAVE) && role == SRI_MASTER) {
		sri *m = ri->master;

		if ((ri->flags & SRI_PROMOTED) &&
		    (m->flags & SRI_FAILOVER_IN_PROGRESS) &&
		    m->failover_state == FO_WAIT_PROMOTION) {
			m->config_epoch = m->failover_epoch;
			m->failover_state = FO_RECONF_SLAVES;
			m->failover_state_change_time = now;
			flush_config(node);
			sentinel_event(node, RKV_LOG_WARNING, "+promoted-slave",
				       ri, "@");
			sentinel_event(node, RKV_LOG_WARNING,
				       "+failover-state-reconf-slaves", m, "@");
			/* Reconfigure the replicas now, not at the next tick.
			 */
			failover_state_machine(m);
		} else {
			/* Not ours: give it time to tell its new config, then
			 * make it a replica again. */
			int64_t wait_time = PUBLISH_PERIOD * 4;

			if (!(ri->flags & SRI_PROMOTED) &&
			    master_looks_sane(m) &&
			    no_down_for(ri, wait_time) &&
			    now - ri->role_reported_time > wait_time &&
			    send_slaveof(ri, m->ip, m->port) == 0)
				sentinel_event(node, RKV_LOG_NOTICE,
					       "+convert-to-slave", ri, "@");
		}
	}

	/* A replica of another master address. */
	if ((ri->flags & SRI_SLAVE) && role == SRI_SLAVE &&
	    (ri->slave_master_port != ri->master->port ||
	     rkv_strcasecmp(ri->slave_master_host, ri->master->ip) != 0)) {
		int64_t wait_time = ri->master->failover_timeout;

		if (master_looks_sane(ri->master) &&
		    no_down_for(ri, wait_time) &&
		    now - ri->slave_conf_change_time > wait_time &&
		    send_slaveof(ri, ri->master->ip, ri->master->port) == 0)
			sentinel_event(node, RKV_LOG_NOTICE,
				       "+fix-slave-config", ri, "@");
	}

	/* A replica being reconfigured moves forward. */
	if ((ri->flags & SRI_SLAVE) && role == SRI_SLAVE &&
	    (ri->flags & (SRI_RECONF_SENT | SRI_RECONF_INPROG))) {
		sri *p = ri->master->promoted_slave;

		if ((ri->flags & SRI_RECONF_SENT) && p &&
		    ri->slave_master_host[0] &&
		    rkv_strcasecmp(p->ip, ri->slave_master_host) == 0 &&
		    ri->slave_master_port == p->port) {
			ri->flags &= ~SRI_RECONF_SENT;
			ri->flags |= SRI_RECONF_INPROG;
			sentinel_event(node, RKV_LOG_NOTICE,
				       "+slave-reconf-inprog", ri, "@");
		}
		if ((ri->flags & SRI_RECONF_INPROG) &&
		    ri->slave_master_link_up) {
			ri->flags &= ~SRI_RECONF_INPROG;
			ri->flags |= SRI_RECONF_DONE;
			sentinel_event(node, RKV_LOG_NOTICE,
				       "+slave-reconf-done", ri, "@");
			/* The next replica, or the end, now. */
			failover_state_machine(ri->master);
		}
	}
}

/* ---------------------------------------------------------------------- */
/* Replies                                                                */
/* ---------------------------------------------------------------------- */

static void reply_ping(sri *ri, const rkv_resp_token *t)
{
	int64_t now = now_ms(ri->node);

	if (t->type == RKV_RESP_STATUS || t->type == RKV_RESP_ERROR) {
		const char *s = t->str.ptr;
		size_t n = t->str.len;

		if ((n >= 4 && memcmp(s, "PONG", 4) == 0) ||
		    (n >= 7 && memcmp(s, "LOADING", 7) == 0) ||
		    (n >= 10 && memcmp(s, "MASTERDOWN", 10) == 0)) {
			ri->last_avail_time = now;
			ri->act_ping_time = 0;
		}
	}
	ri->last_pong_time = now;
}

static void reply_ask(sri *ri)
{
	sri *m = ri->master;

	ri->last_master_down_reply_time = now_ms(ri->node);
	if (ri->ask_down == 1)
		ri->flags |= SRI_MASTER_DOWN;
	else
		ri->flags &= ~SRI_MASTER_DOWN;
	if (strcmp(ri->ask_leader, "*") != 0) {
		snprintf(ri->leader, sizeof(ri->leader), "%s", ri->ask_leader);
		ri->leader_epoch = (unsigned long long)ri->ask_epoch;
	}
	(void)m;
}

/* One token of a reply on ri's link. */
static void reply_token(sri *ri, const rkv_resp_token *t)
{
	if (t->depth == 0) {
		if (ri->qlen) {
			ri->cur_kind = ri->q[ri->qhead];
			ri->qhead = (ri->qhead + 1) % REPLY_QUEUE;
			ri->qlen--;
			if (ri->pending > 0)
				ri->pending--;
		} else {
			ri->cur_kind = R_DISCARD;
		}
		ri->ask_elem = 0;
		ri->ask_down = 0;
		ri->ask_epoch = 0;
		strcpy(ri->ask_leader, "*");
		if (ri->cur_kind == R_PING)
			reply_ping(ri, t);
		else if (ri->cur_kind == R_INFO && t->type == RKV_RESP_BULK &&
			 t->n >= 0)
			refresh_info(ri, t->str.ptr, t->str.len);
		else if (ri->cur_kind == R_ASK && t->type != RKV_RESP_ARRAY)
			ri->cur_kind = R_DISCARD;
		else if (ri->cur_kind == R_PUBLISH && t->type != RKV_RESP_ERROR)
			ri->last_pub_time = now_ms(ri->node);
	} else if (t->depth == 1 && ri->cur_kind == R_ASK) {
		if (ri->ask_elem == 0 && t->type == RKV_RESP_INTEGER)
			ri->ask_down = t->n;
		else if (ri->ask_elem == 1 && t->type == RKV_RESP_BULK)
			snprintf(ri->ask_leader, sizeof(ri->ask_leader), "%.*s",
				 (int)(t->str.len < NAME_MAX_LEN - 1
					   ? t->str.len
					   : NAME_MAX_LEN - 1),
				 t->str.ptr);
		else if (ri->ask_elem == 2 && t->type == RKV_RESP_INTEGER)
			ri->ask_epoch = t->n;
		ri->ask_elem++;
	}
	if (t->end && ri->cur_kind == R_ASK && ri->ask_elem == 3)
		reply_ask(ri);
}

static long long link_recv(rkv_conn *c, const char *data, size_t len)
{
	sri *ri = c->link_data;
	size_t off = 0;

	if (!ri || ri->cc != c)
		return -1;
	rkv_buf_append(&ri->in, data, len);
	if (ri->in.oom)
		return -1;
	for (;;) {
		rkv_resp_token t;
		size_t used;
		int r = rkv_reply_next(&ri->rp, rkv_buf_head(&ri->in) + off,
				       ri->in.len - off, &used, &t);

		if (r == RKV_RESP_AGAIN)
			break;
		if (r < 0) {
			rkv_node_logf(c->node, RKV_LOG_VERBOSE,
				      "Protocol error from %s: %s", ri->name,
				      ri->rp.errmsg ? ri->rp.errmsg : "?");
			return -1;
		}
		reply_token(ri, &t);
		/* The handler may have closed the link (a reset). */
		if (ri->cc != c)
			return (long long)len;
		off += used;
	}
	rkv_buf_consume(&ri->in, off);
	return (long long)len;
}

/* Queue a hello message for the timer (Redis's
 * sentinelProcessHelloMessage() runs from there). Our own are ignored. */
static void hello_queue(rkv_node *node, const char *msg, size_t len)
{
	struct rkv_sentinel *s = node->sentinel;

	if (len >= HELLO_MAX_LEN || s->nhello >= HELLO_QUEUE)
		return;
	if (len >= 40 && memmem(msg, len, s->myid, 40))
		return;
	memcpy(s->hello[s->nhello], msg, len);
	s->hello[s->nhello][len] = '\0';
	s->nhello++;
}

/* The pub/sub link: ["message", "__sentinel__:hello", <hello>]. */
static long long plink_recv(rkv_conn *c, const char *data, size_t len)
{
	sri *ri = c->link_data;
	size_t off = 0;

	if (!ri || ri->pc != c)
		return -1;
	ri->pc_last_activity = now_ms(ri->node);
	rkv_buf_append(&ri->pin, data, len);
	if (ri->pin.oom)
		return -1;
	for (;;) {
		rkv_resp_token t;
		size_t used;
		int r = rkv_reply_next(&ri->prp, rkv_buf_head(&ri->pin) + off,
				       ri->pin.len - off, &used, &t);

		if (r == RKV_RESP_AGAIN)
			break;
		if (r < 0)
			return -1;
		if (t.depth == 0) {
			ri->pelem = 0;
			ri->pmsg = false;
		} else if (t.depth == 1) {
			if (ri->pelem == 0)
				ri->pmsg = t.type == RKV_RESP_BULK &&
					   t.str.len == 7 &&
					   memcmp(t.str.ptr, "message", 7) == 0;
			else if (ri->pelem == 2 && ri->pmsg &&
				 t.type == RKV_RESP_BULK)
				hello_queue(ri->node, t.str.ptr, t.str.len);
			ri->pelem++;
		}
		off += used;
	}
	rkv_buf_consume(&ri->pin, off);
	return (long long)len;
}

/* ---------------------------------------------------------------------- */
/* Periodic commands, SDOWN, ODOWN                                        */
/* ---------------------------------------------------------------------- */

/* Redis's sentinelGetCurrentMasterAddress(): once the promoted replica
 * is being announced (reconfiguring the others), it is the master. */
static const sri *current_master_addr(const sri *m)
{
	if ((m->flags & SRI_FAILOVER_IN_PROGRESS) && m->promoted_slave &&
	    m->failover_state >= FO_RECONF_SLAVES)
		return m->promoted_slave;
	return m;
}

/* Redis's sentinelSendHello(): who we are and what we think of the
 * master, PUBLISHed on the hello channel of every instance (and to the
 * other sentinels directly). Our address is the link's local one (or
 * announce-ip). */
static void send_hello(sri *ri)
{
	rkv_node *node = ri->node;
	struct rkv_sentinel *s = node->sentinel;
	const sri *m = ri->flags & SRI_MASTER ? ri : ri->master;
	const sri *a = current_master_addr(m);
	char ip[IP_MAX_LEN], payload[HELLO_MAX_LEN], portstr[16];
	const char *argv[3] = {"PUBLISH", HELLO_CHANNEL, payload};
	const char *la, *colon;
	size_t n;

	if (ri->disconnected || !ri->cc || !(ri->cc->flags & RKV_CONN_LINKUP))
		return;
	la = ri->cc->laddr;
	if (s->announce_ip) {
		snprintf(ip, sizeof(ip), "%s", s->announce_ip);
	} else {
		if (la[0] == '[') {
			la++;
			colon = strchr(la, ']');
		} else {
			colon = strrchr(la, ':');
		}
		if (!colon || colon == la)
			return; /* the host did not tell the local address */
		n = (size_t)(colon - la);
		if (n >= sizeof(ip))
			return;
		memcpy(ip, la, n);
		ip[n] = '\0';
	}
	if (s->announce_port)
		snprintf(portstr, sizeof(portstr), "%d", s->announce_port);
	else if (rkv_node_config_get(node, "port", portstr, sizeof(portstr)) <
		 0)
		snprintf(portstr, sizeof(portstr), "26379");
	snprintf(payload, sizeof(payload), "%s,%s,%s,%llu,%s,%s,%d,%llu", ip,
		 portstr, s->myid, s->current_epoch, m->name, a->ip, a->port,
		 m->config_epoch);
	link_cmd(ri, R_PUBLISH, 3, argv);
}

/* Redis's sentinelSendPeriodicCommands(). */
static void periodic_commands(sri *ri)
{
	int64_t now = now_ms(ri->node);
	int64_t info_period, ping_period;

	if (ri->disconnected || !ri->cc)
		return;
	if (!(ri->flags & SRI_SENTINEL) && ri->pending >= MAX_PENDING_COMMANDS)
		return;
	if ((ri->flags & SRI_SLAVE) &&
	    ((ri->master->flags & (SRI_O_DOWN | SRI_FAILOVER_IN_PROGRESS)) ||
	     ri->master_link_down_time != 0))
		info_period = 1000;
	else
		info_period = INFO_PERIOD;
	/* A replica being reconfigured by our failover: every tick, so the
	 * failover ends as soon as its link is up (Redis: every second). */
	if ((ri->flags & (SRI_RECONF_SENT | SRI_RECONF_INPROG)) &&
	    (ri->master->flags & SRI_FAILOVER_IN_PROGRESS))
		info_period = 100;
	ping_period = ri->down_after_period;
	if (ping_period > PING_PERIOD)
		ping_period = PING_PERIOD;
	if (!(ri->flags & SRI_SENTINEL) &&
	    (ri->info_refresh == 0 || now - ri->info_refresh > info_period)) {
		static const char *const argv[1] = {"INFO"};

		link_cmd(ri, R_INFO, 1, argv);
	}
	if (now - ri->last_pong_time > ping_period &&
	    now - ri->last_ping_time > ping_period / 2)
		send_ping(ri);
	if (now - ri->last_pub_time > PUBLISH_PERIOD)
		send_hello(ri);
}

/* Redis's sentinelCheckSubjectivelyDown(). */
static void check_sdown(sri *ri)
{
	rkv_node *node = ri->node;
	int64_t now = now_ms(node), elapsed = 0;

	if (ri->act_ping_time)
		elapsed = now - ri->act_ping_time;
	else if (ri->disconnected)
		elapsed = now - ri->last_avail_time;
	/* A link that stopped answering: reconnect it. */
	if (ri->cc && now - ri->cc_conn_time > MIN_LINK_RECONNECT_PERIOD &&
	    ri->act_ping_time != 0 &&
	    now - ri->act_ping_time > ri->down_after_period / 2 &&
	    now - ri->last_pong_time > ri->down_after_period / 2)
		link_close_cc(ri);
	/* A pub/sub link that hears no hello (ours included) is stale. */
	if (ri->pc && now - ri->pc_conn_time > MIN_LINK_RECONNECT_PERIOD &&
	    now - ri->pc_last_activity > PUBLISH_PERIOD * 3)
		link_close_pc(ri);
	if (elapsed > ri->down_after_period ||
	    ((ri->flags & SRI_MASTER) && ri->role_reported == SRI_SLAVE &&
	     now - ri->role_reported_time >
		 ri->down_after_period + INFO_PERIOD * 2)) {
		if (!(ri->flags & SRI_S_DOWN)) {
			sentinel_event(node, RKV_LOG_WARNING, "+sdown", ri,
				       "@");
			ri->s_down_since_time = now;
			ri->flags |= SRI_S_DOWN;
		}
	} else if (ri->flags & SRI_S_DOWN) {
		sentinel_event(node, RKV_LOG_WARNING, "-sdown", ri, "@");
		ri->flags &= ~SRI_S_DOWN;
	}
}

/* Redis's sentinelCheckObjectivelyDown(). */
static void check_odown(sri *m)
{
	rkv_node *node = m->node;
	int quorum = 0;
	bool odown = false;

	if (m->flags & SRI_S_DOWN) {
		quorum = 1;
		for (sri *s = m->sentinels; s; s = s->next)
			if (s->flags & SRI_MASTER_DOWN)
				quorum++;
		if (quorum >= m->quorum)
			odown = true;
	}
	if (odown) {
		if (!(m->flags & SRI_O_DOWN)) {
			sentinel_event(node, RKV_LOG_WARNING, "+odown", m,
				       "@ #quorum %d/%d", quorum, m->quorum);
			m->flags |= SRI_O_DOWN;
			m->o_down_since_time = now_ms(node);
		}
	} else if (m->flags & SRI_O_DOWN) {
		sentinel_event(node, RKV_LOG_WARNING, "-odown", m, "@");
		m->flags &= ~SRI_O_DOWN;
	}
}

/* ---------------------------------------------------------------------- */
/* Leader election                                                        */
/* ---------------------------------------------------------------------- */

/* Redis's sentinelVoteLeader(): one vote per epoch. Returns the leader
 * voted for in this master's leader epoch ("" if none). */
static const char *vote_leader(sri *m, unsigned long long req_epoch,
			       const char *req_runid,
			       unsigned long long *leader_epoch)
{
	rkv_node *node = m->node;
	struct rkv_sentinel *s = node->sentinel;

	if (req_epoch > s->current_epoch) {
		s->current_epoch = req_epoch;
		flush_config(node);
		sentinel_event(node, RKV_LOG_WARNING, "+new-epoch", m, "%llu",
			       s->current_epoch);
	}
	if (m->leader_epoch < req_epoch && s->current_epoch <= req_epoch) {
		snprintf(m->leader, sizeof(m->leader), "%s", req_runid);
		m->leader_epoch = s->current_epoch;
		flush_config(node);
		sentinel_event(node, RKV_LOG_WARNING, "+vote-for-leader", m,
			       "%s %llu", m->leader, m->leader_epoch);
		/* Voted for another: do not start our own failover soon. */
		if (rkv_strcasecmp(m->leader, s->myid) != 0)
			m->failover_start_time =
			    now_ms(node) +
			    (int64_t)(rkv_rand_next(&node->rng) % MAX_DESYNC);
	}
	*leader_epoch = m->leader_epoch;
	return m->leader;
}

/* Redis's sentinelGetLeader(): the winner of epoch if it has a majority of
 * the voters and at least quorum votes; into out ("" if none). */
static void get_leader(sri *m, unsigned long long epoch, char *out, size_t cap)
{
	struct rkv_sentinel *s = m->node->sentinel;
	size_t voters = list_len(m->sentinels) + 1;
	const char *winner = NULL, *myvote;
	unsigned long long leader_epoch;
	size_t max_votes = 0;

	/* Count the votes of the other sentinels (a quadratic count: there
	 * are a handful). */
	for (sri *a = m->sentinels; a; a = a->next) {
		size_t votes = 0;

		if (!a->leader[0] || a->leader_epoch != s->current_epoch)
			continue;
		for (sri *b = m->sentinels; b; b = b->next)
			if (b->leader[0] &&
			    b->leader_epoch == s->current_epoch &&
			    strcmp(a->leader, b->leader) == 0)
				votes++;
		if (votes > max_votes) {
			max_votes = votes;
			winner = a->leader;
		}
	}
	myvote =
	    vote_leader(m, epoch, winner ? winner : s->myid, &leader_epoch);
	if (myvote[0] && leader_epoch == epoch) {
		size_t votes = 1;

		for (sri *b = m->sentinels; b; b = b->next)
			if (b->leader[0] &&
			    b->leader_epoch == s->current_epoch &&
			    strcmp(myvote, b->leader) == 0)
				votes++;
		if (votes > max_votes) {
			max_votes = votes;
			winner = myvote;
		}
	}
	if (winner &&
	    (max_votes < voters / 2 + 1 || max_votes < (size_t)m->quorum))
		winner = NULL;
	snprintf(out, cap, "%s", winner ? winner : "");
}

/* Redis's sentinelAskMasterStateToOtherSentinels(). */
static void ask_other_sentinels(sri *m, bool forced)
{
	struct rkv_sentinel *s = m->node->sentinel;
	int64_t now = now_ms(m->node);

	for (sri *ri = m->sentinels; ri; ri = ri->next) {
		int64_t elapsed = now - ri->last_master_down_reply_time;
		char port[16], epoch[32];
		const char *argv[6];

		/* An old reply is forgotten. */
		if (elapsed > ASK_PERIOD * 5) {
			ri->flags &= ~SRI_MASTER_DOWN;
			ri->leader[0] = '\0';
		}
		if (!(m->flags & SRI_S_DOWN) || ri->disconnected || !ri->cc)
			continue;
		if (!forced && elapsed < ASK_PERIOD)
			continue;
		snprintf(port, sizeof(port), "%d", m->port);
		snprintf(epoch, sizeof(epoch), "%llu", s->current_epoch);
		argv[0] = "SENTINEL";
		argv[1] = "is-master-down-by-addr";
		argv[2] = m->ip;
		argv[3] = port;
		argv[4] = epoch;
		argv[5] = m->failover_state > FO_NONE ? s->myid : "*";
		if (link_cmd(ri, R_ASK, 6, argv))
			link_flush(ri);
	}
}

/* ---------------------------------------------------------------------- */
/* Failover                                                               */
/* ---------------------------------------------------------------------- */

/* Redis's sentinelSendSlaveOf(): a transaction, so that the instance is
 * reconfigured, its config rewritten and its clients dropped at once.
 * host NULL: SLAVEOF NO ONE. Returns 0 or -1 (no link). */
static int send_slaveof(sri *ri, const char *host, int port)
{
	char portstr[16];
	const char *slaveof[3] = {"SLAVEOF", "NO", "ONE"};
	static const char *const multi[1] = {"MULTI"};
	static const char *const rewrite[2] = {"CONFIG", "REWRITE"};
	static const char *const kill_normal[4] = {"CLIENT", "KILL", "TYPE",
						   "normal"};
	static const char *const kill_pubsub[4] = {"CLIENT", "KILL", "TYPE",
						   "pubsub"};
	static const char *const exec[1] = {"EXEC"};
	static const char *const info[1] = {"INFO"};

	if (!ri->cc || ri->disconnected || ri->qlen + 7 > REPLY_QUEUE)
		return -1;
	if (host) {
		snprintf(portstr, sizeof(portstr), "%d", port);
		slaveof[1] = host;
		slaveof[2] = portstr;
	}
	link_cmd(ri, R_DISCARD, 1, multi);
	link_cmd(ri, R_DISCARD, 3, slaveof);
	link_cmd(ri, R_DISCARD, 2, rewrite);
	link_cmd(ri, R_DISCARD, 4, kill_normal);
	link_cmd(ri, R_DISCARD, 4, kill_pubsub);
	link_cmd(ri, R_DISCARD, 1, exec);
	/* An INFO right behind the transaction: its reply shows the new
	 * role at once, where Redis waits for the next periodic INFO (up
	 * to a second per failover step). */
	link_cmd(ri, R_INFO, 1, info);
	if (ri->cc->flags & RKV_CONN_LINKUP)
		rkv_conn_mark_pending(
		    ri->cc); /* sent at the end of this batch */
	return 0;
}

/* Redis's ctime() format, in UTC: "Thu Nov 26 01:44:31 2026". */
static void format_ctime(char *out, size_t cap, int64_t unix_s)
{
	static const char *const wd[] = {"Thu", "Fri", "Sat", "Sun",
					 "Mon", "Tue", "Wed"};
	static const char *const mo[] = {"Jan", "Feb", "Mar", "Apr",
					 "May", "Jun", "Jul", "Aug",
					 "Sep", "Oct", "Nov", "Dec"};
	int64_t days = unix_s / 86400, secs = unix_s % 86400;
	int64_t z = days + 719468, era, doe, yoe, y, doy, mp, d, m;

	if (secs < 0) {
		secs += 86400;
		days--;
		z--;
	}
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp < 10 ? mp + 3 : mp - 9;
	if (m <= 2)
		y++;
	snprintf(out, cap, "%s %s %2d %02d:%02d:%02d %lld",
		 wd[((days % 7) + 7) % 7], mo[m - 1], (int)d,
		 (int)(secs / 3600), (int)(secs / 60 % 60), (int)(secs % 60),
		 (long long)y);
}

/* Redis's sentinelStartFailover(). */
static void start_failover(sri *m)
{
	rkv_node *node = m->node;
	struct rkv_sentinel *s = node->sentinel;
	int64_t now = now_ms(node);

	m->failover_state = FO_WAIT_START;
	m->flags |= SRI_FAILOVER_IN_PROGRESS;
	m->failover_epoch = ++s->current_epoch;
	sentinel_event(node, RKV_LOG_WARNING, "+new-epoch", m, "%llu",
		       s->current_epoch);
	sentinel_event(node, RKV_LOG_WARNING, "+try-failover", m, "@");
	m->failover_start_time =
	    now + (int64_t)(rkv_rand_next(&node->rng) % MAX_DESYNC);
	m->failover_state_change_time = now;
}

/* Redis's sentinelStartFailoverIfNeeded(). */
static bool start_failover_if_needed(sri *m)
{
	rkv_node *node = m->node;
	int64_t now = now_ms(node);

	if (!(m->flags & SRI_O_DOWN) || (m->flags & SRI_FAILOVER_IN_PROGRESS))
		return false;
	if (m->failover_start_time &&
	    now - m->failover_start_time < m->failover_timeout * 2) {
		if (m->failover_delay_logged != m->failover_start_time) {
			char when[64];
			int64_t at_ms =
			    node->cmd_time_ms + (m->failover_start_time +
						 m->failover_timeout * 2 - now);

			format_ctime(when, sizeof(when), at_ms / 1000);
			m->failover_delay_logged = m->failover_start_time;
			rkv_node_logf(node, RKV_LOG_WARNING,
				      "Next failover delay: I will not start a "
				      "failover before %s",
				      when);
		}
		return false;
	}
	start_failover(m);
	return true;
}

/* Redis's compareSlavesForPromotion(): priority, then the largest
 * offset, then the smallest run ID (unknown ones last). */
static int compare_slaves(const sri *a, const sri *b)
{
	if (a->slave_priority != b->slave_priority)
		return a->slave_priority < b->slave_priority ? -1 : 1;
	if (a->slave_repl_offset != b->slave_repl_offset)
		return a->slave_repl_offset > b->slave_repl_offset ? -1 : 1;
	if (!a->runid[0])
		return b->runid[0] ? 1 : 0;
	if (!b->runid[0])
		return -1;
	return rkv_strcasecmp(a->runid, b->runid);
}

/* Redis's sentinelSelectSlave(). */
static sri *select_slave(sri *m)
{
	int64_t now = now_ms(m->node);
	int64_t max_master_down = 0;
	sri *best = NULL;

	if (m->flags & SRI_S_DOWN)
		max_master_down += now - m->s_down_since_time;
	max_master_down += m->down_after_period * 10;
	for (sri *s = m->slaves; s; s = s->next) {
		int64_t validity =
		    (m->flags & SRI_S_DOWN) ? PING_PERIOD * 5 : INFO_PERIOD * 3;

		if (s->flags & (SRI_S_DOWN | SRI_O_DOWN))
			continue;
		if (s->disconnected || !s->cc)
			continue;
		if (now - s->last_avail_time > PING_PERIOD * 5)
			continue;
		if (s->slave_priority == 0)
			continue;
		if (now - s->info_refresh > validity)
			continue;
		if (s->master_link_down_time > max_master_down)
			continue;
		if (!best || compare_slaves(s, best) < 0)
			best = s;
	}
	return best;
}

/* Redis's sentinelAbortFailover(). */
static void abort_failover(sri *m)
{
	m->flags &= ~(SRI_FAILOVER_IN_PROGRESS | SRI_FORCE_FAILOVER);
	m->failover_state = FO_NONE;
	m->failover_state_change_time = now_ms(m->node);
	if (m->promoted_slave) {
		m->promoted_slave->flags &= ~SRI_PROMOTED;
		m->promoted_slave = NULL;
	}
}

static void failover_wait_start(sri *m)
{
	rkv_node *node = m->node;
	char leader[NAME_MAX_LEN];
	bool isleader;

	get_leader(m, m->failover_epoch, leader, sizeof(leader));
	isleader =
	    leader[0] && rkv_strcasecmp(leader, node->sentinel->myid) == 0;
	if (!isleader && !(m->flags & SRI_FORCE_FAILOVER)) {
		int64_t election_timeout = ELECTION_TIMEOUT;

		if (election_timeout > m->failover_timeout)
			election_timeout = m->failover_timeout;
		if (now_ms(node) - m->failover_start_time > election_timeout) {
			sentinel_event(node, RKV_LOG_WARNING,
				       "-failover-abort-not-elected", m, "@");
			abort_failover(m);
		}
		return;
	}
	sentinel_event(node, RKV_LOG_WARNING, "+elected-leader", m, "@");
	m->failover_state = FO_SELECT_SLAVE;
	m->failover_state_change_time = now_ms(node);
	sentinel_event(node, RKV_LOG_WARNING, "+failover-state-select-slave", m,
		       "@");
}

static void failover_select_slave(sri *m)
{
	rkv_node *node = m->node;
	sri *s = select_slave(m);

	if (!s) {
		sentinel_event(node, RKV_LOG_WARNING,
			       "-failover-abort-no-good-slave", m, "@");
		abort_failover(m);
		return;
	}
	sentinel_event(node, RKV_LOG_WARNING, "+selected-slave", s, "@");
	s->flags |= SRI_PROMOTED;
	m->promoted_slave = s;
	m->failover_state = FO_SEND_SLAVEOF_NOONE;
	m->failover_state_change_time = now_ms(node);
	sentinel_event(node, RKV_LOG_NOTICE,
		       "+failover-state-send-slaveof-noone", s, "@");
}

static void failover_send_slaveof_noone(sri *m)
{
	rkv_node *node = m->node;
	sri *p = m->promoted_slave;

	if (p->disconnected || !p->cc) {
		if (now_ms(node) - m->failover_state_change_time >
		    m->failover_timeout) {
			sentinel_event(node, RKV_LOG_WARNING,
				       "-failover-abort-slave-timeout", m, "@");
			abort_failover(m);
		}
		return;
	}
	if (send_slaveof(p, NULL, 0) < 0)
		return;
	sentinel_event(node, RKV_LOG_NOTICE, "+failover-state-wait-promotion",
		       p, "@");
	m->failover_state = FO_WAIT_PROMOTION;
	m->failover_state_change_time = now_ms(node);
}

static void failover_wait_promotion(sri *m)
{
	if (now_ms(m->node) - m->failover_state_change_time >
	    m->failover_timeout) {
		sentinel_event(m->node, RKV_LOG_WARNING,
			       "-failover-abort-slave-timeout", m, "@");
		abort_failover(m);
	}
}

/* Redis's sentinelFailoverDetectEnd(). */
static void failover_detect_end(sri *m)
{
	rkv_node *node = m->node;
	int64_t now = now_ms(node);
	int not_reconfigured = 0;
	bool timeout = false;

	if (!m->promoted_slave || (m->promoted_slave->flags & SRI_S_DOWN))
		return;
	for (sri *s = m->slaves; s; s = s->next) {
		if (s->flags & (SRI_PROMOTED | SRI_RECONF_DONE))
			continue;
		if (s->flags & SRI_S_DOWN)
			continue;
		not_reconfigured++;
	}
	if (now - m->failover_state_change_time > m->failover_timeout) {
		not_reconfigured = 0;
		timeout = true;
		sentinel_event(node, RKV_LOG_WARNING,
			       "+failover-end-for-timeout", m, "@");
	}
	if (not_reconfigured == 0) {
		sentinel_event(node, RKV_LOG_WARNING, "+failover-end", m, "@");
		m->failover_state = FO_UPDATE_CONFIG;
		m->failover_state_change_time = now;
	}
	if (timeout) {
		for (sri *s = m->slaves; s; s = s->next) {
			if (s->flags &
			    (SRI_PROMOTED | SRI_RECONF_DONE | SRI_RECONF_SENT))
				continue;
			if (s->disconnected)
				continue;
			if (send_slaveof(s, m->promoted_slave->ip,
					 m->promoted_slave->port) == 0) {
				sentinel_event(node, RKV_LOG_NOTICE,
					       "+slave-reconf-sent-be", s, "@");
				s->flags |= SRI_RECONF_SENT;
			}
		}
	}
}

/* Redis's sentinelFailoverReconfNextSlave(). */
static void failover_reconf_next_slave(sri *m)
{
	rkv_node *node = m->node;
	int64_t now = now_ms(node);
	int in_progress = 0;

	for (sri *s = m->slaves; s; s = s->next)
		if (s->flags & (SRI_RECONF_SENT | SRI_RECONF_INPROG))
			in_progress++;
	for (sri *s = m->slaves; s && in_progress < m->parallel_syncs;
	     s = s->next) {
		if (s->flags & (SRI_PROMOTED | SRI_RECONF_DONE))
			continue;
		if ((s->flags & SRI_RECONF_SENT) &&
		    now - s->slave_reconf_sent_time > SLAVE_RECONF_TIMEOUT) {
			sentinel_event(node, RKV_LOG_NOTICE,
				       "-slave-reconf-sent-timeout", s, "@");
			s->flags &= ~SRI_RECONF_SENT;
			s->flags |= SRI_RECONF_DONE;
		}
		if (s->flags & (SRI_RECONF_SENT | SRI_RECONF_INPROG))
			continue;
		if (s->disconnected)
			continue;
		if (send_slaveof(s, m->promoted_slave->ip,
				 m->promoted_slave->port) == 0) {
			s->flags |= SRI_RECONF_SENT;
			s->slave_reconf_sent_time = now;
			sentinel_event(node, RKV_LOG_NOTICE,
				       "+slave-reconf-sent", s, "@");
			in_progress++;
		}
	}
	failover_detect_end(m);
}

static void failover_step(sri *m);

/* Steps that need not wait follow each other in one call (selected, then
 * SLAVEOF NO ONE sent), where Redis takes one timer tick per step. The
 * selection itself waits for the next tick, as in Redis: the replicas' INFO
 * asked for when the master went down must arrive first, or none of them
 * looks fresh enough to promote. */
static void failover_state_machine(sri *m)
{
	for (int i = 0; i < 8 && (m->flags & SRI_FAILOVER_IN_PROGRESS); i++) {
		enum fo_state before = m->failover_state;

		failover_step(m);
		if (m->failover_state == before ||
		    m->failover_state == FO_SELECT_SLAVE)
			break;
	}
}

static void failover_step(sri *m)
{
	switch (m->failover_state) {
	case FO_WAIT_START:
		failover_wait_start(m);
		break;
	case FO_SELECT_SLAVE:
		failover_select_slave(m);
		break;
	case FO_SEND_SLAVEOF_NOONE:
		failover_send_slaveof_noone(m);
		break;
	case FO_WAIT_PROMOTION:
		failover_wait_promotion(m);
		break;
	case FO_RECONF_SLAVES:
		failover_reconf_next_slave(m);
		break;
	default:
		break;
	}
}

#define RESET_NO_SENTINELS 0x1
#define RESET_EVENT	   0x2

/* Redis's sentinelResetMaster(). */
static void reset_master(sri *m, int flags)
{
	int64_t now = now_ms(m->node);

	list_free(&m->slaves);
	if (!(flags & RESET_NO_SENTINELS))
		list_free(&m->sentinels);
	/* The other sentinels' is-master-down replies (and their votes) were
	 * about the old address: they must not count towards an ODOWN of the
	 * new one (Redis keeps them up to 5 s, so a new master failing soon
	 * after a switch could reach the quorum with stale replies). */
	for (sri *s = m->sentinels; s; s = s->next) {
		s->flags &= ~SRI_MASTER_DOWN;
		s->leader[0] = '\0';
		s->last_master_down_reply_time = 0;
		/* Replies still on their way are about the old address too. */
		for (unsigned i = 0; i < s->qlen; i++)
			if (s->q[(s->qhead + i) % REPLY_QUEUE] == R_ASK)
				s->q[(s->qhead + i) % REPLY_QUEUE] = R_DISCARD;
		if (s->cur_kind == R_ASK)
			s->cur_kind = R_DISCARD;
	}
	link_close(m);
	m->flags &= SRI_MASTER;
	m->leader[0] = '\0';
	m->failover_state = FO_NONE;
	m->failover_state_change_time = 0;
	m->failover_start_time = 0;
	m->promoted_slave = NULL;
	m->runid[0] = '\0';
	m->slave_master_host[0] = '\0';
	m->act_ping_time = now;
	m->last_ping_time = 0;
	m->last_avail_time = now;
	m->last_pong_time = now;
	m->role_reported_time = now;
	m->role_reported = SRI_MASTER;
	if (flags & RESET_EVENT)
		sentinel_event(m->node, RKV_LOG_WARNING, "+reset-master", m,
			       "@");
}

/* Redis's sentinelResetMasterAndChangeAddress(): the master is now at
 * ip:port; its other replicas and its old address are its replicas. */
static void reset_master_and_change_address(sri *m, const char *ip, int port)
{
	rkv_node *node = m->node;
	struct {
		char ip[IP_MAX_LEN];
		int port;
	} * addrs;
	size_t n = 0, cap = list_len(m->slaves) + 1;

	addrs = rkv_malloc(salloc(node), sizeof(*addrs) * cap);
	if (addrs) {
		for (sri *s = m->slaves; s; s = s->next) {
			if (s->port == port && rkv_strcasecmp(s->ip, ip) == 0)
				continue;
			snprintf(addrs[n].ip, IP_MAX_LEN, "%s", s->ip);
			addrs[n++].port = s->port;
		}
		if (!(m->port == port && rkv_strcasecmp(m->ip, ip) == 0)) {
			snprintf(addrs[n].ip, IP_MAX_LEN, "%s", m->ip);
			addrs[n++].port = m->port;
		}
	}
	reset_master(m, RESET_NO_SENTINELS);
	snprintf(m->ip, sizeof(m->ip), "%s", ip);
	m->port = port;
	m->o_down_since_time = 0;
	m->s_down_since_time = 0;
	for (size_t i = 0; i < n; i++) {
		sri *s = instance_new(node, NULL, SRI_SLAVE, addrs[i].ip,
				      addrs[i].port, m->quorum, m);

		if (s) {
			list_append(&m->slaves, s);
			sentinel_event(node, RKV_LOG_NOTICE, "+slave", s, "@");
		}
	}
	rkv_free(salloc(node), addrs);
	flush_config(node);
}

/* Our failover of m is stale: a newer configuration (ip:port at a config
 * epoch above our failover's) came from another sentinel. End it there,
 * keeping the newer configuration: neither our promoted replica nor our
 * failover's view may be announced under the newer epoch. */
static void supersede_failover(sri *m, const char *ip, int port)
{
	rkv_node_logf(m->node, RKV_LOG_WARNING,
		      "Failover of epoch %llu for %s superseded by "
		      "configuration epoch %llu: keeping %s:%d",
		      m->failover_epoch, m->name, m->config_epoch, ip, port);
	reset_master_and_change_address(m, ip, port);
}

/* Redis's sentinelFailoverSwitchToPromotedSlave(). A failover reaching it
 * is never stale: a newer configuration ends ours when it arrives
 * (supersede_failover()), where Redis would switch to its promoted replica
 * under the newer epoch here. */
static void switch_to_promoted(sri *m)
{
	sri *ref = m->promoted_slave ? m->promoted_slave : m;
	char ip[IP_MAX_LEN];
	int port = ref->port;

	snprintf(ip, sizeof(ip), "%s", ref->ip);
	sentinel_event(m->node, RKV_LOG_WARNING, "+switch-master", m,
		       "%s %s %d %s %d", m->name, m->ip, m->port, ip, port);
	reset_master_and_change_address(m, ip, port);
}

/* The sentinel of master m at ip:port with run ID runid (either may be
 * NULL: any). */
static sri *find_sentinel(sri *m, const char *ip, int port, const char *runid)
{
	for (sri *r = m->sentinels; r; r = r->next) {
		if (runid && strcmp(r->runid, runid) != 0)
			continue;
		if (ip && (r->port != port || rkv_strcasecmp(r->ip, ip) != 0))
			continue;
		return r;
	}
	return NULL;
}

/* Redis's sentinelProcessHelloMessage(): "ip,port,runid,current_epoch,
 * master_name,master_ip,master_port,master_config_epoch". A new sentinel
 * is added (+sentinel); a newer configuration of the master is adopted
 * (+config-update-from, +switch-master). */
static void process_hello(rkv_node *node, char *hello)
{
	struct rkv_sentinel *s = node->sentinel;
	char *tok[8], *p = hello;
	long long port, mport;
	unsigned long long epoch, config_epoch;
	sri *m, *si;
	int n = 0, removed = 0;

	while (n < 8) {
		tok[n++] = p;
		p = strchr(p, ',');
		if (!p)
			break;
		*p++ = '\0';
	}
	if (n != 8 || p)
		return;
	m = master_by_name(s, tok[4], strlen(tok[4]));
	if (!m || strlen(tok[2]) != 40 || !parse_ll(tok[1], &port) ||
	    !parse_ll(tok[6], &mport) || port <= 0 || port > 65535 ||
	    mport <= 0 || mport > 65535 || strlen(tok[0]) >= IP_MAX_LEN ||
	    strlen(tok[5]) >= IP_MAX_LEN || !tok[0][0] || !tok[5][0])
		return; /* an empty address would not survive the rewrite */
	epoch = strtoull(tok[3], NULL, 10);
	config_epoch = strtoull(tok[7], NULL, 10);
	si = find_sentinel(m, tok[0], (int)port, tok[2]);
	if (!si) {
		/* The same run ID at another address: it moved. */
		sri **pp = &m->sentinels;

		while (*pp) {
			if (strcmp((*pp)->runid, tok[2]) == 0) {
				sri *dead = *pp;

				*pp = dead->next;
				instance_free(dead);
				removed++;
			} else {
				pp = &(*pp)->next;
			}
		}
		if (removed) {
			sentinel_event(
			    node, RKV_LOG_NOTICE, "+sentinel-address-switch", m,
			    "@ ip %s port %lld for %s", tok[0], port, tok[2]);
		} else {
			sri *other = find_sentinel(m, tok[0], (int)port, NULL);

			if (other) {
				sentinel_event(node, RKV_LOG_NOTICE,
					       "+sentinel-invalid-addr", other,
					       "@");
				link_close(other);
				other->port = 0; /* invalid until a hello */
			}
		}
		si = instance_new(node, tok[2], SRI_SENTINEL, tok[0], (int)port,
				  m->quorum, m);
		if (si) {
			memcpy(si->runid, tok[2], 41);
			list_append(&m->sentinels, si);
			if (!removed)
				sentinel_event(node, RKV_LOG_NOTICE,
					       "+sentinel", si, "@");
			flush_config(node);
		}
	}
	if (epoch > s->current_epoch) {
		s->current_epoch = epoch;
		flush_config(node);
		sentinel_event(node, RKV_LOG_WARNING, "+new-epoch", m, "%llu",
			       s->current_epoch);
	}
	if (si && m->config_epoch < config_epoch) {
		/* Our own failover of m, if one runs, is stale when the
		 * newer configuration is above its epoch: until it ended, our
		 * hellos would announce its promoted replica under the newer
		 * epoch (Redis does; rkv-sim found the sentinels split for
		 * good by it). */
		bool stale = (m->flags & SRI_FAILOVER_IN_PROGRESS) &&
			     config_epoch > m->failover_epoch;
		bool moved =
		    mport != m->port || rkv_strcasecmp(m->ip, tok[5]) != 0;
		char ip[IP_MAX_LEN];

		snprintf(ip, sizeof(ip), "%s", tok[5]);
		m->config_epoch = config_epoch;
		if (moved) {
			sentinel_event(node, RKV_LOG_WARNING,
				       "+config-update-from", si, "@");
			sentinel_event(node, RKV_LOG_WARNING, "+switch-master",
				       m, "%s %s %d %s %lld", m->name, m->ip,
				       m->port, ip, mport);
		}
		if (stale)
			supersede_failover(m, ip, (int)mport);
		else if (moved)
			reset_master_and_change_address(m, ip, (int)mport);
	}
	if (si)
		si->last_hello_time = now_ms(node);
}

/* ---------------------------------------------------------------------- */
/* The timer                                                              */
/* ---------------------------------------------------------------------- */

static void handle_instance(sri *ri)
{
	struct rkv_sentinel *s = ri->node->sentinel;

	link_reconnect(ri);
	periodic_commands(ri);
	link_flush(ri);
	if (s->tilt) {
		if (now_ms(ri->node) - s->tilt_start_time < TILT_PERIOD)
			return;
		s->tilt = false;
		sentinel_event(ri->node, RKV_LOG_WARNING, "-tilt", NULL,
			       "#tilt mode exited");
	}
	check_sdown(ri);
	if (ri->flags & SRI_MASTER) {
		check_odown(ri);
		if (start_failover_if_needed(ri))
			ask_other_sentinels(ri, true);
		failover_state_machine(ri);
		ask_other_sentinels(ri, false);
	}
	link_flush(ri);
}

/* Redis's sentinelCheckTiltCondition(): a clock jump or a stalled
 * process makes every timer's view wrong, so act on nothing for a while. */
static void check_tilt(rkv_node *node)
{
	struct rkv_sentinel *s = node->sentinel;
	int64_t now = now_ms(node);
	int64_t delta = now - s->previous_time;

	if (s->previous_time && (delta < 0 || delta > TILT_TRIGGER)) {
		s->tilt = true;
		s->tilt_start_time = now;
		sentinel_event(node, RKV_LOG_WARNING, "+tilt", NULL,
			       "#tilt mode entered");
	}
	s->previous_time = now;
}

/* Instances read from the configuration were created before the first
 * tick gave the time: their clocks start now. */
static void instance_clock_start(sri *ri, int64_t now)
{
	ri->last_avail_time = ri->act_ping_time = ri->last_pong_time = now;
	ri->role_reported_time = ri->slave_conf_change_time = now;
}

/* Redis's sentinelIsRunning(): save a newly drawn ID, say who we are and
 * what we monitor. */
static void sentinel_start(rkv_node *node)
{
	struct rkv_sentinel *s = node->sentinel;
	int64_t now = now_ms(node);

	s->started = true;
	for (sri *m = s->masters; m; m = m->next) {
		instance_clock_start(m, now);
		for (sri *r = m->slaves; r; r = r->next)
			instance_clock_start(r, now);
		for (sri *r = m->sentinels; r; r = r->next)
			instance_clock_start(r, now);
	}
	if (!s->myid_set)
		flush_config(node);
	rkv_node_logf(node, RKV_LOG_WARNING, "Sentinel ID is %s", s->myid);
	for (sri *m = s->masters; m; m = m->next)
		sentinel_event(node, RKV_LOG_WARNING, "+monitor", m,
			       "@ quorum %d", m->quorum);
}

void rkv_sentinel_cron(rkv_node *node)
{
	struct rkv_sentinel *s = node->sentinel;

	if (!s)
		return;
	if (!s->started)
		sentinel_start(node);
	check_tilt(node);
	for (unsigned i = 0; i < s->nhello; i++)
		process_hello(node, s->hello[i]);
	s->nhello = 0;
	for (sri *m = s->masters; m; m = m->next) {
		sri *switch_to = NULL;

		handle_instance(m);
		for (sri *r = m->slaves; r; r = r->next)
			handle_instance(r);
		for (sri *r = m->sentinels; r; r = r->next)
			handle_instance(r);
		if (m->failover_state == FO_UPDATE_CONFIG)
			switch_to = m;
		if (switch_to)
			switch_to_promoted(switch_to);
	}
}

/* ---------------------------------------------------------------------- */
/* Setup and configuration                                                */
/* ---------------------------------------------------------------------- */

int rkv_sentinel_init(rkv_node *node)
{
	struct rkv_sentinel *s = rkv_malloc(salloc(node), sizeof(*s));

	if (!s)
		return RKV_ERR_NOMEM;
	memset(s, 0, sizeof(*s));
	rkv_rand_hex(&node->rng, s->myid, 20);
	s->myid[40] = '\0';
	node->sentinel = s;
	return 0;
}

void rkv_sentinel_free(rkv_node *node)
{
	struct rkv_sentinel *s = node->sentinel;

	if (!s)
		return;
	list_free(&s->masters);
	rkv_free(salloc(node), s->announce_ip);
	rkv_free(salloc(node), s->sentinel_user);
	rkv_free(salloc(node), s->sentinel_pass);
	rkv_free(salloc(node), s);
	node->sentinel = NULL;
}

static sri *add_master(rkv_node *node, const char *name, const char *ip,
		       long long port, long long quorum, char *err,
		       size_t errlen)
{
	struct rkv_sentinel *s = node->sentinel;
	sri *m;

	if (master_by_name(s, name, strlen(name))) {
		snprintf(err, errlen, "Duplicate master name.");
		return NULL;
	}
	if (port < 0 || port > 65535) {
		snprintf(err, errlen, "Invalid port number.");
		return NULL;
	}
	if (strlen(name) >= NAME_MAX_LEN || strlen(ip) >= IP_MAX_LEN ||
	    strchr(name, ' ')) {
		snprintf(err, errlen, "Invalid master name or address");
		return NULL;
	}
	m = instance_new(node, name, SRI_MASTER, ip, (int)port, (int)quorum,
			 NULL);
	if (!m) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	list_append(&s->masters, m);
	return m;
}

/* Sets announce-ip, sentinel-user or sentinel-pass ("" unsets it) or
 * announce-port (Redis reads it with atoi() in the file). -1: out of
 * memory. */
static int sentinel_option_set(rkv_node *node, const char *opt, const char *val)
{
	struct rkv_sentinel *s = node->sentinel;
	char **slot =
	    !rkv_strcasecmp(opt, "announce-ip")	    ? &s->announce_ip
	    : !rkv_strcasecmp(opt, "sentinel-user") ? &s->sentinel_user
	    : !rkv_strcasecmp(opt, "sentinel-pass") ? &s->sentinel_pass
						    : NULL;
	long long n;

	if (!slot) {
		s->announce_port =
		    parse_ll(val, &n) && n > 0 && n <= 65535 ? (int)n : 0;
		return 0;
	}
	rkv_free(salloc(node), *slot);
	*slot = NULL;
	if (val[0] && !(*slot = dup_str(node, val)))
		return -1;
	return 0;
}

/* Redis's sentinelHandleConfiguration(). */
int rkv_sentinel_config(rkv_node *node, const char *const *argv, size_t argc,
			char *err, size_t errlen)
{
	struct rkv_sentinel *s = node->sentinel;
	const char *opt;
	long long n, port;
	sri *m = NULL;

	if (!s) {
		snprintf(err, errlen,
			 "sentinel directive while not in sentinel mode");
		return RKV_ERR_INVALID;
	}
	if (argc == 0)
		goto bad;
	opt = argv[0];
	/* The options naming a master: it must exist. */
	if (argc >= 2 && rkv_strcasecmp(opt, "monitor") != 0 &&
	    rkv_strcasecmp(opt, "myid") != 0 &&
	    rkv_strcasecmp(opt, "current-epoch") != 0) {
		m = master_by_name(s, argv[1], strlen(argv[1]));
	}
	if (!rkv_strcasecmp(opt, "monitor")) {
		if (argc != 5)
			goto bad;
		/* Redis reads both with atoi(): garbage is a quorum of 0 and a
		   port of 0; rkv refuses a port that is not a number. */
		if (!parse_ll(argv[4], &n))
			n = 0;
		if (n <= 0) {
			snprintf(err, errlen, "Quorum must be 1 or greater.");
			return RKV_ERR_INVALID;
		}
		if (!parse_ll(argv[3], &port))
			port = -1;
		if (!add_master(node, argv[1], argv[2], port, n, err, errlen))
			return RKV_ERR_INVALID;
		return 0;
	}
	if (!rkv_strcasecmp(opt, "myid") && argc == 2) {
		if (strlen(argv[1]) != 40) {
			snprintf(err, errlen,
				 "Malformed Sentinel id in myid option.");
			return RKV_ERR_INVALID;
		}
		memcpy(s->myid, argv[1], 41);
		s->myid_set = true;
		return 0;
	}
	if (!rkv_strcasecmp(opt, "current-epoch") && argc == 2) {
		if (!parse_ll(argv[1], &n) || n < 0)
			goto bad;
		if ((unsigned long long)n > s->current_epoch)
			s->current_epoch = (unsigned long long)n;
		return 0;
	}
	/* Options without effect here (scripts excepted: refused); the
	   yes/no ones checked as Redis does. */
	if (!rkv_strcasecmp(opt, "deny-scripts-reconfig") ||
	    !rkv_strcasecmp(opt, "resolve-hostnames") ||
	    !rkv_strcasecmp(opt, "announce-hostnames")) {
		if (argc != 2)
			goto bad;
		if (rkv_strcasecmp(argv[1], "yes") &&
		    rkv_strcasecmp(argv[1], "no")) {
			snprintf(
			    err, errlen,
			    "Please specify yes or no for the %s option%s.",
			    opt,
			    !rkv_strcasecmp(opt, "deny-scripts-reconfig") ? "s"
									  : "");
			return RKV_ERR_INVALID;
		}
		if (!rkv_strcasecmp(opt, "resolve-hostnames"))
			s->resolve_hostnames = !rkv_strcasecmp(argv[1], "yes");
		else if (!rkv_strcasecmp(opt, "announce-hostnames"))
			s->announce_hostnames = !rkv_strcasecmp(argv[1], "yes");
		return 0;
	}
	if (!rkv_strcasecmp(opt, "announce-ip") ||
	    !rkv_strcasecmp(opt, "announce-port") ||
	    !rkv_strcasecmp(opt, "sentinel-user") ||
	    !rkv_strcasecmp(opt, "sentinel-pass")) {
		if (argc != 2)
			goto bad;
		return sentinel_option_set(node, opt, argv[1]) < 0
			   ? RKV_ERR_NOMEM
			   : 0;
	}
	if (argc < 3)
		goto bad;
	if (!m) {
		snprintf(err, errlen, "No such master with specified name.");
		return RKV_ERR_INVALID;
	}
	if (!rkv_strcasecmp(opt, "down-after-milliseconds") && argc == 3) {
		if (!parse_ll(argv[2], &n) || n <= 0) {
			snprintf(err, errlen,
				 "negative or zero time parameter.");
			return RKV_ERR_INVALID;
		}
		m->down_after_period = n;
		for (sri *r = m->slaves; r; r = r->next)
			r->down_after_period = n;
		for (sri *r = m->sentinels; r; r = r->next)
			r->down_after_period = n;
		return 0;
	}
	if (!rkv_strcasecmp(opt, "failover-timeout") && argc == 3) {
		if (!parse_ll(argv[2], &n) || n <= 0) {
			snprintf(err, errlen,
				 "negative or zero time parameter.");
			return RKV_ERR_INVALID;
		}
		m->failover_timeout = n;
		return 0;
	}
	if (!rkv_strcasecmp(opt, "master-reboot-down-after-period") &&
	    argc == 3) {
		/* Accepted without effect (no reboot detection yet). */
		if (!parse_ll(argv[2], &n) || n < 0) {
			snprintf(err, errlen, "negative time parameter.");
			return RKV_ERR_INVALID;
		}
		return 0;
	}
	if (!rkv_strcasecmp(opt, "parallel-syncs") && argc == 3) {
		if (!parse_ll(argv[2], &n) || n <= 0 || n > 1000000)
			goto bad;
		m->parallel_syncs = (int)n;
		return 0;
	}
	if (!rkv_strcasecmp(opt, "auth-pass") && argc == 3) {
		rkv_free(salloc(node), m->auth_pass);
		m->auth_pass = argv[2][0] ? dup_str(node, argv[2]) : NULL;
		return 0;
	}
	if (!rkv_strcasecmp(opt, "auth-user") && argc == 3) {
		rkv_free(salloc(node), m->auth_user);
		m->auth_user = argv[2][0] ? dup_str(node, argv[2]) : NULL;
		return 0;
	}
	if (!rkv_strcasecmp(opt, "config-epoch") && argc == 3) {
		if (!parse_ll(argv[2], &n) || n < 0)
			goto bad;
		m->config_epoch = (unsigned long long)n;
		if (m->config_epoch > s->current_epoch)
			s->current_epoch = m->config_epoch;
		return 0;
	}
	if (!rkv_strcasecmp(opt, "leader-epoch") && argc == 3) {
		if (!parse_ll(argv[2], &n) || n < 0)
			goto bad;
		m->leader_epoch = (unsigned long long)n;
		return 0;
	}
	if ((!rkv_strcasecmp(opt, "known-slave") ||
	     !rkv_strcasecmp(opt, "known-replica")) &&
	    argc == 4) {
		sri *r;

		if (!parse_ll(argv[3], &port) || port < 0 || port > 65535) {
			snprintf(err, errlen, "Invalid port number.");
			return RKV_ERR_INVALID;
		}
		if (list_find_addr(m->slaves, argv[2], (int)port))
			return 0;
		r = instance_new(node, NULL, SRI_SLAVE, argv[2], (int)port,
				 m->quorum, m);
		if (!r)
			goto bad;
		list_append(&m->slaves, r);
		return 0;
	}
	if (!rkv_strcasecmp(opt, "known-sentinel") &&
	    (argc == 4 || argc == 5)) {
		sri *r;

		if (!parse_ll(argv[3], &port) || port < 0 || port > 65535) {
			snprintf(err, errlen, "Invalid port number.");
			return RKV_ERR_INVALID;
		}
		if (list_find_addr(m->sentinels, argv[2], (int)port))
			return 0;
		r = instance_new(
		    node, argc == 5 && strlen(argv[4]) == 40 ? argv[4] : NULL,
		    SRI_SENTINEL, argv[2], (int)port, m->quorum, m);
		if (!r)
			goto bad;
		if (argc == 5 && strlen(argv[4]) == 40)
			memcpy(r->runid, argv[4], 41);
		list_append(&m->sentinels, r);
		return 0;
	}
	if (!rkv_strcasecmp(opt, "rename-command") && argc == 4)
		return 0;
	if ((!rkv_strcasecmp(opt, "notification-script") ||
	     !rkv_strcasecmp(opt, "client-reconfig-script")) &&
	    argc == 3) {
		snprintf(err, errlen,
			 "'sentinel %s' is not supported by rkv yet", opt);
		return RKV_ERR_INVALID;
	}
bad:
	snprintf(err, errlen, "Unrecognized sentinel configuration statement.");
	return RKV_ERR_INVALID;
}

static __attribute__((format(printf, 2, 3))) void out_line(rkv_buf *out,
							   const char *fmt, ...)
{
	char line[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(line))
		n = sizeof(line) - 1;
	rkv_buf_append(out, line, (size_t)n);
	rkv_buf_append(out, "\n", 1);
}

/* Redis's rewriteConfigSentinelOption(). */
void rkv_sentinel_rewrite(rkv_node *node, rkv_buf *out)
{
	struct rkv_sentinel *s = node->sentinel;

	if (!s)
		return;
	out_line(out, "sentinel myid %s", s->myid);
	if (s->resolve_hostnames)
		out_line(out, "sentinel resolve-hostnames yes");
	if (s->announce_hostnames)
		out_line(out, "sentinel announce-hostnames yes");
	for (sri *m = s->masters; m; m = m->next) {
		/* During a failover's last step the new address is the one
		 * to remember. */
		const sri *a =
		    m->failover_state >= FO_RECONF_SLAVES && m->promoted_slave
			? m->promoted_slave
			: m;

		out_line(out, "sentinel monitor %s %s %d %d", m->name, a->ip,
			 a->port, m->quorum);
		if (m->down_after_period != DEFAULT_DOWN_AFTER)
			out_line(out,
				 "sentinel down-after-milliseconds %s %lld",
				 m->name, (long long)m->down_after_period);
		if (m->failover_timeout != DEFAULT_FAILOVER_TIMEOUT)
			out_line(out, "sentinel failover-timeout %s %lld",
				 m->name, (long long)m->failover_timeout);
		if (m->parallel_syncs != DEFAULT_PARALLEL_SYNCS)
			out_line(out, "sentinel parallel-syncs %s %d", m->name,
				 m->parallel_syncs);
		if (m->auth_pass)
			out_line(out, "sentinel auth-pass %s %s", m->name,
				 m->auth_pass);
		if (m->auth_user)
			out_line(out, "sentinel auth-user %s %s", m->name,
				 m->auth_user);
		out_line(out, "sentinel config-epoch %s %llu", m->name,
			 m->config_epoch);
		out_line(out, "sentinel leader-epoch %s %llu", m->name,
			 m->leader_epoch);
		for (sri *r = m->slaves; r; r = r->next) {
			if (r->port == a->port &&
			    rkv_strcasecmp(r->ip, a->ip) == 0)
				continue;
			out_line(out, "sentinel known-replica %s %s %d",
				 m->name, r->ip, r->port);
		}
		if (a != m)
			out_line(out, "sentinel known-replica %s %s %d",
				 m->name, m->ip, m->port);
		for (sri *r = m->sentinels; r; r = r->next) {
			if (r->runid[0])
				out_line(out,
					 "sentinel known-sentinel %s %s %d %s",
					 m->name, r->ip, r->port, r->runid);
			else
				out_line(out,
					 "sentinel known-sentinel %s %s %d",
					 m->name, r->ip, r->port);
		}
	}
	out_line(out, "sentinel current-epoch %llu", s->current_epoch);
	if (s->announce_ip)
		out_line(out, "sentinel announce-ip %s", s->announce_ip);
	if (s->announce_port)
		out_line(out, "sentinel announce-port %d", s->announce_port);
	if (s->sentinel_user)
		out_line(out, "sentinel sentinel-user %s", s->sentinel_user);
	if (s->sentinel_pass)
		out_line(out, "sentinel sentinel-pass %s", s->sentinel_pass);
}

/* ---------------------------------------------------------------------- */
/* Commands                                                               */
/* ---------------------------------------------------------------------- */

/* The commands Redis 7.0 flags CMD_SENTINEL. */
static const char *const sentinel_commands[] = {
    "acl",  "auth",	"client",     "command",   "hello",
    "info", "ping",	"psubscribe", "publish",   "punsubscribe",
    "role", "sentinel", "shutdown",   "subscribe", "unsubscribe",
};

bool rkv_sentinel_hides(const rkv_node *node, const rkv_command *cmd)
{
	if (!node->sentinel)
		return cmd->proc == rkv_cmd_sentinel;
	for (size_t i = 0;
	     i < sizeof(sentinel_commands) / sizeof(*sentinel_commands); i++)
		if (strcmp(cmd->name, sentinel_commands[i]) == 0)
			return false;
	return true;
}

static __attribute__((format(printf, 3, 4))) void
info_kv(rkv_buf *out, const char *name, const char *fmt, ...)
{
	char val[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(val, sizeof(val), fmt, ap);
	va_end(ap);
	rkv_buf_append(out, name, strlen(name));
	rkv_buf_append(out, ":", 1);
	rkv_buf_append(out, val, strlen(val));
	rkv_buf_append(out, "\r\n", 2);
}

void rkv_sentinel_info(rkv_node *node, rkv_buf *out)
{
	struct rkv_sentinel *s = node->sentinel;
	int i = 0;

	if (!s)
		return;
	info_kv(out, "sentinel_masters", "%zu", list_len(s->masters));
	info_kv(out, "sentinel_tilt", "%d", s->tilt ? 1 : 0);
	info_kv(out, "sentinel_tilt_since_seconds", "%lld",
		s->tilt ? (long long)(now_ms(node) - s->tilt_start_time) / 1000
			: -1LL);
	info_kv(out, "sentinel_running_scripts", "%d", 0);
	info_kv(out, "sentinel_scripts_queue_length", "%d", 0);
	info_kv(out, "sentinel_simulate_failure_flags", "%d", 0);
	for (sri *m = s->masters; m; m = m->next) {
		char name[32];
		const char *status = (m->flags & SRI_O_DOWN)   ? "odown"
				     : (m->flags & SRI_S_DOWN) ? "sdown"
							       : "ok";

		snprintf(name, sizeof(name), "master%d", i++);
		info_kv(out, name,
			"name=%s,status=%s,address=%s:%d,slaves=%zu,"
			"sentinels=%zu",
			m->name, status, m->ip, m->port, list_len(m->slaves),
			list_len(m->sentinels) + 1);
	}
}

bool rkv_sentinel_role_reply(rkv_conn *c)
{
	struct rkv_sentinel *s = c->node->sentinel;

	if (!s)
		return false;
	rkv_resp_add_array(&c->obuf, 2);
	rkv_resp_add_bulk(&c->obuf, "sentinel", 8);
	rkv_resp_add_array(&c->obuf, (long long)list_len(s->masters));
	for (sri *m = s->masters; m; m = m->next)
		rkv_resp_add_bulk(&c->obuf, m->name, strlen(m->name));
	return true;
}

bool rkv_sentinel_publish(rkv_conn *c, size_t argc, const rkv_slice *argv)
{
	(void)argc;
	if (!c->node->sentinel)
		return false;
	if (argv[1].len == strlen(HELLO_CHANNEL) &&
	    memcmp(argv[1].ptr, HELLO_CHANNEL, argv[1].len) == 0) {
		/* Another sentinel's hello, sent to us directly. */
		hello_queue(c->node, argv[2].ptr, argv[2].len);
		rkv_resp_add_integer(&c->obuf, 1);
		return true;
	}
	rkv_resp_add_errorf(&c->obuf, "Only HELLO messages are accepted by "
				      "Sentinel instances.");
	return true;
}

static void add_field(rkv_conn *c, const char *name, const char *val)
{
	rkv_resp_add_bulk(&c->obuf, name, strlen(name));
	rkv_resp_add_bulk(&c->obuf, val, strlen(val));
}

static void add_field_ll(rkv_conn *c, const char *name, long long v)
{
	char num[32];

	snprintf(num, sizeof(num), "%lld", v);
	add_field(c, name, num);
}

static const char *fo_state_str(enum fo_state st)
{
	static const char *const names[] = {
	    "none",	      "wait_start",
	    "select_slave",   "send_slaveof_noone",
	    "wait_promotion", "reconf_slaves",
	    "update_config"};

	return names[st];
}

/* Redis's addReplySentinelRedisInstance(). */
static void reply_instance(rkv_conn *c, const sri *ri)
{
	int64_t now = now_ms(ri->node);
	static const struct {
		int flag;
		const char *name;
	} flag_names[] = {
	    {SRI_S_DOWN, "s_down"},
	    {SRI_O_DOWN, "o_down"},
	    {SRI_MASTER, "master"},
	    {SRI_SLAVE, "slave"},
	    {SRI_SENTINEL, "sentinel"},
	    {-1, "disconnected"},
	    {SRI_MASTER_DOWN, "master_down"},
	    {SRI_FAILOVER_IN_PROGRESS, "failover_in_progress"},
	    {SRI_PROMOTED, "promoted"},
	    {SRI_RECONF_SENT, "reconf_sent"},
	    {SRI_RECONF_INPROG, "reconf_inprog"},
	    {SRI_RECONF_DONE, "reconf_done"},
	    {SRI_FORCE_FAILOVER, "force_failover"},
	};
	char flags[256];
	size_t fl = 0;
	long long fields = 0;

	flags[0] = '\0';
	for (size_t i = 0; i < sizeof(flag_names) / sizeof(*flag_names); i++) {
		bool on = flag_names[i].flag < 0
			      ? ri->disconnected
			      : (ri->flags & flag_names[i].flag) != 0;

		if (on)
			fl += (size_t)snprintf(flags + fl, sizeof(flags) - fl,
					       "%s,", flag_names[i].name);
	}
	if (fl)
		flags[fl - 1] = '\0';
	/* The field count depends on the instance: write a placeholder
	 * header, count, then patch it by writing into a scratch buffer. */
	{
		rkv_buf save = c->obuf;
		rkv_buf tmp;

		rkv_buf_init(&tmp, save.alloc);
		c->obuf = tmp;
#define F(n, v)                                                                \
	do {                                                                   \
		add_field(c, n, v);                                            \
		fields++;                                                      \
	} while (0)
#define FL(n, v)                                                               \
	do {                                                                   \
		add_field_ll(c, n, v);                                         \
		fields++;                                                      \
	} while (0)
		F("name", ri->name);
		F("ip", ri->ip);
		FL("port", ri->port);
		F("runid", ri->runid);
		F("flags", flags);
		FL("link-pending-commands", ri->pending);
		FL("link-refcount", 1);
		if (ri->flags & SRI_FAILOVER_IN_PROGRESS)
			F("failover-state", fo_state_str(ri->failover_state));
		FL("last-ping-sent",
		   ri->act_ping_time ? now - ri->act_ping_time : 0);
		FL("last-ok-ping-reply", now - ri->last_avail_time);
		FL("last-ping-reply", now - ri->last_pong_time);
		if (ri->flags & SRI_S_DOWN)
			FL("s-down-time", now - ri->s_down_since_time);
		if (ri->flags & SRI_O_DOWN)
			FL("o-down-time", now - ri->o_down_since_time);
		FL("down-after-milliseconds", ri->down_after_period);
		if (ri->flags & (SRI_MASTER | SRI_SLAVE)) {
			FL("info-refresh",
			   ri->info_refresh ? now - ri->info_refresh : 0);
			F("role-reported",
			  ri->role_reported == SRI_MASTER ? "master" : "slave");
			FL("role-reported-time", now - ri->role_reported_time);
		}
		if (ri->flags & SRI_MASTER) {
			FL("config-epoch", (long long)ri->config_epoch);
			FL("num-slaves", (long long)list_len(ri->slaves));
			FL("num-other-sentinels",
			   (long long)list_len(ri->sentinels));
			FL("quorum", ri->quorum);
			FL("failover-timeout", ri->failover_timeout);
			FL("parallel-syncs", ri->parallel_syncs);
		}
		if (ri->flags & SRI_SLAVE) {
			FL("master-link-down-time", ri->master_link_down_time);
			F("master-link-status",
			  ri->slave_master_link_up ? "ok" : "err");
			F("master-host", ri->slave_master_host[0]
					     ? ri->slave_master_host
					     : "?");
			FL("master-port", ri->slave_master_port);
			FL("slave-priority", ri->slave_priority);
			FL("slave-repl-offset", ri->slave_repl_offset);
			FL("replica-announced", ri->replica_announced);
		}
		if (ri->flags & SRI_SENTINEL) {
			FL("last-hello-message",
			   ri->last_hello_time ? now - ri->last_hello_time : 0);
			F("voted-leader", ri->leader[0] ? ri->leader : "?");
			FL("voted-leader-epoch", (long long)ri->leader_epoch);
		}
#undef F
#undef FL
		tmp = c->obuf;
		c->obuf = save;
		rkv_resp_add_map(&c->obuf, c->proto, fields);
		rkv_buf_append(&c->obuf, rkv_buf_head(&tmp), tmp.len);
		if (tmp.oom)
			c->obuf.oom = true;
		rkv_buf_free(&tmp);
	}
}

static void reply_list(rkv_conn *c, const sri *list)
{
	rkv_resp_add_array(&c->obuf, (long long)list_len(list));
	for (; list; list = list->next)
		reply_instance(c, list);
}

static sri *master_or_error(rkv_conn *c, const rkv_slice *name)
{
	sri *m = master_by_name(c->node->sentinel, name->ptr, name->len);

	if (!m)
		rkv_resp_add_errorf(&c->obuf, "No such master with that name");
	return m;
}

static void cmd_is_master_down(rkv_conn *c, const rkv_slice *argv)
{
	struct rkv_sentinel *s = c->node->sentinel;
	long long port, epoch;
	char ip[IP_MAX_LEN], runid[NAME_MAX_LEN];
	const char *leader = NULL;
	unsigned long long leader_epoch = 0;
	bool down = false;
	sri *m = NULL;

	if (!rkv_arg_ll(c, &argv[3], &port) || !rkv_arg_ll(c, &argv[4], &epoch))
		return;
	snprintf(
	    ip, sizeof(ip), "%.*s",
	    (int)(argv[2].len < IP_MAX_LEN - 1 ? argv[2].len : IP_MAX_LEN - 1),
	    argv[2].ptr);
	snprintf(runid, sizeof(runid), "%.*s",
		 (int)(argv[5].len < NAME_MAX_LEN - 1 ? argv[5].len
						      : NAME_MAX_LEN - 1),
		 argv[5].ptr);
	m = list_find_addr(s->masters, ip, (int)port);
	if (!s->tilt && m && (m->flags & SRI_S_DOWN))
		down = true;
	if (m && rkv_strcasecmp(runid, "*") != 0) {
		leader = vote_leader(m, (unsigned long long)epoch, runid,
				     &leader_epoch);
		if (!leader[0])
			leader = NULL;
	}
	rkv_resp_add_array(&c->obuf, 3);
	rkv_resp_add_integer(&c->obuf, down ? 1 : 0);
	rkv_resp_add_bulk(&c->obuf, leader ? leader : "*",
			  strlen(leader ? leader : "*"));
	/* The epoch of the vote we hold, even when it is not for anyone
	 * (a vote restored from the configuration), as Redis replies. */
	rkv_resp_add_integer(&c->obuf, (long long)leader_epoch);
}

static void cmd_ckquorum(rkv_conn *c, sri *m)
{
	int voters = (int)list_len(m->sentinels) + 1, usable = 1;
	bool noquorum, noauth;
	char e[512];

	for (sri *r = m->sentinels; r; r = r->next)
		if (!(r->flags & (SRI_S_DOWN | SRI_O_DOWN)))
			usable++;
	noquorum = usable < m->quorum;
	noauth = usable < voters / 2 + 1;
	if (!noquorum && !noauth) {
		snprintf(e, sizeof(e),
			 "OK %d usable Sentinels. Quorum and failover "
			 "authorization can be reached",
			 usable);
		rkv_resp_add_status(&c->obuf, e, strlen(e));
		return;
	}
	snprintf(e, sizeof(e), "-NOQUORUM %d usable Sentinels. %s%s%s", usable,
		 noquorum ? "Not enough available Sentinels to reach the "
			    "specified quorum for this master"
			  : "",
		 noquorum && noauth ? ". " : "",
		 noauth ? "Not enough available Sentinels to reach the "
			  "majority and authorize a failover"
			: "");
	rkv_resp_add_error(&c->obuf, e, strlen(e));
}

static int reset_by_pattern(rkv_node *node, const rkv_slice *pat)
{
	int n = 0;

	for (sri *m = node->sentinel->masters; m; m = m->next) {
		if (rkv_glob_match(pat->ptr, pat->len, m->name, strlen(m->name),
				   false)) {
			reset_master(m, RESET_EVENT);
			n++;
		}
	}
	return n;
}

static void cmd_monitor(rkv_conn *c, const rkv_slice *argv)
{
	char name[NAME_MAX_LEN], ip[IP_MAX_LEN], err[128];
	long long port, quorum;
	sri *m;

	if (!rkv_string2ll(argv[5].ptr, argv[5].len, &quorum)) {
		rkv_resp_add_errorf(&c->obuf, "Invalid quorum");
		return;
	}
	if (quorum <= 0) {
		rkv_resp_add_errorf(&c->obuf, "Quorum must be 1 or greater.");
		return;
	}
	if (!rkv_string2ll(argv[4].ptr, argv[4].len, &port)) {
		rkv_resp_add_errorf(&c->obuf, "Invalid port");
		return;
	}
	if (port < 0 || port > 65535) {
		rkv_resp_add_errorf(&c->obuf, "Invalid port number.");
		return;
	}
	if (argv[2].len >= sizeof(name) || argv[3].len >= sizeof(ip)) {
		rkv_resp_add_errorf(&c->obuf,
				    "Invalid IP address or hostname specified");
		return;
	}
	snprintf(name, sizeof(name), "%.*s", (int)argv[2].len, argv[2].ptr);
	snprintf(ip, sizeof(ip), "%.*s", (int)argv[3].len, argv[3].ptr);
	m = add_master(c->node, name, ip, port, quorum, err, sizeof(err));
	if (!m) {
		rkv_resp_add_errorf(&c->obuf, "%s", err);
		return;
	}
	flush_config(c->node);
	sentinel_event(c->node, RKV_LOG_WARNING, "+monitor", m, "@ quorum %d",
		       m->quorum);
	rkv_reply_ok(c);
}

static void cmd_remove(rkv_conn *c, sri *m)
{
	struct rkv_sentinel *s = c->node->sentinel;
	sri **pp = &s->masters;

	sentinel_event(c->node, RKV_LOG_WARNING, "-monitor", m, "@");
	while (*pp != m)
		pp = &(*pp)->next;
	*pp = m->next;
	instance_free(m);
	flush_config(c->node);
	rkv_reply_ok(c);
}

static void cmd_set(rkv_conn *c, sri *m, size_t argc, const rkv_slice *argv)
{
	for (size_t i = 3; i + 1 < argc; i += 2) {
		char opt[64], val[256], err[128];
		const char *cargv[3] = {opt, m->name, val};
		int rc;

		if (argv[i].len >= sizeof(opt) ||
		    argv[i + 1].len >= sizeof(val)) {
			rkv_resp_add_errorf(
			    &c->obuf, "Invalid argument for SENTINEL SET");
			return;
		}
		snprintf(opt, sizeof(opt), "%.*s", (int)argv[i].len,
			 argv[i].ptr);
		snprintf(val, sizeof(val), "%.*s", (int)argv[i + 1].len,
			 argv[i + 1].ptr);
		if (!rkv_strcasecmp(opt, "quorum")) {
			long long q;

			if (!rkv_string2ll(val, strlen(val), &q) || q <= 0) {
				rkv_resp_add_errorf(
				    &c->obuf,
				    "Invalid argument '%s' for SENTINEL SET "
				    "'%s'",
				    val, opt);
				return;
			}
			m->quorum = (int)q;
			rc = 0;
		} else if (!rkv_strcasecmp(opt, "down-after-milliseconds") ||
			   !rkv_strcasecmp(opt, "failover-timeout") ||
			   !rkv_strcasecmp(opt, "parallel-syncs") ||
			   !rkv_strcasecmp(opt, "auth-pass") ||
			   !rkv_strcasecmp(opt, "auth-user")) {
			rc = rkv_sentinel_config(c->node, cargv, 3, err,
						 sizeof(err));
		} else {
			rkv_resp_add_errorf(&c->obuf,
					    "Invalid argument '%s' for "
					    "SENTINEL SET '%s'",
					    val, opt);
			return;
		}
		if (rc < 0) {
			rkv_resp_add_errorf(&c->obuf,
					    "Invalid argument '%s' for "
					    "SENTINEL SET '%s'",
					    val, opt);
			return;
		}
		sentinel_event(c->node, RKV_LOG_WARNING, "+set", m, "@ %s %s",
			       opt, val);
	}
	flush_config(c->node);
	rkv_reply_ok(c);
}

/* Redis 7.0's SENTINEL CONFIG GET <pattern> / SET <option> <value>. */
static void cmd_config(rkv_conn *c, size_t argc, const rkv_slice *argv)
{
	static const char *const opts[] = {
	    "resolve-hostnames", "announce-hostnames", "announce-ip",
	    "announce-port",	 "sentinel-user",      "sentinel-pass"};
	struct rkv_sentinel *s = c->node->sentinel;
	char vals[6][32], opt[32], val[256];
	const char *v[6];
	int matches = 0;
	bool match[6];

	if (argc == 4 && rkv_arg_is(&argv[2], "get")) {
		snprintf(vals[0], sizeof(vals[0]), "%s",
			 s->resolve_hostnames ? "yes" : "no");
		snprintf(vals[1], sizeof(vals[1]), "%s",
			 s->announce_hostnames ? "yes" : "no");
		snprintf(vals[3], sizeof(vals[3]), "%d", s->announce_port);
		v[0] = vals[0];
		v[1] = vals[1];
		v[2] = s->announce_ip ? s->announce_ip : "";
		v[3] = vals[3];
		v[4] = s->sentinel_user ? s->sentinel_user : "";
		v[5] = s->sentinel_pass ? s->sentinel_pass : "";
		for (int i = 0; i < 6; i++) {
			match[i] =
			    rkv_glob_match(argv[3].ptr, argv[3].len, opts[i],
					   strlen(opts[i]), true);
			matches += match[i];
		}
		rkv_resp_add_map(&c->obuf, c->proto, matches);
		for (int i = 0; i < 6; i++) {
			if (!match[i])
				continue;
			rkv_resp_add_bulk(&c->obuf, opts[i], strlen(opts[i]));
			rkv_resp_add_bulk(&c->obuf, v[i], strlen(v[i]));
		}
		return;
	}
	if (argc != 5 || !rkv_arg_is(&argv[2], "set")) {
		rkv_resp_add_errorf(&c->obuf,
				    "Only SENTINEL CONFIG GET <option> / SET "
				    "<option> <value> are supported.");
		return;
	}
	snprintf(opt, sizeof(opt), "%.*s",
		 (int)(argv[3].len < 31 ? argv[3].len : 31), argv[3].ptr);
	snprintf(val, sizeof(val), "%.*s",
		 (int)(argv[4].len < 255 ? argv[4].len : 255), argv[4].ptr);
	if (rkv_arg_is(&argv[3], "resolve-hostnames") ||
	    rkv_arg_is(&argv[3], "announce-hostnames")) {
		bool yes = rkv_arg_is(&argv[4], "yes");

		if (!yes && !rkv_arg_is(&argv[4], "no"))
			goto badfmt;
		if (rkv_arg_is(&argv[3], "resolve-hostnames"))
			s->resolve_hostnames = yes;
		else
			s->announce_hostnames = yes;
	} else if (rkv_arg_is(&argv[3], "announce-port")) {
		long long n;

		if (!rkv_string2ll(argv[4].ptr, argv[4].len, &n) || n < 0 ||
		    n > 65535)
			goto badfmt;
		s->announce_port = (int)n;
	} else if (rkv_arg_is(&argv[3], "announce-ip") ||
		   rkv_arg_is(&argv[3], "sentinel-user") ||
		   rkv_arg_is(&argv[3], "sentinel-pass")) {
		if (argv[4].len >= sizeof(val) - 1 ||
		    memchr(argv[4].ptr, 0, argv[4].len))
			goto badfmt;
		if (sentinel_option_set(c->node, opt, val) < 0) {
			rkv_reply_oom(c);
			return;
		}
	} else {
		rkv_resp_add_errorf(
		    &c->obuf,
		    "Invalid argument '%.*s' to SENTINEL "
		    "CONFIG SET",
		    (int)(argv[3].len < 128 ? argv[3].len : 128), argv[3].ptr);
		return;
	}
	flush_config(c->node);
	rkv_reply_ok(c);
	return;
badfmt:
	rkv_resp_add_errorf(&c->obuf,
			    "Invalid value '%s' to SENTINEL CONFIG SET '%s'",
			    val, opt);
}

static const char *const sentinel_help[] = {
    "SENTINEL <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "CKQUORUM <master-name>",
    "    Check if the current Sentinel configuration is able to reach the "
    "quorum",
    "    needed to failover a master and the majority needed to authorize "
    "the",
    "    failover.",
    "CONFIG SET <param> <value>",
    "    Set a global Sentinel configuration parameter.",
    "CONFIG GET <param>",
    "    Get global Sentinel configuration parameter.",
    "DEBUG [<param> <value> ...]",
    "    Show a list of configurable time parameters and their values "
    "(milliseconds).",
    "    Or update current configurable parameters values (one or more).",
    "GET-MASTER-ADDR-BY-NAME <master-name>",
    "    Return the ip and port number of the master with that name.",
    "FAILOVER <master-name>",
    "    Manually failover a master node without asking for agreement from "
    "other",
    "    Sentinels",
    "FLUSHCONFIG",
    "    Force Sentinel to rewrite its configuration on disk, including the "
    "current",
    "    Sentinel state.",
    "INFO-CACHE <master-name>",
    "    Return last cached INFO output from masters and all its replicas.",
    "IS-MASTER-DOWN-BY-ADDR <ip> <port> <current-epoch> <runid>",
    "    Check if the master specified by ip:port is down from current "
    "Sentinel's",
    "    point of view.",
    "MASTER <master-name>",
    "    Show the state and info of the specified master.",
    "MASTERS",
    "    Show a list of monitored masters and their state.",
    "MONITOR <name> <ip> <port> <quorum>",
    "    Start monitoring a new master with the specified name, ip, port and "
    "quorum.",
    "MYID",
    "    Return the ID of the Sentinel instance.",
    "PENDING-SCRIPTS",
    "    Get pending scripts information.",
    "REMOVE <master-name>",
    "    Remove master from Sentinel's monitor list.",
    "REPLICAS <master-name>",
    "    Show a list of replicas for this master and their state.",
    "RESET <pattern>",
    "    Reset masters for specific master name matching this pattern.",
    "SENTINELS <master-name>",
    "    Show a list of Sentinel instances for this master and their state.",
    "SET <master-name> <option> <value> [<option> <value> ...]",
    "    Set configuration parameters for certain masters.",
    "SIMULATE-FAILURE [CRASH-AFTER-ELECTION] [CRASH-AFTER-PROMOTION] [HELP]",
    "    Simulate a Sentinel crash.",
    "HELP",
    "    Prints this help.",
};

void rkv_cmd_sentinel(rkv_conn *c, size_t argc, const rkv_slice *argv)
{
	struct rkv_sentinel *s = c->node->sentinel;
	const rkv_slice *sub = &argv[1];
	sri *m;

	if (!s) {
		rkv_resp_add_errorf(&c->obuf, "This instance has sentinel "
					      "support disabled");
		return;
	}
	if (rkv_arg_is(sub, "masters")) {
		reply_list(c, s->masters);
	} else if (rkv_arg_is(sub, "master")) {
		if ((m = master_or_error(c, &argv[2])))
			reply_instance(c, m);
	} else if (rkv_arg_is(sub, "replicas") || rkv_arg_is(sub, "slaves")) {
		if ((m = master_or_error(c, &argv[2])))
			reply_list(c, m->slaves);
	} else if (rkv_arg_is(sub, "sentinels")) {
		if ((m = master_or_error(c, &argv[2])))
			reply_list(c, m->sentinels);
	} else if (rkv_arg_is(sub, "myid")) {
		rkv_resp_add_bulk(&c->obuf, s->myid, 40);
	} else if (rkv_arg_is(sub, "get-master-addr-by-name")) {
		char port[16];
		const sri *a;

		m = master_by_name(s, argv[2].ptr, argv[2].len);
		if (!m) {
			rkv_resp_add_null_array(&c->obuf, c->proto);
			return;
		}
		a = current_master_addr(m);
		snprintf(port, sizeof(port), "%d", a->port);
		rkv_resp_add_array(&c->obuf, 2);
		rkv_resp_add_bulk(&c->obuf, a->ip, strlen(a->ip));
		rkv_resp_add_bulk(&c->obuf, port, strlen(port));
	} else if (rkv_arg_is(sub, "is-master-down-by-addr")) {
		cmd_is_master_down(c, argv);
	} else if (rkv_arg_is(sub, "ckquorum")) {
		if ((m = master_or_error(c, &argv[2])))
			cmd_ckquorum(c, m);
	} else if (rkv_arg_is(sub, "reset")) {
		rkv_resp_add_integer(&c->obuf,
				     reset_by_pattern(c->node, &argv[2]));
	} else if (rkv_arg_is(sub, "failover")) {
		if (!(m = master_or_error(c, &argv[2])))
			return;
		if (m->flags & SRI_FAILOVER_IN_PROGRESS) {
			rkv_resp_add_errorf(&c->obuf, "-INPROG Failover "
						      "already in progress");
			return;
		}
		if (!select_slave(m)) {
			rkv_resp_add_errorf(&c->obuf,
					    "-NOGOODSLAVE No suitable replica "
					    "to promote");
			return;
		}
		rkv_node_logf(c->node, RKV_LOG_WARNING,
			      "Executing user requested FAILOVER of '%s'",
			      m->name);
		start_failover(m);
		m->flags |= SRI_FORCE_FAILOVER;
		rkv_reply_ok(c);
	} else if (rkv_arg_is(sub, "monitor")) {
		cmd_monitor(c, argv);
	} else if (rkv_arg_is(sub, "remove")) {
		if ((m = master_or_error(c, &argv[2])))
			cmd_remove(c, m);
	} else if (rkv_arg_is(sub, "set")) {
		if ((m = master_or_error(c, &argv[2])))
			cmd_set(c, m, argc, argv);
	} else if (rkv_arg_is(sub, "flushconfig")) {
		flush_config(c->node);
		rkv_reply_ok(c);
	} else if (rkv_arg_is(sub, "config")) {
		cmd_config(c, argc, argv);
	} else if (rkv_arg_is(sub, "help") && argc == 2) {
		size_t n = sizeof(sentinel_help) / sizeof(*sentinel_help);

		rkv_resp_add_array(&c->obuf, (long long)n);
		for (size_t i = 0; i < n; i++)
			rkv_resp_add_status(&c->obuf, sentinel_help[i],
					    strlen(sentinel_help[i]));
	} else {
		rkv_resp_add_errorf(&c->obuf,
				    "unknown subcommand '%.*s'. Try SENTINEL "
				    "HELP.",
				    (int)(sub->len < 128 ? sub->len : 128),
				    sub->ptr);
	}
}
