#!/usr/bin/env python3
"""rkv-server as the master of a REAL redis-server 7.0 replica.

Usage: test_repl_master.py PATH/TO/rkv-server PATH/TO/redis-server
                           PATH/TO/redis-cli PATH/TO/redis-check-rdb

1. Full sync: rkv-server holds keys in several databases (TTLs, binary
   values); `redis-server --replicaof` it: +FULLRESYNC and the diskless
   $EOF: RDB load into Redis; INFO replication on the master shows the
   seed scenario's fields (slave0 line online, backlog from offset 1).
2. Streaming: 10,000 writes (SET, INCR, APPEND, DEL, EXPIRE, SELECT,
   MULTI/EXEC, keys expiring on the master) reach the replica; offsets meet
   and DEBUG DIGEST is equal on both, and every key compares equal.
3. `CLIENT KILL TYPE master` on the replica while writes go on: the
   replica continues with a partial resync (+CONTINUE) - no second full
   sync on either side (INFO sync_full / the logs) - and the digests are
   equal again.
4. ROLE lists the replica; REPLCONF errors as Redis.
5. `redis-cli --rdb` (SYNC, the $<length> form) saves a file that
   redis-check-rdb accepts and that holds the master's keys.
6. A full sync of 300,000 keys (the snapshot paced by the socket) while a
   client keeps writing: the replica ends equal (DEBUG DIGEST).

Every server runs in a temporary directory on a free port and is stopped
by its PID.
"""
import os
import re
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import rkvtest  # noqa: E402
from rkvtest import check, expect  # noqa: E402

RKV, REDIS, REDIS_CLI, CHECK_RDB = (sys.argv[1:5] if len(sys.argv) == 5
                                    else (None,) * 4)
SYNC_TIMEOUT = 30.0


class Proc:
    """A server in `workdir` on a free port, output to workdir/<name>.log."""

    def __init__(self, exe, workdir, name, extra=()):
        self.port = rkvtest.free_port()
        self.logpath = os.path.join(workdir, name + ".log")
        argv = [exe, "--port", str(self.port), "--bind", "127.0.0.1",
                "--dir", workdir, "--save", "",
                "--enable-debug-command", "yes"]
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

    def call(self, *args):
        with rkvtest.connect(self.port) as s:
            s.sendall(rkvtest.cmd(*args))
            return Reader(s).reply()

    def info(self, section="replication"):
        text = self.call("INFO", section).decode()
        return dict(ln.split(":", 1) for ln in text.split("\r\n")
                    if ":" in ln and not ln.startswith("#"))

    def stop(self):
        return rkvtest.stop_pid(self.proc)


Reader = rkvtest.Replies


def pipeline(port, cmds):
    """Sends the commands on one connection, returns the replies."""
    with rkvtest.connect(port) as s:
        r = Reader(s)
        out = []
        for i in range(0, len(cmds), 500):
            part = cmds[i:i + 500]
            s.sendall(b"".join(rkvtest.cmd(*c) for c in part))
            out += [r.reply() for _ in part]
        return out


def poll(what, fn, timeout=SYNC_TIMEOUT):
    deadline = time.monotonic() + timeout
    while True:
        v = fn()
        if v:
            return v
        expect(time.monotonic() < deadline, f"timed out waiting for {what}")
        time.sleep(0.02)


def fill(p):
    """Keys in three databases, before the replica attaches."""
    now_ms = int(time.time() * 1000)
    cmds = []
    for db in (0, 3, 15):
        cmds.append(("SELECT", str(db)))
        cmds += [("SET", f"k{db}:{i}", f"v{i}") for i in range(500)]
        cmds += [("SET", "int", "-123456"), ("SET", "long", "ab" * 5000),
                 ("SET", b"bin\x00\xff", b"\x01\x02\r\n"),
                 ("SET", "ttl", "x", "EX", "1000"),
                 ("PEXPIREAT", f"k{db}:7", str(now_ms + 500000))]
    for rep, c in zip(pipeline(p.port, cmds), cmds):
        expect(rep in ("+OK", 1), f"{c[0]}: {rep!r}")


