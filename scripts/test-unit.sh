#!/usr/bin/env bash
# C++ unit tests. Tests that need PostgreSQL (generator races, demo load) get
# a throwaway server on loopback through ANXUN_TEST_PG_URL.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
BUILD=${BUILD:-build}
pgdir=$(mktemp -d /tmp/anxun-unit-pg.XXXXXX)
chmod 755 "$pgdir"
trap '"$root/scripts/pg.sh" stop "$pgdir/pg"' EXIT
export ANXUN_TEST_PG_URL=$(scripts/pg.sh start "$pgdir/pg")
cd "$BUILD"
ctest --output-on-failure -j "$(nproc)" --timeout 300
