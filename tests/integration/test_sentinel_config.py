"""SENTINEL CONFIG GET/SET and SENTINEL HELP on rkv-server --sentinel:

- with the path of redis-sentinel, a list of commands (HELP, CONFIG GET
  patterns, CONFIG SET with good and bad values, wrong arities) gets the
  same reply bytes from both (each monitoring the same rkv-server master);
- announce-ip / announce-port set with SENTINEL CONFIG SET are what the
  sentinel's hello messages on the master's __sentinel__:hello carry;
- they survive a restart (the config file is rewritten).

usage: python3 test_sentinel_config.py <rkv-server> [<redis-sentinel>]
"""
import os
import shlex
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import rkvtest  # noqa: E402
from rkvtest import check, expect  # noqa: E402
from test_sentinel_badinput import Sentinel  # noqa: E402

REDIS_SENTINEL = (os.path.abspath(sys.argv[2]) if len(sys.argv) > 2
                  else None)

COMMANDS = """\
SENTINEL HELP
SENTINEL help x
SENTINEL CONFIG GET *
SENTINEL CONFIG GET announce-*
SENTINEL CONFIG GET ANNOUNCE-IP
SENTINEL CONFIG GET nosuch
SENTINEL CONFIG SET announce-ip 1.2.3.4
SENTINEL CONFIG SET announce-port x
SENTINEL CONFIG SET announce-port 70000
SENTINEL CONFIG SET announce-port -1
SENTINEL CONFIG SET announce-port 4567
SENTINEL CONFIG SET resolve-hostnames maybe
SENTINEL CONFIG SET resolve-hostnames YES
SENTINEL CONFIG SET nosuch 1
SENTINEL CONFIG SET announce-ip
SENTINEL CONFIG
SENTINEL CONFIG FOO
SENTINEL CONFIG GET
SENTINEL CONFIG GET a b
SENTINEL CONFIG SET a b c
SENTINEL CONFIG SET sentinel-user u
SENTINEL CONFIG SET sentinel-pass p
SENTINEL CONFIG GET *
SENTINEL config get sentinel-*
SENTINEL CONFIG SET sentinel-user ''
SENTINEL CONFIG SET sentinel-pass ''
SENTINEL CONFIG SET announce-port 0
SENTINEL CONFIG SET resolve-hostnames no
SENTINEL CONFIG SET announce-ip 127.0.0.1
SENTINEL CONFIG GET *
"""


def raw(port, args):
    """The reply bytes to one command (read until 0.1 s of silence)."""
    with rkvtest.connect(port) as s:
        s.sendall(rkvtest.cmd(*args))
        s.settimeout(0.1)
        data = b""
        try:
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                data += chunk
        except socket.timeout:
            pass
        return data


class RedisSentinel:
    def __init__(self, tmp, master_port):
        self.port = rkvtest.free_port()
        conf = os.path.join(tmp, "redis-sentinel.conf")
        with open(conf, "w") as f:
            f.write(f"port {self.port}\nbind 127.0.0.1\ndir {tmp}\n"
                    f"sentinel monitor m 127.0.0.1 {master_port} 1\n")
        self.log = open(os.path.join(tmp, "redis-sentinel.log"), "wb")
        self.proc = subprocess.Popen([REDIS_SENTINEL, conf],
                                     stdin=subprocess.DEVNULL,
                                     stdout=self.log,
                                     stderr=subprocess.STDOUT)
        rkvtest.wait_listening(self.proc, self.port, "redis-sentinel")

    def stop(self):
        rkvtest.stop_pid(self.proc)
        self.log.close()


def same_replies(tmp, master_port):
    rs = RedisSentinel(tmp, master_port)
    ks = Sentinel(tmp, "cmp", [f"sentinel monitor m 127.0.0.1 "
                               f"{master_port} 1"])
    try:
        bad = []
        for line in COMMANDS.splitlines():
            args = shlex.split(line)
            a, b = raw(rs.port, args), raw(ks.port, args)
            if a != b:
                bad.append(f"{line}:\n  redis {a!r}\n  rkv   {b!r}")
        expect(not bad, "\n".join(bad))
    finally:
        rs.stop()
        ks.stop()


def announce(tmp, master_port):
    s = Sentinel(tmp, "announce", [f"sentinel monitor m 127.0.0.1 "
                                   f"{master_port} 1"])
    try:
        myid = raw(s.port, ["SENTINEL", "MYID"]).split(b"\r\n")[1]
        for opt, val in (("announce-ip", "10.9.8.7"),
                         ("announce-port", "4567")):
            r = raw(s.port, ["SENTINEL", "CONFIG", "SET", opt, val])
            expect(r == b"+OK\r\n", f"CONFIG SET {opt}: {r!r}")
        want = b"10.9.8.7,4567," + myid + b",0,m,127.0.0.1,"
        with rkvtest.connect(master_port) as sub:
            sub.sendall(rkvtest.cmd("SUBSCRIBE", "__sentinel__:hello"))
            sub.settimeout(10)
            got = b""
            end = time.monotonic() + 10
            while want not in got:
                expect(time.monotonic() < end,
                       f"no hello with {want!r}: {got[-300:]!r}")
                chunk = sub.recv(65536)
                expect(chunk, "the master closed the subscription")
                got += chunk
        s.stop()
        s2 = Sentinel(tmp, "announce", None, s.port)  # the rewritten file
        try:
            r = raw(s2.port, ["SENTINEL", "CONFIG", "GET", "announce-*"])
            expect(b"$8\r\n10.9.8.7\r\n" in r and b"$4\r\n4567\r\n" in r,
                   f"after the restart: {r!r}")
        finally:
            s2.stop()
    finally:
        if s.proc.poll() is None:
            s.stop()


def main():
    with tempfile.TemporaryDirectory(prefix="rkv-sentinel-config-") as tmp:
        d = os.path.join(tmp, "master")
        os.mkdir(d)
        master = rkvtest.Server(os.path.abspath(sys.argv[1]),
                                rkvtest.free_port(), d)
        try:
            master.wait_ready()
            if REDIS_SENTINEL:
                check("SENTINEL CONFIG / HELP: the same replies as "
                      "redis-sentinel", lambda: same_replies(tmp,
                                                             master.port))
            check("announce-ip/port from SENTINEL CONFIG SET in the "
                  "hellos, kept across a restart",
                  lambda: announce(tmp, master.port))
        finally:
            rkvtest.stop_pid(master.proc)
    return rkvtest.summary()


if __name__ == "__main__":
    sys.exit(main())
