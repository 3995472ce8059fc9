// techreno push projects FILE: the whole file as one PushProjects stream.
//
// Records that cannot be parsed are reported here and never sent; the rest go
// out one by one while the file is read, so memory stays flat however large
// the file. The server answers once, with an outcome per streamed record;
// stream positions are mapped back to file lines for the report.
#include <algorithm>
#include <iostream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "clients/cli/client.h"
#include "clients/cli/commands.h"
#include "clients/cli/format.h"
#include "clients/cli/read_meter.h"
#include "clients/cli/record_reader.h"
#include "techreno/v1/registry.grpc.pb.h"

namespace techreno::cli {
namespace {

// One line of the findings table, kept with its file line for sorting.
struct Finding {
  int64_t line;
  std::vector<std::string> cells;
};

std::vector<Finding> LocalFindings(const v1::Project& partial,
                                   const std::vector<RowError>& errors) {
  std::vector<Finding> out;
  for (const RowError& e : errors) {
    out.push_back({e.line,
                   {absl::StrCat(e.line), partial.source_record_id(), partial.project_code(),
                    "NOT_SENT", "FATAL", "cli.parse", e.column, e.message}});
  }
  return out;
}

// Rejected records and records with warnings, from the server's answer.
std::vector<Finding> ServerFindings(const v1::PushProjectsResponse& response,
                                    const std::vector<int64_t>& lines) {
  std::vector<Finding> out;
  for (const v1::PushRecordResult& r : response.results()) {
    if (r.outcome() != v1::OUTCOME_REJECTED && r.violations().empty()) continue;
    const bool known = r.index() >= 0 && r.index() < static_cast<int64_t>(lines.size());
    const int64_t line = known ? lines[r.index()] : -1;
    const std::string outcome = EnumShortName(*v1::Outcome_descriptor(), r.outcome());
    std::vector<std::string> head = {known ? absl::StrCat(line) : "?", r.source_record_id(),
                                     r.project_code(), outcome};
    if (r.violations().empty()) {  // not expected, but a rejection must show up
      std::vector<std::string> cells = head;
      cells.insert(cells.end(), {"", "", "", ""});
      out.push_back({line, std::move(cells)});
    }
    for (const v1::Violation& v : r.violations()) {
      std::vector<std::string> cells = head;
      cells.insert(cells.end(), {EnumShortName(*v1::Severity_descriptor(), v.severity()),
                                 v.rule_id(), v.field(), v.message()});
      out.push_back({line, std::move(cells)});
    }
  }
  return out;
}

void PrintFindings(std::vector<Finding> findings, std::ostream& out) {
  if (findings.empty()) return;
  std::stable_sort(findings.begin(), findings.end(),
                   [](const Finding& a, const Finding& b) { return a.line < b.line; });
  Table table({"line", "source_record_id", "project_code", "outcome", "severity", "rule_id",
               "field", "message"});
  for (Finding& f : findings) table.AddRow(std::move(f.cells));
  table.Print(out);
  out << "\n";
}

}  // namespace

int PushProjects(const GlobalOptions& options, const std::string& path,
                 const std::string& format_in) {
  absl::StatusOr<Input> input = OpenInput(path, format_in, *v1::Project::descriptor());
  if (!input.ok()) {
    std::cerr << "error: " << input.status().message() << "\n";
    return kExitUsage;
  }
  auto stub = NewRegistryStub(options);
  grpc::ClientContext context;
  PrepareContext(options, absl::InfiniteDuration(), &context);  // large files take long
  v1::PushProjectsResponse response;
  auto writer = stub->PushProjects(&context, &response);

  std::vector<int64_t> lines;  // stream index -> file line
  std::vector<Finding> findings;
  int64_t local_rejects = 0;
  ReadMeter meter;
  v1::PushProjectsRequest request;
  int64_t line = 0;
  std::vector<RowError> errors;
  bool stream_open = true;
  for (int64_t read = 1; input->reader->Next(request.mutable_project(), &line, &errors); ++read) {
    meter.Record(read);
    if (!errors.empty()) {
      ++local_rejects;
      for (Finding& f : LocalFindings(request.project(), errors)) findings.push_back(std::move(f));
      continue;
    }
    // false: the server ended the call early; Finish() below says why.
    if (!writer->Write(request)) {
      stream_open = false;
      break;
    }
    lines.push_back(line);
  }
  meter.Waiting(static_cast<int64_t>(lines.size()) + local_rejects);
  if (stream_open) writer->WritesDone();
  const grpc::Status status = writer->Finish();

  const bool json = options.format == OutputFormat::kJson;
  std::ostream& report = json ? std::cerr : std::cout;  // stdout holds only JSON then
  if (status.ok()) {
    for (Finding& f : ServerFindings(response, lines)) findings.push_back(std::move(f));
  }
  PrintFindings(std::move(findings), report);
  if (!status.ok()) {
    ReportRpcError(options, status);
    std::cerr << "note: batches committed before the failure stay committed; pushing the whole "
                 "file again is safe (identical records come back UNCHANGED)\n";
    if (local_rejects > 0) std::cerr << local_rejects << " records were rejected locally\n";
    return kExitFailure;
  }
  if (json) std::cout << ToJsonLine(response) << "\n";
  report << "received " << response.received() << ", accepted " << response.accepted()
         << ", unchanged " << response.unchanged() << ", rejected " << response.rejected();
  if (local_rejects > 0) report << ", rejected locally " << local_rejects << " (not sent)";
  report << "\n";
  return response.rejected() == 0 && local_rejects == 0 ? kExitOk : kExitFailure;
}

}  // namespace techreno::cli
