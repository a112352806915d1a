"""Seeds X-Ray in a local emulator (moto) with `aws xray batch-get-traces` output files.

Usage: python seed_xray.py ENDPOINT OUT.json BATCH-GET-TRACES.json...

Every segment document's `start_time` / `end_time` (and its subsegments', at any depth) is
shifted so that the newest segment ends two hours before now; the shifted traces are also written
to OUT.json in the same BatchGetTraces shape, for a file-side comparison.
"""
import json
import sys
import time

from emulator import client


def times(doc, out):
    for k in ("start_time", "end_time"):
        if isinstance(doc.get(k), (int, float)):
            out.append(doc[k])
    for sub in doc.get("subsegments", []) or []:
        times(sub, out)


def shift(doc, by):
    for k in ("start_time", "end_time"):
        if isinstance(doc.get(k), (int, float)):
            doc[k] = round(doc[k] + by, 6)
    for sub in doc.get("subsegments", []) or []:
        shift(sub, by)


def main():
    endpoint, out_path, inputs = sys.argv[1], sys.argv[2], sys.argv[3:]
    traces = []
    for p in inputs:
        with open(p, encoding="utf-8") as f:
            traces.extend(json.load(f)["Traces"])
    stamps = []
    for t in traces:
        for s in t["Segments"]:
            times(json.loads(s["Document"]), stamps)
    by = round(time.time() - 2 * 3600 - max(stamps), 3)
    docs = []
    for t in traces:
        for s in t["Segments"]:
            d = json.loads(s["Document"])
            shift(d, by)
            s["Document"] = json.dumps(d)
            docs.append(s["Document"])
    with open(out_path, "w", encoding="utf-8") as f:
        json.dump({"Traces": traces, "UnprocessedTraceIds": []}, f)
    xray = client("xray", endpoint)
    for i in range(0, len(docs), 50):
        r = xray.put_trace_segments(TraceSegmentDocuments=docs[i : i + 50])
        if r.get("UnprocessedTraceSegments"):
            sys.exit(f"the emulator rejected segments: {r['UnprocessedTraceSegments'][:3]}")
    print(json.dumps({"traces": len(traces), "segments": len(docs)}))


if __name__ == "__main__":
    main()
