/* A hiredis client session against a running server.
 *
 * Usage: hiredis_session PATH/TO/rkv-server
 *        hiredis_session /usr/bin/redis-server   (validates the checks)
 *
 * Starts the server on a free loopback port (a real redis-server also gets
 * --save "" --appendonly no), talks to it with hiredis: synchronous
 * commands, pipelines of 1000 commands with redisAppendCommand, MULTI/EXEC,
 * SUBSCRIBE/PUBLISH between two contexts, binary-safe values with NUL bytes,
 * and error replies compared exactly with Redis 7.0's. The server is stopped
 * by its PID with SIGTERM (SIGKILL after 10 s), also when a check fails or
 * the test itself is interrupted. Prints one line per check and ends with
 * "N passed, N failed"; exits non-zero on any failure. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <hiredis/hiredis.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define IO_TIMEOUT_S 10
#define PIPELINE_N   1000

static volatile pid_t server_pid = -1;
static int port;
static char fail_msg[1024];
static char conn_err[256]; /* why the last connect_ctx() failed */

/* ---- process handling ------------------------------------------------- */

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void on_signal(int sig)
{
	if (server_pid > 0)
		kill(server_pid, SIGKILL);
	signal(sig, SIG_DFL);
	raise(sig);
}

static int free_port(void)
{
	struct sockaddr_in sa;
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM, 0), p = -1;

	if (fd < 0)
		return -1;
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0 &&
	    getsockname(fd, (struct sockaddr *)&sa, &len) == 0)
		p = ntohs(sa.sin_port);
	close(fd);
	return p;
}

static bool is_redis(const char *exe)
{
	const char *base = strrchr(exe, '/');

	base = base ? base + 1 : exe;
	return strncmp(base, "redis-server", 12) == 0;
}

/* fork+exec the server; its output goes to logpath. */
static pid_t start_server(const char *exe, const char *dir, const char *logpath)
{
	char portstr[16];
	pid_t pid;

	snprintf(portstr, sizeof(portstr), "%d", port);
	pid = fork();
	if (pid != 0)
		return pid;
	/* Child: die with the test, whatever happens to it. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	int fd = open(logpath, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	int devnull = open("/dev/null", O_RDONLY);

	if (fd >= 0) {
		dup2(fd, 1);
		dup2(fd, 2);
	}
	if (devnull >= 0)
		dup2(devnull, 0);
	if (is_redis(exe))
		execl(exe, exe, "--port", portstr, "--bind", "127.0.0.1",
		      "--save", "", "--appendonly", "no", "--dir", dir,
		      (char *)NULL);
	else /* persistence off too: no dump.rdb outside dir */
		execl(exe, exe, "--port", portstr, "--bind", "127.0.0.1",
		      "--save", "", "--dir", dir, (char *)NULL);
	fprintf(stderr, "exec %s: %s\n", exe, strerror(errno));
	_exit(127);
}

/* SIGTERM, wait up to 10 s, then SIGKILL. Returns the wait status. */
static int stop_server(void)
{
	int status = 0;
	pid_t pid = server_pid;
	double deadline = now_s() + 10;

	if (pid <= 0)
		return -1;
	kill(pid, SIGTERM);
	for (;;) {
		pid_t r = waitpid(pid, &status, WNOHANG);

		if (r == pid)
			break;
		if (r < 0 && errno != EINTR) {
			status = -1;
			break;
		}
		if (now_s() > deadline) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			break;
		}
		usleep(10000); /* poll interval */
	}
	server_pid = -1;
	return status;
}

static redisContext *connect_ctx(void)
{
	struct timeval tv = {IO_TIMEOUT_S, 0};
	redisContext *c = redisConnectWithTimeout("127.0.0.1", port, tv);

	if (!c)
		return NULL;
	if (c->err) {
		snprintf(conn_err, sizeof(conn_err), "%s", c->errstr);
		redisFree(c);
		return NULL;
	}
	redisSetTimeout(c, tv);
	return c;
}

