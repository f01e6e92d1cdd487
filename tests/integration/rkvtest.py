"""Helpers shared by the integration scripts in this directory.

Checks that count and report ("ok   name" / "FAIL name: ..." and a final
"N passed, N failed"), a free loopback port, server processes always stopped
by their PID, and RESP over raw sockets. Python standard library only.

The scripts run as `python3 tests/integration/x.py` from any directory; each
puts its own directory first on sys.path before `import rkvtest`.
"""
import os
import re
import shlex
import signal
import socket
import subprocess
import tempfile
import time

READY_TIMEOUT = 10.0  # seconds for the server to accept connections
IO_TIMEOUT = 10.0  # seconds for any single exchange
EXIT_TIMEOUT = 10.0  # seconds for the server to exit after SIGTERM
# RKV_SERVER_WRAPPER: a command the server runs under, keeping its PID (so
# SIGTERM reaches the server), e.g. valgrind.
WRAPPER = shlex.split(os.environ.get("RKV_SERVER_WRAPPER", ""))

passed = 0
failed = 0


# ---- checks ----------------------------------------------------------------

def check(name, fn):
    """Runs fn(); any exception is a failed check, a return of "skip" a
    skipped one. Prints one line either way."""
    global passed, failed
    try:
        result = fn()
    except Exception as e:  # noqa: BLE001 - report any failure as a check
        failed += 1
        print(f"FAIL {name}: {type(e).__name__}: {e}", flush=True)
        return
    if result == "skip":
        print(f"skip {name}", flush=True)
        return
    passed += 1
    print(f"ok   {name}", flush=True)


def summary():
    """Prints "N passed, N failed"; returns the script's exit status."""
    print(f"{passed} passed, {failed} failed", flush=True)
    return 1 if failed else 0


def expect(cond, msg):
    if not cond:
        raise AssertionError(msg)


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ---- processes -------------------------------------------------------------

def stop_pid(proc, timeout=EXIT_TIMEOUT):
    """SIGTERM by PID, wait up to timeout; SIGKILL if it does not exit.
    Returns the exit status (negative: killed by that signal)."""
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
    return proc.returncode


def read_text(path):
    with open(path, "rb") as f:
        return f.read().decode("utf-8", "replace")


def read_log(path):
    """A process's log file, "" while it does not exist yet."""
    return read_text(path) if os.path.exists(path) else ""


def sentinel_events(text):
    """The '<marker> <message>' parts of a sentinel's log lines
    ("pid:X dd Mon yyyy hh:mm:ss.mmm # +sdown ..."), in order."""
    out = []
    for line in text.splitlines():
        m = re.match(r"^\d+:X \d\d \w{3} \d{4} [\d:.]+ ([.*#-]) (.*)$", line)
        if m:
            out.append(m.group(1) + " " + m.group(2))
    return out


def is_redis(exe):
    """True when the binary under test is a real redis-server (to validate
    the tests themselves against the reference implementation)."""
    return os.path.basename(exe).startswith("redis-server")


def server_argv(exe, port, workdir):
    """The command line starting `exe` on `port`, with persistence off and
    its working directory in `workdir`, so that neither a real redis-server
    nor rkv-server ever loads or writes an RDB (or AOF) file elsewhere."""
    argv = [exe, "--port", str(port), "--bind", "127.0.0.1",
            "--save", "", "--dir", workdir]
    if is_redis(exe):
        argv += ["--appendonly", "no"]
    return argv


