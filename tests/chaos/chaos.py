"""Chaos test with real processes: 1 master, 2 replicas and 3 sentinels,
all rkv-server processes on loopback (config files, quorum 2).

A writer thread keeps doing `SET chaos:<n> <n>` then `WAIT 2 1000` against
the master the sentinels name (a majority of them), reconnecting after any
failure; only a WAIT reply of 2 acknowledges a write. Meanwhile the current
master is killed with SIGKILL `--rounds` times in a row (each time: the
sentinels must agree on a new master, the killed node is restarted from its
config file with `replicaof` rewritten to that master, as an operator does,
and everything must be back in sync with both replicas acknowledging
writes), and a few SIGSTOP/SIGCONT pauses are mixed in: a replica paused
past down-after, the master paused shorter than down-after (no failover),
and the master paused until the sentinels have failed over (it resumes as a
stale master the sentinels convert to a replica).

At the end, with the writer stopped and all nodes quiescent (one master, two
replicas with link up and equal offsets): every acknowledged key must be
present with its value on all three data nodes, and DEBUG DIGEST must be
equal on the three; and no failover happened that the test did not cause
(each sentinel logs one +switch-master per failover). Prints a summary
(rounds, failovers, acknowledged and lost writes, full resyncs counted from
the logs).

Bounded: a total wall deadline (--deadline) and a deadline on every wait;
processes are stopped by PID in a finally (also on SIGTERM); the temporary
directory is removed on success and kept on failure (path and log tails
printed).

usage: python3 chaos.py <rkv-server> [--rounds N] [--seed N] [--deadline S]
                        [--down-after MS] [--convert-rounds N] [--keep]
Environment: RKV_CHAOS_SEED, RKV_CHAOS_ROUNDS override the defaults.
Standard library only (any python3).
"""
import argparse
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "integration"))
import rkvtest  # noqa: E402

# ms: sentinel down-after-milliseconds. Not below 1000: after a
# +switch-master a sentinel reconnects to the new address at most once per
# second (Redis's sentinelReconnectInstance), so with a shorter down-after
# the healthy new master is marked SDOWN and failed over again (real
# redis-sentinel does the same).
DOWN_AFTER = 1500
FAILOVER_TIMEOUT = 3000  # ms: sentinel failover-timeout
STEP_DEADLINE = 30.0  # s: the longest any single wait may take
CONVERT_DEADLINE = 40.0  # s: a stale master converted by the sentinels
Q_TIMEOUT = 1.0  # s: one query to a node (paused nodes do not answer)
WRITER_TIMEOUT = 2.5  # s: the writer's socket timeout (WAIT is 1000 ms)
PROGRESS = 20  # acknowledged writes needed after each round
POLL = 0.02  # s: poll interval


class Failure(Exception):
    pass


class Deadline(Failure):
    pass


class Fatal(Exception):
    """Not worth waiting on: a process died, the writer failed."""


def expect(cond, msg):
    if not cond:
        raise Failure(msg)


class Clock:
    """The total wall deadline; every wait is bounded by it too."""

    def __init__(self, seconds):
        self.t0 = time.monotonic()
        self.seconds = seconds
        self.end = self.t0 + seconds

    def elapsed(self):
        return time.monotonic() - self.t0

    def wait_for(self, what, fn, deadline=STEP_DEADLINE, why=None):
        """Polls fn() until it returns a true value, which is returned;
        exceptions from unreachable nodes and Failure count as false, Fatal
        ends the wait."""
        step_end = time.monotonic() + deadline
        last = None
        while True:
            try:
                r = fn()
                if r:
                    return r
            except (OSError, EOFError, Failure) as e:
                last = e
            now = time.monotonic()
            if now > self.end:
                raise Deadline(
                    f"TOTAL DEADLINE of {self.seconds:.0f} s exceeded while "
                    f"waiting for {what}" + (f" (last error: {last})"
                                             if last else "") +
                    (f" (not yet: {why()})" if why else ""))
            if now > step_end:
                raise Failure(f"timed out after {deadline:.0f} s waiting "
                              f"for {what}" + (f" (last error: {last})"
                                               if last else "") +
                              (f" (not yet: {why()})" if why else ""))
            time.sleep(POLL)  # poll interval


