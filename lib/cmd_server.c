/* Server commands: placeholder until INFO, CLIENT, COMMAND, SLOWLOG,
 * LATENCY, MONITOR and SHUTDOWN land. */
#include "commands.h"

#define STUB(fn)                                                               \
	void fn(rkv_conn *c, size_t argc, const rkv_slice *argv)               \
	{                                                                      \
		(void)argc;                                                    \
		(void)argv;                                                    \
		rkv_resp_add_errorf(&c->obuf, "not implemented yet");          \
	}
STUB(rkv_cmd_info)
STUB(rkv_cmd_client)
STUB(rkv_cmd_command)
STUB(rkv_cmd_slowlog)
STUB(rkv_cmd_latency)
STUB(rkv_cmd_monitor)
STUB(rkv_cmd_shutdown)

void rkv_monitor_feed(rkv_conn *c, size_t argc, const rkv_slice *argv)
{
	(void)c;
	(void)argc;
	(void)argv;
}

void rkv_slowlog_push(rkv_conn *c, size_t argc, const rkv_slice *argv,
		      int64_t duration_us)
{
	(void)c;
	(void)argc;
	(void)argv;
	(void)duration_us;
}

void rkv_server_free(rkv_node *node)
{
	(void)node;
}
