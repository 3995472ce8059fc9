#include "services/library/entry_writer.h"

#include "absl/strings/str_cat.h"
#include "libs/rpc/status.h"
#include "libs/store/audit.h"
#include "libs/store/reference_data.h"
#include "services/library/criteria.h"
#include "services/library/library_rules.h"
#include "services/library/library_store.h"

namespace techreno::library {
namespace {

const codes::RegionTable& Regions() { return store::Reference().regions; }

v1::Role RoleOf(auth::Role role) {
  switch (role) {
    case auth::Role::kCounty:
      return v1::ROLE_COUNTY;
    case auth::Role::kCity:
      return v1::ROLE_CITY;
    case auth::Role::kProvince:
      return v1::ROLE_PROVINCE;
    case auth::Role::kBank:
      return v1::ROLE_BANK;
    case auth::Role::kAuditor:
      return v1::ROLE_AUDITOR;
  }
  return v1::ROLE_UNSPECIFIED;
}

// The next event of `row`: its version, states and round, by the caller.
NewEvent NextEvent(const WriteContext& ctx, const EntryRow& row, v1::EntryAction action,
                   v1::EntryState after, const std::string& reason) {
  NewEvent n;
  n.project_code = row.entry.project_code();
  n.county_code = row.county_code;
  n.tier = row.entry.tier();
  n.principal_id = ctx.caller.id;
  n.role = auth::RoleName(ctx.caller.role);
  v1::EntryEvent& e = n.event;
  e.set_tier(row.entry.tier());
  e.set_version(row.entry.version() + 1);
  e.set_action(action);
  e.set_state_before(row.entry.state());
  e.set_state_after(after);
  e.set_round(row.entry.round());
  e.set_reason(reason);
  v1::EntryActor* actor = e.mutable_actor();
  actor->set_principal(ctx.caller.name);
  actor->set_role(RoleOf(ctx.caller.role));
  actor->mutable_region()->set_code(ctx.caller.scope);
  actor->set_request_id(ctx.request_id);
  return n;
}

// Writes the event, moves the entry to its state after, and returns the id.
int64_t Apply(pqxx::transaction_base& tx, const NewEvent& event, EntryRow& row) {
  const int64_t id = InsertEvent(tx, event);
  row.entry.set_version(event.event.version());
  row.entry.set_state(event.event.state_after());
  row.entry.set_round(event.event.round());
  return id;
}

void Audit(pqxx::transaction_base& tx, const WriteContext& ctx, const char* action,
           const EntryRow& row, const v1::LibraryEntry* before, const v1::LibraryEntry& after) {
  store::WriteAudit(tx, {ctx.caller.id, ctx.caller.name, action, "library_entry",
                         absl::StrCat(row.entry.project_code(), "/", row.entry.tier()),
                         row.county_code, after.version(), ctx.request_id, before, &after});
}

// The tier's criteria applied to the project: OK, or FAILED_PRECONDITION
// listing every failed criterion unless the owner overrides them (their rule
// ids go to `overridden`). Warnings are appended to `warnings`.
absl::Status CheckCriteriaFor(pqxx::transaction_base& tx, const WriteContext& ctx,
                              v1::LibraryTier tier, const ProjectState& project, bool override,
                              rpc::Violations& warnings, std::vector<std::string>& overridden) {
  const rpc::Violations findings =
      CheckCriteria(LoadCriteria(tx, tier), project.project, project.progress);
  for (const auto& v : findings) {
    if (v.severity() != v1::SEVERITY_FATAL) warnings.push_back(v);
  }
  overridden = FailedRuleIds(findings);
  if (overridden.empty()) return absl::OkStatus();
  if (!override) {
    rpc::Violations fatal;
    for (const auto& v : findings) {
      if (v.severity() == v1::SEVERITY_FATAL) fatal.push_back(v);
    }
    return rpc::RejectionStatus(absl::StatusCode::kFailedPrecondition, fatal);
  }
  return CheckOwner(ctx.caller, tier, project.project.county_code(), Regions(),
                    "override the criteria");
}

// A nomination into the city or province tier without an ACCEPTED entry in
// the tier below is allowed, but worth a look.
void WarnLowerTier(pqxx::transaction_base& tx, const std::string& code, v1::LibraryTier tier,
                   rpc::Violations& warnings) {
  if (tier == v1::LIBRARY_TIER_COUNTY) return;
  const auto below = static_cast<v1::LibraryTier>(tier - 1);
  for (v1::LibraryTier accepted : AcceptedTiers(tx, code)) {
    if (accepted == below) return;
  }
  rpc::AddViolation(warnings, v1::SEVERITY_WARNING, "library.lower_tier.missing", "tier",
                    absl::StrCat("the project has no ACCEPTED entry in the ", TierName(below)));
}

// The project's rows locked (LoadProject), then the caller's read scope over
// it (a caller outside it learns nothing of its entries), then the entry.
absl::StatusOr<ProjectState> LockForEntry(pqxx::transaction_base& tx, const WriteContext& ctx,
                                          const std::string& code) {
  auto project = LoadProject(tx, code, ctx.as_of, /*lock=*/true);
  if (!project.has_value()) return absl::NotFoundError(absl::StrCat("no project ", code));
  if (absl::Status s = CheckReader(ctx.caller, project->project.county_code(), Regions());
      !s.ok()) {
    return s;
  }
  return *std::move(project);
}

}  // namespace

AllCriteria LoadAllCriteria(pqxx::transaction_base& tx) {
  AllCriteria all;
  for (auto tier : {v1::LIBRARY_TIER_COUNTY, v1::LIBRARY_TIER_CITY, v1::LIBRARY_TIER_PROVINCE}) {
    all.tier[tier] = LoadCriteria(tx, tier);
  }
  return all;
}

v1::LibraryEntry ReadEntry(pqxx::transaction_base& tx, const std::string& project_code,
                           v1::LibraryTier tier, int as_of) {
  std::vector<EntryRow> rows;
  if (auto row = LockEntry(tx, project_code, tier)) rows.push_back(*std::move(row));
  if (rows.empty()) return {};
  FillProjects(tx, rows, as_of);
  FillOtherTiers(tx, rows);
  v1::LibraryEntry& entry = rows[0].entry;
  if (entry.state() == v1::ENTRY_STATE_ACCEPTED) {
    FlagRisk(LoadCriteria(tx, tier), *entry.mutable_progress());
  }
  return std::move(entry);
}

absl::StatusOr<v1::LibraryEntry> NominateEntry(pqxx::transaction_base& tx, const WriteContext& ctx,
                                               const v1::NominateRequest& request,
                                               rpc::Violations& warnings) {
  const std::string& code = request.project_code();
  const v1::LibraryTier tier = request.tier();
  auto project = LockForEntry(tx, ctx, code);
  if (!project.ok()) return project.status();
  const std::string& county = project->project.county_code();
  if (absl::Status s = CheckNominator(ctx.caller, tier, county, Regions()); !s.ok()) return s;
  std::optional<EntryRow> stored = LockEntry(tx, code, tier);
  EntryRow row;
  if (stored.has_value()) {
    row = *stored;
  } else {
    row.entry.set_project_code(code);
    row.entry.set_tier(tier);
    row.county_code = county;
    row.city_code = Regions().CityOf(county);
  }
  if (absl::Status s = CheckNominate(row.entry.state()); !s.ok()) return s;
  if (absl::Status s =
          rpc::CheckExpectedVersion(request.expected_version(), row.entry.version(), "the entry");
      !s.ok()) {
    return s;
  }
  std::vector<std::string> overridden;
  if (absl::Status s = CheckCriteriaFor(tx, ctx, tier, *project, request.override_criteria(),
                                        warnings, overridden);
      !s.ok()) {
    return s;
  }
  WarnLowerTier(tx, code, tier, warnings);

  const v1::LibraryEntry before = row.entry;
  row.entry.set_round(row.entry.round() + 1);
  NewEvent nominate =
      NextEvent(ctx, row, v1::ENTRY_ACTION_NOMINATE, v1::ENTRY_STATE_NOMINATED, request.reason());
  if (!request.admit()) {
    *nominate.event.mutable_overridden_criteria() = {overridden.begin(), overridden.end()};
    if (!overridden.empty()) nominate.event.set_override_reason(request.override_reason());
  }
  row.nomination_event = Apply(tx, nominate, row);
  row.decision_event = row.removal_event = 0;
  if (request.admit()) {
    NewEvent accept =
        NextEvent(ctx, row, v1::ENTRY_ACTION_ACCEPT, v1::ENTRY_STATE_ACCEPTED, request.reason());
    *accept.event.mutable_overridden_criteria() = {overridden.begin(), overridden.end()};
    if (!overridden.empty()) accept.event.set_override_reason(request.override_reason());
    row.decision_event = Apply(tx, accept, row);
  }
  SaveEntry(tx, row);
  v1::LibraryEntry after = ReadEntry(tx, code, tier, ctx.as_of);
  Audit(tx, ctx, request.admit() ? "admit" : "nominate", row,
        stored.has_value() ? &before : nullptr, after);
  return after;
}

absl::StatusOr<v1::LibraryEntry> DecideEntry(pqxx::transaction_base& tx, const WriteContext& ctx,
                                             const v1::DecideRequest& request) {
  const std::string& code = request.project_code();
  auto project = LockForEntry(tx, ctx, code);
  if (!project.ok()) return project.status();
  std::optional<EntryRow> stored = LockEntry(tx, code, request.tier());
  if (!stored.has_value()) {
    return absl::NotFoundError(
        absl::StrCat("project ", code, " has no entry in the ", TierName(request.tier())));
  }
  EntryRow row = *stored;
  if (absl::Status s = CheckOwner(ctx.caller, request.tier(), row.county_code, Regions(), "decide");
      !s.ok()) {
    return s;
  }
  if (absl::Status s =
          rpc::CheckExpectedVersion(request.expected_version(), row.entry.version(), "the entry");
      !s.ok()) {
    return s;
  }
  if (absl::Status s = CheckDecide(row.entry.state()); !s.ok()) return s;
  const bool accept = request.decision() == v1::DECISION_KIND_ACCEPT;
  std::vector<std::string> overridden;
  if (accept) {
    rpc::Violations warnings;  // a decision's answer carries none
    if (absl::Status s = CheckCriteriaFor(tx, ctx, request.tier(), *project,
                                          request.override_criteria(), warnings, overridden);
        !s.ok()) {
      return s;
    }
  }
  const v1::LibraryEntry before = row.entry;
  NewEvent event =
      NextEvent(ctx, row, accept ? v1::ENTRY_ACTION_ACCEPT : v1::ENTRY_ACTION_REJECT,
                accept ? v1::ENTRY_STATE_ACCEPTED : v1::ENTRY_STATE_REJECTED, request.reason());
  *event.event.mutable_planned_support() = request.planned_support();
  *event.event.mutable_overridden_criteria() = {overridden.begin(), overridden.end()};
  if (!overridden.empty()) event.event.set_override_reason(request.override_reason());
  row.decision_event = Apply(tx, event, row);
  SaveEntry(tx, row);
  v1::LibraryEntry after = ReadEntry(tx, code, request.tier(), ctx.as_of);
  Audit(tx, ctx, accept ? "accept" : "reject", row, &before, after);
  return after;
}

absl::StatusOr<v1::LibraryEntry> RemoveOneEntry(pqxx::transaction_base& tx, const WriteContext& ctx,
                                                const v1::EntryRemoval& removal) {
  const std::string& code = removal.project_code();
  auto project = LockForEntry(tx, ctx, code);
  if (!project.ok()) return project.status();
  std::optional<EntryRow> stored = LockEntry(tx, code, removal.tier());
  if (!stored.has_value()) {
    return absl::NotFoundError(
        absl::StrCat("project ", code, " has no entry in the ", TierName(removal.tier())));
  }
  EntryRow row = *stored;
  // The owner removes; whoever nominated the current round may withdraw it
  // (CheckRemove then requires it to be pending).
  const bool own_withdrawal = removal.reason_code() == v1::REMOVAL_REASON_NOMINATION_WITHDRAWN &&
                              row.nominated_by == ctx.caller.id && ctx.caller.id != 0;
  if (!own_withdrawal) {
    if (absl::Status s =
            CheckOwner(ctx.caller, removal.tier(), row.county_code, Regions(), "remove entries");
        !s.ok()) {
      return s;
    }
  }
  if (absl::Status s =
          rpc::CheckExpectedVersion(removal.expected_version(), row.entry.version(), "the entry");
      !s.ok()) {
    return s;
  }
  if (absl::Status s = CheckRemove(row.entry.state(), removal.reason_code()); !s.ok()) return s;
  const v1::LibraryEntry before = row.entry;
  NewEvent event =
      NextEvent(ctx, row, v1::ENTRY_ACTION_REMOVE, v1::ENTRY_STATE_REMOVED, removal.reason());
  event.event.set_removal_reason(removal.reason_code());
  row.removal_event = Apply(tx, event, row);
  SaveEntry(tx, row);
  v1::LibraryEntry after = ReadEntry(tx, code, removal.tier(), ctx.as_of);
  Audit(tx, ctx, "remove", row, &before, after);
  return after;
}

}  // namespace techreno::library
