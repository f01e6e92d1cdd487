#!/bin/sh
# Runs examples/embed.c's binary and checks its exit status and output.
set -eu
out=$("$1") || { echo "rkv-embed exited with status $?"; exit 1; }
expect='invalidate db=0 key=greeting
get greeting -> hello
invalidate db=0 key=visits
(integer) 1
invalidate db=0 key=visits
(integer) 2
(array of 3)
  "hello"
  "2"
  (nil)
invalidate db=0 key=greeting
get greeting after 2 s -> gone
visits exists: 1
invalidate db=0 key=visits'
if [ "$out" != "$expect" ]; then
	echo "unexpected output:"
	echo "$out"
	exit 1
fi
echo "rkv-embed: output as expected"