# ---- one query per connection, with a short timeout ------------------------

def q(port, *args, timeout=Q_TIMEOUT):
    with socket.create_connection(("127.0.0.1", port),
                                  timeout=timeout) as s:
        s.settimeout(timeout)
        s.sendall(rkvtest.cmd(*args))
        return rkvtest.parse_text(s.makefile("rb"))


def qinfo(port, section="replication"):
    out = {}
    r = q(port, "INFO", section)
    expect(isinstance(r, str), f"INFO on {port}: {r!r}")
    for line in r.splitlines():
        if ":" in line:
            k, v = line.split(":", 1)
            out[k] = v
    return out


# ---- processes -------------------------------------------------------------

class Node:
    """An rkv-server process from a config file in tmp; restartable on the
    same port; signalled and stopped by its PID."""

    def __init__(self, exe, tmp, name, lines, sentinel=False):
        self.exe = exe
        self.name = name
        self.sentinel = sentinel
        self.port = rkvtest.free_port()
        self.conf, self.logpath = rkvtest.write_conf(tmp, name, self.port,
                                                     lines)
        self.outpath = os.path.join(tmp, name + ".out")
        self.proc = None
        self.paused = False
        self.killed = False  # the current process was killed by the test

    def start(self):
        argv = [self.exe, self.conf] + (["--sentinel"] if self.sentinel
                                        else [])
        # stdout/stderr (sanitizer reports) to a file, never a pipe.
        with open(self.outpath, "ab") as out:
            self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL,
                                         stdout=out, stderr=out)
        self.killed = False
        self.paused = False
        try:
            rkvtest.wait_listening(self.proc, self.port, self.name)
        except AssertionError as e:
            raise Failure(str(e)) from None

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def kill9(self):
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait()
        self.killed = True

    def pause(self):
        os.kill(self.proc.pid, signal.SIGSTOP)
        self.paused = True

    def resume(self):
        if self.paused and self.alive():
            os.kill(self.proc.pid, signal.SIGCONT)
        self.paused = False

    def stop(self):
        """SIGCONT if paused, then SIGTERM by PID (SIGKILL after a
        timeout); the exit status, None if never started."""
        if self.proc is None:
            return None
        if self.alive():
            if self.paused:
                os.kill(self.proc.pid, signal.SIGCONT)
                self.paused = False
            return rkvtest.stop_pid(self.proc)
        return self.proc.returncode

    def log(self):
        return rkvtest.read_log(self.logpath)

    def out(self):
        """What the processes wrote to stdout/stderr (a sanitizer's
        report, a crash message)."""
        return rkvtest.read_text(self.outpath) if \
            os.path.exists(self.outpath) else ""

    def set_replicaof(self, port):
        """Rewrites the config file's replicaof line (what an operator
        restarting an old master does), keeping every other line."""
        with open(self.conf) as f:
            lines = [ln for ln in f.read().splitlines()
                     if not re.match(r"^\s*(replicaof|slaveof)\s",
                                     ln, re.I)]
        if port is not None:
            lines.append(f"replicaof 127.0.0.1 {port}")
        with open(self.conf, "w") as f:
            f.write("\n".join(lines) + "\n")


# ---- the cluster -----------------------------------------------------------

