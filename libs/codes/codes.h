// Code checks for the national standards the registry depends on.
//
// Pure functions and immutable tables: no I/O, no global state. Every check
// returns absl::Status (INVALID_ARGUMENT with a message naming what is wrong,
// in terms a county operator understands) so that callers can attach the field
// path themselves.
//
//  - GB/T 2260 region codes: RegionTable, loaded from regions-guangdong.csv.
//  - GB/T 4754-2017 industry codes: IndustryTable, loaded from
//    industries-gbt4754-2017.csv; tech-renovation statistics accept divisions
//    06–46 (mining, manufacturing, utilities) and their groups.
//  - GB 32100-2015 unified social credit codes: ValidateCreditCode.
//  - GB/T 40058-2021 shaped project codes: ParseProjectCode, MakeProjectCode.
//  - Reporting periods "YYYY-MM": ParsePeriod, FormatPeriod.
#ifndef TECHRENO_LIBS_CODES_CODES_H_
#define TECHRENO_LIBS_CODES_CODES_H_

#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace techreno::codes {

// ---------------------------------------------------------------- regions

enum class RegionTier { kProvince, kCity, kCounty };

struct Region {
  std::string code;  // six digits, e.g. "440103"
  std::string name;  // Chinese name, e.g. "荔湾区"
  RegionTier tier;
  std::string parent_code;  // "" for the province
};

// The GB/T 2260 rows of one province. Dongguan (441900) and Zhongshan (442000)
// are cities without county-level divisions: they act as their own county-level
// unit, so IsCountyLevel() accepts them.
class RegionTable {
 public:
  // Parses "code,name,tier,parent_code" CSV with a header row. Fails on a
  // malformed row, an unknown tier, a duplicate code or a dangling parent.
  static absl::StatusOr<RegionTable> FromCsv(absl::string_view csv);

  const Region* Find(absl::string_view code) const;  // nullptr if unknown
  // True for county rows and for cities that have no county rows.
  bool IsCountyLevel(absl::string_view code) const;
  // The city a county-level unit belongs to (itself for Dongguan/Zhongshan);
  // "" when the code is not county-level.
  std::string CityOf(absl::string_view county_code) const;
  // The province code (the single province row).
  const std::string& ProvinceCode() const { return province_code_; }
  // True when `region` is `ancestor` or lies beneath it.
  bool Contains(absl::string_view ancestor, absl::string_view region) const;
  // "440103 荔湾区" style label; the bare code when unknown.
  std::string Label(absl::string_view code) const;
  const std::vector<Region>& All() const { return rows_; }

 private:
  std::vector<Region> rows_;
  absl::flat_hash_map<std::string, size_t> index_;
  absl::flat_hash_map<std::string, int> child_count_;
  std::string province_code_;
};

// Checks the shape of a region code: six ASCII digits.
absl::Status ValidateRegionCodeFormat(absl::string_view code);

// ---------------------------------------------------------- region groups

// A named grouping of regions used in targets and reports (the plan's belts
// and East/West/North Guangdong). Members are cities or counties; a county
// belongs to the group when it or its city is a member.
struct RegionGroup {
  std::string id;    // e.g. "west-bank-equipment"
  std::string name;  // e.g. "珠江西岸先进装备制造产业带"
  std::vector<std::string> members;
};

class RegionGroupTable {
 public:
  // Parses "group_id,group_name,region_code" CSV; every member must be a city
  // or county of `regions`, and a group's name the same on all its rows.
  static absl::StatusOr<RegionGroupTable> FromCsv(absl::string_view csv,
                                                  const RegionTable& regions);
  const RegionGroup* Find(absl::string_view id) const;  // nullptr if unknown
  bool ContainsCounty(absl::string_view group_id, absl::string_view county_code,
                      const RegionTable& regions) const;
  const std::vector<RegionGroup>& All() const { return groups_; }

 private:
  std::vector<RegionGroup> groups_;
};

// ------------------------------------------------------------- industries

struct Industry {
  std::string code;         // "C", "13" (division) or "131" (group)
  std::string name;         // Chinese name
  std::string level;        // "section", "division" or "group"
  std::string parent_code;  // "" for sections
};

class IndustryTable {
 public:
  // Parses "code,name,level,parent_code" CSV with a header row.
  static absl::StatusOr<IndustryTable> FromCsv(absl::string_view csv);

  const Industry* Find(absl::string_view code) const;  // nullptr if unknown
  // OK when `code` is a division 06–46 or a group under one, present in the
  // table. Errors say whether the shape, the range or the table rejected it.
  absl::Status ValidateIndustrial(absl::string_view code) const;
  // The two-digit division of a division or group code ("131" -> "13").
  static std::string DivisionOf(absl::string_view code);
  std::string Label(absl::string_view code) const;  // "13 农副食品加工业"
  const std::vector<Industry>& All() const { return rows_; }

