#!/usr/bin/env python3
"""FAILOVER and CLIENT PAUSE with real processes.

Usage: test_failover_cmd.py PATH/TO/rkv-server PATH/TO/redis-server

1. rkv master + two rkv replicas: FAILOVER TO one while a client keeps
   writing. The roles swap, the old master continues with a partial resync
   (+CONTINUE: sync_full unchanged on both, the logs), every write that
   got +OK is on the new master, DEBUG DIGEST is equal afterwards, and the
   other replica continues from the old master with a partial resync.
2. rkv master with a real redis-server replica: FAILOVER TO it; then
   FAILOVER on redis-server back to rkv (an rkv replica of a real master
   taking over). Partial resyncs only, both ways.
3. FAILOVER TIMEOUT with a replica that never catches up (its own CLIENT
   PAUSE WRITE holds its master's stream): the failover aborts, and the
   write held meanwhile runs (+OK).
4. CLIENT PAUSE WRITE holds a SET until CLIENT UNPAUSE while GET answers,
   on rkv-server and, for comparison, on redis-server.
5. FAILOVER's and CLIENT PAUSE's errors and states: the same commands get
   the same replies from rkv-server and redis-server (standalone, then
   with a replica and a failover waiting).

Every server runs in a temporary directory on a free port and is stopped
by its PID (in finally blocks).
"""
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import rkvtest  # noqa: E402
from rkvtest import check, expect  # noqa: E402

RKV, REDIS = sys.argv[1:3] if len(sys.argv) == 3 else (None, None)
TIMEOUT = 30.0
BAD_EXITS = []  # rkv-servers that did not exit 0 on SIGTERM


class Proc:
    """A server in `workdir` on a free port, output to workdir/<name>.log."""

    def __init__(self, exe, workdir, name, extra=()):
        self.port = rkvtest.free_port()
        self.name = name
        self.rkv = not rkvtest.is_redis(exe)
        self.logpath = os.path.join(workdir, name + ".log")
        argv = [exe, "--port", str(self.port), "--bind", "127.0.0.1",
                "--dir", workdir, "--save", "",
                "--enable-debug-command", "yes",
                "--repl-diskless-sync-delay", "0"]
        if rkvtest.is_redis(exe):
            argv += ["--appendonly", "no", "--logfile", self.logpath]
        argv += list(extra)
        with open(self.logpath + ".out", "wb") as out:
            self.proc = subprocess.Popen(
                rkvtest.WRAPPER + argv, stdin=subprocess.DEVNULL,
                stdout=out, stderr=subprocess.STDOUT)
        if not rkvtest.is_redis(exe):
            self.logpath += ".out"
        s = rkvtest.Server.__new__(rkvtest.Server)
        s.proc, s.port, s.logpath = self.proc, self.port, self.logpath
        rkvtest.Server.wait_ready(s)

    def log(self):
        return rkvtest.read_text(self.logpath)

    def conn(self):
        return Conn(self.port)

    def call(self, *args):
        with self.conn() as c:
            return c.call(*args)

    def info(self, section="replication"):
        text = self.call("INFO", section).decode()
        return dict(ln.split(":", 1) for ln in text.split("\r\n")
                    if ":" in ln and not ln.startswith("#"))

    def stop(self):
        status = rkvtest.stop_pid(self.proc)
        if self.rkv and status != 0:
            BAD_EXITS.append(f"{self.name}: exit status {status}; log "
                             f"tail: {self.log()[-800:]}")
        return status


class Conn(rkvtest.Replies):
    """One client connection: send commands, read RESP replies."""

    def __init__(self, port):
        super().__init__(rkvtest.connect(port))
        self.s = self.sock

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.s.close()

    def send(self, *args):
        self.s.sendall(rkvtest.cmd(*args))

    def call(self, *args):
        self.send(*args)
        return self.reply()

    def has_reply(self, wait):
        """True if bytes arrive within `wait` seconds."""
        if self.buf:
            return True
        self.s.settimeout(wait)
        try:
            chunk = self.s.recv(1 << 16)
        except socket.timeout:
            return False
        finally:
            self.s.settimeout(rkvtest.IO_TIMEOUT)
        expect(chunk, "EOF")
        self.buf += chunk
        return True


