"""Insert a JSON Lines corpus into datasketch's MinHashLSH, for
bench/dedup.sh: the same work unspun dedup does (word 3-gram shingles,
MinHash, LSH at threshold 0.8), timed the same way (documents/s)."""
import json
import re
import sys
import time

from datasketch import MinHash, MinHashLSH

path, n = sys.argv[1], int(sys.argv[2])
word = re.compile(r"\w+")
start = time.time()
lsh = MinHashLSH(threshold=0.8, num_perm=128)
count = 0
with open(path, encoding="utf-8") as f:
    for line in f:
        if not line.strip():
            continue
        a = json.loads(line)
        toks = word.findall((a.get("title", "") + "\n" + a["text"]).lower())
        m = MinHash(num_perm=128)
        m.update_batch([" ".join(toks[i:i + 3]).encode() for i in range(max(1, len(toks) - 2))])
        lsh.insert(a["id"], m)
        count += 1
secs = time.time() - start
print(f"N={n} datasketch MinHashLSH: {secs:.1f}s, {count / secs:.0f} docs/s")
