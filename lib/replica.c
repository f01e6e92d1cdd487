/* The replica side of replication: the link to our master (replica.h). The
 * library does no I/O: the link is an outbound rkv_conn the host opens for
 * us (connect callback), and every timer is rkv_node_tick()'s. The log lines
 * are Redis 7.0's. */
#include "replica.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "config.h"
#include "node.h"
#include "rdb.h"
#include "repl.h"
#include "util.h"

#define MARK_LEN       40
#define LINE_MAX_LEN   1024
#define BACKOFF_MAX_MS 5000

struct rkv_mlink {
	char host[256];
	int port;
	enum rkv_replica_state state;
	rkv_conn *conn; /* the link, NULL when none */
	/* node->repl holds a history we may continue (PSYNC <id> <off+1>):
	 * after a sync, or a master turned replica. */
	bool cached;
	bool reconnect;		 /* the next attempt follows a lost link */
	int master_db;		 /* the lost master link's selected db */
	int fails;		 /* attempts failed in a row (backoff) */
	int64_t next_try_ms;	 /* CONNECT: when to try */
	int64_t state_since_ms;	 /* handshake timeout */
	int64_t last_io_ms;	 /* data from the master */
	int64_t down_since_ms;	 /* 0: never up */
	int64_t last_ack_ms;	 /* REPLCONF ACK sent */
	char line[LINE_MAX_LEN]; /* a reply line being read */
	size_t linelen;
	/* TRANSFER */
	bool have_header;
	bool eof; /* $EOF:<mark> form */
	char mark[MARK_LEN];
	char tail[MARK_LEN]; /* EOF form: the last bytes, maybe the mark */
	size_t tlen;
	long long size, read; /* $<len> form: size; bytes read (both) */
	rkv_loader *loader;
	char new_id[41];
	long long new_off;
	/* Streaming: the bytes of a MULTI not yet applied (its EXEC comes). */
	rkv_buf multi;
	long long read_off; /* slave_read_repl_offset */
};

static void link_connected(rkv_conn *c);
static long long link_recv(rkv_conn *c, const char *data, size_t len);
static void link_lost(rkv_conn *c);

static const rkv_link_ops link_ops = {link_connected, link_recv, link_lost};

/* ---------------------------------------------------------------------- */
/* Helpers                                                                */
/* ---------------------------------------------------------------------- */

static struct rkv_mlink *replica_get(rkv_node *node)
{
	struct rkv_mlink *r = node->mlink;

	if (r)
		return r;
	r = rkv_malloc(rkv_node_alloc(node), sizeof(*r));
	if (!r)
		return NULL;
	memset(r, 0, sizeof(*r));
	rkv_buf_init(&r->multi, rkv_node_alloc(node));
	node->mlink = r;
	node->repl.is_replica = true;
	return r;
}

/* Append a command (NUL-terminated arguments) to the link's output. */
static void send_cmd(rkv_conn *c, size_t argc, const char *const *argv)
{
	rkv_resp_add_array(&c->obuf, (long long)argc);
	for (size_t i = 0; i < argc; i++)
		rkv_resp_add_bulk(&c->obuf, argv[i], strlen(argv[i]));
}

static void send_ack(struct rkv_mlink *r, rkv_node *node)
{
	char off[32];
	const char *argv[3] = {"REPLCONF", "ACK", off};

	if (!r->conn)
		return;
	snprintf(off, sizeof(off), "%lld", node->repl.offset);
	send_cmd(r->conn, 3, argv);
	r->last_ack_ms = node->cmd_time_ms;
}

static void transfer_reset(rkv_node *node, struct rkv_mlink *r)
{
	(void)node;
	rkv_loader_free(r->loader);
	r->loader = NULL;
	r->have_header = r->eof = false;
	r->tlen = 0;
	r->size = r->read = 0;
	r->linelen = 0;
}

static void schedule_retry(rkv_node *node, struct rkv_mlink *r)
{
	int64_t delay = 1000;

	for (int i = 1; i < r->fails && delay < BACKOFF_MAX_MS; i++)
		delay *= 2;
	if (delay > BACKOFF_MAX_MS)
		delay = BACKOFF_MAX_MS;
	r->next_try_ms = node->cmd_time_ms + delay;
}

/* Drop the link without the "lost" handling (we know why). */
static void link_drop(rkv_node *node, struct rkv_mlink *r)
{
	rkv_conn *c = r->conn;

	r->conn = NULL;
	transfer_reset(node, r);
	r->multi.len = r->multi.start = 0;
	if (c) {
		if (c->flags & RKV_CONN_MASTER)
			r->master_db = c->db;
		c->link = NULL;
		rkv_conn_kill(c);
	}
}

/* The handshake or the transfer failed: drop the link, retry later. */
static void link_fail(rkv_node *node, struct rkv_mlink *r)
{
	link_drop(node, r);
	r->state = RKV_REPL_CONNECT;
	r->fails++;
	schedule_retry(node, r);
}

/* The link is the master's stream from now on (Redis's
 * replicationCreateMasterClient). */
