#!/usr/bin/env bash
# API tests over real HTTP: the same suite against SQLite, then against a
# throwaway PostgreSQL server started here on loopback and stopped afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
export ANXUN_BIN=${ANXUN_BIN:-$PWD/build/anxun}
files=$(ls tests/api/*.test.mjs)

echo "--> API tests on SQLite"
ANXUN_TEST_BACKEND=sqlite node --test --test-concurrency=2 $files

pgdir=$(mktemp -d /tmp/anxun-pg.XXXXXX)
trap 'scripts/pg.sh stop "$pgdir"' EXIT
echo "--> starting PostgreSQL on loopback"
export ANXUN_TEST_PG_URL=$(scripts/pg.sh start "$pgdir")
echo "--> API tests on PostgreSQL ($ANXUN_TEST_PG_URL)"
ANXUN_TEST_BACKEND=postgresql node --test --test-concurrency=2 $files
