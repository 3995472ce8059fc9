// China's working-day calendar exceptions (cn-working-calendar.csv, and files
// an administrator loads when the State Council publishes a new year).
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "libs/codes/codes.h"
#include "libs/codes/reference_csv.h"
#include "libs/codes/text.h"

namespace techreno::codes {

absl::StatusOr<std::vector<CalendarDay>> ParseWorkingCalendar(absl::string_view csv) {
  constexpr absl::string_view kName = "working calendar";
  std::vector<CalendarDay> days;
  absl::flat_hash_set<std::string> seen;
  absl::Status read = internal::ForEachReferenceCsvRow(
      csv, kName, "date,kind,name", 3, [&](const internal::CsvRow& row) -> absl::Status {
        CalendarDay day;
        day.date = std::string(row.fields[0]);
        absl::CivilDay civil;
        // ParseCivilTime normalises 2026-02-30 to March: only a date that
        // prints back as written is a real one.
        if (day.date.size() != 10 || !absl::ParseCivilTime(day.date, &civil) ||
            absl::FormatCivilTime(civil) != day.date) {
          return internal::LineError(
              kName, row.line_no, absl::StrCat("date must be YYYY-MM-DD, got ", Quote(day.date)));
        }
        if (row.fields[1] != "holiday" && row.fields[1] != "workday") {
          return internal::LineError(kName, row.line_no, "kind must be holiday or workday");
        }
        day.workday = row.fields[1] == "workday";
        day.name = std::string(row.fields[2]);
        if (day.name.empty()) return internal::LineError(kName, row.line_no, "empty name");
        if (!seen.insert(day.date).second) {
          return internal::LineError(kName, row.line_no,
                                     absl::StrCat(Quote(day.date), " appears twice"));
        }
        days.push_back(std::move(day));
        return absl::OkStatus();
      });
  if (!read.ok()) return read;
  return days;
}

}  // namespace techreno::codes
