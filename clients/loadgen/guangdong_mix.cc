#include "clients/loadgen/guangdong_mix.h"

#include <algorithm>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "clients/loadgen/loadgen_data.h"
#include "clients/loadgen/random.h"
#include "libs/codes/reference_csv.h"
#include "libs/store/reference_data.h"

namespace techreno::loadgen {
namespace {

using codes::internal::CsvRow;
using codes::internal::ForEachReferenceCsvRow;
using codes::internal::LineError;

absl::string_view DataFile(absl::string_view name) {
  for (const auto& [file, text] : loadgen_data::Files()) {
    // absl::string_view is not std::string_view in Debian's Abseil.
    if (absl::string_view(file.data(), file.size()) == name) return {text.data(), text.size()};
  }
  return {};
}

absl::StatusOr<double> Weight(absl::string_view file, const CsvRow& row, size_t field) {
  double v = 0;
  if (!absl::SimpleAtod(row.fields[field], &v) || !(v > 0)) {
    return LineError(file, row.line_no, absl::StrCat("'", row.fields[field], "' is not > 0"));
  }
  return v;
}

absl::Status CheckDivision(absl::string_view file, const CsvRow& row, absl::string_view code) {
  const auto* industry = store::Reference().industries.Find(code);
  if (industry == nullptr || code.size() != 2) {
    return LineError(file, row.line_no, absl::StrCat(code, " is not a GB/T 4754 division"));
  }
  return absl::OkStatus();
}

absl::Status LoadMixes(GuangdongMix& out) {
  return ForEachReferenceCsvRow(
      DataFile("industry-mix.csv"), "industry-mix.csv", "industry_mix,industry_code,weight", 3,
      [&](const CsvRow& row) -> absl::Status {
        if (absl::Status s = CheckDivision("industry-mix.csv", row, row.fields[1]); !s.ok()) {
          return s;
        }
        absl::StatusOr<double> w = Weight("industry-mix.csv", row, 2);
        if (!w.ok()) return w.status();
        const std::string name(row.fields[0]);
        auto it = std::find_if(out.mixes.begin(), out.mixes.end(),
                               [&](const IndustryMix& m) { return m.name == name; });
        if (it == out.mixes.end()) it = out.mixes.insert(out.mixes.end(), {name, {}});
        it->codes.emplace_back(std::string(row.fields[1]), *w);
        return absl::OkStatus();
      });
}

absl::Status LoadCities(GuangdongMix& out) {
  const auto& regions = store::Reference().regions;
  absl::Status s = ForEachReferenceCsvRow(
      DataFile("city-mix.csv"), "city-mix.csv",
      "city_code,city_name,project_weight,size_factor,industry_mix", 5,
      [&](const CsvRow& row) -> absl::Status {
        const codes::Region* city = regions.Find(row.fields[0]);
        if (city == nullptr || city->tier != codes::RegionTier::kCity) {
          return LineError("city-mix.csv", row.line_no,
                           absl::StrCat(row.fields[0], " is not a city of the reference data"));
        }
        absl::StatusOr<double> weight = Weight("city-mix.csv", row, 2);
        if (!weight.ok()) return weight.status();
        absl::StatusOr<double> size = Weight("city-mix.csv", row, 3);
        if (!size.ok()) return size.status();
        auto mix = std::find_if(out.mixes.begin(), out.mixes.end(),
                                [&](const IndustryMix& m) { return m.name == row.fields[4]; });
        if (mix == out.mixes.end()) {
          return LineError("city-mix.csv", row.line_no,
                           absl::StrCat("no industry mix '", row.fields[4], "'"));
        }
        out.cities.push_back({city->code, *weight, *size, &*mix});
        return absl::OkStatus();
      });
  if (!s.ok()) return s;
  for (const codes::Region& r : regions.All()) {
    if (r.tier != codes::RegionTier::kCity) continue;
    if (std::none_of(out.cities.begin(), out.cities.end(),
                     [&](const CityMix& c) { return c.city_code == r.code; })) {
      return absl::InvalidArgumentError(absl::StrCat("city-mix.csv has no row for ", r.code));
    }
  }
  return absl::OkStatus();
}

absl::Status LoadWords(GuangdongMix& out) {
  return ForEachReferenceCsvRow(
      DataFile("industry-words.csv"), "industry-words.csv",
      "industry_code,enterprise_word,product_line", 3, [&](const CsvRow& row) -> absl::Status {
        if (absl::Status s = CheckDivision("industry-words.csv", row, row.fields[0]); !s.ok()) {
          return s;
        }
        out.words.push_back(
            {std::string(row.fields[0]), {std::string(row.fields[1]), std::string(row.fields[2])}});
        return absl::OkStatus();
      });
}

// 0.6–1.4 from the code's digits: counties of one city differ, the same way every run.
double CountyWeight(const std::string& code) { return 0.6 + 0.8 * (HashText(code) % 1000) / 999.0; }

void SpreadOverCounties(GuangdongMix& out) {
  const auto& regions = store::Reference().regions;
  double city_total = 0;
  for (const CityMix& c : out.cities) city_total += c.project_weight;
  for (const CityMix& city : out.cities) {
    std::vector<CountyMix> mine;
    double county_total = 0;
    for (const codes::Region& r : regions.All()) {
      if (!regions.IsCountyLevel(r.code) || regions.CityOf(r.code) != city.city_code) continue;
      mine.push_back({r.code, &city, CountyWeight(r.code)});
      county_total += mine.back().project_share;
    }
    for (CountyMix& c : mine) {
      c.project_share = city.project_weight / city_total * c.project_share / county_total;
      out.counties.push_back(c);
    }
  }
  std::sort(out.counties.begin(), out.counties.end(),
            [](const CountyMix& a, const CountyMix& b) { return a.county_code < b.county_code; });
}

}  // namespace

const IndustryWords& GuangdongMix::WordsFor(const std::string& division) const {
  static const IndustryWords kGeneric{"实业", "生产线"};
  for (const auto& [code, w] : words) {
    if (code == division) return w;
  }
  return kGeneric;
}

absl::StatusOr<GuangdongMix> LoadGuangdongMix() {
  GuangdongMix out;
  // Cities point into `mixes` and counties into `cities`: both are filled
  // once, before anything points into them, and never grow afterwards.
  if (absl::Status s = LoadMixes(out); !s.ok()) return s;
  out.mixes.shrink_to_fit();
  if (absl::Status s = LoadCities(out); !s.ok()) return s;
  if (absl::Status s = LoadWords(out); !s.ok()) return s;
  SpreadOverCounties(out);
  return out;
}

}  // namespace techreno::loadgen
