#!/usr/bin/python3
"""A redis-py session against a running server.

Usage: /usr/bin/python3 test_clients.py PATH/TO/rkv-server
       /usr/bin/python3 test_clients.py /usr/bin/redis-server  (validates)

Needs redis-py (Debian's python3-redis 4.3, for /usr/bin/python3; a pyenv
python3 on PATH does not have it) and fails loudly without it. Starts the
server on a free loopback port with the helpers of rkvtest.py and always
stops it by PID. Covers plain commands, pipelines with and without MULTI,
WATCH with a conflicting writer, pub/sub, RESP3 over a raw socket (redis-py
4.3 speaks RESP2 only), expiry, INFO, CONFIG GET/SET and CLIENT. Prints one
line per check and ends with "N passed, N failed".
"""
import os
import socket
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import rkvtest as ts  # noqa: E402
from rkvtest import IO_TIMEOUT, RespReader, cmd, expect, recv_exact  # noqa: E402,E501

try:
    import redis
except ImportError as e:
    print(f"FAIL: cannot import redis-py into {sys.executable} ({e}); "
          "install python3-redis and run with /usr/bin/python3",
          flush=True)
    sys.exit(1)


def client(port, **kw):
    return redis.Redis(host="127.0.0.1", port=port,
                       socket_timeout=IO_TIMEOUT, **kw)


def wait_message(p, want_type, timeout=IO_TIMEOUT):
    """The next pub/sub message of `want_type`, skipping nothing else: any
    other message first is a failure."""
    deadline = time.monotonic() + timeout
    while True:
        left = deadline - time.monotonic()
        expect(left > 0, f"no {want_type} message within {timeout:.0f} s")
        m = p.get_message(timeout=min(left, 1.0))
        if m is None:
            continue
        expect(m["type"] == want_type, f"wanted {want_type}, got {m}")
        return m


# ---- a small RESP3 reader for the raw-socket checks ----------------------

class Push(list):
    """A RESP3 push message (>)."""


class Resp3(RespReader):
    def read(self):
        line = self._line()
        t, rest = line[:1], line[1:]
        if t == b"+":
            return rest.decode()
        if t == b"-":
            return RuntimeError(rest.decode())
        if t == b":":
            return int(rest)
        if t == b"_":
            return None
        if t == b"#":
            return rest == b"t"
        if t == b",":
            return float(rest)
        if t in (b"$", b"="):
            n = int(rest)
            return None if n < 0 else self._exact(n)
        if t in (b"*", b"~", b">"):
            n = int(rest)
            if n < 0:
                return None
            items = [self.read() for _ in range(n)]
            return Push(items) if t == b">" else items
        if t == b"%":
            out = {}
            for _ in range(int(rest)):
                k = self.read()
                out[k] = self.read()
            return out
        raise AssertionError(f"unknown RESP3 type in {line!r}")


# ---- checks --------------------------------------------------------------

def t_plain(port):
    r = client(port)
    expect(r.ping() is True, "PING")
    expect(r.set("s:a", b"v\x00w") is True, "SET")
    expect(r.get("s:a") == b"v\x00w", "GET binary value")
    expect(r.get("s:missing") is None, "GET missing")
    expect(r.incr("s:n") == 1 and r.incrby("s:n", 41) == 42, "INCR")
    expect(r.mset({"s:x": "1", "s:y": "2"}) is True, "MSET")
    expect(r.mget("s:x", "s:nope", "s:y") == [b"1", None, b"2"], "MGET")
    expect(r.exists("s:x", "s:y", "s:nope") == 2, "EXISTS")
    expect(r.delete("s:x", "s:nope") == 1, "DEL")
    expect(r.type("s:y") == b"string", "TYPE")
    expect(r.append("s:y", "3") == 2 and r.strlen("s:y") == 2, "APPEND")
    expect(r.getrange("s:a", 0, 0) == b"v", "GETRANGE")
    expect(r.set("s:a", "new", get=True) == b"v\x00w", "SET GET")
    expect(r.set("s:a", "z", nx=True) is None, "SET NX on existing")
    try:
        r.incr("s:a")
        raise AssertionError("INCR on a non-integer did not raise")
    except redis.ResponseError as e:
        expect(str(e) == "value is not an integer or out of range", str(e))
    d = client(port, decode_responses=True, db=3)
    d.set("s:db3", "three")
    expect(d.get("s:db3") == "three" and r.get("s:db3") is None, "SELECT 3")
    expect(d.dbsize() == 1, f"DBSIZE db3 {d.dbsize()}")
    keys = sorted(r.scan_iter(match="s:*"))
    expect(keys == [b"s:a", b"s:n", b"s:y"], f"SCAN {keys}")
    try:
        r.execute_command("NOSUCHCMD", "x")
        raise AssertionError("unknown command did not raise")
    except redis.ResponseError as e:
        expect(str(e) == "unknown command 'NOSUCHCMD', with args "
               "beginning with: 'x' ", repr(str(e)))


