/* SipHash-1-2 (as Redis uses for its dicts): a keyed hash, so a client cannot
 * choose keys that collide. The key comes from the node's seeded PRNG, which
 * keeps bucket order (SCAN, RANDOMKEY) deterministic for a given seed. */
#ifndef RKV_SIPHASH_H
#define RKV_SIPHASH_H

#include <stddef.h>
#include <stdint.h>

uint64_t rkv_siphash(const void *data, size_t len, const uint8_t key[16]);

#endif
