/* RDB, Redis's snapshot format: a writer producing version 10 files (Redis
 * 7.0) as Redis writes them, and a streaming reader for versions 1..10.
 * docs/rdb.md describes the format and the design.
 *
 * The library does no I/O: the writer appends bytes to an rkv_buf the host
 * drains (to a file or a replica's socket) whenever it likes; the reader is
 * a push parser the host feeds chunks of any size. Only strings exist in
 * rkv so far: the reader rejects the other value types with an error naming
 * the type byte and its offset. */
#ifndef RKV_RDB_H
#define RKV_RDB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "alloc.h"
#include "buf.h"
#include "keyspace.h"
#include "lzf.h"

#define RKV_RDB_VERSION	  10
#define RKV_RDB_REDIS_VER "7.0.15"

/* Opcodes and value types (Redis's RDB_OPCODE_* and RDB_TYPE_*). */
enum {
	RKV_RDB_TYPE_STRING = 0,
	RKV_RDB_OPCODE_FUNCTION2 = 245,
	RKV_RDB_OPCODE_FUNCTION = 246,
	RKV_RDB_OPCODE_MODULE_AUX = 247,
	RKV_RDB_OPCODE_IDLE = 248,
	RKV_RDB_OPCODE_FREQ = 249,
	RKV_RDB_OPCODE_AUX = 250,
	RKV_RDB_OPCODE_RESIZEDB = 251,
	RKV_RDB_OPCODE_EXPIRETIME_MS = 252,
	RKV_RDB_OPCODE_EXPIRETIME = 253,
	RKV_RDB_OPCODE_SELECTDB = 254,
	RKV_RDB_OPCODE_EOF = 255
};

/* The AUX fields of a file's header, in the order Redis 7.0's
 * rdbSaveInfoAuxFields writes them. */
typedef struct rkv_rdb_aux {
	const char *redis_ver; /* NULL: RKV_RDB_REDIS_VER */
	long long ctime;       /* seconds since the epoch */
	long long used_mem;
	/* Redis writes repl-stream-db, repl-id and repl-offset only when it
	 * has replication info (a backlog or a master): repl_info says so. */
	bool repl_info;
	int repl_stream_db;
	const char *repl_id; /* 40 hex characters */
	long long repl_offset;
	bool aof_base; /* the file is an AOF preamble */
} rkv_rdb_aux;

/* ---- Writer ---- */

typedef struct rkv_rdb_writer {
	rkv_buf *out; /* not owned; the host drains it as it likes */
	const rkv_allocator *alloc;
	uint64_t crc;
	uint64_t written; /* bytes produced so far */
	bool compression; /* the rdbcompression option */
	bool checksum;	  /* the rdbchecksum option */
	uint32_t *htab;	  /* LZF hash table, allocated on the first use */
	char *scratch;	  /* LZF output */
	size_t scratch_cap;
} rkv_rdb_writer;

/* Start a file: the magic, the version and the AUX fields (aux may be NULL:
 * zeros and no replication info). Bytes go to out, which must outlive the
 * writer. Returns 0 or RKV_ERR_NOMEM (out's oom flag is set). */
int rkv_rdb_writer_begin(rkv_rdb_writer *w, rkv_buf *out,
			 const rkv_allocator *alloc, bool compression,
			 bool checksum, const rkv_rdb_aux *aux);

/* Start database db (SELECTDB) with its key count and the number of keys
 * with an expiry (RESIZEDB). Returns 0 or RKV_ERR_NOMEM. */
int rkv_rdb_write_select(rkv_rdb_writer *w, int db, size_t size,
			 size_t expires);

/* One string key, with its absolute expiry time in ms (-1: none). The
 * strings are encoded as Redis encodes them: an integer in 32 bits as an
 * integer, longer than 20 bytes LZF-compressed when compression is on and
 * it saves at least 4 bytes, raw otherwise. Returns 0 or RKV_ERR_NOMEM. */
int rkv_rdb_write_string(rkv_rdb_writer *w, const char *key, size_t klen,
			 const char *val, size_t vlen, int64_t expire_ms);

