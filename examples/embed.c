/* Embedding rkv: use a node's keyspace in-process, without RESP or sockets.
 * Typed set/get with a TTL, a command through rkv_node_command(), and the
 * keyspace callback a cache would use to invalidate its entries. */
#include <stdio.h>
#include <string.h>

#include "rkv.h"

static long long now_us = 1700000000000000LL; /* the host's (virtual) clock */

static int64_t host_clock(rkv_node *node, void *ud)
{
	(void)node;
	(void)ud;
	return now_us;
}

static void on_change(rkv_node *node, int db, const char *key, size_t klen,
		      void *ud)
{
	(void)node;
	(void)ud;
	if (key)
		printf("invalidate db=%d key=%.*s\n", db, (int)klen, key);
	else
		printf("invalidate db=%d (whole database)\n", db);
}

static void print_reply(const rkv_reply *r, int indent)
{
	printf("%*s", indent, "");
	if (r->type == RKV_REPLY_INTEGER)
		printf("(integer) %lld\n", r->integer);
	else if (r->type == RKV_REPLY_NIL)
		printf("(nil)\n");
	else if (r->type == RKV_REPLY_ARRAY)
		printf("(array of %zu)\n", r->count);
	else
		printf("\"%.*s\"\n", (int)r->len, r->str);
	for (size_t i = 0; i < r->count; i++)
		print_reply(r->elements[i], indent + 2);
}

int main(void)
{
	const char *incr[] = {"INCR", "visits"};
	const char *mget[] = {"MGET", "greeting", "visits", "missing"};
	rkv_callbacks *cbs;
	rkv_node *node;
	rkv_reply *r;
	char val[64];
	size_t len;
	int rc;

	if (rkv_callbacks_new(&cbs) < 0)
		return 1;
	rkv_callbacks_set_clock(cbs, host_clock);
	rkv_callbacks_set_keyspace(cbs, on_change);
	rc = rkv_node_new(&node, cbs, NULL, NULL);
	rkv_callbacks_free(cbs);
	if (rc < 0)
		return 1;

	/* Typed fast paths: a value with a 1.5 s TTL. */
	if (rkv_set(node, 0, "greeting", 8, "hello", 5, 1500) < 0)
		return 1;
	if (rkv_get(node, 0, "greeting", 8, val, sizeof(val), &len) == 1)
		printf("get greeting -> %.*s\n", (int)len, val);

	/* Any command, as a client would send it (argvlen NULL: C strings). */
	for (int i = 0; i < 2; i++) {
		if (rkv_node_command(node, 0, 2, incr, NULL, &r) < 0)
			return 1;
		print_reply(r, 0);
		rkv_reply_free(node, r);
	}
	if (rkv_node_command(node, 0, 4, mget, NULL, &r) < 0)
		return 1;
	print_reply(r, 0);
	rkv_reply_free(node, r);

	/* Two seconds later the TTL has passed: the key expires. */
	now_us += 2000000;
	rkv_node_tick(node, 2000);
	rc = rkv_get(node, 0, "greeting", 8, val, sizeof(val), &len);
	printf("get greeting after 2 s -> %s\n", rc == 1 ? "found" : "gone");
	printf("visits exists: %d\n", rkv_exists(node, 0, "visits", 6));
	rkv_del(node, 0, "visits", 6);

	rkv_node_free(node);
	return 0;
}
