/* The replication stream's shared state: IDs, offset, backlog (repl.h). */
#include "repl.h"

#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "config.h"
#include "node.h"
#include "rkv.h"
#include "snapshot.h"
#include "util.h"

static const char no_id[] = "0000000000000000000000000000000000000000";

void rkv_repl_init(rkv_node *node)
{
	rkv_repl *r = &node->repl;

	memset(r, 0, sizeof(*r));
	rkv_rand_hex(&node->rng, r->replid, 20);
	memcpy(r->replid2, no_id, sizeof(no_id));
	r->second_offset = -1;
	r->stream_db = -1;
	r->min_max_lag = 10;
	rkv_buf_init(&r->scratch, rkv_node_alloc(node));
	rkv_buf_init(&r->unit, rkv_node_alloc(node));
}

void rkv_repl_free(rkv_node *node)
{
	rkv_repl_backlog_free(node);
	rkv_buf_free(&node->repl.scratch);
	rkv_buf_free(&node->repl.unit);
}

long long rkv_repl_backlog_conf_size(rkv_node *node)
{
	char v[32];
	long long size;

	if (rkv_node_config_get(node, "repl-backlog-size", v, sizeof(v)) < 0 ||
	    !rkv_string2ll(v, strlen(v), &size) || size < 1)
		size = 1048576;
	return size;
}

int rkv_repl_backlog_create(rkv_node *node)
{
	rkv_repl *r = &node->repl;
	long long size = rkv_repl_backlog_conf_size(node);

	if (r->backlog)
		return 0;
	r->backlog = rkv_malloc(rkv_node_alloc(node), (size_t)size);
	if (!r->backlog)
		return RKV_ERR_NOMEM;
	r->backlog_size = size;
	r->histlen = 0;
	r->idx = 0;
	r->first_byte = r->offset + 1;
	return 0;
}

/* repl-backlog-size changed (CONFIG SET): a new buffer of the new size
 * keeps as much of the stream's tail as fits. */
static void backlog_resize(rkv_node *node, long long size)
{
	rkv_repl *r = &node->repl;
	rkv_buf tail;
	char *nb;
	long long keep = r->histlen < size ? r->histlen : size;

	nb = rkv_malloc(rkv_node_alloc(node), (size_t)size);
	if (!nb)
		return; /* keep the old one */
	rkv_buf_init(&tail, rkv_node_alloc(node));
	rkv_repl_backlog_copy(node, r->offset - keep + 1, &tail);
	if (tail.oom || (long long)tail.len != keep) {
		rkv_buf_free(&tail);
		rkv_free(rkv_node_alloc(node), nb);
		return;
	}
	memcpy(nb, rkv_buf_head(&tail), (size_t)keep);
	rkv_buf_free(&tail);
	rkv_free(rkv_node_alloc(node), r->backlog);
	r->backlog = nb;
	r->backlog_size = size;
	r->histlen = keep;
	r->idx = (size_t)(keep % size);
	r->first_byte = r->offset - keep + 1;
}

void rkv_repl_backlog_free(rkv_node *node)
{
	rkv_repl *r = &node->repl;

	rkv_free(rkv_node_alloc(node), r->backlog);
	r->backlog = NULL;
	r->backlog_size = r->histlen = 0;
	r->idx = 0;
	r->first_byte = 0;
}

void rkv_repl_feed(rkv_node *node, const void *data, size_t len)
{
	rkv_repl *r = &node->repl;
	const char *p = data;

	r->offset += (long long)len;
	if (!r->backlog)
		return;
	if ((long long)len > r->backlog_size) { /* only the tail fits */
		p += len - (size_t)r->backlog_size;
		len = (size_t)r->backlog_size;
	}
	while (len > 0) {
		size_t room = (size_t)r->backlog_size - r->idx;
		size_t n = len < room ? len : room;

		memcpy(r->backlog + r->idx, p, n);
		r->idx = (r->idx + n) % (size_t)r->backlog_size;
		p += n;
		len -= n;
		r->histlen += (long long)n;
	}
	if (r->histlen > r->backlog_size)
		r->histlen = r->backlog_size;
	r->first_byte = r->offset - r->histlen + 1;
}

