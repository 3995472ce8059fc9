// PushProgress: the shared bulk-push loop (libs/rpc/push_stream.h) with the
// report checks and write path.
#include "libs/rpc/call.h"
#include "libs/rpc/status.h"
#include "services/monitoring/monitoring_service.h"
#include "services/monitoring/report_batch.h"
#include "services/monitoring/report_rules.h"
#include "services/monitoring/report_writer.h"

namespace techreno::monitoring {
namespace {

class ProgressPush final
    : public rpc::PushHandler<v1::PushProgressRequest, v1::ProgressRecordResult> {
 public:
  // The clock is read per record: a stream may run past a month's end or a
  // half-year's deadline.
  ProgressPush(const auth::Principal& caller, std::function<absl::Time()> clock,
               v1::PushProgressResponse* response)
      : caller_(caller), clock_(std::move(clock)), response_(response) {}

  rpc::Violations Validate(const v1::PushProgressRequest& record) override {
    return ValidateReport(record.report(), CurrentPeriod(clock_()), "report");
  }

  v1::ProgressRecordResult Write(pqxx::transaction_base& tx, int64_t index,
                                 const v1::PushProgressRequest& record,
                                 const rpc::Violations& findings) override {
    ReportOutcome out = WriteReport(tx, caller_, record.report(), record.expected_version(),
                                    record.request_id(), findings, clock_(), "report",
                                    /*with_totals=*/false);
    if (out.outcome == v1::OUTCOME_REJECTED)
      return Reject(index, record, std::move(out.violations));
    v1::ProgressRecordResult result = Base(index, record);
    result.set_outcome(out.outcome);
    result.set_version(out.report.version());
    result.set_corrected(out.corrected);
    *result.mutable_violations() = {out.violations.begin(), out.violations.end()};
    return result;
  }

  void AddStoreFindings(pqxx::transaction_base& tx, const v1::PushProgressRequest& record,
                        rpc::Violations& findings) override {
    AddReportStoreFindings(tx, caller_, record.report(), findings);
  }

  v1::ProgressRecordResult Reject(int64_t index, const v1::PushProgressRequest& record,
                                  rpc::Violations findings) override {
    v1::ProgressRecordResult result = Base(index, record);
    result.set_outcome(v1::OUTCOME_REJECTED);
    *result.mutable_violations() = {findings.begin(), findings.end()};
    return result;
  }

  std::optional<std::vector<v1::ProgressRecordResult>> WriteBatch(
      pqxx::transaction_base& tx, const std::vector<Item>& items) override {
    std::vector<BatchReport> batch;
    for (const Item& item : items) {
      batch.push_back({&item.record->report(), item.record->expected_version(), item.findings});
    }
    auto outcomes = WriteReportBatch(tx, caller_, batch, clock_());
    if (!outcomes.has_value()) return std::nullopt;
    std::vector<v1::ProgressRecordResult> results;
    for (size_t i = 0; i < items.size(); ++i) {
      ReportOutcome& out = (*outcomes)[i];
      if (out.outcome == v1::OUTCOME_REJECTED) {
        results.push_back(Reject(items[i].index, *items[i].record, std::move(out.violations)));
        continue;
      }
      v1::ProgressRecordResult result = Base(items[i].index, *items[i].record);
      result.set_outcome(out.outcome);
      result.set_version(out.report.version());
      result.set_corrected(out.corrected);
      *result.mutable_violations() = {out.violations.begin(), out.violations.end()};
      results.push_back(std::move(result));
    }
    return results;
  }

  void Append(v1::ProgressRecordResult result) override {
    rpc::CountOutcome(*response_, result);
    // A replay repeats its first answer, but wrote nothing now.
    if (result.corrected() && result.outcome() == v1::OUTCOME_ACCEPTED) {
      response_->set_corrected(response_->corrected() + 1);
    }
    *response_->add_results() = std::move(result);
  }

 private:
  static v1::ProgressRecordResult Base(int64_t index, const v1::PushProgressRequest& record) {
    v1::ProgressRecordResult result;
    result.set_index(index);
    result.set_project_code(record.report().project_code());
    result.set_period(record.report().period());
    result.set_source_record_id(record.report().source_record_id());
    return result;
  }

  const auth::Principal& caller_;
  const std::function<absl::Time()> clock_;
  v1::PushProgressResponse* response_;
};

}  // namespace

grpc::Status MonitoringService::PushProgress(grpc::ServerContext* context,
                                             grpc::ServerReader<v1::PushProgressRequest>* reader,
                                             v1::PushProgressResponse* response) {
  auto caller = rpc::AuthenticateCall(pool_, *context);
  if (!caller.ok()) return rpc::ToGrpcStatus(caller.status());
  if (caller->role != auth::Role::kCounty && caller->role != auth::Role::kProvince) {
    return rpc::ToGrpcStatus(
        absl::PermissionDeniedError("only county systems and the province push progress"));
  }
  ProgressPush handler(*caller, options_.clock, response);
  rpc::PushRunner<v1::PushProgressRequest, v1::ProgressRecordResult> runner(
      pool_, caller->id, "PushProgress", handler);
  auto summary = runner.Run(*context, *reader, options_.push);
  if (!summary.ok()) return rpc::ToGrpcStatus(summary.status());
  response->set_received(summary->received);
  response->set_incomplete(summary->incomplete);
  return grpc::Status::OK;
}

}  // namespace techreno::monitoring
