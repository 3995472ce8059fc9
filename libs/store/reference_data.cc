#include "libs/store/reference_data.h"

#include <cstdio>
#include <cstdlib>
#include <string_view>
#include <utility>
#include <vector>

namespace techreno::store {
namespace embedded_data {
const std::vector<std::pair<std::string_view, std::string_view>>& Files();
}

absl::string_view EmbeddedDataFile(absl::string_view name) {
  for (const auto& [file, content] : embedded_data::Files()) {
    if (file == std::string_view(name.data(), name.size())) {
      return absl::string_view(content.data(), content.size());
    }
  }
  return {};
}

const ReferenceData& Reference() {
  static const ReferenceData* data = [] {
    auto regions = codes::RegionTable::FromCsv(EmbeddedDataFile("regions-guangdong.csv"));
    auto industries =
        codes::IndustryTable::FromCsv(EmbeddedDataFile("industries-gbt4754-2017.csv"));
    absl::StatusOr<codes::RegionGroupTable> groups = absl::InternalError("regions did not load");
    if (regions.ok()) {
      groups = codes::RegionGroupTable::FromCsv(EmbeddedDataFile("region-groups.csv"), *regions);
    }
    auto calendar = codes::ParseWorkingCalendar(EmbeddedDataFile("cn-working-calendar.csv"));
    if (!regions.ok() || !industries.ok() || !groups.ok() || !calendar.ok()) {
      std::fprintf(stderr, "embedded reference data is invalid: %s %s %s %s\n",
                   regions.status().ToString().c_str(), industries.status().ToString().c_str(),
                   groups.status().ToString().c_str(), calendar.status().ToString().c_str());
      std::abort();
    }
    return new ReferenceData{*std::move(regions), *std::move(industries), *std::move(groups),
                             *std::move(calendar)};
  }();
  return *data;
}

}  // namespace techreno::store
