// Unit tests for libs/rpc/page_token: opaque keyset page tokens and page sizes.

#include "libs/rpc/page_token.h"

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/escaping.h"
#include "gtest/gtest.h"
#include "libs/rpc/status.h"

namespace techreno::rpc {
namespace {

// True when `status` is INVALID_ARGUMENT with a field violation naming `field`.
::testing::AssertionResult IsInvalidField(const absl::Status& status, const std::string& field) {
  if (status.code() != absl::StatusCode::kInvalidArgument) {
    return ::testing::AssertionFailure() << "expected INVALID_ARGUMENT, got " << status;
  }
  const std::vector<FieldViolation> violations = FieldViolations(status);
  if (violations.empty()) {
    return ::testing::AssertionFailure() << "no field violations attached to " << status;
  }
  for (const FieldViolation& v : violations) {
    if (v.field != field) {
      return ::testing::AssertionFailure()
             << "violation names field \"" << v.field << "\", expected \"" << field << "\"";
    }
  }
  return ::testing::AssertionSuccess();
}

const std::string& Fingerprint() {
  static const std::string* fp =
      new std::string(QueryFingerprint("county_code=440103;status=PLANNED"));
  return *fp;
}

TEST(PageTokenTest, RoundTrip) {
  const std::string token = EncodePageToken("2025-440103-00-03-000011", Fingerprint());
  EXPECT_FALSE(token.empty());
  absl::StatusOr<std::string> key = DecodePageToken(token, Fingerprint());
  ASSERT_TRUE(key.ok()) << key.status();
  EXPECT_EQ(*key, "2025-440103-00-03-000011");
}

TEST(PageTokenTest, EmptyTokenIsTheFirstPage) {
  absl::StatusOr<std::string> key = DecodePageToken("", Fingerprint());
  ASSERT_TRUE(key.ok()) << key.status();
  EXPECT_EQ(*key, "");
}

TEST(PageTokenTest, FingerprintIsDeterministicAndDependsOnTheQuery) {
  EXPECT_EQ(QueryFingerprint("a=1"), QueryFingerprint("a=1"));
  EXPECT_NE(QueryFingerprint("a=1"), QueryFingerprint("a=2"));
}

TEST(PageTokenTest, TokenOfAnotherQueryIsRejected) {
  const std::string other = QueryFingerprint("county_code=440104;status=PLANNED");
  ASSERT_NE(other, Fingerprint());
  const std::string token = EncodePageToken("2025-440104-00-03-000021", other);
  absl::StatusOr<std::string> key = DecodePageToken(token, Fingerprint());
  ASSERT_FALSE(key.ok());
  EXPECT_TRUE(IsInvalidField(key.status(), "page_token"));
}

TEST(PageTokenTest, GarbageIsRejected) {
  const std::vector<std::string> garbage = {
      "!!!",
      "not a token",
      absl::WebSafeBase64Escape("junk that is certainly not a page token"),
      absl::Base64Escape("\x01\x02\x03\xff\xfe"),
      absl::WebSafeBase64Escape("p1"),                          // version only, no fingerprint
      absl::WebSafeBase64Escape("p1abc"),                       // fingerprint cut short
      absl::WebSafeBase64Escape("p2" + Fingerprint() + "key"),  // another version
  };
  for (const std::string& token : garbage) {
    SCOPED_TRACE(token);
    absl::StatusOr<std::string> key = DecodePageToken(token, Fingerprint());
    ASSERT_FALSE(key.ok()) << "accepted, key = " << *key;
    EXPECT_TRUE(IsInvalidField(key.status(), "page_token"));
  }
}

TEST(PageTokenTest, BinaryAndUtf8KeysRoundTrip) {
  const std::vector<std::string> keys = {
      std::string("a\0b", 3),
      std::string("\x00\xff\xfe\x80\x7f", 5),
      std::string(1, '\0'),
      "荔湾区/2025-440103-00-03-000011",
      "广州市 越秀区 \xF0\x9F\x8F\xAD",  // with a 4-byte character
      std::string(300, 'k'),
  };
  for (const std::string& k : keys) {
    SCOPED_TRACE(absl::CHexEscape(k));
    const std::string token = EncodePageToken(k, Fingerprint());
    absl::StatusOr<std::string> key = DecodePageToken(token, Fingerprint());
    ASSERT_TRUE(key.ok()) << key.status();
    EXPECT_EQ(*key, k);
  }
}

TEST(PageSizeTest, ZeroMeansDefault) {
  absl::StatusOr<int> size = ResolvePageSize(0);
  ASSERT_TRUE(size.ok()) << size.status();
  EXPECT_EQ(*size, 100);

  size = ResolvePageSize(0, 25, 50);
  ASSERT_TRUE(size.ok()) << size.status();
  EXPECT_EQ(*size, 25);
}

TEST(PageSizeTest, OneAndMaxAreAccepted) {
  for (int n : {1, 1000, 500}) {
    absl::StatusOr<int> size = ResolvePageSize(n);
    ASSERT_TRUE(size.ok()) << n << ": " << size.status();
    EXPECT_EQ(*size, n);
  }
  absl::StatusOr<int> size = ResolvePageSize(50, 25, 50);
  ASSERT_TRUE(size.ok()) << size.status();
  EXPECT_EQ(*size, 50);
}

TEST(PageSizeTest, OutOfRangeIsRejectedOnPageSize) {
  for (int n : {-1, 1001, -1000}) {
    SCOPED_TRACE(n);
    absl::StatusOr<int> size = ResolvePageSize(n);
    ASSERT_FALSE(size.ok());
    EXPECT_TRUE(IsInvalidField(size.status(), "page_size"));
  }
  absl::StatusOr<int> size = ResolvePageSize(51, 25, 50);
  ASSERT_FALSE(size.ok());
  EXPECT_TRUE(IsInvalidField(size.status(), "page_size"));
}

}  // namespace
}  // namespace techreno::rpc
