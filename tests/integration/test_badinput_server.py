#!/usr/bin/env python3
"""Bad input against a running server: a catalog of hostile clients.

Usage: test_badinput_server.py PATH/TO/rkv-server
       test_badinput_server.py /usr/bin/redis-server   (validates the checks)

Every case asserts the exact reply Redis 7.0 gives (an error reply, a clean
disconnect, or a correct answer), and after it that the server still serves a
bystander: a "witness" connection, opened at the start, still reads its key
back and gets PONG. The server is started on a free loopback port and always
stopped by its PID (helpers from rkvtest.py). Python standard library
only. Prints one line per case and ends with "N passed, N failed".
"""
import os
import resource
import select
import socket
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import rkvtest as ts  # noqa: E402
from rkvtest import (IO_TIMEOUT, cmd, connect, expect, recv_exact,  # noqa: E402,E501
                     recv_until_eof)

NCONN = 5000  # simultaneous connections in the "many clients" case
WITNESS_KEY = b"witness:key"
WITNESS_VAL = b"witness value \x00\xff\r\n"


def bulk(v):
    return b"$%d\r\n%s\r\n" % (len(v), v)


def silent_for(s, seconds):
    """Asserts nothing arrives on s (no reply, no EOF) for `seconds`."""
    r, _, _ = select.select([s], [], [], seconds)
    if r:
        try:
            data = s.recv(200, socket.MSG_PEEK)
        except OSError as e:
            raise AssertionError(f"connection failed while idle: {e}")
        raise AssertionError(f"unexpected data or EOF while idle: {data!r}")


def recv_eof_or_reset(s):
    """Everything until EOF; a connection reset also counts as the end."""
    buf = bytearray()
    deadline = time.monotonic() + IO_TIMEOUT
    while True:
        left = deadline - time.monotonic()
        expect(left > 0, f"not closed within {IO_TIMEOUT:.0f} s "
               f"({len(buf)} bytes read)")
        s.settimeout(left)
        try:
            chunk = s.recv(1 << 20)
        except ConnectionResetError:
            return bytes(buf)
        if not chunk:
            return bytes(buf)
        buf += chunk


def recv_line(s):
    """One reply line, CRLF included (for simple replies and errors)."""
    line = b""
    while not line.endswith(b"\r\n"):
        line += recv_exact(s, 1)
    return line


def read_bulk(s):
    """One bulk string reply (fails on anything else)."""
    head = b""
    while not head.endswith(b"\r\n"):
        head += recv_exact(s, 1)
    expect(head.startswith(b"$") and head[1:-2].isdigit(),
           f"not a bulk reply: {head!r}")
    return recv_exact(s, int(head[1:-2]) + 2)[:-2]


def rst_close(s):
    """Close with a TCP RST (SO_LINGER 0): pending data is thrown away."""
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    s.close()


class Case:
    def __init__(self, port, witness, redis, server):
        self.port = port
        self.server = server  # ts.Server: its log
        self.redis = redis  # the reference redis-server is under test
        self.witness = witness

    def log_has(self, text):
        """The server log gets a line containing text (polled)."""
        deadline = time.monotonic() + IO_TIMEOUT
        while text not in self.server.logtext():
            expect(time.monotonic() < deadline,
                   f"{text!r} not in the server log")
            time.sleep(0.02)

    def intact(self):
        """The bystander's data and service are intact."""
        w = self.witness
        w.sendall(cmd("GET", WITNESS_KEY) + b"PING\r\n")
        want = bulk(WITNESS_VAL) + b"+PONG\r\n"
        got = recv_exact(w, len(want))
        expect(got == want, f"witness got {got!r}")
        # A brand-new client is served too.
        with connect(self.port) as s:
            s.sendall(b"PING\r\n")
            got = recv_exact(s, 7)
            expect(got == b"+PONG\r\n", f"new client got {got!r}")

    def closes(self, data, want):
        """data gets exactly `want` and then the server closes."""
        with connect(self.port) as s:
            s.sendall(data)
            got = recv_until_eof(s)
            expect(got == want, f"sent {data[:60]!r}: got {got[:200]!r}, "
                   f"want {want!r} then close")

    def answers(self, data, want):
        """data gets exactly `want`, and the connection still works."""
        with connect(self.port) as s:
            s.sendall(data)
            got = recv_exact(s, len(want))
            expect(got == want, f"sent {data[:60]!r}: got {got[:200]!r}, "
                   f"want {want[:200]!r}")
            s.sendall(b"PING\r\n")
            got = recv_exact(s, 7)
            expect(got == b"+PONG\r\n", f"PING afterwards got {got!r}")


