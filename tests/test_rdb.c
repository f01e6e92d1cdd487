/* Unit tests: the RDB codec (lib/rdb.c) with its CRC64 (lib/crc64.c) and
 * LZF (lib/lzf.c): check values, LZF round trips, writer/reader round
 * trips over random keyspaces fed in random chunks, and a catalog of bad
 * files with their errors. Memory is counted: every test ends with nothing
 * allocated. */
#include <check.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "crc64.h"
#include "keyspace.h"
#include "lzf.h"
#include "rdb.h"
#include "util.h"
#include "check_main.h"

static rkv_mem mem;
static rkv_rand rng;

static void setup(void)
{
	rkv_mem_init(&mem, rkv_default_allocator());
	rkv_rand_seed(&rng, 7);
}

static void teardown(void)
{
	ck_assert_uint_eq(mem.used, 0);
}

static uint64_t rnd(void)
{
	return rkv_rand_next(&rng);
}

/* ---- CRC64 ---- */

START_TEST(crc64_check_value)
{
	const char *s = "123456789";
	char big[1000];
	uint64_t whole, parts = 0;

	ck_assert(rkv_crc64(0, s, 9) == UINT64_C(0xe9c6d914c4b8d9ca));
	ck_assert(rkv_crc64(0, "", 0) == 0);
	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (char)rnd();
	whole = rkv_crc64(0, big, sizeof(big));
	/* Any split gives the same value (slice-by-8 and the byte loop agree,
	 * whatever the alignment). */
	for (size_t i = 0; i < sizeof(big);) {
		size_t n = 1 + rnd() % 23;

		if (n > sizeof(big) - i)
			n = sizeof(big) - i;
		parts = rkv_crc64(parts, big + i, n);
		i += n;
	}
	ck_assert(whole == parts);
}
END_TEST

/* ---- LZF ---- */

static void lzf_roundtrip(const char *in, size_t n, bool expect_smaller)
{
	uint32_t *htab = malloc(RKV_LZF_HSIZE * sizeof(*htab));
	size_t cap = n + n / 32 + 16;
	char *c = malloc(cap), *d = malloc(n + 1);
	size_t clen = rkv_lzf_compress(in, n, c, cap, htab);

	ck_assert_uint_gt(clen, 0);
	if (expect_smaller)
		ck_assert_uint_lt(clen, n / 2);
	ck_assert_uint_eq(rkv_lzf_decompress(c, clen, d, n), n);
	ck_assert(memcmp(in, d, n) == 0);
	/* One byte too little room for the output: refused. */
	if (n > 1)
		ck_assert_uint_eq(rkv_lzf_decompress(c, clen, d, n - 1), 0);
	/* Truncated input never decodes to the full length. */
	ck_assert_uint_ne(rkv_lzf_decompress(c, clen - 1, d, n), n);
	free(htab);
	free(c);
	free(d);
}

START_TEST(lzf_round_trips)
{
	static char buf[200000];

	for (int round = 0; round < 200; round++) {
		size_t n = 1 + rnd() % (round < 100 ? 300 : sizeof(buf));
		int kind = round % 4;

		for (size_t i = 0; i < n; i++) {
			if (kind == 0) /* random */
				buf[i] = (char)rnd();
			else if (kind == 1) /* one byte repeated */
				buf[i] = 'x';
			else if (kind == 2) /* a short pattern */
				buf[i] = "abcabd"[i % 6];
			else /* text-like: few symbols */
				buf[i] = (char)('a' + rnd() % 3);
		}
		lzf_roundtrip(buf, n, (kind == 1 || kind == 2) && n > 64);
	}
}
END_TEST

START_TEST(lzf_incompressible_refused)
{
	uint32_t *htab = malloc(RKV_LZF_HSIZE * sizeof(*htab));
	char in[1000], out[1000];

	for (size_t i = 0; i < sizeof(in); i++)
		in[i] = (char)rnd();
	/* Redis asks for at least 4 bytes saved: random data cannot. */
	ck_assert_uint_eq(
	    rkv_lzf_compress(in, sizeof(in), out, sizeof(in) - 4, htab), 0);
	ck_assert_uint_eq(rkv_lzf_compress(in, 0, out, sizeof(out), htab), 0);
	free(htab);
}
END_TEST

