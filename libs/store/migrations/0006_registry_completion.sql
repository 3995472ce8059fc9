-- The month a project became COMPLETED in the registry (China Standard Time),
-- for monitoring: a project completed there without a COMPLETED progress
-- report still stops being expected to report after that month.
ALTER TABLE registry_projects ADD COLUMN completed_period text;

-- Columns may only be added at the end of a view.
CREATE OR REPLACE VIEW v_projects AS
  SELECT county_code, project_code, city_code, enterprise_credit_code, industry_code, name,
         renovation_types, requested_support, planned_investment_fen,
         planned_equipment_investment_fen, start_period, planned_completion_period, status,
         financing_need_fen, share_with_banks, version, updated_at,
         left(completed_period, 4)::int * 12 + right(completed_period, 2)::int - 1
           AS completion_index
  FROM registry_projects;
