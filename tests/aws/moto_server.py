"""Starts moto's server for the tests, with two fixes.

1. moto 5.2.5 answers GetTraceSummaries with `"Users": {}` where the X-Ray API has a list, and a
   misspelled `IsParital` key; the Rust SDK rejects the first. Both are corrected in the response
   before it is sent.
2. moto computes only Sum, Average, Minimum, Maximum and SampleCount in GetMetricData; for a
   percentile statistic (`p99`) it returns no value, which serialises as an empty element. Here
   a percentile is the nearest-rank percentile of the period's raw values, as CloudWatch
   computes it for values put one by one.

Everything else is moto as published.
"""
import math
import sys

import moto.cloudwatch.models as cloudwatch_models
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

_stat = cloudwatch_models.Statistics.get_statistics_for_type


def get_statistics_for_type(self, stat):
    if len(stat) > 1 and stat[0] == "p":
        try:
            q = float(stat[1:])
        except ValueError:
            return _stat(self, stat)
        values = sorted(self.metric_single_values_list)
        if not values:
            return None
        rank = max(1, math.ceil(q / 100.0 * len(values)))
        return values[min(rank, len(values)) - 1]
    return _stat(self, stat)


cloudwatch_models.Statistics.get_statistics_for_type = get_statistics_for_type

from moto.server import main  # noqa: E402

sys.exit(main(sys.argv[1:]))
