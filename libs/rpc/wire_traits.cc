#include "libs/rpc/wire_traits.h"

#include <google/protobuf/io/coded_stream.h>
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

// What is wrong with the bytes just read into `message`: nothing (parsed as
// sent), invalid UTF-8 (then `message` holds the repaired record), or nothing
// readable (then `message` is empty). Fields over the size limits either way.
WireProblems Inspect(Message& message, bool parsed, const std::string& bytes, size_t size) {
  WireProblems problems;
  if (!parsed) {
    SanitizedMessage repaired = SanitizeMessageBytes(*message.GetDescriptor(), bytes);
    message.Clear();
    // Readable once repaired, or not at all (e.g. a packed field of garbage).
    if (!repaired.well_formed || repaired.invalid_utf8_paths.empty() ||
        !message.ParseFromString(repaired.bytes)) {
      message.Clear();
      problems.malformed = true;
      return problems;
    }
    problems.invalid_utf8_paths = std::move(repaired.invalid_utf8_paths);
    problems.more_paths = repaired.more_paths;
    for (OversizedField& f : repaired.oversized) {
      problems.oversized.emplace_back(std::move(f.path), std::move(f.description));
    }
  }
  // Only the server's own markers count: drop any a client sent.
  if (!message.GetReflection()->GetUnknownFields(message).empty()) {
    message.GetReflection()->MutableUnknownFields(&message)->DeleteByNumber(kWireProblemField);
  }
  if (IsRequestType(*message.GetDescriptor())) {
    for (OversizedField& f : OversizedFields(message, size)) {
      problems.oversized.emplace_back(std::move(f.path), std::move(f.description));
    }
  }
  return problems;
}

// A unary request's problems as INVALID_ARGUMENT, every field named.
grpc::Status UnaryRejection(const Message& message, const WireProblems& problems) {
  if (problems.malformed) {
    const std::string why =
        absl::StrCat("the request is not a valid ", message.GetDescriptor()->full_name(),
                     " message (the protobuf encoding is broken)");
    return ToGrpcStatus(InvalidArgument(why, {{"", absl::StrCat("[request.malformed] ", why)}}));
  }
  const std::vector<WireFinding> findings = WireFindings(problems);
  std::vector<FieldViolation> violations;
  for (const WireFinding& f : findings) {
    violations.push_back({f.field, absl::StrCat("[", f.rule_id, "] ", f.message)});
  }
  std::string summary = absl::StrCat(findings.front().field, " ", findings.front().message);
  const size_t total =
      problems.oversized.size() + problems.invalid_utf8_paths.size() + problems.more_paths;
  if (total > 1) absl::StrAppend(&summary, " (and ", total - 1, " more)");
  return ToGrpcStatus(InvalidArgument(summary, violations));
}

// A stream record's problems, attached as unknown fields that
// TakeWireProblems removes. A record with oversized fields is emptied: none of
// it is checked, and a batch of them must not hold megabytes.
void Attach(Message& record, const WireProblems& problems) {
  if (!problems.oversized.empty()) record.Clear();
  auto* unknown = record.GetReflection()->MutableUnknownFields(&record);
  if (problems.malformed) unknown->AddLengthDelimited(kWireProblemField, kMalformed);
  for (const std::string& path : problems.invalid_utf8_paths) {
    unknown->AddLengthDelimited(kWireProblemField, absl::StrCat(kUtf8Prefix, path));
  }
  if (problems.more_paths > 0) {
    unknown->AddLengthDelimited(kWireProblemField, absl::StrCat(kMorePrefix, problems.more_paths));
  }
  for (const auto& [path, description] : problems.oversized) {
    unknown->AddLengthDelimited(kWireProblemField,
                                absl::StrCat(kSizePrefix, path, "\n", description));
  }
}

grpc::Status Read(grpc::ByteBuffer* buffer, MessageLite* msg, bool stream_record) {
  if (buffer == nullptr) return grpc::Status(grpc::StatusCode::INTERNAL, "No payload");
  grpc::Status status;
  const bool parsed = ParseAsGrpcDoes(buffer, msg, &status);
  auto* message = dynamic_cast<Message*>(msg);
  if (!status.ok() || message == nullptr) {  // not a reader or not ours: gRPC's answer
    buffer->Clear();
    if (!status.ok()) return status;
    return parsed ? grpc::Status::OK
                  : grpc::Status(grpc::StatusCode::INTERNAL, msg->InitializationErrorString());
  }
  const size_t size = buffer->Length();
  const std::string bytes = parsed ? std::string() : BufferBytes(*buffer);
  buffer->Clear();
  const WireProblems problems = Inspect(*message, parsed, bytes, size);
  if (problems.empty()) return grpc::Status::OK;
  if (!stream_record) return UnaryRejection(*message, problems);
  Attach(*message, problems);
  return grpc::Status::OK;
}