bool rkv_repl_can_continue(const rkv_node *node, const char *id, long long off)
{
	const rkv_repl *r = &node->repl;

	if (strcmp(id, r->replid) != 0 &&
	    (strcmp(id, r->replid2) != 0 || off > r->second_offset))
		return false;
	return r->backlog && off >= r->first_byte &&
	       off <= r->first_byte + r->histlen;
}

long long rkv_repl_backlog_copy(const rkv_node *node, long long from,
				rkv_buf *out)
{
	const rkv_repl *r = &node->repl;
	long long skip = from - r->first_byte, n = r->histlen - skip;
	size_t start, first;

	if (!r->backlog || skip < 0 || n <= 0)
		return 0;
	/* The oldest byte is at idx - histlen (mod size). */
	start = (size_t)(((long long)r->idx - r->histlen + skip +
			  2 * r->backlog_size) %
			 r->backlog_size);
	first = (size_t)r->backlog_size - start;
	if ((long long)first >= n) {
		rkv_buf_append(out, r->backlog + start, (size_t)n);
	} else {
		rkv_buf_append(out, r->backlog + start, first);
		rkv_buf_append(out, r->backlog, (size_t)n - first);
	}
	return n;
}

void rkv_repl_shift_replid(rkv_node *node)
{
	rkv_repl *r = &node->repl;

	memcpy(r->replid2, r->replid, sizeof(r->replid));
	r->second_offset = r->offset + 1;
	/* Our own writes start: their first one selects its db (Redis's
	 * replicationUnsetMaster() forgets slaveseldb). */
	r->stream_db = -1;
	rkv_rand_hex(&node->rng, r->replid, 20);
	rkv_node_logf(node, RKV_LOG_WARNING,
		      "Setting secondary replication ID to %s, valid up to "
		      "offset: %lld. New replication ID is %s",
		      r->replid2, r->second_offset, r->replid);
}

void rkv_repl_adopt(rkv_node *node, const char *replid, long long offset)
{
	rkv_repl *r = &node->repl;

	memcpy(r->replid, replid, 40);
	r->replid[40] = '\0';
	memcpy(r->replid2, no_id, sizeof(no_id));
	r->second_offset = -1;
	r->offset = offset;
	r->stream_db = -1;
	if (r->backlog) {
		r->histlen = 0;
		r->idx = 0;
		r->first_byte = offset + 1;
	}
}

/* ---------------------------------------------------------------------- */
/* Master side: the stream to the attached replicas                       */
/* ---------------------------------------------------------------------- */

/* A full sync produces no more RDB while its replica has this much output
 * pending (back-pressure: the snapshot waits for the socket). */
#define SYNC_OBUF_HIGH (1024 * 1024)

static const char multi_cmd[] = "*1\r\n$5\r\nMULTI\r\n";
static const char exec_cmd[] = "*1\r\n$4\r\nEXEC\r\n";
static const char ping_cmd[] = "*1\r\n$4\r\nPING\r\n";

/* True when this node is itself a replica (lib/replica sets the flag): it
 * forwards its master's stream verbatim, generates no PING of its own, and
 * keeps its backlog. */
static bool node_is_replica(const rkv_node *node)
{
	return node->repl.is_replica;
}

static void buf_reset(rkv_buf *b)
{
	if (b->oom) {
		const rkv_allocator *a = b->alloc;

		rkv_buf_free(b);
		rkv_buf_init(b, a);
	}
	b->len = b->start = 0;
}

const char *rkv_replica_name(const rkv_conn *c, char *buf, size_t cap)
{
	const rkv_replica *s = c->replica;

	if (s && s->ip[0] && s->port)
		snprintf(buf, cap, strchr(s->ip, ':') ? "[%s]:%d" : "%s:%d",
			 s->ip, s->port);
	else if (s && s->ip[0])
		snprintf(buf, cap, "%s:<unknown-replica-port>", s->ip);
	else
		snprintf(buf, cap, "client id #%llu",
			 (unsigned long long)c->id);
	return buf;
}