class Cluster:
    def __init__(self, exe, tmp, clock):
        self.clock = clock
        common = ['save ""', "appendonly no", "repl-diskless-sync-delay 0",
                  "enable-debug-command yes"]
        self.data = [Node(exe, tmp, "node0", common)]
        mport = self.data[0].port
        for i in (1, 2):
            self.data.append(Node(exe, tmp, f"node{i}", common +
                                  [f"replicaof 127.0.0.1 {mport}"]))
        self.sentinels = [
            Node(exe, tmp, f"sentinel{i}",
                 [f"sentinel monitor mymaster 127.0.0.1 {mport} 2",
                  f"sentinel down-after-milliseconds mymaster {DOWN_AFTER}",
                  f"sentinel failover-timeout mymaster {FAILOVER_TIMEOUT}"],
                 sentinel=True)
            for i in range(3)]
        self.by_port = {n.port: n for n in self.data}
        self.writer = None
        self.why = ""

    def all(self):
        return self.data + self.sentinels

    def start(self):
        """The data nodes, then (once both replicas are online, so the
        sentinels' first INFO of the master lists them) the sentinels;
        returns when they know each other."""
        for n in self.data:
            n.start()
        m = self.data[0]

        def synced():
            mi = qinfo(m.port)
            return all("state=online" in mi.get(k, "")
                       for k in ("slave0", "slave1"))
        self.clock.wait_for("both replicas online", synced)
        for n in self.sentinels:
            n.start()

        def know_each_other():
            for s in self.sentinels:
                r = q(s.port, "SENTINEL", "SENTINELS", "mymaster")
                if not isinstance(r, list) or len(r) != 2:
                    return False
            return True
        self.clock.wait_for("the sentinels knowing each other",
                            know_each_other)

    def addrs(self):
        """Each sentinel's master address (port), None if unreachable."""
        out = []
        for s in self.sentinels:
            try:
                r = q(s.port, "SENTINEL", "GET-MASTER-ADDR-BY-NAME",
                      "mymaster")
                out.append(int(r[1]) if isinstance(r, list) else None)
            except (OSError, EOFError, ValueError, IndexError):
                out.append(None)
        return out

    def agreed_master(self, all_three=False):
        """The data node a majority (or all) of the sentinels name."""
        a = self.addrs()
        for p in set(a):
            if p is not None and a.count(p) >= (3 if all_three else 2):
                return self.by_port.get(p)
        return None

    def check_alive(self):
        for n in self.all():
            if n.proc is not None and not n.killed and not n.alive():
                raise Fatal(f"{n.name} (port {n.port}) died: exit "
                              f"status {n.proc.returncode}")

    def healthy(self, m, views=True):
        """m is the master of both other data nodes, link up, and every
        sentinel names m (with views: and lists both replicas as up,
        following m). When not, self.why says what is missing."""
        self.check_alive()
        mi = qinfo(m.port)
        if mi.get("role") != "master" or mi.get("connected_slaves") != "2":
            self.why = f"{m.name}: role {mi.get('role')}, " \
                f"{mi.get('connected_slaves')} replicas"
            return False
        for k in ("slave0", "slave1"):
            if "state=online" not in mi.get(k, ""):
                self.why = f"{m.name}: {k} {mi.get(k)}"
                return False
        for r in self.data:
            if r is m:
                continue
            ri = qinfo(r.port)
            if ri.get("role") != "slave" or \
                    ri.get("master_port") != str(m.port) or \
                    ri.get("master_link_status") != "up":
                self.why = f"{r.name}: role {ri.get('role')}, master " \
                    f"{ri.get('master_port')}, link " \
                    f"{ri.get('master_link_status')}"
                return False
        want = sorted(r.port for r in self.data if r is not m)
        for s in self.sentinels:
            r = q(s.port, "SENTINEL", "GET-MASTER-ADDR-BY-NAME", "mymaster")
            if not isinstance(r, list) or r[1] != str(m.port):
                self.why = f"{s.name} names {r}"
                return False
            if not views:
                continue
            reps = q(s.port, "SENTINEL", "REPLICAS", "mymaster")
            ok = []
            for rep in reps if isinstance(reps, list) else []:
                d = dict(zip(rep[::2], rep[1::2]))
                fl = d.get("flags", "").split(",")
                if "s_down" in fl or "disconnected" in fl:
                    continue
                if d.get("master-port") != str(m.port):
                    continue
                ok.append(int(d["port"]))
            if sorted(ok) != want:
                self.why = f"{s.name}: replicas {reps}"
                return False
        return True

    def settle(self, what, deadline=STEP_DEADLINE, slow=5.0, views=True):
        """Waits for one master named by all sentinels, two replicas
        following it with link up (healthy()); returns the master. Notes a
        wait longer than `slow` seconds, with what was missing last."""
        def ok():
            m = self.agreed_master(all_three=True)
            return m if m is not None and self.healthy(m, views) else None
        t0 = time.monotonic()
        m = self.clock.wait_for(what, ok, deadline, lambda: self.why)
        if time.monotonic() - t0 > slow:
            print(f"#   (slow: {time.monotonic() - t0:.1f} s for {what}; "
                  f"last missing: {self.why})", flush=True)
        return m

    def quiescent(self):
        """The settled master, when all offsets are equal."""
        m = self.agreed_master(all_three=True)
        if m is None or not self.healthy(m):
            return None
        offs = [qinfo(n.port).get("master_repl_offset") for n in self.data]
        return m if len(set(offs)) == 1 else None