def unknown_error(name, args):
    """Redis 7.0's unknown-command text (processCommand): the arguments are
    quoted while the list is shorter than 128 bytes, each cut to fit."""
    shown = b""
    for a in args:
        if len(shown) >= 128:
            break
        shown += b"'" + a[:128 - len(shown)] + b"' "
    return (b"-ERR unknown command '" + name[:128] +
            b"', with args beginning with: " + shown + b"\r\n")


# ---- the catalog ---------------------------------------------------------

def t_arity(c):
    c.answers(b"GET\r\n",
              b"-ERR wrong number of arguments for 'get' command\r\n")
    c.answers(cmd("SET", "k"),
              b"-ERR wrong number of arguments for 'set' command\r\n")
    c.answers(cmd("ECHO", "a", "b"),
              b"-ERR wrong number of arguments for 'echo' command\r\n")


def t_unknown(c):
    c.answers(b"FOO a b\r\n", unknown_error(b"FOO", [b"a", b"b"]))
    c.answers(cmd("foo"), unknown_error(b"foo", []))
    long_args = [b"a" * 200, b"b", b"c"]
    c.answers(cmd("FOO", *long_args), unknown_error(b"FOO", long_args))
    many = [b"a"] * 100
    c.answers(cmd("FOO", *many), unknown_error(b"FOO", many))
    c.answers(cmd("F" * 200, "x"), unknown_error(b"F" * 200, [b"x"]))


def t_bad_multibulk_len(c):
    e = b"-ERR Protocol error: invalid multibulk length\r\n"
    for data in (b"*2147483648\r\n", b"*abc\r\n", b"* 1\r\n", b"*+1\r\n",
                 b"*99999999999999999999\r\n"):
        c.closes(data, e)


