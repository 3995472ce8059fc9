// ListLaggingProjects: projects whose completed investment trails a straight
// line from start to planned completion by more than a threshold, or that
// have stopped reporting, within the caller's scope, ordered by the gap.
#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "libs/codes/text.h"
#include "libs/rpc/call.h"
#include "libs/rpc/page_token.h"
#include "libs/rpc/status.h"
#include "libs/store/arrays.h"
#include "libs/store/reference_data.h"
#include "libs/store/transaction.h"
#include "services/monitoring/buckets.h"
#include "services/monitoring/monitoring_service.h"
#include "services/monitoring/report_rules.h"
#include "services/monitoring/scope_tree.h"

namespace techreno::monitoring {
namespace {

grpc::Status Fail(const absl::Status& status) { return rpc::ToGrpcStatus(status); }

// The columns of the lag_page query, in order.
enum Column {
  kCode,
  kName,
  kEnterprise,
  kCounty,
  kIndustry,
  kStatus,
  kStart,
  kPlannedCompletion,
  kPlanned,
  kCompleted,
  kExpected,
  kGapPoints,
  kLastReported,
  kMonthsSilent,
  kBehind,
  kSilent
};

v1::LaggingProject ToMessage(const pqxx::row& row, const store::ReferenceData& ref) {
  v1::LaggingProject p;
  p.set_project_code(row[kCode].c_str());
  p.set_project_name(row[kName].c_str());
  p.set_enterprise_name(row[kEnterprise].c_str());
  const std::string county = row[kCounty].c_str();
  if (const auto* c = ref.regions.Find(county)) {
    p.mutable_county()->set_code(c->code);
    p.mutable_county()->set_name(c->name);
    if (const auto* city = ref.regions.Find(ref.regions.CityOf(county))) {
      p.mutable_city()->set_code(city->code);
      p.mutable_city()->set_name(city->name);
    }
  }
  const std::string industry = row[kIndustry].c_str();
  p.set_industry_code(industry);
  if (const auto* i = ref.industries.Find(industry)) p.set_industry_name(i->name);
  p.set_status(static_cast<v1::ProjectStatus>(row[kStatus].as<int>()));
  p.set_start_period(row[kStart].c_str());
  p.set_planned_completion_period(row[kPlannedCompletion].c_str());
  const int64_t planned = row[kPlanned].as<int64_t>(), completed = row[kCompleted].as<int64_t>(),
                expected = row[kExpected].as<int64_t>();
  p.set_planned_investment_fen(planned);
  p.set_completed_fen(completed);
  p.set_expected_fen(expected);
  p.set_gap_fen(expected - completed);
  p.set_completed_pct(100.0 * completed / planned);
  p.set_expected_pct(100.0 * expected / planned);
  p.set_gap_points(row[kGapPoints].as<double>());
  const int last = row[kLastReported].as<int>();
  if (last >= 0) p.set_last_reported_period(PeriodOf(last));
  p.set_months_without_report(row[kMonthsSilent].as<int>());
  if (row[kBehind].as<bool>()) p.add_reasons(v1::LAGGING_REASON_BEHIND_SCHEDULE);
  if (row[kSilent].as<bool>()) p.add_reasons(v1::LAGGING_REASON_NOT_REPORTING);
  return p;
}

// Active projects in the statistics (completed ones, in the registry or by a
// report, are out) that have started by as_of, from their facts (migration
// 0009): totals and the last report through as_of (history is read only for
// a project with reports in more than one month after as_of), the
// straight-line schedule (monitoring_schedule, migration 0010: the rule the
// library's risk flags use too), the gap and the reasons, filtered and ordered by
// the request, one page plus one row; then the page's names. Ties go by
// project code, byte-wise.
constexpr char kLaggingPage[] = R"(
WITH f AS (
  SELECT f.project_code, f.planned_fen AS planned, f.start_index AS start,
         f.planned_completion_index AS planned_completion,
         CASE WHEN f.last_report_index <= $2::int THEN f.completed_fen
              WHEN f.previous_report_index <= $2::int THEN f.completed_fen - f.last_report_fen
              ELSE (SELECT coalesce(sum(r.completed_fen), 0)::bigint FROM monitoring_reports r
                    WHERE r.project_code = f.project_code AND r.period_index <= $2) END
           AS completed,
         CASE WHEN f.last_report_index <= $2 THEN f.last_report_index
              WHEN f.previous_report_index <= $2 THEN f.previous_report_index
              ELSE coalesce((SELECT max(r.period_index) FROM monitoring_reports r
                             WHERE r.project_code = f.project_code AND r.period_index <= $2), -1)
         END AS last_reported
  FROM monitoring_project_facts f
  WHERE f.county_code = ANY ($1::text[]) AND f.in_statistics AND f.status IN (1, 2, 4)
    AND f.completion_index < 0 AND f.planned_fen >= $3::bigint AND f.start_index <= $2
    AND (cardinality($4::text[]) = 0 OR f.industry_code = ANY ($4::text[])
         OR left(f.industry_code, 2) = ANY ($4::text[]))),
l AS (
  SELECT f.*, s.expected_fen AS expected, s.gap_points, s.silent
  FROM f, monitoring_schedule(f.planned, f.start, f.planned_completion, f.completed,
                              f.last_reported, $2::int) s),
r AS (
  SELECT l.*, l.gap_points > $5::float8 AS behind, $6::int > 0 AND l.silent >= $6::int AS quiet,
         CASE $8::int WHEN 2 THEN (l.expected - l.completed)::float8
                      WHEN 3 THEN l.silent::float8 ELSE l.gap_points END AS measure
  FROM l),
page AS MATERIALIZED (
  SELECT * FROM r
  WHERE CASE WHEN cardinality($7::int[]) = 0 THEN r.behind OR r.quiet
             ELSE (r.behind AND 1 = ANY ($7::int[])) OR (r.quiet AND 2 = ANY ($7::int[])) END
  ORDER BY r.measure DESC, r.project_code COLLATE "C"
  LIMIT $9::bigint)
SELECT p.project_code, p.name, en.name, p.county_code, p.industry_code, p.status, p.start_period,
       p.planned_completion_period, page.planned, page.completed, page.expected, page.gap_points,
       page.last_reported, page.silent, page.behind, page.quiet
FROM page JOIN v_projects p USING (project_code)
JOIN v_enterprises en ON en.credit_code = p.enterprise_credit_code
ORDER BY page.measure DESC, page.project_code COLLATE "C")";

}  // namespace

