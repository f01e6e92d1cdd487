/* CRC-64 with the Jones polynomial, exactly as Redis's crc64() computes it
 * for RDB files and DUMP payloads. */
#ifndef RKV_CRC64_H
#define RKV_CRC64_H

#include <stddef.h>
#include <stdint.h>

/* Continue a CRC over data: start with crc = 0, feed the pieces in order. */
uint64_t rkv_crc64(uint64_t crc, const void *data, size_t len);

#endif
