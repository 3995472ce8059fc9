// KeyProjectLibrary over a real server and database: the upward path county →
// city → province, direct admission, removals, criteria with overrides,
// progress and risk from real reports, automatic exits, review, totals
// against plain SQL, and the scope matrix.
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <set>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "libs/codes/codes.h"
#include "libs/rpc/status.h"
#include "libs/store/transaction.h"
#include "techreno/v1/library.grpc.pb.h"
#include "techreno/v1/monitoring.grpc.pb.h"
#include "tests/integration/harness.h"

namespace techreno::testing {
namespace {

constexpr char kLiwan[] = "440103";    // 广州市荔湾区
constexpr char kYuexiu[] = "440104";   // 广州市越秀区
constexpr char kNanshan[] = "440305";  // 深圳市南山区
constexpr char kGuangzhou[] = "440100";
constexpr char kShenzhen[] = "440300";

constexpr auto kCounty = v1::LIBRARY_TIER_COUNTY;
constexpr auto kCity = v1::LIBRARY_TIER_CITY;
constexpr auto kProvinceTier = v1::LIBRARY_TIER_PROVINCE;

// A period `months_back` months before the current one (China time).
std::string MonthsAgo(int months_back) {
  const int index = codes::CurrentPeriod(absl::Now()).Index() - months_back;
  return codes::FormatPeriod(codes::PeriodFromIndex(index));
}

std::vector<std::string> Rules(const grpc::Status& s) {
  std::vector<std::string> out;
  for (const auto& v : rpc::FieldViolations(rpc::FromGrpcStatus(s))) {
    out.push_back(v.description.substr(1, v.description.find(']') - 1));
  }
  return out;
}

struct ProjectSpec {
  std::string county = kLiwan;
  int64_t planned_fen = 12'000'000'000;  // 1.2亿元
  int64_t equipment_fen = 3'000'000'000;
  v1::ProjectStatus status = v1::PROJECT_STATUS_UNDER_CONSTRUCTION;
  int start_months_back = 10;        // started ten months ago
  int completion_months_ahead = 13;  // 24 months scheduled
  std::string description = "新建智能化生产线，设备更新";
};

class LibraryTest : public DbTest {
 protected:
  void SetUp() override {
    DbTest::SetUp();
    if (env_ == nullptr) return;
    library_ = v1::KeyProjectLibrary::NewStub(env_->channel());
    monitoring_ = v1::InvestmentMonitoring::NewStub(env_->channel());
  }

  static int Next() {
    static std::atomic<int> n{0};
    return ++n;
  }
  std::string County(const std::string& code) { return env_->Token("county", code); }
  std::string City(const std::string& code) { return env_->Token("city", code); }
  std::string Province() { return env_->Token("province", "440000"); }
  std::string Auditor() { return env_->Token("auditor", "*"); }
  std::string Bank() { return env_->Token("bank", "icbc-gd"); }

  // A registered project; returns its code.
  std::string Project(const ProjectSpec& spec = {}) {
    auto registry = env_->Registry();
    const int n = Next();
    v1::UpsertEnterpriseRequest ent;
    ent.set_request_id(absl::StrCat("lib-ent-", n));
    *ent.mutable_enterprise() = SampleEnterprise(spec.county, 90000 + n);
    v1::UpsertEnterpriseResponse ent_resp;
    EXPECT_TRUE(
        registry->UpsertEnterprise(TestEnv::Context(County(spec.county)).get(), ent, &ent_resp)
            .ok());
    v1::UpsertProjectRequest req;
    req.set_request_id(absl::StrCat("lib-prj-", n));
    v1::Project& p = *req.mutable_project();
    p = SampleProject(spec.county, ent.enterprise().credit_code(), 90000 + n);
    p.set_planned_investment_fen(spec.planned_fen);
    p.set_planned_equipment_investment_fen(spec.equipment_fen);
    p.set_status(spec.status);
    p.set_start_period(MonthsAgo(spec.start_months_back));
    p.set_planned_completion_period(MonthsAgo(-spec.completion_months_ahead));
    p.set_description(spec.description);
    v1::UpsertProjectResponse resp;
    grpc::Status s =
        registry->UpsertProject(TestEnv::Context(County(spec.county)).get(), req, &resp);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return resp.project().project_code();
  }

  // A progress report for `period` (monthly amount `fen`), as the county.
  void Report(const std::string& county, const std::string& code, const std::string& period,
              int64_t fen, v1::ProjectStatus status = v1::PROJECT_STATUS_UNDER_CONSTRUCTION) {
    v1::SubmitProgressRequest req;
    req.set_request_id(absl::StrCat("lib-rep-", Next()));
    v1::ProgressReport& r = *req.mutable_report();
    r.set_project_code(code);
    r.set_period(period);
    r.set_completed_investment_fen(fen);
    r.mutable_split()->set_equipment_tools_fen(fen);
    r.set_status(status);
    v1::SubmitProgressResponse resp;
    grpc::Status s =
        monitoring_->SubmitProgress(TestEnv::Context(County(county)).get(), req, &resp);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }

  // A project on schedule: half its plan reported last month.
  std::string OnSchedule(ProjectSpec spec = {}) {
    const std::string code = Project(spec);
    Report(spec.county, code, MonthsAgo(1), spec.planned_fen / 2);
    return code;
  }

