#include "tests/integration/harness.h"

#include <unistd.h>

#include <cstdlib>
#include <mutex>

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

std::string TestEnv::Token(const std::string& role, const std::string& scope) {
  static std::mutex mu;
  static auto* tokens = new absl::flat_hash_map<std::string, std::string>();
  std::lock_guard<std::mutex> lock(mu);
  std::string name = absl::StrCat(role, ":", scope);
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

}  // namespace techreno::testing
