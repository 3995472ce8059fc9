// The line loop shared by the reference-data CSV loaders (RegionTable::FromCsv,
// IndustryTable::FromCsv). Internal to libs/codes.
#ifndef TECHRENO_LIBS_CODES_REFERENCE_CSV_H_
#define TECHRENO_LIBS_CODES_REFERENCE_CSV_H_

#include <cstddef>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace techreno::codes::internal {

struct CsvRow {
  size_t line_no;                         // 1-based line in the file, for errors
  std::vector<absl::string_view> fields;  // exactly `width` of them, views into the CSV
};

// INVALID_ARGUMENT "<name> CSV line <line_no>: <message>".
absl::Status LineError(absl::string_view name, size_t line_no, absl::string_view message);

// Calls `on_row` for each data row of a reference CSV file: an optional UTF-8
// BOM, LF or CRLF line ends, blank lines ignored, first the header row
// `header`, then rows of `width` comma-separated fields (no quoting). `name`
// ("regions", "industries") prefixes the error messages.
//
// Rows are handed over one at a time, rather than returned as a vector, so that
// the first bad line in the file is the one reported, whether the loop or
// `on_row` finds it. Stops at and returns the first error from `on_row`.
absl::Status ForEachReferenceCsvRow(absl::string_view csv, absl::string_view name,
                                    absl::string_view header, size_t width,
                                    absl::FunctionRef<absl::Status(const CsvRow&)> on_row);

}  // namespace techreno::codes::internal

#endif  // TECHRENO_LIBS_CODES_REFERENCE_CSV_H_
