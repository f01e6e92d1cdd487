/* The command table, dispatch, shared reply helpers and the
 * connection-level commands. Each table row names a command, its arity
 * (Redis convention: N exact, -N at least N, command name included), flags,
 * key positions and implementation. Rows are sorted by name and looked up
 * by binary search, case-insensitively. */
#include "commands.h"

#include <stdio.h>
#include <string.h>

#include "util.h"

bool rkv_arg_is(const rkv_slice *a, const char *lower)
{
	return rkv_caseeq(a->ptr, a->len, lower);
}

bool rkv_arg_ll(rkv_conn *c, const rkv_slice *a, long long *v)
{
	if (rkv_string2ll(a->ptr, a->len, v))
		return true;
	rkv_resp_add_errorf(&c->obuf,
			    "value is not an integer or out of range");
	return false;
}

void rkv_reply_arity(rkv_conn *c, const char *cmd_name)
{
	rkv_resp_add_errorf(
	    &c->obuf, "wrong number of arguments for '%s' command", cmd_name);
}

rkv_entry *rkv_lookup(rkv_conn *c, const rkv_slice *key)
{
	return rkv_keyspace_lookup(&c->node->ks, c->db, key->ptr, key->len,
				   rkv_cmd_now(c));
}

void rkv_reply_oom(rkv_conn *c)
{
	rkv_resp_add_errorf(&c->obuf, "out of memory");
}

void rkv_reply_invalid_expire(rkv_conn *c, const char *cmd_name)
{
	rkv_resp_add_errorf(&c->obuf, "invalid expire time in '%s' command",
			    cmd_name);
}

void rkv_reply_entry(rkv_conn *c, const rkv_entry *e)
{
	char buf[RKV_LLSTR_SIZE];
	size_t len;
	const char *s = rkv_entry_str(e, buf, &len);

	rkv_resp_add_bulk(&c->obuf, s, len);
}

void rkv_cmd_ping(rkv_conn *c, size_t argc, const rkv_slice *argv)
{
	if (argc > 2) {
		rkv_reply_arity(c, "ping");
		return;
	}
	if (argc == 1)
		rkv_buf_append(&c->obuf, "+PONG\r\n", 7);
	else
		rkv_resp_add_bulk(&c->obuf, argv[1].ptr, argv[1].len);
}

void rkv_cmd_echo(rkv_conn *c, size_t argc, const rkv_slice *argv)
{
	(void)argc;
	rkv_resp_add_bulk(&c->obuf, argv[1].ptr, argv[1].len);
}

void rkv_cmd_quit(rkv_conn *c, size_t argc, const rkv_slice *argv)
{
	(void)argc;
	(void)argv;
	rkv_reply_ok(c);
	c->closing = true;
}

void rkv_cmd_time(rkv_conn *c, size_t argc, const rkv_slice *argv)
{
	int64_t us = rkv_node_now_us(c->node);
	char sec[RKV_LLSTR_SIZE], usec[RKV_LLSTR_SIZE];
	size_t ns = rkv_ll2str(sec, us / 1000000);
	size_t nu = rkv_ll2str(usec, us % 1000000);

	(void)argc;
	(void)argv;
	rkv_resp_add_array(&c->obuf, 2);
	rkv_resp_add_bulk(&c->obuf, sec, ns);
	rkv_resp_add_bulk(&c->obuf, usec, nu);
}

static void add_bulk_cstr(rkv_conn *c, const char *s)
{
	rkv_resp_add_bulk(&c->obuf, s, strlen(s));
}

