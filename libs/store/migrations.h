// Numbered schema migrations (libs/store/migrations/NNNN_name.sql, embedded in
// the binary), applied once each, in order, each in its own transaction and
// recorded in schema_migrations. Safe to call from several processes at once:
// an advisory lock serialises them.
#ifndef TECHRENO_LIBS_STORE_MIGRATIONS_H_
#define TECHRENO_LIBS_STORE_MIGRATIONS_H_

#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "libs/codes/codes.h"
#include "libs/store/pool.h"

namespace techreno::store {

// Applies the migrations not yet applied; returns the names it applied.
absl::StatusOr<std::vector<std::string>> ApplyMigrations(Pool& pool);

// Loads regions, industries, region groups and China's working calendar from
// the embedded reference CSV files (upsert: safe to repeat; names are
// refreshed; calendar days loaded with LoadWorkingCalendar for other years
// are kept).
absl::Status SeedReferenceData(Pool& pool);

// Stores calendar exceptions (a year's State Council notice: its holidays and
// adjusted working days; upsert by date), then rebuilds the working-day index
// (cn_workday_index) that response deadlines count on.
void LoadWorkingCalendar(pqxx::transaction_base& tx, const std::vector<codes::CalendarDay>& days);

}  // namespace techreno::store

#endif  // TECHRENO_LIBS_STORE_MIGRATIONS_H_