static const char *replica_name(const rkv_replica *s, char *buf, size_t cap)
{
	return rkv_replica_name(s->conn, buf, cap);
}

static void replica_out(rkv_replica *s, const void *p, size_t n)
{
	rkv_buf_append(&s->conn->obuf, p, n);
	rkv_conn_mark_pending(s->conn);
}

/* The stream held for a replica (full sync in progress) passed the replica
 * class's hard limit: drop it, as Redis drops a replica whose output
 * buffer does. */
static void held_check(rkv_replica *s)
{
	rkv_conn *c = s->conn;
	long long hard = c->node->obuf_limit[1].hard;

	if (!hard || (long long)(s->held.len + c->obuf.len) < hard)
		return;
	rkv_node_logf(c->node, RKV_LOG_WARNING,
		      "Client id=%llu addr=%s name=%s scheduled to be closed "
		      "ASAP for overcoming of output buffer limits.",
		      (unsigned long long)c->id, c->addr[0] ? c->addr : "?",
		      c->name);
	c->node->stats.client_obuf_limit_disconnections++;
	rkv_conn_kill(c);
}

void rkv_repl_propagate_raw(rkv_node *node, const void *data, size_t len)
{
	rkv_replica *s, *next;

	rkv_repl_feed(node, data, len);
	for (s = node->repl.replicas; s; s = next) {
		next = s->next;
		if (s->conn->closed)
			continue;
		if (s->state == RKV_REPLICA_ONLINE && !s->wait_ack) {
			/* Sent by rkv_repl_background(), once per event-loop
			 * iteration, as Redis writes to replicas before it
			 * sleeps: one send for many clients' writes. */
			rkv_buf_append(&s->conn->obuf, data, len);
			node->repl.unflushed = true;
			if (s->conn->obuf.len > 65536)
				rkv_conn_check_obuf(s->conn);
		} else if (s->state != RKV_REPLICA_WAIT_START) {
			rkv_buf_append(&s->held, data, len);
			if (s->held.oom)
				rkv_conn_kill(s->conn);
			else if (s->held.len > 65536)
				held_check(s);
		}
	}
}

/* Bytes of the stream in db (-1: any), after a SELECT if the stream's db
 * differs. */
static void emit(rkv_node *node, int db, const char *p, size_t n)
{
	rkv_repl *r = &node->repl;

	if (db >= 0 && db != r->stream_db) {
		char sel[64], num[RKV_LLSTR_SIZE];
		size_t nl = rkv_ll2str(num, db);
		int sl = snprintf(sel, sizeof(sel),
				  "*2\r\n$6\r\nSELECT\r\n$%zu\r\n%.*s\r\n", nl,
				  (int)nl, num);

		rkv_repl_propagate_raw(node, sel, (size_t)sl);
		r->stream_db = db;
	}
	rkv_repl_propagate_raw(node, p, n);
}

static void encode(rkv_buf *b, size_t argc, const rkv_slice *argv)
{
	rkv_resp_add_array(b, (long long)argc);
	for (size_t i = 0; i < argc; i++)
		rkv_resp_add_bulk(b, argv[i].ptr, argv[i].len);
}

/* A held write of a transaction: its db and length, then its bytes. */
struct unit_hdr {
	int db;
	size_t len;
};

void rkv_repl_propagate(rkv_node *node, int db, size_t argc,
			const rkv_slice *argv)
{
	rkv_repl *r = &node->repl;
	rkv_buf *b;

	/* A replica's stream is its master's, byte for byte (fed raw by
	 * lib/replica.c): its own writes (a writable replica's clients, the
	 * host's typed calls) are not propagated, as in Redis. */
	if (node->from_master || r->is_replica || (!r->backlog && !r->replicas))
		return;
	if (node->in_exec) {
		struct unit_hdr h = {db, 0};
		size_t at = r->unit.len;

		rkv_buf_append(&r->unit, &h, sizeof(h));
		encode(&r->unit, argc, argv);
		h.len = r->unit.len - at - sizeof(h);
		if (!r->unit.oom)
			memcpy(rkv_buf_head(&r->unit) + at, &h, sizeof(h));
		r->unit_ops++;
		return;
	}
	b = &r->scratch;
	buf_reset(b);
	encode(b, argc, argv);
	if (b->oom) {
		/* The write cannot reach the replicas: they must resync. */
		rkv_repl_disconnect_replicas(node);
		return;
	}
	emit(node, db, rkv_buf_head(b), b->len);
}

