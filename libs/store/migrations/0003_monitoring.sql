-- InvestmentMonitoring's tables (owned by services/monitoring) and region groups
-- (reference data, seeded from libs/store/data/region-groups.csv).

CREATE TABLE region_groups (
  id   text PRIMARY KEY,
  name text NOT NULL
);
CREATE TABLE region_group_members (
  group_id    text NOT NULL REFERENCES region_groups (id),
  region_code text NOT NULL REFERENCES regions (code),
  PRIMARY KEY (group_id, region_code)
);

-- One row per project and month: the latest figures; earlier versions are in
-- audit_log. period_index = year * 12 + month - 1 makes ranges cheap.
CREATE TABLE monitoring_reports (
  county_code        text NOT NULL,
  project_code       text NOT NULL,
  period             text NOT NULL,
  period_index       integer NOT NULL,
  covers_january     boolean NOT NULL,
  completed_fen      bigint NOT NULL CHECK (completed_fen >= 0),
  building_fen       bigint NOT NULL CHECK (building_fen >= 0),
  installation_fen   bigint NOT NULL CHECK (installation_fen >= 0),
  equipment_fen      bigint NOT NULL CHECK (equipment_fen >= 0),
  other_fen          bigint NOT NULL CHECK (other_fen >= 0),
  status             smallint NOT NULL,
  note               text NOT NULL DEFAULT '',
  source_record_id   text NOT NULL DEFAULT '',
  version            bigint NOT NULL,
  late               boolean NOT NULL,
  submitted_by       text NOT NULL,
  first_submit_at    timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (county_code, project_code, period_index)
);
CREATE INDEX monitoring_reports_project ON monitoring_reports (project_code, period_index);

-- Kept exact in the same transaction as every report: county × industry
-- division × month. Rolling up to cities, groups and the province is done at
-- query time over this small table.
CREATE TABLE monitoring_rollup (
  county_code       text NOT NULL,
  industry_division text NOT NULL,
  period_index      integer NOT NULL,
  completed_fen     bigint NOT NULL,
  report_count      bigint NOT NULL,
  PRIMARY KEY (county_code, industry_division, period_index)
);

CREATE TABLE monitoring_period_locks (
  period     text PRIMARY KEY,
  locked     boolean NOT NULL,
  reason     text NOT NULL,
  changed_by text NOT NULL,
  changed_at timestamptz NOT NULL DEFAULT now(),
  version    bigint NOT NULL
);

-- scope_kind 'region' (province, city or county code) or 'group' (region group id).
CREATE TABLE monitoring_targets (
  year       integer NOT NULL,
  scope_kind text NOT NULL CHECK (scope_kind IN ('region', 'group')),
  scope_code text NOT NULL,
  metric     smallint NOT NULL,
  value      bigint NOT NULL CHECK (value >= 0),
  note       text NOT NULL DEFAULT '',
  version    bigint NOT NULL,
  set_by     text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (year, scope_kind, scope_code, metric)
);
