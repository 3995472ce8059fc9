// The province's annual targets of the Three-Year Action Plan for industrial
// transformation and upgrading (工业转型升级攻坚战三年行动计划（2015—2017年）),
// derived from its cumulative figures. Pure arithmetic, so a unit test can check
// it without a server; `techreno targets seed-plan` sends the result.
#ifndef TECHRENO_CLIENTS_CLI_PLAN_TARGETS_H_
#define TECHRENO_CLIENTS_CLI_PLAN_TARGETS_H_

#include <cstdint>
#include <vector>

#include "techreno/v1/monitoring.pb.h"

namespace techreno::cli {

inline constexpr char kPlanRegionCode[] = "440000";  // 广东省
inline constexpr char kPlanNote[] =
    "工业转型升级攻坚战三年行动计划（2015—2017年）：三年累计目标按年均增速分解";
inline constexpr int64_t kFenPerYi = 10'000'000'000;

// A cumulative target over `years` years that grow by the factor `growth` a
// year, split into yearly figures: with x the (unknown) base-year figure,
// year k gets x·growth^k where x·(growth + growth² + … + growth^years) =
// cumulative_fen. Each figure is rounded to the nearest fen, so the sum may
// differ from cumulative_fen by up to `years` / 2 fen.
std::vector<int64_t> SplitCumulativeTarget(int64_t cumulative_fen, long double growth, int years);

struct PlanTarget {
  int32_t year;
  v1::TargetMetric metric;
  int64_t value_fen;
};

// The province's targets for 2015, 2016 and 2017: tech-renovation investment
// from 9,430 亿元 over the three years at 27.5 % a year, industrial investment
// from 34,400 亿元 at 16 % a year. Ordered by metric, then year.
std::vector<PlanTarget> ThreeYearPlanTargets();

}  // namespace techreno::cli

#endif  // TECHRENO_CLIENTS_CLI_PLAN_TARGETS_H_