  grpc::Status Nominate(const std::string& token, const std::string& code, v1::LibraryTier tier,
                        v1::NominateResponse* out, bool admit = false,
                        const std::string& override_reason = "",
                        const std::string& request_id = "") {
    v1::NominateRequest req;
    req.set_request_id(request_id.empty() ? absl::StrCat("nom-", Next()) : request_id);
    req.set_project_code(code);
    req.set_tier(tier);
    req.set_reason("技改投资大、带动强，建议入库");
    req.set_admit(admit);
    if (!override_reason.empty()) {
      req.set_override_criteria(true);
      req.set_override_reason(override_reason);
    }
    return library_->Nominate(TestEnv::Context(token).get(), req, out);
  }
  grpc::Status Decide(const std::string& token, const std::string& code, v1::LibraryTier tier,
                      v1::DecisionKind kind, v1::DecideResponse* out,
                      const std::string& override_reason = "", const std::string& reason = "同意") {
    v1::DecideRequest req;
    req.set_request_id(absl::StrCat("dec-", Next()));
    req.set_project_code(code);
    req.set_tier(tier);
    req.set_decision(kind);
    req.set_reason(reason);
    if (!override_reason.empty()) {
      req.set_override_criteria(true);
      req.set_override_reason(override_reason);
    }
    return library_->Decide(TestEnv::Context(token).get(), req, out);
  }
  grpc::Status Remove(const std::string& token, const std::string& code, v1::LibraryTier tier,
                      v1::RemovalReason reason, v1::RemoveEntryResponse* out) {
    v1::RemoveEntryRequest req;
    req.set_request_id(absl::StrCat("rem-", Next()));
    req.set_project_code(code);
    req.set_tier(tier);
    req.set_reason_code(reason);
    req.set_reason("动态调整");
    return library_->RemoveEntry(TestEnv::Context(token).get(), req, out);
  }
  // Nominated and accepted into `tier` by its owner's `owner` token.
  void Admit(const std::string& nominator, const std::string& owner, const std::string& code,
             v1::LibraryTier tier) {
    v1::NominateResponse n;
    ASSERT_TRUE(Nominate(nominator, code, tier, &n).ok());
    v1::DecideResponse d;
    grpc::Status s = Decide(owner, code, tier, v1::DECISION_KIND_ACCEPT, &d);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }

  std::vector<v1::LibraryEntry> List(const std::string& token, v1::ListEntriesRequest req,
                                     grpc::Status* status = nullptr) {
    v1::ListEntriesResponse resp;
    grpc::Status s = library_->ListEntries(TestEnv::Context(token).get(), req, &resp);
    if (status != nullptr) *status = s;
    if (status == nullptr) {
      EXPECT_TRUE(s.ok()) << s.error_message();
    }
    return {resp.entries().begin(), resp.entries().end()};
  }
  std::vector<v1::LibraryEntry> EntriesOf(const std::string& token, const std::string& code) {
    v1::ListEntriesRequest req;
    req.set_project_code(code);
    return List(token, req);
  }

