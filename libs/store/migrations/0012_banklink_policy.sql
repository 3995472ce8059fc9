-- BankLink, second part (issue 10): the province's policy as versioned data
-- (candidate score weights, the banks' response deadline, loan-interest
-- subsidy terms); China's working-day calendar; when each bank received each
-- project; the loan's rate, term and disbursement. Owned by services/banklink,
-- but for the calendar, which is reference data (libs/store, seeded from
-- libs/store/data/cn-working-calendar.csv at every start).

-- Every version of the policy, as BankLinkPolicy's JSON (proto field names,
-- every field printed); the highest version is in force.
CREATE TABLE banklink_policies (
  version        bigint PRIMARY KEY,
  policy         jsonb NOT NULL,
  principal_id   bigint NOT NULL,
  principal_name text NOT NULL,
  request_id     text NOT NULL,
  at             timestamptz NOT NULL DEFAULT now()
);

-- The documented defaults (docs/API.md "BankLink policy"): weights that sum to
-- 100; a first response within 10 working days; Zhongshan's 2017 subsidy
-- terms (up to 50 % of interest, for up to 3 years, at most 1,500万元 per project).
INSERT INTO banklink_policies (version, policy, principal_id, principal_name, request_id)
VALUES (1, '{
  "version": "1",
  "score_weights": {
    "tier_province": 30, "tier_city": 20, "tier_county": 10,
    "on_schedule": 25, "schedule_zero_gap_points": 30,
    "above_designated_size": 5, "revenue_over_50m": 5,
    "integration_pilot": 5, "integration_certified": 5,
    "financing_share": 10, "need_share_full_pct": 30,
    "favoured_type": 15,
    "favoured_renovation_types": ["RENOVATION_TYPE_INTELLIGENT_MANUFACTURING",
                                  "RENOVATION_TYPE_INFORMATIZATION",
                                  "RENOVATION_TYPE_GREEN_ENERGY_SAVING"]
  },
  "first_response_working_days": 10,
  "subsidy": {
    "name": "中山市2017年技术改造贷款贴息",
    "share_pct": 50, "max_years": 3, "cap_per_project_fen": "1500000000",
    "source": "中山市技术改造贷款贴息 2017 terms as cited by issue 10: up to 50 % of interest for up to 3 years, at most 1,500万元 per project"
  },
  "set_by": "techreno"
}', 0, 'techreno', 'migration-0012');

-- The terms in force, for SQL: the subsidy (v_banklink_loans) and the
-- response deadline (overdue pairs).
CREATE VIEW v_banklink_terms AS
  SELECT (policy -> 'subsidy' ->> 'share_pct')::numeric AS share_pct,
         (policy -> 'subsidy' ->> 'max_years')::integer AS max_years,
         (policy -> 'subsidy' ->> 'cap_per_project_fen')::numeric AS cap_fen,
         (policy ->> 'first_response_working_days')::integer AS response_days
  FROM banklink_policies ORDER BY version DESC LIMIT 1;

-- China's calendar exceptions: official holidays (every day of each holiday
-- period) and adjusted working weekends (调休). Days not listed are working
-- days Monday to Friday.
CREATE TABLE cn_calendar_days (
  day  date PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('holiday', 'workday')),
  name text NOT NULL
);

-- Every day of 2015–2040 with the count of working days up to and including
-- it (ordinal): the n-th working day after day d is the first day whose
-- ordinal is ordinal(d) + n, and "day t is past the n-th working day after
-- d" is ordinal(t - 1) >= ordinal(d) + n. Rebuilt by cn_calendar_refresh().
CREATE TABLE cn_workday_index (
  day     date PRIMARY KEY,
  workday boolean NOT NULL,
  ordinal integer NOT NULL
);
CREATE INDEX cn_workday_index_ordinal ON cn_workday_index (ordinal, day);

