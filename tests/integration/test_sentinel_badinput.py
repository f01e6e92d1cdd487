"""Bad input for rkv-server in sentinel mode, as redis-sentinel 7.0:

- sentinel.conf errors stop start-up with Redis's message (the "FATAL
  CONFIG FILE ERROR" block) and exit status 1; a config file that is not
  writable, a missing one, none at all: Redis's message and status 1. With
  the path of redis-sentinel, every case is also run there and the output
  (pids, timestamps and the version stripped) must be the same.
- a sentinel.conf that redis-sentinel itself rewrote (it holds `user default
  on nopass ~* &* +@all` and `latency-tracking-info-percentiles`) starts.
- a monitored "master" that answers with garbage (fake TCP servers: random
  bytes, protocol errors, -ERR to everything, a huge length, an endless
  line) is marked +sdown and the sentinel keeps serving.
- a monitored master that reports role:slave in INFO: -role-change is
  published at once, +sdown after down-after + 20 s (Redis's rule).

usage: python3 test_sentinel_badinput.py <rkv-server> [<redis-sentinel>]
"""
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import rkvtest  # noqa: E402
from rkvtest import check, expect  # noqa: E402

RKV = os.path.abspath(sys.argv[1])
REDIS_SENTINEL = sys.argv[2] if len(sys.argv) > 2 else None
RUN_TIMEOUT = 10.0  # seconds a refused start-up may take


def fatal(line_no, line, msg):
    return ("*** FATAL CONFIG FILE ERROR (V) ***\n"
            f"Reading the configuration file, at line {line_no}\n"
            f">>> '{line}'\n{msg}")


M = "sentinel monitor m 127.0.0.1 7000 1"
# (file lines, expected normalised output); the line in error is the last.
CONFIG_CASES = [
    (["sentinel monitor m 127.0.0.1 7000 0"], "Quorum must be 1 or greater."),
    (["sentinel monitor m 127.0.0.1 7000 -1"],
     "Quorum must be 1 or greater."),
    (["sentinel monitor m 127.0.0.1 7000 x"], "Quorum must be 1 or greater."),
    (["sentinel monitor m 127.0.0.1 70000 1"], "Invalid port number."),
    (["sentinel monitor m 127.0.0.1 -5 1"], "Invalid port number."),
    (["sentinel monitor m 127.0.0.1"],
     "Unrecognized sentinel configuration statement."),
    ([M, "sentinel monitor m 127.0.0.1 7001 1"], "Duplicate master name."),
    (["sentinel down-after-milliseconds nosuch 1000"],
     "No such master with specified name."),
    ([M, "sentinel down-after-milliseconds m 0"],
     "negative or zero time parameter."),
    ([M, "sentinel down-after-milliseconds m -1"],
     "negative or zero time parameter."),
    ([M, "sentinel failover-timeout m 0"],
     "negative or zero time parameter."),
    (["sentinel failover-timeout nosuch 10"],
     "No such master with specified name."),
    (["sentinel parallel-syncs nosuch 1"],
     "No such master with specified name."),
    (["sentinel auth-pass nosuch x"], "No such master with specified name."),
    (["sentinel known-replica nosuch 127.0.0.1 7001"],
     "No such master with specified name."),
    ([M, "sentinel known-replica m 127.0.0.1 70000"],
     "Invalid port number."),
    ([M, "sentinel known-sentinel m 127.0.0.1 70000 "
         "0ee0db6492a57212a58b85eee6d84ed5e3318293"], "Invalid port number."),
    (["sentinel myid abc"], "Malformed Sentinel id in myid option."),
    (["sentinel bogus-option x"],
     "Unrecognized sentinel configuration statement."),
    (["sentinel resolve-hostnames maybe"],
     "Please specify yes or no for the resolve-hostnames option."),
    (["sentinel announce-hostnames x"],
     "Please specify yes or no for the announce-hostnames option."),
    (["sentinel deny-scripts-reconfig x"],
     "Please specify yes or no for the deny-scripts-reconfig options."),
    (["sentinel resolve-hostnames yes x"],
     "Unrecognized sentinel configuration statement."),
    (["sentinel announce-ip"],
     "Unrecognized sentinel configuration statement."),
    (["sentinel announce-port"],
     "Unrecognized sentinel configuration statement."),
    (["sentinel sentinel-pass"],
     "Unrecognized sentinel configuration statement."),
    ([M, "sentinel master-reboot-down-after-period m -1"],
     "negative time parameter."),
]


