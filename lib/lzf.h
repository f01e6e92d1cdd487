/* LZF compression in liblzf's format (the one Redis uses for RDB strings),
 * written from the format description:
 *   000LLLLL <L+1 literal bytes>            a literal run of 1..32 bytes
 *   LLLooooo oooooooo                       a back-reference, L in 1..6:
 *                                           copy L+2 bytes from distance o+1
 *   111ooooo LLLLLLLL oooooooo              the same with length L+9
 * Back-references reach at most 8192 bytes back and copy 3..264 bytes
 * (they may overlap the bytes being produced). */
#ifndef RKV_LZF_H
#define RKV_LZF_H

#include <stddef.h>
#include <stdint.h>

/* Entries of the compressor's hash table (the caller provides it, so that
 * no call allocates and no state is global). */
#define RKV_LZF_HLOG  14
#define RKV_LZF_HSIZE (1u << RKV_LZF_HLOG)

/* Compress in[0..in_len) into out (at most out_cap bytes). htab is scratch
 * space of RKV_LZF_HSIZE entries, overwritten. Returns the compressed size,
 * or 0 when the result does not fit in out_cap (or in_len is 0). */
size_t rkv_lzf_compress(const void *in, size_t in_len, void *out,
			size_t out_cap, uint32_t *htab);

/* Decompress in[0..in_len) into out (at most out_cap bytes). Returns the
 * decompressed size, or 0 when the input is corrupt (a truncated item, a
 * reference before the start of the output) or the output would exceed
 * out_cap. */
size_t rkv_lzf_decompress(const void *in, size_t in_len, void *out,
			  size_t out_cap);

#endif