def t_pipeline_plain(port):
    r = client(port)
    p = r.pipeline(transaction=False)
    for i in range(500):
        p.set(f"p:{i}", i)
    for i in range(500):
        p.get(f"p:{i}")
    p.incr("p:0")
    res = p.execute()
    expect(res[:500] == [True] * 500, "SETs")
    expect(res[500:1000] == [str(i).encode() for i in range(500)], "GETs")
    expect(res[1000] == 1, f"INCR {res[1000]}")
    # An error in the middle does not stop the rest.
    p = r.pipeline(transaction=False)
    p.set("p:str", "abc").incr("p:str").get("p:str")
    res = p.execute(raise_on_error=False)
    expect(res[0] is True and isinstance(res[1], redis.ResponseError)
           and res[2] == b"abc", f"{res}")


def t_pipeline_multi(port):
    r = client(port)
    p = r.pipeline(transaction=True)
    p.set("m:a", 1).incr("m:a").incrby("m:a", 10).get("m:a")
    expect(p.execute() == [True, 2, 12, b"12"], "MULTI/EXEC results")
    # A runtime error inside EXEC: the other commands still run.
    p = r.pipeline(transaction=True)
    p.set("m:s", "x").incr("m:s").set("m:after", "1")
    res = p.execute(raise_on_error=False)
    expect(res[0] is True and isinstance(res[1], redis.ResponseError)
           and res[2] is True, f"{res}")
    expect(r.get("m:after") == b"1", "command after the failing one ran")
    # A queue-time error aborts the whole transaction (EXECABORT).
    p = r.pipeline(transaction=True)
    p.set("m:never", "1").execute_command("NOSUCHCMD")
    try:
        p.execute()
        raise AssertionError("EXECABORT not raised")
    except redis.ResponseError as e:
        # redis-py reports the queueing error, having seen EXECABORT.
        expect(str(e) == "Command # 2 (NOSUCHCMD) of pipeline caused error: "
               "unknown command 'NOSUCHCMD', with args beginning with: ",
               repr(str(e)))
    # The same at the protocol level.
    with socket.create_connection(("127.0.0.1", port),
                                  timeout=IO_TIMEOUT) as s:
        s.sendall(cmd("MULTI") + cmd("SET", "m:never", "1") +
                  cmd("NOSUCHCMD") + cmd("EXEC"))
        want = (b"+OK\r\n+QUEUED\r\n-ERR unknown command 'NOSUCHCMD', "
                b"with args beginning with: \r\n-EXECABORT Transaction "
                b"discarded because of previous errors.\r\n")
        got = recv_exact(s, len(want))
        expect(got == want, f"raw MULTI with a bad command: {got!r}")
    expect(r.exists("m:never") == 0, "aborted transaction wrote")


