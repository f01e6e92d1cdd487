/* Unit tests: the replication stream's shared state (lib/repl.c): IDs,
 * offset, the circular backlog and the PSYNC rule, checked against a plain
 * copy of the whole stream. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "node.h"
#include "repl.h"
#include "rkv.h"

static rkv_node *node;
static char *stream; /* every byte fed, from offset 1 */
static size_t streamlen;

static void setup(void)
{
	rkv_callbacks *cbs;
	rkv_options *opts;

	ck_assert_int_eq(rkv_callbacks_new(&cbs), 0);
	ck_assert_int_eq(rkv_options_new(&opts), 0);
	rkv_options_set_seed(opts, 42);
	ck_assert_int_eq(rkv_node_new(&node, cbs, opts, NULL), 0);
	rkv_callbacks_free(cbs);
	rkv_options_free(opts);
	stream = NULL;
	streamlen = 0;
}

static void teardown(void)
{
	rkv_node_free(node);
	free(stream);
}

static void feed(size_t n, unsigned seed)
{
	char *p = malloc(n ? n : 1);

	ck_assert_ptr_nonnull(p);
	for (size_t i = 0; i < n; i++)
		p[i] = (char)('a' + (seed + i) % 26);
	stream = realloc(stream, streamlen + n + 1);
	ck_assert_ptr_nonnull(stream);
	memcpy(stream + streamlen, p, n);
	streamlen += n;
	rkv_repl_feed(node, p, n);
	free(p);
}

/* The backlog's invariant, and its content equals the stream's tail. */
static void check_backlog(void)
{
	const rkv_repl *r = &node->repl;
	rkv_buf b;

	ck_assert_int_eq(r->offset, (long long)streamlen);
	if (!r->backlog)
		return;
	ck_assert_int_eq(r->first_byte + r->histlen, r->offset + 1);
	ck_assert_int_le(r->histlen, r->backlog_size);
	rkv_buf_init(&b, rkv_node_alloc(node));
	ck_assert_int_eq(rkv_repl_backlog_copy(node, r->first_byte, &b),
			 r->histlen);
	if (r->histlen > 0)
		ck_assert(memcmp(rkv_buf_head(&b),
				 stream + (r->first_byte - 1),
				 (size_t)r->histlen) == 0);
	rkv_buf_free(&b);
}

START_TEST(ids_and_info)
{
	const rkv_repl *r = &node->repl;

	ck_assert_uint_eq(strlen(r->replid), 40);
	ck_assert_str_eq(r->replid2, "0000000000000000000000000000000000000000");
	ck_assert_int_eq(r->second_offset, -1);
	ck_assert_ptr_null(r->backlog);
	feed(100, 1); /* no backlog: the offset still counts */
	ck_assert_int_eq(r->offset, 100);
}
END_TEST

START_TEST(backlog_wraps_and_keeps_the_tail)
{
	rkv_reply *rep;
	const char *argv[] = {"CONFIG", "SET", "repl-backlog-size", "1000"};

	ck_assert_int_eq(rkv_node_command(node, 0, 4, argv, NULL, &rep), 0);
	rkv_reply_free(node, rep);
	feed(10, 0);
	ck_assert_int_eq(rkv_repl_backlog_create(node), 0);
	ck_assert_int_eq(node->repl.first_byte, 11);
	ck_assert_int_eq(node->repl.backlog_size, 1000);
	check_backlog();
	for (unsigned i = 0; i < 200; i++) {
		feed((i * 37) % 300, i);
		check_backlog();
	}
	feed(2500, 7); /* larger than the backlog */
	check_backlog();
	ck_assert_int_eq(node->repl.histlen, 1000);
}
END_TEST

START_TEST(psync_rule)
{
	rkv_repl *r = &node->repl;
	char old[41];

	ck_assert_int_eq(rkv_repl_backlog_create(node), 0);
	/* An empty backlog at offset 0: PSYNC from 1 continues. */
	ck_assert(rkv_repl_can_continue(node, r->replid, 1));
	feed(500, 3);
	ck_assert(rkv_repl_can_continue(node, r->replid, 1));
	ck_assert(rkv_repl_can_continue(node, r->replid, 501));
	ck_assert(!rkv_repl_can_continue(node, r->replid, 502));
	ck_assert(!rkv_repl_can_continue(node, r->replid, 0));
	ck_assert(!rkv_repl_can_continue(node, "x", 100));
	/* Promotion: the old ID continues up to offset + 1. */
	memcpy(old, r->replid, sizeof(old));
	rkv_repl_shift_replid(node);
	ck_assert_str_eq(r->replid2, old);
	ck_assert_int_eq(r->second_offset, 501);
	ck_assert_str_ne(r->replid, old);
	feed(100, 9);
	ck_assert(rkv_repl_can_continue(node, old, 501));
	ck_assert(!rkv_repl_can_continue(node, old, 502));
	ck_assert(rkv_repl_can_continue(node, r->replid, 601));
	check_backlog();
	/* Adopting a master's history forgets both. */
	rkv_repl_adopt(node, "0123456789012345678901234567890123456789", 7000);
	ck_assert_int_eq(r->offset, 7000);
	ck_assert_int_eq(r->first_byte, 7001);
	ck_assert_int_eq(r->histlen, 0);
	ck_assert(!rkv_repl_can_continue(node, old, 501));
	ck_assert(rkv_repl_can_continue(
	    node, "0123456789012345678901234567890123456789", 7001));
	rkv_repl_backlog_free(node);
	ck_assert(!rkv_repl_can_continue(
	    node, "0123456789012345678901234567890123456789", 7001));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("repl");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, ids_and_info);
	tcase_add_test(tc, backlog_wraps_and_keeps_the_tail);
	tcase_add_test(tc, psync_rule);
	suite_add_tcase(s, tc);
	return rkv_test_run(s);
}
