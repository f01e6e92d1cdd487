#!/usr/bin/env python3
"""Seed fuzz/corpus/commands/ from the differential scripts.

Each tests/integration/*.txt script is cut into pieces of 12 commands; each
piece becomes one seed: a settings byte (clock moves 3 s and one tick between
the halves, see fuzz/fuzz_commands.c) and the commands as inline requests.
Directives for the harness (@conn, @read) are dropped; @sorted and @type
prefixes are stripped. Run from anywhere: python3 fuzz/seed_from_scripts.py
"""
import glob
import os

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
OUT = os.path.join(HERE, "corpus", "commands")
SETTINGS = bytes([0x0B])


def commands(path):
    for line in open(path, "rb"):
        line = line.rstrip(b"\n")
        if not line or line.startswith(b"#"):
            continue
        for prefix in (b"@sorted ", b"@type "):
            if line.startswith(prefix):
                line = line[len(prefix):]
        if line.startswith(b"@"):
            continue
        # The fuzzer's node has no debug command: keep DEBUG out of seeds.
        if line.upper().startswith(b"DEBUG"):
            continue
        yield line + b"\r\n"


def main():
    for path in sorted(glob.glob(os.path.join(ROOT, "tests", "integration", "*.txt"))):
        name = os.path.splitext(os.path.basename(path))[0]
        cmds = list(commands(path))
        for i in range(0, len(cmds), 12):
            data = SETTINGS + b"".join(cmds[i:i + 12])
            with open(os.path.join(OUT, "%s-%03d" % (name, i // 12)), "wb") as f:
                f.write(data[:4096])


if __name__ == "__main__":
    main()
