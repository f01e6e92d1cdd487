"""Shared pieces of the Python benchmarks (bench/server_vs_redis,
bench/snapshot, bench/replication): a minimal RESP client, a server process
wrapper, the key loader and redis-benchmark helpers. Standard library only,
for /usr/bin/python3. The scripts import it from their own directory:

    sys.path.insert(0, os.path.dirname(os.path.realpath(__file__)))
    import benchlib
"""

import os
import signal
import socket
import subprocess
import sys
import threading
import time

PAGE = os.sysconf("SC_PAGE_SIZE")
CLK_TCK = os.sysconf("SC_CLK_TCK")


class BenchError(Exception):
    pass


def free_port(avoid=()):
    """A free TCP port on 127.0.0.1 (not one of `avoid`)."""
    while True:
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        finally:
            s.close()
        if port not in avoid:
            return port


def now_ns():
    return time.perf_counter_ns()


def loadavg():
    """The three load averages of /proc/loadavg, as one string ("?" when
    unreadable)."""
    try:
        with open("/proc/loadavg") as fp:
            return " ".join(fp.read().split()[:3])
    except OSError:
        return "?"


def machine_busy_ticks():
    """Busy clock ticks of all CPUs (everything but idle and iowait)."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    return sum(v[:8]) - v[3] - v[4]


def exit_on_signals():
    """SIGTERM/SIGHUP exit through sys.exit, so the callers' finally blocks
    stop their servers."""
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, lambda signo, frame: sys.exit(128 + signo))


def server_version(binary):
    """The first line `binary --version` prints."""
    return subprocess.run([binary, "--version"],
                          stdout=subprocess.PIPE).stdout.decode().strip()


# ---------------------------------------------------------------- RESP --

def encode(*args):
    out = [b"*%d\r\n" % len(args)]
    for a in args:
        if isinstance(a, str):
            a = a.encode()
        out.append(b"$%d\r\n%s\r\n" % (len(a), a))
    return b"".join(out)


class Conn:
    """A minimal blocking RESP client (no dependency on redis-py)."""

    def __init__(self, port, timeout=30.0):
        self.sock = socket.create_connection(("127.0.0.1", port),
                                             timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = b""

    def close(self):
        self.sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _fill(self):
        data = self.sock.recv(65536)
        if not data:
            raise BenchError("server closed the connection")
        self.buf += data

    def _line(self):
        while True:
            i = self.buf.find(b"\r\n")
            if i >= 0:
                line, self.buf = self.buf[:i], self.buf[i + 2:]
                return line
            self._fill()

    def _reply(self):
        line = self._line()
        t, rest = line[:1], line[1:]
        if t == b"+":
            return rest
        if t == b"-":
            return BenchError(rest.decode(errors="replace"))
        if t == b":":
            return int(rest)
        if t == b"$":
            n = int(rest)
            if n < 0:
                return None
            while len(self.buf) < n + 2:
                self._fill()
            data, self.buf = self.buf[:n], self.buf[n + 2:]
            return data
        if t == b"*":
            n = int(rest)
            return None if n < 0 else [self._reply() for _ in range(n)]
        raise BenchError("bad reply line %r" % line)

    def call(self, *args):
        self.sock.sendall(encode(*args))
        r = self._reply()
        if isinstance(r, BenchError):
            raise r
        return r

    def info(self, section):
        """INFO <section> as a dict of its `name:value` lines."""
        text = self.call("INFO", section).decode(errors="replace")
        out = {}
        for line in text.splitlines():
            if ":" in line and not line.startswith("#"):
                k, v = line.split(":", 1)
                out[k] = v.strip()
        return out


# ------------------------------------------------------------- servers --

class Server:
    """A server process started from `argv` in `workdir`, ready once it
    answers PING on `port`; stopped by PID (SIGTERM, then SIGKILL after
    `stop_timeout` seconds).

    By default the server owns `workdir`: its stdout and stderr go to
    workdir/stdout.log, and log_tail() shows every *log file there (so an
    rkv-server --logfile inside it too); a start failure message carries
    that tail. With `log_path` (several servers sharing one directory) the
    output goes there and a start failure names the file instead. The
    process runs in `workdir` unless `chdir` is false (then a relative
    path in argv[0] still works)."""

    def __init__(self, name, argv, port, workdir, log_path=None,
                 stop_timeout=20, chdir=True):
        self.name = name
        self.port = port
        self.dir = workdir
        self.own_dir = log_path is None
        self.log_path = log_path or os.path.join(workdir, "stdout.log")
        self.stop_timeout = stop_timeout
        self.log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(argv, stdout=self.log,
                                     stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL,
                                     cwd=workdir if chdir else None)
        self.pid = self.proc.pid
        try:
            self._wait_ready()
        except BaseException:
            self.stop()
            raise

    def _where(self):
        if self.own_dir:
            return "\n" + self.log_tail()
        return "; log: %s" % self.log_path

    def _wait_ready(self):
        deadline = time.monotonic() + 10
        while True:
            if self.proc.poll() is not None:
                raise BenchError("%s exited at start (status %s)%s"
                                 % (self.name, self.proc.returncode,
                                    self._where()))
            try:
                c = Conn(self.port, timeout=2)
                try:
                    if c.call("PING") == b"PONG":
                        return
                finally:
                    c.close()
            except (OSError, BenchError):
                pass
            if time.monotonic() > deadline:
                raise BenchError("%s did not answer PING on port %d within "
                                 "10 s%s" % (self.name, self.port,
                                             self._where()))
            time.sleep(0.05)

    def alive(self):
        return self.proc.poll() is None

    def rss_bytes(self):
        with open("/proc/%d/statm" % self.pid) as f:
            return int(f.read().split()[1]) * PAGE

    def cpu_ticks(self):
        """(utime, stime) in clock ticks."""
        with open("/proc/%d/stat" % self.pid) as f:
            stat = f.read()
        # Fields after the parenthesised command name; utime and stime are
        # fields 14 and 15 (1-based), i.e. 11 and 12 after ")".
        fields = stat[stat.rindex(")") + 2:].split()
        return int(fields[11]), int(fields[12])

    def preemptions(self):
        """Involuntary context switches of the server's main thread."""
        with open("/proc/%d/status" % self.pid) as fp:
            for line in fp:
                if line.startswith("nonvoluntary_ctxt_switches:"):
                    return int(line.split(":", 1)[1])
        return 0

    def log_files(self):
        if not self.own_dir:
            return [self.log_path]
        return [os.path.join(self.dir, fn)
                for fn in sorted(os.listdir(self.dir)) if fn.endswith("log")]

    def log_text(self):
        """Everything the server logged so far."""
        out = []
        for path in self.log_files():
            try:
                with open(path, "rb") as f:
                    out.append(f.read().decode(errors="replace"))
            except OSError:
                pass
        return "\n".join(out)

    def log_tail(self, n=15):
        lines = []
        for path in self.log_files():
            with open(path, "rb") as f:
                for line in f.read().decode(errors="replace") \
                        .splitlines()[-n:]:
                    lines.append("  %s/%s: %s" % (self.name,
                                                  os.path.basename(path),
                                                  line))
        return "\n".join(lines)

    def stop(self):
        if self.proc.poll() is None:
            os.kill(self.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=self.stop_timeout)
            except subprocess.TimeoutExpired:
                os.kill(self.pid, signal.SIGKILL)
                self.proc.wait()
        self.log.close()


