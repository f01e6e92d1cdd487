/* RDB writer and streaming reader: see rdb.h and docs/rdb.md. */
#include "rdb.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "crc64.h"
#include "util.h"

#define SHORT_READ_MSG                                                         \
	"Short read or OOM loading DB. Unrecoverable error, aborting now."

/* ---- Writer ---- */

static void put(rkv_rdb_writer *w, const void *p, size_t n)
{
	w->crc = rkv_crc64(w->crc, p, n);
	w->written += n;
	rkv_buf_append(w->out, p, n);
}

static void put_byte(rkv_rdb_writer *w, unsigned char b)
{
	put(w, &b, 1);
}

/* rdbSaveLen: 6 bits, 14 bits, 32 bits or 64 bits, big-endian. */
static void put_len(rkv_rdb_writer *w, uint64_t len)
{
	unsigned char b[9];

	if (len < (1 << 6)) {
		b[0] = (unsigned char)len;
		put(w, b, 1);
	} else if (len < (1 << 14)) {
		b[0] = (unsigned char)(0x40 | len >> 8);
		b[1] = (unsigned char)len;
		put(w, b, 2);
	} else if (len <= UINT32_MAX) {
		b[0] = 0x80;
		for (int i = 0; i < 4; i++)
			b[1 + i] = (unsigned char)(len >> (24 - 8 * i));
		put(w, b, 5);
	} else {
		b[0] = 0x81;
		for (int i = 0; i < 8; i++)
			b[1 + i] = (unsigned char)(len >> (56 - 8 * i));
		put(w, b, 9);
	}
}

/* rdbEncodeInteger: the 8, 16 or 32 bit encodings. Returns the bytes
 * written to b, 0 when v needs more than 32 bits. */
static size_t encode_int(long long v, unsigned char b[5])
{
	if (v >= -(1 << 7) && v <= (1 << 7) - 1) {
		b[0] = 0xC0;
		b[1] = (unsigned char)(v & 0xff);
		return 2;
	}
	if (v >= -(1 << 15) && v <= (1 << 15) - 1) {
		b[0] = 0xC1;
		b[1] = (unsigned char)(v & 0xff);
		b[2] = (unsigned char)((v >> 8) & 0xff);
		return 3;
	}
	if (v >= -(1ll << 31) && v <= (1ll << 31) - 1) {
		b[0] = 0xC2;
		for (int i = 0; i < 4; i++)
			b[1 + i] = (unsigned char)((v >> (8 * i)) & 0xff);
		return 5;
	}
	return 0;
}

/* rdbSaveLzfStringObject: compress only when it saves at least 4 bytes.
 * Returns false (nothing written) when it does not pay or memory is
 * short; the caller then writes the string raw. */
static bool put_lzf(rkv_rdb_writer *w, const char *s, size_t len)
{
	size_t clen;

	if (len <= 4)
		return false;
	if (!w->htab) {
		w->htab =
		    rkv_malloc(w->alloc, RKV_LZF_HSIZE * sizeof(*w->htab));
		if (!w->htab)
			return false;
	}
	if (w->scratch_cap < len - 4) {
		char *p = rkv_realloc(w->alloc, w->scratch, len - 4);

		if (!p)
			return false;
		w->scratch = p;
		w->scratch_cap = len - 4;
	}
	clen = rkv_lzf_compress(s, len, w->scratch, len - 4, w->htab);
	if (clen == 0)
		return false;
	put_byte(w, 0xC3);
	put_len(w, clen);
	put_len(w, len);
	put(w, w->scratch, clen);
	return true;
}

/* rdbSaveRawString. */
static void put_string(rkv_rdb_writer *w, const char *s, size_t len)
{
	long long v;
	unsigned char b[5];
	size_t n;

	/* rdbTryIntegerEncoding: a canonical integer (rkv_string2ll is as
	 * strict as Redis's string2ll plus its round-trip check). */
	if (len <= 11 && rkv_string2ll(s, len, &v) &&
	    (n = encode_int(v, b)) > 0) {
		put(w, b, n);
		return;
	}
	/* Under 21 bytes LZF cannot win 4 bytes: Redis does not try. */
	if (w->compression && len > 20 && put_lzf(w, s, len))
		return;
	put_len(w, len);
	put(w, s, len);
}

