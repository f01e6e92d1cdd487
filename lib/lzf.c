/* LZF compression: see lzf.h for the format. The compressor is a greedy
 * single pass: a hash of the next three bytes finds the last position with
 * the same hash; a match of at least three bytes within reach becomes a
 * back-reference, anything else accumulates into literal runs. */
#include "lzf.h"

#include <stdbool.h>
#include <string.h>

#define MAX_OFF 8192u
#define MAX_REF (255u + 9u)
#define MAX_LIT 32u

static inline uint32_t hash3(const unsigned char *p)
{
	uint32_t v = (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2];

	return (v * 2654435761u) >> (32 - RKV_LZF_HLOG);
}

/* Emit in[from..to) as literal runs at out[*op]. False if out overflows. */
static bool put_literals(const unsigned char *in, size_t from, size_t to,
			 unsigned char *out, size_t *op, size_t cap)
{
	while (from < to) {
		size_t run = to - from < MAX_LIT ? to - from : MAX_LIT;

		if (cap - *op < run + 1)
			return false;
		out[(*op)++] = (unsigned char)(run - 1);
		memcpy(out + *op, in + from, run);
		*op += run;
		from += run;
	}
	return true;
}

size_t rkv_lzf_compress(const void *in_, size_t in_len, void *out_,
			size_t out_cap, uint32_t *htab)
{
	const unsigned char *in = in_;
	unsigned char *out = out_;
	size_t i = 0, lit = 0, op = 0;

	if (in_len == 0)
		return 0;
	/* Positions are stored plus one: 0 is "none". */
	memset(htab, 0, RKV_LZF_HSIZE * sizeof(*htab));
	while (i + 2 < in_len) {
		uint32_t h = hash3(in + i);
		size_t ref = htab[h];

		htab[h] = (uint32_t)(i + 1);
		/* Positions beyond 4 GB wrap in the table: the byte compare
		 * below rejects a false match, and the reach check too. */
		if (ref && ref - 1 < i && i - (ref - 1) <= MAX_OFF &&
		    memcmp(in + ref - 1, in + i, 3) == 0) {
			size_t r = ref - 1, len = 3, off = i - r - 1;
			size_t max =
			    in_len - i < MAX_REF ? in_len - i : MAX_REF;

			while (len < max && in[r + len] == in[i + len])
				len++;
			if (!put_literals(in, lit, i, out, &op, out_cap))
				return 0;
			if (len - 2 < 7) {
				if (out_cap - op < 2)
					return 0;
				out[op++] =
				    (unsigned char)((len - 2) << 5 | off >> 8);
			} else {
				if (out_cap - op < 3)
					return 0;
				out[op++] = (unsigned char)(7u << 5 | off >> 8);
				out[op++] = (unsigned char)(len - 9);
			}
			out[op++] = (unsigned char)(off & 0xff);
			/* Index the positions the match covered. */
			for (size_t j = i + 1; j < i + len && j + 2 < in_len;
			     j++)
				htab[hash3(in + j)] = (uint32_t)(j + 1);
			i += len;
			lit = i;
		} else {
			i++;
		}
	}
	if (!put_literals(in, lit, in_len, out, &op, out_cap))
		return 0;
	return op;
}

size_t rkv_lzf_decompress(const void *in_, size_t in_len, void *out_,
			  size_t out_cap)
{
	const unsigned char *in = in_;
	unsigned char *out = out_;
	size_t ip = 0, op = 0;

	while (ip < in_len) {
		unsigned ctrl = in[ip++];

		if (ctrl < 32) {
			size_t run = ctrl + 1;

			if (in_len - ip < run || out_cap - op < run)
				return 0;
			memcpy(out + op, in + ip, run);
			ip += run;
			op += run;
		} else {
			size_t len = ctrl >> 5, dist;

			if (len == 7) {
				if (ip >= in_len)
					return 0;
				len += in[ip++];
			}
			if (ip >= in_len)
				return 0;
			dist = ((size_t)(ctrl & 31) << 8 | in[ip++]) + 1;
			len += 2;
			if (dist > op || out_cap - op < len)
				return 0;
			/* Byte by byte: the source may overlap the output. */
			for (size_t k = 0; k < len; k++, op++)
				out[op] = out[op - dist];
		}
	}
	return op;
}
