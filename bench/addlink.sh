#!/usr/bin/env bash
# Times `add --link` (and, with STORIES=false, `add --stories=false`
# instead) for two unspun binaries in interleaved pairs on one synthetic
# set, and prints every run and the medians. On a shared machine the same
# run can take half as long again in a busy hour, so only interleaved
# pairs compare builds; the README quotes every run.
#
#   git worktree add /tmp/prev REV && (cd /tmp/prev && CGO_ENABLED=0 go build -o /tmp/unspun-prev ./cmd/unspun)
#   ROUNDS=5 bench/addlink.sh /tmp/unspun-prev bench/out/unspun 100000
set -euo pipefail
cd "$(dirname "$0")/.."
old=$1 new=$2 n=${3:-100000}
rounds=${ROUNDS:-3}
set_dir=bench/out/synth-$n
[ -f "$set_dir/corpus.jsonl" ] || "$new" synth --articles "$n" --pages 300 --spin 0.3 --seed 7 "$set_dir"
flags=(--link)
[ "${STORIES:-}" = false ] && flags=(--stories=false)
declare -A runs
for round in $(seq "$rounds"); do
  for b in "$old" "$new"; do
    db=bench/out/addlink-idx
    rm -rf "$db"
    s=$(date +%s.%N); "$b" add --db "$db" "${flags[@]}" "$set_dir/corpus.jsonl" 2>/dev/null; e=$(date +%s.%N)
    t=$(echo "$e - $s" | bc -l | xargs printf '%.1f')
    echo "$b round $round add ${flags[*]}: $t s, $(echo "$n / $t" | bc -l | xargs printf '%.0f') articles/s"
    runs[$b]+="$t "
  done
done
rm -rf bench/out/addlink-idx
for b in "$old" "$new"; do
  m=$(echo "${runs[$b]}" | tr ' ' '\n' | grep . | sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}')
  echo "$b median: $m s, $(echo "$n / $m" | bc -l | xargs printf '%.0f') articles/s"
done
