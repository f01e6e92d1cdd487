#!/usr/bin/env python3
"""Integration test of examples/rkv-server with real Redis tools.

Usage: test_server.py PATH/TO/rkv-server
       test_server.py /usr/bin/redis-server   (validates the checks)

Starts the server on a free loopback port, checks it with redis-cli,
redis-benchmark and raw sockets, then stops it with SIGTERM
and checks a clean exit. The server is always stopped by its PID, even when a
check fails. Setting RKV_SERVER_WRAPPER runs the server under a command that
keeps its PID (so SIGTERM reaches the server), e.g.
RKV_SERVER_WRAPPER="valgrind --leak-check=full --errors-for-leak-kinds=all
--error-exitcode=99": the exit-status check then also fails on any leak.

Prints one line per check and ends with "N passed, N failed"; exits non-zero
on any failure. Python standard library only.
"""
import os
import pty
import re
import select
import shutil
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from rkvtest import (IO_TIMEOUT, Server, check, check_exit_status,  # noqa: E402,E501
                     connect, expect, free_port, is_redis, recv_exact,
                     recv_until_eof, summary)


# ---- helpers -------------------------------------------------------------

def run_tool(args, timeout=IO_TIMEOUT):
    r = subprocess.run(args, stdin=subprocess.DEVNULL, capture_output=True,
                       text=True, timeout=timeout)
    return r


def cli(port, *args, extra=()):
    r = run_tool(["redis-cli", *extra, "-p", str(port), *args])
    expect(r.returncode == 0,
           f"redis-cli exited {r.returncode}: {r.stderr.strip()}")
    return r.stdout


# ---- checks --------------------------------------------------------------

def t_ping(port):
    out = cli(port, "PING")
    expect(out.strip() == "PONG", f"got {out!r}")


def t_echo(port):
    out = cli(port, "ECHO", "hello")
    expect(out.strip() == "hello", f"got {out!r}")


def t_hello3(port):
    # --no-raw: the formatted output a terminal shows, even into a pipe.
    out = cli(port, "HELLO", "3", extra=("-3", "--no-raw"))
    expect(re.search(r'"proto" => \(integer\) 3', out), f"got {out!r}")


def t_unknown(port):
    out = cli(port, "NOSUCHCMD", "a", "b", extra=("--no-raw",))
    expect(out.startswith("(error) ERR unknown command 'NOSUCHCMD'"),
           f"got {out!r}")


def t_benchmark(port):
    expect(shutil.which("redis-benchmark"),
           "redis-benchmark not found (tests/run.sh installs redis-tools)")
    r = run_tool(["redis-benchmark", "-p", str(port), "-t",
                  "ping,set,get,incr,mset", "-n", "2000", "-q"], timeout=60)
    expect(r.returncode == 0,
           f"redis-benchmark exited {r.returncode}: {r.stderr.strip()}")
    # -q still draws progress with carriage returns: keep the final lines.
    lines = [ln.split("\r")[-1] for ln in r.stdout.splitlines()]
    for test in ("PING_INLINE", "PING_MBULK", "SET", "GET", "INCR",
                 "MSET (10 keys)"):
        pat = re.escape(test) + r": ([0-9.]+) requests per second"
        m = next((re.match(pat, ln) for ln in lines if re.match(pat, ln)),
                 None)
        expect(m and float(m.group(1)) > 0,
               f"no {test} result in {r.stdout[-500:]!r}")
        print(f"     {m.group(0)}", flush=True)


def t_cli_stdin(port):
    # No command arguments and stdin not a terminal: redis-cli reads one
    # command per line and prints raw replies.
    script = ("DEL cli:k\nSET cli:k 41\nINCR cli:k\nGET cli:k\n"
              "NOSUCHCMD x\nECHO \"two words\"\nPING\n")
    r = subprocess.run(["redis-cli", "-p", str(port)], input=script,
                       capture_output=True, text=True, timeout=IO_TIMEOUT)
    expect(r.returncode == 0, f"exit {r.returncode}: {r.stderr.strip()}")
    want = ("0\nOK\n42\n42\n"
            "ERR unknown command 'NOSUCHCMD', with args beginning with: "
            "'x' \n\ntwo words\nPONG\n")
    expect(r.stdout == want, f"got {r.stdout!r}")


