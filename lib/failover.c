/* Client pauses and the coordinated failover of a data node (failover.h).
 * Replies, errors and log lines are Redis 7.0.15's. */
#include "failover.h"

#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "node.h"
#include "repl.h"
#include "replica.h"
#include "util.h"

/* ---------------------------------------------------------------------- */
/* Pauses                                                                 */
/* ---------------------------------------------------------------------- */

/* Wake every held client, oldest first: rkv_conn_unblock() pushes on the
 * front of the pending list, so the newest is pushed first. */
static void wake_held(rkv_node *node)
{
	rkv_conn *c = node->pause.head, *rev = NULL, *next;

	node->pause.head = node->pause.tail = NULL;
	for (; c; c = next) { /* reverse: newest first */
		next = c->pause_next;
		c->pause_next = rev;
		rev = c;
	}
	for (c = rev; c; c = next) {
		next = c->pause_next;
		c->pause_next = NULL;
		c->flags &= ~(unsigned)RKV_CONN_POSTPONED;
		rkv_conn_unblock(c);
	}
}

void rkv_pause_update(rkv_node *node)
{
	rkv_pause *p = &node->pause;
	int old = p->type, type = RKV_PAUSE_OFF;
	int64_t end = 0;

	for (int i = 0; i < RKV_PAUSE_PURPOSES; i++) {
		if (p->by[i].type == RKV_PAUSE_OFF)
			continue;
		if (p->by[i].end_ms < node->cmd_time_ms)
			p->by[i].type = RKV_PAUSE_OFF; /* expired */
		else if (p->by[i].type > type)
			type = p->by[i].type;
	}
	for (int i = 0; i < RKV_PAUSE_PURPOSES; i++)
		if (type != RKV_PAUSE_OFF && p->by[i].type == type &&
		    p->by[i].end_ms > end)
			end = p->by[i].end_ms;
	p->type = type;
	p->end_ms = end;
	/* Less restrictive than before: the held clients run again (and may
	 * be held again), as Redis's unblockPostponedClients(). */
	if (type < old)
		wake_held(node);
	/* A WAIT's GETACK waits for the end of the pause (it would move the
	 * offsets a failover compares). */
	if (type == RKV_PAUSE_OFF && node->repl.getack_pending) {
		node->repl.getack_pending = false;
		rkv_repl_getack(node);
	}
}

bool rkv_paused(rkv_node *node)
{
	if (node->pause.type == RKV_PAUSE_OFF)
		return false;
	if (node->pause.end_ms < node->cmd_time_ms)
		rkv_pause_update(node);
	return node->pause.type != RKV_PAUSE_OFF;
}

void rkv_pause_start(rkv_node *node, int purpose, int64_t end_ms, int type)
{
	rkv_pause *p = &node->pause;

	rkv_pause_update(node); /* drop expired purposes first */
	if (p->by[purpose].type == RKV_PAUSE_OFF) {
		p->by[purpose].type = type;
		p->by[purpose].end_ms = end_ms;
	} else {
		if (type > p->by[purpose].type)
			p->by[purpose].type = type;
		if (end_ms > p->by[purpose].end_ms)
			p->by[purpose].end_ms = end_ms;
	}
	rkv_pause_update(node);
}

void rkv_pause_end(rkv_node *node, int purpose)
{
	node->pause.by[purpose].type = RKV_PAUSE_OFF;
	rkv_pause_update(node);
}

/* The command writes or may be replicated (PUBLISH), or is an EXEC whose
 * queue holds such a command: Redis's is_may_replicate_command. */
static bool may_replicate(const rkv_conn *c, const rkv_command *cmd)
{
	if (cmd->flags & (RKV_CMD_WRITE | RKV_CMD_MAY_REPLICATE))
		return true;
	if (cmd->proc == rkv_cmd_exec && (c->flags & RKV_CONN_MULTI))
		for (size_t i = 0; i < c->mcount; i++)
			if (c->mqueue[i].cmd->flags &
			    (RKV_CMD_WRITE | RKV_CMD_MAY_REPLICATE))
				return true;
	return false;
}