void rkv_repl_unit_end(rkv_node *node)
{
	rkv_repl *r = &node->repl;
	const char *p = rkv_buf_head(&r->unit), *end = p + r->unit.len;
	bool wrap = r->unit_ops > 1;

	if (r->unit.oom) {
		rkv_repl_disconnect_replicas(node);
		p = end;
		wrap = false;
	}
	/* As Redis 7.0's propagatePendingCommands(): one write is atomic on
	 * its own; several are wrapped, MULTI in the first one's db. */
	for (bool first = true; p < end; first = false) {
		struct unit_hdr h;

		memcpy(&h, p, sizeof(h));
		p += sizeof(h);
		if (first && wrap)
			emit(node, h.db, multi_cmd, sizeof(multi_cmd) - 1);
		emit(node, h.db, p, h.len);
		p += h.len;
	}
	if (wrap)
		emit(node, -1, exec_cmd, sizeof(exec_cmd) - 1);
	buf_reset(&r->unit);
	r->unit_ops = 0;
}

/* ---- Replicas ---- */

static void replica_free(rkv_node *node, rkv_replica *s)
{
	rkv_snapshot_free(s->snap);
	rkv_buf_free(&s->held);
	rkv_buf_free(&s->rdb);
	rkv_free(rkv_node_alloc(node), s);
}

void rkv_repl_replica_gone(rkv_conn *c)
{
	rkv_node *node = c->node;
	rkv_repl *r = &node->repl;
	rkv_replica **pp = &r->replicas, *s = c->replica;
	char name[96];

	if (!s)
		return;
	while (*pp && *pp != s)
		pp = &(*pp)->next;
	if (!*pp) { /* REPLCONF only: never attached */
		c->replica = NULL;
		replica_free(node, s);
		return;
	}
	*pp = s->next;
	r->nreplicas--;
	if (!(c->flags & RKV_CONN_MONITOR))
		rkv_node_logf(node, RKV_LOG_WARNING,
			      "Connection with replica %s lost.",
			      replica_name(s, name, sizeof(name)));
	if (!r->nreplicas)
		r->no_replicas_since_ms = node->cmd_time_ms;
	c->replica = NULL;
	c->flags &= ~(unsigned)RKV_CONN_REPLICA;
	replica_free(node, s);
}

void rkv_repl_disconnect_replicas(rkv_node *node)
{
	for (rkv_replica *s = node->repl.replicas; s; s = s->next)
		if (!s->conn->closed)
			rkv_conn_kill(s->conn);
}

/* The replication-specific AUX fields Redis writes in a sync's RDB. */
static void sync_aux(rkv_node *node, rkv_rdb_aux *aux, int64_t now_ms)
{
	memset(aux, 0, sizeof(*aux));
	aux->ctime = now_ms / 1000;
	aux->used_mem = (long long)node->mem.used;
	aux->repl_info = true;
	aux->repl_stream_db = 0; /* the stream restarts with a SELECT */
	aux->repl_id = node->repl.replid;
	aux->repl_offset = node->repl.offset;
}

/* Start s's full sync now: +FULLRESYNC, the snapshot of this moment and,
 * in the $EOF: form, the mark. Returns false if s was dropped. */
