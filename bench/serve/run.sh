#!/usr/bin/env bash
# `wasmrun serve` against nginx and the engine's native handler, in one run, on loopback: wrk
# (HTTP/1.1 keep-alive) and h2load (h2c prior knowledge) on a "hello" answer from
#   wasmrun-c    wasmrun serve of tests/guests/components/c-hello-freestanding (a fresh instance per request)
#   wasmrun-wat  wasmrun serve of examples/http/hello.wat
#   wasmrun-js   wasmrun serve of the componentize-js hello (StarlingMonkey: one request per instance)
#   jco-c, jco-js  `jco serve --isolate-requests worker` of the C and JS hellos (node; HTTP/1.1 only)
#   native       build/bench/http/http-bench-server (the http/ engine, no wasm)
#   nginx        Debian's nginx, `return 200 "hello"`
# each with one worker thread pinned to the last core, the load on the others. Prints req/s, p99
# and the server's CPU per request, with the ratio to nginx.
#
#   bench/serve/run.sh [BUILD_DIR]
#   CONNECTIONS=50 DURATION=10 JS_REQUESTS=2000 bench/serve/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:-build}
connections=${CONNECTIONS:-50}
duration=${DURATION:-10}
h2_requests=${H2_REQUESTS:-100000}
js_requests=${JS_REQUESTS:-2000}
cores=$(nproc)
if [ "$cores" -gt 1 ]; then
  on_server=(taskset -c "$((cores - 1))") on_client=(taskset -c "0-$((cores - 2))")
else
  on_server=() on_client=()
fi
for tool in wrk h2load nginx taskset curl; do
  command -v $tool >/dev/null || { echo "bench: $tool is missing (scripts/bootstrap installs it)"; exit 1; }
