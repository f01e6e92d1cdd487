/* rkv demo: a host in a few lines. It creates a node, opens one client
 * connection and feeds it RESP the way a socket would (pipelined, split at
 * odd places), printing every byte the node sends back. No sockets: the
 * library does no I/O, the host decides where bytes come from. */
#include <stdio.h>
#include <string.h>

#include "rkv.h"

static int64_t on_send(rkv_node *node, rkv_conn *conn, const uint8_t *data,
		       size_t len, void *ud)
{
	(void)node;
	(void)conn;
	(void)ud;
	fputs("  <- ", stdout);
	for (size_t i = 0; i < len; i++) {
		if (data[i] == '\r')
			fputs("\\r", stdout);
		else if (data[i] == '\n')
			fputs(i + 1 < len ? "\\n\n     " : "\\n\n", stdout);
		else
			putchar(data[i]);
	}
	return (int64_t)len;
}

static void on_log(rkv_node *node, rkv_log_level level, const char *msg,
		   void *ud)
{
	(void)node;
	(void)ud;
	printf("  [log %d] %s\n", (int)level, msg);
}

static void on_close(rkv_node *node, rkv_conn *conn, void *ud)
{
	(void)node;
	(void)ud;
	printf("  [close] client id=%llu\n",
	       (unsigned long long)rkv_conn_id(conn));
}

static void feed(rkv_conn *conn, const char *label, const char *bytes,
		 size_t chunk)
{
	size_t len = strlen(bytes);

	printf("-> %s\n", label);
	for (size_t off = 0; off < len; off += chunk) {
		size_t n = len - off < chunk ? len - off : chunk;
		int rc = rkv_conn_recv(conn, (const uint8_t *)bytes + off, n);

		if (rc < 0) {
			printf("  rkv_conn_recv: %s\n", rkv_strerror(rc));
			return;
		}
	}
}

int main(void)
{
	rkv_callbacks *cbs;
	rkv_node *node;
	rkv_conn *conn;

	printf("rkv %s\n\n", rkv_version());
	if (rkv_callbacks_new(&cbs) < 0)
		return 1;
	rkv_callbacks_set_send(cbs, on_send);
	rkv_callbacks_set_log(cbs, on_log);
	rkv_callbacks_set_close(cbs, on_close);
	if (rkv_node_new(&node, cbs, NULL, NULL) < 0)
		return 1;
	rkv_callbacks_free(cbs);
	if (rkv_conn_new(node, &conn, NULL) < 0)
		return 1;
	rkv_conn_set_addr(conn, "127.0.0.1:50000");

	feed(conn, "three pipelined commands in one read (one send back)",
	     "PING\r\n*2\r\n$4\r\nECHO\r\n$5\r\nhello\r\nping \"with "
	     "quotes\"\r\n",
	     1024);
	feed(conn, "a multibulk request arriving one byte at a time",
	     "*2\r\n$4\r\nECHO\r\n$11\r\nbyte a byte\r\n", 1);
	feed(conn, "HELLO 3 switches the connection to RESP3", "HELLO 3\r\n",
	     1024);
	feed(conn, "an unknown command", "FLY me to\r\n", 1024);
	feed(conn, "a protocol error closes the connection after the reply",
	     "*1\r\n$-5\r\n", 1024);
	rkv_conn_free(conn);
	rkv_node_free(node);
	return 0;
}
