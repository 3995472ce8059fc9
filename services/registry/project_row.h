// A project row as the registry stores it and as its read interface (the
// v_projects view, migrations 0002/0010) shows it to the other services: the
// columns to select, in order, and the message they decode into.
#ifndef TECHRENO_SERVICES_REGISTRY_PROJECT_ROW_H_
#define TECHRENO_SERVICES_REGISTRY_PROJECT_ROW_H_

#include <pqxx/pqxx>

#include "techreno/v1/registry.pb.h"

// The select list, valid over registry_projects and over v_projects.
#define TECHRENO_PROJECT_COLUMNS                                                               \
  "project_code, enterprise_credit_code, county_code, industry_code, name, renovation_types, " \
  "requested_support, planned_investment_fen, planned_equipment_investment_fen, "              \
  "start_period, planned_completion_period, status, financing_need_fen, share_with_banks, "    \
  "coalesce(source_record_id, ''), description, withdraw_reason, version, "                    \
  "(extract(epoch from created_at) * 1000000)::bigint, "                                       \
  "(extract(epoch from updated_at) * 1000000)::bigint"

namespace techreno::registry {

// Decodes a row whose first columns are TECHRENO_PROJECT_COLUMNS. Output-only
// fields other than times (names, completed investment) are left unset.
v1::Project ProjectFromRow(const pqxx::row& r);

}  // namespace techreno::registry

#endif  // TECHRENO_SERVICES_REGISTRY_PROJECT_ROW_H_
