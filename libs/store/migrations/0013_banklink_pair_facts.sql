-- GetMatchingStats' facts (issue 10's speed goal): one row per (project, bank)
-- pair of v_banklink_pairs with everything the funnel counts precomputed — the
-- project's region, division, types and need, the bank's latest feedback, the
-- loan's disbursement and subsidy estimate, the working-day ordinal of the
-- receipt. Kept by triggers in the transaction that changes a source, so a
-- server reads only the rows changed since its last call: each row carries the
-- id of the transaction that last wrote it (changed_xid), and every
-- transaction a snapshot does not see has an id at or above the snapshot's
-- xmin. A pair that is no longer addressed (a project re-published to other
-- banks) stays as present = false so that readers see it go.
CREATE TABLE banklink_pair_facts (
  project_code         text NOT NULL,
  bank_id              text NOT NULL,
  present              boolean NOT NULL,
  county_code          text NOT NULL,
  city_code            text NOT NULL,
  industry_division    text NOT NULL,
  renovation_types     smallint[] NOT NULL,
  publication_ids      text[] NOT NULL,
  publish_time         timestamptz NOT NULL,
  publish_month        text NOT NULL,  -- YYYY-MM of publish_time, China time
  rec_state            smallint NOT NULL,
  financing_need_fen   bigint NOT NULL,
  state                smallint,  -- the latest FeedbackState; NULL: no feedback
  loan_amount_fen      bigint NOT NULL,
  decline_reason       smallint NOT NULL,
  first_time           timestamptz,  -- the bank's first feedback
  disbursed_fen        bigint NOT NULL,
  subsidy_estimate_fen bigint NOT NULL,
  received_ordinal     integer,  -- cn_workday_index.ordinal of the receipt's day
  changed_xid          xid8 NOT NULL DEFAULT pg_current_xact_id(),
  PRIMARY KEY (project_code, bank_id)
);
CREATE INDEX banklink_pair_facts_changed ON banklink_pair_facts (changed_xid);

