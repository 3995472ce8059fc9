#include "clients/cli/plan_targets.h"

#include <cmath>

namespace techreno::cli {
namespace {

constexpr int32_t kPlanFirstYear = 2015;
constexpr int kPlanYears = 3;

// 工业转型升级攻坚战三年行动计划（2015—2017年）: "技术改造投资三年累计9430亿元，
// 年均增长27.5%" and "工业投资三年累计3.44万亿元，年均增长16%". The plan gives
// only the cumulative sums and the growth rates; the yearly figures follow from
// them (base 2014 ≈ 1,896.1 亿元: 2,417.6 / 3,082.4 / 3,930.0 亿元 for
// tech-renovation investment).
constexpr int64_t kTechRenovationCumulativeYi = 9'430;
constexpr long double kTechRenovationGrowth = 1.275L;
constexpr int64_t kIndustrialCumulativeYi = 34'400;
constexpr long double kIndustrialGrowth = 1.16L;

}  // namespace

std::vector<int64_t> SplitCumulativeTarget(int64_t cumulative_fen, long double growth, int years) {
  // growth + growth² + … + growth^years, and the powers themselves.
  std::vector<long double> powers;
  long double power = 1.0L;
  long double sum = 0.0L;
  for (int k = 1; k <= years; ++k) {
    power *= growth;
    powers.push_back(power);
    sum += power;
  }
  // long double keeps ~18 significant digits: well below a fen for amounts
  // of 10^15 fen.
  const long double base = static_cast<long double>(cumulative_fen) / sum;
  std::vector<int64_t> yearly;
  for (long double p : powers) yearly.push_back(static_cast<int64_t>(std::llroundl(base * p)));
  return yearly;
}

std::vector<PlanTarget> ThreeYearPlanTargets() {
  std::vector<PlanTarget> targets;
  auto add = [&targets](v1::TargetMetric metric, int64_t cumulative_yi, long double growth) {
    const std::vector<int64_t> yearly =
        SplitCumulativeTarget(cumulative_yi * kFenPerYi, growth, kPlanYears);
    for (int k = 0; k < kPlanYears; ++k) {
      targets.push_back({kPlanFirstYear + k, metric, yearly[k]});
    }
  };
  add(v1::TARGET_METRIC_TECH_RENOVATION_INVESTMENT_FEN, kTechRenovationCumulativeYi,
      kTechRenovationGrowth);
  add(v1::TARGET_METRIC_INDUSTRIAL_INVESTMENT_FEN, kIndustrialCumulativeYi, kIndustrialGrowth);
  return targets;
}

}  // namespace techreno::cli
