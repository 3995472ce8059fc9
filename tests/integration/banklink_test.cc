// BankLink over a real server and database: publication to named banks, each
// seeing only its own; feedback through its states and refusals; the live
// stream with exact resumption, 100 watchers, a second server process on the
// same database; consent withdrawn → RETRACTED; stats against plain SQL; scope.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "libs/rpc/server.h"
#include "libs/rpc/status.h"
#include "libs/store/transaction.h"
#include "services/banklink/banklink_service.h"
#include "techreno/v1/banklink.grpc.pb.h"
#include "tests/integration/banklink_fixture.h"
#include "tests/integration/harness.h"

namespace techreno::testing {
namespace {

constexpr char kLiwan[] = "440103";    // 广州市荔湾区
constexpr char kNanshan[] = "440305";  // 深圳市南山区

class BankLinkTest : public BankLinkFixture {
 protected:
  std::string Project(const std::string& county = kLiwan, bool consent = true) {
    return BankLinkFixture::Project(county, consent);
  }

  v1::PublishRecommendationsResponse Publish(const std::vector<std::string>& codes,
                                             const std::vector<std::string>& banks,
                                             grpc::Status* status = nullptr) {
    v1::PublishRecommendationsRequest req;
    req.set_request_id(absl::StrCat("pub-", Next()));
    req.set_title("2026年第一批技术改造优质项目推荐名单");
    for (const auto& c : codes) {
      auto* item = req.add_items();
      item->set_project_code(c);
      item->set_note("设备更新，市场前景好");
    }
    for (const auto& b : banks) req.add_bank_ids(b);
    v1::PublishRecommendationsResponse resp;
    grpc::Status s = bank_->PublishRecommendations(TestEnv::Context(Province()).get(), req, &resp);
    if (status != nullptr)
      *status = s;
    else
      EXPECT_TRUE(s.ok()) << s.error_message();
    return resp;
  }

  std::vector<v1::Recommendation> List(const std::string& token, std::string* cursor = nullptr,
                                       bool include_retracted = false) {
    v1::ListRecommendationsRequest req;
    req.set_page_size(1000);
    req.set_include_retracted(include_retracted);
    v1::ListRecommendationsResponse resp;
    grpc::Status s = bank_->ListRecommendations(TestEnv::Context(token).get(), req, &resp);
    EXPECT_TRUE(s.ok()) << s.error_message();
    if (cursor != nullptr) *cursor = resp.watch_cursor();
    return {resp.recommendations().begin(), resp.recommendations().end()};
  }

  static bool Contains(const std::vector<v1::Recommendation>& recs, const std::string& code) {
    for (const auto& r : recs) {
      if (r.project_code() == code) return true;
    }
    return false;
  }

