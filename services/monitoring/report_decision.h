// The rule chain of one progress report against what the store knows about
// its project and months: scope, the reporting calendar (start, completion,
// locks, the January–February rule), versions, declared totals and the
// warnings. Pure — the store reads a ReportContext for a whole batch at once
// (LoadReportContexts) and the writer (report_batch.h) stores what this
// decides — so that the rules are unit-tested without a database
// (tests/unit/report_decision_test.cc).
#ifndef TECHRENO_SERVICES_MONITORING_REPORT_DECISION_H_
#define TECHRENO_SERVICES_MONITORING_REPORT_DECISION_H_

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "libs/auth/principal.h"
#include "libs/rpc/violations.h"
#include "services/monitoring/monitoring_store.h"
#include "techreno/v1/monitoring.pb.h"

namespace techreno::monitoring {

// The fields a county sends, normalised: two reports with the same content
// are the same report (a re-send is UNCHANGED).
v1::ProgressReport ReportContent(const v1::ProgressReport& report);

struct ReportDecision {
  v1::Outcome outcome = v1::OUTCOME_REJECTED;
  // ACCEPTED: the row to store (content, status, version, late, submitted_by).
  // UNCHANGED: the stored report.
  v1::ProgressReport report;
  rpc::Violations violations;                     // every finding, warnings included
  absl::StatusCode code = absl::StatusCode::kOk;  // for rejections: the unary error class
  bool corrected = false;  // an earlier report of this project-month is replaced
};

// `input` must have passed ValidateReport without fatal findings (those are
// `warnings`); `now` dates a new report as late or not. Fields are named
// "report.<field>", as in the request messages.
ReportDecision DecideReport(const auth::Principal& caller, const v1::ProgressReport& input,
                            int64_t expected_version, const ReportContext& context, absl::Time now,
                            rpc::Violations warnings);

}  // namespace techreno::monitoring

#endif  // TECHRENO_SERVICES_MONITORING_REPORT_DECISION_H_
