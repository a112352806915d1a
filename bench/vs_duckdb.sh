#!/usr/bin/env bash
# faascope vs DuckDB on a large CloudWatch NDJSON export, in two modes:
#   MODE=report (default): `faascope report FILE --format json` against bench/duckdb_report.sql
#     (per-function invocation counts and duration p50/p95/p99/max; bench/compare.py checks them).
#     Target: throughput >= 3x DuckDB's, and peak RSS at most a quarter of the file.
#   MODE=query: `faascope query 'stats count(*), pct(@duration, 99) by function, bin(1h)' FILE`
#     against the same query in SQL, bench/duckdb_query.sql (count of every event and p99 of the
#     REPORT durations per function and hour; bench/compare.py --query checks them).
#     Target: throughput >= 2x DuckDB's.
#
# Generates (once) a ~1 GB export of 50 Lambda functions with examples/gen_bench_export.rs,
# then runs both tools RUNS times each, interleaved, after one untimed warm-up of each,
# measuring wall time and peak RSS with GNU time, checks that both give the same results, and
# prints a Markdown block for BENCHMARKS.md (also saved in BENCH_DIR).
#
# Usage: bench/vs_duckdb.sh            (MODE=query bench/vs_duckdb.sh)
# Environment (all optional):
#   MODE             report (default) or query
#   BENCH_DIR        work directory (default /tmp/faascope-bench): export, venv, outputs
#   BENCH_BYTES      export size, suffixes K/M/G or Ki/Mi/Gi (default 1G)
#   BENCH_FILE       use this export instead of generating one
#   SEED             generator seed (default 1)
#   RUNS             timed runs per tool (default 5)
#   DUCKDB_VERSION   pin the duckdb Python package (default: latest; only when installing)
#   CARGO_TARGET_DIR where cargo puts the build (default target/)
#   FAASCOPE_BIN, GEN_BIN  use these binaries; when both are set nothing is built
#
# Needs: cargo, python3 (with venv), GNU time at /usr/bin/time, and network access to PyPI
# the first time (to install duckdb into BENCH_DIR/venv).
set -euo pipefail
export LC_ALL=C

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BENCH_DIR="${BENCH_DIR:-/tmp/faascope-bench}"
BENCH_BYTES="${BENCH_BYTES:-1G}"
SEED="${SEED:-1}"
RUNS="${RUNS:-5}"
FUNCTIONS=50
RSS_TARGET_FRACTION=0.25

MODE="${MODE:-report}"
case "$MODE" in
    report) RATIO_TARGET=3 ;;
    query) RATIO_TARGET=2 ;;
    *) echo "vs_duckdb: MODE must be report or query (got '$MODE')" >&2; exit 1 ;;
esac
QUERY='stats count(*), pct(@duration, 99) by function, bin(1h)'

die() {
    echo "vs_duckdb: $*" >&2
    exit 1
}
# awk arithmetic helper: calc FORMAT EXPR
calc() { awk "BEGIN { printf \"$1\", ($2) }"; }

[[ "$RUNS" =~ ^[1-9][0-9]*$ ]] || die "RUNS must be a positive integer (got '$RUNS')"
if [[ ! -x /usr/bin/time ]] || ! /usr/bin/time -f '%e %M' -o /dev/null true 2>/dev/null; then
    die "GNU time is missing (/usr/bin/time); install it with: apt-get install -y time"
fi
command -v python3 >/dev/null || die "python3 is missing"

