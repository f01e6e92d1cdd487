/* Small string/number helpers shared by the protocol and command code. */
#ifndef RKV_UTIL_H
#define RKV_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

/* Longest decimal form of a long long, sign included. */
#define RKV_LLSTR_SIZE 21

/* Parse s[0..len) as a long long exactly as Redis's string2ll does: no
 * spaces, no '+', no leading zeros ("0" itself is fine), no "-0", no
 * overflow. Returns true and sets *out on success. */
bool rkv_string2ll(const char *s, size_t len, long long *out);

/* Write v in decimal to dst (which has room for RKV_LLSTR_SIZE bytes, no
 * terminator is written). Returns the number of bytes written. */
size_t rkv_ll2str(char *dst, long long v);

/* Same for an unsigned value. */
size_t rkv_ull2str(char *dst, unsigned long long v);

/* ASCII case-insensitive equality of s[0..len) and the NUL-terminated
 * lower-case word `lower` (command names, options). Locale-free. */
bool rkv_caseeq(const char *s, size_t len, const char *lower);

/* strcasecmp() of two NUL-terminated strings, folding ASCII case only
 * (locale-free, so the same on every host): <0, 0 or >0. */
int rkv_strcasecmp(const char *a, const char *b);

/* Glob-style match of s against pattern, with Redis's rules (KEYS, SCAN
 * MATCH, PUBSUB): '*' any run, '?' any byte, '[abc]' '[^a-z]' classes,
 * '\\x' a literal x. Binary-safe; nocase folds ASCII case. */
bool rkv_glob_match(const char *pat, size_t plen, const char *s, size_t slen,
		    bool nocase);

/* vsnprintf() into dst[0..cap), cap > 0. Returns the length of the text
 * in dst (cut to cap - 1 bytes when longer), or -1 on an encoding error. */
int rkv_vfmt(char *dst, size_t cap, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));

/* isspace() in the C locale, without the locale lookup. */
static inline bool rkv_is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' ||
	       c == '\r';
}

/* The value of the hexadecimal digit c, or -1 if c is not one. */
static inline int rkv_hex_val(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* The byte the escape backslash-c stands for inside double quotes, as
 * Redis's sdssplitargs() reads it: \n \r \t \b \a, any other c itself. */
static inline char rkv_unescape(char c)
{
	switch (c) {
	case 'n':
		return '\n';
	case 'r':
		return '\r';
	case 't':
		return '\t';
	case 'b':
		return '\b';
	case 'a':
		return '\a';
	default:
		return c;
	}
}

#endif
