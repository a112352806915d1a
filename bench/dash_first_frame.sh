#!/usr/bin/env bash
# The dashboard's first frame on sample-data/, from process start: `faascope dash sample-data`
# runs in a detached tmux session (160×45) and the screen is read every 5 ms with
# `tmux capture-pane` until it shows the title bar (first frame) and then the loaded function
# table (data ready). Prints each run and the medians, in ms.
#
# Usage: bench/dash_first_frame.sh     (RUNS=9 by default; FAASCOPE_BIN=target/release/faascope)
# Needs: tmux, and a release build (cargo build --release).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="${FAASCOPE_BIN:-$ROOT/target/release/faascope}"
RUNS="${RUNS:-9}"
command -v tmux >/dev/null || { echo "dash_first_frame: tmux is missing" >&2; exit 1; }
[[ -x "$BIN" ]] || { echo "dash_first_frame: no binary at $BIN (cargo build --release)" >&2; exit 1; }
# A server (socket) per run: a new session on a socket whose server is still shutting down
# fails now and then ("server exited unexpectedly").
SOCK="faascope-bench-$$-0"
trap 'tmux -L "$SOCK" kill-server 2>/dev/null || true' EXIT
ms_since() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.0f", (b - a) * 1000 }'; }
FIRST=() READY=()
for ((i = 1; i <= RUNS; i++)); do
    SOCK="faascope-bench-$$-$i"
    t0=$EPOCHREALTIME
    tmux -L "$SOCK" new-session -d -s d -x 160 -y 45 "$BIN dash $ROOT/sample-data"
    first="" ready=""
    for ((n = 0; n < 4000; n++)); do
        screen="$(tmux -L "$SOCK" capture-pane -p -t d 2>/dev/null || true)"
        if [[ -z "$first" && "$screen" == *"faascope"* ]]; then first=$(ms_since "$t0"); fi
        if [[ "$screen" == *"8 functions"* ]]; then ready=$(ms_since "$t0"); break; fi
        sleep 0.005
    done
    tmux -L "$SOCK" kill-server 2>/dev/null || true
    [[ -n "$ready" ]] || { echo "dash_first_frame: run $i never showed the functions" >&2; exit 1; }
    echo "run $i: first frame ${first} ms, data shown ${ready} ms" >&2
    FIRST+=("$first") READY+=("$ready")
done
median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
echo "first frame median: $(median "${FIRST[@]}") ms (runs: ${FIRST[*]})"
echo "functions shown median: $(median "${READY[@]}") ms (runs: ${READY[*]})"
