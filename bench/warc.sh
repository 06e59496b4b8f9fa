#!/usr/bin/env bash
# End-to-end WARC figures for README "Performance": generate a WARC of the
# given size (default 1GB; cached in bench/out, never committed) from the
# demo corpus (English news text; pages cycle through its 8 stories), then read it with `unspun extract` and report the
# wall time, the MB/s of WARC read and the peak RSS. A .gz name writes and
# reads one gzip member per record.
#
#   bench/warc.sh                 # bench/out/big.warc, 1GB
#   bench/warc.sh 1GB big.warc.gz
set -euo pipefail
cd "$(dirname "$0")/.."
out=bench/out
mkdir -p "$out"
size=${1:-1GB}
name=${2:-big.warc}
CGO_ENABLED=0 go build -o "$out/unspun" ./cmd/unspun
corpus=demo/corpus.jsonl
if [ ! -f "$out/$name" ]; then
  CGO_ENABLED=0 go run ./bench/warcgen -size "$size" -corpus "$corpus" "$out/$name"
fi
bytes=$(stat -c %s "$out/$name")
/usr/bin/time -f "%e %M" -o "$out/warc-time.txt" "$out/unspun" extract --format json "$out/$name" > "$out/warc-extract.jsonl" 2> "$out/warc-stderr.txt" || true
read -r secs rss < "$out/warc-time.txt"
tail -1 "$out/warc-stderr.txt"
echo "$name: $bytes bytes in ${secs}s: $(echo "$bytes / $secs / 1048576" | bc -l | xargs printf '%.1f') MB/s of WARC, $(wc -l < "$out/warc-extract.jsonl") articles, peak RSS $((rss / 1024)) MB"
