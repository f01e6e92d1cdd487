"""rkv-server as a replica of a REAL redis-server master (issue 6, interop
redis master -> rkv replica).

usage: /usr/bin/python3 test_repl_replica.py <rkv-server> <redis-server>

- config `replicaof`: full sync of a dataset (EOF form, diskless master);
- 10,000 writes streamed (SET/INCR/DEL/EXPIRE/APPEND, several databases,
  MULTI/EXEC), offsets equal, DEBUG DIGEST equal on both;
- `CLIENT KILL TYPE master` on the replica, writes meanwhile, then a partial
  resync: +CONTINUE, the master's sync_partial_ok goes up and sync_full does
  not, digests equal;
- READONLY for clients' writes;
- REPLICAOF NO ONE: Redis's secondary-ID log line, role master, writable;
- REPLICAOF again with a disk-based master ($<len> form): a full sync.
Both servers run on free loopback ports and are stopped by their PID.
"""
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import rkvtest  # noqa: E402
from rkvtest import check, expect  # noqa: E402

try:
    import redis  # python3-redis on Debian's /usr/bin/python3
except ImportError:
    print("FAIL: redis-py is not importable; run with /usr/bin/python3 "
          "(python3-redis)", flush=True)
    sys.exit(1)

RKV, REDIS = sys.argv[1], sys.argv[2]


from repltest import Proc, wait_for, link_up, caught_up, digest  # noqa: E402,F401


def writes(m, n, seed):
    """n writes of several kinds over databases 0..3, some in MULTI."""
    pipe = m.r.pipeline(transaction=False)
    for i in range(n):
        k = f"w{seed}:{i % 997}"
        op = i % 10
        if op == 0:
            pipe.execute_command("SELECT", i % 4)
        if op < 4:
            pipe.set(k, f"v{i}")
        elif op == 4:
            pipe.incr(f"ctr{seed}:{i % 13}")
        elif op == 5:
            pipe.delete(k)
        elif op == 6:
            pipe.expire(k, 1000 + i)
        elif op == 7:
            pipe.append(k, "x")
        elif op == 8:
            pipe.execute_command("MULTI")
            pipe.set(k + ":m", i)
            pipe.set(k + ":c", i)
            pipe.execute_command("EXEC")
        else:
            pipe.execute_command("MSET", k + ":a", i, k + ":b", i)
        if len(pipe) >= 500:
            pipe.execute()
    pipe.execute()
    m.r.execute_command("SELECT", 0)


def main():
    with tempfile.TemporaryDirectory() as tmp:
        m = Proc(REDIS, tmp, "master",
                 ["--repl-diskless-sync", "yes",
                  "--repl-diskless-sync-delay", "0"])
        # The dataset before the replica exists.
        pipe = m.r.pipeline(transaction=False)
        for i in range(5000):
            pipe.set(f"key:{i}", f"value:{i}" * (1 + i % 5))
        for i in range(100):
            pipe.set(f"ttl:{i}", i, ex=3600)
        pipe.execute()
        m.r.execute_command("SELECT", 2)
        m.r.set("photo_obj_id", "3301000051")
        m.r.execute_command("SELECT", 0)
        p = Proc(RKV, tmp, "replica",
                 ["--replicaof", "127.0.0.1", str(m.port)])
        try:
            run(m, p)
        finally:
            rc = p.stop() if p.proc.poll() is None else p.proc.returncode
            m.stop()
            check("replica exits with status 0 on SIGTERM",
                  lambda: expect(rc == 0, f"status {rc}"))
            if rkvtest.failed:
                print("--- rkv log ---\n" + p.log()[-6000:])
                print("--- redis log ---\n" + m.log()[-3000:])
        promotion_and_auth(tmp)
        bad_masters(tmp)
    return rkvtest.summary()


