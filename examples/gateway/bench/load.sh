#!/usr/bin/env bash
# Load benchmark of the gateway against a bare axum pass-through to the same mock provider,
# in one run, on 127.0.0.1 only, bounded in time. Needs `wrk` (apt-get install -y wrk).
#
#   cargo build --release -p gateway && examples/gateway/bench/load.sh
#
# For each connection count, both targets are measured back to back (pass-through first), and the
# gateway's added p50 / p99 is its figure minus the pass-through's of the same round. With one
# connection there is one request in flight: the added latency is the gateway's own work; with
# several, requests also queue for the CPU (2 cores shared with wrk and the mock here), so the
# added latency grows with the CPU each request costs. CPU is the server process's user + system
# time over the run divided by the requests it answered (from /proc; load-independent-ish).
#
# Env: DURATION (default 10s), CONNECTIONS (default "4 1"), THREADS (default 1),
#      BIN (default target/release/gateway).
set -euo pipefail
cd "$(dirname "$0")/../../.."
BIN="${BIN:-target/release/gateway}"
DURATION="${DURATION:-10s}"
CONNECTIONS="${CONNECTIONS:-4 1}"
THREADS="${THREADS:-1}"
command -v wrk >/dev/null || { echo "wrk not found (apt-get install -y wrk)"; exit 2; }
test -x "$BIN" || { echo "build first: cargo build --release -p gateway"; exit 2; }

WORK=$(mktemp -d)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$WORK"; }
trap cleanup EXIT

MOCK=127.0.0.1:19001 PASS=127.0.0.1:19002 GW=127.0.0.1:19003
"$BIN" mock --bind "$MOCK" >"$WORK/mock.log" 2>&1 & PIDS+=($!)
"$BIN" passthrough --bind "$PASS" --upstream "http://$MOCK" >"$WORK/pass.log" 2>&1 & PASS_PID=$!; PIDS+=($PASS_PID)
RAMPART_BIND="$GW" RAMPART_DATA_DIR="$WORK/data" RAMPART_UPSTREAM_URL="http://$MOCK/v1" \
  RAMPART_LIMIT_PER_KEY="100000000/s" RAMPART_LIMIT_PER_ENDPOINT="100000000/s" RAMPART_LOG=warn \
  "$BIN" >"$WORK/gw.log" 2>&1 & GW_PID=$!; PIDS+=($GW_PID)
for _ in $(seq 1 100); do grep -q "demo key" "$WORK/gw.log" 2>/dev/null && break; sleep 0.1; done
KEY=$(sed -n 's/.*demo key ([^)]*): \(.*\)$/\1/p' "$WORK/gw.log")
test -n "$KEY" || { cat "$WORK/gw.log"; exit 1; }

# A 1 KB prompt of ordinary text: every layer runs (key, limits, guard, PII scan, restore).
TEXT=$(python3 -c 'import sys; s="Summarise the quarterly report on warehouse throughput and list three risks for the next planning cycle. "; print((s*12)[:1000])')
printf '{"model":"bench","messages":[{"role":"user","content":"%s"}]}' "$TEXT" >"$WORK/body.json"
cat >"$WORK/post.lua" <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local key = os.getenv("KEY")
if key and key ~= "" then wrk.headers["Authorization"] = "Bearer " .. key end
local f = io.open(os.getenv("BODY_FILE"), "r"); wrk.body = f:read("*a"); f:close()
LUA
check() { # the request must succeed before it is measured
  local code; code=$(curl -s -o /dev/null -w '%{http_code}' -X POST "http://$1/v1/chat/completions" \
    -H 'Content-Type: application/json' ${2:+-H "Authorization: Bearer $2"} --data-binary @"$WORK/body.json")
  test "$code" = 200 || { echo "$1 answered $code"; exit 1; }
}
check "$PASS" ""; check "$GW" "$KEY"
cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; } # user + system ticks
us() { # wrk latency (850.00us, 1.20ms, 2.00s) -> microseconds
  awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) print n; else if (v ~ /ms$/) print n * 1000; else print n * 1000000 }'
}
run() { # name addr key pid connections -> prints a row, sets P50 P99
  local c0 c1 n
  c0=$(cpu "$4")
  KEY="$3" BODY_FILE="$WORK/body.json" wrk -t"$THREADS" -c"$5" -d"$DURATION" --latency \
    -s "$WORK/post.lua" "http://$2/v1/chat/completions" >"$WORK/$1.txt"
  c1=$(cpu "$4")
  local rps p50 p99 non2xx
  n=$(awk '/requests in/ {print $1}' "$WORK/$1.txt")
  rps=$(awk '/Requests\/sec/ {print $2}' "$WORK/$1.txt")
  p50=$(awk '$1=="50%" {print $2}' "$WORK/$1.txt")
  p99=$(awk '$1=="99%" {print $2}' "$WORK/$1.txt")
  non2xx=$(awk '/Non-2xx/ {print $NF}' "$WORK/$1.txt")
  P50=$(us "$p50"); P99=$(us "$p99")
  local cpu_us; cpu_us=$(awk -v d="$((c1 - c0))" -v n="$n" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.0f", d / hz / n * 1e6 }')
  printf '  %-12s %10s req/s   p50 %-9s p99 %-9s cpu %4s us/req   non-2xx %s\n' \
    "$1" "$rps" "$p50" "$p99" "$cpu_us" "${non2xx:-0}"
}
echo "$(date -u '+%F %H:%M') UTC, load average $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores"
echo "wrk -t$THREADS -d$DURATION, 1 KB prompt, POST /v1/chat/completions"
for c in $CONNECTIONS; do
  echo "-c$c"
  run passthrough "$PASS" "" "$PASS_PID" "$c"; PP50=$P50; PP99=$P99
  run gateway "$GW" "$KEY" "$GW_PID" "$c"
  printf '  added        p50 %s us   p99 %s us\n' "$(awk -v a="$P50" -v b="$PP50" 'BEGIN{printf "%.0f", a-b}')" \
    "$(awk -v a="$P99" -v b="$PP99" 'BEGIN{printf "%.0f", a-b}')"
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
