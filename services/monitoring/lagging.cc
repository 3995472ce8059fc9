// ListLaggingProjects: projects whose completed investment trails a straight
// line from start to planned completion by more than a threshold, or that
// have stopped reporting, within the caller's scope, ordered by the gap.
#include <algorithm>
#include <cstring>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "libs/codes/text.h"
#include "libs/rpc/call.h"
#include "libs/rpc/page_token.h"
#include "libs/rpc/status.h"
#include "libs/store/reference_data.h"
#include "libs/store/transaction.h"
#include "services/monitoring/buckets.h"
#include "services/monitoring/monitoring_service.h"
#include "services/monitoring/report_rules.h"
#include "services/monitoring/scope_tree.h"

namespace techreno::monitoring {
namespace {

grpc::Status Fail(const absl::Status& status) { return rpc::ToGrpcStatus(status); }

// One candidate's schedule figures. Every project in scope is measured, but
// only the page's rows become messages (building all of them took most of a
// call's time when many projects lag).
struct Lag {
  explicit Lag(pqxx::row r) : row(std::move(r)) {}
  pqxx::row row;  // the query's row (see the columns below)
  int start = 0;
  int64_t planned = 0, completed = 0, expected = 0;
  int last_reported = -1;  // period index, -1 when never
  int months_silent = 0;
  double gap_points = 0;
  std::vector<v1::LaggingReason> reasons;
};

v1::LaggingProject ToMessage(const Lag& lag, const store::ReferenceData& ref) {
  const pqxx::row& row = lag.row;
  v1::LaggingProject p;
  p.set_project_code(row[0].c_str());
  p.set_project_name(row[1].c_str());
  p.set_enterprise_name(row[2].c_str());
  const std::string county = row[3].c_str();
  if (const auto* c = ref.regions.Find(county)) {
    p.mutable_county()->set_code(c->code);
    p.mutable_county()->set_name(c->name);
    if (const auto* city = ref.regions.Find(ref.regions.CityOf(county))) {
      p.mutable_city()->set_code(city->code);
      p.mutable_city()->set_name(city->name);
    }
  }
  const std::string industry = row[4].c_str();
  p.set_industry_code(industry);
  if (const auto* i = ref.industries.Find(industry)) p.set_industry_name(i->name);
  p.set_status(static_cast<v1::ProjectStatus>(row[5].as<int>()));
  p.set_start_period(row[6].c_str());
  p.set_planned_completion_period(row[7].c_str());
  p.set_planned_investment_fen(lag.planned);
  p.set_completed_fen(lag.completed);
  p.set_expected_fen(lag.expected);
  p.set_gap_fen(lag.expected - lag.completed);
  p.set_completed_pct(100.0 * lag.completed / lag.planned);
  p.set_expected_pct(100.0 * lag.expected / lag.planned);
  p.set_gap_points(lag.gap_points);
  if (lag.last_reported >= 0) p.set_last_reported_period(PeriodOf(lag.last_reported));
  p.set_months_without_report(lag.months_silent);
  for (v1::LaggingReason reason : lag.reasons) p.add_reasons(reason);
  return p;
}

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
  std::vector<Lag> lagging;
  absl::Status status = store::RunReadOnly(pool_, [&](pqxx::transaction_base& tx) {
    lagging.clear();
    // Active projects in the statistics with their totals through as_of and
    // their last report; completed ones (in the registry or by a report) are out.
    pqxx::result rows = store::Exec(
        tx, "lag_projects",
        "SELECT p.project_code, p.name, e.name, p.county_code, p.industry_code, p.status, "
        "p.start_period, p.planned_completion_period, p.planned_investment_fen, "
        "coalesce(sum(r.completed_fen) FILTER (WHERE r.period_index <= $2), 0)::bigint, "
        "max(r.period_index) FILTER (WHERE r.period_index <= $2) "
        "FROM v_projects p JOIN v_enterprises e ON e.credit_code = p.enterprise_credit_code "
        "LEFT JOIN monitoring_reports r ON r.project_code = p.project_code "
        "WHERE p.county_code = ANY ($1::text[]) AND p.planned_investment_fen >= $3 "
        "AND p.planned_investment_fen >= 500000000 AND p.status IN (1, 2, 4) "
        "AND NOT EXISTS (SELECT 1 FROM monitoring_reports d WHERE d.project_code = "
        "  p.project_code AND d.status = 3 /* COMPLETED */) "
        "GROUP BY p.project_code, p.name, e.name, p.county_code, p.industry_code, p.status, "
        "p.start_period, p.planned_completion_period, p.planned_investment_fen",
        absl::StrCat("{", absl::StrJoin(counties, ","), "}"), as_of,
        request->min_planned_investment_fen());
    for (const auto& row : rows) {
      auto start = codes::ParsePeriod(row[6].c_str());
      auto done = codes::ParsePeriod(row[7].c_str());
      if (!start.ok() || !done.ok() || start->Index() > as_of) continue;  // not started yet
      const absl::string_view industry(row[4].c_str(), row[4].size());
      if (!request->industry_codes().empty() &&
          std::none_of(request->industry_codes().begin(), request->industry_codes().end(),
                       [&](const std::string& c) {
                         return industry == c ||
                                codes::IndustryTable::DivisionOf(std::string(industry)) == c;
                       })) {
        continue;
      }
      Lag lag(row);
      lag.start = start->Index();
      lag.planned = row[8].as<int64_t>();
      lag.completed = row[9].as<int64_t>();
      const int scheduled = done->Index() - start->Index() + 1;
      const int elapsed = std::min(as_of - start->Index() + 1, scheduled);
      lag.expected = static_cast<int64_t>(static_cast<__int128>(lag.planned) * elapsed / scheduled);
      lag.gap_points = 100.0 * lag.expected / lag.planned - 100.0 * lag.completed / lag.planned;
      // Whole months since the last report, or since the start when none.
      if (!row[10].is_null()) lag.last_reported = row[10].as<int>();
      lag.months_silent = as_of - (lag.last_reported >= 0 ? lag.last_reported : lag.start);
      if (lag.gap_points > threshold) lag.reasons.push_back(v1::LAGGING_REASON_BEHIND_SCHEDULE);
      if (silent > 0 && lag.months_silent >= silent) {
        lag.reasons.push_back(v1::LAGGING_REASON_NOT_REPORTING);
      }
      const bool wanted =
          request->reasons().empty()
              ? !lag.reasons.empty()
              : std::any_of(lag.reasons.begin(), lag.reasons.end(), [&](int r) {
                  return std::count(request->reasons().begin(), request->reasons().end(), r) > 0;
                });
      if (wanted) lagging.push_back(std::move(lag));
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return Fail(status);
  auto measure = [&](const Lag& p) -> double {
    switch (request->order_by()) {
      case v1::LAGGING_ORDER_GAP_FEN:
        return static_cast<double>(p.expected - p.completed);
      case v1::LAGGING_ORDER_MONTHS_WITHOUT_REPORT:
        return p.months_silent;
      default:
        return p.gap_points;
    }
  };
  std::sort(lagging.begin(), lagging.end(), [&](const Lag& a, const Lag& b) {
    const double ma = measure(a), mb = measure(b);
    return ma != mb ? ma > mb : std::strcmp(a.row[0].c_str(), b.row[0].c_str()) < 0;
  });
  const size_t end = std::min(lagging.size(), offset + static_cast<size_t>(*page_size));
  for (size_t i = offset; i < end; ++i) *response->add_projects() = ToMessage(lagging[i], ref);
  response->set_as_of_period(PeriodOf(as_of));
  if (end < lagging.size()) {
    response->set_next_page_token(page->TokenAt(end));
  }
  return grpc::Status::OK;
}

}  // namespace techreno::monitoring
