/* Hash table with incremental rehash and a reverse-binary SCAN cursor; see
 * dict.h for the design. */
#include "dict.h"

#include <assert.h>
#include <string.h>

#include "rkv.h"
#include "siphash.h"

/* Empty buckets a rehash step may skip before giving up for this step, so a
 * step is bounded even in a sparse table (Redis's empty_visits). */
#define EMPTY_VISITS_PER_STEP 10

static inline size_t tsize(const rkv_dict *d, int t)
{
	return d->exp[t] < 0 ? 0 : (size_t)1 << d->exp[t];
}

static inline size_t tmask(const rkv_dict *d, int t)
{
	return d->exp[t] < 0 ? 0 : tsize(d, t) - 1;
}

static inline bool rehashing(const rkv_dict *d)
{
	return d->rehash_idx != -1;
}

void rkv_dict_init(rkv_dict *d, const rkv_dict_type *type,
		   const rkv_allocator *alloc, const uint8_t seed[16])
{
	memset(d, 0, sizeof(*d));
	d->exp[0] = d->exp[1] = -1;
	d->rehash_idx = -1;
	d->type = type;
	d->alloc = alloc;
	memcpy(d->seed, seed, sizeof(d->seed));
}

void rkv_dict_free(rkv_dict *d)
{
	for (int t = 0; t < 2; t++) {
		rkv_free(d->alloc, d->table[t]);
		d->table[t] = NULL;
		d->exp[t] = -1;
		d->used[t] = 0;
	}
	d->rehash_idx = -1;
}

void rkv_dict_clear(rkv_dict *d, void (*free_node)(rkv_dict_node *, void *),
		    void *ud)
{
	for (int t = 0; t < 2; t++) {
		for (size_t i = 0; i < tsize(d, t); i++) {
			rkv_dict_node *n = d->table[t][i];

			while (n) {
				rkv_dict_node *next = n->next;

				if (free_node)
					free_node(n, ud);
				n = next;
			}
		}
	}
	rkv_dict_free(d);
}

size_t rkv_dict_buckets(const rkv_dict *d)
{
	return tsize(d, 0) + tsize(d, 1);
}

uint64_t rkv_dict_hash(const rkv_dict *d, const char *key, size_t len)
{
	return rkv_siphash(key, len, d->seed);
}

static uint64_t node_hash(const rkv_dict *d, const rkv_dict_node *n)
{
	const char *k;
	size_t len;

	d->type->key(n, &k, &len);
	return rkv_dict_hash(d, k, len);
}

static bool node_has_key(const rkv_dict *d, const rkv_dict_node *n,
			 const char *key, size_t len)
{
	const char *k;
	size_t klen;

	d->type->key(n, &k, &klen);
	return klen == len && memcmp(k, key, len) == 0;
}

/* Allocate table 1 with 2^exp buckets and start moving table 0 into it (or
 * make it table 0 if there is none). */
static int start_resize(rkv_dict *d, int exp)
{
	size_t n = (size_t)1 << exp;
	rkv_dict_node **t = rkv_malloc(d->alloc, n * sizeof(*t));

	if (!t)
		return RKV_ERR_NOMEM;
	memset(t, 0, n * sizeof(*t));
	if (!d->table[0]) {
		d->table[0] = t;
		d->exp[0] = exp;
		return 0;
	}
	d->table[1] = t;
	d->exp[1] = exp;
	d->used[1] = 0;
	d->rehash_idx = 0;
	return 0;
}

static int exp_for(size_t n)
{
	int e = RKV_DICT_INITIAL_EXP;

	while (((size_t)1 << e) < n && e < 62)
		e++;
	return e;
}

bool rkv_dict_rehash_steps(rkv_dict *d, int n)
{
	int empty_visits = n * EMPTY_VISITS_PER_STEP;

	if (!rehashing(d) || d->pause_rehash)
		return rehashing(d);
	while (n-- && d->used[0]) {
		rkv_dict_node *e;

		assert((size_t)d->rehash_idx < tsize(d, 0));
		while (!d->table[0][d->rehash_idx]) {
			d->rehash_idx++;
			if (--empty_visits == 0)
				return true;
		}
		e = d->table[0][d->rehash_idx];
		while (e) {
			rkv_dict_node *next = e->next;
			size_t idx = node_hash(d, e) & tmask(d, 1);

			e->next = d->table[1][idx];
			d->table[1][idx] = e;
			d->used[0]--;
			d->used[1]++;
			e = next;
		}
		d->table[0][d->rehash_idx++] = NULL;
	}
	if (d->used[0] == 0) {
		rkv_free(d->alloc, d->table[0]);
		d->table[0] = d->table[1];
		d->exp[0] = d->exp[1];
		d->used[0] = d->used[1];
		d->table[1] = NULL;
		d->exp[1] = -1;
		d->used[1] = 0;
		d->rehash_idx = -1;
		return false;
	}
	return true;
}

/* Each access moves one bucket, spreading the rehash over normal traffic. */
static inline void rehash_on_access(rkv_dict *d)
{
	if (rehashing(d) && !d->pause_rehash)
		rkv_dict_rehash_steps(d, 1);
}

rkv_dict_node *rkv_dict_find(rkv_dict *d, const char *key, size_t len,
			     uint64_t hash)
{
	if (rkv_dict_size(d) == 0)
		return NULL;
	rehash_on_access(d);
	for (int t = 0; t <= (rehashing(d) ? 1 : 0); t++) {
		rkv_dict_node *n = d->table[t][hash & tmask(d, t)];

		for (; n; n = n->next)
			if (node_has_key(d, n, key, len))
				return n;
	}
	return NULL;
}

