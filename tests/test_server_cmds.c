/* Unit tests: the server commands (INFO, CLIENT, COMMAND, SLOWLOG, LATENCY,
 * MONITOR, SHUTDOWN) on an in-process node with several connections whose
 * replies are captured. Error texts are those redis-server 7.0.15 sends
 * (checked by hand against it, see docs/server.md). */
#define _GNU_SOURCE /* memmem */
#include <check.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "commands.h"

#define OUT_CAP (1 << 20)

typedef struct client {
	rkv_conn *conn;
	char *out;
	size_t len;
	int closes;
} client;

static client CL[3];
static rkv_node *node;
static int64_t clock_us;
static int64_t step_us; /* added after every clock read */
static int events;
static rkv_event_type ev_type;
static char ev_name[32], ev_detail[32];
static rkv_conn *ev_conn;
static int info_calls;
static char logbuf[4096];

static int64_t h_send(rkv_node *n, rkv_conn *c, const uint8_t *data, size_t len,
		      void *ud)
{
	client *cl = rkv_conn_user_data(c);

	(void)n;
	(void)ud;
	ck_assert_uint_lt(cl->len + len, OUT_CAP);
	memcpy(cl->out + cl->len, data, len);
	cl->len += len;
	cl->out[cl->len] = '\0';
	return (int64_t)len;
}

static void h_close(rkv_node *n, rkv_conn *c, void *ud)
{
	client *cl = rkv_conn_user_data(c);

	(void)n;
	(void)ud;
	cl->closes++;
}

static int64_t h_clock(rkv_node *n, void *ud)
{
	int64_t now = clock_us;

	(void)n;
	(void)ud;
	clock_us += step_us;
	return now;
}

static void h_event(rkv_node *n, const rkv_event *ev, void *ud)
{
	(void)n;
	(void)ud;
	events++;
	ev_type = ev->type;
	ev_conn = ev->conn;
	snprintf(ev_name, sizeof(ev_name), "%s", ev->name);
	snprintf(ev_detail, sizeof(ev_detail), "%s", ev->detail);
}

static void h_log(rkv_node *n, rkv_log_level level, const char *msg, void *ud)
{
	size_t l = strlen(logbuf);

	(void)n;
	(void)level;
	(void)ud;
	snprintf(logbuf + l, sizeof(logbuf) - l, "%s\n", msg);
}

static void h_info(rkv_node *n, const char *section, rkv_info_writer *w,
		   void *ud)
{
	(void)n;
	(void)ud;
	info_calls++;
	if (!strcmp(section, "server")) {
		ck_assert_int_eq(rkv_info_add(w, "process_id", "4242"), 0);
		ck_assert_int_eq(rkv_info_add(w, "gcc_version", "12.2.0"), 0);
		ck_assert_int_eq(rkv_info_add(w, "tcp_port", "7777"), 0);
		ck_assert_int_eq(rkv_info_add(w, "host_extra", "yes"), 0);
		ck_assert_int_eq(rkv_info_add(w, "bad:name", "x"),
				 RKV_ERR_INVALID);
		ck_assert_int_eq(rkv_info_add(w, "bad", "x\r\ny"),
				 RKV_ERR_INVALID);
		ck_assert_int_eq(rkv_info_add(w, "", "x"), RKV_ERR_INVALID);
		ck_assert_int_eq(rkv_info_add(NULL, "a", "x"), RKV_ERR_INVALID);
	} else if (!strcmp(section, "cpu")) {
		rkv_info_add(w, "used_cpu_sys", "0.500000");
		rkv_info_add(w, "used_cpu_user", "1.250000");
	} else if (!strcmp(section, "memory")) {
		rkv_info_add(w, "used_memory_rss", "2097152");
	}
}

static void make_node(bool with_event, bool with_info)
{
	rkv_callbacks *cbs;

	ck_assert_int_eq(rkv_callbacks_new(&cbs), 0);
	rkv_callbacks_set_send(cbs, h_send);
	rkv_callbacks_set_close(cbs, h_close);
	rkv_callbacks_set_clock(cbs, h_clock);
	rkv_callbacks_set_log(cbs, h_log);
	if (with_event)
		rkv_callbacks_set_event(cbs, h_event);
	if (with_info)
		rkv_callbacks_set_info(cbs, h_info);
	ck_assert_int_eq(rkv_node_new(&node, cbs, NULL, NULL), 0);
	rkv_callbacks_free(cbs);
	for (int i = 0; i < 3; i++) {
		ck_assert_int_eq(rkv_conn_new(node, &CL[i].conn, &CL[i]), 0);
		CL[i].len = 0;
		CL[i].closes = 0;
	}
	rkv_conn_set_addr(CL[0].conn, "127.0.0.1:5000");
	rkv_conn_set_addr(CL[1].conn, "127.0.0.1:5001");
	rkv_conn_set_addr(CL[2].conn, "10.0.0.2:6000");
	rkv_conn_set_laddr(CL[2].conn, "10.0.0.1:6379");
	rkv_conn_set_fd(CL[2].conn, 12);
}

static void setup_common(bool with_event, bool with_info)
{
	for (int i = 0; i < 3; i++) {
		CL[i].out = malloc(OUT_CAP);
		ck_assert_ptr_nonnull(CL[i].out);
	}
	clock_us = 1700000000LL * 1000000;
	step_us = 0;
	events = 0;
	info_calls = 0;
	logbuf[0] = '\0';
	make_node(with_event, with_info);
}

static void setup(void)
{
	setup_common(true, true);
}

static void setup_noevent(void)
{
	setup_common(false, false);
}

static void teardown(void)
{
	for (int i = 0; i < 3; i++) {
		rkv_conn_free(CL[i].conn);
		free(CL[i].out);
	}
	rkv_node_free(node);
}

static void clear_out(int i)
{
	CL[i].len = 0;
	CL[i].out[0] = '\0';
}

/* Send one request (inline or RESP) on client i; return its output. */
static const char *run(int i, const char *req)
{
	CL[i].len = 0;
	CL[i].out[0] = '\0';
	rkv_conn_recv(CL[i].conn, (const uint8_t *)req, strlen(req));
	return CL[i].out;
}