static void become_master_link(rkv_node *node, struct rkv_mlink *r, int db)
{
	rkv_conn *c = r->conn;

	c->flags |= RKV_CONN_MASTER | RKV_CONN_AUTHED;
	c->db = db;
	c->lastcmd = NULL;
	r->state = RKV_REPL_CONNECTED;
	r->fails = 0;
	r->cached = true;
	r->down_since_ms = 0;
	r->read_off = node->repl.offset;
	r->last_io_ms = node->cmd_time_ms;
	if (!node->repl.backlog)
		rkv_repl_backlog_create(node);
}

/* ---------------------------------------------------------------------- */
/* Connecting                                                             */
/* ---------------------------------------------------------------------- */

static void connect_master(rkv_node *node, struct rkv_mlink *r)
{
	int rc;
	rkv_conn *c;

	rkv_node_logf(node, RKV_LOG_NOTICE, "%s to MASTER %s:%d",
		      r->reconnect ? "Reconnecting" : "Connecting", r->host,
		      r->port);
	r->reconnect = false;
	r->state = RKV_REPL_CONNECTING;
	r->state_since_ms = r->last_io_ms = node->cmd_time_ms;
	c = rkv_conn_new_outbound(node, &link_ops, r->host, r->port, &rc);
	if (!c) {
		rkv_node_logf(node, RKV_LOG_WARNING,
			      "Unable to connect to MASTER: %s",
			      rc == RKV_ERR_STATE ? "no connect callback"
						  : rkv_strerror(rc));
		r->state = RKV_REPL_CONNECT;
		r->fails++;
		schedule_retry(node, r);
		return;
	}
	r->conn = c;
	rkv_node_logf(node, RKV_LOG_NOTICE, "MASTER <-> REPLICA sync started");
}

static void link_connected(rkv_conn *c)
{
	rkv_node *node = c->node;
	struct rkv_mlink *r = node->mlink;
	const char *ping[1] = {"PING"};

	if (!r || r->conn != c)
		return;
	rkv_node_logf(node, RKV_LOG_NOTICE,
		      "Non blocking connect for SYNC fired the event.");
	r->state = RKV_REPL_PING;
	r->state_since_ms = r->last_io_ms = node->cmd_time_ms;
	r->linelen = 0;
	send_cmd(c, 1, ping);
}

static void link_lost(rkv_conn *c)
{
	rkv_node *node = c->node;
	struct rkv_mlink *r = node->mlink;

	if (!r || r->conn != c)
		return;
	r->conn = NULL;
	transfer_reset(node, r);
	r->multi.len = r->multi.start = 0;
	if (c->flags & RKV_CONN_MASTER) {
		rkv_node_logf(node, RKV_LOG_WARNING,
			      "Connection with master lost.");
		rkv_node_logf(node, RKV_LOG_NOTICE,
			      "Caching the disconnected master state.");
		r->master_db = c->db;
		r->down_since_ms = node->cmd_time_ms;
		r->fails = 0;
		r->reconnect = true;
		r->next_try_ms = node->cmd_time_ms; /* at once */
	} else {
		rkv_node_logf(node, RKV_LOG_WARNING,
			      "Error condition on socket for SYNC: %s",
			      c->conn_err[0] ? c->conn_err
					     : "Connection closed");
		r->fails++;
		schedule_retry(node, r);
	}
	r->state = RKV_REPL_CONNECT;
}

/* ---------------------------------------------------------------------- */
/* Handshake                                                              */
/* ---------------------------------------------------------------------- */

static void send_psync(rkv_node *node, struct rkv_mlink *r)
{
	char off[32];
	const char *argv[4] = {"PSYNC", "?", "-1", "FAILOVER"};

	if (r->cached) {
		snprintf(off, sizeof(off), "%lld", node->repl.offset + 1);
		argv[1] = node->repl.replid;
		argv[2] = off;
		rkv_node_logf(node, RKV_LOG_NOTICE,
			      "Trying a partial resynchronization (request "
			      "%s:%s).",
			      argv[1], off);
	} else {
		rkv_node_logf(node, RKV_LOG_NOTICE,
			      "Partial resynchronization not possible (no "
			      "cached master)");
	}
	/* A master failing over to this master asks it to take over
	 * (Redis's "PSYNC <replid> <offset> FAILOVER"). */
	send_cmd(r->conn,
		 node->failover.state == RKV_FAILOVER_IN_PROGRESS ? 4 : 3,
		 argv);
	r->state = RKV_REPL_PSYNC;
}

/* After PING's reply: AUTH, REPLCONFs, all at once (Redis pipelines them
 * and then reads the replies in order). */
