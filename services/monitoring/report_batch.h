// The one write path of progress reports, for SubmitProgress (a batch of one)
// and every batch of PushProgress: what the rules need is read for the whole
// batch in one statement (LoadReportContexts), each report is decided by the
// rule chain (report_decision.h), and the accepted rows and their audit rows
// are written in one statement (WriteReports); the summaries follow by
// trigger (migration 0009).
//
// Reports of one project are decided in the batch's order: the k-th report of
// a project is read and written in round k, after the earlier ones, so a
// batch answers exactly as its reports sent one at a time would.
#ifndef TECHRENO_SERVICES_MONITORING_REPORT_BATCH_H_
#define TECHRENO_SERVICES_MONITORING_REPORT_BATCH_H_

#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "libs/auth/principal.h"
#include "libs/rpc/violations.h"
#include "services/monitoring/report_decision.h"
#include "techreno/v1/monitoring.pb.h"

namespace techreno::monitoring {

struct BatchReport {
  const v1::ProgressReport* report;  // passed ValidateReport without fatal findings
  int64_t expected_version = 0;
  std::string request_id;           // kept in the audit row; "" when none
  const rpc::Violations* warnings;  // ValidateReport's findings
};

// One decision per report, in order; an accepted report comes back as stored
// (with its times). `with_totals` also fills the year-to-date and since-start
// totals and the project, county and city names (SubmitProgress answers
// them; a bulk push does not need them). May throw pqxx exceptions.
std::vector<ReportDecision> WriteReportBatch(pqxx::transaction_base& tx,
                                             const auth::Principal& caller,
                                             const std::vector<BatchReport>& batch, absl::Time now,
                                             bool with_totals);

// For a report already rejected by the pure checks, the project's own finding
// (unknown, outside the caller's scope, withdrawn), so that every violation
// comes back at once.
void AddReportStoreFindings(pqxx::transaction_base& tx, const auth::Principal& caller,
                            const v1::ProgressReport& report, rpc::Violations& findings);

}  // namespace techreno::monitoring

#endif  // TECHRENO_SERVICES_MONITORING_REPORT_BATCH_H_
