// The bulk-push loop shared by every client-streaming write (PushProjects,
// PushProgress): a stream of any length, written in batches.
//
// Records are read into a batch of at most `batch_size`; each batch is one
// transaction, so memory stays bounded by the batch and a record is answered
// only after its batch committed. If a batch fails as a whole because of one
// record's data, its records are retried one transaction each, so one bad
// record never blocks the others; a record the wire reader could not parse as
// sent (invalid UTF-8, a broken encoding: wire_traits.h) is rejected by
// position like any other bad record. If the store is unreachable, overloaded
// or a commit is in doubt, the call ends UNAVAILABLE: the batches before stay
// committed and re-pushing the whole stream is safe (identical records come
// back unchanged, and a record's request_id replays its first answer, marked
// replayed).
//
// The answer holds one result per record, so reading stops at `max_records` or
// when the answer reaches `max_answer_bytes`: what was read is answered and the
// summary says `incomplete`; the client pushes the rest in a new stream.
#ifndef TECHRENO_LIBS_RPC_PUSH_STREAM_H_
#define TECHRENO_LIBS_RPC_PUSH_STREAM_H_

#include <grpcpp/grpcpp.h>

#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "libs/rpc/idempotency.h"
#include "libs/rpc/violations.h"
#include "libs/rpc/wire_problems.h"

#ifndef TECHRENO_LIBS_RPC_WIRE_TRAITS_H_
#error "link techreno_wire: its wire_traits.h must be force-included wherever gRPC code is"
#endif
#include "libs/store/transaction.h"
#include "techreno/v1/common.pb.h"

namespace techreno::rpc {

struct PushLimits {
  int batch_size = 500;
  int64_t max_records = 1'000'000;
  int64_t max_answer_bytes = 96 << 20;  // well under the server's message limit
};

// What a push needs from its service. Record is the stream's message (with a
// request_id() field); Result is the per-record answer (with index/outcome).
template <typename Record, typename Result>
class PushHandler {
 public:
  virtual ~PushHandler() = default;
  // Pure checks before any transaction; a fatal finding rejects the record.
  virtual Violations Validate(const Record& record) = 0;
  // Writes one record in the batch's transaction; may throw pqxx exceptions.
  virtual Result Write(pqxx::transaction_base& tx, int64_t index, const Record& record,
                       const Violations& findings) = 0;
  // For a record that failed the pure checks: adds what the store knows about
  // it (e.g. an unregistered enterprise), read in the batch's transaction.
  virtual void AddStoreFindings(pqxx::transaction_base& /*tx*/, const Record& /*record*/,
                                Violations& /*findings*/) {}
  // The answer for a record rejected with `findings`.
  virtual Result Reject(int64_t index, const Record& record, Violations findings) = 0;
  // Optionally writes a whole batch at once, set-based, in the batch's
  // transaction: one answer per item, in order. nullopt when the batch needs
  // the record-by-record path (the default). Items never carry a request_id
  // or a fatal finding.
  struct Item {
    int64_t index;
    const Record* record;
    const Violations* findings;
  };
  virtual std::optional<std::vector<Result>> WriteBatch(pqxx::transaction_base& /*tx*/,
                                                        const std::vector<Item>& /*items*/) {
    return std::nullopt;
  }
  // Adds a committed answer to the response.
  virtual void Append(Result result) = 0;
};

// Counts one answer in a push response's totals (accepted, unchanged,
// rejected, replayed).
template <typename Response, typename Result>
void CountOutcome(Response& response, const Result& result) {
  switch (result.outcome()) {
    case v1::OUTCOME_ACCEPTED:
      response.set_accepted(response.accepted() + 1);
      break;
    case v1::OUTCOME_UNCHANGED:
      response.set_unchanged(response.unchanged() + 1);
      break;
    default:
      response.set_rejected(response.rejected() + 1);
      break;
  }
  if (result.replayed()) response.set_replayed(response.replayed() + 1);
}

struct PushSummary {
  int64_t received = 0;     // records read and answered
  bool incomplete = false;  // reading stopped at a limit before the stream ended
};

namespace push_internal {

// Errors one record's data can cause; anything else is the store's condition.
inline bool IsRecordError(const absl::Status& s) {
  return absl::IsInvalidArgument(s) || absl::IsFailedPrecondition(s) || absl::IsAlreadyExists(s) ||
         absl::IsInternal(s) || absl::IsOutOfRange(s);
}

inline absl::Status AsRetryable(const absl::Status& s) {
  return absl::UnavailableError(
      absl::StrCat("the store could not take this batch (", s.message(),
                   "); the batches acknowledged before it are committed: push the stream again"));
}

inline void AddFatal(Violations& out, const std::string& rule, const std::string& field,
                     const std::string& message) {
  AddViolation(out, v1::SEVERITY_FATAL, rule, field, message);
}

}  // namespace push_internal

template <typename Record, typename Result>
class PushRunner {
 public:
  PushRunner(store::Pool& pool, int64_t principal_id, std::string method,
             PushHandler<Record, Result>& handler)
      : pool_(pool), principal_id_(principal_id), method_(std::move(method)), handler_(handler) {}

