#include "libs/rpc/idempotency.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <openssl/sha.h>

#include <algorithm>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "libs/rpc/status.h"
#include "libs/store/transaction.h"

namespace techreno::rpc {

absl::Status ValidateRequestId(absl::string_view request_id, const std::string& field) {
  if (request_id.empty() || request_id.size() > 128) {
    return InvalidField(field, "request_id must be 1-128 characters (a UUID is a good choice)");
  }
  for (char c : request_id) {
    if (c < 0x21 || c > 0x7e) {
      return InvalidField(field, "request_id must be printable ASCII without spaces");
    }
  }
  return absl::OkStatus();
}

std::string RequestIdReusedMessage(const IdempotencyKey& key) {
  return absl::StrCat("request_id '", key.request_id, "' was already used for a different ",
                      key.method, " request; use a new one");
}

std::string RequestFingerprint(const google::protobuf::Message& request) {
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream raw(&bytes);
    google::protobuf::io::CodedOutputStream out(&raw);
    out.SetSerializationDeterministic(true);
    request.SerializeToCodedStream(&out);
  }
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), digest);
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(digest), sizeof digest));
}

absl::StatusOr<std::optional<std::string>> FindPriorResponse(pqxx::transaction_base& tx,
                                                             const IdempotencyKey& key) {
  pqxx::result r = store::Exec(tx, "idem_find",
                               "SELECT encode(fingerprint, 'hex'), encode(response, 'base64') "
                               "FROM idempotency_keys "
                               "WHERE principal_id = $1 AND method = $2 AND request_id = $3",
                               key.principal_id, key.method, key.request_id);
  if (r.empty()) return std::nullopt;
  if (r[0][0].c_str() != key.fingerprint) {
    const std::string why = RequestIdReusedMessage(key);
    return WithFieldViolations(absl::StatusCode::kInvalidArgument, "request_id: " + why,
                               {{"request_id", absl::StrCat("[request_id.reused] ", why)}});
  }
  std::string response;
  std::string encoded = r[0][1].c_str();
  encoded.erase(std::remove(encoded.begin(), encoded.end(), '\n'), encoded.end());
  if (!absl::Base64Unescape(encoded, &response)) {
    return absl::InternalError("stored idempotent response is corrupt");
  }
  return response;
}

void RecordResponse(pqxx::transaction_base& tx, const IdempotencyKey& key,
                    const std::string& response) {
  store::Exec(tx, "idem_record",
              "INSERT INTO idempotency_keys (principal_id, method, request_id, fingerprint, "
              "response) VALUES ($1, $2, $3, decode($4, 'hex'), decode($5, 'base64'))",
              key.principal_id, key.method, key.request_id, key.fingerprint,
              absl::Base64Escape(response));
}

absl::Status RunIdempotent(store::Pool& pool, const IdempotencyKey& key,
                           google::protobuf::Message* response,
                           const std::function<absl::Status(pqxx::transaction_base&)>& write) {
  return store::RunInTransaction(pool, [&](pqxx::transaction_base& tx) -> absl::Status {
    response->Clear();
    auto prior = FindPriorResponse(tx, key);
    if (!prior.ok()) return prior.status();
    if (prior->has_value()) {
      if (!response->ParseFromString(**prior)) {
        return absl::InternalError("stored idempotent response does not parse");
      }
      return absl::OkStatus();
    }
    if (absl::Status s = write(tx); !s.ok()) return s;
    RecordResponse(tx, key, response->SerializeAsString());
    return absl::OkStatus();
  });
}

}  // namespace techreno::rpc