-- An upsert over a fixed range, so that two servers starting at once (each
-- seeding the calendar) cannot collide.
CREATE FUNCTION cn_calendar_refresh() RETURNS void LANGUAGE sql AS $$
  INSERT INTO cn_workday_index (day, workday, ordinal)
  SELECT day, workday, sum(workday::int) OVER (ORDER BY day)::integer
  FROM (SELECT d::date AS day,
               coalesce(c.kind = 'workday', extract(isodow FROM d) < 6) AS workday
        FROM generate_series('2015-01-01'::date, '2040-12-31'::date, '1 day') d
        LEFT JOIN cn_calendar_days c ON c.day = d::date) s
  ON CONFLICT (day) DO UPDATE SET workday = EXCLUDED.workday, ordinal = EXCLUDED.ordinal
  WHERE (cn_workday_index.workday, cn_workday_index.ordinal)
        IS DISTINCT FROM (EXCLUDED.workday, EXCLUDED.ordinal);
$$;
SELECT cn_calendar_refresh();


-- When each bank first received each project (its first PUBLISHED event that
-- reached the bank): where the response deadline counts from.
CREATE TABLE banklink_receipts (
  project_code text NOT NULL,
  bank_id      text NOT NULL,
  received_at  timestamptz NOT NULL,
  PRIMARY KEY (project_code, bank_id)
);

CREATE FUNCTION banklink_note_receipt() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO banklink_receipts (project_code, bank_id, received_at)
  SELECT NEW.project_code, b.bank_id, NEW.at FROM banklink_banks b
  WHERE CASE WHEN NEW.to_all THEN NOT b.bank_id = ANY (NEW.to_except)
             ELSE b.bank_id = ANY (NEW.to_banks) END
  ON CONFLICT DO NOTHING;
  RETURN NULL;
END $$;
CREATE TRIGGER banklink_note_receipt AFTER INSERT ON banklink_events
  FOR EACH ROW WHEN (NEW.kind = 1) EXECUTE FUNCTION banklink_note_receipt();

-- The receipts of what was published before this migration.
INSERT INTO banklink_receipts (project_code, bank_id, received_at)
SELECT e.project_code, b.bank_id, min(e.at) FROM banklink_events e
JOIN banklink_banks b ON CASE WHEN e.to_all THEN NOT b.bank_id = ANY (e.to_except)
                              ELSE b.bank_id = ANY (e.to_banks) END
WHERE e.kind = 1 GROUP BY e.project_code, b.bank_id;

-- A granted loan's rate, term and disbursement (0 / NULL: not reported).
ALTER TABLE banklink_feedback
  ADD COLUMN interest_rate_bp integer NOT NULL DEFAULT 0,
  ADD COLUMN term_months integer NOT NULL DEFAULT 0,
  ADD COLUMN disbursed_fen bigint NOT NULL DEFAULT 0 CHECK (disbursed_fen >= 0),
  ADD COLUMN disbursement_time timestamptz;
ALTER TABLE banklink_feedback_history
  ADD COLUMN interest_rate_bp integer NOT NULL DEFAULT 0,
  ADD COLUMN term_months integer NOT NULL DEFAULT 0,
  ADD COLUMN disbursed_fen bigint NOT NULL DEFAULT 0,
  ADD COLUMN disbursement_time timestamptz;

-- Every granted loan with its loan-interest subsidy estimate under the terms
-- in force: amount × rate × min(term, max years) × share, the project's loans
-- together capped at cap_per_project_fen (each loan's estimate scaled down in
-- proportion), rounded down to the fen. Loans without rate or term get 0.
CREATE VIEW v_banklink_loans AS
  SELECT project_code, bank_id, loan_amount_fen, disbursed_fen,
         floor(CASE WHEN sum(estimate) OVER project > cap_fen
                    THEN estimate * cap_fen / sum(estimate) OVER project
                    ELSE estimate END)::bigint AS subsidy_estimate_fen
  FROM (SELECT f.project_code, f.bank_id, f.loan_amount_fen, f.disbursed_fen, s.cap_fen,
               CASE WHEN f.interest_rate_bp > 0 AND f.term_months > 0
                    THEN f.loan_amount_fen::numeric * f.interest_rate_bp / 10000
                         * least(f.term_months, s.max_years * 12) / 12 * s.share_pct / 100
                    ELSE 0 END AS estimate
        FROM banklink_feedback f CROSS JOIN v_banklink_terms s
        WHERE f.state = 3) l
  WINDOW project AS (PARTITION BY project_code);

