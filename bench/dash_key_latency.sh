#!/usr/bin/env bash
# Key-press to redraw while a simulation runs: in the dashboard's simulate view (orders-api on
# sample-data), `+` five times starts simulations up to traffic ×10 (about 390,000 requests) in
# the background and `?` is pressed at once; the time
# until the help overlay is on the screen is the key's latency while the simulator works on
# the other core. The screen is read with `tmux capture-pane` every 2 ms.
#
# Usage: bench/dash_key_latency.sh    (RUNS=9; FAASCOPE_BIN=target/release/faascope)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="${FAASCOPE_BIN:-$ROOT/target/release/faascope}"
RUNS="${RUNS:-9}"
command -v tmux >/dev/null || { echo "dash_key_latency: tmux is missing" >&2; exit 1; }
SOCK="faascope-keybench-$$"
i=0
trap 'tmux -L "$SOCK-$i" kill-server 2>/dev/null || true' EXIT
T() { tmux -L "$SOCK-$i" "$@"; }
wait_for() {
    for ((n = 0; n < 10000; n++)); do
        if T capture-pane -p -t d | grep -qF -- "$1"; then return 0; fi
        sleep 0.002
    done
    echo "dash_key_latency: never saw '$1'" >&2
    exit 1
}
ms_since() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.0f", (b - a) * 1000 }'; }
LAT=()
for ((i = 1; i <= RUNS; i++)); do
    T new-session -d -s d -x 160 -y 45 "$BIN dash $ROOT/sample-data"
    wait_for "8 functions"
    T send-keys -t d "/" "orders" Enter
    wait_for "functions (1)"
    T send-keys -t d "s"
    wait_for "AS OBSERVED"
    T send-keys -t d "+" "+" "+" "+" "+"
    t0=$EPOCHREALTIME
    T send-keys -t d "?"
    wait_for "keys: simulate"
    LAT+=("$(ms_since "$t0")")
    echo "run $i: ${LAT[-1]} ms" >&2
    T kill-server 2>/dev/null || true
done
median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
echo "key-press to redraw while simulating, median: $(median "${LAT[@]}") ms (runs: ${LAT[*]})"
