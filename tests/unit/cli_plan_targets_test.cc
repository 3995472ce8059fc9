// Unit tests for the Three-Year Action Plan targets `techreno targets
// seed-plan` sends: the yearly figures derived from the plan's cumulative
// amounts and growth rates.

#include <cstdint>
#include <cstdlib>
#include <vector>

#include "clients/cli/plan_targets.h"
#include "gtest/gtest.h"

namespace techreno::cli {
namespace {

constexpr int64_t kFenPerTenthYi = kFenPerYi / 10;

// Fen to tenths of 亿元, rounded half up: 2417.6 亿元 is 24176.
int64_t TenthsOfYi(int64_t fen) { return (fen + kFenPerTenthYi / 2) / kFenPerTenthYi; }

int64_t Sum(const std::vector<int64_t>& values) {
  int64_t sum = 0;
  for (int64_t v : values) sum += v;
  return sum;
}

std::vector<int64_t> Yearly(v1::TargetMetric metric) {
  std::vector<int64_t> out;
  for (const PlanTarget& t : ThreeYearPlanTargets()) {
    if (t.metric == metric) out.push_back(t.value_fen);
  }
  return out;
}

TEST(PlanTargetsTest, TechRenovationYearlyFigures) {
  const std::vector<int64_t> yearly = Yearly(v1::TARGET_METRIC_TECH_RENOVATION_INVESTMENT_FEN);
  ASSERT_EQ(yearly.size(), 3u);
  EXPECT_EQ(TenthsOfYi(yearly[0]), 24'176);  // 2015: 2,417.6 亿元
  EXPECT_EQ(TenthsOfYi(yearly[1]), 30'824);  // 2016: 3,082.4 亿元
  EXPECT_EQ(TenthsOfYi(yearly[2]), 39'300);  // 2017: 3,930.0 亿元
  EXPECT_LE(std::llabs(Sum(yearly) - 9'430 * kFenPerYi), kFenPerYi);
}

TEST(PlanTargetsTest, IndustrialInvestmentAddsUpToThePlan) {
  const std::vector<int64_t> yearly = Yearly(v1::TARGET_METRIC_INDUSTRIAL_INVESTMENT_FEN);
  ASSERT_EQ(yearly.size(), 3u);
  EXPECT_LE(std::llabs(Sum(yearly) - 34'400 * kFenPerYi), kFenPerYi);
  // Growing by 16 % a year, to the nearest fen.
  EXPECT_NEAR(static_cast<double>(yearly[1]) / yearly[0], 1.16, 1e-9);
  EXPECT_NEAR(static_cast<double>(yearly[2]) / yearly[1], 1.16, 1e-9);
}

TEST(PlanTargetsTest, YearsAndRegion) {
  const std::vector<PlanTarget> targets = ThreeYearPlanTargets();
  ASSERT_EQ(targets.size(), 6u);
  for (size_t i = 0; i < targets.size(); ++i) {
    EXPECT_EQ(targets[i].year, 2015 + static_cast<int32_t>(i % 3));
  }
  EXPECT_STREQ(kPlanRegionCode, "440000");
}

TEST(SplitCumulativeTargetTest, RoundsEachYearToTheNearestFen) {
  // 3 fen over three equal years (growth 1) is 1 fen each; 10 fen over three
  // years is 3.33 fen each, rounded to 3.
  EXPECT_EQ(SplitCumulativeTarget(3, 1.0L, 3), (std::vector<int64_t>{1, 1, 1}));
  EXPECT_EQ(SplitCumulativeTarget(10, 1.0L, 3), (std::vector<int64_t>{3, 3, 3}));
  // Doubling: x(2 + 4) = 600 gives x = 100: 200 and 400.
  EXPECT_EQ(SplitCumulativeTarget(600, 2.0L, 2), (std::vector<int64_t>{200, 400}));
}

}  // namespace
}  // namespace techreno::cli
