"""Puts log events stamped now into a local emulator (moto), creating the group and stream.

Usage: python put_events.py ENDPOINT GROUP STREAM MESSAGE...
"""
import sys
import time

from emulator import client


def main():
    endpoint, group, stream, messages = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
    logs = client("logs", endpoint)
    if not logs.describe_log_groups(logGroupNamePrefix=group)["logGroups"]:
        logs.create_log_group(logGroupName=group)
    streams = logs.describe_log_streams(logGroupName=group, logStreamNamePrefix=stream)
    if not streams["logStreams"]:
        logs.create_log_stream(logGroupName=group, logStreamName=stream)
    now = int(time.time() * 1000)
    events = [{"timestamp": now + i, "message": m} for i, m in enumerate(messages)]
    logs.put_log_events(logGroupName=group, logStreamName=stream, logEvents=events)


if __name__ == "__main__":
    main()
