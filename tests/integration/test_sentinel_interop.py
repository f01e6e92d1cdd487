"""Sentinel interop and multi-sentinel failovers with real processes, all on
127.0.0.1 free ports (down-after-milliseconds 2000, failover-timeout 6000):

1. a real redis-sentinel (alone, quorum 1) monitoring three rkv-server data
   nodes fails the master over after kill -9;
2. rkv-server --sentinel monitoring three real redis-server nodes does the
   same;
3. three rkv sentinels with quorum 2: one failover, one +elected-leader,
   +switch-master on each; redis-py's redis.sentinel.Sentinel pointed at
   them (master_for / slave_for / discover_master) across the failover;
   then, with two of the sentinels stopped, the new master killed: +sdown
   but no +odown and no failover (quorum not reached);
4. two rkv sentinels and a redis-sentinel (quorum 2) monitoring rkv-server
   nodes: they find each other, fail over once, agree on the new master.

In 1 and 2: a replica promoted, the other re-pointed with a partial resync
(sync_full unchanged on the new master), every acknowledged write (WAIT 2)
still there, and the old master, restarted, converted into a replica.

usage: /usr/bin/python3 test_sentinel_interop.py <rkv-server> <redis-server>
       <redis-sentinel>     (redis-py: Debian's python3-redis)
"""
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import rkvtest  # noqa: E402
from rkvtest import expect  # noqa: E402

try:
    # python3-redis on Debian's /usr/bin/python3
    from redis.sentinel import Sentinel
except ImportError as e:
    print(f"FAIL: cannot import redis-py into {sys.executable} ({e}); "
          "run with /usr/bin/python3 (Debian's python3-redis)")
    sys.exit(1)

RKV, REDIS_SERVER, REDIS_SENTINEL = sys.argv[1:4]
DOWN_AFTER = 2000
FAILOVER_TIMEOUT = 6000
DEADLINE = 40.0
NKEYS = 200


call, info = rkvtest.call, rkvtest.info


def pairs(flat):
    return dict(zip(flat[::2], flat[1::2]))


def wait_for(what, fn, deadline=DEADLINE):
    end = time.monotonic() + deadline
    while True:
        try:
            if fn():
                return
        except (OSError, EOFError):
            pass  # a node not (yet) there: keep polling
        if time.monotonic() > end:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)  # poll interval


def never_during(what, fn, seconds):
    """Polls fn() for `seconds` (a window, not synchronisation): it must
    stay false."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        expect(not fn(), what)
        time.sleep(0.1)  # poll interval


class Node:
    """A process from a config file in tmp (rkv-server, redis-server or
    redis-sentinel); restartable on the same port; stopped by PID."""

    def __init__(self, tmp, name, lines, exe, sentinel=False):
        self.name = name
        self.exe = exe
        self.sentinel = sentinel
        self.port = rkvtest.free_port()
        self.conf, self.logpath = rkvtest.write_conf(tmp, name, self.port,
                                                     lines)
        self.proc = None
        self.start()

    def start(self):
        self.killed = False
        argv = [self.exe, self.conf]
        if self.sentinel and self.exe == RKV:
            argv.append("--sentinel")
        self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        rkvtest.wait_listening(self.proc, self.port, self.name, self.log)

    def kill9(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()
        self.killed = True

    def log(self):
        return rkvtest.read_log(self.logpath)

    def events(self):
        """A sentinel log's '<marker> <message>' parts, in order."""
        return rkvtest.sentinel_events(self.log())

    def stop(self):
        if self.proc and self.proc.poll() is None:
            return rkvtest.stop_pid(self.proc)
        return self.proc.returncode if self.proc else None


def data_nodes(tmp, prefix, exe):
    lines = ['save ""', "repl-diskless-sync-delay 0"]
    if exe == REDIS_SERVER:
        lines.append("appendonly no")
    m = Node(tmp, prefix + "-m", lines, exe)
    rs = [Node(tmp, f"{prefix}-r{i}",
               lines + [f"replicaof 127.0.0.1 {m.port}"], exe)
          for i in (1, 2)]
    return m, rs[0], rs[1]


