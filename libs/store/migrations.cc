#include "libs/store/migrations.h"

#include <string_view>
#include <utility>

#include "absl/strings/str_cat.h"
#include "libs/store/reference_data.h"
#include "libs/store/transaction.h"

namespace techreno::store {
namespace embedded_migrations {
const std::vector<std::pair<std::string_view, std::string_view>>& Files();
}

namespace {
// Any constant: identifies "techreno migrations" among advisory locks.
constexpr int64_t kMigrationLock = 7465726;
}  // namespace

absl::StatusOr<std::vector<std::string>> ApplyMigrations(Pool& pool) {
  auto lease = pool.Acquire();
  if (!lease.ok()) return lease.status();
  std::vector<std::string> applied;
  try {
    pqxx::connection& conn = lease->conn();
    {
      pqxx::nontransaction setup(conn);
      // Lock first: two servers starting on an empty database would otherwise
      // race on creating the bookkeeping table itself.
      setup.exec(absl::StrCat("SELECT pg_advisory_lock(", kMigrationLock, ")"));
      setup.exec(
          "CREATE TABLE IF NOT EXISTS schema_migrations ("
          " name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())");
    }
    for (const auto& [file, sql] : embedded_migrations::Files()) {
      pqxx::work tx(conn);
      std::string name(file);
      if (!tx.exec_params("SELECT 1 FROM schema_migrations WHERE name = $1", name).empty()) {
        continue;
      }
      tx.exec(std::string(sql));
      tx.exec_params("INSERT INTO schema_migrations (name) VALUES ($1)", name);
      tx.commit();
      applied.push_back(name);
    }
    pqxx::nontransaction unlock(conn);
    unlock.exec(absl::StrCat("SELECT pg_advisory_unlock(", kMigrationLock, ")"));
  } catch (const std::exception& e) {
    lease->MarkBroken();  // also drops the session's advisory lock
    return MapException(e);
  }
  return applied;
}

absl::Status SeedReferenceData(Pool& pool) {
  const ReferenceData& ref = Reference();
  return RunInTransaction(pool, [&](pqxx::transaction_base& tx) {
    // Parents first: rows are ordered province, city, county in the table.
    for (const auto& tier :
         {codes::RegionTier::kProvince, codes::RegionTier::kCity, codes::RegionTier::kCounty}) {
      for (const codes::Region& r : ref.regions.All()) {
        if (r.tier != tier) continue;
        const char* tier_name = tier == codes::RegionTier::kProvince ? "province"
                                : tier == codes::RegionTier::kCity   ? "city"
                                                                     : "county";
        Exec(tx, "seed_region",
             "INSERT INTO regions (code, name, tier, parent_code) "
             "VALUES ($1, $2, $3, NULLIF($4, '')) "
             "ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, tier = EXCLUDED.tier, "
             "parent_code = EXCLUDED.parent_code",
             r.code, r.name, tier_name, r.parent_code);
      }
    }
    for (const codes::Industry& i : ref.industries.All()) {
      Exec(tx, "seed_industry",
           "INSERT INTO industries (code, name, level, parent_code) "
           "VALUES ($1, $2, $3, NULLIF($4, '')) "
           "ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, level = EXCLUDED.level, "
           "parent_code = EXCLUDED.parent_code",
           i.code, i.name, i.level, i.parent_code);
    }
    for (const codes::RegionGroup& g : ref.region_groups.All()) {
      Exec(tx, "seed_group",
           "INSERT INTO region_groups (id, name) VALUES ($1, $2) "
           "ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name",
           g.id, g.name);
      Exec(tx, "seed_group_clear", "DELETE FROM region_group_members WHERE group_id = $1", g.id);
      for (const std::string& member : g.members) {
        Exec(tx, "seed_group_member",
             "INSERT INTO region_group_members (group_id, region_code) VALUES ($1, $2)", g.id,
             member);
      }
    }
    LoadWorkingCalendar(tx, ref.calendar);
    return absl::OkStatus();
  });
}

void LoadWorkingCalendar(pqxx::transaction_base& tx, const std::vector<codes::CalendarDay>& days) {
  for (const codes::CalendarDay& d : days) {
    Exec(tx, "seed_calendar_day",
         "INSERT INTO cn_calendar_days (day, kind, name) VALUES ($1::date, $2, $3) "
         "ON CONFLICT (day) DO UPDATE SET kind = EXCLUDED.kind, name = EXCLUDED.name",
         d.date, d.workday ? "workday" : "holiday", d.name);
  }
  tx.exec("SELECT cn_calendar_refresh()");
}

}  // namespace techreno::store
