// The library's mutations: Nominate, Decide, RemoveEntry, RemoveEntries and
// SetTierCriteria (reads are in library_reads.cc). Each handler checks the
// request's fields, then runs the write path (entry_writer.h) once per
// request_id.
#include "services/library/library_service.h"

#include <google/protobuf/util/message_differencer.h>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "libs/rpc/call.h"
#include "libs/rpc/idempotency.h"
#include "libs/rpc/status.h"
#include "libs/store/audit.h"
#include "libs/store/reference_data.h"
#include "libs/store/transaction.h"
#include "services/library/criteria.h"
#include "services/library/entry_writer.h"
#include "services/library/library_rules.h"
#include "services/library/library_store.h"

namespace techreno::library {
namespace {

using rpc::FieldViolation;

grpc::Status Fail(const absl::Status& status) { return rpc::ToGrpcStatus(status); }

// The fields every entry change names: request id, project code, tier.
void CheckEntryKey(const std::string& request_id, const std::string& project_code,
                   v1::LibraryTier tier, std::vector<FieldViolation>& bad) {
  if (absl::Status s = rpc::ValidateRequestId(request_id, "request_id"); !s.ok()) {
    bad.push_back({"request_id", std::string(s.message())});
  }
  if (project_code.empty() || project_code.size() > 64) {
    bad.push_back({"project_code", "project_code is required (at most 64 characters)"});
  }
  if (!IsTier(tier)) bad.push_back({"tier", "tier is required: COUNTY, CITY or PROVINCE"});
}

void CheckOverride(bool override, const std::string& reason, std::vector<FieldViolation>& bad) {
  if (override) {
    CheckReasonText(reason, "override_reason", /*required=*/true, bad);
  } else if (!reason.empty()) {
    bad.push_back({"override_reason", "override_reason is given only with override_criteria"});
  }
}

std::vector<FieldViolation> CheckNominateRequest(const v1::NominateRequest& r,
                                                 const auth::Principal& caller) {
  std::vector<FieldViolation> bad;
  CheckEntryKey(r.request_id(), r.project_code(), r.tier(), bad);
  CheckReasonText(r.reason(), "reason", /*required=*/true, bad);
  CheckOverride(r.override_criteria(), r.override_reason(), bad);
  if (r.expected_version() < 0) bad.push_back({"expected_version", "must not be negative"});
  if (r.admit() &&
      (r.tier() != v1::LIBRARY_TIER_PROVINCE || caller.role != auth::Role::kProvince)) {
    bad.push_back({"admit", "only the province admits directly, into the province tier"});
  }
  return bad;
}

std::vector<FieldViolation> CheckDecideRequest(const v1::DecideRequest& r) {
  std::vector<FieldViolation> bad;
  CheckEntryKey(r.request_id(), r.project_code(), r.tier(), bad);
  const bool accept = r.decision() == v1::DECISION_KIND_ACCEPT;
  if (!accept && r.decision() != v1::DECISION_KIND_REJECT) {
    bad.push_back({"decision", "decision is required: ACCEPT or REJECT"});
  }
  CheckReasonText(r.reason(), "reason", /*required=*/!accept, bad);
  absl::flat_hash_set<int> support;
  for (int s : r.planned_support()) {
    if (!accept) {
      bad.push_back({"planned_support", "planned_support goes with ACCEPT only"});
      break;
    }
    if (!v1::SupportInstrument_IsValid(s) || s == 0 || !support.insert(s).second) {
      bad.push_back({"planned_support", absl::StrCat("unknown or repeated instrument ", s)});
    }
  }
  if (r.override_criteria() && !accept) {
    bad.push_back({"override_criteria", "criteria are overridden when accepting only"});
  }
  CheckOverride(r.override_criteria(), r.override_reason(), bad);
  if (r.expected_version() < 0) bad.push_back({"expected_version", "must not be negative"});
  return bad;
}

void CheckRemoval(const v1::EntryRemoval& r, const std::string& prefix,
                  std::vector<FieldViolation>& bad) {
  if (r.project_code().empty() || r.project_code().size() > 64) {
    bad.push_back({prefix + "project_code", "project_code is required (at most 64 characters)"});
  }
  if (!IsTier(r.tier())) {
    bad.push_back({prefix + "tier", "tier is required: COUNTY, CITY or PROVINCE"});
  }
  if (!v1::RemovalReason_IsValid(r.reason_code()) ||
      r.reason_code() == v1::REMOVAL_REASON_UNSPECIFIED) {
    bad.push_back({prefix + "reason_code", "reason_code is required"});
  }
  CheckReasonText(r.reason(), prefix + "reason", /*required=*/true, bad);
  if (r.expected_version() < 0) {
    bad.push_back({prefix + "expected_version", "must not be negative"});
  }
}

v1::EntryRemoval RemovalOf(const v1::RemoveEntryRequest& r) {
  v1::EntryRemoval removal;
  removal.set_project_code(r.project_code());
  removal.set_tier(r.tier());
  removal.set_reason_code(r.reason_code());
  removal.set_reason(r.reason());
  removal.set_expected_version(r.expected_version());
  return removal;
}

// A write of the library: authenticated, fields checked by the caller, run
// once per request_id; `write` fills the response.
template <typename Response>
grpc::Status RunWrite(store::Pool& pool, const auth::Principal& caller, const char* method,
                      const google::protobuf::Message& request, const std::string& request_id,
                      Response* response,
                      const std::function<absl::Status(pqxx::transaction_base&)>& write) {
  rpc::IdempotencyKey key{caller.id, method, request_id, rpc::RequestFingerprint(request)};
  return Fail(rpc::RunIdempotent(pool, key, response, write));
}

// Writes come from county, city and province principals.
absl::Status CheckWriter(const auth::Principal& p) {
  if (p.role == auth::Role::kCounty || p.role == auth::Role::kCity ||
      p.role == auth::Role::kProvince) {
    return absl::OkStatus();
  }
  return absl::PermissionDeniedError(
      absl::StrCat(auth::RoleName(p.role), " principal '", p.name, "' may not change the library"));
}

}  // namespace

int LibraryService::AsOf() const { return codes::CurrentPeriod(options_.clock()).Index() - 1; }

grpc::Status LibraryService::Nominate(grpc::ServerContext* context,
                                      const v1::NominateRequest* request,
                                      v1::NominateResponse* response) {
  auto caller = rpc::AuthenticateCall(pool_, *context);
  if (!caller.ok()) return Fail(caller.status());
  if (absl::Status s = CheckWriter(*caller); !s.ok()) return Fail(s);
  if (auto bad = CheckNominateRequest(*request, *caller); !bad.empty()) {
    return Fail(rpc::InvalidArgument("invalid Nominate request", bad));
  }
  const WriteContext ctx{*caller, request->request_id(), AsOf()};
  return RunWrite(pool_, *caller, "Library.Nominate", *request, request->request_id(), response,
                  [&](pqxx::transaction_base& tx) -> absl::Status {
                    rpc::Violations warnings;
                    auto entry = NominateEntry(tx, ctx, *request, warnings);
                    if (!entry.ok()) return entry.status();
                    *response->mutable_entry() = *std::move(entry);
                    *response->mutable_warnings() = {warnings.begin(), warnings.end()};
                    response->set_outcome(v1::OUTCOME_ACCEPTED);
                    return absl::OkStatus();
                  });
}

grpc::Status LibraryService::Decide(grpc::ServerContext* context, const v1::DecideRequest* request,
                                    v1::DecideResponse* response) {
  auto caller = rpc::AuthenticateCall(pool_, *context);
  if (!caller.ok()) return Fail(caller.status());
  if (absl::Status s = CheckWriter(*caller); !s.ok()) return Fail(s);
  if (auto bad = CheckDecideRequest(*request); !bad.empty()) {
    return Fail(rpc::InvalidArgument("invalid Decide request", bad));
  }
  const WriteContext ctx{*caller, request->request_id(), AsOf()};
  return RunWrite(pool_, *caller, "Library.Decide", *request, request->request_id(), response,
                  [&](pqxx::transaction_base& tx) -> absl::Status {
                    auto entry = DecideEntry(tx, ctx, *request);
                    if (!entry.ok()) return entry.status();
                    *response->mutable_entry() = *std::move(entry);
                    response->set_outcome(v1::OUTCOME_ACCEPTED);
                    return absl::OkStatus();
                  });
}

grpc::Status LibraryService::RemoveEntry(grpc::ServerContext* context,
                                         const v1::RemoveEntryRequest* request,
                                         v1::RemoveEntryResponse* response) {
  auto caller = rpc::AuthenticateCall(pool_, *context);
  if (!caller.ok()) return Fail(caller.status());
  if (absl::Status s = CheckWriter(*caller); !s.ok()) return Fail(s);
  const v1::EntryRemoval removal = RemovalOf(*request);
  std::vector<FieldViolation> bad;
  if (absl::Status s = rpc::ValidateRequestId(request->request_id(), "request_id"); !s.ok()) {
    bad.push_back({"request_id", std::string(s.message())});
  }
  CheckRemoval(removal, "", bad);
  if (!bad.empty()) return Fail(rpc::InvalidArgument("invalid RemoveEntry request", bad));
  const WriteContext ctx{*caller, request->request_id(), AsOf()};
  return RunWrite(pool_, *caller, "Library.RemoveEntry", *request, request->request_id(), response,
                  [&](pqxx::transaction_base& tx) -> absl::Status {
                    auto entry = RemoveOneEntry(tx, ctx, removal);
                    if (!entry.ok()) return entry.status();
                    *response->mutable_entry() = *std::move(entry);
                    response->set_outcome(v1::OUTCOME_ACCEPTED);
                    return absl::OkStatus();
                  });
}

grpc::Status LibraryService::RemoveEntries(grpc::ServerContext* context,
                                           const v1::RemoveEntriesRequest* request,
                                           v1::RemoveEntriesResponse* response) {
  auto caller = rpc::AuthenticateCall(pool_, *context);
  if (!caller.ok()) return Fail(caller.status());
  if (absl::Status s = CheckWriter(*caller); !s.ok()) return Fail(s);
  std::vector<FieldViolation> bad;
  if (absl::Status s = rpc::ValidateRequestId(request->request_id(), "request_id"); !s.ok()) {
    bad.push_back({"request_id", std::string(s.message())});
  }
  if (request->removals().empty() || request->removals_size() > 1000) {
    bad.push_back({"removals", "1-1000 removals"});
  }
  absl::flat_hash_set<std::string> seen;
  for (int i = 0; i < request->removals_size() && i < 1000; ++i) {
    const auto& r = request->removals(i);
    const std::string prefix = absl::StrCat("removals[", i, "].");
    CheckRemoval(r, prefix, bad);
    if (!seen.insert(absl::StrCat(r.project_code(), "/", r.tier())).second) {
      bad.push_back({prefix + "project_code", "the same entry appears twice in the list"});
    }
  }
  if (!bad.empty()) return Fail(rpc::InvalidArgument("invalid RemoveEntries request", bad));
  const WriteContext ctx{*caller, request->request_id(), AsOf()};
  return RunWrite(pool_, *caller, "Library.RemoveEntries", *request, request->request_id(),
                  response, [&](pqxx::transaction_base& tx) -> absl::Status {
                    response->Clear();  // a retried transaction starts over
                    for (const v1::EntryRemoval& removal : request->removals()) {
                      v1::RemovalResult* result = response->add_results();
                      result->set_project_code(removal.project_code());
                      result->set_tier(removal.tier());
                      // A refused removal is refused before it writes anything, so the
                      // others go on in the same transaction.
                      auto entry = RemoveOneEntry(tx, ctx, removal);
                      if (entry.ok()) {
                        *result->mutable_entry() = *std::move(entry);
                        result->set_outcome(v1::OUTCOME_ACCEPTED);
                        response->set_removed(response->removed() + 1);
                        continue;
                      }
                      const grpc::Status answer = rpc::ToGrpcStatus(entry.status());
                      const absl::Status kept = rpc::FromGrpcStatus(answer);
                      result->set_outcome(v1::OUTCOME_REJECTED);
                      result->set_error_code(absl::StatusCodeToString(kept.code()));
                      result->set_error_message(std::string(kept.message()));
                      for (const FieldViolation& v : rpc::FieldViolations(kept)) {
                        rpc::Violations one;
                        rpc::AddViolation(one, v1::SEVERITY_FATAL, "", v.field, v.description);
                        *result->add_violations() = one[0];
                      }
                      response->set_rejected(response->rejected() + 1);
                    }
                    return absl::OkStatus();
                  });
}

grpc::Status LibraryService::SetTierCriteria(grpc::ServerContext* context,
                                             const v1::SetTierCriteriaRequest* request,
                                             v1::SetTierCriteriaResponse* response) {
  auto caller = rpc::AuthenticateCall(pool_, *context);
  if (!caller.ok()) return Fail(caller.status());
  if (caller->role != auth::Role::kProvince) {
    return Fail(absl::PermissionDeniedError("only the province sets the library's criteria"));
  }
  std::vector<FieldViolation> bad = ValidateCriteria(request->criteria(), "criteria.");
  if (absl::Status s = rpc::ValidateRequestId(request->request_id(), "request_id"); !s.ok()) {
    bad.push_back({"request_id", std::string(s.message())});
  }
  if (!bad.empty()) return Fail(rpc::InvalidArgument("invalid SetTierCriteria request", bad));
  return RunWrite(
      pool_, *caller, "Library.SetTierCriteria", *request, request->request_id(), response,
      [&](pqxx::transaction_base& tx) -> absl::Status {
        const v1::LibraryTier tier = request->criteria().tier();
        const v1::TierCriteria current = LoadCriteria(tx, tier, /*for_update=*/true);
        if (absl::Status s = rpc::CheckExpectedVersion(request->expected_version(),
                                                       current.version(), "the criteria");
            !s.ok()) {
          return s;
        }
        v1::TierCriteria wanted = request->criteria();
        wanted.clear_version();
        wanted.clear_set_by();
        v1::TierCriteria stored_content = current;
        stored_content.clear_version();
        stored_content.clear_set_by();
        if (google::protobuf::util::MessageDifferencer::Equals(wanted, stored_content)) {
          *response->mutable_criteria() = current;
          response->set_outcome(v1::OUTCOME_UNCHANGED);
          return absl::OkStatus();
        }
        wanted.set_version(current.version() + 1);
        v1::EntryActor* actor = wanted.mutable_set_by();
        actor->set_principal(caller->name);
        actor->mutable_region()->set_code(caller->scope);
        actor->set_request_id(request->request_id());
        InsertCriteria(tx, wanted, caller->id);
        const v1::TierCriteria after = LoadCriteria(tx, tier);
        store::WriteAudit(
            tx, {caller->id, caller->name, "update", "library_criteria", absl::StrCat(tier), "",
                 after.version(), request->request_id(), &current, &after});
        *response->mutable_criteria() = after;
        response->set_outcome(v1::OUTCOME_ACCEPTED);
        return absl::OkStatus();
      });
}

}  // namespace techreno::library