def t_cli_repeat(port):
    cli(port, "DEL", "cli:counter")
    out = cli(port, "-r", "5", "INCR", "cli:counter")
    expect(out.split() == ["1", "2", "3", "4", "5"], f"got {out!r}")
    out = cli(port, "GET", "cli:counter")
    expect(out.strip() == "5", f"GET after -r 5: {out!r}")


def t_cli_scan(port):
    want = {f"scan:user:{i}" for i in range(40)}
    others = [f"scan:other:{i}" for i in range(10)]
    args = []
    for k in sorted(want) + others:
        args += [k, "v"]
    cli(port, "MSET", *args)
    out = cli(port, "--scan", "--pattern", "scan:user:*")
    got = out.split()
    # SCAN may return a key twice (rehashing); the set must be exact.
    expect(set(got) == want,
           f"missing {sorted(want - set(got))[:5]}, "
           f"extra {sorted(set(got) - want)[:5]}")


def t_cli_stat(port):
    # --stat polls INFO once a second. Its stdout is a pty: into a pipe,
    # redis-cli's stdio buffering would hold the lines until exit.
    master, slave = pty.openpty()
    proc = subprocess.Popen(["redis-cli", "-p", str(port), "--stat",
                             "-i", "0.2"],
                            stdin=subprocess.DEVNULL, stdout=slave,
                            stderr=subprocess.STDOUT, close_fds=True)
    os.close(slave)
    buf = b""
    rows = []
    try:
        deadline = time.monotonic() + IO_TIMEOUT
        while len(rows) < 3:
            left = deadline - time.monotonic()
            expect(left > 0, f"fewer than 3 data rows; output {buf!r}")
            ready, _, _ = select.select([master], [], [], left)
            if not ready:
                continue
            try:
                chunk = os.read(master, 4096)
            except OSError:  # EIO: the child closed the pty
                chunk = b""
            expect(chunk, f"redis-cli exited early: {buf!r}")
            buf += chunk
            text = buf.decode("utf-8", "replace")
            expect("ERR" not in text and "rror" not in text,
                   f"error from --stat: {text!r}")
            # keys mem clients blocked requests (+delta) connections
            rows = re.findall(r"^(\d+)\s+([\d.]+[BKMG]?)\s+(\d+)\s+"
                              r"(\d+)\s+(\d+) \(\+(\d+)\)\s+(\d+)",
                              text, re.M)
        text = buf.decode("utf-8", "replace")
        expect("keys" in text and "clients" in text and "requests" in text,
               f"no header: {text!r}")
        expect(all(int(r[2]) >= 1 for r in rows),
               f"connected clients < 1 in {rows}")
        # requests grow: --stat's own INFO calls are requests too.
        expect(int(rows[-1][4]) > int(rows[0][4]),
               f"total requests did not grow: {rows}")
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        os.close(master)


def t_pipeline(port):
    n = 10000
    with connect(port) as s:
        s.sendall(b"PING\r\n" * n)
        got = recv_exact(s, n * len(b"+PONG\r\n"))
        expect(got == b"+PONG\r\n" * n,
               f"{got.count(b'+PONG')} PONGs in {len(got)} bytes")
        # Nothing else was queued: the next bytes are this reply.
        s.sendall(b"ECHO done\r\n")
        got = recv_exact(s, len(b"$4\r\ndone\r\n"))
        expect(got == b"$4\r\ndone\r\n", f"after the PONGs: {got!r}")


def t_protocol_error(port):
    with connect(port) as bad, connect(port) as good:
        good.sendall(b"PING\r\n")
        expect(recv_exact(good, 7) == b"+PONG\r\n", "no PONG before")
        bad.sendall(b"*1\r\n$-5\r\n")
        got = recv_until_eof(bad)
        expect(got == b"-ERR Protocol error: invalid bulk length\r\n",
               f"bad client got {got!r}")
        good.sendall(b"PING\r\n")
        got = recv_exact(good, 7)
        expect(got == b"+PONG\r\n", f"other client got {got!r}")


def t_quit(port):
    with connect(port) as s:
        s.sendall(b"QUIT\r\n")
        got = recv_until_eof(s)
        expect(got == b"+OK\r\n", f"got {got!r}")


