-- Projects outside the statistics (under 5 million yuan planned, or withdrawn)
-- are few; monitoring subtracts their reports from its rollup at query time,
-- so the registry offers them through a view backed by a partial index.
CREATE INDEX registry_projects_outside_statistics ON registry_projects (project_code)
  WHERE planned_investment_fen < 500000000 OR status = 5;

CREATE VIEW v_projects_outside_statistics AS
  SELECT project_code, county_code
  FROM registry_projects
  WHERE planned_investment_fen < 500000000 OR status = 5;
