// PushProjects: the shared bulk-push loop (libs/rpc/push_stream.h) with the
// registry's validation and its one write path (project_writer.h).
#include "libs/rpc/call.h"
#include "libs/rpc/push_stream.h"
#include "libs/rpc/status.h"
#include "libs/store/reference_data.h"
#include "services/registry/project_writer.h"
#include "services/registry/registry_service.h"

namespace techreno::registry {
namespace {

class ProjectPush final : public rpc::PushHandler<v1::PushProjectsRequest, v1::PushRecordResult> {
 public:
  ProjectPush(const auth::Principal& caller, v1::PushProjectsResponse* response)
      : caller_(caller), response_(response) {}

  // Where Append adds answers from now on (the chunked form: each chunk's own).
  void AnswerInto(v1::PushProjectsResponse* response) { response_ = response; }

  Violations Validate(const v1::PushProjectsRequest& record) override {
    return ValidateProject(record.project(), store::Reference(), caller_, "project");
  }

  std::vector<v1::PushRecordResult> WriteBatch(pqxx::transaction_base& tx,
                                               const std::vector<Item>& items) override {
    std::vector<ProjectRecord> batch;
    batch.reserve(items.size());
    for (const Item& item : items) {
      batch.push_back({&item.record->project(), item.record->expected_version(),
                       item.record->request_id(), item.findings});
    }
    std::vector<ProjectDecision> decisions = WriteProjectBatch(tx, caller_, batch);
    std::vector<v1::PushRecordResult> results;
    results.reserve(items.size());
    for (size_t i = 0; i < items.size(); ++i) {
      ProjectDecision& d = decisions[i];
      if (d.outcome == v1::OUTCOME_REJECTED) {
        results.push_back(Reject(items[i].index, *items[i].record, std::move(d.violations)));
        continue;
      }
      v1::PushRecordResult result;
      result.set_index(items[i].index);
      result.set_project_code(d.project.project_code());
      result.set_source_record_id(d.project.source_record_id());
      result.set_outcome(d.outcome);
      result.set_version(d.project.version());
      *result.mutable_violations() = {d.violations.begin(), d.violations.end()};
      results.push_back(std::move(result));
    }
    return results;
  }

  v1::PushRecordResult Reject(int64_t index, const v1::PushProjectsRequest& record,
                              Violations findings) override {
    v1::PushRecordResult result;
    result.set_index(index);
    result.set_project_code(record.project().project_code());
    result.set_source_record_id(record.project().source_record_id());
    result.set_outcome(v1::OUTCOME_REJECTED);
    *result.mutable_violations() = {findings.begin(), findings.end()};
    return result;
  }

  void AddStoreFindings(pqxx::transaction_base& tx, const v1::PushProjectsRequest& record,
                        Violations& findings) override {
    AddStoreRejections(tx, record.project(), findings);
  }

  void Append(v1::PushRecordResult result) override {
    rpc::CountOutcome(*response_, result);
    *response_->add_results() = std::move(result);
  }

 private:
  const auth::Principal& caller_;
  v1::PushProjectsResponse* response_;
};

}  // namespace

grpc::Status RegistryService::PushProjects(grpc::ServerContext* context,
                                           grpc::ServerReader<v1::PushProjectsRequest>* reader,
                                           v1::PushProjectsResponse* response) {
  auto caller = rpc::AuthenticatePusher(pool_, *context, "projects");
  if (!caller.ok()) return rpc::ToGrpcStatus(caller.status());
  ProjectPush handler(*caller, response);
  rpc::PushRunner<v1::PushProjectsRequest, v1::PushRecordResult> runner(pool_, caller->id,
                                                                        "PushProjects", handler);
  auto summary = runner.Run(*context, *reader, options_.push);
  if (!summary.ok()) return rpc::ToGrpcStatus(summary.status());
  response->set_received(summary->received);
  response->set_incomplete(summary->incomplete);
  return grpc::Status::OK;
}

grpc::Status RegistryService::PushProjectsChunks(
    grpc::ServerContext* context,
    grpc::ServerReaderWriter<v1::PushProjectsResponse, v1::PushProjectsChunk>* stream) {
  auto caller = rpc::AuthenticatePusher(pool_, *context, "projects");
  if (!caller.ok()) return rpc::ToGrpcStatus(caller.status());
  ProjectPush handler(*caller, nullptr);
  // The same method name as PushProjects: a request_id answered in either
  // form is replayed in the other.
  rpc::PushRunner<v1::PushProjectsRequest, v1::PushRecordResult> runner(pool_, caller->id,
                                                                        "PushProjects", handler);
  auto summary = runner.RunChunks<v1::PushProjectsChunk, v1::PushProjectsResponse>(
      *context, *stream, options_.push,
      [&handler](v1::PushProjectsResponse* answer) { handler.AnswerInto(answer); });
  return rpc::ToGrpcStatus(summary.status());
}

}  // namespace techreno::registry
