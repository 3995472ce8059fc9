// Opaque page tokens for keyset pagination. A token carries the last key of
// the page it follows and a fingerprint of the query's filters, so that a
// token cannot be replayed against a different query.
#ifndef TECHRENO_LIBS_RPC_PAGE_TOKEN_H_
#define TECHRENO_LIBS_RPC_PAGE_TOKEN_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace techreno::rpc {

// Fingerprint of whatever identifies the query (e.g. its serialized filters).
std::string QueryFingerprint(absl::string_view query);

std::string EncodePageToken(absl::string_view last_key, absl::string_view fingerprint);

// The last key; "" for an empty token (first page). INVALID_ARGUMENT on field
// "page_token" when it is malformed or belongs to another query.
absl::StatusOr<std::string> DecodePageToken(absl::string_view token, absl::string_view fingerprint);

// page_size 0 → default_size; otherwise it must be 1..max_size
// (INVALID_ARGUMENT on field "page_size").
absl::StatusOr<int> ResolvePageSize(int page_size, int default_size = 100, int max_size = 1000);

// Offset paging, for answers computed whole and then cut into pages: the
// query's fingerprint (the request without its paging fields, and the caller)
// and where this page starts.
struct OffsetPage {
  std::string fingerprint;
  size_t offset = 0;
  // The token of the page starting at `next` (an index into the whole answer).
  std::string TokenAt(size_t next) const;
};
absl::StatusOr<OffsetPage> ResolveOffsetPage(std::string query_without_paging, int64_t principal_id,
                                             absl::string_view page_token);

// The same for any request message with page_size and page_token fields.
template <typename Request>
absl::StatusOr<OffsetPage> ResolveOffsetPage(const Request& request, int64_t principal_id) {
  Request query = request;
  query.clear_page_size();
  query.clear_page_token();
  return ResolveOffsetPage(query.SerializeAsString(), principal_id, request.page_token());
}

}  // namespace techreno::rpc

#endif  // TECHRENO_LIBS_RPC_PAGE_TOKEN_H_
