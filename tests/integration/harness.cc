#include "tests/integration/harness.h"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <mutex>
#include <thread>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "libs/auth/tokens.h"
#include "libs/codes/codes.h"
#include "libs/rpc/server.h"
#include "libs/store/migrations.h"
#include "services/banklink/banklink_service.h"
#include "services/library/library_service.h"
#include "services/monitoring/monitoring_service.h"
#include "services/registry/registry_service.h"

namespace techreno::testing {
namespace {

// Lives for the whole test binary: the services must outlive the server.
struct Hosted {
  std::unique_ptr<registry::RegistryService> registry;
  std::unique_ptr<monitoring::MonitoringService> monitoring;
  std::unique_ptr<library::LibraryService> library;
  std::unique_ptr<banklink::BankLinkService> banklink;
  std::unique_ptr<rpc::RunningServer> server;
};

bool CreateDatabase(const std::string& admin_dsn, const std::string& name) {
  try {
    pqxx::connection conn(admin_dsn);
    pqxx::nontransaction tx(conn);
    tx.exec("CREATE DATABASE " + tx.quote_name(name));
    return true;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "cannot create test database %s: %s\n", name.c_str(), e.what());
    return false;
  }
}

}  // namespace

TestEnv* TestEnv::Get() {
  static TestEnv* env = []() -> TestEnv* {
    const char* base = std::getenv("TECHRENO_TEST_DSN");
    if (base == nullptr || *base == '\0') return nullptr;
    // $TECHRENO_TEST_DATABASE names the database (created when missing), so
    // that a server started outside the test can share it.
    const char* fixed = std::getenv("TECHRENO_TEST_DATABASE");
    std::string db = fixed != nullptr && *fixed != '\0'
                         ? std::string(fixed)
                         // pid and clock: rand() unseeded repeats, and pids are reused
                         : absl::StrFormat("techreno_test_%d_%d", getpid(),
                                           absl::ToUnixNanos(absl::Now()) % 1'000'000'000);
    if (fixed == nullptr && !CreateDatabase(base, db)) return nullptr;
    if (fixed != nullptr) CreateDatabase(base, db);  // already there is fine
    auto* e = new TestEnv();
    e->dsn_ = absl::StrCat(base, " dbname=", db);
    e->pool_ = std::make_unique<store::Pool>(store::PoolOptions{e->dsn_, 16});
    auto applied = store::ApplyMigrations(*e->pool_);
    if (!applied.ok() || !store::SeedReferenceData(*e->pool_).ok()) {
      std::fprintf(stderr, "migrations failed: %s\n", applied.status().ToString().c_str());
      return nullptr;
    }
    auto* hosted = new Hosted();
    hosted->registry = std::make_unique<registry::RegistryService>(*e->pool_);
    hosted->monitoring = std::make_unique<monitoring::MonitoringService>(*e->pool_);
    hosted->library = std::make_unique<library::LibraryService>(*e->pool_);
    hosted->banklink = std::make_unique<banklink::BankLinkService>(*e->pool_);
    rpc::ServerOptions options;
    options.address = "127.0.0.1:0";
    options.shutdown_grace = absl::Seconds(2);
    auto server = rpc::StartServer(
        options,
        {hosted->registry.get(), hosted->monitoring.get(), hosted->library.get(),
         hosted->banklink.get()},
        {v1::ProjectRegistry::service_full_name(), v1::InvestmentMonitoring::service_full_name(),
         v1::KeyProjectLibrary::service_full_name(), v1::BankLink::service_full_name()});
    if (!server.ok()) {
      std::fprintf(stderr, "server failed: %s\n", server.status().ToString().c_str());
      return nullptr;
    }
    hosted->server = *std::move(server);
    // $TECHRENO_TEST_SERVER points the tests at a server started outside them
    // over the same database (e.g. an older build, to show a test fails there).
    const char* external = std::getenv("TECHRENO_TEST_SERVER");
    const std::string address = external != nullptr && *external != '\0'
                                    ? std::string(external)
                                    : absl::StrCat("127.0.0.1:", hosted->server->port());
    grpc::ChannelArguments args;
    args.SetMaxReceiveMessageSize(128 << 20);
    e->channel_ = grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), args);
    return e;
  }();
  return env;
}

