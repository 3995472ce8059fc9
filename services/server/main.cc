// techreno-server: hosts the techreno services on one port (all four by
// default; --services picks some, so that deployments may run them apart).
// Applies pending migrations and seeds reference data at start unless told not to.
#include <cstdio>
#include <memory>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "libs/rpc/server.h"
#include "libs/store/migrations.h"
#include "libs/store/pool.h"
#include "services/banklink/banklink_service.h"
#include "services/library/library_service.h"
#include "services/monitoring/monitoring_service.h"
#include "services/registry/registry_service.h"

ABSL_FLAG(std::string, listen, "127.0.0.1:50051", "address to listen on (host:port)");
ABSL_FLAG(std::string, db, "",
          "PostgreSQL connection string, e.g. 'host=127.0.0.1 port=5432 "
          "dbname=techreno user=techreno' (default: $TECHRENO_DB)");
ABSL_FLAG(int, pool_size, 16, "database connections (the real limit on concurrent database work)");
ABSL_FLAG(int, max_threads, 256,
          "gRPC worker threads; each open call (a push stream too) holds one, and calls "
          "beyond it get RESOURCE_EXHAUSTED");
ABSL_FLAG(bool, migrate, true, "apply pending schema migrations and seed reference data at start");
ABSL_FLAG(std::string, services, "registry,monitoring,library,banklink", "services to host");
ABSL_FLAG(std::string, tls_cert, "", "PEM certificate chain; enables TLS");
ABSL_FLAG(std::string, tls_key, "", "PEM private key for --tls_cert");
ABSL_FLAG(std::string, tls_client_ca, "", "PEM CA bundle; requires client certificates (mTLS)");
ABSL_FLAG(int, shutdown_grace_seconds, 30, "how long in-flight calls may finish at shutdown");

int main(int argc, char** argv) {
  techreno::rpc::BlockShutdownSignals();
  absl::SetProgramUsageMessage("techreno-server [--listen=ADDR] [--db=DSN] ...");
  absl::ParseCommandLine(argc, argv);
  std::string dsn = absl::GetFlag(FLAGS_db);
  if (dsn.empty() && std::getenv("TECHRENO_DB") != nullptr) dsn = std::getenv("TECHRENO_DB");
  if (dsn.empty()) {
    std::fprintf(stderr, "techreno-server: --db (or $TECHRENO_DB) is required\n");
    return 2;
  }
  techreno::store::Pool pool({dsn, absl::GetFlag(FLAGS_pool_size)});
  if (absl::GetFlag(FLAGS_migrate)) {
    auto applied = techreno::store::ApplyMigrations(pool);
    if (!applied.ok()) {
      std::fprintf(stderr, "techreno-server: migrations failed: %s\n",
                   applied.status().ToString().c_str());
      return 1;
    }
    if (!applied->empty()) {
      std::fprintf(stderr, "applied migrations: %s\n", absl::StrJoin(*applied, ", ").c_str());
    }
    if (absl::Status s = techreno::store::SeedReferenceData(pool); !s.ok()) {
      std::fprintf(stderr, "techreno-server: seeding reference data failed: %s\n",
                   s.ToString().c_str());
      return 1;
    }
  }

  techreno::registry::RegistryService registry(pool);
  techreno::monitoring::MonitoringService monitoring(pool);
  techreno::library::LibraryService library(pool);
  techreno::banklink::BankLinkService banklink(pool);
  std::vector<grpc::Service*> services;
  std::vector<std::string> names;  // for the health service
  auto host = [&](grpc::Service* service, const char* full_name) {
    services.push_back(service);
    names.push_back(full_name);
  };
  for (absl::string_view name : absl::StrSplit(absl::GetFlag(FLAGS_services), ',')) {
    if (name == "registry")
      host(&registry, techreno::v1::ProjectRegistry::service_full_name());
    else if (name == "monitoring")
      host(&monitoring, techreno::v1::InvestmentMonitoring::service_full_name());
    else if (name == "library")
      host(&library, techreno::v1::KeyProjectLibrary::service_full_name());
    else if (name == "banklink")
      host(&banklink, techreno::v1::BankLink::service_full_name());
    else {
      std::fprintf(stderr, "techreno-server: unknown service '%.*s'\n",
                   static_cast<int>(name.size()), name.data());
      return 2;
    }
  }

  techreno::rpc::ServerOptions options;
  options.address = absl::GetFlag(FLAGS_listen);
  options.max_threads = absl::GetFlag(FLAGS_max_threads);
  options.tls_cert_file = absl::GetFlag(FLAGS_tls_cert);
  options.tls_key_file = absl::GetFlag(FLAGS_tls_key);
  options.tls_client_ca_file = absl::GetFlag(FLAGS_tls_client_ca);
  options.shutdown_grace = absl::Seconds(absl::GetFlag(FLAGS_shutdown_grace_seconds));
  auto server = techreno::rpc::StartServer(options, services, names);
  if (!server.ok()) {
    std::fprintf(stderr, "techreno-server: %s\n", server.status().ToString().c_str());
    return 1;
  }
  std::printf("techreno-server listening on port %d (%s)\n", (*server)->port(),
              absl::GetFlag(FLAGS_services).c_str());
  std::fflush(stdout);
  const char* signal = techreno::rpc::WaitForShutdownSignal();
  std::fprintf(stderr, "%s received: finishing in-flight calls\n", signal);
  banklink.StopWatchers();  // watch streams end now (UNAVAILABLE), not after the grace
  (*server)->Shutdown();
  return 0;
}
