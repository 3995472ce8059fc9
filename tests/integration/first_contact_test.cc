// What an outside client meets on first contact, over a real server and
// database: bad input of every size and encoding gets a small, field-level
// answer and leaves the connection serving; every violation comes back at
// once; replays say so; unimplemented services authenticate first; a store
// outage never shows the caller hosts, ports or driver text.
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/health_check_service_interface.h>
#include <gtest/gtest.h>

#include <future>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "libs/rpc/server.h"
#include "libs/rpc/status.h"
#include "services/registry/registry_service.h"
#include "techreno/v1/banklink.grpc.pb.h"
#include "techreno/v1/library.grpc.pb.h"
#include "tests/integration/harness.h"

namespace techreno::testing {
namespace {

// What a client can read of an error: its violations as "field|description".
std::vector<std::string> Violations(const grpc::Status& s) {
  std::vector<std::string> out;
  for (const auto& v : rpc::FieldViolations(rpc::FromGrpcStatus(s))) {
    out.push_back(absl::StrCat(v.field, "|", v.description));
  }
  return out;
}

bool HasViolation(const grpc::Status& s, const std::string& field, const std::string& rule) {
  for (const auto& v : rpc::FieldViolations(rpc::FromGrpcStatus(s))) {
    if (v.field == field && absl::StrContains(v.description, "[" + rule + "]")) return true;
  }
  return false;
}

// Trailers are capped by clients (8 KiB in gRPC's C core): the whole error
// must stay well under that.
void ExpectSmall(const grpc::Status& s) {
  EXPECT_LE(s.error_message().size(), rpc::kMaxErrorMessageBytes);
  EXPECT_LE(s.error_details().size(), rpc::kMaxErrorDetailBytes + 100);
}

class FirstContactTest : public DbTest {
 protected:
  void SetUp() override {
    DbTest::SetUp();
    if (env_ == nullptr) return;
    registry_ = env_->Registry();
    county_ = env_->Token("county", kCounty);
    credit_ = Enterprise(1);
  }

  static constexpr char kCounty[] = "440104";  // 越秀区

  std::string Enterprise(int n) {
    v1::UpsertEnterpriseRequest req;
    req.set_request_id(absl::StrCat("fc-ent-", n));
    *req.mutable_enterprise() = SampleEnterprise(kCounty, 90000 + n);
    v1::UpsertEnterpriseResponse resp;
    grpc::Status s = registry_->UpsertEnterprise(Ctx().get(), req, &resp);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return req.enterprise().credit_code();
  }

  std::unique_ptr<grpc::ClientContext> Ctx() {
    auto context = TestEnv::Context(county_);
    context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
    return context;
  }

  v1::Project Project(int n) { return SampleProject(kCounty, credit_, 90000 + n); }

  grpc::Status Upsert(const v1::Project& p, const std::string& request_id,
                      v1::UpsertProjectResponse* resp = nullptr) {
    v1::UpsertProjectRequest req;
    req.set_request_id(request_id);
    *req.mutable_project() = p;
    v1::UpsertProjectResponse local;
    return registry_->UpsertProject(Ctx().get(), req, resp != nullptr ? resp : &local);
  }

  v1::PushProjectsResponse Push(const std::vector<v1::PushProjectsRequest>& records,
                                grpc::Status* status) {
    auto context = Ctx();
    v1::PushProjectsResponse response;
    auto writer = registry_->PushProjects(context.get(), &response);
    for (const auto& r : records) {
      if (!writer->Write(r)) break;
    }
    writer->WritesDone();
    *status = writer->Finish();
    return response;
  }

  // Pushes `chunks` through PushProjectsChunks; the answers read before the
  // call ended.
  std::vector<v1::PushProjectsResponse> PushChunks(const std::vector<v1::PushProjectsChunk>& chunks,
                                                   grpc::Status* status) {
    auto context = Ctx();
    auto stream = registry_->PushProjectsChunks(context.get());
    for (const auto& c : chunks) {
      if (!stream->Write(c)) break;
    }
    stream->WritesDone();
    std::vector<v1::PushProjectsResponse> answers;
    v1::PushProjectsResponse answer;
    while (stream->Read(&answer)) answers.push_back(answer);
    *status = stream->Finish();
    return answers;
  }