def t_huge_multibulk(c):
    # 1048577 arguments: more than 1M is legal (the limit is INT_MAX). The
    # server must keep serving others while the request is incomplete.
    n = 1048576
    with connect(c.port) as s:
        s.sendall(cmd("SET", "w", "1"))
        expect(recv_exact(s, 5) == b"+OK\r\n", "SET w")
        s.sendall(b"*%d\r\n$6\r\nEXISTS\r\n" % (n + 1))
        s.sendall(b"$1\r\nw\r\n" * (n // 2))
        c.intact()
        s.sendall(b"$1\r\nw\r\n" * (n - n // 2))
        want = b":%d\r\n" % n
        got = recv_exact(s, len(want))
        expect(got == want, f"EXISTS w x {n}: {got!r}")


def t_bulk_too_long(c):
    # proto-max-bulk-len is 512 MB: one more is refused at once.
    c.closes(b"*1\r\n$536870913\r\n",
             b"-ERR Protocol error: invalid bulk length\r\n")
    c.closes(b"*2\r\n$3\r\nGET\r\n$9999999999\r\n",
             b"-ERR Protocol error: invalid bulk length\r\n")


def t_negative_bulk(c):
    c.closes(b"*1\r\n$-1\r\n", b"-ERR Protocol error: invalid bulk length\r\n")
    c.closes(b"*2\r\n$4\r\nECHO\r\n$-2\r\n",
             b"-ERR Protocol error: invalid bulk length\r\n")


def t_non_numeric_bulk(c):
    e = b"-ERR Protocol error: invalid bulk length\r\n"
    for data in (b"*1\r\n$abc\r\n", b"*1\r\n$\r\n", b"*1\r\n$+4\r\n",
                 b"*1\r\n$4x\r\n", b"*1\r\n$ 4\r\n"):
        c.closes(data, e)


def t_expected_dollar(c):
    c.closes(b"*1\r\nPING\r\n",
             b"-ERR Protocol error: expected '$', got 'P'\r\n")
    c.closes(b"*1\r\n*1\r\n", b"-ERR Protocol error: expected '$', got '*'\r\n")
    c.closes(b"*2\r\n$4\r\nECHO\r\n:5\r\n",
             b"-ERR Protocol error: expected '$', got ':'\r\n")


def t_empty_multibulk(c):
    # *0 and *-1 are skipped without a reply.
    c.answers(b"*0\r\n*-1\r\nPING\r\n", b"+PONG\r\n")


def t_slowloris(c):
    # Half a bulk, then silence: no timeout is configured, and the 512 MB
    # limit is far away, so the client stays open and the server serves
    # everybody else; the rest of the request is then answered normally.
    payload = b"0123456789" * 10
    req = cmd("ECHO", payload)
    cut = len(req) - 60
    with connect(c.port) as s, connect(c.port) as big:
        s.sendall(req[:cut])
        # A bulk declared at exactly proto-max-bulk-len, 64 KB sent.
        big.sendall(b"*2\r\n$4\r\nECHO\r\n$536870912\r\n" + b"z" * 65536)
        c.intact()
        silent_for(s, 0.3)
        silent_for(big, 0.01)
        c.intact()
        s.sendall(req[cut:])
        got = recv_exact(s, len(bulk(payload)))
        expect(got == bulk(payload), f"completed request got {got!r}")


def t_pipeline_10k(c):
    # 10,000 commands in one write; every reply, in order.
    n = 10000
    reqs = []
    want = []
    for i in range(n // 2):
        reqs.append(cmd("INCR", "pipe:ctr"))
        want.append(b":%d\r\n" % (i + 1))
        reqs.append(cmd("ECHO", str(i)))
        want.append(bulk(str(i).encode()))
    data = b"".join(reqs)
    want = b"".join(want)
    with connect(c.port) as s:
        s.sendall(data)
        got = recv_exact(s, len(want))
        expect(got == want, "replies out of order or wrong")
        s.sendall(cmd("GET", "pipe:ctr"))
        w = bulk(b"%d" % (n // 2))
        expect(recv_exact(s, len(w)) == w, "counter")


def t_never_reads(c):
    # A client that pipelines GETs of a 1 MB value and never reads: the
    # server keeps its output queued and goes on serving others.
    big = b"v" * (1 << 20)
    with connect(c.port) as s:
        s.sendall(cmd("SET", "big", big))
        expect(recv_exact(s, 5) == b"+OK\r\n", "SET big")
    hog = connect(c.port)
    try:
        hog.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        hog.sendall(cmd("GET", "big") * 32)
        for _ in range(3):
            c.intact()
        # The hog is still connected (no limit is set): it can read a reply.
        got = recv_exact(hog, 15)
        expect(got == b"$1048576\r\nvvvvv", f"hog got {got!r}")
    finally:
        rst_close(hog)


def t_output_limit(c):
    # With client-output-buffer-limit normal 1mb 0 0 the non-reading client
    # is disconnected once its queued replies pass 1 MB.
    with connect(c.port) as adm:
        adm.sendall(cmd("CONFIG", "SET", "client-output-buffer-limit",
                        "normal 1mb 0 0"))
        got = recv_line(adm)
        expect(got == b"+OK\r\n", f"CONFIG SET client-output-buffer-limit: "
               f"{got!r}")
        try:
            big = b"v" * (1 << 20)
            adm.sendall(cmd("SET", "big", big))
            expect(recv_exact(adm, 5) == b"+OK\r\n", "SET big")
            n = 16
            with connect(c.port) as hog:
                hog.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
                hog.sendall(cmd("GET", "big") * n)
                c.intact()
                got = recv_eof_or_reset(hog)
                full = len(bulk(big)) * n
                expect(len(got) < full,
                       f"all {full} bytes arrived: the limit was not applied")
            c.log_has("scheduled to be closed ASAP for overcoming of output "
                      "buffer limits.")
            c.intact()
        finally:
            adm.sendall(cmd("CONFIG", "SET", "client-output-buffer-limit",
                            "normal 0 0 0"))
            recv_line(adm)


def t_many_connections(c):
    # NCONN connections at once: each gets PONG, or the "max number of
    # clients" error and a close; then a new client is still served.
    socks = []
    pong = full = 0
    err = b"-ERR max number of clients reached\r\n"
    try:
        for i in range(NCONN):
            try:
                socks.append(connect(c.port))
            except OSError as e:
                raise AssertionError(f"connect #{i} failed: {e}")
        for s in socks:
            s.sendall(b"PING\r\n")
        for i, s in enumerate(socks):
            got = recv_exact(s, 7)
            if got == b"+PONG\r\n":
                pong += 1
                continue
            rest = recv_eof_or_reset(s)
            expect(got + rest == err, f"client {i} got {(got + rest)!r}")
            full += 1
        print(f"     {pong} PONG, {full} refused", flush=True)
        expect(pong > 0, "no client got PONG")
    finally:
        for s in socks:
            s.close()
    c.intact()


def t_maxclients(c):
    # CONFIG SET maxclients 20: with the witness connected, exactly 19 more
    # are served, the others refused with the exact error and closed.
    limit = 20
    w = c.witness
    w.sendall(cmd("CONFIG", "GET", "maxclients"))
    got = b""
    deadline = time.monotonic() + IO_TIMEOUT
    while not got.endswith(b"\r\n") or got.count(b"\r\n") < 5:
        expect(time.monotonic() < deadline, f"CONFIG GET maxclients: {got!r}")
        w.settimeout(IO_TIMEOUT)
        chunk = w.recv(4096)
        expect(chunk, "EOF")
        got += chunk
        expect(got.startswith(b"*2\r\n"), f"CONFIG GET maxclients: {got!r}")
    old = got.split(b"\r\n")[4]
    # Connections of earlier cases may still be closing: wait until the
    # witness is the only client (one CLIENT LIST line).
    deadline = time.monotonic() + IO_TIMEOUT
    while True:
        w.sendall(cmd("CLIENT", "LIST"))
        listing = read_bulk(w)
        n = listing.count(b"\n")
        if n == 1:
            break
        expect(time.monotonic() < deadline, f"{n} clients remain")
        time.sleep(0.02)
    w.sendall(cmd("CONFIG", "SET", "maxclients", str(limit)))
    got = recv_line(w)
    expect(got == b"+OK\r\n", f"CONFIG SET maxclients: {got!r}")
    socks = []
    try:
        results = []
        for _ in range(limit + 10):
            s = connect(c.port)
            socks.append(s)
            s.sendall(b"PING\r\n")
            got = recv_exact(s, 7)
            if got != b"+PONG\r\n":
                got += recv_eof_or_reset(s)
            results.append(got)
        want = ([b"+PONG\r\n"] * (limit - 1) +
                [b"-ERR max number of clients reached\r\n"] * 11)
        expect(results == want, f"replies: {results}")
    finally:
        for s in socks:
            s.close()
        w.sendall(cmd("CONFIG", "SET", "maxclients", old))
        recv_line(w)


def t_binary(c):
    # Bytes that are not a command name: the exact unknown-command error
    # with the raw bytes, then the next command.
    c.answers(b"\x01\x02\r\nPING\r\n",
              unknown_error(b"\x01\x02", []) + b"+PONG\r\n")
    c.answers(b"\xff\xfe \x80\r\n", unknown_error(b"\xff\xfe", [b"\x80"]))
    # Every byte value round-trips through a bulk string.
    every = bytes(range(256)) * 4
    c.answers(cmd("SET", b"bin\x00key", every) + cmd("GET", b"bin\x00key"),
              b"+OK\r\n" + bulk(every))
    c.answers(cmd("GET", b"bin"), b"$-1\r\n")
    # A NUL byte in an inline line. Redis finds the end of an inline line
    # with strchr: after a NUL it sees no newline, keeps buffering, and
    # refuses the line at 64 KB. rkv deliberately differs (lib/resp.c: it
    # finds the newline with memchr, then, like sdssplitargs on a C string,
    # ends the line at the NUL), so there the line is empty or cut short.
    with connect(c.port) as s:
        s.sendall(b"\x00garbage\r\nPING\r\n")
        if c.redis:
            silent_for(s, 0.2)
            c.intact()
            s.sendall(b"x" * 70000)
            got = recv_until_eof(s)
            expect(got == b"-ERR Protocol error: too big inline request\r\n",
                   f"NUL then 70 KB: {got!r}")
        else:
            got = recv_exact(s, 7)
            expect(got == b"+PONG\r\n", f"empty line, then PING: {got!r}")
            s.sendall(b"PI\x00NG\r\n")
            want = unknown_error(b"PI", [])
            got = recv_exact(s, len(want))
            expect(got == want, f"PI NUL NG: {got!r}")


def t_unbalanced_quotes(c):
    e = b"-ERR Protocol error: unbalanced quotes in request\r\n"
    for data in (b'SET "foo bar\r\n', b"SET 'foo bar\r\n",
                 b'SET "foo"bar x\r\n', b'PING\r\nECHO "a\r\n'):
        c.closes(data, (b"+PONG\r\n" if data.startswith(b"PING") else b"")
                 + e)
    # Balanced quotes and escapes are fine.
    c.answers(b'ECHO "a\\x41\\n b"\r\n', b"$5\r\naA\n b\r\n")


def t_long_inline(c):
    # 60 KB inline line: served. 70 KB with no end yet: refused and closed.
    c.answers(b"ECHO " + b"a" * 60000 + b"\r\n", bulk(b"a" * 60000))
    c.closes(b"ECHO " + b"a" * 70000,
             b"-ERR Protocol error: too big inline request\r\n")


def t_close_mid_request(c):
    for data in (cmd("SET", "mid:key", "value")[:-9], b"*3\r\n$3\r\nSET",
                 b"SET mid:key val"):
        s = connect(c.port)
        s.sendall(data)
        s.close()
        s = connect(c.port)
        s.sendall(data)
        rst_close(s)
    c.intact()
    c.answers(cmd("EXISTS", "mid:key"), b":0\r\n")


def t_abrupt_with_output(c):
    # 50 clients ask for 4 MB each and reset the connection unread.
    big = b"v" * (1 << 20)
    with connect(c.port) as s:
        s.sendall(cmd("SET", "big", big))
        expect(recv_exact(s, 5) == b"+OK\r\n", "SET big")
    socks = [connect(c.port) for _ in range(50)]
    try:
        for s in socks:
            s.sendall(cmd("GET", "big") * 4)
        # The first reply bytes show each request was taken.
        for s in socks:
            recv_exact(s, 1)
    finally:
        for s in socks:
            rst_close(s)
    c.intact()


def t_quit_pipelined(c):
    c.closes(b"PING\r\nQUIT\r\nSET quit:key y\r\nPING\r\n",
             b"+PONG\r\n+OK\r\n")
    c.closes(cmd("QUIT") + cmd("SET", "quit:key", "y"), b"+OK\r\n")
    c.answers(cmd("EXISTS", "quit:key"), b":0\r\n")


CATALOG = [
    ("wrong arity: error, connection kept", t_arity),
    ("unknown command: exact error with quoted args", t_unknown),
    ("invalid multibulk length: error and close", t_bad_multibulk_len),
    ("1048577-argument multibulk, sent in halves", t_huge_multibulk),
    ("bulk length over proto-max-bulk-len", t_bulk_too_long),
    ("negative bulk length", t_negative_bulk),
    ("non-numeric bulk lengths", t_non_numeric_bulk),
    ("multibulk item without '$'", t_expected_dollar),
    ("*0 and *-1 are skipped", t_empty_multibulk),
    ("slowloris: half-sent bulks, then silence", t_slowloris),
    ("10000 pipelined commands in one write, in order", t_pipeline_10k),
    ("client that never reads 32 MB of replies", t_never_reads),
    ("client-output-buffer-limit normal 1mb disconnects it", t_output_limit),
    (f"{NCONN} connections at once", t_many_connections),
    ("CONFIG SET maxclients: exact refusals", t_maxclients),
    ("NUL bytes and binary garbage", t_binary),
    ("inline command with unbalanced quotes", t_unbalanced_quotes),
    ("60 KB inline served, 70 KB unterminated refused", t_long_inline),
    ("closing mid-request (FIN and RST)", t_close_mid_request),
    ("50 connections reset with 4 MB pending each", t_abrupt_with_output),
    ("QUIT with commands pipelined after it", t_quit_pipelined),
]


def main():
    if len(sys.argv) != 2:
        print("usage: test_badinput_server.py PATH/TO/rkv-server",
              file=sys.stderr)
        return 2
    exe = os.path.abspath(sys.argv[1])
    # Room for NCONN client sockets here, and in the server (it inherits
    # the soft limit; redis-server raises its own to maxclients + 32).
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = NCONN + 1000
    if hard != resource.RLIM_INFINITY and hard < want:
        print(f"FAIL: RLIMIT_NOFILE hard limit {hard} < {want}",
              flush=True)
        return 1
    if soft != resource.RLIM_INFINITY and soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))

    def body(server, port):
        witness = connect(port)
        witness.sendall(cmd("SET", WITNESS_KEY, WITNESS_VAL))
        expect(recv_exact(witness, 5) == b"+OK\r\n", "witness SET")
        c = Case(port, witness, ts.is_redis(exe), server)

        def run(fn):
            fn(c)
            c.intact()

        ts.run_checks(server, [(name, lambda fn=fn: run(fn))
                               for name, fn in CATALOG], note_slow=True)
        witness.close()

    return ts.with_server(exe, "rkv-badinput-", body)


if __name__ == "__main__":
    sys.exit(main())
