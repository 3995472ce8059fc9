// GB/T 2260 region codes: the province table loaded from regions-guangdong.csv.

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

constexpr absl::string_view kHeader = "code,name,tier,parent_code";

absl::Status LineError(size_t line, absl::string_view what) {
  return internal::LineError("regions", line, what);
}

bool ParseTier(absl::string_view s, RegionTier* tier) {
  if (s == "province") {
    *tier = RegionTier::kProvince;
  } else if (s == "city") {
    *tier = RegionTier::kCity;
  } else if (s == "county") {
    *tier = RegionTier::kCounty;
  } else {
    return false;
  }
  return true;
}

absl::string_view TierName(RegionTier tier) {
  switch (tier) {
    case RegionTier::kProvince:
      return "province";
    case RegionTier::kCity:
      return "city";
    case RegionTier::kCounty:
      return "county";
  }
  return "?";
}

}  // namespace

absl::Status ValidateRegionCodeFormat(absl::string_view code) {
  if (code.size() != 6 || !AllDigits(code)) {
    return absl::InvalidArgumentError(
        absl::StrCat("region code ", Quote(code), " must be six digits (GB/T 2260, e.g. 440103)"));
  }
  return absl::OkStatus();
}

absl::StatusOr<RegionTable> RegionTable::FromCsv(absl::string_view csv) {
  RegionTable table;
  std::vector<size_t> row_lines;  // the CSV line of each row, for errors
  absl::Status read = internal::ForEachReferenceCsvRow(
      csv, "regions", kHeader, 4, [&](const internal::CsvRow& row) -> absl::Status {
        const size_t line_no = row.line_no;
        const std::vector<absl::string_view>& fields = row.fields;
        Region region;
        if (absl::Status s = ValidateRegionCodeFormat(fields[0]); !s.ok()) {
          return LineError(line_no, s.message());
        }
        region.code = std::string(fields[0]);
        if (fields[1].empty()) {
          return LineError(line_no, absl::StrCat("region ", region.code, " has no name"));
        }
        region.name = std::string(fields[1]);
        if (!ParseTier(fields[2], &region.tier)) {
          return LineError(line_no, absl::StrCat("unknown tier ", Quote(fields[2]),
                                                 " (expected province, city or county)"));
        }
        if (region.tier == RegionTier::kProvince) {
          if (!fields[3].empty()) {
            return LineError(line_no,
                             absl::StrCat("province ", region.code, " must have no parent"));
          }
          if (!table.province_code_.empty()) {
            return LineError(line_no,
                             absl::StrCat("second province row ", region.code, " (",
                                          table.province_code_, " already is the province)"));
          }
          table.province_code_ = region.code;
        } else {
          if (absl::Status s = ValidateRegionCodeFormat(fields[3]); !s.ok()) {
            return LineError(line_no, absl::StrCat("parent of ", region.code, ": ", s.message()));
          }
          region.parent_code = std::string(fields[3]);
        }
        if (!table.index_.emplace(region.code, table.rows_.size()).second) {
          return LineError(line_no, absl::StrCat("duplicate code ", region.code));
        }
        table.rows_.push_back(std::move(region));
        row_lines.push_back(line_no);
        return absl::OkStatus();
      });
  if (!read.ok()) return read;
  if (table.province_code_.empty()) {
    return absl::InvalidArgumentError("regions CSV has no province row");
  }
  // Parents may come after their children in the file, so link them last.
  for (size_t i = 0; i < table.rows_.size(); ++i) {
    const Region& r = table.rows_[i];
    if (r.tier == RegionTier::kProvince) continue;
    const Region* parent = table.Find(r.parent_code);
    if (parent == nullptr) {
      return LineError(row_lines[i], absl::StrCat("parent ", r.parent_code, " of ", r.code,
                                                  " is not in the table"));
    }
    const RegionTier want = r.tier == RegionTier::kCity ? RegionTier::kProvince : RegionTier::kCity;
    if (parent->tier != want) {
      return LineError(
          row_lines[i],
          absl::StrCat("parent ", r.parent_code, " of ", TierName(r.tier), " ", r.code, " is a ",
                       TierName(parent->tier), ", expected a ", TierName(want)));
    }
    ++table.child_count_[r.parent_code];
  }
  return table;
}

const Region* RegionTable::Find(absl::string_view code) const {
  auto it = index_.find(code);
  return it == index_.end() ? nullptr : &rows_[it->second];
}

bool RegionTable::IsCountyLevel(absl::string_view code) const {
  const Region* r = Find(code);
  if (r == nullptr) return false;
  if (r->tier == RegionTier::kCounty) return true;
  return r->tier == RegionTier::kCity && !child_count_.contains(r->code);
}

std::string RegionTable::CityOf(absl::string_view county_code) const {
  if (!IsCountyLevel(county_code)) return "";
  const Region* r = Find(county_code);
  return r->tier == RegionTier::kCity ? r->code : r->parent_code;
}

bool RegionTable::Contains(absl::string_view ancestor, absl::string_view region) const {
  // FromCsv guarantees county -> city -> province, so this walks at most two steps.
  for (const Region* r = Find(region); r != nullptr; r = Find(r->parent_code)) {
    if (r->code == ancestor) return true;
    if (r->parent_code.empty()) break;
  }
  return false;
}

std::string RegionTable::Label(absl::string_view code) const {
  const Region* r = Find(code);
  if (r == nullptr) return std::string(code);
  return absl::StrCat(r->code, " ", r->name);
}

}  // namespace techreno::codes
