// Fuzzes the CLI's hand-written readers of the files officers push
// (clients/cli/csv.cc, input_encoding.cc): the CSV tokenizer on arbitrary
// bytes, header names with Chinese labels, and the UTF-8 test that decides
// whether a file is read as GB18030.

#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "clients/cli/csv.h"
#include "clients/cli/input_encoding.h"
#include "tests/fuzz/fuzz_util.h"

namespace {

using techreno::cli::CsvHeader;
using techreno::cli::CsvReader;
using techreno::cli::CsvRecord;

void CheckCsv(const std::string& text) {
  std::istringstream in(text);
  CsvReader reader(&in);
  CsvRecord record;
  int64_t last_line = 0;
  for (int records = 0; records < 10'000; ++records) {
    absl::StatusOr<bool> more = reader.Next(&record);
    if (!more.ok()) {
      FUZZ_CHECK(techreno::fuzz::IsGoodRejection(more.status()));
      // After an unclosed quote the reader stays at the end.
      absl::StatusOr<bool> after = reader.Next(&record);
      FUZZ_CHECK(after.ok() && !*after);
      return;
    }
    if (!*more) return;
    FUZZ_CHECK(record.line >= 1 && record.line >= last_line);
    last_line = record.line;
    if (records == 0) {
      absl::StatusOr<CsvHeader> header = CsvHeader::FromRecord(record);
      if (!header.ok()) FUZZ_CHECK(techreno::fuzz::IsGoodRejection(header.status()));
    }
    for (const std::string& field : record.fields) {
      const std::string name = CsvHeader::ColumnName(field);
      FUZZ_CHECK(CsvHeader::ColumnName(name) == name);  // a name is its own name
      FUZZ_CHECK(name.size() <= field.size());
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  CheckCsv(input);
  // Whole valid UTF-8 is a valid prefix too; a prefix test never reads past the end.
  if (techreno::cli::IsValidUtf8(input)) FUZZ_CHECK(techreno::cli::IsUtf8Prefix(input));
  techreno::cli::IsUtf8Prefix(absl::string_view(input).substr(0, size / 2));
  return 0;
}