def bad_masters(tmp):
    """Refused connections, a silent master (repl-timeout), a master
    sending garbage and one cutting the RDB short: logged, retried, the
    replica keeps serving its data."""
    import socket
    import threading
    d = os.path.join(tmp, "badm")
    os.mkdir(d)  # its own directory: no dump.rdb of the others
    p = Proc(RKV, d, "badm", ["--repl-timeout", "1"])
    try:
        p.r.config_set("replica-read-only", "no")
        p.r.set("mine", "1")

        def refused():
            port = rkvtest.free_port()  # nothing listens there
            expect(p.r.execute_command("REPLICAOF", "127.0.0.1", port)
                   == "OK", "")
            wait_for("refused logged", lambda: "Error condition on socket "
                     "for SYNC: Connection refused" in p.log())
            expect(p.info("replication")["master_link_status"] == "down",
                   "")
            expect(p.r.get("mine") == "1", "data kept")
        check("connection refused: logged and retried", refused)

        def fake_master(reply):
            ls = socket.socket()
            ls.bind(("127.0.0.1", 0))
            ls.listen(8)

            def serve():
                while True:
                    try:
                        conn, _ = ls.accept()
                    except OSError:
                        return
                    conn.recv(65536)  # PING
                    if reply is not None:
                        conn.sendall(reply)
                    # keep it open: the replica decides
            threading.Thread(target=serve, daemon=True).start()
            return ls

        def silent():
            ls = fake_master(None)
            try:
                expect(p.r.execute_command(
                    "REPLICAOF", "127.0.0.1", ls.getsockname()[1]) == "OK",
                    "")
                wait_for("timeout logged", lambda: "Timeout connecting to "
                         "the MASTER..." in p.log())
            finally:
                ls.close()
        check("silent master: repl-timeout", silent)

        def garbage():
            ls = fake_master(b"+PONG\r\n+OK\r\n+OK\r\n"
                             b"this is not a PSYNC reply\r\n")
            try:
                expect(p.r.execute_command(
                    "REPLICAOF", "127.0.0.1", ls.getsockname()[1]) == "OK",
                    "")
                wait_for("logged", lambda: "Unexpected reply to PSYNC from "
                         "master: this is not a PSYNC reply" in p.log())
                expect(p.r.get("mine") == "1", "data kept")
            finally:
                ls.close()
        check("garbage from the master: logged, data kept", garbage)

        def truncated():
            ls = fake_master(b"+PONG\r\n+OK\r\n+OK\r\n+FULLRESYNC " +
                             b"7" * 40 + b" 0\r\n$1000\r\nREDIS0010")
            try:
                expect(p.r.execute_command(
                    "REPLICAOF", "127.0.0.1", ls.getsockname()[1]) == "OK",
                    "")
                wait_for("logged", lambda: "Timeout receiving bulk data "
                         "from MASTER" in p.log())
                expect(p.r.get("mine") == "1", "data kept")
                expect(p.r.dbsize() == 1, f"partial dataset {p.r.keys()}")
            finally:
                ls.close()
        check("RDB cut short: timeout, the old data kept", truncated)
    finally:
        p.stop()


