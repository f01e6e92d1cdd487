/* Configuration directives (config.c): the table of every Redis 7.0
 * directive, parsing of values as Redis parses them, CONFIG GET/SET/
 * RESETSTAT/REWRITE/HELP and the config-file rewrite. Private helpers shared
 * with the unit tests. */
#ifndef RKV_CONFIG_H
#define RKV_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "node.h"

/* Redis's memtoull(): a non-negative decimal with an optional unit (b, k,
 * kb, m, mb, g, gb; case-insensitive; k = 1000, kb = 1024). Returns false
 * on a malformed value or overflow. */
bool rkv_config_memtoull(const char *s, unsigned long long *out);

/* Append s[0..len) to dst as Redis's sdscatrepr() quotes it ("..." with
 * \n \r \t \a \b \\ \" escapes and \xHH for other non-printable bytes).
 * dst has room for cap bytes; returns the length the result needs (as
 * snprintf: the output is truncated but NUL-terminated when cap is short). */
size_t rkv_config_repr(char *dst, size_t cap, const char *s, size_t len);

/* A directive's value as an integer; dflt when it has none or it is not
 * an integer. */
long long rkv_config_ll(rkv_node *node, const char *name, long long dflt);

/* True when a yes/no directive is "yes". */
bool rkv_config_yes(rkv_node *node, const char *name);

/* Number of directives in the table (aliases not counted). */
size_t rkv_config_table_size(void);

/* Switch node->set.databases to n databases: only while the node has no
 * connection and an empty keyspace (node.c). Returns 0, RKV_ERR_STATE or
 * RKV_ERR_NOMEM (nothing changed). */
int rkv_node_resize_databases(rkv_node *node, int n);

#endif