#define ck_reply(i, req, expect) ck_assert_str_eq(run(i, req), expect)

/* body as a RESP2 bulk string (fmt "$") or a RESP3 verbatim text ("="). */
static const char *framed(char type, const char *body)
{
	static char buf[4096];
	size_t len = strlen(body);

	if (type == '=')
		snprintf(buf, sizeof(buf), "=%zu\r\ntxt:%s\r\n", len + 4, body);
	else
		snprintf(buf, sizeof(buf), "$%zu\r\n%s\r\n", len, body);
	return buf;
}

static bool has(const char *hay, const char *needle)
{
	return strstr(hay, needle) != NULL;
}

/* ---------------------------------------------------------------------- */
/* INFO                                                                   */
/* ---------------------------------------------------------------------- */

START_TEST(info_default_sections_in_order)
{
	const char *out = run(0, "INFO\r\n");
	const char *titles[] = {"# Server\r\n",	 "# Clients\r\n",
				"# Memory\r\n",	 "# Persistence\r\n",
				"# Stats\r\n",	 "# Replication\r\n",
				"# CPU\r\n",	 "# Modules\r\n",
				"# Cluster\r\n", "# Keyspace\r\n"};
	const char *prev = out;

	ck_assert(out[0] == '$');
	ck_assert(has(out,
		      "\r\n# Server\r\nredis_version:" RKV_REDIS_COMPAT_VERSION
		      "\r\n"
		      "rkv_version:" RKV_VERSION_STRING "\r\n"));
	for (size_t i = 0; i < sizeof(titles) / sizeof(*titles); i++) {
		const char *p = strstr(out, titles[i]);

		ck_assert_msg(p && p >= prev, "%s", titles[i]);
		prev = p;
	}
	/* Sections are separated by an empty line, each line CRLF. */
	ck_assert(has(out, "\r\nhost_extra:yes\r\n\r\n# Clients\r\n"));
	ck_assert(!has(out, "Commandstats"));
	ck_assert(has(out, "\r\ncluster_enabled:0\r\n"));
	ck_assert(has(out, "\r\nrole:master\r\nconnected_slaves:0\r\n"
			   "master_failover_state:no-failover\r\n"
			   "master_replid:"));
	ck_assert(has(out, "\r\nmaster_replid2:"
			   "0000000000000000000000000000000000000000\r\n"
			   "master_repl_offset:0\r\nsecond_repl_offset:-1\r\n"
			   "repl_backlog_active:0\r\nrepl_backlog_size:1048576"
			   "\r\nrepl_backlog_first_byte_offset:0\r\n"
			   "repl_backlog_histlen:0\r\n"));
	ck_assert(has(out, "\r\nloading:0\r\n"));
	ck_assert(has(out, "\r\naof_enabled:0\r\n"));
	ck_assert(has(out, "\r\nblocked_clients:0\r\n"));
	ck_assert(has(out, "\r\nmaxmemory_policy:noeviction\r\n"));
	ck_assert(has(out, node->run_id));
	ck_assert(has(out, node->repl.replid));
}
END_TEST

START_TEST(info_section_selection)
{
	/* Unknown sections give an empty string, as Redis. */
	ck_reply(0, "INFO bogus\r\n", "$0\r\n\r\n");
	/* Several sections: Redis's order whatever the argument order. */
	ck_reply(0, "INFO keyspace CPU cpu\r\n",
		 framed('$', "# CPU\r\nused_cpu_sys:0.500000\r\n"
			     "used_cpu_user:1.250000\r\n\r\n# Keyspace\r\n"));
	ck_assert(has(run(0, "INFO all\r\n"), "# Cluster\r\n"));
	ck_assert(has(run(0, "INFO everything\r\n"), "# Keyspace\r\n"));
	ck_assert(has(run(0, "INFO default\r\n"), "# Server\r\n"));
	ck_assert(!has(run(0, "INFO stats\r\n"), "# Server"));
	/* RESP3: a verbatim string. */
	run(0, "HELLO 3\r\n");
	ck_reply(0, "INFO cpu\r\n",
		 framed('=', "# CPU\r\nused_cpu_sys:0.500000\r\n"
			     "used_cpu_user:1.250000\r\n"));
}
END_TEST

START_TEST(info_host_fields_go_where_redis_puts_them)
{
	const char *out = run(0, "INFO server\r\n");
	const char *gcc = strstr(out, "gcc_version:12.2.0\r\n");
	const char *pid = strstr(out, "process_id:4242\r\n");
	const char *run_id = strstr(out, "run_id:");
	const char *port = strstr(out, "tcp_port:7777\r\n");
	const char *uptime = strstr(out, "uptime_in_seconds:");
	const char *extra = strstr(out, "host_extra:yes\r\n");

	ck_assert(gcc && pid && run_id && port && uptime && extra);
	ck_assert(gcc < pid && pid < run_id && run_id < port && port < uptime);
	/* Fields Redis has no place for close the section. */
	ck_assert(has(out, "io_threads_active:0\r\nhost_extra:yes\r\n"));
	ck_assert_int_eq(info_calls, 1);
	/* RSS from the host: its human form and the ratio follow. */
	out = run(0, "INFO memory\r\n");
	ck_assert(has(out, "\r\nused_memory_rss:2097152\r\n"
			   "used_memory_rss_human:2.00M\r\n"));
	ck_assert(has(out, "\r\nmem_fragmentation_ratio:"));
}
END_TEST

/* The value of field in an INFO reply, as a number. */
static long long info_num(const char *out, const char *field)
{
	char key[64];
	const char *p;

	snprintf(key, sizeof(key), "\r\n%s:", field);
	p = strstr(out, key);
	ck_assert_msg(p != NULL, "%s", field);
	return atoll(p + strlen(key));
}

