// BankLink's choosing, policy, deadlines and subsidies over a real server and
// database (services/banklink/choosing.cc): candidates scored and filtered
// with their library tier; the versioned policy; response deadlines counted in
// China's working days (holidays and 调休 from the calendar data) and the
// overdue list; subsidy estimates and the stats' new figures against plain
// SQL; a watcher resuming across a server restart, and a stopped watcher
// process that delays nobody and resumes exactly.
#include <fcntl.h>
#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/time_util.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <map>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "libs/rpc/server.h"
#include "libs/rpc/status.h"
#include "libs/store/transaction.h"
#include "services/banklink/banklink_service.h"
#include "techreno/v1/banklink.grpc.pb.h"
#include "techreno/v1/library.grpc.pb.h"
#include "tests/integration/banklink_fixture.h"
#include "tests/integration/harness.h"

namespace techreno::testing {
namespace {

constexpr char kLiwan[] = "440103";    // 广州市荔湾区
constexpr char kYuexiu[] = "440104";   // 广州市越秀区
constexpr char kNanshan[] = "440305";  // 深圳市南山区
constexpr char kHaizhu[] = "440105";   // 广州市海珠区

std::vector<std::string> Fields(const grpc::Status& s) {
  std::vector<std::string> out;
  for (const auto& v : rpc::FieldViolations(rpc::FromGrpcStatus(s))) out.push_back(v.field);
  return out;
}

class BankLinkPolicyTest : public BankLinkFixture {
 protected:
  // Nominated and accepted into the county tier by its county (criteria overridden).
  void AdmitToCountyTier(const std::string& county, const std::string& code) {
    auto library = v1::KeyProjectLibrary::NewStub(env_->channel());
    const std::string token = env_->Token("county", county);
    v1::NominateRequest n;
    n.set_request_id(absl::StrCat("bp-nom-", Next()));
    n.set_project_code(code);
    n.set_tier(v1::LIBRARY_TIER_COUNTY);
    n.set_reason("融资需求明确，建议入库");
    n.set_override_criteria(true);
    n.set_override_reason("测试：县级重点项目");
    v1::NominateResponse nr;
    grpc::Status s = library->Nominate(TestEnv::Context(token).get(), n, &nr);
    ASSERT_TRUE(s.ok()) << s.error_message();
    v1::DecideRequest d;
    d.set_request_id(absl::StrCat("bp-dec-", Next()));
    d.set_project_code(code);
    d.set_tier(v1::LIBRARY_TIER_COUNTY);
    d.set_decision(v1::DECISION_KIND_ACCEPT);
    d.set_reason("同意");
    d.set_override_criteria(true);
    d.set_override_reason("测试：县级重点项目");
    v1::DecideResponse dr;
    s = library->Decide(TestEnv::Context(token).get(), d, &dr);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }

  void Publish(const std::vector<std::string>& codes, const std::vector<std::string>& banks,
               const std::string& note = "") {
    v1::PublishRecommendationsRequest req;
    req.set_request_id(absl::StrCat("bp-pub-", Next()));
    req.set_title("2026年第二批技术改造优质项目推荐名单");
    for (const auto& c : codes) {
      auto* item = req.add_items();
      item->set_project_code(c);
      item->set_note(note);
    }
    for (const auto& b : banks) req.add_bank_ids(b);
    v1::PublishRecommendationsResponse resp;
    grpc::Status s = bank_->PublishRecommendations(TestEnv::Context(Province()).get(), req, &resp);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }

  v1::ScoreCandidatesResponse Score(const std::string& token, v1::ScoreCandidatesRequest req,
                                    grpc::Status* status = nullptr) {
    v1::ScoreCandidatesResponse resp;
    grpc::Status s = bank_->ScoreCandidates(TestEnv::Context(token).get(), req, &resp);
    if (status != nullptr) {
      *status = s;
    } else {
      EXPECT_TRUE(s.ok()) << s.error_message();
    }
    return resp;
  }

  // A test-only change of when a bank received a project (a deadline in the
  // past needs a receipt in the past; the server has no way to date one).
  void Received(const std::string& code, const std::string& bank, const std::string& when) {
    ASSERT_TRUE(store::RunInTransaction(env_->pool(), [&](pqxx::transaction_base& tx) {
                  tx.exec_params(
                      "UPDATE banklink_receipts SET received_at = $3::timestamptz"
                      " WHERE project_code = $1 AND bank_id = $2",
                      code, bank, when);
                  return absl::OkStatus();
                }).ok());
  }