def poll(what, fn, timeout=TIMEOUT):
    deadline = time.monotonic() + timeout
    while True:
        v = fn()
        if v:
            return v
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)  # poll interval


def linked(replica, master):
    i = replica.info()
    return i.get("role") == "slave" and \
        i.get("master_port") == str(master.port) and \
        i.get("master_link_status") == "up"


def synced(master, replica):
    return linked(replica, master) and \
        master.info()["master_repl_offset"] == \
        replica.info()["master_repl_offset"]


def acked(master):
    """The master's offset acknowledged by its first replica (ACKs come
    once a second)."""
    i = master.info()
    slave0 = i.get("slave0", "")
    return slave0 and "state=online" in slave0 and \
        slave0.split("offset=")[1].split(",")[0] == \
        i["master_repl_offset"]


def digests_equal(a, b):
    return a.call("DEBUG", "DIGEST") == b.call("DEBUG", "DIGEST")


def t_rkv_to_rkv(tmp):
    a = Proc(RKV, tmp, "rkv-a")
    b = c3 = None
    try:
        b = Proc(RKV, tmp, "rkv-b", ["--replicaof", "127.0.0.1",
                                     str(a.port)])
        c3 = Proc(RKV, tmp, "rkv-c", ["--replicaof", "127.0.0.1",
                                      str(a.port)])
        with a.conn() as c:
            for i in range(200):
                c.send("SET", f"pre:{i}", str(i))
            for _ in range(200):
                expect(c.reply() == "+OK", "SET")
        poll("b synced", lambda: synced(a, b))
        poll("c synced", lambda: synced(a, c3))
        poll("b's ACK", lambda: acked(a))
        full_a = a.info("stats")["sync_full"]
        old_id = a.info()["master_replid"]
        ok_keys = []
        stop = threading.Event()
        errors = []

        def writer():
            # One write at a time; a +OK is an acknowledged write.
            try:
                with a.conn() as c:
                    i = 0
                    while not stop.is_set():
                        r = c.call("SET", f"w:{i}", str(i))
                        if r != "+OK":
                            errors.append(r)
                            return
                        ok_keys.append(f"w:{i}")
                        i += 1
            except Exception as e:  # noqa: BLE001 - reported below
                errors.append(repr(e))

        t = threading.Thread(target=writer)
        t.start()
        try:
            poll("writes flowing", lambda: len(ok_keys) > 100)

            def switch():
                expect(a.call("FAILOVER", "TO", "127.0.0.1", str(b.port))
                       == "+OK", "FAILOVER")
                poll("a to be b's replica", lambda: linked(a, b))
                bi, ai = b.info(), a.info()
                expect(bi["role"] == "master", bi)
                expect(ai["master_failover_state"] == "no-failover", ai)
                expect(bi["master_replid2"] == old_id, bi)
                expect(ai["master_replid2"] == old_id, ai)
                # The writer's held write ran on a replica.
                poll("the writer to stop", lambda: errors)
                expect(errors[0].startswith("-READONLY"), errors)
            check("FAILOVER rkv -> rkv: roles swapped, the held write "
                  "refused by the demoted master", switch)
        finally:
            stop.set()
            t.join()

        def partial_only():
            expect(b.info("stats")["sync_full"] == "0", b.info("stats"))
            expect(b.info("stats")["sync_partial_ok"] == "1",
                   b.info("stats"))
            expect(a.info("stats")["sync_full"] == full_a, a.info("stats"))
            al, bl = a.log(), b.log()
            expect(f"FAILOVER requested to 127.0.0.1:{b.port}." in al, al)
            expect(f"Failover target 127.0.0.1:{b.port} is synced, "
                   "failing over." in al, al)
            expect("Successful partial resynchronization with master."
                   in al, al)
            expect("Failover request received for replid " + old_id
                   in bl, bl)
            expect("MASTER MODE enabled (failover request from" in bl, bl)
            expect(f"Partial resynchronization request from 127.0.0.1:"
                   f"{a.port} accepted." in bl, bl)
        check("no full resync: +CONTINUE (sync_full unchanged, logs)",
              partial_only)

        def nothing_lost():
            with b.conn() as c:
                for k in ok_keys:
                    c.send("EXISTS", k)
                missing = [k for k in ok_keys if c.reply() != 1]
            expect(not missing, f"{len(missing)} acknowledged writes "
                   f"lost: {missing[:5]}")
            expect(b.call("DBSIZE") == 200 + len(ok_keys),
                   b.call("DBSIZE"))
            expect(b.call("SET", "after", "1") == "+OK", "SET on b")
            poll("a synced from b", lambda: synced(b, a))
            expect(digests_equal(a, b), "DEBUG DIGEST")
            expect(a.call("GET", "after") == b"1", "a streams from b")
        check("no acknowledged write lost, DEBUG DIGEST equal",
              nothing_lost)

        def chained():
            # a's other replica continues from a, now b's replica.
            poll("c synced from a", lambda: synced(a, c3))
            expect(digests_equal(b, c3), "DEBUG DIGEST")
            expect(a.info("stats")["sync_full"] == full_a, a.info("stats"))
            expect(f"Partial resynchronization request from 127.0.0.1:"
                   f"{c3.port} accepted." in a.log(), a.log())
        check("a's other replica continues through a (partial resync)",
              chained)
    finally:
        if c3:
            c3.stop()
        if b:
            b.stop()
        a.stop()


