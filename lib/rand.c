/* xoshiro256** (Blackman & Vigna), seeded with splitmix64; see rand.h. */
#include "rand.h"

#include <string.h>

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

void rkv_rand_seed(rkv_rand *r, uint64_t seed)
{
	for (int i = 0; i < 4; i++)
		r->s[i] = splitmix64(&seed);
}

static inline uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

uint64_t rkv_rand_next(rkv_rand *r)
{
	uint64_t *s = r->s;
	uint64_t result = rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

void rkv_rand_bytes(rkv_rand *r, void *out, size_t n)
{
	unsigned char *p = out;

	while (n) {
		uint64_t v = rkv_rand_next(r);
		size_t k = n < 8 ? n : 8;

		memcpy(p, &v, k);
		p += k;
		n -= k;
	}
}

void rkv_rand_hex(rkv_rand *r, char *out, size_t nbytes)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < nbytes; i++) {
		unsigned b = (unsigned)(rkv_rand_next(r) & 0xff);

		out[2 * i] = digits[b >> 4];
		out[2 * i + 1] = digits[b & 15];
	}
}