def sentinel_conf(mport, quorum):
    return [f"sentinel monitor mymaster 127.0.0.1 {mport} {quorum}",
            f"sentinel down-after-milliseconds mymaster {DOWN_AFTER}",
            f"sentinel failover-timeout mymaster {FAILOVER_TIMEOUT}"]


def synced(m, r):
    mo = info(m.port, "replication")["master_repl_offset"]
    ri = info(r.port, "replication")
    return ri.get("role") == "slave" and \
        ri.get("master_port") == str(m.port) and \
        ri.get("master_link_status") == "up" and \
        ri["master_repl_offset"] == mo


def write_acked(m, prefix, n=NKEYS, replicas=2):
    """n SETs on the master, then WAIT: the keys the replicas have."""
    keys = {}
    with rkvtest.connect(m.port) as s:
        f = s.makefile("rb")
        for i in range(n):
            k, v = f"{prefix}:{i}", f"v{i}"
            s.sendall(rkvtest.cmd("SET", k, v))
            expect(rkvtest.parse_text(f) == "OK", "SET")
            keys[k] = v
        s.sendall(rkvtest.cmd("WAIT", str(replicas), "5000"))
        expect(rkvtest.parse_text(f) == replicas, "WAIT: not acknowledged by the "
               "replicas")
    return keys


def has_keys(port, keys):
    names = sorted(keys)
    got = call(port, "MGET", *names)
    return got == [keys[k] for k in names]


def fail_over_once(m, mp, ss, r1, r2, state):
    """Acknowledged writes, then kill -9 of the master m (port mp): every
    sentinel in ss switches once to the same one of r1/r2, exactly one of
    them led (the others took its configuration), the other replica follows
    the new master and no acknowledged write is lost. Sets state["new"] and
    state["other"]; returns (the leader, the new master's port)."""
    keys = write_acked(m, "k")
    m.kill9()
    for s in ss:
        wait_for(f"{s.name} switched", lambda: "+switch-master "
                 f"mymaster 127.0.0.1 {mp} " in s.log())
    wait_for("+failover-end", lambda: any(
        "+failover-end master mymaster" in s.log() for s in ss))
    addrs = [master_addr(s) for s in ss]
    expect(all(a == addrs[0] for a in addrs), addrs)
    p = int(addrs[0][1])
    expect(p in (r1.port, r2.port), p)
    new, other = (r1, r2) if p == r1.port else (r2, r1)
    state["new"], state["other"] = new, other
    wait_for("the other replica follows", lambda: synced(new, other))
    expect(has_keys(p, keys) and has_keys(other.port, keys),
           "acknowledged writes lost")
    logs = [s.log() for s in ss]
    expect(sum(lg.count("+elected-leader master mymaster")
               for lg in logs) == 1, "\n".join(logs))
    expect(sum(lg.count("+failover-end master mymaster")
               for lg in logs) == 1, "\n".join(logs))
    leader = [s for s, lg in zip(ss, logs)
              if "+elected-leader master mymaster" in lg][0]
    print(f"# leader: {leader.name}", flush=True)
    sw = f"+switch-master mymaster 127.0.0.1 {mp} 127.0.0.1 {p}"
    for s, lg in zip(ss, logs):
        expect(lg.count(sw) == 1, f"{s.name}: {sw}\n{lg}")
        if s is not leader:
            expect("+config-update-from sentinel" in lg, lg)
    return leader, p


def master_addr(s):
    return call(s.port, "SENTINEL", "GET-MASTER-ADDR-BY-NAME", "mymaster")


