// GetReportingCompliance: per county and month, the reports expected from the
// projects in the statistics, those received, missing, late and corrected, and
// a score; cities and the root add up their counties.
#include <google/protobuf/util/time_util.h>

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
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

using google::protobuf::util::TimeUtil;

struct ReportRow {
  int64_t version = 0, first_us = 0, updated_us = 0;
  bool late = false;
};
struct ProjectRow {
  std::string code, county, name;
  int start = 0, completion = -1;
  // (month index, report), sorted by month once loaded.
  std::vector<std::pair<int, ReportRow>> reports;
  const ReportRow* ReportIn(int month) const;
};

const ReportRow* ProjectRow::ReportIn(int month) const {
  auto it = std::lower_bound(reports.begin(), reports.end(), month,
                             [](const auto& entry, int m) { return entry.first < m; });
  return it != reports.end() && it->first == month ? &it->second : nullptr;
}

// The projects in the statistics of `counties` with their reports for the
// months first..last (and the month after: a February covering January), for
// listing issues.
std::vector<ProjectRow> LoadProjects(pqxx::transaction_base& tx,
                                     const std::vector<std::string>& counties, int first,
                                     int last) {
  std::vector<ProjectRow> projects;
  absl::flat_hash_map<std::string, size_t> position;  // code → index in `projects`
  const std::string county_array = absl::StrCat("{", absl::StrJoin(counties, ","), "}");
  for (const auto& row : store::Exec(tx, "cmp_projects",
                                     "SELECT f.project_code, f.county_code, p.name, f.start_index, "
                                     "f.completion_index FROM monitoring_project_facts f "
                                     "JOIN v_projects p USING (project_code) "
                                     "WHERE f.county_code = ANY ($1::text[]) AND f.in_statistics",
                                     county_array)) {
    position.emplace(row[0].c_str(), projects.size());
    projects.push_back(
        {row[0].c_str(), row[1].c_str(), row[2].c_str(), row[3].as<int>(), row[4].as<int>(), {}});
  }
  for (const auto& row :
       store::Exec(tx, "cmp_reports",
                   "SELECT project_code, period_index, covers_january, late, version, "
                   "(extract(epoch from first_submit_at) * 1000000)::bigint, "
                   "(extract(epoch from updated_at) * 1000000)::bigint FROM monitoring_reports "
                   "WHERE county_code = ANY ($1::text[]) AND period_index BETWEEN $2 AND $3",
                   county_array, first, last + 1)) {
    ReportRow report{row[4].as<int64_t>(), row[5].as<int64_t>(), row[6].as<int64_t>(),
                     row[3].as<bool>()};
    auto at = position.find(absl::string_view(row[0].c_str(), row[0].size()));
    if (at == position.end()) continue;  // a project outside the statistics
    auto& mine = projects[at->second].reports;
    const int index = row[1].as<int>();
    mine.emplace_back(index, report);
    if (row[2].as<bool>()) mine.emplace_back(index - 1, report);  // covers January
  }
  for (ProjectRow& p : projects) {
    std::sort(p.reports.begin(), p.reports.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
  }
  return projects;
}

void Add(v1::MonthCompliance& into, const v1::MonthCompliance& m) {
  into.set_expected(into.expected() + m.expected());
  into.set_reported(into.reported() + m.reported());
  into.set_missing(into.missing() + m.missing());
  into.set_late(into.late() + m.late());
  into.set_corrected(into.corrected() + m.corrected());
  into.set_corrected_after_deadline(into.corrected_after_deadline() + m.corrected_after_deadline());
}

double Score(const v1::MonthCompliance& t) {
  if (t.expected() == 0) return 100.0;
  const double earned =
      (t.reported() - t.late()) + 0.5 * t.late() - 0.25 * t.corrected_after_deadline();
  return 100.0 * earned / t.expected();
}

}  // namespace

