/* DEBUG: the subcommands that exist so far, DIGEST and DIGEST-VALUE, which
 * compute exactly the values Redis 7.0 computes for the same data, so an rkv
 * node and a Redis node (a master and its replica, say) can be compared
 * directly. Gated by enable-debug-command, as in Redis 7. */
#include <string.h>

#include "commands.h"
#include "sha1.h"
#include "util.h"

/* digest ^= SHA1(data) (Redis's xorDigest). */
static void xor_digest(uint8_t digest[20], const void *data, size_t len)
{
	rkv_sha1 s;
	uint8_t h[20];

	rkv_sha1_init(&s);
	rkv_sha1_update(&s, data, len);
	rkv_sha1_final(&s, h);
	for (int i = 0; i < 20; i++)
		digest[i] ^= h[i];
}

/* digest = SHA1(digest ^ SHA1(data)) (Redis's mixDigest): order matters. */
static void mix_digest(uint8_t digest[20], const void *data, size_t len)
{
	rkv_sha1 s;

	xor_digest(digest, data, len);
	rkv_sha1_init(&s);
	rkv_sha1_update(&s, digest, 20);
	rkv_sha1_final(&s, digest);
}

static void be32(uint8_t out[4], uint32_t v)
{
	out[0] = (uint8_t)(v >> 24);
	out[1] = (uint8_t)(v >> 16);
	out[2] = (uint8_t)(v >> 8);
	out[3] = (uint8_t)v;
}

/* Redis's xorObjectDigest for a value: its type, its (decoded) content,
 * and a marker when it has a TTL (the time itself is left out, so a replica
 * whose TTLs differ by clock skew still matches). */
static void value_digest(rkv_keyspace *ks, int db, const rkv_entry *e,
			 uint8_t digest[20])
{
	char buf[RKV_LLSTR_SIZE];
	uint8_t type[4];
	size_t len;
	const char *v = rkv_entry_str(e, buf, &len);

	be32(type, e->type);
	mix_digest(digest, type, sizeof(type));
	mix_digest(digest, v, len);
	if (rkv_keyspace_get_expire(ks, db, e) != -1)
		xor_digest(digest, "!!expire!!", 10);
}

typedef struct dataset {
	rkv_keyspace *ks;
	int db;
	uint8_t final[20];
} dataset;

static void key_digest(rkv_dict_node *n, void *ud)
{
	dataset *d = ud;
	const rkv_entry *e = (const rkv_entry *)n;
	uint8_t digest[20] = {0};

	mix_digest(digest, rkv_entry_key(e), e->klen);
	value_digest(d->ks, d->db, e, digest);
	/* Folded in by xorDigest (SHA1 of it), so key order is irrelevant. */
	xor_digest(d->final, digest, sizeof(digest));
}

static void reply_hex(rkv_conn *c, const uint8_t digest[20])
{
	static const char hexd[] = "0123456789abcdef";
	char hex[40];

	for (int i = 0; i < 20; i++) {
		hex[2 * i] = hexd[digest[i] >> 4];
		hex[2 * i + 1] = hexd[digest[i] & 15];
	}
	rkv_resp_add_status(rkv_out(c), hex, sizeof(hex));
}

/* Redis's islocalClient(): loopback peers (and in-process connections,
 * which have no address, like Redis's unix-socket clients). */
static bool local_client(const rkv_conn *c)
{
	return c->addr[0] == '\0' || strncmp(c->addr, "127.", 4) == 0 ||
	       strncmp(c->addr, "[::1]", 5) == 0 ||
	       strncmp(c->addr, "::1", 3) == 0;
}

void rkv_cmd_debug(rkv_conn *c, size_t argc, const rkv_slice *argv)
{
	rkv_keyspace *ks = &c->node->ks;

	if (!(c->node->set.enable_debug == RKV_PROTECTED_YES ||
	      (c->node->set.enable_debug == RKV_PROTECTED_LOCAL &&
	       local_client(c)))) {
		rkv_resp_add_errorf(
		    rkv_out(c),
		    "DEBUG command not allowed. If the enable-debug-command "
		    "option is set to \"local\", you can run it from a local "
		    "connection, otherwise you need to set this option in the "
		    "configuration file, and then restart the server.");
		return;
	}
	if (rkv_arg_is(&argv[1], "digest") && argc == 2) {
		dataset d = {ks, 0, {0}};

		for (d.db = 0; d.db < ks->ndb; d.db++) {
			uint8_t id[4];

			if (rkv_keyspace_size(ks, d.db) == 0)
				continue;
			be32(id, (uint32_t)d.db);
			mix_digest(d.final, id, sizeof(id));
			rkv_dict_foreach(&ks->db[d.db].keys, key_digest, &d);
		}
		reply_hex(c, d.final);
	} else if (rkv_arg_is(&argv[1], "digest-value")) {
		rkv_resp_add_array(rkv_out(c), (long long)argc - 2);
		for (size_t j = 2; j < argc; j++) {
			uint8_t digest[20] = {0};
			/* Logically expired keys count too, as in Redis. */
			rkv_entry *e = rkv_keyspace_peek(
			    ks, c->db, argv[j].ptr, argv[j].len, INT64_MIN);

			if (e)
				value_digest(ks, c->db, e, digest);
			reply_hex(c, digest);
		}
	} else {
		rkv_resp_add_errorf(
		    rkv_out(c),
		    "unknown subcommand or wrong number of "
		    "arguments for '%.*s'. Try DEBUG HELP.",
		    (int)(argv[1].len > 128 ? 128 : argv[1].len), argv[1].ptr);
	}
}
