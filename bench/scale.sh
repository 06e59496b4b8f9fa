#!/usr/bin/env bash
# End-to-end scale figures for README "Performance": for each corpus size N,
# generate a synthetic provenance set (cached in bench/out), add it to a
# fresh index (timed), record the index size, trace 300 farm pages on one
# worker (per-article latency percentiles and peak RSS from `trace --stats`)
# right after the add and again after `unspun compact`, and score a fresh
# add+trace with the evaluation kit when it is there.
#
#   bench/scale.sh 10000 100000      # sizes to run; 1000000 takes ~10 min and ~10 GB of disk
#
# Figures depend on the machine: quote them with its core count.
set -euo pipefail
cd "$(dirname "$0")/.."
out=bench/out
mkdir -p "$out"
CGO_ENABLED=0 go build -o "$out/unspun" ./cmd/unspun
bin="$out/unspun"
for n in "${@:-10000}"; do
  set_dir="$out/synth-$n"
  if [ ! -f "$set_dir/gold.jsonl" ]; then
    "$bin" synth --articles "$n" --pages 300 --spin 0.3 --seed 7 "$set_dir"
  fi
  db="$out/idx-$n"
  rm -rf "$db"
  text_bytes=$(stat -c %s "$set_dir/corpus.jsonl")
  start=$(date +%s.%N)
  "$bin" add --db "$db" "$set_dir/corpus.jsonl"
  end=$(date +%s.%N)
  index_bytes=$(du -sb "$db" | cut -f1)
  echo "N=$n add: $(echo "$n / ($end - $start)" | bc -l | xargs printf '%.0f') articles/s wall; index dir $index_bytes bytes ($((index_bytes / n)) per article; corpus file $((text_bytes / n)) bytes per article)"
  echo "N=$n trace right after add:"
  "$bin" trace --db "$db" --learn=false --workers 1 --stats --format json "$set_dir/queries.jsonl" > "$out/trace-$n.jsonl"
  "$bin" compact --db "$db"
  echo "N=$n trace after compact: index dir $(du -sb "$db" | cut -f1) bytes"
  "$bin" trace --db "$db" --learn=false --workers 1 --stats --format json "$set_dir/queries.jsonl" > "$out/trace-$n.jsonl"
  if [ -f ../shared/eval/score.py ]; then
    python3 ../shared/eval/score.py provenance --unspun "$bin" --data "$set_dir" | tail -1
  fi
done
