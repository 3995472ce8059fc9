-- The key-project library (issue 9): entries per (project, tier), their
-- history, and each tier's entry criteria as versioned data.

-- The registry's read interface gains the columns a whole Project message
-- needs (registry::ProjectFromRow reads the view as it reads the table).
-- Columns may only be added at the end of a view.
CREATE OR REPLACE VIEW v_projects AS
  SELECT county_code, project_code, city_code, enterprise_credit_code, industry_code, name,
         renovation_types, requested_support, planned_investment_fen,
         planned_equipment_investment_fen, start_period, planned_completion_period, status,
         financing_need_fen, share_with_banks, version, updated_at,
         left(completed_period, 4)::int * 12 + right(completed_period, 2)::int - 1
           AS completion_index,
         source_record_id, description, withdraw_reason, created_at
  FROM registry_projects;

-- Monitoring's read interface for a project's progress: its running total
-- and last report month (migration 0009 keeps them in every report's
-- transaction).
CREATE VIEW v_project_progress AS
  SELECT project_code, completed_fen, last_report_index, start_index, planned_completion_index,
         completion_index, last_report_fen, previous_report_index
  FROM monitoring_project_facts;

-- The straight-line schedule rule of ListLaggingProjects, written once: as of
-- month `as_of` (a period index), a project planned at `planned` fen from
-- month `start` to `planned_completion` is expected to have completed
-- planned × months elapsed ÷ months scheduled (whole fen, rounded down);
-- `gap_points` is expected minus completed, in points of planned; `silent`
-- counts the months since the last report (or since the start, never
-- reported: last_reported < 0).
CREATE FUNCTION monitoring_schedule(planned bigint, start integer, planned_completion integer,
                                    completed bigint, last_reported integer, as_of integer)
RETURNS TABLE (expected_fen bigint, gap_points float8, silent integer)
LANGUAGE sql IMMUTABLE AS $$
  SELECT s.expected, 100.0::float8 * s.expected / planned - 100.0::float8 * completed / planned,
         as_of - CASE WHEN last_reported >= 0 THEN last_reported ELSE start END
  FROM (SELECT CASE WHEN as_of < start THEN 0::bigint ELSE
          div(planned::numeric * least(as_of - start + 1, greatest(planned_completion - start + 1, 1)),
              greatest(planned_completion - start + 1, 1))::bigint END AS expected) s
$$;

-- Every change of an entry, oldest first; the entry points at the events of
-- its current round. A system event (an automatic exit) has principal_id 0,
-- principal_name 'techreno' and role 'system'.
CREATE TABLE library_events (
  id                  bigserial PRIMARY KEY,
  project_code        text NOT NULL,
  tier                smallint NOT NULL,
  county_code         text NOT NULL,
  version             bigint NOT NULL,
  action              smallint NOT NULL,  -- EntryAction
  state_before        smallint NOT NULL,  -- EntryState (0: none)
  state_after         smallint NOT NULL,
  round               integer NOT NULL,
  principal_id        bigint NOT NULL,
  principal_name      text NOT NULL,
  role                text NOT NULL,
  principal_region    text NOT NULL,
  at                  timestamptz NOT NULL DEFAULT now(),
  request_id          text NOT NULL,
  reason              text NOT NULL,
  removal_reason      smallint NOT NULL DEFAULT 0,  -- RemovalReason
  planned_support     smallint[] NOT NULL DEFAULT '{}',
  overridden_criteria text[] NOT NULL DEFAULT '{}',
  override_reason     text NOT NULL DEFAULT ''
);
CREATE INDEX library_events_entry ON library_events (project_code, id);

CREATE TABLE library_entries (
  project_code     text NOT NULL,
  tier             smallint NOT NULL,  -- LibraryTier
  county_code      text NOT NULL,
  city_code        text NOT NULL,
  state            smallint NOT NULL,  -- EntryState
  round            integer NOT NULL,
  version          bigint NOT NULL,
  nomination_event bigint NOT NULL REFERENCES library_events (id),
  decision_event   bigint REFERENCES library_events (id),
  removal_event    bigint REFERENCES library_events (id),
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (project_code, tier)
);
-- Listing goes by tier (province first), then code, within a county or city.
CREATE INDEX library_entries_county ON library_entries (county_code, tier DESC, project_code);
CREATE INDEX library_entries_city ON library_entries (city_code, tier DESC, project_code);
CREATE INDEX library_entries_order ON library_entries (tier DESC, project_code);