 private:
  std::vector<Industry> rows_;
  absl::flat_hash_map<std::string, size_t> index_;
};

// ------------------------------------------------------------ credit codes

// GB 32100-2015: 18 characters from 0-9A-HJ-NPQRTUWXY; characters 3–8 are
// digits (the region of registration); the 18th is the check character.
absl::Status ValidateCreditCode(absl::string_view code);
// The check character for the first 17 characters (which must be valid
// charset characters); '\0' if they are not.
char CreditCheckChar(absl::string_view first17);

// ----------------------------------------------------------- project codes

// "YYYY-RRRRRR-DD-TT-NNNNNC": year, GB/T 2260 region, supervising-department
// code (2 digits), project-type code (2 digits), five-digit serial and a check
// character (0-9 or A-Z; its national algorithm is not public, so any is
// accepted on input).
struct ProjectCode {
  int year = 0;
  std::string region;
  std::string department;
  std::string type;
  int serial = 0;
  char check = 0;
};

// Checks the shape of every part and that the year is 2000–2099.
absl::StatusOr<ProjectCode> ParseProjectCode(absl::string_view code);

// Codes that techreno assigns itself: department "00" (not filed on the
// national platform), type "03" (tech-renovation), and as check character the
// ISO 7064 MOD 11-2 character (0-9 or X) over the 19 digits.
// Returns "" when year is outside 2000–2099, region is not six digits or
// serial is outside 1–99999.
std::string MakeProjectCode(int year, absl::string_view region, int serial);
// The same shape and check character with another department and type (two
// digits each), for codes techreno does not assign (the data generator's).
// "" also when department or type is not two digits.
std::string MakeProjectCode(int year, absl::string_view region, absl::string_view department,
                            absl::string_view type, int serial);
char AssignedCheckChar(absl::string_view digits19);
// True when `code` has the shape of an assigned code and its check matches.
bool IsAssignedProjectCode(absl::string_view code);

// ---------------------------------------------------------------- periods

struct Period {
  int year = 0;
  int month = 0;  // 1–12
  friend bool operator==(const Period& a, const Period& b) {
    return a.year == b.year && a.month == b.month;
  }
  friend bool operator<(const Period& a, const Period& b) {
    return a.year != b.year ? a.year < b.year : a.month < b.month;
  }
  friend bool operator<=(const Period& a, const Period& b) { return !(b < a); }
  int Index() const { return year * 12 + (month - 1); }  // months since 0000-01
};

// "YYYY-MM" with year 2000–2099 and month 01–12, exactly seven characters.
absl::StatusOr<Period> ParsePeriod(absl::string_view text);
std::string FormatPeriod(const Period& p);
// A month as people and spreadsheets write it in input files, for the CLI:
// "2026-04" and "2026-4", "2026/4", "2026年4月"; a day after it ("2026-04-01",
// "2026/4/1", "2026年4月1日"); or the day number a spreadsheet stores for a
// date cell (Excel's count: 36526 is 2000-01-01, 73050 is 2099-12-31; a
// fraction, the time of day, is ignored). Not "2026.4": a spreadsheet turns
// "2026.10" into 2026.1. INVALID_ARGUMENT for anything else, or a month
// outside 2000-01 .. 2099-12.
absl::StatusOr<Period> ParseMonthAsWritten(absl::string_view text);
// The period whose Index() is `index`.
Period PeriodFromIndex(int index);

// China Standard Time (UTC+8, no daylight saving): the clock of periods and
// deadlines.
const absl::TimeZone& ChinaStandardTime();
// The month `now` falls in, in China Standard Time.
Period CurrentPeriod(absl::Time now);
// The day `now` falls on in China Standard Time, "YYYY-MM-DD".
std::string ChinaDate(absl::Time now);

// ------------------------------------------------------- working calendar

// One exception to China's Monday–Friday working week: a day of an official
// holiday period (holiday) or an adjusted working weekend day (调休, workday).
struct CalendarDay {
  std::string date;  // "YYYY-MM-DD"
  bool workday = false;
  std::string name;  // the holiday, e.g. "春节"
};

// Parses "date,kind,name" CSV (kind: holiday or workday), dates valid and
// unique. INVALID_ARGUMENT naming the line otherwise.
absl::StatusOr<std::vector<CalendarDay>> ParseWorkingCalendar(absl::string_view csv);

}  // namespace techreno::codes

#endif  // TECHRENO_LIBS_CODES_CODES_H_
