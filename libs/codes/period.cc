// Reporting periods "YYYY-MM".

#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "libs/codes/codes.h"
#include "libs/codes/text.h"

namespace techreno::codes {
namespace {

bool IsDigit(char c) { return absl::ascii_isdigit(static_cast<unsigned char>(c)); }

}  // namespace

absl::StatusOr<Period> ParsePeriod(absl::string_view text) {
  const bool shaped = text.size() == 7 && IsDigit(text[0]) && IsDigit(text[1]) &&
                      IsDigit(text[2]) && IsDigit(text[3]) && text[4] == '-' && IsDigit(text[5]) &&
                      IsDigit(text[6]);
  if (!shaped) {
    return absl::InvalidArgumentError(absl::StrCat(
        "period ", Quote(text), " must be written YYYY-MM, e.g. 2025-01 (seven characters)"));
  }
  Period p;
  p.year = (text[0] - '0') * 1000 + (text[1] - '0') * 100 + (text[2] - '0') * 10 + (text[3] - '0');
  p.month = (text[5] - '0') * 10 + (text[6] - '0');
  if (p.year < 2000 || p.year > 2099) {
    return absl::InvalidArgumentError(
        absl::StrCat("period ", Quote(text), ": year ", p.year, " must be 2000-2099"));
  }
  if (p.month < 1 || p.month > 12) {
    return absl::InvalidArgumentError(
        absl::StrCat("period ", Quote(text), ": month ", text.substr(5, 2), " must be 01-12"));
  }
  return p;
}

std::string FormatPeriod(const Period& p) { return absl::StrFormat("%04d-%02d", p.year, p.month); }

Period PeriodFromIndex(int index) { return Period{index / 12, index % 12 + 1}; }

const absl::TimeZone& ChinaStandardTime() {
  static const absl::TimeZone tz = absl::FixedTimeZone(8 * 60 * 60);
  return tz;
}

Period CurrentPeriod(absl::Time now) {
  const absl::CivilMonth month = absl::ToCivilMonth(now, ChinaStandardTime());
  return Period{static_cast<int>(month.year()), month.month()};
}

std::string ChinaDate(absl::Time now) {
  return absl::FormatCivilTime(absl::ToCivilDay(now, ChinaStandardTime()));
}

}  // namespace techreno::codes
