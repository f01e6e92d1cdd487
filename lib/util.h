/* Small string/number helpers shared by the protocol and command code. */
#ifndef RKV_UTIL_H
#define RKV_UTIL_H

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

/* Glob-style match of s against pattern, with Redis's rules (KEYS, SCAN
 * MATCH, PUBSUB): '*' any run, '?' any byte, '[abc]' '[^a-z]' classes,
 * '\\x' a literal x. Binary-safe; nocase folds ASCII case. */
bool rkv_glob_match(const char *pat, size_t plen, const char *s, size_t slen,
		    bool nocase);

#endif
