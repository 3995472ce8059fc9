// Writing the rejects file: a second pass over the input, keeping the records
// on the rejected lines.
#include "clients/cli/rejects_file.h"

#include <fstream>
#include <iostream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "clients/cli/csv.h"
#include "clients/cli/table_output.h"

namespace techreno::cli {
namespace {

absl::Status CopyCsv(std::istream& in, const Rejections& rejected, CsvLines& out) {
  CsvReader reader(&in);
  CsvRecord record;
  bool header = true;
  for (;;) {
    absl::StatusOr<bool> more = reader.Next(&record);
    if (!more.ok()) return more.status();
    if (!*more) return absl::OkStatus();
    if (header) {
      record.fields.push_back("_问题 reasons");
      out.Line(CsvLine(record.fields));
      header = false;
      continue;
    }
    auto it = rejected.find(record.line);
    if (it == rejected.end()) continue;
    record.fields.push_back(absl::StrJoin(it->second, "; "));
    out.Line(CsvLine(record.fields));
  }
}

void CopyJsonLines(std::istream& in, const Rejections& rejected, std::ostream& out) {
  std::string text;
  for (int64_t line = 1; std::getline(in, text); ++line) {
    if (rejected.count(line) > 0) out << text << "\n";
  }
}

}  // namespace

void NoteRejected(const RowError& error, Rejections& rejected) {
  rejected[error.line].push_back(
      error.column.empty() ? error.message : absl::StrCat(error.column, ": ", error.message));
}

std::string DefaultRejectsPath(const std::string& input_path) {
  const size_t slash = input_path.rfind('/');
  const size_t dot = input_path.rfind('.');
  if (dot == std::string::npos || (slash != std::string::npos && dot < slash)) {
    return input_path + ".rejects";
  }
  // A workbook's rejects are CSV (the sheet as the importer read it).
  const std::string extension =
      absl::EqualsIgnoreCase(input_path.substr(dot), ".xlsx") ? ".csv" : input_path.substr(dot);
  return absl::StrCat(input_path.substr(0, dot), ".rejects", extension);
}

absl::Status WriteRejects(const Input& input, const Rejections& rejected, const std::string& path) {
  std::ifstream in(input.records_path, std::ios::binary);
  std::ofstream out(path, std::ios::binary);
  if (!in || !out) return absl::UnavailableError(absl::StrCat("cannot write ", path));
  if (input.format == InputFormat::kJsonLines) {
    CopyJsonLines(in, rejected, out);
  } else {
    CsvLines lines(out, input.encoding);
    if (absl::Status s = CopyCsv(in, rejected, lines); !s.ok()) return s;
  }
  out.close();
  return out ? absl::OkStatus() : absl::UnavailableError(absl::StrCat("cannot write ", path));
}

void ReportRejects(const Input& input, const std::string& input_path, const Rejections& rejected,
                   const std::string& path) {
  if (rejected.empty()) return;
  if (input_path == "-") {
    std::cerr << "(standard input: no rejects file; push a file to get one)\n";
    return;
  }
  const std::string target = path.empty() ? DefaultRejectsPath(input_path) : path;
  if (absl::Status s = WriteRejects(input, rejected, target); !s.ok()) {
    std::cerr << "error: rejects file: " << s.message() << "\n";
    return;
  }
  std::cerr << rejected.size() << (rejected.size() == 1 ? " record" : " records")
            << " rejected: written with the reasons to " << target
            << " — fix them there and push that file (re-pushing never duplicates)\n";
}

}  // namespace techreno::cli