START_TEST(lzf_corrupt_input)
{
	char out[64];
	/* A back-reference before the start of the output. */
	const unsigned char ref_first[] = {0x20, 0x00};
	/* A literal run announcing more bytes than there are. */
	const unsigned char short_lit[] = {0x05, 'a', 'b'};
	/* A long back-reference cut after its length byte. */
	const unsigned char cut[] = {0x00, 'a', 0xE0, 0x01};

	ck_assert_uint_eq(rkv_lzf_decompress(ref_first, 2, out, 64), 0);
	ck_assert_uint_eq(rkv_lzf_decompress(short_lit, 3, out, 64), 0);
	ck_assert_uint_eq(rkv_lzf_decompress(cut, 4, out, 64), 0);
}
END_TEST

/* ---- Writer and reader ---- */

static rkv_keyspace *ks_new(void)
{
	rkv_keyspace *ks = malloc(sizeof(*ks));

	ck_assert_int_eq(rkv_keyspace_init(ks, 16, &mem.counted, &rng), 0);
	return ks;
}

static void ks_del(rkv_keyspace *ks)
{
	rkv_keyspace_free(ks);
	free(ks);
}

/* Load file[0..n) fed in chunks (chunk 0: random sizes 1..64 or large).
 * Returns the feed/finish result; *out gets the keyspace (or NULL and the
 * error in err). */
static int load(const void *file, size_t n, size_t chunk, int64_t now,
		rkv_keyspace **out, char *err)
{
	rkv_keyspace *ks = ks_new();
	rkv_rdb_reader r;
	const char *p = file;
	int rc = 0;

	rkv_rdb_reader_init(&r, ks, &mem.counted, now);
	for (size_t i = 0; i < n && rc == 0;) {
		size_t c =
		    chunk ? chunk : (rnd() % 3 ? 1 + rnd() % 64 : rnd() % 5000);

		if (c > n - i)
			c = n - i;
		rc = rkv_rdb_reader_feed(&r, p + i, c);
		i += c;
	}
	if (rc >= 0)
		rc = rkv_rdb_reader_finish(&r);
	if (err)
		snprintf(err, RKV_RDB_ERRLEN, "%s", rkv_rdb_reader_error(&r));
	rkv_rdb_reader_free(&r);
	if (rc != 0 || !out) {
		ks_del(ks);
		if (out)
			*out = NULL;
	} else {
		*out = ks;
	}
	return rc;
}

struct cmp_ctx {
	rkv_keyspace *a, *b;
	int db;
	size_t n;
};

static void cmp_one(rkv_dict_node *node, void *ud)
{
	struct cmp_ctx *c = ud;
	const rkv_entry *e = (const rkv_entry *)node, *f;
	char b1[RKV_LLSTR_SIZE], b2[RKV_LLSTR_SIZE];
	size_t l1, l2;
	const char *v1, *v2;

	f = rkv_keyspace_peek(c->b, c->db, rkv_entry_key(e), e->klen,
			      INT64_MIN);
	ck_assert_msg(f != NULL, "db %d: a key is missing", c->db);
	v1 = rkv_entry_str(e, b1, &l1);
	v2 = rkv_entry_str(f, b2, &l2);
	ck_assert_uint_eq(l1, l2);
	ck_assert(memcmp(v1, v2, l1) == 0);
	ck_assert_int_eq(e->enc, f->enc);
	ck_assert(rkv_keyspace_get_expire(c->a, c->db, e) ==
		  rkv_keyspace_get_expire(c->b, c->db, f));
	c->n++;
}

static void assert_same(rkv_keyspace *a, rkv_keyspace *b)
{
	for (int db = 0; db < a->ndb; db++) {
		struct cmp_ctx c = {a, b, db, 0};

		ck_assert_uint_eq(rkv_keyspace_size(a, db),
				  rkv_keyspace_size(b, db));
		ck_assert_uint_eq(rkv_keyspace_expires(a, db),
				  rkv_keyspace_expires(b, db));
		rkv_dict_foreach(&a->db[db].keys, cmp_one, &c);
		ck_assert_uint_eq(c.n, rkv_keyspace_size(a, db));
	}
}