static bool wait_ready(void)
{
	double deadline = now_s() + 10;

	for (;;) {
		int status;
		redisContext *c;

		if (waitpid(server_pid, &status, WNOHANG) == server_pid) {
			snprintf(fail_msg, sizeof(fail_msg),
				 "server exited (status 0x%x) before accepting "
				 "connections",
				 status);
			server_pid = -1;
			return false;
		}
		c = connect_ctx();
		if (c) {
			redisFree(c);
			return true;
		}
		if (now_s() > deadline) {
			snprintf(fail_msg, sizeof(fail_msg),
				 "server not accepting connections on port %d "
				 "after 10 s",
				 port);
			return false;
		}
		usleep(20000); /* poll interval, not synchronisation */
	}
}

/* ---- checks ----------------------------------------------------------- */

/* Each check returns true, or false with fail_msg set. */
#define CHECK(cond, ...)                                                       \
	do {                                                                   \
		if (!(cond)) {                                                 \
			snprintf(fail_msg, sizeof(fail_msg), __VA_ARGS__);     \
			goto fail;                                             \
		}                                                              \
	} while (0)

static const char *type_name(int t)
{
	switch (t) {
	case REDIS_REPLY_STRING:
		return "string";
	case REDIS_REPLY_ARRAY:
		return "array";
	case REDIS_REPLY_INTEGER:
		return "integer";
	case REDIS_REPLY_NIL:
		return "nil";
	case REDIS_REPLY_STATUS:
		return "status";
	case REDIS_REPLY_ERROR:
		return "error";
	default:
		return "other";
	}
}

/* Reply r is of type t and (for strings, statuses and errors) exactly
 * [s, s+len). */
static bool is_str(const redisReply *r, int t, const char *s, size_t len)
{
	return r && r->type == t && r->len == len &&
	       memcmp(r->str, s, len) == 0;
}

#define IS_STATUS(r, s) is_str(r, REDIS_REPLY_STATUS, s, strlen(s))
#define IS_ERROR(r, s)	is_str(r, REDIS_REPLY_ERROR, s, strlen(s))
#define IS_BULK(r, s)	is_str(r, REDIS_REPLY_STRING, s, strlen(s))

static bool is_int(const redisReply *r, long long n)
{
	return r && r->type == REDIS_REPLY_INTEGER && r->integer == n;
}

/* A printable description of a reply for failure messages. */
static const char *show(const redisReply *r)
{
	static char buf[256];

	if (!r)
		return "(no reply: connection error)";
	if (r->type == REDIS_REPLY_INTEGER)
		snprintf(buf, sizeof(buf), "integer %lld", r->integer);
	else if (r->type == REDIS_REPLY_ARRAY)
		snprintf(buf, sizeof(buf), "array of %zu", r->elements);
	else if (r->type == REDIS_REPLY_NIL)
		snprintf(buf, sizeof(buf), "nil");
	else
		snprintf(buf, sizeof(buf), "%s \"%.*s\"", type_name(r->type),
			 (int)(r->len > 200 ? 200 : r->len), r->str);
	return buf;
}

/* Run a command; the reply is kept in *slot (freed on the next call or by
 * the caller). */
static redisReply *cmd(redisContext *c, redisReply **slot, const char *fmt, ...)
{
	va_list ap;

	if (*slot)
		freeReplyObject(*slot);
	va_start(ap, fmt);
	*slot = redisvCommand(c, fmt, ap);
	va_end(ap);
	return *slot;
}

/* Read the next reply (of a pipeline, or a pushed message) into *slot,
 * freeing the one there; NULL on a connection error (c->errstr). */
static redisReply *next_reply(redisContext *c, redisReply **slot)
{
	void *rv = NULL;

	if (*slot)
		freeReplyObject(*slot);
	*slot = redisGetReply(c, &rv) == REDIS_OK ? rv : NULL;
	return *slot;
}

/* A check's cleanup: free its reply and its context, either may be NULL. */
static void release(redisContext *c, redisReply *r)
{
	if (r)
		freeReplyObject(r);
	if (c)
		redisFree(c);
}

