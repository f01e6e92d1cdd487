#!/usr/bin/env python3
"""RDB interop between rkv's codec and a real redis-server 7.0.

Usage: test_rdb_interop.py PATH/TO/rdb_tool PATH/TO/redis-server
                           PATH/TO/redis-check-rdb

1. Redis -> rkv: a redis-server (free loopback port, --dir in a temp
   directory) gets strings, integers, long compressible and random strings,
   binary keys and TTLs in several databases; SAVE; `rdb_tool load` of its
   dump.rdb must list exactly the content the server reports (SCAN, GET,
   PEXPIRETIME in every database).
2. rkv -> Redis: `rdb_tool write-sample` files (with and without LZF
   compression and checksum) must pass redis-check-rdb and, loaded by a
   redis-server started on them, show exactly the content rdb_tool listed.

Servers are stopped by their PID. Prints one line per check and
"N passed, N failed"; exits non-zero on any failure. Standard library only.
"""
import os
import random
import socket
import subprocess
import sys
import tempfile
import time

TIMEOUT = 10.0
passed = 0
failed = 0


def check(name, fn):
    global passed, failed
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - any failure is a failed check
        failed += 1
        print(f"FAIL {name}: {type(e).__name__}: {e}", flush=True)
        return
    passed += 1
    print(f"ok   {name}", flush=True)


def expect(cond, msg):
    if not cond:
        raise AssertionError(msg)


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Client:
    """A minimal RESP2 client."""

    def __init__(self, port):
        deadline = time.monotonic() + TIMEOUT
        while True:
            try:
                self.sock = socket.create_connection(("127.0.0.1", port), 1)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.02)
        self.sock.settimeout(TIMEOUT)
        self.buf = b""

    def _line(self):
        while b"\r\n" not in self.buf:
            data = self.sock.recv(65536)
            if not data:
                raise ConnectionError("connection closed")
            self.buf += data
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line

    def _exact(self, n):
        while len(self.buf) < n + 2:
            data = self.sock.recv(65536)
            if not data:
                raise ConnectionError("connection closed")
            self.buf += data
        data, self.buf = self.buf[:n], self.buf[n + 2:]
        return data

    def _reply(self):
        line = self._line()
        t, rest = line[:1], line[1:]
        if t == b"+":
            return rest.decode()
        if t == b"-":
            raise RuntimeError(rest.decode())
        if t == b":":
            return int(rest)
        if t == b"$":
            n = int(rest)
            return None if n < 0 else self._exact(n)
        if t == b"*":
            n = int(rest)
            return None if n < 0 else [self._reply() for _ in range(n)]
        raise ValueError(f"bad reply {line!r}")

    def call(self, *args):
        out = [b"*%d\r\n" % len(args)]
        for a in args:
            a = a if isinstance(a, bytes) else str(a).encode()
            out.append(b"$%d\r\n%s\r\n" % (len(a), a))
        self.sock.sendall(b"".join(out))
        return self._reply()

    def close(self):
        self.sock.close()


