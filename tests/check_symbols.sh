#!/usr/bin/env bash
# ABI hygiene of the shared library: it exports rkv_* symbols only, and it
# imports no I/O, clock, thread, stdio or libc-random function (the library
# does no I/O and is deterministic given its inputs; see docs/architecture.md).
set -euo pipefail
lib=${1:?usage: check_symbols.sh librkv.so}
fail=0
exported=$(nm -D --defined-only "$lib" | awk '$2 ~ /[TDBRVW]/ {print $3}' |
	grep -vxE '_init|_fini|_edata|_end|__bss_start' || true)
bad_export=$(grep -v '^rkv_' <<<"$exported" || true)
if [ -n "$bad_export" ]; then
	echo "FAIL: exported symbols without the rkv_ prefix:"; echo "$bad_export"; fail=1
fi
forbidden='socket|connect|accept4?|bind|listen|read|write|readv|writev|send|recv|sendto|recvfrom|sendmsg|recvmsg|epoll_.*|poll|select|time|gettimeofday|clock_gettime|fork|pthread_create|fopen|fopen64|open|open64|openat|close|sleep|usleep|nanosleep|rand|srand|random|getenv|printf|puts|fprintf|fwrite'
bad_import=$(nm -D --undefined-only "$lib" | awk '{print $2}' | sed 's/@.*//' | grep -xE "$forbidden" || true)
if [ -n "$bad_import" ]; then
	echo "FAIL: the library imports I/O, clock or randomness:"; echo "$bad_import"; fail=1
fi
n=$(grep -c . <<<"$exported")
echo "exported: $n rkv_* symbols; imports checked against the no-I/O list"
exit $fail
