/* An embedded replica: this program links librkv, connects as a replica to
 * the Redis master named on its command line (a real redis-server or
 * rkv-server), and serves lookups from its own in-process copy of the
 * keyspace, with no server of its own. Every change the master makes shows
 * up through the keyspace callback, as a cache would invalidate entries.
 *
 *   usage: rkv-embed-replica <master-host> <master-port>
 *
 * It reads commands on stdin, one per line: "GET <key>" prints the value
 * from the local keyspace (rkv_get(): no network round trip), "DBSIZE"
 * prints the number of keys, "INFO" the replication state; EOF exits.
 * Changes are printed as "changed db=<n> key=<key>". Log lines go to
 * stderr. One poll() loop drives everything: the master link's socket,
 * stdin, and rkv_node_tick() every 100 ms. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "rkv.h"

static int link_fd = -1;    /* the master link's socket */
static rkv_conn *link_conn; /* its rkv connection */
static int link_connecting; /* non-blocking connect in progress */
static int link_dead;	    /* the node closed it: free after the call */

static int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int64_t on_clock(rkv_node *node, void *ud)
{
	struct timespec ts;

	(void)node;
	(void)ud;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int64_t on_send(rkv_node *node, rkv_conn *c, const uint8_t *data,
		       size_t len, void *ud)
{
	ssize_t n = write(link_fd, data, len);

	(void)node;
	(void)c;
	(void)ud;
	if (n >= 0)
		return n;
	return errno == EAGAIN ? RKV_ERR_WOULDBLOCK : RKV_ERR_CALLBACK;
}

/* The node wants a connection to its master: a non-blocking connect. */
static int on_connect(rkv_node *node, rkv_conn *c, const char *host, int port,
		      void *ud)
{
	struct addrinfo hints = {0}, *ai;
	char p[16];
	int fd;

	(void)node;
	(void)ud;
	hints.ai_socktype = SOCK_STREAM;
	snprintf(p, sizeof(p), "%d", port);
	if (getaddrinfo(host, p, &hints, &ai) != 0)
		return -1;
	fd = socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK, 0);
	if (fd < 0 || (connect(fd, ai->ai_addr, ai->ai_addrlen) < 0 &&
		       errno != EINPROGRESS)) {
		if (fd >= 0)
			close(fd);
		freeaddrinfo(ai);
		return -1;
	}
	freeaddrinfo(ai);
	link_fd = fd;
	link_conn = c;
	link_connecting = 1;
	link_dead = 0;
	return 0;
}

static void on_close(rkv_node *node, rkv_conn *c, void *ud)
{
	(void)node;
	(void)ud;
	if (c == link_conn)
		link_dead = 1;
}

static void on_log(rkv_node *node, rkv_log_level level, const char *msg,
		   void *ud)
{
	(void)node;
	(void)ud;
	if (level >= RKV_LOG_NOTICE)
		fprintf(stderr, "replica: %s\n", msg);
}

static void on_change(rkv_node *node, int db, const char *key, size_t klen,
		      void *ud)
{
	(void)node;
	(void)ud;
	if (key)
		printf("changed db=%d key=%.*s\n", db, (int)klen, key);
	else
		printf("changed db=%d (all keys: %s)\n", db,
		       db < 0 ? "full sync" : "flush");
	fflush(stdout);
}

/* Close our side of the link; the node reconnects on a later tick. */
static void link_free(const char *why)
{
	if (why)
		rkv_conn_set_error(link_conn, why);
	close(link_fd);
	rkv_conn_free(link_conn);
	link_fd = -1;
	link_conn = NULL;
}

static void serve_line(rkv_node *node, char *line)
{
	char val[4096];
	size_t vlen;

	line[strcspn(line, "\r\n")] = '\0';
	if (strncmp(line, "GET ", 4) == 0) {
		int rc = rkv_get(node, 0, line + 4, strlen(line + 4), val,
				 sizeof(val), &vlen);

		if (rc == 1)
			printf("%s = %.*s\n", line + 4,
			       (int)(vlen < sizeof(val) ? vlen : sizeof(val)),
			       val);
		else
			printf("%s = (nil)\n", line + 4);
	} else if (strcmp(line, "DBSIZE") == 0 || strcmp(line, "INFO") == 0) {
		const char *argv[2] = {line, "replication"};
		char *out;
		size_t outlen;

		if (rkv_node_command_resp(node, 0, line[0] == 'I' ? 2 : 1, argv,
					  NULL, &out, &outlen) == 0) {
			printf("%.*s\n", (int)outlen, out);
			rkv_resp_free(node, out);
		}
	} else if (line[0]) {
		printf("unknown request: %s\n", line);
	}
	fflush(stdout);
}

