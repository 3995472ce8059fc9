// Region groups (the plan's industrial belts and East/West/North Guangdong),
// loaded from region-groups.csv.
#include <algorithm>

#include "absl/strings/str_cat.h"
#include "libs/codes/codes.h"
#include "libs/codes/reference_csv.h"

namespace techreno::codes {

absl::StatusOr<RegionGroupTable> RegionGroupTable::FromCsv(absl::string_view csv,
                                                           const RegionTable& regions) {
  RegionGroupTable table;
  absl::Status read = internal::ForEachReferenceCsvRow(
      csv, "region groups", "group_id,group_name,region_code", 3,
      [&](const internal::CsvRow& row) -> absl::Status {
        const std::string id(row.fields[0]), name(row.fields[1]), member(row.fields[2]);
        if (id.empty() || name.empty()) {
          return internal::LineError("region groups", row.line_no, "empty group id or name");
        }
        const Region* region = regions.Find(member);
        if (region == nullptr || region->tier == RegionTier::kProvince) {
          return internal::LineError("region groups", row.line_no,
                                     absl::StrCat("member ", member, " is not a city or county"));
        }
        auto it = std::find_if(table.groups_.begin(), table.groups_.end(),
                               [&](const RegionGroup& g) { return g.id == id; });
        if (it == table.groups_.end()) {
          table.groups_.push_back({id, name, {}});
          it = table.groups_.end() - 1;
        } else if (it->name != name) {
          return internal::LineError("region groups", row.line_no,
                                     absl::StrCat("group ", id, " has two names"));
        }
        it->members.push_back(member);
        return absl::OkStatus();
      });
  if (!read.ok()) return read;
  return table;
}

const RegionGroup* RegionGroupTable::Find(absl::string_view id) const {
  for (const RegionGroup& g : groups_) {
    if (g.id == id) return &g;
  }
  return nullptr;
}

bool RegionGroupTable::ContainsCounty(absl::string_view group_id, absl::string_view county_code,
                                      const RegionTable& regions) const {
  const RegionGroup* group = Find(group_id);
  if (group == nullptr) return false;
  const std::string city = regions.CityOf(county_code);
  for (const std::string& member : group->members) {
    if (member == county_code || member == city) return true;
  }
  return false;
}

}  // namespace techreno::codes
