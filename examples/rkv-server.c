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
#include <sys/epoll.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "rkv.h"

#define READ_BUF_SIZE (16 * 1024)
/* Reads per readiness event, so one busy client cannot starve the others
 * (epoll is level-triggered: what is left is reported again). */
#define MAX_READS_PER_EVENT 16
/* Redis's MAX_ACCEPTS_PER_CALL. */
#define MAX_ACCEPTS_PER_EVENT 1000
#define MAX_EVENTS	      128
/* Redis's tcp-backlog default. */
#define TCP_BACKLOG 511
/* Redis clamps hz to CONFIG_MIN_HZ..CONFIG_MAX_HZ. */
#define MIN_HZ 1
#define MAX_HZ 500

/* ---------------------------------------------------------------------- */
/* Configuration: a table of directives                                   */
/* ---------------------------------------------------------------------- */

struct config {
	int port;
	char bind[256];
	rkv_log_level verbosity;
	int hz;
};

static void config_init(struct config *cfg)
{
	cfg->port = 6379;
	snprintf(cfg->bind, sizeof(cfg->bind), "%s", "127.0.0.1");
	cfg->verbosity = RKV_LOG_NOTICE;
	cfg->hz = 10;
}

/* Parse a whole decimal integer in [min, max]. Returns NULL or an error
 * message worded as Redis words its config errors. */
static const char *parse_int(const char *arg, long long min, long long max,
			     long long *out)
{
	static char msg[96];
	char *end;
	long long v;

	if (!(*arg >= '0' && *arg <= '9') && *arg != '-')
		return "argument couldn't be parsed into an integer";
	errno = 0;
	v = strtoll(arg, &end, 10);
	if (errno || end == arg || *end)
		return "argument couldn't be parsed into an integer";
	if (v < min || v > max) {
		snprintf(msg, sizeof(msg),
			 "argument must be between %lld and %lld inclusive",
			 min, max);
		return msg;
	}
	*out = v;
	return NULL;
}

static const char *set_port(struct config *cfg, const char *arg)
{
	long long v;
	const char *err = parse_int(arg, 1, 65535, &v);

	if (!err)
		cfg->port = (int)v;
	return err;
}

static const char *set_bind(struct config *cfg, const char *arg)
{
	if (!*arg)
		return "argument must not be empty";
	if (strlen(arg) >= sizeof(cfg->bind))
		return "argument is too long";
	snprintf(cfg->bind, sizeof(cfg->bind), "%s", arg);
	return NULL;
}

static const char *set_loglevel(struct config *cfg, const char *arg)
{
	static const char *const names[] = {"debug", "verbose", "notice",
					    "warning"};

	for (int i = 0; i < 4; i++) {
		if (strcasecmp(arg, names[i]) == 0) {
			cfg->verbosity = (rkv_log_level)i;
			return NULL;
		}
	}
	return "argument(s) must be one of the following: debug, verbose, "
	       "notice, warning";
}

static const char *set_hz(struct config *cfg, const char *arg)
{
	long long v;
	const char *err = parse_int(arg, 0, INT_MAX, &v);

	if (err)
		return err;
	/* As Redis: any non-negative value is accepted, then clamped. */
	cfg->hz = v < MIN_HZ ? MIN_HZ : v > MAX_HZ ? MAX_HZ : (int)v;
	return NULL;
}

/* One configuration directive: `--name arg` on the command line, and later
 * `name arg` in a redis.conf-style file. `set` returns NULL or an error. */
struct directive {
	const char *name;
	const char *(*set)(struct config *cfg, const char *arg);
	const char *arg;  /* the argument's name in --help */
	const char *help; /* --help text; lines after the first are indented */
};

static const struct directive directives[] = {
    {"port", set_port, "N", "TCP port to listen on (default 6379)"},
    {"bind", set_bind, "ADDR",
     "address to listen on: IPv4, IPv6 or a host name; * for any\n"
     "IPv4 address, ::* for any IPv6 address (default 127.0.0.1)"},
    {"loglevel", set_loglevel, "LEVEL",
     "debug, verbose, notice or warning (default notice)"},
    {"hz", set_hz, "N",
     "timer frequency, calls per second; values outside 1-500 are\n"
     "clamped, as Redis does (default 10)"},
};

#define NDIRECTIVES (sizeof(directives) / sizeof(directives[0]))

static const struct directive *directive_find(const char *name)
{
	for (size_t i = 0; i < NDIRECTIVES; i++)
		if (strcasecmp(name, directives[i].name) == 0)
			return &directives[i];
	return NULL;
}

