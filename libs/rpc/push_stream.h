// The bulk-push loop shared by every streaming write (PushProjects,
// PushProgress, and their chunked forms PushProjectsChunks and
// PushProgressChunks): a stream of any length, written in batches, each batch
// set-based by the service's handler (one path for every batch).
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
// summary says `incomplete`; the client pushes the rest in a new stream. The
// chunked form answers each chunk as soon as it committed instead, so neither
// limit applies and memory stays bounded by a chunk.
#ifndef TECHRENO_LIBS_RPC_PUSH_STREAM_H_
#define TECHRENO_LIBS_RPC_PUSH_STREAM_H_

#include <grpcpp/grpcpp.h>
#include <grpcpp/support/sync_stream.h>

#include <functional>
#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "libs/rpc/idempotency.h"
#include "libs/rpc/status.h"
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
  int max_chunk_records = 1000;         // the chunked form's records per message
};

// What a push needs from its service. Record is the stream's message (with a
// request_id() field); Result is the per-record answer (with index/outcome).
template <typename Record, typename Result>
class PushHandler {
 public:
  virtual ~PushHandler() = default;
  // Pure checks before any transaction; a fatal finding rejects the record.
  virtual Violations Validate(const Record& record) = 0;
  // For a record that failed the pure checks: adds what the store knows about
  // it (e.g. an unregistered enterprise), read in the batch's transaction.
  virtual void AddStoreFindings(pqxx::transaction_base& /*tx*/, const Record& /*record*/,
                                Violations& /*findings*/) {}
  // The answer for a record rejected with `findings`.
  virtual Result Reject(int64_t index, const Record& record, Violations findings) = 0;
  // Writes the items in the batch's transaction, set-based: one answer per
  // item, in order; may throw pqxx exceptions. Items carry no fatal finding,
  // and an item's request_id (if any) was not answered before.
  struct Item {
    int64_t index;
    const Record* record;
    const Violations* findings;
  };
  virtual std::vector<Result> WriteBatch(pqxx::transaction_base& tx,
                                         const std::vector<Item>& items) = 0;
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
      if (absl::Status s = Take(std::move(record), limits); !s.ok()) return s;
      record = Pending();
    }
    if (absl::Status s = Flush(); !s.ok()) return s;
    // At a limit, one more read tells a stream that ended exactly there from a
    // longer one; a record read this way is not processed (it is at `received`).
    if (!stream_ended) stream_ended = !reader.Read(&record.record);
    summary.incomplete = !stream_ended;
    return summary;
  }

  // The chunked form (PushProgressChunks, PushProjectsChunks): each chunk's
  // records are written (in batches of at most `batch_size`) and answered by
  // one Answer once committed; `answer_into` points the handler's Append at
  // that answer. Ends INVALID_ARGUMENT at a chunk over `max_chunk_records` or
  // one the wire reader could not split into records; the chunks before it
  // stay answered.
  template <typename Chunk, typename Answer>
  absl::StatusOr<PushSummary> RunChunks(grpc::ServerContext& context,
                                        grpc::ServerReaderWriter<Answer, Chunk>& stream,
                                        const PushLimits& limits,
                                        const std::function<void(Answer*)>& answer_into) {
    PushSummary summary;
    Chunk chunk;
    for (int64_t number = 0; stream.Read(&chunk); ++number) {
      if (context.IsCancelled()) return absl::CancelledError("the client cancelled the push");
      // Call-level errors, each naming the chunk and its field, as unary
      // requests name theirs.
      if (TakeWireProblems(chunk).malformed) {
        const std::string why = absl::StrCat(
            "chunk ", number, " is not a valid ", chunk.GetDescriptor()->full_name(),
            " message (the protobuf encoding is broken); the chunks before it are answered");
        return InvalidArgument(why, {{"", absl::StrCat("[request.malformed] ", why)}});
      }
      if (chunk.records_size() > limits.max_chunk_records) {
        const std::string why =
            absl::StrCat("chunk ", number, " holds ", chunk.records_size(), " records, more than ",
                         limits.max_chunk_records, "; the chunks before it are answered");
        return InvalidArgument(why, {{"records", absl::StrCat("[request.field_too_large] ", why)}});
      }
      Answer answer;
      answer_into(&answer);
      for (Record& record : *chunk.mutable_records()) {
        Pending pending;
        pending.index = summary.received++;
        pending.record = std::move(record);
        if (absl::Status s = Take(std::move(pending), limits); !s.ok()) return s;
      }
      if (absl::Status s = Flush(); !s.ok()) return s;
      answer.set_received(chunk.records_size());
      if (!stream.Write(answer)) return absl::CancelledError("the client went away");
    }
    if (context.IsCancelled()) return absl::CancelledError("the push was cancelled");
    return summary;
  }

 private:
  struct Pending {
    int64_t index = 0;
    Record record;
    Violations findings;   // from Validate, before the transaction
    bool damaged = false;  // the wire reader found problems: its values are not as sent
  };

  // Checks a record read off the wire (its wire problems, the pure checks,
  // its request_id) and adds it to the batch, writing the batch when full or
  // when the record repeats one of its request_ids.
  absl::Status Take(Pending record, const PushLimits& limits) {
    const WireProblems wire = TakeWireProblems(record.record);
    AddWireViolations(record.findings, wire);
    record.damaged = !wire.empty();
    if (!wire.malformed && wire.oversized.empty()) {  // else nothing of it is checked
      Violations pure = handler_.Validate(record.record);
      record.findings.insert(record.findings.end(), pure.begin(), pure.end());
    }
    const std::string& request_id = record.record.request_id();
    if (!request_id.empty()) {
      if (absl::Status s = ValidateRequestId(request_id, "request_id"); !s.ok()) {
        push_internal::AddFatal(record.findings, "request_id.invalid", "request_id",
                                std::string(s.message()));
      }
      if (!batch_request_ids_.insert(request_id).second) {
        if (absl::Status s = Flush(); !s.ok()) return s;
        batch_request_ids_.insert(request_id);
      }
    }
    batch_.push_back(std::move(record));
    if (static_cast<int>(batch_.size()) >= limits.batch_size) return Flush();
    return absl::OkStatus();
  }

  // A record that failed the pure checks, answered with the store's findings
  // too, so that every violation comes back at once.
  Result RejectWithStoreFindings(pqxx::transaction_base& tx, const Pending& p) {
    Violations findings = p.findings;
    if (!p.damaged) handler_.AddStoreFindings(tx, p.record, findings);
    return handler_.Reject(p.index, p.record, std::move(findings));
  }

  // The records' answers, in the batch's transaction: rejected records with
  // the store's findings (read before anything is written, so that they see
  // the store as it was before the batch), known request_ids replayed, the
  // rest written by the handler in one set, and their answers kept under
  // their request_ids.
  std::vector<Result> WriteRecords(pqxx::transaction_base& tx,
                                   const std::vector<const Pending*>& records) {
    std::vector<std::optional<Result>> results(records.size());
    std::vector<IdempotencyKey> keys;
    std::vector<size_t> keyed;  // positions of `keys`
    for (size_t i = 0; i < records.size(); ++i) {
      const Pending& p = *records[i];
      if (HasFatal(p.findings)) {
        results[i] = RejectWithStoreFindings(tx, p);
      } else if (!p.record.request_id().empty()) {
        keys.push_back(
            {principal_id_, method_, p.record.request_id(), RequestFingerprint(p.record)});
        keyed.push_back(i);
      }
    }
    std::vector<std::optional<IdempotencyKey>> new_key(records.size());
    const auto priors = FindPriorResponses(tx, keys);
    for (size_t k = 0; k < keys.size(); ++k) {
      const Pending& p = *records[keyed[k]];
      if (!priors[k].ok()) {
        Violations findings = p.findings;
        push_internal::AddFatal(findings, "request_id.reused", "request_id",
                                RequestIdReusedMessage(keys[k]));
        results[keyed[k]] = handler_.Reject(p.index, p.record, std::move(findings));
      } else if (priors[k]->has_value()) {  // the first answer, said to be a replay
        Result replay;
        replay.ParseFromString(**priors[k]);
        replay.set_index(p.index);  // the position in *this* stream
        replay.set_outcome(v1::OUTCOME_UNCHANGED);
        replay.set_replayed(true);
        results[keyed[k]] = std::move(replay);
      } else {
        new_key[keyed[k]] = std::move(keys[k]);
      }
    }
    std::vector<typename PushHandler<Record, Result>::Item> items;
    std::vector<size_t> positions;
    for (size_t i = 0; i < records.size(); ++i) {
      if (results[i].has_value()) continue;
      items.push_back({records[i]->index, &records[i]->record, &records[i]->findings});
      positions.push_back(i);
    }
    std::vector<Result> written =
        items.empty() ? std::vector<Result>() : handler_.WriteBatch(tx, items);
    std::vector<IdempotencyKey> answered;
    std::vector<std::string> answers;
    for (size_t j = 0; j < positions.size(); ++j) {
      const size_t i = positions[j];
      if (new_key[i].has_value() && written[j].outcome() != v1::OUTCOME_REJECTED) {
        answered.push_back(*std::move(new_key[i]));
        answers.push_back(written[j].SerializeAsString());
      }
      results[i] = std::move(written[j]);
    }
    RecordResponses(tx, answered, answers);
    std::vector<Result> out;
    out.reserve(results.size());
    for (std::optional<Result>& r : results) out.push_back(*std::move(r));
    return out;
  }

  // Writes the batch and appends its answers, or fails and appends nothing.
  // When the batch fails as a whole on one record's data, every record is
  // written again in a transaction of its own.
  absl::Status Flush() {
    if (batch_.empty()) return absl::OkStatus();
    std::vector<const Pending*> all;
    for (const Pending& p : batch_) all.push_back(&p);
    std::vector<Result> results;
    absl::Status status = store::RunInTransaction(pool_, [&](pqxx::transaction_base& tx) {
      results = WriteRecords(tx, all);
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
    batch_request_ids_.clear();
    return absl::OkStatus();
  }

  absl::StatusOr<Result> WriteAlone(const Pending& p) {
    Result result;
    absl::Status status = store::RunInTransaction(pool_, [&](pqxx::transaction_base& tx) {
      result = std::move(WriteRecords(tx, {&p})[0]);
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
  // The batch's request_ids: a record repeating one starts a new batch, so
  // that it replays the answer its first sending got.
  absl::flat_hash_set<std::string> batch_request_ids_;
  size_t answer_bytes_ = 0;  // kept as we go: ByteSizeLong() of the whole answer is a full pass
};

}  // namespace techreno::rpc

#endif  // TECHRENO_LIBS_RPC_PUSH_STREAM_H_
