// Helpers the benchmark programs share: wall-clock spans, percentiles and the
// county-level regions a data set spreads over.
#ifndef TECHRENO_TESTS_BENCH_BENCH_UTIL_H_
#define TECHRENO_TESTS_BENCH_BENCH_UTIL_H_

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

#include "libs/store/reference_data.h"

namespace techreno::bench {

using Clock = std::chrono::steady_clock;
inline double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

// The q-quantile (0..1) of `v`; 0 for no values.
inline double Percentile(std::vector<double> v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(q * v.size()))];
}

// Every county-level code of the reference data, in its order.
inline std::vector<std::string> CountyLevelCodes() {
  const auto& regions = store::Reference().regions;
  std::vector<std::string> out;
  for (const auto& r : regions.All()) {
    if (regions.IsCountyLevel(r.code)) out.push_back(r.code);
  }
  return out;
}

}  // namespace techreno::bench

#endif  // TECHRENO_TESTS_BENCH_BENCH_UTIL_H_