static bool t_sync(void)
{
	redisContext *c = connect_ctx();
	redisReply *r = NULL;
	bool ok = false;

	CHECK(c, "connect: %s", conn_err);
	CHECK(IS_STATUS(cmd(c, &r, "PING"), "PONG"), "PING: %s", show(r));
	CHECK(IS_STATUS(cmd(c, &r, "SET %s %s", "h:a", "hello"), "OK"),
	      "SET: %s", show(r));
	CHECK(IS_BULK(cmd(c, &r, "GET h:a"), "hello"), "GET: %s", show(r));
	CHECK(cmd(c, &r, "GET h:missing") && r->type == REDIS_REPLY_NIL,
	      "GET missing: %s", show(r));
	CHECK(is_int(cmd(c, &r, "INCR h:n"), 1), "INCR: %s", show(r));
	CHECK(is_int(cmd(c, &r, "INCRBY h:n %d", -11), -10), "INCRBY: %s",
	      show(r));
	CHECK(IS_STATUS(cmd(c, &r, "MSET h:x 1 h:y 2"), "OK"), "MSET: %s",
	      show(r));
	cmd(c, &r, "MGET h:x h:nope h:y");
	CHECK(r && r->type == REDIS_REPLY_ARRAY && r->elements == 3 &&
		  IS_BULK(r->element[0], "1") &&
		  r->element[1]->type == REDIS_REPLY_NIL &&
		  IS_BULK(r->element[2], "2"),
	      "MGET: %s", show(r));
	CHECK(is_int(cmd(c, &r, "DEL h:x h:y h:nope"), 2), "DEL: %s", show(r));
	CHECK(IS_STATUS(cmd(c, &r, "SET h:e v PX 100000"), "OK"), "SET PX: %s",
	      show(r));
	cmd(c, &r, "PTTL h:e");
	CHECK(r && r->type == REDIS_REPLY_INTEGER && r->integer > 90000 &&
		  r->integer <= 100000,
	      "PTTL: %s", show(r));
	CHECK(IS_STATUS(cmd(c, &r, "SELECT 2"), "OK"), "SELECT: %s", show(r));
	CHECK(is_int(cmd(c, &r, "EXISTS h:a"), 0), "EXISTS in db 2: %s",
	      show(r));
	ok = true;
fail:
	release(c, r);
	return ok;
}

static bool t_errors(void)
{
	redisContext *c = connect_ctx();
	redisReply *r = NULL;
	bool ok = false;

	CHECK(c, "connect: %s", conn_err);
	CHECK(IS_ERROR(cmd(c, &r, "GET"),
		       "ERR wrong number of arguments for 'get' command"),
	      "GET arity: %s", show(r));
	CHECK(IS_ERROR(cmd(c, &r, "NOSUCH a b"),
		       "ERR unknown command 'NOSUCH', with args beginning "
		       "with: 'a' 'b' "),
	      "unknown: %s", show(r));
	cmd(c, &r, "SET h:s abc");
	CHECK(IS_ERROR(cmd(c, &r, "INCR h:s"),
		       "ERR value is not an integer or out of range"),
	      "INCR string: %s", show(r));
	CHECK(IS_ERROR(cmd(c, &r, "SET h:s v NX XX"), "ERR syntax error"),
	      "SET NX XX: %s", show(r));
	CHECK(IS_ERROR(cmd(c, &r, "SET h:s v EX 0"),
		       "ERR invalid expire time in 'set' command"),
	      "SET EX 0: %s", show(r));
	CHECK(IS_ERROR(cmd(c, &r, "SELECT 99"), "ERR DB index is out of range"),
	      "SELECT 99: %s", show(r));
	CHECK(IS_ERROR(cmd(c, &r, "INCRBYFLOAT h:s 1"),
		       "ERR value is not a valid float"),
	      "INCRBYFLOAT: %s", show(r));
	CHECK(IS_ERROR(cmd(c, &r, "EXEC"), "ERR EXEC without MULTI"),
	      "EXEC without MULTI: %s", show(r));
	CHECK(IS_ERROR(cmd(c, &r, "HELLO 4"),
		       "NOPROTO unsupported protocol version"),
	      "HELLO 4: %s", show(r));
	/* The connection is still fine after all those. */
	CHECK(IS_BULK(cmd(c, &r, "GET h:s"), "abc"), "GET after errors: %s",
	      show(r));
	ok = true;
fail:
	release(c, r);
	return ok;
}

