"""The seed's Sentinel scenario with real processes: three rkv-server data
nodes (a master and two replicas) and one rkv-server in sentinel mode
(quorum 1, down-after 10 s as in the seed). The master is killed with
SIGKILL; the sentinel's log must show the seed's failover events in order,
the promoted replica must serve the other one with a partial resync, and no
key may be lost. Also: rkv-sentinel as the program name, and sentinel mode
without a config file.

An rkv sentinel and a real redis-sentinel (when its path is given) monitor
one master with quorum 2: they find each other by hello messages and fail
over together.

usage: python3 test_sentinel.py <rkv-server> [<redis-sentinel>]
"""
import os
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import rkvtest  # noqa: E402
from rkvtest import check, expect  # noqa: E402

RKV = sys.argv[1]
REDIS_SENTINEL = sys.argv[2] if len(sys.argv) > 2 else None
DEADLINE = 60.0


call, info = rkvtest.call, rkvtest.info


def wait_for(what, fn, deadline=DEADLINE):
    end = time.monotonic() + deadline
    while not fn():
        if time.monotonic() > end:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)  # poll interval


class Node:
    def __init__(self, tmp, name, lines, argv=None):
        self.port = rkvtest.free_port()
        self.conf, self.logpath = rkvtest.write_conf(
            tmp, name, self.port,
            [line.replace("$PORT", str(self.port)) for line in lines])
        self.proc = subprocess.Popen((argv or [RKV]) + [self.conf] +
                                     (["--sentinel"] if
                                      name.startswith("sentinel") else []),
                                     stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        rkvtest.wait_listening(self.proc, self.port, name, self.log)

    def log(self):
        return rkvtest.read_log(self.logpath)

    def events(self):
        """The log's '<marker> <message>' parts, in order."""
        return rkvtest.sentinel_events(self.log())

    def stop(self):
        if self.proc.poll() is None:
            return rkvtest.stop_pid(self.proc)
        return self.proc.returncode


def synced(m, r):
    mo = info(m.port, "replication")["master_repl_offset"]
    ri = info(r.port, "replication")
    return ri.get("master_link_status") == "up" and \
        ri["master_repl_offset"] == mo


def seed_failover(tmp):
    m = Node(tmp, "m63791", ["save \"\"", "repl-diskless-sync-delay 0"])
    r1 = Node(tmp, "r63792", ["save \"\"", f"replicaof 127.0.0.1 {m.port}"])
    r2 = Node(tmp, "r63793", ["save \"\"", f"replicaof 127.0.0.1 {m.port}"])
    s = Node(tmp, "sentinel",
             [f"sentinel monitor mymaster 127.0.0.1 {m.port} 1",
              "sentinel down-after-milliseconds mymaster 10000"])
    nodes = (m, r1, r2, s)
    try:
        def scenario():
            for i in range(17):
                call(m.port, "SET", f"key:{i}", f"value:{i}")
            call(m.port, "SET", "photo_obj_id", "3301000051")
            wait_for("replicas synced",
                     lambda: synced(m, r1) and synced(m, r2))
            mp = m.port
            # The sentinel learns both replicas from the master's INFO.
            for r in (r1, r2):
                ev = (f"* +slave slave 127.0.0.1:{r.port} 127.0.0.1 "
                      f"{r.port} @ mymaster 127.0.0.1 {mp}")
                wait_for(f"+slave {r.port}", lambda: ev in s.events())
            ev = s.events()
            expect(any(e.startswith("# Sentinel ID is ") for e in ev), ev)
            expect(f"# +monitor master mymaster 127.0.0.1 {mp} quorum 1"
                   in ev, ev)
            before = {r.port: info(r.port, "stats") for r in (r1, r2)}
            m.proc.send_signal(signal.SIGKILL)
            m.proc.wait()
            last = (f"# +sdown slave 127.0.0.1:{mp} 127.0.0.1 {mp} @ "
                    "mymaster 127.0.0.1 ")
            wait_for("the failover and the old master's +sdown",
                     lambda: any(e.startswith(last) for e in s.events()))
            ev = s.events()
            sel = [e for e in ev if e.startswith("# +selected-slave ")]
            expect(len(sel) == 1, ev)
            p = int(sel[0].split()[3].split(":")[1])
            new, other = (r1, r2) if p == r1.port else (r2, r1)
            q = other.port
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
                "# +failover-state-select-slave master mymaster "
                f"127.0.0.1 {mp}",
                f"# +selected-slave {sl(p, mp)}",
                f"* +failover-state-send-slaveof-noone {sl(p, mp)}",
                f"* +failover-state-wait-promotion {sl(p, mp)}",
                f"# +promoted-slave {sl(p, mp)}",
                "# +failover-state-reconf-slaves master mymaster "
                f"127.0.0.1 {mp}",
                f"* +slave-reconf-sent {sl(q, mp)}",
                f"* +slave-reconf-inprog {sl(q, mp)}",
                f"* +slave-reconf-done {sl(q, mp)}",
                f"# +failover-end master mymaster 127.0.0.1 {mp}",
                f"# +switch-master mymaster 127.0.0.1 {mp} 127.0.0.1 {p}",
                f"* +slave {sl(q, p)}",
                f"* +slave {sl(mp, p)}",
                f"# +sdown {sl(mp, p)}",
            ]
            k = 0
            for w in want:
                while k < len(ev) and ev[k] != w:
                    k += 1
                expect(k < len(ev), f"missing or out of order: {w}\n" +
                       "\n".join(ev))
                k += 1
            # The promoted replica serves the other with a partial
            # resync through its secondary ID; nothing lost.
            wait_for("the other replica synced", lambda: synced(new, other))
            ni = info(new.port, "replication")
            expect(ni["role"] == "master", ni)
            oi = info(q, "replication")
            expect(oi["master_port"] == str(p), oi)
            st = info(new.port, "stats")
            expect(st["sync_full"] == before[p]["sync_full"], st)
            expect(int(st["sync_partial_ok"]) ==
                   int(before[p]["sync_partial_ok"]) + 1, st)
            expect("Successful partial resynchronization with master."
                   in other.log(), other.log())
            expect(f"Partial resynchronization request from 127.0.0.1:{q} "
                   "accepted." in new.log(), new.log())
            expect("name=sentinel-" + myid[:8] + "-cmd" in new.log(),
                   new.log())
            expect(call(q, "DBSIZE") == 18, "keys lost")
            expect(call(q, "GET", "photo_obj_id") == "3301000051", "")
            call(p, "SET", "after", "failover")
            wait_for("synced after", lambda: synced(new, other))
            expect(call(q, "GET", "after") == "failover", "")
            expect(call(q, "DEBUG", "DIGEST") == call(p, "DEBUG", "DIGEST"),
                   "digest")
            expect(call(s.port, "SENTINEL", "GET-MASTER-ADDR-BY-NAME",
                        "mymaster") == ["127.0.0.1", str(p)], "addr")
            si = info(s.port, "sentinel")
            expect(si["master0"] == "name=mymaster,status=ok,address="
                   f"127.0.0.1:{p},slaves=2,sentinels=1", si)
            # The state survives a restart: the file was rewritten.
            conf = rkvtest.read_text(s.conf)
            for line in (f"sentinel myid {myid}",
                         f"sentinel monitor mymaster 127.0.0.1 {p} 1",
                         "sentinel down-after-milliseconds mymaster 10000",
                         f"sentinel known-replica mymaster 127.0.0.1 {q}",
                         f"sentinel known-replica mymaster 127.0.0.1 {mp}",
                         "sentinel current-epoch 1"):
                expect(line + "\n" in conf, conf)
            # A clean exit on SIGTERM (sanitizer builds: no leak).
            expect(s.stop() == 0, "sentinel exit status")
        check("seed: kill -9 the master, the sentinel fails over", scenario)
    finally:
        for n in nodes:
            n.stop()
        if rkvtest.failed:
            for n in nodes:
                print(f"--- {n.logpath}\n{n.log()[-4000:]}")