def t_watch(port):
    r = client(port)
    other = client(port)
    r.set("w:k", 1)
    # No conflict: the transaction runs.
    with r.pipeline() as p:
        p.watch("w:k")
        v = int(p.get("w:k"))
        p.multi()
        p.set("w:k", v + 1)
        expect(p.execute() == [True], "uncontended WATCH")
    expect(r.get("w:k") == b"2", "value after uncontended WATCH")
    # A second client writes the watched key: EXEC returns nil, which
    # redis-py reports as WatchError; nothing is written.
    with r.pipeline() as p:
        p.watch("w:k")
        v = int(p.get("w:k"))
        expect(other.set("w:k", 100) is True, "conflicting SET")
        p.multi()
        p.set("w:k", v + 1)
        try:
            p.execute()
            raise AssertionError("EXEC after a conflicting write succeeded")
        except redis.WatchError:
            pass
    expect(r.get("w:k") == b"100", "the conflicting write stands")
    # The same at the protocol level: EXEC replies *-1.
    with socket.create_connection(("127.0.0.1", port),
                                  timeout=IO_TIMEOUT) as s:
        s.sendall(cmd("WATCH", "w:k"))
        expect(recv_exact(s, 5) == b"+OK\r\n", "WATCH")
        other.delete("w:k")
        s.sendall(cmd("MULTI") + cmd("SET", "w:k", "mine") + cmd("EXEC"))
        want = b"+OK\r\n+QUEUED\r\n*-1\r\n"
        got = recv_exact(s, len(want))
        expect(got == want, f"raw WATCH/EXEC got {got!r}")
    expect(r.exists("w:k") == 0, "EXEC after DEL of a watched key wrote")

    # redis-py's transaction() helper retries until it succeeds.
    tries = []

    def body(pipe):
        n = int(pipe.get("w:c") or 0)
        if not tries:
            other.incr("w:c")  # conflict on the first attempt only
        tries.append(n)
        pipe.multi()
        pipe.set("w:c", n + 1)

    r.transaction(body, "w:c")
    expect(tries == [0, 1], f"attempts saw {tries}")
    expect(r.get("w:c") == b"2", f"w:c = {r.get('w:c')}")


def t_pubsub(port):
    r = client(port)
    pub = client(port)
    p = r.pubsub()
    try:
        p.subscribe("ch1", "ch2")
        m = wait_message(p, "subscribe")
        expect(m["channel"] == b"ch1" and m["data"] == 1, f"{m}")
        m = wait_message(p, "subscribe")
        expect(m["channel"] == b"ch2" and m["data"] == 2, f"{m}")
        p.psubscribe("news.*")
        m = wait_message(p, "psubscribe")
        expect(m["channel"] == b"news.*" and m["data"] == 3, f"{m}")
        expect(p.get_message(timeout=0.1) is None, "unexpected message")

        expect(pub.publish("ch1", "hello") == 1, "PUBLISH ch1 receivers")
        m = wait_message(p, "message")
        expect(m["channel"] == b"ch1" and m["data"] == b"hello"
               and m["pattern"] is None, f"{m}")
        expect(pub.publish("news.tech", b"bin\x00ary") == 1,
               "PUBLISH news.tech receivers")
        m = wait_message(p, "pmessage")
        expect(m["pattern"] == b"news.*" and m["channel"] == b"news.tech"
               and m["data"] == b"bin\x00ary", f"{m}")
        expect(pub.publish("nobody", "x") == 0, "PUBLISH without receivers")

        chans = sorted(pub.pubsub_channels())
        expect(chans == [b"ch1", b"ch2"], f"PUBSUB CHANNELS {chans}")
        expect(pub.pubsub_numsub("ch1", "none") == [(b"ch1", 1),
                                                    (b"none", 0)],
               f"PUBSUB NUMSUB {pub.pubsub_numsub('ch1', 'none')}")
        expect(pub.pubsub_numpat() == 1, "PUBSUB NUMPAT")

        # In RESP2 subscribed mode only (P)SUBSCRIBE/UNSUBSCRIBE/PING...
        raw = socket.create_connection(("127.0.0.1", port),
                                       timeout=IO_TIMEOUT)
        with raw:
            raw.sendall(cmd("SUBSCRIBE", "x") + cmd("GET", "k") +
                        cmd("PING"))
            want = (b"*3\r\n$9\r\nsubscribe\r\n$1\r\nx\r\n:1\r\n"
                    b"-ERR Can't execute 'get': only (P|S)SUBSCRIBE / "
                    b"(P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in "
                    b"this context\r\n"
                    b"*2\r\n$4\r\npong\r\n$0\r\n\r\n")
            got = recv_exact(raw, len(want))
            expect(got == want, f"RESP2 subscribed mode: {got!r}")

        p.unsubscribe("ch1")
        m = wait_message(p, "unsubscribe")
        expect(m["channel"] == b"ch1" and m["data"] == 2, f"{m}")
        expect(pub.publish("ch1", "gone") == 0, "PUBLISH after UNSUBSCRIBE")
        expect(pub.publish("ch2", "still") == 1, "PUBLISH ch2")
        m = wait_message(p, "message")
        expect(m["channel"] == b"ch2" and m["data"] == b"still", f"{m}")
        p.punsubscribe()
        m = wait_message(p, "punsubscribe")
        expect(m["channel"] == b"news.*" and m["data"] == 1, f"{m}")
        p.unsubscribe()
        m = wait_message(p, "unsubscribe")
        expect(m["channel"] == b"ch2" and m["data"] == 0, f"{m}")
        expect(pub.publish("ch2", "x") == 0, "PUBLISH after all gone")
    finally:
        p.close()


