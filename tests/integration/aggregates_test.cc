// QueryAggregates against plain SQL over the base tables, on random data, and
// the Three-Year Action Plan's figures end to end.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <random>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "libs/store/reference_data.h"
#include "libs/store/transaction.h"
#include "techreno/v1/monitoring.grpc.pb.h"
#include "tests/integration/harness.h"

namespace techreno::testing {
namespace {

// Counties of several cities, Dongguan (its own county level) and Shunde (a
// West-bank belt member inside Foshan).
const std::vector<std::string> kCounties = {"440103", "440104", "440106", "440303",
                                            "440305", "440604", "440606", "441900",
                                            "442000", "440402", "441202", "440511"};
const std::vector<std::string> kIndustries = {"34", "391", "13", "26", "44", "382"};

class AggregatesTest : public DbTest {
 protected:
  void SetUp() override {
    DbTest::SetUp();
    if (env_ == nullptr) return;
    monitoring_ = v1::InvestmentMonitoring::NewStub(env_->channel());
    registry_ = env_->Registry();
  }

  std::string Province() { return env_->Token("province", "440000"); }

  // Registers `count` projects in `county` (one enterprise), starting `start`.
  // With `some_small`, a tenth stay under the 5-million-yuan statistics threshold.
  std::vector<std::string> Projects(const std::string& county, int count, const std::string& start,
                                    std::mt19937& rng, int salt, bool some_small = false) {
    const std::string token = env_->Token("province", "440000");
    v1::UpsertEnterpriseRequest ent;
    ent.set_request_id(absl::StrCat("agg-ent-", county, "-", salt));
    *ent.mutable_enterprise() = SampleEnterprise(county, 50000 + salt);
    ent.mutable_enterprise()->set_revenue_band(static_cast<v1::RevenueBand>(2 + salt % 3));
    ent.mutable_enterprise()->set_integration_pilot(salt % 2 == 0);
    v1::UpsertEnterpriseResponse ent_resp;
    EXPECT_TRUE(registry_->UpsertEnterprise(TestEnv::Context(token).get(), ent, &ent_resp).ok());
    auto context = TestEnv::Context(token);
    v1::PushProjectsResponse response;
    auto writer = registry_->PushProjects(context.get(), &response);
    for (int i = 0; i < count; ++i) {
      v1::PushProjectsRequest r;
      *r.mutable_project() =
          SampleProject(county, ent.enterprise().credit_code(), salt * 10000 + i);
      r.mutable_project()->set_industry_code(kIndustries[rng() % kIndustries.size()]);
      r.mutable_project()->set_start_period(start);
      r.mutable_project()->set_planned_investment_fen(
          some_small && rng() % 10 == 0 ? 300'000'000 : 1'000'000'000 + rng() % 999);
      r.mutable_project()->set_planned_equipment_investment_fen(0);
      r.mutable_project()->clear_renovation_types();
      const auto type = static_cast<v1::RenovationType>(1 + rng() % 7);
      r.mutable_project()->add_renovation_types(type);
      if (type != v1::RENOVATION_TYPE_QUALITY_BRAND && rng() % 2) {
        r.mutable_project()->add_renovation_types(v1::RENOVATION_TYPE_QUALITY_BRAND);
      }
      r.mutable_project()->clear_requested_support();
      if (rng() % 3) {
        r.mutable_project()->add_requested_support(
            static_cast<v1::SupportInstrument>(1 + rng() % 3));
      }
      writer->Write(r);
    }
    writer->WritesDone();
    EXPECT_TRUE(writer->Finish().ok());
    std::vector<std::string> codes;
    for (const auto& r : response.results()) {
      EXPECT_NE(r.outcome(), v1::OUTCOME_REJECTED) << r.DebugString();
      codes.push_back(r.project_code());
    }
    return codes;
  }

  void PushReports(const std::vector<v1::ProgressReport>& reports) {
    grpc::Status s;
    v1::PushProgressResponse response = env_->PushProgress(Province(), reports, &s);
    ASSERT_TRUE(s.ok()) << s.error_message();
    ASSERT_EQ(response.rejected(), 0) << response.results(0).DebugString();
  }

  static v1::ProgressReport Report(const std::string& code, int index, int64_t fen,
                                   v1::ProjectStatus status = v1::PROJECT_STATUS_UNSPECIFIED) {
    v1::ProgressReport r;
    r.set_project_code(code);
    r.set_period(absl::StrFormat("%04d-%02d", index / 12, index % 12 + 1));
    r.set_completed_investment_fen(fen);
    r.mutable_split()->set_equipment_tools_fen(fen);
    r.set_status(status);
    return r;
  }

  // Plain SQL over the base tables: reports joined to projects, for one row
  // key (its dimensions as SQL conditions) and a month range.
  int64_t SqlSum(const std::string& condition, int first, int last) {
    int64_t sum = -1;
    EXPECT_TRUE(store::RunInTransaction(env_->pool(), [&](pqxx::transaction_base& tx) {
                  sum = tx.exec_params(
                              "SELECT coalesce(sum(r.completed_fen), 0)::bigint "
                              "FROM monitoring_reports r JOIN v_projects p USING (project_code) "
                              "JOIN regions g ON g.code = r.county_code "
                              "JOIN v_enterprises e ON e.credit_code = p.enterprise_credit_code "
                              "WHERE r.period_index BETWEEN $1 AND $2 AND "
                              "p.planned_investment_fen >= 500000000 AND p.status <> 5 AND " +
                                  condition,
                              first, last)[0][0]
                            .as<int64_t>();
                  return absl::OkStatus();
                }).ok());
    return sum;
  }

  int64_t SqlProjects(const std::string& condition, int first, int last) {
    int64_t n = -1;
    EXPECT_TRUE(store::RunInTransaction(env_->pool(), [&](pqxx::transaction_base& tx) {
                  n = tx.exec_params(
                            "SELECT count(*) FROM v_projects p JOIN regions g ON g.code = "
                            "p.county_code JOIN v_enterprises e ON e.credit_code = "
                            "p.enterprise_credit_code LEFT JOIN (SELECT project_code, "
                            "min(period_index) AS c "
                            "FROM monitoring_reports WHERE status = 3 GROUP BY 1) done "
                            "USING (project_code) WHERE p.planned_investment_fen >= 500000000 "
                            "AND p.status <> 5 AND (left(p.start_period, 4)::int * 12 + "
                            "right(p.start_period, 2)::int - 1) <= $2 "
                            "AND (least(done.c, p.completion_index) IS NULL OR "
                            "least(done.c, p.completion_index) >= $1) AND " +
                                condition,
                            first, last)[0][0]
                          .as<int64_t>();
                  return absl::OkStatus();
                }).ok());
    return n;
  }

  // Every grouping the summaries answer (each dimension alone, with region or
  // region group), against the project path — the same request with
  // enterprise counts added, which only the project path answers: the same
  // rows with the same figures, to the fen.
  void ExpectSummariesAnswerAsProjectsDo() {
    using D = v1::AggregateDimension;
    const std::vector<std::vector<D>> groupings = {
        {},
        {v1::AGGREGATE_DIMENSION_REGION},
        {v1::AGGREGATE_DIMENSION_REGION_GROUP},
        {v1::AGGREGATE_DIMENSION_INDUSTRY_DIVISION},
        {v1::AGGREGATE_DIMENSION_RENOVATION_TYPE},
        {v1::AGGREGATE_DIMENSION_SUPPORT_INSTRUMENT},
        {v1::AGGREGATE_DIMENSION_ENTERPRISE_SIZE},
        {v1::AGGREGATE_DIMENSION_PROJECT_STAGE},
        {v1::AGGREGATE_DIMENSION_REGION, v1::AGGREGATE_DIMENSION_RENOVATION_TYPE},
        {v1::AGGREGATE_DIMENSION_PROJECT_STAGE, v1::AGGREGATE_DIMENSION_REGION},
        {v1::AGGREGATE_DIMENSION_REGION_GROUP, v1::AGGREGATE_DIMENSION_SUPPORT_INSTRUMENT},
        {v1::AGGREGATE_DIMENSION_REGION, v1::AGGREGATE_DIMENSION_ENTERPRISE_SIZE}};
    for (const auto& grouping : groupings) {
      for (bool division_filter : {false, true}) {
        v1::QueryAggregatesRequest q;
        for (D d : grouping) q.add_group_by(d);
        if (division_filter) {
          const bool other = std::any_of(grouping.begin(), grouping.end(), [](D d) {
            return d != v1::AGGREGATE_DIMENSION_REGION &&
                   d != v1::AGGREGATE_DIMENSION_REGION_GROUP &&
                   d != v1::AGGREGATE_DIMENSION_INDUSTRY_DIVISION;
          });
          if (other) continue;  // the project path's case
          q.add_industry_codes("34");
          q.add_industry_codes("13");
        }
        q.set_region_tier(v1::REGION_TIER_CITY);
        q.set_granularity(v1::GRANULARITY_QUARTER);
        q.set_from_period("2019-01");
        q.set_to_period("2019-12");
        q.set_include_totals(true);
        q.set_page_size(5000);
        for (auto m : {v1::AGGREGATE_METRIC_PROJECT_COUNT, v1::AGGREGATE_METRIC_PLANNED_INVESTMENT,
                       v1::AGGREGATE_METRIC_COMPLETED, v1::AGGREGATE_METRIC_YTD,
                       v1::AGGREGATE_METRIC_SINCE_START, v1::AGGREGATE_METRIC_YOY_GROWTH}) {
          q.add_metrics(m);
        }
        v1::QueryAggregatesRequest slow_q = q;
        slow_q.add_metrics(v1::AGGREGATE_METRIC_ENTERPRISES_COMPLETED);
        v1::QueryAggregatesResponse fast, slow;
        ASSERT_TRUE(
            monitoring_->QueryAggregates(TestEnv::Context(Province()).get(), q, &fast).ok());
        ASSERT_TRUE(
            monitoring_->QueryAggregates(TestEnv::Context(Province()).get(), slow_q, &slow).ok());
        SCOPED_TRACE(q.ShortDebugString());
        auto same = [](const v1::AggregateRow& a, const v1::AggregateRow& b) {
          EXPECT_EQ(a.key().ShortDebugString(), b.key().ShortDebugString());
          EXPECT_EQ(a.period_label(), b.period_label());
          EXPECT_EQ(a.project_count(), b.project_count()) << a.ShortDebugString();
          EXPECT_EQ(a.planned_investment_fen(), b.planned_investment_fen());
          EXPECT_EQ(a.completed_fen(), b.completed_fen()) << a.ShortDebugString();
          EXPECT_EQ(a.ytd_completed_fen(), b.ytd_completed_fen());
          EXPECT_EQ(a.since_start_completed_fen(), b.since_start_completed_fen());
          EXPECT_EQ(a.prior_year_completed_fen(), b.prior_year_completed_fen());
          EXPECT_EQ(a.prior_year_ytd_fen(), b.prior_year_ytd_fen());
        };
        ASSERT_EQ(fast.rows_size(), slow.rows_size());
        ASSERT_GT(fast.rows_size(), 0);
        for (int i = 0; i < fast.rows_size(); ++i) same(fast.rows(i), slow.rows(i));
        ASSERT_EQ(fast.totals_size(), slow.totals_size());
        for (int i = 0; i < fast.totals_size(); ++i) same(fast.totals(i), slow.totals(i));
      }
    }
  }

  std::unique_ptr<v1::InvestmentMonitoring::Stub> monitoring_;
  std::unique_ptr<v1::ProjectRegistry::Stub> registry_;
};

// The SQL condition selecting a row's projects (aliases: g = the county's
// region row, p = the project).
std::string Condition(const v1::QueryAggregatesRequest& q, const v1::AggregateKey& key) {
  std::string c = "TRUE";
  for (int d : q.group_by()) {
    if (d == v1::AGGREGATE_DIMENSION_REGION) {
      const std::string& code = key.region().code();
      if (q.region_tier() == v1::REGION_TIER_COUNTY) {
        absl::StrAppend(&c, " AND g.code = '", code, "'");
      } else if (q.region_tier() == v1::REGION_TIER_CITY) {
        absl::StrAppend(&c,
                        " AND (CASE WHEN g.tier = 'city' THEN g.code ELSE g.parent_code END) = '",
                        code, "'");
      }
    } else if (d == v1::AGGREGATE_DIMENSION_REGION_GROUP) {
      absl::StrAppend(&c, " AND EXISTS (SELECT 1 FROM region_group_members m WHERE m.group_id = '",
                      key.region_group().id(), "' AND m.region_code IN (g.code, g.parent_code))");
    } else if (d == v1::AGGREGATE_DIMENSION_INDUSTRY_DIVISION) {
      absl::StrAppend(&c, " AND left(p.industry_code, 2) = '", key.industry_division(), "'");
    } else if (d == v1::AGGREGATE_DIMENSION_RENOVATION_TYPE) {
      absl::StrAppend(&c, " AND ", static_cast<int>(key.renovation_type()),
                      " = ANY (p.renovation_types)");
    } else if (d == v1::AGGREGATE_DIMENSION_SUPPORT_INSTRUMENT) {
      // The UNSPECIFIED row holds the projects that requested no support.
      absl::StrAppend(&c, key.support_instrument() == v1::SUPPORT_INSTRUMENT_UNSPECIFIED
                              ? " AND cardinality(p.requested_support) = 0"
                              : absl::StrCat(" AND ", static_cast<int>(key.support_instrument()),
                                             " = ANY (p.requested_support)"));
    } else if (d == v1::AGGREGATE_DIMENSION_ENTERPRISE_SIZE) {
      absl::StrAppend(&c, " AND e.revenue_band = ", static_cast<int>(key.revenue_band()));
    }
  }
  return c;
}

int IndexOf(const std::string& period) {
  return std::stoi(period.substr(0, 4)) * 12 + std::stoi(period.substr(5, 2)) - 1;
}

TEST_F(AggregatesTest, EveryFigureEqualsPlainSqlOnRandomData) {
  // Years 2018–2019, apart from the plan scenario's 2014–2017 below (tests run
  // in one process share its database).
  std::mt19937 rng(20151231);
  std::vector<v1::ProgressReport> reports;
  int salt = 0;
  for (const std::string& county : kCounties) {
    for (const std::string& code : Projects(county, 250, "2018-01", rng, ++salt, true)) {
      const int first = 2018 * 12 + rng() % 6, last = 2019 * 12 + 11;
      const int done = rng() % 4 == 0 ? first + 6 + rng() % 12 : -1;  // a quarter complete
      for (int i = first; i <= last && (done < 0 || i <= done); ++i) {
        if (rng() % 5 == 0) continue;  // months without a report
        reports.push_back(Report(
            code, i, 1'000'000 + rng() % 90'000'000,
            i == done ? v1::PROJECT_STATUS_COMPLETED : v1::PROJECT_STATUS_UNDER_CONSTRUCTION));
      }
    }
  }
  PushReports(reports);
  ASSERT_GT(reports.size(), 30'000u);

  const std::vector<std::vector<v1::AggregateDimension>> groupings = {
      {},
      {v1::AGGREGATE_DIMENSION_REGION},
      {v1::AGGREGATE_DIMENSION_REGION_GROUP},
      {v1::AGGREGATE_DIMENSION_INDUSTRY_DIVISION},
      {v1::AGGREGATE_DIMENSION_REGION, v1::AGGREGATE_DIMENSION_INDUSTRY_DIVISION},
      {v1::AGGREGATE_DIMENSION_INDUSTRY_DIVISION, v1::AGGREGATE_DIMENSION_REGION_GROUP},
      {v1::AGGREGATE_DIMENSION_RENOVATION_TYPE},
      {v1::AGGREGATE_DIMENSION_REGION, v1::AGGREGATE_DIMENSION_SUPPORT_INSTRUMENT},
      {v1::AGGREGATE_DIMENSION_ENTERPRISE_SIZE, v1::AGGREGATE_DIMENSION_INDUSTRY_DIVISION}};
  const v1::Granularity granularities[] = {v1::GRANULARITY_MONTH, v1::GRANULARITY_QUARTER,
                                           v1::GRANULARITY_HALF_YEAR, v1::GRANULARITY_YEAR};
  int checked = 0;
  for (int trial = 0; trial < 16; ++trial) {
    v1::QueryAggregatesRequest q;
    for (auto d : groupings[rng() % groupings.size()]) q.add_group_by(d);
    q.set_region_tier(rng() % 2 ? v1::REGION_TIER_CITY : v1::REGION_TIER_COUNTY);
    q.set_granularity(granularities[rng() % 4]);
    q.set_from_period("2019-01");
    q.set_to_period(rng() % 2 ? "2019-12" : "2019-08");
    q.set_include_totals(true);
    q.set_page_size(5000);
    v1::QueryAggregatesResponse resp;
    grpc::Status s = monitoring_->QueryAggregates(TestEnv::Context(Province()).get(), q, &resp);
    ASSERT_TRUE(s.ok()) << s.error_message();
    ASSERT_GT(resp.rows_size(), 0);
    // Check a sample of rows (all of them would be thousands of queries).
    for (int i = 0; i < resp.rows_size(); i += 1 + resp.rows_size() / 15) {
      const v1::AggregateRow& row = resp.rows(i);
      const std::string c = Condition(q, row.key());
      const int first = IndexOf(row.period_start()), last = IndexOf(row.period_end());
      const int jan = last - last % 12;
      SCOPED_TRACE(absl::StrCat(q.ShortDebugString(), " row ", row.ShortDebugString()));
      EXPECT_EQ(row.completed_fen(), SqlSum(c, first, last));
      EXPECT_EQ(row.ytd_completed_fen(), SqlSum(c, jan, last));
      EXPECT_EQ(row.since_start_completed_fen(), SqlSum(c, 0, last));
      EXPECT_EQ(row.prior_year_completed_fen(), SqlSum(c, first - 12, last - 12));
      EXPECT_EQ(row.project_count(), SqlProjects(c, first, last));
      ++checked;
    }
    for (const auto& total : resp.totals()) {
      EXPECT_EQ(total.completed_fen(),
                SqlSum("TRUE", IndexOf(total.period_start()), IndexOf(total.period_end())));
    }
  }
  EXPECT_GT(checked, 50);
  ExpectSummariesAnswerAsProjectsDo();

  // Registry changes move a project's whole history between summary cells:
  // new renovation types, support and industry; a plan cut below the
  // statistics threshold; a withdrawal; an enterprise's size band.
  const std::string token = Province();
  v1::ListProjectsRequest list;
  list.set_page_size(40);
  v1::ListProjectsResponse listed;
  ASSERT_TRUE(registry_->ListProjects(TestEnv::Context(token).get(), list, &listed).ok());
  ASSERT_EQ(listed.projects_size(), 40);
  for (int i = 0; i < 30; ++i) {
    v1::UpsertProjectRequest up;
    up.set_request_id(absl::StrCat("agg-move-", i));
    *up.mutable_project() = listed.projects(i);
    up.set_expected_version(listed.projects(i).version());
    v1::Project& p = *up.mutable_project();
    p.clear_renovation_types();
    p.add_renovation_types(static_cast<v1::RenovationType>(1 + i % 7));
    p.clear_requested_support();
    if (i % 3) p.add_requested_support(static_cast<v1::SupportInstrument>(1 + i % 3));
    p.set_industry_code(kIndustries[i % kIndustries.size()]);
    if (i % 10 == 0) p.set_planned_investment_fen(400'000'000);  // under 500万元
    v1::UpsertProjectResponse upr;
    grpc::Status s = registry_->UpsertProject(TestEnv::Context(token).get(), up, &upr);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }
  for (int i = 30; i < 34; ++i) {
    v1::WithdrawProjectRequest w;
    w.set_request_id(absl::StrCat("agg-withdraw-", i));
    w.set_project_code(listed.projects(i).project_code());
    w.set_reason("项目终止");
    v1::Project withdrawn;
    grpc::Status s = registry_->WithdrawProject(TestEnv::Context(token).get(), w, &withdrawn);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }
  {
    v1::GetEnterpriseRequest get;
    get.set_credit_code(listed.projects(35).enterprise_credit_code());
    v1::Enterprise e;
    ASSERT_TRUE(registry_->GetEnterprise(TestEnv::Context(token).get(), get, &e).ok());
    v1::UpsertEnterpriseRequest up;
    up.set_request_id("agg-band");
    *up.mutable_enterprise() = e;
    up.mutable_enterprise()->set_revenue_band(e.revenue_band() == v1::REVENUE_BAND_OVER_400M
                                                  ? v1::REVENUE_BAND_OVER_50M
                                                  : v1::REVENUE_BAND_OVER_400M);
    v1::UpsertEnterpriseResponse upr;
    grpc::Status s = registry_->UpsertEnterprise(TestEnv::Context(token).get(), up, &upr);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }
  ASSERT_TRUE(store::RunInTransaction(env_->pool(), [&](pqxx::transaction_base& tx) {
                EXPECT_EQ(SummaryMismatches(tx), 0);
                return absl::OkStatus();
              }).ok());
  ExpectSummariesAnswerAsProjectsDo();
}

// 技术改造投资 2015–2017: a 2014 base of 1,896.1亿 growing 27.5 % a year gives
// 2,417.6 / 3,082.4 / 3,930.0亿, 9,430亿 in all, against the plan's targets.
TEST_F(AggregatesTest, ThePlansFiguresEndToEnd) {
  const double yi = 1e10;  // fen per 亿元
  const double base = 9430.0 / (1.275 + 1.275 * 1.275 + 1.275 * 1.275 * 1.275);
  std::map<int, int64_t> yearly;  // fen
  for (int year = 2014; year <= 2017; ++year) {
    yearly[year] = std::llround(base * std::pow(1.275, year - 2014) * yi);
  }
  // Targets as `techreno targets seed-plan` sets them.
  for (int year = 2015; year <= 2017; ++year) {
    v1::SetTargetRequest req;
    req.set_request_id(absl::StrCat("plan-", year));
    req.mutable_target()->set_year(year);
    req.mutable_target()->set_region_code("440000");
    req.mutable_target()->set_metric(v1::TARGET_METRIC_TECH_RENOVATION_INVESTMENT_FEN);
    req.mutable_target()->set_value(yearly[year]);
    v1::SetTargetResponse resp;
    ASSERT_TRUE(monitoring_->SetTarget(TestEnv::Context(Province()).get(), req, &resp).ok());
  }
  v1::SetTargetRequest industrial;
  industrial.set_request_id("plan-industrial-2015");
  industrial.mutable_target()->set_year(2015);
  industrial.mutable_target()->set_region_code("440000");
  industrial.mutable_target()->set_metric(v1::TARGET_METRIC_INDUSTRIAL_INVESTMENT_FEN);
  industrial.mutable_target()->set_value(981'290'000'000'000);
  v1::SetTargetResponse industrial_resp;
  ASSERT_TRUE(
      monitoring_->SetTarget(TestEnv::Context(Province()).get(), industrial, &industrial_resp)
          .ok());
  // 84 projects (4 in each of the 21 cities' first county), each reporting
  // an equal share every month, the remainder on the year's last report.
  std::mt19937 rng(2015);
  std::vector<std::string> codes;
  const auto& regions = store::Reference().regions;
  int salt = 100;
  for (const codes::Region& city : regions.All()) {
    if (city.tier != codes::RegionTier::kCity) continue;
    std::string county = city.code;
    for (const codes::Region& r : regions.All()) {
      if (r.parent_code == city.code) {
        county = r.code;
        break;
      }
    }
    for (const std::string& code : Projects(county, 4, "2014-01", rng, ++salt)) {
      codes.push_back(code);
    }
  }
  std::vector<v1::ProgressReport> reports;
  for (int year = 2014; year <= 2017; ++year) {
    const int64_t cell = yearly[year] / (12 * static_cast<int64_t>(codes.size()));
    const int64_t rest = yearly[year] - cell * 12 * static_cast<int64_t>(codes.size());
    for (size_t p = 0; p < codes.size(); ++p) {
      for (int month = 0; month < 12; ++month) {
        const bool last = p == 0 && month == 11;
        reports.push_back(Report(codes[p], year * 12 + month, cell + (last ? rest : 0)));
      }
    }
  }
  PushReports(reports);

  v1::QueryAggregatesRequest q;
  q.set_granularity(v1::GRANULARITY_YEAR);
  q.set_from_period("2015-01");
  q.set_to_period("2017-12");
  v1::QueryAggregatesResponse resp;
  ASSERT_TRUE(monitoring_->QueryAggregates(TestEnv::Context(Province()).get(), q, &resp).ok());
  ASSERT_EQ(resp.rows_size(), 3);
  const double expected[] = {2417.6, 3082.4, 3930.0};
  int64_t cumulative = 0;
  for (int i = 0; i < 3; ++i) {
    const v1::AggregateRow& row = resp.rows(i);
    EXPECT_EQ(row.period_label(), absl::StrCat(2015 + i));
    EXPECT_NEAR(row.completed_fen() / yi, expected[i], 0.05);
    EXPECT_NEAR(row.yoy_growth_pct(), 27.5, 1e-6);
    EXPECT_NEAR(row.percent_of_target(), 100.0, 1e-6);
    EXPECT_NEAR(row.schedule_points(), 0.0, 1e-6);
    EXPECT_EQ(row.project_count(), static_cast<int64_t>(codes.size()));
    cumulative += row.completed_fen();
  }
  EXPECT_NEAR(cumulative / yi, 9430.0, 0.05);
  // Other targets of the year travel with the row; techreno has no actual
  // figure for industrial investment.
  ASSERT_EQ(resp.rows(0).other_targets_size(), 1);
  EXPECT_EQ(resp.rows(0).other_targets(0).metric(), v1::TARGET_METRIC_INDUSTRIAL_INVESTMENT_FEN);
  EXPECT_FALSE(resp.rows(0).other_targets(0).has_actual());

  // Mid-2016 (half-year buckets): half the year's target done, on schedule.
  q.set_granularity(v1::GRANULARITY_HALF_YEAR);
  q.set_from_period("2016-01");
  q.set_to_period("2016-06");
  ASSERT_TRUE(monitoring_->QueryAggregates(TestEnv::Context(Province()).get(), q, &resp).ok());
  ASSERT_EQ(resp.rows_size(), 1);
  EXPECT_NEAR(resp.rows(0).percent_of_target(), 50.0, 0.01);
  EXPECT_NEAR(resp.rows(0).schedule_points(), 0.0, 0.01);
  // A city sees its own figures only and no province target.
  v1::QueryAggregatesRequest by_city = q;
  by_city.add_group_by(v1::AGGREGATE_DIMENSION_REGION);
  by_city.set_region_tier(v1::REGION_TIER_PROVINCE);
  EXPECT_EQ(
      monitoring_
          ->QueryAggregates(TestEnv::Context(env_->Token("city", "440100")).get(), by_city, &resp)
          .error_code(),
      grpc::StatusCode::INVALID_ARGUMENT);
}

// Project stages and distinct enterprise counts, on a small hand-made case in
// a county no other test here writes to (南沙区).
TEST_F(AggregatesTest, StagesAndEnterpriseCounts) {
  std::mt19937 rng(7);
  const std::string continuing = Projects("440115", 1, "2018-01", rng, 900)[0];
  const std::string started = Projects("440115", 1, "2019-03", rng, 901)[0];
  const std::string done = Projects("440115", 1, "2019-05", rng, 902)[0];
  PushReports({Report(continuing, 2018 * 12 + 5, 1000), Report(continuing, 2019 * 12 + 5, 3000),
               Report(started, 2019 * 12 + 3, 500), Report(done, 2019 * 12 + 5, 700),
               Report(done, 2019 * 12 + 8, 800, v1::PROJECT_STATUS_COMPLETED)});
  v1::QueryAggregatesRequest q;
  q.add_group_by(v1::AGGREGATE_DIMENSION_PROJECT_STAGE);
  q.add_region_codes("440115");
  q.set_granularity(v1::GRANULARITY_YEAR);
  q.set_from_period("2019-01");
  q.set_to_period("2019-12");
  q.add_metrics(v1::AGGREGATE_METRIC_ENTERPRISES_COMPLETED);
  q.add_metrics(v1::AGGREGATE_METRIC_COMPLETED);
  v1::QueryAggregatesResponse resp;
  ASSERT_TRUE(monitoring_->QueryAggregates(TestEnv::Context(Province()).get(), q, &resp).ok());
  std::map<v1::ProjectStage, const v1::AggregateRow*> by_stage;
  for (const auto& row : resp.rows()) by_stage[row.key().project_stage()] = &row;
  ASSERT_EQ(by_stage.size(), 3u);
  // Completion takes precedence: `done` started and completed in 2019.
  EXPECT_EQ(by_stage[v1::PROJECT_STAGE_COMPLETED]->project_count(), 1);
  EXPECT_EQ(by_stage[v1::PROJECT_STAGE_COMPLETED]->completed_fen(), 1500);
  EXPECT_EQ(by_stage[v1::PROJECT_STAGE_COMPLETED]->enterprises_completed(), 1);
  EXPECT_EQ(by_stage[v1::PROJECT_STAGE_NEW_START]->project_count(), 1);
  EXPECT_EQ(by_stage[v1::PROJECT_STAGE_NEW_START]->completed_fen(), 500);
  EXPECT_EQ(by_stage[v1::PROJECT_STAGE_NEW_START]->enterprises_completed(), 0);
  EXPECT_EQ(by_stage[v1::PROJECT_STAGE_CONTINUING]->project_count(), 1);
  EXPECT_EQ(by_stage[v1::PROJECT_STAGE_CONTINUING]->completed_fen(), 3000);
  // A year earlier the continuing project was itself a new start.
  EXPECT_EQ(by_stage[v1::PROJECT_STAGE_CONTINUING]->prior_year_completed_fen(), 0);
  EXPECT_EQ(by_stage[v1::PROJECT_STAGE_NEW_START]->prior_year_completed_fen(), 1000);
  // Filtering on a stage keeps its projects only.
  q.clear_group_by();
  q.add_project_stages(v1::PROJECT_STAGE_CONTINUING);
  ASSERT_TRUE(monitoring_->QueryAggregates(TestEnv::Context(Province()).get(), q, &resp).ok());
  ASSERT_EQ(resp.rows_size(), 1);
  EXPECT_EQ(resp.rows(0).completed_fen(), 3000);
  EXPECT_FALSE(resp.rows(0).has_target_fen());  // a stage filter cuts into the region
}

}  // namespace
}  // namespace techreno::testing