static size_t random_string(char *dst, size_t max)
{
	size_t n;

	switch (rnd() % 8) {
	case 0: /* an integer, often in 32 bits */
		return rkv_ll2str(dst, rnd() % 2
					   ? (long long)(rnd() % 70000) - 35000
					   : (long long)rnd());
	case 1: /* empty */
		return 0;
	case 2: { /* long and compressible */
		n = 21 + rnd() % (max - 21);
		for (size_t i = 0; i < n; i++)
			dst[i] = "hello world "[i % 12];
		return n;
	}
	case 3: /* long and random */
		n = 21 + rnd() % (max - 21);
		for (size_t i = 0; i < n; i++)
			dst[i] = (char)rnd();
		return n;
	case 4: /* 16..25 bytes, around the LZF threshold */
		n = 16 + rnd() % 10;
		for (size_t i = 0; i < n; i++)
			dst[i] = (char)('a' + rnd() % 2);
		return n;
	case 5: /* a number-looking string that is not canonical */
		dst[0] = '0';
		return 1 + rkv_ll2str(dst + 1, (long long)(rnd() % 1000));
	default: /* short binary */
		n = rnd() % 12;
		for (size_t i = 0; i < n; i++)
			dst[i] = (char)rnd();
		return n;
	}
}

static void random_keyspace(rkv_keyspace *ks, int nkeys, int64_t now)
{
	static char k[300], v[20000];

	for (int i = 0; i < nkeys; i++) {
		int db = (int)(rnd() % 16);
		size_t kl = random_string(k, sizeof(k)),
		       vl = random_string(v, sizeof(v));
		rkv_entry *e;

		ck_assert_int_eq(
		    rkv_keyspace_set(ks, db, k, kl, v, vl, false, now, &e), 0);
		if (rnd() % 3 == 0)
			ck_assert_int_eq(
			    rkv_keyspace_set_expire(
				ks, db, e,
				now + 1 + (int64_t)(rnd() % 1000000)),
			    0);
	}
}

START_TEST(round_trip_random_keyspaces)
{
	const int64_t now = 1700000000000;

	for (int round = 0; round < 40; round++) {
		rkv_keyspace *ks = ks_new(), *back;
		rkv_buf out;
		char err[RKV_RDB_ERRLEN];
		bool compression = round % 4 != 1, checksum = round % 4 != 2;
		rkv_rdb_aux aux = {.ctime = now / 1000, .used_mem = 12345};

		random_keyspace(ks, round == 0 ? 0 : (int)(rnd() % 400), now);
		rkv_buf_init(&out, &mem.counted);
		ck_assert_int_eq(rkv_rdb_dump_keyspace(ks, &out, &mem.counted,
						       compression, checksum,
						       &aux),
				 0);
		/* Whole, by single bytes, and in random chunks. */
		for (int mode = 0; mode < 3; mode++) {
			size_t chunk = mode == 0 ? out.len : mode == 1 ? 1 : 0;

			ck_assert_msg(load(rkv_buf_head(&out), out.len, chunk,
					   now, &back, err) == 0,
				      "round %d: %s", round, err);
			assert_same(ks, back);
			ks_del(back);
		}
		rkv_buf_free(&out);
		ks_del(ks);
	}
}
END_TEST

/* The header as redis-server 7.0.15 wrote it (SAVE with ctime 0x6b071df0
 * and used-mem 939600). */
static const unsigned char redis_header[] = {
    0x52, 0x45, 0x44, 0x49, 0x53, 0x30, 0x30, 0x31, 0x30, 0xfa, 0x09, 0x72,
    0x65, 0x64, 0x69, 0x73, 0x2d, 0x76, 0x65, 0x72, 0x06, 0x37, 0x2e, 0x30,
    0x2e, 0x31, 0x35, 0xfa, 0x0a, 0x72, 0x65, 0x64, 0x69, 0x73, 0x2d, 0x62,
    0x69, 0x74, 0x73, 0xc0, 0x40, 0xfa, 0x05, 0x63, 0x74, 0x69, 0x6d, 0x65,
    0xc2, 0xf0, 0x1d, 0x07, 0x6b, 0xfa, 0x08, 0x75, 0x73, 0x65, 0x64, 0x2d,
    0x6d, 0x65, 0x6d, 0xc2, 0x50, 0x56, 0x0e, 0x00, 0xfa, 0x08, 0x61, 0x6f,
    0x66, 0x2d, 0x62, 0x61, 0x73, 0x65, 0xc0, 0x00};

