"""Puts log events stamped now into a local emulator (moto), creating the group and stream.

Usage: python put_events.py ENDPOINT GROUP STREAM [--at MS] MESSAGE...

The first message is stamped MS (epoch milliseconds; default: now), each next one 1 ms later.
"""
import sys
import time

from emulator import client


def main():
    endpoint, group, stream, messages = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
    at = None
    if messages[:1] == ["--at"]:
        at, messages = int(messages[1]), messages[2:]
    logs = client("logs", endpoint)
    if not logs.describe_log_groups(logGroupNamePrefix=group)["logGroups"]:
        logs.create_log_group(logGroupName=group)
    streams = logs.describe_log_streams(logGroupName=group, logStreamNamePrefix=stream)
    if not streams["logStreams"]:
        logs.create_log_stream(logGroupName=group, logStreamName=stream)
    start = int(time.time() * 1000) if at is None else at
    events = [{"timestamp": start + i, "message": m} for i, m in enumerate(messages)]
    logs.put_log_events(logGroupName=group, logStreamName=stream, logEvents=events)


if __name__ == "__main__":
    main()
