#!/usr/bin/env bash
# The README's demo command: installs what is missing, builds rkv, runs the
# in-process demo host (examples/demo.c), then starts rkv-server on a free
# loopback port and talks to it with redis-cli. The server is stopped by PID
# whatever happens.
set -euo pipefail
cd "$(dirname "$0")/.."
need=()
command -v meson >/dev/null || need+=(meson)
command -v ninja >/dev/null || need+=(ninja-build)
command -v pkg-config >/dev/null || need+=(pkg-config)
command -v cc >/dev/null || need+=(gcc)
command -v redis-cli >/dev/null || need+=(redis-tools)
command -v python3 >/dev/null || need+=(python3)
if [ ${#need[@]} -gt 0 ]; then
	sudo=; [ "$(id -u)" -eq 0 ] || sudo=sudo
	$sudo apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null
fi
dir=build-demo
[ -d "$dir" ] || meson setup "$dir" -Dtests=false >/dev/null
ninja -C "$dir" >/dev/null

echo "=== 1. a host in one file: examples/demo.c feeds RESP to a node"
"$dir/examples/rkv-demo"

echo
echo "=== 2. rkv-server, with redis-cli"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
log=$(mktemp)
"$dir/examples/rkv-server" --port "$port" --bind 127.0.0.1 --save "" >"$log" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -f "$log"' EXIT
for _ in $(seq 100); do
	redis-cli -p "$port" PING >/dev/null 2>&1 && break
	kill -0 "$pid" 2>/dev/null || { cat "$log"; exit 1; }
	sleep 0.05
done
cli() {
	echo "\$ redis-cli $*"
	redis-cli -p "$port" "$@"
}
cli PING
cli SET photo_obj_id 3301000051
cli GET photo_obj_id
cli SET session:1 alice EX 100
cli TTL session:1
cli INCRBY counter 41
cli INCR counter
cli MSET a 1 b 2 c 3
cli KEYS '?'
cli DBSIZE
cli GET
echo '$ printf "MULTI\nINCR counter\nGET counter\nEXEC\n" | redis-cli   # one connection'
printf 'MULTI\nINCR counter\nGET counter\nEXEC\n' | redis-cli -p "$port"
echo '$ redis-cli SUBSCRIBE news   # in the background, then PUBLISH news hello'
timeout 5 redis-cli -p "$port" SUBSCRIBE news >"$log.sub" 2>&1 &
sub=$!
for _ in $(seq 100); do
	[ "$(redis-cli -p "$port" PUBSUB NUMSUB news | tail -1)" = 1 ] && break
	sleep 0.05
done
cli PUBLISH news hello
kill "$sub" 2>/dev/null || true
wait "$sub" 2>/dev/null || true
cat "$log.sub"
rm -f "$log.sub"
cli CONFIG SET maxmemory 100mb
cli CONFIG GET maxmemory
echo "\$ redis-cli INFO keyspace"
redis-cli -p "$port" INFO keyspace
kill "$pid"
wait "$pid" || true
echo "--- rkv-server log"
cat "$log"