static void put_aux_str(rkv_rdb_writer *w, const char *key, const char *val)
{
	put_byte(w, RKV_RDB_OPCODE_AUX);
	put_string(w, key, strlen(key));
	put_string(w, val, strlen(val));
}

static void put_aux_int(rkv_rdb_writer *w, const char *key, long long v)
{
	char buf[RKV_LLSTR_SIZE + 1];

	buf[rkv_ll2str(buf, v)] = '\0';
	put_aux_str(w, key, buf);
}

static int writer_status(rkv_rdb_writer *w)
{
	return w->out->oom ? RKV_ERR_NOMEM : 0;
}

int rkv_rdb_writer_begin(rkv_rdb_writer *w, rkv_buf *out,
			 const rkv_allocator *alloc, bool compression,
			 bool checksum, const rkv_rdb_aux *aux)
{
	static const rkv_rdb_aux none = {0};
	char magic[10];

	memset(w, 0, sizeof(*w));
	w->out = out;
	w->alloc = alloc;
	w->compression = compression;
	w->checksum = checksum;
	if (!aux)
		aux = &none;
	snprintf(magic, sizeof(magic), "REDIS%04d", RKV_RDB_VERSION);
	put(w, magic, 9);
	put_aux_str(w, "redis-ver",
		    aux->redis_ver ? aux->redis_ver : RKV_RDB_REDIS_VER);
	put_aux_int(w, "redis-bits", sizeof(void *) == 8 ? 64 : 32);
	put_aux_int(w, "ctime", aux->ctime);
	put_aux_int(w, "used-mem", aux->used_mem);
	if (aux->repl_info) {
		put_aux_int(w, "repl-stream-db", aux->repl_stream_db);
		put_aux_str(w, "repl-id", aux->repl_id ? aux->repl_id : "");
		put_aux_int(w, "repl-offset", aux->repl_offset);
	}
	put_aux_int(w, "aof-base", aux->aof_base ? 1 : 0);
	return writer_status(w);
}

int rkv_rdb_write_select(rkv_rdb_writer *w, int db, size_t size, size_t expires)
{
	put_byte(w, RKV_RDB_OPCODE_SELECTDB);
	put_len(w, (uint64_t)db);
	put_byte(w, RKV_RDB_OPCODE_RESIZEDB);
	put_len(w, size);
	put_len(w, expires);
	return writer_status(w);
}

int rkv_rdb_write_string(rkv_rdb_writer *w, const char *key, size_t klen,
			 const char *val, size_t vlen, int64_t expire_ms)
{
	if (expire_ms != -1) {
		unsigned char b[8];

		for (int i = 0; i < 8; i++)
			b[i] = (unsigned char)((uint64_t)expire_ms >> (8 * i));
		put_byte(w, RKV_RDB_OPCODE_EXPIRETIME_MS);
		put(w, b, 8);
	}
	put_byte(w, RKV_RDB_TYPE_STRING);
	put_string(w, key, klen);
	put_string(w, val, vlen);
	return writer_status(w);
}

int rkv_rdb_write_entry(rkv_rdb_writer *w, rkv_keyspace *ks, int db,
			const rkv_entry *e)
{
	char buf[RKV_LLSTR_SIZE];
	size_t vlen;
	const char *v = rkv_entry_str(e, buf, &vlen);

	/* An integer-encoded value (Redis's OBJ_ENCODING_INT) is saved by
	 * rdbSaveLongLongAsStringObject: 32-bit encodings or the decimal
	 * form raw. That is exactly what rdbSaveRawString makes of its
	 * (canonical, at most 20 bytes) decimal form. */
	return rkv_rdb_write_string(w, rkv_entry_key(e), e->klen, v, vlen,
				    rkv_keyspace_get_expire(ks, db, e));
}

void rkv_rdb_writer_free(rkv_rdb_writer *w)
{
	rkv_free(w->alloc, w->htab);
	rkv_free(w->alloc, w->scratch);
	w->htab = NULL;
	w->scratch = NULL;
	w->scratch_cap = 0;
}