-- Recomputes the facts of these projects from the views (v_banklink_pairs,
-- v_banklink_loans: one definition of each figure), touching only rows that
-- change.
CREATE FUNCTION banklink_refresh_pair_facts(codes text[]) RETURNS void LANGUAGE sql AS $$
  WITH fresh AS (
    SELECT x.project_code, x.bank_id, true AS present, p.county_code, p.city_code,
           left(p.industry_code, 2) AS industry_division, p.renovation_types,
           x.publication_ids, x.publish_time,
           to_char(x.publish_time AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM') AS publish_month,
           x.rec_state, p.financing_need_fen, x.state,
           coalesce(x.loan_amount_fen, 0) AS loan_amount_fen,
           coalesce(x.decline_reason, 0) AS decline_reason, x.first_time,
           coalesce(l.disbursed_fen, 0) AS disbursed_fen,
           coalesce(l.subsidy_estimate_fen, 0) AS subsidy_estimate_fen, x.received_ordinal
    FROM v_banklink_pairs x
    JOIN registry_projects p USING (project_code)
    LEFT JOIN (SELECT * FROM v_banklink_loans WHERE project_code = ANY (codes)) l
      USING (project_code, bank_id)
    WHERE x.project_code = ANY (codes)
  ), gone AS (
    UPDATE banklink_pair_facts f SET present = false, changed_xid = pg_current_xact_id()
    WHERE f.project_code = ANY (codes) AND f.present
      AND NOT EXISTS (SELECT 1 FROM fresh
                      WHERE fresh.project_code = f.project_code AND fresh.bank_id = f.bank_id)
  )
  INSERT INTO banklink_pair_facts AS f
    (project_code, bank_id, present, county_code, city_code, industry_division,
     renovation_types, publication_ids, publish_time, publish_month, rec_state,
     financing_need_fen, state, loan_amount_fen, decline_reason, first_time, disbursed_fen,
     subsidy_estimate_fen, received_ordinal)
  SELECT * FROM fresh
  ON CONFLICT (project_code, bank_id) DO UPDATE SET
    present = true, county_code = EXCLUDED.county_code, city_code = EXCLUDED.city_code,
    industry_division = EXCLUDED.industry_division,
    renovation_types = EXCLUDED.renovation_types, publication_ids = EXCLUDED.publication_ids,
    publish_time = EXCLUDED.publish_time, publish_month = EXCLUDED.publish_month,
    rec_state = EXCLUDED.rec_state, financing_need_fen = EXCLUDED.financing_need_fen,
    state = EXCLUDED.state, loan_amount_fen = EXCLUDED.loan_amount_fen,
    decline_reason = EXCLUDED.decline_reason, first_time = EXCLUDED.first_time,
    disbursed_fen = EXCLUDED.disbursed_fen,
    subsidy_estimate_fen = EXCLUDED.subsidy_estimate_fen,
    received_ordinal = EXCLUDED.received_ordinal, changed_xid = pg_current_xact_id()
  WHERE (f.present, f.county_code, f.city_code, f.industry_division, f.renovation_types,
         f.publication_ids, f.publish_time, f.rec_state, f.financing_need_fen, f.state,
         f.loan_amount_fen, f.decline_reason, f.first_time, f.disbursed_fen,
         f.subsidy_estimate_fen, f.received_ordinal)
        IS DISTINCT FROM
        (true, EXCLUDED.county_code, EXCLUDED.city_code, EXCLUDED.industry_division,
         EXCLUDED.renovation_types, EXCLUDED.publication_ids, EXCLUDED.publish_time,
         EXCLUDED.rec_state, EXCLUDED.financing_need_fen, EXCLUDED.state,
         EXCLUDED.loan_amount_fen, EXCLUDED.decline_reason, EXCLUDED.first_time,
         EXCLUDED.disbursed_fen, EXCLUDED.subsidy_estimate_fen, EXCLUDED.received_ordinal);
$$;

-- When: once per transaction, at its commit. A change to a source notes its
-- projects in banklink_pairs_dirty (cheap, once per statement: a publication
-- writes one statement per item); a deferred trigger on that table refreshes
-- every noted project at commit, the first time it fires, and the later
-- firings find their own row gone (one index lookup each: a statement that
-- notes 20,000 projects queues 20,000 firings). The refresh first locks the projects'
-- recommendations, then reads with a new snapshot: two transactions that
-- change one project (two banks answering at once) refresh it one after the
-- other, the second seeing the first's change.
CREATE TABLE banklink_pairs_dirty (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  project_code text NOT NULL
);

CREATE FUNCTION banklink_refresh_dirty() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  codes text[];
BEGIN
  IF NOT EXISTS (SELECT 1 FROM banklink_pairs_dirty WHERE id = NEW.id) THEN
    RETURN NULL;  -- refreshed with the others by an earlier firing
  END IF;
  WITH taken AS (DELETE FROM banklink_pairs_dirty RETURNING project_code)
  SELECT array_agg(DISTINCT project_code ORDER BY project_code) INTO codes FROM taken;
  IF codes IS NOT NULL THEN
    PERFORM 1 FROM banklink_recommendations WHERE project_code = ANY (codes)
      ORDER BY project_code FOR UPDATE;
    PERFORM banklink_refresh_pair_facts(codes);
  END IF;
  RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER banklink_refresh_dirty AFTER INSERT ON banklink_pairs_dirty
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION banklink_refresh_dirty();

-- The sources' triggers, statement-level with the changed rows as a
-- transition table (`changed`).
CREATE FUNCTION banklink_pairs_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO banklink_pairs_dirty (project_code) SELECT DISTINCT project_code FROM changed;
  RETURN NULL;
END $$;
CREATE TRIGGER banklink_facts_recommendations_inserted AFTER INSERT ON banklink_recommendations
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION banklink_pairs_changed();
CREATE TRIGGER banklink_facts_recommendations_updated AFTER UPDATE ON banklink_recommendations
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION banklink_pairs_changed();
CREATE TRIGGER banklink_facts_feedback_inserted AFTER INSERT ON banklink_feedback
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION banklink_pairs_changed();
CREATE TRIGGER banklink_facts_feedback_updated AFTER UPDATE ON banklink_feedback
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION banklink_pairs_changed();
CREATE TRIGGER banklink_facts_receipts_inserted AFTER INSERT ON banklink_receipts
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION banklink_pairs_changed();
CREATE TRIGGER banklink_facts_receipts_updated AFTER UPDATE ON banklink_receipts
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION banklink_pairs_changed();

-- A registry change an ACTIVE recommendation follows (banklink_follow_project)
-- reaches the facts through the recommendation; a RETRACTED one's needs this.
CREATE FUNCTION banklink_facts_follow_project() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO banklink_pairs_dirty (project_code)
  SELECT project_code FROM banklink_recommendations
  WHERE project_code = NEW.project_code AND state = 2;
  RETURN NULL;
END $$;
CREATE TRIGGER banklink_facts_follow_project AFTER UPDATE ON registry_projects FOR EACH ROW
  WHEN ((OLD.county_code, OLD.city_code, OLD.industry_code, OLD.renovation_types,
         OLD.financing_need_fen)
        IS DISTINCT FROM
        (NEW.county_code, NEW.city_code, NEW.industry_code, NEW.renovation_types,
         NEW.financing_need_fen))
  EXECUTE FUNCTION banklink_facts_follow_project();

-- Changes that reach many projects at once (rare): a new bank receives every
-- all-banks recommendation; a new policy changes every loan's subsidy; a
-- reloaded calendar moves the receipts' ordinals.
CREATE FUNCTION banklink_facts_bank_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO banklink_pairs_dirty (project_code)
  SELECT project_code FROM banklink_recommendations WHERE all_banks;
  RETURN NULL;
END $$;
CREATE TRIGGER banklink_facts_bank_added AFTER INSERT ON banklink_banks
  FOR EACH STATEMENT EXECUTE FUNCTION banklink_facts_bank_added();

CREATE FUNCTION banklink_facts_policy_set() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO banklink_pairs_dirty (project_code)
  SELECT DISTINCT project_code FROM banklink_feedback WHERE state = 3;
  RETURN NULL;
END $$;
CREATE TRIGGER banklink_facts_policy_set AFTER INSERT ON banklink_policies
  FOR EACH STATEMENT EXECUTE FUNCTION banklink_facts_policy_set();

CREATE FUNCTION banklink_facts_calendar_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM changed) THEN
    INSERT INTO banklink_pairs_dirty (project_code) SELECT project_code FROM banklink_recommendations;
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER banklink_facts_calendar_inserted AFTER INSERT ON cn_workday_index
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT
  EXECUTE FUNCTION banklink_facts_calendar_changed();
CREATE TRIGGER banklink_facts_calendar_updated AFTER UPDATE ON cn_workday_index
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT
  EXECUTE FUNCTION banklink_facts_calendar_changed();

-- The response-deadline rule, once (GetMatchingStats' overdue count and
-- ListOverdueRecommendations): a pair without feedback of an ACTIVE
-- recommendation is overdue on `today` when its received_ordinal is at most
-- this — first_response_working_days working days after the receipt's day
-- have passed by yesterday. NULL (nothing overdue) outside the calendar.
CREATE FUNCTION banklink_overdue_through(today date) RETURNS integer LANGUAGE sql STABLE AS $$
  SELECT w.ordinal - t.response_days FROM cn_workday_index w CROSS JOIN v_banklink_terms t
  WHERE w.day = today - 1;
$$;

SELECT banklink_refresh_pair_facts(ARRAY(SELECT project_code FROM banklink_recommendations));
