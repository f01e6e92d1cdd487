#!/usr/bin/env python3
"""rkv-server persistence: SAVE, load at start-up, save at shutdown, and
dump.rdb interop with a real redis-server 7.0 (compared by DEBUG DIGEST).

Usage: test_persist.py PATH/TO/rkv-server PATH/TO/redis-server
                       PATH/TO/redis-check-rdb

1. rkv-server SAVE, then a restart in the same dir loads the same data.
2. SIGTERM with save points configured saves; `SHUTDOWN NOSAVE` does not;
   a save point reached saves from the timer.
3. A dump.rdb written by redis-server loads into rkv-server, same digest.
4. A file saved by rkv-server passes redis-check-rdb and loads into
   redis-server with the same digest.
5. A corrupt dump.rdb makes rkv-server exit 1 with a clear message.
6. BGSAVE while clients write: the file holds the keyspace of the moment
   BGSAVE was taken (checked in redis-server by DEBUG DIGEST), passes
   redis-check-rdb, and no temp file is left; SIGTERM during a BGSAVE stops
   it and saves the final state.
7. A BGSAVE that cannot write its file: rdb_last_bgsave_status:err and
   MISCONF on writes, until a save succeeds.

Every server runs in a temporary directory and is stopped by its PID.
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

RKV, REDIS, CHECK_RDB = sys.argv[1:4] if len(sys.argv) == 4 else (None,) * 3


class Proc:
    """A server in `workdir` on a free port, output to workdir/<name>.log."""

    def __init__(self, exe, workdir, name, extra=()):
        self.port = rkvtest.free_port()
        self.logpath = os.path.join(workdir, name + ".log")
        argv = [exe, "--port", str(self.port), "--bind", "127.0.0.1",
                "--dir", workdir, "--enable-debug-command", "yes"]
        if rkvtest.is_redis(exe):
            argv += ["--appendonly", "no"]
        argv += list(extra)
        with open(self.logpath, "wb") as log:
            self.proc = subprocess.Popen(
                rkvtest.WRAPPER + argv, stdin=subprocess.DEVNULL,
                stdout=log, stderr=subprocess.STDOUT)

    def log(self):
        return rkvtest.read_text(self.logpath)

    def ready(self):
        s = rkvtest.Server.__new__(rkvtest.Server)
        s.proc, s.port, s.logpath = self.proc, self.port, self.logpath
        rkvtest.Server.wait_ready(s)
        # redis-server accepts connections while it loads its file.
        deadline = time.monotonic() + rkvtest.READY_TIMEOUT
        while "loading:1\r\n" in self.call("INFO", "persistence").decode():
            expect(time.monotonic() < deadline, "still loading")
            time.sleep(0.01)
        return self

    def call(self, *args):
        with rkvtest.connect(self.port) as s:
            s.sendall(rkvtest.cmd(*args))
            return read_reply(s)

    def stop(self):
        return rkvtest.stop_pid(self.proc)


Reader = rkvtest.Replies


def read_reply(s):
    return Reader(s).reply()


def fill(p):
    """Strings, integers, long compressible values, binary keys, TTLs,
    in three databases."""
    for db in (0, 3, 15):
        with rkvtest.connect(p.port) as s:
            r = Reader(s)
            cmds = [("SELECT", str(db))]
            cmds += [("SET", f"k{db}:{i}", f"v{i}") for i in range(300)]
            cmds += [("SET", "int", "-123456"), ("SET", "long", "ab" * 5000),
                     ("SET", b"bin\x00\xff", b"\x01\x02\r\n"),
                     ("SET", "ttl", "x", "EX", "1000"),
                     ("PEXPIREAT", "k%d:7" % db,
                      str(int(time.time() * 1000) + 500000))]
            s.sendall(b"".join(rkvtest.cmd(*c) for c in cmds))
            for c in cmds:
                rep = r.reply()
                expect(rep in ("+OK", 1), f"{c[0]}: {rep!r}")


def digest(p):
    d = p.call("DEBUG", "DIGEST")
    expect(isinstance(d, str) and len(d) == 41, f"digest {d!r}")
    expect(d != "+" + "0" * 40, "empty dataset")
    return d


def stop_ok(p):
    rc = p.stop()
    expect(rc == 0, f"exit status {rc}; log:\n{p.log()}")


def t_save_and_restart():
    with tempfile.TemporaryDirectory(prefix="rkv-persist-") as tmp:
        p = Proc(RKV, tmp, "a", ["--save", ""]).ready()
        try:
            fill(p)
            d = digest(p)
            t0 = int(time.time())
            expect(p.call("SAVE") == "+OK", "SAVE")
            last = p.call("LASTSAVE")
            expect(abs(last - t0) <= 2, f"LASTSAVE {last} vs {t0}")
            info = p.call("INFO", "persistence").decode()
            expect("rdb_changes_since_last_save:0\r\n" in info, info)
            expect(p.call("DEBUG", "RELOAD") == "+OK", "DEBUG RELOAD")
            expect(digest(p) == d, "digest after DEBUG RELOAD")
            expect("DB saved on disk" in p.log(), p.log())
        finally:
            stop_ok(p)
        files = sorted(os.listdir(tmp))
        expect(files == ["a.log", "dump.rdb"], f"files {files}")
        q = Proc(RKV, tmp, "b", ["--save", ""]).ready()
        try:
            expect(digest(q) == d, "digest after restart")
            expect("DB loaded from disk: " in q.log(), q.log())
            expect(q.call("TTL", "ttl") > 990, "TTL kept")
        finally:
            stop_ok(q)


def t_shutdown_saves():
    with tempfile.TemporaryDirectory(prefix="rkv-persist-") as tmp:
        rdb = os.path.join(tmp, "mine.rdb")
        p = Proc(RKV, tmp, "a", ["--save", "3600 1",
                                 "--dbfilename", "mine.rdb"]).ready()
        try:
            expect(p.call("SET", "a", "1") == "+OK", "SET")
            d = digest(p)
        finally:
            stop_ok(p)
        expect(os.path.exists(rdb), "no file saved at SIGTERM")
        expect("Saving the final RDB snapshot before exiting." in p.log(),
               p.log())
        q = Proc(RKV, tmp, "b", ["--save", "3600 1",
                                 "--dbfilename", "mine.rdb"]).ready()
        try:
            expect(digest(q) == d, "digest")
            q.call("SET", "b", "2")
            with rkvtest.connect(q.port) as s:
                s.sendall(rkvtest.cmd("SHUTDOWN", "NOSAVE"))
                expect(rkvtest.recv_until_eof(s) == b"", "SHUTDOWN reply")
            q.proc.wait(rkvtest.EXIT_TIMEOUT)
        finally:
            q.stop()
        r = Proc(RKV, tmp, "c", ["--save", "",
                                 "--dbfilename", "mine.rdb"]).ready()
        try:
            expect(r.call("EXISTS", "b") == 0, "NOSAVE saved anyway")
            expect(digest(r) == d, "digest")
        finally:
            stop_ok(r)


def t_save_point():
    with tempfile.TemporaryDirectory(prefix="rkv-persist-") as tmp:
        rdb = os.path.join(tmp, "dump.rdb")
        p = Proc(RKV, tmp, "a", ["--save", "1 2"]).ready()
        try:
            expect(p.call("SET", "a", "1") == "+OK", "SET")
            time.sleep(1.5)  # past the point's seconds, one change short
            expect(not os.path.exists(rdb), "saved after 1 change of 2")
            expect(p.call("SET", "b", "2") == "+OK", "SET")
            deadline = time.monotonic() + 10
            while "DB saved on disk" not in p.log():
                expect(time.monotonic() < deadline,
                       f"no save point save; log:\n{p.log()}")
                time.sleep(0.05)
            expect("2 changes in 1 seconds. Saving..." in p.log(), p.log())
            expect(os.path.exists(rdb), "no dump.rdb")
            info = p.call("INFO", "persistence").decode()
            expect("rdb_changes_since_last_save:0\r\n" in info, info)
        finally:
            stop_ok(p)


def t_redis_to_rkv():
    with tempfile.TemporaryDirectory(prefix="rkv-persist-") as tmp:
        p = Proc(REDIS, tmp, "redis", ["--save", ""]).ready()
        try:
            fill(p)
            d = digest(p)
            expect(p.call("SAVE") == "+OK", "redis SAVE")
        finally:
            p.stop()
        q = Proc(RKV, tmp, "rkv", ["--save", ""]).ready()
        try:
            expect(digest(q) == d, "digest of Redis's file in rkv")
        finally:
            stop_ok(q)


def t_rkv_to_redis():
    with tempfile.TemporaryDirectory(prefix="rkv-persist-") as tmp:
        p = Proc(RKV, tmp, "rkv", ["--save", ""]).ready()
        try:
            fill(p)
            d = digest(p)
            expect(p.call("SAVE") == "+OK", "rkv SAVE")
        finally:
            stop_ok(p)
        r = subprocess.run([CHECK_RDB, os.path.join(tmp, "dump.rdb")],
                           capture_output=True, text=True, timeout=30)
        expect(r.returncode == 0 and "RDB looks OK" in r.stdout,
               f"redis-check-rdb: {r.stdout}{r.stderr}")
        q = Proc(REDIS, tmp, "redis", ["--save", ""]).ready()
        try:
            expect(digest(q) == d, "digest of rkv's file in Redis")
        finally:
            q.stop()


def t_corrupt_file():
    with tempfile.TemporaryDirectory(prefix="rkv-persist-") as tmp:
        p = Proc(RKV, tmp, "a", ["--save", ""]).ready()
        try:
            fill(p)
            expect(p.call("SAVE") == "+OK", "SAVE")
        finally:
            stop_ok(p)
        path = os.path.join(tmp, "dump.rdb")
        with open(path, "rb") as f:
            data = f.read()
        cases = [("truncated", data[:len(data) // 2],
                  "Short read or OOM loading DB"),
                 ("bad checksum", data[:-1] + bytes([data[-1] ^ 1]),
                  "Wrong RDB checksum"),
                 ("not RDB", b"hello world, not a file",
                  "Wrong signature")]
        for name, content, msg in cases:
            with open(path, "wb") as f:
                f.write(content)
            q = Proc(RKV, tmp, "bad", ["--save", ""])
            try:
                rc = q.proc.wait(rkvtest.READY_TIMEOUT)
            finally:
                q.stop()
            log = q.log()
            expect(rc == 1, f"{name}: exit status {rc}")
            expect("Fatal error loading the DB: " in log and msg in log,
                   f"{name}: log:\n{log}")


def info_field(p, name):
    info = p.call("INFO", "persistence").decode()
    for line in info.split("\r\n"):
        if line.startswith(name + ":"):
            return line[len(name) + 1:]
    raise AssertionError(f"no {name} in INFO: {info}")


def wait_bgsave(p, timeout=60):
    """Poll INFO until the background save is over; returns the polls."""
    deadline = time.monotonic() + timeout
    polls = 0
    while info_field(p, "rdb_bgsave_in_progress") != "0":
        expect(time.monotonic() < deadline, f"BGSAVE not done; log:\n{p.log()}")
        polls += 1
        time.sleep(0.01)
    return polls


def writes_while(p, busy):
    """Overwrite and delete keys of db 0 in pipelines while busy() holds;
    returns how many pipelines ran."""
    n = 0
    with rkvtest.connect(p.port) as s:
        r = Reader(s)
        while busy():
            cmds = [("SET", f"key:{(n * 97 + i) % 200000}", "changed")
                    for i in range(50)]
            cmds += [("DEL", f"key:{(n * 31 + i) % 200000}")
                     for i in range(50)]
            s.sendall(b"".join(rkvtest.cmd(*c) for c in cmds))
            for _ in cmds:
                r.reply()
            n += 1
    return n


def t_bgsave_point_in_time():
    with tempfile.TemporaryDirectory(prefix="rkv-persist-") as tmp:
        p = Proc(RKV, tmp, "rkv", ["--save", ""]).ready()
        try:
            fill(p)
            expect(p.call("DEBUG", "POPULATE", "200000") == "+OK", "POPULATE")
            d = digest(p)
            expect(p.call("BGSAVE") == "+Background saving started", "BGSAVE")
            rounds = writes_while(
                p, lambda: info_field(p, "rdb_bgsave_in_progress") == "1")
            wait_bgsave(p)
            expect(rounds > 0, "no write ran during the BGSAVE")
            expect(digest(p) != d, "the writes changed nothing")
            expect(info_field(p, "rdb_last_bgsave_status") == "ok",
                   p.log())
            expect("Background saving terminated with success" in p.log(),
                   p.log())
            expect(p.call("BGSAVE", "x") == "-ERR syntax error", "syntax")
        finally:
            stop_ok(p)
        files = sorted(os.listdir(tmp))
        expect(files == ["dump.rdb", "rkv.log"], f"files {files}")
        r = subprocess.run([CHECK_RDB, os.path.join(tmp, "dump.rdb")],
                           capture_output=True, text=True, timeout=60)
        expect(r.returncode == 0 and "RDB looks OK" in r.stdout,
               f"redis-check-rdb: {r.stdout}{r.stderr}")
        q = Proc(REDIS, tmp, "redis", ["--save", ""]).ready()
        try:
            expect(digest(q) == d,
                   "Redis loaded a file that is not the BGSAVE moment's")
        finally:
            q.stop()
        # SIGTERM during a BGSAVE, with save points: it is stopped and the
        # final state saved.
        os.remove(os.path.join(tmp, "dump.rdb"))
        p = Proc(RKV, tmp, "rkv2", ["--save", "3600 1"]).ready()
        try:
            expect(p.call("DEBUG", "POPULATE", "300000") == "+OK", "POPULATE")
            expect(p.call("SET", "last", "1") == "+OK", "SET")
            d = digest(p)
            expect(p.call("BGSAVE") == "+Background saving started", "BGSAVE")
        finally:
            stop_ok(p)
        log = p.log()
        expect("Saving the final RDB snapshot before exiting." in log, log)
        q = Proc(RKV, tmp, "rkv3", ["--save", ""]).ready()
        try:
            expect(digest(q) == d, "the final save is not the final state")
        finally:
            stop_ok(q)


def t_bgsave_error_misconf():
    with tempfile.TemporaryDirectory(prefix="rkv-persist-") as tmp:
        p = Proc(RKV, tmp, "rkv", ["--save", "3600 1"]).ready()
        try:
            info = p.call("INFO", "server").decode()
            pid = [ln.split(":")[1] for ln in info.split("\r\n")
                   if ln.startswith("process_id:")][0]
            # A directory where the temp file goes: open() fails.
            blocker = os.path.join(tmp, f"temp-{pid}.rdb")
            os.mkdir(blocker)
            expect(p.call("SET", "a", "1") == "+OK", "SET")
            expect(p.call("BGSAVE") == "-ERR", "BGSAVE into a directory")
            expect(info_field(p, "rdb_last_bgsave_status") == "err", "status")
            expect("Can't save in background: Is a directory" in p.log(),
                   p.log())
            rep = p.call("SET", "b", "1")
            expect(rep.startswith("-MISCONF Redis is configured to save RDB "
                                  "snapshots, but it's currently unable to "
                                  "persist to disk."), rep)
            expect(p.call("GET", "a") == b"1", "reads go on")
            expect(p.call("SAVE") == "-ERR", "SAVE into a directory")
            # The final save fails: as Redis, no exit.
            expect(p.call("SHUTDOWN") ==
                   "-ERR Errors trying to SHUTDOWN. Check logs.", "SHUTDOWN")
            p.proc.send_signal(signal.SIGTERM)
            deadline = time.monotonic() + rkvtest.EXIT_TIMEOUT
            while p.log().count("Error trying to save the DB, can't exit.") < 2:
                expect(time.monotonic() < deadline and p.proc.poll() is None,
                       f"SIGTERM with a failing save; log:\n{p.log()}")
                time.sleep(0.02)
            expect(p.call("PING") != "", "still serving")
            os.rmdir(blocker)
            expect(p.call("BGSAVE") == "+Background saving started", "BGSAVE")
            wait_bgsave(p)
            expect(info_field(p, "rdb_last_bgsave_status") == "ok", "status")
            expect(p.call("SET", "b", "1") == "+OK", "SET after a good save")
        finally:
            stop_ok(p)


def main():
    if RKV is None:
        print(__doc__, file=sys.stderr)
        return 2
    check("SAVE, LASTSAVE, DEBUG RELOAD, restart loads the same data",
          t_save_and_restart)
    check("SIGTERM with save points saves; SHUTDOWN NOSAVE does not",
          t_shutdown_saves)
    check("a `save <seconds> <changes>` point saves from the timer",
          t_save_point)
    check("redis-server's dump.rdb loads into rkv-server (DEBUG DIGEST)",
          t_redis_to_rkv)
    check("rkv-server's dump.rdb passes redis-check-rdb and loads into "
          "redis-server (DEBUG DIGEST)", t_rkv_to_redis)
    check("a corrupt dump.rdb: exit 1 with a clear message", t_corrupt_file)
    check("BGSAVE while clients write saves the moment it was taken "
          "(redis-server's DEBUG DIGEST); SIGTERM during it saves the end",
          t_bgsave_point_in_time)
    check("a BGSAVE that cannot write: status err, MISCONF until a good save",
          t_bgsave_error_misconf)
    return rkvtest.summary()


if __name__ == "__main__":
    sys.exit(main())