int main(int argc, char **argv)
{
	rkv_callbacks *cbs;
	rkv_node *node;
	rkv_reply *r;
	int64_t next_tick = 0;
	char line[4096];
	size_t linelen = 0;

	if (argc != 3) {
		fprintf(stderr, "usage: %s <master-host> <master-port>\n",
			argv[0]);
		return 2;
	}
	if (rkv_callbacks_new(&cbs) < 0)
		return 1;
	rkv_callbacks_set_send(cbs, on_send);
	rkv_callbacks_set_connect(cbs, on_connect);
	rkv_callbacks_set_close(cbs, on_close);
	rkv_callbacks_set_log(cbs, on_log);
	rkv_callbacks_set_clock(cbs, on_clock);
	rkv_callbacks_set_keyspace(cbs, on_change);
	if (rkv_node_new(&node, cbs, NULL, NULL) < 0)
		return 1;
	rkv_callbacks_free(cbs);
	{
		const char *cmd[3] = {"REPLICAOF", argv[1], argv[2]};

		if (rkv_node_command(node, 0, 3, cmd, NULL, &r) < 0 ||
		    r->type == RKV_REPLY_ERROR) {
			fprintf(stderr, "REPLICAOF failed\n");
			return 1;
		}
		rkv_reply_free(node, r);
	}
	for (;;) {
		struct pollfd pfd[2] = {{0, POLLIN, 0}, {link_fd, 0, 0}};
		int64_t now = mono_ms();
		int n;

		if (link_fd >= 0)
			pfd[1].events = link_connecting ? POLLOUT : POLLIN;
		if (link_fd >= 0 && !link_connecting &&
		    rkv_conn_pending_output(link_conn))
			pfd[1].events |= POLLOUT;
		n = poll(pfd, 2, now < next_tick ? (int)(next_tick - now) : 0);
		if (n < 0 && errno != EINTR)
			return 1;
		if (pfd[0].revents & (POLLIN | POLLHUP)) {
			ssize_t got =
			    read(0, line + linelen, sizeof(line) - 1 - linelen);
			char *nl;

			if (got <= 0)
				break; /* EOF on stdin: done */
			linelen += (size_t)got;
			line[linelen] = '\0';
			while ((nl = strchr(line, '\n')) != NULL) {
				*nl = '\0';
				serve_line(node, line);
				linelen -= (size_t)(nl + 1 - line);
				memmove(line, nl + 1, linelen + 1);
			}
			if (linelen == sizeof(line) - 1)
				linelen = 0; /* an overlong line: dropped */
		}
		if (link_fd >= 0 && pfd[1].revents) {
			if (link_connecting) {
				int err = 0;
				socklen_t len = sizeof(err);

				getsockopt(link_fd, SOL_SOCKET, SO_ERROR, &err,
					   &len);
				link_connecting = 0;
				if (err)
					link_free(strerror(err));
				else
					rkv_conn_connected(link_conn);
			} else {
				uint8_t buf[16384];
				ssize_t got = 0;

				if (pfd[1].revents & POLLOUT)
					rkv_conn_writable(link_conn);
				if (pfd[1].revents &
				    (POLLIN | POLLHUP | POLLERR))
					got = read(link_fd, buf, sizeof(buf));
				if (got > 0)
					rkv_conn_recv(link_conn, buf,
						      (size_t)got);
				else if (got == 0 &&
					 (pfd[1].revents & (POLLIN | POLLHUP)))
					link_free(
					    "Connection closed by master");
				else if (got < 0 && errno != EAGAIN)
					link_free(strerror(errno));
			}
		}
		if (link_conn && link_dead)
			link_free(NULL);
		if (mono_ms() >= next_tick) {
			rkv_node_tick(node, mono_ms());
			next_tick = mono_ms() + 100;
			if (link_conn && link_dead)
				link_free(NULL);
		}
	}
	if (link_conn)
		link_free(NULL);
	rkv_node_free(node);
	return 0;
}
