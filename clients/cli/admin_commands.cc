// techreno admin migrate / create-principal / load-calendar: run directly
// against the database (--db), because they set up what the server needs
// before it can authenticate anyone (or reference data it only reads).
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "clients/cli/commands.h"
#include "libs/auth/principal.h"
#include "libs/auth/tokens.h"
#include "libs/codes/codes.h"
#include "libs/store/migrations.h"
#include "libs/store/pool.h"
#include "libs/store/reference_data.h"
#include "libs/store/transaction.h"

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

// The calendar days of the file at `path`; false after saying why (the
// parser's messages name the CSV line).
bool ReadCalendar(const std::string& path, std::vector<codes::CalendarDay>* days) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  if (!in || !(text << in.rdbuf())) {
    std::cerr << "error: cannot read " << path << "\n";
    return false;
  }
  absl::StatusOr<std::vector<codes::CalendarDay>> parsed = codes::ParseWorkingCalendar(text.str());
  if (!parsed.ok()) {
    std::cerr << "error: " << path << ": " << parsed.status().message() << "\n";
    return false;
  }
  *days = *std::move(parsed);
  return true;
}

// "2026: 39 days (33 holidays, 6 adjusted working days)", one line per year.
void PrintCalendarYears(const std::vector<codes::CalendarDay>& days) {
  std::map<std::string, std::pair<int, int>> years;  // year -> holidays, working days
  for (const codes::CalendarDay& d : days) {
    auto& [holidays, workdays] = years[d.date.substr(0, 4)];
    ++(d.workday ? workdays : holidays);
  }
  for (const auto& [year, count] : years) {
    std::cout << year << ": " << count.first + count.second << " days (" << count.first
              << " holidays, " << count.second << " adjusted working days)\n";
  }
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

int AdminLoadCalendar(const GlobalOptions& options, const std::string& path) {
  std::vector<codes::CalendarDay> days;
  if (!ReadCalendar(path, &days)) return kExitUsage;
  if (days.empty()) {
    std::cerr << "error: " << path << " holds no calendar days\n";
    return kExitUsage;
  }
  if (!HaveDb(options)) return kExitUsage;
  store::Pool pool(PoolFor(options));
  const absl::Status loaded = store::RunInTransaction(pool, [&](pqxx::transaction_base& tx) {
    store::LoadWorkingCalendar(tx, days);
    return absl::OkStatus();
  });
  if (!loaded.ok()) return Failed(loaded);
  std::cout << "loaded " << days.size() << " calendar days from " << path << "\n";
  PrintCalendarYears(days);
  return kExitOk;
}

}  // namespace techreno::cli
