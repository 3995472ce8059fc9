// techreno list projects / techreno history CODE: paged reads, followed page
// by page (the server bounds every page) until the wanted number of rows.
#include <algorithm>
#include <iostream>
#include <string>

#include "absl/strings/str_cat.h"
#include "clients/cli/client.h"
#include "clients/cli/commands.h"
#include "clients/cli/format.h"
#include "clients/cli/paging.h"
#include "clients/cli/records.h"
#include "clients/cli/table_output.h"
#include "techreno/v1/registry.grpc.pb.h"

namespace techreno::cli {
namespace {

constexpr int64_t kMaxPageSize = 1000;  // the contract's upper bound
constexpr int32_t kHistoryPageSize = 100;

// The request's filters from the command line; false (after saying why) when
// one of them does not parse.
bool BuildFilter(const ListProjectsOptions& list, v1::ListProjectsRequest* request) {
  request->set_county_code(list.county);
  request->set_city_code(list.city);
  request->set_industry_code(list.industry);
  request->set_enterprise_credit_code(list.enterprise);
  bool ok = true;
  auto fail = [&ok](const std::string& flag, const absl::Status& s) {
    std::cerr << "error: --" << flag << ": " << s.message() << "\n";
    ok = false;
  };
  if (!list.status.empty()) {
    absl::StatusOr<int> v = ParseEnumName(*v1::ProjectStatus_descriptor(), list.status);
    if (v.ok()) {
      request->set_status(static_cast<v1::ProjectStatus>(*v));
    } else {
      fail("status", v.status());
    }
  }
  if (!list.renovation_type.empty()) {
    absl::StatusOr<int> v = ParseEnumName(*v1::RenovationType_descriptor(), list.renovation_type);
    if (v.ok()) {
      request->set_renovation_type(static_cast<v1::RenovationType>(*v));
    } else {
      fail("renovation_type", v.status());
    }
  }
  // Amounts are typed in 万元 like everywhere people see money.
  if (!list.min_planned_wan.empty()) {
    absl::StatusOr<int64_t> v = ParseWanToFen(list.min_planned_wan);
    if (v.ok()) {
      request->set_min_planned_investment_fen(*v);
    } else {
      fail("min_planned_wan", v.status());
    }
  }
  if (!list.max_planned_wan.empty()) {
    absl::StatusOr<int64_t> v = ParseWanToFen(list.max_planned_wan);
    if (v.ok()) {
      request->set_max_planned_investment_fen(*v);
    } else {
      fail("max_planned_wan", v.status());
    }
  }
  return ok;
}

void AddProjectRow(Table& table, const v1::Project& p) {
  table.AddRow({p.project_code(), RegionLabel(p.county(), p.county_code()),
                IndustryLabel(p.industry_code(), p.industry_name()), p.name(),
                FormatWanNumber(p.planned_investment_fen()),
                EnumLabel(*v1::ProjectStatus_descriptor(), p.status()), absl::StrCat(p.version())});
}

}  // namespace

int ListProjects(const GlobalOptions& options, const ListProjectsOptions& list) {
  v1::ListProjectsRequest request;
  if (!BuildFilter(list, &request)) return kExitUsage;
  if (!list.all && list.limit <= 0) {
    std::cerr << "error: --limit must be positive (or use --all)\n";
    return kExitUsage;
  }
  const bool json = options.format == OutputFormat::kJson;
  auto stub = NewRegistryStub(options);
  Table table(
      {"project_code", "county", "industry", "name", "planned (万元)", "status", "version"});
  int64_t shown = 0;
  auto call_page = [&](grpc::ClientContext* context, const std::string& page_token) {
    const int64_t wanted = list.all ? kMaxPageSize : std::min(kMaxPageSize, list.limit - shown);
    request.set_page_size(static_cast<int32_t>(wanted));
    request.set_page_token(page_token);
    v1::ListProjectsResponse response;
    const grpc::Status status = stub->ListProjects(context, request, &response);
    if (!status.ok()) return PageResult{status, ""};
    for (const v1::Project& p : response.projects()) {
      if (!list.all && shown == list.limit) break;
      if (json) {
        std::cout << ToJsonLine(p) << "\n";  // as they come: --all may be large
      } else {
        AddProjectRow(table, p);
      }
      ++shown;
    }
    return PageResult{status, response.next_page_token()};
  };
  auto want_more = [&] { return list.all || shown < list.limit; };
  std::string unread;
  if (!FollowPages(options, call_page, want_more, &unread)) return kExitFailure;

  if (!json) {
    Emit(options, table, "项目清单");
    std::cout << shown << (shown == 1 ? " project" : " projects") << "\n";
  }
  if (!unread.empty()) {
    std::cerr << "more projects may match: raise --limit or use --all\n";
  }
  return kExitOk;
}

int ShowHistory(const GlobalOptions& options, const std::string& project_code) {
  const bool json = options.format == OutputFormat::kJson;
  auto stub = NewRegistryStub(options);
  v1::GetProjectHistoryRequest request;
  request.set_project_code(project_code);
  request.set_page_size(kHistoryPageSize);
  Table table({"version", "time", "changed_by", "change_kind", "request_id"});
  auto call_page = [&](grpc::ClientContext* context, const std::string& page_token) {
    request.set_page_token(page_token);
    v1::GetProjectHistoryResponse response;
    const grpc::Status status = stub->GetProjectHistory(context, request, &response);
    if (!status.ok()) return PageResult{status, ""};
    // The server lists versions newest first; pages keep that order.
    for (const v1::ProjectVersion& v : response.versions()) {
      if (json) {
        std::cout << ToJsonLine(v) << "\n";
      } else {
        table.AddRow({absl::StrCat(v.version()), FormatTime(v.change_time()), v.changed_by(),
                      v.change_kind(), v.request_id()});
      }
    }
    return PageResult{status, response.next_page_token()};
  };
  if (!FollowPages(options, call_page)) return kExitFailure;
  if (!json) Emit(options, table, "项目历史");
  return kExitOk;
}

}  // namespace techreno::cli