grpc::Status MonitoringService::GetReportingCompliance(
    grpc::ServerContext* context, const v1::GetReportingComplianceRequest* request,
    v1::GetReportingComplianceResponse* response) {
  auto caller = rpc::AuthenticateCall(pool_, *context);
  if (!caller.ok()) return rpc::ToGrpcStatus(caller.status());
  auto months = MakeBuckets(v1::GRANULARITY_MONTH, request->from_period(), request->to_period());
  if (!months.ok()) return rpc::ToGrpcStatus(months.status());
  if (months->size() > 36) {
    return rpc::ToGrpcStatus(rpc::InvalidField("to_period", "at most 36 months"));
  }
  if (CurrentPeriod(options_.clock()).Index() < months->back().last) {
    return rpc::ToGrpcStatus(rpc::InvalidField("to_period", "must not be in the future"));
  }
  auto tree = ScopeTree(*caller, request->region_code(), "region_code");
  if (!tree.ok()) return rpc::ToGrpcStatus(tree.status());
  auto page_size = rpc::ResolvePageSize(request->page_size(), 200, 500);
  if (!page_size.ok()) return rpc::ToGrpcStatus(page_size.status());
  auto max_issues = rpc::ResolvePageSize(request->max_issues_per_region(), 100, 1000);
  if (!max_issues.ok()) {
    return rpc::ToGrpcStatus(rpc::InvalidField("max_issues_per_region", "1-1000; 0 means 100"));
  }
  auto page = rpc::ResolveOffsetPage(*request, caller->id);
  if (!page.ok()) return rpc::ToGrpcStatus(page.status());
  const size_t offset = page->offset;

  const int first = months->front().first, last = months->back().last;
  const std::vector<ScopeNode>& nodes = tree->nodes();
  const size_t end = std::min(nodes.size(), offset + static_cast<size_t>(*page_size));
  // Issues are listed on county-level rows (Dongguan and Zhongshan are cities
  // acting as counties) of this page only.
  auto lists_issues = [&](const ScopeNode& node) {
    return request->include_issues() && node.counties.size() == 1 &&
           node.counties.front() == node.region->code;
  };
  std::vector<std::string> issue_counties;
  for (size_t n = offset; n < end; ++n) {
    if (lists_issues(nodes[n])) issue_counties.push_back(nodes[n].region->code);
  }
  auto blank_months = [&](const std::set<std::string>& locked) {
    std::vector<v1::MonthCompliance> out;
    for (const Bucket& m : *months) {
      v1::MonthCompliance& mc = out.emplace_back();
      mc.set_period(PeriodOf(m.first));
      mc.set_locked(locked.count(mc.period()) > 0);
      *mc.mutable_deadline() = TimeUtil::MicrosecondsToTimestamp(
          absl::ToUnixMicros(DeadlineEnd({m.first / 12, m.first % 12 + 1})));
    }
    return out;
  };
  const std::vector<std::string> counties = tree->Counties();
  const std::string county_array = absl::StrCat("{", absl::StrJoin(counties, ","), "}");
  // County × month figures, from the summaries (migration 0009).
  std::map<std::string, std::vector<v1::MonthCompliance>> by_county;
  std::vector<ProjectRow> projects;
  std::set<std::string> locked;
  absl::Status status = store::RunReadOnly(pool_, [&](pqxx::transaction_base& tx) {
    locked.clear();
    for (const auto& row :
         store::Exec(tx, "cmp_locks", "SELECT period FROM monitoring_period_locks WHERE locked")) {
      locked.insert(row[0].c_str());
    }
    by_county.clear();
    for (const std::string& county : counties) by_county[county] = blank_months(locked);
    for (const auto& row :
         store::Exec(tx, "cmp_summary_months",
                     "SELECT county_code, period_index, reported, late, corrected, corrected_late "
                     "FROM monitoring_summary_months WHERE dimension = 0 AND value = 0 "
                     "AND county_code = ANY ($1::text[]) AND period_index BETWEEN $2 AND $3",
                     county_array, first, last)) {
      v1::MonthCompliance& cell = by_county[row[0].c_str()][row[1].as<int>() - first];
      cell.set_reported(row[2].as<int64_t>());
      cell.set_late(row[3].as<int64_t>());
      cell.set_corrected(row[4].as<int64_t>());
      cell.set_corrected_after_deadline(row[5].as<int64_t>());
    }
    // Expected: every project in the statistics from its start month through
    // its completion month.
    for (const auto& row :
         store::Exec(tx, "cmp_summary_cohorts",
                     "SELECT county_code, start_index, completion_index, projects "
                     "FROM monitoring_summary_cohorts WHERE dimension = 0 AND value = 0 "
                     "AND county_code = ANY ($1::text[]) AND start_index <= $3 "
                     "AND (completion_index < 0 OR completion_index >= $2) AND projects <> 0",
                     county_array, first, last)) {
      auto& cells = by_county[row[0].c_str()];
      const int from = std::max(first, row[1].as<int>());
      const int completion = row[2].as<int>();
      const int to = completion < 0 ? last : std::min(last, completion);
      for (int m = from; m <= to; ++m) {
        cells[m - first].set_expected(cells[m - first].expected() + row[3].as<int64_t>());
      }
    }
    for (auto& [county, cells] : by_county) {
      for (auto& cell : cells) cell.set_missing(cell.expected() - cell.reported());
    }
    projects = issue_counties.empty() ? std::vector<ProjectRow>{}
                                      : LoadProjects(tx, issue_counties, first, last);
    return absl::OkStatus();
  });
  if (!status.ok()) return rpc::ToGrpcStatus(status);

  // The issues behind the figures of the listed counties, in the order they
  // are listed (missing, late, corrected; by period and project), keeping
  // only the first max + 1 of each county.
  auto before = [](const v1::ComplianceIssue& a, const v1::ComplianceIssue& b) {
    return std::make_tuple(a.kind(), a.period(), a.project_code()) <
           std::make_tuple(b.kind(), b.period(), b.project_code());
  };
  std::map<std::string, std::multiset<v1::ComplianceIssue, decltype(before)>> issues;
  for (const ProjectRow& p : projects) {
    for (int m = std::max(first, p.start); m <= last; ++m) {
      if (p.completion >= 0 && p.completion < m) break;
      const ReportRow* r = p.ReportIn(m);
      auto issue = [&](v1::ComplianceIssueKind kind) {
        auto& list = issues.try_emplace(p.county, before).first->second;
        v1::ComplianceIssue i;
        i.set_project_code(p.code);
        i.set_project_name(p.name);
        i.set_period(PeriodOf(m));
        i.set_kind(kind);
        if (r != nullptr) {
          *i.mutable_first_submit_time() = TimeUtil::MicrosecondsToTimestamp(r->first_us);
          *i.mutable_update_time() = TimeUtil::MicrosecondsToTimestamp(r->updated_us);
          i.set_version(r->version);
        }
        list.insert(std::move(i));
        if (static_cast<int>(list.size()) > *max_issues + 1) list.erase(std::prev(list.end()));
      };
      if (r == nullptr) {
        issue(v1::COMPLIANCE_ISSUE_KIND_MISSING);
        continue;
      }
      if (r->late) issue(v1::COMPLIANCE_ISSUE_KIND_LATE);
      if (r->version > 1) issue(v1::COMPLIANCE_ISSUE_KIND_CORRECTED);
    }
  }

  for (size_t n = offset; n < end; ++n) {
    const ScopeNode& node = nodes[n];
    v1::RegionCompliance& rc = *response->add_regions();
    rc.mutable_region()->set_code(node.region->code);
    rc.mutable_region()->set_name(node.region->name);
    rc.set_tier(node.tier);
    rc.set_parent_region_code(node.parent);
    std::vector<v1::MonthCompliance> cells = blank_months(locked);
    for (const std::string& county : node.counties) {
      for (size_t i = 0; i < cells.size(); ++i) Add(cells[i], by_county[county][i]);
    }
    v1::MonthCompliance total;
    for (auto& cell : cells) {
      Add(total, cell);
      *rc.add_months() = std::move(cell);
    }
    rc.set_score(Score(total));
    *rc.mutable_total() = std::move(total);
    if (lists_issues(node)) {
      auto found = issues.find(node.region->code);
      int listed = 0;
      if (found != issues.end()) {
        for (const auto& issue : found->second) {
          if (listed++ == *max_issues) break;
          *rc.add_issues() = issue;
        }
      }
      rc.set_issues_truncated(found != issues.end() &&
                              static_cast<int>(found->second.size()) > *max_issues);
    }
  }
  if (end < nodes.size()) {
    response->set_next_page_token(page->TokenAt(end));
  }
  return grpc::Status::OK;
}

}  // namespace techreno::monitoring
