"""Seeds CloudWatch metrics in a local emulator (moto) from `get-metric-data` output files.

Usage: python seed_metrics.py ENDPOINT OUT.json GET-METRIC-DATA.json...

Each series `FUNCTION:METRIC:STAT` becomes datapoints of the AWS/Lambda metric METRIC with the
one dimension FunctionName=FUNCTION, one value per timestamp. A metric given under several
statistics (Duration: Average and p99) is seeded from the first only, since one datapoint per
period makes every statistic equal to it. Timestamps are shifted by whole days so that the newest
lies at least two hours before now (CloudWatch takes data up to two weeks old), keeping them on
their period boundaries. OUT.json receives the seeded series as get-metric-data output, so a
test can compare `faascope export --table metrics metrics://` with the same data from a file.
"""
import json
import sys
import time
from datetime import datetime, timedelta, timezone

from emulator import client

DAY = 86400


def parse(ts):
    return datetime.fromisoformat(ts.replace("Z", "+00:00"))


def main():
    endpoint, out_path, inputs = sys.argv[1], sys.argv[2], sys.argv[3:]
    series = {}
    for path in inputs:
        with open(path, encoding="utf-8") as f:
            for r in json.load(f)["MetricDataResults"]:
                function, metric, stat = r["Label"].split(":")
                if (function, metric) in series:
                    continue
                series[(function, metric)] = (stat, r["Timestamps"], r["Values"])
    newest = max(parse(t).timestamp() for _, ts, _ in series.values() for t in ts)
    target = time.time() - 2 * 3600
    shift_days = int((target - newest) // DAY)
    shift = timedelta(days=shift_days)
    cw = client("cloudwatch", endpoint)
    results, points = [], 0
    for i, ((function, metric), (stat, ts, vs)) in enumerate(sorted(series.items())):
        moved = sorted(zip((parse(t) + shift for t in ts), vs))
        data = [
            {
                "MetricName": metric,
                "Dimensions": [{"Name": "FunctionName", "Value": function}],
                "Timestamp": t,
                "Value": float(v),
            }
            for t, v in moved
        ]
        for k in range(0, len(data), 500):
            cw.put_metric_data(Namespace="AWS/Lambda", MetricData=data[k : k + 500])
        points += len(data)
        results.append(
            {
                "Id": f"m{i}",
                "Label": f"{function}:{metric}:{stat}",
                "Timestamps": [t.astimezone(timezone.utc).isoformat() for t, _ in moved],
                "Values": [float(v) for _, v in moved],
                "StatusCode": "Complete",
            }
        )
    with open(out_path, "w", encoding="utf-8") as out:
        json.dump({"MetricDataResults": results, "Messages": []}, out, indent=1)
    print(json.dumps({"series": len(results), "points": points, "shift_days": shift_days}))


if __name__ == "__main__":
    main()