def promotion_and_auth(tmp):
    """Master A and replica B (both redis-server with requirepass), rkv
    replica C of A (masterauth); REPLICAOF NO ONE on B, REPLICAOF B on C:
    C continues through B's secondary ID (+CONTINUE <B's new ID>)."""
    a = Proc(REDIS, tmp, "A", ["--requirepass", "sekret",
                               "--repl-diskless-sync-delay", "0"])
    a.r = redis.Redis(port=a.port, password="sekret",
                      decode_responses=True, socket_timeout=10)
    b = c = None
    try:
        b = Proc(REDIS, tmp, "B", ["--masterauth", "sekret",
                                   "--requirepass", "sekret",
                                   "--replicaof", "127.0.0.1", str(a.port),
                                   "--repl-diskless-sync-delay", "0"])
        b.r = redis.Redis(port=b.port, password="sekret",
                          decode_responses=True, socket_timeout=10)
        c = Proc(RKV, tmp, "C", ["--masterauth", "sekret",
                                 "--replicaof", "127.0.0.1", str(a.port)])

        def auth_sync():
            for i in range(300):
                a.r.set(f"p{i}", i)
            wait_for("B caught up", lambda: caught_up(a, b))
            wait_for("C caught up", lambda: caught_up(a, c))
            expect(digest(c) == digest(a), "digest")
        check("masterauth: full sync from a master with requirepass",
              auth_sync)

        def sibling_promotion():
            old_id = a.info("replication")["master_replid"]
            b.r.execute_command("REPLICAOF", "NO", "ONE")
            new_id = b.info("replication")["master_replid"]
            expect(new_id != old_id, "B kept its ID")
            b.r.set("after-failover", "1")
            full = b.info("stats")["sync_full"]
            expect(c.r.execute_command("REPLICAOF", "127.0.0.1", b.port)
                   == "OK", "REPLICAOF B")
            wait_for("C caught up with B", lambda: caught_up(b, c))
            st = b.info("stats")
            expect(st["sync_full"] == full, "C full-synced from B")
            expect(st["sync_partial_ok"] >= 1, "no partial resync")
            log = c.log()
            expect("Trying a partial resynchronization (request %s:" %
                   old_id in log, log)
            expect("Master replication ID changed to %s" % new_id in log,
                   log)
            ri = c.info("replication")
            expect(ri["master_replid"] == new_id, ri)
            expect(ri["master_replid2"] == old_id, ri)
            expect(c.r.get("after-failover") == "1", "write after failover")
            expect(digest(c) == digest(b), "digest")
        check("sibling promotion: C continues through B's secondary ID",
              sibling_promotion)
    finally:
        for x in (c, b, a):
            if x:
                x.stop()
        if rkvtest.failed:
            for x in (c, b):
                if x:
                    print(f"--- {x.logpath} ---\n" + x.log()[-4000:])