START_TEST(info_values_come_from_the_node)
{
	const char *out;
	char human[64];
	long long used;

	run(0, "SET a 1\r\n");
	run(0, "SET b 2 EX 100\r\n");
	run(0, "GET a\r\n");
	run(0, "GET nosuch\r\n");
	run(0, "EXISTS a\r\n");
	run(0, "SELECT 3\r\n");
	run(0, "SET c 3\r\n");
	run(0, "FOO\r\n");
	clock_us += 90061LL * 1000000; /* 1 day, 1 hour, 1 minute, 1 s */
	out = run(1, "INFO\r\n");
	ck_assert(has(out, "\r\ndb0:keys=2,expires=1,avg_ttl=0\r\n"
			   "db3:keys=1,expires=0,avg_ttl=0\r\n"));
	ck_assert_int_eq(info_num(out, "keyspace_hits"), 2);
	ck_assert_int_eq(info_num(out, "keyspace_misses"), 1);
	ck_assert_int_eq(info_num(out, "pubsub_channels"), 0);
	ck_assert_int_eq(info_num(out, "pubsub_patterns"), 0);
	ck_assert_int_eq(info_num(out, "connected_clients"), 3);
	ck_assert_int_eq(info_num(out, "rdb_changes_since_last_save"), 3);
	ck_assert_int_eq(info_num(out, "total_commands_processed"), 7);
	ck_assert_int_eq(info_num(out, "total_error_replies"), 1);
	ck_assert_int_eq(info_num(out, "total_connections_received"), 3);
	ck_assert_int_eq(info_num(out, "uptime_in_seconds"), 90061);
	ck_assert_int_eq(info_num(out, "uptime_in_days"), 1);
	ck_assert_int_eq(info_num(out, "hz"), 10);
	ck_assert_int_eq(info_num(out, "rdb_last_save_time"), 1700000000);
	ck_assert_int_eq(info_num(out, "server_time_usec"), clock_us);
	used = info_num(out, "used_memory");
	ck_assert_int_gt(used, 1024);
	ck_assert_int_lt(used, 1024 * 1024);
	snprintf(human, sizeof(human), "\r\nused_memory_human:%.2fK\r\n",
		 (double)used / 1024);
	ck_assert_msg(has(out, human), "%s", human);
	ck_assert(has(out, "\r\nmaxmemory_human:0B\r\n"));
	/* The in-process API's own connection is not a client. */
	CL[2].conn->flags |= RKV_CONN_HOST;
	ck_assert_int_eq(
	    info_num(run(1, "INFO clients\r\n"), "connected_clients"), 2);
	CL[2].conn->flags &= ~(unsigned)RKV_CONN_HOST;
}
END_TEST

START_TEST(pubsub_clients_in_info_and_list)
{
	const char *out;

	run(2, "SUBSCRIBE ch1 ch2\r\n");
	run(1, "PSUBSCRIBE p*\r\n");
	out = run(0, "INFO stats\r\n");
	ck_assert_int_eq(info_num(out, "pubsub_channels"), 2);
	ck_assert_int_eq(info_num(out, "pubsub_patterns"), 1);
	out = run(0, "CLIENT LIST TYPE pubsub\r\n");
	ck_assert(has(out, "id=2 ") && has(out, "id=3 ") && !has(out, "id=1 "));
	ck_assert(has(out, " flags=P db=0 sub=2 psub=0 "));
	ck_assert(has(out, " flags=P db=0 sub=0 psub=1 "));
	ck_reply(0, "CLIENT KILL TYPE pubsub\r\n", ":2\r\n");
}
END_TEST

START_TEST(info_without_host_callback)
{
	const char *out = run(0, "INFO cpu server\r\n");

	ck_assert(has(out, "# Server\r\nredis_version:" RKV_REDIS_COMPAT_VERSION
			   "\r\n"));
	ck_assert(!has(out, "process_id"));
	ck_assert(has(out, "\r\n\r\n# CPU\r\n"));
}
END_TEST

/* ---------------------------------------------------------------------- */
/* CLIENT                                                                 */
/* ---------------------------------------------------------------------- */

START_TEST(client_id_name)
{
	ck_reply(1, "CLIENT ID\r\n", ":2\r\n");
	ck_reply(0, "CLIENT GETNAME\r\n", "$-1\r\n");
	ck_reply(0, "CLIENT SETNAME worker-1\r\n", "+OK\r\n");
	ck_reply(0, "CLIENT GETNAME\r\n", "$8\r\nworker-1\r\n");
	ck_reply(0, "CLIENT SETNAME \"\"\r\n", "+OK\r\n");
	ck_reply(0, "CLIENT GETNAME\r\n", "$-1\r\n");
	ck_reply(0, "CLIENT SETNAME \"a b\"\r\n",
		 "-ERR Client names cannot contain spaces, newlines or "
		 "special characters.\r\n");
	ck_reply(0, "CLIENT SETNAME a b\r\n",
		 "-ERR wrong number of arguments for 'client|setname' "
		 "command\r\n");
	ck_reply(0, "CLIENT ID x\r\n",
		 "-ERR wrong number of arguments for 'client|id' command\r\n");
	ck_reply(0, "CLIENT FOO\r\n",
		 "-ERR unknown subcommand 'FOO'. Try CLIENT HELP.\r\n");
	ck_reply(0, "CLIENT\r\n",
		 "-ERR wrong number of arguments for 'client' command\r\n");
	ck_reply(0, "CLIENT NO-EVICT maybe\r\n", "-ERR syntax error\r\n");
	ck_reply(0, "CLIENT NO-EVICT on\r\n", "+OK\r\n");
	ck_assert(CL[0].conn->flags & RKV_CONN_NO_EVICT);
	ck_reply(0, "CLIENT NO-EVICT OFF\r\n", "+OK\r\n");
	ck_assert(!(CL[0].conn->flags & RKV_CONN_NO_EVICT));
	ck_reply(0, "CLIENT REPLY ON\r\n", "+OK\r\n");
	ck_reply(0, "CLIENT REPLY foo\r\n", "-ERR syntax error\r\n");
	ck_assert(has(run(0, "CLIENT HELP\r\n"),
		      "+CLIENT <subcommand> [<arg> [value] [opt] ...]. "
		      "Subcommands are:\r\n"));
}
END_TEST

