// techreno progress submit: one progress report (one project, one month) typed
// on the command line, answered with the stored report and its computed
// totals, so a county can check a figure before its bulk push.
#include <iostream>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "clients/cli/choices.h"
#include "clients/cli/client.h"
#include "clients/cli/commands.h"
#include "clients/cli/format.h"
#include "clients/cli/records.h"
#include "clients/cli/table_output.h"
#include "techreno/v1/monitoring.grpc.pb.h"

namespace techreno::cli {
namespace {

using Fields = std::vector<std::pair<std::string, std::string>>;

// The report from the flags; false (after saying why) when one does not parse.
// Range checks (period, split sum, status) are the server's: its messages name
// the rule and both figures.
bool BuildReport(const SubmitProgressOptions& submit, v1::ProgressReport* report) {
  if (submit.project.empty() || submit.period.empty() || submit.completed_wan.empty()) {
    std::cerr << "error: progress submit needs --project=CODE --period=YYYY-MM "
                 "--completed_wan=N\n";
    return false;
  }
  report->set_project_code(submit.project);
  report->set_period(submit.period);
  report->set_covers_january(submit.covers_january);
  report->set_note(submit.note);
  // split is created by the first part given: without any, it stays unset and
  // the server names the missing split rather than a split of zeros.
  auto split = [report] { return report->mutable_split(); };
  bool ok = WanFlag("completed_wan", submit.completed_wan,
                    [&](int64_t f) { report->set_completed_investment_fen(f); });
  ok &= WanFlag("building_wan", submit.building_wan,
                [&](int64_t f) { split()->set_building_works_fen(f); });
  ok &= WanFlag("installation_wan", submit.installation_wan,
                [&](int64_t f) { split()->set_installation_fen(f); });
  ok &= WanFlag("equipment_wan", submit.equipment_wan,
                [&](int64_t f) { split()->set_equipment_tools_fen(f); });
  ok &= WanFlag("other_wan", submit.other_wan, [&](int64_t f) { split()->set_other_fen(f); });
  if (!submit.status.empty()) {
    absl::StatusOr<int> v = ParseEnumName(*v1::ProjectStatus_descriptor(), submit.status);
    if (v.ok()) {
      report->set_status(static_cast<v1::ProjectStatus>(*v));
    } else {
      std::cerr << "error: --status: " << v.status().message() << "\n";
      ok = false;
    }
  }
  return ok;
}

std::string YesNo(bool value) { return value ? "是 yes" : "否 no"; }

Fields ReportFields(const v1::SubmitProgressResponse& response) {
  const v1::ProgressReport& r = response.report();
  const v1::InvestmentSplit& s = r.split();
  Fields f = {
      {"project_code", r.project_code()},
      {"project_name", r.project_name()},
      {"county", RegionLabel(r.county(), r.county().code())},
      {"period", r.covers_january() ? absl::StrCat(r.period(), " (with January)") : r.period()},
      {"completed", FormatWan(r.completed_investment_fen())},
      {"  building_works", FormatWan(s.building_works_fen())},
      {"  installation", FormatWan(s.installation_fen())},
      {"  equipment_tools", FormatWan(s.equipment_tools_fen())},
      {"  other", FormatWan(s.other_fen())},
      {"status", EnumLabel(*v1::ProjectStatus_descriptor(), r.status())},
      {"ytd_completed", FormatWan(r.ytd_completed_fen())},
      {"since_start_completed", FormatWan(r.since_start_completed_fen())},
      {"version", absl::StrCat(r.version())},
      {"late", YesNo(r.late())},
      {"corrected", YesNo(response.corrected())},
      {"outcome", EnumLabel(*v1::Outcome_descriptor(), response.outcome())},
      {"submitted_by", r.submitted_by()},
      {"first_submit_time", FormatTime(r.first_submit_time())},
      {"update_time", FormatTime(r.update_time())},
  };
  if (!r.note().empty()) f.emplace_back("note", r.note());
  return f;
}

}  // namespace

int SubmitProgress(const GlobalOptions& options, const SubmitProgressOptions& submit) {
  v1::SubmitProgressRequest request;
  if (!BuildReport(submit, request.mutable_report())) return kExitUsage;
  request.set_request_id(GivenOrRandomRequestId(submit.request_id));
  auto stub = NewMonitoringStub(options);
  grpc::ClientContext context;
  PrepareContext(options, kCallTimeout, &context);
  v1::SubmitProgressResponse response;
  const grpc::Status status = stub->SubmitProgress(&context, request, &response);
  if (!status.ok()) {
    ReportWriteError(options, status, request.request_id());
    return kExitFailure;
  }
  const bool json = options.format == OutputFormat::kJson;
  if (json) {
    std::cout << ToJsonLine(response) << "\n";
  } else {
    EmitFields(options, ReportFields(response), "进度报告");
  }
  std::ostream& report = json ? std::cerr : std::cout;  // stdout holds only JSON then
  for (const v1::Violation& w : response.warnings()) {
    report << "warning [" << w.rule_id() << "] " << w.field() << ": " << w.message() << "\n";
  }
  return kExitOk;
}

}  // namespace techreno::cli
