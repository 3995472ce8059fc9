#include "libs/codes/reference_csv.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace techreno::codes::internal {

absl::Status LineError(absl::string_view name, size_t line_no, absl::string_view message) {
  return absl::InvalidArgumentError(absl::StrCat(name, " CSV line ", line_no, ": ", message));
}

absl::Status ForEachReferenceCsvRow(absl::string_view csv, absl::string_view name,
                                    absl::string_view header, size_t width,
                                    absl::FunctionRef<absl::Status(const CsvRow&)> on_row) {
  // A UTF-8 byte order mark, as some spreadsheet programs write it.
  absl::ConsumePrefix(&csv, "\xEF\xBB\xBF");
  bool seen_header = false;
  CsvRow row;
  row.line_no = 0;
  for (absl::string_view line : absl::StrSplit(csv, '\n')) {
    ++row.line_no;
    absl::ConsumeSuffix(&line, "\r");
    if (line.empty()) continue;  // blank lines, including after the last row
    if (!seen_header) {
      if (line != header) {
        return LineError(name, row.line_no, absl::StrCat("expected the header \"", header, "\""));
      }
      seen_header = true;
      continue;
    }
    row.fields = absl::StrSplit(line, ',');
    if (row.fields.size() != width) {
      return LineError(
          name, row.line_no,
          absl::StrCat("expected ", width, " fields (", header, "), got ", row.fields.size()));
    }
    if (absl::Status s = on_row(row); !s.ok()) return s;
  }
  if (!seen_header) {
    return absl::InvalidArgumentError(
        absl::StrCat(name, " CSV is empty (expected the header \"", header, "\")"));
  }
  return absl::OkStatus();
}

}  // namespace techreno::codes::internal