static bool sync_start(rkv_node *node, rkv_replica *s)
{
	rkv_repl *r = &node->repl;
	int64_t now_ms = rkv_node_now_us(node) / 1000;
	rkv_rdb_aux aux;
	char line[128];
	int n;

	sync_aux(node, &aux, now_ms);
	/* Keys already expired but not yet deleted go too, as in Redis's
	 * replication RDB: the replica keeps them until this master's DEL
	 * (which the stream carries), so both hold the same keys. */
	s->snap = rkv_snapshot_begin(&node->ks, INT64_MIN,
				     rkv_config_yes(node, "rdbcompression"),
				     rkv_config_yes(node, "rdbchecksum"), &aux);
	if (!s->snap) {
		/* All RKV_SNAPSHOT_MAX slots busy (or no memory): the replica
		 * waits, and the cron tries again. */
		char name[96];

		if (!s->snap_failed)
			rkv_node_logf(node, RKV_LOG_WARNING,
				      "BGSAVE for replication failed: %s "
				      "(replica %s); will retry",
				      "out of memory or too many snapshots "
				      "in progress",
				      replica_name(s, name, sizeof(name)));
		s->snap_failed = true;
		return false;
	}
	/* The stream goes on from here with an explicit SELECT. */
	r->stream_db = -1;
	if (!s->old_sync) {
		n = snprintf(line, sizeof(line), "+FULLRESYNC %s %lld\r\n",
			     r->replid, r->offset);
		replica_out(s, line, (size_t)n);
	}
	if (s->eof_capa && !s->old_sync) {
		rkv_rand_hex(&node->rng, s->eofmark, 20);
		n = snprintf(line, sizeof(line), "$EOF:%s\r\n", s->eofmark);
		replica_out(s, line, (size_t)n);
	}
	s->state = RKV_REPLICA_SNAPSHOT;
	s->ack_ms = node->cmd_time_ms;
	return true;
}

/* One slice of s's full sync. Returns 1 if more can be done now. */
static int sync_step(rkv_node *node, rkv_replica *s, size_t budget)
{
	rkv_conn *c = s->conn;
	bool eof = s->eof_capa && !s->old_sync;
	rkv_buf *out = eof ? &c->obuf : &s->rdb;
	char name[96], line[64];
	int rc, n;

	if (eof && c->obuf.len >= SYNC_OBUF_HIGH)
		return 0;
	rc = rkv_snapshot_next(s->snap, out, budget ? budget : 1);
	if (rc >= 0 && out->oom)
		rc = RKV_ERR_NOMEM;
	if (eof)
		rkv_conn_mark_pending(c);
	if (rc < 0) {
		rkv_node_logf(node, RKV_LOG_WARNING,
			      "Full sync with replica %s failed: %s",
			      replica_name(s, name, sizeof(name)),
			      rkv_strerror(rc));
		rkv_conn_kill(c);
		return 0;
	}
	if (rc == 0)
		return !eof || c->obuf.len < SYNC_OBUF_HIGH;
	rkv_snapshot_free(s->snap);
	s->snap = NULL;
	s->state = RKV_REPLICA_ONLINE;
	s->ack_ms = node->cmd_time_ms;
	replica_name(s, name, sizeof(name));
	if (eof) {
		/* The replica may read past the mark: the stream waits for its
		 * first ACK, as Redis's repl_start_cmd_stream_on_ack. */
		replica_out(s, s->eofmark, 40);
		s->wait_ack = true;
		rkv_node_logf(
		    node, RKV_LOG_NOTICE,
		    "Streamed RDB transfer with replica %s succeeded "
		    "(socket). Waiting for REPLCONF ACK from slave to "
		    "enable streaming",
		    name);
	} else {
		n = snprintf(line, sizeof(line), "$%zu\r\n", s->rdb.len);
		replica_out(s, line, (size_t)n);
		replica_out(s, rkv_buf_head(&s->rdb), s->rdb.len);
		rkv_buf_free(&s->rdb);
		replica_out(s, rkv_buf_head(&s->held), s->held.len);
		rkv_buf_free(&s->held);
	}
	rkv_node_logf(node, RKV_LOG_NOTICE,
		      "Synchronization with replica %s succeeded", name);
	return 0;
}

