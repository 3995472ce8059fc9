// BankLink's pure rules: feedback transitions, request checks, cursors, and
// what a caller is shown.
#include "services/banklink/banklink_rules.h"

#include <gtest/gtest.h>

namespace techreno::banklink {
namespace {

using S = v1::FeedbackState;

TEST(FeedbackTransition, FollowsTheContract) {
  const S none = v1::FEEDBACK_STATE_UNSPECIFIED, contacted = v1::FEEDBACK_STATE_CONTACTED,
          reviewing = v1::FEEDBACK_STATE_REVIEWING, granted = v1::FEEDBACK_STATE_LOAN_GRANTED,
          declined = v1::FEEDBACK_STATE_DECLINED;
  for (S to : {contacted, reviewing, granted, declined}) {
    EXPECT_TRUE(CheckFeedbackTransition(none, to).ok());
  }
  EXPECT_TRUE(CheckFeedbackTransition(contacted, reviewing).ok());
  EXPECT_TRUE(CheckFeedbackTransition(contacted, granted).ok());
  EXPECT_TRUE(CheckFeedbackTransition(reviewing, declined).ok());
  EXPECT_TRUE(CheckFeedbackTransition(declined, contacted).ok());
  EXPECT_TRUE(CheckFeedbackTransition(declined, reviewing).ok());
  EXPECT_TRUE(CheckFeedbackTransition(granted, granted).ok());
  for (auto [from, to] : std::vector<std::pair<S, S>>{{granted, declined},
                                                      {granted, contacted},
                                                      {reviewing, contacted},
                                                      {declined, granted},
                                                      {contacted, contacted}}) {
    absl::Status s = CheckFeedbackTransition(from, to);
    EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition) << from << "→" << to;
  }
}

TEST(SubmitFeedbackCheck, NamesEveryBadField) {
  v1::SubmitFeedbackRequest r;
  r.set_state(v1::FEEDBACK_STATE_DECLINED);
  r.set_loan_amount_fen(5);
  r.set_decline_reason(v1::DECLINE_REASON_OTHER);          // needs a detail
  r.mutable_effective_time()->set_seconds(4'000'000'000);  // far future
  std::vector<std::string> fields;
  for (const auto& v : CheckSubmitFeedback(r, 1'700'000'000'000'000)) fields.push_back(v.field);
  EXPECT_EQ(fields, (std::vector<std::string>{"request_id", "project_code", "loan_amount_fen",
                                              "decline_detail", "effective_time"}));
  v1::SubmitFeedbackRequest ok;
  ok.set_request_id("r1");
  ok.set_project_code("P");
  ok.set_state(v1::FEEDBACK_STATE_LOAN_GRANTED);
  ok.set_loan_amount_fen(100);
  EXPECT_TRUE(CheckSubmitFeedback(ok, 0).empty());
}

TEST(PublishCheck, RefusesDuplicatesAndRetractionsWithoutReason) {
  v1::PublishRecommendationsRequest r;
  r.set_request_id("r1");
  r.set_title("名单");
  r.add_items()->set_project_code("A");
  r.add_items()->set_project_code("A");
  r.add_retract_project_codes("B");
  std::vector<std::string> fields;
  for (const auto& v : CheckPublishRequest(r)) fields.push_back(v.field);
  EXPECT_EQ(fields, (std::vector<std::string>{"items[1].project_code", "retract_reason"}));
}

TEST(Cursor, RoundTripsForItsPrincipalOnly) {
  const std::string c = EncodeCursor(7, 12345);
  EXPECT_EQ(*DecodeCursor(c, 7), 12345);
  EXPECT_EQ(DecodeCursor(c, 8).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(DecodeCursor("garbage", 7).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(*ResolveHeartbeat(0), 30);
  EXPECT_FALSE(ResolveHeartbeat(4).ok());
}

TEST(Audience, BanksReceiveWhatIsAddressedToThem) {
  EventRow e;
  e.to_all = true;
  e.to_except = {"icbc-gd"};
  auth::Principal icbc{1, "b", auth::Role::kBank, "icbc-gd"};
  auth::Principal ccb{2, "c", auth::Role::kBank, "ccb-gd"};
  auth::Principal county{3, "x", auth::Role::kCounty, "440103"};
  auth::Principal province{4, "p", auth::Role::kProvince, "440000"};
  EXPECT_FALSE(EventReaches(e, icbc));  // saw it already: not PUBLISHED again
  EXPECT_TRUE(EventReaches(e, ccb));
  EXPECT_FALSE(EventReaches(e, county));
  EXPECT_TRUE(EventReaches(e, province));
  v1::Recommendation rec;
  rec.set_state(v1::RECOMMENDATION_STATE_RETRACTED);
  rec.mutable_project()->set_name("x");
  rec.add_bank_ids("icbc-gd");
  ShapeForCaller(icbc, rec);
  EXPECT_FALSE(rec.has_project());
  EXPECT_TRUE(rec.bank_ids().empty());
}

}  // namespace
}  // namespace techreno::banklink