  grpc::Status Grant(const std::string& token, const std::string& code, int64_t amount, int rate_bp,
                     int term_months, v1::SubmitFeedbackResponse* out) {
    v1::SubmitFeedbackRequest req;
    req.set_request_id(absl::StrCat("bp-fb-", Next()));
    req.set_project_code(code);
    req.set_state(v1::FEEDBACK_STATE_LOAN_GRANTED);
    req.set_loan_amount_fen(amount);
    req.set_interest_rate_bp(rate_bp);
    req.set_term_months(term_months);
    req.set_disbursed_fen(amount / 2);
    *req.mutable_disbursement_time() =
        google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(absl::Now()));
    return bank_->SubmitFeedback(TestEnv::Context(token).get(), req, out);
  }
};

TEST_F(BankLinkPolicyTest, CandidatesRankedByTierAndFiltered) {
  const std::string keyed = Project(kYuexiu), plain = Project(kYuexiu);
  Project(kYuexiu, /*consent=*/false);
  Project(kYuexiu, true, /*need=*/0);
  AdmitToCountyTier(kYuexiu, keyed);

  v1::ScoreCandidatesRequest req;
  req.add_region_codes(kYuexiu);
  auto all = Score(Province(), req);
  EXPECT_EQ(all.eligible(), 2) << "no consent and no need are never candidates";
  ASSERT_EQ(all.candidates_size(), 2);
  EXPECT_EQ(all.candidates(0).project().project_code(), keyed);
  EXPECT_EQ(all.candidates(0).tier(), v1::LIBRARY_TIER_COUNTY);
  EXPECT_EQ(all.candidates(1).project().project_code(), plain);
  ASSERT_EQ(all.candidates(0).components_size(), 5);
  EXPECT_EQ(all.candidates(0).components(0).component(), "tier");
  EXPECT_EQ(all.candidates(0).components(0).points(), 10);
  EXPECT_EQ(all.candidates(0).components(0).reason(), "县级重点项目库");
  EXPECT_DOUBLE_EQ(all.candidates(0).score() - all.candidates(1).score(), 10);
  // Planned to finish 2026-06, nothing reported: 100 points behind, no schedule points.
  EXPECT_DOUBLE_EQ(all.candidates(1).gap_points(), 100);
  EXPECT_EQ(all.candidates(1).components(1).points(), 0);
  EXPECT_GE(all.policy_version(), 1);
  EXPECT_EQ(all.as_of_period().size(), 7u);

  v1::ScoreCandidatesRequest tier = req;
  tier.set_min_tier(v1::LIBRARY_TIER_COUNTY);
  EXPECT_EQ(Score(Province(), tier).eligible(), 1);
  v1::ScoreCandidatesRequest top = req;
  top.set_top_n(1);
  auto one = Score(Province(), top);
  EXPECT_EQ(one.candidates_size(), 1);
  EXPECT_EQ(one.eligible(), 2);
  v1::ScoreCandidatesRequest need = req;
  need.set_max_financing_need_fen(400'000'000);
  EXPECT_EQ(Score(Province(), need).eligible(), 0);
  v1::ScoreCandidatesRequest on_schedule = req;
  on_schedule.set_on_schedule_only(true);
  EXPECT_EQ(Score(Province(), on_schedule).eligible(), 0);

  // Recommended projects are left out unless asked for.
  Publish({keyed}, {"icbc-gd"});
  EXPECT_EQ(Score(Province(), req).eligible(), 1);
  v1::ScoreCandidatesRequest again = req;
  again.set_include_recommended(true);
  auto with = Score(Province(), again);
  ASSERT_EQ(with.eligible(), 2);
  EXPECT_TRUE(with.candidates(0).recommended());

  // Scope: the city of Guangzhou ranks its counties; Shenzhen's does not see them.
  EXPECT_EQ(Score(env_->Token("city", "440100"), again).eligible(), 2);
  grpc::Status s;
  Score(env_->Token("city", "440300"), again, &s);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  v1::ScoreCandidatesRequest anywhere;
  anywhere.set_include_recommended(true);
  const auto shenzhen = Score(env_->Token("city", "440300"), anywhere);
  for (const auto& c : shenzhen.candidates()) {
    EXPECT_EQ(c.project().city().code(), "440300");
  }
  for (const std::string& token : {env_->Token("county", kYuexiu), Bank("icbc-gd")}) {
    Score(token, req, &s);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  }
  v1::ScoreCandidatesRequest bad;
  bad.add_region_codes("999999");
  bad.set_top_n(5000);
  bad.set_min_financing_need_fen(-1);
  Score(Province(), bad, &s);
  ASSERT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Fields(s),
            (std::vector<std::string>{"region_codes[0]", "min_financing_need_fen", "top_n"}));
}

