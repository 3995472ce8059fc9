// What a data set holds, added up county by county as it is generated: the
// counts the simulator and `generate` print, the growth over last year, and
// the investment completed per region and year within the statistics
// (planned ≥ 500万元), which the demo sets its targets from.
#ifndef TECHRENO_CLIENTS_LOADGEN_DATA_SUMMARY_H_
#define TECHRENO_CLIENTS_LOADGEN_DATA_SUMMARY_H_

#include <cstdint>
#include <cstdio>
#include <map>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "clients/loadgen/generator.h"

namespace techreno::loadgen {

class DataSummary {
 public:
  void Add(const CountyData& county);

  // Two lines: the counts, then last year's and this year's totals and the
  // growth over the same months (the plan's 1.275).
  void Print(const GeneratorOptions& options, std::FILE* out) const;

  // "region_code,region_name,year,completed_wan" for the province, its cities
  // and counties, last year and this year (January to as_of): investment
  // completed by projects within the statistics, the figure QueryAggregates
  // shows for the same data.
  absl::Status WriteTotals(const std::string& path, const GeneratorOptions& options) const;

  int64_t enterprises = 0, projects = 0, reports = 0, corrections = 0, missing = 0, late = 0;

 private:
  std::map<int, int64_t> monthly_;  // period index -> fen, every project
  std::map<std::pair<std::string, int>, int64_t> in_statistics_;  // (county, year) -> fen
};

}  // namespace techreno::loadgen

#endif  // TECHRENO_CLIENTS_LOADGEN_DATA_SUMMARY_H_
