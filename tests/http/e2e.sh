#!/usr/bin/env bash
# End-to-end tests of the HTTP engine with real clients and peers on loopback: curl (HTTP/1.1,
# h2c prior knowledge, h2 over TLS with a throwaway CA), nghttp, node's http/http2 clients,
# pipelining, trailers, 100-continue, 100 MB bodies both ways in bounded memory, and our client
# (http-fetch) against node's servers (pooling counted in accepted connections, timeouts, errors).
# Ends with "N passed, N failed"; a missing tool (curl, openssl, nghttp, node) is a failure with the reason.
#
#   tests/http/e2e.sh [BUILD_DIR]
set -uo pipefail
cd "$(dirname "$0")/../.."
build=${1:-build}
server_bin=$build/tests/http/http-test-server
fetch=$build/tests/http/http-fetch
tmp=$(mktemp -d /tmp/wasmrun-http-e2e.XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
  wait 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT

passed=0 failed=0
pass() { echo "ok      $1"; passed=$((passed + 1)); }
fail() { echo "FAIL    $1: $2"; failed=$((failed + 1)); }
# expect NAME ACTUAL EXPECTED
expect() { if [ "$2" == "$3" ]; then pass "$1"; else fail "$1" "got '$2', expected '$3'"; fi; }
# expect_match NAME TEXT REGEX
expect_match() { if grep -qE -- "$3" <<<"$2"; then pass "$1"; else fail "$1" "no match for /$3/ in: $(head -c 300 <<<"$2")"; fi; }
have() { command -v "$1" >/dev/null 2>&1; }

wait_for_file() {
  for _ in $(seq 1 100); do [ -s "$1" ] && return 0; sleep 0.05; done
  return 1
}

for tool in curl openssl; do
  if ! have $tool; then
    fail "all" "$tool is not installed (scripts/bootstrap installs it)"
    echo "$passed passed, $failed failed"
    exit 1
  fi
done

# A throwaway CA and a certificate for localhost / 127.0.0.1.
(
  cd "$tmp" &&
  printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' >ext.cnf &&
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
    -subj '/CN=wasmrun e2e CA' -keyout ca.key -out ca.pem &&
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj '/CN=localhost' \
    -keyout server.key -out server.csr &&
  openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 \
    -extfile ext.cnf -out server.pem
) >"$tmp/openssl.log" 2>&1 || { fail "certificates" "$(tail -5 "$tmp/openssl.log")"; }

"$server_bin" --port-file "$tmp/plain.port" --threads 2 &
server_pid=$!
pids+=($server_pid)
"$server_bin" --port-file "$tmp/tls.port" --tls-cert "$tmp/server.pem" --tls-key "$tmp/server.key" &
pids+=($!)
wait_for_file "$tmp/plain.port" && wait_for_file "$tmp/tls.port" || { fail "servers" "did not start"; }
P=$(cat "$tmp/plain.port")
T=$(cat "$tmp/tls.port")
base=http://127.0.0.1:$P
tbase=https://localhost:$T

# ---- curl ----
expect "curl HTTP/1.1 GET" "$(curl -s -w ' %{http_version}' $base/hello)" "hello 1.1"
expect "curl h2c prior knowledge" "$(curl -s --http2-prior-knowledge -w ' %{http_version}' $base/hello)" "hello 2"
expect "curl h2 over TLS (ALPN), CA file" "$(curl -s --cacert "$tmp/ca.pem" --http2 -w ' %{http_version}' $tbase/hello)" "hello 2"
expect "curl HTTP/1.1 over TLS" "$(curl -s --cacert "$tmp/ca.pem" --http1.1 -w ' %{http_version}' $tbase/hello)" "hello 1.1"
expect "curl rejects our certificate without the CA" "$(curl -s -o /dev/null -w '%{http_code}' $tbase/hello; echo " $?")" "000 60"
expect_match "curl HTTP/1.1 chunked response with trailers" "$(curl -s --raw $base/trailers)" $'x-checksum: abc123\r?$'
out=$(curl -sv -H 'Expect: 100-continue' --data-binary 'continue me' $base/echo 2>&1)
expect_match "curl Expect: 100-continue gets 100" "$out" "HTTP/1.1 100 Continue"
expect_match "curl 100-continue body echoed" "$out" "^continue me"
expect "curl malformed request (obs-fold) → 400" "$(curl -s -o /dev/null -w '%{http_code}' -H $'X-A: a\r\n b' $base/hello)" "400"

# ---- pipelining over a raw socket ----
if exec 3<>/dev/tcp/127.0.0.1/$P; then
  printf 'GET /hello HTTP/1.1\r\nHost: x\r\n\r\nPOST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nfirstGET /trailers HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n' >&3
  piped=$(timeout 5 cat <&3 | tr -d '\r')
  exec 3>&-
  expect "pipelining: three responses" "$(grep -o 'HTTP/1.1 200 OK' <<<"$piped" | wc -l)" "3"
  expect "pipelining: in order" "$(grep -oE 'hello|first|x-checksum' <<<"$piped" | tr '\n' ' ')" "hello first x-checksum "
else
  fail "pipelining" "cannot connect"
fi

# ---- nghttp ----
if have nghttp; then
  expect "nghttp h2c GET" "$(nghttp $base/hello)" "hello"
  out=$(nghttp -v $tbase/trailers 2>&1)
  expect_match "nghttp h2 over TLS with response trailers" "$out" "x-checksum: abc123"
  printf 'uploaded by nghttp' >"$tmp/small"
  out=$(nghttp -v -d "$tmp/small" --trailer 'x-up: 42' $base/echo 2>&1)
  expect_match "nghttp upload with request trailers echoed" "$out" "x-up: 42"
  expect_match "nghttp upload body echoed" "$out" "uploaded by nghttp"
else
  fail "nghttp" "nghttp (nghttp2-client) is not installed (scripts/bootstrap installs it)"
fi

# ---- node clients ----
if have node; then
  out=$(node tests/http/node_clients.js "$P" "$T" "$tmp/ca.pem" 2>&1)
  while IFS= read -r line; do
    case "$line" in
      ok\ *) pass "node: ${line#ok }" ;;
      FAIL\ *) fail "node" "${line#FAIL }" ;;
    esac
  done <<<"$out"
  grep -qE '^(ok|FAIL) ' <<<"$out" || fail "node clients" "$out"
