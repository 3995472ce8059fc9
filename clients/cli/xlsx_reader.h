// The first worksheet of an .xlsx workbook (the sheet a county officer fills
// in, e.g. from `techreno template`) as CSV, so that it is pushed like any
// CSV: libzip opens the workbook, libxml2 reads its XML, and each sheet row
// becomes the CSV line of the same number — a finding's "line 7" is the
// sheet's row 7. Cells are the text Excel stores: shared and inline strings
// as written, numbers as stored ("12500", "18600.5"), booleans 1/0. A date
// cell holds its day number ("46113"): the importer reads the month columns
// with codes::ParseMonthAsWritten, which takes it as the date's month. The
// day numbers are Excel's 1900 system; a workbook saved in the 1904 system
// (old Mac Excel) would read four years early: not handled.
#ifndef TECHRENO_CLIENTS_CLI_XLSX_READER_H_
#define TECHRENO_CLIENTS_CLI_XLSX_READER_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace techreno::cli {

// The workbook at `path` as a UTF-8 CSV in a temporary file; its path.
absl::StatusOr<std::string> XlsxToCsvFile(const std::string& path);

// The parts, for tests and the fuzzer: the shared strings of
// xl/sharedStrings.xml, and a worksheet's rows (row r at index r - 1; rows
// and cells not written are empty). Malformed XML or a reference out of range
// is INVALID_ARGUMENT; at most 1,048,576 rows and 16,384 columns (Excel's).
absl::StatusOr<std::vector<std::string>> ParseSharedStrings(absl::string_view xml);
absl::StatusOr<std::vector<std::vector<std::string>>> ParseSheet(
    absl::string_view xml, const std::vector<std::string>& shared);

}  // namespace techreno::cli

#endif  // TECHRENO_CLIENTS_CLI_XLSX_READER_H_