/* HELLO [protover [AUTH username password] [SETNAME clientname]] */
void rkv_cmd_hello(rkv_conn *c, size_t argc, const rkv_slice *argv)
{
	long long ver = 0;
	const rkv_slice *name = NULL;
	size_t j = 2;

	if (argc >= 2) {
		if (!rkv_string2ll(argv[1].ptr, argv[1].len, &ver)) {
			rkv_resp_add_errorf(&c->obuf,
					    "Protocol version is not an "
					    "integer or out of range");
			return;
		}
		if (ver < 2 || ver > 3) {
			rkv_resp_add_errorf(
			    &c->obuf, "-NOPROTO unsupported protocol version");
			return;
		}
	}
	for (; j < argc; j++) {
		size_t more = argc - j - 1;

		if (rkv_arg_is(&argv[j], "auth") && more >= 2) {
			/* No password is configured yet: the default user
			 * accepts any password, as Redis's nopass user does. */
			j += 2;
		} else if (rkv_arg_is(&argv[j], "setname") && more >= 1) {
			name = &argv[++j];
			for (size_t i = 0; i < name->len; i++) {
				if (name->ptr[i] <= ' ' || name->ptr[i] > '~') {
					rkv_resp_add_errorf(
					    &c->obuf,
					    "Client names cannot contain "
					    "spaces, newlines or special "
					    "characters.");
					return;
				}
			}
		} else {
			rkv_resp_add_errorf(
			    &c->obuf, "Syntax error in HELLO option '%.*s'",
			    (int)(argv[j].len > 128 ? 128 : argv[j].len),
			    argv[j].ptr);
			return;
		}
	}
	if (name)
		snprintf(c->name, sizeof(c->name), "%.*s", (int)name->len,
			 name->ptr);
	if (ver)
		c->proto = (int)ver;
	rkv_resp_add_map(&c->obuf, c->proto, 7);
	add_bulk_cstr(c, "server");
	add_bulk_cstr(c, "redis");
	add_bulk_cstr(c, "version");
	add_bulk_cstr(c, RKV_REDIS_COMPAT_VERSION);
	add_bulk_cstr(c, "proto");
	rkv_resp_add_integer(&c->obuf, c->proto);
	add_bulk_cstr(c, "id");
	rkv_resp_add_integer(&c->obuf, (long long)c->id);
	add_bulk_cstr(c, "mode");
	add_bulk_cstr(c, "standalone");
	add_bulk_cstr(c, "role");
	add_bulk_cstr(c, "master");
	add_bulk_cstr(c, "modules");
	rkv_resp_add_array(&c->obuf, 0);
}

#define W RKV_CMD_WRITE
#define R RKV_CMD_READONLY
#define F RKV_CMD_FAST

/* Sorted by name (checked by a unit test). */
static const rkv_command command_table[] = {
    {"append", 3, W, 1, 1, 1, rkv_cmd_append},
    {"copy", -3, W, 1, 2, 1, rkv_cmd_copy},
    {"dbsize", 1, R | F, 0, 0, 0, rkv_cmd_dbsize},
    {"debug", -2, 0, 0, 0, 0, rkv_cmd_debug},
    {"decr", 2, W | F, 1, 1, 1, rkv_cmd_decr},
    {"decrby", 3, W | F, 1, 1, 1, rkv_cmd_decrby},
    {"del", -2, W, 1, -1, 1, rkv_cmd_del},
    {"echo", 2, F, 0, 0, 0, rkv_cmd_echo},
    {"exists", -2, R | F, 1, -1, 1, rkv_cmd_exists},
    {"expire", -3, W | F, 1, 1, 1, rkv_cmd_expire},
    {"expireat", -3, W | F, 1, 1, 1, rkv_cmd_expireat},
    {"expiretime", 2, R | F, 1, 1, 1, rkv_cmd_expiretime},
    {"flushall", -1, W, 0, 0, 0, rkv_cmd_flushall},
    {"flushdb", -1, W, 0, 0, 0, rkv_cmd_flushdb},
    {"get", 2, R | F, 1, 1, 1, rkv_cmd_get},
    {"getdel", 2, W | F, 1, 1, 1, rkv_cmd_getdel},
    {"getex", -2, W | F, 1, 1, 1, rkv_cmd_getex},
    {"getrange", 4, R, 1, 1, 1, rkv_cmd_getrange},
    {"getset", 3, W | F, 1, 1, 1, rkv_cmd_getset},
    {"hello", -1, F, 0, 0, 0, rkv_cmd_hello},
    {"incr", 2, W | F, 1, 1, 1, rkv_cmd_incr},
    {"incrby", 3, W | F, 1, 1, 1, rkv_cmd_incrby},
    {"incrbyfloat", 3, W | F, 1, 1, 1, rkv_cmd_incrbyfloat},
    {"keys", 2, R, 0, 0, 0, rkv_cmd_keys},
    {"mget", -2, R | F, 1, -1, 1, rkv_cmd_mget},
    {"move", 3, W | F, 1, 1, 1, rkv_cmd_move},
    {"mset", -3, W, 1, -1, 2, rkv_cmd_mset},
    {"msetnx", -3, W, 1, -1, 2, rkv_cmd_msetnx},
    {"object", -2, R, 2, 2, 1, rkv_cmd_object},
    {"persist", 2, W | F, 1, 1, 1, rkv_cmd_persist},
    {"pexpire", -3, W | F, 1, 1, 1, rkv_cmd_pexpire},
    {"pexpireat", -3, W | F, 1, 1, 1, rkv_cmd_pexpireat},
    {"pexpiretime", 2, R | F, 1, 1, 1, rkv_cmd_pexpiretime},
    {"ping", -1, F, 0, 0, 0, rkv_cmd_ping},
    {"psetex", 4, W, 1, 1, 1, rkv_cmd_psetex},
    {"pttl", 2, R | F, 1, 1, 1, rkv_cmd_pttl},
    {"quit", -1, F, 0, 0, 0, rkv_cmd_quit},
    {"randomkey", 1, R, 0, 0, 0, rkv_cmd_randomkey},
    {"rename", 3, W, 1, 2, 1, rkv_cmd_rename},
    {"renamenx", 3, W | F, 1, 2, 1, rkv_cmd_renamenx},
    {"scan", -2, R, 0, 0, 0, rkv_cmd_scan},
    {"select", 2, F, 0, 0, 0, rkv_cmd_select},
    {"set", -3, W, 1, 1, 1, rkv_cmd_set},
    {"setex", 4, W, 1, 1, 1, rkv_cmd_setex},
    {"setnx", 3, W | F, 1, 1, 1, rkv_cmd_setnx},
    {"setrange", 4, W, 1, 1, 1, rkv_cmd_setrange},
    {"strlen", 2, R | F, 1, 1, 1, rkv_cmd_strlen},
    {"substr", 4, R, 1, 1, 1, rkv_cmd_getrange},
    {"swapdb", 3, W | F, 0, 0, 0, rkv_cmd_swapdb},
    {"time", 1, F, 0, 0, 0, rkv_cmd_time},
    {"touch", -2, R | F, 1, -1, 1, rkv_cmd_touch},
    {"ttl", 2, R | F, 1, 1, 1, rkv_cmd_ttl},
    {"type", 2, R | F, 1, 1, 1, rkv_cmd_type},
    {"unlink", -2, W | F, 1, -1, 1, rkv_cmd_del},
};