START_TEST(writer_bytes_as_redis)
{
	rkv_buf out;
	rkv_rdb_writer w;
	rkv_rdb_aux aux = {.ctime = 0x6b071df0, .used_mem = 0x0e5650};
	/* SELECTDB 0, RESIZEDB 3 1, then "c" with its expiry, "a" = 12345
	 * (int16), "n" = 3000000000 (raw: over 32 bits), EOF. */
	const unsigned char body[] = {
	    0xfe, 0x00, 0xfb, 0x03, 0x01, 0xfc, 0xd4, 0x7a, 0xce, 0x13, 0xa2,
	    0x01, 0x00, 0x00, 0x00, 0x01, 0x63, 0x05, 'h',  'e',  'l',	'l',
	    'o',  0x00, 0x01, 0x61, 0xc1, 0x39, 0x30, 0x00, 0x01, 'n',	0x0a,
	    '3',  '0',	'0',  '0',  '0',  '0',	'0',  '0',  '0',  '0',	0xff};
	uint64_t crc;

	rkv_buf_init(&out, &mem.counted);
	ck_assert_int_eq(
	    rkv_rdb_writer_begin(&w, &out, &mem.counted, true, true, &aux), 0);
	ck_assert_uint_eq(out.len, sizeof(redis_header));
	ck_assert(memcmp(out.data, redis_header, sizeof(redis_header)) == 0);
	rkv_rdb_write_select(&w, 0, 3, 1);
	rkv_rdb_write_string(&w, "c", 1, "hello", 5, 0x1a213ce7ad4);
	rkv_rdb_write_string(&w, "a", 1, "12345", 5, -1);
	rkv_rdb_write_string(&w, "n", 1, "3000000000", 10, -1);
	ck_assert_int_eq(rkv_rdb_writer_end(&w), 0);
	ck_assert_uint_eq(out.len, sizeof(redis_header) + sizeof(body) + 8);
	ck_assert(memcmp(out.data + sizeof(redis_header), body, sizeof(body)) ==
		  0);
	crc = rkv_crc64(0, out.data, out.len - 8);
	for (int i = 0; i < 8; i++)
		ck_assert_uint_eq((unsigned char)out.data[out.len - 8 + i],
				  (crc >> (8 * i)) & 0xff);
	rkv_buf_free(&out);
}
END_TEST

START_TEST(writer_repl_info_and_lengths)
{
	rkv_buf out;
	rkv_rdb_writer w;
	rkv_rdb_aux aux = {.repl_info = true,
			   .repl_stream_db = 3,
			   .repl_id =
			       "0123456789abcdef0123456789abcdef01234567",
			   .repl_offset = 99};
	rkv_keyspace *back;
	rkv_rdb_reader r;
	static char big[70000];

	memset(big, 'q', sizeof(big));
	rkv_buf_init(&out, &mem.counted);
	rkv_rdb_writer_begin(&w, &out, &mem.counted, false, true, &aux);
	rkv_rdb_write_select(&w, 15, 3, 0);
	/* 6-bit, 14-bit and 32-bit lengths. */
	rkv_rdb_write_string(&w, "k1", 2, big, 63, -1);
	rkv_rdb_write_string(&w, "k2", 2, big, 16383, -1);
	rkv_rdb_write_string(&w, "k3", 2, big, sizeof(big), -1);
	ck_assert_int_eq(rkv_rdb_writer_end(&w), 0);

	back = ks_new();
	rkv_rdb_reader_init(&r, back, &mem.counted, 0);
	ck_assert_int_eq(rkv_rdb_reader_feed(&r, out.data, out.len), 1);
	ck_assert_int_eq(rkv_rdb_reader_finish(&r), 0);
	ck_assert_str_eq(r.redis_ver, "7.0.15");
	ck_assert_int_eq(r.repl_stream_db, 3);
	ck_assert_str_eq(r.repl_id, "0123456789abcdef0123456789abcdef01234567");
	ck_assert_int_eq(r.repl_offset, 99);
	ck_assert(r.checksum_checked);
	ck_assert_uint_eq(rkv_keyspace_size(back, 15), 3);
	ck_assert_uint_eq(r.keys_loaded, 3);
	/* Feeding after the end changes nothing; trailing bytes ignored. */
	ck_assert_int_eq(rkv_rdb_reader_feed(&r, "junk", 4), 1);
	rkv_rdb_reader_free(&r);
	ks_del(back);
	rkv_buf_free(&out);
}
END_TEST

/* Redis's rule: LZF only for strings over 20 bytes with compression on,
 * and only when it saves at least 4 bytes; else the string is raw. */
