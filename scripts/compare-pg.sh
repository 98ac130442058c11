#!/usr/bin/env bash
# Settlements/s into PostgreSQL (K=1, 8 workers) against pgbench's TPC-B-like
# transaction (8 clients, prepared statements) on the same server, in alternating
# rounds, since a shared machine drifts: prints each round with the ratio of the
# two, and the medians. The median ratio is the figure to read: each ratio
# compares two runs a few seconds apart, on the machine as it was then.
# Usage: scripts/compare-pg.sh [rounds]   (default 5; server as in pgbench.sh)
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v pgbench >/dev/null; then
  echo "compare-pg: pgbench not installed (Debian: apt-get install postgresql-client); skipped"
  exit 0
fi
rounds="${1:-5}"
seconds="${PGBENCH_SECONDS:-8}"
qex=() pg=() ratio=()
for round in $(seq 1 "$rounds"); do
  q=$(go test -run '^$' -bench 'SettlePostgres/K=1$' -benchtime "${seconds}s" ./engine/ |
    grep -oE '[0-9.]+ settlements/s' | cut -d' ' -f1 || true)
  p=$(PGBENCH_SECONDS="$seconds" scripts/pgbench.sh | grep -oE 'tps = [0-9.]+' | cut -d' ' -f3 ||
    true)
  if [ -z "$q" ] || [ -z "$p" ]; then
    echo "compare-pg: round $round gave no result (qex '$q', pgbench '$p'):" \
      "is PostgreSQL running at \$QEX_TEST_PG_DSN or 127.0.0.1:5432?" >&2
    exit 1
  fi
  r=$(awk -v q="$q" -v p="$p" 'BEGIN { printf "%.2f", q / p }')
  printf 'round %d: qex %6.0f settlements/s   pgbench %6.0f tps   ratio %s\n' "$round" "$q" "$p" "$r"
  qex+=("$q") pg+=("$p") ratio+=("$r")
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
printf 'median:  qex %6.0f settlements/s   pgbench %6.0f tps   ratio %.2f\n' \
  "$(median "${qex[@]}")" "$(median "${pg[@]}")" "$(median "${ratio[@]}")"
