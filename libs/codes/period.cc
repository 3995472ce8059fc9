// Reporting periods "YYYY-MM".

#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
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

namespace {

// Reads 1..max_digits digits at the front of `text` into *value.
bool ConsumeNumber(absl::string_view* text, size_t max_digits, int* value) {
  size_t n = 0;
  while (n < text->size() && n < max_digits && IsDigit((*text)[n])) ++n;
  if (n == 0) return false;
  *value = 0;
  for (size_t i = 0; i < n; ++i) *value = *value * 10 + ((*text)[i] - '0');
  text->remove_prefix(n);
  return true;
}

// Excel's day number of a date cell ("46113", "46113.5"): the month it falls in.
bool MonthOfDayNumber(absl::string_view text, Period* out) {
  const size_t dot = text.find('.');
  const absl::string_view whole = text.substr(0, dot);
  if (whole.size() != 5) return false;
  for (char c : text) {
    if (!IsDigit(c) && c != '.') return false;
  }
  if (dot != absl::string_view::npos && text.find('.', dot + 1) != absl::string_view::npos) {
    return false;
  }
  int serial = 0;
  absl::string_view rest = whole;
  if (!ConsumeNumber(&rest, 5, &serial) || serial < 36526 || serial > 73050) return false;
  // Excel counts from 1900-01-01 as day 1 and has a 1900-02-29, so from
  // 1900-03-01 on its day n is 1899-12-30 plus n days.
  const absl::CivilDay day = absl::CivilDay(1899, 12, 30) + serial;
  *out = Period{static_cast<int>(day.year()), day.month()};
  return true;
}

}  // namespace

absl::StatusOr<Period> ParseMonthAsWritten(absl::string_view text) {
  const absl::string_view original = text;
  text = absl::StripAsciiWhitespace(text);
  auto bad = [&] {
    return absl::InvalidArgumentError(absl::StrCat(
        Quote(original), " is not a month: write it 2025-01 (or 2025/1, 2025年1月, a date)"));
  };
  Period p;
  if (MonthOfDayNumber(text, &p)) return p;
  if (!ConsumeNumber(&text, 4, &p.year) || p.year < 2000 || p.year > 2099) return bad();
  const bool chinese = absl::ConsumePrefix(&text, "年");
  char separator = 0;
  if (!chinese) {
    if (text.empty() || (text[0] != '-' && text[0] != '/')) return bad();
    separator = text[0];
    text.remove_prefix(1);
  }
  if (!ConsumeNumber(&text, 2, &p.month) || p.month < 1 || p.month > 12) return bad();
  // An optional day after the month: "月1日" or "<separator>1".
  int day = 1;
  if (chinese) {
    if (absl::ConsumePrefix(&text, "月") && !text.empty() &&
        (!ConsumeNumber(&text, 2, &day) || !absl::ConsumePrefix(&text, "日"))) {
      return bad();
    }
  } else if (!text.empty()) {
    if (text[0] != separator) return bad();
    text.remove_prefix(1);
    if (!ConsumeNumber(&text, 2, &day)) return bad();
  }
  // A day the month has (CivilDay would roll 2026-02-31 over into March).
  if (!text.empty() || day < 1 || absl::CivilDay(p.year, p.month, day).day() != day) return bad();
  return p;
}

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