START_TEST(client_list_and_info)
{
	const char *out;
	const char *l0, *l1, *l2;

	clock_us += 5 * 1000000;
	run(1, "SET k v\r\n");
	run(2, "MULTI\r\n");
	run(2, "GET k\r\n");
	run(0, "CLIENT SETNAME me\r\n");
	out = run(0, "CLIENT LIST\r\n");
	/* Oldest first; one "\n"-terminated line each. */
	l0 = strstr(out, "id=1 addr=127.0.0.1:5000 laddr= fd=-1 name=me "
			 "age=5 idle=0 flags=N db=0 sub=0 psub=0 ssub=0 "
			 "multi=-1 qbuf=0 ");
	l1 = strstr(out, "id=2 addr=127.0.0.1:5001 laddr= fd=-1 name= age=5 "
			 "idle=0 flags=N ");
	l2 = strstr(out, "id=3 addr=10.0.0.2:6000 laddr=10.0.0.1:6379 fd=12 "
			 "name= age=5 "
			 "idle=0 flags=x db=0 sub=0 psub=0 ssub=0 multi=1 ");
	ck_assert(l0 && l1 && l2 && l0 < l1 && l1 < l2);
	ck_assert(has(out, " events=r cmd=client|list user=default redir=-1 "
			   "resp=2\nid=2"));
	ck_assert(has(out, " cmd=set user=default redir=-1 resp=2\n"));
	ck_assert(has(out, " cmd=multi user=default redir=-1 resp=2\n\r\n"));
	out = run(0, "CLIENT INFO\r\n");
	ck_assert(has(out, "\r\nid=1 addr=127.0.0.1:5000 "));
	ck_assert(has(out, " cmd=client|info user=default redir=-1 resp=2\n"
			   "\r\n"));
	ck_assert(!has(out, "id=2"));
	/* Filters. */
	out = run(0, "CLIENT LIST ID 3 1 99\r\n");
	ck_assert(strstr(out, "id=3 ") < strstr(out, "id=1 "));
	ck_assert(!has(out, "id=2 "));
	ck_reply(0, "CLIENT LIST ID 0\r\n", "$0\r\n\r\n");
	ck_reply(0, "CLIENT LIST TYPE pubsub\r\n", "$0\r\n\r\n");
	ck_reply(0, "CLIENT LIST TYPE master\r\n", "$0\r\n\r\n");
	ck_assert(has(run(0, "CLIENT LIST TYPE normal\r\n"), "id=3 "));
	run(2, "DISCARD\r\n");
	run(2, "MONITOR\r\n");
	out = run(0, "CLIENT LIST TYPE replica\r\n");
	ck_assert(has(out, "id=3 ") && !has(out, "id=1 "));
	ck_assert(has(out, " flags=O "));
	ck_reply(0, "CLIENT LIST TYPE foo\r\n",
		 "-ERR Unknown client type 'foo'\r\n");
	ck_reply(0, "CLIENT LIST ID abc\r\n", "-ERR Invalid client ID\r\n");
	ck_reply(0, "CLIENT LIST ID\r\n", "-ERR syntax error\r\n");
	ck_reply(0, "CLIENT LIST foo\r\n", "-ERR syntax error\r\n");
	ck_reply(0, "CLIENT INFO x\r\n",
		 "-ERR wrong number of arguments for 'client|info' "
		 "command\r\n");
	run(0, "HELLO 3\r\n");
	ck_assert(!strncmp(run(0, "CLIENT INFO\r\n"), "=", 1));
}
END_TEST

START_TEST(client_kill_forms)
{
	ck_reply(0, "CLIENT KILL 1.2.3.4:5\r\n", "-ERR No such client\r\n");
	ck_reply(0, "CLIENT KILL 127.0.0.1:5001\r\n", "+OK\r\n");
	ck_assert_int_eq(CL[1].closes, 1);
	ck_assert_int_eq(
	    rkv_conn_recv(CL[1].conn, (const uint8_t *)"PING\r\n", 6),
	    RKV_ERR_CLOSED);
	/* Killed clients are gone from the list (the host frees them). */
	ck_assert(!has(run(0, "CLIENT LIST\r\n"), "id=2 "));
	ck_reply(0, "CLIENT KILL ID 9999\r\n", ":0\r\n");
	ck_reply(0, "CLIENT KILL ID 2\r\n", ":0\r\n");
	ck_reply(0, "CLIENT KILL ID abc\r\n",
		 "-ERR client-id should be greater than 0\r\n");
	ck_reply(0, "CLIENT KILL ID 0\r\n",
		 "-ERR client-id should be greater than 0\r\n");
	ck_reply(0, "CLIENT KILL FOO bar\r\n", "-ERR syntax error\r\n");
	ck_reply(0, "CLIENT KILL TYPE foo\r\n",
		 "-ERR Unknown client type 'foo'\r\n");
	ck_reply(0, "CLIENT KILL SKIPME maybe\r\n", "-ERR syntax error\r\n");
	ck_reply(0, "CLIENT KILL MAXAGE x\r\n", "-ERR syntax error\r\n");
	ck_reply(0, "CLIENT KILL a b c\r\n", "-ERR syntax error\r\n");
	ck_reply(0, "CLIENT KILL USER nobody\r\n",
		 "-ERR No such user 'nobody'\r\n");
	ck_reply(0, "CLIENT KILL\r\n",
		 "-ERR wrong number of arguments for 'client|kill' "
		 "command\r\n");
	ck_reply(0, "CLIENT KILL LADDR 1.2.3.4:5\r\n", ":0\r\n");
	ck_reply(0, "CLIENT KILL LADDR 10.0.0.1:6379 TYPE pubsub\r\n",
		 ":0\r\n");
	ck_reply(0, "CLIENT KILL TYPE master\r\n", ":0\r\n");
	/* MAXAGE: only clients at least that old. */
	ck_reply(0, "CLIENT KILL MAXAGE 10\r\n", ":0\r\n");
	/* Filters combine; SKIPME yes (the default) spares the caller. */
	ck_reply(0,
		 "CLIENT KILL ADDR 10.0.0.2:6000 LADDR 10.0.0.1:6379 TYPE "
		 "normal\r\n",
		 ":1\r\n");
	ck_assert_int_eq(CL[2].closes, 1);
	ck_reply(0, "CLIENT KILL USER default\r\n", ":0\r\n");
	ck_assert_int_eq(CL[0].closes, 0);
	/* Killing itself: the reply goes out first, then the close. */
	ck_reply(0, "CLIENT KILL USER default SKIPME no\r\n", ":1\r\n");
	ck_assert_int_eq(CL[0].closes, 1);
}
END_TEST

