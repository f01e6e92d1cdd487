"""The seed scenario with rkv-server in both roles (issue 6), from config
files like the seed's master.conf / slave.conf, plus partial resync after a
promotion with three rkv-servers.

usage: python3 test_repl_seed.py <rkv-server>
"""
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import rkvtest  # noqa: E402
from rkvtest import check, expect  # noqa: E402

RKV = sys.argv[1]
DEADLINE = 30.0


call, info = rkvtest.call, rkvtest.info


class Node:
    def __init__(self, tmp, name, lines):
        self.port = rkvtest.free_port()
        self.conf, self.logpath = rkvtest.write_conf(
            tmp, name, self.port,
            ['save ""', "enable-debug-command yes"] + list(lines))
        self.proc = subprocess.Popen([RKV, self.conf],
                                     stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        rkvtest.wait_listening(self.proc, self.port, name, self.log)

    def log(self):
        return rkvtest.read_log(self.logpath)

    def stop(self):
        return rkvtest.stop_pid(self.proc)


def wait_for(what, fn):
    deadline = time.monotonic() + DEADLINE
    while not fn():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)  # poll interval


def synced(m, r):
    mo = info(m.port, "replication")["master_repl_offset"]
    ri = info(r.port, "replication")
    return ri.get("master_link_status") == "up" and \
        ri["master_repl_offset"] == mo


def seed(tmp):
    m = Node(tmp, "master", ["repl-diskless-sync-delay 0"])
    s = Node(tmp, "slave", [f"replicaof 127.0.0.1 {m.port}"])
    try:
        def scenario():
            for i in range(17):
                call(m.port, "SET", f"key:{i}", f"value:{i}")
            call(m.port, "SET", "photo_obj_id", "3301000051")
            wait_for("replica synced", lambda: synced(m, s))
            # The master's ACK-based slave0 offset catches up within a
            # second (REPLCONF ACK).
            wait_for("slave0 offset", lambda: info(m.port, "replication")
                     .get("slave0", "").split("offset=")[1].split(",")[0]
                     == info(m.port, "replication")["master_repl_offset"])
            mi = info(m.port, "replication")
            off = mi["master_repl_offset"]
            expect(mi["role"] == "master", mi)
            expect(mi["connected_slaves"] == "1", mi)
            expect(mi["slave0"].startswith(
                f"ip=127.0.0.1,port={s.port},state=online,offset={off},"
                "lag="), mi)
            expect(mi["master_replid2"] == "0" * 40, mi)
            expect(mi["second_repl_offset"] == "-1", mi)
            expect(mi["repl_backlog_active"] == "1", mi)
            expect(mi["repl_backlog_size"] == "1048576", mi)
            expect(mi["repl_backlog_first_byte_offset"] == "1", mi)
            expect(mi["repl_backlog_histlen"] == off, mi)
            si = info(s.port, "replication")
            expect(si["role"] == "slave", si)
            expect(si["master_host"] == "127.0.0.1", si)
            expect(si["master_port"] == str(m.port), si)
            expect(si["master_replid"] == mi["master_replid"], si)
            ks = info(s.port, "keyspace")
            expect(ks.get("db0") == "keys=18,expires=0,avg_ttl=0", ks)
            expect(call(s.port, "GET", "photo_obj_id") == "3301000051", "")
            expect(call(s.port, "DEBUG", "DIGEST") ==
                   call(m.port, "DEBUG", "DIGEST"), "digest")
        check("seed: rkv master and rkv replica from config files",
              scenario)

        def chained():
            c = Node(tmp, "chained", [f"replicaof 127.0.0.1 {s.port}"])
            try:
                call(m.port, "SET", "through", "the chain")
                wait_for("chain synced", lambda: synced(m, s) and
                         synced(s, c))
                ci = info(c.port, "replication")
                mi = info(m.port, "replication")
                expect(ci["master_replid"] == mi["master_replid"], ci)
                expect(ci["master_repl_offset"] ==
                       mi["master_repl_offset"], ci)
                expect(call(c.port, "GET", "through") == "the chain", "")
                expect(call(c.port, "DEBUG", "DIGEST") ==
                       call(m.port, "DEBUG", "DIGEST"), "digest")
            finally:
                c.stop()
        check("chained replica: the same stream, ID and offset", chained)
    finally:
        s.stop()
        m.stop()


