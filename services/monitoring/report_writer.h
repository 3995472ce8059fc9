// The write path of one progress report, shared by SubmitProgress and
// PushProgress: project and scope, the reporting calendar (start, completion,
// locks, the January–February rule), corrections with versions, declared
// totals, and the audit row (the summaries follow by trigger, migration 0009).
#ifndef TECHRENO_SERVICES_MONITORING_REPORT_WRITER_H_
#define TECHRENO_SERVICES_MONITORING_REPORT_WRITER_H_

#include <pqxx/pqxx>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "libs/auth/principal.h"
#include "libs/rpc/violations.h"
#include "services/monitoring/monitoring_store.h"
#include "techreno/v1/monitoring.pb.h"

namespace techreno::monitoring {

struct ReportOutcome {
  v1::Outcome outcome = v1::OUTCOME_REJECTED;
  v1::ProgressReport report;   // as stored, with computed totals (accepted or unchanged)
  rpc::Violations violations;  // every finding, warnings included
  absl::StatusCode code = absl::StatusCode::kOk;  // for rejections: the unary error class
  bool corrected = false;  // an earlier report of this project-month was replaced
};

// The fields a county sends, normalised: two reports with the same content
// are the same report (a re-send is UNCHANGED).
v1::ProgressReport ReportContent(const v1::ProgressReport& report);
// True when `stored` (with its project_code and period) has `wanted`'s
// content; `wanted` is a ReportContent.
bool SameContent(const v1::ProgressReport& stored, const v1::ProgressReport& wanted);

// The report's project as the store knows it. Unknown, outside the caller's
// scope, or withdrawn: nullopt, with the fatal finding added to `findings` and
// the status code a unary call answers with in *code. Also run for a report
// that failed the pure checks, so that every violation comes back at once.
std::optional<ProjectFacts> CheckReportProject(pqxx::transaction_base& tx,
                                               const auth::Principal& caller,
                                               const std::string& project_code,
                                               const std::string& field, rpc::Violations& findings,
                                               absl::StatusCode* code);

// For a report already rejected by the pure checks: CheckReportProject's
// finding, when it has a project code to look up.
void AddReportStoreFindings(pqxx::transaction_base& tx, const auth::Principal& caller,
                            const v1::ProgressReport& report, rpc::Violations& findings);

// `input` must have passed ValidateReport without fatal findings (`warnings`).
// `with_totals` fills the report's year-to-date and since-start totals and
// names (SubmitProgress answers them; a bulk push does not need them).
ReportOutcome WriteReport(pqxx::transaction_base& tx, const auth::Principal& caller,
                          const v1::ProgressReport& input, int64_t expected_version,
                          const std::string& request_id, rpc::Violations warnings, absl::Time now,
                          const std::string& prefix, bool with_totals);

}  // namespace techreno::monitoring

#endif  // TECHRENO_SERVICES_MONITORING_REPORT_WRITER_H_