def writes(n, tag):
    """n writes of every kind the stream carries."""
    cmds = []
    i = 0
    while len(cmds) < n:
        db = (0, 3, 7)[i % 3]
        cmds.append(("SELECT", str(db)))
        cmds += [("SET", f"{tag}:{i}", f"val{i}"),
                 ("INCR", f"{tag}:ctr"),
                 ("APPEND", f"{tag}:log", f"{i},"),
                 ("SET", f"{tag}:px{i}", "x", "PX", "1"),  # expires soon
                 ("EXPIRE", f"{tag}:{i}", "100000"),
                 ("DEL", f"{tag}:{i - 3}"),
                 ("MULTI",), ("SET", f"{tag}:m{i}", "a"),
                 ("INCRBY", f"{tag}:m", "2"), ("EXEC",),
                 ("MULTI",), ("SET", f"{tag}:single{i % 5}", str(i)),
                 ("EXEC",)]
        i += 1
    return cmds[:n]


def synced(master, replica):
    """Offsets equal, link up."""
    m, r = master.info(), replica.info()
    return (r.get("master_link_status") == "up" and
            m["master_repl_offset"] == r.get("master_repl_offset"))


def digests(master, replica, timeout=10):
    """DEBUG DIGEST equal at one offset. The master's active expiry may
    delete a key (and stream its DEL) between the two DIGESTs, so the pair
    only counts when neither offset moved; a real divergence stays until
    the deadline."""
    last = []

    def same():
        off = master.info()["master_repl_offset"]
        dm = master.call("DEBUG", "DIGEST")
        dr = replica.call("DEBUG", "DIGEST")
        still = (master.info()["master_repl_offset"] == off and
                 replica.info().get("master_repl_offset") == off)
        last[:] = [dm, dr]
        return still and dm == dr

    deadline = time.monotonic() + timeout
    while not same():
        expect(time.monotonic() < deadline,
               f"DEBUG DIGEST differs: master {last[0]} replica {last[1]}")
        time.sleep(0.02)
    expect(last[0] != "+" + "0" * 40, "empty dataset")


def keys_equal(master, replica):
    """Every key of every db: same value (GET) and TTL within 2 s."""
    for db in range(16):
        def scan(p):
            with rkvtest.connect(p.port) as s:
                r = Reader(s)
                s.sendall(rkvtest.cmd("SELECT", str(db)))
                r.reply()
                keys, cur = set(), b"0"
                while True:
                    s.sendall(rkvtest.cmd("SCAN", cur, "COUNT", "1000"))
                    cur, part = r.reply()
                    keys.update(part)
                    if cur == b"0":
                        return keys
        km, kr = scan(master), scan(replica)
        expect(km == kr, f"db{db}: keys differ: only master "
               f"{sorted(km - kr)[:5]}, only replica {sorted(kr - km)[:5]}")
        keys = sorted(km)
        for p in (master, replica):
            cmds = [("SELECT", str(db))] + [c for k in keys
                                            for c in (("GET", k),
                                                      ("PTTL", k))]
            p.vals = pipeline(p.port, cmds)[1:]
        for j, k in enumerate(keys):
            vm, vr = master.vals[2 * j], replica.vals[2 * j]
            tm, tr = master.vals[2 * j + 1], replica.vals[2 * j + 1]
            expect(vm == vr, f"db{db} {k!r}: {vm!r} != {vr!r}")
            expect((tm < 0) == (tr < 0) and abs(tm - tr) < 2000,
                   f"db{db} {k!r}: pttl {tm} vs {tr}")


