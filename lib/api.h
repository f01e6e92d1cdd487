/* Private pieces of the in-process API (api.c), reachable from unit tests. */
#ifndef RKV_API_H
#define RKV_API_H

#include <stddef.h>

#include "rkv.h"

/* Build the reply tree of the first reply in buf[0..len) (no bytes: a nil),
 * in one allocation from the node's allocator, freed by rkv_reply_free().
 * Returns 0, RKV_ERR_NOMEM or RKV_ERR_STATE (not one complete reply). */
int rkv_reply_parse(rkv_node *node, const char *buf, size_t len,
		    rkv_reply **out);

#endif