def run(m, p):
    def full_sync():
        wait_for("link up", lambda: link_up(p))
        info = p.info("replication")
        expect(info["role"] == "slave", info)
        expect(info["master_host"] == "127.0.0.1", info)
        expect(info["master_port"] == m.port, info)
        expect(info["master_sync_in_progress"] == 0, info)
        expect(info["slave_read_only"] == 1, info)
        expect(info["slave_priority"] == 100, info)
        expect(info["replica_announced"] == 1, info)
        expect(info["connected_slaves"] == 0, info)
        mi = m.info("replication")
        expect(info["master_replid"] == mi["master_replid"], (info, mi))
        wait_for("offsets equal", lambda: caught_up(m, p))
        expect(p.r.dbsize() == m.r.dbsize(), "dbsize")
        expect(digest(p) == digest(m), "digest differs after full sync")
        log = p.log()
        expect("Connecting to MASTER 127.0.0.1:%d" % m.port in log, log)
        expect("MASTER <-> REPLICA sync: receiving streamed RDB from "
               "master with EOF" in log, log)
        expect("MASTER <-> REPLICA sync: Finished with success" in log, log)
        c = redis.Redis(port=p.port, db=2, decode_responses=True)
        expect(c.get("photo_obj_id") == "3301000051", "photo_obj_id")
    check("full sync from a redis-server master (config replicaof)",
          full_sync)

    def stream():
        writes(m, 10000, 1)
        wait_for("offsets equal", lambda: caught_up(m, p))
        ri, mi = p.info("replication"), m.info("replication")
        expect(ri["slave_repl_offset"] == mi["master_repl_offset"],
               (ri, mi))
        expect(digest(p) == digest(m), "digest differs after streaming")
        # The replica's backlog holds the master's stream.
        expect(ri["repl_backlog_active"] == 1, ri)
        expect(ri["repl_backlog_first_byte_offset"] +
               ri["repl_backlog_histlen"] == ri["master_repl_offset"] + 1,
               ri)
    check("10,000 writes streamed; offsets and DEBUG DIGEST equal", stream)

    def readonly():
        try:
            p.r.set("x", "1")
        except redis.exceptions.ReadOnlyError as e:
            expect("You can't write against a read only replica" in str(e),
                   str(e))
            return
        raise AssertionError("write accepted on a read-only replica")
    check("READONLY for clients' writes", readonly)

    def partial():
        before = m.info("stats")
        killed = p.r.execute_command("CLIENT", "KILL", "TYPE", "master")
        expect(killed == 1, f"killed {killed}")
        writes(m, 2000, 2)
        wait_for("offsets equal", lambda: caught_up(m, p))
        after = m.info("stats")
        expect(after["sync_partial_ok"] == before["sync_partial_ok"] + 1,
               (before["sync_partial_ok"], after["sync_partial_ok"]))
        expect(after["sync_full"] == before["sync_full"],
               (before["sync_full"], after["sync_full"]))
        log = p.log()
        expect("Connection with master lost." in log, log)
        expect("Trying a partial resynchronization (request " +
               m.info("replication")["master_replid"] in log, log)
        expect("Successful partial resynchronization with master." in log,
               log)
        expect("MASTER <-> REPLICA sync: Master accepted a Partial "
               "Resynchronization." in log, log)
        expect("Partial resynchronization request from 127.0.0.1:%d "
               "accepted." % p.port in m.log(), m.log())
        expect(digest(p) == digest(m), "digest differs after +CONTINUE")
    check("CLIENT KILL TYPE master, then +CONTINUE (no second full sync)",
          partial)

    def promote():
        mi = m.info("replication")
        off = p.info("replication")["master_repl_offset"]
        expect(p.r.execute_command("REPLICAOF", "NO", "ONE") == "OK", "")
        ri = p.info("replication")
        expect(ri["role"] == "master", ri)
        expect(ri["master_replid2"] == mi["master_replid"], ri)
        expect(ri["second_repl_offset"] == off + 1, ri)
        expect("Setting secondary replication ID to %s, valid up to "
               "offset: %d. New replication ID is %s" %
               (mi["master_replid"], off + 1, ri["master_replid"])
               in p.log(), p.log())
        expect("MASTER MODE enabled (user request from 'id=" in p.log(),
               "MASTER MODE line")
        expect(p.r.set("after-promotion", "1"), "write refused")
    check("REPLICAOF NO ONE: secondary ID logged, writable", promote)

    def resync_sized():
        m.r.config_set("repl-diskless-sync", "no")
        full_before = m.info("stats")["sync_full"]
        expect(p.r.execute_command("REPLICAOF", "127.0.0.1", m.port) == "OK",
               "")
        wait_for("offsets equal", lambda: caught_up(m, p))
        expect(m.info("stats")["sync_full"] == full_before + 1, "no sync")
        expect("from master to parser" in p.log(), "sized form not used")
        expect(p.r.get("after-promotion") is None, "local write kept")
        expect(digest(p) == digest(m), "digest differs after $len sync")
        writes(m, 1000, 3)
        wait_for("offsets equal", lambda: caught_up(m, p))
        expect(digest(p) == digest(m), "digest differs after streaming")
    check("REPLICAOF a disk-based master: $<len> full sync", resync_sized)

    def master_restart_reconnects():
        # The master's link drops (its side this time): the replica
        # reconnects and continues.
        m.r.execute_command("CLIENT", "KILL", "TYPE", "replica")
        writes(m, 100, 4)
        wait_for("offsets equal", lambda: caught_up(m, p))
        expect(digest(p) == digest(m), "digest")
    check("the master drops the link: reconnect and continue",
          master_restart_reconnects)

    def restart_from_rdb():
        # SAVE on the replica records the master's history (AUX repl-id,
        # repl-offset); restarted from that file it continues with +CONTINUE.
        expect(p.r.save(), "SAVE")
        rc = p.stop()
        expect(rc == 0, f"exit status {rc}")
        writes(m, 500, 5)
        before = m.info("stats")
        q = Proc(RKV, os.path.dirname(p.logpath), "replica2",
                 ["--replicaof", "127.0.0.1", str(m.port)])
        try:
            wait_for("offsets equal", lambda: caught_up(m, q))
            after = m.info("stats")
            expect(after["sync_full"] == before["sync_full"],
                   "a full sync after the restart")
            expect(after["sync_partial_ok"] == before["sync_partial_ok"] + 1,
                   "no partial resync after the restart")
            expect("Successful partial resynchronization with master."
                   in q.log(), q.log())
            expect(digest(q) == digest(m), "digest after restart")
        finally:
            expect(q.stop() == 0, "restarted replica's exit status")
    check("a replica restarted from its RDB continues (+CONTINUE)",
          restart_from_rdb)


if __name__ == "__main__":
    sys.exit(main())
