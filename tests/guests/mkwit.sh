#!/bin/sh
# usage: mkwit.sh WASI_WIT_DIR OUTDIR WASI_VERSION [WORLD]
# Writes OUTDIR/world.wit (world WORLD { include wasi:http/proxy@WASI_VERSION; }) and
# OUTDIR/deps/wasi-*/package.wit, made from the WASI 0.2.12 WIT in WASI_WIT_DIR (one folder
# wasi-NAME/package.wit per package) with the version rewritten. StarlingMonkey
# (componentize-js 0.22/0.23) exports wasi:http/incoming-handler@0.2.10, so JS guests need
# 0.2.10; C guests can use any 0.2.x.
set -e
SRC=$1; OUT=$2; VER=$3; WORLD=${4:-hello}
mkdir -p "$OUT/deps"
for p in cli clocks filesystem http io random sockets; do
  mkdir -p "$OUT/deps/wasi-$p"
  sed "s/@0\.2\.12/@$VER/g" "$SRC/wasi-$p/package.wit" > "$OUT/deps/wasi-$p/package.wit"
done
# The engine world inside componentize-js uses wasi:io/error in wasi:sockets/network
# unconditionally; 0.2.12 gates it behind @unstable(network-error-code). Un-gate it.
sed -i '/@unstable(feature = network-error-code)/d' "$OUT/deps/wasi-sockets/package.wit"
cat > "$OUT/world.wit" <<W
package local:guest;
world $WORLD {
  include wasi:http/proxy@$VER;
}
W
