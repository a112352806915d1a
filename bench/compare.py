#!/usr/bin/env python3
"""Compare two per-function duration reports and print a verdict (bench/vs_duckdb.sh).

Both files have the shape of `faascope report --format json`:

    {"functions": [{"function": "fn-000", "invocations": 123,
                    "duration_ms": {"p50": ..., "p95": ..., "p99": ..., "max": ..., ...}, ...}],
     ...}

Other fields are ignored. The reports agree when they name the same functions, every
`invocations` count is equal, and `duration_ms.p50/p95/p99/max` agree within a relative
tolerance (default 1e-9; the two sides interpolate percentiles in different floating-point
order, so the last bits may differ).

    python3 bench/compare.py faascope.json duckdb.json [--labels faascope duckdb] [--rel-tol 1e-9]

Prints one verdict line (`IDENTICAL: ...` or `DIFFERENT: ...`) after any differences found;
exits 0 when identical, 1 when different, 2 when a file cannot be read. Standard library only.
"""

import argparse
import json
import math
import sys

STATS = ("p50", "p95", "p99", "max")
MAX_SHOWN = 20


def load(path, label):
    try:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
    except (OSError, ValueError) as e:
        print(f"compare.py: cannot read {label} report {path}: {e}", file=sys.stderr)
        sys.exit(2)
    funcs = doc.get("functions") if isinstance(doc, dict) else None
    if not isinstance(funcs, list):
        print(f"compare.py: {path} has no \"functions\" list", file=sys.stderr)
        sys.exit(2)
    out = {}
    for f in funcs:
        name = f.get("function")
        if name in out:
            print(f"compare.py: {label}: function {name!r} appears twice", file=sys.stderr)
            sys.exit(2)
        d = f.get("duration_ms") or {}
        out[name] = (f.get("invocations"), {k: d.get(k) for k in STATS})
    return out


def rel_diff(a, b):
    if a == b:
        return 0.0
    if a is None or b is None:
        return math.inf
    a, b = float(a), float(b)
    if math.isnan(a) or math.isnan(b):
        return math.inf
    return abs(a - b) / max(abs(a), abs(b))


def bin_ms(value):
    """A bin as milliseconds: faascope prints `2025-09-01 06:00:00.000` (UTC), DuckDB an integer."""
    if isinstance(value, (int, float)):
        return int(value)
    from datetime import datetime, timezone

    t = datetime.strptime(value, "%Y-%m-%d %H:%M:%S.%f").replace(tzinfo=timezone.utc)
    return int(t.timestamp() * 1000)


def load_query(path, label):
    """`{"rows": [{"function", "bin(1h)" or "bin_ms", "count(*)", "pct(@duration, 99)"}]}` by
    (function, bin in ms)."""
    try:
        with open(path, encoding="utf-8") as f:
            rows = json.load(f)["rows"]
    except (OSError, ValueError, KeyError, TypeError) as e:
        print(f"compare.py: cannot read {label} query result {path}: {e}", file=sys.stderr)
        sys.exit(2)
    out = {}
    for r in rows:
        b = r.get("bin(1h)", r.get("bin_ms"))
        key = (r.get("function"), bin_ms(b))
        if key in out:
            print(f"compare.py: {label}: group {key!r} appears twice", file=sys.stderr)
            sys.exit(2)
        out[key] = (r.get("count(*)"), r.get("pct(@duration, 99)"))
    return out


def main_query(args):
    """--query: per (function, hour) event counts equal and REPORT p99 within the tolerance."""
    la, lb = args.labels
    a, b = load_query(args.a, la), load_query(args.b, lb)
    problems = []
    if set(a) != set(b):
        problems.append(f"groups only in {la}: {len(set(a) - set(b))}, only in {lb}: {len(set(b) - set(a))}")
    worst, events = (0.0, None), 0
    common = sorted(set(a) & set(b), key=str)
    for key in common:
        (na, pa), (nb, pb) = a[key], b[key]
        if na is None or nb is None or int(na) != int(nb):
            problems.append(f"{key}: count(*) {la}={na} {lb}={nb}")
        else:
            events += int(na)
        if pa is None and pb is None:
            continue
        d = rel_diff(pa, pb)
        if d > worst[0]:
            worst = (d, f"{key[0]} {key[1]}")
        if d > args.rel_tol:
            problems.append(f"{key}: p99 {la}={pa!r} {lb}={pb!r} (relative difference {d:.3g})")
    for p in problems[:MAX_SHOWN]:
        print(f"  {p}")
    if len(problems) > MAX_SHOWN:
        print(f"  ... and {len(problems) - MAX_SHOWN} more")
    where = f" (at {worst[1]})" if worst[1] else ""
    if problems or not common:
        print(f"DIFFERENT: {len(problems)} difference(s) over {len(common)} common (function, hour) groups")
        return 1
    print(
        f"IDENTICAL: {len(common)} (function, hour) groups, {events} events; counts equal, "
        f"p99 within {args.rel_tol:g} relative (largest difference {worst[0]:.3g}{where})"
    )
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("a")
    ap.add_argument("b")
    ap.add_argument("--labels", nargs=2, default=("A", "B"), metavar=("A", "B"))
    ap.add_argument("--rel-tol", type=float, default=1e-9)
    ap.add_argument("--query", action="store_true", help="compare `faascope query` results (MODE=query)")
    args = ap.parse_args()
    if args.query:
        return main_query(args)
    la, lb = args.labels
    a, b = load(args.a, la), load(args.b, lb)

    problems = []
    only_a, only_b = sorted(set(a) - set(b), key=str), sorted(set(b) - set(a), key=str)
    if only_a:
        problems.append(f"functions only in {la}: {', '.join(map(str, only_a))}")
    if only_b:
        problems.append(f"functions only in {lb}: {', '.join(map(str, only_b))}")

    worst = (0.0, None)
    invocations = 0
    common = sorted(set(a) & set(b), key=str)
    for name in common:
        (na, sa), (nb, sb) = a[name], b[name]
        if na != nb or not isinstance(na, int):
            problems.append(f"{name}: invocations {la}={na} {lb}={nb}")
        else:
            invocations += na
        for k in STATS:
            d = rel_diff(sa[k], sb[k])
            if d > worst[0]:
                worst = (d, f"{name} {k}")
            if d > args.rel_tol:
                problems.append(f"{name}: duration_ms.{k} {la}={sa[k]!r} {lb}={sb[k]!r} (relative difference {d:.3g})")

    for p in problems[:MAX_SHOWN]:
        print(f"  {p}")
    if len(problems) > MAX_SHOWN:
        print(f"  ... and {len(problems) - MAX_SHOWN} more")
    where = f" (at {worst[1]})" if worst[1] else ""
    if problems or not common:
        what = f"{len(problems)} difference(s)" if problems else "no functions to compare"
        print(
            f"DIFFERENT: {what} between {la} and {lb} over {len(common)} common functions; "
            f"largest relative percentile difference {worst[0]:.3g}{where}"
        )
        return 1
    print(
        f"IDENTICAL: {len(common)} functions, {invocations} invocations; counts equal, "
        f"p50/p95/p99/max within {args.rel_tol:g} relative "
        f"(largest difference {worst[0]:.3g}{where})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