static void send_handshake(rkv_node *node, struct rkv_mlink *r)
{
	char pass[512], user[256], ip[256], port[16];
	long long p = rkv_config_ll(node, "replica-announce-port", 0);

	if (p == 0)
		p = rkv_config_ll(node, "port", 6379);
	snprintf(port, sizeof(port), "%lld", p);
	r->state = RKV_REPL_PORT;
	if (rkv_node_config_get(node, "masterauth", pass, sizeof(pass)) > 0) {
		if (rkv_node_config_get(node, "masteruser", user,
					sizeof(user)) > 0) {
			const char *argv[3] = {"AUTH", user, pass};

			send_cmd(r->conn, 3, argv);
		} else {
			const char *argv[2] = {"AUTH", pass};

			send_cmd(r->conn, 2, argv);
		}
		r->state = RKV_REPL_AUTH;
	}
	{
		const char *argv[3] = {"REPLCONF", "listening-port", port};

		send_cmd(r->conn, 3, argv);
	}
	if (rkv_node_config_get(node, "replica-announce-ip", ip, sizeof(ip)) >
	    0) {
		const char *argv[3] = {"REPLCONF", "ip-address", ip};

		send_cmd(r->conn, 3, argv);
	} else {
		ip[0] = '\0';
	}
	{
		const char *argv[5] = {"REPLCONF", "capa", "eof", "capa",
				       "psync2"};

		send_cmd(r->conn, 5, argv);
	}
	/* Which reply comes after the port's: remember whether ip was sent. */
	r->have_header = ip[0] != '\0';
}

static bool parse_fullresync(struct rkv_mlink *r, const char *line)
{
	const char *id = line + 12, *sp;
	long long off;

	/* "+FULLRESYNC <40 chars> <offset>" */
	sp = strchr(id, ' ');
	if (!sp || sp - id != 40)
		return false;
	if (!rkv_string2ll(sp + 1, strlen(sp + 1), &off))
		return false;
	memcpy(r->new_id, id, 40);
	r->new_id[40] = '\0';
	r->new_off = off;
	return true;
}

/* +CONTINUE [<new id>]: keep the data, adopt the master's ID as Redis
 * does (the old one becomes the secondary ID). */
static void psync_continue(rkv_node *node, struct rkv_mlink *r,
			   const char *line)
{
	const char *id = line + 9;
	rkv_repl *rp = &node->repl;

	rkv_node_logf(node, RKV_LOG_NOTICE,
		      "Successful partial resynchronization with master.");
	while (*id == ' ')
		id++;
	if (strlen(id) == 40 && strcmp(id, rp->replid) != 0) {
		memcpy(rp->replid2, rp->replid, sizeof(rp->replid));
		rp->second_offset = rp->offset + 1;
		memcpy(rp->replid, id, 40);
		rp->replid[40] = '\0';
		rkv_node_logf(node, RKV_LOG_WARNING,
			      "Master replication ID changed to %s",
			      rp->replid);
		rkv_repl_disconnect_replicas(node);
	}
	rkv_node_logf(node, RKV_LOG_NOTICE,
		      "MASTER <-> REPLICA sync: Master accepted a Partial "
		      "Resynchronization.");
	become_master_link(node, r, r->master_db);
}

/* One reply line of the handshake; false if the link was dropped. */
static bool handshake_line(rkv_node *node, struct rkv_mlink *r,
			   const char *line)
{
	bool err = line[0] == '-';

	switch (r->state) {
	case RKV_REPL_PING:
		if (err && strncmp(line, "-NOAUTH", 7) != 0 &&
		    strncmp(line, "-NOPERM", 7) != 0 &&
		    strncmp(line, "-ERR operation not permitted", 28) != 0) {
			rkv_node_logf(node, RKV_LOG_WARNING,
				      "Error reply to PING from master: '%s'",
				      line);
			link_fail(node, r);
			return false;
		}
		rkv_node_logf(node, RKV_LOG_NOTICE,
			      "Master replied to PING, replication can "
			      "continue...");
		send_handshake(node, r);
		return true;
	case RKV_REPL_AUTH:
		if (err) {
			rkv_node_logf(node, RKV_LOG_WARNING,
				      "Unable to AUTH to MASTER: %s", line);
			link_fail(node, r);
			return false;
		}
		r->state = RKV_REPL_PORT;
		return true;
	case RKV_REPL_PORT:
		if (err)
			rkv_node_logf(node, RKV_LOG_NOTICE,
				      "(Non critical) Master does not "
				      "understand REPLCONF listening-port: %s",
				      line);
		r->state = r->have_header ? RKV_REPL_IP : RKV_REPL_CAPA;
		r->have_header = false;
		return true;
	case RKV_REPL_IP:
		if (err)
			rkv_node_logf(node, RKV_LOG_NOTICE,
				      "(Non critical) Master does not "
				      "understand REPLCONF ip-address: %s",
				      line);
		r->state = RKV_REPL_CAPA;
		return true;
	case RKV_REPL_CAPA:
		if (err)
			rkv_node_logf(node, RKV_LOG_NOTICE,
				      "(Non critical) Master does not "
				      "understand REPLCONF capa: %s",
				      line);
		send_psync(node, r);
		return true;
	case RKV_REPL_PSYNC:
		if (strncmp(line, "+FULLRESYNC ", 12) == 0) {
			if (!parse_fullresync(r, line)) {
				rkv_node_logf(node, RKV_LOG_WARNING,
					      "Master replied with wrong "
					      "+FULLRESYNC syntax.");
				link_fail(node, r);
				return false;
			}
			rkv_node_logf(node, RKV_LOG_NOTICE,
				      "Full resync from master: %s:%lld",
				      r->new_id, r->new_off);
			r->state = RKV_REPL_TRANSFER;
			r->have_header = false;
			rkv_failover_psync_done(node, true);
			return true;
		}
		if (strncmp(line, "+CONTINUE", 9) == 0) {
			psync_continue(node, r, line);
			rkv_failover_psync_done(node, true);
			return true;
		}
		if (strncmp(line, "-NOMASTERLINK", 13) == 0 ||
		    strncmp(line, "-LOADING", 8) == 0)
			rkv_node_logf(node, RKV_LOG_NOTICE,
				      "Master is currently unable to PSYNC "
				      "but should be in the future: %s",
				      line);
		else if (strncmp(line, "-ERR", 4) == 0)
			rkv_node_logf(node, RKV_LOG_NOTICE,
				      "Master does not support PSYNC or is in "
				      "error state (reply: %s)",
				      line);
		else
			rkv_node_logf(node, RKV_LOG_WARNING,
				      "Unexpected reply to PSYNC from master: "
				      "%s",
				      line);
		if (node->failover.state == RKV_FAILOVER_IN_PROGRESS) {
			/* The target refused to take over: master again
			 * (frees r and drops the link). */
			rkv_failover_psync_done(node, false);
			return false;
		}
		link_fail(node, r);
		return false;
	default:
		return true;
	}
}

