// Turning one input record — a CSV row read by header name, or one JSON
// object — into a v1::Project, v1::Enterprise or v1::ProgressReport, without
// aborting on bad input:
// every problem of the record is returned with its line and column, so the
// caller can skip the record, report it, and go on with the others.
//
// CSV columns are the proto field names. Conventions for people who type them:
//  - money: "<base>_fen" (whole fen) or "<base>_wan" (万元, up to 6 decimals,
//    converted exactly: 1 万元 = 1,000,000 fen);
//  - enums: value names with or without the type's prefix, case-insensitive
//    ("equipment_renewal", "RENOVATION_TYPE_EQUIPMENT_RENEWAL");
//  - repeated enums: names separated by ';';
//  - booleans: true/false, 1/0, 是/否;
//  - fields of a sub-message by their own names (building_works_wan fills
//    ProgressReport.split.building_works_fen);
//  - an empty cell leaves the field unset.
#ifndef TECHRENO_CLIENTS_CLI_RECORDS_H_
#define TECHRENO_CLIENTS_CLI_RECORDS_H_

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "clients/cli/csv.h"

namespace techreno::cli {

// One problem with one input record, found before anything was sent.
struct RowError {
  int64_t line = 0;    // 1-based line of the record in the file
  std::string column;  // CSV column; "" when the whole record (or JSON line) is bad
  std::string message;
  // "line 7, column planned_investment_wan: 'abc' is not ..."
  std::string ToString() const;
};

// 万元 as people write them ("1234.56", "-3", up to 6 decimals) to fen, with
// integer arithmetic only: a float would turn 0.07 万元 into 69,999 fen.
absl::StatusOr<int64_t> ParseWanToFen(absl::string_view text);
// The same for 亿元 (1 亿元 = 10,000,000,000 fen, up to 10 decimals), as annual
// targets are written.
absl::StatusOr<int64_t> ParseYiToFen(absl::string_view text);

// A percentage as people write it ("4.35", up to 2 decimals) to basis points
// (435), the same way.
absl::StatusOr<int64_t> ParsePercentToBasisPoints(absl::string_view text);

// true/false, 1/0, 是/否 (ASCII case-insensitive).
absl::StatusOr<bool> ParseBool(absl::string_view text);

// A value of `type` by name, with or without the type's prefix, or by number.
absl::StatusOr<int> ParseEnumName(const google::protobuf::EnumDescriptor& type,
                                  absl::string_view text);
// The value's name without the type's prefix ("EQUIPMENT_RENEWAL"); the
// number as text for values the descriptor does not know.
std::string EnumShortName(const google::protobuf::EnumDescriptor& type, int value);

// Checks once per file that every non-empty column names an input field of
// `type` (or "<base>_wan" for a "<base>_fen" field), so that a typo in the
// header is one clear error instead of silently missing data in every record.
absl::Status CheckCsvHeader(const CsvHeader& header, const google::protobuf::Descriptor& type);

// Fills `message` (cleared first) from a record whose header passed
// CheckCsvHeader. Returns every problem found; empty means the record is good.
// On problems `message` holds what could be read (e.g. source_record_id, for
// the report).
std::vector<RowError> MessageFromCsv(const CsvHeader& header, const CsvRecord& record,
                                     google::protobuf::Message* message);

// Fills `message` (cleared first) from one JSON object in protobuf's JSON
// mapping. Output-only fields (version, times, names...) are cleared, so that
// what `techreno get/list --format=json` printed can be edited and pushed back.
std::vector<RowError> MessageFromJson(absl::string_view json, int64_t line,
                                      google::protobuf::Message* message);

}  // namespace techreno::cli

#endif  // TECHRENO_CLIENTS_CLI_RECORDS_H_
