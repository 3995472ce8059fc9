// Fuzzes the wire reader's repair of request bytes (libs/rpc/wire_check):
// any bytes, read against a schema with strings at every depth, repeated and
// nested messages. The repair never crashes; what it calls well-formed parses
// as UnknownFieldSet, holds only valid UTF-8 strings (a second pass finds
// nothing and changes nothing), and the field paths it names are bounded.
#include <google/protobuf/descriptor.h>
#include <google/protobuf/descriptor.pb.h>
#include <google/protobuf/dynamic_message.h>
#include <google/protobuf/text_format.h>
#include <google/protobuf/unknown_field_set.h>

#include <cstddef>
#include <cstdint>
#include <memory>

#include "libs/rpc/wire_check.h"
#include "tests/fuzz/fuzz_util.h"

namespace {

using google::protobuf::Descriptor;

constexpr char kSchema[] = R"pb(
  name: "fuzz.proto"
  package: "fuzz"
  syntax: "proto3"
  message_type {
    name: "Inner"
    field { name: "a" number: 1 label: LABEL_OPTIONAL type: TYPE_STRING }
    field { name: "b" number: 2 label: LABEL_REPEATED type: TYPE_STRING }
    field {
      name: "child"
      number: 3
      label: LABEL_OPTIONAL
      type: TYPE_MESSAGE
      type_name: ".fuzz.Inner"
    }
    field { name: "raw" number: 4 label: LABEL_OPTIONAL type: TYPE_BYTES }
    field { name: "n" number: 5 label: LABEL_REPEATED type: TYPE_INT64 }
  }
  message_type {
    name: "Outer"
    field { name: "name" number: 1 label: LABEL_OPTIONAL type: TYPE_STRING }
    field {
      name: "items"
      number: 2
      label: LABEL_REPEATED
      type: TYPE_MESSAGE
      type_name: ".fuzz.Inner"
    }
    field {
      name: "one"
      number: 3
      label: LABEL_OPTIONAL
      type: TYPE_MESSAGE
      type_name: ".fuzz.Inner"
    }
    field { name: "id" number: 15 label: LABEL_OPTIONAL type: TYPE_STRING }
  }
)pb";

const Descriptor& Outer() {
  static const Descriptor* outer = [] {
    auto* pool = new google::protobuf::DescriptorPool();
    google::protobuf::FileDescriptorProto file;
    FUZZ_CHECK(google::protobuf::TextFormat::ParseFromString(kSchema, &file));
    FUZZ_CHECK(pool->BuildFile(file) != nullptr);
    return pool->FindMessageTypeByName("fuzz.Outer");
  }();
  return *outer;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using techreno::rpc::SanitizeMessageBytes;
  const absl::string_view input(reinterpret_cast<const char*>(data), size);
  const techreno::rpc::SanitizedMessage first = SanitizeMessageBytes(Outer(), input);
  FUZZ_CHECK(first.invalid_utf8_paths.size() <= techreno::rpc::kMaxReportedPaths);
  FUZZ_CHECK(first.more_paths >= 0);
  if (!first.well_formed) return 0;
  for (const std::string& path : first.invalid_utf8_paths) {
    FUZZ_CHECK(!path.empty() && techreno::fuzz::IsValidUtf8(path));
  }
  if (first.invalid_utf8_paths.empty()) FUZZ_CHECK(first.bytes == input);
  google::protobuf::UnknownFieldSet set;
  FUZZ_CHECK(set.ParseFromString(first.bytes));
  const techreno::rpc::SanitizedMessage second = SanitizeMessageBytes(Outer(), first.bytes);
  FUZZ_CHECK(second.well_formed);
  FUZZ_CHECK(second.invalid_utf8_paths.empty() && second.more_paths == 0);
  FUZZ_CHECK(second.bytes == first.bytes);
  // What the reader then does: parse the repaired bytes (may fail for other
  // reasons, e.g. a packed field of garbage, which it answers as malformed).
  google::protobuf::DynamicMessageFactory factory;
  std::unique_ptr<google::protobuf::Message> message(factory.GetPrototype(&Outer())->New());
  message->ParseFromString(first.bytes);
  return 0;
}
