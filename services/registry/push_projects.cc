// PushProjects: a client stream of any length, written in batches.
//
// Records are read into a batch of at most push_batch_size; each batch is one
// transaction, so memory stays bounded by the batch and results are reported
// only for what committed. If a batch fails as a whole (an unexpected database
// error on one record), its records are retried one transaction each, so one
// bad record never blocks the others. If the database is unreachable the call
// ends UNAVAILABLE: the batches before stay committed and re-pushing the whole
// stream is safe (identical records come back OUTCOME_UNCHANGED).
#include "absl/strings/str_cat.h"
#include "libs/rpc/call.h"
#include "libs/rpc/idempotency.h"
#include "libs/rpc/status.h"
#include "libs/store/reference_data.h"
#include "libs/store/transaction.h"
#include "services/registry/project_writer.h"
#include "services/registry/registry_service.h"

namespace techreno::registry {
namespace {

struct PendingRecord {
  int64_t index;
  v1::PushProjectsRequest request;
  Violations findings;  // from validation before the transaction
};

v1::PushRecordResult Rejected(const PendingRecord& record, Violations findings) {
  v1::PushRecordResult result;
  result.set_index(record.index);
  result.set_project_code(record.request.project().project_code());
  result.set_source_record_id(record.request.project().source_record_id());
  result.set_outcome(v1::OUTCOME_REJECTED);
  *result.mutable_violations() = {findings.begin(), findings.end()};
  return result;
}

// One record inside the batch's transaction. May throw pqxx exceptions, which
// fail the batch (and send its records down the one-by-one path).
v1::PushRecordResult ProcessRecord(pqxx::work& tx, const auth::Principal& caller,
                                   const PendingRecord& record) {
  if (HasFatal(record.findings)) return Rejected(record, record.findings);
  std::optional<rpc::IdempotencyKey> key;
  if (!record.request.request_id().empty()) {
    key = rpc::IdempotencyKey{caller.id, "PushProjects", record.request.request_id(),
                              rpc::RequestFingerprint(record.request)};
    auto prior = rpc::FindPriorResponse(tx, *key);
    if (!prior.ok()) {
      Violations findings = record.findings;
      AddViolation(findings, v1::SEVERITY_FATAL, "request_id.reused", "request_id",
                   std::string(prior.status().message()));
      return Rejected(record, std::move(findings));
    }
    if (prior->has_value()) {
      v1::PushRecordResult result;
      result.ParseFromString(**prior);
      result.set_index(record.index);  // the position in *this* stream
      return result;
    }
  }
  WriteOutcome out = WriteProject(tx, caller, record.request.project(),
                                  record.request.expected_version(), record.request.request_id(),
                                  record.findings, "project");
  if (out.outcome == v1::OUTCOME_REJECTED) return Rejected(record, std::move(out.violations));
  v1::PushRecordResult result;
  result.set_index(record.index);
  result.set_project_code(out.project.project_code());
  result.set_source_record_id(out.project.source_record_id());
  result.set_outcome(out.outcome);
  result.set_version(out.project.version());
  *result.mutable_violations() = {out.violations.begin(), out.violations.end()};
  if (key.has_value()) rpc::RecordResponse(tx, *key, result.SerializeAsString());
  return result;
}

class BatchWriter {
 public:
  BatchWriter(store::Pool& pool, const auth::Principal& caller, v1::PushProjectsResponse* response)
      : pool_(pool), caller_(caller), response_(response) {}

  // Writes the batch and appends its results. Fails (and appends nothing) when
  // the store is unreachable, overloaded or its answer is in doubt: then no
  // record may be reported, and the county retries the stream.
  absl::Status Flush(std::vector<PendingRecord>& batch) {
    if (batch.empty()) return absl::OkStatus();
    std::vector<v1::PushRecordResult> results;
    absl::Status status = store::RunInTransaction(pool_, [&](pqxx::work& tx) {
      results.clear();
      for (const PendingRecord& record : batch) results.push_back(ProcessRecord(tx, caller_, record));
      return absl::OkStatus();
    });
    if (!status.ok()) {
      if (!IsRecordError(status)) return AsRetryable(status);
      results.clear();
      for (const PendingRecord& record : batch) {
        auto result = WriteAlone(record);
        if (!result.ok()) return result.status();
        results.push_back(*std::move(result));
      }
    }
    for (auto& result : results) Append(std::move(result));
    batch.clear();
    return absl::OkStatus();
  }

