// Where a command's tables go. On a terminal: aligned text (Table::Print).
// With --format=csv: CSV (RFC 4180), UTF-8 with a byte-order mark so that
// Excel opens it as UTF-8, or GB18030 (--encoding=gb18030, what Chinese Excel
// writes); several tables one after another, a blank line between. With
// --format=xlsx: an .xlsx workbook (libxlsxwriter), one formatted sheet per
// table: the header row bold and frozen, columns as wide as their text,
// amounts (万元, 亿元), percentages and counts as numbers.
//
// In both file formats the tables are the data; everything else a command
// prints (summaries, findings) goes to stderr, as with --format=json.
#ifndef TECHRENO_CLIENTS_CLI_TABLE_OUTPUT_H_
#define TECHRENO_CLIENTS_CLI_TABLE_OUTPUT_H_

#include <memory>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "clients/cli/format.h"
#include "clients/cli/input_encoding.h"
#include "clients/cli/options.h"

namespace techreno::cli {

class TableOutput {
 public:
  virtual ~TableOutput() = default;
  // `title` names the table (the sheet's name in a workbook).
  virtual void Write(const Table& table, const std::string& title) = 0;
  // Finishes the file; errors name the file, not internals.
  virtual absl::Status Close() = 0;
};

// CSV lines to `out` (which must outlive it), CRLF-ended: UTF-8 with a
// byte-order mark before the first line (so that Excel reads UTF-8), or
// GB18030. What the CSV output, the template and the rejects file write.
class CsvLines {
 public:
  CsvLines(std::ostream& out, TextEncoding encoding) : out_(out), encoding_(encoding) {}
  void Line(const std::string& utf8);

 private:
  std::ostream& out_;
  TextEncoding encoding_;
  bool started_ = false;
};

// The encoding of CSV written for options.encoding: GB18030 when named, else UTF-8.
TextEncoding CsvOutputEncoding(const GlobalOptions& options);

// CSV to `out` (which must outlive the output).
std::unique_ptr<TableOutput> NewCsvOutput(std::ostream& out, TextEncoding encoding);
// An .xlsx workbook written at Close.
absl::StatusOr<std::unique_ptr<TableOutput>> NewXlsxOutput(const std::string& path);

// UTF-8 text in GB18030 (iconv); characters GB18030 lacks cannot occur
// (it covers all of Unicode), invalid UTF-8 becomes '?'.
std::string ToGb18030(const std::string& utf8);

// The table to options.tables if set, else aligned to stdout.
void Emit(const GlobalOptions& options, const Table& table, const std::string& title);
// "key: value" lines as a two-column table (字段, 值) the same way.
void EmitFields(const GlobalOptions& options,
                const std::vector<std::pair<std::string, std::string>>& fields,
                const std::string& title);

}  // namespace techreno::cli

#endif  // TECHRENO_CLIENTS_CLI_TABLE_OUTPUT_H_