grpc::Status MonitoringService::ListLaggingProjects(grpc::ServerContext* context,
                                                    const v1::ListLaggingProjectsRequest* request,
                                                    v1::ListLaggingProjectsResponse* response) {
  auto caller = rpc::AuthenticateCall(pool_, *context);
  if (!caller.ok()) return Fail(caller.status());
  auto tree = ScopeTree(*caller, request->region_code(), "region_code");
  if (!tree.ok()) return Fail(tree.status());
  const auto& ref = store::Reference();
  std::vector<rpc::FieldViolation> bad;
  int as_of = CurrentPeriod(options_.clock()).Index() - 1;  // the previous month
  if (!request->as_of_period().empty()) {
    auto p = codes::ParsePeriod(request->as_of_period());
    if (!p.ok()) {
      bad.push_back({"as_of_period", std::string(p.status().message())});
    } else {
      as_of = p->Index();
    }
  }
  const double threshold = request->has_threshold_points() ? request->threshold_points() : 20.0;
  if (threshold <= 0 || threshold > 100) bad.push_back({"threshold_points", "0 < x ≤ 100"});
  const int silent = request->has_months_without_report() ? request->months_without_report() : 3;
  if (silent < 0 || silent > 60) bad.push_back({"months_without_report", "0-60 (0 disables)"});
  for (const std::string& code : request->industry_codes()) {
    if (!ref.industries.ValidateIndustrial(code).ok()) {
      bad.push_back({"industry_codes",
                     absl::StrCat(codes::Quote(code), " is not a division or group 06-46")});
    }
  }
  if (!bad.empty()) return Fail(rpc::InvalidArgument("invalid ListLaggingProjects request", bad));
  auto page_size = rpc::ResolvePageSize(request->page_size());
  if (!page_size.ok()) return Fail(page_size.status());
  auto page = rpc::ResolveOffsetPage(*request, caller->id);
  if (!page.ok()) return Fail(page.status());
  const size_t offset = page->offset;

  const std::vector<std::string> counties = tree->Counties();
  std::vector<int> reasons(request->reasons().begin(), request->reasons().end());
  pqxx::result rows;
  absl::Status status = store::RunReadOnly(pool_, [&](pqxx::transaction_base& tx) {
    rows = store::Exec(
        tx, "lag_page", kLaggingPage, absl::StrCat("{", absl::StrJoin(counties, ","), "}"), as_of,
        request->min_planned_investment_fen(),
        absl::StrCat("{", absl::StrJoin(request->industry_codes(), ","), "}"), threshold, silent,
        store::NumberArray(reasons), static_cast<int>(request->order_by()),
        static_cast<int64_t>(offset + *page_size + 1));
    return absl::OkStatus();
  });
  if (!status.ok()) return Fail(status);
  const size_t end = std::min(rows.size(), offset + static_cast<size_t>(*page_size));
  for (size_t i = offset; i < end; ++i) *response->add_projects() = ToMessage(rows[i], ref);
  response->set_as_of_period(PeriodOf(as_of));
  if (end < rows.size()) {
    response->set_next_page_token(page->TokenAt(end));
  }
  return grpc::Status::OK;
}

}  // namespace techreno::monitoring
