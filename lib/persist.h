/* The background save in progress (persist.c), visible to INFO. */
#ifndef RKV_PERSIST_H
#define RKV_PERSIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "snapshot.h"

struct rkv_bgsave {
	rkv_snapshot *snap;
	rkv_buf out; /* bytes not yet handed to the write callback */
	void *file;  /* the host's handle (rkv_rdb_open_cb) */
	int64_t start_us;
	long long dirty_before; /* node->dirty when it started */
	unsigned long long keys_total; /* keys at the moment */
	size_t peak; /* the snapshot's memory high-water mark */
	bool committing; /* written; the host's asynchronous commit pends */
};

#endif