def promotion(tmp):
    a = Node(tmp, "A", ["repl-diskless-sync-delay 0"])
    b = Node(tmp, "B", [f"replicaof 127.0.0.1 {a.port}",
                        "repl-diskless-sync-delay 0"])
    c = Node(tmp, "C", [f"replicaof 127.0.0.1 {a.port}"])
    try:
        def scenario():
            for i in range(200):
                call(a.port, "SET", f"k{i}", str(i))
            wait_for("B synced", lambda: synced(a, b))
            wait_for("C synced", lambda: synced(a, c))
            old = info(a.port, "replication")["master_replid"]
            off = int(info(b.port, "replication")["master_repl_offset"])
            a.stop()
            expect(call(b.port, "REPLICAOF", "NO", "ONE") == "OK", "")
            bi = info(b.port, "replication")
            expect(bi["master_replid2"] == old, bi)
            expect(bi["second_repl_offset"] == str(off + 1), bi)
            expect("Setting secondary replication ID to %s, valid up to "
                   "offset: %d. New replication ID is %s" %
                   (old, off + 1, bi["master_replid"]) in b.log(), b.log())
            call(b.port, "SET", "after", "promotion")
            expect(call(c.port, "REPLICAOF", "127.0.0.1", str(b.port)) == "OK",
                   "")
            wait_for("C synced with B", lambda: synced(b, c))
            expect("Successful partial resynchronization with master."
                   in c.log(), c.log())
            expect("Master replication ID changed to %s" %
                   bi["master_replid"] in c.log(), c.log())
            expect("Partial resynchronization request from 127.0.0.1:%d "
                   "accepted." % c.port in b.log(), b.log())
            expect(call(c.port, "GET", "after") == "promotion", "")
            expect(call(c.port, "DBSIZE") == 201, "keys lost")
            expect(call(c.port, "DEBUG", "DIGEST") ==
                   call(b.port, "DEBUG", "DIGEST"), "digest")
        check("promotion: C continues from B through the secondary ID",
              scenario)
    finally:
        for n in (c, b, a):
            if n.proc.poll() is None:
                n.stop()
        if rkvtest.failed:
            for n in (a, b, c):
                print(f"--- {n.logpath}\n{n.log()[-3000:]}")


def pipeline(port, cmds):
    """Send many commands in one write; read every reply."""
    with rkvtest.connect(port) as s:
        s.sendall(b"".join(rkvtest.cmd(*c) for c in cmds))
        f = s.makefile("rb")
        return [rkvtest.parse_text(f) for _ in cmds]


def rkv_to_rkv(tmp):
    m = Node(tmp, "m2", ["repl-diskless-sync-delay 0"])
    r = Node(tmp, "r2", [f"replicaof 127.0.0.1 {m.port}"])
    try:
        def stream_and_continue():
            cmds = []
            for i in range(10000):
                k = f"k{i % 1500}"
                op = i % 5
                if op == 0:
                    cmds.append(("SELECT", str(i % 3)))
                if op < 3:
                    cmds.append(("SET", k, str(i)))
                elif op == 3:
                    cmds.append(("INCR", "n" + k))
                else:
                    cmds.append(("DEL", k))
            pipeline(m.port, cmds)
            wait_for("synced", lambda: synced(m, r))
            expect(call(r.port, "DEBUG", "DIGEST") ==
                   call(m.port, "DEBUG", "DIGEST"), "digest")
            full = info(m.port, "stats")["sync_full"]
            ok = int(info(m.port, "stats")["sync_partial_ok"])
            expect(call(r.port, "CLIENT", "KILL", "TYPE", "master") == 1,
                   "kill")
            pipeline(m.port, [("SET", f"after{i}", "x")
                              for i in range(100)])
            wait_for("synced again", lambda: synced(m, r))
            st = info(m.port, "stats")
            expect(st["sync_full"] == full, "second full sync")
            expect(int(st["sync_partial_ok"]) == ok + 1, "no +CONTINUE")
            expect(call(r.port, "DEBUG", "DIGEST") ==
                   call(m.port, "DEBUG", "DIGEST"), "digest after")
        check("rkv -> rkv: 10,000 writes, CLIENT KILL TYPE master, "
              "+CONTINUE", stream_and_continue)
    finally:
        r.stop()
        m.stop()
        if rkvtest.failed:
            for n in (m, r):
                print(f"--- {n.logpath}\n{n.log()[-3000:]}")


def main():
    with tempfile.TemporaryDirectory() as tmp:
        seed(tmp)
        promotion(tmp)
        rkv_to_rkv(tmp)
    return rkvtest.summary()


if __name__ == "__main__":
    sys.exit(main())
