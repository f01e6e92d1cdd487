/* Differential test: the same command script goes to a real redis-server
 * (started here on a free loopback port, stopped by PID) and to an
 * in-process rkv node; every reply must be byte-identical.
 *
 *   differential <redis-server path> <script file>
 *
 * The script has one inline command per line (Redis's inline quoting; blank
 * lines and lines starting with '#' are skipped). A line starting with
 * "@sorted " compares the replies after sorting the elements of every
 * array (for commands whose order is unspecified: KEYS, SCAN). Each command is
 * sent to both as a multibulk request. Output: one line per mismatch, then "N
 * passed, N failed".
 *
 * Several clients: "@conn N" (0..7) makes client N current for the lines
 * that follow (each side opens it on first use), and "@read" compares one
 * more reply arriving on the current client without sending anything (a
 * pub/sub message, say). "@type " compares only the type of the reply
 * (HELLO, whose client ID and version differ). */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "alloc.h"
#include "resp.h"
#include "rkv.h"

static pid_t redis_pid = -1;

static void stop_redis(void)
{
	if (redis_pid > 0) {
		kill(redis_pid, SIGTERM);
		waitpid(redis_pid, NULL, 0);
		redis_pid = -1;
	}
}

static void on_signal(int sig)
{
	stop_redis();
	signal(sig, SIG_DFL);
	raise(sig);
}

static int free_port(void)
{
	struct sockaddr_in a = {.sin_family = AF_INET};
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0), port;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    getsockname(fd, (struct sockaddr *)&a, &len) < 0) {
		perror("free_port");
		exit(2);
	}
	port = ntohs(a.sin_port);
	close(fd);
	return port;
}