def seed_sequence(s, mp, p, q):
    """s's log has the seed's failover events, in order: master mp failed
    over to p, q re-pointed."""
    myid = call(s.port, "SENTINEL", "MYID")

    def sl(port, mport):
        return (f"slave 127.0.0.1:{port} 127.0.0.1 {port} @ "
                f"mymaster 127.0.0.1 {mport}")
    want = [
        f"# +sdown master mymaster 127.0.0.1 {mp}",
        f"# +odown master mymaster 127.0.0.1 {mp} #quorum 1/1",
        "# +new-epoch 1",
        f"# +try-failover master mymaster 127.0.0.1 {mp}",
        f"# +vote-for-leader {myid} 1",
        f"# +elected-leader master mymaster 127.0.0.1 {mp}",
        f"# +failover-state-select-slave master mymaster 127.0.0.1 {mp}",
        f"# +selected-slave {sl(p, mp)}",
        f"* +failover-state-send-slaveof-noone {sl(p, mp)}",
        f"* +failover-state-wait-promotion {sl(p, mp)}",
        f"# +promoted-slave {sl(p, mp)}",
        f"# +failover-state-reconf-slaves master mymaster 127.0.0.1 {mp}",
        f"* +slave-reconf-sent {sl(q, mp)}",
        f"* +slave-reconf-inprog {sl(q, mp)}",
        f"* +slave-reconf-done {sl(q, mp)}",
        f"# +failover-end master mymaster 127.0.0.1 {mp}",
        f"# +switch-master mymaster 127.0.0.1 {mp} 127.0.0.1 {p}",
        f"* +slave {sl(q, p)}",
        f"* +slave {sl(mp, p)}",
        f"# +sdown {sl(mp, p)}",
    ]
    ev = s.events()
    k = 0
    for w in want:
        while k < len(ev) and ev[k] != w:
            k += 1
        expect(k < len(ev), f"{s.name}: missing or out of order: {w}\n" +
               "\n".join(ev))
        k += 1


_lock = threading.Lock()
_local = threading.local()


def check(name, fn):
    """rkvtest.check() for scenarios running in threads: one at a time
    counts; a failure is remembered for this thread's scenario (its logs
    are printed)."""
    def run():
        try:
            return fn()
        except Exception:
            _local.failed = True
            raise
    t = time.monotonic()
    r = run_check(name, run)
    print(f"     ({time.monotonic() - t:.1f} s: {name})", flush=True)
    return r


def run_check(name, fn):
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - report as a failed check
        with _lock:
            rkvtest.failed += 1
            print(f"FAIL {name}: {type(e).__name__}: {e}", flush=True)
        return
    with _lock:
        rkvtest.passed += 1
        print(f"ok   {name}", flush=True)


def stop_all(nodes, title):
    """Stops every node by PID; the rkv-server processes not killed by the
    test must exit 0 on SIGTERM (no leak under sanitizers)."""
    bad = []
    for n in nodes:
        st = n.stop()
        if n.exe == RKV and not n.killed and st != 0:
            bad.append((n.name, st))
    run_check(f"{title}: rkv-server processes exit 0 on SIGTERM",
              lambda: expect(not bad, bad))
    if bad:
        _local.failed = True


def dump(nodes):
    for n in nodes:
        print(f"--- {n.name} ({n.logpath})\n{n.log()[-5000:]}")