int rkv_rdb_writer_end(rkv_rdb_writer *w)
{
	unsigned char b[8];
	uint64_t crc;

	put_byte(w, RKV_RDB_OPCODE_EOF);
	crc = w->checksum ? w->crc : 0;
	for (int i = 0; i < 8; i++)
		b[i] = (unsigned char)(crc >> (8 * i));
	put(w, b, 8);
	rkv_rdb_writer_free(w);
	return writer_status(w);
}

struct dump_ctx {
	rkv_rdb_writer *w;
	rkv_keyspace *ks;
	int db;
};

static void dump_one(rkv_dict_node *n, void *ud)
{
	struct dump_ctx *d = ud;

	rkv_rdb_write_entry(d->w, d->ks, d->db, (const rkv_entry *)n);
}

int rkv_rdb_dump_keyspace(rkv_keyspace *ks, rkv_buf *out,
			  const rkv_allocator *alloc, bool compression,
			  bool checksum, const rkv_rdb_aux *aux)
{
	rkv_rdb_writer w;
	struct dump_ctx d = {&w, ks, 0};

	rkv_rdb_writer_begin(&w, out, alloc, compression, checksum, aux);
	for (d.db = 0; d.db < ks->ndb; d.db++) {
		if (rkv_keyspace_size(ks, d.db) == 0)
			continue;
		rkv_rdb_write_select(&w, d.db, rkv_keyspace_size(ks, d.db),
				     rkv_keyspace_expires(ks, d.db));
		rkv_dict_foreach(&ks->db[d.db].keys, dump_one, &d);
	}
	return rkv_rdb_writer_end(&w);
}

/* ---- Reader ---- */

enum { ST_HEADER, ST_BODY, ST_CHECKSUM, ST_DONE, ST_ERROR };

/* Parsing outcomes. */
enum { P_ERR = -1, P_MORE = 0, P_OK = 1 };

/* A view of the unparsed input. A record is parsed from its first byte
 * each time: on P_MORE nothing was done, and `need` tells how many bytes
 * (from the record's start) the parse will want at least. */
typedef struct cursor {
	const unsigned char *p;
	size_t n;
	size_t pos;
	size_t need;
} cursor;

#define GCC_FORMAT(a, b) __attribute__((format(printf, a, b)))

static int fail(rkv_rdb_reader *r, int code, const char *fmt, ...)
    GCC_FORMAT(3, 4);

static int fail(rkv_rdb_reader *r, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->errmsg, sizeof(r->errmsg), fmt, ap);
	va_end(ap);
	r->err = code;
	r->state = ST_ERROR;
	return P_ERR;
}

static bool have(cursor *c, size_t n)
{
	if (c->n - c->pos >= n)
		return true;
	c->need = c->pos + n;
	return false;
}

static int get_bytes(cursor *c, size_t n, const unsigned char **out)
{
	if (!have(c, n))
		return P_MORE;
	*out = c->p + c->pos;
	c->pos += n;
	return P_OK;
}

static int get_byte(cursor *c, unsigned *b)
{
	if (!have(c, 1))
		return P_MORE;
	*b = c->p[c->pos++];
	return P_OK;
}

