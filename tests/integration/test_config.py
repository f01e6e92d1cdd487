#!/usr/bin/env python3
"""Integration test of rkv-server's configuration handling.

Usage: test_config.py PATH/TO/rkv-server [PATH/TO/redis-server]

Runs rkv-server with redis.conf files (the stock /etc/redis/redis.conf of
Debian's redis-server package, edited only for port, dir, daemonize,
logfile and pidfile) and with bad ones, on free loopback ports, and checks
what a client and the process observe. With a redis-server path, the stock
file's CONFIG GET * is also compared with the real server's.

Every server is stopped by its PID, also when a check fails, and must
exit with status 0. RKV_SERVER_WRAPPER runs rkv-server under a command that
keeps its PID, as for test_server.py (e.g. "valgrind --leak-check=full
--errors-for-leak-kinds=all --error-exitcode=99"). Prints one line per check
and "N passed, N failed"; exits non-zero on any failure. Python standard
library only.
"""
import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from rkvtest import (WRAPPER, RespReader, check, cmd, expect,  # noqa: E402,E501
                     free_port, read_text, stop_pid, summary)

STOCK_CONF = "/etc/redis/redis.conf"
TIMEOUT = 30.0 if WRAPPER else 10.0


# ---- a minimal RESP client -------------------------------------------------

class Client(RespReader):
    def __init__(self, port, timeout=TIMEOUT):
        super().__init__(socket.create_connection(("127.0.0.1", port),
                                                  timeout=timeout))

    def close(self):
        self.sock.close()

    def reply(self):
        line = self._line()
        t, rest = line[:1], line[1:]
        if t in (b"+", b"-", b":"):
            return line.decode()
        if t == b"$":
            n = int(rest)
            return None if n < 0 else self._exact(n).decode()
        if t == b"*":
            return [self.reply() for _ in range(int(rest))]
        raise AssertionError(f"unexpected reply {line!r}")

    def call(self, *args):
        self.sock.sendall(cmd(*args))
        return self.reply()


def config_get(port, name):
    c = Client(port)
    try:
        r = c.call("CONFIG", "GET", name)
    finally:
        c.close()
    expect(len(r) == 2, f"CONFIG GET {name}: {r!r}")
    return r[1]


# ---- processes -------------------------------------------------------------

class Server:
    """A server process, stopped by PID."""

    def __init__(self, argv, tmp, name="server", stdin=None):
        self.logpath = os.path.join(tmp, name + ".out")
        self.log = open(self.logpath, "wb")
        self.proc = subprocess.Popen(
            argv, stdin=subprocess.PIPE if stdin is not None
            else subprocess.DEVNULL,
            stdout=self.log, stderr=subprocess.STDOUT,
            cwd=tmp)  # an RDB file saved at exit lands in tmp
        if stdin is not None:
            self.proc.stdin.write(stdin.encode())
            self.proc.stdin.close()

    def output(self):
        return read_text(self.logpath)

    def wait_ready(self, port):
        deadline = time.monotonic() + TIMEOUT
        while True:
            if self.proc.poll() is not None:
                raise AssertionError(f"exited {self.proc.returncode}: "
                                     f"{self.output()[-2000:]}")
            try:
                c = Client(port, timeout=1)
                r = c.call("PING")
                c.close()
                if r == "+PONG" or r.startswith("-NOAUTH"):
                    return
            except OSError:
                pass
            expect(time.monotonic() < deadline,
                   f"not ready: {self.output()[-2000:]}")
            time.sleep(0.05)

    def stop(self, check_exit=True):
        """SIGTERM by PID; the exit status must then be 0."""
        stop_pid(self.proc, TIMEOUT)
        self.log.close()
        if check_exit and self.proc.returncode != 0:
            raise AssertionError(f"exit status {self.proc.returncode}: "
                                 f"{self.output()[-3000:]}")


def run_exit(argv, stdin=None):
    """Run a server expected to exit by itself; killed (by PID) after
    TIMEOUT. Returns the CompletedProcess."""
    return subprocess.run(argv, input=stdin, capture_output=True, text=True,
                          timeout=TIMEOUT)