def t_slow_reader(port):
    # Replies far larger than the socket buffers, to a client with a small
    # receive buffer that reads only after sending: the server must wait for
    # EPOLLOUT, and close after QUIT only once all of it has been sent.
    payload = b"x" * (1 << 20)
    req = b"*2\r\n$4\r\nECHO\r\n$%d\r\n%s\r\n" % (len(payload), payload)
    n = 8
    want = (b"$%d\r\n%s\r\n" % (len(payload), payload)) * n + b"+OK\r\n"
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        s.settimeout(IO_TIMEOUT)
        s.connect(("127.0.0.1", port))
        s.sendall(req * n + b"QUIT\r\n")
        got = recv_until_eof(s)
        expect(got == want, f"got {len(got)} of {len(want)} bytes")


def t_concurrent(port):
    n = 200
    socks = []
    try:
        for _ in range(n):
            socks.append(connect(port))
        for s in socks:
            s.sendall(b"PING\r\n")
        for i, s in enumerate(socks):
            got = recv_exact(s, 7)
            expect(got == b"+PONG\r\n", f"client {i} got {got!r}")
    finally:
        for s in socks:
            s.close()


def t_bad_options(exe, port):
    # --port first, so a server that wrongly started would not take 6379;
    # subprocess.run kills it (by PID) on timeout.
    cases = [
        (["--no-such-option", "1"], "--no-such-option"),
        (["--port", "abc"], "--port"),
        (["--loglevel", "loud"], "--loglevel"),
        (["--hz"], "--hz"),
    ]
    for args, name in cases:
        r = run_tool([exe, "--port", str(port), "--bind", "127.0.0.1",
                      *args], timeout=5)
        expect(r.returncode == 1, f"{args}: exit {r.returncode}")
        # redis-server quotes the directive without its dashes.
        if is_redis(exe):
            name = name[2:]
        expect(name in r.stderr, f"{args}: stderr {r.stderr!r}")
    r = run_tool([exe, "--help"], timeout=5)
    if is_redis(exe):
        # redis-server's usage() prints to stderr and exits 1.
        expect(r.returncode == 1 and "Usage:" in r.stderr, "--help")
    else:
        expect(r.returncode == 0 and "Usage:" in r.stdout, "--help")


def main():
    if len(sys.argv) != 2:
        print("usage: test_server.py PATH/TO/rkv-server", file=sys.stderr)
        return 2
    exe = os.path.abspath(sys.argv[1])
    if not shutil.which("redis-cli"):
        print("redis-cli not found", file=sys.stderr)
        return 2

    check("bad options exit 1 naming the option",
          lambda: t_bad_options(exe, free_port()))

    with tempfile.TemporaryDirectory(prefix="rkv-server-test-") as tmp:
        port = free_port()
        server = Server(exe, port, tmp)
        status = None
        try:
            print(f"# server pid {server.proc.pid}, port {port}", flush=True)
            ready = [False]

            def t_ready():
                server.wait_ready()
                ready[0] = True

            check("server accepts connections", t_ready)
            if ready[0]:
                check("redis-cli PING", lambda: t_ping(port))
                check("redis-cli ECHO hello", lambda: t_echo(port))
                check("redis-cli -3 HELLO 3 shows proto 3",
                      lambda: t_hello3(port))
                check("unknown command error", lambda: t_unknown(port))
                check("redis-benchmark -t ping,set,get,incr,mset -n 2000",
                      lambda: t_benchmark(port))
                check("redis-cli commands from stdin",
                      lambda: t_cli_stdin(port))
                check("redis-cli -r 5 INCR", lambda: t_cli_repeat(port))
                check("redis-cli --scan --pattern", lambda: t_cli_scan(port))
                check("redis-cli --stat rows", lambda: t_cli_stat(port))
                check("10000 pipelined PINGs", lambda: t_pipeline(port))
                check("protocol error closes only that client",
                      lambda: t_protocol_error(port))
                check("QUIT replies +OK then closes", lambda: t_quit(port))
                check("8 MB of replies to a slow reader, then QUIT",
                      lambda: t_slow_reader(port))
                check("200 concurrent connections",
                      lambda: t_concurrent(port))
        finally:
            status = server.stop()

        def t_log():
            log = server.logtext()
            for want in ("Ready to accept connections",
                         "Received SIGTERM scheduling shutdown",
                         "bye bye"):
                expect(want in log, f"{want!r} not in log:\n{log}")

        check_exit_status(server, status)
        check("log has startup and shutdown lines", t_log)

    return summary()


if __name__ == "__main__":
    sys.exit(main())
