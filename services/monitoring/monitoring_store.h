// InvestmentMonitoring's SQL behind a narrow interface. Every function runs in
// a transaction the caller owns and may throw pqxx exceptions (mapped by
// store::RunInTransaction). Projects are read through the registry's view
// v_projects, never its tables.
#ifndef TECHRENO_SERVICES_MONITORING_MONITORING_STORE_H_
#define TECHRENO_SERVICES_MONITORING_MONITORING_STORE_H_

#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "techreno/v1/monitoring.pb.h"

namespace techreno::monitoring {

// What a report needs to know of its project (from v_projects).
struct ProjectFacts {
  std::string project_code;
  std::string county_code;
  std::string industry_code;
  std::string name;
  std::string start_period;
  v1::ProjectStatus status;
  int64_t planned_fen = 0;
};
std::optional<ProjectFacts> LoadProjectFacts(pqxx::transaction_base& tx,
                                             const std::string& project_code);

// Serialises report writes for one project (calendar rules read its other
// months), until the transaction ends.
void LockProject(pqxx::transaction_base& tx, const std::string& project_code);
// The latest month the project has a report for, if any.
std::optional<int> LastReportIndex(pqxx::transaction_base& tx, const std::string& project_code);

// A stored report with its bookkeeping columns.
struct StoredReport {
  v1::ProgressReport report;  // input fields + version, times, late, submitted_by
  int period_index = 0;
};
// The monitoring_reports columns ReportFromRow reads, in its order (a macro so
// that queries can be string literals).
#define TECHRENO_REPORT_COLUMNS                                                             \
  "project_code, period, covers_january, completed_fen, building_fen, installation_fen, "   \
  "equipment_fen, other_fen, status, note, source_record_id, version, late, submitted_by, " \
  "(extract(epoch from first_submit_at) * 1000000)::bigint, "                               \
  "(extract(epoch from updated_at) * 1000000)::bigint, period_index"
// The report in `row`'s TECHRENO_REPORT_COLUMNS, which start at column `first`.
StoredReport ReportFromRow(const pqxx::row& row, size_t first);
std::optional<StoredReport> LoadReport(pqxx::transaction_base& tx, const std::string& county_code,
                                       const std::string& project_code, int period_index,
                                       bool for_update);

// One report row to store, new or replacing the project-month's row.
struct ReportWrite {
  std::string county_code;
  int period_index = 0;
  // The end of the month's half-year deadline (DeadlineEnd): a correction
  // written at or after it is stored as corrected after the deadline.
  absl::Time deadline;
  // Stored: project_code, period, covers_january, the amount and its split,
  // status, note, source_record_id, version; `late` only for a new row (a
  // correction keeps the row's own). submitted_by is the writing principal.
  v1::ProgressReport report;
  std::string request_id;  // recorded in the audit row ("" when none)
};
// Stored times of a written row, microseconds since the epoch.
struct WrittenTimes {
  int64_t first_submit_us = 0;
  int64_t update_us = 0;
};
// Writes the rows in one statement and, in the same statement, one audit row
// each ("report", or "correct" when a row was replaced) whose before and after
// are the stored rows as JSON — built by PostgreSQL, so that a batch of
// thousands costs no serialisation here. A row of version 1 is new (the
// project-month must not be stored yet); a higher version replaces the stored
// row. The caller holds each project's write lock (LockProject). At most one
// row per project-month. Answers the stored times, in the order of `rows`.
std::vector<WrittenTimes> WriteReports(pqxx::transaction_base& tx, int64_t principal_id,
                                       const std::string& principal_name,
                                       const std::vector<ReportWrite>& rows);

// Period index of the month the project completed, if it did: its first
// report with status COMPLETED, or the month the registry marked it completed,
// whichever is earlier.
std::optional<int> CompletionIndex(pqxx::transaction_base& tx, const std::string& project_code);
// Status of the project's latest report before `period_index`, if any.
std::optional<v1::ProjectStatus> PreviousStatus(pqxx::transaction_base& tx,
                                                const std::string& project_code, int period_index);
// Sum of the project's reports with index in [from, to], excluding `skip`.
int64_t SumReports(pqxx::transaction_base& tx, const std::string& project_code, int from, int to,
                   int skip);

// The locked periods among `periods`.
std::vector<std::string> LockedAmong(pqxx::transaction_base& tx,
                                     const std::vector<std::string>& periods);
std::optional<v1::PeriodLock> LoadLock(pqxx::transaction_base& tx, const std::string& period,
                                       bool for_update);
void SaveLock(pqxx::transaction_base& tx, const v1::PeriodLock& lock, bool insert);

// Targets: scope_kind "region" or "group".
std::optional<v1::Target> LoadTarget(pqxx::transaction_base& tx, int year,
                                     const std::string& scope_kind, const std::string& scope_code,
                                     int metric, bool for_update);
void SaveTarget(pqxx::transaction_base& tx, const v1::Target& target, const std::string& scope_kind,
                const std::string& scope_code, bool insert);
// Every target of a year and metric.
std::vector<v1::Target> TargetsOf(pqxx::transaction_base& tx, int year, int metric);

}  // namespace techreno::monitoring

#endif  // TECHRENO_SERVICES_MONITORING_MONITORING_STORE_H_
