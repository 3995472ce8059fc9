// PushProjects over a real server and database: per-record outcomes, a bad
// record never blocking the good ones, whole-stream retries, counties pushing
// at once, and a 100,000-record stream.
#include <gtest/gtest.h>

#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "libs/rpc/server.h"
#include "libs/store/transaction.h"
#include "services/registry/registry_service.h"
#include "services/registry/registry_store.h"
#include "tests/integration/harness.h"

namespace techreno::testing {
namespace {

class PushTest : public DbTest {
 protected:
  std::string Enterprise(const std::string& county, int n) {
    auto stub = env_->Registry();
    v1::UpsertEnterpriseRequest req;
    req.set_request_id(absl::StrCat("ent-", county, "-", n));
    *req.mutable_enterprise() = SampleEnterprise(county, n);
    v1::UpsertEnterpriseResponse resp;
    grpc::Status s =
        stub->UpsertEnterprise(TestEnv::Context(env_->Token("county", county)).get(), req, &resp);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return req.enterprise().credit_code();
  }

  // Pushes `records` in one stream as `county`'s system.
  v1::PushProjectsResponse Push(const std::string& county,
                                const std::vector<v1::PushProjectsRequest>& records,
                                grpc::Status* status_out = nullptr) {
    auto stub = env_->Registry();
    auto context = TestEnv::Context(env_->Token("county", county));
    v1::PushProjectsResponse response;
    auto writer = stub->PushProjects(context.get(), &response);
    for (const auto& r : records) {
      if (!writer->Write(r)) break;
    }
    writer->WritesDone();
    grpc::Status status = writer->Finish();
    if (status_out != nullptr) {
      *status_out = status;
    } else {
      EXPECT_TRUE(status.ok()) << status.error_message();
    }
    return response;
  }

  // Every project of `county`, as (source_record_id → "code/version/name").
  std::map<std::string, std::string> State(const std::string& county) {
    std::map<std::string, std::string> state;
    Status s = store::RunInTransaction(env_->pool(), [&](pqxx::transaction_base& tx) {
      for (const auto& row : tx.exec_params(
               "SELECT source_record_id, project_code, version, name FROM registry_projects "
               "WHERE county_code = $1",
               county)) {
        state[row[0].c_str()] =
            absl::StrCat(row[1].c_str(), "/", row[2].c_str(), "/", row[3].c_str());
      }
      return absl::OkStatus();
    });
    EXPECT_TRUE(s.ok()) << s;
    return state;
  }

