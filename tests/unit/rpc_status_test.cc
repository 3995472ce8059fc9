// Unit tests for libs/rpc/status: absl::Status <-> grpc::Status with
// google.rpc.BadRequest details.

#include <grpcpp/grpcpp.h>

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "gtest/gtest.h"
#include "libs/rpc/status.h"

namespace techreno::rpc {
namespace {

constexpr char kBadRequestUrl[] = "type.googleapis.com/google.rpc.BadRequest";

void ExpectSameViolations(const std::vector<FieldViolation>& got,
                          const std::vector<FieldViolation>& want) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    SCOPED_TRACE(testing::Message() << "violation " << i);
    EXPECT_EQ(got[i].field, want[i].field);
    EXPECT_EQ(got[i].description, want[i].description);
  }
}

const std::vector<FieldViolation> kThreeViolations = {
    {"project.county_code", "[region.county_code.unknown] 449999 is not a county of Guangdong"},
    {"project.industry_code", "[industry_code.invalid] industry division 52 is outside 06-46"},
    {"project.name", "[text.length] must be 1-200 characters (got 0)"},
};

TEST(RpcStatusTest, OkMapsToOk) {
  grpc::Status s = ToGrpcStatus(absl::OkStatus());
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(s.error_code(), grpc::StatusCode::OK);
  EXPECT_TRUE(s.error_message().empty());
  EXPECT_TRUE(s.error_details().empty());
  EXPECT_EQ(ToGrpcCode(absl::StatusCode::kOk), grpc::StatusCode::OK);
  EXPECT_TRUE(FromGrpcStatus(grpc::Status::OK).ok());
}

struct CodeCase {
  absl::StatusCode absl_code;
  grpc::StatusCode grpc_code;
};

TEST(RpcStatusTest, EveryNonOkCodeMapsToTheSameGrpcCode) {
  const CodeCase cases[] = {
      {absl::StatusCode::kCancelled, grpc::StatusCode::CANCELLED},
      {absl::StatusCode::kUnknown, grpc::StatusCode::UNKNOWN},
      {absl::StatusCode::kInvalidArgument, grpc::StatusCode::INVALID_ARGUMENT},
      {absl::StatusCode::kDeadlineExceeded, grpc::StatusCode::DEADLINE_EXCEEDED},
      {absl::StatusCode::kNotFound, grpc::StatusCode::NOT_FOUND},
      {absl::StatusCode::kAlreadyExists, grpc::StatusCode::ALREADY_EXISTS},
      {absl::StatusCode::kPermissionDenied, grpc::StatusCode::PERMISSION_DENIED},
      {absl::StatusCode::kResourceExhausted, grpc::StatusCode::RESOURCE_EXHAUSTED},
      {absl::StatusCode::kFailedPrecondition, grpc::StatusCode::FAILED_PRECONDITION},
      {absl::StatusCode::kAborted, grpc::StatusCode::ABORTED},
      {absl::StatusCode::kOutOfRange, grpc::StatusCode::OUT_OF_RANGE},
      {absl::StatusCode::kUnimplemented, grpc::StatusCode::UNIMPLEMENTED},
      {absl::StatusCode::kInternal, grpc::StatusCode::INTERNAL},
      {absl::StatusCode::kUnavailable, grpc::StatusCode::UNAVAILABLE},
      {absl::StatusCode::kDataLoss, grpc::StatusCode::DATA_LOSS},
      {absl::StatusCode::kUnauthenticated, grpc::StatusCode::UNAUTHENTICATED},
  };
  static_assert(sizeof(cases) / sizeof(cases[0]) == 16, "all 16 non-OK canonical codes");
  for (const CodeCase& c : cases) {
    SCOPED_TRACE(absl::StatusCodeToString(c.absl_code));
    EXPECT_EQ(ToGrpcCode(c.absl_code), c.grpc_code);

    const std::string message = "something about " + absl::StatusCodeToString(c.absl_code);
    grpc::Status g = ToGrpcStatus(absl::Status(c.absl_code, message));
    EXPECT_FALSE(g.ok());
    EXPECT_EQ(g.error_code(), c.grpc_code);
    EXPECT_EQ(g.error_message(), message);

    absl::Status back = FromGrpcStatus(g);
    EXPECT_EQ(back.code(), c.absl_code);
    EXPECT_EQ(back.message(), message);
  }
}