int rkv_dict_add(rkv_dict *d, rkv_dict_node *node, uint64_t hash)
{
	int t;
	size_t idx;

	if (!d->table[0] && start_resize(d, RKV_DICT_INITIAL_EXP) < 0)
		return RKV_ERR_NOMEM;
	rehash_on_access(d);
	/* Grow at load factor 1 (Redis's dict_force_resize_ratio-free rule for
	 * a process that never forks). A failed allocation just defers it. */
	if (!rehashing(d) && d->used[0] >= tsize(d, 0))
		(void)start_resize(d, exp_for(d->used[0] + 1));
	t = rehashing(d) ? 1 : 0;
	idx = hash & tmask(d, t);
	node->next = d->table[t][idx];
	d->table[t][idx] = node;
	d->used[t]++;
	return 0;
}

/* The link pointing at the node with this key (or at `target` if given),
 * and which table holds it. */
static rkv_dict_node **find_link(rkv_dict *d, const char *key, size_t len,
				 const rkv_dict_node *target, uint64_t hash,
				 int *table)
{
	if (rkv_dict_size(d) == 0)
		return NULL;
	rehash_on_access(d);
	for (int t = 0; t <= (rehashing(d) ? 1 : 0); t++) {
		rkv_dict_node **link = &d->table[t][hash & tmask(d, t)];

		for (; *link; link = &(*link)->next) {
			if (target ? *link == target
				   : node_has_key(d, *link, key, len)) {
				*table = t;
				return link;
			}
		}
	}
	return NULL;
}

rkv_dict_node *rkv_dict_unlink(rkv_dict *d, const char *key, size_t len,
			       uint64_t hash)
{
	int t = 0;
	rkv_dict_node **link = find_link(d, key, len, NULL, hash, &t);
	rkv_dict_node *n;

	if (!link)
		return NULL;
	n = *link;
	*link = n->next;
	n->next = NULL;
	d->used[t]--;
	return n;
}

bool rkv_dict_replace(rkv_dict *d, rkv_dict_node *old, rkv_dict_node *repl,
		      uint64_t hash)
{
	int t = 0;
	rkv_dict_node **link = find_link(d, NULL, 0, old, hash, &t);

	if (!link)
		return false;
	repl->next = old->next;
	*link = repl;
	return true;
}

bool rkv_dict_shrink_if_needed(rkv_dict *d)
{
	size_t size = tsize(d, 0), used = d->used[0];

	if (rehashing(d) || size <= ((size_t)1 << RKV_DICT_INITIAL_EXP))
		return false;
	if (used * 100 / size >= RKV_DICT_MIN_FILL)
		return false;
	return start_resize(d, exp_for(used)) == 0;
}

static unsigned long long rev(unsigned long long v)
{
	unsigned long long r = 0;

	for (int i = 0; i < 64; i++, v >>= 1)
		r = (r << 1) | (v & 1);
	return r;
}

static void emit_bucket(rkv_dict_node *n, void (*fn)(rkv_dict_node *, void *),
			void *ud)
{
	while (n) {
		rkv_dict_node *next = n->next;

		fn(n, ud);
		n = next;
	}
}

/* Advance the bits of v not covered by mask, in reverse bit order. */
static inline unsigned long long next_cursor(unsigned long long v,
					     unsigned long long mask)
{
	v |= ~mask;
	v = rev(v);
	v++;
	return rev(v);
}

unsigned long long rkv_dict_scan(rkv_dict *d, unsigned long long v,
				 void (*fn)(rkv_dict_node *, void *), void *ud)
{
	int small = 0, large = 1;
	unsigned long long m0, m1;

	if (rkv_dict_size(d) == 0)
		return 0;
	d->pause_rehash++;
	if (!rehashing(d)) {
		m0 = tmask(d, 0);
		emit_bucket(d->table[0][v & m0], fn, ud);
		v = next_cursor(v, m0);
	} else {
		if (tsize(d, 0) > tsize(d, 1)) {
			small = 1;
			large = 0;
		}
		m0 = tmask(d, small);
		m1 = tmask(d, large);
		emit_bucket(d->table[small][v & m0], fn, ud);
		/* The buckets of the larger table that expand the smaller
		 * table's bucket v & m0. */
		do {
			emit_bucket(d->table[large][v & m1], fn, ud);
			v = next_cursor(v, m1);
		} while (v & (m0 ^ m1));
	}
	d->pause_rehash--;
	return v;
}

void rkv_dict_foreach(rkv_dict *d, void (*fn)(rkv_dict_node *, void *),
		      void *ud)
{
	d->pause_rehash++;
	for (int t = 0; t < 2; t++)
		for (size_t i = 0; i < tsize(d, t); i++)
			emit_bucket(d->table[t][i], fn, ud);
	d->pause_rehash--;
}

rkv_dict_node *rkv_dict_random(rkv_dict *d, uint64_t r1, uint64_t r2)
{
	rkv_dict_node *head = NULL, *n;
	size_t len = 0;

	if (rkv_dict_size(d) == 0)
		return NULL;
	rehash_on_access(d);
	if (rehashing(d)) {
		/* Buckets of table 0 below rehash_idx are empty. */
		size_t s0 = tsize(d, 0), s1 = tsize(d, 1);
		size_t span = s0 + s1 - (size_t)d->rehash_idx;
		size_t i = (size_t)(r1 % span);

		for (size_t k = 0; !head; k++) {
			size_t j = (i + k) % span + (size_t)d->rehash_idx;

			head = j >= s0 ? d->table[1][j - s0] : d->table[0][j];
		}
	} else {
		size_t mask = tmask(d, 0);

		for (size_t k = 0; !head; k++)
			head = d->table[0][(r1 + k) & mask];
	}
	for (n = head; n; n = n->next)
		len++;
	for (n = head, len = (size_t)(r2 % len); len--;)
		n = n->next;
	return n;
}
