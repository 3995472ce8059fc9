#include "libs/rpc/wire_traits.h"

#include <google/protobuf/message.h>
#include <google/protobuf/unknown_field_set.h>
#include <grpcpp/impl/codegen/proto_utils.h>
#include <grpcpp/support/byte_buffer.h>
#include <grpcpp/support/proto_buffer_reader.h>
#include <grpcpp/support/proto_buffer_writer.h>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "libs/rpc/status.h"
#include "libs/rpc/wire_check.h"
#include "libs/rpc/wire_problems.h"

namespace techreno::rpc {
namespace {

using google::protobuf::Message;
using google::protobuf::MessageLite;

// A field number no techreno message uses (the largest protobuf allows): where
// a stream record carries its wire problems to the push loop.
constexpr int kWireProblemField = 536'870'911;
constexpr char kUtf8Prefix[] = "utf8:";
constexpr char kMalformed[] = "malformed";
constexpr char kMorePrefix[] = "more:";
constexpr char kSizePrefix[] = "size:";  // "size:<path>\n<description>"

std::string BufferBytes(const grpc::ByteBuffer& buffer) {
  std::vector<grpc::Slice> slices;
  std::string bytes;
  if (!buffer.Dump(&slices).ok()) return bytes;
  for (const grpc::Slice& s : slices)
    bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
  return bytes;
}

// gRPC's own parse; the buffer is left intact for a second look.
bool ParseAsGrpcDoes(grpc::ByteBuffer* buffer, MessageLite* msg, grpc::Status* status) {
  grpc::ProtoBufferReader reader(buffer);
  if (!reader.status().ok()) {
    *status = reader.status();
    return false;
  }
  return msg->ParseFromZeroCopyStream(&reader);
}

grpc::Status UnaryRejection(const Message& type, const SanitizedMessage& s) {
  const std::string name = type.GetDescriptor()->full_name();
  if (!s.well_formed) {
    return ToGrpcStatus(
        InvalidField("", absl::StrCat("[request.malformed] the request is not a valid ", name,
                                      " message (the protobuf encoding is broken)")));
  }
  std::vector<FieldViolation> violations;
  for (const std::string& path : s.invalid_utf8_paths) {
    violations.push_back({path, absl::StrCat("[text.utf8] ", kInvalidUtf8Message)});
  }
  if (s.more_paths > 0) {
    violations.push_back(
        {"", absl::StrCat("[text.utf8] and ", s.more_paths, " more fields with invalid UTF-8")});
  }
  std::string summary = absl::StrCat(violations.front().field, " ", kInvalidUtf8Message);
  if (violations.size() > 1) absl::StrAppend(&summary, " (and ", violations.size() - 1, " more)");
  return ToGrpcStatus(InvalidArgument(summary, violations));
}

// The bytes could not be parsed: a stream record is read with its bad values
// escaped (or left empty when nothing of it is readable) and the problems
// attached as an unknown field that TakeWireProblems removes.
grpc::Status ReadDamagedRecord(Message& record, const SanitizedMessage& s) {
  auto* unknown = record.GetReflection()->MutableUnknownFields(&record);
  if (!s.well_formed) {
    unknown->AddLengthDelimited(kWireProblemField, kMalformed);
    return grpc::Status::OK;
  }
  for (const std::string& path : s.invalid_utf8_paths) {
    unknown->AddLengthDelimited(kWireProblemField, absl::StrCat(kUtf8Prefix, path));
  }
  if (s.more_paths > 0) {
    unknown->AddLengthDelimited(kWireProblemField, absl::StrCat(kMorePrefix, s.more_paths));
  }
  return grpc::Status::OK;
}

// A request whose fields are beyond the size limits: refused before any work.
grpc::Status CheckSizes(Message& message, size_t bytes, bool stream_record) {
  if (!IsRequestType(*message.GetDescriptor())) return grpc::Status::OK;
  const std::vector<OversizedField> oversized = OversizedFields(message, bytes);
  if (oversized.empty()) return grpc::Status::OK;
  if (stream_record) {
    message.Clear();
    auto* unknown = message.GetReflection()->MutableUnknownFields(&message);
    for (const OversizedField& f : oversized) {
      unknown->AddLengthDelimited(kWireProblemField,
                                  absl::StrCat(kSizePrefix, f.path, "\n", f.description));
    }
    return grpc::Status::OK;
  }
  std::vector<FieldViolation> violations;
  for (const OversizedField& f : oversized) {
    violations.push_back({f.path, absl::StrCat("[request.field_too_large] ", f.description)});
  }
  std::string summary = absl::StrCat(oversized.front().path, " ", oversized.front().description);
  if (oversized.size() > 1) absl::StrAppend(&summary, " (and ", oversized.size() - 1, " more)");
  return ToGrpcStatus(InvalidArgument(summary, violations));
}

grpc::Status Read(grpc::ByteBuffer* buffer, MessageLite* msg, bool stream_record) {
  if (buffer == nullptr) return grpc::Status(grpc::StatusCode::INTERNAL, "No payload");
  grpc::Status status;
  const bool parsed = ParseAsGrpcDoes(buffer, msg, &status);
  const size_t bytes = buffer->Length();
  if (parsed) {
    buffer->Clear();
    auto* message = dynamic_cast<Message*>(msg);
    return message == nullptr ? grpc::Status::OK : CheckSizes(*message, bytes, stream_record);
  }
  if (!status.ok()) {
    buffer->Clear();
    return status;
  }
  auto* message = dynamic_cast<Message*>(msg);
  if (message == nullptr) {  // not ours: gRPC's answer
    buffer->Clear();
    return grpc::Status(grpc::StatusCode::INTERNAL, msg->InitializationErrorString());
  }
  SanitizedMessage sanitized =
      SanitizeMessageBytes(*message->GetDescriptor(), BufferBytes(*buffer));
  buffer->Clear();
  // Readable once repaired, or not at all (e.g. a packed field of garbage).
  message->Clear();
  if (!sanitized.well_formed || sanitized.invalid_utf8_paths.empty() ||
      !message->ParseFromString(sanitized.bytes)) {
    message->Clear();
    sanitized = SanitizedMessage();  // not well-formed
  }
  return stream_record ? ReadDamagedRecord(*message, sanitized)
                       : UnaryRejection(*message, sanitized);
}

grpc::Status Write(const MessageLite& msg, grpc::ByteBuffer* bb, bool* own_buffer) {
  return grpc::GenericSerialize<grpc::ProtoBufferWriter, MessageLite>(msg, bb, own_buffer);
}

}  // namespace

WireProblems TakeWireProblems(Message& record) {
  WireProblems problems;
  auto* unknown = record.GetReflection()->MutableUnknownFields(&record);
  if (unknown->empty()) return problems;
  for (int i = 0; i < unknown->field_count(); ++i) {
    const auto& field = unknown->field(i);
    if (field.number() != kWireProblemField ||
        field.type() != google::protobuf::UnknownField::TYPE_LENGTH_DELIMITED) {
      continue;
    }
    absl::string_view value = field.length_delimited();
    int more = 0;
    if (value == kMalformed) {
      problems.malformed = true;
    } else if (absl::ConsumePrefix(&value, kUtf8Prefix)) {
      problems.invalid_utf8_paths.emplace_back(value);
    } else if (absl::ConsumePrefix(&value, kMorePrefix) && absl::SimpleAtoi(value, &more)) {
      problems.more_paths = more;
    } else if (absl::ConsumePrefix(&value, kSizePrefix)) {
      const size_t newline = value.find('\n');
      problems.oversized.emplace_back(std::string(value.substr(0, newline)),
                                      newline == absl::string_view::npos
                                          ? std::string()
                                          : std::string(value.substr(newline + 1)));
    }
  }
  unknown->DeleteByNumber(kWireProblemField);
  return problems;
}

}  // namespace techreno::rpc

// The definitions behind TECHRENO_WIRE_TRAITS.
#define TECHRENO_WIRE_TRAITS_READ(Type, stream_record)                                  \
  grpc::Status grpc::SerializationTraits<Type, void>::Serialize(                        \
      const grpc::protobuf::MessageLite& msg, grpc::ByteBuffer* bb, bool* own_buffer) { \
    return techreno::rpc::Write(msg, bb, own_buffer);                                   \
  }                                                                                     \
  grpc::Status grpc::SerializationTraits<Type, void>::Deserialize(                      \
      grpc::ByteBuffer* buffer, grpc::protobuf::MessageLite* msg) {                     \
    return techreno::rpc::Read(buffer, msg, stream_record);                             \
  }

TECHRENO_WIRE_TRAITS_READ(grpc::protobuf::MessageLite, false)
TECHRENO_WIRE_TRAITS_READ(techreno::v1::WatchRecommendationsRequest, false)
TECHRENO_WIRE_TRAITS_READ(techreno::v1::PushProjectsRequest, true)
TECHRENO_WIRE_TRAITS_READ(techreno::v1::PushProgressRequest, true)