done
components=$build/tests/guests/components
[ -f "$components/js-hello.wasm" ] || tests/guests/build-components "$components" "$PWD/wit/wasi" >/dev/null
tmp=$(mktemp -d /tmp/wasmrun-serve-bench.XXXXXX)
pids=()
# jco serve runs the component in a child node process: its children are ended too.
cleanup() {
  for p in "${pids[@]}"; do
    for c in $(pgrep -P "$p" || true); do kill "$c" 2>/dev/null || true; done
    kill "$p" 2>/dev/null || true
  done
  wait 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

declare -A port pid
start_wasmrun() {  # NAME PORT COMPONENT
  "${on_server[@]}" "$build/wasmrun" serve --threads 1 --addr "127.0.0.1:$2" "$3" >"$tmp/$1.log" 2>&1 &
  pid[$1]=$! port[$1]=$2
  pids+=($!)
}
start_wasmrun wasmrun-c 18581 "$components/c-hello-freestanding.wasm"
start_wasmrun wasmrun-wat 18582 examples/http/hello.wat
start_wasmrun wasmrun-js 18583 "$components/js-hello.wasm"
start_jco() {  # NAME PORT COMPONENT
  (cd tests/guests && exec "${on_server[@]}" node node_modules/.bin/jco serve --host 127.0.0.1 --port "$2" \
    --isolate-requests worker "$3") >"$tmp/$1.log" 2>&1 &
  pid[$1]=$! port[$1]=$2
  pids+=($!)
}
start_jco jco-c 18587 "$PWD/$components/c-hello-freestanding.wasm"
start_jco jco-js 18588 "$PWD/$components/js-hello.wasm"
"${on_server[@]}" "$build/bench/http/http-bench-server" --port 18584 --threads 1 >"$tmp/native.log" 2>&1 &
pid[native]=$! port[native]=18584
pids+=($!)
cat >"$tmp/nginx.conf" <<CONF
worker_processes 1;
daemon off;
pid $tmp/nginx.pid;
error_log $tmp/nginx-error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  default_type text/plain;
  keepalive_requests 100000000;
  client_body_temp_path $tmp/body;
  server {
    listen 127.0.0.1:18585 reuseport;
    listen 127.0.0.1:18586 http2 reuseport;
    location / { return 200 "hello"; }
  }
}
CONF
"${on_server[@]}" nginx -c "$tmp/nginx.conf" -e "$tmp/nginx-error.log" &
pid[nginx]=$! port[nginx]=18585
pids+=($!)
# The JavaScript component compiles on first use (then it is in the code cache).
for name in wasmrun-c wasmrun-wat wasmrun-js jco-c jco-js native nginx; do
  for _ in $(seq 1 600); do curl -sf -m 10 "http://127.0.0.1:${port[$name]}/" >/dev/null && break; sleep 0.5; done
  curl -sf -m 10 "http://127.0.0.1:${port[$name]}/" >/dev/null || { echo "bench: $name did not start"; cat "$tmp"/*.log; exit 1; }
done

cpu_ticks() {  # PID: user+system ticks of the process (all threads) and its children
  local total=0 p
  for p in $1 $(pgrep -P "$1" || true); do total=$((total + $(awk '{print $14 + $15}' /proc/$p/stat))); done
  echo $total
}
# A large module starts in the lazy tier and is compiled at full optimisation in the background
# (then cached): wait until the server idles (under 5% of a core over 2 s, at most 10 minutes),
# so that compilation is neither measured nor competing for the server's core.
wait_idle() {
  local before after
  for _ in $(seq 1 300); do
    before=$(cpu_ticks "$1")
    sleep 2
    after=$(cpu_ticks "$1")
    [ $((after - before)) -le $(($(getconf CLK_TCK) / 10)) ] && return 0
  done
  echo "bench: $2 kept compiling for 10 minutes" >&2
}
to_ms() { awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n = n; else if (v ~ /s$/) n *= 1000; printf "%.2f", n }'; }
wrk_run() {  # PORT → "req/s p99_ms requests"
  local out
  out=$("${on_client[@]}" wrk -t1 -c"$connections" -d"${duration}s" --latency "http://127.0.0.1:$1/")
  local rps p99 n
  rps=$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
  n=$(awk '/requests in/ {print $1}' <<<"$out")
  echo "$rps $(to_ms "$p99") $n"
}
h2_run() {  # PORT REQUESTS → "req/s p99_ms requests"
  local out log="$tmp/h2load-$1.log"
  out=$("${on_client[@]}" h2load -t1 -c"$connections" -m10 -n"$2" --log-file="$log" "http://127.0.0.1:$1/")
  local rps p99
  rps=$(grep -oE 'finished in [0-9.]+m?s, [0-9.]+ req/s' <<<"$out" | awk '{print $4}')
  p99=$(awk '{print $3}' "$log" | sort -n | awk '{a[NR] = $1} END {printf "%.2f", a[int(NR * 0.99)] / 1000}')
  grep -q "0 failed, 0 errored" <<<"$out" || echo "h2load errors on $1: $(grep -E 'requests:' <<<"$out")" >&2
  echo "$rps $p99 $2"
}
declare -a rows
measure() {  # TEST NAME RUNNER ARGS...
  local before result
  before=$(cpu_ticks "${pid[$2]}")
  result=$("${@:3}")
  read -r rps p99 n <<<"$result"
  local cpu
  cpu=$(awk -v a="$before" -v b="$(cpu_ticks "${pid[$2]}")" -v n="$n" -v t="$(getconf CLK_TCK)" 'BEGIN {printf "%.1f", (b - a) / t * 1e6 / n}')
  rows+=("$1 $2 $rps $p99 $cpu")
}
wait_idle "${pid[wasmrun-js]}" wasmrun-js
# Warm-up. jco serve answers a few requests per second: a 2 s wrk burst would leave it a backlog
# of hundreds of worker threads that would still be running while the others are measured.
for name in wasmrun-c wasmrun-wat wasmrun-js native nginx; do
  "${on_client[@]}" wrk -t1 -c"$connections" -d2s "http://127.0.0.1:${port[$name]}/" >/dev/null
done
for name in jco-c jco-js; do
  for _ in 1 2 3; do curl -sf -m 30 "http://127.0.0.1:${port[$name]}/" >/dev/null; done
  wait_idle "${pid[$name]}" "$name"
done
for name in nginx native wasmrun-c wasmrun-wat wasmrun-js jco-c jco-js; do
  measure wrk-http1.1 $name wrk_run "${port[$name]}"
  [[ $name == jco-* ]] && continue
  h2port=${port[$name]}
  [ $name == nginx ] && h2port=18586
  n=$h2_requests
  [ $name == wasmrun-js ] && n=$js_requests
  measure h2load-h2c $name h2_run "$h2port" "$n"
done

echo "machine: $cores cores, load average: $(cut -d' ' -f1-3 /proc/loadavg); one server thread on CPU $((cores - 1)), load on the others"
echo "wrk -t1 -c$connections -d${duration}s --latency URL;  h2load -t1 -c$connections -m10 -n$h2_requests URL (-n$js_requests for wasmrun-js)"
printf '%-12s %-12s %10s %9s %11s %9s\n' test server req/s p99 "CPU/req" "x nginx"
for row in "${rows[@]}"; do
  read -r t name rps p99 cpu <<<"$row"
  ngx=$(printf '%s\n' "${rows[@]}" | awk -v t="$t" '$1 == t && $2 == "nginx" {print $3}')
  printf '%-12s %-12s %10.0f %6s ms %8s us %8.3f\n' "$t" "$name" "$rps" "$p99" "$cpu" "$(awk -v a="$rps" -v b="$ngx" 'BEGIN {print a / b}')"
done