def stock_conf(tmp, port, pidname="rkv.pid"):
    """The stock redis.conf, edited only for port, dir, daemonize, logfile
    and pidfile (so it runs in the foreground inside tmp)."""
    with open(STOCK_CONF) as f:
        text = f.read()
    edits = {
        "port": f"port {port}",
        "dir": f"dir {tmp}",
        "daemonize": "daemonize no",
        "logfile": 'logfile ""',
        "pidfile": f"pidfile {os.path.join(tmp, pidname)}",
    }
    out = []
    for line in text.split("\n"):
        word = line.split(" ", 1)[0]
        out.append(edits.get(word, line))
    return "\n".join(out)


def write(path, text):
    with open(path, "w") as f:
        f.write(text)
    return path


# ---- checks ----------------------------------------------------------------

def t_stock(exe, redis_server):
    expect(os.path.exists(STOCK_CONF),
           f"{STOCK_CONF} is missing (tests/run.sh installs redis-server)")
    with tempfile.TemporaryDirectory(prefix="rkv-config-") as tmp:
        port = free_port()
        conf = write(os.path.join(tmp, "redis.conf"), stock_conf(tmp, port))
        srv = Server(WRAPPER + [exe, conf], tmp)
        try:
            srv.wait_ready(port)
            c = Client(port)
            expect(c.call("PING") == "+PONG", "PING")
            c.close()
            expect(config_get(port, "port") == str(port), "CONFIG GET port")
            expect(config_get(port, "dir") == os.path.realpath(tmp),
                   "CONFIG GET dir")
            expect(config_get(port, "bind") == "127.0.0.1 -::1", "bind")
            pidfile = os.path.join(tmp, "rkv.pid")
            with open(pidfile) as f:
                expect(int(f.read()) == srv.proc.pid, "pidfile content")
            if redis_server:
                compare_with_redis(redis_server, tmp, port)
        finally:
            srv.stop()
        expect(not os.path.exists(os.path.join(tmp, "rkv.pid")),
               "pidfile removed at exit")


def all_config(port):
    c = Client(port)
    try:
        r = c.call("CONFIG", "GET", "*")
    finally:
        c.close()
    return dict(zip(r[0::2], r[1::2]))


def compare_with_redis(redis_server, tmp, port):
    """The same stock file in redis-server: CONFIG GET * must match."""
    rport = free_port()
    conf = write(os.path.join(tmp, "real.conf"),
                 stock_conf(tmp, rport, "redis.pid"))
    real = Server([redis_server, conf], tmp, "redis-server")
    try:
        real.wait_ready(rport)
        want, got = all_config(rport), all_config(port)
    finally:
        real.stop()
    for d in (want, got):
        d.pop("port")
        d.pop("pidfile")
    diff = {k: (want.get(k), got.get(k)) for k in set(want) | set(got)
            if want.get(k) != got.get(k)}
    expect(not diff, f"CONFIG GET * differs from redis-server: {diff}")


FATAL_RE = (r"\n\*\*\* FATAL CONFIG FILE ERROR \(rkv-server [^)]*\) \*\*\*\n"
            r"Reading the configuration file, at line {line}\n"
            r">>> '{text}'\n{msg}\n")


def expect_fatal(exe, tmp, name, text, line, bad, msg):
    """rkv-server with config file tmp/name (text) exits 1 with the fatal
    block for line number `line` (`bad`), message `msg` (a regex)."""
    conf = write(os.path.join(tmp, name), text)
    r = run_exit(WRAPPER + [exe, conf])
    expect(r.returncode == 1, f"{bad!r}: exit {r.returncode}")
    pat = FATAL_RE.format(line=line, text=bad, msg=msg)
    expect(re.search(pat, r.stderr), f"{bad!r}: stderr {r.stderr!r}")


def t_unknown_directive(exe):
    with tempfile.TemporaryDirectory(prefix="rkv-config-") as tmp:
        expect_fatal(exe, tmp, "bad.conf",
                     f"# a comment\nport {free_port()}\n\nfoo bar\n",
                     4, "foo bar",
                     "Bad directive or wrong number of arguments")
        # A bad value names the directive too.
        expect_fatal(exe, tmp, "bad2.conf",
                     f"port {free_port()}\nmaxmemory lots\n",
                     2, "maxmemory lots", "argument must be a memory value")


