-- ProjectRegistry's tables (owned by services/registry) and the views other
-- services read them through.

CREATE TABLE registry_enterprises (
  credit_code           text PRIMARY KEY,
  name                  text NOT NULL,
  county_code           text NOT NULL REFERENCES regions (code),
  industry_code         text NOT NULL REFERENCES industries (code),
  above_designated_size boolean NOT NULL,
  revenue_band          smallint NOT NULL,
  integration_pilot     boolean NOT NULL,
  integration_certified boolean NOT NULL,
  version               bigint NOT NULL,
  created_at            timestamptz NOT NULL DEFAULT now(),
  updated_at            timestamptz NOT NULL DEFAULT now()
);

-- county_code leads the key so the table can be distributed by county (Citus).
CREATE TABLE registry_projects (
  county_code                     text NOT NULL REFERENCES regions (code),
  project_code                    text NOT NULL,
  city_code                       text NOT NULL,
  enterprise_credit_code          text NOT NULL REFERENCES registry_enterprises (credit_code),
  industry_code                   text NOT NULL REFERENCES industries (code),
  name                            text NOT NULL,
  renovation_types                smallint[] NOT NULL,
  requested_support               smallint[] NOT NULL,
  planned_investment_fen          bigint NOT NULL CHECK (planned_investment_fen > 0),
  planned_equipment_investment_fen bigint NOT NULL CHECK (planned_equipment_investment_fen >= 0),
  start_period                    text NOT NULL,
  planned_completion_period       text NOT NULL,
  status                          smallint NOT NULL,
  financing_need_fen              bigint NOT NULL CHECK (financing_need_fen >= 0),
  share_with_banks                boolean NOT NULL,
  source_record_id                text,
  description                     text NOT NULL DEFAULT '',
  withdraw_reason                 text NOT NULL DEFAULT '',
  version                         bigint NOT NULL,
  created_at                      timestamptz NOT NULL DEFAULT now(),
  updated_at                      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (county_code, project_code)
);
CREATE UNIQUE INDEX registry_projects_code ON registry_projects (project_code);
CREATE UNIQUE INDEX registry_projects_source ON registry_projects (county_code, source_record_id)
  WHERE source_record_id IS NOT NULL;
CREATE INDEX registry_projects_city ON registry_projects (city_code, project_code);
CREATE INDEX registry_projects_updated ON registry_projects (updated_at);

-- Serial numbers of the project codes techreno assigns, per county and year.
CREATE TABLE registry_code_counters (
  county_code text NOT NULL,
  year        integer NOT NULL,
  last_serial integer NOT NULL,
  PRIMARY KEY (county_code, year)
);

-- Read interface for the other services (monitoring, library, banklink).
CREATE VIEW v_projects AS
  SELECT county_code, project_code, city_code, enterprise_credit_code, industry_code, name,
         renovation_types, requested_support, planned_investment_fen,
         planned_equipment_investment_fen, start_period, planned_completion_period, status,
         financing_need_fen, share_with_banks, version, updated_at
  FROM registry_projects;

CREATE VIEW v_enterprises AS
  SELECT credit_code, name, county_code, industry_code, above_designated_size, revenue_band,
         integration_pilot, integration_certified
  FROM registry_enterprises;
