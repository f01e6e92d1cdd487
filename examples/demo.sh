#!/usr/bin/env bash
# The README's demo command: installs what is missing, builds rkv, runs the
# in-process demo host (examples/demo.c), then starts rkv-server on a free
# loopback port and talks to it with redis-cli, then runs the seed's
# scenario: a master, two replicas and a sentinel; the master is killed, the
# sentinel fails over and the other replica continues with a partial resync.
# Servers are stopped by PID whatever happens.
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

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
tmp=$(mktemp -d)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
	rm -rf "$tmp"
}
trap cleanup EXIT
# start NAME PORT [--directive value ...]: rkv-server in $tmp/NAME, logging to
# $tmp/NAME.log; returns once it answers PING.
start() {
	local name=$1 p=$2; shift 2
	mkdir -p "$tmp/$name"
	# A config file, as the seed's nodes have (CONFIG REWRITE updates it).
	printf 'port %s\nbind 127.0.0.1\nsave ""\n' "$p" >"$tmp/$name/redis.conf"
	(cd "$tmp/$name" && exec "$OLDPWD/$dir/examples/rkv-server" redis.conf \
		"$@") >"$tmp/$name.log" 2>&1 &
	pids+=($!)
	for _ in $(seq 100); do
		redis-cli -p "$p" PING >/dev/null 2>&1 && return 0
		kill -0 "${pids[-1]}" 2>/dev/null || { cat "$tmp/$name.log"; exit 1; }
		sleep 0.05
	done
	echo "rkv-server $name did not start"; cat "$tmp/$name.log"; exit 1
}
# wait_for PORT FIELD VALUE: poll INFO replication until FIELD:VALUE.
wait_for() {
	for _ in $(seq 200); do
		redis-cli -p "$1" INFO replication | tr -d '\r' | grep -qx "$2:$3" && return 0
		sleep 0.05
	done
	echo "timed out waiting for $2:$3 on port $1"; exit 1
}

echo
echo "=== 2. rkv-server, with redis-cli"
port=$(free_port)
log=$tmp/server.log
start server "$port"
pid=${pids[-1]}
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

echo
echo "=== 3. the seed's scenario: a master, two replicas and a sentinel (quorum 1);"
echo "===    the master is killed, the sentinel fails over, the other replica"
echo "===    continues with a partial resync, the old master returns as a replica"
m=$(free_port); r1=$(free_port); r2=$(free_port); sp=$(free_port)
start master "$m" --repl-diskless-sync-delay 0
start replica1 "$r1" --replicaof "127.0.0.1 $m"
start replica2 "$r2" --replicaof "127.0.0.1 $m"
wait_for "$m" connected_slaves 2
for i in $(seq 1 17); do echo "SET photo:$i $((3301000000 + i))"; done |
	redis-cli -p "$m" >/dev/null
redis-cli -p "$m" SET photo_obj_id 3301000051 >/dev/null
off=$(redis-cli -p "$m" INFO replication | tr -d '\r' | sed -n 's/^master_repl_offset://p')
wait_for "$r1" slave_repl_offset "$off"
wait_for "$r2" slave_repl_offset "$off"
echo "\$ redis-cli -p $m INFO replication   # the master"
redis-cli -p "$m" INFO replication | grep -E '^(role|connected_slaves|slave[0-9]|master_replid|master_repl_offset|second_repl_offset|repl_backlog)'
echo "\$ redis-cli -p $r1 INFO replication   # a replica"
redis-cli -p "$r1" INFO replication | grep -E '^(role|master_host|master_port|master_link_status|slave_repl_offset)'
echo "\$ redis-cli -p $r1 GET photo_obj_id"
redis-cli -p "$r1" GET photo_obj_id
echo "\$ redis-cli -p $r1 SET x 1   # replicas are read-only"
redis-cli -p "$r1" SET x 1
mkdir -p "$tmp/sentinel"
cat >"$tmp/sentinel/sentinel.conf" <<CONF
port $sp
bind 127.0.0.1
sentinel monitor mymaster 127.0.0.1 $m 1
sentinel down-after-milliseconds mymaster 3000
CONF
(cd "$tmp/sentinel" && exec "$OLDPWD/$dir/examples/rkv-server" sentinel.conf --sentinel) \
	>"$tmp/sentinel.log" 2>&1 &
pids+=($!)
slog=$tmp/sentinel.log
# wait_log FILE TEXT: poll until the file has the text (deadline 60 s).
wait_log() {
	for _ in $(seq 1200); do
		grep -qF -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.05
	done
	echo "timed out waiting for '$2' in $1"; cat "$1"; exit 1
}
wait_log "$slog" "+slave slave 127.0.0.1:$r2"
wait_log "$slog" "+slave slave 127.0.0.1:$r1"
echo "\$ redis-cli -p $sp SENTINEL GET-MASTER-ADDR-BY-NAME mymaster"
redis-cli -p "$sp" SENTINEL GET-MASTER-ADDR-BY-NAME mymaster
mpid=${pids[-4]}
{ kill -9 "$mpid"; wait "$mpid"; } 2>/dev/null || true   # the master dies
echo "(master killed with SIGKILL; down-after-milliseconds is 3000)"
wait_log "$slog" "+switch-master mymaster 127.0.0.1 $m"
new=$(redis-cli -p "$sp" SENTINEL GET-MASTER-ADDR-BY-NAME mymaster | tail -1)
if [ "$new" = "$r1" ]; then other=$r2; oname=replica2; nname=replica1; else other=$r1; oname=replica1; nname=replica2; fi
wait_for "$other" master_link_status up
wait_for "$other" master_port "$new"
echo "\$ redis-cli -p $sp SENTINEL GET-MASTER-ADDR-BY-NAME mymaster"
redis-cli -p "$sp" SENTINEL GET-MASTER-ADDR-BY-NAME mymaster
redis-cli -p "$new" SET after failover >/dev/null
for _ in $(seq 100); do [ "$(redis-cli -p "$other" GET after)" = failover ] && break; sleep 0.05; done
echo "\$ redis-cli -p $other GET photo_obj_id; GET after   # the other replica"
redis-cli -p "$other" GET photo_obj_id
redis-cli -p "$other" GET after
echo "--- the old master restarts: the sentinel converts it into a replica"
start master "$m" --repl-diskless-sync-delay 0
wait_log "$slog" "+convert-to-slave slave 127.0.0.1:$m"
wait_for "$m" master_link_status up
echo "--- sentinel log"
grep -E ' [#*] [+-]' "$slog"
echo "--- $nname (promoted) log, replication lines"
grep -E 'MASTER MODE|secondary replication ID|CONFIG REWRITE|Partial resynchronization request' "$tmp/$nname.log"
echo "--- $oname log, replication lines"
grep -E 'Trying a partial|Successful partial|Master accepted a Partial|Master replication ID changed' "$tmp/$oname.log"
echo "\$ redis-cli -p $new INFO stats | grep sync_   # no full sync but the old master's"
redis-cli -p "$new" INFO stats | grep -E '^sync_(full|partial_ok)'
