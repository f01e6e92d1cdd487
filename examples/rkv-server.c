/* rkv-server: a real single-threaded epoll server hosting one rkv node.
 *
 * It uses only the public API (rkv.h). The host owns everything the library
 * does not do:
 *   - a listening TCP socket; each accepted client gets an rkv_conn whose
 *     user_data is the host's `struct client` (holding the fd);
 *   - reads: bytes go to rkv_conn_recv(); replies come back through the send
 *     callback, which write()s and, when the socket is full, returns
 *     RKV_ERR_WOULDBLOCK and waits for EPOLLOUT to call rkv_conn_writable();
 *   - the close callback only marks the client; marked clients are closed and
 *     freed after each event-loop iteration, never inside a callback;
 *   - a timerfd calls rkv_node_tick() hz times a second; the clock callback
 *     gives wall-clock time; a signalfd turns SIGTERM/SIGINT into a clean
 *     shutdown.
 * Log lines use redis-server's format on stdout. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <pthread.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "rkv.h"

#define READ_BUF_SIZE (64 * 1024)
/* Reads per readiness event, so one busy client cannot starve the others
 * (epoll is level-triggered: what is left is reported again). */
#define MAX_READS_PER_EVENT 16
/* Redis's MAX_ACCEPTS_PER_CALL. */
#define MAX_ACCEPTS_PER_EVENT 1000
#define MAX_EVENTS	      128
/* Redis's CONFIG_BINDADDR_MAX. */
#define MAX_LISTENERS 16
/* Redis's CONFIG_MIN_RESERVED_FDS: descriptors kept for other uses. */
#define RESERVED_FDS 32

/* ---------------------------------------------------------------------- */
/* Configuration: what the host acts on                                   */
/* ---------------------------------------------------------------------- */

/* Every directive lives in the node (rkv_node_config_set/get); the host
 * keeps a copy of the ones it acts on (the HOST class), refreshed from the
 * node at startup and on every tick (CONFIG SET may change some). */
struct config {
	char *configfile; /* absolute path, or NULL (malloc) */
	int port;
	char bind[512]; /* space-separated addresses, as CONFIG GET bind */
	rkv_log_level verbosity;
	int hz;
	char logfile[PATH_MAX];
	char pidfile[PATH_MAX];
	bool daemonize;
	bool protected_mode;
	bool has_password; /* requirepass is set */
	int tcp_keepalive;
	int tcp_backlog;
};

static void config_init(struct config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->port = 6379;
	snprintf(cfg->bind, sizeof(cfg->bind), "%s", "* -::*");
	cfg->verbosity = RKV_LOG_NOTICE;
	cfg->hz = 10;
	cfg->protected_mode = true;
	cfg->tcp_keepalive = 300;
	cfg->tcp_backlog = 511;
}

static void usage(FILE *out)
{
	fprintf(
	    out,
	    "Usage: rkv-server [/path/to/redis.conf] [options] [-]\n"
	    "       rkv-server - (read config from stdin)\n"
	    "       rkv-server /path/to/sentinel.conf --sentinel\n"
	    "       rkv-server -v or --version\n"
	    "       rkv-server -h or --help\n"
	    "\n"
	    "A single-threaded Redis-protocol server hosting one rkv "
	    "node.\n"
	    "\n"
	    "It reads redis.conf files as redis-server 7.0 does: every "
	    "directive of\n"
	    "Redis 7.0 is known, `include` works, and each --name value "
	    "option is a\n"
	    "directive line appended to the file. Directives rkv does not "
	    "implement but\n"
	    "whose value asks for nothing it lacks are accepted with a "
	    "warning; values\n"
	    "asking for a missing feature (appendonly yes, cluster-enabled "
	    "yes, ...)\n"
	    "are refused.\n"
	    "\n"
	    "Common options (redis-server's names and defaults):\n"
	    "  --port N            TCP port to listen on (default 6379)\n"
	    "  --bind ADDR...      addresses to listen on; a leading - makes "
	    "one\n"
	    "                      optional; * any IPv4, ::* any IPv6 "
	    "(default * -::*)\n"
	    "  --protected-mode B  yes: without requirepass, only loopback "
	    "clients\n"
	    "  --loglevel LEVEL    debug, verbose, notice or warning\n"
	    "  --logfile PATH      append the log there (default: stdout)\n"
	    "  --hz N              timer frequency, clamped to 1-500 "
	    "(default 10)\n"
	    "  --requirepass PASS  clients must AUTH first\n"
	    "  --maxclients N      connection limit (default 10000)\n"
	    "  --daemonize B       yes: fork into the background\n"
	    "  --sentinel          run as redis-sentinel (also when the "
	    "program's\n"
	    "                      name contains rkv-sentinel); default "
	    "port 26379\n"
	    "\n"
	    "Examples:\n"
	    "  rkv-server /etc/redis/redis.conf\n"
	    "  rkv-server --port 7777\n"
	    "  rkv-server redis.conf --port 7777 --loglevel verbose\n"
	    "  echo 'port 7777' | rkv-server -\n"
	    "\n"
	    "SIGTERM or SIGINT shuts the server down cleanly.\n");
}

/* A growable string for the configuration text. */
struct text {
	char *p;
	size_t len, cap;
};

static void text_add(struct text *t, const char *s, size_t n)
{
	if (t->len + n + 1 > t->cap) {
		size_t cap = t->cap ? t->cap : 256;

		while (cap < t->len + n + 1)
			cap *= 2;
		t->p = realloc(t->p, cap);
		if (!t->p) {
			fprintf(stderr, "rkv-server: out of memory\n");
			exit(1);
		}
		t->cap = cap;
	}
	memcpy(t->p + t->len, s, n);
	t->len += n;
	t->p[t->len] = '\0';
}

static void text_str(struct text *t, const char *s)
{
	text_add(t, s, strlen(s));
}

/* Append s quoted as Redis's sdscatrepr() does. */
static void text_repr(struct text *t, const char *s)
{
	text_add(t, "\"", 1);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		char esc[8];

		switch (c) {
		case '\\':
		case '"':
			esc[0] = '\\';
			esc[1] = (char)c;
			text_add(t, esc, 2);
			break;
		case '\n':
			text_add(t, "\\n", 2);
			break;
		case '\r':
			text_add(t, "\\r", 2);
			break;
		case '\t':
			text_add(t, "\\t", 2);
			break;
		case '\a':
			text_add(t, "\\a", 2);
			break;
		case '\b':
			text_add(t, "\\b", 2);
			break;
		default:
			if (c >= 0x20 && c < 0x7f) {
				text_add(t, (const char *)&c, 1);
			} else {
				snprintf(esc, sizeof(esc), "\\x%02x", c);
				text_add(t, esc, 4);
			}
		}
	}
	text_add(t, "\"", 1);
}

/* The command line, as redis-server 7.0 reads it: an optional config file
 * first (or "-" for stdin, first or last), then --name value... options
 * turned into directive lines appended to the file's text. */
struct cmdline {
	const char *configfile;
	bool from_stdin;
	struct text options;
};

/* Returns -1 to exit with status 0 (help, version), 0 to run. */
static int parse_args(struct cmdline *cl, int argc, char **argv)
{
	bool handled_last = true;
	int j = 1;

	memset(cl, 0, sizeof(*cl));
	text_add(&cl->options, "", 0);
	if (argc >= 2) {
		const char *a = argv[1];

		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage(stdout);
			return -1;
		}
		if (!strcmp(a, "-v") || !strcmp(a, "--version")) {
			printf("rkv-server v=%s (librkv %s)\n",
			       RKV_VERSION_STRING, rkv_version());
			return -1;
		}
		if (a[0] != '-') {
			cl->configfile = a;
			j = 2;
		}
	}
	for (; j < argc; j++) {
		const char *a = argv[j];

		if (a[0] == '-' && a[1] == '\0' && (j == 1 || j == argc - 1)) {
			cl->from_stdin = true;
		} else if (handled_last && a[0] == '-' && a[1] == '-') {
			if (cl->options.len)
				text_str(&cl->options, "\n");
			text_str(&cl->options, a + 2);
			text_str(&cl->options, " ");
			if (!strchr(a, ' ')) {
				/* Only the name: its value follows. A bare
				 * --save (last, or before another option)
				 * means save "", as Redis 7.0.1+. */
				handled_last = false;
				if (!strcasecmp(a, "--save") &&
				    (j == argc - 1 ||
				     (argv[j + 1][0] == '-' &&
				      argv[j + 1][1] == '-'))) {
					text_str(&cl->options, "\"\"");
					handled_last = true;
				}
				/* --sentinel is a pseudo option without a
				 * value (main() already saw it). */
				if (!strcasecmp(a, "--sentinel") &&
				    (j == argc - 1 || (argv[j + 1][0] == '-' &&
						       argv[j + 1][1] == '-')))
					handled_last = true;
			}
		} else {
			text_repr(&cl->options, a);
			text_str(&cl->options, " ");
			handled_last = true;
		}
	}
	return 0;
}

/* ---------------------------------------------------------------------- */
/* Server state                                                           */
/* ---------------------------------------------------------------------- */

/* What an epoll event's data.ptr points at. */
enum handle_kind { H_LISTEN, H_TIMER, H_SIGNAL, H_CLIENT, H_COMMIT };

struct handle {
	enum handle_kind kind;
	int fd;
};

struct client {
	struct handle h; /* first: epoll data.ptr points here */
	rkv_conn *conn;
	uint32_t events; /* current epoll interest */
	bool reading;	 /* false once rkv_conn_recv() said RKV_ERR_CLOSED */
	bool connecting; /* outbound: the non-blocking connect is pending */
	bool closing;	 /* marked: closed and freed after this iteration */
	char addr[64];	 /* "ip:port", for log lines */
	struct client *prev, *next; /* all clients */
	struct client *next_close;  /* marked clients */
};

