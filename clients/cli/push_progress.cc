// techreno progress push FILE: the whole file as one PushProgress stream.
//
// As push projects: records that cannot be parsed are reported here and never
// sent, the rest stream out while the file is read, and the server's one
// answer is mapped back to file lines. The server stops reading at its
// per-stream limit (about a million records, or an answer of about 96 MB) and
// answers what it read; the command then says from which line to go on, and
// --from_line=L pushes only the records from there.
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
#include "techreno/v1/monitoring.grpc.pb.h"

namespace techreno::cli {
namespace {

// One line of the findings table, kept with its file line for sorting.
struct Finding {
  int64_t line;
  std::vector<std::string> cells;
};

std::vector<Finding> LocalFindings(const v1::ProgressReport& partial,
                                   const std::vector<RowError>& errors) {
  std::vector<Finding> out;
  for (const RowError& e : errors) {
    out.push_back({e.line,
                   {absl::StrCat(e.line), partial.project_code(), partial.period(), "NOT_SENT",
                    "cli.parse", e.column, e.message}});
  }
  return out;
}

// Rejected records and records with warnings, from the server's answer.
std::vector<Finding> ServerFindings(const v1::PushProgressResponse& response,
                                    const std::vector<int64_t>& lines) {
  std::vector<Finding> out;
  for (const v1::ProgressRecordResult& r : response.results()) {
    if (r.outcome() != v1::OUTCOME_REJECTED && r.violations().empty()) continue;
    const bool known = r.index() >= 0 && r.index() < static_cast<int64_t>(lines.size());
    const int64_t line = known ? lines[r.index()] : -1;
    const std::vector<std::string> head = {known ? absl::StrCat(line) : "?", r.project_code(),
                                           r.period()};
    if (r.violations().empty()) {  // not expected, but a rejection must show up
      std::vector<std::string> cells = head;
      cells.insert(cells.end(), {"REJECTED", "", "", ""});
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
  Table table({"line", "project_code", "period", "severity", "rule_id", "field", "message"});
  for (Finding& f : findings) table.AddRow(std::move(f.cells));
  table.Print(out);
  out << "\n";
}

// What went out on the stream, and what stayed behind.
struct Sent {
  std::vector<int64_t> lines;  // stream index -> file line
  std::vector<Finding> findings;
  int64_t local_rejects = 0;
  int64_t unsent_line = 0;  // first record not sent because the server ended the call
};

// Streams the records from `from_line` on; true when the stream stayed open.
bool SendRecords(RecordReader& reader, int64_t from_line,
                 grpc::ClientWriter<v1::PushProgressRequest>& writer, Sent* sent) {
  ReadMeter meter;
  v1::PushProgressRequest request;
  int64_t line = 0;
  int64_t read = 0;
  std::vector<RowError> errors;
  bool open = true;
  while (reader.Next(request.mutable_report(), &line, &errors)) {
    if (line < from_line) continue;  // answered by an earlier push
    meter.Record(++read);
    if (!errors.empty()) {
      ++sent->local_rejects;
      for (Finding& f : LocalFindings(request.report(), errors)) {
        sent->findings.push_back(std::move(f));
      }
      continue;
    }
    // false: the server ended the call early; Finish() says why.
    if (!writer.Write(request)) {
      sent->unsent_line = line;
      open = false;
      break;
    }
    sent->lines.push_back(line);
  }
  meter.Waiting(read);
  return open;
}

// The file line of the first record the server did not answer, or 0. At its
// per-stream limit the server answers what it read and ends the call OK, so
// fewer answers than records sent (or a write refused) is that limit.
int64_t FirstUnansweredLine(const v1::PushProgressResponse& response, const Sent& sent) {
  if (response.received() < static_cast<int64_t>(sent.lines.size())) {
    return sent.lines[response.received()];
  }
  return sent.unsent_line;
}

// Whether a failed push may have committed some batches: not when the call
// was refused as a whole before any record was read.
bool MayHaveCommitted(grpc::StatusCode code) {
  return code != grpc::StatusCode::UNIMPLEMENTED && code != grpc::StatusCode::UNAUTHENTICATED &&
         code != grpc::StatusCode::PERMISSION_DENIED;
}

void PrintSummary(const v1::PushProgressResponse& response, int64_t local_rejects,
                  std::ostream& out) {
  out << "received " << response.received() << ", accepted " << response.accepted()
      << " (corrected " << response.corrected() << "), unchanged " << response.unchanged()
      << ", rejected " << response.rejected();
  if (local_rejects > 0) out << ", rejected locally " << local_rejects << " (not sent)";
  out << "\n";
}

}  // namespace

int PushProgress(const GlobalOptions& options, const std::string& path,
                 const std::string& format_in, int64_t from_line) {
  absl::StatusOr<Input> input = OpenInput(path, format_in, *v1::ProgressReport::descriptor());
  if (!input.ok()) {
    std::cerr << "error: " << input.status().message() << "\n";
    return kExitUsage;
  }
  auto stub = NewMonitoringStub(options);
  grpc::ClientContext context;
  PrepareContext(options, absl::InfiniteDuration(), &context);  // large files take long
  v1::PushProgressResponse response;
  auto writer = stub->PushProgress(&context, &response);
  Sent sent;
  if (SendRecords(*input->reader, from_line, *writer, &sent)) writer->WritesDone();
  const grpc::Status status = writer->Finish();

  const bool json = options.format == OutputFormat::kJson;
  std::ostream& report = json ? std::cerr : std::cout;  // stdout holds only JSON then
  if (status.ok()) {
    for (Finding& f : ServerFindings(response, sent.lines)) sent.findings.push_back(std::move(f));
  }
  PrintFindings(std::move(sent.findings), report);
  if (!status.ok()) {
    ReportRpcError(options, status);
    if (MayHaveCommitted(status.error_code())) {
      std::cerr << "note: batches committed before the failure stay committed; pushing the "
                   "whole file again is safe (identical records come back UNCHANGED)\n";
    }
    if (sent.local_rejects > 0) {
      std::cerr << sent.local_rejects << " records were rejected locally\n";
    }
    return kExitFailure;
  }
  if (json) std::cout << ToJsonLine(response) << "\n";
  PrintSummary(response, sent.local_rejects, report);
  if (const int64_t next = FirstUnansweredLine(response, sent); next > 0) {
    std::cerr << "incomplete: the server stopped reading at its per-stream limit; the records "
                 "from line "
              << next << " on were not processed. Push them with:\n  techreno progress push "
              << path << " --from_line=" << next << "\n";
    return kExitFailure;
  }
  return response.rejected() == 0 && sent.local_rejects == 0 ? kExitOk : kExitFailure;
}

}  // namespace techreno::cli
