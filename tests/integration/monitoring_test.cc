// InvestmentMonitoring over a real server and database: progress reports and
// their calendar rules, corrections, locks, the rollup kept exact, targets.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "libs/rpc/status.h"
#include "libs/store/transaction.h"
#include "techreno/v1/monitoring.grpc.pb.h"
#include "tests/integration/harness.h"

namespace techreno::testing {
namespace {

class MonitoringTest : public DbTest {
 protected:
  void SetUp() override {
    DbTest::SetUp();
    if (env_ != nullptr) monitoring_ = v1::InvestmentMonitoring::NewStub(env_->channel());
  }

  static int Next() {
    static std::atomic<int> n{0};
    return ++n;
  }
  std::string County(const std::string& code) { return env_->Token("county", code); }
  std::string Province() { return env_->Token("province", "440000"); }

  // A registered project in `county` starting 2024-01; returns its code.
  std::string Project(const std::string& county, const std::string& industry = "34") {
    auto registry = env_->Registry();
    const int n = Next();
    v1::UpsertEnterpriseRequest ent;
    ent.set_request_id(absl::StrCat("mon-ent-", n));
    *ent.mutable_enterprise() = SampleEnterprise(county, 70000 + n);
    v1::UpsertEnterpriseResponse ent_resp;
    EXPECT_TRUE(
        registry->UpsertEnterprise(TestEnv::Context(County(county)).get(), ent, &ent_resp).ok());
    v1::UpsertProjectRequest req;
    req.set_request_id(absl::StrCat("mon-prj-", n));
    *req.mutable_project() = SampleProject(county, ent.enterprise().credit_code(), 70000 + n);
    req.mutable_project()->set_industry_code(industry);
    req.mutable_project()->set_start_period("2024-01");
    v1::UpsertProjectResponse resp;
    grpc::Status s = registry->UpsertProject(TestEnv::Context(County(county)).get(), req, &resp);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return resp.project().project_code();
  }

  static v1::ProgressReport Report(const std::string& code, const std::string& period,
                                   int64_t fen) {
    v1::ProgressReport r;
    r.set_project_code(code);
    r.set_period(period);
    r.set_completed_investment_fen(fen);
    r.mutable_split()->set_equipment_tools_fen(fen - fen / 4);
    r.mutable_split()->set_building_works_fen(fen / 4);
    return r;
  }

  grpc::Status Submit(const std::string& token, const v1::ProgressReport& report,
                      v1::SubmitProgressResponse* out, const std::string& request_id = "") {
    v1::SubmitProgressRequest req;
    req.set_request_id(request_id.empty() ? absl::StrCat("sub-", Next()) : request_id);
    *req.mutable_report() = report;
    return monitoring_->SubmitProgress(TestEnv::Context(token).get(), req, out);
  }

  grpc::Status Lock(const std::string& period, bool lock, const std::string& reason) {
    v1::LockPeriodRequest req;
    req.set_request_id(absl::StrCat("lock-", Next()));
    req.set_period(period);
    req.set_lock(lock);
    req.set_reason(reason);
    v1::LockPeriodResponse resp;
    return monitoring_->LockPeriod(TestEnv::Context(Province()).get(), req, &resp);
  }

  static std::vector<std::string> Rules(const grpc::Status& s) {
    std::vector<std::string> out;
    for (const auto& v : rpc::FieldViolations(rpc::FromGrpcStatus(s))) {
      out.push_back(v.description.substr(1, v.description.find(']') - 1));
    }
    return out;
  }

