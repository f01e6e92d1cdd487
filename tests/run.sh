#!/usr/bin/env bash
# Runs every rkv test from a fresh clone on Debian 12 (this is the README's
# test command, and what .ci/run calls):
#   1. installs missing build dependencies with apt-get;
#   2. gcc build with -Werror: unit suites, corpus replay (fuzz-smoke), the
#      deterministic simulator (250 seeds and the regression seeds),
#      integration tests against real redis-server processes, and the
#      chaos test (tests/chaos: 20 kills of the master under load);
#   3. gcc ASan+UBSan build: the same suites but chaos (the simulator on 40
#      seeds);
#   4. valgrind (leak check) over every unit test binary;
#   5. clang ASan+UBSan build with -Werror: unit suites, corpus replay and
#      the simulator on 40 seeds (the integration suite already ran under
#      ASan+UBSan in step 3; CI's time budget is 15 minutes);
#   6. where clang has libFuzzer: each fuzz harness for RKV_FUZZ_SECONDS (20).
# Exits non-zero on the first failure; ends with "N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
out=${RKV_BUILD_ROOT:-$root/build-ci}
fuzz_seconds=${RKV_FUZZ_SECONDS:-20}

# ---- dependencies --------------------------------------------------------
need=()
command -v meson >/dev/null || need+=(meson)
command -v ninja >/dev/null || need+=(ninja-build)
command -v pkg-config >/dev/null || need+=(pkg-config)
command -v cc >/dev/null || need+=(gcc)
command -v valgrind >/dev/null || need+=(valgrind)
pkg-config --exists check 2>/dev/null || need+=(check)
pkg-config --exists hiredis 2>/dev/null || need+=(libhiredis-dev)
# Interop: real Redis processes to compare against (started on free
# loopback ports by the integration tests, stopped by PID).
command -v redis-server >/dev/null || need+=(redis-server)
command -v redis-cli >/dev/null || need+=(redis-tools)
command -v redis-sentinel >/dev/null || need+=(redis-sentinel)
# redis-py for Debian's own interpreter (/usr/bin/python3, not a pyenv one).
/usr/bin/python3 -c 'import redis' 2>/dev/null || need+=(python3-redis)
if [ ${#need[@]} -gt 0 ]; then
	echo "== installing: ${need[*]}"
	sudo=; [ "$(id -u)" -eq 0 ] || sudo=sudo
	$sudo apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null
fi

passed=0
failed=0
summary=()
# A stage's heading, with the seconds elapsed so far (CI has a budget).
stage() { echo "== $* [${SECONDS}s]"; }

# Run `meson test` in a build dir; add its counts to the totals.
run_suites() {
	local dir=$1 label=$2; shift 2
	local log rc=0
	log=$(meson test -C "$dir" --print-errorlogs "$@" 2>&1) || rc=$?
	echo "$log" | grep -E '^ *[0-9]+/[0-9]+ ' || true
	local ok fail
	ok=$(echo "$log" | awk '/^Ok:/ {print $2}')
	fail=$(echo "$log" | awk '/^Fail:/ {print $2}')
	ok=${ok:-0}; fail=${fail:-0}
	# Check's own summary lines, one per suite binary.
	grep -hE '^[0-9]+%: Checks: ' "$dir/meson-logs/testlog.txt" | sed 's/^/    /' || true
	passed=$((passed + ok)); failed=$((failed + fail))
	summary+=("$label: $ok passed, $fail failed")
	if [ $rc -ne 0 ] || [ "$fail" != 0 ]; then
		echo "$log" | tail -40
		echo "FAILED: $label"
		echo "$passed passed, $((failed > 0 ? failed : 1)) failed"
		exit 1
	fi
}

# The simulator under the sanitizers: seeds 1-40 (fewer than the gcc
# build's 250: ASan makes it five times slower) and the regression seeds.
run_sim_sanitized() {
	local dir=$1 label=$2 log rc=0
	log=$("$dir/tests/rkv-sim" --seed 1 --count 40 --quiet 2>&1 &&
		"$dir/tests/rkv-sim" --replay tests/sim/regressions.txt 2>&1) || rc=$?
	echo "$log" | sed 's/^/    /' | tail -5
	if [ $rc -ne 0 ]; then
		echo "FAILED: $label"
		echo "$passed passed, 1 failed"
		exit 1
	fi
	passed=$((passed + 2))
	summary+=("$label: 2 passed, 0 failed")
}

setup() {
	local dir=$1; shift
	if [ -d "$dir" ]; then
		meson setup --wipe "$dir" "$@" >/dev/null
	else
		meson setup "$dir" "$@" >/dev/null
	fi
	ninja -C "$dir" >/dev/null
}

stage "gcc, -Werror"
CC=gcc setup "$out/gcc" -Dwerror=true -Dbench=true
run_suites "$out/gcc" "gcc" --suite unit --suite fuzz-smoke --suite sim --suite integration

# The benchmark is not a test, but it verifies every parse against the
# generated totals: a short run keeps it building and correct.
stage "bench smoke (results checked, timings ignored)"
"$out/gcc/bench/resp_bench" --size-mb 2 --rounds 1 >"$out/bench-smoke.log" 2>&1 ||
	{ cat "$out/bench-smoke.log"; echo "FAILED: resp_bench smoke"; echo "$passed passed, 1 failed"; exit 1; }
passed=$((passed + 1))
# bench/snapshot (BGSAVE under redis-benchmark load against redis-server):
# tiny sizes, so only that the script, both saves and its checks work.
/usr/bin/python3 bench/snapshot "$out/gcc/examples/rkv-server" --keys 20000 \
	--repeat 1 --calibrate-requests 20000 >"$out/bench-snapshot-smoke.log" 2>&1 ||
	{ cat "$out/bench-snapshot-smoke.log"; echo "FAILED: bench/snapshot smoke"; echo "$passed passed, 1 failed"; exit 1; }
passed=$((passed + 1))
# bench/replication (full sync and master throughput with 2 replicas against
# redis-server): tiny sizes, so only that the script, the syncs and its data
# checks (DBSIZE, DEBUG DIGEST, replica offsets) work; a few seconds.
/usr/bin/python3 bench/replication "$out/gcc/examples/rkv-server" --keys 20000 \
	--requests 20000 --repeat 1 >"$out/bench-replication-smoke.log" 2>&1 ||
	{ cat "$out/bench-replication-smoke.log"; echo "FAILED: bench/replication smoke"; echo "$passed passed, 1 failed"; exit 1; }
passed=$((passed + 1))
# bench/failover (sentinel failover, rkv-server --sentinel against
# redis-sentinel): one run each, so only that the script, both failovers and
# its checks (the +switch-master address, the writes read back) work; ~12 s.
/usr/bin/python3 bench/failover "$out/gcc/examples/rkv-server" --repeat 1 \
	>"$out/bench-failover-smoke.log" 2>&1 ||
	{ cat "$out/bench-failover-smoke.log"; echo "FAILED: bench/failover smoke"; echo "$passed passed, 1 failed"; exit 1; }
passed=$((passed + 1))
summary+=("bench smoke: 4 passed, 0 failed")

stage "install, pkg-config and meson subproject use"
bash tests/check_install.sh "$out/install"
passed=$((passed + 2))
summary+=("install+subproject: 2 passed, 0 failed")

stage "gcc, ASan+UBSan"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
CC=gcc setup "$out/asan" -Dwerror=true -Db_sanitize=address,undefined \
	-Db_lundef=false -Dc_args=-fno-sanitize-recover=all
# The chaos test (tests/chaos, ~80 s of failover timers) runs in the gcc
# build only.
run_suites "$out/asan" "gcc-asan-ubsan" --suite unit --suite fuzz-smoke --suite integration \
	--no-suite chaos
run_sim_sanitized "$out/asan" "gcc-asan-ubsan rkv-sim"


stage "valgrind, unit test binaries"
vg_ok=0
# Two at a time (the longest suites take minutes under valgrind); each
# leaves <binary>.vg.log and, when clean, <binary>.vg.ok.
# The slowest first, so the two workers end together.
vg_bins=()
for t in "$out"/gcc/tests/test_{resp,snapshot,resp_badinput,dict} "$out"/gcc/tests/test_*; do
	[ -f "$t" ] && [ -x "$t" ] || continue
	case " ${vg_bins[*]} " in *" $t "*) continue ;; esac
	vg_bins+=("$t")
done
rm -f "$out"/gcc/tests/*.vg.ok
printf '%s\n' "${vg_bins[@]}" | xargs -P 2 -I{} sh -c \
	'CK_FORK=no valgrind -q --leak-check=full --show-leak-kinds=all \
		--errors-for-leak-kinds=all --error-exitcode=1 "$1" >"$1.vg.log" 2>&1 &&
		touch "$1.vg.ok"' sh {} || true
for t in "${vg_bins[@]}"; do
	if [ -f "$t.vg.ok" ]; then
		vg_ok=$((vg_ok + 1))
		echo "    $(basename "$t"): no leaks, no errors"
	else
		tail -30 "$t.vg.log"
		echo "FAILED: valgrind $(basename "$t")"
		echo "$passed passed, 1 failed"
		exit 1
	fi
done
passed=$((passed + vg_ok))
summary+=("valgrind: $vg_ok passed, 0 failed")

if command -v clang >/dev/null; then
	# clang's UBSan checks more than gcc's (pointer overflow, for one).
	stage "clang, -Werror, ASan+UBSan"
	CC=clang setup "$out/clang" -Dwerror=true -Db_sanitize=address,undefined \
		-Db_lundef=false -Dc_args=-fno-sanitize-recover=all
	run_suites "$out/clang" "clang-asan-ubsan" --suite unit --suite fuzz-smoke
	run_sim_sanitized "$out/clang" "clang-asan-ubsan rkv-sim"

	stage "libFuzzer, ${fuzz_seconds}s per harness"
	if echo 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n){(void)d;(void)n;return 0;}' |
		clang -x c -fsanitize=fuzzer -o /dev/null - 2>/dev/null; then
		CC=clang setup "$out/fuzz" -Dfuzz=true -Dtests=false -Dexamples=false \
			-Db_sanitize=address,undefined -Db_lundef=false \
			"-Dc_args=['-fsanitize=fuzzer-no-link','-fno-sanitize-recover=all']" \
			-Dwerror=true
		for h in "$out"/fuzz/fuzz/fuzz_*; do
			[ -f "$h" ] && [ -x "$h" ] || continue
			name=$(basename "$h")
			corpus=$root/fuzz/corpus/${name#fuzz_}
			work=$(mktemp -d)
			cp -r "$corpus"/. "$work"/
			if "$h" -max_total_time="$fuzz_seconds" -max_len=4096 \
				-print_final_stats=1 "$work" >"$work.log" 2>&1; then
				execs=$(grep -E '^stat::number_of_executed_units' "$work.log" | awk '{print $2}')
				echo "    $name: ${execs:-?} execs in ${fuzz_seconds}s, no crash"
				passed=$((passed + 1))
				summary+=("libfuzzer $name: 1 passed, 0 failed (${execs:-?} execs)")
			else
				tail -60 "$work.log"
				echo "FAILED: $name (crash input saved in $PWD)"
				echo "$passed passed, 1 failed"
				exit 1
			fi
			rm -rf "$work" "$work.log"
		done
	else
		echo "    clang has no libFuzzer runtime here: fuzzing not run"
		summary+=("libfuzzer: not run (no libFuzzer runtime)")
	fi
else
	stage "clang not installed: clang build and libFuzzer runs not done"
	summary+=("clang: not run (clang not installed)")
fi

echo
echo "== summary [${SECONDS}s]"
printf '    %s\n' "${summary[@]}"
echo "tests: $passed passed, $failed failed"
