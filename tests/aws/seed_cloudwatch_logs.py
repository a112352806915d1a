"""Seeds CloudWatch Logs in a local emulator (moto) with CloudWatch NDJSON export files.

Usage: python seed_cloudwatch_logs.py ENDPOINT OUT.ndjson EXPORT.ndjson[.gz]...

Timestamps are shifted so that the newest event lies two hours before now (the emulator, like
AWS, rejects events older than 14 days), and so is the `time` of JSON log format records. The shifted events are also written to OUT.ndjson, so a
test can compare `faascope report cloudwatch://...` with `faascope report OUT.ndjson`.
"""
import gzip
import json
import sys
import time
from collections import defaultdict
from datetime import datetime, timedelta

from emulator import client


def read(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)


def shift_message(message, shift_ms):
    """JSON log format records carry their own `time`: shift it with the event."""
    if not message.startswith("{"):
        return message
    try:
        record = json.loads(message)
    except ValueError:
        return message
    t = record.get("time") if isinstance(record, dict) else None
    if not isinstance(t, str):
        return message
    try:
        parsed = datetime.fromisoformat(t.replace("Z", "+00:00"))
    except ValueError:
        return message
    moved = parsed + timedelta(milliseconds=shift_ms)
    record["time"] = moved.isoformat(timespec="milliseconds").replace("+00:00", "Z")
    return json.dumps(record) + ("\n" if message.endswith("\n") else "")


def main():
    endpoint, out_path, inputs = sys.argv[1], sys.argv[2], sys.argv[3:]
    events = [e for p in inputs for e in read(p)]
    shift = int(time.time() * 1000) - 2 * 3600 * 1000 - max(e["timestamp"] for e in events)
    logs = client("logs", endpoint)
    streams = defaultdict(list)
    with open(out_path, "w", encoding="utf-8") as out:
        for e in events:
            e = dict(
                e,
                timestamp=e["timestamp"] + shift,
                message=shift_message(e["message"], shift),
            )
            out.write(json.dumps(e) + "\n")
            streams[(e["logGroup"], e["logStream"])].append(e)
    groups = sorted({g for g, _ in streams})
    for g in groups:
        logs.create_log_group(logGroupName=g)
    sent = 0
    for (g, s), evs in sorted(streams.items()):
        logs.create_log_stream(logGroupName=g, logStreamName=s)
        evs.sort(key=lambda e: e["timestamp"])
        batch, size = [], 0
        for e in evs + [None]:
            item = e and {"timestamp": e["timestamp"], "message": e["message"]}
            item_size = item and len(item["message"].encode()) + 26
            if batch and (item is None or len(batch) == 10000 or size + item_size > 1000000):
                r = logs.put_log_events(logGroupName=g, logStreamName=s, logEvents=batch)
                if r.get("rejectedLogEventsInfo"):
                    sys.exit(f"the emulator rejected events of {g}/{s}: {r['rejectedLogEventsInfo']}")
                sent += len(batch)
                batch, size = [], 0
            if item:
                batch.append(item)
                size += item_size
    print(json.dumps({"groups": groups, "events": sent}))


if __name__ == "__main__":
    main()