static void postpone(rkv_conn *c, const rkv_command *cmd)
{
	rkv_pause *p = &c->node->pause;

	c->flags |= RKV_CONN_BLOCKED | RKV_CONN_POSTPONED;
	c->lastcmd = cmd; /* CLIENT LIST cmd= */
	c->pause_next = NULL;
	if (p->tail)
		p->tail->pause_next = c;
	else
		p->head = c;
	p->tail = c;
}

static bool holds(rkv_conn *c, const rkv_command *cmd)
{
	rkv_node *node = c->node;

	if (!rkv_paused(node))
		return false;
	return node->pause.type == RKV_PAUSE_ALL || may_replicate(c, cmd);
}

bool rkv_pause_hold(rkv_conn *c, const rkv_command *cmd)
{
	/* Replicas are never paused (their ACKs are what a failover waits
	 * for); the in-process API's calls are synchronous. */
	if (c->flags & (RKV_CONN_REPLICA | RKV_CONN_HOST) || !holds(c, cmd))
		return false;
	postpone(c, cmd);
	return true;
}

bool rkv_pause_hold_master(rkv_conn *c, size_t argc, const rkv_slice *argv)
{
	const rkv_command *cmd;

	if (!rkv_paused(c->node))
		return false;
	cmd = rkv_command_lookup(argv[0].ptr, argv[0].len);
	/* What Redis answers before its pause check runs now. */
	if (!cmd || (cmd->arity > 0 && (size_t)cmd->arity != argc) ||
	    (cmd->arity < 0 && argc < (size_t)-cmd->arity) || !holds(c, cmd))
		return false;
	postpone(c, cmd);
	return true;
}

void rkv_pause_conn_gone(rkv_conn *c)
{
	rkv_pause *p = &c->node->pause;
	rkv_conn **pp = &p->head, *prev = NULL;

	while (*pp && *pp != c) {
		prev = *pp;
		pp = &(*pp)->pause_next;
	}
	if (*pp) {
		*pp = c->pause_next;
		if (p->tail == c)
			p->tail = prev;
	}
	c->pause_next = NULL;
	c->flags &= ~(unsigned)(RKV_CONN_POSTPONED | RKV_CONN_BLOCKED);
}

/* CLIENT PAUSE timeout [WRITE|ALL] */
void rkv_client_pause(rkv_conn *c, size_t argc, const rkv_slice *argv)
{
	rkv_node *node = c->node;
	int type = RKV_PAUSE_ALL;
	long long t;

	if (argc > 4) {
		/* Redis's fallback error, naming the subcommand as given. */
		rkv_resp_add_errorf(
		    &c->obuf,
		    "unknown subcommand or wrong number of "
		    "arguments for '%.*s'. Try CLIENT HELP.",
		    (int)(argv[1].len < 128 ? argv[1].len : 128), argv[1].ptr);
		return;
	}
	if (argc == 4) {
		if (rkv_arg_is(&argv[3], "write")) {
			type = RKV_PAUSE_WRITE;
		} else if (!rkv_arg_is(&argv[3], "all")) {
			rkv_resp_add_errorf(
			    &c->obuf, "CLIENT PAUSE mode must be WRITE or ALL");
			return;
		}
	}
	if (!rkv_string2ll(argv[2].ptr, argv[2].len, &t)) {
		rkv_resp_add_errorf(
		    &c->obuf, "timeout is not an integer or out of range");
		return;
	}
	if (t < 0) {
		rkv_resp_add_errorf(&c->obuf, "timeout is negative");
		return;
	}
	if (t > 0) {
		if (t > INT64_MAX - node->cmd_time_ms) {
			rkv_resp_add_errorf(&c->obuf,
					    "timeout is out of range");
			return;
		}
		t += node->cmd_time_ms;
	}
	rkv_pause_start(node, RKV_PAUSE_BY_CLIENT, t, type);
	rkv_reply_ok(c);
}

/* CLIENT UNPAUSE: ends CLIENT PAUSE's pause only (not a FAILOVER's). */
void rkv_client_unpause(rkv_conn *c, size_t argc, const rkv_slice *argv)
{
	(void)argc;
	(void)argv;
	rkv_pause_end(c->node, RKV_PAUSE_BY_CLIENT);
	rkv_reply_ok(c);
}