BAD_LINES = [
    "foo bar", "hz 1 2", "hz", "appendonly maybe", "maxmemory 12x",
    'save "3600 1', "save 1 2 3", "timeout -1", "maxclients -5",
    "client-output-buffer-limit master 1 2 3", "dbfilename a/b",
    "unixsocketperm 999", "list-max-ziplist-size x",
    "latency-tracking-info-percentiles 101", "notify-keyspace-events Q",
    "replicaof a", "oom-score-adj-values 1 2", "enable-debug-command maybe",
    "bind " + " ".join(str(i) for i in range(17)), "include", "include a b",
    "maxmemory-clients 200%", "proto-max-bulk-len 1", "port 70000",
    "loglevel loud", "databases 0", 'a"b', "'x'y", "dir /nonexistent-dir",
    "logfile /nonexistent-dir/x.log", "appenddirname a/b",
    "appendfilename a/b", 'proc-title-template ""',
    'proc-title-template "{title"', 'proc-title-template "{foo}"',
    'proc-title-template "{title}"', 'cluster-announce-hostname "a b"',
]


def t_fatal_like_redis(exe, redis_server):
    """Bad lines give redis-server's fatal block byte for byte, but for the
    version in its header."""
    expect(redis_server, "redis-server not found")
    with tempfile.TemporaryDirectory(prefix="rkv-config-") as tmp:
        for line in BAD_LINES:
            conf = write(os.path.join(tmp, "bad.conf"),
                         f"port {free_port()}\n# comment\n{line}\n")
            want = run_exit([redis_server, conf])
            got = run_exit(WRAPPER + [exe, conf])
            expect(want.returncode == 1 and got.returncode == 1,
                   f"{line!r}: exit {want.returncode} {got.returncode}")
            header = "*** FATAL CONFIG FILE ERROR ("
            expect(header in got.stderr, f"{line!r}: {got.stderr!r}")
            w = want.stderr.split("\n")[2:]
            g = got.stderr.split("\n")[2:]
            expect(w == g, f"{line!r}: redis {w!r}, rkv {g!r}")


def t_appendonly_refused(exe):
    with tempfile.TemporaryDirectory(prefix="rkv-config-") as tmp:
        expect_fatal(exe, tmp, "aof.conf",
                     f"port {free_port()}\nappendonly yes\n",
                     2, "appendonly yes",
                     re.escape("rkv does not support AOF persistence yet: "
                               "only the default 'appendonly no' is "
                               "accepted"))


def start(exe, tmp, lines, name="server"):
    port = free_port()
    conf = write(os.path.join(tmp, name + ".conf"),
                 f"port {port}\nbind 127.0.0.1\n" + "".join(
                     line + "\n" for line in lines))
    srv = Server(WRAPPER + [exe, conf], tmp, name)
    try:
        srv.wait_ready(port)
    except Exception:
        srv.stop(check_exit=False)
        raise
    return srv, port, conf


@contextlib.contextmanager
def serving(exe, lines):
    """A server started (start()) with `lines` in a new temporary
    directory: yields its port, then stops it, its exit status 0."""
    with tempfile.TemporaryDirectory(prefix="rkv-config-") as tmp:
        srv, port, _ = start(exe, tmp, lines)
        try:
            yield port
        finally:
            srv.stop()


def t_alias(exe):
    with tempfile.TemporaryDirectory(prefix="rkv-config-") as tmp:
        srv, port, _ = start(exe, tmp, ["slave-read-only yes",
                                        "slave-serve-stale-data no",
                                        "slave-lazy-flush yes"])
        try:
            expect(config_get(port, "slave-read-only") == "yes", "alias")
            expect(config_get(port, "replica-read-only") == "yes", "name")
            expect(config_get(port, "replica-serve-stale-data") == "no",
                   "alias sets the directive")
        finally:
            srv.stop()
        # Accepted but not implemented: one warning line in the log.
        expect("'replica-lazy-flush yes' is not supported by rkv yet"
               in srv.output(), "warning logged")