TEST_F(BankLinkPolicyTest, PolicyIsVersionedAndChecked) {
  v1::GetBankLinkPolicyRequest get;
  v1::BankLinkPolicy current;
  ASSERT_TRUE(bank_->GetBankLinkPolicy(TestEnv::Context(Bank("boc-gd")).get(), get, &current).ok());
  EXPECT_EQ(current.first_response_working_days(), 10);
  EXPECT_EQ(current.subsidy().share_pct(), 50);
  EXPECT_EQ(current.subsidy().max_years(), 3);
  EXPECT_EQ(current.subsidy().cap_per_project_fen(), 1'500'000'000);
  EXPECT_EQ(current.score_weights().tier_province(), 30);
  EXPECT_EQ(current.score_weights().favoured_renovation_types_size(), 3);
  v1::BankLinkPolicy denied;
  EXPECT_EQ(
      bank_->GetBankLinkPolicy(TestEnv::Context(env_->Token("county", kLiwan)).get(), get, &denied)
          .error_code(),
      grpc::StatusCode::PERMISSION_DENIED);

  v1::SetBankLinkPolicyRequest set;
  set.set_request_id(absl::StrCat("bp-pol-", Next()));
  *set.mutable_policy() = current;
  // (A change no other test reads: tests run at once on one database.)
  set.mutable_policy()->mutable_subsidy()->set_name("中山市技术改造贷款贴息（修订）");
  set.set_expected_version(current.version());
  v1::SetBankLinkPolicyResponse resp;
  for (const std::string& token : {Bank("boc-gd"), env_->Token("city", "440100")}) {
    EXPECT_EQ(bank_->SetBankLinkPolicy(TestEnv::Context(token).get(), set, &resp).error_code(),
              grpc::StatusCode::PERMISSION_DENIED);
  }
  ASSERT_TRUE(bank_->SetBankLinkPolicy(TestEnv::Context(Province()).get(), set, &resp).ok());
  EXPECT_EQ(resp.policy().version(), current.version() + 1);
  EXPECT_EQ(resp.policy().subsidy().name(), "中山市技术改造贷款贴息（修订）");
  EXPECT_EQ(resp.policy().first_response_working_days(), 10);
  EXPECT_FALSE(resp.policy().set_by().empty());
  v1::SetBankLinkPolicyResponse replay;
  ASSERT_TRUE(bank_->SetBankLinkPolicy(TestEnv::Context(Province()).get(), set, &replay).ok());
  EXPECT_EQ(replay.policy().version(), resp.policy().version()) << "a retry changes nothing";
  set.set_request_id(absl::StrCat("bp-pol-", Next()));
  EXPECT_EQ(bank_->SetBankLinkPolicy(TestEnv::Context(Province()).get(), set, &resp).error_code(),
            grpc::StatusCode::ABORTED)
      << "the version it expected was replaced";
  v1::SetBankLinkPolicyRequest bad = set;
  bad.set_request_id(absl::StrCat("bp-pol-", Next()));
  bad.mutable_policy()->set_first_response_working_days(0);
  bad.mutable_policy()->mutable_subsidy()->set_share_pct(120);
  grpc::Status s = bank_->SetBankLinkPolicy(TestEnv::Context(Province()).get(), bad, &resp);
  ASSERT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Fields(s), (std::vector<std::string>{"policy.first_response_working_days",
                                                 "policy.subsidy.share_pct"}));
  // The earlier version stays readable; restore the defaults for the other tests.
  get.set_version(current.version());
  v1::BankLinkPolicy old;
  ASSERT_TRUE(bank_->GetBankLinkPolicy(TestEnv::Context(Province()).get(), get, &old).ok());
  EXPECT_EQ(old.subsidy().name(), "中山市2017年技术改造贷款贴息");
  v1::SetBankLinkPolicyRequest restore;
  restore.set_request_id(absl::StrCat("bp-pol-", Next()));
  *restore.mutable_policy() = current;
  ASSERT_TRUE(bank_->SetBankLinkPolicy(TestEnv::Context(Province()).get(), restore, &resp).ok());
  int64_t audits = 0;
  ASSERT_TRUE(store::RunInTransaction(env_->pool(), [&](pqxx::transaction_base& tx) {
                audits =
                    tx.exec("SELECT count(*) FROM audit_log WHERE entity = 'bank_policy'")[0][0]
                        .as<int64_t>();
                return absl::OkStatus();
              }).ok());
  EXPECT_EQ(audits, 2);
}