START_TEST(client_kill_self_old_form)
{
	ck_reply(0, "CLIENT KILL 127.0.0.1:5000\r\nPING\r\n", "+OK\r\n");
	ck_assert_int_eq(CL[0].closes, 1);
}
END_TEST

/* ---------------------------------------------------------------------- */
/* COMMAND                                                                */
/* ---------------------------------------------------------------------- */

START_TEST(command_info_as_redis)
{
	size_t n;
	char count[32];

	rkv_command_table(&n);
	/* SENTINEL exists only in sentinel mode, as in redis-server. */
	snprintf(count, sizeof(count), ":%zu\r\n", n - 1);
	ck_reply(0, "COMMAND COUNT\r\n", count);
	/* Byte for byte what redis-server 7.0.15 answers. */
	ck_reply(
	    0, "COMMAND INFO get nosuch\r\n",
	    "*2\r\n*10\r\n$3\r\nget\r\n:2\r\n*2\r\n+readonly\r\n+fast\r\n"
	    ":1\r\n:1\r\n:1\r\n*3\r\n+@read\r\n+@string\r\n+@fast\r\n*0\r\n"
	    "*1\r\n*6\r\n$5\r\nflags\r\n*2\r\n+RO\r\n+access\r\n$12\r\n"
	    "begin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\n"
	    "spec\r\n*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n"
	    "$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\n"
	    "lastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n"
	    "*0\r\n$-1\r\n");
	ck_assert(has(run(0, "COMMAND INFO getex\r\n"),
		      "*8\r\n$5\r\nnotes\r\n$40\r\nRW and UPDATE because it "
		      "changes the TTL\r\n$5\r\nflags\r\n*3\r\n+RW\r\n"
		      "+access\r\n+update\r\n"));
	ck_assert(has(run(0, "COMMAND INFO slowlog\r\n"),
		      "$11\r\nslowlog|len\r\n:2\r\n*3\r\n+admin\r\n+loading\r\n"
		      "+stale\r\n:0\r\n:0\r\n:0\r\n*3\r\n+@admin\r\n+@slow\r\n"
		      "+@dangerous\r\n*3\r\n$24\r\nrequest_policy:all_nodes\r\n"
		      "$23\r\nresponse_policy:agg_sum\r\n$23\r\n"
		      "nondeterministic_output\r\n*0\r\n*0\r\n"));
	/* COMMAND alone: every command. */
	run(0, "COMMAND\r\n");
	ck_assert(CL[0].out[0] == '*' &&
		  atoll(CL[0].out + 1) == (long long)n - 1);
	/* RESP3: sets and maps. */
	run(0, "HELLO 3\r\n");
	ck_reply(
	    0, "COMMAND INFO get nosuch\r\n",
	    "*2\r\n*10\r\n$3\r\nget\r\n:2\r\n~2\r\n+readonly\r\n+fast\r\n"
	    ":1\r\n:1\r\n:1\r\n~3\r\n+@read\r\n+@string\r\n+@fast\r\n~0\r\n"
	    "~1\r\n%3\r\n$5\r\nflags\r\n~2\r\n+RO\r\n+access\r\n$12\r\n"
	    "begin_search\r\n%2\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\n"
	    "spec\r\n%1\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n%2\r\n"
	    "$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n%3\r\n$7\r\n"
	    "lastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n"
	    "~0\r\n_\r\n");
}
END_TEST

START_TEST(command_docs_as_redis)
{
	static const char get_docs3[] =
	    "%1\r\n$3\r\nget\r\n%5\r\n$7\r\nsummary\r\n$22\r\nGet the value "
	    "of a key\r\n$5\r\nsince\r\n$5\r\n1.0.0\r\n$5\r\ngroup\r\n$6\r\n"
	    "string\r\n$10\r\ncomplexity\r\n$4\r\nO(1)\r\n$9\r\narguments\r\n"
	    "*1\r\n%3\r\n$4\r\nname\r\n$3\r\nkey\r\n$4\r\ntype\r\n$3\r\nkey"
	    "\r\n$14\r\nkey_spec_index\r\n:0\r\n";
	static const char get_docs2[] =
	    "*2\r\n$3\r\nget\r\n*10\r\n$7\r\nsummary\r\n$22\r\nGet the value "
	    "of a key\r\n$5\r\nsince\r\n$5\r\n1.0.0\r\n$5\r\ngroup\r\n$6\r\n"
	    "string\r\n$10\r\ncomplexity\r\n$4\r\nO(1)\r\n$9\r\narguments\r\n"
	    "*1\r\n*6\r\n$4\r\nname\r\n$3\r\nkey\r\n$4\r\ntype\r\n$3\r\nkey"
	    "\r\n$14\r\nkey_spec_index\r\n:0\r\n";

	ck_reply(0, "COMMAND DOCS get nosuch\r\n", get_docs2);
	ck_reply(0, "COMMAND DOCS nosuch\r\n", "*0\r\n");
	ck_assert(has(run(0, "COMMAND DOCS\r\n"), "Set the string value"));
	run(0, "HELLO 3\r\n");
	ck_reply(0, "COMMAND DOCS get\r\n", get_docs3);
}
END_TEST