// A chunk: field 1, repeated records, each inspected as Read inspects a
// stream record. Anything else in the bytes marks the chunk malformed.
grpc::Status ReadChunk(grpc::ByteBuffer* buffer, MessageLite* msg) {
  if (buffer == nullptr) return grpc::Status(grpc::StatusCode::INTERNAL, "No payload");
  auto* chunk = dynamic_cast<Message*>(msg);
  const std::string bytes = BufferBytes(*buffer);
  buffer->Clear();
  if (chunk == nullptr) return grpc::Status(grpc::StatusCode::INTERNAL, "not a chunk message");
  chunk->Clear();
  const google::protobuf::FieldDescriptor* records = chunk->GetDescriptor()->FindFieldByNumber(1);
  google::protobuf::io::CodedInputStream in(reinterpret_cast<const uint8_t*>(bytes.data()),
                                            static_cast<int>(bytes.size()));
  bool well_formed = true;
  std::string record_bytes;
  while (const uint32_t tag = in.ReadTag()) {
    uint32_t length = 0;
    if (tag != ((1u << 3) | 2u) || !in.ReadVarint32(&length) ||
        !in.ReadString(&record_bytes, static_cast<int>(length))) {
      well_formed = false;
      break;
    }
    Message* record = chunk->GetReflection()->AddMessage(chunk, records);
    const bool parsed = record->ParseFromString(record_bytes);
    const WireProblems problems =
        Inspect(*record, parsed, parsed ? std::string() : record_bytes, record_bytes.size());
    if (!problems.empty()) Attach(*record, problems);
  }
  // ReadTag() also answers 0 for a zero tag or a broken varint: only the end
  // of the bytes is a legitimate end.
  if (!well_formed || !in.ConsumedEntireMessage() ||
      in.CurrentPosition() != static_cast<int>(bytes.size())) {
    chunk->Clear();
    WireProblems malformed;
    malformed.malformed = true;
    Attach(*chunk, malformed);
  }
  return grpc::Status::OK;
}

grpc::Status Write(const MessageLite& msg, grpc::ByteBuffer* bb, bool* own_buffer) {
  return grpc::GenericSerialize<grpc::ProtoBufferWriter, MessageLite>(msg, bb, own_buffer);
}

}  // namespace

std::vector<WireFinding> WireFindings(const WireProblems& problems) {
  std::vector<WireFinding> out;
  for (const auto& [path, description] : problems.oversized) {
    out.push_back({"request.field_too_large", path, description});
  }
  for (const std::string& path : problems.invalid_utf8_paths) {
    out.push_back({"text.utf8", path, kInvalidUtf8Message});
  }
  if (problems.more_paths > 0) {
    out.push_back({"text.utf8", "",
                   absl::StrCat("and ", problems.more_paths, " more fields with invalid UTF-8")});
  }
  return out;
}

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

// The definitions behind TECHRENO_WIRE_TRAITS: gRPC's writer, and `read`
// (an expression of `buffer` and `msg`) as the reader.
#define TECHRENO_WIRE_TRAITS_DEFINE(Type, read)                                         \
  grpc::Status grpc::SerializationTraits<Type, void>::Serialize(                        \
      const grpc::protobuf::MessageLite& msg, grpc::ByteBuffer* bb, bool* own_buffer) { \
    return techreno::rpc::Write(msg, bb, own_buffer);                                   \
  }                                                                                     \
  grpc::Status grpc::SerializationTraits<Type, void>::Deserialize(                      \
      grpc::ByteBuffer* buffer, grpc::protobuf::MessageLite* msg) {                     \
    return read;                                                                        \
  }

TECHRENO_WIRE_TRAITS_DEFINE(grpc::protobuf::MessageLite, techreno::rpc::Read(buffer, msg, false))
TECHRENO_WIRE_TRAITS_DEFINE(techreno::v1::WatchRecommendationsRequest,
                            techreno::rpc::Read(buffer, msg, false))
TECHRENO_WIRE_TRAITS_DEFINE(techreno::v1::PushProjectsRequest,
                            techreno::rpc::Read(buffer, msg, true))
TECHRENO_WIRE_TRAITS_DEFINE(techreno::v1::PushProgressRequest,
                            techreno::rpc::Read(buffer, msg, true))
TECHRENO_WIRE_TRAITS_DEFINE(techreno::v1::PushProjectsChunk, techreno::rpc::ReadChunk(buffer, msg))
TECHRENO_WIRE_TRAITS_DEFINE(techreno::v1::PushProgressChunk, techreno::rpc::ReadChunk(buffer, msg))
