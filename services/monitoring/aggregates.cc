// QueryAggregates: the bulletin figures for any grouping by region (at a
// tier), region group and industry division, over month / quarter / half-year
// / year buckets, served from the county × division × month rollup (kept exact
// in the transaction of every report) plus the projects' start and completion
// months. Rolling counties up to cities, groups and the province happens here,
// at query time, over that small table.
//
// Not yet served (UNIMPLEMENTED, naming what): grouping or filtering by
// renovation type, support instrument, enterprise size or project stage;
// industry groups (three digits); the enterprise-count metrics.
#include <algorithm>
#include <map>
#include <set>

#include <google/protobuf/util/time_util.h>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "libs/rpc/call.h"
#include "libs/rpc/page_token.h"
#include "libs/rpc/status.h"
#include "libs/store/reference_data.h"
#include "libs/store/transaction.h"
#include "services/monitoring/buckets.h"
#include "services/monitoring/monitoring_service.h"
#include "services/monitoring/monitoring_store.h"

namespace techreno::monitoring {
namespace {

using Key = std::vector<std::string>;  // one value per group_by dimension

grpc::Status Fail(const absl::Status& status) { return rpc::ToGrpcStatus(status); }

// Projects in the statistics with the same county, division, start and
// completion month: how many, and their planned investment.
struct ProjectCohort {
  int start = 0;
  int completion = -1;  // -1: not reported completed
  int64_t count = 0;
  int64_t planned_fen = 0;
};

// Everything known about one row key (or the totals), by month.
struct Series {
  std::map<int, int64_t> monthly;  // period index → completed fen
  int64_t opening = 0;             // completed before the window
  std::vector<ProjectCohort> cohorts;

