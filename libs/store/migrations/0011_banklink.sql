-- BankLink (issue 10): the partner-bank directory, recommendations, their
-- event log (what WatchRecommendations streams), publications, and the
-- banks' feedback with its history. Owned by services/banklink.

-- Partner banks. A bank principal's scope is one of these ids
-- (techreno admin add-bank adds more).
CREATE TABLE banklink_banks (
  bank_id    text PRIMARY KEY CHECK (bank_id ~ '^[a-z0-9][a-z0-9-]{0,63}$'),
  name       text NOT NULL CHECK (name <> ''),
  created_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO banklink_banks (bank_id, name) VALUES
  ('icbc-gd', '中国工商银行广东省分行'),
  ('abc-gd', '中国农业银行广东省分行'),
  ('boc-gd', '中国银行广东省分行'),
  ('ccb-gd', '中国建设银行广东省分行'),
  ('bocom-gd', '交通银行广东省分行'),
  ('cdb-gd', '国家开发银行广东省分行'),
  ('cmb-gz', '招商银行广州分行'),
  ('gdrcu', '广东省农村信用社联合社');

-- One call of PublishRecommendations. Ids are "YYYY-NNNN" per year (China time).
CREATE TABLE banklink_publications (
  publication_id text PRIMARY KEY,
  year           integer NOT NULL,
  serial         integer NOT NULL,
  title          text NOT NULL,
  bank_ids       text[] NOT NULL,  -- empty: every partner bank
  principal_id   bigint NOT NULL,
  published_by   text NOT NULL,
  publish_time   timestamptz NOT NULL DEFAULT now(),
  added          bigint NOT NULL,
  updated        bigint NOT NULL,
  unchanged      bigint NOT NULL,
  retracted      bigint NOT NULL,
  UNIQUE (year, serial)
);

-- One recommendation per project. Audience: every bank (all_banks), or the
-- banks in bank_ids.
CREATE TABLE banklink_recommendations (
  project_code    text PRIMARY KEY,
  county_code     text NOT NULL,
  state           smallint NOT NULL CHECK (state IN (1, 2)),  -- RecommendationState
  note            text NOT NULL,
  all_banks       boolean NOT NULL,
  bank_ids        text[] NOT NULL,
  publication_ids text[] NOT NULL,
  publish_time    timestamptz NOT NULL DEFAULT now(),
  update_time     timestamptz NOT NULL DEFAULT now(),
  retract_time    timestamptz,
  retract_reason  text NOT NULL DEFAULT '',
  version         bigint NOT NULL
);
CREATE INDEX banklink_recommendations_county ON banklink_recommendations (county_code, project_code);

-- The event log's head: the last sequence number handed out. Every writer of
-- events updates this one row, so its lock (held to commit) makes sequence
-- numbers follow commit order with no gaps: a reader that sees event N has
-- seen every event before it.
CREATE TABLE banklink_log_head (
  only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
  seq      bigint NOT NULL
);
INSERT INTO banklink_log_head VALUES (true, 0);

-- Every change of a recommendation, with its audience at that moment: the
-- banks that receive it are every bank except to_except (to_all), or those in
-- to_banks. The other columns are the recommendation's, as after the change,
-- named as in banklink_recommendations so that one select list reads both.
CREATE TABLE banklink_events (
  seq             bigint PRIMARY KEY,
  project_code    text NOT NULL,
  kind            smallint NOT NULL,  -- RecommendationEventKind
  to_all          boolean NOT NULL,
  to_banks        text[] NOT NULL,
  to_except       text[] NOT NULL,
  at              timestamptz NOT NULL,
  county_code     text NOT NULL,
  state           smallint NOT NULL,
  note            text NOT NULL,
  all_banks       boolean NOT NULL,
  bank_ids        text[] NOT NULL,
  publication_ids text[] NOT NULL,
  publish_time    timestamptz NOT NULL,
  update_time     timestamptz NOT NULL,
  retract_time    timestamptz,
  retract_reason  text NOT NULL,
  version         bigint NOT NULL
);

CREATE FUNCTION banklink_emit(r banklink_recommendations, kind smallint, to_all boolean,
                              to_banks text[], to_except text[]) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  next bigint;
BEGIN
  UPDATE banklink_log_head SET seq = seq + 1 RETURNING seq INTO next;
  -- clock_timestamp() after the head's lock: times follow sequence numbers.
  INSERT INTO banklink_events VALUES (next, r.project_code, kind, to_all, to_banks, to_except,
    clock_timestamp(), r.county_code, r.state, r.note, r.all_banks, r.bank_ids,
    r.publication_ids, r.publish_time, r.update_time, r.retract_time, r.retract_reason, r.version);
  -- One notification per transaction (identical payloads fold), sent at commit.
  PERFORM pg_notify('banklink_events', '');
END $$;

-- The events of a change: PUBLISHED to whoever newly sees it, UPDATED to
-- whoever saw it before, RETRACTED to everyone who saw it.
CREATE FUNCTION banklink_log_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  added text[];
BEGIN
  IF TG_OP = 'INSERT' OR (OLD.state = 2 AND NEW.state = 1) THEN
    PERFORM banklink_emit(NEW, 1::smallint, NEW.all_banks, NEW.bank_ids, '{}');
  ELSIF OLD.state = 1 AND NEW.state = 2 THEN
    PERFORM banklink_emit(NEW, 3::smallint, OLD.all_banks, OLD.bank_ids, '{}');
  ELSIF NEW.state = 1 THEN
    IF NEW.all_banks AND NOT OLD.all_banks THEN
      PERFORM banklink_emit(NEW, 1::smallint, true, '{}', OLD.bank_ids);
    ELSIF NOT NEW.all_banks THEN
      added := ARRAY(SELECT unnest(NEW.bank_ids) EXCEPT SELECT unnest(OLD.bank_ids));
      IF cardinality(added) > 0 THEN
        PERFORM banklink_emit(NEW, 1::smallint, false, added, '{}');
      END IF;
    END IF;
    IF (NEW.note, NEW.publication_ids, NEW.update_time)
         IS DISTINCT FROM (OLD.note, OLD.publication_ids, OLD.update_time) THEN
      PERFORM banklink_emit(NEW, 2::smallint, OLD.all_banks, OLD.bank_ids, '{}');
    END IF;
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER banklink_log_change AFTER INSERT OR UPDATE ON banklink_recommendations
  FOR EACH ROW EXECUTE FUNCTION banklink_log_change();

-- A recommended project that loses its consent or is withdrawn is retracted
-- by itself; a change banks see (its data) updates the recommendation, so
-- watchers receive UPDATED.
CREATE FUNCTION banklink_follow_project() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  reason text;
  r banklink_recommendations;
BEGIN
  IF NEW.status = 5 OR NOT NEW.share_with_banks THEN
    reason := CASE WHEN NEW.status = 5 THEN 'project withdrawn' ELSE 'consent withdrawn' END;
    UPDATE banklink_recommendations
       SET state = 2, retract_time = now(), retract_reason = reason, update_time = now(),
           version = version + 1
     WHERE project_code = NEW.project_code AND state = 1
    RETURNING * INTO r;
    IF FOUND THEN
      INSERT INTO audit_log (principal_id, principal_name, action, entity, entity_key,
                             county_code, version, after)
      VALUES (NULL, 'techreno', 'retract', 'recommendation', r.project_code, r.county_code,
              r.version, json_build_object('state', 'RECOMMENDATION_STATE_RETRACTED',
                                           'retract_reason', reason));
    END IF;
  ELSE
    UPDATE banklink_recommendations SET update_time = now(), version = version + 1,
                                        county_code = NEW.county_code
     WHERE project_code = NEW.project_code AND state = 1;
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER banklink_follow_project AFTER UPDATE ON registry_projects FOR EACH ROW
  WHEN (OLD.share_with_banks IS DISTINCT FROM NEW.share_with_banks
        OR OLD.status IS DISTINCT FROM NEW.status
        OR (OLD.county_code, OLD.name, OLD.industry_code, OLD.renovation_types,
            OLD.requested_support, OLD.planned_investment_fen,
            OLD.planned_equipment_investment_fen, OLD.start_period,
            OLD.planned_completion_period, OLD.financing_need_fen, OLD.description)
           IS DISTINCT FROM
           (NEW.county_code, NEW.name, NEW.industry_code, NEW.renovation_types,
            NEW.requested_support, NEW.planned_investment_fen,
            NEW.planned_equipment_investment_fen, NEW.start_period,
            NEW.planned_completion_period, NEW.financing_need_fen, NEW.description))
  EXECUTE FUNCTION banklink_follow_project();

-- What a bank is shown of a project (RecommendedProject), in one place.
CREATE VIEW v_banklink_projects AS
  SELECT p.project_code, p.name, p.enterprise_credit_code, e.name AS enterprise_name,
         p.county_code, p.city_code, p.industry_code, p.renovation_types, p.requested_support,
         p.planned_investment_fen, p.planned_equipment_investment_fen, p.financing_need_fen,
         coalesce(f.completed_fen, 0) AS completed_fen, p.start_period,
         p.planned_completion_period, p.status, e.revenue_band, e.above_designated_size,
         e.integration_pilot, e.integration_certified, p.description,
         EXISTS (SELECT 1 FROM library_entries l
                  WHERE l.project_code = p.project_code AND l.tier = 3 AND l.state = 2)
           AS provincial_key_project
  FROM registry_projects p
  JOIN registry_enterprises e ON e.credit_code = p.enterprise_credit_code
  LEFT JOIN monitoring_project_facts f ON f.project_code = p.project_code;

-- A bank's latest report per recommended project.
CREATE TABLE banklink_feedback (
  project_code    text NOT NULL,
  bank_id         text NOT NULL REFERENCES banklink_banks (bank_id),
  county_code     text NOT NULL,
  state           smallint NOT NULL CHECK (state BETWEEN 1 AND 4),  -- FeedbackState
  loan_amount_fen bigint NOT NULL CHECK (loan_amount_fen >= 0),
  decline_reason  smallint NOT NULL,  -- DeclineReason
  decline_detail  text NOT NULL,
  note            text NOT NULL,
  effective_time  timestamptz NOT NULL,
  first_time      timestamptz NOT NULL,
  update_time     timestamptz NOT NULL,
  submitted_by    text NOT NULL,
  version         bigint NOT NULL,
  PRIMARY KEY (project_code, bank_id)
);
CREATE INDEX banklink_feedback_bank ON banklink_feedback (bank_id, project_code);

-- Every accepted submission, oldest first.
CREATE TABLE banklink_feedback_history (
  id              bigserial PRIMARY KEY,
  project_code    text NOT NULL,
  bank_id         text NOT NULL,
  version         bigint NOT NULL,
  state           smallint NOT NULL,
  loan_amount_fen bigint NOT NULL,
  decline_reason  smallint NOT NULL,
  decline_detail  text NOT NULL,
  note            text NOT NULL,
  effective_time  timestamptz NOT NULL,
  principal_id    bigint NOT NULL,
  submitted_by    text NOT NULL,
  request_id      text NOT NULL,
  at              timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX banklink_feedback_history_pair ON banklink_feedback_history (project_code, bank_id, id);
