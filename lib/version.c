/* Version and error strings. */
#include "rkv.h"

const char *rkv_version(void)
{
	return RKV_VERSION_STRING;
}

int rkv_version_number(void)
{
	return RKV_VERSION_NUMBER;
}

const char *rkv_strerror(int code)
{
	switch (code) {
	case 0:
		return "success";
	case RKV_ERR_NOMEM:
		return "out of memory";
	case RKV_ERR_INVALID:
		return "invalid argument";
	case RKV_ERR_PROTO:
		return "protocol error";
	case RKV_ERR_CLOSED:
		return "connection closed";
	case RKV_ERR_WOULDBLOCK:
		return "operation would block";
	case RKV_ERR_CALLBACK:
		return "callback failure";
	case RKV_ERR_STATE:
		return "invalid state";
	case RKV_ERR_LIMIT:
		return "limit exceeded";
	default:
		return "unknown error";
	}
}
