/* rdb_tool: a small driver of the RDB codec for the interop test.
 *
 *   rdb_tool load FILE
 *       Load FILE (read and fed in 4 KB chunks) into a fresh 16-db
 *       keyspace and print its content, one key a line:
 *       "<db> <key hex> <value hex> <expire ms or -1>" (unsorted; an empty
 *       key or value prints as "-"). Keys expired at the current time are
 *       skipped, as Redis does. On error: the reader's message on stderr,
 *       exit status 1.
 *   rdb_tool write-sample OUT [nocompress] [nochecksum]
 *       Write a sample file (strings, integers, long compressible and
 *       random strings, binary keys, TTLs, several dbs) to OUT and print
 *       its content as `load` would.
 */
#define _POSIX_C_SOURCE 200809L /* clock_gettime */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alloc.h"
#include "buf.h"
#include "keyspace.h"
#include "rdb.h"
#include "util.h"

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void hex(const char *s, size_t n)
{
	if (n == 0)
		fputc('-', stdout);
	for (size_t i = 0; i < n; i++)
		printf("%02x", (unsigned char)s[i]);
}

struct print_ctx {
	rkv_keyspace *ks;
	int db;
};

static void print_one(rkv_dict_node *node, void *ud)
{
	struct print_ctx *c = ud;
	const rkv_entry *e = (const rkv_entry *)node;
	char buf[RKV_LLSTR_SIZE];
	size_t vlen;
	const char *v = rkv_entry_str(e, buf, &vlen);

	printf("%d ", c->db);
	hex(rkv_entry_key(e), e->klen);
	fputc(' ', stdout);
	hex(v, vlen);
	printf(" %lld\n", (long long)rkv_keyspace_get_expire(c->ks, c->db, e));
}

static void print_keyspace(rkv_keyspace *ks)
{
	for (int db = 0; db < ks->ndb; db++) {
		struct print_ctx c = {ks, db};

		rkv_dict_foreach(&ks->db[db].keys, print_one, &c);
	}
}

static int cmd_load(const char *path)
{
	rkv_rand rng;
	rkv_keyspace ks;
	rkv_rdb_reader r;
	static char chunk[4096];
	FILE *f = fopen(path, "rb");
	size_t n;
	int rc = 0;

	if (!f) {
		perror(path);
		return 1;
	}
	rkv_rand_seed(&rng, 1);
	if (rkv_keyspace_init(&ks, 16, rkv_default_allocator(), &rng) != 0)
		return 1;
	rkv_rdb_reader_init(&r, &ks, rkv_default_allocator(), now_ms());
	while (rc == 0 && (n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		rc = rkv_rdb_reader_feed(&r, chunk, n);
	fclose(f);
	if (rc >= 0)
		rc = rkv_rdb_reader_finish(&r);
	if (rc != 0)
		fprintf(stderr, "%s\n", rkv_rdb_reader_error(&r));
	else
		print_keyspace(&ks);
	rkv_rdb_reader_free(&r);
	rkv_keyspace_free(&ks);
	return rc != 0;
}

static void put(rkv_keyspace *ks, int db, const char *k, size_t kl,
		const char *v, size_t vl, int64_t expire)
{
	rkv_entry *e;

	if (rkv_keyspace_set(ks, db, k, kl, v, vl, false, 0, &e) != 0)
		exit(2);
	if (expire >= 0 && rkv_keyspace_set_expire(ks, db, e, expire) != 0)
		exit(2);
}

static int cmd_write_sample(const char *path, bool compression, bool checksum)
{
	rkv_rand rng;
	rkv_keyspace ks;
	rkv_buf out;
	rkv_rdb_aux aux = {.ctime = now_ms() / 1000, .used_mem = 1000000};
	static char big[100000];
	const int64_t far = now_ms() + 86400000ll * 365;
	const char bin[] = {'\0', '\n', '\xff', 'k', '\r'};
	char k[64], v[64];
	FILE *f;

	rkv_rand_seed(&rng, 1);
	if (rkv_keyspace_init(&ks, 16, rkv_default_allocator(), &rng) != 0)
		return 1;
	put(&ks, 0, "hello", 5, "world", 5, -1);
	put(&ks, 0, "empty", 5, "", 0, -1);
	put(&ks, 0, "", 0, "empty key", 9, -1);
	put(&ks, 0, bin, sizeof(bin), bin, sizeof(bin), -1);
	put(&ks, 0, "int8", 4, "-100", 4, -1);
	put(&ks, 0, "int16", 5, "30000", 5, -1);
	put(&ks, 0, "int32", 5, "-2147483648", 11, -1);
	put(&ks, 0, "int64", 5, "9223372036854775807", 19, -1);
	put(&ks, 0, "notint", 6, "007", 3, -1);
	put(&ks, 0, "12345", 5, "int-encoded key", 15, -1);
	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = "the quick brown fox "[i % 20];
	put(&ks, 1, "compressible", 12, big, sizeof(big), far);
	put(&ks, 1, "threshold-21", 12, big, 21, -1);
	put(&ks, 1, "threshold-20", 12, big, 20, -1);
	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (char)rkv_rand_next(&rng);
	put(&ks, 1, "random", 6, big, 5000, far + 1);
	for (int i = 0; i < 200; i++) {
		int db = 2 + i % 14;
		size_t kl = (size_t)snprintf(k, sizeof(k), "key:%d", i);
		size_t vl =
		    (size_t)snprintf(v, sizeof(v), "%d", i * 7919 - 500);

		put(&ks, db, k, kl, v, vl, i % 3 ? -1 : far + i);
	}
	rkv_buf_init(&out, rkv_default_allocator());
	if (rkv_rdb_dump_keyspace(&ks, &out, rkv_default_allocator(),
				  compression, checksum, &aux) != 0)
		return 1;
	f = fopen(path, "wb");
	if (!f || fwrite(rkv_buf_head(&out), 1, out.len, f) != out.len ||
	    fclose(f) != 0) {
		perror(path);
		return 1;
	}
	print_keyspace(&ks);
	rkv_buf_free(&out);
	rkv_keyspace_free(&ks);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "load") == 0)
		return cmd_load(argv[2]);
	if (argc >= 3 && strcmp(argv[1], "write-sample") == 0) {
		bool compression = true, checksum = true;

		for (int i = 3; i < argc; i++) {
			if (strcmp(argv[i], "nocompress") == 0)
				compression = false;
			else if (strcmp(argv[i], "nochecksum") == 0)
				checksum = false;
			else
				goto usage;
		}
		return cmd_write_sample(argv[2], compression, checksum);
	}
usage:
	fprintf(stderr, "usage: rdb_tool load FILE | rdb_tool write-sample "
			"OUT [nocompress] [nochecksum]\n");
	return 2;
}
