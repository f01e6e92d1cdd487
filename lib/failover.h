/* Client pauses (CLIENT PAUSE / UNPAUSE, the pause a FAILOVER holds) and
 * the coordinated failover of a data node (FAILOVER), as Redis 7.0's
 * pauseClients() / failoverCommand() / updateFailoverStatus().
 * docs/replication.md ("FAILOVER and CLIENT PAUSE") describes them.
 *
 * A held ("postponed") client is flagged RKV_CONN_BLOCKED |
 * RKV_CONN_POSTPONED: the command it was about to run stays unparsed in
 * its query buffer (with whatever follows), and when the pause ends or
 * loosens it is woken as a WAIT client is (rkv_conn_unblock): its input is
 * processed again, in the order the clients were held. */
#ifndef RKV_FAILOVER_H
#define RKV_FAILOVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "resp.h"

typedef struct rkv_node rkv_node;
typedef struct rkv_conn rkv_conn;
struct rkv_command;

/* Pause types, least restrictive first (Redis's pause_type). */
enum { RKV_PAUSE_OFF = 0, RKV_PAUSE_WRITE = 1, RKV_PAUSE_ALL = 2 };

/* Who asked for a pause (Redis's pause_purpose): each purpose has its own
 * type and end; CLIENT UNPAUSE ends only its own. */
enum {
	RKV_PAUSE_BY_CLIENT = 0, /* CLIENT PAUSE */
	RKV_PAUSE_FAILOVER = 1,	 /* FAILOVER, until it ends */
	RKV_PAUSE_PURPOSES = 2
};

/* FAILOVER's states, as INFO's master_failover_state names them. */
enum {
	RKV_FAILOVER_NONE = 0,	 /* no-failover */
	RKV_FAILOVER_WAIT_SYNC,	 /* waiting-for-sync */
	RKV_FAILOVER_IN_PROGRESS /* failover-in-progress */
};

typedef struct rkv_pause {
	struct {
		int type; /* RKV_PAUSE_OFF: this purpose holds no pause */
		int64_t end_ms;
	} by[RKV_PAUSE_PURPOSES];
	int type;	/* the effective (most restrictive) type */
	int64_t end_ms; /* its furthest end among the purposes of that type */
	/* Held clients, oldest first (c->pause_next). */
	rkv_conn *head, *tail;
} rkv_pause;

typedef struct rkv_failover {
	int state;	/* RKV_FAILOVER_* */
	bool force;	/* FORCE: fail over at the timeout anyway */
	int64_t end_ms; /* TIMEOUT's deadline (wall clock ms); 0: none */
	char host[256]; /* the target, "" while any replica may be chosen */
	int port;
} rkv_failover;

/* True while clients are paused (any type). Expired pauses are dropped
 * first (Redis's checkClientPauseTimeoutAndReturnIfPaused()). */
bool rkv_paused(rkv_node *node);

/* Recompute the effective pause (expired purposes dropped); when it
 * loosened, the held clients are woken. The tick calls it. */
void rkv_pause_update(rkv_node *node);

/* Pause clients for `purpose` until end_ms with `type`: an existing pause
 * of the same purpose keeps the larger type and the later end, as Redis's
 * pauseClients(). */
void rkv_pause_start(rkv_node *node, int purpose, int64_t end_ms, int type);

/* End the pause of `purpose` (CLIENT UNPAUSE, the end of a FAILOVER). */
void rkv_pause_end(rkv_node *node, int purpose);

/* rkv_command_execute()'s check, at Redis's place in processCommand():
 * if the pause holds cmd for c (never a replica's connection nor the
 * in-process API's), c is postponed (the caller leaves the command in the
 * query buffer) and true is returned. */
bool rkv_pause_hold(rkv_conn *c, const struct rkv_command *cmd);

/* The same check for a command of our master's stream (a paused replica
 * holds its master's writes, as Redis does), before it runs. */
bool rkv_pause_hold_master(rkv_conn *c, size_t argc, const rkv_slice *argv);

/* A held connection is being freed. */
void rkv_pause_conn_gone(rkv_conn *c);

/* FAILOVER's progress (Redis's updateFailoverStatus()): the timeout, and
 * the target's acknowledged offset reaching ours. Called once per
 * event-loop iteration (rkv_node_background) and by the tick. */
void rkv_failover_cron(rkv_node *node);

/* The replica side reached the end of its PSYNC during a failover:
 * `ok` (+CONTINUE or +FULLRESYNC) ends it, otherwise it is aborted with
 * Redis's "Failover target rejected psync request" (this node becomes a
 * master again). */
void rkv_failover_psync_done(rkv_node *node, bool ok);

/* Abort a failover in progress (logged with err); a node already demoted
 * becomes a master again. */
void rkv_failover_abort(rkv_node *node, const char *err);

/* "no-failover", "waiting-for-sync" or "failover-in-progress". */
const char *rkv_failover_state_name(const rkv_node *node);

/* FAILOVER [TO host port [FORCE]] [ABORT] [TIMEOUT ms]. */
void rkv_cmd_failover(rkv_conn *c, size_t argc, const rkv_slice *argv);

/* CLIENT PAUSE timeout [WRITE|ALL] and CLIENT UNPAUSE (cmd_server.c's
 * CLIENT dispatches to them). */
void rkv_client_pause(rkv_conn *c, size_t argc, const rkv_slice *argv);
void rkv_client_unpause(rkv_conn *c, size_t argc, const rkv_slice *argv);

#endif
