// techreno progress push FILE: the whole file as one PushProgressChunks
// stream (see push_stream.h).
//
// Each chunk's answer means its records are committed: when the call fails,
// the command says from which line to go on, and --from_line=L pushes only
// the records from there.
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "clients/cli/client.h"
#include "clients/cli/commands.h"
#include "clients/cli/push_stream.h"
#include "clients/cli/record_reader.h"
#include "clients/cli/records.h"
#include "techreno/v1/monitoring.grpc.pb.h"

namespace techreno::cli {
namespace {

// What a progress push shows and sends; the rest is push_stream.h's.
struct ProgressPush {
  using Request = v1::PushProgressRequest;
  using Response = v1::PushProgressResponse;

  using Chunk = v1::PushProgressChunk;

  static std::unique_ptr<grpc::ClientReaderWriter<Chunk, Response>> Open(
      v1::InvestmentMonitoring::Stub& stub, grpc::ClientContext* context) {
    return stub.PushProgressChunks(context);
  }
  static v1::ProgressReport* MutableRecord(Request* request) { return request->mutable_report(); }

  static std::vector<std::string> Header() {
    return {"line", "project_code", "period", "severity", "rule_id", "field", "message"};
  }
  static std::vector<std::string> LocalCells(const v1::ProgressReport& partial, const RowError& e) {
    return {absl::StrCat(e.line),
            partial.project_code(),
            partial.period(),
            "NOT_SENT",
            "cli.parse",
            e.column,
            e.message};
  }
  static std::vector<std::string> ResultCells(const v1::ProgressRecordResult& r,
                                              const std::string& line) {
    return {line, r.project_code(), r.period()};
  }
  // No outcome column: the severity cell says it.
  static constexpr const char* kBareRejectionSeverity = "REJECTED";

  // Not when the call was refused as a whole before any record was read.
  static bool MayHaveCommitted(grpc::StatusCode code) {
    return code != grpc::StatusCode::UNIMPLEMENTED && code != grpc::StatusCode::UNAUTHENTICATED &&
           code != grpc::StatusCode::PERMISSION_DENIED;
  }

  static std::string Counts(const Response& response) {
    return absl::StrCat("received ", response.received(), ", accepted ", response.accepted(),
                        " (corrected ", response.corrected(), "), unchanged ", response.unchanged(),
                        Replayed(response), ", rejected ", response.rejected());
  }
};

}  // namespace

int PushProgress(const GlobalOptions& options, const PushFileOptions& file) {
  const std::string& path = file.path;
  absl::StatusOr<Input> input =
      OpenInput(path, file.format_in, *v1::ProgressReport::descriptor(), options.encoding);
  if (!input.ok()) {
    std::cerr << "error: " << input.status().message() << "\n";
    return kExitUsage;
  }
  const Pushed<ProgressPush> push =
      StreamFile<ProgressPush>(options, *NewMonitoringStub(options), *input, file.from_line);
  ReportRejects(*input, path, push.sent.rejected, file.rejects);
  if (ReportInterrupted(push.sent.interrupted_line, "techreno progress push " + path))
    return kExitFailure;
  if (!push.status.ok()) {
    // Every chunk answered was committed: the rest can go in a new push.
    if (const int64_t next = FirstUnansweredLine(push.response.received(), push.sent); next > 0) {
      std::cerr << "the records from line " << next
                << " on were not committed; push them with:\n  techreno progress push " << path
                << " --from_line=" << next << "\n";
    }
    return kExitFailure;
  }
  return push.NoneRejected() ? kExitOk : kExitFailure;
}

}  // namespace techreno::cli
