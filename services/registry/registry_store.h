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
// A read (for_update false) fills completed_investment_fen, the sum of the
// project's monitoring reports; a locked load for a write leaves it 0.
std::optional<v1::Project> LoadProject(pqxx::transaction_base& tx, const std::string& project_code,
                                       bool for_update);
// The batch forms of the write path: one statement for all of a batch.
// Enterprises by credit code, in order (nullopt: not registered).
std::vector<std::optional<v1::Enterprise>> LoadEnterprises(
    pqxx::transaction_base& tx, const std::vector<std::string>& credit_codes);
// Projects by code, locked FOR UPDATE, in order (nullopt: no such project).
std::vector<std::optional<v1::Project>> LockProjects(pqxx::transaction_base& tx,
                                                     const std::vector<std::string>& codes);
// The county's project with each source_record_id, locked FOR UPDATE, in order.
struct SourceKey {
  std::string county_code, source_record_id;
};
std::vector<std::optional<v1::Project>> LockBySourceRecords(pqxx::transaction_base& tx,
                                                            const std::vector<SourceKey>& keys);
// The next serial for codes techreno assigns in each (county, start year),
// starting at 1, from the county-year's sequence (migration 0008): never waits
// for another transaction, and may leave gaps.
struct SerialKey {
  std::string county_code;
  int year = 0;
};
std::vector<int64_t> NextSerials(pqxx::transaction_base& tx, const std::vector<SerialKey>& keys);
// Which of `codes` a project already has, in order.
std::vector<bool> CodesTaken(pqxx::transaction_base& tx, const std::vector<std::string>& codes);
// Writes the projects (new ones with their city) and returns the rows as
// stored (server-set times included), in order, so that what is audited and
// answered needs no second read.
struct NewProject {
  const v1::Project* project;
  std::string city_code;
};
std::vector<v1::Project> InsertProjects(pqxx::transaction_base& tx,
                                        const std::vector<NewProject>& projects);
std::vector<v1::Project> UpdateProjects(pqxx::transaction_base& tx,
                                        const std::vector<const v1::Project*>& projects);
v1::Project UpdateProject(pqxx::transaction_base& tx, const v1::Project& p);
// Records the month (China Standard Time) each project first became COMPLETED.
void MarkCompleted(pqxx::transaction_base& tx, const std::vector<std::string>& project_codes);

struct ProjectQuery {
  std::string scope_county;  // set for county principals
  std::string scope_city;    // set for city principals
  v1::ListProjectsRequest filter;
  std::string after_code;  // keyset: codes strictly greater
  int limit = 100;
};
// With completed_investment_fen filled, as LoadProject's reads.
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