def t_resp3(port):
    with socket.create_connection(("127.0.0.1", port),
                                  timeout=IO_TIMEOUT) as s, \
            socket.create_connection(("127.0.0.1", port),
                                     timeout=IO_TIMEOUT) as pub:
        rd = Resp3(s)
        s.sendall(cmd("HELLO", "3", "SETNAME", "resp3-client"))
        hello = rd.read()
        expect(isinstance(hello, dict), f"HELLO 3 is not a map: {hello!r}")
        keys = [k for k in hello]
        expect(keys == [b"server", b"version", b"proto", b"id", b"mode",
                        b"role", b"modules"], f"HELLO keys {keys}")
        expect(hello[b"server"] == b"redis" and hello[b"proto"] == 3 and
               hello[b"mode"] == b"standalone" and
               hello[b"role"] == b"master" and hello[b"modules"] == [],
               f"HELLO {hello}")
        expect(isinstance(hello[b"id"], int), f"id {hello[b'id']!r}")
        s.sendall(cmd("CLIENT", "GETNAME"))
        expect(rd.read() == b"resp3-client", "HELLO SETNAME")
        s.sendall(cmd("GET", "nokey") + cmd("SET", "r3", "v") +
                  cmd("EXISTS", "r3"))
        expect(rd.read() is None, "RESP3 null")
        expect(rd.read() == "OK" and rd.read() == 1, "SET/EXISTS")
        s.sendall(cmd("SUBSCRIBE", "r3ch"))
        m = rd.read()
        expect(isinstance(m, Push) and m == [b"subscribe", b"r3ch", 1],
               f"subscribe push {m!r}")
        # RESP3 allows any command in subscribed mode.
        s.sendall(cmd("GET", "r3"))
        expect(rd.read() == b"v", "GET while subscribed")
        pub.sendall(cmd("PUBLISH", "r3ch", "pushed"))
        expect(recv_exact(pub, 4) == b":1\r\n", "PUBLISH receivers")
        m = rd.read()
        expect(isinstance(m, Push) and
               m == [b"message", b"r3ch", b"pushed"], f"message push {m!r}")
        s.sendall(cmd("PING"))
        expect(rd.read() == "PONG", "PING in RESP3 subscribed mode")
        s.sendall(cmd("UNSUBSCRIBE"))
        m = rd.read()
        expect(isinstance(m, Push) and m == [b"unsubscribe", b"r3ch", 0],
               f"unsubscribe push {m!r}")
        s.sendall(cmd("HELLO", "2"))
        s.settimeout(IO_TIMEOUT)
        head = recv_exact(s, 4)
        expect(head == b"*14\r", f"HELLO 2 is not a 14-item array: {head!r}")


