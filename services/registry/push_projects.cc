// PushProjects: the shared bulk-push loop (libs/rpc/push_stream.h) with the
// registry's validation and write path.
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

  // Record by record, for now: the registry's set-based write path is still
  // to come (issue 8).
  std::vector<v1::PushRecordResult> WriteBatch(pqxx::transaction_base& tx,
                                               const std::vector<Item>& items) override {
    std::vector<v1::PushRecordResult> results;
    results.reserve(items.size());
    for (const Item& item : items)
      results.push_back(Write(tx, item.index, *item.record, *item.findings));
    return results;
  }

  v1::PushRecordResult Write(pqxx::transaction_base& tx, int64_t index,
                             const v1::PushProjectsRequest& record, const Violations& findings) {
    WriteOutcome out = WriteProject(tx, caller_, record.project(), record.expected_version(),
                                    record.request_id(), findings, "project");
    if (out.outcome == v1::OUTCOME_REJECTED)
      return Reject(index, record, std::move(out.violations));
    v1::PushRecordResult result;
    result.set_index(index);
    result.set_project_code(out.project.project_code());
    result.set_source_record_id(out.project.source_record_id());
    result.set_outcome(out.outcome);
    result.set_version(out.project.version());
    *result.mutable_violations() = {out.violations.begin(), out.violations.end()};
    return result;
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
    AddStoreRejections(tx, record.project(), "project", findings);
  }

  void Append(v1::PushRecordResult result) override {
    rpc::CountOutcome(*response_, result);
    *response_->add_results() = std::move(result);
  }

 private:
  const auth::Principal& caller_;
  v1::PushProjectsResponse* response_;
};

// Who may push projects at all.
absl::StatusOr<auth::Principal> AuthenticatePusher(store::Pool& pool,
                                                   const grpc::ServerContext& context) {
  auto caller = rpc::AuthenticateCall(pool, context);
  if (!caller.ok()) return caller.status();
  if (caller->role != auth::Role::kCounty && caller->role != auth::Role::kProvince) {
    return absl::PermissionDeniedError("only county systems and the province push projects");
  }
  return caller;
}

}  // namespace

grpc::Status RegistryService::PushProjects(grpc::ServerContext* context,
                                           grpc::ServerReader<v1::PushProjectsRequest>* reader,
                                           v1::PushProjectsResponse* response) {
  auto caller = AuthenticatePusher(pool_, *context);
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
  auto caller = AuthenticatePusher(pool_, *context);
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
