// The reference tables (GB/T 2260 regions of Guangdong, GB/T 4754-2017
// industries, region groups, China's working calendar) as embedded in the binary from
// libs/store/data/. Parsed once.
#ifndef TECHRENO_LIBS_STORE_REFERENCE_DATA_H_
#define TECHRENO_LIBS_STORE_REFERENCE_DATA_H_

#include <vector>

#include "absl/strings/string_view.h"
#include "libs/codes/codes.h"

namespace techreno::store {

struct ReferenceData {
  codes::RegionTable regions;
  codes::IndustryTable industries;
  codes::RegionGroupTable region_groups;
  std::vector<codes::CalendarDay> calendar;  // China's holidays and 调休 working days
};

// The process-wide reference data; aborts at start-up if the embedded files
// do not parse (a build defect, not a runtime condition).
const ReferenceData& Reference();

// Raw embedded CSV text, by file name ("regions-guangdong.csv", ...).
absl::string_view EmbeddedDataFile(absl::string_view name);

}  // namespace techreno::store

#endif  // TECHRENO_LIBS_STORE_REFERENCE_DATA_H_