  absl::StatusOr<PushSummary> Run(grpc::ServerContext& context, grpc::ServerReader<Record>& reader,
                                  const PushLimits& limits) {
    PushSummary summary;
    Pending record;
    bool stream_ended = false;
    while (summary.received < limits.max_records &&
           answer_bytes_ < static_cast<size_t>(limits.max_answer_bytes)) {
      if (!reader.Read(&record.record)) {
        // A transport error (e.g. a record over the message limit) also ends
        // the reads: then nobody would get the answer, so nothing more is written.
        if (context.IsCancelled()) return absl::CancelledError("the push was cancelled");
        stream_ended = true;
        break;
      }
      if (context.IsCancelled()) return absl::CancelledError("the client cancelled the push");
      record.index = summary.received++;
      const WireProblems wire = TakeWireProblems(record.record);
      AddWireViolations(record.findings, wire);
      record.damaged = !wire.empty();
      if (!wire.malformed && wire.oversized.empty()) {  // else nothing of it is checked
        Violations pure = handler_.Validate(record.record);
        record.findings.insert(record.findings.end(), pure.begin(), pure.end());
      }
      if (!record.record.request_id().empty()) {
        if (absl::Status s = ValidateRequestId(record.record.request_id(), "request_id"); !s.ok()) {
          push_internal::AddFatal(record.findings, "request_id.invalid", "request_id",
                                  std::string(s.message()));
        }
      }
      batch_.push_back(std::move(record));
      record = Pending();
      if (static_cast<int>(batch_.size()) >= limits.batch_size) {
        if (absl::Status s = Flush(); !s.ok()) return s;
      }
    }
    if (absl::Status s = Flush(); !s.ok()) return s;
    // At a limit, one more read tells a stream that ended exactly there from a
    // longer one; a record read this way is not processed (it is at `received`).
    if (!stream_ended) stream_ended = !reader.Read(&record.record);
    summary.incomplete = !stream_ended;
    return summary;
  }

 private:
  struct Pending {
    int64_t index = 0;
    Record record;
    Violations findings;   // from Validate, before the transaction
    bool damaged = false;  // the wire reader found problems: its values are not as sent
  };

  // A record that failed the pure checks, answered with the store's findings
  // too, so that every violation comes back at once.
  Result RejectWithStoreFindings(pqxx::transaction_base& tx, const Pending& p) {
    Violations findings = p.findings;
    if (!p.damaged) handler_.AddStoreFindings(tx, p.record, findings);
    return handler_.Reject(p.index, p.record, std::move(findings));
  }

