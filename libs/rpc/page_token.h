// Opaque page tokens for keyset pagination. A token carries the last key of
// the page it follows and a fingerprint of the query's filters, so that a
// token cannot be replayed against a different query.
#ifndef TECHRENO_LIBS_RPC_PAGE_TOKEN_H_
#define TECHRENO_LIBS_RPC_PAGE_TOKEN_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace techreno::rpc {

// Fingerprint of whatever identifies the query (e.g. its serialized filters).
std::string QueryFingerprint(absl::string_view query);

std::string EncodePageToken(absl::string_view last_key, absl::string_view fingerprint);

// The last key; "" for an empty token (first page). INVALID_ARGUMENT on field
// "page_token" when it is malformed or belongs to another query.
absl::StatusOr<std::string> DecodePageToken(absl::string_view token,
                                            absl::string_view fingerprint);

// page_size 0 → default_size; otherwise it must be 1..max_size
// (INVALID_ARGUMENT on field "page_size").
absl::StatusOr<int> ResolvePageSize(int page_size, int default_size = 100, int max_size = 1000);

}  // namespace techreno::rpc

#endif  // TECHRENO_LIBS_RPC_PAGE_TOKEN_H_