START_TEST(writer_lzf_rule)
{
	uint32_t *htab = malloc(RKV_LZF_HSIZE * sizeof(*htab));
	int chose_lzf = 0, chose_raw = 0;

	for (int round = 0; round < 2000; round++) {
		char val[80], c[200];
		size_t n = 5 + rnd() % 59, clen, off; /* 6-bit lengths */
		rkv_buf out;
		rkv_rdb_writer w;
		bool compression = rnd() % 4 != 0;

		/* Few symbols: some compress by less than 4 bytes. */
		for (size_t i = 0; i < n; i++)
			val[i] = (char)('a' + rnd() % (1 + round % 6));
		clen = rkv_lzf_compress(val, n, c, sizeof(c), htab);
		rkv_buf_init(&out, &mem.counted);
		rkv_rdb_writer_begin(&w, &out, &mem.counted, compression, true,
				     NULL);
		off = out.len;
		rkv_rdb_write_string(&w, "k", 1, val, n, -1);
		rkv_rdb_writer_end(&w);
		/* type, "k" (2 bytes), then the value. */
		off += 3;
		if (compression && n > 20 && clen + 4 <= n) {
			ck_assert_uint_eq((unsigned char)out.data[off], 0xC3);
			ck_assert_uint_eq((unsigned char)out.data[off + 1],
					  clen);
			ck_assert_uint_eq((unsigned char)out.data[off + 2], n);
			ck_assert(memcmp(out.data + off + 3, c, clen) == 0);
			chose_lzf++;
		} else {
			ck_assert_uint_eq((unsigned char)out.data[off], n);
			ck_assert(memcmp(out.data + off + 1, val, n) == 0);
			chose_raw++;
		}
		rkv_buf_free(&out);
	}
	ck_assert_int_gt(chose_lzf, 100);
	ck_assert_int_gt(chose_raw, 100);
	free(htab);
}
END_TEST

/* Random damage to valid files (bytes changed, inserted, removed, cut
 * short), with the checksum fixed up so that the parser itself meets the
 * damage: every outcome is a load or an error, never a crash, and nothing
 * leaks (the fixture counts, valgrind checks). */
START_TEST(damaged_files_never_crash)
{
	const int64_t now = 1700000000000;
	static unsigned char buf[1 << 16];
	int ok = 0, bad = 0;

	for (int round = 0; round < 300; round++) {
		rkv_keyspace *ks = ks_new(), *back;
		rkv_buf out;
		char err[RKV_RDB_ERRLEN];
		size_t n;

		random_keyspace(ks, 1 + (int)(rnd() % 20), now);
		rkv_buf_init(&out, &mem.counted);
		rkv_rdb_dump_keyspace(ks, &out, &mem.counted, true, true, NULL);
		ks_del(ks);
		n = out.len < sizeof(buf) ? out.len : sizeof(buf);
		memcpy(buf, out.data, n);
		rkv_buf_free(&out);
		for (int k = 1 + (int)(rnd() % 4); k > 0 && n > 10; k--) {
			size_t at = 9 + rnd() % (n - 9 - 8);

			switch (rnd() % 4) {
			case 0:
				buf[at] = (unsigned char)rnd();
				break;
			case 1:
				buf[at] ^= (unsigned char)(1u << (rnd() % 8));
				break;
			case 2:
				memmove(buf + at, buf + at + 1, n - at - 1);
				n--;
				break;
			default:
				if (n < sizeof(buf)) {
					memmove(buf + at + 1, buf + at, n - at);
					buf[at] = (unsigned char)rnd();
					n++;
				}
			}
		}
		if (rnd() % 5 == 0)
			n = 9 + rnd() % (n - 9);
		if (rnd() % 2 && n > 8) { /* a checksum that matches */
			uint64_t crc = rkv_crc64(0, buf, n - 8);

			for (int i = 0; i < 8; i++)
				buf[n - 8 + i] =
				    (unsigned char)(crc >> (8 * i));
		}
		if (load(buf, n, 0, now, &back, err) == 0) {
			ks_del(back);
			ok++;
		} else {
			ck_assert(err[0] != '\0');
			bad++;
		}
	}
	ck_assert_int_gt(bad, 100);
	(void)ok;
}
END_TEST

/* ---- Hand-made files ---- */

typedef struct file {
	unsigned char b[4096];
	size_t n;
} file;

