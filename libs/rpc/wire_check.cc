#include "libs/rpc/wire_check.h"

#include <google/protobuf/stubs/common.h>
#include <google/protobuf/unknown_field_set.h>

#include <map>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

namespace techreno::rpc {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::UnknownField;
using google::protobuf::UnknownFieldSet;

// Deeper than any techreno message; bounds the recursion on hostile input.
constexpr int kMaxDepth = 32;
// A rewritten value quotes at most this much of the original.
constexpr size_t kMaxEscapedBytes = 64;

struct Walk {
  SanitizedMessage* out;
  void Report(std::string path) {
    if (static_cast<int>(out->invalid_utf8_paths.size()) < kMaxReportedPaths) {
      out->invalid_utf8_paths.push_back(std::move(path));
    } else {
      ++out->more_paths;
    }
  }

  // Fixes `set` (one message of type `type`) in place; false when a nested
  // message is not well-formed. *changed tells whether anything was rewritten.
  bool Fix(const Descriptor& type, UnknownFieldSet& set, const std::string& prefix, int depth,
           bool* changed) {
    std::map<int, int> seen;  // field number → occurrences so far (repeated indexes)
    for (int i = 0; i < set.field_count(); ++i) {
      UnknownField* field = set.mutable_field(i);
      const FieldDescriptor* fd = type.FindFieldByNumber(field->number());
      const int occurrence = seen[field->number()]++;
      if (fd == nullptr || field->type() != UnknownField::TYPE_LENGTH_DELIMITED) continue;
      std::string path = absl::StrCat(prefix, fd->name());
      if (fd->is_repeated()) absl::StrAppend(&path, "[", occurrence, "]");
      std::string* value = field->mutable_length_delimited();
      if (fd->type() == FieldDescriptor::TYPE_STRING) {
        if (google::protobuf::internal::IsStructurallyValidUTF8(*value)) continue;
        if (value->size() > kMaxStringFieldBytes &&
            out->oversized.size() < static_cast<size_t>(kMaxReportedPaths)) {
          out->oversized.push_back(
              {path, absl::StrCat("is ", value->size(), " bytes; at most ", kMaxStringFieldBytes)});
        }
        const size_t quoted = std::min(value->size(), kMaxEscapedBytes);
        *value = absl::StrCat(absl::CHexEscape(value->substr(0, quoted)),
                              value->size() > quoted ? "..." : "");
        Report(std::move(path));
        *changed = true;
      } else if (fd->type() == FieldDescriptor::TYPE_MESSAGE) {
        if (depth >= kMaxDepth) return false;
        UnknownFieldSet inner;
        if (!inner.ParseFromString(*value)) return false;
        bool inner_changed = false;
        if (!Fix(*fd->message_type(), inner, path + ".", depth + 1, &inner_changed)) return false;
        if (inner_changed) {
          value->clear();
          inner.SerializeToString(value);
          *changed = true;
        }
      }
    }
    return true;
  }
};

// The element limit of a repeated field: kMaxRepeatedElements, but for the
// fields whose contract names a larger one (each still bounded, each checked
// again by its handler against that limit).
int MaxElements(const FieldDescriptor& fd) {
  // banklink.proto: a publication lists 0–10,000 items (RESOURCE_EXHAUSTED above).
  if (fd.full_name() == "techreno.v1.PublishRecommendationsRequest.items") return 10'000;
  return kMaxRepeatedElements;
}

void CheckSizes(const google::protobuf::Message& message, const std::string& prefix, int depth,
                std::vector<OversizedField>& out) {
  if (depth >= kMaxDepth) return;
  auto full = [&out] { return out.size() >= static_cast<size_t>(kMaxReportedPaths); };
  const auto* reflection = message.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  reflection->ListFields(message, &fields);
  for (const FieldDescriptor* fd : fields) {
    if (full()) return;
    const std::string path = absl::StrCat(prefix, fd->name());
    const bool text = fd->cpp_type() == FieldDescriptor::CPPTYPE_STRING;
    const bool nested = fd->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE;
    if (fd->is_repeated()) {
      const int n = reflection->FieldSize(message, fd);
      if (n > MaxElements(*fd)) {
        out.push_back({path, absl::StrCat("has ", n, " elements; at most ", MaxElements(*fd))});
        continue;
      }
      for (int i = 0; i < n && !full(); ++i) {
        const std::string item = absl::StrCat(path, "[", i, "]");
        if (text) {
          std::string scratch;
          const std::string& v = reflection->GetRepeatedStringReference(message, fd, i, &scratch);
          if (v.size() > kMaxStringFieldBytes) {
            out.push_back(
                {item, absl::StrCat("is ", v.size(), " bytes; at most ", kMaxStringFieldBytes)});
          }
        } else if (nested) {
          CheckSizes(reflection->GetRepeatedMessage(message, fd, i), item + ".", depth + 1, out);
        }
      }
    } else if (text) {
      std::string scratch;
      const std::string& v = reflection->GetStringReference(message, fd, &scratch);
      if (v.size() > kMaxStringFieldBytes) {
        out.push_back(
            {path, absl::StrCat("is ", v.size(), " bytes; at most ", kMaxStringFieldBytes)});
      }
    } else if (nested) {
      CheckSizes(reflection->GetMessage(message, fd), path + ".", depth + 1, out);
    }
  }
}

}  // namespace

std::vector<OversizedField> OversizedFields(const google::protobuf::Message& message,
                                            size_t serialized_bytes) {
  std::vector<OversizedField> out;
  // Every repeated element takes at least a byte on the wire.
  if (serialized_bytes <= std::min<size_t>(kMaxStringFieldBytes, kMaxRepeatedElements)) return out;
  CheckSizes(message, "", 0, out);
  return out;
}

bool IsRequestType(const Descriptor& type) {
  const google::protobuf::FileDescriptor* file = type.file();
  for (int s = 0; s < file->service_count(); ++s) {
    const google::protobuf::ServiceDescriptor* service = file->service(s);
    for (int m = 0; m < service->method_count(); ++m) {
      if (service->method(m)->input_type() == &type) return true;
    }
  }
  return false;
}

SanitizedMessage SanitizeMessageBytes(const Descriptor& type, absl::string_view bytes) {
  SanitizedMessage out;
  UnknownFieldSet set;
  if (!set.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) return out;
  bool changed = false;
  Walk walk{&out};
  if (!walk.Fix(type, set, "", 0, &changed)) return out;
  out.well_formed = true;
  if (changed) {
    set.SerializeToString(&out.bytes);
  } else {
    out.bytes = std::string(bytes);
  }
  return out;
}

}  // namespace techreno::rpc
