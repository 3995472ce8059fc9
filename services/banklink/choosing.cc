// BankLink's handlers for choosing what to recommend and for the province's
// policy: ScoreCandidates (the eligible projects read by the store, scored
// by candidate_score.h, best first), Get/SetBankLinkPolicy (versioned), and
// ListOverdueRecommendations (pairs past the policy's response deadline).
#include "absl/strings/str_cat.h"
#include "libs/codes/codes.h"
#include "libs/rpc/call.h"
#include "libs/rpc/idempotency.h"
#include "libs/rpc/page_token.h"
#include "libs/rpc/status.h"
#include "libs/store/audit.h"
#include "libs/store/reference_data.h"
#include "libs/store/transaction.h"
#include "services/banklink/banklink_rules.h"
#include "services/banklink/banklink_service.h"
#include "services/banklink/banklink_store.h"
#include "services/banklink/candidate_score.h"

namespace techreno::banklink {
namespace {

using rpc::FieldViolation;

grpc::Status Fail(const absl::Status& status) { return rpc::ToGrpcStatus(status); }

std::vector<FieldViolation> CheckScoreRequest(const v1::ScoreCandidatesRequest& r) {
  std::vector<FieldViolation> bad;
  for (int i = 0; i < r.region_codes_size(); ++i) {
    if (store::Reference().regions.Find(r.region_codes(i)) == nullptr) {
      bad.push_back({absl::StrCat("region_codes[", i, "]"),
                     absl::StrCat(r.region_codes(i), " is not a Guangdong region (GB/T 2260)")});
    }
  }
  CheckFilters("", {r.industry_codes().begin(), r.industry_codes().end()},
               {r.renovation_types().begin(), r.renovation_types().end()}, bad);
  if (!v1::LibraryTier_IsValid(r.min_tier())) {
    bad.push_back({"min_tier", "unknown library tier"});
  }
  if (r.min_financing_need_fen() < 0) {
    bad.push_back({"min_financing_need_fen", "must not be negative"});
  }
  if (r.max_financing_need_fen() < 0 ||
      (r.max_financing_need_fen() > 0 && r.max_financing_need_fen() < r.min_financing_need_fen())) {
    bad.push_back({"max_financing_need_fen", "0 (no bound) or at least min_financing_need_fen"});
  }
  if (r.top_n() < 0 || r.top_n() > 1000) bad.push_back({"top_n", "1–1000, or 0 for 100"});
  return bad;
}

}  // namespace

grpc::Status BankLinkService::ScoreCandidates(grpc::ServerContext* context,
                                              const v1::ScoreCandidatesRequest* request,
                                              v1::ScoreCandidatesResponse* response) {
  auto caller = rpc::AuthenticateCall(pool_, *context);
  if (!caller.ok()) return Fail(caller.status());
  if (caller->role == auth::Role::kCounty || caller->role == auth::Role::kBank) {
    return Fail(Denied(*caller, "score candidates (the province and cities choose)"));
  }
  if (auto bad = CheckScoreRequest(*request); !bad.empty()) {
    return Fail(rpc::InvalidArgument("invalid ScoreCandidates", bad));
  }
  for (const std::string& region : request->region_codes()) {
    if (absl::Status s = CheckRegionScope(*caller, region); !s.ok()) {
      return Fail(s);
    }
  }
  CandidateQuery q;
  q.scope_region = ScopeOf(*caller).scope_region;
  q.region_codes.assign(request->region_codes().begin(), request->region_codes().end());
  q.industry_codes.assign(request->industry_codes().begin(), request->industry_codes().end());
  q.renovation_types.assign(request->renovation_types().begin(), request->renovation_types().end());
  q.min_tier = request->min_tier();
  q.min_financing_need_fen = request->min_financing_need_fen();
  q.max_financing_need_fen = request->max_financing_need_fen();
  q.on_schedule_only = request->on_schedule_only();
  q.include_recommended = request->include_recommended();
  q.as_of = codes::CurrentPeriod(options_.clock()).Index() - 1;  // the last complete month

  // The eligible projects are read in pages, scored, and only the best top_n
  // kept: memory stays a page and the answer, however many are eligible.
  const size_t top = request->top_n() == 0 ? 100 : static_cast<size_t>(request->top_n());
  std::optional<v1::BankLinkPolicy> policy;
  std::vector<v1::Candidate> best;
  int64_t eligible = 0;
  absl::Status read = store::RunReadOnly(pool_, [&](pqxx::transaction_base& tx) {
    policy = LoadPolicy(tx, 0);
    best.clear();
    eligible = 0;
    q.after_code.clear();
    for (;;) {
      std::vector<CandidateRow> rows = CandidateRows(tx, q);
      if (rows.empty()) break;
      eligible += static_cast<int64_t>(rows.size());
      q.after_code = rows.back().project.project_code();
      for (CandidateRow& row : rows) {
        best.push_back(ScoreCandidate(policy->score_weights(), std::move(row)));
      }
      RankCandidates(best);
      if (best.size() > top) best.resize(top);
      if (rows.size() < static_cast<size_t>(q.limit)) break;
    }
    return absl::OkStatus();
  });
  if (!read.ok()) return Fail(read);
  response->set_eligible(eligible);
  for (v1::Candidate& c : best) *response->add_candidates() = std::move(c);
  response->set_policy_version(policy->version());
  response->set_as_of_period(codes::FormatPeriod(codes::PeriodFromIndex(q.as_of)));
  return grpc::Status::OK;
}

grpc::Status BankLinkService::GetBankLinkPolicy(grpc::ServerContext* context,
                                                const v1::GetBankLinkPolicyRequest* request,
                                                v1::BankLinkPolicy* response) {
  auto caller = rpc::AuthenticateCall(pool_, *context);
  if (!caller.ok()) return Fail(caller.status());
  if (caller->role == auth::Role::kCounty) return Fail(Denied(*caller, "read the bank policy"));
  if (request->version() < 0) {
    return Fail(rpc::InvalidField("version", "a policy version, or 0 for the one in force"));
  }
  return Fail(store::RunReadOnly(pool_, [&](pqxx::transaction_base& tx) {
    std::optional<v1::BankLinkPolicy> policy = LoadPolicy(tx, request->version());
    if (!policy) {
      return absl::NotFoundError(absl::StrCat("no policy version ", request->version()));
    }
    *response = *std::move(policy);
    return absl::OkStatus();
  }));
}

grpc::Status BankLinkService::SetBankLinkPolicy(grpc::ServerContext* context,
                                                const v1::SetBankLinkPolicyRequest* request,
                                                v1::SetBankLinkPolicyResponse* response) {
  auto caller = rpc::AuthenticateCall(pool_, *context);
  if (!caller.ok()) return Fail(caller.status());
  if (caller->role != auth::Role::kProvince) return Fail(Denied(*caller, "set the bank policy"));
  std::vector<FieldViolation> bad = CheckPolicy(request->policy());
  if (absl::Status s = rpc::ValidateRequestId(request->request_id(), "request_id"); !s.ok()) {
    bad.push_back({"request_id", std::string(s.message())});
  }
  if (request->expected_version() < 0) {
    bad.push_back({"expected_version", "must not be negative"});
  }
  if (!bad.empty()) return Fail(rpc::InvalidArgument("invalid SetBankLinkPolicy", bad));
  rpc::IdempotencyKey key{caller->id, "BankLink.SetBankLinkPolicy", request->request_id(),
                          rpc::RequestFingerprint(*request)};
  return Fail(rpc::RunIdempotent(pool_, key, response, [&](pqxx::transaction_base& tx) {
    // Lock the version in force: two concurrent changes are serialised, and
    // the second meets ABORTED when it named the version it replaces.
    tx.exec("LOCK TABLE banklink_policies IN SHARE ROW EXCLUSIVE MODE");
    const v1::BankLinkPolicy before = *LoadPolicy(tx, 0);
    if (absl::Status s =
            rpc::CheckExpectedVersion(request->expected_version(), before.version(), "the policy");
        !s.ok()) {
      return s;
    }
    v1::BankLinkPolicy next = request->policy();
    next.set_version(before.version() + 1);
    next.set_set_by(caller->name);
    *response->mutable_policy() =
        InsertPolicy(tx, std::move(next), caller->id, request->request_id());
    response->set_outcome(v1::OUTCOME_ACCEPTED);
    store::AuditEntry audit;
    audit.principal_id = caller->id;
    audit.principal_name = caller->name;
    audit.action = "update";
    audit.entity = "bank_policy";
    audit.entity_key = absl::StrCat(response->policy().version());
    audit.county_code = store::Reference().regions.ProvinceCode();
    audit.version = response->policy().version();
    audit.request_id = request->request_id();
    audit.before = &before;
    audit.after = &response->policy();
    store::WriteAudit(tx, audit);
    return absl::OkStatus();
  }));
}

grpc::Status BankLinkService::ListOverdueRecommendations(
    grpc::ServerContext* context, const v1::ListOverdueRecommendationsRequest* request,
    v1::ListOverdueRecommendationsResponse* response) {
  auto caller = rpc::AuthenticateCall(pool_, *context);
  if (!caller.ok()) return Fail(caller.status());
  std::vector<FieldViolation> bad;
  CheckFilters(request->region_code(), {}, {}, bad);
  if (!bad.empty()) return Fail(rpc::InvalidArgument("invalid ListOverdueRecommendations", bad));
  if (absl::Status s = CheckRegionScope(*caller, request->region_code()); !s.ok()) return Fail(s);
  auto page_size = rpc::ResolvePageSize(request->page_size());
  if (!page_size.ok()) return Fail(page_size.status());
  auto page = rpc::ResolveOffsetPage(*request, caller->id);
  if (!page.ok()) return Fail(page.status());

  OverdueQuery q;
  q.scope = ScopeOf(*caller);
  q.region_code = request->region_code();
  if (caller->role != auth::Role::kBank) {
    q.bank_ids.assign(request->bank_ids().begin(), request->bank_ids().end());
  }
  q.today = codes::ChinaDate(options_.clock());
  q.offset = static_cast<int64_t>(page->offset);
  q.limit = *page_size + 1;
  return Fail(store::RunReadOnly(pool_, [&](pqxx::transaction_base& tx) {
    response->Clear();
    std::vector<v1::OverdueRecommendation> rows = OverdueRecs(tx, q);
    const bool more = rows.size() > static_cast<size_t>(*page_size);
    if (more) rows.pop_back();
    for (v1::OverdueRecommendation& row : rows) *response->add_overdue() = std::move(row);
    if (more) response->set_next_page_token(page->TokenAt(page->offset + rows.size()));
    response->set_first_response_working_days(LoadPolicy(tx, 0)->first_response_working_days());
    response->set_as_of_date(q.today);
    return absl::OkStatus();
  }));
}

}  // namespace techreno::banklink
