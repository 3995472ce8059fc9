// Unit tests for the bounds every error answer keeps whatever the input
// (libs/rpc/status.h, violations.h) and for how messages show money.
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "libs/codes/text.h"
#include "libs/rpc/status.h"
#include "libs/rpc/violations.h"

namespace techreno::rpc {
namespace {

TEST(RpcBoundsTest, AHugeMessageIsCutAtACharacterBoundary) {
  std::string huge;
  for (int i = 0; i < 100000; ++i) huge += "项";
  grpc::Status s = ToGrpcStatus(absl::InvalidArgumentError(huge));
  EXPECT_LE(s.error_message().size(), kMaxErrorMessageBytes);
  EXPECT_TRUE(absl::EndsWith(s.error_message(), "..."));
  // Still UTF-8: every character before the "..." is whole.
  EXPECT_EQ((s.error_message().size() - 3) % 3, 0u);
}

TEST(RpcBoundsTest, ThousandsOfViolationsAreCountedNotListed) {
  std::vector<FieldViolation> many;
  for (int i = 0; i < 5000; ++i) {
    many.push_back({"project.renovation_types[" + std::to_string(i) + "]",
                    "[project.renovation_types.duplicate] " + std::string(2000, 'x')});
  }
  grpc::Status s = ToGrpcStatus(InvalidArgument("many", many));
  EXPECT_LE(s.error_details().size(), kMaxErrorDetailBytes + 100);
  const auto got = FieldViolations(FromGrpcStatus(s));
  ASSERT_GE(got.size(), 2u);
  EXPECT_LE(got.size(), kMaxFieldViolations + 1);
  EXPECT_EQ(got.front().field, "project.renovation_types[0]");
  EXPECT_LE(got.front().description.size(), kMaxViolationBytes);
  EXPECT_TRUE(absl::StrContains(got.back().description, "[violations.truncated]"));
  EXPECT_TRUE(
      absl::StrContains(got.back().description, std::to_string(5000 - (got.size() - 1)) + " more"))
      << got.back().description;
}

TEST(RpcBoundsTest, FewViolationsPassUnchanged) {
  const std::vector<FieldViolation> two = {{"a", "[r.a] one"}, {"b", "[r.b] two"}};
  const auto got = FieldViolations(FromGrpcStatus(ToGrpcStatus(InvalidArgument("x", two))));
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[1].field, "b");
  EXPECT_EQ(got[1].description, "[r.b] two");
}

TEST(RpcBoundsTest, ARecordKeepsAtMostTheCapThenACount) {
  google::protobuf::RepeatedPtrField<v1::Violation> findings;
  for (int i = 0; i < 999; ++i) {
    v1::Violation* v = findings.Add();
    v->set_severity(i < 30 ? v1::SEVERITY_WARNING : v1::SEVERITY_FATAL);
    v->set_rule_id("rule");
  }
  BoundViolations(findings);
  ASSERT_EQ(findings.size(), static_cast<int>(kMaxFieldViolations) + 1);
  const v1::Violation& last = *findings.rbegin();
  EXPECT_EQ(last.rule_id(), "violations.truncated");
  EXPECT_EQ(last.severity(), v1::SEVERITY_FATAL);  // some of the rest were fatal
  EXPECT_TRUE(absl::StrContains(last.message(), "979 more"));
}

TEST(RpcBoundsTest, AViolationMessageIsCut) {
  Violations out;
  AddViolation(out, v1::SEVERITY_FATAL, "r", "f", std::string(100000, 'a'));
  EXPECT_LE(out[0].message().size(), kMaxViolationBytes);
}

TEST(RpcBoundsTest, QuotedValuesShowAPrefixAndTheLength) {
  EXPECT_EQ(codes::Quote("440103"), "'440103'");
  const std::string quoted = codes::Quote(std::string(1 << 20, '4'));
  EXPECT_LT(quoted.size(), 64u);
  EXPECT_TRUE(absl::EndsWith(quoted, "...' (1048576 bytes)")) << quoted;
  EXPECT_EQ(codes::Quote("\xFF"), "'\\xff'");
}

TEST(RpcBoundsTest, MoneyNeverReadsMinusZero) {
  EXPECT_EQ(FormatFen(-5), "-5 fen (-0.05 元)");
  EXPECT_EQ(FormatFen(0), "0 fen (0.00 元)");
  EXPECT_EQ(FormatFen(9'999), "9999 fen (99.99 元)");
  EXPECT_EQ(FormatFen(10'000), "10000 fen (0.01 万元)");
  EXPECT_EQ(FormatFen(1'234'000), "1234000 fen (1.23 万元)");
  EXPECT_EQ(FormatFen(-2'000'000'000), "-2000000000 fen (-2000.00 万元)");
  EXPECT_EQ(FormatFen(100'000'000'000'000), "100000000000000 fen (100000000.00 万元)");
  EXPECT_EQ(FormatFen(INT64_MIN), "-9223372036854775808 fen (-9223372036854.78 万元)");
}

}  // namespace
}  // namespace techreno::rpc