class Redis:
    def __init__(self, redis_server, directory, dbfilename="dump.rdb"):
        self.port = free_port()
        self.proc = subprocess.Popen(
            [redis_server, "--port", str(self.port), "--bind", "127.0.0.1",
             "--dir", directory, "--dbfilename", dbfilename, "--save", "",
             "--appendonly", "no", "--daemonize", "no",
             "--logfile", os.path.join(directory, "redis.log")],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.client = Client(self.port)
        # Wait for the dataset to be loaded.
        deadline = time.monotonic() + TIMEOUT
        while True:
            try:
                self.client.call("PING")
                break
            except RuntimeError as e:
                if "LOADING" not in str(e) or time.monotonic() > deadline:
                    raise
                time.sleep(0.02)

    def stop(self):
        self.client.close()
        self.proc.terminate()
        self.proc.wait(TIMEOUT)


def content(c):
    """Every key of every db as rdb_tool prints it (a sorted list)."""
    lines = []
    for db in range(16):
        c.call("SELECT", db)
        cursor = b"0"
        while True:
            cursor, keys = c.call("SCAN", cursor, "COUNT", 1000)
            for k in keys:
                v = c.call("GET", k)
                exp = c.call("PEXPIRETIME", k)
                lines.append(f"{db} {k.hex() or '-'} {v.hex() or '-'} {exp}")
            if cursor == b"0":
                break
    return sorted(lines)


def tool_listing(out):
    return sorted(line for line in out.decode().split("\n") if line)


def fill(c):
    rnd = random.Random(5)
    now_ms = int(time.time() * 1000)
    for db in (0, 1, 5, 15):
        c.call("SELECT", db)
        c.call("SET", "hello", "world")
        c.call("SET", "empty", "")
        c.call("SET", "", "empty key")
        c.call("SET", b"\x00\xff\r\nbin", b"\x00\x01\x02")
        for v in ("0", "-1", "127", "-128", "128", "32767", "-32769",
                  "2147483647", "-2147483648", "2147483648",
                  "9223372036854775807", "-9223372036854775808", "007",
                  "1e3", " 5"):
            c.call("SET", f"num:{v}", v)
        c.call("SET", "12345", "int-encoded key")
        c.call("SET", "long:compressible", "abcdefgh" * 5000)
        c.call("SET", "long:21", "a" * 21)
        c.call("SET", "long:20", "a" * 20)
        c.call("SET", "long:random",
               bytes(rnd.getrandbits(8) for _ in range(3000)))
        c.call("SET", "ttl:px", "v", "PX", 86400000)
        c.call("SET", "ttl:ex", "v", "EX", 100000)
        c.call("SET", "ttl:pxat", "12", "PXAT", now_ms + 5000000)
        c.call("SET", "ttl:compressible", "z" * 1000, "PX", 3600000)
        c.call("APPEND", "appended", "42")  # a raw-encoded "42"
        for i in range(300):
            c.call("SET", f"key:{db}:{i}", rnd.randrange(-10**12, 10**12))


def redis_to_rkv(tool, redis_server, tmp):
    r = Redis(redis_server, tmp)
    try:
        fill(r.client)
        expected = content(r.client)
        expect(r.client.call("SAVE") == "OK", "SAVE failed")
    finally:
        r.stop()
    path = os.path.join(tmp, "dump.rdb")
    p = subprocess.run([tool, "load", path], capture_output=True,
                       timeout=TIMEOUT)
    expect(p.returncode == 0, f"rdb_tool load failed: {p.stderr!r}")
    got = tool_listing(p.stdout)
    expect(len(expected) > 1000, f"only {len(expected)} keys")
    expect(got == expected,
           f"content differs: {len(got)} vs {len(expected)} keys; first "
           f"difference {sorted(set(got) ^ set(expected))[:3]}")


def rkv_to_redis(tool, redis_server, check_rdb, tmp, options):
    name = "sample-" + ("-".join(options) or "default") + ".rdb"
    path = os.path.join(tmp, name)
    p = subprocess.run([tool, "write-sample", path, *options],
                       capture_output=True, timeout=TIMEOUT)
    expect(p.returncode == 0, f"write-sample failed: {p.stderr!r}")
    listed = tool_listing(p.stdout)
    # rkv reads back what it wrote.
    q = subprocess.run([tool, "load", path], capture_output=True,
                       timeout=TIMEOUT)
    expect(q.returncode == 0 and tool_listing(q.stdout) == listed,
           f"rdb_tool does not read its own file back: {q.stderr!r}")
    chk = subprocess.run([check_rdb, path], capture_output=True,
                         timeout=TIMEOUT)
    text = chk.stdout.decode(errors="replace")
    expect(chk.returncode == 0 and "RDB looks OK!" in text,
           f"redis-check-rdb: status {chk.returncode}: {text}")
    if "nochecksum" not in options:
        expect("Checksum OK" in text, f"redis-check-rdb: {text}")
    r = Redis(redis_server, tmp, name)
    try:
        got = content(r.client)
    finally:
        r.stop()
    expect(len(listed) > 200, f"only {len(listed)} keys")
    expect(got == listed,
           f"content differs: {len(got)} vs {len(listed)} keys; first "
           f"difference {sorted(set(got) ^ set(listed))[:3]}")


def main():
    if len(sys.argv) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    tool, redis_server, check_rdb = sys.argv[1:]
    with tempfile.TemporaryDirectory(prefix="rkv-rdb-") as tmp:
        check("redis dump.rdb loads into rkv with the same content",
              lambda: redis_to_rkv(tool, redis_server, tmp))
        for options in ([], ["nocompress"], ["nochecksum"]):
            check(f"rkv file ({' '.join(options) or 'default'}) passes "
                  "redis-check-rdb and loads into redis-server",
                  lambda o=options: rkv_to_redis(tool, redis_server,
                                                 check_rdb, tmp, o))
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