static bool t_pipeline(void)
{
	redisContext *c = connect_ctx();
	redisReply *r = NULL;
	bool ok = false;
	char val[32];

	CHECK(c, "connect: %s", conn_err);
	for (int i = 0; i < PIPELINE_N; i++)
		CHECK(redisAppendCommand(c, "INCR h:ctr") == REDIS_OK,
		      "append %d", i);
	for (int i = 0; i < PIPELINE_N; i++) {
		CHECK(next_reply(c, &r), "reply %d: %s", i, c->errstr);
		CHECK(is_int(r, i + 1), "INCR #%d: %s", i, show(r));
	}
	/* SET/GET interleaved, with binary keys. */
	for (int i = 0; i < PIPELINE_N / 2; i++) {
		char key[16] = "h:p";
		/* "h:p", a NUL, the number: a binary key. */
		int klen = 4 + snprintf(key + 4, sizeof(key) - 4, "%d", i);
		int vlen = snprintf(val, sizeof(val), "v%d", i);

		redisAppendCommand(c, "SET %b %b", key, (size_t)klen, val,
				   (size_t)vlen);
		redisAppendCommand(c, "GET %b", key, (size_t)klen);
	}
	for (int i = 0; i < PIPELINE_N; i++) {
		CHECK(next_reply(c, &r), "reply %d: %s", i, c->errstr);
		if (i % 2 == 0) {
			CHECK(IS_STATUS(r, "OK"), "SET #%d: %s", i / 2,
			      show(r));
		} else {
			snprintf(val, sizeof(val), "v%d", i / 2);
			CHECK(IS_BULK(r, val), "GET #%d: %s", i / 2, show(r));
		}
	}
	/* Nothing left over: the next reply is for the next command. */
	CHECK(IS_STATUS(cmd(c, &r, "PING"), "PONG"), "PING after: %s", show(r));
	ok = true;
fail:
	release(c, r);
	return ok;
}

static bool t_multi(void)
{
	redisContext *c = connect_ctx(), *o = connect_ctx();
	redisReply *r = NULL, *ro = NULL;
	bool ok = false;

	CHECK(c && o, "connect: %s", conn_err);
	CHECK(IS_STATUS(cmd(c, &r, "MULTI"), "OK"), "MULTI: %s", show(r));
	CHECK(IS_STATUS(cmd(c, &r, "SET h:m 10"), "QUEUED"), "SET: %s",
	      show(r));
	CHECK(IS_STATUS(cmd(c, &r, "INCR h:m"), "QUEUED"), "INCR: %s", show(r));
	CHECK(IS_STATUS(cmd(c, &r, "GET h:m"), "QUEUED"), "GET: %s", show(r));
	cmd(c, &r, "EXEC");
	CHECK(r && r->type == REDIS_REPLY_ARRAY && r->elements == 3 &&
		  IS_STATUS(r->element[0], "OK") && is_int(r->element[1], 11) &&
		  IS_BULK(r->element[2], "11"),
	      "EXEC: %s", show(r));
	/* DISCARD drops the queue. */
	cmd(c, &r, "MULTI");
	cmd(c, &r, "SET h:m 99");
	CHECK(IS_STATUS(cmd(c, &r, "DISCARD"), "OK"), "DISCARD: %s", show(r));
	CHECK(IS_BULK(cmd(c, &r, "GET h:m"), "11"), "after DISCARD: %s",
	      show(r));
	CHECK(IS_ERROR(cmd(c, &r, "DISCARD"), "ERR DISCARD without MULTI"),
	      "DISCARD without MULTI: %s", show(r));
	/* WATCH, a write from the other context: EXEC replies nil. */
	CHECK(IS_STATUS(cmd(c, &r, "WATCH h:m"), "OK"), "WATCH: %s", show(r));
	CHECK(IS_STATUS(cmd(o, &ro, "SET h:m 50"), "OK"), "other SET: %s",
	      show(ro));
	cmd(c, &r, "MULTI");
	cmd(c, &r, "INCR h:m");
	cmd(c, &r, "EXEC");
	CHECK(r && r->type == REDIS_REPLY_NIL, "EXEC after conflict: %s",
	      show(r));
	CHECK(IS_BULK(cmd(c, &r, "GET h:m"), "50"), "value: %s", show(r));
	/* Errors inside MULTI. */
	cmd(c, &r, "MULTI");
	CHECK(
	    IS_ERROR(cmd(c, &r, "MULTI"), "ERR MULTI calls can not be nested"),
	    "nested MULTI: %s", show(r));
	CHECK(IS_ERROR(cmd(c, &r, "GET"),
		       "ERR wrong number of arguments for 'get' command"),
	      "arity in MULTI: %s", show(r));
	CHECK(IS_ERROR(cmd(c, &r, "EXEC"),
		       "EXECABORT Transaction discarded because of previous "
		       "errors."),
	      "EXECABORT: %s", show(r));
	ok = true;
fail:
	release(c, r);
	release(o, ro);
	return ok;
}