def data_failover(tmp, prefix, data_exe, sentinel_exe, title):
    """Scenarios 1 and 2: one sentinel (quorum 1), three data nodes."""
    m, r1, r2 = data_nodes(tmp, prefix, data_exe)
    nodes = [m, r1, r2]
    redis_data = data_exe == REDIS_SERVER
    try:
        s = Node(tmp, prefix + "-sentinel", sentinel_conf(m.port, 1),
                 sentinel_exe, sentinel=True)
        nodes.append(s)

        def scenario():
            keys = write_acked(m, "k")
            wait_for("replicas synced",
                     lambda: synced(m, r1) and synced(m, r2))
            # The sentinel found both replicas (the master's INFO).
            wait_for("the sentinel lists both replicas", lambda: sorted(
                int(pairs(x)["port"]) for x in
                call(s.port, "SENTINEL", "REPLICAS", "mymaster")) ==
                sorted([r1.port, r2.port]))
            before = {r.port: info(r.port, "stats") for r in (r1, r2)}
            mp = m.port
            m.kill9()
            # GET-MASTER-ADDR-BY-NAME gives the promoted replica as soon
            # as it is promoted; +switch-master ends the failover.
            wait_for("+switch-master", lambda: "+switch-master mymaster "
                     f"127.0.0.1 {mp} " in s.log())
            p = int(master_addr(s)[1])
            expect(p in (r1.port, r2.port), p)
            new, other = (r1, r2) if p == r1.port else (r2, r1)
            expect(info(p, "replication")["role"] == "master", "role")
            wait_for("the other replica follows the new master",
                     lambda: synced(new, other))
            st = info(p, "stats")
            expect(st["sync_full"] == before[p]["sync_full"],
                   f"full sync on the new master: {st}")
            expect(int(st["sync_partial_ok"]) ==
                   int(before[p]["sync_partial_ok"]) + 1, st)
            expect(has_keys(p, keys), "acknowledged writes lost (new)")
            expect(has_keys(other.port, keys),
                   "acknowledged writes lost (other)")
            # The seed's event sequence, in order (the same lines from
            # redis-sentinel and from rkv's sentinel).
            wait_for("+sdown of the old master", lambda:
                     f"+sdown slave 127.0.0.1:{mp} " in s.log())
            seed_sequence(s, mp, p, other.port)
            # The sentinel's transaction ran on its named command link.
            sid = call(s.port, "SENTINEL", "MYID")
            expect(f"name=sentinel-{sid[:8]}-cmd" in new.log(), new.log())
            if redis_data:
                expect("MASTER MODE enabled (user request from " in
                       new.log(), new.log())
                expect(f"REPLICAOF 127.0.0.1:{p} enabled (user request "
                       "from " in other.log(), other.log())
                expect("Successful partial resynchronization with master."
                       in other.log(), other.log())
                expect("Partial resynchronization request from "
                       f"127.0.0.1:{other.port} accepted." in new.log(),
                       new.log())
            else:
                expect("Successful partial resynchronization with master."
                       in other.log(), other.log())
            # Writes on the new master reach the other replica.
            call(p, "SET", "after", "failover")
            wait_for("synced after", lambda: synced(new, other))
            expect(call(other.port, "GET", "after") == "failover", "after")
            # The old master, restarted (empty: no RDB), is converted.
            m.start()
            wait_for("the old master converted", lambda: synced(new, m))
            expect("+convert-to-slave slave 127.0.0.1:" + str(mp) in
                   s.log(), s.log())
            expect(has_keys(mp, keys), "the old master lacks keys")
            expect(call(mp, "GET", "after") == "failover", "after (old)")
            expect(master_addr(s) == ["127.0.0.1", str(p)], "address")
        check(title, scenario)
    finally:
        stop_all(nodes, f"{title} ({prefix})")
        if getattr(_local, "failed", False):
            dump(nodes)