def normalise(text):
    text = re.sub(r"^\d+:X \d\d \w{3} \d{4} [\d:.]+ ", "", text, flags=re.M)
    text = re.sub(r"\((Redis|rkv-server) [\w.]+\)", "(V)", text)
    return text.strip()


def as_nobody():
    """preexec_fn: drop root, so that a mode-0444 file is not writable."""
    os.setgroups([])
    os.setgid(65534)
    os.setuid(65534)


def run_refused(argv, cwd, preexec=None):
    """Runs a start-up that must fail: (exit status, normalised output)."""
    try:
        p = subprocess.run(argv, cwd=cwd, stdin=subprocess.DEVNULL,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           timeout=RUN_TIMEOUT, preexec_fn=preexec)
    except subprocess.TimeoutExpired:
        raise AssertionError(f"{argv} did not exit within {RUN_TIMEOUT} s "
                             "(the start-up was not refused)")
    return p.returncode, normalise(p.stdout.decode("utf-8", "replace"))


def binaries():
    out = [("rkv", lambda conf, port: [RKV, conf, "--sentinel", "--port",
                                       str(port)])]
    if REDIS_SENTINEL:
        out.append(("redis", lambda conf, port: [REDIS_SENTINEL, conf,
                                                 "--port", str(port)]))
    return out


def config_errors(tmp):
    bad = []
    for lines, msg in CONFIG_CASES:
        want = fatal(len(lines), lines[-1], msg)
        for who, argv in binaries():
            conf = os.path.join(tmp, who + ".conf")
            with open(conf, "w") as f:
                f.write("\n".join(lines) + "\n")
            try:
                rc, out = run_refused(argv(conf, rkvtest.free_port()), tmp)
            except AssertionError as e:
                bad.append(f"{who} {lines!r}: {e}")
                continue
            if rc != 1 or out != want:
                bad.append(f"{who} {lines!r}: status {rc}, output:\n{out}\n"
                           f"expected status 1 and:\n{want}")
    expect(not bad, "\n".join(bad))


def file_errors(tmp):
    d = os.path.join(tmp, "files")
    os.mkdir(d)
    os.chmod(tmp, 0o755)
    os.chmod(d, 0o755)
    ro = os.path.join(d, "ro.conf")
    with open(ro, "w") as f:
        f.write(M + "\n")
    os.chmod(ro, 0o444)
    missing = os.path.join(d, "missing.conf")
    root = os.geteuid() == 0
    bad = []
    for who, argv in binaries():
        port = rkvtest.free_port()
        cases = [
            (argv(ro, port), as_nobody if root else None,
             f"# Sentinel config file {ro} is not writable: Permission "
             "denied. Exiting..."),
            (argv(missing, port), None,
             f"# Fatal error, can't open config file '{missing}': No such "
             "file or directory"),
            ([x for x in argv(ro, port) if x != ro], None,
             "# Sentinel needs config file on disk to save state. "
             "Exiting..."),
        ]
        for a, pre, want in cases:
            rc, out = run_refused(a, d, pre)
            if rc != 1 or out != want:
                bad.append(f"{who} {a}: status {rc}, output:\n{out}\n"
                           f"expected status 1 and:\n{want}")
    with open(ro) as f:
        expect(f.read() == M + "\n", "the read-only file was changed")
    expect(not bad, "\n".join(bad))


