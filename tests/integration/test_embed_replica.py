"""examples/embed-replica against a REAL redis-server master.

usage: python3 test_embed_replica.py <rkv-embed-replica> <redis-server>

The embedded replica full-syncs (the keyspace callback reports the whole
keyspace replaced), serves GETs from its own keyspace, prints each change
the master streams, survives the master dropping the link (partial resync:
the master's sync_partial_ok goes up), and exits 0 at EOF on stdin.
"""
import os
import select
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import rkvtest  # noqa: E402
from rkvtest import check, expect  # noqa: E402

EMBED, REDIS = sys.argv[1], sys.argv[2]
DEADLINE = 20.0


class Lines:
    """The replica's stdout, read line by line with a deadline."""

    def __init__(self, proc):
        self.proc, self.buf, self.seen = proc, b"", []

    def wait(self, want):
        deadline = time.monotonic() + DEADLINE
        while True:
            for i, line in enumerate(self.seen):
                if want in line:
                    del self.seen[: i + 1]
                    return line
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"no line with {want!r}; got "
                                     f"{self.seen[-10:]}")
            r, _, _ = select.select([self.proc.stdout], [], [], left)
            if r:
                chunk = os.read(self.proc.stdout.fileno(), 65536)
                if not chunk:
                    raise AssertionError(f"replica exited; wanted {want!r}")
                self.buf += chunk
                *lines, self.buf = self.buf.split(b"\n")
                self.seen += [x.decode() for x in lines]


REDIS_CLI = os.path.join(os.path.dirname(REDIS), "redis-cli")
if not os.path.exists(REDIS_CLI):
    REDIS_CLI = shutil.which("redis-cli") or "redis-cli"


def redis_cmd(port, *args):
    r = subprocess.run([REDIS_CLI, "-p", str(port)] + [str(a) for a in args],
                       stdout=subprocess.PIPE, stdin=subprocess.DEVNULL,
                       timeout=10, check=True)
    return r.stdout.decode()


def main():
    with tempfile.TemporaryDirectory() as tmp:
        port = rkvtest.free_port()
        log = open(os.path.join(tmp, "redis.log"), "wb")
        master = subprocess.Popen(
            [REDIS, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", tmp,
             "--repl-diskless-sync-delay", "0"],
            stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
        s = rkvtest.Server.__new__(rkvtest.Server)
        s.proc, s.port, s.logpath = master, port, os.path.join(tmp,
                                                             "redis.log")
        rkvtest.Server.wait_ready(s)
        for i in range(100):
            redis_cmd(port, "SET", f"k{i}", f"v{i}")
        errlog = open(os.path.join(tmp, "embed.err"), "wb")
        rep = subprocess.Popen([EMBED, "127.0.0.1", str(port)],
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               stderr=errlog)
        out = Lines(rep)

        def ask(line):
            rep.stdin.write(line.encode() + b"\n")
            rep.stdin.flush()

        def full_sync():
            out.wait("changed db=-1")
            ask("DBSIZE")
            out.wait(":100\r")
            ask("GET k42")
            out.wait("k42 = v42")
        check("full sync; lookups served from the local keyspace",
              full_sync)

        def stream():
            redis_cmd(port, "SET", "hello", "world")
            out.wait("changed db=0 key=hello")
            ask("GET hello")
            out.wait("hello = world")
            redis_cmd(port, "DEL", "k1")
            out.wait("changed db=0 key=k1")
            ask("GET k1")
            out.wait("k1 = (nil)")
        check("streamed changes reported by the keyspace callback", stream)

        def reconnect():
            def stat(name):
                text = redis_cmd(port, "INFO", "stats")
                for line in text.splitlines():
                    if line.startswith(name + ":"):
                        return int(line.split(":")[1])
                raise AssertionError(name)
            before = stat("sync_partial_ok")
            full = stat("sync_full")
            redis_cmd(port, "CLIENT", "KILL", "TYPE", "replica")
            redis_cmd(port, "SET", "after", "kill")
            out.wait("changed db=0 key=after")
            ask("GET after")
            out.wait("after = kill")
            expect(stat("sync_partial_ok") == before + 1, "no +CONTINUE")
            expect(stat("sync_full") == full, "a second full sync")
        check("link dropped by the master: partial resync", reconnect)

        def exits():
            rep.stdin.close()
            rc = rep.wait(10)
            expect(rc == 0, f"exit status {rc}")
        check("EOF on stdin: exit 0", exits)
        if rep.poll() is None:
            rkvtest.stop_pid(rep)
        rkvtest.stop_pid(master)
        if rkvtest.failed:
            print(rkvtest.read_text(os.path.join(tmp, "embed.err")))
    return rkvtest.summary()


if __name__ == "__main__":
    sys.exit(main())
