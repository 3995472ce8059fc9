// Helpers the benchmark programs share: the run's database, wall-clock spans,
// percentiles and the county-level regions a data set spreads over.
#ifndef TECHRENO_TESTS_BENCH_BENCH_UTIL_H_
#define TECHRENO_TESTS_BENCH_BENCH_UTIL_H_

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "libs/store/reference_data.h"

namespace techreno::bench {

// The database a run works in: `reuse` (one an earlier run left) if given,
// else a fresh techreno_bench_<pid> created in the cluster `base` (a libpq
// DSN) and left for inspection. Returns its name; its DSN is
// absl::StrCat(base, " dbname=", name).
inline std::string BenchDatabase(const std::string& base, const std::string& reuse) {
  if (!reuse.empty()) return reuse;
  const std::string db = absl::StrCat("techreno_bench_", getpid());
  pqxx::connection admin(base);
  pqxx::nontransaction tx(admin);
  tx.exec("CREATE DATABASE " + db);
  return db;
}

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