TEST(RpcStatusTest, InvalidArgumentCarriesBadRequestInErrorDetails) {
  const absl::Status status = InvalidArgument("3 fields are invalid", kThreeViolations);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(), "3 fields are invalid");

  const grpc::Status g = ToGrpcStatus(status);
  EXPECT_EQ(g.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(g.error_message(), "3 fields are invalid");
  ASSERT_FALSE(g.error_details().empty());

  google::rpc::Status details;
  ASSERT_TRUE(details.ParseFromString(g.error_details()));
  EXPECT_EQ(details.code(), static_cast<int>(grpc::StatusCode::INVALID_ARGUMENT));
  EXPECT_EQ(details.message(), "3 fields are invalid");
  ASSERT_EQ(details.details_size(), 1);
  const auto& any = details.details(0);
  EXPECT_EQ(any.type_url(), kBadRequestUrl);

  google::rpc::BadRequest bad;
  ASSERT_TRUE(any.UnpackTo(&bad));
  ASSERT_EQ(bad.field_violations_size(), 3);
  for (int i = 0; i < 3; ++i) {
    SCOPED_TRACE(testing::Message() << "violation " << i);
    EXPECT_EQ(bad.field_violations(i).field(), kThreeViolations[i].field);
    EXPECT_EQ(bad.field_violations(i).description(), kThreeViolations[i].description);
  }
}

TEST(RpcStatusTest, FieldViolationsReadsWhatWasAttached) {
  ExpectSameViolations(FieldViolations(InvalidArgument("bad", kThreeViolations)), kThreeViolations);
  EXPECT_TRUE(FieldViolations(absl::InvalidArgumentError("plain")).empty());
  EXPECT_TRUE(FieldViolations(absl::OkStatus()).empty());
}

TEST(RpcStatusTest, InvalidFieldNamesTheField) {
  const absl::Status s = InvalidField("page_size", "must be between 1 and 1000");
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  ExpectSameViolations(FieldViolations(s), {{"page_size", "must be between 1 and 1000"}});
}

TEST(RpcStatusTest, FromGrpcStatusRoundTripKeepsCodeMessageAndViolations) {
  const absl::Status original = InvalidArgument("3 fields are invalid", kThreeViolations);
  const absl::Status back = FromGrpcStatus(ToGrpcStatus(original));
  EXPECT_EQ(back.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(back.message(), "3 fields are invalid");
  ExpectSameViolations(FieldViolations(back), kThreeViolations);
}

TEST(RpcStatusTest, StatusWithoutViolationsHasEmptyErrorDetails) {
  const grpc::Status g = ToGrpcStatus(absl::NotFoundError("project 2025-440103-00-03-000011"));
  EXPECT_EQ(g.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(g.error_message(), "project 2025-440103-00-03-000011");
  EXPECT_TRUE(g.error_details().empty());

  const absl::Status back = FromGrpcStatus(g);
  EXPECT_EQ(back.code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(FieldViolations(back).empty());
}

TEST(RpcStatusTest, WithFieldViolationsKeepsItsCode) {
  const std::vector<FieldViolation> one = {
      {"expected_version", "stored version is 4, expected_version is 3"}};
  const absl::Status status =
      WithFieldViolations(absl::StatusCode::kAborted, "version mismatch", one);
  EXPECT_EQ(status.code(), absl::StatusCode::kAborted);
  ExpectSameViolations(FieldViolations(status), one);

  const grpc::Status g = ToGrpcStatus(status);
  EXPECT_EQ(g.error_code(), grpc::StatusCode::ABORTED);
  EXPECT_EQ(g.error_message(), "version mismatch");
  google::rpc::Status details;
  ASSERT_TRUE(details.ParseFromString(g.error_details()));
  EXPECT_EQ(details.code(), static_cast<int>(grpc::StatusCode::ABORTED));

  const absl::Status back = FromGrpcStatus(g);
  EXPECT_EQ(back.code(), absl::StatusCode::kAborted);
  EXPECT_EQ(back.message(), "version mismatch");
  ExpectSameViolations(FieldViolations(back), one);
}

}  // namespace
}  // namespace techreno::rpc
