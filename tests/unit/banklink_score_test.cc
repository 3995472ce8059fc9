// The candidate score (services/banklink/candidate_score.h): each component
// at its bounds and in between, the ranking, and the policy checks.
#include <gtest/gtest.h>

#include "libs/codes/codes.h"
#include "services/banklink/candidate_score.h"

namespace techreno::banklink {
namespace {

// The defaults of migration 0012.
v1::ScoreWeights Defaults() {
  v1::ScoreWeights w;
  w.set_tier_province(30);
  w.set_tier_city(20);
  w.set_tier_county(10);
  w.set_on_schedule(25);
  w.set_schedule_zero_gap_points(30);
  w.set_above_designated_size(5);
  w.set_revenue_over_50m(5);
  w.set_integration_pilot(5);
  w.set_integration_certified(5);
  w.set_financing_share(10);
  w.set_need_share_full_pct(30);
  w.set_favoured_type(15);
  w.add_favoured_renovation_types(v1::RENOVATION_TYPE_INTELLIGENT_MANUFACTURING);
  w.add_favoured_renovation_types(v1::RENOVATION_TYPE_INFORMATIZATION);
  w.add_favoured_renovation_types(v1::RENOVATION_TYPE_GREEN_ENERGY_SAVING);
  return w;
}

CandidateRow Row(const std::string& code) {
  CandidateRow row;
  row.project.set_project_code(code);
  row.project.set_planned_investment_fen(10'000'000'000);  // 1亿元
  row.project.set_financing_need_fen(2'000'000'000);       // 20 %
  row.project.add_renovation_types(v1::RENOVATION_TYPE_EQUIPMENT_RENEWAL);
  return row;
}

const v1::ScoreComponent& Component(const v1::Candidate& c, const std::string& name) {
  for (const auto& s : c.components()) {
    if (s.component() == name) return s;
  }
  static const v1::ScoreComponent none;
  ADD_FAILURE() << "no component " << name;
  return none;
}

TEST(CandidateScore, BestProjectScoresEveryWeight) {
  CandidateRow row = Row("A");
  row.tier = v1::LIBRARY_TIER_PROVINCE;
  row.started = true;
  row.gap_points = -5;  // ahead
  row.project.set_above_designated_size(true);
  row.project.set_revenue_band(v1::REVENUE_BAND_OVER_400M);
  row.project.set_integration_pilot(true);
  row.project.set_integration_certified(true);
  row.project.add_renovation_types(v1::RENOVATION_TYPE_INFORMATIZATION);
  const v1::Candidate c = ScoreCandidate(Defaults(), row);
  EXPECT_DOUBLE_EQ(c.score(), 100);
  ASSERT_EQ(c.components_size(), 5);
  EXPECT_EQ(Component(c, "tier").reason(), "省级重点项目库");
  EXPECT_EQ(Component(c, "schedule").reason(), "超前进度 5.0 个百分点");
  EXPECT_EQ(Component(c, "enterprise").reason(),
            "规模以上、年营业收入5000万元以上、两化融合试点、两化融合贯标认证");
  EXPECT_EQ(Component(c, "favoured_type").reason(), "鼓励类：信息化");
  EXPECT_EQ(c.tier(), v1::LIBRARY_TIER_PROVINCE);
  EXPECT_DOUBLE_EQ(c.gap_points(), -5);
  EXPECT_EQ(c.project().project_code(), "A");
}

TEST(CandidateScore, ComponentsFallLinearly) {
  CandidateRow row = Row("B");
  row.started = true;
  row.gap_points = 15;                                // half-way to 30 points behind
  row.project.set_financing_need_fen(6'500'000'000);  // 65 %: half-way from 30 % to 100 %
  const v1::Candidate c = ScoreCandidate(Defaults(), row);
  EXPECT_DOUBLE_EQ(Component(c, "tier").points(), 0);
  EXPECT_EQ(Component(c, "tier").reason(), "未入重点项目库");
  EXPECT_DOUBLE_EQ(Component(c, "schedule").points(), 12.5);
  EXPECT_EQ(Component(c, "schedule").reason(), "落后进度 15.0 个百分点");
  EXPECT_DOUBLE_EQ(Component(c, "financing_share").points(), 5);
  EXPECT_EQ(Component(c, "financing_share").reason(), "融资需求占计划投资 65.0%");
  EXPECT_DOUBLE_EQ(Component(c, "enterprise").points(), 0);
  EXPECT_EQ(Component(c, "enterprise").max_points(), 20);
  EXPECT_DOUBLE_EQ(Component(c, "favoured_type").points(), 0);
  EXPECT_DOUBLE_EQ(c.score(), 17.5);
  EXPECT_FALSE(c.has_gap_points() && c.gap_points() != 15);
}

TEST(CandidateScore, BoundsOfScheduleAndShare) {
  CandidateRow late = Row("C");
  late.started = true;
  late.gap_points = 45;                                 // past the zero point
  late.project.set_financing_need_fen(10'000'000'000);  // 100 %
  const v1::Candidate c = ScoreCandidate(Defaults(), late);
  EXPECT_DOUBLE_EQ(Component(c, "schedule").points(), 0);
  EXPECT_DOUBLE_EQ(Component(c, "financing_share").points(), 0);

  CandidateRow fresh = Row("D");  // not started: on schedule, no gap
  const v1::Candidate d = ScoreCandidate(Defaults(), fresh);
  EXPECT_DOUBLE_EQ(Component(d, "schedule").points(), 25);
  EXPECT_EQ(Component(d, "schedule").reason(), "尚未开工");
  EXPECT_FALSE(d.has_gap_points());
  EXPECT_DOUBLE_EQ(Component(d, "financing_share").points(), 10);  // 20 % ≤ 30 %
}

TEST(CandidateScore, RankedByScoreThenCode) {
  CandidateRow city = Row("Z");
  city.tier = v1::LIBRARY_TIER_CITY;
  CandidateRow county_b = Row("B");
  county_b.tier = v1::LIBRARY_TIER_COUNTY;
  CandidateRow county_a = Row("A");
  county_a.tier = v1::LIBRARY_TIER_COUNTY;
  std::vector<v1::Candidate> all = {ScoreCandidate(Defaults(), county_b),
                                    ScoreCandidate(Defaults(), city),
                                    ScoreCandidate(Defaults(), county_a)};
  RankCandidates(all);
  EXPECT_EQ(all[0].project().project_code(), "Z");
  EXPECT_EQ(all[1].project().project_code(), "A");
  EXPECT_EQ(all[2].project().project_code(), "B");
}

v1::BankLinkPolicy GoodPolicy() {
  v1::BankLinkPolicy p;
  *p.mutable_score_weights() = Defaults();
  p.set_first_response_working_days(10);
  p.mutable_subsidy()->set_name("中山市2017年技术改造贷款贴息");
  p.mutable_subsidy()->set_share_pct(50);
  p.mutable_subsidy()->set_max_years(3);
  p.mutable_subsidy()->set_cap_per_project_fen(1'500'000'000);
  return p;
}

TEST(PolicyCheck, DefaultsPass) { EXPECT_TRUE(CheckPolicy(GoodPolicy()).empty()); }

TEST(PolicyCheck, EveryBadFieldNamed) {
  v1::BankLinkPolicy p = GoodPolicy();
  p.mutable_score_weights()->set_tier_city(-1);
  p.mutable_score_weights()->set_on_schedule(101);
  p.mutable_score_weights()->set_schedule_zero_gap_points(0);
  p.mutable_score_weights()->set_need_share_full_pct(100);
  p.mutable_score_weights()->add_favoured_renovation_types(static_cast<v1::RenovationType>(99));
  p.set_first_response_working_days(0);
  p.mutable_subsidy()->clear_name();
  p.mutable_subsidy()->set_share_pct(0);
  p.mutable_subsidy()->set_max_years(11);
  p.mutable_subsidy()->set_cap_per_project_fen(0);
  std::vector<std::string> fields;
  for (const auto& v : CheckPolicy(p)) fields.push_back(v.field);
  EXPECT_EQ(fields, (std::vector<std::string>{
                        "policy.score_weights.tier_city",
                        "policy.score_weights.on_schedule",
                        "policy.score_weights.schedule_zero_gap_points",
                        "policy.score_weights.need_share_full_pct",
                        "policy.score_weights.favoured_renovation_types[3]",
                        "policy.first_response_working_days",
                        "policy.subsidy.name",
                        "policy.subsidy.share_pct",
                        "policy.subsidy.max_years",
                        "policy.subsidy.cap_per_project_fen",
                    }));
}

TEST(WorkingCalendar, ParsesAndRefuses) {
  auto ok = codes::ParseWorkingCalendar(
      "date,kind,name\n2026-02-14,workday,春节\n"
      "2026-02-15,holiday,春节\n");
  ASSERT_TRUE(ok.ok()) << ok.status();
  ASSERT_EQ(ok->size(), 2u);
  EXPECT_TRUE((*ok)[0].workday);
  EXPECT_FALSE((*ok)[1].workday);
  EXPECT_EQ((*ok)[1].name, "春节");
  for (const char* bad :
       {"date,kind,name\n2026-02-30,holiday,春节\n", "date,kind,name\n2026-2-1,holiday,春节\n",
        "date,kind,name\n2026-02-01,off,春节\n", "date,kind,name\n2026-02-01,holiday,\n",
        "date,kind,name\n2026-02-01,holiday,a\n2026-02-01,workday,b\n",
        "day,kind,name\n2026-02-01,holiday,a\n"}) {
    auto r = codes::ParseWorkingCalendar(bad);
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << bad;
  }
}

}  // namespace
}  // namespace techreno::banklink
