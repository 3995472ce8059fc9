// techreno library nominate | decide | remove | list | history | review |
// totals | criteria: the key-project library (省市县三级重点技改项目库), tables
// with Chinese names next to codes and money in 万元.
#include <iostream>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "clients/cli/choices.h"
#include "clients/cli/client.h"
#include "clients/cli/commands.h"
#include "clients/cli/format.h"
#include "clients/cli/paging.h"
#include "clients/cli/records.h"
#include "clients/cli/table_output.h"
#include "techreno/v1/library.grpc.pb.h"

namespace techreno::cli {
namespace {

constexpr int64_t kMaxPageSize = 1000;  // the contract's upper bound

bool ParseTier(const std::string& text, bool required, v1::LibraryTier* out) {
  *out = v1::LIBRARY_TIER_UNSPECIFIED;
  if (text.empty()) {
    if (required) std::cerr << "error: --tier=county|city|province is required\n";
    return !required;
  }
  return ParseLibraryTier("tier", text, out);
}

std::string Risk(const v1::EntryProgress& p) {
  std::vector<std::string> parts;
  for (const v1::RiskFlag& f : p.at_risk()) parts.push_back(f.reason());
  if (p.due_for_exit()) parts.push_back("应退库");
  return parts.empty() ? "-" : absl::StrJoin(parts, "；");
}

void AddEntryRow(const v1::LibraryEntry& e, Table& table) {
  const v1::Project& p = e.project();
  const v1::EntryProgress& g = e.progress();
  table.AddRow(
      {EnumLabel(*v1::LibraryTier_descriptor(), e.tier()), e.project_code(), p.name(),
       RegionLabel(p.county(), p.county_code()), EnumLabel(*v1::EntryState_descriptor(), e.state()),
       absl::StrCat(e.round()), FormatWanNumber(p.planned_investment_fen()),
       FormatWanNumber(g.completed_investment_fen()), absl::StrFormat("%.1f", g.completed_pct()),
       absl::StrFormat("%.1f", g.points_behind_schedule()),
       g.last_reported_period().empty() ? "-" : g.last_reported_period(), Risk(g)});
}

Table EntryTable() {
  return Table({"tier", "project_code", "name", "county", "state", "round", "planned (万元)",
                "completed (万元)", "done %", "behind (pts)", "last report", "risk"});
}

// One entry after a change, as a few lines (or one JSON line).
void PrintEntry(const GlobalOptions& options, const char* verb, const v1::LibraryEntry& e,
                const google::protobuf::RepeatedPtrField<v1::Violation>* warnings = nullptr) {
  if (options.format == OutputFormat::kJson) {
    std::cout << ToJsonLine(e) << "\n";
    return;
  }
  std::cout << verb << " " << e.project_code() << " — "
            << EnumLabel(*v1::LibraryTier_descriptor(), e.tier()) << " "
            << RegionLabel(e.library_region(), e.library_region().code()) << ": "
            << EnumLabel(*v1::EntryState_descriptor(), e.state()) << " (round " << e.round()
            << ", version " << e.version() << ")\n";
  if (warnings != nullptr) {
    for (const v1::Violation& w : *warnings) {
      std::cout << "  warning [" << w.rule_id() << "] " << w.message() << "\n";
    }
  }
}

// --override_reason: go ahead despite failed criteria (the tier's owner).
template <typename Request>
void SetOverride(const LibraryOptions& library, Request& request) {
  if (library.override_reason.empty()) return;
  request.set_override_criteria(true);
  request.set_override_reason(library.override_reason);
}

}  // namespace

int LibraryNominate(const GlobalOptions& options, const std::string& code,
                    const LibraryOptions& library) {
  v1::NominateRequest request;
  v1::LibraryTier tier;
  if (!ParseTier(library.tier, /*required=*/true, &tier)) return kExitUsage;
  if (library.reason.empty()) {
    std::cerr << "error: nominate needs --reason=TEXT (why the project deserves the tier)\n";
    return kExitUsage;
  }
  request.set_request_id(GivenOrRandomRequestId(library.request_id));
  request.set_project_code(code);
  request.set_tier(tier);
  request.set_reason(library.reason);
  request.set_admit(library.admit);
  SetOverride(library, request);
  v1::NominateResponse response;
  auto stub = NewLibraryStub(options);
  if (!CallWrite(options, request.request_id(),
                 [&](grpc::ClientContext* c) { return stub->Nominate(c, request, &response); })) {
    return kExitFailure;
  }
  PrintEntry(options, library.admit ? "admitted" : "nominated", response.entry(),
             &response.warnings());
  return kExitOk;
}

int LibraryDecide(const GlobalOptions& options, const std::string& code,
                  const LibraryOptions& library) {
  static const auto* decisions = new absl::flat_hash_map<std::string, v1::DecisionKind>{
      {"accept", v1::DECISION_KIND_ACCEPT},
      {"reject", v1::DECISION_KIND_REJECT},
      {"入库", v1::DECISION_KIND_ACCEPT},
      {"不予入库", v1::DECISION_KIND_REJECT}};
  v1::DecideRequest request;
  v1::LibraryTier tier;
  v1::DecisionKind kind;
  if (!ParseTier(library.tier, true, &tier)) return kExitUsage;
  if (library.decision.empty()) {
    std::cerr << "error: decide needs --decision=accept|reject\n";
    return kExitUsage;
  }
  if (!ParseChoice("decision", *v1::DecisionKind_descriptor(), library.decision, *decisions,
                   &kind)) {
    return kExitUsage;
  }
  if (!ParseEnumList<v1::SupportInstrument>("support", *v1::SupportInstrument_descriptor(),
                                            library.support, request.mutable_planned_support())) {
    return kExitUsage;
  }
  request.set_request_id(GivenOrRandomRequestId(library.request_id));
  request.set_project_code(code);
  request.set_tier(tier);
  request.set_decision(kind);
  request.set_reason(library.reason);
  SetOverride(library, request);
  v1::DecideResponse response;
  auto stub = NewLibraryStub(options);
  if (!CallWrite(options, request.request_id(),
                 [&](grpc::ClientContext* c) { return stub->Decide(c, request, &response); })) {
    return kExitFailure;
  }
  PrintEntry(options, kind == v1::DECISION_KIND_ACCEPT ? "accepted" : "rejected", response.entry());
  return kExitOk;
}

int LibraryRemoveMany(const GlobalOptions& options, const std::vector<std::string>& codes,
                      const LibraryOptions& library) {
  v1::RemoveEntriesRequest request;
  v1::LibraryTier tier;
  v1::RemovalReason reason;
  if (!ParseTier(library.tier, true, &tier)) return kExitUsage;
  if (!ParseEnum("reason_code", *v1::RemovalReason_descriptor(), library.reason_code, &reason)) {
    return kExitUsage;
  }
  request.set_request_id(GivenOrRandomRequestId(library.request_id));
  for (const std::string& code : codes) {
    v1::EntryRemoval& r = *request.add_removals();
    r.set_project_code(code);
    r.set_tier(tier);
    r.set_reason_code(reason);
    r.set_reason(library.reason);
  }
  v1::RemoveEntriesResponse response;
  auto stub = NewLibraryStub(options);
  if (!CallWrite(options, request.request_id(), [&](grpc::ClientContext* c) {
        return stub->RemoveEntries(c, request, &response);
      })) {
    return kExitFailure;
  }
  if (options.format == OutputFormat::kJson) {
    std::cout << ToJsonLine(response) << "\n";
    return response.rejected() == 0 ? kExitOk : kExitFailure;
  }
  Table table({"项目代码", "层级", "结果", "原因"});
  for (const v1::RemovalResult& r : response.results()) {
    std::string why = r.error_message();
    for (const v1::Violation& v : r.violations()) absl::StrAppend(&why, " [", v.rule_id(), "]");
    table.AddRow({r.project_code(), EnumLabel(*v1::LibraryTier_descriptor(), r.tier()),
                  EnumLabel(*v1::Outcome_descriptor(), r.outcome()), why});
  }
  Emit(options, table, "出库结果");
  std::cout << "removed " << response.removed() << ", rejected " << response.rejected() << "\n";
  return response.rejected() == 0 ? kExitOk : kExitFailure;
}

int LibraryRemove(const GlobalOptions& options, const std::string& code,
                  const LibraryOptions& library) {
  v1::RemoveEntryRequest request;
  v1::LibraryTier tier;
  v1::RemovalReason reason;
  if (!ParseTier(library.tier, true, &tier)) return kExitUsage;
  if (library.reason_code.empty() || library.reason.empty()) {
    std::cerr << "error: remove needs --reason_code=CODE (e.g. FAILED_REVIEW, "
                 "NOT_PROGRESSING, NOMINATION_WITHDRAWN) and --reason=TEXT\n";
    return kExitUsage;
  }
  if (!ParseEnum("reason_code", *v1::RemovalReason_descriptor(), library.reason_code, &reason)) {
    return kExitUsage;
  }
  request.set_request_id(GivenOrRandomRequestId(library.request_id));
  request.set_project_code(code);
  request.set_tier(tier);
  request.set_reason_code(reason);
  request.set_reason(library.reason);
  v1::RemoveEntryResponse response;
  auto stub = NewLibraryStub(options);
  if (!CallWrite(options, request.request_id(), [&](grpc::ClientContext* c) {
        return stub->RemoveEntry(c, request, &response);
      })) {
    return kExitFailure;
  }
  PrintEntry(options, "removed", response.entry());
  return kExitOk;
}

int LibraryList(const GlobalOptions& options, const LibraryOptions& library) {
  v1::ListEntriesRequest request;
  v1::LibraryTier tier;
  if (!ParseTier(library.tier, false, &tier)) return kExitUsage;
  if (tier != v1::LIBRARY_TIER_UNSPECIFIED) request.add_tiers(tier);
  if (!ParseEnumList<v1::EntryState>("state", *v1::EntryState_descriptor(), library.state,
                                     request.mutable_states())) {
    return kExitUsage;
  }
  request.set_region_code(library.region);
  request.set_industry_code(library.industry);
  if (!library.all && library.limit <= 0) {
    std::cerr << "error: --limit must be positive (or use --all)\n";
    return kExitUsage;
  }
  const bool json = options.format == OutputFormat::kJson;
  auto stub = NewLibraryStub(options);
  Table table = EntryTable();
  int64_t shown = 0;
  auto call_page = [&](grpc::ClientContext* context, const std::string& page_token) {
    request.set_page_size(static_cast<int32_t>(
        library.all ? kMaxPageSize : std::min(kMaxPageSize, library.limit - shown)));
    request.set_page_token(page_token);
    v1::ListEntriesResponse response;
    const grpc::Status status = stub->ListEntries(context, request, &response);
    for (const v1::LibraryEntry& e : response.entries()) {
      if (json) {
        std::cout << ToJsonLine(e) << "\n";
      } else {
        AddEntryRow(e, table);
      }
      ++shown;
    }
    return PageResult{status, response.next_page_token()};
  };
  std::string unread;
  if (!FollowPages(
          options, call_page, [&] { return library.all || shown < library.limit; }, &unread)) {
    return kExitFailure;
  }
  if (!json) {
    Emit(options, table, "重点项目库");
    std::cout << shown << (shown == 1 ? " entry" : " entries") << "\n";
  }
  if (!unread.empty()) std::cerr << "more entries match: raise --limit or use --all\n";
  return kExitOk;
}

int LibraryHistory(const GlobalOptions& options, const std::string& code,
                   const LibraryOptions& library) {
  v1::GetEntryHistoryRequest request;
  v1::LibraryTier tier;
  if (!ParseTier(library.tier, false, &tier)) return kExitUsage;
  request.set_project_code(code);
  request.set_tier(tier);
  request.set_page_size(static_cast<int32_t>(kMaxPageSize));
  const bool json = options.format == OutputFormat::kJson;
  auto stub = NewLibraryStub(options);
  Table table(
      {"time", "tier", "round", "version", "action", "from", "to", "by", "reason", "override"});
  auto call_page = [&](grpc::ClientContext* context, const std::string& page_token) {
    request.set_page_token(page_token);
    v1::GetEntryHistoryResponse response;
    const grpc::Status status = stub->GetEntryHistory(context, request, &response);
    for (const v1::EntryEvent& e : response.events()) {
      if (json) {
        std::cout << ToJsonLine(e) << "\n";
        continue;
      }
      std::string reason = e.reason();
      if (e.removal_reason() != 0) {
        reason = absl::StrCat(EnumLabel(*v1::RemovalReason_descriptor(), e.removal_reason()), "：",
                              reason);
      }
      table.AddRow(
          {FormatTime(e.actor().time()), EnumLabel(*v1::LibraryTier_descriptor(), e.tier()),
           absl::StrCat(e.round()), absl::StrCat(e.version()),
           EnumLabel(*v1::EntryAction_descriptor(), e.action()),
           e.state_before() == 0 ? "-" : EnumLabel(*v1::EntryState_descriptor(), e.state_before()),
           EnumLabel(*v1::EntryState_descriptor(), e.state_after()),
           absl::StrCat(e.actor().principal(), " (",
                        RegionLabel(e.actor().region(), e.actor().region().code()), ")"),
           reason,
           e.overridden_criteria().empty()
               ? "-"
               : absl::StrCat(absl::StrJoin(e.overridden_criteria(), ","), "：",
                              e.override_reason())});
    }
    return PageResult{status, response.next_page_token()};
  };
  if (!FollowPages(options, call_page)) return kExitFailure;
  if (!json) Emit(options, table, "入库历史");
  return kExitOk;
}

int LibraryReview(const GlobalOptions& options, const LibraryOptions& library) {
  v1::ReviewTierRequest request;
  v1::LibraryTier tier;
  if (!ParseTier(library.tier, true, &tier)) return kExitUsage;
  request.set_tier(tier);
  request.set_region_code(library.region);
  const bool json = options.format == OutputFormat::kJson;
  auto stub = NewLibraryStub(options);
  Table table({"project_code", "name", "county", "state", "planned (万元)", "done %",
               "behind (pts)", "last report", "reasons"});
  int64_t shown = 0;
  std::string as_of;
  auto call_page = [&](grpc::ClientContext* context, const std::string& page_token) {
    request.set_page_size(static_cast<int32_t>(
        library.all ? kMaxPageSize : std::min(kMaxPageSize, library.limit - shown)));
    request.set_page_token(page_token);
    v1::ReviewTierResponse response;
    const grpc::Status status = stub->ReviewTier(context, request, &response);
    as_of = response.as_of_period();
    for (const v1::ReviewFinding& f : response.findings()) {
      ++shown;
      if (json) {
        std::cout << ToJsonLine(f) << "\n";
        continue;
      }
      std::vector<std::string> reasons;
      for (const v1::Violation& v : f.reasons()) {
        reasons.push_back(absl::StrCat("[", v.rule_id(), "] ", v.message()));
      }
      const v1::LibraryEntry& e = f.entry();
      table.AddRow(
          {e.project_code(), e.project().name(),
           RegionLabel(e.project().county(), e.project().county_code()),
           EnumLabel(*v1::EntryState_descriptor(), e.state()),
           FormatWanNumber(e.project().planned_investment_fen()),
           absl::StrFormat("%.1f", e.progress().completed_pct()),
           absl::StrFormat("%.1f", e.progress().points_behind_schedule()),
           e.progress().last_reported_period().empty() ? "-" : e.progress().last_reported_period(),
           absl::StrJoin(reasons, "；")});
    }
    return PageResult{status, response.next_page_token()};
  };
  std::string unread;
  if (!FollowPages(
          options, call_page, [&] { return library.all || shown < library.limit; }, &unread)) {
    return kExitFailure;
  }
  if (!json) {
    std::cout << "review of the " << EnumLabel(*v1::LibraryTier_descriptor(), tier) << " as of "
              << as_of << ": entries that fail today's criteria, are at risk or are due for "
              << "exit\n";
    Emit(options, table, "复核");
    std::cout << shown << (shown == 1 ? " entry" : " entries") << " to look at\n";
  }
  if (!unread.empty()) std::cerr << "more entries to review: raise --limit or use --all\n";
  return kExitOk;
}

int LibraryTotals(const GlobalOptions& options, const LibraryOptions& library) {
  v1::GetLibraryTotalsRequest request;
  v1::LibraryTier tier;
  if (!ParseTier(library.tier, false, &tier)) return kExitUsage;
  if (tier != v1::LIBRARY_TIER_UNSPECIFIED) request.add_tiers(tier);
  request.set_region_code(library.region);
  if (!ParseEnumList<v1::EntryState>("state", *v1::EntryState_descriptor(), library.state,
                                     request.mutable_states())) {
    return kExitUsage;
  }
  static const auto* groupings = new absl::flat_hash_map<std::string, v1::LibraryGrouping>{
      {"library", v1::LIBRARY_GROUPING_LIBRARY_REGION},
      {"city", v1::LIBRARY_GROUPING_CITY},
      {"county", v1::LIBRARY_GROUPING_COUNTY}};
  v1::LibraryGrouping grouping = v1::LIBRARY_GROUPING_LIBRARY_REGION;
  if (!library.group_by.empty() && !ParseChoice("group_by", *v1::LibraryGrouping_descriptor(),
                                                library.group_by, *groupings, &grouping)) {
    return kExitUsage;
  }
  request.set_group_by(grouping);
  request.set_by_industry_division(library.by_industry);
  grpc::ClientContext context;
  PrepareContext(options, kCallTimeout, &context);
  v1::GetLibraryTotalsResponse response;
  const grpc::Status status =
      NewLibraryStub(options)->GetLibraryTotals(&context, request, &response);
  if (!status.ok()) {
    ReportRpcError(options, status);
    return kExitFailure;
  }
  if (options.format == OutputFormat::kJson) {
    for (const auto& row : response.rows()) std::cout << ToJsonLine(row) << "\n";
    return kExitOk;
  }
  Table table({"tier", "region", "industry", "entries", "planned (万元)", "completed (万元)"});
  for (const auto& row : response.rows()) {
    table.AddRow({EnumLabel(*v1::LibraryTier_descriptor(), row.tier()),
                  RegionLabel(row.region(), row.region().code()),
                  row.industry_division().empty()
                      ? "-"
                      : IndustryLabel(row.industry_division(), row.industry_name()),
                  absl::StrCat(row.entries()), FormatWanNumber(row.planned_investment_fen()),
                  FormatWanNumber(row.completed_investment_fen())});
  }
  Emit(options, table, "入库汇总");
  return kExitOk;
}

int LibraryCriteria(const GlobalOptions& options, bool set, const LibraryOptions& library) {
  v1::LibraryTier tier;
  if (!ParseTier(library.tier, /*required=*/set, &tier)) return kExitUsage;
  auto stub = NewLibraryStub(options);
  std::vector<v1::TierCriteria> shown;
  for (auto t : {v1::LIBRARY_TIER_COUNTY, v1::LIBRARY_TIER_CITY, v1::LIBRARY_TIER_PROVINCE}) {
    if (tier != v1::LIBRARY_TIER_UNSPECIFIED && t != tier) continue;
    grpc::ClientContext context;
    PrepareContext(options, kCallTimeout, &context);
    v1::GetTierCriteriaRequest request;
    request.set_tier(t);
    v1::TierCriteria criteria;
    const grpc::Status status = stub->GetTierCriteria(&context, request, &criteria);
    if (!status.ok()) {
      ReportRpcError(options, status);
      return kExitFailure;
    }
    shown.push_back(criteria);
  }
  if (set) {
    v1::SetTierCriteriaRequest request;
    request.set_request_id(GivenOrRandomRequestId(library.request_id));
    request.set_expected_version(shown[0].version());
    v1::TierCriteria& c = *request.mutable_criteria();
    c = shown[0];
    int64_t planned = c.min_planned_investment_fen(),
            equipment = c.min_planned_equipment_investment_fen();
    int within = c.reported_within_months(), silent = c.at_risk_silent_months();
    double gap = c.at_risk_gap_points();
    if (!WanFlag("min_planned_wan", library.min_planned_wan, [&](int64_t f) { planned = f; }) ||
        !WanFlag("min_equipment_wan", library.min_equipment_wan,
                 [&](int64_t f) { equipment = f; }) ||
        (!library.reported_within.empty() && !absl::SimpleAtoi(library.reported_within, &within)) ||
        (!library.silent_months.empty() && !absl::SimpleAtoi(library.silent_months, &silent)) ||
        (!library.gap_points.empty() && !absl::SimpleAtod(library.gap_points, &gap))) {
      std::cerr << "error: a criteria flag is not a number\n";
      return kExitUsage;
    }
    // Lists given replace the tier's ("-" empties them).
    const auto list = [](const std::string& text) {
      return text == "-" ? std::vector<std::string>{} : SplitList(text);
    };
    if (!library.statuses.empty() &&
        !ParseEnumList<v1::ProjectStatus>("status", *v1::ProjectStatus_descriptor(),
                                          library.statuses, c.mutable_allowed_statuses())) {
      return kExitUsage;
    }
    if (!library.required.empty()) {
      c.clear_required_fields();
      for (const std::string& field : list(library.required)) c.add_required_fields(field);
    }
    if (!library.favoured_types.empty() &&
        !ParseEnumList<v1::RenovationType>("favoured_types", *v1::RenovationType_descriptor(),
                                           library.favoured_types,
                                           c.mutable_favoured_renovation_types())) {
      return kExitUsage;
    }
    if (!library.favoured_industries.empty()) {
      c.clear_favoured_industry_codes();
      for (const std::string& code : list(library.favoured_industries)) {
        c.add_favoured_industry_codes(code);
      }
    }
    c.set_min_planned_investment_fen(planned);
    c.set_min_planned_equipment_investment_fen(equipment);
    c.set_reported_within_months(within);
    c.set_at_risk_silent_months(silent);
    c.set_at_risk_gap_points(gap);
    v1::SetTierCriteriaResponse response;
    if (!CallWrite(options, request.request_id(), [&](grpc::ClientContext* context) {
          return stub->SetTierCriteria(context, request, &response);
        })) {
      return kExitFailure;
    }
    shown = {response.criteria()};
  }
  if (options.format == OutputFormat::kJson) {
    for (const auto& c : shown) std::cout << ToJsonLine(c) << "\n";
    return kExitOk;
  }
  Table table({"tier", "version", "planned ≥ (万元)", "equipment ≥ (万元)", "statuses", "required",
               "reported within (months)", "favoured", "at risk: behind (pts)",
               "at risk: silent (months)", "set by"});
  for (const auto& c : shown) {
    std::vector<std::string> statuses, favoured;
    for (int s : c.allowed_statuses()) {
      statuses.push_back(EnumLabel(*v1::ProjectStatus_descriptor(), s));
    }
    for (int t : c.favoured_renovation_types()) {
      favoured.push_back(EnumLabel(*v1::RenovationType_descriptor(), t));
    }
    for (const std::string& code : c.favoured_industry_codes()) {
      favoured.push_back(IndustryLabel(code, ""));
    }
    table.AddRow(
        {EnumLabel(*v1::LibraryTier_descriptor(), c.tier()), absl::StrCat(c.version()),
         FormatWanNumber(c.min_planned_investment_fen()),
         FormatWanNumber(c.min_planned_equipment_investment_fen()), absl::StrJoin(statuses, ", "),
         c.required_fields().empty() ? "-" : absl::StrJoin(c.required_fields(), ", "),
         absl::StrCat(c.reported_within_months()),
         favoured.empty() ? "-" : absl::StrJoin(favoured, ", "),
         absl::StrFormat("%.1f", c.at_risk_gap_points()), absl::StrCat(c.at_risk_silent_months()),
         absl::StrCat(c.set_by().principal(), " ", FormatTime(c.set_by().time()))});
  }
  Emit(options, table, "入库标准");
  return kExitOk;
}

}  // namespace techreno::cli
