#include "libs/rpc/violations.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "libs/rpc/status.h"
#include "libs/store/transaction.h"

namespace techreno::rpc {

void AddViolation(Violations& out, v1::Severity severity, std::string rule_id, std::string field,
                  std::string message) {
  v1::Violation& v = out.emplace_back();
  v.set_severity(severity);
  v.set_rule_id(std::move(rule_id));
  v.set_field(TruncateUtf8(std::move(field), kMaxViolationBytes / 3));
  v.set_message(TruncateUtf8(std::move(message), kMaxViolationBytes));
}

bool HasFatal(const Violations& violations) {
  for (const auto& v : violations) {
    if (v.severity() == v1::SEVERITY_FATAL) return true;
  }
  return false;
}

void AddStoreFindings(store::Pool& pool,
                      const std::function<void(pqxx::transaction_base&, Violations&)>& lookup,
                      Violations& findings) {
  Violations found;
  absl::Status looked = store::RunReadOnly(
      pool,
      [&](pqxx::transaction_base& tx) {
        found.clear();
        lookup(tx, found);
        return absl::OkStatus();
      },
      /*max_attempts=*/1);
  if (looked.ok()) findings.insert(findings.end(), found.begin(), found.end());
}

void BoundViolations(google::protobuf::RepeatedPtrField<v1::Violation>& violations) {
  const int keep = static_cast<int>(kMaxFieldViolations);
  if (violations.size() <= keep) return;
  bool fatal = false;
  for (int i = keep; i < violations.size(); ++i) {
    fatal = fatal || violations.Get(i).severity() == v1::SEVERITY_FATAL;
  }
  const int rest = violations.size() - keep;
  violations.DeleteSubrange(keep, rest);
  v1::Violation* more = violations.Add();
  more->set_severity(fatal ? v1::SEVERITY_FATAL : v1::SEVERITY_WARNING);
  more->set_rule_id("violations.truncated");
  more->set_message(absl::StrCat("and ", rest, " more findings not listed"));
}

void AddWireViolations(Violations& out, const WireProblems& problems) {
  if (problems.malformed) {
    AddViolation(out, v1::SEVERITY_FATAL, "record.malformed", "",
                 "the record is not a valid protobuf message and could not be read");
  }
  for (WireFinding& f : WireFindings(problems)) {
    AddViolation(out, v1::SEVERITY_FATAL, f.rule_id, std::move(f.field), std::move(f.message));
  }
}

std::string FormatFen(int64_t fen) {
  const char* sign = fen < 0 ? "-" : "";
  const uint64_t magnitude = fen < 0 ? 0 - static_cast<uint64_t>(fen) : static_cast<uint64_t>(fen);
  if (magnitude < 10'000) {  // under 0.01 万元: in yuan, so that it never reads 0.00
    return absl::StrFormat("%d fen (%s%d.%02d 元)", fen, sign, magnitude / 100, magnitude % 100);
  }
  const uint64_t hundredths = (magnitude + 5'000) / 10'000;  // 0.01 万元 = 10,000 fen
  return absl::StrFormat("%d fen (%s%d.%02d 万元)", fen, sign, hundredths / 100, hundredths % 100);
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
