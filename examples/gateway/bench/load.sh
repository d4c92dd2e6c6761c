#!/usr/bin/env bash
# Load benchmark of the gateway against a bare axum pass-through to the same mock provider,
# in one run, on 127.0.0.1 only, bounded in time. Needs `wrk` (apt-get install -y wrk).
#
#   cargo build --release -p gateway && examples/gateway/bench/load.sh
#
# Env: DURATION (default 10s), CONNECTIONS (default 4), THREADS (default 1).
set -euo pipefail
cd "$(dirname "$0")/../../.."
BIN=target/release/gateway
DURATION="${DURATION:-10s}"
CONNECTIONS="${CONNECTIONS:-4}"
THREADS="${THREADS:-1}"
command -v wrk >/dev/null || { echo "wrk not found (apt-get install -y wrk)"; exit 2; }
test -x "$BIN" || { echo "build first: cargo build --release -p gateway"; exit 2; }

WORK=$(mktemp -d)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$WORK"; }
trap cleanup EXIT

MOCK=127.0.0.1:19001 PASS=127.0.0.1:19002 GW=127.0.0.1:19003
"$BIN" mock --bind "$MOCK" >"$WORK/mock.log" 2>&1 & PIDS+=($!)
"$BIN" passthrough --bind "$PASS" --upstream "http://$MOCK" >"$WORK/pass.log" 2>&1 & PIDS+=($!)
RAMPART_BIND="$GW" RAMPART_DATA_DIR="$WORK/data" RAMPART_UPSTREAM_URL="http://$MOCK/v1" \
  RAMPART_LIMIT_PER_KEY="100000000/s" RAMPART_LIMIT_PER_ENDPOINT="100000000/s" RAMPART_LOG=warn \
  "$BIN" >"$WORK/gw.log" 2>&1 & PIDS+=($!)
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
run() { # name addr key
  KEY="$3" BODY_FILE="$WORK/body.json" wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency \
    -s "$WORK/post.lua" "http://$2/v1/chat/completions" >"$WORK/$1.txt"
  local rps p50 p99 non2xx
  rps=$(awk '/Requests\/sec/ {print $2}' "$WORK/$1.txt")
  p50=$(awk '$1=="50%" {print $2}' "$WORK/$1.txt")
  p99=$(awk '$1=="99%" {print $2}' "$WORK/$1.txt")
  non2xx=$(awk '/Non-2xx/ {print $NF}' "$WORK/$1.txt")
  printf '%-12s %10s req/s   p50 %-9s p99 %-9s non-2xx %s\n' "$1" "$rps" "$p50" "$p99" "${non2xx:-0}"
}
echo "wrk -t$THREADS -c$CONNECTIONS -d$DURATION, 1 KB prompt, POST /v1/chat/completions"
run passthrough "$PASS" ""
run gateway "$GW" "$KEY"
