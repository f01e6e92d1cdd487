/* Pub/sub: placeholder until the pub/sub family lands. */
#include "commands.h"

#define STUB(fn)                                                               \
	void fn(rkv_conn *c, size_t argc, const rkv_slice *argv)               \
	{                                                                      \
		(void)argc;                                                    \
		(void)argv;                                                    \
		rkv_resp_add_errorf(&c->obuf, "not implemented yet");          \
	}
STUB(rkv_cmd_subscribe)
STUB(rkv_cmd_unsubscribe)
STUB(rkv_cmd_psubscribe)
STUB(rkv_cmd_punsubscribe)
STUB(rkv_cmd_publish)
STUB(rkv_cmd_pubsub)

void rkv_pubsub_unsubscribe_all(rkv_conn *c)
{
	(void)c;
}

void rkv_pubsub_conn_free(rkv_conn *c)
{
	(void)c;
}

void rkv_pubsub_free(rkv_node *node)
{
	(void)node;
}
