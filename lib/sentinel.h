/* Sentinel mode (Redis 7.0's redis-sentinel): monitoring of masters and
 * their replicas over outbound links the host opens (connect callback),
 * SDOWN / ODOWN, epochs and the leader vote, and the failover state
 * machine, with Redis's event names and log lines. docs/sentinel.md
 * describes the design. Every timer runs from rkv_node_tick()'s now_ms. */
#ifndef RKV_SENTINEL_H
#define RKV_SENTINEL_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "resp.h"

typedef struct rkv_node rkv_node;
typedef struct rkv_conn rkv_conn;
struct rkv_command;

/* Make node a sentinel (rkv_node_new() with the sentinel option): draws
 * its ID. Returns 0 or RKV_ERR_NOMEM. */
int rkv_sentinel_init(rkv_node *node);

/* Free the sentinel state (node freed, after its connections). */
void rkv_sentinel_free(rkv_node *node);

/* A `sentinel <argv...>` configuration line (file or rkv_node_config_set).
 * Returns 0 or RKV_ERR_INVALID with Redis's error text in err. */
int rkv_sentinel_config(rkv_node *node, const char *const *argv, size_t argc,
			char *err, size_t errlen);

/* CONFIG REWRITE: append the sentinel's state as `sentinel ...` lines
 * (myid, monitor, known-replica, epochs, ...) to out. */
void rkv_sentinel_rewrite(rkv_node *node, rkv_buf *out);

/* Once per tick: links, PING / INFO, SDOWN / ODOWN, failovers. */
void rkv_sentinel_cron(rkv_node *node);

/* In sentinel mode only a few commands exist (Redis's CMD_SENTINEL
 * flag); others are unknown. SENTINEL itself exists only in sentinel
 * mode. */
bool rkv_sentinel_hides(const rkv_node *node, const struct rkv_command *cmd);

/* INFO's "# Sentinel" section body. */
void rkv_sentinel_info(rkv_node *node, rkv_buf *out);

/* ROLE in sentinel mode: ["sentinel", [master names]]. False (nothing
 * written) when the node is not a sentinel. */
bool rkv_sentinel_role_reply(rkv_conn *c);

/* PUBLISH in sentinel mode: only hello messages are accepted. True when
 * the reply was written. */
bool rkv_sentinel_publish(rkv_conn *c, size_t argc, const rkv_slice *argv);

/* SENTINEL <subcommand> ... */
void rkv_cmd_sentinel(rkv_conn *c, size_t argc, const rkv_slice *argv);

#endif
