#!/usr/bin/env bash
# The analyst service under load (docs/PERFORMANCE.md, "Analyst service under load").
#
#   bench/service/run_load.sh [FACES] [CLIENTS] [REQUESTS] [THREADS]   # defaults 100000 4 400 2
#
# Builds a FACES-face gallery in a scratch folder (dlib_johns enrolled for real, the rest
# synthetic: bench/service/build_gallery.cpp), starts `facetrace serve` on a free loopback
# port with THREADS workers, and runs facetrace_load twice (a warm-up round, then the
# measured round) with CLIENTS concurrent clients and REQUESTS searches each round, bounded
# to 10 minutes. Prints both rounds (requests/s, p50/p95, errors by status, server RSS before
# and after) and removes the scratch folder.
set -euo pipefail
cd "$(dirname "$0")/../.."
FACES=${1:-100000}
CLIENTS=${2:-4}
REQUESTS=${3:-400}
THREADS=${4:-2}
BUILD=${BUILD:-build}
DATASETS=${FACETRACE_DATASETS:-../shared/datasets}
WORK=$(mktemp -d /tmp/facetrace-load.XXXXXX)
SERVER=""
cleanup() {
  if [ -n "$SERVER" ]; then kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

echo "== machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
"$BUILD/facetrace_build_gallery" --db "$WORK/g.db" --photos "$DATASETS/dlib_johns" --faces "$FACES"
TOKEN=$("$BUILD/facetrace" user add load --role analyst --db "$WORK/g.db")
"$BUILD/facetrace" serve --db "$WORK/g.db" --port 0 --threads "$THREADS" 2>"$WORK/serve.log" &
SERVER=$!
PORT=""
for _ in $(seq 1200); do  # the port is printed once the models are loaded and it listens
  PORT=$(grep -o 'http://127.0.0.1:[0-9]*' "$WORK/serve.log" | grep -o '[0-9]*$' || true)
  [ -n "$PORT" ] && break
  sleep 0.1
done
[ -n "$PORT" ] || { cat "$WORK/serve.log"; exit 1; }
echo "== serving on port $PORT"
for round in warm-up measured; do
  echo "== $round round: $CLIENTS clients, $REQUESTS searches, server threads $THREADS"
  "$BUILD/facetrace_load" --port "$PORT" --token "$TOKEN" --photos "$DATASETS/dlib_johns" \
    --clients "$CLIENTS" --requests "$REQUESTS" --seconds 600 --server-pid "$SERVER" || true
done
echo "== load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
grep -E 'error|warn' "$WORK/serve.log" || true
