-- DuckDB's side of bench/vs_duckdb.sh (MODE=query): the SQL of the Logs Insights query
--   stats count(*), pct(@duration, 99) by function, bin(1h)
-- over the same CloudWatch NDJSON export. count(*) counts every event (START, END,
-- application lines and REPORT lines), as in Logs Insights; @duration is the REPORT line's own
-- `Duration:` (after the tab that follows the request id, so `Billed Duration:` and
-- `Init Duration:` stay out) and NULL on other lines, which quantile_cont skips. The hour bin
-- is epoch-aligned integer milliseconds, as faascope's bin(1h).
--   SET VARIABLE export_file = '/tmp/faascope-bench/export-1g.ndjson';
--   .read bench/duckdb_query.sql
WITH events AS (
    SELECT
        regexp_extract(logGroup, '^/aws/lambda/(.*)$', 1) AS function,
        (timestamp // 3600000) * 3600000 AS bin_ms,
        CASE WHEN message LIKE 'REPORT RequestId:%'
             THEN CAST(regexp_extract(message, '\tDuration: ([0-9.]+) ms', 1) AS DOUBLE)
        END AS duration
    FROM read_json(
        getvariable('export_file'),
        format = 'newline_delimited',
        columns = {timestamp: 'BIGINT', message: 'VARCHAR', logGroup: 'VARCHAR', logStream: 'VARCHAR'}
    )
)
SELECT function, bin_ms, count(*) AS n, quantile_cont(duration, 0.99) AS p99
FROM events
GROUP BY function, bin_ms
ORDER BY function, bin_ms;
