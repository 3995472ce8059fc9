// techreno admin migrate / admin create-principal: run directly against the
// database (--db), because they set up what the server needs before it can
// authenticate anyone.
#include <iostream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "clients/cli/commands.h"
#include "libs/auth/principal.h"
#include "libs/auth/tokens.h"
#include "libs/store/migrations.h"
#include "libs/store/pool.h"
#include "libs/store/reference_data.h"

namespace techreno::cli {
namespace {

// One connection is all an administrative command uses.
store::PoolOptions PoolFor(const GlobalOptions& options) {
  store::PoolOptions pool;
  pool.dsn = options.db;
  pool.size = 1;
  return pool;
}

bool HaveDb(const GlobalOptions& options) {
  if (!options.db.empty()) return true;
  std::cerr << "error: admin commands need --db or $TECHRENO_DB, a libpq connection string "
               "such as \"host=127.0.0.1 port=5432 dbname=techreno\"\n";
  return false;
}

int Failed(const absl::Status& status) {
  std::cerr << "error: " << absl::StatusCodeToString(status.code()) << ": " << status.message()
            << "\n";
  return kExitFailure;
}

}  // namespace

int AdminMigrate(const GlobalOptions& options) {
  if (!HaveDb(options)) return kExitUsage;
  store::Pool pool(PoolFor(options));
  absl::StatusOr<std::vector<std::string>> applied = store::ApplyMigrations(pool);
  if (!applied.ok()) return Failed(applied.status());
  for (const std::string& name : *applied) std::cout << "applied " << name << "\n";
  if (applied->empty()) std::cout << "schema is up to date\n";
  if (absl::Status s = store::SeedReferenceData(pool); !s.ok()) return Failed(s);
  std::cout << "reference data loaded: " << store::Reference().regions.All().size() << " regions, "
            << store::Reference().industries.All().size() << " industries\n";
  return kExitOk;
}

int AdminCreatePrincipal(const GlobalOptions& options, const std::string& name,
                         const std::string& role_name, const std::string& scope) {
  // Argument mistakes are found before touching the database, as usage errors.
  absl::StatusOr<auth::Role> role = auth::ParseRole(role_name);
  if (!role.ok()) {
    std::cerr << "error: --role: " << role.status().message() << "\n";
    return kExitUsage;
  }
  if (name.empty()) {
    std::cerr << "error: create-principal needs --name\n";
    return kExitUsage;
  }
  if (absl::Status s = auth::ValidateScope(*role, scope, store::Reference().regions); !s.ok()) {
    std::cerr << "error: --scope: " << s.message() << "\n";
    return kExitUsage;
  }
  if (!HaveDb(options)) return kExitUsage;
  store::Pool pool(PoolFor(options));
  absl::StatusOr<std::string> token = auth::CreatePrincipal(pool, name, *role, scope);
  if (!token.ok()) return Failed(token.status());
  // Only the token on stdout, so that TOKEN=$(techreno admin create-principal ...) works.
  std::cout << *token << "\n";
  std::cerr << "created principal '" << name << "' (" << auth::RoleName(*role) << ", scope "
            << scope << "). The token above is shown once and stored only as a hash: "
            << "keep it now.\n";
  return kExitOk;
}

}  // namespace techreno::cli