struct server {
	struct config cfg;
	bool sentinel; /* sentinel mode (--sentinel, or rkv-sentinel) */
	pid_t pid;
	rkv_node *node;
	int epfd;
	struct handle listeners[MAX_LISTENERS];
	int nlisteners;
	struct handle timer, signals;
	struct client *clients;
	struct client *to_close;
	bool accept_paused;
	bool shutdown;
	bool shutdown_cmd; /* asked by SHUTDOWN (the node logged it) */
	bool shutdown_save, shutdown_nosave; /* SHUTDOWN SAVE / NOSAVE */
	/* The longest event-loop iteration while the current (or last)
	 * background save ran: INFO rkv_bgsave_loop_max_usec. */
	int64_t bgsave_loop_max_us;
	int64_t bgsave_loop_max_cpu_us; /* the same in the thread's CPU time */
	/* A background save's file being committed by a thread (fsync and
	 * rename take milliseconds); the thread signals `committed`. */
	struct rdb_file *committing;
	struct handle committed;
};

static int64_t clock_ms(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---------------------------------------------------------------------- */
/* Logging: "<pid>:M <dd Mon yyyy HH:MM:SS.mmm> <marker> <msg>"           */
/* ---------------------------------------------------------------------- */

static void log_line(const struct server *srv, rkv_log_level level,
		     const char *msg)
{
	static const char marker[] = ".-*#";
	struct timespec ts;
	struct tm tm;
	char when[64];
	size_t off;
	int lvl = (int)level;
	/* Redis's role letter: X for a sentinel, S while a replica, else
	 * M. */
	char role = srv->sentinel				  ? 'X'
		    : srv->node && rkv_node_is_replica(srv->node) ? 'S'
								  : 'M';

	if (lvl < RKV_LOG_DEBUG)
		lvl = RKV_LOG_DEBUG;
	if (lvl > RKV_LOG_WARNING) /* a level newer than this host */
		lvl = RKV_LOG_WARNING;
	if (lvl < (int)srv->cfg.verbosity)
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	localtime_r(&ts.tv_sec, &tm);
	off = strftime(when, sizeof(when), "%d %b %Y %H:%M:%S.", &tm);
	snprintf(when + off, sizeof(when) - off, "%03d",
		 (int)(ts.tv_nsec / 1000000));
	if (srv->cfg.logfile[0]) {
		/* Opened per line, as Redis: log rotation just works. */
		FILE *fp = fopen(srv->cfg.logfile, "a");

		if (!fp)
			return;
		fprintf(fp, "%d:%c %s %c %s\n", (int)srv->pid, role, when,
			marker[lvl], msg);
		fclose(fp);
		return;
	}
	printf("%d:%c %s %c %s\n", (int)srv->pid, role, when, marker[lvl], msg);
	fflush(stdout);
}

static __attribute__((format(printf, 3, 4))) void
server_log(const struct server *srv, rkv_log_level level, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	if (level < srv->cfg.verbosity)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_line(srv, level, msg);
}

/* ---------------------------------------------------------------------- */
/* Clients                                                                */
/* ---------------------------------------------------------------------- */

/* Mark a client for closing at the end of this loop iteration. Safe inside
 * rkv callbacks and idempotent. */
static void client_mark_close(struct server *srv, struct client *c)
{
	if (c->closing)
		return;
	c->closing = true;
	c->next_close = srv->to_close;
	srv->to_close = c;
}

/* Set the client's epoll interest. */
static void client_watch(struct server *srv, struct client *c, uint32_t events)
{
	struct epoll_event ev = {.events = events, .data.ptr = &c->h};

	if (c->closing || events == c->events)
		return;
	if (epoll_ctl(srv->epfd, EPOLL_CTL_MOD, c->h.fd, &ev) < 0) {
		server_log(srv, RKV_LOG_WARNING, "epoll_ctl: %s",
			   strerror(errno));
		client_mark_close(srv, c);
		return;
	}
	c->events = events;
}

/* Close the socket and free the client; never called inside a callback. */
static void client_free(struct server *srv, struct client *c)
{
	if (c->prev)
		c->prev->next = c->next;
	else
		srv->clients = c->next;
	if (c->next)
		c->next->prev = c->prev;
	close(c->h.fd); /* also removes it from the epoll set */
	rkv_conn_free(c->conn);
	free(c);
}

static void close_marked_clients(struct server *srv)
{
	while (srv->to_close) {
		struct client *c = srv->to_close;

		srv->to_close = c->next_close;
		client_free(srv, c);
	}
}

/* "ip:port", "[ipv6]:port" as Redis formats peers. */
static void format_addr(const struct sockaddr *sa, socklen_t len, char *out,
			size_t outlen)
{
	char host[NI_MAXHOST], serv[NI_MAXSERV];

	if (getnameinfo(sa, len, host, sizeof(host), serv, sizeof(serv),
			NI_NUMERICHOST | NI_NUMERICSERV) != 0) {
		snprintf(out, outlen, "?:0");
		return;
	}
	snprintf(out, outlen, strchr(host, ':') ? "[%s]:%s" : "%s:%s", host,
		 serv);
}

/* Redis's connIsLocal(): a loopback peer. */
static bool peer_is_local(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const void *)sa;

		return (ntohl(in->sin_addr.s_addr) >> 24) == 127;
	}
	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const void *)sa;
		const uint8_t *b = in6->sin6_addr.s6_addr;

		if (IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr))
			return true;
		return IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr) && b[12] == 127;
	}
	return sa->sa_family == AF_UNIX;
}

/* protected-mode yes without a password: only loopback clients, the others
 * get Redis 7.0's DENIED error and are closed. Returns true if refused. */
static bool protected_mode_refuses(struct server *srv, int fd,
				   const struct sockaddr *sa)
{
	static const char err[] =
	    "-DENIED Redis is running in protected mode because protected "
	    "mode is enabled and no password is set for the default user. "
	    "In this mode connections are only accepted from the loopback "
	    "interface. If you want to connect from external computers to "
	    "Redis you may adopt one of the following solutions: 1) Just "
	    "disable protected mode sending the command 'CONFIG SET "
	    "protected-mode no' from the loopback interface by connecting to "
	    "Redis from the same host the server is running, however MAKE "
	    "SURE Redis is not publicly accessible from internet if you do "
	    "so. Use CONFIG REWRITE to make this change permanent. 2) "
	    "Alternatively you can just disable the protected mode by "
	    "editing the Redis configuration file, and setting the protected "
	    "mode option to 'no', and then restarting the server. 3) If you "
	    "started the server manually just for testing, restart it with "
	    "the '--protected-mode no' option. 4) Setup a an authentication "
	    "password for the default user. NOTE: You only need to do one of "
	    "the above things in order for the server to start accepting "
	    "connections from the outside.\r\n";

	if (!srv->cfg.protected_mode || srv->cfg.has_password ||
	    peer_is_local(sa))
		return false;
	/* Best effort, as Redis: the client may already be gone. */
	if (write(fd, err, sizeof(err) - 1) < 0) {
	}
	close(fd);
	return true;
}

/* Redis's anetKeepAlive(). Best effort. */
static void set_keepalive(int fd, int interval)
{
	int one = 1, idle = interval, intvl = interval / 3, cnt = 3;

	if (interval <= 0)
		return;
	if (intvl == 0)
		intvl = 1;
	(void)setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one));
	(void)setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof(idle));
	(void)setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &intvl, sizeof(intvl));
	(void)setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &cnt, sizeof(cnt));
}