# 1. Build.
TARGET_DIR="${CARGO_TARGET_DIR:-target}"
[[ "$TARGET_DIR" = /* ]] || TARGET_DIR="$ROOT/$TARGET_DIR"
if [[ -z "${FAASCOPE_BIN:-}" || -z "${GEN_BIN:-}" ]]; then
    echo "==> cargo build --release --example gen_bench_export --bin faascope" >&2
    (cd "$ROOT" && cargo build --release --example gen_bench_export --bin faascope)
fi
FAASCOPE_BIN="${FAASCOPE_BIN:-$TARGET_DIR/release/faascope}"
GEN_BIN="${GEN_BIN:-$TARGET_DIR/release/examples/gen_bench_export}"
[[ -x "$FAASCOPE_BIN" ]] || die "no faascope binary at $FAASCOPE_BIN"

mkdir -p "$BENCH_DIR"
BENCH_DIR="$(cd "$BENCH_DIR" && pwd)"

# 2. The export.
size_tag="$(printf '%s' "$BENCH_BYTES" | tr '[:upper:]' '[:lower:]' | tr -d '_')"
seed_tag=""
[[ "$SEED" == 1 ]] || seed_tag="-s$SEED"
FILE="${BENCH_FILE:-$BENCH_DIR/export-$size_tag$seed_tag.ndjson}"
GEN_CMD=("$GEN_BIN" --out "$FILE" --bytes "$BENCH_BYTES" --functions "$FUNCTIONS" --seed "$SEED")
if [[ ! -f "$FILE" ]]; then
    [[ -z "${BENCH_FILE:-}" ]] || die "BENCH_FILE $FILE does not exist"
    [[ -x "$GEN_BIN" ]] || die "no generator binary at $GEN_BIN"
    echo "==> generating $FILE" >&2
    "${GEN_CMD[@]}"
fi
FILE_BYTES="$(stat -c %s "$FILE")"
(( FILE_BYTES > 0 )) || die "$FILE is empty"

# 3. DuckDB in a venv.
VENV="$BENCH_DIR/venv"
PY="$VENV/bin/python"
if ! "$PY" -c 'import duckdb' 2>/dev/null; then
    echo "==> installing duckdb into $VENV" >&2
    python3 -m venv "$VENV"
    "$PY" -m pip install --quiet --disable-pip-version-check "duckdb${DUCKDB_VERSION:+==$DUCKDB_VERSION}"
fi

SQL="$ROOT/bench/duckdb_$MODE.sql"
# Runs the SQL on the export and writes the result in faascope's report (or query) shape.
DUCKDB_PY='
import json, sys
import duckdb
sql_path, export, out, mode = sys.argv[1:5]
con = duckdb.connect()
con.execute("SET VARIABLE export_file = ?", [export])
with open(sql_path, encoding="utf-8") as f:
    rows = con.execute(f.read()).fetchall()
if mode == "query":
    doc = {"rows": [{"function": fn, "bin_ms": b, "count(*)": n, "pct(@duration, 99)": p99}
                    for fn, b, n, p99 in rows],
           "totals": {"invocations": sum(1 for _ in rows)}}
    with open(out, "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=1)
    sys.exit(0)
functions = [
    {"function": fn, "invocations": n,
     "duration_ms": {"p50": p50, "p95": p95, "p99": p99, "max": mx}}
    for fn, n, p50, p95, p99, mx in rows
]
totals = {"functions": len(functions), "invocations": sum(r[1] for r in rows)}
with open(out, "w", encoding="utf-8") as f:
    json.dump({"functions": functions, "totals": totals}, f, indent=1)
'

WORK="$BENCH_DIR/out"
mkdir -p "$WORK"
FAASCOPE_JSON="$WORK/faascope.json"
DUCKDB_JSON="$WORK/duckdb.json"
if [[ "$MODE" == query ]]; then
    FAASCOPE_CMD=("$FAASCOPE_BIN" query "$QUERY" "$FILE" --format json)
else
    FAASCOPE_CMD=("$FAASCOPE_BIN" report "$FILE" --format json)
fi
DUCKDB_CMD=("$PY" -c "$DUCKDB_PY" "$SQL" "$FILE" "$DUCKDB_JSON" "$MODE")

# Runs one tool under GNU time; sets SECS (wall) and KB (peak RSS, KiB).
timed() {
    local name=$1 stdout=$2
    shift 2
    local t0=${EPOCHREALTIME:-} t1 elapsed
    if ! /usr/bin/time -f '%e %M' -o "$WORK/$name.time" "$@" >"$stdout" 2>"$WORK/$name.stderr"; then
        echo "vs_duckdb: $name failed; its stderr:" >&2
        tail -n 30 "$WORK/$name.stderr" >&2
        exit 1
    fi
    t1=${EPOCHREALTIME:-}
    read -r elapsed KB <"$WORK/$name.time"
    # GNU time's %e has 10 ms resolution; bash 5's EPOCHREALTIME around it gives 1 ms.
    if [[ -n "$t0" && -n "$t1" ]]; then SECS="$(calc '%.3f' "$t1 - $t0")"; else SECS="$elapsed"; fi
}

# 4. Measure. The page cache is warmed first, so both tools read the file from memory.
echo "==> warming the page cache and running each tool once untimed" >&2
cat "$FILE" >/dev/null
LOAD_BEFORE="$(cut -d ' ' -f 1-3 /proc/loadavg)"
if [[ "$(calc '%d' "${LOAD_BEFORE%% *} > 0.5")" == 1 ]]; then
    echo "warning: load average is $LOAD_BEFORE; other work on this machine will skew the timings" >&2
fi
timed faascope "$FAASCOPE_JSON" "${FAASCOPE_CMD[@]}"
timed duckdb /dev/null "${DUCKDB_CMD[@]}"

F_SECS=() F_KB=() D_SECS=() D_KB=()
for ((i = 1; i <= RUNS; i++)); do
    timed faascope "$FAASCOPE_JSON" "${FAASCOPE_CMD[@]}"
    F_SECS+=("$SECS") F_KB+=("$KB")
    timed duckdb /dev/null "${DUCKDB_CMD[@]}"
    D_SECS+=("$SECS") D_KB+=("$KB")
    echo "    run $i/$RUNS (load $(cut -d ' ' -f 1 /proc/loadavg)): faascope ${F_SECS[-1]} s ${F_KB[-1]} KiB, duckdb ${D_SECS[-1]} s ${D_KB[-1]} KiB" >&2
done

LOAD_AFTER="$(cut -d ' ' -f 1-3 /proc/loadavg)"

median() {
    printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 }
        END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
maximum() { printf '%s\n' "$@" | sort -g | tail -n 1; }

F_MED="$(median "${F_SECS[@]}")"
D_MED="$(median "${D_SECS[@]}")"
F_RSS_MED="$(median "${F_KB[@]}")" F_RSS_MAX="$(maximum "${F_KB[@]}")"
D_RSS_MED="$(median "${D_KB[@]}")" D_RSS_MAX="$(maximum "${D_KB[@]}")"
mbps() { if [[ "$(calc '%d' "$1 > 0")" == 1 ]]; then calc '%.0f' "$FILE_BYTES / 1e6 / $1"; else echo "n/a"; fi; }
F_MBPS="$(mbps "$F_MED")"
D_MBPS="$(mbps "$D_MED")"
if [[ "$(calc '%d' "$F_MED > 0")" == 1 ]]; then
    RATIO="$(calc '%.2f' "$D_MED / $F_MED")"
    RATIO_OK="$(calc '%d' "$D_MED / $F_MED >= $RATIO_TARGET")"
else
    RATIO="n/a" RATIO_OK=0
fi
RSS_PCT="$(calc '%.1f' "100 * $F_RSS_MAX * 1024 / $FILE_BYTES")"
RSS_OK="$(calc '%d' "$F_RSS_MAX * 1024 <= $RSS_TARGET_FRACTION * $FILE_BYTES")"
mib() { calc '%.0f' "$1 / 1024"; }

# 5. Same results?
CMP_RC=0
CMP_ARGS=()
[[ "$MODE" != query ]] || CMP_ARGS=(--query)
VERDICT="$("$PY" "$ROOT/bench/compare.py" "$FAASCOPE_JSON" "$DUCKDB_JSON" --labels faascope duckdb "${CMP_ARGS[@]}" 2>&1)" || CMP_RC=$?

# 6. Report.
MODEL="$(lscpu 2>/dev/null | sed -n 's/^Model name:[[:space:]]*//p' | head -n 1)"
MEM_GB="$(free -g | awk '/^Mem:/ { print $2 }')"
# shellcheck source=/dev/null
OS="$( (. /etc/os-release 2>/dev/null && echo "${PRETTY_NAME:-}") || true)"
OS="${OS:-$(uname -s)}, kernel $(uname -r)"
REV="$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo "none")"
[[ -z "$(git -C "$ROOT" status --porcelain 2>/dev/null)" ]] || REV="$REV (dirty)"
RUSTC="$(rustc --version 2>/dev/null || echo "rustc unknown")"
FAASCOPE_VERSION="$("$FAASCOPE_BIN" --version 2>/dev/null || echo faascope)"
DUCKDB_INFO="$("$PY" -c 'import duckdb, sys
print(duckdb.__version__, duckdb.connect().execute("SELECT current_setting(\x27threads\x27)").fetchall()[0][0], sys.version.split()[0])')"
read -r DUCKDB_VERSION_RUN DUCKDB_THREADS PY_VERSION <<<"$DUCKDB_INFO"
LINES="$(wc -l <"$FILE")"
if [[ "$MODE" == query ]]; then
    REPORTS="$(grep -c '"message": *"REPORT RequestId' "$FILE" || true)"
else
    REPORTS="$("$PY" -c 'import json, sys; print(json.load(open(sys.argv[1]))["totals"]["invocations"])' "$DUCKDB_JSON")"
fi
# Where the export came from: the generator's command, or BENCH_FILE (whose provenance this
# script does not know; its functions are counted from DuckDB's result).
if [[ -n "${BENCH_FILE:-}" ]]; then
    FUNCTIONS_SEEN="$("$PY" -c 'import json, sys
d = json.load(open(sys.argv[1]))
rows = d["functions"] if "functions" in d else d["rows"]
print(len({r["function"] for r in rows}))' "$DUCKDB_JSON")"
    INPUT_FROM="$FUNCTIONS_SEEN functions; given as BENCH_FILE (not generated by this script)"
else
    INPUT_FROM="$FUNCTIONS functions; generated with
  \`cargo run --release --example gen_bench_export -- --out $FILE --bytes $BENCH_BYTES --functions $FUNCTIONS --seed $SEED\`"
fi
yes_no() { if [[ "$1" == 1 ]]; then echo "met"; else echo "NOT met"; fi; }
if [[ "$CMP_RC" == 0 ]]; then SAME="met"; else SAME="NOT met"; fi
short() { printf '%s' "${1/#$ROOT\//}"; }

OUT_MD="$BENCH_DIR/${MODE}_vs_duckdb-$(date -u +%Y%m%dT%H%M%SZ).md"
if [[ "$MODE" == query ]]; then
    F_SHOWN="$(short "$FAASCOPE_BIN") query '$QUERY' $FILE --format json > faascope.json"
    SAME_TEXT="counts exact, p99 within 1e-9 relative, per function and hour"
else
    F_SHOWN="$(short "$FAASCOPE_BIN") report $FILE --format json > faascope.json"
    SAME_TEXT="counts exact, p50/p95/p99/max within 1e-9 relative"
fi
{
    echo "### \`faascope $MODE\` vs DuckDB, $(date -u +%Y-%m-%d)"
    echo
    echo "- Machine: ${MODEL:-unknown CPU}, $(nproc) cores, ${MEM_GB} GiB RAM, $OS"
    echo "- faascope: $FAASCOPE_VERSION, commit $REV, release build ($RUSTC)"
    echo "- DuckDB: $DUCKDB_VERSION_RUN (Python package, Python $PY_VERSION), threads = $DUCKDB_THREADS (default: all cores)"
    echo "- Input: \`$FILE\`, $FILE_BYTES bytes ($(calc '%.1f' "$FILE_BYTES / 1e6") MB), $LINES lines, $REPORTS REPORT lines, $INPUT_FROM"
    echo "- Load average (1/5/15 min) before the warm-up: $LOAD_BEFORE; after the runs: $LOAD_AFTER"
    echo "- Method: page cache warm, one untimed warm-up run each, then $RUNS runs each, interleaved; peak RSS from \`/usr/bin/time -f '%e %M'\`, wall time from bash's \`EPOCHREALTIME\` around it (whole process, including start-up and Python's \`import duckdb\`); MB/s = file bytes / 10^6 / median seconds"
    echo
    echo "Commands:"
    echo
    echo '```sh'
    echo "$F_SHOWN"
    echo "python -c '<run bench/duckdb_$MODE.sql, write JSON>' bench/duckdb_$MODE.sql $FILE duckdb.json $MODE   # see bench/vs_duckdb.sh"
    echo '```'
    echo
    echo "| tool | runs (s) | median (s) | MB/s | peak RSS median (MiB) | peak RSS max (MiB) |"
    echo "|---|---|---|---:|---:|---:|"
    echo "| faascope | ${F_SECS[*]} | $F_MED | $F_MBPS | $(mib "$F_RSS_MED") | $(mib "$F_RSS_MAX") |"
    echo "| DuckDB | ${D_SECS[*]} | $D_MED | $D_MBPS | $(mib "$D_RSS_MED") | $(mib "$D_RSS_MAX") |"
    echo
    echo "- Throughput faascope / DuckDB: **${RATIO}×** (target ≥ ${RATIO_TARGET}×: $(yes_no "$RATIO_OK"))"
    if [[ "$MODE" == report ]]; then
        echo "- faascope peak RSS: $(mib "$F_RSS_MAX") MiB = $RSS_PCT % of the file (target ≤ $(calc '%.0f' "100 * $RSS_TARGET_FRACTION") %: $(yes_no "$RSS_OK"))"
    else
        echo "- faascope peak RSS: $(mib "$F_RSS_MAX") MiB = $RSS_PCT % of the file (no target in this mode)"
    fi
    echo "- Same results ($SAME_TEXT): $SAME"
    echo
    echo '```text'
    echo "$VERDICT"
    echo '```'
} >"$OUT_MD"
cat "$OUT_MD"
echo >&2
echo "(saved to $OUT_MD; outputs in $WORK)" >&2
exit "$CMP_RC"
