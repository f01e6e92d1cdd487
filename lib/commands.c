/* The command table and the connection-level commands. Each row names a
 * command, its arity (Redis convention: N exact, -N at least N, command name
 * included) and its implementation; lookup is case-insensitive. The keyspace
 * families join this table as they land. */
#include <stdio.h>
#include <string.h>

#include "node.h"
#include "util.h"

typedef void (*command_proc)(rkv_conn *c, size_t argc, const rkv_slice *argv);

typedef struct command {
	const char *name;
	int arity;
	command_proc proc;
} command;

static void reply_ok(rkv_conn *c)
{
	rkv_buf_append(&c->obuf, "+OK\r\n", 5);
}

static void cmd_ping(rkv_conn *c, size_t argc, const rkv_slice *argv)
{
	if (argc > 2) {
		rkv_resp_add_error(
		    &c->obuf, "wrong number of arguments for 'ping' command",
		    44);
		return;
	}
	if (argc == 1)
		rkv_buf_append(&c->obuf, "+PONG\r\n", 7);
	else
		rkv_resp_add_bulk(&c->obuf, argv[1].ptr, argv[1].len);
}

static void cmd_echo(rkv_conn *c, size_t argc, const rkv_slice *argv)
{
	(void)argc;
	rkv_resp_add_bulk(&c->obuf, argv[1].ptr, argv[1].len);
}

static void cmd_quit(rkv_conn *c, size_t argc, const rkv_slice *argv)
{
	(void)argc;
	(void)argv;
	reply_ok(c);
	c->closing = true;
}

static void cmd_time(rkv_conn *c, size_t argc, const rkv_slice *argv)
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

static bool arg_is(const rkv_slice *a, const char *lower)
{
	return rkv_caseeq(a->ptr, a->len, lower);
}

static void add_bulk_cstr(rkv_conn *c, const char *s)
{
	rkv_resp_add_bulk(&c->obuf, s, strlen(s));
}

/* HELLO [protover [AUTH username password] [SETNAME clientname]] */
static void cmd_hello(rkv_conn *c, size_t argc, const rkv_slice *argv)
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

		if (arg_is(&argv[j], "auth") && more >= 2) {
			/* No password is configured yet: the default user
			 * accepts any password, as Redis's nopass user does. */
			j += 2;
		} else if (arg_is(&argv[j], "setname") && more >= 1) {
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

static const command command_table[] = {
    {"echo", 2, cmd_echo},  {"hello", -1, cmd_hello}, {"ping", -1, cmd_ping},
    {"quit", -1, cmd_quit}, {"time", 1, cmd_time},
};

static const command *command_lookup(const rkv_slice *name)
{
	for (size_t i = 0; i < sizeof(command_table) / sizeof(*command_table);
	     i++) {
		const command *cmd = &command_table[i];

		if (rkv_caseeq(name->ptr, name->len, cmd->name))
			return cmd;
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
	const command *cmd = command_lookup(&argv[0]);

	if (!cmd) {
		reply_unknown_command(c, argc, argv);
		return;
	}
	if ((cmd->arity > 0 && (size_t)cmd->arity != argc) ||
	    (cmd->arity < 0 && argc < (size_t)-cmd->arity)) {
		rkv_resp_add_errorf(
		    &c->obuf, "wrong number of arguments for '%s' command",
		    cmd->name);
		return;
	}
	cmd->proc(c, argc, argv);
}