def t_rkv_and_redis(tmp):
    a = Proc(RKV, tmp, "rkv-m")
    r = None
    try:
        r = Proc(REDIS, tmp, "redis-r", ["--replicaof", "127.0.0.1",
                                         str(a.port)])
        with a.conn() as c:
            for i in range(100):
                c.send("SET", f"k:{i}", str(i))
            for _ in range(100):
                expect(c.reply() == "+OK", "SET")
        poll("redis synced", lambda: synced(a, r))
        poll("redis's ACK", lambda: acked(a))

        def to_redis():
            full_a = a.info("stats")["sync_full"]
            expect(a.call("FAILOVER", "TO", "127.0.0.1", str(r.port)) ==
                   "+OK", "FAILOVER TO")
            poll("rkv to be redis's replica", lambda: linked(a, r))
            expect(r.info()["role"] == "master", r.info())
            expect(r.info("stats")["sync_full"] == "0", r.info("stats"))
            expect(r.info("stats")["sync_partial_ok"] == "1",
                   r.info("stats"))
            expect(a.info("stats")["sync_full"] == full_a,
                   a.info("stats"))
            expect(f"FAILOVER requested to 127.0.0.1:{r.port}." in
                   a.log(), a.log())
            expect("Successful partial resynchronization with master."
                   in a.log(), a.log())
            expect("MASTER MODE enabled (failover request from" in
                   r.log(), r.log())
            expect(r.call("SET", "from-redis", "1") == "+OK", "SET")
            poll("rkv synced", lambda: synced(r, a))
            expect(digests_equal(a, r), "DEBUG DIGEST")
        check("FAILOVER from rkv to a real redis-server replica: partial "
              "resync", to_redis)

        def back_to_rkv():
            expect(r.call("FAILOVER") == "+OK", "FAILOVER on redis")
            poll("redis to be rkv's replica", lambda: linked(r, a))
            expect(a.info()["role"] == "master", a.info())
            expect(a.info()["master_failover_state"] == "no-failover",
                   a.info())
            expect(r.info("stats")["sync_full"] == "0", r.info("stats"))
            expect("Failover request received for replid " in a.log(),
                   a.log())
            expect("MASTER MODE enabled (failover request from" in
                   a.log(), a.log())
            expect(f"Partial resynchronization request from 127.0.0.1:"
                   f"{r.port} accepted." in a.log(), a.log())
            expect(a.call("SET", "from-rkv", "1") == "+OK", "SET")
            poll("redis synced", lambda: synced(a, r))
            expect(r.call("GET", "from-rkv") == b"1", "GET")
            expect(digests_equal(a, r), "DEBUG DIGEST")
        check("FAILOVER on redis-server to its rkv replica: rkv takes "
              "over, partial resync", back_to_rkv)
    finally:
        if r:
            r.stop()
        a.stop()


