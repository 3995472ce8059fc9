// Numbered schema migrations (libs/store/migrations/NNNN_name.sql, embedded in
// the binary), applied once each, in order, each in its own transaction and
// recorded in schema_migrations. Safe to call from several processes at once:
// an advisory lock serialises them.
#ifndef TECHRENO_LIBS_STORE_MIGRATIONS_H_
#define TECHRENO_LIBS_STORE_MIGRATIONS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "libs/store/pool.h"

namespace techreno::store {

// Applies the migrations not yet applied; returns the names it applied.
absl::StatusOr<std::vector<std::string>> ApplyMigrations(Pool& pool);

// Loads regions and industries from the embedded reference CSV files (upsert:
// safe to repeat; names are refreshed).
absl::Status SeedReferenceData(Pool& pool);

}  // namespace techreno::store

#endif  // TECHRENO_LIBS_STORE_MIGRATIONS_H_
