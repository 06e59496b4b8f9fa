#!/usr/bin/env bash
# End-to-end dedup figures for README "Performance": for each corpus size N,
# a synthetic corpus (cached in bench/out; ~4.5 KB, ~750-word articles)
# deduplicated by `unspun dedup` — wall time, documents/s, MB/s of input and
# peak RSS — and, when Python can import datasketch, datasketch's MinHashLSH
# inserting the same file (128 permutations, threshold 0.8), side by side.
#
#   bench/dedup.sh 10000 100000        # 1000000 takes ~1 min and ~4.5 GB of disk
#   PYTHON=/usr/bin/python3 bench/dedup.sh 10000   # a Python that has datasketch (and numpy)
set -euo pipefail
cd "$(dirname "$0")/.."
out=bench/out
mkdir -p "$out"
CGO_ENABLED=0 go build -o "$out/unspun" ./cmd/unspun
bin="$out/unspun"
python=${PYTHON:-python3}
for n in "${@:-10000}"; do
  set_dir="$out/synth-$n"
  if [ ! -f "$set_dir/corpus.jsonl" ]; then
    "$bin" synth --articles "$n" --pages 0 --seed 7 "$set_dir" 2>/dev/null
  fi
  corpus="$set_dir/corpus.jsonl"
  bytes=$(stat -c %s "$corpus")
  /usr/bin/time -f "%e %M" -o "$out/dedup-time" "$bin" dedup --format json "$corpus" > "$out/dedup-$n.jsonl" 2> "$out/dedup-$n.err"
  read -r secs rss < "$out/dedup-time"
  echo "N=$n unspun dedup: ${secs}s wall, $(echo "$n / $secs" | bc -l | xargs printf '%.0f') docs/s, $(echo "$bytes / 1000000 / $secs" | bc -l | xargs printf '%.1f') MB/s of input, peak RSS $((rss / 1024)) MB; $(tail -1 "$out/dedup-$n.err")"
  if "$python" -c 'import datasketch' 2>/dev/null; then
    "$python" bench/dedup_datasketch.py "$corpus" "$n"
  else
    echo "N=$n datasketch: not installed (pip install datasketch), not run"
  fi
done