def t_set_get_rewrite(exe):
    with tempfile.TemporaryDirectory(prefix="rkv-config-") as tmp:
        srv, port, conf = start(exe, tmp, [
            "# Memory: keep this comment",
            "maxmemory 1gb",
            "# Idle clients",
            "timeout 0",
        ])
        try:
            c = Client(port)
            expect(c.call("CONFIG", "SET", "maxmemory", "100mb",
                          "timeout", "300") == "+OK", "multi SET")
            expect(c.call("CONFIG", "GET", "maxmemory") ==
                   ["maxmemory", "104857600"], "GET maxmemory")
            r = c.call("CONFIG", "SET", "timeout", "5", "maxmemory", "x")
            expect(r == "-ERR CONFIG SET failed (possibly related to "
                   "argument 'maxmemory') - argument must be a memory value",
                   f"bad SET: {r!r}")
            expect(c.call("CONFIG", "GET", "timeout") == ["timeout", "300"],
                   "failed SET changed nothing")
            expect(c.call("CONFIG", "SET", "hz", "50") == "+OK", "SET hz")
            expect(c.call("CONFIG", "SET", "loglevel", "verbose") == "+OK",
                   "SET loglevel")
            expect(c.call("CONFIG", "REWRITE") == "+OK", "REWRITE")
            c.close()
        finally:
            srv.stop()
        with open(conf) as f:
            text = f.read()
        for want in ["# Memory: keep this comment\nmaxmemory 100mb\n",
                     "# Idle clients\ntimeout 300\n",
                     "# Generated by CONFIG REWRITE\n", "\nhz 50\n",
                     "\nloglevel verbose\n"]:
            expect(want in text, f"{want!r} not in {text!r}")
        expect("1gb" not in text, "old value left")
        # The rewritten file starts a server with the new values.
        srv = Server(WRAPPER + [exe, conf], tmp, "again")
        try:
            srv.wait_ready(port)
            expect(config_get(port, "maxmemory") == "104857600", "reload")
            expect(config_get(port, "hz") == "50", "reload hz")
        finally:
            srv.stop()


def t_requirepass(exe):
    with serving(exe, ['requirepass "s3cret pass"']) as port:
        c = Client(port)
        expect(c.call("GET", "x") == "-NOAUTH Authentication required.",
               "NOAUTH")
        r = c.call("AUTH", "wrong")
        expect(r.startswith("-WRONGPASS"), f"wrong password: {r!r}")
        expect(c.call("AUTH", "s3cret pass") == "+OK", "AUTH")
        expect(c.call("GET", "x") is None, "GET after AUTH")
        c.close()


def t_maxclients(exe):
    with serving(exe, ["maxclients 2"]) as port:
        clients = []
        try:
            for _ in range(2):
                c = Client(port)
                expect(c.call("PING") == "+PONG", "PING")
                clients.append(c)
            third = Client(port)
            clients.append(third)
            expect(third.reply() == "-ERR max number of clients reached",
                   "third client refused")
            try:
                third.reply()
                raise AssertionError("third client not closed")
            except (EOFError, ConnectionResetError):
                pass
        finally:
            for c in clients:
                c.close()


def t_timeout(exe):
    with serving(exe, ["timeout 1", "hz 50"]) as port:
        c = Client(port)
        expect(c.call("PING") == "+PONG", "PING")
        start_t = time.monotonic()
        c.sock.settimeout(TIMEOUT)
        try:
            data = c.sock.recv(100)
        except ConnectionResetError:
            data = b""
        took = time.monotonic() - start_t
        expect(data == b"", f"idle client got {data!r}")
        expect(0.9 <= took < TIMEOUT, f"closed after {took:.2f} s")
        c.close()


def t_protected_mode(exe):
    with serving(exe, ["protected-mode yes"]) as port:
        # Loopback clients are allowed with no password (only they
        # can be tested here: DENIED is for non-loopback peers).
        c = Client(port)
        expect(c.call("PING") == "+PONG", "loopback PING")
        expect(c.call("CONFIG", "GET", "protected-mode") ==
               ["protected-mode", "yes"], "GET protected-mode")
        c.close()


