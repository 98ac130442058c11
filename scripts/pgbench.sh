#!/usr/bin/env bash
# pgbench's built-in TPC-B-like transaction on the same PostgreSQL server and with
# the same number of clients as BenchmarkSettlePostgres, for comparison.
# Usage: scripts/pgbench.sh [admin-url]   (default: $QEX_TEST_PG_DSN, else local)
set -euo pipefail

url="${1:-${QEX_TEST_PG_DSN:-postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable}}"
clients="${PGBENCH_CLIENTS:-8}"
seconds="${PGBENCH_SECONDS:-10}"
db="qex_pgbench_$$"

if ! command -v pgbench >/dev/null; then
  echo "pgbench: not installed (Debian: apt-get install postgresql-client); skipped"
  exit 0
fi
case "$url" in
  */postgres\?*) bench_url="${url/\/postgres\?/\/$db?}" ;;
  */postgres) bench_url="${url%/postgres}/$db" ;;
  *) echo "pgbench.sh: want a URL ending in /postgres (the admin database), got another" >&2; exit 2 ;;
esac
psql "$url" -qc "CREATE DATABASE $db"
trap 'psql "$url" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)"' EXIT

pgbench -i -q -s "$clients" "$bench_url" >/dev/null 2>&1
echo "pgbench TPC-B-like, $clients clients, $seconds s, prepared statements:"
pgbench -c "$clients" -j 2 -T "$seconds" -M prepared "$bench_url" 2>/dev/null |
  grep -E '^(tps|latency average)'