  std::unique_ptr<v1::KeyProjectLibrary::Stub> library_;
  std::unique_ptr<v1::InvestmentMonitoring::Stub> monitoring_;
};

TEST_F(LibraryTest, ProjectsClimbCountyCityProvince) {
  const std::string code = OnSchedule();
  v1::NominateResponse n;
  ASSERT_TRUE(Nominate(County(kLiwan), code, kCounty, &n).ok());
  EXPECT_EQ(n.entry().state(), v1::ENTRY_STATE_NOMINATED);
  EXPECT_EQ(n.entry().round(), 1);
  EXPECT_EQ(n.entry().version(), 1);
  EXPECT_EQ(n.entry().library_region().code(), kLiwan);
  EXPECT_EQ(n.entry().library_region().name(), "荔湾区");
  EXPECT_EQ(n.entry().nomination().nominated_by().role(), v1::ROLE_COUNTY);
  v1::DecideResponse d;
  ASSERT_TRUE(Decide(County(kLiwan), code, kCounty, v1::DECISION_KIND_ACCEPT, &d).ok());
  EXPECT_EQ(d.entry().state(), v1::ENTRY_STATE_ACCEPTED);
  EXPECT_EQ(d.entry().version(), 2);

  // The county nominates into its city's tier; the county cannot decide it.
  ASSERT_TRUE(Nominate(County(kLiwan), code, kCity, &n).ok());
  EXPECT_TRUE(n.warnings().empty());  // accepted in the county tier below
  EXPECT_EQ(Decide(County(kLiwan), code, kCity, v1::DECISION_KIND_ACCEPT, &d).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  ASSERT_TRUE(Decide(City(kGuangzhou), code, kCity, v1::DECISION_KIND_ACCEPT, &d).ok());
  EXPECT_EQ(d.entry().library_region().code(), kGuangzhou);

  // The city nominates into the province's tier; the province accepts.
  ASSERT_TRUE(Nominate(City(kGuangzhou), code, kProvinceTier, &n).ok());
  EXPECT_EQ(
      Decide(City(kGuangzhou), code, kProvinceTier, v1::DECISION_KIND_ACCEPT, &d).error_code(),
      grpc::StatusCode::PERMISSION_DENIED);
  ASSERT_TRUE(Decide(Province(), code, kProvinceTier, v1::DECISION_KIND_ACCEPT, &d).ok());

  // Page by page, one entry a page: the tokens lead through all three.
  v1::ListEntriesRequest paged;
  paged.set_project_code(code);
  paged.set_page_size(1);
  std::vector<int> tiers;
  for (int page = 0; page < 5; ++page) {
    v1::ListEntriesResponse resp;
    ASSERT_TRUE(library_->ListEntries(TestEnv::Context(City(kGuangzhou)).get(), paged, &resp).ok());
    for (const auto& e : resp.entries()) tiers.push_back(e.tier());
    if (resp.next_page_token().empty()) break;
    paged.set_page_token(resp.next_page_token());
  }
  EXPECT_EQ(tiers, (std::vector<int>{kProvinceTier, kCity, kCounty}));

  // The county sees all three tiers of its project, province first.
  std::vector<v1::LibraryEntry> entries = EntriesOf(County(kLiwan), code);
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[0].tier(), kProvinceTier);
  EXPECT_EQ(entries[2].tier(), kCounty);
  for (const auto& e : entries) {
    EXPECT_EQ(e.state(), v1::ENTRY_STATE_ACCEPTED);
    EXPECT_EQ(e.other_tiers_size(), 2);
    EXPECT_EQ(e.project().project_code(), code);
    EXPECT_EQ(e.project().county().name(), "荔湾区");
    EXPECT_TRUE(e.progress().at_risk().empty()) << e.progress().DebugString();
    EXPECT_EQ(e.progress().last_reported_period(), MonthsAgo(1));
    EXPECT_NEAR(e.progress().completed_pct(), 50.0, 0.01);
  }
}

TEST_F(LibraryTest, RejectionsNeedAReasonAndAllowANewRound) {
  const std::string code = OnSchedule();
  v1::NominateResponse n;
  ASSERT_TRUE(Nominate(County(kLiwan), code, kCity, &n).ok());
  ASSERT_EQ(n.warnings_size(), 1);
  EXPECT_EQ(n.warnings(0).rule_id(), "library.lower_tier.missing");
  v1::DecideResponse d;
  grpc::Status s =
      Decide(City(kGuangzhou), code, kCity, v1::DECISION_KIND_REJECT, &d, "", /*reason=*/"");
  ASSERT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  ASSERT_TRUE(
      Decide(City(kGuangzhou), code, kCity, v1::DECISION_KIND_REJECT, &d, "", "材料不全").ok());
  EXPECT_EQ(d.entry().state(), v1::ENTRY_STATE_REJECTED);
  EXPECT_EQ(d.entry().decision().reason(), "材料不全");
  // Deciding again is a state error; nominating again starts round 2.
  EXPECT_EQ(Decide(City(kGuangzhou), code, kCity, v1::DECISION_KIND_ACCEPT, &d).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  ASSERT_TRUE(Nominate(County(kLiwan), code, kCity, &n).ok());
  EXPECT_EQ(n.entry().round(), 2);
  EXPECT_FALSE(n.entry().has_decision());
  EXPECT_EQ(Nominate(County(kLiwan), code, kCity, &n).error_code(),
            grpc::StatusCode::ALREADY_EXISTS);
}

TEST_F(LibraryTest, TheProvinceAdmitsDirectlyAndTheTiersBelowSeeIt) {
  const std::string code = OnSchedule();
  v1::NominateResponse n;
  EXPECT_EQ(Nominate(City(kGuangzhou), code, kProvinceTier, &n, /*admit=*/true).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  ASSERT_TRUE(Nominate(Province(), code, kProvinceTier, &n, /*admit=*/true).ok());
  EXPECT_EQ(n.entry().state(), v1::ENTRY_STATE_ACCEPTED);
  EXPECT_EQ(n.entry().version(), 2);
  // A county tier entry shows the province tier as tracked above.
  ASSERT_TRUE(Nominate(County(kLiwan), code, kCounty, &n).ok());
  ASSERT_EQ(n.entry().other_tiers_size(), 1);
  EXPECT_EQ(n.entry().other_tiers(0).tier(), kProvinceTier);
  EXPECT_EQ(n.entry().other_tiers(0).state(), v1::ENTRY_STATE_ACCEPTED);
  for (const std::string& token : {County(kLiwan), City(kGuangzhou)}) {
    v1::ListEntriesRequest req;
    req.set_project_code(code);
    req.add_tiers(kProvinceTier);
    std::vector<v1::LibraryEntry> seen = List(token, req);
    ASSERT_EQ(seen.size(), 1u);
    EXPECT_EQ(seen[0].state(), v1::ENTRY_STATE_ACCEPTED);
  }
  v1::GetEntryHistoryRequest h;
  h.set_project_code(code);
  h.set_tier(kProvinceTier);
  v1::GetEntryHistoryResponse history;
  ASSERT_TRUE(
      library_->GetEntryHistory(TestEnv::Context(City(kGuangzhou)).get(), h, &history).ok());
  ASSERT_EQ(history.events_size(), 2);
  EXPECT_EQ(history.events(0).action(), v1::ENTRY_ACTION_ACCEPT);
  EXPECT_EQ(history.events(1).action(), v1::ENTRY_ACTION_NOMINATE);
  EXPECT_EQ(history.events(0).actor().role(), v1::ROLE_PROVINCE);
}

TEST_F(LibraryTest, EveryFailedCriterionIsReportedAndAnOverrideIsKept) {
  ProjectSpec small;
  small.planned_fen = 1'000'000'000;  // 1,000万元: under the city's 2,000万
  small.equipment_fen = 100'000'000;  // 100万元: under 500万
  small.status = v1::PROJECT_STATUS_SUSPENDED;
  small.description = "";
  const std::string code = OnSchedule(small);
  v1::NominateResponse n;
  grpc::Status s = Nominate(County(kLiwan), code, kCity, &n);
  ASSERT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  const std::vector<std::string> rules = Rules(s);
  EXPECT_EQ(std::set<std::string>(rules.begin(), rules.end()),
            (std::set<std::string>{"library.criteria.min_planned_investment",
                                   "library.criteria.min_equipment_investment",
                                   "library.criteria.status", "library.criteria.required_field"}));
  // Only the tier's owner may override, with a reason.
  EXPECT_EQ(Nominate(County(kLiwan), code, kCity, &n, false, "重点扶持").error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  ASSERT_TRUE(Nominate(City(kGuangzhou), code, kCity, &n, false, "市重点扶持对象").ok());
  v1::DecideResponse d;
  EXPECT_EQ(Decide(City(kGuangzhou), code, kCity, v1::DECISION_KIND_ACCEPT, &d).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  ASSERT_TRUE(
      Decide(City(kGuangzhou), code, kCity, v1::DECISION_KIND_ACCEPT, &d, "市政府常务会议决定")
          .ok());
  EXPECT_EQ(d.entry().decision().overridden_criteria_size(), 4);
  EXPECT_EQ(d.entry().decision().override_reason(), "市政府常务会议决定");
  v1::GetEntryHistoryRequest h;
  h.set_project_code(code);
  v1::GetEntryHistoryResponse history;
  ASSERT_TRUE(library_->GetEntryHistory(TestEnv::Context(Auditor()).get(), h, &history).ok());
  ASSERT_EQ(history.events_size(), 2);
  EXPECT_EQ(history.events(0).override_reason(), "市政府常务会议决定");
  EXPECT_EQ(history.events(1).override_reason(), "市重点扶持对象");
  // The audit log holds the decision, in the same transaction.
  int64_t audited = 0;
  ASSERT_TRUE(store::RunInTransaction(env_->pool(), [&](pqxx::transaction_base& tx) {
                audited = tx.exec_params1(
                                "SELECT count(*) FROM audit_log WHERE entity = "
                                "'library_entry' AND entity_key = $1",
                                absl::StrCat(code, "/2"))[0]
                              .as<int64_t>();
                return absl::OkStatus();
              }).ok());
  EXPECT_EQ(audited, 2);
}

TEST_F(LibraryTest, RemovalsWithEveryReason) {
  const std::string code = OnSchedule();
  v1::NominateResponse n;
  v1::RemoveEntryResponse r;
  // A pending nomination: withdrawn by whoever nominated it, and only so.
  ASSERT_TRUE(Nominate(County(kLiwan), code, kCity, &n).ok());
  EXPECT_EQ(Remove(County(kLiwan), code, kCity, v1::REMOVAL_REASON_OTHER, &r).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);  // not the owner: only withdraws
  EXPECT_EQ(Remove(City(kGuangzhou), code, kCity, v1::REMOVAL_REASON_OTHER, &r).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);  // a nomination is withdrawn, not removed
  ASSERT_TRUE(
      Remove(County(kLiwan), code, kCity, v1::REMOVAL_REASON_NOMINATION_WITHDRAWN, &r).ok());
  EXPECT_EQ(r.entry().state(), v1::ENTRY_STATE_REMOVED);
  EXPECT_EQ(r.entry().removal().reason_code(), v1::REMOVAL_REASON_NOMINATION_WITHDRAWN);
  EXPECT_EQ(
      Remove(County(kLiwan), code, kCity, v1::REMOVAL_REASON_NOMINATION_WITHDRAWN, &r).error_code(),
      grpc::StatusCode::FAILED_PRECONDITION);  // already removed
  for (auto reason : {v1::REMOVAL_REASON_PROJECT_COMPLETED, v1::REMOVAL_REASON_PROJECT_WITHDRAWN,
                      v1::REMOVAL_REASON_NOT_PROGRESSING, v1::REMOVAL_REASON_FAILED_REVIEW,
                      v1::REMOVAL_REASON_OTHER}) {
    Admit(County(kLiwan), City(kGuangzhou), code, kCity);
    EXPECT_EQ(Remove(County(kLiwan), code, kCity, reason, &r).error_code(),
              grpc::StatusCode::PERMISSION_DENIED);
    ASSERT_TRUE(Remove(City(kGuangzhou), code, kCity, reason, &r).ok());
    EXPECT_EQ(r.entry().removal().reason_code(), reason);
    EXPECT_EQ(r.entry().removal().removed_by().role(), v1::ROLE_CITY);
  }
  EXPECT_EQ(r.entry().round(), 6);
}

TEST_F(LibraryTest, RetriesAndVersions) {
  const std::string code = OnSchedule();
  v1::NominateResponse first, again;
  ASSERT_TRUE(Nominate(County(kLiwan), code, kCounty, &first, false, "", "nom-retry-1").ok());
  ASSERT_TRUE(Nominate(County(kLiwan), code, kCounty, &again, false, "", "nom-retry-1").ok());
  EXPECT_EQ(again.SerializeAsString(), first.SerializeAsString());  // the first answer
  EXPECT_EQ(again.outcome(), v1::OUTCOME_ACCEPTED);
  EXPECT_EQ(EntriesOf(County(kLiwan), code)[0].version(), 1);
  v1::DecideRequest req;
  req.set_request_id(absl::StrCat("dec-", Next()));
  req.set_project_code(code);
  req.set_tier(kCounty);
  req.set_decision(v1::DECISION_KIND_ACCEPT);
  req.set_expected_version(7);
  v1::DecideResponse d;
  EXPECT_EQ(library_->Decide(TestEnv::Context(County(kLiwan)).get(), req, &d).error_code(),
            grpc::StatusCode::ABORTED);
  req.set_request_id(absl::StrCat("dec-", Next()));
  req.set_expected_version(1);
  EXPECT_TRUE(library_->Decide(TestEnv::Context(County(kLiwan)).get(), req, &d).ok());
}

TEST_F(LibraryTest, RiskFlagsAndTheSilentExitComeFromReports) {
  // Behind: 5 % reported by last month against ~46 % scheduled.
  const std::string behind = Project();
  Report(kLiwan, behind, MonthsAgo(1), 600'000'000);
  // Silent: reported four months ago only, on schedule then.
  const std::string silent = Project();
  Report(kLiwan, silent, MonthsAgo(4), 6'000'000'000);
  const std::string fine = OnSchedule();
  for (const std::string& code : {behind, silent, fine}) {
    v1::NominateResponse n;
    ASSERT_TRUE(Nominate(County(kLiwan), code, kCounty, &n, false, "县重点").ok());
    v1::DecideResponse d;
    ASSERT_TRUE(Decide(County(kLiwan), code, kCounty, v1::DECISION_KIND_ACCEPT, &d, "县重点").ok());
  }
  const v1::EntryProgress b = EntriesOf(County(kLiwan), behind)[0].progress();
  ASSERT_EQ(b.at_risk_size(), 1) << b.DebugString();
  EXPECT_EQ(b.at_risk(0).kind(), v1::RISK_KIND_BEHIND_SCHEDULE);
  EXPECT_GT(b.points_behind_schedule(), 20);
  EXPECT_FALSE(b.due_for_exit());
  const v1::EntryProgress s = EntriesOf(County(kLiwan), silent)[0].progress();
  ASSERT_EQ(s.at_risk_size(), 1) << s.DebugString();
  EXPECT_EQ(s.at_risk(0).kind(), v1::RISK_KIND_NOT_REPORTING);
  EXPECT_EQ(s.months_without_report(), 3);
  EXPECT_TRUE(s.due_for_exit());
  EXPECT_TRUE(EntriesOf(County(kLiwan), fine)[0].progress().at_risk().empty());

  // The review lists the two with their reasons, not the one on schedule.
  v1::ReviewTierRequest review;
  review.set_tier(kCounty);
  v1::ReviewTierResponse found;
  ASSERT_TRUE(library_->ReviewTier(TestEnv::Context(County(kLiwan)).get(), review, &found).ok());
  std::map<std::string, std::set<std::string>> reasons;
  for (const auto& f : found.findings()) {
    for (const auto& v : f.reasons()) reasons[f.entry().project_code()].insert(v.rule_id());
  }
  EXPECT_EQ(reasons[behind], (std::set<std::string>{"library.risk.behind_schedule"}));
  EXPECT_EQ(reasons[silent],
            (std::set<std::string>{"library.risk.not_reporting", "library.exit.silent",
                                   "library.criteria.reporting"}));
  EXPECT_EQ(reasons.count(fine), 0u);
  EXPECT_EQ(found.as_of_period(), MonthsAgo(1));

  // The owner removes what the review found, each with its own result.
  v1::RemoveEntriesRequest remove;
  remove.set_request_id(absl::StrCat("rems-", Next()));
  for (const std::string& code : {behind, silent}) {
    v1::EntryRemoval* r = remove.add_removals();
    r->set_project_code(code);
    r->set_tier(kCounty);
    r->set_reason_code(code == silent ? v1::REMOVAL_REASON_FAILED_REVIEW
                                      : v1::REMOVAL_REASON_NOT_PROGRESSING);
    r->set_reason("半年评估");
  }
  v1::EntryRemoval* wrong = remove.add_removals();
  wrong->set_project_code(fine);
  wrong->set_tier(kCity);  // no such entry
  wrong->set_reason_code(v1::REMOVAL_REASON_OTHER);
  wrong->set_reason("误操作");
  v1::RemoveEntriesResponse removed;
  ASSERT_TRUE(
      library_->RemoveEntries(TestEnv::Context(County(kLiwan)).get(), remove, &removed).ok());
  EXPECT_EQ(removed.removed(), 2);
  EXPECT_EQ(removed.rejected(), 1);
  EXPECT_EQ(removed.results(2).error_code(), "NOT_FOUND");
  EXPECT_EQ(removed.results(0).entry().state(), v1::ENTRY_STATE_REMOVED);
}

TEST_F(LibraryTest, WithdrawnAndCompletedProjectsLeaveByThemselves) {
  const std::string withdrawn = OnSchedule();
  const std::string completed = OnSchedule();
  const std::string registry_completed = OnSchedule();
  for (const std::string& code : {withdrawn, completed, registry_completed}) {
    Admit(County(kLiwan), County(kLiwan), code, kCounty);
    Admit(County(kLiwan), City(kGuangzhou), code, kCity);
  }
  v1::WithdrawProjectRequest w;
  w.set_request_id(absl::StrCat("wd-", Next()));
  w.set_project_code(withdrawn);
  w.set_reason("企业取消投资计划");
  v1::Project after;
  ASSERT_TRUE(
      env_->Registry()->WithdrawProject(TestEnv::Context(County(kLiwan)).get(), w, &after).ok());
  Report(kLiwan, completed, codes::FormatPeriod(codes::CurrentPeriod(absl::Now())), 1'000'000,
         v1::PROJECT_STATUS_COMPLETED);
  for (const auto& [code, reason] : {std::pair{withdrawn, v1::REMOVAL_REASON_PROJECT_WITHDRAWN},
                                     std::pair{completed, v1::REMOVAL_REASON_PROJECT_COMPLETED}}) {
    std::vector<v1::LibraryEntry> entries = EntriesOf(City(kGuangzhou), code);
    ASSERT_EQ(entries.size(), 2u);
    for (const auto& e : entries) {
      EXPECT_EQ(e.state(), v1::ENTRY_STATE_REMOVED);
      EXPECT_EQ(e.removal().reason_code(), reason);
      EXPECT_EQ(e.removal().removed_by().principal(), "techreno");
    }
    v1::ListEntriesRequest accepted;
    accepted.set_project_code(code);
    accepted.add_states(v1::ENTRY_STATE_ACCEPTED);
    EXPECT_TRUE(List(Province(), accepted).empty());
  }
}

TEST_F(LibraryTest, TotalsEqualPlainSql) {
  std::vector<std::string> codes;
  for (int i = 0; i < 4; ++i) {
    ProjectSpec spec;
    spec.county = i == 2 ? kYuexiu : kLiwan;
    codes.push_back(OnSchedule(spec));
    Admit(County(spec.county), County(spec.county), codes.back(), kCounty);
  }
  Admit(County(kLiwan), City(kGuangzhou), codes[0], kCity);
  v1::NominateResponse pending;
  ASSERT_TRUE(Nominate(County(kLiwan), codes[1], kCity, &pending).ok());
  // After the entries exist: a report, a project's new plan and division,
  // and a project completed by its report (it leaves the library).
  Report(kLiwan, codes[0], MonthsAgo(2), 700'000'000);
  auto registry = env_->Registry();
  v1::GetProjectRequest get;
  get.set_project_code(codes[1]);
  v1::UpsertProjectRequest update;
  ASSERT_TRUE(
      registry->GetProject(TestEnv::Context(County(kLiwan)).get(), get, update.mutable_project())
          .ok());
  update.set_request_id(absl::StrCat("lib-upd-", Next()));
  update.mutable_project()->set_planned_investment_fen(15'000'000'000);
  update.mutable_project()->set_industry_code("39");
  v1::UpsertProjectResponse updated;
  ASSERT_TRUE(
      registry->UpsertProject(TestEnv::Context(County(kLiwan)).get(), update, &updated).ok());
  Report(kLiwan, codes[3], codes::FormatPeriod(codes::CurrentPeriod(absl::Now())), 1'000'000,
         v1::PROJECT_STATUS_COMPLETED);

  // Each state on its own: an amount left in another state's row shows.
  v1::GetLibraryTotalsRequest req;
  req.set_by_industry_division(true);
  req.set_group_by(v1::LIBRARY_GROUPING_COUNTY);
  std::map<std::string, std::tuple<int64_t, int64_t, int64_t>> got, plain;
  for (int state = 1; state <= 4; ++state) {
    req.clear_states();
    req.add_states(static_cast<v1::EntryState>(state));
    v1::GetLibraryTotalsResponse resp;
    ASSERT_TRUE(library_->GetLibraryTotals(TestEnv::Context(Province()).get(), req, &resp).ok());
    for (const auto& row : resp.rows()) {
      got[absl::StrCat(state, "/", row.tier(), "/", row.region().code(), "/",
                       row.industry_division())] = {row.entries(), row.planned_investment_fen(),
                                                    row.completed_investment_fen()};
    }
  }
  ASSERT_TRUE(store::RunInTransaction(env_->pool(), [&](pqxx::transaction_base& tx) {
                for (const auto& r : tx.exec(R"(
        SELECT e.state, e.tier, p.county_code, left(p.industry_code, 2), count(*),
               sum(p.planned_investment_fen),
               sum((SELECT coalesce(sum(r.completed_fen), 0) FROM monitoring_reports r
                    WHERE r.project_code = p.project_code))
        FROM library_entries e JOIN registry_projects p USING (project_code)
        GROUP BY 1, 2, 3, 4)")) {
                  plain[absl::StrCat(r[0].as<int>(), "/", r[1].as<int>(), "/", r[2].c_str(), "/",
                                     r[3].c_str())] = {r[4].as<int64_t>(), r[5].as<int64_t>(),
                                                       r[6].as<int64_t>()};
                }
                return absl::OkStatus();
              }).ok());
  EXPECT_FALSE(got.empty());
  EXPECT_EQ(got, plain);
  v1::GetLibraryTotalsResponse resp;
  // The completed project left its tier.
  EXPECT_EQ(EntriesOf(Province(), codes[3])[0].state(), v1::ENTRY_STATE_REMOVED);
  // A county's totals cover its own entries only.
  req.clear_states();
  ASSERT_TRUE(library_->GetLibraryTotals(TestEnv::Context(County(kYuexiu)).get(), req, &resp).ok());
  ASSERT_FALSE(resp.rows().empty());
  for (const auto& row : resp.rows()) EXPECT_EQ(row.region().code(), kYuexiu);
}

TEST_F(LibraryTest, ScopeMatrix) {
  const std::string code = OnSchedule();
  v1::NominateResponse n;
  v1::DecideResponse d;
  // Another county, another city, a bank and the auditor write nothing.
  EXPECT_EQ(Nominate(County(kYuexiu), code, kCounty, &n).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Nominate(City(kShenzhen), code, kCity, &n).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Nominate(Bank(), code, kCounty, &n).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Nominate(Auditor(), code, kCounty, &n).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  // A county nominates into its own tier and its city's, never the province's.
  EXPECT_EQ(Nominate(County(kLiwan), code, kProvinceTier, &n).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  // A city does not own its counties' tiers.
  ASSERT_TRUE(Nominate(County(kLiwan), code, kCounty, &n).ok());
  EXPECT_EQ(Decide(City(kGuangzhou), code, kCounty, v1::DECISION_KIND_ACCEPT, &d).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  // The province may act for any owner.
  ASSERT_TRUE(Decide(Province(), code, kCounty, v1::DECISION_KIND_ACCEPT, &d).ok());

  // Reading: the county, its city, the province and the auditor see it.
  for (const std::string& token : {County(kLiwan), City(kGuangzhou), Province(), Auditor()}) {
    EXPECT_EQ(EntriesOf(token, code).size(), 1u);
  }
  // Another county and another city see nothing of it; a filter outside
  // scope is refused; a bank reads nothing.
  EXPECT_TRUE(EntriesOf(County(kYuexiu), code).empty());
  EXPECT_TRUE(EntriesOf(City(kShenzhen), code).empty());
  grpc::Status s;
  v1::ListEntriesRequest outside;
  outside.set_region_code(kNanshan);
  List(City(kGuangzhou), outside, &s);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  List(Bank(), v1::ListEntriesRequest(), &s);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  v1::GetEntryHistoryRequest h;
  h.set_project_code(code);
  v1::GetEntryHistoryResponse history;
  EXPECT_EQ(
      library_->GetEntryHistory(TestEnv::Context(City(kShenzhen)).get(), h, &history).error_code(),
      grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(library_->GetEntryHistory(TestEnv::Context(Bank()).get(), h, &history).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  v1::ReviewTierRequest review;
  review.set_tier(kCounty);
  review.set_region_code(kLiwan);
  v1::ReviewTierResponse found;
  EXPECT_EQ(
      library_->ReviewTier(TestEnv::Context(City(kShenzhen)).get(), review, &found).error_code(),
      grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_TRUE(library_->ReviewTier(TestEnv::Context(Auditor()).get(), review, &found).ok());
  EXPECT_EQ(library_->ReviewTier(TestEnv::Context(Bank()).get(), review, &found).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);

  // Removal: another city, another county, the auditor and a bank may not;
  // in a list, each refusal is that entry's own result.
  v1::RemoveEntryResponse r;
  for (const std::string& token : {City(kShenzhen), County(kYuexiu), Auditor(), Bank()}) {
    EXPECT_EQ(Remove(token, code, kCounty, v1::REMOVAL_REASON_OTHER, &r).error_code(),
              grpc::StatusCode::PERMISSION_DENIED);
  }
  v1::RemoveEntriesRequest many;
  many.set_request_id(absl::StrCat("rems-", Next()));
  v1::EntryRemoval* one = many.add_removals();
  one->set_project_code(code);
  one->set_tier(kCounty);
  one->set_reason_code(v1::REMOVAL_REASON_OTHER);
  one->set_reason("越权");
  v1::RemoveEntriesResponse results;
  ASSERT_TRUE(
      library_->RemoveEntries(TestEnv::Context(City(kShenzhen)).get(), many, &results).ok());
  ASSERT_EQ(results.results_size(), 1);
  EXPECT_EQ(results.results(0).error_code(), "PERMISSION_DENIED");
  EXPECT_EQ(EntriesOf(Province(), code)[0].state(), v1::ENTRY_STATE_ACCEPTED);

  // Criteria: everyone but banks reads them; only the province sets them.
  v1::GetTierCriteriaRequest get;
  get.set_tier(kCounty);
  v1::TierCriteria criteria;
  EXPECT_TRUE(library_->GetTierCriteria(TestEnv::Context(Auditor()).get(), get, &criteria).ok());
  EXPECT_EQ(library_->GetTierCriteria(TestEnv::Context(Bank()).get(), get, &criteria).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  v1::SetTierCriteriaRequest set;
  set.set_request_id(absl::StrCat("crit-", Next()));
  *set.mutable_criteria() = criteria;
  v1::SetTierCriteriaResponse set_response;
  for (const std::string& token : {County(kLiwan), City(kGuangzhou), Auditor(), Bank()}) {
    EXPECT_EQ(
        library_->SetTierCriteria(TestEnv::Context(token).get(), set, &set_response).error_code(),
        grpc::StatusCode::PERMISSION_DENIED);
  }

  // Totals: a city asking for another city's region is refused; a bank too.
  v1::GetLibraryTotalsRequest totals;
  totals.set_region_code(kNanshan);
  v1::GetLibraryTotalsResponse totals_response;
  EXPECT_EQ(
      library_->GetLibraryTotals(TestEnv::Context(City(kGuangzhou)).get(), totals, &totals_response)
          .error_code(),
      grpc::StatusCode::PERMISSION_DENIED);
  totals.clear_region_code();
  EXPECT_EQ(library_->GetLibraryTotals(TestEnv::Context(Bank()).get(), totals, &totals_response)
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(LibraryTest, CriteriaAreVersionedDataTheProvinceSets) {
  v1::GetTierCriteriaRequest get;
  get.set_tier(kCity);
  v1::TierCriteria city;
  ASSERT_TRUE(library_->GetTierCriteria(TestEnv::Context(County(kLiwan)).get(), get, &city).ok());
  EXPECT_EQ(city.min_planned_investment_fen(), 2'000'000'000);
  EXPECT_EQ(city.min_planned_equipment_investment_fen(), 500'000'000);
  EXPECT_EQ(city.reported_within_months(), 3);
  EXPECT_GE(city.version(), 1);

  v1::SetTierCriteriaRequest set;
  set.set_request_id(absl::StrCat("crit-", Next()));
  *set.mutable_criteria() = city;
  set.mutable_criteria()->set_min_planned_investment_fen(3'000'000'000);
  v1::SetTierCriteriaResponse resp;
  EXPECT_EQ(
      library_->SetTierCriteria(TestEnv::Context(City(kGuangzhou)).get(), set, &resp).error_code(),
      grpc::StatusCode::PERMISSION_DENIED);
  ASSERT_TRUE(library_->SetTierCriteria(TestEnv::Context(Province()).get(), set, &resp).ok());
  EXPECT_EQ(resp.outcome(), v1::OUTCOME_ACCEPTED);
  EXPECT_EQ(resp.criteria().version(), city.version() + 1);
  EXPECT_EQ(resp.criteria().set_by().role(), v1::ROLE_PROVINCE);
  // The same content again changes nothing.
  set.set_request_id(absl::StrCat("crit-", Next()));
  ASSERT_TRUE(library_->SetTierCriteria(TestEnv::Context(Province()).get(), set, &resp).ok());
  EXPECT_EQ(resp.outcome(), v1::OUTCOME_UNCHANGED);
  // Every bad field at once.
  set.set_request_id(absl::StrCat("crit-", Next()));
  set.mutable_criteria()->clear_allowed_statuses();
  set.mutable_criteria()->add_required_fields("version");
  set.mutable_criteria()->set_at_risk_gap_points(0);
  grpc::Status s = library_->SetTierCriteria(TestEnv::Context(Province()).get(), set, &resp);
  ASSERT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(rpc::FieldViolations(rpc::FromGrpcStatus(s)).size(), 3u);
  // Put the seeded figure back for the other tests.
  set.set_request_id(absl::StrCat("crit-", Next()));
  *set.mutable_criteria() = city;
  ASSERT_TRUE(library_->SetTierCriteria(TestEnv::Context(Province()).get(), set, &resp).ok());
}

TEST_F(LibraryTest, BadRequestsNameEveryField) {
  v1::NominateRequest req;  // nothing set
  v1::NominateResponse n;
  grpc::Status s = library_->Nominate(TestEnv::Context(County(kLiwan)).get(), req, &n);
  ASSERT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  std::set<std::string> fields;
  for (const auto& v : rpc::FieldViolations(rpc::FromGrpcStatus(s))) fields.insert(v.field);
  EXPECT_EQ(fields, (std::set<std::string>{"request_id", "project_code", "tier", "reason"}));
  req.set_request_id("nom-unknown");
  req.set_project_code("2025-440103-00-03-999999");
  req.set_tier(kCounty);
  req.set_reason("测试");
  EXPECT_EQ(library_->Nominate(TestEnv::Context(County(kLiwan)).get(), req, &n).error_code(),
            grpc::StatusCode::NOT_FOUND);
}

}  // namespace
}  // namespace techreno::testing
