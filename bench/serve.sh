#!/usr/bin/env bash
# Load figures for README "Performance": `unspun serve` on an index of N
# synthetic articles (built once and cached in bench/out), and 200
# concurrent clients on loopback posting the synthetic farm pages to
# /api/trace for 60 s (bench/loadgen): requests/s, latency percentiles,
# errors, and the server's resident memory at the start and the end.
#
#   bench/serve.sh [N] [CLIENTS] [SECONDS]     # defaults: 100000 200 60
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-100000}
clients=${2:-200}
secs=${3:-60}
out=bench/out
mkdir -p "$out"
CGO_ENABLED=0 go build -o "$out/unspun" ./cmd/unspun
CGO_ENABLED=0 go build -o "$out/loadgen" ./bench/loadgen
bin="$out/unspun"
set_dir="$out/synth-$n"
if [ ! -f "$set_dir/queries.jsonl" ]; then
  "$bin" synth --articles "$n" --pages 300 --spin 0.3 --seed 7 "$set_dir"
fi
db="$out/idx-$n"
if [ ! -d "$db" ]; then
  "$bin" add --db "$db" "$set_dir/corpus.jsonl"
fi
port=18$((RANDOM % 900 + 100))
"$bin" serve --db "$db" --addr "127.0.0.1:$port" --read-only 2> "$out/serve-$n.err" &
pid=$!
trap 'kill -TERM $pid 2>/dev/null || true' EXIT
for _ in $(seq 100); do
  curl -sf "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
  sleep 0.2
done
echo "N=$n serve pid $pid on port $port, $(nproc) cores; $clients clients for ${secs}s"
"$out/loadgen" -url "http://127.0.0.1:$port" -pages "$set_dir/queries.jsonl" -clients "$clients" -duration "${secs}s" -pid "$pid" || status=$?
kill -TERM "$pid"
wait "$pid" || true
trap - EXIT
tail -2 "$out/serve-$n.err"
exit "${status:-0}"