def t_replication(tmp):
    master = Proc(RKV, tmp, "rkv-master",
                  ["--repl-diskless-sync-delay", "0"])
    replica = None
    try:
        fill(master)
        replica = Proc(REDIS, tmp, "redis-replica",
                       ["--replicaof", "127.0.0.1", str(master.port)])
        rport = replica.port

        def full_sync():
            poll("the replica online", lambda: synced(master, replica))
            m = master.info()
            line = m.get("slave0", "")
            expect(re.fullmatch(
                rf"ip=127\.0\.0\.1,port={rport},state=online,"
                r"offset=\d+,lag=\d+", line), f"slave0:{line}")
            expect(m["role"] == "master", m["role"])
            expect(m["connected_slaves"] == "1", m["connected_slaves"])
            expect(m["master_replid2"] == "0" * 40, m["master_replid2"])
            expect(m["second_repl_offset"] == "-1", m)
            expect(m["repl_backlog_active"] == "1", m)
            expect(m["repl_backlog_size"] == "1048576", m)
            expect(m["repl_backlog_first_byte_offset"] == "1", m)
            expect(m["repl_backlog_histlen"] == m["master_repl_offset"], m)
            r = replica.info()
            expect(r["role"] == "slave" and
                   r["master_port"] == str(master.port), r)
            expect(r["master_replid"] == m["master_replid"], (r, m))
            digests(master, replica)
            log = master.log()
            for want in (f"Replica 127.0.0.1:{rport} asks for "
                         "synchronization",
                         "Starting BGSAVE for SYNC with target: replicas "
                         "sockets",
                         f"Synchronization with replica 127.0.0.1:{rport} "
                         "succeeded"):
                expect(want in log, f"master log lacks {want!r}:\n{log}")
            rlog = replica.log()
            expect("receiving streamed RDB from master with EOF" in rlog,
                   rlog)
        check("full sync of a real redis-server replica (diskless $EOF:), "
              "INFO replication fields, DEBUG DIGEST equal", full_sync)

        def stream():
            cmds = writes(10000, "w")
            reps = pipeline(master.port, cmds)
            bad = [(c, r) for c, r in zip(cmds, reps)
                   if isinstance(r, str) and r.startswith("-")]
            expect(not bad, f"errors: {bad[:3]}")
            # Let keys set with PX 1 expire on the master (active expiry
            # or the lookups below), so their DELs are in the stream too.
            time.sleep(0.05)
            pipeline(master.port, [("SELECT", str(db)) if k == 0 else
                                   ("GET", f"w:px{i}")
                                   for db in (0, 3, 7)
                                   for i in range(0, 50)
                                   for k in (0, 1)])
            poll("offsets to meet", lambda: synced(master, replica))
            digests(master, replica)
            keys_equal(master, replica)
            m = master.info("stats")
            expect(m["sync_full"] == "1", f"sync_full {m['sync_full']}")
        check("10,000 writes streamed (SELECT, MULTI/EXEC, expiries): "
              "offsets meet, DEBUG DIGEST and every key equal", stream)

        def partial():
            before = master.info()["master_repl_offset"]
            expect(replica.call("CLIENT", "KILL", "TYPE", "master") == 1,
                   "CLIENT KILL TYPE master did not kill one link")
            # Writes while the link is down or coming back.
            reps = pipeline(master.port, writes(2000, "p"))
            expect(not [r for r in reps
                        if isinstance(r, str) and r.startswith("-")], reps)
            poll("offsets to meet again", lambda: synced(master, replica))
            expect(master.info()["master_repl_offset"] > before, "no write")
            digests(master, replica)
            keys_equal(master, replica)
            st = master.info("stats")
            expect(st["sync_full"] == "1", f"sync_full {st['sync_full']}")
            expect(st["sync_partial_ok"] == "1",
                   f"sync_partial_ok {st['sync_partial_ok']}")
            rst = replica.info("stats")
            log, rlog = master.log(), replica.log()
            expect(re.search(rf"Partial resynchronization request from "
                             rf"127\.0\.0\.1:{rport} accepted\. Sending "
                             rf"\d+ bytes of backlog starting from offset "
                             rf"\d+\.", log), f"master log:\n{log}")
            expect("Successful partial resynchronization with master." in
                   rlog, f"replica log:\n{rlog}")
            expect(rlog.count("Full resync from master") == 1,
                   f"a second full sync:\n{rlog}")
            expect(rst["sync_full"] == "0", rst)
        check("CLIENT KILL TYPE master on the replica: +CONTINUE, no second "
              "full sync, DEBUG DIGEST equal", partial)

        def role_wait():
            role = master.call("ROLE")
            expect(role[0] == b"master" and isinstance(role[1], int), role)
            expect(len(role[2]) == 1 and role[2][0][0] == b"127.0.0.1" and
                   role[2][0][1] == str(rport).encode(), role)
            expect(master.call("REPLCONF", "foo", "bar") ==
                   "-ERR Unrecognized REPLCONF option: foo", "replconf")
            # WAIT: the replica answers the GETACK at once.
            reps = pipeline(master.port, [("SET", "waited", "1"),
                                          ("WAIT", "1", "5000")])
            expect(reps == ["+OK", 1], f"WAIT: {reps}")
            lst = master.call("CLIENT", "LIST", "TYPE", "replica").decode()
            expect(lst.count("\n") == 1 and " flags=S " in lst, lst)
            # The master drops the link: the replica continues again.
            expect(master.call("CLIENT", "KILL", "TYPE", "replica") == 1,
                   "CLIENT KILL TYPE replica")
            pipeline(master.port, writes(100, "k"))
            poll("offsets to meet", lambda: synced(master, replica))
            digests(master, replica)
            st = master.info("stats")
            expect(st["sync_full"] == "1" and st["sync_partial_ok"] == "2",
                   st)
        check("ROLE lists the replica; REPLCONF errors as Redis; WAIT 1 "
              "answers 1; CLIENT LIST flags=S; CLIENT KILL TYPE replica "
              "then +CONTINUE", role_wait)
    finally:
        if replica:
            replica.stop()
        rc = master.stop()
    check("master exits 0", lambda: expect(rc == 0, f"status {rc}"))


