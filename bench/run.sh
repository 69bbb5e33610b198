#!/usr/bin/env bash
# The platform benchmark (not a test): wrk against anxun on SQLite and on
# PostgreSQL, and nginx answering a static JSON file of the same size as the
# ceiling, all in one run on loopback.
#   authenticated GET /api/v1/points?page_size=50 and POST /api/v1/points,
#   64 connections, 2 wrk threads, DURATION seconds each (default 15).
# Prints a Markdown table for docs/performance.md.
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${DURATION:-15}
BIN=${ANXUN_BIN:-$PWD/build/anxun}
export ANXUN_DEMO_PASSWORD=${ANXUN_DEMO_PASSWORD:-Bench-Passw0rd-2026}
work=$(mktemp -d /tmp/anxun-bench.XXXXXX)
chmod 755 "$work"  # PostgreSQL runs as its own user below
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  [ -f "$work/pg/port" ] && PG_DURABLE=1 scripts/pg.sh stop "$work/pg" || true
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }

wait_up() {
  for _ in $(seq 1 300); do curl -fs "$1/healthz" >/dev/null && return 0; sleep 0.1; done
  echo "server at $1 did not come up" >&2; return 1
}

# wrk_run NAME URL [script] -> appends "name|rps|p50|p99" to $work/rows
wrk_run() {
  local name=$1 url=$2 script=${3:-}
  local out
  out=$(wrk -t2 -c64 -d"${DURATION}s" --latency ${script:+-s "$script"} \
        ${TOKEN:+-H "Authorization: Bearer $TOKEN"} "$url")
  local rps p50 p99
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1=="50%" {print $2}' <<<"$out")
  p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  local errors
  errors=$(awk '/Non-2xx/ {print $5}' <<<"$out")
  echo "$name|$rps|$p50|$p99|${errors:-0}" >>"$work/rows"
  echo "  $name: $rps req/s, p50 $p50, p99 $p99, non-2xx ${errors:-0}"
}

cat >"$work/post.lua" <<'LUA'
-- `tid` is a global: setup() runs in the main Lua state and sets it per thread.
local counter = 0
local threads = 0
function setup(thread) threads = threads + 1; thread:set("tid", threads) end
function request()
  counter = counter + 1
  local body = string.format(
    '{"org_unit_id": %s, "code": "BENCH-%s-%d-%d", "name": "压测点 %d", "kind": "equipment"}',
    os.getenv("BENCH_UNIT"), os.getenv("BENCH_RUN"), tid, counter, counter)
  -- wrk.format ignores the -H headers when given its own table: copy them.
  local headers = {["Content-Type"] = "application/json"}
  for k, v in pairs(wrk.headers) do headers[k] = v end
  return wrk.format("POST", "/api/v1/points", headers, body)
end
LUA

bench_backend() {
  local label=$1; shift
  local port; port=$(free_port)
  "$BIN" serve --listen "127.0.0.1:$port" --data "$work/data-$label" --demo --log-level error "$@" \
    >"$work/$label.log" 2>&1 &
  pids+=($!)
  local url="http://127.0.0.1:$port"
  wait_up "$url"
  TOKEN=$(curl -fs "$url/api/v1/auth/login" -H 'content-type: application/json' \
    -d "{\"username\":\"admin\",\"password\":\"$ANXUN_DEMO_PASSWORD\"}" | node -pe 'JSON.parse(require("fs").readFileSync(0)).token')
  export TOKEN
  curl -fs "$url/api/v1/points?page_size=50" -H "Authorization: Bearer $TOKEN" >"$work/points.json"
  export BENCH_UNIT
  BENCH_UNIT=$(curl -fs "$url/api/v1/org-units?kind=plant" -H "Authorization: Bearer $TOKEN" |
    node -pe 'JSON.parse(require("fs").readFileSync(0)).items[0].id')
  export BENCH_RUN=$label$RANDOM
  echo "anxun on $label:"
  wrk_run "anxun $label GET /api/v1/points?page_size=50" "$url/api/v1/points?page_size=50"
  wrk_run "anxun $label POST /api/v1/points" "$url" "$work/post.lua"
  kill "${pids[-1]}"; wait "${pids[-1]}" 2>/dev/null || true
  unset TOKEN
}

bench_nginx() {
  local port; port=$(free_port)
  mkdir -p "$work/nginx/html"
  cp "$work/points.json" "$work/nginx/html/points.json"
  cat >"$work/nginx/nginx.conf" <<NGINX
worker_processes 2;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  types { application/json json; }
  server {
    listen 127.0.0.1:$port;
    root $work/nginx/html;
  }
}
NGINX
  nginx -c "$work/nginx/nginx.conf" -g 'daemon off;' &
  pids+=($!)
  sleep 0.5
  echo "nginx (static file of $(stat -c %s "$work/points.json") bytes):"
  wrk_run "nginx static JSON (same size)" "http://127.0.0.1:$port/points.json"
}

: >"$work/rows"
bench_backend sqlite
bench_nginx
mkdir -p "$work/pg"
pgurl=$(PG_DURABLE=1 scripts/pg.sh start "$work/pg")
psql "$pgurl/postgres" -qc 'CREATE DATABASE bench'
bench_backend postgresql --db "$pgurl/bench"

echo
echo "| run | requests/s | p50 | p99 | non-2xx |"
echo "| --- | ---: | ---: | ---: | ---: |"
while IFS='|' read -r name rps p50 p99 errs; do
  echo "| $name | $rps | $p50 | $p99 | $errs |"
done <"$work/rows"
nginx_rps=$(awk -F'|' '/nginx/ {print $2}' "$work/rows")
echo
awk -F'|' -v n="$nginx_rps" '/GET/ {printf "- %s: %.2f of nginx'"'"'s rate\n", $1, $2 / n}' "$work/rows"
