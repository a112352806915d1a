#!/usr/bin/env bash
# `faascope traces` over a large file of X-Ray segment documents (one per line): wall time and
# peak RSS. The file is the sample-data's BatchGetTraces segments repeated with new trace and
# segment ids each round (so nothing is a repeat), to BENCH_BYTES.
#
# Usage: bench/traces_large.sh
# Environment (all optional):
#   BENCH_DIR      work directory (default /tmp/faascope-bench)
#   BENCH_BYTES    file size in bytes (default 270000000)
#   RUNS           timed runs (default 5)
#   FAASCOPE_BIN   the binary (default: cargo build --release, then target/release/faascope)
# Needs: python3, GNU time at /usr/bin/time.
set -euo pipefail
cd "$(dirname "$0")/.."
BENCH_DIR=${BENCH_DIR:-/tmp/faascope-bench}
BENCH_BYTES=${BENCH_BYTES:-270000000}
RUNS=${RUNS:-5}
mkdir -p "$BENCH_DIR"
FILE="$BENCH_DIR/segments-$BENCH_BYTES.ndjson"
if [ -z "${FAASCOPE_BIN:-}" ]; then
  cargo build --release --quiet
  FAASCOPE_BIN="${CARGO_TARGET_DIR:-target}/release/faascope"
fi
if [ ! -s "$FILE" ]; then
  python3 - "$FILE" "$BENCH_BYTES" <<'PY'
import glob, json, re, sys
out_path, limit = sys.argv[1], int(sys.argv[2])
docs = []
for f in sorted(glob.glob("sample-data/xray/*.json")):
    for t in json.load(open(f))["Traces"]:
        docs.extend(s["Document"] for s in t["Segments"])
trace_id = re.compile(r'(1-[0-9a-f]{8}-)[0-9a-f]{4}')
span_id = re.compile(r'("(?:id|parent_id)":")[0-9a-f]{4}')
written, k = 0, 0
with open(out_path + ".tmp", "w") as out:
    while written < limit:
        for d in docs:
            d = trace_id.sub(lambda m: m.group(1) + "%04x" % k, d)
            d = span_id.sub(lambda m: m.group(1) + "%04x" % k, d)
            out.write(d + "\n")
            written += len(d) + 1
        k += 1
import os
os.replace(out_path + ".tmp", out_path)
PY
fi
bytes=$(stat -c %s "$FILE")
echo "file: $FILE ($bytes bytes, $(wc -l < "$FILE") segment documents)"
"$FAASCOPE_BIN" traces "$FILE" --format json > /dev/null  # warm-up (page cache)
times=()
for _ in $(seq "$RUNS"); do
  /usr/bin/time -f '%e %M' -o "$BENCH_DIR/traces.time" "$FAASCOPE_BIN" traces "$FILE" --format json > /dev/null
  read -r t rss < "$BENCH_DIR/traces.time"
  times+=("$t")
  echo "run: ${t} s, peak RSS $((rss / 1024)) MiB"
done
median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
echo "median: ${median} s ($(awk -v b="$bytes" -v t="$median" 'BEGIN {printf "%.0f", b / 1e6 / t}') MB/s)"