static void f_add(file *f, const void *p, size_t n)
{
	memcpy(f->b + f->n, p, n);
	f->n += n;
}

#define F_BYTES(f, ...)                                                        \
	do {                                                                   \
		const unsigned char x_[] = {__VA_ARGS__};                      \
		f_add(f, x_, sizeof(x_));                                      \
	} while (0)

static void f_begin(file *f, const char *magic)
{
	f->n = 0;
	f_add(f, magic, 9);
}

/* EOF and a correct checksum. */
static void f_end(file *f)
{
	uint64_t crc;

	F_BYTES(f, 0xff);
	crc = rkv_crc64(0, f->b, f->n);
	for (int i = 0; i < 8; i++)
		F_BYTES(f, (unsigned char)(crc >> (8 * i)));
}

static void expect_error(const file *f, const char *msg)
{
	char err[RKV_RDB_ERRLEN];

	/* Whole, and byte by byte: the same error either way. */
	for (int mode = 0; mode < 2; mode++) {
		int rc = load(f->b, f->n, mode ? 1 : f->n, 0, NULL, err);

		ck_assert_int_eq(rc, RKV_ERR_PROTO);
		ck_assert_str_eq(err, msg);
	}
}

START_TEST(old_versions_and_opcodes)
{
	file f;
	rkv_keyspace *ks;
	rkv_entry *e;
	char err[RKV_RDB_ERRLEN];

	/* Version 3: EXPIRETIME in seconds, no checksum, no AUX. */
	f_begin(&f, "REDIS0003");
	F_BYTES(&f, 0xfe, 0x01, 0xfd, 0x00, 0x00, 0x00, 0x70, 0x00, 0x01, 'k',
		0x01, 'v', 0x00, 0x01, 'j', 0xc0, 0xfe, 0xff);
	ck_assert_int_eq(load(f.b, f.n, 1, 0, &ks, err), 0);
	e = rkv_keyspace_peek(ks, 1, "k", 1, INT64_MIN);
	ck_assert_ptr_nonnull(e);
	ck_assert(rkv_keyspace_get_expire(ks, 1, e) == 0x70000000ll * 1000);
	e = rkv_keyspace_peek(ks, 1, "j", 1, INT64_MIN);
	ck_assert_int_eq(rkv_entry_int(e), -2);
	ks_del(ks);

	/* Version 9 with FREQ, IDLE, an unknown AUX field, a zero checksum
	 * (not checked), and keys expired at load time skipped. */
	f_begin(&f, "REDIS0009");
	F_BYTES(&f, 0xfa, 0x03, 'f', 'o', 'o', 0x03, 'b', 'a', 'r', 0xfe, 0x00,
		0xfb, 0x02, 0x01, 0xf9, 0x05, 0x00, 0x01, 'a', 0x01, 'x', 0xf8,
		0x40, 0x80, 0x00, 0x01, 'b', 0x01, 'y',
		/* expires at 1000 ms: before now (2000), skipped */
		0xfc, 0xe8, 0x03, 0, 0, 0, 0, 0, 0, 0x00, 0x01, 'c', 0x01, 'z',
		/* expires at 2000 ms: not before now, kept */
		0xfc, 0xd0, 0x07, 0, 0, 0, 0, 0, 0, 0x00, 0x01, 'd', 0x01, 'w',
		0xff, 0, 0, 0, 0, 0, 0, 0, 0);
	ck_assert_int_eq(load(f.b, f.n, 0, 2000, &ks, err), 0);
	ck_assert_uint_eq(rkv_keyspace_size(ks, 0), 3);
	ck_assert_ptr_null(rkv_keyspace_peek(ks, 0, "c", 1, INT64_MIN));
	ck_assert_ptr_nonnull(rkv_keyspace_peek(ks, 0, "d", 1, INT64_MIN));
	ks_del(ks);
}
END_TEST

