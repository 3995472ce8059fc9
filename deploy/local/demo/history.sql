-- DEMO ONLY. Never run this against real data: it rewrites when reports were filed.
--
-- Dates the demo's history back to when the county would have filed it.
-- load-history.sh has just pushed, through the API, the demo's reports for the
-- months before this half-year (history-filed.csv) and their corrections
-- (history-corrected.csv). Filed today, every one of them is past its
-- half-year's deadline (June 30 / December 31, China Standard Time), so the
-- server stored them as late — rightly: the server has no way to file a report
-- in the past, and must not have one. This script says what happened instead:
--   - each report was first filed on the 25th of its month, 10:00 CST;
--   - a report corrected since (version > 1) was corrected on the 28th of its
--     month, 16:00 CST;
--   - so none was late (monitoring_reports.late is decided at the first filing
--     and kept by corrections) and no correction came after its deadline
--     (corrected_late, decided when the correction is written); compliance
--     counts both. The summaries follow by trigger (migration 0009).
-- The audit rows of those reports get the same times, so the history reads the
-- same from every table. Idempotent: every run sets the same values.
--
-- Run as the PostgreSQL superuser (or the database's owner), with the reports
-- as project_code@period, one a line, on standard input (a generated data set
-- has tens of thousands: techreno-loadgen's history-keys.txt):
--   psql "$DSN" -v ON_ERROR_STOP=1 -f history.sql <keys.txt
BEGIN;

CREATE TEMP TABLE demo_keys (key text NOT NULL) ON COMMIT DROP;
\copy demo_keys FROM pstdin

CREATE TEMP TABLE demo_history ON COMMIT DROP AS
SELECT key AS entity_key,
       split_part(key, '@', 1) AS project_code,
       split_part(key, '@', 2) AS period,
       (split_part(key, '@', 2) || '-25 10:00:00+08')::timestamptz AS filed_at,
       (split_part(key, '@', 2) || '-28 16:00:00+08')::timestamptz AS corrected_at
FROM demo_keys;
ANALYZE demo_history;

-- Only months of a closed half-year, filed by today: anything else is a mistake.
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM demo_history WHERE corrected_at >= now()) THEN
    RAISE EXCEPTION 'demo history: a month that is not over yet';
  END IF;
END $$;

UPDATE monitoring_reports r
SET late = false,
    corrected_late = false,
    first_submit_at = h.filed_at,
    updated_at = CASE WHEN r.version > 1 THEN h.corrected_at ELSE h.filed_at END
FROM demo_history h
WHERE r.project_code = h.project_code AND r.period = h.period;

-- The audit rows: a first filing ('report', version 1) and its corrections
-- ('correct'), each with the row before and after it.
UPDATE audit_log a
SET at = CASE WHEN a.action = 'correct' THEN h.corrected_at ELSE h.filed_at END,
    after = (a.after::jsonb || jsonb_build_object(
        'late', false, 'corrected_late', false, 'first_submit_at', h.filed_at,
        'updated_at', CASE WHEN a.version > 1 THEN h.corrected_at ELSE h.filed_at END))::json,
    before = CASE WHEN a.before IS NULL THEN NULL ELSE (a.before::jsonb || jsonb_build_object(
        'late', false, 'corrected_late', false, 'first_submit_at', h.filed_at,
        'updated_at', CASE WHEN a.version > 2 THEN h.corrected_at ELSE h.filed_at END))::json END
FROM demo_history h
WHERE a.entity = 'progress' AND a.entity_key = h.entity_key;

COMMIT;