# ---------------------------------------------------------------- data --

def set_request(i):
    """`SET key:%012d val:%012d` (16-byte key and value: the key names
    redis-benchmark -r writes)."""
    return (b"*3\r\n$3\r\nSET\r\n$16\r\nkey:%012d\r\n$16\r\nval:%012d\r\n"
            % (i, i))


def pipeline_sets(server, conn, nkeys, prebuild=False, batch=10000):
    """Sends SET key:%012d val:%012d for 0..nkeys-1 through `conn` (one
    pipelined socket: a thread sends, this one counts the +OK replies),
    then checks DBSIZE == nkeys. With `prebuild` the requests are built
    before the clock starts, otherwise while sending. Returns the seconds
    taken."""
    def chunk(start):
        return b"".join(set_request(i)
                        for i in range(start, min(start + batch, nkeys)))

    chunks = ([chunk(s) for s in range(0, nkeys, batch)] if prebuild
              else None)
    err = []

    def send():
        try:
            if chunks is not None:
                for ch in chunks:
                    conn.sock.sendall(ch)
            else:
                for start in range(0, nkeys, batch):
                    conn.sock.sendall(chunk(start))
        except OSError as e:
            err.append(e)

    expect = len(b"+OK\r\n") * nkeys
    t0 = time.monotonic()
    th = threading.Thread(target=send, daemon=True)
    th.start()
    got = len(conn.buf)
    bad = conn.buf.count(b"-")
    conn.buf = b""
    while got < expect:
        data = conn.sock.recv(1 << 20)
        if not data:
            raise BenchError("%s closed the connection during the load"
                             % server.name)
        got += len(data)
        bad += data.count(b"-")
    th.join()
    secs = time.monotonic() - t0
    if err:
        raise BenchError("sending to %s: %s" % (server.name, err[0]))
    if got != expect or bad:
        raise BenchError("%s: unexpected replies to the load (%d bytes, "
                         "%d errors)" % (server.name, got, bad))
    n = conn.call("DBSIZE")
    if n != nkeys:
        raise BenchError("%s: DBSIZE is %s after loading %d keys"
                         % (server.name, n, nkeys))
    return secs


def load_keys(server, nkeys):
    """FLUSHALL, then SET key:%012d val:%012d for 0..nkeys-1 through one
    pipelined socket (the key names redis-benchmark -r nkeys writes, so its
    SETs overwrite these keys). Returns the seconds taken."""
    conn = Conn(server.port, timeout=120)
    try:
        conn.call("FLUSHALL")
        return pipeline_sets(server, conn, nkeys)
    finally:
        conn.close()


# ----------------------------------------------------- redis-benchmark --

def csv_rps(text, test):
    """Requests per second of `test` (e.g. "set") in redis-benchmark's --csv
    output, or None."""
    rps = None
    for line in text.splitlines():
        cols = [c.strip('"') for c in line.split(",")]
        if len(cols) >= 2 and cols[0].upper() == test.upper():
            try:
                rps = float(cols[1])
            except ValueError:
                continue
    return rps
