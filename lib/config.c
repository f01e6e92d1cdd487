/* Configuration directives: placeholder until CONFIG lands. */
#include "commands.h"

void rkv_cmd_config(rkv_conn *c, size_t argc, const rkv_slice *argv)
{
	(void)argc;
	(void)argv;
	rkv_resp_add_errorf(&c->obuf, "not implemented yet");
}

void rkv_config_free(rkv_node *node)
{
	(void)node;
}
