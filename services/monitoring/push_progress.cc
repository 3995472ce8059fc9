// PushProgress: the shared bulk-push loop (libs/rpc/push_stream.h) with the
// report checks and the one write path of reports (report_batch.h).
#include "libs/rpc/call.h"
#include "libs/rpc/status.h"
#include "services/monitoring/monitoring_service.h"
#include "services/monitoring/report_batch.h"
#include "services/monitoring/report_rules.h"

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

  // Where Append adds answers from now on (the chunked form: each chunk's own).
  void AnswerInto(v1::PushProgressResponse* response) { response_ = response; }

  rpc::Violations Validate(const v1::PushProgressRequest& record) override {
    return ValidateReport(record.report(), CurrentPeriod(clock_()), "report");
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

  std::vector<v1::ProgressRecordResult> WriteBatch(pqxx::transaction_base& tx,
                                                   const std::vector<Item>& items) override {
    std::vector<BatchReport> batch;
    batch.reserve(items.size());
    for (const Item& item : items) {
      batch.push_back({&item.record->report(), item.record->expected_version(),
                       item.record->request_id(), item.findings});
    }
    std::vector<ReportDecision> decisions =
        WriteReportBatch(tx, caller_, batch, clock_(), /*with_totals=*/false);
    std::vector<v1::ProgressRecordResult> results;
    results.reserve(items.size());
    for (size_t i = 0; i < items.size(); ++i) {
      ReportDecision& d = decisions[i];
      if (d.outcome == v1::OUTCOME_REJECTED) {
        results.push_back(Reject(items[i].index, *items[i].record, std::move(d.violations)));
        continue;
      }
      v1::ProgressRecordResult result = Base(items[i].index, *items[i].record);
      result.set_outcome(d.outcome);
      result.set_version(d.report.version());
      result.set_corrected(d.corrected);
      *result.mutable_violations() = {d.violations.begin(), d.violations.end()};
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
  auto caller = rpc::AuthenticatePusher(pool_, *context, "progress");
  if (!caller.ok()) return rpc::ToGrpcStatus(caller.status());
  ProgressPush handler(*caller, options_.clock, response);
  rpc::PushRunner<v1::PushProgressRequest, v1::ProgressRecordResult> runner(
      pool_, caller->id, "PushProgress", handler);
  auto summary = runner.Run(*context, *reader, options_.push);
  if (!summary.ok()) return rpc::ToGrpcStatus(summary.status());
  response->set_received(summary->received);
  response->set_incomplete(summary->incomplete);
  return grpc::Status::OK;
}

grpc::Status MonitoringService::PushProgressChunks(
    grpc::ServerContext* context,
    grpc::ServerReaderWriter<v1::PushProgressResponse, v1::PushProgressChunk>* stream) {
  auto caller = rpc::AuthenticatePusher(pool_, *context, "progress");
  if (!caller.ok()) return rpc::ToGrpcStatus(caller.status());
  ProgressPush handler(*caller, options_.clock, nullptr);
  // The same method name as PushProgress: a request_id answered in either
  // form is replayed in the other.
  rpc::PushRunner<v1::PushProgressRequest, v1::ProgressRecordResult> runner(
      pool_, caller->id, "PushProgress", handler);
  auto summary = runner.RunChunks<v1::PushProgressChunk, v1::PushProgressResponse>(
      *context, *stream, options_.push,
      [&handler](v1::PushProgressResponse* answer) { handler.AnswerInto(answer); });
  return rpc::ToGrpcStatus(summary.status());
}

}  // namespace techreno::monitoring