  using Status = absl::Status;
};

std::vector<v1::PushProjectsRequest> Records(const std::string& county, const std::string& credit,
                                             int first, int count) {
  std::vector<v1::PushProjectsRequest> out;
  for (int i = first; i < first + count; ++i) {
    v1::PushProjectsRequest r;
    *r.mutable_project() = SampleProject(county, credit, i);
    out.push_back(std::move(r));
  }
  return out;
}

TEST_F(PushTest, BadRecordsAreRejectedAloneWithEveryReason) {
  const std::string county = "440106";  // 天河区
  std::string credit = Enterprise(county, 1);
  auto records = Records(county, credit, 0, 5);
  records[2].mutable_project()->set_industry_code("52");
  records[2].mutable_project()->set_county_code("440305");
  records[2].mutable_project()->set_planned_investment_fen(-1);
  records[4].mutable_project()->set_planned_investment_fen(100'000'000);  // warning only
  records[4].mutable_project()->set_planned_equipment_investment_fen(0);
  v1::PushProjectsResponse resp = Push(county, records);
  EXPECT_EQ(resp.received(), 5);
  EXPECT_EQ(resp.accepted(), 4);
  EXPECT_EQ(resp.rejected(), 1);
  ASSERT_EQ(resp.results_size(), 5);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(resp.results(i).index(), i);
  EXPECT_EQ(resp.results(2).outcome(), v1::OUTCOME_REJECTED);
  std::set<std::string> fields;
  for (const auto& v : resp.results(2).violations()) fields.insert(v.field());
  EXPECT_EQ(fields, (std::set<std::string>{"project.industry_code", "project.county_code",
                                           "project.planned_investment_fen"}));
  EXPECT_EQ(resp.results(4).outcome(), v1::OUTCOME_ACCEPTED);
  ASSERT_EQ(resp.results(4).violations_size(), 1);
  EXPECT_EQ(resp.results(4).violations(0).rule_id(), "project.planned_investment.threshold");
  EXPECT_EQ(State(county).size(), 4u);
}

TEST_F(PushTest, RetriedStreamGivesTheSameState) {
  const std::string county = "440111";  // 白云区
  std::string credit = Enterprise(county, 2);
  auto records = Records(county, credit, 0, 1200);  // spans several batches
  records[700].mutable_project()->set_start_period("2025-13");
  v1::PushProjectsResponse first = Push(county, records);
  auto state = State(county);
  EXPECT_EQ(first.accepted(), 1199);
  EXPECT_EQ(state.size(), 1199u);
  v1::PushProjectsResponse second = Push(county, records);
  EXPECT_EQ(second.unchanged(), 1199);
  EXPECT_EQ(second.accepted(), 0);
  EXPECT_EQ(second.rejected(), 1);
  EXPECT_EQ(State(county), state);
  for (int i = 0; i < first.results_size(); ++i) {
    EXPECT_EQ(first.results(i).project_code(), second.results(i).project_code()) << i;
  }
}

TEST_F(PushTest, PerRecordRequestIdReturnsFirstAnswer) {
  const std::string county = "440112";  // 黄埔区
  std::string credit = Enterprise(county, 3);
  auto records = Records(county, credit, 0, 3);
  for (int i = 0; i < 3; ++i) records[i].set_request_id(absl::StrCat("rec-", i));
  v1::PushProjectsResponse first = Push(county, records);
  EXPECT_EQ(first.accepted(), 3);
  v1::PushProjectsResponse replay = Push(county, records);
  // Nothing written again: unchanged, said to be replays of the first answer.
  EXPECT_EQ(replay.accepted(), 0);
  EXPECT_EQ(replay.unchanged(), 3);
  EXPECT_EQ(replay.replayed(), 3);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(replay.results(i).outcome(), v1::OUTCOME_UNCHANGED) << i;
    EXPECT_TRUE(replay.results(i).replayed()) << i;
    EXPECT_EQ(replay.results(i).project_code(), first.results(i).project_code()) << i;
    EXPECT_FALSE(first.results(i).replayed()) << i;
  }
  EXPECT_EQ(State(county).size(), 3u);
  records[1].mutable_project()->set_name("不同的内容");
  v1::PushProjectsResponse reused = Push(county, records);
  EXPECT_EQ(reused.results(1).outcome(), v1::OUTCOME_REJECTED);
  EXPECT_EQ(reused.results(1).violations(0).field(), "request_id");
  EXPECT_EQ(reused.results(1).violations(0).rule_id(), "request_id.reused");
}

// Records naming one project several times in one batch — by source record
// and by code, updates, a re-send, an illegal transition, a clash of code and
// source record — are answered exactly as the same records pushed one per
// stream.
TEST_F(PushTest, ABatchAnswersAsItsRecordsPushedOneAtATime) {
  auto sequence = [&](const std::string& county, const std::string& credit) {
    std::vector<v1::PushProjectsRequest> out = Records(county, credit, 0, 2);
    v1::PushProjectsRequest renamed = out[0];
    renamed.mutable_project()->set_name("更名后的技术改造项目");
    out.push_back(renamed);  // an update by source record
    out.push_back(renamed);  // a re-send
    v1::PushProjectsRequest started = out[1];
    started.mutable_project()->set_status(v1::PROJECT_STATUS_UNDER_CONSTRUCTION);
    out.push_back(started);
    v1::PushProjectsRequest back = out[1];
    back.mutable_project()->set_status(v1::PROJECT_STATUS_PLANNED);  // not once under way
    out.push_back(back);
    v1::PushProjectsRequest stale = renamed;
    stale.mutable_project()->set_description("版本冲突");
    stale.set_expected_version(1);  // the project is at version 2 by now
    out.push_back(stale);
    return out;
  };
  auto describe = [](const v1::PushRecordResult& r) {
    std::string rules;
    for (const auto& v : r.violations()) {
      if (v.severity() == v1::SEVERITY_FATAL) absl::StrAppend(&rules, v.rule_id(), ";");
    }
    return absl::StrCat(v1::Outcome_Name(r.outcome()), " v", r.version(), " ", rules);
  };
  std::vector<std::string> one_at_a_time, in_one_batch;
  const std::string alone = "440605";  // 南海区
  for (const auto& record : sequence(alone, Enterprise(alone, 7))) {
    v1::PushProjectsResponse resp = Push(alone, {record});
    ASSERT_EQ(resp.results_size(), 1);
    one_at_a_time.push_back(describe(resp.results(0)));
  }
  const std::string batched = "440608";  // 高明区
  v1::PushProjectsResponse resp = Push(batched, sequence(batched, Enterprise(batched, 8)));
  for (const auto& r : resp.results()) in_one_batch.push_back(describe(r));
  EXPECT_EQ(in_one_batch, one_at_a_time);
  EXPECT_EQ(in_one_batch[2], "OUTCOME_ACCEPTED v2 ");
  EXPECT_EQ(in_one_batch[3], "OUTCOME_UNCHANGED v2 ");
  EXPECT_EQ(in_one_batch[5], "OUTCOME_REJECTED v0 project.status.transition;");
  EXPECT_EQ(in_one_batch[6], "OUTCOME_REJECTED v0 version.mismatch;");
  EXPECT_EQ(resp.results(2).project_code(), resp.results(0).project_code());
  auto state = State(batched);
  EXPECT_EQ(state.size(), 2u);
  // Every accepted record left one audit row, its `before` the row it replaced.
  ASSERT_TRUE(store::RunInTransaction(env_->pool(), [&](pqxx::transaction_base& tx) {
                EXPECT_EQ(tx.exec("SELECT count(*) FROM audit_log WHERE entity = 'project' "
                                  "AND county_code = '440608'")[0][0]
                              .as<int>(),
                          4);
                EXPECT_EQ(tx.exec("SELECT count(*) FROM audit_log c JOIN audit_log p "
                                  "ON p.entity_key = c.entity_key AND p.version = c.version - 1 "
                                  "AND p.entity = 'project' WHERE c.entity = 'project' "
                                  "AND c.county_code = '440608' "
                                  "AND c.before::jsonb = p.after::jsonb")[0][0]
                              .as<int>(),
                          2);
                return absl::OkStatus();
              }).ok());
}

// One project named by code and by its source record in one batch: the
// records are taken in turn, each seeing the one before.
TEST_F(PushTest, RecordsNamingOneProjectByCodeAndBySourceAreTakenInTurn) {
  const std::string county = "440607";  // 三水区
  const std::string credit = Enterprise(county, 9);
  v1::PushProjectsResponse first = Push(county, Records(county, credit, 0, 1));
  ASSERT_EQ(first.accepted(), 1);
  const std::string code = first.results(0).project_code();
  // Three records of the same project (source record 0).
  std::vector<v1::PushProjectsRequest> records(3, Records(county, credit, 0, 1)[0]);
  records[0].mutable_project()->set_project_code(code);  // by code, without its source
  records[0].mutable_project()->clear_source_record_id();
  records[0].mutable_project()->set_name("按代码更名");
  records[1].mutable_project()->set_name("按来源更名");  // by source record only
  records[2] = records[0];                               // by code again
  records[2].mutable_project()->set_description("第三次修改");
  v1::PushProjectsResponse resp = Push(county, records);
  ASSERT_EQ(resp.results_size(), 3);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(resp.results(i).outcome(), v1::OUTCOME_ACCEPTED) << i;
    EXPECT_EQ(resp.results(i).project_code(), code) << i;
    EXPECT_EQ(resp.results(i).version(), i + 2) << i;
  }
  ASSERT_TRUE(store::RunInTransaction(env_->pool(), [&](pqxx::transaction_base& tx) {
                const pqxx::row stored = tx.exec_params1(
                    "SELECT name, description, version FROM registry_projects "
                    "WHERE project_code = $1",
                    code);
                EXPECT_EQ(std::string(stored[0].c_str()), "按代码更名");
                EXPECT_EQ(std::string(stored[1].c_str()), "第三次修改");
                EXPECT_EQ(stored[2].as<int>(), 4);
                // Every version audited once, each `before` the version it replaced.
                EXPECT_EQ(tx.exec_params1("SELECT count(DISTINCT version) FROM audit_log "
                                          "WHERE entity = 'project' AND entity_key = $1",
                                          code)[0]
                              .as<int>(),
                          4);
                EXPECT_EQ(tx.exec_params1("SELECT count(*) FROM audit_log c JOIN audit_log p "
                                          "ON p.entity_key = c.entity_key "
                                          "AND p.version = c.version - 1 AND p.entity = 'project' "
                                          "WHERE c.entity = 'project' AND c.entity_key = $1 "
                                          "AND c.before::jsonb = p.after::jsonb",
                                          code)[0]
                              .as<int>(),
                          3);
                return absl::OkStatus();
              }).ok());
}