std::string TestEnv::Token(const std::string& role, const std::string& scope,
                           const std::string& label) {
  static std::mutex mu;
  static auto* tokens = new absl::flat_hash_map<std::string, std::string>();
  std::lock_guard<std::mutex> lock(mu);
  std::string name = absl::StrCat(role, ":", scope, label.empty() ? "" : ":", label);
  auto it = tokens->find(name);
  if (it != tokens->end()) return it->second;
  auto parsed = auth::ParseRole(role);
  auto token = auth::CreatePrincipal(*pool_, name, *parsed, scope);
  if (!token.ok()) {
    ADD_FAILURE() << "cannot create principal " << name << ": " << token.status();
    return "";
  }
  (*tokens)[name] = *token;
  return *token;
}

v1::PushProgressResponse TestEnv::PushProgress(const std::string& token,
                                               const std::vector<v1::ProgressReport>& reports,
                                               grpc::Status* status) {
  auto stub = v1::InvestmentMonitoring::NewStub(channel_);
  auto context = Context(token);
  v1::PushProgressResponse response;
  auto writer = stub->PushProgress(context.get(), &response);
  for (const auto& report : reports) {
    v1::PushProgressRequest record;
    *record.mutable_report() = report;
    if (!writer->Write(record)) break;  // the server stopped reading
  }
  writer->WritesDone();
  *status = writer->Finish();
  return response;
}

std::vector<v1::PushProgressResponse> TestEnv::PushProgressChunks(
    const std::string& token, const std::vector<v1::PushProgressRequest>& records, int chunk,
    grpc::Status* status) {
  auto stub = v1::InvestmentMonitoring::NewStub(channel_);
  auto context = Context(token);
  auto stream = stub->PushProgressChunks(context.get());
  std::thread writer([&] {
    for (size_t first = 0; first < records.size(); first += chunk) {
      v1::PushProgressChunk message;
      for (size_t i = first; i < std::min(records.size(), first + chunk); ++i) {
        *message.add_records() = records[i];
      }
      if (!stream->Write(message)) break;  // the server ended the call
    }
    stream->WritesDone();
  });
  std::vector<v1::PushProgressResponse> answers;
  v1::PushProgressResponse answer;
  while (stream->Read(&answer)) answers.push_back(answer);
  writer.join();
  *status = stream->Finish();
  return answers;
}

std::unique_ptr<grpc::ClientContext> TestEnv::Context(const std::string& token) {
  auto context = std::make_unique<grpc::ClientContext>();
  context->AddMetadata("authorization", "Bearer " + token);
  context->set_deadline(std::chrono::system_clock::now() + std::chrono::minutes(10));
  return context;
}

std::string CreditCode(const std::string& first17) {
  return first17 + codes::CreditCheckChar(first17);
}

v1::Enterprise SampleEnterprise(const std::string& county, int n) {
  v1::Enterprise e;
  e.set_credit_code(CreditCode(absl::StrFormat("91%sMA%07d", county, n)));
  e.set_name(absl::StrFormat("广东测试制造有限公司%d", n));
  e.set_county_code(county);
  e.set_industry_code("34");
  e.set_above_designated_size(true);
  e.set_revenue_band(v1::REVENUE_BAND_OVER_50M);
  return e;
}