class Sentinel:
    """rkv-server --sentinel with `lines` in its file, logging to a file."""

    def __init__(self, tmp, name, lines, port=None):
        """lines None: restart on the file (and `port`) of before."""
        self.port = port or rkvtest.free_port()
        self.conf = os.path.join(tmp, name + ".conf")
        self.logpath = os.path.join(tmp, name + ".log")
        if lines is not None:
            with open(self.conf, "w") as f:
                f.write(f"port {self.port}\nbind 127.0.0.1\ndir {tmp}\n"
                        f"logfile {self.logpath}\n")
                f.write("".join(line + "\n" for line in lines))
        self.proc = subprocess.Popen([RKV, self.conf, "--sentinel"],
                                     stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        rkvtest.wait_listening(self.proc, self.port, name, self.log)

    def log(self):
        return rkvtest.read_log(self.logpath)

    def call(self, *args):
        with rkvtest.connect(self.port) as s:
            s.sendall(rkvtest.cmd(*args))
            s.settimeout(rkvtest.IO_TIMEOUT)
            data = b""
            while not data.endswith(b"\r\n"):
                chunk = s.recv(65536)
                if not chunk:
                    break
                data += chunk
            return data

    def stop(self):
        expect(self.proc.poll() is None,
               f"the sentinel died (status {self.proc.returncode}):\n"
               f"{self.log()[-3000:]}")
        rc = rkvtest.stop_pid(self.proc)
        expect(rc == 0, f"the sentinel exited with status {rc}")


def wait_for(what, fn, deadline):
    end = time.monotonic() + deadline
    while not fn():
        if time.monotonic() > end:
            raise AssertionError(f"timed out ({deadline} s) waiting for "
                                 f"{what}")
        time.sleep(0.05)  # poll interval


def redis_rewritten(tmp):
    """The file redis-sentinel 7.0.15 wrote for `sentinel monitor m ...`
    (CONFIG REWRITE at shutdown) starts rkv's sentinel."""
    s = Sentinel(tmp, "rewritten", [
        "sentinel monitor m 127.0.0.1 7000 1",
        "# Generated by CONFIG REWRITE",
        "protected-mode no",
        "latency-tracking-info-percentiles 50 99 99.9",
        "user default on nopass ~* &* +@all",
        "sentinel myid 0ee0db6492a57212a58b85eee6d84ed5e3318293",
        "sentinel config-epoch m 0",
        "sentinel leader-epoch m 0",
        "sentinel current-epoch 0",
        "sentinel resolve-hostnames no",
        "sentinel announce-hostnames no",
        "sentinel deny-scripts-reconfig yes",
        "sentinel master-reboot-down-after-period m 0",
    ])
    try:
        r = s.call("SENTINEL", "MYID")
        expect(r == b"$40\r\n0ee0db6492a57212a58b85eee6d84ed5e3318293\r\n",
               f"SENTINEL MYID: {r!r}")
    finally:
        s.stop()


class FakeServer:
    """A TCP server on 127.0.0.1 answering every read with reply(data)
    (bytes, or None to close the connection)."""

    def __init__(self, reply):
        self.reply = reply
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.conns = []
        self.stopping = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while not self.stopping:
            try:
                c, _ = self.sock.accept()
            except OSError:
                return
            self.conns.append(c)
            threading.Thread(target=self._serve, args=(c,),
                             daemon=True).start()

    def _serve(self, c):
        try:
            while True:
                data = c.recv(65536)
                if not data:
                    break
                out = self.reply(data)
                if out is None:
                    break
                c.sendall(out)
        except OSError:
            pass
        finally:
            c.close()

    def close(self):
        self.stopping = True
        self.sock.close()
        for c in self.conns:
            try:
                c.close()
            except OSError:
                pass


GARBAGE = [
    ("random bytes", lambda d: bytes(range(256)) * 4),
    ("-ERR to everything", lambda d: b"-ERR nope\r\n" * d.count(b"*")),
    ("bad RESP types", lambda d: b"*-5\r\n$-7\r\n:abc\r\n%1\r\n!x\r\n"),
    ("a huge bulk length", lambda d: b"$9223372036854775807\r\nxx"),
    ("a huge array", lambda d: b"*2147483647\r\n"),
    ("an endless line", lambda d: b"+" + b"x" * 200000),
    ("closing at once", lambda d: None),
]


def garbage_master(tmp):
    fakes = [(name, FakeServer(fn)) for name, fn in GARBAGE]
    lines = []
    for i, (name, f) in enumerate(fakes):
        lines += [f"sentinel monitor g{i} 127.0.0.1 {f.port} 1",
                  f"sentinel down-after-milliseconds g{i} 1000"]
    s = Sentinel(tmp, "garbage", lines)
    try:
        for i, (name, f) in enumerate(fakes):
            ev = f"+sdown master g{i} 127.0.0.1 {f.port}"
            wait_for(f"'{ev}' ({name})", lambda: ev in s.log(), 20)
        expect(s.call("PING") == b"+PONG\r\n", "PING after the garbage")
        r = s.call("SENTINEL", "GET-MASTER-ADDR-BY-NAME", "g0")
        expect(r.startswith(b"*2\r\n"), f"GET-MASTER-ADDR-BY-NAME: {r!r}")
        for i, (name, f) in enumerate(fakes):
            ev = f"+odown master g{i} 127.0.0.1 {f.port}"
            expect(ev in s.log(), f"no '{ev}' ({name})")
    finally:
        for _, f in fakes:
            f.close()
        s.stop()


def master_is_replica(tmp):
    """A data node monitored as a master but replicating from a dead port:
    -role-change at once, +sdown only after down-after + 20 s, no failover
    (no replica)."""
    d = os.path.join(tmp, "node")
    os.mkdir(d)
    dead = rkvtest.free_port()
    node = rkvtest.Server(RKV, rkvtest.free_port(), d)
    node.wait_ready()
    with rkvtest.connect(node.port) as c:
        c.sendall(rkvtest.cmd("REPLICAOF", "127.0.0.1", str(dead)))
        expect(c.recv(100) == b"+OK\r\n", "REPLICAOF")
    s = Sentinel(tmp, "roleslave", [
        f"sentinel monitor m 127.0.0.1 {node.port} 1",
        "sentinel down-after-milliseconds m 1000"])
    sub = rkvtest.connect(s.port)
    try:
        sub.sendall(rkvtest.cmd("SUBSCRIBE", "-role-change"))
        sub.settimeout(30)
        got = b""
        t0 = time.monotonic()
        want = (f"master m 127.0.0.1 {node.port} new reported role is "
                "slave").encode()
        while want not in got:
            chunk = sub.recv(65536)
            expect(chunk, "the sentinel closed the subscription")
            got += chunk
        expect(time.monotonic() - t0 < 15, "-role-change came late")
        ev = f"+sdown master m 127.0.0.1 {node.port}"
        t1 = time.monotonic()
        wait_for(f"'{ev}'", lambda: ev in s.log(), 40)
        # down-after (1 s) + 20 s after the INFO that showed the role.
        expect(time.monotonic() - t1 > 15,
               f"'{ev}' after {time.monotonic() - t1:.1f} s, before "
               "down-after + 20 s")
        expect(s.call("PING") == b"+PONG\r\n", "PING")
        expect("+switch-master" not in s.log(), "a failover happened")
    finally:
        sub.close()
        s.stop()
        rkvtest.stop_pid(node.proc)


def main():
    global REDIS_SENTINEL
    if REDIS_SENTINEL:
        REDIS_SENTINEL = os.path.abspath(REDIS_SENTINEL)
    with tempfile.TemporaryDirectory(prefix="rkv-sentinel-bad-") as tmp:
        check("sentinel.conf errors: Redis's messages, exit status 1"
              + (" (same output as redis-sentinel)" if REDIS_SENTINEL
                 else ""), lambda: config_errors(tmp))
        check("config file not writable, missing, absent: Redis's "
              "messages, exit status 1", lambda: file_errors(tmp))
        check("a sentinel.conf rewritten by redis-sentinel starts",
              lambda: redis_rewritten(tmp))
        check("masters answering garbage are marked +sdown, no crash",
              lambda: garbage_master(tmp))
        check("a master reporting role:slave: -role-change, +sdown after "
              "down-after + 20 s", lambda: master_is_replica(tmp))
    return rkvtest.summary()


if __name__ == "__main__":
    sys.exit(main())