static uint64_t le(const unsigned char *p, int n)
{
	uint64_t v = 0;

	for (int i = n - 1; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static uint64_t be(const unsigned char *p, int n)
{
	uint64_t v = 0;

	for (int i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

/* rdbLoadLen. *encoded (may be NULL) tells a special string encoding
 * (11xxxxxx), whose 6-bit type is then *v. */
static int get_len(rkv_rdb_reader *r, cursor *c, uint64_t *v, bool *encoded,
		   uint64_t at)
{
	unsigned b, b2;
	const unsigned char *p;
	int rc;

	if (encoded)
		*encoded = false;
	if ((rc = get_byte(c, &b)) != P_OK)
		return rc;
	switch (b >> 6) {
	case 0:
		*v = b & 0x3f;
		return P_OK;
	case 1:
		if ((rc = get_byte(c, &b2)) != P_OK)
			return rc;
		*v = (uint64_t)(b & 0x3f) << 8 | b2;
		return P_OK;
	case 2:
		if (b == 0x80) {
			if ((rc = get_bytes(c, 4, &p)) != P_OK)
				return rc;
			*v = be(p, 4);
			return P_OK;
		}
		if (b == 0x81) {
			if ((rc = get_bytes(c, 8, &p)) != P_OK)
				return rc;
			*v = be(p, 8);
			return P_OK;
		}
		return fail(r, RKV_ERR_PROTO,
			    "Unknown length encoding %u in rdbLoadLen() at "
			    "offset %llu",
			    b, (unsigned long long)(at + c->pos - 1));
	default:
		if (encoded)
			*encoded = true;
		*v = b & 0x3f;
		return P_OK;
	}
}

static bool scratch_reserve(rkv_rdb_reader *r, int slot, size_t n)
{
	char *p;

	if (r->scratch_cap[slot] >= n)
		return true;
	p = rkv_realloc(r->alloc, r->scratch[slot], n);
	if (!p)
		return false;
	r->scratch[slot] = p;
	r->scratch_cap[slot] = n;
	return true;
}

/* rdbGenericLoadStringObject: a raw string (pointing into the input), an
 * integer (formatted into intbuf) or an LZF string (decompressed into the
 * slot's scratch buffer). `at` is the absolute offset of c's start. */
static int get_string(rkv_rdb_reader *r, cursor *c, uint64_t at, int slot,
		      char intbuf[RKV_LLSTR_SIZE], const char **s, size_t *len)
{
	size_t start = c->pos;
	const unsigned char *p;
	uint64_t v, clen;
	bool enc;
	int rc;

	if ((rc = get_len(r, c, &v, &enc, at)) != P_OK)
		return rc;
	if (!enc) {
		if (v > r->max_string)
			return fail(r, RKV_ERR_PROTO,
				    "RDB: string length %llu at offset %llu "
				    "exceeds the limit (%llu)",
				    (unsigned long long)v,
				    (unsigned long long)(at + start),
				    r->max_string);
		if ((rc = get_bytes(c, (size_t)v, &p)) != P_OK)
			return rc;
		*s = (const char *)p;
		*len = (size_t)v;
		return P_OK;
	}
	switch (v) {
	case 0:
	case 1:
	case 2: {
		int n = 1 << v;
		uint64_t u;
		long long iv;

		if ((rc = get_bytes(c, (size_t)n, &p)) != P_OK)
			return rc;
		u = le(p, n);
		iv = n == 1 ? (int8_t)u : n == 2 ? (int16_t)u : (int32_t)u;
		*len = rkv_ll2str(intbuf, iv);
		*s = intbuf;
		return P_OK;
	}
	case 3:
		if ((rc = get_len(r, c, &clen, NULL, at)) != P_OK ||
		    (rc = get_len(r, c, &v, NULL, at)) != P_OK)
			return rc;
		if (v > r->max_string || clen > r->max_string)
			return fail(
			    r, RKV_ERR_PROTO,
			    "RDB: LZF string of length %llu "
			    "(compressed %llu) at offset %llu exceeds "
			    "the limit (%llu)",
			    (unsigned long long)v, (unsigned long long)clen,
			    (unsigned long long)(at + start), r->max_string);
		if ((rc = get_bytes(c, (size_t)clen, &p)) != P_OK)
			return rc;
		/* An LZF item expands at most 88 times (3 bytes for 264):
		 * a longer announced length is corrupt, and is refused
		 * before its buffer is allocated. */
		if (v == 0 || v > clen * 88 ||
		    !scratch_reserve(r, slot, (size_t)v)) {
			if (v == 0 || v > clen * 88)
				return fail(r, RKV_ERR_PROTO,
					    "Invalid LZF compressed string at "
					    "offset %llu",
					    (unsigned long long)(at + start));
			return fail(r, RKV_ERR_NOMEM, SHORT_READ_MSG);
		}
		if (rkv_lzf_decompress(p, (size_t)clen, r->scratch[slot],
				       (size_t)v) != v)
			return fail(r, RKV_ERR_PROTO,
				    "Invalid LZF compressed string at offset "
				    "%llu",
				    (unsigned long long)(at + start));
		*s = r->scratch[slot];
		*len = (size_t)v;
		return P_OK;
	default:
		return fail(r, RKV_ERR_PROTO,
			    "Unknown RDB string encoding type %llu at offset "
			    "%llu",
			    (unsigned long long)v,
			    (unsigned long long)(at + start));
	}
}

static const char *type_name(unsigned t)
{
	static const char *const names[] = {
	    "string",
	    "list",
	    "set",
	    "zset",
	    "hash",
	    "zset-2",
	    "module-pre-ga",
	    "module-2",
	    NULL,
	    "hash-zipmap",
	    "list-ziplist",
	    "set-intset",
	    "zset-ziplist",
	    "hash-ziplist",
	    "list-quicklist",
	    "stream",
	    "hash-listpack",
	    "zset-listpack",
	    "list-quicklist-2",
	    "stream-2",
	};

	return t < sizeof(names) / sizeof(names[0]) ? names[t] : NULL;
}

/* A key for an error message: printable bytes as they are, others as
 * '?', at most 64 of them. */
static void printable(char *dst, const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len && i < 64; i++)
		dst[i] = s[i] >= 32 && s[i] < 127 ? s[i] : '?';
	dst[i] = '\0';
}

static void set_aux(rkv_rdb_reader *r, const char *k, size_t klen,
		    const char *v, size_t vlen)
{
	long long n = 0;
	bool is_int = rkv_string2ll(v, vlen, &n);

#define KEY_IS(name) (klen == sizeof(name) - 1 && memcmp(k, name, klen) == 0)
	if (KEY_IS("redis-ver")) {
		size_t m = vlen < sizeof(r->redis_ver) - 1
			       ? vlen
			       : sizeof(r->redis_ver) - 1;
		memcpy(r->redis_ver, v, m);
		r->redis_ver[m] = '\0';
	} else if (KEY_IS("repl-id")) {
		if (vlen == 40) {
			memcpy(r->repl_id, v, 40);
			r->repl_id[40] = '\0';
		}
	} else if (is_int) {
		if (KEY_IS("ctime"))
			r->ctime = n;
		else if (KEY_IS("used-mem"))
			r->used_mem = n;
		else if (KEY_IS("repl-stream-db"))
			r->repl_stream_db = (int)n;
		else if (KEY_IS("repl-offset"))
			r->repl_offset = n;
		else if (KEY_IS("aof-base"))
			r->aof_base = n;
	}
#undef KEY_IS
	/* Unknown fields are ignored, as Redis ignores them. */
}

static int load_string_key(rkv_rdb_reader *r, const char *k, size_t klen,
			   const char *v, size_t vlen, uint64_t at)
{
	rkv_entry *e;
	int rc;

	if (r->expire_ms != -1 && r->expire_ms < r->now_ms) {
		r->keys_expired++;
		return P_OK;
	}
	if (rkv_keyspace_peek(r->ks, r->db, k, klen, INT64_MIN)) {
		char name[65];

		printable(name, k, klen);
		return fail(r, RKV_ERR_PROTO,
			    "RDB has duplicated key '%s' in DB %d (at offset "
			    "%llu)",
			    name, r->db, (unsigned long long)at);
	}
	rc = rkv_keyspace_set(r->ks, r->db, k, klen, v, vlen, false, r->now_ms,
			      &e);
	if (rc == 0 && r->expire_ms != -1)
		rc = rkv_keyspace_set_expire(r->ks, r->db, e, r->expire_ms);
	if (rc == RKV_ERR_NOMEM)
		return fail(r, RKV_ERR_NOMEM, SHORT_READ_MSG);
	if (rc != 0)
		return fail(r, RKV_ERR_PROTO,
			    "RDB: key or value too large at offset %llu",
			    (unsigned long long)at);
	r->keys_loaded++;
	return P_OK;
}

/* One record of the body: an opcode with its operands, or a key with its
 * value. `at` is the absolute offset of c's start. Effects happen only once
 * the whole record is there. */
static int parse_record(rkv_rdb_reader *r, cursor *c, uint64_t at)
{
	const unsigned char *p;
	const char *k, *v;
	size_t klen, vlen;
	char ibuf[2][RKV_LLSTR_SIZE];
	uint64_t rec = at + c->pos, a, b;
	unsigned t;
	int rc;

	if ((rc = get_byte(c, &t)) != P_OK)
		return rc;
	switch (t) {
	case RKV_RDB_OPCODE_EXPIRETIME_MS:
		if ((rc = get_bytes(c, 8, &p)) != P_OK)
			return rc;
		r->expire_ms = (int64_t)le(p, 8);
		return P_OK;
	case RKV_RDB_OPCODE_EXPIRETIME:
		if ((rc = get_bytes(c, 4, &p)) != P_OK)
			return rc;
		r->expire_ms = (int64_t)(int32_t)le(p, 4) * 1000;
		return P_OK;
	case RKV_RDB_OPCODE_FREQ:
		return get_bytes(c, 1, &p);
	case RKV_RDB_OPCODE_IDLE:
		return get_len(r, c, &a, NULL, at);
	case RKV_RDB_OPCODE_SELECTDB:
		if ((rc = get_len(r, c, &a, NULL, at)) != P_OK)
			return rc;
		if (a >= (uint64_t)r->ks->ndb)
			return fail(r, RKV_ERR_PROTO,
				    "FATAL: Data file was created with a Redis "
				    "server configured to handle more than %d "
				    "databases. Exiting",
				    r->ks->ndb);
		r->db = (int)a;
		return P_OK;
	case RKV_RDB_OPCODE_RESIZEDB:
		if ((rc = get_len(r, c, &a, NULL, at)) != P_OK)
			return rc;
		return get_len(r, c, &b, NULL, at);
	case RKV_RDB_OPCODE_AUX:
		if ((rc = get_string(r, c, at, 0, ibuf[0], &k, &klen)) !=
			P_OK ||
		    (rc = get_string(r, c, at, 1, ibuf[1], &v, &vlen)) != P_OK)
			return rc;
		set_aux(r, k, klen, v, vlen);
		return P_OK;
	case RKV_RDB_OPCODE_MODULE_AUX:
		return fail(r, RKV_ERR_PROTO,
			    "RDB: module auxiliary data (opcode 247) at offset "
			    "%llu: modules are not supported",
			    (unsigned long long)rec);
	case RKV_RDB_OPCODE_FUNCTION:
	case RKV_RDB_OPCODE_FUNCTION2:
		return fail(r, RKV_ERR_PROTO,
			    "RDB: function library (opcode %u) at offset %llu: "
			    "functions are not supported",
			    t, (unsigned long long)rec);
	case RKV_RDB_OPCODE_EOF:
		r->state = r->version >= 5 ? ST_CHECKSUM : ST_DONE;
		return P_OK;
	case RKV_RDB_TYPE_STRING:
		if ((rc = get_string(r, c, at, 0, ibuf[0], &k, &klen)) !=
			P_OK ||
		    (rc = get_string(r, c, at, 1, ibuf[1], &v, &vlen)) != P_OK)
			return rc;
		rc = load_string_key(r, k, klen, v, vlen, rec);
		r->expire_ms = -1;
		return rc;
	default:
		if (type_name(t))
			return fail(r, RKV_ERR_PROTO,
				    "RDB: unsupported value type %u (%s) at "
				    "offset %llu",
				    t, type_name(t), (unsigned long long)rec);
		return fail(r, RKV_ERR_PROTO,
			    "RDB: unknown opcode or value type %u at offset "
			    "%llu",
			    t, (unsigned long long)rec);
	}
}

static int parse_header(rkv_rdb_reader *r, cursor *c)
{
	const unsigned char *p;
	int rc, ver = 0;

	if ((rc = get_bytes(c, 9, &p)) != P_OK)
		return rc;
	if (memcmp(p, "REDIS", 5) != 0)
		return fail(r, RKV_ERR_PROTO,
			    "Wrong signature trying to load DB from file");
	/* atoi() of the four digits, as Redis reads them. */
	for (int i = 5; i < 9 && p[i] >= '0' && p[i] <= '9'; i++)
		ver = ver * 10 + (p[i] - '0');
	if (ver < 1 || ver > RKV_RDB_VERSION)
		return fail(r, RKV_ERR_PROTO,
			    "Can't handle RDB format version %d", ver);
	r->version = ver;
	r->state = ST_BODY;
	return P_OK;
}

static int parse_checksum(rkv_rdb_reader *r, cursor *c)
{
	const unsigned char *p;
	uint64_t got;
	int rc;

	if ((rc = get_bytes(c, 8, &p)) != P_OK)
		return rc;
	got = le(p, 8);
	if (got != 0 && got != r->crc)
		return fail(r, RKV_ERR_PROTO,
			    "Wrong RDB checksum expected: (%llx) got (%llx). "
			    "Aborting now.",
			    (unsigned long long)r->crc,
			    (unsigned long long)got);
	r->checksum_checked = got != 0;
	r->state = ST_DONE;
	return P_OK;
}

/* Parse whole records from p[0..n). *used gets the bytes consumed; on
 * P_MORE r->need is the bytes (from p + *used) wanted before trying
 * again. Returns P_MORE, P_OK (the file is complete) or P_ERR. */
static int parse_all(rkv_rdb_reader *r, const unsigned char *p, size_t n,
		     size_t *used)
{
	cursor c = {p, n, 0, 0};
	int rc = P_OK;

	while (r->state != ST_DONE) {
		size_t start = c.pos;
		int st = r->state;

		if (st == ST_HEADER)
			rc = parse_header(r, &c);
		else if (st == ST_BODY)
			rc = parse_record(r, &c, r->offset - start);
		else
			rc = parse_checksum(r, &c);
		if (rc != P_OK) {
			if (rc == P_MORE)
				c.need -= start;
			c.pos = start;
			break;
		}
		/* The checksum covers everything before it. */
		if (st != ST_CHECKSUM)
			r->crc = rkv_crc64(r->crc, p + start, c.pos - start);
		r->offset += c.pos - start;
	}
	*used = c.pos;
	r->need = c.need;
	return rc;
}

void rkv_rdb_reader_init(rkv_rdb_reader *r, rkv_keyspace *ks,
			 const rkv_allocator *alloc, int64_t now_ms)
{
	memset(r, 0, sizeof(*r));
	r->alloc = alloc;
	r->ks = ks;
	r->now_ms = now_ms;
	r->max_string = RKV_RDB_DEFAULT_MAX_STRING;
	r->state = ST_HEADER;
	r->expire_ms = -1;
	r->repl_stream_db = -1;
	rkv_buf_init(&r->pending, alloc);
}

static int result(const rkv_rdb_reader *r)
{
	if (r->state == ST_ERROR)
		return r->err;
	return r->state == ST_DONE ? 1 : 0;
}

/* Keep p[0..n) for the next feed. */
static int keep(rkv_rdb_reader *r, const void *p, size_t n)
{
	rkv_buf_append(&r->pending, p, n);
	if (r->pending.oom)
		return fail(r, RKV_ERR_NOMEM, SHORT_READ_MSG);
	return P_OK;
}

int rkv_rdb_reader_feed(rkv_rdb_reader *r, const void *data, size_t len)
{
	const unsigned char *p = data;
	size_t used;
	int rc;

	while (r->state != ST_ERROR && r->state != ST_DONE) {
		if (r->pending.len == 0) {
			/* Straight from the caller's bytes; only an
			 * incomplete record's tail is copied. */
			rc = parse_all(r, p, len, &used);
			if (rc == P_MORE && keep(r, p + used, len - used) < 0)
				break;
			break;
		}
		/* Complete the carried record with no more bytes than it
		 * says it needs, so that the rest of a large chunk is
		 * parsed in place. */
		{
			size_t want = r->need > r->pending.len
					  ? r->need - r->pending.len
					  : 1;

			if (want > len)
				want = len;
			if (want == 0)
				break;
			if (keep(r, p, want) < 0)
				break;
			p += want;
			len -= want;
		}
		if (r->pending.len < r->need)
			continue;
		rc = parse_all(r,
			       (const unsigned char *)rkv_buf_head(&r->pending),
			       r->pending.len, &used);
		rkv_buf_consume(&r->pending, used);
		if (rc == P_ERR)
			break;
	}
	return result(r);
}

int rkv_rdb_reader_finish(rkv_rdb_reader *r)
{
	if (r->state == ST_DONE)
		return 0;
	if (r->state != ST_ERROR)
		fail(r, RKV_ERR_PROTO, SHORT_READ_MSG);
	return r->err;
}

const char *rkv_rdb_reader_error(const rkv_rdb_reader *r)
{
	return r->errmsg;
}

void rkv_rdb_reader_free(rkv_rdb_reader *r)
{
	rkv_buf_free(&r->pending);
	for (int i = 0; i < 2; i++) {
		rkv_free(r->alloc, r->scratch[i]);
		r->scratch[i] = NULL;
		r->scratch_cap[i] = 0;
	}
}
