#!/usr/bin/env bash
# The HTTP engine against Debian's nginx, in one run, on loopback: wrk (HTTP/1.1 keep-alive) and
# h2load (h2c prior knowledge) on a "hello" handler — ours native (http-bench-server), nginx's
# `return 200 "hello"` — with the same number of workers. Prints a table of requests/s and p99.
#
#   bench/http/run.sh [BUILD_DIR]
#   WORKERS=1 CONNECTIONS=50 DURATION=10 ROUNDS=2 bench/http/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:-build}
workers=${WORKERS:-1}
connections=${CONNECTIONS:-50}
duration=${DURATION:-10}
rounds=${ROUNDS:-2}
h2_requests=${H2_REQUESTS:-400000}
h2_streams=${H2_STREAMS:-10}
for tool in wrk h2load nginx; do
  command -v $tool >/dev/null || { echo "bench: $tool is missing (scripts/bootstrap installs it)"; exit 1; }
done
tmp=$(mktemp -d /tmp/wasmrun-http-bench.XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT

ours_port=18481 nginx_h1_port=18482 nginx_h2_port=18483
"$build/bench/http/http-bench-server" --port $ours_port --threads "$workers" >"$tmp/ours.log" 2>&1 &
pids+=($!)
cat >"$tmp/nginx.conf" <<CONF
worker_processes $workers;
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
    listen 127.0.0.1:$nginx_h1_port reuseport;
    listen 127.0.0.1:$nginx_h2_port http2 reuseport;
    location / { return 200 "hello"; }
  }
}
CONF
nginx -c "$tmp/nginx.conf" -e "$tmp/nginx-error.log" &
pids+=($!)
sleep 1
curl -sf http://127.0.0.1:$ours_port/ >/dev/null && curl -sf http://127.0.0.1:$nginx_h1_port/ >/dev/null ||
  { echo "bench: a server did not start"; cat "$tmp"/*.log; exit 1; }

# wrk_run PORT → "req/s p99_ms"
wrk_run() {
  local out
  out=$(wrk -t1 -c"$connections" -d"${duration}s" --latency "http://127.0.0.1:$1/")
  local rps p99
  rps=$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
  echo "$rps $(to_ms "$p99")"
}
to_ms() {  # wrk prints 1.23ms / 850.00us / 1.02s
  awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n = n; else if (v ~ /s$/) n *= 1000; printf "%.2f", n }'
}
# h2_run PORT → "req/s p99_ms" (p99 from h2load's per-request log, microseconds in column 3)
h2_run() {
  local out log="$tmp/h2load-$1.log"
  out=$(h2load -t1 -c"$connections" -m"$h2_streams" -n"$h2_requests" --log-file="$log" "http://127.0.0.1:$1/")
  local rps p99
  rps=$(grep -oE 'finished in [0-9.]+m?s, [0-9.]+ req/s' <<<"$out" | awk '{print $4}')
  p99=$(awk '{print $3}' "$log" | sort -n | awk '{a[NR] = $1} END {printf "%.2f", a[int(NR * 0.99)] / 1000}')
  grep -q "0 failed, 0 errored" <<<"$out" || { echo "h2load errors: $(grep -E 'requests:' <<<"$out")" >&2; }
  echo "$rps $p99"
}

# Warm-up, then alternate the peers so neither gets a cooler or warmer machine.
wrk -t1 -c"$connections" -d2s "http://127.0.0.1:$ours_port/" >/dev/null
wrk -t1 -c"$connections" -d2s "http://127.0.0.1:$nginx_h1_port/" >/dev/null
declare -a rows
for r in $(seq 1 "$rounds"); do
  rows+=("wrk-http1.1 ours $(wrk_run $ours_port)")
  rows+=("wrk-http1.1 nginx $(wrk_run $nginx_h1_port)")
  rows+=("h2load-h2c ours $(h2_run $ours_port)")
  rows+=("h2load-h2c nginx $(h2_run $nginx_h2_port)")
done

echo "machine: $(nproc) cores; workers: $workers; wrk -t1 -c$connections -d${duration}s --latency;" \
     "h2load -t1 -c$connections -m$h2_streams -n$h2_requests; rounds: $rounds (best of rounds)"
printf '%-13s %14s %12s %14s %12s %10s %10s\n' test "ours req/s" "ours p99" "nginx req/s" "nginx p99" "ratio" "p99 ratio"
for t in wrk-http1.1 h2load-h2c; do
  best() { printf '%s\n' "${rows[@]}" | awk -v t="$t" -v w="$1" '$1 == t && $2 == w' | sort -k3 -n -r | head -1; }
  o=$(best ours) n=$(best nginx)
  read -r _ _ o_rps o_p99 <<<"$o"
  read -r _ _ n_rps n_p99 <<<"$n"
  printf '%-13s %14.0f %10s ms %14.0f %10s ms %9.2fx %9.2fx\n' "$t" "$o_rps" "$o_p99" "$n_rps" "$n_p99" \
    "$(awk -v a="$o_rps" -v b="$n_rps" 'BEGIN {print a / b}')" "$(awk -v a="$o_p99" -v b="$n_p99" 'BEGIN {print (b > 0 ? a / b : 0)}')"
done
echo "all runs:"
printf '  %s\n' "${rows[@]}"