/* ---------------------------------------------------------------------- */
/* FAILOVER                                                               */
/* ---------------------------------------------------------------------- */

const char *rkv_failover_state_name(const rkv_node *node)
{
	switch (node->failover.state) {
	case RKV_FAILOVER_WAIT_SYNC:
		return "waiting-for-sync";
	case RKV_FAILOVER_IN_PROGRESS:
		return "failover-in-progress";
	default:
		return "no-failover";
	}
}

/* host[0..hlen) equals the C string s, ignoring ASCII case. */
static bool host_eq(const char *host, size_t hlen, const char *s)
{
	if (strlen(s) != hlen)
		return false;
	for (size_t i = 0; i < hlen; i++) {
		char a = host[i], b = s[i];

		if (a >= 'A' && a <= 'Z')
			a = (char)(a - 'A' + 'a');
		if (b >= 'A' && b <= 'Z')
			b = (char)(b - 'A' + 'a');
		if (a != b)
			return false;
	}
	return true;
}

/* The attached replica announcing host:port (Redis's findReplica()). */
static rkv_replica *find_replica(rkv_node *node, const char *host, size_t hlen,
				 long long port)
{
	for (rkv_replica *s = node->repl.replicas; s; s = s->next)
		if (!s->conn->closed && host_eq(host, hlen, s->ip) &&
		    s->port == port)
			return s;
	return NULL;
}

static void clear_state(rkv_node *node)
{
	rkv_failover *f = &node->failover;

	f->state = RKV_FAILOVER_NONE;
	f->end_ms = 0;
	f->force = false;
	f->host[0] = '\0';
	f->port = 0;
	rkv_pause_end(node, RKV_PAUSE_FAILOVER);
}

void rkv_failover_abort(rkv_node *node, const char *err)
{
	rkv_failover *f = &node->failover;

	if (f->state == RKV_FAILOVER_NONE)
		return;
	if (f->host[0])
		rkv_node_logf(node, RKV_LOG_NOTICE,
			      "FAILOVER to %s:%d aborted: %s", f->host, f->port,
			      err);
	else
		rkv_node_logf(node, RKV_LOG_NOTICE,
			      "FAILOVER to any replica aborted: %s", err);
	if (f->state == RKV_FAILOVER_IN_PROGRESS)
		rkv_replica_unset_master(node);
	clear_state(node);
}

void rkv_failover_psync_done(rkv_node *node, bool ok)
{
	if (node->failover.state != RKV_FAILOVER_IN_PROGRESS)
		return;
	if (ok)
		clear_state(node);
	else
		rkv_failover_abort(node,
				   "Failover target rejected psync request");
}

/* Demote this node: a replica of the target, whose PSYNC carries
 * FAILOVER (lib/replica.c). */
static void demote(rkv_node *node)
{
	rkv_failover *f = &node->failover;

	f->state = RKV_FAILOVER_IN_PROGRESS;
	if (rkv_replica_failover_to(node, f->host, f->port) < 0)
		rkv_failover_abort(node, "out of memory");
}

void rkv_failover_cron(rkv_node *node)
{
	rkv_failover *f = &node->failover;
	rkv_replica *s = NULL;

	if (f->state != RKV_FAILOVER_WAIT_SYNC)
		return;
	if (f->end_ms && f->end_ms <= node->cmd_time_ms) {
		if (f->force) {
			rkv_node_logf(node, RKV_LOG_NOTICE,
				      "FAILOVER to %s:%d time out exceeded, "
				      "failing over.",
				      f->host, f->port);
			demote(node);
		} else {
			rkv_failover_abort(
			    node, "Replica never caught up before timeout");
		}
		return;
	}
	if (f->host[0]) {
		s = find_replica(node, f->host, strlen(f->host), f->port);
	} else {
		/* The first replica that acknowledged everything. */
		for (rkv_replica *r = node->repl.replicas; r; r = r->next) {
			if (r->conn->closed || r->ack_off != node->repl.offset)
				continue;
			s = r;
			snprintf(f->host, sizeof(f->host), "%s", r->ip);
			f->port = r->port;
			break;
		}
	}
	if (!s || s->ack_off != node->repl.offset)
		return;
	rkv_node_logf(node, RKV_LOG_NOTICE,
		      "Failover target %s:%d is synced, failing over.", f->host,
		      f->port);
	demote(node);
}