-- What ScoreCandidates needs besides what banks see: consent, and the highest
-- library tier the project is ACCEPTED in (0: none). Columns appended.
CREATE OR REPLACE VIEW v_banklink_projects AS
  SELECT p.project_code, p.name, p.enterprise_credit_code, e.name AS enterprise_name,
         p.county_code, p.city_code, p.industry_code, p.renovation_types, p.requested_support,
         p.planned_investment_fen, p.planned_equipment_investment_fen, p.financing_need_fen,
         coalesce(f.completed_fen, 0) AS completed_fen, p.start_period,
         p.planned_completion_period, p.status, e.revenue_band, e.above_designated_size,
         e.integration_pilot, e.integration_certified, p.description,
         EXISTS (SELECT 1 FROM library_entries l
                  WHERE l.project_code = p.project_code AND l.tier = 3 AND l.state = 2)
           AS provincial_key_project,
         p.share_with_banks,
         coalesce((SELECT max(l.tier) FROM library_entries l
                    WHERE l.project_code = p.project_code AND l.state = 2), 0) AS library_tier
  FROM registry_projects p
  JOIN registry_enterprises e ON e.credit_code = p.enterprise_credit_code
  LEFT JOIN monitoring_project_facts f ON f.project_code = p.project_code;

-- Every (recommendation, bank) pair — each bank a recommendation is
-- addressed to — with when the bank received it, that day's working-day
-- ordinal, and the bank's feedback if any: what the matching statistics and
-- the overdue list count. A bank added to the directory after an all-banks
-- publication counts as receiving it when it joined. The pair is overdue when
-- it has no feedback, the recommendation is ACTIVE, and
-- received_ordinal + first_response_working_days <= the ordinal of
-- yesterday (China time).
CREATE VIEW v_banklink_pairs AS
  SELECT r.project_code, r.state AS rec_state, r.publication_ids, r.publish_time,
         b.bank_id, b.name AS bank_name, rc.at AS received_at, w.ordinal AS received_ordinal,
         f.state, f.loan_amount_fen, f.decline_reason, f.first_time, f.disbursed_fen
  FROM banklink_recommendations r
  JOIN banklink_banks b ON r.all_banks OR b.bank_id = ANY (r.bank_ids)
  LEFT JOIN banklink_receipts x ON x.project_code = r.project_code AND x.bank_id = b.bank_id
  CROSS JOIN LATERAL (SELECT coalesce(x.received_at, greatest(r.publish_time, b.created_at)) AS at) rc
  LEFT JOIN cn_workday_index w ON w.day = (rc.at AT TIME ZONE 'Asia/Shanghai')::date
  LEFT JOIN banklink_feedback f ON f.project_code = r.project_code AND f.bank_id = b.bank_id;

-- A project's running total and last report month as of month `as_of` (a
-- period index): a report of a later month — the current one, the only month
-- that can be later — left out, as ListLaggingProjects does. Read by the
-- key-project library and by ScoreCandidates; last_reported is -1 when none.
CREATE FUNCTION monitoring_progress_as_of(code text, as_of integer)
RETURNS TABLE (completed bigint, last_reported integer) LANGUAGE sql STABLE AS $$
  SELECT CASE WHEN f.project_code IS NULL THEN 0
              WHEN f.last_report_index <= as_of THEN f.completed_fen
              WHEN f.previous_report_index <= as_of THEN f.completed_fen - f.last_report_fen
              ELSE (SELECT coalesce(sum(r.completed_fen), 0)::bigint FROM monitoring_reports r
                    WHERE r.project_code = code AND r.period_index <= as_of) END,
         CASE WHEN f.project_code IS NULL THEN -1
              WHEN f.last_report_index <= as_of THEN f.last_report_index
              WHEN f.previous_report_index <= as_of THEN f.previous_report_index
              ELSE coalesce((SELECT max(r.period_index) FROM monitoring_reports r
                             WHERE r.project_code = code AND r.period_index <= as_of), -1) END
  FROM (SELECT 1) one LEFT JOIN v_project_progress f ON f.project_code = code
$$;
