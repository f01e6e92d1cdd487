/* Host-side helpers shared by the Check suites that run an in-process node:
 * capturing what the node sends, a clock the test sets, and an allocator
 * that counts and can be told to fail. Each suite keeps its own host struct;
 * the RKV_TEST_HOST_* macros define callbacks over the fields they name. */
#ifndef RKV_TEST_HOST_H
#define RKV_TEST_HOST_H

#include <check.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rkv.h"

/* Append len bytes of data to out (capacity cap, *outlen used), asserting
 * they fit; returns len, as a send callback that accepted all of it. */
static inline int64_t rkv_test_capture(char *out, size_t cap, size_t *outlen,
				       const uint8_t *data, size_t len)
{
	ck_assert_uint_le(*outlen + len, cap);
	memcpy(out + *outlen, data, len);
	*outlen += len;
	return (int64_t)len;
}

/* Defines send callback fn: the node's user data is a `type` whose char
 * array out and size_t outlen capture everything sent. */
#define RKV_TEST_HOST_SEND(fn, type)                                           \
	static int64_t fn(rkv_node *n_, rkv_conn *c_, const uint8_t *data_,    \
			  size_t len_, void *ud_)                              \
	{                                                                      \
		type *h_ = ud_;                                                \
                                                                               \
		(void)n_;                                                      \
		(void)c_;                                                      \
		return rkv_test_capture(h_->out, sizeof(h_->out), &h_->outlen, \
					data_, len_);                          \
	}

/* Defines clock callback fn: the node's user data is a `type` whose int64_t
 * clock_us is the time. */
#define RKV_TEST_HOST_CLOCK(fn, type)                                          \
	static int64_t fn(rkv_node *n_, void *ud_)                             \
	{                                                                      \
		(void)n_;                                                      \
		return ((type *)ud_)->clock_us;                                \
	}

/* A clock callback for a node whose user data points to the int64_t time. */
static inline int64_t rkv_test_clock_at(rkv_node *n, void *ud)
{
	(void)n;
	return *(const int64_t *)ud;
}

/* A send callback that accepts everything and keeps nothing. */
static inline int64_t rkv_test_sink(rkv_node *n, rkv_conn *c,
				    const uint8_t *data, size_t len, void *ud)
{
	(void)n;
	(void)c;
	(void)data;
	(void)ud;
	return (int64_t)len;
}

/* An allocator's state: live blocks, allocations made, and when to fail.
 * Every allocation numbered fail_after or later fails (-1: none fails);
 * with fail_once only the first of them does (fail_after goes back to -1).
 * A failed allocation is not counted. */
typedef struct rkv_test_counting {
	long live, total;
	long fail_after;
	bool fail_once;
} rkv_test_counting;

static inline bool rkv_test_counting_fails(rkv_test_counting *c)
{
	if (c->fail_after >= 0 && c->total >= c->fail_after) {
		if (c->fail_once)
			c->fail_after = -1;
		return true;
	}
	c->total++;
	return false;
}

static inline void *rkv_test_counting_malloc(size_t n, void *ud)
{
	rkv_test_counting *c = ud;

	if (rkv_test_counting_fails(c))
		return NULL;
	c->live++;
	return malloc(n);
}

static inline void *rkv_test_counting_realloc(void *p, size_t n, void *ud)
{
	rkv_test_counting *c = ud;

	if (rkv_test_counting_fails(c))
		return NULL;
	if (!p)
		c->live++;
	return realloc(p, n);
}

static inline void rkv_test_counting_free(void *p, void *ud)
{
	rkv_test_counting *c = ud;

	if (p)
		c->live--;
	free(p);
}

/* New node options (free with rkv_options_free) whose allocator counts into
 * and fails as told by c; c must outlive every node made with them. */
static inline rkv_options *rkv_test_counting_options(rkv_test_counting *c)
{
	rkv_allocator a = {rkv_test_counting_malloc, rkv_test_counting_realloc,
			   rkv_test_counting_free, c, NULL};
	rkv_options *o;

	ck_assert_int_eq(rkv_options_new(&o), 0);
	ck_assert_int_eq(rkv_options_set_allocator(o, &a), 0);
	return o;
}

/* Stop the suite's node (stop), then start it again (start) with options
 * whose allocator counts into and fails as told by cnt. */
static inline void rkv_test_restart_counting(rkv_test_counting *cnt,
					     void (*stop)(void),
					     void (*start)(const rkv_options *))
{
	rkv_options *o = rkv_test_counting_options(cnt);

	stop();
	start(o);
	rkv_options_free(o);
}

#endif
