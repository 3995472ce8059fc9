#include "libs/rpc/idempotency.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <openssl/sha.h>

#include <algorithm>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "libs/rpc/status.h"
#include "libs/store/arrays.h"
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
  return FindPriorResponses(tx, {key})[0];
}

std::vector<absl::StatusOr<std::optional<std::string>>> FindPriorResponses(
    pqxx::transaction_base& tx, const std::vector<IdempotencyKey>& keys) {
  std::vector<absl::StatusOr<std::optional<std::string>>> out(keys.size(), std::nullopt);
  if (keys.empty()) return out;
  std::vector<std::string> ids;
  for (const IdempotencyKey& k : keys) ids.push_back(k.request_id);
  pqxx::result r = store::Exec(
      tx, "idem_find",
      "SELECT k.i, encode(x.fingerprint, 'hex'), encode(x.response, 'base64') "
      "FROM unnest($3::text[]) WITH ORDINALITY AS k(id, i) "
      "JOIN idempotency_keys x ON x.principal_id = $1 AND x.method = $2 AND x.request_id = k.id",
      keys[0].principal_id, keys[0].method, store::TextArray(ids));
  for (const auto& row : r) {
    const size_t i = row[0].as<size_t>() - 1;
    const IdempotencyKey& key = keys[i];
    if (row[1].c_str() != key.fingerprint) {
      const std::string why = RequestIdReusedMessage(key);
      out[i] = WithFieldViolations(absl::StatusCode::kInvalidArgument, "request_id: " + why,
                                   {{"request_id", absl::StrCat("[request_id.reused] ", why)}});
      continue;
    }
    std::string response;
    std::string encoded = row[2].c_str();
    encoded.erase(std::remove(encoded.begin(), encoded.end(), '\n'), encoded.end());
    if (!absl::Base64Unescape(encoded, &response)) {
      out[i] = absl::InternalError("stored idempotent response is corrupt");
      continue;
    }
    out[i] = std::move(response);
  }
  return out;
}

void RecordResponse(pqxx::transaction_base& tx, const IdempotencyKey& key,
                    const std::string& response) {
  RecordResponses(tx, {key}, {response});
}

void RecordResponses(pqxx::transaction_base& tx, const std::vector<IdempotencyKey>& keys,
                     const std::vector<std::string>& responses) {
  if (keys.empty()) return;
  std::vector<std::string> ids, fingerprints, encoded;
  for (size_t i = 0; i < keys.size(); ++i) {
    ids.push_back(keys[i].request_id);
    fingerprints.push_back(keys[i].fingerprint);
    encoded.push_back(absl::Base64Escape(responses[i]));
  }
  store::Exec(tx, "idem_record",
              "INSERT INTO idempotency_keys (principal_id, method, request_id, fingerprint, "
              "response) SELECT $1, $2, k.id, decode(k.fp, 'hex'), decode(k.answer, 'base64') "
              "FROM unnest($3::text[], $4::text[], $5::text[]) AS k(id, fp, answer)",
              keys[0].principal_id, keys[0].method, store::TextArray(ids),
              store::TextArray(fingerprints), store::TextArray(encoded));
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