/* ---------------------------------------------------------------------- */
/* The RDB of a full sync                                                 */
/* ---------------------------------------------------------------------- */

static bool transfer_header(rkv_node *node, struct rkv_mlink *r,
			    const char *line)
{
	int rc;

	if (line[0] == '-') {
		rkv_node_logf(node, RKV_LOG_WARNING,
			      "MASTER aborted replication with an error: %s",
			      line + 1);
		link_fail(node, r);
		return false;
	}
	if (line[0] != '$') {
		rkv_node_logf(node, RKV_LOG_WARNING,
			      "Bad protocol from MASTER, the first byte is not "
			      "'$' (we received '%s'), are you sure the host "
			      "and port are right?",
			      line);
		link_fail(node, r);
		return false;
	}
	if (strncmp(line, "$EOF:", 5) == 0 && strlen(line) == 5 + MARK_LEN) {
		r->eof = true;
		memcpy(r->mark, line + 5, MARK_LEN);
		r->size = -1;
		rkv_node_logf(node, RKV_LOG_NOTICE,
			      "MASTER <-> REPLICA sync: receiving streamed RDB "
			      "from master with EOF to parser");
	} else if (rkv_string2ll(line + 1, strlen(line + 1), &r->size) &&
		   r->size >= 0) {
		r->eof = false;
		rkv_node_logf(node, RKV_LOG_NOTICE,
			      "MASTER <-> REPLICA sync: receiving %lld bytes "
			      "from master to parser",
			      r->size);
	} else {
		rkv_node_logf(node, RKV_LOG_WARNING,
			      "Bad protocol from MASTER, the first byte is not "
			      "'$' (we received '%s'), are you sure the host "
			      "and port are right?",
			      line);
		link_fail(node, r);
		return false;
	}
	if (r->cached)
		rkv_node_logf(node, RKV_LOG_NOTICE,
			      "Discarding previously cached master state.");
	r->cached = false;
	rc = rkv_node_load_begin(node, &r->loader);
	if (rc < 0) {
		rkv_node_logf(node, RKV_LOG_WARNING,
			      "Failed trying to load the MASTER "
			      "synchronization DB from socket: %s",
			      rkv_strerror(rc));
		link_fail(node, r);
		return false;
	}
	rkv_node_logf(node, RKV_LOG_NOTICE,
		      "MASTER <-> REPLICA sync: Loading DB in memory");
	r->have_header = true;
	r->read = 0;
	r->tlen = 0;
	return true;
}

static bool load_feed(rkv_node *node, struct rkv_mlink *r, const char *p,
		      size_t n)
{
	int rc;

	if (n == 0)
		return true;
	rc = rkv_loader_feed(r->loader, p, n);
	if (rc >= 0)
		return true;
	rkv_node_logf(node, RKV_LOG_WARNING, "%s", rkv_loader_error(r->loader));
	rkv_node_logf(node, RKV_LOG_WARNING,
		      "Failed trying to load the MASTER synchronization DB "
		      "from socket, check server logs.");
	link_fail(node, r);
	return false;
}