static void usage(FILE *out)
{
	fprintf(out, "Usage: rkv-server [options]\n"
		     "       rkv-server -v or --version\n"
		     "       rkv-server -h or --help\n"
		     "\n"
		     "A single-threaded Redis-protocol server hosting one rkv "
		     "node.\n"
		     "\n"
		     "Options (redis-server's names and defaults):\n");
	for (size_t i = 0; i < NDIRECTIVES; i++) {
		const struct directive *d = &directives[i];
		char lhs[40];
		const char *p = d->help;

		snprintf(lhs, sizeof(lhs), "--%s %s", d->name, d->arg);
		fprintf(out, "  %-18s", lhs);
		for (;;) {
			const char *nl = strchr(p, '\n');

			if (!nl) {
				fprintf(out, "%s\n", p);
				break;
			}
			fprintf(out, "%.*s\n%20s", (int)(nl - p), p, "");
			p = nl + 1;
		}
	}
	fprintf(out, "\n"
		     "Examples:\n"
		     "  rkv-server --port 7777\n"
		     "  rkv-server --bind 0.0.0.0 --loglevel verbose\n"
		     "\n"
		     "SIGTERM or SIGINT shuts the server down cleanly.\n");
}

/* Parse the command line into cfg. Returns -1 to exit with status 0 (help,
 * version), 0 to run, 1 on an error (already reported on stderr). */
static int parse_args(struct config *cfg, int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		const char *opt = argv[i];
		const struct directive *d;
		const char *err;

		if (!strcmp(opt, "-h") || !strcmp(opt, "--help")) {
			usage(stdout);
			return -1;
		}
		if (!strcmp(opt, "-v") || !strcmp(opt, "--version")) {
			printf("rkv-server v=%s (librkv %s)\n",
			       RKV_VERSION_STRING, rkv_version());
			return -1;
		}
		if (strncmp(opt, "--", 2) != 0) {
			fprintf(stderr,
				"rkv-server: unexpected argument '%s' "
				"(configuration files are not supported yet; "
				"see --help)\n",
				opt);
			return 1;
		}
		d = directive_find(opt + 2);
		if (!d) {
			fprintf(
			    stderr,
			    "rkv-server: unknown option '%s' (see --help)\n",
			    opt);
			return 1;
		}
		if (i + 1 >= argc) {
			fprintf(stderr,
				"rkv-server: option '%s' requires an argument "
				"(%s)\n",
				opt, d->arg);
			return 1;
		}
		err = d->set(cfg, argv[++i]);
		if (err) {
			fprintf(stderr, "rkv-server: option '%s %s': %s\n", opt,
				argv[i], err);
			return 1;
		}
	}
	return 0;
}

/* ---------------------------------------------------------------------- */
/* Server state                                                           */
/* ---------------------------------------------------------------------- */

/* What an epoll event's data.ptr points at. */
enum handle_kind { H_LISTEN, H_TIMER, H_SIGNAL, H_CLIENT };

struct handle {
	enum handle_kind kind;
	int fd;
};

struct client {
	struct handle h; /* first: epoll data.ptr points here */
	rkv_conn *conn;
	uint32_t events; /* current epoll interest */
	bool reading;	 /* false once rkv_conn_recv() said RKV_ERR_CLOSED */
	bool closing;	 /* marked: closed and freed after this iteration */
	char addr[64];	 /* "ip:port", for log lines */
	struct client *prev, *next; /* all clients */
	struct client *next_close;  /* marked clients */
};

