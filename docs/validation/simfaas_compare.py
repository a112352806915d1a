#!/usr/bin/env python3
"""Runs SimFaaS (PyPI `simfaas`) on the parameter sets of docs/validation.md and prints its results, or a
side-by-side table with faascope-sim's results.

Setup (a documented validation step, not part of CI):

    python3 -m venv /tmp/simfaas-venv && /tmp/simfaas-venv/bin/pip install simfaas
    /tmp/simfaas-venv/bin/python docs/validation/simfaas_compare.py                      # SimFaaS alone
    cargo run --release -p faascope-sim --example validate -- --simfaas-json > /tmp/faascope.json
    /tmp/simfaas-venv/bin/python docs/validation/simfaas_compare.py --faascope /tmp/faascope.json

SimFaaS's model: Poisson arrivals, exponential warm and (whole) cold request times, a fixed expiration
threshold counted from the end of the last request, requests routed to the newest idle instance, rejection when
the number of running instances equals the maximum concurrency. Its statistics cover the whole trace from t = 0
(no warm-up), and P(cold) = cold starts / all requests (rejected included); faascope-sim is run the same way.

Each set is simulated with REPS seeds (numpy's global seed 1..REPS); results are mean ± half-width of the 95 %
confidence interval (Student t with REPS - 1 degrees of freedom).
"""

import argparse
import json
import math
import time

import numpy as np
from simfaas.ServerlessSimulator import ServerlessSimulator

# name: (arrival rate /s, warm mean s, cold mean s, expiration threshold s, maximum concurrency, time s)
# Keep in sync with SIMFAAS_SETS in simulator/examples/validate.rs.
SETS = {
    "A": (0.9, 2.016, 2.163, 600.0, 1000, 1_000_000.0),
    "B": (5.0, 1.0, 1.5, 60.0, 1000, 100_000.0),
    "C": (8.0, 1.0, 1.2, 120.0, 10, 100_000.0),
    "D": (0.02, 1.0, 2.0, 30.0, 1000, 2_000_000.0),
}
REPS = 3
T975 = {1: 12.706, 2: 4.303, 3: 3.182, 4: 2.776, 5: 2.571, 6: 2.447, 7: 2.365, 8: 2.306, 9: 2.262}
COLS = ["p_cold", "p_reject", "avg_instances", "avg_running", "avg_idle"]


def run_set(rate, warm, cold, thr, conc, max_time, seed):
    np.random.seed(seed)
    sim = ServerlessSimulator(
        arrival_rate=rate,
        warm_service_rate=1.0 / warm,
        cold_service_rate=1.0 / cold,
        expiration_threshold=thr,
        max_time=max_time,
        maximum_concurrency=conc,
    )
    t0 = time.perf_counter()
    sim.generate_trace(debug_print=False, progress=False)
    wall = time.perf_counter() - t0
    r = sim.get_result_dict()
    return {
        "p_cold": r["prob_cold"],
        "p_reject": r["prob_reject"],
        "avg_instances": float(r["inst_count_avg"]),
        "avg_running": float(r["inst_running_count_avg"]),
        "avg_idle": float(r["inst_idle_count_avg"]),
        "requests": r["reqs_total"],
        "wall_s": wall,
    }


def mean_hw(values):
    n = len(values)
    m = sum(values) / n
    if n < 2:
        return m, float("nan")
    sd = math.sqrt(sum((v - m) ** 2 for v in values) / (n - 1))
    return m, T975.get(n - 1, 1.96) * sd / math.sqrt(n)


def fmt(m, h):
    """Mean ± half-width with 4 significant digits for the mean."""
    if m == 0 and (h == 0 or math.isnan(h)):
        return "0"
    return f"{m:.4g} ± {h:.2g}"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--faascope", help="JSON from `validate -- --simfaas-json` for a side-by-side table")
    ap.add_argument("--sets", default="ABCD")
    args = ap.parse_args()
    theirs = {}
    for name in args.sets:
        runs = [run_set(*SETS[name], seed) for seed in range(1, REPS + 1)]
        theirs[name] = {c: mean_hw([r[c] for r in runs]) for c in COLS}
        reqs = sum(r["requests"] for r in runs)
        wall = sum(r["wall_s"] for r in runs)
        print(f"# set {name}: {REPS} SimFaaS runs, {reqs} requests in {wall:.1f} s ({reqs / wall:.0f} requests/s)")
    ours = None
    if args.faascope:
        with open(args.faascope) as f:
            ours = json.load(f)
    print()
    print("| set | λ /s | warm s | cold s | threshold s | max conc. | time s | figure | SimFaaS | faascope-sim |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for name in args.sets:
        rate, warm, cold, thr, conc, max_time = SETS[name]
        for c in COLS:
            m, h = theirs[name][c]
            cell = fmt(m, h)
            other = ""
            if ours is not None:
                om, oh = ours[name][c]
                other = fmt(om, oh)
            print(f"| {name} | {rate} | {warm} | {cold} | {thr:g} | {conc} | {max_time:g} | {c} | {cell} | {other} |")


if __name__ == "__main__":
    main()
