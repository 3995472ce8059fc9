-- The serials of the project codes techreno assigns come from one sequence per
-- county and year instead of a counter row. The row was locked by the first
-- batch that assigned a code until that batch committed, so two streams of
-- one county took turns; nextval() never waits. Serials may now have gaps (a
-- batch that rolls back keeps the serials it drew): codes must be unique, not
-- dense, and AssignCode still skips any code already taken.

-- The next serial of `county` (six digits) in `year`; creates the sequence on
-- first use. Two transactions creating the same sequence at once: one waits,
-- then fails with a unique violation, which the store retries.
CREATE FUNCTION registry_next_serial(county text, year integer) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
  name text := format('registry_serial_%s_%s', county, year);
BEGIN
  IF county !~ '^[0-9]{6}$' OR year < 2000 OR year > 2099 THEN
    RAISE EXCEPTION 'registry_next_serial: bad county % or year %', county, year
      USING ERRCODE = 'data_exception';
  END IF;
  IF to_regclass(name) IS NULL THEN
    EXECUTE format('CREATE SEQUENCE IF NOT EXISTS %I', name);
  END IF;
  RETURN nextval(name::regclass);
END $$;

-- Carry the counters over: each sequence continues after its last serial.
DO $$
DECLARE
  r record;
BEGIN
  FOR r IN SELECT county_code, year, last_serial FROM registry_code_counters LOOP
    EXECUTE format('CREATE SEQUENCE IF NOT EXISTS %I START %s',
                   format('registry_serial_%s_%s', r.county_code, r.year), r.last_serial + 1);
  END LOOP;
END $$;

DROP TABLE registry_code_counters;