int rkv_repl_background(rkv_node *node, size_t budget)
{
	rkv_replica *s, *next;
	int more = 0;

	for (s = node->repl.replicas; s; s = next) {
		next = s->next;
		if (s->state == RKV_REPLICA_SNAPSHOT && !s->conn->closed)
			more |= sync_step(node, s, budget);
	}
	rkv_repl_stream_pending(node);
	if (node->pending)
		rkv_node_flush_pending(node);
	return more;
}

void rkv_repl_stream_pending(rkv_node *node)
{
	if (!node->repl.unflushed)
		return;
	node->repl.unflushed = false;
	for (rkv_replica *s = node->repl.replicas; s; s = s->next)
		if (s->conn->obuf.len && !s->conn->closed)
			rkv_conn_mark_pending(s->conn);
}

/* Start the full syncs whose delay (repl-diskless-sync-delay) passed, or
 * all of them (force). */
static void start_waiting(rkv_node *node, bool force)
{
	long long delay = -1;
	bool logged = false;
	rkv_replica *s, *next;

	for (s = node->repl.replicas; s; s = next) {
		next = s->next;
		if (s->state != RKV_REPLICA_WAIT_START || s->conn->closed)
			continue;
		if (delay < 0)
			delay = rkv_config_yes(node, "repl-diskless-sync")
				    ? rkv_config_ll(
					  node, "repl-diskless-sync-delay", 5)
				    : 0;
		if (!force && node->cmd_time_ms - s->since_ms < delay * 1000)
			continue;
		if (!sync_start(node, s) || logged)
			continue;
		logged = true;
		rkv_node_logf(node, RKV_LOG_NOTICE,
			      "Starting BGSAVE for SYNC with target: %s",
			      s->eof_capa && !s->old_sync ? "replicas sockets"
							  : "disk");
	}
}

/* The good replicas for min-replicas-to-write: online, with an ACK no
 * older than min-replicas-max-lag seconds. */
void rkv_repl_refresh_good(rkv_node *node)
{
	rkv_repl *r = &node->repl;
	int good = 0;

	for (rkv_replica *s = r->replicas; s; s = s->next)
		if (s->state == RKV_REPLICA_ONLINE && !s->conn->closed &&
		    (node->cmd_time_ms - s->ack_ms) / 1000 <= r->min_max_lag)
			good++;
	r->good_replicas = good;
}

bool rkv_repl_deny_write(rkv_node *node)
{
	rkv_repl *r = &node->repl;

	if (!r->min_to_write || !r->min_max_lag || node->from_master ||
	    node_is_replica(node))
		return false;
	rkv_repl_refresh_good(node);
	return r->good_replicas < r->min_to_write;
}

static void every_second(rkv_node *node)
{
	rkv_repl *r = &node->repl;
	int64_t now = node->cmd_time_ms;
	long long period = rkv_config_ll(node, "repl-ping-replica-period", 10);
	long long timeout = rkv_config_ll(node, "repl-timeout", 60);
	long long ttl = rkv_config_ll(node, "repl-backlog-ttl", 3600);
	rkv_replica *s, *next;
	char name[96];

	if (r->backlog) {
		long long size = rkv_repl_backlog_conf_size(node);

		if (size != r->backlog_size)
			backlog_resize(node, size);
	}
	if (!r->last_ping_ms)
		r->last_ping_ms = now; /* the first one a period from now */
	if (r->replicas && !node_is_replica(node) &&
	    now - r->last_ping_ms >= period * 1000) {
		r->last_ping_ms = now;
		/* Not while a FAILOVER with a TIMEOUT holds clients: the PING
		 * would move the offset the target must reach (Redis's
		 * replicationCron() skips it the same way). */
		if (!(node->failover.end_ms && rkv_paused(node)))
			emit(node, -1, ping_cmd, sizeof(ping_cmd) - 1);
	}
	for (s = r->replicas; s; s = next) {
		next = s->next;
		if (s->conn->closed)
			continue;
		if (s->state == RKV_REPLICA_WAIT_START) {
			/* Redis's keepalive newline before the payload. */
			replica_out(s, "\n", 1);
		} else if (s->state == RKV_REPLICA_ONLINE && !s->old_sync &&
			   now - s->ack_ms > timeout * 1000) {
			rkv_node_logf(node, RKV_LOG_WARNING,
				      "Disconnecting timedout replica "
				      "(streaming sync): %s",
				      replica_name(s, name, sizeof(name)));
			rkv_conn_kill(s->conn);
		}
	}
	if (!r->replicas && r->backlog && ttl > 0 && !node_is_replica(node)) {
		if (!r->no_replicas_since_ms)
			r->no_replicas_since_ms = now;
		if (now - r->no_replicas_since_ms >= ttl * 1000) {
			/* A new history: no PSYNC may continue the old one. */
			rkv_rand_hex(&node->rng, r->replid, 20);
			memcpy(r->replid2, no_id, sizeof(no_id));
			r->second_offset = -1;
			rkv_repl_backlog_free(node);
			rkv_node_logf(node, RKV_LOG_NOTICE,
				      "Replication backlog freed after %lld "
				      "seconds without connected replicas.",
				      ttl);
		}
	}
}

