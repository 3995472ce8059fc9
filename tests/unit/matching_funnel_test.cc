// The funnel over pairs (services/banklink/matching_funnel.cc) without a
// database: percentiles as PostgreSQL computes them, a project counted once
// per group however many banks it went to, one row per renovation type,
// filters, scope and the overdue line.
#include "services/banklink/matching_funnel.h"

#include <gtest/gtest.h>

namespace techreno::banklink {
namespace {

constexpr int64_t kDay = 86'400'000'000;

// A pair as the test writes it: codes as text.
struct Pair {
  std::string project, bank;
  int state = 0;
  std::string county = "440103", city = "440100", month = "2026-11";
  std::vector<int> types = {1, 3};
  int rec_state = v1::RECOMMENDATION_STATE_ACTIVE;
  int64_t first_micros = BankPair::kNever;
  int64_t loan_fen = 0;
  int decline_reason = 0;
  int32_t received_ordinal = 100;
};

PairFacts Facts(const std::vector<Pair>& pairs) {
  PairFacts facts;
  for (const Pair& x : pairs) {
    Dictionary& d = facts.dictionary();
    ProjectPairs p;
    p.county = d.Id(x.county);
    p.city = d.Id(x.city);
    p.industry_division = d.Id("34");
    p.publish_month = d.Id(x.month);
    p.publications = {d.Id("2026-0001")};
    p.renovation_types = x.types;
    p.rec_state = x.rec_state;
    p.financing_need_fen = 1'000;
    BankPair b;
    b.bank = d.Id(x.bank);
    b.state = static_cast<int8_t>(x.state);
    b.first_micros = x.first_micros;
    b.loan_amount_fen = x.loan_fen;
    b.decline_reason = static_cast<int8_t>(x.decline_reason);
    b.received_ordinal = x.received_ordinal;
    facts.Apply(x.project, p, b, /*present=*/true);
  }
  return facts;
}

TEST(ContinuousPercentile, AsPostgresComputesIt) {
  // SELECT percentile_cont(0.5 / 0.9) WITHIN GROUP (ORDER BY v) FROM
  // (VALUES (1), (2), (3), (4)) t(v) → 2.5 / 3.7.
  std::vector<double> four = {4, 1, 3, 2};
  EXPECT_DOUBLE_EQ(*ContinuousPercentile(four, 0.5), 2.5);
  EXPECT_DOUBLE_EQ(*ContinuousPercentile(four, 0.9), 3.7);
  std::vector<double> one = {7}, none;
  EXPECT_DOUBLE_EQ(*ContinuousPercentile(one, 0.9), 7);
  EXPECT_FALSE(ContinuousPercentile(none, 0.5).has_value());
  // Whole-row positions: 0.5 of five values is the third.
  std::vector<double> five = {9, 1, 5, 3, 7};
  EXPECT_DOUBLE_EQ(*ContinuousPercentile(five, 0.5), 5);
}

TEST(Funnel, ProjectsOnceAPairsByState) {
  Pair granted{"P1", "icbc-gd", v1::FEEDBACK_STATE_LOAN_GRANTED};
  granted.loan_fen = 600;
  granted.first_micros = 3 * kDay;
  Pair declined{"P1", "abc-gd", v1::FEEDBACK_STATE_DECLINED};
  declined.decline_reason = v1::DECLINE_REASON_CREDIT_RISK;
  declined.first_micros = 1 * kDay;
  Pair silent{"P2", "icbc-gd"};
  const PairFacts facts = Facts({granted, declined, silent});
  StatsQuery q;
  q.overdue_through = 100;
  auto rows = Funnel(facts, q, "440000").rows;
  ASSERT_EQ(rows.size(), 1u);
  const v1::MatchingRow& m = rows[0].row;
  EXPECT_EQ(m.recommended_projects(), 2);
  EXPECT_EQ(m.financing_need_fen(), 2'000);  // P1's need once
  EXPECT_EQ(m.projects_with_feedback(), 1);
  EXPECT_EQ(m.projects_financed(), 1);
  EXPECT_EQ(m.loans_granted(), 1);
  EXPECT_EQ(m.declined(), 1);
  EXPECT_EQ(m.loan_amount_fen(), 600);
  ASSERT_EQ(m.decline_reasons_size(), 1);
  EXPECT_EQ(m.decline_reasons(0).reason(), v1::DECLINE_REASON_CREDIT_RISK);
  EXPECT_DOUBLE_EQ(m.median_days_to_first_contact(), 1.0);  // P1's earliest answer
  EXPECT_EQ(m.overdue(), 1);                                // P2 at icbc-gd
  EXPECT_DOUBLE_EQ(m.need_covered_pct(), 30.0);

  // By bank, P1 counts at both banks; the earliest answer is per bank. The
  // total still counts each project once.
  q.group_by = {v1::MATCHING_DIMENSION_BANK};
  const FunnelResult by_bank = Funnel(facts, q, "440000");
  EXPECT_EQ(by_bank.total->recommended_projects(), 2);
  rows = by_bank.rows;
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].key[0], "abc-gd");
  EXPECT_EQ(rows[1].row.recommended_projects(), 2);
  EXPECT_DOUBLE_EQ(rows[1].row.median_days_to_first_contact(), 3.0);