def t_timeout_abort(tmp):
    a = Proc(RKV, tmp, "rkv-t")
    b = None
    try:
        b = Proc(RKV, tmp, "rkv-tr", ["--replicaof", "127.0.0.1",
                                      str(a.port)])
        poll("b synced", lambda: synced(a, b))

        def body():
            # b holds its master's writes: it never catches up.
            expect(b.call("CLIENT", "PAUSE", "60000", "WRITE") == "+OK",
                   "PAUSE")
            expect(a.call("SET", "k", "1") == "+OK", "SET")
            with a.conn() as c, a.conn() as w:
                expect(c.call("FAILOVER", "TIMEOUT", "1500") == "+OK",
                       "FAILOVER")
                expect(a.info()["master_failover_state"] ==
                       "waiting-for-sync", a.info())
                w.send("SET", "k", "2")
                expect(not w.has_reply(0.5), "the SET was not held")
                expect(c.call("GET", "k") == b"1", "GET")
                poll("the abort", lambda: a.info()[
                    "master_failover_state"] == "no-failover")
                expect(w.reply() == "+OK", "the held SET")
            expect(a.info()["role"] == "master", a.info())
            expect("FAILOVER to any replica aborted: Replica never caught "
                   "up before timeout" in a.log(), a.log())
            expect(b.call("CLIENT", "UNPAUSE") == "+OK", "UNPAUSE")
            poll("b synced", lambda: synced(a, b))
            expect(b.call("GET", "k") == b"2", "GET on b")
        check("FAILOVER TIMEOUT aborts and unpauses the held write", body)
    finally:
        if b:
            b.stop()
        a.stop()


def t_client_pause(tmp, exe, name):
    p = Proc(exe, tmp, name)
    try:
        def body():
            with p.conn() as ctl, p.conn() as w, p.conn() as r:
                expect(ctl.call("SET", "k", "old") == "+OK", "SET")
                expect(ctl.call("CLIENT", "PAUSE", "60000", "WRITE") ==
                       "+OK", "PAUSE")
                w.send("SET", "k", "new")
                w.send("GET", "k")
                expect(not w.has_reply(0.3), "the SET was not held")
                expect(r.call("GET", "k") == b"old", "GET answers")
                expect("blocked_clients:1" in
                       ctl.call("INFO", "clients").decode(), "blocked")
                expect(not w.has_reply(0.2), "the SET was not held")
                expect(ctl.call("CLIENT", "UNPAUSE") == "+OK", "UNPAUSE")
                expect(w.reply() == "+OK", "the held SET")
                expect(w.reply() == b"new", "the GET after it")
        check(f"CLIENT PAUSE WRITE holds a SET until UNPAUSE, GET answers "
              f"({name})", body)
    finally:
        p.stop()


def replies(p, cmds):
    """Each command's reply, decoded as Conn does, on one connection."""
    with p.conn() as c:
        return [c.call(*cmd) for cmd in cmds]


