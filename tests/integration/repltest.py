"""Shared pieces of the replication integration tests: a server process
driven through redis-py, polling with a deadline, and the usual checks.
Servers run on free 127.0.0.1 ports and are stopped by their PID."""
import os
import subprocess
import time

import rkvtest

import redis  # python3-redis on Debian's /usr/bin/python3

DEADLINE = 30.0


class Proc:
    def __init__(self, exe, workdir, name, extra=()):
        self.port = rkvtest.free_port()
        self.logpath = os.path.join(workdir, name + ".log")
        argv = [exe, "--port", str(self.port), "--bind", "127.0.0.1",
                "--dir", workdir, "--save", "",
                "--enable-debug-command", "yes"]
        if rkvtest.is_redis(exe):
            argv += ["--appendonly", "no", "--dbfilename", name + ".rdb"]
        argv += list(extra)
        with open(self.logpath, "wb") as log:
            self.proc = subprocess.Popen(
                rkvtest.WRAPPER + argv, stdin=subprocess.DEVNULL,
                stdout=log, stderr=subprocess.STDOUT)
        s = rkvtest.Server.__new__(rkvtest.Server)
        s.proc, s.port, s.logpath = self.proc, self.port, self.logpath
        rkvtest.Server.wait_ready(s)
        self.r = redis.Redis(port=self.port, decode_responses=True,
                             socket_timeout=10)

    def log(self):
        return rkvtest.read_text(self.logpath)

    def info(self, section):
        return self.r.info(section)

    def stop(self):
        return rkvtest.stop_pid(self.proc)


def wait_for(what, fn, timeout=DEADLINE):
    deadline = time.monotonic() + timeout
    while True:
        v = fn()
        if v:
            return v
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)  # poll interval, not synchronisation


def link_up(p):
    return p.info("replication").get("master_link_status") == "up"


def caught_up(m, p):
    mo = m.info("replication")["master_repl_offset"]
    ro = p.info("replication")
    return ro.get("master_link_status") == "up" and \
        ro["master_repl_offset"] == mo


def digest(p):
    return p.r.execute_command("DEBUG", "DIGEST")
