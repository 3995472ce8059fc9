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

  Violations Validate(const v1::PushProjectsRequest& record) override {
    return ValidateProject(record.project(), store::Reference(), caller_, "project");
  }

  v1::PushRecordResult Write(pqxx::transaction_base& tx, int64_t index,
                             const v1::PushProjectsRequest& record,
                             const Violations& findings) override {
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

}  // namespace

grpc::Status RegistryService::PushProjects(grpc::ServerContext* context,
                                           grpc::ServerReader<v1::PushProjectsRequest>* reader,
                                           v1::PushProjectsResponse* response) {
  auto caller = rpc::AuthenticateCall(pool_, *context);
  if (!caller.ok()) return rpc::ToGrpcStatus(caller.status());
  if (caller->role != auth::Role::kCounty && caller->role != auth::Role::kProvince) {
    return rpc::ToGrpcStatus(
        absl::PermissionDeniedError("only county systems and the province push projects"));
  }
  ProjectPush handler(*caller, response);
  rpc::PushRunner<v1::PushProjectsRequest, v1::PushRecordResult> runner(pool_, caller->id,
                                                                        "PushProjects", handler);
  auto summary = runner.Run(*context, *reader, options_.push);
  if (!summary.ok()) return rpc::ToGrpcStatus(summary.status());
  response->set_received(summary->received);
  response->set_incomplete(summary->incomplete);
  return grpc::Status::OK;
}

}  // namespace techreno::registry
