#!/usr/bin/env bash
# Compares two unspun binaries side by side on one synthetic set, the same
# hour on the same machine (the only fair comparison on a shared machine):
# add throughput into a fresh index (twice each, interleaved) and trace
# latency of the farm pages on one worker (twice each).
#
#   git worktree add /tmp/prev REV && (cd /tmp/prev && CGO_ENABLED=0 go build -o /tmp/unspun-prev ./cmd/unspun)
#   bench/compare.sh /tmp/unspun-prev bench/out/unspun 100000
set -euo pipefail
cd "$(dirname "$0")/.."
old=$1 new=$2 n=${3:-100000}
set_dir=bench/out/synth-$n
[ -f "$set_dir/gold.jsonl" ] || "$new" synth --articles "$n" --pages 300 --spin 0.3 --seed 7 "$set_dir"
for round in 1 2; do
  for b in "$old" "$new"; do
    db=bench/out/compare-idx-$(basename "$b")
    rm -rf "$db"
    s=$(date +%s.%N); "$b" add --db "$db" "$set_dir/corpus.jsonl" 2>/dev/null; e=$(date +%s.%N)
    echo "$b round $round add: $(echo "$n / ($e - $s)" | bc -l | xargs printf '%.0f') articles/s"
    for k in 1 2; do
      echo -n "$b trace: "
      "$b" trace --db "$db" --learn=false --workers 1 --stats --format json "$set_dir/queries.jsonl" 2>&1 >/dev/null | tail -1
    done
  done
done
