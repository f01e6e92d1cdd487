/* Replication commands of the master side: SYNC, PSYNC, REPLCONF, WAIT and
 * ROLE (the stream itself is lib/repl.c). */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "node.h"
#include "repl.h"
#include "replica.h"
#include "sentinel.h"
#include "snapshot.h"
#include "util.h"

/* Per-connection REPLCONF settings given before SYNC/PSYNC live in a
 * replica record created on the first REPLCONF (state WAIT_START, not yet
 * on the node's list). */
static rkv_replica *replica_of(rkv_conn *c)
{
	rkv_replica *s = c->replica;

	if (s)
		return s;
	s = rkv_malloc(rkv_node_alloc(c->node), sizeof(*s));
	if (!s)
		return NULL;
	memset(s, 0, sizeof(*s));
	s->conn = c;
	s->state = RKV_REPLICA_WAIT_START;
	s->ack_off = 0;
	rkv_buf_init(&s->held, rkv_node_alloc(c->node));
	rkv_buf_init(&s->rdb, rkv_node_alloc(c->node));
	{
		const char *colon = strrchr(c->addr, ':');
		size_t n = colon ? (size_t)(colon - c->addr) : strlen(c->addr);
		const char *p = c->addr;

		if (n >= 2 && p[0] == '[' && p[n - 1] == ']') {
			p++;
			n -= 2;
		}
		if (n >= sizeof(s->ip))
			n = sizeof(s->ip) - 1;
		memcpy(s->ip, p, n);
		s->ip[n] = '\0';
	}
	c->replica = s;
	return s;
}

/* A record made by REPLCONF but never attached is freed with the
 * connection (rkv_repl_replica_gone() handles both). */

static void attach(rkv_conn *c, rkv_replica *s)
{
	rkv_repl *r = &c->node->repl;

	rkv_replica **pp = &r->replicas;

	/* Appended: slave0 is the first attached, as in Redis. */
	while (*pp)
		pp = &(*pp)->next;
	c->flags |= RKV_CONN_REPLICA;
	s->next = NULL;
	*pp = s;
	r->nreplicas++;
	r->no_replicas_since_ms = 0;
	s->since_ms = c->node->cmd_time_ms;
	s->ack_ms = c->node->cmd_time_ms;
}

/* Try a partial resynchronization: Redis's masterTryPartialResynchronization.
 * Returns true if the replica continues from the backlog. */
static bool try_partial(rkv_conn *c, rkv_replica *s, const rkv_slice *id,
			const rkv_slice *offarg)
{
	rkv_node *node = c->node;
	rkv_repl *r = &node->repl;
	char want[41], name[96], line[128];
	long long off, sent;
	bool ours;
	int n;

	rkv_replica_name(c, name, sizeof(name));
	if (!rkv_string2ll(offarg->ptr, offarg->len, &off))
		return false;
	snprintf(want, sizeof(want), "%.*s", (int)id->len, id->ptr);
	/* Only an ID of exactly 40 characters can be ours. */
	ours = id->len == 40 && strlen(want) == 40;
	if (!ours ||
	    (strcmp(want, r->replid) != 0 &&
	     (strcmp(want, r->replid2) != 0 || off > r->second_offset))) {
		if (want[0] != '?') {
			if (!ours || strcmp(want, r->replid2) != 0)
				rkv_node_logf(
				    node, RKV_LOG_NOTICE,
				    "Partial resynchronization not accepted: "
				    "Replication ID mismatch (Replica asked "
				    "for '%s', my replication IDs are '%s' and "
				    "'%s')",
				    want, r->replid, r->replid2);
			else
				rkv_node_logf(
				    node, RKV_LOG_NOTICE,
				    "Partial resynchronization not accepted: "
				    "Requested offset for second ID was %lld, "
				    "but I can reply up to %lld",
				    off, r->second_offset);
		} else {
			rkv_node_logf(node, RKV_LOG_NOTICE,
				      "Full resync requested by replica %s",
				      name);
		}
		return false;
	}
	if (!rkv_repl_can_continue(node, want, off)) {
		rkv_node_logf(node, RKV_LOG_NOTICE,
			      "Unable to partial resync with replica %s for "
			      "lack of backlog (Replica request was: %lld).",
			      name, off);
		if (off > r->offset)
			rkv_node_logf(node, RKV_LOG_WARNING,
				      "Warning: replica %s tried to PSYNC with "
				      "an offset that is greater than the "
				      "master replication offset.",
				      name);
		return false;
	}
	attach(c, s);
	s->state = RKV_REPLICA_ONLINE;
	s->ack_off = off - 1;
	n = s->psync2_capa
		? snprintf(line, sizeof(line), "+CONTINUE %s\r\n", r->replid)
		: snprintf(line, sizeof(line), "+CONTINUE\r\n");
	rkv_buf_append(&c->obuf, line, (size_t)n);
	sent = rkv_repl_backlog_copy(node, off, &c->obuf);
	r->sync_partial_ok++;
	rkv_node_logf(node, RKV_LOG_NOTICE,
		      "Partial resynchronization request from %s accepted. "
		      "Sending %lld bytes of backlog starting from offset "
		      "%lld.",
		      name, sent, off);
	return true;
}