START_TEST(bad_file_catalog)
{
	file f, good;
	char msg[RKV_RDB_ERRLEN];
	uint64_t crc;

	/* 1. Bad magic. */
	f_begin(&f, "REDIX0010");
	f_end(&f);
	expect_error(&f, "Wrong signature trying to load DB from file");

	/* 2. A version from the future. */
	f_begin(&f, "REDIS0011");
	f_end(&f);
	expect_error(&f, "Can't handle RDB format version 11");
	f_begin(&f, "REDIS0000");
	f_end(&f);
	expect_error(&f, "Can't handle RDB format version 0");

	/* 3. Truncated at every point of a small file. */
	f_begin(&good, "REDIS0010");
	F_BYTES(&good, 0xfa, 0x09, 'r', 'e', 'd', 'i', 's', '-', 'v', 'e', 'r',
		0x06, '7', '.', '0', '.', '1', '5', 0xfe, 0x02, 0xfb, 0x02,
		0x01, 0xfc, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x0f,
		0x00, 0x01, 'a', 0xc2, 1, 2, 3, 4, 0x00, 0xc3, 0x05, 0x1b, 0x00,
		0x63, 0xe0, 0x11, 0x00, 0x01, 'x');
	f_end(&good);
	{
		rkv_keyspace *ks;

		ck_assert_msg(load(good.b, good.n, 1, 0, &ks, msg) == 0, "%s",
			      msg);
		ks_del(ks);
	}
	for (size_t cut = 0; cut < good.n; cut++) {
		int rc = load(good.b, cut, cut % 2 ? 1 : good.n, 0, NULL, msg);

		ck_assert_int_eq(rc, RKV_ERR_PROTO);
		ck_assert_str_eq(msg, "Short read or OOM loading DB. "
				      "Unrecoverable error, aborting now.");
	}

	/* 4. A wrong checksum. */
	f = good;
	f.b[f.n - 1] ^= 0x40;
	crc = rkv_crc64(0, good.b, good.n - 8);
	snprintf(msg, sizeof(msg),
		 "Wrong RDB checksum expected: (%llx) got (%llx). Aborting "
		 "now.",
		 (unsigned long long)crc,
		 (unsigned long long)(crc ^ (UINT64_C(0x40) << 56)));
	expect_error(&f, msg);
	/* A flipped body byte is caught by the checksum too. */
	f = good;
	f.b[13] ^= 1; /* in "redis-ver" */
	load(f.b, f.n, f.n, 0, NULL, msg);
	ck_assert(strncmp(msg, "Wrong RDB checksum expected", 27) == 0);

	/* 5. An unknown opcode. */
	f_begin(&f, "REDIS0010");
	F_BYTES(&f, 0xfe, 0x00, 0xf0);
	f_end(&f);
	expect_error(&f, "RDB: unknown opcode or value type 240 at offset 11");

	/* 6. Unsupported value types. */
	f_begin(&f, "REDIS0010");
	F_BYTES(&f, 0xfe, 0x00, 0x00, 0x01, 'a', 0x01, 'b', 0x04, 0x01, 'h',
		0x01, 0x01, 'f', 0x01, 'v');
	f_end(&f);
	expect_error(&f, "RDB: unsupported value type 4 (hash) at offset 16");
	f_begin(&f, "REDIS0010");
	F_BYTES(&f, 0x12, 0x01, 'l');
	f_end(&f);
	expect_error(&f, "RDB: unsupported value type 18 (list-quicklist-2) "
			 "at offset 9");

	/* 7. A bad length encoding. */
	f_begin(&f, "REDIS0010");
	F_BYTES(&f, 0x00, 0x82, 0, 0, 0, 0);
	f_end(&f);
	expect_error(
	    &f, "Unknown length encoding 130 in rdbLoadLen() at offset 10");
	/* An unknown string encoding. */
	f_begin(&f, "REDIS0010");
	F_BYTES(&f, 0x00, 0xc4, 0x01, 'v');
	f_end(&f);
	expect_error(&f, "Unknown RDB string encoding type 4 at offset 10");

	/* 8. LZF data that does not decompress to the announced length. */
	f_begin(&f, "REDIS0010");
	F_BYTES(&f, 0x00, 0x01, 'k', 0xc3, 0x05, 0x1c, 0x00, 0x63, 0xe0, 0x11,
		0x00);
	f_end(&f);
	expect_error(&f, "Invalid LZF compressed string at offset 12");
	f_begin(&f, "REDIS0010");
	F_BYTES(&f, 0x00, 0x01, 'k', 0xc3, 0x02, 0x05, 0x20, 0x00);
	f_end(&f);
	expect_error(&f, "Invalid LZF compressed string at offset 12");

	/* More than LZF can expand to (88 times): refused unallocated. */
	f_begin(&f, "REDIS0010");
	F_BYTES(&f, 0x00, 0x01, 'k', 0xc3, 0x02, 0x80, 0x00, 0x01, 0x00, 0x00,
		0x00, 'a');
	f_end(&f);
	expect_error(&f, "Invalid LZF compressed string at offset 12");

	/* 9. Lengths over the limit (no allocation is attempted). */
	f_begin(&f, "REDIS0010");
	F_BYTES(&f, 0x00, 0x81, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff);
	f_end(&f);
	expect_error(&f, "RDB: string length 9223372036854775807 at offset 10 "
			 "exceeds the limit (536870912)");
	f_begin(&f, "REDIS0010");
	F_BYTES(&f, 0x00, 0x01, 'k', 0xc3, 0x01, 0x80, 0xff, 0xff, 0xff, 0xff,
		0x00);
	f_end(&f);
	expect_error(&f, "RDB: LZF string of length 4294967295 (compressed 1) "
			 "at offset 12 exceeds the limit (536870912)");

	/* 10. Module data and functions. */
	f_begin(&f, "REDIS0010");
	F_BYTES(&f, 0xf7, 0x01);
	f_end(&f);
	expect_error(&f, "RDB: module auxiliary data (opcode 247) at offset 9: "
			 "modules are not supported");
	f_begin(&f, "REDIS0010");
	F_BYTES(&f, 0xf5, 0x01, 'x');
	f_end(&f);
	expect_error(&f, "RDB: function library (opcode 245) at offset 9: "
			 "functions are not supported");

	/* 11. A database beyond the configured ones. */
	f_begin(&f, "REDIS0010");
	F_BYTES(&f, 0xfe, 0x10);
	f_end(&f);
	expect_error(&f, "FATAL: Data file was created with a Redis server "
			 "configured to handle more than 16 databases. "
			 "Exiting");

	/* 12. A duplicated key. */
	f_begin(&f, "REDIS0010");
	F_BYTES(&f, 0xfe, 0x03, 0x00, 0x02, 'k', 0x01, 0x01, 'v', 0x00, 0x02,
		'k', 0x01, 0x01, 'w');
	f_end(&f);
	expect_error(&f, "RDB has duplicated key 'k?' in DB 3 (at offset 17)");
}
END_TEST