def t_expiry(port):
    r = client(port)
    expect(r.set("e:a", "v", px=300) is True, "SET PX")
    pttl = r.pttl("e:a")
    expect(0 < pttl <= 300, f"PTTL {pttl}")
    expect(r.ttl("e:a") in (0, 1), f"TTL {r.ttl('e:a')}")
    deadline = time.monotonic() + IO_TIMEOUT
    while r.get("e:a") is not None:
        expect(time.monotonic() < deadline, "e:a did not expire")
        time.sleep(0.02)
    expect(r.ttl("e:a") == -2 and r.exists("e:a") == 0, "gone")
    r.set("e:b", "v", ex=100)
    expect(95 <= r.ttl("e:b") <= 100, f"TTL {r.ttl('e:b')}")
    expect(r.persist("e:b") is True and r.ttl("e:b") == -1, "PERSIST")
    expect(r.expireat("e:b", int(time.time()) - 10) is True, "EXPIREAT")
    expect(r.exists("e:b") == 0, "EXPIREAT in the past deletes")
    r.set("e:c", "v")
    expect(r.pexpire("e:c", 100000) is True, "PEXPIRE")
    t = r.pexpiretime("e:c")
    now_ms = int(time.time() * 1000)
    expect(abs(t - (now_ms + 100000)) < 5000, f"PEXPIRETIME {t} vs {now_ms}")
    # Active expiry removes keys nobody touches: DBSIZE counts keys that
    # are logically expired but not yet deleted, so it drops to 0 only when
    # the server's expiry cycle removed them.
    r7 = client(port, db=7)
    p = r7.pipeline(transaction=False)
    for i in range(50):
        p.set(f"e:bulk:{i}", "v", px=100)
    p.execute()
    deadline = time.monotonic() + IO_TIMEOUT
    while True:
        n = r7.dbsize()
        if n == 0:
            break
        expect(time.monotonic() < deadline, f"{n} volatile keys remain")
        time.sleep(0.05)


def t_info(port):
    r = client(port)
    other = client(port)
    other.ping()
    info = r.info()
    for k in ("redis_version", "redis_mode", "tcp_port", "uptime_in_seconds",
              "connected_clients", "used_memory", "total_commands_processed",
              "total_connections_received", "role"):
        expect(k in info, f"INFO has no {k}; keys {sorted(info)[:20]}...")
    expect(info["tcp_port"] == port, f"tcp_port {info['tcp_port']}")
    expect(info["redis_mode"] == "standalone", f"{info['redis_mode']}")
    expect(info["role"] == "master", f"role {info['role']}")
    expect(info["connected_clients"] >= 2,
           f"connected_clients {info['connected_clients']}")
    expect(isinstance(info["used_memory"], int) and info["used_memory"] > 0,
           f"used_memory {info['used_memory']!r}")
    r.set("i:a", 1)
    r.set("i:b", 1, ex=100)
    client(port, db=5).set("i:in5", 1)
    ks = r.info("keyspace")
    expect("db0" in ks and "db5" in ks, f"keyspace {ks}")
    expect(ks["db5"]["keys"] == 1 and ks["db5"]["expires"] == 0,
           f"db5 {ks['db5']}")
    expect(ks["db0"]["keys"] == r.dbsize() and ks["db0"]["expires"] >= 1,
           f"db0 {ks['db0']} vs DBSIZE {r.dbsize()}")
    stats = r.info("stats")
    before = stats["total_commands_processed"]
    for _ in range(10):
        r.ping()
    after = r.info("stats")["total_commands_processed"]
    expect(after - before >= 11, f"commands processed {before} -> {after}")
    # A single section only has that section.
    cl = r.info("clients")
    expect("connected_clients" in cl and "redis_version" not in cl,
           f"INFO clients {sorted(cl)}")
    expect(r.info("nosuchsection") == {}, "unknown section")


