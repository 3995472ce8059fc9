// GB/T 4754-2017 industry codes: the table loaded from industries-gbt4754-2017.csv
// and the tech-renovation range check (divisions 06–46 and their groups).

#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "libs/codes/codes.h"
#include "libs/codes/reference_csv.h"
#include "libs/codes/text.h"

namespace techreno::codes {
namespace {

using internal::AllDigits;

constexpr absl::string_view kHeader = "code,name,level,parent_code";
// Industrial statistics: mining (06–12), manufacturing (13–43), utilities (44–46).
constexpr int kFirstDivision = 6;
constexpr int kLastDivision = 46;

absl::Status LineError(size_t line, absl::string_view what) {
  return internal::LineError("industries", line, what);
}

bool IsSectionCode(absl::string_view s) {
  return s.size() == 1 && s[0] >= 'A' && s[0] <= 'T';  // GB/T 4754-2017 has sections A–T
}
bool IsDivisionCode(absl::string_view s) { return s.size() == 2 && AllDigits(s); }
bool IsGroupCode(absl::string_view s) { return s.size() == 3 && AllDigits(s); }

// Checks that `code` has the shape its level requires; returns the error text or "".
std::string CheckShape(absl::string_view code, absl::string_view level) {
  if (level == "section") {
    if (!IsSectionCode(code)) return "a section code is one capital letter A-T";
  } else if (level == "division") {
    if (!IsDivisionCode(code)) return "a division code is two digits";
  } else if (level == "group") {
    if (!IsGroupCode(code)) return "a group code is three digits";
  } else {
    return absl::StrCat("unknown level ", Quote(level), " (expected section, division or group)");
  }
  return "";
}

}  // namespace

absl::StatusOr<IndustryTable> IndustryTable::FromCsv(absl::string_view csv) {
  IndustryTable table;
  std::vector<size_t> row_lines;  // the CSV line of each row, for errors
  absl::Status read = internal::ForEachReferenceCsvRow(
      csv, "industries", kHeader, 4, [&](const internal::CsvRow& csv_row) -> absl::Status {
        const size_t line_no = csv_row.line_no;
        const std::vector<absl::string_view>& fields = csv_row.fields;
        Industry row;
        row.code = std::string(fields[0]);
        row.name = std::string(fields[1]);
        row.level = std::string(fields[2]);
        row.parent_code = std::string(fields[3]);
        if (std::string err = CheckShape(row.code, row.level); !err.empty()) {
          return LineError(line_no, absl::StrCat("code ", Quote(row.code), ": ", err));
        }
        if (row.name.empty()) {
          return LineError(line_no, absl::StrCat("industry ", row.code, " has no name"));
        }
        if (row.level == "section") {
          if (!row.parent_code.empty()) {
            return LineError(line_no, absl::StrCat("section ", row.code, " must have no parent"));
          }
        } else if (row.level == "division") {
          if (!IsSectionCode(row.parent_code)) {
            return LineError(
                line_no, absl::StrCat("parent ", Quote(row.parent_code), " of division ", row.code,
                                      " must be a section letter"));
          }
        } else if (row.parent_code != row.code.substr(0, 2)) {
          return LineError(line_no,
                           absl::StrCat("parent ", Quote(row.parent_code), " of group ", row.code,
                                        " must be its division ", row.code.substr(0, 2)));
        }
        if (!table.index_.emplace(row.code, table.rows_.size()).second) {
          return LineError(line_no, absl::StrCat("duplicate code ", row.code));
        }
        table.rows_.push_back(std::move(row));
        row_lines.push_back(line_no);
        return absl::OkStatus();
      });
  if (!read.ok()) return read;
  // Parents may come after their children in the file, so check them last.
  for (size_t i = 0; i < table.rows_.size(); ++i) {
    const Industry& r = table.rows_[i];
    if (r.parent_code.empty()) continue;
    const Industry* parent = table.Find(r.parent_code);
    if (parent == nullptr) {
      return LineError(row_lines[i], absl::StrCat("parent ", r.parent_code, " of ", r.code,
                                                  " is not in the table"));
    }
  }
  return table;
}

const Industry* IndustryTable::Find(absl::string_view code) const {
  auto it = index_.find(code);
  return it == index_.end() ? nullptr : &rows_[it->second];
}

absl::Status IndustryTable::ValidateIndustrial(absl::string_view code) const {
  if (!IsDivisionCode(code) && !IsGroupCode(code)) {
    std::string hint;
    if (code.size() == 4 && AllDigits(code)) {
      hint = "; four-digit classes are not used, give the first three digits";
    } else if (IsSectionCode(code)) {
      hint = "; a section letter is too broad";
    }
    return absl::InvalidArgumentError(
        absl::StrCat("industry code ", Quote(code),
                     " must be a GB/T 4754-2017 division (two digits, e.g. 13) or group (three "
                     "digits, e.g. 131)",
                     hint));
  }
  const int division = (code[0] - '0') * 10 + (code[1] - '0');
  if (division < kFirstDivision || division > kLastDivision) {
    const std::string where = code.size() == 2
                                  ? absl::StrCat("industry division ", code)
                                  : absl::StrCat("industry group ", code, " is in division ",
                                                 code.substr(0, 2), ", which");
    return absl::InvalidArgumentError(absl::StrCat(
        where,
        " is outside 06-46: industrial tech-renovation covers only mining (06-12), manufacturing "
        "(13-43) and electricity, heat, gas and water (44-46)"));
  }
  if (Find(code) == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat("industry code ", code, " is not a ",
                                                   code.size() == 2 ? "division" : "group",
                                                   " of GB/T 4754-2017"));
  }
  return absl::OkStatus();
}

std::string IndustryTable::DivisionOf(absl::string_view code) {
  if (!IsDivisionCode(code) && !IsGroupCode(code)) return "";
  return std::string(code.substr(0, 2));
}

std::string IndustryTable::Label(absl::string_view code) const {
  const Industry* r = Find(code);
  if (r == nullptr) return std::string(code);
  return absl::StrCat(r->code, " ", r->name);
}

}  // namespace techreno::codes