START_TEST(command_list_getkeys_errors)
{
	const char *out = run(0, "COMMAND LIST\r\n");

	ck_assert(has(out, "\r\n$3\r\nget\r\n"));
	ck_assert(has(out, "\r\n$11\r\nclient|list\r\n"));
	/* Subcommands in the table's order (Redis: hash order). */
	ck_reply(0, "COMMAND LIST FILTERBY pattern slow*\r\n",
		 "*5\r\n$7\r\nslowlog\r\n$11\r\nslowlog|get\r\n$12\r\n"
		 "slowlog|help\r\n$11\r\nslowlog|len\r\n$13\r\nslowlog|reset"
		 "\r\n");
	/* Every subcommand Redis declares is listed; the ones rkv lacks say
	 * so when called. */
	ck_assert(has(run(0, "COMMAND INFO client\r\n"),
		      "\r\n*16\r\n*10\r\n$14\r\nclient|caching\r\n:3\r\n"));
	ck_assert(has(run(0, "COMMAND INFO object\r\n"),
		      "$15\r\nobject|encoding\r\n:3\r\n*1\r\n+readonly\r\n"
		      ":2\r\n:2\r\n:1\r\n"));
	ck_reply(0, "CLIENT TRACKING on\r\n",
		 "-ERR CLIENT TRACKING is not supported by rkv. Try CLIENT "
		 "HELP.\r\n");
	ck_reply(0, "LATENCY GRAPH command\r\n",
		 "-ERR LATENCY GRAPH is not supported by rkv. Try LATENCY "
		 "HELP.\r\n");
	out = run(0, "COMMAND LIST FILTERBY aclcat STRING\r\n");
	ck_assert(has(out, "$6\r\nappend\r\n") && !has(out, "$3\r\ndel\r\n"));
	ck_reply(0, "COMMAND LIST FILTERBY aclcat nosuch\r\n", "*0\r\n");
	ck_reply(0, "COMMAND LIST FILTERBY module x\r\n", "*0\r\n");
	ck_reply(0, "COMMAND LIST FILTERBY foo\r\n", "-ERR syntax error\r\n");
	ck_reply(0, "COMMAND LIST x\r\n", "-ERR syntax error\r\n");
	ck_reply(0, "COMMAND GETKEYS get a\r\n", "*1\r\n$1\r\na\r\n");
	ck_reply(0, "COMMAND GETKEYS mset a b c d\r\n",
		 "*2\r\n$1\r\na\r\n$1\r\nc\r\n");
	ck_reply(0, "COMMAND GETKEYS del a b c\r\n",
		 "*3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n");
	ck_reply(0, "COMMAND GETKEYS set a b c\r\n", "*1\r\n$1\r\na\r\n");
	ck_reply(0, "COMMAND GETKEYS ping x\r\n",
		 "-ERR The command has no key arguments\r\n");
	ck_reply(0, "COMMAND GETKEYS get a b\r\n",
		 "-ERR Invalid number of arguments specified for command\r\n");
	ck_reply(0, "COMMAND GETKEYS nosuch a\r\n",
		 "-ERR Invalid command specified\r\n");
	ck_reply(0, "COMMAND GETKEYS get\r\n",
		 "-ERR wrong number of arguments for 'command|getkeys' "
		 "command\r\n");
	ck_reply(0, "COMMAND COUNT x\r\n",
		 "-ERR wrong number of arguments for 'command|count' "
		 "command\r\n");
	ck_reply(0, "COMMAND FOO\r\n",
		 "-ERR unknown subcommand 'FOO'. Try COMMAND HELP.\r\n");
	ck_reply(0, "COMMAND HELP x\r\n",
		 "-ERR wrong number of arguments for 'command|help' "
		 "command\r\n");
	ck_assert(
	    has(run(0, "COMMAND HELP\r\n"), "+GETKEYS <full-command>\r\n"));
}
END_TEST

/* ---------------------------------------------------------------------- */
/* SLOWLOG and LATENCY                                                    */
/* ---------------------------------------------------------------------- */

START_TEST(slowlog_records_slow_commands)
{
	const char *out;

	node->set.slowlog_slower_than_us = 1000;
	step_us = 500; /* every command takes 500 us: not slow */
	run(0, "SET a 1\r\n");
	ck_reply(0, "SLOWLOG LEN\r\n", ":0\r\n");
	step_us = 2000;
	run(0, "CLIENT SETNAME slowpoke\r\n");
	run(0, "GET a\r\n");
	step_us = 0;
	ck_reply(0, "SLOWLOG LEN\r\n", ":2\r\n");
	out = run(0, "SLOWLOG GET\r\n");
	/* Newest first: id, unix time, duration, argv, addr, name. */
	ck_assert(has(out, "*2\r\n*6\r\n:1\r\n:1700000000\r\n:2000\r\n*2\r\n"
			   "$3\r\nGET\r\n$1\r\na\r\n$14\r\n127.0.0.1:5000\r\n"
			   "$8\r\nslowpoke\r\n*6\r\n:0\r\n"));
	ck_assert(has(out, "*3\r\n$6\r\nCLIENT\r\n$7\r\nSETNAME\r\n"));
	ck_reply(0, "SLOWLOG GET 1\r\n",
		 "*1\r\n*6\r\n:1\r\n:1700000000\r\n:2000\r\n*2\r\n$3\r\nGET"
		 "\r\n$1\r\na\r\n$14\r\n127.0.0.1:5000\r\n$8\r\nslowpoke\r\n");
	ck_reply(0, "SLOWLOG GET 0\r\n", "*0\r\n");
	ck_assert(!strncmp(run(0, "SLOWLOG GET -1\r\n"), "*2\r\n", 4));
	ck_reply(0, "SLOWLOG GET x\r\n",
		 "-ERR count should be greater than or equal to -1\r\n");
	ck_reply(0, "SLOWLOG GET -2\r\n",
		 "-ERR count should be greater than or equal to -1\r\n");
	ck_reply(0, "SLOWLOG GET 1 2\r\n",
		 "-ERR unknown subcommand or wrong number of arguments for "
		 "'GET'. Try SLOWLOG HELP.\r\n");
	ck_reply(0, "SLOWLOG LEN x\r\n",
		 "-ERR wrong number of arguments for 'slowlog|len' "
		 "command\r\n");
	ck_reply(0, "SLOWLOG FOO\r\n",
		 "-ERR unknown subcommand 'FOO'. Try SLOWLOG HELP.\r\n");
	ck_reply(0, "SLOWLOG RESET\r\n", "+OK\r\n");
	ck_reply(0, "SLOWLOG LEN\r\n", ":0\r\n");
	/* Ids keep growing across a reset, as Redis; a command is logged
	 * after it ran. */
	node->set.slowlog_slower_than_us = 0;
	ck_reply(0, "SLOWLOG LEN\r\n", ":0\r\n");
	ck_reply(0, "SLOWLOG GET\r\n",
		 "*1\r\n*6\r\n:2\r\n:1700000000\r\n:0\r\n*2\r\n$7\r\n"
		 "SLOWLOG\r\n$3\r\nLEN\r\n$14\r\n127.0.0.1:5000\r\n$8\r\n"
		 "slowpoke\r\n");
	ck_assert(has(run(0, "SLOWLOG HELP\r\n"), "+LEN\r\n"));
}
END_TEST

