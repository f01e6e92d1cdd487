#!/usr/bin/env bash
# Checks the two ways a C program consumes rkv:
#   1. `meson install` puts rkv.h, librkv.so.0, librkv.a and rkv.pc under a
#      prefix, and a program compiled with `pkg-config --cflags --libs rkv`
#      builds and runs against it;
#   2. another meson project uses rkv as a subproject via dependency('rkv').
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=${1:?usage: check_install.sh WORKDIR}
rm -rf "$work"
mkdir -p "$work"
prefix=$work/prefix

meson setup "$work/build" "$root" --prefix="$prefix" --libdir=lib \
	-Dtests=false -Dexamples=false >/dev/null
ninja -C "$work/build" install >/dev/null
for f in include/rkv.h lib/librkv.a lib/librkv.so.0 lib/pkgconfig/rkv.pc; do
	[ -e "$prefix/$f" ] || { echo "FAIL: meson install did not install $f"; exit 1; }
done
export PKG_CONFIG_PATH=$prefix/lib/pkgconfig
cc -std=c11 -Wall -Wextra -Werror -o "$work/demo" "$root/examples/demo.c" \
	$(pkg-config --cflags --libs rkv)
LD_LIBRARY_PATH=$prefix/lib "$work/demo" | grep -q '+PONG' ||
	{ echo "FAIL: demo built against the installed rkv did not answer PING"; exit 1; }
echo "    installed: rkv.h, librkv.a, librkv.so.0, rkv.pc; pkg-config build runs"

sub=$work/consumer
mkdir -p "$sub/subprojects"
ln -s "$root" "$sub/subprojects/rkv"
cat >"$sub/meson.build" <<'MESON'
project('consumer', 'c', default_options: ['c_std=c11'])
rkv = dependency('rkv', fallback: ['rkv', 'rkv_dep'],
  default_options: ['tests=false', 'examples=false'])
executable('consumer', 'main.c', dependencies: rkv)
MESON
cat >"$sub/main.c" <<'C'
#include <rkv.h>
#include <string.h>
int main(void) { return strcmp(rkv_version(), RKV_VERSION_STRING) != 0; }
C
meson setup "$sub/build" "$sub" --force-fallback-for=rkv >/dev/null
ninja -C "$sub/build" >/dev/null
"$sub/build/consumer" || { echo "FAIL: subproject consumer"; exit 1; }
echo "    subproject: dependency('rkv') builds and links"
