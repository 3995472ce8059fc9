// Fuzzes the reference-data CSV loaders (regions, industries and China's
// working calendar, which administrators also load from files) with
// arbitrary bytes, both as a whole file and after a valid header row.

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "libs/codes/codes.h"
#include "tests/fuzz/fuzz_util.h"

namespace {

using techreno::codes::IndustryTable;
using techreno::codes::Region;
using techreno::codes::RegionTable;
using techreno::codes::RegionTier;

void CheckRegions(absl::string_view csv) {
  const absl::StatusOr<RegionTable> t = RegionTable::FromCsv(csv);
  if (!t.ok()) {
    FUZZ_CHECK(techreno::fuzz::IsGoodRejection(t.status()));
    return;
  }
  const std::string& province = t->ProvinceCode();
  FUZZ_CHECK(t->Find(province) != nullptr);
  FUZZ_CHECK(t->Find(province)->tier == RegionTier::kProvince);
  for (const Region& r : t->All()) {
    FUZZ_CHECK(t->Find(r.code) == &r);
    FUZZ_CHECK(techreno::codes::ValidateRegionCodeFormat(r.code).ok());
    FUZZ_CHECK(t->Contains(province, r.code));
    FUZZ_CHECK(t->Contains(r.code, r.code));
    FUZZ_CHECK(absl::StartsWith(t->Label(r.code), r.code + " "));
    FUZZ_CHECK((r.tier == RegionTier::kProvince) == r.parent_code.empty());
    if (!r.parent_code.empty()) {
      FUZZ_CHECK(t->Find(r.parent_code) != nullptr);
      FUZZ_CHECK(t->Contains(r.parent_code, r.code));
      FUZZ_CHECK(!t->Contains(r.code, r.parent_code));
    }
    const std::string city = t->CityOf(r.code);
    if (t->IsCountyLevel(r.code)) {
      FUZZ_CHECK(r.tier != RegionTier::kProvince);
      FUZZ_CHECK(t->Find(city) != nullptr && t->Find(city)->tier == RegionTier::kCity);
      FUZZ_CHECK(t->Contains(city, r.code));
      FUZZ_CHECK(r.tier == RegionTier::kCounty || city == r.code);
    } else {
      FUZZ_CHECK(city.empty());
      FUZZ_CHECK(r.tier != RegionTier::kCounty);
    }
  }
}

void CheckIndustries(absl::string_view csv) {
  const absl::StatusOr<IndustryTable> t = IndustryTable::FromCsv(csv);
  if (!t.ok()) {
    FUZZ_CHECK(techreno::fuzz::IsGoodRejection(t.status()));
    return;
  }
  for (const techreno::codes::Industry& r : t->All()) {
    FUZZ_CHECK(t->Find(r.code) == &r);
    FUZZ_CHECK(absl::StartsWith(t->Label(r.code), r.code + " "));
    FUZZ_CHECK(r.parent_code.empty() || t->Find(r.parent_code) != nullptr);
    FUZZ_CHECK(r.level == "section" || r.level == "division" || r.level == "group");
    const absl::Status s = t->ValidateIndustrial(r.code);
    if (s.ok()) {
      const std::string division = IndustryTable::DivisionOf(r.code);
      FUZZ_CHECK(division.size() == 2);
      FUZZ_CHECK(division >= "06" && division <= "46");
      FUZZ_CHECK(t->Find(division) != nullptr);
    } else {
      FUZZ_CHECK(techreno::fuzz::IsGoodRejection(s));
    }
  }
}

void CheckCalendar(absl::string_view csv) {
  const auto days = techreno::codes::ParseWorkingCalendar(csv);
  if (!days.ok()) {
    FUZZ_CHECK(techreno::fuzz::IsGoodRejection(days.status()));
    return;
  }
  for (const techreno::codes::CalendarDay& d : *days) {
    FUZZ_CHECK(d.date.size() == 10 && d.date[4] == '-' && d.date[7] == '-');
    FUZZ_CHECK(!d.name.empty());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view input(reinterpret_cast<const char*>(data), size);
  CheckRegions(input);
  CheckIndustries(input);
  CheckRegions(absl::StrCat("code,name,tier,parent_code\n", input));
  CheckIndustries(absl::StrCat("code,name,level,parent_code\n", input));
  CheckCalendar(input);
  CheckCalendar(absl::StrCat("date,kind,name\n", input));
  return 0;
}
