// Idempotency by request_id: the first answer of every mutation is stored with
// the mutation, in the same transaction, keyed by (principal, method,
// request_id). A retry gets that answer back and changes nothing; the same
// request_id with a different request is refused.
#ifndef TECHRENO_LIBS_RPC_IDEMPOTENCY_H_
#define TECHRENO_LIBS_RPC_IDEMPOTENCY_H_

#include <google/protobuf/message.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "libs/store/pool.h"

namespace techreno::rpc {

struct IdempotencyKey {
  int64_t principal_id = 0;
  std::string method;       // e.g. "UpsertProject"
  std::string request_id;   // as sent
  std::string fingerprint;  // RequestFingerprint of the request
};

// 1–128 printable ASCII characters; INVALID_ARGUMENT naming `field` otherwise.
absl::Status ValidateRequestId(absl::string_view request_id, const std::string& field);

// SHA-256 of the deterministic serialization of `request`.
std::string RequestFingerprint(const google::protobuf::Message& request);

// Why `key`'s request_id cannot be used again (rule request_id.reused).
std::string RequestIdReusedMessage(const IdempotencyKey& key);

// The stored response for this key, if any. INVALID_ARGUMENT (field
// "request_id", rule request_id.reused) when the request_id was used before
// for a different request.
absl::StatusOr<std::optional<std::string>> FindPriorResponse(pqxx::transaction_base& tx,
                                                             const IdempotencyKey& key);

// FindPriorResponse for many keys of one principal and method (a push's
// batch), in one statement; one answer per key, in order.
std::vector<absl::StatusOr<std::optional<std::string>>> FindPriorResponses(
    pqxx::transaction_base& tx, const std::vector<IdempotencyKey>& keys);

// Stores the response; call in the transaction that made the change.
void RecordResponse(pqxx::transaction_base& tx, const IdempotencyKey& key,
                    const std::string& response);
// RecordResponse for many keys of one principal and method, in one statement.
void RecordResponses(pqxx::transaction_base& tx, const std::vector<IdempotencyKey>& keys,
                     const std::vector<std::string>& responses);

// Runs `write` in a transaction guarded by `key`: when the request_id was
// answered before, `response` is filled with that answer and `write` does not
// run; otherwise `write` fills `response` and, if it returns OK, the answer is
// stored in the same transaction. A failed write stores nothing.
absl::Status RunIdempotent(store::Pool& pool, const IdempotencyKey& key,
                           google::protobuf::Message* response,
                           const std::function<absl::Status(pqxx::transaction_base&)>& write);

}  // namespace techreno::rpc

#endif  // TECHRENO_LIBS_RPC_IDEMPOTENCY_H_