/* Array reply r is [kind, channel, third], third a bulk (len n) or an
 * integer (n < 0: -n is the count). */
static bool is_push(const redisReply *r, const char *kind, const char *chan,
		    const char *third, size_t n, long long count)
{
	if (!r || r->type != REDIS_REPLY_ARRAY || r->elements != 3)
		return false;
	if (!IS_BULK(r->element[0], kind) || !IS_BULK(r->element[1], chan))
		return false;
	if (third)
		return is_str(r->element[2], REDIS_REPLY_STRING, third, n);
	return is_int(r->element[2], count);
}

static bool t_pubsub(void)
{
	redisContext *s = connect_ctx(), *p = connect_ctx();
	redisReply *r = NULL, *rp = NULL;
	bool ok = false;
	static const char msg[] = "bin\0ary\r\nmessage";

	CHECK(s && p, "connect: %s", conn_err);
	cmd(s, &r, "SUBSCRIBE h:ch");
	CHECK(is_push(r, "subscribe", "h:ch", NULL, 0, 1), "SUBSCRIBE: %s",
	      show(r));
	cmd(s, &r, "PSUBSCRIBE h:pat:*");
	CHECK(r && r->type == REDIS_REPLY_ARRAY && r->elements == 3 &&
		  IS_BULK(r->element[0], "psubscribe") &&
		  is_int(r->element[2], 2),
	      "PSUBSCRIBE: %s", show(r));
	CHECK(is_int(cmd(p, &rp, "PUBLISH h:ch %b", msg, sizeof(msg) - 1), 1),
	      "PUBLISH: %s", show(rp));
	CHECK(next_reply(s, &r), "message: %s", s->errstr);
	CHECK(is_push(r, "message", "h:ch", msg, sizeof(msg) - 1, 0),
	      "message: %s", show(r));
	CHECK(is_int(cmd(p, &rp, "PUBLISH h:pat:1 x"), 1), "PUBLISH pat: %s",
	      show(rp));
	CHECK(next_reply(s, &r), "pmessage: %s", s->errstr);
	CHECK(r && r->type == REDIS_REPLY_ARRAY && r->elements == 4 &&
		  IS_BULK(r->element[0], "pmessage") &&
		  IS_BULK(r->element[1], "h:pat:*") &&
		  IS_BULK(r->element[2], "h:pat:1") &&
		  IS_BULK(r->element[3], "x"),
	      "pmessage: %s", show(r));
	/* RESP2 subscribed mode refuses other commands. */
	CHECK(IS_ERROR(cmd(s, &r, "GET x"),
		       "ERR Can't execute 'get': only (P|S)SUBSCRIBE / "
		       "(P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in "
		       "this context"),
	      "GET while subscribed: %s", show(r));
	cmd(s, &r, "UNSUBSCRIBE h:ch");
	CHECK(is_push(r, "unsubscribe", "h:ch", NULL, 0, 1), "UNSUBSCRIBE: %s",
	      show(r));
	CHECK(is_int(cmd(p, &rp, "PUBLISH h:ch y"), 0),
	      "PUBLISH after UNSUBSCRIBE: %s", show(rp));
	cmd(s, &r, "PUNSUBSCRIBE");
	CHECK(is_push(r, "punsubscribe", "h:pat:*", NULL, 0, 0),
	      "PUNSUBSCRIBE: %s", show(r));
	/* Back to normal mode. */
	CHECK(IS_STATUS(cmd(s, &r, "PING"), "PONG"), "PING after: %s", show(r));
	ok = true;
fail:
	release(s, r);
	release(p, rp);
	return ok;
}