else
  fail "node clients" "node is not installed (scripts/bootstrap installs it)"
fi

# ---- 100 MB both ways in bounded memory ----
size=$((100 * 1024 * 1024))
head -c $size /dev/urandom >"$tmp/big"
want=$(sha256sum <"$tmp/big" | cut -d' ' -f1)
expect "100 MB upload (HTTP/1.1, streamed to /count)" "$(curl -s -T "$tmp/big" $base/count)" "$size"
expect "100 MB echo both ways (HTTP/1.1)" "$(curl -s -T "$tmp/big" $base/echo | sha256sum | cut -d' ' -f1)" "$want"
expect "100 MB echo both ways (h2c)" "$(curl -s --http2-prior-knowledge -T "$tmp/big" $base/echo | sha256sum | cut -d' ' -f1)" "$want"
expect "100 MB echo both ways (h2 over TLS)" "$(curl -s --cacert "$tmp/ca.pem" -T "$tmp/big" $tbase/echo | sha256sum | cut -d' ' -f1)" "$want"
expect "100 MB download (HTTP/1.1)" "$(curl -s "$base/big?n=$size" | wc -c)" "$size"
rm -f "$tmp/big"
peak_kb=$(awk '/VmHWM/ {print $2}' /proc/$server_pid/status)
if [ "${peak_kb:-999999}" -lt 65536 ]; then
  pass "server peak memory ${peak_kb} kB < 64 MB after 400 MB streamed"
