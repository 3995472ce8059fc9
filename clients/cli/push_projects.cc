// techreno push projects FILE: the whole file as one PushProjectsChunks stream
// (see push_stream.h); stream positions are mapped back to file lines for the report.
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
#include "techreno/v1/registry.grpc.pb.h"

namespace techreno::cli {
namespace {

// What a project push shows and sends; the rest is push_stream.h's.
struct ProjectsPush {
  using Request = v1::PushProjectsRequest;
  using Response = v1::PushProjectsResponse;

  using Chunk = v1::PushProjectsChunk;

  static std::unique_ptr<grpc::ClientReaderWriter<Chunk, Response>> Open(
      v1::ProjectRegistry::Stub& stub, grpc::ClientContext* context) {
    return stub.PushProjectsChunks(context);
  }
  static v1::Project* MutableRecord(Request* request) { return request->mutable_project(); }

  static std::vector<std::string> Header() {
    return {"line",     "source_record_id", "project_code", "outcome",
            "severity", "rule_id",          "field",        "message"};
  }
  static std::vector<std::string> LocalCells(const v1::Project& partial, const RowError& e) {
    return {absl::StrCat(e.line),
            partial.source_record_id(),
            partial.project_code(),
            "NOT_SENT",
            "FATAL",
            "cli.parse",
            e.column,
            e.message};
  }
  static std::vector<std::string> ResultCells(const v1::PushRecordResult& r,
                                              const std::string& line) {
    return {line, r.source_record_id(), r.project_code(),
            EnumShortName(*v1::Outcome_descriptor(), r.outcome())};
  }
  // The outcome column already says REJECTED.
  static constexpr const char* kBareRejectionSeverity = "";

  // The note after any failure, as this command always printed it, even for a
  // call refused before any record was read (progress push tells those apart).
  static bool MayHaveCommitted(grpc::StatusCode /*code*/) { return true; }

  static std::string Counts(const Response& response) {
    return absl::StrCat("received ", response.received(), ", accepted ", response.accepted(),
                        ", unchanged ", response.unchanged(), Replayed(response), ", rejected ",
                        response.rejected());
  }
};

}  // namespace

int PushProjects(const GlobalOptions& options, const PushFileOptions& file) {
  absl::StatusOr<Input> input =
      OpenInput(file.path, file.format_in, *v1::Project::descriptor(), options.encoding);
  if (!input.ok()) {
    std::cerr << "error: " << input.status().message() << "\n";
    return kExitUsage;
  }
  const Pushed<ProjectsPush> push =
      StreamFile<ProjectsPush>(options, *NewRegistryStub(options), *input, file.from_line);
  ReportRejects(*input, file.path, push.sent.rejected, file.rejects);
  if (ReportInterrupted(push.sent.interrupted_line, "techreno push projects " + file.path))
    return kExitFailure;
  return push.status.ok() && push.NoneRejected() ? kExitOk : kExitFailure;
}

int UpsertProject(const GlobalOptions& options, const PushFileOptions& file,
                  int64_t expected_version) {
  absl::StatusOr<Input> input =
      OpenInput(file.path, file.format_in, *v1::Project::descriptor(), options.encoding);
  if (!input.ok()) {
    std::cerr << "error: " << input.status().message() << "\n";
    return kExitUsage;
  }
  v1::UpsertProjectRequest request;
  int64_t line = 0;
  std::vector<RowError> errors;
  if (!input->reader->Next(request.mutable_project(), &line, &errors)) {
    std::cerr << "error: " << file.path << " holds no record\n";
    return kExitUsage;
  }
  for (const RowError& e : errors) std::cerr << "error: " << e.ToString() << "\n";
  if (!errors.empty()) return kExitUsage;
  v1::Project ignored;
  if (input->reader->Next(&ignored, &line, &errors)) {
    std::cerr << "error: " << file.path << " holds more than one record: use push projects\n";
    return kExitUsage;
  }
  request.set_request_id(GivenOrRandomRequestId(""));
  request.set_expected_version(expected_version);
  v1::UpsertProjectResponse response;
  auto stub = NewRegistryStub(options);
  if (!CallWrite(options, request.request_id(), [&](grpc::ClientContext* c) {
        return stub->UpsertProject(c, request, &response);
      })) {
    return kExitFailure;
  }
  for (const v1::Violation& w : response.warnings()) {
    std::cerr << "warning [" << w.rule_id() << "] " << w.field() << ": " << w.message() << "\n";
  }
  std::cerr << EnumLabel(*v1::Outcome_descriptor(), response.outcome()) << "\n";
  if (options.format == OutputFormat::kJson) {
    std::cout << ToJsonLine(response) << "\n";
    return kExitOk;
  }
  return GetProject(options, response.project().project_code());  // as stored, with names
}

}  // namespace techreno::cli
