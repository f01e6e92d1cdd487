/* Number <-> string conversions with Redis's exact acceptance rules. */
#include "util.h"

#include <limits.h>
#include <stdio.h>
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

int rkv_strcasecmp(const char *a, const char *b)
{
	for (;; a++, b++) {
		unsigned char x = (unsigned char)*a, y = (unsigned char)*b;

		if (x >= 'A' && x <= 'Z')
			x = (unsigned char)(x - 'A' + 'a');
		if (y >= 'A' && y <= 'Z')
			y = (unsigned char)(y - 'A' + 'a');
		if (x != y || !x)
			return (int)x - (int)y;
	}
}

static char fold(char c, bool nocase)
{
	return (nocase && c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

/* Match a '[...]' class starting after its '['; *pl is advanced past the
 * closing ']' (or to the end of the pattern if it has none, as Redis). */
static bool class_match(const char **pp, size_t *pl, char c, bool nocase)
{
	const char *p = *pp;
	size_t left = *pl;
	bool negate = false, match = false;

	if (left && *p == '^') {
		negate = true;
		p++, left--;
	}
	while (left && *p != ']') {
		if (*p == '\\' && left >= 2) {
			p++, left--;
			if (fold(*p, nocase) == fold(c, nocase))
				match = true;
		} else if (left >= 3 && p[1] == '-') {
			char lo = fold(p[0], nocase), hi = fold(p[2], nocase);
			char x = fold(c, nocase);

			if (lo > hi) {
				char t = lo;

				lo = hi;
				hi = t;
			}
			if (x >= lo && x <= hi)
				match = true;
			p += 2, left -= 2;
		} else if (fold(*p, nocase) == fold(c, nocase)) {
			match = true;
		}
		p++, left--;
	}
	if (left) /* the ']' */
		p++, left--;
	*pp = p;
	*pl = left;
	return negate ? !match : match;
}

bool rkv_glob_match(const char *p, size_t pl, const char *s, size_t sl,
		    bool nocase)
{
	/* Iterative with one backtrack point for the last '*': linear in
	 * practice and immune to the exponential blow-up of naive recursion
	 * on patterns like "a*a*a*a*b". */
	const char *star_p = NULL, *star_s = NULL;
	size_t star_pl = 0, star_sl = 0;

	while (sl) {
		if (pl && *p == '*') {
			while (pl && *p == '*')
				p++, pl--;
			if (!pl)
				return true;
			star_p = p, star_pl = pl;
			star_s = s, star_sl = sl;
			continue;
		}
		if (pl) {
			const char *np = p + 1;
			size_t npl = pl - 1;
			bool ok;

			if (*p == '?') {
				ok = true;
			} else if (*p == '[') {
				ok = class_match(&np, &npl, *s, nocase);
			} else if (*p == '\\' && pl >= 2) {
				ok = fold(p[1], nocase) == fold(*s, nocase);
				np = p + 2, npl = pl - 2;
			} else {
				ok = fold(*p, nocase) == fold(*s, nocase);
			}
			if (ok) {
				p = np, pl = npl;
				s++, sl--;
				continue;
			}
		}
		if (!star_p)
			return false;
		/* Let the last '*' swallow one more byte and retry. */
		p = star_p, pl = star_pl;
		s = ++star_s, sl = --star_sl;
	}
	while (pl && *p == '*')
		p++, pl--;
	return pl == 0;
}

int rkv_vfmt(char *dst, size_t cap, const char *fmt, va_list ap)
{
	int n = vsnprintf(dst, cap, fmt, ap);

	if (n < 0)
		return -1;
	return (size_t)n < cap ? n : (int)(cap - 1);
}
