#include "libs/rpc/status.h"

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "google/rpc/status.pb.h"

namespace techreno::rpc {
namespace {
constexpr char kBadRequestUrl[] = "type.googleapis.com/google.rpc.BadRequest";

google::rpc::BadRequest ToBadRequest(const std::vector<FieldViolation>& violations) {
  google::rpc::BadRequest bad;
  for (const FieldViolation& v : violations) {
    auto* fv = bad.add_field_violations();
    fv->set_field(v.field);
    fv->set_description(v.description);
  }
  return bad;
}

// The violations that fit the trailer budget, then one counting the rest.
google::rpc::BadRequest Bounded(const google::rpc::BadRequest& all, size_t budget) {
  google::rpc::BadRequest out;
  size_t used = 0;
  int kept = 0;
  for (const auto& v : all.field_violations()) {
    const std::string field = TruncateUtf8(v.field(), kMaxViolationBytes / 3);
    const std::string description = TruncateUtf8(v.description(), kMaxViolationBytes);
    const size_t size = field.size() + description.size() + 8;
    if (static_cast<size_t>(kept) >= kMaxFieldViolations || used + size > budget) break;
    auto* fv = out.add_field_violations();
    fv->set_field(field);
    fv->set_description(description);
    used += size;
    ++kept;
  }
  if (kept < all.field_violations_size()) {
    auto* fv = out.add_field_violations();
    fv->set_description(absl::StrCat("[violations.truncated] and ",
                                     all.field_violations_size() - kept,
                                     " more violations not listed"));
  }
  return out;
}
}  // namespace

absl::Status InvalidArgument(const std::string& summary,
                             const std::vector<FieldViolation>& violations) {
  return WithFieldViolations(absl::StatusCode::kInvalidArgument, summary, violations);
}

absl::Status WithFieldViolations(absl::StatusCode code, const std::string& summary,
                                 const std::vector<FieldViolation>& violations) {
  absl::Status status(code, summary);
  status.SetPayload(kBadRequestUrl, absl::Cord(ToBadRequest(violations).SerializeAsString()));
  return status;
}

absl::Status InvalidField(const std::string& field, const std::string& description) {
  return InvalidArgument(absl::StrCat(field, ": ", description), {{field, description}});
}

absl::Status CheckExpectedVersion(int64_t expected, int64_t stored, const std::string& what) {
  if (expected == 0 || expected == stored) return absl::OkStatus();
  return WithFieldViolations(
      absl::StatusCode::kAborted, absl::StrCat("expected version ", expected, ", stored ", stored),
      {{"expected_version", absl::StrCat("read ", what, " again and retry")}});
}

std::vector<FieldViolation> FieldViolations(const absl::Status& status) {
  std::vector<FieldViolation> out;
  auto payload = status.GetPayload(kBadRequestUrl);
  if (!payload.has_value()) return out;
  google::rpc::BadRequest bad;
  if (!bad.ParseFromString(std::string(*payload))) return out;
  for (const auto& fv : bad.field_violations()) out.push_back({fv.field(), fv.description()});
  return out;
}

grpc::StatusCode ToGrpcCode(absl::StatusCode code) {
  // The numeric values are the same canonical codes in both libraries.
  return static_cast<grpc::StatusCode>(static_cast<int>(code));
}

std::string TruncateUtf8(std::string text, size_t max_bytes) {
  if (text.size() <= max_bytes) return text;
  size_t end = max_bytes >= 3 ? max_bytes - 3 : 0;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  text.resize(end);
  return text + "...";
}

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  const std::string message = TruncateUtf8(std::string(status.message()), kMaxErrorMessageBytes);
  auto payload = status.GetPayload(kBadRequestUrl);
  if (!payload.has_value()) return grpc::Status(ToGrpcCode(status.code()), message);
  google::rpc::BadRequest bad;
  bad.ParseFromString(std::string(*payload));
  google::rpc::Status details;
  details.set_code(static_cast<int>(status.code()));
  details.set_message(message);
  auto* any = details.add_details();
  any->set_type_url(kBadRequestUrl);
  const size_t overhead = message.size() + sizeof(kBadRequestUrl) + 16;
  // Room for the entry that counts what was left out.
  constexpr size_t kTruncatedEntry = 96;
  any->set_value(
      Bounded(bad, kMaxErrorDetailBytes - overhead - kTruncatedEntry).SerializeAsString());
  return grpc::Status(ToGrpcCode(status.code()), message, details.SerializeAsString());
}

absl::Status FromGrpcStatus(const grpc::Status& status) {
  if (status.ok()) return absl::OkStatus();
  absl::Status out(static_cast<absl::StatusCode>(status.error_code()), status.error_message());
  google::rpc::Status details;
  if (!status.error_details().empty() && details.ParseFromString(status.error_details())) {
    for (const auto& any : details.details()) {
      if (any.type_url() == kBadRequestUrl) out.SetPayload(kBadRequestUrl, absl::Cord(any.value()));
    }
  }
  return out;
}

}  // namespace techreno::rpc
