// Talking to techreno-server: the channel, the per-call context (bearer token,
// deadline), request ids, and the one way every command reports a failed call.
#ifndef TECHRENO_CLIENTS_CLI_CLIENT_H_
#define TECHRENO_CLIENTS_CLI_CLIENT_H_

#include <google/protobuf/message.h>
#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

#include "absl/time/time.h"
#include "clients/cli/options.h"
#include "techreno/v1/banklink.grpc.pb.h"
#include "techreno/v1/library.grpc.pb.h"
#include "techreno/v1/monitoring.grpc.pb.h"
#include "techreno/v1/registry.grpc.pb.h"

namespace techreno::cli {

// Deadline of unary calls; streams (pushes of any size, watches) have none.
inline constexpr absl::Duration kCallTimeout = absl::Seconds(60);

std::unique_ptr<v1::ProjectRegistry::Stub> NewRegistryStub(const GlobalOptions& options);
std::unique_ptr<v1::InvestmentMonitoring::Stub> NewMonitoringStub(const GlobalOptions& options);
std::unique_ptr<v1::KeyProjectLibrary::Stub> NewLibraryStub(const GlobalOptions& options);
std::unique_ptr<v1::BankLink::Stub> NewBankLinkStub(const GlobalOptions& options);

// Adds "authorization: Bearer <token>" (when a token is set) and, unless
// `timeout` is infinite, a deadline.
void PrepareContext(const GlobalOptions& options, absl::Duration timeout,
                    grpc::ClientContext* context);

// "cli-" + 128 random bits: unique per invocation, so running a command twice
// is two requests, while a retry that reuses the printed id is answered from
// the first call.
std::string RandomRequestId();

// The request_id the user gave (to retry a call), else a RandomRequestId().
std::string GivenOrRandomRequestId(const std::string& given);

// "cli-" + hex SHA-256 of the deterministic serialization of `message`: the
// same content always gets the same id, so running the same command or file
// again changes nothing twice. (The server replays the first answer of an id:
// going back to an earlier content after a change replays, it does not write.)
std::string ContentRequestId(const google::protobuf::Message& message);

// On stderr: the gRPC code name, the message, every BadRequest field
// violation, and a hint for the failures people hit first (server not
// running, no token, a method the server does not offer yet).
void ReportRpcError(const GlobalOptions& options, const grpc::Status& status);

// ReportRpcError for a call that writes; when the write may or may not have
// happened (unavailable, deadline exceeded), also the request_id to retry
// with: only a retry with the same id can tell, and it does not write twice.
void ReportWriteError(const GlobalOptions& options, const grpc::Status& status,
                      const std::string& request_id);

// Runs one unary write, `call(&context)` with a fresh context (token,
// deadline); false after reporting a failure with ReportWriteError.
template <typename Call>
bool CallWrite(const GlobalOptions& options, const std::string& request_id, Call call) {
  grpc::ClientContext context;
  PrepareContext(options, kCallTimeout, &context);
  const grpc::Status status = call(&context);
  if (!status.ok()) ReportWriteError(options, status, request_id);
  return status.ok();
}

}  // namespace techreno::cli

#endif  // TECHRENO_CLIENTS_CLI_CLIENT_H_
