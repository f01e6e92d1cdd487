/* SHA-1 (FIPS 180-4). Used for Redis-compatible dataset digests (DEBUG
 * DIGEST), where the algorithm is fixed by compatibility, not security. */
#ifndef RKV_SHA1_H
#define RKV_SHA1_H

#include <stddef.h>
#include <stdint.h>

typedef struct rkv_sha1 {
	uint32_t h[5];
	uint64_t len; /* bytes hashed */
	uint8_t block[64];
	size_t fill;
} rkv_sha1;

void rkv_sha1_init(rkv_sha1 *s);
void rkv_sha1_update(rkv_sha1 *s, const void *data, size_t len);
void rkv_sha1_final(rkv_sha1 *s, uint8_t out[20]);

#endif