def wait_listening(proc, port, what, log=lambda: ""):
    """Polls until proc accepts connections on 127.0.0.1:port; raises
    AssertionError (with the tail of log()) if it exits first or does not
    within READY_TIMEOUT."""
    deadline = time.monotonic() + READY_TIMEOUT
    while True:
        rc = proc.poll()
        if rc is not None:
            raise AssertionError(
                f"{what} exited with status {rc} before accepting "
                f"connections; log:\n{log()[-3000:]}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1.0).close()
            return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise AssertionError(
                f"{what} not accepting connections on port {port} after "
                f"{READY_TIMEOUT:.0f} s; log:\n{log()[-3000:]}")
        time.sleep(0.02)  # poll interval, not synchronisation


def write_conf(tmp, name, port, lines):
    """Writes tmp/<name>.conf for a process on 127.0.0.1:port with its own
    directory tmp/<name> and log file tmp/<name>.log, then `lines`;
    returns (config path, log path)."""
    conf = os.path.join(tmp, name + ".conf")
    logpath = os.path.join(tmp, name + ".log")
    d = os.path.join(tmp, name)
    os.mkdir(d)
    with open(conf, "w") as f:
        f.write(f"port {port}\nbind 127.0.0.1\ndir {d}\nlogfile {logpath}\n")
        for line in lines:
            f.write(line + "\n")
    return conf, logpath


class Server:
    """`exe` serving on 127.0.0.1:port, under WRAPPER, its output in
    logdir/rkv-server.log; stopped by PID."""

    def __init__(self, exe, port, logdir):
        self.port = port
        self.logpath = os.path.join(logdir, "rkv-server.log")
        self.log = open(self.logpath, "wb")
        # stdout/stderr go to a file, never a pipe nobody reads.
        self.proc = subprocess.Popen(
            WRAPPER + server_argv(exe, port, logdir),
            stdin=subprocess.DEVNULL, stdout=self.log,
            stderr=subprocess.STDOUT)

    def logtext(self):
        return read_text(self.logpath)

    def wait_ready(self):
        wait_listening(self.proc, self.port, "server", self.logtext)

    def stop(self):
        """Stops the server by PID (stop_pid); returns its exit status."""
        status = stop_pid(self.proc)
        self.log.close()
        return status


def check_exit_status(server, status):
    """The check that a server stopped by SIGTERM exited with status 0."""
    check("SIGTERM: exit status 0", lambda: expect(
        status == 0, f"exit status {status}; log tail:\n" +
        "\n".join(server.logtext().splitlines()[-20:])))


def run_checks(server, checks, note_slow=False):
    """check() every (name, fn) in turn, stopping when the server died;
    with note_slow, a check taking over 5 s is followed by its time."""
    for name, fn in checks:
        t0 = time.monotonic()
        check(name, fn)
        if server.proc.poll() is not None:
            check("server still running", lambda: expect(
                False, f"exited with {server.proc.returncode}"))
            break
        dt = time.monotonic() - t0
        if note_slow and dt > 5:
            print(f"     ({dt:.1f} s)", flush=True)


def with_server(exe, prefix, body):
    """Runs `exe` on a free port in a new temporary directory (prefix),
    calls body(server, port) once it accepts connections (an exception
    there is a failed "setup" check), stops the server by PID and checks it
    exited 0. Returns summary()."""
    with tempfile.TemporaryDirectory(prefix=prefix) as tmp:
        port = free_port()
        server = Server(exe, port, tmp)
        try:
            print(f"# server pid {server.proc.pid}, port {port}", flush=True)
            server.wait_ready()
            body(server, port)
        except Exception as e:  # noqa: BLE001
            msg = f"{type(e).__name__}: {e}"
            check("setup", lambda: expect(False, msg))
        finally:
            status = server.stop()
        check_exit_status(server, status)
    return summary()


# ---- RESP over raw sockets -------------------------------------------------

def cmd(*args):
    """One command in RESP multibulk form (str arguments UTF-8 encoded)."""
    out = [b"*%d\r\n" % len(args)]
    for a in args:
        a = a.encode() if isinstance(a, str) else a
        out.append(b"$%d\r\n%s\r\n" % (len(a), a))
    return b"".join(out)


def connect(port):
    s = socket.create_connection(("127.0.0.1", port), timeout=IO_TIMEOUT)
    s.settimeout(IO_TIMEOUT)
    return s


def recv_exact(s, n):
    """Exactly n bytes (fails on EOF or after IO_TIMEOUT)."""
    deadline = time.monotonic() + IO_TIMEOUT
    buf = bytearray()
    while len(buf) < n:
        left = deadline - time.monotonic()
        expect(left > 0, f"timed out with {len(buf)} of {n} bytes")
        s.settimeout(left)
        chunk = s.recv(min(n - len(buf), 1 << 16))
        expect(chunk, f"EOF after {len(buf)} of {n} bytes: {bytes(buf)[:80]!r}")
        buf += chunk
    return bytes(buf)


def recv_until_eof(s):
    """Everything until the server closes (fails after IO_TIMEOUT)."""
    deadline = time.monotonic() + IO_TIMEOUT
    buf = bytearray()
    while True:
        left = deadline - time.monotonic()
        expect(left > 0, f"no EOF within {IO_TIMEOUT:.0f} s; got "
               f"{bytes(buf)[:80]!r}")
        s.settimeout(left)
        chunk = s.recv(1 << 16)
        if not chunk:
            return bytes(buf)
        buf += chunk


class RespReader:
    """Buffered reading of a RESP stream from a socket (whose timeout
    bounds each read): lines and bulk payloads. EOFError at EOF."""

    def __init__(self, sock):
        self.sock = sock
        self.buf = b""

    def _fill(self):
        chunk = self.sock.recv(65536)
        if not chunk:
            raise EOFError(f"connection closed; buffered {self.buf!r}")
        self.buf += chunk

    def _line(self):
        """The next line, without its CRLF."""
        while b"\r\n" not in self.buf:
            self._fill()
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line

    def _exact(self, n):
        """The next n bytes, then a CRLF that is dropped."""
        while len(self.buf) < n + 2:
            self._fill()
        data, self.buf = self.buf[:n], self.buf[n + 2:]
        return data


class Replies(RespReader):
    """RESP2 replies, parsed: status and error lines as str with their
    first byte ("+OK", "-ERR ..."), integers as int, bulk strings as bytes
    (None for a null), arrays as lists."""

    def reply(self):
        ln = self._line()
        t, rest = ln[:1], ln[1:]
        if t in (b"+", b"-"):
            return ln.decode()
        if t == b":":
            return int(rest)
        if t == b"$":
            n = int(rest)
            return None if n < 0 else self._exact(n)
        if t == b"*":
            n = int(rest)
            return None if n < 0 else [self.reply() for _ in range(n)]
        raise AssertionError(f"bad reply {ln!r}")


# ---- one command per connection, replies as text ---------------------------

def parse_text(f):
    """One RESP2 reply from a binary file object: status and error lines
    as str without their first byte, integers as int, bulk strings
    decoded (None for nulls), arrays as lists."""
    line = f.readline()
    t, rest = line[:1], line[1:-2]
    if t in (b"+", b"-"):
        return rest.decode()
    if t == b":":
        return int(rest)
    if t == b"$":
        n = int(rest)
        if n < 0:
            return None
        return f.read(n + 2)[:-2].decode()
    if t == b"*":
        n = int(rest)
        return None if n < 0 else [parse_text(f) for _ in range(n)]
    raise AssertionError(f"bad reply {line!r}")


def call(port, *args):
    """Runs one command on a new connection; its reply by parse_text()."""
    with connect(port) as s:
        s.sendall(cmd(*args))
        return parse_text(s.makefile("rb"))


def info(port, section):
    """INFO <section> as a dict of its field:value lines."""
    out = {}
    for line in call(port, "INFO", section).splitlines():
        if ":" in line:
            k, v = line.split(":", 1)
            out[k] = v
    return out