static void client_new(struct server *srv, int fd, const struct sockaddr *sa,
		       socklen_t salen)
{
	struct client *c;
	struct epoll_event ev = {.events = EPOLLIN};
	int one = 1, rc;

	if (protected_mode_refuses(srv, fd, sa))
		return;
	c = calloc(1, sizeof(*c));
	if (!c) {
		server_log(srv, RKV_LOG_WARNING,
			   "Out of memory accepting a client");
		close(fd);
		return;
	}
	format_addr(sa, salen, c->addr, sizeof(c->addr));
	c->h.kind = H_CLIENT;
	c->h.fd = fd;
	/* Best effort, as Redis: a failure only costs latency. */
	(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	set_keepalive(fd, srv->cfg.tcp_keepalive);
	rc = rkv_conn_new(srv->node, &c->conn, c);
	if (rc < 0) {
		server_log(srv, RKV_LOG_WARNING,
			   "Error registering client %s: %s", c->addr,
			   rkv_strerror(rc));
		close(fd);
		free(c);
		return;
	}
	rkv_conn_set_addr(c->conn, c->addr);
	/* CLIENT LIST's laddr= and fd=, as Redis shows them. */
	rkv_conn_set_fd(c->conn, fd);
	{
		struct sockaddr_storage local;
		socklen_t llen = sizeof(local);
		char laddr[sizeof(c->addr)];

		if (getsockname(fd, (struct sockaddr *)&local, &llen) == 0) {
			format_addr((struct sockaddr *)&local, llen, laddr,
				    sizeof(laddr));
			rkv_conn_set_laddr(c->conn, laddr);
		}
	}
	ev.data.ptr = &c->h;
	if (epoll_ctl(srv->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
		server_log(srv, RKV_LOG_WARNING,
			   "Error registering fd event for the new client: "
			   "%s (fd=%d)",
			   strerror(errno), fd);
		rkv_conn_free(c->conn);
		close(fd);
		free(c);
		return;
	}
	c->events = EPOLLIN;
	c->reading = true;
	c->next = srv->clients;
	if (c->next)
		c->next->prev = c;
	srv->clients = c;
	server_log(srv, RKV_LOG_VERBOSE, "Accepted %s", c->addr);
}

static void client_read(struct server *srv, struct client *c)
{
	uint8_t buf[READ_BUF_SIZE];

	for (int i = 0; i < MAX_READS_PER_EVENT; i++) {
		ssize_t n = read(c->h.fd, buf, sizeof(buf));
		int rc;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return;
			server_log(srv, RKV_LOG_VERBOSE,
				   "Reading from client %s: %s", c->addr,
				   strerror(errno));
			client_mark_close(srv, c);
			return;
		}
		if (n == 0) {
			server_log(srv, RKV_LOG_VERBOSE,
				   "Client id=%llu addr=%s closed connection",
				   (unsigned long long)rkv_conn_id(c->conn),
				   c->addr);
			client_mark_close(srv, c);
			return;
		}
		rc = rkv_conn_recv(c->conn, buf, (size_t)n);
		if (rc < 0) {
			/* The node reads no more from this client. With
			 * RKV_ERR_CLOSED the close callback has fired or
			 * fires once the queued output is sent (EPOLLOUT
			 * stays on for that); on anything else, close. */
			c->reading = false;
			if (rc != RKV_ERR_CLOSED)
				client_mark_close(srv, c);
			client_watch(srv, c, c->events & ~(uint32_t)EPOLLIN);
			return;
		}
		if (c->closing) /* marked by a failed epoll_ctl in on_send */
			return;
		/* A short read drained the socket: skip the read() that would
		 * only say EAGAIN (level-triggered, so nothing is lost). */
		if ((size_t)n < sizeof(buf))
			return;
	}
}

static void client_write(struct server *srv, struct client *c)
{
	int rc = rkv_conn_writable(c->conn);

	if (rc < 0) {
		/* RKV_ERR_CLOSED: the close callback has marked it. */
		client_mark_close(srv, c);
		return;
	}
	if (rkv_conn_pending_output(c->conn) == 0)
		client_watch(srv, c, c->events & ~(uint32_t)EPOLLOUT);
}

/* An outbound connection's non-blocking connect finished (EPOLLOUT, or an
 * error): tell the node, which starts its handshake. */
static void client_connect_done(struct server *srv, struct client *c)
{
	int err = 0, rc;
	socklen_t len = sizeof(err);

	c->connecting = false;
	if (getsockopt(c->h.fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
		err = errno;
	if (err) {
		rkv_conn_set_error(c->conn, strerror(err));
		client_mark_close(srv, c);
		return;
	}
	{
		struct sockaddr_storage local;
		socklen_t llen = sizeof(local);
		char laddr[sizeof(c->addr)];

		if (getsockname(c->h.fd, (struct sockaddr *)&local, &llen) ==
		    0) {
			format_addr((struct sockaddr *)&local, llen, laddr,
				    sizeof(laddr));
			rkv_conn_set_laddr(c->conn, laddr);
		}
	}
	client_watch(srv, c, EPOLLIN);
	rc = rkv_conn_connected(c->conn);
	if (rc < 0 && rc != RKV_ERR_CLOSED)
		client_mark_close(srv, c);
}

static void client_event(struct server *srv, struct client *c, uint32_t ev)
{
	if (c->closing)
		return;
	if (c->connecting) {
		if (ev & (EPOLLOUT | EPOLLERR | EPOLLHUP))
			client_connect_done(srv, c);
		return;
	}
	if (ev & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
		if (c->reading)
			client_read(srv, c); /* read() reports EOF / error */
		else if (ev & (EPOLLHUP | EPOLLERR))
			client_mark_close(srv, c);
	}
	if (!c->closing && (ev & EPOLLOUT))
		client_write(srv, c);
}

/* ---------------------------------------------------------------------- */
/* rkv callbacks                                                          */
/* ---------------------------------------------------------------------- */

static int64_t on_send(rkv_node *node, rkv_conn *conn, const uint8_t *data,
		       size_t len, void *user_data)
{
	struct server *srv = user_data;
	struct client *c = rkv_conn_user_data(conn);
	ssize_t n;

	(void)node;
	if (len > SSIZE_MAX)
		len = SSIZE_MAX;
	do
		n = write(c->h.fd, data, len);
	while (n < 0 && errno == EINTR);
	if (n > 0)
		return n; /* all, or a short write: the node offers the rest */
	if (n == 0 || errno == EAGAIN || errno == EWOULDBLOCK) {
		client_watch(srv, c, c->events | EPOLLOUT);
		return RKV_ERR_WOULDBLOCK;
	}
	server_log(srv, RKV_LOG_VERBOSE, "Error writing to client %s: %s",
		   c->addr, strerror(errno));
	return RKV_ERR_CALLBACK;
}

static void on_close(rkv_node *node, rkv_conn *conn, void *user_data)
{
	(void)node;
	client_mark_close(user_data, rkv_conn_user_data(conn));
}

/* The node asks for an outbound connection (a replica's link to its
 * master): a non-blocking connect watched for EPOLLOUT. */
static int on_connect(rkv_node *node, rkv_conn *conn, const char *host,
		      int port, void *user_data)
{
	struct server *srv = user_data;
	struct addrinfo hints, *res = NULL;
	struct client *c;
	struct epoll_event ev = {.events = EPOLLOUT};
	char portstr[16];
	int fd, rc, one = 1;

	(void)node;
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	snprintf(portstr, sizeof(portstr), "%d", port);
	rc = getaddrinfo(host, portstr, &hints, &res);
	if (rc != 0) {
		server_log(srv, RKV_LOG_WARNING, "Unable to resolve %s: %s",
			   host, gai_strerror(rc));
		return -1;
	}
	fd = socket(res->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
		    0);
	if (fd < 0) {
		freeaddrinfo(res);
		return -1;
	}
	rc = connect(fd, res->ai_addr, res->ai_addrlen);
	freeaddrinfo(res);
	if (rc < 0 && errno != EINPROGRESS) {
		server_log(srv, RKV_LOG_WARNING,
			   "Unable to connect to %s:%d: %s", host, port,
			   strerror(errno));
		close(fd);
		return -1;
	}
	c = calloc(1, sizeof(*c));
	if (!c) {
		close(fd);
		return -1;
	}
	(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	set_keepalive(fd, srv->cfg.tcp_keepalive);
	snprintf(c->addr, sizeof(c->addr), "%s:%d", host, port);
	c->h.kind = H_CLIENT;
	c->h.fd = fd;
	c->conn = conn;
	c->connecting = true;
	c->reading = true;
	ev.data.ptr = &c->h;
	if (epoll_ctl(srv->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
		close(fd);
		free(c);
		return -1;
	}
	c->events = EPOLLOUT;
	rkv_conn_set_user_data(conn, c);
	rkv_conn_set_fd(conn, fd);
	c->next = srv->clients;
	if (c->next)
		c->next->prev = c;
	srv->clients = c;
	return 0;
}

static void on_log(rkv_node *node, rkv_log_level level, const char *msg,
		   void *user_data)
{
	(void)node;
	log_line(user_data, level, msg);
}

static void on_event(rkv_node *node, const rkv_event *event, void *user_data)
{
	struct server *srv = user_data;

	(void)node;
	/* Unknown types are fine to just show. */
	server_log(srv, RKV_LOG_DEBUG, "event %s: %s", event->name,
		   event->detail);
	if (event->type == RKV_EVENT_SHUTDOWN) {
		/* Leave the loop as on SIGTERM; main() saves if asked. */
		srv->shutdown = true;
		srv->shutdown_cmd = true;
		srv->shutdown_save = !strcmp(event->detail, "save");
		srv->shutdown_nosave = !strcmp(event->detail, "nosave");
	}
}

static void info_addf(rkv_info_writer *w, const char *field, const char *fmt,
		      ...) __attribute__((format(printf, 3, 4)));
static void info_addf(rkv_info_writer *w, const char *field, const char *fmt,
		      ...)
{
	char val[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(val, sizeof(val), fmt, ap);
	va_end(ap);
	rkv_info_add(w, field, val);
}

static double tv_sec(struct timeval tv)
{
	return (double)tv.tv_sec + (double)tv.tv_usec / 1000000;
}

/* INFO: the facts only the process knows, in Redis's field names. */
static void on_info(rkv_node *node, const char *section, rkv_info_writer *w,
		    void *user_data)
{
	struct server *srv = user_data;

	(void)node;
	if (!strcmp(section, "server")) {
		struct utsname un;
		char exe[PATH_MAX];
		ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

		if (uname(&un) == 0)
			info_addf(w, "os", "%s %s %s", un.sysname, un.release,
				  un.machine);
		info_addf(w, "arch_bits", "%d", (int)sizeof(long) * 8);
		info_addf(w, "monotonic_clock", "POSIX clock_gettime");
		info_addf(w, "multiplexing_api", "epoll");
#ifdef __GNUC__
		info_addf(w, "gcc_version", "%d.%d.%d", __GNUC__,
			  __GNUC_MINOR__, __GNUC_PATCHLEVEL__);
#endif
		info_addf(w, "process_id", "%d", (int)srv->pid);
		info_addf(w, "process_supervised", "no");
		info_addf(w, "tcp_port", "%d", srv->cfg.port);
		exe[n > 0 ? n : 0] = '\0';
		info_addf(w, "executable", "%s", exe);
		info_addf(w, "config_file", "%s",
			  srv->cfg.configfile ? srv->cfg.configfile : "");
	} else if (!strcmp(section, "memory")) {
		FILE *f = fopen("/proc/self/statm", "r");
		unsigned long long pages, rss;

		if (f) {
			if (fscanf(f, "%llu %llu", &pages, &rss) == 2)
				info_addf(w, "used_memory_rss", "%llu",
					  rss * (unsigned long long)sysconf(
						    _SC_PAGESIZE));
			fclose(f);
		}
		info_addf(w, "mem_allocator", "libc");
	} else if (!strcmp(section, "persistence")) {
		info_addf(w, "rkv_bgsave_loop_max_usec", "%lld",
			  (long long)srv->bgsave_loop_max_us);
		info_addf(w, "rkv_bgsave_loop_max_cpu_usec", "%lld",
			  (long long)srv->bgsave_loop_max_cpu_us);
	} else if (!strcmp(section, "cpu")) {
		struct rusage self, children, thread;

		getrusage(RUSAGE_SELF, &self);
		getrusage(RUSAGE_CHILDREN, &children);
		getrusage(RUSAGE_THREAD, &thread);
		info_addf(w, "used_cpu_sys", "%f", tv_sec(self.ru_stime));
		info_addf(w, "used_cpu_user", "%f", tv_sec(self.ru_utime));
		info_addf(w, "used_cpu_sys_children", "%f",
			  tv_sec(children.ru_stime));
		info_addf(w, "used_cpu_user_children", "%f",
			  tv_sec(children.ru_utime));
		info_addf(w, "used_cpu_sys_main_thread", "%f",
			  tv_sec(thread.ru_stime));
		info_addf(w, "used_cpu_user_main_thread", "%f",
			  tv_sec(thread.ru_utime));
	}
}

static int64_t on_clock(rkv_node *node, void *user_data)
{
	struct timespec ts;

	(void)node;
	(void)user_data;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* ---------------------------------------------------------------------- */
/* Listener, timer, signals                                               */
/* ---------------------------------------------------------------------- */

static int watch_fd(struct server *srv, struct handle *h)
{
	struct epoll_event ev = {.events = EPOLLIN, .data.ptr = h};

	return epoll_ctl(srv->epfd, EPOLL_CTL_ADD, h->fd, &ev);
}

/* Open a non-blocking listening socket for one address. Returns the fd, or
 * -1 with errno set and *step naming the call that failed. */
static int listen_on(const struct addrinfo *ai, int backlog, const char **step)
{
	int fd, one = 1, saved;

	*step = "socket";
	fd = socket(ai->ai_family,
		    ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
		    ai->ai_protocol);
	if (fd < 0)
		return -1;
	*step = "setsockopt";
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0)
		goto fail;
	/* As Redis: an IPv6 socket takes IPv6 only; bind * for IPv4. */
	if (ai->ai_family == AF_INET6 &&
	    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)) < 0)
		goto fail;
	*step = "bind";
	if (bind(fd, ai->ai_addr, ai->ai_addrlen) < 0)
		goto fail;
	*step = "listen";
	if (listen(fd, backlog) < 0)
		goto fail;
	return fd;
fail:
	saved = errno;
	close(fd);
	errno = saved;
	return -1;
}

/* errno values for which an optional ("-" prefixed) bind address is
 * skipped, as Redis's listenToPort(). */
static bool bind_optional_errno(int e)
{
	return e == ENOPROTOOPT || e == EPROTONOSUPPORT ||
	       e == ESOCKTNOSUPPORT || e == EPFNOSUPPORT || e == EAFNOSUPPORT ||
	       e == EADDRNOTAVAIL;
}

/* Listen on one bind address (the first resolved address that works).
 * Returns the fd, -2 for an optional address that is unavailable, or -1
 * (logged). */
static int listen_addr(struct server *srv, const char *addr)
{
	struct addrinfo hints = {0}, *res = NULL;
	bool optional = addr[0] == '-';
	const char *host = optional ? addr + 1 : addr;
	char port[16], err[256] = "no address";
	int rv, fd = -1, saved = 0;

	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE;
	if (!strcmp(host, "*")) {
		host = NULL;
		hints.ai_family = AF_INET;
	} else if (!strcmp(host, "::*")) {
		host = NULL;
		hints.ai_family = AF_INET6;
	}
	snprintf(port, sizeof(port), "%d", srv->cfg.port);
	rv = getaddrinfo(host, port, &hints, &res);
	if (rv != 0) {
		snprintf(err, sizeof(err), "%s", gai_strerror(rv));
		saved = rv == EAI_FAMILY ? EAFNOSUPPORT : EADDRNOTAVAIL;
	}
	for (const struct addrinfo *ai = res; ai; ai = ai->ai_next) {
		const char *step;

		fd = listen_on(ai, srv->cfg.tcp_backlog, &step);
		if (fd >= 0)
			break;
		saved = errno;
		snprintf(err, sizeof(err), "%s: %s", step, strerror(errno));
	}
	if (res)
		freeaddrinfo(res);
	if (fd >= 0)
		return fd;
	if (optional && bind_optional_errno(saved))
		return -2;
	server_log(srv, RKV_LOG_WARNING,
		   "Warning: Could not create server TCP listening socket "
		   "%s:%d: %s",
		   host ? host : (hints.ai_family == AF_INET6 ? "::*" : "*"),
		   srv->cfg.port, err);
	return -1;
}

/* Listen on every address of `bind` at `port`, as Redis: a "-" prefix
 * makes an address optional. Returns 0 or -1 (logged). */
static int listen_tcp(struct server *srv)
{
	char **addrs;
	size_t n;

	if (rkv_config_split(srv->cfg.bind, strlen(srv->cfg.bind), &addrs, &n) <
	    0)
		return -1;
	if (n == 0)
		server_log(srv, RKV_LOG_WARNING,
			   "No bind address: not listening on TCP");
	for (size_t i = 0; i < n && srv->nlisteners < MAX_LISTENERS; i++) {
		int fd = listen_addr(srv, addrs[i]);
		struct handle *h;

		if (fd == -2)
			continue;
		if (fd < 0) {
			server_log(srv, RKV_LOG_WARNING,
				   "Failed listening on port %d (TCP), "
				   "aborting.",
				   srv->cfg.port);
			rkv_config_split_free(addrs, n);
			return -1;
		}
		h = &srv->listeners[srv->nlisteners++];
		h->kind = H_LISTEN;
		h->fd = fd;
		if (watch_fd(srv, h) < 0) {
			server_log(srv, RKV_LOG_WARNING, "epoll_ctl: %s",
				   strerror(errno));
			rkv_config_split_free(addrs, n);
			return -1;
		}
	}
	rkv_config_split_free(addrs, n);
	return 0;
}

/* Out of file descriptors (or memory): stop watching the listener until the
 * next tick, instead of spinning on a socket that stays readable. */
static void accept_pause(struct server *srv, bool pause)
{
	for (int i = 0; i < srv->nlisteners; i++) {
		struct epoll_event ev = {.events = pause ? 0 : EPOLLIN,
					 .data.ptr = &srv->listeners[i]};

		epoll_ctl(srv->epfd, EPOLL_CTL_MOD, srv->listeners[i].fd, &ev);
	}
	srv->accept_paused = pause;
}

static void accept_clients(struct server *srv, struct handle *listener)
{
	for (int i = 0; i < MAX_ACCEPTS_PER_EVENT; i++) {
		struct sockaddr_storage ss;
		socklen_t len = sizeof(ss);
		int fd = accept4(listener->fd, (struct sockaddr *)&ss, &len,
				 SOCK_NONBLOCK | SOCK_CLOEXEC);

		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return;
			server_log(srv, RKV_LOG_WARNING,
				   "Accepting client connection: %s",
				   strerror(errno));
			if (errno == EMFILE || errno == ENFILE ||
			    errno == ENOBUFS || errno == ENOMEM)
				accept_pause(srv, true);
			return;
		}
		client_new(srv, fd, (struct sockaddr *)&ss, len);
	}
}

static void config_refresh(struct server *srv);

static void on_timer(struct server *srv)
{
	uint64_t expirations;

	/* Drain the counter; missed ticks are not replayed. */
	if (read(srv->timer.fd, &expirations, sizeof(expirations)) < 0 &&
	    errno != EAGAIN)
		server_log(srv, RKV_LOG_WARNING, "timerfd read: %s",
			   strerror(errno));
	rkv_node_tick(srv->node, clock_ms(CLOCK_MONOTONIC));
	if (srv->accept_paused)
		accept_pause(srv, false);
	config_refresh(srv);
}

static void on_signal(struct server *srv)
{
	struct signalfd_siginfo si;

	while (read(srv->signals.fd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		server_log(srv, RKV_LOG_WARNING,
			   "Received %s scheduling shutdown...",
			   si.ssi_signo == SIGINT ? "SIGINT" : "SIGTERM");
		srv->shutdown = true;
	}
}

/* ---------------------------------------------------------------------- */
/* Persistence: the RDB file <dir>/<dbfilename> (we run inside dir)       */
/* ---------------------------------------------------------------------- */

/* An RDB file being written: temp-<pid>.rdb, renamed over <dbfilename>
 * once complete, as Redis's rdbSave() does. The event loop never waits for
 * the disk: a writer thread per file takes the chunks from a queue, writes
 * them, and at the end does the fsync and rename (which take milliseconds
 * on a large file); only a queue that is full makes the loop wait. */
struct chunk {
	struct chunk *next;
	size_t len;
	uint8_t data[];
};

enum file_state { F_WRITING, F_COMMIT, F_DISCARD };

struct rdb_file {
	struct server *srv;
	int fd;
	char tmp[64];
	char name[PATH_MAX]; /* the dbfilename to rename onto */
	bool threaded;	     /* has a writer thread (else all is inline) */
	bool notify;	     /* tell the loop when done (asynchronous) */
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t work, room;
	/* Under mu: */
	struct chunk *head, *tail;
	size_t queued;
	enum file_state state;
	int err; /* errno of a failed write */
	/* The writer's own: */
	off_t written, synced; /* bytes written; handed to writeback */
	/* The result, read after the thread is joined. */
	int commit_err;
	bool rename_failed;
};

/* Writeback is started every 4 MB (rdb-save-incremental-fsync, as Redis's
 * REDIS_AUTOSYNC_BYTES) without waiting, so the final fsync has less left
 * to do; the queue holds at most 16 MB. */
#define RDB_AUTOSYNC_BYTES (4 << 20)
#define RDB_QUEUE_BYTES	   (16 << 20)

/* Write data to the file; returns 0 or an errno. */
static int file_write_all(struct rdb_file *f, const uint8_t *data, size_t len)
{
	while (len > 0) {
		ssize_t n = write(f->fd, data, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? errno : EIO;
		data += n;
		len -= (size_t)n;
		f->written += n;
	}
	if (f->written - f->synced >= RDB_AUTOSYNC_BYTES) {
		sync_file_range(f->fd, f->synced, f->written - f->synced,
				SYNC_FILE_RANGE_WRITE);
		f->synced = f->written;
	}
	return 0;
}

/* fsync, close, rename over the dbfilename, fsync the directory; on
 * failure (or when discarding) remove the temp file. */
static void file_finish(struct rdb_file *f, bool commit, int err)
{
	int dir;

	f->commit_err = err;
	if (commit && !f->commit_err && fsync(f->fd) < 0)
		f->commit_err = errno;
	if (close(f->fd) < 0 && commit && !f->commit_err)
		f->commit_err = errno;
	f->fd = -1;
	if (commit && !f->commit_err && rename(f->tmp, f->name) < 0) {
		f->commit_err = errno;
		f->rename_failed = true;
	}
	if (!commit || f->commit_err) {
		unlink(f->tmp);
		return;
	}
	dir = open(".", O_RDONLY | O_CLOEXEC);
	if (dir >= 0) {
		fsync(dir);
		close(dir);
	}
}

static void *writer_thread(void *arg)
{
	struct rdb_file *f = arg;
	enum file_state state;
	uint64_t one = 1;
	int err;

	pthread_mutex_lock(&f->mu);
	for (;;) {
		struct chunk *c = f->head;

		if (!c && f->state == F_WRITING) {
			pthread_cond_wait(&f->work, &f->mu);
			continue;
		}
		if (!c || f->state == F_DISCARD)
			break;
		f->head = c->next;
		if (!f->head)
			f->tail = NULL;
		err = f->err;
		pthread_mutex_unlock(&f->mu);
		if (!err)
			err = file_write_all(f, c->data, c->len);
		pthread_mutex_lock(&f->mu);
		if (err && !f->err)
			f->err = err;
		f->queued -= c->len;
		free(c);
		pthread_cond_signal(&f->room);
	}
	while (f->head) { /* discarded: drop what is queued */
		struct chunk *c = f->head;

		f->head = c->next;
		free(c);
	}
	state = f->state;
	err = f->err;
	pthread_mutex_unlock(&f->mu);
	file_finish(f, state == F_COMMIT, err);
	if (f->notify && write(f->srv->committed.fd, &one, sizeof(one)) < 0)
		abort(); /* an eventfd write cannot fail here */
	return NULL;
}

static void file_free(struct rdb_file *f)
{
	if (f->threaded) {
		pthread_mutex_destroy(&f->mu);
		pthread_cond_destroy(&f->work);
		pthread_cond_destroy(&f->room);
	}
	free(f);
}

static int rdb_open(rkv_node *node, void **file, char *err, size_t errlen,
		    void *user_data)
{
	struct server *srv = user_data;
	struct rdb_file *f = calloc(1, sizeof(*f));
	char cwd[PATH_MAX];

	(void)node;
	if (!f) {
		snprintf(err, errlen, "%s", strerror(ENOMEM));
		return -1;
	}
	f->srv = srv;
	snprintf(f->tmp, sizeof(f->tmp), "temp-%d.rdb", (int)srv->pid);
	f->fd = open(f->tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (f->fd < 0) {
		snprintf(err, errlen, "%s", strerror(errno));
		server_log(srv, RKV_LOG_WARNING,
			   "Failed opening the temp RDB file %s (in server "
			   "root dir %s) for saving: %s",
			   f->tmp, getcwd(cwd, sizeof(cwd)) ? cwd : "unknown",
			   err);
		free(f);
		return -1;
	}
	pthread_mutex_init(&f->mu, NULL);
	pthread_cond_init(&f->work, NULL);
	pthread_cond_init(&f->room, NULL);
	f->threaded = true;
	if (pthread_create(&f->thread, NULL, writer_thread, f) != 0) {
		file_free(f); /* no thread: write inline */
		f = calloc(1, sizeof(*f));
		if (!f) {
			snprintf(err, errlen, "%s", strerror(ENOMEM));
			return -1;
		}
		f->srv = srv;
		snprintf(f->tmp, sizeof(f->tmp), "temp-%d.rdb", (int)srv->pid);
		f->fd = open(f->tmp, O_WRONLY | O_TRUNC | O_CLOEXEC);
		if (f->fd < 0) {
			snprintf(err, errlen, "%s", strerror(errno));
			unlink(f->tmp);
			free(f);
			return -1;
		}
	}
	*file = f;
	return 0;
}

static int rdb_write(const uint8_t *data, size_t len, void *ud)
{
	struct rdb_file *f = ud;
	struct chunk *c;
	int err;

	if (!f->threaded) {
		f->err = f->err ? f->err : file_write_all(f, data, len);
		return f->err ? -1 : 0;
	}
	c = malloc(sizeof(*c) + len);
	pthread_mutex_lock(&f->mu);
	while (!f->err && f->queued >= RDB_QUEUE_BYTES)
		pthread_cond_wait(&f->room, &f->mu);
	if (!c && !f->err)
		f->err = ENOMEM;
	err = f->err;
	if (!err) {
		c->next = NULL;
		c->len = len;
		memcpy(c->data, data, len);
		if (f->tail)
			f->tail->next = c;
		else
			f->head = c;
		f->tail = c;
		f->queued += len;
		c = NULL;
		pthread_cond_signal(&f->work);
	}
	pthread_mutex_unlock(&f->mu);
	free(c);
	return err ? -1 : 0;
}

/* The commit's outcome, logged as Redis logs it; returns 0 or -1. */
static int rdb_commit_result(struct rdb_file *f, char *err, size_t errlen)
{
	char cwd[PATH_MAX];

	if (!f->commit_err)
		return 0;
	snprintf(err, errlen, "%s", strerror(f->commit_err));
	if (f->rename_failed)
		server_log(f->srv, RKV_LOG_WARNING,
			   "Error moving temp DB file %s on the final "
			   "destination %s (in server root dir %s): %s",
			   f->tmp, f->name,
			   getcwd(cwd, sizeof(cwd)) ? cwd : "unknown", err);
	return -1;
}

/* Hand the file to its writer thread's end (or end it inline). */
static void file_end(struct rdb_file *f, enum file_state how)
{
	if (!f->threaded) {
		file_finish(f, how == F_COMMIT, f->err);
		return;
	}
	pthread_mutex_lock(&f->mu);
	f->state = how;
	pthread_cond_signal(&f->work);
	pthread_mutex_unlock(&f->mu);
}

static int rdb_close(rkv_node *node, void *file, int how, char *err,
		     size_t errlen, void *user_data)
{
	struct rdb_file *f = file;
	struct server *srv = user_data;
	int rc;

	if (f == srv->committing) {
		/* Cancel: let the thread finish, so this older file cannot
		 * land after the newer one the node is about to write. */
		uint64_t n;

		pthread_join(f->thread, NULL);
		/* Its wake-up is not for the next commit. */
		if (read(srv->committed.fd, &n, sizeof(n)) < 0)
			n = 0;
		srv->committing = NULL;
		file_free(f);
		return 0;
	}
	if (how != RKV_RDB_DISCARD &&
	    rkv_node_config_get(node, "dbfilename", f->name, sizeof(f->name)) <
		0)
		snprintf(f->name, sizeof(f->name), "dump.rdb");
	if (how == RKV_RDB_COMMIT_ASYNC && f->threaded && !srv->committing) {
		f->notify = true;
		srv->committing = f;
		file_end(f, F_COMMIT);
		return RKV_RDB_PENDING;
	}
	file_end(f, how == RKV_RDB_DISCARD ? F_DISCARD : F_COMMIT);
	if (f->threaded)
		pthread_join(f->thread, NULL);
	rc = how == RKV_RDB_DISCARD ? 0 : rdb_commit_result(f, err, errlen);
	file_free(f);
	return rc;
}

/* The writer thread committed the file: tell the node. */
static void on_committed(struct server *srv)
{
	struct rdb_file *f = srv->committing;
	uint64_t n;
	char err[256] = "";
	int rc;

	if (read(srv->committed.fd, &n, sizeof(n)) < 0 || !f)
		return; /* a cancelled commit's wake-up */
	pthread_join(f->thread, NULL);
	srv->committing = NULL;
	rc = rdb_commit_result(f, err, sizeof(err));
	file_free(f);
	rkv_node_rdb_committed(srv->node, rc == 0, err);
}

static int setup_committed(struct server *srv)
{
	srv->committed.fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (srv->committed.fd < 0)
		return -1;
	return watch_fd(srv, &srv->committed);
}

/* Load the RDB file at start-up if there is one. Returns 0 (loaded or no
 * file) or -1 (logged: the server must exit). */
static int persist_load(struct server *srv)
{
	char name[PATH_MAX], buf[64 * 1024];
	rkv_loader *l;
	int64_t t0 = clock_ms(CLOCK_MONOTONIC);
	int fd, rc = 0;

	if (rkv_node_config_get(srv->node, "dbfilename", name, sizeof(name)) <
	    0)
		snprintf(name, sizeof(name), "dump.rdb");
	fd = open(name, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return 0;
		server_log(srv, RKV_LOG_WARNING,
			   "Fatal error loading the DB: %s. Exiting.",
			   strerror(errno));
		return -1;
	}
	if (rkv_node_load_begin(srv->node, &l) < 0) {
		close(fd);
		server_log(srv, RKV_LOG_WARNING,
			   "Fatal error loading the DB: out of memory. "
			   "Exiting.");
		return -1;
	}
	while (rc == 0) {
		ssize_t n = read(fd, buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			server_log(srv, RKV_LOG_WARNING,
				   "Fatal error loading the DB: %s. Exiting.",
				   strerror(errno));
			rkv_loader_free(l);
			close(fd);
			return -1;
		}
		if (n == 0)
			break;
		rc = rkv_loader_feed(l, buf, (size_t)n);
	}
	close(fd);
	if (rc >= 0)
		rc = rkv_loader_end(l);
	if (rc < 0) {
		const char *e = rkv_loader_error(l);
		size_t n = strlen(e);

		/* The loader's own line, as Redis logs it, then ours. */
		server_log(srv, RKV_LOG_WARNING, "%s", e);
		while (n && e[n - 1] == '.')
			n--;
		server_log(srv, RKV_LOG_WARNING,
			   "Fatal error loading the DB: %.*s. Exiting.", (int)n,
			   e);
		rkv_loader_free(l);
		return -1;
	}
	rkv_loader_free(l);
	server_log(srv, RKV_LOG_NOTICE, "DB loaded from disk: %.3f seconds",
		   (double)(clock_ms(CLOCK_MONOTONIC) - t0) / 1000);
	return 0;
}

/* At shutdown: save when save points are set (or SHUTDOWN SAVE), unless
 * SHUTDOWN NOSAVE; a background save in progress is stopped first, as Redis
 * kills its child. Returns 0, or -1 when the save failed. */
static int persist_shutdown(struct server *srv)
{
	char v[16], err[256];

	if (rkv_node_bgsave_in_progress(srv->node))
		server_log(srv, RKV_LOG_WARNING,
			   "There is a child saving an .rdb. Killing it!");
	if (srv->shutdown_nosave ||
	    (!srv->shutdown_save &&
	     (rkv_node_config_get(srv->node, "save", v, sizeof(v)) < 0 ||
	      !v[0])))
		return 0;
	server_log(srv, RKV_LOG_NOTICE,
		   "Saving the final RDB snapshot before exiting.");
	if (rkv_node_save_rdb(srv->node, err, sizeof(err)) < 0) {
		server_log(srv, RKV_LOG_WARNING,
			   "Error trying to save the DB, can't exit.");
		return -1;
	}
	return 0;
}

/* ---------------------------------------------------------------------- */
/* Configuration file                                                     */
/* ---------------------------------------------------------------------- */

/* The host's view of the directives it acts on, read back from the node
 * (after loading, and every tick: CONFIG SET changes loglevel, hz,
 * protected-mode, requirepass, tcp-keepalive at runtime). */
static void timer_set_rate(struct server *srv, int hz);

static void config_refresh(struct server *srv)
{
	struct config *cfg = &srv->cfg;
	char v[PATH_MAX];
	int hz;

	if (rkv_node_config_get(srv->node, "port", v, sizeof(v)) >= 0)
		cfg->port = atoi(v);
	rkv_node_config_get(srv->node, "bind", cfg->bind, sizeof(cfg->bind));
	if (rkv_node_config_get(srv->node, "loglevel", v, sizeof(v)) >= 0) {
		static const char *const names[] = {"debug", "verbose",
						    "notice", "warning"};

		for (int i = 0; i < 4; i++)
			if (!strcmp(v, names[i]))
				cfg->verbosity = (rkv_log_level)i;
	}
	rkv_node_config_get(srv->node, "logfile", cfg->logfile,
			    sizeof(cfg->logfile));
	rkv_node_config_get(srv->node, "pidfile", cfg->pidfile,
			    sizeof(cfg->pidfile));
	if (rkv_node_config_get(srv->node, "daemonize", v, sizeof(v)) >= 0)
		cfg->daemonize = !strcmp(v, "yes");
	if (rkv_node_config_get(srv->node, "protected-mode", v, sizeof(v)) >= 0)
		cfg->protected_mode = !strcmp(v, "yes");
	cfg->has_password =
	    rkv_node_config_get(srv->node, "requirepass", NULL, 0) > 0;
	if (rkv_node_config_get(srv->node, "tcp-keepalive", v, sizeof(v)) >= 0)
		cfg->tcp_keepalive = atoi(v);
	if (rkv_node_config_get(srv->node, "tcp-backlog", v, sizeof(v)) >= 0)
		cfg->tcp_backlog = atoi(v);
	if (rkv_node_config_get(srv->node, "hz", v, sizeof(v)) >= 0) {
		hz = atoi(v); /* already clamped to 1..500 by the node */
		if (hz != cfg->hz) {
			cfg->hz = hz;
			if (srv->timer.fd >= 0)
				timer_set_rate(srv, hz);
		}
	}
}

/* Warnings met while loading (directives accepted but not implemented),
 * logged once the log file is known. */
struct warnings {
	char **msg;
	rkv_log_level *level;
	size_t n;
};

static void warn_add_level(struct warnings *w, rkv_log_level level,
			   const char *msg)
{
	char **nv = realloc(w->msg, (w->n + 1) * sizeof(*nv));
	rkv_log_level *nl;

	if (!nv)
		return;
	w->msg = nv;
	nl = realloc(w->level, (w->n + 1) * sizeof(*nl));
	if (!nl)
		return;
	w->level = nl;
	w->msg[w->n] = strdup(msg);
	w->level[w->n] = level;
	if (w->msg[w->n])
		w->n++;
}

static void warn_add(struct warnings *w, const char *msg)
{
	warn_add_level(w, RKV_LOG_WARNING, msg);
}

/* Redis's loaderr block, on stderr, then exit 1. `option` names the
 * command line option the line came from, if it did. */
static __attribute__((noreturn)) void
config_fatal(int linenum, const char *line, const char *err, const char *option)
{
	fprintf(stderr, "\n*** FATAL CONFIG FILE ERROR (rkv-server %s) ***\n",
		RKV_VERSION_STRING);
	if (line) {
		fprintf(stderr, "Reading the configuration file, at line %d\n",
			linenum);
		fprintf(stderr, ">>> '%s'\n", line);
	}
	fprintf(stderr, "%s\n", err);
	if (option)
		fprintf(stderr, "(from the command line option --%s)\n",
			option);
	exit(1);
}

struct loader {
	struct server *srv;
	struct warnings warnings;
	int depth;
};

static void load_file(struct loader *ld, const char *path);

/* What the host itself checks or does when a directive is set, as Redis
 * does while loading (dir changes the working directory at once). Returns
 * NULL or an error for the fatal block. */
static const char *host_directive(struct loader *ld, const char *name,
				  char **args, size_t nargs)
{
	static char msg[PATH_MAX + 64];
	rkv_node *node = ld->srv->node;
	const char *canon = name;

	rkv_config_describe(name, &canon, NULL, NULL, NULL);
	if (!strcmp(canon, "dir") && nargs == 1) {
		char cwd[PATH_MAX];
		const char *argv1[1] = {cwd};

		if (chdir(args[0]) < 0) {
			snprintf(msg, sizeof(msg), "%s", strerror(errno));
			return msg;
		}
		/* CONFIG GET dir shows the absolute directory. */
		if (getcwd(cwd, sizeof(cwd)))
			rkv_node_config_set(node, "dir", argv1, 1, NULL, 0);
	} else if (!strcmp(canon, "unixsocket") && nargs == 1 && args[0][0]) {
		return "rkv-server does not support unix sockets yet";
	} else if (!strcmp(canon, "syslog-enabled") && nargs == 1 &&
		   !strcasecmp(args[0], "yes")) {
		warn_add(&ld->warnings,
			 "syslog-enabled yes is not supported by rkv-server "
			 "yet; logging to the log file (or stdout) only");
	} else if (!strcmp(canon, "supervised") && nargs == 1 &&
		   strcasecmp(args[0], "no")) {
		warn_add(&ld->warnings,
			 "supervised is not supported by rkv-server yet; "
			 "running unsupervised");
	}
	return NULL;
}

/* Process a configuration text as Redis's loadServerConfigFromString():
 * one directive per line, '#' comments, blank lines skipped. Lines from
 * `options_line` on came from the command line. Exits on any error. */
static void load_text(struct loader *ld, char *text, int options_line)
{
	char *p = text;
	int linenum = 0;

	while (p) {
		char *nl = strchr(p, '\n');
		char *line = p, *end;
		char **argv;
		size_t argc;
		char err[512];
		int rc;

		p = nl ? nl + 1 : NULL;
		if (nl)
			*nl = '\0';
		linenum++;
		/* sdstrim(line, " \t\r\n") */
		while (*line == ' ' || *line == '\t' || *line == '\r')
			line++;
		end = line + strlen(line);
		while (end > line &&
		       (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
			*--end = '\0';
		if (line[0] == '#' || line[0] == '\0')
			continue;
		rc = rkv_config_split(line, strlen(line), &argv, &argc);
		if (rc == RKV_ERR_NOMEM) {
			fprintf(stderr, "rkv-server: out of memory\n");
			exit(1);
		}
		if (rc < 0)
			config_fatal(linenum, line,
				     "Unbalanced quotes in configuration line",
				     NULL);
		if (argc == 0) {
			rkv_config_split_free(argv, argc);
			continue;
		}
		for (char *c = argv[0]; *c; c++)
			if (*c >= 'A' && *c <= 'Z')
				*c = (char)(*c - 'A' + 'a');
		if (!strcmp(argv[0], "sentinel") && argc == 1) {
			/* --sentinel: handled by main(), as Redis does. */
			rkv_config_split_free(argv, argc);
			continue;
		}
		if (!strcmp(argv[0], "include") && argc == 2) {
			load_file(ld, argv[1]);
			rkv_config_split_free(argv, argc);
			continue;
		}
		rc = rkv_node_config_set(ld->srv->node, argv[0],
					 (const char *const *)argv + 1,
					 argc - 1, err, sizeof(err));
		if (rc >= 0) {
			const char *herr =
			    host_directive(ld, argv[0], argv + 1, argc - 1);

			if (herr)
				config_fatal(linenum, line, herr, NULL);
		}
		if (rc < 0)
			config_fatal(
			    linenum, line,
			    rc == RKV_ERR_NOMEM ? "out of memory" : err,
			    options_line && linenum >= options_line ? argv[0]
								    : NULL);
		if (rc == RKV_CONFIG_UNSUPPORTED) {
			/* At its default value it changes nothing: only
			 * worth a verbose line. */
			const char *def = "";
			char cur[256];

			rkv_config_describe(argv[0], NULL, NULL, NULL, &def);
			rkv_node_config_get(ld->srv->node, argv[0], cur,
					    sizeof(cur));
			warn_add_level(&ld->warnings,
				       strcmp(cur, def) ? RKV_LOG_WARNING
							: RKV_LOG_VERBOSE,
				       err);
		}
		rkv_config_split_free(argv, argc);
	}
}

static void read_stream(FILE *fp, struct text *t)
{
	char buf[4096];
	size_t n;

	while ((n = fread(buf, 1, sizeof(buf), fp)) > 0)
		text_add(t, buf, n);
}

static __attribute__((noreturn)) void open_failed(struct loader *ld,
						  const char *path)
{
	char msg[PATH_MAX + 128];

	snprintf(msg, sizeof(msg),
		 "Fatal error, can't open config file '%s': %s", path,
		 strerror(errno));
	log_line(ld->srv, RKV_LOG_WARNING, msg);
	exit(1);
}

/* An included file (or pattern: matching no file is fine, as Redis). */
static void load_file(struct loader *ld, const char *path)
{
	struct text t = {0};
	FILE *fp;

	if (++ld->depth > 32) {
		fprintf(stderr,
			"rkv-server: include nesting too deep at '%s'\n", path);
		exit(1);
	}
	text_add(&t, "", 0);
	if (strpbrk(path, "*?[")) {
		glob_t g;

		if (glob(path, 0, NULL, &g) == 0) {
			for (size_t i = 0; i < g.gl_pathc; i++) {
				fp = fopen(g.gl_pathv[i], "r");
				if (!fp)
					open_failed(ld, g.gl_pathv[i]);
				read_stream(fp, &t);
				fclose(fp);
			}
			globfree(&g);
		}
	} else {
		fp = fopen(path, "r");
		if (!fp)
			open_failed(ld, path);
		read_stream(fp, &t);
		fclose(fp);
	}
	load_text(ld, t.p, 0);
	free(t.p);
	ld->depth--;
}

/* Load the configuration as redis-server 7.0: the file, then stdin, then
 * the command line options, as one text. Exits on any error. */
static void load_config(struct server *srv, struct cmdline *cl)
{
	struct loader ld = {.srv = srv};
	struct text t = {0};
	char cwd[PATH_MAX];
	int options_line = 1;

	text_add(&t, "", 0);
	/* Before any dir directive: CONFIG GET dir shows where we run. */
	if (getcwd(cwd, sizeof(cwd))) {
		const char *argv1[1] = {cwd};

		rkv_node_config_set(srv->node, "dir", argv1, 1, NULL, 0);
	}
	if (cl->configfile) {
		FILE *fp = fopen(cl->configfile, "r");

		if (!fp)
			open_failed(&ld, cl->configfile);
		read_stream(fp, &t);
		fclose(fp);
	}
	if (cl->from_stdin) {
		log_line(srv, RKV_LOG_WARNING, "Reading config from stdin");
		read_stream(stdin, &t);
	}
	if (cl->options.len) {
		for (size_t i = 0; i < t.len; i++)
			if (t.p[i] == '\n')
				options_line++;
		options_line++;
		text_add(&t, "\n", 1);
		text_add(&t, cl->options.p, cl->options.len);
	} else {
		options_line = 0;
	}
	load_text(&ld, t.p, options_line);
	free(t.p);
	config_refresh(srv);
	/* As Redis, once every line is read: the log file must open. */
	if (srv->cfg.logfile[0]) {
		FILE *fp = fopen(srv->cfg.logfile, "a");
		char msg[PATH_MAX + 64];

		if (!fp) {
			snprintf(msg, sizeof(msg),
				 "Can't open the log file: %s",
				 strerror(errno));
			config_fatal(0, NULL, msg, NULL);
		}
		fclose(fp);
	}
	for (size_t i = 0; i < ld.warnings.n; i++) {
		log_line(srv, ld.warnings.level[i], ld.warnings.msg[i]);
		free(ld.warnings.msg[i]);
	}
	free(ld.warnings.msg);
	free(ld.warnings.level);
}

/* CONFIG REWRITE: the node rewrites the file's text, the host writes it
 * to a temporary file in the same directory and renames it over. */
static int on_config_rewrite(rkv_node *node, char *err, size_t errlen,
			     void *user_data)
{
	struct server *srv = user_data;
	const char *path = srv->cfg.configfile;
	struct text old = {0};
	char tmp[PATH_MAX + 64], *out = NULL;
	size_t outlen = 0;
	struct stat st;
	FILE *fp;
	int fd, rc;
	mode_t mode = 0644;

	text_add(&old, "", 0);
	fp = fopen(path, "r");
	if (fp) {
		read_stream(fp, &old);
		fclose(fp);
		if (stat(path, &st) == 0)
			mode = st.st_mode & 07777;
	} else if (errno != ENOENT) {
		snprintf(err, errlen, "%s", strerror(errno));
		free(old.p);
		return -1;
	}
	rc = rkv_node_config_rewrite(node, old.p, old.len, &out, &outlen);
	free(old.p);
	if (rc < 0) {
		snprintf(err, errlen, "%s", rkv_strerror(rc));
		return -1;
	}
	snprintf(tmp, sizeof(tmp), "%s.tmp-rewrite-%d", path, (int)srv->pid);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd < 0)
		goto fail;
	for (size_t off = 0; off < outlen;) {
		ssize_t n = write(fd, out + off, outlen - off);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			goto fail_fd;
		}
		off += (size_t)n;
	}
	if (fchmod(fd, mode) < 0 || fsync(fd) < 0)
		goto fail_fd;
	if (close(fd) < 0) {
		fd = -1;
		goto fail_fd;
	}
	if (rename(tmp, path) < 0)
		goto fail_unlink;
	rkv_node_config_free_text(node, out);
	return 0;
fail_fd:
	if (fd >= 0) {
		int saved = errno;

		close(fd);
		errno = saved;
	}
fail_unlink : {
	int saved = errno;

	unlink(tmp);
	errno = saved;
}
fail:
	snprintf(err, errlen, "%s", strerror(errno));
	rkv_node_config_free_text(node, out);
	return -1;
}

/* Redis's adjustOpenFilesLimit(): room for maxclients plus the reserved
 * descriptors, raising the soft limit if needed, else lowering
 * maxclients. */
static void adjust_open_files(struct server *srv)
{
	char v[32];
	long long maxclients;
	rlim_t need;
	struct rlimit lim;

	if (rkv_node_config_get(srv->node, "maxclients", v, sizeof(v)) < 0)
		return;
	maxclients = atoll(v);
	need = (rlim_t)maxclients + RESERVED_FDS;
	if (getrlimit(RLIMIT_NOFILE, &lim) < 0) {
		server_log(srv, RKV_LOG_WARNING,
			   "Unable to obtain the current NOFILE limit (%s), "
			   "assuming 1024 and setting the max clients "
			   "configuration accordingly.",
			   strerror(errno));
		lim.rlim_cur = 1024;
	} else if (lim.rlim_cur >= need) {
		return;
	} else {
		struct rlimit want = lim;
		int saved;

		want.rlim_cur = need;
		if (want.rlim_max < need)
			want.rlim_max = need;
		if (setrlimit(RLIMIT_NOFILE, &want) == 0)
			return;
		saved = errno;
		want.rlim_cur = want.rlim_max = lim.rlim_max;
		if (lim.rlim_max > lim.rlim_cur &&
		    setrlimit(RLIMIT_NOFILE, &want) == 0)
			lim.rlim_cur = lim.rlim_max;
		server_log(srv, RKV_LOG_WARNING,
			   "Server can't set maximum open files to %llu "
			   "because of OS error: %s.",
			   (unsigned long long)need, strerror(saved));
	}
	if (lim.rlim_cur <= RESERVED_FDS) {
		server_log(srv, RKV_LOG_WARNING,
			   "Your current 'ulimit -n' of %llu is not enough "
			   "for the server to start. Please increase your "
			   "open file limit to at least %llu. Exiting.",
			   (unsigned long long)lim.rlim_cur,
			   (unsigned long long)need);
		exit(1);
	}
	snprintf(v, sizeof(v), "%llu",
		 (unsigned long long)(lim.rlim_cur - RESERVED_FDS));
	{
		const char *argv1[1] = {v};

		rkv_node_config_set(srv->node, "maxclients", argv1, 1, NULL, 0);
	}
	server_log(srv, RKV_LOG_WARNING,
		   "Current maximum open files is %llu. maxclients has been "
		   "reduced to %s to compensate for low ulimit. If you need "
		   "higher maxclients increase 'ulimit -n'.",
		   (unsigned long long)lim.rlim_cur, v);
}

/* daemonize yes: fork, the parent exits, the child leaves the terminal,
 * as Redis's daemonize(). */
static void daemonize(struct server *srv)
{
	int fd;
	pid_t pid = fork();

	if (pid < 0) {
		server_log(srv, RKV_LOG_WARNING, "fork: %s", strerror(errno));
		exit(1);
	}
	if (pid > 0)
		exit(0);
	setsid();
	fd = open("/dev/null", O_RDWR);
	if (fd >= 0) {
		dup2(fd, STDIN_FILENO);
		dup2(fd, STDOUT_FILENO);
		dup2(fd, STDERR_FILENO);
		if (fd > STDERR_FILENO)
			close(fd);
	}
	srv->pid = getpid();
}

static const char *pidfile_path(const struct server *srv)
{
	if (srv->cfg.pidfile[0])
		return srv->cfg.pidfile;
	/* Redis's CONFIG_DEFAULT_PID_FILE, used when daemonized. */
	return srv->cfg.daemonize ? "/var/run/redis.pid" : NULL;
}

static void create_pidfile(struct server *srv)
{
	const char *path = pidfile_path(srv);
	FILE *fp;

	if (!path)
		return;
	fp = fopen(path, "w");
	if (!fp) {
		server_log(srv, RKV_LOG_WARNING, "Failed to write PID file: %s",
			   strerror(errno));
		return;
	}
	fprintf(fp, "%d\n", (int)srv->pid);
	fclose(fp);
}

/* ---------------------------------------------------------------------- */
/* Setup, loop, teardown                                                  */
/* ---------------------------------------------------------------------- */

static int create_node(struct server *srv)
{
	rkv_callbacks *cbs;
	rkv_options *opts;
	uint64_t seed;
	int rc;

	/* Unpredictable seed (run IDs, hash keys); the time if unavailable. */
	if (getrandom(&seed, sizeof(seed), GRND_NONBLOCK) != sizeof(seed))
		seed = (uint64_t)clock_ms(CLOCK_REALTIME) ^
		       ((uint64_t)srv->pid << 32);
	rc = rkv_callbacks_new(&cbs);
	if (rc < 0)
		goto out;
	rkv_callbacks_set_send(cbs, on_send);
	rkv_callbacks_set_close(cbs, on_close);
	rkv_callbacks_set_connect(cbs, on_connect);
	rkv_callbacks_set_log(cbs, on_log);
	rkv_callbacks_set_event(cbs, on_event);
	rkv_callbacks_set_clock(cbs, on_clock);
	if (srv->cfg.configfile)
		rkv_callbacks_set_config_rewrite(cbs, on_config_rewrite);
	rkv_callbacks_set_info(cbs, on_info);
	rkv_callbacks_set_rdb_file(cbs, rdb_open, rdb_write, rdb_close);
	rc = rkv_options_new(&opts);
	if (rc == 0) {
		rkv_options_set_seed(opts, seed);
		rkv_options_set_sentinel(opts, srv->sentinel);
		rc = rkv_node_new(&srv->node, cbs, opts, srv);
		rkv_options_free(opts);
	}
	rkv_callbacks_free(cbs);
out:
	if (rc < 0)
		server_log(srv, RKV_LOG_WARNING, "Creating the node: %s",
			   rkv_strerror(rc));
	return rc;
}

static int setup_signals(struct server *srv)
{
	sigset_t set;

	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return -1;
	srv->signals.fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (srv->signals.fd < 0)
		return -1;
	return watch_fd(srv, &srv->signals);
}

static void timer_set_rate(struct server *srv, int hz)
{
	long period_ns;

	/* A sentinel ticks twice as often: redis-sentinel runs its timer at
	 * 10-19 Hz, and each tick is a step of failure detection. */
	if (srv->sentinel)
		hz *= 2;
	period_ns = 1000000000L / (hz > 0 ? hz : 10);
	struct itimerspec its = {
	    .it_interval = {period_ns / 1000000000L, period_ns % 1000000000L},
	    .it_value = {period_ns / 1000000000L, period_ns % 1000000000L},
	};

	if (timerfd_settime(srv->timer.fd, 0, &its, NULL) < 0)
		server_log(srv, RKV_LOG_WARNING, "timerfd_settime: %s",
			   strerror(errno));
}

static int setup_timer(struct server *srv)
{
	srv->timer.fd =
	    timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (srv->timer.fd < 0)
		return -1;
	timer_set_rate(srv, srv->cfg.hz);
	return watch_fd(srv, &srv->timer);
}

static int64_t clock_us(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Keys a background save works forward per event-loop iteration: a small
 * slice when the iteration served clients (so their latency grows little),
 * a large one when it had nothing else to do. Either takes well under a
 * millisecond of CPU. */
#define BGSAVE_STEP_KEYS_BUSY 250
#define BGSAVE_STEP_KEYS_IDLE 2000

/* Returns 0 when shut down by a signal, -1 on a fatal error. */
static int run(struct server *srv)
{
	struct epoll_event evs[MAX_EVENTS];
	bool was_saving = false, busy = false;

	while (!srv->shutdown) {
		/* While a background save has work, poll instead of sleeping
		 * and do one slice of it per iteration. */
		bool saving = rkv_node_bgsave_in_progress(srv->node);
		int n = epoll_wait(srv->epfd, evs, MAX_EVENTS, busy ? 0 : -1);
		int64_t t0 = saving ? clock_us(CLOCK_MONOTONIC) : 0;
		int64_t c0 = saving ? clock_us(CLOCK_THREAD_CPUTIME_ID) : 0;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			server_log(srv, RKV_LOG_WARNING, "epoll_wait: %s",
				   strerror(errno));
			return -1;
		}
		for (int i = 0; i < n; i++) {
			struct handle *h = evs[i].data.ptr;

			switch (h->kind) {
			case H_LISTEN:
				accept_clients(srv, h);
				break;
			case H_TIMER:
				on_timer(srv);
				break;
			case H_SIGNAL:
				on_signal(srv);
				break;
			case H_COMMIT:
				on_committed(srv);
				break;
			case H_CLIENT:
				/* h is a client's first member */
				client_event(srv, (struct client *)(void *)h,
					     evs[i].events);
				break;
			}
		}
		busy = rkv_node_background(srv->node,
					   n > 0 ? BGSAVE_STEP_KEYS_BUSY
						 : BGSAVE_STEP_KEYS_IDLE) == 1;
		if (saving) {
			int64_t took = clock_us(CLOCK_MONOTONIC) - t0;
			int64_t cpu = clock_us(CLOCK_THREAD_CPUTIME_ID) - c0;

			if (!was_saving || took > srv->bgsave_loop_max_us)
				srv->bgsave_loop_max_us = took;
			if (!was_saving || cpu > srv->bgsave_loop_max_cpu_us)
				srv->bgsave_loop_max_cpu_us = cpu;
		}
		was_saving = saving;
		/* Outside every rkv call: now clients may be freed. */
		close_marked_clients(srv);
	}
	return 0;
}

static void teardown(struct server *srv)
{
	while (srv->clients)
		client_free(srv, srv->clients);
	srv->to_close = NULL;
	rkv_node_free(srv->node);
	srv->node = NULL;
	for (int i = 0; i < srv->nlisteners; i++)
		close(srv->listeners[i].fd);
	srv->nlisteners = 0;
	if (srv->timer.fd >= 0)
		close(srv->timer.fd);
	if (srv->signals.fd >= 0)
		close(srv->signals.fd);
	if (srv->committed.fd >= 0)
		close(srv->committed.fd);
	if (srv->epfd >= 0)
		close(srv->epfd);
}

/* Redis's sentinelCheckConfigFile(): a sentinel saves its state in its
 * config file, so it needs one it can write. Logs why not. */
static bool sentinel_config_ok(struct server *srv)
{
	if (!srv->cfg.configfile) {
		server_log(srv, RKV_LOG_WARNING,
			   "Sentinel needs config file on disk to save state. "
			   "Exiting...");
		return false;
	}
	if (access(srv->cfg.configfile, W_OK) == -1) {
		server_log(srv, RKV_LOG_WARNING,
			   "Sentinel config file %s is not writable: %s. "
			   "Exiting...",
			   srv->cfg.configfile, strerror(errno));
		return false;
	}
	return true;
}

int main(int argc, char **argv)
{
	struct server srv = {
	    .epfd = -1,
	    .timer = {H_TIMER, -1},
	    .signals = {H_SIGNAL, -1},
	    .committed = {H_COMMIT, -1},
	};
	struct cmdline cl;
	const char *pidfile;
	int rc;

	config_init(&srv.cfg);
	srv.sentinel = strstr(argv[0], "rkv-sentinel") != NULL;
	for (int j = 1; j < argc; j++)
		if (!strcmp(argv[j], "--sentinel"))
			srv.sentinel = true;
	rc = parse_args(&cl, argc, argv);
	if (rc) { /* --help, --version */
		free(cl.options.p);
		return 0;
	}
	srv.pid = getpid();
	if (cl.configfile) {
		char abs[PATH_MAX];

		/* CONFIG REWRITE writes here even after `dir` moved us. */
		srv.cfg.configfile =
		    strdup(realpath(cl.configfile, abs) ? abs : cl.configfile);
		if (!srv.cfg.configfile)
			return 1;
	}
	if (create_node(&srv) < 0)
		return 1;
	if (srv.sentinel) {
		/* Redis's initSentinelConfig(): its own port, and no
		 * protected mode. */
		const char *port[1] = {"26379"}, *no[1] = {"no"};

		rkv_node_config_set(srv.node, "port", port, 1, NULL, 0);
		rkv_node_config_set(srv.node, "protected-mode", no, 1, NULL, 0);
	}
	load_config(&srv, &cl);
	free(cl.options.p);
	if (srv.sentinel && !sentinel_config_ok(&srv)) {
		free(srv.cfg.configfile);
		teardown(&srv);
		return 1;
	}
	if (srv.cfg.daemonize)
		daemonize(&srv);
	server_log(&srv, RKV_LOG_WARNING,
		   "rkv-server version=%s, librkv=%s, bits=%d, pid=%d, just "
		   "started",
		   RKV_VERSION_STRING, rkv_version(), (int)sizeof(long) * 8,
		   (int)srv.pid);
	if (cl.configfile || cl.from_stdin)
		server_log(&srv, RKV_LOG_WARNING, "Configuration loaded");
	else
		server_log(&srv, RKV_LOG_WARNING,
			   "Warning: no config file specified, using the "
			   "default config. In order to specify a config file "
			   "use %s /path/to/redis.conf",
			   argv[0]);
	adjust_open_files(&srv);

	srv.epfd = epoll_create1(EPOLL_CLOEXEC);
	if (srv.epfd < 0 || setup_signals(&srv) < 0 || setup_timer(&srv) < 0 ||
	    setup_committed(&srv) < 0) {
		server_log(&srv, RKV_LOG_WARNING, "Initializing: %s",
			   strerror(errno));
		teardown(&srv);
		return 1;
	}
	server_log(&srv, RKV_LOG_NOTICE, "Running mode=%s, port=%d.",
		   srv.sentinel ? "sentinel" : "standalone", srv.cfg.port);
	server_log(&srv, RKV_LOG_WARNING, "Server initialized");
	if (!srv.sentinel && persist_load(&srv) < 0) {
		teardown(&srv);
		return 1;
	}
	if (listen_tcp(&srv) < 0) {
		teardown(&srv);
		return 1;
	}
	create_pidfile(&srv);
	pidfile = pidfile_path(&srv);
	server_log(&srv, RKV_LOG_NOTICE, "Ready to accept connections tcp");

	for (;;) {
		rc = run(&srv);
		if (rc < 0)
			break;
		if (!srv.shutdown_cmd) /* SHUTDOWN: the node logged it */
			server_log(&srv, RKV_LOG_WARNING,
				   "User requested shutdown...");
		if (srv.sentinel || persist_shutdown(&srv) == 0)
			break;
		/* As Redis: a failed final save means no exit. */
		srv.shutdown = srv.shutdown_cmd = false;
		srv.shutdown_save = srv.shutdown_nosave = false;
	}
	if (pidfile) {
		server_log(&srv, RKV_LOG_NOTICE, "Removing the pid file.");
		unlink(pidfile);
	}
	teardown(&srv);
	if (rc == 0)
		server_log(&srv, RKV_LOG_WARNING,
			   "Redis is now ready to exit, bye bye...");
	free(srv.cfg.configfile);
	return rc == 0 ? 0 : 1;
}
