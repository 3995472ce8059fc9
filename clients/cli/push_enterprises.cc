// techreno push enterprises FILE: one UpsertEnterprise per record.
//
// Each request_id is derived from the record's content, so running the same
// file again (after a timeout, a crash, a lost connection) changes nothing
// twice: the server answers a repeated request_id with its first answer.
#include <iostream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "clients/cli/client.h"
#include "clients/cli/commands.h"
#include "clients/cli/format.h"
#include "clients/cli/push_meter.h"
#include "clients/cli/record_reader.h"
#include "clients/cli/rejects_file.h"
#include "libs/rpc/status.h"
#include "techreno/v1/registry.grpc.pb.h"

namespace techreno::cli {
namespace {

// Failures that every following record would hit too: stop instead of
// printing the same error for each of them.
bool StopsThePush(grpc::StatusCode code) {
  return code == grpc::StatusCode::UNAUTHENTICATED || code == grpc::StatusCode::UNAVAILABLE ||
         code == grpc::StatusCode::DEADLINE_EXCEEDED ||
         code == grpc::StatusCode::RESOURCE_EXHAUSTED || code == grpc::StatusCode::UNIMPLEMENTED;
}

struct Counts {
  int64_t received = 0, accepted = 0, unchanged = 0, rejected = 0, local = 0;
};

class EnterprisePush {
 public:
  explicit EnterprisePush(const GlobalOptions& options)
      : options_(options),
        stub_(NewRegistryStub(options)),
        findings_({"line", "credit_code", "outcome", "field", "message"}) {}

  // Sends one record; false when the push must stop.
  bool Send(int64_t line, const v1::Enterprise& enterprise) {
    v1::UpsertEnterpriseRequest request;
    request.set_request_id(ContentRequestId(enterprise));
    *request.mutable_enterprise() = enterprise;
    grpc::ClientContext context;
    PrepareContext(options_, kCallTimeout, &context);
    v1::UpsertEnterpriseResponse response;
    const grpc::Status status = stub_->UpsertEnterprise(&context, request, &response);
    if (status.ok()) {
      Written(line, response);
      return true;
    }
    if (StopsThePush(status.error_code())) {
      ReportRpcError(options_, status);
      std::cerr << "stopped at line " << line
                << "; running the same file again is safe (request ids come from the content)\n";
      return false;
    }
    Rejected(line, enterprise.credit_code(), status);
    return true;
  }

  void Unparsed(const v1::Enterprise& partial, const std::vector<RowError>& errors) {
    ++counts_.local;
    for (const RowError& e : errors) {
      findings_.AddRow(
          {absl::StrCat(e.line), partial.credit_code(), "NOT_SENT", e.column, e.message});
      NoteRejected(e, rejected_);
    }
  }

  const Rejections& rejected() const { return rejected_; }

  // The findings table, then "received N, accepted A, unchanged U, rejected R".
  int Finish(bool complete) {
    std::ostream& report = options_.format == OutputFormat::kJson ? std::cerr : std::cout;
    if (findings_.size() > 0) {
      findings_.Print(report);
      report << "\n";
    }
    report << "received " << counts_.received << ", accepted " << counts_.accepted << ", unchanged "
           << counts_.unchanged << ", rejected " << counts_.rejected;
    if (counts_.local > 0) report << ", rejected locally " << counts_.local << " (not sent)";
    report << "\n";
    return complete && counts_.rejected == 0 && counts_.local == 0 ? kExitOk : kExitFailure;
  }

 private:
  void Written(int64_t line, const v1::UpsertEnterpriseResponse& response) {
    ++counts_.received;
    (response.outcome() == v1::OUTCOME_UNCHANGED ? counts_.unchanged : counts_.accepted)++;
    const std::string outcome = EnumShortName(*v1::Outcome_descriptor(), response.outcome());
    for (const v1::Violation& w : response.warnings()) {
      findings_.AddRow({absl::StrCat(line), response.enterprise().credit_code(), outcome, w.field(),
                        absl::StrCat("warning [", w.rule_id(), "] ", w.message())});
    }
    if (options_.format == OutputFormat::kJson) std::cout << ToJsonLine(response) << "\n";
  }

  // Every field violation of the error, or its message when it has none.
  void Rejected(int64_t line, const std::string& credit_code, const grpc::Status& status) {
    ++counts_.received;
    ++counts_.rejected;
    const absl::Status error = rpc::FromGrpcStatus(status);
    const std::string outcome = absl::StrCat("REJECTED ", absl::StatusCodeToString(error.code()));
    const std::vector<rpc::FieldViolation> violations = rpc::FieldViolations(error);
    if (violations.empty()) {
      findings_.AddRow(
          {absl::StrCat(line), credit_code, outcome, "", std::string(error.message())});
      rejected_[line].push_back(std::string(error.message()));
    }
    for (const rpc::FieldViolation& v : violations) {
      findings_.AddRow({absl::StrCat(line), credit_code, outcome, v.field, v.description});
      rejected_[line].push_back(absl::StrCat(v.field, ": ", v.description));
    }
  }

  const GlobalOptions& options_;
  std::unique_ptr<v1::ProjectRegistry::Stub> stub_;
  Table findings_;
  Counts counts_;
  Rejections rejected_;
};

}  // namespace

int PushEnterprises(const GlobalOptions& options, const PushFileOptions& file) {
  absl::StatusOr<Input> input =
      OpenInput(file.path, file.format_in, *v1::Enterprise::descriptor(), options.encoding);
  if (!input.ok()) {
    std::cerr << "error: " << input.status().message() << "\n";
    return kExitUsage;
  }
  EnterprisePush push(options);
  v1::Enterprise enterprise;
  int64_t line = 0;
  std::vector<RowError> errors;
  bool complete = true;
  int64_t interrupted_at = 0;
  InterruptCatcher catcher;
  while (input->reader->Next(&enterprise, &line, &errors)) {
    if (line < file.from_line) continue;  // answered by an earlier push
    if (InterruptCatcher::Interrupted()) {
      interrupted_at = line;
      complete = false;
      break;
    }
    if (!errors.empty()) {
      push.Unparsed(enterprise, errors);
    } else if (!push.Send(line, enterprise)) {
      complete = false;
      break;
    }
  }
  const int code = push.Finish(complete);
  ReportRejects(*input, file.path, push.rejected(), file.rejects);
  ReportInterrupted(interrupted_at, "techreno push enterprises " + file.path);
  return code;
}

}  // namespace techreno::cli