#undef W
#undef R
#undef F

/* Compare name[0..len) case-insensitively with a lower-case word. */
static int name_cmp(const char *name, size_t len, const char *word)
{
	size_t i;

	for (i = 0; i < len && word[i]; i++) {
		unsigned char a = (unsigned char)name[i], b;

		if (a >= 'A' && a <= 'Z')
			a = (unsigned char)(a - 'A' + 'a');
		b = (unsigned char)word[i];
		if (a != b)
			return a < b ? -1 : 1;
	}
	if (i < len)
		return 1;
	return word[i] ? -1 : 0;
}

const rkv_command *rkv_command_lookup(const char *name, size_t len)
{
	size_t lo = 0, hi = sizeof(command_table) / sizeof(*command_table);

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int r = name_cmp(name, len, command_table[mid].name);

		if (r == 0)
			return &command_table[mid];
		if (r < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

/* Length of s[0..len) as C's "%.128s" prints it: up to a NUL, at most 128. */
static int cstr_len(const char *s, size_t len, size_t max)
{
	const char *nul = memchr(s, '\0', len);

	if (nul)
		len = (size_t)(nul - s);
	return (int)(len < max ? len : max);
}

/* "ERR unknown command 'x', with args beginning with: 'a' 'b' " as Redis
 * 7.0 words it: the arguments are quoted until 128 bytes are used. */
static void reply_unknown_command(rkv_conn *c, size_t argc,
				  const rkv_slice *argv)
{
	char args[160];
	size_t used = 0;

	args[0] = '\0';
	for (size_t i = 1; i < argc && used < 128; i++) {
		int n = snprintf(args + used, sizeof(args) - used, "'%.*s' ",
				 cstr_len(argv[i].ptr, argv[i].len, 128 - used),
				 argv[i].ptr);
		if (n < 0)
			break;
		used += (size_t)n;
		if (used >= sizeof(args))
			used = sizeof(args) - 1;
	}
	rkv_resp_add_errorf(
	    &c->obuf, "unknown command '%.*s', with args beginning with: %s",
	    cstr_len(argv[0].ptr, argv[0].len, 128), argv[0].ptr, args);
}

void rkv_command_execute(rkv_conn *c, size_t argc, const rkv_slice *argv)
{
	const rkv_command *cmd = rkv_command_lookup(argv[0].ptr, argv[0].len);

	if (!cmd) {
		reply_unknown_command(c, argc, argv);
		return;
	}
	if ((cmd->arity > 0 && (size_t)cmd->arity != argc) ||
	    (cmd->arity < 0 && argc < (size_t)-cmd->arity)) {
		rkv_reply_arity(c, cmd->name);
		return;
	}
	cmd->proc(c, argc, argv);
}

/* For tests: the table must stay sorted for the binary search. */
bool rkv_command_table_sorted(void)
{
	size_t n = sizeof(command_table) / sizeof(*command_table);

	for (size_t i = 1; i < n; i++)
		if (strcmp(command_table[i - 1].name, command_table[i].name) >=
		    0)
			return false;
	return true;
}
