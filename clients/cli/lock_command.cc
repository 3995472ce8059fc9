// techreno lock PERIOD / unlock PERIOD --reason=TEXT: closes or reopens one
// reporting month province-wide (province principals only).
#include <iostream>
#include <string>

#include "clients/cli/client.h"
#include "clients/cli/commands.h"
#include "clients/cli/format.h"
#include "techreno/v1/monitoring.grpc.pb.h"

namespace techreno::cli {
namespace {

void PrintLock(const v1::LockPeriodResponse& response) {
  const v1::PeriodLock& lock = response.lock();
  const char* state = lock.locked() ? "locked" : "unlocked";
  if (response.outcome() == v1::OUTCOME_UNCHANGED) {
    std::cout << lock.period() << " was already " << state << " (unchanged, version "
              << lock.version() << ")\n";
    return;
  }
  std::cout << state << " " << lock.period() << " (version " << lock.version() << ", by "
            << lock.changed_by() << " at " << FormatTime(lock.change_time())
            << "): " << lock.reason() << "\n";
}

}  // namespace

int LockPeriod(const GlobalOptions& options, const std::string& period, bool lock,
               const std::string& reason, std::string request_id) {
  // The contract needs a reason only to unlock; asking for one both ways keeps
  // the audit trail readable.
  if (reason.empty()) {
    std::cerr << "error: " << (lock ? "lock" : "unlock")
              << " needs --reason=TEXT (it is kept in the audit trail)\n";
    return kExitUsage;
  }
  auto stub = NewMonitoringStub(options);
  grpc::ClientContext context;
  PrepareContext(options, kCallTimeout, &context);
  v1::LockPeriodRequest request;
  request.set_request_id(GivenOrRandomRequestId(request_id));
  request.set_period(period);
  request.set_lock(lock);
  request.set_reason(reason);
  v1::LockPeriodResponse response;
  const grpc::Status status = stub->LockPeriod(&context, request, &response);
  if (!status.ok()) {
    ReportWriteError(options, status, request.request_id());
    return kExitFailure;
  }
  if (options.format == OutputFormat::kJson) {
    std::cout << ToJsonLine(response) << "\n";
  } else {
    PrintLock(response);
  }
  return kExitOk;
}

}  // namespace techreno::cli
