#!/usr/bin/env python3
"""Write the seed corpora fuzz/corpus/request/ and fuzz/corpus/reply/.

Each file is one settings byte (see the harness headers) followed by the
bytes on the wire. Run from anywhere: python3 fuzz/gen_corpus.py
Existing seed files of the same name are overwritten; others are left alone.
"""
import os

HERE = os.path.dirname(os.path.abspath(__file__))

# Request settings byte: bit 0 unauthenticated, bits 1-2 max_bulk
# (default, 64, 1, 4096), bit 3 max_multibulk 16.
R_DEFAULT = 0x00
R_UNAUTH = 0x01
R_BULK64 = 0x02
R_BULK1 = 0x04
R_MB16 = 0x08


def mb(*args):
    """A multibulk request."""
    out = b"*%d\r\n" % len(args)
    for a in args:
        a = a if isinstance(a, bytes) else a.encode()
        out += b"$%d\r\n%s\r\n" % (len(a), a)
    return out


REQUESTS = {
    # Valid traffic.
    "ping": (R_DEFAULT, mb("PING")),
    "set-get-pipelined": (R_DEFAULT, mb("SET", "key", "value") + mb("GET", "key")
                          + mb("DEL", "key") + mb("GET", "key")),
    "hello3": (R_DEFAULT, mb("HELLO", "3") + mb("HELLO", "3", "AUTH", "default", "pw")),
    "client-setname": (R_DEFAULT, mb("CLIENT", "SETNAME", "fuzz") + mb("PING")),
    "binary-value": (R_DEFAULT, mb("SET", b"k\x00\r\n", b"\x00\xff\r\n\r\n\x01")),
    "empty-arg": (R_DEFAULT, mb("SET", "k", "") + mb("")),
    "big-argc": (R_DEFAULT, mb("MSET", *[("k%d" % i) for i in range(60)])),
    "big-argc-unauth": (R_UNAUTH, mb("MSET", *[("k%d" % i) for i in range(20)])),
    "big-bulk": (R_DEFAULT, mb("SET", "k", "x" * 1000)),
    # More than 1024 arguments: the argv arrays grow, then shrink back.
    "big-argc-inline": (R_DEFAULT, b"DEL" + b" k" * 1100 + b"\r\n" + mb("PING")),
    "empty-requests": (R_DEFAULT, b"*0\r\n*-1\r\n\r\n\n" + mb("PING") + b"*0\r\n"),
    "inline-simple": (R_DEFAULT, b"PING\r\nSET k v\r\nGET k\n"),
    "inline-quotes": (R_DEFAULT, b'SET "a b" \'c d\'\r\nSET "\\x41\\x4a\\n\\t\\"" \'it\\\'s\'\r\n'),
    "inline-escapes": (R_DEFAULT, b'ECHO "\\a\\b\\r\\n\\t\\\\\\z\\xzz\\x4"\r\n'),
    "inline-spaces": (R_DEFAULT, b"  \t SET   k\tv  \r\n   \r\n"),
    "inline-empty-quotes": (R_DEFAULT, b"SET \"\" ''\r\n"),
    "mixed-inline-multibulk": (R_DEFAULT, b"PING\r\n" + mb("ECHO", "hi") + b"ECHO x\n"),
    "partial-tail": (R_DEFAULT, mb("PING") + b"*2\r\n$3\r\nGET\r\n$3\r\nk"),
    "lenient-terminator": (R_DEFAULT, b"*1\r\n$4\r\nPINGxx*1\r\n$4\r\nPING\r\n"),
    "long-count-digits": (R_DEFAULT, b"*000000000000000000001\r\n$4\r\nPING\r\n"),
    # Malformed input.
    "bad-count-alpha": (R_DEFAULT, b"*x\r\n"),
    "bad-count-plus": (R_DEFAULT, b"*+1\r\n$4\r\nPING\r\n"),
    "bad-count-overflow": (R_DEFAULT, b"*99999999999999999999\r\n"),
    "count-too-big": (R_DEFAULT, b"*2147483648\r\n"),
    "count-int-max": (R_DEFAULT, b"*2147483647\r\n$3\r\nGET\r\n"),
    "count-mb16": (R_MB16, b"*17\r\n"),
    "count-unauth": (R_UNAUTH, b"*11\r\n"),
    "bad-bulk-len-alpha": (R_DEFAULT, b"*1\r\n$x\r\n"),
    "bad-bulk-len-neg": (R_DEFAULT, b"*1\r\n$-1\r\n"),
    "bad-bulk-len-huge": (R_DEFAULT, b"*1\r\n$536870913\r\n"),
    "bulk-len-over-64": (R_BULK64, b"*1\r\n$65\r\n" + b"x" * 65 + b"\r\n"),
    "bulk-len-at-64": (R_BULK64, mb("x" * 64)),
    "bulk-len-over-1": (R_BULK1, mb("ab")),
    "bulk-unauth": (R_UNAUTH, b"*1\r\n$16385\r\n"),
    "expected-dollar": (R_DEFAULT, b"*2\r\n$3\r\nGET\r\n:3\r\n"),
    "expected-dollar-nul": (R_DEFAULT, b"*1\r\n\x004\r\nPING\r\n"),
    "unbalanced-dquote": (R_DEFAULT, b'SET "abc\r\n'),
    "unbalanced-squote": (R_DEFAULT, b"SET 'abc\r\n"),
    "quote-not-followed-by-space": (R_DEFAULT, b'SET "a"b\r\n'),
    "inline-nul": (R_DEFAULT, b"PI\x00NG\r\nSET \"a\x00\r\n"),
    "multibulk-nul": (R_DEFAULT, b"*1\r\n$5\r\n\x00\x00\x00\x00\x00\r\n*\x00\r\n"),
    "huge-header-no-cr": (R_DEFAULT, b"*1\r\n$" + b"9" * 3000),
    "huge-inline-no-nl": (R_DEFAULT, b"GET " + b"a" * 3000),
    "cr-without-lf": (R_DEFAULT, b"*1\r$4\rPING\r\n"),
    "error-then-more": (R_DEFAULT, b"*1\r\n$abc\r\n" + mb("PING")),
}