static int64_t now_ms(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int redis_port;

/* Start redis-server and connect to it, polling until a deadline. */
static int start_redis(const char *path)
{
	char portstr[16];
	int port = free_port(), fd = -1;
	int64_t deadline = now_ms(CLOCK_MONOTONIC) + 10000;
	struct sockaddr_in a = {.sin_family = AF_INET};

	snprintf(portstr, sizeof(portstr), "%d", port);
	redis_pid = fork();
	if (redis_pid == 0) {
		int devnull = open("/dev/null", O_WRONLY);

		dup2(devnull, 1);
		execl(path, path, "--port", portstr, "--bind", "127.0.0.1",
		      "--save", "", "--appendonly", "no", "--daemonize", "no",
		      "--enable-debug-command", "yes", (char *)NULL);
		_exit(127);
	}
	if (redis_pid < 0) {
		perror("fork");
		exit(2);
	}
	redis_port = port;
	a.sin_port = htons((uint16_t)port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	while (now_ms(CLOCK_MONOTONIC) < deadline) {
		fd = socket(AF_INET, SOCK_STREAM, 0);
		if (connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0)
			return fd;
		close(fd);
		if (waitpid(redis_pid, NULL, WNOHANG) == redis_pid) {
			redis_pid = -1;
			fprintf(stderr, "redis-server exited at start-up\n");
			exit(2);
		}
		usleep(
		    10000); /* polling with a deadline, not synchronisation */
	}
	fprintf(stderr, "redis-server did not accept connections in 10 s\n");
	exit(2);
}

/* One client, on both sides: its socket to redis-server with the bytes read
 * and not yet compared, and its rkv connection with the output not yet
 * compared. */
#define MAX_CONNS 8
typedef struct side {
	int fd;
	char pending[1 << 20];
	size_t plen;
	rkv_conn *conn;
	char out[1 << 20];
	size_t outlen;
} side;

static side sides[MAX_CONNS];

static int connect_redis(void)
{
	struct sockaddr_in a = {.sin_family = AF_INET};
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	a.sin_port = htons((uint16_t)redis_port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
		perror("connect");
		exit(2);
	}
	return fd;
}

/* Feed buf[*off..len) to p, advancing *off: 1 once a reply is complete
 * (buf[0..*off) is it), 0 when it needs more bytes, -1 on bad input. */
static int reply_scan(rkv_reply_parser *p, const char *buf, size_t len,
		      size_t *off)
{
	for (;;) {
		rkv_resp_token tok;
		size_t used;
		int r = rkv_reply_next(p, buf + *off, len - *off, &used, &tok);

		if (r != RKV_RESP_DONE)
			return r < 0 ? -1 : 0;
		*off += used;
		if (tok.end)
			return 1;
	}
}

/* Move the first n bytes of q[0..*qlen), but at most cap, to buf;
 * returns how many moved. */
static size_t take_front(char *q, size_t *qlen, size_t n, char *buf, size_t cap)
{
	if (n > cap)
		n = cap;
	memcpy(buf, q, n);
	memmove(q, q + n, *qlen - n);
	*qlen -= n;
	return n;
}

/* Take the first complete reply rkv queued on a client. */
static size_t take_rkv_reply(side *sd, char *buf, size_t cap)
{
	rkv_reply_parser p;
	size_t n = 0;

	rkv_reply_parser_init(&p);
	if (reply_scan(&p, sd->out, sd->outlen, &n) != 1)
		n = 0;
	return take_front(sd->out, &sd->outlen, n, buf, cap);
}

/* One complete reply from the socket, using rkv's tokenizer to know where
 * it ends; waits at most 5 s. */
static size_t read_reply(side *sd, char *buf, size_t cap)
{
	char *pending = sd->pending;
	size_t plen = sd->plen;
	int fd = sd->fd;
	rkv_reply_parser p;
	size_t off = 0;

	rkv_reply_parser_init(&p);
	for (;;) {
		int r = reply_scan(&p, pending, plen, &off);

		if (r == 1)
			break;
		if (r < 0) {
			fprintf(stderr, "bad reply from redis: %s\n", p.errmsg);
			exit(2);
		}
		if (plen == sizeof(sd->pending)) {
			fprintf(stderr, "reply too large\n");
			exit(2);
		}
		struct pollfd pfd = {.fd = fd, .events = POLLIN};

		if (poll(&pfd, 1, 5000) != 1) {
			fprintf(stderr, "no reply from redis in 5 s\n");
			exit(2);
		}
		ssize_t n =
		    read(fd, pending + plen, sizeof(sd->pending) - plen);

		if (n <= 0) {
			fprintf(stderr, "redis closed the connection\n");
			exit(2);
		}
		plen += (size_t)n;
	}
	sd->plen = plen;
	return take_front(pending, &sd->plen, off, buf, cap);
}

static int64_t on_send(rkv_node *n, rkv_conn *c, const uint8_t *d, size_t len,
		       void *ud)
{
	side *sd = rkv_conn_user_data(c);

	(void)n;
	(void)ud;
	if (len > sizeof(sd->out) - sd->outlen)
		len = sizeof(sd->out) - sd->outlen;
	memcpy(sd->out + sd->outlen, d, len);
	sd->outlen += len;
	return (int64_t)len;
}

static int64_t on_clock(rkv_node *n, void *ud)
{
	struct timespec ts;

	(void)n;
	(void)ud;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Serialize the reply at buf[*off..len) with each aggregate's elements
 * sorted, into a malloc'd string (*outlen bytes). */
typedef struct piece {
	char *p;
	size_t n;
} piece;

static int piece_cmp(const void *a, const void *b)
{
	const piece *x = a, *y = b;
	size_t n = x->n < y->n ? x->n : y->n;
	int r = memcmp(x->p, y->p, n);

	return r ? r : (x->n > y->n) - (x->n < y->n);
}

static piece canon(rkv_reply_parser *p, const char *buf, size_t len,
		   size_t *off)
{
	rkv_resp_token tok;
	size_t used, start = *off;
	piece out = {NULL, 0};

	if (rkv_reply_next(p, buf + *off, len - *off, &used, &tok) !=
	    RKV_RESP_DONE)
		return out;
	*off += used;
	if ((tok.type == '*' || tok.type == '~' || tok.type == '>') &&
	    tok.n > 0) {
		piece *kids = calloc((size_t)tok.n, sizeof(*kids));
		size_t total = used;

		for (long long i = 0; i < tok.n; i++) {
			kids[i] = canon(p, buf, len, off);
			total += kids[i].n;
		}
		qsort(kids, (size_t)tok.n, sizeof(*kids), piece_cmp);
		out.p = malloc(total);
		memcpy(out.p, buf + start, used);
		out.n = used;
		for (long long i = 0; i < tok.n; i++) {
			memcpy(out.p + out.n, kids[i].p, kids[i].n);
			out.n += kids[i].n;
			free(kids[i].p);
		}
		free(kids);
		return out;
	}
	out.p = malloc(used ? used : 1);
	memcpy(out.p, buf + start, used);
	out.n = used;
	return out;
}

/* Sort the arrays of a complete reply in place. */
static void sort_reply(char *buf, size_t len)
{
	rkv_reply_parser p;
	size_t off = 0;
	piece c;

	rkv_reply_parser_init(&p);
	c = canon(&p, buf, len, &off);
	if (c.n == len)
		memcpy(buf, c.p, len);
	free(c.p);
}

static void print_escaped(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\r')
			fputs("\\r", stdout);
		else if (s[i] == '\n')
			fputs("\\n", stdout);
		else if ((unsigned char)s[i] < 0x20)
			printf("\\x%02x", (unsigned char)s[i]);
		else
			putchar(s[i]);
	}
}

int main(int argc, char **argv)
{
	static char req[1 << 16], theirs[1 << 20], ours[1 << 20];
	rkv_req_parser parser;
	rkv_callbacks *cbs;
	rkv_options *opts;
	rkv_node *node;
	side *cur = &sides[0];
	FILE *script;
	char line[4096];
	int passed = 0, failed = 0, lineno = 0;

	if (argc != 3) {
		fprintf(stderr, "usage: %s REDIS_SERVER SCRIPT\n", argv[0]);
		return 2;
	}
	script = fopen(argv[2], "r");
	if (!script) {
		perror(argv[2]);
		return 2;
	}
	atexit(stop_redis);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGPIPE, SIG_IGN);
	sides[0].fd = start_redis(argv[1]);

	rkv_callbacks_new(&cbs);
	rkv_callbacks_set_send(cbs, on_send);
	rkv_callbacks_set_clock(cbs, on_clock);
	rkv_options_new(&opts);
	/* As the redis-server above: DEBUG (DIGEST) is compared too. */
	rkv_options_set_enable_debug_command(opts, RKV_PROTECTED_YES);
	if (rkv_node_new(&node, cbs, opts, NULL) < 0 ||
	    rkv_conn_new(node, &sides[0].conn, &sides[0]) < 0)
		return 2;
	rkv_callbacks_free(cbs);
	rkv_options_free(opts);
	rkv_req_parser_init(&parser, rkv_default_allocator());

	while (fgets(line, sizeof(line), script)) {
		size_t used, rlen = 0, tlen, olen;
		char *cmd = line;
		bool sorted = false, type_only = false;
		int r, n;

		lineno++;
		if (line[0] == '#' || line[0] == '\n')
			continue;
		if (sscanf(line, "@conn %d", &n) == 1) {
			if (n < 0 || n >= MAX_CONNS) {
				fprintf(stderr, "line %d: bad client\n",
					lineno);
				return 2;
			}
			cur = &sides[n];
			if (!cur->conn) {
				cur->fd = connect_redis();
				if (rkv_conn_new(node, &cur->conn, cur) < 0)
					return 2;
			}
			continue;
		}
		if (strncmp(line, "@read", 5) == 0)
			goto compare;
		if (strncmp(line, "@type ", 6) == 0) {
			type_only = true;
			cmd += 6;
		}
		if (strncmp(line, "@sorted ", 8) == 0) {
			sorted = true;
			cmd += 8;
		}
		/* The script line, split with Redis's inline rules. */
		r = rkv_req_parse(&parser, cmd, strlen(cmd), &used);
		if (r != RKV_RESP_DONE) {
			fprintf(stderr, "line %d: cannot parse\n", lineno);
			return 2;
		}
		rlen +=
		    (size_t)snprintf(req, sizeof(req), "*%zu\r\n", parser.argc);
		for (size_t i = 0; i < parser.argc; i++) {
			rlen +=
			    (size_t)snprintf(req + rlen, sizeof(req) - rlen,
					     "$%zu\r\n", parser.argv[i].len);
			memcpy(req + rlen, parser.argv[i].ptr,
			       parser.argv[i].len);
			rlen += parser.argv[i].len;
			memcpy(req + rlen, "\r\n", 2);
			rlen += 2;
		}
		if (write(cur->fd, req, rlen) != (ssize_t)rlen) {
			perror("write");
			return 2;
		}
		rkv_conn_recv(cur->conn, (const uint8_t *)req, rlen);
	compare:
		tlen = read_reply(cur, theirs, sizeof(theirs));
		olen = take_rkv_reply(cur, ours, sizeof(ours));
		if (sorted) {
			sort_reply(theirs, tlen);
			sort_reply(ours, olen);
		}
		if (type_only && tlen && olen && theirs[0] == ours[0]) {
			passed++;
			continue;
		}
		if (tlen == olen && memcmp(theirs, ours, tlen) == 0) {
			passed++;
			continue;
		}
		failed++;
		printf("MISMATCH line %d: %.*s", lineno, (int)strlen(line),
		       line);
		printf("  redis: ");
		print_escaped(theirs, tlen);
		printf("\n  rkv:   ");
		print_escaped(ours, olen);
		printf("\n");
	}
	fclose(script);
	rkv_req_parser_free(&parser);
	for (int i = 0; i < MAX_CONNS; i++) {
		if (sides[i].conn) {
			rkv_conn_free(sides[i].conn);
			close(sides[i].fd);
		}
	}
	rkv_node_free(node);
	stop_redis();
	printf("differential: %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