/* The whole RDB arrived: swap it in and start streaming. */
static bool transfer_done(rkv_node *node, struct rkv_mlink *r)
{
	unsigned long long loaded = 0, expired = 0;
	int rc = rkv_loader_end(r->loader);

	if (rc < 0) {
		rkv_node_logf(node, RKV_LOG_WARNING, "%s",
			      rkv_loader_error(r->loader));
		rkv_node_logf(node, RKV_LOG_WARNING,
			      "Failed trying to load the MASTER "
			      "synchronization DB from socket, check server "
			      "logs.");
		link_fail(node, r);
		return false;
	}
	rkv_loader_stats(r->loader, &loaded, &expired);
	rkv_loader_free(r->loader);
	r->loader = NULL;
	rkv_node_logf(node, RKV_LOG_NOTICE,
		      "Done loading RDB, keys loaded: %llu, keys expired: "
		      "%llu.",
		      loaded, expired);
	rkv_repl_adopt(node, r->new_id, r->new_off);
	rkv_repl_disconnect_replicas(node);
	become_master_link(node, r, 0);
	rkv_node_logf(node, RKV_LOG_NOTICE,
		      "MASTER <-> REPLICA sync: Finished with success");
	/* A diskless master starts the stream on this first ACK. */
	send_ack(r, node);
	return true;
}

/* EOF form: everything but the last MARK_LEN bytes seen goes to the
 * loader; the transfer ends when those are the mark. */
static bool eof_feed(rkv_node *node, struct rkv_mlink *r, const char *d,
		     size_t n)
{
	size_t total = r->tlen + n;

	if (total <= MARK_LEN) {
		memcpy(r->tail + r->tlen, d, n);
		r->tlen = total;
	} else {
		size_t rel = total - MARK_LEN;
		size_t from_tail = rel < r->tlen ? rel : r->tlen;
		size_t from_d = rel - from_tail;

		if (!load_feed(node, r, r->tail, from_tail))
			return false;
		memmove(r->tail, r->tail + from_tail, r->tlen - from_tail);
		r->tlen -= from_tail;
		if (!load_feed(node, r, d, from_d))
			return false;
		memcpy(r->tail + r->tlen, d + from_d, n - from_d);
		r->tlen += n - from_d;
	}
	if (r->tlen == MARK_LEN && memcmp(r->tail, r->mark, MARK_LEN) == 0)
		return transfer_done(node, r);
	return true;
}

/* ---------------------------------------------------------------------- */
/* Reading the link before it streams                                     */
/* ---------------------------------------------------------------------- */

/* Collect a line; returns the bytes used, *done when it is complete. */
static size_t read_line(struct rkv_mlink *r, const char *data, size_t len,
			bool *done, bool *overflow)
{
	const char *nl = memchr(data, '\n', len);
	size_t n = nl ? (size_t)(nl - data) + 1 : len;
	size_t copy = nl ? n - 1 : n;

	*done = nl != NULL;
	*overflow = false;
	if (r->linelen + copy >= LINE_MAX_LEN) {
		*overflow = true;
		return n;
	}
	memcpy(r->line + r->linelen, data, copy);
	r->linelen += copy;
	if (*done) {
		if (r->linelen && r->line[r->linelen - 1] == '\r')
			r->linelen--;
		r->line[r->linelen] = '\0';
	}
	return n;
}

static long long link_recv(rkv_conn *c, const char *data, size_t len)
{
	rkv_node *node = c->node;
	struct rkv_mlink *r = node->mlink;
	size_t off = 0;

	if (!r || r->conn != c)
		return -1;
	r->last_io_ms = node->cmd_time_ms;
	while (off < len && r->conn == c && r->state != RKV_REPL_CONNECTED) {
		if (r->state == RKV_REPL_TRANSFER && r->have_header) {
			size_t n = len - off;

			if (!r->eof && (long long)n > r->size - r->read)
				n = (size_t)(r->size - r->read);
			r->read += (long long)n;
			if (r->eof) {
				if (!eof_feed(node, r, data + off, n))
					return -1;
				off += n;
				continue;
			}
			if (!load_feed(node, r, data + off, n))
				return -1;
			off += n;
			if (r->read == r->size && !transfer_done(node, r))
				return -1;
			continue;
		}
		if (r->state < RKV_REPL_PING) {
			/* Bytes before we asked anything: ignore. */
			return (long long)len;
		}
		{
			bool done, overflow;

			off += read_line(r, data + off, len - off, &done,
					 &overflow);
			if (overflow) {
				rkv_node_logf(node, RKV_LOG_WARNING,
					      "Master sent a reply line too "
					      "long during the handshake");
				link_fail(node, r);
				return -1;
			}
			if (!done)
				break;
			r->linelen = 0;
			/* Newlines: the master's keepalive while it prepares
			 * the RDB (before +FULLRESYNC, too). */
			if (r->line[0] == '\0' &&
			    (r->state == RKV_REPL_PSYNC ||
			     r->state == RKV_REPL_TRANSFER))
				continue;
			if (r->state == RKV_REPL_TRANSFER) {
				if (!transfer_header(node, r, r->line))
					return -1;
				continue;
			}
			if (!handshake_line(node, r, r->line))
				return -1;
		}
	}
	if (r->conn != c)
		return -1;
	return (long long)off;
}

/* ---------------------------------------------------------------------- */
/* Streaming                                                              */
/* ---------------------------------------------------------------------- */

void rkv_replica_read(rkv_conn *c, size_t len)
{
	struct rkv_mlink *r = c->node->mlink;

	if (!r || r->conn != c)
		return;
	r->read_off += (long long)len;
	r->last_io_ms = c->node->cmd_time_ms;
}

