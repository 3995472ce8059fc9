// The registry's SQL, behind a narrow interface. Every function runs inside a
// transaction the caller owns (so that a write, its audit row and its
// idempotency key commit together) and may throw pqxx exceptions, which
// store::RunInTransaction maps to absl::Status.
#ifndef TECHRENO_SERVICES_REGISTRY_REGISTRY_STORE_H_
#define TECHRENO_SERVICES_REGISTRY_REGISTRY_STORE_H_

#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "libs/auth/principal.h"
#include "techreno/v1/registry.pb.h"

namespace techreno::registry {

// ---- enterprises
std::optional<v1::Enterprise> LoadEnterprise(pqxx::transaction_base& tx,
                                             const std::string& credit_code, bool for_update);
void InsertEnterprise(pqxx::transaction_base& tx, const v1::Enterprise& e);
void UpdateEnterprise(pqxx::transaction_base& tx, const v1::Enterprise& e);

// ---- projects
std::optional<v1::Project> LoadProject(pqxx::transaction_base& tx, const std::string& project_code,
                                       bool for_update);
// The county's project with this source_record_id, if any, locked FOR UPDATE.
std::optional<v1::Project> FindBySourceRecord(pqxx::transaction_base& tx,
                                              const std::string& county_code,
                                              const std::string& source_record_id);
// Next serial for codes techreno assigns in (county, year), starting at 1,
// from the county-year's sequence (migration 0008): never waits for another
// transaction, and may leave gaps.
int64_t NextSerial(pqxx::transaction_base& tx, const std::string& county_code, int year);
// Write `p` and return the row as stored (server-set times included), so
// that what is audited and answered needs no second read.
v1::Project InsertProject(pqxx::transaction_base& tx, const v1::Project& p,
                          const std::string& city_code);
v1::Project UpdateProject(pqxx::transaction_base& tx, const v1::Project& p);
// Records the month (China Standard Time) a project first became COMPLETED.
void MarkCompleted(pqxx::transaction_base& tx, const std::string& project_code);

struct ProjectQuery {
  std::string scope_county;  // set for county principals
  std::string scope_city;    // set for city principals
  v1::ListProjectsRequest filter;
  std::string after_code;  // keyset: codes strictly greater
  int limit = 100;
};
std::vector<v1::Project> QueryProjects(pqxx::transaction_base& tx, const ProjectQuery& q);

// History: audit rows of a project, newest first, with id < before_id (0 = any).
struct HistoryRow {
  int64_t audit_id;
  v1::ProjectVersion version;
};
std::vector<HistoryRow> ProjectHistory(pqxx::transaction_base& tx, const std::string& project_code,
                                       int64_t before_id, int limit);

}  // namespace techreno::registry

#endif  // TECHRENO_SERVICES_REGISTRY_REGISTRY_STORE_H_
