#include "tests/bench/library_queries.h"

#include <cstdio>
#include <map>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "libs/store/transaction.h"
#include "techreno/v1/library.grpc.pb.h"

namespace techreno::bench {
namespace {

// The entries, their nomination events and (for ACCEPTED ones) their
// acceptance events, as the write path would have left them.
constexpr char kLoadLibrary[] = R"(
CREATE TEMP TABLE bench_library AS
  SELECT s.project_code, s.county_code, s.city_code, t.tier,
         abs(hashtext(s.project_code || t.tier)) % 10 <> 0 AS accepted
  FROM (SELECT project_code, county_code, city_code, planned_investment_fen AS planned,
               row_number() OVER (ORDER BY project_code) AS n
        FROM registry_projects WHERE status = 2 AND planned_investment_fen >= 500000000) s,
       (VALUES (1), (2), (3)) t (tier)
  WHERE (t.tier = 1 AND s.n % 20 = 0)
     OR (t.tier = 2 AND s.n % 200 = 0 AND s.planned >= 2000000000)
     OR (t.tier = 3 AND s.n % 1000 = 0 AND s.planned >= 4000000000);
INSERT INTO library_events (project_code, tier, county_code, version, action, state_before,
                            state_after, round, principal_id, principal_name, role,
                            principal_region, request_id, reason)
  SELECT project_code, tier, county_code, 1, 1, 0, 1, 1, 0, 'bench', 'county', county_code,
         'bench', '基准推荐' FROM bench_library
  UNION ALL
  SELECT project_code, tier, county_code, 2, 2, 1, 2, 1, 0, 'bench', 'province', '440000',
         'bench', '' FROM bench_library WHERE accepted;
INSERT INTO library_entries (project_code, tier, county_code, city_code, state, round, version,
                             nomination_event, decision_event)
  SELECT b.project_code, b.tier, b.county_code, b.city_code, CASE WHEN b.accepted THEN 2 ELSE 1 END,
         1, CASE WHEN b.accepted THEN 2 ELSE 1 END, n.id, d.id
  FROM bench_library b
  JOIN library_events n ON n.project_code = b.project_code AND n.tier = b.tier AND n.action = 1
  LEFT JOIN library_events d
    ON d.project_code = b.project_code AND d.tier = b.tier AND d.action = 2;
ANALYZE library_events;
ANALYZE library_entries;
)";

// GetLibraryTotals' figures from the base tables: every report's amount, not
// monitoring's running totals.
constexpr char kPlainTotals[] = R"(
SELECT e.tier, CASE e.tier WHEN 1 THEN p.county_code WHEN 2 THEN p.city_code ELSE '440000' END,
       left(p.industry_code, 2), count(*), sum(p.planned_investment_fen)::bigint,
       coalesce(sum(r.total), 0)::bigint
FROM library_entries e JOIN registry_projects p USING (project_code)
LEFT JOIN (SELECT project_code, sum(completed_fen) AS total FROM monitoring_reports
           GROUP BY project_code) r USING (project_code)
WHERE e.state = 2 GROUP BY 1, 2, 3)";

using Key = std::tuple<int, std::string, std::string>;
using Figures = std::tuple<int64_t, int64_t, int64_t>;

}  // namespace

void LoadLibrary(store::Pool& pool) {
  absl::Status s = store::RunInTransaction(pool, [](pqxx::transaction_base& tx) {
    // A reused database (--database) has its library already.
    if (tx.exec("SELECT 1 FROM library_entries LIMIT 1").empty()) tx.exec(kLoadLibrary);
    const pqxx::result r =
        tx.exec("SELECT tier, count(*) FROM library_entries GROUP BY 1 ORDER BY 1");
    std::printf("library laid over the projects:");
    for (const auto& row : r) {
      std::printf(" %s tier %s entries;",
                  row[0].as<int>() == 1   ? "county"
                  : row[0].as<int>() == 2 ? "city"
                                          : "province",
                  row[1].c_str());
    }
    std::printf("\n");
    return absl::OkStatus();
  });
  if (!s.ok()) {
    std::fprintf(stderr, "loading the library failed: %s\n", s.ToString().c_str());
    std::exit(1);
  }
}

std::vector<QueryFigure> MeasureLibrary(store::Pool& pool,
                                        const std::shared_ptr<grpc::Channel>& channel,
                                        const std::string& city_token,
                                        const std::string& province_token, int calls,
                                        int plain_runs) {
  auto stub = v1::KeyProjectLibrary::NewStub(channel);
  std::vector<QueryFigure> out;

  QueryFigure list{"ListEntries first page (广州市, 100)", 0, 0, 0, 20, 0};
  v1::ListEntriesResponse entries;
  TimeInto(list, calls, city_token, [&](grpc::ClientContext& context) {
    entries.Clear();
    return stub->ListEntries(&context, v1::ListEntriesRequest(), &entries);
  });
  list.rows = entries.entries_size();
  out.push_back(list);

  QueryFigure review{"ReviewTier city tier (广州市, first page)", 0, 0, 0, 20, 0};
  v1::ReviewTierRequest review_request;
  review_request.set_tier(v1::LIBRARY_TIER_CITY);
  v1::ReviewTierResponse findings;
  TimeInto(review, calls, city_token, [&](grpc::ClientContext& context) {
    findings.Clear();
    return stub->ReviewTier(&context, review_request, &findings);
  });
  review.rows = findings.findings_size();
  out.push_back(review);

  QueryFigure totals{"GetLibraryTotals tier × region × division", 0, 0, 0, 10, 0};
  v1::GetLibraryTotalsRequest totals_request;
  totals_request.set_by_industry_division(true);
  v1::GetLibraryTotalsResponse answer;
  TimeInto(totals, calls, province_token, [&](grpc::ClientContext& context) {
    answer.Clear();
    return stub->GetLibraryTotals(&context, totals_request, &answer);
  });
  totals.rows = answer.rows_size();
  std::map<Key, Figures> got, plain;
  for (const auto& row : answer.rows()) {
    got[{row.tier(), row.region().code(), row.industry_division()}] = {
        row.entries(), row.planned_investment_fen(), row.completed_investment_fen()};
  }
  for (const auto& row : TimePlain(pool, plain_runs, totals.plain_ms, kPlainTotals)) {
    plain[{row[0].as<int>(), row[1].c_str(), row[2].c_str()}] = {
        row[3].as<int64_t>(), row[4].as<int64_t>(), row[5].as<int64_t>()};
  }
  for (const auto& [key, figures] : plain) {
    auto it = got.find(key);
    if (it == got.end() || it->second != figures) ++totals.mismatches;
  }
  if (got.size() != plain.size()) ++totals.mismatches;
  out.push_back(totals);
  return out;
}

}  // namespace techreno::bench
