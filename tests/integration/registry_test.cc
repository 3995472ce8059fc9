// ProjectRegistry over a real gRPC server on loopback and a real PostgreSQL:
// every RPC, its error paths and the authorization matrix.
#include <gtest/gtest.h>

#include <atomic>
#include <set>

#include "absl/strings/str_cat.h"
#include "libs/codes/codes.h"
#include "libs/rpc/status.h"
#include "techreno/v1/banklink.grpc.pb.h"
#include "tests/integration/harness.h"

namespace techreno::testing {
namespace {

constexpr char kLiwan[] = "440103";    // 广州市荔湾区
constexpr char kYuexiu[] = "440104";   // 广州市越秀区
constexpr char kNanshan[] = "440305";  // 深圳市南山区

class RegistryTest : public DbTest {
 protected:
  void SetUp() override {
    DbTest::SetUp();
    if (env_ != nullptr) stub_ = env_->Registry();
  }

  // A number unique in this process (and so in its database): tests run in
  // one process share the database, so records and request ids never repeat.
  static int Next() {
    static std::atomic<int> n{0};
    return ++n;
  }

  v1::Enterprise MakeEnterprise(const std::string& county, const std::string& token) {
    v1::UpsertEnterpriseRequest req;
    req.set_request_id(absl::StrCat("ent-", Next()));
    *req.mutable_enterprise() = SampleEnterprise(county, Next());
    v1::UpsertEnterpriseResponse resp;
    grpc::Status s = stub_->UpsertEnterprise(TestEnv::Context(token).get(), req, &resp);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return resp.enterprise();
  }

  grpc::Status Upsert(const std::string& token, const v1::Project& p, v1::UpsertProjectResponse* r,
                      const std::string& request_id = "", int64_t expected_version = 0) {
    v1::UpsertProjectRequest req;
    req.set_request_id(request_id.empty() ? absl::StrCat("req-", Next()) : request_id);
    *req.mutable_project() = p;
    req.set_expected_version(expected_version);
    return stub_->UpsertProject(TestEnv::Context(token).get(), req, r);
  }

  std::string County(const std::string& code) { return env_->Token("county", code); }
  std::string City(const std::string& code) { return env_->Token("city", code); }
  std::string Province() { return env_->Token("province", "440000"); }
  std::string Auditor() { return env_->Token("auditor", "*"); }