# ---- the writer ------------------------------------------------------------

class Writer(threading.Thread):
    """SET chaos:<n> <n> + WAIT 2 1000 on the master the sentinels name;
    acked holds the n whose WAIT replied 2."""

    def __init__(self, cluster):
        super().__init__(daemon=True)
        self.cluster = cluster
        self.halt = threading.Event()
        self.acked = []
        self.n = 0
        self.not_acked = 0
        self.errors = 0
        self.reconnects = 0
        self.exc = None

    def run(self):
        try:
            self.loop()
        except Exception as e:  # noqa: BLE001 - reported by the main thread
            self.exc = e

    def loop(self):
        sock = rd = target = None
        while not self.halt.is_set():
            if sock is None:
                m = self.cluster.agreed_master()
                if m is None:
                    time.sleep(POLL)  # poll interval
                    continue
                try:
                    target = m
                    sock = socket.create_connection(
                        ("127.0.0.1", m.port), timeout=WRITER_TIMEOUT)
                    sock.settimeout(WRITER_TIMEOUT)
                    rd = rkvtest.Replies(sock)
                    self.reconnects += 1
                except OSError:
                    sock = None
                    time.sleep(POLL)  # poll interval
                    continue
            self.n += 1
            n = self.n
            try:
                sock.sendall(rkvtest.cmd("SET", f"chaos:{n}", str(n)) +
                             rkvtest.cmd("WAIT", "2", "1000"))
                r1 = rd.reply()
                r2 = rd.reply()
            except (OSError, EOFError):
                sock.close()
                sock = None
                self.errors += 1
                continue
            if r1 == "+OK" and r2 == 2:
                self.acked.append(n)
                continue
            if r1 != "+OK":
                self.errors += 1  # -READONLY on a demoted master...
            else:
                self.not_acked += 1
            # Not acknowledged: is this still the sentinels' master?
            if self.cluster.agreed_master() is not target:
                sock.close()
                sock = None

    def wait_progress(self, clock, what, k=PROGRESS):
        base = len(self.acked)

        def ok():
            if self.exc:
                raise Fatal(f"writer thread failed: {self.exc!r}")
            self.cluster.check_alive()
            return len(self.acked) >= base + k
        clock.wait_for(f"{k} acknowledged writes {what}", ok)


# ---- the run ---------------------------------------------------------------

def full_resyncs(cluster):
    return sum(n.log().count("Full resync from master") for n in cluster.data)


