// absl::Status ↔ grpc::Status, with field-level details.
//
// A library builds INVALID_ARGUMENT with FieldViolations (every bad field, not
// the first); ToGrpcStatus turns it into a grpc::Status whose binary details
// are a google.rpc.Status carrying a google.rpc.BadRequest, which clients read
// with FromGrpcStatus or any gRPC rich-error library.
#ifndef TECHRENO_LIBS_RPC_STATUS_H_
#define TECHRENO_LIBS_RPC_STATUS_H_

#include <grpcpp/grpcpp.h>

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "google/rpc/error_details.pb.h"

namespace techreno::rpc {

struct FieldViolation {
  std::string field;        // e.g. "project.county_code"
  std::string description;  // e.g. "[project.county_code.unknown] 449999 is not ..."
};

// A status of `code` with `summary` as message and the violations as payload
// (also used for FAILED_PRECONDITION, ABORTED... that concern one field).
absl::Status WithFieldViolations(absl::StatusCode code, const std::string& summary,
                                 const std::vector<FieldViolation>& violations);
// INVALID_ARGUMENT with `summary` as message and the violations as payload.
absl::Status InvalidArgument(const std::string& summary,
                             const std::vector<FieldViolation>& violations);
// INVALID_ARGUMENT for one field.
absl::Status InvalidField(const std::string& field, const std::string& description);
// An update's optional expected_version: OK when `expected` is 0 or equals
// `stored`; otherwise ABORTED on field "expected_version", telling the caller
// to read `what` (e.g. "the project") again and retry.
absl::Status CheckExpectedVersion(int64_t expected, int64_t stored, const std::string& what);

// The violations attached to a status (empty if none).
std::vector<FieldViolation> FieldViolations(const absl::Status& status);

grpc::StatusCode ToGrpcCode(absl::StatusCode code);

// An error answer travels in HTTP/2 trailers, which clients cap (gRPC's C core
// at 8 KiB by default) — a larger one is never delivered and stalls the
// connection. Whatever the input, ToGrpcStatus keeps the message within
// kMaxErrorMessageBytes and the serialized details within kMaxErrorDetailBytes:
// at most kMaxFieldViolations violations, each cut to kMaxViolationBytes, then
// one more (field "", rule "violations.truncated") counting the rest.
inline constexpr size_t kMaxErrorMessageBytes = 400;
inline constexpr size_t kMaxErrorDetailBytes = 3000;
inline constexpr size_t kMaxFieldViolations = 20;
inline constexpr size_t kMaxViolationBytes = 300;
grpc::Status ToGrpcStatus(const absl::Status& status);

// `text` cut to at most `max_bytes` at a UTF-8 character boundary, with "..."
// when cut.
std::string TruncateUtf8(std::string text, size_t max_bytes);
// The reverse, for clients and tests: keeps the message and the BadRequest.
absl::Status FromGrpcStatus(const grpc::Status& status);

}  // namespace techreno::rpc

#endif  // TECHRENO_LIBS_RPC_STATUS_H_