TEST_F(BankLinkPolicyTest, DeadlinesCountChinaWorkingDays) {
  const std::string spring = Project(kLiwan), autumn = Project(kLiwan), fresh = Project(kLiwan);
  Publish({spring, autumn, fresh}, {"abc-gd"});
  // Received Thursday 2026-02-12: 13 Fri, 14 Sat (调休, worked), 15–23 春节, 24–27,
  // 28 Sat (调休), 2 Mar, 3, 4 → the tenth working day is 2026-03-04.
  Received(spring, "abc-gd", "2026-02-12 10:00:00+08");
  // Received Thursday 2026-09-24: 25–27 中秋, 28, 29, 30, 1–7 国庆, 8, 9, 10 Sat
  // (调休), 12, 13, 14, 15 → 2026-10-15.
  Received(autumn, "abc-gd", "2026-09-24 16:00:00+08");
  v1::ListOverdueRecommendationsRequest req;
  v1::ListOverdueRecommendationsResponse resp;
  ASSERT_TRUE(
      bank_->ListOverdueRecommendations(TestEnv::Context(Bank("abc-gd")).get(), req, &resp).ok());
  EXPECT_EQ(resp.first_response_working_days(), 10);
  std::map<std::string, v1::OverdueRecommendation> by_code;
  for (const auto& o : resp.overdue()) by_code[o.project_code()] = o;
  ASSERT_EQ(by_code.count(spring), 1u);
  ASSERT_EQ(by_code.count(autumn), 1u);
  EXPECT_EQ(by_code.count(fresh), 0u) << "received today: not due yet";
  EXPECT_EQ(by_code[spring].due_date(), "2026-03-04");
  EXPECT_EQ(by_code[autumn].due_date(), "2026-10-15");
  EXPECT_EQ(by_code[spring].bank_name(), "中国农业银行广东省分行");
  // Working days overdue, counted independently: weekdays not holidays, plus
  // worked weekends, after the due date up to today.
  ASSERT_TRUE(store::RunInTransaction(env_->pool(), [&](pqxx::transaction_base& tx) {
                for (const auto& code : {spring, autumn}) {
                  const auto& o = by_code[code];
                  auto row = tx.exec_params(
                      "SELECT count(*) FROM generate_series($1::date + 1, $2::date, '1 day') d"
                      " LEFT JOIN cn_calendar_days c ON c.day = d::date"
                      " WHERE CASE WHEN c.kind = 'holiday' THEN false"
                      "            WHEN c.kind = 'workday' THEN true"
                      "            ELSE extract(isodow FROM d) < 6 END",
                      o.due_date(), resp.as_of_date());
                  EXPECT_EQ(o.working_days_overdue(), row[0][0].as<int>()) << code;
                }
                return absl::OkStatus();
              }).ok());
  // Other banks see none of it; the province sees it; an answer takes it off.
  v1::ListOverdueRecommendationsResponse other;
  ASSERT_TRUE(
      bank_->ListOverdueRecommendations(TestEnv::Context(Bank("ccb-gd")).get(), req, &other).ok());
  for (const auto& o : other.overdue()) EXPECT_EQ(o.bank_id(), "ccb-gd");
  v1::ListOverdueRecommendationsResponse province;
  ASSERT_TRUE(
      bank_->ListOverdueRecommendations(TestEnv::Context(Province()).get(), req, &province).ok());
  EXPECT_GE(province.overdue_size(), 2);
  v1::ListOverdueRecommendationsRequest shenzhen;
  shenzhen.set_region_code(kNanshan);
  EXPECT_EQ(bank_
                ->ListOverdueRecommendations(TestEnv::Context(env_->Token("city", "440100")).get(),
                                             shenzhen, &other)
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  v1::SubmitFeedbackRequest contact;
  contact.set_request_id(absl::StrCat("bp-fb-", Next()));
  contact.set_project_code(spring);
  contact.set_state(v1::FEEDBACK_STATE_CONTACTED);
  v1::SubmitFeedbackResponse fr;
  ASSERT_TRUE(bank_->SubmitFeedback(TestEnv::Context(Bank("abc-gd")).get(), contact, &fr).ok());
  ASSERT_TRUE(
      bank_->ListOverdueRecommendations(TestEnv::Context(Bank("abc-gd")).get(), req, &resp).ok());
  for (const auto& o : resp.overdue()) EXPECT_NE(o.project_code(), spring);
  // The stats count the same overdue pairs.
  v1::GetMatchingStatsRequest stats;
  stats.add_group_by(v1::MATCHING_DIMENSION_BANK);
  stats.add_bank_ids("abc-gd");
  v1::GetMatchingStatsResponse sr;
  ASSERT_TRUE(bank_->GetMatchingStats(TestEnv::Context(Province()).get(), stats, &sr).ok());
  ASSERT_EQ(sr.rows_size(), 1);
  EXPECT_EQ(sr.rows(0).overdue(), resp.overdue_size());
}

TEST_F(BankLinkPolicyTest, SubsidyEstimatesAndStatsEqualPlainSql) {
  const std::string big = Project(kNanshan), small = Project(kNanshan);
  Publish({big, small}, {"boc-gd", "cmb-gz"});
  v1::SubmitFeedbackResponse a, b, c;
  // 10亿元 at 5 % for 3 years: 7,500万元 of interest half-subsidised...
  ASSERT_TRUE(Grant(Bank("boc-gd"), big, 100'000'000'000, 500, 36, &a).ok());
  // ...and 5亿元 at 4 % for 5 years (3 subsidised): 3,000万元. Together over the
  // 1,500万元 cap: shared 5:2.
  ASSERT_TRUE(Grant(Bank("cmb-gz"), big, 50'000'000'000, 400, 60, &b).ok());
  // 200万元 at 4.35 % for 2 years: 8.7万元, under the cap.
  ASSERT_TRUE(Grant(Bank("boc-gd"), small, 200'000'000, 435, 24, &c).ok());
  EXPECT_EQ(c.feedback().subsidy_estimate_fen(), 8'700'000);
  EXPECT_EQ(c.feedback().interest_rate_bp(), 435);
  EXPECT_EQ(c.feedback().disbursed_fen(), 100'000'000);
  // The first loan's answer came before the second: read both again.
  v1::ListRecommendationsRequest list;
  list.set_region_code(kNanshan);
  v1::ListRecommendationsResponse lr;
  ASSERT_TRUE(bank_->ListRecommendations(TestEnv::Context(Province()).get(), list, &lr).ok());
  std::map<std::string, int64_t> subsidy;
  for (const auto& r : lr.recommendations()) {
    for (const auto& f : r.feedback())
      subsidy[r.project_code() + "/" + f.bank_id()] = f.subsidy_estimate_fen();
  }
  EXPECT_EQ(subsidy[big + "/boc-gd"], 1'071'428'571);  // 1,500万 × 7,500 / 10,500
  EXPECT_EQ(subsidy[big + "/cmb-gz"], 428'571'428);    // 1,500万 × 3,000 / 10,500

  // A bad loan: terms with another state, rate out of range, disbursed above the loan.
  v1::SubmitFeedbackRequest bad;
  bad.set_request_id(absl::StrCat("bp-fb-", Next()));
  bad.set_project_code(small);
  bad.set_state(v1::FEEDBACK_STATE_LOAN_GRANTED);
  bad.set_loan_amount_fen(100);
  bad.set_interest_rate_bp(5000);
  bad.set_disbursed_fen(200);
  v1::SubmitFeedbackResponse br;
  grpc::Status s = bank_->SubmitFeedback(TestEnv::Context(Bank("cmb-gz")).get(), bad, &br);
  ASSERT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Fields(s),
            (std::vector<std::string>{"interest_rate_bp", "disbursed_fen", "disbursement_time"}));

  // Stats by bank and by city against plain SQL over the feedback rows.
  for (auto dim : {v1::MATCHING_DIMENSION_BANK, v1::MATCHING_DIMENSION_CITY}) {
    v1::GetMatchingStatsRequest req;
    req.add_group_by(dim);
    req.set_page_size(1000);
    v1::GetMatchingStatsResponse resp;
    ASSERT_TRUE(bank_->GetMatchingStats(TestEnv::Context(Province()).get(), req, &resp).ok());
    std::map<std::string, v1::MatchingRow> rows;
    for (const auto& r : resp.rows()) {
      rows[dim == v1::MATCHING_DIMENSION_BANK ? r.key().bank_id() : r.key().city().code()] = r;
    }
    const char* key = dim == v1::MATCHING_DIMENSION_BANK ? "f.bank_id" : "p.city_code";
    ASSERT_TRUE(store::RunInTransaction(env_->pool(), [&](pqxx::transaction_base& tx) {
                  // The estimate per loan, then the cap shared per project, by hand.
                  auto truth = tx.exec(absl::StrCat(
                      "WITH loans AS (SELECT f.*, p.city_code,"
                      "   f.loan_amount_fen::numeric * f.interest_rate_bp / 10000"
                      "   * least(f.term_months, 36) / 12 * 0.5 AS e"
                      "  FROM banklink_feedback f JOIN registry_projects p USING (project_code)"
                      "  JOIN banklink_recommendations r USING (project_code)"
                      "  WHERE f.state = 3 AND r.state = 1),"
                      " capped AS (SELECT l.*, floor(CASE WHEN t.total > 1500000000"
                      "   THEN l.e * 1500000000 / t.total ELSE l.e END) AS est FROM loans l"
                      "  JOIN (SELECT project_code, sum(e) AS total FROM loans GROUP BY 1) t"
                      "  USING (project_code))"
                      " SELECT ",
                      key == std::string("f.bank_id") ? "bank_id" : "city_code",
                      ", sum(est)::bigint, sum(disbursed_fen)::bigint, count(*)"
                      " FROM capped f GROUP BY 1"));
                  for (const auto& row : truth) {
                    const auto& m = rows[row[0].c_str()];
                    EXPECT_EQ(m.subsidy_estimate_fen(), row[1].as<int64_t>()) << row[0].c_str();
                    EXPECT_EQ(m.disbursed_fen(), row[2].as<int64_t>()) << row[0].c_str();
                    EXPECT_EQ(m.loans_granted(), row[3].as<int64_t>()) << row[0].c_str();
                  }
                  return absl::OkStatus();
                }).ok());
    if (dim == v1::MATCHING_DIMENSION_BANK) {
      EXPECT_EQ(rows["boc-gd"].subsidy_estimate_fen(), 1'071'428'571 + 8'700'000);
    } else {
      EXPECT_GE(rows["440300"].subsidy_estimate_fen(), 1'500'000'000 - 1 + 8'700'000);
      EXPECT_TRUE(rows["440300"].has_p90_days_to_first_contact());
    }
  }
}

// A second server on the same database stands for another process (its own
// hub and LISTEN connection): started, cut off by its shutdown, started again.
struct SideServer {
  std::unique_ptr<banklink::BankLinkService> service;
  std::unique_ptr<rpc::RunningServer> server;
  std::unique_ptr<v1::BankLink::Stub> stub;
  SideServer(store::Pool& pool, banklink::HubOptions hub = {}) {
    banklink::BankLinkOptions options;
    options.hub = hub;
    service = std::make_unique<banklink::BankLinkService>(pool, options);
    rpc::ServerOptions so;
    so.address = "127.0.0.1:0";
    so.shutdown_grace = absl::Seconds(1);
    auto started = rpc::StartServer(so, {service.get()});
    EXPECT_TRUE(started.ok());
    server = *std::move(started);
    stub = v1::BankLink::NewStub(grpc::CreateChannel(absl::StrCat("127.0.0.1:", server->port()),
                                                     grpc::InsecureChannelCredentials()));
  }
  ~SideServer() {
    service->StopWatchers();
    server.reset();
  }
};

v1::RecommendationEvent NextEvent(grpc::ClientReader<v1::RecommendationEvent>& reader) {
  v1::RecommendationEvent e;
  while (reader.Read(&e)) {
    if (e.kind() != v1::RECOMMENDATION_EVENT_KIND_HEARTBEAT) return e;
  }
  return {};
}

TEST_F(BankLinkPolicyTest, WatcherResumesAcrossAServerRestart) {
  const std::string token = Bank("gdrcu", "restart");
  const std::string p1 = Project(kLiwan), p2 = Project(kLiwan), p3 = Project(kLiwan);
  v1::ListRecommendationsRequest lreq;
  v1::ListRecommendationsResponse lresp;
  ASSERT_TRUE(bank_->ListRecommendations(TestEnv::Context(token).get(), lreq, &lresp).ok());
  std::string cursor = lresp.watch_cursor();
  {
    SideServer first(env_->pool());
    grpc::ClientContext ctx;
    ctx.AddMetadata("authorization", "Bearer " + token);
    v1::WatchRecommendationsRequest w;
    w.set_cursor(cursor);
    auto reader = first.stub->WatchRecommendations(&ctx, w);
    Publish({p1}, {"gdrcu"});
    const auto e = NextEvent(*reader);
    ASSERT_EQ(e.recommendation().project_code(), p1);
    cursor = e.cursor();
    first.service->StopWatchers();  // the restart: streams end with UNAVAILABLE
    v1::RecommendationEvent rest;
    while (reader->Read(&rest)) {
    }
    EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::UNAVAILABLE);
  }
  Publish({p2}, {"gdrcu"});  // while no server was watching
  SideServer second(env_->pool());
  grpc::ClientContext ctx;
  ctx.AddMetadata("authorization", "Bearer " + token);
  v1::WatchRecommendationsRequest w;
  w.set_cursor(cursor);
  auto reader = second.stub->WatchRecommendations(&ctx, w);
  Publish({p3}, {"gdrcu"});
  EXPECT_EQ(NextEvent(*reader).recommendation().project_code(), p2);
  EXPECT_EQ(NextEvent(*reader).recommendation().project_code(), p3);
  ctx.TryCancel();
}

// A watcher that asks for several events a message gets a burst in few
// messages, every event exactly once and in order, each with its own cursor;
// resuming from the cursor of an event inside a message goes on right after it.
TEST_F(BankLinkPolicyTest, BatchedWatcherGetsEveryEventOnceInOrder) {
  const std::string token = Bank("bocom-gd", "batched");
  v1::ListRecommendationsRequest lreq;
  v1::ListRecommendationsResponse lresp;
  ASSERT_TRUE(bank_->ListRecommendations(TestEnv::Context(token).get(), lreq, &lresp).ok());
  std::vector<std::string> codes;
  for (int i = 0; i < 120; ++i) codes.push_back(Project(kHaizhu));
  Publish(codes, {"bocom-gd"});
  grpc::ClientContext ctx;
  ctx.AddMetadata("authorization", "Bearer " + token);
  v1::WatchRecommendationsRequest w;
  w.set_cursor(lresp.watch_cursor());
  w.set_max_events_per_message(50);
  auto reader = bank_->WatchRecommendations(&ctx, w);
  std::vector<v1::RecommendationEvent> got;
  int messages = 0;
  v1::RecommendationEvent e;
  while (got.size() < codes.size() && reader->Read(&e)) {
    if (e.kind() == v1::RECOMMENDATION_EVENT_KIND_HEARTBEAT) continue;
    ++messages;
    EXPECT_LE(e.more_size(), 49);
    v1::RecommendationEvent first = e;
    first.clear_more();
    got.push_back(first);
    for (const auto& m : e.more()) got.push_back(m);
  }
  ctx.TryCancel();
  ASSERT_EQ(got.size(), codes.size());
  for (size_t i = 0; i < codes.size(); ++i) {
    EXPECT_EQ(got[i].recommendation().project_code(), codes[i]) << i;
    EXPECT_EQ(got[i].kind(), v1::RECOMMENDATION_EVENT_KIND_PUBLISHED);
  }
  EXPECT_LT(messages, 120) << "the burst came one event a message";
  // Resume after the 70th event (inside a message): the 71st comes next.
  grpc::ClientContext again_ctx;
  again_ctx.AddMetadata("authorization", "Bearer " + token);
  v1::WatchRecommendationsRequest again;
  again.set_cursor(got[69].cursor());
  auto resumed = bank_->WatchRecommendations(&again_ctx, again);
  EXPECT_EQ(NextEvent(*resumed).recommendation().project_code(), codes[70]);
  again_ctx.TryCancel();
  // Out of range: refused with the field.
  grpc::ClientContext bad_ctx;
  bad_ctx.AddMetadata("authorization", "Bearer " + token);
  v1::WatchRecommendationsRequest bad;
  bad.set_max_events_per_message(501);
  auto refused = bank_->WatchRecommendations(&bad_ctx, bad);
  EXPECT_FALSE(refused->Read(&e));
  const grpc::Status s = refused->Finish();
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Fields(s), std::vector<std::string>{"max_events_per_message"});
}

// The whole of a file.
std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// A bank's `techreno bank watch` whose process is stopped (SIGSTOP: it reads
// nothing) while 9,600 large events are published: it does not delay a
// watcher beside it, and once it runs again what it shows is an exact prefix
// and its cursor file resumes exactly after it (whether the server ended its
// stream meanwhile or not: see below).
TEST_F(BankLinkPolicyTest, StoppedWatcherDelaysNobodyAndResumesExactly) {
  banklink::HubOptions small;
  small.ring_events = 50;
  SideServer side(env_->pool(), small);
  const std::string token = Bank("cdb-gd", "stalled");
  v1::ListRecommendationsRequest lreq;
  v1::ListRecommendationsResponse lresp;
  ASSERT_TRUE(bank_->ListRecommendations(TestEnv::Context(token).get(), lreq, &lresp).ok());
  const std::string dir = ::testing::TempDir();
  const std::string cursor_file = absl::StrCat(dir, "stalled-cursor-", getpid());
  const std::string out_file = absl::StrCat(dir, "stalled-out-", getpid());
  const std::string err_file = absl::StrCat(dir, "stalled-err-", getpid());
  std::vector<std::string> argv = {TECHRENO_CLI_PATH,
                                   absl::StrCat("--server=127.0.0.1:", side.server->port()),
                                   "--token=" + token,
                                   "--format=json",
                                   "bank",
                                   "watch",
                                   "--cursor=" + lresp.watch_cursor(),
                                   "--cursor_file=" + cursor_file};
  std::vector<char*> args;
  for (std::string& a : argv) args.push_back(a.data());
  args.push_back(nullptr);
  posix_spawn_file_actions_t files;
  posix_spawn_file_actions_init(&files);
  posix_spawn_file_actions_addopen(&files, 1, out_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_addopen(&files, 2, err_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  pid_t child = 0;
  ASSERT_EQ(posix_spawn(&child, TECHRENO_CLI_PATH, &files, nullptr, args.data(), environ), 0);
  posix_spawn_file_actions_destroy(&files);
  for (int i = 0; i < 100 && side.service->hub().OpenStreams() < 1; ++i) {
    absl::SleepFor(absl::Milliseconds(50));
  }
  ASSERT_EQ(side.service->hub().OpenStreams(), 1) << ReadAll(err_file);
  ASSERT_EQ(kill(child, SIGSTOP), 0);

  // A healthy watcher beside it, of the same bank.
  grpc::ClientContext live_ctx;
  const std::string live_token = Bank("cdb-gd", "live");
  live_ctx.AddMetadata("authorization", "Bearer " + live_token);
  v1::ListRecommendationsResponse plist;
  ASSERT_TRUE(bank_->ListRecommendations(TestEnv::Context(live_token).get(), lreq, &plist).ok());
  v1::WatchRecommendationsRequest lw;
  lw.set_cursor(plist.watch_cursor());
  auto live = side.stub->WatchRecommendations(&live_ctx, lw);

  // 400 projects published, then republished 23 times with a new note:
  // 9,600 events of about 7 KB each (a 2,000-character description and a
  // 1,000-character note), 67 MB in all — more than the socket buffers
  // between them hold (Linux autotunes a receive buffer up to 32 MiB).
  std::vector<std::string> codes;
  std::string description, note;
  for (int i = 0; i < 2000; ++i) description += "技";
  for (int i = 0; i < 998; ++i) note += "推";
  for (int i = 0; i < 400; ++i) codes.push_back(Project(kNanshan, true, 500'000'000, description));
  std::vector<std::string> expected;
  for (int round = 0; round < 24; ++round) {
    Publish(codes, {"cdb-gd"}, absl::StrCat(round, note));
    expected.insert(expected.end(), codes.begin(), codes.end());
  }
  for (size_t i = 0; i < expected.size(); ++i) {
    ASSERT_EQ(NextEvent(*live).recommendation().project_code(), expected[i]) << i;
  }
  live_ctx.TryCancel();

  // Running again, it reads what the transport held for it. Either its
  // stream was ended meanwhile — by the hub (RESOURCE_EXHAUSTED, once it fell
  // a buffer behind) or by the server dropping a connection that stopped
  // answering keepalive pings (UNAVAILABLE) — and the CLI exits 1 saying how
  // to resume; or the HTTP/2 window it had granted let everything through
  // (see docs/API.md), and it is stopped with Ctrl-C. Either way what it
  // showed is an exact prefix, and its cursor file resumes exactly after it.
  ASSERT_EQ(kill(child, SIGCONT), 0);
  auto shown = [&] {
    std::vector<std::string> codes_shown;
    for (absl::string_view line : absl::StrSplit(ReadAll(out_file), '\n', absl::SkipEmpty())) {
      v1::RecommendationEvent e;
      if (!google::protobuf::util::JsonStringToMessage(std::string(line), &e).ok()) break;
      if (e.kind() != v1::RECOMMENDATION_EVENT_KIND_HEARTBEAT) {
        codes_shown.push_back(e.recommendation().project_code());
      }
    }
    return codes_shown;
  };
  int status = 0;
  bool exited = false;
  for (int i = 0; i < 1200 && !exited; ++i) {
    exited = waitpid(child, &status, WNOHANG) == child;
    if (!exited && shown().size() == expected.size()) break;
    if (!exited) absl::SleepFor(absl::Milliseconds(100));
  }
  if (!exited) {
    ASSERT_EQ(kill(child, SIGINT), 0);
    ASSERT_EQ(waitpid(child, &status, 0), child);
  }
  const std::string err = ReadAll(err_file);
  ASSERT_TRUE(WIFEXITED(status)) << err;
  if (WEXITSTATUS(status) == 0) {
    EXPECT_NE(err.find("已停止"), std::string::npos) << err;  // stopped by us
  } else {
    EXPECT_EQ(WEXITSTATUS(status), 1) << err;
    EXPECT_TRUE(err.find("RESOURCE_EXHAUSTED") != std::string::npos ||
                err.find("UNAVAILABLE") != std::string::npos)
        << err;
  }
  EXPECT_NE(err.find("techreno bank watch --cursor_file="), std::string::npos) << err;
  const std::vector<std::string> got = shown();
  ASSERT_LE(got.size(), expected.size());
  for (size_t i = 0; i < got.size(); ++i) ASSERT_EQ(got[i], expected[i]) << i;
  std::printf("the stopped watcher was shown %zu of %zu events, then %s\n", got.size(),
              expected.size(), WEXITSTATUS(status) == 0 ? "stopped" : "ended by the server");

  grpc::ClientContext again_ctx;
  again_ctx.AddMetadata("authorization", "Bearer " + token);
  v1::WatchRecommendationsRequest again;
  again.set_cursor(ReadAll(cursor_file));
  auto resumed = side.stub->WatchRecommendations(&again_ctx, again);
  for (size_t i = got.size(); i < expected.size(); ++i) {
    ASSERT_EQ(NextEvent(*resumed).recommendation().project_code(), expected[i]) << i;
  }
  again_ctx.TryCancel();
}

}  // namespace
}  // namespace techreno::testing
