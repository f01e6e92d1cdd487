/* Fuzz harness for configuration text (a redis.conf a host hands to rkv):
 * every line goes through rkv_config_split() and rkv_node_config_set(), as
 * rkv-server applies a file, then the text goes through CONFIG REWRITE's
 * transform (rkv_node_config_rewrite()) against the resulting node.
 *
 * Input: the file's bytes (lines end at '\n'; a line of the file may hold
 * any byte, NUL included).
 *
 * Besides crashes, sanitizer reports and leaks: a line that is refused
 * must come with an error text, and the rewritten text, applied to a fresh
 * node, must give every directive the same value (what CONFIG REWRITE promises)
 * when the input is printable text: a NUL or control byte inside a value is
 * accepted, as Redis accepts it, but not yet written back escaped, so such
 * values need not survive a rewrite (noted as a known gap). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "rkv.h"

static rkv_node *new_node(void)
{
	rkv_callbacks *cbs;
	rkv_options *opts;
	rkv_node *node;

	FUZZ_CHECK(rkv_callbacks_new(&cbs) == 0);
	FUZZ_CHECK(rkv_options_new(&opts) == 0);
	rkv_options_set_seed(opts, 7);
	FUZZ_CHECK(fuzz_use_capped_allocator(opts) == 0);
	FUZZ_CHECK(rkv_node_new(&node, cbs, opts, NULL) == 0);
	rkv_callbacks_free(cbs);
	rkv_options_free(opts);
	return node;
}

/* Apply every line of text[0..len) to node, as a config file. Returns
 * false when some line ran out of memory (the capped allocator's limit is
 * shared by both nodes: a huge `databases` on one can starve the other). */
static bool apply(rkv_node *node, const char *text, size_t len)
{
	size_t off = 0;
	bool complete = true;

	while (off < len) {
		const char *nl = memchr(text + off, '\n', len - off);
		size_t n = nl ? (size_t)(nl - (text + off)) : len - off;
		char **argv = NULL;
		size_t argc = 0;
		char err[256];
		int r = rkv_config_split(text + off, n, &argv, &argc);

		off += n + (nl != NULL);
		if (r < 0) {
			FUZZ_CHECK(r == RKV_ERR_INVALID || r == RKV_ERR_NOMEM);
			complete = complete && r != RKV_ERR_NOMEM;
			continue;
		}
		if (argc == 0 || argv[0][0] == '#') {
			rkv_config_split_free(argv, argc);
			continue;
		}
		err[0] = '\0';
		r = rkv_node_config_set(node, argv[0],
					(const char *const *)(argv + 1),
					argc - 1, err, sizeof(err));
		FUZZ_CHECK(r == 0 || r == RKV_CONFIG_UNSUPPORTED ||
			   r == RKV_ERR_INVALID || r == RKV_ERR_NOMEM);
		if (r == RKV_ERR_INVALID)
			FUZZ_CHECK(err[0] != '\0');
		complete = complete && r != RKV_ERR_NOMEM;
		rkv_config_split_free(argv, argc);
	}
	return complete;
}

/* True if text holds only printable ASCII, tabs and newlines. */
static bool printable(const uint8_t *d, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((d[i] < 0x20 && d[i] != '\n' && d[i] != '\t') ||
		    d[i] > 0x7e)
			return false;
	return true;
}

/* Every directive has the same value on both nodes. */
static void expect_same_values(rkv_node *a, rkv_node *b)
{
	const char *name;

	for (size_t i = 0; (name = rkv_config_name(i)) != NULL; i++) {
		char va[512], vb[512];
		int la = rkv_node_config_get(a, name, va, sizeof(va));
		int lb = rkv_node_config_get(b, name, vb, sizeof(vb));

		FUZZ_CHECK(la >= 0 && la == lb);
		FUZZ_CHECK(strcmp(va, vb) == 0);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	rkv_node *node, *again;
	char *out = NULL;
	size_t outlen = 0;
	bool complete;
	int r;

	if (size > 8192)
		return 0;
	node = new_node();
	complete = apply(node, (const char *)data, size);
	r = rkv_node_config_rewrite(node, (const char *)data, size, &out,
				    &outlen);
	FUZZ_CHECK(r == 0 || r == RKV_ERR_NOMEM || r == RKV_ERR_INVALID);
	if (r == 0) {
		FUZZ_CHECK(out[outlen] == '\0');
		again = new_node();
		complete = apply(again, out, outlen) && complete;
		if (complete && printable(data, size))
			expect_same_values(node, again);
		rkv_node_free(again);
		rkv_node_config_free_text(node, out);
	}
	rkv_node_free(node);
	return 0;
}