def three_rkv_sentinels(tmp):
    """Scenarios 3 and 5."""
    m, r1, r2 = data_nodes(tmp, "s3", RKV)
    nodes = [m, r1, r2]
    try:
        ss = []
        for i in range(3):
            ss.append(Node(tmp, f"s3-sentinel{i}", sentinel_conf(m.port, 2),
                           RKV, sentinel=True))
            nodes.append(ss[-1])
        mp = m.port
        sn = Sentinel([("127.0.0.1", s.port) for s in ss],
                      socket_timeout=2.0)
        state = {}

        def discovery():
            for s in ss:
                want = sorted(x.port for x in ss if x is not s)
                wait_for(f"{s.name} knows the other two", lambda: sorted(
                    int(pairs(x)["port"]) for x in
                    call(s.port, "SENTINEL", "SENTINELS", "mymaster")) ==
                    want)
                wait_for(f"{s.name} knows both replicas", lambda: len(
                    call(s.port, "SENTINEL", "REPLICAS", "mymaster")) == 2)
        check("three rkv sentinels find each other", discovery)

        def redis_py_before():
            expect(sn.discover_master("mymaster") == ("127.0.0.1", mp),
                   "discover_master")
            mc = sn.master_for("mymaster", socket_timeout=2.0)
            expect(mc.set("py:before", "1") is True, "set")
            expect(mc.execute_command("WAIT", 2, 5000) == 2, "WAIT")
            slaves = sn.discover_slaves("mymaster")
            expect(sorted(slaves) == sorted(
                [("127.0.0.1", r1.port), ("127.0.0.1", r2.port)]), slaves)
            sc = sn.slave_for("mymaster", socket_timeout=2.0)
            expect(sc.get("py:before") == b"1", "slave_for read")
            expect(sc.connection_pool.get_master_address() ==
                   ("127.0.0.1", mp), "pool master")
        check("redis-py Sentinel: master_for / slave_for before",
              redis_py_before)

        def failover():
            leader, _ = fail_over_once(m, mp, ss, r1, r2, state)
            # The leader's epoch: the one it voted for itself in, and the
            # new master's config epoch on every sentinel.
            lid = call(leader.port, "SENTINEL", "MYID")
            votes = re.findall(r"\+vote-for-leader " + lid + r" (\d+)",
                               leader.log())
            epoch = votes[-1]
            for s in ss:
                mi = pairs(call(s.port, "SENTINEL", "MASTER", "mymaster"))
                expect(mi["config-epoch"] == epoch, (s.name, mi, epoch))
            expect(f"+odown master mymaster 127.0.0.1 {mp} #quorum"
                   in leader.log(), leader.log())
            # Nobody else was elected in that epoch.
            for s in ss:
                if s is leader:
                    continue
                for v in re.findall(r"\+vote-for-leader (\w+) " + epoch +
                                    r"\n", s.log()):
                    expect(v == lid, f"{s.name} voted {v} in {epoch}")
        check("three rkv sentinels, quorum 2: one failover, one leader",
              failover)

        def redis_py_after():
            new = state["new"]
            expect(sn.discover_master("mymaster") == ("127.0.0.1", new.port),
                   "discover_master after")
            mc = sn.master_for("mymaster", socket_timeout=2.0)
            expect(mc.set("py:after", "2") is True, "set after")
            expect(mc.execute_command("WAIT", 1, 5000) == 1, "WAIT")
            sc = sn.slave_for("mymaster", socket_timeout=2.0)
            expect(sc.get("py:after") == b"2", "slave_for read after")
            expect(sc.get("py:before") == b"1", "slave_for read before")
        check("redis-py Sentinel: discover_master / master_for after",
              redis_py_after)

        def no_quorum():
            new = state["new"]
            ss[1].stop()
            ss[2].stop()
            s = ss[0]
            tries = s.log().count("+try-failover")
            new.kill9()
            ev = f"+sdown master mymaster 127.0.0.1 {new.port}"
            wait_for("+sdown of the new master", lambda: ev in s.log())
            never_during("+odown below quorum", lambda:
                         "+odown master mymaster 127.0.0.1 "
                         f"{new.port}" in s.log(), 2 * DOWN_AFTER / 1000)
            flags = pairs(call(s.port, "SENTINEL", "MASTER",
                               "mymaster"))["flags"]
            expect("s_down" in flags.split(",") and
                   "o_down" not in flags.split(","), flags)
            expect(master_addr(s) == ["127.0.0.1", str(new.port)], "addr")
            expect(s.log().count("+try-failover") == tries, s.log())
            expect(call(s.port, "SENTINEL", "CKQUORUM", "mymaster")
                   .startswith("NOQUORUM"), "ckquorum")
        check("quorum 2 with two sentinels stopped: +sdown, no +odown",
              no_quorum)
    finally:
        stop_all(nodes, "three rkv sentinels")
        if getattr(_local, "failed", False):
            dump(nodes)