  // A bank names only itself, whatever it asks for; an unknown bank, nothing.
  q.group_by.clear();
  q.scope.bank_id = "abc-gd";
  q.bank_ids = {"icbc-gd"};
  EXPECT_EQ(Funnel(facts, q, "440000").total->recommended_projects(), 1);
  q.scope.bank_id.clear();
  q.bank_ids = {"no-such-bank"};
  EXPECT_FALSE(Funnel(facts, q, "440000").total.has_value());
}

TEST(PairFacts, APairThatGoesLeavesAndItsProjectWithTheLast) {
  PairFacts facts = Facts({{"P1", "icbc-gd"}, {"P1", "abc-gd"}});
  BankPair gone;
  gone.bank = *facts.dictionary().Find("icbc-gd");
  facts.Apply("P1", ProjectPairs{}, gone, /*present=*/false);
  ASSERT_EQ(facts.projects().size(), 1u);
  EXPECT_EQ(facts.projects().at("P1").pairs.size(), 1u);
  gone.bank = *facts.dictionary().Find("abc-gd");
  facts.Apply("P1", ProjectPairs{}, gone, /*present=*/false);
  EXPECT_TRUE(facts.projects().empty());
}

TEST(Funnel, OneRowPerRenovationTypeInNumberOrder) {
  Pair f{"P1", "icbc-gd"};
  f.types = {10, 2};
  Pair none{"P2", "icbc-gd"};
  none.types = {};
  StatsQuery q;
  q.group_by = {v1::MATCHING_DIMENSION_RENOVATION_TYPE};
  auto rows = Funnel(Facts({f, none}), q, "440000").rows;
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].key[0], "002");
  EXPECT_EQ(rows[1].key[0], "010");
}

TEST(Funnel, FiltersScopeAndOverdueLine) {
  Pair shenzhen{"P1", "icbc-gd"};
  shenzhen.county = "440305";
  shenzhen.city = "440300";
  Pair retracted{"P2", "abc-gd"};
  retracted.rec_state = v1::RECOMMENDATION_STATE_RETRACTED;
  Pair late{"P3", "abc-gd"};
  late.month = "2026-12";
  late.received_ordinal = 101;
  const PairFacts facts = Facts({shenzhen, retracted, late});
  auto count = [&](const StatsQuery& q) {
    auto rows = Funnel(facts, q, "440000").rows;
    return rows.empty() ? 0 : rows[0].row.recommended_projects();
  };
  StatsQuery q;
  EXPECT_EQ(count(q), 2);  // ACTIVE only
  q.include_retracted = true;
  EXPECT_EQ(count(q), 3);
  q.region_code = "440100";
  EXPECT_EQ(count(q), 2);
  q.region_code = "440000";  // the province: everything
  EXPECT_EQ(count(q), 3);
  q.region_code = "450000";  // no pair's region
  EXPECT_EQ(count(q), 0);
  q.region_code.clear();
  q.scope.bank_id = "abc-gd";
  EXPECT_EQ(count(q), 2);
  q.from_period = "2026-12";
  EXPECT_EQ(count(q), 1);
  q.to_period = "2026-11";
  EXPECT_EQ(count(q), 0);

  StatsQuery overdue;
  overdue.overdue_through = 100;  // P1 (100) is overdue, P3 (101) not yet
  EXPECT_EQ(Funnel(facts, overdue, "440000").total->overdue(), 1);
  overdue.overdue_through.reset();  // outside the calendar: none
  EXPECT_EQ(Funnel(facts, overdue, "440000").total->overdue(), 0);
}

}  // namespace
}  // namespace techreno::banklink