-- Entry criteria per tier; the highest version is in force.
CREATE TABLE library_criteria (
  tier                           smallint NOT NULL,
  version                        bigint NOT NULL,
  min_planned_investment_fen     bigint NOT NULL,
  min_planned_equipment_fen      bigint NOT NULL,
  allowed_statuses               smallint[] NOT NULL,
  required_fields                text[] NOT NULL,
  reported_within_months         integer NOT NULL,
  favoured_renovation_types      smallint[] NOT NULL,
  favoured_industry_codes        text[] NOT NULL,
  at_risk_gap_points             float8 NOT NULL,
  at_risk_silent_months          integer NOT NULL,
  principal_id                   bigint NOT NULL,
  principal_name                 text NOT NULL,
  role                           text NOT NULL,
  principal_region               text NOT NULL,
  request_id                     text NOT NULL,
  at                             timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tier, version)
);

-- The documented defaults (docs/API.md "Library criteria"): county ≥ 500万元
-- (the statistics threshold); city ≥ 2,000万元 with ≥ 500万元 of equipment
-- (Fujian's provincial rule); province ≥ 1亿元 with ≥ 1,000万元 of equipment,
-- under construction (Henan's and Fujian's lists). Every tier: reported within
-- 3 months (Fujian's exit rule), at risk 20 points behind or 2 months silent.
INSERT INTO library_criteria (tier, version, min_planned_investment_fen,
                              min_planned_equipment_fen, allowed_statuses, required_fields,
                              reported_within_months, favoured_renovation_types,
                              favoured_industry_codes, at_risk_gap_points, at_risk_silent_months,
                              principal_id, principal_name, role, principal_region, request_id)
VALUES (1, 1, 500000000, 0, '{1,2}', '{}', 3, '{}', '{}', 20, 2,
        0, 'techreno', 'system', '440000', 'migration-0010'),
       (2, 1, 2000000000, 500000000, '{1,2}', '{description}', 3, '{}', '{}', 20, 2,
        0, 'techreno', 'system', '440000', 'migration-0010'),
       (3, 1, 10000000000, 1000000000, '{2}', '{description}', 3, '{}', '{}', 20, 2,
        0, 'techreno', 'system', '440000', 'migration-0010');

-- Automatic exit: a project withdrawn in the registry, or completed (in the
-- registry or by a COMPLETED report), leaves every tier it is NOMINATED or
-- ACCEPTED in, in the transaction of the change that ended it, with an event
-- and an audit row.
CREATE FUNCTION library_auto_exit(code text, removal smallint, why text) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  e library_entries;
  event_id bigint;
BEGIN
  FOR e IN SELECT * FROM library_entries
           WHERE project_code = code AND state IN (1, 2) ORDER BY tier FOR UPDATE LOOP
    INSERT INTO library_events (project_code, tier, county_code, version, action, state_before,
                                state_after, round, principal_id, principal_name, role,
                                principal_region, request_id, reason, removal_reason)
    VALUES (e.project_code, e.tier, e.county_code, e.version + 1, 4, e.state, 4, e.round, 0,
            'techreno', 'system', '440000', '', why, removal)
    RETURNING id INTO event_id;
    UPDATE library_entries SET state = 4, version = version + 1, removal_event = event_id,
                               updated_at = now()
    WHERE project_code = e.project_code AND tier = e.tier;
    INSERT INTO audit_log (principal_id, principal_name, action, entity, entity_key, county_code,
                           version, request_id, before, after)
    SELECT 0, 'techreno', 'auto_exit', 'library_entry', e.project_code || '/' || e.tier,
           e.county_code, e.version + 1, '', row_to_json(e),
           (SELECT row_to_json(n) FROM library_entries n
            WHERE n.project_code = e.project_code AND n.tier = e.tier);
  END LOOP;
END $$;

CREATE FUNCTION library_project_ended() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.status = 5 THEN
    PERFORM library_auto_exit(NEW.project_code, 2::smallint, '项目已在登记系统撤销');
  ELSE
    PERFORM library_auto_exit(NEW.project_code, 1::smallint, '项目已竣工');
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER library_project_ended AFTER UPDATE OF status ON registry_projects
  FOR EACH ROW WHEN (NEW.status IN (3, 5) AND OLD.status IS DISTINCT FROM NEW.status)
  EXECUTE FUNCTION library_project_ended();

CREATE FUNCTION library_project_reported_completed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM library_auto_exit(NEW.project_code, 1::smallint, '项目已报告竣工');
  RETURN NULL;
END $$;
CREATE TRIGGER library_project_reported_completed AFTER UPDATE OF completion_index
  ON monitoring_project_facts
  FOR EACH ROW WHEN (OLD.completion_index < 0 AND NEW.completion_index >= 0)
  EXECUTE FUNCTION library_project_reported_completed();

-- Library totals (GetLibraryTotals) kept current in the transaction of every
-- change that moves them, so that reading them touches this small table, not
-- every entry and its project: per tier × state × county × industry division,
-- the entries, their projects' planned investment and their completed
-- investment (monitoring's running total of every report).
CREATE TABLE library_summary (
  tier          smallint NOT NULL,
  state         smallint NOT NULL,
  county_code   text NOT NULL,
  city_code     text NOT NULL,
  division      text NOT NULL,
  entries       bigint NOT NULL,
  planned_fen   bigint NOT NULL,
  completed_fen bigint NOT NULL,
  PRIMARY KEY (tier, state, county_code, division)
) WITH (fillfactor = 70);

-- Adds `sign` × the contribution of the project's entries in `states` (its
-- current planned investment, division and completed investment).
CREATE FUNCTION library_add_entries(code text, sign integer, tier_filter smallint,
                                    state_filter smallint)
RETURNS void LANGUAGE sql AS $$
  INSERT INTO library_summary AS s
  SELECT e.tier, e.state, e.county_code, e.city_code, left(p.industry_code, 2), sign,
         sign * p.planned_investment_fen, sign * coalesce(f.completed_fen, 0)
  FROM library_entries e JOIN v_projects p USING (project_code)
  LEFT JOIN v_project_progress f USING (project_code)
  WHERE e.project_code = code AND (tier_filter = 0 OR e.tier = tier_filter)
    AND (state_filter = 0 OR e.state = state_filter)
  ON CONFLICT (tier, state, county_code, division) DO UPDATE SET
    entries = s.entries + EXCLUDED.entries, planned_fen = s.planned_fen + EXCLUDED.planned_fen,
    completed_fen = s.completed_fen + EXCLUDED.completed_fen
$$;

-- An entry created or moved to another state moves its contribution. The
-- project's rows are locked first, in the order every library write takes
-- them (the registry's FOR SHARE, monitoring's progress row FOR UPDATE): a
-- plan change or a report being written for the project commits before the
-- contribution is read, and their own triggers then see this entry's state.
CREATE FUNCTION library_entry_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM 1 FROM registry_projects WHERE project_code = NEW.project_code FOR SHARE;
  PERFORM 1 FROM monitoring_project_facts WHERE project_code = NEW.project_code FOR UPDATE;
  IF TG_OP = 'UPDATE' THEN
    -- The row's old state, with the project as it is now.
    INSERT INTO library_summary AS s
    SELECT OLD.tier, OLD.state, OLD.county_code, OLD.city_code, left(p.industry_code, 2), -1,
           -p.planned_investment_fen, -coalesce(f.completed_fen, 0)
    FROM v_projects p LEFT JOIN v_project_progress f USING (project_code)
    WHERE p.project_code = OLD.project_code
    ON CONFLICT (tier, state, county_code, division) DO UPDATE SET
      entries = s.entries + EXCLUDED.entries, planned_fen = s.planned_fen + EXCLUDED.planned_fen,
      completed_fen = s.completed_fen + EXCLUDED.completed_fen;
  END IF;
  PERFORM library_add_entries(NEW.project_code, 1, NEW.tier, NEW.state);
  RETURN NULL;
END $$;
CREATE TRIGGER library_entry_created AFTER INSERT ON library_entries
  FOR EACH ROW EXECUTE FUNCTION library_entry_changed();
CREATE TRIGGER library_entry_changed AFTER UPDATE OF state ON library_entries
  FOR EACH ROW WHEN (OLD.state <> NEW.state) EXECUTE FUNCTION library_entry_changed();

-- A project whose planned investment or division changes moves its entries'
-- contribution: out under the old figures, in under the new.
CREATE FUNCTION library_project_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- A report being written for the project commits first: its delta is then
  -- in the running total moved below, under the division it read.
  PERFORM 1 FROM monitoring_project_facts WHERE project_code = NEW.project_code FOR UPDATE;
  INSERT INTO library_summary AS s
  SELECT e.tier, e.state, e.county_code, e.city_code, left(OLD.industry_code, 2), 0,
         -OLD.planned_investment_fen, 0
  FROM library_entries e WHERE e.project_code = OLD.project_code
  ON CONFLICT (tier, state, county_code, division) DO UPDATE SET
    entries = s.entries + EXCLUDED.entries, planned_fen = s.planned_fen + EXCLUDED.planned_fen;
  IF left(OLD.industry_code, 2) <> left(NEW.industry_code, 2) THEN
    -- The entries and their completed investment move to the new division.
    INSERT INTO library_summary AS s
    SELECT e.tier, e.state, e.county_code, e.city_code, left(OLD.industry_code, 2), -1, 0,
           -coalesce(f.completed_fen, 0)
    FROM library_entries e LEFT JOIN v_project_progress f USING (project_code)
    WHERE e.project_code = OLD.project_code
    ON CONFLICT (tier, state, county_code, division) DO UPDATE SET
      entries = s.entries + EXCLUDED.entries,
      completed_fen = s.completed_fen + EXCLUDED.completed_fen;
    INSERT INTO library_summary AS s
    SELECT e.tier, e.state, e.county_code, e.city_code, left(NEW.industry_code, 2), 1,
           NEW.planned_investment_fen, coalesce(f.completed_fen, 0)
    FROM library_entries e LEFT JOIN v_project_progress f USING (project_code)
    WHERE e.project_code = NEW.project_code
    ON CONFLICT (tier, state, county_code, division) DO UPDATE SET
      entries = s.entries + EXCLUDED.entries, planned_fen = s.planned_fen + EXCLUDED.planned_fen,
      completed_fen = s.completed_fen + EXCLUDED.completed_fen;
  ELSE
    INSERT INTO library_summary AS s
    SELECT e.tier, e.state, e.county_code, e.city_code, left(NEW.industry_code, 2), 0,
           NEW.planned_investment_fen, 0
    FROM library_entries e WHERE e.project_code = NEW.project_code
    ON CONFLICT (tier, state, county_code, division) DO UPDATE SET
      planned_fen = s.planned_fen + EXCLUDED.planned_fen;
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER library_project_changed
  AFTER UPDATE OF planned_investment_fen, industry_code ON registry_projects
  FOR EACH ROW WHEN (OLD.planned_investment_fen <> NEW.planned_investment_fen
                     OR left(OLD.industry_code, 2) <> left(NEW.industry_code, 2))
  EXECUTE FUNCTION library_project_changed();

-- Reports change projects' running totals in monitoring's facts: once per
-- statement, the changes of the projects that have entries go to their rows.
-- (An entry's change above reads the running total as it stands; a
-- statement that changed both a total and, through its triggers, an entry
-- would count the change twice. None does: totals change in the report's
-- statement, entries leave on completion in the facts' refresh, which
-- recomputes the same total. The library's tests check the totals against
-- plain SQL after both.)
CREATE FUNCTION library_progress_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO library_summary AS s
  SELECT e.tier, e.state, e.county_code, e.city_code, left(p.industry_code, 2), 0, 0,
         sum(n.completed_fen - o.completed_fen)
  FROM new_facts n JOIN old_facts o USING (project_code)
  JOIN library_entries e USING (project_code) JOIN v_projects p USING (project_code)
  WHERE n.completed_fen <> o.completed_fen
  GROUP BY 1, 2, 3, 4, 5
  ON CONFLICT (tier, state, county_code, division) DO UPDATE SET
    completed_fen = s.completed_fen + EXCLUDED.completed_fen;
  RETURN NULL;
END $$;
CREATE TRIGGER library_progress_changed AFTER UPDATE ON monitoring_project_facts
  REFERENCING OLD TABLE AS old_facts NEW TABLE AS new_facts
  FOR EACH STATEMENT EXECUTE FUNCTION library_progress_changed();