  // The connection still serves: a read and a one-record push both answer.
  void ExpectStillServing() {
    v1::ListProjectsRequest list;
    v1::ListProjectsResponse listed;
    grpc::Status s = registry_->ListProjects(Ctx().get(), list, &listed);
    EXPECT_TRUE(s.ok()) << s.error_message();
    v1::PushProjectsRequest record;
    *record.mutable_project() = Project(999);
    grpc::Status pushed;
    v1::PushProjectsResponse resp = Push({record}, &pushed);
    EXPECT_TRUE(pushed.ok()) << pushed.error_message();
    EXPECT_EQ(resp.received(), 1);
  }

  std::unique_ptr<v1::ProjectRegistry::Stub> registry_;
  std::string county_;
  std::string credit_;
};

TEST_F(FirstContactTest, HugeValuesAreRefusedSmallAndTheConnectionKeepsServing) {
  for (size_t size : {size_t{64} << 10, size_t{1} << 20}) {
    v1::Project p = Project(1);
    p.set_county_code(std::string(size, '4'));
    p.set_start_period(std::string(size, '2'));
    grpc::Status s = Upsert(p, absl::StrCat("fc-huge-", size));
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << size;
    EXPECT_TRUE(HasViolation(s, "project.county_code", "request.field_too_large")) << size;
    EXPECT_TRUE(HasViolation(s, "project.start_period", "request.field_too_large")) << size;
    ExpectSmall(s);
  }
  // A filter value is a field like any other.
  v1::ListProjectsRequest list;
  list.set_industry_code(std::string(1 << 20, '3'));
  v1::ListProjectsResponse listed;
  grpc::Status s = registry_->ListProjects(Ctx().get(), list, &listed);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(HasViolation(s, "industry_code", "request.field_too_large")) << s.error_message();
  ExpectSmall(s);
  ExpectStillServing();
}

TEST_F(FirstContactTest, ValuesJustUnderTheLimitGetABoundedQuote) {
  v1::Project p = Project(2);
  p.set_county_code(std::string(8000, '9'));
  grpc::Status s = Upsert(p, "fc-quote");
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  ExpectSmall(s);
  int found = 0;
  for (const std::string& v : Violations(s)) {
    if (absl::StartsWith(v, "project.county_code|")) {
      ++found;
      EXPECT_TRUE(absl::StrContains(v, "(8000 bytes)")) << v;
      EXPECT_LT(v.size(), 300u) << v;
    }
  }
  EXPECT_EQ(found, 1) << s.error_message();
  ExpectStillServing();
}

TEST_F(FirstContactTest, AThousandDuplicatesAreCountedNotListed) {
  v1::Project p = Project(3);
  for (int i = 0; i < 999; ++i)
    p.add_renovation_types(v1::RENOVATION_TYPE_INTELLIGENT_MANUFACTURING);
  grpc::Status s = Upsert(p, "fc-dups");
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  ExpectSmall(s);
  const auto violations = Violations(s);
  ASSERT_FALSE(violations.empty());
  EXPECT_LE(violations.size(), rpc::kMaxFieldViolations + 1);
  EXPECT_TRUE(absl::StrContains(violations.back(), "[violations.truncated]")) << violations.back();
  // Named, not numbered.
  EXPECT_TRUE(absl::StrContains(violations.front(), "RENOVATION_TYPE_INTELLIGENT_MANUFACTURING"))
      << violations.front();

  // The same record in a push: answered per record, bounded too.
  v1::PushProjectsRequest record;
  *record.mutable_project() = p;
  grpc::Status pushed;
  v1::PushProjectsResponse resp = Push({record}, &pushed);
  ASSERT_TRUE(pushed.ok()) << pushed.error_message();
  ASSERT_EQ(resp.results_size(), 1);
  EXPECT_EQ(resp.results(0).outcome(), v1::OUTCOME_REJECTED);
  ASSERT_GT(resp.results(0).violations_size(), 0);
  EXPECT_LE(resp.results(0).violations_size(), static_cast<int>(rpc::kMaxFieldViolations) + 1);
  EXPECT_EQ(resp.results(0).violations().rbegin()->rule_id(), "violations.truncated");
  ExpectStillServing();
}

TEST_F(FirstContactTest, InvalidUtf8InAStreamRejectsThatRecordAndTheStreamGoesOn) {
  std::vector<v1::PushProjectsRequest> records(3);
  for (int i = 0; i < 3; ++i) *records[i].mutable_project() = Project(10 + i);
  records[1].mutable_project()->set_name("\xB9\xE3\xB6\xAB");  // 广东 in GB18030
  records[1].mutable_project()->set_description("ok \xFF");
  grpc::Status status;
  v1::PushProjectsResponse resp = Push(records, &status);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(resp.received(), 3);
  EXPECT_FALSE(resp.incomplete());
  ASSERT_EQ(resp.results_size(), 3);
  EXPECT_EQ(resp.results(0).outcome(), v1::OUTCOME_ACCEPTED);
  EXPECT_EQ(resp.results(2).outcome(), v1::OUTCOME_ACCEPTED);
  EXPECT_EQ(resp.results(1).outcome(), v1::OUTCOME_REJECTED);
  EXPECT_EQ(resp.results(1).index(), 1);
  EXPECT_EQ(resp.results(1).source_record_id(), records[1].project().source_record_id());
  std::set<std::string> fields;
  for (const auto& v : resp.results(1).violations()) {
    if (v.rule_id() == "text.utf8") fields.insert(v.field());
  }
  EXPECT_EQ(fields, (std::set<std::string>{"project.name", "project.description"}));
}

TEST_F(FirstContactTest, DamagedRecordsInAChunkAreRejectedByPositionAndTheChunkGoesOn) {
  std::vector<v1::PushProjectsChunk> chunks(2);
  for (int i = 0; i < 4; ++i) *chunks[i / 2].add_records()->mutable_project() = Project(40 + i);
  chunks[0].mutable_records(1)->mutable_project()->set_name("\xB9\xE3\xB6\xAB");  // GB18030
  chunks[1].mutable_records(0)->mutable_project()->set_description(std::string(1 << 20, 'x'));
  grpc::Status status;
  std::vector<v1::PushProjectsResponse> answers = PushChunks(chunks, &status);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(answers.size(), 2);
  ASSERT_EQ(answers[0].results_size(), 2);
  EXPECT_EQ(answers[0].results(0).outcome(), v1::OUTCOME_ACCEPTED);
  EXPECT_EQ(answers[0].results(1).outcome(), v1::OUTCOME_REJECTED);
  EXPECT_EQ(answers[0].results(1).violations(0).rule_id(), "text.utf8");
  EXPECT_EQ(answers[0].results(1).violations(0).field(), "project.name");
  ASSERT_EQ(answers[1].results_size(), 2);
  EXPECT_EQ(answers[1].results(0).index(), 2);
  EXPECT_EQ(answers[1].results(0).violations(0).rule_id(), "request.field_too_large");
  EXPECT_EQ(answers[1].results(1).outcome(), v1::OUTCOME_ACCEPTED);
  ExpectStillServing();
}

TEST_F(FirstContactTest, AChunkThatIsNotAListOfRecordsEndsThePushAfterTheChunksBefore) {
  std::vector<v1::PushProjectsChunk> chunks(2);
  *chunks[0].add_records()->mutable_project() = Project(50);
  *chunks[1].add_records()->mutable_project() = Project(51);
  // A field no chunk has (say, a client's forged marker).
  chunks[1].GetReflection()->MutableUnknownFields(&chunks[1])->AddVarint(536'870'911, 1);
  grpc::Status status;
  std::vector<v1::PushProjectsResponse> answers = PushChunks(chunks, &status);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << status.error_message();
  EXPECT_TRUE(absl::StrContains(status.error_message(), "chunk 1")) << status.error_message();
  EXPECT_TRUE(HasViolation(status, "", "request.malformed")) << status.error_message();
  ASSERT_EQ(answers.size(), 1);
  EXPECT_EQ(answers[0].accepted(), 1);
  ExpectStillServing();
}

TEST_F(FirstContactTest, OversizedPushRecordsAreRejectedUncheckedAndTheStreamGoesOn) {
  std::vector<v1::PushProjectsRequest> records(4);
  for (int i = 0; i < 4; ++i) *records[i].mutable_project() = Project(60 + i);
  records[1].mutable_project()->set_description(std::string(1 << 20, 'x'));
  // Damaged and oversized at once: the size is still seen.
  records[2].mutable_project()->set_description(std::string(100000, '\xFF'));
  grpc::Status status;
  v1::PushProjectsResponse resp = Push(records, &status);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(resp.results_size(), 4);
  EXPECT_EQ(resp.accepted(), 2);
  for (int i : {1, 2}) {
    EXPECT_EQ(resp.results(i).outcome(), v1::OUTCOME_REJECTED) << i;
    bool too_large = false;
    for (const auto& v : resp.results(i).violations()) {
      too_large = too_large ||
                  (v.rule_id() == "request.field_too_large" && v.field() == "project.description");
      // Nothing else of the record was checked.
      EXPECT_NE(v.rule_id(), "text.length") << i;
    }
    EXPECT_TRUE(too_large) << i << resp.results(i).DebugString();
  }
}

TEST_F(FirstContactTest, ALongRepeatedFieldIsRefused) {
  v1::QueryAggregatesRequest req;
  for (int i = 0; i < 1001; ++i) req.add_region_codes("440104");
  auto monitoring = v1::InvestmentMonitoring::NewStub(env_->channel());
  v1::QueryAggregatesResponse resp;
  grpc::Status s = monitoring->QueryAggregates(Ctx().get(), req, &resp);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(HasViolation(s, "region_codes", "request.field_too_large")) << s.error_message();
}

TEST_F(FirstContactTest, ARecordOverTheMessageLimitEndsThePushWithoutLoss) {
  std::vector<v1::PushProjectsRequest> records(2);
  *records[0].mutable_project() = Project(70);
  *records[1].mutable_project() = Project(71);
  records[1].mutable_project()->set_description(std::string(5 << 20, 'x'));
  grpc::Status status;
  Push(records, &status);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << status.error_message();
  // Nothing was answered; re-pushing the good record is safe: one project.
  grpc::Status again;
  v1::PushProjectsResponse resp = Push({records[0]}, &again);
  ASSERT_TRUE(again.ok()) << again.error_message();
  EXPECT_EQ(resp.rejected(), 0);
  v1::ListProjectsRequest list;
  list.set_page_size(1000);
  v1::ListProjectsResponse listed;
  ASSERT_TRUE(registry_->ListProjects(Ctx().get(), list, &listed).ok());
  int copies = 0;
  for (const auto& p : listed.projects()) {
    copies += p.source_record_id() == records[0].project().source_record_id();
  }
  EXPECT_EQ(copies, 1);
  ExpectStillServing();
}

TEST_F(FirstContactTest, InvalidUtf8InAUnaryCallIsInvalidArgumentNamingTheField) {
  v1::Project p = Project(20);
  p.set_name("\xC0\xAF");
  grpc::Status s = Upsert(p, "fc-utf8");
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << s.error_message();
  EXPECT_TRUE(HasViolation(s, "project.name", "text.utf8")) << s.error_message();
  EXPECT_TRUE(absl::StrContains(s.error_message(), "project.name")) << s.error_message();
  ExpectStillServing();
}

TEST_F(FirstContactTest, BytesThatAreNotProtobufAreInvalidArgument) {
  grpc::GenericStub stub(env_->channel());
  auto context = Ctx();
  const std::string garbage = "\x0a\xff\xff\xff\xff\x0f";  // a length past the end
  grpc::Slice slice(garbage);
  grpc::ByteBuffer request(&slice, 1);
  grpc::ByteBuffer response;
  std::promise<grpc::Status> done;
  stub.UnaryCall(context.get(), "/techreno.v1.ProjectRegistry/UpsertProject", grpc::StubOptions(),
                 &request, &response, [&done](grpc::Status s) { done.set_value(s); });
  grpc::Status s = done.get_future().get();
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << s.error_message();
  EXPECT_TRUE(HasViolation(s, "", "request.malformed")) << s.error_message();
}

TEST_F(FirstContactTest, StoreChecksRunForRecordsThatFailedThePureChecks) {
  v1::Project p = Project(30);
  p.set_enterprise_credit_code(CreditCode("91440104MA9999999"));  // valid, not registered
  p.set_industry_code("52");                                      // outside 06-46
  grpc::Status s = Upsert(p, "fc-all-at-once");
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(HasViolation(s, "project.industry_code", "industry_code.invalid"));
  EXPECT_TRUE(
      HasViolation(s, "project.enterprise_credit_code", "project.enterprise_credit_code.unknown"))
      << s.error_message();

  v1::PushProjectsRequest record;
  *record.mutable_project() = p;
  grpc::Status pushed;
  v1::PushProjectsResponse resp = Push({record}, &pushed);
  ASSERT_TRUE(pushed.ok());
  std::set<std::string> rules;
  for (const auto& v : resp.results(0).violations()) rules.insert(v.rule_id());
  EXPECT_TRUE(rules.count("industry_code.invalid"));
  EXPECT_TRUE(rules.count("project.enterprise_credit_code.unknown"));
}

TEST_F(FirstContactTest, AReusedRequestIdNamesItsRule) {
  ASSERT_TRUE(Upsert(Project(40), "fc-reused").ok());
  v1::Project other = Project(41);
  grpc::Status s = Upsert(other, "fc-reused");
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(HasViolation(s, "request_id", "request_id.reused")) << s.error_message();
}

TEST_F(FirstContactTest, ReplayedProgressRecordsSayTheyAreReplays) {
  v1::UpsertProjectResponse created;
  v1::Project p = Project(50);
  p.set_start_period("2025-01");
  ASSERT_TRUE(Upsert(p, "fc-progress-project", &created).ok());
  auto monitoring = v1::InvestmentMonitoring::NewStub(env_->channel());
  // Pushes months 1..last of 2025, month `last` with `amount`, ids "<tag>-<m>".
  auto push = [&](const std::string& tag, int last, int64_t amount,
                  v1::PushProgressResponse* resp) {
    auto context = Ctx();
    auto writer = monitoring->PushProgress(context.get(), resp);
    for (int m = (tag == "fix" ? last : 1); m <= last; ++m) {
      v1::PushProgressRequest r;
      r.set_request_id(absl::StrCat("fc-progress-", tag, "-", m));
      r.mutable_report()->set_project_code(created.project().project_code());
      r.mutable_report()->set_period(absl::StrCat("2025-0", m));
      const int64_t fen = m == last ? amount : 1'000'000;
      r.mutable_report()->set_completed_investment_fen(fen);
      r.mutable_report()->mutable_split()->set_equipment_tools_fen(fen);
      writer->Write(r);
    }
    writer->WritesDone();
    return writer->Finish();
  };
  v1::PushProgressResponse first, again, fix, fix_again;
  ASSERT_TRUE(push("first", 2, 1'000'000, &first).ok());
  ASSERT_EQ(first.accepted(), 2) << first.DebugString();
  ASSERT_TRUE(push("first", 2, 1'000'000, &again).ok());
  EXPECT_EQ(again.accepted(), 0);
  EXPECT_EQ(again.unchanged(), 2);
  EXPECT_EQ(again.replayed(), 2);
  for (const auto& r : again.results()) {
    EXPECT_EQ(r.outcome(), v1::OUTCOME_UNCHANGED);
    EXPECT_TRUE(r.replayed());
  }
  // A correction, then its replay: the replay corrects nothing.
  ASSERT_TRUE(push("fix", 2, 2'000'000, &fix).ok());
  EXPECT_EQ(fix.accepted(), 1) << fix.DebugString();
  EXPECT_EQ(fix.corrected(), 1);
  ASSERT_TRUE(push("fix", 2, 2'000'000, &fix_again).ok());
  EXPECT_EQ(fix_again.replayed(), 1);
  EXPECT_EQ(fix_again.corrected(), 0);
}

TEST_F(FirstContactTest, EveryServiceAuthenticatesFirst) {
  auto library = v1::KeyProjectLibrary::NewStub(env_->channel());
  auto banklink = v1::BankLink::NewStub(env_->channel());
  v1::ListEntriesRequest req;
  v1::ListEntriesResponse resp;
  grpc::ClientContext anonymous;
  EXPECT_EQ(library->ListEntries(&anonymous, req, &resp).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(library->ListEntries(TestEnv::Context("tr_wrong").get(), req, &resp).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_TRUE(library->ListEntries(Ctx().get(), req, &resp).ok());
  v1::ListRecommendationsResponse recommendations;
  grpc::ClientContext anonymous_list;
  EXPECT_EQ(banklink
                ->ListRecommendations(&anonymous_list, v1::ListRecommendationsRequest(),
                                      &recommendations)
                .error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_TRUE(
      banklink->ListRecommendations(Ctx().get(), v1::ListRecommendationsRequest(), &recommendations)
          .ok());
  v1::WatchRecommendationsRequest watch;
  grpc::ClientContext anonymous_watch;
  auto reader = banklink->WatchRecommendations(&anonymous_watch, watch);
  v1::RecommendationEvent event;
  EXPECT_FALSE(reader->Read(&event));
  EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(FirstContactTest, HealthAnswersForEveryServiceName) {
  auto health = grpc::health::v1::Health::NewStub(env_->channel());
  for (const char* name : {"", "techreno.v1.ProjectRegistry", "techreno.v1.InvestmentMonitoring",
                           "techreno.v1.KeyProjectLibrary", "techreno.v1.BankLink"}) {
    grpc::health::v1::HealthCheckRequest req;
    req.set_service(name);
    grpc::health::v1::HealthCheckResponse resp;
    grpc::ClientContext context;
    grpc::Status s = health->Check(&context, req, &resp);
    EXPECT_TRUE(s.ok()) << name << ": " << s.error_message();
    EXPECT_EQ(resp.status(), grpc::health::v1::HealthCheckResponse::SERVING) << name;
  }
}

TEST_F(FirstContactTest, AStoreOutageShowsCallersNoInternals) {
  // A server whose database is a closed port on loopback.
  store::Pool dead({"host=127.0.0.1 port=1 dbname=techreno user=techreno connect_timeout=2", 2});
  registry::RegistryService service(dead);
  rpc::ServerOptions options;
  options.address = "127.0.0.1:0";
  options.shutdown_grace = absl::Seconds(1);
  auto server = rpc::StartServer(options, {&service});
  ASSERT_TRUE(server.ok()) << server.status();
  auto channel = grpc::CreateChannel(absl::StrCat("127.0.0.1:", (*server)->port()),
                                     grpc::InsecureChannelCredentials());
  auto stub = v1::ProjectRegistry::NewStub(channel);
  v1::GetProjectRequest req;
  req.set_project_code("2025-440104-00-03-000017");
  v1::Project resp;
  grpc::Status s = stub->GetProject(Ctx().get(), req, &resp);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_TRUE(absl::StrContains(s.error_message(), "safe to retry")) << s.error_message();
  for (const char* internal : {"127.0.0.1", "port", "connection to server", "PQ", "socket"}) {
    EXPECT_FALSE(absl::StrContains(s.error_message(), internal)) << s.error_message();
  }
}

}  // namespace
}  // namespace techreno::testing
