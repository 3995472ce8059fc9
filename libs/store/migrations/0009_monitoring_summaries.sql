-- Summaries that monitoring's reads touch instead of history (issue 8).
--
-- Every figure monitoring answers is a sum of what each project contributes,
-- and a project's contribution is a function of a few facts about it (county,
-- industry, renovation types, support, size band, start, completion, whether
-- it is in the statistics) and of its reports. So:
--   - monitoring_project_facts: those facts, one row per project, with its
--     running total and last report month;
--   - monitoring_summary_months: per county × dimension value × month, the
--     completed investment and the compliance counts of the reports;
--   - monitoring_summary_cohorts: per county × dimension value × start month ×
--     completion month, the number of projects and their planned investment.
-- Triggers keep all three exact in the transaction of every write that
-- changes them, whoever writes (the services, a COPY, a migration):
--   - a report written or corrected adds its cells (and takes out the old
--     row's), set-based per statement;
--   - a project whose facts change (registry update, enterprise size band,
--     a COMPLETED report) is re-synced: its contribution under the old facts
--     is taken out, the facts are recomputed, its contribution under the new
--     facts goes in.
-- Dimensions are the AggregateDimension numbers: 0 every project, 3 industry
-- division, 4 renovation type, 5 support instrument (0: none requested), 6
-- enterprise size band, 7 stage (start year × 10000 + completion year, 9999
-- while not completed). A renovation type or instrument of a project counts
-- once under each of its values; dimension 0 counts it once.

-- They replace the county × division × month rollup, the division each report
-- remembered for it, and the view of projects outside the statistics that
-- queries subtracted from it.
DROP TABLE monitoring_rollup;
ALTER TABLE monitoring_reports DROP COLUMN industry_division;
DROP VIEW v_projects_outside_statistics;
DROP INDEX registry_projects_outside_statistics;

-- A correction after its half-year's deadline, decided when it is written
-- (the writer's rule, DeadlineEnd in report_rules.cc); earlier rows backfilled
-- here by the same rule (July 1 / January 1, China Standard Time).
ALTER TABLE monitoring_reports ADD COLUMN corrected_late boolean NOT NULL DEFAULT false;
UPDATE monitoring_reports SET corrected_late = true
WHERE version > 1 AND updated_at >= CASE
    WHEN period_index % 12 < 6 THEN make_timestamptz(period_index / 12, 7, 1, 0, 0, 0, 'Asia/Shanghai')
    ELSE make_timestamptz(period_index / 12 + 1, 1, 1, 0, 0, 0, 'Asia/Shanghai') END;

-- The summaries are updated in place with every report: free space on each
-- page keeps those updates HOT (no new index entries), and autovacuum visits
-- the small tables often.
CREATE TABLE monitoring_project_facts (
  project_code             text PRIMARY KEY,
  county_code              text NOT NULL,
  -- The statistics (统计口径): planned ≥ 500万元 and not withdrawn. Written
  -- here once; every summary counts only such projects.
  in_statistics            boolean NOT NULL,
  status                   smallint NOT NULL,  -- the registry's
  industry_code            text NOT NULL,
  renovation_types         smallint[] NOT NULL,
  requested_support        smallint[] NOT NULL,
  revenue_band             smallint NOT NULL,  -- the enterprise's
  start_index              integer NOT NULL,
  planned_completion_index integer NOT NULL,
  planned_fen              bigint NOT NULL,
  -- The first COMPLETED report's month or the month the registry marked the
  -- project completed, whichever is earlier; -1 while neither.
  completion_index         integer NOT NULL,
  completed_fen            bigint NOT NULL,    -- every report's amount
  -- The latest report's month and amount, and the month before it that has a
  -- report (-1: none): a figure "as of" last month needs no history even
  -- when this month is already reported.
  last_report_index        integer NOT NULL,
  last_report_fen          bigint NOT NULL,
  previous_report_index    integer NOT NULL
) WITH (fillfactor = 70);
CREATE INDEX monitoring_project_facts_county ON monitoring_project_facts (county_code)
  WHERE in_statistics;

CREATE TABLE monitoring_summary_months (
  dimension      smallint NOT NULL,
  county_code    text NOT NULL,
  value          integer NOT NULL,
  period_index   integer NOT NULL,
  completed_fen  bigint NOT NULL,
  -- Dimension 0 only: reports present for the month (a February covering
  -- January is present for both) within the project's start..completion,
  -- and of those the late ones, the corrected ones and those corrected after
  -- the deadline.
  reported       bigint NOT NULL,
  late           bigint NOT NULL,
  corrected      bigint NOT NULL,
  corrected_late bigint NOT NULL,
  PRIMARY KEY (dimension, county_code, value, period_index)
) WITH (fillfactor = 50, autovacuum_vacuum_scale_factor = 0.02);

CREATE TABLE monitoring_summary_cohorts (
  dimension        smallint NOT NULL,
  county_code      text NOT NULL,
  value            integer NOT NULL,
  start_index      integer NOT NULL,
  completion_index integer NOT NULL,
  projects         bigint NOT NULL,
  planned_fen      bigint NOT NULL,
  PRIMARY KEY (dimension, county_code, value, start_index, completion_index)
) WITH (fillfactor = 50, autovacuum_vacuum_scale_factor = 0.02);

CREATE FUNCTION monitoring_period_index(period text) RETURNS integer
LANGUAGE sql IMMUTABLE AS $$ SELECT left(period, 4)::int * 12 + right(period, 2)::int - 1 $$;

-- The (dimension, value) keys a project counts under.
CREATE FUNCTION monitoring_keys(f monitoring_project_facts)
RETURNS TABLE (dimension smallint, value integer)
LANGUAGE sql IMMUTABLE AS $$
  SELECT 0::smallint, 0
  UNION ALL SELECT 3::smallint, left(f.industry_code, 2)::int
  UNION ALL SELECT 4::smallint, t FROM unnest(CASE WHEN cardinality(f.renovation_types) = 0
                                              THEN '{0}' ELSE f.renovation_types END) t
  UNION ALL SELECT 5::smallint, s FROM unnest(CASE WHEN cardinality(f.requested_support) = 0
                                              THEN '{0}' ELSE f.requested_support END) s
  UNION ALL SELECT 6::smallint, f.revenue_band
  UNION ALL SELECT 7::smallint, f.start_index / 12 * 10000
                     + CASE WHEN f.completion_index < 0 THEN 9999 ELSE f.completion_index / 12 END
$$;

-- What one report row of a project with facts `f` adds to the month cells.
CREATE FUNCTION monitoring_report_cells(f monitoring_project_facts, r monitoring_reports)
RETURNS TABLE (dimension smallint, value integer, period_index integer, completed_fen bigint,
               reported integer, late integer, corrected integer, corrected_late integer)
LANGUAGE sql IMMUTABLE AS $$
  SELECT k.dimension, k.value, r.period_index, r.completed_fen, 0, 0, 0, 0
  FROM monitoring_keys(f) k WHERE f.in_statistics
  UNION ALL
  SELECT 0::smallint, 0, m.i, 0::bigint, 1, r.late::int, (r.version > 1)::int,
         (r.version > 1 AND r.corrected_late)::int
  FROM (SELECT r.period_index AS i UNION ALL SELECT r.period_index - 1 WHERE r.covers_january) m
  WHERE f.in_statistics AND m.i >= f.start_index
    AND (f.completion_index < 0 OR m.i <= f.completion_index)
$$;

-- The project's latest report (month and amount) and the month of the one
-- before it, from its two latest rows.
-- (A one-row table function, so that the planner inlines it.)
CREATE FUNCTION monitoring_latest_reports(code text)
RETURNS TABLE (last integer, last_fen bigint, previous integer)
LANGUAGE sql STABLE AS $$
  SELECT coalesce((array_agg(period_index ORDER BY period_index DESC))[1], -1),
         coalesce((array_agg(completed_fen ORDER BY period_index DESC))[1], 0),
         coalesce((array_agg(period_index ORDER BY period_index DESC))[2], -1)
  FROM (SELECT period_index, completed_fen FROM monitoring_reports
        WHERE project_code = code ORDER BY period_index DESC LIMIT 2) t
$$;

-- Adds `sign` × the reports' cells and running totals under the current
-- facts of their projects, in one statement (each project's facts row is
-- read once, by the update that changes its totals). `sign` -1 is for the
-- rows a correction replaced: their month stays the latest as it was. Returns
-- how many of the reports' projects have no facts (never expected: the
-- registry's trigger makes them); their reports are left out.
CREATE FUNCTION monitoring_add_reports(reports monitoring_reports[], sign integer)
RETURNS bigint LANGUAGE plpgsql
-- Planned once per session: a custom plan per call cost more than the work.
SET plan_cache_mode = force_generic_plan AS $$
DECLARE
  missing bigint;
BEGIN
  IF cardinality(reports) = 0 THEN RETURN 0; END IF;
  WITH d AS (
    SELECT r.project_code, sum(r.completed_fen) AS fen,
           (array_agg(r.period_index ORDER BY r.period_index DESC))[1] AS p1,
           (array_agg(r.completed_fen ORDER BY r.period_index DESC))[1] AS p1_fen,
           coalesce((array_agg(r.period_index ORDER BY r.period_index DESC))[2], -1) AS p2
    FROM unnest(reports) r GROUP BY 1),
  f AS (
    UPDATE monitoring_project_facts f
    SET completed_fen = f.completed_fen + sign * d.fen,
        last_report_index = CASE WHEN sign < 0 THEN f.last_report_index
                                 ELSE greatest(f.last_report_index, d.p1) END,
        last_report_fen = CASE WHEN sign > 0 AND d.p1 >= f.last_report_index THEN d.p1_fen
                               ELSE f.last_report_fen END,
        previous_report_index = CASE
          WHEN sign < 0 THEN f.previous_report_index
          WHEN d.p1 > f.last_report_index THEN greatest(f.last_report_index, d.p2)
          WHEN d.p1 = f.last_report_index THEN greatest(f.previous_report_index, d.p2)
          ELSE greatest(f.previous_report_index, d.p1) END
    FROM d WHERE f.project_code = d.project_code
    RETURNING f.*),
  cells AS (
    INSERT INTO monitoring_summary_months AS s
    SELECT c.dimension, f.county_code, c.value, c.period_index, sign * sum(c.completed_fen),
           sign * sum(c.reported), sign * sum(c.late), sign * sum(c.corrected),
           sign * sum(c.corrected_late)
    FROM unnest(reports) r JOIN f ON f.project_code = r.project_code,
         monitoring_report_cells(ROW(f.*)::monitoring_project_facts, r) c
    GROUP BY 1, 2, 3, 4
    ON CONFLICT (dimension, county_code, value, period_index) DO UPDATE SET
      completed_fen = s.completed_fen + EXCLUDED.completed_fen,
      reported = s.reported + EXCLUDED.reported, late = s.late + EXCLUDED.late,
      corrected = s.corrected + EXCLUDED.corrected,
      corrected_late = s.corrected_late + EXCLUDED.corrected_late)
  SELECT (SELECT count(*) FROM d) - (SELECT count(*) FROM f) INTO missing;
  RETURN missing;
END $$;

-- Adds `sign` × everything the projects contribute under their current facts.
CREATE FUNCTION monitoring_apply_projects(codes text[], sign integer)
RETURNS void LANGUAGE plpgsql SET plan_cache_mode = force_generic_plan AS $$
BEGIN
  INSERT INTO monitoring_summary_months AS s
  SELECT c.dimension, f.county_code, c.value, c.period_index, sign * sum(c.completed_fen),
         sign * sum(c.reported), sign * sum(c.late), sign * sum(c.corrected),
         sign * sum(c.corrected_late)
  FROM monitoring_project_facts f JOIN monitoring_reports r ON r.project_code = f.project_code,
       monitoring_report_cells(f, r) c
  WHERE f.project_code = ANY (codes)
  GROUP BY 1, 2, 3, 4
  ON CONFLICT (dimension, county_code, value, period_index) DO UPDATE SET
    completed_fen = s.completed_fen + EXCLUDED.completed_fen,
    reported = s.reported + EXCLUDED.reported, late = s.late + EXCLUDED.late,
    corrected = s.corrected + EXCLUDED.corrected,
    corrected_late = s.corrected_late + EXCLUDED.corrected_late;
  INSERT INTO monitoring_summary_cohorts AS s
  SELECT k.dimension, f.county_code, k.value, f.start_index, f.completion_index,
         sign * count(*), sign * sum(f.planned_fen)
  FROM monitoring_project_facts f, monitoring_keys(f) k
  WHERE f.project_code = ANY (codes) AND f.in_statistics
  GROUP BY 1, 2, 3, 4, 5
  ON CONFLICT (dimension, county_code, value, start_index, completion_index) DO UPDATE SET
    projects = s.projects + EXCLUDED.projects, planned_fen = s.planned_fen + EXCLUDED.planned_fen;
END $$;

-- The facts of the projects, from the registry's views and their reports.
CREATE FUNCTION monitoring_refresh_facts(codes text[])
RETURNS void LANGUAGE plpgsql SET plan_cache_mode = force_generic_plan AS $$
BEGIN
  INSERT INTO monitoring_project_facts AS f
  SELECT p.project_code, p.county_code,
         p.planned_investment_fen >= 500000000 AND p.status <> 5 /* WITHDRAWN */, p.status,
         p.industry_code, p.renovation_types, p.requested_support, e.revenue_band,
         monitoring_period_index(p.start_period),
         monitoring_period_index(p.planned_completion_period), p.planned_investment_fen,
         coalesce(least(r.completed_report, p.completion_index), -1), coalesce(r.total, 0),
         l.last, l.last_fen, l.previous
  FROM v_projects p JOIN v_enterprises e ON e.credit_code = p.enterprise_credit_code
  LEFT JOIN LATERAL (
    SELECT min(period_index) FILTER (WHERE status = 3 /* COMPLETED */) AS completed_report,
           sum(completed_fen)::bigint AS total
    FROM monitoring_reports WHERE project_code = p.project_code) r ON true,
  monitoring_latest_reports(p.project_code) l
  WHERE p.project_code = ANY (codes)
  -- A bulk load's new rows go in county by county, so that a county's push
  -- later updates its projects' rows on neighbouring pages.
  ORDER BY p.county_code, p.project_code
  ON CONFLICT (project_code) DO UPDATE SET
    county_code = EXCLUDED.county_code, in_statistics = EXCLUDED.in_statistics,
    status = EXCLUDED.status, industry_code = EXCLUDED.industry_code,
    renovation_types = EXCLUDED.renovation_types, requested_support = EXCLUDED.requested_support,
    revenue_band = EXCLUDED.revenue_band, start_index = EXCLUDED.start_index,
    planned_completion_index = EXCLUDED.planned_completion_index,
    planned_fen = EXCLUDED.planned_fen, completion_index = EXCLUDED.completion_index,
    completed_fen = EXCLUDED.completed_fen, last_report_index = EXCLUDED.last_report_index,
    last_report_fen = EXCLUDED.last_report_fen,
    previous_report_index = EXCLUDED.previous_report_index;
END $$;

-- Moves the projects' contribution from their old facts to their current ones.
CREATE FUNCTION monitoring_resync(codes text[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF cardinality(codes) = 0 THEN RETURN; END IF;
  PERFORM monitoring_apply_projects(codes, -1);
  PERFORM monitoring_refresh_facts(codes);
  PERFORM monitoring_apply_projects(codes, 1);
END $$;

-- Reports written (`added`) or replaced (`removed`: the rows before).
CREATE FUNCTION monitoring_reports_changed(added monitoring_reports[],
                                           removed monitoring_reports[])
RETURNS void LANGUAGE plpgsql SET plan_cache_mode = force_generic_plan AS $$
BEGIN
  IF monitoring_add_reports(removed, -1) + monitoring_add_reports(added, 1) > 0 THEN
    -- Projects without facts: synced whole, which takes in these reports.
    PERFORM monitoring_resync(ARRAY(
      SELECT DISTINCT a.project_code FROM unnest(added) a
      WHERE NOT EXISTS (SELECT 1 FROM monitoring_project_facts f
                        WHERE f.project_code = a.project_code)));
  END IF;
  -- A COMPLETED report, written or replaced, may move the completion month.
  PERFORM monitoring_resync(ARRAY(
    SELECT DISTINCT x.project_code
    FROM (SELECT * FROM unnest(added) UNION ALL SELECT * FROM unnest(removed)) x
    WHERE x.status = 3));
END $$;

-- Statements that wrote no row (the writer's INSERT or UPDATE half) cost
-- nothing.
CREATE FUNCTION monitoring_reports_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM new_rows) THEN RETURN NULL; END IF;
  PERFORM monitoring_reports_changed(ARRAY(SELECT n::monitoring_reports FROM new_rows n), '{}');
  RETURN NULL;
END $$;
CREATE TRIGGER monitoring_reports_inserted AFTER INSERT ON monitoring_reports
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
  EXECUTE FUNCTION monitoring_reports_inserted();

CREATE FUNCTION monitoring_reports_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM new_rows) THEN RETURN NULL; END IF;
  PERFORM monitoring_reports_changed(ARRAY(SELECT n::monitoring_reports FROM new_rows n),
                                     ARRAY(SELECT o::monitoring_reports FROM old_rows o));
  RETURN NULL;
END $$;
CREATE TRIGGER monitoring_reports_updated AFTER UPDATE ON monitoring_reports
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT
  EXECUTE FUNCTION monitoring_reports_updated();

-- Registry writes: projects inserted or changed in a column the facts read,
-- and projects of enterprises whose size band changed.
CREATE FUNCTION monitoring_projects_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM new_rows) THEN RETURN NULL; END IF;
  PERFORM monitoring_resync(ARRAY(SELECT project_code FROM new_rows));
  RETURN NULL;
END $$;
CREATE TRIGGER monitoring_projects_inserted AFTER INSERT ON registry_projects
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
  EXECUTE FUNCTION monitoring_projects_inserted();

CREATE FUNCTION monitoring_projects_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM monitoring_resync(ARRAY(
    SELECT n.project_code FROM new_rows n JOIN old_rows o USING (project_code)
    WHERE (n.county_code, n.industry_code, n.renovation_types, n.requested_support,
           n.planned_investment_fen, n.start_period, n.planned_completion_period, n.status,
           n.completed_period, n.enterprise_credit_code)
      IS DISTINCT FROM
          (o.county_code, o.industry_code, o.renovation_types, o.requested_support,
           o.planned_investment_fen, o.start_period, o.planned_completion_period, o.status,
           o.completed_period, o.enterprise_credit_code)));
  RETURN NULL;
END $$;
CREATE TRIGGER monitoring_projects_updated AFTER UPDATE ON registry_projects
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT
  EXECUTE FUNCTION monitoring_projects_updated();

CREATE FUNCTION monitoring_enterprises_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM monitoring_resync(ARRAY(
    SELECT p.project_code FROM new_rows n JOIN old_rows o USING (credit_code)
    JOIN registry_projects p ON p.enterprise_credit_code = n.credit_code
    WHERE n.revenue_band IS DISTINCT FROM o.revenue_band));
  RETURN NULL;
END $$;
CREATE TRIGGER monitoring_enterprises_updated AFTER UPDATE ON registry_enterprises
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT
  EXECUTE FUNCTION monitoring_enterprises_updated();

-- Projects are found by enterprise when its size band changes.
CREATE INDEX registry_projects_enterprise ON registry_projects (enterprise_credit_code);

-- Everything stored so far.
SELECT monitoring_resync(ARRAY(SELECT project_code FROM registry_projects));
