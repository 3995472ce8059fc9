// Why a request's bytes are not a valid message, field by field.
//
// Protocol Buffers refuse a proto3 message whose string field holds invalid
// UTF-8, and gRPC then answers INTERNAL with an empty message (unary) or ends
// a client stream as if it were complete. SanitizeMessageBytes reads the wire
// format itself, without the UTF-8 check, names every string field that holds
// invalid UTF-8 ("project.name", "records[2].note") and rewrites those values
// as printable escapes, so that the rest of the record can still be read,
// checked and answered by position. Pure: descriptor and bytes in, bytes out;
// fuzzed (tests/fuzz/fuzz_wire_check.cc).
#ifndef TECHRENO_LIBS_RPC_WIRE_CHECK_H_
#define TECHRENO_LIBS_RPC_WIRE_CHECK_H_

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>

#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace techreno::rpc {

inline constexpr int kMaxReportedPaths = 20;

// Size limits of every request field, checked before any other work so that
// no rule, query or error message ever handles a huge value.
inline constexpr size_t kMaxStringFieldBytes = 8192;  // a 2,000-character description fits
inline constexpr int kMaxRepeatedElements = 1000;

struct OversizedField {
  std::string path;         // e.g. "project.name", "region_codes"
  std::string description;  // e.g. "is 1048576 bytes; at most 8192"
};

struct SanitizedMessage {
  // False when `bytes` is not the wire format of any message (truncated,
  // bad tags, nested too deep): nothing of it can be read.
  bool well_formed = false;
  // The same message with every invalid string replaced (when well_formed).
  std::string bytes;
  // Paths of the fields that held invalid UTF-8, in wire order; at most
  // kMaxReportedPaths (the rest are counted in more_paths).
  std::vector<std::string> invalid_utf8_paths;
  int more_paths = 0;
  // Of those, the ones that were also over kMaxStringFieldBytes (their
  // replacement is short, so OversizedFields on `bytes` cannot see them).
  std::vector<OversizedField> oversized;
};

SanitizedMessage SanitizeMessageBytes(const google::protobuf::Descriptor& type,
                                      absl::string_view bytes);

// The fields of `message` beyond the limits (at most kMaxReportedPaths).
// `serialized_bytes` is the message's size on the wire: a message smaller than
// both limits cannot break them and is not walked.
std::vector<OversizedField> OversizedFields(const google::protobuf::Message& message,
                                            size_t serialized_bytes);

// True when `type` is the input of a method of a service in its own file: the
// reader checks requests, not answers.
bool IsRequestType(const google::protobuf::Descriptor& type);

}  // namespace techreno::rpc

#endif  // TECHRENO_LIBS_RPC_WIRE_CHECK_H_