v1::Project SampleProject(const std::string& county, const std::string& credit_code, int n) {
  v1::Project p;
  p.set_enterprise_credit_code(credit_code);
  p.set_county_code(county);
  p.set_industry_code("34");
  p.set_name(absl::StrFormat("智能化生产线技术改造项目%d", n));
  p.add_renovation_types(v1::RENOVATION_TYPE_INTELLIGENT_MANUFACTURING);
  p.add_requested_support(v1::SUPPORT_INSTRUMENT_LOAN_INTEREST_SUBSIDY);
  p.set_planned_investment_fen(2'000'000'000 + n);  // 2,000 万元
  p.set_planned_equipment_investment_fen(1'000'000'000);
  p.set_start_period("2025-03");
  p.set_planned_completion_period("2026-06");
  p.set_source_record_id(absl::StrFormat("SRC-%s-%d", county, n));
  p.set_share_with_banks(true);
  return p;
}

int64_t SummaryMismatches(pqxx::transaction_base& tx) {
  // Projects in the statistics, with their completion month and the keys
  // they count under; then every report's amount under each key, its
  // presence (a February covering January counts for January too) within the
  // project's start..completion, and each project's start × completion cohort.
  constexpr char kTruth[] = R"(
    WITH p AS (
      SELECT p.project_code, p.county_code, p.planned_investment_fen AS planned,
             left(p.start_period, 4)::int * 12 + right(p.start_period, 2)::int - 1 AS start_i,
             coalesce(least((SELECT min(r.period_index) FROM monitoring_reports r
                             WHERE r.project_code = p.project_code AND r.status = 3),
                            p.completion_index), -1) AS done,
             p.industry_code, p.renovation_types, p.requested_support, e.revenue_band
      FROM v_projects p JOIN v_enterprises e ON e.credit_code = p.enterprise_credit_code
      WHERE p.planned_investment_fen >= 500000000 AND p.status <> 5),
    k AS (
      SELECT project_code, 0 AS d, 0 AS v FROM p
      UNION ALL SELECT project_code, 3, left(industry_code, 2)::int FROM p
      UNION ALL SELECT project_code, 4, t FROM p,
        unnest(CASE WHEN renovation_types = '{}' THEN '{0}'::smallint[]
               ELSE renovation_types END) t
      UNION ALL SELECT project_code, 5, s FROM p,
        unnest(CASE WHEN requested_support = '{}' THEN '{0}'::smallint[]
               ELSE requested_support END) s
      UNION ALL SELECT project_code, 6, revenue_band FROM p
      UNION ALL SELECT project_code, 7,
        start_i / 12 * 10000 + CASE WHEN done < 0 THEN 9999 ELSE done / 12 END FROM p),
    presence AS (
      SELECT p.county_code, m.i, r.late, r.version, r.corrected_late
      FROM p JOIN monitoring_reports r USING (project_code),
           LATERAL (SELECT r.period_index AS i
                    UNION ALL SELECT r.period_index - 1 WHERE r.covers_january) m
      WHERE m.i >= p.start_i AND (p.done < 0 OR m.i <= p.done)),
    months AS (
      SELECT d, county_code, v, period_index AS i, sum(fen) AS fen, sum(n) AS n, sum(late) AS late,
             sum(corrected) AS corrected, sum(corrected_late) AS corrected_late
      FROM (SELECT k.d, p.county_code, k.v, r.period_index, r.completed_fen AS fen,
                   0 AS n, 0 AS late, 0 AS corrected, 0 AS corrected_late
            FROM p JOIN k USING (project_code) JOIN monitoring_reports r USING (project_code)
            UNION ALL
            SELECT 0, county_code, 0, i, 0, 1, late::int, (version > 1)::int,
                   (version > 1 AND corrected_late)::int FROM presence) x
      GROUP BY 1, 2, 3, 4),
    cohorts AS (
      SELECT k.d, p.county_code, k.v, p.start_i, p.done, count(*) AS n, sum(p.planned) AS planned
      FROM p JOIN k USING (project_code) GROUP BY 1, 2, 3, 4, 5)
    SELECT
      (SELECT count(*) FROM months t FULL JOIN monitoring_summary_months s
         ON s.dimension = t.d AND s.county_code = t.county_code AND s.value = t.v
        AND s.period_index = t.i
       WHERE (coalesce(s.completed_fen, 0), coalesce(s.reported, 0), coalesce(s.late, 0),
              coalesce(s.corrected, 0), coalesce(s.corrected_late, 0))
          <> (coalesce(t.fen, 0), coalesce(t.n, 0), coalesce(t.late, 0),
              coalesce(t.corrected, 0), coalesce(t.corrected_late, 0)))
    + (SELECT count(*) FROM cohorts t FULL JOIN monitoring_summary_cohorts s
         ON s.dimension = t.d AND s.county_code = t.county_code AND s.value = t.v
        AND s.start_index = t.start_i AND s.completion_index = t.done
       WHERE (coalesce(s.projects, 0), coalesce(s.planned_fen, 0))
          <> (coalesce(t.n, 0), coalesce(t.planned, 0)))
    + (SELECT count(*) FROM v_projects p
       FULL JOIN monitoring_project_facts f USING (project_code)
       WHERE f.completed_fen IS DISTINCT FROM
               (SELECT coalesce(sum(completed_fen), 0) FROM monitoring_reports r
                WHERE r.project_code = p.project_code)
          OR ARRAY[f.last_report_index, f.last_report_fen, f.previous_report_index]
             IS DISTINCT FROM
               (SELECT ARRAY[coalesce(max(period_index), -1),
                       coalesce((array_agg(completed_fen ORDER BY period_index DESC))[1], 0),
                       coalesce((array_agg(period_index ORDER BY period_index DESC))[2], -1)]
                FROM monitoring_reports r WHERE r.project_code = p.project_code)))";
  return tx.exec(kTruth)[0][0].as<int64_t>();
}

}  // namespace techreno::testing