/* FAILOVER [TO host port [FORCE]] [ABORT] [TIMEOUT ms]: Redis 7.0's
 * failoverCommand(). */
void rkv_cmd_failover(rkv_conn *c, size_t argc, const rkv_slice *argv)
{
	rkv_node *node = c->node;
	rkv_failover *f = &node->failover;
	long long timeout = 0, port = 0;
	const rkv_slice *host = NULL;
	bool force = false;
	size_t live = 0;

	if (argc == 2 && rkv_arg_is(&argv[1], "abort")) {
		if (f->state == RKV_FAILOVER_NONE) {
			rkv_resp_add_errorf(&c->obuf,
					    "No failover in progress.");
			return;
		}
		rkv_failover_abort(node, "Failover manually aborted");
		rkv_reply_ok(c);
		return;
	}
	for (size_t j = 1; j < argc; j++) {
		if (rkv_arg_is(&argv[j], "timeout") && j + 1 < argc &&
		    timeout == 0) {
			if (!rkv_arg_ll(c, &argv[j + 1], &timeout))
				return;
			if (timeout <= 0) {
				rkv_resp_add_errorf(&c->obuf,
						    "FAILOVER timeout must be "
						    "greater than 0");
				return;
			}
			j++;
		} else if (rkv_arg_is(&argv[j], "to") && j + 2 < argc &&
			   !host) {
			if (!rkv_arg_ll(c, &argv[j + 2], &port))
				return;
			host = &argv[j + 1];
			j += 2;
		} else if (rkv_arg_is(&argv[j], "force") && !force) {
			force = true;
		} else {
			rkv_reply_syntax_error(c);
			return;
		}
	}
	if (f->state != RKV_FAILOVER_NONE) {
		rkv_resp_add_errorf(&c->obuf, "FAILOVER already in progress.");
		return;
	}
	if (node->mlink) {
		rkv_resp_add_errorf(&c->obuf, "FAILOVER is not valid when "
					      "server is a replica.");
		return;
	}
	for (rkv_replica *s = node->repl.replicas; s; s = s->next)
		live += !s->conn->closed;
	if (!live) {
		rkv_resp_add_errorf(&c->obuf,
				    "FAILOVER requires connected replicas.");
		return;
	}
	if (force && (!timeout || !host)) {
		rkv_resp_add_errorf(&c->obuf,
				    "FAILOVER with force option requires both "
				    "a timeout and target HOST and IP.");
		return;
	}
	if (host) {
		rkv_replica *s = find_replica(node, host->ptr, host->len, port);

		if (!s) {
			rkv_resp_add_errorf(&c->obuf,
					    "FAILOVER target HOST and PORT is "
					    "not a replica.");
			return;
		}
		if (s->state != RKV_REPLICA_ONLINE) {
			rkv_resp_add_errorf(
			    &c->obuf, "FAILOVER target replica is not online.");
			return;
		}
		snprintf(f->host, sizeof(f->host), "%.*s",
			 (int)(host->len < 255 ? host->len : 255), host->ptr);
		f->port = (int)port;
		rkv_node_logf(node, RKV_LOG_NOTICE,
			      "FAILOVER requested to %s:%lld.", f->host, port);
	} else {
		rkv_node_logf(node, RKV_LOG_NOTICE,
			      "FAILOVER requested to any replica.");
	}
	f->end_ms = timeout ? node->cmd_time_ms + timeout : 0;
	f->force = force;
	f->state = RKV_FAILOVER_WAIT_SYNC;
	/* Writes wait until the failover ends (CLIENT UNPAUSE does not end
	 * this pause). */
	rkv_pause_start(node, RKV_PAUSE_FAILOVER, INT64_MAX, RKV_PAUSE_WRITE);
	rkv_reply_ok(c);
}