def run(args, c, clock):
    rng = random.Random(args.seed)
    stats = {"failovers": 0, "kills": 0, "pauses": 0, "converted": 0}
    failover_s = []
    c.start()
    print("# pids: " + ", ".join(f"{n.name}={n.proc.pid}:{n.port}"
                                   for n in c.all()), flush=True)
    m = c.settle("the initial cluster (3 data nodes, 3 sentinels)")
    print(f"# settled: master {m.name} [{clock.elapsed():.1f} s]", flush=True)
    writer = c.writer = Writer(c)
    writer.start()
    writer.wait_progress(clock, "at the start")

    # Pauses mixed in after some kill rounds.
    pauses = {max(1, args.rounds // 4): "replica",
              max(2, args.rounds // 2): "master-short",
              max(3, 3 * args.rounds // 4): "master-long"}
    for rnd in range(1, args.rounds + 1):
        # The sentinels' view of a restarted replica lags by up to a
        # second (they reconnect once a second): not waited for between
        # kill rounds (the next failover picks among the replicas they see
        # up), only before a pause and at the end.
        m = c.settle(f"a settled cluster before round {rnd}", views=False)
        # A random moment in the load.
        time.sleep(rng.uniform(0, 0.2))  # fault timing, not sync
        t0 = time.monotonic()
        old = m
        old.kill9()
        stats["kills"] += 1
        new = clock.wait_for(
            f"round {rnd}: a majority of sentinels naming a new master "
            f"after SIGKILL of {old.name} (port {old.port})",
            lambda: (lambda x: x if x is not None and x is not old
                     else None)(c.agreed_master()))
        dt = time.monotonic() - t0
        failover_s.append(dt)
        stats["failovers"] += 1
        t1 = time.monotonic()
        if rnd > args.rounds - args.convert_rounds:
            # Restarted from its config file as it is: an empty master
            # (no persistence) the sentinels must convert to a replica.
            conv = f"+convert-to-slave slave 127.0.0.1:{old.port} "
            before = [s.log().count(conv) for s in c.sentinels]
            old.start()
            m = c.settle(f"round {rnd}: {old.name}, restarted as a master, "
                         "converted by the sentinels", CONVERT_DEADLINE,
                         slow=20.0, views=False)
            expect(any(s.log().count(conv) > b
                       for s, b in zip(c.sentinels, before)),
                   f"no sentinel logged {conv.strip()}")
            stats["converted"] += 1
        else:
            # The operator restarts the old master as a replica of the
            # master the sentinels name.
            old.set_replicaof(new.port)
            old.start()
            m = c.settle(f"round {rnd}: {old.name} back as a replica",
                         views=False)
        writer.wait_progress(clock, f"after round {rnd}")
        print(f"# round {rnd:2d}: killed {old.name}:{old.port}, "
              f"new master {new.name}:{new.port} in {dt:.1f} s, "
              f"rejoined in {time.monotonic() - t1:.1f} s; "
              f"{len(writer.acked)} acked [{clock.elapsed():.1f} s]",
              flush=True)

        kind = pauses.get(rnd)
        if kind is None:
            continue
        stats["pauses"] += 1
        t0 = time.monotonic()
        m = c.settle(f"the sentinels' view before the {kind} pause")
        if kind == "replica":
            r = rng.choice([n for n in c.data if n is not m])
            ev = f"+sdown slave 127.0.0.1:{r.port} "
            before = [s.log().count(ev) for s in c.sentinels]
            r.pause()
            try:
                # Paused until every sentinel saw it down.
                clock.wait_for("+sdown of the paused replica", lambda: all(
                    s.log().count(ev) > b
                    for s, b in zip(c.sentinels, before)))
            finally:
                r.resume()
            note = f"paused replica {r.name}"
        elif kind == "master-short":
            m.pause()
            try:
                time.sleep(0.4 * DOWN_AFTER / 1000)  # the fault's length
            finally:
                m.resume()
            note = f"paused master {m.name} for {0.4 * DOWN_AFTER:.0f} ms"
        else:
            m.pause()
            try:
                new = clock.wait_for(
                    "a new master while the old one is paused",
                    lambda: (lambda x: x if x is not None and x is not m
                             else None)(c.agreed_master(all_three=True)))
                other = [n for n in c.data if n not in (m, new)][0]
                clock.wait_for("the other replica following the new "
                               "master", lambda: qinfo(other.port).get(
                                   "master_port") == str(new.port))
            finally:
                m.resume()
            stats["failovers"] += 1
            note = (f"paused master {m.name} until {new.name} took "
                    "over; resumed as a stale master")
        long = kind == "master-long"
        m2 = c.settle(f"after the pause ({kind})",
                      CONVERT_DEADLINE if long else STEP_DEADLINE,
                      slow=20.0 if long else 5.0)
        if long:
            expect(any(f"+convert-to-slave slave 127.0.0.1:{m.port} "
                       in s.log() for s in c.sentinels),
                   "no sentinel logged +convert-to-slave of the stale "
                   "master")
            stats["converted"] += 1
        else:
            expect(m2 is m, f"a failover to {m2.name} after the {kind} "
                   "pause (no failover expected)")
        writer.wait_progress(clock, f"after the {kind} pause")
        print(f"# pause {kind}: {note}; "
              f"{time.monotonic() - t0:.1f} s [{clock.elapsed():.1f} s]",
              flush=True)

    writer.halt.set()
    writer.join(WRITER_TIMEOUT + 2)
    expect(not writer.is_alive(), "the writer did not stop")
    if writer.exc:
        raise Failure(f"writer thread failed: {writer.exc!r}")
    m = clock.wait_for("quiescence (equal offsets)", c.quiescent)

    # Every acknowledged write on every data node.
    acked = writer.acked
    lost = {}
    for n in c.data:
        missing = []
        for i in range(0, len(acked), 1000):
            batch = acked[i:i + 1000]
            got = q(n.port, "MGET", *[f"chaos:{k}" for k in batch],
                    timeout=10.0)
            expect(isinstance(got, list) and len(got) == len(batch),
                   f"MGET on {n.name}: {str(got)[:200]}")
            missing += [k for k, v in zip(batch, got) if v != str(k)]
        lost[n.name] = len(missing)
        if missing:
            print(f"#   {n.name} lacks {len(missing)} acknowledged keys, "
                  f"e.g. " + ", ".join(f"chaos:{k}" for k in missing[:10]),
                  flush=True)
    dig = {n.name: q(n.port, "DEBUG", "DIGEST") for n in c.data}
    size = {n.name: q(n.port, "DBSIZE") for n in c.data}
    sw = sum(s.log().count("+switch-master mymaster") for s in
             c.sentinels)
    print(f"# summary: seed {args.seed}, {args.rounds} kill rounds, "
          f"{stats['pauses']} pauses, {stats['failovers']} failovers "
          f"(+switch-master lines: {sw} over 3 sentinels), "
          f"{stats['converted']} stale or restarted masters converted",
          flush=True)
    print(f"#   writes: {writer.n} sent, {len(acked)} acknowledged, "
          f"{writer.not_acked} not acknowledged, {writer.errors} "
          f"errors, {writer.reconnects} connections", flush=True)
    print(f"#   lost acknowledged writes: {lost}", flush=True)
    print(f"#   failover times (s): min {min(failover_s):.1f}, "
          f"max {max(failover_s):.1f}, mean "
          f"{sum(failover_s) / len(failover_s):.1f}; "
          f"full resyncs in logs: {full_resyncs(c)}; final master "
          f"{m.name}; dbsize {size}", flush=True)
    print(f"#   elapsed {clock.elapsed():.1f} s", flush=True)
    expect(all(v == 0 for v in lost.values()),
           f"acknowledged writes lost: {lost}")
    expect(len(set(dig.values())) == 1, f"DEBUG DIGEST differs: {dig}")
    expect(len(set(size.values())) == 1, f"DBSIZE differs: {size}")
    expect(stats["kills"] == args.rounds, stats)
    # No failover the test did not cause (a healthy master failed over):
    # each sentinel switched exactly that many times.
    for s in c.sentinels:
        k = s.log().count("+switch-master mymaster")
        expect(k == stats["failovers"],
               f"{s.name} logged {k} +switch-master for "
               f"{stats['failovers']} failovers caused by the test")


def stop_all(c):
    """Stops every process by PID; the ones the test did not kill must
    exit 0 on SIGTERM. Returns [(name, status)] of the others."""
    bad = []
    for n in c.all():
        st = n.stop()
        if st is not None and not n.killed and st != 0:
            bad.append((n.name, st))
    return bad


def dump(c, tmp):
    print(f"# logs kept in {tmp}", flush=True)
    for n in c.all():
        tail = n.log().splitlines()[-25:]
        print(f"--- {n.name} (port {n.port}, {n.logpath}), last "
              f"{len(tail)} lines", flush=True)
        print("\n".join(tail), flush=True)
        out = n.out().strip()
        if out:
            print(f"--- {n.name} stdout/stderr ({n.outpath}), last 3000 "
                  f"characters:\n{out[-3000:]}", flush=True)


def on_sigterm(signum, frame):
    raise SystemExit(f"terminated by signal {signum}")


def main():
    global DOWN_AFTER
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("server")
    ap.add_argument("--rounds", type=int,
                    default=int(os.environ.get("RKV_CHAOS_ROUNDS", "20")))
    ap.add_argument("--seed", type=int,
                    default=int(os.environ.get("RKV_CHAOS_SEED", "0")) or
                    random.SystemRandom().randrange(1, 1 << 31))
    ap.add_argument("--deadline", type=float, default=240.0,
                    help="total wall deadline in seconds")
    ap.add_argument("--convert-rounds", type=int, default=0,
                    help="in the last N kill rounds, restart the killed "
                    "node from its config file unchanged (a master) and "
                    "wait for the sentinels to convert it (8-20 s each)")
    ap.add_argument("--keep", action="store_true",
                    help="keep the temporary directory (logs) on success")
    ap.add_argument("--down-after", type=int, default=DOWN_AFTER,
                    help="the sentinels' down-after-milliseconds")
    args = ap.parse_args()
    DOWN_AFTER = args.down_after
    expect(args.rounds >= 3, "--rounds must be at least 3")
    signal.signal(signal.SIGTERM, on_sigterm)
    print(f"# chaos: seed {args.seed} (RKV_CHAOS_SEED={args.seed} repeats "
          f"the fault schedule), {args.rounds} kill rounds, deadline "
          f"{args.deadline:.0f} s", flush=True)
    tmp = tempfile.mkdtemp(prefix="rkv-chaos-")
    clock = Clock(args.deadline)
    c = None
    err = None
    try:
        c = Cluster(args.server, tmp, clock)
        run(args, c, clock)
    except (Exception, SystemExit, KeyboardInterrupt) as e:  # noqa: BLE001
        err = f"{type(e).__name__}: {e}"
    finally:
        bad = []
        if c is not None:
            if c.writer is not None:
                c.writer.halt.set()
            for n in c.all():
                n.resume()  # SIGCONT always reaches a paused node
            bad = stop_all(c)
    if err is None and bad:
        err = f"not exit status 0 on SIGTERM: {bad}"
    if err is not None:
        print(f"FAIL chaos (seed {args.seed}, {clock.elapsed():.1f} s): "
              f"{err}", flush=True)
        if c is not None:
            dump(c, tmp)
        print("0 passed, 1 failed", flush=True)
        return 1
    if args.keep:
        print(f"# logs kept in {tmp}", flush=True)
    else:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"ok   chaos (seed {args.seed}, {clock.elapsed():.1f} s)",
          flush=True)
    print("1 passed, 0 failed", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
