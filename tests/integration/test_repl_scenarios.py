"""Replication scenarios from docs' reliability catalog, rkv-server only
(issue 6): each starts its own servers on free 127.0.0.1 ports and stops
them by PID, whatever happens.

usage: /usr/bin/python3 test_repl_scenarios.py <rkv-server>

- WAIT counts the replicas that acknowledged (a stopped replica does not),
  returns at its timeout with what it has; min-replicas-to-write refuses
  writes with NOREPLICAS once the replicas are gone, and accepts them again
  when one is back;
- a replica away while more than the backlog was written: a full resync
  "for lack of backlog"; one write larger than the whole backlog: one full
  resync, then partial resyncs again (no resync loop);
- an old master that took writes after its replica was promoted rejoins as
  a replica: a full sync, its extra writes dropped;
- a chained replica (A -> B -> C) whose middle node full-syncs from another
  master is dropped and follows the new history.
"""
import os
import signal
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import rkvtest  # noqa: E402
from rkvtest import check, expect  # noqa: E402

try:
    import redis  # python3-redis on Debian's /usr/bin/python3
except ImportError:
    print("FAIL: redis-py is not importable; run with /usr/bin/python3 "
          "(python3-redis)", flush=True)
    sys.exit(1)
from repltest import Proc, wait_for, caught_up, digest  # noqa: E402

RKV = sys.argv[1]
FAST = ["--repl-diskless-sync-delay", "0"]


def replica_of(m):
    return ["--replicaof", "127.0.0.1", str(m.port)]


def online(m, n):
    info = m.info("replication")
    return info["connected_slaves"] == n and all(
        info[f"slave{i}"]["state"] == "online" for i in range(n))


def stats(p, field):
    return p.info("stats")[field]


class Procs:
    """The servers of one scenario: stopped (continued first, if stopped
    with SIGSTOP) by PID on exit."""

    def __init__(self, tmp):
        self.tmp = tmp
        self.all = []

    def start(self, name, extra=()):
        p = Proc(RKV, self.tmp, name, list(extra))
        self.all.append(p)
        return p

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        for p in self.all:
            if p.proc.poll() is None:
                os.kill(p.proc.pid, signal.SIGCONT)
                p.stop()
        if exc[0] is not None:
            for p in self.all:
                print(f"--- {os.path.basename(p.logpath)} ---\n" +
                      p.log()[-3000:])


def wait_and_min_replicas(tmp):
    with Procs(tmp) as ps:
        m = ps.start("m", FAST + ["--min-replicas-to-write", "1",
                                  "--min-replicas-max-lag", "2"])
        # No replica yet: writes refused, reads served.
        expect_noreplicas(m)
        expect(m.r.get("k") is None, "GET refused")
        r1 = ps.start("r1", replica_of(m))
        r2 = ps.start("r2", replica_of(m))
        wait_for("two replicas online", lambda: online(m, 2))
        wait_for("writes accepted", lambda: try_set(m))

        def counts():
            expect(m.r.set("w", "1"), "SET")
            expect(m.r.execute_command("WAIT", 2, 5000) == 2, "WAIT 2")
            expect(m.r.execute_command("WAIT", 3, 200) == 2,
                   "WAIT 3 200 returns the 2 it has")
            os.kill(r2.proc.pid, signal.SIGSTOP)
            try:
                expect(m.r.set("w", "2"), "SET")
                expect(m.r.execute_command("WAIT", 2, 300) == 1,
                       "a stopped replica does not acknowledge")
            finally:
                os.kill(r2.proc.pid, signal.SIGCONT)
            wait_for("both caught up",
                     lambda: caught_up(m, r1) and caught_up(m, r2))
            expect(m.r.execute_command("WAIT", 2, 5000) == 2, "WAIT 2")
        check("WAIT counts the replicas that acknowledged; at its timeout "
              "it returns what it has", counts)

        def gone():
            r1.stop()
            r2.stop()
            wait_for("NOREPLICAS once the replicas are gone",
                     lambda: not try_set(m))
            expect_noreplicas(m)
            expect(m.r.get("w") == "2", "reads go on")
            ps.start("r3", replica_of(m))
            wait_for("writes accepted with a replica back",
                     lambda: try_set(m))
        check("min-replicas-to-write: NOREPLICAS without good replicas, "
              "writes again when one is back", gone)


def try_set(m):
    try:
        return m.r.set("probe", "1")
    except redis.exceptions.ResponseError as e:
        expect(str(e) == "NOREPLICAS Not enough good replicas to write.",
               f"unexpected error {e}")
        return False


