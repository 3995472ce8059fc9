// QueryAggregates: the bulletin figures for any grouping by region (at a
// tier), region group, industry division, renovation type, support
// instrument, enterprise size and project stage, over month / quarter /
// half-year / year buckets. Figures come from aggregate_sources.h: the
// summaries when they suffice (rolling counties up to cities, groups and the
// province happens here, over those small tables), every project otherwise. This file validates,
// attaches targets and growth, and pages.
#include <google/protobuf/util/time_util.h>

#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "libs/codes/text.h"
#include "libs/rpc/call.h"
#include "libs/rpc/page_token.h"
#include "libs/rpc/status.h"
#include "libs/store/reference_data.h"
#include "libs/store/transaction.h"
#include "services/monitoring/aggregate_sources.h"
#include "services/monitoring/buckets.h"
#include "services/monitoring/monitoring_service.h"
#include "services/monitoring/monitoring_store.h"

namespace techreno::monitoring {
namespace {

using Key = AggregateKey;

grpc::Status Fail(const absl::Status& status) { return rpc::ToGrpcStatus(status); }

double Pct(int64_t part, int64_t whole) { return 100.0 * static_cast<double>(part) / whole; }

// The counties a request covers: the caller's scope cut by its region and
// group filters (all of Guangdong's county-level units otherwise).
absl::StatusOr<std::set<std::string>> CountiesInScope(const auth::Principal& caller,
                                                      const v1::QueryAggregatesRequest& request) {
  const auto& ref = store::Reference();
  for (const std::string& code : request.region_codes()) {
    if (ref.regions.Find(code) == nullptr) {
      return rpc::InvalidField("region_codes", absl::StrCat("unknown region ", codes::Quote(code)));
    }
    if (absl::Status s = auth::CheckRead(caller, code, ref.regions); !s.ok()) return s;
  }
  for (const std::string& id : request.region_group_ids()) {
    if (ref.region_groups.Find(id) == nullptr) {
      return rpc::InvalidField("region_group_ids",
                               absl::StrCat("unknown region group ", codes::Quote(id)));
    }
  }
  std::set<std::string> out;
  for (const codes::Region& r : ref.regions.All()) {
    if (!ref.regions.IsCountyLevel(r.code) || !auth::MayRead(caller, r.code, ref.regions)) continue;
    bool in_regions = request.region_codes().empty();
    for (const std::string& code : request.region_codes()) {
      in_regions = in_regions || ref.regions.Contains(code, r.code);
    }
    bool in_groups = request.region_group_ids().empty();
    for (const std::string& id : request.region_group_ids()) {
      in_groups = in_groups || ref.region_groups.ContainsCounty(id, r.code, ref.regions);
    }
    if (in_regions && in_groups) out.insert(r.code);
  }
  return out;
}

absl::Status CheckRequest(const v1::QueryAggregatesRequest& r) {
  std::set<int> seen;
  for (int d : r.group_by()) {
    if (d == 0 || !v1::AggregateDimension_IsValid(d)) {
      return rpc::InvalidField("group_by", absl::StrCat("unknown dimension ", d));
    }
    if (!seen.insert(d).second) return rpc::InvalidField("group_by", "each dimension at most once");
  }
  if (seen.count(v1::AGGREGATE_DIMENSION_REGION) &&
      (r.region_tier() == v1::REGION_TIER_UNSPECIFIED ||
       !v1::RegionTier_IsValid(r.region_tier()))) {
    return rpc::InvalidField("region_tier", "required when grouping by region");
  }
  const auto& industries = store::Reference().industries;
  for (const std::string& code : r.industry_codes()) {
    if (absl::Status s = industries.ValidateIndustrial(code); !s.ok()) {
      return rpc::InvalidField("industry_codes", std::string(s.message()));
    }
  }
  return absl::OkStatus();
}

bool Wants(const v1::QueryAggregatesRequest& r, v1::AggregateMetric m) {
  return std::count(r.metrics().begin(), r.metrics().end(), m) > 0;
}

}  // namespace

grpc::Status MonitoringService::QueryAggregates(grpc::ServerContext* context,
                                                const v1::QueryAggregatesRequest* request,
                                                v1::QueryAggregatesResponse* response) {
  auto caller = rpc::AuthenticateCall(pool_, *context);
  if (!caller.ok()) return Fail(caller.status());
  if (caller->role == auth::Role::kBank) {
    return Fail(absl::PermissionDeniedError("banks do not read monitoring aggregates"));
  }
  const auto& ref = store::Reference();
  if (absl::Status s = CheckRequest(*request); !s.ok()) return Fail(s);
  auto buckets = MakeBuckets(request->granularity(), request->from_period(), request->to_period());
  if (!buckets.ok()) return Fail(buckets.status());
  const v1::RegionTier own_tier = caller->role == auth::Role::kCounty ? v1::REGION_TIER_COUNTY
                                  : caller->role == auth::Role::kCity ? v1::REGION_TIER_CITY
                                                                      : v1::REGION_TIER_PROVINCE;
  const bool by_region = std::count(request->group_by().begin(), request->group_by().end(),
                                    v1::AGGREGATE_DIMENSION_REGION) > 0;
  if (by_region && request->region_tier() < own_tier) {
    return Fail(rpc::InvalidField("region_tier", "above the caller's own tier"));
  }
  auto counties = CountiesInScope(*caller, *request);
  if (!counties.ok()) return Fail(counties.status());
  auto page_size = rpc::ResolvePageSize(request->page_size(), 1000, 5000);
  if (!page_size.ok()) return Fail(page_size.status());
  auto page = rpc::ResolveOffsetPage(*request, caller->id);
  if (!page.ok()) return Fail(page.status());
  const size_t offset = page->offset;
  AggregateScope scope{request, *std::move(counties), *std::move(buckets)};
  // Taken before the snapshot: every report committed before it is included.
  *response->mutable_as_of() = google::protobuf::util::TimeUtil::GetCurrentTime();
  AggregateData data;
  std::map<int, std::vector<v1::Target>> targets;
  absl::Status status = store::RunReadOnly(pool_, [&](pqxx::transaction_base& tx) {
    data = NeedsProjects(*request) ? FromProjects(tx, scope) : FromSummaries(tx, scope);
    targets.clear();
    for (int year = scope.buckets.front().first / 12; year <= scope.buckets.back().last / 12;
         ++year) {
      for (int m = 1; v1::TargetMetric_IsValid(m); ++m) {
        for (v1::Target& t : TargetsOf(tx, year, m)) targets[year].push_back(std::move(t));
      }
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return Fail(status);
  const std::vector<Bucket>& buckets_ = scope.buckets;

  // Targets belong to a row only when it stands for one region or group and
  // no filter cuts into its projects (see AggregateRow.target_fen).
  const bool cut = !request->industry_codes().empty() || !request->renovation_types().empty() ||
                   !request->support_instruments().empty() || !request->revenue_bands().empty() ||
                   !request->project_stages().empty();
  // A group's target belongs to its figures only when the caller sees all of it.
  auto whole_group = [&](const std::string& id) {
    for (const codes::Region& r : ref.regions.All()) {
      if (ref.regions.IsCountyLevel(r.code) &&
          ref.region_groups.ContainsCounty(id, r.code, ref.regions) &&
          !auth::MayRead(*caller, r.code, ref.regions)) {
        return false;
      }
    }
    return true;
  };
  // A region row stands for its whole region when every region filter is the
  // region or above it.
  auto whole_region = [&](const std::string& code) {
    for (const std::string& filter : request->region_codes()) {
      if (!ref.regions.Contains(filter, code)) return false;
    }
    return request->region_group_ids().empty();
  };
  auto target_subject = [&](const Key& key) -> std::pair<std::string, std::string> {
    if (cut) return {};
    if (request->group_by().empty()) {
      if (request->region_codes().size() == 1 && request->region_group_ids().empty()) {
        return {"region", request->region_codes(0)};
      }
      if (request->region_group_ids().size() == 1 && request->region_codes().empty() &&
          whole_group(request->region_group_ids(0))) {
        return {"group", request->region_group_ids(0)};
      }
      if (request->region_codes().empty() && request->region_group_ids().empty()) {
        return {"region", caller->role == auth::Role::kCounty || caller->role == auth::Role::kCity
                              ? caller->scope
                              : ref.regions.ProvinceCode()};
      }
      return {};
    }
    if (request->group_by_size() != 1) return {};
    if (request->group_by(0) == v1::AGGREGATE_DIMENSION_REGION && whole_region(key[0])) {
      return {"region", key[0]};
    }
    if (request->group_by(0) == v1::AGGREGATE_DIMENSION_REGION_GROUP &&
        request->region_codes().empty() && whole_group(key[0])) {
      return {"group", key[0]};
    }
    return {};
  };
  // The targets of a row's region or group in a year, every metric.
  auto find_targets = [&](int year, const std::pair<std::string, std::string>& subject) {
    std::vector<const v1::Target*> out;
    if (subject.first.empty()) return out;
    for (const v1::Target& t : targets[year]) {
      const bool match = subject.first == "region" ? t.region_code() == subject.second
                                                   : t.region_group_id() == subject.second;
      if (match) out.push_back(&t);
    }
    return out;
  };

  const bool enterprises = Wants(*request, v1::AGGREGATE_METRIC_ENTERPRISES_COMPLETED);
  const bool integration = Wants(*request, v1::AGGREGATE_METRIC_INTEGRATION_ENTERPRISES);
  auto fill = [&](const Figures& f, const Bucket& b, const Figures* total, v1::AggregateRow& row) {
    row.set_period_start(PeriodOf(b.first));
    row.set_period_end(PeriodOf(b.last));
    row.set_period_label(b.label);
    row.set_partial(b.partial);
    row.set_project_count(f.projects);
    row.set_planned_investment_fen(f.planned);
    row.set_completed_fen(f.completed);
    row.set_ytd_completed_fen(f.ytd);
    row.set_since_start_completed_fen(f.since_start);
    row.set_prior_year_completed_fen(f.prior);
    if (f.prior != 0) row.set_yoy_growth_pct(Pct(f.completed - f.prior, f.prior));
    row.set_prior_year_ytd_fen(f.prior_ytd);
    if (f.prior_ytd != 0) row.set_ytd_yoy_growth_pct(Pct(f.ytd - f.prior_ytd, f.prior_ytd));
    if (total != nullptr) {
      if (total->completed != total->prior) {
        row.set_growth_contribution_pct(
            Pct(f.completed - f.prior, total->completed - total->prior));
      }
      if (total->prior != 0) row.set_growth_pull_points(Pct(f.completed - f.prior, total->prior));
    }
    if (enterprises) {
      row.set_enterprises_completed(static_cast<int64_t>(f.completed_enterprises.size()));
      row.set_enterprises_completed_ytd(static_cast<int64_t>(f.completed_enterprises_ytd.size()));
    }
    if (integration) {
      row.set_integration_pilot_enterprises(static_cast<int64_t>(f.pilot_enterprises.size()));
      row.set_integration_certified_enterprises(
          static_cast<int64_t>(f.certified_enterprises.size()));
    }
  };
  // The tech-renovation target goes in target_fen; the others in other_targets
  // with the actual figure techreno has for them (none for industrial
  // investment; enterprise counts only when those metrics were asked for).
  auto set_targets = [&](const std::vector<const v1::Target*>& found, const Figures& f,
                         const Bucket& b, v1::AggregateRow& row) {
    const double elapsed = 100.0 * (b.last % 12 + 1) / 12;
    for (const v1::Target* t : found) {
      if (t->metric() == v1::TARGET_METRIC_TECH_RENOVATION_INVESTMENT_FEN) {
        if (t->value() == 0) continue;
        row.set_target_fen(t->value());
        row.set_percent_of_target(Pct(row.ytd_completed_fen(), t->value()));
        row.set_schedule_points(row.percent_of_target() - elapsed);
        continue;
      }
      v1::TargetProgress& progress = *row.add_other_targets();
      progress.set_metric(t->metric());
      progress.set_target(t->value());
      std::optional<int64_t> actual;
      if (t->metric() == v1::TARGET_METRIC_ENTERPRISES_COMPLETING_RENOVATION && enterprises) {
        actual = static_cast<int64_t>(f.completed_enterprises_ytd.size());
      } else if (t->metric() == v1::TARGET_METRIC_INTEGRATION_PILOT_ENTERPRISES && integration) {
        actual = static_cast<int64_t>(f.pilot_enterprises.size());
      } else if (t->metric() == v1::TARGET_METRIC_INTEGRATION_CERTIFIED_ENTERPRISES &&
                 integration) {
        actual = static_cast<int64_t>(f.certified_enterprises.size());
      }
      if (!actual.has_value()) continue;
      progress.set_actual(*actual);
      if (t->value() != 0) {
        progress.set_percent_of_target(Pct(*actual, t->value()));
        progress.set_schedule_points(progress.percent_of_target() - elapsed);
      }
    }
  };
  auto describe = [&](const Key& key, v1::AggregateKey& out) {
    for (int i = 0; i < request->group_by_size(); ++i) {
      const std::string& v = key[i];
      switch (request->group_by(i)) {
        case v1::AGGREGATE_DIMENSION_REGION:
          if (const auto* r = ref.regions.Find(v)) {
            out.mutable_region()->set_code(r->code);
            out.mutable_region()->set_name(r->name);
            out.set_region_tier(request->region_tier());
          }
          break;
        case v1::AGGREGATE_DIMENSION_REGION_GROUP:
          if (const auto* g = ref.region_groups.Find(v)) {
            out.mutable_region_group()->set_id(g->id);
            out.mutable_region_group()->set_name(g->name);
          }
          break;
        case v1::AGGREGATE_DIMENSION_INDUSTRY_DIVISION:
          out.set_industry_division(v);
          if (const auto* industry = ref.industries.Find(v)) {
            out.set_industry_division_name(industry->name);
          }
          break;
        case v1::AGGREGATE_DIMENSION_RENOVATION_TYPE:
          out.set_renovation_type(static_cast<v1::RenovationType>(std::stoi(v)));
          break;
        case v1::AGGREGATE_DIMENSION_SUPPORT_INSTRUMENT:
          out.set_support_instrument(static_cast<v1::SupportInstrument>(std::stoi(v)));
          break;
        case v1::AGGREGATE_DIMENSION_ENTERPRISE_SIZE:
          out.set_revenue_band(static_cast<v1::RevenueBand>(std::stoi(v)));
          break;
        default:
          out.set_project_stage(static_cast<v1::ProjectStage>(std::stoi(v)));
      }
    }
  };

  // An empty grouping is one row per bucket: the whole filtered scope. Keys
  // sort as strings, which orders codes and (single-digit) enum numbers.
  if (request->group_by().empty()) data.rows = {{Key(), data.totals}};
  size_t index = 0;
  for (const auto& [key, figures] : data.rows) {
    for (size_t i = 0; i < buckets_.size(); ++i) {
      if (index++ < offset) continue;
      if (response->rows_size() >= *page_size) {
        response->set_next_page_token(page->TokenAt(index - 1));
        break;
      }
      v1::AggregateRow* row = response->add_rows();
      describe(key, *row->mutable_key());
      fill(figures[i], buckets_[i], request->group_by().empty() ? nullptr : &data.totals[i], *row);
      set_targets(find_targets(buckets_[i].last / 12, target_subject(key)), figures[i], buckets_[i],
                  *row);
    }
    if (!response->next_page_token().empty()) break;
  }
  if (request->include_totals() && offset == 0) {
    for (size_t i = 0; i < buckets_.size(); ++i) {
      fill(data.totals[i], buckets_[i], nullptr, *response->add_totals());
    }
  }
  return grpc::Status::OK;
}

}  // namespace techreno::monitoring