START_TEST(slowlog_trims_entries_and_length)
{
	char req[4096];
	size_t off = 0;
	char big[201];
	const char *out;

	node->set.slowlog_slower_than_us = 0;
	node->set.slowlog_max_len = 3;
	/* 40 arguments, one of them 200 bytes. */
	memset(big, 'x', 200);
	big[200] = '\0';
	off += (size_t)snprintf(req + off, sizeof(req) - off, "DEL %s", big);
	for (int i = 0; i < 38; i++)
		off +=
		    (size_t)snprintf(req + off, sizeof(req) - off, " k%d", i);
	snprintf(req + off, sizeof(req) - off, "\r\n");
	run(1, req);
	out = run(0, "SLOWLOG GET 1\r\n");
	ck_assert(has(out, "*32\r\n$3\r\nDEL\r\n$147\r\n"));
	ck_assert(has(out, "xxxxxxxx... (72 more bytes)\r\n$2\r\nk0\r\n"));
	ck_assert(has(out, "$3\r\nk28\r\n$22\r\n... (9 more arguments)\r\n"));
	/* AUTH's arguments are hidden. */
	run(1, "AUTH secret\r\n");
	ck_assert(has(run(0, "SLOWLOG GET 1\r\n"),
		      "*2\r\n$4\r\nAUTH\r\n$10\r\n(redacted)\r\n"));
	/* At most slowlog-max-len entries. */
	for (int i = 0; i < 5; i++)
		run(1, "PING\r\n");
	ck_reply(0, "SLOWLOG LEN\r\n", ":3\r\n");
	/* EXEC is not logged; the commands it ran are. */
	run(1, "SLOWLOG RESET\r\n");
	run(1, "MULTI\r\nSET a 1\r\nEXEC\r\n");
	out = run(0, "SLOWLOG GET\r\n");
	ck_assert(has(out, "$3\r\nSET\r\n"));
	ck_assert(!has(out, "$4\r\nEXEC\r\n"));
}
END_TEST

START_TEST(latency_monitor_events)
{
	const char *out;

	ck_assert(has(run(0, "LATENCY DOCTOR\r\n"),
		      "I'm sorry, Dave, I can't do that. Latency monitoring is "
		      "disabled"));
	step_us = 50000;       /* every command takes 50 ms */
	run(0, "SET a 1\r\n"); /* threshold 0: nothing recorded */
	step_us = 0;
	ck_reply(0, "LATENCY LATEST\r\n", "*0\r\n");
	node->set.latency_threshold_ms = 10;
	step_us = 5000;
	run(0, "SET a 1\r\n"); /* 5 ms: under the threshold */
	step_us = 20000;
	run(0, "KEYS *\r\n"); /* slow command: "command" */
	step_us = 30000;
	run(0, "GET a\r\n"); /* fast command: "fast-command" */
	step_us = 0;
	clock_us += 3000000;
	step_us = 40000;
	run(0, "KEYS *\r\n");
	step_us = 0;
	out = run(0, "LATENCY LATEST\r\n");
	ck_assert_str_eq(out, "*2\r\n*4\r\n$7\r\ncommand\r\n:1700000003\r\n"
			      ":40\r\n:40\r\n*4\r\n$12\r\nfast-command\r\n"
			      ":1700000000\r\n:30\r\n:30\r\n");
	ck_reply(0, "LATENCY HISTORY command\r\n",
		 "*2\r\n*2\r\n:1700000000\r\n:20\r\n*2\r\n:1700000003\r\n"
		 ":40\r\n");
	ck_reply(0, "LATENCY HISTORY nosuch\r\n", "*0\r\n");
	ck_assert(has(run(0, "LATENCY DOCTOR\r\n"),
		      "1. command: 2 latency spikes (average 30ms, mean "
		      "deviation 10ms, period 1.50 sec). Worst all time event "
		      "40ms.\n"));
	ck_reply(0, "LATENCY RESET nosuch\r\n", ":0\r\n");
	ck_reply(0, "LATENCY RESET command\r\n", ":1\r\n");
	ck_assert(has(run(0, "LATENCY LATEST\r\n"), "*1\r\n*4\r\n$12\r\n"));
	ck_reply(0, "LATENCY RESET\r\n", ":1\r\n");
	ck_reply(0, "LATENCY LATEST\r\n", "*0\r\n");
	ck_assert(has(run(0, "LATENCY DOCTOR\r\n"),
		      "Dave, no latency spike was observed"));
	ck_reply(0, "LATENCY HISTORY\r\n",
		 "-ERR wrong number of arguments for 'latency|history' "
		 "command\r\n");
	ck_reply(0, "LATENCY FOO\r\n",
		 "-ERR unknown subcommand 'FOO'. Try LATENCY HELP.\r\n");
	ck_assert(has(run(0, "LATENCY HELP\r\n"), "+LATEST\r\n"));
}
END_TEST

/* ---------------------------------------------------------------------- */
/* MONITOR                                                                */
/* ---------------------------------------------------------------------- */