  int64_t Sum(int first, int last) const {
    int64_t sum = 0;
    for (auto it = monthly.lower_bound(first); it != monthly.end() && it->first <= last; ++it) {
      sum += it->second;
    }
    return sum;
  }
  int64_t Upto(int last) const {
    return opening + Sum(std::numeric_limits<int>::min(), last);
  }
};

double Pct(int64_t part, int64_t whole) { return 100.0 * static_cast<double>(part) / whole; }

// The counties a request covers: the caller's scope cut by its region and
// group filters (all of Guangdong's county-level units otherwise).
absl::StatusOr<std::set<std::string>> CountiesInScope(const auth::Principal& caller,
                                                      const v1::QueryAggregatesRequest& request) {
  const auto& ref = store::Reference();
  for (const std::string& code : request.region_codes()) {
    if (ref.regions.Find(code) == nullptr) {
      return rpc::InvalidField("region_codes", absl::StrCat("unknown region '", code, "'"));
    }
    if (absl::Status s = auth::CheckRead(caller, code, ref.regions); !s.ok()) return s;
  }
  for (const std::string& id : request.region_group_ids()) {
    if (ref.region_groups.Find(id) == nullptr) {
      return rpc::InvalidField("region_group_ids", absl::StrCat("unknown region group '", id, "'"));
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

absl::Status CheckSupported(const v1::QueryAggregatesRequest& r) {
  std::set<int> seen;
  for (int d : r.group_by()) {
    if (!seen.insert(d).second) {
      return rpc::InvalidField("group_by", "each dimension at most once");
    }
    if (d != v1::AGGREGATE_DIMENSION_REGION && d != v1::AGGREGATE_DIMENSION_REGION_GROUP &&
        d != v1::AGGREGATE_DIMENSION_INDUSTRY_DIVISION) {
      return absl::UnimplementedError(absl::StrCat(
          "grouping by ", v1::AggregateDimension_Name(v1::AggregateDimension(d)),
          " is not served yet; region, region group and industry division are"));
    }
  }
  if (seen.count(v1::AGGREGATE_DIMENSION_REGION) &&
      (r.region_tier() == v1::REGION_TIER_UNSPECIFIED || !v1::RegionTier_IsValid(r.region_tier()))) {
    return rpc::InvalidField("region_tier", "required when grouping by region");
  }
  if (!r.renovation_types().empty() || !r.support_instruments().empty() ||
      !r.revenue_bands().empty() || !r.project_stages().empty()) {
    return absl::UnimplementedError(
        "filtering by renovation type, support instrument, revenue band or project stage is not "
        "served yet");
  }
  for (const std::string& code : r.industry_codes()) {
    if (code.size() != 2) {
      return absl::UnimplementedError("industry filters take divisions (two digits) for now");
    }
  }
  for (int m : r.metrics()) {
    if (m == v1::AGGREGATE_METRIC_ENTERPRISES_COMPLETED ||
        m == v1::AGGREGATE_METRIC_INTEGRATION_ENTERPRISES) {
      return absl::UnimplementedError("the enterprise-count metrics are not served yet");
    }
  }
  return absl::OkStatus();
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
  if (absl::Status s = CheckSupported(*request); !s.ok()) return Fail(s);
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
  v1::QueryAggregatesRequest query = *request;
  query.clear_page_size();
  query.clear_page_token();
  const std::string fingerprint =
      rpc::QueryFingerprint(absl::StrCat(caller->id, "|", query.SerializeAsString()));
  auto after = rpc::DecodePageToken(request->page_token(), fingerprint);
  if (!after.ok()) return Fail(after.status());
  size_t offset = 0;
  if (!after->empty() && !absl::SimpleAtoi(*after, &offset)) {
    return Fail(rpc::InvalidField("page_token", "malformed page token"));
  }
  const std::set<std::string> divisions(request->industry_codes().begin(),
                                        request->industry_codes().end());

  // The keys a county × division cell contributes to (several when region
  // groups overlap).
  auto keys_of = [&](const std::string& county, const std::string& division) {
    std::vector<Key> keys(1);
    for (int d : request->group_by()) {
      std::vector<Key> next;
      std::vector<std::string> values;
      if (d == v1::AGGREGATE_DIMENSION_REGION) {
        values.push_back(request->region_tier() == v1::REGION_TIER_COUNTY ? county
                         : request->region_tier() == v1::REGION_TIER_CITY
                             ? ref.regions.CityOf(county)
                             : ref.regions.ProvinceCode());
      } else if (d == v1::AGGREGATE_DIMENSION_REGION_GROUP) {
        for (const codes::RegionGroup& g : ref.region_groups.All()) {
          const bool asked = request->region_group_ids().empty() ||
                             std::count(request->region_group_ids().begin(),
                                        request->region_group_ids().end(), g.id) > 0;
          if (asked && ref.region_groups.ContainsCounty(g.id, county, ref.regions)) {
            values.push_back(g.id);
          }
        }
      } else {
        values.push_back(division);
      }
      for (const Key& k : keys) {
        for (const std::string& v : values) {
          Key extended = k;
          extended.push_back(v);
          next.push_back(std::move(extended));
        }
      }
      keys = std::move(next);
    }
    return keys;
  };

  const int window_first = (buckets->front().first / 12 - 1) * 12;  // prior year's January
  const int window_last = buckets->back().last;
  std::map<Key, Series> rows;
  Series totals;
  std::map<int, std::vector<v1::Target>> targets;
  absl::Status status = store::RunInTransaction(pool_, [&](pqxx::work& tx) {
    rows.clear();
    totals = Series();
    targets.clear();
    auto wanted = [&](const std::string& county, const std::string& division) {
      return counties->count(county) > 0 && (divisions.empty() || divisions.count(division) > 0);
    };
    for (const auto& row : store::Exec(
             tx, "agg_rollup",
             "SELECT county_code, industry_division, period_index, completed_fen "
             "FROM monitoring_rollup WHERE period_index BETWEEN $1 AND $2",
             window_first, window_last)) {
      const std::string county = row[0].c_str(), division = row[1].c_str();
      if (!wanted(county, division)) continue;
      const int index = row[2].as<int>();
      const int64_t fen = row[3].as<int64_t>();
      for (const Key& key : keys_of(county, division)) rows[key].monthly[index] += fen;
      totals.monthly[index] += fen;
    }
    for (const auto& row : store::Exec(
             tx, "agg_opening",
             "SELECT county_code, industry_division, sum(completed_fen)::bigint "
             "FROM monitoring_rollup WHERE period_index < $1 GROUP BY 1, 2",
             window_first)) {
      const std::string county = row[0].c_str(), division = row[1].c_str();
      if (!wanted(county, division)) continue;
      const int64_t fen = row[2].as<int64_t>();
      for (const Key& key : keys_of(county, division)) rows[key].opening += fen;
      totals.opening += fen;
    }
    // Projects in the statistics (≥ 5 million yuan planned, not withdrawn),
    // with the month they were first reported completed.
    for (const auto& row : store::Exec(
             tx, "agg_cohorts",
             "SELECT p.county_code, left(p.industry_code, 2), p.start_period, "
             "coalesce(c.completion, -1), count(*), sum(p.planned_investment_fen)::bigint "
             "FROM v_projects p LEFT JOIN (SELECT project_code, min(period_index) AS completion "
             "  FROM monitoring_reports WHERE status = 3 /* COMPLETED */ GROUP BY project_code) c "
             "USING (project_code) "
             "WHERE p.planned_investment_fen >= 500000000 AND p.status <> 5 /* WITHDRAWN */ "
             "GROUP BY 1, 2, 3, 4")) {
      const std::string county = row[0].c_str(), division = row[1].c_str();
      if (!wanted(county, division)) continue;
      auto start = codes::ParsePeriod(row[2].c_str());
      ProjectCohort cohort{start.ok() ? start->Index() : 0, row[3].as<int>(), row[4].as<int64_t>(),
                           row[5].as<int64_t>()};
      for (const Key& key : keys_of(county, division)) rows[key].cohorts.push_back(cohort);
      totals.cohorts.push_back(cohort);
    }
    for (int year = buckets->front().first / 12; year <= window_last / 12; ++year) {
      targets[year] = TargetsOf(tx, year, v1::TARGET_METRIC_TECH_RENOVATION_INVESTMENT_FEN);
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return Fail(status);

  // Targets belong to a row only when it stands for one region or group and
  // no filter cuts into its projects (see AggregateRow.target_fen).
  const bool cut = !request->industry_codes().empty();
  auto target_subject = [&](const Key& key) -> std::pair<std::string, std::string> {
    if (cut) return {};
    if (request->group_by().empty()) {
      if (request->region_codes().size() == 1 && request->region_group_ids().empty()) {
        return {"region", request->region_codes(0)};
      }
      if (request->region_group_ids().size() == 1 && request->region_codes().empty()) {
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
    if (request->group_by(0) == v1::AGGREGATE_DIMENSION_REGION) return {"region", key[0]};
    if (request->group_by(0) == v1::AGGREGATE_DIMENSION_REGION_GROUP) return {"group", key[0]};
    return {};
  };
  auto find_target = [&](int year, const std::pair<std::string, std::string>& subject)
      -> const v1::Target* {
    if (subject.first.empty()) return nullptr;
    for (const v1::Target& t : targets[year]) {
      const bool match = subject.first == "region" ? t.region_code() == subject.second
                                                   : t.region_group_id() == subject.second;
      if (match) return &t;
    }
    return nullptr;
  };

  auto fill = [&](const Series& s, const Bucket& b, const Series* total, v1::AggregateRow& row) {
    const int year_start = b.last - b.last % 12;
    row.set_period_start(PeriodOf(b.first));
    row.set_period_end(PeriodOf(b.last));
    row.set_period_label(b.label);
    row.set_partial(b.partial);
    for (const ProjectCohort& c : s.cohorts) {
      if (c.start <= b.last && (c.completion < 0 || c.completion >= b.first)) {
        row.set_project_count(row.project_count() + c.count);
        row.set_planned_investment_fen(row.planned_investment_fen() + c.planned_fen);
      }
    }
    const int64_t completed = s.Sum(b.first, b.last);
    const int64_t prior = s.Sum(b.first - 12, b.last - 12);
    row.set_completed_fen(completed);
    row.set_ytd_completed_fen(s.Sum(year_start, b.last));
    row.set_since_start_completed_fen(s.Upto(b.last));
    row.set_prior_year_completed_fen(prior);
    if (prior != 0) row.set_yoy_growth_pct(Pct(completed - prior, prior));
    row.set_prior_year_ytd_fen(s.Sum(year_start - 12, b.last - 12));
    if (row.prior_year_ytd_fen() != 0) {
      row.set_ytd_yoy_growth_pct(Pct(row.ytd_completed_fen() - row.prior_year_ytd_fen(),
                                     row.prior_year_ytd_fen()));
    }
    if (total != nullptr) {
      const int64_t total_now = total->Sum(b.first, b.last);
      const int64_t total_prior = total->Sum(b.first - 12, b.last - 12);
      if (total_now != total_prior) {
        row.set_growth_contribution_pct(Pct(completed - prior, total_now - total_prior));
      }
      if (total_prior != 0) row.set_growth_pull_points(Pct(completed - prior, total_prior));
    }
  };
  auto set_target = [&](const v1::Target* t, const Bucket& b, v1::AggregateRow& row) {
    if (t == nullptr || t->value() == 0) return;
    row.set_target_fen(t->value());
    row.set_percent_of_target(Pct(row.ytd_completed_fen(), t->value()));
    row.set_schedule_points(row.percent_of_target() - 100.0 * (b.last % 12 + 1) / 12);
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
        default:
          out.set_industry_division(v);
          if (const auto* industry = ref.industries.Find(v)) {
            out.set_industry_division_name(industry->name);
          }
      }
    }
  };

  // An empty grouping is one row per bucket: the whole filtered scope.
  if (request->group_by().empty()) rows = {{Key(), totals}};
  size_t index = 0;
  for (const auto& [key, series] : rows) {
    for (const Bucket& b : *buckets) {
      if (index++ < offset) continue;
      if (response->rows_size() >= *page_size) {
        response->set_next_page_token(rpc::EncodePageToken(absl::StrCat(index - 1), fingerprint));
        break;
      }
      v1::AggregateRow* row = response->add_rows();
      describe(key, *row->mutable_key());
      fill(series, b, request->group_by().empty() ? nullptr : &totals, *row);
      set_target(find_target(b.last / 12, target_subject(key)), b, *row);
    }
    if (!response->next_page_token().empty()) break;
  }
  if (request->include_totals() && offset == 0) {
    for (const Bucket& b : *buckets) fill(totals, b, nullptr, *response->add_totals());
  }
  *response->mutable_as_of() = google::protobuf::util::TimeUtil::GetCurrentTime();
  return grpc::Status::OK;
}

}  // namespace techreno::monitoring