/* SYNC and PSYNC: Redis's syncCommand(). */
static void sync_common(rkv_conn *c, size_t argc, const rkv_slice *argv,
			bool psync)
{
	rkv_node *node = c->node;
	rkv_repl *r = &node->repl;
	rkv_replica *s;
	char name[96];

	if (c->flags & RKV_CONN_REPLICA)
		return; /* already a replica: ignore */
	if (psync && argc > 3 && rkv_arg_is(&argv[3], "failover")) {
		/* Our master is failing over to us: take over, keeping its
		 * history as our secondary ID so that it continues from us
		 * with a partial resync (Redis's syncCommand()). */
		char id[41], who[1024];

		snprintf(id, sizeof(id), "%.*s",
			 (int)(argv[1].len < 40 ? argv[1].len : 40),
			 argv[1].ptr);
		rkv_node_logf(node, RKV_LOG_WARNING,
			      "Failover request received for replid %.*s.",
			      (int)(argv[1].len < 128 ? argv[1].len : 128),
			      argv[1].ptr);
		if (!node->mlink) {
			rkv_resp_add_errorf(&c->obuf, "PSYNC FAILOVER can't be "
						      "sent to a master.");
			return;
		}
		if (argv[1].len != 40 || rkv_strcasecmp(id, r->replid)) {
			rkv_resp_add_errorf(&c->obuf, "PSYNC FAILOVER replid "
						      "must match my replid.");
			return;
		}
		rkv_replica_unset_master(node);
		rkv_client_info_string(c, who, sizeof(who));
		rkv_node_logf(node, RKV_LOG_NOTICE,
			      "MASTER MODE enabled (failover request from "
			      "'%s')",
			      who);
	}
	if (node->failover.state != RKV_FAILOVER_NONE) {
		rkv_resp_add_errorf(&c->obuf, "-NOMASTERLINK Can't SYNC while "
					      "failing over");
		return;
	}
	if (c->obuf.len) {
		rkv_resp_add_errorf(&c->obuf, "SYNC and PSYNC are invalid with "
					      "pending output");
		return;
	}
	if (c->flags & RKV_CONN_HOST) {
		rkv_resp_add_errorf(&c->obuf, "Replica can't be the in-process "
					      "API connection");
		return;
	}
	if (rkv_replica_sync_refused(node)) {
		rkv_resp_add_errorf(&c->obuf,
				    "-NOMASTERLINK Can't SYNC while not "
				    "connected with my master");
		return;
	}
	s = replica_of(c);
	if (!s) {
		rkv_reply_oom(c);
		return;
	}
	rkv_node_logf(node, RKV_LOG_NOTICE,
		      "Replica %s asks for synchronization",
		      rkv_replica_name(c, name, sizeof(name)));
	if (psync) {
		long long off;

		if (!rkv_string2ll(argv[2].ptr, argv[2].len, &off)) {
			rkv_node_logf(node, RKV_LOG_WARNING,
				      "Replica %s asks for synchronization but "
				      "with a wrong offset",
				      name);
			rkv_resp_add_errorf(&c->obuf, "value is not an integer "
						      "or out of range");
			return;
		}
		if (try_partial(c, s, &argv[1], &argv[2]))
			return;
		if (!(argv[1].len == 1 && argv[1].ptr[0] == '?'))
			r->sync_partial_err++;
	} else {
		s->old_sync = true;
	}
	(void)argc;
	r->sync_full++;
	attach(c, s);
	s->state = RKV_REPLICA_WAIT_START;
	if (!r->backlog) {
		/* The first replica: a new history starts here (Redis's
		 * changeReplicationId() + clearReplicationId2()). */
		rkv_rand_hex(&node->rng, r->replid, 20);
		memcpy(r->replid2, "0000000000000000000000000000000000000000",
		       41);
		r->second_offset = -1;
		if (rkv_repl_backlog_create(node) < 0) {
			rkv_reply_oom(c);
			c->closing = true;
			return;
		}
		rkv_node_logf(node, RKV_LOG_NOTICE,
			      "Replication backlog created, my new replication "
			      "IDs are '%s' and '%s'",
			      r->replid, r->replid2);
	}
	/* The full sync starts now, or from the cron once
	 * repl-diskless-sync-delay has passed. */
	rkv_repl_start_syncs(node);
}

void rkv_cmd_psync(rkv_conn *c, size_t argc, const rkv_slice *argv)
{
	sync_common(c, argc, argv, true);
}

void rkv_cmd_sync(rkv_conn *c, size_t argc, const rkv_slice *argv)
{
	sync_common(c, argc, argv, false);
}

