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
# Pinning: the servers get the last WORKERS cores, the load generator the others, so the scheduler
# never puts wrk/h2load on a server's core (unpinned, rounds on a 2-core machine vary by ±25%).
cores=$(nproc)
if [ "$cores" -gt "$workers" ]; then
  server_cpus="$((cores - workers))-$((cores - 1))" client_cpus="0-$((cores - workers - 1))"
  on_server=(taskset -c "$server_cpus") on_client=(taskset -c "$client_cpus")
else
  server_cpus=all client_cpus=all on_server=() on_client=()
fi
for tool in wrk h2load nginx taskset; do
  command -v $tool >/dev/null || { echo "bench: $tool is missing (scripts/bootstrap installs it)"; exit 1; }
done
tmp=$(mktemp -d /tmp/wasmrun-http-bench.XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT

ours_port=18481 nginx_h1_port=18482 nginx_h2_port=18483
"${on_server[@]}" "$build/bench/http/http-bench-server" --port $ours_port --threads "$workers" >"$tmp/ours.log" 2>&1 &
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
ours_pid=${pids[0]}
"${on_server[@]}" nginx -c "$tmp/nginx.conf" -e "$tmp/nginx-error.log" &
nginx_pid=$!
pids+=($nginx_pid)
sleep 1
curl -sf http://127.0.0.1:$ours_port/ >/dev/null && curl -sf http://127.0.0.1:$nginx_h1_port/ >/dev/null ||
  { echo "bench: a server did not start"; cat "$tmp"/*.log; exit 1; }

# cpu_ticks PID: user+system clock ticks of PID and its children (nginx's workers).
cpu_ticks() {
  local total=0 p
  for p in $1 $(pgrep -P "$1"); do
    total=$((total + $(awk '{print $14 + $15}' /proc/$p/stat)))
  done
  echo $total
}
# measured PID REQUESTS RESULT...: appends the CPU µs per request since the ticks in $before.
us_per_request() {
  awk -v a="$before" -v b="$(cpu_ticks $1)" -v n="$2" -v t="$(getconf CLK_TCK)" 'BEGIN {printf "%.2f", (b - a) / t * 1e6 / n}'
}

# wrk_run PORT → "req/s p99_ms"
wrk_run() {
  local out
  out=$("${on_client[@]}" wrk -t1 -c"$connections" -d"${duration}s" --latency "http://127.0.0.1:$1/")
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
  out=$("${on_client[@]}" h2load -t1 -c"$connections" -m"$h2_streams" -n"$h2_requests" --log-file="$log" "http://127.0.0.1:$1/")
  local rps p99
  rps=$(grep -oE 'finished in [0-9.]+m?s, [0-9.]+ req/s' <<<"$out" | awk '{print $4}')
  p99=$(awk '{print $3}' "$log" | sort -n | awk '{a[NR] = $1} END {printf "%.2f", a[int(NR * 0.99)] / 1000}')
  grep -q "0 failed, 0 errored" <<<"$out" || { echo "h2load errors: $(grep -E 'requests:' <<<"$out")" >&2; }
  echo "$rps $p99"
}

# Warm-up, then alternate the peers so neither gets a cooler or warmer machine.
"${on_client[@]}" wrk -t1 -c"$connections" -d2s "http://127.0.0.1:$ours_port/" >/dev/null
"${on_client[@]}" wrk -t1 -c"$connections" -d2s "http://127.0.0.1:$nginx_h1_port/" >/dev/null
declare -a rows
# measure TEST PEER PID RUNNER PORT: one run, recorded as "TEST PEER req/s p99_ms cpu_us/req".
measure() {
  before=$(cpu_ticks "$3")
  local result
  result=$($4 "$5")
  rows+=("$1 $2 $result $(us_per_request "$3" "$(last_requests "$4" "$result")")")
}
# The request count of a run: wrk's req/s × duration, h2load's -n.
last_requests() {
  if [ "$1" == wrk_run ]; then awk -v r="${2%% *}" -v d="$duration" 'BEGIN {printf "%d", r * d}'; else echo "$h2_requests"; fi
}
for r in $(seq 1 "$rounds"); do
  measure wrk-http1.1 ours "$ours_pid" wrk_run $ours_port
  measure wrk-http1.1 nginx "$nginx_pid" wrk_run $nginx_h1_port
  measure h2load-h2c ours "$ours_pid" h2_run $ours_port
  measure h2load-h2c nginx "$nginx_pid" h2_run $nginx_h2_port
done

echo "machine: $cores cores, load average before: $(cut -d' ' -f1-3 /proc/loadavg); workers: $workers (server CPUs $server_cpus, client CPUs $client_cpus)"
echo "wrk -t1 -c$connections -d${duration}s --latency URL;  h2load -t1 -c$connections -m$h2_streams -n$h2_requests URL"
echo "median of $rounds alternating rounds (req/s, p99 and CPU each taken as its own median)"
printf '%-12s %11s %9s %9s %11s %9s %9s %7s %7s\n' test "ours req/s" "ours p99" "ours CPU" \
  "nginx req/s" "nginx p99" "nginx CPU" ratio "p99 x"
median() { sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }
for t in wrk-http1.1 h2load-h2c; do
  col() { printf '%s\n' "${rows[@]}" | awk -v t="$t" -v w="$1" -v c="$2" '$1 == t && $2 == w {print $c}' | median; }
  o_rps=$(col ours 3) o_p99=$(col ours 4) o_cpu=$(col ours 5)
  n_rps=$(col nginx 3) n_p99=$(col nginx 4) n_cpu=$(col nginx 5)
  printf '%-12s %11.0f %6s ms %6s us %11.0f %6s ms %6s us %6.2fx %6.2fx\n' "$t" "$o_rps" "$o_p99" "$o_cpu" \
    "$n_rps" "$n_p99" "$n_cpu" "$(awk -v a="$o_rps" -v b="$n_rps" 'BEGIN {print a / b}')" \
    "$(awk -v a="$o_p99" -v b="$n_p99" 'BEGIN {print (b > 0 ? a / b : 0)}')"
done
echo "(CPU: server user+system time per request. ratio: ours/nginx req/s; p99 x: ours/nginx p99, lower is better)"
echo "all runs (test peer req/s p99_ms cpu_us_per_request):"
printf '  %s\n' "${rows[@]}"
