// The set-based write path of a batch of progress reports: the same rules and
// effects as report_writer.h (which stays the reference), in a handful of
// statements for the whole batch instead of about ten per report.
//
// It takes the common case only: every report for a different project, no
// February covering January, no COMPLETED status, no declared totals, no
// expected_version. Anything else returns nullopt and the caller writes the
// batch record by record.
#ifndef TECHRENO_SERVICES_MONITORING_REPORT_BATCH_H_
#define TECHRENO_SERVICES_MONITORING_REPORT_BATCH_H_

#include <optional>
#include <vector>

#include <pqxx/pqxx>

#include "absl/time/time.h"
#include "libs/auth/principal.h"
#include "services/monitoring/report_writer.h"

namespace techreno::monitoring {

struct BatchReport {
  const v1::ProgressReport* report;
  int64_t expected_version;
  const rpc::Violations* warnings;  // from ValidateReport, no fatal ones
};

std::optional<std::vector<ReportOutcome>> WriteReportBatch(pqxx::transaction_base& tx,
                                                           const auth::Principal& caller,
                                                           const std::vector<BatchReport>& batch,
                                                           absl::Time now);

}  // namespace techreno::monitoring

#endif  // TECHRENO_SERVICES_MONITORING_REPORT_BATCH_H_