/* REPLCONF <option> <value> [<option> <value> ...] */
void rkv_cmd_replconf(rkv_conn *c, size_t argc, const rkv_slice *argv)
{
	rkv_node *node = c->node;
	rkv_replica *s;

	if (argc % 2 == 0) {
		rkv_reply_syntax_error(c);
		return;
	}
	for (size_t j = 1; j < argc; j += 2) {
		const rkv_slice *v = &argv[j + 1];
		long long n;

		if (rkv_arg_is(&argv[j], "listening-port")) {
			if (!rkv_arg_ll(c, v, &n))
				return;
			if (!(s = replica_of(c))) {
				rkv_reply_oom(c);
				return;
			}
			s->port = (int)n;
		} else if (rkv_arg_is(&argv[j], "ip-address")) {
			if (v->len >= sizeof(s->ip)) {
				rkv_resp_add_errorf(&c->obuf,
						    "REPLCONF ip-address "
						    "provided by replica "
						    "instance is too long: %zd "
						    "bytes",
						    v->len);
				return;
			}
			if (!(s = replica_of(c))) {
				rkv_reply_oom(c);
				return;
			}
			memcpy(s->ip, v->ptr, v->len);
			s->ip[v->len] = '\0';
		} else if (rkv_arg_is(&argv[j], "capa")) {
			if (!(s = replica_of(c))) {
				rkv_reply_oom(c);
				return;
			}
			if (rkv_arg_is(v, "eof"))
				s->eof_capa = true;
			else if (rkv_arg_is(v, "psync2"))
				s->psync2_capa = true;
		} else if (rkv_arg_is(&argv[j], "ack")) {
			/* A replica's acknowledgement: no reply. */
			s = c->replica;
			if (!(c->flags & RKV_CONN_REPLICA) || !s)
				return;
			if (rkv_string2ll(v->ptr, v->len, &n) && n > s->ack_off)
				s->ack_off = n;
			s->ack_ms = node->cmd_time_ms;
			rkv_repl_acked(node, s);
			return;
		} else if (rkv_arg_is(&argv[j], "getack")) {
			/* Only a master asks its replica (lib/replica). */
			return;
		} else if (rkv_arg_is(&argv[j], "rdb-only") ||
			   rkv_arg_is(&argv[j], "rdb-filter-only")) {
			/* Accepted, not acted on. */
		} else {
			rkv_resp_add_errorf(
			    &c->obuf, "Unrecognized REPLCONF option: %.*s",
			    (int)argv[j].len, argv[j].ptr);
			return;
		}
	}
	rkv_reply_ok(c);
}

/* ROLE on a master: master, offset, and the online replicas. */
void rkv_cmd_role(rkv_conn *c, size_t argc, const rkv_slice *argv)
{
	rkv_repl *r = &c->node->repl;
	char num[RKV_LLSTR_SIZE];
	size_t n = 0;

	(void)argc;
	(void)argv;
	if (rkv_sentinel_role_reply(c) || rkv_replica_role_reply(c))
		return;
	for (rkv_replica *s = r->replicas; s; s = s->next)
		if (s->state == RKV_REPLICA_ONLINE && !s->conn->closed)
			n++;
	rkv_resp_add_array(&c->obuf, 3);
	rkv_resp_add_bulk(&c->obuf, "master", 6);
	rkv_resp_add_integer(&c->obuf, r->offset);
	rkv_resp_add_array(&c->obuf, (long long)n);
	for (rkv_replica *s = r->replicas; s; s = s->next) {
		if (s->state != RKV_REPLICA_ONLINE || s->conn->closed)
			continue;
		rkv_resp_add_array(&c->obuf, 3);
		rkv_resp_add_bulk(&c->obuf, s->ip, strlen(s->ip));
		rkv_resp_add_bulk(&c->obuf, num, rkv_ll2str(num, s->port));
		rkv_resp_add_bulk(&c->obuf, num, rkv_ll2str(num, s->ack_off));
	}
}

/* WAIT numreplicas timeout: Redis's waitCommand(). */
void rkv_cmd_wait(rkv_conn *c, size_t argc, const rkv_slice *argv)
{
	rkv_node *node = c->node;
	long long num, timeout, acked;

	(void)argc;
	if (node->repl.is_replica) {
		rkv_resp_add_errorf(
		    &c->obuf,
		    "WAIT cannot be used with replica instances. Please also "
		    "note that since Redis 4.0 if a replica is configured to "
		    "be writable (which is not the default) writes to "
		    "replicas are just local and are not propagated.");
		return;
	}
	if (!rkv_arg_ll(c, &argv[1], &num))
		return;
	if (!rkv_string2ll(argv[2].ptr, argv[2].len, &timeout)) {
		rkv_resp_add_errorf(
		    &c->obuf, "timeout is not an integer or out of range");
		return;
	}
	if (timeout < 0) {
		rkv_resp_add_errorf(&c->obuf, "timeout is negative");
		return;
	}
	acked = rkv_repl_acked_count(node, c->woff);
	if (acked >= num || node->in_exec || (c->flags & RKV_CONN_HOST)) {
		rkv_resp_add_integer(&c->obuf, acked);
		return;
	}
	/* Block until enough replicas acknowledge c's last write, or the
	 * timeout (the tick checks it). */
	c->wait_off = c->woff;
	c->wait_num = num;
	c->wait_deadline_ms = timeout ? node->cmd_time_ms + timeout : 0;
	c->wait_next = node->repl.waiting;
	node->repl.waiting = c;
	c->flags |= RKV_CONN_BLOCKED;
	rkv_repl_getack(node);
}