START_TEST(monitor_sees_every_client)
{
	clock_us = 1339518083107412LL;
	ck_reply(1, "MONITOR\r\n", "+OK\r\n");
	ck_assert_uint_eq(node->nmonitors, 1);
	/* A second MONITOR is ignored without a reply, as Redis. */
	ck_reply(1, "MONITOR\r\n", "");
	clear_out(1);
	run(0, "KEYS *\r\n");
	ck_assert_str_eq(CL[1].out,
			 "+1339518083.107412 [0 127.0.0.1:5000] \"KEYS\" "
			 "\"*\"\r\n");
	/* Escaped as Redis's sdscatrepr(), after execution (db of SELECT). */
	clear_out(1);
	run(0, "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$8\r\na\"b\\\n\t\x01\xff\r\n");
	run(2, "SELECT 2\r\n");
	ck_assert_str_eq(CL[1].out,
			 "+1339518083.107412 [0 127.0.0.1:5000] \"SET\" \"k\" "
			 "\"a\\\"b\\\\\\n\\t\\x01\\xff\"\r\n"
			 "+1339518083.107412 [2 10.0.0.2:6000] \"SELECT\" "
			 "\"2\"\r\n");
	/* Admin commands and AUTH are not shown. */
	clear_out(1);
	run(0, "CONFIG GET x\r\n");
	run(0, "AUTH x\r\n");
	run(0, "SLOWLOG LEN\r\n");
	ck_assert_str_eq(CL[1].out, "");
	/* The monitor's own commands are shown to it too. */
	ck_assert_str_eq(run(1, "PING\r\n"),
			 "+PONG\r\n+1339518083.107412 [0 127.0.0.1:5001] "
			 "\"PING\"\r\n");
	/* MONITOR in a transaction is refused at EXEC. */
	ck_assert(has(run(0, "MULTI\r\nMONITOR\r\nEXEC\r\n"),
		      "*1\r\n-ERR MONITOR isn't allowed for DENY BLOCKING "
		      "client\r\n"));
	/* RESET leaves monitor mode. */
	ck_reply(1, "RESET\r\n", "+RESET\r\n");
	ck_assert_uint_eq(node->nmonitors, 0);
	clear_out(1);
	run(0, "PING\r\n");
	ck_assert_str_eq(CL[1].out, "");
}
END_TEST

/* ---------------------------------------------------------------------- */
/* SHUTDOWN                                                               */
/* ---------------------------------------------------------------------- */

START_TEST(shutdown_tells_the_host)
{
	ck_reply(0, "SHUTDOWN foo\r\n", "-ERR syntax error\r\n");
	ck_reply(0, "SHUTDOWN nosave save\r\n", "-ERR syntax error\r\n");
	ck_reply(0, "SHUTDOWN abort now\r\n", "-ERR syntax error\r\n");
	ck_reply(0, "SHUTDOWN save abort\r\n", "-ERR syntax error\r\n");
	ck_reply(0, "SHUTDOWN abort\r\n", "-ERR No shutdown in progress.\r\n");
	ck_assert(has(run(0, "MULTI\r\nSHUTDOWN\r\nEXEC\r\n"),
		      "*1\r\n-ERR SHUTDOWN without NOW or ABORT isn't allowed "
		      "for DENY BLOCKING client\r\n"));
	ck_assert_int_eq(events, 0);
	/* No reply: the connection closes as the server goes away. */
	ck_reply(1, "SHUTDOWN NOSAVE NOW FORCE\r\nPING\r\n", "");
	ck_assert_int_eq(events, 1);
	ck_assert_int_eq(ev_type, RKV_EVENT_SHUTDOWN);
	ck_assert_str_eq(ev_name, "shutdown");
	ck_assert_str_eq(ev_detail, "nosave");
	ck_assert_ptr_eq(ev_conn, CL[1].conn);
	ck_assert_int_eq(CL[1].closes, 1);
	ck_assert(has(logbuf, "User requested shutdown...\n"));
	ck_reply(0, "SHUTDOWN SAVE\r\n", "");
	ck_assert_str_eq(ev_detail, "save");
	ck_reply(2, "shutdown\r\n", "");
	ck_assert_str_eq(ev_detail, ""); /* neither: the save points decide */
	ck_assert_int_eq(events, 3);
}
END_TEST

START_TEST(shutdown_without_event_callback)
{
	ck_reply(0, "SHUTDOWN\r\n",
		 "-ERR Errors trying to SHUTDOWN. Check logs.\r\n");
	ck_assert_int_eq(CL[0].closes, 0);
	ck_reply(0, "PING\r\n", "+PONG\r\n");
}
END_TEST

START_TEST(hits_and_misses_count_reads_only)
{
	run(0, "SET a 1\r\n");	  /* write lookup: not counted */
	run(0, "INCR n\r\n");	  /* write */
	run(0, "GET a\r\n");	  /* hit */
	run(0, "MGET a b c\r\n"); /* 1 hit, 2 misses */
	run(0, "MULTI\r\nGET zz\r\nSET q 1\r\nEXEC\r\n"); /* 1 miss */
	ck_assert_int_eq(node->ks.hits, 2);
	ck_assert_int_eq(node->ks.misses, 3);
}
END_TEST

static Suite *server_suite(void)
{
	Suite *s = suite_create("server_cmds");
	TCase *tc = tcase_create("with_host");
	TCase *bare = tcase_create("bare_host");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, info_default_sections_in_order);
	tcase_add_test(tc, info_section_selection);
	tcase_add_test(tc, info_host_fields_go_where_redis_puts_them);
	tcase_add_test(tc, info_values_come_from_the_node);
	tcase_add_test(tc, client_id_name);
	tcase_add_test(tc, client_list_and_info);
	tcase_add_test(tc, client_kill_forms);
	tcase_add_test(tc, client_kill_self_old_form);
	tcase_add_test(tc, command_info_as_redis);
	tcase_add_test(tc, command_docs_as_redis);
	tcase_add_test(tc, command_list_getkeys_errors);
	tcase_add_test(tc, slowlog_records_slow_commands);
	tcase_add_test(tc, slowlog_trims_entries_and_length);
	tcase_add_test(tc, latency_monitor_events);
	tcase_add_test(tc, monitor_sees_every_client);
	tcase_add_test(tc, shutdown_tells_the_host);
	tcase_add_test(tc, hits_and_misses_count_reads_only);
	tcase_add_test(tc, pubsub_clients_in_info_and_list);
	suite_add_tcase(s, tc);
	tcase_add_checked_fixture(bare, setup_noevent, teardown);
	tcase_add_test(bare, info_without_host_callback);
	tcase_add_test(bare, shutdown_without_event_callback);
	suite_add_tcase(s, bare);
	return s;
}

int main(void)
{
	return rkv_test_run(server_suite());
}