  grpc::Status Feedback(const std::string& token, const std::string& code, v1::FeedbackState state,
                        int64_t amount = 0,
                        v1::DeclineReason reason = v1::DECLINE_REASON_UNSPECIFIED,
                        v1::SubmitFeedbackResponse* out = nullptr) {
    v1::SubmitFeedbackRequest req;
    req.set_request_id(absl::StrCat("fb-", Next()));
    req.set_project_code(code);
    req.set_state(state);
    req.set_loan_amount_fen(amount);
    req.set_decline_reason(reason);
    v1::SubmitFeedbackResponse local;
    return bank_->SubmitFeedback(TestEnv::Context(token).get(), req, out ? out : &local);
  }
};

// Reads events until `n` non-heartbeat events arrived or `timeout` passed.
struct Watcher {
  grpc::ClientContext context;
  std::unique_ptr<grpc::ClientReader<v1::RecommendationEvent>> reader;
  Watcher(v1::BankLink::Stub& stub, const std::string& token, const std::string& cursor,
          int heartbeat = 0) {
    context.AddMetadata("authorization", "Bearer " + token);
    v1::WatchRecommendationsRequest req;
    req.set_cursor(cursor);
    req.set_heartbeat_seconds(heartbeat);
    reader = stub.WatchRecommendations(&context, req);
  }
  std::vector<v1::RecommendationEvent> Take(size_t n) {
    std::vector<v1::RecommendationEvent> out;
    v1::RecommendationEvent e;
    while (out.size() < n && reader->Read(&e)) {
      if (e.kind() != v1::RECOMMENDATION_EVENT_KIND_HEARTBEAT) out.push_back(e);
    }
    return out;
  }
};

TEST_F(BankLinkTest, EachBankSeesOnlyWhatIsAddressedToIt) {
  const std::string a = Project(), b = Project(kNanshan), no_consent = Project(kLiwan, false);
  auto first = Publish({a}, {"icbc-gd"});
  EXPECT_EQ(first.publication().added(), 1);
  auto second = Publish({b}, {"ccb-gd"});
  grpc::Status refused;
  Publish({no_consent}, {}, &refused);
  ASSERT_EQ(refused.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(refused.error_message().find("no item"), std::string::npos);

  auto icbc = List(Bank("icbc-gd"));
  EXPECT_TRUE(Contains(icbc, a));
  EXPECT_FALSE(Contains(icbc, b));
  EXPECT_FALSE(Contains(icbc, no_consent));
  for (const auto& r : icbc) EXPECT_TRUE(r.bank_ids().empty()) << "a bank never sees the audience";
  auto ccb = List(Bank("ccb-gd"));
  EXPECT_TRUE(Contains(ccb, b));
  EXPECT_FALSE(Contains(ccb, a));
  auto province = List(Province());
  EXPECT_TRUE(Contains(province, a) && Contains(province, b));
  for (const auto& r : province) {
    if (r.project_code() == a) {
      EXPECT_EQ(r.bank_ids(0), "icbc-gd");
    }
  }
  // Counties and cities see their own projects only.
  auto liwan = List(env_->Token("county", kLiwan));
  EXPECT_TRUE(Contains(liwan, a));
  EXPECT_FALSE(Contains(liwan, b));
  EXPECT_TRUE(Contains(List(env_->Token("city", "440300")), b));

  // Adding a bank to the audience: the new bank sees it; the count says updated.
  auto widened = Publish({a}, {"boc-gd"});
  EXPECT_EQ(widened.publication().updated(), 1);
  EXPECT_TRUE(Contains(List(Bank("boc-gd")), a));
}

TEST_F(BankLinkTest, FeedbackFollowsItsStatesAndRefusesIllegalSteps) {
  const std::string a = Project();
  Publish({a}, {"icbc-gd", "abc-gd"});
  const std::string icbc = Bank("icbc-gd"), abc = Bank("abc-gd");
  EXPECT_TRUE(Feedback(icbc, a, v1::FEEDBACK_STATE_CONTACTED).ok());
  EXPECT_TRUE(Feedback(icbc, a, v1::FEEDBACK_STATE_REVIEWING).ok());
  v1::SubmitFeedbackResponse granted;
  ASSERT_TRUE(Feedback(icbc, a, v1::FEEDBACK_STATE_LOAN_GRANTED, 300'000'000,
                       v1::DECLINE_REASON_UNSPECIFIED, &granted)
                  .ok());
  EXPECT_EQ(granted.feedback().version(), 3);
  EXPECT_EQ(granted.feedback().bank_name(), "中国工商银行广东省分行");
  // Amount corrected; above the need is a warning.
  v1::SubmitFeedbackResponse corrected;
  ASSERT_TRUE(Feedback(icbc, a, v1::FEEDBACK_STATE_LOAN_GRANTED, 600'000'000,
                       v1::DECLINE_REASON_UNSPECIFIED, &corrected)
                  .ok());
  ASSERT_EQ(corrected.warnings_size(), 1);
  EXPECT_EQ(corrected.warnings(0).rule_id(), "banklink.loan_amount.above_need");
  EXPECT_EQ(Feedback(icbc, a, v1::FEEDBACK_STATE_DECLINED, 0, v1::DECLINE_REASON_CREDIT_RISK)
                .error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  // A decline needs its reason; then talks may reopen.
  EXPECT_EQ(Feedback(abc, a, v1::FEEDBACK_STATE_DECLINED).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(
      Feedback(abc, a, v1::FEEDBACK_STATE_DECLINED, 0, v1::DECLINE_REASON_INSUFFICIENT_COLLATERAL)
          .ok());
  EXPECT_EQ(Feedback(abc, a, v1::FEEDBACK_STATE_LOAN_GRANTED, 1).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_TRUE(Feedback(abc, a, v1::FEEDBACK_STATE_CONTACTED).ok());
  // Not addressed, not a bank, stale version.
  EXPECT_EQ(Feedback(Bank("ccb-gd"), a, v1::FEEDBACK_STATE_CONTACTED).error_code(),
            grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Feedback(Province(), a, v1::FEEDBACK_STATE_CONTACTED).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  v1::SubmitFeedbackRequest stale;
  stale.set_request_id(absl::StrCat("fb-stale-", Next()));
  stale.set_project_code(a);
  stale.set_state(v1::FEEDBACK_STATE_REVIEWING);
  stale.set_expected_version(1);
  v1::SubmitFeedbackResponse resp;
  EXPECT_EQ(bank_->SubmitFeedback(TestEnv::Context(abc).get(), stale, &resp).error_code(),
            grpc::StatusCode::ABORTED);
  // Each bank sees its own feedback only; the province sees both.
  for (const auto& r : List(icbc)) {
    if (r.project_code() != a) continue;
    ASSERT_EQ(r.feedback_size(), 1);
    EXPECT_EQ(r.feedback(0).bank_id(), "icbc-gd");
  }
  for (const auto& r : List(Province())) {
    if (r.project_code() == a) {
      EXPECT_EQ(r.feedback_size(), 2);
    }
  }
  int64_t history = 0;
  ASSERT_TRUE(store::RunInTransaction(env_->pool(), [&](pqxx::transaction_base& tx) {
                history = tx.exec_params(
                                "SELECT count(*) FROM banklink_feedback_history "
                                "WHERE project_code = $1",
                                a)[0][0]
                              .as<int64_t>();
                return absl::OkStatus();
              }).ok());
  EXPECT_EQ(history, 6);  // every accepted submission
}

TEST_F(BankLinkTest, WatcherResumesExactlyFromItsCursor) {
  std::string cursor;
  List(Bank("bocom-gd"), &cursor);
  const std::string p1 = Project(), p2 = Project(), p3 = Project(), p4 = Project();
  {
    Watcher w(*bank_, Bank("bocom-gd"), cursor);
    Publish({p1}, {"bocom-gd"});
    Publish({p2}, {"icbc-gd"});  // not for this bank
    Publish({p3}, {"bocom-gd"});
    auto got = w.Take(2);
    ASSERT_EQ(got.size(), 2u);
    EXPECT_EQ(got[0].recommendation().project_code(), p1);
    EXPECT_EQ(got[0].kind(), v1::RECOMMENDATION_EVENT_KIND_PUBLISHED);
    EXPECT_EQ(got[1].recommendation().project_code(), p3);
    cursor = got[0].cursor();  // processed p1 only, then cut off
    w.context.TryCancel();
  }
  Publish({p4}, {});  // every bank
  Watcher again(*bank_, Bank("bocom-gd"), cursor);
  auto rest = again.Take(2);
  ASSERT_EQ(rest.size(), 2u);
  EXPECT_EQ(rest[0].recommendation().project_code(), p3);
  EXPECT_EQ(rest[1].recommendation().project_code(), p4);
  again.context.TryCancel();
}

TEST_F(BankLinkTest, ConsentWithdrawnDeliversRetractedWithoutDetails) {
  const std::string a = Project();
  Publish({a}, {"cdb-gd"});
  std::string cursor;
  List(Bank("cdb-gd"), &cursor);
  Watcher w(*bank_, Bank("cdb-gd"), cursor);
  // The county withdraws the enterprise's consent.
  auto registry = env_->Registry();
  const std::string token = env_->Token("county", kLiwan);
  v1::GetProjectRequest get;
  get.set_project_code(a);
  v1::Project project;
  ASSERT_TRUE(registry->GetProject(TestEnv::Context(token).get(), get, &project).ok());
  v1::UpsertProjectRequest up;
  up.set_request_id(absl::StrCat("consent-", Next()));
  *up.mutable_project() = project;
  up.mutable_project()->set_share_with_banks(false);
  v1::UpsertProjectResponse upr;
  grpc::Status s = registry->UpsertProject(TestEnv::Context(token).get(), up, &upr);
  ASSERT_TRUE(s.ok()) << s.error_message();
  auto got = w.Take(1);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].kind(), v1::RECOMMENDATION_EVENT_KIND_RETRACTED);
  EXPECT_FALSE(got[0].recommendation().has_project());
  EXPECT_EQ(got[0].recommendation().retract_reason(), "consent withdrawn");
  w.context.TryCancel();
  EXPECT_FALSE(Contains(List(Bank("cdb-gd")), a));
  for (const auto& r : List(Bank("cdb-gd"), nullptr, true)) {
    if (r.project_code() == a) {
      EXPECT_FALSE(r.has_project());
    }
  }
}

TEST_F(BankLinkTest, HundredWatchersAllReceiveAndASecondServerToo) {
  // A second server process's worth: its own service and hub on the same database.
  banklink::BankLinkService other_service(env_->pool());
  rpc::ServerOptions options;
  options.address = "127.0.0.1:0";
  options.shutdown_grace = absl::Seconds(1);
  auto other = rpc::StartServer(options, {&other_service});
  ASSERT_TRUE(other.ok());
  auto other_stub = v1::BankLink::NewStub(grpc::CreateChannel(
      absl::StrCat("127.0.0.1:", (*other)->port()), grpc::InsecureChannelCredentials()));

  std::string cursor;
  List(Province(), &cursor);
  std::vector<std::unique_ptr<Watcher>> watchers;
  const char* banks[] = {"icbc-gd", "abc-gd", "boc-gd", "ccb-gd", "bocom-gd"};
  for (int i = 0; i < 100; ++i) {
    const std::string token = Bank(banks[i % 5], absl::StrCat("w", i / 5));
    std::string own;
    List(token, &own);
    watchers.push_back(std::make_unique<Watcher>(*bank_, token, own));
  }
  const std::string province_token = Province();
  std::string remote_cursor;
  List(province_token, &remote_cursor);
  Watcher remote(*other_stub, province_token, remote_cursor);
  // A stalled watcher: opened, never read.
  Watcher stalled(*bank_, Bank("icbc-gd", "stalled"), "");
  const std::string code = Project();
  Publish({code}, {});
  for (auto& w : watchers) {
    auto got = w->Take(1);
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0].recommendation().project_code(), code);
  }
  auto far = remote.Take(1);
  ASSERT_EQ(far.size(), 1u);
  EXPECT_EQ(far[0].recommendation().project_code(), code);
  for (auto& w : watchers) w->context.TryCancel();
  remote.context.TryCancel();
  stalled.context.TryCancel();
  other_service.StopWatchers();
}

TEST_F(BankLinkTest, StatsEqualPlainSql) {
  const std::string a = Project(), b = Project();
  Publish({a, b}, {"gdrcu", "cmb-gz"});
  ASSERT_TRUE(Feedback(Bank("gdrcu"), a, v1::FEEDBACK_STATE_LOAN_GRANTED, 200'000'000).ok());
  ASSERT_TRUE(Feedback(Bank("cmb-gz"), b, v1::FEEDBACK_STATE_DECLINED, 0,
                       v1::DECLINE_REASON_PROJECT_NOT_VIABLE)
                  .ok());
  v1::GetMatchingStatsRequest req;
  req.add_group_by(v1::MATCHING_DIMENSION_BANK);
  v1::GetMatchingStatsResponse resp;
  ASSERT_TRUE(bank_->GetMatchingStats(TestEnv::Context(Province()).get(), req, &resp).ok());
  std::map<std::string, v1::MatchingRow> by_bank;
  for (const auto& r : resp.rows()) by_bank[r.key().bank_id()] = r;
  // Plain SQL over the feedback rows, per bank.
  ASSERT_TRUE(store::RunInTransaction(env_->pool(), [&](pqxx::transaction_base& tx) {
                for (const auto& row :
                     tx.exec("SELECT f.bank_id, count(*) FILTER (WHERE f.state = 3),"
                             " coalesce(sum(f.loan_amount_fen) FILTER (WHERE f.state = 3), 0),"
                             " count(*) FILTER (WHERE f.state = 4) FROM banklink_feedback f"
                             " JOIN banklink_recommendations r USING (project_code)"
                             " WHERE r.state = 1 GROUP BY f.bank_id")) {
                  const auto& m = by_bank[row[0].c_str()];
                  EXPECT_EQ(m.loans_granted(), row[1].as<int64_t>()) << row[0].c_str();
                  EXPECT_EQ(m.loan_amount_fen(), row[2].as<int64_t>());
                  EXPECT_EQ(m.declined(), row[3].as<int64_t>());
                }
                return absl::OkStatus();
              }).ok());
  EXPECT_EQ(by_bank["gdrcu"].key().bank_name(), "广东省农村信用社联合社");
  // A bank sees only itself.
  v1::GetMatchingStatsResponse own;
  ASSERT_TRUE(bank_->GetMatchingStats(TestEnv::Context(Bank("gdrcu")).get(), req, &own).ok());
  ASSERT_EQ(own.rows_size(), 1);
  EXPECT_EQ(own.rows(0).key().bank_id(), "gdrcu");
  EXPECT_GE(own.rows(0).loans_granted(), 1);
}

TEST_F(BankLinkTest, ScopeMatrix) {
  const std::string a = Project();
  grpc::Status s;
  for (const std::string& token : {env_->Token("county", kLiwan), env_->Token("city", "440100"),
                                   Bank("icbc-gd"), env_->Token("auditor", "*")}) {
    v1::PublishRecommendationsRequest req;
    req.set_request_id(absl::StrCat("deny-", Next()));
    req.set_title("x");
    req.add_items()->set_project_code(a);
    v1::PublishRecommendationsResponse resp;
    EXPECT_EQ(bank_->PublishRecommendations(TestEnv::Context(token).get(), req, &resp).error_code(),
              grpc::StatusCode::PERMISSION_DENIED);
  }
  for (const std::string& token : {env_->Token("county", kLiwan), env_->Token("city", "440100")}) {
    Watcher w(*bank_, token, "");
    v1::RecommendationEvent e;
    EXPECT_FALSE(w.reader->Read(&e));
    EXPECT_EQ(w.reader->Finish().error_code(), grpc::StatusCode::PERMISSION_DENIED);
  }
  // A cursor belongs to its principal.
  std::string cursor;
  List(Bank("icbc-gd"), &cursor);
  Watcher w(*bank_, Bank("ccb-gd"), cursor);
  v1::RecommendationEvent e;
  EXPECT_FALSE(w.reader->Read(&e));
  EXPECT_EQ(w.reader->Finish().error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  // A county reads its own only: another county's region is refused.
  v1::ListRecommendationsRequest other;
  other.set_region_code(kNanshan);
  v1::ListRecommendationsResponse resp;
  EXPECT_EQ(
      bank_
          ->ListRecommendations(TestEnv::Context(env_->Token("county", kLiwan)).get(), other, &resp)
          .error_code(),
      grpc::StatusCode::PERMISSION_DENIED);
}

}  // namespace
}  // namespace techreno::testing