def t_config(port):
    r = client(port, decode_responses=True)
    expect(r.config_get("maxmemory") == {"maxmemory": "0"},
           f"{r.config_get('maxmemory')}")
    expect(r.config_get("timeout") == {"timeout": "0"},
           f"{r.config_get('timeout')}")
    mm = r.config_get("maxmemory*")
    expect(mm.get("maxmemory-policy") == "noeviction" and
           "maxmemory-samples" in mm, f"maxmemory* {mm}")
    expect(r.config_get("nosuchparam") == {}, "unknown parameter")
    expect(r.config_set("timeout", "300") is True, "CONFIG SET timeout")
    expect(r.config_get("timeout") == {"timeout": "300"}, "after SET")
    r.config_set("timeout", "0")
    # Memory units are accepted and shown in bytes.
    expect(r.config_set("maxmemory", "100mb") is True, "CONFIG SET 100mb")
    expect(r.config_get("maxmemory") == {"maxmemory": "104857600"},
           f"maxmemory {r.config_get('maxmemory')}")
    r.config_set("maxmemory", "0")
    try:
        r.config_set("maxmemory-policy", "bogus")
        raise AssertionError("CONFIG SET of an invalid value succeeded")
    except redis.ResponseError as e:
        expect(str(e).startswith("CONFIG SET failed (possibly related to "
                                 "argument 'maxmemory-policy')"), str(e))
    try:
        r.config_set("nosuchparam", "1")
        raise AssertionError("CONFIG SET of an unknown parameter succeeded")
    except redis.ResponseError as e:
        expect(str(e) == "Unknown option or number of arguments for CONFIG "
               "SET - 'nosuchparam'", str(e))


def t_client(port):
    r = client(port, decode_responses=True, single_connection_client=True)
    o = client(port, decode_responses=True, single_connection_client=True)
    expect(r.client_getname() is None, "no name at first")
    expect(r.client_setname("tester") is True, "CLIENT SETNAME")
    expect(r.client_getname() == "tester", "CLIENT GETNAME")
    o.client_setname("other")
    my_id = r.client_id()
    expect(isinstance(my_id, int) and my_id > 0, f"CLIENT ID {my_id}")
    lst = r.client_list()
    mine = [c for c in lst if c.get("name") == "tester"]
    expect(len(mine) == 1, f"CLIENT LIST {lst}")
    me = mine[0]
    expect(int(me["id"]) == my_id, f"id {me['id']} vs {my_id}")
    expect(me["cmd"] == "client|list", f"cmd {me['cmd']}")
    expect(me["addr"].startswith("127.0.0.1:") and
           me["laddr"] == f"127.0.0.1:{port}", f"addr {me}")
    expect(me["db"] == "0" and me["flags"] == "N", f"{me}")
    expect(int(me["fd"]) > 2, f"fd {me['fd']}")
    for k in ("fd", "age", "idle", "sub", "psub", "multi", "qbuf", "obl",
              "oll", "omem", "tot-mem", "events", "user", "resp"):
        expect(k in me, f"CLIENT LIST has no {k}: {me}")
    expect(any(c.get("name") == "other" for c in lst), "other client")
    only = r.client_list(client_id=[str(my_id)])
    expect(len(only) == 1 and only[0]["name"] == "tester", f"{only}")
    try:
        r.client_setname("bad name")
        raise AssertionError("a name with a space was accepted")
    except redis.ResponseError as e:
        expect(str(e) == "Client names cannot contain spaces, newlines or "
               "special characters.", str(e))
    oid = o.client_id()
    expect(r.client_kill_filter(_id=oid) == 1, "CLIENT KILL ID")
    names = [c.get("name") for c in r.client_list()]
    expect("other" not in names, f"killed client still listed: {names}")


CHECKS = [
    ("plain commands", t_plain),
    ("pipeline, transaction=False", t_pipeline_plain),
    ("pipeline, transaction=True (MULTI/EXEC)", t_pipeline_multi),
    ("WATCH with a conflicting writer", t_watch),
    ("pub/sub: subscribe, psubscribe, publish, unsubscribe", t_pubsub),
    ("RESP3 over a raw socket: HELLO 3 map, push messages", t_resp3),
    ("expiry", t_expiry),
    ("INFO parsed by redis-py", t_info),
    ("CONFIG GET/SET", t_config),
    ("CLIENT SETNAME/GETNAME/ID/LIST/KILL", t_client),
]


def main():
    if len(sys.argv) != 2:
        print("usage: test_clients.py PATH/TO/rkv-server", file=sys.stderr)
        return 2
    exe = os.path.abspath(sys.argv[1])
    print(f"# redis-py {redis.__version__} on {sys.executable}", flush=True)
    return ts.with_server(exe, "rkv-clients-", lambda server, port:
                          ts.run_checks(server, [(name, lambda fn=fn: fn(port))
                                                 for name, fn in CHECKS]))


if __name__ == "__main__":
    sys.exit(main())