else
  fail "server peak memory" "${peak_kb} kB (limit 65536 kB)"
fi

# ---- our client against our server ----
out=$("$fetch" --repeat 5 $base/hello)
expect_match "http-fetch → our server: HTTP/1.1 pooled" "$out" "connections_opened=1 reused=4"
out=$("$fetch" --h2c --parallel --repeat 10 "$base/slow?ms=50")
expect_match "http-fetch → our server: h2c, 10 parallel on one connection" "$out" "connections_opened=1 reused=9"
out=$("$fetch" --ca "$tmp/ca.pem" --data-size 5000000 --repeat 3 $tbase/echo)
expect_match "http-fetch → our server: TLS h2, 5 MB echoed, pooled" "$out" "^200 5000000 zzz"
expect_match "http-fetch → our server: TLS h2 one connection" "$out" "connections_opened=1 reused=2"

# ---- our client against node's servers ----
if have node; then
  node tests/http/node_peer.js "$tmp/node.json" "$tmp/server.pem" "$tmp/server.key" &
  pids+=($!)
  if wait_for_file "$tmp/node.json"; then
    NH=$(node -e "console.log(require('$tmp/node.json').http)")
    NC=$(node -e "console.log(require('$tmp/node.json').h2c)")
    NT=$(node -e "console.log(require('$tmp/node.json').tls)")
    u=http://127.0.0.1:$NH
    out=$("$fetch" $u/hello $u/hello $u/hello $u/hello $u/hello $u/conns)
    expect "http-fetch → node http: 6 requests, node counted connections" "$(tail -2 <<<"$out" | head -1)" "200 1 1"
    expect_match "http-fetch → node http: pool stats" "$out" "connections_opened=1 reused=5"
    u=http://127.0.0.1:$NC
    out=$("$fetch" --h2c $u/hello $u/hello $u/hello $u/conns)
    expect "http-fetch → node h2c: node counted sessions" "$(tail -2 <<<"$out" | head -1)" "200 1 1"
    u=https://localhost:$NT
    out=$("$fetch" --ca "$tmp/ca.pem" $u/hello $u/hello $u/hello $u/conns)
    expect "http-fetch → node TLS (ALPN h2): node counted connections" "$(tail -2 <<<"$out" | head -1)" "200 1 1"
    out=$("$fetch" --ca "$tmp/ca.pem" --data-size 3000000 $u/echo)
    expect_match "http-fetch → node TLS: 3 MB echoed" "$out" "^200 3000000 "
    out=$("$fetch" $u/hello)
    expect_match "http-fetch → node TLS without the CA: TLS-certificate-error" "$out" "^error TLS-certificate-error"
    out=$("$fetch" --first-byte-timeout 300 http://127.0.0.1:$NH/hang)
    expect_match "http-fetch → node: first-byte timeout" "$out" "^error connection-read-timeout"
    out=$("$fetch" --between-bytes-timeout 300 http://127.0.0.1:$NH/stall)
    expect_match "http-fetch → node: between-bytes timeout" "$out" "^200 body error connection-read-timeout"
    out=$("$fetch" --h2c --between-bytes-timeout 300 http://127.0.0.1:$NC/stall)
    expect_match "http-fetch → node h2c: between-bytes timeout" "$out" "^200 body error connection-read-timeout"
  else
    fail "node peer" "did not start"
  fi
else
  fail "client against node" "node is not installed (scripts/bootstrap installs it)"
fi
out=$("$fetch" http://127.0.0.1:1/)
expect_match "http-fetch: connection refused" "$out" "^error connection-refused"

# ---- graceful shutdown ----
kill -TERM $server_pid
for _ in $(seq 1 100); do kill -0 $server_pid 2>/dev/null || break; sleep 0.05; done
if kill -0 $server_pid 2>/dev/null; then
  fail "graceful shutdown" "the server still runs 5 s after SIGTERM"
else
  wait $server_pid
  expect "graceful shutdown: exit status" "$?" "0"
fi

echo
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
