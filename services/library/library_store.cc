#include "services/library/library_store.h"

#include <google/protobuf/util/time_util.h>

#include <map>
#include <stdexcept>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "libs/store/arrays.h"
#include "libs/store/reference_data.h"
#include "libs/store/transaction.h"
#include "services/registry/project_row.h"
#include "services/registry/project_writer.h"

namespace techreno::library {
namespace {

using google::protobuf::util::TimeUtil;
using store::Exec;
using store::NumberArray;
using store::TextArray;

#define TECHRENO_ENTRY_COLUMNS                                                        \
  "e.project_code, e.tier, e.county_code, e.city_code, e.state, e.round, e.version, " \
  "e.nomination_event, coalesce(e.decision_event, 0), coalesce(e.removal_event, 0), " \
  "(extract(epoch from e.created_at) * 1000000)::bigint, "                            \
  "(extract(epoch from e.updated_at) * 1000000)::bigint, "                            \
  "(SELECT principal_id FROM library_events n WHERE n.id = e.nomination_event)"

EntryRow EntryFromRow(const pqxx::row& r) {
  EntryRow row;
  row.stored = true;
  v1::LibraryEntry& e = row.entry;
  e.set_project_code(r[0].c_str());
  e.set_tier(static_cast<v1::LibraryTier>(r[1].as<int>()));
  row.county_code = r[2].c_str();
  row.city_code = r[3].c_str();
  e.set_state(static_cast<v1::EntryState>(r[4].as<int>()));
  e.set_round(r[5].as<int>());
  e.set_version(r[6].as<int64_t>());
  row.nomination_event = r[7].as<int64_t>();
  row.decision_event = r[8].as<int64_t>();
  row.removal_event = r[9].as<int64_t>();
  *e.mutable_create_time() = TimeUtil::MicrosecondsToTimestamp(r[10].as<int64_t>());
  *e.mutable_update_time() = TimeUtil::MicrosecondsToTimestamp(r[11].as<int64_t>());
  row.nominated_by = r[12].as<int64_t>(0);
  return row;
}

#define TECHRENO_EVENT_COLUMNS                                                          \
  "id, tier, version, action, state_before, state_after, round, principal_name, role, " \
  "principal_region, (extract(epoch from at) * 1000000)::bigint, request_id, reason, "  \
  "removal_reason, array_to_string(planned_support, ','), "                             \
  "array_to_string(overridden_criteria, ','), override_reason"

v1::Role RoleOf(absl::string_view name) {
  if (name == "county") return v1::ROLE_COUNTY;
  if (name == "city") return v1::ROLE_CITY;
  if (name == "province") return v1::ROLE_PROVINCE;
  if (name == "bank") return v1::ROLE_BANK;
  if (name == "auditor") return v1::ROLE_AUDITOR;
  return v1::ROLE_UNSPECIFIED;  // "system": an automatic change
}

void SetRegion(const std::string& code, v1::RegionRef* out) {
  out->set_code(code);
  if (const auto* region = store::Reference().regions.Find(code)) out->set_name(region->name);
}

std::vector<int> IntList(absl::string_view text) {
  std::vector<int> out;
  for (absl::string_view part : absl::StrSplit(text, ',', absl::SkipEmpty())) {
    int v = 0;
    if (absl::SimpleAtoi(part, &v)) out.push_back(v);
  }
  return out;
}

std::pair<int64_t, v1::EntryEvent> EventFromRow(const pqxx::row& r) {
  v1::EntryEvent e;
  e.set_tier(static_cast<v1::LibraryTier>(r[1].as<int>()));
  e.set_version(r[2].as<int64_t>());
  e.set_action(static_cast<v1::EntryAction>(r[3].as<int>()));
  e.set_state_before(static_cast<v1::EntryState>(r[4].as<int>()));
  e.set_state_after(static_cast<v1::EntryState>(r[5].as<int>()));
  e.set_round(r[6].as<int>());
  v1::EntryActor* actor = e.mutable_actor();
  actor->set_principal(r[7].c_str());
  actor->set_role(RoleOf(r[8].c_str()));
  SetRegion(r[9].c_str(), actor->mutable_region());
  *actor->mutable_time() = TimeUtil::MicrosecondsToTimestamp(r[10].as<int64_t>());
  actor->set_request_id(r[11].c_str());
  e.set_reason(r[12].c_str());
  e.set_removal_reason(static_cast<v1::RemovalReason>(r[13].as<int>()));
  for (int s : IntList(r[14].c_str())) e.add_planned_support(static_cast<v1::SupportInstrument>(s));
  for (absl::string_view id : absl::StrSplit(r[15].c_str(), ',', absl::SkipEmpty())) {
    e.add_overridden_criteria(std::string(id));
  }
  e.set_override_reason(r[16].c_str());
  return {r[0].as<int64_t>(), std::move(e)};
}

// The current round's parts of an entry, from its events.
void ApplyEvent(const v1::EntryEvent& event, int64_t id, EntryRow& row) {
  v1::LibraryEntry& e = row.entry;
  if (id == row.nomination_event) {
    *e.mutable_nomination()->mutable_nominated_by() = event.actor();
    e.mutable_nomination()->set_reason(event.reason());
  }
  if (id == row.decision_event) {
    v1::Decision* d = e.mutable_decision();
    d->set_kind(event.action() == v1::ENTRY_ACTION_ACCEPT ? v1::DECISION_KIND_ACCEPT
                                                          : v1::DECISION_KIND_REJECT);
    *d->mutable_decided_by() = event.actor();
    d->set_reason(event.reason());
    *d->mutable_planned_support() = event.planned_support();
    *d->mutable_overridden_criteria() = event.overridden_criteria();
    d->set_override_reason(event.override_reason());
  }
  if (id == row.removal_event) {
    v1::Removal* r = e.mutable_removal();
    r->set_reason_code(event.removal_reason());
    r->set_reason(event.reason());
    *r->mutable_removed_by() = event.actor();
  }
}

// A project's columns, its running total and last report month as of $2
// (monitoring_progress_as_of, migration 0012), and its schedule.
constexpr char kProjectsWithProgress[] =
    "SELECT " TECHRENO_PROJECT_COLUMNS
    ", a.completed, a.last_reported, coalesce(s.gap_points, 0), coalesce(s.silent, 0) "
    "FROM v_projects p LEFT JOIN v_project_progress f USING (project_code) "
    "CROSS JOIN LATERAL monitoring_progress_as_of(p.project_code, $2::int) a "
    "LEFT JOIN LATERAL monitoring_schedule(p.planned_investment_fen, f.start_index, "
    "  f.planned_completion_index, a.completed, a.last_reported, $2::int) s ON true "
    "WHERE p.project_code = ANY ($1::text[])";
constexpr int kProjectColumnCount = 20;

std::string PeriodOf(int index) { return codes::FormatPeriod(codes::PeriodFromIndex(index)); }

ProjectState ProjectStateFromRow(const pqxx::row& r, int as_of) {
  ProjectState s;
  s.project = registry::ProjectFromRow(r);
  registry::Decorate(s.project);
  const int64_t completed = r[kProjectColumnCount].as<int64_t>();
  const int last = r[kProjectColumnCount + 1].as<int>();
  s.project.set_completed_investment_fen(completed);
  v1::EntryProgress& p = s.progress;
  p.set_as_of_period(PeriodOf(as_of));
  p.set_completed_investment_fen(completed);
  if (s.project.planned_investment_fen() > 0) {
    p.set_completed_pct(100.0 * completed / s.project.planned_investment_fen());
  }
  if (last >= 0) p.set_last_reported_period(PeriodOf(last));
  p.set_points_behind_schedule(r[kProjectColumnCount + 2].as<double>());
  p.set_months_without_report(r[kProjectColumnCount + 3].as<int>());
  return s;
}

std::string EventIds(const std::vector<EntryRow>& rows) {
  std::vector<int64_t> ids;
  for (const EntryRow& r : rows) {
    for (int64_t id : {r.nomination_event, r.decision_event, r.removal_event}) {
      if (id != 0) ids.push_back(id);
    }
  }
  return NumberArray(ids);
}

std::string ProjectCodes(const std::vector<EntryRow>& rows) {
  std::vector<std::string> codes;
  for (const EntryRow& r : rows) codes.push_back(r.entry.project_code());
  return TextArray(codes);
}

}  // namespace

std::optional<EntryRow> LockEntry(pqxx::transaction_base& tx, const std::string& project_code,
                                  v1::LibraryTier tier) {
  pqxx::result r = Exec(tx, "lib_entry_lock",
                        "SELECT " TECHRENO_ENTRY_COLUMNS
                        " FROM library_entries e WHERE e.project_code = $1 AND e.tier = $2 "
                        "FOR UPDATE",
                        project_code, static_cast<int>(tier));
  if (r.empty()) return std::nullopt;
  std::vector<EntryRow> rows{EntryFromRow(r[0])};
  FillEvents(tx, rows);
  return std::move(rows[0]);
}

void SaveEntry(pqxx::transaction_base& tx, const EntryRow& row) {
  const v1::LibraryEntry& e = row.entry;
  if (!row.stored) {
    // A plain INSERT: a concurrent first nomination of the same entry is a
    // unique violation, retried, and then meets the stored entry.
    Exec(tx, "lib_entry_insert",
         "INSERT INTO library_entries (project_code, tier, county_code, city_code, state, round, "
         "  version, nomination_event, decision_event, removal_event) "
         "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, nullif($9, 0), nullif($10, 0))",
         e.project_code(), static_cast<int>(e.tier()), row.county_code, row.city_code,
         static_cast<int>(e.state()), e.round(), e.version(), row.nomination_event,
         row.decision_event, row.removal_event);
    return;
  }
  const pqxx::result r = Exec(
      tx, "lib_entry_update",
      "UPDATE library_entries SET state = $3, round = $4, version = $5, nomination_event = $6, "
      "  decision_event = nullif($7, 0), removal_event = nullif($8, 0), updated_at = now() "
      "WHERE project_code = $1 AND tier = $2",
      e.project_code(), static_cast<int>(e.tier()), static_cast<int>(e.state()), e.round(),
      e.version(), row.nomination_event, row.decision_event, row.removal_event);
  if (r.affected_rows() != 1) throw std::logic_error("library entry vanished while locked");
}

std::vector<EntryRow> QueryEntries(pqxx::transaction_base& tx, const EntryQuery& q) {
  pqxx::result r = Exec(tx, "lib_entry_query",
                        "SELECT " TECHRENO_ENTRY_COLUMNS
                        " FROM library_entries e JOIN v_projects p USING (project_code) "
                        "WHERE ($1 = '' OR e.county_code = $1) AND ($2 = '' OR e.city_code = $2) "
                        "  AND (cardinality($3::int[]) = 0 OR e.tier = ANY ($3::int[])) "
                        "  AND (cardinality($4::int[]) = 0 OR e.state = ANY ($4::int[])) "
                        "  AND (cardinality($5::int[]) = 0 OR p.status = ANY ($5::int[])) "
                        "  AND ($6 = '' OR left(p.industry_code, length($6)) = $6) "
                        "  AND ($7::int = 0 OR $7::smallint = ANY (p.renovation_types)) "
                        "  AND ($8 = '' OR e.project_code = $8) "
                        "  AND ($9::bigint = 0 OR e.updated_at >= to_timestamp($9::bigint / 1e6)) "
                        "  AND (e.tier < $10::int OR (e.tier = $10::int AND e.project_code > $11)) "
                        "ORDER BY e.tier DESC, e.project_code LIMIT $12",
                        q.county_code, q.city_code, NumberArray(q.tiers), NumberArray(q.states),
                        NumberArray(q.project_statuses), q.industry_code, q.renovation_type,
                        q.project_code, q.updated_since_us, q.after_tier, q.after_code, q.limit);
  std::vector<EntryRow> rows;
  rows.reserve(r.size());
  for (const auto& row : r) rows.push_back(EntryFromRow(row));
  return rows;
}

void FillEvents(pqxx::transaction_base& tx, std::vector<EntryRow>& rows) {
  if (rows.empty()) return;
  pqxx::result r =
      Exec(tx, "lib_entry_events",
           "SELECT " TECHRENO_EVENT_COLUMNS " FROM library_events WHERE id = ANY ($1::bigint[])",
           EventIds(rows));
  absl::flat_hash_map<int64_t, v1::EntryEvent> events;
  for (const auto& row : r) events.insert(EventFromRow(row));
  for (EntryRow& row : rows) {
    for (int64_t id : {row.nomination_event, row.decision_event, row.removal_event}) {
      if (auto it = events.find(id); it != events.end()) ApplyEvent(it->second, id, row);
    }
  }
}

void FillProjects(pqxx::transaction_base& tx, std::vector<EntryRow>& rows, int as_of) {
  const auto& regions = store::Reference().regions;
  for (EntryRow& row : rows) {
    v1::LibraryEntry& e = row.entry;
    SetRegion(e.tier() == v1::LIBRARY_TIER_COUNTY ? row.county_code
              : e.tier() == v1::LIBRARY_TIER_CITY ? row.city_code
                                                  : regions.ProvinceCode(),
              e.mutable_library_region());
  }
  if (rows.empty()) return;
  pqxx::result r = Exec(tx, "lib_entry_projects", kProjectsWithProgress, ProjectCodes(rows), as_of);
  absl::flat_hash_map<std::string, ProjectState> projects;
  for (const auto& row : r) {
    ProjectState s = ProjectStateFromRow(row, as_of);
    projects.emplace(s.project.project_code(), std::move(s));
  }
  for (EntryRow& row : rows) {
    auto it = projects.find(row.entry.project_code());
    if (it == projects.end()) continue;
    *row.entry.mutable_project() = it->second.project;
    *row.entry.mutable_progress() = it->second.progress;
  }
}

void FillOtherTiers(pqxx::transaction_base& tx, std::vector<EntryRow>& rows) {
  if (rows.empty()) return;
  pqxx::result r = Exec(tx, "lib_entry_tiers",
                        "SELECT project_code, tier, state FROM library_entries "
                        "WHERE project_code = ANY ($1::text[]) ORDER BY tier DESC",
                        ProjectCodes(rows));
  std::multimap<std::string, std::pair<int, int>> tiers;
  for (const auto& row : r) {
    tiers.emplace(row[0].c_str(), std::make_pair(row[1].as<int>(), row[2].as<int>()));
  }
  for (EntryRow& row : rows) {
    row.entry.clear_other_tiers();
    auto [begin, end] = tiers.equal_range(row.entry.project_code());
    for (auto it = begin; it != end; ++it) {
      if (it->second.first == row.entry.tier()) continue;
      v1::TierState* t = row.entry.add_other_tiers();
      t->set_tier(static_cast<v1::LibraryTier>(it->second.first));
      t->set_state(static_cast<v1::EntryState>(it->second.second));
    }
  }
}

std::optional<ProjectState> LoadProject(pqxx::transaction_base& tx, const std::string& project_code,
                                        int as_of, bool lock) {
  if (lock) {
    // Through the views: the registry's row FOR SHARE, monitoring's progress
    // row FOR UPDATE (the order migration 0010's triggers take them in).
    Exec(tx, "lib_project_share", "SELECT 1 FROM v_projects WHERE project_code = $1 FOR SHARE",
         project_code);
    Exec(tx, "lib_progress_lock",
         "SELECT 1 FROM v_project_progress WHERE project_code = $1 FOR UPDATE", project_code);
  }
  pqxx::result r =
      Exec(tx, "lib_entry_projects", kProjectsWithProgress, TextArray({project_code}), as_of);
  if (r.empty()) return std::nullopt;
  return ProjectStateFromRow(r[0], as_of);
}

std::vector<v1::LibraryTier> AcceptedTiers(pqxx::transaction_base& tx,
                                           const std::string& project_code) {
  pqxx::result r =
      Exec(tx, "lib_accepted_tiers",
           "SELECT tier FROM library_entries WHERE project_code = $1 AND state = 2", project_code);
  std::vector<v1::LibraryTier> tiers;
  for (const auto& row : r) tiers.push_back(static_cast<v1::LibraryTier>(row[0].as<int>()));
  return tiers;
}

int64_t InsertEvent(pqxx::transaction_base& tx, const NewEvent& n) {
  const v1::EntryEvent& e = n.event;
  const auto& actor = e.actor();
  std::vector<int> support(e.planned_support().begin(), e.planned_support().end());
  std::vector<std::string> overridden(e.overridden_criteria().begin(),
                                      e.overridden_criteria().end());
  pqxx::result r = Exec(
      tx, "lib_event_insert",
      "INSERT INTO library_events (project_code, tier, county_code, version, action, "
      "  state_before, state_after, round, principal_id, principal_name, role, principal_region, "
      "  request_id, reason, removal_reason, planned_support, overridden_criteria, "
      "  override_reason) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, "
      "  $16::smallint[], $17::text[], $18) RETURNING id",
      n.project_code, static_cast<int>(n.tier), n.county_code, e.version(),
      static_cast<int>(e.action()), static_cast<int>(e.state_before()),
      static_cast<int>(e.state_after()), e.round(), n.principal_id, actor.principal(), n.role,
      actor.region().code(), actor.request_id(), e.reason(), static_cast<int>(e.removal_reason()),
      NumberArray(support), TextArray(overridden), e.override_reason());
  return r[0][0].as<int64_t>();
}

std::vector<HistoryRow> History(pqxx::transaction_base& tx, const HistoryQuery& q) {
  pqxx::result r = Exec(tx, "lib_history",
                        "SELECT " TECHRENO_EVENT_COLUMNS
                        " FROM library_events WHERE project_code = $1 "
                        "AND ($2::int = 0 OR tier = $2::int) AND ($3::bigint = 0 OR id < $3) "
                        "ORDER BY id DESC LIMIT $4",
                        q.project_code, q.tier, q.before_id, q.limit);
  std::vector<HistoryRow> rows;
  for (const auto& row : r) {
    auto [id, event] = EventFromRow(row);
    rows.push_back({id, std::move(event)});
  }
  return rows;
}

bool HasEntries(pqxx::transaction_base& tx, const std::string& project_code, int tier) {
  return !Exec(tx, "lib_has_entries",
               "SELECT 1 FROM library_entries WHERE project_code = $1 "
               "AND ($2::int = 0 OR tier = $2::int) LIMIT 1",
               project_code, tier)
              .empty();
}

v1::TierCriteria LoadCriteria(pqxx::transaction_base& tx, v1::LibraryTier tier, bool for_update) {
  constexpr char kSelect[] =
      "SELECT tier, version, min_planned_investment_fen, min_planned_equipment_fen, "
      "array_to_string(allowed_statuses, ','), array_to_string(required_fields, ','), "
      "reported_within_months, array_to_string(favoured_renovation_types, ','), "
      "array_to_string(favoured_industry_codes, ','), at_risk_gap_points, at_risk_silent_months, "
      "principal_name, role, principal_region, (extract(epoch from at) * 1000000)::bigint, "
      "request_id FROM library_criteria WHERE tier = $1 ORDER BY version DESC LIMIT 1";
  // Setting criteria serialises on the tier's current row.
  pqxx::result r =
      for_update ? Exec(tx, "lib_criteria_lock", (std::string(kSelect) + " FOR UPDATE").c_str(),
                        static_cast<int>(tier))
                 : Exec(tx, "lib_criteria", kSelect, static_cast<int>(tier));
  v1::TierCriteria c;
  if (r.empty()) return c;  // not reached after migration 0010
  const pqxx::row row = r[0];
  c.set_tier(static_cast<v1::LibraryTier>(row[0].as<int>()));
  c.set_version(row[1].as<int64_t>());
  c.set_min_planned_investment_fen(row[2].as<int64_t>());
  c.set_min_planned_equipment_investment_fen(row[3].as<int64_t>());
  for (int s : IntList(row[4].c_str())) c.add_allowed_statuses(static_cast<v1::ProjectStatus>(s));
  for (absl::string_view f : absl::StrSplit(row[5].c_str(), ',', absl::SkipEmpty())) {
    c.add_required_fields(std::string(f));
  }
  c.set_reported_within_months(row[6].as<int>());
  for (int t : IntList(row[7].c_str())) {
    c.add_favoured_renovation_types(static_cast<v1::RenovationType>(t));
  }
  for (absl::string_view code : absl::StrSplit(row[8].c_str(), ',', absl::SkipEmpty())) {
    c.add_favoured_industry_codes(std::string(code));
  }
  c.set_at_risk_gap_points(row[9].as<double>());
  c.set_at_risk_silent_months(row[10].as<int>());
  v1::EntryActor* actor = c.mutable_set_by();
  actor->set_principal(row[11].c_str());
  actor->set_role(RoleOf(row[12].c_str()));
  SetRegion(row[13].c_str(), actor->mutable_region());
  *actor->mutable_time() = TimeUtil::MicrosecondsToTimestamp(row[14].as<int64_t>());
  actor->set_request_id(row[15].c_str());
  return c;
}

void InsertCriteria(pqxx::transaction_base& tx, const v1::TierCriteria& c, int64_t principal_id) {
  std::vector<int> statuses(c.allowed_statuses().begin(), c.allowed_statuses().end());
  std::vector<int> types(c.favoured_renovation_types().begin(),
                         c.favoured_renovation_types().end());
  std::vector<std::string> fields(c.required_fields().begin(), c.required_fields().end());
  std::vector<std::string> industries(c.favoured_industry_codes().begin(),
                                      c.favoured_industry_codes().end());
  Exec(tx, "lib_criteria_insert",
       "INSERT INTO library_criteria (tier, version, min_planned_investment_fen, "
       "  min_planned_equipment_fen, allowed_statuses, required_fields, reported_within_months, "
       "  favoured_renovation_types, favoured_industry_codes, at_risk_gap_points, "
       "  at_risk_silent_months, principal_id, principal_name, role, principal_region, "
       "  request_id) "
       "VALUES ($1, $2, $3, $4, $5::smallint[], $6::text[], $7, $8::smallint[], $9::text[], $10, "
       "  $11, $12, $13, 'province', $14, $15)",
       static_cast<int>(c.tier()), c.version(), c.min_planned_investment_fen(),
       c.min_planned_equipment_investment_fen(), NumberArray(statuses), TextArray(fields),
       c.reported_within_months(), NumberArray(types), TextArray(industries),
       c.at_risk_gap_points(), c.at_risk_silent_months(), principal_id, c.set_by().principal(),
       c.set_by().region().code(), c.set_by().request_id());
}

std::vector<TotalsRow> Totals(pqxx::transaction_base& tx, const TotalsQuery& q) {
  pqxx::result r = Exec(
      tx, "lib_totals",
      "SELECT tier, CASE $5::int WHEN 2 THEN city_code WHEN 3 THEN county_code "
      "  ELSE CASE tier WHEN 1 THEN county_code WHEN 2 THEN city_code ELSE $6 END END, "
      "  CASE WHEN $7::bool THEN division ELSE '' END, sum(entries)::bigint, "
      "  sum(planned_fen)::bigint, sum(completed_fen)::bigint "
      "FROM library_summary "
      "WHERE ($1 = '' OR county_code = $1) AND ($2 = '' OR city_code = $2) "
      "  AND (cardinality($3::int[]) = 0 OR tier = ANY ($3::int[])) AND state = ANY ($4::int[]) "
      "GROUP BY 1, 2, 3 HAVING sum(entries) <> 0 ORDER BY 1 DESC, 2, 3",
      q.county_code, q.city_code, NumberArray(q.tiers),
      NumberArray(q.states.empty() ? std::vector<int>{v1::ENTRY_STATE_ACCEPTED} : q.states),
      static_cast<int>(q.group_by), store::Reference().regions.ProvinceCode(), q.by_division);
  std::vector<TotalsRow> rows;
  for (const auto& row : r) {
    rows.push_back({row[0].as<int>(), row[1].c_str(), row[2].c_str(), row[3].as<int64_t>(),
                    row[4].as<int64_t>(), row[5].as<int64_t>()});
  }
  return rows;
}

}  // namespace techreno::library
