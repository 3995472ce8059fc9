#include "tests/bench/monitoring_queries.h"

#include <cstdio>
#include <functional>
#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "libs/store/transaction.h"
#include "techreno/v1/monitoring.grpc.pb.h"
#include "tests/bench/bench_util.h"
#include "tests/bench/timing.h"

namespace techreno::bench {
namespace {

using D = v1::AggregateDimension;
constexpr int kFirst = 2024 * 12, kLast = 2024 * 12 + 11;  // 2024, as period indexes

// How a grouping's row key reads in the API's answer and in plain SQL (over r
// = monitoring_reports, p = v_projects, g = the county's regions row, e =
// v_enterprises), the same text either way.
struct DimensionSql {
  std::string key, join, where;
};
DimensionSql SqlOf(D d, bool county_tier) {
  const std::string city = "CASE WHEN g.tier = 'city' THEN g.code ELSE g.parent_code END";
  const std::string start =
      "(left(p.start_period, 4)::int * 12 + right(p.start_period, 2)::int - 1)";
  switch (d) {
    case v1::AGGREGATE_DIMENSION_REGION:
      return {county_tier ? "r.county_code" : city, "", ""};
    case v1::AGGREGATE_DIMENSION_REGION_GROUP:
      // A county is in a group once, whether the group lists it or its city.
      return {"m.group_id",
              absl::StrCat(" CROSS JOIN LATERAL (SELECT DISTINCT group_id FROM "
                           "region_group_members WHERE region_code IN (r.county_code, ",
                           city, ")) m"),
              ""};
    case v1::AGGREGATE_DIMENSION_INDUSTRY_DIVISION:
      return {"left(p.industry_code, 2)", "", ""};
    case v1::AGGREGATE_DIMENSION_RENOVATION_TYPE:
      return {"t.v::text",
              " CROSS JOIN LATERAL unnest(CASE WHEN cardinality(p.renovation_types) = 0 "
              "THEN '{0}'::smallint[] ELSE p.renovation_types END) t(v)",
              ""};
    case v1::AGGREGATE_DIMENSION_SUPPORT_INSTRUMENT:
      return {"s.v::text",
              " CROSS JOIN LATERAL unnest(CASE WHEN cardinality(p.requested_support) = 0 "
              "THEN '{0}'::smallint[] ELSE p.requested_support END) s(v)",
              ""};
    case v1::AGGREGATE_DIMENSION_ENTERPRISE_SIZE:
      return {"e.revenue_band::text", "", ""};
    default:  // stage in 2024: completed, new start, continuing (the data set
              // completes projects in the registry only)
      return {absl::StrCat("CASE WHEN p.completion_index / 12 = 2024 THEN '3' WHEN ", start,
                           " / 12 = 2024 THEN '1' ELSE '2' END"),
              "",
              absl::StrCat(" AND (p.completion_index IS NULL OR p.completion_index >= ", kFirst,
                           ") AND ", start, " <= ", kLast)};
  }
}

std::string ApiKeyPart(D d, const v1::AggregateKey& k) {
  switch (d) {
    case v1::AGGREGATE_DIMENSION_REGION:
      return k.region().code();
    case v1::AGGREGATE_DIMENSION_REGION_GROUP:
      return k.region_group().id();
    case v1::AGGREGATE_DIMENSION_INDUSTRY_DIVISION:
      return k.industry_division();
    case v1::AGGREGATE_DIMENSION_RENOVATION_TYPE:
      return absl::StrCat(static_cast<int>(k.renovation_type()));
    case v1::AGGREGATE_DIMENSION_SUPPORT_INSTRUMENT:
      return absl::StrCat(static_cast<int>(k.support_instrument()));
    case v1::AGGREGATE_DIMENSION_ENTERPRISE_SIZE:
      return absl::StrCat(static_cast<int>(k.revenue_band()));
    default:
      return absl::StrCat(static_cast<int>(k.project_stage()));
  }
}

struct Grouping {
  const char* name;
  std::vector<D> dims;
  bool county_tier = false;
};

QueryFigure MeasureAggregates(store::Pool& pool, v1::InvestmentMonitoring::Stub& stub,
                              const std::string& token, const Grouping& g, int calls,
                              int plain_runs) {
  QueryFigure f{absl::StrCat("QueryAggregates by ", g.name), 0, 0, 0, 10, 25};
  v1::QueryAggregatesRequest q;
  for (D d : g.dims) q.add_group_by(d);
  q.set_region_tier(g.county_tier ? v1::REGION_TIER_COUNTY : v1::REGION_TIER_CITY);
  q.set_granularity(v1::GRANULARITY_QUARTER);
  q.set_from_period("2024-01");
  q.set_to_period("2024-12");
  q.set_page_size(5000);
  for (auto m :
       {v1::AGGREGATE_METRIC_PROJECT_COUNT, v1::AGGREGATE_METRIC_PLANNED_INVESTMENT,
        v1::AGGREGATE_METRIC_COMPLETED, v1::AGGREGATE_METRIC_YTD, v1::AGGREGATE_METRIC_SINCE_START,
        v1::AGGREGATE_METRIC_YOY_GROWTH, v1::AGGREGATE_METRIC_TARGET}) {
    q.add_metrics(m);
  }
  v1::QueryAggregatesResponse answer;
  TimeInto(f, calls, token, [&](grpc::ClientContext& context) {
    answer.Clear();
    return stub.QueryAggregates(&context, q, &answer);
  });
  f.rows = answer.rows_size();

  std::vector<std::string> keys;
  std::string joins, wheres;
  for (D d : g.dims) {
    DimensionSql sql = SqlOf(d, g.county_tier);
    keys.push_back(sql.key);
    joins += sql.join;
    wheres += sql.where;
  }
  const pqxx::result plain =
      TimePlain(pool, plain_runs, f.plain_ms,
                absl::StrCat("SELECT concat_ws('|', ", absl::StrJoin(keys, ", "),
                             "), 'Q' || (r.period_index / 3 % 4 + 1), sum(r.completed_fen)::bigint "
                             "FROM monitoring_reports r JOIN v_projects p USING (project_code) "
                             "JOIN regions g ON g.code = r.county_code "
                             "JOIN v_enterprises e ON e.credit_code = p.enterprise_credit_code",
                             joins, " WHERE r.period_index BETWEEN ", kFirst, " AND ", kLast,
                             " AND p.planned_investment_fen >= 500000000 AND p.status <> 5", wheres,
                             " GROUP BY 1, 2"));
  // Every (row key, quarter) with its amount, both ways; zero amounts count
  // as absent.
  std::map<std::string, int64_t> api, sql;
  for (const v1::AggregateRow& row : answer.rows()) {
    std::vector<std::string> parts;
    for (D d : g.dims) parts.push_back(ApiKeyPart(d, row.key()));
    if (row.completed_fen() != 0) {
      api[absl::StrCat(absl::StrJoin(parts, "|"), "@", row.period_label().substr(4))] =
          row.completed_fen();
    }
  }
  for (const auto& row : plain) {
    if (row[2].as<int64_t>() != 0) {
      sql[absl::StrCat(row[0].c_str(), "@", row[1].c_str())] = row[2].as<int64_t>();
    }
  }
  for (const auto& [key, fen] : api) f.mismatches += sql.count(key) && sql[key] == fen ? 0 : 1;
  for (const auto& [key, fen] : sql) f.mismatches += api.count(key) ? 0 : 1;
  return f;
}

QueryFigure MeasureCompliance(store::Pool& pool, v1::InvestmentMonitoring::Stub& stub,
                              const std::string& token, int calls, int plain_runs) {
  QueryFigure f{"GetReportingCompliance 2024-07..12", 0, 0, 0, 50, 0};
  v1::GetReportingComplianceRequest q;
  q.set_from_period("2024-07");
  q.set_to_period("2024-12");
  v1::GetReportingComplianceResponse answer;
  TimeInto(f, calls, token, [&](grpc::ClientContext& context) {
    answer.Clear();
    return stub.GetReportingCompliance(&context, q, &answer);
  });
  f.rows = answer.regions_size();
  const int first = kFirst + 6;
  const pqxx::result plain = TimePlain(
      pool, plain_runs, f.plain_ms,
      absl::StrCat("WITH p AS (SELECT project_code, completion_index AS c, "
                   "  left(start_period, 4)::int * 12 + right(start_period, 2)::int - 1 AS s "
                   "  FROM v_projects WHERE planned_investment_fen >= 500000000 AND status <> 5) "
                   "SELECT (SELECT coalesce(sum(greatest(0, least(",
                   kLast, ", coalesce(c, ", kLast, ")) - greatest(", first,
                   ", s) + 1)), 0) FROM p)::bigint, "
                   "(SELECT count(*) FROM monitoring_reports r JOIN p USING (project_code) "
                   "  WHERE r.period_index BETWEEN ",
                   first, " AND ", kLast,
                   " AND r.period_index >= p.s AND (p.c IS NULL OR r.period_index <= p.c))"));
  const v1::RegionCompliance* root = nullptr;
  for (const auto& region : answer.regions()) {
    if (region.tier() == v1::REGION_TIER_PROVINCE) root = &region;
  }
  if (root == nullptr || root->total().expected() != plain[0][0].as<int64_t>()) ++f.mismatches;
  if (root == nullptr || root->total().reported() != plain[0][1].as<int64_t>()) ++f.mismatches;
  return f;
}

QueryFigure MeasureLagging(store::Pool& pool, v1::InvestmentMonitoring::Stub& stub,
                           const std::string& token, int calls, int plain_runs) {
  QueryFigure f{"ListLaggingProjects first page of 20", 0, 0, 0, 50, 0};
  v1::ListLaggingProjectsRequest q;
  q.set_as_of_period("2024-11");
  q.set_page_size(20);
  v1::ListLaggingProjectsResponse answer;
  TimeInto(f, calls, token, [&](grpc::ClientContext& context) {
    answer.Clear();
    return stub.ListLaggingProjects(&context, q, &answer);
  });
  f.rows = answer.projects_size();
  // The schedule rule over the base tables: straight line from start to
  // planned completion, behind by more than 20 points or 3 months silent.
  const int as_of = kFirst + 10;
  const pqxx::result plain = TimePlain(
      pool, plain_runs, f.plain_ms,
      absl::StrCat(
          "WITH p AS (SELECT project_code, planned_investment_fen AS planned, "
          "  left(start_period, 4)::int * 12 + right(start_period, 2)::int - 1 AS s, "
          "  left(planned_completion_period, 4)::int * 12 "
          "    + right(planned_completion_period, 2)::int - 1 AS d "
          "  FROM v_projects WHERE planned_investment_fen >= 500000000 AND status IN (1, 2, 4) "
          "  AND completion_index IS NULL), "
          "t AS (SELECT p.project_code, p.planned, p.s, greatest(p.d - p.s + 1, 1) AS scheduled, "
          "  coalesce(sum(r.completed_fen) FILTER (WHERE r.period_index <= ",
          as_of,
          "), 0) AS completed, "
          "  coalesce(max(r.period_index) FILTER (WHERE r.period_index <= ",
          as_of,
          "), p.s) AS last "
          "  FROM p LEFT JOIN monitoring_reports r USING (project_code) WHERE p.s <= ",
          as_of,
          "  AND NOT EXISTS (SELECT 1 FROM monitoring_reports c WHERE c.project_code = "
          "    p.project_code AND c.status = 3) "
          "  GROUP BY 1, 2, 3, 4), "
          "x AS (SELECT t.*, 100.0::float8 * div(planned::numeric * least(",
          as_of,
          " - s + 1, scheduled), scheduled)::bigint / planned - 100.0::float8 * completed / "
          "planned AS gap FROM t) "
          "SELECT project_code FROM x WHERE gap > 20 OR ",
          as_of, " - last >= 3 ORDER BY gap DESC, project_code COLLATE \"C\" LIMIT 20"));
  if (static_cast<int>(plain.size()) != answer.projects_size()) ++f.mismatches;
  for (int i = 0; i < answer.projects_size() && i < static_cast<int>(plain.size()); ++i) {
    if (answer.projects(i).project_code() != plain[i][0].c_str()) ++f.mismatches;
  }
  return f;
}

}  // namespace

std::vector<QueryFigure> MeasureQueries(store::Pool& pool,
                                        const std::shared_ptr<grpc::Channel>& channel,
                                        const std::string& token, int calls, int plain_runs) {
  const D region = v1::AGGREGATE_DIMENSION_REGION, group = v1::AGGREGATE_DIMENSION_REGION_GROUP,
          division = v1::AGGREGATE_DIMENSION_INDUSTRY_DIVISION,
          type = v1::AGGREGATE_DIMENSION_RENOVATION_TYPE,
          support = v1::AGGREGATE_DIMENSION_SUPPORT_INSTRUMENT,
          size = v1::AGGREGATE_DIMENSION_ENTERPRISE_SIZE,
          stage = v1::AGGREGATE_DIMENSION_PROJECT_STAGE;
  // Library tier joins the list with the key-project library (issue 9).
  const std::vector<Grouping> groupings = {
      {"city", {region}},
      {"county", {region}, true},
      {"region group", {group}},
      {"industry division", {division}},
      {"renovation type", {type}},
      {"support instrument", {support}},
      {"size band", {size}},
      {"stage", {stage}},
      {"city × division", {region, division}},
      {"city × renovation type", {region, type}},
      {"city × support", {region, support}},
      {"city × size band", {region, size}},
      {"county × stage", {region, stage}, true},
      {"region group × division", {group, division}},
      {"region group × stage", {group, stage}},
      {"division × renovation type", {division, type}},
      {"renovation type × support", {type, support}},
      {"size band × stage", {size, stage}},
  };
  auto stub = v1::InvestmentMonitoring::NewStub(channel);
  std::vector<QueryFigure> out;
  for (const Grouping& g : groupings) {
    out.push_back(MeasureAggregates(pool, *stub, token, g, calls, plain_runs));
    std::printf("  %s: p50 %.1f ms\n", out.back().name.c_str(), out.back().p50_ms);
  }
  out.push_back(MeasureCompliance(pool, *stub, token, calls, plain_runs));
  out.push_back(MeasureLagging(pool, *stub, token, calls, plain_runs));
  return out;
}

void PrintQueryFigures(const std::vector<QueryFigure>& figures) {
  std::printf(
      "\n| call (province-wide) | rows | calls | p50 ms | p99 ms | plain query p50 ms | "
      "speed-up | figures equal | goal |\n|---|---|---|---|---|---|---|---|---|\n");
  for (const QueryFigure& f : figures) {
    std::string goal = "—";
    if (f.goal_p50_ms > 0) {
      const bool met =
          f.p50_ms <= f.goal_p50_ms && (f.goal_p99_ms == 0 || f.p99_ms <= f.goal_p99_ms);
      goal = absl::StrCat("p50 ≤ ", f.goal_p50_ms,
                          f.goal_p99_ms > 0 ? absl::StrCat(", p99 ≤ ", f.goal_p99_ms) : "", ": ",
                          met ? "met" : "not met");
    }
    // No plain baseline (the library's lists): "—".
    const std::string plain =
        f.plain_ms > 0 ? absl::StrFormat("%.0f", f.plain_ms) : std::string("—");
    const std::string speedup =
        f.plain_ms > 0 ? absl::StrFormat("%.0f×", f.plain_ms / std::max(f.p50_ms, 0.001))
                       : std::string("—");
    std::printf("| %s | %d | %d | %.1f | %.1f | %s | %s | %s | %s |\n", f.name.c_str(), f.rows,
                f.calls, f.p50_ms, f.p99_ms, plain.c_str(), speedup.c_str(),
                f.mismatches == 0 ? "yes" : absl::StrCat("NO (", f.mismatches, ")").c_str(),
                goal.c_str());
  }
}

}  // namespace techreno::bench