void rkv_replica_exec(rkv_conn *c, size_t argc, const rkv_slice *argv,
		      const char *raw, size_t rawlen)
{
	rkv_node *node = c->node;
	struct rkv_mlink *r = node->mlink;
	size_t mark = c->obuf.len;
	bool getack = argc >= 2 && rkv_arg_is(&argv[0], "replconf") &&
		      rkv_arg_is(&argv[1], "getack");

	if (getack) {
		/* The only reply a master gets: the offset applied so far
		 * (this GETACK not counted yet, as Redis). */
		send_ack(r, node);
		mark = c->obuf.len;
	} else {
		node->from_master = true;
		node->ks.keep_expired = true;
		rkv_command_execute(c, argc, argv);
		node->ks.keep_expired = false;
		node->from_master = false;
		/* A master gets no replies; an error is worth a loud log, as
		 * Redis's afterErrorReply() (a command rkv lacks, say). */
		if (c->obuf.len > mark && rkv_buf_head(&c->obuf)[mark] == '-') {
			const char *e = rkv_buf_head(&c->obuf) + mark + 1;
			size_t n = c->obuf.len - mark - 1;
			const char *cr = memchr(e, '\r', n);

			rkv_node_logf(
			    node, RKV_LOG_WARNING,
			    "== CRITICAL == This replica is sending "
			    "an error to its master: '%.*s' after "
			    "processing the command '%.*s'",
			    (int)(cr ? (size_t)(cr - e) : (n < 128 ? n : 128)),
			    e, (int)(argv[0].len < 64 ? argv[0].len : 64),
			    argv[0].ptr);
		}
		c->obuf.len = mark;
	}
	if (!r || r->conn != c)
		return;
	if (c->flags & RKV_CONN_MULTI) {
		/* Applied at EXEC: the offset moves then. */
		rkv_buf_append(&r->multi, raw, rawlen);
		return;
	}
	if (r->multi.len) {
		rkv_buf_append(&r->multi, raw, rawlen);
		rkv_repl_propagate_raw(node, rkv_buf_head(&r->multi),
				       r->multi.len);
		r->multi.len = r->multi.start = 0;
		return;
	}
	rkv_repl_propagate_raw(node, raw, rawlen);
}

void rkv_replica_protocol_error(rkv_conn *c, const char *reason)
{
	rkv_node *node = c->node;
	struct rkv_mlink *r = node->mlink;

	rkv_node_logf(node, RKV_LOG_WARNING,
		      "Protocol error (%s) from client: id=%llu addr=%s "
		      "name=%s. (master link)",
		      reason ? reason : "?", (unsigned long long)c->id, c->addr,
		      c->name);
	if (r && r->conn == c) {
		link_drop(node, r);
		r->down_since_ms = node->cmd_time_ms;
		r->state = RKV_REPL_CONNECT;
		r->reconnect = true;
		r->next_try_ms = node->cmd_time_ms;
	} else {
		rkv_conn_kill(c);
	}
}

/* ---------------------------------------------------------------------- */
/* Cron                                                                   */
/* ---------------------------------------------------------------------- */

void rkv_replica_cron(rkv_node *node)
{
	struct rkv_mlink *r = node->mlink;
	int64_t now = node->cmd_time_ms;
	long long timeout;

	if (!r || !r->host[0])
		return;
	timeout = rkv_config_ll(node, "repl-timeout", 60) * 1000;
	switch (r->state) {
	case RKV_REPL_CONNECT:
		if (now >= r->next_try_ms)
			connect_master(node, r);
		break;
	case RKV_REPL_CONNECTING:
	case RKV_REPL_PING:
	case RKV_REPL_AUTH:
	case RKV_REPL_PORT:
	case RKV_REPL_IP:
	case RKV_REPL_CAPA:
	case RKV_REPL_PSYNC:
		if (now - r->last_io_ms > timeout) {
			rkv_node_logf(node, RKV_LOG_WARNING,
				      "Timeout connecting to the MASTER...");
			link_fail(node, r);
		}
		break;
	case RKV_REPL_TRANSFER:
		if (now - r->last_io_ms > timeout) {
			rkv_node_logf(node, RKV_LOG_WARNING,
				      "Timeout receiving bulk data from "
				      "MASTER... If the problem persists try "
				      "to set the 'repl-timeout' parameter in "
				      "redis.conf to a larger value.");
			link_fail(node, r);
		}
		break;
	case RKV_REPL_CONNECTED:
		if (now - r->last_io_ms > timeout) {
			rkv_node_logf(node, RKV_LOG_WARNING,
				      "MASTER timeout: no data nor PING "
				      "received...");
			link_drop(node, r);
			r->down_since_ms = now;
			r->state = RKV_REPL_CONNECT;
			r->reconnect = true;
			r->next_try_ms = now;
			break;
		}
		if (now - r->last_ack_ms >= 1000 && r->conn) {
			send_ack(r, node);
			rkv_conn_flush(r->conn);
		}
		break;
	default:
		break;
	}
}

