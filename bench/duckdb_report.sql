-- DuckDB's side of bench/vs_duckdb.sh (MODE=report): the per-function duration report that
-- `faascope report FILE --format json` computes, from the same CloudWatch NDJSON export.
--
-- The file comes in through a variable, so this also runs in the duckdb CLI:
--   SET VARIABLE export_file = '/tmp/faascope-bench/export-1g.ndjson';
--   .read bench/duckdb_report.sql
--
-- Only REPORT lines count (one per invocation). The duration is the REPORT's own
-- `Duration:` field, which follows the tab after the request id: anchoring on the tab keeps
-- `Billed Duration:` and `Init Duration:` out. quantile_cont is linear interpolation between
-- closest ranks, as faascope's (polars' Linear) percentiles are; the three percentiles are
-- taken in one list-valued call so each group is sorted once.
WITH reports AS (
    SELECT
        regexp_extract(logGroup, '^/aws/lambda/(.*)$', 1) AS function,
        CAST(regexp_extract(message, '\tDuration: ([0-9.]+) ms', 1) AS DOUBLE) AS duration
    FROM read_json(
        getvariable('export_file'),
        format = 'newline_delimited',
        columns = {timestamp: 'BIGINT', message: 'VARCHAR', logGroup: 'VARCHAR', logStream: 'VARCHAR'}
    )
    WHERE message LIKE 'REPORT RequestId:%'
),
agg AS (
    SELECT
        function,
        count(*) AS invocations,
        quantile_cont(duration, [0.5, 0.95, 0.99]) AS q,
        max(duration) AS max
    FROM reports
    GROUP BY function
)
SELECT function, invocations, q[1] AS p50, q[2] AS p95, q[3] AS p99, max
FROM agg
ORDER BY function;
