#include "libs/rpc/violations.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "libs/rpc/status.h"

namespace techreno::rpc {

void AddViolation(Violations& out, v1::Severity severity, std::string rule_id, std::string field,
                  std::string message) {
  v1::Violation& v = out.emplace_back();
  v.set_severity(severity);
  v.set_rule_id(std::move(rule_id));
  v.set_field(std::move(field));
  v.set_message(std::move(message));
}

bool HasFatal(const Violations& violations) {
  for (const auto& v : violations) {
    if (v.severity() == v1::SEVERITY_FATAL) return true;
  }
  return false;
}

std::string FormatFen(int64_t fen) {
  return absl::StrFormat("%d fen (%.2f 万元)", fen, static_cast<double>(fen) / 1'000'000);
}

size_t Utf8Length(const std::string& text) {
  size_t n = 0;
  for (unsigned char c : text) n += (c & 0xC0) != 0x80;
  return n;
}

void CheckNoControlCharacters(Violations& out, const std::string& text, const std::string& field) {
  for (unsigned char c : text) {
    if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F) {
      AddViolation(out, v1::SEVERITY_FATAL, "text.control_characters", field,
                   absl::StrFormat("must not contain control characters (found 0x%02X)", c));
      return;
    }
  }
}

absl::Status RejectionStatus(absl::StatusCode code, const Violations& violations) {
  std::vector<rpc::FieldViolation> fields;
  std::string summary;
  for (const auto& v : violations) {
    if (v.severity() != v1::SEVERITY_FATAL) continue;
    fields.push_back({v.field(), absl::StrCat("[", v.rule_id(), "] ", v.message())});
    if (summary.empty()) summary = absl::StrCat(v.field(), ": ", v.message());
  }
  if (fields.size() > 1) absl::StrAppend(&summary, " (and ", fields.size() - 1, " more)");
  return rpc::WithFieldViolations(code, summary, fields);
}

}  // namespace techreno::rpc
