#!/usr/bin/env bash
# Browser tests: a demo server on a free loopback port, then the suite in
# Debian's Chromium through playwright-core.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${ANXUN_BIN:-$PWD/build/anxun}
export ANXUN_DEMO_PASSWORD=${ANXUN_DEMO_PASSWORD:-Browser-Passw0rd-2026}
data=$(mktemp -d /tmp/anxun-browser.XXXXXX)
port=$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
"$BIN" serve --listen "127.0.0.1:$port" --data "$data" --demo --log-level warn >"$data/server.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$data"' EXIT
export ANXUN_URL="http://127.0.0.1:$port"
for _ in $(seq 1 300); do curl -fs "$ANXUN_URL/healthz" >/dev/null && break; sleep 0.1; done
curl -fs "$ANXUN_URL/healthz" >/dev/null || { cat "$data/server.log"; exit 1; }
cd tests/browser
npm test || { echo "--- server log"; tail -n 50 "$data/server.log"; exit 1; }