/* ---------------------------------------------------------------------- */
/* REPLICAOF, config, INFO                                                */
/* ---------------------------------------------------------------------- */

/* Stop being a replica (REPLICAOF NO ONE), as Redis's
 * replicationUnsetMaster(). */
void rkv_replica_unset_master(rkv_node *node)
{
	struct rkv_mlink *r = node->mlink;

	if (!r)
		return;
	/* No longer a replica before the logs (Redis's role letter M). */
	node->mlink = NULL;
	node->repl.is_replica = false;
	if (r->conn && (r->conn->flags & RKV_CONN_MASTER)) {
		rkv_node_logf(node, RKV_LOG_WARNING,
			      "Connection with master lost.");
		rkv_node_logf(node, RKV_LOG_NOTICE,
			      "Caching the disconnected master state.");
	}
	link_drop(node, r);
	if (r->cached)
		rkv_node_logf(node, RKV_LOG_NOTICE,
			      "Discarding previously cached master state.");
	rkv_buf_free(&r->multi);
	rkv_free(rkv_node_alloc(node), r);
	rkv_repl_shift_replid(node);
	rkv_repl_disconnect_replicas(node);
}

/* Become (or change) a replica of host:port, as replicationSetMaster().
 * now: connect at once (REPLICAOF) rather than at the next tick. */
static int set_master(rkv_node *node, const char *host, int port, bool now)
{
	bool was_master = node->mlink == NULL;
	struct rkv_mlink *r = replica_get(node);

	if (!r)
		return RKV_ERR_NOMEM;
	if (r->conn && (r->conn->flags & RKV_CONN_MASTER)) {
		rkv_node_logf(node, RKV_LOG_WARNING,
			      "Connection with master lost.");
		rkv_node_logf(node, RKV_LOG_NOTICE,
			      "Caching the disconnected master state.");
	}
	link_drop(node, r);
	snprintf(r->host, sizeof(r->host), "%s", host);
	r->port = port;
	r->fails = 0;
	r->reconnect = false;
	r->master_db = 0;
	if (was_master && now) {
		rkv_node_logf(node, RKV_LOG_NOTICE,
			      "Before turning into a replica, using my own "
			      "master parameters to synthesize a cached "
			      "master: I may be able to synchronize with the "
			      "new master with just a partial transfer.");
		r->cached = true;
	}
	if (was_master)
		r->down_since_ms = 0;
	rkv_repl_disconnect_replicas(node);
	r->state = RKV_REPL_CONNECT;
	r->next_try_ms = node->cmd_time_ms;
	if (now)
		connect_master(node, r);
	return 0;
}

int rkv_replica_failover_to(rkv_node *node, const char *host, int port)
{
	int rc = set_master(node, host, port, true);

	if (rc == 0 && node->mlink && node->mlink->conn)
		rkv_conn_flush(node->mlink->conn);
	return rc;
}

int rkv_replica_config(rkv_node *node, const char *host, int port)
{
	if (!host) {
		if (node->mlink) {
			link_drop(node, node->mlink);
			rkv_buf_free(&node->mlink->multi);
			rkv_free(rkv_node_alloc(node), node->mlink);
			node->mlink = NULL;
			node->repl.is_replica = false;
		}
		return 0;
	}
	return set_master(node, host, port, false);
}

void rkv_replica_config_text(rkv_node *node, char *buf, size_t len)
{
	if (node->mlink)
		snprintf(buf, len, "%s %d", node->mlink->host,
			 node->mlink->port);
	else if (len)
		buf[0] = '\0';
}

void rkv_replica_free(rkv_node *node)
{
	struct rkv_mlink *r = node->mlink;

	if (!r)
		return;
	rkv_loader_free(r->loader);
	rkv_buf_free(&r->multi);
	rkv_free(rkv_node_alloc(node), r);
	node->mlink = NULL;
}

void rkv_replica_fill_aux(rkv_node *node, struct rkv_rdb_aux *aux)
{
	struct rkv_mlink *r = node->mlink;

	if (!r || (!r->cached && r->state != RKV_REPL_CONNECTED))
		return;
	aux->repl_info = true;
	aux->repl_id = node->repl.replid;
	aux->repl_offset = node->repl.offset;
	aux->repl_stream_db = r->conn && (r->conn->flags & RKV_CONN_MASTER)
				  ? r->conn->db
				  : r->master_db;
}

void rkv_replica_loaded(rkv_node *node, const char *id, long long offset,
			int stream_db)
{
	struct rkv_mlink *r = node->mlink;

	if (!r || r->state == RKV_REPL_TRANSFER || r->conn || !id ||
	    strlen(id) != 40)
		return;
	rkv_repl_adopt(node, id, offset);
	r->cached = true;
	r->master_db =
	    stream_db >= 0 && stream_db < node->ks.ndb ? stream_db : 0;
	rkv_node_logf(node, RKV_LOG_NOTICE,
		      "Before turning into a replica, using my own master "
		      "parameters to synthesize a cached master: I may be able "
		      "to synchronize with the new master with just a partial "
		      "transfer.");
}