def expect_noreplicas(m):
    try:
        m.r.set("k", "v")
    except redis.exceptions.ResponseError as e:
        expect(str(e) == "NOREPLICAS Not enough good replicas to write.",
               str(e))
        return
    raise AssertionError("SET accepted without replicas")


def away(m, r, write):
    """The replica stopped, its link killed by the master, write() on the
    master, the replica continued: it reconnects on its own."""
    os.kill(r.proc.pid, signal.SIGSTOP)
    try:
        expect(m.r.execute_command("CLIENT", "KILL", "TYPE", "replica") == 1,
               "CLIENT KILL TYPE replica")
        write()
    finally:
        os.kill(r.proc.pid, signal.SIGCONT)
    wait_for("the replica to catch up", lambda: caught_up(m, r))
    expect(digest(m) == digest(r), "digests differ")


def backlog_overrun(tmp):
    with Procs(tmp) as ps:
        m = ps.start("m", FAST + ["--repl-backlog-size", "16384"])
        r = ps.start("r", replica_of(m))
        wait_for("online", lambda: online(m, 1) and caught_up(m, r))

        def overrun():
            def many():
                pipe = m.r.pipeline(transaction=False)
                for i in range(100):
                    pipe.set(f"k{i}", "x" * 1000)
                pipe.execute()
            away(m, r, many)
            expect(stats(m, "sync_full") == 2, "no second full sync")
            expect("for lack of backlog" in m.log(), m.log()[-2000:])
        check("away while more than the backlog was written: a full resync "
              "for lack of backlog", overrun)

        def huge():
            away(m, r, lambda: m.r.set("huge", "h" * 65536))
            expect(stats(m, "sync_full") == 3, "no full sync")
            # Back to partial resyncs: no loop.
            before = stats(m, "sync_partial_ok")
            away(m, r, lambda: m.r.set("small", "s"))
            expect(stats(m, "sync_full") == 3, "another full sync")
            expect(stats(m, "sync_partial_ok") == before + 1,
                   "no partial resync")
            expect(r.r.strlen("huge") == 65536, "huge value")
        check("one write larger than the backlog: one full resync, then "
              "partial resyncs again", huge)


def old_master_rejoins(tmp):
    with Procs(tmp) as ps:
        a = ps.start("a", FAST)
        b = ps.start("b", FAST + replica_of(a))
        wait_for("online", lambda: online(a, 1))
        for i in range(50):
            a.r.set(f"k{i}", i)
        wait_for("caught up", lambda: caught_up(a, b))

        def rejoin():
            b.r.execute_command("REPLICAOF", "NO", "ONE")
            for i in range(100):
                a.r.set(f"extra{i}", i)  # A is now ahead of B's history
            b.r.set("on-b", "1")
            a.r.execute_command("REPLICAOF", "127.0.0.1", b.port)
            wait_for("A follows B", lambda: caught_up(b, a))
            expect(stats(b, "sync_full") == 1, "A was not fully synced")
            expect(a.r.get("extra0") is None, "A kept its extra writes")
            expect(a.r.get("on-b") == "1", "B's write missing")
            expect(digest(a) == digest(b), "digests differ")
        check("an old master ahead of the promoted replica rejoins: full "
              "sync, its extra writes dropped", rejoin)


def chained_full_sync(tmp):
    with Procs(tmp) as ps:
        a = ps.start("a", FAST)
        b = ps.start("b", FAST + replica_of(a))
        c = ps.start("c", replica_of(b))
        d = ps.start("d", FAST)
        for i in range(50):
            a.r.set(f"a{i}", i)
            d.r.set(f"d{i}", i)
        wait_for("A -> B -> C", lambda: caught_up(a, b) and caught_up(b, c))
        expect(digest(c) == digest(a), "C differs from A")

        def follow():
            b.r.execute_command("REPLICAOF", "127.0.0.1", d.port)
            # D's ID is read each time: it takes a new one when its first
            # replica creates its backlog.
            wait_for("D -> B -> C",
                     lambda: caught_up(d, b) and caught_up(b, c) and
                     c.info("replication")["master_replid"] ==
                     d.info("replication")["master_replid"])
            expect(digest(c) == digest(d), "C differs from D")
            expect(c.r.get("a0") is None, "C kept A's data")
        check("a chained replica follows its master's full sync to a new "
              "history", follow)


def main():
    with tempfile.TemporaryDirectory() as tmp:
        for i, scenario in enumerate((wait_and_min_replicas, backlog_overrun,
                                      old_master_rejoins, chained_full_sync)):
            d = os.path.join(tmp, str(i))
            os.mkdir(d)
            check(scenario.__name__, lambda: scenario(d))
    return rkvtest.summary()


if __name__ == "__main__":
    sys.exit(main())