 private:
  // Errors one record's data can cause; anything else is the store's condition.
  static bool IsRecordError(const absl::Status& s) {
    return absl::IsInvalidArgument(s) || absl::IsFailedPrecondition(s) ||
           absl::IsAlreadyExists(s) || absl::IsInternal(s) || absl::IsOutOfRange(s);
  }
  static absl::Status AsRetryable(const absl::Status& s) {
    return absl::UnavailableError(absl::StrCat(
        "the store could not take this batch (", s.message(),
        "); the batches acknowledged before it are committed: push the stream again"));
  }

  absl::StatusOr<v1::PushRecordResult> WriteAlone(const PendingRecord& record) {
    v1::PushRecordResult result;
    absl::Status status = store::RunInTransaction(pool_, [&](pqxx::work& tx) {
      result = ProcessRecord(tx, caller_, record);
      return absl::OkStatus();
    });
    if (status.ok()) return result;
    if (!IsRecordError(status)) return AsRetryable(status);
    Violations findings = record.findings;
    AddViolation(findings, v1::SEVERITY_FATAL, "store.write_failed", "project",
                 absl::StrCat("the record could not be stored: ", status.message()));
    return Rejected(record, std::move(findings));
  }

  void Append(v1::PushRecordResult result) {
    switch (result.outcome()) {
      case v1::OUTCOME_ACCEPTED: response_->set_accepted(response_->accepted() + 1); break;
      case v1::OUTCOME_UNCHANGED: response_->set_unchanged(response_->unchanged() + 1); break;
      default: response_->set_rejected(response_->rejected() + 1); break;
    }
    answer_bytes_ += result.ByteSizeLong() + 8;  // + field tag and length
    *response_->add_results() = std::move(result);
  }

 public:
  // Size of the answer so far, kept as we go: ByteSizeLong() of the whole
  // response would cost a pass over every result each time.
  size_t answer_bytes() const { return answer_bytes_; }

 private:
  size_t answer_bytes_ = 0;

  store::Pool& pool_;
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
    return rpc::ToGrpcStatus(absl::PermissionDeniedError(
        "only county systems and the province push projects"));
  }
  BatchWriter writer(pool_, *caller, response);
  std::vector<PendingRecord> batch;
  batch.reserve(options_.push_batch_size);
  PendingRecord record{0, {}, {}};
  // Results stay in memory until the end, so the stream stops being read when
  // the answer nears the message limit or the record cap: what was read is
  // written and answered, and `incomplete` tells the county to push the rest.
  const size_t answer_budget = static_cast<size_t>(options_.max_answer_bytes);
  bool stream_ended = false;
  while (record.index < options_.max_records_per_push && writer.answer_bytes() < answer_budget) {
    if (!reader->Read(&record.request)) {
      stream_ended = true;
      break;
    }
    if (context->IsCancelled()) return grpc::Status(grpc::StatusCode::CANCELLED, "cancelled");
    record.findings = ValidateProject(record.request.project(), store::Reference(), *caller,
                                      "project");
    if (!record.request.request_id().empty()) {
      if (absl::Status s = rpc::ValidateRequestId(record.request.request_id(), "request_id");
          !s.ok()) {
        AddViolation(record.findings, v1::SEVERITY_FATAL, "request_id.invalid", "request_id",
                     std::string(s.message()));
      }
    }
    const int64_t next_index = record.index + 1;
    batch.push_back(std::move(record));
    record = PendingRecord{next_index, {}, {}};
    if (static_cast<int>(batch.size()) >= options_.push_batch_size) {
      if (absl::Status s = writer.Flush(batch); !s.ok()) return rpc::ToGrpcStatus(s);
    }
  }
  if (absl::Status s = writer.Flush(batch); !s.ok()) return rpc::ToGrpcStatus(s);
  // At a limit, one more read tells a stream that ended exactly there from a
  // longer one; a record read this way is not processed (it is at `received`).
  if (!stream_ended) stream_ended = !reader->Read(&record.request);
  response->set_incomplete(!stream_ended);
  response->set_received(record.index);
  return grpc::Status::OK;
}

}  // namespace techreno::registry
