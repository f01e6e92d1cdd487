#!/usr/bin/env bash
# Builds and runs resp_bench (rkv's RESP parsers vs the hiredis reader).
#
#   bench/run.sh [--build-dir DIR] [resp_bench options...]
#
# Configures DIR (default: build-bench, or $RKV_BENCH_BUILD) as a release
# build (-O3) with -Dbench=true -Dtests=false, builds resp_bench and runs it
# with the remaining arguments (see `resp_bench --help`). Missing build
# dependencies (meson, ninja, pkg-config, a C compiler, libhiredis-dev) are
# installed with apt-get, through sudo when not run as root.
set -euo pipefail
cd "$(dirname "$0")/.."

dir=${RKV_BENCH_BUILD:-build-bench}
if [ "${1:-}" = --build-dir ]; then
	[ $# -ge 2 ] || { echo "run.sh: --build-dir needs a directory" >&2; exit 2; }
	dir=$2
	shift 2
fi

need=()
command -v meson >/dev/null || need+=(meson)
command -v ninja >/dev/null || need+=(ninja-build)
command -v pkg-config >/dev/null || need+=(pkg-config)
command -v cc >/dev/null || need+=(gcc)
if ! command -v pkg-config >/dev/null || ! pkg-config --exists hiredis; then
	need+=(libhiredis-dev)
fi
if [ ${#need[@]} -gt 0 ]; then
	echo "== installing: ${need[*]}" >&2
	sudo=
	[ "$(id -u)" -eq 0 ] || sudo=sudo
	$sudo apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null
fi

opts=(-Dbench=true -Dtests=false -Dbuildtype=release)
if [ -f "$dir/build.ninja" ]; then
	meson configure "$dir" "${opts[@]}" >/dev/null
else
	meson setup "$dir" "${opts[@]}" >/dev/null
fi
meson compile -C "$dir" resp_bench >/dev/null

exec "$dir/bench/resp_bench" "$@"