  std::unique_ptr<v1::InvestmentMonitoring::Stub> monitoring_;
};

TEST_F(MonitoringTest, ReportsCorrectionsAndTotals) {
  const std::string code = Project("440103");
  v1::SubmitProgressResponse r1, r2, r3, r4;
  ASSERT_TRUE(Submit(County("440103"), Report(code, "2024-01", 100'000'000), &r1).ok());
  EXPECT_EQ(r1.outcome(), v1::OUTCOME_ACCEPTED);
  EXPECT_EQ(r1.report().version(), 1);
  EXPECT_FALSE(r1.corrected());
  EXPECT_TRUE(r1.report().late());  // 2024-H1 reports were due by 2024-06-30
  EXPECT_EQ(r1.report().county().name(), "荔湾区");
  ASSERT_TRUE(Submit(County("440103"), Report(code, "2024-03", 50'000'000), &r2).ok());
  EXPECT_EQ(r2.report().ytd_completed_fen(), 150'000'000);
  ASSERT_TRUE(Submit(County("440103"), Report(code, "2025-01", 10'000'000), &r3).ok());
  EXPECT_EQ(r3.report().ytd_completed_fen(), 10'000'000);
  EXPECT_EQ(r3.report().since_start_completed_fen(), 160'000'000);
  // Re-sending a month is a correction; the same figures again change nothing.
  ASSERT_TRUE(Submit(County("440103"), Report(code, "2024-01", 120'000'000), &r4).ok());
  EXPECT_TRUE(r4.corrected());
  EXPECT_EQ(r4.report().version(), 2);
  ASSERT_TRUE(Submit(County("440103"), Report(code, "2024-01", 120'000'000), &r4).ok());
  EXPECT_EQ(r4.outcome(), v1::OUTCOME_UNCHANGED);
  EXPECT_EQ(r4.report().version(), 2);
  // The registry's reads show the project's total since start: 120 + 50 + 10 (万 × 100).
  {
    auto registry = env_->Registry();
    v1::GetProjectRequest get;
    get.set_project_code(code);
    v1::Project p;
    ASSERT_TRUE(registry->GetProject(TestEnv::Context(County("440103")).get(), get, &p).ok());
    EXPECT_EQ(p.completed_investment_fen(), 180'000'000);
    v1::ListProjectsRequest list;
    list.set_county_code("440103");
    v1::ListProjectsResponse page;
    ASSERT_TRUE(registry->ListProjects(TestEnv::Context(County("440103")).get(), list, &page).ok());
    auto listed = std::find_if(page.projects().begin(), page.projects().end(),
                               [&](const v1::Project& x) { return x.project_code() == code; });
    ASSERT_NE(listed, page.projects().end());
    EXPECT_EQ(listed->completed_investment_fen(), 180'000'000);
  }
  // Each write left one audit row: the stored row after it, and before it
  // for the correction; the unchanged re-send left none.
  ASSERT_TRUE(store::RunInTransaction(env_->pool(), [&](pqxx::transaction_base& tx) {
                pqxx::result audit = tx.exec_params(
                    "SELECT a.action, a.version, a.request_id IS NOT NULL, "
                    "  (a.before->>'completed_fen')::bigint, a.after::jsonb = to_jsonb(r) "
                    "FROM audit_log a LEFT JOIN monitoring_reports r "
                    "  ON r.project_code = $1 AND r.period = '2024-01' "
                    "WHERE a.entity = 'progress' AND a.entity_key = $1 || '@2024-01' ORDER BY a.id",
                    code);
                EXPECT_EQ(audit.size(), 2);
                if (audit.size() != 2) return absl::OkStatus();
                EXPECT_EQ(audit[0][0].as<std::string>(), "report");
                EXPECT_TRUE(audit[0][3].is_null());
                EXPECT_FALSE(audit[0][4].as<bool>());  // version 1 was replaced
                EXPECT_EQ(audit[1][0].as<std::string>(), "correct");
                EXPECT_EQ(audit[1][1].as<int>(), 2);
                EXPECT_TRUE(audit[1][2].as<bool>());
                EXPECT_EQ(audit[1][3].as<int64_t>(), 100'000'000);
                EXPECT_TRUE(audit[1][4].as<bool>());
                return absl::OkStatus();
              }).ok());
  // Declared totals must agree with the history, naming both figures.
  v1::ProgressReport declared = Report(code, "2024-03", 50'000'000);
  declared.set_declared_ytd_fen(1);
  grpc::Status s = Submit(County("440103"), declared, &r4);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(s.error_message().find("170000000"), std::string::npos) << s.error_message();
  declared.set_declared_ytd_fen(170'000'000);
  declared.set_declared_since_start_fen(170'000'000);  // 2025-01 comes later
  EXPECT_TRUE(Submit(County("440103"), declared, &r4).ok());
}

TEST_F(MonitoringTest, EveryBadFieldAndCalendarRule) {
  const std::string code = Project("440103");
  v1::ProgressReport bad = Report(code, "2024-13", -5);
  bad.mutable_split()->set_other_fen(-1);
  bad.set_covers_january(true);
  v1::SubmitProgressResponse r;
  grpc::Status s = Submit(County("440103"), bad, &r);
  ASSERT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  std::vector<std::string> rules = Rules(s);
  for (const char* rule : {"period.format", "progress.amount.negative"}) {
    EXPECT_NE(std::find(rules.begin(), rules.end(), rule), rules.end()) << rule;
  }
  v1::ProgressReport split = Report(code, "2024-02", 100);
  split.mutable_split()->set_other_fen(7);
  EXPECT_EQ(Rules(Submit(County("440103"), split, &r)),
            std::vector<std::string>{"progress.split.sum"});
  v1::ProgressReport noted = Report(code, "2024-02", 100);
  noted.set_note(std::string("进度\0说明", 13));
  EXPECT_EQ(Rules(Submit(County("440103"), noted, &r)),
            std::vector<std::string>{"text.control_characters"});
  EXPECT_EQ(Rules(Submit(County("440103"), Report(code, "2099-01", 1), &r)),
            std::vector<std::string>{"progress.period.future"});
  EXPECT_EQ(Rules(Submit(County("440103"), Report(code, "2023-12", 1), &r)),
            std::vector<std::string>{"progress.period.before_start"});
  // Scope: another county, a city and an auditor may not report here.
  EXPECT_EQ(Submit(County("440104"), Report(code, "2024-02", 1), &r).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Submit(env_->Token("city", "440100"), Report(code, "2024-02", 1), &r).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(
      Submit(County("440103"), Report("2024-440103-00-03-999999", "2024-02", 1), &r).error_code(),
      grpc::StatusCode::NOT_FOUND);
}

TEST_F(MonitoringTest, FebruaryMayCoverJanuaryButNotBoth) {
  const std::string code = Project("440103");
  v1::ProgressReport feb = Report(code, "2024-02", 300);
  feb.set_covers_january(true);
  v1::SubmitProgressResponse r;
  ASSERT_TRUE(Submit(County("440103"), feb, &r).ok());
  EXPECT_EQ(Rules(Submit(County("440103"), Report(code, "2024-01", 1), &r)),
            std::vector<std::string>{"progress.period.covered_by_february"});
  const std::string other = Project("440103");
  ASSERT_TRUE(Submit(County("440103"), Report(other, "2024-01", 1), &r).ok());
  feb.set_project_code(other);
  EXPECT_EQ(Rules(Submit(County("440103"), feb, &r)),
            std::vector<std::string>{"progress.period.covered_by_february"});
}

TEST_F(MonitoringTest, NoReportsAfterCompletion) {
  const std::string code = Project("440103");
  v1::ProgressReport done = Report(code, "2024-05", 10);
  done.set_status(v1::PROJECT_STATUS_COMPLETED);
  v1::SubmitProgressResponse r;
  ASSERT_TRUE(Submit(County("440103"), done, &r).ok());
  EXPECT_EQ(Rules(Submit(County("440103"), Report(code, "2024-06", 1), &r)),
            std::vector<std::string>{"progress.period.after_completion"});
  EXPECT_TRUE(Submit(County("440103"), Report(code, "2024-04", 1), &r).ok());
}

TEST_F(MonitoringTest, LockedPeriodsRefuseReportsUntilUnlockedWithReason) {
  const std::string code = Project("440105");
  ASSERT_TRUE(Lock("2025-07", true, "2025年下半年截止").ok());
  v1::SubmitProgressResponse r;
  grpc::Status s = Submit(County("440105"), Report(code, "2025-07", 1), &r);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(Rules(s), std::vector<std::string>{"progress.period.locked"});
  EXPECT_EQ(Lock("2025-07", false, "").error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  ASSERT_TRUE(Lock("2025-07", false, "允许更正").ok());
  EXPECT_TRUE(Submit(County("440105"), Report(code, "2025-07", 1), &r).ok());
  // Only the province locks.
  v1::LockPeriodRequest req;
  req.set_request_id("county-lock");
  req.set_period("2025-08");
  req.set_lock(true);
  v1::LockPeriodResponse resp;
  EXPECT_EQ(
      monitoring_->LockPeriod(TestEnv::Context(County("440105")).get(), req, &resp).error_code(),
      grpc::StatusCode::PERMISSION_DENIED);
  // Locking twice changes nothing the second time.
  ASSERT_TRUE(Lock("2025-09", true, "").ok());
  req.set_request_id("lock-again");
  req.set_period("2025-09");
  ASSERT_TRUE(monitoring_->LockPeriod(TestEnv::Context(Province()).get(), req, &resp).ok());
  EXPECT_EQ(resp.outcome(), v1::OUTCOME_UNCHANGED);
  ASSERT_TRUE(Lock("2025-09", false, "测试结束").ok());  // other tests report into 2025
}

// Every cell of the rollup equals plain SQL over the reports, after reports
// and corrections from several counties at once.
TEST_F(MonitoringTest, ConcurrentReportsLeaveTheSummariesExact) {
  const std::vector<std::string> counties = {"440303", "440304", "440305", "440306"};
  std::vector<std::thread> threads;
  for (const std::string& county : counties) {
    threads.emplace_back([&, county] {
      std::vector<std::string> codes = {Project(county, "34"), Project(county, "391")};
      std::vector<v1::ProgressReport> reports;
      for (int round = 0; round < 2; ++round) {  // the second round corrects every month
        for (const std::string& code : codes) {
          for (int month = 1; month <= 12; ++month) {
            reports.push_back(Report(code, absl::StrFormat("2024-%02d", month),
                                     (round + 1) * 1000 * month + code.back()));
          }
        }
      }
      grpc::Status s;
      v1::PushProgressResponse response = env_->PushProgress(County(county), reports, &s);
      EXPECT_TRUE(s.ok()) << s.error_message();
      EXPECT_EQ(response.accepted(), 48);
      for (const auto& r : response.results()) {
        if (r.outcome() != v1::OUTCOME_ACCEPTED) ADD_FAILURE() << r.DebugString();
      }
      EXPECT_EQ(response.corrected(), 24);
    });
  }
  for (auto& t : threads) t.join();
  int64_t mismatches = -1;
  ASSERT_TRUE(store::RunInTransaction(env_->pool(), [&](pqxx::transaction_base& tx) {
                mismatches = SummaryMismatches(tx);
                return absl::OkStatus();
              }).ok());
  EXPECT_EQ(mismatches, 0);
}

TEST_F(MonitoringTest, TargetsAreSetByProvinceAndCitiesAndShowShortfalls) {
  auto set = [&](const std::string& token, const std::string& region, const std::string& group,
                 int64_t value) {
    v1::SetTargetRequest req;
    req.set_request_id(absl::StrCat("target-", Next()));
    req.mutable_target()->set_year(2016);
    req.mutable_target()->set_region_code(region);
    req.mutable_target()->set_region_group_id(group);
    req.mutable_target()->set_metric(v1::TARGET_METRIC_TECH_RENOVATION_INVESTMENT_FEN);
    req.mutable_target()->set_value(value);
    v1::SetTargetResponse resp;
    return monitoring_->SetTarget(TestEnv::Context(token).get(), req, &resp);
  };
  const std::string city = env_->Token("city", "440100");
  ASSERT_TRUE(set(Province(), "440000", "", 1000).ok());
  ASSERT_TRUE(set(Province(), "440100", "", 300).ok());
  ASSERT_TRUE(set(Province(), "", "west-bank-equipment", 200).ok());
  ASSERT_TRUE(set(city, "440103", "", 100).ok());
  ASSERT_TRUE(set(city, "440104", "", 100).ok());
  EXPECT_EQ(set(city, "440100", "", 1).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(set(city, "440305", "", 1).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(set(County("440103"), "440103", "", 1).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(set(Province(), "440000", "west-bank-equipment", 1).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(set(Province(), "", "no-such-belt", 1).error_code(), grpc::StatusCode::NOT_FOUND);
  // Warnings tell when the split-down is short or overcommitted.
  v1::SetTargetRequest over;
  over.set_request_id("target-over");
  over.mutable_target()->set_year(2016);
  over.mutable_target()->set_region_code("440105");
  over.mutable_target()->set_metric(v1::TARGET_METRIC_TECH_RENOVATION_INVESTMENT_FEN);
  over.mutable_target()->set_value(250);  // 100 + 100 + 250 > Guangzhou's 300
  v1::SetTargetResponse over_resp;
  ASSERT_TRUE(monitoring_->SetTarget(TestEnv::Context(city).get(), over, &over_resp).ok());
  ASSERT_EQ(over_resp.warnings_size(), 1);
  EXPECT_EQ(over_resp.warnings(0).rule_id(), "target.children.exceed_parent");
  over.set_request_id("target-back");
  over.mutable_target()->set_value(0);
  ASSERT_TRUE(monitoring_->SetTarget(TestEnv::Context(city).get(), over, &over_resp).ok());

  v1::ListTargetsRequest list;
  list.set_year(2016);
  list.set_metric(v1::TARGET_METRIC_TECH_RENOVATION_INVESTMENT_FEN);
  list.set_include_region_groups(true);
  list.set_page_size(1000);
  v1::ListTargetsResponse tree;
  ASSERT_TRUE(monitoring_->ListTargets(TestEnv::Context(Province()).get(), list, &tree).ok());
  ASSERT_GT(tree.nodes_size(), 144);
  const v1::TargetNode& root = tree.nodes(0);
  EXPECT_EQ(root.region().name(), "广东省");
  EXPECT_EQ(root.children_count(), 21);
  EXPECT_EQ(root.children_total(), 300);
  EXPECT_TRUE(root.children_short());
  EXPECT_EQ(root.shortfall(), 700);
  for (const auto& node : tree.nodes()) {
    if (node.region().code() == "440100" && node.parent_group_id().empty()) {
      EXPECT_EQ(node.children_total(), 200);
      EXPECT_EQ(node.shortfall(), 100);
      EXPECT_EQ(node.depth(), 1);
    }
  }
  // A city sees its own subtree only.
  v1::ListTargetsResponse city_tree;
  list.set_include_region_groups(false);
  ASSERT_TRUE(monitoring_->ListTargets(TestEnv::Context(city).get(), list, &city_tree).ok());
  EXPECT_EQ(city_tree.nodes(0).region().code(), "440100");
  list.set_root_region_code("440300");
  EXPECT_EQ(monitoring_->ListTargets(TestEnv::Context(city).get(), list, &city_tree).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  list.clear_root_region_code();
  list.set_only_short(true);
  ASSERT_TRUE(monitoring_->ListTargets(TestEnv::Context(Province()).get(), list, &tree).ok());
  EXPECT_EQ(tree.nodes_size(), 2);  // the province and Guangzhou
}

TEST_F(MonitoringTest, PushedStreamRetriedChangesNothing) {
  const std::string code = Project("440106");
  auto push = [&](const std::vector<v1::ProgressReport>& reports) {
    grpc::Status status;
    v1::PushProgressResponse response = env_->PushProgress(County("440106"), reports, &status);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  };
  std::vector<v1::ProgressReport> reports = {
      Report(code, "2024-01", 10), Report(code, "2024-02", 20), Report(code, "2099-01", 30)};
  v1::PushProgressResponse first = push(reports);
  EXPECT_EQ(first.accepted(), 2);
  EXPECT_EQ(first.rejected(), 1);
  EXPECT_EQ(first.results(2).violations(0).rule_id(), "progress.period.future");
  v1::PushProgressResponse again = push(reports);
  EXPECT_EQ(again.unchanged(), 2);
  EXPECT_EQ(again.accepted(), 0);
}

TEST_F(MonitoringTest, ComplianceCountsMissingLateAndCorrectedReports) {
  // 增城区 (440118): two projects from 2024-01; one reports Jan–Mar (Feb
  // corrected), the other only March.
  const std::string a = Project("440118"), b = Project("440118");
  v1::SubmitProgressResponse r;
  for (const char* month : {"2024-01", "2024-02", "2024-03"}) {
    ASSERT_TRUE(Submit(County("440118"), Report(a, month, 100), &r).ok());
  }
  ASSERT_TRUE(Submit(County("440118"), Report(a, "2024-02", 150), &r).ok());  // a correction
  ASSERT_TRUE(Submit(County("440118"), Report(b, "2024-03", 100), &r).ok());
  v1::GetReportingComplianceRequest req;
  req.set_from_period("2024-01");
  req.set_to_period("2024-03");
  req.set_region_code("440100");
  req.set_include_issues(true);
  v1::GetReportingComplianceResponse resp;
  ASSERT_TRUE(monitoring_
                  ->GetReportingCompliance(TestEnv::Context(env_->Token("city", "440100")).get(),
                                           req, &resp)
                  .ok());
  ASSERT_GT(resp.regions_size(), 1);
  EXPECT_EQ(resp.regions(0).region().code(), "440100");
  const v1::RegionCompliance* county = nullptr;
  for (const auto& rc : resp.regions()) {
    if (rc.region().code() == "440118") county = &rc;
  }
  ASSERT_NE(county, nullptr);
  EXPECT_EQ(county->region().name(), "增城区");
  EXPECT_EQ(county->parent_region_code(), "440100");
  ASSERT_EQ(county->months_size(), 3);
  EXPECT_EQ(county->total().expected(), 6);
  EXPECT_EQ(county->total().reported(), 4);
  EXPECT_EQ(county->total().missing(), 2);
  EXPECT_EQ(county->total().late(), 4);  // 2024-H1 was due by 2024-06-30
  EXPECT_EQ(county->total().corrected(), 1);
  EXPECT_EQ(county->total().corrected_after_deadline(), 1);
  // 4 late reports earn 0.5 each, one correction after the deadline costs 0.25.
  EXPECT_NEAR(county->score(), 100.0 * (4 * 0.5 - 0.25) / 6, 1e-9);
  int missing = 0;
  for (const auto& issue : county->issues()) {
    missing += issue.kind() == v1::COMPLIANCE_ISSUE_KIND_MISSING;
  }
  EXPECT_EQ(missing, 2);
  // The city row adds up its counties (this county is the only one reporting).
  EXPECT_GE(resp.regions(0).total().expected(), 6);
  // Another city's region is out of scope; the future is refused.
  req.set_region_code("440300");
  EXPECT_EQ(monitoring_
                ->GetReportingCompliance(TestEnv::Context(env_->Token("city", "440100")).get(), req,
                                         &resp)
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  req.set_region_code("");
  req.set_to_period("2099-01");
  EXPECT_EQ(monitoring_->GetReportingCompliance(TestEnv::Context(Province()).get(), req, &resp)
                .error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(MonitoringTest, LaggingProjectsTrailTheirScheduleOrStopReporting) {
  // 从化区 (440117): projects planned 2024-01..2024-10 (10 months, 2,000 万元).
  const std::string behind = Project("440117"), on_track = Project("440117"),
                    silent = Project("440117");
  auto registry = env_->Registry();
  for (const std::string& code : {behind, on_track, silent}) {
    v1::GetProjectRequest get;
    get.set_project_code(code);
    v1::Project p;
    ASSERT_TRUE(registry->GetProject(TestEnv::Context(Province()).get(), get, &p).ok());
    p.set_planned_completion_period("2024-10");
    v1::UpsertProjectRequest up;
    up.set_request_id(absl::StrCat("lag-", code));
    *up.mutable_project() = p;
    v1::UpsertProjectResponse resp;
    ASSERT_TRUE(registry->UpsertProject(TestEnv::Context(County("440117")).get(), up, &resp).ok());
  }
  const int64_t planned = 2'000'000'000 + 0;  // as SampleProject sets, plus its n
  v1::SubmitProgressResponse r;
  for (int month = 1; month <= 5; ++month) {
    const std::string period = absl::StrFormat("2024-%02d", month);
    ASSERT_TRUE(Submit(County("440117"), Report(behind, period, planned / 100), &r).ok());
    ASSERT_TRUE(Submit(County("440117"), Report(on_track, period, planned / 10), &r).ok());
  }
  ASSERT_TRUE(Submit(County("440117"), Report(silent, "2024-01", planned / 10), &r).ok());
  v1::ListLaggingProjectsRequest req;
  req.set_region_code("440117");
  req.set_as_of_period("2024-05");
  v1::ListLaggingProjectsResponse resp;
  ASSERT_TRUE(
      monitoring_->ListLaggingProjects(TestEnv::Context(County("440117")).get(), req, &resp).ok());
  ASSERT_EQ(resp.projects_size(), 2);
  // Ordered by gap: `behind` is at ~5 % of a 50 % schedule; `silent` at ~10 %.
  EXPECT_EQ(resp.projects(0).project_code(), behind);
  EXPECT_NEAR(resp.projects(0).expected_pct(), 50.0, 0.01);
  EXPECT_NEAR(resp.projects(0).completed_pct(), 5.0, 0.01);
  EXPECT_NEAR(resp.projects(0).gap_points(), 45.0, 0.01);
  EXPECT_EQ(resp.projects(0).county().name(), "从化区");
  EXPECT_EQ(resp.projects(1).project_code(), silent);
  EXPECT_EQ(resp.projects(1).months_without_report(), 4);
  EXPECT_EQ(resp.projects(1).last_reported_period(), "2024-01");
  EXPECT_EQ(resp.projects(1).reasons_size(), 2);
  // Only the silent one when asked for non-reporting projects.
  req.add_reasons(v1::LAGGING_REASON_NOT_REPORTING);
  ASSERT_TRUE(
      monitoring_->ListLaggingProjects(TestEnv::Context(County("440117")).get(), req, &resp).ok());
  ASSERT_EQ(resp.projects_size(), 1);
  EXPECT_EQ(resp.projects(0).project_code(), silent);
  // Another county sees none of this.
  EXPECT_EQ(monitoring_->ListLaggingProjects(TestEnv::Context(County("440103")).get(), req, &resp)
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(MonitoringTest, CompletionMustBeTheLastReportedMonth) {
  const std::string code = Project("440103");
  v1::SubmitProgressResponse r;
  ASSERT_TRUE(Submit(County("440103"), Report(code, "2024-04", 10), &r).ok());
  v1::ProgressReport early = Report(code, "2024-03", 10);
  early.set_status(v1::PROJECT_STATUS_COMPLETED);
  EXPECT_EQ(Rules(Submit(County("440103"), early, &r)),
            std::vector<std::string>{"progress.period.after_completion"});
  // A February covering January needs the project to have started by January.
  const std::string late_start = Project("440103");  // starts 2024-01
  v1::ProgressReport feb = Report(late_start, "2024-02", 10);
  feb.set_covers_january(true);
  EXPECT_TRUE(Submit(County("440103"), feb, &r).ok());
}

// After the registry moves a project to another industry, corrections and
// aggregates by division follow the project, and the rollup stays exact.
TEST_F(MonitoringTest, IndustryChangesKeepFiguresExact) {
  const std::string code = Project("440111", "13");
  v1::SubmitProgressResponse r;
  ASSERT_TRUE(Submit(County("440111"), Report(code, "2024-03", 100), &r).ok());
  auto registry = env_->Registry();
  v1::GetProjectRequest get;
  get.set_project_code(code);
  v1::Project p;
  ASSERT_TRUE(registry->GetProject(TestEnv::Context(Province()).get(), get, &p).ok());
  p.set_industry_code("341");
  v1::UpsertProjectRequest up;
  up.set_request_id(absl::StrCat("move-", code));
  *up.mutable_project() = p;
  v1::UpsertProjectResponse moved;
  ASSERT_TRUE(registry->UpsertProject(TestEnv::Context(County("440111")).get(), up, &moved).ok());
  auto by_division = [&] {
    v1::QueryAggregatesRequest q;
    q.add_group_by(v1::AGGREGATE_DIMENSION_INDUSTRY_DIVISION);
    q.add_region_codes("440111");
    q.set_granularity(v1::GRANULARITY_MONTH);
    q.set_from_period("2024-03");
    q.set_to_period("2024-03");
    v1::QueryAggregatesResponse resp;
    EXPECT_TRUE(monitoring_->QueryAggregates(TestEnv::Context(Province()).get(), q, &resp).ok());
    std::map<std::string, int64_t> out;
    for (const auto& row : resp.rows()) out[row.key().industry_division()] += row.completed_fen();
    return out;
  };
  EXPECT_EQ(by_division()["34"], 100);
  EXPECT_EQ(by_division()["13"], 0);
  ASSERT_TRUE(Submit(County("440111"), Report(code, "2024-03", 120), &r).ok());  // a correction
  EXPECT_EQ(by_division()["34"], 120);
  EXPECT_EQ(by_division()["13"], 0);
}

// Month by month, as counties push, a batch of many projects at once: the
// answers, rows, versions, audit rows and summaries of the one write path.
TEST_F(MonitoringTest, PushedBatchesWriteRowsAuditRowsAndSummariesExactly) {
  std::vector<std::string> codes;
  for (int i = 0; i < 30; ++i) codes.push_back(Project("440114"));  // 花都区
  auto push = [&](const std::vector<v1::ProgressReport>& reports) {
    grpc::Status status;
    v1::PushProgressResponse response = env_->PushProgress(County("440114"), reports, &status);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  };
  ASSERT_TRUE(Lock("2024-03", true, "测试").ok());
  for (int month = 1; month <= 3; ++month) {
    std::vector<v1::ProgressReport> reports;
    for (size_t i = 0; i < codes.size(); ++i) {
      reports.push_back(Report(codes[i], absl::StrFormat("2024-%02d", month), 1000 * (i + 1)));
    }
    reports.push_back(Report("2024-440114-00-03-999999", "2024-01", 5));  // unknown project
    v1::PushProgressResponse resp = push(reports);
    if (month == 3) {
      EXPECT_EQ(resp.rejected(), 31);  // locked, and the unknown project
      EXPECT_EQ(resp.results(0).violations(0).rule_id(), "progress.period.locked");
    } else {
      EXPECT_EQ(resp.accepted(), 30);
      EXPECT_EQ(resp.rejected(), 1);
      EXPECT_EQ(resp.results(30).violations(0).rule_id(), "progress.project_code.unknown");
      EXPECT_EQ(resp.results(0).violations(0).rule_id(), "progress.late");
    }
  }
  ASSERT_TRUE(Lock("2024-03", false, "测试结束").ok());
  // Corrections of January (every other project), the rest unchanged.
  std::vector<v1::ProgressReport> again;
  for (size_t i = 0; i < codes.size(); ++i) {
    again.push_back(Report(codes[i], "2024-01", 1000 * (i + 1) + (i % 2 ? 7 : 0)));
  }
  v1::PushProgressResponse corrected = push(again);
  EXPECT_EQ(corrected.accepted(), 15);
  EXPECT_EQ(corrected.corrected(), 15);
  EXPECT_EQ(corrected.unchanged(), 15);
  EXPECT_EQ(corrected.results(1).version(), 2);
  EXPECT_EQ(corrected.results(0).version(), 1);
  // The rows, the audit trail and the rollup agree with the base table.
  ASSERT_TRUE(
      store::RunInTransaction(env_->pool(), [&](pqxx::transaction_base& tx) {
        EXPECT_EQ(tx.exec("SELECT count(*) FROM monitoring_reports WHERE county_code = "
                          "'440114'")[0][0]
                      .as<int>(),
                  60);
        EXPECT_EQ(tx.exec("SELECT count(*) FROM audit_log WHERE entity = 'progress' AND "
                          "county_code = '440114'")[0][0]
                      .as<int>(),
                  75);
        EXPECT_EQ(tx.exec("SELECT count(*) FROM audit_log WHERE entity = 'progress' AND "
                          "county_code = '440114' AND action = 'correct' AND before IS "
                          "NOT NULL")[0][0]
                      .as<int>(),
                  15);
        // Every stored row is the `after` of its latest audit row, and
        // every correction's `before` is the row it replaced.
        EXPECT_EQ(tx.exec("SELECT count(*) FROM monitoring_reports r JOIN audit_log a "
                          "ON a.entity = 'progress' "
                          "AND a.entity_key = r.project_code || '@' || r.period "
                          "AND a.version = r.version "
                          "WHERE r.county_code = '440114' AND a.after::jsonb = to_jsonb(r)")[0][0]
                      .as<int>(),
                  60);
        EXPECT_EQ(tx.exec("SELECT count(*) FROM audit_log c JOIN audit_log p "
                          "ON p.entity_key = c.entity_key AND p.version = c.version - 1 "
                          "WHERE c.entity = 'progress' AND p.entity = 'progress' "
                          "AND c.county_code = '440114' AND c.before::jsonb = p.after::jsonb")[0][0]
                      .as<int>(),
                  15);
        EXPECT_EQ(SummaryMismatches(tx), 0);
        return absl::OkStatus();
      }).ok());
}

// One project's reports in one batch — new months, a correction, a re-send,
// declared totals, expected versions, completion and what comes after it —
// are answered exactly as the same reports sent one at a time.
TEST_F(MonitoringTest, ABatchAnswersAsItsReportsSentOneAtATime) {
  const std::string batched = Project("440115");  // 南沙区
  const std::string single = Project("440115");
  auto sequence = [](const std::string& code) {
    std::vector<v1::PushProgressRequest> out;
    auto add = [&](v1::ProgressReport r, int64_t expected_version = 0) {
      v1::PushProgressRequest record;
      *record.mutable_report() = std::move(r);
      record.set_expected_version(expected_version);
      out.push_back(std::move(record));
    };
    add(Report(code, "2024-01", 100));
    add(Report(code, "2024-02", 200));
    add(Report(code, "2024-01", 150));  // a correction
    add(Report(code, "2024-01", 150));  // a re-send
    v1::ProgressReport march = Report(code, "2024-03", 300);
    march.set_declared_ytd_fen(650);
    march.set_declared_since_start_fen(650);
    add(march);
    v1::ProgressReport wrong = Report(code, "2024-04", 1);
    wrong.set_declared_ytd_fen(1);
    add(wrong);
    add(Report(code, "2024-03", 310), /*expected_version=*/1);
    add(Report(code, "2024-03", 320), /*expected_version=*/1);
    v1::ProgressReport february = Report(code, "2024-02", 200);
    february.set_covers_january(true);
    add(february);
    v1::ProgressReport done = Report(code, "2024-04", 10);
    done.set_status(v1::PROJECT_STATUS_COMPLETED);
    add(done);
    add(Report(code, "2024-05", 5));
    v1::ProgressReport early_done = Report(code, "2024-02", 200);
    early_done.set_status(v1::PROJECT_STATUS_COMPLETED);
    add(early_done);
    return out;
  };
  // "outcome version rules" per record.
  auto describe = [](v1::Outcome outcome, int64_t version, const std::vector<std::string>& rules) {
    return absl::StrCat(v1::Outcome_Name(outcome), " ", version, " ", absl::StrJoin(rules, ","));
  };
  std::vector<std::string> one_at_a_time;
  for (const v1::PushProgressRequest& record : sequence(single)) {
    v1::SubmitProgressRequest req;
    req.set_request_id(absl::StrCat("one-", Next()));
    *req.mutable_report() = record.report();
    req.set_expected_version(record.expected_version());
    v1::SubmitProgressResponse resp;
    grpc::Status s =
        monitoring_->SubmitProgress(TestEnv::Context(County("440115")).get(), req, &resp);
    one_at_a_time.push_back(s.ok() ? describe(resp.outcome(), resp.report().version(), {})
                                   : describe(v1::OUTCOME_REJECTED, 0, Rules(s)));
  }
  grpc::Status status;
  std::vector<v1::PushProgressRequest> records = sequence(batched);
  std::vector<v1::PushProgressResponse> answers =
      env_->PushProgressChunks(County("440115"), records, 1000, &status);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(answers.size(), 1);
  std::vector<std::string> in_one_batch;
  for (const auto& r : answers[0].results()) {
    std::vector<std::string> rules;
    for (const auto& v : r.violations()) {
      if (v.severity() == v1::SEVERITY_FATAL) rules.push_back(v.rule_id());
    }
    in_one_batch.push_back(
        describe(r.outcome(), r.outcome() == v1::OUTCOME_REJECTED ? 0 : r.version(), rules));
  }
  EXPECT_EQ(in_one_batch, one_at_a_time);
  EXPECT_EQ(in_one_batch[2], "OUTCOME_ACCEPTED 2 ");  // the correction
  EXPECT_EQ(in_one_batch[3], "OUTCOME_UNCHANGED 2 ");
  EXPECT_EQ(in_one_batch[10], "OUTCOME_REJECTED 0 progress.period.after_completion");
  ASSERT_TRUE(store::RunInTransaction(env_->pool(), [&](pqxx::transaction_base& tx) {
                EXPECT_EQ(SummaryMismatches(tx), 0);
                // Both projects hold the same months and amounts.
                EXPECT_EQ(tx.exec_params("SELECT string_agg(period || ':' || completed_fen || ':' "
                                         "|| version, ',' ORDER BY period) FROM monitoring_reports "
                                         "WHERE project_code = $1",
                                         batched)[0][0]
                              .c_str(),
                          std::string(tx.exec_params("SELECT string_agg(period || ':' || "
                                                     "completed_fen || ':' || version, ',' ORDER "
                                                     "BY period) FROM monitoring_reports WHERE "
                                                     "project_code = $1",
                                                     single)[0][0]
                                          .c_str()));
                return absl::OkStatus();
              }).ok());
}

// The chunked push: one answer per chunk once it committed, records indexed
// across the stream, request_ids replayed across both forms, and a chunk over
// the limit ending the call with the chunks before it answered.
TEST_F(MonitoringTest, ChunkedPushAnswersEachChunkOnceCommitted) {
  std::vector<std::string> codes;
  for (int i = 0; i < 4; ++i) codes.push_back(Project("440607"));  // 三水区
  std::vector<v1::PushProgressRequest> records;
  for (int i = 0; i < 4; ++i) {
    v1::PushProgressRequest r;
    *r.mutable_report() = Report(codes[i], "2024-01", 100 * (i + 1));
    r.set_request_id(absl::StrCat("chunk-", codes[i]));
    records.push_back(r);
  }
  v1::PushProgressRequest unknown;
  *unknown.mutable_report() = Report("2024-440607-00-03-999999", "2024-01", 5);
  records.insert(records.begin() + 2, unknown);
  grpc::Status status;
  std::vector<v1::PushProgressResponse> answers =
      env_->PushProgressChunks(County("440607"), records, 2, &status);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(answers.size(), 3);
  EXPECT_EQ(answers[0].received(), 2);
  EXPECT_EQ(answers[1].received(), 2);
  EXPECT_EQ(answers[2].received(), 1);
  EXPECT_EQ(answers[1].rejected(), 1);
  EXPECT_EQ(answers[1].results(0).index(), 2);
  EXPECT_EQ(answers[1].results(0).violations(0).rule_id(), "progress.project_code.unknown");
  EXPECT_EQ(answers[2].results(0).index(), 4);
  EXPECT_EQ(answers[2].results(0).outcome(), v1::OUTCOME_ACCEPTED);
  // The same request_ids through PushProgress: every one a replay.
  auto stub = v1::InvestmentMonitoring::NewStub(env_->channel());
  auto context = TestEnv::Context(County("440607"));
  v1::PushProgressResponse replayed;
  auto writer = stub->PushProgress(context.get(), &replayed);
  for (int i : {0, 1, 3, 4}) writer->Write(records[i]);
  writer->WritesDone();
  ASSERT_TRUE(writer->Finish().ok());
  EXPECT_EQ(replayed.replayed(), 4);
  EXPECT_EQ(replayed.accepted(), 0);
  // A chunk over 1,000 records ends the call after the chunk before it.
  std::vector<v1::PushProgressRequest> many(1001);
  for (auto& r : many) *r.mutable_report() = Report(codes[0], "2024-02", 1);
  auto chunk_context = TestEnv::Context(County("440607"));
  auto chunked = stub->PushProgressChunks(chunk_context.get());
  v1::PushProgressChunk small, big;
  *small.add_records() = many[0];
  for (const auto& r : many) *big.add_records() = r;
  chunked->Write(small);
  chunked->Write(big);
  chunked->WritesDone();
  std::vector<v1::PushProgressResponse> before_refusal;
  v1::PushProgressResponse answer;
  while (chunked->Read(&answer)) before_refusal.push_back(answer);
  status = chunked->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << status.error_message();
  EXPECT_EQ(Rules(status), std::vector<std::string>{"request.field_too_large"});
  ASSERT_EQ(before_refusal.size(), 1);
  EXPECT_EQ(before_refusal[0].accepted(), 1);
  ASSERT_TRUE(store::RunInTransaction(env_->pool(), [&](pqxx::transaction_base& tx) {
                EXPECT_EQ(tx.exec("SELECT count(*) FROM monitoring_reports "
                                  "WHERE county_code = '440607'")[0][0]
                              .as<int>(),
                          5);
                return absl::OkStatus();
              }).ok());
}

}  // namespace
}  // namespace techreno::testing
