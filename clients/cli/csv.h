// A small RFC 4180 CSV reader for the files county systems and spreadsheets
// export: quoted fields with embedded commas, doubled quotes and line breaks;
// CRLF, LF or (old Excel for Mac) CR line ends; an optional UTF-8 byte-order
// mark. It reads one record at a time, so a push of a large file never holds
// the whole file in memory.
#ifndef TECHRENO_CLIENTS_CLI_CSV_H_
#define TECHRENO_CLIENTS_CLI_CSV_H_

#include <cstdint>
#include <istream>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace techreno::cli {

struct CsvRecord {
  int64_t line = 0;  // 1-based line on which the record starts, for messages
  std::vector<std::string> fields;
};

class CsvReader {
 public:
  // `in` must outlive the reader. A leading UTF-8 byte-order mark is skipped.
  explicit CsvReader(std::istream* in);

  // Reads the next record. Returns false at the end of the input. Lines with
  // no characters at all are skipped. A quoted field that is never closed is
  // INVALID_ARGUMENT naming the line it opened on; the reader then stays at the
  // end, because where the next record would start cannot be known.
  absl::StatusOr<bool> Next(CsvRecord* record);

 private:
  int Get();
  int Peek();

  std::streambuf* buf_;
  std::string pending_;  // bytes read ahead while looking for the BOM
  int64_t line_ = 1;
  bool failed_ = false;
};

// One CSV record (no line end), RFC 4180: cells with a comma, quote or line
// break quoted, quotes doubled. What CsvReader reads back.
std::string CsvLine(const std::vector<std::string>& cells);

// Parses a whole text (small inputs and tests).
absl::StatusOr<std::vector<CsvRecord>> ParseCsv(absl::string_view text);

// The header row: column names and where each one is.
class CsvHeader {
 public:
  // Names are trimmed of ASCII spaces. A repeated non-empty name is an error
  // (which of the two columns would count is anybody's guess).
  static absl::StatusOr<CsvHeader> FromRecord(const CsvRecord& record);
  // A header cell's column name: the cell trimmed; a cell with Chinese text
  // beside the field name ("项目名称 name", the template's headers) keeps only
  // the name. Names starting with '_' (a rejects file's "_问题 reasons") are
  // notes, not fields: readers skip them.
  static std::string ColumnName(absl::string_view cell);

  const std::vector<std::string>& names() const { return names_; }
  // Index of the named column, or -1.
  int Find(absl::string_view name) const;

 private:
  std::vector<std::string> names_;
  absl::flat_hash_map<std::string, int> index_;
};

// True when `text` is well-formed UTF-8. Protobuf string fields must be, or
// the server cannot parse the message and the whole push stream breaks.
bool IsValidUtf8(absl::string_view text);

}  // namespace techreno::cli

#endif  // TECHRENO_CLIENTS_CLI_CSV_H_
