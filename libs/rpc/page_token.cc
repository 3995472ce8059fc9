#include "libs/rpc/page_token.h"

#include <openssl/sha.h>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "libs/rpc/status.h"

namespace techreno::rpc {
namespace {
constexpr char kVersion[] = "p1";
constexpr size_t kFingerprintSize = 8;  // bytes of SHA-256 kept
}  // namespace

std::string QueryFingerprint(absl::string_view query) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(query.data()), query.size(), digest);
  return std::string(reinterpret_cast<const char*>(digest), kFingerprintSize);
}

std::string EncodePageToken(absl::string_view last_key, absl::string_view fingerprint) {
  return absl::WebSafeBase64Escape(absl::StrCat(kVersion, fingerprint, last_key));
}

absl::StatusOr<std::string> DecodePageToken(absl::string_view token,
                                            absl::string_view fingerprint) {
  if (token.empty()) return std::string();
  std::string raw;
  const size_t header = sizeof(kVersion) - 1 + kFingerprintSize;
  if (!absl::WebSafeBase64Unescape(token, &raw) || raw.size() < header ||
      absl::string_view(raw).substr(0, sizeof(kVersion) - 1) != kVersion) {
    return InvalidField("page_token", "malformed page token; pass next_page_token unchanged");
  }
  if (absl::string_view(raw).substr(sizeof(kVersion) - 1, kFingerprintSize) != fingerprint) {
    return InvalidField("page_token",
                        "page token belongs to a different query; keep the filters unchanged "
                        "while paging");
  }
  return raw.substr(header);
}

absl::StatusOr<int> ResolvePageSize(int page_size, int default_size, int max_size) {
  if (page_size == 0) return default_size;
  if (page_size < 0 || page_size > max_size) {
    return InvalidField("page_size", absl::StrCat("must be between 1 and ", max_size, " (got ",
                                                  page_size, "); 0 means ", default_size));
  }
  return page_size;
}

std::string OffsetPage::TokenAt(size_t next) const {
  return EncodePageToken(absl::StrCat(next), fingerprint);
}

absl::StatusOr<OffsetPage> ResolveOffsetPage(std::string query_without_paging, int64_t principal_id,
                                             absl::string_view page_token) {
  OffsetPage page;
  page.fingerprint = QueryFingerprint(absl::StrCat(principal_id, "|", query_without_paging));
  auto after = DecodePageToken(page_token, page.fingerprint);
  if (!after.ok()) return after.status();
  if (!after->empty() && !absl::SimpleAtoi(*after, &page.offset)) {
    return InvalidField("page_token", "malformed page token");
  }
  return page;
}

}  // namespace techreno::rpc