def local_non_loopback_ipv4():
    """An IPv4 address of this machine that is not loopback, or None."""
    # A UDP connect() sends nothing: it only picks the source address of
    # the route to the target.
    for target in ("10.255.255.255", "192.0.2.1", "198.51.100.1"):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            try:
                s.connect((target, 9))
                ip = s.getsockname()[0]
            except OSError:
                continue
        if not ip.startswith("127.") and ip != "0.0.0.0":
            return ip
    return None


DENIED_PREFIX = ("-DENIED Redis is running in protected mode because "
                 "protected mode is enabled and no password is set for the "
                 "default user. In this mode connections are only accepted "
                 "from the loopback interface.")


def read_all(ip, port):
    s = socket.create_connection((ip, port), timeout=TIMEOUT)
    buf = b""
    try:
        while True:
            chunk = s.recv(65536)
            if not chunk:
                return buf.decode()
            buf += chunk
    finally:
        s.close()


def ping_until(ip, port, ok, what):
    """PING from a new connection to ip:port until ok(the reply bytes),
    for up to TIMEOUT (a CONFIG SET may take a moment to apply)."""
    deadline = time.monotonic() + TIMEOUT
    while True:
        s = socket.create_connection((ip, port), timeout=TIMEOUT)
        s.sendall(b"PING\r\n")
        data = s.recv(200)
        s.close()
        if ok(data):
            return
        expect(time.monotonic() < deadline, f"{what}: {data[:80]!r}")
        time.sleep(0.05)


def t_protected_mode_denied(exe):
    ip = local_non_loopback_ipv4()
    if ip is None:
        print("# no non-loopback IPv4 address here: the DENIED path is "
              "not exercised", flush=True)
        return
    with tempfile.TemporaryDirectory(prefix="rkv-config-") as tmp:
        port = free_port()
        conf = write(os.path.join(tmp, "pm.conf"),
                     f"port {port}\nbind 127.0.0.1 {ip}\nhz 50\n")
        srv = Server(WRAPPER + [exe, conf], tmp, "pm")
        try:
            srv.wait_ready(port)
            got = read_all(ip, port)
            expect(got.startswith(DENIED_PREFIX) and got.endswith(
                "in order for the server to start accepting connections "
                "from the outside.\r\n"), f"got {got[:200]!r}")
            expect(len(got) == 1067, f"DENIED is {len(got)} bytes")
            # With a password, non-loopback clients may connect (and AUTH).
            c = Client(port)
            expect(c.call("CONFIG", "SET", "requirepass", "pw") == "+OK",
                   "SET requirepass")
            ping_until(ip, port, lambda d: d.startswith(b"-NOAUTH"),
                       "still refused with a password")
            # protected-mode no: allowed without a password too.
            expect(c.call("CONFIG", "SET", "requirepass", "") == "+OK",
                   "clear requirepass")
            expect(c.call("CONFIG", "SET", "protected-mode", "no") == "+OK",
                   "SET protected-mode no")
            c.close()
            ping_until(ip, port, lambda d: d == b"+PONG\r\n",
                       "protected-mode no")
        finally:
            srv.stop()


def t_include_stdin_options(exe):
    with tempfile.TemporaryDirectory(prefix="rkv-config-") as tmp:
        port = free_port()
        inc = write(os.path.join(tmp, "inc.conf"), "maxmemory 2mb\n")
        conf = write(os.path.join(tmp, "main.conf"),
                     f"port {port}\nbind 127.0.0.1\ninclude {inc}\n")
        srv = Server(WRAPPER + [exe, conf, "--timeout", "7", "-"], tmp,
                     "inc",
                     stdin="hz 33\n")
        try:
            srv.wait_ready(port)
            expect(config_get(port, "maxmemory") == "2097152", "include")
            expect(config_get(port, "hz") == "33", "stdin")
            expect(config_get(port, "timeout") == "7", "option")
        finally:
            srv.stop()
        # An error in an included file: its own line number.
        bad = write(os.path.join(tmp, "bad.conf"), "\n\nhz x\n")
        conf = write(os.path.join(tmp, "main2.conf"),
                     f"port {free_port()}\ninclude {bad}\n")
        r = run_exit(WRAPPER + [exe, conf])
        pat = FATAL_RE.format(line=3, text="hz x",
                              msg="argument couldn't be parsed into an "
                              "integer")
        expect(r.returncode == 1 and re.search(pat, r.stderr),
               f"include error: {r.returncode} {r.stderr!r}")