def program_name(tmp):
    link = os.path.join(tmp, "rkv-sentinel")
    os.symlink(os.path.abspath(RKV), link)
    s = None
    try:
        def named():
            nonlocal s
            s = Node(tmp, "named", ["sentinel monitor x 127.0.0.1 1 1"],
                     argv=[link])
            expect(info(s.port, "server")["redis_mode"] == "sentinel", "")
            expect(call(s.port, "ROLE") == ["sentinel", ["x"]], "role")
            expect(call(s.port, "GET", "k").startswith(
                "ERR unknown command 'GET'"), "get")
            expect("Running mode=sentinel" in s.log(), s.log())
        check("rkv-sentinel: sentinel mode by program name", named)

        def no_file():
            p = subprocess.run([RKV, "--sentinel", "--port",
                                str(rkvtest.free_port())],
                               stdin=subprocess.DEVNULL,
                               capture_output=True, timeout=10)
            expect(p.returncode == 1, p)
            expect(b"Sentinel needs config file on disk to save state. "
                   b"Exiting..." in p.stdout, p.stdout)
        check("--sentinel without a config file exits", no_file)
    finally:
        if s:
            s.stop()


def with_redis_sentinel(tmp):
    if not REDIS_SENTINEL:
        print("SKIP interop with redis-sentinel: its path was not given "
              "(redis-sentinel not found)")
        return
    m = Node(tmp, "im", ["save \"\"", "repl-diskless-sync-delay 0"])
    r = Node(tmp, "ir", ["save \"\"", f"replicaof 127.0.0.1 {m.port}"])
    conf = [f"sentinel monitor mymaster 127.0.0.1 {m.port} 2",
            "sentinel down-after-milliseconds mymaster 3000",
            "sentinel failover-timeout mymaster 10000"]
    real = Node(tmp, "real-sentinel", conf, argv=[REDIS_SENTINEL])
    ours = Node(tmp, "sentinel-rkv", conf)
    nodes = (m, r, real, ours)
    try:
        def together():
            call(m.port, "SET", "k", "v")
            wait_for("replica synced", lambda: synced(m, r))
            for a, b in ((real, ours), (ours, real)):
                wait_for(f"{a.logpath} knows {b.port}", lambda: any(
                    str(b.port) in (x or []) for x in
                    call(a.port, "SENTINEL", "SENTINELS", "mymaster")))
            # Both must know the replica (from the master's INFO) before
            # the master dies, or neither has one to promote.
            for a in (real, ours):
                wait_for(f"{a.logpath} knows the replica", lambda: any(
                    str(r.port) in (x or []) for x in
                    call(a.port, "SENTINEL", "REPLICAS", "mymaster")),
                    deadline=30)
            m.proc.send_signal(signal.SIGKILL)
            m.proc.wait()
            want = ["127.0.0.1", str(r.port)]
            for s in (real, ours):
                wait_for(f"{s.logpath} switched", lambda: call(
                    s.port, "SENTINEL", "GET-MASTER-ADDR-BY-NAME",
                    "mymaster") == want)
            expect(info(r.port, "replication")["role"] == "master", "")
            leaders = [s for s in (real, ours)
                       if "+elected-leader master mymaster" in s.log()]
            expect(len(leaders) == 1, [s.log() for s in (real, ours)])
            follower = ours if leaders[0] is real else real
            expect("+config-update-from sentinel" in follower.log(),
                   follower.log())
            expect(f"+odown master mymaster 127.0.0.1 {m.port} #quorum 2/2"
                   in leaders[0].log(), leaders[0].log())
        check("an rkv sentinel and redis-sentinel fail over together",
              together)
    finally:
        for n in nodes:
            n.stop()
        if rkvtest.failed:
            for n in nodes:
                print(f"--- {n.logpath}\n{n.log()[-4000:]}")


def main():
    with tempfile.TemporaryDirectory() as tmp:
        seed_failover(tmp)
        program_name(tmp)
        with_redis_sentinel(tmp)
    return rkvtest.summary()


if __name__ == "__main__":
    sys.exit(main())
