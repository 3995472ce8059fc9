// The key-project library's SQL (migration 0010), behind a narrow interface.
// Every function runs inside a transaction the caller owns and may throw
// pqxx exceptions, which store::RunInTransaction maps to absl::Status.
// Projects and their progress are read through the registry's and
// monitoring's views (v_projects, v_project_progress).
#ifndef TECHRENO_SERVICES_LIBRARY_LIBRARY_STORE_H_
#define TECHRENO_SERVICES_LIBRARY_LIBRARY_STORE_H_

#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "techreno/v1/library.pb.h"

namespace techreno::library {

// An entry as stored: the message (identity, state, round, version, times and
// the current round's nomination / decision / removal once FillEvents ran)
// and what the write path needs besides.
struct EntryRow {
  v1::LibraryEntry entry;
  std::string county_code, city_code;
  int64_t nomination_event = 0, decision_event = 0, removal_event = 0;  // 0: none
  int64_t nominated_by = 0;  // principal id of the current round's nominator
  bool stored = false;       // read from the table (SaveEntry updates it)
};

// ---- entries
std::optional<EntryRow> LockEntry(pqxx::transaction_base& tx, const std::string& project_code,
                                  v1::LibraryTier tier);
// Inserts a new entry or updates a stored one (state, round, version, event
// ids).
void SaveEntry(pqxx::transaction_base& tx, const EntryRow& row);

struct EntryQuery {
  std::string county_code;  // "" = any
  std::string city_code;    // "" = any
  std::vector<int> tiers, states, project_statuses;
  std::string industry_code;  // division or group prefix; "" = any
  int renovation_type = 0;    // 0 = any
  std::string project_code;   // "" = any
  int64_t updated_since_us = 0;
  // Keyset: entries after (after_tier, after_code) in (tier DESC, code) order.
  int after_tier = 4;
  std::string after_code;
  int limit = 100;
};
std::vector<EntryRow> QueryEntries(pqxx::transaction_base& tx, const EntryQuery& q);

// Completes rows for answers: their events, their projects (as the registry
// holds them, with completed investment) and progress as of `as_of` (a
// period index), and their entries in other tiers.
void FillEvents(pqxx::transaction_base& tx, std::vector<EntryRow>& rows);
void FillProjects(pqxx::transaction_base& tx, std::vector<EntryRow>& rows, int as_of);
void FillOtherTiers(pqxx::transaction_base& tx, std::vector<EntryRow>& rows);

// ---- projects
// The project with its progress as of `as_of`; with `lock`, its registry row
// locked FOR SHARE and its progress row FOR UPDATE — every library write
// takes them first, before the entry, so that a withdrawal, a completion, a
// plan change or a report waits for it (and their triggers then see the
// entry), and writes never take these locks in opposite orders.
struct ProjectState {
  v1::Project project;
  v1::EntryProgress progress;
};
std::optional<ProjectState> LoadProject(pqxx::transaction_base& tx, const std::string& project_code,
                                        int as_of, bool lock);
// Which tiers the project is ACCEPTED in.
std::vector<v1::LibraryTier> AcceptedTiers(pqxx::transaction_base& tx,
                                           const std::string& project_code);

// ---- history
struct NewEvent {
  std::string project_code, county_code;
  v1::LibraryTier tier = v1::LIBRARY_TIER_UNSPECIFIED;
  int64_t principal_id = 0;
  std::string role;  // auth::RoleName of the principal's role
  // event.actor (principal, role, region, request id) and the rest of the
  // event's fields; the time is the transaction's.
  v1::EntryEvent event;
};
int64_t InsertEvent(pqxx::transaction_base& tx, const NewEvent& e);

struct HistoryQuery {
  std::string project_code;
  int tier = 0;           // 0 = every tier
  int64_t before_id = 0;  // keyset: events with id < before_id (0 = newest)
  int limit = 100;
};
struct HistoryRow {
  int64_t id;
  v1::EntryEvent event;
};
std::vector<HistoryRow> History(pqxx::transaction_base& tx, const HistoryQuery& q);
// Whether the project has any entry (GetEntryHistory's NOT_FOUND).
bool HasEntries(pqxx::transaction_base& tx, const std::string& project_code, int tier);

// ---- criteria
// The version in force for `tier` (the migration seeds version 1 of each).
v1::TierCriteria LoadCriteria(pqxx::transaction_base& tx, v1::LibraryTier tier,
                              bool for_update = false);
// Stores `c` as version c.version() with c.set_by() as its actor.
void InsertCriteria(pqxx::transaction_base& tx, const v1::TierCriteria& c, int64_t principal_id);

// ---- totals
// From library_summary (migration 0010), which triggers keep exact.
struct TotalsQuery {
  std::string county_code, city_code;  // scope / filter; "" = any
  std::vector<int> tiers, states;
  v1::LibraryGrouping group_by = v1::LIBRARY_GROUPING_LIBRARY_REGION;
  bool by_division = false;
};
struct TotalsRow {
  int tier;
  std::string region, division;
  int64_t entries, planned_fen, completed_fen;
};
std::vector<TotalsRow> Totals(pqxx::transaction_base& tx, const TotalsQuery& q);

}  // namespace techreno::library

#endif  // TECHRENO_SERVICES_LIBRARY_LIBRARY_STORE_H_
