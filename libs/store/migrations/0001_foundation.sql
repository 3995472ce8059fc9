-- Foundation: reference data, principals, idempotency keys, audit log.
-- Owned by libs/store (reference data) and libs/auth (principals); read by all services.

CREATE TABLE regions (
  code        text PRIMARY KEY CHECK (code ~ '^[0-9]{6}$'),
  name        text NOT NULL,
  tier        text NOT NULL CHECK (tier IN ('province', 'city', 'county')),
  parent_code text REFERENCES regions (code)
);

CREATE TABLE industries (
  code        text PRIMARY KEY,
  name        text NOT NULL,
  level       text NOT NULL CHECK (level IN ('section', 'division', 'group')),
  parent_code text
);

-- A caller of the API. The token itself is never stored, only its SHA-256.
CREATE TABLE principals (
  id           bigserial PRIMARY KEY,
  name         text NOT NULL UNIQUE,
  role         text NOT NULL CHECK (role IN ('county', 'city', 'province', 'bank', 'auditor')),
  scope        text NOT NULL,
  token_sha256 bytea NOT NULL UNIQUE,
  created_at   timestamptz NOT NULL DEFAULT now(),
  disabled_at  timestamptz
);

-- First answer of every mutation, by caller and request id: a retry gets it back.
CREATE TABLE idempotency_keys (
  principal_id bigint NOT NULL REFERENCES principals (id),
  method       text NOT NULL,
  request_id   text NOT NULL,
  fingerprint  bytea NOT NULL,
  response     bytea NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (principal_id, method, request_id)
);

-- Every change, written in the same transaction as the change itself.
CREATE TABLE audit_log (
  id             bigserial PRIMARY KEY,
  at             timestamptz NOT NULL DEFAULT now(),
  principal_id   bigint REFERENCES principals (id),
  principal_name text NOT NULL,
  action         text NOT NULL,
  entity         text NOT NULL,
  entity_key     text NOT NULL,
  county_code    text,
  version        bigint,
  request_id     text,
  before         jsonb,
  after          jsonb
);
CREATE INDEX audit_log_entity ON audit_log (entity, entity_key, id);
