// Fuzzes the XLSX reader's XML mapping (clients/cli/xlsx_reader.cc): a
// workbook's shared strings and worksheet parts from arbitrary bytes, as an
// officer's file — or a hostile one — may hold.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "clients/cli/xlsx_reader.h"
#include "tests/fuzz/fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view input(reinterpret_cast<const char*>(data), size);
  auto shared = techreno::cli::ParseSharedStrings(input);
  if (!shared.ok()) FUZZ_CHECK(techreno::fuzz::IsGoodRejection(shared.status()));
  const std::vector<std::string> strings = {"项目名称 name", "440103"};
  auto rows = techreno::cli::ParseSheet(input, shared.ok() ? *shared : strings);
  if (!rows.ok()) {
    FUZZ_CHECK(techreno::fuzz::IsGoodRejection(rows.status()));
    return 0;
  }
  FUZZ_CHECK(rows->size() <= 1'048'576);
  for (const auto& cells : *rows) FUZZ_CHECK(cells.size() <= 16'384);
  return 0;
}