START_TEST(failed_load_leaves_no_keys_behind)
{
	/* A file that fails late: the caller's keyspace was never touched
	 * (the reader filled its own), and nothing leaks. */
	rkv_keyspace *live = ks_new(), *scratch = ks_new();
	rkv_rdb_reader r;
	file f;

	ck_assert_int_eq(
	    rkv_keyspace_set(live, 0, "x", 1, "1", 1, false, 0, NULL), 0);
	f_begin(&f, "REDIS0010");
	F_BYTES(&f, 0x00, 0x01, 'a', 0x01, 'b', 0x00, 0x01, 'c', 0x01, 'd',
		0x04);
	f_end(&f);
	rkv_rdb_reader_init(&r, scratch, &mem.counted, 0);
	ck_assert_int_eq(rkv_rdb_reader_feed(&r, f.b, f.n), RKV_ERR_PROTO);
	/* Errors stick. */
	ck_assert_int_eq(rkv_rdb_reader_feed(&r, f.b, f.n), RKV_ERR_PROTO);
	ck_assert_int_eq(rkv_rdb_reader_finish(&r), RKV_ERR_PROTO);
	ck_assert_uint_eq(r.keys_loaded, 2);
	rkv_rdb_reader_free(&r);
	ks_del(scratch);
	ck_assert_uint_eq(rkv_keyspace_size(live, 0), 1);
	ks_del(live);
}
END_TEST

static Suite *rdb_suite(void)
{
	Suite *s = suite_create("rdb");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, crc64_check_value);
	tcase_add_test(tc, lzf_round_trips);
	tcase_add_test(tc, lzf_incompressible_refused);
	tcase_add_test(tc, lzf_corrupt_input);
	tcase_add_test(tc, round_trip_random_keyspaces);
	tcase_add_test(tc, writer_bytes_as_redis);
	tcase_add_test(tc, writer_repl_info_and_lengths);
	tcase_add_test(tc, writer_lzf_rule);
	tcase_add_test(tc, damaged_files_never_crash);
	tcase_add_test(tc, old_versions_and_opcodes);
	tcase_add_test(tc, bad_file_catalog);
	tcase_add_test(tc, failed_load_leaves_no_keys_behind);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return rkv_test_run(rdb_suite());
}