// Two streams of one county used to take turns: the first batch to assign a
// code held the county's counter row until it committed.
TEST_F(PushTest, CodeAssignmentNeverWaitsForAnotherTransaction) {
  pqxx::connection first_conn(env_->dsn()), second_conn(env_->dsn());
  {
    pqxx::work warm(first_conn);  // the county-year's first serial creates its sequence
    registry::NextSerials(warm, {{"440114", 2031}});
    warm.commit();
  }
  pqxx::work first(first_conn);
  const int64_t a = registry::NextSerials(first, {{"440114", 2031}})[0];  // and stays open
  pqxx::work second(second_conn);
  second.exec("SET LOCAL lock_timeout = '2s'");
  int64_t b = 0;
  EXPECT_NO_THROW(b = registry::NextSerials(second, {{"440114", 2031}})[0]);
  EXPECT_NE(a, b);
  EXPECT_GT(a, 1);
  second.commit();
  first.commit();
}

TEST_F(PushTest, OtherCountysRecordsAreRejectedInAStream) {
  const std::string county = "440113";  // 番禺区
  std::string credit = Enterprise(county, 4);
  auto records = Records(county, credit, 0, 2);
  records[1].mutable_project()->set_county_code("440114");
  v1::PushProjectsResponse resp = Push(county, records);
  EXPECT_EQ(resp.accepted(), 1);
  EXPECT_EQ(resp.results(1).violations(0).rule_id(), "region.county_code.scope");
}

