// techreno lagging: projects that trail a straight-line schedule or stopped
// reporting, worst gap first, with the figures behind each verdict so a county
// can tell "slow" from "silent".
#include <algorithm>
#include <iostream>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "clients/cli/client.h"
#include "clients/cli/commands.h"
#include "clients/cli/format.h"
#include "clients/cli/paging.h"
#include "clients/cli/table_output.h"
#include "techreno/v1/monitoring.grpc.pb.h"

namespace techreno::cli {
namespace {

constexpr int64_t kMaxPageSize = 1000;  // the contract's upper bound

// The criteria from the flags; absent ones keep the server's defaults (20
// points, 3 months). False (after saying why) when one does not parse.
bool BuildCriteria(const LaggingOptions& lagging, v1::ListLaggingProjectsRequest* request) {
  request->set_region_code(lagging.region);
  request->set_as_of_period(lagging.as_of);
  if (!lagging.threshold.empty()) {
    double points;
    if (!absl::SimpleAtod(lagging.threshold, &points)) {
      std::cerr << "error: --threshold: '" << lagging.threshold
                << "' is not a number of percentage points\n";
      return false;
    }
    request->set_threshold_points(points);
  }
  if (!lagging.months.empty()) {
    int32_t months;
    if (!absl::SimpleAtoi(lagging.months, &months)) {
      std::cerr << "error: --months: '" << lagging.months << "' is not a whole number\n";
      return false;
    }
    request->set_months_without_report(months);
  }
  if (!lagging.all && lagging.limit <= 0) {
    std::cerr << "error: --limit must be positive (or use --all)\n";
    return false;
  }
  return true;
}

std::string Reasons(const v1::LaggingProject& p) {
  std::vector<std::string> labels;
  for (int r : p.reasons()) labels.push_back(EnumLabel(*v1::LaggingReason_descriptor(), r));
  return absl::StrJoin(labels, ", ");
}

std::vector<std::string> LaggingRow(const v1::LaggingProject& p) {
  return {p.project_code(),
          p.project_name(),
          RegionLabel(p.county(), p.county().code()),
          FormatWanNumber(p.planned_investment_fen()),
          FormatWanNumber(p.completed_fen()),
          absl::StrFormat("%.1f", p.completed_pct()),
          absl::StrFormat("%.1f", p.expected_pct()),
          absl::StrFormat("%.1f", p.gap_points()),
          p.last_reported_period().empty() ? "-" : p.last_reported_period(),
          absl::StrCat(p.months_without_report()),
          Reasons(p)};
}

}  // namespace

int ListLagging(const GlobalOptions& options, const LaggingOptions& lagging) {
  v1::ListLaggingProjectsRequest request;
  if (!BuildCriteria(lagging, &request)) return kExitUsage;
  const bool json = options.format == OutputFormat::kJson;
  auto stub = NewMonitoringStub(options);
  Table table({"project_code", "name", "county", "planned (万元)", "completed (万元)", "done %",
               "expected %", "gap (pts)", "last report", "months silent", "reasons"});
  int64_t shown = 0;
  std::string as_of;
  auto call_page = [&](grpc::ClientContext* context, const std::string& page_token) {
    const int64_t wanted =
        lagging.all ? kMaxPageSize : std::min(kMaxPageSize, lagging.limit - shown);
    request.set_page_size(static_cast<int32_t>(wanted));
    request.set_page_token(page_token);
    v1::ListLaggingProjectsResponse response;
    const grpc::Status status = stub->ListLaggingProjects(context, request, &response);
    if (!status.ok()) return PageResult{status, ""};
    as_of = response.as_of_period();
    for (const v1::LaggingProject& p : response.projects()) {
      if (!lagging.all && shown == lagging.limit) break;
      if (json) {
        std::cout << ToJsonLine(p) << "\n";
      } else {
        table.AddRow(LaggingRow(p));
      }
      ++shown;
    }
    return PageResult{status, response.next_page_token()};
  };
  auto want_more = [&] { return lagging.all || shown < lagging.limit; };
  std::string unread;
  if (!FollowPages(options, call_page, want_more, &unread)) return kExitFailure;

  if (!json) {
    std::cout << "lagging projects as of " << as_of << " (worst gap first)\n";
    Emit(options, table, "滞后项目");
    std::cout << shown << (shown == 1 ? " project" : " projects") << "\n";
  }
  if (!unread.empty()) std::cerr << "more projects may lag: raise --limit or use --all\n";
  return kExitOk;
}

}  // namespace techreno::cli
