/* The node's pseudo-random generator: xoshiro256** seeded through
 * splitmix64 from the host's seed. The only source of randomness in librkv
 * (run IDs, replication IDs, dict hash keys, expiry sampling), so the same
 * seed and inputs replay the same behaviour. */
#ifndef RKV_RAND_H
#define RKV_RAND_H

#include <stddef.h>
#include <stdint.h>

typedef struct rkv_rand {
	uint64_t s[4];
} rkv_rand;

void rkv_rand_seed(rkv_rand *r, uint64_t seed);
uint64_t rkv_rand_next(rkv_rand *r);
/* n random bytes. */
void rkv_rand_bytes(rkv_rand *r, void *out, size_t n);
/* 2*n lowercase hex characters (a run ID is rkv_rand_hex(r, buf, 20)); no
 * terminator is written. */
void rkv_rand_hex(rkv_rand *r, char *out, size_t nbytes);

#endif