struct server {
	struct config cfg;
	pid_t pid;
	rkv_node *node;
	int epfd;
	struct handle listener, timer, signals;
	struct client *clients;
	struct client *to_close;
	bool accept_paused;
	bool shutdown;
	bool shutdown_cmd; /* asked by SHUTDOWN (the node logged it) */
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
	printf("%d:M %s %c %s\n", (int)srv->pid, when, marker[lvl], msg);
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

static void client_new(struct server *srv, int fd, const struct sockaddr *sa,
		       socklen_t salen)
{
	struct client *c = calloc(1, sizeof(*c));
	struct epoll_event ev = {.events = EPOLLIN};
	int one = 1, rc;

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

static void client_event(struct server *srv, struct client *c, uint32_t ev)
{
	if (c->closing)
		return;
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
		/* Nothing to save: leave the loop as on SIGTERM. */
		srv->shutdown = true;
		srv->shutdown_cmd = true;
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
		info_addf(w, "config_file", "%s", "");
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
static int listen_on(const struct addrinfo *ai, const char **step)
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
	if (listen(fd, TCP_BACKLOG) < 0)
		goto fail;
	return fd;
fail:
	saved = errno;
	close(fd);
	errno = saved;
	return -1;
}

/* Listen on cfg.bind:cfg.port (the first address that works, as Redis).
 * Returns 0 or -1 (logged). */
static int listen_tcp(struct server *srv)
{
	struct addrinfo hints = {0}, *res = NULL;
	const char *host = srv->cfg.bind;
	char port[16], err[256];
	int rv;

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
	if (rv != 0)
		snprintf(err, sizeof(err), "%s", gai_strerror(rv));
	for (const struct addrinfo *ai = res; ai; ai = ai->ai_next) {
		const char *step;

		srv->listener.fd = listen_on(ai, &step);
		if (srv->listener.fd >= 0)
			break;
		snprintf(err, sizeof(err), "%s: %s", step, strerror(errno));
	}
	if (res)
		freeaddrinfo(res);
	if (srv->listener.fd < 0) {
		server_log(srv, RKV_LOG_WARNING,
			   "Warning: Could not create server TCP listening "
			   "socket %s:%d: %s",
			   srv->cfg.bind, srv->cfg.port, err);
		server_log(srv, RKV_LOG_WARNING,
			   "Failed listening on port %d (TCP), aborting.",
			   srv->cfg.port);
		return -1;
	}
	if (watch_fd(srv, &srv->listener) < 0) {
		server_log(srv, RKV_LOG_WARNING, "epoll_ctl: %s",
			   strerror(errno));
		return -1;
	}
	return 0;
}

/* Out of file descriptors (or memory): stop watching the listener until the
 * next tick, instead of spinning on a socket that stays readable. */
static void accept_pause(struct server *srv, bool pause)
{
	struct epoll_event ev = {.events = pause ? 0 : EPOLLIN,
				 .data.ptr = &srv->listener};

	if (epoll_ctl(srv->epfd, EPOLL_CTL_MOD, srv->listener.fd, &ev) == 0)
		srv->accept_paused = pause;
}

static void accept_clients(struct server *srv)
{
	for (int i = 0; i < MAX_ACCEPTS_PER_EVENT; i++) {
		struct sockaddr_storage ss;
		socklen_t len = sizeof(ss);
		int fd = accept4(srv->listener.fd, (struct sockaddr *)&ss, &len,
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
	rkv_callbacks_set_log(cbs, on_log);
	rkv_callbacks_set_event(cbs, on_event);
	rkv_callbacks_set_clock(cbs, on_clock);
	rkv_callbacks_set_info(cbs, on_info);
	rc = rkv_options_new(&opts);
	if (rc == 0) {
		rkv_options_set_seed(opts, seed);
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

static int setup_timer(struct server *srv)
{
	long period_ns = 1000000000L / srv->cfg.hz;
	struct itimerspec its = {
	    .it_interval = {period_ns / 1000000000L, period_ns % 1000000000L},
	    .it_value = {period_ns / 1000000000L, period_ns % 1000000000L},
	};

	srv->timer.fd =
	    timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (srv->timer.fd < 0 || timerfd_settime(srv->timer.fd, 0, &its, NULL))
		return -1;
	return watch_fd(srv, &srv->timer);
}

/* Returns 0 when shut down by a signal, -1 on a fatal error. */
static int run(struct server *srv)
{
	struct epoll_event evs[MAX_EVENTS];

	while (!srv->shutdown) {
		int n = epoll_wait(srv->epfd, evs, MAX_EVENTS, -1);

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
				accept_clients(srv);
				break;
			case H_TIMER:
				on_timer(srv);
				break;
			case H_SIGNAL:
				on_signal(srv);
				break;
			case H_CLIENT:
				/* h is a client's first member */
				client_event(srv, (struct client *)(void *)h,
					     evs[i].events);
				break;
			}
		}
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
	if (srv->listener.fd >= 0)
		close(srv->listener.fd);
	if (srv->timer.fd >= 0)
		close(srv->timer.fd);
	if (srv->signals.fd >= 0)
		close(srv->signals.fd);
	if (srv->epfd >= 0)
		close(srv->epfd);
}

int main(int argc, char **argv)
{
	struct server srv = {
	    .epfd = -1,
	    .listener = {H_LISTEN, -1},
	    .timer = {H_TIMER, -1},
	    .signals = {H_SIGNAL, -1},
	};
	int rc;

	config_init(&srv.cfg);
	rc = parse_args(&srv.cfg, argc, argv);
	if (rc)
		return rc < 0 ? 0 : 1;
	srv.pid = getpid();
	server_log(&srv, RKV_LOG_WARNING,
		   "rkv-server version=%s, librkv=%s, bits=%d, pid=%d, just "
		   "started",
		   RKV_VERSION_STRING, rkv_version(), (int)sizeof(long) * 8,
		   (int)srv.pid);

	srv.epfd = epoll_create1(EPOLL_CLOEXEC);
	if (srv.epfd < 0 || setup_signals(&srv) < 0 || setup_timer(&srv) < 0) {
		server_log(&srv, RKV_LOG_WARNING, "Initializing: %s",
			   strerror(errno));
		teardown(&srv);
		return 1;
	}
	if (create_node(&srv) < 0) {
		teardown(&srv);
		return 1;
	}
	server_log(&srv, RKV_LOG_NOTICE, "Running mode=standalone, port=%d.",
		   srv.cfg.port);
	server_log(&srv, RKV_LOG_WARNING, "Server initialized");
	if (listen_tcp(&srv) < 0) {
		teardown(&srv);
		return 1;
	}
	server_log(&srv, RKV_LOG_NOTICE, "Ready to accept connections tcp");

	rc = run(&srv);
	if (rc == 0 && !srv.shutdown_cmd) /* SHUTDOWN: the node logged it */
		server_log(&srv, RKV_LOG_WARNING, "User requested shutdown...");
	teardown(&srv);
	if (rc == 0)
		server_log(&srv, RKV_LOG_WARNING,
			   "Redis is now ready to exit, bye bye...");
	return rc == 0 ? 0 : 1;
}