  std::unique_ptr<v1::ProjectRegistry::Stub> stub_;
};

std::vector<std::string> Fields(const grpc::Status& s) {
  std::vector<std::string> out;
  for (const auto& v : rpc::FieldViolations(rpc::FromGrpcStatus(s))) out.push_back(v.field);
  return out;
}

TEST_F(RegistryTest, RejectsMissingAndUnknownTokens) {
  v1::GetProjectRequest req;
  req.set_project_code("2025-440103-00-03-000010");
  v1::Project p;
  grpc::ClientContext bare;
  EXPECT_EQ(stub_->GetProject(&bare, req, &p).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(stub_->GetProject(TestEnv::Context("tr_nope").get(), req, &p).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(RegistryTest, UpsertCreatesAssignsCodeAndReadsBack) {
  auto ent = MakeEnterprise(kLiwan, County(kLiwan));
  v1::UpsertProjectResponse resp;
  v1::Project in = SampleProject(kLiwan, ent.credit_code(), Next());
  ASSERT_TRUE(Upsert(County(kLiwan), in, &resp).ok());
  EXPECT_EQ(resp.outcome(), v1::OUTCOME_ACCEPTED);
  EXPECT_EQ(resp.project().version(), 1);
  EXPECT_EQ(resp.project().status(), v1::PROJECT_STATUS_PLANNED);
  EXPECT_EQ(resp.project().project_code().substr(0, 18), "2025-440103-00-03-");
  EXPECT_EQ(resp.project().county().name(), "荔湾区");
  EXPECT_EQ(resp.project().city().name(), "广州市");
  EXPECT_EQ(resp.project().industry_name(), "通用设备制造业");

  v1::GetProjectRequest get;
  get.set_project_code(resp.project().project_code());
  v1::Project got;
  ASSERT_TRUE(stub_->GetProject(TestEnv::Context(County(kLiwan)).get(), get, &got).ok());
  EXPECT_EQ(got.name(), in.name());
  EXPECT_EQ(got.planned_investment_fen(), in.planned_investment_fen());
  EXPECT_EQ(got.source_record_id(), in.source_record_id());
}

TEST_F(RegistryTest, SameRequestIdReturnsFirstAnswerAndDifferentRequestIsRefused) {
  auto ent = MakeEnterprise(kLiwan, County(kLiwan));
  v1::Project in = SampleProject(kLiwan, ent.credit_code(), Next());
  in.clear_source_record_id();  // identity by request_id only
  v1::UpsertProjectResponse first, second;
  std::string rid = absl::StrCat("fixed-", Next());
  ASSERT_TRUE(Upsert(County(kLiwan), in, &first, rid).ok());
  ASSERT_TRUE(Upsert(County(kLiwan), in, &second, rid).ok());
  EXPECT_EQ(first.SerializeAsString(), second.SerializeAsString());
  in.set_name("另一个项目");
  v1::UpsertProjectResponse third;
  grpc::Status s = Upsert(County(kLiwan), in, &third, rid);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Fields(s), std::vector<std::string>{"request_id"});
}

TEST_F(RegistryTest, IdenticalContentIsUnchangedAndChangesIncrementVersion) {
  auto ent = MakeEnterprise(kLiwan, County(kLiwan));
  v1::Project in = SampleProject(kLiwan, ent.credit_code(), Next());
  v1::UpsertProjectResponse r1, r2, r3;
  ASSERT_TRUE(Upsert(County(kLiwan), in, &r1).ok());
  ASSERT_TRUE(Upsert(County(kLiwan), in, &r2).ok());  // new request id, same content
  EXPECT_EQ(r2.outcome(), v1::OUTCOME_UNCHANGED);
  EXPECT_EQ(r2.project().version(), 1);
  EXPECT_EQ(r2.project().project_code(), r1.project().project_code());
  in.set_status(v1::PROJECT_STATUS_UNDER_CONSTRUCTION);
  ASSERT_TRUE(Upsert(County(kLiwan), in, &r3).ok());
  EXPECT_EQ(r3.outcome(), v1::OUTCOME_ACCEPTED);
  EXPECT_EQ(r3.project().version(), 2);

  v1::GetProjectHistoryRequest h;
  h.set_project_code(r1.project().project_code());
  v1::GetProjectHistoryResponse hist;
  ASSERT_TRUE(stub_->GetProjectHistory(TestEnv::Context(County(kLiwan)).get(), h, &hist).ok());
  ASSERT_EQ(hist.versions_size(), 2);
  EXPECT_EQ(hist.versions(0).version(), 2);
  EXPECT_EQ(hist.versions(0).change_kind(), "update");
  EXPECT_EQ(hist.versions(0).project().status(), v1::PROJECT_STATUS_UNDER_CONSTRUCTION);
  EXPECT_EQ(hist.versions(1).project().status(), v1::PROJECT_STATUS_PLANNED);
  EXPECT_EQ(hist.versions(1).changed_by(), "county:440103");
}

TEST_F(RegistryTest, ExpectedVersionMismatchIsAborted) {
  auto ent = MakeEnterprise(kLiwan, County(kLiwan));
  v1::Project in = SampleProject(kLiwan, ent.credit_code(), Next());
  v1::UpsertProjectResponse r1, r2;
  ASSERT_TRUE(Upsert(County(kLiwan), in, &r1).ok());
  in.set_project_code(r1.project().project_code());
  in.set_name("改名");
  EXPECT_EQ(Upsert(County(kLiwan), in, &r2, "", 7).error_code(), grpc::StatusCode::ABORTED);
  EXPECT_TRUE(Upsert(County(kLiwan), in, &r2, "", 1).ok());
  EXPECT_EQ(r2.project().version(), 2);
}

TEST_F(RegistryTest, IllegalTransitionIsFailedPrecondition) {
  auto ent = MakeEnterprise(kLiwan, County(kLiwan));
  v1::Project in = SampleProject(kLiwan, ent.credit_code(), Next());
  v1::UpsertProjectResponse r;
  ASSERT_TRUE(Upsert(County(kLiwan), in, &r).ok());
  in.set_status(v1::PROJECT_STATUS_COMPLETED);  // planned → completed skips construction
  grpc::Status s = Upsert(County(kLiwan), in, &r);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(Fields(s), std::vector<std::string>{"project.status"});
}

TEST_F(RegistryTest, EveryBadFieldIsReportedAndNothingIsWritten) {
  v1::Project bad;
  bad.set_enterprise_credit_code("91440103MA5AB12340");  // wrong check character
  bad.set_county_code(kNanshan);                         // outside the county's scope
  bad.set_industry_code("52");
  bad.set_planned_investment_fen(-5);
  bad.set_start_period("2025-06");
  bad.set_planned_completion_period("2025-01");
  bad.set_source_record_id("BAD-1");
  v1::UpsertProjectResponse r;
  grpc::Status s = Upsert(County(kLiwan), bad, &r);
  // Writing outside its scope makes it PERMISSION_DENIED; every field is still listed.
  ASSERT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  std::vector<std::string> fields = Fields(s);
  for (const char* f :
       {"project.enterprise_credit_code", "project.county_code", "project.industry_code",
        "project.planned_investment_fen", "project.planned_completion_period", "project.name",
        "project.renovation_types"}) {
    EXPECT_NE(std::find(fields.begin(), fields.end(), f), fields.end()) << f;
  }
  v1::ListProjectsRequest list;
  list.set_county_code(kNanshan);
  v1::ListProjectsResponse out;
  ASSERT_TRUE(stub_->ListProjects(TestEnv::Context(Province()).get(), list, &out).ok());
  for (const auto& p : out.projects()) EXPECT_NE(p.source_record_id(), "BAD-1");
}

TEST_F(RegistryTest, UnknownEnterpriseIsNotFound) {
  v1::Project in = SampleProject(kLiwan, CreditCode("91440103MA5XXXXX1"), Next());
  v1::UpsertProjectResponse r;
  grpc::Status s = Upsert(County(kLiwan), in, &r);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Fields(s), std::vector<std::string>{"project.enterprise_credit_code"});
}

TEST_F(RegistryTest, WarningsAcceptTheRecord) {
  auto ent = MakeEnterprise(kYuexiu, County(kYuexiu));  // same city, other county
  auto other_city = MakeEnterprise(kNanshan, County(kNanshan));
  v1::Project in = SampleProject(kLiwan, other_city.credit_code(), Next());
  in.set_planned_investment_fen(300'000'000);  // 300 万元: under the threshold
  in.set_planned_equipment_investment_fen(100'000'000);
  v1::UpsertProjectResponse r;
  grpc::Status s = Upsert(County(kLiwan), in, &r);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(r.outcome(), v1::OUTCOME_ACCEPTED);
  std::vector<std::string> rules;
  for (const auto& w : r.warnings()) {
    EXPECT_EQ(w.severity(), v1::SEVERITY_WARNING);
    rules.push_back(w.rule_id());
  }
  EXPECT_NE(std::find(rules.begin(), rules.end(), "project.planned_investment.threshold"),
            rules.end());
  EXPECT_NE(std::find(rules.begin(), rules.end(), "project.enterprise.other_city"), rules.end());
  (void)ent;
}

TEST_F(RegistryTest, SuppliedCodeMustNameCountyCityOrProvince) {
  auto ent = MakeEnterprise(kLiwan, County(kLiwan));
  v1::Project in = SampleProject(kLiwan, ent.credit_code(), Next());
  in.set_project_code(absl::StrCat("2025-440100-34-03-", 10000 + Next() % 80000, "7"));
  v1::UpsertProjectResponse r;
  ASSERT_TRUE(Upsert(County(kLiwan), in, &r).ok());
  EXPECT_EQ(r.project().project_code(), in.project_code());
  in.set_project_code("2025-440300-34-03-123457");  // Shenzhen filed it: not ours
  in.set_source_record_id("x");
  grpc::Status s = Upsert(County(kLiwan), in, &r);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Fields(s), std::vector<std::string>{"project.project_code"});
}

TEST_F(RegistryTest, AuthorizationMatrix) {
  auto liwan_ent = MakeEnterprise(kLiwan, County(kLiwan));
  auto nanshan_ent = MakeEnterprise(kNanshan, County(kNanshan));
  v1::UpsertProjectResponse liwan, nanshan;
  ASSERT_TRUE(
      Upsert(County(kLiwan), SampleProject(kLiwan, liwan_ent.credit_code(), Next()), &liwan).ok());
  ASSERT_TRUE(
      Upsert(County(kNanshan), SampleProject(kNanshan, nanshan_ent.credit_code(), Next()), &nanshan)
          .ok());
  auto read = [&](const std::string& token, const std::string& code) {
    v1::GetProjectRequest req;
    req.set_project_code(code);
    v1::Project p;
    return stub_->GetProject(TestEnv::Context(token).get(), req, &p).error_code();
  };
  const std::string l = liwan.project().project_code(), n = nanshan.project().project_code();
  EXPECT_EQ(read(County(kLiwan), l), grpc::StatusCode::OK);
  EXPECT_EQ(read(County(kLiwan), n), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(read(County(kYuexiu), l), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(read(City("440100"), l), grpc::StatusCode::OK);
  EXPECT_EQ(read(City("440100"), n), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(read(City("440300"), n), grpc::StatusCode::OK);
  EXPECT_EQ(read(Province(), n), grpc::StatusCode::OK);
  EXPECT_EQ(read(Auditor(), l), grpc::StatusCode::OK);
  EXPECT_EQ(read(env_->Token("bank", "icbc-gd"), l), grpc::StatusCode::PERMISSION_DENIED);

  // Writes: county B cannot write county A; cities and auditors write nothing here.
  v1::UpsertProjectResponse r;
  v1::Project into_liwan = SampleProject(kLiwan, liwan_ent.credit_code(), Next());
  grpc::Status s = Upsert(County(kYuexiu), into_liwan, &r);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Fields(s), std::vector<std::string>{"project.county_code"});
  EXPECT_EQ(Upsert(City("440100"), into_liwan, &r).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Upsert(Auditor(), into_liwan, &r).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_TRUE(Upsert(Province(), into_liwan, &r).ok());
  // Another county cannot take over a code by naming it.
  v1::Project takeover =
      SampleProject(kYuexiu, MakeEnterprise(kYuexiu, County(kYuexiu)).credit_code(), Next());
  takeover.set_project_code(absl::StrCat("2025-440000-34-03-", 10000 + Next() % 80000, "1"));
  ASSERT_TRUE(Upsert(
                  County(kLiwan),
                  [&] {
                    v1::Project p = SampleProject(kLiwan, liwan_ent.credit_code(), Next());
                    p.set_project_code(takeover.project_code());
                    return p;
                  }(),
                  &r)
                  .ok());
  EXPECT_EQ(Upsert(County(kYuexiu), takeover, &r).error_code(), grpc::StatusCode::ALREADY_EXISTS);

  // Lists are scoped: a county sees only its own, a city only its counties.
  auto list_counties = [&](const std::string& token) {
    v1::ListProjectsRequest req;
    req.set_page_size(1000);
    v1::ListProjectsResponse resp;
    EXPECT_TRUE(stub_->ListProjects(TestEnv::Context(token).get(), req, &resp).ok());
    std::set<std::string> counties;
    for (const auto& p : resp.projects()) counties.insert(p.county_code());
    return counties;
  };
  EXPECT_EQ(list_counties(County(kLiwan)), std::set<std::string>{kLiwan});
  for (const auto& c : list_counties(City("440100"))) EXPECT_EQ(c.substr(0, 4), "4401");
  EXPECT_TRUE(list_counties(Province()).count(kNanshan));
  v1::ListProjectsRequest other;
  other.set_county_code(kNanshan);
  v1::ListProjectsResponse resp;
  EXPECT_EQ(stub_->ListProjects(TestEnv::Context(County(kLiwan)).get(), other, &resp).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(RegistryTest, ListFiltersAndPaginates) {
  const std::string county = "440105";  // 海珠区: only this test writes here
  auto ent = MakeEnterprise(county, County(county));
  for (int i = 0; i < 7; ++i) {
    v1::Project p = SampleProject(county, ent.credit_code(), 500 + i);
    p.set_industry_code(i % 2 == 0 ? "34" : "391");
    p.set_planned_investment_fen((i + 1) * 1'000'000'000LL);
    if (i == 3) {
      p.clear_renovation_types();
      p.add_renovation_types(v1::RENOVATION_TYPE_GREEN_ENERGY_SAVING);
    }
    v1::UpsertProjectResponse r;
    ASSERT_TRUE(Upsert(County(county), p, &r).ok());
  }
  auto list = [&](v1::ListProjectsRequest req) {
    req.set_county_code(county);
    std::vector<v1::Project> all;
    for (int pages = 0; pages < 20; ++pages) {
      v1::ListProjectsResponse resp;
      grpc::Status s = stub_->ListProjects(TestEnv::Context(City("440100")).get(), req, &resp);
      EXPECT_TRUE(s.ok()) << s.error_message();
      for (const auto& p : resp.projects()) all.push_back(p);
      if (resp.next_page_token().empty()) break;
      req.set_page_token(resp.next_page_token());
    }
    return all;
  };
  v1::ListProjectsRequest paged;
  paged.set_page_size(3);
  auto all = list(paged);
  ASSERT_EQ(all.size(), 7u);
  for (size_t i = 1; i < all.size(); ++i)
    EXPECT_LT(all[i - 1].project_code(), all[i].project_code());
  v1::ListProjectsRequest by_division;
  by_division.set_industry_code("39");  // matches group 391
  EXPECT_EQ(list(by_division).size(), 3u);
  v1::ListProjectsRequest by_type;
  by_type.set_renovation_type(v1::RENOVATION_TYPE_GREEN_ENERGY_SAVING);
  EXPECT_EQ(list(by_type).size(), 1u);
  v1::ListProjectsRequest by_money;
  by_money.set_min_planned_investment_fen(2'000'000'000);
  by_money.set_max_planned_investment_fen(4'000'000'000);
  EXPECT_EQ(list(by_money).size(), 3u);
  v1::ListProjectsRequest by_time;
  *by_time.mutable_updated_since() = all.back().update_time();
  EXPECT_GE(list(by_time).size(), 1u);

  // A page token is bound to its filters.
  v1::ListProjectsResponse first;
  ASSERT_TRUE(stub_
                  ->ListProjects(
                      TestEnv::Context(City("440100")).get(),
                      [&] {
                        auto r = paged;
                        r.set_county_code(county);
                        return r;
                      }(),
                      &first)
                  .ok());
  v1::ListProjectsRequest tampered = by_type;
  tampered.set_page_token(first.next_page_token());
  v1::ListProjectsResponse out;
  grpc::Status s = stub_->ListProjects(TestEnv::Context(City("440100")).get(), tampered, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Fields(s), std::vector<std::string>{"page_token"});
  v1::ListProjectsRequest too_big;
  too_big.set_page_size(5000);
  EXPECT_EQ(stub_->ListProjects(TestEnv::Context(Province()).get(), too_big, &out).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(RegistryTest, WithdrawNeedsReasonAndIsFinal) {
  auto ent = MakeEnterprise(kLiwan, County(kLiwan));
  v1::Project in = SampleProject(kLiwan, ent.credit_code(), Next());
  v1::UpsertProjectResponse r;
  ASSERT_TRUE(Upsert(County(kLiwan), in, &r).ok());
  v1::WithdrawProjectRequest w;
  w.set_request_id(absl::StrCat("wd-", Next()));
  w.set_project_code(r.project().project_code());
  v1::Project out;
  grpc::Status s = stub_->WithdrawProject(TestEnv::Context(County(kLiwan)).get(), w, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Fields(s), std::vector<std::string>{"reason"});
  w.set_reason("企业决定取消投资");
  EXPECT_EQ(stub_->WithdrawProject(TestEnv::Context(County(kYuexiu)).get(), w, &out).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  ASSERT_TRUE(stub_->WithdrawProject(TestEnv::Context(County(kLiwan)).get(), w, &out).ok());
  EXPECT_EQ(out.status(), v1::PROJECT_STATUS_WITHDRAWN);
  EXPECT_EQ(out.withdraw_reason(), "企业决定取消投资");
  EXPECT_EQ(out.version(), 2);
  // A retry returns the same answer; a new withdrawal is refused; so is any update.
  v1::Project again;
  ASSERT_TRUE(stub_->WithdrawProject(TestEnv::Context(County(kLiwan)).get(), w, &again).ok());
  EXPECT_EQ(again.version(), 2);
  w.set_request_id(absl::StrCat("wd2-", Next()));
  EXPECT_EQ(stub_->WithdrawProject(TestEnv::Context(County(kLiwan)).get(), w, &out).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  in.set_project_code(r.project().project_code());
  in.set_name("复活");
  EXPECT_EQ(Upsert(County(kLiwan), in, &r).error_code(), grpc::StatusCode::FAILED_PRECONDITION);
}

TEST_F(RegistryTest, EnterpriseUpsertGetAndScope) {
  v1::Enterprise e = SampleEnterprise(kLiwan, 900000 + Next());
  v1::UpsertEnterpriseRequest req;
  req.set_request_id(absl::StrCat("e-", Next()));
  *req.mutable_enterprise() = e;
  v1::UpsertEnterpriseResponse resp;
  ASSERT_TRUE(stub_->UpsertEnterprise(TestEnv::Context(County(kLiwan)).get(), req, &resp).ok());
  EXPECT_EQ(resp.enterprise().version(), 1);
  EXPECT_EQ(resp.enterprise().county().name(), "荔湾区");
  req.set_request_id(absl::StrCat("e2-", Next()));
  ASSERT_TRUE(stub_->UpsertEnterprise(TestEnv::Context(County(kLiwan)).get(), req, &resp).ok());
  EXPECT_EQ(resp.outcome(), v1::OUTCOME_UNCHANGED);
  // Another county may not overwrite it.
  req.set_request_id(absl::StrCat("e3-", Next()));
  req.mutable_enterprise()->set_county_code(kYuexiu);
  EXPECT_EQ(
      stub_->UpsertEnterprise(TestEnv::Context(County(kYuexiu)).get(), req, &resp).error_code(),
      grpc::StatusCode::PERMISSION_DENIED);
  v1::GetEnterpriseRequest get;
  get.set_credit_code(e.credit_code());
  v1::Enterprise got;
  ASSERT_TRUE(stub_->GetEnterprise(TestEnv::Context(City("440100")).get(), get, &got).ok());
  EXPECT_EQ(got.name(), e.name());
  EXPECT_EQ(stub_->GetEnterprise(TestEnv::Context(County(kNanshan)).get(), get, &got).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  get.set_credit_code(CreditCode("91440103MA5YYYYY1"));
  EXPECT_EQ(stub_->GetEnterprise(TestEnv::Context(Province()).get(), get, &got).error_code(),
            grpc::StatusCode::NOT_FOUND);
  // Every bad field at once.
  v1::UpsertEnterpriseRequest bad;
  bad.set_request_id("bad-ent");
  bad.mutable_enterprise()->set_credit_code("123");
  bad.mutable_enterprise()->set_county_code("449999");
  bad.mutable_enterprise()->set_industry_code("99");
  grpc::Status s = stub_->UpsertEnterprise(TestEnv::Context(County(kLiwan)).get(), bad, &resp);
  ASSERT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Fields(s).size(), 4u);  // credit code, name, county, industry
}

TEST_F(RegistryTest, AssignedCodesSkipCodesACountySentInOurShape) {
  auto ent = MakeEnterprise("440117", County("440117"));  // 从化区: only this test
  v1::Project sent = SampleProject("440117", ent.credit_code(), Next());
  sent.set_project_code(codes::MakeProjectCode(2025, "440117", 1));
  v1::UpsertProjectResponse first, second;
  ASSERT_TRUE(Upsert(County("440117"), sent, &first).ok());
  v1::Project codeless = SampleProject("440117", ent.credit_code(), Next());
  ASSERT_TRUE(Upsert(County("440117"), codeless, &second).ok());
  EXPECT_EQ(second.outcome(), v1::OUTCOME_ACCEPTED);
  EXPECT_EQ(second.project().project_code(), codes::MakeProjectCode(2025, "440117", 2));
  EXPECT_EQ(second.project().version(), 1);
}

TEST_F(RegistryTest, SourceRecordIdIsKeptAndNeverShared) {
  auto ent = MakeEnterprise(kLiwan, County(kLiwan));
  v1::Project in = SampleProject(kLiwan, ent.credit_code(), Next());
  v1::UpsertProjectResponse r1, r2, r3;
  ASSERT_TRUE(Upsert(County(kLiwan), in, &r1).ok());
  // An update by code without the source id keeps it...
  v1::Project by_code = in;
  by_code.set_project_code(r1.project().project_code());
  by_code.clear_source_record_id();
  by_code.set_name("更新后的名称");
  ASSERT_TRUE(Upsert(County(kLiwan), by_code, &r2).ok());
  EXPECT_EQ(r2.project().source_record_id(), in.source_record_id());
  // ...so the next code-less push of the record still finds the project.
  in.set_name("更新后的名称");
  ASSERT_TRUE(Upsert(County(kLiwan), in, &r3).ok());
  EXPECT_EQ(r3.project().project_code(), r1.project().project_code());
  EXPECT_EQ(r3.outcome(), v1::OUTCOME_UNCHANGED);
  // Another project may not claim that source id.
  v1::Project other = SampleProject(kLiwan, ent.credit_code(), Next());
  other.set_project_code(absl::StrCat("2025-440103-34-03-", 20000 + Next(), "3"));
  other.set_source_record_id(in.source_record_id());
  grpc::Status s = Upsert(County(kLiwan), other, &r3);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_EQ(Fields(s), std::vector<std::string>{"project.source_record_id"});
}

TEST_F(RegistryTest, IdenticalContentIsUnchangedEvenWithAStaleExpectedVersion) {
  auto ent = MakeEnterprise(kLiwan, County(kLiwan));
  v1::Project in = SampleProject(kLiwan, ent.credit_code(), Next());
  v1::UpsertProjectResponse r1, r2;
  ASSERT_TRUE(Upsert(County(kLiwan), in, &r1).ok());
  in.set_project_code(r1.project().project_code());
  ASSERT_TRUE(Upsert(County(kLiwan), in, &r2, "", /*expected_version=*/9).ok());
  EXPECT_EQ(r2.outcome(), v1::OUTCOME_UNCHANGED);
}

}  // namespace
}  // namespace techreno::testing