def mixed_sentinels(tmp):
    """Scenario 4: two rkv sentinels and a redis-sentinel, quorum 2."""
    m, r1, r2 = data_nodes(tmp, "s4", RKV)
    nodes = [m, r1, r2]
    try:
        ss = [Node(tmp, "s4-sentinel-rkv0", sentinel_conf(m.port, 2), RKV,
                   sentinel=True),
              Node(tmp, "s4-sentinel-rkv1", sentinel_conf(m.port, 2), RKV,
                   sentinel=True),
              Node(tmp, "s4-sentinel-redis", sentinel_conf(m.port, 2),
                   REDIS_SENTINEL, sentinel=True)]
        nodes += ss
        mp = m.port
        state = {}

        def discovery():
            for s in ss:
                want = sorted(x.port for x in ss if x is not s)
                wait_for(f"{s.name} knows the other two", lambda: sorted(
                    int(pairs(x)["port"]) for x in
                    call(s.port, "SENTINEL", "SENTINELS", "mymaster")) ==
                    want)
                ids = sorted(pairs(x)["runid"] for x in call(
                    s.port, "SENTINEL", "SENTINELS", "mymaster"))
                expect(ids == sorted(call(x.port, "SENTINEL", "MYID")
                                     for x in ss if x is not s), ids)
                wait_for(f"{s.name} knows both replicas", lambda: len(
                    call(s.port, "SENTINEL", "REPLICAS", "mymaster")) == 2)
        check("2 rkv sentinels + redis-sentinel find each other", discovery)

        def failover():
            fail_over_once(m, mp, ss, r1, r2, state)
            epochs = {pairs(call(s.port, "SENTINEL", "MASTER",
                                 "mymaster"))["config-epoch"] for s in ss}
            expect(len(epochs) == 1, epochs)
        check("2 rkv sentinels + redis-sentinel, quorum 2: one failover, "
              "all agree", failover)

        def redis_leads():
            # The rkv sentinels cannot reach ODOWN (quorum 4 of 3): they
            # still answer is-master-down-by-addr and vote, so the
            # redis-sentinel leads; they learn the result from its hellos.
            new, other = state["new"], state["other"]
            for s in ss[:2]:
                expect(call(s.port, "SENTINEL", "SET", "mymaster", "quorum",
                            "4") == "OK", "SENTINEL SET quorum")
            real = ss[2]
            rid = call(real.port, "SENTINEL", "MYID")
            before = [s.log().count("+elected-leader") for s in ss]
            keys = write_acked(new, "k2", replicas=1)
            np = new.port
            new.kill9()
            for s in ss:
                wait_for(f"{s.name} switched again", lambda:
                         f"+switch-master mymaster 127.0.0.1 {np} "
                         f"127.0.0.1 {other.port}" in s.log())
            logs = [s.log() for s in ss]
            after = [lg.count("+elected-leader") for lg in logs]
            expect(after == [before[0], before[1], before[2] + 1],
                   (before, after))
            epoch = pairs(call(real.port, "SENTINEL", "MASTER",
                               "mymaster"))["config-epoch"]
            for s, lg in zip(ss[:2], logs):
                expect(f"+vote-for-leader {rid} {epoch}\n" in lg, lg)
                expect(f"+config-update-from sentinel {rid} " in lg, lg)
                expect("+odown master mymaster 127.0.0.1 "
                       f"{np}" not in lg, lg)
                mi = pairs(call(s.port, "SENTINEL", "MASTER", "mymaster"))
                expect(mi["config-epoch"] == epoch, (mi, epoch))
            for s in ss:
                expect(master_addr(s) == ["127.0.0.1", str(other.port)],
                       s.name)
            expect(info(other.port, "replication")["role"] == "master", "")
            expect(has_keys(other.port, keys), "acknowledged writes lost")
        check("mixed sentinels: redis-sentinel leads, rkv sentinels vote "
              "and follow", redis_leads)
    finally:
        stop_all(nodes, "mixed sentinels")
        if getattr(_local, "failed", False):
            dump(nodes)


def main():
    t0 = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="rkv-sentinterop-") as tmp:
        # The scenarios are independent (own ports, own files): they run
        # side by side, as their time is mostly the sentinels' timers.
        def guarded(fn):
            def run(tmp):
                try:
                    fn(tmp)
                except Exception as e:  # noqa: BLE001 - a setup failure
                    msg = repr(e)
                    run_check("setup", lambda: expect(False, msg))
            return run
        threads = [threading.Thread(target=guarded(fn), args=(tmp,))
                   for fn in (
            lambda tmp: data_failover(tmp, "s1", RKV, REDIS_SENTINEL,
                                      "redis-sentinel fails over three "
                                      "rkv-server nodes"),
            lambda tmp: data_failover(tmp, "s2", REDIS_SERVER, RKV,
                                      "rkv sentinel fails over three "
                                      "redis-server nodes"),
            three_rkv_sentinels,
            mixed_sentinels,
        )]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    print(f"# total {time.monotonic() - t0:.1f} s")
    return rkvtest.summary()


if __name__ == "__main__":
    sys.exit(main())
