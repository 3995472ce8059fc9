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

// Serialises report writes for each of the projects (the calendar rules read
// their other months) until the transaction ends. Locks are taken in hash
// order, so that two batches never wait on each other in a cycle.
void LockProjects(pqxx::transaction_base& tx, const std::vector<std::string>& project_codes);

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

// What one report needs to know of its project and the project's months, as
// of the statement that reads it.
struct ReportContext {
  bool project_found = false;  // in the registry (v_projects)
  std::string county_code, project_name, start_period;
  v1::ProjectStatus project_status = v1::PROJECT_STATUS_UNSPECIFIED;
  int64_t planned_fen = 0;
  // The first month reported COMPLETED or the registry's completion month,
  // whichever is earlier; -1 when neither.
  int completion_index = -1;
  int last_report_index = -1;                        // the latest reported month; -1: none
  std::optional<StoredReport> stored;                // this project-month's report
  std::optional<v1::ProjectStatus> previous_status;  // of the latest report before this month
  bool january_reported = false;                     // this year's January has a report of its own
  bool covered_by_february = false;  // (a January) this year's February report covers it
  bool period_locked = false;
  bool january_locked = false;         // this year's January is locked
  int64_t ytd_before_fen = 0;          // the year's months before this one
  int64_t since_start_before_fen = 0;  // every month before this one
};
struct ReportKey {
  std::string project_code;
  int period_index = 0;
};
// One context per key, in order, read in one statement (one index probe of
// the project and one scan of its reports per key).
std::vector<ReportContext> LoadReportContexts(pqxx::transaction_base& tx,
                                              const std::vector<ReportKey>& keys);

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
// row. The caller holds each project's write lock (LockProjects). At most one
// row per project-month. Answers the stored times, in the order of `rows`.
std::vector<WrittenTimes> WriteReports(pqxx::transaction_base& tx, int64_t principal_id,
                                       const std::string& principal_name,
                                       const std::vector<ReportWrite>& rows);

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