/* The entry e (a string) of keyspace ks's database db, with its TTL. */
int rkv_rdb_write_entry(rkv_rdb_writer *w, rkv_keyspace *ks, int db,
			const rkv_entry *e);

/* End the file: EOF and the CRC64 (8 zero bytes when checksum is off).
 * Releases the writer's scratch memory. Returns 0 or RKV_ERR_NOMEM. */
int rkv_rdb_writer_end(rkv_rdb_writer *w);

/* Release the writer's scratch memory without ending the file (an aborted
 * save). Safe after rkv_rdb_writer_end(). */
void rkv_rdb_writer_free(rkv_rdb_writer *w);

/* The whole keyspace as one file appended to out (empty databases are
 * left out, as Redis does). Returns 0 or RKV_ERR_NOMEM. */
int rkv_rdb_dump_keyspace(rkv_keyspace *ks, rkv_buf *out,
			  const rkv_allocator *alloc, bool compression,
			  bool checksum, const rkv_rdb_aux *aux);

/* ---- Reader ---- */

/* Redis's default proto-max-bulk-len: the longest string a reader takes
 * unless told otherwise. */
#define RKV_RDB_DEFAULT_MAX_STRING (512ull * 1024 * 1024)

enum { RKV_RDB_ERRLEN = 256 };

typedef struct rkv_rdb_reader {
	const rkv_allocator *alloc;
	rkv_keyspace *ks; /* the new keyspace being filled; not owned */
	int64_t now_ms;	  /* keys expired before this are skipped */
	unsigned long long max_string; /* longer strings are an error */
	int state;
	int version;
	int db;
	int64_t expire_ms; /* of the next key, -1 for none */
	uint64_t crc;
	uint64_t offset;  /* of the first byte not parsed yet */
	rkv_buf pending;  /* an incomplete record, carried to the next feed */
	size_t need;	  /* pending bytes needed before parsing again */
	char *scratch[2]; /* decompressed LZF key / value */
	size_t scratch_cap[2];
	int err; /* 0 or the RKV_ERR_* the reader stopped with */
	char errmsg[RKV_RDB_ERRLEN];
	/* What the file said. */
	unsigned long long keys_loaded, keys_expired;
	bool checksum_checked; /* false: version < 5 or a zero checksum */
	char redis_ver[32];
	long long ctime, used_mem, repl_offset, aof_base;
	int repl_stream_db; /* -1 when absent */
	char repl_id[41];   /* "" when absent */
} rkv_rdb_reader;

/* Start reading a file into ks, which should be a new, empty keyspace:
 * the host swaps it in only when the load succeeds, so a failed load
 * leaves its live keyspace as it was. now_ms is the host's clock: keys that
 * expired before it are skipped, as a Redis master does. */
void rkv_rdb_reader_init(rkv_rdb_reader *r, rkv_keyspace *ks,
			 const rkv_allocator *alloc, int64_t now_ms);

/* Feed the next len bytes of the file (any split is fine; data is not kept
 * beyond the call). Returns 0 when more input is wanted, 1 when the file
 * is complete (its EOF and checksum were read; bytes after it are
 * ignored), or an error: RKV_ERR_PROTO (a corrupt or unsupported file;
 * rkv_rdb_reader_error() says why) or RKV_ERR_NOMEM. After an error or
 * completion further feeds return the same result. */
int rkv_rdb_reader_feed(rkv_rdb_reader *r, const void *data, size_t len);

/* The input ended. Returns 0 if the file was complete, else RKV_ERR_PROTO
 * ("Short read or OOM loading DB. Unrecoverable error, aborting now.") or
 * the earlier error. */
int rkv_rdb_reader_finish(rkv_rdb_reader *r);

/* The error message, "" when there was none. Valid until the reader is
 * freed. */
const char *rkv_rdb_reader_error(const rkv_rdb_reader *r);

/* Release the reader's memory (not the keyspace). */
void rkv_rdb_reader_free(rkv_rdb_reader *r);

#endif