def t_logfile_daemonize(exe):
    with tempfile.TemporaryDirectory(prefix="rkv-config-") as tmp:
        port = free_port()
        log = os.path.join(tmp, "rkv.log")
        pidfile = os.path.join(tmp, "rkv.pid")
        conf = write(os.path.join(tmp, "d.conf"),
                     f"port {port}\nbind 127.0.0.1\ndaemonize yes\n"
                     f"dir {tmp}\n"
                     f"logfile {log}\npidfile {pidfile}\n")
        pid = None
        try:
            # Output to a file, not a pipe: the daemon keeps no pipe open
            # (but a wrapper such as valgrind may keep its own).
            with open(os.path.join(tmp, "parent.out"), "wb") as out:
                r = subprocess.run(WRAPPER + [exe, conf],
                                   stdin=subprocess.DEVNULL, stdout=out,
                                   stderr=subprocess.STDOUT, timeout=TIMEOUT)
            expect(r.returncode == 0, f"parent exit {r.returncode}")
            deadline = time.monotonic() + TIMEOUT
            while pid is None:
                try:
                    with open(pidfile) as f:
                        pid = int(f.read())
                except (OSError, ValueError):
                    expect(time.monotonic() < deadline, "no pidfile")
                    time.sleep(0.05)
            deadline = time.monotonic() + TIMEOUT
            while True:
                try:
                    c = Client(port, timeout=1)
                    break
                except OSError:
                    expect(time.monotonic() < deadline, "not listening")
                    time.sleep(0.05)
            expect(c.call("PING") == "+PONG", "PING daemon")
            c.close()
        finally:
            if pid:
                os.kill(pid, signal.SIGTERM)
                deadline = time.monotonic() + TIMEOUT
                while os.path.exists(pidfile):
                    if time.monotonic() > deadline:
                        os.kill(pid, signal.SIGKILL)
                        raise AssertionError("daemon did not stop")
                    time.sleep(0.05)
        with open(log) as f:
            text = f.read()
        expect("Ready to accept connections" in text, "log file written")


def main():
    if len(sys.argv) not in (2, 3):
        print("usage: test_config.py rkv-server [redis-server]",
              file=sys.stderr)
        return 2
    exe = os.path.abspath(sys.argv[1])
    redis_server = sys.argv[2] if len(sys.argv) == 3 else \
        shutil.which("redis-server")
    check("stock redis.conf runs (PING, CONFIG GET port, same CONFIG GET * "
          "as redis-server)", lambda: t_stock(exe, redis_server))
    check("unknown directive: exit 1 with the fatal block",
          lambda: t_unknown_directive(exe))
    check("bad lines: the fatal block of redis-server",
          lambda: t_fatal_like_redis(exe, redis_server))
    check("appendonly yes refused", lambda: t_appendonly_refused(exe))
    check("slave-* aliases accepted", lambda: t_alias(exe))
    check("CONFIG SET/GET, CONFIG REWRITE keeps comments",
          lambda: t_set_get_rewrite(exe))
    check("requirepass: NOAUTH then AUTH", lambda: t_requirepass(exe))
    check("maxclients 2: third client refused", lambda: t_maxclients(exe))
    check("timeout 1 closes an idle client", lambda: t_timeout(exe))
    check("protected-mode yes allows loopback",
          lambda: t_protected_mode(exe))
    check("protected-mode yes: non-loopback clients get DENIED",
          lambda: t_protected_mode_denied(exe))
    check("include, stdin and options", lambda: t_include_stdin_options(exe))
    check("daemonize yes, pidfile, logfile", lambda: t_logfile_daemonize(exe))
    return summary()


if __name__ == "__main__":
    sys.exit(main())