  // One record in the batch's transaction: replays a known request_id, else writes.
  Result Process(pqxx::transaction_base& tx, const Pending& p) {
    if (HasFatal(p.findings)) return RejectWithStoreFindings(tx, p);
    std::optional<IdempotencyKey> key;
    if (!p.record.request_id().empty()) {
      key = IdempotencyKey{principal_id_, method_, p.record.request_id(),
                           RequestFingerprint(p.record)};
      auto prior = FindPriorResponse(tx, *key);
      if (!prior.ok()) {
        Violations findings = p.findings;
        push_internal::AddFatal(findings, "request_id.reused", "request_id",
                                RequestIdReusedMessage(*key));
        return handler_.Reject(p.index, p.record, std::move(findings));
      }
      if (prior->has_value()) {  // the first answer, said to be a replay
        Result replay;
        replay.ParseFromString(**prior);
        replay.set_index(p.index);  // the position in *this* stream
        replay.set_outcome(v1::OUTCOME_UNCHANGED);
        replay.set_replayed(true);
        return replay;
      }
    }
    Result result = handler_.Write(tx, p.index, p.record, p.findings);
    if (key.has_value() && result.outcome() != v1::OUTCOME_REJECTED) {
      RecordResponse(tx, *key, result.SerializeAsString());
    }
    return result;
  }

  // The handler's set-based path, when every record of the batch allows it
  // (no request_id to replay); records rejected by Validate are answered here.
  std::optional<std::vector<Result>> WriteSetBased(pqxx::transaction_base& tx) {
    std::vector<typename PushHandler<Record, Result>::Item> items;
    for (const Pending& p : batch_) {
      if (!p.record.request_id().empty()) return std::nullopt;
      if (!HasFatal(p.findings)) items.push_back({p.index, &p.record, &p.findings});
    }
    if (items.empty()) return std::nullopt;
    // The rejected records' store findings first, so that they see the store
    // as it was before this batch, as on the record-by-record path.
    std::vector<std::optional<Result>> rejected(batch_.size());
    for (size_t i = 0; i < batch_.size(); ++i) {
      if (HasFatal(batch_[i].findings)) rejected[i] = RejectWithStoreFindings(tx, batch_[i]);
    }
    auto written = handler_.WriteBatch(tx, items);
    if (!written.has_value()) return std::nullopt;
    std::vector<Result> results;
    size_t next = 0;
    for (size_t i = 0; i < batch_.size(); ++i) {
      results.push_back(rejected[i].has_value() ? *std::move(rejected[i])
                                                : std::move((*written)[next++]));
    }
    return results;
  }

  // Writes the batch and appends its answers, or fails and appends nothing.
  absl::Status Flush() {
    if (batch_.empty()) return absl::OkStatus();
    std::vector<Result> results;
    absl::Status status = store::RunInTransaction(pool_, [&](pqxx::transaction_base& tx) {
      results.clear();
      if (auto fast = WriteSetBased(tx)) {
        results = *std::move(fast);
        return absl::OkStatus();
      }
      for (const Pending& p : batch_) results.push_back(Process(tx, p));
      return absl::OkStatus();
    });
    if (!status.ok()) {
      if (!push_internal::IsRecordError(status)) return push_internal::AsRetryable(status);
      results.clear();
      for (const Pending& p : batch_) {
        auto result = WriteAlone(p);
        if (!result.ok()) return result.status();
        results.push_back(*std::move(result));
      }
    }
    for (Result& result : results) {
      BoundViolations(*result.mutable_violations());
      answer_bytes_ += result.ByteSizeLong() + 8;  // + field tag and length
      handler_.Append(std::move(result));
    }
    batch_.clear();
    return absl::OkStatus();
  }

  absl::StatusOr<Result> WriteAlone(const Pending& p) {
    Result result;
    absl::Status status = store::RunInTransaction(pool_, [&](pqxx::transaction_base& tx) {
      result = Process(tx, p);
      return absl::OkStatus();
    });
    if (status.ok()) return result;
    if (!push_internal::IsRecordError(status)) return push_internal::AsRetryable(status);
    Violations findings = p.findings;
    push_internal::AddFatal(findings, "store.write_failed", "",
                            absl::StrCat("the record could not be stored: ", status.message()));
    return handler_.Reject(p.index, p.record, std::move(findings));
  }

  store::Pool& pool_;
  const int64_t principal_id_;
  const std::string method_;
  PushHandler<Record, Result>& handler_;
  std::vector<Pending> batch_;
  size_t answer_bytes_ = 0;  // kept as we go: ByteSizeLong() of the whole answer is a full pass
};

}  // namespace techreno::rpc

#endif  // TECHRENO_LIBS_RPC_PUSH_STREAM_H_
