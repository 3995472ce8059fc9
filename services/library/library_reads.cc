// The library's reads: ListEntries, GetEntryHistory, GetTierCriteria,
// ReviewTier and GetLibraryTotals. Scope: a county reads its projects'
// entries in every tier, a city its counties', the province and auditors
// all, banks nothing (library_rules.h ReadScope).
#include <algorithm>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "libs/rpc/call.h"
#include "libs/rpc/page_token.h"
#include "libs/rpc/status.h"
#include "libs/store/reference_data.h"
#include "libs/store/transaction.h"
#include "services/library/criteria.h"
#include "services/library/entry_writer.h"
#include "services/library/library_rules.h"
#include "services/library/library_service.h"
#include "services/library/library_store.h"

namespace techreno::library {
namespace {

using rpc::FieldViolation;

grpc::Status Fail(const absl::Status& status) { return rpc::ToGrpcStatus(status); }

const codes::RegionTable& Regions() { return store::Reference().regions; }

// Keyset tokens of entry lists: "<tier>|<project_code>".
struct EntryKey {
  int tier = 4;  // before every tier (listing goes from 3 down)
  std::string code;
};
absl::StatusOr<EntryKey> DecodeEntryKey(const std::string& token, const std::string& fingerprint) {
  auto key = rpc::DecodePageToken(token, fingerprint);
  if (!key.ok()) return key.status();
  if (key->empty()) return EntryKey{};
  std::pair<std::string, std::string> parts = absl::StrSplit(*key, absl::MaxSplits('|', 1));
  EntryKey out;
  if (!absl::SimpleAtoi(parts.first, &out.tier)) {
    return rpc::InvalidField("page_token", "malformed page token");
  }
  out.code = parts.second;
  return out;
}

// A paged entry read's fingerprint (the request without its paging fields,
// and the caller) and the key its token continues after.
struct EntryPage {
  std::string fingerprint;
  EntryKey after;
};
template <typename Request>
absl::StatusOr<EntryPage> ResolveEntryPage(const Request& request, int64_t caller_id) {
  Request filter = request;
  filter.clear_page_size();
  filter.clear_page_token();
  EntryPage page{rpc::QueryFingerprint(absl::StrCat(caller_id, "|", filter.SerializeAsString())),
                 {}};
  auto after = DecodeEntryKey(request.page_token(), page.fingerprint);
  if (!after.ok()) return after.status();
  page.after = *std::move(after);
  return page;
}

// Completes a page of rows for the answer: events, projects with progress,
// other tiers, and the risk flags of ACCEPTED entries.
void Complete(pqxx::transaction_base& tx, std::vector<EntryRow>& rows, int as_of) {
  FillEvents(tx, rows);
  FillProjects(tx, rows, as_of);
  FillOtherTiers(tx, rows);
  const AllCriteria criteria = LoadAllCriteria(tx);
  for (EntryRow& row : rows) {
    if (row.entry.state() == v1::ENTRY_STATE_ACCEPTED) {
      FlagRisk(criteria.tier[row.entry.tier()], *row.entry.mutable_progress());
    }
  }
}

std::vector<int> Ints(const google::protobuf::RepeatedField<int>& values) {
  return {values.begin(), values.end()};
}

std::vector<FieldViolation> CheckListRequest(const v1::ListEntriesRequest& r) {
  std::vector<FieldViolation> bad;
  CheckTierList(r.tiers(), "tiers", bad);
  CheckStateList(r.states(), "states", bad);
  for (int s : r.project_statuses()) {
    if (!v1::ProjectStatus_IsValid(s) || s == 0) {
      bad.push_back({"project_statuses", absl::StrCat("unknown status ", s)});
    }
  }
  if (!r.industry_code().empty() &&
      !store::Reference().industries.ValidateIndustrial(r.industry_code()).ok()) {
    bad.push_back({"industry_code", "a division or group 06-46"});
  }
  if (!v1::RenovationType_IsValid(r.renovation_type())) {
    bad.push_back({"renovation_type", "unknown renovation type"});
  }
  return bad;
}

}  // namespace

grpc::Status LibraryService::ListEntries(grpc::ServerContext* context,
                                         const v1::ListEntriesRequest* request,
                                         v1::ListEntriesResponse* response) {
  auto caller = rpc::AuthenticateCall(pool_, *context);
  if (!caller.ok()) return Fail(caller.status());
  auto scope = ReadScope(*caller, request->region_code(), "region_code", Regions());
  if (!scope.ok()) return Fail(scope.status());
  if (auto bad = CheckListRequest(*request); !bad.empty()) {
    return Fail(rpc::InvalidArgument("invalid ListEntries request", bad));
  }
  auto page_size = rpc::ResolvePageSize(request->page_size());
  if (!page_size.ok()) return Fail(page_size.status());
  auto page = ResolveEntryPage(*request, caller->id);
  if (!page.ok()) return Fail(page.status());
  EntryQuery q;
  q.county_code = scope->county_code;
  q.city_code = scope->city_code;
  q.tiers = Ints(request->tiers());
  q.states = Ints(request->states());
  q.project_statuses = Ints(request->project_statuses());
  q.industry_code = request->industry_code();
  q.renovation_type = request->renovation_type();
  q.project_code = request->project_code();
  if (request->has_updated_since()) {
    q.updated_since_us =
        request->updated_since().seconds() * 1000000 + request->updated_since().nanos() / 1000;
  }
  q.after_tier = page->after.tier;
  q.after_code = page->after.code;
  q.limit = *page_size + 1;  // one more tells whether another page exists
  std::vector<EntryRow> rows;
  absl::Status status = store::RunReadOnly(pool_, [&](pqxx::transaction_base& tx) {
    rows = QueryEntries(tx, q);
    const bool more = static_cast<int>(rows.size()) > *page_size;
    if (more) rows.resize(*page_size);
    Complete(tx, rows, AsOf());
    if (more) {
      const auto& last = rows.back().entry;
      response->set_next_page_token(rpc::EncodePageToken(
          absl::StrCat(static_cast<int>(last.tier()), "|", last.project_code()),
          page->fingerprint));
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return Fail(status);
  for (EntryRow& row : rows) *response->add_entries() = std::move(row.entry);
  return grpc::Status::OK;
}

grpc::Status LibraryService::GetEntryHistory(grpc::ServerContext* context,
                                             const v1::GetEntryHistoryRequest* request,
                                             v1::GetEntryHistoryResponse* response) {
  auto caller = rpc::AuthenticateCall(pool_, *context);
  if (!caller.ok()) return Fail(caller.status());
  std::vector<FieldViolation> bad;
  if (request->project_code().empty()) bad.push_back({"project_code", "project_code is required"});
  if (request->tier() < 0 || request->tier() > 3) bad.push_back({"tier", "unknown tier"});
  if (!bad.empty()) return Fail(rpc::InvalidArgument("invalid GetEntryHistory request", bad));
  auto page_size = rpc::ResolvePageSize(request->page_size());
  if (!page_size.ok()) return Fail(page_size.status());
  const std::string fingerprint =
      rpc::QueryFingerprint(absl::StrCat(request->project_code(), "|", request->tier()));
  auto after = rpc::DecodePageToken(request->page_token(), fingerprint);
  if (!after.ok()) return Fail(after.status());
  HistoryQuery q{request->project_code(), request->tier(), 0, *page_size + 1};
  if (!after->empty() && !absl::SimpleAtoi(*after, &q.before_id)) {
    return Fail(rpc::InvalidField("page_token", "malformed page token"));
  }
  if (caller->role == auth::Role::kBank) {
    return Fail(absl::PermissionDeniedError("banks do not read the key-project library"));
  }
  // The project's scope first: a caller outside it learns nothing of its
  // entries, not even whether there are any.
  std::optional<ProjectState> project;
  bool found = false;
  std::vector<HistoryRow> rows;
  absl::Status status = store::RunReadOnly(pool_, [&](pqxx::transaction_base& tx) {
    project = LoadProject(tx, q.project_code, AsOf(), /*lock=*/false);
    if (!project.has_value() ||
        !CheckReader(*caller, project->project.county_code(), Regions()).ok()) {
      return absl::OkStatus();
    }
    found = HasEntries(tx, q.project_code, q.tier);
    if (found) rows = History(tx, q);
    return absl::OkStatus();
  });
  if (!status.ok()) return Fail(status);
  if (!project.has_value()) {
    return Fail(absl::NotFoundError(absl::StrCat("no project ", request->project_code())));
  }
  if (absl::Status s = CheckReader(*caller, project->project.county_code(), Regions()); !s.ok()) {
    return Fail(s);
  }
  if (!found) {
    return Fail(absl::NotFoundError(
        absl::StrCat("project ", request->project_code(), " has no library entry")));
  }
  const bool more = static_cast<int>(rows.size()) > *page_size;
  if (more) rows.resize(*page_size);
  for (HistoryRow& row : rows) *response->add_events() = std::move(row.event);
  if (more) {
    response->set_next_page_token(rpc::EncodePageToken(absl::StrCat(rows.back().id), fingerprint));
  }
  return grpc::Status::OK;
}

grpc::Status LibraryService::GetTierCriteria(grpc::ServerContext* context,
                                             const v1::GetTierCriteriaRequest* request,
                                             v1::TierCriteria* response) {
  auto caller = rpc::AuthenticateCall(pool_, *context);
  if (!caller.ok()) return Fail(caller.status());
  if (caller->role == auth::Role::kBank) {
    return Fail(absl::PermissionDeniedError("banks do not read the key-project library"));
  }
  if (!IsTier(request->tier())) {
    return Fail(rpc::InvalidField("tier", "tier is required: COUNTY, CITY or PROVINCE"));
  }
  return Fail(store::RunAutocommit(pool_, [&](pqxx::transaction_base& tx) {
    *response = LoadCriteria(tx, request->tier());
    return absl::OkStatus();
  }));
}

grpc::Status LibraryService::ReviewTier(grpc::ServerContext* context,
                                        const v1::ReviewTierRequest* request,
                                        v1::ReviewTierResponse* response) {
  auto caller = rpc::AuthenticateCall(pool_, *context);
  if (!caller.ok()) return Fail(caller.status());
  if (!IsTier(request->tier())) {
    return Fail(rpc::InvalidField("tier", "tier is required: COUNTY, CITY or PROVINCE"));
  }
  auto scope = ReadScope(*caller, request->region_code(), "region_code", Regions());
  if (!scope.ok()) return Fail(scope.status());
  auto page_size = rpc::ResolvePageSize(request->page_size());
  if (!page_size.ok()) return Fail(page_size.status());
  auto page = ResolveEntryPage(*request, caller->id);
  if (!page.ok()) return Fail(page.status());
  const int as_of = AsOf();
  EntryQuery q;
  q.county_code = scope->county_code;
  q.city_code = scope->city_code;
  q.tiers = {request->tier()};
  q.states = {v1::ENTRY_STATE_NOMINATED, v1::ENTRY_STATE_ACCEPTED};
  q.after_tier = page->after.tier;
  q.after_code = page->after.code;
  // Scanned in slices of a page until the page is full: in a tier under
  // review most entries are findings, so the first slice usually fills it.
  q.limit = std::max(*page_size, 50);
  absl::Status status = store::RunReadOnly(pool_, [&](pqxx::transaction_base& tx) {
    response->Clear();
    const v1::TierCriteria criteria = LoadCriteria(tx, request->tier());
    for (;;) {
      std::vector<EntryRow> rows = QueryEntries(tx, q);
      Complete(tx, rows, as_of);
      for (EntryRow& row : rows) {
        q.after_tier = row.entry.tier();
        q.after_code = row.entry.project_code();
        rpc::Violations reasons =
            CheckCriteria(criteria, row.entry.project(), row.entry.progress());
        AddRiskReasons(row.entry.progress(), reasons);
        if (reasons.empty()) continue;
        v1::ReviewFinding* finding = response->add_findings();
        *finding->mutable_entry() = std::move(row.entry);
        *finding->mutable_reasons() = {reasons.begin(), reasons.end()};
        if (response->findings_size() == *page_size) {
          response->set_next_page_token(rpc::EncodePageToken(
              absl::StrCat(q.after_tier, "|", q.after_code), page->fingerprint));
          return absl::OkStatus();
        }
      }
      if (static_cast<int>(rows.size()) < q.limit) return absl::OkStatus();
    }
  });
  if (!status.ok()) return Fail(status);
  response->set_as_of_period(codes::FormatPeriod(codes::PeriodFromIndex(as_of)));
  return grpc::Status::OK;
}

grpc::Status LibraryService::GetLibraryTotals(grpc::ServerContext* context,
                                              const v1::GetLibraryTotalsRequest* request,
                                              v1::GetLibraryTotalsResponse* response) {
  auto caller = rpc::AuthenticateCall(pool_, *context);
  if (!caller.ok()) return Fail(caller.status());
  auto scope = ReadScope(*caller, request->region_code(), "region_code", Regions());
  if (!scope.ok()) return Fail(scope.status());
  std::vector<FieldViolation> bad;
  CheckTierList(request->tiers(), "tiers", bad);
  CheckStateList(request->states(), "states", bad);
  if (!v1::LibraryGrouping_IsValid(request->group_by())) {
    bad.push_back({"group_by", "unknown grouping"});
  }
  if (!bad.empty()) return Fail(rpc::InvalidArgument("invalid GetLibraryTotals request", bad));
  TotalsQuery q{scope->county_code,      scope->city_code,    Ints(request->tiers()),
                Ints(request->states()), request->group_by(), request->by_industry_division()};
  std::vector<TotalsRow> rows;
  absl::Status status = store::RunAutocommit(pool_, [&](pqxx::transaction_base& tx) {
    rows = Totals(tx, q);
    return absl::OkStatus();
  });
  if (!status.ok()) return Fail(status);
  const auto& ref = store::Reference();
  for (const TotalsRow& row : rows) {
    v1::LibraryTotalsRow* out = response->add_rows();
    out->set_tier(static_cast<v1::LibraryTier>(row.tier));
    out->mutable_region()->set_code(row.region);
    if (const auto* region = ref.regions.Find(row.region)) {
      out->mutable_region()->set_name(region->name);
    }
    out->set_industry_division(row.division);
    if (!row.division.empty()) {
      if (const auto* industry = ref.industries.Find(row.division)) {
        out->set_industry_name(industry->name);
      }
    }
    out->set_entries(row.entries);
    out->set_planned_investment_fen(row.planned_fen);
    out->set_completed_investment_fen(row.completed_fen);
  }
  return grpc::Status::OK;
}

}  // namespace techreno::library