def t_same_replies(tmp):
    """The same commands get the same replies from rkv-server and
    redis-server, standalone, then each with one replica."""
    nodes = []
    try:
        for exe, tag in ((RKV, "rkv"), (REDIS, "redis")):
            m = Proc(exe, tmp, f"{tag}-cmp-m")
            nodes.append(m)
            nodes.append(None)
        alone = [
            ("FAILOVER",), ("FAILOVER", "ABORT"), ("FAILOVER", "foo"),
            ("FAILOVER", "TIMEOUT", "0"), ("FAILOVER", "TIMEOUT", "-5"),
            ("FAILOVER", "TIMEOUT", "x"), ("FAILOVER", "TO", "h", "x"),
            ("FAILOVER", "TO", "h"), ("FAILOVER", "FORCE"),
            ("FAILOVER", "TIMEOUT", "10", "TIMEOUT", "20"),
            ("FAILOVER", "ABORT", "TIMEOUT", "10"),
            ("PSYNC", "abc", "1", "FAILOVER"),
            ("CLIENT", "PAUSE"), ("CLIENT", "PAUSE", "x"),
            ("CLIENT", "PAUSE", "-1"), ("CLIENT", "PAUSE", "10", "foo"),
            ("CLIENT", "PAUSE", "10", "write", "extra"),
            ("CLIENT", "UNPAUSE", "x"), ("CLIENT", "UNPAUSE"),
            ("CLIENT", "PAUSE", "0", "ALL"), ("PING",),
            ("COMMAND", "INFO", "failover"),
        ]

        def standalone():
            a, b = replies(nodes[0], alone), replies(nodes[2], alone)
            diff = [(c, x, y) for c, x, y in zip(alone, a, b) if x != y]
            expect(not diff, f"rkv vs redis: {diff}")
        check("FAILOVER / CLIENT PAUSE errors as redis-server "
              "(standalone)", standalone)

        for i, (exe, tag) in enumerate(((RKV, "rkv"), (REDIS, "redis"))):
            nodes[2 * i + 1] = Proc(exe, tmp, f"{tag}-cmp-r",
                                    ["--replicaof", "127.0.0.1",
                                     str(nodes[2 * i].port)])
        on_master = [
            ("FAILOVER", "FORCE", "TIMEOUT", "10"),
            ("FAILOVER", "TO", "127.0.0.1", "1"),
            ("FAILOVER", "TO", "127.0.0.2", "{rport}"),
            ("FAILOVER", "TO", "127.0.0.1", "{rport}", "FORCE"),
        ]
        on_replica = [("FAILOVER",), ("PSYNC", "abc", "1", "FAILOVER")]
        during = [("FAILOVER",), ("REPLICAOF", "NO", "ONE"),
                  ("PSYNC", "?", "-1"), ("FAILOVER", "ABORT"),
                  ("FAILOVER", "ABORT")]

        def with_replica():
            got = []
            for i in range(2):
                m, r = nodes[2 * i], nodes[2 * i + 1]
                poll("synced", lambda: synced(m, r))
                fill = [tuple(a.replace("{rport}", str(r.port))
                              for a in cmd) for cmd in on_master]
                out = replies(m, fill) + replies(r, on_replica)
                # A failover that waits: the replica holds the write.
                expect(r.call("CLIENT", "PAUSE", "60000", "WRITE") ==
                       "+OK", "PAUSE")
                expect(m.call("SET", "k", "v") == "+OK", "SET")
                expect(m.call("FAILOVER", "TO", "127.0.0.1",
                              str(r.port)) == "+OK", "FAILOVER")
                out += replies(m, during)
                out.append(m.info()["master_failover_state"])
                expect(r.call("CLIENT", "UNPAUSE") == "+OK", "UNPAUSE")
                got.append(out)
            cmds = on_master + on_replica + during + [("state",)]
            diff = [(c, x, y) for c, x, y in zip(cmds, got[0], got[1])
                    if x != y]
            expect(not diff, f"rkv vs redis: {diff}")
        check("FAILOVER errors and states as redis-server (with a "
              "replica)", with_replica)
    finally:
        for p in nodes:
            if p:
                p.stop()


def main():
    if RKV is None:
        print(__doc__, file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="rkv-failover-") as tmp:
        t_same_replies(tmp)
        t_rkv_to_rkv(tmp)
        t_rkv_and_redis(tmp)
        t_timeout_abort(tmp)
        t_client_pause(tmp, RKV, "rkv-p")
        t_client_pause(tmp, REDIS, "redis-p")
    check("every rkv-server exited 0 on SIGTERM",
          lambda: expect(not BAD_EXITS, "\n".join(BAD_EXITS)))
    return rkvtest.summary()


if __name__ == "__main__":
    sys.exit(main())