bool rkv_replica_role_reply(rkv_conn *c)
{
	struct rkv_mlink *r = c->node->mlink;
	const char *state;

	if (!r)
		return false;
	switch (r->state) {
	case RKV_REPL_CONNECT:
		state = "connect";
		break;
	case RKV_REPL_CONNECTING:
		state = "connecting";
		break;
	case RKV_REPL_TRANSFER:
		state = "sync";
		break;
	case RKV_REPL_CONNECTED:
		state = "connected";
		break;
	case RKV_REPL_NONE:
		state = "none";
		break;
	default:
		state = "handshake";
		break;
	}
	rkv_resp_add_array(&c->obuf, 5);
	rkv_resp_add_bulk(&c->obuf, "slave", 5);
	rkv_resp_add_bulk(&c->obuf, r->host, strlen(r->host));
	rkv_resp_add_integer(&c->obuf, r->port);
	rkv_resp_add_bulk(&c->obuf, state, strlen(state));
	rkv_resp_add_integer(&c->obuf, r->state == RKV_REPL_CONNECTED
					   ? c->node->repl.offset
					   : -1);
	return true;
}

int rkv_node_is_replica(const rkv_node *node)
{
	return node && node->mlink ? 1 : 0;
}

bool rkv_replica_sync_refused(rkv_node *node)
{
	return node->mlink && node->mlink->state != RKV_REPL_CONNECTED;
}

bool rkv_replica_deny_writes(rkv_node *node)
{
	return node->mlink && rkv_config_yes(node, "replica-read-only");
}

bool rkv_replica_stale(rkv_node *node)
{
	return node->mlink && node->mlink->state != RKV_REPL_CONNECTED &&
	       !rkv_config_yes(node, "replica-serve-stale-data");
}

bool rkv_replica_get_status(rkv_node *node, rkv_replica_status *st)
{
	struct rkv_mlink *r = node->mlink;
	int64_t now = node->cmd_time_ms;

	if (!r)
		return false;
	memset(st, 0, sizeof(*st));
	st->host = r->host;
	st->port = r->port;
	st->link_up = r->state == RKV_REPL_CONNECTED;
	st->last_io_s = st->link_up ? (now - r->last_io_ms) / 1000 : -1;
	st->sync_in_progress = r->state == RKV_REPL_TRANSFER;
	st->sync_total = r->eof ? -1 : r->size;
	st->sync_read = r->read;
	st->sync_last_io_s = (now - r->last_io_ms) / 1000;
	if (r->cached || st->link_up) {
		st->offset = node->repl.offset;
		st->read_offset = st->link_up ? r->read_off : node->repl.offset;
	} else {
		/* No master and no cached one: Redis prints 1 for both. */
		st->offset = st->read_offset = 1;
	}
	st->down_since_s =
	    r->down_since_ms ? (now - r->down_since_ms) / 1000 : -1;
	return true;
}

static bool valid_port(const rkv_slice *a, long long *port)
{
	return rkv_string2ll(a->ptr, a->len, port) && *port >= 0 &&
	       *port <= 65535;
}

void rkv_cmd_replicaof(rkv_conn *c, size_t argc, const rkv_slice *argv)
{
	rkv_node *node = c->node;
	char who[1024], host[256];
	long long port;

	(void)argc;
	if (node->failover.state != RKV_FAILOVER_NONE) {
		rkv_resp_add_errorf(
		    &c->obuf, "REPLICAOF not allowed while failing over.");
		return;
	}
	if (rkv_arg_is(&argv[1], "no") && rkv_arg_is(&argv[2], "one")) {
		if (node->mlink) {
			rkv_client_info_string(c, who, sizeof(who));
			rkv_replica_unset_master(node);
			rkv_node_logf(node, RKV_LOG_NOTICE,
				      "MASTER MODE enabled (user request from "
				      "'%s')",
				      who);
		}
		rkv_reply_ok(c);
		return;
	}
	if (!valid_port(&argv[2], &port)) {
		rkv_resp_add_errorf(&c->obuf, "Invalid master port");
		return;
	}
	snprintf(host, sizeof(host), "%.*s",
		 (int)(argv[1].len < 255 ? argv[1].len : 255), argv[1].ptr);
	if (node->mlink && rkv_strcasecmp(node->mlink->host, host) == 0 &&
	    node->mlink->port == port) {
		rkv_node_logf(node, RKV_LOG_NOTICE,
			      "REPLICAOF would result into synchronization "
			      "with the master we are already connected "
			      "with. No operation performed.");
		rkv_resp_add_status(
		    &c->obuf, "OK Already connected to specified master", 40);
		return;
	}
	if (set_master(node, host, (int)port, true) < 0) {
		rkv_reply_oom(c);
		return;
	}
	rkv_client_info_string(c, who, sizeof(who));
	rkv_node_logf(node, RKV_LOG_NOTICE,
		      "REPLICAOF %s:%d enabled (user request from '%s')", host,
		      (int)port, who);
	rkv_reply_ok(c);
	if (node->mlink && node->mlink->conn)
		rkv_conn_flush(node->mlink->conn);
}
