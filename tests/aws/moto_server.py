"""Starts moto's server for the tests, with one fix for strict AWS SDKs.

moto 5.2.5 answers GetTraceSummaries with `"Users": {}` where the X-Ray API has a list, and a
misspelled `IsParital` key; the Rust SDK rejects the first. Both are corrected in the response
before it is sent. Everything else is moto as published.
"""
import sys

import moto.xray.models as xray_models

_summary = xray_models.SegmentCollection.summary


def summary(self, *args, **kwargs):
    result = _summary(self, *args, **kwargs)
    for s in result.get("TraceSummaries", []):
        if s.get("Users") == {}:
            s["Users"] = []
        s.pop("IsParital", None)
    return result


xray_models.SegmentCollection.summary = summary

from moto.server import main  # noqa: E402

sys.exit(main(sys.argv[1:]))