def t_cli_rdb(tmp):
    """redis-cli --rdb: SYNC from rkv-server into a file."""
    master = Proc(RKV, tmp, "rkv-master3")
    try:
        def body():
            fill(master)
            path = os.path.join(tmp, "cli.rdb")
            out = subprocess.run([REDIS_CLI, "-p", str(master.port),
                                  "--rdb", path], capture_output=True,
                                 timeout=60)
            expect(out.returncode == 0 and
                   b"Transfer finished with success" in out.stderr,
                   f"redis-cli: {out.stdout!r} {out.stderr!r}")
            chk = subprocess.run([CHECK_RDB, path], capture_output=True,
                                 timeout=60)
            text = chk.stdout.decode()
            expect(chk.returncode == 0 and "RDB looks OK" in text, text)
            expect("1512 keys read" in text, text)  # 3 x 504
        check("redis-cli --rdb (SYNC) gets a file redis-check-rdb accepts "
              "with every key", body)
    finally:
        master.stop()


def t_sync_under_writes(tmp):
    """A full sync of 300,000 keys (about 40 MB of RDB, so the snapshot
    waits for the socket many times) while a client keeps writing to old
    and new keys: the replica ends with the master's data."""
    master = Proc(RKV, tmp, "rkv-master2",
                  ["--repl-diskless-sync-delay", "0"])
    replica = None
    stop = threading.Event()
    done = []

    def writer():
        i = 0
        try:
            while not stop.is_set():
                cmds = []
                for _ in range(200):
                    cmds += [("SET", f"key:{(i * 7919) % 300000}", f"n{i}"),
                             ("INCR", "ctr"), ("SET", f"new:{i}", "v"),
                             ("DEL", f"key:{(i * 104729) % 300000}")]
                    i += 1
                pipeline(master.port, cmds)
            done.append(i)
        except Exception as e:  # noqa: BLE001
            done.append(e)

    try:
        def body():
            expect(master.call("DEBUG", "POPULATE", "300000", "key",
                               "100") == "+OK", "populate")
            t = threading.Thread(target=writer)
            t.start()
            nonlocal replica
            try:
                replica = Proc(REDIS, tmp, "redis-replica2",
                               ["--replicaof", "127.0.0.1",
                                str(master.port)])
                poll("the replica online",
                     lambda: replica.info().get("master_link_status") ==
                     "up", timeout=120)
                time.sleep(0.2)  # writes go on while streaming
            finally:
                stop.set()
                t.join()
            expect(done and isinstance(done[0], int) and done[0] > 0,
                   f"writer: {done}")
            poll("offsets to meet", lambda: synced(master, replica))
            digests(master, replica)
            st = master.info("stats")
            expect(st["sync_full"] == "1", st)
        check("full sync of 300,000 keys while a client writes: offsets "
              "meet, DEBUG DIGEST equal", body)
    finally:
        stop.set()
        if replica:
            replica.stop()
        master.stop()


def main():
    if RKV is None:
        print(__doc__, file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="rkv-repl-master-") as tmp:
        t_replication(tmp)
        t_cli_rdb(tmp)
        t_sync_under_writes(tmp)
    return rkvtest.summary()


if __name__ == "__main__":
    sys.exit(main())
