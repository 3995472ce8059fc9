// GetMatchingStats: check → catch the pairs up with the database (pair_facts.h)
// → the funnel per group (matching_funnel.h) → names for the keys → one page,
// with the total on the first.
#include <google/protobuf/util/time_util.h>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "libs/codes/codes.h"
#include "libs/rpc/call.h"
#include "libs/rpc/page_token.h"
#include "libs/rpc/status.h"
#include "libs/store/reference_data.h"
#include "libs/store/transaction.h"
#include "services/banklink/banklink_rules.h"
#include "services/banklink/banklink_service.h"
#include "services/banklink/banklink_store.h"
#include "services/banklink/matching_funnel.h"

namespace techreno::banklink {
namespace {

using rpc::FieldViolation;

std::vector<FieldViolation> CheckStatsRequest(const v1::GetMatchingStatsRequest& r) {
  std::vector<FieldViolation> bad;
  absl::flat_hash_set<int> seen;
  for (int i = 0; i < r.group_by_size(); ++i) {
    const int d = r.group_by(i);
    if (!v1::MatchingDimension_IsValid(d) || d == 0 || !seen.insert(d).second) {
      bad.push_back({absl::StrCat("group_by[", i, "]"), "unknown or repeated dimension"});
    }
  }
  for (const auto& [field, value] :
       {std::pair{"from_period", r.from_period()}, std::pair{"to_period", r.to_period()}}) {
    if (!value.empty() && !codes::ParsePeriod(value).ok()) {
      bad.push_back({field, absl::StrCat(field, " must be a month YYYY-MM")});
    }
  }
  if (!r.from_period().empty() && !r.to_period().empty() && r.from_period() > r.to_period()) {
    bad.push_back({"to_period", "to_period is before from_period"});
  }
  CheckFilters(r.region_code(), {}, {}, bad);
  return bad;
}

void NameKey(const StatsQuery& q, const std::vector<std::string>& key,
             const absl::flat_hash_map<std::string, std::string>& banks, v1::MatchingKey& out) {
  const auto& ref = store::Reference();
  for (size_t i = 0; i < key.size(); ++i) {
    const std::string& v = key[i];
    switch (q.group_by[i]) {
      case v1::MATCHING_DIMENSION_BANK:
        out.set_bank_id(v);
        if (auto it = banks.find(v); it != banks.end()) out.set_bank_name(it->second);
        break;
      case v1::MATCHING_DIMENSION_CITY:
        *out.mutable_city() = RegionOf(v);
        break;
      case v1::MATCHING_DIMENSION_COUNTY:
        *out.mutable_county() = RegionOf(v);
        break;
      case v1::MATCHING_DIMENSION_INDUSTRY_DIVISION:
        out.set_industry_division(v);
        if (const codes::Industry* d = ref.industries.Find(v)) {
          out.set_industry_division_name(d->name);
        }
        break;
      case v1::MATCHING_DIMENSION_RENOVATION_TYPE: {
        int type = 0;
        if (absl::SimpleAtoi(v, &type))
          out.set_renovation_type(static_cast<v1::RenovationType>(type));
        break;
      }
      case v1::MATCHING_DIMENSION_PUBLICATION:
        out.set_publication_id(v);
        break;
      case v1::MATCHING_DIMENSION_PUBLISH_MONTH:
        out.set_publish_month(v);
        break;
      default:
        break;
    }
  }
}

}  // namespace

grpc::Status BankLinkService::GetMatchingStats(grpc::ServerContext* context,
                                               const v1::GetMatchingStatsRequest* request,
                                               v1::GetMatchingStatsResponse* response) {
  auto caller = rpc::AuthenticateCall(pool_, *context);
  if (!caller.ok()) return rpc::ToGrpcStatus(caller.status());
  if (auto bad = CheckStatsRequest(*request); !bad.empty()) {
    return rpc::ToGrpcStatus(rpc::InvalidArgument("invalid GetMatchingStats", bad));
  }
  if (absl::Status s = CheckRegionScope(*caller, request->region_code()); !s.ok()) {
    return rpc::ToGrpcStatus(s);
  }
  auto page_size = rpc::ResolvePageSize(request->page_size());
  if (!page_size.ok()) return rpc::ToGrpcStatus(page_size.status());
  auto page = rpc::ResolveOffsetPage(*request, caller->id);
  if (!page.ok()) return rpc::ToGrpcStatus(page.status());

  StatsQuery q;
  for (int d : request->group_by()) q.group_by.push_back(static_cast<v1::MatchingDimension>(d));
  q.scope = ScopeOf(*caller);
  q.from_period = request->from_period();
  q.to_period = request->to_period();
  q.region_code = request->region_code();
  if (caller->role != auth::Role::kBank) {
    q.bank_ids.assign(request->bank_ids().begin(), request->bank_ids().end());
  }
  q.publication_id = request->publication_id();
  q.include_retracted = request->include_retracted();
  const std::string today = codes::ChinaDate(options_.clock());
  const std::string& province = store::Reference().regions.ProvinceCode();

  *response->mutable_as_of() = google::protobuf::util::TimeUtil::GetCurrentTime();
  absl::flat_hash_map<std::string, std::string> banks;
  FunnelResult funnel;
  {
    absl::MutexLock lock(&stats_mu_);
    absl::Status status = store::RunReadOnly(pool_, [&](pqxx::transaction_base& tx) {
      pair_facts_.CatchUp(tx);
      q.overdue_through = OverdueThrough(tx, today);
      banks = LoadBanks(tx);
      return absl::OkStatus();
    });
    if (!status.ok()) return rpc::ToGrpcStatus(status);
    funnel = Funnel(pair_facts_, q, province);
  }
  std::vector<StatsRow>& rows = funnel.rows;
  const size_t end = std::min(rows.size(), page->offset + static_cast<size_t>(*page_size));
  for (size_t i = page->offset; i < end; ++i) {
    v1::MatchingRow& row = *response->add_rows();
    row = std::move(rows[i].row);
    NameKey(q, rows[i].key, banks, *row.mutable_key());
  }
  if (page->offset == 0 && funnel.total) *response->mutable_total() = std::move(*funnel.total);
  if (end < rows.size()) response->set_next_page_token(page->TokenAt(end));
  return grpc::Status::OK;
}

}  // namespace techreno::banklink