# Reply settings byte: bit 7 clear = reply mode, max_depth = (bits 0-6) + 1;
# bit 7 set = bulk mode, bits 0-1 = max_len (512 MB, 64, 0, LLONG_MAX),
# bit 2 = the sink fails after a hash-derived number of bytes.
D128 = 0x7f
D1 = 0x00
D3 = 0x02
B_DEFAULT = 0x80
B_64 = 0x81
B_0 = 0x82
B_MAX = 0x83
B_SINKFAIL = 0x84

MARK = b"0123456789abcdefghij0123456789ABCDEFGHIJ"  # 40 bytes
MARK_REPEAT = b"a" * 40

REPLIES = {
    "status": (D128, b"+OK\r\n+PONG\r\n"),
    "error": (D128, b"-ERR unknown command 'FOO'\r\n-WRONGTYPE Operation\r\n"),
    "integer": (D128, b":0\r\n:-1\r\n:9223372036854775807\r\n:-9223372036854775808\r\n"),
    "bulk": (D128, b"$5\r\nhello\r\n$0\r\n\r\n$-1\r\n$4\r\n\r\n\r\n\r\n"),
    "array": (D128, b"*3\r\n$3\r\nfoo\r\n:1\r\n+bar\r\n*0\r\n*-1\r\n"),
    "nested": (D128, b"*2\r\n*2\r\n:1\r\n*1\r\n+x\r\n%1\r\n+k\r\n~2\r\n:1\r\n:2\r\n"),
    "map-set": (D128, b"%2\r\n+first\r\n:1\r\n+second\r\n:2\r\n~3\r\n+a\r\n+b\r\n+c\r\n%0\r\n~0\r\n"),
    "attribute": (D128, b"|1\r\n+key-popularity\r\n%2\r\n$1\r\na\r\n,0.1923\r\n$1\r\nb\r\n,0.0012\r\n*2\r\n:2039123\r\n:9543892\r\n"),
    "attribute-nested": (D128, b"*2\r\n|1\r\n+ttl\r\n:3600\r\n+v\r\n|0\r\n:1\r\n"),
    "push": (D128, b">3\r\n$7\r\nmessage\r\n$4\r\nchan\r\n$5\r\nhello\r\n+OK\r\n"),
    "null-bool": (D128, b"_\r\n#t\r\n#f\r\n"),
    "double": (D128, b",1.23\r\n,-0.5\r\n,1e300\r\n,10\r\n"),
    "double-inf-nan": (D128, b",inf\r\n,-inf\r\n,+inf\r\n,nan\r\n,-nan\r\n,INF\r\n"),
    "bignum": (D128, b"(3492890328409238509324850943850943825024385\r\n(-1\r\n"),
    "verbatim": (D128, b"=15\r\ntxt:Some string\r\n=4\r\nmkd:\r\n"),
    "bloberr": (D128, b"!21\r\nSYNTAX invalid syntax\r\n!0\r\n\r\n"),
    "depth-limit-1": (D1, b"*1\r\n*1\r\n:1\r\n"),
    "depth-limit-3": (D3, b"*1\r\n*1\r\n*1\r\n*1\r\n:1\r\n"),
    "deep-128": (D128, b"*1\r\n" * 128 + b":1\r\n" + b"*1\r\n" * 129 + b":1\r\n"),
    "partial": (D128, b"*2\r\n$5\r\nhel"),
    "bad-type": (D128, b"@foo\r\n"),
    "bad-type-nul": (D128, b"\x00\r\n"),
    "bad-integer": (D128, b":12a\r\n"),
    "bad-double": (D128, b",1.2.3\r\n"),
    "bad-double-space": (D128, b", 1\r\n"),
    "bad-nil": (D128, b"_x\r\n"),
    "bad-bool": (D128, b"#x\r\n"),
    "bad-bignum": (D128, b"(12-3\r\n"),
    "bad-bulk-len": (D128, b"$-2\r\n"),
    "bloberr-null": (D128, b"!-1\r\n"),
    "bulk-not-crlf": (D128, b"$3\r\nabcXY"),
    "verbatim-short": (D128, b"=3\r\ntxt\r\n"),
    "verbatim-no-colon": (D128, b"=5\r\ntxt_x\r\n"),
    "bad-mbulk-len": (D128, b"*x\r\n"),
    "map-null": (D128, b"%-1\r\n"),
    "mbulk-out-of-range": (D128, b"%1073741824\r\n"),
    "bulk-too-big": (D128, b"$536870913\r\n"),
    "lone-cr-in-line": (D128, b"+a\rb\r\n-c\r\rd\r\n"),
    "bulk-with-crlf-inside": (D128, b"$6\r\n\r\n\r\n\r\n\r\n"),
    # Streamed bulk payloads (bulk mode).
    "stream-len": (B_DEFAULT, b"$11\r\nhello world+OK\r\n"),
    "stream-len-zero": (B_DEFAULT, b"$0\r\nrest"),
    "stream-len-64": (B_64, b"$64\r\n" + bytes(range(64)) + b"tail"),
    "stream-len-over-64": (B_64, b"$65\r\n" + b"x" * 65),
    "stream-len-max0": (B_0, b"$1\r\nx"),
    "stream-len-llmax": (B_MAX, b"$9223372036854775807\r\n" + b"data" * 20),
    "stream-len-partial": (B_DEFAULT, b"$100\r\n" + b"y" * 50),
    "stream-eof": (B_DEFAULT, b"$EOF:" + MARK + b"\r\nREDIS0009 payload bytes" + MARK + b"+after\r\n"),
    "stream-eof-empty": (B_DEFAULT, b"$EOF:" + MARK + b"\r\n" + MARK),
    "stream-eof-partial-mark": (B_DEFAULT, b"$EOF:" + MARK + b"\r\nabc" + MARK[:20] + b"def" + MARK[:39]),
    "stream-eof-repeat-mark": (B_DEFAULT, b"$EOF:" + MARK_REPEAT + b"\r\n" + b"a" * 39 + b"b" + b"a" * 45),
    "stream-eof-long": (B_DEFAULT, b"$EOF:" + MARK + b"\r\n" + bytes(range(256)) * 4 + MARK),
    "stream-bad-dollar": (B_DEFAULT, b"+OK\r\n"),
    "stream-bad-len": (B_DEFAULT, b"$-1\r\n"),
    "stream-eof-short-mark": (B_DEFAULT, b"$EOF:abc\r\nxyz"),
    "stream-header-partial": (B_DEFAULT, b"$12"),
    "stream-len-sink-fails": (B_SINKFAIL, b"$200\r\n" + b"z" * 200 + b"+OK\r\n"),
    "stream-eof-sink-fails": (B_SINKFAIL, b"$EOF:" + MARK + b"\r\n" + b"p" * 300 + MARK),
}


def write(kind, seeds):
    d = os.path.join(HERE, "corpus", kind)
    os.makedirs(d, exist_ok=True)
    for name, (settings, payload) in seeds.items():
        with open(os.path.join(d, name), "wb") as f:
            f.write(bytes([settings]) + payload)
    print("%s: %d seeds" % (kind, len(seeds)))


if __name__ == "__main__":
    write("request", REQUESTS)
    write("reply", REPLIES)