TEST_F(PushTest, CountiesPushingAtOnceAllLand) {
  const std::vector<std::string> counties = {"440303", "440304", "440305", "440306"};
  std::vector<std::string> credits;
  for (size_t i = 0; i < counties.size(); ++i) credits.push_back(Enterprise(counties[i], 10 + i));
  std::vector<std::thread> threads;
  std::vector<v1::PushProjectsResponse> responses(counties.size());
  for (size_t i = 0; i < counties.size(); ++i) {
    threads.emplace_back(
        [&, i] { responses[i] = Push(counties[i], Records(counties[i], credits[i], 0, 800)); });
  }
  for (auto& t : threads) t.join();
  for (size_t i = 0; i < counties.size(); ++i) {
    EXPECT_EQ(responses[i].accepted(), 800) << counties[i];
    EXPECT_EQ(State(counties[i]).size(), 800u) << counties[i];
  }
}

TEST_F(PushTest, HundredThousandRecordsInOneStream) {
  const std::string county = "440115";  // 南沙区
  std::string credit = Enterprise(county, 20);
  constexpr int kRecords = 100'000;
  // Generated on the fly, with national-platform codes (assigned codes hold
  // 99,999 per county and year).
  auto stub = env_->Registry();
  auto context = TestEnv::Context(env_->Token("county", county));
  v1::PushProjectsResponse response;
  auto writer = stub->PushProjects(context.get(), &response);
  for (int i = 0; i < kRecords; ++i) {
    v1::PushProjectsRequest r;
    *r.mutable_project() = SampleProject(county, credit, i);
    r.mutable_project()->set_project_code(
        absl::StrFormat("%d-440115-34-03-%05d%d", 2020 + i / 90000, i % 90000, i % 10));
    ASSERT_TRUE(writer->Write(r)) << i;
  }
  writer->WritesDone();
  grpc::Status status = writer->Finish();
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.received(), kRecords);
  EXPECT_EQ(response.accepted(), kRecords);
  EXPECT_EQ(response.results_size(), kRecords);
  EXPECT_EQ(response.results(kRecords - 1).index(), kRecords - 1);
  EXPECT_EQ(State(county).size(), static_cast<size_t>(kRecords));
}

TEST_F(PushTest, LongStreamsAreAnsweredIncompleteAtTheLimit) {
  // A server of its own with tiny limits: 5 records per push, batches of 2.
  registry::RegistryOptions options;
  options.push.batch_size = 2;
  options.push.max_records = 5;
  registry::RegistryService service(env_->pool(), options);
  rpc::ServerOptions server_options;
  server_options.address = "127.0.0.1:0";
  auto server = rpc::StartServer(server_options, {&service});
  ASSERT_TRUE(server.ok()) << server.status();
  auto stub = v1::ProjectRegistry::NewStub(grpc::CreateChannel(
      absl::StrCat("127.0.0.1:", (*server)->port()), grpc::InsecureChannelCredentials()));

  const std::string county = "440114";  // 花都区
  std::string credit = Enterprise(county, 30);
  auto push = [&](int count) {
    auto context = TestEnv::Context(env_->Token("county", county));
    v1::PushProjectsResponse response;
    auto writer = stub->PushProjects(context.get(), &response);
    for (const auto& r : Records(county, credit, 0, count)) {
      if (!writer->Write(r)) break;  // the server stopped reading
    }
    writer->WritesDone();
    EXPECT_TRUE(writer->Finish().ok());
    return response;
  };
  v1::PushProjectsResponse exact = push(5);
  EXPECT_FALSE(exact.incomplete());
  EXPECT_EQ(exact.accepted(), 5);
  v1::PushProjectsResponse longer = push(8);
  EXPECT_TRUE(longer.incomplete());
  EXPECT_EQ(longer.received(), 5);
  EXPECT_EQ(longer.unchanged(), 5);
  EXPECT_EQ(State(county).size(), 5u);  // nothing beyond `received` was written
}

}  // namespace
}  // namespace techreno::testing