static bool t_binary(void)
{
	redisContext *c = connect_ctx();
	redisReply *r = NULL;
	bool ok = false;
	char all[256 * 4];
	static const char key[] = "h:\0bin\r\nkey";
	size_t big_len = 1 << 20;
	char *big = malloc(big_len);

	CHECK(c && big, "connect: %s", conn_err);
	for (size_t i = 0; i < sizeof(all); i++)
		all[i] = (char)(i & 0xff);
	CHECK(IS_STATUS(cmd(c, &r, "SET %b %b", key, sizeof(key) - 1, all,
			    sizeof(all)),
			"OK"),
	      "SET binary: %s", show(r));
	cmd(c, &r, "GET %b", key, sizeof(key) - 1);
	CHECK(is_str(r, REDIS_REPLY_STRING, all, sizeof(all)), "GET binary: %s",
	      show(r));
	CHECK(is_int(cmd(c, &r, "STRLEN %b", key, sizeof(key) - 1),
		     (long long)sizeof(all)),
	      "STRLEN: %s", show(r));
	cmd(c, &r, "GETRANGE %b 0 2", key, sizeof(key) - 1);
	CHECK(is_str(r, REDIS_REPLY_STRING, "\0\1\2", 3), "GETRANGE: %s",
	      show(r));
	CHECK(is_int(cmd(c, &r, "APPEND %b %b", key, sizeof(key) - 1, "\0", 1),
		     (long long)sizeof(all) + 1),
	      "APPEND NUL: %s", show(r));
	cmd(c, &r, "ECHO %b", "a\0b", (size_t)3);
	CHECK(is_str(r, REDIS_REPLY_STRING, "a\0b", 3), "ECHO: %s", show(r));
	/* The key with NUL and CRLF is distinct from its prefix. */
	CHECK(is_int(cmd(c, &r, "EXISTS h:"), 0), "EXISTS prefix: %s", show(r));
	CHECK(is_int(cmd(c, &r, "EXISTS %b", key, sizeof(key) - 1), 1),
	      "EXISTS binary key: %s", show(r));
	/* A 1 MB value of every byte value. */
	for (size_t i = 0; i < big_len; i++)
		big[i] = (char)((i * 7) & 0xff);
	CHECK(IS_STATUS(cmd(c, &r, "SET h:big %b", big, big_len), "OK"),
	      "SET 1MB: %s", show(r));
	cmd(c, &r, "GET h:big");
	CHECK(is_str(r, REDIS_REPLY_STRING, big, big_len), "GET 1MB: %s",
	      show(r));
	ok = true;
fail:
	free(big);
	release(c, r);
	return ok;
}

static int passed, failed;

static void check(const char *name, bool (*fn)(void))
{
	fail_msg[0] = 0;
	if (fn()) {
		passed++;
		printf("ok   %s\n", name);
	} else {
		failed++;
		printf("FAIL %s: %s\n", name, fail_msg);
	}
	fflush(stdout);
}

static void print_log_tail(const char *logpath)
{
	FILE *f = fopen(logpath, "r");
	char line[512];

	if (!f)
		return;
	printf("# server log:\n");
	while (fgets(line, sizeof(line), f))
		printf("#   %s", line);
	fclose(f);
}

int main(int argc, char **argv)
{
	char dir[] = "/tmp/rkv-hiredis-XXXXXX";
	char logpath[sizeof(dir) + 16];
	int status;

	if (argc != 2) {
		fprintf(stderr, "usage: hiredis_session PATH/TO/rkv-server\n");
		return 2;
	}
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(logpath, sizeof(logpath), "%s/server.log", dir);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGPIPE, SIG_IGN);
	port = free_port();
	if (port < 0) {
		perror("free port");
		return 1;
	}
	server_pid = start_server(argv[1], dir, logpath);
	if (server_pid < 0) {
		perror("fork");
		return 1;
	}
	printf("# server pid %d, port %d\n", (int)server_pid, port);
	if (!wait_ready()) {
		printf("FAIL server accepts connections: %s\n", fail_msg);
		failed++;
	} else {
		check("synchronous commands", t_sync);
		check("error replies, exact text", t_errors);
		check("redisAppendCommand pipelines of 1000", t_pipeline);
		check("MULTI/EXEC/DISCARD/WATCH", t_multi);
		check("SUBSCRIBE/PUBLISH across two contexts", t_pubsub);
		check("binary-safe keys and values with NULs", t_binary);
	}
	status = stop_server();
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		passed++;
		printf("ok   SIGTERM: exit status 0\n");
	} else {
		failed++;
		printf("FAIL SIGTERM: wait status 0x%x\n", status);
	}
	if (failed)
		print_log_tail(logpath);
	unlink(logpath);
	rmdir(dir);
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
