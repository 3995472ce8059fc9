// techreno compliance --from= --to= [--region=]: reporting compliance per
// region over a period range — the root, then each city followed by its
// counties — as the reports expected, received, missing, late and corrected,
// and the score the province ranks counties by.
#include <iostream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "clients/cli/client.h"
#include "clients/cli/commands.h"
#include "clients/cli/format.h"
#include "clients/cli/paging.h"
#include "clients/cli/table_output.h"
#include "techreno/v1/monitoring.grpc.pb.h"

namespace techreno::cli {
namespace {

constexpr int32_t kCompliancePageSize = 500;  // the contract's upper bound

// Indented two spaces per tier below the root's, so cities and their counties
// read as a tree.
std::vector<std::string> ComplianceRow(const v1::RegionCompliance& r, int root_tier) {
  const int depth = r.tier() > root_tier ? r.tier() - root_tier : 0;
  const v1::MonthCompliance& t = r.total();
  return {absl::StrCat(std::string(2 * static_cast<size_t>(depth), ' '),
                       RegionLabel(r.region(), r.region().code())),
          absl::StrCat(t.expected()),
          absl::StrCat(t.reported()),
          absl::StrCat(t.missing()),
          absl::StrCat(t.late()),
          absl::StrCat(t.corrected()),
          absl::StrFormat("%.1f", r.score())};
}

}  // namespace

int ShowCompliance(const GlobalOptions& options, const std::string& from, const std::string& to,
                   const std::string& region) {
  if (from.empty() || to.empty()) {
    std::cerr << "error: compliance needs --from=YYYY-MM and --to=YYYY-MM\n";
    return kExitUsage;
  }
  v1::GetReportingComplianceRequest request;
  request.set_from_period(from);
  request.set_to_period(to);
  request.set_region_code(region);
  request.set_page_size(kCompliancePageSize);
  const bool json = options.format == OutputFormat::kJson;
  auto stub = NewMonitoringStub(options);
  Table table({"region", "expected", "reported", "missing", "late", "corrected", "score"});
  int root_tier = -1;  // the tier of the first region listed, the root
  auto call_page = [&](grpc::ClientContext* context, const std::string& page_token) {
    request.set_page_token(page_token);
    v1::GetReportingComplianceResponse response;
    const grpc::Status status = stub->GetReportingCompliance(context, request, &response);
    if (!status.ok()) return PageResult{status, ""};
    for (const v1::RegionCompliance& r : response.regions()) {
      if (root_tier < 0) root_tier = r.tier();
      if (json) {
        std::cout << ToJsonLine(r) << "\n";
      } else {
        table.AddRow(ComplianceRow(r, root_tier));
      }
    }
    return PageResult{status, response.next_page_token()};
  };
  if (!FollowPages(options, call_page)) return kExitFailure;
  if (!json) {
    std::cout << "reporting compliance " << from << " .. " << to << "\n";
    Emit(options, table, "报送合规");
    std::cout << "score: 1 per report filed by its half-year deadline, 0.5 if late, 0 if "
                 "missing, -0.25 if corrected after the deadline; 100 x earned / expected\n";
  }
  return kExitOk;
}

}  // namespace techreno::cli
