// The shape of Guangdong's tech-renovation projects that the generator
// follows, read from the CSV files in clients/loadgen/data (data, not code):
//  - city-mix.csv: each city's share of the province's projects, a size
//    factor for its projects' planned investment, and which industry mix its
//    enterprises follow (the belts: east-bank electronics, west-bank
//    equipment, the east / west / north Guangdong industrial parks);
//  - industry-mix.csv: the weight of each GB/T 4754 division in each mix;
//  - industry-words.csv: words for enterprise and project names by division.
// The shares are a plausible picture of the plan's years (the Pearl River
// Delta holding about two thirds of the projects), not official figures.
#ifndef TECHRENO_CLIENTS_LOADGEN_GUANGDONG_MIX_H_
#define TECHRENO_CLIENTS_LOADGEN_GUANGDONG_MIX_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"

namespace techreno::loadgen {

// A weighted choice among industry divisions.
struct IndustryMix {
  std::string name;                                   // e.g. "electronics"
  std::vector<std::pair<std::string, double>> codes;  // division, weight
};

struct CityMix {
  std::string city_code;
  double project_weight = 0;  // relative share of the province's projects
  double size_factor = 1;     // multiplies the median planned investment
  const IndustryMix* mix = nullptr;
};

struct IndustryWords {
  std::string enterprise_word;  // "电子科技" → 广州市荔湾宏达电子科技有限公司
  std::string product_line;     // "电子元器件SMT生产线" → the project's name
};

// One county-level unit and its share of the province's projects.
struct CountyMix {
  std::string county_code;
  const CityMix* city = nullptr;
  double project_share = 0;  // of the province's projects; all counties sum to 1
};

// Cities point into `mixes` and counties into `cities`: moved, never copied.
struct GuangdongMix {
  GuangdongMix() = default;
  GuangdongMix(GuangdongMix&&) = default;
  GuangdongMix& operator=(GuangdongMix&&) = default;
  GuangdongMix(const GuangdongMix&) = delete;
  GuangdongMix& operator=(const GuangdongMix&) = delete;

  std::vector<IndustryMix> mixes;
  std::vector<CityMix> cities;
  std::vector<CountyMix> counties;  // every county-level unit of the reference data
  std::vector<std::pair<std::string, IndustryWords>> words;  // by division

  // Words for `division`; generic words for one the file does not list.
  const IndustryWords& WordsFor(const std::string& division) const;
};

// Parses the embedded data files and spreads each city's share over its
// counties, each weighted 0.6–1.4 by a hash of its code (fixed, so that
// counties differ the same way whatever the seed). Fails when a file is malformed, a city of the
// reference data is missing, or an industry code is not a GB/T 4754 division.
absl::StatusOr<GuangdongMix> LoadGuangdongMix();

}  // namespace techreno::loadgen

#endif  // TECHRENO_CLIENTS_LOADGEN_GUANGDONG_MIX_H_
