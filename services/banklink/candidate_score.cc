#include "services/banklink/candidate_score.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"

namespace techreno::banklink {
namespace {

// Chinese names of the renovation types (registry.proto RenovationType).
const char* TypeName(int type) {
  static constexpr const char* kNames[] = {"",         "设备更新", "智能制造与机器换人",
                                           "信息化",   "绿色节能", "产品升级",
                                           "质量品牌", "扩产增效"};
  return type > 0 && type < 8 ? kNames[type] : "其他";
}

void Add(v1::Candidate& c, const char* component, double points, double max_points,
         std::string reason) {
  v1::ScoreComponent* s = c.add_components();
  s->set_component(component);
  s->set_points(points);
  s->set_max_points(max_points);
  s->set_reason(std::move(reason));
  c.set_score(c.score() + points);
}

// Points falling linearly from `full` at `from` to 0 at `to` (from < to).
double Linear(double full, double value, double from, double to) {
  if (value <= from) return full;
  if (value >= to) return 0;
  return full * (to - value) / (to - from);
}

void ScoreTier(const v1::ScoreWeights& w, int tier, v1::Candidate& c) {
  const double max = std::max({w.tier_province(), w.tier_city(), w.tier_county()});
  switch (tier) {
    case v1::LIBRARY_TIER_PROVINCE:
      return Add(c, "tier", w.tier_province(), max, "省级重点项目库");
    case v1::LIBRARY_TIER_CITY:
      return Add(c, "tier", w.tier_city(), max, "市级重点项目库");
    case v1::LIBRARY_TIER_COUNTY:
      return Add(c, "tier", w.tier_county(), max, "县级重点项目库");
    default:
      return Add(c, "tier", 0, max, "未入重点项目库");
  }
}

void ScoreSchedule(const v1::ScoreWeights& w, const CandidateRow& row, v1::Candidate& c) {
  if (!row.started) return Add(c, "schedule", w.on_schedule(), w.on_schedule(), "尚未开工");
  const double gap = row.gap_points;
  const double points = Linear(w.on_schedule(), gap, 0, w.schedule_zero_gap_points());
  std::string reason = gap > 0   ? absl::StrFormat("落后进度 %.1f 个百分点", gap)
                       : gap < 0 ? absl::StrFormat("超前进度 %.1f 个百分点", -gap)
                                 : std::string("按进度");
  Add(c, "schedule", points, w.on_schedule(), std::move(reason));
}

void ScoreEnterprise(const v1::ScoreWeights& w, const v1::RecommendedProject& p, v1::Candidate& c) {
  double points = 0;
  std::vector<std::string> why;
  auto credit = [&](bool has, double weight, const char* name) {
    if (!has) return;
    points += weight;
    why.push_back(name);
  };
  credit(p.above_designated_size(), w.above_designated_size(), "规模以上");
  credit(p.revenue_band() >= v1::REVENUE_BAND_OVER_50M, w.revenue_over_50m(),
         "年营业收入5000万元以上");
  credit(p.integration_pilot(), w.integration_pilot(), "两化融合试点");
  credit(p.integration_certified(), w.integration_certified(), "两化融合贯标认证");
  const double max = w.above_designated_size() + w.revenue_over_50m() + w.integration_pilot() +
                     w.integration_certified();
  Add(c, "enterprise", points, max, why.empty() ? "无" : absl::StrJoin(why, "、"));
}

void ScoreFinancingShare(const v1::ScoreWeights& w, const v1::RecommendedProject& p,
                         v1::Candidate& c) {
  if (p.planned_investment_fen() <= 0) {
    return Add(c, "financing_share", 0, w.financing_share(), "无计划投资");
  }
  const double share = 100.0 * p.financing_need_fen() / p.planned_investment_fen();
  Add(c, "financing_share", Linear(w.financing_share(), share, w.need_share_full_pct(), 100),
      w.financing_share(), absl::StrFormat("融资需求占计划投资 %.1f%%", share));
}

void ScoreFavouredType(const v1::ScoreWeights& w, const v1::RecommendedProject& p,
                       v1::Candidate& c) {
  std::vector<std::string> favoured;
  for (int t : p.renovation_types()) {
    const auto& f = w.favoured_renovation_types();
    if (std::find(f.begin(), f.end(), t) != f.end()) favoured.push_back(TypeName(t));
  }
  if (favoured.empty()) return Add(c, "favoured_type", 0, w.favoured_type(), "无鼓励类改造类型");
  Add(c, "favoured_type", w.favoured_type(), w.favoured_type(),
      absl::StrCat("鼓励类：", absl::StrJoin(favoured, "、")));
}

void CheckWeight(double value, const char* name, std::vector<rpc::FieldViolation>& bad) {
  if (!std::isfinite(value) || value < 0 || value > 100) {
    bad.push_back({absl::StrCat("policy.score_weights.", name), "a weight is 0–100 points"});
  }
}

}  // namespace

v1::Candidate ScoreCandidate(const v1::ScoreWeights& weights, CandidateRow row) {
  v1::Candidate c;
  ScoreTier(weights, row.tier, c);
  ScoreSchedule(weights, row, c);
  ScoreEnterprise(weights, row.project, c);
  ScoreFinancingShare(weights, row.project, c);
  ScoreFavouredType(weights, row.project, c);
  c.set_score(std::round(c.score() * 100) / 100);  // what people compare: two decimals
  c.set_tier(static_cast<v1::LibraryTier>(row.tier));
  if (row.started) c.set_gap_points(row.gap_points);
  c.set_recommended(row.recommended);
  *c.mutable_project() = std::move(row.project);
  return c;
}

void RankCandidates(std::vector<v1::Candidate>& candidates) {
  std::sort(candidates.begin(), candidates.end(),
            [](const v1::Candidate& a, const v1::Candidate& b) {
              if (a.score() != b.score()) return a.score() > b.score();
              return a.project().project_code() < b.project().project_code();
            });
}

std::vector<rpc::FieldViolation> CheckPolicy(const v1::BankLinkPolicy& policy) {
  std::vector<rpc::FieldViolation> bad;
  const v1::ScoreWeights& w = policy.score_weights();
  CheckWeight(w.tier_province(), "tier_province", bad);
  CheckWeight(w.tier_city(), "tier_city", bad);
  CheckWeight(w.tier_county(), "tier_county", bad);
  CheckWeight(w.on_schedule(), "on_schedule", bad);
  CheckWeight(w.above_designated_size(), "above_designated_size", bad);
  CheckWeight(w.revenue_over_50m(), "revenue_over_50m", bad);
  CheckWeight(w.integration_pilot(), "integration_pilot", bad);
  CheckWeight(w.integration_certified(), "integration_certified", bad);
  CheckWeight(w.financing_share(), "financing_share", bad);
  CheckWeight(w.favoured_type(), "favoured_type", bad);
  if (!(w.schedule_zero_gap_points() >= 1 && w.schedule_zero_gap_points() <= 100)) {
    bad.push_back({"policy.score_weights.schedule_zero_gap_points", "1–100 points behind"});
  }
  if (!(w.need_share_full_pct() >= 1 && w.need_share_full_pct() < 100)) {
    bad.push_back({"policy.score_weights.need_share_full_pct", "1–99 %"});
  }
  for (int i = 0; i < w.favoured_renovation_types_size(); ++i) {
    const int t = w.favoured_renovation_types(i);
    if (!v1::RenovationType_IsValid(t) || t == 0) {
      bad.push_back({absl::StrCat("policy.score_weights.favoured_renovation_types[", i, "]"),
                     "unknown renovation type"});
    }
  }
  if (policy.first_response_working_days() < 1 || policy.first_response_working_days() > 60) {
    bad.push_back({"policy.first_response_working_days", "1–60 working days"});
  }
  const v1::InterestSubsidyPolicy& s = policy.subsidy();
  if (s.name().empty() || s.name().size() > 200) {
    bad.push_back({"policy.subsidy.name", "the policy's name, 1–200 bytes"});
  }
  if (!(s.share_pct() > 0 && s.share_pct() <= 100)) {
    bad.push_back(
        {"policy.subsidy.share_pct", "share of interest subsidised: above 0, at most 100"});
  }
  if (s.max_years() < 1 || s.max_years() > 10) {
    bad.push_back({"policy.subsidy.max_years", "1–10 years"});
  }
  if (s.cap_per_project_fen() <= 0) {
    bad.push_back({"policy.subsidy.cap_per_project_fen", "the cap per project, fen, > 0"});
  }
  if (s.source().size() > 1000) {
    bad.push_back({"policy.subsidy.source", "at most 1,000 bytes"});
  }
  return bad;
}

}  // namespace techreno::banklink
