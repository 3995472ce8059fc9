-- Each report remembers the industry division it was rolled up under, so that
-- a correction takes its old amount out of the right rollup cell even after
-- the registry changed the project's industry, and aggregates by division can
-- move such reports to the project's current division.
ALTER TABLE monitoring_reports ADD COLUMN industry_division text;
UPDATE monitoring_reports r SET industry_division = left(p.industry_code, 2)
  FROM v_projects p WHERE p.project_code = r.project_code;
ALTER TABLE monitoring_reports ALTER COLUMN industry_division SET NOT NULL;

-- Completion months are looked up often (the first COMPLETED report).
CREATE INDEX monitoring_reports_completed ON monitoring_reports (project_code, period_index)
  WHERE status = 3;
