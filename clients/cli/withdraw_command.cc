// techreno withdraw CODE --reason=TEXT [--request_id=ID]
#include <iostream>
#include <string>

#include "absl/strings/str_cat.h"
#include "clients/cli/client.h"
#include "clients/cli/commands.h"
#include "clients/cli/format.h"
#include "techreno/v1/registry.grpc.pb.h"

namespace techreno::cli {

int WithdrawProject(const GlobalOptions& options, const std::string& project_code,
                    const std::string& reason, std::string request_id) {
  if (reason.empty()) {
    std::cerr << "error: withdraw needs --reason=TEXT (it is kept with the project)\n";
    return kExitUsage;
  }
  auto stub = NewRegistryStub(options);
  grpc::ClientContext context;
  PrepareContext(options, kCallTimeout, &context);
  v1::WithdrawProjectRequest request;
  request.set_request_id(GivenOrRandomRequestId(request_id));
  request.set_project_code(project_code);
  request.set_reason(reason);
  v1::Project project;
  const grpc::Status status = stub->WithdrawProject(&context, request, &project);
  if (!status.ok()) {
    ReportWriteError(options, status, request.request_id());
    return kExitFailure;
  }
  if (options.format == OutputFormat::kJson) {
    std::cout << ToJsonLine(project) << "\n";
  } else {
    std::cout << "withdrawn " << project.project_code() << " ("
              << EnumLabel(*v1::ProjectStatus_descriptor(), project.status()) << ", version "
              << project.version() << "): " << project.withdraw_reason() << "\n";
  }
  return kExitOk;
}

}  // namespace techreno::cli
