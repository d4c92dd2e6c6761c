#!/usr/bin/env bash
# What PostgreSQL keys cost per request: one gateway on SQLite keys and one on PostgreSQL keys
# (RAMPART_POSTGRES_URL, a fresh random schema dropped at the end), same mock provider, same
# 1 KB prompt, wrk runs alternating. Needs `wrk`, `psql` and a PostgreSQL.
#
#   cargo build --release -p gateway --features postgres && \
#     PG_URL=postgres://postgres@127.0.0.1:5432/test examples/gateway/bench/postgres.sh
set -euo pipefail
cd "$(dirname "$0")/../../.."
BIN="${BIN:-target/release/gateway}"
PG_URL="${PG_URL:-postgres://postgres@127.0.0.1:5432/test}"
command -v wrk >/dev/null || { echo "wrk not found (apt-get install -y wrk)"; exit 2; }
WORK=$(mktemp -d)
PIDS=()
SCHEMA=gwbench_$(head -c4 /dev/urandom | od -An -tx1 | tr -d ' \n')
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; psql -q "$PG_URL" -c "DROP SCHEMA IF EXISTS $SCHEMA CASCADE" >/dev/null 2>&1; rm -rf "$WORK"; }
trap cleanup EXIT
MOCK=127.0.0.1:19101 SQ=127.0.0.1:19103 PG=127.0.0.1:19104
"$BIN" mock --bind "$MOCK" >"$WORK/mock.log" 2>&1 & PIDS+=($!)
common() { exec env RAMPART_UPSTREAM_URL="http://$MOCK/v1" RAMPART_LIMIT_PER_KEY="100000000/s" RAMPART_LIMIT_PER_ENDPOINT="100000000/s" RAMPART_LOG=warn "$@"; }
(common RAMPART_BIND="$SQ" RAMPART_DATA_DIR="$WORK/sq" "$BIN" >"$WORK/sq.log" 2>&1) & PIDS+=($!)
common RAMPART_BIND="$PG" RAMPART_DATA_DIR="$WORK/pg" RAMPART_POSTGRES_URL="$PG_URL" RAMPART_POSTGRES_SCHEMA=$SCHEMA \
  RAMPART_KEY_PEPPER='Zq3v8Kp1Lw9Xr2Ty6Ub4Nc7Md0Fe5Gh!sJ' RAMPART_AUDIT_KEY='Pm4w!Xc7Rt2Yb9Ln5Kd8Hs3Gf6Jq1Vz0eA' "$BIN" >"$WORK/pg.log" 2>&1 & PIDS+=($!)
for f in sq pg; do for _ in $(seq 1 100); do grep -q "demo key" "$WORK/$f.log" 2>/dev/null && break; sleep 0.1; done; done
KSQ=$(sed -n 's/.*demo key ([^)]*): \(.*\)$/\1/p' "$WORK/sq.log")
KPG=$(sed -n 's/.*demo key ([^)]*): \(.*\)$/\1/p' "$WORK/pg.log")
test -n "$KSQ" -a -n "$KPG" || { cat "$WORK"/*.log; exit 1; }
test "$(psql -qtA "$PG_URL" -c "SELECT count(*) FROM $SCHEMA.api_keys")" = 1 || { echo "the demo key is not in PostgreSQL"; exit 1; }
TEXT=$(python3 -c 's="Summarise the quarterly report on warehouse throughput and list three risks for the next planning cycle. "; print((s*12)[:1000])')
printf '{"model":"bench","messages":[{"role":"user","content":"%s"}]}' "$TEXT" >"$WORK/body.json"
cat >"$WORK/post.lua" <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("KEY")
local f = io.open(os.getenv("BODY_FILE"), "r"); wrk.body = f:read("*a"); f:close()
LUA
run() {
  KEY="$3" BODY_FILE="$WORK/body.json" wrk -t1 -c4 -d5s --latency -s "$WORK/post.lua" "http://$2/v1/chat/completions" >"$WORK/$1.txt"
  printf '%-8s %10s req/s  p50 %-9s p99 %-9s non-2xx %s\n' "$1" "$(awk '/Requests\/sec/ {print $2}' "$WORK/$1.txt")" \
    "$(awk '$1=="50%" {print $2}' "$WORK/$1.txt")" "$(awk '$1=="99%" {print $2}' "$WORK/$1.txt")" "$(awk '/Non-2xx/ {n=$NF} END {print n+0}' "$WORK/$1.txt")"
}
curl -s "http://$PG/admin/status" -o /dev/null
echo "wrk -t1 -c4 -d5s, 1 KB prompt, POST /v1/chat/completions (sqlite keys vs postgres keys)"
for i in 1 2 3; do run sqlite "$SQ" "$KSQ"; run postgres "$PG" "$KPG"; done