static void wake_waiting(rkv_node *node, bool timeout);

void rkv_repl_cron(rkv_node *node)
{
	rkv_repl *r = &node->repl;

	if (r->waiting)
		wake_waiting(node, true);
	if (!r->replicas && !r->backlog)
		return;
	start_waiting(node, false);
	if (node->cmd_time_ms - r->last_cron_ms >= 1000) {
		r->last_cron_ms = node->cmd_time_ms;
		every_second(node);
	}
	rkv_repl_background(node, 1000);
}

void rkv_repl_start_syncs(rkv_node *node)
{
	start_waiting(node, false);
}

long long rkv_repl_acked_count(rkv_node *node, long long off)
{
	long long n = 0;

	for (rkv_replica *s = node->repl.replicas; s; s = s->next)
		if (s->state == RKV_REPLICA_ONLINE && !s->conn->closed &&
		    s->ack_off >= off)
			n++;
	return n;
}

void rkv_repl_getack(rkv_node *node)
{
	static const char getack[] =
	    "*3\r\n$8\r\nREPLCONF\r\n$6\r\nGETACK\r\n$1\r\n*\r\n";

	if (!node->repl.replicas)
		return;
	if (rkv_paused(node)) {
		/* Sent when clients' pause ends (Redis's beforeSleep() sends
		 * no GETACK while paused). */
		node->repl.getack_pending = true;
		return;
	}
	emit(node, -1, getack, sizeof(getack) - 1);
}

/* Wake the WAITs that are satisfied, or (timeout) whose time is up. */
static void wake_waiting(rkv_node *node, bool timeout)
{
	rkv_conn **pp = &node->repl.waiting, *c;

	while ((c = *pp)) {
		long long n = rkv_repl_acked_count(node, c->wait_off);

		if (n < c->wait_num &&
		    !(timeout && c->wait_deadline_ms &&
		      node->cmd_time_ms >= c->wait_deadline_ms)) {
			pp = &c->wait_next;
			continue;
		}
		*pp = c->wait_next;
		c->wait_next = NULL;
		rkv_resp_add_integer(&c->obuf, n);
		rkv_conn_unblock(c);
	}
}

void rkv_repl_wait_gone(rkv_conn *c)
{
	rkv_conn **pp = &c->node->repl.waiting;

	while (*pp && *pp != c)
		pp = &(*pp)->wait_next;
	if (*pp)
		*pp = c->wait_next;
	c->wait_next = NULL;
	c->flags &= ~(unsigned)RKV_CONN_BLOCKED;
}

void rkv_repl_acked(rkv_node *node, rkv_replica *s)
{
	if (s->wait_ack) {
		/* The RDB was read whole: the stream may follow it now. */
		s->wait_ack = false;
		replica_out(s, rkv_buf_head(&s->held), s->held.len);
		rkv_buf_free(&s->held);
	}
	if (node->repl.waiting)
		wake_waiting(node, false);
}
