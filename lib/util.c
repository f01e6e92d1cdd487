/* Number <-> string conversions with Redis's exact acceptance rules. */
#include "util.h"

#include <limits.h>
#include <string.h>

bool rkv_string2ll(const char *s, size_t len, long long *out)
{
	const char *p = s, *end;
	bool neg = false;
	unsigned long long v;

	if (len == 0 || len > 20)
		return false;
	end = s + len;
	if (len == 1 && p[0] == '0') {
		*out = 0;
		return true;
	}
	if (*p == '-') {
		neg = true;
		if (++p == end)
			return false;
	}
	if (*p < '1' || *p > '9')
		return false;
	v = (unsigned long long)(*p++ - '0');
	while (p < end) {
		unsigned d;

		if (*p < '0' || *p > '9')
			return false;
		d = (unsigned)(*p++ - '0');
		if (v > (~0ULL - d) / 10)
			return false;
		v = v * 10 + d;
	}
	if (neg) {
		if (v > (unsigned long long)LLONG_MAX + 1)
			return false;
		*out = (long long)(0 - v);
	} else {
		if (v > (unsigned long long)LLONG_MAX)
			return false;
		*out = (long long)v;
	}
	return true;
}

size_t rkv_ull2str(char *dst, unsigned long long v)
{
	char tmp[RKV_LLSTR_SIZE];
	size_t n = 0;

	do {
		tmp[sizeof(tmp) - 1 - n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	memcpy(dst, tmp + sizeof(tmp) - n, n);
	return n;
}

size_t rkv_ll2str(char *dst, long long v)
{
	if (v < 0) {
		dst[0] = '-';
		/* Negate in unsigned arithmetic so LLONG_MIN is fine. */
		return 1 + rkv_ull2str(dst + 1, 0ULL - (unsigned long long)v);
	}
	return rkv_ull2str(dst, (unsigned long long)v);
}

bool rkv_caseeq(const char *s, size_t len, const char *lower)
{
	size_t i;

	for (i = 0; i < len; i++) {
		char c = s[i];

		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (c != lower[i] || lower[i] == '\0')
			return false;
	}
	return lower[i] == '\0';
}
